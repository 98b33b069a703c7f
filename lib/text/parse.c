/* text/parse — the value parsers: dates, times, booleans, numbers, and
 * the clock's "HH:MM:SS".  Every spelling docs/inputs/README.md lists,
 * nothing else.  The calendar is text/calendar.c. */
#include "text/text.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define VALUE_MAX 128   /* longer cells are never a valid date/number/... */

size_t cc_fold_fullwidth(const char *s, size_t len, char *out, size_t cap)
{
    size_t o = 0, i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        size_t k = 1;
        char ch = (char)c;
        if (c == 0xEF && i + 2 < len) {
            /* U+FF01..U+FF5E: EF BC 81..EF BD 9E */
            unsigned char c1 = (unsigned char)s[i + 1], c2 = (unsigned char)s[i + 2];
            uint32_t cp = ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(c1 & 0x3F) << 6) | (c2 & 0x3F);
            if ((c1 & 0xC0) == 0x80 && (c2 & 0xC0) == 0x80 && cp >= 0xFF01 && cp <= 0xFF5E) {
                ch = (char)(cp - 0xFEE0);
                k = 3;
            }
        } else if (c == 0xE3 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x80) {
            ch = ' ';
            k = 3;
        }
        if (k == 3) {
            if (o + 1 >= cap)
                return (size_t)-1;
            out[o++] = ch;
        } else {
            if (o + 1 >= cap)
                return (size_t)-1;
            out[o++] = (char)c;
        }
        i += k;
    }
    out[o] = '\0';
    return o;
}

