/* attend_cache — the attendance week cache (cc_measures_cache_begin/end) and
 * the windows cc_attend_prefetch computes ahead from it; attend.c asks it
 * first (cc_at_cached) and reads the window's rosters when it declines.
 */
#include "measure/attend_int.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the week cache ------------------------------------------------------------ */
/* A scorecard computes every indicator for this period and the eleven before
 * it, so the attendance windows of consecutive periods overlap almost
 * entirely (a 13-week window moves by one week).  With the cache on, a
 * window made of whole weeks (Monday to Sunday) is answered from a table of
 * (participant, community, flags) -> the weeks they attended, read from the
 * rosters once per week, up to 64 weeks back from the newest week asked for.
 * The entries of one participant are chained, so the distinct (unit,
 * participant) pairs of a level are found without hashing.  Other windows
 * read their weeks' rosters (read_window above). */
#define CW 64

typedef struct {
    uint32_t id;            /* participant or household */
    unsigned comm : 28;     /* interned community_id */
    unsigned flags : 3;
    unsigned newer : 1;     /* a newer entry of the same id heads its chain */
    uint32_t next;          /* next entry of the same id + 1, 0 = end */
    uint32_t weeks[2];      /* bit i: the week starting top - 7 i (halves: 20 bytes an entry) */
} centry;
#define WEEKS(e) ((uint64_t)(e)->weeks[1] << 32 | (e)->weeks[0])

typedef struct {
    centry *e;
    size_t n, cap;
    uint32_t *head;         /* id -> first entry + 1 */
    size_t nhead;
} ctable;

typedef struct {
    sqlite3 *db;            /* the connection the cache belongs to; NULL = off */
    int started;
    cc_day top;             /* Monday of the newest week (bit 0) */
    uint64_t loaded;        /* weeks read */
    interner comms;         /* community IDs (participants and households are ids.no) */
    ctable people, homes;
    uint64_t *known;        /* per interned ID (communities): weeks with special known */
    size_t nknown;
    int pages;              /* the connection's cache_size to restore, 0 = unchanged */
    int disabled;           /* over the memory budget: windows are read one by one */
    size_t budget;          /* CACHE_BUDGET, or $CARECARD_CACHE_BUDGET_KB (tests) */
} wcache;

/* Memory the cache may hold (the peak-memory target is 256 MB a process,
 * SQLite's page cache included); above it the cache is dropped. */
#ifndef CACHE_BUDGET
#define CACHE_BUDGET ((size_t)144 << 20)
#endif

static wcache cache;

/* Set week bit `bit` of the entry (id, comm, flags), creating it.  An ID's
 * chain is short (its communities times its roles), so it is the index. */
static void ctable_add(ctable *t, uint32_t id, uint32_t comm, uint32_t flags, int bit)
{
    if (id >= t->nhead) {
        size_t nh = t->nhead ? t->nhead : 4096;
        while (nh <= id)
            nh += nh / 2;
        t->head = cc_xrealloc(t->head, nh * sizeof *t->head);
        memset(t->head + t->nhead, 0, (nh - t->nhead) * sizeof *t->head);
        t->nhead = nh;
    }
    flags &= 7;
    comm &= 0x0fffffff;
    for (uint32_t j = t->head[id]; j; j = t->e[j - 1].next) {
        centry *e = &t->e[j - 1];
        if (e->comm == comm && e->flags == flags) {
            e->weeks[bit >> 5] |= UINT32_C(1) << (bit & 31);
            return;
        }
    }
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap + t->cap / 2 : 4096;
        t->e = cc_xrealloc(t->e, t->cap * sizeof *t->e);
    }
    centry *e = &t->e[t->n];
    e->id = id;
    e->comm = comm;
    e->flags = flags;
    e->weeks[0] = e->weeks[1] = 0;
    e->weeks[bit >> 5] = UINT32_C(1) << (bit & 31);
    e->newer = 0;
    e->next = t->head[id];
    if (e->next)
        t->e[e->next - 1].newer = 1;
    t->head[id] = (uint32_t)t->n + 1;
    t->n++;
}

static void ctable_release(ctable *t)
{
    free(t->e);
    free(t->head);
    memset(t, 0, sizeof *t);
}

/* A window cc_attend_prefetch computed from the cache: its nine columns
 * (cc_attend_cols order), NAN where the cache left them. */
