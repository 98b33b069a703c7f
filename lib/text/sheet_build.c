/* text/sheet_build — what the spreadsheet backends (xlsx.c, xls.c) build a
 * book with: rows of cells as text, the text of a number under its number
 * format (dates and times in both date systems), the book and its sheets.
 * It calls no backend: sheet.c → the backends → here, one way.
 */
#include "text/sheet_build.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
