/* score/period — one period of the scorecard's history, computed the same
 * way from the data whichever period it is: its windows and the measures
 * over them (measure/), 未报, the indicator values, statuses and scores, the
 * dimension scores, totals and effective weights; the prefetch of the
 * whole history; and the check of a period against the data range.
 */
#include "score/score_int.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- one period ------------------------------------------------------------- */
void cc_score_pstate_release(cc_score_pstate *p)
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
void cc_score_pstate_trim(cc_score_pstate *p, int k)
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

/* Values, statuses, reasons and scores of every unit and indicator from the
 * measures over the windows w (wof[i]: the window of indicator i), with
 * 未报 and the sample-size guard. */
static void period_values(const cc_config *cfg, cc_score_pstate *p, const wtab *w, const size_t *wof)
{
    size_t nind = cfg->nind, n = p->units.n;

    p->val = cc_xmalloc((n * nind + 1) * sizeof(double));
    p->num = cc_xmalloc((n * nind + 1) * sizeof(double));
    p->den = cc_xmalloc((n * nind + 1) * sizeof(double));
    p->score = cc_xmalloc((n * nind + 1) * sizeof(double));
    p->st = cc_xcalloc(n * nind + 1, 1);
    p->why = cc_xcalloc(n * nind + 1, sizeof *p->why);
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

/* Dimension scores and coverage, totals (NAN for an unranked unit) and the
 * effective weight of each indicator in the total, from the scores and the
 * period's weights. */
static void period_totals(const cc_config *cfg, cc_score_pstate *p)
{
    size_t nind = cfg->nind, n = p->units.n;

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
        else if (cfg->min_coverage > 0
                 && (isnan(p->coverage[u]) || !cc_score_ge(p->coverage[u], cfg->min_coverage)))
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
}

/* ---- the values of a look-back's own periods ---------------------------------- */
/* A weekly scorecard's items_* look back from its own week first (ledger.c,
 * cc_items_prepare): that look-back computes the very periods the scorecard
 * computes next, over the same units and windows, with every measure but
 * items_* (not installed inside a look-back).  While that look-back fills
 * (cc_score_vmemo_fill), each of its periods keeps its window values here
 * instead of freeing them; the scorecard's computation of the same period
 * then takes them, computes the items_* measures only, and frees the entry.
 * The values are the same numbers the scorecard would compute (the measures
 * do not depend on which scorecard asks), so nothing in the output changes;
 * what is saved is a second prefetch and computation of twelve periods. */
typedef struct {
    int used;
    cc_period per;
    const cc_config *cfg;
    size_t n, ncomm, nstreet;
    char *ids;                  /* the units' ids, each ended by '\0' */
    size_t idslen;
    wtab *w;
    size_t nw;
} vm_entry;

static _Thread_local struct {
    int filling;
    vm_entry e[CC_HISTORY];
} vm;

/* The units' ids, each ended by '\0', in one block (caller frees). */
static char *units_ids(const cc_units *u, size_t *len_out)
{
    size_t len = 0;
    for (size_t k = 0; k < u->n; k++)
        len += strlen(u->u[k].id) + 1;
    char *b = cc_xmalloc(len + 1), *o = b;
    for (size_t k = 0; k < u->n; k++)
        o = stpcpy(o, u->u[k].id) + 1;
    *len_out = len;
    return b;
}

/* Are u's ids, in order, those kept in x? */
static int units_same(const vm_entry *x, const cc_units *u)
{
    if (x->n != u->n || x->ncomm != u->ncomm || x->nstreet != u->nstreet)
        return 0;
    const char *o = x->ids, *end = x->ids + x->idslen;
    for (size_t k = 0; k < u->n; k++) {
        size_t m = strlen(u->u[k].id) + 1;
        if ((size_t)(end - o) < m || memcmp(o, u->u[k].id, m))
            return 0;
        o += m;
    }
    return o == end;
}

static void vm_free(vm_entry *x)
{
    if (x->used) {
        wtabs_free(x->w, x->nw);
        free(x->ids);
    }
    memset(x, 0, sizeof *x);
}

void cc_score_vmemo_fill(int on)
{
    vm.filling = on;
}

void cc_score_vmemo_clear(void)
{
    for (int k = 0; k < CC_HISTORY; k++)
        vm_free(&vm.e[k]);
    vm.filling = 0;
}

static vm_entry *vm_find(const cc_config *cfg, const cc_period *per)
{
    for (int k = 0; k < CC_HISTORY; k++) {
        vm_entry *x = &vm.e[k];
        if (x->used && x->cfg == cfg && x->per.kind == per->kind && x->per.from == per->from
            && x->per.to == per->to)
            return x;
    }
    return NULL;
}

int cc_score_vmemo_has(const cc_config *cfg, const cc_period *per)
{
    return !vm.filling && vm_find(cfg, per) != NULL;
}

/* Keep the window values w of period p (taken over); 0 when not filling. */
static int vm_keep(const cc_config *cfg, const cc_score_pstate *p, wtab *w, size_t nw)
{
    if (!vm.filling || vm_find(cfg, &p->per))
        return 0;
    for (int k = 0; k < CC_HISTORY; k++) {
        vm_entry *x = &vm.e[k];
        if (x->used)
            continue;
        x->used = 1;
        x->per = p->per;
        x->cfg = cfg;
        x->n = p->units.n;
        x->ncomm = p->units.ncomm;
        x->nstreet = p->units.nstreet;
        x->ids = units_ids(&p->units, &x->idslen);
        x->w = w;
        x->nw = nw;
        return 1;
    }
    return 0;
}

/* The items_* measures (CC_SRC_LEDGER: they read the ledger, not only the
 * data) of every window of p, computed into w's values, whose other
 * measures are there already. */
static cc_err ledger_measures(cc_store *s, const cc_config *cfg, const cc_score_pstate *p, wtab *w, size_t nw)
{
    size_t n = p->units.n;
    cc_err e = CC_OK;
    for (size_t k = 0; k < nw && !e; k++) {
        size_t nn = w[k].nnames;
        const char **names = cc_xmalloc((nn + 1) * sizeof *names);
        size_t *col = cc_xmalloc((nn + 1) * sizeof *col);
        size_t m = 0;
        for (size_t j = 0; j < nn; j++)
            if (cc_measure_source(w[k].names[j]) == CC_SRC_LEDGER) {
                names[m] = w[k].names[j];
                col[m++] = j;
            }
        if (m) {
            double *v = cc_xmalloc((n ? n : 1) * m * sizeof *v);
            e = cc_measures_compute(s, cfg, &p->units, w[k].from, w[k].to, names, m, v);
            for (size_t u = 0; u < n && !e; u++)
                for (size_t j = 0; j < m; j++)
                    w[k].vals[u * nn + col[j]] = v[u * m + j];
            free(v);
        }
        free(names);
        free(col);
    }
    return e;
}

/* The window values of period p from the memo into w (vals allocated), the
 * items_* measures computed; 0 (nothing done) when the memo does not hold
 * p for the same units and windows. */
static int vm_take(cc_store *s, const cc_config *cfg, const cc_score_pstate *p, wtab *w, size_t nw,
                   cc_err *err)
{
    vm_entry *x = vm.filling ? NULL : vm_find(cfg, &p->per);
    if (!x)
        return 0;
    int same = x->nw == nw && units_same(x, &p->units);
    for (size_t k = 0; k < nw && same; k++) {
        same = x->w[k].from == w[k].from && x->w[k].to == w[k].to && x->w[k].nnames == w[k].nnames;
        for (size_t j = 0; j < w[k].nnames && same; j++)
            same = x->w[k].names[j] == w[k].names[j];
    }
    if (!same) {
        vm_free(x);
        return 0;
    }
    for (size_t k = 0; k < nw; k++) {
        w[k].vals = x->w[k].vals;       /* taken over */
        x->w[k].vals = NULL;
    }
    vm_free(x);
    *err = ledger_measures(s, cfg, p, w, nw);
    return 1;
}

/* ---- the window values kept in the database ------------------------------------ */
/* A period's window values are a pure function of the same things as its
 * raw statuses (store/raw_status.c): they are kept beside them, under the
 * same key, and forgotten with them by ingest.  The blob: 'V', 1; the
 * number of units (4 bytes) and their IDs in order (length byte, ID); the
 * number of windows (2 bytes) and per window its first and last day (4
 * bytes each), the number of its measures (2 bytes) and their names (length
 * byte, name); then the values, window by window, unit by unit, as doubles
 * in this machine's order (the key holds the program's own digest).  The
 * items_* measures, which read the ledger, are kept as NaN and computed
 * again by whoever takes the values.  Integers are little-endian. */
static void put_le(cc_buf *b, uint32_t v, int bytes)
{
    unsigned char x[4];
    for (int i = 0; i < bytes; i++)
        x[i] = (unsigned char)(v >> (8 * i));
    cc_buf_add(b, (const char *)x, (size_t)bytes);
}

static int put_name(cc_buf *b, const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 255)
        return 0;
    put_le(b, (uint32_t)n, 1);
    cc_buf_add(b, s, n);
    return 1;
}

