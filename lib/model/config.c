/* config — indicators.ini: read, check, and turn into a cc_config.
 *
 * iniparser folds names to lower case, merges duplicated sections, gives no
 * line numbers and stops at a BOM or a long line.  So the file is first read
 * here, line by line: the BOM is stripped, each section's and key's line and
 * original spelling are recorded, and duplicated sections and keys, long
 * lines, stray quotes and malformed lines are reported.  The cleaned text
 * (one `key="value"` per line, every section once) then goes to iniparser,
 * and the values it returns are validated with "FILE:LINE: ..." messages
 * that say what is wrong and what is expected.  Every error is reported,
 * not only the first.
 */
#include "model/model.h"

#include <ctype.h>
#include <errno.h>
#include <iniparser/iniparser.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MAX_LINE 1024           /* bytes in one line, without its line ending */
#define MAX_ID 32               /* bytes in an indicator/item/feature ID */
#define INIPARSER_LINE 1020     /* what iniparser 4.1 reads safely in one line */

/* ---- the first pass: lines, sections, keys ------------------------------ */
typedef struct {
    char *name;                 /* as written */
    char *lname;                /* lower case (iniparser's spelling) */
    int line;
    size_t first, nkeys;        /* its keys: keys[first .. first+nkeys) */
} sec_rec;

typedef struct {
    char *key, *lkey;
    char *value;                /* our own reading of the value */
    int bad;                    /* reported already; not given to iniparser */
    int line;
    int vcol;                   /* 1-based character column of the value's first character */
} key_rec;

typedef struct {
    int line;                   /* 0: about the whole file (sorted last) */
    size_t seq;
    char *text;                 /* the whole message after "carecard: " */
} message;

typedef struct {
    const char *path;
    int errors;
    unsigned flags;          /* CC_CONFIG_* of cc_config_load_flags */
    message *msgs; size_t nmsgs;
    sec_rec *secs; size_t nsecs;
    key_rec *keys; size_t nkeys;
    dictionary *dict;
} loader;

/* Messages are collected and printed in line order at the end. */
static void add_msg(loader *L, int line, char *text)
{
    L->msgs = cc_xrealloc(L->msgs, (L->nmsgs + 1) * sizeof *L->msgs);
    L->msgs[L->nmsgs].line = line;
    L->msgs[L->nmsgs].seq = L->nmsgs;
    L->msgs[L->nmsgs].text = text;
    L->nmsgs++;
    L->errors++;
}

static int msg_cmp(const void *a, const void *b)
{
    const message *x = a, *y = b;
    unsigned lx = x->line > 0 ? (unsigned)x->line : ~0u, ly = y->line > 0 ? (unsigned)y->line : ~0u;
    if (lx != ly)
        return lx < ly ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void flush_msgs(loader *L)
{
    if (L->nmsgs)
        qsort(L->msgs, L->nmsgs, sizeof *L->msgs, msg_cmp);
    for (size_t i = 0; i < L->nmsgs; i++) {
        cc_error("%s", L->msgs[i].text);
        free(L->msgs[i].text);
    }
    free(L->msgs);
    L->msgs = NULL;
    L->nmsgs = 0;
}

static void err_at(loader *L, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void err_at(loader *L, int line, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (line > 0)
        add_msg(L, line, cc_xasprintf("%s:%d: %s", L->path, line, msg));
    else
        add_msg(L, 0, cc_xasprintf("%s: %s", L->path, msg));
}

/* FILE:LINE:COL: message (col = 1-based character column). */
static void err_col(loader *L, int line, int col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void err_col(loader *L, int line, int col, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    add_msg(L, line, cc_xasprintf("%s:%d:%d: %s", L->path, line, col, msg));
}

static char *lower_dup(const char *s)
{
    char *d = cc_xstrdup(s);
    for (char *p = d; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return d;
}

static int id_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

static int valid_id(const char *s, size_t n)
{
    if (n == 0 || n > MAX_ID)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!id_char(s[i]))
            return 0;
    return 1;
}

/* Reserved section names and prefixes. */
static int section_name_ok(const char *name)
{
    const char *dot = strchr(name, '.');
    if (!dot)
        return valid_id(name, strlen(name));
    size_t plen = (size_t)(dot - name);
    if (!((plen == 4 && !strncasecmp(name, "item", 4)) || (plen == 4 && !strncasecmp(name, "kano", 4))
          || (plen == 3 && !strncasecmp(name, "ahp", 3))))
        return 0;
    return valid_id(dot + 1, strlen(dot + 1));
}

static const sec_rec *find_sec(const loader *L, const char *lname)
{
    for (size_t i = 0; i < L->nsecs; i++)
        if (!strcmp(L->secs[i].lname, lname))
            return &L->secs[i];
    return NULL;
}

static size_t trim_right(const char *s, size_t n)
{
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return n;
}

static size_t skip_left(const char *s, size_t i, size_t n)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i;
}

/* One line (without its ending). */
static void scan_line(loader *L, const char *s, size_t n, int lineno, sec_rec **cur, int *skip_section)
{
    size_t i = skip_left(s, 0, n);
    n = trim_right(s, n);
    if (i >= n || s[i] == ';' || s[i] == '#')
        return;
    if (s[i] == '[') {
        const char *close = memchr(s + i, ']', n - i);
        if (!close) {
            err_at(L, lineno, "section header '%.*s' has no closing ']'; expected [ID]", (int)(n - i), s + i);
            *cur = NULL;
            *skip_section = 1;
            return;
        }
        size_t a = skip_left(s, i + 1, (size_t)(close - s));
        size_t b = trim_right(s, (size_t)(close - s));
        size_t after = skip_left(s, (size_t)(close - s) + 1, n);
        if (after < n && s[after] != ';' && s[after] != '#') {
            err_at(L, lineno, "unexpected text '%.*s' after the section header; expected a comment (; ...) or nothing",
                   (int)(n - after), s + after);
        }
        char *name = cc_xstrndup(s + a, b > a ? b - a : 0);
        if (!section_name_ok(name)) {
            err_at(L, lineno, "section name '[%s]' is not valid; expected an indicator ID (letters, digits, "
                   "underscore, at most %d) or scorecard, dimensions, ahp, ahp.<dimension>, feedback, "
                   "resources, item.<id>, kano.<id>", name, MAX_ID);
            free(name);
            *cur = NULL;
            *skip_section = 1;
            return;
        }
        char *lname = lower_dup(name);
        const sec_rec *prev = find_sec(L, lname);
        if (prev) {
            err_at(L, lineno, "duplicated section [%s] (first at line %d, as [%s]); expected each section once "
                   "(section names ignore case)", name, prev->line, prev->name);
            free(name);
            free(lname);
            *cur = NULL;
            *skip_section = 1;
            return;
        }
        L->secs = cc_xrealloc(L->secs, (L->nsecs + 1) * sizeof *L->secs);
        sec_rec *r = &L->secs[L->nsecs++];
        r->name = name;
        r->lname = lname;
        r->line = lineno;
        r->first = L->nkeys;
        r->nkeys = 0;
        *cur = r;
        *skip_section = 0;
        return;
    }
    const char *eq = memchr(s + i, '=', n - i);
    if (!eq) {
        err_at(L, lineno, "cannot read '%.*s'; expected '[section]', 'key = value' or a comment starting with ';'",
               (int)(n - i > 60 ? 60 : n - i), s + i);
        return;
    }
    size_t kend = trim_right(s, (size_t)(eq - s));
    if (kend <= i || !valid_id(s + i, kend - i)) {
        err_at(L, lineno, "key '%.*s' is not valid; expected a name of letters, digits and underscore before '='",
               (int)(kend > i ? kend - i : 0), s + i);
        return;
    }
    size_t v = skip_left(s, (size_t)(eq - s) + 1, n);
    size_t vend;
    char *value;
    int bad = 0;
    if (v < n && s[v] == '"') {
        const char *q = memchr(s + v + 1, '"', n - v - 1);
        size_t after = q ? skip_left(s, (size_t)(q - s) + 1, n) : n;
        if (!q) {
            err_at(L, lineno, "the quoted value of '%.*s' has no closing '\"'; expected \"...\" on one line",
                   (int)(kend - i), s + i);
            bad = 1;
        } else if (after < n && s[after] != ';' && s[after] != '#') {
            err_at(L, lineno, "unexpected text '%.*s' after the quoted value of '%.*s'; values cannot contain '\"'",
                   (int)(n - after > 40 ? 40 : n - after), s + after, (int)(kend - i), s + i);
            bad = 1;
        }
        if (bad)
            q = s + n;
        value = cc_xstrndup(s + v + 1, (size_t)(q - s) - v - 1);
        vend = v + 1;           /* the column reported is that of the text inside the quotes */
        v = v + 1;
    } else {
        vend = v;
        while (vend < n && s[vend] != ';' && s[vend] != '#')
            vend++;
        size_t e = trim_right(s, vend);
        const char *dq = memchr(s + v, '"', e > v ? e - v : 0);
        if (dq) {
            err_at(L, lineno, "the value of '%.*s' contains '\"'; expected a value without quotes, or the whole "
                   "value in double quotes (needed when it contains ';' or '#')", (int)(kend - i), s + i);
            bad = 1;
        }
        value = cc_xstrndup(s + v, e > v ? e - v : 0);
    }
    (void)vend;
    if (*skip_section) {
        free(value);
        return;
    }
    if (!*cur) {
        err_at(L, lineno, "key '%.*s' comes before any section; expected a [section] header first",
               (int)(kend - i), s + i);
        free(value);
        return;
    }
    char *key = cc_xstrndup(s + i, kend - i);
    char *lkey = lower_dup(key);
    for (size_t k = (*cur)->first; k < (*cur)->first + (*cur)->nkeys; k++)
        if (!strcmp(L->keys[k].lkey, lkey)) {
            err_at(L, lineno, "[%s] duplicated key '%s' (first at line %d); expected each key once per section",
                   (*cur)->name, key, L->keys[k].line);
            free(key);
            free(lkey);
            free(value);
            return;
        }
    L->keys = cc_xrealloc(L->keys, (L->nkeys + 1) * sizeof *L->keys);
    key_rec *k = &L->keys[L->nkeys++];
    k->key = key;
    k->lkey = lkey;
    k->value = value;
    k->line = lineno;
    k->bad = bad;
    k->vcol = (int)cc_utf8_len(s, v) + 1;
    (*cur)->nkeys++;
}

static void scan(loader *L, const char *data, size_t len)
{
    if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) {
        data += 3;
        len -= 3;
    }
    sec_rec *cur = NULL;
    int skip_section = 0;
    int lineno = 0;
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        size_t n = end - pos;
        const char *s = data + pos;
        pos = nl ? end + 1 : len;
        lineno++;
        if (n > 0 && s[n - 1] == '\r')
            n--;
        if (n > MAX_LINE) {
            err_at(L, lineno, "line is %zu bytes long; expected at most %d bytes per line", n, MAX_LINE);
            continue;
        }
        if (memchr(s, '\0', n)) {
            err_at(L, lineno, "line contains a NUL byte; expected a UTF-8 text file");
            continue;
        }
        if (!cc_utf8_valid(s, n)) {
            err_at(L, lineno, "line is not valid UTF-8; expected the file saved as UTF-8");
            continue;
        }
        scan_line(L, s, n, lineno, &cur, &skip_section);
    }
}

