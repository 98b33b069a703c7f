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
    return cc_chart_heatmap_marked(path, opts, title, nrows, row_labels, ncols, col_labels, cells, NULL);
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
    cc_ch_canvas c;
    if ((rc = cc_ch_open(&c, &o, W, H)))
        return rc;
    cairo_t *cr = c.cr;

    /* legend with the count of each level */
    static const cc_colour order[5] = { CC_COL_MET, CC_COL_BLUE, CC_COL_YELLOW, CC_COL_RED,
                                        CC_COL_GREY };
    static const char *const zh[5] = { "达标", "蓝", "黄", "红", "无数据" };
    static const char *const en[5] = { "Met", "Blue", "Yellow", "Red", "No data" };
    size_t count[5] = { 0 };
    for (size_t i = 0; i < nrows * ncols; i++)
        count[cells[i]]++;
    /* the legend lists the levels present, so every colour on the chart is
     * one of the input's */
    char lt[6][64];
    cc_ch_legend_item leg[6];
    size_t nleg = 0, nmarked = 0;
    for (size_t i = 0; marks && i < nrows * ncols; i++)
        nmarked += marks[i] != 0;
    for (int k = 0; k < 5; k++) {
        if (!count[order[k]])
            continue;
        snprintf(lt[nleg], sizeof(lt[nleg]), "%s %zu", c.en ? en[k] : zh[k], count[order[k]]);
        leg[nleg] = (cc_ch_legend_item){ lt[nleg], cc_ch_level_hex(order[k]), 0 };
        nleg++;
    }
    if (nmarked) {          /* the 专项整治 frame (a dark swatch) */
        snprintf(lt[nleg], sizeof(lt[nleg]), "%s %zu", c.en ? "Framed: special rectification"
                                                           : "黑框 = 专项整治", nmarked);
        leg[nleg] = (cc_ch_legend_item){ lt[nleg], 0x222222, 0 };
        nleg++;
    }
    double legw = cc_ch_legend_width(&c, nleg, leg);
    cc_ch_header(&c, title, legw);
    cc_ch_legend(&c, W - CH_MARGIN, CH_LINE2, nleg, leg);
    if (nrows == 0 || ncols == 0) {
        cc_ch_no_data(&c);
        return cc_ch_finish(&c, path);
    }

    double top = CH_HEAT_TOP, bottom = H - CH_HEAT_FOOT;
    double pitch = (bottom - top) / (double)nrows;
    if (pitch > 48)
        pitch = 48;
    double fs = pitch * 0.62;
    fs = fs < 11 ? 11 : fs > 15 ? 15 : fs;
    size_t every = pitch >= 13 ? 1 : (size_t)ceil(13.0 / pitch);

    double labw = 0;
    for (size_t i = 0; i < nrows; i++) {
        double w = cc_ch_text_width(&c, row_labels[i], fs, 0);
        if (w > labw)
            labw = w;
    }
    double capw = W * 0.30, room = W - 2 * CH_MARGIN - 10 - (double)ncols * CH_COL_MIN;
    if (capw > room)
        capw = room;
    if (labw > capw)
        labw = capw;
    if (labw < 48)
        labw = 48;
    double x0 = round(CH_MARGIN + labw + 10);
    double cw = floor((W - CH_MARGIN - x0) / (double)ncols);
    if (cw > 72)
        cw = 72;
    double gh = pitch * (double)nrows;
    /* big cells also say their level, for grey-scale prints and colour-blind readers */
    int say = pitch >= 24 && cw >= 26;

    /* cells, separated by 1 px white lines */
    for (size_t r = 0; r < nrows; r++) {
        double y = top + pitch * (double)r;
        for (size_t k = 0; k < ncols; k++) {
            cairo_rectangle(cr, x0 + cw * (double)k, y, cw - 1, pitch - (pitch >= 6 ? 1 : 0));
            cc_colour col = cells[r * ncols + k];
            cc_ch_rgb(cr, cc_ch_level_hex(col));
            cairo_fill(cr);
            if (marks && marks[r * ncols + k]) {
                /* 专项整治: a dark frame inside the cell, visible in greyscale */
                double lw = pitch >= 12 ? 3 : 1.5;
                cairo_rectangle(cr, x0 + cw * (double)k + lw / 2, y + lw / 2, cw - 1 - lw,
                                pitch - (pitch >= 6 ? 1 : 0) - lw);
                cairo_set_line_width(cr, lw);
                cc_ch_rgb(cr, 0x222222);
                cairo_stroke(cr);
            }
            if (say && col != CC_COL_MET)
                cc_ch_text(&c, x0 + cw * ((double)k + 0.5) - 0.5, y + pitch / 2 - 0.5,
                           c.en ? (const char *[]){ "", "B", "Y", "R", "–" }[col]
                             : (const char *[]){ "", "蓝", "黄", "红", "–" }[col],
                           13, 0, 1, 1, 0,
                           col == CC_COL_YELLOW || col == CC_COL_GREY ? 0x333333 : 0xFFFFFF);
        }
        if (r % every == 0)
            cc_ch_text(&c, x0 - 8, y + pitch / 2, row_labels[r], fs, 0, 2, 1, labw, CH_INK2);
    }

    /* column labels: horizontal when they fit, else vertical */
    double cfs = 13, maxcw = 0;
    for (size_t k = 0; k < ncols; k++) {
        double w = cc_ch_text_width(&c, col_labels[k], cfs, 0);
        if (w > maxcw)
            maxcw = w;
    }
    int horiz = maxcw <= cw - 4;
    if (!horiz && cw < 22)
        cfs = 11;
    for (size_t k = 0; k < ncols; k++) {
        double xc = x0 + cw * ((double)k + 0.5) - 0.5;
        if (horiz)
            cc_ch_text(&c, xc, top - 4, col_labels[k], cfs, 0, 1, 2, 0, CH_INK2);
        else
            cc_ch_text_rot(&c, xc, top - 4, -M_PI / 2, col_labels[k], cfs, 0, 0,
                           top - 4 - (CH_LINE2 + 14), CH_INK2);
        if (horiz && nrows > 30)
            cc_ch_text(&c, xc, top + gh + 3, col_labels[k], cfs, 0, 1, 0, 0, CH_INK2);
    }
    /* corner: what the rows and columns are */
    const char *rt = o.row_title && *o.row_title ? o.row_title : c.en ? "Unit" : "单位";
    char corner[160];
    snprintf(corner, sizeof(corner), "%.100s / %s", rt, c.en ? "indicator" : "指标");
    cc_ch_text(&c, x0 - 8, top - 4, corner, 13, 0, 2, 2, labw, CH_INK3);
    return cc_ch_finish(&c, path);
}
