/* chart_radar — dimension scores of a unit against a reference (its street
 * or the area), one polygon per series on 0..100 axes. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/chart_int.h"

static void point(double cx, double cy, double r, size_t a, size_t naxes, double *x, double *y)
{
    double ang = -M_PI / 2 + 2 * M_PI * (double)a / (double)naxes;
    *x = cx + r * cos(ang);
    *y = cy + r * sin(ang);
}

/* The web: rings at 20..100, spokes, the scale. */
static void web(cc_ch_canvas *c, double cx, double cy, double R, size_t naxes)
{
    cairo_t *cr = c->cr;
    /* the web: rings at 20..100, spokes */
    for (int t = 20; t <= 100; t += 20) {
        double r = R * t / 100.0;
        if (naxes >= 3) {
            for (size_t a = 0; a <= naxes; a++) {
                double x, y;
                point(cx, cy, r, a % naxes, naxes, &x, &y);
                if (a == 0)
                    cairo_move_to(cr, x, y);
                else
                    cairo_line_to(cr, x, y);
            }
        } else {
            cairo_new_sub_path(cr);
            cairo_arc(cr, cx, cy, r, 0, 2 * M_PI);
        }
        cairo_set_line_width(cr, t == 100 ? 1.4 : 1);
        cc_ch_rgb(cr, t == 100 ? CH_AXIS : 0xD6D6D6);
        cairo_stroke(cr);
    }
    for (size_t a = 0; a < naxes; a++) {
        double x, y;
        point(cx, cy, R, a, naxes, &x, &y);
        cc_ch_line(cr, cx, cy, x, y, 1, 0xD6D6D6);
    }
    /* scale between the first two axes, away from the points */
    double sang = -M_PI / 2 + M_PI / (double)(naxes < 2 ? 2 : naxes);
    for (int t = 20; t <= 100; t += 20) {
        char tl[16];
        snprintf(tl, sizeof(tl), "%d", t);
        double r = R * t / 100.0 * (naxes >= 3 ? cos(M_PI / (double)naxes) : 1);
        cc_ch_text(c, cx + r * cos(sang) + 3, cy + r * sin(sang), tl, CH_FS_MIN, 0, 0, 1, 0, CH_INK3);
    }

}

/* Series k of the values: its polygon (filled when every axis has a value),
 * its outline between neighbouring axes with values, its points. */
static void polygon(cairo_t *cr, double cx, double cy, double R, size_t naxes, const double values[],
                    size_t k)
{
    unsigned hex = cc_ch_series_hex[k % CH_NSERIES];
    const double *v = values + k * naxes;
    int all = 1;
    for (size_t a = 0; a < naxes; a++)
        if (isnan(v[a]))
            all = 0;
    double xs[64], ys[64];
    double *px_ = naxes <= 64 ? xs : cc_xmalloc(naxes * sizeof(double));
    double *py_ = naxes <= 64 ? ys : cc_xmalloc(naxes * sizeof(double));
    for (size_t a = 0; a < naxes; a++) {
        double vv = isnan(v[a]) ? 0 : v[a] < 0 ? 0 : v[a] > 100 ? 100 : v[a];
        point(cx, cy, R * vv / 100.0, a, naxes, &px_[a], &py_[a]);
    }
    if (all && naxes >= 3) {
        for (size_t a = 0; a < naxes; a++)
            (a ? cairo_line_to : cairo_move_to)(cr, px_[a], py_[a]);
        cairo_close_path(cr);
        cc_ch_rgba(cr, hex, k == 0 ? 0.22 : 0.08);
        cairo_fill(cr);
    }
    /* outline: segments between neighbouring axes that both have a value */
    cairo_save(cr);
    if (k > 0) {
        double d[2] = { 7, 4 };
        cairo_set_dash(cr, d, 2, 0);
    }
    cairo_set_line_width(cr, k == 0 ? 2.8 : 2.2);
    cc_ch_rgb(cr, hex);
    size_t nseg = naxes >= 3 ? naxes : naxes - 1;
    for (size_t a = 0; a < nseg; a++) {
        size_t b = (a + 1) % naxes;
        if (isnan(v[a]) || isnan(v[b]))
            continue;
        cairo_move_to(cr, px_[a], py_[a]);
        cairo_line_to(cr, px_[b], py_[b]);
    }
    cairo_stroke(cr);
    cairo_restore(cr);
    for (size_t a = 0; a < naxes; a++) {
        if (isnan(v[a]))
            continue;
        cairo_arc(cr, px_[a], py_[a], k == 0 ? 5 : 4, 0, 2 * M_PI);
        cc_ch_rgb(cr, k == 0 ? hex : 0xFFFFFF);
        cairo_fill_preserve(cr);
        cc_ch_rgb(cr, hex);
        cairo_set_line_width(cr, 2);
        cairo_stroke(cr);
    }
    if (px_ != xs) {
        free(px_);
        free(py_);
    }
}