/* ---- iniparser ---------------------------------------------------------- */
static int quiet_errback(const char *fmt, ...)
{
    (void)fmt;
    return 0;
}

/* Write all of buf to fd; 0 on success. */
static int write_all(int fd, const char *buf, size_t len)
{
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, buf + off, len - off);
        if (w <= 0)
            return -1;
        off += (size_t)w;
    }
    return 0;
}

/* Hand the cleaned text to iniparser, which only reads named files: through
 * an anonymous memory file (/proc/self/fd/N) where Linux has one, else a
 * temporary file that is removed at once. */
static void load_dict(loader *L)
{
    cc_buf b = CC_BUF_INIT;
    for (size_t i = 0; i < L->nsecs; i++) {
        cc_buf_addf(&b, "[%s]\n", L->secs[i].lname);
        for (size_t k = L->secs[i].first; k < L->secs[i].first + L->secs[i].nkeys; k++) {
            const key_rec *r = &L->keys[k];
            if (r->bad || strlen(r->lkey) + strlen(r->value) + 3 > INIPARSER_LINE)
                continue;       /* too long for iniparser's line buffer: our own reading is used */
            cc_buf_addf(&b, "%s=\"%s\"\n", r->lkey, r->value);
        }
    }
    if (!b.s)
        cc_buf_adds(&b, "");
    iniparser_set_error_callback(quiet_errback);
#ifdef MFD_CLOEXEC
    int mfd = memfd_create("carecard-ini", MFD_CLOEXEC);
    if (mfd >= 0) {
        char path[64];
        snprintf(path, sizeof path, "/proc/self/fd/%d", mfd);
        if (write_all(mfd, b.s, b.len) == 0)
            L->dict = iniparser_load(path);
        close(mfd);
        if (L->dict) {
            cc_buf_release(&b);
            return;
        }
    }
#endif
    const char *tmp = getenv("TMPDIR");
    char *path = cc_xasprintf("%s/carecard-ini-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        err_at(L, 0, "cannot create a temporary file in %s: %s", tmp && *tmp ? tmp : "/tmp", strerror(errno));
        free(path);
        cc_buf_release(&b);
        return;
    }
    int ok = write_all(fd, b.s, b.len) == 0;
    close(fd);
    if (ok)
        L->dict = iniparser_load(path);
    unlink(path);
    if (!L->dict)
        err_at(L, 0, "the INI reader could not load the file (through %s)", path);
    free(path);
    cc_buf_release(&b);
}

/* ---- value access ------------------------------------------------------- */
static const key_rec *find_key(const loader *L, const sec_rec *s, const char *lkey)
{
    for (size_t k = s->first; k < s->first + s->nkeys; k++)
        if (!strcmp(L->keys[k].lkey, lkey))
            return &L->keys[k];
    return NULL;
}

/* The value iniparser returns for s:key (our own reading as a fallback). */
static const char *value_of(const loader *L, const sec_rec *s, const key_rec *k)
{
    if (L->dict) {
        char *full = cc_xasprintf("%s:%s", s->lname, k->lkey);
        const char *v = iniparser_getstring(L->dict, full, NULL);
        free(full);
        if (v)
            return v;
    }
    return k->value;
}

