/* span — the week cache of the measures other than attendance.
 *
 * A weekly scorecard computes every indicator for its period and the eleven
 * before it, each over the period, last:4w, last:13w and last:26w: some 48
 * windows that overlap almost entirely.  Read directly, every window is one
 * query per source.  With the cache on (cc_measures_span_begin), each source
 * reads each week once, with one query for a run of missing weeks, into
 * per-(community, week) aggregates:
 *
 *   activities  the row expressions of measure.c's act_sql, summed per week
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
 */
#include "store/db.h"
#include "measure/span.h"
#include "base/intern.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CW 64
#ifndef SPAN_BUDGET
#define SPAN_BUDGET ((size_t)64 << 20)
#endif

static const char *const as_domains[] = {"cognitive", "social", "emotion", "language", "motor"};

enum { SRC_ACT, SRC_PART, SRC_TB, SRC_FB, SRC_SV, SRC_AS, SRC_PROV, SRC_TRAIN, NSRC };

/* ---- string interning: lib/base/intern.h ----------------------------------- */
typedef cc_intern interner;
#define intern cc_intern_id
#define interner_bytes cc_intern_bytes
#define interner_release cc_intern_release

/* ---- (id, community) -> weeks: distinct counts ----------------------------- */
typedef struct {
    uint32_t comm;
    uint32_t next;          /* next entry of the same id + 1, 0 = end */
    uint32_t weeks[2];      /* bit i: week i */
} dentry;                   /* the id is the chain's (head[id]) */

typedef struct {
    interner ids;
    dentry *e;
    size_t n, cap;
    uint32_t *head;         /* id -> first entry + 1 */
    size_t nhead;
    uint32_t *eid;          /* entry -> its id */
    uint32_t *slot;         /* (id, comm) -> entry + 1: a name every community has */
    size_t scap;            /* makes a long chain (power of two) */
} dtable;

static size_t dslot(uint32_t id, uint32_t comm, size_t cap)
{
    uint64_t k = ((uint64_t)id << 32 | comm) * 0x9E3779B97F4A7C15ull;
    return (size_t)(k >> 32) & (cap - 1);
}

static void dtable_add(dtable *t, const char *s, size_t len, uint32_t comm, int bit)
{
    uint32_t id = intern(&t->ids, s, len);
    if (id >= t->nhead) {
        size_t nh = t->nhead ? t->nhead : 1024;
        while (nh <= id)
            nh += nh / 2;
        t->head = cc_xrealloc(t->head, nh * sizeof *t->head);
        memset(t->head + t->nhead, 0, (nh - t->nhead) * sizeof *t->head);
        t->nhead = nh;
    }
    if ((t->n + 1) * 2 > t->scap) {
        size_t ncap = t->scap ? 2 * t->scap : 1024;
        uint32_t *ns = cc_xcalloc(ncap, sizeof *ns);
        for (size_t j = 0; j < t->n; j++) {
            size_t i = dslot(t->eid[j], t->e[j].comm, ncap);
            while (ns[i])
                i = (i + 1) & (ncap - 1);
            ns[i] = (uint32_t)j + 1;
        }
        free(t->slot);
        t->slot = ns;
        t->scap = ncap;
    }
    size_t i = dslot(id, comm, t->scap);
    for (; t->slot[i]; i = (i + 1) & (t->scap - 1)) {
        dentry *e = &t->e[t->slot[i] - 1];
        if (e->comm == comm && t->eid[t->slot[i] - 1] == id) {
            e->weeks[bit >> 5] |= UINT32_C(1) << (bit & 31);
            return;
        }
    }
    t->slot[i] = (uint32_t)t->n + 1;
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap + t->cap / 2 : 1024;
        t->e = cc_xrealloc(t->e, t->cap * sizeof *t->e);
        t->eid = cc_xrealloc(t->eid, t->cap * sizeof *t->eid);
    }
    t->eid[t->n] = id;
    dentry *e = &t->e[t->n];
    e->comm = comm;
    e->weeks[0] = e->weeks[1] = 0;
    e->weeks[bit >> 5] = UINT32_C(1) << (bit & 31);
    e->next = t->head[id];
    t->head[id] = (uint32_t)t->n + 1;
    t->n++;
}

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

