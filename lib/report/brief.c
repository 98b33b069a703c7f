/* brief — the one-page brief: layout and drawing (one routine, run once to
 * measure and once per surface, cc_brief_draw); the PDF and PNG writers
 * are in brief_write.c.
 *
 * Everything is placed in page points (A4, y down).  The PNG draws the same
 * routine under a scale of 1080 / 595.28.  Text is laid out by Pango with
 * hinting and metric hinting off, so the measuring pass, the PDF and the PNG
 * break lines and ellipsise at the same places.
 */
#include <cairo.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/brief.h"
#include "report/brief_int.h"
#include "report/chart_int.h"

#define PW CC_BRIEF_PAGE_W
#define PH CC_BRIEF_PAGE_H
#define MARGIN 28.0
#define GAP 10.0             /* between sections */

#define SZ_TITLE 21.0
#define SZ_PERIOD 14.0
#define SZ_HEAD 14.5         /* section headers */
#define SZ_BIG 22.0          /* headline numbers */
#define SZ_TEXT CC_BRIEF_MIN_PT

#define INK 0x222222
#define INK2 0x444444
#define INK3 0x6B6B6B        /* notes: darker than the charts' grey, it is body text here */
#define RULE 0xD0D0D0
#define PANEL 0xF3F4F6
#define YELLOW_INK 0xA86E00  /* yellow text on white (the band colour is too light) */
#define UP 0x2E7D4F
#define DOWN 0xB8282A

/* ---- the pen: a cairo context, Pango, and the layout being recorded ------ */

typedef struct {
    cairo_t *cr;
    PangoContext *pc;
    PangoLayout *lay;
    PangoFontDescription *fd;
    int draw;                   /* 0: measure only */
    int sect;                   /* section of the texts being placed */
    cc_brief_layout *L;
    size_t cap;
    cc_buf tmp;
    int en;
} pen;

static const char *L2(const pen *p, const char *zh, const char *en)
{
    return p->en ? en : zh;
}

static void ink_add(pen *p, double x, double y, double w, double h)
{
    cc_brief_rect *r = &p->L->ink;
    if (r->w <= 0 && r->h <= 0) {
        *r = (cc_brief_rect){x, y, w, h};
        return;
    }
    double x1 = fmax(r->x + r->w, x + w), y1 = fmax(r->y + r->h, y + h);
    r->x = fmin(r->x, x);
    r->y = fmin(r->y, y);
    r->w = x1 - r->x;
    r->h = y1 - r->y;
}

static void set_rgb(cairo_t *cr, unsigned hex)
{
    cairo_set_source_rgb(cr, ((hex >> 16) & 0xff) / 255.0, ((hex >> 8) & 0xff) / 255.0,
                         (hex & 0xff) / 255.0);
}

static void fill_rect(pen *p, double x, double y, double w, double h, unsigned hex)
{
    if (w <= 0 || h <= 0)
        return;
    ink_add(p, x, y, w, h);
    if (!p->draw)
        return;
    cairo_rectangle(p->cr, x, y, w, h);
    set_rgb(p->cr, hex);
    cairo_fill(p->cr);
}

static void stroke_rect(pen *p, double x, double y, double w, double h, double lw, unsigned hex)
{
    ink_add(p, x - lw / 2, y - lw / 2, w + lw, h + lw);
    if (!p->draw)
        return;
    cairo_rectangle(p->cr, x, y, w, h);
    cairo_set_line_width(p->cr, lw);
    set_rgb(p->cr, hex);
    cairo_stroke(p->cr);
}

static void hline(pen *p, double x0, double x1, double y, double lw, unsigned hex)
{
    ink_add(p, x0, y - lw / 2, x1 - x0, lw);
    if (!p->draw)
        return;
    cairo_move_to(p->cr, x0, y);
    cairo_line_to(p->cr, x1, y);
    cairo_set_line_width(p->cr, lw);
    set_rgb(p->cr, hex);
    cairo_stroke(p->cr);
}

/* Lay s out: maxw > 0 limits the width (ellipsised at the end of the last of
 * maxlines lines; maxlines > 1 wraps at words or characters). */
static void lay(pen *p, const char *s, double size, int bold, double maxw, int maxlines)
{
    pango_font_description_set_absolute_size(p->fd, size * PANGO_SCALE);
    pango_font_description_set_weight(p->fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(p->lay, p->fd);
    if (maxw > 0) {
        pango_layout_set_width(p->lay, (int)(maxw * PANGO_SCALE));
        pango_layout_set_wrap(p->lay, PANGO_WRAP_WORD_CHAR);
        pango_layout_set_height(p->lay, -(maxlines > 1 ? maxlines : 1));
        pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_END);
    } else {
        pango_layout_set_width(p->lay, -1);
        pango_layout_set_height(p->lay, -1);
        pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_NONE);
    }
    pango_layout_set_text(p->lay, cc_ch_clean(&p->tmp, s), -1);
}

