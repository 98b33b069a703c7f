/* Unit tests of lib/report/chart*.c: every chart at the demo's size (6 rows),
 * 40 and 150 rows; PNG size, non-blank content, the colours that must (and
 * must not) be there, sort order, determinism, atomic writes and errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cairo.h>

#include "base/base.h"
#include "report/report.h"

#define RED 0xD9383A
#define YELLOW 0xF2B134
#define BLUE 0x3A78D9
#define MET 0x4CA36B
#define GREY 0xB0B0B0
#define G_EXC 0x2E7D4F
#define G_GOOD 0x7CBF6E
#define G_PASS 0xF2B134
#define G_FAIL 0xD9383A

static char dir[64];

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/cc-chart-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char p[512];
        snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
        if (remove(p) != 0)
            rmdir(p);
    }
    if (d)
        closedir(d);
    rmdir(dir);
    return 0;
}

static char *pathf(const char *name)
{
    return cc_xasprintf("%s/%s", dir, name);
}

/* ---- PNG inspection ------------------------------------------------------- */
typedef struct {
    cairo_surface_t *sf;
    int w, h, stride;
    const unsigned char *data;
} img;

static void img_load(img *im, const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(st.st_size > 1000);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    unsigned char sig[24];
    assert_int_equal(fread(sig, 1, 24, f), 24);
    fclose(f);
    assert_memory_equal(sig, "\x89PNG\r\n\x1a\n", 8);
    assert_memory_equal(sig + 12, "IHDR", 4);
    im->sf = cairo_image_surface_create_from_png(path);
    assert_int_equal(cairo_surface_status(im->sf), CAIRO_STATUS_SUCCESS);
    im->w = cairo_image_surface_get_width(im->sf);
    im->h = cairo_image_surface_get_height(im->sf);
    im->stride = cairo_image_surface_get_stride(im->sf);
    im->data = cairo_image_surface_get_data(im->sf);
    /* IHDR width/height agree with what cairo decoded */
    assert_int_equal((sig[16] << 24) | (sig[17] << 16) | (sig[18] << 8) | sig[19], im->w);
    assert_int_equal((sig[20] << 24) | (sig[21] << 16) | (sig[22] << 8) | sig[23], im->h);
}

static void img_free(img *im)
{
    cairo_surface_destroy(im->sf);
}

static unsigned px(const img *im, int x, int y)
{
    return *(const uint32_t *)(im->data + (size_t)y * im->stride + (size_t)x * 4) & 0xFFFFFF;
}

static size_t distinct_colours(const img *im)
{
    unsigned char *seen = calloc(1u << 21, 1);
    size_t n = 0;
    for (int y = 0; y < im->h; y++)
        for (int x = 0; x < im->w; x++) {
            unsigned v = px(im, x, y);
            if (!(seen[v >> 3] & (1u << (v & 7)))) {
                seen[v >> 3] |= (unsigned char)(1u << (v & 7));
                n++;
            }
        }
    free(seen);
    return n;
}

static double non_white_share(const img *im)
{
    size_t n = 0;
    for (int y = 0; y < im->h; y++)
        for (int x = 0; x < im->w; x++)
            n += px(im, x, y) != 0xFFFFFF;
    return (double)n / ((double)im->w * im->h);
}

/* Is there a k x k block of exactly this colour? (text anti-aliasing makes
 * single pixels of almost any grey; it never makes solid blocks) */
static int has_block(const img *im, unsigned colour, int k)
{
    for (int y = 0; y + k <= im->h; y++)
        for (int x = 0; x + k <= im->w; x++) {
            if (px(im, x, y) != colour)
                continue;
            int ok = 1;
            for (int dy = 0; dy < k && ok; dy++)
                for (int dx = 0; dx < k && ok; dx++)
                    ok = px(im, x + dx, y + dy) == colour;
            if (ok)
                return 1;
        }
    return 0;
}

/* Does row y contain a run of at least len pixels of colour? */
static int row_has_run(const img *im, int y, unsigned colour, int len)
{
    int run = 0;
    for (int x = 0; x < im->w; x++) {
        run = px(im, x, y) == colour ? run + 1 : 0;
        if (run >= len)
            return 1;
    }
    return 0;
}

static void check_png_share(const char *path, int w, int h, size_t min_colours, double share)
{
    img im;
    img_load(&im, path);
    assert_int_equal(im.w, w);
    assert_int_equal(im.h, h);
    assert_true(distinct_colours(&im) >= min_colours);
    assert_true(non_white_share(&im) > share);
    img_free(&im);
}

static void check_png(const char *path, int w, int h, size_t min_colours)
{
    check_png_share(path, w, h, min_colours, 0.02);
}

static int same_bytes(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    assert_non_null(fa);
    assert_non_null(fb);
    int same = 1, ca, cb;
    do {
        ca = fgetc(fa);
        cb = fgetc(fb);
        if (ca != cb)
            same = 0;
    } while (same && ca != EOF);
    fclose(fa);
    fclose(fb);
    return same;
}

static int tmp_left(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)))
        n += strstr(e->d_name, ".tmp.") != NULL;
    closedir(d);
    return n;
}

/* ---- data ----------------------------------------------------------------- */
static const char *const stems[] = { "凉水井", "东城", "西湖", "北苑", "南门", "青石桥",
                                     "大观园", "望江", "锦华", "光华" };

