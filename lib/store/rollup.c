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
 * again (activities by date, then attendance by its primary key), so a
 * moved, cancelled or deleted activity leaves nothing behind.  Memory is one
 * week's entries plus a cache of ID numbers that is emptied when it grows
 * past ID_CACHE_BYTES.
 */
#include "store/db.h"
#include "store/store.h"
#include "base/intern.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- text -> number, a bounded cache in front of the ids table ------------
 * One cc_intern per community (rows come by activity, so a table of a few
 * thousand IDs is hot) with the ids number of each of its entries; the
 * city's 2.5 M IDs take ~70 MB; past ID_CACHE_BYTES the caches are emptied
 * between weeks and refilled from the ids table. */
typedef struct {
    cc_intern t;
    uint32_t *no;           /* entry -> ids.no */
    size_t cap;
} idcache;

#ifndef ID_CACHE_BYTES
#define ID_CACHE_BYTES ((size_t)96 << 20)
#endif

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

/* ---- the rollup ------------------------------------------------------------ */
typedef struct {
    uint32_t comm;          /* index into the communities seen */
    uint32_t p, h;
    uint8_t flags, days;
} wentry;

typedef struct {
    cc_store *s;
    sqlite3_stmt *rows, *id_get, *id_put, *put, *del;
    cc_intern comms;        /* the communities seen: index -> community_id */
    idcache *ids;           /* index -> the participant and household numbers
                             * met in the community: small tables, so that the
                             * ~20 rows of an activity hit one of them */
    size_t comm_cap;
    wentry *e;
    size_t n, cap;
    wentry *tmp;            /* radix sort's other buffer (cap entries) */
    size_t tmpcap;
    unsigned char *blob;
    size_t blob_cap;
} rollup;

static const char rows_sql[] =
    "SELECT a.community_id, a.date, t.participant_id, t.household_id, t.role, t.special"
    " FROM activities a CROSS JOIN attendance t ON t.activity_id = a.activity_id"
    " WHERE a.date BETWEEN ?1 AND ?2 AND a.status = 'completed'";

/* The number of an ID in ids, numbering it when new; 0 on error. */
static uint32_t id_lookup(rollup *r, const char *s, size_t len, cc_err *err)
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

/* id_lookup through the cache c. */
static uint32_t id_no(rollup *r, idcache *c, const char *s, size_t len, cc_err *err)
{
    uint32_t k = cc_intern_find(&c->t, s, len);
    if (k != UINT32_MAX)
        return c->no[k];
    uint32_t no = id_lookup(r, s, len, err);
    if (!no)
        return 0;
    k = cc_intern_id(&c->t, s, len);
    if (k >= c->cap) {
        c->cap = c->cap ? c->cap * 2 : 256;
        c->no = cc_xrealloc(c->no, c->cap * sizeof *c->no);
    }
    c->no[k] = no;
    return no;
}

/* The index of a community_id (its text: cc_intern_text(&r->comms, i)). */
static uint32_t comm_index(rollup *r, const char *s, size_t len)
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
static double t_sort, t_sql;
static double mono(void);
static cc_err write_week(rollup *r, const char *week)
{
    if (!r->n)
        return CC_OK;
    double t0 = mono();
    sort_week(r);
    t_sort += mono() - t0;
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
        t0 = mono();
        int rc = sqlite3_step(r->put);
        sqlite3_reset(r->put);
        t_sql += mono() - t0;
        if (rc != SQLITE_DONE)
            return cc_store_err(r->s, rc, "storing attendance rosters");
        i = j;
    }
    return CC_OK;
}

