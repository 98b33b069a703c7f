/* store/ledger — the rectification ledger's entries, read back from
 * returned ledgers (written by ingest/ledger_in.c, read by the reports). */
#include "store/db.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

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
