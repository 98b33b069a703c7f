/* chart_trend — total score over the trend periods, grade bands behind. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/chart_int.h"

/* light tints of the grade colours for the bands */
static const unsigned band_hex[4] = { 0xE3F1E8, 0xF0F7EA, 0xFDF4E0, 0xFBE8E8 };
static const unsigned band_ink[4] = { 0x2E7D4F, 0x5E9E52, 0xB07D12, 0xB8282A };

typedef struct { double y; size_t k; } endlab;

static int cmp_endlab(const void *a, const void *b)
{
    const endlab *x = a, *y = b;
    if (x->y != y->y)
        return x->y < y->y ? -1 : 1;
    return x->k < y->k ? -1 : x->k > y->k;
}

/* y of value v: y1 is 0, y1 - ph is 100 (in every function below). */
#define YV(v) (y1 - ph * ((v) < 0 ? 0 : (v) > 100 ? 100 : (v)) / 100.0)

/* The lines, references under the subject: gaps at NAN; a lone point is a marker. */
static void lines(cairo_t *cr, double x0, double dx, double y1, double ph, size_t npoints, size_t nseries,
                  const double values[])
{
    /* lines: gaps at NAN; a lone point is a marker */
    for (size_t k = nseries; k-- > 0;) {
        const double *v = values + k * npoints;
        unsigned hex = cc_ch_series_hex[k % CH_NSERIES];
        cairo_save(cr);
        if (k >= CH_NSERIES) {
            double d[2] = { 6, 4 };
            cairo_set_dash(cr, d, 2, 0);
        }
        cairo_set_line_width(cr, k == 0 ? 3 : 2.2);
        cc_ch_rgb(cr, hex);
        for (size_t p = 0; p + 1 < npoints; p++) {
            if (isnan(v[p]) || isnan(v[p + 1]))
                continue;
            cairo_move_to(cr, x0 + dx * ((double)p + 0.5), YV(v[p]));
            cairo_line_to(cr, x0 + dx * ((double)p + 1.5), YV(v[p + 1]));
        }
        cairo_stroke(cr);
        cairo_restore(cr);
        if (dx >= 8) {
            for (size_t p = 0; p < npoints; p++) {
                if (isnan(v[p]))
                    continue;
                cairo_arc(cr, x0 + dx * ((double)p + 0.5), YV(v[p]), k == 0 ? 4.5 : 3.5, 0,
                          2 * M_PI);
                cc_ch_rgb(cr, 0xFFFFFF);
                cairo_fill_preserve(cr);
                cc_ch_rgb(cr, hex);
                cairo_set_line_width(cr, 2);
                cairo_stroke(cr);
            }
        }
    }
}

/* The values: every point of a single series when there is room, otherwise
 * the last value of each series at the right, pushed apart. */