/* Read one week's rows (its rosters already deleted) and store its rosters. */
static cc_err build_week(rollup *r, cc_day monday)
{
    char from[11], to[11];
    cc_err err = CC_OK;
    int rc;
    const char *last = NULL;
    size_t lastlen = 0;
    uint32_t lastcomm = 0;
    char lastd[16], lasth[64];
    size_t lasthlen = 0;
    uint32_t lasthno = 0;
    size_t lastdlen = (size_t)-1;
    cc_day day = monday - 1;

    cc_day_format(monday, from);
    cc_day_format(monday + 6, to);
    r->n = 0;
    size_t bytes = 0;
    for (size_t i = 0; i < r->comms.n; i++)
        bytes += idcache_bytes(&r->ids[i]);
    if (bytes > ID_CACHE_BYTES)
        for (size_t i = 0; i < r->comms.n; i++)
            idcache_release(&r->ids[i]);

    sqlite3_bind_text(r->rows, 1, from, 10, SQLITE_STATIC);
    sqlite3_bind_text(r->rows, 2, to, 10, SQLITE_STATIC);
    while ((rc = sqlite3_step(r->rows)) == SQLITE_ROW) {
        const char *cm = (const char *)sqlite3_column_text(r->rows, 0);
        size_t cmlen = (size_t)sqlite3_column_bytes(r->rows, 0);
        const char *dt = (const char *)sqlite3_column_text(r->rows, 1);
        size_t dtlen = (size_t)sqlite3_column_bytes(r->rows, 1);
        if (!cm || !dt)
            continue;           /* NOT NULL in the schema */
        if (dtlen != lastdlen || memcmp(dt, lastd, dtlen)) {
            if (dtlen >= sizeof lastd || cc_parse_date(dt, dtlen, &day) != CC_PARSE_OK)
                day = monday - 1;
            memcpy(lastd, dt, dtlen < sizeof lastd ? dtlen : 0);
            lastdlen = dtlen < sizeof lastd ? dtlen : (size_t)-1;
        }
        if (day < monday || day > monday + 6)
            continue;
        if (!last || cmlen != lastlen || memcmp(cm, last, cmlen)) {   /* rows come by activity */
            lastcomm = comm_index(r, cm, cmlen);
            last = cc_intern_text(&r->comms, lastcomm, &lastlen);
        }
        const char *p = (const char *)sqlite3_column_text(r->rows, 2);
        if (!p)
            continue;           /* NOT NULL in the schema */
        uint32_t pno = id_no(r, &r->ids[lastcomm], p, (size_t)sqlite3_column_bytes(r->rows, 2), &err);
        if (!pno)
            goto out;
        uint32_t hno = 0;
        if (sqlite3_column_type(r->rows, 3) != SQLITE_NULL) {
            const char *h = (const char *)sqlite3_column_text(r->rows, 3);
            size_t hlen = h ? (size_t)sqlite3_column_bytes(r->rows, 3) : 0;
            if (lasthno && hlen == lasthlen && !memcmp(h, lasth, hlen)) {   /* a family comes together */
                hno = lasthno;
            } else {
                if (!(hno = id_no(r, &r->ids[lastcomm], h ? h : "", hlen, &err)))
                    goto out;
                lasthno = hlen < sizeof lasth ? hno : 0;
                lasthlen = hlen;
                if (lasthno)
                    memcpy(lasth, h, hlen);
            }
        }
        const char *role = (const char *)sqlite3_column_text(r->rows, 4);
        unsigned f = 0;
        if (role && !strcmp(role, "child"))
            f |= CC_ROSTER_CHILD;
        else if (role && !strcmp(role, "volunteer"))
            f |= CC_ROSTER_VOLUNTEER;
        int stype = sqlite3_column_type(r->rows, 5);
        if (stype != SQLITE_NULL) {
            f |= CC_ROSTER_KNOWN;
            /* SQL "special = 1": an integer or real 1 */
            if (stype != SQLITE_TEXT && stype != SQLITE_BLOB && sqlite3_column_double(r->rows, 5) == 1.0)
                f |= CC_ROSTER_SPECIAL;
        }
        if (r->n == r->cap) {
            r->cap = r->cap ? r->cap + r->cap / 2 : 65536;
            r->e = cc_xrealloc(r->e, r->cap * sizeof *r->e);
        }
        wentry *e = &r->e[r->n++];
        e->comm = lastcomm;
        e->p = pno;
        e->h = hno;
        e->flags = (uint8_t)f;
        e->days = (uint8_t)(1u << (day - monday));
    }
    if (rc != SQLITE_DONE) {
        err = cc_store_err(r->s, rc, "building attendance rosters");
        goto out;
    }
    sqlite3_reset(r->rows);
    return write_week(r, from);
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

static int prep(rollup *r, const char *sql, sqlite3_stmt **st)
{
    return sqlite3_prepare_v2(r->s->db, sql, -1, st, NULL);
}

/* Prepare r's statements (its own transaction when the caller has none:
 * *own = 1). */
static cc_err rollup_open(rollup *r, cc_store *s, int *own)
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
    int rc = prep(r, rows_sql, &r->rows);
    if (rc == SQLITE_OK)
        rc = prep(r, "SELECT no FROM ids WHERE id = ?1", &r->id_get);
    if (rc == SQLITE_OK)
        rc = prep(r, "INSERT INTO ids (id) VALUES (?1)", &r->id_put);
    if (rc == SQLITE_OK)
        rc = prep(r, "INSERT INTO attendance_weeks (week, community_id, roster) VALUES (?1, ?2, ?3)", &r->put);
    if (rc != SQLITE_OK)
        return cc_store_err(s, rc, "building attendance rosters");
    return CC_OK;
}

/* Free r; commit or roll back its own transaction. */
static cc_err rollup_close(rollup *r, int own, cc_err err)
{
    sqlite3_finalize(r->del);
    sqlite3_finalize(r->rows);
    sqlite3_finalize(r->id_get);
    sqlite3_finalize(r->id_put);
    sqlite3_finalize(r->put);
    for (size_t i = 0; i < r->comms.n; i++)
        idcache_release(&r->ids[i]);
    free(r->ids);
    free(r->e);
    free(r->tmp);
    free(r->blob);
    cc_intern_release(&r->comms);
    if (err) {
        if (own)
            cc_store_rollback(r->s);
        return err;
    }
    return own ? cc_store_commit(r->s) : CC_OK;
}

