/* rollup_ids — the roster feed's IDs numbered in ids: sorted in SQLite's
 * BINARY order, merged with one range scan of the index on ids.id, and the
 * new ones numbered many to an INSERT.
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

/* The text of the feed's ID k against an ids row's text s (its first 8 bytes
 * big-endian in key): <0, 0, >0 in BINARY order. */
static int cmp_row(const idkey *k, const cc_intern *t, uint64_t key, const char *s, size_t len)
{
    uint64_t kk = (uint64_t)k->khi << 32 | k->klo;
    if (kk != key)
        return kk < key ? -1 : 1;
    size_t n;
    const char *x = cc_intern_text(t, k->id, &n);
    int c = memcmp(x, s, n < len ? n : len);
    return c ? c : n < len ? -1 : n > len;
}

/* map[local no] = ids.no for every ID the feed numbered.
 *
 * The feed's IDs (f->k, in BINARY order) are merged with one range scan of
 * the index on ids.id, from the first of them on: an ID met there takes its
 * number, the others (map 0) are then numbered max(no) + 1, + 2, ... in text
 * order, exactly as one INSERT each (rowid = max + 1) would.  When ids is
 * empty there is nothing to scan: every ID is new.  Memory: the feed's map
 * only (nothing grows with the IDs of the database). */
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
        /* one cursor over the index, from the feed's first ID */
        rc = rollup_prep(r, "SELECT id, no FROM ids WHERE id >= ?1 ORDER BY id", &q);
        if (rc != SQLITE_OK)
            return cc_store_err(r->s, rc, "numbering attendance IDs");
        size_t len;
        const char *t = cc_intern_text(&f->ids, k[0].id, &len);
        sqlite3_bind_text(q, 1, t, (int)len, SQLITE_STATIC);
        size_t i = 0;
        while (i < n && (rc = sqlite3_step(q)) == SQLITE_ROW) {
            const unsigned char *s = sqlite3_column_text(q, 0);
            size_t slen = (size_t)sqlite3_column_bytes(q, 0);
            uint64_t key = 0;
            for (size_t j = 0; j < 8; j++)
                key = key << 8 | (j < slen ? s[j] : 0);
            int c;
            while ((c = cmp_row(&k[i], &f->ids, key, (const char *)s, slen)) < 0)
                if (++i == n)
                    break;
            if (i < n && c == 0) {
                sqlite3_int64 no = sqlite3_column_int64(q, 1);
                if (no <= 0 || no > (sqlite3_int64)UINT32_MAX) {
                    sqlite3_finalize(q);
                    cc_error("%s: attendance ID number %lld out of range", r->s->path, (long long)no);
                    return CC_ERR_DB;
                }
                map[k[i].id + 1] = (uint32_t)no;
                missing--;
                i++;
            }
        }
        if (i < n && rc != SQLITE_DONE) {
            sqlite3_finalize(q);
            return cc_store_err(r->s, rc, "numbering attendance IDs");
        }
        sqlite3_finalize(q);
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