static void values_text(cc_ch_canvas *c, double x0, double x1, double y0, double y1, double ph, double dx,
                        size_t npoints, size_t nseries, const double values[])
{
    /* values: every point of a single series when there is room, otherwise the
     * last value of each series at the right, pushed apart to not overlap */
    char num[32];
    if (nseries == 1 && dx >= 40) {
        for (size_t p = 0; p < npoints; p++) {
            if (isnan(values[p]))
                continue;
            cc_ch_fmt(num, sizeof(num), values[p], 1);
            double y = YV(values[p]);
            cc_ch_text(c, x0 + dx * ((double)p + 0.5), y < y0 + 24 ? y + 8 : y - 8, num, 13, 1, 1,
                       y < y0 + 24 ? 0 : 2, 0, cc_ch_series_hex[0]);
        }
    } else {
        endlab *el = cc_xmalloc(nseries * sizeof(*el));
        double *ex = cc_xmalloc(nseries * sizeof(double));
        size_t ne = 0;
        for (size_t k = 0; k < nseries && ne < 20; k++) {
            const double *v = values + k * npoints;
            for (size_t p = npoints; p-- > 0;)
                if (!isnan(v[p])) {
                    el[ne].y = YV(v[p]);
                    el[ne].k = k;
                    ex[k] = v[p];
                    ne++;
                    break;
                }
        }
        qsort(el, ne, sizeof(*el), cmp_endlab);
        for (size_t i = 1; i < ne; i++)
            if (el[i].y < el[i - 1].y + 16)
                el[i].y = el[i - 1].y + 16;
        /* shift the stack back up if it ran off the bottom */
        if (ne && el[ne - 1].y > y1 + 10) {
            double sh = el[ne - 1].y - (y1 + 10);
            for (size_t i = 0; i < ne; i++)
                el[i].y -= sh;
        }
        for (size_t i = 0; i < ne; i++) {
            cc_ch_fmt(num, sizeof(num), ex[el[i].k], 1);
            cc_ch_text(c, x1 + 6, el[i].y, num, 13, 1, 0, 1, 0,
                       cc_ch_series_hex[el[i].k % CH_NSERIES]);
        }
        free(el);
        free(ex);
    }

}

/* The legend panel: the series, then the grade bands at its bottom. */
static void legend(cc_ch_canvas *c, double panel, double y0, double y1, const double *cut, size_t nseries,
                   const char *const series_labels[])
{
    cairo_t *cr = c->cr;
    static const char *const gzh[4] = { "优秀", "良好", "合格", "不合格" };
    static const char *const gen[4] = { "Excellent", "Good", "Pass", "Fail" };
    char num[32];
    /* legend panel */
    double px = c->w - CH_MARGIN - panel + 16, ly = y0 + 8;
    double pwid = panel - 16;
    for (size_t k = 0; k < nseries; k++) {
        if (ly > y1 - 5 * 24 - 36 && k + 1 < nseries) {
            char more[64];
            snprintf(more, sizeof(more), c->en ? "… %zu more" : "… 另有 %zu 条", nseries - k);
            cc_ch_text(c, px, ly, more, 13, 0, 0, 1, pwid, CH_INK3);
            break;
        }
        cc_ch_swatch(c, px, ly, cc_ch_series_hex[k % CH_NSERIES], k >= CH_NSERIES ? 2 : 1);
        cc_ch_text(c, px + 26, ly, series_labels[k], 13, k == 0, 0, 1, pwid - 26, CH_INK2);
        ly += 24;
    }
    /* the grade bands, at the bottom of the panel */
    double by = y1 - 4 * 24 + 12;
    cc_ch_text(c, px, by - 28, c->en ? "Grade bands" : "等级区间", 14, 1, 0, 1, pwid, CH_INK);
    for (int g = 0; g < 4; g++) {
        char bl[48];
        double cv = cut[g < 3 ? g : 2];
        cc_ch_fmt(num, sizeof(num), cv, cv == floor(cv) ? 0 : 1);
        snprintf(bl, sizeof(bl), g < 3 ? "%s ≥%s" : "%s <%s", c->en ? gen[g] : gzh[g], num);
        cairo_rectangle(cr, px + 0.5, by + 24 * g - 6.5, 18, 14);
        cc_ch_rgb(cr, band_hex[g]);
        cairo_fill_preserve(cr);
        cc_ch_rgb(cr, band_ink[g]);
        cairo_set_line_width(cr, 1);
        cairo_stroke(cr);
        cc_ch_text(c, px + 26, by + 24 * g, bl, 13, 0, 0, 1, pwid - 26, band_ink[g]);
    }
}

