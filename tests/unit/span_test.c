/* Unit tests of lib/measure/span.c: the week cache of the measures other
 * than attendance (cc_measures_span_begin / end) must give what the direct
 * SQL path gives, for every measure of every unit and every window of a
 * weekly scorecard's history.  The database is fixtures/test/engine/w47.sql;
 * the hand-worked values are measure_test.c's (which explains them), checked
 * here with the cache on.  With $CARECARD_SPAN_TEST_DB set (a bench database,
 * opened read-only, with indicators.ini and $CARECARD_SPAN_TEST_WEEK's Sunday,
 * default 2026-11-22), the whole comparison also runs on it. */
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
    return w47_open("span");
}

static int teardown(void **state)
{
    (void)state;
    w47_close();
    return 0;
}

#define assert_nan(x) assert_true(isnan(x))
#define assert_near(x, y) assert_true(fabs((x) - (y)) < 1e-9)

/* Every measure name of the catalog for cfg (attendance and registry too:
 * they share the calls).  Caller frees the list and its strings. */
static const char *const plain[] = {
    "activities", "cancelled", "scheduled", "attended", "registered", "capacity",
    "children", "special_attended", "volunteers", "volunteer_hours", "incidents",
    "online_booked", "checks_passed", "checks_total", "staff", "staffed_children",
    "staffed_staff", "hours", "person_hours", "interaction_sum", "interaction_n",
    "reported", "communities", "partners",
    "participants", "child_participants", "households", "special_served",
    "returning", "prev_participants", "volunteers_active", "volunteers_retained",
    "volunteers_prev",
    "population", "children_0_3", "children_3_12", "elderly_60", "eligible_families",
    "special_children", "places", "inclusive_places", "monthly_fee", "monthly_income",
    "providers", "certified", "training_hours",
    "tb_deposit_hours", "tb_redeem_hours", "tb_members",
    "feedback", "feedback_timely", "feedback_resolved",
};
#define NPLAIN (sizeof plain / sizeof *plain)
static const char *const doms[] = {"cognitive", "social", "emotion", "language", "motor"};

static char **all_names(const cc_config *c, size_t *n)
{
    size_t cap = NPLAIN + c->nitems * 4 + 15, k = 0;
    char **v = malloc(cap * sizeof *v);
    for (size_t i = 0; i < NPLAIN; i++)
        v[k++] = strdup(plain[i]);
    static const char *const sf[] = {"n", "sum", "top2", "yes"};
    static const char *const af[] = {"pairs", "pre_sum", "post_sum"};
    char b[128];
    for (size_t i = 0; i < c->nitems; i++)
        for (int f = 0; f < 4; f++) {
            snprintf(b, sizeof b, "survey.%s.%s", c->items[i].id, sf[f]);
            v[k++] = strdup(b);
        }
    for (int d = 0; d < 5; d++)
        for (int f = 0; f < 3; f++) {
            snprintf(b, sizeof b, "assess.%s.%s", doms[d], af[f]);
            v[k++] = strdup(b);
        }
    *n = k;
    return v;
}

/* The names the configuration's formulas use, and "reported" (what the
 * engine asks for: the cache keeps only the activity sums these need). */
static char **cfg_names(const cc_config *c, size_t *n)
{
    size_t cap = 1, k = 0;
    for (size_t i = 0; i < c->nind; i++)
        cap += cc_formula_nrefs(c->ind[i].formula);
    char **v = malloc(cap * sizeof *v);
    v[k++] = strdup("reported");
    for (size_t i = 0; i < c->nind; i++)
        for (size_t r = 0; r < cc_formula_nrefs(c->ind[i].formula); r++) {
            const char *ref = cc_formula_ref(c->ind[i].formula, r);
            size_t j;
            for (j = 0; j < k && strcmp(v[j], ref); j++)
                ;
            if (j == k)
                v[k++] = strdup(ref);
        }
    *n = k;
    return v;
}