/* ---- per-(community, week) sums ------------------------------------------- */
#define MAXW 20
#define ACT_W 20                /* the sum columns of act_sql below */
#define ACT_NOUT 22             /* the activity measures, in act_sql's order */
static const char *const act_out[ACT_NOUT] = {
    "activities", "cancelled", "scheduled", "attended", "registered", "capacity",
    "children", "special_attended", "volunteers", "volunteer_hours", "incidents",
    "online_booked", "checks_passed", "checks_total", "staff", "staffed_children",
    "staffed_staff", "hours", "person_hours", "interaction_sum", "interaction_n", "reported"};
/* the sum columns each needs (scheduled = done + cancelled; reported none) */
#define Q(j) (UINT32_C(1) << (j))
static const uint32_t act_sums[ACT_NOUT] = {
    Q(0), Q(1), Q(0) | Q(1), Q(2), Q(3), Q(4), Q(5), Q(6), Q(7), Q(8), Q(9), Q(10), Q(11),
    Q(12), Q(13), Q(14), Q(15), Q(16), Q(17), Q(18), Q(19), 0};
#undef Q
typedef struct {
    int width;              /* <= MAXW */
    int col[MAXW];          /* stored column j = the query's column c0 + col[j] */
    double *sum[CW];        /* nk * width */
    uint32_t *nn[CW];       /* nk: bit j = column j had a non-NULL value */
    uint32_t *rows[CW];     /* nk */
} sums;

static void sums_week(sums *m, size_t nk, int bit)
{
    if (m->rows[bit])
        return;
    m->sum[bit] = cc_xcalloc(nk * (size_t)m->width + 1, sizeof(double));
    m->nn[bit] = cc_xcalloc(nk + 1, sizeof(uint32_t));
    m->rows[bit] = cc_xcalloc(nk + 1, sizeof(uint32_t));
}

/* Columns c0 .. c0 + width - 1 of the row into (k, bit). */
static void sums_add(sums *m, sqlite3_stmt *st, int c0, size_t k, int bit)
{
    double *s = m->sum[bit] + k * (size_t)m->width;
    uint32_t nn = 0;
    for (int j = 0; j < m->width; j++)
        if (sqlite3_column_type(st, c0 + m->col[j]) != SQLITE_NULL) {
            s[j] += sqlite3_column_double(st, c0 + m->col[j]);
            nn |= UINT32_C(1) << j;
        }
    m->nn[bit][k] |= nn;
    m->rows[bit][k]++;
}

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
/* An assessment row in 16 bytes: meta = community (19 bits) << 13 |
 * days before the newest week's Sunday (9 bits) << 4 | domain << 1 | pre. */
typedef struct {
    uint32_t pid;
    uint32_t meta;
    double score;
} asrow;
#define AS_MAXK (UINT32_C(1) << 19)
#define AS_COMM(a) ((a)->meta >> 13)
#define AS_OFF(a) ((int)((a)->meta >> 4 & 511))
#define AS_DOM(a) ((int)((a)->meta >> 1 & 7))
#define AS_PRE(a) ((int)((a)->meta & 1))

typedef struct {
    uint32_t comm;
    int32_t day;            /* trainings: the training's day */
    int32_t joined, left;   /* INT32_MIN / INT32_MAX when NULL */
    uint8_t prof, cert;
    double hours;
} prow;

static unsigned long span_hits;     /* windows answered, per source (tests) */
static unsigned span_epoch;         /* counts the brackets begun */

unsigned long cc_span_hits(void)
{
    return span_hits;
}

static struct {
    sqlite3 *db;            /* the connection the cache belongs to; NULL = off */
    int disabled;           /* dropped (over budget): every window declined */
    size_t budget;
    const cc_config *cfg;   /* the configuration of the first window */
    int started;
    cc_day top;             /* Monday of the newest week (bit 0) */
    char **names;           /* the registry's community IDs, sorted: index = k */
    size_t nk;
    uint64_t loaded[NSRC];  /* weeks read, per source */
    int bad[NSRC];          /* a row the cache cannot place: direct path */
    sums act, tb, fb;
    uint32_t act_need;      /* activity measures (act_out) the formulas use */
    int act_at[MAXW];       /* act_sql sum column -> stored column, -1 = not kept */
    dtable partners, members;
    uint64_t *part_any;     /* per k: weeks with a completed session */
    uint64_t *tb_any;       /* per k: weeks with a time-bank member row */
    uint16_t *sv[CW];       /* per week: nk * nitems * 3 (n, sum, top2 or yes) */
    size_t nitems;
    unsigned doms;          /* assessment domains the configuration's formulas use */
    asrow *as;
    size_t nas, ascap;
    interner as_ids;
    uint32_t *as_next;      /* per row: the next row of its (domain, participant) + 1 */
    uint32_t *as_head[5];   /* per domain and participant: its first row + 1 */
    size_t as_nhead[5];
    prow *prov, *train;
    size_t nprov, ntrain;
    int whole[NSRC];        /* providers / trainings read */
    unsigned char *ever[CC_SPAN_NEVER];   /* per k */
    int prefetching;        /* cc_span_prefetch_task may run in two threads: no
                             * budget check (it frees everything), no hit count */
} sp;

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
static int over_budget(void)
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

