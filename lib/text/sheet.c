/* text/sheet — a workbook's sheets as record readers (see sheet.h).
 *
 * The backends (xlsx.c, xls.c) hand over rows of cells already as text;
 * here: which backend reads a file, the rows → records of the cc_csv
 * interface (header first, later rows cut to its width), and the text of a
 * number under its number format (dates and times in both date systems).
 */
#include "text/sheet_int.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

/* ---- rows -------------------------------------------------------------------- */

void sheet_row_begin(sheet_row *r, long row)
{
    r->row = row;
    r->len = 0;
    r->n = 0;
    r->error_col = 0;
}

static int field_add(sheet_row *r, const char *s, size_t n)
{
    if (r->n == r->fcap) {
        if (r->fcap >= CC_SHEET_MAX_COLS)
            return -1;
        r->fcap = r->fcap ? r->fcap * 2 : 32;
        r->off = cc_xrealloc(r->off, r->fcap * sizeof *r->off);
        r->flen = cc_xrealloc(r->flen, r->fcap * sizeof *r->flen);
        r->ptr = cc_xrealloc(r->ptr, r->fcap * sizeof *r->ptr);
    }
    if (r->len + n + 1 > r->cap) {
        if (r->len + n + 1 > CC_CSV_MAX_RECORD)
            return -1;
        size_t c = r->cap ? r->cap : 4096;
        while (c < r->len + n + 1)
            c *= 2;
        r->buf = cc_xrealloc(r->buf, c);
        r->cap = c;
    }
    r->off[r->n] = r->len;
    r->flen[r->n] = n;
    if (n)
        memcpy(r->buf + r->len, s, n);
    r->len += n;
    r->buf[r->len++] = '\0';
    r->n++;
    return 0;
}

int sheet_row_put(sheet_row *r, size_t col, const char *s, size_t n)
{
    if (col >= CC_SHEET_MAX_COLS || col < r->n)
        return -1;
    while (r->n < col)
        if (field_add(r, "", 0) < 0)
            return -1;
    return field_add(r, s, n);
}

void sheet_row_release(sheet_row *r)
{
    free(r->buf);
    free(r->off);
    free(r->flen);
    free(r->ptr);
    memset(r, 0, sizeof *r);
}

/* ---- number formats ------------------------------------------------------------ */

sheet_fmt sheet_builtin_fmt(int id)
{
    if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || id == 36 || (id >= 50 && id <= 54) || id == 57 ||
        id == 58)
        return FMT_DATE;
    if ((id >= 18 && id <= 21) || (id >= 32 && id <= 35) || (id >= 45 && id <= 47) || id == 55 || id == 56)
        return FMT_TIME;
    if (id == 22)
        return FMT_DATETIME;
    return FMT_NUMBER;
}

sheet_fmt sheet_code_fmt(const char *code)
{
    if (!code || !strcasecmp(code, "General") || !strcmp(code, "@"))
        return FMT_NUMBER;
    /* the letters that matter, in order: y d h s m (m decided below) */
    char tok[64];
    int nt = 0, date = 0, time = 0;
    for (const char *p = code; *p && *p != ';' && nt < (int)sizeof tok; p++) {
        char c = *p;
        if (c == '"') {
            while (p[1] && p[1] != '"')
                p++;
            if (p[1])
                p++;
            continue;
        }
        if (c == '\\' || c == '_' || c == '*') {
            if (p[1])
                p++;
            continue;
        }
        if (c == '[') {
            const char *e = strchr(p, ']');
            if (!e)
                break;
            /* [h] [mm] [ss]: elapsed time; [Red], [$-804], [DBNum1]: not */
            size_t k = (size_t)(e - p - 1);
            if (k && strspn(p + 1, "hHmMsS") >= k) {
                char c1 = (char)(p[1] | 0x20);
                tok[nt++] = c1 == 'm' ? 'n' : c1;   /* (n: minutes, whatever follows) */
            }
            p = e;
            continue;
        }
        if (!strncasecmp(p, "AM/PM", 5)) {
            p += 4;
            time = 1;
            continue;
        }
        if (!strncasecmp(p, "A/P", 3)) {
            p += 2;
            time = 1;
            continue;
        }
        if ((c == 'E' || c == 'e') && (p[1] == '+' || p[1] == '-'))
            return FMT_NUMBER;   /* 0.00E+00 */
        switch (c) {
        case 'y': case 'Y': case 'd': case 'D': case 'e':
            tok[nt++] = 'd';
            break;
        case 'h': case 'H': case 's': case 'S':
            tok[nt++] = (char)(c | 0x20);
            break;
        case 'm': case 'M':
            if (nt == 0 || tok[nt - 1] != 'm')
                tok[nt++] = 'm';
            break;
        default:
            break;
        }
    }
    for (int i = 0; i < nt; i++) {
        if (tok[i] == 'd')
            date = 1;
        else if (tok[i] == 'h' || tok[i] == 's' || tok[i] == 'n')
            time = 1;
        else {
            /* m: minutes right after an h or right before an s, else month */
            int prev = i > 0 ? tok[i - 1] : 0, next = i + 1 < nt ? tok[i + 1] : 0;
            if (prev == 'h' || next == 's')
                time = 1;
            else
                date = 1;
        }
    }
    return date && time ? FMT_DATETIME : date ? FMT_DATE : time ? FMT_TIME : FMT_NUMBER;
}

