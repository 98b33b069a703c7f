/* Unit tests of the week caches' prefetch (measure.c cc_measures_prefetch,
 * called by the engine before the history loop): the caches are filled for
 * every window of a weekly scorecard's history at once, in two threads (this
 * one and a helper on its own read-only connection), and every number must be
 * what computing the windows one by one gives, bit for bit
 * ($CARECARD_NO_PREFETCH=1 is that path).  The database is the w47 fixture
 * (fixtures/test/engine/w47.sql); with $CARECARD_SPAN_TEST_DB set (a bench
 * database, opened read-only, with indicators.ini and
 * $CARECARD_SPAN_TEST_WEEK, default 2026-W47) the scorecard comparison also
 * runs on it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "measure/measure.h"
#include "measure/span.h"
#include "w47_fixture.h"
#include "tune_env.h"

static int setup(void **state)
{
    (void)state;
    tune_unsetenv("CARECARD_NO_PREFETCH");
    tune_unsetenv("CARECARD_NO_CACHE");
    return w47_open("prefetch");
}

static int teardown(void **state)
{
    (void)state;
    w47_close();
    return 0;
}

/* Two doubles the same bits (NAN equal to NAN). */
static void same(double a, double b, const char *what, size_t u, size_t i)
{
    if (isnan(a) && isnan(b))
        return;
    if (memcmp(&a, &b, sizeof a)) {
        print_error("%s differs: unit %zu, column %zu: %.17g vs %.17g\n", what, u, i, a, b);
        fail();
    }
}

static cc_scorecard *scorecard(cc_store *s, const cc_config *c, const char *period, int prefetch)
{
    cc_period p;
    cc_scorecard *sc = NULL;
    if (prefetch)
        tune_unsetenv("CARECARD_NO_PREFETCH");
    else
        tune_setenv("CARECARD_NO_PREFETCH", "1");
    assert_int_equal(cc_period_parse(period, &p), CC_OK);
    assert_int_equal(cc_scorecard_compute(s, c, &p, NULL, &sc), CC_OK);
    tune_unsetenv("CARECARD_NO_PREFETCH");
    return sc;
}

static void compare(const cc_scorecard *a, const cc_scorecard *b)
{
    size_t nind = a->cfg->nind;
    assert_int_equal(a->units.n, b->units.n);
    assert_true(a->units.n > 0);
    for (size_t u = 0; u < a->units.n; u++) {
        const cc_unit_result *x = &a->res[u], *y = &b->res[u];
        assert_string_equal(x->unit.id, y->unit.id);
        assert_int_equal(x->reported, y->reported);
        same(x->total, y->total, "total", u, 0);
        same(x->coverage, y->coverage, "coverage", u, 0);
        for (int k = 0; k < CC_HISTORY; k++)
            same(x->total_hist[k], y->total_hist[k], "total_hist", u, (size_t)k);
        for (size_t i = 0; i < nind; i++) {
            const cc_cell *p = &x->cells[i], *q = &y->cells[i];
            same(p->value, q->value, "value", u, i);
            same(p->num, q->num, "num", u, i);
            same(p->den, q->den, "den", u, i);
            same(p->score, q->score, "score", u, i);
            assert_int_equal(p->status, q->status);
            assert_int_equal(p->run, q->run);
            for (int k = 0; k < CC_HISTORY; k++)
                same(cc_cell_hist(a, x, i, k), cc_cell_hist(b, y, i, k), "hist", u, i * CC_HISTORY + (size_t)k);
        }
    }
}

/* The fixture's week and its history: prefetched = one by one. */
static void test_scorecard_same(void **state)
{
    (void)state;
    static const char *const periods[] = {"2026-W47", "2026-W44", "2026-W50"};
    for (size_t i = 0; i < sizeof periods / sizeof *periods; i++) {
        cc_scorecard *a = scorecard(db, &cfg, periods[i], 1), *b = scorecard(db, &cfg, periods[i], 0);
        compare(a, b);
        cc_scorecard_free(a);
        cc_scorecard_free(b);
    }
}

/* Every task on the helper's connection (in the other thread): the same. */
static void test_helper_only(void **state)
{
    (void)state;
    tune_setenv("CARECARD_PREFETCH_HELPER_ONLY", "1");
    cc_scorecard *a = scorecard(db, &cfg, "2026-W47", 1);
    tune_unsetenv("CARECARD_PREFETCH_HELPER_ONLY");
    cc_scorecard *b = scorecard(db, &cfg, "2026-W47", 0);
    compare(a, b);
    cc_scorecard_free(a);
    cc_scorecard_free(b);
}

/* Hand-worked values still come out with the prefetch on (measure_test.c
 * explains them): W47 L01 partners over last:13w = 3, participants = 5. */
