/* render — the table, CSV and JSON renderings of a scorecard and of its
 * warnings (carecard scorecard / warnings).  The JSON is the contract of
 * docs/reports/json.md; the table fits 80 columns.
 */
#include "report/report.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifndef CARECARD_VERSION
#define CARECARD_VERSION "1.0.0"
#endif



static json_t *jnum(double v)
{
    return isfinite(v) ? json_real(v + 0.0) : json_null();   /* + 0.0: never -0 */
}

static json_t *jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* The colour a status is shown in (docs/reports/json.md: `level`). */
static const char *shown_level(const cc_cell *c)
{
    return cc_colour_name(c->colour);
}

static json_t *period_json(const cc_period *p)
{
    char f[11], t[11];
    cc_day_format(p->from, f);
    cc_day_format(p->to, t);
    return json_pack("{s:s, s:s, s:s, s:s}", "kind", cc_period_kind_name(p->kind), "id", p->id,
                     "from", f, "to", t);
}

static const char *method_name(cc_weights_method m)
{
    return m == CC_WEIGHTS_AHP ? "ahp" : m == CC_WEIGHTS_ENTROPY ? "entropy" : "fixed";
}

static json_t *weights_json(const cc_scorecard *sc)
{
    const cc_config *cfg = sc->cfg;
    json_t *w = json_object(), *d = json_object(), *ind = json_object();
    json_object_set_new(w, "method", json_string(method_name(cfg->weights)));
    for (size_t k = 0; k < cfg->ndims; k++)
        json_object_set_new(d, cfg->dims[k], jnum(sc->dim_weight[k]));
    json_object_set_new(w, "dimensions", d);
    for (size_t i = 0; i < cfg->nind; i++)
        json_object_set_new(ind, cfg->ind[i].id, jnum(sc->ind_weight[i]));
    json_object_set_new(w, "indicators", ind);
    if (cfg->weights == CC_WEIGHTS_AHP && sc->ahp.weights) {
        json_t *a = json_object(), *aw = json_object();
        for (size_t k = 0; k < sc->ahp.n && k < cfg->ndims; k++)
            json_object_set_new(aw, cfg->dims[k], jnum(sc->ahp.weights[k]));
        json_object_set_new(a, "weights", aw);
        json_object_set_new(a, "lambda_max", jnum(sc->ahp.lambda_max));
        json_object_set_new(a, "ci", jnum(sc->ahp.ci));
        json_object_set_new(a, "ri", jnum(sc->ahp.ri));
        json_object_set_new(a, "cr", jnum(sc->ahp.cr));
        json_object_set_new(a, "consistent", json_boolean(sc->ahp.consistent));
        json_object_set_new(w, "ahp", a);
    } else {
        json_object_set_new(w, "ahp", json_null());
    }
    return w;
}

static json_t *cell_json(const cc_scorecard *sc, size_t i, const cc_cell *c)
{
    const cc_indicator *ind = &sc->cfg->ind[i];
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(ind->id));
    json_object_set_new(o, "value", jnum(c->value));
    json_object_set_new(o, "numerator", jnum(c->num));
    json_object_set_new(o, "denominator", jnum(c->den));
    json_object_set_new(o, "target", jnum(ind->target));
    json_object_set_new(o, "score", jnum(c->score));
    json_object_set_new(o, "status", json_string(cc_status_name(c->status)));
    json_object_set_new(o, "level", json_string(shown_level(c)));
    json_object_set_new(o, "run", json_integer(c->run));
    json_object_set_new(o, "rectify", json_boolean(c->rectify));
    json_object_set_new(o, "change", jstr(cc_change_name(c->change)));
    json_object_set_new(o, "explanation", json_string(c->explanation ? c->explanation : ""));
    return o;
}

