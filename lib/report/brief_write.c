/* brief_write — the brief's PDF and PNG files (cc_brief_write): the page
 * drawn by brief.c on a PDF surface and on a PNG canvas, each written to a
 * temporary file renamed into place; and the short SHA-256 of a file for
 * the footer. */
#include <cairo.h>
#include <cairo-pdf.h>
#include <errno.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/brief.h"
#include "report/brief_int.h"
#include "report/chart_int.h"

#define PW CC_BRIEF_PAGE_W
#define PH CC_BRIEF_PAGE_H

static cairo_status_t pdf_out(void *closure, const unsigned char *data, unsigned int n)
{
    return fwrite(data, 1, n, closure) == n ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static cc_err write_pdf(const cc_brief *b, const char *path)
{
    char *tmp = cc_xasprintf("%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        cc_error("cannot write %s: %s", path, strerror(errno));
        free(tmp);
        return CC_ERR_IO;
    }
    cairo_surface_t *sf = cairo_pdf_surface_create_for_stream(pdf_out, f, PW, PH);
    /* the creation date is the period's (never the clock), so reruns match */
    if (b->date && *b->date)
        cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATE_DATE, b->date);
    if (b->title && *b->title)
        cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, b->title);
    char *creator = cc_xasprintf("carecard %s", b->version ? b->version : "");
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR, creator);
    free(creator);
    cairo_t *cr = cairo_create(sf);
    cc_brief_draw(cr, b);
    cairo_show_page(cr);
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(sf);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(sf);
    cairo_surface_destroy(sf);
    errno = 0;
    int bad = st != CAIRO_STATUS_SUCCESS || fflush(f) != 0 || ferror(f);
    int err = bad && st == CAIRO_STATUS_SUCCESS ? (errno ? errno : EIO) : 0;
    if (st == CAIRO_STATUS_WRITE_ERROR && !err)
        err = errno ? errno : EIO;
    if (fclose(f) != 0 && !bad) {
        bad = 1;
        err = errno ? errno : EIO;
    }
    cc_err e = CC_OK;
    if (bad) {
        cc_error("cannot write %s: %s", path, err ? strerror(err) : cairo_status_to_string(st));
        e = st == CAIRO_STATUS_NO_MEMORY ? CC_ERR_NOMEM : CC_ERR_IO;
    } else if (rename(tmp, path) != 0) {
        cc_error("cannot write %s: %s", path, strerror(errno));
        e = CC_ERR_IO;
    }
    if (e)
        unlink(tmp);
    free(tmp);
    return e;
}

static cc_err write_png(const cc_brief *b, const char *path)
{
    int w, h;
    cc_brief_png_size(&w, &h);
    cc_chart_opts o;
    cc_ch_opts(NULL, &o);
    o.width = w;
    o.height = h;
    cc_ch_canvas c;
    cc_err e = cc_ch_open(&c, &o, w, h);
    if (e)
        return e;
    /* zlib level 1: a text page compresses 10 % worse than at 6 (260 KB
     * against 236 KB) in half the time, and a city writes 150 of them */
    c.png_level = 1;
    cairo_scale(c.cr, w / PW, w / PW);
    cc_brief_draw(c.cr, b);
    return cc_ch_finish(&c, path);
}

cc_err cc_brief_write(const cc_brief *b, const char *pdf_path, const char *png_path)
{
    cc_err e = CC_OK;
    if (pdf_path && (e = write_pdf(b, pdf_path)))
        return e;
    if (png_path)
        e = write_png(b, png_path);
    return e;
}

void cc_brief_file_sha(const char *path, char *out, size_t len)
{
    if (len)
        out[0] = 0;
    FILE *f = path ? fopen(path, "rb") : NULL;
    if (!f)
        return;
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    unsigned char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sha256_update(&ctx, n, buf);
    int bad = ferror(f);
    fclose(f);
    if (bad)
        return;
    unsigned char dig[SHA256_DIGEST_SIZE];
    sha256_digest(&ctx, sizeof dig, dig);
    size_t k = 0;
    for (; k < 6 && 2 * k + 2 < len; k++)
        snprintf(out + 2 * k, 3, "%02x", dig[k]);
}
