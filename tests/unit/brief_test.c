/* Unit tests of lib/report/brief.c: the layout rules of the one-page brief
 * for 3, 20 and 60 communities (nothing leaves the page or its section, the
 * smallest text is >= 22 px on the 1080 px PNG and >= 8 pt on paper, long
 * lists are cut with a count, long names ellipsised), and the files: PNG
 * size, content, byte-identical reruns, the PDF's creation date. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cairo.h>

#include "base/base.h"
#include "report/report.h"

#define TMPDIR_TEMPLATE "/tmp/ccbriefXXXXXX"
#include "tmpdir.h"

#define MAXN 300
#define EPS 0.01

typedef struct {
    cc_brief b;
    cc_brief_bar bars[MAXN];
    cc_brief_item items[MAXN];
    char names[MAXN][96];
    char expl[MAXN][160];
    const char *unrep[MAXN];
    char tl[12][16];
    const char *tlp[12];
    double tv[12];
    cc_brief_kano kano[5];
} fixture;

/* n communities of a street: ranked by a falling score, the last `unranked`
 * of them 未报 (every second) or 覆盖不足; nitems one-line items to act on,
 * the first two 专项整治. */
static fixture *make(size_t n, size_t unranked, size_t nitems, int long_names)
{
    fixture *f = calloc(1, sizeof *f);
    cc_brief *b = &f->b;
    b->title = "东城街道 · 周报";
    b->period = "2026年第47周（11月16日—11月22日）";
    b->date = "2026-11-22T00:00:00Z";
    b->nunits = n;
    b->data_to = "2026-11-23";
    b->mean = 77.25;
    b->mean_change = -1.25;
    b->change_label = "较上周";
    b->red = 3;
    b->yellow = 5;
    b->blue = 2;
    b->rectify = 2;
    b->grades[0] = 1;
    b->grades[1] = 2;
    b->grades[2] = 3;
    b->grades[3] = 4;
    b->bars_title = "社区排名";
    for (size_t k = 0; k < n; k++) {
        if (long_names)
            snprintf(f->names[k], sizeof f->names[k], "第%zu号非常非常非常长名字的示范社区居民委员会", k + 1);
        else
            snprintf(f->names[k], sizeof f->names[k], "社区%zu", k + 1);
        cc_brief_bar *r = &f->bars[k];
        r->name = f->names[k];
        if (k + unranked >= n) {
            r->total = NAN;
            r->unranked = (n - k) % 2 ? "未报" : "覆盖不足";
            if ((n - k) % 2)
                f->unrep[b->nunreported++] = f->names[k];
        } else {
            r->rank = (int)k + 1;
            r->total = 95.0 - 60.0 * (double)k / (double)n;
            r->grade = r->total >= 90 ? "优秀" : r->total >= 75 ? "良好" : r->total >= 60 ? "合格" : "不合格";
        }
    }
    b->nreported = n - b->nunreported;
    b->unreported = f->unrep;
    b->bars = f->bars;
    b->nbars = n;
    for (size_t k = 0; k < nitems; k++) {
        snprintf(f->expl[k], sizeof f->expl[k], "活动出勤率 62.5%% (25/40) < 目标 85.0%%");
        cc_brief_item *it = &f->items[k];
        it->unit = f->names[k % (n ? n : 1)];
        it->text = f->expl[k];
        it->rectify = k < 2;
        it->action = k < 2 ? "专项整治" : "限期整改";
        it->colour = k % 3 ? CC_COL_YELLOW : CC_COL_RED;
    }
    b->items = f->items;
    b->nitems = nitems;
    for (int k = 0; k < 12; k++) {
        snprintf(f->tl[k], sizeof f->tl[k], "W%d", 36 + k);
        f->tlp[k] = f->tl[k];
        f->tv[k] = k == 4 ? NAN : 70 + k;
    }
    b->trend_labels = f->tlp;
    b->trend = f->tv;
    b->ntrend = 12;
    b->nfiles = 12;
    b->config_sha = "0123456789ab";
    b->version = "1.0.0";
    return f;
}

static int inside(const cc_brief_rect *in, const cc_brief_rect *out)
{
    return in->x >= out->x - EPS && in->y >= out->y - EPS &&
           in->x + in->w <= out->x + out->w + EPS && in->y + in->h <= out->y + out->h + EPS;
}

static int overlap(const cc_brief_rect *a, const cc_brief_rect *b)
{
    return a->x < b->x + b->w - EPS && b->x < a->x + a->w - EPS &&
           a->y < b->y + b->h - EPS && b->y < a->y + a->h - EPS;
}