size_t sheet_number_text(double v, sheet_fmt k, int date1904, char *out)
{
    if (k == FMT_NUMBER || !isfinite(v) || v < 0 || v >= 2958466.0) {
        cc_num_shortest(out, 40, v);
        return strlen(out);
    }
    double whole = floor(v);
    long day = (long)whole;
    long secs = lround((v - whole) * 86400.0);
    if (secs >= 86400) {
        day++;
        secs -= 86400;
    }
    char d[11] = "", t[9] = "";
    if (k != FMT_TIME) {
        if (date1904)
            cc_day_format(cc_day_from_ymd(1904, 1, 1) + (cc_day)day, d);
        else if (day == 60)
            memcpy(d, "1900-02-29", 11);  /* Lotus's leap day, kept by Excel */
        else if (day < 60)
            cc_day_format(cc_day_from_ymd(1899, 12, 31) + (cc_day)day, d);
        else
            cc_day_format(cc_day_from_ymd(1899, 12, 30) + (cc_day)day, d);
    }
    if (k != FMT_DATE)
        cc_time_format((int)secs, t);
    /* (no printf: three cells a row of a million-row sheet come here) */
    if (k == FMT_DATE) {
        memcpy(out, d, 11);
        return 10;
    }
    if (k == FMT_TIME) {
        memcpy(out, t, 9);
        return 8;
    }
    memcpy(out, d, 10);
    out[10] = ' ';
    memcpy(out + 11, t, 9);
    return 19;
}

void cc_col_letters(size_t col, char out[8])
{
    char tmp[8];
    int n = 0;
    col++;
    while (col && n < 7) {
        tmp[n++] = (char)('A' + (col - 1) % 26);
        col = (col - 1) / 26;
    }
    for (int i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = '\0';
}

/* ---- books ------------------------------------------------------------------------ */

cc_book *sheet_book_new(const char *format, const struct book_ops *ops, void *impl)
{
    cc_book *b = cc_xcalloc(1, sizeof *b);
    b->format = format;
    b->ops = ops;
    b->impl = impl;
    return b;
}

void sheet_book_add(cc_book *b, const char *name, size_t len, int hidden, long rows)
{
    b->names = cc_xrealloc(b->names, (b->n + 1) * sizeof *b->names);
    b->hidden = cc_xrealloc(b->hidden, (b->n + 1) * sizeof *b->hidden);
    b->rows = cc_xrealloc(b->rows, (b->n + 1) * sizeof *b->rows);
    b->names[b->n] = cc_xstrndup(name, len);
    b->hidden[b->n] = hidden;
    b->rows[b->n] = rows;
    b->n++;
}

size_t cc_book_nsheets(const cc_book *b) { return b->n; }
const char *cc_book_sheet_name(const cc_book *b, size_t i) { return b->names[i]; }
int cc_book_sheet_hidden(const cc_book *b, size_t i) { return b->hidden[i]; }
long cc_book_sheet_rows(const cc_book *b, size_t i) { return b->rows[i]; }
const char *cc_book_format(const cc_book *b) { return b->format; }

void cc_book_free(cc_book *b)
{
    if (!b)
        return;
    if (b->ops && b->ops->free)
        b->ops->free(b);
    for (size_t i = 0; i < b->n; i++)
        free(b->names[i]);
    free(b->names);
    free(b->hidden);
    free(b->rows);
    free(b);
}

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