static cc_err interrupted(cc_store *s)
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
    rc = prep(&r, "DELETE FROM attendance_weeks WHERE week BETWEEN ?1 AND ?2", &r.del);
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
            if (!(err = interrupted(s)))
                err = build_week(&r, w);
    }
out:
    return rollup_close(&r, own, err);
}

/* ---- rosters from the rows in hand ------------------------------------------
 * The storing thread appends rows (a day, a community number, the two IDs as
 * text, the flags) to a handoff buffer; the feed's thread takes full buffers,
 * numbers the IDs in an interner (1, 2, ... in order of first appearance)
 * and files one wentry per row under its week.  The entries of all weeks in
 * memory are bounded (FEED_MEM_ENTRIES): past it every week's entries go to
 * a temporary file as a chunk.  The interner is bounded too (FEED_INTERN_MAX):
 * past it the feed gives up and every week is read back.
 *
 * At the end (cc_store_rollup_feed, on the storing thread) the IDs get their
 * numbers in ids (when ids is empty, the feed's own numbers: no lookups), and
 * each week is loaded (its chunks and what is in memory), renumbered, sorted
 * and merged exactly as a read-back week is (write_week). */
#define FEED_BUF ((size_t)256 << 10)
#define FEED_NBUF 4
#define FEED_REC 16             /* record header: day, comm, pn, hn, flags */
#ifndef FEED_MEM_ENTRIES
#define FEED_MEM_ENTRIES ((size_t)1 << 20)     /* 16 MB of entries */
#endif
#ifndef FEED_INTERN_MAX
#define FEED_INTERN_MAX ((size_t)96 << 20)
#endif
#define NO_HOUSEHOLD 0xffffu

/* The IDs in SQLite's BINARY order (memcmp, then the shorter first): the
 * first 8 bytes, big-endian, decide most comparisons. */
typedef struct {
    uint32_t khi, klo;          /* the first 8 bytes, big-endian (12-byte entries) */
    uint32_t id;
} idkey;

#define IDS_MANY 64             /* IDs to an INSERT */

static int cmp_idkey(const void *a, const void *b, void *arg)
{
    const idkey *x = a, *y = b;
    if (x->khi != y->khi)
        return x->khi < y->khi ? -1 : 1;
    if (x->klo != y->klo)
        return x->klo < y->klo ? -1 : 1;
    const cc_intern *t = arg;
    size_t xn, yn;
    const char *xs = cc_intern_text(t, x->id, &xn), *ys = cc_intern_text(t, y->id, &yn);
    int c = memcmp(xs, ys, xn < yn ? xn : yn);
    return c ? c : xn < yn ? -1 : xn > yn;
}

static int idkey_less(const idkey *x, const idkey *y, const cc_intern *t)
{
    if (x->khi != y->khi)
        return x->khi < y->khi;
    if (x->klo != y->klo)
        return x->klo < y->klo;
    return cmp_idkey(x, y, (void *)t) < 0;
}

/* An in-place sort (quicksort, median of three, insertion sort for short
 * runs; recursion on the shorter side): qsort's merge sort would take
 * another copy of the array (40 MB for the city's 2.5 M IDs). */
static void sort_idkeys(idkey *a, size_t n, const cc_intern *t)
{
    while (n > 16) {
        size_t m = n / 2;
        idkey tmp;
#define SWAP(i, j) (tmp = a[i], a[i] = a[j], a[j] = tmp)
        if (idkey_less(&a[m], &a[0], t))
            SWAP(m, 0);
        if (idkey_less(&a[n - 1], &a[m], t)) {
            SWAP(n - 1, m);
            if (idkey_less(&a[m], &a[0], t))
                SWAP(m, 0);
        }
        idkey pivot = a[m];
        size_t i = 0, j = n - 1;
        for (;;) {
            while (idkey_less(&a[i], &pivot, t))
                i++;
            while (idkey_less(&pivot, &a[j], t))
                j--;
            if (i >= j)
                break;
            SWAP(i, j);
            i++;
            j--;
        }
#undef SWAP
        /* [0, j] <= pivot <= [j + 1, n) */
        size_t left = j + 1;
        if (left < n - left) {
            sort_idkeys(a, left, t);
            a += left;
            n -= left;
        } else {
            sort_idkeys(a + left, n - left, t);
            n = left;
        }
    }
    for (size_t i = 1; i < n; i++) {
        idkey x = a[i];
        size_t j = i;
        while (j > 0 && idkey_less(&x, &a[j - 1], t)) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = x;
    }
}


