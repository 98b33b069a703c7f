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
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

/* ---- text -> number, a bounded cache in front of the ids table ------------
 * Open addressing (at most 3/4 full) over 16-byte slots: an ID of up to 11
 * bytes (the usual) is kept in its slot, so a lookup touches one cache line;
 * a longer one lives NUL-terminated in an arena, its slot holding the
 * offset.  One cache per community (rows come by activity, so a table of a
 * few thousand IDs is hot); the city's 2.5 M IDs take ~64 MB; past
 * ID_CACHE_BYTES the caches are emptied between weeks and refilled from the
 * ids table. */
#define INLINE_MAX 11

typedef struct {
    uint32_t no;            /* 0 = empty slot */
    uint8_t len;            /* the text's length, 255 = 255 or more */
    char k[INLINE_MAX];     /* len <= INLINE_MAX: the text; else its arena offset (4 bytes) */
} islot;

typedef struct {
    islot *slot;
    size_t cap, n;          /* cap: power of two */
    char *arena;
    size_t alen, acap;
} idcache;

#ifndef ID_CACHE_BYTES
#define ID_CACHE_BYTES ((size_t)96 << 20)
#endif

static uint32_t hash_text(const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

static void idcache_release(idcache *c)
{
    free(c->slot);
    free(c->arena);
    memset(c, 0, sizeof *c);
}

static const char *slot_text(const idcache *c, const islot *e, size_t *len)
{
    if (e->len <= INLINE_MAX) {
        *len = e->len;
        return e->k;
    }
    uint32_t off;
    memcpy(&off, e->k, sizeof off);
    *len = strlen(c->arena + off);
    return c->arena + off;
}

static void idcache_grow(idcache *c)
{
    size_t ncap = c->cap ? c->cap * 2 : 64;
    islot *ns = cc_xcalloc(ncap, sizeof *ns);
    for (size_t i = 0; i < c->cap; i++) {
        if (!c->slot[i].no)
            continue;
        size_t len;
        const char *t = slot_text(c, &c->slot[i], &len);
        size_t j = hash_text(t, len) & (ncap - 1);
        while (ns[j].no)
            j = (j + 1) & (ncap - 1);
        ns[j] = c->slot[i];
    }
    free(c->slot);
    c->slot = ns;
    c->cap = ncap;
}

/* The slot of text (s, len, no NUL inside): its number, or the empty slot to
 * fill.  Makes room first. */
static islot *idcache_find(idcache *c, const char *s, size_t len, uint32_t h)
{
    if ((c->n + 1) * 4 > c->cap * 3)
        idcache_grow(c);
    size_t j = h & (c->cap - 1);
    uint8_t l8 = (uint8_t)(len < 255 ? len : 255);
    for (;;) {
        islot *e = &c->slot[j];
        if (!e->no)
            return e;
        if (e->len == l8) {
            if (len <= INLINE_MAX) {
                if (!memcmp(e->k, s, len))
                    return e;
            } else {
                uint32_t off;
                memcpy(&off, e->k, sizeof off);
                const char *t = c->arena + off;
                if (!memcmp(t, s, len) && t[len] == '\0')
                    return e;
            }
        }
        j = (j + 1) & (c->cap - 1);
    }
}

/* Fill the empty slot e (from idcache_find, no call in between). */
static void idcache_put(idcache *c, islot *e, const char *s, size_t len, uint32_t h, uint32_t no)
{
    (void)h;
    e->len = (uint8_t)(len < 255 ? len : 255);
    if (len <= INLINE_MAX) {
        memcpy(e->k, s, len);
    } else {
        if (c->alen + len + 1 > c->acap) {
            c->acap = (c->alen + len + 1) + (c->alen + len + 1) / 2 + 256;
            c->arena = cc_xrealloc(c->arena, c->acap);
        }
        uint32_t off = (uint32_t)c->alen;
        memcpy(c->arena + c->alen, s, len);
        c->arena[c->alen + len] = '\0';
        memcpy(e->k, &off, sizeof off);
        c->alen += len + 1;
    }
    e->no = no;
    c->n++;
}

static size_t idcache_bytes(const idcache *c)
{
    return c->cap * sizeof *c->slot + c->acap;
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
    idcache comms;          /* the communities seen: number = index + 1 */
    char **comm_id;         /* index -> community_id */
    size_t *comm_len;
    idcache *ids;           /* index -> the participant and household numbers
                             * met in the community: small tables, so that the
                             * ~20 rows of an activity hit one of them */
    size_t ncomm, comm_cap;
    wentry *e;
    size_t n, cap;
    unsigned char *blob;
    size_t blob_cap;
} rollup;

static const char rows_sql[] =
    "SELECT a.community_id, a.date, t.participant_id, t.household_id, t.role, t.special"
    " FROM activities a CROSS JOIN attendance t ON t.activity_id = a.activity_id"
    " WHERE a.date BETWEEN ?1 AND ?2 AND a.status = 'completed'";

/* The number of an ID, numbering it in ids when new; 0 on error. */
static uint32_t id_no(rollup *r, idcache *c, const char *s, size_t len, cc_err *err)
{
    /* an ID with a NUL inside (only SQL can store one) bypasses the cache */
    int plain = !memchr(s, '\0', len) && c->alen + len < UINT32_MAX;
    uint32_t h = 0;
    islot *e = NULL;
    if (plain) {
        h = hash_text(s, len);
        e = idcache_find(c, s, len, h);
        if (e->no)
            return e->no;
    }
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
    if (plain)
        idcache_put(c, e, s, len, h, (uint32_t)no);
    return (uint32_t)no;
}

/* The week's index of a community_id. */
static uint32_t comm_index(rollup *r, const char *s, size_t len)
{
    int plain = !memchr(s, '\0', len);
    uint32_t h = 0;
    islot *e = NULL;
    if (plain) {
        h = hash_text(s, len);
        e = idcache_find(&r->comms, s, len, h);
        if (e->no)
            return e->no - 1;
    } else {                /* a NUL inside (only SQL can store one): search */
        for (size_t i = 0; i < r->ncomm; i++)
            if (r->comm_len[i] == len && !memcmp(r->comm_id[i], s, len))
                return (uint32_t)i;
    }
    if (r->ncomm == r->comm_cap) {
        r->comm_cap = r->comm_cap ? r->comm_cap * 2 : 1024;
        r->comm_id = cc_xrealloc(r->comm_id, r->comm_cap * sizeof *r->comm_id);
        r->comm_len = cc_xrealloc(r->comm_len, r->comm_cap * sizeof *r->comm_len);
        r->ids = cc_xrealloc(r->ids, r->comm_cap * sizeof *r->ids);
    }
    memset(&r->ids[r->ncomm], 0, sizeof *r->ids);
    r->comm_id[r->ncomm] = cc_xmalloc(len + 1);
    memcpy(r->comm_id[r->ncomm], s, len);
    r->comm_id[r->ncomm][len] = '\0';
    r->comm_len[r->ncomm] = len;
    r->ncomm++;
    if (plain)
        idcache_put(&r->comms, e, s, len, h, (uint32_t)r->ncomm);
    return (uint32_t)(r->ncomm - 1);
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

static void put_u32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

/* Sort and merge the week's entries; one roster row per community. */
static cc_err write_week(rollup *r, const char *week)
{
    if (!r->n)
        return CC_OK;
    qsort(r->e, r->n, sizeof *r->e, cmp_wentry);
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
        const char *cid = r->comm_id[r->e[i].comm];
        sqlite3_bind_text(r->put, 1, week, 10, SQLITE_STATIC);
        sqlite3_bind_text(r->put, 2, cid, (int)r->comm_len[r->e[i].comm], SQLITE_STATIC);
        sqlite3_bind_blob(r->put, 3, r->blob, (int)len, SQLITE_STATIC);
        int rc = sqlite3_step(r->put);
        sqlite3_reset(r->put);
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
    for (size_t i = 0; i < r->ncomm; i++)
        bytes += idcache_bytes(&r->ids[i]);
    if (bytes > ID_CACHE_BYTES)
        for (size_t i = 0; i < r->ncomm; i++)
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
            last = r->comm_id[lastcomm];
            lastlen = cmlen;
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

cc_err cc_store_rollup_weeks(cc_store *s, cc_day from, cc_day to)
{
    rollup r = {.s = s};
    cc_err err = CC_OK;
    char w0[11], w1[11];
    int rc;

    if (to < from)
        return CC_OK;
    cc_day first = cc_week_monday(from), last = cc_week_monday(to);
    cc_day_format(first, w0);
    cc_day_format(last, w1);
    /* Not a savepoint inside the caller's transaction: SQLite would keep
     * every page the rebuild changes in a sub-journal (in memory with
     * temp_store=MEMORY: 600 MB for the city).  The caller rolls back. */
    int own = sqlite3_get_autocommit(s->db);
    if (own && (err = cc_store_begin(s)) != CC_OK)
        return err;
    rc = prep(&r, "DELETE FROM attendance_weeks WHERE week BETWEEN ?1 AND ?2", &r.del);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(r.del, 1, w0, -1, SQLITE_STATIC);
        sqlite3_bind_text(r.del, 2, w1, -1, SQLITE_STATIC);
        rc = sqlite3_step(r.del);
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
    if (rc == SQLITE_OK)
        rc = prep(&r, rows_sql, &r.rows);
    if (rc == SQLITE_OK)
        rc = prep(&r, "SELECT no FROM ids WHERE id = ?1", &r.id_get);
    if (rc == SQLITE_OK)
        rc = prep(&r, "INSERT INTO ids (id) VALUES (?1)", &r.id_put);
    if (rc == SQLITE_OK)
        rc = prep(&r, "INSERT INTO attendance_weeks (week, community_id, roster) VALUES (?1, ?2, ?3)", &r.put);
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
        for (cc_day w = first; w <= last && !err; w += 7) {
            if (cc_interrupted) {
                cc_error("%s: building attendance rosters: interrupted", s->path);
                err = CC_ERR_INTERRUPTED;
                break;
            }
            err = build_week(&r, w);
        }
    }
out:
    sqlite3_finalize(r.del);
    sqlite3_finalize(r.rows);
    sqlite3_finalize(r.id_get);
    sqlite3_finalize(r.id_put);
    sqlite3_finalize(r.put);
    for (size_t i = 0; i < r.ncomm; i++) {
        free(r.comm_id[i]);
        idcache_release(&r.ids[i]);
    }
    free(r.ids);
    free(r.comm_id);
    free(r.comm_len);
    free(r.e);
    free(r.blob);
    idcache_release(&r.comms);
    if (err) {
        if (own)
            cc_store_rollback(s);
        return err;
    }
    return own ? cc_store_commit(s) : CC_OK;
}
