/* Unit tests of the audit record: lib/store/audit.c (cc_store_audit_put)
 * on its own, with hand-made rows, and what it stores for each field (NULL
 * for a NAN value and a NULL change, "" for a NULL explanation); a unit's
 * rows replaced, other units' kept; a failed row rolls back every unit; a
 * read-only database skips the record.  cc_scorecard_record over a real
 * scorecard is tested in engine_test.c. */
#include "store/db.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TMPDIR_TEMPLATE "/tmp/ccauditXXXXXX"
#include "tmpdir.h"
#include "dbq.h"

static cc_store *open_db(const char *name, int flags)
{
    char path[256];
    cc_err e = CC_OK;
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    cc_store *s = cc_store_open(path, flags, &e);
    assert_non_null(s);
    assert_int_equal(e, CC_OK);
    return s;
}

/* Three units: L01 with two rows, S01 with none, L02 with one. */
static const cc_audit_row l01[] = {
    {"P4", "red", "red", 0.625, 0.8, 2, 1, "continuing", "P4 62.5% < 目标 80.0%"},
    {"X5", "not_reported", "yellow", NAN, 1, 1, 0, NULL, NULL},
};
static const cc_audit_row l02[] = {
    {"P2", "met", "met", 0.9, 0.8, 0, 0, "resolved", ""},
};
static const cc_audit_unit units[] = {
    {"community", "L01", l01, 2},
    {"street", "S01", NULL, 0},
    {"community", "L02", l02, 1},
};

static void fill(void *arg, size_t u, cc_audit_unit *out)
{
    const cc_audit_unit *v = arg;
    *out = v[u];
}

/* cc_store_audit_put of v[0 .. n) for 2026-W47, its messages discarded. */
static cc_err quiet_put(cc_store *s, size_t n, const cc_audit_unit *v)
{
    FILE *sink = cc_diag_sink(), *null = fopen("/dev/null", "w");
    assert_non_null(null);
    cc_diag_set_sink(null);
    cc_err e = cc_store_audit_put(s, "2026-W47", n, fill, (void *)v);
    cc_diag_set_sink(sink);
    fclose(null);
    return e;
}

static void test_put(void **state)
{
    (void)state;
    cc_store *s = open_db("put.db", CC_STORE_CREATE);
    assert_int_equal(cc_store_audit_put(s, "2026-W47", 3, fill, (void *)units), CC_OK);
    assert_int_equal(scalar(s, "SELECT COUNT(*) FROM warning_log"), 3);
    assert_int_equal(scalar(s, "SELECT COUNT(*) FROM warning_log WHERE period_id = '2026-W47'"
                               " AND unit_level = 'community' AND unit_id = 'L01' AND indicator_id = 'P4'"
                               " AND status = 'red' AND level = 'red' AND value = 0.625 AND target = 0.8"
                               " AND run = 2 AND rectify = 1 AND change = 'continuing'"), 1);
    assert_string_equal(scalar_text(s, "SELECT explanation FROM warning_log WHERE indicator_id = 'P4'"),
                        "P4 62.5% < 目标 80.0%");
    /* NAN value and NULL change stored as NULL, NULL explanation as "" */
    assert_string_equal(scalar_text(s, "SELECT value FROM warning_log WHERE indicator_id = 'X5'"), "(null)");
    assert_string_equal(scalar_text(s, "SELECT change FROM warning_log WHERE indicator_id = 'X5'"), "(null)");
    assert_string_equal(scalar_text(s, "SELECT explanation FROM warning_log WHERE indicator_id = 'X5'"), "");
    assert_string_equal(scalar_text(s, "SELECT status || '/' || level || '/' || target || '/' || run || '/' || rectify"
                                " FROM warning_log WHERE indicator_id = 'X5'"), "not_reported/yellow/1.0/1/0");
    assert_string_equal(scalar_text(s, "SELECT unit_level || '/' || change FROM warning_log WHERE unit_id = 'L02'"),
                        "community/resolved");
    /* recorded_at: the UTC time, YYYY-MM-DDTHH:MM:SSZ */
    assert_int_equal(scalar(s, "SELECT COUNT(*) FROM warning_log WHERE recorded_at GLOB"
                               " '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'"),
                     3);
    cc_store_close(s);
}

