/* report_charts — the PNG charts of one workbook of a report run: the
 * bars, the heat map, the radar and the trend (the KANO chart: report_kano.c). */
#include "report/report_run_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The total score ranking: a bar per row, coloured by grade. */
static cc_err bars_chart(const cc_rr_run *R, const cc_rr_job *j, const cc_chart_opts *co,
                         const char *path, const char *sname, const char **labels, double *vals,
                         const char **grades)
{
    const cc_scorecard *sc = R->sc;
    size_t n = j->nrows;
    for (size_t i = 0; i < n; i++) {
        const cc_unit_result *r = &sc->res[j->rows[i]];
        labels[i] = r->unit.name;
        vals[i] = r->total;
        grades[i] = r->grade;
        if (r->unranked)        /* a grey bar labelled with the reason, never a score */
            grades[i] = R->o->lang_en ? (r->unranked == CC_UNRANKED_COVERAGE ? "low coverage" : "not reported")
                                      : cc_unranked_zh(r->unranked);
    }
    char *title = cc_xasprintf(R->o->lang_en ? "%s: total score ranking" : "%s 总分排名", sname);
    cc_err e = cc_chart_bars(path, co, title, n, labels, vals, grades);
    free(title);
    return e;
}

/* The warning levels: a row per unit, a column per indicator. */
static cc_err heatmap_chart(const cc_rr_run *R, const cc_rr_job *j, const cc_chart_opts *co,
                            const char *path, const char *sname, const char **labels)
{
    const cc_scorecard *sc = R->sc;
    const cc_config *cfg = sc->cfg;
    size_t n = j->nrows;
    /* columns: the id and the short name (the name without its
     * parenthesis: "P5 名额使用率"); the chart ellipsises what is long */
    char **cols = cc_xcalloc(cfg->nind + 1, sizeof *cols);
    cc_colour *cells = cc_xcalloc(n * cfg->nind + 1, sizeof *cells);
    unsigned char *marks = cc_xcalloc(n * cfg->nind + 1, 1);
    for (size_t c = 0; c < cfg->nind; c++) {
        const cc_indicator *ind = &cfg->ind[c];
        const char *nm = R->o->lang_en && ind->name_en ? ind->name_en : ind->name;
        size_t len = nm ? strlen(nm) : 0;      /* up to the first ( or （ (whole characters) */
        const char *par = nm ? strchr(nm, '(') : NULL, *fw = nm ? strstr(nm, "（") : NULL;
        if (par && (size_t)(par - nm) < len)
            len = (size_t)(par - nm);
        if (fw && (size_t)(fw - nm) < len)
            len = (size_t)(fw - nm);
        while (len && nm[len - 1] == ' ')
            len--;
        cols[c] = len ? cc_xasprintf("%s %.*s", ind->id, (int)len, nm) : cc_xstrdup(ind->id);
    }
    for (size_t i = 0; i < n; i++) {
        const cc_unit_result *r = &sc->res[j->rows[i]];
        labels[i] = r->unit.name;
        for (size_t c = 0; c < cfg->nind; c++) {
            cells[i * cfg->nind + c] = r->cells[c].colour;
            marks[i * cfg->nind + c] =
                (r->cells[c].rectify && cc_status_is_warning(r->cells[c].status) ? CC_HEAT_RECTIFY : 0)
                | (r->cells[c].status == CC_ST_NOT_REPORTED ? CC_HEAT_UNREPORTED : 0);
        }
    }
    char *title = cc_xasprintf(R->o->lang_en ? "%s: warning levels" : "%s 指标预警热力图", sname);
    cc_err e = cc_chart_heatmap_marked(path, co, title, n, labels, cfg->nind,
                                (const char *const *)cols, cells, marks);
    free(title);
    for (size_t c = 0; c < cfg->nind; c++)
        free(cols[c]);
    free(cols);
    free(cells);
    free(marks);
    return e;
}

/* The dimension scores of the scope against its reference: a community
 * against its street, a street against the area; the area alone. */
static cc_err radar_chart(const cc_rr_run *R, const cc_rr_job *j, const cc_chart_opts *co,
                          const char *path, const char *sname, double *vals)
{
    const cc_scorecard *sc = R->sc;
    const cc_config *cfg = sc->cfg;
    const cc_unit_result *scope = &sc->res[j->scope];
    /* the scope against its reference: a community against its street,
     * a street against the area; the area alone */
    long ref = -1;
    if (scope->unit.level == CC_LEVEL_COMMUNITY)
        ref = cc_wb_find(sc, CC_LEVEL_STREET, scope->unit.street_id);
    else if (scope->unit.level == CC_LEVEL_STREET)
        ref = cc_wb_find(sc, CC_LEVEL_AREA, "all");
    const char *axes[CC_MAX_DIMS];
    static const struct { const char *id, *zh, *en; } dn[] = {
        {"process", "服务过程", "Process"}, {"recipients", "服务对象", "Recipients"},
        {"growth", "学习成长", "Growth"}, {"community", "社区发展", "Community"},
    };
    for (size_t d = 0; d < cfg->ndims; d++) {
        axes[d] = cfg->dims[d];
        for (size_t q = 0; q < 4; q++)
            if (!strcmp(dn[q].id, cfg->dims[d]))
                axes[d] = R->o->lang_en ? dn[q].en : dn[q].zh;
    }
    const char *series[2] = {scope->unit.level == CC_LEVEL_AREA ? sname : scope->unit.name, NULL};
    size_t ns = 1;
    for (size_t d = 0; d < cfg->ndims; d++)
        vals[d] = scope->dim_score[d];
    if (ref >= 0) {
        series[1] = sc->res[ref].unit.level == CC_LEVEL_AREA
                    ? (R->o->lang_en ? "area" : "全区") : sc->res[ref].unit.name;
        for (size_t d = 0; d < cfg->ndims; d++)
            vals[cfg->ndims + d] = sc->res[ref].dim_score[d];
        ns = 2;
    }
    char *title = cc_xasprintf(R->o->lang_en ? "%s: dimension scores" : "%s 四维度得分", sname);
    cc_err e = cc_chart_radar(path, co, title, cfg->ndims, axes, ns, series, vals);
    free(title);
    return e;
}

