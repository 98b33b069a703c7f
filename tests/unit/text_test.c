/* Unit tests of lib/text: the CSV reader, encodings, the value parsers.
 * Expected values are worked out by hand (dates: days since 1970-01-01). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "text/text.h"

/* ---- helpers ------------------------------------------------------------- */

#define TMPDIR_TEMPLATE "/tmp/cctextXXXXXX"
#include "tmpdir.h"

static const char *write_tmp(const char *name, const void *data, size_t n)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
    return path;
}

static cc_day D(const char *s)
{
    cc_day d = -99999;
    assert_int_equal(cc_parse_date(s, strlen(s), &d), CC_PARSE_OK);
    return d;
}

static int date_rc(const char *s)
{
    cc_day d;
    return cc_parse_date(s, strlen(s), &d);
}

static int T(const char *s)
{
    int t = -1;
    assert_int_equal(cc_parse_time(s, strlen(s), &t), CC_PARSE_OK);
    return t;
}

static int time_rc(const char *s)
{
    int t;
    return cc_parse_time(s, strlen(s), &t);
}

/* ---- calendar ------------------------------------------------------------ */

static void test_calendar(void **state)
{
    (void)state;
    assert_int_equal(cc_day_from_ymd(1970, 1, 1), 0);
    assert_int_equal(cc_day_from_ymd(2000, 3, 1), 11017);
    /* 2026-11-17: 56 years incl. 14 leap days (1972..2024) = 20454 + 320 (Jan 1 to Nov 17) */
    assert_int_equal(cc_day_from_ymd(2026, 11, 17), 20774);
    assert_int_equal(cc_day_from_ymd(1899, 12, 30), -25569);
    int y, m, d;
    cc_day_to_ymd(20774, &y, &m, &d);
    assert_int_equal(y, 2026);
    assert_int_equal(m, 11);
    assert_int_equal(d, 17);
    cc_day_to_ymd(cc_day_from_ymd(2024, 2, 29), &y, &m, &d);
    assert_int_equal(m * 100 + d, 229);
    char buf[11];
    cc_day_format(cc_day_from_ymd(2026, 1, 5), buf);
    assert_string_equal(buf, "2026-01-05");
    assert_true(cc_ymd_valid(2024, 2, 29));
    assert_false(cc_ymd_valid(2026, 2, 29));
    assert_false(cc_ymd_valid(2026, 2, 30));
    assert_false(cc_ymd_valid(2026, 4, 31));
    assert_false(cc_ymd_valid(1900, 2, 29));
    assert_true(cc_ymd_valid(2000, 2, 29));
    assert_false(cc_ymd_valid(2026, 13, 1));
    assert_false(cc_ymd_valid(2026, 0, 1));
    assert_int_equal(cc_day_weekday(0), 4);                           /* Thursday */
    assert_int_equal(cc_day_weekday(cc_day_from_ymd(2026, 11, 23)), 1); /* Monday */
    assert_int_equal(cc_day_weekday(cc_day_from_ymd(2026, 11, 22)), 7);
    char tb[9];
    cc_time_format(15 * 3600 + 30 * 60 + 5, tb);
    assert_string_equal(tb, "15:30:05");
}

/* ISO weeks (text/calendar.c), worked out by hand: 2026 begins on a
 * Thursday, so it has 53 weeks and its week 1 begins on Monday 2025-12-29;
 * 2027 begins on a Friday (still 2026-W53), its week 1 on Monday 2027-01-04. */
static void iso_is(int y, int m, int d, int iy, int iw)
{
    int gy = 0, gw = 0;
    cc_iso_week(cc_day_from_ymd(y, m, d), &gy, &gw);
    assert_int_equal(gy, iy);
    assert_int_equal(gw, iw);
}

