/* chart_int — internals shared by lib/report/chart*.c (not part of the API;
 * prefixed cc_ch_ so the library exports nothing outside cc_). */
#ifndef CC_REPORT_CHART_INT_H
#define CC_REPORT_CHART_INT_H

#include <cairo.h>
#include <pango/pangocairo.h>

#include "base/base.h"
#include "report/chart.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define CH_DEF_W 1200
#define CH_DEF_H 800
#define CH_MIN_W 480
#define CH_MIN_H 320
#define CH_MAX_DIM 32000     /* Cairo image surfaces stop at 32767 */
#define CH_ROW_MIN 16        /* bars and heat map: least row pitch before growing */
#define CH_COL_MIN 18        /* heat map: least column width before growing */
#define CH_MARGIN 40
#define CH_LINE2 62          /* centre of the subtitle/legend line */
#define CH_BARS_TOP 96       /* bars: plot top */
#define CH_BARS_FOOT 56      /* bars: below the plot (ticks, axis title) */
#define CH_HEAT_TOP 132      /* heat map: grid top (column labels above) */
#define CH_HEAT_FOOT 24
#define CH_HEAT_SIDE 320     /* heat map: margins + least row-label column */

#define CH_INK 0x222222      /* titles */
#define CH_INK2 0x444444     /* labels */
#define CH_INK3 0x888888     /* notes */
#define CH_GRID 0xE3E3E3
#define CH_AXIS 0x9A9A9A

#define CH_RED 0xD9383A
#define CH_YELLOW 0xF2B134
#define CH_BLUE 0x3A78D9
#define CH_MET 0x4CA36B
#define CH_GREY 0xB0B0B0

#define CH_NSERIES 8
extern const unsigned cc_ch_grade_hex[5];      /* 优秀 良好 合格 不合格, none */
extern const unsigned cc_ch_series_hex[CH_NSERIES];

typedef struct {
    cairo_surface_t *sf;
    cairo_t *cr;
    PangoContext *pc;
    PangoLayout *lay;
    PangoFontDescription *fd;
    cc_chart_opts o;         /* resolved */
    int w, h, en;
    int png_level;           /* zlib level of the PNG; 0 = 6 */
    cc_buf tmp;
} cc_ch_canvas;

typedef struct { const char *text; unsigned hex; int style; } cc_ch_legend_item;

void cc_ch_opts(const cc_chart_opts *in, cc_chart_opts *out);
cc_err cc_ch_check(const char *path, const char *what, int ok);
cc_err cc_ch_open(cc_ch_canvas *c, const cc_chart_opts *o, int w, int h);
void cc_ch_close(cc_ch_canvas *c);
cc_err cc_ch_finish(cc_ch_canvas *c, const char *path);   /* writes and closes */

void cc_ch_rgb(cairo_t *cr, unsigned hex);
void cc_ch_rgba(cairo_t *cr, unsigned hex, double a);
unsigned cc_ch_level_hex(cc_colour c);
void cc_ch_fmt(char *buf, size_t len, double v, int prec);

/* Copy s into out for Pango: invalid UTF-8 becomes U+FFFD, control
 * characters (newlines too: every label is one line) become spaces.
 * Returns out->s. */
const char *cc_ch_clean(cc_buf *out, const char *s);
#define CH_DEF_FONT "Noto Sans CJK SC, Noto Sans CJK, Source Han Sans SC, " \
                    "WenQuanYi Micro Hei, Droid Sans Fallback, sans-serif"
void cc_ch_layout(cc_ch_canvas *c, const char *s, double size, int bold, double maxw);
void cc_ch_extent(cc_ch_canvas *c, double *w, double *h);
double cc_ch_text_width(cc_ch_canvas *c, const char *s, double size, int bold);
double cc_ch_text(cc_ch_canvas *c, double x, double y, const char *s, double size, int bold,
                  int ha, int va, double maxw, unsigned hex);
void cc_ch_text_rot(cc_ch_canvas *c, double x, double y, double angle, const char *s, double size,
                    int bold, int ha, double maxw, unsigned hex);

void cc_ch_header(cc_ch_canvas *c, const char *title, double right_reserve);
double cc_ch_legend_width(cc_ch_canvas *c, size_t n, const cc_ch_legend_item *it);
void cc_ch_legend(cc_ch_canvas *c, double x_right, double y, size_t n, const cc_ch_legend_item *it);
void cc_ch_swatch(cc_ch_canvas *c, double x, double y, unsigned hex, int style);
void cc_ch_no_data(cc_ch_canvas *c);
void cc_ch_line(cairo_t *cr, double x0, double y0, double x1, double y1, double width,
                unsigned hex);

#endif
