/* store/raw_status — the raw statuses of past periods, and the values of
 * their windows, kept between runs (schema.sql: raw_statuses,
 * period_values; docs/performance.md, "Raw statuses kept").
 *
 * A period's raw statuses (and its windows' values) are a pure function of the rows dated in its
 * windows (which end on the period's last day), of the registers, of which
 * communities ever had a row of a kind, and of the configuration.  The last
 * three are folded into the key (cc_store_raw_key); the first is kept true
 * by ingest, which forgets every period ending on or after the earliest day
 * a file changed (cc_store_raw_forget) in the file's own transaction.  A run
 * stores what it computed only when no other connection committed since it
 * began reading (PRAGMA data_version), and never waits for a lock to do so. */
#include "store/db.h"
#include "store/store_int.h"

#include <nettle/sha2.h>
#include <stdlib.h>
#include <string.h>

int64_t cc_store_data_version(cc_store *s)
{
    sqlite3_stmt *q;
    int64_t v = -1;
    if (sqlite3_prepare_v2(s->db, "PRAGMA data_version", -1, &q, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return v;
}

/* Every row of q's single text column into h, each ended by a NUL. */
static int hash_rows(cc_store *s, struct sha256_ctx *h, const char *sql)
{
    sqlite3_stmt *q;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &q, NULL);
    if (rc != SQLITE_OK)
        return rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(q, 0);
        size_t n = (size_t)sqlite3_column_bytes(q, 0);
        sha256_update(h, n, t ? t : (const unsigned char *)"");
        sha256_update(h, 1, (const unsigned char *)"");
    }
    sqlite3_finalize(q);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

cc_err cc_store_raw_key(cc_store *s, const unsigned char config[32], unsigned char key[32])
{
    /* which communities ever had a row of each kind (measure/span:
     * cc_span_ever reads it over all dates): the rows of a kind, by community */
    static const struct {
        char tag;
        const char *rows;
    } ever[] = {
        {'s', "survey_responses r WHERE r.community_id"},
        {'a', "assessments r WHERE r.community_id"},
        {'t', "timebank r WHERE r.community_id"},
        {'f', "feedback r WHERE r.community_id"},
        {'p', "providers p JOIN trainings t ON t.provider_id = p.provider_id WHERE p.community_id"},
    };
    struct sha256_ctx h;
    char head[64];
    sha256_init(&h);
    int n = snprintf(head, sizeof head, "carecard raw statuses 1, schema %d", CC_SCHEMA_VERSION);
    sha256_update(&h, (size_t)n + 1, (const unsigned char *)head);
    sha256_update(&h, 32, config);
    /* the registers: the files that wrote them (a register changes only by a file) */
    int rc = hash_rows(s, &h, "SELECT kind || ' ' || sha256 FROM files WHERE kind IN ('communities', 'providers')"
                              " AND superseded_by IS NULL ORDER BY file_id");
    for (size_t i = 0; rc == SQLITE_OK && i < sizeof ever / sizeof *ever; i++) {
        char *sql = cc_xasprintf("SELECT '%c' || m.community_id FROM (SELECT DISTINCT community_id FROM communities) m"
                                 " WHERE EXISTS (SELECT 1 FROM %s = m.community_id) ORDER BY 1",
                                 ever[i].tag, ever[i].rows);
        rc = hash_rows(s, &h, sql);
        free(sql);
    }
    if (rc != SQLITE_OK)
        return cc_store_err(s, rc, "reading the registers");
    sha256_digest(&h, 32, key);
    return CC_OK;
}

/* Binds a kept period's key, ?1 .. ?4 of the statements below: its last
 * day, kind, first day and the key it is kept under (f and t: room for the
 * days, alive until the statement is). */
static void bind_period(sqlite3_stmt *q, const unsigned char key[32], int kind, cc_day from, cc_day to,
                        char f[11], char t[11])
{
    cc_day_format(from, f);
    cc_day_format(to, t);
    sqlite3_bind_text(q, 1, t, -1, SQLITE_STATIC);
    sqlite3_bind_int(q, 2, kind);
    sqlite3_bind_text(q, 3, f, -1, SQLITE_STATIC);
    sqlite3_bind_blob(q, 4, key, 32, SQLITE_STATIC);
}

/* The blob (column) of one period from table (raw_statuses or period_values). */
static cc_err kept_get(cc_store *s, const char *table, const char *column, const unsigned char key[32],
                       int kind, cc_day from, cc_day to, unsigned char **blob, size_t *len)
{
    sqlite3_stmt *q;
    char f[11], t[11];
    *blob = NULL;
    *len = 0;
    char *sql = cc_xasprintf("SELECT %s FROM %s WHERE period_to = ?1 AND period_kind = ?2"
                             " AND period_from = ?3 AND config = ?4", column, table);
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &q, NULL);
    free(sql);
    if (rc != SQLITE_OK)
        return cc_store_err(s, rc, "reading the kept statuses");
    bind_period(q, key, kind, from, to, f, t);
    if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        size_t n = (size_t)sqlite3_column_bytes(q, 0);
        *blob = cc_xmalloc(n + 1);
        if (n)
            memcpy(*blob, sqlite3_column_blob(q, 0), n);
        *len = n;
        rc = SQLITE_DONE;
    }
    sqlite3_finalize(q);
    return rc == SQLITE_DONE ? CC_OK : cc_store_err(s, rc, "reading the kept statuses");
}

