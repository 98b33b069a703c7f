/* Unit tests of the bulk-load journal (lib/store/store.c): cc_store_bulk_begin
 * switches to a rollback journal only when no other connection has the
 * database open, cc_store_bulk_end goes back to WAL, and a process killed in
 * the middle of a bulk transaction (a hot rollback journal, the database in
 * rollback mode) leaves a database that a read-only open recovers: it opens
 * for writing once (rolling the journal back, restoring WAL), then reads. */
#include "store/db.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/store.h"

#define TMPDIR_TEMPLATE "/tmp/ccbulkXXXXXX"
#include "tmpdir.h"
#include "dbq.h"

static int journal_is(cc_store *s, const char *mode)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(s->db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int ok = !strcmp((const char *)sqlite3_column_text(st, 0), mode);
    sqlite3_finalize(st);
    return ok;
}

static void test_switch_and_back(void **state)
{
    (void)state;
    char db[600];
    snprintf(db, sizeof db, "%s/switch.db", tmpdir);
    cc_err e;
    cc_store *s = cc_store_open(db, CC_STORE_CREATE, &e);
    assert_non_null(s);
    assert_true(journal_is(s, "wal"));
    assert_int_equal(scalar(s, "PRAGMA page_size"), 16384);     /* a new database */
    /* another connection open: no switch */
    cc_store *other = cc_store_open(db, 0, &e);
    assert_non_null(other);
    assert_int_equal(cc_store_bulk_begin(s), 0);
    assert_true(journal_is(s, "wal"));
    cc_store_close(other);
    assert_int_equal(cc_store_bulk_begin(s), 1);
    assert_true(journal_is(s, "delete"));
    assert_int_equal(scalar(s, "PRAGMA synchronous"), 2);        /* FULL */
    cc_store_bulk_end(s);
    assert_true(journal_is(s, "wal"));
    assert_int_equal(scalar(s, "PRAGMA synchronous"), 1);        /* NORMAL */
    cc_store_close(s);
}

static void test_killed_bulk_load(void **state)
{
    (void)state;
    char db[600], jr[620];
    snprintf(db, sizeof db, "%s/killed.db", tmpdir);
    snprintf(jr, sizeof jr, "%s-journal", db);
    cc_err e;
    cc_store *s = cc_store_open(db, CC_STORE_CREATE, &e);
    assert_non_null(s);
    assert_int_equal(cc_store_exec(s, "INSERT INTO rejects (file_id, line, message) VALUES (1, 1, 'kept')"), CC_OK);
    long long pages = scalar(s, "PRAGMA page_count");
    cc_store_close(s);

    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* a bulk load whose pages spill into the file before its commit */
        cc_store *w = cc_store_open(db, 0, &e);
        if (!w || cc_store_bulk_begin(w) != 1 || cc_store_exec(w, "PRAGMA cache_size=20") != CC_OK ||
            cc_store_begin(w) != CC_OK ||
            cc_store_exec(w, "DELETE FROM rejects;"
                             "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)"
                             " INSERT INTO rejects (file_id, line, message) SELECT 2, i, printf('%0200d', i) FROM n")
                != CC_OK)
            _exit(2);
        raise(SIGKILL);
        _exit(3);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    struct stat st;
    assert_int_equal(stat(jr, &st), 0);                 /* a hot journal */
    assert_true(st.st_size > 0);

    s = cc_store_open(db, CC_STORE_READONLY, &e);
    assert_non_null(s);
    assert_int_equal(scalar(s, "SELECT count(*) FROM rejects"), 1);
    assert_int_equal(scalar(s, "SELECT count(*) FROM rejects WHERE message = 'kept'"), 1);
    assert_int_equal(scalar(s, "PRAGMA page_count"), pages);
    assert_true(journal_is(s, "wal"));
    cc_store_close(s);
    assert_int_not_equal(stat(jr, &st), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_switch_and_back),
        cmocka_unit_test(test_killed_bulk_load),
    };
    return cmocka_run_group_tests_name("bulk", tests, setup, teardown);
}
