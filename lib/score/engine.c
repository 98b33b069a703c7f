/* engine — the balanced scorecard of one period: indicator values per unit,
 * sample-size guard, red/yellow/blue levels, escalation (连续未达标), 未报,
 * scores, dimension scores, totals, grades, ranks and score attribution.
 *
 * Every period of the history (this one and CC_HISTORY - 1 before it) is
 * computed the same way from the data — its own windows, registry date and
 * 未报 state — so runs, 上期值 and the change status never depend on which
 * reports were run before.
 *
 * This file is the flow (cc_scorecard_compute) and the result per unit; the
 * steps are in the other files of score/ (score_int.h lists them).
 */
#include "score/score_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- weights and ranking methods ---------------------------------------------------------- */
/* AHP dimension weights from the [ahp] matrix (printed error when inconsistent). */
static cc_err score_ahp(const cc_config *cfg, cc_ahp_result *res)
{
    return cc_config_check_weights(cfg, res);
}

/* KANO table of the scope's communities for the period: kept when the period
 * is a quarter or any response of the range gives a KANO pair. */
static cc_err scorecard_kano(cc_store *s, const cc_config *cfg, cc_scorecard *sc, int scoped)
{
    cc_survey_filter f;
    cc_kano_row *rows = NULL;
    long any = 0;
    const char **ids = NULL;
    cc_err e;
    if (cfg->nkano == 0)
        return CC_OK;
    memset(&f, 0, sizeof f);
    f.from = sc->period.from;
    f.to = sc->period.to;
    /* a scoped scorecard: only its communities' responses */
    if (scoped) {
        ids = cc_xcalloc(sc->units.ncomm + 1, sizeof *ids);
        for (size_t i = 0; i < sc->units.ncomm; i++)
            ids[i] = sc->res[i].unit.id;
        f.communities = ids;
        f.ncommunities = sc->units.ncomm;
    }
    e = cc_kano_collect(s, cfg, &f, &rows, NULL);
    free(ids);
    if (e)
        return e;
    for (size_t k = 0; k < cfg->nkano; k++)
        for (int c = 0; c < 6; c++)
            any += rows[k].counts[c];
    if (any == 0 && sc->period.kind != CC_PERIOD_QUARTER) {
        free(rows);
        return CC_OK;
    }
    sc->kano = rows;
    sc->nkano = cfg->nkano;
    return CC_OK;
}

/* ---- the scorecard --------------------------------------------------------------------- */
static int in_scope(const cc_scope *sc, const cc_unit *u)
{
    int any = sc && (sc->nstreets || sc->ncommunities);
    if (!any)
        return 1;
    if (u->level == CC_LEVEL_AREA)
        return 1;
    for (size_t i = 0; i < sc->nstreets; i++)
        if (!strcmp(sc->streets[i], u->street_id))
            return 1;
    for (size_t i = 0; i < sc->ncommunities; i++)
        if (u->level == CC_LEVEL_COMMUNITY && !strcmp(sc->communities[i], u->id))
            return 1;
    return 0;
}

static void unit_copy(cc_unit *dst, const cc_unit *src)
{
    *dst = *src;
    dst->id = cc_xstrdup(src->id);
    dst->name = cc_xstrdup(src->name);
    dst->street_id = src->street_id ? cc_xstrdup(src->street_id) : NULL;
    dst->street_name = src->street_name ? cc_xstrdup(src->street_name) : NULL;
}

static void unit_free(cc_unit *u)
{
    free(u->id); free(u->name); free(u->street_id); free(u->street_name);
}

static void unit_result_free(cc_unit_result *r)
{
    unit_free(&r->unit);
    free(r->text);
    free(r->cells);
    free(r->contrib);
}