typedef struct {
    uint64_t off;               /* in the temporary file */
    size_t n;                   /* entries */
} fchunk;

typedef struct {
    cc_day monday;
    wentry *e;                  /* in memory */
    size_t n, cap;
    fchunk *c;                  /* spilled */
    size_t nc, ccap;
    size_t total;               /* all entries: spilled and in memory */
} fweek;

struct cc_roster_feed {
    int threaded;
    /* handoff: buffers produced by the storing thread, consumed by the feed's */
    unsigned char *buf[FEED_NBUF];
    size_t len[FEED_NBUF];
    unsigned long produced, consumed;
    int done;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t th;
    int started;
    /* the storing thread's */
    cc_intern comms;
    cc_day *rb;                 /* days whose weeks are read back */
    size_t nrb, rbcap;
    int fail;                   /* a row the feed cannot carry: read back every week */
    /* the feed thread's (the storing thread's after the join) */
    cc_intern ids;
    int over;                   /* gave up: read back every week */
    fweek *w;
    size_t nw, wcap;
    uint32_t *wmap;             /* open addressing: monday -> week index + 1 */
    size_t wmapcap;
    size_t mem;                 /* entries in memory */
    size_t mem_max, ids_max;    /* FEED_MEM_ENTRIES, FEED_INTERN_MAX (tests lower them) */
    FILE *tmp;
    uint64_t toff;
    idkey *k;                   /* the IDs in text order (feed_prepare_ids) */
    double cpu;                 /* the feed thread's CPU seconds */
    double waited;              /* the storing thread's seconds waiting for a buffer */
};

static size_t week_slot(const cc_roster_feed *f, cc_day monday)
{
    size_t i = ((uint32_t)monday * 2654435761u) & (f->wmapcap - 1);
    while (f->wmap[i] && f->w[f->wmap[i] - 1].monday != monday)
        i = (i + 1) & (f->wmapcap - 1);
    return i;
}

static fweek *feed_week(cc_roster_feed *f, cc_day monday)
{
    if ((f->nw + 1) * 2 > f->wmapcap) {
        size_t ncap = f->wmapcap ? f->wmapcap * 2 : 256;
        free(f->wmap);
        f->wmap = cc_xcalloc(ncap, sizeof *f->wmap);
        f->wmapcap = ncap;
        for (size_t k = 0; k < f->nw; k++)
            f->wmap[week_slot(f, f->w[k].monday)] = (uint32_t)k + 1;
    }
    size_t i = week_slot(f, monday);
    if (f->wmap[i])
        return &f->w[f->wmap[i] - 1];
    if (f->nw == f->wcap) {
        f->wcap = f->wcap ? f->wcap * 2 : 64;
        f->w = cc_xrealloc(f->w, f->wcap * sizeof *f->w);
    }
    fweek *w = &f->w[f->nw++];
    memset(w, 0, sizeof *w);
    w->monday = monday;
    f->wmap[i] = (uint32_t)f->nw;
    return w;
}

static void feed_give_up(cc_roster_feed *f)
{
    f->over = 1;
    cc_intern_release(&f->ids);
    for (size_t k = 0; k < f->nw; k++) {
        free(f->w[k].e);
        free(f->w[k].c);
    }
    free(f->w);
    free(f->wmap);
    f->w = NULL;
    f->wmap = NULL;
    f->nw = f->wcap = f->wmapcap = 0;
    if (f->tmp)
        fclose(f->tmp);
    f->tmp = NULL;
}

static FILE *temp_file(void)
{
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/carecard-rosters-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0)
        return NULL;
    unlink(path);
    FILE *t = fdopen(fd, "w+b");
    if (!t)
        close(fd);
    return t;
}

/* Every week's entries in memory to the temporary file. */
static void feed_spill(cc_roster_feed *f)
{
    if (!f->tmp && !(f->tmp = temp_file())) {
        feed_give_up(f);
        return;
    }
    for (size_t k = 0; k < f->nw; k++) {
        fweek *w = &f->w[k];
        if (!w->n)
            continue;
        if (fwrite(w->e, sizeof *w->e, w->n, f->tmp) != w->n) {
            feed_give_up(f);
            return;
        }
        if (w->nc == w->ccap) {
            w->ccap = w->ccap ? w->ccap * 2 : 8;
            w->c = cc_xrealloc(w->c, w->ccap * sizeof *w->c);
        }
        w->c[w->nc].off = f->toff;
        w->c[w->nc].n = w->n;
        w->nc++;
        f->toff += w->n * sizeof *w->e;
        free(w->e);
        w->e = NULL;
        w->n = w->cap = 0;
    }
    f->mem = 0;
}

