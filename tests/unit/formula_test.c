/* Unit tests of lib/model/formula.c and the measure catalog. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"

/* Evaluate src with the named values "a=1,b=2" (names not listed are
 * missing). */
static cc_formula_result eval(const char *src, const char *names[], const double vals[])
{
    int col;
    char err[256];
    cc_formula *f = cc_formula_parse(src, &col, err, sizeof err);
    if (!f)
        fail_msg("parse '%s' failed at %d: %s", src, col, err);
    double v[64];
    size_t n = cc_formula_nrefs(f);
    assert_true(n <= 64);
    for (size_t i = 0; i < n; i++) {
        v[i] = NAN;
        for (size_t j = 0; names && names[j]; j++)
            if (!strcmp(names[j], cc_formula_ref(f, i)))
                v[i] = vals[j];
    }
    cc_formula_result r;
    cc_formula_eval(f, v, &r);
    /* r.why may point into f (the "missing measure" texts): copy it */
    static char why[128];
    if (r.why) {
        snprintf(why, sizeof why, "%s", r.why);
        r.why = why;
    }
    cc_formula_free(f);
    return r;
}

static double value(const char *src)
{
    static const char *names[] = {"a", "b", "c", "zero", NULL};
    static const double vals[] = {2, 3, 4, 0};
    return eval(src, names, vals).value;
}

static void test_precedence(void **state)
{
    (void)state;
    assert_true(value("1 + 2 * 3") == 7);
    assert_true(value("(1 + 2) * 3") == 9);
    assert_true(value("10 - 4 - 3") == 3);          /* left associative */
    assert_true(value("24 / 4 / 2") == 3);
    assert_true(value("a + b * c") == 14);          /* 2 + 12 */
    assert_true(value("a * b + c") == 10);
    assert_true(value("a - b - c") == -5);
    assert_true(value("2*3+4*5") == 26);
    assert_true(value("  7  ") == 7);
    assert_true(value("0.5 * 4") == 2);
    assert_true(value(".25 * 4") == 1);
    assert_true(value("1000 * a / c") == 500);
    assert_true(value("((((a))))") == 2);
}

static void test_unary_minus(void **state)
{
    (void)state;
    assert_true(value("-a") == -2);
    assert_true(value("--a") == 2);
    assert_true(value("-a * b") == -6);
    assert_true(value("a - -b") == 5);
    assert_true(value("-(a + b)") == -5);
    assert_true(value("2 * -3") == -6);
    assert_true(value("-2 - -3") == 1);
    assert_true(value("-0.10") == -0.10);
}

static void test_min_max(void **state)
{
    (void)state;
    assert_true(value("min(a, b)") == 2);
    assert_true(value("max(a, b)") == 3);
    assert_true(value("max(a, b) * c") == 12);
    assert_true(value("min(1, max(a, -5))") == 1);
    assert_true(value("max (a,b)") == 3);
    assert_true(value("min(a / c, 1)") == 0.5);
}

static void test_missing(void **state)
{
    (void)state;
    const char *names[] = {"x", NULL};
    const double vals[] = {5};
    cc_formula_result r = eval("x + y", names, vals);
    assert_true(isnan(r.value));
    assert_string_equal(r.why, "missing measure 'y'");
    r = eval("min(x, y)", names, vals);
    assert_true(isnan(r.value));
    r = eval("y / x", names, vals);
    assert_true(isnan(r.value));
    assert_true(isnan(r.num));
    assert_true(r.den == 5);
    assert_int_equal(r.has_division, 1);
    assert_string_equal(r.why, "missing measure 'y'");
    /* a NAN value passed for a known ref is missing too */
    const double nanv[] = {NAN};
    r = eval("x * 2", names, nanv);
    assert_true(isnan(r.value));
    assert_string_equal(r.why, "missing measure 'x'");
    r = eval("x * 2", names, vals);
    assert_true(r.value == 10);
    assert_null(r.why);
}

