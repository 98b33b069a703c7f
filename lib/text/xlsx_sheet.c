/* text/xlsx_sheet — the rows of one worksheet part, read as a stream.
 *
 * The part is inflated a window at a time and scanned by a small XML
 * tokenizer made for it: start and end tags (any namespace prefix), quoted
 * attributes, text with the five predefined entities and character
 * references, CDATA, comments and processing instructions; a DOCTYPE is
 * refused (no entity is ever declared, so none can expand). Nothing of the
 * sheet is kept but the row being read. Why not expat, which reads every
 * other part: a year of city activities is 930 MB of sheet XML, and expat
 * spends 13 s of CPU on its tags alone — twice the whole ingest of the same
 * data as CSV; this scanner needs a fifth of that (docs/decisions.md).
 *
 * It extracts, it does not validate: mismatched tags are not an error, but
 * every token and cell is bounded (a tag 64 KiB, a cell CC_SHEET_MAX_CELL,
 * columns CC_SHEET_MAX_COLS) and rows only go forward.
 */
#include "text/xlsx_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define INFLATE_CHUNK (256u << 10)
#define NCHUNK 4
#define MAX_TAG (64u << 10)
#define MAX_ATTRS 16

typedef struct {
    cc_book *book;
    xbook *b;
    size_t index;
    uint64_t size, offset;
    int eof;                  /* the part is all inflated */
    /* the window: bytes [pos, len) not yet scanned */
    char *win;
    size_t pos, len, cap;
    /* the scan */
    int in_data, in_v, in_is, in_t, in_rph, in_c, row_open;
    long row, last_row, col, last_col;
    char ctype;               /* 'n' number, 's' shared, 'i' inline, 'b' bool, 'e' error, 'f' str, 'd' date */
    int cstyle;
    cc_buf cell;
    sheet_row *out;
    char err[300];
    /* inflating: a thread of its own fills NCHUNK chunks ahead of the scan */
    pthread_t th;
    int threaded;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    char *chunk[NCHUNK];
    int clen[NCHUNK];         /* bytes, 0 end of the part, < 0 damaged (-2 CRC) */
    unsigned long produced, consumed;
    int stop, closed;
} xsh;

static void *inflate_main(void *arg)
{
    xsh *s = arg;
    for (;;) {
        pthread_mutex_lock(&s->mu);
        while (!s->stop && s->produced - s->consumed == NCHUNK)
            pthread_cond_wait(&s->cv, &s->mu);
        int stop = s->stop;
        int slot = (int)(s->produced % NCHUNK);
        pthread_mutex_unlock(&s->mu);
        if (stop)
            break;
        int n = unzReadCurrentFile(s->b->uf, s->chunk[slot], INFLATE_CHUNK);
        if (n == 0) {
            s->closed = 1;
            if (unzCloseCurrentFile(s->b->uf) == UNZ_CRCERROR)
                n = -2;
        } else if (n < 0)
            n = -1;
        pthread_mutex_lock(&s->mu);
        s->clen[slot] = n;
        s->produced++;
        pthread_cond_broadcast(&s->cv);
        pthread_mutex_unlock(&s->mu);
        if (n <= 0)
            break;
    }
    return NULL;
}

/* The next inflated bytes into dst (room for INFLATE_CHUNK): count, 0 end, -1 damaged, -2 CRC. */
static int inflate_next(xsh *s, char *dst)
{
    if (!s->threaded) {
        int n = unzReadCurrentFile(s->b->uf, dst, INFLATE_CHUNK);
        if (n == 0) {
            s->closed = 1;
            if (unzCloseCurrentFile(s->b->uf) == UNZ_CRCERROR)
                return -2;
        }
        return n < 0 ? -1 : n;
    }
    pthread_mutex_lock(&s->mu);
    while (s->produced == s->consumed)
        pthread_cond_wait(&s->cv, &s->mu);
    int slot = (int)(s->consumed % NCHUNK);
    int n = s->clen[slot];
    pthread_mutex_unlock(&s->mu);
    if (n > 0)
        memcpy(dst, s->chunk[slot], (size_t)n);
    if (n <= 0)
        return n;               /* (the end stays in its slot: asked again, said again) */
    pthread_mutex_lock(&s->mu);
    s->consumed++;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    return n;
}

