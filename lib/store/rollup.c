/* rollup — the attendance rosters: attendance_weeks rebuilt from the base
 * tables, week by week.
 *
 * A roster is what the attendance measures (lib/measure/attend.c) need of
 * one community-week, and nothing else: for every distinct (participant,
 * household, flags) of the attendance rows of its COMPLETED activities, one
 * entry with the weekdays attended.  Participant and household IDs are
 * numbered once, for good, in ids (exact: a text ID has one number, a number
 * one text), so a reader counts integers and never interns text.
 *
 * A week is rebuilt as a whole: its rosters are deleted and its rows read
 * again (its completed activities by date, placed in community order, then
 * each one's attendance by the attendance key), so a moved, cancelled or
 * deleted activity leaves nothing behind.  Memory does not grow with the
 * week: its rows are stored community by community once more than
 * ROLLUP_MEM_ENTRIES are held, and the cache of ID numbers is emptied at a
 * community boundary once past ID_CACHE_BYTES (a week of a province, 30,000
 * communities, held whole took 890 MB).
 */
#include "store/rollup_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void idcache_release(idcache *c)
{
    cc_intern_release(&c->t);
    free(c->no);
    memset(c, 0, sizeof *c);
}

static size_t idcache_bytes(const idcache *c)
{
    return cc_intern_bytes(&c->t) + c->cap * sizeof *c->no;
}


/* A week read back: its completed activities (placed in the community order
 * by the caller), then each one's attendance rows by the attendance key. */
static const char acts_sql[] =
    "SELECT activity_id, community_id, date FROM activities"
    " WHERE date BETWEEN ?1 AND ?2 AND status = 'completed'";
static const char rows_sql[] =
    "SELECT participant_id, household_id, role, special FROM attendance WHERE activity_id = ?1";

/* The number of an ID in ids, numbering it when new; 0 on error. */
uint32_t rollup_id_lookup(rollup *r, const char *s, size_t len, cc_err *err)
{
    sqlite3_int64 no = 0;
    int rc;
    sqlite3_bind_text(r->id_get, 1, s, (int)len, SQLITE_STATIC);
    if ((rc = sqlite3_step(r->id_get)) == SQLITE_ROW)
        no = sqlite3_column_int64(r->id_get, 0);
    sqlite3_reset(r->id_get);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        *err = cc_store_err(r->s, rc, "numbering attendance IDs");
        return 0;
    }
    if (!no) {
        sqlite3_bind_text(r->id_put, 1, s, (int)len, SQLITE_STATIC);
        rc = sqlite3_step(r->id_put);
        sqlite3_reset(r->id_put);
        if (rc != SQLITE_DONE) {
            *err = cc_store_err(r->s, rc, "numbering attendance IDs");
            return 0;
        }
        no = sqlite3_last_insert_rowid(r->s->db);
    }
    if (no <= 0 || no > (sqlite3_int64)UINT32_MAX) {
        cc_error("%s: attendance ID number %lld out of range", r->s->path, (long long)no);
        *err = CC_ERR_DB;
        return 0;
    }
    return (uint32_t)no;
}

/* rollup_id_lookup through the cache c. */
static uint32_t id_no(rollup *r, idcache *c, const char *s, size_t len, cc_err *err)
{
    uint32_t k = cc_intern_find(&c->t, s, len);
    if (k != UINT32_MAX)
        return c->no[k];
    uint32_t no = rollup_id_lookup(r, s, len, err);
    if (!no)
        return 0;
    size_t before = idcache_bytes(c);
    k = cc_intern_id(&c->t, s, len);
    if (k >= c->cap) {
        c->cap = c->cap ? c->cap * 2 : 256;
        c->no = cc_xrealloc(c->no, c->cap * sizeof *c->no);
    }
    c->no[k] = no;
    r->idbytes += idcache_bytes(c) - before;
    return no;
}

