/* engine — the balanced scorecard of one period: indicator values per unit,
 * sample-size guard, red/yellow/blue levels, escalation (连续未达标), 未报,
 * scores, dimension scores, totals, grades, ranks and score attribution.
 *
 * Every period of the history (this one and CC_HISTORY - 1 before it) is
 * computed the same way from the data — its own windows, registry date and
 * 未报 state — so runs, 上期值 and the change status never depend on which
 * reports were run before.
 */
#include "store/db.h"
#include "score/score.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- names ---------------------------------------------------------------- */
const char *cc_status_name(cc_status s)
{
    static const char *const n[] = {"met", "blue", "yellow", "red", "missing",
                                    "insufficient", "not_reported"};
    return (unsigned)s < 7 ? n[s] : "?";
}

const char *cc_status_zh(cc_status s)
{
    static const char *const n[] = {"达标", "蓝", "黄", "红", "无数据", "样本不足", "未报"};
    return (unsigned)s < 7 ? n[s] : "?";
}

const char *cc_colour_name(cc_colour c)
{
    static const char *const n[] = {"met", "blue", "yellow", "red", "grey"};
    return (unsigned)c < 5 ? n[c] : "?";
}

const char *cc_change_name(cc_change c)
{
    static const char *const n[] = {NULL, "new", "continuing", "resolved"};
    return (unsigned)c < 4 ? n[c] : NULL;
}

const char *cc_change_zh(cc_change c)
{
    static const char *const n[] = {"", "新增", "持续", "已解除"};
    return (unsigned)c < 4 ? n[c] : "";
}

int cc_status_is_warning(cc_status s)
{
    return s == CC_ST_BLUE || s == CC_ST_YELLOW || s == CC_ST_RED || s == CC_ST_NOT_REPORTED;
}

static int is_miss(int s)
{
    return s == CC_ST_BLUE || s == CC_ST_YELLOW || s == CC_ST_RED;
}

/* ---- one period ------------------------------------------------------------- */
typedef struct {
    cc_period per;
    int ok;                     /* computed */
    cc_units units;
    unsigned char *reported;    /* per community */
    size_t nind;
    double *val, *num, *den;    /* n * nind */
    double *score;
    unsigned char *st;          /* raw status (before escalation) */
    const char **why;
    double *total, *coverage;   /* n; total NAN for an unranked unit */
    unsigned char *unranked;    /* n: cc_unranked */
    double *dscore, *dcov;      /* n * CC_MAX_DIMS */
    double *eff;                /* n * nind: effective weight of the indicator in the total */
    double dimw[CC_MAX_DIMS];
    double *indw;               /* nind */
} pstate;

static void pstate_release(pstate *p)
{
    cc_units_release(&p->units);
    free(p->reported); free(p->val); free(p->num); free(p->den); free(p->score);
    free(p->st); free(p->why); free(p->total); free(p->unranked); free(p->coverage); free(p->dscore);
    free(p->dcov); free(p->eff); free(p->indw);
    memset(p, 0, sizeof *p);
}

/* What the result needs of an earlier period K (k >= 1) is its units, values,
   raw statuses and totals (history, escalation runs, previous total), and for
   K = 1 also scores and effective weights (the attribution of the change): the
   rest is freed as soon as the period is computed, so that the twelve periods
   of a scorecard hold two periods' full tables, not twelve (about 1 KB per unit
   and indicator-period less; see docs/performance.md). */
static void pstate_trim(pstate *p, int k)
{
    if (k < 1)
        return;
    free(p->reported); free(p->num); free(p->den); free(p->why); free(p->unranked);
    free(p->coverage); free(p->dscore); free(p->dcov); free(p->indw);
    p->reported = NULL; p->num = p->den = NULL; p->why = NULL; p->unranked = NULL;
    p->coverage = p->dscore = p->dcov = p->indw = NULL;
    if (k < 2)
        return;
    free(p->score); free(p->eff);
    p->score = p->eff = NULL;
}

/* Does the indicator's formula use a measure of activities or attendance? */
static int uses_activity(const cc_indicator *ind)
{
    size_t n = cc_formula_nrefs(ind->formula);
    for (size_t i = 0; i < n; i++) {
        int src = cc_measure_source(cc_formula_ref(ind->formula, i));
        if (src == CC_SRC_ACTIVITIES || src == CC_SRC_ATTENDANCE)
            return 1;
    }
    return 0;
}

/* The indicator that carries 未报: its formula uses `reported`. */
static int uses_reported(const cc_indicator *ind)
{
    size_t n = cc_formula_nrefs(ind->formula);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(cc_formula_ref(ind->formula, i), "reported"))
            return 1;
    return 0;
}

/* Comparisons with target, yellow and red allow a relative tolerance of
 * 1e-9 (absolute below 1): a ratio that is 5 in exact arithmetic but
 * 4.999999999999999 in floating point is 5. */
static int ge(double a, double b) { return a >= b - 1e-9 * fmax(1.0, fabs(b)); }

cc_status cc_indicator_level(const cc_indicator *ind, double v)
{
    double sg = ind->direction == CC_LOWER ? -1 : 1;
    if (ge(sg * v, sg * ind->target)) return CC_ST_MET;
    if (ge(sg * v, sg * ind->yellow)) return CC_ST_BLUE;
    if (ge(sg * v, sg * ind->red)) return CC_ST_YELLOW;
    return CC_ST_RED;
}

