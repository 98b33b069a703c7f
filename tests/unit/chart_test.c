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
static void test_size_rule(void **state)
{
    (void)state;
    int w, h;
    cc_chart_size(CC_CHART_BARS, NULL, 6, 0, &w, &h);
    assert_int_equal(w, 1200);
    assert_int_equal(h, 800);
    /* bars: 96 above the plot + 56 below + 16 per row, never below 800 */
    cc_chart_size(CC_CHART_BARS, NULL, 40, 0, &w, &h);
    assert_int_equal(h, 800);                 /* 96 + 56 + 640 = 792 */
    cc_chart_size(CC_CHART_BARS, NULL, 41, 0, &w, &h);
    assert_int_equal(h, 808);
    cc_chart_size(CC_CHART_BARS, NULL, 150, 0, &w, &h);
    assert_int_equal(h, 2552);
    assert_int_equal(w, 1200);
    /* heat map: 132 + 24 + 16 per row; width 320 + 18 per column */
    cc_chart_size(CC_CHART_HEATMAP, NULL, 150, 18, &w, &h);
    assert_int_equal(h, 2556);
    assert_int_equal(w, 1200);
    cc_chart_size(CC_CHART_HEATMAP, NULL, 6, 60, &w, &h);
    assert_int_equal(h, 800);
    assert_int_equal(w, 1400);
    /* capped below Cairo's limit */
    cc_chart_size(CC_CHART_BARS, NULL, 100000, 0, &w, &h);
    assert_int_equal(h, 32000);
    /* other kinds ignore rows; caller's size, with a floor */
    cc_chart_opts o;
    cc_chart_opts_init(&o);
    o.width = 900;
    o.height = 600;
    cc_chart_size(CC_CHART_KANO, &o, 500, 500, &w, &h);
    assert_int_equal(w, 900);
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
    static const int heights[3] = { 800, 800, 2552 };
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
    /* rows: plot top 96, pitch min(64, (800 - 56 - 96) / 3) = 64: centres 128, 192, 256 */
    img im;
    img_load(&im, p);
    assert_true(row_has_run(&im, 128, G_EXC, 100));   /* 95 first */
    assert_false(row_has_run(&im, 128, G_FAIL, 20));
    assert_true(row_has_run(&im, 192, G_FAIL, 100));  /* then 50 */
    assert_true(row_has_run(&im, 256, GREY, 8));      /* the missing total last */
    assert_false(row_has_run(&im, 256, GREY, 12));    /* ... as a 9 px stub */
    img_free(&im);

    /* caller's grades win; custom cuts move 85 from 良好 to 优秀 */
    const char *gr[3] = { "良好", NULL, "不合格" };
    assert_int_equal(cc_chart_bars(p, NULL, "等级", 3, lab, v, gr), CC_OK);
    img_load(&im, p);
    assert_true(row_has_run(&im, 128, G_FAIL, 100));  /* 95 drawn as 不合格 */
    assert_true(row_has_run(&im, 192, G_GOOD, 100));  /* 50 drawn as 良好 */
    img_free(&im);
    cc_chart_opts o;
    cc_chart_opts_init(&o);
    o.grade_cut[0] = 80;
    o.grade_cut[1] = 70;
    o.grade_cut[2] = 50;
    double v2[3] = { 85, 72, 49.9 };
    assert_int_equal(cc_chart_bars(p, &o, "自定等级", 3, lab, v2, NULL), CC_OK);
    img_load(&im, p);
    assert_true(row_has_run(&im, 128, G_EXC, 100));
    assert_true(row_has_run(&im, 192, G_GOOD, 100));
    assert_true(row_has_run(&im, 256, G_FAIL, 100));
    img_free(&im);
    free(p);
}

