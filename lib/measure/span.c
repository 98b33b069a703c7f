/* span — the week cache of the measures other than attendance.
 *
 * A weekly scorecard computes every indicator for its period and the eleven
 * before it, each over the period, last:4w, last:13w and last:26w: some 48
 * windows that overlap almost entirely.  Read directly, every window is one
 * query per source.  With the cache on (cc_measures_span_begin), each source
 * reads each week once, with one query for a run of missing weeks, into
 * per-(community, week) aggregates:
 *
 *   activities  the row expressions of measure_read.c's act_sql, summed per week
 *               with a non-NULL mask (SQL SUM over no non-NULL value is NULL)
 *               and a row count;
 *   partners    (partner, community) -> 64-bit week mask, plus per community
 *               the weeks with a completed session: activities.partners
 *               split in the activities' scan by ingest's rule (text/list.c);
 *   time bank   deposit / redeem sums per week, and (member, community) ->
 *               week mask for the distinct members;
 *   feedback    count, timely (per row, in SQL as the direct query), resolved;
 *   surveys     per (community, week, item) n / sum / top2 / yes, roles and
 *               answers as do_surveys;
 *   assessments the rows themselves (participant interned, day, domain,
 *               phase, score), paired per window in C;
 *   providers and trainings: the providers table and the trainings of the
 *               64 weeks read once, "active as of the window's end" decided
 *               per window in C.
 *
 * Communities are numbered by the registry's distinct community_id
 * (temp.cc_span drives every query through the (community_id, date)
 * indexes); a window maps them to the units of its period.  A row whose date
 * is not a canonical 'YYYY-MM-DD' marks its source unusable (the direct path
 * compares text), and everything is dropped above the memory budget.
 * The numbers equal the direct path's (sums of REAL columns may differ in
 * the last bits: added per week, then over the weeks).
 *
 * This file: the cache's state, its budget, the registry's communities,
 * windows and the prefetch's tasks; the loads are in span_load.c, the
 * answers in span_answer.c (internals shared in span_int.h).
 */
#include "measure/span_int.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const as_domains[] = {"cognitive", "social", "emotion", "language", "motor"};

static size_t dtable_bytes(const dtable *t)
{
    return interner_bytes(&t->ids) + t->cap * (sizeof *t->e + sizeof *t->eid) +
           t->nhead * sizeof *t->head + t->scap * sizeof *t->slot;
}

static void dtable_release(dtable *t)
{
    interner_release(&t->ids);
    free(t->e);
    free(t->eid);
    free(t->slot);
    free(t->head);
    memset(t, 0, sizeof *t);
}

static const char *const act_out[ACT_NOUT] = {
    "activities", "cancelled", "scheduled", "attended", "registered", "capacity",
    "children", "special_attended", "volunteers", "volunteer_hours", "incidents",
    "online_booked", "checks_passed", "checks_total", "staff", "staffed_children",
    "staffed_staff", "hours", "person_hours", "interaction_sum", "interaction_n", "reported"};
/* the sum columns each needs (scheduled = done + cancelled; reported none) */
#define Q(j) (UINT32_C(1) << (j))
const uint32_t act_sums[ACT_NOUT] = {
    Q(0), Q(1), Q(0) | Q(1), Q(2), Q(3), Q(4), Q(5), Q(6), Q(7), Q(8), Q(9), Q(10), Q(11),
    Q(12), Q(13), Q(14), Q(15), Q(16), Q(17), Q(18), Q(19), 0};
#undef Q

static size_t sums_bytes(const sums *m, size_t nk)
{
    size_t b = 0;
    for (int i = 0; i < CW; i++)
        if (m->rows[i])
            b += (nk + 1) * ((size_t)m->width * sizeof(double) + 2 * sizeof(uint32_t));
    return b;
}

static void sums_release(sums *m)
{
    for (int i = 0; i < CW; i++) {
        free(m->sum[i]);
        free(m->nn[i]);
        free(m->rows[i]);
        m->sum[i] = NULL;
        m->nn[i] = NULL;
        m->rows[i] = NULL;
    }
}

/* ---- the cache ---------------------------------------------------------------- */
unsigned long span_hits;
static unsigned span_epoch;         /* counts the brackets begun */

unsigned long cc_span_hits(void)
{
    return span_hits;
}

struct cc_sp_cache sp;