static void free_names(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static double *compute(cc_store *s, const cc_config *c, const cc_units *u, cc_day from, cc_day to,
                       char **names, size_t nn)
{
    double *v = malloc((u->n ? u->n : 1) * nn * sizeof *v);
    assert_int_equal(cc_measures_compute(s, c, u, from, to, (const char *const *)names, nn, v), CC_OK);
    return v;
}

/* Same numbers: NAN where the other is NAN, counts exactly, sums to 1e-9. */
static void assert_same(const double *a, const double *b, size_t nunits, char **names, size_t nn,
                        const char *what)
{
    for (size_t i = 0; i < nunits * nn; i++) {
        int bad;
        if (isnan(a[i]) || isnan(b[i]))
            bad = !(isnan(a[i]) && isnan(b[i]));
        else
            bad = fabs(a[i] - b[i]) > 1e-9 * fmax(1.0, fmax(fabs(a[i]), fabs(b[i])));
        if (bad)
            fail_msg("%s: unit %zu, %s: direct %.17g, cached %.17g", what, i / nn, names[i % nn],
                     a[i], b[i]);
    }
}

/* A weekly scorecard's windows, in the engine's order: for each of the 12
 * periods (newest first) the period, last:4w, last:13w, last:26w; then a
 * window newer than the first, a month, a day range and a 70-week range
 * (not answerable from the cache: read directly either way). */
typedef struct { cc_day from, to, units_day; } win;

static size_t history(cc_day sun, win *w)
{
    size_t n = 0;
    static const int len[] = {7, 28, 91, 182};
    for (int k = 0; k < 12; k++) {
        cc_day end = sun - 7 * k;
        for (int j = 0; j < 4; j++) {
            w[n].from = end - len[j] + 1;
            w[n].to = end;
            w[n++].units_day = end;
        }
    }
    w[n].from = sun + 1; w[n].to = sun + 7; w[n++].units_day = sun;
    w[n].from = sun - 52; w[n].to = sun - 22; w[n++].units_day = sun;
    w[n].from = sun - 5; w[n].to = sun - 3; w[n++].units_day = sun;
    w[n].from = sun - 7 * 70 + 1; w[n].to = sun; w[n++].units_day = sun;
    return n;
}

/* Every window with the cache off, then on; compared unit by unit.  Once
 * with the configuration's measures (the engine's calls: answered from the
 * cache), once with every measure (those the cache does not keep are read
 * directly).  Returns how many source windows the cache answered. */
static unsigned long compare_names(cc_store *s, const cc_config *c, cc_day sun, int every);

static unsigned long compare_history(cc_store *s, const cc_config *c, cc_day sun)
{
    return compare_names(s, c, sun, 0) + compare_names(s, c, sun, 1);
}

static unsigned long compare_names(cc_store *s, const cc_config *c, cc_day sun, int every)
{
    win w[64];
    size_t nw = history(sun, w), nn;
    char **names = every ? all_names(c, &nn) : cfg_names(c, &nn);
    unsigned long hits = cc_span_hits();
    double *direct[64], *cached[64];
    size_t nunits[64];
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1)
            assert_int_equal(cc_measures_span_begin(s), CC_OK);
        for (size_t i = 0; i < nw; i++) {
            cc_units u;
            assert_int_equal(cc_units_load(s, w[i].units_day, &u), CC_OK);
            (pass ? cached : direct)[i] = compute(s, c, &u, w[i].from, w[i].to, names, nn);
            nunits[i] = u.n;
            cc_units_release(&u);
        }
        if (pass == 1)
            cc_measures_span_end(s);
    }
    for (size_t i = 0; i < nw; i++) {
        char what[64];
        snprintf(what, sizeof what, "window %zu", i);
        assert_same(direct[i], cached[i], nunits[i], names, nn, what);
        free(direct[i]);
        free(cached[i]);
    }
    free_names(names, nn);
    return cc_span_hits() - hits;
}

static void test_history_equals_direct(void **state)
{
    (void)state;
    /* 48 windows x 8 sources, less those of a source the windows do not ask */
    assert_true(compare_history(db, &cfg, ymd(2026, 11, 22)) > 48 * 4);
}

/* The same with the attendance week cache on as well (the engine's set-up). */
static void test_history_with_attend_cache(void **state)
{
    (void)state;
    assert_int_equal(cc_measures_cache_begin(db), CC_OK);
    assert_true(compare_history(db, &cfg, ymd(2026, 11, 22)) > 48 * 4);
    cc_measures_cache_end(db);
}

/* Hand-worked values (measure_test.c) from the cache: W47 activities, the
 * 4-week partners, the 13-week events. */
