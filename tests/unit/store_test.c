/* Unit tests of lib/store/status.c: cc_store_status_read on a small database
 * made here, every value worked out by hand from the rows inserted; the
 * page cache of a new database (open.c); the raw statuses kept between runs
 * (raw_status.c): kept only when no other connection committed since the
 * run began, never waiting for a lock, forgotten by day. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecard.h"
#include <sqlite3.h>

#define TMPDIR_TEMPLATE "/tmp/ccstoreXXXXXX"
#include "tmpdir.h"

static cc_store *open_db(const char *name)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    cc_err e = CC_OK;
    cc_store *s = cc_store_open(path, CC_STORE_CREATE, &e);
    assert_non_null(s);
    assert_int_equal(e, CC_OK);
    assert_string_equal(cc_store_path(s), path);
    return s;
}

/* A new database: no files, so nothing else is read. */
static void test_status_empty(void **state)
{
    (void)state;
    cc_store *s = open_db("empty.db");
    cc_store_status st;
    assert_int_equal(cc_store_status_read(s, &st), CC_OK);
    assert_int_equal(st.nfiles, 0);
    assert_int_equal(st.ncommunities, 0);
    assert_null(st.counts[0].kind);
    cc_store_status_release(&st);
    cc_store_close(s);
}

static const char rows[] =
    "INSERT INTO files(file_id, name, path, sha256, kind, encoding, rows_read, rows_accepted, rows_rejected,"
    " ingested_at, superseded_by) VALUES"
    " (1, 'a.csv', '/x/a.csv', 'h1', 'activities', 'utf8', 3, 2, 1, '2026-11-02T01:00:00Z', 2),"
    " (2, 'a.csv', '/x/a.csv', 'h2', 'activities', 'gb18030', 3, 3, 0, '2026-11-03T02:00:00Z', NULL);"
    "INSERT INTO communities(community_id, as_of, community_name, street_id, street_name, population,"
    " file_id, line) VALUES"
    " ('C01', '0000-01-01', '甲社区', 'S1', '一街', 100, 2, 2),"
    " ('C01', '2026-06-01', '甲社区新', 'S1', '一街', 100, 2, 3),"
    " ('C02', '0000-01-01', '乙社区', 'S1', '一街', 100, 2, 4);"
    "INSERT INTO activities(activity_id, community_id, project, date, status, capacity, registered, attended,"
    " file_id, line) VALUES"
    " ('A1', 'C01', 'p', '2026-11-05', 'completed', 10, 5, 4, 2, 2),"
    " ('A2', 'C01', 'p', '2026-11-02', 'cancelled', 10, 5, 0, 2, 3),"
    " ('A3', 'C09', 'p', '2026-10-30', 'completed', 10, 5, 5, 2, 4);"
    "INSERT INTO feedback(feedback_id, community_id, received, file_id, line) VALUES"
    " ('F1', 'C01', '2026-11-20', 2, 5);";

static void test_status_rows(void **state)
{
    (void)state;
    cc_store *s = open_db("rows.db");
    assert_int_equal(cc_store_exec(s, rows), CC_OK);
    cc_store_status st;
    assert_int_equal(cc_store_status_read(s, &st), CC_OK);

    /* files, by file_id; the first replaced by the second */
    assert_int_equal(st.nfiles, 2);
    assert_string_equal(st.files[0].name, "a.csv");
    assert_string_equal(st.files[0].kind, "activities");
    assert_string_equal(st.files[0].encoding, "utf8");
    assert_string_equal(st.files[0].ingested_at, "2026-11-02T01:00:00Z");
    assert_int_equal(st.files[0].accepted, 2);
    assert_int_equal(st.files[0].rejected, 1);
    assert_int_equal(st.files[0].replaced, 1);
    assert_string_equal(st.files[1].encoding, "gb18030");
    assert_int_equal(st.files[1].accepted, 3);
    assert_int_equal(st.files[1].rejected, 0);
    assert_int_equal(st.files[1].replaced, 0);

    /* rows per kind, in the order status prints them */
    static const char *const kinds[CC_STORE_STATUS_KINDS] = {
        "communities", "providers", "activities", "attendance", "surveys", "survey answers",
        "assessments", "trainings", "timebank", "feedback", "rejected rows", "plausibility warnings"};
    static const long long n[CC_STORE_STATUS_KINDS] = {3, 0, 3, 0, 0, 0, 0, 0, 0, 1, 0, 0};
    for (size_t i = 0; i < CC_STORE_STATUS_KINDS; i++) {
        assert_string_equal(st.counts[i].kind, kinds[i]);
        assert_int_equal(st.counts[i].rows, n[i]);
    }

    /* communities by ID: registered ones and those only seen in data */
    assert_int_equal(st.ncommunities, 3);
    const cc_store_status_community *c = st.communities;
    assert_string_equal(c[0].id, "C01");
    assert_string_equal(c[0].name, "甲社区新");          /* the latest as_of */
    assert_string_equal(c[0].lo, "2026-11-02");           /* cancelled activities count */
    assert_string_equal(c[0].hi, "2026-11-20");           /* feedback's received date */
    assert_string_equal(c[0].kinds, "activities 2, feedback 1");
    assert_string_equal(c[1].id, "C02");
    assert_string_equal(c[1].name, "乙社区");
    assert_null(c[1].lo);
    assert_null(c[1].hi);
    assert_null(c[1].kinds);
    assert_string_equal(c[2].id, "C09");
    assert_null(c[2].name);                               /* not in the register */
    assert_string_equal(c[2].lo, "2026-10-30");
    assert_string_equal(c[2].hi, "2026-10-30");
    assert_string_equal(c[2].kinds, "activities 1");

    cc_store_status_release(&st);
    assert_int_equal(st.nfiles, 0);
    assert_null(st.files);
    cc_store_close(s);
}

