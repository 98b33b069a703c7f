/* Unit tests of lib/model/period.c: ISO weeks, months, quarters, years,
 * custom ranges, previous periods, windows.  Expected dates are worked out
 * from the calendar by hand (e.g. 2026-01-01 is a Thursday, so ISO 2026 has
 * 53 weeks and its week 1 starts on Monday 2025-12-29). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"

/* A day from "YYYY-MM-DD" (through a one-day custom period). */
static cc_day D(const char *ymd)
{
    char buf[32];
    cc_period p;
    snprintf(buf, sizeof buf, "%s..%s", ymd, ymd);
    assert_int_equal(cc_period_parse(buf, &p), CC_OK);
    return p.from;
}

/* "from..to" of a period. */
static const char *range(const cc_period *p)
{
    static char buf[64];
    cc_period c = cc_period_custom(p->from, p->to);
    snprintf(buf, sizeof buf, "%s", c.id);
    return buf;
}

static const char *range2(cc_day a, cc_day b)
{
    cc_period p = cc_period_custom(a, b);
    return range(&p);
}

static void expect(const char *s, cc_period_kind kind, const char *id, const char *rng)
{
    cc_period p;
    assert_int_equal(cc_period_parse(s, &p), CC_OK);
    assert_int_equal(p.kind, kind);
    assert_string_equal(p.id, id);
    assert_string_equal(range(&p), rng);
}

static void bad(const char *s)
{
    cc_period p;
    assert_int_equal(cc_period_parse(s, &p), CC_ERR_USAGE);
}

static void test_weeks(void **state)
{
    (void)state;
    expect("2026-W47", CC_PERIOD_WEEK, "2026-W47", "2026-11-16..2026-11-22");
    expect("2026-w47", CC_PERIOD_WEEK, "2026-W47", "2026-11-16..2026-11-22");
    /* 2026-01-01 is a Thursday: week 1 is 2025-12-29..2026-01-04 */
    expect("2026-W01", CC_PERIOD_WEEK, "2026-W01", "2025-12-29..2026-01-04");
    /* ...and 2026 has 53 weeks (it starts on a Thursday) */
    expect("2026-W53", CC_PERIOD_WEEK, "2026-W53", "2026-12-28..2027-01-03");
    /* 2020 is a leap year starting on a Wednesday: 53 weeks */
    expect("2020-W53", CC_PERIOD_WEEK, "2020-W53", "2020-12-28..2021-01-03");
    expect("2020-W01", CC_PERIOD_WEEK, "2020-W01", "2019-12-30..2020-01-05");
    expect("2015-W53", CC_PERIOD_WEEK, "2015-W53", "2015-12-28..2016-01-03");
    expect("2009-W01", CC_PERIOD_WEEK, "2009-W01", "2008-12-29..2009-01-04");
    /* years with 52 weeks */
    bad("2021-W53");
    bad("2025-W53");
    bad("2027-W53");
    bad("2019-W53");
    bad("2026-W00");
    bad("2026-W54");
    bad("2026-W7");
    bad("2026W47");
    bad("2026-W4x");
}

static void test_iso_week_of_day(void **state)
{
    (void)state;
    int y, w;
    cc_iso_week(D("2019-12-31"), &y, &w);        /* Tuesday */
    assert_int_equal(y, 2020);
    assert_int_equal(w, 1);
    cc_iso_week(D("2021-01-03"), &y, &w);        /* Sunday */
    assert_int_equal(y, 2020);
    assert_int_equal(w, 53);
    cc_iso_week(D("2021-01-04"), &y, &w);        /* Monday */
    assert_int_equal(y, 2021);
    assert_int_equal(w, 1);
    cc_iso_week(D("2016-01-03"), &y, &w);
    assert_int_equal(y, 2015);
    assert_int_equal(w, 53);
    cc_iso_week(D("2026-11-16"), &y, &w);
    assert_int_equal(y, 2026);
    assert_int_equal(w, 47);
    cc_iso_week(D("2027-01-01"), &y, &w);        /* Friday */
    assert_int_equal(y, 2026);
    assert_int_equal(w, 53);
    cc_iso_week(D("1970-01-01"), &y, &w);        /* Thursday */
    assert_int_equal(y, 1970);
    assert_int_equal(w, 1);
    cc_iso_week(D("1969-12-29"), &y, &w);        /* Monday before day 0 */
    assert_int_equal(y, 1970);
    assert_int_equal(w, 1);

    cc_period p = cc_period_of(CC_PERIOD_WEEK, D("2019-12-31"));
    assert_string_equal(p.id, "2020-W01");
    assert_string_equal(range(&p), "2019-12-30..2020-01-05");
    p = cc_period_of(CC_PERIOD_WEEK, D("2021-01-03"));
    assert_string_equal(p.id, "2020-W53");
    p = cc_period_of(CC_PERIOD_WEEK, D("2026-11-22"));
    assert_string_equal(p.id, "2026-W47");
    p = cc_period_of(CC_PERIOD_WEEK, D("2026-11-23"));
    assert_string_equal(p.id, "2026-W48");
}

