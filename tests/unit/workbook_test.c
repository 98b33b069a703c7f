/* Unit tests of lib/report/workbook.c and lib/measure/quality.c against a
 * scorecard built by hand (no engine needed).
 *
 *   workbook_test               run the cmocka tests
 *   workbook_test --write DIR   write weekly.xlsx, quarterly.xlsx, personal.xlsx
 *                               and scorecard.xlsx into DIR (read back by
 *                               tests/e2e/test_report_workbook.py with openpyxl)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/report.h"
#include "report/workbook_int.h"

/* ---- a hand-made scorecard: S01 东城街道 with L01 and L02, the area ------- */

static cc_indicator inds[3];
static cc_config cfg;
static cc_unit units[4];
static cc_unit_result res[4];
static cc_cell cells[4][3];
static double ind_weight[3] = {0.5, 0.5, 0};
static cc_scorecard sc;
static double hval[CC_HISTORY][4 * 3];     /* the history: value - 0.01 k */

static void set_cell(cc_cell *c, double v, double num, double den, double score,
                     cc_status st, cc_colour col, int run, int rectify, cc_change chg,
                     double prev, const char *expl)
{
    memset(c, 0, sizeof *c);
    c->value = v; c->num = num; c->den = den; c->score = score;
    c->status = st; c->colour = col; c->run = run; c->rectify = rectify; c->change = chg;
    c->prev_value = prev; c->prev_status = CC_ST_MET;
    c->explanation = (char *)expl;
}

