/* base — errors, diagnostics, memory, strings, UTF-8. */
#include "base/base.h"

#include <errno.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

volatile int cc_interrupted = 0;

const char *cc_strerror(cc_err e)
{
    switch (e) {
    case CC_OK:              return "success";
    case CC_ERR_NOMEM:       return "out of memory";
    case CC_ERR_IO:          return "input/output error";
    case CC_ERR_DATA:        return "bad input data";
    case CC_ERR_CONFIG:      return "bad configuration";
    case CC_ERR_DB:          return "database error";
    case CC_ERR_BUSY:        return "database is locked by another run";
    case CC_ERR_USAGE:       return "usage error";
    case CC_ERR_NOTFOUND:    return "not found";
    case CC_ERR_INTERRUPTED: return "interrupted";
    }
    return "unknown error";
}

/* ---- diagnostics ---- */
static cc_diag_level diag_max = CC_DIAG_NOTICE;
static FILE *diag_sink;
static char *(*diag_filter)(const char *);
static int diag_no_notices;

void cc_diag_mute_notices(int on) { diag_no_notices = on; }

void cc_diag_set_filter(char *(*filter)(const char *msg)) { diag_filter = filter; }

void cc_diag_set_verbosity(cc_diag_level max) { diag_max = max; }
cc_diag_level cc_diag_verbosity(void) { return diag_max; }
void cc_diag_set_sink(FILE *f) { diag_sink = f; }
FILE *cc_diag_sink(void) { return diag_sink ? diag_sink : stderr; }

void cc_vdiag(cc_diag_level lvl, const char *fmt, va_list ap)
{
    if (lvl > diag_max || (lvl == CC_DIAG_NOTICE && diag_no_notices))
        return;
    FILE *f = cc_diag_sink();
    /* the whole message, however long (a "did not report" line names every
     * community): formatted on the stack when it fits, else on the heap */
    char small[1024], *line = small;
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n >= (int)sizeof small) {
        line = malloc((size_t)n + 1);
        if (line)
            vsnprintf(line, (size_t)n + 1, fmt, ap2);
        else
            line = small;            /* out of memory: what fitted */
    }
    va_end(ap2);
    if (diag_filter) {
        char *t = diag_filter(line);
        if (t) {
            if (line != small)
                free(line);
            line = t;
        }
    }
    fprintf(f, "carecard: %s\n", line);
    fflush(f);
    if (line != small)
        free(line);
}

void cc_diag(cc_diag_level lvl, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cc_vdiag(lvl, fmt, ap);
    va_end(ap);
}

_Noreturn void cc_bug_at(const char *file, int line, const char *msg)
{
    fprintf(stderr, "carecard: BUG at %s:%d: %s\n", file, line, msg);
    abort();
}

/* ---- memory ---- */
static void *oom(void)
{
    fputs("carecard: out of memory\n", stderr);
    abort();
}
void *cc_xmalloc(size_t n) { void *p = malloc(n ? n : 1); return p ? p : oom(); }
void *cc_xcalloc(size_t n, size_t sz) { void *p = calloc(n ? n : 1, sz ? sz : 1); return p ? p : oom(); }
void *cc_xrealloc(void *p, size_t n) { void *q = realloc(p, n ? n : 1); return q ? q : oom(); }
char *cc_xstrdup(const char *s) { char *p = strdup(s ? s : ""); return p ? p : oom(); }
char *cc_xstrndup(const char *s, size_t n) { char *p = strndup(s, n); return p ? p : oom(); }
char *cc_xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *p = NULL;
    va_start(ap, fmt);
    int r = vasprintf(&p, fmt, ap);
    va_end(ap);
    return r < 0 ? oom() : p;
}

void cc_heap_trim(void)
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

void cc_sha256(const void *p, size_t n, unsigned char out[32])
{
    struct sha256_ctx h;
    sha256_init(&h);
    sha256_update(&h, n, p);
    sha256_digest(&h, 32, out);
}