static json_t *unit_json(const cc_scorecard *sc, const cc_unit_result *r)
{
    const cc_config *cfg = sc->cfg;
    json_t *o = json_object(), *dims = json_object(), *inds = json_array();
    json_object_set_new(o, "level", json_string(cc_level_name(r->unit.level)));
    json_object_set_new(o, "id", json_string(r->unit.id));
    json_object_set_new(o, "name", json_string(r->unit.name));
    json_object_set_new(o, "street_id", jstr(r->unit.street_id));
    json_object_set_new(o, "total", jnum(r->total));
    json_object_set_new(o, "grade", jstr(r->grade));
    json_object_set_new(o, "rank", r->rank ? json_integer(r->rank) : json_null());
    json_object_set_new(o, "rank_in_area", r->rank_in_area ? json_integer(r->rank_in_area) : json_null());
    json_object_set_new(o, "coverage", jnum(r->coverage));
    if (r->unranked)
        json_object_set_new(o, "unranked", json_string(cc_unranked_name(r->unranked)));
    for (size_t d = 0; d < cfg->ndims; d++)
        json_object_set_new(dims, cfg->dims[d], json_pack("{s:o, s:o}", "score", jnum(r->dim_score[d]),
                                                            "coverage", jnum(r->dim_coverage[d])));
    json_object_set_new(o, "dimensions", dims);
    for (size_t i = 0; i < cfg->nind; i++)
        json_array_append_new(inds, cell_json(sc, i, &r->cells[i]));
    json_object_set_new(o, "indicators", inds);
    /* What moved the total since the previous period: each indicator's
     * contribution (weight x change in score) plus the effect of coverage
     * changes; they add up to `change`. Null where there is no previous total. */
    json_t *att = json_object(), *by = json_object();
    int have = !isnan(r->total) && !isnan(r->prev_total) && r->contrib;
    json_object_set_new(att, "previous_total", jnum(r->prev_total));
    json_object_set_new(att, "change", have ? jnum(r->total - r->prev_total) : json_null());
    for (size_t i = 0; i < cfg->nind; i++)
        json_object_set_new(by, cfg->ind[i].id, have ? jnum(r->contrib[i]) : json_null());
    json_object_set_new(att, "indicators", by);
    json_object_set_new(att, "coverage", have ? jnum(r->contrib_coverage) : json_null());
    char *top = have ? cc_scorecard_movers(sc, (size_t)(r - sc->res)) : NULL;
    json_object_set_new(att, "top", top ? json_string(top) : json_null());
    free(top);
    json_object_set_new(o, "attribution", att);
    return o;
}

/* ---- text helpers ---------------------------------------------------------------- */
/* Print s padded (or cut with …) to display width w; right > 0: aligned
 * right; right < 0: cut but never padded (the last column). */
static void pad(FILE *f, const char *s, size_t w, int right)
{
    size_t width = cc_utf8_width(s);
    if (width > w) {
        size_t used = 0, i = 0, n = strlen(s);
        while (i < n) {
            uint32_t cp;
            int k = cc_utf8_decode(s + i, n - i, &cp);
            if (k <= 0)
                break;
            char tmp[5] = {0};
            memcpy(tmp, s + i, (size_t)k);
            size_t cw = cc_utf8_width(tmp);
            if (used + cw + 1 > w)
                break;
            fwrite(s + i, 1, (size_t)k, f);
            used += cw;
            i += (size_t)k;
        }
        fputs("…", f);
        for (used++; right >= 0 && used < w; used++)
            fputc(' ', f);
        return;
    }
    if (right > 0)
        for (size_t k = width; k < w; k++)
            fputc(' ', f);
    fputs(s, f);
    if (right == 0)
        for (size_t k = width; k < w; k++)
            fputc(' ', f);
}

/* A CSV cell: quoted when needed; a text starting with = + - @ gets a '. */
static void csv_cell(FILE *f, const char *s, int text)
{
    int quote = 0;
    if (!s)
        s = "";
    for (const char *p = s; *p; p++)
        if (*p == ',' || *p == '"' || *p == '\n' || *p == '\r')
            quote = 1;
    if (quote)
        fputc('"', f);
    if (text && (*s == '=' || *s == '+' || *s == '-' || *s == '@'))
        fputc('\'', f);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            fputc('"', f);
        fputc(*p, f);
    }
    if (quote)
        fputc('"', f);
}