void cc_scorecard_free(cc_scorecard *sc)
{
    if (!sc)
        return;
    for (size_t i = 0; sc->res && i < sc->units.n; i++)
        unit_result_free(&sc->res[i]);
    free(sc->res);
    for (int k = 0; k < CC_HISTORY; k++) {
        free(sc->hist_val[k]);
        free(sc->hist_st[k]);
    }
    cc_units_release(&sc->units);
    free(sc->ind_weight);
    cc_ahp_release(&sc->ahp);
    free(sc->kano);
    free(sc);
}

/* Every period of the history computed into ps (period 0 in full, the
 * others trimmed: cc_score_pstate_trim), with the measure caches around
 * them; periods that end before the data begin are not computed (ok = 0:
 * nothing reads them), nor those from nhist on. */
static cc_err compute_history(cc_store *s, const cc_config *cfg, cc_scorecard *sc, cc_score_pstate *ps,
                              int nhist)
{
    cc_err e = CC_OK;
    /* periods that end before the data begin never count: not in a run (of
     * misses or of 未报), no previous value */
    cc_day dfrom, dto;
    e = cc_score_data_range(s, &dfrom, &dto);
    int nk = 1;
    while (!e && nk < nhist && dfrom <= dto && sc->hist_period[nk].to >= dfrom)
        nk++;

    if (!e && cfg->weights == CC_WEIGHTS_AHP)
        e = score_ahp(cfg, &sc->ahp);
    cc_items_prep iprep = {0};          /* the items the measures items_* count (ledger.c) */
    if (!e)
        e = cc_items_prepare(s, cfg, sc->hist_period, &iprep);
    /* Periods whose window values are known need only items_*, which read
     * no data: the look-back's own periods (computed just now) and those
     * kept in the database (read here, before the prefetch). */
    unsigned char skip[CC_HISTORY] = {0};
    int nknown = 0;
    for (int k = 0; k < nk && !e; k++) {
        skip[k] = cc_score_vmemo_has(cfg, &sc->hist_period[k]) ||
                  cc_items_values_has(s, cfg, &sc->hist_period[k]);
        nknown += skip[k];
    }
    int all = nknown == nk;
    /* the periods' attendance windows overlap (a last:13w window moves by a
     * week): attend.c's week cache reads each week once (bounded memory) */
    if (!e && !all)
        e = cc_measures_cache_begin(s);
    if (!e && !all)                     /* and span.c's, for the other sources */
        e = cc_measures_span_begin(s);
    cc_units hunits[CC_HISTORY];        /* filled in two threads first */
    memset(hunits, 0, sizeof hunits);
    int pre = 0;
    if (!e && !all) {
        e = cc_score_prefetch_history(s, cfg, sc->hist_period, nk, skip, hunits);
        pre = 1;
        if (!e && cc_interrupted)
            e = CC_ERR_INTERRUPTED;
    }
    for (int k = 0; k < nk && !e; k++) {
        /* one period's kept values in memory at a time */
        size_t klen = 0;
        unsigned char *kept = skip[k] && !cc_score_vmemo_has(cfg, &sc->hist_period[k])
                                  ? cc_items_values_get(s, cfg, &sc->hist_period[k], &klen) : NULL;
        e = cc_score_period_compute(s, cfg, &sc->hist_period[k], &ps[k],
                                    cfg->weights == CC_WEIGHTS_AHP ? &sc->ahp : NULL, k == 0,
                                    pre && !skip[k] ? &hunits[k] : NULL, kept, klen);
        free(kept);
        if (!e)
            cc_score_pstate_trim(&ps[k], k);
        if (cc_interrupted)
            e = CC_ERR_INTERRUPTED;
    }
    for (int k = 0; k < CC_HISTORY; k++)
        cc_units_release(&hunits[k]);
    if (!all) {
        cc_measures_span_end(s);
        cc_measures_cache_end(s);
    }
    cc_items_finish(&iprep);
    return e;
}

/* Cell i of unit u (index idx[k] in period k, -1 where it is not): value,
 * status after escalation, change, history, explanation, attribution. */
