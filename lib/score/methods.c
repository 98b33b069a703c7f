/* methods — the evaluation methods: AHP weights and consistency, entropy
 * weights, TOPSIS closeness and rank.  Pure functions over arrays of doubles
 * (no database, nothing printed except where noted), shared by the scorecard
 * and the `carecard ahp|entropy|topsis` commands.  docs/methods.md describes
 * the conventions.
 */
#include "score/score.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- AHP ------------------------------------------------------------------ */

/* Saaty (1980), random consistency index for n = 1..15. */
static const double saaty_ri[15] = {
    0.00, 0.00, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49,
    1.51, 1.48, 1.56, 1.57, 1.59
};

double cc_ahp_ri(size_t n)
{
    if (n < 1 || n > 15)
        return NAN;
    return saaty_ri[n - 1];
}

void cc_ahp_release(cc_ahp_result *r)
{
    if (!r)
        return;
    CC_FREE(r->weights);
    r->n = 0;
}

#define AHP_TOL 1e-6             /* relative tolerance of the structural checks */
#define AHP_EPS 1e-12            /* power-iteration convergence */
#define AHP_MAX_ITER 100000

/* Is v within [1/9, 9], allowing a written-out 0.111 for 1/9 to pass? */
static int ahp_in_scale(double v)
{
    return v >= (1.0 / 9.0) * (1 - AHP_TOL) && v <= 9.0 * (1 + AHP_TOL);
}

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* "row 2, column 3", or with names "row 'a', column 'b'" */
static const char *cell_name(char *buf, size_t len, const char *const *names, size_t i, size_t j)
{
    if (names)
        snprintf(buf, len, "row '%s', column '%s'", names[i], names[j]);
    else
        snprintf(buf, len, "row %zu, column %zu", i + 1, j + 1);
    return buf;
}

static cc_err ahp_validate(const double *m, size_t n, const char *const *names,
                           char *err, size_t errlen)
{
    char c1[160], c2[160];
    if (n < 1) {
        set_err(err, errlen, "the matrix is empty");
        return CC_ERR_DATA;
    }
    if (n > 15) {
        set_err(err, errlen, "%zu criteria: Saaty's random index is tabulated for n = 1..15 only", n);
        return CC_ERR_DATA;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double v = m[i * n + j];
            if (!isfinite(v)) {
                set_err(err, errlen, "%s: missing or not a number", cell_name(c1, sizeof c1, names, i, j));
                return CC_ERR_DATA;
            }
            if (v <= 0) {
                set_err(err, errlen, "%s: %g is not positive", cell_name(c1, sizeof c1, names, i, j), v);
                return CC_ERR_DATA;
            }
        }
    for (size_t i = 0; i < n; i++) {
        double v = m[i * n + i];
        if (fabs(v - 1) > AHP_TOL) {
            set_err(err, errlen, "%s: the diagonal must be 1, not %g", cell_name(c1, sizeof c1, names, i, i), v);
            return CC_ERR_DATA;
        }
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double v = m[i * n + j];
            if (!ahp_in_scale(v)) {
                set_err(err, errlen, "%s: %g is outside Saaty's scale 1/9..9",
                        cell_name(c1, sizeof c1, names, i, j), v);
                return CC_ERR_DATA;
            }
        }
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            double a = m[i * n + j], b = m[j * n + i];
            if (fabs(a * b - 1) > AHP_TOL) {
                set_err(err, errlen, "%s (%g) and %s (%g) are not reciprocal: expected %g",
                        cell_name(c1, sizeof c1, names, i, j), a,
                        cell_name(c2, sizeof c2, names, j, i), b, 1 / a);
                return CC_ERR_DATA;
            }
        }
    return CC_OK;
}

cc_err cc_ahp(const double *m, size_t n, cc_ahp_result *res, char *err, size_t errlen)
{
    return cc_ahp_named(m, n, NULL, res, err, errlen);
}

