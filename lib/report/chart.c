/* chart — the canvas shared by every chart: opening a Cairo image surface,
 * Pango text (sanitised, ellipsised, aligned), the title block, legends, and
 * the atomic PNG write. The charts themselves are in chart_*.c.
 */
#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/chart_int.h"

void cc_chart_opts_init(cc_chart_opts *o)
{
    memset(o, 0, sizeof(*o));
}

const char *cc_chart_name(cc_chart_kind k)
{
    switch (k) {
    case CC_CHART_BARS: return "bars";
    case CC_CHART_HEATMAP: return "heatmap";
    case CC_CHART_RADAR: return "radar";
    case CC_CHART_TREND: return "trend";
    case CC_CHART_KANO: return "kano";
    }
    return "chart";
}

/* Fill in the defaults of a caller's options (which may be NULL). */
void cc_ch_opts(const cc_chart_opts *in, cc_chart_opts *out)
{
    if (in)
        *out = *in;
    else
        cc_chart_opts_init(out);
    if (out->width <= 0)
        out->width = CH_DEF_W;
    if (out->height <= 0)
        out->height = CH_DEF_H;
    if (out->width < CH_MIN_W)
        out->width = CH_MIN_W;
    if (out->height < CH_MIN_H)
        out->height = CH_MIN_H;
    if (out->width > CH_MAX_DIM)
        out->width = CH_MAX_DIM;
    if (out->height > CH_MAX_DIM)
        out->height = CH_MAX_DIM;
    if (!out->font || !*out->font)
        out->font = CH_DEF_FONT;
    if (out->grade_cut[0] == 0 && out->grade_cut[1] == 0 && out->grade_cut[2] == 0) {
        out->grade_cut[0] = 90;
        out->grade_cut[1] = 75;
        out->grade_cut[2] = 60;
    }
}

/* Row pitch in layout units for n rows: fill a fixed band, between lo and hi. */
double cc_ch_pitch(size_t n, double band, double lo, double hi)
{
    double p = n ? band / (double)n : hi;
    return p < lo ? lo : p > hi ? hi : p;
}

void cc_chart_size(cc_chart_kind k, const cc_chart_opts *o, size_t nrows, size_t ncols,
                   int *width, int *height)
{
    (void)ncols;
    cc_chart_opts op;
    cc_ch_opts(o, &op);
    int w = op.width, h = op.height;
    double u = w / CH_LW, lh = -1;          /* layout height in units */
    if (k == CC_CHART_BARS)
        lh = CH_BARS_TOP + CH_BARS_FOOT
             + (double)nrows * cc_ch_pitch(nrows, 216, CH_BARS_PITCH_MIN, CH_BARS_PITCH_MAX);
    else if (k == CC_CHART_HEATMAP)
        lh = CH_HEAT_TOP + CH_HEAT_COLLAB + CH_HEAT_FOOT
             + (double)nrows * cc_ch_pitch(nrows, 200, CH_HEAT_PITCH_MIN, CH_HEAT_PITCH_MAX);
    else if (k == CC_CHART_KANO) {
        lh = CH_KANO_TOP + 24 + (double)nrows * CH_KANO_KEYP + 34;
        if (lh < 448)
            lh = 448;
    }
    else if (k == CC_CHART_RADAR && nrows >= 3) {
        /* the web's span (its top axis at -R, its lowest at R * maxs) with
         * the label blocks and header: an odd number of axes leaves less */
        double maxs = -1;
        for (size_t a = 0; a < nrows; a++)
            maxs = fmax(maxs, sin(-M_PI / 2 + 2 * M_PI * (double)a / (double)nrows));
        double full = h / u;
        lh = fmin(full, 76 + 2 * 58 + 140 * (1 + maxs) + 12 + 1);
    }
    if (lh > 0) {
        if (nrows == 0 && k != CC_CHART_KANO)
            lh = 200;
        double px = ceil(lh * u);
        h = px > CH_MAX_DIM ? CH_MAX_DIM : (int)px;
    }
    if (width)
        *width = w;
    if (height)
        *height = h;
}

/* ---- colours ---------------------------------------------------------- */
void cc_ch_rgb(cairo_t *cr, unsigned hex)
{
    cairo_set_source_rgb(cr, ((hex >> 16) & 0xff) / 255.0, ((hex >> 8) & 0xff) / 255.0,
                         (hex & 0xff) / 255.0);
}