static void cell_fill(const cc_scorecard *sc, const cc_score_pstate *ps, const int *idx, size_t u, size_t i,
                      cc_unit_result *r, cc_buf *text, size_t *at)
{
    const cc_config *cfg = sc->cfg;
    const cc_period *p = &sc->period;
    size_t nind = cfg->nind;
    cc_cell *c = &r->cells[i];
    size_t ci = u * nind + i;
    cc_score_esc now = cc_score_escalate(cfg, ps, idx, i, 0);
    cc_score_esc before = cc_score_escalate(cfg, ps, idx, i, 1);
    c->value = ps[0].val[ci];
    c->num = ps[0].num[ci];
    c->den = ps[0].den[ci];
    c->score = ps[0].score[ci];
    c->status = now.status;
    c->run = now.run;
    c->rectify = now.rectify;
    c->colour = cc_score_colour(c->status, c->rectify);
    c->why = ps[0].why[ci];
    c->prev_status = before.status;
    c->prev_value = idx[1] >= 0 ? ps[1].val[(size_t)idx[1] * nind + i] : NAN;
    int wn = cc_status_is_warning(c->status), wp = idx[1] >= 0 && cc_status_is_warning(before.status);
    c->change = wn && wp ? CC_CHG_CONTINUING : wn ? CC_CHG_NEW
              : wp && c->status == CC_ST_MET ? CC_CHG_RESOLVED : CC_CHG_NONE;
    at[i] = text->len;
    cc_score_explain(text, cfg, p, &cfg->ind[i], &r->unit, c);
    cc_buf_addc(text, '\0');            /* each one ends with its NUL */
    if (cc_status_is_warning(c->status)) {
        r->warnings[c->colour]++;
        r->nrectify += c->rectify;
    }
    /* attribution: mean effective weight x change in score */
    r->contrib[i] = NAN;
    if (idx[1] >= 0 && !isnan(c->score)) {
        size_t pi = (size_t)idx[1] * nind + i;
        double s1 = ps[1].score[pi];
        if (!isnan(s1) && cfg->ind[i].dim >= 0)
            r->contrib[i] = 0.5 * (ps[0].eff[ci] + ps[1].eff[pi]) * (c->score - s1);
    }
}

/* Where unit u of period 0 is in each period of the history (hidx). */
static void unit_result_place(cc_scorecard *sc, const cc_score_pstate *ps, size_t u)
{
    const cc_unit *x = &ps[0].units.u[u];
    for (int k = 0; k < CC_HISTORY; k++)
        sc->res[u].hidx[k] = k == 0 ? (int)u : ps[k].ok ? (int)cc_units_find(&ps[k].units, x->level, x->id) : -1;
}

/* The result of unit u of period 0 (its units: ps[0].units) from the
 * history ps, once the unit is placed in it. */