static void test_months_quarters_years(void **state)
{
    (void)state;
    expect("2026-11", CC_PERIOD_MONTH, "2026-11", "2026-11-01..2026-11-30");
    expect("2026-12", CC_PERIOD_MONTH, "2026-12", "2026-12-01..2026-12-31");
    expect("2024-02", CC_PERIOD_MONTH, "2024-02", "2024-02-01..2024-02-29");
    expect("2026-02", CC_PERIOD_MONTH, "2026-02", "2026-02-01..2026-02-28");
    expect("2000-02", CC_PERIOD_MONTH, "2000-02", "2000-02-01..2000-02-29");
    expect("2100-02", CC_PERIOD_MONTH, "2100-02", "2100-02-01..2100-02-28");
    bad("2026-13");
    bad("2026-00");
    bad("2026-1");
    expect("2026-Q4", CC_PERIOD_QUARTER, "2026-Q4", "2026-10-01..2026-12-31");
    expect("2026Q4", CC_PERIOD_QUARTER, "2026-Q4", "2026-10-01..2026-12-31");
    expect("2026-q1", CC_PERIOD_QUARTER, "2026-Q1", "2026-01-01..2026-03-31");
    expect("2024Q1", CC_PERIOD_QUARTER, "2024-Q1", "2024-01-01..2024-03-31");
    expect("2026-Q2", CC_PERIOD_QUARTER, "2026-Q2", "2026-04-01..2026-06-30");
    expect("2026-Q3", CC_PERIOD_QUARTER, "2026-Q3", "2026-07-01..2026-09-30");
    bad("2026-Q5");
    bad("2026-Q0");
    bad("2026Q");
    expect("2026", CC_PERIOD_YEAR, "2026", "2026-01-01..2026-12-31");
    expect("2026-11-01..2026-11-30", CC_PERIOD_CUSTOM, "2026-11-01..2026-11-30", "2026-11-01..2026-11-30");
    bad("2026-11-30..2026-11-01");
    bad("2026-02-29..2026-03-01");
    bad("2026-11-01..");
    bad("");
    bad("26");
    bad("abcd");
    bad("2026-11-01");
    bad(NULL);

    cc_period p = cc_period_of(CC_PERIOD_MONTH, D("2026-11-17"));
    assert_string_equal(p.id, "2026-11");
    p = cc_period_of(CC_PERIOD_QUARTER, D("2026-09-30"));
    assert_string_equal(p.id, "2026-Q3");
    p = cc_period_of(CC_PERIOD_QUARTER, D("2026-10-01"));
    assert_string_equal(p.id, "2026-Q4");
    p = cc_period_of(CC_PERIOD_YEAR, D("2026-10-01"));
    assert_string_equal(p.id, "2026");
}

static void expect_prev(const char *s, const char *id, const char *rng)
{
    cc_period p, q;
    assert_int_equal(cc_period_parse(s, &p), CC_OK);
    q = cc_period_prev(&p);
    assert_int_equal(q.kind, p.kind);
    assert_string_equal(q.id, id);
    assert_string_equal(range(&q), rng);
}

