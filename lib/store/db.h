/* store/db.h — the SQLite connection behind a cc_store.
 *
 * Only the layers whose job is SQL include this header: store/ (schema,
 * transactions, the ingest log, rosters, the ledger, status and audit
 * queries), ingest/ (writing rows) and measure/ (reading them).  score/,
 * report/ and cmd/ reach the database through named functions of those
 * layers; tests/e2e/test_layers.py checks that they do not include it.
 */
#ifndef CC_STORE_DB_H
#define CC_STORE_DB_H

#include "store/store.h"
#include <sqlite3.h>

struct cc_store {
    sqlite3 *db;
    char *path;
};

#endif
