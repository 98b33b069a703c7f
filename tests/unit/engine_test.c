/* Unit tests of the scorecard engine (lib/score/) and its renderings
 * (lib/report/render.c), on the hand-built fixture fixtures/test/engine/w47.sql
 * with the catalog fixtures/test/engine/indicators.ini (the default catalog of
 * indicators.md).  Every expected value is worked out by hand below from the
 * fixture; nothing is copied from the program's output.
 *
 * Report period 2026-W47 = 2026-11-16 .. 11-22.  Weeks back: W46 11-09..15,
 * W45 11-02..08, W44 10-26..11-01, W43 10-19..25, W42 10-12..18,
 * W41 10-05..11, W40 09-28..10-04.
 * Activity rows by week: L01 W47 A1 A2 (A3 cancelled), W46 A4, W45 A5, W42 A6
 * (so L01 did not report in W44 and W43); L02 W47 B1 B2, W46 B3, W45 B4,
 * W41 B5; L03 W45 C1 only.
 *
 * Scores (threshold scoring, band_scores 80, 60): 100 at or beyond the
 * target; blue 80 + 20 (v - yellow) / (target - yellow); yellow
 * 60 + 20 (v - red) / (yellow - red); red 60 (v - floor) / (red - floor),
 * 0 beyond the floor; mirrored for lower.  floor 0 unless given (P2 1,
 * P4 0.40, P6 20, P7 5, L1/L2 -0.10, X2 0.5).  The status is the value's
 * band (never changed by escalation); 专项整治 (rectify) needs a run of
 * escalate_after misses and a yellow or red band now.  The fixture's data
 * begin on 2026-01-05 (c5's assessment), before every period counted here.
 */
#include "store/db.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "carecard.h"

#include "w47_fixture.h"

static cc_scorecard *w47;


static cc_scorecard *compute(const cc_config *c, const char *period, const cc_scope *scope)
{
    cc_period p;
    cc_scorecard *sc = NULL;
    assert_int_equal(cc_period_parse(period, &p), CC_OK);
    assert_int_equal(cc_scorecard_compute(db, c, &p, scope, &sc), CC_OK);
    assert_non_null(sc);
    return sc;
}



static int setup(void **state)
{
    (void)state;
    cc_period p;
    if (w47_open("engine") != 0)
        return -1;
    if (cc_period_parse("2026-W47", &p) != CC_OK || cc_scorecard_compute(db, &cfg, &p, NULL, &w47) != CC_OK)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    cc_scorecard_free(w47);
    w47_close();
    return 0;
}

static const cc_unit_result *unit(const cc_scorecard *sc, const char *id)
{
    for (size_t i = 0; i < sc->units.n; i++)
        if (!strcmp(sc->res[i].unit.id, id))
            return &sc->res[i];
    fail_msg("unit %s not in the scorecard", id);
    return NULL;
}

static const cc_cell *cell(const cc_scorecard *sc, const char *u, const char *ind)
{
    int i = cc_config_indicator(sc->cfg, ind);
    assert_true(i >= 0);
    return &unit(sc, u)->cells[i];
}

/* Indicator ind of unit u, k periods back. */
static double hist(const cc_scorecard *sc, const char *u, const char *ind, int k)
{
    return cc_cell_hist(sc, unit(sc, u), (size_t)cc_config_indicator(sc->cfg, ind), k);
}

static unsigned char hist_st(const cc_scorecard *sc, const char *u, const char *ind, int k)
{
    return cc_cell_hist_st(sc, unit(sc, u), (size_t)cc_config_indicator(sc->cfg, ind), k);
}

#define assert_near(x, y) do { double x_ = (x), y_ = (y); \
    if (!(fabs(x_ - y_) <= 1e-9 * fmax(1, fabs(y_)))) fail_msg("%s = %.17g, expected %.17g", #x, x_, y_); } while (0)
#define assert_nan(x) do { double x_ = (x); if (!isnan(x_)) fail_msg("%s = %.17g, expected NAN", #x, x_); } while (0)

typedef struct {
    const char *id;
    double value;       /* NAN: no value */
    cc_status status;   /* after escalation */
    int run, rectify;
    double score;       /* NAN: none */
} expect;

static void check_unit(const char *u, const expect *e, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        const cc_cell *c = cell(w47, u, e[k].id);
        if (isnan(e[k].value)) {
            if (!isnan(c->value))
                fail_msg("%s %s: value %.17g, expected none", u, e[k].id, c->value);
        } else if (!(fabs(c->value - e[k].value) <= 1e-9 * fmax(1, fabs(e[k].value)))) {
            fail_msg("%s %s: value %.17g, expected %.17g", u, e[k].id, c->value, e[k].value);
        }
        if (c->status != e[k].status)
            fail_msg("%s %s: status %s, expected %s", u, e[k].id, cc_status_name(c->status),
                     cc_status_name(e[k].status));
        if (c->run != e[k].run || c->rectify != e[k].rectify)
            fail_msg("%s %s: run %d rectify %d, expected %d %d", u, e[k].id, c->run, c->rectify,
                     e[k].run, e[k].rectify);
        if (isnan(e[k].score) != isnan(c->score) ||
            (!isnan(c->score) && fabs(c->score - e[k].score) > 1e-9))
            fail_msg("%s %s: score %.17g, expected %.17g", u, e[k].id, c->score, e[k].score);
    }
}