static void test_windows_prefetched(void **state)
{
    (void)state;
    cc_units u;
    assert_int_equal(cc_units_load(db, ymd(2026, 11, 22), &u), CC_OK);
    static const char *const n1[] = {"partners"};
    static const char *const n2[] = {"participants", "returning"};
    static const char *const n3[] = {"activities", "reported"};
    cc_measure_win w[] = {
        {&u, ymd(2026, 11, 16), ymd(2026, 11, 22), n3, 2},
        {&u, ymd(2026, 8, 24), ymd(2026, 11, 22), n1, 1},
        {&u, ymd(2026, 11, 16), ymd(2026, 11, 22), n2, 2},
    };
    double a[3][64], b[3][64];
    assert_true(u.n <= 32);
    for (int pass = 0; pass < 2; pass++) {
        double (*out)[64] = pass ? b : a;
        unsigned long hits = cc_span_hits();
        assert_int_equal(cc_measures_cache_begin(db), CC_OK);
        assert_int_equal(cc_measures_span_begin(db), CC_OK);
        if (pass == 0)
            assert_int_equal(cc_measures_prefetch(db, &cfg, w, 3), CC_OK);
        /* the prefetch counts no hit: the windows do, both ways */
        assert_int_equal(cc_span_hits(), hits);
        for (int k = 0; k < 3; k++)
            assert_int_equal(cc_measures_compute(db, &cfg, &u, w[k].from, w[k].to, w[k].names,
                                                 w[k].nnames, out[k]), CC_OK);
        assert_int_equal(cc_span_hits() - hits, 2);     /* activities, partners */
        cc_measures_span_end(db);
        cc_measures_cache_end(db);
    }
    for (int k = 0; k < 3; k++)
        for (size_t j = 0; j < u.n * w[k].nnames; j++)
            same(a[k][j], b[k][j], "window", j, (size_t)k);
    long l01 = cc_units_find(&u, CC_LEVEL_COMMUNITY, "L01");
    assert_true(l01 >= 0);
    assert_true(a[1][l01] == 3);
    cc_units_release(&u);
}

/* Inside a transaction with changes of its own, the helper's connection
 * could not see them: the tasks all run on the caller's connection, and the
 * numbers are the changed ones, as window by window. */
static void test_in_transaction(void **state)
{
    (void)state;
    cc_scorecard *before = scorecard(db, &cfg, "2026-W47", 1);
    assert_int_equal(cc_store_begin(db), CC_OK);
    assert_int_equal(cc_store_exec(db, "UPDATE activities SET attended = attended + 3,"
                                       " partners = 'X;Y' WHERE status = 'completed'"), CC_OK);
    tune_setenv("CARECARD_PREFETCH_HELPER_ONLY", "1");   /* would put every task there */
    cc_scorecard *a = scorecard(db, &cfg, "2026-W47", 1);
    tune_unsetenv("CARECARD_PREFETCH_HELPER_ONLY");
    cc_scorecard *b = scorecard(db, &cfg, "2026-W47", 0);
    cc_store_rollback(db);
    compare(a, b);
    /* and the change shows (a total moved) */
    int moved = 0;
    for (size_t u = 0; u < a->units.n; u++)
        moved |= memcmp(&a->res[u].total, &before->res[u].total, sizeof(double)) != 0;
    assert_true(moved);
    cc_scorecard_free(a);
    cc_scorecard_free(b);
    cc_scorecard_free(before);
}

/* A SIGINT before or during the prefetch stops the scorecard. */
static void test_interrupted(void **state)
{
    (void)state;
    cc_period p;
    cc_scorecard *sc = NULL;
    assert_int_equal(cc_period_parse("2026-W47", &p), CC_OK);
    cc_interrupted = 1;
    FILE *sink = fopen("/dev/null", "w");
    cc_diag_set_sink(sink);
    cc_err e = cc_scorecard_compute(db, &cfg, &p, NULL, &sc);
    cc_diag_set_sink(stderr);
    fclose(sink);
    cc_interrupted = 0;
    assert_int_equal(e, CC_ERR_INTERRUPTED);
    assert_null(sc);
    /* and nothing is left behind: the next one is whole */
    cc_scorecard *a = scorecard(db, &cfg, "2026-W47", 1), *b = scorecard(db, &cfg, "2026-W47", 0);
    compare(a, b);
    cc_scorecard_free(a);
    cc_scorecard_free(b);
}

/* The bench database, when given: every number of the week's scorecard. */
static void test_bench_db(void **state)
{
    (void)state;
    const char *path = getenv("CARECARD_SPAN_TEST_DB");
    const char *week = getenv("CARECARD_SPAN_TEST_WEEK");
    if (!path || !*path)
        skip();
    cc_err e;
    cc_store *s = cc_store_open(path, CC_STORE_READONLY, &e);
    assert_non_null(s);
    cc_config c;
    assert_int_equal(cc_config_load("indicators.ini", &c), CC_OK);
    cc_scorecard *a = scorecard(s, &c, week && *week ? week : "2026-W47", 1);
    cc_scorecard *b = scorecard(s, &c, week && *week ? week : "2026-W47", 0);
    compare(a, b);
    cc_scorecard_free(a);
    cc_scorecard_free(b);
    cc_config_release(&c);
    cc_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scorecard_same),
        cmocka_unit_test(test_helper_only),
        cmocka_unit_test(test_windows_prefetched),
        cmocka_unit_test(test_in_transaction),
        cmocka_unit_test(test_interrupted),
        cmocka_unit_test(test_bench_db),
    };
    return cmocka_run_group_tests_name("prefetch", tests, setup, teardown);
}