static void extent(pen *p, double *w, double *h)
{
    PangoRectangle log;
    pango_layout_get_extents(p->lay, NULL, &log);
    *w = (double)log.width / PANGO_SCALE;
    *h = (double)log.height / PANGO_SCALE;
}

/* Height of one line of text at size. */
static double line_h(pen *p, double size)
{
    double w, h;
    lay(p, "国Ag", size, 0, 0, 1);
    extent(p, &w, &h);
    return h;
}

/* Lines s takes at maxw (at most maxlines). */
static int count_lines(pen *p, const char *s, double size, int bold, double maxw, int maxlines)
{
    lay(p, s, size, bold, maxw, maxlines);
    return pango_layout_get_line_count(p->lay);
}

/* Draw s with its top at y, anchored at x by its left (ha 0), centre (1) or
 * right (2) end; records the box.  Returns the height; *wout the width. */
static double text(pen *p, double x, double y, const char *s, double size, int bold, int ha,
                   double maxw, int maxlines, unsigned hex, double *wout)
{
    double w, h;
    lay(p, s, size, bold, maxw, maxlines);
    extent(p, &w, &h);
    double tx = x - (ha == 1 ? w / 2 : ha == 2 ? w : 0);
    cc_brief_layout *L = p->L;
    if (L->ntexts == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 64;
        L->texts = cc_xrealloc(L->texts, p->cap * sizeof *L->texts);
    }
    cc_brief_text *t = &L->texts[L->ntexts++];
    t->box = (cc_brief_rect){tx, y, w, h};
    t->size = size;
    t->section = p->sect;
    t->lines = pango_layout_get_line_count(p->lay);
    t->ellipsized = pango_layout_is_ellipsized(p->lay);
    if (L->min_size == 0 || size < L->min_size)
        L->min_size = size;
    ink_add(p, tx, y, w, h);
    if (p->draw) {
        set_rgb(p->cr, hex);
        cairo_move_to(p->cr, tx, y);
        pango_cairo_show_layout(p->cr, p->lay);
        cairo_new_path(p->cr);
    }
    if (wout)
        *wout = w;
    return h;
}

static void section(pen *p, int s, double x, double y, double w, double h)
{
    p->L->sect[s] = (cc_brief_rect){x, y, w, h};
}

static void fmt1(char *buf, size_t len, double v)
{
    cc_ch_fmt(buf, len, v, 1);
}

static unsigned colour_hex(cc_colour c)
{
    return cc_ch_level_hex(c);
}

static unsigned colour_ink(cc_colour c)
{
    return c == CC_COL_YELLOW ? YELLOW_INK : c == CC_COL_GREY ? INK3 : colour_hex(c);
}

static int grade_index(const char *g)
{
    static const char *const zh[4] = {"优秀", "良好", "合格", "不合格"};
    static const char *const en[4] = {"Excellent", "Good", "Pass", "Fail"};
    static const char *const en2[4] = {"Exc", "Good", "Pass", "Fail"};
    for (int k = 0; g && k < 4; k++)
        if (!strcmp(g, zh[k]) || !strcmp(g, en[k]) || !strcmp(g, en2[k]))
            return k;
    return 4;
}

/* ---- the page ------------------------------------------------------------ */

static double draw_title(pen *p, const cc_brief *b, double y)
{
    double y0 = y, cw = PW - 2 * MARGIN;
    p->sect = CC_BRIEF_S_TITLE;
    y += text(p, MARGIN, y, b->title ? b->title : "", SZ_TITLE, 1, 0, cw, 1, INK, NULL);
    y += text(p, MARGIN, y, b->period ? b->period : "", SZ_PERIOD, 0, 0, cw, 1, INK2, NULL);
    y += 4;
    hline(p, MARGIN, PW - MARGIN, y, 1.2, INK);
    y += 2;
    section(p, CC_BRIEF_S_TITLE, MARGIN, y0, cw, y - y0);
    return y;
}