/* ---- L01 凉水井社区 ---------------------------------------------------------- */
static void test_l01(void **state)
{
    (void)state;
    static const expect e[] = {
        /* P1 checks (9+8)/(10+10) = 0.85: yellow (0.80 <= v < 0.90); W46 (A4
         * has no checks) missing, so run 1.  score 60 + 20 * 0.05 / 0.10 */
        {"P1", 0.85, CC_ST_YELLOW, 1, 0, 70},
        /* P2 (5.5+4.5)/2 = 5.0 = target: met; score (5-1)/(5-1) = 100 */
        {"P2", 5.0, CC_ST_MET, 0, 0, 100},
        /* P3 2 completed / 3 scheduled: red (< 0.80); W46 1/1 met: run 1;
         * score 60 * (2/3) / 0.80 */
        {"P3", 2.0 / 3, CC_ST_RED, 1, 0, 50},
        /* P4 25/40 = 0.625 red; W46 A4 15/20 = 0.75 yellow; W45 10/10 met:
         * run 2 = escalate_after -> 专项整治; score 60 * (0.625-0.4)/(0.7-0.4) = 45 */
        {"P4", 0.625, CC_ST_RED, 2, 1, 45},
        /* P5 25/45 yellow (0.50 <= v < 0.70); W46 15/20 = 0.75 blue; W45 met:
         * run 2 and yellow now -> 专项整治, still yellow;
         * score 60 + 20 * (25/45 - 0.5) / 0.2 = 65.56 */
        {"P5", 25.0 / 45, CC_ST_YELLOW, 2, 1, 60 + 100 * (25.0 / 45 - 0.5)},
        /* P6 lower: 18/3 = 6 <= 7 met; (6-20)/(7-20) > 1 -> 100 */
        {"P6", 6, CC_ST_MET, 0, 0, 100},
        /* P7 last:4w (10-26..11-22) 1000 * 1 incident / (17+8+15+10) = 20 > red 2;
         * W46's 4 weeks (10-19..11-15): 0/25 = 0 met: run 1; beyond the floor 5: 0 */
        {"P7", 20, CC_ST_RED, 1, 0, 0},
        /* P8 last:4w F1 (2 days) timely, F2 (5 days) late, F3 open: 1/3 red;
         * W46 (10-19..11-15): F1 alone 1/1 met; score 60 * (1/3) / 0.6 */
        {"P8", 1.0 / 3, CC_ST_RED, 1, 0, 100.0 / 3},
        /* R1 last:13w 11 of 12 answers are 4 or 5: 0.9167 blue.  W46 and W45
         * see the same 12 answers (blue); W44 (08-03..11-01) S01..S10: 9/10 =
         * 0.9 blue (yellow boundary is inclusive); W43: 9 answers < min_n 10 =
         * 样本不足, which ends the run: 4, but blue: 关注, no 专项整治;
         * score 80 + 20 * (11/12 - 0.9) / 0.05 = 86.67 */
        {"R1", 11.0 / 12, CC_ST_BLUE, 4, 0, 80 + 400 * (11.0 / 12 - 0.9)},
        /* R2 6 children / 30 = 0.2: blue (exactly yellow).  W46 5/30 yellow,
         * W45 4/30 yellow, W44 L01 did not report (未报: missing): run 3;
         * blue: no 专项整治; score 80 at the yellow boundary */
        {"R2", 0.2, CC_ST_BLUE, 3, 0, 80},
        /* R3 6 households / 10 = 0.6 blue; W46 5/10 blue; W45 4/10 yellow; W44 未报;
         * score 80 + 20 * 0.1 / 0.15 */
        {"R3", 0.6, CC_ST_BLUE, 3, 0, 80 + 40.0 / 3},
        /* R4 1 special child served / 2 = 0.5 red; W46: no row of its 13 weeks
         * gives the special column -> missing: run 1; score 60 * 0.5 / 0.7 */
        {"R4", 0.5, CC_ST_RED, 1, 0, 300.0 / 7},
        /* R5 4 returning / 6 = 0.667 met */
        {"R5", 4.0 / 6, CC_ST_MET, 0, 0, 100},
        /* R6 5 answers < min_n 10: 样本不足 */
        {"R6", NAN, CC_ST_INSUFFICIENT, 0, 0, NAN},
        /* L1 last:26w (106-90)/90 = 0.1778 met; (0.1778+0.1)/0.2 > 1 -> 100 */
        {"L1", 16.0 / 90, CC_ST_MET, 0, 0, 100},
        /* L2 no social assessments but L01 has assessments: 0/0 -> division
         * by zero, min_n 0 -> 无数据 */
        {"L2", NAN, CC_ST_MISSING, 0, 0, NAN},
        /* L3 16 h / 2 providers = 8 met */
        {"L3", 8, CC_ST_MET, 0, 0, 100},
        /* L4 1 certified / 2 = 0.5 red; in every earlier week 2/3 (PR4 active
         * until 11-01) red: run 12 (the most counted); score 60 * 0.5 / 0.7 */
        {"L4", 0.5, CC_ST_RED, 12, 1, 300.0 / 7},
        /* L5 2 retained / 3 = 0.667 blue; W46 (10-19..11-15) {v2} of
         * {v1 v2 v3} = 0.333 yellow; W45: no attendance in 09-14..10-11 ->
         * volunteers_prev missing: run 2, blue now: 关注;
         * score 80 + 20 * (2/3 - 0.5) / 0.2 = 96.67 */
        {"L5", 2.0 / 3, CC_ST_BLUE, 2, 0, 80 + 100 * (2.0 / 3 - 0.5)},
        /* C1 3 partners: yellow (3 = red boundary, inclusive); W46 1 red,
         * W45 1 red, W44 未报: run 3, yellow: 专项整治; score 60 at red */
        {"C1", 3, CC_ST_YELLOW, 3, 1, 60},
        /* C2 nobody answered (L01 has surveys): n 0 < 10 -> 样本不足 */
        {"C2", NAN, CC_ST_INSUFFICIENT, 0, 0, NAN},
        /* C3 100 * 2 members / 10 families = 20 met */
        {"C3", 20, CC_ST_MET, 0, 0, 100},
        /* C4 1000 * 25 places (the 11-20 register row) / 5000 = 5 met */
        {"C4", 5, CC_ST_MET, 0, 0, 100},
        /* X1 15/25 = 0.6 = target: met */
        {"X1", 0.6, CC_ST_MET, 0, 0, 100},
        /* X2 lower: 1500 / (60000/12*3 = 15000) = 0.1 met */
        {"X2", 0.1, CC_ST_MET, 0, 0, 100},
        /* X3 last:4w online 8+4+5 (A5 gives none) / registered 20+20+20+10 =
         * 17/70 blue; W46 5/30 yellow; W45: no online_booked in its 4 weeks
         * (A5, A6) -> missing: run 2, blue: 关注; score 80 + 20 * (17/70 - 0.2) / 0.1 */
        {"X3", 17.0 / 70, CC_ST_BLUE, 2, 0, 80 + 200 * (17.0 / 70 - 0.2)},
        /* X4 grandparents: 2 yes of 3 < min_n 10 */
        {"X4", NAN, CC_ST_INSUFFICIENT, 0, 0, NAN},
        /* X5 reported 1 / 1 */
        {"X5", 1, CC_ST_MET, 0, 0, 100},
    };
    check_unit("L01", e, sizeof e / sizeof e[0]);

    const cc_cell *p4 = cell(w47, "L01", "P4");
    assert_near(p4->num, 25);
    assert_near(p4->den, 40);
    assert_near(p4->prev_value, 0.75);
    assert_int_equal(p4->change, CC_CHG_CONTINUING);
    assert_int_equal(p4->colour, CC_COL_RED);
    assert_string_equal(p4->explanation, "活动出勤率 62.5% (25/40) < 目标 85.0%，连续 2 周未达标 → 专项整治");
    assert_string_equal(cc_cell_action_zh(p4), "专项整治");
    /* P1: W46 missing -> new; yellow, run 1: no run in the text */
    const cc_cell *p1 = cell(w47, "L01", "P1");
    assert_int_equal(p1->change, CC_CHG_NEW);
    assert_nan(p1->prev_value);
    assert_string_equal(p1->explanation, "活动组织规范率 85.0% (17/20) < 目标 95.0%");
    assert_string_equal(cc_cell_action_zh(p1), "限期整改");
    /* C1 has no division: no (n/d) */
    const cc_cell *c1 = cell(w47, "L01", "C1");
    assert_nan(c1->num);
    assert_string_equal(c1->explanation, "资源整合度 3 < 目标 8，连续 3 周未达标 → 专项整治");
    /* R5 was yellow in W46 (returning {c1 v2} of 6 = 0.333) and is met: resolved */
    assert_int_equal(cell(w47, "L01", "R5")->change, CC_CHG_RESOLVED);
    assert_near(cell(w47, "L01", "R5")->prev_value, 2.0 / 6);
    /* C4 W46: 1000 * 20 (first register row) / 5000 = 4 blue -> resolved */
    assert_near(cell(w47, "L01", "C4")->prev_value, 4);
    assert_int_equal(cell(w47, "L01", "C4")->change, CC_CHG_RESOLVED);
    assert_int_equal(cell(w47, "L01", "P2")->change, CC_CHG_NONE);
    /* history: P4 values of W47, W46, W45; W44 not reported */
    assert_near(hist(w47, "L01", "P4", 0), 0.625);
    assert_near(hist(w47, "L01", "P4", 1), 0.75);
    assert_near(hist(w47, "L01", "P4", 2), 1.0);
    assert_nan(hist(w47, "L01", "P4", 3));
    assert_int_equal(hist_st(w47, "L01", "P4", 0), CC_ST_RED);
    assert_int_equal(hist_st(w47, "L01", "P4", 3), CC_ST_MISSING);   /* 未报: no value */
    assert_int_equal(hist_st(w47, "L01", "X5", 3), CC_ST_NOT_REPORTED);
    /* insufficient sample: explanation names the sample */
    assert_string_equal(cell(w47, "L01", "R6")->explanation, "育儿减负感知率 样本不足 (5 < 10)");
    assert_int_equal(cell(w47, "L01", "R6")->colour, CC_COL_GREY);
    /* warnings by band: red P3 P4 P7 P8 R4 L4 = 6, yellow P1 P5 C1 = 3,
     * blue R1 R2 R3 L5 X3 = 5; 专项整治 P4 P5 L4 C1 = 4 */
    const cc_unit_result *r = unit(w47, "L01");
    assert_int_equal(r->warnings[CC_COL_RED], 6);
    assert_int_equal(r->warnings[CC_COL_YELLOW], 3);
    assert_int_equal(r->warnings[CC_COL_BLUE], 5);
    assert_int_equal(r->nrectify, 4);
    /* R1 blue for 4 weeks: 关注 (a blue run stays a watch) */
    assert_string_equal(cc_cell_action_zh(cell(w47, "L01", "R1")), "关注");
    assert_int_equal(cell(w47, "L01", "R1")->colour, CC_COL_BLUE);
    /* P5 yellow with a run of 2: 专项整治, but its colour stays yellow */
    assert_int_equal(cell(w47, "L01", "P5")->colour, CC_COL_YELLOW);
    assert_string_equal(cc_cell_action_zh(cell(w47, "L01", "P5")), "专项整治");
    assert_true(r->reported);
}

