/* text/csv — encodings and the streaming RFC 4180 reader.
 *
 * A file is read in fixed chunks; GB18030 is decoded to UTF-8 chunk by chunk
 * with iconv.  A record's fields are copied into one growable buffer that is
 * reused for every record (NUL after each field), so memory stays bounded by
 * the longest record and nothing is allocated per field.
 */
#include "text/text.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define RAW_CHUNK  (256u << 10)
#define DEC_CHUNK  (RAW_CHUNK * 2 + 16)
#define SCAN_CHUNK (1u << 20)
#define SNIFF_BYTES (64u << 10)

enum { S_START, S_UNQ, S_QUOTED, S_QQ };

struct cc_csv {
    int fd;                 /* -1 when reading memory */
    const char *path;       /* borrowed, for messages (may be NULL) */
    uint64_t size, consumed;
    cc_encoding enc;
    int delim;
    iconv_t cd;
    /* raw bytes not yet decoded (GB18030) */
    char *raw;
    size_t raw_len;
    /* decoded UTF-8 input */
    const char *in;
    size_t in_len, in_pos;
    char *dec;              /* owned decode buffer (file input) */
    int eof, failed, started, skip_lf;
    long line;              /* physical line of the next byte */
    size_t max_record;
    /* current record */
    char *rbuf;
    size_t rlen, rcap;
    size_t *foff, *flen;
    const char **fptr;
    size_t nf, fcap;
    char err[256];
    const cc_csv_source *src; /* records from elsewhere (a sheet) */
    void *src_arg;
};

int cc_encoding_parse(const char *s)
{
    if (!s)
        return -1;
    if (!strcasecmp(s, "auto"))
        return CC_ENC_AUTO;
    if (!strcasecmp(s, "utf8") || !strcasecmp(s, "utf-8"))
        return CC_ENC_UTF8;
    if (!strcasecmp(s, "gb18030") || !strcasecmp(s, "gbk") || !strcasecmp(s, "gb2312"))
        return CC_ENC_GB18030;
    return -1;
}

const char *cc_encoding_name(cc_encoding e)
{
    switch (e) {
    case CC_ENC_UTF8:    return "utf8";
    case CC_ENC_GB18030: return "gb18030";
    default:             return "auto";
    }
}

/* ---- whole-file pass: UTF-8 validity, NUL bytes, the scan callback ------- */

typedef struct {
    uint64_t bad_utf8;      /* offset of the first invalid byte, or UINT64_MAX */
    uint64_t nul;           /* offset of the first NUL byte, or UINT64_MAX */
    uint64_t size;
} scan_result;

/* Validate buf[0..n); returns how many bytes were fully judged (a truncated
 * sequence at the end is left when more input may follow). */
static size_t scan_utf8(const unsigned char *buf, size_t n, int final, uint64_t base, scan_result *res)
{
    size_t i = 0;
    while (i < n) {
        if (i + 8 <= n) {
            uint64_t v;
            memcpy(&v, buf + i, 8);
            if (!(v & 0x8080808080808080ull) &&
                !((v - 0x0101010101010101ull) & ~v & 0x8080808080808080ull)) {
                i += 8;
                continue;
            }
        }
        unsigned char c = buf[i];
        if (c == 0) {
            if (res->nul == UINT64_MAX)
                res->nul = base + i;
            i++;
            continue;
        }
        if (c < 0x80) {
            i++;
            continue;
        }
        int k = cc_utf8_seqlen(buf + i, n - i);
        if (k == 0) {
            if (!final && n - i < 4) {
                /* maybe truncated by the chunk: judge it with the next one */
                int need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
                if ((size_t)need > n - i)
                    return i;
            }
            if (res->bad_utf8 == UINT64_MAX)
                res->bad_utf8 = base + i;
            i++;
            continue;
        }
        i += (size_t)k;
    }
    return i;
}