static void build(void)
{
    memset(&cfg, 0, sizeof cfg);
    static char *dims[] = {"process", "community"};
    cfg.dims[0] = dims[0];
    cfg.dims[1] = dims[1];
    cfg.ndims = 2;
    cfg.dim_weight[0] = cfg.dim_weight[1] = 0.5;
    cfg.grades[0] = 90; cfg.grades[1] = 75; cfg.grades[2] = 60;
    cfg.demand_rate = 0.30;
    inds[0] = (cc_indicator){.id = "P4", .name = "活动出勤率", .name_en = "Attendance rate", .dim = 0,
        .formula_src = "attended / registered", .unit = CC_UNIT_PERCENT, .direction = CC_HIGHER,
        .target = 0.85, .yellow = 0.80, .red = 0.70, .floor = 0.40, .weight = 1, .escalate_after = 2};
    inds[1] = (cc_indicator){.id = "C4", .name = "每千人托位数", .name_en = "Places per 1,000",
        .dim = 1, .formula_src = "1000 * places / population", .unit = CC_UNIT_PER1000,
        .direction = CC_HIGHER, .target = 4.5, .yellow = 4.0, .red = 3.0, .weight = 1,
        .escalate_after = 2};
    inds[2] = (cc_indicator){.id = "X5", .name = "报送完整率", .name_en = "Reporting rate", .dim = -1,
        .formula_src = "reported / communities", .unit = CC_UNIT_PERCENT, .direction = CC_HIGHER,
        .target = 1.0, .yellow = 0.9, .red = 0.8, .weight = 1, .escalate_after = 2};
    cfg.ind = inds;
    cfg.nind = 3;

    units[0] = (cc_unit){CC_LEVEL_COMMUNITY, "L01", "凉水井社区", "S01", "东城街道", 2};
    units[1] = (cc_unit){CC_LEVEL_COMMUNITY, "L02", "=HYPERLINK(\"http://x\")", "S01", "东城街道", 2};
    units[2] = (cc_unit){CC_LEVEL_STREET, "S01", "东城街道", "S01", "东城街道", 2};
    units[3] = (cc_unit){CC_LEVEL_AREA, "all", "全区", NULL, NULL, 0};

    memset(&sc, 0, sizeof sc);
    sc.cfg = &cfg;
    sc.period.kind = CC_PERIOD_WEEK;
    sc.period.from = 20773;             /* 2026-11-16 */
    sc.period.to = 20779;               /* 2026-11-22 */
    strcpy(sc.period.id, "2026-W47");
    for (int k = 0; k < CC_HISTORY; k++) {
        sc.hist_period[k] = sc.period;
        snprintf(sc.hist_period[k].id, sizeof sc.hist_period[k].id, "2026-W%02d", 47 - k);
    }
    sc.units.u = units;
    sc.units.n = 4;
    sc.units.ncomm = 2;
    sc.units.nstreet = 1;
    sc.res = res;
    sc.dim_weight[0] = sc.dim_weight[1] = 0.5;
    sc.ind_weight = ind_weight;
    sc.nnot_reported = 1;

    /* L01: P4 red escalated, C4 met, X5 met */
    set_cell(&cells[0][0], 0.625, 25, 40, 37.5, CC_ST_RED, CC_COL_RED, 2, 1, CC_CHG_NEW, 0.78,
             "活动出勤率 62.5% (25/40) < 目标 85.0%，连续 2 周未达标 → 专项整治");
    set_cell(&cells[0][1], 5.0, 25, 5000, 100, CC_ST_MET, CC_COL_MET, 0, 0, CC_CHG_NONE, 5.0, "");
    set_cell(&cells[0][2], 1, 1, 1, 100, CC_ST_MET, CC_COL_MET, 0, 0, CC_CHG_NONE, 1, "");
    /* L02 did not report: P4 missing, C4 blue, X5 not_reported (yellow) */
    set_cell(&cells[1][0], NAN, NAN, NAN, NAN, CC_ST_MISSING, CC_COL_GREY, 0, 0, CC_CHG_NONE, 0.9, "");
    cells[1][0].why = "未报";
    set_cell(&cells[1][1], 4.2, 21, 5000, 93.3, CC_ST_BLUE, CC_COL_BLUE, 1, 0, CC_CHG_CONTINUING, 4.2,
             "每千人托位数 4.20 (21/5000) < 目标 4.50");
    set_cell(&cells[1][2], 0, 0, 1, 0, CC_ST_NOT_REPORTED, CC_COL_YELLOW, 1, 0, CC_CHG_NEW, 1,
             "=HYPERLINK(\"x\") 本周未报送活动台账");
    /* street and area */
    set_cell(&cells[2][0], 0.625, 25, 40, 37.5, CC_ST_YELLOW, CC_COL_YELLOW, 1, 0, CC_CHG_NEW, 0.8,
             "活动出勤率 62.5% (25/40) < 目标 85.0%");
    set_cell(&cells[2][1], 4.6, 46, 10000, 100, CC_ST_MET, CC_COL_MET, 0, 0, CC_CHG_RESOLVED, 4.4, "");
    set_cell(&cells[2][2], 0.5, 1, 2, 0, CC_ST_RED, CC_COL_RED, 1, 0, CC_CHG_NEW, 1,
             "报送完整率 50.0% (1/2) < 目标 100.0%");
    memcpy(cells[3], cells[2], sizeof cells[2]);

    const double totals[4] = {68.75, 96.65, 68.75, 68.75};
    const char *grades[4] = {"合格", "优秀", "合格", "合格"};
    for (int i = 0; i < 4; i++) {
        cc_unit_result *r = &res[i];
        memset(r, 0, sizeof *r);
        r->unit = units[i];
        r->reported = i != 1;
        r->total = totals[i];
        r->coverage = i == 1 ? 0.5 : 1;
        r->grade = grades[i];
        r->closeness = NAN;
        r->dim_score[0] = cells[i][0].score;
        r->dim_score[1] = cells[i][1].score;
        r->dim_coverage[0] = r->dim_coverage[1] = 1;
        r->prev_total = totals[i] - (i == 0 ? 3.25 : -1.5);
        for (int k = 0; k < CC_HISTORY; k++) {
            r->total_hist[k] = totals[i] - k;
            r->hidx[k] = i;
            for (int j = 0; j < 3; j++)
                hval[k][i * 3 + j] = isnan(cells[i][j].value) ? NAN : cells[i][j].value - 0.01 * k;
        }
        r->cells = cells[i];
        for (int j = 0; j < 3; j++)
            if (cc_wb_is_warning(cells[i][j].status))
                r->warnings[cells[i][j].colour]++;
    }
    for (int k = 0; k < CC_HISTORY; k++)
        sc.hist_val[k] = hval[k];
    res[1].rank = 1; res[0].rank = 2;
    res[1].rank_in_area = 1; res[0].rank_in_area = 2;
    res[2].rank = 1;
}

