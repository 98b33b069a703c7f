/* Unit tests of lib/measure: organisation units as of a day and the measure
 * catalog computed in SQL.  The database is built from
 * fixtures/test/engine/w47.sql (no ingest code involved); every expected value
 * is worked out by hand from that file in the comments. */
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

static int setup(void **state)
{
    (void)state;
    return w47_open("measure");
}

static int teardown(void **state)
{
    (void)state;
    w47_close();
    return 0;
}

/* ---- fixture ------------------------------------------------------------ */





/* Compute the named measures over [from, to]; returns units->n x n values. */
static double *measures(const cc_units *u, cc_day from, cc_day to, const char *const *names, size_t n)
{
    double *v = malloc(u->n * n * sizeof *v);
    assert_int_equal(cc_measures_compute(db, &cfg, u, from, to, names, n, v), CC_OK);
    return v;
}

#define V(v, unit, j, nn) ((v)[(size_t)(unit) * (nn) + (j)])
#define assert_nan(x) assert_true(isnan(x))
#define assert_near(x, y) assert_true(fabs((x) - (y)) < 1e-9)

/* ---- units -------------------------------------------------------------- */
static void test_units(void **state)
{
    (void)state;
    cc_units u;
    assert_int_equal(cc_units_load(db, ymd(2026, 11, 22), &u), CC_OK);
    /* L01 L02 L03, then S01 S02, then the area */
    assert_int_equal(u.ncomm, 3);
    assert_int_equal(u.nstreet, 2);
    assert_int_equal(u.n, 6);
    assert_string_equal(u.u[0].id, "L01");
    assert_string_equal(u.u[0].name, "凉水井社区");
    assert_string_equal(u.u[1].id, "L02");
    assert_string_equal(u.u[2].id, "L03");
    assert_string_equal(u.u[3].id, "S01");
    assert_string_equal(u.u[3].name, "东城街道");
    assert_int_equal(u.u[3].level, CC_LEVEL_STREET);
    assert_string_equal(u.u[4].id, "S02");
    assert_string_equal(u.u[5].id, "all");
    assert_string_equal(u.u[5].name, "全区");
    assert_int_equal(u.u[5].level, CC_LEVEL_AREA);
    assert_int_equal(u.u[0].street, 3);
    assert_int_equal(u.u[1].street, 3);
    assert_int_equal(u.u[2].street, 4);
    assert_string_equal(u.u[2].street_id, "S02");
    assert_int_equal(cc_units_find(&u, CC_LEVEL_COMMUNITY, "L02"), 1);
    assert_int_equal(cc_units_find(&u, CC_LEVEL_STREET, "S02"), 4);
    assert_int_equal(cc_units_find(&u, CC_LEVEL_AREA, "all"), 5);
    assert_int_equal(cc_units_find(&u, CC_LEVEL_COMMUNITY, "S01"), -1);
    assert_int_equal(cc_units_find(&u, CC_LEVEL_STREET, "nope"), -1);
    assert_string_equal(cc_level_name(CC_LEVEL_STREET), "street");
    cc_units_release(&u);
}

/* A community whose first register row is dated later is not in the report
 * before that day, and moves street when a later row says so. */
static void test_units_as_of(void **state)
{
    (void)state;
    cc_units u;
    assert_int_equal(cc_store_exec(db,
        "INSERT INTO communities (community_id, as_of, community_name, street_id, street_name, population, file_id, line)"
        " VALUES ('L00', '2026-11-18', '新社区', 'S02', '西城街道', 100, 1, 9),"
        "        ('L00', '2026-11-21', '新社区', 'S01', '东城街道', 100, 1, 10)"), CC_OK);
    assert_int_equal(cc_units_load(db, ymd(2026, 11, 17), &u), CC_OK);
    assert_int_equal(u.ncomm, 3);
    assert_int_equal(cc_units_find(&u, CC_LEVEL_COMMUNITY, "L00"), -1);
    cc_units_release(&u);
    assert_int_equal(cc_units_load(db, ymd(2026, 11, 18), &u), CC_OK);
    assert_int_equal(u.ncomm, 4);
    assert_string_equal(u.u[0].id, "L00");
    assert_string_equal(u.u[0].street_id, "S02");
    cc_units_release(&u);
    assert_int_equal(cc_units_load(db, ymd(2026, 11, 22), &u), CC_OK);
    assert_string_equal(u.u[0].street_id, "S01");
    assert_string_equal(u.u[u.u[0].street].id, "S01");
    cc_units_release(&u);
    assert_int_equal(cc_store_exec(db, "DELETE FROM communities WHERE community_id = 'L00'"), CC_OK);
}