static void test_iso_weeks(void **state)
{
    (void)state;
    iso_is(2026, 12, 31, 2026, 53);
    iso_is(2027, 1, 1, 2026, 53);
    iso_is(2027, 1, 3, 2026, 53);                  /* Sunday */
    iso_is(2027, 1, 4, 2027, 1);                   /* Monday */
    iso_is(2025, 12, 29, 2026, 1);
    iso_is(2025, 12, 28, 2025, 52);
    iso_is(2024, 12, 30, 2025, 1);                 /* 2025 begins on a Wednesday */
    iso_is(2026, 11, 17, 2026, 47);                /* Monday 2026-11-16 = 2025-12-29 + 46 weeks */
    assert_int_equal(cc_iso_weeks_in_year(2026), 53);
    assert_int_equal(cc_iso_weeks_in_year(2027), 52);
    assert_int_equal(cc_iso_weeks_in_year(2025), 52);
    assert_int_equal(cc_iso_weeks_in_year(2020), 53); /* a leap year beginning on a Wednesday */
    assert_int_equal(cc_iso_week_monday(2026, 1), cc_day_from_ymd(2025, 12, 29));
    assert_int_equal(cc_iso_week_monday(2026, 47), cc_day_from_ymd(2026, 11, 16));
    assert_int_equal(cc_iso_week_monday(2026, 53), cc_day_from_ymd(2026, 12, 28));
    assert_int_equal(cc_iso_week_monday(2027, 1), cc_day_from_ymd(2027, 1, 4));
    assert_int_equal(cc_days_in_month(2024, 2), 29);
    assert_int_equal(cc_days_in_month(1900, 2), 28);
    assert_int_equal(cc_days_in_month(2000, 2), 29);
    assert_int_equal(cc_days_in_month(2026, 4), 30);
    assert_int_equal(cc_days_in_month(2026, 12), 31);
}

/* Today from the tuning (CARECARD_TODAY), and moments shown in
 * Asia/Shanghai (UTC+8) when the tuning names no time zone. */
static void test_today_and_clock(void **state)
{
    (void)state;
    cc_tuning tu;
    cc_tuning_init(&tu);
    tu.today = "2027-01-04";
    cc_tuning_set(&tu);
    assert_int_equal(cc_today(), 20822);           /* 2026-12-06 = 20793 (2026-11-17 + 19), + 29 */
    tu.today = "2026/12/6";
    cc_tuning_set(&tu);
    assert_int_equal(cc_today(), 20793);
    assert_int_equal(cc_day_weekday(20793), 7);    /* a Sunday */
    cc_tuning_set(NULL);
    char out[96];
    cc_time_show(0, out, sizeof out);
    assert_string_equal(out, "1970-01-01 08:00:00 +08:00 Asia/Shanghai");
    char *s = cc_time_local(cc_xstrdup("2026-12-06T18:25:31Z"));
    assert_string_equal(s, "2026-12-07 02:25:31 +08:00 Asia/Shanghai");
    free(s);
    s = cc_time_local(cc_xstrdup("yesterday"));
    assert_string_equal(s, "yesterday");
    free(s);
}

static void test_dates(void **state)
{
    (void)state;
    cc_day want = 20774;   /* 2026-11-17 */
    assert_int_equal(D("2026-11-17"), want);
    assert_int_equal(D("2026/11/17"), want);
    assert_int_equal(D("2026.11.17"), want);
    assert_int_equal(D("2026年11月17日"), want);
    assert_int_equal(D(" 2026-11-17 "), want);
    assert_int_equal(D("\xe3\x80\x80" "2026-11-17"), want);        /* ideographic space */
    assert_int_equal(D("２０２６－１１－１７"), want);                   /* full-width */
    assert_int_equal(D("2026/11/7"), want - 10);
    assert_int_equal(D("2026/1/5"), cc_day_from_ymd(2026, 1, 5));
    assert_int_equal(D("2026年1月5日"), cc_day_from_ymd(2026, 1, 5));
    assert_int_equal(D("2026年11月20日"), want + 3);
    /* Excel serial: 46343 = 2026-11-17 (25569 days 1899-12-30..1970-01-01) */
    assert_int_equal(D("46343"), want);
    assert_int_equal(D("46343.75"), want);                       /* date-time serial */
    assert_int_equal(D("1"), cc_day_from_ymd(1899, 12, 31));
    assert_int_equal(D("2958465"), cc_day_from_ymd(9999, 12, 31));
    /* date followed by a time */
    assert_int_equal(D("2026/11/18 10:23:45"), want + 1);
    assert_int_equal(D("2026-11-18 9:05"), want + 1);
    assert_int_equal(D("2026-11-18T10:23:45"), want + 1);
    assert_int_equal(D("2026/11/18 下午3:30"), want + 1);
    /* rejected */
    assert_int_equal(date_rc("2026-02-30"), CC_PARSE_BAD);
    assert_int_equal(date_rc("2026-02-29"), CC_PARSE_BAD);
    assert_int_equal(date_rc("2026-13-01"), CC_PARSE_BAD);
    assert_int_equal(date_rc("2026-00-10"), CC_PARSE_BAD);
    assert_int_equal(date_rc("2026-11-00"), CC_PARSE_BAD);
    assert_int_equal(date_rc("2026-11-31"), CC_PARSE_BAD);
    assert_int_equal(date_rc("2026-11/17"), CC_PARSE_BAD);       /* mixed separators */
    assert_int_equal(date_rc("26-11-17"), CC_PARSE_BAD);
    assert_int_equal(date_rc("17/11/2026"), CC_PARSE_BAD);
    assert_int_equal(date_rc("2026-11-17x"), CC_PARSE_BAD);
    assert_int_equal(date_rc("2026-11-17 25:00"), CC_PARSE_BAD);
    assert_int_equal(date_rc("2026-111-17"), CC_PARSE_BAD);
    assert_int_equal(date_rc("0"), CC_PARSE_BAD);
    assert_int_equal(date_rc("2958466"), CC_PARSE_BAD);
    assert_int_equal(date_rc("-5"), CC_PARSE_BAD);
    assert_int_equal(date_rc("tomorrow"), CC_PARSE_BAD);
    assert_int_equal(date_rc("2026年11月"), CC_PARSE_BAD);
    assert_int_equal(date_rc(""), CC_PARSE_EMPTY);
    assert_int_equal(date_rc("   "), CC_PARSE_EMPTY);
}