static const char *get(const loader *L, const sec_rec *s, const char *lkey, const key_rec **kr)
{
    const key_rec *k = find_key(L, s, lkey);
    if (kr)
        *kr = k;
    return k && !k->bad ? value_of(L, s, k) : NULL;     /* a bad value was reported already */
}

static int parse_double(const char *v, double *out)
{
    if (!v || !*v)
        return -1;
    const char *p = v;
    if (*p == '+' || *p == '-')
        p++;
    if (!isdigit((unsigned char)*p) && !(*p == '.' && isdigit((unsigned char)p[1])))
        return -1;
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (*end || errno || !isfinite(d))
        return -1;
    /* no hex, no inf/nan: only digits, one point and an optional exponent */
    for (const char *c = v; *c; c++)
        if (!(isdigit((unsigned char)*c) || *c == '.' || *c == '-' || *c == '+' || *c == 'e' || *c == 'E'))
            return -1;
    *out = d;
    return 0;
}

static int parse_int(const char *v, long *out)
{
    if (!v || !*v)
        return -1;
    const char *p = v;
    if (*p == '-' || *p == '+')
        p++;
    if (!*p || strlen(p) > 9)
        return -1;
    for (const char *c = p; *c; c++)
        if (!isdigit((unsigned char)*c))
            return -1;
    *out = strtol(v, NULL, 10);
    return 0;
}

/* "1/3", "2", "0.5": a positive number or fraction. */
static int parse_ratio(const char *s, size_t n, double *out)
{
    char buf[64];
    size_t len = n;
    const char *t = cc_trim(s, &len);
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, t, len);
    buf[len] = '\0';
    char *slash = strchr(buf, '/');
    double a, b = 1;
    if (slash) {
        *slash = '\0';
        size_t la = strlen(buf), lb = strlen(slash + 1);
        const char *ta = cc_trim(buf, &la), *tb = cc_trim(slash + 1, &lb);
        char A[64], B[64];
        memcpy(A, ta, la); A[la] = '\0';
        memcpy(B, tb, lb); B[lb] = '\0';
        if (parse_double(A, &a) || parse_double(B, &b) || b <= 0)
            return -1;
    } else if (parse_double(buf, &a)) {
        return -1;
    }
    if (a <= 0)
        return -1;
    *out = a / b;
    return 0;
}

/* Split a comma-separated list into trimmed items (empty items kept as "").
 * Full-width commas are accepted. Caller frees each and the array. */
static char **split_list(const char *v, size_t *n)
{
    char **out = NULL;
    *n = 0;
    const char *p = v;
    for (;;) {
        const char *c1 = strchr(p, ',');
        const char *c2 = strstr(p, "，");
        const char *c = c1 && (!c2 || c1 < c2) ? c1 : c2;
        size_t len = c ? (size_t)(c - p) : strlen(p);
        const char *t = cc_trim(p, &len);
        out = cc_xrealloc(out, (*n + 1) * sizeof *out);
        out[(*n)++] = cc_xstrndup(t, len);
        if (!c)
            break;
        p = c + (c == c1 ? 1 : strlen("，"));
    }
    return out;
}

static void free_list(char **l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(l[i]);
    free(l);
}

/* Edit distance for "did you mean" hints (short strings only). */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 40 || lb > 40)
        return 99;
    size_t d[41][41];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t c = d[i - 1][j - 1] + (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));
            if (d[i - 1][j] + 1 < c) c = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < c) c = d[i][j - 1] + 1;
            d[i][j] = c;
        }
    return d[la][lb];
}

/* " (did you mean 'x'?)" or "" into out. */
static void suggest(const char *word, const char *const *cands, char *out, size_t len)
{
    const char *best = NULL;
    size_t bd = 99;
    for (size_t i = 0; cands[i]; i++) {
        size_t dd = edit_distance(word, cands[i]);
        if (dd < bd) {
            bd = dd;
            best = cands[i];
        }
    }
    size_t wl = strlen(word);
    if (best && strcmp(word, best) != 0 && bd <= (wl < 5 ? 1u : wl < 9 ? 2u : 3u))
        snprintf(out, len, " (did you mean '%s'?)", best);
    else if (len)
        out[0] = '\0';
}

static void join(const char *const *list, char *out, size_t len)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; list[i] && o < len; i++)
        o += (size_t)snprintf(out + o, len - o, "%s%s", i ? ", " : "", list[i]);
}

/* Report keys of section s not in allowed. */
static void check_keys(loader *L, const sec_rec *s, const char *const *allowed, const char *what)
{
    for (size_t k = s->first; k < s->first + s->nkeys; k++) {
        const key_rec *r = &L->keys[k];
        int ok = 0;
        for (size_t i = 0; allowed[i]; i++)
            if (!strcmp(allowed[i], r->lkey))
                ok = 1;
        if (ok)
            continue;
        char hint[80], list[512];
        suggest(r->lkey, allowed, hint, sizeof hint);
        join(allowed, list, sizeof list);
        err_at(L, r->line, "[%s] unknown key '%s'%s; expected %s: %s", s->name, r->key, hint, what, list);
    }
}

/* ---- the pieces of the configuration ------------------------------------ */
static const char *const default_dims[] = {"process", "recipients", "growth", "community", NULL};
static const char *const unit_names[] = {"percent", "number", "per1000", "hours", "ratio", NULL};
static const char *const role_codes[] = {"child", "parent", "grandparent", "elder", "volunteer", "other", NULL};
static const char *const role_zh[] = {"儿童", "家长", "祖辈", "老人", "志愿者", "其他", NULL};
static const char *const groups[] = {"satisfaction", "digital", "culture", "cohesion", NULL};
static const char *const indicator_keys[] = {
    "name", "name_en", "dimension", "formula", "unit", "direction", "target", "yellow", "red",
    "floor", "weight", "window", "min_n", "escalate_after", NULL};
static const char *const scorecard_keys[] = {"weights", "ranking", "grades", "band_scores", "min_coverage",
                                             "escalate_from", "dimensions", NULL};
static const char *const feedback_keys[] = {"respond_days", NULL};
static const char *const rectification_keys[] = {"days_red", "days_yellow", NULL};
static const char *const resources_keys[] = {"demand_rate", NULL};
static const char *const item_keys[] = {"column", "scale", "roles", "group", NULL};
static const char *const kano_keys[] = {"name", "functional", "dysfunctional", NULL};

const char *cc_unit_name(cc_unit_kind u)
{
    return (unsigned)u < 5 ? unit_names[u] : "?";
}

const char *cc_direction_name(cc_direction d)
{
    return d == CC_LOWER ? "lower" : "higher";
}

const char *cc_config_dim_name(const cc_config *cfg, int dim)
{
    if (dim < 0 || (size_t)dim >= cfg->ndims)
        return "extra";
    return cfg->dims[dim];
}

static int sec_is(const sec_rec *s, const char *lname) { return !strcmp(s->lname, lname); }
static int sec_prefix(const sec_rec *s, const char *prefix)
{
    return !strncmp(s->lname, prefix, strlen(prefix));
}

