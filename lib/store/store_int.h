/* store/store_int.h — private to store.c and open.c: what opening the
 * database shares with the transactions and the journal mode. */
#ifndef CC_STORE_STORE_INT_H
#define CC_STORE_STORE_INT_H

#include "store/db.h"
#include "store/store.h"

/* The busy timeout in ms: CC_BUSY_TIMEOUT_MS, or the tuning's busy_timeout_ms. */
int store_busy_timeout_ms(void);
/* PRAGMA journal_mode=WAL (synchronous=NORMAL); the SQLite result. */
int store_wal_mode(cc_store *s);

#endif