/* Streets are in id order whatever the communities' order, each named as
 * its first community (in community order) names it, and every community
 * points at its own. */
static void test_units_streets(void **state)
{
    (void)state;
    cc_units u;
    assert_int_equal(cc_store_exec(db,
        "INSERT INTO communities (community_id, as_of, community_name, street_id, street_name, population, file_id, line)"
        " VALUES ('L05', '2026-11-01', '五社区', 'S00', '零街道', 100, 1, 11),"
        "        ('L04', '2026-11-01', '四社区', 'S00', '〇街道', 100, 1, 12)"), CC_OK);
    assert_int_equal(cc_units_load(db, ymd(2026, 11, 22), &u), CC_OK);
    /* L01 L02 L03 L04 L05, then S00 S01 S02, then the area */
    assert_int_equal(u.ncomm, 5);
    assert_int_equal(u.nstreet, 3);
    assert_string_equal(u.u[5].id, "S00");
    assert_string_equal(u.u[5].name, "〇街道");          /* L04's, not L05's */
    assert_string_equal(u.u[5].street_name, "〇街道");
    assert_int_equal(u.u[5].street, 5);
    assert_string_equal(u.u[6].id, "S01");
    assert_string_equal(u.u[7].id, "S02");
    assert_int_equal(u.u[7].street, 7);
    size_t want[] = {6, 6, 7, 5, 5};
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(u.u[i].street, want[i]);
    assert_int_equal(u.u[8].street, 8);
    cc_units_release(&u);
    assert_int_equal(cc_store_exec(db, "DELETE FROM communities WHERE community_id IN ('L04', 'L05')"), CC_OK);
}

/* ---- activities (W47 = 2026-11-16 .. 11-22) ------------------------------- */
static void test_activity_measures(void **state)
{
    (void)state;
    static const char *const names[] = {
        "activities", "cancelled", "scheduled", "attended", "registered", "capacity",
        "children", "special_attended", "staff", "staffed_children", "staffed_staff",
        "hours", "person_hours", "interaction_sum", "interaction_n", "checks_passed",
        "checks_total", "incidents", "online_booked", "volunteers", "reported", "communities"};
    enum { N = sizeof names / sizeof names[0] };
    cc_units u;
    assert_int_equal(cc_units_load(db, ymd(2026, 11, 22), &u), CC_OK);
    double *v = measures(&u, ymd(2026, 11, 16), ymd(2026, 11, 22), names, N);
    /* L01 (unit 0): A1, A2 completed, A3 cancelled.
     * activities 2, cancelled 1, scheduled 3; attended 17+8 = 25;
     * registered 20+20 = 40 (A3's 10 is cancelled); capacity 20+25 = 45;
     * children 10+8 = 18; special_attended: only A1 gives it = 1;
     * staff 2+1 = 3; staffed (children>0 and staff>0): A1 (10,2), A2 (8,1)
     * = 18 / 3; hours 2+1.5 = 3.5; person_hours 2*17 + 1.5*8 = 46;
     * interaction 5.5+4.5 = 10 over 2; checks 9+8 = 17 of 10+10 = 20;
     * incidents 0+1 = 1; online 8+4 = 12; volunteers: only A1 gives 1. */
    double l01[N] = {2, 1, 3, 25, 40, 45, 18, 1, 3, 18, 3, 3.5, 46, 10, 2, 17, 20, 1, 12, 1, 1, 1};
    /* L02 (unit 1): B1, B2. staffed: B2 has staff 0, so only B1 (20, 2);
     * interaction only from B1 (6, n 1); special_attended, volunteers:
     * no row gives them = missing. */
    double l02[N] = {2, 0, 2, 36, 40, 40, 29, NAN, 2, 20, 2, 3, 2 * 27 + 9, 6, 1, 19, 20, 0, 10, NAN, 1, 1};
    /* S01 (unit 3) = L01 + L02 (sums); reported 2 of communities 2 */
    double s01[N] = {4, 1, 5, 61, 80, 85, 47, 1, 5, 38, 5, 6.5, 46 + 63, 16, 3, 36, 40, 1, 22, 1, 2, 2};
    for (size_t j = 0; j < N; j++) {
        if (isnan(l01[j])) assert_nan(V(v, 0, j, N)); else assert_near(V(v, 0, j, N), l01[j]);
        if (isnan(l02[j])) assert_nan(V(v, 1, j, N)); else assert_near(V(v, 1, j, N), l02[j]);
        if (isnan(s01[j])) assert_nan(V(v, 3, j, N)); else assert_near(V(v, 3, j, N), s01[j]);
    }
    /* L03 (unit 2) has no activity rows this week: every activity measure is
     * missing (never zero-filled), reported = 0, communities = 1. */
    for (size_t j = 0; j < N - 2; j++)
        assert_nan(V(v, 2, j, N));
    assert_near(V(v, 2, N - 2, N), 0);
    assert_near(V(v, 2, N - 1, N), 1);
    /* S02: reported 0 of 1; the area: 2 of 3 */
    assert_near(V(v, 4, N - 2, N), 0);
    assert_near(V(v, 4, N - 1, N), 1);
    assert_nan(V(v, 4, 0, N));
    assert_near(V(v, 5, N - 2, N), 2);
    assert_near(V(v, 5, N - 1, N), 3);
    assert_near(V(v, 5, 3, N), 61);
    free(v);
    cc_units_release(&u);
}

