/* carecard status — what is stored: files ingested, rows per kind, the dates
 * covered per community, the last ingest. */
#include "cmd.h"

#include <stdlib.h>

static const cmd_opt options[] = {
    {"--db", "FILE", OPT_COMMON, NULL, NULL},
    {NULL, NULL, 0, NULL, NULL}
};

const cmd_spec cmd_status_spec = {
    NULL, NULL, options,
    "Print what the database holds: every file ingested (name, kind, rows\n"
    "stored and rejected, encoding, time; replaced versions marked), the rows\n"
    "per kind, the dates covered per community (activities, surveys,\n"
    "assessments, time bank, feedback) and the time of the last ingest.\n",
    NULL, 0, 0
};

/* Pad a UTF-8 string to a display width (CJK counts 2). */
static void pad(FILE *out, const char *s, size_t width)
{
    fputs(s, out);
    size_t w = cc_utf8_width(s);
    while (w++ < width)
        fputc(' ', out);
}

int cmd_status(const cmd_args *a, cc_ctx *ctx)
{
    (void)a;
    FILE *out = stdout;

    fprintf(out, "Database: %s\n", cc_store_path(ctx->store));
    char *last = cc_time_local(cc_store_last_ingest(ctx->store));
    fprintf(out, "Last ingest: %s\n", last ? last : "never");
    free(last);

    cc_store_status st;
    if (cc_store_status_read(ctx->store, &st) != CC_OK)
        return EXIT_FAIL;

    /* files */
    for (size_t i = 0; i < st.nfiles; i++) {
        const cc_store_status_file *f = &st.files[i];
        if (i == 0) {
            fprintf(out, "\nFiles ingested:\n  ");
            pad(out, "file", 32);
            fprintf(out, "%-12s %10s %9s  %-8s %s\n", "kind", "accepted", "rejected", "encoding", "ingested at");
        }
        fputs("  ", out);
        pad(out, f->name ? f->name : "", 32);
        char *when = cc_time_local(cc_xstrdup(f->ingested_at ? f->ingested_at : ""));     /* the data's time zone, named */
        fprintf(out, "%-12s %10lld %9lld  %-8s %s%s\n", f->kind, f->accepted, f->rejected, f->encoding, when,
                f->replaced ? "  (replaced by a later version)" : "");
        free(when);
    }
    if (!st.nfiles) {
        fprintf(out, "\nNo files ingested yet.\n");
        cc_store_status_release(&st);
        return EXIT_OK;
    }

    /* rows per kind */
    fprintf(out, "\nRows stored:\n");
    for (size_t i = 0; i < CC_STORE_STATUS_KINDS; i++)
        fprintf(out, "  %-22s %10lld\n", st.counts[i].kind, st.counts[i].rows);

    /* dates covered per community */
    for (size_t i = 0; i < st.ncommunities; i++) {
        const cc_store_status_community *c = &st.communities[i];
        if (i == 0)
            fprintf(out, "\nDates covered per community:\n");
        fputs("  ", out);
        pad(out, c->id ? c->id : "", 10);
        pad(out, c->name ? c->name : "(not in the register)", 24);
        if (c->lo)
            fprintf(out, "%s .. %s  %s\n", c->lo, c->hi, c->kinds ? c->kinds : "");
        else
            fprintf(out, "no dated rows\n");
    }
    cc_store_status_release(&st);
    return EXIT_OK;
}
