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
 * it.  The window is read a batch of streets at a time (at most 1,000
 * communities; a street is never split): the distinct (unit, participant)
 * pairs of the batch's communities and streets are kept in open-addressing
 * hash sets with the OR of their flags, and the area's people in bitmaps
 * over their numbers, so memory does not grow with the area.
 * The numbers are those of the SQL it replaces (see the history of measure.c):
 * participants = distinct participant_id; child_participants / volunteers
 * = distinct participant_id with some row of role child / volunteer;
 * households = distinct non-NULL household_id, missing when 0;
 * special_served = distinct participant_id with some row special = 1,
 * missing when no row of the unit has special known; a unit without rows
 * is missing.  tests/unit/roster_test.c checks them against that SQL.
 *
 * This file: a window read from its weeks' rosters, and cc_distinct_compute;
 * the week cache and the prefetch are in attend_cache.c (internals shared in
 * attend_int.h).
 */
#include "measure/attend_int.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
 * attendance_weeks) of the communities of the streets ?2 .. ?3, one week
 * (?1) at a time: each roster found by its key, so a batch reads only its
 * own; a week the window covers in part counts the entries with a day
 * inside it. */
static const char rows_sql[] =
    "SELECT m.cidx, w.roster"
    " FROM temp.cc_map_street m CROSS JOIN attendance_weeks w"
    "   ON w.week = ?1 AND w.community_id = m.community_id"
    " WHERE m.sidx BETWEEN ?2 AND ?3";

/* The window's rosters of the communities whose street is one of s0 .. s1
 * (unit indexes). */
static cc_err read_window(cc_store *s, size_t ncomm, cc_day from, cc_day to, size_t s0, size_t s1,
                          window *w)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, rows_sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return cc_store_err(s, rc, "reading attendance");
    w->known = cc_xcalloc(ncomm ? ncomm : 1, 1);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)s0);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)s1);
    rc = SQLITE_DONE;
    for (cc_day monday = cc_week_monday(from); monday <= to && rc == SQLITE_DONE; monday += 7) {
        char wk[11];
        cc_day_format(monday, wk);
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, wk, -1, SQLITE_TRANSIENT);
        unsigned days = 0;
        for (int d = 0; d < 7; d++)
            if (monday + d >= from && monday + d <= to)
                days |= 1u << d;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            sqlite3_int64 c = sqlite3_column_int64(st, 0);
            const unsigned char *blob = sqlite3_column_blob(st, 1);
            size_t n = (size_t)sqlite3_column_bytes(st, 1) / CC_ROSTER_ENTRY;
            if (c < 0 || (size_t)c >= ncomm || !blob)
                continue;
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
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return cc_store_err(s, rc, "reading attendance");
    return CC_OK;
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

/* ---- the counts of a window ------------------------------------------------- */
void cc_at_counts_init(cc_at_counts *k, size_t n)
{
    size_t *cnt = cc_xcalloc(n * 9 + 1, sizeof *cnt);
    unsigned char *flags = cc_xcalloc(n * 3 + 1, 1);
    k->part = cnt; k->child = cnt + n; k->vol = cnt + 2 * n; k->sp = cnt + 3 * n;
    k->homes = cnt + 4 * n; k->ret = cnt + 5 * n; k->vret = cnt + 6 * n;
    k->ppart = cnt + 7 * n; k->pvol = cnt + 8 * n;
    k->has = flags; k->known = flags + n; k->phas = flags + 2 * n;
}

void cc_at_counts_put(const cc_at_counts *k, size_t n, cc_attend_cols *out)
{
    const size_t *part = k->part, *child = k->child, *vol = k->vol, *sp = k->sp,
                 *homes = k->homes, *ret = k->ret, *vret = k->vret, *ppart = k->ppart,
                 *pvol = k->pvol;
    const unsigned char *has = k->has, *known = k->known, *phas = k->phas;
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
}

void cc_at_counts_release(cc_at_counts *k)
{
    free(k->part);
    free(k->has);
    memset(k, 0, sizeof *k);
}

/* ---- the area's distinct people: bitmaps over the participant numbers ---- */
/* The community and street levels are counted street by street (a street's
 * communities are in one batch), the area over every batch: a bit per
 * participant (household) number, which the rosters number densely. */
enum { B_ANY, B_CHILD, B_VOL, B_SP, B_PANY, B_PVOL, B_HOMES, NBITS };
typedef struct {
    uint64_t *b[NBITS];
    size_t words;           /* of each bitmap */
} areabits;

static void bits_set(areabits *a, int which, uint32_t id)
{
    size_t w = id >> 6;
    if (w >= a->words) {
        size_t nw = a->words ? a->words : 1024;
        while (nw <= w)
            nw *= 2;
        for (int k = 0; k < NBITS; k++) {
            a->b[k] = cc_xrealloc(a->b[k], nw * sizeof(uint64_t));
            memset(a->b[k] + a->words, 0, (nw - a->words) * sizeof(uint64_t));
        }
        a->words = nw;
    }
    a->b[which][w] |= UINT64_C(1) << (id & 63);
}

static size_t bits_count(const areabits *a, int x, int y)   /* |x| or |x ∩ y| (y >= 0) */
{
    size_t n = 0;
    for (size_t w = 0; w < a->words; w++)
        n += (size_t)__builtin_popcountll(a->b[x][w] & (y >= 0 ? a->b[y][w] : ~UINT64_C(0)));
    return n;
}