/* The axis labels outside the web, each with every series' value underneath. */
static void axis_texts(cc_ch_canvas *c, double cx, double cy, double R, size_t naxes, size_t nvl,
                       const char *const labels[], const double values[])
{
    /* axis labels outside the web, with every series' value underneath;
     * every k-th axis when the blocks would not fit around the web */
    double blockh = 18 * (double)(1 + nvl);
    size_t aevery = (size_t)ceil((double)naxes * blockh * 0.9 / (2 * M_PI * (R + 16)));
    if (aevery < 1)
        aevery = 1;
    for (size_t a = 0; a < naxes; a += aevery) {
        c->labelled++;
        double ang = -M_PI / 2 + 2 * M_PI * (double)a / (double)naxes;
        double ca = cos(ang), sa = sin(ang);
        double lx = cx + (R + 16) * ca, ly = cy + (R + 16) * sa;
        int ha = ca > 0.25 ? 0 : ca < -0.25 ? 2 : 1;
        /* block of 1 + nseries lines */
        size_t nl = 1 + nvl;
        double lh = 18, bh = lh * (double)nl;
        double by = sa < -0.25 ? ly - bh : sa > 0.25 ? ly : ly - bh / 2;
        cc_ch_text(c, lx, by, labels[a], 14, 1, ha, 0, 100, CH_INK);
        for (size_t k = 0; k + 1 < nl; k++) {
            double v = values[k * naxes + a];
            char num[32];
            if (isnan(v))
                snprintf(num, sizeof(num), "%s", c->en ? "n/a" : "无数据");
            else
                cc_ch_fmt(num, sizeof(num), v, 1);
            cc_ch_text(c, lx, by + lh * (double)(k + 1), num, 13, k == 0, ha, 0, 0,
                       isnan(v) ? CH_INK3 : cc_ch_series_hex[k % CH_NSERIES]);
        }
    }

}

/* The legend panel on the right: the series, then the note on gaps. */
static void legend(cc_ch_canvas *c, double px, double top, double bottom, double panel, size_t naxes,
                   size_t nseries, const char *const series_labels[], const double values[])
{
    /* legend panel */
    double ly = top + 20;
    cc_ch_text(c, px, ly, c->en ? "Score (0–100)" : "得分 (0–100)", 14, 1, 0, 1, panel, CH_INK);
    ly += 28;
    for (size_t k = 0; k < nseries; k++) {
        cc_ch_swatch(c, px, ly, cc_ch_series_hex[k % CH_NSERIES], k == 0 ? 1 : 2);
        cc_ch_text(c, px + 26, ly, series_labels[k], 13, k == 0, 0, 1, panel - 26, CH_INK2);
        ly += 24;
        if (ly > bottom - 40 && k + 1 < nseries) {
            char more[64];
            snprintf(more, sizeof(more), c->en ? "… %zu more" : "… 另有 %zu 项", nseries - k - 1);
            cc_ch_text(c, px, ly, more, 13, 0, 0, 1, panel, CH_INK3);
            break;
        }
    }
    int gaps = 0;
    for (size_t i = 0; i < naxes * nseries; i++)
        if (isnan(values[i]))
            gaps = 1;
    if (gaps) {
        ly += 10;
        cc_ch_text(c, px, ly, c->en ? "Gaps: no score on that axis" : "轮廓断开处：该维度无得分",
                   CH_FS_MIN, 0, 0, 1, panel, CH_INK3);
    }
}

cc_err cc_chart_radar(const char *path, const cc_chart_opts *opts, const char *title,
                      size_t naxes, const char *const axis_labels[],
                      size_t nseries, const char *const series_labels[],
                      const double values[])
{
    int have = naxes == 0 || nseries == 0 || (axis_labels && series_labels && values);
    cc_err rc = cc_ch_check(path, "radar", have);
    if (rc)
        return rc;
    cc_chart_opts o;
    cc_ch_opts(opts, &o);
    int W, H;
    cc_chart_size(CC_CHART_RADAR, &o, naxes, 0, &W, &H);
    cc_ch_canvas c;
    if ((rc = cc_ch_open_chart(&c, &o, W, H)))
        return rc;
    cairo_t *cr = c.cr;
    cc_ch_header(&c, title, 0);
    if (naxes == 0 || nseries == 0) {
        cc_ch_no_data(&c);
        return cc_ch_finish(&c, path);
    }

    /* the legend panel on the right: series, then the scale note */
    (void)W; (void)H;
    double panel = 150;
    double px = c.w - CH_MARGIN - panel;
    double top = 76, bottom = c.h - 12;
    double cx = CH_MARGIN + (px - CH_MARGIN) / 2, cy = top + (bottom - top) / 2;
    /* room for the axis labels around the web */
    size_t nvl = nseries < 4 ? nseries : 0;      /* value lines under each axis label */
    /* the web spans from its top axis (-R) down to R * maxs: centre that
     * span, labels included, between top and bottom */
    double maxs = -1;
    for (size_t a = 0; a < naxes; a++) {
        double sa = sin(-M_PI / 2 + 2 * M_PI * (double)a / (double)naxes);
        if (sa > maxs)
            maxs = sa;
    }
    if (naxes < 3)
        maxs = 1;                                /* circles */
    double lab = 22 + 18 * (double)nvl;
    double R = fmin((px - CH_MARGIN) / 2 - 104, (bottom - top - 2 * lab) / (1 + maxs));
    if (R < 60)
        R = 60;
    cy = top + lab + R + fmax(0, (bottom - top - 2 * lab) - R * (1 + maxs)) / 2;

    web(&c, cx, cy, R, naxes);

    /* the series: references first (underneath), the subject (0) last */
    for (size_t k = nseries; k-- > 0;)
        polygon(cr, cx, cy, R, naxes, values, k);

    axis_texts(&c, cx, cy, R, naxes, nvl, axis_labels, values);

    legend(&c, px, top, bottom, panel, naxes, nseries, series_labels, values);
    return cc_ch_finish(&c, path);
}
