/* workbook — the report workbooks (libxlsxwriter).  One function per sheet;
 * a small `sheet` wrapper tracks column widths (the format has no auto-fit)
 * and writes every text through worksheet_write_string, so text that looks
 * like a formula stays text. */
#include "report/report.h"
#include "report/workbook_int.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <nettle/sha2.h>
#include <xlsxwriter.h>

/* ---- labels ----------------------------------------------------------------- */

static const char *L(const cc_wb_input *in, const char *zh, const char *en)
{
    return in->lang_en ? en : zh;
}

static const char *status_label(const cc_wb_input *in, cc_status s)
{
    static const char *const zh[] = {"达标", "蓝", "黄", "红", "无数据", "样本不足", "未报"};
    static const char *const en[] = {"met", "blue", "yellow", "red", "no data", "insufficient",
                                     "not reported"};
    if ((int)s < 0 || s > CC_ST_NOT_REPORTED)
        return "";
    return in->lang_en ? en[s] : zh[s];
}

static const char *change_label(const cc_wb_input *in, cc_change c)
{
    static const char *const zh[] = {"", "新增", "持续", "已解除"};
    static const char *const en[] = {"", "new", "continuing", "resolved"};
    if ((int)c < 0 || c > CC_CHG_RESOLVED)
        return "";
    return in->lang_en ? en[c] : zh[c];
}

static const char *level_label(const cc_wb_input *in, cc_level l)
{
    switch (l) {
    case CC_LEVEL_COMMUNITY: return L(in, "社区", "community");
    case CC_LEVEL_STREET:    return L(in, "街道", "street");
    default:                 return L(in, "全区", "area");
    }
}

static const char *dim_label(const cc_wb_input *in, const char *dim)
{
    static const struct { const char *id, *zh, *en; } dims[] = {
        {"process", "服务过程", "Process"}, {"recipients", "服务对象", "Recipients"},
        {"growth", "学习成长", "Growth"}, {"community", "社区发展", "Community"},
        {"extra", "附加指标", "Extra"},
    };
    for (size_t i = 0; i < sizeof dims / sizeof dims[0]; i++)
        if (!strcasecmp(dims[i].id, dim))
            return in->lang_en ? dims[i].en : dims[i].zh;
    return dim;
}

static const char *grade_en(const char *g)
{
    if (!g) return NULL;
    if (!strcmp(g, "优秀")) return "Excellent";
    if (!strcmp(g, "良好")) return "Good";
    if (!strcmp(g, "合格")) return "Pass";
    if (!strcmp(g, "不合格")) return "Fail";
    return g;
}

static const char *unit_label(const cc_wb_input *in, cc_unit_kind u)
{
    static const char *const zh[] = {"百分比", "数值", "每千", "小时", "比值"};
    static const char *const en[] = {"percent", "number", "per 1,000", "hours", "ratio"};
    if ((int)u < 0 || u > CC_UNIT_RATIO)
        return "";
    return in->lang_en ? en[u] : zh[u];
}

/* 处置 of a warning cell. */
static const char *action_label(const cc_wb_input *in, const cc_cell *c)
{
    if (!cc_wb_is_warning(c->status))
        return "";
    if (c->rectify)
        return L(in, "专项整治", "special rectification");
    if (c->status == CC_ST_NOT_REPORTED)
        return L(in, "督促报送", "chase the report");
    if (c->status == CC_ST_RED || c->status == CC_ST_YELLOW)
        return L(in, "限期整改", "rectify by deadline");
    return L(in, "关注", "watch");
}

int cc_wb_is_warning(cc_status s)
{
    return s == CC_ST_BLUE || s == CC_ST_YELLOW || s == CC_ST_RED || s == CC_ST_NOT_REPORTED;
}

/* ---- dates ---------------------------------------------------------------------- */

void cc_wb_ymd(cc_day day, int *y, int *m, int *d)
{
    cc_day_to_ymd(day, y, m, d);
}

static void day_text(cc_day day, char *out, size_t n)
{
    int y, m, d;
    cc_wb_ymd(day, &y, &m, &d);
    snprintf(out, n, "%04d-%02d-%02d", y, m, d);
}

/* 2026年第47周（11月16日—11月22日） and the other kinds. */
static char *period_text(const cc_wb_input *in, const cc_period *p)
{
    int y1, m1, d1, y2, m2, d2;
    cc_wb_ymd(p->from, &y1, &m1, &d1);
    cc_wb_ymd(p->to, &y2, &m2, &d2);
    if (in->lang_en) {
        char a[16], b[16];
        day_text(p->from, a, sizeof a);
        day_text(p->to, b, sizeof b);
        return cc_xasprintf("%s (%s – %s)", p->id, a, b);
    }
    char range[96];
    if (y1 == y2)
        snprintf(range, sizeof range, "（%d月%d日—%d月%d日）", m1, d1, m2, d2);
    else
        snprintf(range, sizeof range, "（%d年%d月%d日—%d年%d月%d日）", y1, m1, d1, y2, m2, d2);
    int yr = 0, n = 0;
    switch (p->kind) {
    case CC_PERIOD_WEEK:
        if (sscanf(p->id, "%d-W%d", &yr, &n) == 2)
            return cc_xasprintf("%d年第%d周%s", yr, n, range);
        break;
    case CC_PERIOD_MONTH:
        return cc_xasprintf("%d年%d月%s", y1, m1, range);
    case CC_PERIOD_QUARTER:
        return cc_xasprintf("%d年第%d季度%s", y1, (m1 - 1) / 3 + 1, range);
    case CC_PERIOD_YEAR:
        return cc_xasprintf("%d年%s", y1, range);
    default:
        break;
    }
    char a[16], b[16];
    day_text(p->from, a, sizeof a);
    day_text(p->to, b, sizeof b);
    return cc_xasprintf("%s—%s", a, b);
}

static const char *report_name(const cc_wb_input *in)
{
    switch (in->kind) {
    case CC_REPORT_WEEKLY:    return L(in, "周报", "weekly report");
    case CC_REPORT_MONTHLY:   return L(in, "月报", "monthly report");
    case CC_REPORT_QUARTERLY: return L(in, "季报", "quarterly report");
    default:                  return L(in, "评估", "scorecard");
    }
}

static const char *prev_label(const cc_wb_input *in)
{
    switch (in->sc->period.kind) {
    case CC_PERIOD_WEEK:    return L(in, "较上周", "vs last week");
    case CC_PERIOD_MONTH:   return L(in, "较上月", "vs last month");
    case CC_PERIOD_QUARTER: return L(in, "较上季度", "vs last quarter");
    case CC_PERIOD_YEAR:    return L(in, "较上年", "vs last year");
    default:                return L(in, "较上期", "vs previous");
    }
}

/* ---- the sheet wrapper ------------------------------------------------------------ */

#define MAXCOLS 64

typedef struct {
    lxw_format *title, *sub, *header, *text, *wrap, *integer, *score, *change, *pct, *num2, *num1;
    lxw_format *level[5];       /* by cc_colour */
    lxw_format *rect[5];        /* the same marked 专项整治: bold, thick black border */
    lxw_format *pctd[5], *numd[5];  /* percent / number with 0..4 decimals */
    lxw_format *grade[4];       /* 优秀 良好 合格 不合格 */
    lxw_format *bold, *center, *boldwrap;
} formats;

typedef struct {
    lxw_workbook *wb;
    const cc_wb_input *in;
    formats f;
    cc_err err;
} book;

typedef struct {
    book *b;
    lxw_worksheet *ws;
    double width[MAXCOLS];
    int header_row, last_row, last_col;   /* of the main table (autofilter) */
    double img_right;                     /* right edge of the widest image, px */
    int img_rows;                         /* first row below every image */
    int img_r0[8], img_r1[8], nimg;       /* rows each image (or chart) covers */
    unsigned char *lines;                 /* lines of wrapped text by row (0/1 = one) */
    size_t nlines;
    int tall_row;                         /* a header row two lines high, or -1 */
} sheet;

/* A line of wrapped text in points: Chinese fonts at 11 pt (Noto Sans CJK,
 * the fallback where Calibri has no glyphs) take about 16.5 pt a line, more
 * than Excel's 15 pt row. */
#define LINE_PT 17.0

/* A row's height in pixels as written (20 px, LINE_PT a line + 3 pt when
 * wrapped, a two-line header the same). */
static double row_px(const sheet *s, int r)
{
    if (r == s->tall_row)
        return (2 * LINE_PT + 3) * 4 / 3;
    if (r >= 0 && (size_t)r < s->nlines && s->lines[r] > 1)
        return (LINE_PT * s->lines[r] + 3) * 4 / 3;
    return 20;
}

static void note(book *b, lxw_error e)
{
    if (e != LXW_NO_ERROR && b->err == CC_OK) {
        cc_error("workbook: %s", lxw_strerror(e));
        b->err = CC_ERR_IO;
    }
}

static void widen(sheet *s, int col, double w)
{
    if (col >= 0 && col < MAXCOLS && w > s->width[col])
        s->width[col] = w;
}

