/* chart — PNG charts drawn with Cairo, text laid out with Pango (so Chinese
 * renders with the Noto Sans CJK SC font, falling back to any CJK sans).
 *
 * Data-only: plain arrays and strings in, one PNG file out. No database, no
 * scorecard struct, so any caller can draw from anything. Every function:
 *   - writes atomically: to "<path>.tmp.<pid>", then rename(2) into place;
 *     on failure nothing is left behind and a previous file at path is intact;
 *   - returns CC_OK, CC_ERR_IO (the message names the path), or CC_ERR_USAGE
 *     (NULL path/arrays with n > 0; reported through cc_error);
 *   - is deterministic: the same input gives a byte-identical PNG (no clock,
 *     no environment-dependent hinting);
 *   - borrows every argument only for the duration of the call.
 * Strings are UTF-8; invalid UTF-8 is drawn as U+FFFD, never trusted.
 * Fixed texts (axis titles, legends, quadrant names) are Chinese, or English
 * with opts.lang_en. Colours and label rules: docs/charts.md.
 */
#ifndef CC_REPORT_CHART_H
#define CC_REPORT_CHART_H

#include <stddef.h>

#include "base/base.h"
#include "score/score.h"      /* cc_colour */

typedef enum {
    CC_CHART_BARS, CC_CHART_HEATMAP, CC_CHART_RADAR, CC_CHART_TREND, CC_CHART_KANO
} cc_chart_kind;

/* What a chart's layout came to, for tests and callers that place the PNG
 * (cc_chart_opts.layout). Sizes in pixels of the PNG. */
typedef struct {
    int width, height;       /* the PNG's size */
    double min_text;         /* smallest font size drawn (>= width / 60) */
    double title_text;       /* the title's font size (>= width / 30) */
    double blank_share;      /* share of pixel rows that are background only */
    size_t labelled;         /* rows (bars, heat map, KANO key) / axes (radar) /
                              * periods (trend) that carry their label */
} cc_chart_layout;

typedef struct {
    int width, height;       /* pixels; 0 = 1200 x 800. Every chart is laid out
                              * on a 720-unit-wide page scaled to width, so
                              * text keeps its share of the width (smallest
                              * 1/60, title 1/30). Bars, heat map and KANO
                              * take their height from the rows (height is
                              * ignored): see cc_chart_size */
    int lang_en;             /* English fixed texts */
    const char *subtitle;    /* drawn under the title (e.g. "2026-W47"); NULL = none */
    const char *font;        /* Pango family list; NULL = "Noto Sans CJK SC" with fallbacks */
    const char *row_title;   /* bars/heat map: what the rows are ("社区", "街道");
                              * NULL = 单位 / Unit */
    double grade_cut[3];     /* 优秀/良好/合格 thresholds; all 0 = 90, 75, 60 */
    cc_chart_layout *layout; /* filled in when the chart is written; NULL = not wanted */
    int strip;               /* a chart taller than this many pixels is drawn and
                              * written a strip of rows at a time (0 = 2048): a
                              * province's area charts, 1,200 x 32,000 px, held
                              * 154 MB each as one image */
} cc_chart_opts;

/* Zero the struct: width 1200, height 800, Chinese, default font and cuts.
 * A zero-initialised cc_chart_opts (or NULL) means the same. */
void cc_chart_opts_init(cc_chart_opts *o);

/* "bars" "heatmap" "radar" "trend" "kano" (the file-name part, docs/reports/weekly.md). */
const char *cc_chart_name(cc_chart_kind k);

/* The pixel size the chart will have: opts' width; the height is opts' for
 * radar and trend, and follows the rows for bars, heat map and KANO (nrows =
 * units or features): a header, n rows of a pitch between a least and a most
 * (docs/charts.md), a footer; never above 32000 px. ncols is ignored. */
void cc_chart_size(cc_chart_kind k, const cc_chart_opts *o, size_t nrows, size_t ncols,
                   int *width, int *height);

/* Horizontal bars of total scores, best at the top. The chart sorts: by value
 * descending, NAN (no total) last, ties in the caller's order (stable), so pass
 * units in your rank order. grades[i]: "优秀" "良好" "合格" "不合格" (or
 * English Excellent/Good/Pass/Fail), NULL = no total; grades == NULL derives
 * the grade from the value and opts' cuts. A NAN value is a grey stub
 * labelled with grades[i] when that is not a grade (the reason a unit is not
 * ranked: 未报, 覆盖不足), else 无总分. Colours: docs/charts.md. x axis 总分
 * (0–100). */
cc_err cc_chart_bars(const char *path, const cc_chart_opts *o, const char *title,
                     size_t n, const char *const labels[], const double values[],
                     const char *const grades[]);

/* Heat map: rows = units (drawn in the caller's order), cols = indicators
 * (col_labels like "P4 活动出勤率": the id and a short name, drawn vertically
 * and shortened with an ellipsis). cells[r * ncols + c] is the level colour;
 * legend 达标/蓝/黄/红/无数据 with counts. */
cc_err cc_chart_heatmap(const char *path, const cc_chart_opts *o, const char *title,
                        size_t nrows, const char *const row_labels[],
                        size_t ncols, const char *const col_labels[],
                        const cc_colour cells[]);
/* The same, with marks[r * ncols + c] (NULL = none), a sum of:
 *   CC_HEAT_RECTIFY     专项整治: a dark frame inside the cell (legend
 *                       黑框 = 专项整治 n), so it stands out in greyscale;
 *   CC_HEAT_UNREPORTED  the unit did not report (未报): the cell hatched over
 *                       its colour, counted apart in the legend (未报 n), never
 *                       mistaken for 无数据. */
#define CC_HEAT_RECTIFY 1
#define CC_HEAT_UNREPORTED 2
cc_err cc_chart_heatmap_marked(const char *path, const cc_chart_opts *o, const char *title,
                               size_t nrows, const char *const row_labels[],
                               size_t ncols, const char *const col_labels[],
                               const cc_colour cells[], const unsigned char marks[]);

/* Radar: naxes axes (>= 3 give a polygon web; fewer, circles and spokes),
 * nseries polygons; values[s * naxes + a] in 0..100, NAN = no score (the
 * outline breaks there and the point is not drawn). Series 0 is the subject
 * (solid, filled), the others references (dashed). */
cc_err cc_chart_radar(const char *path, const cc_chart_opts *o, const char *title,
                      size_t naxes, const char *const axis_labels[],
                      size_t nseries, const char *const series_labels[],
                      const double values[]);

/* Trend lines over npoints periods (x_labels like "W36"), nseries lines;
 * values[s * npoints + p] 0..100, NAN = gap. Background bands at the grade
 * cuts (90/75/60 by default). y axis 总分 (0–100), x axis 周 (periods). */
cc_err cc_chart_trend(const char *path, const cc_chart_opts *o, const char *title,
                      size_t npoints, const char *const x_labels[],
                      size_t nseries, const char *const series_labels[],
                      const double values[]);

/* KANO scatter: x = |worse[i]|, y = better[i] (both 0..1; worse may be given
 * negative as computed, its absolute value is used), quadrant lines at 0.5,
 * quadrant names 魅力 A / 期望 O / 必备 M / 无差异 I; NAN points are skipped
 * (and counted in a footnote). Point labels are placed to avoid overlaps. */
cc_err cc_chart_kano(const char *path, const cc_chart_opts *o, const char *title,
                     size_t n, const char *const labels[],
                     const double better[], const double worse[]);

#endif