static double draw_data(pen *p, const cc_brief *b, double y)
{
    double y0 = y, cw = PW - 2 * MARGIN;
    cc_buf s = CC_BUF_INIT;
    p->sect = CC_BRIEF_S_DATA;
    if (p->en)
        cc_buf_addf(&s, "Communities reported %zu/%zu", b->nreported, b->nunits);
    else
        cc_buf_addf(&s, "已报送社区 %zu/%zu", b->nreported, b->nunits);
    if (b->data_to)
        cc_buf_addf(&s, p->en ? " · data up to %s" : " · 数据截至 %s", b->data_to);
    if (b->nunreported) {
        cc_buf_addf(&s, p->en ? " · not reported (%zu): " : " · 未报 %zu 个：", b->nunreported);
        for (size_t k = 0; k < b->nunreported; k++)
            cc_buf_addf(&s, "%s%s", k ? (p->en ? ", " : "、") : "",
                        b->unreported[k] ? b->unreported[k] : "");
    }
    y += text(p, MARGIN, y, s.s, SZ_TEXT, 0, 0, cw, 2, INK2, NULL);
    cc_buf_release(&s);
    section(p, CC_BRIEF_S_DATA, MARGIN, y0, cw, y - y0);
    return y;
}

static double draw_headline(pen *p, const cc_brief *b, double y)
{
    double cw = PW - 2 * MARGIN, gap = 8, bw = (cw - 3 * gap) / 4;
    double lh = line_h(p, SZ_TEXT), bigh = line_h(p, SZ_BIG);
    double pad = 5, bh = pad + lh + bigh + lh + pad;
    char buf[96], v[32];
    p->sect = CC_BRIEF_S_HEADLINE;
    section(p, CC_BRIEF_S_HEADLINE, MARGIN, y, cw, bh);
    for (int k = 0; k < 4; k++) {
        fill_rect(p, MARGIN + k * (bw + gap), y, bw, bh, PANEL);
        p->L->head_box[k] = (cc_brief_rect){MARGIN + k * (bw + gap), y, bw, bh};
    }
    double tw = bw - 2 * 8, yl = y + pad, yb = yl + lh, ys = yb + bigh;

    /* 1: mean score and change */
    double x = MARGIN + 8;
    text(p, x, yl, b->mean_label ? b->mean_label : L2(p, "社区平均分", "Mean score"), SZ_TEXT, 0, 0, tw, 1, INK3, NULL);
    if (isnan(b->mean))
        snprintf(v, sizeof v, "—");
    else
        fmt1(v, sizeof v, b->mean);
    text(p, x, yb, v, SZ_BIG, 1, 0, tw, 1, INK, NULL);
    const char *cl = b->change_label ? b->change_label : L2(p, "较上期", "vs previous");
    unsigned ci = INK3;
    if (isnan(b->mean_change)) {
        snprintf(buf, sizeof buf, "%s —", cl);
    } else {
        double d = b->mean_change;
        fmt1(v, sizeof v, fabs(d));
        if (!strcmp(v, "0.0")) {
            snprintf(buf, sizeof buf, "%s 持平", cl);
            if (p->en)
                snprintf(buf, sizeof buf, "%s unchanged", cl);
        } else {
            snprintf(buf, sizeof buf, "%s %s%s", cl, d > 0 ? "↑" : "↓", v);
            ci = d > 0 ? UP : DOWN;
        }
    }
    text(p, x, ys, buf, SZ_TEXT, 0, 0, tw, 1, ci, NULL);

    /* 2: warnings 红/黄/蓝 */
    x = MARGIN + (bw + gap) + 8;
    text(p, x, yl, L2(p, "预警 红 / 黄 / 蓝", "Warnings R / Y / B"), SZ_TEXT, 0, 0, tw, 1, INK3, NULL);
    {
        long n[3] = {b->red, b->yellow, b->blue};
        cc_colour c[3] = {CC_COL_RED, CC_COL_YELLOW, CC_COL_BLUE};
        char num[3][24];
        double total = 0, w, hh;
        for (int k = 0; k < 3; k++) {
            snprintf(num[k], sizeof num[k], "%ld", n[k]);
            lay(p, num[k], SZ_BIG, 1, 0, 1);
            extent(p, &w, &hh);
            total += w;
        }
        lay(p, " / ", SZ_BIG, 0, 0, 1);
        extent(p, &w, &hh);
        total += 2 * w;
        /* large counts (an area of thousands of communities) get a smaller
         * size, never below the smallest text, to stay inside the box */
        double sz = total > tw ? fmax(SZ_TEXT, SZ_BIG * tw / total) : SZ_BIG;
        /* at that size the three fit (the room is only a guard at the
         * smallest size: measuring pieces apart differs by a fraction) */
        int fits = total * sz / SZ_BIG <= tw + 0.5;
        double yy = yb + (bigh - line_h(p, sz)) / 2, xx = x;
        for (int k = 0; k < 5; k++) {
            double room = fits ? 0 : fmax(x + tw - xx, 1);
            if (k % 2 == 0)
                text(p, xx, yy, num[k / 2], sz, 1, 0, room, 1, colour_ink(c[k / 2]), &w);
            else
                text(p, xx, yy, " / ", sz, 0, 0, room, 1, INK3, &w);
            xx += w;
        }
    }
    snprintf(buf, sizeof buf, p->en ? "%ld in all" : "共 %ld 条", b->red + b->yellow + b->blue);
    text(p, x, ys, buf, SZ_TEXT, 0, 0, tw, 1, INK3, NULL);

    /* 3: 专项整治 */
    x = MARGIN + 2 * (bw + gap) + 8;
    text(p, x, yl, L2(p, "专项整治", "Special action"), SZ_TEXT, 0, 0, tw, 1, INK3, NULL);
    snprintf(v, sizeof v, "%ld", b->rectify);
    text(p, x, yb, v, SZ_BIG, 1, 0, tw, 1, b->rectify ? CH_RED : INK, NULL);
    text(p, x, ys, b->rectify ? L2(p, "项，优先处置", "to act on first") : L2(p, "无", "none"),
         SZ_TEXT, 0, 0, tw, 1, INK3, NULL);

    /* 4: grades */
    x = MARGIN + 3 * (bw + gap) + 8;
    text(p, x, yl, L2(p, "等级分布", "Grades"), SZ_TEXT, 0, 0, tw, 1, INK3, NULL);
    if (p->en) {
        snprintf(buf, sizeof buf, "Exc %ld · Good %ld", b->grades[0], b->grades[1]);
        text(p, x, yb + (bigh - lh) / 2, buf, SZ_TEXT, 1, 0, tw, 1, INK, NULL);
        snprintf(buf, sizeof buf, "Pass %ld · Fail %ld", b->grades[2], b->grades[3]);
    } else {
        snprintf(buf, sizeof buf, "优秀 %ld · 良好 %ld", b->grades[0], b->grades[1]);
        text(p, x, yb + (bigh - lh) / 2, buf, SZ_TEXT, 1, 0, tw, 1, INK, NULL);
        snprintf(buf, sizeof buf, "合格 %ld · 不合格 %ld", b->grades[2], b->grades[3]);
    }
    text(p, x, ys, buf, SZ_TEXT, 1, 0, tw, 1, b->grades[3] ? CH_RED : INK, NULL);
    return y + bh;
}