enum { PC_PART, PC_CHILD, PC_HOMES, PC_SPECIAL, PC_VOL, PC_PPART, PC_PVOL, PC_RET, PC_VRET, PC_N };
typedef struct {
    const cc_unit *u;       /* the units (their array: cc_units may be copied) */
    size_t n;
    cc_day from, to;
    int need_prev;
    double *v;              /* PC_N * n; NULL once taken */
} precomp;

static struct {
    sqlite3 *db;            /* the cache's connection when they were computed */
    precomp *p;
    size_t n, cap, next;    /* next: where the next lookup starts (they are taken in order) */
} pre;

static void pre_free(void)
{
    for (size_t i = 0; i < pre.n; i++)
        free(pre.p[i].v);
    free(pre.p);
    memset(&pre, 0, sizeof pre);
}

static size_t cache_bytes(void)
{
    return cache.people.cap * sizeof(centry) + cache.people.nhead * sizeof(uint32_t) +
           cache.homes.cap * sizeof(centry) + cache.homes.nhead * sizeof(uint32_t) +
           interner_bytes(&cache.comms) +
           cache.nknown * sizeof *cache.known;
}

static void cache_free(void)
{
    interner_release(&cache.comms);
    ctable_release(&cache.people);
    ctable_release(&cache.homes);
    free(cache.known);
    memset(&cache, 0, sizeof cache);
}

/* While the cache holds the attendance, SQLite's page cache gives memory
 * back: the weeks are read once, so pages are rarely met again. */
#define CACHE_PAGES_KB 16384

/* Give the memory back and read windows directly from now on. */
static void cache_drop(void)
{
    sqlite3 *db = cache.db;
    int pages = cache.pages;
    size_t budget = cache.budget;
    cache_free();
    cache.db = db;
    cache.pages = pages;
    cache.budget = budget;
    cache.disabled = 1;
}