/* The blob of p's window values w (NULL: something does not fit the form). */
static unsigned char *kv_blob(const cc_score_pstate *p, const wtab *w, size_t nw, size_t *len)
{
    size_t n = p->units.n;
    if (n > 0xffffffffu || nw > 0xffff)
        return NULL;
    cc_buf b = CC_BUF_INIT;
    int ok = 1;
    cc_buf_add(&b, "V\1", 2);
    put_le(&b, (uint32_t)n, 4);
    for (size_t u = 0; u < n && ok; u++)
        ok = put_name(&b, p->units.u[u].id);
    put_le(&b, (uint32_t)nw, 2);
    for (size_t k = 0; k < nw && ok; k++) {
        ok = w[k].nnames <= 0xffff;
        put_le(&b, (uint32_t)w[k].from, 4);
        put_le(&b, (uint32_t)w[k].to, 4);
        put_le(&b, (uint32_t)w[k].nnames, 2);
        for (size_t j = 0; j < w[k].nnames && ok; j++)
            ok = put_name(&b, w[k].names[j]);
    }
    for (size_t k = 0; k < nw && ok; k++) {
        size_t nn = w[k].nnames;
        for (size_t j = 0; j < nn; j++) {
            int ledger = cc_measure_source(w[k].names[j]) == CC_SRC_LEDGER;
            for (size_t u = 0; u < n; u++) {
                double v = ledger ? NAN : w[k].vals[u * nn + j];
                cc_buf_add(&b, (const char *)&v, sizeof v);
            }
        }
    }
    if (!ok) {
        cc_buf_release(&b);
        return NULL;
    }
    *len = b.len;
    return (unsigned char *)b.s;
}

