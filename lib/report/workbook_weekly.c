/* workbook_weekly — the sheets of every report: 总览, 指标明细, 预警清单 and
 * 趋势 / 季度趋势. */
#include "report/report.h"
#include "report/workbook_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

/* ---- 总览 ------------------------------------------------------------------------ */

/* 主要变动: the indicators that moved the total most since the previous
 * period ("活动出勤率 −4.2，家长满意度 +1.1"), empty without a previous total. */
static void put_movers(cc_wb_sheet *s, int row, int col, const cc_scorecard *sc, size_t unit)
{
    const cc_unit_result *r = &sc->res[unit];
    if (isnan(r->total) || isnan(r->prev_total) || !r->contrib)
        return;
    char *m = cc_scorecard_movers(sc, unit);
    if (*m)
        cc_wb_put_wrapped(s, row, col, m, 16);
    free(m);
}

/* The title, the data's freshness and the stamp (rows 0 to 2). */
static void overview_head(cc_wb_book *b, cc_wb_sheet *s, const cc_unit *scope)
{
    const cc_wb_input *in = b->in;
    const cc_scorecard *sc = in->sc;
    char *pt = cc_wb_period_text(in, &sc->period);
    char *title;
    if (in->lang_en)
        title = cc_xasprintf("%s community childcare services — %s %s", cc_wb_unit_name(in, scope),
                             cc_wb_report_name(in), pt);
    else
        title = cc_xasprintf("%s社区育儿服务%s %s", cc_wb_unit_name(in, scope), cc_wb_report_name(in), pt);
    cc_wb_put_line(s, 0, 0, title, b->f.title);
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
    cc_wb_put_line(s, 1, 0, fresh, b->f.sub);
    free(fresh);
    if (in->stamp)
        cc_wb_put_line(s, 2, 0, in->stamp, b->f.sub);
}

/* Below the table from `row`: the rows of the scope, its street and the
 * area (totals), the note on ranking, the legend and the charts. */
static void overview_totals(cc_wb_book *b, cc_wb_sheet *s, const cc_unit *scope, int row, int dim0)
{
    const cc_wb_input *in = b->in;
    const cc_scorecard *sc = in->sc;
    const cc_config *cfg = sc->cfg;
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
        cc_wb_put_str(s, row, c++, r->unit.id, b->f.bold);
        char *nm = cc_xasprintf("%s%s", cc_wb_unit_name(in, &r->unit),
                                cc_wb_L(in, "（合计）", " (total)"));
        cc_wb_put_wrapped_f(s, row, c++, nm, 12, b->f.boldwrap);
        free(nm);
        cc_wb_put_num(s, row, c++, r->total, b->f.score);
        cc_wb_put_str(s, row, c++, in->lang_en ? cc_wb_grade_en(r->grade) : r->grade,
                cc_wb_grade_format(b, r->grade));
        for (size_t d = 0; d < cfg->ndims && c < CC_WB_MAXCOLS - 8; d++)
            cc_wb_put_num(s, row, dim0 + (int)d, r->dim_score[d], b->f.score);
        c = dim0 + (int)cfg->ndims;
        cc_wb_put_num(s, row, c++, r->coverage, b->f.pct);
        cc_wb_put_long(s, row, c++, r->warnings[CC_COL_RED]);
        cc_wb_put_long(s, row, c++, r->warnings[CC_COL_YELLOW]);
        cc_wb_put_long(s, row, c++, r->warnings[CC_COL_BLUE]);
        cc_wb_put_long(s, row, c++, cc_wb_rect_count(r, cfg->nind));
        cc_wb_put_num(s, row, c++, r->total - r->prev_total, b->f.change);
        put_movers(s, row, c++, sc, sums[k]);
    }
    char *note = cfg->min_coverage <= 0
        ? cc_xstrdup(cc_wb_L(in, "总分、等级与排名只给本期已报送的社区；未报的社区注明“未报”，列在已排名单位之后。",
                       "Totals, grades and ranks only for communities that reported this period; the "
                       "others say 'not reported' and follow the ranked ones."))
        : in->lang_en
        ? cc_xasprintf("Totals, grades and ranks only for units with coverage of at least %.0f%% that "
                       "reported this period; the others say 'low coverage' or 'not reported' and "
                       "follow the ranked ones.", cfg->min_coverage * 100)
        : cc_xasprintf("总分、等级与排名只给覆盖率不低于 %.0f%% 且本期已报送的单位；其余注明"
                       "“覆盖不足”或“未报”，列在已排名单位之后。", cfg->min_coverage * 100);
    cc_wb_put_line(s, row++, 0, note, b->f.sub);
    free(note);
    cc_wb_legend(s, row++, 0);
    row++;
    /* one below the other, each scaled to a width that prints whole */
    row += cc_wb_put_image(s, row, 0, in->charts[CC_CHART_BARS], 840);
    row += cc_wb_put_image(s, row, 0, in->charts[CC_CHART_HEATMAP], 840);
    row += cc_wb_put_image(s, row, 0, in->charts[CC_CHART_RADAR], 600);
}