static uint16_t get_u16(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

/* File the rows of one handoff buffer. */
static void feed_take(cc_roster_feed *f, const unsigned char *b, size_t len)
{
    enum { GROUP = 32 };      /* records whose IDs are interned together */
    size_t at = 0;
    fweek *w = NULL;
    while (at < len && !f->over) {
        const unsigned char *rec[GROUP];
        const char *txt[2 * GROUP];
        size_t tlen[2 * GROUP];
        uint32_t no[2 * GROUP];
        int nr = 0, nt = 0;
        for (; nr < GROUP && at < len; nr++) {
            const unsigned char *r = rec[nr] = b + at;
            size_t pn = get_u16(r + 8), hn = get_u16(r + 10);
            txt[nt] = (const char *)r + FEED_REC;
            tlen[nt++] = pn;
            if (hn != NO_HOUSEHOLD) {
                txt[nt] = (const char *)r + FEED_REC + pn;
                tlen[nt++] = hn;
            }
            at += FEED_REC + pn + (hn == NO_HOUSEHOLD ? 0 : hn);
        }
        if (cc_intern_bytes(&f->ids) > f->ids_max) {
            feed_give_up(f);
            break;
        }
        cc_intern_ids(&f->ids, (size_t)nt, txt, tlen, no);
        for (int j = 0, k = 0; j < nr; j++) {
            const unsigned char *r = rec[j];
            cc_day day;
            uint32_t comm;
            memcpy(&day, r, 4);
            memcpy(&comm, r + 4, 4);
            cc_day monday = cc_week_monday(day);
            if (!w || w->monday != monday)
                w = feed_week(f, monday);
            if (w->n == w->cap) {
                w->cap = w->cap ? w->cap * 2 : 1024;
                w->e = cc_xrealloc(w->e, w->cap * sizeof *w->e);
            }
            wentry *e = &w->e[w->n++];
            e->comm = comm;
            e->p = no[k++] + 1;
            e->h = get_u16(r + 10) == NO_HOUSEHOLD ? 0 : no[k++] + 1;
            e->flags = (uint8_t)r[12];
            e->days = (uint8_t)(1u << (day - monday));
            w->total++;
            if (++f->mem > f->mem_max) {
                feed_spill(f);
                w = NULL;
            }
        }
    }
}

/* After the last row: the entries in memory to the temporary file and the
 * interner's hash table freed (only its texts are needed now: memory for
 * the numbering), the IDs sorted by text.  On the feed's thread while the
 * storing thread rebuilds the table's indexes. */
static void feed_prepare_ids(cc_roster_feed *f)
{
    if (f->over || f->k)
        return;
    if (f->mem)
        feed_spill(f);
    if (f->over)
        return;
    free(f->ids.slot);
    free(f->ids.tag);
    f->ids.slot = NULL;
    f->ids.tag = NULL;
    f->ids.cap = 0;
    /* and the slack of the texts' arrays */
    if (f->ids.n) {
        f->ids.off = cc_xrealloc(f->ids.off, f->ids.n * sizeof *f->ids.off);
        f->ids.offcap = f->ids.n;
        f->ids.arena = cc_xrealloc(f->ids.arena, f->ids.alen);
        f->ids.acap = f->ids.alen;
    }
    size_t n = f->ids.n;
    idkey *k = cc_xmalloc((n ? n : 1) * sizeof *k);
    for (uint32_t i = 0; i < n; i++) {
        size_t len;
        const unsigned char *t = (const unsigned char *)cc_intern_text(&f->ids, i, &len);
        uint64_t key = 0;
        for (size_t j = 0; j < 8; j++)
            key = key << 8 | (j < len ? t[j] : 0);
        k[i].khi = (uint32_t)(key >> 32);
        k[i].klo = (uint32_t)key;
        k[i].id = i;
    }
    sort_idkeys(k, n, &f->ids);
    f->k = k;
}

static void *feed_main(void *arg)
{
    cc_roster_feed *f = arg;
    for (;;) {
        pthread_mutex_lock(&f->mu);
        while (f->consumed == f->produced && !f->done)
            pthread_cond_wait(&f->cv, &f->mu);
        if (f->consumed == f->produced) {
            pthread_mutex_unlock(&f->mu);
            feed_prepare_ids(f);
            struct timespec ts;
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
            f->cpu = (double)ts.tv_sec + ts.tv_nsec / 1e9;
            break;
        }
        size_t k = f->consumed % FEED_NBUF;
        pthread_mutex_unlock(&f->mu);
        feed_take(f, f->buf[k], f->len[k]);
        pthread_mutex_lock(&f->mu);
        f->consumed++;
        pthread_cond_broadcast(&f->cv);
        pthread_mutex_unlock(&f->mu);
    }
    return NULL;
}

cc_roster_feed *cc_roster_feed_new(int threaded)
{
    cc_roster_feed *f = cc_xcalloc(1, sizeof *f);
    /* for tests: CARECARD_ROSTER_FEED_MEM entries in memory before a spill,
     * CARECARD_ROSTER_FEED_IDS bytes of IDs before giving up */
    const char *e = getenv("CARECARD_ROSTER_FEED_MEM");
    f->mem_max = e && atol(e) > 0 ? (size_t)atol(e) : FEED_MEM_ENTRIES;
    e = getenv("CARECARD_ROSTER_FEED_IDS");
    f->ids_max = e && atol(e) > 0 ? (size_t)atol(e) : FEED_INTERN_MAX;
    for (int i = 0; i < FEED_NBUF; i++)
        f->buf[i] = cc_xmalloc(FEED_BUF);
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->cv, NULL);
    f->threaded = threaded && pthread_create(&f->th, NULL, feed_main, f) == 0;
    f->started = f->threaded;
    return f;
}

