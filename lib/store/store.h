/* store — the SQLite database: open/create (mode 0600), schema and
 * migrations (PRAGMA user_version), transactions, the ingest log, and the
 * attendance rosters derived from the base tables (rollup.c).
 * The schema is lib/store/schema.sql; measure/ reads the same tables.
 */
#ifndef CC_STORE_H
#define CC_STORE_H

#include "base/base.h"
#include "text/text.h"

#define CC_SCHEMA_VERSION 9
#define CC_BUSY_TIMEOUT_MS 30000

/* The database handle: opaque outside lib/ (carecard.h does not expose
 * SQLite).  The layers whose job is SQL (store/ itself, ingest/ writing,
 * measure/ reading) include store/db.h for the connection. */
typedef struct cc_store cc_store;

enum { CC_STORE_READONLY = 1, CC_STORE_CREATE = 2 };

/* Open (and with CC_STORE_CREATE create, mode 0600, and migrate) the database.
 * WAL mode, foreign keys off, busy timeout CC_BUSY_TIMEOUT_MS.
 * Errors are printed; returns NULL. Caller frees with cc_store_close. */
cc_store *cc_store_open(const char *path, int flags, cc_err *err);
void cc_store_close(cc_store *s);
/* A second connection to s's file, read-only, in one read transaction, for
 * another thread to read beside s (its own 8 MB page cache, temporary
 * storage on file; stopped by cc_interrupted); NULL, quietly, when it
 * cannot be had or s is inside a transaction of its own (the reader could
 * not see its changes).  Close it with cc_store_close. */
cc_store *cc_store_open_reader(cc_store *s);

/* Is path the database file or one of its -wal, -shm, -journal files (the
 * same file, by device and inode; only stat(), never open())?  Nothing but
 * SQLite may open them: closing any other descriptor of a file drops every
 * POSIX lock this process holds on it, and another process could then write
 * into the middle of our transaction. */
int cc_store_owns(const cc_store *s, const char *path);

/* BEGIN IMMEDIATE (waits on the lock up to the busy timeout: CC_ERR_BUSY),
 * COMMIT, ROLLBACK. */
cc_err cc_store_begin(cc_store *s);
cc_err cc_store_commit(cc_store *s);
void cc_store_rollback(cc_store *s);

/* Bulk load (ingest of big files): a rollback journal (journal_mode=DELETE,
 * synchronous=FULL: each commit durable) instead of the WAL, so the pages a
 * load appends to the file are written once (no WAL copy, no checkpoint).
 * Only possible when no other connection has the database open; returns 1
 * when switched, 0 when it stays in WAL (said with cc_verbose).
 * cc_store_bulk_end goes back to WAL (synchronous=NORMAL) if the database
 * is not in WAL mode (every ingest calls it at its end: an ingest that ran
 * while another one's bulk load held the file restores WAL too); if another
 * connection prevents it, the next open for writing does it. */
int cc_store_bulk_begin(cc_store *s);
void cc_store_bulk_end(cc_store *s);

/* BEGIN IMMEDIATE for a write that a read command may do without (the audit
 * record of scorecard and report): 1 when begun; 0 when the database cannot
 * be written (read-only file, directory or file system, locked by another
 * process past the busy timeout, disk full), said in one notice
 * "<db>: <what> skipped: <cause>"; -1 on another error (printed). */
int cc_store_begin_optional(cc_store *s, const char *what);
/* SQLite's message for rc with its system error when there is one. */
const char *cc_store_cause(cc_store *s, int rc);

/* Run SQL with no result rows; prints the SQLite error and returns CC_ERR_DB. */
cc_err cc_store_exec(cc_store *s, const char *sql);
/* Map an SQLite result code to cc_err (SQLITE_BUSY → CC_ERR_BUSY ...). */
cc_err cc_store_err(cc_store *s, int rc, const char *what);

/* Last ingest time ('YYYY-MM-DDTHH:MM:SSZ', caller frees) or NULL. */
char *cc_store_last_ingest(cc_store *s);

/* ---- the rectification ledger (schema.sql: ledger_entries) ---------------
 * lib/store/ledger.c.  An entry is what a street office filled in for an item;
 * every field may be NULL (never filled in). */
typedef struct {
    char *item_id;
    char *measures, *owner, *planned, *progress, *done, *note;
} cc_ledger_entry;
/* Every stored entry, sorted by item_id (caller frees with cc_ledger_entries_free). */
cc_err cc_store_ledger_entries(cc_store *s, cc_ledger_entry **out, size_t *n);
void cc_ledger_entries_free(cc_ledger_entry *e, size_t n);
/* The entry of item id in a sorted array, or NULL. */
const cc_ledger_entry *cc_ledger_entry_find(const cc_ledger_entry *e, size_t n, const char *id);