/* partners: distinct names, counted again at street level (never summed). */
static void test_partners(void **state)
{
    (void)state;
    static const char *const names[] = {"partners"};
    cc_units u;
    assert_int_equal(cc_units_load(db, ymd(2026, 11, 22), &u), CC_OK);
    /* last:13w = 2026-08-24 .. 11-22: L01 A1 {图书馆, 卫生站}, A2 {图书馆},
     * A6 {少年宫} (A7's 博物馆 is in June) = 3; L02 B1 {图书馆} = 1;
     * S01 = {图书馆, 卫生站, 少年宫} = 3 (not 3 + 1); L03: its completed C1
     * (11-03) names no partner = 0, and so S02 = 0; the area = 3. */
    double *v = measures(&u, ymd(2026, 8, 24), ymd(2026, 11, 22), names, 1);
    assert_near(v[0], 3);
    assert_near(v[1], 1);
    assert_near(v[2], 0);
    assert_near(v[3], 3);
    assert_near(v[4], 0);
    assert_near(v[5], 3);
    free(v);
    /* A week where the completed sessions name no partner (W46: A4, B3)
     * gives 0; L03 has no activity that week: missing. */
    v = measures(&u, ymd(2026, 11, 9), ymd(2026, 11, 15), names, 1);
    assert_near(v[1], 0);
    assert_near(v[0], 0);
    assert_nan(v[2]);
    free(v);
    cc_units_release(&u);
}

