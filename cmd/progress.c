/* cmd/progress — draws the progress the library reports (cc_progress) on
 * stderr: a bar per input file while ingesting, "k/n workbooks" while a
 * report is written.  Installed only when stderr is a terminal and -q is off. */
#include "cmd.h"

#include <string.h>

static void draw_ingest(const cc_progress *p)
{
    if (p->finished) {
        fprintf(stderr, "\r\033[K");
        fflush(stderr);
        return;
    }
    int pct = p->total > 0 ? (int)(p->done * 100 / p->total) : 100;
    if (pct > 100)
        pct = 100;
    char bar[31];
    int fill = pct * 30 / 100;
    for (int i = 0; i < 30; i++)
        bar[i] = i < fill ? '#' : ' ';
    bar[30] = '\0';
    fprintf(stderr, "\rcarecard: %s [%s] %3d%% %ld rows", p->name ? p->name : "", bar, pct, p->rows);
    fflush(stderr);
}

static void draw_report(const cc_progress *p)
{
    fprintf(stderr, "\rcarecard: report: %ld/%ld workbooks", p->done, p->total);
    if (p->done == p->total)
        fputc('\n', stderr);
    fflush(stderr);
}

static void draw(const cc_progress *p, void *ctx)
{
    (void)ctx;
    if (p->task && !strcmp(p->task, "report"))
        draw_report(p);
    else
        draw_ingest(p);
}

void cmd_progress_install(const cc_ctx *ctx)
{
    cc_progress_set(ctx->tty && !ctx->quiet ? draw : NULL, NULL);
}
