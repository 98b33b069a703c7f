/* store/ledger — the rectification ledger's two tables: the items the
 * reports recorded (checked by ingest) and the entries read back from
 * returned ledgers (read by the reports). */
#include "store/db.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static char *col_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? cc_xstrdup((const char *)t) : NULL;
}

cc_err cc_store_ledger_entries(cc_store *s, cc_ledger_entry **out, size_t *n)
{
    sqlite3_stmt *st;
    size_t cap = 16;
    *out = NULL;
    *n = 0;
    int rc = sqlite3_prepare_v2(s->db, "SELECT item_id, measures, owner, planned, progress, done, note "
                                "FROM ledger_entries ORDER BY item_id", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return cc_store_err(s, rc, "reading the rectification ledger");
    cc_ledger_entry *v = cc_xcalloc(cap, sizeof *v);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap *= 2;
            v = cc_xrealloc(v, cap * sizeof *v);
        }
        cc_ledger_entry *e = &v[(*n)++];
        e->item_id = col_dup(st, 0);
        e->measures = col_dup(st, 1);
        e->owner = col_dup(st, 2);
        e->planned = col_dup(st, 3);
        e->progress = col_dup(st, 4);
        e->done = col_dup(st, 5);
        e->note = col_dup(st, 6);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        cc_ledger_entries_free(v, *n);
        *n = 0;
        return cc_store_err(s, rc, "reading the rectification ledger");
    }
    *out = v;
    return CC_OK;
}

void cc_ledger_entries_free(cc_ledger_entry *e, size_t n)
{
    for (size_t i = 0; e && i < n; i++) {
        free(e[i].item_id);
        free(e[i].measures);
        free(e[i].owner);
        free(e[i].planned);
        free(e[i].progress);
        free(e[i].done);
        free(e[i].note);
    }
    free(e);
}

const cc_ledger_entry *cc_ledger_entry_find(const cc_ledger_entry *e, size_t n, const char *id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t m = lo + (hi - lo) / 2;
        int c = strcmp(e[m].item_id, id);
        if (!c)
            return &e[m];
        if (c < 0)
            lo = m + 1;
        else
            hi = m;
    }
    return NULL;
}

cc_err cc_store_ledger_items_put(cc_store *s, const cc_ledger_item_rec *it, size_t n, long *changed)
{
    if (changed)
        *changed = 0;
    if (n == 0)
        return CC_OK;
    int b = cc_store_begin_optional(s, "recording the rectification items");
    if (b == 0)
        return CC_OK;
    if (b < 0)
        return CC_ERR_DB;
    char now[24];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db,
        "INSERT INTO ledger_items (item_id, period_kind, community_id, indicator_id, opened, deadline, level,"
        " state, closed, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(item_id) DO UPDATE SET"
        " opened = excluded.opened, deadline = excluded.deadline, level = excluded.level,"
        " state = excluded.state, closed = excluded.closed, recorded_at = excluded.recorded_at"
        " WHERE (opened, deadline, level, state, closed) IS NOT"
        " (excluded.opened, excluded.deadline, excluded.level, excluded.state, excluded.closed)", -1, &st, NULL);
    for (size_t i = 0; rc == SQLITE_OK && i < n; i++) {
        const char *v[8] = {it[i].item_id, it[i].period_kind, it[i].community_id, it[i].indicator_id,
                            it[i].opened, it[i].deadline, it[i].level, it[i].state};
        for (int k = 0; k < 8; k++)
            sqlite3_bind_text(st, k + 1, v[k], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 9, it[i].closed, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 10, now, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        if (rc == SQLITE_DONE && changed)
            *changed += sqlite3_changes(s->db);
        sqlite3_reset(st);
        if (rc == SQLITE_DONE)
            rc = SQLITE_OK;
    }
    if (st)
        sqlite3_finalize(st);
    if (rc != SQLITE_OK) {
        cc_err e = cc_store_err(s, rc, "recording the rectification items");
        cc_store_rollback(s);
        return e;
    }
    return cc_store_commit(s);
}