/* ---- attendance: distinct counts over the window --------------------------- */
static void test_attendance_13w(void **state)
{
    (void)state;
    static const char *const names[] = {"participants", "child_participants", "households",
                                        "special_served", "volunteers_active"};
    cc_units u;
    assert_int_equal(cc_units_load(db, ymd(2026, 11, 22), &u), CC_OK);
    double *v = measures(&u, ymd(2026, 8, 24), ymd(2026, 11, 22), names, 5);
    /* 13 weeks 08-24 .. 11-22, completed activities only (x9 of the cancelled
     * A3 never counts; A7 on 06-01 is outside):
     * L01: A1 c1 c2 p1 v1, A2 c1 c3 g1, A4 c1 c4 v2, A5 c5, A6 c1 c2 c6 v1 v2 v3
     *   participants {c1..c6, p1, g1, v1, v2, v3} = 11; children c1..c6 = 6;
     *   households {H1..H6} = 6; special: c1 (special 1) = 1 (c2 is 0,
     *   the others not given); volunteers {v1, v2, v3} = 3.
     * L02: B1 d1 d2 q1 c1, B2 d1 d3, B3 d4, B4 d5, B5 d9 w1
     *   participants {d1 d2 q1 c1 d3 d4 d5 d9 w1} = 9; children {d1 d2 c1 d3
     *   d4 d5 d9} = 7; households {K1 K2 H1 K3 K4 K5 K9} = 7; special: only
     *   d1 gives the column (0) = 0; volunteers {w1} = 1.
     * S01 (counted over the street's rows, c1 once): participants 11 + 9 - 1 = 19;
     *   children 6 + 7 - 1 = 12; households 6 + 7 - 1 (H1) = 12; special 1;
     *   volunteers 4.  L03/S02: no attendance = missing. */
    double e[6][5] = {
        {11, 6, 6, 1, 3}, {9, 7, 7, 0, 1}, {NAN, NAN, NAN, NAN, NAN},
        {19, 12, 12, 1, 4}, {NAN, NAN, NAN, NAN, NAN}, {19, 12, 12, 1, 4}};
    for (size_t i = 0; i < 6; i++)
        for (size_t j = 0; j < 5; j++) {
            if (isnan(e[i][j])) assert_nan(V(v, i, j, 5));
            else assert_near(V(v, i, j, 5), e[i][j]);
        }
    free(v);
    cc_units_release(&u);
}

static void test_returning(void **state)
{
    (void)state;
    static const char *const names[] = {"participants", "returning", "prev_participants",
                                        "volunteers_active", "volunteers_retained", "volunteers_prev"};
    cc_units u;
    assert_int_equal(cc_units_load(db, ymd(2026, 11, 22), &u), CC_OK);
    /* last:4w = 10-26 .. 11-22; the window before = 09-28 .. 10-25.
     * L01 now: A1 c1 c2 p1 v1, A2 c1 c3 g1, A4 c1 c4 v2, A5 c5 = 9;
     *   before: A6 c1 c2 c6 v1 v2 v3 = 6; returning {c1 c2 v1 v2} = 4;
     *   volunteers now {v1 v2} = 2, before {v1 v2 v3} = 3, retained 2.
     * L02 now: B1 d1 d2 q1 c1, B2 d1 d3, B3 d4, B4 d5 = 7; before: B5 d9 w1 = 2;
     *   returning 0 (c1 came to L01 before, not to L02); volunteers now 0,
     *   before {w1} = 1, retained 0.
     * S01 now 9 + 7 - 1 = 15, before 6 + 2 = 8, returning {c1 c2 v1 v2} = 4;
     *   volunteers now 2, before 4, retained 2. */
    double *v = measures(&u, ymd(2026, 10, 26), ymd(2026, 11, 22), names, 6);
    double e[4][6] = {{9, 4, 6, 2, 2, 3}, {7, 0, 2, 0, 0, 1}, {0}, {15, 4, 8, 2, 2, 4}};
    for (size_t i = 0; i < 4; i++)
        for (size_t j = 0; j < 6; j++)
            if (i == 2) assert_nan(V(v, i, j, 6));
            else assert_near(V(v, i, j, 6), e[i][j]);
    free(v);
    /* W46 alone (11-09 .. 11-15): L01 A4 {c1 c4 v2}; the week before
     * (11-02 .. 11-08) A5 {c5}: returning 0, prev 1, volunteers_prev 0. */
    v = measures(&u, ymd(2026, 11, 9), ymd(2026, 11, 15), names, 6);
    assert_near(V(v, 0, 0, 6), 3);
    assert_near(V(v, 0, 1, 6), 0);
    assert_near(V(v, 0, 2, 6), 1);
    assert_near(V(v, 0, 5, 6), 0);
    free(v);
    cc_units_release(&u);
}

