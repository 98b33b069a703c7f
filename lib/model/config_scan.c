/* config_scan — indicators.ini, the first pass: lines, sections, keys.
 *
 * iniparser 4.1 folds names to lower case, merges duplicated sections and
 * keys without a word, gives no line numbers, keeps a BOM as part of the
 * first line, misreads lines longer than its 1024-byte buffer, and reads
 * only named files.  So the file is read here, line by line: the BOM is
 * stripped, each section's and key's line and original spelling are
 * recorded, and duplicated sections and keys, long lines, stray quotes and
 * malformed lines are reported.  The well-formed keys then go into an
 * iniparser dictionary built in memory (no temporary file), which the
 * checks read the values from.  Messages are collected with their line and
 * printed in line order at the end: every error is reported, not only the
 * first.
 */
#include "model/config_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- messages ---- */
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

void cfg_flush_msgs(loader *L)
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

void cfg_err_at(loader *L, int line, const char *fmt, ...)
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
void cfg_err_col(loader *L, int line, int col, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    add_msg(L, line, cc_xasprintf("%s:%d:%d: %s", L->path, line, col, msg));
}

char *cfg_lower_dup(const char *s)
{
    char *d = cc_xstrdup(s);
    for (char *p = d; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return d;
}

static int id_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

int cfg_valid_id(const char *s, size_t n)
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
        return cfg_valid_id(name, strlen(name));
    size_t plen = (size_t)(dot - name);
    if (!((plen == 4 && !strncasecmp(name, "item", 4)) || (plen == 4 && !strncasecmp(name, "kano", 4))
          || (plen == 3 && !strncasecmp(name, "ahp", 3))))
        return 0;
    return cfg_valid_id(dot + 1, strlen(dot + 1));
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

/* A section header: s[i] is its '['. */
static void scan_section(loader *L, const char *s, size_t i, size_t n, int lineno, sec_rec **cur,
                         int *skip_section)
{
    const char *close = memchr(s + i, ']', n - i);
    if (!close) {
        cfg_err_at(L, lineno, "section header '%.*s' has no closing ']'; expected [ID]", (int)(n - i), s + i);
        *cur = NULL;
        *skip_section = 1;
        return;
    }
    size_t a = skip_left(s, i + 1, (size_t)(close - s));
    size_t b = trim_right(s, (size_t)(close - s));
    size_t after = skip_left(s, (size_t)(close - s) + 1, n);
    if (after < n && s[after] != ';' && s[after] != '#') {
        cfg_err_at(L, lineno, "unexpected text '%.*s' after the section header; expected a comment (; ...) or nothing",
                   (int)(n - after), s + after);
    }
    char *name = cc_xstrndup(s + a, b > a ? b - a : 0);
    if (!section_name_ok(name)) {
        cfg_err_at(L, lineno, "section name '[%s]' is not valid; expected an indicator ID (letters, digits, "
                   "underscore, at most %d) or scorecard, dimensions, ahp, ahp.<dimension>, feedback, "
                   "resources, item.<id>, kano.<id>", name, MAX_ID);
        free(name);
        *cur = NULL;
        *skip_section = 1;
        return;
    }
    char *lname = cfg_lower_dup(name);
    const sec_rec *prev = find_sec(L, lname);
    if (prev) {
        cfg_err_at(L, lineno, "duplicated section [%s] (first at line %d, as [%s]); expected each section once "
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
}

/* One line (without its ending). */
static void scan_line(loader *L, const char *s, size_t n, int lineno, sec_rec **cur, int *skip_section)
{
    size_t i = skip_left(s, 0, n);
    n = trim_right(s, n);
    if (i >= n || s[i] == ';' || s[i] == '#')
        return;
    if (s[i] == '[') {
        scan_section(L, s, i, n, lineno, cur, skip_section);
        return;
    }
    const char *eq = memchr(s + i, '=', n - i);
    if (!eq) {
        cfg_err_at(L, lineno, "cannot read '%.*s'; expected '[section]', 'key = value' or a comment starting with ';'",
                   (int)(n - i > 60 ? 60 : n - i), s + i);
        return;
    }
    size_t kend = trim_right(s, (size_t)(eq - s));
    if (kend <= i || !cfg_valid_id(s + i, kend - i)) {
        cfg_err_at(L, lineno, "key '%.*s' is not valid; expected a name of letters, digits and underscore before '='",
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
            cfg_err_at(L, lineno, "the quoted value of '%.*s' has no closing '\"'; expected \"...\" on one line",
                       (int)(kend - i), s + i);
            bad = 1;
        } else if (after < n && s[after] != ';' && s[after] != '#') {
            cfg_err_at(L, lineno, "unexpected text '%.*s' after the quoted value of '%.*s'; values cannot contain '\"'",
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
            cfg_err_at(L, lineno, "the value of '%.*s' contains '\"'; expected a value without quotes, or the whole "
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
        cfg_err_at(L, lineno, "key '%.*s' comes before any section; expected a [section] header first",
                   (int)(kend - i), s + i);
        free(value);
        return;
    }
    char *key = cc_xstrndup(s + i, kend - i);
    char *lkey = cfg_lower_dup(key);
    for (size_t k = (*cur)->first; k < (*cur)->first + (*cur)->nkeys; k++)
        if (!strcmp(L->keys[k].lkey, lkey)) {
            cfg_err_at(L, lineno, "[%s] duplicated key '%s' (first at line %d); expected each key once per section",
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

void cfg_scan(loader *L, const char *data, size_t len)
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
            cfg_err_at(L, lineno, "line is %zu bytes long; expected at most %d bytes per line", n, MAX_LINE);
            continue;
        }
        if (memchr(s, '\0', n)) {
            cfg_err_at(L, lineno, "line contains a NUL byte; expected a UTF-8 text file");
            continue;
        }
        if (!cc_utf8_valid(s, n)) {
            cfg_err_at(L, lineno, "line is not valid UTF-8; expected the file saved as UTF-8");
            continue;
        }
        scan_line(L, s, n, lineno, &cur, &skip_section);
    }
}

/* ---- iniparser ---------------------------------------------------------- */
/* iniparser's dictionary of the keys read here, built in memory: sections
 * and keys under iniparser's spelling ("section:key", lower case), every
 * well-formed value as written between its quotes (or trimmed). */
void cfg_load_dict(loader *L)
{
    L->dict = dictionary_new(0);
    if (!L->dict) {
        cfg_err_at(L, 0, "out of memory");
        return;
    }
    for (size_t i = 0; i < L->nsecs; i++) {
        const sec_rec *s = &L->secs[i];
        dictionary_set(L->dict, s->lname, NULL);
        for (size_t k = s->first; k < s->first + s->nkeys; k++) {
            const key_rec *r = &L->keys[k];
            if (r->bad)
                continue;
            char *full = cc_xasprintf("%s:%s", s->lname, r->lkey);
            dictionary_set(L->dict, full, r->value);
            free(full);
        }
    }
}

/* ---- value access ------------------------------------------------------- */
const key_rec *cfg_find_key(const loader *L, const sec_rec *s, const char *lkey)
{
    for (size_t k = s->first; k < s->first + s->nkeys; k++)
        if (!strcmp(L->keys[k].lkey, lkey))
            return &L->keys[k];
    return NULL;
}

/* The value iniparser returns for s:key (our own reading as a fallback). */
const char *cfg_value_of(const loader *L, const sec_rec *s, const key_rec *k)
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

const char *cfg_get(const loader *L, const sec_rec *s, const char *lkey, const key_rec **kr)
{
    const key_rec *k = cfg_find_key(L, s, lkey);
    if (kr)
        *kr = k;
    return k && !k->bad ? cfg_value_of(L, s, k) : NULL;     /* a bad value was reported already */
}

int cfg_key_line(const loader *L, const sec_rec *s, const char *lkey)
{
    const key_rec *k = cfg_find_key(L, s, lkey);
    return k ? k->line : s->line;
}

void cfg_loader_release(loader *L)
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