/* A canonical 'YYYY-MM-DD' (the one text that compares like its day) to its
 * day; 0 otherwise.  last / lastday remember the previous text. */
static int canon_day(const unsigned char *t, int len, char last[11], cc_day *lastday, cc_day *out)
{
    if (!t || len != 10)
        return 0;
    if (last[4] == '-' && !memcmp(t, last, 10)) {
        *out = *lastday;
        return 1;
    }
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? t[i] != '-' : (t[i] < '0' || t[i] > '9'))
            return 0;
    int y = (t[0] - '0') * 1000 + (t[1] - '0') * 100 + (t[2] - '0') * 10 + (t[3] - '0');
    int m = (t[5] - '0') * 10 + (t[6] - '0'), d = (t[8] - '0') * 10 + (t[9] - '0');
    if (!cc_ymd_valid(y, m, d))
        return 0;
    cc_day day = cc_day_from_ymd(y, m, d);
    char buf[11];
    cc_day_format(day, buf);
    if (memcmp(buf, t, 10))
        return 0;
    memcpy(last, t, 10);
    last[10] = '\0';
    *lastday = day;
    *out = day;
    return 1;
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
static int usable(const cc_span_win *w, int src)
{
    if (src == SRC_PART)
        src = SRC_ACT;
    return w->on && !sp.disabled && sp.db && !sp.bad[src];
}

/* ---- loading weeks -------------------------------------------------------------- */
typedef cc_err (*loader)(cc_store *s, sqlite3_stmt *st, int lo, int hi);

/* Read the weeks lo..hi (bits: newer to older) of a source with its query
 * (?1 from, ?2 to, and what bind adds). */
static cc_err load_run(cc_store *s, int src, const char *sql, int lo, int hi, loader fn)
{
    char from[11], to[11];
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return cc_store_err(s, rc, "computing measures");
    cc_day_format(sp.top - 7 * hi, from);
    cc_day_format(sp.top - 7 * lo + 6, to);
    sqlite3_bind_text(st, 1, from, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, to, -1, SQLITE_TRANSIENT);
    if (src == SRC_FB)
        sqlite3_bind_int(st, 3, sp.cfg->feedback_respond_days > 0 ? sp.cfg->feedback_respond_days : 3);
    if (src == SRC_SV)
        for (size_t i = 0; i < sp.nitems; i++)
            sqlite3_bind_text(st, 3 + (int)i, sp.cfg->items[i].column, -1, SQLITE_STATIC);
    cc_err e = fn(s, st, lo, hi);
    sqlite3_finalize(st);
    return e;
}

/* The week bit of a row's date text, or -1 (and the source marked bad) when
 * the text is not canonical, or -2 outside lo..hi. */
typedef struct { char last[11]; cc_day day; } dayc;

static int row_bit(sqlite3_stmt *st, int col, int src, dayc *dc, int lo, int hi)
{
    cc_day d;
    if (!canon_day(sqlite3_column_text(st, col), sqlite3_column_bytes(st, col), dc->last, &dc->day, &d)) {
        sp.bad[src] = 1;
        return -1;
    }
    long off = (long)sp.top + 6 - (long)d;
    if (off < 0 || off / 7 < lo || off / 7 > hi)
        return -2;
    return (int)(off / 7);
}

static size_t row_k(sqlite3_stmt *st)
{
    sqlite3_int64 k = sqlite3_column_int64(st, 0);
    return k >= 0 && (size_t)k < sp.nk ? (size_t)k : (size_t)-1;
}

static cc_err step_end(cc_store *s, int rc)
{
    return rc == SQLITE_DONE ? CC_OK : cc_store_err(s, rc, "computing measures");
}