/* ---- L02 桃园社区 ------------------------------------------------------------ */
static void test_l02(void **state)
{
    (void)state;
    static const expect e[] = {
        {"P1", 0.95, CC_ST_MET, 0, 0, 100},             /* (10+9)/20 */
        {"P2", 6, CC_ST_MET, 0, 0, 100},                /* only B1 gives a score */
        {"P3", 1, CC_ST_MET, 0, 0, 100},
        {"P4", 0.9, CC_ST_MET, 0, 0, 100},              /* 36/40 */
        {"P5", 0.9, CC_ST_MET, 0, 0, 100},              /* 36/40 */
        /* P6 lower: only B1 has staff (20 children, 2 staff) = 10: yellow
         * (9 < v <= 12).  W46: B3 gives no staff -> missing; W45 B4 12/1 =
         * 12 yellow — the missing week interrupts the run: 1, no 专项整治.
         * score (mirrored) 60 + 20 * (12 - 10) / (12 - 9) = 73.33 */
        {"P6", 10, CC_ST_YELLOW, 1, 0, 60 + 40.0 / 3},
        /* P7: no incident in B1 B2 (B3 B4 give none): 0 / 76 = 0 met */
        {"P7", 0, CC_ST_MET, 0, 0, 100},
        {"P8", NAN, CC_ST_MISSING, 0, 0, NAN},          /* never any feedback */
        {"R1", NAN, CC_ST_MISSING, 0, 0, NAN},          /* never any survey */
        /* R2 7 children (d1 d2 c1 d3 d4 d5 d9) / 50 = 0.14 yellow; W46 3/50,
         * W45 2/50 red; W44 未报: run 3, yellow: 专项整治;
         * score 60 + 20 * 0.04 / 0.1 = 68 */
        {"R2", 0.14, CC_ST_YELLOW, 3, 1, 68},
        /* R3 7 households / 40 = 0.175 red; W46 3/40, W45 2/40 red; W44 未报;
         * score 60 * 0.175 / 0.35 */
        {"R3", 0.175, CC_ST_RED, 3, 1, 30},
        /* R4 special_served 0 (d1 says no) / special_children 0: division by zero */
        {"R4", NAN, CC_ST_MISSING, 0, 0, NAN},
        /* R5 0 returning / 2 (d9 w1) red; W46 and W45 0/2 red; W44 未报 */
        {"R5", 0, CC_ST_RED, 3, 1, 0},
        {"R6", NAN, CC_ST_MISSING, 0, 0, NAN},
        {"L1", NAN, CC_ST_MISSING, 0, 0, NAN},
        {"L2", NAN, CC_ST_MISSING, 0, 0, NAN},
        {"L3", NAN, CC_ST_MISSING, 0, 0, NAN},          /* never any training */
        {"L4", 1, CC_ST_MET, 0, 0, 100},
        /* L5 0 / 1 (w1) red; W46, W45 the same; W44 未报 */
        {"L5", 0, CC_ST_RED, 3, 1, 0},
        /* C1 1 partner red; W46, W45 0 (completed sessions without partners) red; W44 未报;
         * score 60 * 1 / 3 */
        {"C1", 1, CC_ST_RED, 3, 1, 20},
        {"C2", NAN, CC_ST_MISSING, 0, 0, NAN},
        {"C3", NAN, CC_ST_MISSING, 0, 0, NAN},          /* never any time bank */
        /* C4 1000 * 16 / 4000 = 4 blue in every week: run 12, stays blue
         * (关注); score 80 at the yellow boundary */
        {"C4", 4, CC_ST_BLUE, 12, 0, 80},
        /* X1 4/16 = 0.25 red every week: 专项整治; score 60 * 0.25 / 0.4 */
        {"X1", 0.25, CC_ST_RED, 12, 1, 37.5},
        /* X2 lower: 3300 / (72000/12*2.5 = 15000) = 0.22 blue every week: run 12;
         * blue: 关注; score (mirrored) 80 + 20 * (0.25 - 0.22) / (0.25 - 0.2) = 92 */
        {"X2", 0.22, CC_ST_BLUE, 12, 0, 92},
        /* X3 10/80 = 0.125 red; W46: no online_booked (B3 B4) -> missing: run 1;
         * score 60 * 0.125 / 0.15 */
        {"X3", 0.125, CC_ST_RED, 1, 0, 50},
        {"X4", NAN, CC_ST_MISSING, 0, 0, NAN},
        {"X5", 1, CC_ST_MET, 0, 0, 100},
    };
    check_unit("L02", e, sizeof e / sizeof e[0]);
    const cc_cell *p6 = cell(w47, "L02", "P6");
    assert_int_equal(p6->change, CC_CHG_NEW);
    assert_string_equal(p6->explanation, "师幼比 10 (20/2) > 目标 7");
    assert_string_equal(cc_cell_action_zh(p6), "限期整改");
    assert_string_equal(cell(w47, "L02", "X2")->explanation,
                        "托育费用负担率 22.0% (3300/15000) > 目标 20.0%，连续 12 周未达标");
    assert_string_equal(cc_cell_action_zh(cell(w47, "L02", "X2")), "关注");
    assert_string_equal(cell(w47, "L02", "R4")->explanation, "困境儿童覆盖率 无数据（分母为 0）");
    assert_string_equal(cell(w47, "L02", "L3")->explanation, "人均培训学时 无数据（缺 training_hours）");
}

/* ---- S01 东城街道: the street's own measures ------------------------------------ */
static void test_s01(void **state)
{
    (void)state;
    static const expect e[] = {
        /* P1 (17+19)/(20+20) = 0.9 blue; W46 no checks: run 1; 80 at yellow */
        {"P1", 0.9, CC_ST_BLUE, 1, 0, 80},
        {"P2", 16.0 / 3, CC_ST_MET, 0, 0, 100},          /* (5.5+4.5+6)/3 */
        /* P3 4/5 = 0.8 yellow; W46 2/2 met; 60 at red */
        {"P3", 0.8, CC_ST_YELLOW, 1, 0, 60},
        /* P4 61/80 = 0.7625 yellow; W46 35/40 met; 60 + 20 * 0.0625 / 0.1 */
        {"P4", 61.0 / 80, CC_ST_YELLOW, 1, 0, 72.5},
        /* P5 the ratio of sums 61/85 = 0.7176 (blue) — not the mean of the
         * community ratios (25/45 + 36/40)/2 = 0.7278 */
        {"P5", 61.0 / 85, CC_ST_BLUE, 1, 0, 80 + 200 * (61.0 / 85 - 0.7)},
        /* P6 (18+20)/(3+2) = 7.6 blue (7 < v <= 9); W46 missing;
         * 80 + 20 * (9 - 7.6) / 2 = 94 */
        {"P6", 7.6, CC_ST_BLUE, 1, 0, 94},
        /* P7 1000 * 1 / (50 + 76) red; W46 0/65 met */
        {"P7", 1000.0 / 126, CC_ST_RED, 1, 0, 0},
        {"P8", 1.0 / 3, CC_ST_RED, 1, 0, 100.0 / 3},
        /* R1: a street has no 未报 state: 4 weeks blue as L01, W43 样本不足 */
        {"R1", 11.0 / 12, CC_ST_BLUE, 4, 0, 80 + 400 * (11.0 / 12 - 0.9)},
        /* R2 distinct children over the street's rows 6 + 7 - c1 = 12 / 80 =
         * 0.15 yellow; back: W46 8/80 yellow, W45 6, W44 4, W43 4, W42 4,
         * W41 1 (d9) red, W40 no attendance -> missing: run 7; 60 + 20 * 0.05 / 0.1 */
        {"R2", 0.15, CC_ST_YELLOW, 7, 1, 70},
        {"R3", 12.0 / 50, CC_ST_RED, 7, 1, 60 * 0.24 / 0.35},
        {"R4", 0.5, CC_ST_RED, 1, 0, 300.0 / 7},        /* c1 / 2 special children */
        /* R5 returning {c1 c2 v1 v2} 4 / 8 = 0.5 met */
        {"R5", 0.5, CC_ST_MET, 0, 0, 100},
        {"R6", NAN, CC_ST_INSUFFICIENT, 0, 0, NAN},
        {"L1", 16.0 / 90, CC_ST_MET, 0, 0, 100},
        {"L2", NAN, CC_ST_MISSING, 0, 0, NAN},
        /* L3 16 h / (2+1) providers = 5.33 yellow; every earlier week misses
         * too (W44: 20/4 = 5; the oldest weeks 0 h, zero-filled): run 12;
         * 60 + 20 * (16/3 - 3) / 3 */
        {"L3", 16.0 / 3, CC_ST_YELLOW, 12, 1, 60 + 20 * (16.0 / 3 - 3) / 3},
        {"L4", 2.0 / 3, CC_ST_RED, 12, 1, 60 * (2.0 / 3) / 0.7},
        /* L5 retained {v1 v2} / prev {v1 v2 v3 w1} = 0.5 blue; W46 1/4 red;
         * W45 0/1 red; W44 prev window 09-07..10-04 has no attendance: run 3;
         * blue: 关注, 80 at yellow */
        {"L5", 0.5, CC_ST_BLUE, 3, 0, 80},
        /* C1 {图书馆 卫生站 少年宫} = 3, not 3 + 1: yellow (60 at red) */
        {"C1", 3, CC_ST_YELLOW, 7, 1, 60},
        {"C2", NAN, CC_ST_INSUFFICIENT, 0, 0, NAN},
        /* C3 100 * 2 / 50 = 4 red in all 12 weeks; 60 * 4 / 5 */
        {"C3", 4, CC_ST_RED, 12, 1, 48},
        {"C4", 41000.0 / 9000, CC_ST_MET, 0, 0, 100},
        {"X1", 19.0 / 41, CC_ST_YELLOW, 12, 1, 60 + 200 * (19.0 / 41 - 0.4)},
        /* X2 population-weighted 2300 / 15000 */
        {"X2", 2300.0 / 15000, CC_ST_MET, 0, 0, 100},
        /* X3 27/150 yellow; W46 5/70 red; W45 no online_booked: run 2;
         * 60 + 20 * 0.03 / 0.05 */
        {"X3", 0.18, CC_ST_YELLOW, 2, 1, 72},
        {"X4", NAN, CC_ST_INSUFFICIENT, 0, 0, NAN},
        {"X5", 1, CC_ST_MET, 0, 0, 100},
    };
    check_unit("S01", e, sizeof e / sizeof e[0]);
    assert_true(fabs(cell(w47, "S01", "P5")->value - (25.0 / 45 + 36.0 / 40) / 2) > 0.005);
    assert_string_equal(cell(w47, "S01", "P6")->explanation, "师幼比 7.6 (38/5) > 目标 7");
}