/* The total score trend of the scope (and its reference). */
static cc_err trend_chart(const cc_rr_run *R, const cc_rr_job *j, const cc_chart_opts *co,
                          const char *path, const char *sname)
{
    const cc_scorecard *sc = R->sc;
    const cc_config *cfg = sc->cfg;
    const cc_unit_result *scope = &sc->res[j->scope];
    size_t np = R->trend ? R->trend->npoints : CC_HISTORY;
    const char **xl = cc_xcalloc(np, sizeof *xl);
    char (*xb)[40] = cc_xcalloc(np, sizeof *xb);
    long ref = scope->unit.level == CC_LEVEL_COMMUNITY
               ? cc_wb_find(sc, CC_LEVEL_STREET, scope->unit.street_id)
               : scope->unit.level == CC_LEVEL_STREET ? cc_wb_find(sc, CC_LEVEL_AREA, "all") : -1;
    size_t ns = ref >= 0 ? 2 : 1;
    double *tv = cc_xcalloc(np * 2, sizeof *tv);
    const char *series[2] = {scope->unit.level == CC_LEVEL_AREA ? sname : scope->unit.name,
                             ref >= 0 ? (sc->res[ref].unit.level == CC_LEVEL_AREA
                                         ? (R->o->lang_en ? "area" : "全区")
                                         : sc->res[ref].unit.name) : NULL};
    for (size_t p = 0; p < np; p++) {
        const char *id = R->trend ? R->trend->labels[p] : sc->hist_period[np - 1 - p].id;
        const char *w = strstr(id, "-W");
        snprintf(xb[p], sizeof xb[p], "%s", w ? w + 1 : id);
        xl[p] = xb[p];
        for (size_t s = 0; s < ns; s++) {
            size_t u = s == 0 ? j->scope : (size_t)ref;
            if (!R->trend)
                tv[s * np + p] = sc->res[u].total_hist[np - 1 - p];
            else
                tv[s * np + p] = R->trend->values[(p * sc->units.n + u) * (cfg->nind + 1)
                                                  + cfg->nind];
        }
    }
    char *title = cc_xasprintf(R->o->lang_en ? "%s: total score trend" : "%s 总分趋势", sname);
    cc_err e = cc_chart_trend(path, co, title, np, xl, ns, series, tv);
    free(title);
    free(xl);
    free(xb);
    free(tv);
    return e;
}

cc_err cc_rr_draw_charts(cc_rr_run *R, const cc_rr_job *j, const char *charts[5], char *paths[5])
{
    const cc_scorecard *sc = R->sc;
    const cc_config *cfg = sc->cfg;
    const cc_unit_result *scope = &sc->res[j->scope];
    cc_chart_opts co;
    cc_chart_opts_init(&co);
    co.lang_en = R->o->lang_en;
    co.subtitle = sc->period.id;
    co.grade_cut[0] = cfg->grades[0];
    co.grade_cut[1] = cfg->grades[1];
    co.grade_cut[2] = cfg->grades[2];
    cc_err e = CC_OK;
    for (int k = 0; k < 5; k++) {
        charts[k] = NULL;
        paths[k] = NULL;
    }
    int community = scope->unit.level == CC_LEVEL_COMMUNITY;
    /* what the rows of the bars and the heat map are */
    co.row_title = scope->unit.level == CC_LEVEL_AREA ? (R->o->lang_en ? "Street" : "街道")
                                                      : (R->o->lang_en ? "Community" : "社区");
    const char *sname = scope->unit.level == CC_LEVEL_AREA ? (R->o->lang_en ? "area" : "全区")
                                                           : scope->unit.name;
    for (int k = 0; k < 5; k++) {
        if (community && k != CC_CHART_RADAR && k != CC_CHART_TREND)
            continue;
        if (k == CC_CHART_KANO && R->o->kind != CC_REPORT_QUARTERLY)
            continue;
        paths[k] = cc_xasprintf("%s/charts/%s-%s.png", R->dir, j->base,
                                cc_chart_name((cc_chart_kind)k));
    }
    size_t n = j->nrows;
    const char **labels = cc_xcalloc(n + 2, sizeof *labels);
    double *vals = cc_xcalloc((n + 2) * (cfg->nind + CC_MAX_DIMS + 64), sizeof *vals);
    const char **grades = cc_xcalloc(n + 2, sizeof *grades);
    if (paths[CC_CHART_BARS])
        e = bars_chart(R, j, &co, paths[CC_CHART_BARS], sname, labels, vals, grades);
    if (!e && paths[CC_CHART_HEATMAP])
        e = heatmap_chart(R, j, &co, paths[CC_CHART_HEATMAP], sname, labels);
    if (!e && paths[CC_CHART_RADAR])
        e = radar_chart(R, j, &co, paths[CC_CHART_RADAR], sname, vals);
    if (!e && paths[CC_CHART_TREND])
        e = trend_chart(R, j, &co, paths[CC_CHART_TREND], sname);
    free(labels);
    free(vals);
    free(grades);
    for (int k = 0; k < 5; k++)
        charts[k] = paths[k];
    return e;
}