static void csv_num(FILE *f, double v)
{
    char b[48];
    cc_num_csv(b, sizeof b, v);     /* at most 6 decimals; json has full precision */
    fputs(b, f);
}

static const char *level_zh(const cc_cell *c)
{
    switch (c->colour) {
    case CC_COL_MET: return "达标";
    case CC_COL_BLUE: return "蓝";
    case CC_COL_YELLOW: return "黄";
    case CC_COL_RED: return "红";
    default: return c->status == CC_ST_INSUFFICIENT ? "样本不足" : "无数据";
    }
}

/* ---- scorecard ----------------------------------------------------------------------- */
static cc_err scorecard_json(FILE *f, const cc_scorecard *sc)
{
    json_t *root = json_object(), *units = json_array();
    json_object_set_new(root, "carecard", json_string(CARECARD_VERSION));
    json_object_set_new(root, "period", period_json(&sc->period));
    json_object_set_new(root, "weights", weights_json(sc));
    for (size_t u = 0; u < sc->units.n; u++)
        json_array_append_new(units, unit_json(sc, &sc->res[u]));
    json_object_set_new(root, "units", units);
    if (sc->kano) {
        static const char *const letters[] = {"A", "O", "M", "I", "R", "Q"};
        json_t *arr = json_array();
        for (size_t k = 0; k < sc->nkano; k++) {
            const cc_kano_row *r = &sc->kano[k];
            json_t *o = json_object(), *c = json_object();
            json_object_set_new(o, "id", json_string(r->feature->id));
            json_object_set_new(o, "name", jstr(r->feature->name ? r->feature->name : r->feature->id));
            for (int t = 0; t < 6; t++)
                json_object_set_new(c, letters[t], json_integer(r->counts[t]));
            json_object_set_new(o, "counts", c);
            json_object_set_new(o, "category", json_string(letters[r->category]));
            json_object_set_new(o, "better", jnum(r->better));
            json_object_set_new(o, "worse", jnum(r->worse));
            json_object_set_new(o, "priority", json_integer(r->priority));
            json_array_append_new(arr, o);
        }
        json_object_set_new(root, "kano", arr);
    }
    int rc = json_dumpf(root, f, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    json_decref(root);
    fputc('\n', f);
    return rc || ferror(f) ? CC_ERR_IO : CC_OK;
}

static void fmt_score(char *b, size_t n, double v)
{
    if (isnan(v)) snprintf(b, n, "—");
    else snprintf(b, n, "%.1f", v);
}

static cc_err scorecard_table(FILE *f, const cc_scorecard *sc)
{
    const cc_config *cfg = sc->cfg;
    char fd[11], td[11];
    cc_day_format(sc->period.from, fd);
    cc_day_format(sc->period.to, td);
    fprintf(f, "计分卡 %s (%s..%s)  权重 %s%s\n", sc->period.id, fd, td, method_name(cfg->weights),
            cfg->ranking == CC_RANK_TOPSIS ? "  排名 topsis" : "");
    /* communities with a rank first, then those without (覆盖不足, 未报) */
    size_t *order = cc_xmalloc((sc->units.n + 1) * sizeof *order), no = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t u = 0; u < sc->units.ncomm; u++)
            if ((sc->res[u].unranked != 0) == pass)
                order[no++] = u;
    for (size_t u = sc->units.ncomm; u < sc->units.n; u++)
        order[no++] = u;
    for (size_t k = 0; k < no; k++) {
        const cc_unit_result *r = &sc->res[order[k]];
        char tot[16], buf[64], head[160];
        fmt_score(tot, sizeof tot, r->total);
        if (r->unranked)
            snprintf(tot, sizeof tot, "%s", cc_unranked_zh(r->unranked));
        fputc('\n', f);
        snprintf(head, sizeof head, "%s %s %s",
                 r->unit.level == CC_LEVEL_COMMUNITY ? "社区" : r->unit.level == CC_LEVEL_STREET ? "街道" : "全区",
                 r->unit.id, r->unit.name);
        pad(f, head, 36, 0);
        fprintf(f, " 总分 %s", tot);
        if (r->grade)
            fprintf(f, " %s", r->grade);
        if (r->rank)
            fprintf(f, "  排名 %d", r->rank);
        if (r->rank_in_area && r->unit.level == CC_LEVEL_COMMUNITY)
            fprintf(f, " (全区 %d)", r->rank_in_area);
        fputc('\n', f);
        fputs("  ", f);
        for (size_t d = 0; d < cfg->ndims; d++) {
            fmt_score(buf, sizeof buf, r->dim_score[d]);
            fprintf(f, "%s%s %s", d ? "  " : "", cfg->dims[d], buf);
        }
        if (!isnan(r->coverage))
            fprintf(f, "  覆盖 %.0f%%", r->coverage * 100);
        fputc('\n', f);
        fputs("  ", f);
        pad(f, "指标", 20, 0);
        pad(f, "数值", 9, 1);
        fputc(' ', f);
        pad(f, "分子/分母", 15, 1);
        pad(f, "目标", 8, 1);
        pad(f, "得分", 7, 1);
        fputc(' ', f);
        pad(f, "预警", 8, 0);
        pad(f, "连续", 4, 1);
        fputc('\n', f);
        for (size_t i = 0; i < cfg->nind; i++) {
            const cc_cell *c = &r->cells[i];
            const cc_indicator *ind = &cfg->ind[i];
            char name[128], v[32], nd[64], t[32], sc_[16], n1[32], d1[32];
            snprintf(name, sizeof name, "%-3s %s", ind->id, ind->name);
            cc_format_indicator_value(v, sizeof v, ind, c->value);
            if (c->status == CC_ST_NOT_REPORTED || (c->why && !strcmp(c->why, "未报") && isnan(c->value)))
                snprintf(v, sizeof v, "未报");
            if (!isnan(c->num) && !isnan(c->den)) {
                cc_format_value(n1, sizeof n1, CC_UNIT_NUMBER, c->num);
                cc_format_value(d1, sizeof d1, CC_UNIT_NUMBER, c->den);
                snprintf(nd, sizeof nd, "%s/%s", n1, d1);
            } else {
                nd[0] = '\0';
            }
            cc_format_value(t, sizeof t, ind->unit, ind->target);
            fmt_score(sc_, sizeof sc_, c->score);
            fputs("  ", f);
            pad(f, name, 20, 0);
            pad(f, v, 9, 1);
            fputc(' ', f);
            pad(f, nd, 15, 1);
            pad(f, t, 8, 1);
            pad(f, sc_, 7, 1);
            fputc(' ', f);
            char lv[32];
            snprintf(lv, sizeof lv, "%s%s", level_zh(c), c->rectify ? "!" : "");
            pad(f, lv, 8, c->run ? 0 : -1);
            if (c->run) {
                char rb[8];
                snprintf(rb, sizeof rb, "%d", c->run);
                pad(f, rb, 4, 1);
            }
            fputc('\n', f);
        }
    }
    free(order);
    if (sc->nnot_reported)
        fprintf(f, "\n%zu 个社区本期未报送活动台账。\n", sc->nnot_reported);
    fputs("\n! = 专项整治 (连续未达标)\n", f);
    return ferror(f) ? CC_ERR_IO : CC_OK;
}