static void test_prev(void **state)
{
    (void)state;
    expect_prev("2026-W47", "2026-W46", "2026-11-09..2026-11-15");
    expect_prev("2026-W01", "2025-W52", "2025-12-22..2025-12-28");
    expect_prev("2021-W01", "2020-W53", "2020-12-28..2021-01-03");
    expect_prev("2026-01", "2025-12", "2025-12-01..2025-12-31");
    expect_prev("2024-03", "2024-02", "2024-02-01..2024-02-29");
    expect_prev("2026-Q1", "2025-Q4", "2025-10-01..2025-12-31");
    expect_prev("2026-Q4", "2026-Q3", "2026-07-01..2026-09-30");
    expect_prev("2026", "2025", "2025-01-01..2025-12-31");
    /* custom: the same number of days just before (30 days) */
    expect_prev("2026-11-01..2026-11-30", "2026-10-02..2026-10-31", "2026-10-02..2026-10-31");
    expect_prev("2026-03-01..2026-03-01", "2026-02-28..2026-02-28", "2026-02-28..2026-02-28");
}

static void test_last_complete(void **state)
{
    (void)state;
    cc_period p;
    p = cc_period_last_complete(CC_PERIOD_WEEK, D("2026-11-23"));   /* Monday */
    assert_string_equal(p.id, "2026-W47");
    p = cc_period_last_complete(CC_PERIOD_WEEK, D("2026-11-22"));   /* Sunday: W47 not complete */
    assert_string_equal(p.id, "2026-W46");
    p = cc_period_last_complete(CC_PERIOD_WEEK, D("2021-01-04"));
    assert_string_equal(p.id, "2020-W53");
    p = cc_period_last_complete(CC_PERIOD_MONTH, D("2026-12-01"));
    assert_string_equal(p.id, "2026-11");
    p = cc_period_last_complete(CC_PERIOD_MONTH, D("2026-11-30"));
    assert_string_equal(p.id, "2026-10");
    p = cc_period_last_complete(CC_PERIOD_QUARTER, D("2027-01-01"));
    assert_string_equal(p.id, "2026-Q4");
    p = cc_period_last_complete(CC_PERIOD_QUARTER, D("2026-11-23"));
    assert_string_equal(p.id, "2026-Q3");
    p = cc_period_last_complete(CC_PERIOD_YEAR, D("2026-11-23"));
    assert_string_equal(p.id, "2025");
}

static void test_zh(void **state)
{
    (void)state;
    assert_string_equal(cc_period_unit_zh(CC_PERIOD_WEEK), "周");
    assert_string_equal(cc_period_unit_zh(CC_PERIOD_MONTH), "月");
    assert_string_equal(cc_period_unit_zh(CC_PERIOD_QUARTER), "季度");
    assert_string_equal(cc_period_unit_zh(CC_PERIOD_CUSTOM), "期");
    assert_string_equal(cc_period_this_zh(CC_PERIOD_WEEK), "本周");
    assert_string_equal(cc_period_this_zh(CC_PERIOD_MONTH), "本月");
    assert_string_equal(cc_period_this_zh(CC_PERIOD_QUARTER), "本季度");
    assert_string_equal(cc_period_this_zh(CC_PERIOD_CUSTOM), "本期");
    assert_string_equal(cc_period_kind_name(CC_PERIOD_QUARTER), "quarter");
}

static void test_window_parse(void **state)
{
    (void)state;
    cc_window w;
    char buf[32];
    assert_int_equal(cc_window_parse("period", &w), CC_OK);
    assert_int_equal(w.unit, 0);
    assert_int_equal(cc_window_parse("last:13w", &w), CC_OK);
    assert_int_equal(w.unit, 'w');
    assert_int_equal(w.n, 13);
    cc_window_format(&w, buf, sizeof buf);
    assert_string_equal(buf, "last:13w");
    assert_int_equal(cc_window_parse("last:30d", &w), CC_OK);
    assert_int_equal(w.unit, 'd');
    assert_int_equal(w.n, 30);
    assert_int_equal(cc_window_parse("last:3m", &w), CC_OK);
    assert_int_equal(cc_window_parse("last:1q", &w), CC_OK);
    assert_int_equal(cc_window_parse("last:999d", &w), CC_OK);
    const char *bads[] = {"last:0w", "last:13", "last:13x", "last:w", "Period", "last:1000d", "last:13w ",
                          "last:-1w", "last: 13w", "last13w", "", "last:13W", "last:13ww", NULL};
    for (size_t i = 0; bads[i]; i++)
        assert_int_equal(cc_window_parse(bads[i], &w), CC_ERR_CONFIG);
    assert_int_equal(cc_window_parse(NULL, &w), CC_ERR_CONFIG);
    w.unit = 0;
    cc_window_format(&w, buf, sizeof buf);
    assert_string_equal(buf, "period");
}