/* ---- 未报: L03 did not report in W47 nor W46 (it did in W45) -------------------- */
static void test_not_reported(void **state)
{
    (void)state;
    const cc_unit_result *r = unit(w47, "L03");
    const cc_cell *x5 = cell(w47, "L03", "X5");
    assert_false(r->reported);
    assert_int_equal(w47->nnot_reported, 1);
    assert_int_equal(x5->status, CC_ST_NOT_REPORTED);
    assert_int_equal(x5->run, 2);
    assert_true(x5->rectify);
    assert_int_equal(x5->colour, CC_COL_RED);
    assert_int_equal(x5->change, CC_CHG_CONTINUING);
    assert_string_equal(x5->explanation, "河畔社区 本周未报送活动台账，连续 2 周未报送 → 专项整治");
    assert_string_equal(cc_cell_action_zh(x5), "专项整治");
    /* every indicator using activities or attendance is missing with 未报 */
    const char *act[] = {"P1", "P2", "P3", "P4", "P5", "P6", "P7", "R2", "R3", "R4", "R5", "L5", "C1", "X3"};
    for (size_t k = 0; k < sizeof act / sizeof act[0]; k++) {
        const cc_cell *c = cell(w47, "L03", act[k]);
        assert_int_equal(c->status, CC_ST_MISSING);
        assert_int_equal(c->colour, CC_COL_GREY);
        assert_nan(c->value);
        assert_string_equal(c->explanation, "未报");
        assert_int_equal(c->run, 0);
    }
    /* the register still counts: C4 1000 * 5 / 1000 = 5 met, coverage
     * (0 + 0 + 0 + 1/4) / 4; but a community that did not report has no
     * total, grade or rank */
    assert_near(cell(w47, "L03", "C4")->value, 5);
    assert_nan(r->total);
    assert_null(r->grade);
    assert_int_equal(r->rank, 0);
    assert_int_equal(r->rank_in_area, 0);
    assert_int_equal(r->unranked, CC_UNRANKED_NOT_REPORTED);
    assert_near(r->coverage, 0.0625);
    /* S02: X5 is the ordinary ratio 0/1, red in W47 and W46: run 2, 专项整治 */
    const cc_cell *s = cell(w47, "S02", "X5");
    assert_int_equal(s->status, CC_ST_RED);
    assert_near(s->value, 0);
    assert_int_equal(s->run, 2);
    assert_true(s->rectify);
    assert_string_equal(s->explanation, "报送完整率 0.0% (0/1) < 目标 100.0%，连续 2 周未达标 → 专项整治");
    /* the area: 2 of 3 reported in W47 and W46, 3 of 3 in W45 */
    const cc_cell *a = cell(w47, "all", "X5");
    assert_near(a->value, 2.0 / 3);
    assert_int_equal(a->run, 2);
    assert_int_equal(a->status, CC_ST_RED);
    /* a street's P4 without rows is simply missing */
    assert_int_equal(cell(w47, "S02", "P4")->status, CC_ST_MISSING);
}

/* W46: L03's first week without a report: yellow, no 专项整治. */
static void test_not_reported_first(void **state)
{
    (void)state;
    cc_scorecard *sc = compute(&cfg, "2026-W46", NULL);
    const cc_cell *x5 = cell(sc, "L03", "X5");
    assert_int_equal(x5->status, CC_ST_NOT_REPORTED);
    assert_int_equal(x5->run, 1);
    assert_false(x5->rectify);
    assert_int_equal(x5->colour, CC_COL_YELLOW);
    assert_int_equal(x5->change, CC_CHG_NEW);
    assert_string_equal(x5->explanation, "河畔社区 本周未报送活动台账");
    assert_string_equal(cc_cell_action_zh(x5), "督促报送");
    /* L01's P4 in W46: 0.75 yellow, W45 met: run 1 */
    assert_int_equal(cell(sc, "L01", "P4")->status, CC_ST_YELLOW);
    assert_int_equal(cell(sc, "L01", "P4")->run, 1);
    /* the register as of 11-15: L01 places 20 -> C4 = 4 blue, as in every
     * week before: run 12, still blue and only 关注 */
    assert_near(cell(sc, "L01", "C4")->value, 4);
    assert_int_equal(cell(sc, "L01", "C4")->status, CC_ST_BLUE);
    assert_int_equal(cell(sc, "L01", "C4")->run, 12);
    assert_false(cell(sc, "L01", "C4")->rectify);
    cc_scorecard_free(sc);
}

/* ---- dimension scores, totals, grades, ranks ----------------------------------------- */
static void test_totals(void **state)
{
    (void)state;
    const cc_unit_result *r = unit(w47, "L01");
    /* process: mean of the 8 scores; recipients: 5 of 6 (R6 insufficient);
     * growth: 4 of 5 (L2 missing); community: 3 of 4 (C2 insufficient). */
    double p = (70 + 100 + 50 + 45 + (60 + 100 * (25.0 / 45 - 0.5)) + 100 + 0 + 100.0 / 3) / 8;
    double rr = ((80 + 400 * (11.0 / 12 - 0.9)) + 80 + (80 + 40.0 / 3) + 300.0 / 7 + 100) / 5;
    double g = (100 + 100 + 300.0 / 7 + (80 + 100 * (2.0 / 3 - 0.5))) / 4;
    double c = (60 + 100 + 100) / 3.0;
    assert_near(r->dim_score[0], p);
    assert_near(r->dim_score[1], rr);
    assert_near(r->dim_score[2], g);
    assert_near(r->dim_score[3], c);
    assert_near(r->dim_coverage[1], 5.0 / 6);
    assert_near(r->dim_coverage[2], 4.0 / 5);
    assert_near(r->total, (p + rr + g + c) / 4);          /* 77.53: 6 red warnings, not 优秀 */
    assert_near(r->coverage, (1 + 5.0 / 6 + 4.0 / 5 + 3.0 / 4) / 4);
    assert_string_equal(r->grade, "良好");
    assert_int_equal(r->unranked, CC_UNRANKED_NONE);
    /* L02: dimension scores as before, but its coverage
     * (7/8 + 3/6 + 2/5 + 2/4) / 4 = 0.56875 is below min_coverage 0.6:
     * no total, grade or rank (覆盖不足).  process 7 of 8 (P8 missing). */
    const cc_unit_result *q = unit(w47, "L02");
    double p2 = (600 + 60 + 40.0 / 3) / 7, r2 = (68 + 30 + 0) / 3.0;
    assert_near(q->dim_score[0], p2);
    assert_near(q->dim_score[1], r2);
    assert_near(q->coverage, (7.0 / 8 + 3.0 / 6 + 2.0 / 5 + 2.0 / 4) / 4);
    assert_nan(q->total);
    assert_null(q->grade);
    assert_int_equal(q->unranked, CC_UNRANKED_COVERAGE);
    /* ranks: only L01 has a total (L02 覆盖不足, L03 未报) */
    assert_int_equal(unit(w47, "L03")->rank_in_area, 0);
    assert_int_equal(unit(w47, "L03")->rank, 0);
    assert_int_equal(r->rank_in_area, 1);
    assert_int_equal(r->rank, 1);
    assert_int_equal(q->rank_in_area, 0);
    assert_int_equal(q->rank, 0);
    /* streets: S02 has C1 and C4 only, coverage (2/4) / 4 = 0.125: unranked */
    assert_near(unit(w47, "S02")->coverage, 0.125);
    assert_nan(unit(w47, "S02")->total);
    assert_int_equal(unit(w47, "S02")->unranked, CC_UNRANKED_COVERAGE);
    assert_int_equal(unit(w47, "S01")->rank, 1);
    assert_int_equal(unit(w47, "S02")->rank, 0);
    assert_int_equal(unit(w47, "all")->rank, 0);
    /* fixed weights: dimensions 1/4, indicators equal within their dimension */
    assert_near(w47->dim_weight[0], 0.25);
    assert_near(w47->ind_weight[cc_config_indicator(&cfg, "P4")], 0.125);
    assert_near(w47->ind_weight[cc_config_indicator(&cfg, "R1")], 1.0 / 6);
    assert_near(w47->ind_weight[cc_config_indicator(&cfg, "X5")], 0.2);
    /* history periods */
    assert_string_equal(w47->hist_period[0].id, "2026-W47");
    assert_string_equal(w47->hist_period[1].id, "2026-W46");
    assert_string_equal(w47->hist_period[11].id, "2026-W36");
}

/* Ties: equal totals fall back to the process score, then the ID. */
static void test_rank_ties(void **state)
{
    (void)state;
    /* Two new communities in a new street with identical rows: same total,
     * same process score, so the community ID decides. */
    assert_int_equal(cc_store_exec(db,
        "INSERT INTO communities (community_id, community_name, street_id, street_name, population, places, file_id, line)"
        " VALUES ('T2', '乙社区', 'S09', '测试街道', 1000, 5, 1, 20), ('T1', '甲社区', 'S09', '测试街道', 1000, 5, 1, 21);"
        "INSERT INTO activities (activity_id, community_id, project, date, hours, status, capacity, registered, attended, file_id, line)"
        " VALUES ('TA', 'T1', 'x', '2026-11-17', 1, 'completed', 10, 10, 10, 2, 30),"
        "        ('TB', 'T2', 'x', '2026-11-17', 1, 'completed', 10, 10, 10, 2, 31)"), CC_OK);
    const char *st[] = {"S09"};
    cc_scope scope = {st, 1, NULL, 0};
    double mc = cfg.min_coverage;
    cfg.min_coverage = 0;           /* activities only: coverage 0.47, ranked only without the rule */
    cc_scorecard *sc = compute(&cfg, "2026-W47", &scope);
    cfg.min_coverage = mc;
    /* scope: T1 T2, S09, the area */
    assert_int_equal(sc->units.n, 4);
    assert_int_equal(sc->units.ncomm, 2);
    assert_string_equal(sc->units.u[0].id, "T1");
    assert_string_equal(sc->units.u[2].id, "S09");
    assert_int_equal(sc->units.u[0].street, 2);
    /* identical data: same total and process score; T1 ranks first by ID */
    assert_near(sc->res[0].total, sc->res[1].total);
    assert_int_equal(sc->res[0].rank, 1);
    assert_int_equal(sc->res[1].rank, 2);
    cc_scorecard_free(sc);
    assert_int_equal(cc_store_exec(db,
        "DELETE FROM communities WHERE street_id = 'S09'; DELETE FROM activities WHERE activity_id IN ('TA', 'TB')"), CC_OK);
}