int cc_store_values_has(cc_store *s, const unsigned char key[32], int kind, cc_day from, cc_day to)
{
    sqlite3_stmt *q;
    char f[11], t[11];
    if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM period_values WHERE period_to = ?1 AND period_kind = ?2"
                                  " AND period_from = ?3 AND config = ?4", -1, &q, NULL) != SQLITE_OK)
        return 0;
    bind_period(q, key, kind, from, to, f, t);
    int has = sqlite3_step(q) == SQLITE_ROW;
    sqlite3_finalize(q);
    return has;
}

cc_err cc_store_raw_get(cc_store *s, const unsigned char key[32], int kind, cc_day from, cc_day to,
                        unsigned char **blob, size_t *len)
{
    return kept_get(s, "raw_statuses", "statuses", key, kind, from, to, blob, len);
}

cc_err cc_store_values_get(cc_store *s, const unsigned char key[32], int kind, cc_day from, cc_day to,
                           unsigned char **blob, size_t *len)
{
    return kept_get(s, "period_values", "vals", key, kind, from, to, blob, len);
}

void cc_store_raw_put(cc_store *s, const unsigned char key[32], int64_t version, const cc_raw_period *p, size_t n)
{
    if (!n || sqlite3_db_readonly(s->db, "main") == 1)
        return;
    /* never wait: a run that cannot store them now computes them next time */
    sqlite3_busy_timeout(s->db, 0);
    int rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    sqlite3_busy_timeout(s->db, store_busy_timeout_ms());
    if (rc != SQLITE_OK) {
        cc_verbose("%s: the computed statuses are not kept: %s", s->path, sqlite3_errmsg(s->db));
        return;
    }
    if (cc_store_data_version(s) != version) {
        /* another connection committed while this run read: what it computed
         * may mix two states of the data */
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        cc_verbose("%s: the data changed during the run; the computed statuses are not kept", s->path);
        return;
    }
    sqlite3_stmt *del[2] = {NULL, NULL}, *ins[2] = {NULL, NULL}, *q;
    rc = SQLITE_OK;
    for (int t = 0; t < 2 && rc == SQLITE_OK; t++) {
        rc = sqlite3_prepare_v2(s->db, t ? "DELETE FROM period_values WHERE config <> ?1"
                                         : "DELETE FROM raw_statuses WHERE config <> ?1", -1, &del[t], NULL);
        if (rc == SQLITE_OK) {
            sqlite3_bind_blob(del[t], 1, key, 32, SQLITE_STATIC);
            rc = sqlite3_step(del[t]);
            rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
        }
        if (rc == SQLITE_OK)
            rc = sqlite3_prepare_v2(s->db, t ? "INSERT OR REPLACE INTO period_values (period_to, period_kind,"
                                               " period_from, config, vals) VALUES (?1, ?2, ?3, ?4, ?5)"
                                             : "INSERT OR REPLACE INTO raw_statuses (period_to, period_kind,"
                                               " period_from, config, statuses) VALUES (?1, ?2, ?3, ?4, ?5)",
                                    -1, &ins[t], NULL);
    }
    char fday[11], tday[11];
    for (size_t i = 0; rc == SQLITE_OK && i < n; i++) {
        q = ins[p[i].values != 0];
        bind_period(q, key, p[i].kind, p[i].from, p[i].to, fday, tday);
        sqlite3_bind_blob64(q, 5, p[i].blob, (sqlite3_uint64)p[i].len, SQLITE_STATIC);
        rc = sqlite3_step(q);
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
        sqlite3_reset(q);
    }
    for (int t = 0; t < 2; t++) {
        sqlite3_finalize(del[t]);
        sqlite3_finalize(ins[t]);
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        cc_verbose("%s: the computed statuses are not kept: %s", s->path, sqlite3_errmsg(s->db));
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return;
    }
    size_t nv = 0;
    for (size_t i = 0; i < n; i++)
        nv += p[i].values != 0;
    if (n > nv)
        cc_verbose("%s: kept the statuses of %zu period%s", s->path, n - nv, n - nv == 1 ? "" : "s");
    if (nv)
        cc_verbose("%s: kept the values of %zu period%s", s->path, nv, nv == 1 ? "" : "s");
}

cc_err cc_store_raw_forget(cc_store *s, cc_day from, int all)
{
    int rc = SQLITE_OK;
    char t[11];
    cc_day_format(from, t);
    for (int k = 0; k < 2 && rc == SQLITE_OK; k++) {
        const char *table = k ? "period_values" : "raw_statuses";
        char *sql = all ? cc_xasprintf("DELETE FROM %s", table)
                        : cc_xasprintf("DELETE FROM %s WHERE period_to >= ?1", table);
        sqlite3_stmt *q;
        rc = sqlite3_prepare_v2(s->db, sql, -1, &q, NULL);
        free(sql);
        if (rc != SQLITE_OK)
            break;
        if (!all)
            sqlite3_bind_text(q, 1, t, -1, SQLITE_STATIC);
        rc = sqlite3_step(q);
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
        sqlite3_finalize(q);
    }
    return rc == SQLITE_OK ? CC_OK : cc_store_err(s, rc, "forgetting the kept statuses");
}