static double clamp(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

/* Threshold scoring in "higher is better" coordinates (a lower indicator is
 * mirrored by negating every number): 100 at the target, B1 at yellow, B2 at
 * red, 0 at the floor, linear in between; each band's score is clamped to
 * the band, so the tolerance at a boundary never lets a score leave it and
 * an empty band (two equal boundaries) is never reached. */
double cc_indicator_score(const cc_indicator *ind, const double band[2], double v)
{
    double sg = ind->direction == CC_LOWER ? -1 : 1;
    double x = sg * v, t = sg * ind->target, y = sg * ind->yellow, r = sg * ind->red;
    double f = sg * ind->floor, b1 = band[0], b2 = band[1];
    switch (cc_indicator_level(ind, v)) {
    case CC_ST_MET:
        return 100;
    case CC_ST_BLUE:
        return t > y ? clamp(b1 + (100 - b1) * (x - y) / (t - y), b1, 100) : b1;
    case CC_ST_YELLOW:
        return y > r ? clamp(b2 + (b1 - b2) * (x - r) / (y - r), b2, b1) : b2;
    default:
        return r > f ? clamp(b2 * (x - f) / (r - f), 0, b2) : 0;
    }
}

static cc_status level_of(const cc_indicator *ind, double v)
{
    return cc_indicator_level(ind, v);
}

/* A window range and the measure names computed over it. */
typedef struct {
    cc_day from, to;
    const char **names; size_t nnames, cap;
    double *vals;       /* units.n * nnames */
} wtab;

static size_t name_index(const wtab *w, const char *name)
{
    for (size_t i = 0; i < w->nnames; i++)
        if (!strcmp(w->names[i], name))
            return i;
    return (size_t)-1;
}

static void wtab_add(wtab *w, const char *name)
{
    if (name_index(w, name) != (size_t)-1)
        return;
    if (w->nnames == w->cap) {
        w->cap = w->cap ? 2 * w->cap : 16;
        w->names = cc_xrealloc(w->names, w->cap * sizeof *w->names);
    }
    w->names[w->nnames++] = name;
}

/* Weights of the period: fills p->dimw and p->indw (within each dimension,
 * summing to 1 per dimension). */
static cc_err period_weights(const cc_config *cfg, pstate *p, const cc_ahp_result *ahp, int notices);

/* The period's windows: one table per distinct range, the period itself
 * first (for 未报), with the measures computed over each; wof[i] = the
 * window of indicator i.  Returns their number; caller frees (wtabs_free). */
static size_t period_windows(const cc_config *cfg, const cc_period *per, wtab **out, size_t *wof)
{
    size_t nind = cfg->nind, nw;
    wtab *w = cc_xcalloc(nind + 1, sizeof *w);
    w[0].from = per->from;
    w[0].to = per->to;
    wtab_add(&w[0], "reported");
    nw = 1;
    for (size_t i = 0; i < nind; i++) {
        cc_day f, t;
        size_t k;
        cc_window_range(&cfg->ind[i].window, per, &f, &t);
        for (k = 0; k < nw; k++)
            if (w[k].from == f && w[k].to == t)
                break;
        if (k == nw) {
            w[nw].from = f;
            w[nw].to = t;
            nw++;
        }
        wof[i] = k;
        size_t nr = cc_formula_nrefs(cfg->ind[i].formula);
        for (size_t r = 0; r < nr; r++)
            wtab_add(&w[k], cc_formula_ref(cfg->ind[i].formula, r));
    }
    *out = w;
    return nw;
}

static void wtabs_free(wtab *w, size_t nw)
{
    for (size_t k = 0; k < nw; k++) {
        free(w[k].names);
        free(w[k].vals);
    }
    free(w);
}

/* units: the period's units, loaded already (taken over), or NULL. */
static cc_err compute_period(cc_store *s, const cc_config *cfg, const cc_period *per,
                             pstate *p, const cc_ahp_result *ahp, int notices, cc_units *units)
{
    cc_err e = CC_OK;
    size_t nind = cfg->nind, n;
    wtab *w = NULL;
    size_t nw = 0;
    size_t *wof = cc_xcalloc(nind ? nind : 1, sizeof *wof);

    memset(p, 0, sizeof *p);
    p->per = *per;
    p->nind = nind;
    if (units) {
        p->units = *units;
        memset(units, 0, sizeof *units);
    } else {
        e = cc_units_load(s, per->to, &p->units);
    }
    if (e) {
        free(wof);
        return e;
    }
    n = p->units.n;

    nw = period_windows(cfg, per, &w, wof);
    for (size_t k = 0; k < nw && !e; k++) {
        w[k].vals = cc_xmalloc((n ? n : 1) * (w[k].nnames ? w[k].nnames : 1) * sizeof(double));
        e = cc_measures_compute(s, cfg, &p->units, w[k].from, w[k].to,
                                w[k].names, w[k].nnames, w[k].vals);
    }
    if (e)
        goto out;

    p->reported = cc_xcalloc(p->units.ncomm ? p->units.ncomm : 1, 1);
    for (size_t i = 0; i < p->units.ncomm; i++) {
        double r = w[0].vals[i * w[0].nnames + name_index(&w[0], "reported")];
        p->reported[i] = !isnan(r) && r > 0;
    }

    p->val = cc_xmalloc((n * nind + 1) * sizeof(double));
    p->num = cc_xmalloc((n * nind + 1) * sizeof(double));
    p->den = cc_xmalloc((n * nind + 1) * sizeof(double));
    p->score = cc_xmalloc((n * nind + 1) * sizeof(double));
    p->st = cc_xcalloc(n * nind + 1, 1);
    p->why = cc_xcalloc(n * nind + 1, sizeof *p->why);
    {
        for (size_t i = 0; i < nind; i++) {
            const cc_indicator *ind = &cfg->ind[i];
            const wtab *wt = &w[wof[i]];
            size_t nr = cc_formula_nrefs(ind->formula);
            size_t *col = cc_xmalloc((nr + 1) * sizeof *col);
            double *vals = cc_xmalloc((nr + 1) * sizeof *vals);
            int act = uses_activity(ind), rep = uses_reported(ind);
            for (size_t r = 0; r < nr; r++)
                col[r] = name_index(wt, cc_formula_ref(ind->formula, r));
            for (size_t u = 0; u < n; u++) {
                size_t c = u * nind + i;
                cc_formula_result fr;
                for (size_t r = 0; r < nr; r++)
                    vals[r] = wt->vals[u * wt->nnames + col[r]];
                cc_formula_eval(ind->formula, vals, &fr);
                p->val[c] = fr.value;
                p->num[c] = fr.has_division ? fr.num : NAN;
                p->den[c] = fr.has_division ? fr.den : NAN;
                p->score[c] = NAN;
                p->why[c] = fr.why;
                int notrep = u < p->units.ncomm && !p->reported[u];
                if (notrep && rep) {
                    p->st[c] = CC_ST_NOT_REPORTED;
                    p->why[c] = "未报";
                } else if (notrep && act) {
                    p->st[c] = CC_ST_MISSING;
                    p->val[c] = p->num[c] = p->den[c] = NAN;
                    p->why[c] = "未报";
                } else if (fr.has_division && !isnan(fr.den) && ind->min_n > 0 && fr.den < ind->min_n) {
                    p->st[c] = CC_ST_INSUFFICIENT;
                    p->val[c] = NAN;
                    p->why[c] = "样本不足";
                } else if (isnan(fr.value)) {
                    p->st[c] = CC_ST_MISSING;
                    if (!p->why[c])
                        p->why[c] = "无数据";
                } else {
                    p->st[c] = (unsigned char)level_of(ind, fr.value);
                    p->score[c] = cc_indicator_score(ind, cfg->band_scores, fr.value);
                }
            }
            free(col);
            free(vals);
        }
    }
    e = period_weights(cfg, p, ahp, notices);
    if (e)
        goto out;

    /* dimension scores, totals, effective weights */
    p->total = cc_xmalloc((n + 1) * sizeof(double));
    p->coverage = cc_xmalloc((n + 1) * sizeof(double));
    p->unranked = cc_xcalloc(n + 1, 1);
    p->dscore = cc_xmalloc((n * CC_MAX_DIMS + 1) * sizeof(double));
    p->dcov = cc_xmalloc((n * CC_MAX_DIMS + 1) * sizeof(double));
    p->eff = cc_xcalloc(n * nind + 1, sizeof(double));
    for (size_t u = 0; u < n; u++) {
        double tw = 0, tws = 0, twall = 0, tcov = 0;
        double dsum_w[CC_MAX_DIMS];
        for (size_t d = 0; d < CC_MAX_DIMS; d++) {
            double sw = 0, sws = 0, swall = 0;
            p->dscore[u * CC_MAX_DIMS + d] = NAN;
            p->dcov[u * CC_MAX_DIMS + d] = NAN;
            dsum_w[d] = 0;
            if (d >= cfg->ndims)
                continue;
            for (size_t i = 0; i < nind; i++) {
                if (cfg->ind[i].dim != (int)d)
                    continue;
                double sc = p->score[u * nind + i];
                swall += p->indw[i];
                if (!isnan(sc)) {
                    sw += p->indw[i];
                    sws += p->indw[i] * sc;
                }
            }
            dsum_w[d] = sw;
            if (swall > 0)
                p->dcov[u * CC_MAX_DIMS + d] = sw / swall;
            if (sw > 0)
                p->dscore[u * CC_MAX_DIMS + d] = sws / sw;
        }
        for (size_t d = 0; d < cfg->ndims; d++) {
            double ds = p->dscore[u * CC_MAX_DIMS + d];
            twall += p->dimw[d];
            if (!isnan(p->dcov[u * CC_MAX_DIMS + d]))
                tcov += p->dimw[d] * p->dcov[u * CC_MAX_DIMS + d];
            if (!isnan(ds)) {
                tw += p->dimw[d];
                tws += p->dimw[d] * ds;
            }
        }
        p->total[u] = tw > 0 ? tws / tw : NAN;
        p->coverage[u] = twall > 0 ? tcov / twall : NAN;
        /* no total, grade or rank for a community that did not report or a
         * unit below min_coverage (tolerance as at the warning boundaries) */
        if (u < p->units.ncomm && !p->reported[u])
            p->unranked[u] = CC_UNRANKED_NOT_REPORTED;
        else if (cfg->min_coverage > 0 && (isnan(p->coverage[u]) || !ge(p->coverage[u], cfg->min_coverage)))
            p->unranked[u] = CC_UNRANKED_COVERAGE;
        if (p->unranked[u])
            p->total[u] = NAN;
        if (tw > 0)
            for (size_t i = 0; i < nind; i++) {
                int d = cfg->ind[i].dim;
                if (d < 0 || isnan(p->score[u * nind + i]) || dsum_w[d] <= 0)
                    continue;
                p->eff[u * nind + i] = p->dimw[d] / tw * p->indw[i] / dsum_w[d];
            }
    }
    p->ok = 1;
out:
    wtabs_free(w, nw);
    free(wof);
    return e;
}

/* The week caches filled for the whole history at once, in two threads
 * (measure.h, cc_measures_prefetch): the units of every period are loaded
 * first (into units[], handed to compute_period), then every window of
 * every period is listed in the order compute_period computes them. */
static cc_err prefetch_history(cc_store *s, const cc_config *cfg, const cc_period *hist,
                               cc_units *units)
{
    cc_err e = CC_OK;
    wtab *w[CC_HISTORY];
    size_t nw[CC_HISTORY], nall = 0;
    size_t *wof = cc_xcalloc(cfg->nind ? cfg->nind : 1, sizeof *wof);
    for (int k = 0; k < CC_HISTORY; k++) {
        nw[k] = period_windows(cfg, &hist[k], &w[k], wof);
        nall += nw[k];
    }
    for (int k = 0; k < CC_HISTORY && !e; k++)
        e = cc_units_load(s, hist[k].to, &units[k]);
    if (!e) {
        cc_measure_win *mw = cc_xcalloc(nall, sizeof *mw);
        size_t m = 0;
        for (int k = 0; k < CC_HISTORY; k++)
            for (size_t j = 0; j < nw[k]; j++)
                mw[m++] = (cc_measure_win){&units[k], w[k][j].from, w[k][j].to, w[k][j].names,
                                           w[k][j].nnames};
        e = cc_measures_prefetch(s, cfg, mw, m);
        free(mw);
    }
    for (int k = 0; k < CC_HISTORY; k++)
        wtabs_free(w[k], nw[k]);
    free(wof);
    return e;
}

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
static int entropy_weights(const cc_config *cfg, const pstate *p, int d, double *indw)
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

static cc_err period_weights(const cc_config *cfg, pstate *p, const cc_ahp_result *ahp, int notices)
{
    double sum = 0;
    p->indw = cc_xcalloc(cfg->nind + 1, sizeof(double));
    for (size_t d = 0; d < CC_MAX_DIMS; d++)
        p->dimw[d] = 0;
    if (cfg->weights == CC_WEIGHTS_AHP && ahp && ahp->weights && ahp->n == cfg->ndims) {
        for (size_t d = 0; d < cfg->ndims; d++)
            p->dimw[d] = ahp->weights[d];
    } else {
        for (size_t d = 0; d < cfg->ndims; d++)
            sum += cfg->dim_weight[d] > 0 ? cfg->dim_weight[d] : 0;
        for (size_t d = 0; d < cfg->ndims; d++)
            p->dimw[d] = sum > 0 ? (cfg->dim_weight[d] > 0 ? cfg->dim_weight[d] : 0) / sum
                                 : 1.0 / (double)cfg->ndims;
    }
    for (size_t d = 0; d < cfg->ndims; d++) {
        fixed_indicator_weights(cfg, p->indw, (int)d);
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
                        p->indw[i] = r.weights[j++];
            }
            cc_ahp_release(&r);
        }
        if (cfg->weights == CC_WEIGHTS_ENTROPY && !entropy_weights(cfg, p, (int)d, p->indw) && notices)
            cc_notice("%s: entropy weights of dimension '%s' need values of every indicator in at least "
                      "2 communities; using the fixed weights", p->per.id, cfg->dims[d]);
    }
    fixed_indicator_weights(cfg, p->indw, -1);
    return CC_OK;
}