cc_err cc_ahp_named(const double *m, size_t n, const char *const *names,
                    cc_ahp_result *res, char *err, size_t errlen)
{
    memset(res, 0, sizeof *res);
    if (err && errlen)
        err[0] = '\0';
    cc_err e = ahp_validate(m, n, names, err, errlen);
    if (e != CC_OK)
        return e;

    double *w = cc_xmalloc(n * sizeof *w);
    double *aw = cc_xmalloc(n * sizeof *aw);
    for (size_t i = 0; i < n; i++)
        w[i] = 1.0 / (double)n;
    double lambda = (double)n;
    for (int it = 0; it < AHP_MAX_ITER; it++) {
        double sum = 0;
        for (size_t i = 0; i < n; i++) {
            double s = 0;
            for (size_t j = 0; j < n; j++)
                s += m[i * n + j] * w[j];
            aw[i] = s;
            sum += s;
        }
        /* w sums to 1, so sum(Aw) = lambda * sum(w) = lambda at the fixed point */
        lambda = sum;
        double delta = 0;
        for (size_t i = 0; i < n; i++) {
            double nw = aw[i] / sum;
            double d = fabs(nw - w[i]);
            if (d > delta)
                delta = d;
            w[i] = nw;
        }
        if (delta < AHP_EPS)
            break;
    }
    /* One more product with the converged vector for lambda. */
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        double s = 0;
        for (size_t j = 0; j < n; j++)
            s += m[i * n + j] * w[j];
        sum += s;
    }
    lambda = sum;
    free(aw);
    /* For a positive reciprocal matrix lambda_max >= n; below that is rounding. */
    if (lambda < (double)n)
        lambda = (double)n;

    res->n = n;
    res->weights = w;
    res->lambda_max = lambda;
    res->ci = n > 1 ? (lambda - (double)n) / (double)(n - 1) : 0;
    res->ri = cc_ahp_ri(n);
    res->cr = n <= 2 ? 0 : res->ci / res->ri;
    res->consistent = res->cr < 0.10;
    return CC_OK;
}

/* ---- entropy -------------------------------------------------------------- */

cc_err cc_entropy(const double *x, size_t m, size_t n, const int *cost, int raw,
                  double *weights, double *entropy)
{
    int few = 0;
    double *d = cc_xcalloc(n ? n : 1, sizeof *d);

    for (size_t j = 0; j < n; j++) {
        size_t mj = 0;
        double lo = INFINITY, hi = -INFINITY, sum = 0;
        for (size_t i = 0; i < m; i++) {
            double v = x[i * n + j];
            if (isnan(v))
                continue;
            if (raw && v < 0) {
                cc_error("entropy: column %zu, row %zu: %g is negative; raw proportions need values >= 0",
                         j + 1, i + 1, v);
                free(d);
                return CC_ERR_DATA;
            }
            mj++;
            if (v < lo) lo = v;
            if (v > hi) hi = v;
            sum += v;
        }
        if (mj < 2) {
            entropy[j] = NAN;
            few = 1;
            continue;
        }
        /* y_ij >= 0 and their sum */
        double ysum = 0;
        if (raw)
            ysum = sum;
        else if (hi > lo) {
            for (size_t i = 0; i < m; i++) {
                double v = x[i * n + j];
                if (!isnan(v))
                    ysum += (cost && cost[j]) ? (hi - v) / (hi - lo) : (v - lo) / (hi - lo);
            }
        }
        if (!(hi > lo) || !(ysum > 0)) {
            /* constant column (all zero included): no information, exactly */
            entropy[j] = 1;
            d[j] = 0;
            continue;
        }
        double h = 0;
        for (size_t i = 0; i < m; i++) {
            double v = x[i * n + j];
            if (isnan(v))
                continue;
            double y = raw ? v : (cost && cost[j]) ? (hi - v) / (hi - lo) : (v - lo) / (hi - lo);
            double p = y / ysum;
            if (p > 0)
                h += p * log(p);
        }
        double e = -h / log((double)mj);
        if (e > 1) e = 1;      /* rounding */
        if (!(e > 0)) e = 0;   /* also -0.0 */
        entropy[j] = e;
        d[j] = 1 - e;
    }

    if (few) {
        for (size_t j = 0; j < n; j++)
            weights[j] = NAN;
        free(d);
        return CC_ERR_DATA;
    }
    double dsum = 0;
    for (size_t j = 0; j < n; j++)
        dsum += d[j];
    for (size_t j = 0; j < n; j++)
        weights[j] = dsum > 0 ? d[j] / dsum : 1.0 / (double)n;
    free(d);
    return CC_OK;
}