static void bits_release(areabits *a)
{
    for (int k = 0; k < NBITS; k++)
        free(a->b[k]);
    memset(a, 0, sizeof *a);
}

/* The communities and streets of the streets s0 .. s1 counted into cn, and
 * their people marked in the area's bits. */
static cc_err count_batch(cc_store *s, const cc_units *units, size_t area, cc_day dfrom, cc_day dto,
                          int need_prev, size_t s0, size_t s1, cc_at_counts *cn, areabits *ab)
{
    window cur = {0}, prev = {0};
    size_t ncomm = units->ncomm;
    cc_err e = read_window(s, ncomm, dfrom, dto, s0, s1, &cur);
    if (!e && need_prev)
        e = read_window(s, ncomm, dfrom - (dto - dfrom + 1), dfrom - 1, s0, s1, &prev);
    if (e)
        goto out;

    size_t *part = cn->part, *child = cn->child, *vol = cn->vol, *sp = cn->sp,
           *homes = cn->homes, *ret = cn->ret, *vret = cn->vret;
    unsigned char *has = cn->has, *known = cn->known, *phas = cn->phas;
    size_t *ppart = cn->ppart, *pvol = cn->pvol;

    for (size_t c = 0; c < ncomm; c++)         /* special known: the community, its street, the area */
        if (cur.known[c])
            for (int level = 0; level < 3; level++)
                known[unit_of(units, area, level, c)] = 1;
    for (int level = 0; level < 2; level++) {
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

    /* the area */
    for (size_t j = 0; j < cur.people.n; j++) {
        uint64_t x = cur.people.e[j];
        uint32_t id = (uint32_t)x, f = E_FLAGS(x);
        bits_set(ab, B_ANY, id);
        if (f & F_CHILD) bits_set(ab, B_CHILD, id);
        if (f & F_VOL) bits_set(ab, B_VOL, id);
        if (f & F_SP) bits_set(ab, B_SP, id);
    }
    for (size_t j = 0; j < cur.homes.n; j++)
        bits_set(ab, B_HOMES, (uint32_t)cur.homes.e[j]);
    for (size_t j = 0; j < prev.people.n; j++) {
        uint64_t x = prev.people.e[j];
        bits_set(ab, B_PANY, (uint32_t)x);
        if (E_FLAGS(x) & F_VOL)
            bits_set(ab, B_PVOL, (uint32_t)x);
    }
out:
    window_release(&cur);
    window_release(&prev);
    return e;
}

/* Communities per batch: a window read directly holds the distinct pairs
 * of one batch's communities at a time (a street is never split).  1,000
 * was the fastest of 1,000 and 4,000 on the province (all-units scorecard
 * 244 against 302 s: smaller sets stay in the processor's caches) and takes
 * the city's quarterly scorecard from 212-220 to 166-173 MB. */
#define BATCH_COMMUNITIES 1000

cc_err cc_attend_compute(cc_store *s, const cc_units *units, size_t area,
                         cc_day dfrom, cc_day dto, int need_prev, cc_attend_cols *out)
{
    size_t n = units->n, ncomm = units->ncomm;
    cc_err e = CC_OK;

    if (n == 0)
        return CC_OK;
    if (cc_at_cached(s, units, area, dfrom, dto, need_prev, out, &e))
        return e;

    long per = cc_tuning_get()->attend_batch > 0 ? cc_tuning_get()->attend_batch : BATCH_COMMUNITIES;
    size_t *inst = cc_xcalloc(n + 1, sizeof *inst);     /* communities per street (unit index) */
    for (size_t c = 0; c < ncomm; c++)
        inst[units->u[c].street]++;
    cc_at_counts cn;
    cc_at_counts_init(&cn, n);
    areabits ab = {0};
    for (size_t s0 = ncomm; s0 < n && !e;) {
        size_t s1 = s0, k = inst[s0];
        while (s1 + 1 < n && k + inst[s1 + 1] <= (size_t)per)
            k += inst[++s1];
        if (k)
            e = count_batch(s, units, area, dfrom, dto, need_prev, s0, s1, &cn, &ab);
        s0 = s1 + 1;
    }
    if (!e) {
        cn.part[area] = bits_count(&ab, B_ANY, -1);
        cn.has[area] = cn.part[area] > 0;
        cn.child[area] = bits_count(&ab, B_CHILD, -1);
        cn.vol[area] = bits_count(&ab, B_VOL, -1);
        cn.sp[area] = bits_count(&ab, B_SP, -1);
        cn.homes[area] = bits_count(&ab, B_HOMES, -1);
        if (need_prev) {
            cn.ret[area] = bits_count(&ab, B_ANY, B_PANY);
            cn.vret[area] = bits_count(&ab, B_VOL, B_PVOL);
            cn.ppart[area] = bits_count(&ab, B_PANY, -1);
            cn.phas[area] = cn.ppart[area] > 0;
            cn.pvol[area] = bits_count(&ab, B_PVOL, -1);
        }
        cc_at_counts_put(&cn, n, out);
    }
    bits_release(&ab);
    cc_at_counts_release(&cn);
    free(inst);
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