static void load_scorecard(loader *L, cc_config *cfg, const sec_rec *s)
{
    const key_rec *k;
    const char *v;
    if (!s)
        return;
    check_keys(L, s, scorecard_keys, "a [scorecard] key");
    if ((v = get(L, s, "weights", &k))) {
        if (!strcmp(v, "fixed"))
            cfg->weights = CC_WEIGHTS_FIXED;
        else if (!strcmp(v, "ahp"))
            cfg->weights = CC_WEIGHTS_AHP;
        else if (!strcmp(v, "entropy"))
            cfg->weights = CC_WEIGHTS_ENTROPY;
        else
            err_at(L, k->line, "[%s] weights = '%s'; expected fixed, ahp or entropy", s->name, v);
    }
    if ((v = get(L, s, "ranking", &k))) {
        if (!strcmp(v, "score"))
            cfg->ranking = CC_RANK_SCORE;
        else if (!strcmp(v, "topsis"))
            cfg->ranking = CC_RANK_TOPSIS;
        else
            err_at(L, k->line, "[%s] ranking = '%s'; expected score or topsis", s->name, v);
    }
    if ((v = get(L, s, "grades", &k))) {
        size_t n;
        char **l = split_list(v, &n);
        double g[3];
        int bad = n != 3;
        for (size_t i = 0; !bad && i < 3; i++)
            if (parse_double(l[i], &g[i]) || g[i] < 0 || g[i] > 100)
                bad = 1;
        if (!bad && !(g[0] > g[1] && g[1] > g[2]))
            bad = 1;
        if (bad)
            err_at(L, k->line, "[%s] grades = '%s'; expected three descending scores between 0 and 100 "
                   "(lower bounds of 优秀, 良好, 合格), e.g. 90, 75, 60", s->name, v);
        else
            memcpy(cfg->grades, g, sizeof g);
        free_list(l, n);
    }
    if ((v = get(L, s, "band_scores", &k))) {
        size_t n;
        char **l = split_list(v, &n);
        double g[2];
        int bad = n != 2;
        for (size_t i = 0; !bad && i < 2; i++)
            if (parse_double(l[i], &g[i]))
                bad = 1;
        if (!bad && !(100 > g[0] && g[0] >= g[1] && g[1] > 0))
            bad = 1;
        if (bad)
            err_at(L, k->line, "[%s] band_scores = '%s'; expected two scores with 100 > B1 ≥ B2 > 0 "
                   "(the scores at the yellow and at the red boundary), e.g. 80, 60", s->name, v);
        else
            memcpy(cfg->band_scores, g, sizeof g);
        free_list(l, n);
    }
    if ((v = get(L, s, "min_coverage", &k))) {
        double m;
        if (parse_double(v, &m) || m < 0 || m > 1)
            err_at(L, k->line, "[%s] min_coverage = '%s'; expected a share from 0 to 1 (below it a unit gets "
                   "no total, grade or rank; 0 switches the rule off; default 0.6)", s->name, v);
        else
            cfg->min_coverage = m;
    }
    if ((v = get(L, s, "escalate_from", &k))) {
        if (!strcmp(v, "blue"))
            cfg->escalate_from = 1;
        else if (!strcmp(v, "yellow"))
            cfg->escalate_from = 2;
        else if (!strcmp(v, "red"))
            cfg->escalate_from = 3;
        else
            err_at(L, k->line, "[%s] escalate_from = '%s'; expected blue, yellow or red (the lowest level "
                   "that starts 专项整治 after escalate_after missed periods; default yellow)", s->name, v);
    }
    if ((v = get(L, s, "dimensions", &k))) {
        size_t n;
        char **l = split_list(v, &n);
        int bad = 0;
        if (n > CC_MAX_DIMS) {
            err_at(L, k->line, "[%s] dimensions lists %zu names; expected at most %d", s->name, n, CC_MAX_DIMS);
            bad = 1;
        }
        for (size_t i = 0; !bad && i < n; i++) {
            if (!valid_id(l[i], strlen(l[i]))) {
                err_at(L, k->line, "[%s] dimensions: '%s' is not a valid name; expected a comma-separated list "
                       "of names (letters, digits, underscore)", s->name, l[i]);
                bad = 1;
            } else if (!strcasecmp(l[i], "extra")) {
                err_at(L, k->line, "[%s] dimensions: 'extra' is reserved for indicators reported but not "
                       "scored; expected it not to be listed", s->name);
                bad = 1;
            }
            for (size_t j = 0; !bad && j < i; j++)
                if (!strcasecmp(l[i], l[j])) {
                    err_at(L, k->line, "[%s] dimensions: '%s' is listed twice; expected each dimension once",
                           s->name, l[i]);
                    bad = 1;
                }
        }
        if (!bad) {
            for (size_t i = 0; i < cfg->ndims; i++)
                CC_FREE(cfg->dims[i]);
            cfg->ndims = 0;
            for (size_t i = 0; i < n; i++)
                cfg->dims[cfg->ndims++] = lower_dup(l[i]);
        }
        free_list(l, n);
    }
}

static void load_dimensions(loader *L, cc_config *cfg, const sec_rec *s)
{
    for (size_t d = 0; d < cfg->ndims; d++)
        cfg->dim_weight[d] = 1.0 / (double)cfg->ndims;
    if (!s)
        return;
    double w[CC_MAX_DIMS];
    int given[CC_MAX_DIMS] = {0};
    int bad = 0;
    for (size_t k = s->first; k < s->first + s->nkeys; k++) {
        const key_rec *r = &L->keys[k];
        int d = cc_config_dim(cfg, r->lkey);
        if (d < 0) {
            char list[256], hint[80];
            join((const char *const *)cfg->dims, list, sizeof list);
            suggest(r->lkey, (const char *const *)cfg->dims, hint, sizeof hint);
            err_at(L, r->line, "[%s] unknown dimension '%s'%s; expected one of [scorecard] dimensions: %s",
                   s->name, r->key, hint, list);
            bad = 1;
            continue;
        }
        const char *v = value_of(L, s, r);
        if (parse_double(v, &w[d]) || w[d] < 0) {
            err_at(L, r->line, "[%s] %s = '%s'; expected a weight ≥ 0, e.g. 0.25", s->name, r->key, v);
            bad = 1;
            continue;
        }
        given[d] = 1;
    }
    if (bad)
        return;
    double sum = 0;
    for (size_t d = 0; d < cfg->ndims; d++) {
        if (!given[d]) {
            err_at(L, s->line, "[%s] no weight for dimension '%s'; expected a weight for every dimension of "
                   "[scorecard] dimensions (or no [%s] section: equal weights)", s->name, cfg->dims[d], s->name);
            return;
        }
        sum += w[d];
    }
    if (sum <= 0) {
        err_at(L, s->line, "[%s] the weights add up to 0; expected a positive total", s->name);
        return;
    }
    for (size_t d = 0; d < cfg->ndims; d++)
        cfg->dim_weight[d] = w[d] / sum;
}

/* One pairwise matrix: the keys of s are the rows, named by names[0..n);
 * writes n*n values row-major into m. Returns 0 when well-formed. */