/* ---- scope ------------------------------------------------------------------------------ */
static void test_scope(void **state)
{
    (void)state;
    const char *cm[] = {"L03"};
    cc_scope scope = {NULL, 0, cm, 1};
    cc_scorecard *sc = compute(&cfg, "2026-W47", &scope);
    /* the community, its street, the area */
    assert_int_equal(sc->units.n, 3);
    assert_int_equal(sc->units.ncomm, 1);
    assert_int_equal(sc->units.nstreet, 1);
    assert_string_equal(sc->res[0].unit.id, "L03");
    assert_string_equal(sc->res[1].unit.id, "S02");
    assert_string_equal(sc->res[2].unit.id, "all");
    assert_int_equal(sc->units.u[0].street, 1);
    /* L03 did not report: no rank in any scope */
    assert_int_equal(sc->res[0].rank_in_area, 0);
    assert_int_equal(sc->res[0].unranked, CC_UNRANKED_NOT_REPORTED);
    assert_int_equal(sc->nnot_reported, 1);
    assert_int_equal(sc->res[0].cells[cc_config_indicator(&cfg, "X5")].status, CC_ST_NOT_REPORTED);
    /* the history follows the units kept (L03 is the first row here, not
     * the third): the same as the whole scorecard's */
    static const char *const ids[] = {"L03", "S02", "all"}, *const inds[] = {"P4", "X5", "C4"};
    for (size_t u = 0; u < 3; u++)
        for (size_t i = 0; i < 3; i++)
            for (int k = 0; k < CC_HISTORY; k++) {
                double a = hist(sc, ids[u], inds[i], k), b = hist(w47, ids[u], inds[i], k);
                if (!(isnan(a) && isnan(b)))
                    assert_near(a, b);
                assert_int_equal(hist_st(sc, ids[u], inds[i], k), hist_st(w47, ids[u], inds[i], k));
            }
    assert_int_equal(hist_st(sc, "L03", "X5", 0), CC_ST_NOT_REPORTED);
    cc_scorecard_free(sc);

    const char *st[] = {"S01"};
    cc_scope s2 = {st, 1, NULL, 0};
    sc = compute(&cfg, "2026-W47", &s2);
    assert_int_equal(sc->units.n, 4);
    assert_string_equal(sc->res[0].unit.id, "L01");
    assert_string_equal(sc->res[1].unit.id, "L02");
    assert_string_equal(sc->res[2].unit.id, "S01");
    assert_string_equal(sc->res[3].unit.id, "all");
    assert_int_equal(sc->nnot_reported, 0);
    assert_near(sc->res[0].total, unit(w47, "L01")->total);
    cc_scorecard_free(sc);
}

/* ---- score attribution ------------------------------------------------------------------ */
static void test_attribution(void **state)
{
    (void)state;
    for (size_t u = 0; u < w47->units.n; u++) {
        const cc_unit_result *r = &w47->res[u];
        if (isnan(r->total) || isnan(r->prev_total))
            continue;
        double sum = r->contrib_coverage;
        for (size_t i = 0; i < cfg.nind; i++)
            if (!isnan(r->contrib[i]))
                sum += r->contrib[i];
        assert_true(fabs(sum - (r->total - r->prev_total)) < 1e-9);
    }
    /* L01's P4 fell from 77.78 (W46: (0.75-0.4)/0.45) to 50: a negative
     * contribution; the extra dimension never contributes. */
    const cc_unit_result *r = unit(w47, "L01");
    assert_true(r->contrib[cc_config_indicator(&cfg, "P4")] < 0);
    assert_nan(r->contrib[cc_config_indicator(&cfg, "X1")]);
    char *m = cc_scorecard_movers(w47, 0);
    assert_non_null(m);
    assert_true(strlen(m) > 0);
    free(m);
}

/* ---- audit record -------------------------------------------------------------------------- */
static long count(const char *sql)
{
    sqlite3_stmt *st;
    long n = -1;
    sqlite3_prepare_v2(db->db, sql, -1, &st, NULL);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static void test_record(void **state)
{
    (void)state;
    long expected = 0;
    for (size_t u = 0; u < w47->units.n; u++)
        for (size_t i = 0; i < cfg.nind; i++) {
            const cc_cell *c = &w47->res[u].cells[i];
            expected += cc_status_is_warning(c->status) || c->change == CC_CHG_RESOLVED;
        }
    assert_int_equal(cc_scorecard_record(db, w47), CC_OK);
    assert_int_equal(count("SELECT COUNT(*) FROM warning_log WHERE period_id = '2026-W47'"), expected);
    /* re-running replaces, never adds */
    assert_int_equal(cc_scorecard_record(db, w47), CC_OK);
    assert_int_equal(count("SELECT COUNT(*) FROM warning_log WHERE period_id = '2026-W47'"), expected);
    assert_int_equal(count("SELECT COUNT(*) FROM warning_log WHERE period_id = '2026-W47' AND unit_id = 'L01'"
                           " AND indicator_id = 'P4' AND status = 'red' AND level = 'red' AND run = 2"
                           " AND rectify = 1 AND change = 'continuing' AND value = 0.625"), 1);
    assert_int_equal(count("SELECT COUNT(*) FROM warning_log WHERE unit_id = 'L03' AND indicator_id = 'X5'"
                           " AND status = 'not_reported' AND level = 'red'"), 1);
    /* a stale row of a unit in the scorecard is removed by the next record */
    assert_int_equal(cc_store_exec(db, "INSERT INTO warning_log VALUES ('2026-W47', 'community', 'L01', 'P2',"
                                       " 'red', 'red', 1, 5, 1, 0, 'new', 'x', 'now')"), CC_OK);
    assert_int_equal(cc_scorecard_record(db, w47), CC_OK);
    assert_int_equal(count("SELECT COUNT(*) FROM warning_log WHERE unit_id = 'L01' AND indicator_id = 'P2'"), 0);
}

/* ---- renderings ------------------------------------------------------------------------------ */
static char *render(int warnings, cc_format fmt, int min_colour)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (warnings)
        assert_int_equal(cc_render_warnings(f, w47, NULL, fmt, min_colour), CC_OK);
    else
        assert_int_equal(cc_render_scorecard(f, w47, fmt), CC_OK);
    fclose(f);
    return buf;
}

static json_t *find_ind(json_t *unit, const char *id)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(unit, "indicators"), i, v)
        if (!strcmp(json_string_value(json_object_get(v, "id")), id))
            return v;
    fail_msg("indicator %s not in json", id);
    return NULL;
}

