/* store — transactions, the journal mode (WAL, or a rollback journal for a
 * bulk load), errors, the ingest log.  Opening and migrating: open.c. */
#include "store/store_int.h"

#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/statvfs.h>
#include <unistd.h>
/* The busy timeout: CC_BUSY_TIMEOUT_MS, or the tuning's busy_timeout_ms
 * ($CARECARD_BUSY_TIMEOUT_MS, tests). */
int store_busy_timeout_ms(void)
{
    long ms = cc_tuning_get()->busy_timeout_ms;
    return ms > 0 && ms <= INT_MAX ? (int)ms : CC_BUSY_TIMEOUT_MS;
}

/* PRAGMA journal_mode=mode with the busy timeout set to busy_ms for it:
 * 1 when the database is then in that mode; *rc the SQLite result. */
static int set_journal(cc_store *s, const char *mode, int busy_ms, int *rc)
{
    char sql[48];
    sqlite3_stmt *st;
    int ok = 0;
    snprintf(sql, sizeof sql, "PRAGMA journal_mode=%s", mode);
    sqlite3_busy_timeout(s->db, busy_ms);
    *rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (*rc == SQLITE_OK) {
        *rc = sqlite3_step(st);
        if (*rc == SQLITE_ROW) {
            const char *got = (const char *)sqlite3_column_text(st, 0);
            ok = got && !strcasecmp(got, mode);
            *rc = SQLITE_OK;
        }
        sqlite3_finalize(st);
    }
    sqlite3_busy_timeout(s->db, store_busy_timeout_ms());
    return ok;
}

/* The database as it should be between runs: WAL, synchronous=NORMAL.  A
 * bulk load in progress (rollback journal, cc_store_bulk_begin) holds the
 * file: then, and if it cannot be switched for another reason of locking,
 * keep the rollback journal, fully synchronous, without waiting: the
 * bulk load, or the next open for writing, restores WAL.  After a crash
 * during a bulk load, the first read of this connection has rolled the hot
 * journal back; this puts the WAL back. */
