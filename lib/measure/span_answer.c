/* span_answer — windows answered from the week cache: the weeks of a
 * window added up per community, distinct counts over the (id, community)
 * week masks, assessment pairs per window, providers and trainings as of
 * the window's end (span.c describes the cache).
 */
#include "measure/span_int.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The window's totals of community k: rows (0 = no group), sums, non-NULL. */
static uint32_t sums_total(const sums *m, uint64_t mask, size_t k, double *s, uint32_t *nn)
{
    uint32_t rows = 0;
    *nn = 0;
    for (int j = 0; j < m->width; j++)
        s[j] = 0;
    for (int b = 0; b < CW; b++) {
        if (!(mask >> b & 1) || !m->rows[b] || !m->rows[b][k])
            continue;
        rows += m->rows[b][k];
        *nn |= m->nn[b][k];
        const double *w = m->sum[b] + k * (size_t)m->width;
        for (int j = 0; j < m->width; j++)
            s[j] += w[j];
    }
    return rows;
}

/* ---- the measures ------------------------------------------------------------------ */
int cc_span_activities(cc_store *s, cc_span_win *w, double *const *act, cc_err *err)
{
    *err = CC_OK;
    for (int o = 0; o < ACT_NOUT; o++)      /* a measure no formula uses: not kept */
        if (act[o] && !usable(w, SRC_ACT))
            return 0;
        else if (act[o])
            for (int q = 0; q < ACT_W; q++)
                if (act_sums[o] >> q & 1 && sp.act_at[q] < 0)
                    return 0;
    if (!ensure(s, w, SRC_ACT, err))
        return 0;
    double d[MAXW + 1], t[ACT_W];
    uint32_t dn, nn;
    for (size_t k = 0; k < sp.nk; k++) {
        long c = w->cmap[k];
        if (c < 0 || !sums_total(&sp.act, w->mask, k, d, &dn))
            continue;
        nn = 0;                     /* back to act_sql's columns */
        for (int q = 0; q < ACT_W; q++) {
            int j = sp.act_at[q];
            t[q] = j < 0 ? 0 : d[j];
            if (j >= 0 && dn >> j & 1)
                nn |= UINT32_C(1) << q;
        }
#define PUT(col, j) do { if (act[col]) act[col][c] = nn >> (j) & 1 ? t[j] : NAN; } while (0)
        PUT(0, 0);
        PUT(1, 1);
        if (act[2])                 /* SUM(done) + SUM(cancelled) */
            act[2][c] = (nn & 3) == 3 ? t[0] + t[1] : NAN;
        for (int j = 2; j <= 18; j++)
            PUT(j + 1, j);
        if (act[20])                /* NULLIF(SUM(...), 0) */
            act[20][c] = nn >> 19 & 1 && t[19] != 0 ? t[19] : NAN;
        if (act[21])
            act[21][c] = 1;
#undef PUT
    }
    return 1;
}

/* Distinct ids of t over the window at the three levels, added to v (which
 * the caller set to 0 where the unit has rows). */
static void count_distinct(const cc_span_win *w, const dtable *t, double *v)
{
    const cc_units *u = w->units;
    uint32_t *stamp = cc_xcalloc(u->n + 1, sizeof *stamp);
    for (size_t id = 0; id < t->nhead; id++) {
        for (uint32_t j = t->head[id]; j; j = t->e[j - 1].next) {
            const dentry *e = &t->e[j - 1];
            uint64_t wk = (uint64_t)e->weeks[1] << 32 | e->weeks[0];
            long c = w->cmap[e->comm];
            if (!(wk & w->mask) || c < 0)
                continue;
            size_t un[3] = {(size_t)c, u->u[c].street, w->area};
            for (int l = 0; l < 3; l++)
                if (stamp[un[l]] != id + 1) {
                    stamp[un[l]] = (uint32_t)id + 1;
                    v[un[l]] += 1;
                }
        }
    }
    free(stamp);
}