/* The index of a community_id (its text: cc_intern_text(&r->comms, i)). */
uint32_t rollup_comm_index(rollup *r, const char *s, size_t len)
{
    uint32_t i = cc_intern_id(&r->comms, s, len);
    if (i >= r->comm_cap) {
        size_t ncap = r->comm_cap ? r->comm_cap * 2 : 1024;
        r->ids = cc_xrealloc(r->ids, ncap * sizeof *r->ids);
        memset(r->ids + r->comm_cap, 0, (ncap - r->comm_cap) * sizeof *r->ids);
        r->comm_cap = ncap;
    }
    return i;
}

static int cmp_wentry(const void *a, const void *b)
{
    const wentry *x = a, *y = b;
    if (x->comm != y->comm)
        return x->comm < y->comm ? -1 : 1;
    if (x->p != y->p)
        return x->p < y->p ? -1 : 1;
    if (x->h != y->h)
        return x->h < y->h ? -1 : 1;
    return (int)x->flags - (int)y->flags;
}

/* (comm, p) and (h, flags): the two halves of the sort key */
static inline uint64_t key_hi(const wentry *e)
{
    return (uint64_t)e->comm << 32 | e->p;
}

static inline uint64_t key_lo(const wentry *e)
{
    return (uint64_t)e->h << 8 | e->flags;
}

#define RADIX_BITS 11
/* Stable LSD radix passes over the bits of one half of the key that are in
 * use; *a ends up sorted by it (a and b swap). */
static void radix_half(wentry **a, wentry **b, size_t n, int hi)
{
    uint64_t any = 0;
    for (size_t i = 0; i < n; i++)
        any |= hi ? key_hi(&(*a)[i]) : key_lo(&(*a)[i]);
    for (unsigned shift = 0; shift < 64 && (any >> shift); shift += RADIX_BITS) {
        size_t cnt[1u << RADIX_BITS] = {0};
        for (size_t i = 0; i < n; i++)
            cnt[((hi ? key_hi(&(*a)[i]) : key_lo(&(*a)[i])) >> shift) & ((1u << RADIX_BITS) - 1)]++;
        size_t at = 0;
        for (size_t k = 0; k < (1u << RADIX_BITS); k++) {
            size_t c = cnt[k];
            cnt[k] = at;
            at += c;
        }
        wentry *src = *a, *dst = *b;
        for (size_t i = 0; i < n; i++)
            dst[cnt[((hi ? key_hi(&src[i]) : key_lo(&src[i])) >> shift) & ((1u << RADIX_BITS) - 1)]++] = src[i];
        *a = dst;
        *b = src;
    }
}

/* Sort the week's entries by (comm, p, h, flags): a radix sort (a week of
 * the city is ~400 K entries; qsort took ~2.5 s for the year), qsort for a
 * few. */
static void sort_week(rollup *r)
{
    if (r->n < 512) {
        if (r->n > 1)
            qsort(r->e, r->n, sizeof *r->e, cmp_wentry);
        return;
    }
    if (r->tmpcap < r->n) {
        free(r->tmp);
        r->tmpcap = r->cap;
        r->tmp = cc_xmalloc(r->tmpcap * sizeof *r->tmp);
    }
    wentry *a = r->e, *b = r->tmp;
    radix_half(&a, &b, r->n, 0);
    radix_half(&a, &b, r->n, 1);
    /* a holds the result: the buffers may have swapped */
    if (a != r->e) {
        size_t c = r->cap;
        r->tmp = r->e;
        r->e = a;
        r->cap = r->tmpcap;
        r->tmpcap = c;
    }
}

static void put_u32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