typedef struct {
    const unsigned char *b, *end;
    int ok;
} reader;

static uint32_t get_le(reader *r, int bytes)
{
    uint32_t v = 0;
    if (r->end - r->b < bytes) {
        r->ok = 0;
        return 0;
    }
    for (int i = 0; i < bytes; i++)
        v |= (uint32_t)r->b[i] << (8 * i);
    r->b += bytes;
    return v;
}

/* Is the next name of r s? */
static int same_name(reader *r, const char *s)
{
    size_t n = get_le(r, 1);
    if (!r->ok || (size_t)(r->end - r->b) < n || strlen(s) != n || memcmp(r->b, s, n))
        return 0;
    r->b += n;
    return 1;
}

/* The window values of p from a kept blob into w (vals allocated), when
 * it was kept for the same units and windows; 0 (nothing done) if not. */
static int kv_apply(const unsigned char *blob, size_t len, const cc_score_pstate *p, wtab *w, size_t nw)
{
    size_t n = p->units.n;
    reader r = {blob, blob + len, 1};
    if (len < 2 || blob[0] != 'V' || blob[1] != 1)
        return 0;
    r.b += 2;
    if (get_le(&r, 4) != n)
        return 0;
    for (size_t u = 0; u < n; u++)
        if (!same_name(&r, p->units.u[u].id))
            return 0;
    if (get_le(&r, 2) != nw || !r.ok)
        return 0;
    size_t nvals = 0;
    for (size_t k = 0; k < nw; k++) {
        if ((cc_day)get_le(&r, 4) != w[k].from || (cc_day)get_le(&r, 4) != w[k].to ||
            get_le(&r, 2) != w[k].nnames || !r.ok)
            return 0;
        for (size_t j = 0; j < w[k].nnames; j++)
            if (!same_name(&r, w[k].names[j]))
                return 0;
        nvals += n * w[k].nnames;
    }
    if ((size_t)(r.end - r.b) != nvals * sizeof(double))
        return 0;
    for (size_t k = 0; k < nw; k++) {
        size_t nn = w[k].nnames, m = n * nn;
        w[k].vals = cc_xmalloc((m ? m : 1) * sizeof(double));
        /* stored window by window, measure by measure */
        for (size_t j = 0; j < nn; j++)
            for (size_t u = 0; u < n; u++) {
                memcpy(&w[k].vals[u * nn + j], r.b, sizeof(double));
                r.b += sizeof(double);
            }
    }
    return 1;
}