/* ---- TOPSIS --------------------------------------------------------------- */

typedef struct { size_t row; long long key; } topsis_order;

static int topsis_cmp(const void *a, const void *b)
{
    const topsis_order *x = a, *y = b;
    if (x->key != y->key)
        return x->key > y->key ? -1 : 1;        /* higher closeness first */
    return x->row < y->row ? -1 : x->row > y->row;
}

cc_err cc_topsis(const double *x, size_t m, size_t n, const double *w, const int *cost,
                 double *closeness, double *d_plus, double *d_minus, int *rank)
{
    double *norm = cc_xcalloc(n ? n : 1, sizeof *norm);
    double *best = cc_xcalloc(n ? n : 1, sizeof *best);
    double *worst = cc_xcalloc(n ? n : 1, sizeof *worst);
    int *has = cc_xcalloc(n ? n : 1, sizeof *has);

    for (size_t j = 0; j < n; j++) {
        double s = 0;
        for (size_t i = 0; i < m; i++) {
            double v = x[i * n + j];
            if (!isnan(v)) {
                s += v * v;
                has[j] = 1;
            }
        }
        norm[j] = sqrt(s);
    }
    /* weighted normalised values v = w r; ideal and anti-ideal per column */
    for (size_t j = 0; j < n; j++) {
        double hi = -INFINITY, lo = INFINITY;
        for (size_t i = 0; i < m; i++) {
            double v = x[i * n + j];
            if (isnan(v))
                continue;
            double r = norm[j] > 0 ? v / norm[j] : 0;
            double vv = w[j] * r;
            if (vv > hi) hi = vv;
            if (vv < lo) lo = vv;
        }
        if (cost && cost[j]) {
            best[j] = lo;
            worst[j] = hi;
        } else {
            best[j] = hi;
            worst[j] = lo;
        }
    }
    topsis_order *ord = cc_xmalloc((m ? m : 1) * sizeof *ord);
    size_t nord = 0;
    for (size_t i = 0; i < m; i++) {
        double dp = 0, dm = 0;
        int any = 0;
        for (size_t j = 0; j < n; j++) {
            double v = x[i * n + j];
            if (isnan(v) || !has[j])
                continue;
            any = 1;
            double r = norm[j] > 0 ? v / norm[j] : 0;
            double vv = w[j] * r;
            dp += (vv - best[j]) * (vv - best[j]);
            dm += (vv - worst[j]) * (vv - worst[j]);
        }
        if (!any) {
            d_plus[i] = d_minus[i] = closeness[i] = NAN;
            rank[i] = 0;
            continue;
        }
        dp = sqrt(dp);
        dm = sqrt(dm);
        d_plus[i] = dp;
        d_minus[i] = dm;
        closeness[i] = dp + dm > 0 ? dm / (dp + dm) : 0.5;
        ord[nord].row = i;
        /* compare at 12 decimals so that equal rows computed in a different
         * order still tie (closeness is in [0, 1]) */
        ord[nord].key = llround(closeness[i] * 1e12);
        nord++;
    }
    qsort(ord, nord, sizeof *ord, topsis_cmp);
    for (size_t k = 0; k < nord; k++)
        rank[ord[k].row] = (int)k + 1;

    free(ord);
    free(has);
    free(worst);
    free(best);
    free(norm);
    return CC_OK;
}