/* Sort and merge the week's entries; one roster row per community. */
double rollup_t_sort, rollup_t_sql;
cc_err rollup_write_week(rollup *r, const char *week)
{
    if (!r->n)
        return CC_OK;
    double t0 = rollup_mono();
    sort_week(r);
    rollup_t_sort += rollup_mono() - t0;
    size_t m = 0;
    for (size_t i = 1; i < r->n; i++) {
        wentry *a = &r->e[m], *b = &r->e[i];
        if (a->comm == b->comm && a->p == b->p && a->h == b->h && a->flags == b->flags)
            a->days |= b->days;
        else
            r->e[++m] = *b;
    }
    r->n = m + 1;
    for (size_t i = 0; i < r->n;) {
        size_t j = i;
        while (j < r->n && r->e[j].comm == r->e[i].comm)
            j++;
        size_t len = (j - i) * CC_ROSTER_ENTRY;
        if (len > r->blob_cap) {
            r->blob_cap = len + len / 2;
            r->blob = cc_xrealloc(r->blob, r->blob_cap);
        }
        for (size_t k = i; k < j; k++) {
            unsigned char *p = r->blob + (k - i) * CC_ROSTER_ENTRY;
            put_u32(p, r->e[k].p);
            put_u32(p + 4, r->e[k].h);
            p[8] = r->e[k].flags;
            p[9] = r->e[k].days;
        }
        size_t cidlen;
        const char *cid = cc_intern_text(&r->comms, r->e[i].comm, &cidlen);
        sqlite3_bind_text(r->put, 1, week, 10, SQLITE_STATIC);
        sqlite3_bind_text(r->put, 2, cid, (int)cidlen, SQLITE_STATIC);
        sqlite3_bind_blob(r->put, 3, r->blob, (int)len, SQLITE_STATIC);
        t0 = rollup_mono();
        int rc = sqlite3_step(r->put);
        sqlite3_reset(r->put);
        rollup_t_sql += rollup_mono() - t0;
        if (rc != SQLITE_DONE)
            return cc_store_err(r->s, rc, "storing attendance rosters");
        i = j;
    }
    return CC_OK;
}

static int cmp_act(const void *a, const void *b)
{
    const struct rollup_act *x = a, *y = b;
    if (x->comm != y->comm)
        return x->comm < y->comm ? -1 : 1;
    return x->off < y->off ? -1 : x->off > y->off;
}

/* The week's completed activities dated inside it, sorted by community
 * (then as read): r->act. */
