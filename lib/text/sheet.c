/* text/sheet — a workbook's sheets as record readers (see sheet.h).
 *
 * The backends (xlsx.c, xls.c) hand over rows of cells already as text,
 * built with sheet_build.c; here: which backend reads a file, and the rows
 * → records of the cc_csv interface (header first, later rows cut to its
 * width).  Calls run one way: sheet.c → the backends → sheet_build.c.
 */
#include "text/sheet_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

static int has_ext(const char *path, const char *ext)
{
    size_t n = strlen(path), e = strlen(ext);
    return n > e && !strcasecmp(path + n - e, ext);
}

static int read_magic(const char *path, unsigned char m[8])
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t k = read(fd, m, 8);
    close(fd);
    return k < 0 ? -1 : (int)k;
}

static const unsigned char OLE[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};

int cc_book_is_book(const char *path)
{
    if (has_ext(path, ".xlsx") || has_ext(path, ".xlsm") || has_ext(path, ".xls"))
        return 1;
    unsigned char m[8];
    int k = read_magic(path, m);
    return (k >= 4 && !memcmp(m, "PK\3\4", 4)) || (k == 8 && !memcmp(m, OLE, 8));
}

/* An OLE compound file holding "EncryptedPackage": an .xlsx saved with a password. */
static int ole_encrypted(const char *path)
{
    static const char name[] = "E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0";
    const size_t nl = sizeof name - 1;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    enum { CH = 1 << 16 };
    char *buf = cc_xmalloc(CH + nl);
    size_t keep = 0;
    int found = 0;
    ssize_t k;
    while (!found && (k = read(fd, buf + keep, CH)) > 0) {
        size_t n = keep + (size_t)k;
        found = memmem(buf, n, name, nl) != NULL;
        keep = n < nl ? n : nl;
        memmove(buf, buf + n - keep, keep);
    }
    close(fd);
    free(buf);
    return found;
}

cc_book *cc_book_open(const char *path, char **why)
{
    unsigned char m[8];
    int k = read_magic(path, m);
    if (k < 0) {
        *why = cc_xasprintf("cannot read: %s", strerror(errno));
        return NULL;
    }
    if (k == 0) {
        *why = cc_xstrdup("empty file, not a workbook");
        return NULL;
    }
    if (k >= 4 && !memcmp(m, "PK\3\4", 4))
        return cc_xlsx_open(path, why);
    if (k == 8 && !memcmp(m, OLE, 8)) {
        if (ole_encrypted(path)) {
            *why = cc_xstrdup("encrypted workbook (saved with a password to open it): save a copy without "
                              "the password and ingest that");
            return NULL;
        }
        return cc_xls_open(path, why);
    }
    if (k >= 4 && !memcmp(m, "PK", 2))
        *why = cc_xstrdup("not a valid workbook: a zip file that does not start with a file entry "
                          "(truncated or damaged?)");
    else if (has_ext(path, ".xls"))
        *why = cc_xstrdup("not a valid .xls workbook (neither an Excel 97-2003 file nor an .xlsx zip); "
                          "if it is text, rename it .csv");
    else
        *why = cc_xstrdup("not a valid .xlsx workbook (not a zip file); if it is text, rename it .csv");
    return NULL;
}

cc_book *cc_book_open_mem(const void *data, size_t len, char **why)
{
    int fd = memfd_create("carecard-book", MFD_CLOEXEC);
    if (fd < 0 || write(fd, data, len) != (ssize_t)len) {
        *why = cc_xasprintf("cannot hold the workbook: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    cc_book *b = cc_book_open(path, why);
    close(fd);                /* (the book holds its own descriptor) */
    return b;
}

/* ---- a sheet as records ------------------------------------------------------------ */

typedef struct {
    cc_book *b;
    void *rd;
    sheet_row row;
    long first_row;           /* <= 0: raw, every row as it is */
    size_t width;             /* of the header (0 before it) */
    int header_seen;
} sheet_rd;

static int rd_next(void *arg, cc_csv_record *rec)
{
    sheet_rd *s = arg;
    for (;;) {
        int rc = s->b->ops->next_row(s->rd, &s->row);
        if (rc <= 0)
            return rc;
        sheet_row *r = &s->row;
        if (s->first_row > 0 && r->row < s->first_row)
            continue;
        if (r->n == 0 && sheet_row_put(r, 0, "", 0) < 0)
            return -1;
        if (s->first_row > 0) {
            if (!s->header_seen) {
                s->header_seen = 1;
                size_t w = r->n;
                while (w > 1 && r->flen[w - 1] == 0)
                    w--;
                s->width = w;
            }
            if (r->n > s->width) {
                r->n = s->width;
                if (r->error_col > s->width)
                    r->error_col = 0;
            }
        }
        for (size_t i = 0; i < r->n; i++)
            r->ptr[i] = r->buf + r->off[i];
        rec->n = r->n;
        rec->field = r->ptr;
        rec->len = r->flen;
        rec->line = r->row;
        rec->error_col = r->error_col;
        return 1;
    }
}

static const char *rd_error(void *arg)
{
    sheet_rd *s = arg;
    return s->b->ops->error(s->rd);
}

static uint64_t rd_offset(void *arg)
{
    sheet_rd *s = arg;
    return s->b->ops->offset(s->rd);
}

static uint64_t rd_size(void *arg)
{
    sheet_rd *s = arg;
    return s->b->ops->size(s->rd);
}

static void rd_free(void *arg)
{
    sheet_rd *s = arg;
    s->b->ops->close_sheet(s->rd);
    sheet_row_release(&s->row);
    free(s);
}

static const cc_csv_source sheet_source = {rd_next, rd_error, rd_offset, rd_size, rd_free};

cc_csv *cc_book_sheet_open(cc_book *b, size_t i, long first_row, char **why)
{
    if (i >= b->n) {
        *why = cc_xstrdup("no such sheet");
        return NULL;
    }
    void *rd = b->ops->open_sheet(b, i, why);
    if (!rd)
        return NULL;
    sheet_rd *s = cc_xcalloc(1, sizeof *s);
    s->b = b;
    s->rd = rd;
    s->first_row = first_row;
    return cc_csv_open_source(&sheet_source, s);
}
