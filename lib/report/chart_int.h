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
#define CH_STRIP 2048        /* rows of a taller chart drawn at a time (a province's area
                              * charts, 1,200 x 32,000 px: 154 MB each as one image) */
/* Layout units: every chart is laid out on a page CH_LW units wide, scaled to
 * the PNG's width (1200 px: 1 unit = 5/3 px). Text sizes are in units, so the
 * smallest (CH_FS_MIN) is 1/60 of the width and the title (CH_FS_TITLE) 1/30
 * whatever the pixel size. */
#define CH_LW 720.0
#define CH_FS_MIN 12.0
#define CH_FS_TITLE 24.0
#define CH_MARGIN 32
#define CH_LINE2 54          /* centre of the subtitle line */
#define CH_LINE3 80          /* centre of the legend line (bars, heat map) */
#define CH_BARS_TOP 98       /* bars: plot top */
#define CH_BARS_FOOT 54      /* bars: below the plot (ticks, axis title) */
#define CH_BARS_PITCH_MIN 22 /* bars: row pitch, least and most */
#define CH_BARS_PITCH_MAX 36
#define CH_HEAT_TOP 98       /* heat map: column-label band top */
#define CH_HEAT_COLLAB 104   /* heat map: the band of vertical column labels */
#define CH_HEAT_FOOT 10
#define CH_HEAT_PITCH_MIN 20
#define CH_HEAT_PITCH_MAX 32
#define CH_KANO_TOP 84       /* KANO: plot and key top */
#define CH_KANO_KEYP 18      /* KANO: key row pitch */

#define CH_INK 0x222222      /* titles */
#define CH_INK2 0x444444     /* labels */
#define CH_INK3 0x888888     /* notes */
#define CH_GRID 0xE3E3E3
#define CH_AXIS 0x9A9A9A

#define CH_GRADE_1 0x2E7D4F  /* 优秀 dark green */
#define CH_GRADE_2 0x7CBF6E  /* 良好 light green */
#define CH_GRADE_3 0xF2B134  /* 合格 amber */
#define CH_GRADE_4 0xD9383A  /* 不合格 red */

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
    int w, h, en;            /* w, h in layout units (pixels for cc_ch_open) */
    double k;                /* pixels per layout unit */
    double min_fs, title_fs; /* drawn text sizes (units), for the layout report */
    size_t labelled;
    int png_level;           /* zlib level of the PNG; 0 = 3 */
    cc_buf tmp;
} cc_ch_canvas;

typedef struct { const char *text; unsigned hex; int style; } cc_ch_legend_item;

void cc_ch_opts(const cc_chart_opts *in, cc_chart_opts *out);
cc_err cc_ch_check(const char *path, const char *what, int ok);
/* A canvas of w x h pixels, drawn in pixels (the brief scales it itself). */
cc_err cc_ch_open(cc_ch_canvas *c, const cc_chart_opts *o, int w, int h);
/* A chart's canvas of w x h pixels, drawn in layout units: CH_LW units wide,
 * c->w x c->h units (c->k pixels a unit). */
cc_err cc_ch_open_chart(cc_ch_canvas *c, const cc_chart_opts *o, int w, int h);
void cc_ch_close(cc_ch_canvas *c);
cc_err cc_ch_finish(cc_ch_canvas *c, const char *path);   /* writes and closes */
/* A chart of w x h pixels (laid out as cc_ch_open_chart) drawn by draw and
 * written to path: drawn once, or for a chart taller than o->strip rows
 * (0: CH_STRIP) once per strip of rows, each strip's image encoded before
 * the next is drawn (draw must draw the same each time: it is clipped to
 * the strip, and pixels come out as from one canvas). */
cc_err cc_ch_render(const char *path, const cc_chart_opts *o, int w, int h,
                    void (*draw)(cc_ch_canvas *c, void *arg), void *arg);

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
/* A legend from x_left, wrapped at x_left + maxw; returns the lines used. */
int cc_ch_legend_left(cc_ch_canvas *c, double x_left, double y, double maxw, size_t n,
                      const cc_ch_legend_item *it);
/* The grade (0..3 优秀 良好 合格 不合格, 4 none) and level palettes. */
unsigned cc_ch_grade_colour(int g);
void cc_ch_swatch(cc_ch_canvas *c, double x, double y, unsigned hex, int style);
void cc_ch_no_data(cc_ch_canvas *c);
void cc_ch_hatch(cc_ch_canvas *c, double x, double y, double w, double h);
double cc_ch_pitch(size_t n, double band, double lo, double hi);
void cc_ch_line(cairo_t *cr, double x0, double y0, double x1, double y1, double width,
                unsigned hex);

#endif