int cc_program_digest(unsigned char out[32])
{
    static unsigned char d[32];
    static int state;           /* 1 read, -1 unreadable */
    static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&mu);
    if (!state) {
        FILE *f = fopen("/proc/self/exe", "rb");
        state = -1;
        if (f) {
            struct sha256_ctx h;
            unsigned char b[65536];
            size_t n;
            sha256_init(&h);
            while ((n = fread(b, 1, sizeof b, f)) > 0)
                sha256_update(&h, n, b);
            if (!ferror(f)) {
                sha256_digest(&h, sizeof d, d);
                state = 1;
            }
            fclose(f);
        }
    }
    pthread_mutex_unlock(&mu);
    if (state > 0)
        memcpy(out, d, sizeof d);
    return state > 0;
}

/* ---- cc_buf ---- */
void cc_buf_init(cc_buf *b) { b->s = NULL; b->len = b->cap = 0; }
void cc_buf_release(cc_buf *b) { free(b->s); cc_buf_init(b); }
void cc_buf_reset(cc_buf *b) { b->len = 0; if (b->s) b->s[0] = '\0'; }
static void buf_grow(cc_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->s = cc_xrealloc(b->s, cap);
    b->cap = cap;
}
void cc_buf_add(cc_buf *b, const char *s, size_t n)
{
    buf_grow(b, n);
    if (n)
        memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}
void cc_buf_adds(cc_buf *b, const char *s) { cc_buf_add(b, s, strlen(s)); }
void cc_buf_addc(cc_buf *b, char c) { cc_buf_add(b, &c, 1); }
void cc_buf_addf(cc_buf *b, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n > 0) {
        buf_grow(b, (size_t)n);
        vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap2);
        b->len += (size_t)n;
    }
    va_end(ap2);
}
char *cc_buf_detach(cc_buf *b)
{
    char *s = b->s ? b->s : cc_xstrdup("");
    cc_buf_init(b);
    return s;
}

/* ---- UTF-8 ---- */
int cc_utf8_seqlen(const unsigned char *s, size_t avail)
{
    if (avail == 0)
        return 0;
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    int n;
    uint32_t min;
    if ((c & 0xE0) == 0xC0) { n = 2; min = 0x80; }
    else if ((c & 0xF0) == 0xE0) { n = 3; min = 0x800; }
    else if ((c & 0xF8) == 0xF0) { n = 4; min = 0x10000; }
    else return 0;
    if (avail < (size_t)n)
        return 0;
    uint32_t cp = c & (0x7F >> n);
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

int cc_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *e = p + n;
    while (p < e) {
        if (*p < 0x80) { p++; continue; }
        int k = cc_utf8_seqlen(p, (size_t)(e - p));
        if (!k)
            return 0;
        p += k;
    }
    return 1;
}

int cc_utf8_decode(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *p = (const unsigned char *)s;
    int k = cc_utf8_seqlen(p, n);
    if (!k)
        return 0;
    if (k == 1) { *cp = p[0]; return 1; }
    uint32_t c = p[0] & (0x7F >> k);
    for (int i = 1; i < k; i++)
        c = (c << 6) | (p[i] & 0x3F);
    *cp = c;
    return k;
}

size_t cc_utf8_len(const char *s, size_t n)
{
    size_t cnt = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            cnt++;
    return cnt;
}

static int wide_cp(uint32_t c)
{
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
           (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
           (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD);
}

size_t cc_utf8_width(const char *s)
{
    size_t w = 0, n = strlen(s);
    while (n) {
        uint32_t cp;
        int k = cc_utf8_decode(s, n, &cp);
        if (!k) { k = 1; cp = '?'; }
        w += wide_cp(cp) ? 2 : 1;
        s += k;
        n -= (size_t)k;
    }
    return w;
}

/* ---- misc ---- */
const char *cc_trim(const char *s, size_t *len)
{
    size_t n = *len;
    for (;;) {
        if (n && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n')) { s++; n--; continue; }
        if (n >= 3 && (unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x80) { s += 3; n -= 3; continue; }
        break;
    }
    for (;;) {
        if (n && (s[n-1] == ' ' || s[n-1] == '\t' || s[n-1] == '\r' || s[n-1] == '\n')) { n--; continue; }
        if (n >= 3 && (unsigned char)s[n-3] == 0xE3 && (unsigned char)s[n-2] == 0x80 && (unsigned char)s[n-1] == 0x80) { n -= 3; continue; }
        break;
    }
    *len = n;
    return s;
}
