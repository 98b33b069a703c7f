/* workbook_sheet — the `sheet` wrapper of the report workbooks: it tracks
 * column widths (the format has no auto-fit), writes every text through
 * worksheet_write_string, so text that looks like a formula stays text,
 * sets the print layout, and holds the workbook's cell formats. */
#include "report/report.h"
#include "report/workbook_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

/* ---- the sheet wrapper ------------------------------------------------------------ */

/* A line of wrapped text in points: Chinese fonts at 11 pt (Noto Sans CJK,
 * the fallback where Calibri has no glyphs) take about 16.5 pt a line, more
 * than Excel's 15 pt row. */
#define LINE_PT 17.0

/* A row's height in pixels as written (20 px, LINE_PT a line + 3 pt when
 * wrapped, a two-line header the same). */
static double row_px(const cc_wb_sheet *s, int r)
{
    if (r == s->tall_row)
        return (2 * LINE_PT + 3) * 4 / 3;
    if (r >= 0 && (size_t)r < s->nlines && s->lines[r] > 1)
        return (LINE_PT * s->lines[r] + 3) * 4 / 3;
    return 20;
}

void cc_wb_note(cc_wb_book *b, lxw_error e)
{
    if (e != LXW_NO_ERROR && b->err == CC_OK) {
        cc_error("workbook: %s", lxw_strerror(e));
        b->err = CC_ERR_IO;
    }
}

static void widen(cc_wb_sheet *s, int col, double w)
{
    if (col >= 0 && col < CC_WB_MAXCOLS && w > s->width[col])
        s->width[col] = w;
}

void cc_wb_put_str(cc_wb_sheet *s, int row, int col, const char *txt, lxw_format *f)
{
    if (!txt)
        txt = "";
    if (!cc_utf8_valid(txt, strlen(txt)))
        txt = "\xEF\xBF\xBD";           /* never write invalid UTF-8 into the XML */
    if (!*txt && !f)
        return;
    cc_wb_note(s->b, *txt ? worksheet_write_string(s->ws, (lxw_row_t)row, (lxw_col_t)col, txt, f)
                    : worksheet_write_blank(s->ws, (lxw_row_t)row, (lxw_col_t)col, f));
    size_t w = cc_utf8_width(txt);
    widen(s, col, (double)(w > 60 ? 60 : w));
}

/* A long text (title lines) that must not widen its column. */
void cc_wb_put_line(cc_wb_sheet *s, int row, int col, const char *txt, lxw_format *f)
{
    cc_wb_note(s->b, worksheet_write_string(s->ws, (lxw_row_t)row, (lxw_col_t)col, txt ? txt : "", f));
}

void cc_wb_put_num(cc_wb_sheet *s, int row, int col, double v, lxw_format *f)
{
    if (isnan(v) || isinf(v)) {
        if (f)
            cc_wb_note(s->b, worksheet_write_blank(s->ws, (lxw_row_t)row, (lxw_col_t)col, f));
        return;
    }
    cc_wb_note(s->b, worksheet_write_number(s->ws, (lxw_row_t)row, (lxw_col_t)col, v, f));
    char t[64];                         /* as wide as its digits and a sign, % or ↑ */
    snprintf(t, sizeof t, "%.*f", v == floor(v) && fabs(v) < 1e15 ? 0 : 2, v);
    size_t n = strlen(t) + 1;
    widen(s, col, n < 5 ? 5 : (double)n);
}

void cc_wb_put_long(cc_wb_sheet *s, int row, int col, long v)
{
    cc_wb_put_num(s, row, col, (double)v, s->b->f.integer);
}

static void put_comment(cc_wb_sheet *s, int row, int col, const char *txt)
{
    if (txt && *txt && cc_utf8_valid(txt, strlen(txt))) {
        lxw_comment_options o;
        memset(&o, 0, sizeof o);
        o.author = (char *)"carecard";
        o.width = 320;
        o.height = 80;
        cc_wb_note(s->b, worksheet_write_comment_opt(s->ws, (lxw_row_t)row, (lxw_col_t)col,
                                               txt, &o));
    }
}