static void test_replace(void **state)
{
    (void)state;
    cc_store *s = open_db("replace.db", CC_STORE_CREATE);
    /* stale rows: L01's P2 (replaced with L01's rows), S01's (no rows now),
     * L03's (not among the units: kept), L01's of another period (kept) */
    static const char stale[] =
        "INSERT INTO warning_log VALUES"
        " ('2026-W47', 'community', 'L01', 'P2', 'red', 'red', 1, 5, 1, 0, 'new', 'x', 'then'),"
        " ('2026-W47', 'street', 'S01', 'P2', 'red', 'red', 1, 5, 1, 0, 'new', 'x', 'then'),"
        " ('2026-W47', 'community', 'L03', 'P2', 'red', 'red', 1, 5, 1, 0, 'new', 'x', 'then'),"
        " ('2026-W46', 'community', 'L01', 'P2', 'red', 'red', 1, 5, 1, 0, 'new', 'x', 'then')";
    assert_int_equal(cc_store_exec(s, stale), CC_OK);
    assert_int_equal(cc_store_audit_put(s, "2026-W47", 3, fill, (void *)units), CC_OK);
    assert_int_equal(scalar(s, "SELECT COUNT(*) FROM warning_log WHERE period_id = '2026-W47'"), 4);
    assert_int_equal(scalar(s, "SELECT COUNT(*) FROM warning_log WHERE unit_id = 'L01' AND indicator_id = 'P2'"
                               " AND period_id = '2026-W47'"), 0);
    assert_int_equal(scalar(s, "SELECT COUNT(*) FROM warning_log WHERE unit_id = 'S01'"), 0);
    assert_int_equal(scalar(s, "SELECT COUNT(*) FROM warning_log WHERE unit_id = 'L03'"), 1);
    assert_int_equal(scalar(s, "SELECT COUNT(*) FROM warning_log WHERE period_id = '2026-W46'"), 1);
    /* again: the same rows, never more */
    assert_int_equal(cc_store_audit_put(s, "2026-W47", 3, fill, (void *)units), CC_OK);
    assert_int_equal(scalar(s, "SELECT COUNT(*) FROM warning_log WHERE period_id = '2026-W47'"), 4);
    cc_store_close(s);
}

/* A row that cannot be stored (no indicator_id: NOT NULL) in the last unit:
 * an error, and nothing of the units before it is stored. */
static void test_rollback(void **state)
{
    (void)state;
    static const cc_audit_row bad[] = {{NULL, "red", "red", 1, 1, 1, 0, NULL, ""}};
    const cc_audit_unit v[] = {units[0], {"community", "L09", bad, 1}};
    cc_store *s = open_db("rollback.db", CC_STORE_CREATE);
    assert_int_not_equal(quiet_put(s, 2, v), CC_OK);
    assert_int_equal(scalar(s, "SELECT COUNT(*) FROM warning_log"), 0);
    /* the transaction is over: the next record works */
    assert_int_equal(cc_store_audit_put(s, "2026-W47", 1, fill, (void *)units), CC_OK);
    assert_int_equal(scalar(s, "SELECT COUNT(*) FROM warning_log"), 2);
    cc_store_close(s);
}

/* A read-only database: skipped with a notice, CC_OK. */
static void test_readonly(void **state)
{
    (void)state;
    cc_store_close(open_db("ro.db", CC_STORE_CREATE));
    cc_store *s = open_db("ro.db", CC_STORE_READONLY);
    assert_int_equal(quiet_put(s, 3, units), CC_OK);
    assert_int_equal(scalar(s, "SELECT COUNT(*) FROM warning_log"), 0);
    cc_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put),
        cmocka_unit_test(test_replace),
        cmocka_unit_test(test_rollback),
        cmocka_unit_test(test_readonly),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
