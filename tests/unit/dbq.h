/* tests/unit/dbq.h — one value of an SQL query on a test's database, asserting
 * that the query prepares and returns a row.  Include after <cmocka.h> and
 * "store/store.h" (or "carecard.h"). */
#ifndef CC_TEST_DBQ_H
#define CC_TEST_DBQ_H

#include <sqlite3.h>

/* The first column of the first row, as an integer. */
static inline long long scalar(cc_store *s, const char *sql)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(s->db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long long v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

#endif
