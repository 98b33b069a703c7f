/* chart_kano — the Better–Worse scatter of KANO features, with quadrants and
 * point labels placed so that they never overlap. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/chart_int.h"

typedef struct { double x, y, w, h; } rect;

/* Quadrants by (|worse| >= 0.5, better >= 0.5): A O M I. */
enum { Q_A, Q_O, Q_M, Q_I };
static const unsigned q_hex[4] = { 0x3A78D9, 0x4CA36B, 0xD9383A, 0x8C8C8C };
static const char *const q_zh[4] = { "魅力 A", "期望 O", "必备 M", "无差异 I" };
static const char *const q_en[4] = { "Attractive A", "One-dimensional O", "Must-be M",
                                     "Indifferent I" };
static const char q_letter[4] = { 'A', 'O', 'M', 'I' };

static int quadrant(double aw, double b)
{
    if (b >= 0.5)
        return aw >= 0.5 ? Q_O : Q_A;
    return aw >= 0.5 ? Q_M : Q_I;
}

static int overlaps(const rect *a, const rect *b)
{
    return a->x < b->x + b->w + 2 && b->x < a->x + a->w + 2 &&
           a->y < b->y + b->h + 2 && b->y < a->y + a->h + 2;
}

typedef struct { rect *r; size_t n, cap; } rects;

static void add_rect(rects *rs, rect r)
{
    if (rs->n == rs->cap) {
        rs->cap = rs->cap ? 2 * rs->cap : 64;
        rs->r = cc_xrealloc(rs->r, rs->cap * sizeof(rect));
    }
    rs->r[rs->n++] = r;
}

static int free_at(const rects *rs, const rect *r, const rect *plot)
{
    if (r->x < plot->x + 2 || r->y < plot->y + 2 || r->x + r->w > plot->x + plot->w - 2 ||
        r->y + r->h > plot->y + plot->h - 2)
        return 0;
    for (size_t i = 0; i < rs->n; i++)
        if (overlaps(r, &rs->r[i]))
            return 0;
    return 1;
}

/* Find a free spot for a w x h label around (px, py); 0 if none. *near is set
 * when the label sits next to its point (no leader line needed). */
static int place(const rects *rs, const rect *plot, double px, double py, double w, double h,
                 rect *out, int *near)
{
    static const double dist[3] = { 8, 22, 42 };
    for (int d = 0; d < 3; d++) {
        double s = dist[d], t = s * 0.72;
        rect cand[8] = {
            { px + s, py - h / 2, w, h },      { px - s - w, py - h / 2, w, h },
            { px - w / 2, py - s - h, w, h },  { px - w / 2, py + s, w, h },
            { px + t, py - t - h, w, h },      { px + t, py + t, w, h },
            { px - t - w, py - t - h, w, h },  { px - t - w, py + t, w, h },
        };
        for (int k = 0; k < 8; k++)
            if (free_at(rs, &cand[k], plot)) {
                *out = cand[k];
                *near = d == 0;
                return 1;
            }
    }
    return 0;
}

/* Positions in the plot of S units at (x0, y0) (in every function below). */
#define PX(v) (x0 + S * ((v) < 0 ? 0 : (v) > 1 ? 1 : (v)))
#define PY(v) (y0 + S - S * ((v) < 0 ? 0 : (v) > 1 ? 1 : (v)))

/* The quadrant tints, the grid, the quadrant lines. */
static void grid(cc_ch_canvas *c, double x0, double y0, double S)
{
    cairo_t *cr = c->cr;
    /* quadrant tints, grid, quadrant lines */
    double hx = PX(0.5), hy = PY(0.5);
    rect qr[4] = { { x0, y0, hx - x0, hy - y0 }, { hx, y0, x0 + S - hx, hy - y0 },
                   { hx, hy, x0 + S - hx, y0 + S - hy }, { x0, hy, hx - x0, y0 + S - hy } };
    for (int q = 0; q < 4; q++) {
        cairo_rectangle(cr, qr[q].x, qr[q].y, qr[q].w, qr[q].h);
        cc_ch_rgba(cr, q_hex[q], 0.07);
        cairo_fill(cr);
    }
    for (int t = 0; t <= 10; t++) {
        double x = round(PX(t / 10.0)) + 0.5, y = round(PY(t / 10.0)) + 0.5;
        unsigned g = t == 0 || t == 10 ? CH_AXIS : 0xFFFFFF;
        cc_ch_line(cr, x, y0, x, y0 + S, 1, g);
        cc_ch_line(cr, x0, y, x0 + S, y, 1, g);
        if (t % 2 == 0) {
            char tl[16];
            cc_ch_fmt(tl, sizeof(tl), t / 10.0, 1);
            cc_ch_text(c, x, y0 + S + 5, tl, 13, 0, 1, 0, 0, CH_INK2);
            cc_ch_text(c, x0 - 8, y, tl, 13, 0, 2, 1, 0, CH_INK2);
        }
    }
    cairo_save(cr);
    double dash[2] = { 6, 4 };
    cairo_set_dash(cr, dash, 2, 0);
    cc_ch_line(cr, round(hx) + 0.5, y0, round(hx) + 0.5, y0 + S, 1.5, 0x666666);
    cc_ch_line(cr, x0, round(hy) + 0.5, x0 + S, round(hy) + 0.5, 1.5, 0x666666);
    cairo_restore(cr);

}