static void test_division(void **state)
{
    (void)state;
    const char *names[] = {"attended", "registered", "zero", NULL};
    const double vals[] = {25, 40, 0};
    cc_formula_result r = eval("attended / registered", names, vals);
    assert_true(r.value == 0.625);
    assert_true(r.num == 25);
    assert_true(r.den == 40);
    assert_int_equal(r.has_division, 1);
    assert_null(r.why);

    r = eval("attended / zero", names, vals);
    assert_true(isnan(r.value));
    assert_true(r.num == 25);
    assert_true(r.den == 0);
    assert_string_equal(r.why, "division by zero");

    r = eval("0 / zero", names, vals);
    assert_true(isnan(r.value));
    assert_string_equal(r.why, "division by zero");

    /* an inner division by zero makes the whole value missing */
    r = eval("1 + attended / zero", names, vals);
    assert_true(isnan(r.value));
    assert_int_equal(r.has_division, 0);
    assert_string_equal(r.why, "division by zero");

    /* outermost division: (1000 * attended) / registered; the numerator
     * shown is the count (25), the 1000 is the scale (it was 25000) */
    r = eval("1000 * attended / registered", names, vals);
    assert_true(r.value == 625);
    assert_true(r.num == 25);
    assert_true(r.den == 40);
    assert_int_equal(r.has_division, 1);

    /* the scale: the constant factor of the numerator, either side; 1 otherwise */
    static const struct { const char *src; double k; } scales[] = {
        {"1000 * attended / registered", 1000}, {"attended * 100 / registered", 100},
        {"attended / registered", 1}, {"(attended + 1) * 2 / registered", 2},
        {"2 * 3 / registered", 2}, {"attended * registered / 4", 1}, {"100 * attended", 1},
    };
    for (size_t i = 0; i < sizeof scales / sizeof scales[0]; i++) {
        int col;
        char err[128];
        cc_formula *f = cc_formula_parse(scales[i].src, &col, err, sizeof err);
        assert_non_null(f);
        assert_true(cc_formula_scale(f) == scales[i].k);
        cc_formula_free(f);
    }

    /* (post - pre) / pre */
    r = eval("(attended - registered) / registered", names, vals);
    assert_true(r.value == -15.0 / 40);
    assert_true(r.num == -15);
    assert_true(r.den == 40);

    /* no outermost division */
    r = eval("attended / registered * 100", names, vals);
    assert_true(r.value == 62.5);
    assert_int_equal(r.has_division, 0);
    assert_true(isnan(r.num));
    assert_true(isnan(r.den));
    r = eval("-(attended / registered)", names, vals);
    assert_int_equal(r.has_division, 0);
    r = eval("attended", names, vals);
    assert_int_equal(r.has_division, 0);
    assert_true(r.value == 25);
}

static void test_refs(void **state)
{
    (void)state;
    int col;
    char err[128];
    cc_formula *f = cc_formula_parse("(assess.cognitive.post_sum - assess.cognitive.pre_sum) / "
                                     "assess.cognitive.pre_sum", &col, err, sizeof err);
    assert_non_null(f);
    assert_int_equal(cc_formula_nrefs(f), 2);
    assert_string_equal(cc_formula_ref(f, 0), "assess.cognitive.post_sum");
    assert_string_equal(cc_formula_ref(f, 1), "assess.cognitive.pre_sum");
    assert_int_equal(cc_formula_ref_col(f, 0), 2);
    assert_int_equal(cc_formula_ref_col(f, 1), 30);
    assert_null(cc_formula_ref(f, 2));
    assert_int_equal(cc_formula_has_division(f), 1);
    cc_formula_free(f);

    f = cc_formula_parse("survey.parent_sat.top2 / survey.parent_sat.n", &col, err, sizeof err);
    assert_non_null(f);
    assert_int_equal(cc_formula_nrefs(f), 2);
    assert_string_equal(cc_formula_ref(f, 1), "survey.parent_sat.n");
    assert_int_equal(cc_formula_ref_col(f, 1), 26);
    cc_formula_free(f);
}