/* 需要处置: items in the given order, at most CC_BRIEF_MAX_ITEM_LINES lines. */
static double draw_items(pen *p, const cc_brief *b, double y)
{
    double y0 = y, cw = PW - 2 * MARGIN, lh = line_h(p, SZ_TEXT);
    char buf[96];
    p->sect = CC_BRIEF_S_ITEMS;
    if (p->en)
        snprintf(buf, sizeof buf, "To act on (%zu)", b->nitems);
    else
        snprintf(buf, sizeof buf, "需要处置（%zu 项）", b->nitems);
    y += text(p, MARGIN, y, buf, SZ_HEAD, 1, 0, cw, 1, INK, NULL) + 2;
    double tagw = 66, tx = MARGIN + tagw + 8, tw = cw - tagw - 8;
    size_t used = 0, k = 0;
    cc_buf s = CC_BUF_INIT;
    for (; k < b->nitems; k++) {
        const cc_brief_item *it = &b->items[k];
        cc_buf_reset(&s);
        cc_buf_add(&s, "", 0);
        const char *name = it->unit ? it->unit : "";
        const char *t = it->text ? it->text : "";
        /* a 未报 explanation already begins with the unit's name */
        if (*name && strncmp(t, name, strlen(name)) != 0)
            cc_buf_addf(&s, "%s%s", name, p->en ? ": " : "：");
        cc_buf_adds(&s, t);
        int n = count_lines(p, s.s, SZ_TEXT, 0, tw, 2);
        if (used + (size_t)n > CC_BRIEF_MAX_ITEM_LINES)
            break;
        /* the tag: the band's colour; 专项整治 with a bold dark border */
        unsigned fill = colour_hex(it->colour);
        double ty = y + 1.5, th = lh - 3;
        fill_rect(p, MARGIN, ty, tagw, th, fill);
        if (it->rectify)
            stroke_rect(p, MARGIN + 1, ty + 1, tagw - 2, th - 2, 2, INK);
        unsigned tink = it->colour == CC_COL_YELLOW || it->colour == CC_COL_GREY ? INK : 0xFFFFFF;
        text(p, MARGIN + tagw / 2, y, it->action ? it->action : "", SZ_TEXT, 1, 1, tagw - 6, 1,
             tink, NULL);
        double h = text(p, tx, y, s.s, SZ_TEXT, 0, 0, tw, 2, INK, NULL);
        y += fmax(h, lh);
        used += (size_t)n;
    }
    cc_buf_release(&s);
    p->L->items_shown = k;
    p->L->items_more = b->nitems - k;
    p->L->item_lines = used;
    if (b->nitems == 0) {
        y += text(p, MARGIN, y, L2(p, "本期无需处置事项", "Nothing to act on this period"),
                  SZ_TEXT, 0, 0, cw, 1, INK3, NULL);
    } else if (k < b->nitems) {
        if (p->en)
            snprintf(buf, sizeof buf, "%zu more, see the workbook", b->nitems - k);
        else
            snprintf(buf, sizeof buf, "另有 %zu 项，见工作簿", b->nitems - k);
        y += text(p, tx, y, buf, SZ_TEXT, 0, 0, tw, 1, INK3, NULL);
    }
    section(p, CC_BRIEF_S_ITEMS, MARGIN, y0, cw, y - y0);
    return y;
}