static void put_str(sheet *s, int row, int col, const char *txt, lxw_format *f)
{
    if (!txt)
        txt = "";
    if (!cc_utf8_valid(txt, strlen(txt)))
        txt = "\xEF\xBF\xBD";           /* never write invalid UTF-8 into the XML */
    if (!*txt && !f)
        return;
    note(s->b, *txt ? worksheet_write_string(s->ws, (lxw_row_t)row, (lxw_col_t)col, txt, f)
                    : worksheet_write_blank(s->ws, (lxw_row_t)row, (lxw_col_t)col, f));
    size_t w = cc_utf8_width(txt);
    widen(s, col, (double)(w > 60 ? 60 : w));
}

/* A long text (title lines) that must not widen its column. */
static void put_line(sheet *s, int row, int col, const char *txt, lxw_format *f)
{
    note(s->b, worksheet_write_string(s->ws, (lxw_row_t)row, (lxw_col_t)col, txt ? txt : "", f));
}

static void put_num(sheet *s, int row, int col, double v, lxw_format *f)
{
    if (isnan(v) || isinf(v)) {
        if (f)
            note(s->b, worksheet_write_blank(s->ws, (lxw_row_t)row, (lxw_col_t)col, f));
        return;
    }
    note(s->b, worksheet_write_number(s->ws, (lxw_row_t)row, (lxw_col_t)col, v, f));
    char t[64];                         /* as wide as its digits and a sign, % or ↑ */
    snprintf(t, sizeof t, "%.*f", v == floor(v) && fabs(v) < 1e15 ? 0 : 2, v);
    size_t n = strlen(t) + 1;
    widen(s, col, n < 5 ? 5 : (double)n);
}

static void put_long(sheet *s, int row, int col, long v)
{
    put_num(s, row, col, (double)v, s->b->f.integer);
}

static void put_comment(sheet *s, int row, int col, const char *txt)
{
    if (txt && *txt && cc_utf8_valid(txt, strlen(txt))) {
        lxw_comment_options o;
        memset(&o, 0, sizeof o);
        o.author = (char *)"carecard";
        o.width = 320;
        o.height = 80;
        note(s->b, worksheet_write_comment_opt(s->ws, (lxw_row_t)row, (lxw_col_t)col,
                                               txt, &o));
    }
}

/* A long text wrapped in a column of at most cap characters (LibreOffice
 * and Excel grow the row to its lines), so the sheet stays printable. */
static void put_wrapped_f(sheet *s, int row, int col, const char *txt, double cap, lxw_format *f)
{
    if (!txt || !*txt || !cc_utf8_valid(txt, strlen(txt))) {
        put_str(s, row, col, txt, NULL);
        return;
    }
    double w = (double)cc_utf8_width(txt);
    if (w <= cap) {                     /* fits one line: aligned as its row */
        put_str(s, row, col, txt, f == s->b->f.boldwrap ? s->b->f.bold : NULL);
        return;
    }
    note(s->b, worksheet_write_string(s->ws, (lxw_row_t)row, (lxw_col_t)col, txt, f));
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
        if (n > s->lines[row])
            s->lines[row] = (unsigned char)(n > 20 ? 20 : n);
    }
}