/* activities: k, date, then the sum columns */
#define DONE "a.status = 'completed'"
#define ACT_SUMS \
    ", " DONE ", a.status = 'cancelled'," \
    " CASE WHEN " DONE " THEN a.attended END," \
    " CASE WHEN " DONE " THEN a.registered END," \
    " CASE WHEN " DONE " THEN a.capacity END," \
    " CASE WHEN " DONE " THEN a.children END," \
    " CASE WHEN " DONE " THEN a.special_attended END," \
    " CASE WHEN " DONE " THEN a.volunteers END," \
    " CASE WHEN " DONE " THEN a.volunteer_hours END," \
    " CASE WHEN " DONE " THEN a.incidents END," \
    " CASE WHEN " DONE " THEN a.online_booked END," \
    " CASE WHEN " DONE " THEN a.checks_passed END," \
    " CASE WHEN " DONE " THEN a.checks_total END," \
    " CASE WHEN " DONE " THEN a.staff END," \
    " CASE WHEN " DONE " AND a.children > 0 AND a.staff > 0 THEN a.children END," \
    " CASE WHEN " DONE " AND a.children > 0 AND a.staff > 0 THEN a.staff END," \
    " CASE WHEN " DONE " THEN a.hours END," \
    " CASE WHEN " DONE " THEN a.hours * a.attended END," \
    " CASE WHEN " DONE " THEN a.interaction_score END," \
    " CASE WHEN " DONE " AND a.interaction_score IS NOT NULL THEN 1 ELSE 0 END"
/* and the partners as typed (completed sessions: split as ingest does,
 * text/list.c, instead of a lookup in activity_partners per session) */
static const char act_sql[] =
    "SELECT m.k, a.date, " DONE ", a.partners" ACT_SUMS
    " FROM temp.cc_span m CROSS JOIN activities a ON a.community_id = m.community_id"
    " WHERE a.date BETWEEN ?1 AND ?2";

static cc_err act_rows(cc_store *s, sqlite3_stmt *st, int lo, int hi)
{
    int rc;
    dayc dc = {{0}, 0};
    for (int b = lo; b <= hi; b++)
        sums_week(&sp.act, sp.nk, b);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        size_t k = row_k(st);
        int bit = row_bit(st, 1, SRC_ACT, &dc, lo, hi);
        if (bit == -1)
            return CC_OK;
        if (k == (size_t)-1 || bit < 0)
            continue;
        sums_add(&sp.act, st, 4, k, bit);
        if (sqlite3_column_int(st, 2)) {    /* completed: its partners */
            const char *pt = (const char *)sqlite3_column_text(st, 3), *t;
            size_t pos = 0, n = (size_t)sqlite3_column_bytes(st, 3), len;
            sp.part_any[k] |= UINT64_C(1) << bit;
            while (pt && cc_list_next(pt, n, &pos, &t, &len))
                dtable_add(&sp.partners, t, len, (uint32_t)k, bit);
        }
    }
    return step_end(s, rc);
}

static const char tb_sql[] =
    "SELECT m.k, t.date, t.member_id, CASE WHEN t.kind = 'deposit' THEN t.hours ELSE 0 END,"
    " CASE WHEN t.kind = 'redeem' THEN t.hours ELSE 0 END"
    " FROM temp.cc_span m CROSS JOIN timebank t ON t.community_id = m.community_id"
    " WHERE t.date BETWEEN ?1 AND ?2";

static cc_err tb_rows(cc_store *s, sqlite3_stmt *st, int lo, int hi)
{
    int rc;
    dayc dc = {{0}, 0};
    for (int b = lo; b <= hi; b++)
        sums_week(&sp.tb, sp.nk, b);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        size_t k = row_k(st);
        int bit = row_bit(st, 1, SRC_TB, &dc, lo, hi);
        if (bit == -1)
            return CC_OK;
        if (k == (size_t)-1 || bit < 0)
            continue;
        sums_add(&sp.tb, st, 3, k, bit);
        if (sqlite3_column_type(st, 2) != SQLITE_NULL) {
            sp.tb_any[k] |= UINT64_C(1) << bit;
            dtable_add(&sp.members, (const char *)sqlite3_column_text(st, 2),
                       (size_t)sqlite3_column_bytes(st, 2), (uint32_t)k, bit);
        }
    }
    return step_end(s, rc);
}