static int load_matrix(loader *L, const sec_rec *s, const char *const *names, const char *const *shown,
                       size_t n, double *m, const char *what)
{
    int bad = 0;
    for (size_t k = s->first; k < s->first + s->nkeys; k++) {
        const key_rec *r = &L->keys[k];
        size_t row = n;
        for (size_t i = 0; i < n; i++)
            if (!strcasecmp(names[i], r->lkey))
                row = i;
        if (row == n) {
            char list[512];
            join(shown, list, sizeof list);
            err_at(L, r->line, "[%s] row '%s' is not %s; expected one row for each of: %s",
                   s->name, r->key, what, list);
            bad = 1;
            continue;
        }
        const char *v = value_of(L, s, r);
        size_t cnt;
        char **l = split_list(v, &cnt);
        if (cnt != n) {
            err_at(L, r->line, "[%s] row '%s' has %zu numbers; expected %zu (one per column, in the order of "
                   "the rows)", s->name, r->key, cnt, n);
            bad = 1;
        } else {
            for (size_t j = 0; j < n; j++)
                if (parse_ratio(l[j], strlen(l[j]), &m[row * n + j])) {
                    err_at(L, r->line, "[%s] row '%s', column %zu: '%s'; expected a positive number or a "
                           "fraction like 1/3 (Saaty 1–9 scale)", s->name, r->key, j + 1, l[j]);
                    bad = 1;
                }
        }
        free_list(l, cnt);
    }
    for (size_t i = 0; i < n; i++) {
        int found = 0;
        for (size_t k = s->first; k < s->first + s->nkeys; k++)
            if (!strcasecmp(L->keys[k].lkey, names[i]))
                found = 1;
        if (!found) {
            err_at(L, s->line, "[%s] no row for '%s'; expected %zu rows of %zu numbers", s->name, shown[i], n, n);
            bad = 1;
        }
    }
    return bad ? -1 : 0;
}

static int list_index(const char *const *list, const char *s)
{
    for (size_t i = 0; list[i]; i++)
        if (!strcmp(list[i], s))
            return (int)i;
    return -1;
}

static void load_item(loader *L, cc_config *cfg, const sec_rec *s)
{
    check_keys(L, s, item_keys, "an [item.*] key");
    cc_item *it = &cfg->items[cfg->nitems++];
    memset(it, 0, sizeof *it);
    it->id = cc_xstrdup(strchr(s->name, '.') + 1);
    it->line = s->line;
    it->scale = CC_SCALE_LIKERT5;
    const key_rec *k;
    const char *v;
    if ((!(v = get(L, s, "column", &k)) || !*v) && !(k && k->bad))
        err_at(L, k ? k->line : s->line, "[%s] no question text: expected column = <the survey question "
               "exactly as in the survey file's header>", s->name);
    else if (v)
        it->column = cc_xstrdup(v);
    if ((v = get(L, s, "scale", &k))) {
        if (!strcmp(v, "likert5"))
            it->scale = CC_SCALE_LIKERT5;
        else if (!strcmp(v, "yesno"))
            it->scale = CC_SCALE_YESNO;
        else
            err_at(L, k->line, "[%s] scale = '%s'; expected likert5 or yesno", s->name, v);
    }
    if ((v = get(L, s, "roles", &k))) {
        size_t n;
        char **l = split_list(v, &n);
        for (size_t i = 0; i < n; i++) {
            int r = list_index(role_codes, l[i]);
            if (r < 0)
                r = list_index(role_zh, l[i]);
            if (r < 0) {
                err_at(L, k->line, "[%s] roles: unknown role '%s'; expected a comma-separated list of child, "
                       "parent, grandparent, elder, volunteer, other (or 儿童, 家长, 祖辈, 老人, 志愿者, 其他)",
                       s->name, l[i]);
                continue;
            }
            int dup = 0;
            for (size_t j = 0; j < it->nroles; j++)
                if (!strcmp(it->roles[j], role_codes[r]))
                    dup = 1;
            if (dup)
                continue;
            it->roles = cc_xrealloc(it->roles, (it->nroles + 1) * sizeof *it->roles);
            it->roles[it->nroles++] = cc_xstrdup(role_codes[r]);
        }
        free_list(l, n);
    }
    if ((v = get(L, s, "group", &k)) && *v) {
        if (list_index(groups, v) < 0)
            err_at(L, k->line, "[%s] group = '%s'; expected satisfaction, digital, culture or cohesion",
                   s->name, v);
        else
            it->group = cc_xstrdup(v);
    }
}

static void load_kano(loader *L, cc_config *cfg, const sec_rec *s)
{
    check_keys(L, s, kano_keys, "a [kano.*] key");
    cc_kano_feature *f = &cfg->kano[cfg->nkano++];
    memset(f, 0, sizeof *f);
    f->id = cc_xstrdup(strchr(s->name, '.') + 1);
    f->line = s->line;
    const key_rec *k;
    const char *v;
    if ((!(v = get(L, s, "name", &k)) || !*v) && !(k && k->bad))
        err_at(L, k ? k->line : s->line, "[%s] no name: expected name = <the feature's name, e.g. 延时托管>",
               s->name);
    else if (v)
        f->name = cc_xstrdup(v);
    if ((!(v = get(L, s, "functional", &k)) || !*v) && !(k && k->bad))
        err_at(L, k ? k->line : s->line, "[%s] no functional question: expected functional = <the question "
               "asked if the service is provided, as in the survey header>", s->name);
    else if (v)
        f->functional = cc_xstrdup(v);
    if ((!(v = get(L, s, "dysfunctional", &k)) || !*v) && !(k && k->bad))
        err_at(L, k ? k->line : s->line, "[%s] no dysfunctional question: expected dysfunctional = <the "
               "question asked if the service is not provided>", s->name);
    else if (v)
        f->dysfunctional = cc_xstrdup(v);
    if (f->functional && f->dysfunctional && !strcmp(f->functional, f->dysfunctional))
        err_at(L, k->line, "[%s] functional and dysfunctional are the same question; expected two different "
               "questions (provided / not provided)", s->name);
}

static int need_number(loader *L, const sec_rec *s, const char *key, const char *what, double *out)
{
    const key_rec *k;
    const char *v = get(L, s, key, &k);
    if (!v) {
        if (!k)
            err_at(L, s->line, "[%s] missing key '%s'; expected %s", s->name, key, what);
        return -1;
    }
    if (parse_double(v, out)) {
        err_at(L, k->line, "[%s] %s = '%s' is not a number; expected %s (a decimal number; write 85%% as 0.85)",
               s->name, key, v, what);
        return -1;
    }
    return 0;
}

static int key_line(const loader *L, const sec_rec *s, const char *lkey)
{
    const key_rec *k = find_key(L, s, lkey);
    return k ? k->line : s->line;
}

/* Names a formula may use, for "did you mean". */
static const char *const *all_measure_names(void)
{
    return cc_measure_names;
}