/* The rules every page keeps, whatever its input. */
static void check_rules(const cc_brief *b, const cc_brief_layout *L)
{
    const cc_brief_rect page = {0, 0, CC_BRIEF_PAGE_W, CC_BRIEF_PAGE_H};
    const cc_brief_rect body = {28, 28, CC_BRIEF_PAGE_W - 56, CC_BRIEF_PAGE_H - 56};
    assert_true(L->ntexts > 20);
    assert_true(inside(&L->ink, &body));
    assert_true(inside(&L->ink, &page));
    /* smallest text: 22 px on a 1080 px wide PNG, 8 pt on paper */
    assert_true(L->min_size * CC_BRIEF_PNG_W / CC_BRIEF_PAGE_W >= 22.0);
    assert_true(L->min_size >= 8.0);
    for (size_t k = 0; k < L->ntexts; k++) {
        const cc_brief_text *t = &L->texts[k];
        assert_true(t->size >= CC_BRIEF_MIN_PT);
        assert_true(t->section >= 0 && t->section < CC_BRIEF_NSECT);
        if (!inside(&t->box, &L->sect[t->section]))
            fail_msg("text %zu (section %d) at %.1f,%.1f %.1fx%.1f leaves its section "
                     "%.1f,%.1f %.1fx%.1f", k, t->section, t->box.x, t->box.y, t->box.w,
                     t->box.h, L->sect[t->section].x, L->sect[t->section].y,
                     L->sect[t->section].w, L->sect[t->section].h);
    }
    /* each headline text inside its own figure's box */
    for (size_t k = 0; k < L->ntexts; k++) {
        const cc_brief_text *t = &L->texts[k];
        if (t->section != CC_BRIEF_S_HEADLINE)
            continue;
        int in = 0;
        for (int q = 0; q < 4; q++)
            in |= inside(&t->box, &L->head_box[q]);
        if (!in)
            fail_msg("headline text %zu at %.1f,%.1f %.1fx%.1f is in no figure's box", k,
                     t->box.x, t->box.y, t->box.w, t->box.h);
    }
    /* sections top to bottom, the ranking and the side column side by side */
    for (int s = 0; s < CC_BRIEF_NSECT; s++) {
        assert_true(inside(&L->sect[s], &body));
        for (int t = s + 1; t < CC_BRIEF_NSECT; t++)
            assert_false(overlap(&L->sect[s], &L->sect[t]));
    }
    assert_true(L->sect[CC_BRIEF_S_DATA].y >= L->sect[CC_BRIEF_S_TITLE].y + L->sect[CC_BRIEF_S_TITLE].h);
    assert_true(L->sect[CC_BRIEF_S_HEADLINE].y >= L->sect[CC_BRIEF_S_DATA].y + L->sect[CC_BRIEF_S_DATA].h);
    assert_true(L->sect[CC_BRIEF_S_ITEMS].y >= L->sect[CC_BRIEF_S_HEADLINE].y + L->sect[CC_BRIEF_S_HEADLINE].h);
    assert_true(L->sect[CC_BRIEF_S_BARS].y >= L->sect[CC_BRIEF_S_ITEMS].y + L->sect[CC_BRIEF_S_ITEMS].h);
    assert_true(L->sect[CC_BRIEF_S_FOOTER].y >= L->sect[CC_BRIEF_S_BARS].y + L->sect[CC_BRIEF_S_BARS].h);
    /* lists: what is not shown is counted */
    assert_int_equal(L->bars_shown + L->bars_more, b->nbars);
    assert_int_equal(L->items_shown + L->items_more, b->nitems);
    assert_true(L->item_lines <= CC_BRIEF_MAX_ITEM_LINES);
}

static void layout(const cc_brief *b, cc_brief_layout *L)
{
    assert_int_equal(cc_brief_layout_compute(b, L), CC_OK);
    check_rules(b, L);
}

/* 3 communities: everything shown, nothing cut. */
static void test_three(void **state)
{
    (void)state;
    fixture *f = make(3, 0, 3, 0);
    cc_brief_layout L;
    layout(&f->b, &L);
    assert_int_equal(L.bars_shown, 3);
    assert_int_equal(L.bars_more, 0);
    assert_int_equal(L.items_shown, 3);
    assert_int_equal(L.item_lines, 3);
    for (size_t k = 0; k < L.ntexts; k++)
        assert_false(L.texts[k].ellipsized);
    cc_brief_layout_free(&L);
    free(f);
}

/* The ranking holds as many rows as fit between its header and the footer;
 * a row is one line of 12.5 pt text: Noto Sans CJK's line is 1.448 em,
 * 18.1 pt, floored to 18. */