static int whole_pass(int fd, const cc_csv_opts *o, scan_result *res, size_t limit)
{
    unsigned char *buf = cc_xmalloc(SCAN_CHUNK + 8);
    size_t tail = 0;
    uint64_t base = 0;
    res->bad_utf8 = res->nul = UINT64_MAX;
    res->size = 0;
    int rc = 0;
    for (;;) {
        size_t want = SCAN_CHUNK;
        if (limit && res->size + want > limit)
            want = limit > res->size ? (size_t)(limit - res->size) : 0;
        ssize_t n = want ? read(fd, buf + tail, want) : 0;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            rc = -1;
            break;
        }
        if (n > 0 && o && o->scan)
            o->scan(o->scan_arg, buf + tail, (size_t)n);
        res->size += (uint64_t)n;
        size_t len = tail + (size_t)n;
        int final = n == 0 || (limit && res->size >= limit);
        size_t done = scan_utf8(buf, len, n == 0, base, res);
        if (final) {
            /* at a sniff limit a truncated sequence is not an error */
            break;
        }
        tail = len - done;
        memmove(buf, buf + done, tail);
        base += done;
    }
    free(buf);
    return rc;
}

static long line_of_offset(int fd, uint64_t off)
{
    char buf[65536];
    long line = 1;
    uint64_t pos = 0;
    if (lseek(fd, 0, SEEK_SET) < 0)
        return 0;
    while (pos < off) {
        size_t want = sizeof buf;
        if (off - pos < want)
            want = (size_t)(off - pos);
        ssize_t n = read(fd, buf, want);
        if (n <= 0)
            break;
        for (ssize_t i = 0; i < n; i++)
            line += buf[i] == '\n';
        pos += (uint64_t)n;
    }
    return line;
}

/* ---- opening ------------------------------------------------------------- */

static cc_csv *csv_new(void)
{
    cc_csv *r = cc_xcalloc(1, sizeof *r);
    r->fd = -1;
    r->cd = (iconv_t)-1;
    r->line = 1;
    r->max_record = CC_CSV_MAX_RECORD;
    r->rcap = 4096;
    r->rbuf = cc_xmalloc(r->rcap);
    r->fcap = 64;
    r->foff = cc_xmalloc(r->fcap * sizeof *r->foff);
    r->flen = cc_xmalloc(r->fcap * sizeof *r->flen);
    r->fptr = cc_xmalloc(r->fcap * sizeof *r->fptr);
    return r;
}

static int has_suffix(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && !strcasecmp(s + a - b, suf);
}

static cc_csv *open_fail(cc_csv *r, int fd, const char *path, const cc_csv_opts *o, char **why,
                         const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static cc_csv *open_fail(cc_csv *r, int fd, const char *path, const cc_csv_opts *o, char **why,
                         const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!(o && o->quiet))
        cc_error("%s: %s", path, msg);
    if (why)
        *why = cc_xstrdup(msg);
    if (r)
        cc_csv_free(r);
    else if (fd >= 0)
        close(fd);
    return NULL;
}

