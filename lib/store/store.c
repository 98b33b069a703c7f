/* store — open/create the database, schema and migrations, transactions. */
#include "store/db.h"
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "store/schema.inc"   /* cc_schema_sql, built from schema.sql */

/* A new database (version 0, an empty file) is created by the schema at the
 * current version.  Migrations: migrations[v] brings a version-v database
 * to v+1 (SQL, then a C step).  They must also work on a database whose
 * tables the current schema already made (IF NOT EXISTS). */
static cc_err rosters_build(cc_store *s);

static const struct {
    const char *sql;
    cc_err (*step)(cc_store *s);
} migrations[] = {
    {NULL, NULL},           /* 0: the schema */
    /* 1 -> 2: windows by date without a community (KANO answers of a period,
     * the data-quality sheet) are found by index, not by scanning history */
    {"CREATE INDEX IF NOT EXISTS survey_responses_date ON survey_responses(date);"
     "CREATE INDEX IF NOT EXISTS plausibility_date ON plausibility(date);"
     "CREATE INDEX IF NOT EXISTS rejects_date ON rejects(date);", NULL},
    /* 2 -> 3: attendance rosters (rollup.c) so that measures never re-read
     * raw attendance, and special children found by a partial index */
    {"CREATE TABLE IF NOT EXISTS ids (no INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE);"
     "CREATE TABLE IF NOT EXISTS attendance_weeks (week TEXT NOT NULL, community_id TEXT NOT NULL,"
     " roster BLOB NOT NULL, PRIMARY KEY (week, community_id)) WITHOUT ROWID;"
     "CREATE INDEX IF NOT EXISTS attendance_special ON attendance(participant_id) WHERE special = 1;",
     rosters_build},
    /* 3 -> 4: partners are split from activities.partners where they are
     * read (text/list.c); the split copy cost ingest a row per partner */
    {"DROP TABLE IF EXISTS activity_partners;", NULL},
    /* 4 -> 5: attendance is a rowid table with a unique index for its key
     * (a big file appends its rows and rebuilds the index by sorting,
     * instead of inserting each row at its place in the key's order) */
    {"CREATE TABLE attendance_v5 (activity_id TEXT NOT NULL, participant_id TEXT NOT NULL,"
     " household_id TEXT, role TEXT NOT NULL, special INTEGER, name TEXT,"
     " file_id INTEGER NOT NULL, line INTEGER NOT NULL);"
     "INSERT INTO attendance_v5 SELECT activity_id, participant_id, household_id, role, special, name,"
     " file_id, line FROM attendance;"
     "DROP TABLE attendance;"
     "ALTER TABLE attendance_v5 RENAME TO attendance;"
     "CREATE UNIQUE INDEX attendance_key ON attendance(activity_id, participant_id);"
     "CREATE INDEX attendance_special ON attendance(participant_id) WHERE special = 1;", NULL},
    /* 5 -> 6: the rectification ledger (ledger.c): items recorded by the
     * reports, entries read back from returned ledgers */
    {"CREATE TABLE IF NOT EXISTS ledger_items (item_id TEXT PRIMARY KEY, period_kind TEXT NOT NULL,"
     " community_id TEXT NOT NULL, indicator_id TEXT NOT NULL, opened TEXT NOT NULL, deadline TEXT NOT NULL,"
     " level TEXT NOT NULL, state TEXT, closed TEXT, recorded_at TEXT NOT NULL) WITHOUT ROWID;"
     "CREATE TABLE IF NOT EXISTS ledger_entries (item_id TEXT PRIMARY KEY, measures TEXT, owner TEXT,"
     " planned TEXT, progress TEXT, done TEXT, note TEXT, file_id INTEGER NOT NULL, line INTEGER NOT NULL)"
     " WITHOUT ROWID;", NULL},
};
#define NMIGRATIONS (sizeof migrations / sizeof migrations[0])

