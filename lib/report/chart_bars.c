/* chart_bars — units ranked by total score, horizontal bars coloured by grade. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/chart_int.h"

static const char *const grade_zh[4] = { "优秀", "良好", "合格", "不合格" };
static const char *const grade_en[4] = { "Excellent", "Good", "Pass", "Fail" };

/* 0..3 for a grade name, 4 for none/unknown. */
static int grade_index(const char *g)
{
    if (!g)
        return 4;
    for (int i = 0; i < 4; i++)
        if (!strcmp(g, grade_zh[i]) || !strcasecmp(g, grade_en[i]))
            return i;
    return 4;
}

static int grade_of(double v, const double cut[3])
{
    if (isnan(v))
        return 4;
    for (int i = 0; i < 3; i++)
        if (v >= cut[i])
            return i;
    return 3;
}

typedef struct { double v; size_t i; } ranked;

static int cmp_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    int xn = isnan(x->v), yn = isnan(y->v);
    if (xn != yn)
        return xn - yn;
    if (!xn && x->v != y->v)
        return x->v > y->v ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* The title, then the legend: the four grades with their cuts, and 无总分. */
static void head(cc_ch_canvas *c, const char *title, const double *cut)
{
    /* legend: the four grades with their cuts, and 无总分 */
    char lt[5][64], num[32];
    cc_ch_legend_item leg[5];
    for (int g = 0; g < 5; g++) {
        const char *name = g < 4 ? (c->en ? grade_en[g] : grade_zh[g])
                                 : (c->en ? "Not ranked" : "未排名（未报/覆盖不足）");
        if (g < 3) {
            cc_ch_fmt(num, sizeof(num), cut[g], cut[g] == floor(cut[g]) ? 0 : 1);
            snprintf(lt[g], sizeof(lt[g]), "%s ≥%s", name, num);
        } else if (g == 3) {
            cc_ch_fmt(num, sizeof(num), cut[2], cut[2] == floor(cut[2]) ? 0 : 1);
            snprintf(lt[g], sizeof(lt[g]), "%s <%s", name, num);
        } else {
            snprintf(lt[g], sizeof(lt[g]), "%s", name);
        }
        leg[g] = (cc_ch_legend_item){ lt[g], cc_ch_grade_hex[g], 0 };
    }
    cc_ch_header(c, title, 0);
    cc_ch_legend_left(c, CH_MARGIN, CH_LINE3, c->w - 2 * CH_MARGIN, 5, leg);
}

/* The grid (every 10, labelled every 20) and the grade cuts, dashed. */
static void grid(cc_ch_canvas *c, const double *cut, double x0, double x1, double top, double plot_bottom)
{
    cairo_t *cr = c->cr;
    double pw = x1 - x0;
    /* grid: every 10, labelled every 20 */
    for (int t = 0; t <= 100; t += 10) {
        double x = round(x0 + pw * t / 100.0) + 0.5;
        cc_ch_line(cr, x, top, x, plot_bottom, 1, t == 0 ? CH_AXIS : CH_GRID);
        if (t % 20 == 0) {
            char tl[16];
            snprintf(tl, sizeof(tl), "%d", t);
            cc_ch_line(cr, x, plot_bottom, x, plot_bottom + 5, 1, CH_AXIS);
            cc_ch_text(c, x, plot_bottom + 6, tl, 13, 0, 1, 0, 0, CH_INK2);
        }
    }
    cc_ch_line(cr, x0, round(plot_bottom) + 0.5, x1, round(plot_bottom) + 0.5, 1, CH_AXIS);
    /* grade cuts: dashed, in the grade's colour */
    cairo_save(cr);
    double dash[2] = { 5, 4 };
    cairo_set_dash(cr, dash, 2, 0);
    for (int g = 0; g < 3; g++) {
        if (cut[g] <= 0 || cut[g] >= 100)
            continue;
        double x = round(x0 + pw * cut[g] / 100.0) + 0.5;
        cc_ch_line(cr, x, top - 4, x, plot_bottom, 1.2, cc_ch_grade_hex[g == 2 ? 3 : g]);
    }
    cairo_restore(cr);

}

/* A bar's row label at the left and its value label at its end bx1, on a
 * white patch so a grade-cut line never runs through it. */
static void bar_labels(cc_ch_canvas *c, double x0, double yc, double bx1, const char *label,
                       const char *vl, double fs, double labw, int grey)
{
    cairo_t *cr = c->cr;
    c->labelled++;
    cc_ch_text(c, x0 - 10, yc, label, fs, 0, 2, 1, labw, CH_INK2);
    /* on a white patch, so a grade-cut line never runs through it */
    double tw, th;
    cc_ch_layout(c, vl, fs, 0, 0);
    cc_ch_extent(c, &tw, &th);
    cairo_rectangle(cr, bx1 + 3, yc - fs * 0.7, tw + 6, fs * 1.4);
    cc_ch_rgb(cr, 0xFFFFFF);
    cairo_fill(cr);
    cc_ch_text(c, bx1 + 6, yc, vl, fs, 0, 0, 1, 0, grey ? CH_INK3 : CH_INK2);
}