static void test_cache_values(void **state)
{
    (void)state;
    cc_units u;
    static const char *const n1[] = {"activities", "scheduled", "attended", "registered",
                                     "checks_passed", "incidents", "interaction_n", "reported"};
    assert_int_equal(cc_units_load(db, ymd(2026, 11, 22), &u), CC_OK);
    assert_int_equal(cc_measures_span_begin(db), CC_OK);
    double *v = malloc(u.n * 8 * sizeof *v);
    unsigned long hits = cc_span_hits();
    assert_int_equal(cc_measures_compute(db, &cfg, &u, ymd(2026, 11, 16), ymd(2026, 11, 22), n1, 8, v),
                     CC_OK);
    assert_int_equal(cc_span_hits(), hits + 1);     /* from the cache */
    /* L01: A1 A2 completed, A3 cancelled: 2 activities of 3 scheduled,
     * attended 17 + 8, registered 20 + 20, checks passed 9 + 8, incidents
     * 0 + 1, 2 interaction scores; L03 no rows: missing, not reported (0);
     * S01 = L01 + L02 (B1 B2: 2 of 2, 27 + 9 attended). */
    assert_near(v[0], 2); assert_near(v[1], 3); assert_near(v[2], 25); assert_near(v[3], 40);
    assert_near(v[4], 17); assert_near(v[5], 1); assert_near(v[6], 2); assert_near(v[7], 1);
    assert_nan(v[2 * 8 + 0]);
    assert_near(v[2 * 8 + 7], 0);
    assert_near(v[3 * 8 + 0], 4);
    assert_near(v[3 * 8 + 2], 61);
    free(v);
    /* partners over last:13w: L01 3, L02 1, L03 0 (a completed session that
     * names none), S01 3 (the same names, not 3 + 1), S02 0, the area 3 */
    static const char *const n2[] = {"partners"};
    v = malloc(u.n * sizeof *v);
    assert_int_equal(cc_measures_compute(db, &cfg, &u, ymd(2026, 8, 24), ymd(2026, 11, 22), n2, 1, v),
                     CC_OK);
    assert_int_equal(cc_span_hits(), hits + 2);
    double e2[6] = {3, 1, 0, 3, 0, 3};
    for (size_t i = 0; i < 6; i++)
        assert_near(v[i], e2[i]);
    free(v);
    cc_measures_span_end(db);
    cc_units_release(&u);
}

/* Above its budget the cache drops everything and every window is read
 * directly: the same numbers (budgets of 0 KB and 1 KB: dropped at the first
 * load, or after the communities). */
static void test_budget_fallback(void **state)
{
    (void)state;
    unsigned long full = compare_history(db, &cfg, ymd(2026, 11, 22));
    tune_setenv("CARECARD_SPAN_BUDGET_KB", "0");
    assert_int_equal(compare_history(db, &cfg, ymd(2026, 11, 22)), 0);
    /* 1 KB and 40 KB: the first loads fit, a later one drops the cache */
    tune_setenv("CARECARD_SPAN_BUDGET_KB", "1");
    assert_true(compare_history(db, &cfg, ymd(2026, 11, 22)) < full);
    tune_setenv("CARECARD_SPAN_BUDGET_KB", "40");
    unsigned long h = compare_history(db, &cfg, ymd(2026, 11, 22));
    assert_true(h < full);
    tune_unsetenv("CARECARD_SPAN_BUDGET_KB");
    print_message("budget fallback: %lu of %lu windows from the cache\n", h, full);
}

/* CARECARD_NO_CACHE=1 keeps the cache off: still the same numbers. */
static void test_no_cache_env(void **state)
{
    (void)state;
    tune_setenv("CARECARD_NO_CACHE", "1");
    assert_int_equal(compare_history(db, &cfg, ymd(2026, 11, 22)), 0);
    tune_unsetenv("CARECARD_NO_CACHE");
}

/* One implementation per measure: the direct read is the definition, the
 * week cache an accelerator checked against it.  A few measures computed
 * both ways (cache off, then on and answering) agree bit for bit and equal
 * the hand-counted values of measure_test.c (which explains them): surveys
 * (both paths code answers with cc_item_value), providers, trainings, time
 * bank and feedback over last:13w, assessments over last:26w; L01 (unit 0),
 * its street S01 (unit 3), and L02 (unit 1), which never had a survey. */