/* ---- registry --------------------------------------------------------------- */
static void test_registry(void **state)
{
    (void)state;
    static const char *const names[] = {"population", "places", "inclusive_places", "children_3_12",
                                        "monthly_fee", "monthly_income", "special_children"};
    cc_units u;
    assert_int_equal(cc_units_load(db, ymd(2026, 11, 22), &u), CC_OK);
    /* As of 11-22: L01's row of 11-20 (places 25, inclusive 15; the 12-01 row
     * is later); L02 16/4; L03 5/NULL.
     * S01: population 9000, places 41, inclusive 19, children_3_12 80;
     * monthly_fee weighted by population (1500*5000 + 3300*4000)/9000 = 2300;
     * monthly_income L01 60000/12*3 = 15000, L02 72000/12*2.5 = 15000 -> 15000.
     * S02: places 5, inclusive missing, fee missing.
     * Area: population 10000, places 46, inclusive 19 (L03 gives none). */
    double *v = measures(&u, ymd(2026, 11, 16), ymd(2026, 11, 22), names, 7);
    assert_near(V(v, 0, 1, 7), 25);
    assert_near(V(v, 0, 2, 7), 15);
    assert_near(V(v, 0, 5, 7), 15000);
    assert_near(V(v, 1, 4, 7), 3300);
    assert_near(V(v, 3, 0, 7), 9000);
    assert_near(V(v, 3, 1, 7), 41);
    assert_near(V(v, 3, 2, 7), 19);
    assert_near(V(v, 3, 3, 7), 80);
    assert_near(V(v, 3, 4, 7), 2300);
    assert_near(V(v, 3, 5, 7), 15000);
    assert_near(V(v, 3, 6, 7), 2);
    assert_near(V(v, 4, 1, 7), 5);
    assert_nan(V(v, 4, 2, 7));
    assert_nan(V(v, 4, 4, 7));
    assert_nan(V(v, 2, 3, 7));
    assert_near(V(v, 5, 0, 7), 10000);
    assert_near(V(v, 5, 1, 7), 46);
    assert_near(V(v, 5, 2, 7), 19);
    assert_near(V(v, 5, 4, 7), 2300);   /* L03 gives no fee: weights 5000 and 4000 only */
    free(v);
    /* As of W46's last day (11-15) L01 still has its first row: places 20. */
    cc_units u46;
    assert_int_equal(cc_units_load(db, ymd(2026, 11, 15), &u46), CC_OK);
    v = measures(&u46, ymd(2026, 11, 9), ymd(2026, 11, 15), names, 7);
    assert_near(V(v, 0, 1, 7), 20);
    assert_near(V(v, 0, 2, 7), 12);
    assert_near(V(v, 3, 1, 7), 36);
    free(v);
    cc_units_release(&u46);
    cc_units_release(&u);
}

