/* score/weights — the weights of one period: dimension weights (fixed or
 * from the [ahp] matrix) and indicator weights within each dimension
 * (fixed, [ahp.<dimension>], or entropy over the period's communities). */
#include "score/score_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- weights -------------------------------------------------------------------- */
static void fixed_indicator_weights(const cc_config *cfg, double *indw, int dim)
{
    double sum = 0;
    for (size_t i = 0; i < cfg->nind; i++)
        if (cfg->ind[i].dim == dim)
            sum += cfg->ind[i].weight > 0 ? cfg->ind[i].weight : 0;
    for (size_t i = 0; i < cfg->nind; i++)
        if (cfg->ind[i].dim == dim)
            indw[i] = sum > 0 ? (cfg->ind[i].weight > 0 ? cfg->ind[i].weight : 0) / sum : 0;
}

/* Entropy weights of dimension d's indicators over every community of the
 * period; returns 0 when fewer than 2 communities have a value for one of
 * them (the caller keeps the fixed weights). */
static int entropy_weights(const cc_config *cfg, const cc_score_pstate *p, int d, double *indw)
{
    size_t m = p->units.ncomm, k = 0, *cols = cc_xcalloc(cfg->nind + 1, sizeof *cols);
    for (size_t i = 0; i < cfg->nind; i++)
        if (cfg->ind[i].dim == d)
            cols[k++] = i;
    if (k == 0 || m < 2) {
        free(cols);
        return 0;
    }
    double *x = cc_xmalloc(m * k * sizeof *x), *w = cc_xmalloc(k * sizeof *w), *en = cc_xmalloc(k * sizeof *en);
    int *cost = cc_xcalloc(k, sizeof *cost);
    for (size_t j = 0; j < k; j++)
        cost[j] = cfg->ind[cols[j]].direction == CC_LOWER;
    for (size_t u = 0; u < m; u++)
        for (size_t j = 0; j < k; j++)
            x[u * k + j] = p->val[u * cfg->nind + cols[j]];
    cc_err e = cc_entropy(x, m, k, cost, 0, w, en);
    if (e == CC_OK)
        for (size_t j = 0; j < k; j++)
            indw[cols[j]] = w[j];
    free(x); free(w); free(en); free(cost); free(cols);
    return e == CC_OK;
}

void cc_config_weights(const cc_config *cfg, const cc_ahp_result *ahp, double *dimw, double *indw)
{
    double sum = 0;
    for (size_t d = 0; d < CC_MAX_DIMS; d++)
        dimw[d] = 0;
    if (cfg->weights == CC_WEIGHTS_AHP && ahp && ahp->weights && ahp->n == cfg->ndims) {
        for (size_t d = 0; d < cfg->ndims; d++)
            dimw[d] = ahp->weights[d];
    } else {
        for (size_t d = 0; d < cfg->ndims; d++)
            sum += cfg->dim_weight[d] > 0 ? cfg->dim_weight[d] : 0;
        for (size_t d = 0; d < cfg->ndims; d++)
            dimw[d] = sum > 0 ? (cfg->dim_weight[d] > 0 ? cfg->dim_weight[d] : 0) / sum
                              : 1.0 / (double)cfg->ndims;
    }
    for (size_t d = 0; d < cfg->ndims; d++) {
        fixed_indicator_weights(cfg, indw, (int)d);
        if (cfg->weights == CC_WEIGHTS_AHP && d < CC_MAX_DIMS && cfg->has_ahp_dim[d] && cfg->ahp_dim[d]) {
            /* [ahp.<dimension>]: indicator weights within the dimension */
            size_t k = 0;
            for (size_t i = 0; i < cfg->nind; i++)
                k += cfg->ind[i].dim == (int)d;
            cc_ahp_result r;
            char err[256];
            memset(&r, 0, sizeof r);
            if (cc_ahp(cfg->ahp_dim[d], k, &r, err, sizeof err) == CC_OK && r.weights) {
                size_t j = 0;
                for (size_t i = 0; i < cfg->nind; i++)
                    if (cfg->ind[i].dim == (int)d)
                        indw[i] = r.weights[j++];
            }
            cc_ahp_release(&r);
        }
    }
    fixed_indicator_weights(cfg, indw, -1);
}

/* The configured weights, then (weights = entropy) each dimension's
 * indicator weights from the period's values. */
cc_err cc_score_period_weights(const cc_config *cfg, cc_score_pstate *p, const cc_ahp_result *ahp,
                               int notices)
{
    p->indw = cc_xcalloc(cfg->nind + 1, sizeof(double));
    cc_config_weights(cfg, ahp, p->dimw, p->indw);
    for (size_t d = 0; d < cfg->ndims; d++)
        if (cfg->weights == CC_WEIGHTS_ENTROPY && !entropy_weights(cfg, p, (int)d, p->indw) && notices)
            cc_notice("%s: entropy weights of dimension '%s' need values of every indicator in at least "
                      "2 communities; using the fixed weights", p->per.id, cfg->dims[d]);
    return CC_OK;
}