/* Labels in input order (callers pass priority order): the name if it fits
 * somewhere free, else the point's number from the key, else nothing. */
static void point_labels(cc_ch_canvas *c, rects *obst, const rect *plot, double x0, double y0, double S,
                         size_t n, const char *const labels[], const double better[],
                         const double worse[], size_t nkey)
{
    cairo_t *cr = c->cr;
    /* labels in input order (callers pass priority order): the name if it fits
     * somewhere free, else the point's number from the key, else nothing */
    for (size_t i = 0; i < n; i++) {
        if (isnan(better[i]) || isnan(worse[i]))
            continue;
        double px = PX(fabs(worse[i])), py = PY(better[i]);
        char numl[24];
        snprintf(numl, sizeof(numl), "%zu", i + 1);
        for (int pass = 0; pass < (i < nkey ? 2 : 1); pass++) {
            const char *txt = pass == 0 ? labels[i] : numl;
            double w, h;
            cc_ch_layout(c, txt, CH_FS_MIN, pass, pass == 0 ? 120 : 0);
            cc_ch_extent(c, &w, &h);
            rect r;
            int near;
            if (!place(obst, plot, px, py, w, h, &r, &near))
                continue;
            if (!near) {
                double ex = fmax(r.x, fmin(px, r.x + r.w)), ey = fmax(r.y, fmin(py, r.y + r.h));
                cc_ch_line(cr, px, py, ex, ey, 1, 0xA0A0A0);
            }
            cairo_rectangle(cr, r.x - 1, r.y + 1, r.w + 2, r.h - 2);
            cc_ch_rgba(cr, 0xFFFFFF, 0.75);
            cairo_fill(cr);
            cc_ch_text(c, r.x, r.y, txt, CH_FS_MIN, pass, 0, 0, pass == 0 ? 120 : 0, CH_INK);
            add_rect(obst, r);
            break;
        }
    }

}

/* The key: number, name, Better, |Worse|, quadrant; a row per feature up to
 * nkey, then "… k more"; the note on features without answers. */
static void key(cc_ch_canvas *c, double x0, double y0, double S, size_t n, const char *const labels[],
                const double better[], const double worse[], size_t nkey, size_t skipped)
{
    cairo_t *cr = c->cr;
    double kp = CH_KANO_KEYP, kfs = CH_FS_MIN;
    /* key: number, name, Better, |Worse|, quadrant */
    double kx = x0 + S + 24, kw = c->w - CH_MARGIN - kx, ky = y0;
    double cB = kx + kw - 92, cW = kx + kw - 40, cQ = kx + kw;
    cc_ch_text(c, kx, ky, "#", 13, 1, 0, 0, 0, CH_INK3);
    cc_ch_text(c, kx + 24, ky, c->en ? "Feature" : "需求项", 13, 1, 0, 0, 0, CH_INK3);
    cc_ch_text(c, cB, ky, "Better", 13, 1, 2, 0, 0, CH_INK3);
    cc_ch_text(c, cW, ky, "|Worse|", 13, 1, 2, 0, 0, CH_INK3);
    cc_ch_text(c, cQ, ky, c->en ? "Q" : "象限", 13, 1, 2, 0, 0, CH_INK3);
    ky += 24;
    cc_ch_line(cr, kx, round(ky) - 2.5, kx + kw, round(ky) - 2.5, 1, CH_GRID);
    for (size_t i = 0; i < n; i++) {
        if (i == nkey) {
            char more[64];
            snprintf(more, sizeof(more), c->en ? "… %zu more" : "… 另有 %zu 项", n - i);
            cc_ch_text(c, kx, ky, more, kfs, 0, 0, 0, kw, CH_INK3);
            break;
        }
        char t[32], b[32], wv[32], ql[4] = "–";
        snprintf(t, sizeof(t), "%zu", i + 1);
        int nan = isnan(better[i]) || isnan(worse[i]);
        if (nan) {
            snprintf(b, sizeof(b), "–");
            snprintf(wv, sizeof(wv), "–");
        } else {
            cc_ch_fmt(b, sizeof(b), better[i], 2);
            cc_ch_fmt(wv, sizeof(wv), fabs(worse[i]), 2);
            ql[0] = q_letter[quadrant(fabs(worse[i]), better[i])];
            ql[1] = 0;
        }
        unsigned qh = nan ? CH_INK3 : q_hex[quadrant(fabs(worse[i]), better[i])];
        if (i % 2 == 0) {       /* zebra rows, to read a long key across */
            cairo_rectangle(cr, kx - 4, ky - 3, kw + 8, kp);
            cc_ch_rgb(cr, 0xF2F2F2);
            cairo_fill(cr);
        }
        c->labelled++;
        cc_ch_text(c, kx, ky, t, kfs, 1, 0, 0, 0, qh);
        cc_ch_text(c, kx + 24, ky, labels[i], kfs, 0, 0, 0, cB - 44 - kx - 24, CH_INK2);
        cc_ch_text(c, cB, ky, b, kfs, 0, 2, 0, 0, CH_INK2);
        cc_ch_text(c, cW, ky, wv, kfs, 0, 2, 0, 0, CH_INK2);
        cc_ch_text(c, cQ, ky, ql, kfs, 1, 2, 0, 0, qh);
        ky += kp;
    }
    if (n == 0)
        cc_ch_text(c, kx, ky, c->en ? "No data" : "无数据", 14, 0, 0, 0, 0, CH_INK3);
    if (skipped) {
        char note[96];
        snprintf(note, sizeof(note), c->en ? "%zu feature(s) without answers not plotted"
                                          : "%zu 项无有效回答，未绘出", skipped);
        cc_ch_text(c, kx, ky + 4, note, CH_FS_MIN, 0, 0, 0, kw, CH_INK3);
    }
}