void cc_ch_rgba(cairo_t *cr, unsigned hex, double a)
{
    cairo_set_source_rgba(cr, ((hex >> 16) & 0xff) / 255.0, ((hex >> 8) & 0xff) / 255.0,
                          (hex & 0xff) / 255.0, a);
}

unsigned cc_ch_level_hex(cc_colour c)
{
    switch (c) {
    case CC_COL_MET: return CH_MET;
    case CC_COL_BLUE: return CH_BLUE;
    case CC_COL_YELLOW: return CH_YELLOW;
    case CC_COL_RED: return CH_RED;
    case CC_COL_GREY: break;
    }
    return CH_GREY;
}

/* Grades: greens for the two good grades (told apart by lightness), the
 * amber and red of the warning levels for 合格 and 不合格 (docs/charts.md;
 * the workbooks use the same, lib/report/workbook_int.h). */
const unsigned cc_ch_grade_hex[5] = { CH_GRADE_1, CH_GRADE_2, CH_GRADE_3, CH_GRADE_4, CH_GREY };

unsigned cc_ch_grade_colour(int g)
{
    return g >= 0 && g < 5 ? cc_ch_grade_hex[g] : CH_GREY;
}
const unsigned cc_ch_series_hex[CH_NSERIES] = {
    0x3A78D9, 0xE07B39, 0x7A5CC4, 0x2A9D8F, 0xC2477F, 0x8C6D31, 0x5B6B7F, 0x9BB53A
};

/* ---- numbers ----------------------------------------------------------- */
/* printf("%.*f") without the locale's decimal comma. */
void cc_ch_fmt(char *buf, size_t len, double v, int prec)
{
    snprintf(buf, len, "%.*f", prec, v);
    for (char *p = buf; *p; p++)
        if (*p == ',')
            *p = '.';
}

/* ---- text ---------------------------------------------------------------- */
static const char *clean(cc_ch_canvas *c, const char *s)
{
    return cc_ch_clean(&c->tmp, s);
}

const char *cc_ch_clean(cc_buf *out, const char *s)
{
    cc_buf_reset(out);
    cc_buf_add(out, "", 0);
    if (!s)
        return out->s;
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        const unsigned char *p = (const unsigned char *)s + i;
        int k = cc_utf8_seqlen(p, n - i);
        if (k <= 0) {
            cc_buf_adds(out, "\xef\xbf\xbd");
            i++;
        } else if (k == 1 && (*p < 0x20 || *p == 0x7f)) {
            cc_buf_addc(out, ' ');
            i++;
        } else {
            cc_buf_add(out, s + i, (size_t)k);
            i += (size_t)k;
        }
    }
    return out->s;
}