typedef struct {
    const char *title;
    size_t n;
    const char *const *labels;
    const double *values;
    const char *const *grades;
} bars_in;

static void draw_bars(cc_ch_canvas *c, void *arg)
{
    const bars_in *in = arg;
    size_t n = in->n;
    const char *const *labels = in->labels;
    const char *const *grades = in->grades;
    cairo_t *cr = c->cr;
    const double *cut = c->o.grade_cut;

    head(c, in->title, cut);
    if (n == 0) {
        cc_ch_no_data(c);
        return;
    }

    ranked *r = cc_xmalloc(n * sizeof(*r));
    for (size_t i = 0; i < n; i++)
        r[i] = (ranked){ in->values[i], i };
    qsort(r, n, sizeof(*r), cmp_ranked);

    double top = CH_BARS_TOP, bottom = c->h - CH_BARS_FOOT;
    double pitch = (bottom - top) / (double)n;
    if (pitch > CH_BARS_PITCH_MAX)
        pitch = CH_BARS_PITCH_MAX;
    double fs = pitch * 0.62;
    fs = fs < CH_FS_MIN ? CH_FS_MIN : fs > 16 ? 16 : fs;
    /* rows too thin for a label each (only at CH_MAX_DIM): label every k-th */
    size_t every = pitch >= 18 ? 1 : (size_t)ceil(18.0 / pitch);
    double plot_bottom = top + pitch * (double)n;

    /* row-label column: as wide as the longest label, at most 30% of the width */
    double labw = 0;
    for (size_t i = 0; i < n; i++) {
        double w = cc_ch_text_width(c, labels[i], fs, 0);
        if (w > labw)
            labw = w;
    }
    if (labw > c->w * 0.30)
        labw = c->w * 0.30;
    if (labw < 48)
        labw = 48;
    double x0 = CH_MARGIN + 24 + labw + 8;
    double vlabw = cc_ch_text_width(c, c->en ? "100.0 Excellent" : "100.0 不合格", fs, 0) + 16;
    double x1 = c->w - CH_MARGIN - vlabw;
    double pw = x1 - x0;

    grid(c, cut, x0, x1, top, plot_bottom);

    /* bars */
    char num[32];
    double bh = pitch * 0.7;
    for (size_t k = 0; k < n; k++) {
        size_t i = r[k].i;
        double v = r[k].v;
        double yc = top + pitch * ((double)k + 0.5);
        int g = isnan(v) ? 4 : grades ? grade_index(grades[i]) : grade_of(v, cut);
        if (g == 4 && !isnan(v))
            g = grade_of(v, cut);
        char vl[64];
        double bx1;
        if (isnan(v)) {
            bx1 = x0 + 10;
            cairo_rectangle(cr, x0 + 1, yc - bh / 2, 9, bh);
            cc_ch_rgb(cr, CH_GREY);
            cairo_fill(cr);
            /* the reason when the caller gives one (未报, 覆盖不足) */
            if (grades && grades[i] && *grades[i] && grade_index(grades[i]) == 4)
                snprintf(vl, sizeof(vl), "%s", grades[i]);
            else
                snprintf(vl, sizeof(vl), "%s", c->en ? "no total" : "无总分");
        } else {
            double vv = v < 0 ? 0 : v > 100 ? 100 : v;
            bx1 = x0 + 1 + (pw - 1) * vv / 100.0;
            cairo_rectangle(cr, x0 + 1, yc - bh / 2, bx1 - x0 - 1, bh);
            cc_ch_rgb(cr, cc_ch_grade_hex[g]);
            cairo_fill(cr);
            cc_ch_fmt(num, sizeof(num), v, 1);
            snprintf(vl, sizeof(vl), "%s %s", num, c->en ? grade_en[g] : grade_zh[g]);
        }
        if (k % every == 0)
            bar_labels(c, x0, yc, bx1, labels[i], vl, fs, labw, isnan(v));
    }
    free(r);

    /* axis titles */
    cc_ch_text(c, x0 + pw / 2, plot_bottom + 26, c->en ? "Total score (0–100)" : "总分 (0–100)",
               14, 0, 1, 0, 0, CH_INK);
    const char *rt = c->o.row_title && *c->o.row_title ? c->o.row_title : c->en ? "Unit" : "单位";
    cc_ch_text_rot(c, CH_MARGIN + 8, top + (plot_bottom - top) / 2, -M_PI / 2, rt, 14, 0, 1, 0,
                   CH_INK);
}

cc_err cc_chart_bars(const char *path, const cc_chart_opts *opts, const char *title,
                     size_t n, const char *const labels[], const double values[],
                     const char *const grades[])
{
    cc_err rc = cc_ch_check(path, "bars", n == 0 || (labels && values));
    if (rc)
        return rc;
    cc_chart_opts o;
    cc_ch_opts(opts, &o);
    int W, H;
    cc_chart_size(CC_CHART_BARS, &o, n, 0, &W, &H);
    bars_in in = {title, n, labels, values, grades};
    return cc_ch_render(path, &o, W, H, draw_bars, &in);
}
