/* chart_heatmap — units × indicators, each cell the indicator's level colour. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/chart_int.h"

cc_err cc_chart_heatmap(const char *path, const cc_chart_opts *opts, const char *title,
                        size_t nrows, const char *const row_labels[],
                        size_t ncols, const char *const col_labels[],
                        const cc_colour cells[])
{
    return cc_chart_heatmap_marked(path, opts, title, nrows, row_labels, ncols, col_labels,
                                   cells, NULL);
}

/* The title, then the legend with the count of each level; 未报 cells
 * counted apart (hatched), 专项整治 frames counted. */
static void head(cc_ch_canvas *c, const char *title, size_t nrows, size_t ncols, const cc_colour cells[],
                 const unsigned char marks[])
{
    /* legend with the count of each level; 未报 cells counted apart (hatched) */
    static const cc_colour order[5] = { CC_COL_MET, CC_COL_BLUE, CC_COL_YELLOW, CC_COL_RED,
                                        CC_COL_GREY };
    static const char *const zh[5] = { "达标", "蓝", "黄", "红", "无数据" };
    static const char *const en[5] = { "Met", "Blue", "Yellow", "Red", "No data" };
    size_t count[5] = { 0 }, nunrep = 0, nmarked = 0;
    cc_colour unrep_col = CC_COL_YELLOW;
    for (size_t i = 0; i < nrows * ncols; i++) {
        nmarked += marks && (marks[i] & CC_HEAT_RECTIFY);
        if (marks && (marks[i] & CC_HEAT_UNREPORTED)) {
            nunrep++;
            unrep_col = cells[i];
        } else {
            count[cells[i]]++;
        }
    }
    /* the legend lists the levels present, so every colour on the chart is
     * one of the input's */
    char lt[7][64];
    cc_ch_legend_item leg[7];
    size_t nleg = 0;
    for (int k = 0; k < 5; k++) {
        if (k == 4 && nunrep) {
            snprintf(lt[nleg], sizeof(lt[nleg]), "%s %zu", c->en ? "Not reported" : "未报", nunrep);
            leg[nleg] = (cc_ch_legend_item){ lt[nleg], cc_ch_level_hex(unrep_col), 4 };
            nleg++;
        }
        if (!count[order[k]])
            continue;
        snprintf(lt[nleg], sizeof(lt[nleg]), "%s %zu", c->en ? en[k] : zh[k], count[order[k]]);
        leg[nleg] = (cc_ch_legend_item){ lt[nleg], cc_ch_level_hex(order[k]), 0 };
        nleg++;
    }
    if (nmarked) {          /* the 专项整治 frame (a dark swatch) */
        snprintf(lt[nleg], sizeof(lt[nleg]), "%s %zu", c->en ? "Framed: special rectification"
                                                           : "黑框 = 专项整治", nmarked);
        leg[nleg] = (cc_ch_legend_item){ lt[nleg], 0x000000, 0 };
        nleg++;
    }
    cc_ch_header(c, title, 0);
    cc_ch_legend_left(c, CH_MARGIN, CH_LINE3, c->w - 2 * CH_MARGIN, nleg, leg);
}

/* The cell at (cx, y), cw x pitch less a white line: its level's colour,
 * hatched when not reported, framed for 专项整治, its level in words when
 * `say`. */
static void cell(cc_ch_canvas *c, double cx, double y, double cw, double pitch, cc_colour col,
                 unsigned char mark, int say)
{
    cairo_t *cr = c->cr;
    double sfs = CH_FS_MIN;
    double cwid = cw - (cw >= 6 ? 1 : 0);
    double ch = pitch - (pitch >= 6 ? 1 : 0);
    cairo_rectangle(cr, cx, y, cwid, ch);
    int un = (mark & CC_HEAT_UNREPORTED) != 0;
    cc_ch_rgb(cr, cc_ch_level_hex(col));
    cairo_fill(cr);
    if (un)
        cc_ch_hatch(c, cx, y, cwid, ch);
    if (mark & CC_HEAT_RECTIFY) {
        /* 专项整治: a dark frame inside the cell, visible in greyscale */
        double lw = ch >= 12 ? 2.4 : 1;     /* 4 px at 1200 */
        cairo_rectangle(cr, cx + lw / 2, y + lw / 2, cwid - lw, ch - lw);
        cairo_set_line_width(cr, lw);
        cc_ch_rgb(cr, 0x000000);
        cairo_stroke(cr);
    }
    if (!un && say && col != CC_COL_MET)
        cc_ch_text(c, cx + cwid / 2, y + ch / 2,
                   c->en ? (const char *[]){ "", "B", "Y", "R", "–" }[col]
                     : (const char *[]){ "", "蓝", "黄", "红", "–" }[col],
                   sfs, 0, 1, 1, 0,
                   col == CC_COL_YELLOW || col == CC_COL_GREY ? 0x333333 : 0xFFFFFF);
}

