/* text/parse — the value parsers: dates, times, booleans, numbers, and the
 * calendar helpers.  Every spelling data-formats.md lists, nothing else. */
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

/* ---- calendar ------------------------------------------------------------ */

cc_day cc_day_from_ymd(int y, int m, int d)
{
    /* Howard Hinnant's days_from_civil */
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (cc_day)(era * 146097 + doe - 719468);
}

void cc_day_to_ymd(cc_day day, int *y, int *m, int *d)
{
    long z = (long)day + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long yy = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long dd = doy - (153 * mp + 2) / 5 + 1;
    long mm = mp + (mp < 10 ? 3 : -9);
    *y = (int)(yy + (mm <= 2));
    *m = (int)mm;
    *d = (int)dd;
}

int cc_ymd_valid(int y, int m, int d)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int md = mdays[m - 1] + (m == 2 && leap);
    return d <= md;
}

void cc_day_format(cc_day day, char out[11])
{
    int y, m, d;
    cc_day_to_ymd(day, &y, &m, &d);
    if (y < 0 || y > 9999) {
        memcpy(out, "0000-00-00", 11);
        return;
    }
    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '-';
    out[8] = (char)('0' + d / 10);
    out[9] = (char)('0' + d % 10);
    out[10] = '\0';
}

void cc_time_format(int seconds, char out[9])
{
    int h = seconds / 3600, m = seconds / 60 % 60, s = seconds % 60;
    if (h < 0 || h > 99)
        h = 0;
    out[0] = (char)('0' + h / 10);
    out[1] = (char)('0' + h % 10);
    out[2] = ':';
    out[3] = (char)('0' + m / 10);
    out[4] = (char)('0' + m % 10);
    out[5] = ':';
    out[6] = (char)('0' + s / 10);
    out[7] = (char)('0' + s % 10);
    out[8] = '\0';
}

int cc_day_weekday(cc_day day)
{
    /* 1970-01-01 was a Thursday (4) */
    long w = ((long)day % 7 + 7) % 7;   /* 0 = Thursday */
    return (int)((w + 3) % 7) + 1;
}

cc_day cc_today(void)
{
    /* CARECARD_TODAY=YYYY-MM-DD: the day "today" stands for (re-running the
     * report of a missed cron week; tests) */
    const char *fake = getenv("CARECARD_TODAY");
    cc_day d;
    if (fake && *fake && cc_parse_date(fake, strlen(fake), &d) == CC_PARSE_OK)
        return d;
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    return cc_day_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

void cc_time_show(time_t t, char *out, size_t cap)
{
    const char *tz = getenv("TZ");
    struct tm tm;
    long off;
    char zone[64];
    if (tz && *tz) {
        localtime_r(&t, &tm);
        off = tm.tm_gmtoff;
        if (*tz == ':')
            tz++;
        if (strchr(tz, '/') || !tm.tm_zone)
            snprintf(zone, sizeof zone, "%s", tz);
        else
            snprintf(zone, sizeof zone, "%s", tm.tm_zone);
    } else {
        time_t l = t + 8 * 3600;     /* Asia/Shanghai: UTC+8, no summer time since 1991 */
        gmtime_r(&l, &tm);
        off = 8 * 3600;
        snprintf(zone, sizeof zone, "Asia/Shanghai");
    }
    long a = off < 0 ? -off : off;
    snprintf(out, cap, "%04d-%02d-%02d %02d:%02d:%02d %c%02ld:%02ld %s", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+', a / 3600, a % 3600 / 60, zone);
}

char *cc_time_local(char *utc)
{
    if (!utc)
        return NULL;
    int y, mo, d, h, mi, s, n = 0;
    if (sscanf(utc, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi, &s, &n) != 6 || utc[n] != '\0'
        || !cc_ymd_valid(y, mo, d))
        return utc;
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    char out[96];
    cc_time_show(timegm(&tm), out, sizeof out);
    free(utc);
    return cc_xstrdup(out);
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
