/* Unit tests of lib/measure/attend.c: the attendance distinct counts with the
 * week cache on (cc_measures_cache_begin), which must give exactly what the
 * direct reading gives.  The database is fixtures/test/engine/w47.sql (read
 * only here); the hand-worked values are those of measure_test.c, which
 * explains them, plus the cases only the cache has: windows asked in the
 * order of a scorecard's history, a window newer than the cache's first
 * week, windows that are not whole weeks, and a community missing from the
 * period's units. */
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
#include "w47_fixture.h"
#include "tune_env.h"

static int setup(void **state)
{
    (void)state;
    return w47_open("attend");
}

static int teardown(void **state)
{
    (void)state;
    w47_close();
    return 0;
}






static const char *const all[] = {"participants", "child_participants", "households",
                                  "special_served", "volunteers_active", "returning",
                                  "prev_participants", "volunteers_retained", "volunteers_prev"};
#define NALL 9

static double *measures(const cc_units *u, cc_day from, cc_day to)
{
    double *v = malloc(u->n * NALL * sizeof *v);
    assert_int_equal(cc_measures_compute(db, &cfg, u, from, to, all, NALL, v), CC_OK);
    return v;
}

#define V(v, unit, j) ((v)[(size_t)(unit) * NALL + (j)])
#define assert_nan(x) assert_true(isnan(x))
#define assert_near(x, y) assert_true(fabs((x) - (y)) < 1e-9)

/* The same numbers, NAN included. */
static void assert_same(const double *a, const double *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (isnan(a[i]) || isnan(b[i])) {
            if (!(isnan(a[i]) && isnan(b[i])))
                fail_msg("value %zu: %g vs %g", i, a[i], b[i]);
        } else if (a[i] != b[i]) {
            fail_msg("value %zu: %g vs %g", i, a[i], b[i]);
        }
    }
}

/* The 13 weeks 08-24 .. 11-22 from the cache: measure_test.c's values
 * (L01 11 6 6 1 3, L02 9 7 7 0 1, L03 missing, S01 19 12 12 1 4,
 * S02 missing, area = S01). */
static void test_cache_13w(void **state)
{
    (void)state;
    cc_units u;
    assert_int_equal(cc_units_load(db, ymd(2026, 11, 22), &u), CC_OK);
    assert_int_equal(cc_measures_cache_begin(db), CC_OK);
    double *v = measures(&u, ymd(2026, 8, 24), ymd(2026, 11, 22));
    cc_measures_cache_end(db);
    double e[6][5] = {
        {11, 6, 6, 1, 3}, {9, 7, 7, 0, 1}, {NAN, NAN, NAN, NAN, NAN},
        {19, 12, 12, 1, 4}, {NAN, NAN, NAN, NAN, NAN}, {19, 12, 12, 1, 4}};
    for (size_t i = 0; i < 6; i++)
        for (size_t j = 0; j < 5; j++) {
            if (isnan(e[i][j])) assert_nan(V(v, i, j));
            else assert_near(V(v, i, j), e[i][j]);
        }
    free(v);
    cc_units_release(&u);
}

/* last:4w of W47 and the 4 weeks before, then W46 alone and W45 (the cache
 * is filled newest first, as a scorecard's history asks): measure_test.c's
 * values.  L01 now 9, returning 4, before 6, volunteers 2 / retained 2 /
 * before 3; L02 7 0 2 0 0 1; L03 missing; S01 15 4 8 2 2 4.
 * W46 (11-09 .. 11-15): L01 A4 {c1 c4 v2}, the week before A5 {c5}:
 * 3 participants, 0 returning, 1 before, 1 volunteer, 0 retained, 0 before.
 * W45 (11-02 .. 11-08): L01 A5 {c5} = 1, the week before (10-26 .. 11-01)
 * nothing: returning 0 (rows now), prev missing. */
static void test_cache_returning(void **state)
{
    (void)state;
    cc_units u;
    assert_int_equal(cc_units_load(db, ymd(2026, 11, 22), &u), CC_OK);
    assert_int_equal(cc_measures_cache_begin(db), CC_OK);
    double *v = measures(&u, ymd(2026, 10, 26), ymd(2026, 11, 22));
    static const int col[6] = {0, 5, 6, 4, 7, 8};
    double e[4][6] = {{9, 4, 6, 2, 2, 3}, {7, 0, 2, 0, 0, 1}, {0}, {15, 4, 8, 2, 2, 4}};
    for (size_t i = 0; i < 4; i++)
        for (size_t j = 0; j < 6; j++)
            if (i == 2) assert_nan(V(v, i, col[j]));
            else assert_near(V(v, i, col[j]), e[i][j]);
    free(v);
    v = measures(&u, ymd(2026, 11, 9), ymd(2026, 11, 15));
    assert_near(V(v, 0, 0), 3);
    assert_near(V(v, 0, 5), 0);
    assert_near(V(v, 0, 6), 1);
    assert_near(V(v, 0, 4), 1);
    assert_near(V(v, 0, 7), 0);
    assert_near(V(v, 0, 8), 0);
    free(v);
    v = measures(&u, ymd(2026, 11, 2), ymd(2026, 11, 8));
    assert_near(V(v, 0, 0), 1);
    assert_near(V(v, 0, 5), 0);
    assert_nan(V(v, 0, 6));
    assert_nan(V(v, 0, 8));
    free(v);
    cc_measures_cache_end(db);
    cc_units_release(&u);
}