static int fail(xsh *s, const char *msg)
{
    if (!s->err[0]) {
        if (s->row)
            snprintf(s->err, sizeof s->err, "row %ld: %s", s->row, msg);
        else
            snprintf(s->err, sizeof s->err, "%s", msg);
    }
    return -1;
}

/* More bytes into the window (keeping [pos, len)). 0 added, -1 error. */
static int refill(xsh *s)
{
    if (s->eof)
        return 0;
    if (s->pos > 0) {
        memmove(s->win, s->win + s->pos, s->len - s->pos);
        s->len -= s->pos;
        s->pos = 0;
    }
    if (s->cap - s->len < INFLATE_CHUNK) {
        if (s->cap >= CC_SHEET_MAX_CELL + 2 * MAX_TAG + 2 * INFLATE_CHUNK)
            return fail(s, "a token of more than 1 MiB");
        s->cap *= 2;
        s->win = cc_xrealloc(s->win, s->cap + 1);
    }
    int n = inflate_next(s, s->win + s->len);
    if (n == -1)
        return fail(s, "the sheet's part is damaged (inflate error)");
    if (n == -2)
        return fail(s, "the sheet's part is damaged (CRC error)");
    if (n == 0) {
        s->eof = 1;
        return 0;
    }
    s->len += (size_t)n;
    s->offset += (uint64_t)n;
    s->win[s->len] = '\0';
    return 1;
}

/* Append text [p, p+n) with its entities decoded to the cell. */
static int add_text(xsh *s, const char *p, size_t n, int decode)
{
    if (s->cell.len + n > CC_SHEET_MAX_CELL)
        return fail(s, "a cell of more than 1 MiB of text");
    int has_amp = 0;
    for (size_t i = 0; decode && i < n && !has_amp; i++)
        has_amp = p[i] == '&';
    if (!has_amp) {
        cc_buf_add(&s->cell, p, n);
        return 0;
    }
    const char *e = p + n;
    while (p < e) {
        const char *amp = memchr(p, '&', (size_t)(e - p));
        if (!amp) {
            cc_buf_add(&s->cell, p, (size_t)(e - p));
            break;
        }
        cc_buf_add(&s->cell, p, (size_t)(amp - p));
        const char *semi = memchr(amp, ';', (size_t)(e - amp));
        if (!semi || semi - amp > 10)
            return fail(s, "bad XML: '&' that starts no entity");
        size_t k = (size_t)(semi - amp - 1);
        const char *nm = amp + 1;
        if (k == 2 && !memcmp(nm, "lt", 2))
            cc_buf_addc(&s->cell, '<');
        else if (k == 2 && !memcmp(nm, "gt", 2))
            cc_buf_addc(&s->cell, '>');
        else if (k == 3 && !memcmp(nm, "amp", 3))
            cc_buf_addc(&s->cell, '&');
        else if (k == 4 && !memcmp(nm, "quot", 4))
            cc_buf_addc(&s->cell, '"');
        else if (k == 4 && !memcmp(nm, "apos", 4))
            cc_buf_addc(&s->cell, '\'');
        else if (k >= 2 && nm[0] == '#') {
            unsigned long cp = 0;
            int hex = nm[1] == 'x', ok = k > (size_t)(1 + hex);
            for (size_t i = 1 + (size_t)hex; i < k && ok; i++) {
                char c = nm[i];
                int d = c >= '0' && c <= '9' ? c - '0' : hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10 : -1;
                ok = d >= 0;
                cp = cp * (hex ? 16 : 10) + (unsigned long)(d < 0 ? 0 : d);
                ok = ok && cp <= 0x10FFFF;
            }
            if (!ok || cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))
                return fail(s, "bad XML: a bad character reference");
            char u[4];
            int m = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (m == 1)
                u[0] = (char)cp;
            else {
                for (int i = m - 1; i > 0; i--, cp >>= 6)
                    u[i] = (char)(0x80 | (cp & 0x3F));
                u[0] = (char)((m == 2 ? 0xC0 : m == 3 ? 0xE0 : 0xF0) | cp);
            }
            cc_buf_add(&s->cell, u, (size_t)m);
        } else
            return fail(s, "bad XML: an entity that is not declared (entities are refused)");
        p = semi + 1;
    }
    return 0;
}

