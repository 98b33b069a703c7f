/* Unit tests of lib/measure/quality.c: survey answers by role and KANO pairs
 * read for several questions in one pass (the report's path) against the
 * values worked by hand and against one question at a time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "carecard.h"

static char dbpath[64];
static cc_store *db;

/* Q3 2026 holds R1-R4 and R6; R5 is in Q4; R6's community is not listed. */
static const char fixture[] =
    "INSERT INTO survey_responses (response_id, community_id, date, role, file_id, line) VALUES"
    " ('R1', 'L01', '2026-07-05', 'parent', 1, 2),"
    " ('R2', 'L01', '2026-07-06', 'parent', 1, 3),"
    " ('R3', 'L01', '2026-07-07', 'grandparent', 1, 4),"
    " ('R4', 'L02', '2026-08-01', 'parent', 1, 5),"
    " ('R5', 'L02', '2026-10-01', 'parent', 1, 6),"
    " ('R6', 'X99', '2026-07-10', 'parent', 1, 7);"
    "INSERT INTO survey_answers (response_id, question, answer) VALUES"
    " ('R1', 'sat', '满意'), ('R1', 'yn', '是'), ('R1', 'f1', '我很喜欢'), ('R1', 'd1', '我很不喜欢'),"
    " ('R1', 'f2', '理所当然'),"
    " ('R2', 'sat', '5'), ('R2', 'yn', '否'), ('R2', 'f1', '我很喜欢'), ('R2', 'd1', '无所谓'),"
    " ('R3', 'sat', 'abc'), ('R3', 'yn', ''), ('R3', 'f2', '无所谓'), ('R3', 'd2', '能忍受'),"
    " ('R4', 'sat', '1'), ('R4', 'f1', 'x'), ('R4', 'd1', '我很不喜欢'),"
    " ('R5', 'sat', '5'), ('R5', 'f1', '我很喜欢'), ('R5', 'd1', '我很不喜欢'),"
    " ('R6', 'sat', '5'), ('R6', 'f1', '我很喜欢'), ('R6', 'd1', '我很不喜欢');";

static const char *const ids[] = {"L01", "L02"};

static int setup(void **state)
{
    (void)state;
    cc_err e;
    snprintf(dbpath, sizeof dbpath, "/tmp/cc-quality-test-%ld.db", (long)getpid());
    unlink(dbpath);
    db = cc_store_open(dbpath, CC_STORE_CREATE, &e);
    return !db || cc_store_exec(db, fixture) != CC_OK;
}

static int teardown(void **state)
{
    (void)state;
    char p[80];
    cc_store_close(db);
    unlink(dbpath);
    snprintf(p, sizeof p, "%s-wal", dbpath);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", dbpath);
    unlink(p);
    return 0;
}

static void check_stats(const cc_answer_stats *a, long comm, const char *role, long n,
                        long unparsed, const long count[6])
{
    assert_int_equal(a->comm, comm);
    assert_string_equal(a->role, role);
    assert_int_equal(a->n, n);
    assert_int_equal(a->unparsed, unparsed);
    for (int c = 0; c < 6; c++)
        assert_int_equal(a->count[c], count[c]);
}

static void test_answers_many(void **state)
{
    (void)state;
    cc_day from = cc_day_from_ymd(2026, 7, 1), to = cc_day_from_ymd(2026, 9, 30);
    /* "sat" twice: each copy gets every answer */
    const char *q[3] = {"yn", "sat", "sat"};
    int yn[3] = {1, 0, 0};
    cc_answer_stats *out[3];
    size_t nout[3];
    assert_int_equal(cc_answers_by_role_many(db, ids, 2, from, to, q, yn, 3, out, nout), CC_OK);
    /* yes/no: L01 parent 是 and 否 (R3's empty answer is no answer) */
    assert_int_equal(nout[0], 1);
    check_stats(&out[0][0], 0, "parent", 2, 0, (const long[6]){1, 1, 0, 0, 0, 0});
    /* likert: L01 grandparent 'abc' unparsed; L01 parent 满意 (4) and 5;
     * L02 parent 1; R5 (Q4) and R6 (X99) left out */
    for (int k = 1; k < 3; k++) {
        assert_int_equal(nout[k], 3);
        check_stats(&out[k][0], 0, "grandparent", 0, 1, (const long[6]){0});
        check_stats(&out[k][1], 0, "parent", 2, 0, (const long[6]){0, 0, 0, 0, 1, 1});
        check_stats(&out[k][2], 1, "parent", 1, 0, (const long[6]){0, 1, 0, 0, 0, 0});
    }
    /* one question at a time gives the same entries */
    for (int k = 0; k < 2; k++) {
        cc_answer_stats *one;
        size_t n1;
        assert_int_equal(cc_answers_by_role(db, ids, 2, from, to, q[k], yn[k], &one, &n1), CC_OK);
        assert_int_equal(n1, nout[k]);
        assert_memory_equal(one, out[k], n1 * sizeof *one);
        free(one);
    }
    for (int k = 0; k < 3; k++)
        free(out[k]);
    /* no question: nothing, no query */
    assert_int_equal(cc_answers_by_role_many(db, ids, 2, from, to, q, yn, 0, out, nout), CC_OK);
}