static void put_wrapped(sheet *s, int row, int col, const char *txt, double cap)
{
    put_wrapped_f(s, row, col, txt, cap, s->b->f.wrap);
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

static void header(sheet *s, int row, const char *const *cols, int n)
{
    int tall = 0;
    for (int c = 0; c < n; c++) {
        const char *t = cols[c] ? cols[c] : "";
        note(s->b, worksheet_write_string(s->ws, (lxw_row_t)row, (lxw_col_t)c, t, s->b->f.header));
        widen(s, c, header_width(t, &tall));
    }
    if (tall) {
        note(s->b, worksheet_set_row(s->ws, (lxw_row_t)row, 2 * LINE_PT + 3, NULL));
        s->tall_row = row;
    }
}

static sheet *sheet_new(book *b, const char *name)
{
    sheet *s = cc_xcalloc(1, sizeof *s);
    s->b = b;
    s->ws = workbook_add_worksheet(b->wb, name);
    s->header_row = -1;
    s->tall_row = -1;
    if (!s->ws)
        note(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
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

/* Column widths, print set-up, frozen header and autofilter; frees s.
 * freeze_col: the key columns (rank, id, name) repeated on every page when
 * the sheet prints in column groups. */
static void sheet_done(sheet *s, int freeze_col)
{
    if (s->ws) {
        double px = 0;
        for (int c = 0; c < MAXCOLS; c++)
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
                note(s->b, worksheet_repeat_columns(s->ws, 0, (lxw_col_t)(freeze_col - 1)));
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
                note(s->b, worksheet_set_h_pagebreaks(s->ws, br));
        }
        for (size_t r = 0; r < s->nlines; r++)
            if (s->lines[r] > 1)
                note(s->b, worksheet_set_row(s->ws, (lxw_row_t)r, LINE_PT * s->lines[r] + 3, NULL));
        int last = s->last_row > s->img_rows ? s->last_row : s->img_rows;
        int lastc = s->last_col;
        for (int c = 0; c < MAXCOLS; c++)
            if (s->width[c] > 0 && c > lastc)
                lastc = c;
        /* the print area ends at the last row written (or below the last
         * image): no trailing page of repeated headers over empty rows */
        if (last > 0 && lastc >= 0)
            note(s->b, worksheet_print_area(s->ws, 0, 0, (lxw_row_t)last, (lxw_col_t)lastc));
        if (s->header_row >= 0) {
            note(s->b, worksheet_repeat_rows(s->ws, (lxw_row_t)s->header_row,
                                             (lxw_row_t)s->header_row));
            worksheet_freeze_panes(s->ws, (lxw_row_t)(s->header_row + 1), (lxw_col_t)freeze_col);
            if (s->last_row > s->header_row)
                note(s->b, worksheet_autofilter(s->ws, (lxw_row_t)s->header_row, 0,
                                                (lxw_row_t)s->last_row,
                                                (lxw_col_t)s->last_col));
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

static void formats_init(book *b)
{
    lxw_workbook *wb = b->wb;
    formats *f = &b->f;
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

static lxw_format *unit_format(book *b, cc_unit_kind u)
{
    switch (u) {
    case CC_UNIT_PERCENT: return b->f.pct;
    case CC_UNIT_HOURS:   return b->f.num1;
    default:              return b->f.num2;
    }
}

static lxw_format *grade_format(book *b, const char *g)
{
    if (!g) return NULL;
    if (!strcmp(g, "优秀")) return b->f.grade[0];
    if (!strcmp(g, "良好")) return b->f.grade[1];
    if (!strcmp(g, "合格")) return b->f.grade[2];
    return b->f.grade[3];
}

static lxw_format *level_format(book *b, cc_colour c)
{
    return (int)c >= 0 && c <= CC_COL_GREY ? b->f.level[c] : NULL;
}

/* The number format of a value of indicator ind: the unit's, with more
 * decimals when it would read as a boundary it is not at (cc_value_decimals). */
static lxw_format *value_format(book *b, const cc_indicator *ind, double v)
{
    int d = cc_value_decimals(ind, v);
    int base = ind->unit == CC_UNIT_PERCENT ? 1 : ind->unit == CC_UNIT_RATIO ? 3 : 2;
    if (d <= base || d > 4)
        return unit_format(b, ind->unit);
    return ind->unit == CC_UNIT_PERCENT ? b->f.pctd[d] : b->f.numd[d];
}

/* A warning marked 专项整治 keeps its band's colour and carries a mark that
 * survives greyscale printing: 【专】 after the label, bold, thick border. */
#define RECT_MARK "【专】"

static int marked(const cc_cell *c)
{
    return c->rectify && cc_wb_is_warning(c->status);
}

/* The level cell: label coloured, explanation (or the reason for no value)
 * as its comment. */
static void put_level(sheet *s, int row, int col, const cc_cell *c)
{
    if (marked(c) && (int)c->colour >= 0 && c->colour <= CC_COL_GREY) {
        char *t = cc_xasprintf("%s" RECT_MARK, status_label(s->b->in, c->status));
        put_str(s, row, col, t, s->b->f.rect[c->colour]);
        free(t);
    } else {
        put_str(s, row, col, status_label(s->b->in, c->status), level_format(s->b, c->colour));
    }
    if (c->explanation && *c->explanation)
        put_comment(s, row, col, c->explanation);
    else if ((c->status == CC_ST_MISSING || c->status == CC_ST_INSUFFICIENT) && c->why)
        put_comment(s, row, col, c->why);
}

static const char *unit_name(const cc_wb_input *in, const cc_unit *u)
{
    if (u->level == CC_LEVEL_AREA && (!u->name || !*u->name))
        return L(in, "全区", "area");
    return u->name;
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
static int put_image(sheet *s, int row, int col, const char *path, double width)
{
    int w, h;
    if (!path || png_size(path, &w, &h) < 0 || w <= 0 || h <= 0)
        return 0;
    lxw_image_options o;
    memset(&o, 0, sizeof o);
    o.x_scale = o.y_scale = width / w;
    o.object_position = LXW_OBJECT_MOVE_DONT_SIZE;
    note(s->b, worksheet_insert_image_opt(s->ws, (lxw_row_t)row, (lxw_col_t)col, path, &o));
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
static long rect_count(const cc_unit_result *r, size_t nind)
{
    long n = 0;
    for (size_t i = 0; i < nind; i++)
        n += marked(&r->cells[i]);
    return n;
}

/* The legend of the marks, below a table: colours are the bands, 【专】
 * and the thick border mark 专项整治. */
static void legend(sheet *s, int row, int col)
{
    const cc_wb_input *in = s->b->in;
    put_line(s, row, col, L(in, "图例：颜色为数值所在的预警等级（达标/蓝/黄/红，灰为无数据）；"
                                "“" RECT_MARK "”加粗框 = 专项整治（连续未达标，且本期为黄或红）。"
                                "处置：专项整治 / 限期整改（红、黄）/ 关注（蓝）/ 督促报送（未报）。",
                                "Legend: the colour is the value's band (met/blue/yellow/red, grey = no value); "
                                RECT_MARK " with a thick border = special rectification (missed in a row and "
                                "yellow or red now). Action: special rectification / rectify by deadline "
                                "(red, yellow) / watch (blue) / chase the report (not reported)."), s->b->f.sub);
}

/* ---- 总览 ------------------------------------------------------------------------ */

/* 主要变动: the indicators that moved the total most since the previous
 * period ("活动出勤率 −4.2，家长满意度 +1.1"), empty without a previous total. */
static void put_movers(sheet *s, int row, int col, const cc_scorecard *sc, size_t unit)
{
    const cc_unit_result *r = &sc->res[unit];
    if (isnan(r->total) || isnan(r->prev_total) || !r->contrib)
        return;
    char *m = cc_scorecard_movers(sc, unit);
    if (*m)
        put_wrapped(s, row, col, m, 16);
    free(m);
}

static void sheet_overview(book *b)
{
    const cc_wb_input *in = b->in;
    const cc_scorecard *sc = in->sc;
    const cc_config *cfg = sc->cfg;
    sheet *s = sheet_new(b, L(in, "总览", "Overview"));
    if (!s->ws) { free(s); return; }
    const cc_unit *scope = &sc->units.u[in->scope];

    char *pt = period_text(in, &sc->period);
    char *title;
    if (in->lang_en)
        title = cc_xasprintf("%s community childcare services — %s %s", unit_name(in, scope),
                             report_name(in), pt);
    else
        title = cc_xasprintf("%s社区育儿服务%s %s", unit_name(in, scope), report_name(in), pt);
    put_line(s, 0, 0, title, b->f.title);
    free(title);
    free(pt);
    char *fresh;
    if (in->lang_en)
        fresh = cc_xasprintf("Data as of the last ingest %s; communities reported %zu/%zu",
                             in->last_ingest ? in->last_ingest : "(none)",
                             in->nreported, in->ncommunities);
    else
        fresh = cc_xasprintf("数据截至最近一次导入 %s；已报送社区 %zu/%zu",
                             in->last_ingest ? in->last_ingest : "（无）",
                             in->nreported, in->ncommunities);
    put_line(s, 1, 0, fresh, b->f.sub);
    free(fresh);
    if (in->stamp)
        put_line(s, 2, 0, in->stamp, b->f.sub);

    int scorecard = in->kind == CC_REPORT_SCORECARD;
    const char *cols[MAXCOLS];
    int nc = 0;
    cols[nc++] = L(in, "排名", "Rank");
    if (scorecard)
        cols[nc++] = L(in, "层级", "Level");
    int streets = !scorecard && scope->level == CC_LEVEL_AREA;
    cols[nc++] = streets ? L(in, "街道编号", "Street ID") : L(in, "编号", "ID");
    cols[nc++] = streets ? L(in, "街道", "Street")
               : scorecard ? L(in, "单位", "Unit") : L(in, "社区", "Community");
    cols[nc++] = L(in, "总分", "Total");
    cols[nc++] = L(in, "等级", "Grade");
    int dim0 = nc;
    for (size_t d = 0; d < cfg->ndims && nc < MAXCOLS - 8; d++)
        cols[nc++] = dim_label(in, cfg->dims[d]);
    cols[nc++] = L(in, "覆盖率", "Coverage");
    cols[nc++] = L(in, "红", "Red");
    cols[nc++] = L(in, "黄", "Yellow");
    cols[nc++] = L(in, "蓝", "Blue");
    cols[nc++] = L(in, "专项整治", "Special rectification");
    cols[nc++] = prev_label(in);
    cols[nc++] = L(in, "主要变动", "Top movers");   /* score attribution: the three largest contributions */
    int hr = 3;
    s->header_row = hr;
    header(s, hr, cols, nc);

    int row = hr + 1;
    for (size_t k = 0; k < in->nrows; k++, row++) {
        const cc_unit_result *r = &sc->res[in->rows[k]];
        int c = 0;
        if (r->rank > 0)
            put_num(s, row, c, r->rank, b->f.integer);
        else if (r->unranked)           /* the reason in place of the rank */
            put_str(s, row, c, in->lang_en ? (r->unranked == CC_UNRANKED_COVERAGE ? "low coverage"
                                                                                  : "not reported")
                                           : cc_unranked_zh(r->unranked), b->f.level[CC_COL_GREY]);
        c++;
        if (scorecard)
            put_str(s, row, c++, level_label(in, r->unit.level), NULL);
        put_str(s, row, c++, r->unit.id, NULL);
        put_wrapped(s, row, c++, unit_name(in, &r->unit), 12);
        put_num(s, row, c++, r->total, b->f.score);
        put_str(s, row, c++, in->lang_en ? grade_en(r->grade) : r->grade, grade_format(b, r->grade));
        for (size_t d = 0; d < cfg->ndims && c < MAXCOLS - 8; d++)
            put_num(s, row, dim0 + (int)d, r->dim_score[d], b->f.score);
        c = dim0 + (int)cfg->ndims;
        put_num(s, row, c++, r->coverage, b->f.pct);
        put_long(s, row, c++, r->warnings[CC_COL_RED]);
        put_long(s, row, c++, r->warnings[CC_COL_YELLOW]);
        put_long(s, row, c++, r->warnings[CC_COL_BLUE]);
        put_long(s, row, c++, rect_count(r, cfg->nind));
        put_num(s, row, c++, r->total - r->prev_total, b->f.change);
        put_movers(s, row, c++, sc, in->rows[k]);
    }
    s->last_row = row - 1;
    s->last_col = nc - 1;

    /* The scope's own row and the area below the table. */
    if (!scorecard) {
        row++;
        size_t sums[3];
        size_t ns = 0;
        long street = scope->level == CC_LEVEL_COMMUNITY
                      ? cc_wb_find(sc, CC_LEVEL_STREET, scope->street_id) : -1;
        if (scope->level != CC_LEVEL_COMMUNITY)
            sums[ns++] = in->scope;
        if (street >= 0)
            sums[ns++] = (size_t)street;
        long area = cc_wb_find(sc, CC_LEVEL_AREA, "all");
        if (area >= 0 && (size_t)area != in->scope)
            sums[ns++] = (size_t)area;
        for (size_t k = 0; k < ns; k++, row++) {
            const cc_unit_result *r = &sc->res[sums[k]];
            int c = 1;
            put_str(s, row, c++, r->unit.id, b->f.bold);
            char *nm = cc_xasprintf("%s%s", unit_name(in, &r->unit),
                                    L(in, "（合计）", " (total)"));
            put_wrapped_f(s, row, c++, nm, 12, b->f.boldwrap);
            free(nm);
            put_num(s, row, c++, r->total, b->f.score);
            put_str(s, row, c++, in->lang_en ? grade_en(r->grade) : r->grade,
                    grade_format(b, r->grade));
            for (size_t d = 0; d < cfg->ndims && c < MAXCOLS - 8; d++)
                put_num(s, row, dim0 + (int)d, r->dim_score[d], b->f.score);
            c = dim0 + (int)cfg->ndims;
            put_num(s, row, c++, r->coverage, b->f.pct);
            put_long(s, row, c++, r->warnings[CC_COL_RED]);
            put_long(s, row, c++, r->warnings[CC_COL_YELLOW]);
            put_long(s, row, c++, r->warnings[CC_COL_BLUE]);
            put_long(s, row, c++, rect_count(r, cfg->nind));
            put_num(s, row, c++, r->total - r->prev_total, b->f.change);
            put_movers(s, row, c++, sc, sums[k]);
        }
        char *note = cfg->min_coverage <= 0
            ? cc_xstrdup(L(in, "总分、等级与排名只给本期已报送的社区；未报的社区注明“未报”，列在已排名单位之后。",
                           "Totals, grades and ranks only for communities that reported this period; the "
                           "others say 'not reported' and follow the ranked ones."))
            : in->lang_en
            ? cc_xasprintf("Totals, grades and ranks only for units with coverage of at least %.0f%% that "
                           "reported this period; the others say 'low coverage' or 'not reported' and "
                           "follow the ranked ones.", cfg->min_coverage * 100)
            : cc_xasprintf("总分、等级与排名只给覆盖率不低于 %.0f%% 且本期已报送的单位；其余注明"
                           "“覆盖不足”或“未报”，列在已排名单位之后。", cfg->min_coverage * 100);
        put_line(s, row++, 0, note, b->f.sub);
        free(note);
        legend(s, row++, 0);
        row++;
        /* one below the other, each scaled to a width that prints whole */
        row += put_image(s, row, 0, in->charts[CC_CHART_BARS], 840);
        row += put_image(s, row, 0, in->charts[CC_CHART_HEATMAP], 840);
        row += put_image(s, row, 0, in->charts[CC_CHART_RADAR], 600);
    }
    sheet_done(s, scorecard ? 4 : 3);
}

/* ---- 指标明细 --------------------------------------------------------------------- */

/* Units of the detail and warning sheets: for each indicator block the scope,
 * the area (when different), then the rows.  Scorecard workbooks: every unit. */
static size_t block_units(const cc_wb_input *in, size_t **out)
{
    const cc_scorecard *sc = in->sc;
    size_t *u = cc_xmalloc((in->nrows + 3) * sizeof *u);
    size_t n = 0;
    if (in->kind == CC_REPORT_SCORECARD) {
        for (size_t k = 0; k < in->nrows; k++)
            u[n++] = in->rows[k];
        *out = u;
        return n;
    }
    u[n++] = in->scope;
    const cc_unit *su = &sc->res[in->scope].unit;
    long street = su->level == CC_LEVEL_COMMUNITY ? cc_wb_find(sc, CC_LEVEL_STREET, su->street_id) : -1;
    if (street >= 0)
        u[n++] = (size_t)street;
    long area = cc_wb_find(sc, CC_LEVEL_AREA, "all");
    if (area >= 0 && (size_t)area != in->scope)
        u[n++] = (size_t)area;
    for (size_t k = 0; k < in->nrows; k++)
        if (in->rows[k] != in->scope)
            u[n++] = in->rows[k];
    *out = u;
    return n;
}

static void sheet_detail(book *b)
{
    const cc_wb_input *in = b->in;
    const cc_scorecard *sc = in->sc;
    const cc_config *cfg = sc->cfg;
    sheet *s = sheet_new(b, L(in, "指标明细", "Indicators"));
    if (!s->ws) { free(s); return; }
    const char *cols[] = {
        L(in, "维度", "Dimension"), L(in, "指标编号", "Indicator ID"), L(in, "指标", "Indicator"),
        L(in, "层级", "Level"), L(in, "单位编号", "Unit ID"), L(in, "单位", "Unit"),
        L(in, "数值", "Value"), L(in, "分子", "Numerator"), L(in, "分母", "Denominator"),
        L(in, "目标", "Target"), L(in, "得分", "Score"), L(in, "预警", "Warning"),
        L(in, "上期值", "Previous value"), L(in, "连续未达标期数", "Periods missed in a row"),
    };
    int nc = (int)(sizeof cols / sizeof cols[0]);
    s->header_row = 0;
    header(s, 0, cols, nc);
    size_t *units;
    size_t nu = block_units(in, &units);
    int row = 1;
    for (size_t i = 0; i < cfg->nind; i++) {
        const cc_indicator *ind = &cfg->ind[i];
        lxw_format *vf = unit_format(b, ind->unit);
        const char *dim = ind->dim >= 0 ? cfg->dims[ind->dim] : "extra";
        const char *iname = in->lang_en && ind->name_en && *ind->name_en ? ind->name_en : ind->name;
        for (size_t k = 0; k < nu; k++, row++) {
            const cc_unit_result *r = &sc->res[units[k]];
            const cc_cell *c = &r->cells[i];
            lxw_format *bold = r->unit.level == CC_LEVEL_COMMUNITY ? NULL : b->f.bold;
            put_str(s, row, 0, dim_label(in, dim), NULL);
            put_str(s, row, 1, ind->id, NULL);
            put_str(s, row, 2, iname, NULL);
            put_str(s, row, 3, level_label(in, r->unit.level), bold);
            put_str(s, row, 4, r->unit.id, bold);
            put_str(s, row, 5, unit_name(in, &r->unit), bold);
            put_num(s, row, 6, c->value, value_format(b, ind, c->value));
            put_num(s, row, 7, c->num, NULL);
            put_num(s, row, 8, c->den, NULL);
            put_num(s, row, 9, ind->target, vf);
            put_num(s, row, 10, c->score, b->f.score);
            put_level(s, row, 11, c);
            put_num(s, row, 12, c->prev_value, vf);
            put_num(s, row, 13, c->run, b->f.integer);
        }
    }
    free(units);
    s->last_row = row - 1;
    s->last_col = nc - 1;
    sheet_done(s, 3);
}

/* ---- 预警清单 ---------------------------------------------------------------------- */

typedef struct {
    size_t unit, ind;
    int order;                  /* position of the unit in the listing */
    int rank;                   /* red 0, yellow 1, blue 2, resolved 3 */
    int rectify;
} wrow;

static int cmp_wrow(const void *pa, const void *pb)
{
    const wrow *a = pa, *b = pb;
    if (a->rank != b->rank) return a->rank - b->rank;
    if (a->rectify != b->rectify) return b->rectify - a->rectify;
    if (a->order != b->order) return a->order - b->order;
    return a->ind < b->ind ? -1 : a->ind > b->ind;
}

static int colour_rank(cc_colour c)
{
    return c == CC_COL_RED ? 0 : c == CC_COL_YELLOW ? 1 : c == CC_COL_BLUE ? 2 : 3;
}

/* Warning rows of the units, red first (a total order: rank, 专项整治 first,
 * unit order, indicator order).  Resolved warnings come last. */
size_t cc_wb_warning_rows(const cc_scorecard *sc, const size_t *units, size_t nu,
                          int with_resolved, size_t **unit_out, size_t **ind_out)
{
    size_t cap = 16, n = 0;
    wrow *w = cc_xmalloc(cap * sizeof *w);
    for (size_t k = 0; k < nu; k++) {
        const cc_unit_result *r = &sc->res[units[k]];
        for (size_t i = 0; i < sc->cfg->nind; i++) {
            const cc_cell *c = &r->cells[i];
            int warn = cc_wb_is_warning(c->status);
            if (!warn && !(with_resolved && c->change == CC_CHG_RESOLVED))
                continue;
            if (n == cap) {
                cap *= 2;
                w = cc_xrealloc(w, cap * sizeof *w);
            }
            wrow *x = &w[n++];
            x->unit = units[k];
            x->ind = i;
            x->order = (int)k;
            x->rank = warn ? colour_rank(c->colour) : 3;
            if (warn && x->rank == 3)       /* a warning status always has a colour */
                x->rank = c->status == CC_ST_RED ? 0 : c->status == CC_ST_BLUE ? 2 : 1;
            x->rectify = warn && c->rectify;
        }
    }
    qsort(w, n, sizeof *w, cmp_wrow);
    *unit_out = cc_xmalloc((n ? n : 1) * sizeof **unit_out);
    *ind_out = cc_xmalloc((n ? n : 1) * sizeof **ind_out);
    for (size_t k = 0; k < n; k++) {
        (*unit_out)[k] = w[k].unit;
        (*ind_out)[k] = w[k].ind;
    }
    free(w);
    return n;
}

static void sheet_warnings(book *b)
{
    const cc_wb_input *in = b->in;
    const cc_scorecard *sc = in->sc;
    const cc_config *cfg = sc->cfg;
    sheet *s = sheet_new(b, L(in, "预警清单", "Warnings"));
    if (!s->ws) { free(s); return; }
    const char *cols[] = {
        L(in, "层级", "Unit level"), L(in, "单位编号", "Unit ID"), L(in, "社区", "Unit"),
        L(in, "指标编号", "Indicator ID"), L(in, "指标", "Indicator"), L(in, "等级", "Level"),
        L(in, "数值", "Value"), L(in, "目标", "Target"), L(in, "连续期数", "Periods in a row"),
        L(in, "状态", "Change"), L(in, "处置", "Action"), L(in, "说明", "Explanation"),
    };
    int nc = (int)(sizeof cols / sizeof cols[0]);
    s->header_row = 0;
    header(s, 0, cols, nc);
    /* communities first, then the street(s), then the area */
    size_t *units;
    size_t nu = block_units(in, &units);
    size_t *ord = cc_xmalloc((nu ? nu : 1) * sizeof *ord), no = 0;
    for (int lvl = CC_LEVEL_COMMUNITY; lvl <= CC_LEVEL_AREA; lvl++)
        for (size_t k = 0; k < nu; k++)
            if ((int)sc->res[units[k]].unit.level == lvl)
                ord[no++] = units[k];
    free(units);
    size_t *wu, *wi;
    size_t n = cc_wb_warning_rows(sc, ord, no, 1, &wu, &wi);
    free(ord);
    int row = 1;
    for (size_t k = 0; k < n; k++, row++) {
        const cc_unit_result *r = &sc->res[wu[k]];
        const cc_indicator *ind = &cfg->ind[wi[k]];
        const cc_cell *c = &r->cells[wi[k]];
        lxw_format *vf = unit_format(b, ind->unit);
        put_str(s, row, 0, level_label(in, r->unit.level), NULL);
        put_str(s, row, 1, r->unit.id, NULL);
        put_str(s, row, 2, unit_name(in, &r->unit), NULL);
        put_str(s, row, 3, ind->id, NULL);
        put_str(s, row, 4, in->lang_en && ind->name_en && *ind->name_en ? ind->name_en : ind->name,
                NULL);
        put_level(s, row, 5, c);
        put_num(s, row, 6, c->value, value_format(b, ind, c->value));
        put_num(s, row, 7, ind->target, vf);
        put_num(s, row, 8, c->run, b->f.integer);
        put_str(s, row, 9, change_label(in, c->change), NULL);
        put_str(s, row, 10, action_label(in, c), marked(c) ? b->f.rect[c->colour] : NULL);
        put_wrapped(s, row, 11, c->explanation, 24);
    }
    free(wu);
    free(wi);
    s->last_row = row - 1;
    s->last_col = nc - 1;
    legend(s, row + 1, 0);
    sheet_done(s, 3);
}

/* ---- 趋势 / 季度趋势 ------------------------------------------------------------------ */

/* Value of unit u (of in->sc) at trend point p; ind == nind means the total. */
static double trend_value(const cc_wb_input *in, size_t u, size_t p, size_t npoints, size_t ind)
{
    const cc_scorecard *sc = in->sc;
    const cc_unit_result *r = &sc->res[u];
    size_t ni = sc->cfg->nind;
    if (!in->trend) {
        size_t k = npoints - 1 - p;                 /* hist[0] = this period */
        return ind == ni ? r->total_hist[k] : r->cells[ind].hist[k];
    }
    return in->trend->values[(p * sc->units.n + u) * (ni + 1) + ind];
}

static void sheet_trend(book *b)
{
    const cc_wb_input *in = b->in;
    const cc_scorecard *sc = in->sc;
    const cc_config *cfg = sc->cfg;
    const char *name = in->kind == CC_REPORT_QUARTERLY ? L(in, "季度趋势", "Quarter trend")
                                                        : L(in, "趋势", "Trends");
    sheet *s = sheet_new(b, name);
    if (!s->ws) { free(s); return; }
    size_t np = in->trend ? in->trend->npoints : CC_HISTORY;
    if (np > MAXCOLS - 5)
        np = MAXCOLS - 5;
    const char *hc[4 + MAXCOLS];
    hc[0] = L(in, "指标编号", "Indicator ID");
    hc[1] = L(in, "指标", "Indicator");
    hc[2] = L(in, "层级", "Level");
    hc[3] = L(in, "单位", "Unit");
    for (size_t p = 0; p < np; p++)
        hc[4 + p] = in->trend ? in->trend->labels[p] : sc->hist_period[np - 1 - p].id;
    header(s, 0, hc, 4 + (int)np);
    s->header_row = 0;
    size_t *units;
    size_t nu = block_units(in, &units);
    int row = 1;
    for (size_t i = 0; i <= cfg->nind; i++) {
        const char *id = i == cfg->nind ? "" : cfg->ind[i].id;
        const char *nm = i == cfg->nind ? L(in, "总分", "Total score")
                       : in->lang_en && cfg->ind[i].name_en && *cfg->ind[i].name_en
                         ? cfg->ind[i].name_en : cfg->ind[i].name;
        lxw_format *vf = i == cfg->nind ? b->f.score : unit_format(b, cfg->ind[i].unit);
        for (size_t k = 0; k < nu; k++, row++) {
            const cc_unit_result *r = &sc->res[units[k]];
            put_str(s, row, 0, id, NULL);
            put_wrapped(s, row, 1, nm, 12);
            put_str(s, row, 2, level_label(in, r->unit.level), NULL);
            put_str(s, row, 3, unit_name(in, &r->unit), NULL);
            for (size_t p = 0; p < np; p++)
                put_num(s, row, 4 + (int)p, trend_value(in, units[k], p, np, i), vf);
        }
    }
    s->last_row = row - 1;
    s->last_col = 3 + (int)np;

    /* Native line chart of the total score: the scope, the area, and (for a
     * handful of rows) each row unit.  The total block is the last one. */
    int total0 = 1 + (int)(cfg->nind * nu);
    lxw_chart *ch = workbook_add_chart(b->wb, LXW_CHART_LINE);
    if (ch) {
        size_t nseries = nu <= 8 ? nu : 2;
        for (size_t k = 0; k < nseries; k++) {
            lxw_chart_series *se = chart_add_series(ch, NULL, NULL);
            chart_series_set_categories(se, name, 0, 4, 0, (lxw_col_t)(3 + np));
            chart_series_set_values(se, name, (lxw_row_t)(total0 + (int)k), 4,
                                    (lxw_row_t)(total0 + (int)k), (lxw_col_t)(3 + np));
            chart_series_set_name_range(se, name, (lxw_row_t)(total0 + (int)k), 3);
            chart_series_set_marker_type(se, LXW_CHART_MARKER_CIRCLE);
        }
        chart_title_set_name(ch, L(in, "总分趋势", "Total score trend"));
        chart_axis_set_name(ch->y_axis, L(in, "总分（0–100）", "Total score (0–100)"));
        chart_axis_set_name(ch->x_axis, in->sc->period.kind == CC_PERIOD_WEEK || in->trend
                                        ? L(in, "周", "Week") : L(in, "期", "Period"));
        /* chart text at 10-12 pt, so it prints at >= 7 pt at the least
         * print scale (70 %) */
        lxw_chart_font f11 = { .size = 11 }, f10 = { .size = 10 }, f12 = { .size = 12, .bold = 1 };
        chart_title_set_name_font(ch, &f12);
        chart_legend_set_font(ch, &f11);
        chart_axis_set_name_font(ch->x_axis, &f11);
        chart_axis_set_name_font(ch->y_axis, &f11);
        chart_axis_set_num_font(ch->x_axis, &f10);
        chart_axis_set_num_font(ch->y_axis, &f10);
        chart_axis_set_min(ch->y_axis, 0);
        chart_axis_set_max(ch->y_axis, 100);
        lxw_chart_options co;
        memset(&co, 0, sizeof co);
        co.x_scale = 1.4;
        co.y_scale = 1.2;
        /* below the table, so the sheet prints no wider than its table:
         * 480 x 288 px scaled 1.4 x 1.2 = 672 x 346 px, 18 rows of 20 px */
        note(b, worksheet_insert_chart_opt(s->ws, (lxw_row_t)(row + 1), 0, ch, &co));
        int r0 = row + 1;
        row += 1 + (int)ceil(288 * 1.2 / 20.0) + 1;
        s->img_rows = row;
        if (s->nimg < 8) {
            s->img_r0[s->nimg] = r0;
            s->img_r1[s->nimg++] = row - 1;
        }
    }
    put_image(s, row + 1, 0, in->charts[CC_CHART_TREND], 720);
    free(units);
    sheet_done(s, 4);
}

/* ---- 数据质量 ----------------------------------------------------------------------- */

static void sheet_quality(book *b)
{
    const cc_wb_input *in = b->in;
    const cc_scorecard *sc = in->sc;
    sheet *s = sheet_new(b, L(in, "数据质量", "Data quality"));
    if (!s->ws) { free(s); return; }
    const char *cols[] = {
        L(in, "编号", "ID"), L(in, "单位", "Unit"), L(in, "活动场次", "Activities"),
        L(in, "签到记录", "Attendance rows"), L(in, "问卷", "Survey responses"),
        L(in, "被拒行", "Rejected rows"), L(in, "合理性提示", "Plausibility warnings"),
        L(in, "未报周数", "Weeks not reported"), L(in, "周数", "Weeks"),
    };
    int nc = (int)(sizeof cols / sizeof cols[0]);
    s->header_row = 0;
    header(s, 0, cols, nc);
    int row = 1;
    cc_quality tot;
    memset(&tot, 0, sizeof tot);
    for (size_t k = 0; k < in->nrows; k++, row++) {
        const cc_unit_result *r = &sc->res[in->rows[k]];
        const cc_quality *q = &in->quality[k];
        put_str(s, row, 0, r->unit.id, NULL);
        put_str(s, row, 1, unit_name(in, &r->unit), NULL);
        put_long(s, row, 2, q->activities);
        put_long(s, row, 3, q->attendance);
        put_long(s, row, 4, q->responses);
        put_long(s, row, 5, q->rejects);
        put_long(s, row, 6, q->plausibility);
        put_long(s, row, 7, q->unreported_weeks);
        put_long(s, row, 8, q->weeks);
        tot.activities += q->activities;
        tot.attendance += q->attendance;
        tot.responses += q->responses;
        tot.rejects += q->rejects;
        tot.plausibility += q->plausibility;
        tot.unreported_weeks += q->unreported_weeks;
        tot.weeks += q->weeks;
    }
    s->last_row = row - 1;
    s->last_col = nc - 1;
    row++;
    put_str(s, row, 1, L(in, "合计", "Total"), b->f.bold);
    put_long(s, row, 2, tot.activities);
    put_long(s, row, 3, tot.attendance);
    put_long(s, row, 4, tot.responses);
    put_long(s, row, 5, tot.rejects);
    put_long(s, row, 6, tot.plausibility);
    put_long(s, row, 7, tot.unreported_weeks);
    put_long(s, row, 8, tot.weeks);
    row += 2;

    /* The plausibility warnings themselves (rows kept, worth a look). */
    put_line(s, row++, 0, L(in, "合理性提示明细", "Plausibility warnings"), b->f.bold);
    const char *pc[] = {L(in, "社区编号", "Community"), L(in, "文件", "File"),
                        L(in, "行", "Line"), L(in, "日期", "Date"), L(in, "说明", "Message")};
    for (int c = 0; c < 5; c++)
        put_str(s, row, c, pc[c], b->f.header);
    row++;
    for (size_t k = 0; k < in->nplaus; k++, row++) {
        const cc_plausibility *p = &in->plaus[k];
        put_str(s, row, 0, p->community_id, NULL);
        put_str(s, row, 1, p->file, NULL);
        put_long(s, row, 2, p->line);
        put_str(s, row, 3, p->date, NULL);
        put_str(s, row, 4, p->message, NULL);
    }
    if (in->nplaus == 0)
        put_str(s, row++, 0, L(in, "（无）", "(none)"), NULL);
    row++;

    /* Unreadable survey answers, per question. */
    int any = 0;
    for (size_t k = 0; k < in->nitems; k++)
        if (in->items[k].nroles && in->items[k].roles[0].unparsed)
            any = 1;
    if (any) {
        put_line(s, row++, 0, L(in, "无法识别的问卷答案", "Unreadable survey answers"), b->f.bold);
        put_str(s, row, 0, L(in, "题目编号", "Item"), b->f.header);
        put_str(s, row, 1, L(in, "题目", "Question"), b->f.header);
        put_str(s, row, 2, L(in, "无法识别", "Unreadable"), b->f.header);
        row++;
        for (size_t k = 0; k < in->nitems; k++) {
            const cc_wb_item *it = &in->items[k];
            if (!it->nroles || !it->roles[0].unparsed)
                continue;
            put_str(s, row, 0, it->item->id, NULL);
            put_str(s, row, 1, it->item->column, NULL);
            put_long(s, row, 2, it->roles[0].unparsed);
            row++;
        }
    }
    sheet_done(s, 2);
}

/* ---- 指标说明 ----------------------------------------------------------------------- */

static void window_text(const cc_window *w, char *out, size_t n)
{
    if (!w->unit)
        snprintf(out, n, "period");
    else
        snprintf(out, n, "last:%d%c", w->n, w->unit);
}

static void sheet_definitions(book *b)
{
    const cc_wb_input *in = b->in;
    const cc_scorecard *sc = in->sc;
    const cc_config *cfg = sc->cfg;
    sheet *s = sheet_new(b, L(in, "指标说明", "Definitions"));
    if (!s->ws) { free(s); return; }
    const char *cols[] = {
        L(in, "编号", "ID"), L(in, "名称", "Name"), L(in, "英文名", "English name"),
        L(in, "维度", "Dimension"), L(in, "公式", "Formula"), L(in, "单位", "Unit"),
        L(in, "方向", "Direction"), L(in, "目标", "Target"), L(in, "黄线", "Yellow"),
        L(in, "红线", "Red"), L(in, "零分线", "Floor"), L(in, "窗口", "Window"),
        L(in, "最小样本", "min_n"), L(in, "连续升级期数", "escalate_after"),
        L(in, "配置权重", "Weight"), L(in, "维度内有效权重", "Effective weight in dimension"),
        L(in, "维度权重", "Dimension weight"),
    };
    int nc = (int)(sizeof cols / sizeof cols[0]);
    s->header_row = 0;
    header(s, 0, cols, nc);
    int row = 1;
    for (size_t i = 0; i < cfg->nind; i++, row++) {
        const cc_indicator *ind = &cfg->ind[i];
        lxw_format *vf = unit_format(b, ind->unit);
        char win[32];
        window_text(&ind->window, win, sizeof win);
        put_str(s, row, 0, ind->id, NULL);
        put_str(s, row, 1, ind->name, NULL);
        put_str(s, row, 2, ind->name_en, NULL);
        put_str(s, row, 3, dim_label(in, ind->dim >= 0 ? cfg->dims[ind->dim] : "extra"), NULL);
        put_str(s, row, 4, ind->formula_src, NULL);
        put_str(s, row, 5, unit_label(in, ind->unit), NULL);
        put_str(s, row, 6, ind->direction == CC_LOWER ? L(in, "越低越好", "lower")
                                                       : L(in, "越高越好", "higher"), NULL);
        put_num(s, row, 7, ind->target, vf);
        put_num(s, row, 8, ind->yellow, vf);
        put_num(s, row, 9, ind->red, vf);
        put_num(s, row, 10, ind->floor, vf);
        put_str(s, row, 11, win, NULL);
        put_num(s, row, 12, ind->min_n, NULL);
        put_num(s, row, 13, ind->escalate_after, b->f.integer);
        put_num(s, row, 14, ind->weight, NULL);
        if (ind->dim >= 0) {
            put_num(s, row, 15, sc->ind_weight ? sc->ind_weight[i] : NAN, b->f.num2);
            put_num(s, row, 16, sc->dim_weight[ind->dim], b->f.num2);
        }
    }
    s->last_row = row - 1;
    s->last_col = nc - 1;
    row++;
    const char *method = cfg->weights == CC_WEIGHTS_AHP ? "ahp"
                       : cfg->weights == CC_WEIGHTS_ENTROPY ? "entropy" : "fixed";
    char *line = cc_xasprintf("%s: %s%s", L(in, "权重方法", "Weights"), method,
                              cfg->ranking == CC_RANK_TOPSIS
                              ? L(in, "；排名：TOPSIS", "; ranking: TOPSIS") : "");
    put_line(s, row++, 0, line, b->f.bold);
    free(line);
    if (cfg->weights == CC_WEIGHTS_AHP && sc->ahp.weights) {
        line = cc_xasprintf("AHP: λmax = %.4f, CI = %.4f, RI = %.2f, CR = %.4f%s",
                            sc->ahp.lambda_max, sc->ahp.ci, sc->ahp.ri, sc->ahp.cr,
                            sc->ahp.consistent ? "" : L(in, "（不一致）", " (inconsistent)"));
        put_line(s, row++, 0, line, NULL);
        free(line);
    }
    row++;
    put_line(s, row++, 0, L(in, "输入文件", "Input files"), b->f.bold);
    const char *fc[] = {L(in, "文件", "File"), L(in, "类型", "Kind"), "SHA-256",
                        L(in, "读入行", "Rows read"), L(in, "接收行", "Rows accepted"),
                        L(in, "拒绝行", "Rows rejected"), L(in, "导入时间", "Ingested at")};
    for (int c = 0; c < 7; c++)
        put_str(s, row, c, fc[c], b->f.header);
    row++;
    for (size_t k = 0; k < in->nfiles; k++, row++) {
        const cc_input_file *f = &in->files[k];
        put_str(s, row, 0, f->name, NULL);
        put_str(s, row, 1, f->kind, NULL);
        put_line(s, row, 2, f->sha256, NULL);
        put_long(s, row, 3, f->rows_read);
        put_long(s, row, 4, f->rows_accepted);
        put_long(s, row, 5, f->rows_rejected);
        put_str(s, row, 6, f->ingested_at, NULL);
    }
    row++;
    put_line(s, row, 0, "carecard " CARECARD_VERSION, NULL);
    sheet_done(s, 2);
}

/* ---- quarterly sheets --------------------------------------------------------------- */

static const char *kano_cat_label(const cc_wb_input *in, cc_kano_cat c)
{
    static const char *const zh[] = {"A 魅力", "O 期望", "M 必备", "I 无差异", "R 反向", "Q 可疑"};
    static const char *const en[] = {"A attractive", "O one-dimensional", "M must-be",
                                     "I indifferent", "R reverse", "Q questionable"};
    if ((int)c < 0 || c > CC_KANO_Q)
        return "";
    return in->lang_en ? en[c] : zh[c];
}

static const char *role_label(const cc_wb_input *in, const char *role)
{
    static const struct { const char *id, *zh; } roles[] = {
        {"child", "儿童"}, {"parent", "家长"}, {"grandparent", "祖辈"}, {"elder", "老人"},
        {"volunteer", "志愿者"}, {"other", "其他"},
    };
    if (!*role)
        return L(in, "全部", "all");
    if (in->lang_en)
        return role;
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (!strcmp(roles[i].id, role))
            return roles[i].zh;
    return role;
}

/* Share shown for an item: top-2 (likert) or yes (yesno). */
static double item_share(const cc_item *it, const cc_answer_stats *a)
{
    if (a->n <= 0)
        return NAN;
    if (it->scale == CC_SCALE_YESNO)
        return (double)a->count[1] / a->n;
    return (double)(a->count[4] + a->count[5]) / a->n;
}

static double item_mean(const cc_item *it, const cc_answer_stats *a)
{
    if (a->n <= 0 || it->scale == CC_SCALE_YESNO)
        return NAN;
    double s = 0;
    for (int k = 1; k <= 5; k++)
        s += k * (double)a->count[k];
    return s / a->n;
}

cc_colour cc_wb_level(const cc_indicator *ind, double v, cc_status *st)
{
    cc_status s;
    if (isnan(v)) {
        s = CC_ST_MISSING;
    } else {
        double d = ind->direction == CC_LOWER ? -1 : 1;
        if (d * v >= d * ind->target) s = CC_ST_MET;
        else if (d * v >= d * ind->yellow) s = CC_ST_BLUE;
        else if (d * v >= d * ind->red) s = CC_ST_YELLOW;
        else s = CC_ST_RED;
    }
    if (st)
        *st = s;
    switch (s) {
    case CC_ST_MET:    return CC_COL_MET;
    case CC_ST_BLUE:   return CC_COL_BLUE;
    case CC_ST_YELLOW: return CC_COL_YELLOW;
    case CC_ST_RED:    return CC_COL_RED;
    default:           return CC_COL_GREY;
    }
}

static void sheet_kano(book *b)
{
    const cc_wb_input *in = b->in;
    sheet *s = sheet_new(b, L(in, "满意度与KANO", "Satisfaction and KANO"));
    if (!s->ws) { free(s); return; }
    const char *cols[] = {
        L(in, "功能编号", "Feature ID"), L(in, "功能", "Feature"), "A", "O", "M", "I", "R", "Q",
        L(in, "类别", "Category"), "Better", "Worse", L(in, "改进优先级", "Priority"),
    };
    int nc = (int)(sizeof cols / sizeof cols[0]);
    s->header_row = 0;
    header(s, 0, cols, nc);
    int row = 1;
    for (size_t k = 0; k < in->nkano; k++, row++) {
        const cc_kano_row *r = &in->kano[k];
        put_str(s, row, 0, r->feature ? r->feature->id : "", NULL);
        put_str(s, row, 1, r->feature ? r->feature->name : "", NULL);
        for (int c = 0; c < 6; c++)
            put_long(s, row, 2 + c, r->counts[c]);
        long tot = 0;
        for (int c = 0; c < 6; c++)
            tot += r->counts[c];
        if (tot > 0)
            put_str(s, row, 8, kano_cat_label(in, r->category), b->f.center);   /* apart from the counts */
        put_num(s, row, 9, r->better, b->f.num2);
        put_num(s, row, 10, r->worse, b->f.num2);
        if (tot > 0)
            put_num(s, row, 11, r->priority, b->f.integer);
    }
    s->last_row = row - 1;
    s->last_col = nc - 1;
    row++;
    put_line(s, row++, 0, L(in, "满意度题目（按身份）", "Survey items by respondent role"), b->f.bold);
    const char *ic[] = {L(in, "题目编号", "Item"), L(in, "题目", "Question"), L(in, "身份", "Role"),
                        "n", L(in, "均值", "Mean"), L(in, "满意率（4–5分）/是", "Top-2 / yes share")};
    for (int c = 0; c < 6; c++)
        put_str(s, row, c, ic[c], b->f.header);
    row++;
    for (size_t k = 0; k < in->nitems; k++) {
        const cc_wb_item *it = &in->items[k];
        if (it->item->group && !strcmp(it->item->group, "digital"))
            continue;
        for (size_t j = 0; j < it->nroles; j++, row++) {
            put_str(s, row, 0, it->item->id, NULL);
            put_str(s, row, 1, it->item->column, NULL);
            put_str(s, row, 2, role_label(in, it->roles[j].role), j == 0 ? b->f.bold : NULL);
            put_long(s, row, 3, it->roles[j].n);
            put_num(s, row, 4, item_mean(it->item, &it->roles[j]), b->f.num2);
            put_num(s, row, 5, item_share(it->item, &it->roles[j]), b->f.pct);
        }
    }
    row++;
    put_image(s, row, 0, in->charts[CC_CHART_KANO], 720);
    sheet_done(s, 2);
}

static void sheet_digital(book *b)
{
    const cc_wb_input *in = b->in;
    const cc_config *cfg = in->sc->cfg;
    sheet *s = sheet_new(b, L(in, "数字包容", "Digital inclusion"));
    if (!s->ws) { free(s); return; }
    const char *cols[] = {
        L(in, "题目编号", "Item"), L(in, "题目", "Question"), L(in, "身份", "Role"), "n",
        L(in, "比例（是/4–5分）", "Yes / top-2 share"), L(in, "对应指标", "Indicator"),
        L(in, "预警", "Level"),
    };
    int nc = (int)(sizeof cols / sizeof cols[0]);
    s->header_row = 0;
    header(s, 0, cols, nc);
    int row = 1;
    for (size_t k = 0; k < in->nitems; k++) {
        const cc_wb_item *it = &in->items[k];
        if (!it->item->group || strcmp(it->item->group, "digital"))
            continue;
        const cc_indicator *ind = it->indicator >= 0 ? &cfg->ind[it->indicator] : NULL;
        for (size_t j = 0; j < it->nroles; j++, row++) {
            double share = item_share(it->item, &it->roles[j]);
            put_str(s, row, 0, it->item->id, NULL);
            put_str(s, row, 1, it->item->column, NULL);
            put_str(s, row, 2, role_label(in, it->roles[j].role), j == 0 ? b->f.bold : NULL);
            put_long(s, row, 3, it->roles[j].n);
            put_num(s, row, 4, share, b->f.pct);
            if (ind) {
                put_str(s, row, 5, ind->id, NULL);
                cc_status st;
                cc_colour col = cc_wb_level(ind, share, &st);
                put_str(s, row, 6, status_label(in, st), level_format(b, col));
            }
        }
    }
    if (row == 1)
        put_str(s, row++, 0, L(in, "（未配置 digital 组题目）", "(no item of group digital)"), NULL);
    s->last_row = row - 1;
    s->last_col = nc - 1;
    sheet_done(s, 3);
}

static int config_find(const cc_config *cfg, const char *id)
{
    for (size_t i = 0; i < cfg->nind; i++)
        if (!strcasecmp(cfg->ind[i].id, id))
            return (int)i;
    return -1;
}

static void put_leveled(sheet *s, int row, int col, double v, lxw_format *vf, int ind)
{
    const cc_config *cfg = s->b->in->sc->cfg;
    put_num(s, row, col, v, vf);
    if (ind >= 0 && !isnan(v)) {
        cc_status st;
        cc_colour c = cc_wb_level(&cfg->ind[ind], v, &st);
        put_str(s, row, col + 1, status_label(s->b->in, st), level_format(s->b, c));
    }
}

static void sheet_resources(book *b)
{
    const cc_wb_input *in = b->in;
    const cc_scorecard *sc = in->sc;
    const cc_config *cfg = sc->cfg;
    sheet *s = sheet_new(b, L(in, "资源缺口", "Resource gaps"));
    if (!s->ws) { free(s); return; }
    const char *cols[] = {
        L(in, "编号", "ID"), L(in, "单位", "Unit"), L(in, "0–3岁婴幼儿", "Children 0–3"),
        L(in, "托位数", "Places"), L(in, "每千人托位", "Places per 1,000"), L(in, "预警", "Level"),
        L(in, "需求估计", "Demand estimate"), L(in, "缺口", "Gap"),
        L(in, "普惠托位占比", "Inclusive share"), L(in, "预警", "Level"),
        L(in, "托育费用负担率", "Fee burden"), L(in, "预警", "Level"),
    };
    int nc = (int)(sizeof cols / sizeof cols[0]);
    char *note_txt = cc_xasprintf(in->lang_en
        ? "Demand = %.2f × children 0–3 ([resources] demand_rate); gap = demand − places"
        : "需求估计 = %.2f × 0–3岁婴幼儿数（[resources] demand_rate）；缺口 = 需求估计 − 托位数",
        cfg->demand_rate);
    put_line(s, 0, 0, note_txt, b->f.sub);
    free(note_txt);
    s->header_row = 1;
    header(s, 1, cols, nc);
    int c4 = config_find(cfg, "C4"), x1 = config_find(cfg, "X1"), x2 = config_find(cfg, "X2");
    int row = 2;
    for (size_t k = 0; k <= in->nrows; k++, row++) {
        const cc_resources *r = &in->resources[k];
        const cc_unit_result *u = &sc->res[k < in->nrows ? in->rows[k] : in->scope];
        lxw_format *bold = k < in->nrows ? NULL : b->f.bold;
        if (k == in->nrows) {
            s->last_row = row - 1;
            row++;
        }
        put_str(s, row, 0, u->unit.id, bold);
        put_str(s, row, 1, unit_name(in, &u->unit), bold);
        put_num(s, row, 2, r->children_0_3, b->f.integer);
        put_num(s, row, 3, r->places, b->f.integer);
        put_leveled(s, row, 4, r->per1000, b->f.num2, c4);
        put_num(s, row, 6, r->demand, b->f.num1);
        put_num(s, row, 7, r->gap, b->f.num1);
        put_leveled(s, row, 8, r->inclusive_share, b->f.pct, x1);
        put_leveled(s, row, 10, r->fee_burden, b->f.pct, x2);
    }
    s->last_col = nc - 1;
    sheet_done(s, 2);
}

static void sheet_special(book *b)
{
    const cc_wb_input *in = b->in;
    const cc_scorecard *sc = in->sc;
    sheet *s = sheet_new(b, L(in, "未覆盖困境儿童", "Special children not reached"));
    if (!s->ws) { free(s); return; }
    put_line(s, 0, 0, in->personal
             ? L(in, "含个人信息（--personal）：仅限工作人员使用", "Contains personal data (--personal)")
             : L(in, "姓名已脱敏；完整姓名需 --personal", "Names masked; full names need --personal"),
             b->f.sub);
    const char *cols[] = {
        L(in, "社区编号", "Community ID"), L(in, "社区", "Community"),
        L(in, "参与者编号", "Participant ID"), L(in, "姓名", "Name"),
        L(in, "最近参与日期", "Last attended"),
    };
    int nc = (int)(sizeof cols / sizeof cols[0]);
    s->header_row = 1;
    header(s, 1, cols, nc);
    int row = 2;
    for (size_t k = 0; k < in->nspecial; k++, row++) {
        const cc_special_child *c = &in->special[k];
        long u = cc_wb_find(sc, CC_LEVEL_COMMUNITY, c->community_id);
        put_str(s, row, 0, c->community_id, NULL);
        put_str(s, row, 1, u >= 0 ? sc->res[u].unit.name : "", NULL);
        put_str(s, row, 2, c->participant_id, NULL);
        if (in->personal) {
            put_str(s, row, 3, c->name, NULL);
        } else {
            char *m = cc_mask_name(c->name);
            put_str(s, row, 3, m, NULL);
            free(m);
        }
        put_str(s, row, 4, c->last_seen, NULL);
    }
    s->last_row = row - 1;
    s->last_col = nc - 1;
    sheet_done(s, 2);
}

/* ---- the workbook --------------------------------------------------------------------- */

long cc_wb_find(const cc_scorecard *sc, cc_level level, const char *id)
{
    if (!id)
        return -1;
    for (size_t i = 0; i < sc->units.n; i++)
        if (sc->res[i].unit.level == level && !strcmp(sc->res[i].unit.id, id))
            return (long)i;
    return -1;
}

/* Write to a temporary file in path's directory, then rename into place. */
static cc_err write_book(const char *path, const cc_wb_input *in)
{
    char *tmp = cc_xasprintf("%s.tmp.%ld", path, (long)getpid());
    /* Create it first with the final mode, so personal data is never
     * readable by others even while it is written. */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, in->personal ? 0600 : 0644);
    if (fd < 0) {
        cc_error("%s: %s", path, strerror(errno));
        free(tmp);
        return CC_ERR_IO;
    }
    if (in->personal)
        fchmod(fd, 0600);
    close(fd);

    lxw_workbook_options wo;
    memset(&wo, 0, sizeof wo);
    lxw_workbook *wb = workbook_new_opt(tmp, &wo);
    if (!wb) {
        cc_error("%s: cannot create the workbook", path);
        unlink(tmp);
        free(tmp);
        return CC_ERR_IO;
    }
    book b;
    memset(&b, 0, sizeof b);
    b.wb = wb;
    b.in = in;
    formats_init(&b);

    /* created = the period's last day 00:00 UTC: same input, same bytes */
    lxw_doc_properties props;
    memset(&props, 0, sizeof props);
    char *title = cc_xasprintf("carecard %s %s", in->sc->period.id,
                               in->sc->units.u[in->scope].id);
    props.title = title;
    props.author = (char *)"carecard";
    props.created = (time_t)in->sc->period.to * 86400;
    workbook_set_properties(wb, &props);

    sheet_overview(&b);
    sheet_detail(&b);
    sheet_warnings(&b);
    if (in->kind != CC_REPORT_SCORECARD) {
        sheet_trend(&b);
        if (in->kind == CC_REPORT_QUARTERLY) {
            sheet_kano(&b);
            sheet_digital(&b);
        }
        if (in->resources && in->kind != CC_REPORT_WEEKLY)
            sheet_resources(&b);
        if (in->kind == CC_REPORT_QUARTERLY)
            sheet_special(&b);
        if (in->quality)
            sheet_quality(&b);
        if (in->ritems)
            note(&b, cc_wb_tracking_sheet(wb, in));
    }
    sheet_definitions(&b);

    lxw_error le = workbook_close(wb);
    free(title);
    if (le != LXW_NO_ERROR && b.err == CC_OK) {
        cc_error("%s: %s", path, lxw_strerror(le));
        b.err = CC_ERR_IO;
    }
    if (b.err == CC_OK && rename(tmp, path) != 0) {
        cc_error("%s: %s", path, strerror(errno));
        b.err = CC_ERR_IO;
    }
    if (b.err != CC_OK)
        unlink(tmp);
    free(tmp);
    return b.err;
}

cc_err cc_workbook_write(const char *path, const cc_wb_input *in)
{
    if (!path || !in || !in->sc || in->scope >= in->sc->units.n)
        return CC_ERR_USAGE;
    return write_book(path, in);
}

cc_err cc_report_scorecard_xlsx(cc_store *s, const cc_scorecard *sc, const char *path,
                                int lang_en)
{
    if (!sc || !path || sc->units.n == 0) {
        cc_error("scorecard: nothing to write");
        return CC_ERR_USAGE;
    }
    cc_wb_input in;
    memset(&in, 0, sizeof in);
    in.kind = CC_REPORT_SCORECARD;
    in.lang_en = lang_en;
    in.sc = sc;
    /* the title names the narrowest unit asked for: one community, one
     * street, or the area */
    size_t ncomm = 0, nstreet = 0, lastc = 0, lasts = 0;
    for (size_t i = 0; i < sc->units.n; i++) {
        if (sc->res[i].unit.level == CC_LEVEL_COMMUNITY) { ncomm++; lastc = i; }
        if (sc->res[i].unit.level == CC_LEVEL_STREET) { nstreet++; lasts = i; }
    }
    in.scope = ncomm == 1 ? lastc : nstreet == 1 ? lasts : sc->units.n - 1;
    size_t *rows = cc_xmalloc(sc->units.n * sizeof *rows);
    for (size_t i = 0; i < sc->units.n; i++)
        rows[i] = i;
    in.rows = rows;
    in.nrows = sc->units.n;
    for (size_t i = 0; i < sc->units.n; i++)
        if (sc->res[i].unit.level == CC_LEVEL_COMMUNITY) {
            in.ncommunities++;
            in.nreported += sc->res[i].reported != 0;
        }
    cc_input_file *files = NULL;
    size_t nfiles = 0;
    char *last = NULL;
    if (s) {
        if (cc_input_files(s, &files, &nfiles) != CC_OK) {
            files = NULL;
            nfiles = 0;
        }
        last = cc_time_local(cc_store_last_ingest(s));
    }
    in.files = files;
    in.nfiles = nfiles;
    in.last_ingest = last;
    cc_err e = write_book(path, &in);
    cc_input_files_free(files, nfiles);
    free(last);
    free(rows);
    return e;
}

char *cc_safe_filename(const char *s)
{
    cc_buf b = CC_BUF_INIT;
    size_t n = s ? strlen(s) : 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            c == '-' || c == '_') {
            cc_buf_addc(&b, (char)c);
            i++;
            continue;
        }
        uint32_t cp;
        int len = cc_utf8_decode(s + i, n - i, &cp);
        if (len > 0 && ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
                        (cp >= 0x20000 && cp <= 0x2FA1F) || (cp >= 0xF900 && cp <= 0xFAFF))) {
            cc_buf_add(&b, s + i, (size_t)len);
            i += (size_t)len;
            continue;
        }
        cc_buf_addc(&b, '_');
        i += len > 0 ? (size_t)len : 1;
    }
    if (b.len == 0)
        cc_buf_addc(&b, '_');
    return cc_buf_detach(&b);
}

/* Cut a string of safe bytes (ASCII, '_' and whole UTF-8 characters) to at
 * most max bytes, at a character boundary. */
static void cut_utf8(char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    s[max] = '\0';
}

char *cc_report_stem(const char *id, const char *name, int hashed)
{
    enum { ID_MAX = 100 };
    if (!id)
        id = "";
    char *sid = cc_safe_filename(id);
    if (!id[0])
        sid[0] = '\0';
    hashed |= strcmp(sid, id) != 0 || strlen(sid) > ID_MAX;
    cut_utf8(sid, ID_MAX);
    cc_buf b = CC_BUF_INIT;
    cc_buf_adds(&b, sid);
    free(sid);
    if (hashed) {
        struct sha256_ctx c;
        uint8_t d[SHA256_DIGEST_SIZE];
        sha256_init(&c);
        sha256_update(&c, strlen(id), (const uint8_t *)id);
        sha256_digest(&c, sizeof d, d);
        cc_buf_addf(&b, "_%02x%02x%02x%02x", d[0], d[1], d[2], d[3]);
    }
    cc_buf_addc(&b, '-');
    if (name && name[0]) {
        char *sn = cc_safe_filename(name);
        cut_utf8(sn, CC_STEM_MAX - b.len);
        cc_buf_adds(&b, sn);
        free(sn);
    }
    return cc_buf_detach(&b);
}

/* ---- labels shared with the brief (brief_run.c) ------------------------------------ */

char *cc_wb_period_label(const cc_wb_input *in)
{
    return period_text(in, &in->sc->period);
}

const char *cc_wb_report_name(const cc_wb_input *in)
{
    return report_name(in);
}

const char *cc_wb_prev_label(const cc_wb_input *in)
{
    return prev_label(in);
}

const char *cc_wb_action_label(const cc_wb_input *in, const cc_cell *c)
{
    return action_label(in, c);
}