static size_t capacity(const cc_brief_layout *L)
{
    const cc_brief_rect *r = &L->sect[CC_BRIEF_S_BARS];
    assert_float_equal(L->bar_pitch, 18.0, 1e-9);
    return (size_t)floor((r->y + r->h - L->bar_top) / 18.0);
}

/* 20 communities, 2 of them unranked, 12 items: the items are cut after 8
 * lines with "另有 4 项", the ranking is shown whole. */
static void test_twenty(void **state)
{
    (void)state;
    fixture *f = make(20, 2, 12, 0);
    cc_brief_layout L;
    layout(&f->b, &L);
    assert_int_equal(L.items_shown, 8);
    assert_int_equal(L.items_more, 4);
    assert_int_equal(L.item_lines, 8);
    /* 20 rows fit under 8 item lines: a street of 20 is shown whole */
    assert_true(capacity(&L) >= 20);
    assert_int_equal(L.bars_shown, 20);
    assert_int_equal(L.bars_more, 0);
    cc_brief_layout_free(&L);
    free(f);
}

/* 60 communities with long names: the ranking is cut to its capacity (top
 * and bottom, one line for the count), every name ellipsised to its column,
 * the data line's 未报 names cut at two lines. */
static void test_sixty(void **state)
{
    (void)state;
    fixture *f = make(60, 9, 40, 1);
    cc_brief_layout L;
    layout(&f->b, &L);
    size_t cap = capacity(&L);
    assert_true(cap < 60);
    assert_int_equal(L.bars_shown, cap - 1);
    assert_int_equal(L.bars_more, 60 - (cap - 1));
    /* long explanations with a long name take two lines each: 4 items */
    assert_int_equal(L.items_shown, 4);
    assert_int_equal(L.item_lines, 8);
    size_t ell = 0;
    for (size_t k = 0; k < L.ntexts; k++) {
        const cc_brief_text *t = &L.texts[k];
        if (t->section == CC_BRIEF_S_BARS && t->ellipsized) {
            ell++;
            assert_true(t->box.w <= 86 + EPS);
        }
        if (t->section == CC_BRIEF_S_DATA)
            assert_int_equal(t->lines, 2);
    }
    assert_int_equal(ell, L.bars_shown);     /* every shown name is too long */
    cc_brief_layout_free(&L);
    free(f);
}

/* The extremes: nothing at all, and 300 rows with 300 items. */
static void test_extremes(void **state)
{
    (void)state;
    fixture *f = make(0, 0, 0, 0);
    f->b.ntrend = 0;
    cc_brief_layout L;
    layout(&f->b, &L);
    assert_int_equal(L.bars_shown, 0);
    cc_brief_layout_free(&L);
    /* a trend without any value says so (one more text than with values) */
    f->b.ntrend = 12;
    layout(&f->b, &L);
    size_t with_values = L.ntexts;
    cc_brief_layout_free(&L);
    for (int k = 0; k < 12; k++)
        f->tv[k] = NAN;
    layout(&f->b, &L);
    assert_int_equal(L.ntexts, with_values);    /* the last value's label gives way to the note */
    cc_brief_layout_free(&L);
    free(f);
    f = make(300, 100, 300, 1);
    f->b.kano = f->kano;
    f->b.nkano = 5;
    for (int k = 0; k < 5; k++) {
        f->kano[k].name = "延时托管服务非常长的名字用于测试省略号效果";
        f->kano[k].category = "必备";
    }
    cc_brief_ledger led[4] = {{"待整改", 3}, {"整改中", 2}, {"已完成", 1}, {"逾期", 1}};
    f->b.ledger = led;
    f->b.nledger = 4;
    layout(&f->b, &L);
    assert_true(L.bars_more > 200);
    cc_brief_layout_free(&L);
    /* counts that just fit at the full size are drawn whole (18 / 13 / 24
     * lost its 24 to an ellipsis once), and those of a city, five digits
     * each, stay inside their box */
    for (long v = 10; v < 100; v++) {
        f->b.red = 18;
        f->b.yellow = 13;
        f->b.blue = v;
        layout(&f->b, &L);
        for (size_t k = 0; k < L.ntexts; k++)
            assert_false(L.texts[k].section == CC_BRIEF_S_HEADLINE && L.texts[k].ellipsized);
        cc_brief_layout_free(&L);
    }
    /* a city's counts */
    f->b.red = 99999;
    f->b.yellow = 88888;
    f->b.blue = 77777;
    f->b.rectify = 99999;
    f->b.grades[0] = f->b.grades[1] = f->b.grades[2] = f->b.grades[3] = 9999;
    f->b.mean = 100;
    f->b.mean_change = 100;
    layout(&f->b, &L);
    cc_brief_layout_free(&L);
    f->b.lang_en = 1;
    layout(&f->b, &L);
    cc_brief_layout_free(&L);
    free(f);
}

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    long len = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    unsigned char *d = malloc((size_t)len + 1);
    *n = fread(d, 1, (size_t)len, fp);
    d[*n] = 0;
    fclose(fp);
    return d;
}