static void test_kano_many(void **state)
{
    (void)state;
    assert_int_equal(cc_kano_answer("我很喜欢"), 1);
    assert_int_equal(cc_kano_answer("理所当然"), 2);
    assert_int_equal(cc_kano_answer("无所谓"), 3);
    assert_int_equal(cc_kano_answer("能忍受"), 4);
    assert_int_equal(cc_kano_answer("我很不喜欢"), 5);
    cc_day from = cc_day_from_ymd(2026, 7, 1), to = cc_day_from_ymd(2026, 9, 30);
    const char *f[2] = {"f1", "f2"}, *d[2] = {"d1", "d2"};
    long (*pairs)[25] = calloc(2 * 2, sizeof *pairs);
    assert_int_equal(cc_kano_pairs_many(db, ids, 2, from, to, f, d, 2, pairs), CC_OK);
    long want[4][25] = {{0}};
    want[0][(1 - 1) * 5 + (5 - 1)] = 1;     /* feature 1, L01: R1 (1, 5) */
    want[0][(1 - 1) * 5 + (3 - 1)] = 1;     /*                 R2 (1, 3) */
    /* feature 1, L02: R4's functional answer 'x' is not a KANO answer */
    want[2][(3 - 1) * 5 + (4 - 1)] = 1;     /* feature 2, L01: R3 (3, 4); R1 has no d2 */
    assert_memory_equal(pairs, want, sizeof want);
    for (int k = 0; k < 2; k++) {
        long (*one)[25] = calloc(2, sizeof *one);
        assert_int_equal(cc_kano_pairs(db, ids, 2, from, to, f[k], d[k], one), CC_OK);
        assert_memory_equal(one, pairs + 2 * k, 2 * sizeof *one);
        free(one);
    }
    free(pairs);
}

/* cc_answers_merge over hand-made entries (ordered by community, then
 * role): communities 0, 2 and 3 of four, given out of order; community 1
 * (between them) and 4 (after them, not asked) are left out. */
static void test_answers_merge(void **state)
{
    (void)state;
    static const cc_answer_stats in[] = {
        {"parent", 0, 2, 0, {0, 1, 0, 0, 0, 1}},
        {"grandparent", 1, 1, 0, {0, 0, 0, 1, 0, 0}},
        {"parent", 1, 4, 1, {0, 0, 2, 0, 0, 2}},
        {"grandparent", 2, 1, 1, {0, 0, 0, 0, 1, 0}},
        {"parent", 2, 1, 0, {0, 0, 0, 0, 0, 1}},
        {"teacher", 3, 2, 0, {0, 0, 0, 2, 0, 0}},
        {"parent", 4, 5, 0, {0, 0, 0, 0, 0, 5}},
    };
    const size_t comms[] = {3, 0, 2};
    cc_answer_stats *o = NULL;
    size_t n = 0;
    cc_answers_merge(in, 7, comms, 3, &o, &n);
    assert_int_equal(n, 4);                    /* all, grandparent, parent, teacher */
    check_stats(&o[0], -1, "", 6, 1, (const long[6]){0, 1, 0, 2, 1, 2});
    check_stats(&o[1], -1, "grandparent", 1, 1, (const long[6]){0, 0, 0, 0, 1, 0});
    check_stats(&o[2], -1, "parent", 3, 0, (const long[6]){0, 1, 0, 0, 0, 2});
    check_stats(&o[3], -1, "teacher", 2, 0, (const long[6]){0, 0, 0, 2, 0, 0});
    free(o);
    /* no community: only the all-roles entry, empty */
    cc_answers_merge(in, 7, comms, 0, &o, &n);
    assert_int_equal(n, 1);
    check_stats(&o[0], -1, "", 0, 0, (const long[6]){0});
    free(o);
    /* a community without entries, and NULL: every entry */
    const size_t none[] = {9};
    cc_answers_merge(in, 7, none, 1, &o, &n);
    assert_int_equal(n, 1);
    free(o);
    cc_answers_merge(in, 7, NULL, 0, &o, &n);
    assert_int_equal(n, 4);
    check_stats(&o[0], -1, "", 16, 2, (const long[6]){0, 1, 2, 3, 1, 9});
    free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_answers_many),
        cmocka_unit_test(test_kano_many),
        cmocka_unit_test(test_answers_merge),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