static const size_t rows_street[] = {1, 0};
static cc_quality quality[2] = {
    {.activities = 3, .attendance = 40, .responses = 2, .rejects = 1, .plausibility = 1,
     .unreported_weeks = 0, .weeks = 1},
    {.weeks = 1, .unreported_weeks = 1},
};
static cc_resources resources[3];
static cc_special_child special[2] = {
    {"L01", "C9", "欧阳娜娜", "2026-08-01"},
    {"L01", "C7", "张三丰", "2026-09-10"},
};
static cc_answer_stats digital_roles[2] = {
    {"", -1, 12, 1, {4, 8, 0, 0, 0, 0}}, {"grandparent", -1, 10, 0, {3, 7, 0, 0, 0, 0}},
};
static cc_item digital_item = {"digital_skill", "您能熟练使用社区育儿小程序吗", CC_SCALE_YESNO,
                               NULL, 0, "digital", 0};
static cc_wb_item items[1];
static cc_kano_feature feat = {"flex_hours", "延时托管", "f?", "d?", 0};
static cc_kano_row kano[1];
static cc_input_file files[1] = {{"activities.csv", "ab12", "activities", "2026-11-23T07:00:00Z", 3, 3, 0}};

static void input(cc_wb_input *in, cc_report_kind kind)
{
    memset(in, 0, sizeof *in);
    in->kind = kind;
    in->sc = &sc;
    in->scope = 2;
    in->rows = rows_street;
    in->nrows = 2;
    in->quality = quality;
    for (int i = 0; i < 3; i++) {
        resources[i] = (cc_resources){.population = 5000.0 * (i == 2 ? 2 : 1),
            .children_0_3 = 100.0 * (i == 2 ? 2 : 1), .places = i == 0 ? 21 : 25,   /* resources[k] goes with rows[k]: [0] = L02 */
            .inclusive_places = 10, .monthly_fee = 1500, .monthly_income = 7500};
        if (i == 2)
            resources[i].places = 46;
        cc_resources_finish(&resources[i], 0.30);
    }
    in->resources = resources;
    in->special = special;
    in->nspecial = 2;
    items[0] = (cc_wb_item){&digital_item, digital_roles, 2, 2};
    in->items = items;
    in->nitems = 1;
    memset(kano, 0, sizeof kano);
    kano[0].feature = &feat;
    long counts[6] = {12, 30, 41, 9, 1, 2};
    memcpy(kano[0].counts, counts, sizeof counts);
    kano[0].category = CC_KANO_M;
    kano[0].better = 42.0 / 92;
    kano[0].worse = -71.0 / 92;
    kano[0].priority = 1;
    in->kano = kano;
    in->nkano = 1;
    in->files = files;
    in->nfiles = 1;
    in->last_ingest = "2026-11-23T07:00:00Z";
    in->nreported = 1;
    in->ncommunities = 2;
}

static int write_all(const char *dir)
{
    cc_wb_input in;
    char path[4096];
    input(&in, CC_REPORT_WEEKLY);
    snprintf(path, sizeof path, "%s/weekly.xlsx", dir);
    if (cc_workbook_write(path, &in))
        return 1;
    input(&in, CC_REPORT_QUARTERLY);
    sc.period.kind = CC_PERIOD_QUARTER;
    sc.period.from = 20727;             /* 2026-10-01 */
    sc.period.to = 20818;               /* 2026-12-31 */
    strcpy(sc.period.id, "2026-Q4");
    snprintf(path, sizeof path, "%s/quarterly.xlsx", dir);
    if (cc_workbook_write(path, &in))
        return 1;
    in.personal = 1;
    snprintf(path, sizeof path, "%s/personal.xlsx", dir);
    if (cc_workbook_write(path, &in))
        return 1;
    build();
    snprintf(path, sizeof path, "%s/scorecard.xlsx", dir);
    return cc_report_scorecard_xlsx(NULL, &sc, path, 0) != CC_OK;
}