/* A new database's page cache holds 64 MB, as an existing one's: 96 MB
 * written in one transaction leave SQLite's memory well under 96 MB (the
 * cache size was once set before the page size, and a new database got
 * 256 MB). */
static void test_new_database_cache(void **state)
{
    (void)state;
    cc_store *s = open_db("cache.db");
    sqlite3_memory_highwater(1);
    assert_int_equal(cc_store_exec(s, "CREATE TABLE t (b BLOB);"
                                      "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 6000)"
                                      " INSERT INTO t SELECT randomblob(16000) FROM c;"), CC_OK);
    long long hw = (long long)sqlite3_memory_highwater(0);
    assert_true(hw < (80ll << 20));
    cc_store_close(s);
}

static size_t raw_count(cc_store *s)
{
    static const unsigned char key[32] = {1};
    size_t n = 0;
    for (int d = 0; d < 3; d++) {
        unsigned char *b = NULL;
        size_t len = 0;
        assert_int_equal(cc_store_raw_get(s, key, 0, cc_day_from_ymd(2026, 6, 1 + 7 * d),
                                          cc_day_from_ymd(2026, 6, 7 + 7 * d), &b, &len), CC_OK);
        if (b) {
            assert_int_equal(len, 3);
            assert_memory_equal(b, "abc", 3);
            n++;
        }
        free(b);
    }
    return n;
}