/* One row of the ranking. */
static void bar_row(pen *p, const cc_brief *b, const cc_brief_bar *r, double x, double w,
                    double y, double pitch)
{
    double lh = line_h(p, SZ_TEXT), ty = y + (pitch - lh) / 2;
    double rankw = 24, namew = 86, valw = 70;
    double bx = x + rankw + 6 + namew + 6, bw = w - (bx - x) - valw - 4;
    char v[64];
    if (r->rank > 0 && !r->unranked)
        snprintf(v, sizeof v, "%d", r->rank);
    else
        snprintf(v, sizeof v, "—");
    text(p, x + rankw, ty, v, SZ_TEXT, 0, 2, 0, 1, INK3, NULL);
    text(p, x + rankw + 6, ty, r->name ? r->name : "", SZ_TEXT, 0, 0, namew, 1, INK, NULL);
    double bh = fmin(12, pitch - 6), by = y + (pitch - bh) / 2;
    if (r->unranked || isnan(r->total)) {
        fill_rect(p, bx, by, 14, bh, CH_GREY);
        text(p, bx + 20, ty, r->unranked ? r->unranked : L2(p, "无总分", "no total"), SZ_TEXT, 0,
             0, bw + valw - 20, 1, INK3, NULL);
        return;
    }
    double t = r->total < 0 ? 0 : r->total > 100 ? 100 : r->total;
    fill_rect(p, bx, by, bw, bh, 0xEDEEF0);
    int g = grade_index(r->grade);
    if (g == 4 && !r->grade) {      /* derive from the cuts */
        const double *cut = b->grade_cut;
        double c0 = cut[0], c1 = cut[1], c2 = cut[2];
        if (c0 == 0 && c1 == 0 && c2 == 0)
            c0 = 90, c1 = 75, c2 = 60;
        g = t >= c0 ? 0 : t >= c1 ? 1 : t >= c2 ? 2 : 3;
    }
    fill_rect(p, bx, by, bw * t / 100.0, bh, cc_ch_grade_hex[g]);
    char num[32];
    fmt1(num, sizeof num, r->total);
    snprintf(v, sizeof v, "%s %s", num, r->grade ? r->grade : "");
    text(p, bx + bw + 4, ty, v, SZ_TEXT, 0, 0, valw, 1, g == 3 ? CH_RED : INK2, NULL);
}

