/* store/open — open or create the database (mode 0600), recover after an
 * interrupted write, read-only file systems, and the schema and its
 * migrations (PRAGMA user_version). */
#include "store/store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
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
    /* 6 -> 7: raw statuses kept between runs (raw_status.c) */
    {"CREATE TABLE IF NOT EXISTS raw_statuses (period_to TEXT NOT NULL, period_kind INTEGER NOT NULL,"
     " period_from TEXT NOT NULL, config BLOB NOT NULL, statuses BLOB NOT NULL,"
     " PRIMARY KEY (period_to, period_kind, period_from, config)) WITHOUT ROWID;", NULL},
    /* 7 -> 8: the values of past periods' windows kept beside them */
    {"CREATE TABLE IF NOT EXISTS period_values (period_to TEXT NOT NULL, period_kind INTEGER NOT NULL,"
     " period_from TEXT NOT NULL, config BLOB NOT NULL, vals BLOB NOT NULL,"
     " PRIMARY KEY (period_to, period_kind, period_from, config)) WITHOUT ROWID;", NULL},
    /* 8 -> 9: both as rowid tables with their key in an index: in a WITHOUT
     * ROWID table the blob was part of the key's b-tree, and each
     * comparison of a seek read a whole row (a province's week: 14 MB).
     * Derived data: dropped, computed again by the next run. */
    {"DROP TABLE IF EXISTS raw_statuses; DROP TABLE IF EXISTS period_values;"
     "CREATE TABLE raw_statuses (period_to TEXT NOT NULL, period_kind INTEGER NOT NULL,"
     " period_from TEXT NOT NULL, config BLOB NOT NULL, statuses BLOB NOT NULL,"
     " UNIQUE (period_to, period_kind, period_from, config));"
     "CREATE TABLE period_values (period_to TEXT NOT NULL, period_kind INTEGER NOT NULL,"
     " period_from TEXT NOT NULL, config BLOB NOT NULL, vals BLOB NOT NULL,"
     " UNIQUE (period_to, period_kind, period_from, config));", NULL},
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

/* "file:PATH?immutable=1" with %, ? and # escaped (caller frees). */
static char *immutable_uri(const char *path)
{
    cc_buf u = CC_BUF_INIT;
    cc_buf_adds(&u, "file:");
    for (const char *p = path; *p; p++)
        if (*p == '%' || *p == '?' || *p == '#')
            cc_buf_addf(&u, "%%%02X", (unsigned char)*p);
        else
            cc_buf_addc(&u, *p);
    cc_buf_adds(&u, "?immutable=1");
    return cc_buf_detach(&u);
}

/* An opened database made ready: pragmas, and for writing WAL mode and the
 * migrations (fresh: a new, empty file); read-only, the schema version
 * checked.  Errors printed. */
static cc_err ready(cc_store *s, int flags, int fresh)
{
    /* (before a migration: building the rosters looks IDs up) */
    sqlite3_exec(s->db, "PRAGMA foreign_keys=OFF; PRAGMA temp_store=FILE; PRAGMA cache_size=-65536;",
                 NULL, NULL, NULL);
    if (!(flags & CC_STORE_READONLY)) {
        /* a new database: 16 KiB pages (before the first table; an existing
         * database keeps its page size).  The cache size again after it:
         * SQLite turned the -65536 KiB above into pages of the default 4 KiB
         * and kept that number of pages for the new size, a 256 MB cache
         * (the peak of a cold ingest of a year's inbox) */
        if (fresh)
            sqlite3_exec(s->db, "PRAGMA page_size=" CC_PAGE_SIZE "; PRAGMA cache_size=-65536;", NULL, NULL, NULL);
        int rc = store_wal_mode(s);
        if (rc != SQLITE_OK)
            return cc_store_err(s, rc, "setting WAL mode");
        return migrate(s);
    } else if (user_version(s) != CC_SCHEMA_VERSION) {
        cc_error("%s: database schema version %d, expected %d", s->path, user_version(s), CC_SCHEMA_VERSION);
        return CC_ERR_DB;
    }
    return CC_OK;
}

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
        uri = immutable_uri(path);
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
    sqlite3_busy_timeout(s->db, store_busy_timeout_ms());
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
            sqlite3_busy_timeout(w, store_busy_timeout_ms());
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
    if ((*err = ready(s, flags, !exists || st.st_size == 0)) != CC_OK) {
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

static int reader_interrupt(void *unused)
{
    (void)unused;
    return cc_interrupted != 0;
}

cc_store *cc_store_open_reader(cc_store *s)
{
    const char *file = sqlite3_db_filename(s->db, "main");
    sqlite3 *db = NULL;
    if (!sqlite3_get_autocommit(s->db) || !file || !*file ||
        sqlite3_open_v2(file, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        sqlite3_close_v2(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 30000);
    sqlite3_progress_handler(db, 10000, reader_interrupt, NULL);
    sqlite3_extended_result_codes(db, 1);
    /* sorts spill to files, as on s (a quarter's survey answers sorted by
     * community: 80 MB in memory) */
    if (sqlite3_exec(db, "PRAGMA temp_store=FILE; PRAGMA cache_size=-8192; BEGIN;"
                         " SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) != SQLITE_OK) {
        sqlite3_close_v2(db);
        return NULL;
    }
    cc_store *r = cc_xcalloc(1, sizeof *r);
    r->db = db;
    r->path = cc_xstrdup(s->path ? s->path : file);
    return r;
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