static void test_times(void **state)
{
    (void)state;
    assert_int_equal(T("9:00"), 9 * 3600);
    assert_int_equal(T("09:00"), 9 * 3600);
    assert_int_equal(T("09:00:30"), 9 * 3600 + 30);
    assert_int_equal(T("23:59:59"), 86399);
    assert_int_equal(T("0:00"), 0);
    assert_int_equal(T("09:00:00 AM"), 9 * 3600);
    assert_int_equal(T("3:30 PM"), 15 * 3600 + 1800);
    assert_int_equal(T("3:30PM"), 15 * 3600 + 1800);
    assert_int_equal(T("3:30 pm"), 15 * 3600 + 1800);
    assert_int_equal(T("12:00 AM"), 0);
    assert_int_equal(T("12:15 PM"), 12 * 3600 + 900);
    assert_int_equal(T("上午9:00"), 9 * 3600);
    assert_int_equal(T("下午03:30:00"), 15 * 3600 + 1800);
    assert_int_equal(T("下午 3:30"), 15 * 3600 + 1800);
    assert_int_equal(T("下午12:30"), 12 * 3600 + 1800);
    assert_int_equal(T("9：00"), 9 * 3600);                 /* full-width colon */
    assert_int_equal(T("１４：３０"), 14 * 3600 + 1800);      /* full-width digits */
    assert_int_equal(T("10:23:45.000"), 10 * 3600 + 23 * 60 + 45);
    assert_int_equal(time_rc("24:00"), CC_PARSE_BAD);
    assert_int_equal(time_rc("9:60"), CC_PARSE_BAD);
    assert_int_equal(time_rc("9:5"), CC_PARSE_BAD);
    assert_int_equal(time_rc("13:00 PM"), CC_PARSE_BAD);
    assert_int_equal(time_rc("0:30 AM"), CC_PARSE_BAD);
    assert_int_equal(time_rc("下午3:30 PM"), CC_PARSE_BAD);
    assert_int_equal(time_rc("9"), CC_PARSE_BAD);
    assert_int_equal(time_rc("900"), CC_PARSE_BAD);
    assert_int_equal(time_rc("9:00 XM"), CC_PARSE_BAD);
    assert_int_equal(time_rc(""), CC_PARSE_EMPTY);
}

static void test_bools(void **state)
{
    (void)state;
    const char *yes[] = {"Y", "y", "yes", "YES", "true", "True", "1", "是", " 是 ", "Ｙ"};
    const char *no[] = {"N", "n", "no", "No", "false", "FALSE", "0", "否"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
        int v = -1;
        assert_int_equal(cc_parse_bool(yes[i], strlen(yes[i]), &v), CC_PARSE_OK);
        assert_int_equal(v, 1);
    }
    for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
        int v = -1;
        assert_int_equal(cc_parse_bool(no[i], strlen(no[i]), &v), CC_PARSE_OK);
        assert_int_equal(v, 0);
    }
    int v;
    assert_int_equal(cc_parse_bool("2", 1, &v), CC_PARSE_BAD);
    assert_int_equal(cc_parse_bool("有", strlen("有"), &v), CC_PARSE_BAD);
    assert_int_equal(cc_parse_bool("yess", 4, &v), CC_PARSE_BAD);
    assert_int_equal(cc_parse_bool("", 0, &v), CC_PARSE_EMPTY);
}