static void test_both_ways_hand_values(void **state)
{
    (void)state;
    static const char *const names[] = {
        "survey.parent_sat.n", "survey.parent_sat.top2", "survey.parent_sat.sum",
        "survey.burden_relief.n", "survey.burden_relief.top2",
        "survey.digital_skill.n", "survey.digital_skill.yes", "survey.cohesion.n",
        "providers", "certified", "training_hours", "tb_members",
        "tb_deposit_hours", "tb_redeem_hours", "feedback", "feedback_timely",
        "feedback_resolved"};
    enum { N = 17, NSV = 8 };
    static const double l01[N] = {12, 11, 53, 5, 4, 3, 2, 0, 2, 1, 16, 2, 3.5, 1, 4, 2, 2};
    static const double s01[N] = {12, 11, 53, 5, 4, 3, 2, 0, 3, 2, 16, 2, 3.5, 1, 4, 2, 2};
    static const char *const an[] = {"assess.cognitive.pairs", "assess.cognitive.pre_sum",
                                     "assess.cognitive.post_sum", "assess.social.pairs"};
    static const double a01[4] = {2, 90, 106, 0};
    cc_units u;
    double *v[2], *a[2];
    assert_int_equal(cc_units_load(db, ymd(2026, 11, 22), &u), CC_OK);
    for (int pass = 0; pass < 2; pass++) {      /* 0 direct, 1 the cache */
        if (pass)
            assert_int_equal(cc_measures_span_begin(db), CC_OK);
        unsigned long hits = cc_span_hits();
        v[pass] = malloc(u.n * N * sizeof *v[pass]);
        a[pass] = malloc(u.n * 4 * sizeof *a[pass]);
        assert_int_equal(cc_measures_compute(db, &cfg, &u, ymd(2026, 8, 24), ymd(2026, 11, 22),
                                             names, N, v[pass]), CC_OK);
        assert_int_equal(cc_measures_compute(db, &cfg, &u, ymd(2026, 5, 25), ymd(2026, 11, 22),
                                             an, 4, a[pass]), CC_OK);
        if (pass) {
            assert_true(cc_span_hits() >= hits + 5);    /* surveys, providers, trainings, tb, fb */
            cc_measures_span_end(db);
        } else {
            assert_int_equal(cc_span_hits(), hits);
        }
        for (size_t j = 0; j < N; j++) {
            assert_near(v[pass][0 * N + j], l01[j]);
            assert_near(v[pass][3 * N + j], s01[j]);
        }
        for (size_t j = 0; j < NSV; j++)
            assert_nan(v[pass][1 * N + j]);
        for (size_t j = 0; j < 4; j++)
            assert_near(a[pass][j], a01[j]);
    }
    for (size_t i = 0; i < u.n * N; i++)
        assert_true(isnan(v[0][i]) ? isnan(v[1][i]) : !memcmp(&v[0][i], &v[1][i], sizeof v[0][i]));
    for (size_t i = 0; i < u.n * 4; i++)
        assert_true(isnan(a[0][i]) ? isnan(a[1][i]) : !memcmp(&a[0][i], &a[1][i], sizeof a[0][i]));
    for (int pass = 0; pass < 2; pass++) {
        free(v[pass]);
        free(a[pass]);
    }
    cc_units_release(&u);
}

/* A row whose date is not a canonical 'YYYY-MM-DD' (the direct path compares
 * text): its source is read directly from then on, with the same numbers.
 * '2026-11-2x' sorts inside W47's text range but is no day. */
static void test_odd_date(void **state)
{
    (void)state;
    assert_int_equal(cc_store_exec(db, "INSERT INTO feedback (feedback_id, community_id, received,"
                                       " responded, resolved, file_id, line)"
                                       " VALUES ('FXX', 'L01', '2026-11-2x', NULL, 1, 1, 999)"),
                     CC_OK);
    compare_history(db, &cfg, ymd(2026, 11, 22));
    assert_int_equal(cc_store_exec(db, "DELETE FROM feedback WHERE feedback_id = 'FXX'"), CC_OK);
}

/* A bench database given by the environment (see the top of the file). */
static void test_bench_db(void **state)
{
    (void)state;
    const char *path = getenv("CARECARD_SPAN_TEST_DB"), *week = getenv("CARECARD_SPAN_TEST_WEEK");
    if (!path || !*path) {
        skip();
        return;
    }
    cc_err e;
    cc_config c;
    cc_store *s = cc_store_open(path, CC_STORE_READONLY, &e);
    assert_non_null(s);
    assert_int_equal(cc_config_load("indicators.ini", &c), CC_OK);
    cc_day sun = ymd(2026, 11, 22);
    if (week && *week)
        assert_int_equal(cc_parse_date(week, strlen(week), &sun), CC_PARSE_OK);
    compare_history(s, &c, sun);
    cc_config_release(&c);
    cc_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_history_equals_direct),
        cmocka_unit_test(test_history_with_attend_cache),
        cmocka_unit_test(test_cache_values),
        cmocka_unit_test(test_both_ways_hand_values),
        cmocka_unit_test(test_budget_fallback),
        cmocka_unit_test(test_no_cache_env),
        cmocka_unit_test(test_odd_date),
        cmocka_unit_test(test_bench_db),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