/* units: the period's units, loaded already (taken over), or NULL;
 * kept/klen: the period's window values kept in the database, or NULL
 * (score_int.h). */
cc_err cc_score_period_compute(cc_store *s, const cc_config *cfg, const cc_period *per,
                               cc_score_pstate *p, const cc_ahp_result *ahp, int notices, cc_units *units,
                               const unsigned char *kept, size_t klen)
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
    if (vm_take(s, cfg, p, w, nw, &e)) {
        /* the look-back's own period */
    } else if (kept && kv_apply(kept, klen, p, w, nw)) {
        e = ledger_measures(s, cfg, p, w, nw);
    } else {
        for (size_t k = 0; k < nw && !e; k++) {
            w[k].vals = cc_xmalloc((n ? n : 1) * (w[k].nnames ? w[k].nnames : 1) * sizeof(double));
            e = cc_measures_compute(s, cfg, &p->units, w[k].from, w[k].to,
                                    w[k].names, w[k].nnames, w[k].vals);
        }
        /* computed: kept in the database at the run's end (ledger.c), unless
         * an older block of a look-back, which nothing reads values of */
        size_t len = 0;
        unsigned char *blob;
        if (!e && (vm.filling || !cc_items_in_lookback()) && cc_items_values_on(s, cfg) &&
            (blob = kv_blob(p, w, nw, &len)))
            cc_items_values_keep(per, blob, len);
    }
    if (e)
        goto out;

    p->reported = cc_xcalloc(p->units.ncomm ? p->units.ncomm : 1, 1);
    for (size_t i = 0; i < p->units.ncomm; i++) {
        double r = w[0].vals[i * w[0].nnames + name_index(&w[0], "reported")];
        p->reported[i] = !isnan(r) && r > 0;
    }

    period_values(cfg, p, w, wof);
    e = cc_score_period_weights(cfg, p, ahp, notices);
    if (e)
        goto out;

    period_totals(cfg, p);
    p->ok = 1;
    if (vm_keep(cfg, p, w, nw))
        w = NULL, nw = 0;
out:
    if (w)
        wtabs_free(w, nw);
    free(wof);
    return e;
}

/* The week caches filled for the whole history at once, in two threads
 * (measure.h, cc_measures_prefetch): the units of every period are loaded
 * first (into units[], handed to cc_score_period_compute), then every
 * window of every period is listed in the order cc_score_period_compute
 * computes them. */
cc_err cc_score_prefetch_history(cc_store *s, const cc_config *cfg, const cc_period *hist, int nk,
                                 const unsigned char *skip, cc_units *units)
{
    cc_err e = CC_OK;
    wtab *w[CC_HISTORY];
    size_t nw[CC_HISTORY], nall = 0;
    size_t *wof = cc_xcalloc(cfg->nind ? cfg->nind : 1, sizeof *wof);
    for (int k = 0; k < nk; k++) {
        nw[k] = skip[k] ? 0 : period_windows(cfg, &hist[k], &w[k], wof);
        nall += nw[k];
    }
    for (int k = 0; k < nk && !e; k++)
        if (!skip[k])
            e = cc_units_load(s, hist[k].to, &units[k]);
    if (!e) {
        cc_measure_win *mw = cc_xcalloc(nall + 1, sizeof *mw);
        size_t m = 0;
        for (int k = 0; k < nk; k++)
            for (size_t j = 0; j < nw[k]; j++)
                mw[m++] = (cc_measure_win){&units[k], w[k][j].from, w[k][j].to, w[k][j].names,
                                           w[k][j].nnames};
        e = cc_measures_prefetch(s, cfg, mw, m);
        free(mw);
    }
    for (int k = 0; k < nk; k++)
        if (!skip[k])
            wtabs_free(w[k], nw[k]);
    free(wof);
    return e;
}

cc_err cc_scorecard_check_range(cc_store *s, const cc_period *p)
{
    cc_day from, to;
    char a[11], b[11];
    cc_err e = cc_score_data_range(s, &from, &to);
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