static void draw_bars(pen *p, const cc_brief *b, double x, double y, double w, double bottom)
{
    p->sect = CC_BRIEF_S_BARS;
    section(p, CC_BRIEF_S_BARS, x, y, w, bottom - y);
    double top = y;
    top += text(p, x, top, b->bars_title ? b->bars_title : L2(p, "排名", "Ranking"), SZ_HEAD, 1, 0,
                w, 1, INK, NULL) + 2;
    double pitch = floor(line_h(p, SZ_TEXT));
    size_t cap = (size_t)floor((bottom - top) / pitch);
    p->L->bar_top = top;
    p->L->bar_pitch = pitch;
    size_t n = b->nbars, head = n, tail = 0;
    if (n > cap) {
        /* the top and the bottom of the list, the middle cut with a count */
        size_t rows = cap > 0 ? cap - 1 : 0;
        tail = rows / 2;
        head = rows - tail;
    }
    size_t row = 0;
    for (size_t k = 0; k < head; k++, row++)
        bar_row(p, b, &b->bars[k], x, w, top + row * pitch, pitch);
    if (head + tail < n) {
        char buf[96];
        if (p->en)
            snprintf(buf, sizeof buf, "… %zu more, see the workbook", n - head - tail);
        else
            snprintf(buf, sizeof buf, "… 另有 %zu 项，见工作簿", n - head - tail);
        double lh = line_h(p, SZ_TEXT);
        text(p, x + 30, top + row * pitch + (pitch - lh) / 2, buf, SZ_TEXT, 0, 0, w - 30, 1, INK3,
             NULL);
        row++;
        for (size_t k = n - tail; k < n; k++, row++)
            bar_row(p, b, &b->bars[k], x, w, top + row * pitch, pitch);
    }
    if (n == 0)
        text(p, x, top, L2(p, "无数据", "No data"), SZ_TEXT, 0, 0, w, 1, INK3, NULL);
    p->L->bars_shown = head + tail;
    p->L->bars_more = n - head - tail;
}

/* Light tints of the grade colours behind the trend (as the trend chart). */
static const unsigned band_hex[4] = {0xE3F1E8, 0xF0F7EA, 0xFDF4E0, 0xFBE8E8};

static double draw_trend(pen *p, const cc_brief *b, double x, double y, double w, double bottom,
                         double reserve)
{
    char buf[64];
    double lh = line_h(p, SZ_TEXT);
    if (p->en)
        snprintf(buf, sizeof buf, "Total score, %zu weeks", b->ntrend);
    else
        snprintf(buf, sizeof buf, "总分趋势（%zu 周）", b->ntrend);
    y += text(p, x, y, buf, SZ_HEAD, 1, 0, w, 1, INK, NULL) + 4;
    /* 150 pt high, up to 230 where the rest of the column leaves room */
    double ch = fmin(fmax(150, bottom - y - reserve), 230);
    ch = fmin(ch, bottom - y);
    if (ch < 3 * lh)
        return y;
    double labw = 26;
    double x0 = x + labw + 4, x1 = x + w - 4, y0 = y + lh / 2, y1 = y + ch - lh - 4;
    if (b->ntrend == 0) {
        text(p, x, y, L2(p, "无数据", "No data"), SZ_TEXT, 0, 0, w, 1, INK3, NULL);
        return y + lh;
    }
    const double *cut = b->grade_cut;
    double c[3] = {cut[0], cut[1], cut[2]};
    if (c[0] == 0 && c[1] == 0 && c[2] == 0)
        c[0] = 90, c[1] = 75, c[2] = 60;
#define YV(v) (y1 - (y1 - y0) * ((v) < 0 ? 0 : (v) > 100 ? 100 : (v)) / 100.0)
    double lo[4] = {c[0], c[1], c[2], 0}, hi[4] = {100, c[0], c[1], c[2]};
    for (int g = 0; g < 4; g++)
        if (hi[g] > lo[g])
            fill_rect(p, x0, YV(hi[g]), x1 - x0, YV(lo[g]) - YV(hi[g]), band_hex[g]);
    static const int ticks[3] = {0, 50, 100};
    for (int k = 0; k < 3; k++) {
        snprintf(buf, sizeof buf, "%d", ticks[k]);
        text(p, x0 - 4, YV(ticks[k]) - lh / 2, buf, SZ_TEXT, 0, 2, 0, 1, INK3, NULL);
    }
    hline(p, x0, x1, YV(0), 1, CH_AXIS);
    double dx = (x1 - x0) / (double)b->ntrend;
    size_t nval = 0;
    for (size_t k = 0; k < b->ntrend; k++)
        nval += !isnan(b->trend[k]);
    if (nval == 0)      /* a scope without a total in any week: say so */
        text(p, (x0 + x1) / 2, (y0 + y1) / 2 - lh / 2, L2(p, "无总分", "No total"), SZ_TEXT, 0, 1,
             x1 - x0, 1, INK3, NULL);
    if (p->draw) {
        cairo_set_line_width(p->cr, 2);
        set_rgb(p->cr, CH_BLUE);
        int open = 0;
        for (size_t k = 0; k < b->ntrend; k++) {
            double v = b->trend[k], px = x0 + dx * (k + 0.5);
            if (isnan(v)) {
                open = 0;
                continue;
            }
            if (open)
                cairo_line_to(p->cr, px, YV(v));
            else
                cairo_move_to(p->cr, px, YV(v));
            open = 1;
        }
        cairo_stroke(p->cr);
        for (size_t k = 0; k < b->ntrend; k++) {
            double v = b->trend[k], px = x0 + dx * (k + 0.5);
            if (isnan(v))
                continue;
            cairo_arc(p->cr, px, YV(v), 2.6, 0, 2 * M_PI);
            cairo_fill(p->cr);
        }
    }
    /* the first and the last period under the axis, the last value beside its point */
    double yl = y1 + 3;
    const char *first = b->trend_labels && b->trend_labels[0] ? b->trend_labels[0] : "";
    const char *last = b->trend_labels && b->trend_labels[b->ntrend - 1]
                       ? b->trend_labels[b->ntrend - 1] : "";
    double wl;
    text(p, x0, yl, first, SZ_TEXT, 0, 0, (x1 - x0) / 2 - 2, 1, INK3, &wl);
    if (b->ntrend > 1)
        text(p, x1, yl, last, SZ_TEXT, 0, 2, (x1 - x0) / 2 - 2, 1, INK3, NULL);
    double lastv = b->trend[b->ntrend - 1];
    if (!isnan(lastv)) {
        fmt1(buf, sizeof buf, lastv);
        /* above the last point, or below it when the line comes down to it
         * (or there is no room above) */
        double prev = b->ntrend > 1 ? b->trend[b->ntrend - 2] : NAN;
        double ly = YV(lastv) - lh - 2;
        if (((!isnan(prev) && prev > lastv) || ly < y0 - lh / 2) && YV(lastv) + 3 + lh <= y1)
            ly = YV(lastv) + 3;
        text(p, x1, ly, buf, SZ_TEXT, 1, 2, 0, 1, CH_BLUE, NULL);
    }
#undef YV
    return y + ch;
}