cc_csv *cc_csv_open_opts(const char *path, const cc_csv_opts *o, char **why)
{
    cc_csv_opts dflt = {0};
    if (!o)
        o = &dflt;
    if (why)
        *why = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return open_fail(NULL, -1, path, o, why, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) < 0)
        return open_fail(NULL, fd, path, o, why, "cannot read: %s", strerror(errno));
    if (S_ISDIR(st.st_mode))
        return open_fail(NULL, fd, path, o, why, "is a directory");
    unsigned char head[4] = {0};
    ssize_t hn = pread(fd, head, sizeof head, 0);
    if (hn >= 4 && ((head[0] == 0xFF && head[1] == 0xFE && head[2] == 0 && head[3] == 0) ||
                    (head[0] == 0 && head[1] == 0 && head[2] == 0xFE && head[3] == 0xFF)))
        return open_fail(NULL, fd, path, o, why,
                         "UTF-32 text is not supported: save the sheet as 'CSV UTF-8' or 'CSV'");
    if (hn >= 2 && ((head[0] == 0xFF && head[1] == 0xFE) || (head[0] == 0xFE && head[1] == 0xFF)))
        return open_fail(NULL, fd, path, o, why,
                         "UTF-16 text is not supported: save the sheet as 'CSV UTF-8' or 'CSV'");

    cc_encoding enc = o->enc;
    int need_pass = o->scan != NULL || (!o->sniff && (enc == CC_ENC_UTF8 || enc == CC_ENC_AUTO));
    scan_result res = {UINT64_MAX, UINT64_MAX, 0};
    if (need_pass || enc == CC_ENC_AUTO) {
        size_t limit = need_pass ? 0 : SNIFF_BYTES;
        if (whole_pass(fd, o, &res, limit) < 0)
            return open_fail(NULL, fd, path, o, why, "cannot read: %s", strerror(errno));
        if (res.nul != UINT64_MAX) {
            long ln = line_of_offset(fd, res.nul);
            return open_fail(NULL, fd, path, o, why, "binary file, not CSV text (NUL byte on line %ld)", ln);
        }
        if (enc == CC_ENC_AUTO)
            enc = res.bad_utf8 == UINT64_MAX ? CC_ENC_UTF8 : CC_ENC_GB18030;
        else if (enc == CC_ENC_UTF8 && res.bad_utf8 != UINT64_MAX) {
            long ln = line_of_offset(fd, res.bad_utf8);
            return open_fail(NULL, fd, path, o, why,
                             "not valid UTF-8 (line %ld, byte %llu); is it GB18030? try --encoding gb18030",
                             ln, (unsigned long long)res.bad_utf8 + 1);
        }
        if (lseek(fd, 0, SEEK_SET) < 0)
            return open_fail(NULL, fd, path, o, why, "cannot seek: %s", strerror(errno));
    }
    cc_csv *r = csv_new();
    r->fd = fd;
    r->path = NULL;
    r->size = (uint64_t)st.st_size;
    r->enc = enc;
    if (o->max_record)
        r->max_record = o->max_record;
    r->dec = cc_xmalloc(DEC_CHUNK);
    r->in = r->dec;
    if (enc == CC_ENC_GB18030) {
        r->cd = iconv_open("UTF-8", "GB18030");
        if (r->cd == (iconv_t)-1)
            return open_fail(r, -1, path, o, why, "cannot decode GB18030: %s", strerror(errno));
        r->raw = cc_xmalloc(RAW_CHUNK + 16);
    }
    r->delim = o->delim;
    if (r->delim == CC_CSV_AUTO && has_suffix(path, ".tsv"))
        r->delim = '\t';
    return r;
}

cc_csv *cc_csv_open(const char *path, cc_encoding enc, int delim)
{
    cc_csv_opts o = {0};
    o.enc = enc;
    o.delim = delim;
    return cc_csv_open_opts(path, &o, NULL);
}

cc_csv *cc_csv_open_mem(const char *data, size_t len, int delim)
{
    cc_csv *r = csv_new();
    r->in = data;
    r->in_len = len;
    r->size = len;
    r->consumed = len;
    r->eof = 1;
    r->enc = CC_ENC_UTF8;
    r->delim = delim;
    return r;
}

cc_csv *cc_csv_open_source(const cc_csv_source *src, void *arg)
{
    cc_csv *r = csv_new();
    r->src = src;
    r->src_arg = arg;
    r->enc = CC_ENC_UTF8;
    r->delim = ',';
    return r;
}

void cc_csv_free(cc_csv *r)
{
    if (!r)
        return;
    if (r->src)
        r->src->free(r->src_arg);
    if (r->fd >= 0)
        close(r->fd);
    if (r->cd != (iconv_t)-1)
        iconv_close(r->cd);
    free(r->raw);
    free(r->dec);
    free(r->rbuf);
    free(r->foff);
    free(r->flen);
    free(r->fptr);
    free(r);
}

const char *cc_csv_error(const cc_csv *r) { return r->src ? r->src->error(r->src_arg) : r->err; }
cc_encoding cc_csv_encoding(const cc_csv *r) { return r->enc; }
int cc_csv_delim(const cc_csv *r) { return r->delim == CC_CSV_AUTO ? ',' : r->delim; }
uint64_t cc_csv_offset(const cc_csv *r) { return r->src ? r->src->offset(r->src_arg) : r->consumed; }
uint64_t cc_csv_size(const cc_csv *r) { return r->src ? r->src->size(r->src_arg) : r->size; }

