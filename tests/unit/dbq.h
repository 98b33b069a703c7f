/* tests/unit/dbq.h — one value of an SQL query on a test's database, asserting
 * that the query prepares and returns a row.  Include after <cmocka.h> and
 * "store/store.h" (or "carecard.h"). */
#ifndef CC_TEST_DBQ_H
#define CC_TEST_DBQ_H

#include <sqlite3.h>
#include <stdio.h>

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

/* The first column of the first row as text, "(null)" for NULL (a static
 * buffer, overwritten by the next call). */
static inline const char *scalar_text(cc_store *s, const char *sql)
{
    static char buf[1024];
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(s->db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    const unsigned char *t = sqlite3_column_text(st, 0);
    snprintf(buf, sizeof buf, "%s", t ? (const char *)t : "(null)");
    sqlite3_finalize(st);
    return buf;
}

#endif