static void check_formula_refs(loader *L, const cc_config *cfg, const sec_rec *s, const key_rec *k,
                               const cc_formula *f)
{
    for (size_t i = 0; i < cc_formula_nrefs(f); i++) {
        const char *ref = cc_formula_ref(f, i);
        int col = k->vcol + cc_formula_ref_col(f, i) - 1;
        if (!strncmp(ref, "survey.", 7)) {
            size_t ilen;
            const char *item = cc_measure_survey_item(ref, &ilen);
            if (!item) {
                err_col(L, k->line, col, "[%s] formula: '%s' is not a survey measure; expected "
                       "survey.<item>.n, survey.<item>.sum, survey.<item>.top2 or survey.<item>.yes",
                       s->name, ref);
                continue;
            }
            char *id = cc_xstrndup(item, ilen);
            int it = cc_config_item(cfg, id);
            int seen = 0;       /* report an unknown item once per formula */
            for (size_t j = 0; j < i; j++) {
                size_t jl;
                const char *ji = cc_measure_survey_item(cc_formula_ref(f, j), &jl);
                if (ji && jl == ilen && !strncasecmp(ji, item, ilen))
                    seen = 1;
            }
            if (it < 0 && seen) {
                /* already reported */
            } else if (it < 0) {
                char list[512] = "";
                size_t o = 0;
                for (size_t j = 0; j < cfg->nitems && o < sizeof list; j++)
                    o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", j ? ", " : "", cfg->items[j].id);
                err_col(L, k->line, col, "[%s] formula: unknown survey item '%s' in '%s'; expected an item "
                       "declared in an [item.%s] section (declared: %s)", s->name, id, ref, id,
                       cfg->nitems ? list : "none");
            } else {
                const char *stat = item + ilen + 1;
                const cc_item *ci = &cfg->items[it];
                if (ci->scale == CC_SCALE_LIKERT5 && !strcmp(stat, "yes"))
                    err_col(L, k->line, col, "[%s] formula: '%s': item '%s' is likert5 and has no yes answers; "
                           "expected .n, .sum or .top2", s->name, ref, ci->id);
                else if (ci->scale == CC_SCALE_YESNO && (!strcmp(stat, "top2") || !strcmp(stat, "sum")))
                    err_col(L, k->line, col, "[%s] formula: '%s': item '%s' is yesno; expected .n or .yes",
                           s->name, ref, ci->id);
            }
            free(id);
            continue;
        }
        if (!strncmp(ref, "assess.", 7)) {
            if (cc_measure_source(ref) < 0)
                err_col(L, k->line, col, "[%s] formula: unknown assessment measure '%s'; expected "
                       "assess.<domain>.pairs, .pre_sum or .post_sum with domain cognitive, social, emotion, "
                       "language or motor", s->name, ref);
            continue;
        }
        if (cc_measure_source(ref) < 0) {
            char hint[80];
            suggest(ref, all_measure_names(), hint, sizeof hint);
            err_col(L, k->line, col, "[%s] formula: unknown measure '%s'%s; expected a measure name from the "
                   "catalog (docs/indicators.md), a survey.<item>.<stat> or an assess.<domain>.<stat>",
                   s->name, ref, hint);
        }
    }
}

static void load_indicator(loader *L, cc_config *cfg, const sec_rec *s)
{
    check_keys(L, s, indicator_keys, "an indicator key");
    cc_indicator *ind = &cfg->ind[cfg->nind++];
    memset(ind, 0, sizeof *ind);
    ind->id = cc_xstrdup(s->name);
    ind->line = s->line;
    ind->unit = CC_UNIT_NUMBER;
    ind->direction = CC_HIGHER;
    ind->weight = 1;
    ind->escalate_after = 2;
    ind->dim = -1;
    const key_rec *k;
    const char *v;

    if ((!(v = get(L, s, "name", &k)) || !*v) && !(k && k->bad))
        err_at(L, k ? k->line : s->line, "[%s] missing key 'name'; expected the indicator's Chinese name, "
               "e.g. name = 活动出勤率", s->name);
    else if (v)
        ind->name = cc_xstrdup(v);
    v = get(L, s, "name_en", &k);
    ind->name_en = cc_xstrdup(v && *v ? v : ind->name ? ind->name : ind->id);

    char dims[256];
    {
        size_t o = 0;
        dims[0] = '\0';
        for (size_t d = 0; d < cfg->ndims; d++)
            o += (size_t)snprintf(dims + o, sizeof dims - o, "%s, ", cfg->dims[d]);
        snprintf(dims + o, sizeof dims - o, "extra");
    }
    if (!(v = get(L, s, "dimension", &k))) {
        if (!k)
        err_at(L, s->line, "[%s] missing key 'dimension'; expected one of %s", s->name, dims);
    } else if (strcasecmp(v, "extra") != 0) {
        ind->dim = cc_config_dim(cfg, v);
        if (ind->dim < 0) {
            char hint[80];
            suggest(v, (const char *const *)cfg->dims, hint, sizeof hint);
            err_at(L, k->line, "[%s] unknown dimension '%s'%s; expected one of %s", s->name, v, hint, dims);
        }
    }

    if ((!(v = get(L, s, "formula", &k)) || !*v) && !(k && k->bad)) {
        err_at(L, k ? k->line : s->line, "[%s] missing key 'formula'; expected an arithmetic expression over "
               "measure names, e.g. formula = attended / registered", s->name);
    } else if (v) {
        ind->formula_src = cc_xstrdup(v);
        int col;
        char msg[256];
        ind->formula = cc_formula_parse(v, &col, msg, sizeof msg);
        if (!ind->formula)
            err_col(L, k->line, k->vcol + col - 1, "[%s] formula: %s", s->name, msg);
        else
            check_formula_refs(L, cfg, s, k, ind->formula);
    }

    if ((v = get(L, s, "unit", &k))) {
        int u = list_index(unit_names, v);
        if (u < 0)
            err_at(L, k->line, "[%s] unit = '%s'; expected percent, number, per1000, hours or ratio", s->name, v);
        else
            ind->unit = (cc_unit_kind)u;
    }
    int dir_ok = 0;
    if (!(v = get(L, s, "direction", &k))) {
        if (!k)
            err_at(L, s->line, "[%s] missing key 'direction'; expected higher or lower (which way is better)", s->name);
    } else if (!strcmp(v, "higher")) {
        ind->direction = CC_HIGHER;
        dir_ok = 1;
    } else if (!strcmp(v, "lower")) {
        ind->direction = CC_LOWER;
        dir_ok = 1;
    } else {
        err_at(L, k->line, "[%s] direction = '%s'; expected higher or lower (which way is better)", s->name, v);
    }

    int ok = 0;
    ok |= need_number(L, s, "target", "the value that counts as met (达标)", &ind->target);
    ok |= need_number(L, s, "yellow", "the boundary between blue and yellow", &ind->yellow);
    ok |= need_number(L, s, "red", "the boundary between yellow and red", &ind->red);
    if (ok == 0 && dir_ok) {
        const char *side = ind->direction == CC_HIGHER ? "above" : "below";
        const char *order = ind->direction == CC_HIGHER ? "target ≥ yellow ≥ red" : "target ≤ yellow ≤ red";
        double sg = ind->direction == CC_HIGHER ? 1 : -1;
        const char *ts = get(L, s, "target", NULL), *ys = get(L, s, "yellow", NULL), *rs = get(L, s, "red", NULL);
        if (sg * (ind->yellow - ind->target) > 0)
            err_at(L, key_line(L, s, "yellow"), "[%s] yellow = %s is %s target = %s; for direction = %s "
                   "expected %s", s->name, ys, side, ts, cc_direction_name(ind->direction), order);
        else if (sg * (ind->red - ind->yellow) > 0)
            err_at(L, key_line(L, s, "red"), "[%s] red = %s is %s yellow = %s; for direction = %s expected %s",
                   s->name, rs, side, ys, cc_direction_name(ind->direction), order);
    }
    if ((v = get(L, s, "floor", &k))) {
        if (parse_double(v, &ind->floor))
            err_at(L, k->line, "[%s] floor = '%s' is not a number; expected the value that scores 0",
                   s->name, v);
        else if (ok == 0 && dir_ok && (ind->direction == CC_HIGHER ? ind->floor >= ind->target
                                                                   : ind->floor <= ind->target))
            err_at(L, k->line, "[%s] floor = %s is not %s target = %s; expected the value that scores 0 %s "
                   "the target (direction = %s)", s->name, v,
                   ind->direction == CC_HIGHER ? "below" : "above", get(L, s, "target", NULL),
                   ind->direction == CC_HIGHER ? "below" : "above", cc_direction_name(ind->direction));
        else if (ok == 0 && dir_ok && (ind->direction == CC_HIGHER ? ind->floor > ind->red
                                                                   : ind->floor < ind->red))
            err_at(L, k->line, "[%s] floor = %s is %s red = %s; expected the value that scores 0 on the far "
                   "side of the red boundary (direction = %s: floor %s red)", s->name, v,
                   ind->direction == CC_HIGHER ? "above" : "below", get(L, s, "red", NULL),
                   cc_direction_name(ind->direction), ind->direction == CC_HIGHER ? "≤" : "≥");
    } else if (dir_ok && ind->direction == CC_LOWER) {
        err_at(L, s->line, "[%s] missing key 'floor'; expected the value that scores 0, above target "
               "(required when direction = lower)", s->name);
    } else if (ok == 0 && dir_ok && ind->target <= 0) {
        err_at(L, s->line, "[%s] target = %g and floor defaults to 0; expected a floor below the target "
               "(floor = the value that scores 0)", s->name, ind->target);
    } else if (ok == 0 && dir_ok && ind->red < 0) {
        err_at(L, s->line, "[%s] red = %g and floor defaults to 0; expected a floor at or below red "
               "(floor = the value that scores 0)", s->name, ind->red);
    }

    if ((v = get(L, s, "weight", &k)) && (parse_double(v, &ind->weight) || ind->weight < 0))
        err_at(L, k->line, "[%s] weight = '%s'; expected a number ≥ 0 (default 1)", s->name, v);
    if ((v = get(L, s, "window", &k)) && cc_window_parse(v, &ind->window) != CC_OK)
        err_at(L, k->line, "[%s] window = '%s'; expected period or last:N followed by d, w, m or q "
               "(days, weeks, months, quarters; N from 1 to 999), e.g. last:13w", s->name, v);
    if ((v = get(L, s, "min_n", &k)) && (parse_double(v, &ind->min_n) || ind->min_n < 0))
        err_at(L, k->line, "[%s] min_n = '%s'; expected a number ≥ 0 (smallest denominator; default 0)", s->name, v);
    if ((v = get(L, s, "escalate_after", &k))) {
        long e;
        if (parse_int(v, &e) || e < 1 || e > 12)
            err_at(L, k->line, "[%s] escalate_after = %s; expected a whole number of periods from 1 to 12 "
                   "(default 2)", s->name, v);
        else
            ind->escalate_after = (int)e;
    }
}