void cc_wb_sheet_overview(cc_wb_book *b)
{
    const cc_wb_input *in = b->in;
    const cc_scorecard *sc = in->sc;
    const cc_config *cfg = sc->cfg;
    cc_wb_sheet *s = cc_wb_sheet_new(b, cc_wb_L(in, "总览", "Overview"));
    if (!s->ws) { free(s); return; }
    const cc_unit *scope = &sc->units.u[in->scope];

    overview_head(b, s, scope);

    int scorecard = in->kind == CC_REPORT_SCORECARD;
    const char *cols[CC_WB_MAXCOLS];
    int nc = 0;
    cols[nc++] = cc_wb_L(in, "排名", "Rank");
    if (scorecard)
        cols[nc++] = cc_wb_L(in, "层级", "Level");
    int streets = !scorecard && scope->level == CC_LEVEL_AREA;
    cols[nc++] = streets ? cc_wb_L(in, "街道编号", "Street ID") : cc_wb_L(in, "编号", "ID");
    cols[nc++] = streets ? cc_wb_L(in, "街道", "Street")
               : scorecard ? cc_wb_L(in, "单位", "Unit") : cc_wb_L(in, "社区", "Community");
    cols[nc++] = cc_wb_L(in, "总分", "Total");
    cols[nc++] = cc_wb_L(in, "等级", "Grade");
    int dim0 = nc;
    for (size_t d = 0; d < cfg->ndims && nc < CC_WB_MAXCOLS - 8; d++)
        cols[nc++] = cc_wb_dim_label(in, cfg->dims[d]);
    cols[nc++] = cc_wb_L(in, "覆盖率", "Coverage");
    cols[nc++] = cc_wb_L(in, "红", "Red");
    cols[nc++] = cc_wb_L(in, "黄", "Yellow");
    cols[nc++] = cc_wb_L(in, "蓝", "Blue");
    cols[nc++] = cc_wb_L(in, "专项整治", "Special rectification");
    cols[nc++] = cc_wb_prev_label(in);
    cols[nc++] = cc_wb_L(in, "主要变动", "Top movers");   /* score attribution: the three largest contributions */
    int hr = 3;
    s->header_row = hr;
    cc_wb_header(s, hr, cols, nc);

    int row = hr + 1;
    for (size_t k = 0; k < in->nrows; k++, row++) {
        const cc_unit_result *r = &sc->res[in->rows[k]];
        int c = 0;
        if (r->rank > 0)
            cc_wb_put_num(s, row, c, r->rank, b->f.integer);
        else if (r->unranked)           /* the reason in place of the rank */
            cc_wb_put_str(s, row, c, in->lang_en ? (r->unranked == CC_UNRANKED_COVERAGE ? "low coverage"
                                                                                  : "not reported")
                                           : cc_unranked_zh(r->unranked), b->f.level[CC_COL_GREY]);
        c++;
        if (scorecard)
            cc_wb_put_str(s, row, c++, cc_wb_level_label(in, r->unit.level), NULL);
        cc_wb_put_str(s, row, c++, r->unit.id, NULL);
        cc_wb_put_wrapped(s, row, c++, cc_wb_unit_name(in, &r->unit), 12);
        cc_wb_put_num(s, row, c++, r->total, b->f.score);
        cc_wb_put_str(s, row, c++, in->lang_en ? cc_wb_grade_en(r->grade) : r->grade, cc_wb_grade_format(b, r->grade));
        for (size_t d = 0; d < cfg->ndims && c < CC_WB_MAXCOLS - 8; d++)
            cc_wb_put_num(s, row, dim0 + (int)d, r->dim_score[d], b->f.score);
        c = dim0 + (int)cfg->ndims;
        cc_wb_put_num(s, row, c++, r->coverage, b->f.pct);
        cc_wb_put_long(s, row, c++, r->warnings[CC_COL_RED]);
        cc_wb_put_long(s, row, c++, r->warnings[CC_COL_YELLOW]);
        cc_wb_put_long(s, row, c++, r->warnings[CC_COL_BLUE]);
        cc_wb_put_long(s, row, c++, cc_wb_rect_count(r, cfg->nind));
        cc_wb_put_num(s, row, c++, r->total - r->prev_total, b->f.change);
        put_movers(s, row, c++, sc, in->rows[k]);
    }
    cc_wb_table_end(s, row - 1, nc - 1);

    /* The scope's own row and the area below the table. */
    if (!scorecard)
        overview_totals(b, s, scope, row, dim0);
    cc_wb_sheet_done(s, scorecard ? 4 : 3);
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

void cc_wb_sheet_detail(cc_wb_book *b)
{
    const cc_wb_input *in = b->in;
    const cc_scorecard *sc = in->sc;
    const cc_config *cfg = sc->cfg;
    cc_wb_sheet *s = cc_wb_sheet_new(b, cc_wb_L(in, "指标明细", "Indicators"));
    if (!s->ws) { free(s); return; }
    const char *cols[] = {
        cc_wb_L(in, "维度", "Dimension"), cc_wb_L(in, "指标编号", "Indicator ID"), cc_wb_L(in, "指标", "Indicator"),
        cc_wb_L(in, "层级", "Level"), cc_wb_L(in, "单位编号", "Unit ID"), cc_wb_L(in, "单位", "Unit"),
        cc_wb_L(in, "数值", "Value"), cc_wb_L(in, "分子", "Numerator"), cc_wb_L(in, "分母", "Denominator"),
        cc_wb_L(in, "目标", "Target"), cc_wb_L(in, "得分", "Score"), cc_wb_L(in, "预警", "Warning"),
        cc_wb_L(in, "上期值", "Previous value"), cc_wb_L(in, "连续未达标期数", "Periods missed in a row"),
    };
    int nc = (int)(sizeof cols / sizeof cols[0]);
    s->header_row = 0;
    cc_wb_header(s, 0, cols, nc);
    size_t *units;
    size_t nu = block_units(in, &units);
    int row = 1;
    for (size_t i = 0; i < cfg->nind; i++) {
        const cc_indicator *ind = &cfg->ind[i];
        lxw_format *vf = cc_wb_unit_format(b, ind->unit);
        const char *dim = ind->dim >= 0 ? cfg->dims[ind->dim] : "extra";
        const char *iname = in->lang_en && ind->name_en && *ind->name_en ? ind->name_en : ind->name;
        for (size_t k = 0; k < nu; k++, row++) {
            const cc_unit_result *r = &sc->res[units[k]];
            const cc_cell *c = &r->cells[i];
            lxw_format *bold = r->unit.level == CC_LEVEL_COMMUNITY ? NULL : b->f.bold;
            cc_wb_put_str(s, row, 0, cc_wb_dim_label(in, dim), NULL);
            cc_wb_put_str(s, row, 1, ind->id, NULL);
            cc_wb_put_str(s, row, 2, iname, NULL);
            cc_wb_put_str(s, row, 3, cc_wb_level_label(in, r->unit.level), bold);
            cc_wb_put_str(s, row, 4, r->unit.id, bold);
            cc_wb_put_str(s, row, 5, cc_wb_unit_name(in, &r->unit), bold);
            cc_wb_put_num(s, row, 6, c->value, cc_wb_value_format(b, ind, c->value));
            cc_wb_put_num(s, row, 7, c->num, NULL);
            cc_wb_put_num(s, row, 8, c->den, NULL);
            cc_wb_put_num(s, row, 9, ind->target, vf);
            cc_wb_put_num(s, row, 10, c->score, b->f.score);
            cc_wb_put_level(s, row, 11, c);
            cc_wb_put_num(s, row, 12, c->prev_value, vf);
            cc_wb_put_num(s, row, 13, c->run, b->f.integer);
        }
    }
    free(units);
    cc_wb_table_end(s, row - 1, nc - 1);
    cc_wb_sheet_done(s, 3);
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

void cc_wb_sheet_warnings(cc_wb_book *b)
{
    const cc_wb_input *in = b->in;
    const cc_scorecard *sc = in->sc;
    const cc_config *cfg = sc->cfg;
    cc_wb_sheet *s = cc_wb_sheet_new(b, cc_wb_L(in, "预警清单", "Warnings"));
    if (!s->ws) { free(s); return; }
    const char *cols[] = {
        cc_wb_L(in, "层级", "Unit level"), cc_wb_L(in, "单位编号", "Unit ID"), cc_wb_L(in, "社区", "Unit"),
        cc_wb_L(in, "指标编号", "Indicator ID"), cc_wb_L(in, "指标", "Indicator"), cc_wb_L(in, "等级", "Level"),
        cc_wb_L(in, "数值", "Value"), cc_wb_L(in, "目标", "Target"), cc_wb_L(in, "连续期数", "Periods in a row"),
        cc_wb_L(in, "状态", "Change"), cc_wb_L(in, "处置", "Action"), cc_wb_L(in, "说明", "Explanation"),
    };
    int nc = (int)(sizeof cols / sizeof cols[0]);
    s->header_row = 0;
    cc_wb_header(s, 0, cols, nc);
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
        lxw_format *vf = cc_wb_unit_format(b, ind->unit);
        cc_wb_put_str(s, row, 0, cc_wb_level_label(in, r->unit.level), NULL);
        cc_wb_put_str(s, row, 1, r->unit.id, NULL);
        cc_wb_put_str(s, row, 2, cc_wb_unit_name(in, &r->unit), NULL);
        cc_wb_put_str(s, row, 3, ind->id, NULL);
        cc_wb_put_str(s, row, 4, in->lang_en && ind->name_en && *ind->name_en ? ind->name_en : ind->name,
                NULL);
        cc_wb_put_level(s, row, 5, c);
        cc_wb_put_num(s, row, 6, c->value, cc_wb_value_format(b, ind, c->value));
        cc_wb_put_num(s, row, 7, ind->target, vf);
        cc_wb_put_num(s, row, 8, c->run, b->f.integer);
        cc_wb_put_str(s, row, 9, cc_wb_change_label(in, c->change), NULL);
        cc_wb_put_str(s, row, 10, cc_wb_action_label(in, c), cc_wb_marked(c) ? b->f.rect[c->colour] : NULL);
        cc_wb_put_wrapped(s, row, 11, c->explanation, 24);
    }
    free(wu);
    free(wi);
    cc_wb_table_end(s, row - 1, nc - 1);
    cc_wb_legend(s, row + 1, 0);
    cc_wb_sheet_done(s, 3);
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
        return ind == ni ? r->total_hist[k] : cc_cell_hist(sc, r, ind, (int)k);
    }
    return in->trend->values[(p * sc->units.n + u) * (ni + 1) + ind];
}