cc_err cc_chart_trend(const char *path, const cc_chart_opts *opts, const char *title,
                      size_t npoints, const char *const x_labels[],
                      size_t nseries, const char *const series_labels[],
                      const double values[])
{
    int have = npoints == 0 || nseries == 0 || (x_labels && series_labels && values);
    cc_err rc = cc_ch_check(path, "trend", have);
    if (rc)
        return rc;
    cc_chart_opts o;
    cc_ch_opts(opts, &o);
    int W, H;
    cc_chart_size(CC_CHART_TREND, &o, 0, 0, &W, &H);
    cc_ch_canvas c;
    if ((rc = cc_ch_open_chart(&c, &o, W, H)))
        return rc;
    cairo_t *cr = c.cr;
    const double *cut = o.grade_cut;
    cc_ch_header(&c, title, 0);
    if (npoints == 0 || nseries == 0) {
        cc_ch_no_data(&c);
        return cc_ch_finish(&c, path);
    }

    (void)W; (void)H;
    double panel = 150;
    /* the last values are written right of x1 (up to 36 units), the panel
     * starts 46 units right of it */
    double x0 = CH_MARGIN + 44, x1 = c.w - CH_MARGIN - panel - 30;
    double y0 = 84, y1 = c.h - 58;       /* y0 = 100 points, y1 = 0 */
    double pw = x1 - x0, ph = y1 - y0;

    /* grade bands */
    double lo[4] = { cut[0], cut[1], cut[2], 0 }, hi[4] = { 100, cut[0], cut[1], cut[2] };
    for (int g = 0; g < 4; g++) {
        if (hi[g] <= lo[g])
            continue;
        cairo_rectangle(cr, x0, YV(hi[g]), pw, YV(lo[g]) - YV(hi[g]));
        cc_ch_rgb(cr, band_hex[g]);
        cairo_fill(cr);
    }
    /* horizontal grid every 10, labelled every 20 */
    for (int t = 0; t <= 100; t += 10) {
        double y = round(YV(t)) + 0.5;
        cc_ch_line(cr, x0, y, x1, y, 1, t == 0 ? CH_AXIS : 0xFFFFFF);
        if (t % 20 == 0) {
            char tl[16];
            snprintf(tl, sizeof(tl), "%d", t);
            cc_ch_text(&c, x0 - 8, y, tl, 13, 0, 2, 1, 0, CH_INK2);
        }
    }
    cc_ch_line(cr, round(x0) + 0.5, y0, round(x0) + 0.5, y1, 1, CH_AXIS);

    /* x positions: evenly spaced, half a step in from each end */
    double dx = pw / (double)npoints;
    double maxlw = 0;
    for (size_t p = 0; p < npoints; p++) {
        double w = cc_ch_text_width(&c, x_labels[p], 13, 0);
        if (w > maxlw)
            maxlw = w;
    }
    size_t every = maxlw + 10 <= dx ? 1 : (size_t)ceil((maxlw + 10) / dx);
    for (size_t p = 0; p < npoints; p++) {
        double x = x0 + dx * ((double)p + 0.5);
        cc_ch_line(cr, round(x) + 0.5, y1, round(x) + 0.5, y1 + 5, 1, CH_AXIS);
        /* thin from the end so the latest period is always labelled */
        if ((npoints - 1 - p) % every == 0 && ++c.labelled)
            cc_ch_text(&c, x, y1 + 8, x_labels[p], 13, 0, 1, 0, dx * (double)every - 6, CH_INK2);
    }

    lines(cr, x0, dx, y1, ph, npoints, nseries, values);
    values_text(&c, x0, x1, y0, y1, ph, dx, npoints, nseries, values);

    /* axis titles */
    cc_ch_text(&c, x0 + pw / 2, y1 + 30, c.en ? "Period" : "周次", 14, 0, 1, 0, 0, CH_INK);
    cc_ch_text_rot(&c, CH_MARGIN, y0 + ph / 2, -M_PI / 2,
                   c.en ? "Total score (0–100)" : "总分 (0–100)", 14, 0, 1, 0, CH_INK);

    legend(&c, panel, y0, y1, cut, nseries, series_labels);
    return cc_ch_finish(&c, path);
}
#undef YV
