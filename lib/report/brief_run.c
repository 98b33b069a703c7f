/* brief_run — the brief of a report run: fills a cc_brief from the input of
 * one workbook (the street's or the area's) and writes <base>-简报.pdf/.png
 * beside it.  What the page shows, and from which fields: docs/reports/brief.md. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/brief_int.h"
#include "report/workbook_int.h"
#include "store/store.h"

#define RECTIFY_SUFFIX " → 专项整治"

#ifndef CARECARD_VERSION
#define CARECARD_VERSION "dev"
#endif

/* Why a row has no rank (the scorecard's reason): 未报 or 覆盖不足; NULL when
 * ranked.  A row without a rank and without a reason (no value at all) is
 * shown as 覆盖不足 too: none of its weight has values. */
static const char *unranked_reason(const cc_wb_input *in, const cc_unit_result *r)
{
    if (r->rank > 0 && r->unranked == CC_UNRANKED_NONE)
        return NULL;
    if (r->unranked == CC_UNRANKED_NOT_REPORTED)
        return in->lang_en ? "not reported" : cc_unranked_zh(r->unranked);
    return in->lang_en ? "low coverage" : cc_unranked_zh(CC_UNRANKED_COVERAGE);
}

/* 处置 that asks for action: 专项整治, 限期整改, 督促报送 (关注, for blue, does not). */
static int to_act_on(const cc_cell *c)
{
    if (!cc_wb_is_warning(c->status))
        return 0;
    return c->rectify || c->status != CC_ST_BLUE;
}

static const char *kano_label(const cc_wb_input *in, cc_kano_cat c)
{
    static const char *const zh[6] = {"魅力", "期望", "必备", "无差异", "反向", "可疑"};
    static const char *const en[6] = {"attractive", "one-dimensional", "must-be", "indifferent",
                                      "reverse", "questionable"};
    return (int)c < 0 || c > CC_KANO_Q ? "" : in->lang_en ? en[c] : zh[c];
}

void cc_brief_data_to(cc_store *s, cc_day to, char *out, size_t len)
{
    cc_store_last_activity(s, to, out, len);
}

/* The headline figures over the listed rows (communities of a street,
 * streets of the area). */
static void fill_headline(const cc_wb_input *in, cc_brief *b)
{
    const cc_scorecard *sc = in->sc;
    const cc_unit_result *scope = &sc->res[in->scope];
    int en = in->lang_en;
    double sum = 0, dsum = 0;
    size_t nsum = 0, ndsum = 0;
    for (size_t k = 0; k < in->nrows; k++) {
        const cc_unit_result *r = &sc->res[in->rows[k]];
        if (!unranked_reason(in, r) && !isnan(r->total)) {
            sum += r->total;
            nsum++;
            if (!isnan(r->prev_total)) {
                dsum += r->total - r->prev_total;
                ndsum++;
            }
        }
        b->red += r->warnings[CC_COL_RED];
        b->yellow += r->warnings[CC_COL_YELLOW];
        b->blue += r->warnings[CC_COL_BLUE];
        b->rectify += r->nrectify;
        static const char *const g[4] = {"优秀", "良好", "合格", "不合格"};
        for (int q = 0; q < 4; q++)
            if (!unranked_reason(in, r) && r->grade && !strcmp(r->grade, g[q]))
                b->grades[q]++;
    }
    b->mean = nsum ? sum / (double)nsum : NAN;
    b->mean_change = ndsum ? dsum / (double)ndsum : NAN;
    b->change_label = cc_wb_prev_label(in);
    b->mean_label = scope->unit.level == CC_LEVEL_AREA ? (en ? "Street mean" : "街道平均分")
                                                     : (en ? "Community mean" : "社区平均分");
}

/* 需要处置: 专项整治 first, then red, yellow and 督促报送, in the 预警清单's
 * order.  *items_out and the *texts_out (returns how many) for the caller
 * to free. */
