/* attend — the attendance distinct counts of one window for every unit.
 *
 * SQLite's COUNT(DISTINCT ...) builds a temporary B-tree per aggregate and
 * per group; over the million attendance rows of a city's quarter, for three
 * levels and five counts, that took minutes.  Here nothing reads raw
 * attendance: the window's weekly rosters (schema 3, attendance_weeks, kept
 * by lib/store/rollup.c at ingest) give, per community-week, the distinct
 * (participant no, household no, flags) of its completed activities with the
 * weekdays attended, so a window is a few thousand SQLite rows and integer
 * IDs; a week the window covers in part counts the entries with a day in
 * it.  The distinct (unit, participant) pairs of each level are kept in
 * open-addressing hash sets with the OR of their flags.
 * The numbers are those of the SQL it replaces (see measure.c's history):
 * participants = distinct participant_id; child_participants / volunteers
 * = distinct participant_id with some row of role child / volunteer;
 * households = distinct non-NULL household_id, missing when 0;
 * special_served = distinct participant_id with some row special = 1,
 * missing when no row of the unit has special known; a unit without rows
 * is missing.  tests/unit/roster_test.c checks them against that SQL.
 */
#include "store/db.h"
#include "measure/attend.h"
#include "base/intern.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { F_CHILD = 1, F_VOL = 2, F_SP = 4 };

/* ---- string interning: lib/base/intern.h ----------------------------------- */
typedef cc_intern interner;
#define intern cc_intern_id
#define interner_bytes cc_intern_bytes
#define interner_release cc_intern_release

/* ---- sets of (unit, id) with flags ----------------------------------------- */
/* An entry is one uint64: flags << 61 | unit << 32 | id. */
#define KEY_MASK ((UINT64_C(1) << 61) - 1)
#define E_KEY(e) ((e) & KEY_MASK)
#define E_UNIT(e) ((size_t)(E_KEY(e) >> 32))
#define E_FLAGS(e) ((uint32_t)((e) >> 61))

typedef struct {
    uint32_t *slot;         /* entry + 1, 0 = empty */
    size_t cap;
    uint64_t *e;
    size_t n;
} pairset;

static size_t hash_key(uint64_t k, size_t cap)
{
    k *= 0x9E3779B97F4A7C15ull;
    return (size_t)(k >> 32) & (cap - 1);
}

static void pairset_grow(pairset *p)
{
    size_t ncap = p->cap ? p->cap * 2 : 1024;
    uint32_t *ns = cc_xcalloc(ncap, sizeof *ns);
    for (size_t j = 0; j < p->n; j++) {
        size_t i = hash_key(E_KEY(p->e[j]), ncap);
        while (ns[i])
            i = (i + 1) & (ncap - 1);
        ns[i] = (uint32_t)j + 1;
    }
    free(p->slot);
    p->slot = ns;
    p->cap = ncap;
    p->e = cc_xrealloc(p->e, ncap / 2 * sizeof *p->e);
}

/* key = unit << 32 | id (unit < 2^29) */
static void pairset_add(pairset *p, uint64_t key, uint32_t flags)
{
    if ((p->n + 1) * 2 > p->cap)
        pairset_grow(p);
    size_t i = hash_key(key, p->cap);
    while (p->slot[i]) {
        uint64_t *e = &p->e[p->slot[i] - 1];
        if (E_KEY(*e) == key) {
            *e |= (uint64_t)flags << 61;
            return;
        }
        i = (i + 1) & (p->cap - 1);
    }
    p->e[p->n] = key | (uint64_t)flags << 61;
    p->slot[i] = (uint32_t)p->n + 1;
    p->n++;
}

/* The entry of key, or NULL. */
static const uint64_t *pairset_find(const pairset *p, uint64_t key)
{
    if (!p->cap)
        return NULL;
    size_t i = hash_key(key, p->cap);
    while (p->slot[i]) {
        const uint64_t *e = &p->e[p->slot[i] - 1];
        if (E_KEY(*e) == key)
            return e;
        i = (i + 1) & (p->cap - 1);
    }
    return NULL;
}