/* ---- attendance rosters (schema.sql: ids, attendance_weeks) --------------
 * attendance_weeks.roster is an array of CC_ROSTER_ENTRY-byte entries, one per
 * distinct (participant no, household no or 0, flags) of the community-week's
 * completed activities, sorted by participant no, household no, flags. */
#define CC_ROSTER_ENTRY 10
enum {
    CC_ROSTER_CHILD = 1,        /* role 'child' */
    CC_ROSTER_VOLUNTEER = 2,    /* role 'volunteer' */
    CC_ROSTER_SPECIAL = 4,      /* special = 1 */
    CC_ROSTER_KNOWN = 8         /* special IS NOT NULL */
};

typedef struct {
    uint32_t participant;       /* ids.no */
    uint32_t household;         /* ids.no, 0 = no household_id */
    unsigned flags;             /* CC_ROSTER_* */
    unsigned days;              /* bit d: attended on the week's Monday + d */
} cc_roster_entry;

/* Entry i of a roster blob. */
static inline void cc_roster_get(const unsigned char *blob, size_t i, cc_roster_entry *e)
{
    const unsigned char *p = blob + i * CC_ROSTER_ENTRY;
    e->participant = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    e->household = (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24;
    e->flags = p[8];
    e->days = p[9];
}

/* The Monday of day's week. */
static inline cc_day cc_week_monday(cc_day day)
{
    return day - (cc_day)((((long)day + 3) % 7 + 7) % 7);
}

/* Rebuild attendance_weeks for every week (Monday to Sunday) that overlaps
 * [from, to] from activities and attendance, numbering new IDs in ids.  Runs
 * inside the caller's transaction (on error the caller rolls it back), or in
 * one of its own when there is none.  Memory is bounded by one week's rows
 * and a cache of ID numbers (at most ~100 MB).  Errors are printed. */
cc_err cc_store_rollup_weeks(cc_store *s, cc_day from, cc_day to);

/* ---- rosters from the rows in hand (an attendance file) --------------------
 * The ingest of an attendance file hands every row it stores for a COMPLETED
 * activity to a feed; a thread of the feed numbers the IDs (in memory) and
 * files the entries by week (spilled to a temporary file past a bound).
 * cc_store_rollup_feed then writes the rosters of the weeks that had none
 * before straight from those entries, and rebuilds the others by reading
 * them back (cc_store_rollup_weeks): the weeks that already had rosters, the
 * weeks marked with cc_roster_feed_readback (a stored row was replaced), and
 * every week when the feed gave up (too many IDs for its memory bound).
 * One thread feeds (the storing thread); the feed's own thread is the only
 * other one that touches it. */
typedef struct cc_roster_feed cc_roster_feed;
/* threaded = 0: the entries are filed on the calling thread. */
cc_roster_feed *cc_roster_feed_new(int threaded);
/* The feed's number of a community_id (once per activity, not per row). */
uint32_t cc_roster_feed_community(cc_roster_feed *f, const char *s, size_t len);
/* A stored attendance row of a completed activity on day; h NULL = no
 * household; flags CC_ROSTER_*. */
void cc_roster_feed_row(cc_roster_feed *f, cc_day day, uint32_t comm, const char *p, size_t pn,
                        const char *h, size_t hn, unsigned flags);
/* No more rows (optional; before the table's indexes are rebuilt): the
 * feed's thread sorts the IDs meanwhile. */
void cc_roster_feed_end(cc_roster_feed *f);
/* day's week must be read back (a row stored before was replaced). */
void cc_roster_feed_readback(cc_roster_feed *f, cc_day day);
/* Like cc_store_rollup_weeks(s, from, to) for the attendance file that fed
 * f ([from, to] covers every day it touched); frees f. */
cc_err cc_store_rollup_feed(cc_store *s, cc_day from, cc_day to, cc_roster_feed *f);
/* Stops and frees a feed that is not used (an ingest that failed). */
void cc_roster_feed_free(cc_roster_feed *f);

/* ---- the audit record (audit.c) ---------------------------------
 * schema.sql: warning_log.  What a report recorded of its warnings, replaced per period and unit.
 * One row: a unit's warning (or resolved warning) on one indicator;
 * borrowed strings. */
typedef struct {
    const char *indicator_id;
    const char *status, *level;   /* "red", "yellow", ... (cc_status_name, cc_colour_name) */
    double value;                 /* NAN: stored as NULL */
    double target;
    int run, rectify;
    const char *change;           /* NULL: stored as NULL */
    const char *explanation;      /* NULL: stored as "" */
} cc_audit_row;
/* One unit and its rows (borrowed until the next call of the fill). */
typedef struct {
    const char *unit_level, *unit_id;
    const cc_audit_row *rows;
    size_t nrows;
} cc_audit_unit;
/* Fills *out with unit u's rows (u = 0 .. nunits - 1). */
typedef void (*cc_audit_fill)(void *arg, size_t u, cc_audit_unit *out);
/* Replace the audit record of period_id for nunits units in one transaction:
 * each unit's stored rows (period_id, unit_level, unit_id) are deleted and
 * the rows fill gives inserted, recorded_at the current UTC time.  An
 * unwritable database skips it with one notice "<db>: the audit record of
 * <period_id> skipped: <cause>" and returns CC_OK (cc_store_begin_optional);
 * other errors are printed and roll back. */
cc_err cc_store_audit_put(cc_store *s, const char *period_id, size_t nunits, cc_audit_fill fill, void *arg);
/* ---- status (status.c) ---- */
/* What the database holds, for `carecard status`.  Text fields are NULL
 * where the database holds NULL. */
#define CC_STORE_STATUS_KINDS 12
typedef struct {
    char *name, *kind, *encoding;
    char *ingested_at;              /* "YYYY-MM-DDTHH:MM:SSZ" (UTC) as stored */
    long long accepted, rejected;   /* rows stored and rejected */
    int replaced;                   /* superseded by a later version of the file */
} cc_store_status_file;
typedef struct {
    const char *kind;               /* "communities", "survey answers", "rejected rows" … (static) */
    long long rows;
} cc_store_status_count;
typedef struct {
    char *id;
    char *name;                     /* latest name in the register; NULL: not in it */
    char *lo, *hi;                  /* first and last date of its dated rows; NULL: none */
    char *kinds;                    /* "activities 12, feedback 3" (kinds in name order) */
} cc_store_status_community;
typedef struct {
    cc_store_status_file *files; size_t nfiles;             /* by file_id */
    cc_store_status_count counts[CC_STORE_STATUS_KINDS];    /* only read when nfiles > 0 */
    cc_store_status_community *communities; size_t ncommunities;  /* by ID; only when nfiles > 0 */
} cc_store_status;
/* Read it all (errors printed; out left empty).  Release with cc_store_status_release. */
cc_err cc_store_status_read(cc_store *s, cc_store_status *out);
void cc_store_status_release(cc_store_status *st);
/* The database's file name as given to cc_store_open (borrowed until close). */
const char *cc_store_path(const cc_store *s);
/* ---- facts for the reports (facts.c) ---- */
/* The last day on or before `to` with activity data, "YYYY-MM-DD" into out
 * (len bytes); "" when there is none or the query fails. */
void cc_store_last_activity(cc_store *s, cc_day to, char *out, size_t len);
/* Gives back what a finished scorecard computation left: SQLite's unused
 * page-cache memory of the connection and the free heap (malloc_trim), so
 * that the next one (a report's next scorecard, a ledger look-back's next
 * block) does not grow the peak on top of it. */
void cc_store_release_memory(cc_store *s);
/* For a connection whose remaining reads are scans, each page read once (a
 * report's per-community queries after its scorecards): SQLite's page cache
 * (and sorter) limited to 16 MB instead of 64, which they would fill for
 * nothing on top of what the report holds. */
void cc_store_scan_cache(cc_store *s);

/* ---- raw statuses kept between runs (raw_status.c) ---- */
/* A period's raw statuses (one byte per community and indicator, a blob the
 * score layer writes and reads) are kept under a key that folds in what they
 * depend on besides the dated rows; ingest forgets the periods a file can
 * have changed. */
typedef struct {
    int kind;                   /* cc_period_kind */
    cc_day from, to;
    const unsigned char *blob;
    size_t len;
    int values;                 /* 0 the statuses, 1 the windows' values (period_values) */
} cc_raw_period;
/* Whether the connection is inside a transaction of its own. */
int cc_store_in_transaction(cc_store *s);
/* PRAGMA data_version: changes when another connection commits. */
int64_t cc_store_data_version(cc_store *s);
/* The key of the statuses computed with the configuration whose SHA-256 is
 * config, on the registers and kinds of rows the database holds now. */
cc_err cc_store_raw_key(cc_store *s, const unsigned char config[32], unsigned char key[32]);
/* The kept statuses of one period under key (*blob malloc'd; NULL when none). */
cc_err cc_store_raw_get(cc_store *s, const unsigned char key[32], int kind, cc_day from, cc_day to,
                        unsigned char **blob, size_t *len);
/* Keep p[0 .. n) under key, dropping those of every other key; only when no
 * other connection committed since data_version was `version`, and without
 * waiting for a lock (best effort: says why under -v when it does not). */
/* The kept window values of one period under key (the same way); has:
 * whether there are. */
int cc_store_values_has(cc_store *s, const unsigned char key[32], int kind, cc_day from, cc_day to);
cc_err cc_store_values_get(cc_store *s, const unsigned char key[32], int kind, cc_day from, cc_day to,
                           unsigned char **blob, size_t *len);
void cc_store_raw_put(cc_store *s, const unsigned char key[32], int64_t version, const cc_raw_period *p, size_t n);
/* Inside an ingest's transaction: forget the periods ending on or after
 * `from` (all: every period). */
cc_err cc_store_raw_forget(cc_store *s, cc_day from, int all);

#endif