typedef struct {
    const char *title;
    size_t nrows, ncols;
    const char *const *row_labels, *const *col_labels;
    const cc_colour *cells;
    const unsigned char *marks;
} heat_in;

static void draw_heatmap(cc_ch_canvas *c, void *arg)
{
    const heat_in *in = arg;
    size_t nrows = in->nrows, ncols = in->ncols;
    const char *const *row_labels = in->row_labels, *const *col_labels = in->col_labels;
    const cc_colour *cells = in->cells;
    const unsigned char *marks = in->marks;

    head(c, in->title, nrows, ncols, cells, marks);
    if (nrows == 0 || ncols == 0) {
        cc_ch_no_data(c);
        return;
    }

    double top = CH_HEAT_TOP + CH_HEAT_COLLAB, bottom = c->h - CH_HEAT_FOOT;
    double pitch = (bottom - top) / (double)nrows;
    if (pitch > CH_HEAT_PITCH_MAX)
        pitch = CH_HEAT_PITCH_MAX;
    double fs = pitch * 0.62;
    fs = fs < CH_FS_MIN ? CH_FS_MIN : fs > 15 ? 15 : fs;
    size_t every = pitch >= 17 ? 1 : (size_t)ceil(17.0 / pitch);

    double labw = 0;
    for (size_t i = 0; i < nrows; i++) {
        double w = cc_ch_text_width(c, row_labels[i], fs, 0);
        if (w > labw)
            labw = w;
    }
    /* the corner ("街道 / 指标") fits above the row labels */
    const char *rt = c->o.row_title && *c->o.row_title ? c->o.row_title : c->en ? "Unit" : "单位";
    char corner[160];
    snprintf(corner, sizeof(corner), "%.100s / %s", rt, c->en ? "indicator" : "指标");
    double cornw = cc_ch_text_width(c, corner, 13, 0);
    if (labw < cornw)
        labw = cornw;
    double capw = c->w * 0.25;
    if (labw > capw)
        labw = capw;
    if (labw < 48)
        labw = 48;
    double x0 = round(CH_MARGIN + labw + 8);
    double cw = (c->w - CH_MARGIN - x0) / (double)ncols;
    if (cw > 56)
        cw = 56;
    double gh = pitch * (double)nrows;
    /* cells that hold a 12-unit character also say their level, for
     * grey-scale prints and colour-blind readers */
    int say = pitch >= 18 && cw >= 15;

    /* cells, separated by white lines */
    for (size_t r = 0; r < nrows; r++) {
        double y = top + pitch * (double)r;
        for (size_t k = 0; k < ncols; k++)
            cell(c, x0 + cw * (double)k, y, cw, pitch, cells[r * ncols + k],
                 marks ? marks[r * ncols + k] : 0, say);
        if (r % every == 0) {
            c->labelled++;
            cc_ch_text(c, x0 - 8, y + pitch / 2, row_labels[r], fs, 0, 2, 1, labw, CH_INK2);
        }
    }

    /* column labels ("P4 活动出勤率"): vertical, reading upwards, in a band
     * of CH_HEAT_COLLAB units; every k-th when the columns are too narrow */
    double cfs = CH_FS_MIN;
    size_t cevery = cw >= 16 ? 1 : (size_t)ceil(16.0 / cw);
    for (size_t k = 0; k < ncols; k += cevery) {
        double xc = x0 + cw * ((double)k + 0.5) - 0.5;
        cc_ch_text_rot(c, xc, top - 4, -M_PI / 2, col_labels[k], cfs, 0, 0,
                       CH_HEAT_COLLAB - 8, CH_INK2);
    }
    (void)gh;
    /* corner: what the rows and columns are */
    cc_ch_text(c, x0 - 8, top - 4, corner, 13, 0, 2, 2, labw, CH_INK3);
}

cc_err cc_chart_heatmap_marked(const char *path, const cc_chart_opts *opts, const char *title,
                               size_t nrows, const char *const row_labels[],
                               size_t ncols, const char *const col_labels[],
                               const cc_colour cells[], const unsigned char marks[])
{
    int have = nrows == 0 || ncols == 0 || (row_labels && col_labels && cells);
    cc_err rc = cc_ch_check(path, "heatmap", have);
    if (rc)
        return rc;
    for (size_t i = 0; i < nrows * ncols; i++)
        if ((unsigned)cells[i] > CC_COL_GREY) {
            cc_error("chart heatmap: bad colour %d in cell %zu for %s", (int)cells[i], i, path);
            return CC_ERR_USAGE;
        }
    cc_chart_opts o;
    cc_ch_opts(opts, &o);
    int W, H;
    cc_chart_size(CC_CHART_HEATMAP, &o, nrows, ncols, &W, &H);
    heat_in in = {title, nrows, ncols, row_labels, col_labels, cells, marks};
    return cc_ch_render(path, &o, W, H, draw_heatmap, &in);
}