static size_t span_bytes(void)
{
    size_t b = sums_bytes(&sp.act, sp.nk) + sums_bytes(&sp.tb, sp.nk) + sums_bytes(&sp.fb, sp.nk);
    b += dtable_bytes(&sp.partners) + dtable_bytes(&sp.members);
    b += 2 * sp.nk * sizeof(uint64_t);
    for (int i = 0; i < CW; i++)
        if (sp.sv[i])
            b += (sp.nk * sp.nitems * 3 + 1) * sizeof(uint16_t);
    b += sp.ascap * (sizeof *sp.as + sizeof *sp.as_next) + interner_bytes(&sp.as_ids);
    for (int d = 0; d < 5; d++)
        b += sp.as_nhead[d] * sizeof **sp.as_head;
    b += (sp.nprov + sp.ntrain) * sizeof(prow);
    b += sp.nk * (CC_SPAN_NEVER + 16);
    return b;
}

static void span_free(void)
{
    for (size_t k = 0; k < sp.nk; k++)
        free(sp.names[k]);
    free(sp.names);
    sums_release(&sp.act);
    sums_release(&sp.tb);
    sums_release(&sp.fb);
    dtable_release(&sp.partners);
    dtable_release(&sp.members);
    free(sp.part_any);
    free(sp.tb_any);
    for (int i = 0; i < CW; i++)
        free(sp.sv[i]);
    free(sp.as);
    free(sp.as_next);
    for (int d = 0; d < 5; d++)
        free(sp.as_head[d]);
    interner_release(&sp.as_ids);
    free(sp.prov);
    free(sp.train);
    for (int i = 0; i < CC_SPAN_NEVER; i++)
        free(sp.ever[i]);
    memset(&sp, 0, sizeof sp);
}

/* Over the budget: give the memory back and decline every window. */
int over_budget(void)
{
    if (span_bytes() <= sp.budget)
        return 0;
    cc_verbose("measure week cache: over %zu KB; reading windows one by one", sp.budget >> 10);
    sqlite3 *db = sp.db;
    size_t budget = sp.budget;
    span_free();
    sp.db = db;
    sp.budget = budget;
    sp.disabled = 1;
    sp.started = 1;                 /* temp.cc_span is dropped at the end */
    return 1;
}

cc_err cc_measures_span_begin(cc_store *s)
{
    const cc_tuning *tu = cc_tuning_get();
    span_free();
    span_epoch++;
    if (tu->no_cache)
        return CC_OK;                   /* off: every window read directly */
    sp.db = s->db;
    sp.budget = tu->span_budget_kb >= 0 ? (size_t)tu->span_budget_kb << 10 : SPAN_BUDGET;
    return CC_OK;
}

unsigned cc_span_bracket(cc_store *s)
{
    return sp.db && sp.db == s->db ? span_epoch : 0;
}

void cc_measures_span_end(cc_store *s)
{
    if (sp.db != s->db)
        return;
    span_epoch++;
    if (sp.started && !sp.disabled)
        cc_verbose("measure week cache: %zu KB (activities %zu, assessments %zu rows, time-bank"
                   " members %zu)", span_bytes() >> 10, sums_bytes(&sp.act, sp.nk) >> 10, sp.nas,
                   sp.members.ids.n);
    if (sp.started)
        sqlite3_exec(s->db, "DROP TABLE IF EXISTS temp.cc_span", NULL, NULL, NULL);
    span_free();
}

/* ---- dates ---------------------------------------------------------------------- */
static int monday(cc_day d)
{
    return (((long)d + 3) % 7 + 7) % 7 == 0;
}

/* ---- the registry's communities --------------------------------------------------- */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* temp.cc_span on connection ls: the registry's communities and their numbers
 * (the main connection's, and the prefetch's other one: the same numbering). */
static cc_err attach(cc_store *ls)
{
    cc_err e = cc_store_exec(ls, "DROP TABLE IF EXISTS temp.cc_span;"
                                 "CREATE TEMP TABLE cc_span (community_id TEXT PRIMARY KEY,"
                                 " k INTEGER NOT NULL) WITHOUT ROWID");
    if (e)
        return e;
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(ls->db, "INSERT INTO temp.cc_span VALUES (?1, ?2)", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return cc_store_err(ls, rc, "computing measures");
    for (size_t k = 0; k < sp.nk; k++) {
        sqlite3_bind_text(st, 1, sp.names[k], -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)k);
        rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) {
            sqlite3_finalize(st);
            return cc_store_err(ls, rc, "computing measures");
        }
    }
    sqlite3_finalize(st);
    return CC_OK;
}