/* A long text wrapped in a column of at most cap characters (LibreOffice
 * and Excel grow the row to its lines), so the sheet stays printable. */
void cc_wb_put_wrapped_f(cc_wb_sheet *s, int row, int col, const char *txt, double cap, lxw_format *f)
{
    if (!txt || !*txt || !cc_utf8_valid(txt, strlen(txt))) {
        cc_wb_put_str(s, row, col, txt, NULL);
        return;
    }
    double w = (double)cc_utf8_width(txt);
    if (w <= cap) {                     /* fits one line: aligned as its row */
        cc_wb_put_str(s, row, col, txt, f == s->b->f.boldwrap ? s->b->f.bold : NULL);
        return;
    }
    cc_wb_note(s->b, worksheet_write_string(s->ws, (lxw_row_t)row, (lxw_col_t)col, txt, f));
    widen(s, col, cap);
    /* the row is made as high as its lines (LibreOffice keeps the default
     * height of a row written without one, and would print one line) */
    size_t n = (size_t)ceil(w / (cap + 2));   /* the column is cap + 2 wide */
    if (n > 1 && row >= 0) {
        if ((size_t)row >= s->nlines) {
            size_t nn = (size_t)row + 64;
            s->lines = cc_xrealloc(s->lines, nn);
            memset(s->lines + s->nlines, 0, nn - s->nlines);
            s->nlines = nn;
        }
        if (n > s->lines[row]) {
            s->lines[row] = (unsigned char)(n > 20 ? 20 : n);
            /* the height now, while the row is the one being written
             * (constant_memory writes a row out when a later one starts) */
            cc_wb_note(s->b, worksheet_set_row(s->ws, (lxw_row_t)row, LINE_PT * s->lines[row] + 3, NULL));
        }
    }
}

void cc_wb_put_wrapped(cc_wb_sheet *s, int row, int col, const char *txt, double cap)
{
    cc_wb_put_wrapped_f(s, row, col, txt, cap, s->b->f.wrap);
}

/* The width a header cell asks of its column: headers wrap (the format
 * does), between Chinese characters or after a hyphen, so at most 6
 * characters ("服务/过程", "2026-/W45"), the values decide the rest. *tall is
 * set when the header takes two lines. */
static double header_width(const char *t, int *tall)
{
    double w = (double)cc_utf8_width(t), run = 0, longest = 0;
    for (const char *p = t; *p; p++) {      /* longest run of ASCII without a break */
        if ((unsigned char)*p < 0x80 && *p != ' ' && *p != '-' && *p != '/')
            run++;
        else
            run = 0;
        if (run > longest)
            longest = run;
    }
    double cap = longest > 6 ? longest : 6;
    if (w > cap)
        *tall = 1;
    return w > cap ? cap : w;
}

void cc_wb_header(cc_wb_sheet *s, int row, const char *const *cols, int n)
{
    int tall = 0;
    for (int c = 0; c < n; c++) {
        const char *t = cols[c] ? cols[c] : "";
        cc_wb_note(s->b, worksheet_write_string(s->ws, (lxw_row_t)row, (lxw_col_t)c, t, s->b->f.header));
        widen(s, c, header_width(t, &tall));
    }
    if (tall) {
        cc_wb_note(s->b, worksheet_set_row(s->ws, (lxw_row_t)row, 2 * LINE_PT + 3, NULL));
        s->tall_row = row;
    }
}

