/* score/rank — ranks of communities (in the area and in their street) and
 * of streets, by total or by TOPSIS closeness over the indicator scores. */
#include "score/score_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- ranks --------------------------------------------------------------------------- */
typedef struct {
    const cc_scorecard *sc;
    int pdim;              /* the process dimension, -1 if none */
    int topsis;
} rank_ctx;
static rank_ctx g_rank;    /* qsort has no context argument in C11 */

static int cmp_rank(const void *a, const void *b)
{
    const cc_unit_result *x = &g_rank.sc->res[*(const size_t *)a];
    const cc_unit_result *y = &g_rank.sc->res[*(const size_t *)b];
    double kx = g_rank.topsis ? round(x->closeness * 1e12) : x->total;
    double ky = g_rank.topsis ? round(y->closeness * 1e12) : y->total;
    if (kx != ky)
        return kx > ky ? -1 : 1;
    if (!g_rank.topsis && g_rank.pdim >= 0) {
        double px = x->dim_score[g_rank.pdim], py = y->dim_score[g_rank.pdim];
        if (isnan(px) != isnan(py))
            return isnan(px) ? 1 : -1;
        if (!isnan(px) && px != py)
            return px > py ? -1 : 1;
    }
    return strcmp(x->unit.id, y->unit.id);
}

/* TOPSIS closeness over the indicator scores with the effective weights:
 * communities among all communities, streets among streets. */
static void topsis_rows(const cc_scorecard *sc, size_t from, size_t to, double *cl)
{
    const cc_config *cfg = sc->cfg;
    size_t m = to - from, k = 0, *cols = cc_xcalloc(cfg->nind + 1, sizeof *cols);
    for (size_t i = 0; i < cfg->nind; i++)
        if (cfg->ind[i].dim >= 0)
            cols[k++] = i;
    if (m == 0 || k == 0) {
        free(cols);
        return;
    }
    double *x = cc_xmalloc(m * k * sizeof *x), *w = cc_xmalloc(k * sizeof *w);
    double *dp = cc_xmalloc(m * sizeof *dp), *dm = cc_xmalloc(m * sizeof *dm);
    int *cost = cc_xcalloc(k, sizeof *cost), *rank = cc_xcalloc(m, sizeof *rank);
    for (size_t j = 0; j < k; j++) {
        const cc_indicator *ind = &cfg->ind[cols[j]];
        w[j] = sc->dim_weight[ind->dim] * sc->ind_weight[cols[j]];
    }
    for (size_t u = 0; u < m; u++)
        for (size_t j = 0; j < k; j++)
            x[u * k + j] = sc->res[from + u].cells[cols[j]].score;
    if (cc_topsis(x, m, k, w, cost, cl, dp, dm, rank) != CC_OK)
        for (size_t u = 0; u < m; u++)
            cl[u] = NAN;
    free(x); free(w); free(dp); free(dm); free(cost); free(rank); free(cols);
}

cc_err cc_score_methods(cc_store *s, const cc_config *cfg, cc_scorecard *sc)
{
    (void)s;
    if (cfg->ranking != CC_RANK_TOPSIS)
        return CC_OK;
    size_t nc = sc->units.ncomm, ns = sc->units.nstreet;
    double *cl = cc_xmalloc((sc->units.n + 1) * sizeof *cl);
    for (size_t i = 0; i < sc->units.n; i++)
        cl[i] = NAN;
    topsis_rows(sc, 0, nc, cl);
    topsis_rows(sc, nc, nc + ns, cl + nc);
    for (size_t i = 0; i < nc + ns; i++)
        sc->res[i].closeness = cl[i];
    free(cl);
    return CC_OK;
}

void cc_score_rank(cc_scorecard *sc)
{
    const cc_config *cfg = sc->cfg;
    size_t nc = sc->units.ncomm, ns = sc->units.nstreet;
    size_t *ord = cc_xmalloc((sc->units.n + 1) * sizeof *ord);
    size_t m;

    g_rank.sc = sc;
    g_rank.pdim = cc_config_dim(cfg, "process");
    if (g_rank.pdim < 0 && cfg->ndims > 0)
        g_rank.pdim = 0;
    g_rank.topsis = cfg->ranking == CC_RANK_TOPSIS;

    /* communities across the area */
    m = 0;
    for (size_t i = 0; i < nc; i++)
        if (!sc->res[i].unranked && !isnan(g_rank.topsis ? sc->res[i].closeness : sc->res[i].total))
            ord[m++] = i;
    qsort(ord, m, sizeof *ord, cmp_rank);
    for (size_t k = 0; k < m; k++)
        sc->res[ord[k]].rank_in_area = (int)k + 1;
    /* within each street: walk the area order */
    for (size_t s = nc; s < nc + ns; s++) {
        int r = 0;
        for (size_t k = 0; k < m; k++)
            if (sc->units.u[ord[k]].street == s)
                sc->res[ord[k]].rank = ++r;
    }
    /* streets among streets */
    m = 0;
    for (size_t i = nc; i < nc + ns; i++)
        if (!sc->res[i].unranked && !isnan(g_rank.topsis ? sc->res[i].closeness : sc->res[i].total))
            ord[m++] = i;
    qsort(ord, m, sizeof *ord, cmp_rank);
    for (size_t k = 0; k < m; k++)
        sc->res[ord[k]].rank = sc->res[ord[k]].rank_in_area = (int)k + 1;
    free(ord);
}
