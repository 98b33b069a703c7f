/* Unit tests of lib/text/list.c: the split of a list cell (partners), the
 * one rule of every reader of activities.partners (the measure week cache,
 * span.c, and the measures' SQL path, measure.c).  Hand-worked splits, then
 * the split of what ingest stores in activities.partners for each cell. */
#include "store/db.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ingest/ingest.h"
#include "text/text.h"

#define TMPDIR_TEMPLATE "/tmp/cclistXXXXXX"
#include "tmpdir.h"

/* The items of s joined by '/' (none: ""). */
static const char *split(const char *s)
{
    static char out[512];
    const char *t;
    size_t pos = 0, len, o = 0;
    out[0] = '\0';
    while (cc_list_next(s, strlen(s), &pos, &t, &len)) {
        assert_true(o + len + 2 < sizeof out);
        if (o)
            out[o++] = '/';
        memcpy(out + o, t, len);
        o += len;
        out[o] = '\0';
    }
    /* finished: stays finished */
    assert_int_equal(pos, CC_LIST_END);
    assert_int_equal(cc_list_next(s, strlen(s), &pos, &t, &len), 0);
    return out;
}

static void test_split(void **state)
{
    (void)state;
    assert_string_equal(split("社工站"), "社工站");
    /* the four separators, ASCII and full-width */
    assert_string_equal(split("A;B|C；D、E"), "A/B/C/D/E");
    /* items trimmed: spaces, tabs, line breaks, the ideographic space */
    assert_string_equal(split(" 社工站 ; \t红十字会\n|　图书馆　"), "社工站/红十字会/图书馆");
    /* empty items (doubled, leading, trailing separators, blanks) skipped */
    assert_string_equal(split(";;A;;"), "A");
    assert_string_equal(split("、 、　；|"), "");
    assert_string_equal(split(""), "");
    assert_string_equal(split("   "), "");
    /* a comma or a full-width comma is not a separator */
    assert_string_equal(split("A,B，C"), "A,B，C");
    /* the same name twice is two items (ingest keeps one row) */
    assert_string_equal(split("A;A"), "A/A");
    /* a separator's bytes inside another character do not split it:
     * "；" is EF BC 9B, "＝" EF BC 9D */
    assert_string_equal(split("X＝Y"), "X＝Y");
    /* a lead byte at the very end (fewer than 3 bytes left) */
    assert_string_equal(split("A\xEF\xBC"), "A\xEF\xBC");
}

static int cmp_item(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The distinct items of a stored cell, in byte order, joined by '/'; *n is
 * the number of items before duplicates are removed. */
static void split_sorted(const char *typed, size_t bytes, char *out, size_t cap, size_t *n)
{
    char *items[32];
    size_t pos = 0, len, k = 0;
    const char *t;
    while (typed && cc_list_next(typed, bytes, &pos, &t, &len)) {
        assert_true(k < 32);
        items[k] = strndup(t, len);
        k++;
    }
    qsort(items, k, sizeof *items, cmp_item);
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < k; i++) {
        if (!i || strcmp(items[i], items[i - 1]))
            o += (size_t)snprintf(out + o, cap - o, "%s%s", o ? "/" : "", items[i]);
    }
    for (size_t i = 0; i < k; i++)
        free(items[i]);
    *n = k;
}

/* Ingest the activities with these partner cells: the split of the stored
 * activities.partners, as the measures read it, is the hand-worked set. */
static void test_same_as_ingest(void **state)
{
    (void)state;
    static const char *const cells[] = {
        "社工站", "A;B|C；D、E", "\" 社工站 ; 红十字会|　图书馆　\"", ";;A;;", "、 、　；|", "",
        "A;A;B", "\"A,B，C\"", "X＝Y；Z",
    };
    static const char *const want[] = {
        "社工站", "A/B/C/D/E", "图书馆/社工站/红十字会", "A", "", "", "A/B", "A,B，C", "X＝Y/Z",
    };
    enum { N = sizeof cells / sizeof *cells };
    char path[600], cpath[600], db[600];
    snprintf(cpath, sizeof cpath, "%s/comm.csv", tmpdir);
    FILE *f = fopen(cpath, "wb");
    assert_non_null(f);
    fputs("社区编号,社区名称,街道编号,街道名称,常住人口,托位数,普惠托位数,统计日期\n"
          "L01,凉水井社区,S01,东城街道,14000,50,40,\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/acts.csv", tmpdir);
    snprintf(db, sizeof db, "%s/list.db", tmpdir);
    f = fopen(path, "wb");
    assert_non_null(f);
    fputs("activity_id,community_id,project,date,hours,capacity,registered,attended,partners\n", f);
    for (int i = 0; i < N; i++)
        fprintf(f, "A%d,L01,p,2026-11-16,1.5,10,10,9,%s\n", i, cells[i]);
    fclose(f);
    cc_err e;
    cc_store *s = cc_store_open(db, CC_STORE_CREATE, &e);
    assert_non_null(s);
    const char *paths[] = {cpath, path};
    cc_ingest_stats st[2];
    cc_ingest_opts o = {.kind = CC_KIND_UNKNOWN, .encoding = CC_ENC_AUTO, .rejects_dir = tmpdir};
    FILE *sink = fopen("/dev/null", "w");
    assert_non_null(sink);
    cc_diag_set_sink(sink);
    e = cc_ingest_files(s, paths, 2, &o, st);
    cc_diag_set_sink(stderr);
    fclose(sink);
    assert_int_equal(e, CC_OK);
    assert_int_equal(st[1].rows_accepted, N);
    for (int i = 0; i < N; i++) {
        char id[16], got[256];
        snprintf(id, sizeof id, "A%d", i);
        sqlite3_stmt *q;
        assert_int_equal(sqlite3_prepare_v2(s->db, "SELECT partners FROM activities WHERE activity_id = ?1",
                                            -1, &q, NULL), SQLITE_OK);
        sqlite3_bind_text(q, 1, id, -1, SQLITE_TRANSIENT);
        assert_int_equal(sqlite3_step(q), SQLITE_ROW);
        size_t n;
        split_sorted((const char *)sqlite3_column_text(q, 0), (size_t)sqlite3_column_bytes(q, 0), got,
                     sizeof got, &n);
        sqlite3_finalize(q);
        assert_string_equal(got, want[i]);
        /* as many items as names, but for the repeated name */
        size_t rows = want[i][0] ? 1 : 0;
        for (const char *p = want[i]; *p; p++)
            rows += *p == '/';
        assert_int_equal(n, rows + (i == 6));
    }
    cc_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_same_as_ingest),
    };
    return cmocka_run_group_tests_name("list", tests, setup, teardown);
}