static const char fb_sql[] =
    "SELECT m.k, f.received, 1,"
    " f.responded IS NOT NULL AND julianday(f.responded) - julianday(f.received) <= ?3,"
    " f.resolved = 1"
    " FROM temp.cc_span m CROSS JOIN feedback f ON f.community_id = m.community_id"
    " WHERE f.received BETWEEN ?1 AND ?2";

static cc_err fb_rows(cc_store *s, sqlite3_stmt *st, int lo, int hi)
{
    int rc;
    dayc dc = {{0}, 0};
    for (int b = lo; b <= hi; b++)
        sums_week(&sp.fb, sp.nk, b);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        size_t k = row_k(st);
        int bit = row_bit(st, 1, SRC_FB, &dc, lo, hi);
        if (bit == -1)
            return CC_OK;
        if (k == (size_t)-1 || bit < 0)
            continue;
        sums_add(&sp.fb, st, 2, k, bit);
    }
    return step_end(s, rc);
}

/* surveys: the SQL is built for the configuration's items (?3 ...) */
static cc_err sv_rows(cc_store *s, sqlite3_stmt *st, int lo, int hi)
{
    int rc;
    dayc dc = {{0}, 0};
    const cc_config *cfg = sp.cfg;
    size_t ni = sp.nitems;
    for (int b = lo; b <= hi; b++)
        if (!sp.sv[b])
            sp.sv[b] = cc_xcalloc(sp.nk * ni * 3 + 1, sizeof(uint16_t));
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        size_t k = row_k(st);
        int bit = row_bit(st, 1, SRC_SV, &dc, lo, hi);
        if (bit == -1)
            return CC_OK;
        const char *role = (const char *)sqlite3_column_text(st, 2);
        const char *q = (const char *)sqlite3_column_text(st, 3);
        const char *ans = (const char *)sqlite3_column_text(st, 4);
        if (k == (size_t)-1 || bit < 0 || !q || !role)
            continue;
        for (size_t i = 0; i < ni; i++) {
            const cc_item *it = &cfg->items[i];
            if (strcmp(it->column, q))
                continue;
            int top, code = cc_item_has_role(it, role) ? cc_item_value(it, ans, &top) : -1;
            if (code < 0)
                continue;
            uint16_t *v = sp.sv[bit] + (k * ni + i) * 3;
            if (v[1] > UINT16_MAX - 5) {    /* a community-week of 13,000 answers: not here */
                sp.bad[SRC_SV] = 1;
                return CC_OK;
            }
            v[0] += 1;
            v[1] += (uint16_t)code;         /* Likert 1..5, yes/no 1 or 0 */
            v[2] += (uint16_t)top;          /* top-2 or yes */
        }
    }
    return step_end(s, rc);
}

static const char as_sql[] =
    "SELECT m.k, s.date, s.participant_id, s.domain, s.phase, s.score"
    " FROM temp.cc_span m CROSS JOIN assessments s ON s.community_id = m.community_id"
    " WHERE s.date BETWEEN ?1 AND ?2";

static cc_err as_rows(cc_store *s, sqlite3_stmt *st, int lo, int hi)
{
    int rc;
    dayc dc = {{0}, 0};
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        size_t k = row_k(st);
        const char *pid = (const char *)sqlite3_column_text(st, 2);
        const char *dom = (const char *)sqlite3_column_text(st, 3);
        const char *ph = (const char *)sqlite3_column_text(st, 4);
        /* the direct path skips these rows whatever their date */
        if (!pid || !ph || !dom || sqlite3_column_bytes(st, 1) != 10)
            continue;
        int bit = row_bit(st, 1, SRC_AS, &dc, lo, hi);
        if (bit == -1)
            return CC_OK;
        if (k == (size_t)-1 || bit < 0)
            continue;
        int d;
        for (d = 0; d < 5 && strcmp(dom, as_domains[d]); d++)
            ;
        int pre = !strcmp(ph, "pre");
        if (d == 5 || !(sp.doms >> d & 1) || (!pre && strcmp(ph, "post")))
            continue;
        if (sp.nas == sp.ascap) {
            sp.ascap = sp.ascap ? sp.ascap + sp.ascap / 2 : 4096;
            sp.as = cc_xrealloc(sp.as, sp.ascap * sizeof *sp.as);
            sp.as_next = cc_xrealloc(sp.as_next, sp.ascap * sizeof *sp.as_next);
        }
        uint32_t p = intern(&sp.as_ids, pid, (size_t)sqlite3_column_bytes(st, 2));
        if (p >= sp.as_nhead[d]) {
            size_t nh = sp.as_nhead[d] ? sp.as_nhead[d] : 1024;
            while (nh <= p)
                nh += nh / 2;
            sp.as_head[d] = cc_xrealloc(sp.as_head[d], nh * sizeof **sp.as_head);
            memset(sp.as_head[d] + sp.as_nhead[d], 0, (nh - sp.as_nhead[d]) * sizeof **sp.as_head);
            sp.as_nhead[d] = nh;
        }
        sp.as_next[sp.nas] = sp.as_head[d][p];
        sp.as_head[d][p] = (uint32_t)sp.nas + 1;
        asrow *r = &sp.as[sp.nas++];
        r->pid = p;
        r->meta = (uint32_t)k << 13 | (uint32_t)(sp.top + 6 - dc.day) << 4 | (uint32_t)d << 1 |
                  (uint32_t)pre;
        r->score = sqlite3_column_double(st, 5);
    }
    return step_end(s, rc);
}