static void unit_result_fill(cc_scorecard *sc, const cc_score_pstate *ps, size_t u)
{
    const cc_config *cfg = sc->cfg;
    const cc_units *U = &ps[0].units;
    size_t nind = cfg->nind;
    cc_unit_result *r = &sc->res[u];
    const int *idx = r->hidx;
    unit_copy(&r->unit, &U->u[u]);
    r->reported = u < U->ncomm ? ps[0].reported[u] : 1;
    if (u < U->ncomm && !r->reported)
        sc->nnot_reported++;
    r->total = ps[0].total[u];
    r->coverage = ps[0].coverage[u];
    r->unranked = (cc_unranked)ps[0].unranked[u];
    r->closeness = NAN;
    for (size_t d = 0; d < CC_MAX_DIMS; d++) {
        r->dim_score[d] = ps[0].dscore[u * CC_MAX_DIMS + d];
        r->dim_coverage[d] = ps[0].dcov[u * CC_MAX_DIMS + d];
    }
    for (int k = 0; k < CC_HISTORY; k++)
        r->total_hist[k] = idx[k] >= 0 ? ps[k].total[idx[k]] : NAN;
    r->prev_total = r->total_hist[1];
    if (!isnan(r->total)) {
        const double *g = cfg->grades;
        r->grade = r->total >= g[0] ? "优秀" : r->total >= g[1] ? "良好"
                 : r->total >= g[2] ? "合格" : "不合格";
    }
    r->cells = cc_xcalloc(nind + 1, sizeof *r->cells);
    r->contrib = cc_xcalloc(nind + 1, sizeof(double));
    /* the explanations in one buffer of the unit, not one allocation a cell
     * (a province's million cells: ~25 MB of allocator overhead) */
    cc_buf text = CC_BUF_INIT;
    size_t *at = cc_xmalloc((nind + 1) * sizeof *at);
    for (size_t i = 0; i < nind; i++)
        cell_fill(sc, ps, idx, u, i, r, &text, at);
    r->text = cc_xrealloc(text.s, text.len + 1);
    for (size_t i = 0; i < nind; i++)
        r->cells[i].explanation = r->text + at[i];
    free(at);
    r->contrib_coverage = NAN;
    if (!isnan(r->total) && !isnan(r->prev_total)) {
        double sum = 0;
        for (size_t i = 0; i < nind; i++)
            if (!isnan(r->contrib[i]))
                sum += r->contrib[i];
        r->contrib_coverage = (r->total - r->prev_total) - sum;
    } else {
        for (size_t i = 0; i < nind; i++)
            r->contrib[i] = NAN;
    }
}

/* Keep the units of the scope (communities and streets in it, the
 * streets of its communities, the area), in order, and renumber the
 * communities' streets. */
static void keep_scope(cc_scorecard *sc, const cc_scope *scope)
{
    cc_units *A = &sc->units;
    size_t *keep = cc_xmalloc((A->n + 1) * sizeof *keep), nk = 0, nc = 0, ns = 0;
    unsigned char *sel = cc_xcalloc(A->n + 1, 1);
    for (size_t u = 0; u < A->ncomm; u++)
        if (in_scope(scope, &A->u[u])) {
            sel[u] = 1;
            sel[A->u[u].street] = 1;
        }
    for (size_t u = A->ncomm; u < A->n; u++)
        if (A->u[u].level == CC_LEVEL_AREA || (!sel[u] && in_scope(scope, &A->u[u])))
            sel[u] = 1;
    for (size_t u = 0; u < A->n; u++)
        if (sel[u]) {
            keep[nk++] = u;
            if (u < A->ncomm) nc++;
            else if (u < A->ncomm + A->nstreet) ns++;
        }
    cc_units nu = {cc_xcalloc(nk + 1, sizeof(cc_unit)), nk, nc, ns, A->day};
    cc_unit_result *nr = cc_xcalloc(nk + 1, sizeof *nr);
    for (size_t k = 0; k < nk; k++) {
        nu.u[k] = A->u[keep[k]];
        nr[k] = sc->res[keep[k]];
        memset(&A->u[keep[k]], 0, sizeof(cc_unit));
        memset(&sc->res[keep[k]], 0, sizeof(cc_unit_result));
    }
    for (size_t k = 0; k < nc; k++) {          /* re-point communities at their streets */
        size_t old = nu.u[k].street;
        for (size_t j = nc; j < nk; j++)
            if (keep[j] == old)
                nu.u[k].street = nr[k].unit.street = j;
    }
    for (size_t j = nc; j < nk; j++)
        nu.u[j].street = nr[j].unit.street = j;
    for (size_t u = 0; u < A->n; u++)
        if (!sel[u])
            unit_result_free(&sc->res[u]);
    free(sc->res);
    cc_units_release(A);
    sc->units = nu;
    sc->res = nr;
    free(keep);
    free(sel);
    sc->nnot_reported = 0;
    for (size_t k = 0; k < nc; k++)
        if (!sc->res[k].reported)
            sc->nnot_reported++;
}