/* ---- providers, trainings, timebank, feedback ------------------------------- */
static void test_providers_events(void **state)
{
    (void)state;
    static const char *const names[] = {"providers", "certified", "training_hours", "tb_members",
                                        "tb_deposit_hours", "tb_redeem_hours", "feedback",
                                        "feedback_timely", "feedback_resolved"};
    enum { N = 9 };
    cc_units u;
    assert_int_equal(cc_units_load(db, ymd(2026, 11, 22), &u), CC_OK);
    /* last:13w 08-24 .. 11-22.
     * providers active on 11-22, professional only: L01 PR1 (social worker,
     * certified), PR2 (caregiver); PR3 is a volunteer, PR4 left on 11-01 ->
     * 2, certified 1.  L02 PR5 -> 1, 1.  L03 has no provider rows: missing.
     * training hours of active professionals in the window: PR1 10 (09-15),
     * PR2 6 = 16 (PR1's May course is outside, PR4 has left, PR3 is a
     * volunteer).  L02 has never had a training: missing.
     * timebank: L01 members {M1 M2} = 2, deposits 2 + 1.5 = 3.5, redeemed 1.
     * feedback: L01 F1 F2 F3 and F4 (09-01, answered the same day) = 4;
     * timely F1 (2 days) and F4 (0) = 2; resolved F1 F4 = 2. */
    double *v = measures(&u, ymd(2026, 8, 24), ymd(2026, 11, 22), names, N);
    double l01[N] = {2, 1, 16, 2, 3.5, 1, 4, 2, 2};
    double s01[N] = {3, 2, 16, 2, 3.5, 1, 4, 2, 2};
    for (size_t j = 0; j < N; j++) {
        assert_near(V(v, 0, j, N), l01[j]);
        assert_near(V(v, 3, j, N), s01[j]);
    }
    assert_near(V(v, 1, 0, N), 1);
    assert_near(V(v, 1, 1, N), 1);
    for (size_t j = 2; j < N; j++)
        assert_nan(V(v, 1, j, N));       /* L02 never had trainings, timebank, feedback */
    for (size_t j = 0; j < N; j++)
        assert_nan(V(v, 2, j, N));       /* L03 */
    free(v);
    /* The event-log rule: W47 alone has no timebank row and no training; L01
     * has had such rows, so its counts are 0; L02 never: missing.
     * Feedback in W47: F2 (5 days: late) and F3 (not answered) = 2, timely 0. */
    v = measures(&u, ymd(2026, 11, 16), ymd(2026, 11, 22), names, N);
    assert_near(V(v, 0, 2, N), 0);
    assert_near(V(v, 0, 3, N), 0);
    assert_near(V(v, 0, 4, N), 0);
    assert_near(V(v, 0, 6, N), 2);
    assert_near(V(v, 0, 7, N), 0);
    assert_near(V(v, 0, 8, N), 0);
    assert_nan(V(v, 1, 3, N));
    assert_nan(V(v, 1, 6, N));
    assert_near(V(v, 3, 3, N), 0);       /* the street has had timebank rows */
    assert_nan(V(v, 4, 3, N));           /* S02 never */
    free(v);
    cc_units_release(&u);
}

/* ---- surveys and assessments --------------------------------------------------- */
static void test_survey_assess(void **state)
{
    (void)state;
    static const char *const names[] = {
        "survey.parent_sat.n", "survey.parent_sat.top2", "survey.parent_sat.sum",
        "survey.burden_relief.n", "survey.burden_relief.top2",
        "survey.digital_skill.n", "survey.digital_skill.yes", "survey.cohesion.n",
        "assess.cognitive.pairs", "assess.cognitive.pre_sum", "assess.cognitive.post_sum",
        "assess.social.pairs"};
    enum { N = 12 };
    cc_units u;
    assert_int_equal(cc_units_load(db, ymd(2026, 11, 22), &u), CC_OK);
    /* Surveys in last:13w (08-24 .. 11-22), parents and grandparents only:
     * parent_sat S01..S12 = 5 4 5 4 3 5 4 4 5 5 4 5 -> n 12, top2 11,
     * sum 53 (S13 is an elder, S14 '不知道' is not an answer, S15 is July).
     * burden_relief S01..S05 = 5 5 4 2 5 -> n 5, top2 4.
     * digital_skill, grandparents only: S03 否, S07 是, S12 Y -> n 3, yes 2
     * (S01's yes is a parent's).  cohesion: nobody answered -> 0 (L01 has
     * survey rows).  L02 has never had a survey: missing.
     * Assessments in last:26w (05-25 .. 11-22): c1 pre 50 post 60; c2 earliest
     * pre 40 (07-01), latest post 46 (11-01); c3 no post, c4 no pre, c5's pre
     * is in January -> pairs 2, pre 90, post 106.  social: none, but L01 has
     * assessments -> 0; L02 never -> missing. */
    double *v = measures(&u, ymd(2026, 5, 25), ymd(2026, 11, 22), names + 8, 4);
    assert_near(V(v, 0, 0, 4), 2);
    assert_near(V(v, 0, 1, 4), 90);
    assert_near(V(v, 0, 2, 4), 106);
    assert_near(V(v, 0, 3, 4), 0);
    assert_nan(V(v, 1, 0, 4));
    assert_nan(V(v, 1, 3, 4));
    assert_near(V(v, 3, 0, 4), 2);
    assert_near(V(v, 3, 3, 4), 0);
    free(v);
    v = measures(&u, ymd(2026, 8, 24), ymd(2026, 11, 22), names, N);
    double l01[8] = {12, 11, 53, 5, 4, 3, 2, 0};
    for (size_t j = 0; j < 8; j++) {
        assert_near(V(v, 0, j, N), l01[j]);
        assert_near(V(v, 3, j, N), l01[j]);
        assert_nan(V(v, 1, j, N));
    }
    /* 13 weeks: c1's post (11-10) has its pre on 08-01, outside: no pair;
     * c2: pre 09-01 (44), post 11-01 (46) -> pairs 1. */
    assert_near(V(v, 0, 8, N), 1);
    assert_near(V(v, 0, 9, N), 44);
    assert_near(V(v, 0, 10, N), 46);
    free(v);
    cc_units_release(&u);
}