static int64_t I(const char *s)
{
    int64_t v = -424242;
    assert_int_equal(cc_parse_int(s, strlen(s), &v), CC_PARSE_OK);
    return v;
}

static int int_rc(const char *s)
{
    int64_t v;
    return cc_parse_int(s, strlen(s), &v);
}

static double N(const char *s)
{
    double v = -424242;
    assert_int_equal(cc_parse_number(s, strlen(s), &v), CC_PARSE_OK);
    return v;
}

static int num_rc(const char *s)
{
    double v;
    return cc_parse_number(s, strlen(s), &v);
}

static void test_numbers(void **state)
{
    (void)state;
    assert_int_equal(I("0"), 0);
    assert_int_equal(I("25"), 25);
    assert_int_equal(I("-3"), -3);
    assert_int_equal(I("+7"), 7);
    assert_int_equal(I("1,234"), 1234);
    assert_int_equal(I("1,234,567"), 1234567);
    assert_int_equal(I("１２３"), 123);
    assert_int_equal(I("１，２３４"), 1234);
    assert_int_equal(I(" 42 "), 42);
    assert_int_equal(I("25.0"), 25);
    assert_int_equal(I("999999999999999999"), 999999999999999999LL);
    assert_int_equal(int_rc("2.5"), CC_PARSE_BAD);
    assert_int_equal(int_rc("1,23"), CC_PARSE_BAD);
    assert_int_equal(int_rc("12,34"), CC_PARSE_BAD);
    assert_int_equal(int_rc("1234,567"), CC_PARSE_BAD);
    assert_int_equal(int_rc(",123"), CC_PARSE_BAD);
    assert_int_equal(int_rc("1,234,"), CC_PARSE_BAD);
    assert_int_equal(int_rc("1e3"), CC_PARSE_BAD);
    assert_int_equal(int_rc("12%"), CC_PARSE_BAD);
    assert_int_equal(int_rc("abc"), CC_PARSE_BAD);
    assert_int_equal(int_rc("-"), CC_PARSE_BAD);
    assert_int_equal(int_rc("1 000"), CC_PARSE_BAD);
    assert_int_equal(int_rc("9999999999999999999"), CC_PARSE_BAD);
    assert_int_equal(int_rc("\xef\xbb\xbf" "12"), CC_PARSE_BAD);   /* BOM inside */
    assert_int_equal(int_rc(""), CC_PARSE_EMPTY);
    assert_true(N("5.5") == 5.5);
    assert_true(N("0.25") == 0.25);
    assert_true(N(".5") == 0.5);
    assert_true(N("-1.75") == -1.75);
    assert_true(N("42,000") == 42000.0);
    assert_true(N("1,234.5") == 1234.5);
    assert_true(N("２．５") == 2.5);
    assert_true(N("165") == 165.0);
    assert_int_equal(num_rc("5."), CC_PARSE_BAD);
    assert_int_equal(num_rc("."), CC_PARSE_BAD);
    assert_int_equal(num_rc("1.2.3"), CC_PARSE_BAD);
    assert_int_equal(num_rc("inf"), CC_PARSE_BAD);
    assert_int_equal(num_rc("nan"), CC_PARSE_BAD);
    assert_int_equal(num_rc("1e5"), CC_PARSE_BAD);
    assert_int_equal(num_rc("50%"), CC_PARSE_BAD);
    assert_int_equal(num_rc("0x10"), CC_PARSE_BAD);
    assert_int_equal(num_rc("1,2345.5"), CC_PARSE_BAD);
    assert_int_equal(num_rc("  "), CC_PARSE_EMPTY);
}

static void test_encoding_names(void **state)
{
    (void)state;
    assert_int_equal(cc_encoding_parse("auto"), CC_ENC_AUTO);
    assert_int_equal(cc_encoding_parse("UTF-8"), CC_ENC_UTF8);
    assert_int_equal(cc_encoding_parse("utf8"), CC_ENC_UTF8);
    assert_int_equal(cc_encoding_parse("gbk"), CC_ENC_GB18030);
    assert_int_equal(cc_encoding_parse("GB18030"), CC_ENC_GB18030);
    assert_int_equal(cc_encoding_parse("latin1"), -1);
    assert_string_equal(cc_encoding_name(CC_ENC_GB18030), "gb18030");
}