static void test_raw_statuses(void **state)
{
    (void)state;
    static const unsigned char key[32] = {1}, other[32] = {2};
    cc_store *s = open_db("raw.db");
    char path[128];
    snprintf(path, sizeof path, "%s/raw.db", tmpdir);
    cc_raw_period p[3];
    for (int d = 0; d < 3; d++)
        p[d] = (cc_raw_period){0, cc_day_from_ymd(2026, 6, 1 + 7 * d), cc_day_from_ymd(2026, 6, 7 + 7 * d),
                               (const unsigned char *)"abc", 3, 0};
    /* another connection commits after the run began: nothing is kept */
    int64_t v = cc_store_data_version(s);
    sqlite3 *o;
    assert_int_equal(sqlite3_open(path, &o), SQLITE_OK);
    assert_int_equal(sqlite3_exec(o, "INSERT INTO files (name, path, sha256, kind, encoding, rows_read,"
                                     " rows_accepted, rows_rejected, ingested_at) VALUES ('a', 'a', 'x',"
                                     " 'activities', 'UTF-8', 0, 0, 0, '2026-06-01T00:00:00Z')",
                                  NULL, NULL, NULL), SQLITE_OK);
    cc_store_raw_put(s, key, v, p, 3);
    assert_int_equal(raw_count(s), 0);
    /* the other connection holds the write lock: not kept, and no wait */
    v = cc_store_data_version(s);
    assert_int_equal(sqlite3_exec(o, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    cc_store_raw_put(s, key, v, p, 3);
    assert_int_equal(sqlite3_exec(o, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(raw_count(s), 0);
    /* nothing committed since: kept, under its key only */
    cc_store_raw_put(s, key, v, p, 3);
    assert_int_equal(raw_count(s), 3);
    unsigned char *b = (unsigned char *)"x";
    size_t len = 1;
    assert_int_equal(cc_store_raw_get(s, other, 0, p[0].from, p[0].to, &b, &len), CC_OK);
    assert_null(b);
    /* forgotten from a day on: the periods ending on or after it */
    assert_int_equal(cc_store_raw_forget(s, cc_day_from_ymd(2026, 6, 14), 0), CC_OK);
    assert_int_equal(raw_count(s), 1);
    assert_int_equal(cc_store_raw_forget(s, 0, 1), CC_OK);
    assert_int_equal(raw_count(s), 0);
    /* the statuses of another key replace every other key's */
    cc_store_raw_put(s, key, cc_store_data_version(s), p, 3);
    cc_store_raw_put(s, other, cc_store_data_version(s), p, 1);
    assert_int_equal(raw_count(s), 0);
    sqlite3_close(o);
    cc_store_close(s);
}

static size_t values_count(cc_store *s, const unsigned char key[32])
{
    size_t n = 0;
    for (int d = 0; d < 3; d++) {
        unsigned char *b = NULL;
        size_t len = 0;
        assert_int_equal(cc_store_values_get(s, key, 0, cc_day_from_ymd(2026, 6, 1 + 7 * d),
                                             cc_day_from_ymd(2026, 6, 7 + 7 * d), &b, &len), CC_OK);
        if (b) {
            assert_int_equal(len, 4);
            assert_memory_equal(b, "vals", 4);
            n++;
        }
        free(b);
    }
    return n;
}

/* The window values are kept beside the statuses, in the same transaction,
 * and forgotten and replaced with them. */
static void test_period_values(void **state)
{
    (void)state;
    static const unsigned char key[32] = {1}, other[32] = {2};
    cc_store *s = open_db("values.db");
    cc_raw_period p[4];
    for (int d = 0; d < 3; d++)
        p[d] = (cc_raw_period){0, cc_day_from_ymd(2026, 6, 1 + 7 * d), cc_day_from_ymd(2026, 6, 7 + 7 * d),
                               (const unsigned char *)"vals", 4, 1};
    p[3] = (cc_raw_period){0, p[0].from, p[0].to, (const unsigned char *)"abc", 3, 0};
    cc_store_raw_put(s, key, cc_store_data_version(s), p, 4);
    assert_int_equal(values_count(s, key), 3);
    assert_int_equal(raw_count(s), 1);            /* the statuses are apart */
    assert_int_equal(values_count(s, other), 0);
    assert_int_equal(cc_store_raw_forget(s, cc_day_from_ymd(2026, 6, 14), 0), CC_OK);
    assert_int_equal(values_count(s, key), 1);
    assert_int_equal(raw_count(s), 1);
    cc_store_raw_put(s, other, cc_store_data_version(s), p, 3);
    assert_int_equal(values_count(s, key), 0);
    assert_int_equal(raw_count(s), 0);
    assert_int_equal(values_count(s, other), 3);
    assert_int_equal(cc_store_raw_forget(s, 0, 1), CC_OK);
    assert_int_equal(values_count(s, other), 0);
    /* inside a transaction of the connection's own */
    assert_false(cc_store_in_transaction(s));
    assert_int_equal(cc_store_begin(s), CC_OK);
    assert_true(cc_store_in_transaction(s));
    cc_store_rollback(s);
    cc_store_close(s);
}

/* A kept period is found by its key without reading the blobs of the
 * periods beside it: twelve weeks of 2 MB blobs, and neither the check nor
 * the read of one week allocates more than that week's blob (a WITHOUT
 * ROWID table held the blob in its key's b-tree, and every comparison of
 * a seek read a whole row: a province's existence check read ~50 MB). */
static void test_kept_found_by_key(void **state)
{
    (void)state;
    static const unsigned char key[32] = {3};
    enum { NW = 12, SZ = 2 << 20 };
    cc_store *s = open_db("kept.db");
    unsigned char *blob = malloc(SZ);
    for (size_t i = 0; i < SZ; i++)
        blob[i] = (unsigned char)(i * 2654435761u >> 13);
    cc_raw_period p[2 * NW];
    for (int d = 0; d < NW; d++) {
        cc_day from = cc_day_from_ymd(2026, 6, 1) + 7 * d;
        p[2 * d] = (cc_raw_period){0, from, from + 6, blob, SZ, 1};
        p[2 * d + 1] = (cc_raw_period){0, from, from + 6, blob, SZ, 0};
    }
    cc_store_raw_put(s, key, cc_store_data_version(s), p, 2 * NW);
    cc_store_close(s);
    s = open_db("kept.db");                      /* a cold cache */
    for (int d = 0; d < NW; d += 5) {
        cc_day from = cc_day_from_ymd(2026, 6, 1) + 7 * d;
        sqlite3_int64 cur, hw;
        sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &cur, &hw, 1);   /* the high-water mark from here */
        long long before = (long long)cur;
        assert_true(cc_store_values_has(s, key, 0, from, from + 6));
        sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &cur, &hw, 0);
        /* SQLite's own memory while finding it: pages of the key, not a blob */
        if ((long long)hw - before > (1ll << 20))
            fail_msg("week %d: the check took %lld bytes", d, (long long)hw - before);
        unsigned char *b = NULL;
        size_t len = 0;
        sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &cur, &hw, 1);
        before = (long long)cur;
        assert_int_equal(cc_store_values_get(s, key, 0, from, from + 6, &b, &len), CC_OK);
        sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &cur, &hw, 0);
        assert_int_equal(len, SZ);
        assert_memory_equal(b, blob, SZ);
        free(b);
        /* reading it: the blob's pages once, not its neighbours' too */
        if ((long long)hw - before > 2 * (long long)SZ + (1ll << 20))
            fail_msg("week %d: the read took %lld bytes", d, (long long)hw - before);
        assert_int_equal(cc_store_raw_get(s, key, 0, from, from + 6, &b, &len), CC_OK);
        assert_int_equal(len, SZ);
        free(b);
    }
    free(blob);
    cc_store_close(s);
}