cc_err cc_chart_kano(const char *path, const cc_chart_opts *opts, const char *title,
                     size_t n, const char *const labels[],
                     const double better[], const double worse[])
{
    cc_err rc = cc_ch_check(path, "kano", n == 0 || (labels && better && worse));
    if (rc)
        return rc;
    cc_chart_opts o;
    cc_ch_opts(opts, &o);
    int W, H;
    cc_chart_size(CC_CHART_KANO, &o, n, 0, &W, &H);
    cc_ch_canvas c;
    if ((rc = cc_ch_open_chart(&c, &o, W, H)))
        return rc;
    cairo_t *cr = c.cr;
    cc_ch_header(&c, title, 0);

    (void)W; (void)H;
    double S = 296;
    double x0 = CH_MARGIN + 50, y0 = CH_KANO_TOP;
    rect plot = { x0, y0, S, S };

    grid(&c, x0, y0, S);

    rects obst = { NULL, 0, 0 };
    /* quadrant names in the outer corners */
    for (int q = 0; q < 4; q++) {
        const char *name = c.en ? q_en[q] : q_zh[q];
        double w, h;
        cc_ch_layout(&c, name, 16, 1, 0);
        cc_ch_extent(&c, &w, &h);
        double tx = q == Q_A || q == Q_I ? x0 + 10 : x0 + S - 10 - w;
        double ty = q == Q_A || q == Q_O ? y0 + 8 : y0 + S - 8 - h;
        cc_ch_text(&c, tx, ty, name, 16, 1, 0, 0, 0, q_hex[q]);
        add_rect(&obst, (rect){ tx, ty, w, h });
    }

    /* points first (all of them are obstacles for every label) */
    size_t skipped = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(better[i]) || isnan(worse[i])) {
            skipped++;
            continue;
        }
        add_rect(&obst, (rect){ PX(fabs(worse[i])) - 6, PY(better[i]) - 6, 12, 12 });
    }
    for (size_t i = 0; i < n; i++) {
        if (isnan(better[i]) || isnan(worse[i]))
            continue;
        double aw = fabs(worse[i]);
        cairo_arc(cr, PX(aw), PY(better[i]), 6, 0, 2 * M_PI);
        cc_ch_rgb(cr, q_hex[quadrant(aw, better[i])]);
        cairo_fill_preserve(cr);
        cc_ch_rgb(cr, 0xFFFFFF);
        cairo_set_line_width(cr, 1.5);
        cairo_stroke(cr);
    }
    /* the key: one row of CH_KANO_KEYP units per feature (the canvas grows
     * with them); only at the size limit are the last summarised "… k more" */
    double kp = CH_KANO_KEYP;
    double kavail = (c.h - 34) - (y0 + 24);
    size_t nkey = (size_t)floor(kavail / kp);
    if (nkey >= n)
        nkey = n;
    else if (nkey > 0)
        nkey--;                 /* room for the "… more" line */

    point_labels(&c, &obst, &plot, x0, y0, S, n, labels, better, worse, nkey);
    free(obst.r);

    /* axis titles */
    cc_ch_text(&c, x0 + S / 2, y0 + S + 24,
               c.en ? "|Worse|: dissatisfaction if absent (0–1)"
                    : "|Worse| 不提供时的不满意影响 (0–1)",
               14, 0, 1, 0, 0, CH_INK);
    cc_ch_text_rot(&c, CH_MARGIN + 2, y0 + S / 2, -M_PI / 2,
                   c.en ? "Better: satisfaction if provided (0–1)"
                        : "Better 提供时的满意影响 (0–1)",
                   14, 0, 1, 0, CH_INK);

    key(&c, x0, y0, S, n, labels, better, worse, nkey, skipped);
    return cc_ch_finish(&c, path);
}
#undef PX
#undef PY
