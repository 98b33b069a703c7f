/* period — report periods (ISO weeks, months, quarters, years, custom
 * ranges) and indicator windows (period | last:N{d,w,m,q}), on the
 * calendar of text/calendar.c.
 */
#include "model/model.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- periods ------------------------------------------------------------ */
static cc_period make(cc_period_kind kind, cc_day from, cc_day to)
{
    cc_period p;
    memset(&p, 0, sizeof p);
    p.kind = kind;
    p.from = from;
    p.to = to;
    int y, m, d;
    cc_day_to_ymd(from, &y, &m, &d);
    switch (kind) {
    case CC_PERIOD_WEEK: {
        int iy, w;
        cc_iso_week(from, &iy, &w);
        snprintf(p.id, sizeof p.id, "%04d-W%02d", iy, w);
        break;
    }
    case CC_PERIOD_MONTH:
        snprintf(p.id, sizeof p.id, "%04d-%02d", y, m);
        break;
    case CC_PERIOD_QUARTER:
        snprintf(p.id, sizeof p.id, "%04d-Q%d", y, (m - 1) / 3 + 1);
        break;
    case CC_PERIOD_YEAR:
        snprintf(p.id, sizeof p.id, "%04d", y);
        break;
    case CC_PERIOD_CUSTOM: {
        char a[11], b[11];
        cc_day_format(from, a);
        cc_day_format(to, b);
        snprintf(p.id, sizeof p.id, "%s..%s", a, b);
        break;
    }
    }
    return p;
}

cc_period cc_period_custom(cc_day from, cc_day to)
{
    return make(CC_PERIOD_CUSTOM, from, to);
}

static cc_period month_period(int y, int m)
{
    return make(CC_PERIOD_MONTH, cc_day_from_ymd(y, m, 1), cc_day_from_ymd(y, m, cc_days_in_month(y, m)));
}

static cc_period quarter_period(int y, int q)
{
    int m0 = (q - 1) * 3 + 1;
    return make(CC_PERIOD_QUARTER, cc_day_from_ymd(y, m0, 1),
                cc_day_from_ymd(y, m0 + 2, cc_days_in_month(y, m0 + 2)));
}

static cc_period week_period(int iso_year, int w)
{
    cc_day mon = cc_iso_week_monday(iso_year, w);
    return make(CC_PERIOD_WEEK, mon, mon + 6);
}

cc_period cc_period_of(cc_period_kind kind, cc_day day)
{
    int y, m, d;
    cc_day_to_ymd(day, &y, &m, &d);
    switch (kind) {
    case CC_PERIOD_WEEK: {
        cc_day mon = day - (cc_day_weekday(day) - 1);
        return make(CC_PERIOD_WEEK, mon, mon + 6);
    }
    case CC_PERIOD_MONTH:
        return month_period(y, m);
    case CC_PERIOD_QUARTER:
        return quarter_period(y, (m - 1) / 3 + 1);
    case CC_PERIOD_YEAR:
        return make(CC_PERIOD_YEAR, cc_day_from_ymd(y, 1, 1), cc_day_from_ymd(y, 12, 31));
    case CC_PERIOD_CUSTOM:
    default:
        return make(CC_PERIOD_CUSTOM, day, day);
    }
}

cc_period cc_period_prev(const cc_period *p)
{
    if (p->kind == CC_PERIOD_CUSTOM) {
        cc_day len = p->to - p->from + 1;
        return make(CC_PERIOD_CUSTOM, p->from - len, p->from - 1);
    }
    return cc_period_of(p->kind, p->from - 1);
}

cc_period cc_period_last_complete(cc_period_kind kind, cc_day today)
{
    if (kind == CC_PERIOD_CUSTOM)
        return make(CC_PERIOD_CUSTOM, today - 1, today - 1);
    cc_period cur = cc_period_of(kind, today);
    return cc_period_prev(&cur);
}