/* ---- formatting ------------------------------------------------------------------ */
/* A number with at most `dec` decimals, trailing zeros removed. */
static void fmt_num(char *out, size_t len, double v, int dec)
{
    char *dot;
    if (isnan(v)) {
        snprintf(out, len, "—");
        return;
    }
    snprintf(out, len, "%.*f", dec, v);
    dot = strchr(out, '.');
    if (dot) {
        char *e = out + strlen(out) - 1;
        while (e > dot && *e == '0')
            *e-- = '\0';
        if (e == dot)
            *e = '\0';
    }
    if (!strcmp(out, "-0"))
        snprintf(out, len, "0");
}

void cc_format_value(char *out, size_t len, cc_unit_kind unit, double v);
void cc_format_value(char *out, size_t len, cc_unit_kind unit, double v)
{
    if (isnan(v)) {
        snprintf(out, len, "—");
        return;
    }
    switch (unit) {
    case CC_UNIT_PERCENT:
        snprintf(out, len, "%.1f%%", v * 100 + 0.0);
        if (!strcmp(out, "-0.0%"))
            snprintf(out, len, "0.0%%");
        break;
    case CC_UNIT_RATIO:
        fmt_num(out, len, v, 3);
        break;
    default:
        fmt_num(out, len, v, 2);
        break;
    }
}

