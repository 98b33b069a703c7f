/* rollup_ids — the roster feed's IDs numbered in ids: sorted in SQLite's
 * BINARY order, looked up in one statement (the feed's IDs as a table-valued
 * function joined with ids), and the new ones numbered many to an INSERT.
 */
#include "store/rollup_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
void rollup_sort_idkeys(idkey *a, size_t n, const cc_intern *t)
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
            rollup_sort_idkeys(a, left, t);
            a += left;
            n -= left;
        } else {
            rollup_sort_idkeys(a + left, n - left, t);
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

/* ---- the feed's IDs as a table: cc_feed_ids(feed) ------------------------------
 * An eponymous table-valued function over f->k: one row per ID in text
 * order (rowid = its place in f->k), the feed given as a pointer
 * (sqlite3_bind_pointer), so that one statement joins them with ids. */
typedef struct {
    sqlite3_vtab_cursor base;
    const cc_roster_feed *f;
    size_t i, n;
} feedcur;

static int fv_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                      sqlite3_vtab **pp, char **err)
{
    (void)aux, (void)argc, (void)argv, (void)err;
    int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(id TEXT, feed HIDDEN)");
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_vtab *t = sqlite3_malloc(sizeof *t);
    if (!t)
        return SQLITE_NOMEM;
    memset(t, 0, sizeof *t);
    *pp = t;
    return SQLITE_OK;
}

static int fv_disconnect(sqlite3_vtab *t)
{
    sqlite3_free(t);
    return SQLITE_OK;
}

/* the feed argument is required */
static int fv_best_index(sqlite3_vtab *t, sqlite3_index_info *ix)
{
    (void)t;
    for (int i = 0; i < ix->nConstraint; i++)
        if (ix->aConstraint[i].iColumn == 1 && ix->aConstraint[i].op == SQLITE_INDEX_CONSTRAINT_EQ) {
            if (!ix->aConstraint[i].usable)
                return SQLITE_CONSTRAINT;
            ix->aConstraintUsage[i].argvIndex = 1;
            ix->aConstraintUsage[i].omit = 1;
            ix->estimatedCost = 1e6;
            ix->estimatedRows = 1000000;
            return SQLITE_OK;
        }
    return SQLITE_CONSTRAINT;
}

static int fv_open(sqlite3_vtab *t, sqlite3_vtab_cursor **pp)
{
    (void)t;
    feedcur *c = sqlite3_malloc(sizeof *c);
    if (!c)
        return SQLITE_NOMEM;
    memset(c, 0, sizeof *c);
    *pp = &c->base;
    return SQLITE_OK;
}

static int fv_close(sqlite3_vtab_cursor *c)
{
    sqlite3_free(c);
    return SQLITE_OK;
}

static int fv_filter(sqlite3_vtab_cursor *cur, int idxnum, const char *idxstr, int argc, sqlite3_value **argv)
{
    (void)idxnum, (void)idxstr;
    feedcur *c = (feedcur *)cur;
    c->f = argc ? sqlite3_value_pointer(argv[0], "cc_roster_feed") : NULL;
    c->i = 0;
    c->n = c->f ? c->f->ids.n : 0;
    return SQLITE_OK;
}

static int fv_next(sqlite3_vtab_cursor *cur)
{
    ((feedcur *)cur)->i++;
    return SQLITE_OK;
}

static int fv_eof(sqlite3_vtab_cursor *cur)
{
    const feedcur *c = (const feedcur *)cur;
    return c->i >= c->n;
}

static int fv_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
    const feedcur *c = (const feedcur *)cur;
    if (col == 0) {
        size_t len;
        const char *t = cc_intern_text(&c->f->ids, c->f->k[c->i].id, &len);
        sqlite3_result_text(ctx, t, (int)len, SQLITE_STATIC);
    } else
        sqlite3_result_null(ctx);
    return SQLITE_OK;
}

static int fv_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
    *rowid = (sqlite3_int64)((const feedcur *)cur)->i;
    return SQLITE_OK;
}

static const sqlite3_module feed_ids_module = {
    .xConnect = fv_connect,
    .xBestIndex = fv_best_index,
    .xDisconnect = fv_disconnect,
    .xOpen = fv_open,
    .xClose = fv_close,
    .xFilter = fv_filter,
    .xNext = fv_next,
    .xEof = fv_eof,
    .xColumn = fv_column,
    .xRowid = fv_rowid,
};

/* map[local no] = ids.no for every ID the feed numbered.
 *
 * The feed's IDs (f->k, in BINARY order) are joined with ids in one
 * statement: a seek in the index on ids.id each, in text order, so that the
 * pages come one after the other (a statement per ID cost twice as much; a
 * merge with one range scan of the index steps through all of it, ~5 times
 * as many entries as a week has IDs: in between).  An ID found takes its
 * number; the others (map 0) are then numbered max(no) + 1, + 2, ... in text
 * order, exactly as one INSERT each (rowid = max + 1) would.  When ids is
 * empty there is nothing to look up.  Memory: the feed's map only (nothing
 * grows with the IDs of the database). */