cc_err cc_scorecard_compute(cc_store *s, const cc_config *cfg, const cc_period *p,
                            const cc_scope *scope, cc_scorecard **out)
{
    return cc_scorecard_compute_n(s, cfg, p, scope, CC_HISTORY, out);
}

cc_err cc_scorecard_compute_n(cc_store *s, const cc_config *cfg, const cc_period *p,
                              const cc_scope *scope, int nhist, cc_scorecard **out)
{
    cc_err e = CC_OK;
    cc_score_pstate ps[CC_HISTORY];
    cc_scorecard *sc = cc_xcalloc(1, sizeof *sc);
    size_t nind = cfg->nind;

    *out = NULL;
    memset(ps, 0, sizeof ps);
    sc->cfg = cfg;
    sc->period = *p;
    sc->hist_period[0] = *p;
    for (int k = 1; k < CC_HISTORY; k++)
        sc->hist_period[k] = cc_period_prev(&sc->hist_period[k - 1]);

    /* the look-backs' statuses shared by the scorecards computed inside
     * this one, read from and kept in the database (ledger.c; a report
     * has begun it already) */
    cc_items_memo_begin(s);
    e = compute_history(s, cfg, sc, ps, nhist < 1 ? 1 : nhist > CC_HISTORY ? CC_HISTORY : nhist);
    cc_items_memo_end();
    if (e)
        goto fail;

    /* the full result over every unit of period 0 */
    const cc_units *U = &ps[0].units;
    sc->units = *U;                      /* taken over below, after filtering */
    sc->res = cc_xcalloc(U->n + 1, sizeof *sc->res);
    for (size_t d = 0; d < CC_MAX_DIMS; d++)
        sc->dim_weight[d] = ps[0].dimw[d];
    sc->ind_weight = cc_xcalloc(nind + 1, sizeof(double));
    memcpy(sc->ind_weight, ps[0].indw, nind * sizeof(double));

    /* what the fill needs of the earlier periods' registers is where each
     * unit is in them; and nothing of SQLite's cache (a province's twelve
     * registers ~35 MB, the cache 64 MB: they were held at the peak) */
    for (size_t u = 0; u < U->n; u++)
        unit_result_place(sc, ps, u);
    for (int k = 1; k < CC_HISTORY; k++)
        cc_units_release(&ps[k].units);
    cc_store_release_memory(s);
    for (size_t u = 0; u < U->n; u++)
        unit_result_fill(sc, ps, u);
    memset(&ps[0].units, 0, sizeof ps[0].units);   /* now owned by sc */
    /* the history's values and statuses: taken over, not copied (a
     * province's twelve periods are about 100 MB) */
    for (int k = 0; k < CC_HISTORY; k++) {
        sc->hist_val[k] = ps[k].val;
        ps[k].val = NULL;
        if (ps[k].ok) {
            sc->hist_st[k] = ps[k].st;
            ps[k].st = NULL;
        }
    }

    e = cc_score_methods(s, cfg, sc);
    if (e)
        goto fail;
    cc_score_rank(sc);

    /* keep the units of the scope */
    if (scope && (scope->nstreets || scope->ncommunities))
        keep_scope(sc, scope);

    e = scorecard_kano(s, cfg, sc, scope && (scope->nstreets || scope->ncommunities));
    if (e)
        goto fail;
    for (int k = 0; k < CC_HISTORY; k++)
        cc_score_pstate_release(&ps[k]);
    *out = sc;
    return CC_OK;
fail:
    for (int k = 0; k < CC_HISTORY; k++)
        cc_score_pstate_release(&ps[k]);
    if (sc->res) {
        memset(&sc->units, 0, sizeof sc->units);
        free(sc->res);
        sc->res = NULL;
    }
    cc_scorecard_free(sc);
    return e;
}