static cc_err week_activities(rollup *r, cc_day monday, const char *from, const char *to)
{
    int rc;
    const char *last = NULL;
    size_t lastlen = 0;
    uint32_t lastcomm = 0;
    r->nact = r->atlen = 0;
    sqlite3_bind_text(r->acts, 1, from, 10, SQLITE_STATIC);
    sqlite3_bind_text(r->acts, 2, to, 10, SQLITE_STATIC);
    while ((rc = sqlite3_step(r->acts)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(r->acts, 0);
        size_t idlen = (size_t)sqlite3_column_bytes(r->acts, 0);
        const char *cm = (const char *)sqlite3_column_text(r->acts, 1);
        size_t cmlen = (size_t)sqlite3_column_bytes(r->acts, 1);
        const char *dt = (const char *)sqlite3_column_text(r->acts, 2);
        cc_day day;
        if (!id || !cm || !dt)
            continue;           /* NOT NULL in the schema */
        if (cc_parse_date(dt, (size_t)sqlite3_column_bytes(r->acts, 2), &day) != CC_PARSE_OK ||
            day < monday || day > monday + 6)
            continue;
        if (!last || cmlen != lastlen || memcmp(cm, last, cmlen)) {
            lastcomm = rollup_comm_index(r, cm, cmlen);
            last = cc_intern_text(&r->comms, lastcomm, &lastlen);
        }
        if (r->atlen + idlen > UINT32_MAX) {
            cc_error("%s: building attendance rosters: a week's activity IDs are too long", r->s->path);
            sqlite3_reset(r->acts);
            return CC_ERR_DB;
        }
        if (r->nact == r->actcap) {
            r->actcap = r->actcap ? r->actcap + r->actcap / 2 : 4096;
            r->act = cc_xrealloc(r->act, r->actcap * sizeof *r->act);
        }
        if (r->atlen + idlen > r->atcap) {
            r->atcap = (r->atlen + idlen) * 2 + 65536;
            r->atext = cc_xrealloc(r->atext, r->atcap);
        }
        memcpy(r->atext + r->atlen, id, idlen);
        r->act[r->nact++] = (struct rollup_act){lastcomm, (uint32_t)r->atlen, (uint32_t)idlen,
                                                (uint32_t)(day - monday)};
        r->atlen += idlen;
    }
    sqlite3_reset(r->acts);
    if (rc != SQLITE_DONE)
        return cc_store_err(r->s, rc, "building attendance rosters");
    if (r->nact > 1)            /* (a week without completed activities has no array) */
        qsort(r->act, r->nact, sizeof *r->act, cmp_act);
    return CC_OK;
}

/* Empty the ID caches once they hold more than their bound (between
 * communities: the current one's numbers stay valid while its rows come). */
static void idcache_bound(rollup *r)
{
    if (r->idbytes <= r->ids_max)
        return;
    for (size_t i = 0; i < r->comms.n; i++)
        idcache_release(&r->ids[i]);
    r->idbytes = 0;
    r->emptied++;
}

/* The rows of r->e so far stored as rosters (they are whole communities). */
static cc_err flush_week(rollup *r, const char *week)
{
    if (r->n > r->held)
        r->held = r->n;
    cc_err err = rollup_write_week(r, week);
    r->n = 0;
    return err;
}

/* Read one week's rows (its rosters already deleted) and store its rosters:
 * community by community, at most about r->mem_max rows held. */
cc_err rollup_build_week(rollup *r, cc_day monday)
{
    char from[11], to[11];
    cc_err err;
    int rc = SQLITE_DONE;
    char lasth[64];
    size_t lasthlen = 0;
    uint32_t lasthno = 0;

    cc_day_format(monday, from);
    cc_day_format(monday + 6, to);
    r->n = 0;
    r->weeks++;
    idcache_bound(r);
    if ((err = week_activities(r, monday, from, to)) != CC_OK)
        return err;
    for (size_t a = 0; a < r->nact; a++) {
        const struct rollup_act *ac = &r->act[a];
        uint32_t comm = ac->comm;
        if (a && comm != r->act[a - 1].comm) {     /* a community boundary */
            if (r->n >= r->mem_max && (err = flush_week(r, from)) != CC_OK)
                return err;
            idcache_bound(r);
            lasthno = 0;
        }
        sqlite3_bind_text(r->rows, 1, r->atext + ac->off, (int)ac->len, SQLITE_STATIC);
        while ((rc = sqlite3_step(r->rows)) == SQLITE_ROW) {
            const char *p = (const char *)sqlite3_column_text(r->rows, 0);
            if (!p)
                continue;           /* NOT NULL in the schema */
            uint32_t pno = id_no(r, &r->ids[comm], p, (size_t)sqlite3_column_bytes(r->rows, 0), &err);
            if (!pno)
                goto out;
            uint32_t hno = 0;
            if (sqlite3_column_type(r->rows, 1) != SQLITE_NULL) {
                const char *h = (const char *)sqlite3_column_text(r->rows, 1);
                size_t hlen = h ? (size_t)sqlite3_column_bytes(r->rows, 1) : 0;
                if (lasthno && hlen == lasthlen && !memcmp(h, lasth, hlen)) {   /* a family comes together */
                    hno = lasthno;
                } else {
                    if (!(hno = id_no(r, &r->ids[comm], h ? h : "", hlen, &err)))
                        goto out;
                    lasthno = hlen < sizeof lasth ? hno : 0;
                    lasthlen = hlen;
                    if (lasthno)
                        memcpy(lasth, h, hlen);
                }
            }
            const char *role = (const char *)sqlite3_column_text(r->rows, 2);
            unsigned f = 0;
            if (role && !strcmp(role, "child"))
                f |= CC_ROSTER_CHILD;
            else if (role && !strcmp(role, "volunteer"))
                f |= CC_ROSTER_VOLUNTEER;
            int stype = sqlite3_column_type(r->rows, 3);
            if (stype != SQLITE_NULL) {
                f |= CC_ROSTER_KNOWN;
                /* SQL "special = 1": an integer or real 1 */
                if (stype != SQLITE_TEXT && stype != SQLITE_BLOB && sqlite3_column_double(r->rows, 3) == 1.0)
                    f |= CC_ROSTER_SPECIAL;
            }
            if (r->n == r->cap) {
                r->cap = r->cap ? r->cap + r->cap / 2 : 65536;
                r->e = cc_xrealloc(r->e, r->cap * sizeof *r->e);
            }
            wentry *e = &r->e[r->n++];
            e->comm = comm;
            e->p = pno;
            e->h = hno;
            e->flags = (uint8_t)f;
            e->days = (uint8_t)(1u << ac->day);
        }
        sqlite3_reset(r->rows);
        if (rc != SQLITE_DONE) {
            err = cc_store_err(r->s, rc, "building attendance rosters");
            goto out;
        }
    }
    return flush_week(r, from);
out:
    sqlite3_reset(r->rows);
    return err;
}

/* The first (dir > 0) or last activity date on or after / on or before day. */
/* 1 when the attendance table has a row, 0 when empty, -1 on error */
static int attendance_any(cc_store *s)
{
    sqlite3_stmt *q;
    int rc = sqlite3_prepare_v2(s->db, "SELECT 1 FROM attendance LIMIT 1", -1, &q, NULL);
    if (rc != SQLITE_OK)
        return -1;
    rc = sqlite3_step(q);
    sqlite3_finalize(q);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int activity_bound(cc_store *s, const char *day, int dir, cc_day *out)
{
    sqlite3_stmt *st;
    const char *sql = dir > 0 ? "SELECT date FROM activities WHERE date >= ?1 ORDER BY date LIMIT 1"
                              : "SELECT date FROM activities WHERE date <= ?1 ORDER BY date DESC LIMIT 1";
    int found = 0;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        found = t && cc_parse_date(t, (size_t)sqlite3_column_bytes(st, 0), out) == CC_PARSE_OK;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? found : -1;
}

int rollup_prep(rollup *r, const char *sql, sqlite3_stmt **st)
{
    return sqlite3_prepare_v2(r->s->db, sql, -1, st, NULL);
}

/* Prepare r's statements (its own transaction when the caller has none:
 * *own = 1). */
cc_err rollup_open(rollup *r, cc_store *s, int *own)
{
    cc_err err;
    memset(r, 0, sizeof *r);
    r->s = s;
    /* Not a savepoint inside the caller's transaction: SQLite would keep
     * every page the rebuild changes in a sub-journal (in memory with
     * temp_store=MEMORY: 600 MB for the city).  The caller rolls back. */
    *own = sqlite3_get_autocommit(s->db);
    if (*own && (err = cc_store_begin(s)) != CC_OK) {
        *own = 0;
        return err;
    }
    const cc_tuning *tu = cc_tuning_get();
    r->mem_max = tu->roster_readback_mem > 0 ? (size_t)tu->roster_readback_mem : ROLLUP_MEM_ENTRIES;
    r->ids_max = tu->roster_readback_ids > 0 ? (size_t)tu->roster_readback_ids : ID_CACHE_BYTES;
    int rc = rollup_prep(r, rows_sql, &r->rows);
    if (rc == SQLITE_OK)
        rc = rollup_prep(r, acts_sql, &r->acts);
    if (rc == SQLITE_OK)
        rc = rollup_prep(r, "SELECT no FROM ids WHERE id = ?1", &r->id_get);
    if (rc == SQLITE_OK)
        rc = rollup_prep(r, "INSERT INTO ids (id) VALUES (?1)", &r->id_put);
    if (rc == SQLITE_OK)
        rc = rollup_prep(r, "INSERT INTO attendance_weeks (week, community_id, roster) VALUES (?1, ?2, ?3)", &r->put);
    if (rc != SQLITE_OK)
        return cc_store_err(s, rc, "building attendance rosters");
    return CC_OK;
}

/* Free r; commit or roll back its own transaction. */
cc_err rollup_close(rollup *r, int own, cc_err err)
{
    sqlite3_finalize(r->del);
    sqlite3_finalize(r->rows);
    sqlite3_finalize(r->acts);
    sqlite3_finalize(r->id_get);
    sqlite3_finalize(r->id_put);
    sqlite3_finalize(r->put);
    for (size_t i = 0; i < r->comms.n; i++)
        idcache_release(&r->ids[i]);
    free(r->ids);
    free(r->e);
    free(r->tmp);
    free(r->blob);
    free(r->act);
    free(r->atext);
    cc_intern_release(&r->comms);
    if (r->weeks && cc_tuning_get()->ingest_timing)
        cc_trace("timing rosters read back: %zu weeks, at most %zu rows held, ID caches emptied %zu times",
                 r->weeks, r->held, r->emptied);
    if (err) {
        if (own)
            cc_store_rollback(r->s);
        return err;
    }
    return own ? cc_store_commit(r->s) : CC_OK;
}

cc_err rollup_interrupted(cc_store *s)
{
    if (!cc_interrupted)
        return CC_OK;
    cc_error("%s: building attendance rosters: interrupted", s->path);
    return CC_ERR_INTERRUPTED;
}

cc_err cc_store_rollup_weeks(cc_store *s, cc_day from, cc_day to)
{
    rollup r;
    cc_err err = CC_OK;
    char w0[11], w1[11];
    int rc, own;

    if (to < from)
        return CC_OK;
    cc_day first = cc_week_monday(from), last = cc_week_monday(to);
    cc_day_format(first, w0);
    cc_day_format(last, w1);
    if ((err = rollup_open(&r, s, &own)) != CC_OK)
        goto out;
    rc = rollup_prep(&r, "DELETE FROM attendance_weeks WHERE week BETWEEN ?1 AND ?2", &r.del);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(r.del, 1, w0, -1, SQLITE_STATIC);
        sqlite3_bind_text(r.del, 2, w1, -1, SQLITE_STATIC);
        rc = sqlite3_step(r.del);
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
    if (rc != SQLITE_OK) {
        err = cc_store_err(s, rc, "building attendance rosters");
        goto out;
    }
    /* only the weeks that have activities at all */
    char end[11];
    cc_day lo, hi;
    cc_day_format(last + 6, end);
    int a = activity_bound(s, w0, 1, &lo), b = activity_bound(s, end, -1, &hi);
    /* no attendance at all (activities are loaded first): every roster is
     * empty, and the ones of the range were deleted above */
    int any = a > 0 && b > 0 ? attendance_any(s) : 0;
    if (any < 0)
        a = -1;
    else if (!any)
        a = 0;
    if (a < 0 || b < 0) {
        err = cc_store_err(s, sqlite3_errcode(s->db), "building attendance rosters");
        goto out;
    }
    if (a && b) {
        if (cc_week_monday(lo) > first)
            first = cc_week_monday(lo);
        if (cc_week_monday(hi) < last)
            last = cc_week_monday(hi);
        for (cc_day w = first; w <= last && !err; w += 7)
            if (!(err = rollup_interrupted(s)))
                err = rollup_build_week(&r, w);
    }
out:
    return rollup_close(&r, own, err);
}

double rollup_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}