/* partners are read with the activities (SRC_PART shares SRC_ACT's weeks) */
static const char *const src_sql[NSRC] = {act_sql, NULL, tb_sql, fb_sql, NULL, as_sql, NULL, NULL};
static const loader src_fn[NSRC] = {act_rows, NULL, tb_rows, fb_rows, sv_rows, as_rows, NULL, NULL};

static char *sv_sql(void)
{
    cc_buf b = CC_BUF_INIT;
    cc_buf_adds(&b, "SELECT m.k, r.date, r.role, a.question, a.answer"
                    " FROM temp.cc_span m CROSS JOIN survey_responses r ON r.community_id = m.community_id"
                    " JOIN survey_answers a ON a.response_id = r.response_id"
                    " WHERE r.date BETWEEN ?1 AND ?2 AND +a.question IN (");
    for (size_t i = 0; i < sp.nitems; i++)
        cc_buf_addf(&b, "%s?%zu", i ? ", " : "", i + 3);
    if (!sp.nitems)
        cc_buf_adds(&b, "NULL");
    cc_buf_adds(&b, ")");
    return b.s;
}

/* Load the window's missing weeks of src; 1 when the window can then be
 * answered, 0 (err set on a database error) when not. */
static int ensure(cc_store *s, const cc_span_win *w, int src, cc_err *err)
{
    *err = CC_OK;
    if (!usable(w, src))
        return 0;
    if (src == SRC_PART)
        src = SRC_ACT;
    uint64_t miss = w->mask & ~sp.loaded[src];
    char *sql = NULL;
    for (int b = 0; b < CW && miss; b++) {
        if (!(miss >> b & 1))
            continue;
        int e = b;
        while (e + 1 < CW && (miss >> (e + 1) & 1))
            e++;
        if (src == SRC_SV && !sql)
            sql = sv_sql();
        *err = load_run(s, src, src == SRC_SV ? sql : src_sql[src], b, e, src_fn[src]);
        if (*err || sp.bad[src]) {
            free(sql);
            return 0;
        }
        for (int i = b; i <= e; i++)
            sp.loaded[src] |= UINT64_C(1) << i;
        miss &= ~sp.loaded[src];
        if (!sp.prefetching && over_budget()) {
            free(sql);
            return 0;
        }
    }
    free(sql);
    if (!sp.prefetching)
        span_hits++;
    return 1;
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

/* ---- providers (the table) and trainings (the 64 weeks) read once ------------------------- */
#define PROF "p.type IN ('social_worker', 'caregiver', 'teacher')"
static const char prov_sql[] =
    "SELECT m.k, " PROF ", p.certified = 1, p.joined, p.left_on, NULL, NULL"
    " FROM temp.cc_span m CROSS JOIN providers p ON p.community_id = m.community_id";
static const char train_sql[] =
    "SELECT m.k, " PROF ", 0, p.joined, p.left_on, t.date, t.hours"
    " FROM temp.cc_span m CROSS JOIN providers p ON p.community_id = m.community_id"
    " JOIN trainings t ON t.provider_id = p.provider_id AND t.date BETWEEN ?1 AND ?2";

/* A nullable date column: 1 and its day (NULL -> none), 0 when not canonical. */
static int opt_day(sqlite3_stmt *st, int col, int32_t none, int32_t *out)
{
    char last[11] = {0};
    cc_day lastday = 0, d;
    if (sqlite3_column_type(st, col) == SQLITE_NULL) {
        *out = none;
        return 1;
    }
    if (!canon_day(sqlite3_column_text(st, col), sqlite3_column_bytes(st, col), last, &lastday, &d))
        return 0;
    *out = (int32_t)d;
    return 1;
}

static int load_whole(cc_store *s, const cc_span_win *w, int src, cc_err *err)
{
    *err = CC_OK;
    if (!usable(w, src))
        return 0;
    if (sp.whole[src]) {
        if (!sp.prefetching)
            span_hits++;
        return 1;
    }
    int train = src == SRC_TRAIN;
    prow **rows = train ? &sp.train : &sp.prov;
    size_t *n = train ? &sp.ntrain : &sp.nprov, cap = 0;
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, train ? train_sql : prov_sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        *err = cc_store_err(s, rc, "computing measures");
        return 0;
    }
    if (train) {                        /* the trainings of the 64 weeks a window can span */
        char from[11], to[11];
        cc_day_format(sp.top - 7 * (CW - 1), from);
        cc_day_format(sp.top + 6, to);
        sqlite3_bind_text(st, 1, from, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, to, -1, SQLITE_TRANSIENT);
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        size_t k = row_k(st);
        if (k == (size_t)-1)
            continue;
        prow r;
        memset(&r, 0, sizeof r);
        r.comm = (uint32_t)k;
        r.prof = sqlite3_column_int(st, 1) != 0;
        r.cert = sqlite3_column_int(st, 2) != 0;
        if (train && !r.prof)
            continue;                   /* never counted */
        int ok = opt_day(st, 3, INT32_MIN, &r.joined) && opt_day(st, 4, INT32_MAX, &r.left);
        if (train) {
            r.hours = sqlite3_column_double(st, 6);
            ok = ok && sqlite3_column_type(st, 5) != SQLITE_NULL &&
                 opt_day(st, 5, 0, &r.day) && sqlite3_column_type(st, 6) != SQLITE_NULL;
        }
        if (!ok) {
            sp.bad[src] = 1;
            break;
        }
        if (*n == cap) {
            cap = cap ? 2 * cap : 1024;
            *rows = cc_xrealloc(*rows, cap * sizeof **rows);
        }
        (*rows)[(*n)++] = r;
    }
    sqlite3_finalize(st);
    if (sp.bad[src])
        return 0;
    if (rc != SQLITE_DONE) {
        *err = cc_store_err(s, rc, "computing measures");
        return 0;
    }
    sp.whole[src] = 1;
    if (sp.prefetching)
        return 1;
    if (over_budget())
        return 0;
    span_hits++;
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

/* ---- ever had a row ------------------------------------------------------------------- */
static const char *const ever_sql[CC_SPAN_NEVER] = {
    "SELECT m.k FROM temp.cc_span m WHERE EXISTS (SELECT 1 FROM survey_responses r"
    " WHERE r.community_id = m.community_id)",
    "SELECT m.k FROM temp.cc_span m WHERE EXISTS (SELECT 1 FROM assessments s"
    " WHERE s.community_id = m.community_id)",
    "SELECT m.k FROM temp.cc_span m WHERE EXISTS (SELECT 1 FROM timebank t"
    " WHERE t.community_id = m.community_id)",
    "SELECT m.k FROM temp.cc_span m WHERE EXISTS (SELECT 1 FROM feedback f"
    " WHERE f.community_id = m.community_id)",
    "SELECT m.k FROM temp.cc_span m WHERE EXISTS (SELECT 1 FROM providers p"
    " JOIN trainings t ON t.provider_id = p.provider_id WHERE p.community_id = m.community_id)",
};

/* Read the set of a kind once; 0 with *err on a database error. */
static int ever_load(cc_store *s, int kind, cc_err *err)
{
    if (sp.ever[kind])
        return 1;
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, ever_sql[kind], -1, &st, NULL);
    if (rc != SQLITE_OK) {
        *err = cc_store_err(s, rc, "computing measures");
        return 0;
    }
    unsigned char *e = cc_xcalloc(sp.nk + 1, 1);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        size_t k = row_k(st);
        if (k != (size_t)-1)
            e[k] = 1;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        free(e);
        *err = cc_store_err(s, rc, "computing measures");
        return 0;
    }
    sp.ever[kind] = e;
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