/* Decimals a value is shown with: the unit's own (percent 1, ratio 3,
 * others 2), more (up to 4) while it would read the same as a boundary
 * (target, yellow, red) it is not at — a value is never printed equal to
 * the boundary it failed ("9.98% < 目标 10.0%"). */
int cc_value_decimals(const cc_indicator *ind, double v)
{
    int base = ind->unit == CC_UNIT_PERCENT ? 1 : ind->unit == CC_UNIT_RATIO ? 3 : 2, d;
    double k = ind->unit == CC_UNIT_PERCENT ? 100 : 1;
    const double bnd[3] = {ind->target, ind->yellow, ind->red};
    if (isnan(v))
        return base;
    for (d = base; d < 4; d++) {
        int same = 0;
        for (int j = 0; j < 3 && !same; j++) {
            char a[64], b[64];
            if (ge(v, bnd[j]) && ge(-v, -bnd[j]))
                continue;           /* at the boundary (within tolerance) */
            snprintf(a, sizeof a, "%.*f", d, v * k);
            snprintf(b, sizeof b, "%.*f", d, bnd[j] * k);
            same = !strcmp(a, b);
        }
        if (!same)
            break;
    }
    return d;
}

void cc_format_indicator_value(char *out, size_t len, const cc_indicator *ind, double v)
{
    int d = cc_value_decimals(ind, v);
    if (isnan(v)) {
        snprintf(out, len, "—");
        return;
    }
    if (ind->unit == CC_UNIT_PERCENT) {
        snprintf(out, len, "%.*f%%", d, v * 100 + 0.0);
        if (!strncmp(out, "-0.", 3) && strspn(out + 3, "0") == strlen(out + 3) - 1)
            memmove(out, out + 1, strlen(out));
    } else if (d > (ind->unit == CC_UNIT_RATIO ? 3 : 2)) {
        fmt_num(out, len, v, d);
    } else {
        cc_format_value(out, len, ind->unit, v);
    }
}