int store_wal_mode(cc_store *s)
{
    int rc;
    if (set_journal(s, "wal", 0, &rc)) {
        sqlite3_exec(s->db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
        return SQLITE_OK;
    }
    sqlite3_exec(s->db, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
    int base = rc & 0xff;
    if (rc == SQLITE_OK || base == SQLITE_BUSY || base == SQLITE_LOCKED || base == SQLITE_READONLY) {
        cc_verbose("%s: not in WAL mode (another carecard run is loading a big file?)", s->path);
        return SQLITE_OK;
    }
    return rc;
}

int cc_store_bulk_begin(cc_store *s)
{
    int rc;
    if (set_journal(s, "delete", 0, &rc)) {
        sqlite3_exec(s->db, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
        return 1;
    }
    cc_verbose("%s: another connection has the database open: loading through the WAL", s->path);
    return 0;
}

void cc_store_bulk_end(cc_store *s)
{
    int rc;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode", -1, &st, NULL) == SQLITE_OK) {
        int wal = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) &&
                  !strcasecmp((const char *)sqlite3_column_text(st, 0), "wal");
        sqlite3_finalize(st);
        if (wal)
            return;
    }
    /* wait a little for readers that came during the load, not the whole
     * busy timeout: failing, the next open for writing switches */
    int ms = store_busy_timeout_ms() < 2000 ? store_busy_timeout_ms() : 2000;
    if (set_journal(s, "wal", ms, &rc))
        sqlite3_exec(s->db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
    else
        cc_verbose("%s: still in rollback-journal mode (another connection has it open); "
                   "the next carecard run puts it back in WAL mode", s->path);
}

/* Why the database cannot be written. */
static const char *readonly_why(cc_store *s)
{
    struct statvfs v;
    if (statvfs(s->path, &v) == 0 && (v.f_flag & ST_RDONLY))
        return "read-only file system";
    if (access(s->path, W_OK) != 0)
        return errno == EROFS ? "read-only file system" : "the database file is not writable";
    return "the database file or its directory is not writable";
}

/* SQLite's message for rc with the system error behind it when there is one
 * ("disk I/O error: No space left on device"); a static buffer. */
const char *cc_store_cause(cc_store *s, int rc)
{
    static _Thread_local char buf[256];
    const char *m = s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
    int base = rc & 0xff, se = s->db ? sqlite3_system_errno(s->db) : 0;
    if (base == SQLITE_READONLY && rc != SQLITE_READONLY_ROLLBACK && rc != SQLITE_READONLY_RECOVERY)
        snprintf(buf, sizeof buf, "%s (%s)", m, readonly_why(s));
    else if ((base == SQLITE_IOERR || base == SQLITE_CANTOPEN || base == SQLITE_FULL) && se > 0)
        snprintf(buf, sizeof buf, "%s: %s", m, strerror(se));
    else
        snprintf(buf, sizeof buf, "%s", m);
    return buf;
}

int cc_store_begin_optional(cc_store *s, const char *what)
{
    const char *cause = NULL;
    int rc = SQLITE_OK;
    if (sqlite3_db_readonly(s->db, "main") == 1)
        cause = readonly_why(s);
    else {
        rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
        if (rc == SQLITE_OK)
            return 1;
        int base = rc & 0xff;
        if (base == SQLITE_BUSY || base == SQLITE_LOCKED)
            cause = "the database is locked by another process";
        else if (base == SQLITE_READONLY || base == SQLITE_CANTOPEN || base == SQLITE_IOERR ||
                 base == SQLITE_FULL || base == SQLITE_PERM)
            cause = cc_store_cause(s, rc);
        else {
            cc_store_err(s, rc, what);
            return -1;
        }
    }
    cc_warn("%s: %s skipped: %s", s->path, what, cause);
    return 0;
}

cc_err cc_store_err(cc_store *s, int rc, const char *what)
{
    int base = rc & 0xff;
    if (base == SQLITE_BUSY || base == SQLITE_LOCKED) {
        cc_error("%s: %s: database is locked by another process (waited %.1f s)",
                 s->path, what, store_busy_timeout_ms() / 1000.0);
        return CC_ERR_BUSY;
    }
    if (base == SQLITE_FULL) {
        cc_error("%s: %s: disk full", s->path, what);
        return CC_ERR_IO;
    }
    if (base == SQLITE_IOERR || base == SQLITE_CANTOPEN || base == SQLITE_READONLY) {
        cc_error("%s: %s: %s", s->path, what, cc_store_cause(s, rc));
        return CC_ERR_IO;
    }
    if (base == SQLITE_INTERRUPT) {
        /* once: the prefetch's two connections are interrupted together */
        static atomic_flag said = ATOMIC_FLAG_INIT;
        if (!atomic_flag_test_and_set(&said))
            cc_error("%s: %s: interrupted", s->path, what);
        return CC_ERR_INTERRUPTED;
    }
    cc_error("%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
    return CC_ERR_DB;
}

cc_err cc_store_exec(cc_store *s, const char *sql)
{
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? CC_OK : cc_store_err(s, rc, "query");
}

cc_err cc_store_begin(cc_store *s)
{
    int rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    return rc == SQLITE_OK ? CC_OK : cc_store_err(s, rc, "starting a transaction");
}

cc_err cc_store_commit(cc_store *s)
{
    int rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        cc_err e = cc_store_err(s, rc, "commit");
        cc_store_rollback(s);
        return e;
    }
    return CC_OK;
}

int cc_store_in_transaction(cc_store *s)
{
    return !sqlite3_get_autocommit(s->db);
}

void cc_store_rollback(cc_store *s)
{
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

char *cc_store_last_ingest(cc_store *s)
{
    sqlite3_stmt *st;
    char *out = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT max(ingested_at) FROM files", -1, &st, NULL) != SQLITE_OK)
        return NULL;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        out = cc_xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
}