/* ---- tests ------------------------------------------------------------------- */

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)len + 1);
    *n = fread(p, 1, (size_t)len, f);
    fclose(f);
    return p;
}

static void test_deterministic(void **state)
{
    (void)state;
    char d1[] = "/tmp/cc_wb_XXXXXX", d2[] = "/tmp/cc_wb_XXXXXX";
    assert_non_null(mkdtemp(d1));
    assert_non_null(mkdtemp(d2));
    build();
    assert_int_equal(write_all(d1), 0);
    build();
    assert_int_equal(write_all(d2), 0);
    const char *names[] = {"weekly.xlsx", "quarterly.xlsx", "personal.xlsx", "scorecard.xlsx"};
    for (int i = 0; i < 4; i++) {
        char p1[256], p2[256];
        size_t n1, n2;
        snprintf(p1, sizeof p1, "%s/%s", d1, names[i]);
        snprintf(p2, sizeof p2, "%s/%s", d2, names[i]);
        char *a = slurp(p1, &n1), *b = slurp(p2, &n2);
        assert_non_null(a);
        assert_non_null(b);
        assert_int_equal(n1, n2);
        assert_memory_equal(a, b, n1);
        free(a);
        free(b);
    }
    struct stat st;
    char p[256];
    snprintf(p, sizeof p, "%s/personal.xlsx", d1);
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    for (int i = 0; i < 4; i++) {
        snprintf(p, sizeof p, "%s/%s", d1, names[i]); unlink(p);
        snprintf(p, sizeof p, "%s/%s", d2, names[i]); unlink(p);
    }
    rmdir(d1);
    rmdir(d2);
}

static void test_unwritable_keeps_old(void **state)
{
    (void)state;
    char d[] = "/tmp/cc_wb_XXXXXX";
    assert_non_null(mkdtemp(d));
    char p[256];
    snprintf(p, sizeof p, "%s/missing-dir/weekly.xlsx", d);
    build();
    cc_wb_input in;
    input(&in, CC_REPORT_WEEKLY);
    FILE *sink = fopen("/dev/null", "w");
    cc_diag_set_sink(sink);
    assert_int_equal(cc_workbook_write(p, &in), CC_ERR_IO);
    cc_diag_set_sink(stderr);
    fclose(sink);
    /* an existing report stays when the new one is written over it */
    snprintf(p, sizeof p, "%s/weekly.xlsx", d);
    FILE *f = fopen(p, "w");
    fputs("old", f);
    fclose(f);
    assert_int_equal(cc_workbook_write(p, &in), CC_OK);
    size_t n;
    char *x = slurp(p, &n);
    assert_true(n > 1000);
    assert_memory_equal(x, "PK", 2);
    free(x);
    unlink(p);
    rmdir(d);
}