static char *explain(const cc_config *cfg, const cc_period *per, const cc_indicator *ind,
                     const cc_unit *unit, const cc_cell *c)
{
    cc_buf b = CC_BUF_INIT;
    char v[64], n[64], d[64], t[64];
    (void)cfg;
    switch (c->status) {
    case CC_ST_MET:
        return cc_xstrdup("");
    case CC_ST_NOT_REPORTED:
        cc_buf_addf(&b, "%s %s未报送活动台账", unit->name, cc_period_this_zh(per->kind));
        if (c->run >= 2)
            cc_buf_addf(&b, "，连续 %d %s未报送", c->run, cc_period_unit_zh(per->kind));
        if (c->rectify)
            cc_buf_adds(&b, " → 专项整治");
        return cc_buf_detach(&b);
    case CC_ST_MISSING:
        if (c->why && !strcmp(c->why, "未报"))
            return cc_xstrdup("未报");
        cc_buf_addf(&b, "%s 无数据", ind->name);
        if (c->why && !strncmp(c->why, "missing measure '", 17))
            cc_buf_addf(&b, "（缺 %.*s）", (int)strcspn(c->why + 17, "'"), c->why + 17);
        else if (c->why && !strcmp(c->why, "division by zero"))
            cc_buf_adds(&b, "（分母为 0）");
        return cc_buf_detach(&b);
    case CC_ST_INSUFFICIENT:
        fmt_num(d, sizeof d, c->den, 2);
        fmt_num(n, sizeof n, ind->min_n, 2);
        cc_buf_addf(&b, "%s 样本不足 (%s < %s)", ind->name, d, n);
        return cc_buf_detach(&b);
    default:
        break;
    }
    cc_format_indicator_value(v, sizeof v, ind, c->value);
    cc_format_value(t, sizeof t, ind->unit, ind->target);
    cc_buf_addf(&b, "%s %s", ind->name, v);
    if (!isnan(c->num) && !isnan(c->den)) {
        fmt_num(n, sizeof n, c->num, 2);
        fmt_num(d, sizeof d, c->den, 2);
        double k = cc_formula_scale(ind->formula);
        if (k != 1) {                 /* counts, and the scale: (25/568 × 100) */
            char ks[32];
            fmt_num(ks, sizeof ks, k, 2);
            cc_buf_addf(&b, " (%s/%s × %s)", n, d, ks);
        } else {
            cc_buf_addf(&b, " (%s/%s)", n, d);
        }
    }
    cc_buf_addf(&b, " %s 目标 %s", ind->direction == CC_LOWER ? ">" : "<", t);
    if (c->run >= 2)
        cc_buf_addf(&b, "，连续 %d %s未达标", c->run, cc_period_unit_zh(per->kind));
    if (c->rectify)
        cc_buf_adds(&b, " → 专项整治");
    return cc_buf_detach(&b);
}

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

