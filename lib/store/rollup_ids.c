/* rollup_ids — the roster feed's IDs numbered in ids: sorted in SQLite's
 * BINARY order, then looked up (or, when ids is empty, numbered) many to
 * a statement.
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

/* map[local no] = ids.no for every ID the feed numbered. */
cc_err rollup_number_ids(rollup *r, cc_roster_feed *f, uint32_t *map)
{
    sqlite3_stmt *q;
    int rc = rollup_prep(r, "SELECT max(no) FROM ids", &q);
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
            if (!(map[f->k[i].id + 1] = rollup_id_lookup(r, t, len, &err)) && !err)
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
        rc = rollup_prep(r, sql.s, &q);
        for (int i = 1; i < IDS_MANY; i++)
            cc_buf_adds(&sql, ", (?, ?)");
        if (rc == SQLITE_OK)
            rc = rollup_prep(r, sql.s, &qm);
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