/* Every window of a weekly scorecard's twelve periods (the period, last:4w
 * with the 4 weeks before, last:13w), asked in the engine's order, then a
 * window newer than the first one, a month and a day range (not whole weeks:
 * read directly), and the history's units of an earlier day: the cache gives
 * what the direct reading gives. */
static void test_cache_equals_direct(void **state)
{
    (void)state;
    struct { cc_day from, to, units_day; } w[64];
    size_t nw = 0;
    cc_day sun = ymd(2026, 11, 22);
    for (int k = 0; k < 12; k++) {
        cc_day end = sun - 7 * k;
        w[nw].from = end - 6; w[nw].to = end; w[nw++].units_day = end;
        w[nw].from = end - 27; w[nw].to = end; w[nw++].units_day = end;
        w[nw].from = end - 90; w[nw].to = end; w[nw++].units_day = end;
    }
    w[nw].from = ymd(2026, 11, 23); w[nw].to = ymd(2026, 11, 29); w[nw++].units_day = sun;
    w[nw].from = ymd(2026, 10, 1); w[nw].to = ymd(2026, 10, 31); w[nw++].units_day = sun;
    w[nw].from = ymd(2026, 11, 17); w[nw].to = ymd(2026, 11, 19); w[nw++].units_day = sun;
    w[nw].from = ymd(2026, 5, 25); w[nw].to = ymd(2026, 11, 22); w[nw++].units_day = sun;

    double *direct[64], *cached[64];
    size_t nunits[64];
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1)
            assert_int_equal(cc_measures_cache_begin(db), CC_OK);
        for (size_t i = 0; i < nw; i++) {
            cc_units u;
            assert_int_equal(cc_units_load(db, w[i].units_day, &u), CC_OK);
            (pass ? cached : direct)[i] = measures(&u, w[i].from, w[i].to);
            nunits[i] = u.n;
            cc_units_release(&u);
        }
        if (pass == 1)
            cc_measures_cache_end(db);
    }
    for (size_t i = 0; i < nw; i++) {
        assert_same(direct[i], cached[i], nunits[i] * NALL);
        free(direct[i]);
        free(cached[i]);
    }
}

/* A period whose units lack a community that has attendance: its rows are
 * not counted anywhere (like the SQL join on the unit map).  The units as of
 * 2026-11-22 are loaded, then L02 is dropped from the list (as if it had
 * left the registry): S01 counts only L01's rows. */
static void test_cache_unit_missing(void **state)
{
    (void)state;
    cc_units u;
    assert_int_equal(cc_units_load(db, ymd(2026, 11, 22), &u), CC_OK);
    assert_int_equal(cc_measures_cache_begin(db), CC_OK);
    double *v = measures(&u, ymd(2026, 8, 24), ymd(2026, 11, 22));   /* fills the cache */
    free(v);
    /* units without L02: L01, L03, S01, S02, area (street indexes shifted) */
    cc_units u2 = u;
    cc_unit keep[5] = {u.u[0], u.u[2], u.u[3], u.u[4], u.u[5]};
    keep[0].street = 2;
    keep[1].street = 3;
    u2.u = keep;
    u2.n = 5;
    u2.ncomm = 2;
    v = malloc(u2.n * NALL * sizeof *v);
    assert_int_equal(cc_measures_compute(db, &cfg, &u2, ymd(2026, 8, 24), ymd(2026, 11, 22), all, NALL, v),
                     CC_OK);
    cc_measures_cache_end(db);
    /* L01 11 participants, 6 children, 6 households, 1 special, 3 volunteers;
     * S01 = area = L01; L03 and S02 missing */
    double e[5] = {11, 6, 6, 1, 3};
    for (size_t j = 0; j < 5; j++) {
        assert_near(v[0 * NALL + j], e[j]);
        assert_nan(v[1 * NALL + j]);
        assert_near(v[2 * NALL + j], e[j]);
        assert_nan(v[3 * NALL + j]);
        assert_near(v[4 * NALL + j], e[j]);
    }
    free(v);
    cc_units_release(&u);
}

/* Over its memory budget the cache gives up and windows are read one by
 * one: the same numbers (a budget of 0 KB: dropped after the first load). */
static void test_cache_budget(void **state)
{
    (void)state;
    cc_units u;
    assert_int_equal(cc_units_load(db, ymd(2026, 11, 22), &u), CC_OK);
    double *direct = measures(&u, ymd(2026, 10, 26), ymd(2026, 11, 22));
    double *direct13 = measures(&u, ymd(2026, 8, 24), ymd(2026, 11, 22));
    tune_setenv("CARECARD_CACHE_BUDGET_KB", "0");
    assert_int_equal(cc_measures_cache_begin(db), CC_OK);
    tune_unsetenv("CARECARD_CACHE_BUDGET_KB");
    double *v = measures(&u, ymd(2026, 10, 26), ymd(2026, 11, 22));
    double *v13 = measures(&u, ymd(2026, 8, 24), ymd(2026, 11, 22));
    cc_measures_cache_end(db);
    assert_same(direct, v, u.n * NALL);
    assert_same(direct13, v13, u.n * NALL);
    assert_near(V(v, 0, 0), 9);        /* L01 last:4w participants, as above */
    assert_near(V(v, 0, 5), 4);        /* returning */
    free(direct);
    free(direct13);
    free(v);
    free(v13);
    cc_units_release(&u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cache_13w),
        cmocka_unit_test(test_cache_returning),
        cmocka_unit_test(test_cache_equals_direct),
        cmocka_unit_test(test_cache_unit_missing),
        cmocka_unit_test(test_cache_budget),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