/* "BC12" -> column 54 (0-based), row 12 */
static int cell_ref(const char *r, long *col, long *row)
{
    long c = 0, n = 0;
    int k = 0;
    while ((*r >= 'A' && *r <= 'Z') || (*r >= 'a' && *r <= 'z')) {
        c = c * 26 + ((*r | 0x20) - 'a' + 1);
        if (++k > 3)
            return -1;
        r++;
    }
    while (*r >= '0' && *r <= '9' && n < 100000000)
        n = n * 10 + (*r++ - '0');
    if (*r || !k)
        return -1;
    *col = c - 1;
    *row = n;
    return 0;
}

/* a: local names and values (start_tag strips the prefixes) */
static const char *attr(char **a, const char *name)
{
    for (; a[0]; a += 2)
        if (!strcmp(a[0], name))
            return a[1];
    return NULL;
}

static int on_start(xsh *s, const char *n, char **a)
{
    if (!s->in_data) {
        if (!strcmp(n, "sheetData"))
            s->in_data = 1;
        else if (!strcmp(n, "dimension")) {
            const char *ref = attr(a, "ref"), *colon = ref ? strchr(ref, ':') : NULL;
            long c, r;
            if (colon && cell_ref(colon + 1, &c, &r) == 0)
                s->book->rows[s->index] = r;
        }
        return 0;
    }
    if (n[0] == 'c' && !n[1]) {
        if (!s->row_open)
            return 0;           /* (a cell outside a row is not read) */
        const char *r = NULL, *t = NULL, *st = NULL;
        for (char **x = a; x[0]; x += 2)    /* (one pass: 25 M cells in a year of activities) */
            if (x[0][0] && !x[0][1]) {
                if (x[0][0] == 'r')
                    r = x[1];
                else if (x[0][0] == 't')
                    t = x[1];
                else if (x[0][0] == 's')
                    st = x[1];
            }
        long c = s->last_col + 1, rr = s->row;
        if (r && (cell_ref(r, &c, &rr) < 0 || rr != s->row))
            return fail(s, "a cell reference that does not fit its row");
        if (c <= s->last_col || c >= CC_SHEET_MAX_COLS)
            return fail(s, "cells out of order or past column XFD");
        s->col = s->last_col = c;
        s->ctype = !t || (t[0] == 'n' && !t[1]) ? 'n' : (t[0] == 's' && !t[1]) ? 's' : !strcmp(t, "inlineStr") ? 'i'
                 : !strcmp(t, "b") ? 'b' : !strcmp(t, "e") ? 'e' : !strcmp(t, "str") ? 'f' : !strcmp(t, "d") ? 'd' : 'n';
        s->cstyle = st ? atoi(st) : 0;
        s->in_c = 1;
        cc_buf_reset(&s->cell);
    } else if (n[0] == 'v' && !n[1])
        s->in_v = s->in_c;
    else if (!strcmp(n, "row")) {
        const char *r = attr(a, "r");
        long rn = r ? atol(r) : s->last_row + 1;
        if (rn <= s->last_row || rn > 100000000)
            return fail(s, "rows out of order");
        s->row = s->last_row = rn;
        s->last_col = -1;
        s->row_open = 1;
        sheet_row_begin(s->out, rn);
    } else if (!strcmp(n, "is"))
        s->in_is = s->in_c;
    else if (!strcmp(n, "rPh"))
        s->in_rph = 1;
    else if (n[0] == 't' && !n[1] && s->in_is && !s->in_rph)
        s->in_t = 1;
    return 0;
}