/* Trim and fold a cell into buf; returns CC_PARSE_OK/EMPTY/BAD. */
static int prep(const char *s, size_t len, char *buf, size_t cap, size_t *outlen)
{
    const char *t = cc_trim(s, &len);
    if (len == 0)
        return CC_PARSE_EMPTY;
    size_t n = cc_fold_fullwidth(t, len, buf, cap);
    if (n == (size_t)-1)
        return CC_PARSE_BAD;
    /* folding may have produced spaces at the ends (full-width space) */
    size_t a = 0;
    while (a < n && (buf[a] == ' ' || buf[a] == '\t'))
        a++;
    while (n > a && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
        n--;
    if (a)
        memmove(buf, buf + a, n - a);
    n -= a;
    buf[n] = '\0';
    if (n == 0)
        return CC_PARSE_EMPTY;
    *outlen = n;
    return CC_PARSE_OK;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* Read 1..maxd digits; returns count (0 = none). */
static int digits(const char **p, const char *e, int maxd, long *v)
{
    int n = 0;
    long x = 0;
    while (*p < e && is_digit(**p) && n < maxd + 1) {
        x = x * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    if (n > maxd)
        return 0;
    *v = x;
    return n;
}

static int lit(const char **p, const char *e, const char *s)
{
    size_t n = strlen(s);
    if ((size_t)(e - *p) >= n && !memcmp(*p, s, n)) {
        *p += n;
        return 1;
    }
    return 0;
}

static int lit_ci(const char **p, const char *e, const char *s)
{
    size_t n = strlen(s);
    if ((size_t)(e - *p) >= n && !strncasecmp(*p, s, n)) {
        *p += n;
        return 1;
    }
    return 0;
}

/* ---- times --------------------------------------------------------------- */

static int parse_time_ascii(const char *p, const char *e, int *seconds)
{
    int ampm = 0;                          /* 1 = AM, 2 = PM */
    if (lit(&p, e, "上午") || lit(&p, e, "早上") || lit(&p, e, "凌晨"))
        ampm = 1;
    else if (lit(&p, e, "下午") || lit(&p, e, "晚上") || lit(&p, e, "中午"))
        ampm = 2;
    while (p < e && *p == ' ')
        p++;
    long h, m, s = 0;
    if (!digits(&p, e, 2, &h))
        return CC_PARSE_BAD;
    if (!lit(&p, e, ":"))
        return CC_PARSE_BAD;
    if (digits(&p, e, 2, &m) != 2)
        return CC_PARSE_BAD;
    if (lit(&p, e, ":")) {
        if (digits(&p, e, 2, &s) != 2)
            return CC_PARSE_BAD;
        if (p < e && *p == '.') {          /* fractional seconds */
            p++;
            long frac;
            if (!digits(&p, e, 9, &frac))
                return CC_PARSE_BAD;
        }
    }
    while (p < e && *p == ' ')
        p++;
    if (p < e) {
        int suf = 0;
        if (lit_ci(&p, e, "AM") || lit_ci(&p, e, "A.M."))
            suf = 1;
        else if (lit_ci(&p, e, "PM") || lit_ci(&p, e, "P.M."))
            suf = 2;
        if (!suf || ampm || p != e)
            return CC_PARSE_BAD;
        ampm = suf;
    }
    if (m > 59 || s > 59)
        return CC_PARSE_BAD;
    if (ampm) {
        if (h < 1 || h > 12)
            return CC_PARSE_BAD;
        if (h == 12)
            h = 0;
        if (ampm == 2)
            h += 12;
    } else if (h > 23) {
        return CC_PARSE_BAD;
    }
    *seconds = (int)(h * 3600 + m * 60 + s);
    return CC_PARSE_OK;
}

int cc_parse_time(const char *s, size_t len, int *seconds)
{
    /* fast path: HH:MM */
    if (len == 5 && is_digit(s[0]) && is_digit(s[1]) && s[2] == ':' && is_digit(s[3]) && is_digit(s[4])) {
        int h = (s[0] - '0') * 10 + s[1] - '0', m = (s[3] - '0') * 10 + s[4] - '0';
        if (h > 23 || m > 59)
            return CC_PARSE_BAD;
        *seconds = h * 3600 + m * 60;
        return CC_PARSE_OK;
    }
    char buf[VALUE_MAX];
    size_t n;
    int rc = prep(s, len, buf, sizeof buf, &n);
    if (rc != CC_PARSE_OK)
        return rc;
    return parse_time_ascii(buf, buf + n, seconds);
}

/* ---- dates --------------------------------------------------------------- */

static int all_serial(const char *p, const char *e)
{
    const char *q = p;
    while (q < e && is_digit(*q))
        q++;
    if (q == p || q - p > 7)
        return 0;
    if (q < e && *q == '.') {
        q++;
        const char *f = q;
        while (q < e && is_digit(*q))
            q++;
        if (q == f)
            return 0;
    }
    return q == e;
}

int cc_parse_date(const char *s, size_t len, cc_day *out)
{
    /* fast path: YYYY-MM-DD */
    if (len == 10 && s[4] == '-' && s[7] == '-' && is_digit(s[0]) && is_digit(s[1]) && is_digit(s[2]) &&
        is_digit(s[3]) && is_digit(s[5]) && is_digit(s[6]) && is_digit(s[8]) && is_digit(s[9])) {
        int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + s[3] - '0';
        int m = (s[5] - '0') * 10 + s[6] - '0', d = (s[8] - '0') * 10 + s[9] - '0';
        if (!cc_ymd_valid(y, m, d) || y < 1000)
            return CC_PARSE_BAD;
        *out = cc_day_from_ymd(y, m, d);
        return CC_PARSE_OK;
    }
    char buf[VALUE_MAX];
    size_t n;
    int rc = prep(s, len, buf, sizeof buf, &n);
    if (rc != CC_PARSE_OK)
        return rc;
    const char *p = buf, *e = buf + n;
    if (all_serial(p, e)) {
        long v = strtol(p, NULL, 10);
        if (v < 1 || v > 2958465)
            return CC_PARSE_BAD;
        *out = cc_day_from_ymd(1899, 12, 30) + (cc_day)v;
        return CC_PARSE_OK;
    }
    long y, m, d;
    if (digits(&p, e, 4, &y) != 4)
        return CC_PARSE_BAD;
    int cjk = 0;
    char sep = 0;
    if (lit(&p, e, "年"))
        cjk = 1;
    else if (p < e && (*p == '-' || *p == '/' || *p == '.'))
        sep = *p++;
    else
        return CC_PARSE_BAD;
    if (!digits(&p, e, 2, &m))
        return CC_PARSE_BAD;
    if (cjk ? !lit(&p, e, "月") : !(p < e && *p++ == sep))
        return CC_PARSE_BAD;
    if (!digits(&p, e, 2, &d))
        return CC_PARSE_BAD;
    if (cjk && !lit(&p, e, "日"))
        lit(&p, e, "号");
    if (p < e) {
        /* a time may follow: "2026/11/18 10:23:45", "2026-11-18T10:23" */
        if (*p != ' ' && *p != 'T')
            return CC_PARSE_BAD;
        p++;
        while (p < e && *p == ' ')
            p++;
        int secs;
        if (parse_time_ascii(p, e, &secs) != CC_PARSE_OK)
            return CC_PARSE_BAD;
    }
    if (!cc_ymd_valid((int)y, (int)m, (int)d) || y < 1000)
        return CC_PARSE_BAD;
    *out = cc_day_from_ymd((int)y, (int)m, (int)d);
    return CC_PARSE_OK;
}

/* ---- booleans ------------------------------------------------------------ */

int cc_parse_bool(const char *s, size_t len, int *out)
{
    char buf[VALUE_MAX];
    size_t n;
    int rc = prep(s, len, buf, sizeof buf, &n);
    if (rc != CC_PARSE_OK)
        return rc;
    static const char *const yes[] = {"y", "yes", "true", "1", "是", NULL};
    static const char *const no[] = {"n", "no", "false", "0", "否", NULL};
    for (int i = 0; yes[i]; i++)
        if (!strcasecmp(buf, yes[i])) {
            *out = 1;
            return CC_PARSE_OK;
        }
    for (int i = 0; no[i]; i++)
        if (!strcasecmp(buf, no[i])) {
            *out = 0;
            return CC_PARSE_OK;
        }
    return CC_PARSE_BAD;
}

/* ---- numbers ------------------------------------------------------------- */

/* Check the number syntax and copy it without separators into plain.
 * Returns CC_PARSE_OK/BAD; *frac_zero = fractional part absent or all zeros. */
static int number_syntax(const char *p, const char *e, char *plain, size_t cap, int *frac_zero, int *intdigits)
{
    size_t o = 0;
    if (p < e && (*p == '-' || *p == '+')) {
        if (*p == '-')
            plain[o++] = '-';
        p++;
    }
    const char *ip = p;
    int nd = 0, group = -1, commas = 0;    /* group: digits since the last comma */
    while (p < e && (is_digit(*p) || *p == ',')) {
        if (*p == ',') {
            if (nd == 0 || (commas && group != 3) || (!commas && nd > 3))
                return CC_PARSE_BAD;
            commas++;
            group = 0;
        } else {
            if (o + 2 >= cap)
                return CC_PARSE_BAD;
            plain[o++] = *p;
            nd++;
            if (commas)
                group++;
        }
        p++;
    }
    if (commas && group != 3)
        return CC_PARSE_BAD;
    (void)ip;
    *frac_zero = 1;
    int fd = 0;
    if (p < e && *p == '.') {
        plain[o++] = '.';
        p++;
        while (p < e && is_digit(*p)) {
            if (o + 2 >= cap)
                return CC_PARSE_BAD;
            if (*p != '0')
                *frac_zero = 0;
            plain[o++] = *p++;
            fd++;
        }
        if (fd == 0)
            return CC_PARSE_BAD;
    }
    if (p != e || (nd == 0 && fd == 0))
        return CC_PARSE_BAD;
    plain[o] = '\0';
    *intdigits = nd;
    return CC_PARSE_OK;
}

int cc_parse_int(const char *s, size_t len, int64_t *out)
{
    /* fast path: 1..18 ASCII digits */
    if (len && len <= 18) {
        int64_t v = 0;
        size_t i = 0;
        while (i < len && is_digit(s[i]))
            v = v * 10 + (s[i++] - '0');
        if (i == len) {
            *out = v;
            return CC_PARSE_OK;
        }
    }
    char buf[VALUE_MAX], plain[VALUE_MAX];
    size_t n;
    int rc = prep(s, len, buf, sizeof buf, &n);
    if (rc != CC_PARSE_OK)
        return rc;
    int fz, nd;
    if (number_syntax(buf, buf + n, plain, sizeof plain, &fz, &nd) != CC_PARSE_OK || !fz || nd == 0 || nd > 18)
        return CC_PARSE_BAD;
    *out = strtoll(plain, NULL, 10);
    return CC_PARSE_OK;
}

int cc_parse_number(const char *s, size_t len, double *out)
{
    /* fast path: digits, optionally . digits */
    if (len && len < 32) {
        size_t i = 0, dot = 0, nd = 0;
        while (i < len && (is_digit(s[i]) || (s[i] == '.' && !dot))) {
            if (s[i] == '.')
                dot = i + 1;
            else
                nd++;
            i++;
        }
        if (i == len && nd && (!dot || (dot < len && dot > 1))) {
            char buf[32];
            memcpy(buf, s, len);
            buf[len] = '\0';
            *out = strtod(buf, NULL);
            return CC_PARSE_OK;
        }
    }
    char buf[VALUE_MAX], plain[VALUE_MAX];
    size_t n;
    int rc = prep(s, len, buf, sizeof buf, &n);
    if (rc != CC_PARSE_OK)
        return rc;
    int fz, nd;
    if (number_syntax(buf, buf + n, plain, sizeof plain, &fz, &nd) != CC_PARSE_OK || nd > 30)
        return CC_PARSE_BAD;
    *out = strtod(plain, NULL);
    return CC_PARSE_OK;
}

/* ---- survey answers ---------------------------------------------------------- */

typedef struct { const char *label; int code; } answer_label;

static const answer_label kano_labels[] = {
    {"我很喜欢", 1}, {"非常喜欢", 1}, {"喜欢", 1},
    {"理所当然", 2}, {"理应如此", 2}, {"必须这样", 2},
    {"无所谓", 3},
    {"能忍受", 4}, {"可以忍受", 4},
    {"我很不喜欢", 5}, {"很不喜欢", 5}, {"不喜欢", 5},
    {NULL, 0}
};

static const answer_label likert_labels[] = {
    {"非常不满意", 1}, {"不满意", 2}, {"一般", 3}, {"满意", 4}, {"非常满意", 5},
    {"非常不同意", 1}, {"不同意", 2}, {"同意", 4}, {"非常同意", 5},
    {NULL, 0}
};

/* "1".."5", also full-width "１".."５", after trimming; else a label. */
static int parse_answer(const char *s, const answer_label *labels)
{
    if (!s)
        return 0;
    size_t len = strlen(s);
    const char *t = cc_trim(s, &len);
    if (len == 1 && t[0] >= '1' && t[0] <= '5')
        return t[0] - '0';
    /* full-width digits U+FF11..U+FF15: EF BC 91..95 */
    if (len == 3 && (unsigned char)t[0] == 0xEF && (unsigned char)t[1] == 0xBC &&
        (unsigned char)t[2] >= 0x91 && (unsigned char)t[2] <= 0x95)
        return (unsigned char)t[2] - 0x90;
    for (const answer_label *l = labels; l->label; l++)
        if (strlen(l->label) == len && memcmp(l->label, t, len) == 0)
            return l->code;
    return 0;
}

int cc_kano_answer(const char *s)
{
    return parse_answer(s, kano_labels);
}

int cc_likert_answer(const char *s)
{
    return parse_answer(s, likert_labels);
}

/* The booleans of every input file (cc_parse_bool: Y/N yes/no true/false
 * 1/0 是/否, case-insensitive). */
int cc_yesno_answer(const char *s)
{
    int v;
    if (!s || cc_parse_bool(s, strlen(s), &v) != CC_PARSE_OK)
        return 0;
    return v ? 1 : 2;
}
