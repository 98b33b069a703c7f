/* store/audit — the audit record of the reports' warnings (schema.sql:
 * warning_log), replaced per period and unit. */
#include "store/db.h"
#include "store/store.h"

#include <math.h>
#include <stdlib.h>
#include <time.h>

/* Replace the stored rows of one unit with u's: DELETE, then INSERT each. */
static int audit_unit(sqlite3_stmt *del, sqlite3_stmt *ins, const char *period_id, const cc_audit_unit *u,
                      const char *now)
{
    int rc;
    sqlite3_bind_text(del, 1, period_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(del, 2, u->unit_level, -1, SQLITE_STATIC);
    sqlite3_bind_text(del, 3, u->unit_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(del);
    rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    sqlite3_reset(del);
    for (size_t i = 0; rc == SQLITE_OK && i < u->nrows; i++) {
        const cc_audit_row *w = &u->rows[i];
        sqlite3_bind_text(ins, 1, period_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 2, u->unit_level, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 3, u->unit_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 4, w->indicator_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 5, w->status, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 6, w->level, -1, SQLITE_STATIC);
        if (isnan(w->value)) sqlite3_bind_null(ins, 7);
        else sqlite3_bind_double(ins, 7, w->value);
        sqlite3_bind_double(ins, 8, w->target);
        sqlite3_bind_int(ins, 9, w->run);
        sqlite3_bind_int(ins, 10, w->rectify);
        sqlite3_bind_text(ins, 11, w->change, -1, SQLITE_STATIC);     /* NULL binds NULL */
        sqlite3_bind_text(ins, 12, w->explanation ? w->explanation : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 13, now, -1, SQLITE_STATIC);
        rc = sqlite3_step(ins);
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
        sqlite3_reset(ins);
    }
    return rc;
}

cc_err cc_store_audit_put(cc_store *s, const char *period_id, size_t nunits, cc_audit_fill fill, void *arg)
{
    static const char del_sql[] =
        "DELETE FROM warning_log WHERE period_id = ?1 AND unit_level = ?2 AND unit_id = ?3";
    static const char ins_sql[] =
        "INSERT OR REPLACE INTO warning_log (period_id, unit_level, unit_id, indicator_id, status,"
        " level, value, target, run, rectify, change, explanation, recorded_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
    sqlite3_stmt *del = NULL, *ins = NULL;
    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    cc_err e;
    int rc;

    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    /* a read-only or locked database: the scorecard stands, without its
     * audit record (docs/decisions.md) */
    char *what = cc_xasprintf("the audit record of %s", period_id);
    int begun = cc_store_begin_optional(s, what);
    free(what);
    if (begun <= 0)
        return begun < 0 ? CC_ERR_DB : CC_OK;
    rc = sqlite3_prepare_v2(s->db, del_sql, -1, &del, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(s->db, ins_sql, -1, &ins, NULL);
    for (size_t u = 0; rc == SQLITE_OK && u < nunits; u++) {
        cc_audit_unit au = {NULL, NULL, NULL, 0};
        fill(arg, u, &au);
        rc = audit_unit(del, ins, period_id, &au, now);
    }
    sqlite3_finalize(del);
    sqlite3_finalize(ins);
    if (rc != SQLITE_OK) {
        e = cc_store_err(s, rc, "recording warnings");
        cc_store_rollback(s);
        return e;
    }
    return cc_store_commit(s);
}