/* [ahp.<dimension>]: rows are the dimension's indicators in file order. */
static void load_ahp_dim(loader *L, cc_config *cfg, const sec_rec *s)
{
    const char *dname = strchr(s->lname, '.') + 1;
    int d = cc_config_dim(cfg, dname);
    if (d < 0) {
        char list[256];
        join((const char *const *)cfg->dims, list, sizeof list);
        err_at(L, s->line, "[%s] '%s' is not a dimension; expected [ahp.<dimension>] for one of %s",
               s->name, strchr(s->name, '.') + 1, list);
        return;
    }
    if (cfg->has_ahp_dim[d]) {
        err_at(L, s->line, "[%s] duplicated section; expected one pairwise matrix per dimension", s->name);
        return;
    }
    const char **names = cc_xcalloc(cfg->nind + 1, sizeof *names);
    size_t n = 0;
    for (size_t i = 0; i < cfg->nind; i++)
        if (cfg->ind[i].dim == d)
            names[n++] = cfg->ind[i].id;
    if (n == 0) {
        err_at(L, s->line, "[%s] dimension '%s' has no indicators; expected a matrix over its indicators",
               s->name, cfg->dims[d]);
        free(names);
        return;
    }
    double *m = cc_xcalloc(n * n, sizeof *m);
    char what[96];
    snprintf(what, sizeof what, "an indicator of dimension %s", cfg->dims[d]);
    if (load_matrix(L, s, names, names, n, m, what) == 0) {
        cfg->has_ahp_dim[d] = 1;
        cfg->ahp_dim[d] = m;
    } else {
        free(m);
    }
    free(names);
}

static void load_sections(loader *L, cc_config *cfg)
{
    const sec_rec *scorecard = NULL, *dimensions = NULL, *ahp = NULL;
    size_t nind = 0, nitems = 0, nkano = 0;
    for (size_t i = 0; i < L->nsecs; i++) {
        const sec_rec *s = &L->secs[i];
        if (sec_is(s, "scorecard"))
            scorecard = s;
        else if (sec_is(s, "dimensions"))
            dimensions = s;
        else if (sec_is(s, "ahp"))
            ahp = s;
        else if (sec_prefix(s, "item."))
            nitems++;
        else if (sec_prefix(s, "kano."))
            nkano++;
        else if (!sec_prefix(s, "ahp.") && !sec_is(s, "feedback") && !sec_is(s, "resources")
                 && !sec_is(s, "rectification"))
            nind++;
    }
    cfg->ind = cc_xcalloc(nind ? nind : 1, sizeof *cfg->ind);
    cfg->items = cc_xcalloc(nitems ? nitems : 1, sizeof *cfg->items);
    cfg->kano = cc_xcalloc(nkano ? nkano : 1, sizeof *cfg->kano);

    load_scorecard(L, cfg, scorecard);
    load_dimensions(L, cfg, dimensions);
    for (size_t i = 0; i < L->nsecs; i++) {
        const sec_rec *s = &L->secs[i];
        const key_rec *k;
        const char *v;
        if (sec_prefix(s, "item.")) {
            load_item(L, cfg, s);
        } else if (sec_prefix(s, "kano.")) {
            load_kano(L, cfg, s);
        } else if (sec_is(s, "feedback")) {
            check_keys(L, s, feedback_keys, "a [feedback] key");
            long d;
            if ((v = get(L, s, "respond_days", &k))) {
                if (parse_int(v, &d) || d < 0 || d > 365)
                    err_at(L, k->line, "[%s] respond_days = '%s'; expected a whole number of days from 0 to 365 "
                           "(default 3)", s->name, v);
                else
                    cfg->feedback_respond_days = (int)d;
            }
        } else if (sec_is(s, "rectification")) {
            /* the rectification ledger's deadlines (ledger.md) */
            check_keys(L, s, rectification_keys, "a [rectification] key");
            long d;
            for (int w = 0; w < 2; w++) {
                const char *key = w ? "days_yellow" : "days_red";
                if ((v = get(L, s, key, &k))) {
                    if (parse_int(v, &d) || d < 1 || d > 366)
                        err_at(L, k->line, "[%s] %s = '%s'; expected a whole number of days from 1 to 366 "
                               "(default %d)", s->name, key, v, w ? 28 : 14);
                    else if (w)
                        cfg->rect_days_yellow = (int)d;
                    else
                        cfg->rect_days_red = (int)d;
                }
            }
        } else if (sec_is(s, "resources")) {
            check_keys(L, s, resources_keys, "a [resources] key");
            double r;
            if ((v = get(L, s, "demand_rate", &k))) {
                if (parse_double(v, &r) || r <= 0 || r > 1)
                    err_at(L, k->line, "[%s] demand_rate = '%s'; expected a share of children aged 0–3 above 0 "
                           "and at most 1 (default 0.30)", s->name, v);
                else
                    cfg->demand_rate = r;
            }
        }
    }
    for (size_t i = 0; i < L->nsecs; i++) {
        const sec_rec *s = &L->secs[i];
        if (!sec_is(s, "scorecard") && !sec_is(s, "dimensions") && !sec_is(s, "ahp") && !sec_prefix(s, "ahp.")
            && !sec_is(s, "feedback") && !sec_is(s, "resources") && !sec_is(s, "rectification")
            && !sec_prefix(s, "item.")
            && !sec_prefix(s, "kano."))
            load_indicator(L, cfg, s);
    }
    if (cfg->nind == 0 && !(L->flags & CC_CONFIG_PARTIAL))
        err_at(L, 0, "no indicators; expected at least one indicator section such as [P1]");

    if (ahp) {
        double m[CC_MAX_DIMS * CC_MAX_DIMS];
        if (load_matrix(L, ahp, (const char *const *)cfg->dims, (const char *const *)cfg->dims, cfg->ndims, m,
                        "a dimension of [scorecard] dimensions") == 0) {
            cfg->has_ahp = 1;
            for (size_t r = 0; r < cfg->ndims; r++)
                for (size_t c = 0; c < cfg->ndims; c++)
                    cfg->ahp[r][c] = m[r * cfg->ndims + c];
        }
    }
    if (cfg->weights == CC_WEIGHTS_AHP && !ahp)
        err_at(L, scorecard ? key_line(L, scorecard, "weights") : 0, "[%s] weights = ahp but there is no [ahp] "
               "section; expected an [ahp] pairwise comparison matrix with one row per dimension",
               scorecard ? scorecard->name : "scorecard");
    for (size_t i = 0; i < L->nsecs; i++)
        if (sec_prefix(&L->secs[i], "ahp."))
            load_ahp_dim(L, cfg, &L->secs[i]);
}