static void pairset_release(pairset *p)
{
    free(p->slot);
    free(p->e);
    memset(p, 0, sizeof *p);
}

/* 'YYYY-MM-DD' -> days since 1970-01-01 (the text is the schema's). */
static cc_day text_day(const char *t)
{
    long y = strtol(t, NULL, 10), m = (t[5] - '0') * 10 + (t[6] - '0'), d = (t[8] - '0') * 10 + (t[9] - '0');
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (cc_day)(era * 146097 + doe - 719468);
}

/* ---- one window --------------------------------------------------------------- */
typedef struct {
    pairset people;         /* (cidx, participant) */
    pairset homes;          /* (cidx, household) */
    unsigned char *known;   /* per community: some row has special known */
} window;

static void window_release(window *w)
{
    pairset_release(&w->people);
    pairset_release(&w->homes);
    free(w->known);
}

/* The rosters of the weeks overlapping the window (schema.sql,
 * attendance_weeks); a week the window covers in part counts the entries
 * with a day inside it. */
static const char rows_sql[] =
    "SELECT m.cidx, w.week, w.roster"
    " FROM attendance_weeks w CROSS JOIN temp.cc_map m ON m.community_id = w.community_id"
    " WHERE w.week BETWEEN ?1 AND ?2";

static cc_err read_window(cc_store *s, size_t ncomm, cc_day from, cc_day to, window *w)
{
    sqlite3_stmt *st;
    char w0[11], w1[11];
    int rc = sqlite3_prepare_v2(s->db, rows_sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return cc_store_err(s, rc, "reading attendance");
    w->known = cc_xcalloc(ncomm ? ncomm : 1, 1);
    cc_day_format(cc_week_monday(from), w0);
    cc_day_format(cc_week_monday(to), w1);
    sqlite3_bind_text(st, 1, w0, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, w1, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_int64 c = sqlite3_column_int64(st, 0);
        const char *wk = (const char *)sqlite3_column_text(st, 1);
        const unsigned char *blob = sqlite3_column_blob(st, 2);
        size_t n = (size_t)sqlite3_column_bytes(st, 2) / CC_ROSTER_ENTRY;
        if (c < 0 || (size_t)c >= ncomm || !wk || sqlite3_column_bytes(st, 1) != 10 || !blob)
            continue;
        cc_day monday = text_day(wk);
        unsigned days = 0;
        for (int d = 0; d < 7; d++)
            if (monday + d >= from && monday + d <= to)
                days |= 1u << d;
        for (size_t i = 0; i < n; i++) {
            cc_roster_entry e;
            cc_roster_get(blob, i, &e);
            if (!(e.days & days))
                continue;
            if (e.flags & CC_ROSTER_KNOWN)
                w->known[c] = 1;
            pairset_add(&w->people, (uint64_t)c << 32 | e.participant, e.flags & 7);
            if (e.household)
                pairset_add(&w->homes, (uint64_t)c << 32 | e.household, 0);
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return cc_store_err(s, rc, "reading attendance");
    return CC_OK;
}

/* The unit of community c at a level: 0 the community, 1 its street, 2 the area. */
static size_t unit_of(const cc_units *u, size_t area, int level, size_t c)
{
    return level == 0 ? c : level == 1 ? u->u[c].street : area;
}

/* src's pairs moved to a level (the flags OR-ed over the level's communities). */
static void lift(const cc_units *u, size_t area, int level, const pairset *src, pairset *dst)
{
    for (size_t j = 0; j < src->n; j++) {
        uint64_t id = src->e[j] & 0xffffffffu;
        pairset_add(dst, (uint64_t)unit_of(u, area, level, E_UNIT(src->e[j])) << 32 | id,
                    E_FLAGS(src->e[j]));
    }
}

static void put(double *col, size_t unit, double v)
{
    if (col)
        col[unit] = v;
}

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

static cc_err cache_compute(const cc_units *units, size_t area, uint64_t wcur, uint64_t wprev,
                            int need_prev, cc_attend_cols *out)
{
    size_t n = units->n;
    /* interned community -> cidx, or -1 when not a unit of this period */
    size_t nid = cache.comms.n;
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

    size_t *cnt = cc_xcalloc(n * 9, sizeof *cnt);
    size_t *part = cnt, *child = cnt + n, *vol = cnt + 2 * n, *sp = cnt + 3 * n,
           *homes = cnt + 4 * n, *ret = cnt + 5 * n, *vret = cnt + 6 * n,
           *ppart = cnt + 7 * n, *pvol = cnt + 8 * n;
    unsigned char *has = cc_xcalloc(n, 1), *known = cc_xcalloc(n, 1), *phas = cc_xcalloc(n, 1);
    size_t ucap = 64;
    uslot *us = cc_xmalloc(ucap * sizeof *us);

    for (size_t c = 0; c < nid && c < cache.nknown; c++)
        if (cmap[c] >= 0 && (cache.known[c] & wcur))
            for (int level = 0; level < 3; level++)
                known[unit_of(units, area, level, (size_t)cmap[c])] = 1;

    /* the units of the three levels are distinct indices: one walk of a
     * chain gathers them all */
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
    t = &cache.homes;
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

    for (size_t un = 0; un < n; un++) {
        if (has[un]) {
            put(out->part, un, (double)part[un]);
            put(out->child, un, (double)child[un]);
            put(out->vol, un, (double)vol[un]);
            put(out->households, un, homes[un] ? (double)homes[un] : NAN);
            put(out->special, un, known[un] ? (double)sp[un] : NAN);
            put(out->returning, un, (double)ret[un]);
            put(out->retained, un, (double)vret[un]);
        }
        if (phas[un]) {
            put(out->prev_part, un, (double)ppart[un]);
            put(out->prev_vol, un, (double)pvol[un]);
        }
    }
    free(us);
    free(cnt);
    free(has);
    free(known);
    free(phas);
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

cc_err cc_attend_compute(cc_store *s, const cc_units *units, size_t area,
                         cc_day dfrom, cc_day dto, int need_prev, cc_attend_cols *out)
{
    window cur = {0}, prev = {0};
    size_t n = units->n, ncomm = units->ncomm;
    cc_err e;

    if (n == 0)
        return CC_OK;
    if (pre_take(s, units, dfrom, dto, need_prev, out))
        return CC_OK;
    if (cache.db == s->db && !cache.disabled) {
        uint64_t wc = cache_mask(s, dfrom, dto, &e), wp = 0;
        if (e)
            return e;
        if (wc && need_prev && !cache.disabled) {
            wp = cache_mask(s, dfrom - (dto - dfrom + 1), dfrom - 1, &e);
            if (e)
                return e;
        }
        if (wc && (wp || !need_prev) && !cache.disabled)   /* the load may have dropped it */
            return cache_compute(units, area, wc, wp, need_prev, out);
    }
    e = read_window(s, ncomm, dfrom, dto, &cur);
    if (!e && need_prev)
        e = read_window(s, ncomm, dfrom - (dto - dfrom + 1), dfrom - 1, &prev);
    if (e)
        goto out;

    size_t *cnt = cc_xcalloc(n * 7, sizeof *cnt);
    size_t *part = cnt, *child = cnt + n, *vol = cnt + 2 * n, *sp = cnt + 3 * n,
           *homes = cnt + 4 * n, *ret = cnt + 5 * n, *vret = cnt + 6 * n;
    unsigned char *has = cc_xcalloc(n, 1), *known = cc_xcalloc(n, 1), *phas = cc_xcalloc(n, 1);
    size_t *ppart = cc_xcalloc(n * 2, sizeof *ppart), *pvol = ppart + n;

    for (int level = 0; level < 3; level++) {
        pairset lc = {0}, lp = {0}, lh = {0};
        const pairset *pc = &cur.people, *pp = &prev.people, *ph = &cur.homes;
        if (level > 0) {
            lift(units, area, level, &cur.people, &lc);
            lift(units, area, level, &cur.homes, &lh);
            pc = &lc;
            ph = &lh;
            if (need_prev) {
                lift(units, area, level, &prev.people, &lp);
                pp = &lp;
            }
        }
        for (size_t c = 0; c < ncomm; c++)
            if (cur.known[c])
                known[unit_of(units, area, level, c)] = 1;
        for (size_t j = 0; j < pc->n; j++) {
            size_t un = E_UNIT(pc->e[j]);
            uint32_t f = E_FLAGS(pc->e[j]);
            has[un] = 1;
            part[un]++;
            child[un] += (f & F_CHILD) != 0;
            vol[un] += (f & F_VOL) != 0;
            sp[un] += (f & F_SP) != 0;
            if (need_prev) {
                const uint64_t *q = pairset_find(pp, E_KEY(pc->e[j]));
                if (q) {
                    ret[un]++;
                    vret[un] += (f & F_VOL) && (E_FLAGS(*q) & F_VOL);
                }
            }
        }
        for (size_t j = 0; j < ph->n; j++)
            homes[E_UNIT(ph->e[j])]++;
        for (size_t j = 0; need_prev && j < pp->n; j++) {
            size_t un = E_UNIT(pp->e[j]);
            phas[un] = 1;
            ppart[un]++;
            pvol[un] += (E_FLAGS(pp->e[j]) & F_VOL) != 0;
        }
        pairset_release(&lc);
        pairset_release(&lp);
        pairset_release(&lh);
    }

    for (size_t un = 0; un < n; un++) {
        if (has[un]) {
            put(out->part, un, (double)part[un]);
            put(out->child, un, (double)child[un]);
            put(out->vol, un, (double)vol[un]);
            put(out->households, un, homes[un] ? (double)homes[un] : NAN);
            put(out->special, un, known[un] ? (double)sp[un] : NAN);
            put(out->returning, un, (double)ret[un]);
            put(out->retained, un, (double)vret[un]);
        }
        if (phas[un]) {
            put(out->prev_part, un, (double)ppart[un]);
            put(out->prev_vol, un, (double)pvol[un]);
        }
    }
    free(cnt);
    free(has);
    free(known);
    free(phas);
    free(ppart);
out:
    window_release(&cur);
    window_release(&prev);
    return e;
}

/* ---- one distinct count at the three levels ---------------------------------- */
cc_err cc_distinct_compute(cc_store *s, const cc_units *units, size_t area,
                           const char *sql, const char *from, const char *to, double *out)
{
    interner ids = {0};
    pairset set = {0};
    size_t n = units->n, ncomm = units->ncomm;
    sqlite3_stmt *st;
    int rc;

    if (n == 0)
        return CC_OK;
    rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return cc_store_err(s, rc, "computing measures");
    sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
    unsigned char *has = cc_xcalloc(n, 1);
    size_t *cnt = cc_xcalloc(n, sizeof *cnt);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_int64 c = sqlite3_column_int64(st, 0);
        if (c < 0 || (size_t)c >= ncomm)
            continue;
        for (int level = 0; level < 3; level++)
            has[unit_of(units, area, level, (size_t)c)] = 1;
        if (sqlite3_column_type(st, 1) == SQLITE_NULL)
            continue;
        const char *k = (const char *)sqlite3_column_text(st, 1);
        uint32_t id = intern(&ids, k, (size_t)sqlite3_column_bytes(st, 1));
        pairset_add(&set, (uint64_t)c << 32 | id, 0);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        free(has);
        free(cnt);
        pairset_release(&set);
        interner_release(&ids);
        return cc_store_err(s, rc, "computing measures");
    }
    for (int level = 0; level < 3; level++) {
        pairset l = {0};
        const pairset *p = &set;
        if (level > 0) {
            lift(units, area, level, &set, &l);
            p = &l;
        }
        for (size_t j = 0; j < p->n; j++)
            cnt[E_UNIT(p->e[j])]++;
        pairset_release(&l);
    }
    for (size_t u = 0; u < n; u++)
        if (has[u])
            out[u] = (double)cnt[u];
    free(has);
    free(cnt);
    pairset_release(&set);
    interner_release(&ids);
    return CC_OK;
}