/* -?(0|[1-9][0-9]*)(.[0-9]*[1-9])?: already the text cc_num_shortest would
 * write for it (what Excel and XlsxWriter write for 25 and 5.5). */
static int plain_decimal(const char *v, size_t n)
{
    size_t i = v[0] == '-';
    if (i >= n || !(v[i] >= '0' && v[i] <= '9') || (v[i] == '0' && i + 1 < n && v[i + 1] != '.') || n > 16)
        return 0;
    while (i < n && v[i] >= '0' && v[i] <= '9')
        i++;
    if (i == n)
        return 1;
    if (v[i] != '.' || i + 1 == n || v[n - 1] == '0')
        return 0;
    for (i++; i < n; i++)
        if (!(v[i] >= '0' && v[i] <= '9'))
            return 0;
    return 1;
}

/* The text of the cell just closed, into the row. */
static int cell_done(xsh *s)
{
    const char *v = s->cell.s ? s->cell.s : "";
    size_t n = s->cell.len;
    char num[48];
    if (s->ctype == 's') {
        char *end;
        unsigned long i = strtoul(v, &end, 10);
        if (!n || *end || i >= s->b->nsst)
            return fail(s, "a shared string that does not exist");
        v = s->b->sst + s->b->sst_off[i];
        n = s->b->sst_off[i + 1] - s->b->sst_off[i];
    } else if (s->ctype == 'b') {
        v = n && v[0] == '1' ? "TRUE" : "FALSE";
        n = n ? strlen(v) : 0;
    } else if (s->ctype == 'e') {
        if (!s->out->error_col)
            s->out->error_col = (size_t)s->col + 1;
    } else if (s->ctype == 'd') {
        /* ISO 8601: 2026-11-17T09:30:00 -> 2026-11-17 09:30:00 (a midnight: the date) */
        n = n < sizeof num - 1 ? n : sizeof num - 1;
        memcpy(num, v, n);
        num[n] = '\0';
        char *T = strchr(num, 'T');
        if (T) {
            *T = ' ';
            if (!strncmp(T + 1, "00:00:00", 8))
                *T = '\0';
        }
        n = strlen(num);
        if (n && num[n - 1] == 'Z')
            num[--n] = '\0';
        v = num;
    } else if (s->ctype == 'n' && n) {
        sheet_fmt k = s->cstyle >= 0 && (size_t)s->cstyle < s->b->nxf ? (sheet_fmt)s->b->xf[s->cstyle] : FMT_NUMBER;
        if (k != FMT_NUMBER || !plain_decimal(v, n)) {
            char *end;
            double d = 0;
            size_t i = 0;
            while (i < n && i < 9 && v[i] >= '0' && v[i] <= '9')
                d = d * 10 + (v[i++] - '0');
            if (i < n || i == 0)  /* (a whole serial day 46343: no strtod) */
                d = strtod(v, &end);
            else
                end = (char *)v + n;
            if (*end == '\0') {
                n = sheet_number_text(d, k, s->book->date1904, num);
                v = num;
            }
        }
    }
    if (sheet_row_put(s->out, (size_t)s->col, v, n) < 0)
        return fail(s, "a row longer than 64 MiB or past column XFD");
    return 0;
}

/* 1 a row ended, 0 go on, -1 error */
static int on_end(xsh *s, const char *n)
{
    if (!s->in_data)
        return 0;
    if (n[0] == 'v' && !n[1])
        s->in_v = 0;
    else if (n[0] == 't' && !n[1])
        s->in_t = 0;
    else if (n[0] == 'c' && !n[1]) {
        if (s->in_c && s->row_open && cell_done(s) < 0)
            return -1;
        s->in_c = s->in_v = s->in_is = s->in_t = 0;
    } else if (!strcmp(n, "row")) {
        int was = s->row_open;
        s->row_open = s->in_c = s->in_v = s->in_is = s->in_t = 0;
        return was;
    }
    else if (!strcmp(n, "rPh"))
        s->in_rph = 0;
    else if (!strcmp(n, "is"))
        s->in_is = 0;
    else if (!strcmp(n, "sheetData"))
        s->in_data = 0;
    return 0;
}