/* Hand the current buffer over (or file it here when not threaded). */
static void feed_submit(cc_roster_feed *f)
{
    size_t k = f->produced % FEED_NBUF;
    if (!f->len[k])
        return;
    if (!f->threaded) {
        feed_take(f, f->buf[k], f->len[k]);
        f->len[k] = 0;
        return;
    }
    pthread_mutex_lock(&f->mu);
    f->produced++;
    pthread_cond_broadcast(&f->cv);
    if (f->produced - f->consumed == FEED_NBUF) {
        double t0 = mono();
        while (f->produced - f->consumed == FEED_NBUF)
            pthread_cond_wait(&f->cv, &f->mu);
        f->waited += mono() - t0;
    }
    pthread_mutex_unlock(&f->mu);
    f->len[f->produced % FEED_NBUF] = 0;
}

uint32_t cc_roster_feed_community(cc_roster_feed *f, const char *s, size_t len)
{
    return cc_intern_id(&f->comms, s, len);
}

void cc_roster_feed_row(cc_roster_feed *f, cc_day day, uint32_t comm, const char *p, size_t pn,
                        const char *h, size_t hn, unsigned flags)
{
    if (f->fail)
        return;
    if (pn >= NO_HOUSEHOLD || (h && hn >= NO_HOUSEHOLD)) {
        f->fail = 1;
        return;
    }
    size_t need = FEED_REC + pn + (h ? hn : 0);
    size_t k = f->produced % FEED_NBUF;
    if (f->len[k] + need > FEED_BUF) {
        feed_submit(f);
        k = f->produced % FEED_NBUF;
    }
    unsigned char *r = f->buf[k] + f->len[k];
    memcpy(r, &day, 4);
    memcpy(r + 4, &comm, 4);
    r[8] = (unsigned char)pn;
    r[9] = (unsigned char)(pn >> 8);
    size_t hl = h ? hn : NO_HOUSEHOLD;
    r[10] = (unsigned char)hl;
    r[11] = (unsigned char)(hl >> 8);
    r[12] = (unsigned char)flags;
    memcpy(r + FEED_REC, p, pn);
    if (h)
        memcpy(r + FEED_REC + pn, h, hn);
    f->len[k] += need;
}

void cc_roster_feed_readback(cc_roster_feed *f, cc_day day)
{
    cc_day monday = cc_week_monday(day);
    if (f->nrb && f->rb[f->nrb - 1] == monday)
        return;
    if (f->nrb == f->rbcap) {
        f->rbcap = f->rbcap ? f->rbcap * 2 : 64;
        f->rb = cc_xrealloc(f->rb, f->rbcap * sizeof *f->rb);
    }
    f->rb[f->nrb++] = monday;
}

/* Wait for the feed's thread to file everything. */
static void feed_finish(cc_roster_feed *f)
{
    feed_submit(f);
    if (f->started) {
        pthread_mutex_lock(&f->mu);
        f->done = 1;
        pthread_cond_broadcast(&f->cv);
        pthread_mutex_unlock(&f->mu);
        pthread_join(f->th, NULL);
        f->started = 0;
    }
}

void cc_roster_feed_end(cc_roster_feed *f)
{
    feed_submit(f);
    if (f->started) {
        pthread_mutex_lock(&f->mu);
        f->done = 1;
        pthread_cond_broadcast(&f->cv);
        pthread_mutex_unlock(&f->mu);
    }
}

void cc_roster_feed_free(cc_roster_feed *f)
{
    if (!f)
        return;
    feed_finish(f);
    feed_give_up(f);
    free(f->k);
    for (int i = 0; i < FEED_NBUF; i++)
        free(f->buf[i]);
    cc_intern_release(&f->comms);
    free(f->rb);
    pthread_mutex_destroy(&f->mu);
    pthread_cond_destroy(&f->cv);
    free(f);
}

static int cmp_day(const void *a, const void *b)
{
    cc_day x = *(const cc_day *)a, y = *(const cc_day *)b;
    return x < y ? -1 : x > y;
}