static size_t fill_items(const cc_wb_input *in, cc_brief *b, cc_brief_item **items_out, char ***texts_out)
{
    const cc_scorecard *sc = in->sc;
    int en = in->lang_en;
    size_t *wu, *wi;
    size_t nw = cc_wb_warning_rows(sc, in->rows, in->nrows, 0, &wu, &wi);
    cc_brief_item *items = *items_out = cc_xcalloc(nw + 1, sizeof *items);
    char **texts = *texts_out = cc_xcalloc(nw + 1, sizeof *texts);
    size_t ntexts = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t k = 0; k < nw; k++) {
            const cc_unit_result *r = &sc->res[wu[k]];
            const cc_cell *c = &r->cells[wi[k]];
            if (!to_act_on(c) || (c->rectify != 0) != (pass == 0))
                continue;
            cc_brief_item *it = &items[b->nitems++];
            it->unit = r->unit.name;
            /* English tags short enough for the tag's width */
            it->action = !en ? cc_wb_action_label(in, c)
                         : c->rectify ? "Special" : c->status == CC_ST_NOT_REPORTED ? "Chase"
                         : "Deadline";
            it->text = c->explanation;
            if (c->rectify && it->text) {
                /* the tag says 专项整治: the explanation need not end with it */
                size_t n = strlen(it->text), sl = strlen(RECTIFY_SUFFIX);
                if (n > sl && !strcmp(it->text + n - sl, RECTIFY_SUFFIX))
                    it->text = texts[ntexts++] = cc_xasprintf("%.*s", (int)(n - sl), it->text);
            }
            it->colour = c->colour;
            it->rectify = c->rectify;
        }
    b->items = items;
    free(wu);
    free(wi);
    return ntexts;
}

/* The ranking: a bar per listed row (caller frees). */
static cc_brief_bar *fill_bars(const cc_wb_input *in, cc_brief *b)
{
    const cc_scorecard *sc = in->sc;
    const cc_config *cfg = sc->cfg;
    const cc_unit_result *scope = &sc->res[in->scope];
    int en = in->lang_en;
    cc_brief_bar *bars = cc_xcalloc(in->nrows + 1, sizeof *bars);
    for (size_t k = 0; k < in->nrows; k++) {
        const cc_unit_result *r = &sc->res[in->rows[k]];
        bars[k].name = r->unit.name;
        bars[k].rank = r->rank;
        bars[k].unranked = unranked_reason(in, r);
        bars[k].total = bars[k].unranked ? NAN : r->total;
        bars[k].grade = bars[k].unranked ? NULL : r->grade;
        if (en && bars[k].grade) {
            static const char *const g[4][2] = {{"优秀", "Exc"}, {"良好", "Good"},
                                                {"合格", "Pass"}, {"不合格", "Fail"}};
            for (int q = 0; q < 4; q++)
                if (!strcmp(bars[k].grade, g[q][0]))
                    bars[k].grade = g[q][1];
        }
    }
    b->bars = bars;
    b->nbars = in->nrows;
    b->bars_title = scope->unit.level == CC_LEVEL_AREA ? (en ? "Streets ranked" : "街道排名")
                                                     : (en ? "Communities ranked" : "社区排名");
    for (int q = 0; q < 3; q++)
        b->grade_cut[q] = cfg->grades[q];
    return bars;
}

/* The scope's total over the trend periods, oldest first; the caller frees
 * *tv_out, *tl_out and *tlp_out. */
static void fill_trend(const cc_wb_input *in, cc_brief *b, double **tv_out, char (**tl_out)[16],
                       const char ***tlp_out)
{
    const cc_scorecard *sc = in->sc;
    const cc_config *cfg = sc->cfg;
    const cc_unit_result *scope = &sc->res[in->scope];
    size_t np = in->trend ? in->trend->npoints : CC_HISTORY;
    double *tv = *tv_out = cc_xcalloc(np + 1, sizeof *tv);
    char (*tl)[16] = *tl_out = cc_xcalloc(np + 1, sizeof *tl);
    const char **tlp = *tlp_out = cc_xcalloc(np + 1, sizeof *tlp);
    for (size_t p = 0; p < np; p++) {
        const char *id = in->trend ? in->trend->labels[p] : sc->hist_period[np - 1 - p].id;
        const char *w = strstr(id, "-W");
        snprintf(tl[p], sizeof tl[p], "%s", w ? w + 1 : id);
        tlp[p] = tl[p];
        tv[p] = in->trend ? in->trend->values[(p * sc->units.n + in->scope) * (cfg->nind + 1) + cfg->nind]
                          : scope->total_hist[np - 1 - p];
    }
    b->trend = tv;
    b->trend_labels = tlp;
    b->ntrend = np;
}