static const char *win(const char *window, const char *period)
{
    cc_window w;
    cc_period p;
    cc_day a, b;
    assert_int_equal(cc_window_parse(window, &w), CC_OK);
    assert_int_equal(cc_period_parse(period, &p), CC_OK);
    cc_window_range(&w, &p, &a, &b);
    return range2(a, b);
}

static void test_window_range(void **state)
{
    (void)state;
    assert_string_equal(win("period", "2026-W47"), "2026-11-16..2026-11-22");
    /* 13 weeks ending Sunday 2026-11-22: weeks 35..47 */
    assert_string_equal(win("last:13w", "2026-W47"), "2026-08-24..2026-11-22");
    assert_string_equal(win("last:4w", "2026-W47"), "2026-10-26..2026-11-22");
    assert_string_equal(win("last:26w", "2026-W47"), "2026-05-25..2026-11-22");
    assert_string_equal(win("last:1w", "2026-W47"), "2026-11-16..2026-11-22");
    assert_string_equal(win("last:7d", "2026-W47"), "2026-11-16..2026-11-22");
    /* a 3-day window in a 7-day period: the period is used */
    assert_string_equal(win("last:3d", "2026-W47"), "2026-11-16..2026-11-22");
    assert_string_equal(win("last:1m", "2026-W47"), "2026-10-23..2026-11-22");
    /* quarter (92 days): last:4w and last:13w (91 days) are the quarter */
    assert_string_equal(win("last:4w", "2026-Q4"), "2026-10-01..2026-12-31");
    assert_string_equal(win("last:13w", "2026-Q4"), "2026-10-01..2026-12-31");
    /* Q1 2026 has 90 days: 13 weeks (91 days) reach one day back */
    assert_string_equal(win("last:13w", "2026-Q1"), "2025-12-31..2026-03-31");
    assert_string_equal(win("last:26w", "2026-Q4"), "2026-07-03..2026-12-31");
    assert_string_equal(win("last:1q", "2026-Q4"), "2026-10-01..2026-12-31");
    assert_string_equal(win("last:2q", "2026-Q1"), "2025-10-01..2026-03-31");
    /* month of 30 days: last:4w (28 days) is the month; last:13w (91 days) is Sep 1..Nov 30 */
    assert_string_equal(win("last:4w", "2026-11"), "2026-11-01..2026-11-30");
    assert_string_equal(win("last:13w", "2026-11"), "2026-09-01..2026-11-30");
    assert_string_equal(win("last:3m", "2026-11"), "2026-09-01..2026-11-30");
    assert_string_equal(win("last:1m", "2026-02"), "2026-02-01..2026-02-28");
    assert_string_equal(win("last:12m", "2026-12"), "2026-01-01..2026-12-31");
    /* custom ranges */
    assert_string_equal(win("period", "2026-11-05..2026-11-20"), "2026-11-05..2026-11-20");
    assert_string_equal(win("last:30d", "2026-11-05..2026-11-20"), "2026-10-22..2026-11-20");
    assert_string_equal(win("last:4w", "2026-11-01..2026-11-30"), "2026-11-01..2026-11-30");
    /* month arithmetic clamps to the end of a short month */
    assert_string_equal(win("last:1m", "2026-03-30..2026-03-30"), "2026-02-28..2026-03-30");
    /* year */
    assert_string_equal(win("last:13w", "2026"), "2026-01-01..2026-12-31");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_weeks),
        cmocka_unit_test(test_iso_week_of_day),
        cmocka_unit_test(test_months_quarters_years),
        cmocka_unit_test(test_prev),
        cmocka_unit_test(test_last_complete),
        cmocka_unit_test(test_zh),
        cmocka_unit_test(test_window_parse),
        cmocka_unit_test(test_window_range),
    };
    return cmocka_run_group_tests_name("period", tests, NULL, NULL);
}
