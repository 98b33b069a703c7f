/* report_trend — the weekly trend of a monthly or quarterly report: one
 * weekly scorecard per 12 weeks (each carries 11 weeks of history; the
 * oldest only those it shows), reduced to its values and freed at once. */
#include "report/report_run_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Lookup of units by (level, id) in another scorecard. qsort has no context
 * argument; the report run sorts from one thread only. */
static const cc_scorecard *sort_units;

static int cmp_unit_key(const cc_unit *a, const cc_unit *b)
{
    if (a->level != b->level)
        return a->level < b->level ? -1 : 1;
    return strcmp(a->id, b->id);
}

static int cmp_unit_idx(const void *pa, const void *pb)
{
    return cmp_unit_key(&sort_units->res[*(const size_t *)pa].unit,
                        &sort_units->res[*(const size_t *)pb].unit);
}

static long find_unit(const cc_scorecard *w, const size_t *wo, size_t n, const cc_unit *key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_unit_key(&w->res[wo[mid]].unit, key);
        if (c == 0)
            return (long)wo[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
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

/* The trend of a monthly or quarterly report: every indicator's value and
 * the total of every unit of sc, by ISO week of its period (*nweeks_out
 * weeks, labelled).  The caller frees *wp_out, *tlabels_out and
 * *tvalues_out, also when it fails. */
cc_err cc_rr_trend_compute(cc_store *s, const cc_config *cfg, const cc_scorecard *sc,
                           const cc_scope *scope, cc_period **wp_out, char (**tlabels_out)[32],
                           double **tvalues_out, size_t *nweeks_out)
{
    cc_period *wp = NULL;
    cc_err e = CC_OK;
    /* each week's scorecard is reduced to its values and freed at once,
     * so a quarter of 3,000 communities holds one scorecard at a time */
    cc_store_release_memory(s);
    size_t nweeks = cc_rr_trend_weeks(&sc->period, &wp);
    size_t stride = cfg->nind + 1, nu = sc->units.n;
    char (*tlabels)[32] = cc_xcalloc(nweeks + 1, sizeof *tlabels);
    double *tvalues = cc_xmalloc((nweeks * nu * stride + 1) * sizeof *tvalues);
    for (size_t k = 0; k < nweeks * nu * stride; k++)
        tvalues[k] = NAN;
    /* A weekly scorecard carries the values of its week and the 11 weeks
     * before it (hist[]): one scorecard per 12 trend weeks, from the last;
     * the first weeks' (a quarter's 13th) with only the history they show. */
    for (long top = (long)nweeks - 1; top >= 0 && !e; top -= CC_HISTORY) {
        cc_scorecard *w = NULL;
        int nhist = top + 1 < CC_HISTORY ? (int)top + 1 : CC_HISTORY;
        if ((e = cc_scorecard_compute_n(s, cfg, &wp[top], scope, nhist, &w)))
            break;
        /* units of w sorted by (level, id) for lookup */
        size_t nw = w->units.n;
        size_t *wo = cc_xmalloc((nw + 1) * sizeof *wo);
        for (size_t i = 0; i < nw; i++)
            wo[i] = i;
        sort_units = w;
        qsort(wo, nw, sizeof *wo, cmp_unit_idx);
        for (int h = 0; h < CC_HISTORY && top - h >= 0; h++) {
            size_t k = (size_t)(top - h);
            snprintf(tlabels[k], sizeof tlabels[k], "%s", w->hist_period[h].id);
            for (size_t u = 0; u < nu; u++) {
                long x = find_unit(w, wo, nw, &sc->res[u].unit);
                if (x < 0)
                    continue;
                double *v = &tvalues[(k * nu + u) * stride];
                for (size_t i = 0; i < cfg->nind; i++)
                    v[i] = w->res[x].cells[i].hist[h];
                v[cfg->nind] = w->res[x].total_hist[h];
            }
        }
        free(wo);
        cc_scorecard_free(w);
        cc_store_release_memory(s);
    }
    *wp_out = wp;
    *tlabels_out = tlabels;
    *tvalues_out = tvalues;
    *nweeks_out = nweeks;
    return e;
}