/* Quarterly: the top KANO priorities, the features with answers (caller
 * frees). */
static cc_brief_kano *fill_kano(const cc_wb_input *in, cc_brief *b)
{
    cc_brief_kano *kano = cc_xcalloc(in->nkano + 1, sizeof *kano);
    for (size_t k = 0; in->kano && k < in->nkano; k++) {
        const cc_kano_row *r = &in->kano[k];
        if (isnan(r->better) || !r->feature)
            continue;
        kano[b->nkano].name = r->feature->name;
        kano[b->nkano].category = kano_label(in, r->category);
        b->nkano++;
    }
    b->kano = kano;
    return kano;
}

cc_err cc_brief_report(const cc_wb_input *in, const char *dir, const char *base,
                       const char *config_sha, const char *data_to)
{
    const cc_scorecard *sc = in->sc;
    const cc_unit_result *scope = &sc->res[in->scope];
    int en = in->lang_en;
    cc_brief b;
    memset(&b, 0, sizeof b);
    b.lang_en = en;

    const char *sname = scope->unit.level == CC_LEVEL_AREA && (!scope->unit.name ||
                        !*scope->unit.name || !strcmp(scope->unit.id, "all"))
                        ? (en ? "Area" : "全区") : scope->unit.name;
    char *title = cc_xasprintf("%s · %s", sname ? sname : "", cc_wb_report_name(in));
    char *period = cc_wb_period_label(in);
    int y, m, d;
    cc_wb_ymd(sc->period.to, &y, &m, &d);
    char date[32];
    snprintf(date, sizeof date, "%04d-%02d-%02dT00:00:00Z", y, m, d);
    b.title = title;
    b.period = period;
    b.date = date;

    /* the data line: communities of the scope, those that did not report */
    const char **unrep = cc_xcalloc(sc->units.n + 1, sizeof *unrep);
    for (size_t i = 0; i < sc->units.n; i++) {
        const cc_unit_result *r = &sc->res[i];
        if (cc_wb_in_scope(&scope->unit, &r->unit) && !r->reported)
            unrep[b.nunreported++] = r->unit.name;
    }
    b.unreported = unrep;
    b.nreported = in->nreported;
    b.nunits = in->ncommunities;
    b.data_to = data_to && *data_to ? data_to : NULL;

    fill_headline(in, &b);

    /* 需要处置: 专项整治 first, then red, yellow and 督促报送 */
    cc_brief_item *items;
    char **texts;
    size_t ntexts = fill_items(in, &b, &items, &texts);

    /* the ranking */
    cc_brief_bar *bars = fill_bars(in, &b);

    /* the scope's total over the trend periods, oldest first */
    double *tv;
    char (*tl)[16];
    const char **tlp;
    fill_trend(in, &b, &tv, &tl, &tlp);

    /* quarterly: the top KANO priorities (features with answers) */
    cc_brief_kano *kano = fill_kano(in, &b);

    /* the rectification ledger: items of the scope's communities by state */
    cc_brief_ledger ledger[CC_IS_COUNT];
    if (in->ritems) {
        size_t nunits, *units = cc_wb_scope_units(sc, in->scope, &nunits);
        cc_items_summary isum;
        cc_items_summarise(in->ritems, units, nunits, &isum);
        free(units);
        for (int k = 0; k < CC_IS_COUNT; k++) {
            ledger[k].state = cc_item_state_zh((cc_item_state)k);
            ledger[k].count = isum.count[k];
        }
        b.ledger = ledger;
        b.nledger = CC_IS_COUNT;
    }
    b.nfiles = in->nfiles;
    b.config_sha = config_sha;
    b.version = CARECARD_VERSION;

    char *pdf = cc_xasprintf("%s/%s-简报.pdf", dir, base);
    char *png = cc_xasprintf("%s/%s-简报.png", dir, base);
    cc_err e = cc_brief_write(&b, pdf, png);
    free(pdf);
    free(png);
    free(title);
    free(period);
    free(unrep);
    free(items);
    for (size_t k = 0; k < ntexts; k++)
        free(texts[k]);
    free(texts);
    free(bars);
    free(tv);
    free(tl);
    free(tlp);
    free(kano);
    return e;
}