static cc_err scorecard_csv(FILE *f, const cc_scorecard *sc)
{
    const cc_config *cfg = sc->cfg;
    fputs("\xEF\xBB\xBF", f);
    fputs("period,unit_level,unit_id,unit_name,street_id,total,grade,rank,rank_in_area,coverage,"
          "indicator_id,indicator_name,dimension,value,numerator,denominator,target,score,status,"
          "level,run,rectify,change,prev_value,explanation\r\n", f);
    for (size_t u = 0; u < sc->units.n; u++) {
        const cc_unit_result *r = &sc->res[u];
        for (size_t i = 0; i < cfg->nind; i++) {
            const cc_cell *c = &r->cells[i];
            const cc_indicator *ind = &cfg->ind[i];
            csv_cell(f, sc->period.id, 1); fputc(',', f);
            csv_cell(f, cc_level_name(r->unit.level), 1); fputc(',', f);
            csv_cell(f, r->unit.id, 1); fputc(',', f);
            csv_cell(f, r->unit.name, 1); fputc(',', f);
            csv_cell(f, r->unit.street_id, 1); fputc(',', f);
            csv_num(f, r->total); fputc(',', f);
            csv_cell(f, r->grade, 1); fputc(',', f);
            if (r->rank) fprintf(f, "%d", r->rank);
            fputc(',', f);
            if (r->rank_in_area) fprintf(f, "%d", r->rank_in_area);
            fputc(',', f);
            csv_num(f, r->coverage); fputc(',', f);
            csv_cell(f, ind->id, 1); fputc(',', f);
            csv_cell(f, ind->name, 1); fputc(',', f);
            csv_cell(f, ind->dim >= 0 ? cfg->dims[ind->dim] : "extra", 1); fputc(',', f);
            csv_num(f, c->value); fputc(',', f);
            csv_num(f, c->num); fputc(',', f);
            csv_num(f, c->den); fputc(',', f);
            csv_num(f, ind->target); fputc(',', f);
            csv_num(f, c->score); fputc(',', f);
            csv_cell(f, cc_status_name(c->status), 1); fputc(',', f);
            csv_cell(f, cc_colour_name(c->colour), 1); fputc(',', f);
            fprintf(f, "%d,%s,", c->run, c->rectify ? "true" : "false");
            csv_cell(f, cc_change_name(c->change), 1); fputc(',', f);
            csv_num(f, c->prev_value); fputc(',', f);
            csv_cell(f, c->explanation, 1);
            fputs("\r\n", f);
        }
    }
    return ferror(f) ? CC_ERR_IO : CC_OK;
}