static void test_mask(void **state)
{
    (void)state;
    const char *cases[][2] = {
        {"张三丰", "张**"}, {"欧阳娜娜", "欧阳**"}, {"司马光", "司马**"}, {"李", "李**"},
        {" 王小明 ", "王**"}, {"", ""}, {"Alice", "A**"}, {"诸葛亮", "诸葛**"}, {"欧", "欧**"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *m = cc_mask_name(cases[i][0]);
        assert_string_equal(m, cases[i][1]);
        free(m);
    }
    char *m = cc_mask_name(NULL);
    assert_string_equal(m, "");
    free(m);
}

static void test_safe_filename(void **state)
{
    (void)state;
    const char *cases[][2] = {
        {"S01-东城街道", "S01-东城街道"}, {"../../etc/passwd", "______etc_passwd"},
        {"a/b", "a_b"}, {"", "_"}, {"东城 街道", "东城_街道"}, {"x\xff" "y", "x_y"},
        {"..", "__"}, {"L01_凉水井", "L01_凉水井"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *s = cc_safe_filename(cases[i][0]);
        assert_string_equal(s, cases[i][1]);
        free(s);
    }
}

static void test_report_stem(void **state)
{
    (void)state;
    char *s = cc_report_stem("S01", "东城街道", 0);
    assert_string_equal(s, "S01-东城街道");      /* unchanged: no hash */
    free(s);
    s = cc_report_stem("S01", "", 0);
    assert_string_equal(s, "S01-");
    free(s);
    /* sanitising changed the ID: the hash of the ID follows it, so S/1 and S:1 differ */
    char *a = cc_report_stem("S/1", "Dup街道", 0), *b = cc_report_stem("S:1", "Dup街道", 0);
    assert_int_equal(strlen(a), strlen("S_1_12345678-Dup街道"));
    assert_memory_equal(a, "S_1_", 4);
    assert_string_equal(a + 12, "-Dup街道");
    assert_string_not_equal(a, b);
    free(b);
    b = cc_report_stem("S/1", "Dup街道", 1);   /* the same ID, the same hash */
    assert_string_equal(a, b);
    free(a);
    free(b);
    s = cc_report_stem("S01", "x", 1);          /* a collision: hashed although the ID is safe */
    assert_int_equal(strlen(s), strlen("S01_12345678-x"));
    free(s);
    /* 1,000 CJK characters (3,000 bytes): cut to CC_STEM_MAX bytes at a character boundary */
    cc_buf n = CC_BUF_INIT;
    for (int i = 0; i < 1000; i++)
        cc_buf_adds(&n, "街");
    s = cc_report_stem("S01", n.s, 0);
    assert_true(strlen(s) <= CC_STEM_MAX);
    assert_true(strlen(s) > CC_STEM_MAX - 3);
    assert_memory_equal(s, "S01-", 4);
    assert_int_equal((strlen(s) - 4) % 3, 0);  /* whole characters */
    for (size_t i = 4; i < strlen(s); i += 3)
        assert_memory_equal(s + i, "街", 3);
    free(s);
    /* an ID over 100 bytes is cut and hashed; the name still fits */
    char id[301];
    memset(id, 'A', 300);
    id[300] = '\0';
    s = cc_report_stem(id, n.s, 0);
    assert_true(strlen(s) <= CC_STEM_MAX);
    assert_memory_equal(s + 100, "_", 1);
    assert_memory_equal(s + 109, "-街", 4);
    free(s);
    cc_buf_release(&n);
}

static void test_resources(void **state)
{
    (void)state;
    cc_resources r = {.population = 8000, .children_0_3 = 240, .places = 30,
                      .inclusive_places = 18, .monthly_fee = 1800, .monthly_income = 9000};
    cc_resources_finish(&r, 0.30);
    assert_float_equal(r.per1000, 3.75, 1e-12);
    assert_float_equal(r.demand, 72, 1e-12);
    assert_float_equal(r.gap, 42, 1e-12);
    assert_float_equal(r.inclusive_share, 0.6, 1e-12);
    assert_float_equal(r.fee_burden, 0.2, 1e-12);
    cc_resources z = {.population = 0, .children_0_3 = 0, .places = 0, .inclusive_places = 0,
                      .monthly_fee = NAN, .monthly_income = 0};
    cc_resources_finish(&z, 0.30);
    assert_true(isnan(z.per1000));
    assert_true(isnan(z.inclusive_share));
    assert_true(isnan(z.fee_burden));
}

static void test_warning_order(void **state)
{
    (void)state;
    build();
    size_t units_[] = {0, 1, 2};
    size_t *wu, *wi;
    size_t n = cc_wb_warning_rows(&sc, units_, 3, 1, &wu, &wi);
    /* red: L01 P4 (专项整治), S01 X5; yellow: L02 X5, S01 P4; blue: L02 C4; resolved: S01 C4 */
    assert_int_equal(n, 6);
    size_t eu[] = {0, 2, 1, 2, 1, 2}, ei[] = {0, 2, 2, 0, 1, 1};
    for (size_t k = 0; k < n; k++) {
        assert_int_equal(wu[k], eu[k]);
        assert_int_equal(wi[k], ei[k]);
    }
    free(wu);
    free(wi);
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--write")) {
        build();
        return write_all(argv[2]);
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_unwritable_keeps_old),
        cmocka_unit_test(test_mask),
        cmocka_unit_test(test_safe_filename),
        cmocka_unit_test(test_report_stem),
        cmocka_unit_test(test_resources),
        cmocka_unit_test(test_warning_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