/* ---- CSV ----------------------------------------------------------------- */

static void expect_rec(cc_csv *r, long line, size_t n, ...)
{
    cc_csv_record rec;
    assert_int_equal(cc_csv_next(r, &rec), 1);
    assert_int_equal(rec.line, line);
    assert_int_equal(rec.n, n);
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) {
        const char *want = va_arg(ap, const char *);
        assert_string_equal(rec.field[i], want);
        assert_int_equal(rec.len[i], strlen(want));
    }
    va_end(ap);
}

static void test_csv_mem(void **state)
{
    (void)state;
    const char *data =
        "a,b,c\r\n"
        "1,\"x,y\",3\r\n"
        "\"multi\nline\",\"say \"\"hi\"\"\",\r\n"
        "\r\n"
        "last,\"\",z";
    cc_csv *r = cc_csv_open_mem(data, strlen(data), CC_CSV_AUTO);
    expect_rec(r, 1, 3, "a", "b", "c");
    expect_rec(r, 2, 3, "1", "x,y", "3");
    expect_rec(r, 3, 3, "multi\nline", "say \"hi\"", "");
    expect_rec(r, 6, 3, "last", "", "z");       /* the blank line 5 is skipped */
    cc_csv_record rec;
    assert_int_equal(cc_csv_next(r, &rec), 0);
    assert_int_equal(cc_csv_next(r, &rec), 0);
    assert_int_equal(cc_csv_delim(r), ',');
    cc_csv_free(r);
}

static void test_csv_tab_and_bom(void **state)
{
    (void)state;
    const char *data = "\xEF\xBB\xBFid\tname\n1\t\"a\tb\"\n2\tc,d\n";
    cc_csv *r = cc_csv_open_mem(data, strlen(data), CC_CSV_AUTO);
    expect_rec(r, 1, 2, "id", "name");
    expect_rec(r, 2, 2, "1", "a\tb");
    expect_rec(r, 3, 2, "2", "c,d");
    assert_int_equal(cc_csv_delim(r), '\t');
    cc_csv_free(r);
    /* commas and tabs on the header line: comma wins */
    const char *d2 = "a,b\tc\n1,2\n";
    r = cc_csv_open_mem(d2, strlen(d2), CC_CSV_AUTO);
    expect_rec(r, 1, 2, "a", "b\tc");
    cc_csv_free(r);
}

static void test_csv_crlf_in_quotes_and_lone_cr(void **state)
{
    (void)state;
    const char *data = "h1,h2\r\n\"a\r\nb\",2\r\nx,y\rp,q\n";
    cc_csv *r = cc_csv_open_mem(data, strlen(data), ',');
    expect_rec(r, 1, 2, "h1", "h2");
    expect_rec(r, 2, 2, "a\r\nb", "2");
    expect_rec(r, 4, 2, "x", "y");
    expect_rec(r, 5, 2, "p", "q");
    cc_csv_free(r);
}

static void test_csv_errors(void **state)
{
    (void)state;
    const char *data = "a,b\n1,2\n3,\"open\nnever closed\n";
    cc_csv *r = cc_csv_open_mem(data, strlen(data), ',');
    expect_rec(r, 1, 2, "a", "b");
    expect_rec(r, 2, 2, "1", "2");
    cc_csv_record rec;
    assert_int_equal(cc_csv_next(r, &rec), -1);
    assert_string_equal(cc_csv_error(r), "unterminated quoted field starting on line 3");
    assert_int_equal(cc_csv_next(r, &rec), -1);
    cc_csv_free(r);
    /* lenient stray quotes */
    const char *d2 = "ab\"c,\"x\"y\n";
    r = cc_csv_open_mem(d2, strlen(d2), ',');
    expect_rec(r, 1, 2, "ab\"c", "xy");
    cc_csv_free(r);
    /* empty input */
    r = cc_csv_open_mem("", 0, ',');
    assert_int_equal(cc_csv_next(r, &rec), 0);
    cc_csv_free(r);
    r = cc_csv_open_mem("\xEF\xBB\xBF", 3, ',');
    assert_int_equal(cc_csv_next(r, &rec), 0);
    cc_csv_free(r);
}