static double draw_side(pen *p, const cc_brief *b, double x, double y, double w, double bottom)
{
    p->sect = CC_BRIEF_S_SIDE;
    section(p, CC_BRIEF_S_SIDE, x, y, w, bottom - y);
    double lh = line_h(p, SZ_TEXT), hh = line_h(p, SZ_HEAD);
    double reserve = (b->nbars ? 6 + 2 * lh : 0) +
                     (b->nkano ? GAP + hh + 2 + (b->nkano < 3 ? b->nkano : 3) * lh : 0) +
                     (b->ledger && b->nledger ? GAP + hh + 2 + b->nledger * lh : 0);
    y = draw_trend(p, b, x, y, w, bottom, reserve);
    char buf[160];
    /* what the bar colours mean */
    const double *cut = b->grade_cut;
    double c[3] = {cut[0], cut[1], cut[2]};
    if (c[0] == 0 && c[1] == 0 && c[2] == 0)
        c[0] = 90, c[1] = 75, c[2] = 60;
    if (b->nbars && y + 6 + 2 * lh <= bottom) {
        static const char *const gzh[4] = {"优秀", "良好", "合格", "不合格"};
        static const char *const gen[4] = {"Exc", "Good", "Pass", "Fail"};
        y += 6;
        for (int g = 0; g < 4; g += 2) {
            for (int k = g; k < g + 2; k++) {
                double xx = x + (k - g) * w / 2;
                fill_rect(p, xx, y + (lh - 10) / 2, 14, 10, cc_ch_grade_hex[k]);
                char cv[16];
                cc_ch_fmt(cv, sizeof cv, c[k < 3 ? k : 2], 0);
                snprintf(buf, sizeof buf, "%s %s %s", p->en ? gen[k] : gzh[k], k < 3 ? "≥" : "<", cv);
                text(p, xx + 18, y, buf, SZ_TEXT, 0, 0, w / 2 - 20, 1, INK2, NULL);
            }
            y += lh;
        }
    }
    if (b->nkano && y + GAP + hh + lh <= bottom) {
        y += GAP;
        y += text(p, x, y, L2(p, "KANO 优先改进", "KANO priorities"), SZ_HEAD, 1, 0, w, 1, INK,
                  NULL) + 2;
        for (size_t k = 0; k < b->nkano && k < 3 && y + lh <= bottom; k++) {
            const cc_brief_kano *f = &b->kano[k];
            snprintf(buf, sizeof buf, p->en ? "%zu. %s (%s)" : "%zu. %s（%s）", k + 1,
                     f->name ? f->name : "", f->category ? f->category : "");
            y += text(p, x, y, buf, SZ_TEXT, 0, 0, w, 1, INK, NULL);
        }
    }
    if (b->ledger && b->nledger && y + GAP + hh + lh <= bottom) {
        y += GAP;
        y += text(p, x, y, L2(p, "整改台账", "Rectification ledger"), SZ_HEAD, 1, 0, w, 1, INK,
                  NULL) + 2;
        for (size_t k = 0; k < b->nledger && y + lh <= bottom; k++) {
            snprintf(buf, sizeof buf, "%s %ld", b->ledger[k].state ? b->ledger[k].state : "",
                     b->ledger[k].count);
            y += text(p, x, y, buf, SZ_TEXT, 0, 0, w, 1, INK, NULL);
        }
    }
    return y;
}