void cc_ch_layout(cc_ch_canvas *c, const char *s, double size, int bold, double maxw)
{
    pango_font_description_set_absolute_size(c->fd, size * PANGO_SCALE);
    pango_font_description_set_weight(c->fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(c->lay, c->fd);
    if (maxw > 0) {
        pango_layout_set_width(c->lay, (int)(maxw * PANGO_SCALE));
        pango_layout_set_ellipsize(c->lay, PANGO_ELLIPSIZE_END);
    } else {
        pango_layout_set_width(c->lay, -1);
        pango_layout_set_ellipsize(c->lay, PANGO_ELLIPSIZE_NONE);
    }
    pango_layout_set_text(c->lay, clean(c, s), -1);
}

void cc_ch_extent(cc_ch_canvas *c, double *w, double *h)
{
    PangoRectangle log;
    pango_layout_get_pixel_extents(c->lay, NULL, &log);
    if (w)
        *w = log.width;
    if (h)
        *h = log.height;
}

double cc_ch_text_width(cc_ch_canvas *c, const char *s, double size, int bold)
{
    double w;
    cc_ch_layout(c, s, size, bold, 0);
    cc_ch_extent(c, &w, NULL);
    return w;
}

/* Draw s with its anchor at (x, y): ha/va 0 = left/top, 1 = centre,
 * 2 = right/bottom. maxw > 0 ellipsises. Returns the drawn width. */
double cc_ch_text(cc_ch_canvas *c, double x, double y, const char *s, double size, int bold,
                  int ha, int va, double maxw, unsigned hex)
{
    double w, h;
    if (size < c->min_fs)
        c->min_fs = size;
    cc_ch_layout(c, s, size, bold, maxw);
    cc_ch_extent(c, &w, &h);
    double tx = x - (ha == 1 ? w / 2 : ha == 2 ? w : 0);
    double ty = y - (va == 1 ? h / 2 : va == 2 ? h : 0);
    cc_ch_rgb(c->cr, hex);
    cairo_move_to(c->cr, round(tx), round(ty));
    pango_cairo_show_layout(c->cr, c->lay);
    cairo_new_path(c->cr);
    return w;
}

/* Text rotated by angle (radians, negative = counter-clockwise), anchored at
 * (x, y) by its left (ha 0) or right (ha 2) end, vertically centred. */
void cc_ch_text_rot(cc_ch_canvas *c, double x, double y, double angle, const char *s, double size,
                    int bold, int ha, double maxw, unsigned hex)
{
    double w, h;
    if (size < c->min_fs)
        c->min_fs = size;
    cairo_save(c->cr);
    cairo_translate(c->cr, x, y);
    cairo_rotate(c->cr, angle);
    pango_cairo_update_context(c->cr, c->pc);
    pango_layout_context_changed(c->lay);
    cc_ch_layout(c, s, size, bold, maxw);
    cc_ch_extent(c, &w, &h);
    cc_ch_rgb(c->cr, hex);
    cairo_move_to(c->cr, ha == 2 ? -w : ha == 1 ? -w / 2 : 0, -h / 2);
    pango_cairo_show_layout(c->cr, c->lay);
    cairo_new_path(c->cr);
    cairo_restore(c->cr);
    pango_cairo_update_context(c->cr, c->pc);
    pango_layout_context_changed(c->lay);
}

/* ---- canvas ------------------------------------------------------------- */
/* A canvas of w x h pixels, k pixels a layout unit, whose image holds the
 * rows y0 .. y0 + rows - 1 (the whole canvas: 0, h). */
static cc_err open_canvas(cc_ch_canvas *c, const cc_chart_opts *o, int w, int h, double k, int y0, int rows)
{
    memset(c, 0, sizeof(*c));
    cc_buf_init(&c->tmp);
    c->o = *o;
    c->en = o->lang_en != 0;
    c->k = k;
    c->w = (int)floor(w / k + 1e-9);
    c->h = (int)floor(h / k + 1e-9);
    c->min_fs = 1e9;
    c->sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, rows);
    if (cairo_surface_status(c->sf) != CAIRO_STATUS_SUCCESS) {
        cc_error("cannot create a %dx%d chart: %s", w, h,
                 cairo_status_to_string(cairo_surface_status(c->sf)));
        cairo_surface_destroy(c->sf);
        c->sf = NULL;
        return CC_ERR_NOMEM;
    }
    c->cr = cairo_create(c->sf);
    cc_ch_rgb(c->cr, 0xFFFFFF);
    cairo_paint(c->cr);
    if (y0)                                      /* whole pixels: drawn as the whole canvas would */
        cairo_translate(c->cr, 0, -y0);
    if (k != 1)
        cairo_scale(c->cr, k, k);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_subpixel_order(fo, CAIRO_SUBPIXEL_ORDER_DEFAULT);
    cairo_set_font_options(c->cr, fo);
    c->pc = pango_cairo_create_context(c->cr);
    pango_cairo_context_set_font_options(c->pc, fo);
    pango_cairo_context_set_resolution(c->pc, 96);
    cairo_font_options_destroy(fo);
    c->lay = pango_layout_new(c->pc);
    pango_layout_set_single_paragraph_mode(c->lay, TRUE);
    c->fd = pango_font_description_from_string("sans");
    pango_font_description_set_family(c->fd, o->font);
    cairo_set_line_join(c->cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(c->cr, CAIRO_LINE_CAP_BUTT);
    return CC_OK;
}

cc_err cc_ch_open(cc_ch_canvas *c, const cc_chart_opts *o, int w, int h)
{
    return open_canvas(c, o, w, h, 1, 0, h);
}

cc_err cc_ch_open_chart(cc_ch_canvas *c, const cc_chart_opts *o, int w, int h)
{
    return open_canvas(c, o, w, h, w / CH_LW, 0, h);
}

void cc_ch_close(cc_ch_canvas *c)
{
    if (c->fd)
        pango_font_description_free(c->fd);
    if (c->lay)
        g_object_unref(c->lay);
    if (c->pc)
        g_object_unref(c->pc);
    if (c->cr)
        cairo_destroy(c->cr);
    if (c->sf)
        cairo_surface_destroy(c->sf);
    cc_buf_release(&c->tmp);
    memset(c, 0, sizeof(*c));
}

/* The canvas as an 8-bit RGB PNG. libpng directly rather than
 * cairo_surface_write_to_png: PNG writing was half of a report run's CPU, most
 * of it libpng trying every row filter. Charts are flat colour with
 * antialiased text, for which no filter at all and zlib level 6 gives smaller
 * files (960 KB against 1.1 MB for the small benchmark's charts) at 40 % less
 * CPU for the whole report. Returns 0, or -1 on a write error. */
/* libpng reports through these instead of printing to stderr: the caller
 * prints one carecard: message naming the file. */
static void png_fail(png_structp png, png_const_charp msg)
{
    (void)msg;
    png_longjmp(png, 1);
}

static void png_quiet(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

/* The PNG being written: libpng's state, a row buffer, the rows that are
 * background only (for the layout report). Each step returns 0, or -1 on
 * an error (libpng's error exit comes back to the step that called it). */
typedef struct {
    png_structp png;
    png_infop info;
    unsigned char *row;
    int w;
    size_t blank;
} png_out;

static int png_begin(png_out *p, FILE *f, int w, int h, int level)
{
    memset(p, 0, sizeof *p);
    p->w = w;
    p->row = cc_xmalloc((size_t)w * 3 + 1);
    p->png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, png_fail, png_quiet);
    p->info = p->png ? png_create_info_struct(p->png) : NULL;
    if (!p->png || !p->info)
        return -1;
    if (setjmp(png_jmpbuf(p->png)))
        return -1;
    png_init_io(p->png, f);
    png_set_IHDR(p->png, p->info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_filter(p->png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
    /* zlib level 3 by default: on the city's 600 charts 40 % less time than
     * level 6 (3.3 against 5.5 s for 300) for 11 % more bytes */
    png_set_compression_level(p->png, level > 0 ? level : 3);
    png_write_info(p->png, p->info);
    return 0;
}

/* The rows of an RGB24 image, appended. */
static int png_rows(png_out *p, cairo_surface_t *sf)
{
    cairo_surface_flush(sf);
    const unsigned char *data = cairo_image_surface_get_data(sf);
    int h = cairo_image_surface_get_height(sf), stride = cairo_image_surface_get_stride(sf);
    if (!data || cairo_image_surface_get_width(sf) != p->w)
        return -1;
    if (setjmp(png_jmpbuf(p->png)))
        return -1;
    for (int y = 0; y < h; y++) {
        const uint32_t *px = (const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride);
        int white = 1;
        for (int x = 0; x < p->w; x++) {         /* RGB24: 0x00RRGGBB in a native word */
            p->row[3 * x] = (unsigned char)(px[x] >> 16);
            p->row[3 * x + 1] = (unsigned char)(px[x] >> 8);
            p->row[3 * x + 2] = (unsigned char)px[x];
            white &= (px[x] & 0xFFFFFF) == 0xFFFFFF;
        }
        p->blank += (size_t)white;
        png_write_row(p->png, p->row);
    }
    return 0;
}

static int png_end(png_out *p)
{
    if (setjmp(png_jmpbuf(p->png)))
        return -1;
    png_write_end(p->png, NULL);
    return 0;
}

static void png_release(png_out *p)
{
    if (p->png)
        png_destroy_write_struct(&p->png, p->info ? &p->info : NULL);
    free(p->row);
    memset(p, 0, sizeof *p);
}

/* A chart's file, written beside its final name and renamed into place. */
typedef struct {
    const char *path;
    char *tmp;
    FILE *f;
    png_out png;
} chart_file;

static cc_err file_begin(chart_file *cf, const char *path, int w, int h, int level)
{
    memset(cf, 0, sizeof *cf);
    cf->path = path;
    cf->tmp = cc_xasprintf("%s.tmp.%ld", path, (long)getpid());
    cf->f = fopen(cf->tmp, "wb");
    if (!cf->f) {
        cc_error("cannot write chart %s: %s", path, strerror(errno));
        free(cf->tmp);
        cf->tmp = NULL;
        return CC_ERR_IO;
    }
    errno = 0;
    if (png_begin(&cf->png, cf->f, w, h, level) != 0)
        return CC_ERR_IO;
    return CC_OK;
}

/* ok: every row was written; the file renamed into place, or removed
 * (and the write error said). */
static cc_err file_end(chart_file *cf, int ok)
{
    if (!cf->tmp)
        return CC_ERR_IO;
    int bad = !ok || png_end(&cf->png) != 0 || fflush(cf->f) != 0 || ferror(cf->f);
    int err = bad ? (errno ? errno : EIO) : 0;
    png_release(&cf->png);
    if (fclose(cf->f) != 0 && !err)
        err = errno ? errno : EIO;
    if (!err && rename(cf->tmp, cf->path) != 0)
        err = errno;
    if (err) {
        cc_error("cannot write chart %s: %s", cf->path, strerror(err));
        unlink(cf->tmp);
    }
    free(cf->tmp);
    cf->tmp = NULL;
    return err ? CC_ERR_IO : CC_OK;
}

/* The file removed after a drawing error (said already): no write error. */
static void file_discard(chart_file *cf)
{
    if (!cf->tmp)
        return;
    png_release(&cf->png);
    fclose(cf->f);
    unlink(cf->tmp);
    free(cf->tmp);
    cf->tmp = NULL;
}

/* Did Cairo draw the canvas? Else the error, naming the chart. */
static cc_err drawn(cc_ch_canvas *c, const char *path)
{
    if (cairo_status(c->cr) == CAIRO_STATUS_SUCCESS)
        return CC_OK;
    cc_error("cannot draw chart %s: %s", path, cairo_status_to_string(cairo_status(c->cr)));
    return CC_ERR_NOMEM;
}

static void layout_report(const cc_ch_canvas *c, int w, int h, size_t blank)
{
    if (!c->o.layout)
        return;
    cc_chart_layout *L = c->o.layout;
    L->width = w;
    L->height = h;
    L->min_text = c->min_fs * c->k;
    L->title_text = c->title_fs * c->k;
    L->blank_share = h ? (double)blank / h : 0;
    L->labelled = c->labelled;
}

/* Write the PNG atomically and close the canvas. */
cc_err cc_ch_finish(cc_ch_canvas *c, const char *path)
{
    cairo_surface_flush(c->sf);
    if (drawn(c, path) != CC_OK) {
        cc_ch_close(c);
        return CC_ERR_NOMEM;
    }
    int w = cairo_image_surface_get_width(c->sf), h = cairo_image_surface_get_height(c->sf);
    chart_file cf;
    cc_err rc = file_begin(&cf, path, w, h, c->png_level);
    if (rc == CC_OK || cf.tmp) {
        int ok = rc == CC_OK && png_rows(&cf.png, c->sf) == 0;
        layout_report(c, w, h, cf.png.blank);
        rc = file_end(&cf, ok);
    }
    cc_ch_close(c);
    return rc;
}

cc_err cc_ch_render(const char *path, const cc_chart_opts *o, int w, int h,
                    void (*draw)(cc_ch_canvas *c, void *arg), void *arg)
{
    int sh = o->strip > 0 ? o->strip : CH_STRIP;
    if (sh > h)
        sh = h;
    chart_file cf;
    cc_err rc = file_begin(&cf, path, w, h, 0);
    if (rc != CC_OK && !cf.tmp)
        return rc;
    int ok = rc == CC_OK;
    for (int y0 = 0; ok && y0 < h; y0 += sh) {
        cc_ch_canvas c;
        int rows = h - y0 < sh ? h - y0 : sh;
        if (open_canvas(&c, o, w, h, w / CH_LW, y0, rows) != CC_OK) {
            file_discard(&cf);
            return CC_ERR_NOMEM;
        }
        draw(&c, arg);
        if (drawn(&c, path) != CC_OK) {
            cc_ch_close(&c);
            file_discard(&cf);
            return CC_ERR_NOMEM;
        }
        ok = png_rows(&cf.png, c.sf) == 0;
        if (y0 + rows >= h)                      /* every strip draws the same texts */
            layout_report(&c, w, h, cf.png.blank);
        cc_ch_close(&c);
    }
    return file_end(&cf, ok);
}

/* Argument checks common to every chart. */
cc_err cc_ch_check(const char *path, const char *what, int ok)
{
    if (!path || !*path) {
        cc_error("chart %s: no output path", what);
        return CC_ERR_USAGE;
    }
    if (!ok) {
        cc_error("chart %s: missing data arrays for %s", what, path);
        return CC_ERR_USAGE;
    }
    return CC_OK;
}

/* ---- shared drawing ------------------------------------------------------- */
void cc_ch_header(cc_ch_canvas *c, const char *title, double right_reserve)
{
    const char *t = title && *title ? title : c->en ? "Chart" : "图表";
    c->title_fs = CH_FS_TITLE;
    cc_ch_text(c, CH_MARGIN, 8, t, CH_FS_TITLE, 1, 0, 0, c->w - 2 * CH_MARGIN, CH_INK);
    if (c->o.subtitle && *c->o.subtitle) {
        double maxw = c->w - 2 * CH_MARGIN - right_reserve - 16;
        if (maxw < 80)
            maxw = 80;
        cc_ch_text(c, CH_MARGIN, CH_LINE2, c->o.subtitle, 14, 0, 0, 1, maxw, CH_INK2);
    }
}

double cc_ch_legend_width(cc_ch_canvas *c, size_t n, const cc_ch_legend_item *it)
{
    double w = 0;
    for (size_t i = 0; i < n; i++)
        w += 18 + 6 + cc_ch_text_width(c, it[i].text, 13, 0) + (i + 1 < n ? 18 : 0);
    return w;
}

/* A one-line legend, right-aligned at x_right, centred on y. */
void cc_ch_legend(cc_ch_canvas *c, double x_right, double y, size_t n, const cc_ch_legend_item *it)
{
    double x = x_right - cc_ch_legend_width(c, n, it);
    for (size_t i = 0; i < n; i++) {
        cc_ch_swatch(c, x, y, it[i].hex, it[i].style);
        x += 24;
        x += cc_ch_text(c, x, y, it[i].text, 13, 0, 0, 1, 0, CH_INK2) + 18;
    }
}

/* A legend from x_left, wrapped at x_left + maxw, 24 units a line. */
int cc_ch_legend_left(cc_ch_canvas *c, double x_left, double y, double maxw, size_t n,
                      const cc_ch_legend_item *it)
{
    double x = x_left;
    int lines = 1;
    for (size_t i = 0; i < n; i++) {
        double iw = 18 + 6 + cc_ch_text_width(c, it[i].text, 13, 0);
        if (x > x_left && x + iw > x_left + maxw) {
            x = x_left;
            y += 24;
            lines++;
        }
        cc_ch_swatch(c, x, y, it[i].hex, it[i].style);
        x += 24;
        x += cc_ch_text(c, x, y, it[i].text, 13, 0, 0, 1, 0, CH_INK2) + 18;
    }
    return lines;
}

/* Diagonal hatching over a rectangle (未报 cells and their legend swatch). */
void cc_ch_hatch(cc_ch_canvas *c, double x, double y, double w, double h)
{
    cairo_t *cr = c->cr;
    cairo_save(cr);
    cairo_rectangle(cr, x, y, w, h);
    cairo_clip(cr);
    cairo_set_line_width(cr, 1.6);
    cc_ch_rgb(cr, 0x333333);
    for (double d = -h; d < w; d += 5) {
        cairo_move_to(cr, x + d, y + h);
        cairo_line_to(cr, x + d + h, y);
    }
    cairo_stroke(cr);
    cairo_restore(cr);
}

/* style 0: filled square; 1: line with a dot; 2: dashed line with a dot;
 * 4: filled square hatched (未报). */
void cc_ch_swatch(cc_ch_canvas *c, double x, double y, unsigned hex, int style)
{
    cairo_t *cr = c->cr;
    if (style == 0 || style == 3 || style == 4) {
        cairo_rectangle(cr, x, y - 7, 18, 14);
        cc_ch_rgb(cr, hex);
        cairo_fill(cr);
        if (style == 4)
            cc_ch_hatch(c, x, y - 7, 18, 14);
        return;
    }
    cairo_save(cr);
    if (style == 2) {
        double d[2] = { 4, 3 };
        cairo_set_dash(cr, d, 2, 0);
    }
    cairo_set_line_width(cr, 2.5);
    cc_ch_rgb(cr, hex);
    cairo_move_to(cr, x, y);
    cairo_line_to(cr, x + 18, y);
    cairo_stroke(cr);
    cairo_restore(cr);
    cairo_arc(cr, x + 9, y, 3.5, 0, 2 * M_PI);
    cc_ch_rgb(cr, hex);
    cairo_fill(cr);
}

void cc_ch_no_data(cc_ch_canvas *c)
{
    cc_ch_text(c, c->w / 2.0, c->h / 2.0, c->en ? "No data" : "无数据", 22, 0, 1, 1, 0, CH_INK3);
}

void cc_ch_line(cairo_t *cr, double x0, double y0, double x1, double y1, double width,
                unsigned hex)
{
    cairo_set_line_width(cr, width);
    cc_ch_rgb(cr, hex);
    cairo_move_to(cr, x0, y0);
    cairo_line_to(cr, x1, y1);
    cairo_stroke(cr);
}