/* v = 0 at every level of the communities whose any-mask meets the window */
static void zero_levels(const cc_span_win *w, const uint64_t *any, double *v)
{
    for (size_t k = 0; k < sp.nk; k++) {
        long c = w->cmap[k];
        if (c < 0 || !(any[k] & w->mask))
            continue;
        size_t un[3] = {(size_t)c, w->units->u[c].street, w->area};
        for (int l = 0; l < 3; l++)
            if (isnan(v[un[l]]))
                v[un[l]] = 0;
    }
}

int cc_span_partners(cc_store *s, cc_span_win *w, double *v, cc_err *err)
{
    if (!ensure(s, w, SRC_PART, err))
        return 0;
    zero_levels(w, sp.part_any, v);
    count_distinct(w, &sp.partners, v);
    return 1;
}

int cc_span_timebank(cc_store *s, cc_span_win *w, double *dep, double *red, double *members,
                     cc_err *err)
{
    if (!ensure(s, w, SRC_TB, err))
        return 0;
    double t[2];
    uint32_t nn;
    for (size_t k = 0; k < sp.nk; k++) {
        long c = w->cmap[k];
        if (c < 0 || !sums_total(&sp.tb, w->mask, k, t, &nn))
            continue;
        if (dep)
            dep[c] = nn & 1 ? t[0] : NAN;
        if (red)
            red[c] = nn & 2 ? t[1] : NAN;
    }
    if (members) {
        zero_levels(w, sp.tb_any, members);
        count_distinct(w, &sp.members, members);
    }
    return 1;
}

int cc_span_feedback(cc_store *s, cc_span_win *w, double *cnt, double *timely, double *resolved,
                     cc_err *err)
{
    if (!ensure(s, w, SRC_FB, err))
        return 0;
    double t[3];
    uint32_t nn;
    double *col[3] = {cnt, timely, resolved};
    for (size_t k = 0; k < sp.nk; k++) {
        long c = w->cmap[k];
        if (c < 0 || !sums_total(&sp.fb, w->mask, k, t, &nn))
            continue;
        for (int j = 0; j < 3; j++)
            if (col[j])
                col[j][c] = nn >> j & 1 ? t[j] : NAN;
    }
    return 1;
}

int cc_span_surveys(cc_store *s, cc_span_win *w, double *(*sv)[4], cc_err *err)
{
    if (!ensure(s, w, SRC_SV, err))
        return 0;
    size_t ni = sp.nitems;
    for (size_t k = 0; k < sp.nk; k++) {
        long c = w->cmap[k];
        if (c < 0)
            continue;
        for (size_t i = 0; i < ni; i++) {
            if (!sv[i][0])
                continue;
            uint64_t t[3] = {0, 0, 0};
            for (int b = 0; b < CW; b++) {
                if (!(w->mask >> b & 1))
                    continue;
                const uint16_t *v = sp.sv[b] + (k * ni + i) * 3;
                for (int f = 0; f < 3; f++)
                    t[f] += v[f];
            }
            if (!t[0])
                continue;
            /* n, sum, top2, yes: a Likert item counts no yes, a yes/no item
             * no top2 (code 1 is "yes", never >= 4) */
            int yn = sp.cfg->items[i].scale == CC_SCALE_YESNO;
            sv[i][0][c] = (double)t[0];
            sv[i][1][c] = (double)t[1];
            sv[i][2][c] = yn ? 0 : (double)t[2];
            sv[i][3][c] = yn ? (double)t[2] : 0;
        }
    }
    return 1;
}

/* ---- assessments: pairs per window ----------------------------------------------------- */
/* A participant's rows of one domain are chained: per window, the earliest
 * pre and latest post of each of its units (community, street, area) are
 * found in a short list, no hashing.  (participant, domain, phase, date) is
 * the table's key, so no two rows tie. */
typedef struct {
    size_t unit;
    int32_t pre_day, post_day;
    double pre, post;
    uint8_t has_pre, has_post;
} as_pair;