static int cmp_fweek(const void *a, const void *b)
{
    return cmp_day(&((const fweek *)a)->monday, &((const fweek *)b)->monday);
}

static int is_readback(const cc_roster_feed *f, cc_day monday)
{
    return f->nrb && bsearch(&monday, f->rb, f->nrb, sizeof *f->rb, cmp_day) != NULL;
}

/* The weeks of [w0, w1] that have rosters now: to be read back. */
static cc_err note_weeks_with_rosters(rollup *r, cc_roster_feed *f, const char *w0, const char *w1)
{
    sqlite3_stmt *q;
    int rc = prep(r, "SELECT DISTINCT week FROM attendance_weeks WHERE week BETWEEN ?1 AND ?2", &q);
    if (rc != SQLITE_OK)
        return cc_store_err(r->s, rc, "building attendance rosters");
    sqlite3_bind_text(q, 1, w0, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, w1, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        cc_day d;
        const char *t = (const char *)sqlite3_column_text(q, 0);
        if (t && cc_parse_date(t, (size_t)sqlite3_column_bytes(q, 0), &d) == CC_PARSE_OK)
            cc_roster_feed_readback(f, d);
    }
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE)
        return cc_store_err(r->s, rc, "building attendance rosters");
    return CC_OK;
}

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* map[local no] = ids.no for every ID the feed numbered. */
static cc_err number_ids(rollup *r, cc_roster_feed *f, uint32_t *map)
{
    sqlite3_stmt *q;
    int rc = prep(r, "SELECT max(no) FROM ids", &q);
    if (rc != SQLITE_OK)
        return cc_store_err(r->s, rc, "numbering attendance IDs");
    rc = sqlite3_step(q);
    int empty = rc == SQLITE_ROW && sqlite3_column_type(q, 0) == SQLITE_NULL;
    sqlite3_finalize(q);
    if (rc != SQLITE_ROW)
        return cc_store_err(r->s, rc, "numbering attendance IDs");
    map[0] = 0;
    if (!empty) {
        /* some IDs have numbers: look each one up (once: they are distinct) */
        cc_err err = CC_OK;
        for (uint32_t i = 0; i < f->ids.n && !err; i++) {
            size_t len;
            const char *t = cc_intern_text(&f->ids, f->k[i].id, &len);
            if (!(map[f->k[i].id + 1] = id_lookup(r, t, len, &err)) && !err)
                err = CC_ERR_DB;
        }
        return err;
    }
    /* an empty ids: numbered in text order, so that the table and its index
     * on id are both appended to (in first-seen order the index inserts
     * land all over it: 4 us each) */
    sqlite3_stmt *qm = NULL;
    {
        cc_buf sql = CC_BUF_INIT;
        /* OR FAIL: no statement journal (an ABORT would have SQLite copy
         * each page the INSERT changes to a temporary file first); a failure
         * fails the whole run, which rolls back */
        cc_buf_adds(&sql, "INSERT OR FAIL INTO ids (no, id) VALUES (?, ?)");
        rc = prep(r, sql.s, &q);
        for (int i = 1; i < IDS_MANY; i++)
            cc_buf_adds(&sql, ", (?, ?)");
        if (rc == SQLITE_OK)
            rc = prep(r, sql.s, &qm);
        cc_buf_release(&sql);
        if (rc != SQLITE_OK) {
            sqlite3_finalize(q);
            return cc_store_err(r->s, rc, "numbering attendance IDs");
        }
    }
    size_t n = f->ids.n;
    const idkey *k = f->k;
    for (size_t i = 0; i < n;) {
        sqlite3_stmt *st = n - i >= IDS_MANY ? qm : q;
        size_t m = st == qm ? IDS_MANY : 1;
        for (size_t j = 0; j < m; j++, i++) {
            size_t len;
            const char *t = cc_intern_text(&f->ids, k[i].id, &len);
            sqlite3_bind_int64(st, (int)(2 * j + 1), (sqlite3_int64)i + 1);
            sqlite3_bind_text(st, (int)(2 * j + 2), t, (int)len, SQLITE_STATIC);
            map[k[i].id + 1] = (uint32_t)i + 1;
        }
        rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
            break;
    }
    sqlite3_finalize(q);
    sqlite3_finalize(qm);
    return rc == SQLITE_DONE || !n ? CC_OK : cc_store_err(r->s, rc, "numbering attendance IDs");
}