static void expect_error(const char *src, int col, const char *msg)
{
    int c = -1;
    char err[256];
    cc_formula *f = cc_formula_parse(src, &c, err, sizeof err);
    if (f)
        fail_msg("'%s' parsed but should not", src);
    assert_string_equal(err, msg);
    assert_int_equal(c, col);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("", 1, "empty formula");
    expect_error("   ", 4, "empty formula");
    expect_error("(attended / registered", 23, "expected ')', found end of formula");
    expect_error("attended / / registered", 12, "expected a number, a measure name or '(', found '/'");
    expect_error("attended registered", 10,
                 "expected an operator (+ - * /) or the end of the formula, found 'r'");
    expect_error("attended)", 9, "unmatched ')'");
    expect_error("sqrt(a)", 1, "unknown function 'sqrt' (expected min or max)");
    expect_error("min(a)", 6, "expected ',' between the two arguments of min(), found ')'");
    expect_error("max(a, b", 9, "expected ')' to close max(, found end of formula");
    expect_error("a +", 4, "expected a number, a measure name or '(', found end of formula");
    expect_error("1.2.3", 4, "malformed number '1.2.'");
    expect_error("12abc", 3, "malformed number '12a'");
    expect_error("1.", 3, "expected a digit after the decimal point");
    expect_error("survey..n", 8, "expected a name part after '.' in 'survey.'");
    /* columns count characters, not bytes: the full-width parenthesis is column 9 */
    expect_error("attended（registered）", 9,
                 "expected an operator (+ - * /) or the end of the formula, found '（'");
    expect_error("活动 / 2", 1, "expected a number, a measure name or '(', found '活'");
    expect_error("a × b", 3, "expected an operator (+ - * /) or the end of the formula, found '×'");
    expect_error("a\x01", 2, "expected an operator (+ - * /) or the end of the formula, found control character 0x01");
    expect_error("ab\xff", 3, "invalid UTF-8 (byte 0xFF)");
    expect_error("a + 1e5", 6, "malformed number '1e'");
}

static void test_depth(void **state)
{
    (void)state;
    /* 64 nested parentheses are fine, 65 are not */
    char buf[512];
    size_t o = 0;
    for (int i = 0; i < 64; i++)
        buf[o++] = '(';
    buf[o++] = 'a';
    for (int i = 0; i < 64; i++)
        buf[o++] = ')';
    buf[o] = '\0';
    assert_true(value(buf) == 2);
    expect_error("(((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((a)))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))",
                 65, "formula too deep (more than 64 levels)");

    /* 10,000 nested parentheses: an error, not a stack overflow */
    size_t n = 10000;
    char *deep = malloc(2 * n + 2);
    memset(deep, '(', n);
    deep[n] = 'a';
    memset(deep + n + 1, ')', n);
    deep[2 * n + 1] = '\0';
    expect_error(deep, 65, "formula too deep (more than 64 levels)");
    /* 10,000 unary minus signs and nested min() */
    memset(deep, '-', n);
    deep[n] = 'a';
    deep[n + 1] = '\0';
    expect_error(deep, 65, "formula too deep (more than 64 levels)");
    free(deep);
    cc_buf b = CC_BUF_INIT;
    for (int i = 0; i < 1000; i++)
        cc_buf_adds(&b, "min(a, ");
    expect_error(b.s, 1 + 64 * 7, "formula too deep (more than 64 levels)");
    cc_buf_release(&b);

    /* a long flat sum is fine up to the node limit, then an error */
    cc_buf_adds(&b, "a");
    for (int i = 0; i < 500; i++)
        cc_buf_adds(&b, "+a");
    assert_true(value(b.s) == 1002);
    for (int i = 0; i < 100; i++)
        cc_buf_adds(&b, "+a");
    int col;
    char err[128];
    assert_null(cc_formula_parse(b.s, &col, err, sizeof err));
    assert_string_equal(err, "formula too long (more than 1024 terms and operators)");
    cc_buf_release(&b);
}