static char **names(size_t n)
{
    char **v = cc_xcalloc(n, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        v[i] = i % 4 == 3 ? cc_xasprintf("%s街道办事处第%zu居民委员会社区服务中心（试点）",
                                         stems[i % 10], i + 1)
                          : cc_xasprintf("%s第%zu社区", stems[i % 10], i + 1);
    return v;
}

static void names_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static const size_t sizes[3] = { 6, 40, 150 };

/* ---- tests ---------------------------------------------------------------- */

/* Issue 18: every chart kind with 3, 20 and 60 rows (bars and heat map:
 * units; KANO: features; radar: axes; trend: periods), at the default width:
 * the smallest text at least 1/60 of the width (20 px of 1200), the title at
 * least 1/30 (40 px), no more than a quarter of the canvas's pixel rows
 * blank, and every row labelled where the chart says it labels every row.
 * CC_CHART_KEEP=dir copies the PNGs there for viewing. */
static void check_layout(const char *what, size_t n, const cc_chart_layout *L, int labelled_all)
{
    printf("  %-8s %3zu rows: %4d x %-5d min text %.1f px, title %.1f px, blank %.1f %%, "
           "labelled %zu\n", what, n, L->width, L->height, L->min_text, L->title_text,
           100 * L->blank_share, L->labelled);
    assert_int_equal(L->width, 1200);
    assert_true(L->min_text >= L->width / 60.0 - 1e-9);
    assert_true(L->title_text >= L->width / 30.0 - 1e-9);
    assert_true(L->blank_share <= 0.25);
    if (labelled_all)
        assert_int_equal(L->labelled, n);
    else
        assert_true(L->labelled >= 2 || n < 2);
}

static void keep_png(const char *p)
{
    const char *keep = getenv("CC_CHART_KEEP");
    if (keep && *keep) {
        char cmd[1024];
        snprintf(cmd, sizeof cmd, "cp '%s' '%s'/", p, keep);
        assert_int_equal(system(cmd), 0);
    }
}

static void test_layout_rows(void **state)
{
    (void)state;
    static const size_t rows[3] = { 3, 20, 60 };
    for (int s = 0; s < 3; s++) {
        size_t n = rows[s];
        char **lab = names(n);
        double *v = cc_xmalloc(n * 16 * sizeof(double)), *w = cc_xmalloc(n * sizeof(double));
        cc_colour *cells = cc_xmalloc(n * 27 * sizeof(cc_colour));
        unsigned char *un = cc_xcalloc(n * 27, 1);
        for (size_t i = 0; i < n * 16; i++)
            v[i] = fmod(37.0 + 7.3 * (double)i, 100.0);
        for (size_t i = 0; i < n; i++)
            w[i] = -fmod(0.13 + 0.29 * (double)i, 1.0);
        for (size_t i = 0; i < n * 27; i++)
            cells[i] = (cc_colour)(i % 5);
        for (size_t k = 0; k < 27; k++) {   /* the second unit did not report */
            cells[27 + k] = CC_COL_YELLOW;
            un[27 + k] = CC_HEAT_UNREPORTED;
        }
        static const char *const cols[27] = {
            "P1 活动组织规范率", "P2 师幼互动质量", "P3 计划活动完成率", "P4 活动出勤率",
            "P5 名额使用率", "P6 师幼比", "P7 安全事件率", "P8 反馈及时响应率", "R1 家长满意度",
            "R2 儿童参与度", "R3 适龄家庭覆盖率", "R4 困境儿童覆盖率", "R5 复参率",
            "R6 育儿减负感知率", "G1 认知发展提升率", "G2 社会性发展提升率", "G3 人均培训学时",
            "G4 持证上岗率", "G5 志愿者留存率", "C1 资源整合度", "C2 社区凝聚力",
            "C3 时间银行活跃度", "C4 每千人托位数", "C5 普惠托位占比", "C6 托育费用负担率",
            "C7 线上预约使用率", "C8 祖辈数字技能率" };
        char p[512];
        cc_chart_layout L;
        cc_chart_opts o;
        cc_chart_opts_init(&o);
        o.layout = &L;
        o.subtitle = "2026年第47周（11月16日—11月22日）";
        o.row_title = "社区";

        snprintf(p, sizeof p, "%s/layout-bars-%zu.png", dir, n);
        memset(&L, 0, sizeof L);
        assert_int_equal(cc_chart_bars(p, &o, "东城街道 总分排名", n, (const char *const *)lab, v, NULL), CC_OK);
        keep_png(p);
        check_layout("bars", n, &L, 1);

        snprintf(p, sizeof p, "%s/layout-heatmap-%zu.png", dir, n);
        memset(&L, 0, sizeof L);
        assert_int_equal(cc_chart_heatmap_marked(p, &o, "东城街道 指标预警热力图", n,
                                                 (const char *const *)lab, 27, cols, cells, un), CC_OK);
        keep_png(p);
        check_layout("heatmap", n, &L, 1);

        static const char *const series[2] = { "东城街道", "全区" };
        snprintf(p, sizeof p, "%s/layout-radar-%zu.png", dir, n);
        memset(&L, 0, sizeof L);
        assert_int_equal(cc_chart_radar(p, &o, "东城街道 四维度得分", n, (const char *const *)lab,
                                        2, series, v), CC_OK);
        keep_png(p);
        check_layout("radar", n, &L, n <= 8);

        snprintf(p, sizeof p, "%s/layout-trend-%zu.png", dir, n);
        memset(&L, 0, sizeof L);
        char **xl = cc_xcalloc(n, sizeof(char *));
        for (size_t i = 0; i < n; i++)
            xl[i] = cc_xasprintf("W%02zu", i % 53 + 1);
        assert_int_equal(cc_chart_trend(p, &o, "东城街道 总分趋势", n, (const char *const *)xl,
                                        2, series, v), CC_OK);
        keep_png(p);
        check_layout("trend", n, &L, n <= 12);
        names_free(xl, n);

        snprintf(p, sizeof p, "%s/layout-kano-%zu.png", dir, n);
        memset(&L, 0, sizeof L);
        double *b = cc_xmalloc(n * sizeof(double));
        for (size_t i = 0; i < n; i++)
            b[i] = fmod(0.21 + 0.37 * (double)i, 1.0);
        assert_int_equal(cc_chart_kano(p, &o, "东城街道 KANO 需求分类", n, (const char *const *)lab,
                                       b, w), CC_OK);
        free(b);
        keep_png(p);
        check_layout("kano", n, &L, 1);

        names_free(lab, n);
        free(v);
        free(w);
        free(cells);
        free(un);
    }
}

/* 未报 is drawn apart from 无数据: a hatched cell (dark stripes over its
 * colour) with a hatched legend swatch, where 无数据 is plain grey. */
static size_t count_exact(const img *im, unsigned colour)
{
    size_t n = 0;
    for (int y = 0; y < im->h; y++)
        for (int x = 0; x < im->w; x++)
            n += px(im, x, y) == colour;
    return n;
}

static void test_heatmap_unreported(void **state)
{
    (void)state;
    const char *rows[2] = { "锦城社区", "锦华社区" };
    const char *cols[3] = { "P1 活动组织规范率", "P2 师幼互动质量", "P3 计划活动完成率" };
    cc_colour cells[6] = { CC_COL_YELLOW, CC_COL_YELLOW, CC_COL_YELLOW,
                           CC_COL_GREY, CC_COL_GREY, CC_COL_GREY };
    unsigned char unrep[6] = { CC_HEAT_UNREPORTED, CC_HEAT_UNREPORTED, CC_HEAT_UNREPORTED, 0, 0, 0 };
    char *p = pathf("unrep.png");
    img im;
    assert_int_equal(cc_chart_heatmap(p, NULL, "未报", 2, rows, 3, cols, cells), CC_OK);
    img_load(&im, p);
    size_t plain = count_exact(&im, 0x333333);
    assert_true(has_block(&im, YELLOW, 20));
    img_free(&im);
    assert_int_equal(cc_chart_heatmap_marked(p, NULL, "未报", 2, rows, 3, cols, cells, unrep), CC_OK);
    img_load(&im, p);
    size_t hatched = count_exact(&im, 0x333333);
    assert_true(hatched > plain + 500);             /* the stripes of three cells and the swatch */
    assert_true(has_block(&im, GREY, 20));          /* 无数据 still plain grey */
    img_free(&im);
    free(p);
}

static void test_size_rule(void **state)
{
    (void)state;
    int w, h;
    /* 720 layout units scaled to 1200 px: heights are ceil(5/3 units) */
    cc_chart_size(CC_CHART_BARS, NULL, 6, 0, &w, &h);
    assert_int_equal(w, 1200);
    assert_int_equal(h, 614);                 /* 98 + 54 + 6 x 36 = 368 units */
    cc_chart_size(CC_CHART_BARS, NULL, 3, 0, &w, &h);
    assert_int_equal(h, 434);                 /* 152 + 3 x 36 = 260 */
    cc_chart_size(CC_CHART_BARS, NULL, 9, 0, &w, &h);
    assert_int_equal(h, 614);                 /* 152 + 9 x 24 = 368 */
    cc_chart_size(CC_CHART_BARS, NULL, 40, 0, &w, &h);
    assert_int_equal(h, 1720);                /* 152 + 40 x 22 = 1032 */
    cc_chart_size(CC_CHART_BARS, NULL, 150, 0, &w, &h);
    assert_int_equal(h, 5754);                /* 152 + 150 x 22 = 3452 */
    assert_int_equal(w, 1200);
    /* heat map: 98 + 104 + 10 + n x clamp(200 / n, 20, 32) */
    cc_chart_size(CC_CHART_HEATMAP, NULL, 150, 18, &w, &h);
    assert_int_equal(h, 5354);                /* 212 + 3000 */
    assert_int_equal(w, 1200);
    cc_chart_size(CC_CHART_HEATMAP, NULL, 6, 60, &w, &h);
    assert_int_equal(h, 674);                 /* 212 + 6 x 32 = 404 */
    assert_int_equal(w, 1200);                /* never wider: columns thin, labels every k-th */
    /* capped below Cairo's limit */
    cc_chart_size(CC_CHART_BARS, NULL, 100000, 0, &w, &h);
    assert_int_equal(h, 32000);
    /* KANO grows with its key (18 units a feature); radar and trend keep the
     * caller's size, with a floor */
    cc_chart_opts o;
    cc_chart_opts_init(&o);
    o.width = 900;
    o.height = 600;
    cc_chart_size(CC_CHART_KANO, &o, 500, 500, &w, &h);
    assert_int_equal(w, 900);
    assert_int_equal(h, 11428);               /* ceil(1.25 x (142 + 9000) = 11427.5) */
    cc_chart_size(CC_CHART_TREND, &o, 500, 500, &w, &h);
    assert_int_equal(h, 600);
    o.width = 10;
    o.height = -3;
    cc_chart_size(CC_CHART_RADAR, &o, 0, 0, &w, &h);
    assert_int_equal(w, 480);
    assert_int_equal(h, 800);
    assert_string_equal(cc_chart_name(CC_CHART_BARS), "bars");
    assert_string_equal(cc_chart_name(CC_CHART_HEATMAP), "heatmap");
    assert_string_equal(cc_chart_name(CC_CHART_RADAR), "radar");
    assert_string_equal(cc_chart_name(CC_CHART_TREND), "trend");
    assert_string_equal(cc_chart_name(CC_CHART_KANO), "kano");
}

static void test_bars(void **state)
{
    (void)state;
    static const int heights[3] = { 614, 1720, 5754 }   /* ceil(5/3 (98 + 54 + n pitch)), pitch clamp(216/n, 22, 36) */;
    for (int s = 0; s < 3; s++) {
        size_t n = sizes[s];
        char **lab = names(n);
        double *v = cc_xmalloc(n * sizeof(double));
        for (size_t i = 0; i < n; i++)   /* every grade and a missing total */
            v[i] = i % 5 == 4 ? NAN : 30.0 + (double)((i * 37) % 70);
        v[0] = 95;
        v[1] = 80;
        v[2] = 65;
        v[3] = 40;
        char *p = pathf("bars.png");
        assert_int_equal(cc_chart_bars(p, NULL, "东城街道 总分排名", n,
                                       (const char *const *)lab, v, NULL), CC_OK);
        check_png(p, 1200, heights[s], 100);
        img im;
        img_load(&im, p);
        assert_true(has_block(&im, G_EXC, 6));
        assert_true(has_block(&im, G_GOOD, 6));
        assert_true(has_block(&im, G_PASS, 6));
        assert_true(has_block(&im, G_FAIL, 6));
        assert_true(has_block(&im, GREY, 6));       /* the 无总分 stub */
        img_free(&im);
        assert_int_equal(tmp_left(), 0);
        free(p);
        free(v);
        names_free(lab, n);
    }
}

/* The chart sorts by value, NAN last; grades from the caller or the cuts. */
static void test_bars_order_and_grades(void **state)
{
    (void)state;
    const char *lab[3] = { "甲社区", "乙社区", "丙社区" };
    double v[3] = { 50, NAN, 95 };
    char *p = pathf("order.png");
    assert_int_equal(cc_chart_bars(p, NULL, "排序", 3, lab, v, NULL), CC_OK);
    /* rows: plot top 98, pitch 36 units: centres 116, 152, 188 units = 193, 253, 313 px */
    img im;
    img_load(&im, p);
    assert_true(row_has_run(&im, 193, G_EXC, 100));   /* 95 first */
    assert_false(row_has_run(&im, 193, G_FAIL, 20));
    assert_true(row_has_run(&im, 253, G_FAIL, 100));  /* then 50 */
    assert_true(row_has_run(&im, 313, GREY, 13));     /* the missing total last */
    assert_false(row_has_run(&im, 313, GREY, 18));    /* ... as a 9-unit (15 px) stub */
    img_free(&im);

    /* caller's grades win; custom cuts move 85 from 良好 to 优秀 */
    const char *gr[3] = { "良好", NULL, "不合格" };
    assert_int_equal(cc_chart_bars(p, NULL, "等级", 3, lab, v, gr), CC_OK);
    img_load(&im, p);
    assert_true(row_has_run(&im, 193, G_FAIL, 100));  /* 95 drawn as 不合格 */
    assert_true(row_has_run(&im, 253, G_GOOD, 100));  /* 50 drawn as 良好 */
    img_free(&im);
    cc_chart_opts o;
    cc_chart_opts_init(&o);
    o.grade_cut[0] = 80;
    o.grade_cut[1] = 70;
    o.grade_cut[2] = 50;
    double v2[3] = { 85, 72, 49.9 };
    assert_int_equal(cc_chart_bars(p, &o, "自定等级", 3, lab, v2, NULL), CC_OK);
    img_load(&im, p);
    assert_true(row_has_run(&im, 193, G_EXC, 100));
    assert_true(row_has_run(&im, 253, G_GOOD, 100));
    assert_true(row_has_run(&im, 313, G_FAIL, 100));
    img_free(&im);
    free(p);
}

static void test_heatmap(void **state)
{
    (void)state;
    static const int heights[3] = { 674, 1687, 5354 }   /* ceil(5/3 (212 + n pitch)), pitch clamp(200/n, 20, 32) */;
    const char *cols[16] = { "P1", "P2", "P3", "P4", "P5", "R1", "R2", "R3",
                             "G1", "G2", "G3", "G4", "C1", "C2", "X4", "X5" };
    for (int s = 0; s < 3; s++) {
        size_t n = sizes[s];
        char **lab = names(n);
        cc_colour *cells = cc_xmalloc(n * 16 * sizeof(cc_colour));
        /* only met, red and grey: blue and yellow must not appear */
        for (size_t i = 0; i < n * 16; i++)
            cells[i] = i % 7 == 0 ? CC_COL_RED : i % 11 == 0 ? CC_COL_GREY : CC_COL_MET;
        char *p = pathf("heat.png");
        assert_int_equal(cc_chart_heatmap(p, NULL, "预警热力图", n, (const char *const *)lab,
                                          16, cols, cells), CC_OK);
        check_png(p, 1200, heights[s], 50);
        img im;
        img_load(&im, p);
        assert_true(has_block(&im, MET, 8));
        assert_true(has_block(&im, RED, 8));
        assert_true(has_block(&im, GREY, 8));
        assert_false(has_block(&im, BLUE, 3));
        assert_false(has_block(&im, YELLOW, 3));
        img_free(&im);

        /* now all five levels */
        for (size_t i = 0; i < n * 16; i++)
            cells[i] = (cc_colour)(i % 5);
        assert_int_equal(cc_chart_heatmap(p, NULL, "预警热力图", n, (const char *const *)lab,
                                          16, cols, cells), CC_OK);
        img_load(&im, p);
        assert_true(has_block(&im, MET, 8));
        assert_true(has_block(&im, BLUE, 8));
        assert_true(has_block(&im, YELLOW, 8));
        assert_true(has_block(&im, RED, 8));
        assert_true(has_block(&im, GREY, 8));
        img_free(&im);
        free(p);
        free(cells);
        names_free(lab, n);
    }
    /* only yellow: nothing else coloured */
    const char *one[1] = { "凉水井社区" };
    cc_colour y[2] = { CC_COL_YELLOW, CC_COL_YELLOW };
    char *p = pathf("heat1.png");
    assert_int_equal(cc_chart_heatmap(p, NULL, "黄", 1, one, 2, cols, y), CC_OK);
    img im;
    img_load(&im, p);
    assert_true(has_block(&im, YELLOW, 8));
    assert_false(has_block(&im, MET, 3));
    assert_false(has_block(&im, BLUE, 3));
    assert_false(has_block(&im, RED, 3));
    assert_false(has_block(&im, GREY, 3));
    img_free(&im);
    free(p);
    /* 专项整治 marks: a black frame inside the marked cell only (the title ink
     * is #222222, so black tells the frame apart); the
     * unmarked chart has none */
    unsigned char mk[2] = { 1, 0 };
    p = pathf("heat1m.png");
    assert_int_equal(cc_chart_heatmap_marked(p, NULL, "黄", 1, one, 2, cols, y, mk), CC_OK);
    img_load(&im, p);
    assert_true(has_block(&im, YELLOW, 8));
    assert_true(has_block(&im, 0x000000, 3));
    img_free(&im);
    free(p);
    p = pathf("heat1.png");
    img_load(&im, p);
    assert_false(has_block(&im, 0x000000, 3));
    img_free(&im);
    free(p);
}

static void test_radar(void **state)
{
    (void)state;
    const char *ax[4] = { "过程质量", "服务对象", "儿童成长", "社区参与" };
    const char *ser[2] = { "东城街道", "全区" };
    double v[8] = { 81.2, 67.5, NAN, 90.1, 76, 72, 70.5, 80 };
    char *p = pathf("radar.png");
    assert_int_equal(cc_chart_radar(p, NULL, "四维度得分", 4, ax, 2, ser, v), CC_OK);
    check_png(p, 1200, 800, 50);
    img im;
    img_load(&im, p);
    assert_true(has_block(&im, 0x3A78D9, 4));   /* series 0 markers */
    assert_true(has_block(&im, 0xE07B39, 2));   /* series 1 */
    img_free(&im);
    /* six axes, three series, English */
    const char *ax6[6] = { "A", "B", "C", "D", "E", "F" };
    const char *ser3[3] = { "x", "y", "z" };
    double v6[18];
    for (int i = 0; i < 18; i++)
        v6[i] = (i * 23) % 101;
    cc_chart_opts o;
    cc_chart_opts_init(&o);
    o.lang_en = 1;
    assert_int_equal(cc_chart_radar(p, &o, "Scores", 6, ax6, 3, ser3, v6), CC_OK);
    check_png(p, 1200, 800, 50);
    /* two axes still draw */
    assert_int_equal(cc_chart_radar(p, &o, "Two", 2, ax6, 1, ser3, v6), CC_OK);
    check_png_share(p, 1200, 800, 20, 0.005);   /* rings and one spoke: mostly white */
    free(p);
}

static void test_trend(void **state)
{
    (void)state;
    const char *xl[12] = { "W36", "W37", "W38", "W39", "W40", "W41",
                           "W42", "W43", "W44", "W45", "W46", "W47" };
    for (int s = 0; s < 3; s++) {
        size_t ns = s == 0 ? 1 : s == 1 ? 4 : 12;
        char **lab = names(ns);
        double *v = cc_xmalloc(ns * 12 * sizeof(double));
        for (size_t i = 0; i < ns * 12; i++)
            v[i] = i % 9 == 4 ? NAN : 40 + (double)((i * 13) % 60);
        char *p = pathf("trend.png");
        assert_int_equal(cc_chart_trend(p, NULL, "总分趋势", 12, xl, ns,
                                        (const char *const *)lab, v), CC_OK);
        check_png(p, 1200, 800, 50);
        img im;
        img_load(&im, p);
        assert_true(has_block(&im, 0xE3F1E8, 20));   /* 优秀 band */
        assert_true(has_block(&im, 0xFBE8E8, 20));   /* 不合格 band */
        assert_true(has_block(&im, 0x3A78D9, 3));    /* series 0 */
        img_free(&im);
        free(p);
        free(v);
        names_free(lab, ns);
    }
}

static void test_kano(void **state)
{
    (void)state;
    static const int heights[3] = { 747, 1437, 4737 };   /* ceil(5/3 max(448, 142 + 18 n)) */
    for (int s = 0; s < 3; s++) {
        size_t n = sizes[s];
        char **lab = names(n);
        double *b = cc_xmalloc(n * sizeof(double)), *w = cc_xmalloc(n * sizeof(double));
        for (size_t i = 0; i < n; i++) {
            b[i] = fmod(0.13 * (double)i + 0.05, 1.0);
            w[i] = -fmod(0.29 * (double)i + 0.1, 1.0);
        }
        b[0] = 0.8, w[0] = -0.2;     /* A */
        b[1] = 0.8, w[1] = -0.8;     /* O */
        b[2] = 0.2, w[2] = -0.8;     /* M */
        b[3] = 0.2, w[3] = -0.2;     /* I */
        b[4] = NAN;                  /* not plotted */
        char *p = pathf("kano.png");
        assert_int_equal(cc_chart_kano(p, NULL, "KANO 需求分析", n, (const char *const *)lab,
                                       b, w), CC_OK);
        check_png(p, 1200, heights[s], 50);
        img im;
        img_load(&im, p);
        assert_true(has_block(&im, 0x3A78D9, 4));
        assert_true(has_block(&im, 0x4CA36B, 4));
        assert_true(has_block(&im, 0xD9383A, 4));
        assert_true(has_block(&im, 0x8C8C8C, 4));
        img_free(&im);
        free(p);
        free(b);
        free(w);
        names_free(lab, n);
    }
}

static void test_no_data(void **state)
{
    (void)state;
    char *p = pathf("empty.png");
    assert_int_equal(cc_chart_bars(p, NULL, "空", 0, NULL, NULL, NULL), CC_OK);
    check_png_share(p, 1200, 334, 10, 0.001);
    assert_int_equal(cc_chart_heatmap(p, NULL, "空", 0, NULL, 0, NULL, NULL), CC_OK);
    check_png_share(p, 1200, 334, 10, 0.001);
    assert_int_equal(cc_chart_radar(p, NULL, "空", 0, NULL, 0, NULL, NULL), CC_OK);
    check_png_share(p, 1200, 800, 10, 0.001);
    assert_int_equal(cc_chart_trend(p, NULL, "空", 0, NULL, 0, NULL, NULL), CC_OK);
    check_png_share(p, 1200, 800, 10, 0.001);
    assert_int_equal(cc_chart_kano(p, NULL, "空", 0, NULL, NULL, NULL), CC_OK);
    check_png_share(p, 1200, 747, 10, 0.001);
    free(p);
}

/* Every value missing, a single period, a single axis: drawn, not refused. */
static void test_all_missing(void **state)
{
    (void)state;
    const char *lab[3] = { "甲", "乙", "丙" };
    double nan3[6] = { NAN, NAN, NAN, NAN, NAN, NAN };
    char *p = pathf("nan.png");
    assert_int_equal(cc_chart_bars(p, NULL, "无总分", 3, lab, nan3, NULL), CC_OK);
    check_png_share(p, 1200, 434, 20, 0.005);
    img im;
    img_load(&im, p);
    for (int y = 193; y <= 313; y += 60) {      /* the three rows: grey stubs only */
        assert_true(row_has_run(&im, y, GREY, 8));
        assert_false(row_has_run(&im, y, G_EXC, 3));
        assert_false(row_has_run(&im, y, G_FAIL, 3));
    }
    img_free(&im);
    assert_int_equal(cc_chart_radar(p, NULL, "雷达", 3, lab, 2, lab, nan3), CC_OK);
    check_png_share(p, 1200, 692, 20, 0.005);
    assert_int_equal(cc_chart_trend(p, NULL, "趋势", 3, lab, 2, lab, nan3), CC_OK);
    check_png(p, 1200, 800, 20);
    double one[1] = { 77 };
    assert_int_equal(cc_chart_trend(p, NULL, "一期", 1, lab, 1, lab, one), CC_OK);
    check_png(p, 1200, 800, 20);
    assert_int_equal(cc_chart_radar(p, NULL, "一轴", 1, lab, 1, lab, one), CC_OK);
    check_png_share(p, 1200, 800, 20, 0.005);
    assert_int_equal(cc_chart_kano(p, NULL, "KANO", 3, lab, nan3, nan3), CC_OK);
    check_png(p, 1200, 747, 20);
    free(p);
}

/* Hostile labels: invalid UTF-8, control characters, formula-looking text,
 * very long names, NULL entries. */
static void test_hostile_labels(void **state)
{
    (void)state;
    const char *lab[5] = { "bad\xff\xfe", "two\nlines\t", "=cmd|' /C calc'!A0",
                           "非常非常非常非常非常非常非常非常非常非常非常非常长的名字", NULL };
    double v[5] = { 10, 20, 30, 40, 50 };
    char *p = pathf("hostile.png");
    assert_int_equal(cc_chart_bars(p, NULL, "\xc3(", 5, lab, v, NULL), CC_OK);
    check_png(p, 1200, 554, 50);
    double b[5] = { 0.1, 0.9, 0.5, 1.5, -1 }, w[5] = { 0.3, -0.6, -0.5, -2, 0 };
    assert_int_equal(cc_chart_kano(p, NULL, NULL, 5, lab, b, w), CC_OK);
    check_png(p, 1200, 747, 50);
    free(p);
}

/* Sample data of n rows for every kind of chart: values (every 9th none),
 * a 12-column heat map, names. */
typedef struct {
    size_t n;
    char **lab;
    double *v;
    cc_colour *cells;
} sample;

static const char *const sample_cols[12] = { "P1", "P2", "P3", "P4", "R1", "R2",
                                             "R3", "G1", "G2", "C1", "C2", "X5" };

static void sample_make(sample *d, size_t n)
{
    d->n = n;
    d->lab = names(n);
    d->v = cc_xmalloc(n * sizeof(double));
    d->cells = cc_xmalloc(n * 12 * sizeof(cc_colour));
    for (size_t i = 0; i < n; i++)
        d->v[i] = i % 9 == 0 ? NAN : (double)((i * 31) % 100);
    for (size_t i = 0; i < n * 12; i++)
        d->cells[i] = (cc_colour)((i * 7) % 5);
}

static void sample_free(sample *d)
{
    free(d->v);
    free(d->cells);
    names_free(d->lab, d->n);
}

/* Chart kind k (0 bars, 1 heat map, 2 radar, 3 trend, 4 KANO) of d at q. */
static cc_err sample_chart(int k, const char *q, const cc_chart_opts *o, const sample *d)
{
    const char *const *lab = (const char *const *)d->lab;
    return k == 0 ? cc_chart_bars(q, o, "排名", d->n, lab, d->v, NULL)
         : k == 1 ? cc_chart_heatmap(q, o, "热力", d->n, lab, 12, sample_cols, d->cells)
         : k == 2 ? cc_chart_radar(q, o, "雷达", 4, lab, 2, lab, d->v)
         : k == 3 ? cc_chart_trend(q, o, "趋势", 12, sample_cols, 3, lab, d->v)
                  : cc_chart_kano(q, o, "KANO", 12, lab, d->v, d->v + 12);
}

static void test_deterministic(void **state)
{
    (void)state;
    sample d;
    sample_make(&d, 40);
    cc_chart_opts o;
    cc_chart_opts_init(&o);
    o.subtitle = "2026年第47周";
    for (int k = 0; k < 5; k++) {
        char *a = pathf("det-a.png"), *b = pathf("det-b.png");
        for (int r = 0; r < 2; r++)
            assert_int_equal(sample_chart(k, r ? b : a, &o, &d), CC_OK);
        assert_true(same_bytes(a, b));
        free(a);
        free(b);
    }
    sample_free(&d);
}

/* A bars or heat-map chart taller than opts.strip is drawn and written a
 * strip of rows at a time (strips of 97 rows, which divide neither chart's
 * height): the same bytes and the same layout report as drawn whole. */
static void test_strips(void **state)
{
    (void)state;
    sample d;
    sample_make(&d, 150);
    for (int k = 0; k < 2; k++) {
        char *a = pathf("strip-a.png"), *b = pathf("strip-b.png");
        cc_chart_layout L[2];
        memset(L, 0, sizeof L);
        for (int r = 0; r < 2; r++) {
            cc_chart_opts o;
            cc_chart_opts_init(&o);
            o.subtitle = "2026年第47周";
            o.layout = &L[r];
            o.strip = r ? 97 : 0;
            assert_int_equal(sample_chart(k, r ? b : a, &o, &d), CC_OK);
        }
        assert_true(L[0].height > 97 * 10);
        if (!same_bytes(a, b))
            fail_msg("chart %d: the strips' PNG differs from the whole one's", k);
        assert_int_equal(L[0].width, L[1].width);
        assert_int_equal(L[0].height, L[1].height);
        assert_true(L[0].blank_share == L[1].blank_share);
        assert_true(L[0].min_text == L[1].min_text);
        assert_int_equal(L[0].labelled, L[1].labelled);
        free(a);
        free(b);
    }
    sample_free(&d);
}

static void test_errors(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    cc_diag_set_sink(mem);
    const char *lab[1] = { "a" };
    double v[1] = { 50 };

    /* the parent is a regular file */
    char *file = pathf("plain");
    FILE *f = fopen(file, "w");
    fputs("x", f);
    fclose(f);
    char *bad = cc_xasprintf("%s/x.png", file);
    assert_int_equal(cc_chart_bars(bad, NULL, "t", 1, lab, v, NULL), CC_ERR_IO);
    fflush(mem);
    assert_non_null(strstr(buf, bad));
    assert_non_null(strstr(buf, "carecard: "));
    assert_int_equal(cc_chart_kano("/nonexistent-dir/k.png", NULL, "t", 1, lab, v, v),
                     CC_ERR_IO);

    /* path is a directory: the rename fails, the directory and no temp file remain */
    char *sub = pathf("adir");
    assert_int_equal(mkdir(sub, 0755), 0);
    assert_int_equal(cc_chart_radar(sub, NULL, "t", 1, lab, 1, lab, v), CC_ERR_IO);
    struct stat st;
    assert_int_equal(stat(sub, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(tmp_left(), 0);

    /* a failed write leaves the previous file intact */
    char *keep = pathf("keep.png");
    assert_int_equal(cc_chart_bars(keep, NULL, "t", 1, lab, v, NULL), CC_OK);
    struct stat before;
    assert_int_equal(stat(keep, &before), 0);

    /* usage errors */
    assert_int_equal(cc_chart_bars(NULL, NULL, "t", 1, lab, v, NULL), CC_ERR_USAGE);
    assert_int_equal(cc_chart_bars("", NULL, "t", 1, lab, v, NULL), CC_ERR_USAGE);
    assert_int_equal(cc_chart_bars(keep, NULL, "t", 1, NULL, v, NULL), CC_ERR_USAGE);
    assert_int_equal(cc_chart_trend(keep, NULL, "t", 1, lab, 1, lab, NULL), CC_ERR_USAGE);
    cc_colour badc[1] = { (cc_colour)9 };
    assert_int_equal(cc_chart_heatmap(keep, NULL, "t", 1, lab, 1, lab, badc), CC_ERR_USAGE);
    struct stat after;
    assert_int_equal(stat(keep, &after), 0);
    assert_int_equal(after.st_size, before.st_size);
    assert_int_equal(after.st_ino, before.st_ino);

    cc_diag_set_sink(NULL);
    fclose(mem);
    free(buf);
    free(file);
    free(bad);
    free(sub);
    free(keep);
}

/* A province's area charts (1,500 streets: 1,200 x 32,000 px) are drawn
 * in strips: the process grows by far less than the 154 MB one image of
 * that size would take (in a child, whose peak is its own; not under
 * AddressSanitizer, whose quarantine keeps the freed strips). */
static void test_tall_chart_memory(void **state)
{
    (void)state;
#if defined(__SANITIZE_ADDRESS__)
    skip();
#endif
    size_t n = 1500;
    char **lab = names(n);
    double *v = cc_xmalloc(n * sizeof(double));
    cc_colour *cells = cc_xmalloc(n * 31 * sizeof(cc_colour));
    for (size_t i = 0; i < n; i++)
        v[i] = (double)((i * 37) % 100);
    for (size_t i = 0; i < n * 31; i++)
        cells[i] = (cc_colour)((i * 7) % 5);
    const char *cols[31];
    for (int k = 0; k < 31; k++)
        cols[k] = "P1 活动组织规范率";
    char *p = pathf("tall.png");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct rusage a, b;
        getrusage(RUSAGE_SELF, &a);
        cc_chart_layout L;
        cc_chart_opts o;
        cc_chart_opts_init(&o);
        o.layout = &L;
        int ok = cc_chart_bars(p, &o, "排名", n, (const char *const *)lab, v, NULL) == CC_OK &&
                 L.height == 32000;
        ok = ok && cc_chart_heatmap(p, &o, "热力", n, (const char *const *)lab, 31, cols, cells) == CC_OK &&
             L.height == 32000;
        getrusage(RUSAGE_SELF, &b);
        _exit(!ok ? 2 : b.ru_maxrss - a.ru_maxrss > 64 * 1024 ? 1 : 0);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    free(p);
    free(v);
    free(cells);
    names_free(lab, n);
}

/* A full disk (here: a 2 KB file-size limit, writes fail with EFBIG) is
 * CC_ERR_IO, leaves no temporary file and keeps the previous PNG. */
static void test_disk_full(void **state)
{
    (void)state;
    const char *lab[2] = { "凉水井社区", "东城社区" };
    double v[2] = { 88, 55 };
    char *p = pathf("full.png");
    assert_int_equal(cc_chart_bars(p, NULL, "旧", 2, lab, v, NULL), CC_OK);
    struct stat before;
    assert_int_equal(stat(p, &before), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        FILE *null = fopen("/dev/null", "w");
        cc_diag_set_sink(null);
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit rl = { 2048, 2048 };
        setrlimit(RLIMIT_FSIZE, &rl);
        cc_err rc = cc_chart_bars(p, NULL, "新", 2, lab, v, NULL);
        free(p);                       /* the child leaks nothing either (valgrind) */
        fclose(null);
        _exit(rc == CC_ERR_IO ? 0 : 1);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    struct stat after;
    assert_int_equal(stat(p, &after), 0);
    assert_int_equal(after.st_ino, before.st_ino);
    assert_int_equal(after.st_size, before.st_size);
    assert_int_equal(tmp_left(), 0);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_rows),
        cmocka_unit_test(test_heatmap_unreported),
        cmocka_unit_test(test_size_rule),
        cmocka_unit_test(test_bars),
        cmocka_unit_test(test_bars_order_and_grades),
        cmocka_unit_test(test_heatmap),
        cmocka_unit_test(test_radar),
        cmocka_unit_test(test_trend),
        cmocka_unit_test(test_kano),
        cmocka_unit_test(test_no_data),
        cmocka_unit_test(test_all_missing),
        cmocka_unit_test(test_hostile_labels),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_strips),
        cmocka_unit_test(test_tall_chart_memory),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_disk_full),
    };
    return cmocka_run_group_tests_name("chart", tests, setup, teardown);
}