cc_err cc_render_scorecard(FILE *f, const cc_scorecard *sc, cc_format fmt)
{
    switch (fmt) {
    case CC_FMT_JSON: return scorecard_json(f, sc);
    case CC_FMT_CSV: return scorecard_csv(f, sc);
    case CC_FMT_TABLE: return scorecard_table(f, sc);
    default:
        cc_error("scorecard: this rendering has no %s format", "xlsx");
        return CC_ERR_USAGE;
    }
}

/* ---- warnings -------------------------------------------------------------------------- */
typedef struct { size_t u, i; int sev; } wref;

static int cmp_wref(const void *a, const void *b)
{
    const wref *x = a, *y = b;
    if (x->sev != y->sev)
        return y->sev - x->sev;
    if (x->u != y->u)
        return x->u < y->u ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* Severity for sorting: red 3, yellow 2, blue 1, resolved 0; -1 = not listed. */
static int severity(const cc_cell *c, int min_colour)
{
    int sev;
    if (cc_status_is_warning(c->status))
        sev = c->colour == CC_COL_RED ? 3 : c->colour == CC_COL_YELLOW ? 2 : 1;
    else if (c->change == CC_CHG_RESOLVED)
        sev = 0;
    else
        return -1;
    if (min_colour == CC_COL_RED && sev < 3) return -1;
    if (min_colour == CC_COL_YELLOW && sev < 2) return -1;
    if (min_colour == CC_COL_BLUE && sev < 1) return -1;
    return sev;
}

static wref *collect(const cc_scorecard *sc, int min_colour, size_t *n)
{
    size_t cap = 64;
    wref *w = cc_xmalloc(cap * sizeof *w);
    *n = 0;
    for (size_t u = 0; u < sc->units.n; u++)
        for (size_t i = 0; i < sc->cfg->nind; i++) {
            int sev = severity(&sc->res[u].cells[i], min_colour);
            if (sev < 0)
                continue;
            if (*n == cap) {
                cap *= 2;
                w = cc_xrealloc(w, cap * sizeof *w);
            }
            w[(*n)++] = (wref){u, i, sev};
        }
    qsort(w, *n, sizeof *w, cmp_wref);
    return w;
}

/* The warnings as JSON: {carecard, period, warnings: [...]}. */
static cc_err warnings_json(FILE *f, const cc_scorecard *sc, const cc_items *items, const wref *w, size_t n)
{
    const cc_config *cfg = sc->cfg;
    cc_err e = CC_OK;
    json_t *root = json_object(), *arr = json_array();
    json_object_set_new(root, "carecard", json_string(CARECARD_VERSION));
    json_object_set_new(root, "period", period_json(&sc->period));
    for (size_t k = 0; k < n; k++) {
        const cc_unit_result *r = &sc->res[w[k].u];
        const cc_cell *c = &r->cells[w[k].i];
        const cc_indicator *ind = &cfg->ind[w[k].i];
        json_t *o = json_object();
        json_object_set_new(o, "unit_level", json_string(cc_level_name(r->unit.level)));
        json_object_set_new(o, "unit_id", json_string(r->unit.id));
        json_object_set_new(o, "unit_name", json_string(r->unit.name));
        json_object_set_new(o, "street_id", jstr(r->unit.street_id));
        json_object_set_new(o, "indicator_id", json_string(ind->id));
        json_object_set_new(o, "indicator_name", json_string(ind->name));
        json_object_set_new(o, "status", json_string(cc_status_name(c->status)));
        json_object_set_new(o, "level", json_string(shown_level(c)));
        json_object_set_new(o, "value", jnum(c->value));
        json_object_set_new(o, "numerator", jnum(c->num));
        json_object_set_new(o, "denominator", jnum(c->den));
        json_object_set_new(o, "target", jnum(ind->target));
        json_object_set_new(o, "run", json_integer(c->run));
        json_object_set_new(o, "rectify", json_boolean(c->rectify));
        json_object_set_new(o, "change", jstr(cc_change_name(c->change)));
        json_object_set_new(o, "action", json_string(cc_cell_action_zh(c)));
        json_object_set_new(o, "explanation", json_string(c->explanation ? c->explanation : ""));
        const cc_ritem *it = items ? cc_items_current(items, w[k].u, w[k].i) : NULL;
        json_object_set_new(o, "item", it ? json_string(it->id) : json_null());
        json_object_set_new(o, "item_state", it ? json_string(cc_item_state_zh(it->state)) : json_null());
        json_array_append_new(arr, o);
    }
    json_object_set_new(root, "warnings", arr);
    if (json_dumpf(root, f, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17)))
        e = CC_ERR_IO;
    fputc('\n', f);
    json_decref(root);
    return e;
}

