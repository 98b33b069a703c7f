/* Unit tests of lib/ingest: header matching, kinds, enumerations, survey
 * question numbers, and cc_ingest_files through the library API (messages
 * captured from the diagnostic sink, rows read back from SQLite). */
#include "store/db.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ingest/ingest.h"
#include "ingest/kinds.h"

#define TMPDIR_TEMPLATE "/tmp/ccingestXXXXXX"
#include "tmpdir.h"
#include "dbq.h"

static const char *tmpfile_with(const char *name, const char *text)
{
    static char path[4][512];
    static int slot;
    char *p = path[slot++ % 4];
    snprintf(p, 512, "%s/%s", tmpdir, name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return p;
}

static int M(cc_kind k, const char *header)
{
    return cc_header_match(&cc_kinds[k], header, strlen(header));
}

static void test_kind_names(void **state)
{
    (void)state;
    assert_string_equal(cc_kind_name(CC_KIND_SURVEYS), "surveys");
    assert_string_equal(cc_kind_zh(CC_KIND_ACTIVITIES), "活动台账");
    assert_int_equal(cc_kind_parse("Attendance"), CC_KIND_ATTENDANCE);
    assert_int_equal(cc_kind_parse("时间银行流水"), CC_KIND_TIMEBANK);
    assert_int_equal(cc_kind_parse("people"), CC_KIND_UNKNOWN);
    assert_string_equal(cc_kind_name(CC_KIND_UNKNOWN), "unknown");
    /* every kind has a required key column first */
    for (int k = 0; k < CC_KIND_COUNT; k++) {
        assert_true(cc_kinds[k].cols[0].flags & CC_F_REQ);
        assert_int_equal(cc_kinds[k].kind, k);
    }
}

static void test_header_match(void **state)
{
    (void)state;
    int fee = cc_col_index(&cc_kinds[CC_KIND_COMMUNITIES], "monthly_fee");
    int hours = cc_col_index(&cc_kinds[CC_KIND_ACTIVITIES], "hours");
    assert_true(fee > 0 && hours > 0);
    assert_int_equal(M(CC_KIND_COMMUNITIES, "月托育费"), fee);
    assert_int_equal(M(CC_KIND_COMMUNITIES, "月托育费（元）"), fee);
    assert_int_equal(M(CC_KIND_COMMUNITIES, "月托育费(元)"), fee);
    assert_int_equal(M(CC_KIND_COMMUNITIES, " 月托育费 ( 元 ) "), fee);
    assert_int_equal(M(CC_KIND_COMMUNITIES, "Monthly_Fee"), fee);
    assert_int_equal(M(CC_KIND_COMMUNITIES, "MONTHLY_FEE (yuan)"), fee);
    assert_int_equal(M(CC_KIND_ACTIVITIES, "时长(小时)"), hours);
    assert_int_equal(M(CC_KIND_ACTIVITIES, "\xe3\x80\x80时长\xe3\x80\x80"), hours);   /* ideographic spaces */
    assert_int_equal(M(CC_KIND_ACTIVITIES, "\xef\xbb\xbf" "activity_id"), 0);         /* stray BOM */
    assert_int_equal(M(CC_KIND_ACTIVITIES, "时长小时"), -1);
    assert_int_equal(M(CC_KIND_ACTIVITIES, "(小时)"), -1);
    assert_int_equal(M(CC_KIND_ACTIVITIES, ""), -1);
    /* the survey alternates */
    assert_int_equal(M(CC_KIND_SURVEYS, "序号"), 0);
    assert_int_equal(M(CC_KIND_SURVEYS, "所在社区"), 1);
    assert_int_equal(M(CC_KIND_SURVEYS, "提交答卷时间"), 2);
    assert_int_equal(M(CC_KIND_SURVEYS, "填写日期"), 2);
    /* the same Chinese header in different kinds */
    assert_int_equal(M(CC_KIND_TIMEBANK, "日期"), cc_col_index(&cc_kinds[CC_KIND_TIMEBANK], "date"));
    assert_int_equal(M(CC_KIND_ACTIVITIES, "日期"), -1);
    assert_int_equal(M(CC_KIND_PROVIDERS, "离职日期"), cc_col_index(&cc_kinds[CC_KIND_PROVIDERS], "left"));
}

static void test_enum_match(void **state)
{
    (void)state;
    const cc_col_def *role = &cc_kinds[CC_KIND_ATTENDANCE].cols[cc_col_index(&cc_kinds[CC_KIND_ATTENDANCE], "role")];
    assert_int_equal(cc_enum_match(role->ev, "家长", strlen("家长")), 1);
    assert_string_equal(role->ev[cc_enum_match(role->ev, " Grandparent ", 13)].code, "grandparent");
    assert_string_equal(role->ev[cc_enum_match(role->ev, "志愿者", strlen("志愿者"))].code, "volunteer");
    assert_int_equal(cc_enum_match(role->ev, "teacher", 7), -1);
    assert_int_equal(cc_enum_match(role->ev, "", 0), -1);
    const cc_col_def *st = &cc_kinds[CC_KIND_ACTIVITIES].cols[cc_col_index(&cc_kinds[CC_KIND_ACTIVITIES], "status")];
    assert_string_equal(st->ev[cc_enum_match(st->ev, "已取消", strlen("已取消"))].code, "cancelled");
    assert_string_equal(st->ev[cc_enum_match(st->ev, "Completed", 9)].code, "completed");
    const cc_col_def *ty = &cc_kinds[CC_KIND_PROVIDERS].cols[cc_col_index(&cc_kinds[CC_KIND_PROVIDERS], "type")];
    assert_string_equal(ty->ev[cc_enum_match(ty->ev, "爱心妈妈", strlen("爱心妈妈"))].code, "mother");
    assert_string_equal(ty->ev[cc_enum_match(ty->ev, "社工", strlen("社工"))].code, "social_worker");
}

static void Q(const char *header, const char *want)
{
    const char *out;
    size_t n = cc_question_strip(header, strlen(header), &out);
    assert_int_equal(n, strlen(want));
    assert_memory_equal(out, want, n);
}

static void test_question_strip(void **state)
{
    (void)state;
    Q("12、您对社区育儿服务的总体满意度", "您对社区育儿服务的总体满意度");
    Q("12. 总体满意度", "总体满意度");
    Q("Q12. 总体满意度", "总体满意度");
    Q("Q12、总体满意度", "总体满意度");
    Q("q3.总体满意度", "总体满意度");
    Q("第12题 总体满意度", "总体满意度");
    Q("第3题：总体满意度", "总体满意度");
    Q("  总体满意度  ", "总体满意度");
    Q("12月的活动满意度", "12月的活动满意度");          /* a number that is not a question number */
    Q("QQ群是否好用", "QQ群是否好用");
    Q("12.", "12.");                                    /* nothing left: keep as typed */
}

/* ---- through cc_ingest_files ------------------------------------------------ */

static cc_store *fresh_store(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    unlink(path);
    cc_err e;
    cc_store *s = cc_store_open(path, CC_STORE_CREATE, &e);
    assert_non_null(s);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    return s;
}

static void test_ingest_api(void **state)
{
    (void)state;
    cc_store *s = fresh_store("api.db");
    const char *comm = tmpfile_with("c.csv", "社区编号,社区名称,街道编号,街道名称,常住人口,托位数,普惠托位数,统计日期\n"
                                              "L01,凉水井社区,S01,东城街道,\"14,000\",50,40,\n"
                                              "L01,凉水井社区,S01,东城街道,14500,50,45,2026-07-01\n");
    const char *att = tmpfile_with("a.csv", "activity_id,participant_id,role\nA1,C1,child\nA9,C2,child\n");
    const char *act = tmpfile_with("b.csv", "activity_id,community_id,project,date,hours,capacity,registered,attended\n"
                                             "A1,L01,p,2026-11-16,1.5,10,10,9\n");
    const char *paths[] = {att, act, comm};
    cc_ingest_stats stats[3];
    cc_ingest_opts o = {.kind = CC_KIND_UNKNOWN, .encoding = CC_ENC_AUTO, .rejects_dir = tmpdir};
    char *msgs = NULL;
    size_t msglen = 0;
    FILE *sink = open_memstream(&msgs, &msglen);
    cc_diag_set_sink(sink);
    cc_err e = cc_ingest_files(s, paths, 3, &o, stats);
    fclose(sink);
    cc_diag_set_sink(stderr);
    assert_int_equal(e, CC_OK);
    char want[1024];
    snprintf(want, sizeof want, "carecard: %s:3: column 'activity_id' (活动编号): value 'A9' — no such activity "
             "(not in the activities log)\n", att);
    assert_string_equal(msgs, want);
    free(msgs);
    /* stats in the order given */
    assert_int_equal(stats[0].rows_read, 2);
    assert_int_equal(stats[0].rows_accepted, 1);
    assert_int_equal(stats[0].rows_rejected, 1);
    assert_int_equal(stats[1].rows_accepted, 1);
    assert_int_equal(stats[2].rows_accepted, 2);
    assert_true(stats[0].stored && stats[1].stored && stats[2].stored);
    /* stored in dependency order */
    assert_string_equal(scalar_text(s, "SELECT group_concat(name, ' ') FROM (SELECT name FROM files"
                                       " ORDER BY file_id)"), "c.csv b.csv a.csv");
    /* a missing as_of is the beginning of time, and part of the key */
    assert_int_equal(scalar(s, "SELECT count(*) FROM communities WHERE community_id = 'L01'"), 2);
    assert_int_equal(scalar(s, "SELECT population FROM communities WHERE as_of = '0000-01-01'"), 14000);
    assert_int_equal(scalar(s, "SELECT inclusive_places FROM communities WHERE as_of = '2026-07-01'"), 45);
    assert_int_equal(scalar(s, "SELECT count(*) FROM attendance"), 1);
    assert_int_equal(scalar(s, "SELECT count(*) FROM rejects WHERE column_key = 'activity_id' AND line = 3"), 1);
    char rej[600];
    snprintf(rej, sizeof rej, "%s/a.csv.rejects.csv", tmpdir);
    struct stat st;
    assert_int_equal(stat(rej, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    cc_store_close(s);
}

/* ---- a big attendance file: indexes rebuilt after the load, or kept -------- */

/* The lines of msgs that contain needle (caller frees). */
static char *lines_with(const char *msgs, const char *needle)
{
    char *out = calloc(1, strlen(msgs) + 1);
    assert_non_null(out);
    for (const char *l = msgs; *l;) {
        const char *nl = strchr(l, '\n');
        size_t n = nl ? (size_t)(nl - l + 1) : strlen(l);
        char *line = strndup(l, n);
        if (strstr(line, needle))
            strcat(out, line);
        free(line);
        l += n;
    }
    return out;
}

/* Ingest paths into s with every message captured (caller frees *msgs). */
static cc_err ingest_capture(cc_store *s, const char *const *paths, size_t n, cc_ingest_stats *stats, char **msgs)
{
    cc_ingest_opts o = {.kind = CC_KIND_UNKNOWN, .encoding = CC_ENC_AUTO, .rejects_dir = tmpdir};
    size_t len = 0;
    FILE *sink = open_memstream(msgs, &len);
    cc_diag_set_sink(sink);
    cc_diag_set_verbosity(CC_DIAG_VERBOSE);
    cc_err e = cc_ingest_files(s, paths, n, &o, stats);
    cc_diag_set_verbosity(CC_DIAG_NOTICE);
    fclose(sink);
    cc_diag_set_sink(stderr);
    return e;
}

enum { BIG_ROWS = 230000, BIG_REPEATS = 150 };

/* big.csv, past 8 MiB: BIG_ROWS keys over two activities, then BIG_REPEATS
 * rows repeating, with other values, the keys of rows ... 2000, 1000, 0 (the
 * key order of the repeats is not their line order), then the key of row 0 a
 * third time. */
static const char *big_attendance(void)
{
    static char path[600];
    snprintf(path, sizeof path, "%s/big.csv", tmpdir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("activity_id,participant_id,household_id,role,special,name\n", f);
    for (int i = 0; i < BIG_ROWS; i++)
        fprintf(f, "A%d,P%08d,H%08d,child,N,name%06d\n", 1 + i % 2, i, i / 3, i);
    for (int k = 0; k < BIG_REPEATS; k++)
        fprintf(f, "A1,P%08d,,volunteer,Y,again%d\n", (BIG_REPEATS - 1 - k) * 1000, k);
    fputs("A1,P00000000,H1,elder,,third\n", f);
    long size = ftell(f);
    fclose(f);
    assert_true(size >= 8L << 20);
    return path;
}

static void test_big_attendance_repeats(void **state)
{
    (void)state;
    const char *comm = tmpfile_with("c.csv", "community_id,community_name,street_id,street_name,population\n"
                                              "L01,一,S01,东城街道,1000\n");
    const char *act = tmpfile_with("b.csv", "activity_id,community_id,project,date,hours,capacity,registered,attended\n"
                                             "A1,L01,p,2026-11-16,1,10,10,9\nA2,L01,p,2026-11-24,1,10,10,9\n");
    /* an earlier file: a key big.csv brings again (row 5), and one of its own */
    const char *early = tmpfile_with("e.csv", "activity_id,participant_id,household_id,role,special,name\n"
                                               "A2,P00000005,HE,other,,early\nA2,Q1,,child,Y,own\n");
    const char *big = big_attendance();
    const char *first[] = {comm, act, early};
    char *repeats[2], *msgs;
    cc_store *s[2];
    for (int m = 0; m < 2; m++) {           /* 0: rebuilt after the load, 1: kept during it */
        s[m] = fresh_store(m ? "kept.db" : "rebuilt.db");
        cc_ingest_stats st[3];
        assert_int_equal(ingest_capture(s[m], first, 3, st, &msgs), CC_OK);
        free(msgs);
        if (m)
            assert_int_equal(sqlite3_exec(s[m]->db, "UPDATE files SET rows_accepted = 1000000000"
                                                    " WHERE name = 'e.csv'", NULL, NULL, NULL), SQLITE_OK);
        assert_int_equal(ingest_capture(s[m], &big, 1, st, &msgs), CC_OK);
        assert_non_null(strstr(msgs, m ? "indexes kept during the load" : "indexes rebuilt after the load"));
        /* every row accepted; the repeats inside the file counted and said
         * (the first 100, in line order), the key of e.csv replaced silently */
        assert_int_equal(st[0].rows_read, BIG_ROWS + BIG_REPEATS + 1);
        assert_int_equal(st[0].rows_accepted, BIG_ROWS + BIG_REPEATS + 1);
        assert_int_equal(st[0].rows_rejected, 0);
        assert_int_equal(st[0].replaced, BIG_REPEATS + 1);
        assert_int_equal(st[0].notices, 100);
        assert_true(st[0].stored);
        repeats[m] = lines_with(msgs, "repeat");
        free(msgs);
        char want[1200];
        snprintf(want, sizeof want, "carecard: %s:%d: activity_id 'A1|P00149000' repeats line 149002; the later"
                 " row (line %d) replaces it\ncarecard: %s:%d: activity_id 'A1|P00148000' repeats line 148002;",
                 big, BIG_ROWS + 2, BIG_ROWS + 2, big, BIG_ROWS + 3);
        assert_memory_equal(repeats[m], want, strlen(want));
        snprintf(want, sizeof want, "carecard: %s: 51 more repeated keys not shown\n", big);
        assert_string_equal(repeats[m] + strlen(repeats[m]) - strlen(want), want);
        assert_null(strstr(repeats[m], "P00000005'"));
        /* one row a key; the last row of a key won */
        assert_int_equal(scalar(s[m], "SELECT count(*) FROM attendance"), BIG_ROWS + 1);
        snprintf(want, sizeof want, "third %d elder - H1", BIG_ROWS + BIG_REPEATS + 2);
        assert_string_equal(scalar_text(s[m], "SELECT name || ' ' || line || ' ' || role || ' '"
                                              " || coalesce(special, '-') || ' ' || household_id"
                                              " FROM attendance WHERE participant_id = 'P00000000'"), want);
        assert_string_equal(scalar_text(s[m], "SELECT name || ' ' || role || ' ' || special || ' '"
                                              " || coalesce(household_id, '-') FROM attendance"
                                              " WHERE participant_id = 'P00149000'"), "again0 volunteer 1 -");
        assert_string_equal(scalar_text(s[m], "SELECT a.name || ' ' || f.name FROM attendance a"
                                              " JOIN files f USING (file_id)"
                                              " WHERE participant_id = 'P00000005'"), "name000005 big.csv");
        assert_string_equal(scalar_text(s[m], "SELECT name FROM attendance WHERE participant_id = 'Q1'"), "own");
        assert_int_equal(scalar(s[m], "SELECT count(*) FROM pragma_index_list('attendance')"
                                      " WHERE name = 'attendance_key' AND \"unique\" = 1"), 1);
        /* the repeats but the third row of P00000000, and Q1 */
        assert_int_equal(scalar(s[m], "SELECT count(*) FROM attendance WHERE special = 1"), BIG_REPEATS);
        /* the rosters: one participant a day, each counted once */
        assert_int_equal(scalar(s[m], "SELECT sum(length(roster)) / 10 FROM attendance_weeks"), BIG_ROWS + 1);
    }
    assert_string_equal(repeats[0], repeats[1]);
    /* the same rows either way */
    char sql[1200];
    snprintf(sql, sizeof sql, "ATTACH '%s/kept.db' AS kept", tmpdir);
    assert_int_equal(sqlite3_exec(s[0]->db, sql, NULL, NULL, NULL), SQLITE_OK);
    const char *cols = "activity_id, participant_id, household_id, role, special, name, line";
    snprintf(sql, sizeof sql, "SELECT count(*) FROM (SELECT %s FROM attendance EXCEPT SELECT %s FROM kept.attendance)",
             cols, cols);
    assert_int_equal(scalar(s[0], sql), 0);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM (SELECT %s FROM kept.attendance EXCEPT SELECT %s FROM attendance)",
             cols, cols);
    assert_int_equal(scalar(s[0], sql), 0);
    for (int m = 0; m < 2; m++) {
        free(repeats[m]);
        cc_store_close(s[m]);
    }
}

static void test_expand(void **state)
{
    (void)state;
    char dir[600];
    snprintf(dir, sizeof dir, "%s/inbox", tmpdir);
    mkdir(dir, 0700);
    tmpfile_with("inbox/b.csv", "x\n");
    tmpfile_with("inbox/a.tsv", "x\n");
    tmpfile_with("inbox/c.txt", "x\n");
    tmpfile_with("inbox/b.csv.rejects.csv", "x\n");
    tmpfile_with("inbox/.hidden.csv", "x\n");
    const char *args[] = {dir, "plain.csv"};
    char **paths;
    size_t n;
    assert_int_equal(cc_ingest_expand(args, 2, &paths, &n), CC_OK);
    assert_int_equal(n, 3);
    char want[700];
    snprintf(want, sizeof want, "%s/a.tsv", dir);
    assert_string_equal(paths[0], want);
    snprintf(want, sizeof want, "%s/b.csv", dir);
    assert_string_equal(paths[1], want);
    assert_string_equal(paths[2], "plain.csv");
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kind_names),
        cmocka_unit_test(test_header_match),
        cmocka_unit_test(test_enum_match),
        cmocka_unit_test(test_question_strip),
        cmocka_unit_test(test_ingest_api),
        cmocka_unit_test(test_expand),
        cmocka_unit_test(test_big_attendance_repeats),
    };
    return cmocka_run_group_tests_name("ingest", tests, setup, teardown);
}