cc_err cc_measures_cache_begin(cc_store *s)
{
    sqlite3_stmt *st;
    long kb = cc_tuning_get()->cache_budget_kb;    /* CARECARD_CACHE_BUDGET_KB */
    cache_free();
    pre_free();
    cache.db = s->db;
    cache.pages = 0;
    cache.budget = kb >= 0 ? (size_t)kb << 10 : CACHE_BUDGET;
    if (sqlite3_prepare_v2(s->db, "PRAGMA cache_size", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            cache.pages = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    if (cache.pages && (cache.pages > 0 || cache.pages < -CACHE_PAGES_KB)) {
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA cache_size = %d", -CACHE_PAGES_KB);
        sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    } else {
        cache.pages = 0;
    }
    return CC_OK;
}

void cc_measures_cache_end(cc_store *s)
{
    if (pre.db == s->db)
        pre_free();
    if (cache.db != s->db)
        return;
    if (cache.pages) {
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA cache_size = %d", cache.pages);
        sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    }
    cache_free();
}

static int monday(cc_day d)
{
    return (((long)d + 3) % 7 + 7) % 7 == 0;
}

static const char week_sql[] =
    "SELECT week, community_id, roster FROM attendance_weeks WHERE week BETWEEN ?1 AND ?2";

/* Read the weeks [bit_hi .. bit_lo] (older to newer) into the cache: one
 * roster row per community-week, one ctable_add per entry. */
static cc_err cache_load(cc_store *s, int bit_lo, int bit_hi)
{
    char from[11], to[11];
    sqlite3_stmt *st;
    int rc;
    size_t nentries = 0;
    cc_day_format(cache.top - 7 * bit_hi, from);
    cc_day_format(cache.top - 7 * bit_lo, to);
    rc = sqlite3_prepare_v2(s->db, week_sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return cc_store_err(s, rc, "reading attendance");
    sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *wk = (const char *)sqlite3_column_text(st, 0);
        const char *cm = (const char *)sqlite3_column_text(st, 1);
        const unsigned char *blob = sqlite3_column_blob(st, 2);
        size_t n = (size_t)sqlite3_column_bytes(st, 2) / CC_ROSTER_ENTRY;
        if (!wk || !cm || !blob || sqlite3_column_bytes(st, 0) != 10)
            continue;
        long off = (long)cache.top - (long)text_day(wk);
        if (off < 0 || off % 7 || off / 7 < bit_lo || off / 7 > bit_hi)
            continue;
        int bit = (int)(off / 7);
        uint32_t comm = intern(&cache.comms, cm, (size_t)sqlite3_column_bytes(st, 1));
        if (comm > 0x0fffffff)
            goto over;      /* centry.comm has 28 bits */
        if (comm >= cache.nknown) {
            size_t nk = cache.nknown ? cache.nknown : 1024;
            while (nk <= comm)
                nk *= 2;
            cache.known = cc_xrealloc(cache.known, nk * sizeof *cache.known);
            memset(cache.known + cache.nknown, 0, (nk - cache.nknown) * sizeof *cache.known);
            cache.nknown = nk;
        }
        for (size_t i = 0; i < n; i++) {
            cc_roster_entry e;
            cc_roster_get(blob, i, &e);
            if (e.flags & CC_ROSTER_KNOWN)
                cache.known[comm] |= UINT64_C(1) << bit;
            ctable_add(&cache.people, e.participant, comm, e.flags & 7, bit);
            if (e.household)
                ctable_add(&cache.homes, e.household, comm, 0, bit);
        }
        if ((nentries += n) >= 65536) {
            nentries = 0;
            if (cache_bytes() > cache.budget)
                goto over;
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return cc_store_err(s, rc, "reading attendance");
    for (int b = bit_lo; b <= bit_hi; b++)
        cache.loaded |= UINT64_C(1) << b;
    if (cache_bytes() > cache.budget)
        goto dropped;
    return CC_OK;
over:
    sqlite3_finalize(st);
dropped:
    cc_verbose("attendance week cache: over %zu KB; reading windows one by one", cache.budget >> 10);
    cache_drop();
    return CC_OK;
}

/* The week mask of [from, to] (whole weeks), loading what is missing;
 * 0 when the window cannot be answered from the cache. */
static uint64_t cache_mask(cc_store *s, cc_day from, cc_day to, cc_err *err)
{
    *err = CC_OK;
    if (!monday(from) || !monday(to - 6) || to < from)
        return 0;
    if (!cache.started) {
        cache.started = 1;
        cache.top = to - 6;
    }
    long lo = ((long)cache.top - (long)(to - 6)) / 7, hi = ((long)cache.top - (long)from) / 7;
    if (lo < 0 || hi >= CW)
        return 0;
    uint64_t m = 0;
    for (long b = lo; b <= hi; b++)
        m |= UINT64_C(1) << b;
    /* load the missing runs */
    for (long b = lo; b <= hi && !*err; b++) {
        if (cache.loaded >> b & 1)
            continue;
        long e = b;
        while (e + 1 <= hi && !(cache.loaded >> (e + 1) & 1))
            e++;
        *err = cache_load(s, (int)b, (int)e);
        b = e;
    }
    return *err ? 0 : m;
}

/* A level's distinct (unit, id) pairs of one id's chain: units[k] with the
 * OR of the flags of the current and the previous window. */
typedef struct {
    size_t unit;
    uint32_t cf, pf;        /* flags | 8 when present */
} uslot;

/* interned community -> cidx, or -1 when not a unit of this period */
static long *comm_map(const cc_units *units, size_t nid)
{
    long *cmap = cc_xmalloc((nid ? nid : 1) * sizeof *cmap);
    for (size_t i = 0; i < nid; i++)
        cmap[i] = -1;
    for (size_t c = 0; c < units->ncomm; c++) {
        const char *id = units->u[c].id;
        size_t len = strlen(id);
        uint32_t k = cc_intern_find(&cache.comms, id, len);
        if (k != UINT32_MAX)
            cmap[k] = (long)c;
    }
    return cmap;
}

/* The participants: one walk of each chain gathers the units of the three
 * levels (distinct indices) with the flags of both windows. */
static void count_people(const cc_units *units, size_t area, const long *cmap, size_t nid,
                         uint64_t wcur, uint64_t wprev, int need_prev, cc_at_counts *cn)
{
    size_t *part = cn->part, *child = cn->child, *vol = cn->vol, *sp = cn->sp,
           *ret = cn->ret, *vret = cn->vret, *ppart = cn->ppart, *pvol = cn->pvol;
    unsigned char *has = cn->has, *phas = cn->phas;
    size_t ucap = 64;
    uslot *us = cc_xmalloc(ucap * sizeof *us);
    const ctable *t = &cache.people;
    for (size_t h = 0; h < t->n; h++) {
        if (t->e[h].newer)
            continue;       /* chains are walked from their head, in memory order */
        size_t nu = 0;
        if (!t->e[h].next) {        /* most: one community, one role */
            const centry *e = &t->e[h];
            uint64_t wk = WEEKS(e);
            int inc = (wk & wcur) != 0, inp = need_prev && (wk & wprev) != 0;
            if ((!inc && !inp) || e->comm >= nid || cmap[e->comm] < 0)
                continue;
            for (int level = 0; level < 3; level++) {
                us[nu].unit = unit_of(units, area, level, (size_t)cmap[e->comm]);
                us[nu].cf = inc ? e->flags | 8 : 0;
                us[nu].pf = inp ? e->flags | 8 : 0;
                nu++;
            }
        }
        for (uint32_t j = nu ? 0 : (uint32_t)h + 1; j; j = t->e[j - 1].next) {
            const centry *e = &t->e[j - 1];
            uint64_t wk = WEEKS(e);
            int inc = (wk & wcur) != 0, inp = need_prev && (wk & wprev) != 0;
            if ((!inc && !inp) || e->comm >= nid || cmap[e->comm] < 0)
                continue;
            for (int level = 0; level < 3; level++) {
                size_t un = unit_of(units, area, level, (size_t)cmap[e->comm]), k;
                for (k = 0; k < nu && us[k].unit != un; k++)
                    ;
                if (k == nu) {
                    if (nu == ucap) {
                        ucap *= 2;
                        us = cc_xrealloc(us, ucap * sizeof *us);
                    }
                    us[nu].unit = un;
                    us[nu].cf = us[nu].pf = 0;
                    nu++;
                }
                if (inc)
                    us[k].cf |= e->flags | 8;
                if (inp)
                    us[k].pf |= e->flags | 8;
            }
        }
        for (size_t k = 0; k < nu; k++) {
            size_t un = us[k].unit;
            uint32_t cf = us[k].cf, pf = us[k].pf;
            if (cf) {
                has[un] = 1;
                part[un]++;
                child[un] += (cf & F_CHILD) != 0;
                vol[un] += (cf & F_VOL) != 0;
                sp[un] += (cf & F_SP) != 0;
            }
            if (pf) {
                phas[un] = 1;
                ppart[un]++;
                pvol[un] += (pf & F_VOL) != 0;
            }
            if (cf && pf) {
                ret[un]++;
                vret[un] += (cf & F_VOL) && (pf & F_VOL);
            }
        }
    }
    free(us);
}

/* The households of the window, distinct per unit. */
static void count_homes(const cc_units *units, size_t area, const long *cmap, size_t nid,
                        uint64_t wcur, size_t *homes)
{
    size_t ucap = 64;
    uslot *us = cc_xmalloc(ucap * sizeof *us);
    const ctable *t = &cache.homes;
    for (size_t h = 0; h < t->n; h++) {
        if (t->e[h].newer)
            continue;       /* chains are walked from their head, in memory order */
        size_t nu = 0;
        for (uint32_t j = (uint32_t)h + 1; j; j = t->e[j - 1].next) {
            const centry *e = &t->e[j - 1];
            if (!(WEEKS(e) & wcur) || e->comm >= nid || cmap[e->comm] < 0)
                continue;
            for (int level = 0; level < 3; level++) {
                size_t un = unit_of(units, area, level, (size_t)cmap[e->comm]), k;
                for (k = 0; k < nu && us[k].unit != un; k++)
                    ;
                if (k == nu) {
                    if (nu == ucap) {
                        ucap *= 2;
                        us = cc_xrealloc(us, ucap * sizeof *us);
                    }
                    us[nu++].unit = un;
                    homes[un]++;
                }
            }
        }
    }
    free(us);
}

static cc_err cache_compute(const cc_units *units, size_t area, uint64_t wcur, uint64_t wprev,
                            int need_prev, cc_attend_cols *out)
{
    size_t n = units->n;
    size_t nid = cache.comms.n;
    long *cmap = comm_map(units, nid);
    cc_at_counts cn;
    cc_at_counts_init(&cn, n);
    for (size_t c = 0; c < nid && c < cache.nknown; c++)
        if (cmap[c] >= 0 && (cache.known[c] & wcur))
            for (int level = 0; level < 3; level++)
                cn.known[unit_of(units, area, level, (size_t)cmap[c])] = 1;
    count_people(units, area, cmap, nid, wcur, wprev, need_prev, &cn);
    count_homes(units, area, cmap, nid, wcur, cn.homes);
    cc_at_counts_put(&cn, n, out);
    cc_at_counts_release(&cn);
    free(cmap);
    return CC_OK;
}

/* ---- prefetch: windows computed ahead, maybe in another thread --------------- */
static double **pre_cols(cc_attend_cols *o, double *all[PC_N])
{
    all[PC_PART] = o->part; all[PC_CHILD] = o->child; all[PC_HOMES] = o->households;
    all[PC_SPECIAL] = o->special; all[PC_VOL] = o->vol; all[PC_PPART] = o->prev_part;
    all[PC_PVOL] = o->prev_vol; all[PC_RET] = o->returning; all[PC_VRET] = o->retained;
    return all;
}

cc_err cc_attend_prefetch(cc_store *s, cc_store *ls, const cc_attend_pwin *w, size_t nw)
{
    cc_err e = CC_OK;
    for (size_t i = 0; i < nw && !cc_interrupted; i++) {
        const cc_units *units = w[i].units;
        size_t n = units->n;
        if (cache.db != s->db || cache.disabled)
            break;
        if (n == 0)
            continue;
        /* what cc_attend_compute does with the cache on, on connection ls */
        cc_day dfrom = w[i].from, dto = w[i].to;
        uint64_t wc = cache_mask(ls, dfrom, dto, &e), wp = 0;
        if (e)
            return e;
        if (wc && w[i].need_prev && !cache.disabled) {
            wp = cache_mask(ls, dfrom - (dto - dfrom + 1), dfrom - 1, &e);
            if (e)
                return e;
        }
        if (!wc || (!wp && w[i].need_prev) || cache.disabled)
            continue;
        double *v = cc_xmalloc(PC_N * n * sizeof *v), *col[PC_N];
        for (size_t j = 0; j < PC_N * n; j++)
            v[j] = NAN;
        cc_attend_cols o = {
            .part = v, .child = v + n, .households = v + 2 * n, .special = v + 3 * n,
            .vol = v + 4 * n, .prev_part = v + 5 * n, .prev_vol = v + 6 * n,
            .returning = v + 7 * n, .retained = v + 8 * n,
        };
        (void)pre_cols(&o, col);
        cache_compute(units, w[i].area, wc, wp, w[i].need_prev, &o);
        if (pre.n == pre.cap) {
            pre.cap = pre.cap ? 2 * pre.cap : 64;
            pre.p = cc_xrealloc(pre.p, pre.cap * sizeof *pre.p);
        }
        pre.p[pre.n++] = (precomp){units->u, n, dfrom, dto, w[i].need_prev, v};
        pre.db = s->db;
    }
    return e;
}

/* The window's columns from the prefetch: 1 when found (and copied). */
static int pre_take(cc_store *s, const cc_units *units, cc_day from, cc_day to, int need_prev,
                    cc_attend_cols *out)
{
    if (pre.db != s->db)
        return 0;
    for (size_t k = 0; k < pre.n; k++) {
        precomp *p = &pre.p[(pre.next + k) % pre.n];
        if (!p->v || p->u != units->u || p->n != units->n || p->from != from || p->to != to ||
            p->need_prev != need_prev)
            continue;
        double *col[PC_N];
        pre_cols(out, col);
        for (int c = 0; c < PC_N; c++)
            if (col[c])
                memcpy(col[c], p->v + c * p->n, p->n * sizeof *p->v);
        free(p->v);
        p->v = NULL;
        pre.next = (size_t)(p - pre.p + 1) % pre.n;
        return 1;
    }
    return 0;
}

int cc_at_cached(cc_store *s, const cc_units *units, size_t area, cc_day dfrom, cc_day dto,
                 int need_prev, cc_attend_cols *out, cc_err *err)
{
    *err = CC_OK;
    if (pre_take(s, units, dfrom, dto, need_prev, out))
        return 1;
    if (cache.db != s->db || cache.disabled)
        return 0;
    uint64_t wc = cache_mask(s, dfrom, dto, err), wp = 0;
    if (*err)
        return 1;
    if (wc && need_prev && !cache.disabled) {
        wp = cache_mask(s, dfrom - (dto - dfrom + 1), dfrom - 1, err);
        if (*err)
            return 1;
    }
    if (!wc || (!wp && need_prev) || cache.disabled)    /* the load may have dropped it */
        return 0;
    *err = cache_compute(units, area, wc, wp, need_prev, out);
    return 1;
}