static void test_unknown_measure(void **state)
{
    (void)state;
    static const char *const names[] = {"attended", "no_such_measure"};
    cc_units u;
    double v[12];
    FILE *sink = fopen("/dev/null", "w");
    cc_diag_set_sink(sink);
    assert_int_equal(cc_units_load(db, ymd(2026, 11, 22), &u), CC_OK);
    assert_int_equal(cc_measures_compute(db, &cfg, &u, ymd(2026, 11, 16), ymd(2026, 11, 22), names, 2, v),
                     CC_ERR_CONFIG);
    assert_nan(v[0]);
    cc_diag_set_sink(stderr);
    fclose(sink);
    cc_units_release(&u);
}

/* ---- the data range ------------------------------------------------------ */
/* The first and last day of any dated row: the fixture's, then with a time
 * bank row earlier than every other and a feedback row later (read by
 * index, each community's ends: the rows of a community that sorts last
 * and of one that is in no register count too), then assessments beyond
 * both.  The range is kept while the data are the same, so each change
 * shows at once. */
static void range_is(cc_day from, cc_day to)
{
    cc_day f, t;
    assert_int_equal(cc_measures_data_range(db, &f, &t), CC_OK);
    assert_int_equal(f, from);
    assert_int_equal(t, to);
}

static void test_data_range(void **state)
{
    (void)state;
    cc_day f0, t0;
    assert_int_equal(cc_measures_data_range(db, &f0, &t0), CC_OK);
    /* the fixture's: activities from 2026-01-05, the last row 2026-11-21 */
    assert_int_equal(f0, ymd(2026, 1, 5));
    assert_int_equal(t0, ymd(2026, 11, 21));
    assert_int_equal(cc_store_begin(db), CC_OK);
    assert_int_equal(cc_store_exec(db, "INSERT INTO timebank (txn_id, community_id, member_id, date, kind, hours,"
                                       " file_id, line) VALUES ('TX', 'ZZZ9', 'M9', '2020-01-02', 'deposit', 1, 6, 9)"),
                     CC_OK);
    range_is(ymd(2020, 1, 2), t0);
    assert_int_equal(cc_store_exec(db, "INSERT INTO feedback (feedback_id, community_id, received, file_id, line)"
                                       " VALUES ('FX', 'A00', '2027-03-04', 7, 9)"), CC_OK);
    range_is(ymd(2020, 1, 2), ymd(2027, 3, 4));
    assert_int_equal(cc_store_exec(db, "INSERT INTO assessments (participant_id, domain, phase, date, community_id,"
                                       " score, file_id, line) VALUES ('cx', 'motor', 'pre', '2019-05-06', 'L02', 1,"
                                       " 8, 9), ('cx', 'motor', 'post', '2028-01-01', 'L03', 2, 8, 10)"), CC_OK);
    range_is(ymd(2019, 5, 6), ymd(2028, 1, 1));
    cc_store_rollback(db);
    range_is(f0, t0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_units),
        cmocka_unit_test(test_units_as_of),
        cmocka_unit_test(test_units_streets),
        cmocka_unit_test(test_activity_measures),
        cmocka_unit_test(test_partners),
        cmocka_unit_test(test_attendance_13w),
        cmocka_unit_test(test_returning),
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_providers_events),
        cmocka_unit_test(test_survey_assess),
        cmocka_unit_test(test_unknown_measure),
        cmocka_unit_test(test_data_range),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