/* ---- public ------------------------------------------------------------- */
static void loader_release(loader *L)
{
    for (size_t i = 0; i < L->nsecs; i++) {
        free(L->secs[i].name);
        free(L->secs[i].lname);
    }
    for (size_t i = 0; i < L->nkeys; i++) {
        free(L->keys[i].key);
        free(L->keys[i].lkey);
        free(L->keys[i].value);
    }
    free(L->secs);
    free(L->keys);
    if (L->dict)
        iniparser_freedict(L->dict);
}

static cc_err load_mem(const char *name, const char *data, size_t len, unsigned flags, cc_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->path = cc_xstrdup(name);
    cfg->grades[0] = 90;
    cfg->grades[1] = 75;
    cfg->grades[2] = 60;
    cfg->band_scores[0] = 80;
    cfg->band_scores[1] = 60;
    cfg->min_coverage = 0.6;
    cfg->escalate_from = 2;
    cfg->weights = CC_WEIGHTS_FIXED;
    cfg->ranking = CC_RANK_SCORE;
    cfg->feedback_respond_days = 3;
    cfg->rect_days_red = 14;
    cfg->rect_days_yellow = 28;
    cfg->demand_rate = 0.30;
    for (size_t d = 0; default_dims[d]; d++)
        cfg->dims[cfg->ndims++] = cc_xstrdup(default_dims[d]);

    loader L;
    memset(&L, 0, sizeof L);
    L.path = name;
    L.flags = flags;
    scan(&L, data, len);
    load_dict(&L);
    load_sections(&L, cfg);
    int errors = L.errors;
    flush_msgs(&L);
    loader_release(&L);
    if (errors) {
        cc_error("%s: %d configuration error%s", name, errors, errors == 1 ? "" : "s");
        cc_config_release(cfg);
        return CC_ERR_CONFIG;
    }
    return CC_OK;
}

cc_err cc_config_load_mem(const char *name, const char *data, size_t len, cc_config *cfg)
{
    return load_mem(name, data, len, 0, cfg);
}

cc_err cc_config_load(const char *path, cc_config *cfg)
{
    return cc_config_load_flags(path, 0, cfg);
}

cc_err cc_config_load_flags(const char *path, unsigned flags, cc_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    FILE *f = fopen(path, "rb");
    if (!f) {
        cc_error("%s: cannot open the indicator catalog: %s (use --config FILE or set CARECARD_CONFIG)",
                 path, strerror(errno));
        return CC_ERR_CONFIG;
    }
    cc_buf b = CC_BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        cc_buf_add(&b, chunk, n);
        if (b.len > 16u << 20)
            break;
    }
    int rerr = ferror(f);
    fclose(f);
    if (rerr) {
        cc_error("%s: cannot read the indicator catalog: %s", path, strerror(errno));
        cc_buf_release(&b);
        return CC_ERR_CONFIG;
    }
    if (b.len > 16u << 20) {
        cc_error("%s: the file is larger than 16 MB; expected an indicator catalog (indicators.ini)", path);
        cc_buf_release(&b);
        return CC_ERR_CONFIG;
    }
    cc_err e = load_mem(path, b.s ? b.s : "", b.len, flags, cfg);
    cc_buf_release(&b);
    return e;
}

void cc_config_release(cc_config *cfg)
{
    if (!cfg)
        return;
    free(cfg->path);
    for (size_t i = 0; i < cfg->nind; i++) {
        cc_indicator *ind = &cfg->ind[i];
        free(ind->id);
        free(ind->name);
        free(ind->name_en);
        free(ind->formula_src);
        cc_formula_free(ind->formula);
    }
    free(cfg->ind);
    for (size_t i = 0; i < cfg->nitems; i++) {
        cc_item *it = &cfg->items[i];
        free(it->id);
        free(it->column);
        for (size_t r = 0; r < it->nroles; r++)
            free(it->roles[r]);
        free(it->roles);
        free(it->group);
    }
    free(cfg->items);
    for (size_t i = 0; i < cfg->nkano; i++) {
        free(cfg->kano[i].id);
        free(cfg->kano[i].name);
        free(cfg->kano[i].functional);
        free(cfg->kano[i].dysfunctional);
    }
    free(cfg->kano);
    for (size_t d = 0; d < cfg->ndims; d++)
        free(cfg->dims[d]);
    for (size_t d = 0; d < CC_MAX_DIMS; d++)
        free(cfg->ahp_dim[d]);
    memset(cfg, 0, sizeof *cfg);
}

int cc_config_indicator(const cc_config *cfg, const char *id)
{
    for (size_t i = 0; i < cfg->nind; i++)
        if (!strcasecmp(cfg->ind[i].id, id))
            return (int)i;
    return -1;
}

int cc_config_item(const cc_config *cfg, const char *id)
{
    for (size_t i = 0; i < cfg->nitems; i++)
        if (!strcasecmp(cfg->items[i].id, id))
            return (int)i;
    return -1;
}

int cc_config_dim(const cc_config *cfg, const char *name)
{
    for (size_t d = 0; d < cfg->ndims; d++)
        if (!strcasecmp(cfg->dims[d], name))
            return (int)d;
    return -1;
}

int cc_indicator_uses(const cc_indicator *ind, cc_source src)
{
    for (size_t i = 0; i < cc_formula_nrefs(ind->formula); i++)
        if (cc_measure_source(cc_formula_ref(ind->formula, i)) == (int)src)
            return 1;
    return 0;
}