static void test_catalog(void **state)
{
    (void)state;
    assert_int_equal(cc_measure_source("attended"), CC_SRC_ACTIVITIES);
    assert_int_equal(cc_measure_source("staffed_children"), CC_SRC_ACTIVITIES);
    assert_int_equal(cc_measure_source("participants"), CC_SRC_ATTENDANCE);
    assert_int_equal(cc_measure_source("volunteers_prev"), CC_SRC_ATTENDANCE);
    assert_int_equal(cc_measure_source("population"), CC_SRC_REGISTRY);
    assert_int_equal(cc_measure_source("monthly_income"), CC_SRC_REGISTRY);
    assert_int_equal(cc_measure_source("communities"), CC_SRC_REGISTRY);
    assert_int_equal(cc_measure_source("reported"), CC_SRC_REPORTED);
    assert_int_equal(cc_measure_source("certified"), CC_SRC_PROVIDERS);
    assert_int_equal(cc_measure_source("training_hours"), CC_SRC_TRAININGS);
    assert_int_equal(cc_measure_source("tb_members"), CC_SRC_TIMEBANK);
    assert_int_equal(cc_measure_source("feedback_timely"), CC_SRC_FEEDBACK);
    assert_int_equal(cc_measure_source("items_due"), CC_SRC_LEDGER);
    assert_int_equal(cc_measure_source("items_closed_on_time"), CC_SRC_LEDGER);
    assert_int_equal(cc_measure_source("items_effective"), CC_SRC_LEDGER);
    assert_int_equal(cc_measure_source("items_overdue"), CC_SRC_LEDGER);
    assert_int_equal(cc_measure_source("survey.parent_sat.top2"), CC_SRC_SURVEY);
    assert_int_equal(cc_measure_source("survey.anything.n"), CC_SRC_SURVEY);
    assert_int_equal(cc_measure_source("survey.x.yes"), CC_SRC_SURVEY);
    assert_int_equal(cc_measure_source("survey.x.sum"), CC_SRC_SURVEY);
    assert_int_equal(cc_measure_source("survey.x.avg"), -1);
    assert_int_equal(cc_measure_source("survey.x"), -1);
    assert_int_equal(cc_measure_source("survey..n"), -1);
    assert_int_equal(cc_measure_source("survey.a.b.n"), -1);
    assert_int_equal(cc_measure_source("assess.social.pairs"), CC_SRC_ASSESSMENT);
    assert_int_equal(cc_measure_source("assess.motor.post_sum"), CC_SRC_ASSESSMENT);
    assert_int_equal(cc_measure_source("assess.music.pairs"), -1);
    assert_int_equal(cc_measure_source("assess.social.mean"), -1);
    assert_int_equal(cc_measure_source("attendd"), -1);
    assert_int_equal(cc_measure_source("Attended"), -1);
    assert_int_equal(cc_measure_source(NULL), -1);
    size_t n = 0;
    for (; cc_measure_names[n]; n++)
        assert_true(cc_measure_source(cc_measure_names[n]) >= 0);
    assert_int_equal(n, 56);
    size_t len;
    const char *it = cc_measure_survey_item("survey.parent_sat.top2", &len);
    assert_non_null(it);
    assert_int_equal(len, 10);
    assert_memory_equal(it, "parent_sat", 10);
    assert_null(cc_measure_survey_item("attended", &len));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_unary_minus),
        cmocka_unit_test(test_min_max),
        cmocka_unit_test(test_missing),
        cmocka_unit_test(test_division),
        cmocka_unit_test(test_refs),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_catalog),
    };
    return cmocka_run_group_tests_name("formula", tests, NULL, NULL);
}