/* The files: PNG 1080 x 1527 with ink on it, the PDF dated by the period,
 * and both byte-identical when written again. */
static void test_files(void **state)
{
    (void)state;
    fixture *f = make(20, 2, 12, 0);
    char pdf[128], png[128], pdf2[128], png2[128];
    snprintf(pdf, sizeof pdf, "%s/b.pdf", tmpdir);
    snprintf(png, sizeof png, "%s/b.png", tmpdir);
    snprintf(pdf2, sizeof pdf2, "%s/b2.pdf", tmpdir);
    snprintf(png2, sizeof png2, "%s/b2.png", tmpdir);
    assert_int_equal(cc_brief_write(&f->b, pdf, png), CC_OK);
    assert_int_equal(cc_brief_write(&f->b, pdf2, png2), CC_OK);
    int w, h;
    cc_brief_png_size(&w, &h);
    assert_int_equal(w, 1080);
    assert_int_equal(h, 1527);    /* 841.89 * 1080 / 595.28 = 1527.4 */
    cairo_surface_t *img = cairo_image_surface_create_from_png(png);
    assert_int_equal(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
    assert_int_equal(cairo_image_surface_get_width(img), 1080);
    assert_int_equal(cairo_image_surface_get_height(img), 1527);
    cairo_surface_flush(img);
    const unsigned char *d = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    size_t dark = 0;
    for (int y = 0; y < 1527; y++)
        for (int x = 0; x < 1080; x++) {
            uint32_t px = *(const uint32_t *)(const void *)(d + (size_t)y * stride + 4 * (size_t)x);
            if (((px >> 16) & 0xff) < 128 && ((px >> 8) & 0xff) < 128 && (px & 0xff) < 128)
                dark++;
        }
    cairo_surface_destroy(img);
    assert_true(dark > 10000);      /* text */
    size_t n1, n2;
    unsigned char *a = slurp(pdf, &n1), *b = slurp(pdf2, &n2);
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(n1, n2);
    assert_memory_equal(a, b, n1);
    assert_memory_equal(a, "%PDF-", 5);
    /* the period's last day (cairo 1.16 writes it without the "D:" prefix) */
    const unsigned char *cd = memmem(a, n1, "/CreationDate (", 15);
    assert_non_null(cd);
    assert_non_null(memmem(cd, 40, "20261122000000Z)", 16));
    free(a);
    free(b);
    a = slurp(png, &n1);
    b = slurp(png2, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(a, b, n1);
    free(a);
    free(b);
    /* an unwritable path: CC_ERR_IO, nothing left */
    char bad[160];
    snprintf(bad, sizeof bad, "%s/no/such/dir/b.pdf", tmpdir);
    assert_int_equal(cc_brief_write(&f->b, bad, NULL), CC_ERR_IO);
    snprintf(bad, sizeof bad, "%s/no/such/dir/b.png", tmpdir);
    assert_int_equal(cc_brief_write(&f->b, NULL, bad), CC_ERR_IO);
    free(f);
}

static void test_sha(void **state)
{
    (void)state;
    char p[128], out[16];
    snprintf(p, sizeof p, "%s/abc.txt", tmpdir);
    FILE *fp = fopen(p, "wb");
    fputs("abc", fp);
    fclose(fp);
    cc_brief_file_sha(p, out, sizeof out);
    /* SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a3... */
    assert_string_equal(out, "ba7816bf8f01");
    cc_brief_file_sha("/nonexistent/x", out, sizeof out);
    assert_string_equal(out, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_three),
        cmocka_unit_test(test_twenty),
        cmocka_unit_test(test_sixty),
        cmocka_unit_test(test_extremes),
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_sha),
    };
    /* CC_BRIEF_KEEP=1 keeps the files for a look (the directory is printed) */
    if (getenv("CC_BRIEF_KEEP")) {
        int rc = cmocka_run_group_tests(tests, setup, NULL);
        fprintf(stderr, "brief_test: files kept in %s\n", tmpdir);
        return rc;
    }
    return cmocka_run_group_tests(tests, setup, teardown);
}