static void test_json(void **state)
{
    (void)state;
    char *s = render(0, CC_FMT_JSON, 0);
    json_error_t err;
    json_t *root = json_loads(s, 0, &err);
    assert_non_null(root);
    assert_string_equal(json_string_value(json_object_get(root, "carecard")), "1.0.0");
    json_t *per = json_object_get(root, "period");
    assert_string_equal(json_string_value(json_object_get(per, "kind")), "week");
    assert_string_equal(json_string_value(json_object_get(per, "id")), "2026-W47");
    assert_string_equal(json_string_value(json_object_get(per, "from")), "2026-11-16");
    assert_string_equal(json_string_value(json_object_get(per, "to")), "2026-11-22");
    json_t *w = json_object_get(root, "weights");
    assert_string_equal(json_string_value(json_object_get(w, "method")), "fixed");
    assert_near(json_real_value(json_object_get(json_object_get(w, "dimensions"), "growth")), 0.25);
    assert_near(json_real_value(json_object_get(json_object_get(w, "indicators"), "P1")), 0.125);
    assert_true(json_is_null(json_object_get(w, "ahp")));
    assert_null(json_object_get(root, "kano"));          /* no KANO answers in the fixture */
    json_t *units = json_object_get(root, "units");
    assert_int_equal(json_array_size(units), 6);
    const char *order[6][2] = {{"community", "L01"}, {"community", "L02"}, {"community", "L03"},
                               {"street", "S01"}, {"street", "S02"}, {"area", "all"}};
    for (size_t k = 0; k < 6; k++) {
        json_t *u = json_array_get(units, k);
        assert_string_equal(json_string_value(json_object_get(u, "level")), order[k][0]);
        assert_string_equal(json_string_value(json_object_get(u, "id")), order[k][1]);
    }
    json_t *l01 = json_array_get(units, 0);
    assert_string_equal(json_string_value(json_object_get(l01, "name")), "凉水井社区");
    assert_string_equal(json_string_value(json_object_get(l01, "street_id")), "S01");
    assert_string_equal(json_string_value(json_object_get(l01, "grade")), "良好");
    assert_int_equal(json_integer_value(json_object_get(l01, "rank")), 1);
    assert_int_equal(json_integer_value(json_object_get(l01, "rank_in_area")), 1);
    assert_null(json_object_get(l01, "unranked"));
    /* L02 覆盖不足, L03 未报: null total, grade and rank, and the reason */
    for (size_t k = 1; k < 3; k++) {
        json_t *u = json_array_get(units, k);
        assert_true(json_is_null(json_object_get(u, "total")));
        assert_true(json_is_null(json_object_get(u, "grade")));
        assert_true(json_is_null(json_object_get(u, "rank")));
        assert_true(json_is_null(json_object_get(u, "rank_in_area")));
        assert_string_equal(json_string_value(json_object_get(u, "unranked")),
                            k == 1 ? "coverage" : "not_reported");
    }
    assert_near(json_real_value(json_object_get(l01, "total")), unit(w47, "L01")->total);   /* full precision */
    json_t *dp = json_object_get(json_object_get(l01, "dimensions"), "process");
    assert_true(json_is_real(json_object_get(dp, "score")));
    assert_near(json_real_value(json_object_get(dp, "coverage")), 1);
    json_t *p4 = find_ind(l01, "P4");
    const char *keys[] = {"id", "value", "numerator", "denominator", "target", "score", "status",
                          "level", "run", "rectify", "change", "explanation"};
    assert_int_equal(json_object_size(p4), 12);
    for (size_t k = 0; k < 12; k++)
        assert_non_null(json_object_get(p4, keys[k]));
    assert_near(json_real_value(json_object_get(p4, "value")), 0.625);
    assert_near(json_number_value(json_object_get(p4, "numerator")), 25);
    assert_near(json_number_value(json_object_get(p4, "denominator")), 40);
    assert_near(json_real_value(json_object_get(p4, "score")), 45);
    assert_string_equal(json_string_value(json_object_get(p4, "status")), "red");
    assert_string_equal(json_string_value(json_object_get(p4, "level")), "red");
    assert_int_equal(json_integer_value(json_object_get(p4, "run")), 2);
    assert_true(json_is_true(json_object_get(p4, "rectify")));
    assert_string_equal(json_string_value(json_object_get(p4, "change")), "continuing");
    assert_string_equal(json_string_value(json_object_get(p4, "explanation")),
                        "活动出勤率 62.5% (25/40) < 目标 85.0%，连续 2 周未达标 → 专项整治");
    /* nulls: no division, insufficient, met without change */
    json_t *c1 = find_ind(l01, "C1");
    assert_true(json_is_null(json_object_get(c1, "numerator")));
    assert_true(json_is_null(json_object_get(c1, "denominator")));
    json_t *r6 = find_ind(l01, "R6");
    assert_true(json_is_null(json_object_get(r6, "value")));
    assert_true(json_is_null(json_object_get(r6, "score")));
    assert_string_equal(json_string_value(json_object_get(r6, "status")), "insufficient");
    assert_string_equal(json_string_value(json_object_get(r6, "level")), "grey");
    assert_true(json_is_null(json_object_get(find_ind(l01, "P2"), "change")));
    assert_false(json_is_true(json_object_get(find_ind(l01, "P2"), "rectify")));
    /* 未报: X5 not_reported shown red; the others missing/grey with 未报 */
    json_t *l03 = json_array_get(units, 2);
    json_t *x5 = find_ind(l03, "X5");
    assert_string_equal(json_string_value(json_object_get(x5, "status")), "not_reported");
    assert_string_equal(json_string_value(json_object_get(x5, "level")), "red");
    json_t *p4b = find_ind(l03, "P4");
    assert_string_equal(json_string_value(json_object_get(p4b, "status")), "missing");
    assert_string_equal(json_string_value(json_object_get(p4b, "level")), "grey");
    assert_string_equal(json_string_value(json_object_get(p4b, "explanation")), "未报");
    assert_true(json_is_null(json_object_get(p4b, "value")));
    /* the area: no street, no rank */
    json_t *area = json_array_get(units, 5);
    assert_true(json_is_null(json_object_get(area, "street_id")));
    assert_true(json_is_null(json_object_get(area, "rank")));
    assert_true(json_is_null(json_object_get(area, "rank_in_area")));
    json_decref(root);
    free(s);
}

static void test_csv_and_table(void **state)
{
    (void)state;
    /* a unit name that a spreadsheet would run as a formula */
    assert_int_equal(cc_store_exec(db, "UPDATE communities SET community_name = '=1+2' WHERE community_id = 'L02'"), CC_OK);
    cc_scorecard *keep = w47;
    w47 = compute(&cfg, "2026-W47", NULL);
    char *s = render(0, CC_FMT_CSV, 0);
    assert_memory_equal(s, "\xEF\xBB\xBF" "period,unit_level,unit_id,unit_name,", 3 + 36);
    assert_non_null(strstr(s, "\r\n2026-W47,community,L02,'=1+2,S01,"));
    assert_null(strstr(s, ",=1+2"));
    /* score 60 * 0.225 / 0.3 = 45 in full precision (45.000000000000007) */
    assert_non_null(strstr(s, ",P4,活动出勤率,process,0.625,25,40,0.85,45"));
    assert_non_null(strstr(s, ",red,red,2,true,continuing,0.75,"
                              "活动出勤率 62.5% (25/40) < 目标 85.0%，连续 2 周未达标 → 专项整治\r\n"));
    free(s);
    /* warnings.csv columns, red first, then yellow, blue, resolved */
    s = render(1, CC_FMT_CSV, CC_COL_MET);
    assert_non_null(strstr(s, "period,unit_level,unit_id,unit_name,indicator_id,indicator_name,status,value,"
                              "target,run,rectify,change,explanation,item,item_state\r\n2026-W47,community,L01,凉水井社区,P3,"));
    char *first_blue = strstr(s, ",blue,");
    assert_non_null(strstr(s, "2026-W47,community,L03,河畔社区,X5,报送完整率,not_reported,0,1,2,true,continuing,"
                              "河畔社区 本周未报送活动台账，连续 2 周未报送 → 专项整治,,\r\n"));
    assert_non_null(first_blue);
    assert_true(strstr(s, ",P1,活动组织规范率,yellow,") < first_blue);   /* L01 P1 yellow before any blue */
    assert_non_null(strstr(s, ",R5,复参率,met,"));                        /* resolved is listed last */
    assert_true(strstr(s, ",R5,复参率,met,") > first_blue);
    free(s);
    /* --level red: no yellow, no blue, no resolved */
    s = render(1, CC_FMT_CSV, CC_COL_RED);
    assert_null(strstr(s, ",yellow,"));
    assert_null(strstr(s, ",met,"));
    assert_non_null(strstr(s, ",P4,活动出勤率,red,"));
    free(s);
    /* the table fits 80 columns */
    for (int k = 0; k < 2; k++) {
        s = render(k, CC_FMT_TABLE, CC_COL_MET);
        for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n"))
            if (cc_utf8_width(line) > 80)
                fail_msg("line wider than 80 columns: %s", line);
        free(s);
    }
    cc_scorecard_free(w47);
    w47 = keep;
    assert_int_equal(cc_store_exec(db, "UPDATE communities SET community_name = '桃园社区' WHERE community_id = 'L02'"), CC_OK);
}

/* ---- other periods --------------------------------------------------------------------------- */
/* A custom range of the same 7 days: same values; runs count custom periods
 * of 7 days back (the same weeks) and explanations say 期. */
static void test_custom(void **state)
{
    (void)state;
    cc_period p = cc_period_custom(w47->period.from, w47->period.to);
    cc_scorecard *sc = NULL;
    assert_int_equal(cc_scorecard_compute(db, &cfg, &p, NULL, &sc), CC_OK);
    const cc_cell *c = cell(sc, "L01", "P4");
    assert_near(c->value, 0.625);
    assert_int_equal(c->run, 2);
    assert_string_equal(c->explanation, "活动出勤率 62.5% (25/40) < 目标 85.0%，连续 2 期未达标 → 专项整治");
    assert_string_equal(cell(sc, "L03", "X5")->explanation, "河畔社区 本期未报送活动台账，连续 2 期未报送 → 专项整治");
    cc_scorecard_free(sc);
}

/* November 2026: L03 reported (C1 on 11-03); last:4w and last:13w windows:
 * 4 weeks (28 days) are shorter than the month (30 days), so P7 covers the
 * month 11-01..11-30; 13 weeks end 11-30. */
static void test_month(void **state)
{
    (void)state;
    cc_scorecard *sc = compute(&cfg, "2026-11", NULL);
    /* P4 L01 November: A1 17 + A2 8 + A4 15 + A5 10 = 50 / (20+20+20+10) = 70 */
    assert_near(cell(sc, "L01", "P4")->value, 50.0 / 70);
    /* P7 over the month: 1000 * 1 / 50 = 20 */
    assert_near(cell(sc, "L01", "P7")->value, 20);
    /* X5: everyone reported in November */
    assert_int_equal(cell(sc, "L03", "X5")->status, CC_ST_MET);
    assert_int_equal(sc->nnot_reported, 0);
    /* October: L03 did not report (its only row is in November) -> run 1 */
    assert_string_equal(sc->hist_period[1].id, "2026-10");
    cc_scorecard_free(sc);
    sc = compute(&cfg, "2026-10", NULL);
    assert_int_equal(cell(sc, "L03", "X5")->status, CC_ST_NOT_REPORTED);
    /* run: October back to January 2026 = 10 months; December and November
     * 2025 end before the data begin (2026-01-05) and never count */
    assert_string_equal(cell(sc, "L03", "X5")->explanation, "河畔社区 本月未报送活动台账，连续 10 月未报送 → 专项整治");
    cc_scorecard_free(sc);
}