static void draw_footer(pen *p, const cc_brief *b, double y)
{
    double cw = PW - 2 * MARGIN;
    char buf[256];
    p->sect = CC_BRIEF_S_FOOTER;
    double y0 = y;
    hline(p, MARGIN, PW - MARGIN, y + 0.5, 0.8, RULE);
    y += 3;
    if (p->en)
        snprintf(buf, sizeof buf, "Data: %zu source files · configuration SHA-256 %s · carecard %s",
                 b->nfiles, b->config_sha && *b->config_sha ? b->config_sha : "—",
                 b->version ? b->version : "");
    else
        snprintf(buf, sizeof buf, "数据来源 %zu 个文件 · 配置 SHA-256 %s · carecard %s", b->nfiles,
                 b->config_sha && *b->config_sha ? b->config_sha : "—", b->version ? b->version : "");
    y += text(p, MARGIN, y, buf, SZ_TEXT, 0, 0, cw, 1, INK3, NULL);
    section(p, CC_BRIEF_S_FOOTER, MARGIN, y0, cw, y - y0);
}

/* The whole page: one routine for the measuring pass and both surfaces. */
static void page(pen *p, const cc_brief *b)
{
    memset(p->L, 0, sizeof *p->L);
    p->cap = 0;
    if (p->draw) {
        set_rgb(p->cr, 0xFFFFFF);
        cairo_paint(p->cr);
    }
    double y = MARGIN;
    y = draw_title(p, b, y) + 6;
    y = draw_data(p, b, y) + 6;
    y = draw_headline(p, b, y) + GAP;
    y = draw_items(p, b, y) + GAP;
    double footh = 3 + line_h(p, SZ_TEXT);
    double foot = PH - MARGIN - footh;
    double cw = PW - 2 * MARGIN, lw = floor(cw * 0.58), gap = 18;
    draw_bars(p, b, MARGIN, y, lw, foot - 6);
    draw_side(p, b, MARGIN + lw + gap, y, cw - lw - gap, foot - 6);
    draw_footer(p, b, foot);
}

/* ---- surfaces ------------------------------------------------------------------ */

static void pen_open(pen *p, cairo_t *cr, const cc_brief *b, cc_brief_layout *L, int draw)
{
    memset(p, 0, sizeof *p);
    cc_buf_init(&p->tmp);
    p->cr = cr;
    p->draw = draw;
    p->L = L;
    p->en = b->lang_en != 0;
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_set_font_options(cr, fo);
    p->pc = pango_cairo_create_context(cr);
    pango_cairo_context_set_font_options(p->pc, fo);
    pango_cairo_context_set_resolution(p->pc, 72);
    cairo_font_options_destroy(fo);
    p->lay = pango_layout_new(p->pc);
    p->fd = pango_font_description_from_string("sans");
    pango_font_description_set_family(p->fd, b->font && *b->font ? b->font : CH_DEF_FONT);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
}

static void pen_close(pen *p)
{
    pango_font_description_free(p->fd);
    g_object_unref(p->lay);
    g_object_unref(p->pc);
    cc_buf_release(&p->tmp);
}

cc_err cc_brief_layout_compute(const cc_brief *b, cc_brief_layout *out)
{
    cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
    cairo_t *cr = cairo_create(sf);
    pen p;
    pen_open(&p, cr, b, out, 0);
    page(&p, b);
    pen_close(&p);
    cairo_destroy(cr);
    cairo_surface_destroy(sf);
    return CC_OK;
}

void cc_brief_layout_free(cc_brief_layout *l)
{
    if (!l)
        return;
    free(l->texts);
    memset(l, 0, sizeof *l);
}

void cc_brief_png_size(int *w, int *h)
{
    *w = CC_BRIEF_PNG_W;
    *h = (int)lround(PH * CC_BRIEF_PNG_W / PW);
}

void cc_brief_draw(cairo_t *cr, const cc_brief *b)
{
    cc_brief_layout L;
    pen p;
    pen_open(&p, cr, b, &L, 1);
    page(&p, b);
    pen_close(&p);
    cc_brief_layout_free(&L);
}