/* Exactly n ASCII digits at s; returns the number or -1. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static int parse_date10(const char *s, size_t len, cc_day *out)
{
    if (len != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > cc_days_in_month(y, m))
        return -1;
    *out = cc_day_from_ymd(y, m, d);
    return 0;
}

cc_err cc_period_parse(const char *s, cc_period *out)
{
    if (!s)
        return CC_ERR_USAGE;
    size_t n = strlen(s);
    const char *dots = strstr(s, "..");
    if (dots) {
        cc_day a, b;
        if (parse_date10(s, (size_t)(dots - s), &a) || parse_date10(dots + 2, strlen(dots + 2), &b)
            || b < a)
            return CC_ERR_USAGE;
        *out = make(CC_PERIOD_CUSTOM, a, b);
        return CC_OK;
    }
    if (n < 4)
        return CC_ERR_USAGE;
    int y = digits(s, 4);
    if (y < 1)
        return CC_ERR_USAGE;
    if (n == 4) {
        *out = make(CC_PERIOD_YEAR, cc_day_from_ymd(y, 1, 1), cc_day_from_ymd(y, 12, 31));
        return CC_OK;
    }
    /* 2026-W47 */
    if (n == 8 && s[4] == '-' && (s[5] == 'W' || s[5] == 'w')) {
        int w = digits(s + 6, 2);
        if (w < 1 || w > cc_iso_weeks_in_year(y))
            return CC_ERR_USAGE;
        *out = week_period(y, w);
        return CC_OK;
    }
    /* 2026-Q4, 2026Q4 */
    const char *q = NULL;
    if (n == 7 && s[4] == '-' && (s[5] == 'Q' || s[5] == 'q'))
        q = s + 6;
    else if (n == 6 && (s[4] == 'Q' || s[4] == 'q'))
        q = s + 5;
    if (q) {
        int qq = digits(q, 1);
        if (qq < 1 || qq > 4)
            return CC_ERR_USAGE;
        *out = quarter_period(y, qq);
        return CC_OK;
    }
    /* 2026-11 */
    if (n == 7 && s[4] == '-') {
        int m = digits(s + 5, 2);
        if (m < 1 || m > 12)
            return CC_ERR_USAGE;
        *out = month_period(y, m);
        return CC_OK;
    }
    return CC_ERR_USAGE;
}

const char *cc_period_unit_zh(cc_period_kind kind)
{
    switch (kind) {
    case CC_PERIOD_WEEK:    return "周";
    case CC_PERIOD_MONTH:   return "月";
    case CC_PERIOD_QUARTER: return "季度";
    default:                return "期";    /* year and custom: the spec's 期 */
    }
}

const char *cc_period_this_zh(cc_period_kind kind)
{
    switch (kind) {
    case CC_PERIOD_WEEK:    return "本周";
    case CC_PERIOD_MONTH:   return "本月";
    case CC_PERIOD_QUARTER: return "本季度";
    default:                return "本期";
    }
}

const char *cc_period_kind_name(cc_period_kind kind)
{
    switch (kind) {
    case CC_PERIOD_WEEK:    return "week";
    case CC_PERIOD_MONTH:   return "month";
    case CC_PERIOD_QUARTER: return "quarter";
    case CC_PERIOD_YEAR:    return "year";
    default:                return "custom";
    }
}

/* ---- windows ------------------------------------------------------------ */
#define CC_WINDOW_MAX_N 999

cc_err cc_window_parse(const char *s, cc_window *out)
{
    out->unit = 0;
    out->n = 0;
    if (!s)
        return CC_ERR_CONFIG;
    if (!strcmp(s, "period"))
        return CC_OK;
    if (strncmp(s, "last:", 5) != 0)
        return CC_ERR_CONFIG;
    const char *p = s + 5;
    int n = 0, nd = 0;
    while (isdigit((unsigned char)*p) && nd < 4) {
        n = n * 10 + (*p++ - '0');
        nd++;
    }
    if (nd == 0 || n < 1 || n > CC_WINDOW_MAX_N)
        return CC_ERR_CONFIG;
    if (!(*p == 'd' || *p == 'w' || *p == 'm' || *p == 'q') || p[1] != '\0')
        return CC_ERR_CONFIG;
    out->unit = *p;
    out->n = n;
    return CC_OK;
}

/* The day `months` months before day (same day of month, clamped). */
static cc_day minus_months(cc_day day, int months)
{
    int y, m, d;
    cc_day_to_ymd(day, &y, &m, &d);
    long idx = (long)y * 12 + (m - 1) - months;
    int ny = (int)(idx >= 0 ? idx / 12 : (idx - 11) / 12);
    int nm = (int)(idx - (long)ny * 12) + 1;
    int dim = cc_days_in_month(ny, nm);
    return cc_day_from_ymd(ny, nm, d > dim ? dim : d);
}

void cc_window_range(const cc_window *w, const cc_period *p, cc_day *from, cc_day *to)
{
    cc_day end = p->to, start;
    switch (w->unit) {
    case 'd': start = end - w->n + 1; break;
    case 'w': start = end - 7 * w->n + 1; break;
    case 'm': start = minus_months(end + 1, w->n); break;
    case 'q': start = minus_months(end + 1, 3 * w->n); break;
    default:  start = p->from; break;
    }
    /* A report period longer than the window: the period is the window. */
    if (p->from < start)
        start = p->from;
    *from = start;
    *to = end;
}

void cc_window_format(const cc_window *w, char *out, size_t len)
{
    if (!w->unit)
        snprintf(out, len, "period");
    else
        snprintf(out, len, "last:%d%c", w->n, w->unit);
}