static int fail(cc_csv *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(cc_csv *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err, sizeof r->err, fmt, ap);
    va_end(ap);
    r->failed = 1;
    return -1;
}

/* Refill the decoded input; returns bytes available, 0 at end, -1 on error. */
static ssize_t fill(cc_csv *r)
{
    if (r->eof)
        return 0;
    if (r->enc != CC_ENC_GB18030) {
        for (;;) {
            ssize_t n = read(r->fd, r->dec, RAW_CHUNK);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                return fail(r, "read error: %s", strerror(errno));
            r->consumed += (uint64_t)n;
            r->in_len = (size_t)n;
            r->in_pos = 0;
            if (n == 0)
                r->eof = 1;
            return n;
        }
    }
    for (;;) {
        ssize_t n;
        do
            n = read(r->fd, r->raw + r->raw_len, RAW_CHUNK - r->raw_len);
        while (n < 0 && errno == EINTR);
        if (n < 0)
            return fail(r, "read error: %s", strerror(errno));
        r->consumed += (uint64_t)n;
        r->raw_len += (size_t)n;
        if (r->raw_len == 0) {
            r->eof = 1;
            return 0;
        }
        char *ip = r->raw, *op = r->dec;
        size_t il = r->raw_len, ol = DEC_CHUNK;
        size_t k = iconv(r->cd, &ip, &il, &op, &ol);
        if (k == (size_t)-1 && errno == EILSEQ) {
            /* the line of the bad bytes themselves (the parser may still be
             * lines before them: a chunk is decoded ahead) */
            uint64_t bad = r->consumed - r->raw_len + (uint64_t)(ip - r->raw);
            return fail(r, "neither UTF-8 nor GB18030 (mixed encodings?): invalid byte sequence on line %ld",
                        line_of_offset(r->fd, bad));
        }
        if (k == (size_t)-1 && errno == EINVAL && n == 0)
            return fail(r, "neither UTF-8 nor GB18030 (mixed encodings?): truncated character at end of file");
        memmove(r->raw, ip, il);
        r->raw_len = il;
        r->in_len = (size_t)(op - r->dec);
        r->in_pos = 0;
        if (r->in_len)
            return (ssize_t)r->in_len;
        if (n == 0) {
            r->eof = 1;
            return 0;
        }
    }
}

static void rgrow(cc_csv *r, size_t add)
{
    if (r->rlen + add + 1 > r->rcap) {
        size_t cap = r->rcap * 2;
        while (cap < r->rlen + add + 1)
            cap *= 2;
        r->rbuf = cc_xrealloc(r->rbuf, cap);
        r->rcap = cap;
    }
}

static void radd(cc_csv *r, const char *s, size_t n)
{
    rgrow(r, n);
    memcpy(r->rbuf + r->rlen, s, n);
    r->rlen += n;
}

static int end_field(cc_csv *r, size_t start)
{
    if (r->nf == r->fcap) {
        if (r->fcap >= CC_CSV_MAX_FIELDS)
            return fail(r, "record on line %ld has more than %d fields", r->line, CC_CSV_MAX_FIELDS);
        r->fcap *= 2;
        r->foff = cc_xrealloc(r->foff, r->fcap * sizeof *r->foff);
        r->flen = cc_xrealloc(r->flen, r->fcap * sizeof *r->flen);
        r->fptr = cc_xrealloc(r->fptr, r->fcap * sizeof *r->fptr);
    }
    r->foff[r->nf] = start;
    r->flen[r->nf] = r->rlen - start;
    r->nf++;
    rgrow(r, 1);
    r->rbuf[r->rlen++] = '\0';
    return 0;
}

static void finish(cc_csv *r, cc_csv_record *rec, long start_line)
{
    for (size_t i = 0; i < r->nf; i++)
        r->fptr[i] = r->rbuf + r->foff[i];
    rec->n = r->nf;
    rec->field = r->fptr;
    rec->len = r->flen;
    rec->line = start_line;
    rec->error_col = 0;
}