/* ---- the configuration's AHP matrices ---------------------------------------- */

static cc_err check_one(const cc_config *cfg, const char *section, const double *m, size_t n,
                        const char *const *names, cc_ahp_result *out)
{
    char why[512];
    const char *path = cfg->path ? cfg->path : "indicators.ini";
    cc_err e = cc_ahp_named(m, n, names, out, why, sizeof why);
    if (e != CC_OK) {
        cc_error("%s: [%s] %s", path, section, why);
        return CC_ERR_CONFIG;
    }
    if (!out->consistent) {
        cc_error("%s: [%s] matrix is inconsistent: CR = %.4f \xe2\x89\xa5 0.10", path, section, out->cr);
        return CC_ERR_CONFIG;
    }
    return CC_OK;
}

cc_err cc_config_check_weights(const cc_config *cfg, cc_ahp_result *dims_out)
{
    cc_ahp_result tmp;
    cc_ahp_result *dims = dims_out ? dims_out : &tmp;
    memset(dims, 0, sizeof *dims);
    if (cfg->weights != CC_WEIGHTS_AHP)
        return CC_OK;
    const char *path = cfg->path ? cfg->path : "indicators.ini";
    if (!cfg->has_ahp) {
        cc_error("%s: [scorecard] weights = ahp needs an [ahp] section (one row per dimension)", path);
        return CC_ERR_CONFIG;
    }
    size_t nd = cfg->ndims;
    double m[CC_MAX_DIMS * CC_MAX_DIMS] = {0};
    for (size_t i = 0; i < nd; i++)
        for (size_t j = 0; j < nd; j++)
            m[i * nd + j] = cfg->ahp[i][j];
    cc_err rc = check_one(cfg, "ahp", m, nd, (const char *const *)cfg->dims, dims);
    if (rc != CC_OK)
        cc_ahp_release(dims);

    for (size_t d = 0; d < nd && d < CC_MAX_DIMS; d++) {
        if (!cfg->has_ahp_dim[d] || !cfg->ahp_dim[d])
            continue;
        size_t k = 0;
        const char **ids = cc_xcalloc(cfg->nind ? cfg->nind : 1, sizeof *ids);
        for (size_t i = 0; i < cfg->nind; i++)
            if (cfg->ind[i].dim == (int)d)
                ids[k++] = cfg->ind[i].id ? cfg->ind[i].id : "?";
        char section[96];
        snprintf(section, sizeof section, "ahp.%s", cfg->dims[d] ? cfg->dims[d] : "?");
        cc_ahp_result r;
        if (check_one(cfg, section, cfg->ahp_dim[d], k, ids, &r) != CC_OK)
            rc = CC_ERR_CONFIG;
        cc_ahp_release(&r);
        free(ids);
    }
    if (!dims_out)
        cc_ahp_release(&tmp);
    return rc;
}

/* ---- decision matrices from CSV (the method commands) ------------------------- */

void cc_matrix_release(cc_matrix *mx)
{
    if (!mx)
        return;
    for (size_t i = 0; i < mx->m; i++)
        free(mx->rows[i]);
    for (size_t j = 0; j < mx->n; j++)
        free(mx->cols[j]);
    free(mx->rows);
    free(mx->cols);
    free(mx->x);
    memset(mx, 0, sizeof *mx);
}

/* A number, or with fractions "a/b" (both plain numbers, b != 0). */
static int parse_cell(const char *s, size_t len, int fractions, double *out)
{
    size_t n = len;
    const char *t = cc_trim(s, &n);
    if (n == 0)
        return CC_PARSE_EMPTY;
    const char *slash = fractions ? memchr(t, '/', n) : NULL;
    if (slash) {
        double a, b;
        if (cc_parse_number(t, (size_t)(slash - t), &a) != CC_PARSE_OK ||
            cc_parse_number(slash + 1, n - (size_t)(slash - t) - 1, &b) != CC_PARSE_OK || b == 0)
            return CC_PARSE_BAD;
        *out = a / b;
        return CC_PARSE_OK;
    }
    return cc_parse_number(t, n, out);
}