/* The warnings as CSV (UTF-8 with a BOM, CRLF): warnings.csv. */
static void warnings_csv(FILE *f, const cc_scorecard *sc, const cc_items *items, const wref *w, size_t n)
{
    const cc_config *cfg = sc->cfg;
    fputs("\xEF\xBB\xBF", f);
    fputs("period,unit_level,unit_id,unit_name,indicator_id,indicator_name,status,value,target,"
          "run,rectify,change,explanation,item,item_state\r\n", f);
    for (size_t k = 0; k < n; k++) {
        const cc_unit_result *r = &sc->res[w[k].u];
        const cc_cell *c = &r->cells[w[k].i];
        const cc_indicator *ind = &cfg->ind[w[k].i];
        csv_cell(f, sc->period.id, 1); fputc(',', f);
        csv_cell(f, cc_level_name(r->unit.level), 1); fputc(',', f);
        csv_cell(f, r->unit.id, 1); fputc(',', f);
        csv_cell(f, r->unit.name, 1); fputc(',', f);
        csv_cell(f, ind->id, 1); fputc(',', f);
        csv_cell(f, ind->name, 1); fputc(',', f);
        csv_cell(f, cc_status_name(c->status), 1); fputc(',', f);
        csv_num(f, c->value); fputc(',', f);
        csv_num(f, ind->target); fputc(',', f);
        fprintf(f, "%d,%s,", c->run, c->rectify ? "true" : "false");
        csv_cell(f, cc_change_name(c->change), 1); fputc(',', f);
        csv_cell(f, c->explanation, 1);
        const cc_ritem *it = items ? cc_items_current(items, w[k].u, w[k].i) : NULL;
        fputc(',', f);
        if (it)
            csv_cell(f, it->id, 1);
        fputc(',', f);
        if (it)
            csv_cell(f, cc_item_state_zh(it->state), 1);
        fputs("\r\n", f);
    }
}