int cc_span_assess(cc_store *s, cc_span_win *w, int dom, const char *domain, double *const *fv,
                   cc_err *err)
{
    *err = CC_OK;
    if (dom < 0 || dom >= 5 || strcmp(domain, as_domains[dom]) || !w->on || !(sp.doms >> dom & 1))
        return 0;
    if (sp.nk >= AS_MAXK || !ensure(s, w, SRC_AS, err))
        return 0;
    const cc_units *u = w->units;
    cc_day top6 = sp.top + 6;
    size_t cap = 16;
    as_pair *loc = cc_xmalloc(cap * sizeof *loc);
    const uint32_t *head = sp.as_head[dom];
    for (size_t p = 0; p < sp.as_nhead[dom]; p++) {
        size_t nl = 0;
        for (uint32_t j = head[p]; j; j = sp.as_next[j - 1]) {
            const asrow *a = &sp.as[j - 1];
            long c = w->cmap[AS_COMM(a)];
            if (c < 0 || !(w->mask >> (AS_OFF(a) / 7) & 1))
                continue;
            int32_t day = (int32_t)(top6 - AS_OFF(a));
            int pre = AS_PRE(a);
            size_t un[3] = {(size_t)c, u->u[c].street, w->area};
            for (int l = 0; l < 3; l++) {
                size_t k;
                for (k = 0; k < nl && loc[k].unit != un[l]; k++)
                    ;
                if (k == nl) {
                    if (nl == cap) {
                        cap *= 2;
                        loc = cc_xrealloc(loc, cap * sizeof *loc);
                    }
                    memset(&loc[nl], 0, sizeof loc[nl]);
                    loc[nl++].unit = un[l];
                }
                as_pair *e = &loc[k];
                if (pre && (!e->has_pre || day < e->pre_day)) {
                    e->has_pre = 1; e->pre_day = day; e->pre = a->score;
                } else if (!pre && (!e->has_post || day > e->post_day)) {
                    e->has_post = 1; e->post_day = day; e->post = a->score;
                }
            }
        }
        for (size_t k = 0; k < nl; k++) {
            const as_pair *e = &loc[k];
            if (!e->has_pre || !e->has_post)
                continue;
            size_t un = e->unit;
            if (isnan(fv[0][un]))
                fv[0][un] = fv[1][un] = fv[2][un] = 0;
            fv[0][un] += 1;
            fv[1][un] += e->pre;
            fv[2][un] += e->post;
        }
    }
    free(loc);
    return 1;
}

int cc_span_providers(cc_store *s, cc_span_win *w, double *prov, double *cert, cc_err *err)
{
    if (!load_whole(s, w, SRC_PROV, err))
        return 0;
    int32_t to = (int32_t)w->to;
    for (size_t i = 0; i < sp.nprov; i++) {
        const prow *r = &sp.prov[i];
        long c = w->cmap[r->comm];
        if (c < 0)
            continue;
        int act = r->prof && r->joined <= to && r->left >= to;
        if (prov)
            prov[c] = (isnan(prov[c]) ? 0 : prov[c]) + act;
        if (cert)
            cert[c] = (isnan(cert[c]) ? 0 : cert[c]) + (act && r->cert);
    }
    return 1;
}

int cc_span_trainings(cc_store *s, cc_span_win *w, double *hours, cc_err *err)
{
    if (!load_whole(s, w, SRC_TRAIN, err))
        return 0;
    int32_t from = (int32_t)w->from, to = (int32_t)w->to;
    for (size_t i = 0; i < sp.ntrain; i++) {
        const prow *r = &sp.train[i];
        long c = w->cmap[r->comm];
        if (c < 0 || r->day < from || r->day > to || r->joined > to || r->left < to)
            continue;
        hours[c] = (isnan(hours[c]) ? 0 : hours[c]) + r->hours;
    }
    return 1;
}

unsigned char *cc_span_ever(cc_store *s, cc_span_win *w, int kind, cc_err *err)
{
    *err = CC_OK;
    if (kind < 0 || kind >= CC_SPAN_NEVER || !w->on || sp.disabled || !sp.db)
        return NULL;
    if (!ever_load(s, kind, err))
        return NULL;
    const cc_units *u = w->units;
    unsigned char *out = cc_xcalloc(u->ncomm ? u->ncomm : 1, 1);
    for (size_t k = 0; k < sp.nk; k++)
        if (w->cmap[k] >= 0 && sp.ever[kind][k])
            out[w->cmap[k]] = 1;
    return out;
}