static void test_heatmap(void **state)
{
    (void)state;
    static const int heights[3] = { 800, 800, 2556 };
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
    /* 专项整治 marks: a dark frame (#222222) inside the marked cell only; the
     * unmarked chart has none */
    unsigned char mk[2] = { 1, 0 };
    p = pathf("heat1m.png");
    assert_int_equal(cc_chart_heatmap_marked(p, NULL, "黄", 1, one, 2, cols, y, mk), CC_OK);
    img_load(&im, p);
    assert_true(has_block(&im, YELLOW, 8));
    assert_true(has_block(&im, 0x222222, 3));
    img_free(&im);
    free(p);
    p = pathf("heat1.png");
    img_load(&im, p);
    assert_false(has_block(&im, 0x222222, 3));
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
        check_png(p, 1200, 800, 50);
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
    check_png_share(p, 1200, 800, 10, 0.001);
    assert_int_equal(cc_chart_heatmap(p, NULL, "空", 0, NULL, 0, NULL, NULL), CC_OK);
    check_png_share(p, 1200, 800, 10, 0.001);
    assert_int_equal(cc_chart_radar(p, NULL, "空", 0, NULL, 0, NULL, NULL), CC_OK);
    check_png_share(p, 1200, 800, 10, 0.001);
    assert_int_equal(cc_chart_trend(p, NULL, "空", 0, NULL, 0, NULL, NULL), CC_OK);
    check_png_share(p, 1200, 800, 10, 0.001);
    assert_int_equal(cc_chart_kano(p, NULL, "空", 0, NULL, NULL, NULL), CC_OK);
    check_png_share(p, 1200, 800, 10, 0.001);
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
    check_png_share(p, 1200, 800, 20, 0.005);
    img im;
    img_load(&im, p);
    for (int y = 128; y <= 256; y += 64) {      /* the three rows: grey stubs only */
        assert_true(row_has_run(&im, y, GREY, 8));
        assert_false(row_has_run(&im, y, G_EXC, 3));
        assert_false(row_has_run(&im, y, G_FAIL, 3));
    }
    img_free(&im);
    assert_int_equal(cc_chart_radar(p, NULL, "雷达", 3, lab, 2, lab, nan3), CC_OK);
    check_png_share(p, 1200, 800, 20, 0.005);
    assert_int_equal(cc_chart_trend(p, NULL, "趋势", 3, lab, 2, lab, nan3), CC_OK);
    check_png(p, 1200, 800, 20);
    double one[1] = { 77 };
    assert_int_equal(cc_chart_trend(p, NULL, "一期", 1, lab, 1, lab, one), CC_OK);
    check_png(p, 1200, 800, 20);
    assert_int_equal(cc_chart_radar(p, NULL, "一轴", 1, lab, 1, lab, one), CC_OK);
    check_png_share(p, 1200, 800, 20, 0.005);
    assert_int_equal(cc_chart_kano(p, NULL, "KANO", 3, lab, nan3, nan3), CC_OK);
    check_png(p, 1200, 800, 20);
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
    check_png(p, 1200, 800, 50);
    double b[5] = { 0.1, 0.9, 0.5, 1.5, -1 }, w[5] = { 0.3, -0.6, -0.5, -2, 0 };
    assert_int_equal(cc_chart_kano(p, NULL, NULL, 5, lab, b, w), CC_OK);
    check_png(p, 1200, 800, 50);
    free(p);
}

static void test_deterministic(void **state)
{
    (void)state;
    size_t n = 40;
    char **lab = names(n);
    double *v = cc_xmalloc(n * sizeof(double));
    cc_colour *cells = cc_xmalloc(n * 12 * sizeof(cc_colour));
    for (size_t i = 0; i < n; i++)
        v[i] = i % 9 == 0 ? NAN : (double)((i * 31) % 100);
    for (size_t i = 0; i < n * 12; i++)
        cells[i] = (cc_colour)((i * 7) % 5);
    const char *cols[12] = { "P1", "P2", "P3", "P4", "R1", "R2",
                             "R3", "G1", "G2", "C1", "C2", "X5" };
    cc_chart_opts o;
    cc_chart_opts_init(&o);
    o.subtitle = "2026年第47周";
    for (int k = 0; k < 5; k++) {
        char *a = pathf("det-a.png"), *b = pathf("det-b.png");
        for (int r = 0; r < 2; r++) {
            const char *q = r ? b : a;
            cc_err rc = k == 0 ? cc_chart_bars(q, &o, "排名", n, (const char *const *)lab, v, NULL)
                      : k == 1 ? cc_chart_heatmap(q, &o, "热力", n, (const char *const *)lab, 12,
                                                  cols, cells)
                      : k == 2 ? cc_chart_radar(q, &o, "雷达", 4, (const char *const *)lab, 2,
                                                (const char *const *)lab, v)
                      : k == 3 ? cc_chart_trend(q, &o, "趋势", 12, cols, 3,
                                                (const char *const *)lab, v)
                               : cc_chart_kano(q, &o, "KANO", 12, (const char *const *)lab,
                                               v, v + 12);
            assert_int_equal(rc, CC_OK);
        }
        assert_true(same_bytes(a, b));
        free(a);
        free(b);
    }
    free(v);
    free(cells);
    names_free(lab, n);
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
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_disk_full),
    };
    return cmocka_run_group_tests_name("chart", tests, setup, teardown);
}