/* The rosters of every week with activities. */
static cc_err rosters_build(cc_store *s)
{
    sqlite3_stmt *st;
    cc_day lo = 0, hi = -1;
    int rc = sqlite3_prepare_v2(s->db, "SELECT min(date), max(date) FROM activities", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return cc_store_err(s, rc, "building attendance rosters");
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        const char *a = (const char *)sqlite3_column_text(st, 0), *b = (const char *)sqlite3_column_text(st, 1);
        if (cc_parse_date(a, strlen(a), &lo) != CC_PARSE_OK || cc_parse_date(b, strlen(b), &hi) != CC_PARSE_OK) {
            lo = 0;
            hi = -1;
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return cc_store_err(s, rc, "building attendance rosters");
    if (hi < lo)
        return CC_OK;
    cc_verbose("%s: schema version 3: building the attendance rosters", s->path);
    return cc_store_rollup_weeks(s, lo, hi);
}

/* The busy timeout: CC_BUSY_TIMEOUT_MS, or the tuning's busy_timeout_ms
 * ($CARECARD_BUSY_TIMEOUT_MS, tests). */
static int busy_timeout_ms(void)
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
    sqlite3_busy_timeout(s->db, busy_timeout_ms());
    return ok;
}

/* The database as it should be between runs: WAL, synchronous=NORMAL.  A
 * bulk load in progress (rollback journal, cc_store_bulk_begin) holds the
 * file: then, and if it cannot be switched for another reason of locking,
 * keep the rollback journal, fully synchronous, without waiting: the
 * bulk load, or the next open for writing, restores WAL.  After a crash
 * during a bulk load, the first read of this connection has rolled the hot
 * journal back; this puts the WAL back. */
static int wal_mode(cc_store *s)
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
    int ms = busy_timeout_ms() < 2000 ? busy_timeout_ms() : 2000;
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
                 s->path, what, busy_timeout_ms() / 1000.0);
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

static int user_version(cc_store *s)
{
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    return v;
}

static cc_err migrate_in(cc_store *s);

static cc_err migrate(cc_store *s)
{
    int v = user_version(s);
    if (v < 0)
        return cc_store_err(s, sqlite3_errcode(s->db), "reading the schema version");
    if (v > CC_SCHEMA_VERSION) {
        cc_error("%s: database schema version %d is newer than this carecard (%d)",
                 s->path, v, CC_SCHEMA_VERSION);
        return CC_ERR_DB;
    }
    if (v == CC_SCHEMA_VERSION)
        return CC_OK;
    /* 4 -> 5 copies the attendance table: through a rollback journal (the
     * copy's pages are new, so they are not journaled), not the WAL, which
     * would hold a second copy until the checkpoint */
    int bulk = v > 0 && v < 5 && cc_store_bulk_begin(s);
    cc_err e = migrate_in(s);
    if (bulk)
        cc_store_bulk_end(s);
    return e;
}

static cc_err migrate_in(cc_store *s)
{
    int v;
    cc_err e = cc_store_begin(s);
    if (e)
        return e;
    /* Re-read under the write lock: another process may have migrated. */
    v = user_version(s);
    if (v == 0) {
        if ((e = cc_store_exec(s, cc_schema_sql)) != CC_OK)
            goto fail;
        v = CC_SCHEMA_VERSION;
    }
    for (; v < CC_SCHEMA_VERSION && (size_t)v < NMIGRATIONS; v++) {
        if ((e = cc_store_exec(s, migrations[v].sql)) != CC_OK ||
            (migrations[v].step && (e = migrations[v].step(s)) != CC_OK))
            goto fail;
    }
    if (v != CC_SCHEMA_VERSION) {
        cc_error("%s: no migration from schema version %d", s->path, v);
        e = CC_ERR_DB;
        goto fail;
    }
    {
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v);
        if ((e = cc_store_exec(s, sql)) != CC_OK)
            goto fail;
    }
    return cc_store_commit(s);
fail:
    cc_store_rollback(s);
    return e;
}

/* SQLite calls this every few thousand VM steps: a SIGINT/SIGTERM (cmd/ sets
 * cc_interrupted) then aborts even a long query with SQLITE_INTERRUPT, so an
 * interrupted run stops promptly and rolls back. */
static int interrupt_check(void *unused)
{
    (void)unused;
    return cc_interrupted != 0;
}

#define RECOVERED 0x100   /* cc_store_open: the hot journal was just rolled back */
#define IMMUTABLE 0x200   /* cc_store_open: on a read-only file system */
#ifndef CC_PAGE_SIZE
#define CC_PAGE_SIZE "16384"
#endif

