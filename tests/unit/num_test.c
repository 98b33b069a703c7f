/* Unit tests of lib/text/num.c (cc_num_shortest): hand-worked texts, then the
 * same text as the printf bisection it replaces (lib/report/render.c's
 * full_num, copied below as the reference) on millions of values: random
 * bit patterns, ratios and shares as the scorecard computes them, short
 * decimals, powers of two and ten and their neighbours, and the edges of the
 * integer and exponent rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"

static void reference(char *out, size_t len, double v)
{
    if (!isfinite(v)) {
        out[0] = '\0';
        return;
    }
    if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(out, len, "%.0f", v == 0 ? 0.0 : v);
        return;
    }
    unsigned lo = 1, hi = 17;
    while (lo < hi) {
        unsigned p = (lo + hi) / 2;
        snprintf(out, len, "%.*g", (int)(p & 31), v);
        if (strtod(out, NULL) == v && (!strchr(out, 'e') || fabs(v) < 1e-4))
            hi = p;
        else
            lo = p + 1;
    }
    snprintf(out, len, "%.*g", (int)(lo & 31), v);
}

static unsigned long checked;

static void check(double v)
{
    char a[40], b[40];
    cc_num_shortest(a, sizeof a, v);
    reference(b, sizeof b, v);
    if (strcmp(a, b)) {
        print_error("%.17g (%a): '%s' vs printf '%s'\n", v, v, a, b);
        fail();
    }
    checked++;
}

static const char *num(double v)
{
    static char b[40];
    cc_num_shortest(b, sizeof b, v);
    return b;
}

static void test_hand(void **state)
{
    (void)state;
    assert_string_equal(num(0), "0");
    assert_string_equal(num(-0.0), "0");
    assert_string_equal(num(42), "42");
    assert_string_equal(num(-7), "-7");
    assert_string_equal(num(999999999999999), "999999999999999");
    assert_string_equal(num(0.625), "0.625");
    assert_string_equal(num(0.1), "0.1");
    assert_string_equal(num(2.0 / 3), "0.6666666666666666");
    assert_string_equal(num(62.5), "62.5");
    assert_string_equal(num(-1.25), "-1.25");
    assert_string_equal(num(0.3), "0.3");
    assert_string_equal(num(0.1 + 0.2), "0.30000000000000004");
    assert_string_equal(num(1.5e-5), "1.5e-05");
    assert_string_equal(num(0.0001), "0.0001");
    assert_string_equal(num(1e15), "1000000000000000");    /* 16 digits: no exponent */
    assert_string_equal(num(1e20), "1e+20");
    assert_string_equal(num(NAN), "");
    assert_string_equal(num(INFINITY), "");
    assert_string_equal(num(-INFINITY), "");
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void test_same_as_printf(void **state)
{
    (void)state;
    /* random bit patterns (every exponent) */
    for (int i = 0; i < 100000; i++) {
        uint64_t b = next();
        double v;
        memcpy(&v, &b, sizeof v);
        check(v);
    }
    /* ratios, shares and averages of counts, as indicators are */
    for (int i = 0; i < 150000; i++) {
        double n = (double)(next() % 100000), d = (double)(next() % 5000 + 1);
        check(n / d);
        check(100 * n / d);
        check(-n / d);
        check(n / d * 0.5 + (double)(next() % 7) / 3);
    }
    /* short decimals: k / 10^j (the scorecard's scores, hours) */
    for (int j = 0; j <= 8; j++)
        for (int k = -20000; k <= 20000; k += 7)
            check(k / pow(10, j));
    /* powers of two and ten and their neighbours (uneven rounding intervals) */
    for (int e = -1074; e <= 1023; e++) {
        double v = ldexp(1, e);
        check(v);
        check(nextafter(v, 0));
        check(nextafter(v, INFINITY));
        check(-v);
    }
    for (int e = -320; e <= 308; e++) {
        double v = pow(10, e);
        check(v);
        check(nextafter(v, 0));
        check(nextafter(v, INFINITY));
        check(v * 5);
        check(v * 9.5);
    }
    /* the integer rule's edge, the exponent rule's edge, ties in 17 digits */
    for (double v = 1e15 - 40; v <= 1e15 + 40; v += 0.5)
        check(v);
    for (double v = 9.0071992547409e15; v < 9.0071992547410e15; v += 1e2)
        check(v + 0.5);
    for (int i = 0; i < 20000; i++) {
        double v = 1e-4 * (1 + ((int)(next() % 2001) - 1000) * 1e-12);
        check(v);
        check(nextafter(1e-4, 0) - i * 1e-20);
    }
    for (int i = 0; i < 100000; i++) {
        /* exactly representable halves at many digit counts */
        double v = (double)(next() % 1000000000000ull) + 0.5;
        check(v);
        check(v / 1024);
    }
    assert_true(checked > 1000000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand),
        cmocka_unit_test(test_same_as_printf),
    };
    return cmocka_run_group_tests_name("num", tests, NULL, NULL);
}