cc_err rollup_number_ids(rollup *r, cc_roster_feed *f, uint32_t *map)
{
    sqlite3_stmt *q, *qm = NULL;
    int rc = rollup_prep(r, "SELECT max(no) FROM ids", &q);
    if (rc != SQLITE_OK)
        return cc_store_err(r->s, rc, "numbering attendance IDs");
    rc = sqlite3_step(q);
    sqlite3_int64 max = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    sqlite3_finalize(q);
    if (rc != SQLITE_ROW)
        return cc_store_err(r->s, rc, "numbering attendance IDs");
    size_t n = f->ids.n;
    const idkey *k = f->k;
    map[0] = 0;
    for (size_t i = 0; i < n; i++)
        map[k[i].id + 1] = 0;
    size_t missing = n;
    if (max > 0 && n) {
        /* one statement: a seek in the index on ids.id per ID, in text order */
        rc = sqlite3_create_module_v2(r->s->db, "cc_feed_ids", &feed_ids_module, NULL, NULL);
        if (rc == SQLITE_OK)
            rc = rollup_prep(r, "SELECT f.rowid, ids.no FROM cc_feed_ids(?1) AS f CROSS JOIN ids ON ids.id = f.id", &q);
        if (rc != SQLITE_OK)
            return cc_store_err(r->s, rc, "numbering attendance IDs");
        sqlite3_bind_pointer(q, 1, f, "cc_roster_feed", NULL);
        while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
            sqlite3_int64 i = sqlite3_column_int64(q, 0), no = sqlite3_column_int64(q, 1);
            if (i < 0 || (size_t)i >= n || no <= 0 || no > (sqlite3_int64)UINT32_MAX) {
                sqlite3_finalize(q);
                cc_error("%s: attendance ID number %lld out of range", r->s->path, (long long)no);
                return CC_ERR_DB;
            }
            map[k[i].id + 1] = (uint32_t)no;
            missing--;
        }
        sqlite3_finalize(q);
        if (rc != SQLITE_DONE)
            return cc_store_err(r->s, rc, "numbering attendance IDs");
    }
    if (!missing)
        return CC_OK;
    if (max < 0 || (sqlite3_int64)missing > (sqlite3_int64)UINT32_MAX - max) {
        cc_error("%s: attendance ID number %lld out of range", r->s->path, (long long)max + (long long)missing);
        return CC_ERR_DB;
    }
    /* the new IDs numbered in text order, so that the table is appended to
     * (and, when ids was empty, its index too: in first-seen order the
     * index inserts land all over it: 4 us each) */
    {
        cc_buf sql = CC_BUF_INIT;
        /* OR FAIL: no statement journal (an ABORT would have SQLite copy
         * each page the INSERT changes to a temporary file first); a failure
         * fails the whole run, which rolls back */
        cc_buf_adds(&sql, "INSERT OR FAIL INTO ids (no, id) VALUES (?, ?)");
        rc = rollup_prep(r, sql.s, &q);
        for (int i = 1; i < IDS_MANY; i++)
            cc_buf_adds(&sql, ", (?, ?)");
        if (rc == SQLITE_OK && missing >= IDS_MANY)
            rc = rollup_prep(r, sql.s, &qm);
        cc_buf_release(&sql);
        if (rc != SQLITE_OK) {
            sqlite3_finalize(q);
            return cc_store_err(r->s, rc, "numbering attendance IDs");
        }
    }
    sqlite3_int64 next = max + 1;
    rc = SQLITE_DONE;
    for (size_t i = 0; missing && rc == SQLITE_DONE;) {
        sqlite3_stmt *st = missing >= IDS_MANY ? qm : q;
        size_t m = st == qm ? IDS_MANY : 1;
        for (size_t j = 0; j < m; i++) {
            if (map[k[i].id + 1])
                continue;
            size_t len;
            const char *t = cc_intern_text(&f->ids, k[i].id, &len);
            sqlite3_bind_int64(st, (int)(2 * j + 1), next);
            sqlite3_bind_text(st, (int)(2 * j + 2), t, (int)len, SQLITE_STATIC);
            map[k[i].id + 1] = (uint32_t)next++;
            j++;
        }
        missing -= m;
        rc = sqlite3_step(st);
        sqlite3_reset(st);
    }
    sqlite3_finalize(q);
    sqlite3_finalize(qm);
    return rc == SQLITE_DONE ? CC_OK : cc_store_err(r->s, rc, "numbering attendance IDs");
}

/* Load week w's entries into r->e, renumbered, and store its rosters. */