cc_wb_sheet *cc_wb_sheet_new(cc_wb_book *b, const char *name)
{
    cc_wb_sheet *s = cc_xcalloc(1, sizeof *s);
    s->b = b;
    s->ws = workbook_add_worksheet(b->wb, name);
    s->header_row = -1;
    s->tall_row = -1;
    if (!s->ws)
        cc_wb_note(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
    return s;
}

/* Printing (A4 landscape, margins 0.4" at the sides): the printable width in
 * pixels at 100 % (96 px an inch), and the least print scale, so that the
 * 11 pt body text prints at 11 x 0.70 = 7.7 pt (>= 7 pt) or larger. */
#define PRINT_W_PX ((11.69 - 2 * 0.4) * 96)
#define PRINT_MIN_SCALE 70

/* The printed width of a column of w characters, in pixels at 100 %:
 * Excel gives 7 px a character and 5 px of padding (Calibri 11), but
 * LibreOffice, where Calibri and its metric twin Carlito are not installed,
 * lays out 9.34 px a character (measured on the demo's 总览 printed to PDF:
 * columns of 8.71 and 18.71 characters 81.3 and 174.7 px wide). The larger
 * is used, so a sheet fits its page in both. */
static double col_px(double w)
{
    if (w <= 0)
        return 0;
    w += 0.72;          /* libxlsxwriter stores w + 5 px of padding: 6 -> 6.7109375 */
    return fmax(floor(w * 7 + 5), w * 9.4);
}

/* The print scale (percent) for a sheet of this pixel width: the largest
 * that fits it one page wide, at most 100; 0 when that would be below
 * PRINT_MIN_SCALE (the sheet then prints at PRINT_MIN_SCALE in column groups,
 * its key columns repeated). The scale is written as a fixed print scale,
 * not "fit to width", so every spreadsheet prints the same size. */
int cc_wb_fit_scale(double px)
{
    if (px <= PRINT_W_PX)
        return 100;
    int pct = (int)floor(100 * PRINT_W_PX / px);
    return pct >= PRINT_MIN_SCALE ? pct : 0;
}

void cc_wb_table_end(cc_wb_sheet *s, int last_row, int last_col)
{
    s->last_row = last_row;
    s->last_col = last_col;
    if (s->ws && s->header_row >= 0 && last_row > s->header_row)
        cc_wb_note(s->b, worksheet_autofilter(s->ws, (lxw_row_t)s->header_row, 0, (lxw_row_t)last_row,
                                              (lxw_col_t)last_col));
}

/* Column widths, print set-up and frozen header; frees s.
 * freeze_col: the key columns (rank, id, name) repeated on every page when
 * the sheet prints in column groups. */
void cc_wb_sheet_done(cc_wb_sheet *s, int freeze_col)
{
    if (s->ws) {
        double px = 0;
        for (int c = 0; c < CC_WB_MAXCOLS; c++)
            if (s->width[c] > 0) {
                double w = s->width[c] + 1;     /* a character of padding (+ 5 px) */
                if (w < 6)
                    w = 6;
                worksheet_set_column(s->ws, (lxw_col_t)c, (lxw_col_t)c, w, NULL);
                px += col_px(w);
            } else if (c <= s->last_col) {
                px += col_px(8.43);                     /* a default column */
            }
        if (s->img_right > px)
            px = s->img_right;
        worksheet_set_landscape(s->ws);
        worksheet_set_paper(s->ws, 9);                  /* A4 */
        worksheet_set_margins(s->ws, 0.4, 0.4, 0.5, 0.5);
        int scale = cc_wb_fit_scale(px);
        if (scale > 0) {
            worksheet_set_print_scale(s->ws, (uint16_t)scale);   /* one page wide, >= 7.7 pt */
        } else {
            /* too wide for one page at a readable size: column groups, each
             * page repeating the key columns */
            worksheet_set_print_scale(s->ws, PRINT_MIN_SCALE);
            worksheet_print_across(s->ws);
            /* key columns repeated on every page, unless images are anchored
             * there (their left part would be repeated too) */
            if (freeze_col > 0 && s->nimg == 0)
                cc_wb_note(s->b, worksheet_repeat_columns(s->ws, 0, (lxw_col_t)(freeze_col - 1)));
        }
        /* a page break before an image that would otherwise be cut: the
         * rows laid down page by page as a spreadsheet does (20 px a row,
         * 20 px a line of a wrapped row, a page of 7.27 in less the repeated
         * header row and 20 px of slack); an image that does not fit the
         * rest of its page starts the next one */
        if (s->nimg > 0) {
            double sc = scale > 0 ? scale : PRINT_MIN_SCALE;
            double hh = s->header_row >= 0 ? row_px(s, s->header_row) : 0;
            double cap = (8.27 - 1.0) * 96 * 100 / sc - 20;
            lxw_row_t br[9];
            int nb = 0, r = 0;
            double y = 0;
            for (int i = 0; i < s->nimg; i++) {
                for (; r < s->img_r0[i]; r++) {
                    double h = row_px(s, r);
                    if (y + h > cap)
                        y = hh;                 /* an automatic break above r */
                    y += h;
                }
                double ih = 20.0 * (s->img_r1[i] - s->img_r0[i] + 1);
                if (y + ih > cap && y > hh + 1 && nb < 8) {
                    br[nb++] = (lxw_row_t)s->img_r0[i];
                    y = hh;
                }
                for (; r <= s->img_r1[i]; r++)
                    y += row_px(s, r);
                if (y > cap)
                    y = hh + fmod(y - hh, cap - hh);
            }
            br[nb] = 0;
            if (nb)
                cc_wb_note(s->b, worksheet_set_h_pagebreaks(s->ws, br));
        }
        int last = s->last_row > s->img_rows ? s->last_row : s->img_rows;
        int lastc = s->last_col;
        for (int c = 0; c < CC_WB_MAXCOLS; c++)
            if (s->width[c] > 0 && c > lastc)
                lastc = c;
        /* the print area ends at the last row written (or below the last
         * image): no trailing page of repeated headers over empty rows */
        if (last > 0 && lastc >= 0)
            cc_wb_note(s->b, worksheet_print_area(s->ws, 0, 0, (lxw_row_t)last, (lxw_col_t)lastc));
        if (s->header_row >= 0) {
            cc_wb_note(s->b, worksheet_repeat_rows(s->ws, (lxw_row_t)s->header_row,
                                             (lxw_row_t)s->header_row));
            worksheet_freeze_panes(s->ws, (lxw_row_t)(s->header_row + 1), (lxw_col_t)freeze_col);
        }
    }
    free(s->lines);
    free(s);
}

static lxw_format *fill(lxw_workbook *wb, uint32_t bg, uint32_t fg)
{
    lxw_format *f = workbook_add_format(wb);
    format_set_bg_color(f, bg);
    format_set_pattern(f, LXW_PATTERN_SOLID);
    format_set_font_color(f, fg);
    format_set_align(f, LXW_ALIGN_CENTER);
    format_set_border(f, LXW_BORDER_THIN);
    format_set_border_color(f, 0xFFFFFF);
    return f;
}

void cc_wb_formats_init(cc_wb_book *b)
{
    lxw_workbook *wb = b->wb;
    cc_wb_formats *f = &b->f;
    f->title = workbook_add_format(wb);
    format_set_bold(f->title);
    format_set_font_size(f->title, 14);
    f->sub = workbook_add_format(wb);
    format_set_font_color(f->sub, 0x595959);
    f->bold = workbook_add_format(wb);
    format_set_bold(f->bold);
    f->boldwrap = workbook_add_format(wb);
    format_set_bold(f->boldwrap);
    format_set_text_wrap(f->boldwrap);
    format_set_align(f->boldwrap, LXW_ALIGN_VERTICAL_TOP);
    f->center = workbook_add_format(wb);
    format_set_align(f->center, LXW_ALIGN_CENTER);
    f->header = workbook_add_format(wb);
    format_set_bold(f->header);
    format_set_bg_color(f->header, 0xD9E1F2);
    format_set_pattern(f->header, LXW_PATTERN_SOLID);
    format_set_border(f->header, LXW_BORDER_THIN);
    format_set_text_wrap(f->header);
    format_set_align(f->header, LXW_ALIGN_VERTICAL_CENTER);
    f->text = NULL;
    f->wrap = workbook_add_format(wb);
    format_set_text_wrap(f->wrap);
    format_set_align(f->wrap, LXW_ALIGN_VERTICAL_TOP);
    f->integer = workbook_add_format(wb);
    format_set_num_format(f->integer, "0");
    f->score = workbook_add_format(wb);
    format_set_num_format(f->score, "0.0");
    f->change = workbook_add_format(wb);
    format_set_num_format(f->change, "\"↑\"0.0;\"↓\"0.0;\"→\"0.0");
    f->pct = workbook_add_format(wb);
    format_set_num_format(f->pct, "0.0%");
    f->num2 = workbook_add_format(wb);
    format_set_num_format(f->num2, "0.00");
    f->num1 = workbook_add_format(wb);
    format_set_num_format(f->num1, "0.0");
    f->level[CC_COL_MET] = fill(wb, CC_WB_MET, 0xFFFFFF);
    f->level[CC_COL_BLUE] = fill(wb, CC_WB_BLUE, 0xFFFFFF);
    f->level[CC_COL_YELLOW] = fill(wb, CC_WB_YELLOW, 0x000000);
    f->level[CC_COL_RED] = fill(wb, CC_WB_RED, 0xFFFFFF);
    f->level[CC_COL_GREY] = fill(wb, CC_WB_GREY, 0x000000);
    static const uint32_t bg[5] = {CC_WB_MET, CC_WB_BLUE, CC_WB_YELLOW, CC_WB_RED, CC_WB_GREY};
    static const uint32_t fg[5] = {0xFFFFFF, 0xFFFFFF, 0x000000, 0xFFFFFF, 0x000000};
    for (int k = 0; k < 5; k++) {
        f->rect[k] = fill(wb, bg[k], fg[k]);
        format_set_bold(f->rect[k]);
        format_set_border(f->rect[k], LXW_BORDER_THICK);
        format_set_border_color(f->rect[k], 0x000000);
    }
    for (int d = 0; d < 5; d++) {
        static const char *const pf[5] = {"0%", "0.0%", "0.00%", "0.000%", "0.0000%"};
        static const char *const nf[5] = {"0", "0.0", "0.00", "0.000", "0.0000"};
        f->pctd[d] = workbook_add_format(wb);
        format_set_num_format(f->pctd[d], pf[d]);
        f->numd[d] = workbook_add_format(wb);
        format_set_num_format(f->numd[d], nf[d]);
    }
    /* grades have their own palette (the charts' too, docs/charts.md): a
     * grade is never drawn in a warning level's colour it does not share */
    f->grade[0] = fill(wb, CC_WB_GRADE_1, 0xFFFFFF);
    f->grade[1] = fill(wb, CC_WB_GRADE_2, 0x000000);
    f->grade[2] = fill(wb, CC_WB_GRADE_3, 0x000000);
    f->grade[3] = fill(wb, CC_WB_GRADE_4, 0xFFFFFF);
}

lxw_format *cc_wb_unit_format(cc_wb_book *b, cc_unit_kind u)
{
    switch (u) {
    case CC_UNIT_PERCENT: return b->f.pct;
    case CC_UNIT_HOURS:   return b->f.num1;
    default:              return b->f.num2;
    }
}

lxw_format *cc_wb_grade_format(cc_wb_book *b, const char *g)
{
    if (!g) return NULL;
    if (!strcmp(g, "优秀")) return b->f.grade[0];
    if (!strcmp(g, "良好")) return b->f.grade[1];
    if (!strcmp(g, "合格")) return b->f.grade[2];
    return b->f.grade[3];
}

lxw_format *cc_wb_level_format(cc_wb_book *b, cc_colour c)
{
    return (int)c >= 0 && c <= CC_COL_GREY ? b->f.level[c] : NULL;
}

/* The number format of a value of indicator ind: the unit's, with more
 * decimals when it would read as a boundary it is not at (cc_value_decimals). */
lxw_format *cc_wb_value_format(cc_wb_book *b, const cc_indicator *ind, double v)
{
    int d = cc_value_decimals(ind, v);
    int base = ind->unit == CC_UNIT_PERCENT ? 1 : ind->unit == CC_UNIT_RATIO ? 3 : 2;
    if (d <= base || d > 4)
        return cc_wb_unit_format(b, ind->unit);
    return ind->unit == CC_UNIT_PERCENT ? b->f.pctd[d] : b->f.numd[d];
}

/* A warning marked 专项整治 keeps its band's colour and carries a mark that
 * survives greyscale printing: 【专】 after the label, bold, thick border. */
#define RECT_MARK "【专】"

int cc_wb_marked(const cc_cell *c)
{
    return c->rectify && cc_wb_is_warning(c->status);
}

/* The level cell: label coloured, explanation (or the reason for no value)
 * as its comment. */
void cc_wb_put_level(cc_wb_sheet *s, int row, int col, const cc_cell *c)
{
    if (cc_wb_marked(c) && (int)c->colour >= 0 && c->colour <= CC_COL_GREY) {
        char *t = cc_xasprintf("%s" RECT_MARK, cc_wb_status_label(s->b->in, c->status));
        cc_wb_put_str(s, row, col, t, s->b->f.rect[c->colour]);
        free(t);
    } else {
        cc_wb_put_str(s, row, col, cc_wb_status_label(s->b->in, c->status), cc_wb_level_format(s->b, c->colour));
    }
    if (c->explanation && *c->explanation)
        put_comment(s, row, col, c->explanation);
    else if ((c->status == CC_ST_MISSING || c->status == CC_ST_INSUFFICIENT) && c->why)
        put_comment(s, row, col, c->why);
}

/* PNG size from its IHDR (for placing images). */
static int png_size(const char *path, int *w, int *h)
{
    unsigned char hdr[24];
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t n = fread(hdr, 1, sizeof hdr, f);
    fclose(f);
    if (n != sizeof hdr || memcmp(hdr + 1, "PNG", 3))
        return -1;
    *w = (hdr[16] << 24) | (hdr[17] << 16) | (hdr[18] << 8) | hdr[19];
    *h = (hdr[20] << 24) | (hdr[21] << 16) | (hdr[22] << 8) | hdr[23];
    return 0;
}

/* Insert a chart PNG scaled to `width` pixels at column 0 of `row`; returns
 * the rows it covers (20 px per default row, rounded up) and one row of gap,
 * 0 when there is no chart. Images are stacked, each below the last, so they
 * never overlap whatever their sizes. */
int cc_wb_put_image(cc_wb_sheet *s, int row, int col, const char *path, double width)
{
    int w, h;
    if (!path || png_size(path, &w, &h) < 0 || w <= 0 || h <= 0)
        return 0;
    lxw_image_options o;
    memset(&o, 0, sizeof o);
    o.x_scale = o.y_scale = width / w;
    o.object_position = LXW_OBJECT_MOVE_DONT_SIZE;
    cc_wb_note(s->b, worksheet_insert_image_opt(s->ws, (lxw_row_t)row, (lxw_col_t)col, path, &o));
    int rows = (int)ceil(h * (width / w) / 20.0) + 1;
    if (s->nimg < 8) {
        s->img_r0[s->nimg] = row;
        s->img_r1[s->nimg++] = row + rows - 1;
    }
    if (width > s->img_right)
        s->img_right = width;
    if (row + rows > s->img_rows)
        s->img_rows = row + rows;
    return rows;
}

/* Warnings of a unit marked 专项整治 (counted from its cells). */
long cc_wb_rect_count(const cc_unit_result *r, size_t nind)
{
    long n = 0;
    for (size_t i = 0; i < nind; i++)
        n += cc_wb_marked(&r->cells[i]);
    return n;
}

/* The legend of the marks, below a table: colours are the bands, 【专】
 * and the thick border mark 专项整治. */
void cc_wb_legend(cc_wb_sheet *s, int row, int col)
{
    const cc_wb_input *in = s->b->in;
    cc_wb_put_line(s, row, col, cc_wb_L(in, "图例：颜色为数值所在的预警等级（达标/蓝/黄/红，灰为无数据）；"
                                "“" RECT_MARK "”加粗框 = 专项整治（连续未达标，且本期为黄或红）。"
                                "处置：专项整治 / 限期整改（红、黄）/ 关注（蓝）/ 督促报送（未报）。",
                                "Legend: the colour is the value's band (met/blue/yellow/red, grey = no value); "
                                RECT_MARK " with a thick border = special rectification (missed in a row and "
                                "yellow or red now). Action: special rectification / rectify by deadline "
                                "(red, yellow) / watch (blue) / chase the report (not reported)."), s->b->f.sub);
}