static void decide_delim(cc_csv *r)
{
    /* first line of the (decoded) input: tabs and no commas -> tab */
    size_t end = r->in_len;
    const char *nl = memchr(r->in + r->in_pos, '\n', r->in_len - r->in_pos);
    if (nl)
        end = (size_t)(nl - r->in);
    int tabs = 0, commas = 0;
    for (size_t i = r->in_pos; i < end; i++) {
        tabs += r->in[i] == '\t';
        commas += r->in[i] == ',';
    }
    r->delim = tabs && !commas ? '\t' : ',';
}

int cc_csv_next(cc_csv *r, cc_csv_record *rec)
{
    if (r->src)
        return r->src->next(r->src_arg, rec);
    if (r->failed)
        return -1;
    if (!r->started) {
        r->started = 1;
        if (r->in_pos >= r->in_len && fill(r) < 0)
            return -1;
        if (r->in_len - r->in_pos >= 3 && !memcmp(r->in + r->in_pos, "\xEF\xBB\xBF", 3))
            r->in_pos += 3;
        if (r->delim == CC_CSV_AUTO)
            decide_delim(r);
    }
    const char delim = (char)r->delim;
    for (;;) {
        r->rlen = 0;
        r->nf = 0;
        long start_line = r->line, quote_line = 0;
        int state = S_START, any = 0;
        size_t fstart = 0;
        for (;;) {
            if (r->in_pos >= r->in_len) {
                ssize_t n = fill(r);
                if (n < 0)
                    return -1;
                if (n == 0) {
                    if (state == S_QUOTED)
                        return fail(r, "unterminated quoted field starting on line %ld", quote_line);
                    if (!any && state == S_START)
                        return 0;
                    if (end_field(r, fstart) < 0)
                        return -1;
                    finish(r, rec, start_line);
                    return 1;
                }
            }
            if (r->rlen > r->max_record)
                return fail(r, "record starting on line %ld is longer than %zu MiB%s", start_line,
                            r->max_record >> 20, state == S_QUOTED ? " (unterminated quote?)" : "");
            const char *p = r->in + r->in_pos, *e = r->in + r->in_len;
            char c = *p;
            if (r->skip_lf) {
                r->skip_lf = 0;
                if (c == '\n') {
                    r->in_pos++;
                    continue;
                }
            }
            switch (state) {
            case S_START:
                if (c == '"') {
                    state = S_QUOTED;
                    quote_line = r->line;
                    any = 1;
                    r->in_pos++;
                    continue;
                }
                state = S_UNQ;
                /* fall through */
            case S_UNQ: {
                const char *q = p;
                while (q < e && *q != delim && *q != '\n' && *q != '\r')
                    q++;
                if (q > p) {
                    radd(r, p, (size_t)(q - p));
                    any = 1;
                }
                r->in_pos += (size_t)(q - p);
                if (q == e)
                    continue;
                c = *q;
                r->in_pos++;
                if (c == delim) {
                    any = 1;
                    if (end_field(r, fstart) < 0)
                        return -1;
                    fstart = r->rlen;
                    state = S_START;
                    continue;
                }
                goto end_of_line;
            }
            case S_QUOTED: {
                const char *q = p;
                while (q < e && *q != '"') {
                    if (*q == '\n')
                        r->line++;
                    q++;
                }
                radd(r, p, (size_t)(q - p));
                r->in_pos += (size_t)(q - p);
                if (q < e) {
                    r->in_pos++;
                    state = S_QQ;
                }
                continue;
            }
            case S_QQ:
                r->in_pos++;
                if (c == '"') {
                    radd(r, "\"", 1);
                    state = S_QUOTED;
                } else if (c == delim) {
                    if (end_field(r, fstart) < 0)
                        return -1;
                    fstart = r->rlen;
                    state = S_START;
                } else if (c == '\n' || c == '\r') {
                    goto end_of_line;
                } else {
                    radd(r, &c, 1);   /* lenient: "ab"c -> ab"c without the quote */
                    state = S_UNQ;
                }
                continue;
            }
        end_of_line:
            r->line++;
            if (c == '\r')
                r->skip_lf = 1;
            if (!any && r->nf == 0) {       /* blank line */
                start_line = r->line;
                state = S_START;
                continue;
            }
            if (end_field(r, fstart) < 0)
                return -1;
            finish(r, rec, start_line);
            return 1;
        }
    }
}