static void test_csv_file_utf8(void **state)
{
    (void)state;
    const char *data = "\xEF\xBB\xBF社区编号,社区名称\n L01 ,凉水井社区\n";
    const char *p = write_tmp("u.csv", data, strlen(data));
    cc_csv *r = cc_csv_open(p, CC_ENC_AUTO, CC_CSV_AUTO);
    assert_non_null(r);
    assert_int_equal(cc_csv_encoding(r), CC_ENC_UTF8);
    expect_rec(r, 1, 2, "社区编号", "社区名称");
    expect_rec(r, 2, 2, " L01 ", "凉水井社区");
    cc_csv_record rec;
    assert_int_equal(cc_csv_next(r, &rec), 0);
    assert_int_equal(cc_csv_offset(r), strlen(data));
    assert_int_equal(cc_csv_size(r), strlen(data));
    cc_csv_free(r);
}

static void test_csv_file_gb18030(void **state)
{
    (void)state;
    /* 社区编号,社区名称\r\nL01,凉水井社区\r\n in GB18030 */
    const char data[] = "\xC9\xE7\xC7\xF8\xB1\xE0\xBA\xC5,\xC9\xE7\xC7\xF8\xC3\xFB\xB3\xC6\r\n"
                        "L01,\xC1\xB9\xCB\xAE\xBE\xAE\xC9\xE7\xC7\xF8\r\n";
    const char *p = write_tmp("g.csv", data, sizeof data - 1);
    cc_csv *r = cc_csv_open(p, CC_ENC_AUTO, CC_CSV_AUTO);
    assert_non_null(r);
    assert_int_equal(cc_csv_encoding(r), CC_ENC_GB18030);
    expect_rec(r, 1, 2, "社区编号", "社区名称");
    expect_rec(r, 2, 2, "L01", "凉水井社区");
    cc_csv_free(r);
    /* forced UTF-8 on the same bytes fails with the line */
    char *why = NULL;
    cc_csv_opts o = {.enc = CC_ENC_UTF8, .quiet = 1};
    r = cc_csv_open_opts(p, &o, &why);
    assert_null(r);
    assert_non_null(why);
    assert_string_equal(why, "not valid UTF-8 (line 1, byte 1); is it GB18030? try --encoding gb18030");
    free(why);
}

static void test_csv_file_binary_utf16(void **state)
{
    (void)state;
    const char bin[] = "a,b\n1,2\n\0\0\x01\x02";
    const char *p = write_tmp("bin.csv", bin, sizeof bin - 1);
    char *why = NULL;
    cc_csv_opts o = {.enc = CC_ENC_AUTO, .quiet = 1};
    assert_null(cc_csv_open_opts(p, &o, &why));
    assert_string_equal(why, "binary file, not CSV text (NUL byte on line 3)");
    free(why);
    const char u16[] = "\xFF\xFE" "a\0,\0b\0";
    p = write_tmp("u16.csv", u16, sizeof u16 - 1);
    assert_null(cc_csv_open_opts(p, &o, &why));
    assert_string_equal(why, "UTF-16 text is not supported: save the sheet as 'CSV UTF-8' or 'CSV'");
    free(why);
    /* UTF-32 (its little-endian BOM starts like UTF-16's) is named UTF-32 */
    const char u32le[] = "\xFF\xFE\0\0" "a\0\0\0,\0\0\0";
    p = write_tmp("u32le.csv", u32le, sizeof u32le - 1);
    assert_null(cc_csv_open_opts(p, &o, &why));
    assert_string_equal(why, "UTF-32 text is not supported: save the sheet as 'CSV UTF-8' or 'CSV'");
    free(why);
    const char u32be[] = "\0\0\xFE\xFF" "\0\0\0a\0\0\0,";
    p = write_tmp("u32be.csv", u32be, sizeof u32be - 1);
    assert_null(cc_csv_open_opts(p, &o, &why));
    assert_string_equal(why, "UTF-32 text is not supported: save the sheet as 'CSV UTF-8' or 'CSV'");
    free(why);
    assert_null(cc_csv_open_opts("/nonexistent/x.csv", &o, &why));
    assert_string_equal(why, "cannot open: No such file or directory");
    free(why);
}

struct counter { uint64_t n; };
static void count_bytes(void *arg, const void *buf, size_t n)
{
    (void)buf;
    ((struct counter *)arg)->n += n;
}