/* The warnings as a table for the terminal. */
static void warnings_table(FILE *f, const cc_scorecard *sc, const wref *w, size_t n)
{
    const cc_config *cfg = sc->cfg;
    char fd[11], td[11];
    cc_day_format(sc->period.from, fd);
    cc_day_format(sc->period.to, td);
    fprintf(f, "预警 %s (%s..%s): %zu 条\n", sc->period.id, fd, td, n);
    if (n) {
        /* every column ends in a space, so no two run together
         * ("红未报" fills its 6 columns) */
        pad(f, "等级", 6, 0);
        fputc(' ', f);
        pad(f, "单位", 17, 0);
        fputc(' ', f);
        pad(f, "指标", 17, 0);
        fputc(' ', f);
        pad(f, "数值", 7, 1);
        fputc(' ', f);
        pad(f, "目标", 7, 1);
        fputc(' ', f);
        pad(f, "连续", 4, 1);
        fputc(' ', f);
        pad(f, "状态", 7, 0);
        fputs("处置\n", f);
    }
    for (size_t k = 0; k < n; k++) {
        const cc_unit_result *r = &sc->res[w[k].u];
        const cc_cell *c = &r->cells[w[k].i];
        const cc_indicator *ind = &cfg->ind[w[k].i];
        char name[128], v[32], t[32], rb[8];
        const char *lv = c->status == CC_ST_NOT_REPORTED ? (c->rectify ? "红未报" : "黄未报")
                       : c->change == CC_CHG_RESOLVED && !cc_status_is_warning(c->status) ? "达标"
                       : level_zh(c);
        snprintf(name, sizeof name, "%s %s", ind->id, ind->name);
        cc_format_indicator_value(v, sizeof v, ind, c->value);
        cc_format_value(t, sizeof t, ind->unit, ind->target);
        snprintf(rb, sizeof rb, "%d", c->run);
        pad(f, lv, 6, 0);
        fputc(' ', f);
        pad(f, r->unit.name, 17, 0);
        fputc(' ', f);
        pad(f, name, 17, 0);
        fputc(' ', f);
        pad(f, c->status == CC_ST_NOT_REPORTED ? "—" : v, 7, 1);
        fputc(' ', f);
        pad(f, t, 7, 1);
        fputc(' ', f);
        pad(f, rb, 4, 1);
        fputc(' ', f);
        pad(f, cc_change_zh(c->change), 7, *cc_cell_action_zh(c) ? 0 : -1);
        fputs(cc_cell_action_zh(c), f);
        fputc('\n', f);
        if (c->explanation && *c->explanation) {
            fputs("      ", f);
            pad(f, c->explanation, 73, -1);
            fputc('\n', f);
        }
    }
}

cc_err cc_render_warnings(FILE *f, const cc_scorecard *sc, const cc_items *items, cc_format fmt, int min_colour)
{
    size_t n;
    wref *w = collect(sc, min_colour, &n);
    cc_err e = CC_OK;

    if (fmt == CC_FMT_JSON) {
        e = warnings_json(f, sc, items, w, n);
    } else if (fmt == CC_FMT_CSV) {
        warnings_csv(f, sc, items, w, n);
    } else if (fmt == CC_FMT_TABLE) {
        warnings_table(f, sc, w, n);
    } else {
        cc_error("warnings: no xlsx format; use table, csv or json");
        e = CC_ERR_USAGE;
    }
    free(w);
    if (!e && ferror(f))
        e = CC_ERR_IO;
    return e;
}