/* The local name of the tag at p (NUL-terminated in place), its end in *e. */
static char *tag_name(char *p, char **e)
{
    char *q = p, *local = p;
    while (*q && *q != ' ' && *q != '\t' && *q != '\r' && *q != '\n' && *q != '/' && *q != '>') {
        if (*q == ':')
            local = q + 1;
        q++;
    }
    *e = q;
    return local;
}

/* A start tag [p, gt] (p after '<', gt at '>'). */
static int start_tag(xsh *s, char *p, char *gt)
{
    int empty = gt > p && gt[-1] == '/';
    *gt = '\0';
    if (empty)
        gt[-1] = '\0';
    char *q;
    char *name = tag_name(p, &q);
    char *a[2 * MAX_ATTRS + 1];
    int na = 0;
    char term = *q;
    *q = '\0';
    if (term)
        q++;
    while (*q) {
        while (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n')
            q++;
        if (!*q)
            break;
        char *an = q, *local = q;
        while (*q && *q != '=' && *q != ' ' && *q != '\t' && *q != '\r' && *q != '\n') {
            if (*q == ':')
                local = q + 1;
            q++;
        }
        char *ae = q;
        while (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n')
            q++;
        if (*q != '=')
            return fail(s, "bad XML: an attribute without a value");
        q++;
        while (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n')
            q++;
        char quote = *q;
        if (quote != '"' && quote != '\'')
            return fail(s, "bad XML: an attribute value without quotes");
        char *av = ++q;
        q = strchr(q, quote);
        if (!q)
            return fail(s, "bad XML: an unterminated attribute value");
        *ae = '\0';
        *q++ = '\0';
        an = local;
        if (na < MAX_ATTRS) {
            a[2 * na] = an;
            a[2 * na + 1] = av;
            na++;
        }
    }
    a[2 * na] = NULL;
    if (on_start(s, name, a) < 0)
        return -1;
    return empty ? on_end(s, name) : 0;
}

/* Scan until a row ends: 1 a row, 0 end of the part, -1 error. */
static int scan(xsh *s)
{
    for (;;) {
        char *p = s->win + s->pos, *e = s->win + s->len;
        if (p >= e) {
            int rc = refill(s);
            if (rc <= 0)
                return rc;
            continue;
        }
        if (*p != '<') {
            /* text up to the next tag; all of it in the window when it matters
             * (short: a loop, not memchr; the window ends with a NUL) */
            char *lt = p;
            while (lt < e && *lt != '<')
                lt++;
            if (lt == e) {
                if (s->in_v || s->in_t) {
                    if (s->eof)
                        return fail(s, "bad XML: the part ends inside a cell");
                    int rc = refill(s);
                    if (rc < 0)
                        return -1;
                    continue;
                }
                s->pos = s->len;     /* (whitespace between tags, or nothing that matters) */
                continue;
            }
            if ((s->in_v || s->in_t) && add_text(s, p, (size_t)(lt - p), 1) < 0)
                return -1;
            s->pos = (size_t)(lt - s->win);
            continue;
        }
        /* a markup token: needs its end in the window */
        char *end = NULL;
        size_t avail = (size_t)(e - p);
        int kind = 0;               /* 1 comment, 2 cdata, 3 pi, 4 tag */
        char c1 = avail >= 2 ? p[1] : 0;
        if (c1 && c1 != '!' && c1 != '?') {
            kind = 4;
            /* '>' outside quotes */
            char q = 0;
            for (char *c = p + 1; c < e; c++) {
                if (q) {
                    if (*c == q)
                        q = 0;
                } else if (*c == '"' || *c == '\'')
                    q = *c;
                else if (*c == '>') {
                    end = c;
                    break;
                }
            }
        } else if (avail >= 4 && !memcmp(p, "<!--", 4)) {
            kind = 1;
            end = memmem(p + 4, avail - 4, "-->", 3);
            if (end)
                end += 2;
        } else if (avail >= 9 && !memcmp(p, "<![CDATA[", 9)) {
            kind = 2;
            end = memmem(p + 9, avail - 9, "]]>", 3);
            if (end)
                end += 2;
        } else if (avail >= 2 && p[1] == '!' && avail >= 9) {
            return fail(s, "XML with a DOCTYPE (entity declarations are refused: entity expansion)");
        } else if (avail >= 2 && p[1] == '?') {
            kind = 3;
            end = memmem(p + 2, avail - 2, "?>", 2);
            if (end)
                end += 1;
        }
        if (!end) {
            if (avail > MAX_TAG && kind != 2)
                return fail(s, "bad XML: a tag of more than 64 KiB");
            if (s->eof)
                return fail(s, "bad XML: the part ends inside a tag");
            if (refill(s) < 0)
                return -1;
            if (s->eof && s->pos >= s->len)
                return fail(s, "bad XML: the part ends inside a tag");
            continue;
        }
        s->pos = (size_t)(end + 1 - s->win);
        if (kind == 2) {
            if ((s->in_v || s->in_t) && add_text(s, p + 9, (size_t)(end - 2 - (p + 9)), 0) < 0)
                return -1;
        } else if (kind == 4) {
            int rc;
            if (p[1] == '/') {
                *end = '\0';
                char *q;
                char *name = tag_name(p + 2, &q);
                *q = '\0';
                rc = on_end(s, name);
            } else {
                rc = start_tag(s, p + 1, end);
            }
            if (rc)
                return rc;
        }
    }
}

void *xlsx_open_sheet(cc_book *book, size_t i, char **why)
{
    xbook *b = book->impl;
    char err[300];
    if (b->reading) {
        *why = cc_xstrdup("another sheet of this workbook is being read");
        return NULL;
    }
    if (xlsx_load_common(b, err, sizeof err) < 0) {
        *why = cc_xstrdup(err);
        return NULL;
    }
    if (!b->sh[i].target) {
        *why = cc_xasprintf("sheet '%s' has no part in the workbook", b->sh[i].name);
        return NULL;
    }
    xsh *s = cc_xcalloc(1, sizeof *s);
    s->book = book;
    s->b = b;
    s->index = i;
    s->last_row = 0;
    if (xlsx_part_open(b, b->sh[i].target, &s->size, err, sizeof err) < 0) {
        *why = cc_xstrdup(err);
        free(s);
        return NULL;
    }
    b->reading = 1;
    s->cap = 2 * INFLATE_CHUNK;
    s->win = cc_xmalloc(s->cap + 1);
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    for (int k = 0; k < NCHUNK; k++)
        s->chunk[k] = cc_xmalloc(INFLATE_CHUNK);
    s->threaded = pthread_create(&s->th, NULL, inflate_main, s) == 0;
    return s;
}

int xlsx_next_row(void *rd, sheet_row *r)
{
    xsh *s = rd;
    if (s->err[0])
        return -1;
    s->out = r;
    return scan(s);
}

const char *xlsx_error(void *rd) { return ((xsh *)rd)->err; }
uint64_t xlsx_offset(void *rd) { return ((xsh *)rd)->offset; }
uint64_t xlsx_size(void *rd) { return ((xsh *)rd)->size; }

void xlsx_close_sheet(void *rd)
{
    xsh *s = rd;
    if (s->threaded) {
        pthread_mutex_lock(&s->mu);
        s->stop = 1;
        pthread_cond_broadcast(&s->cv);
        pthread_mutex_unlock(&s->mu);
        pthread_join(s->th, NULL);
    }
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    for (int k = 0; k < NCHUNK; k++)
        free(s->chunk[k]);
    if (!s->closed)
        unzCloseCurrentFile(s->b->uf);
    s->b->reading = 0;
    cc_buf_release(&s->cell);
    free(s->win);
    free(s);
}