static cc_err load_communities(cc_store *s)
{
    sqlite3_stmt *st;
    size_t cap = 0;
    int rc = sqlite3_prepare_v2(s->db, "SELECT DISTINCT community_id FROM communities", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return cc_store_err(s, rc, "computing measures");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        if (!id)
            continue;
        if (sp.nk == cap) {
            cap = cap ? 2 * cap : 1024;
            sp.names = cc_xrealloc(sp.names, cap * sizeof *sp.names);
        }
        sp.names[sp.nk++] = cc_xstrdup(id);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return cc_store_err(s, rc, "computing measures");
    if (!sp.names)
        sp.names = cc_xmalloc(sizeof *sp.names);
    qsort(sp.names, sp.nk, sizeof *sp.names, cmp_str);
    cc_err e = attach(s);
    if (e)
        return e;
    sp.act.width = 0;               /* the sum columns the configuration uses */
    for (int q = 0; q < ACT_W; q++)
        sp.act_at[q] = -1;
    for (int o = 0; o < ACT_NOUT; o++)
        if (sp.act_need >> o & 1)
            for (int q = 0; q < ACT_W; q++)
                if (act_sums[o] >> q & 1 && sp.act_at[q] < 0) {
                    sp.act_at[q] = sp.act.width;
                    sp.act.col[sp.act.width++] = q;
                }
    sp.tb.width = 2;
    sp.fb.width = 3;
    for (int j = 0; j < 3; j++)
        sp.tb.col[j] = sp.fb.col[j] = j;
    sp.part_any = cc_xcalloc(sp.nk + 1, sizeof *sp.part_any);
    sp.tb_any = cc_xcalloc(sp.nk + 1, sizeof *sp.tb_any);
    return CC_OK;
}

/* ---- windows ---------------------------------------------------------------------- */
void cc_span_win_open(cc_store *s, const cc_config *cfg, const cc_units *units, size_t area,
                      cc_day from, cc_day to, cc_span_win *w)
{
    memset(w, 0, sizeof *w);
    w->units = units;
    w->area = area;
    w->cfg = cfg;
    w->from = from;
    w->to = to;
    if (sp.db != s->db || sp.disabled || !cfg || units->n == 0)
        return;
    if (!monday(from) || !monday(to - 6) || to < from)
        return;
    if (!sp.started) {
        sp.started = 1;
        sp.top = to - 6;
        sp.cfg = cfg;
        sp.nitems = cfg->nitems;
        for (size_t i = 0; i < cfg->nind; i++)      /* assess.<domain>.<field> */
            for (size_t r = 0; r < cc_formula_nrefs(cfg->ind[i].formula); r++) {
                const char *ref = cc_formula_ref(cfg->ind[i].formula, r);
                for (int o = 0; o < ACT_NOUT; o++)
                    if (!strcmp(ref, act_out[o]))
                        sp.act_need |= UINT32_C(1) << o;
                for (int d = 0; d < 5; d++) {
                    size_t len = strlen(as_domains[d]);
                    if (!strncmp(ref, "assess.", 7) && !strncmp(ref + 7, as_domains[d], len) &&
                        ref[7 + len] == '.')
                        sp.doms |= 1u << d;
                }
            }
        if (load_communities(s)) {      /* printed; the direct path will say it again */
            sp.disabled = 1;
            return;
        }
    }
    if (cfg != sp.cfg)
        return;
    long lo = ((long)sp.top - (long)(to - 6)) / 7, hi = ((long)sp.top - (long)from) / 7;
    if (lo < 0 || hi >= CW)
        return;
    for (long b = lo; b <= hi; b++)
        w->mask |= UINT64_C(1) << b;
    w->cmap = cc_xmalloc((sp.nk + 1) * sizeof *w->cmap);
    for (size_t k = 0; k < sp.nk; k++)
        w->cmap[k] = -1;
    for (size_t c = 0; c < units->ncomm; c++) {
        const char *id = units->u[c].id;
        char **hit = bsearch(&id, sp.names, sp.nk, sizeof *sp.names, cmp_str);
        if (hit)
            w->cmap[hit - sp.names] = (long)c;
    }
    w->on = 1;
}

void cc_span_win_close(cc_span_win *w)
{
    free(w->cmap);
    w->cmap = NULL;
    w->on = 0;
}

/* The window still answerable for source src (not dropped, not bad). */
int usable(const cc_span_win *w, int src)
{
    if (src == SRC_PART)
        src = SRC_ACT;
    return w->on && !sp.disabled && sp.db && !sp.bad[src];
}

/* ---- prefetch: the loads of a list of windows, on other connections ------------- */

int cc_span_prefetch_begin(cc_store *s, const cc_config *cfg, const cc_units *units, size_t area,
                           cc_day from, cc_day to)
{
    cc_span_win w;
    cc_span_win_open(s, cfg, units, area, from, to, &w);
    int on = w.on;
    cc_span_win_close(&w);
    if (!on)
        return 0;
    sp.prefetching = 1;
    return 1;
}

cc_err cc_span_prefetch_attach(cc_store *ls)
{
    if (!sp.prefetching || ls->db == sp.db)
        return CC_OK;
    return attach(ls);
}

/* A window of the list as cc_span_win_open would see it (no units map). */
static int pwin(const cc_span_pwin *p, cc_span_win *w)
{
    memset(w, 0, sizeof *w);
    w->from = p->from;
    w->to = p->to;
    if (!monday(p->from) || !monday(p->to - 6) || p->to < p->from || p->cfg != sp.cfg)
        return 0;
    long lo = ((long)sp.top - (long)(p->to - 6)) / 7, hi = ((long)sp.top - (long)p->from) / 7;
    if (lo < 0 || hi >= CW)
        return 0;
    for (long b = lo; b <= hi; b++)
        w->mask |= UINT64_C(1) << b;
    w->on = 1;
    return 1;
}

cc_err cc_span_prefetch_task(cc_store *ls, int task, const cc_span_pwin *p, size_t n)
{
    cc_err err = CC_OK;
    if (!sp.prefetching || sp.disabled)
        return CC_OK;
    for (size_t i = 0; i < n && !err && !cc_interrupted; i++) {
        cc_span_win w;
        if (!pwin(&p[i], &w))
            continue;
        switch (task) {
        case CC_SPAN_T_ACT:             /* cc_span_activities, then cc_span_partners */
            if (p[i].act) {
                int kept = 1;
                for (int o = 0; o < ACT_NOUT; o++)
                    if (p[i].act >> o & 1)
                        for (int q = 0; q < ACT_W; q++)
                            if (act_sums[o] >> q & 1 && sp.act_at[q] < 0)
                                kept = 0;
                if (kept)
                    ensure(ls, &w, SRC_ACT, &err);
            }
            if (p[i].need & CC_SPAN_N_PART && !err)
                ensure(ls, &w, SRC_PART, &err);
            break;
        case CC_SPAN_T_TB:
            if (p[i].need & CC_SPAN_N_TB)
                ensure(ls, &w, SRC_TB, &err);
            break;
        case CC_SPAN_T_FB:
            if (p[i].need & CC_SPAN_N_FB)
                ensure(ls, &w, SRC_FB, &err);
            break;
        case CC_SPAN_T_SV:
            if (p[i].need & CC_SPAN_N_SV)
                ensure(ls, &w, SRC_SV, &err);
            break;
        case CC_SPAN_T_AS:
            if ((p[i].doms & sp.doms) && sp.nk < AS_MAXK)
                ensure(ls, &w, SRC_AS, &err);
            break;
        case CC_SPAN_T_WHOLE:           /* read once, whichever window asks first */
            if (p[i].need & CC_SPAN_N_PROV && !sp.whole[SRC_PROV] && !sp.bad[SRC_PROV])
                load_whole(ls, &w, SRC_PROV, &err);
            if (p[i].need & CC_SPAN_N_TRAIN && !err && !sp.whole[SRC_TRAIN] && !sp.bad[SRC_TRAIN])
                load_whole(ls, &w, SRC_TRAIN, &err);
            for (int k = 0; k < CC_SPAN_NEVER && !err; k++)
                if (p[i].ever >> k & 1)
                    ever_load(ls, k, &err);
            break;
        }
    }
    return err;
}

void cc_span_prefetch_end(void)
{
    if (!sp.prefetching)
        return;
    sp.prefetching = 0;
    if (sp.db && !sp.disabled)
        over_budget();
}