/* ---- weights and ranking methods ------------------------------------------------------------- */
static char *config_with(const char *from, const char *to, const char *extra)
{
    char *s = slurp("fixtures/test/engine/indicators.ini");
    char *at = strstr(s, from);
    assert_non_null(at);
    cc_buf b = CC_BUF_INIT;
    cc_buf_add(&b, s, (size_t)(at - s));
    cc_buf_adds(&b, to);
    cc_buf_adds(&b, at + strlen(from));
    if (extra)
        cc_buf_adds(&b, extra);
    free(s);
    return cc_buf_detach(&b);
}

static void test_ahp(void **state)
{
    (void)state;
    char *ini = config_with("weights    = fixed", "weights    = ahp",
                            "\n[ahp]\nprocess    = 1,   2,   3,   2\nrecipients = 1/2, 1,   2,   1\n"
                            "growth     = 1/3, 1/2, 1,   1/2\ncommunity  = 1/2, 1,   2,   1\n");
    cc_config c2;
    assert_int_equal(cc_config_load_mem("ahp.ini", ini, strlen(ini), &c2), CC_OK);
    cc_scorecard *sc = compute(&c2, "2026-W47", NULL);
    /* the AHP weights: process first, recipients = community, growth last */
    double sum = 0;
    for (size_t d = 0; d < 4; d++)
        sum += sc->dim_weight[d];
    assert_near(sum, 1);
    assert_true(sc->dim_weight[0] > sc->dim_weight[1]);
    assert_near(sc->dim_weight[1], sc->dim_weight[3]);
    assert_true(sc->dim_weight[2] < sc->dim_weight[1]);
    assert_true(sc->ahp.cr < 0.10);
    /* L01's total is the weighted mean of its (unchanged) dimension scores */
    const cc_unit_result *r = unit(sc, "L01"), *f = unit(w47, "L01");
    double t = 0;
    for (size_t d = 0; d < 4; d++)
        t += sc->dim_weight[d] * f->dim_score[d];
    assert_near(r->total, t);
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    assert_int_equal(cc_render_scorecard(fp, sc, CC_FMT_JSON), CC_OK);
    fclose(fp);
    json_t *root = json_loads(buf, 0, NULL);
    json_t *w = json_object_get(root, "weights");
    assert_string_equal(json_string_value(json_object_get(w, "method")), "ahp");
    assert_true(json_is_object(json_object_get(w, "ahp")));
    assert_true(json_is_true(json_object_get(json_object_get(w, "ahp"), "consistent")));
    json_decref(root);
    free(buf);
    cc_scorecard_free(sc);
    cc_config_release(&c2);
    free(ini);
}

static void test_entropy_fallback_and_topsis(void **state)
{
    (void)state;
    char *ini0, *ini;
    ini0 = config_with("weights    = fixed", "weights    = entropy", NULL);
    {
        cc_buf b = CC_BUF_INIT;
        char *at = strstr(ini0, "ranking    = score");
        cc_buf_add(&b, ini0, (size_t)(at - ini0));
        cc_buf_adds(&b, "ranking    = topsis");
        cc_buf_adds(&b, at + strlen("ranking    = score"));
        ini = cc_buf_detach(&b);
    }
    cc_config c2;
    assert_int_equal(cc_config_load_mem("entropy.ini", ini, strlen(ini), &c2), CC_OK);
    /* Every dimension has an indicator with a value in one community only
     * (P8, R1, L1: L01; C2: none), fewer than 2: each falls back to the
     * fixed weights, with a notice. */
    char *log = NULL;
    size_t loglen = 0;
    FILE *sink = open_memstream(&log, &loglen);
    cc_diag_set_sink(sink);
    cc_scorecard *sc = compute(&c2, "2026-W47", NULL);
    cc_diag_set_sink(stderr);
    fclose(sink);
    assert_non_null(strstr(log, "entropy weights of dimension 'process'"));
    free(log);
    assert_near(sc->ind_weight[cc_config_indicator(&c2, "P4")], 0.125);
    assert_near(unit(sc, "L01")->total, unit(w47, "L01")->total);
    /* TOPSIS over the communities' indicator scores: closeness in [0, 1];
     * only L01 is ranked (L02 覆盖不足, L03 未报 are never ranked, whatever
     * their closeness). */
    for (size_t u = 0; u < 3; u++) {
        double cl = sc->res[u].closeness;
        assert_false(isnan(cl));
        assert_true(cl >= 0 && cl <= 1);
    }
    assert_int_equal(unit(sc, "L01")->rank_in_area, 1);
    assert_int_equal(unit(sc, "L02")->rank_in_area, 0);
    assert_int_equal(unit(sc, "L03")->rank_in_area, 0);
    cc_scorecard_free(sc);
    cc_config_release(&c2);
    free(ini0);
    free(ini);
}

/* ---- the score function: threshold scoring (indicators.md "Scores") ----------------------- */
static cc_indicator ind_of(cc_direction d, double t, double y, double r, double f)
{
    cc_indicator i;
    memset(&i, 0, sizeof i);
    i.direction = d;
    i.target = t;
    i.yellow = y;
    i.red = r;
    i.floor = f;
    return i;
}

#define assert_score(ind, band, v, st, expect) do { \
    assert_int_equal(cc_indicator_level(&(ind), (v)), (st)); \
    assert_near(cc_indicator_score(&(ind), (band), (v)), (expect)); } while (0)

static void test_score_function(void **state)
{
    (void)state;
    const double b[2] = {80, 60};
    /* higher: P4's thresholds, target 0.85, yellow 0.80, red 0.70, floor 0.40 */
    cc_indicator h = ind_of(CC_HIGHER, 0.85, 0.80, 0.70, 0.40);
    assert_score(h, b, 0.95, CC_ST_MET, 100);            /* beyond the target */
    assert_score(h, b, 0.85, CC_ST_MET, 100);            /* at the target */
    assert_score(h, b, 0.825, CC_ST_BLUE, 90);           /* 80 + 20 * 0.025 / 0.05 */
    assert_score(h, b, 0.80, CC_ST_BLUE, 80);            /* at yellow */
    assert_score(h, b, 0.75, CC_ST_YELLOW, 70);          /* 60 + 20 * 0.05 / 0.10 */
    assert_score(h, b, 0.70, CC_ST_YELLOW, 60);          /* at red */
    assert_score(h, b, 0.55, CC_ST_RED, 30);             /* 60 * 0.15 / 0.30 */
    assert_score(h, b, 0.40, CC_ST_RED, 0);              /* at the floor */
    assert_score(h, b, 0.10, CC_ST_RED, 0);              /* beyond it */
    /* just below a boundary, within the relative tolerance 1e-9: at it */
    assert_score(h, b, 0.80 - 1e-12, CC_ST_BLUE, 80);
    assert_score(h, b, 0.85 - 1e-12, CC_ST_MET, 100);
    /* outside the tolerance: the band below, its score at the band's top */
    assert_int_equal(cc_indicator_level(&h, 0.80 - 1e-6), CC_ST_YELLOW);
    assert_true(cc_indicator_score(&h, b, 0.80 - 1e-6) < 80);
    assert_true(cc_indicator_score(&h, b, 0.80 - 1e-6) > 79.99);
    /* lower: P6's thresholds, target 7, yellow 9, red 12, floor 20 (mirrored) */
    cc_indicator l = ind_of(CC_LOWER, 7, 9, 12, 20);
    assert_score(l, b, 5, CC_ST_MET, 100);
    assert_score(l, b, 7, CC_ST_MET, 100);
    assert_score(l, b, 8, CC_ST_BLUE, 90);               /* 80 + 20 * (9 - 8) / 2 */
    assert_score(l, b, 9, CC_ST_BLUE, 80);
    assert_score(l, b, 10.5, CC_ST_YELLOW, 70);          /* 60 + 20 * 1.5 / 3 */
    assert_score(l, b, 12, CC_ST_YELLOW, 60);
    assert_score(l, b, 16, CC_ST_RED, 30);               /* 60 * (20 - 16) / 8 */
    assert_score(l, b, 20, CC_ST_RED, 0);
    assert_score(l, b, 25, CC_ST_RED, 0);
    assert_score(l, b, 9 + 1e-12, CC_ST_BLUE, 80);
    /* empty blue band (target = yellow): met or yellow, never blue */
    cc_indicator e1 = ind_of(CC_HIGHER, 0.9, 0.9, 0.8, 0);
    assert_score(e1, b, 0.9, CC_ST_MET, 100);
    assert_score(e1, b, 0.85, CC_ST_YELLOW, 70);
    assert_score(e1, b, 0.8, CC_ST_YELLOW, 60);
    assert_score(e1, b, 0.4, CC_ST_RED, 30);
    /* empty yellow band (yellow = red): blue down to 80, then red from 60 */
    cc_indicator e2 = ind_of(CC_HIGHER, 1, 0.5, 0.5, 0);
    assert_score(e2, b, 0.75, CC_ST_BLUE, 90);
    assert_score(e2, b, 0.5, CC_ST_BLUE, 80);
    assert_score(e2, b, 0.25, CC_ST_RED, 30);
    /* empty red band (floor = red): everything below red scores 0 */
    cc_indicator e3 = ind_of(CC_HIGHER, 1, 0.8, 0.5, 0.5);
    assert_score(e3, b, 0.5, CC_ST_YELLOW, 60);
    assert_score(e3, b, 0.49, CC_ST_RED, 0);
    /* lower with an empty yellow band */
    cc_indicator e4 = ind_of(CC_LOWER, 0, 1, 1, 5);
    assert_score(e4, b, 0.5, CC_ST_BLUE, 90);
    assert_score(e4, b, 1, CC_ST_BLUE, 80);
    assert_score(e4, b, 3, CC_ST_RED, 30);
    /* other band_scores: 90, 50 */
    const double b2[2] = {90, 50};
    assert_score(h, b2, 0.825, CC_ST_BLUE, 95);
    assert_score(h, b2, 0.75, CC_ST_YELLOW, 70);
    assert_score(h, b2, 0.55, CC_ST_RED, 25);
    /* 5 computed as 14.999999999999998 / 3 is 5: met at a target of 5, blue
     * at a yellow boundary of 5 */
    double five = 14.999999999999998 / 3;
    assert_true(five < 5);
    cc_indicator t5 = ind_of(CC_HIGHER, 5, 4.5, 4, 1);
    assert_score(t5, b, five, CC_ST_MET, 100);
    cc_indicator y5 = ind_of(CC_HIGHER, 8, 5, 3, 0);
    assert_score(y5, b, five, CC_ST_BLUE, 80);
}