static char *trimmed_dup(const char *s, size_t len)
{
    const char *t = cc_trim(s, &len);
    return cc_xstrndup(t, len);
}

static const char *base_name(const char *path)
{
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

cc_err cc_matrix_load(const char *path, int fractions, cc_matrix *mx)
{
    memset(mx, 0, sizeof *mx);
    cc_csv *r = cc_csv_open(path, CC_ENC_AUTO, CC_CSV_AUTO);
    if (!r)
        return CC_ERR_IO;
    const char *name = base_name(path);
    cc_csv_record rec;
    cc_err e = CC_OK;
    size_t cap = 0;
    int rc;
    int header = 1;
    while ((rc = cc_csv_next(r, &rec)) == 1) {
        /* blank lines */
        if (rec.n == 1) {
            size_t l = rec.len[0];
            cc_trim(rec.field[0], &l);
            if (l == 0)
                continue;
        }
        if (header) {
            if (rec.n < 2) {
                cc_error("%s:%ld: the header needs a name column and at least one criterion",
                         name, rec.line);
                e = CC_ERR_DATA;
                break;
            }
            mx->n = rec.n - 1;
            mx->cols = cc_xcalloc(mx->n, sizeof *mx->cols);
            for (size_t j = 0; j < mx->n; j++) {
                mx->cols[j] = trimmed_dup(rec.field[j + 1], rec.len[j + 1]);
                if (!*mx->cols[j]) {
                    cc_error("%s:%ld: column %zu has no name", name, rec.line, j + 2);
                    e = CC_ERR_DATA;
                }
                for (size_t k = 0; k < j && e == CC_OK; k++)
                    if (!strcmp(mx->cols[k], mx->cols[j])) {
                        cc_error("%s:%ld: column '%s' appears twice", name, rec.line, mx->cols[j]);
                        e = CC_ERR_DATA;
                    }
            }
            if (e != CC_OK)
                break;
            header = 0;
            continue;
        }
        if (rec.n != mx->n + 1) {
            cc_error("%s:%ld: %zu fields, expected %zu (a name and %zu values)",
                     name, rec.line, rec.n, mx->n + 1, mx->n);
            e = CC_ERR_DATA;
            break;
        }
        if (mx->m == cap) {
            cap = cap ? 2 * cap : 16;
            mx->rows = cc_xrealloc(mx->rows, cap * sizeof *mx->rows);
            mx->x = cc_xrealloc(mx->x, cap * mx->n * sizeof *mx->x);
        }
        size_t i = mx->m;
        mx->rows[i] = trimmed_dup(rec.field[0], rec.len[0]);
        mx->m++;
        for (size_t j = 0; j < mx->n; j++) {
            double v;
            int p = parse_cell(rec.field[j + 1], rec.len[j + 1], fractions, &v);
            if (p == CC_PARSE_EMPTY)
                v = NAN;
            else if (p != CC_PARSE_OK) {
                cc_error("%s:%ld: column '%s': value '%s' is not a number%s", name, rec.line,
                         mx->cols[j], rec.field[j + 1], fractions ? " or a fraction like 1/3" : "");
                e = CC_ERR_DATA;
                break;
            }
            mx->x[i * mx->n + j] = v;
        }
        if (e != CC_OK)
            break;
    }
    if (rc < 0) {
        cc_error("%s: %s", name, cc_csv_error(r));
        e = CC_ERR_DATA;
    }
    cc_csv_free(r);
    if (e == CC_OK && header) {
        cc_error("%s: the file is empty (expected a header and rows)", name);
        e = CC_ERR_DATA;
    }
    if (e == CC_OK && mx->m == 0) {
        cc_error("%s: no rows below the header", name);
        e = CC_ERR_DATA;
    }
    if (e != CC_OK)
        cc_matrix_release(mx);
    return e;
}