/* ---- weights and ranking methods ---------------------------------------------------------- */
/* AHP dimension weights from the [ahp] matrix (printed error when inconsistent). */
static cc_err score_ahp(const cc_config *cfg, cc_ahp_result *res)
{
    return cc_config_check_weights(cfg, res);
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

static cc_err score_methods(cc_store *s, const cc_config *cfg, cc_scorecard *sc)
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

static void unit_result_free(cc_unit_result *r, size_t nind)
{
    unit_free(&r->unit);
    if (r->cells)
        for (size_t i = 0; i < nind; i++)
            free(r->cells[i].explanation);
    free(r->cells);
    free(r->contrib);
}

void cc_scorecard_free(cc_scorecard *sc)
{
    if (!sc)
        return;
    for (size_t i = 0; sc->res && i < sc->units.n; i++)
        unit_result_free(&sc->res[i], sc->cfg->nind);
    free(sc->res);
    cc_units_release(&sc->units);
    free(sc->ind_weight);
    cc_ahp_release(&sc->ahp);
    free(sc->kano);
    free(sc);
}

/* Status after escalation of indicator i for the unit at index idx[k] of period k. */
typedef struct {
    cc_status status;
    int run, rectify;
} esc;

static esc escalate(const cc_config *cfg, const pstate *ps, const long *idx, size_t i, int from_k)
{
    esc r = {CC_ST_MISSING, 0, 0};
    const cc_indicator *ind = &cfg->ind[i];
    int first;
    if (idx[from_k] < 0 || !ps[from_k].ok)
        return r;
    first = ps[from_k].st[(size_t)idx[from_k] * cfg->nind + i];
    r.status = (cc_status)first;
    if (first == CC_ST_NOT_REPORTED) {
        for (int k = from_k; k < CC_HISTORY; k++) {
            if (idx[k] < 0 || !ps[k].ok || ps[k].st[(size_t)idx[k] * cfg->nind + i] != CC_ST_NOT_REPORTED)
                break;
            r.run++;
        }
        r.rectify = r.run >= ind->escalate_after;
        r.status = CC_ST_NOT_REPORTED;
        return r;
    }
    if (!is_miss(first))
        return r;
    for (int k = from_k; k < CC_HISTORY; k++) {
        if (idx[k] < 0 || !ps[k].ok || !is_miss(ps[k].st[(size_t)idx[k] * cfg->nind + i]))
            break;
        r.run++;
    }
    /* the band is never changed: 专项整治 is a flag, for a run of misses
     * whose level now is at least [scorecard] escalate_from */
    r.rectify = r.run >= ind->escalate_after && (int)first >= cfg->escalate_from;
    return r;
}

static cc_colour colour_of(cc_status s, int rectify)
{
    switch (s) {
    case CC_ST_MET: return CC_COL_MET;
    case CC_ST_BLUE: return CC_COL_BLUE;
    case CC_ST_YELLOW: return CC_COL_YELLOW;
    case CC_ST_RED: return CC_COL_RED;
    case CC_ST_NOT_REPORTED: return rectify ? CC_COL_RED : CC_COL_YELLOW;
    default: return CC_COL_GREY;
    }
}

const char *cc_unranked_name(cc_unranked u)
{
    return u == CC_UNRANKED_COVERAGE ? "coverage" : u == CC_UNRANKED_NOT_REPORTED ? "not_reported" : NULL;
}

const char *cc_unranked_zh(cc_unranked u)
{
    return u == CC_UNRANKED_COVERAGE ? "覆盖不足" : u == CC_UNRANKED_NOT_REPORTED ? "未报" : "";
}

static void rank_units(cc_scorecard *sc)
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

cc_err cc_scorecard_compute(cc_store *s, const cc_config *cfg, const cc_period *p,
                            const cc_scope *scope, cc_scorecard **out)
{
    cc_err e = CC_OK;
    pstate ps[CC_HISTORY];
    cc_scorecard *sc = cc_xcalloc(1, sizeof *sc);
    size_t nind = cfg->nind;

    *out = NULL;
    memset(ps, 0, sizeof ps);
    sc->cfg = cfg;
    sc->period = *p;
    sc->hist_period[0] = *p;
    for (int k = 1; k < CC_HISTORY; k++)
        sc->hist_period[k] = cc_period_prev(&sc->hist_period[k - 1]);

    if (cfg->weights == CC_WEIGHTS_AHP)
        e = score_ahp(cfg, &sc->ahp);
    cc_items_prep iprep = {0};          /* the items the measures items_* count (ledger.c) */
    if (!e)
        e = cc_items_prepare(s, cfg, sc->hist_period, &iprep);
    /* the periods' attendance windows overlap (a last:13w window moves by a
     * week): attend.c's week cache reads each week once (bounded memory) */
    if (!e)
        e = cc_measures_cache_begin(s);
    if (!e)                             /* and span.c's, for the other sources */
        e = cc_measures_span_begin(s);
    cc_units hunits[CC_HISTORY];        /* filled in two threads first */
    memset(hunits, 0, sizeof hunits);
    int pre = 0;
    if (!e) {
        e = prefetch_history(s, cfg, sc->hist_period, hunits);
        pre = 1;
        if (!e && cc_interrupted)
            e = CC_ERR_INTERRUPTED;
    }
    for (int k = 0; k < CC_HISTORY && !e; k++) {
        e = compute_period(s, cfg, &sc->hist_period[k], &ps[k],
                           cfg->weights == CC_WEIGHTS_AHP ? &sc->ahp : NULL, k == 0,
                           pre ? &hunits[k] : NULL);
        if (!e)
            pstate_trim(&ps[k], k);
        if (cc_interrupted)
            e = CC_ERR_INTERRUPTED;
    }
    for (int k = 0; k < CC_HISTORY; k++)
        cc_units_release(&hunits[k]);
    cc_measures_span_end(s);
    cc_measures_cache_end(s);
    cc_items_finish(&iprep);
    /* periods that end before the data begin never count: not in a run (of
     * misses or of 未报), no previous value */
    cc_day dfrom, dto;
    if (!e)
        e = cc_measures_data_range(s, &dfrom, &dto);
    for (int k = 1; k < CC_HISTORY && !e; k++)
        if (dfrom > dto || sc->hist_period[k].to < dfrom)
            ps[k].ok = 0;
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

    for (size_t u = 0; u < U->n; u++) {
        cc_unit_result *r = &sc->res[u];
        long idx[CC_HISTORY];
        unit_copy(&r->unit, &U->u[u]);
        for (int k = 0; k < CC_HISTORY; k++)
            idx[k] = k == 0 ? (long)u : (ps[k].ok ? cc_units_find(&ps[k].units, U->u[u].level, U->u[u].id) : -1);
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
        for (size_t i = 0; i < nind; i++) {
            cc_cell *c = &r->cells[i];
            size_t ci = u * nind + i;
            esc now = escalate(cfg, ps, idx, i, 0);
            esc before = escalate(cfg, ps, idx, i, 1);
            c->value = ps[0].val[ci];
            c->num = ps[0].num[ci];
            c->den = ps[0].den[ci];
            c->score = ps[0].score[ci];
            c->status = now.status;
            c->run = now.run;
            c->rectify = now.rectify;
            c->colour = colour_of(c->status, c->rectify);
            c->why = ps[0].why[ci];
            c->prev_status = before.status;
            for (int k = 0; k < CC_HISTORY; k++) {
                c->hist[k] = idx[k] >= 0 ? ps[k].val[(size_t)idx[k] * nind + i] : NAN;
                c->hist_st[k] = idx[k] >= 0 && ps[k].ok ? ps[k].st[(size_t)idx[k] * nind + i] : CC_ST_MISSING;
            }
            c->prev_value = c->hist[1];
            int wn = cc_status_is_warning(c->status), wp = idx[1] >= 0 && cc_status_is_warning(before.status);
            c->change = wn && wp ? CC_CHG_CONTINUING : wn ? CC_CHG_NEW
                      : wp && c->status == CC_ST_MET ? CC_CHG_RESOLVED : CC_CHG_NONE;
            c->explanation = explain(cfg, p, &cfg->ind[i], &r->unit, c);
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
    memset(&ps[0].units, 0, sizeof ps[0].units);   /* now owned by sc */

    e = score_methods(s, cfg, sc);
    if (e)
        goto fail;
    rank_units(sc);

    /* keep the units of the scope */
    if (scope && (scope->nstreets || scope->ncommunities)) {
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
                unit_result_free(&sc->res[u], nind);
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

    e = scorecard_kano(s, cfg, sc, scope && (scope->nstreets || scope->ncommunities));
    if (e)
        goto fail;
    for (int k = 0; k < CC_HISTORY; k++)
        pstate_release(&ps[k]);
    *out = sc;
    return CC_OK;
fail:
    for (int k = 0; k < CC_HISTORY; k++)
        pstate_release(&ps[k]);
    if (sc->res) {
        memset(&sc->units, 0, sizeof sc->units);
        free(sc->res);
        sc->res = NULL;
    }
    cc_scorecard_free(sc);
    return e;
}

cc_err cc_scorecard_check_range(cc_store *s, const cc_period *p)
{
    cc_day from, to;
    char a[11], b[11];
    cc_err e = cc_measures_data_range(s, &from, &to);
    if (e)
        return e;
    if (from > to) {
        cc_error("%s has no data: the database holds no activity, survey, assessment, training, "
                 "time-bank or feedback rows; ingest the files first", p->id);
        return CC_ERR_DATA;
    }
    if (p->to >= from && p->from <= to)
        return CC_OK;
    cc_day_format(from, a);
    cc_day_format(to, b);
    if (p->from > to) {
        static const char *const whose[] = {"this week's", "this month's", "this quarter's",
                                            "this year's", "these dates'"};
        cc_period last = cc_period_of(p->kind == CC_PERIOD_CUSTOM ? CC_PERIOD_WEEK : p->kind, to);
        cc_error("%s has no data: the database holds %s … %s; have %s files been ingested? "
                 "(the last %s with data is %s)", p->id, a, b, whose[p->kind <= CC_PERIOD_CUSTOM ? p->kind : 4],
                 p->kind == CC_PERIOD_CUSTOM ? "week" : cc_period_kind_name(p->kind), last.id);
    } else {
        cc_period first = cc_period_of(p->kind == CC_PERIOD_CUSTOM ? CC_PERIOD_WEEK : p->kind, from);
        cc_error("%s has no data: the database holds %s … %s, which begin after it "
                 "(the first %s with data is %s)", p->id, a, b,
                 p->kind == CC_PERIOD_CUSTOM ? "week" : cc_period_kind_name(p->kind), first.id);
    }
    return CC_ERR_DATA;
}

cc_err cc_scorecard_record(cc_store *s, const cc_scorecard *sc)
{
    static const char del_sql[] =
        "DELETE FROM warning_log WHERE period_id = ?1 AND unit_level = ?2 AND unit_id = ?3";
    static const char ins_sql[] =
        "INSERT OR REPLACE INTO warning_log (period_id, unit_level, unit_id, indicator_id, status,"
        " level, value, target, run, rectify, change, explanation, recorded_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
    sqlite3_stmt *del = NULL, *ins = NULL;
    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    cc_err e;
    int rc;

    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    /* a read-only or locked database: the scorecard stands, without its
     * audit record (docs/decisions.md) */
    char *what = cc_xasprintf("the audit record of %s", sc->period.id);
    int begun = cc_store_begin_optional(s, what);
    free(what);
    if (begun <= 0)
        return begun < 0 ? CC_ERR_DB : CC_OK;
    rc = sqlite3_prepare_v2(s->db, del_sql, -1, &del, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(s->db, ins_sql, -1, &ins, NULL);
    for (size_t u = 0; rc == SQLITE_OK && u < sc->units.n; u++) {
        const cc_unit_result *r = &sc->res[u];
        sqlite3_bind_text(del, 1, sc->period.id, -1, SQLITE_STATIC);
        sqlite3_bind_text(del, 2, cc_level_name(r->unit.level), -1, SQLITE_STATIC);
        sqlite3_bind_text(del, 3, r->unit.id, -1, SQLITE_STATIC);
        rc = sqlite3_step(del);
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
        sqlite3_reset(del);
        for (size_t i = 0; rc == SQLITE_OK && i < sc->cfg->nind; i++) {
            const cc_cell *c = &r->cells[i];
            if (!cc_status_is_warning(c->status) && c->change != CC_CHG_RESOLVED)
                continue;
            sqlite3_bind_text(ins, 1, sc->period.id, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 2, cc_level_name(r->unit.level), -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 3, r->unit.id, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 4, sc->cfg->ind[i].id, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 5, cc_status_name(c->status), -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 6, cc_colour_name(c->colour), -1, SQLITE_STATIC);
            if (isnan(c->value)) sqlite3_bind_null(ins, 7);
            else sqlite3_bind_double(ins, 7, c->value);
            sqlite3_bind_double(ins, 8, sc->cfg->ind[i].target);
            sqlite3_bind_int(ins, 9, c->run);
            sqlite3_bind_int(ins, 10, c->rectify);
            if (cc_change_name(c->change))
                sqlite3_bind_text(ins, 11, cc_change_name(c->change), -1, SQLITE_STATIC);
            else
                sqlite3_bind_null(ins, 11);
            sqlite3_bind_text(ins, 12, c->explanation ? c->explanation : "", -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 13, now, -1, SQLITE_STATIC);
            rc = sqlite3_step(ins);
            rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
            sqlite3_reset(ins);
        }
    }
    sqlite3_finalize(del);
    sqlite3_finalize(ins);
    if (rc != SQLITE_OK) {
        e = cc_store_err(s, rc, "recording warnings");
        cc_store_rollback(s);
        return e;
    }
    return cc_store_commit(s);
}

char *cc_scorecard_movers(const cc_scorecard *sc, size_t unit)
{
    /* Candidates: every indicator's contribution, and (index nind) the
     * effect of coverage changes, named 覆盖变化. */
    const cc_unit_result *r = &sc->res[unit];
    size_t nind = sc->cfg->nind, best[3];
    int nb = 0;
    cc_buf b = CC_BUF_INIT;
    for (int k = 0; k < 3; k++) {
        size_t pick = (size_t)-1;
        double pv = 0;
        for (size_t i = 0; i <= nind; i++) {
            double v = i < nind ? r->contrib[i] : r->contrib_coverage;
            int taken = 0;
            if (isnan(v) || fabs(v) < 0.05)
                continue;
            for (int j = 0; j < nb; j++)
                taken |= best[j] == i;
            if (taken)
                continue;
            if (pick == (size_t)-1 || fabs(v) > fabs(pv)) {
                pick = i;
                pv = v;
            }
        }
        if (pick == (size_t)-1)
            break;
        best[nb++] = pick;
    }
    cc_buf_adds(&b, "");
    for (int j = 0; j < nb; j++) {
        double v = best[j] < nind ? r->contrib[best[j]] : r->contrib_coverage;
        cc_buf_addf(&b, "%s%s %s%.1f", j ? "，" : "", best[j] < nind ? sc->cfg->ind[best[j]].name : "覆盖变化",
                    v >= 0 ? "+" : "−", fabs(v));
    }
    return cc_buf_detach(&b);
}

const char *cc_cell_action_zh(const cc_cell *c)
{
    if (c->rectify && cc_status_is_warning(c->status))
        return "专项整治";
    switch (c->status) {
    case CC_ST_NOT_REPORTED: return "督促报送";
    case CC_ST_RED:
    case CC_ST_YELLOW: return "限期整改";
    case CC_ST_BLUE: return "关注";
    default: return "";
    }
}
