/* store — the SQLite database: open/create (mode 0600), schema and
 * migrations (PRAGMA user_version), transactions, the ingest log.
 * The schema is lib/store/schema.sql; measure/ reads the same tables.
 */
#ifndef CC_STORE_H
#define CC_STORE_H

#include "base/base.h"
#include <sqlite3.h>

#define CC_SCHEMA_VERSION 2
#define CC_BUSY_TIMEOUT_MS 30000

typedef struct cc_store {
    sqlite3 *db;
    char *path;
} cc_store;

enum { CC_STORE_READONLY = 1, CC_STORE_CREATE = 2 };

/* Open (and with CC_STORE_CREATE create, mode 0600, and migrate) the database.
 * WAL mode, foreign keys off, busy timeout CC_BUSY_TIMEOUT_MS.
 * Errors are printed; returns NULL. Caller frees with cc_store_close. */
cc_store *cc_store_open(const char *path, int flags, cc_err *err);
void cc_store_close(cc_store *s);

/* BEGIN IMMEDIATE (waits on the lock up to the busy timeout: CC_ERR_BUSY),
 * COMMIT, ROLLBACK. */
cc_err cc_store_begin(cc_store *s);
cc_err cc_store_commit(cc_store *s);
void cc_store_rollback(cc_store *s);

/* Run SQL with no result rows; prints the SQLite error and returns CC_ERR_DB. */
cc_err cc_store_exec(cc_store *s, const char *sql);
/* Map an SQLite result code to cc_err (SQLITE_BUSY → CC_ERR_BUSY ...). */
cc_err cc_store_err(cc_store *s, int rc, const char *what);

/* Last ingest time ('YYYY-MM-DDTHH:MM:SSZ', caller frees) or NULL. */
char *cc_store_last_ingest(cc_store *s);

#endif