void cc_wb_sheet_trend(cc_wb_book *b)
{
    const cc_wb_input *in = b->in;
    const cc_scorecard *sc = in->sc;
    const cc_config *cfg = sc->cfg;
    const char *name = in->kind == CC_REPORT_QUARTERLY ? cc_wb_L(in, "季度趋势", "Quarter trend")
                                                        : cc_wb_L(in, "趋势", "Trends");
    cc_wb_sheet *s = cc_wb_sheet_new(b, name);
    if (!s->ws) { free(s); return; }
    size_t np = in->trend ? in->trend->npoints : CC_HISTORY;
    if (np > CC_WB_MAXCOLS - 5)
        np = CC_WB_MAXCOLS - 5;
    const char *hc[4 + CC_WB_MAXCOLS];
    hc[0] = cc_wb_L(in, "指标编号", "Indicator ID");
    hc[1] = cc_wb_L(in, "指标", "Indicator");
    hc[2] = cc_wb_L(in, "层级", "Level");
    hc[3] = cc_wb_L(in, "单位", "Unit");
    for (size_t p = 0; p < np; p++)
        hc[4 + p] = in->trend ? in->trend->labels[p] : sc->hist_period[np - 1 - p].id;
    cc_wb_header(s, 0, hc, 4 + (int)np);
    s->header_row = 0;
    size_t *units;
    size_t nu = block_units(in, &units);
    int row = 1;
    for (size_t i = 0; i <= cfg->nind; i++) {
        const char *id = i == cfg->nind ? "" : cfg->ind[i].id;
        const char *nm = i == cfg->nind ? cc_wb_L(in, "总分", "Total score")
                       : in->lang_en && cfg->ind[i].name_en && *cfg->ind[i].name_en
                         ? cfg->ind[i].name_en : cfg->ind[i].name;
        lxw_format *vf = i == cfg->nind ? b->f.score : cc_wb_unit_format(b, cfg->ind[i].unit);
        for (size_t k = 0; k < nu; k++, row++) {
            const cc_unit_result *r = &sc->res[units[k]];
            cc_wb_put_str(s, row, 0, id, NULL);
            cc_wb_put_wrapped(s, row, 1, nm, 12);
            cc_wb_put_str(s, row, 2, cc_wb_level_label(in, r->unit.level), NULL);
            cc_wb_put_str(s, row, 3, cc_wb_unit_name(in, &r->unit), NULL);
            for (size_t p = 0; p < np; p++)
                cc_wb_put_num(s, row, 4 + (int)p, trend_value(in, units[k], p, np, i), vf);
        }
    }
    cc_wb_table_end(s, row - 1, 3 + (int)np);

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
        chart_title_set_name(ch, cc_wb_L(in, "总分趋势", "Total score trend"));
        chart_axis_set_name(ch->y_axis, cc_wb_L(in, "总分（0–100）", "Total score (0–100)"));
        chart_axis_set_name(ch->x_axis, in->sc->period.kind == CC_PERIOD_WEEK || in->trend
                                        ? cc_wb_L(in, "周", "Week") : cc_wb_L(in, "期", "Period"));
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
        cc_wb_note(b, worksheet_insert_chart_opt(s->ws, (lxw_row_t)(row + 1), 0, ch, &co));
        int r0 = row + 1;
        row += 1 + (int)ceil(288 * 1.2 / 20.0) + 1;
        s->img_rows = row;
        if (s->nimg < 8) {
            s->img_r0[s->nimg] = r0;
            s->img_r1[s->nimg++] = row - 1;
        }
    }
    cc_wb_put_image(s, row + 1, 0, in->charts[CC_CHART_TREND], 720);
    free(units);
    cc_wb_sheet_done(s, 4);
}