/* A value is never printed equal to a boundary it failed: more decimals, up
 * to 4 (docs/scorecard.md, Explanations). */
static void test_value_decimals(void **state)
{
    (void)state;
    char out[64];
    cc_indicator p = ind_of(CC_HIGHER, 0.10, 0.08, 0.05, 0);
    p.unit = CC_UNIT_PERCENT;
    cc_format_indicator_value(out, sizeof out, &p, 83.0 / 832);      /* 9.976 % */
    assert_string_equal(out, "9.98%");
    cc_format_indicator_value(out, sizeof out, &p, 0.099996);         /* reads 10.000% at 3 */
    assert_string_equal(out, "9.9996%");
    cc_format_indicator_value(out, sizeof out, &p, 0.09999999);       /* never more than 4 */
    assert_string_equal(out, "10.0000%");
    cc_format_indicator_value(out, sizeof out, &p, 0.09);             /* far from it: as usual */
    assert_string_equal(out, "9.0%");
    cc_format_indicator_value(out, sizeof out, &p, 0.08);             /* at yellow: as usual */
    assert_string_equal(out, "8.0%");
    cc_format_indicator_value(out, sizeof out, &p, 0.07996);          /* below yellow 8.0 % */
    assert_string_equal(out, "7.996%");
    cc_format_indicator_value(out, sizeof out, &p, 14.999999999999998 / 150);   /* 10 % within 1e-9 */
    assert_string_equal(out, "10.0%");
    assert_int_equal(cc_value_decimals(&p, 83.0 / 832), 2);
    cc_indicator n = ind_of(CC_HIGHER, 5, 4.5, 4, 1);
    n.unit = CC_UNIT_NUMBER;
    cc_format_indicator_value(out, sizeof out, &n, 4.999);
    assert_string_equal(out, "4.999");
    cc_format_indicator_value(out, sizeof out, &n, 4.7);
    assert_string_equal(out, "4.7");
    cc_indicator l = ind_of(CC_LOWER, 7, 9, 12, 20);                  /* lower: 7.001 failed 7 */
    l.unit = CC_UNIT_NUMBER;
    cc_format_indicator_value(out, sizeof out, &l, 7.001);
    assert_string_equal(out, "7.001");
}

/* KANO: present for a quarter; S06 (like, dislike) = O, S07 (like,
 * live-with) = A, S08 (must-be, dislike) = M: one each, the tie goes to M;
 * Better = (A + O) / (A + O + M + I) = 2/3, Worse = -(O + M) / 3 = -2/3. */
static void test_kano(void **state)
{
    (void)state;
    assert_null(w47->kano);                    /* no KANO answer in W47 */
    cc_scorecard *sc = compute(&cfg, "2026-Q4", NULL);
    assert_non_null(sc->kano);
    assert_int_equal(sc->nkano, cfg.nkano);
    const cc_kano_row *r = &sc->kano[0];       /* priority 1: the only M */
    assert_string_equal(r->feature->id, "flex_hours");
    assert_int_equal(r->priority, 1);
    assert_int_equal(r->category, CC_KANO_M);
    assert_int_equal(r->counts[CC_KANO_A], 1);
    assert_int_equal(r->counts[CC_KANO_O], 1);
    assert_int_equal(r->counts[CC_KANO_M], 1);
    assert_near(r->better, 2.0 / 3);
    assert_near(r->worse, -2.0 / 3);
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    assert_int_equal(cc_render_scorecard(fp, sc, CC_FMT_JSON), CC_OK);
    fclose(fp);
    json_t *root = json_loads(buf, 0, NULL);
    json_t *k = json_array_get(json_object_get(root, "kano"), 0);
    assert_string_equal(json_string_value(json_object_get(k, "id")), "flex_hours");
    assert_string_equal(json_string_value(json_object_get(k, "name")), "延时托管");
    assert_string_equal(json_string_value(json_object_get(k, "category")), "M");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(k, "counts"), "O")), 1);
    assert_near(json_real_value(json_object_get(k, "worse")), -2.0 / 3);
    assert_int_equal(json_integer_value(json_object_get(k, "priority")), 1);
    json_decref(root);
    free(buf);
    cc_scorecard_free(sc);
    /* a street without those answers: the quarter still lists the features, all zero */
    const char *st[] = {"S02"};
    cc_scope scope = {st, 1, NULL, 0};
    sc = compute(&cfg, "2026-Q4", &scope);
    assert_non_null(sc->kano);
    long n = 0;
    for (size_t i = 0; i < sc->nkano; i++)
        for (int c = 0; c < 6; c++)
            n += sc->kano[i].counts[c];
    assert_int_equal(n, 0);
    cc_scorecard_free(sc);
}

/* cc_items_of and cc_items_summarise over hand-made items (ordered by
 * unit, as cc_items_compute makes them): unit 0 has two, 1 none, 2 three,
 * 5 one. */
static void test_items_of_units(void **state)
{
    (void)state;
    cc_ritem v[6];
    memset(v, 0, sizeof v);
    static const size_t unit[6] = {0, 0, 2, 2, 2, 5};
    static const int shown[6] = {1, 0, 1, 1, 1, 1};
    static const cc_item_state st[6] = {CC_IS_OPEN, CC_IS_RESOLVED, CC_IS_OVERDUE,
                                        CC_IS_EFFECTIVE, CC_IS_RESOLVED, CC_IS_OPEN};
    static const cc_day closed[6] = {-1, 30, -1, 12, 20, -1};
    for (int k = 0; k < 6; k++) {
        v[k].unit = unit[k];
        v[k].shown = shown[k];
        v[k].state = st[k];
        v[k].closed = closed[k];
        v[k].opened_to = 10;
        v[k].deadline = 15;
    }
    cc_items it = {v, 6};
    size_t lo, hi;
    static const size_t want[7][2] = {{0, 2}, {2, 2}, {2, 5}, {5, 5}, {5, 5}, {5, 6}, {6, 6}};
    for (size_t u = 0; u < 7; u++) {
        cc_items_of(&it, u, &lo, &hi);
        assert_int_equal(lo, want[u][0]);
        assert_int_equal(hi, want[u][1]);
    }
    /* units 2 and 5: shown 1 open, 1 overdue, 1 effective, 1 resolved;
     * closed on days 12 (on time: deadline 15) and 20 (late): 2 and 10
     * days after day 10, median 6 */
    cc_items_summary s;
    const size_t some[2] = {2, 5};
    cc_items_summarise(&it, some, 2, &s);
    assert_int_equal(s.count[CC_IS_OPEN], 1);
    assert_int_equal(s.count[CC_IS_OVERDUE], 1);
    assert_int_equal(s.count[CC_IS_EFFECTIVE], 1);
    assert_int_equal(s.count[CC_IS_RESOLVED], 1);
    assert_int_equal(s.closed, 2);
    assert_int_equal(s.on_time, 1);
    assert_true(s.median_days == 6);
    /* unit 0: its resolved item is not shown but closed (day 30: 20 days,
     * late); unit 1: nothing */
    const size_t zero = 0, one = 1;
    cc_items_summarise(&it, &zero, 1, &s);
    assert_int_equal(s.count[CC_IS_OPEN], 1);
    assert_int_equal(s.count[CC_IS_RESOLVED], 0);
    assert_int_equal(s.closed, 1);
    assert_int_equal(s.on_time, 0);
    assert_true(s.median_days == 20);
    cc_items_summarise(&it, &one, 1, &s);
    assert_int_equal(s.closed, 0);
    assert_true(isnan(s.median_days));
    /* no items at all */
    cc_items none = {NULL, 0};
    cc_items_of(&none, 3, &lo, &hi);
    assert_int_equal(lo, 0);
    assert_int_equal(hi, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_l01),
        cmocka_unit_test(test_l02),
        cmocka_unit_test(test_s01),
        cmocka_unit_test(test_not_reported),
        cmocka_unit_test(test_not_reported_first),
        cmocka_unit_test(test_totals),
        cmocka_unit_test(test_rank_ties),
        cmocka_unit_test(test_scope),
        cmocka_unit_test(test_attribution),
        cmocka_unit_test(test_record),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_csv_and_table),
        cmocka_unit_test(test_custom),
        cmocka_unit_test(test_month),
        cmocka_unit_test(test_ahp),
        cmocka_unit_test(test_entropy_fallback_and_topsis),
        cmocka_unit_test(test_kano),
        cmocka_unit_test(test_items_of_units),
        cmocka_unit_test(test_score_function),
        cmocka_unit_test(test_value_decimals),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