cc_store *cc_store_open(const char *path, int flags, cc_err *err)
{
    cc_err dummy;
    if (!err)
        err = &dummy;
    *err = CC_OK;
    struct stat st;
    int exists = stat(path, &st) == 0;
    if (!exists && !(flags & CC_STORE_CREATE)) {
        cc_error("%s: no such database (run 'carecard ingest' first)", path);
        *err = CC_ERR_NOTFOUND;
        return NULL;
    }
    if (!exists) {
        /* Create the file ourselves so it is 0600 whatever the umask. */
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0 && errno != EEXIST) {
            cc_error("%s: cannot create database: %s", path, strerror(errno));
            *err = CC_ERR_IO;
            return NULL;
        }
        if (fd >= 0)
            close(fd);
    }
    cc_store *s = cc_xcalloc(1, sizeof *s);
    s->path = cc_xstrdup(path);
    int oflags = (flags & CC_STORE_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    char *uri = NULL;
    if (flags & IMMUTABLE) {
        cc_buf u = CC_BUF_INIT;
        cc_buf_adds(&u, "file:");
        for (const char *p = path; *p; p++)
            if (*p == '%' || *p == '?' || *p == '#')
                cc_buf_addf(&u, "%%%02X", (unsigned char)*p);
            else
                cc_buf_addc(&u, *p);
        cc_buf_adds(&u, "?immutable=1");
        uri = cc_buf_detach(&u);
        oflags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI;
    }
    int rc = sqlite3_open_v2(uri ? uri : path, &s->db, oflags | SQLITE_OPEN_NOMUTEX, NULL);
    free(uri);
    if (rc != SQLITE_OK) {
        cc_error("%s: cannot open database: %s", path, s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
        *err = CC_ERR_DB;
        cc_store_close(s);
        return NULL;
    }
    sqlite3_busy_timeout(s->db, busy_timeout_ms());
    sqlite3_progress_handler(s->db, 10000, interrupt_check, NULL);
    sqlite3_extended_result_codes(s->db, 1);
    /* Not a database at all? */
    rc = sqlite3_exec(s->db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
    if ((flags & CC_STORE_READONLY) && !(flags & RECOVERED) &&
        (rc == SQLITE_READONLY_ROLLBACK || rc == SQLITE_READONLY_RECOVERY || rc == SQLITE_READONLY_CANTINIT)) {
        /* a bulk load was killed (hot rollback journal) or a WAL must be
         * recovered: a read-only connection cannot; a read-write one rolls
         * back at its first read (and is put back in WAL mode, nothing
         * else: no migration), then read-only again */
        sqlite3 *w = NULL;
        cc_verbose("%s: recovering after an interrupted write", path);
        if (sqlite3_open_v2(path, &w, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK) {
            sqlite3_busy_timeout(w, busy_timeout_ms());
            if (sqlite3_exec(w, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) == SQLITE_OK)
                sqlite3_exec(w, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
        }
        sqlite3_close_v2(w);
        cc_store_close(s);
        return cc_store_open(path, flags | RECOVERED, err);
    }
    struct statvfs vfs;
    if (rc != SQLITE_OK && !(flags & IMMUTABLE) && statvfs(path, &vfs) == 0 && (vfs.f_flag & ST_RDONLY)) {
        /* a read-only file system: SQLite cannot create the -shm file a WAL
         * database needs; nothing can change the file through this mount, so
         * it is read as immutable (docs/decisions.md) */
        cc_verbose("%s: on a read-only file system: opened read-only", path);
        cc_store_close(s);
        return cc_store_open(path, flags | IMMUTABLE | CC_STORE_READONLY, err);
    }
    if (rc != SQLITE_OK) {
        int base = rc & 0xff;
        *err = cc_store_err(s, rc, base == SQLITE_NOTADB || base == SQLITE_CORRUPT ? "not a carecard database"
                                                                                : "cannot read the database");
        cc_store_close(s);
        return NULL;
    }
    /* (before a migration: building the rosters looks IDs up) */
    sqlite3_exec(s->db, "PRAGMA foreign_keys=OFF; PRAGMA temp_store=FILE; PRAGMA cache_size=-65536;",
                 NULL, NULL, NULL);
    if (!(flags & CC_STORE_READONLY)) {
        /* a new database: 16 KiB pages (before the first table; an existing
         * database keeps its page size) */
        if (!exists || st.st_size == 0)
            sqlite3_exec(s->db, "PRAGMA page_size=" CC_PAGE_SIZE, NULL, NULL, NULL);
        rc = wal_mode(s);
        if (rc != SQLITE_OK) {
            *err = cc_store_err(s, rc, "setting WAL mode");
            cc_store_close(s);
            return NULL;
        }
        if ((*err = migrate(s)) != CC_OK) {
            cc_store_close(s);
            return NULL;
        }
    } else if (user_version(s) != CC_SCHEMA_VERSION) {
        cc_error("%s: database schema version %d, expected %d", path, user_version(s), CC_SCHEMA_VERSION);
        *err = CC_ERR_DB;
        cc_store_close(s);
        return NULL;
    }
    return s;
}

int cc_store_owns(const cc_store *s, const char *path)
{
    struct stat p, d;
    if (stat(path, &p) != 0)
        return 0;
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof suffix / sizeof *suffix; i++) {
        char *q = cc_xasprintf("%s%s", s->path, suffix[i]);
        int same = stat(q, &d) == 0 && d.st_dev == p.st_dev && d.st_ino == p.st_ino;
        free(q);
        if (same)
            return 1;
    }
    return 0;
}

void cc_store_close(cc_store *s)
{
    if (!s)
        return;
    if (s->db)
        sqlite3_close_v2(s->db);
    free(s->path);
    free(s);
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