/* Load week w's entries into r->e, renumbered, and store its rosters. */
static cc_err feed_write_week(rollup *r, cc_roster_feed *f, fweek *w, const uint32_t *map, const uint32_t *cmap)
{
    if (w->total > r->cap) {
        free(r->e);
        r->cap = w->total;
        r->e = cc_xmalloc(r->cap * sizeof *r->e);
    }
    r->n = 0;
    if (w->nc && fflush(f->tmp) != 0)
        goto io;
    for (size_t k = 0; k < w->nc; k++) {
        if (fseeko(f->tmp, (off_t)w->c[k].off, SEEK_SET) != 0 ||
            fread(r->e + r->n, sizeof *r->e, w->c[k].n, f->tmp) != w->c[k].n)
            goto io;
        r->n += w->c[k].n;
    }
    if (w->n)
        memcpy(r->e + r->n, w->e, w->n * sizeof *w->e);
    r->n += w->n;
    for (size_t i = 0; i < r->n; i++) {
        wentry *e = &r->e[i];
        e->comm = cmap[e->comm];
        e->p = map[e->p];
        e->h = map[e->h];
    }
    char week[11];
    cc_day_format(w->monday, week);
    return write_week(r, week);
io:
    cc_error("%s: building attendance rosters: cannot read the temporary file", r->s->path);
    return CC_ERR_IO;
}

cc_err cc_store_rollup_feed(cc_store *s, cc_day from, cc_day to, cc_roster_feed *f)
{
    double t0 = mono();
    feed_finish(f);
    feed_prepare_ids(f);        /* done by the feed's thread unless unthreaded */
    double t1 = mono(), t2 = t1, t3 = t1;
    size_t nids = 0;
    if (f->over || f->fail || to < from) {
        cc_verbose("%s: attendance rosters: reading every week back", s->path);
        cc_roster_feed_free(f);
        return cc_store_rollup_weeks(s, from, to);
    }
    rollup r;
    cc_err err;
    int own;
    uint32_t *map = NULL, *cmap = NULL;
    char w0[11], w1[11];
    cc_day first = cc_week_monday(from), last = cc_week_monday(to);
    cc_day_format(first, w0);
    cc_day_format(last, w1);
    if ((err = rollup_open(&r, s, &own)) != CC_OK)
        goto out;
    if ((err = note_weeks_with_rosters(&r, f, w0, w1)) != CC_OK)
        goto out;
    if (f->nrb)
        qsort(f->rb, f->nrb, sizeof *f->rb, cmp_day);
    map = cc_xmalloc(((size_t)f->ids.n + 1) * sizeof *map);
    t2 = mono();
    if ((err = number_ids(&r, f, map)) != CC_OK)
        goto out;
    t3 = mono();
    nids = f->ids.n;
    cc_intern_release(&f->ids);
    /* the feed's community numbers -> the rollup's */
    cmap = cc_xmalloc(((size_t)f->comms.n + 1) * sizeof *cmap);
    for (uint32_t i = 0; i < f->comms.n; i++) {
        size_t len;
        const char *t = cc_intern_text(&f->comms, i, &len);
        cmap[i] = comm_index(&r, t, len);
    }
    if (f->nw)
        qsort(f->w, f->nw, sizeof *f->w, cmp_fweek);
    size_t fast = 0, nrb = 0;
    for (size_t k = 0; k < f->nw && !err; k++) {
        fweek *w = &f->w[k];
        if (is_readback(f, w->monday))
            continue;
        if ((err = interrupted(s)) != CC_OK)
            break;
        err = feed_write_week(&r, f, w, map, cmap);
        free(w->e);
        w->e = NULL;
        fast++;
    }
    if (!err) {
        /* the weeks read back: rebuilt as cc_store_rollup_weeks does */
        int rc = f->nrb ? prep(&r, "DELETE FROM attendance_weeks WHERE week = ?1", &r.del) : SQLITE_OK;
        if (rc != SQLITE_OK)
            err = cc_store_err(s, rc, "building attendance rosters");
        for (size_t k = 0; k < f->nrb && !err; k++) {
            cc_day m = f->rb[k];
            if ((k && m == f->rb[k - 1]) || m < first || m > last)
                continue;
            nrb++;
            char week[11];
            cc_day_format(m, week);
            sqlite3_bind_text(r.del, 1, week, 10, SQLITE_STATIC);
            rc = sqlite3_step(r.del);
            sqlite3_reset(r.del);
            if (rc != SQLITE_DONE)
                err = cc_store_err(s, rc, "building attendance rosters");
            else if (!(err = interrupted(s)))
                err = build_week(&r, m);
        }
    }
    cc_verbose("%s: attendance rosters: %zu weeks from the rows in hand, %zu read back", s->path, fast, nrb);
    if (getenv("CARECARD_INGEST_TIMING"))
        fprintf(stderr, "carecard: timing rosters: feed thread %.3f s CPU (storing thread waited %.3f s), feed finish %.3f s, weeks with rosters %.3f s, ids %.3f s (%zu), weeks %.3f s (sort %.3f s, sql %.3f s)\n",
                f->cpu, f->waited, t1 - t0, t2 - t1, t3 - t2, nids, mono() - t3, t_sort, t_sql);
out:
    free(map);
    free(cmap);
    cc_roster_feed_free(f);
    return rollup_close(&r, own, err);
}
