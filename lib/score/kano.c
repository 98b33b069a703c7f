/* kano — the KANO model: categories, Better/Worse coefficients and
 * improvement priority.  The evaluation table (answer pair -> category) is
 * measure/'s (survey.c).  indicators.md "Survey items and KANO".
 */
#include "score/score.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Tie order and improvement priority: M, O, A, I, R, Q. */
static const cc_kano_cat kano_order[6] = {
    CC_KANO_M, CC_KANO_O, CC_KANO_A, CC_KANO_I, CC_KANO_R, CC_KANO_Q
};

static int kano_rank(cc_kano_cat c)
{
    for (int k = 0; k < 6; k++)
        if (kano_order[k] == c)
            return k;
    return 6;
}

/* NAN sorts after every number. Returns <0 when a should come first (larger). */
static int desc_nan_last(double a, double b)
{
    int na = isnan(a), nb = isnan(b);
    if (na || nb)
        return na - nb;
    return a > b ? -1 : a < b;
}

static int kano_cmp(const void *pa, const void *pb)
{
    const cc_kano_row *a = pa, *b = pb;
    int ra = kano_rank(a->category), rb = kano_rank(b->category);
    if (ra != rb)
        return ra - rb;
    int c = desc_nan_last(fabs(a->worse), fabs(b->worse));
    if (c)
        return c;
    c = desc_nan_last(a->better, b->better);
    if (c)
        return c;
    /* stable: keep the configuration order (priority holds it on entry) */
    return a->priority - b->priority;
}

void cc_kano_finish(cc_kano_row *rows, size_t n)
{
    for (size_t r = 0; r < n; r++) {
        cc_kano_row *k = &rows[r];
        long total = 0;
        for (int c = 0; c < 6; c++)
            total += k->counts[c];
        if (total == 0) {
            /* no answers at all: nothing to classify; shown last as Q */
            k->category = CC_KANO_Q;
        } else {
            cc_kano_cat best = kano_order[0];
            for (int i = 1; i < 6; i++)
                if (k->counts[kano_order[i]] > k->counts[best])
                    best = kano_order[i];
            k->category = best;
        }
        long a = k->counts[CC_KANO_A], o = k->counts[CC_KANO_O];
        long m = k->counts[CC_KANO_M], i = k->counts[CC_KANO_I];
        long den = a + o + m + i;
        if (den > 0) {
            k->better = (double)(a + o) / (double)den;
            k->worse = -(double)(o + m) / (double)den + 0.0;   /* + 0.0: 0, not -0, when O + M = 0 */
        } else {
            k->better = NAN;
            k->worse = NAN;
        }
        k->priority = (int)r;      /* the original order, for stable ties */
    }
    qsort(rows, n, sizeof *rows, kano_cmp);
    for (size_t r = 0; r < n; r++)
        rows[r].priority = (int)r + 1;
}


/* ---- the KANO table of the database --------------------------------------------- */

cc_err cc_kano_collect(cc_store *s, const cc_config *cfg, const cc_survey_filter *f,
                       cc_kano_row **rows, long *unparsed)
{
    *rows = NULL;
    size_t n = cfg->nkano;
    long (*counts)[6] = cc_xcalloc(n ? n : 1, sizeof *counts);
    cc_err e = cc_survey_kano(s, cfg, f, counts, unparsed);
    if (e != CC_OK) {
        free(counts);
        return e;
    }
    cc_kano_row *r = cc_xcalloc(n ? n : 1, sizeof *r);
    for (size_t k = 0; k < n; k++) {
        r[k].feature = &cfg->kano[k];
        memcpy(r[k].counts, counts[k], sizeof r[k].counts);
    }
    free(counts);
    cc_kano_finish(r, n);
    *rows = r;
    return CC_OK;
}
