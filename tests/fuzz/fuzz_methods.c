/* libFuzzer target: the CSV readers of the method commands -- the matrix of
 * ahp/entropy/topsis (cc_matrix_load, with and without fractions) and the
 * survey file of kano (cc_kano_file) -- and the methods on what they read:
 * weights are finite, non-negative and sum to 1, ranks are a permutation. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "score/score.h"

static int sums_to_one(const double *w, size_t n)
{
    double s = 0;
    for (size_t j = 0; j < n; j++) {
        if (!isfinite(w[j]) || w[j] < -1e-12)
            return 0;
        s += w[j];
    }
    return fabs(s - 1) < 1e-6;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_quiet();
    static cc_config cfg;
    static int cfg_ok = -1;
    if (cfg_ok < 0)
        cfg_ok = cc_config_load("indicators.ini", &cfg) == CC_OK && cfg.nkano > 0;
    const char *path = fuzz_file(0, data, size);
    cc_matrix mx;
    if (cc_matrix_load(path, size && (data[0] & 1), &mx) == CC_OK) {
        size_t m = mx.m, n = mx.n;
        if (m == 0 || n == 0)
            abort();
        for (size_t a = 0; a < n; a++)
            for (size_t b = a + 1; b < n; b++)
                if (!strcmp(mx.cols[a], mx.cols[b]))
                    abort();
        if (m <= 64 && n <= 64) {
            int *cost = cc_xcalloc(n, sizeof *cost);
            for (size_t j = 0; j < n; j++)
                cost[j] = (int)(j % 3 == 2);
            double *w = cc_xcalloc(n, sizeof *w), *ent = cc_xcalloc(n, sizeof *ent);
            int raw = size > 1 && (data[1] & 1);
            if (cc_entropy(mx.x, m, n, cost, raw, w, ent) == CC_OK && !sums_to_one(w, n))
                abort();
            double *eq = cc_xcalloc(n, sizeof *eq);
            for (size_t j = 0; j < n; j++)
                eq[j] = 1.0 / (double)n;
            double *cl = cc_xcalloc(m, sizeof *cl), *dp = cc_xcalloc(m, sizeof *dp),
                   *dm = cc_xcalloc(m, sizeof *dm);
            int *rank = cc_xcalloc(m, sizeof *rank);
            if (cc_topsis(mx.x, m, n, eq, cost, cl, dp, dm, rank) == CC_OK) {
                char *seen = cc_xcalloc(m + 1, 1);
                for (size_t i = 0; i < m; i++) {
                    if (rank[i] < 0 || (size_t)rank[i] > m)
                        abort();
                    if (rank[i] == 0) {
                        if (!isnan(cl[i]))
                            abort();            /* unranked: a row without values */
                        continue;
                    }
                    if (seen[rank[i]]++ || !(cl[i] >= -1e-9 && cl[i] <= 1 + 1e-9))
                        abort();
                }
                free(seen);
            }
            if (m == n) {
                cc_ahp_result res;
                char err[256];
                memset(&res, 0, sizeof res);
                if (cc_ahp_named(mx.x, n, (const char *const *)mx.cols, &res, err, sizeof err) == CC_OK) {
                    if (!sums_to_one(res.weights, n) || !(res.cr >= 0 || n <= 2 || isnan(res.cr)))
                        abort();
                    cc_ahp_release(&res);
                }
            }
            free(cost);
            free(w);
            free(ent);
            free(eq);
            free(cl);
            free(dp);
            free(dm);
            free(rank);
        }
        cc_matrix_release(&mx);
    }
    if (cfg_ok == 1) {
        cc_kano_row *rows = cc_xcalloc(cfg.nkano, sizeof *rows);
        int *present = cc_xcalloc(cfg.nkano, sizeof *present);
        long unparsed = 0;
        if (cc_kano_file(path, &cfg, rows, present, &unparsed) == CC_OK) {
            size_t n = 0;
            for (size_t k = 0; k < cfg.nkano; k++)
                if (present[k]) {
                    for (int t = 0; t < 6; t++)
                        if (rows[k].counts[t] < 0)
                            abort();
                    long counts[6];
                    memcpy(counts, rows[k].counts, sizeof counts);
                    memset(&rows[n], 0, sizeof rows[n]);
                    rows[n].feature = &cfg.kano[k];
                    memcpy(rows[n].counts, counts, sizeof counts);
                    n++;
                }
            if (n == 0 || unparsed < 0)
                abort();                        /* CC_OK means a feature was found */
            cc_kano_finish(rows, n);
            for (size_t k = 0; k < n; k++)
                if (rows[k].priority < 1 || (size_t)rows[k].priority > n)
                    abort();
        }
        free(rows);
        free(present);
    }
    return 0;
}