static void test_csv_big_file(void **state)
{
    (void)state;
    /* 300,000 records spanning many read chunks, a quoted multi-line field
     * every 1000 records, GB18030 characters throughout. */
    char path[512];
    snprintf(path, sizeof path, "%s/big.csv", tmpdir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("id,name,note\n", f);
    for (int i = 0; i < 300000; i++) {
        if (i % 1000 == 0)
            fprintf(f, "%d,\xC9\xE7\xC7\xF8%d,\"two\nlines, %d\"\r\n", i, i, i);
        else
            fprintf(f, "%d,\xC9\xE7\xC7\xF8%d,plain\r\n", i, i);
    }
    fclose(f);
    struct counter c = {0};
    cc_csv_opts o = {.enc = CC_ENC_AUTO, .scan = count_bytes, .scan_arg = &c};
    cc_csv *r = cc_csv_open_opts(path, &o, NULL);
    assert_non_null(r);
    assert_int_equal(cc_csv_encoding(r), CC_ENC_GB18030);
    assert_int_equal(c.n, cc_csv_size(r));
    cc_csv_record rec;
    assert_int_equal(cc_csv_next(r, &rec), 1);
    long line = 2;
    char want[64];
    for (int i = 0; i < 300000; i++) {
        assert_int_equal(cc_csv_next(r, &rec), 1);
        assert_int_equal(rec.line, line);
        assert_int_equal(rec.n, 3);
        assert_int_equal(atoi(rec.field[0]), i);
        snprintf(want, sizeof want, "社区%d", i);
        assert_string_equal(rec.field[1], want);
        if (i % 1000 == 0) {
            snprintf(want, sizeof want, "two\nlines, %d", i);
            assert_string_equal(rec.field[2], want);
            line += 2;
        } else {
            line += 1;
        }
    }
    assert_int_equal(cc_csv_next(r, &rec), 0);
    assert_int_equal(cc_csv_offset(r), cc_csv_size(r));
    cc_csv_free(r);
}

static void test_csv_huge_field_limit(void **state)
{
    (void)state;
    size_t n = 3u << 20;
    char *data = malloc(n + 32);
    memcpy(data, "a\n\"", 3);
    memset(data + 3, 'x', n);
    memcpy(data + 3 + n, "\"\n", 2);
    const char *p = write_tmp("huge.csv", data, n + 5);
    free(data);
    cc_csv_opts o = {.enc = CC_ENC_UTF8, .max_record = 1u << 20, .quiet = 1};
    cc_csv *r = cc_csv_open_opts(p, &o, NULL);
    assert_non_null(r);
    cc_csv_record rec;
    expect_rec(r, 1, 1, "a");
    assert_int_equal(cc_csv_next(r, &rec), -1);
    assert_string_equal(cc_csv_error(r), "record starting on line 2 is longer than 1 MiB (unterminated quote?)");
    cc_csv_free(r);
    /* with the default limit the 3 MiB field is read whole */
    r = cc_csv_open(p, CC_ENC_UTF8, ',');
    expect_rec(r, 1, 1, "a");
    assert_int_equal(cc_csv_next(r, &rec), 1);
    assert_int_equal(rec.len[0], n);
    cc_csv_free(r);
}

static void test_fold(void **state)
{
    (void)state;
    char out[64];
    const char *s = "（元）Ａ１：";
    assert_int_equal(cc_fold_fullwidth(s, strlen(s), out, sizeof out), 8);
    assert_string_equal(out, "(元)A1:");
    assert_int_equal(cc_fold_fullwidth("abcdef", 6, out, 4), (size_t)-1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_calendar),
        cmocka_unit_test(test_iso_weeks),
        cmocka_unit_test(test_today_and_clock),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_times),
        cmocka_unit_test(test_bools),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_encoding_names),
        cmocka_unit_test(test_fold),
        cmocka_unit_test(test_csv_mem),
        cmocka_unit_test(test_csv_tab_and_bom),
        cmocka_unit_test(test_csv_crlf_in_quotes_and_lone_cr),
        cmocka_unit_test(test_csv_errors),
        cmocka_unit_test(test_csv_file_utf8),
        cmocka_unit_test(test_csv_file_gb18030),
        cmocka_unit_test(test_csv_file_binary_utf16),
        cmocka_unit_test(test_csv_big_file),
        cmocka_unit_test(test_csv_huge_field_limit),
    };
    return cmocka_run_group_tests_name("text", tests, setup, teardown);
}