/* A version-8 database (the kept tables WITHOUT ROWID) is brought to
 * version 9: the tables made again as rowid tables, their rows dropped
 * (derived data), everything else kept. */
static void test_kept_migrated(void **state)
{
    (void)state;
    char path[128];
    cc_store *s = open_db("v8.db");
    cc_store_close(s);
    snprintf(path, sizeof path, "%s/v8.db", tmpdir);
    sqlite3 *o;
    assert_int_equal(sqlite3_open(path, &o), SQLITE_OK);
    assert_int_equal(sqlite3_exec(o, "DROP TABLE raw_statuses; DROP TABLE period_values;"
        "CREATE TABLE raw_statuses (period_to TEXT NOT NULL, period_kind INTEGER NOT NULL,"
        " period_from TEXT NOT NULL, config BLOB NOT NULL, statuses BLOB NOT NULL,"
        " PRIMARY KEY (period_to, period_kind, period_from, config)) WITHOUT ROWID;"
        "CREATE TABLE period_values (period_to TEXT NOT NULL, period_kind INTEGER NOT NULL,"
        " period_from TEXT NOT NULL, config BLOB NOT NULL, vals BLOB NOT NULL,"
        " PRIMARY KEY (period_to, period_kind, period_from, config)) WITHOUT ROWID;"
        "INSERT INTO raw_statuses VALUES ('2026-06-07', 0, '2026-06-01', x'01', x'02');"
        "INSERT INTO period_values VALUES ('2026-06-07', 0, '2026-06-01', x'01', x'02');"
        "INSERT INTO files (name, path, sha256, kind, encoding, rows_read, rows_accepted, rows_rejected,"
        " ingested_at) VALUES ('a', 'a', 'x', 'activities', 'UTF-8', 0, 0, 0, '2026-06-01T00:00:00Z');"
        "PRAGMA user_version = 8;", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(o);
    s = open_db("v8.db");
    cc_store_close(s);
    assert_int_equal(sqlite3_open(path, &o), SQLITE_OK);
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(o, "SELECT (SELECT user_version FROM pragma_user_version),"
        " (SELECT count(*) FROM sqlite_master WHERE name IN ('raw_statuses', 'period_values')"
        "  AND sql NOT LIKE '%WITHOUT ROWID%'),"
        " (SELECT count(*) FROM raw_statuses) + (SELECT count(*) FROM period_values),"
        " (SELECT count(*) FROM files)", -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(q, 0), 9);
    assert_int_equal(sqlite3_column_int(q, 1), 2);
    assert_int_equal(sqlite3_column_int(q, 2), 0);
    assert_int_equal(sqlite3_column_int(q, 3), 1);
    sqlite3_finalize(q);
    sqlite3_close(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_empty),
        cmocka_unit_test(test_status_rows),
        cmocka_unit_test(test_new_database_cache),
        cmocka_unit_test(test_raw_statuses),
        cmocka_unit_test(test_period_values),
        cmocka_unit_test(test_kept_found_by_key),
        cmocka_unit_test(test_kept_migrated),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
