/* config_check — the checks every section's values go through: numbers,
 * ratios, lists, unknown keys with a "did you mean", and the one-number
 * settings sections read from one table.
 */
#include "model/config_int.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

int cfg_parse_double(const char *v, double *out)
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

int cfg_parse_int(const char *v, long *out)
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
int cfg_parse_ratio(const char *s, size_t n, double *out)
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
        if (cfg_parse_double(A, &a) || cfg_parse_double(B, &b) || b <= 0)
            return -1;
    } else if (cfg_parse_double(buf, &a)) {
        return -1;
    }
    if (a <= 0)
        return -1;
    *out = a / b;
    return 0;
}

/* Split a comma-separated list into trimmed items (empty items kept as "").
 * Full-width commas are accepted. Caller frees each and the array. */
char **cfg_split_list(const char *v, size_t *n)
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

void cfg_free_list(char **l, size_t n)
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
void cfg_suggest(const char *word, const char *const *cands, char *out, size_t len)
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

void cfg_join(const char *const *list, char *out, size_t len)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; list[i] && o < len; i++)
        o += (size_t)snprintf(out + o, len - o, "%s%s", i ? ", " : "", list[i]);
}

/* Report keys of section s not in allowed. */
void cfg_check_keys(loader *L, const sec_rec *s, const char *const *allowed, const char *what)
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
        cfg_suggest(r->lkey, allowed, hint, sizeof hint);
        cfg_join(allowed, list, sizeof list);
        cfg_err_at(L, r->line, "[%s] unknown key '%s'%s; expected %s: %s", s->name, r->key, hint, what, list);
    }
}

/* ---- the one-number sections -------------------------------------------- */
/* Each setting: its section and key, the range it must fall in, what the
 * message says is expected, and where it goes in cc_config. */
typedef struct {
    const char *section, *key;
    int whole;                  /* 1: a whole number (int field); 0: a number (double field) */
    double lo, hi;              /* lo < v (lo_open) or lo <= v, and v <= hi */
    int lo_open;
    const char *expect;
    size_t off;                 /* offsetof(cc_config, …) */
} setting;

static const setting settings[] = {
    {"feedback", "respond_days", 1, 0, 365, 0, "a whole number of days from 0 to 365 (default 3)",
     offsetof(cc_config, feedback_respond_days)},
    /* the rectification ledger's deadlines (ledger.md) */
    {"rectification", "days_red", 1, 1, 366, 0, "a whole number of days from 1 to 366 (default 14)",
     offsetof(cc_config, rect_days_red)},
    {"rectification", "days_yellow", 1, 1, 366, 0, "a whole number of days from 1 to 366 (default 28)",
     offsetof(cc_config, rect_days_yellow)},
    {"resources", "demand_rate", 0, 0, 1, 1, "a share of children aged 0–3 above 0 and at most 1 (default 0.30)",
     offsetof(cc_config, demand_rate)},
};
#define NSETTINGS (sizeof settings / sizeof settings[0])

/* Read one setting of s into cfg, or report it. */
static void load_setting(loader *L, cc_config *cfg, const sec_rec *s, const setting *t)
{
    const key_rec *k;
    const char *v = cfg_get(L, s, t->key, &k);
    if (!v)
        return;
    double r = 0;
    long d = 0;
    int bad = t->whole ? cfg_parse_int(v, &d) : cfg_parse_double(v, &r);
    if (t->whole)
        r = (double)d;
    if (bad || (t->lo_open ? r <= t->lo : r < t->lo) || r > t->hi) {
        cfg_err_at(L, k->line, "[%s] %s = '%s'; expected %s", s->name, t->key, v, t->expect);
        return;
    }
    if (t->whole)
        *(int *)(void *)((char *)cfg + t->off) = (int)d;
    else
        *(double *)(void *)((char *)cfg + t->off) = r;
}

int cfg_load_settings(loader *L, cc_config *cfg, const sec_rec *s)
{
    const char *keys[NSETTINGS + 1];
    size_t n = 0;
    for (size_t i = 0; i < NSETTINGS; i++)
        if (!strcmp(settings[i].section, s->lname))
            keys[n++] = settings[i].key;
    if (n == 0)
        return 0;
    keys[n] = NULL;
    char what[64];
    snprintf(what, sizeof what, "a [%s] key", s->lname);
    cfg_check_keys(L, s, keys, what);
    for (size_t i = 0; i < NSETTINGS; i++)
        if (!strcmp(settings[i].section, s->lname))
            load_setting(L, cfg, s, &settings[i]);
    return 1;
}
