/* report_trend — the weekly trend of a monthly or quarterly report: one
 * weekly scorecard per 12 weeks (each carries 11 weeks of history; the
 * oldest only those it shows), reduced to its values and freed at once,
 * before the period's own scorecard; then placed in that scorecard's unit
 * order. */
#include "report/report_run_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Lookup of units by (level, id) in another scorecard. qsort has no context
 * argument; the report run sorts from one thread only. */
static const cc_scorecard *sort_units;

/* The order of units by (level, id): the blocks' keys and their lookup. */
static int cmp_key(cc_level la, const char *ia, cc_level lb, const char *ib)
{
    if (la != lb)
        return la < lb ? -1 : 1;
    return strcmp(ia, ib);
}

static int cmp_unit_idx(const void *pa, const void *pb)
{
    const cc_unit *a = &sort_units->res[*(const size_t *)pa].unit;
    const cc_unit *b = &sort_units->res[*(const size_t *)pb].unit;
    return cmp_key(a->level, a->id, b->level, b->id);
}

/* The ISO weeks whose Thursday lies in p. */
size_t cc_rr_trend_weeks(const cc_period *p, cc_period **out)
{
    long wd = ((p->from % 7) + 7 + 3) % 7 + 1;         /* 1 = Monday */
    long first = p->from + (4 - wd + 7) % 7;
    size_t n = first > p->to ? 0 : (size_t)((p->to - first) / 7 + 1);
    *out = cc_xcalloc(n + 1, sizeof **out);
    for (size_t k = 0; k < n; k++)
        (*out)[k] = cc_period_of(CC_PERIOD_WEEK, (cc_day)(first + 7 * (long)k));
    return n;
}

/* The trend's weekly scorecards, computed before the period's own scorecard
 * so that it is not alive while they run (the quarterly report's peak):
 * every indicator's value and the total of every unit of each one, by week,
 * with the units' keys sorted for cc_rr_trend_place. */
cc_err cc_rr_trend_collect(cc_store *s, const cc_config *cfg, const cc_period *p,
                           const cc_scope *scope, cc_rr_trend *t)
{
    cc_err e = CC_OK;
    memset(t, 0, sizeof *t);
    t->stride = cfg->nind + 1;
    /* each week's scorecard is reduced to its values and freed at once,
     * so a quarter of 3,000 communities holds one scorecard at a time */
    cc_store_release_memory(s);
    t->nweeks = cc_rr_trend_weeks(p, &t->weeks);
    t->labels = cc_xcalloc(t->nweeks + 1, sizeof *t->labels);
    t->b = cc_xcalloc(t->nweeks / CC_HISTORY + 2, sizeof *t->b);
    /* A weekly scorecard carries the values of its week and the 11 weeks
     * before it (hist[]): one scorecard per 12 trend weeks, from the last;
     * the first weeks' (a quarter's 13th) with only the history they show. */
    for (long top = (long)t->nweeks - 1; top >= 0 && !e; top -= CC_HISTORY) {
        cc_scorecard *w = NULL;
        int nhist = top + 1 < CC_HISTORY ? (int)top + 1 : CC_HISTORY;
        if ((e = cc_scorecard_compute_n(s, cfg, &t->weeks[top], scope, nhist, &w)))
            break;
        /* units of w sorted by (level, id) for lookup */
        size_t nw = w->units.n;
        size_t *wo = cc_xmalloc((nw + 1) * sizeof *wo);
        for (size_t i = 0; i < nw; i++)
            wo[i] = i;
        sort_units = w;
        qsort(wo, nw, sizeof *wo, cmp_unit_idx);
        cc_rr_trend_block *b = &t->b[t->nb++];
        b->top = top;
        b->nh = nhist;
        b->nu = nw;
        b->key = cc_xcalloc(nw + 1, sizeof *b->key);
        b->v = cc_xmalloc(((size_t)b->nh * nw * t->stride + 1) * sizeof *b->v);
        for (size_t j = 0; j < nw; j++) {
            const cc_unit_result *r = &w->res[wo[j]];
            b->key[j].level = r->unit.level;
            b->key[j].id = cc_xstrdup(r->unit.id);
            for (int h = 0; h < b->nh; h++) {
                double *v = &b->v[((size_t)h * nw + j) * t->stride];
                for (size_t i = 0; i < cfg->nind; i++)
                    v[i] = cc_cell_hist(w, r, i, h);
                v[cfg->nind] = r->total_hist[h];
            }
        }
        for (int h = 0; h < b->nh; h++)
            snprintf(t->labels[top - h], sizeof t->labels[top - h], "%s", w->hist_period[h].id);
        free(wo);
        cc_scorecard_free(w);
        cc_store_release_memory(s);
    }
    return e;
}

static long find_key(const cc_rr_trend_block *b, const cc_unit *u)
{
    size_t lo = 0, hi = b->nu;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_key(b->key[mid].level, b->key[mid].id, u->level, u->id);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* The collected values by week for every unit of sc (NAN where a week's
 * scorecard did not have the unit): *tvalues_out[(week * units + u) *
 * stride + i], i = the indicators, then the total.  The caller frees it. */
void cc_rr_trend_place(const cc_rr_trend *t, const cc_scorecard *sc, double **tvalues_out)
{
    size_t nu = sc->units.n;
    double *tv = cc_xmalloc((t->nweeks * nu * t->stride + 1) * sizeof *tv);
    for (size_t k = 0; k < t->nweeks * nu * t->stride; k++)
        tv[k] = NAN;
    for (size_t x = 0; x < t->nb; x++) {
        const cc_rr_trend_block *b = &t->b[x];
        for (size_t u = 0; u < nu; u++) {
            long j = find_key(b, &sc->res[u].unit);
            if (j < 0)
                continue;
            for (int h = 0; h < b->nh; h++)
                memcpy(&tv[(((size_t)(b->top - h)) * nu + u) * t->stride],
                       &b->v[((size_t)h * b->nu + (size_t)j) * t->stride], t->stride * sizeof *tv);
        }
    }
    *tvalues_out = tv;
}

/* The blocks' keys and values (the weeks and labels stay: the caller's). */
void cc_rr_trend_release_blocks(cc_rr_trend *t)
{
    for (size_t x = 0; x < t->nb; x++) {
        for (size_t j = 0; j < t->b[x].nu; j++)
            free(t->b[x].key[j].id);
        free(t->b[x].key);
        free(t->b[x].v);
    }
    free(t->b);
    t->b = NULL;
    t->nb = 0;
}
