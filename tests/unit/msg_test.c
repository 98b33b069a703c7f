/* Unit tests of the Chinese message catalog (lib/ingest/msg_zh.c): messages
 * rebuilt from their pieces, places kept, unknown text left alone, and a
 * long message translated in linear time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "carecard.h"

static void expect_zh(const char *en, const char *zh)
{
    char *t = cc_msg_zh(en);
    assert_non_null(t);
    assert_string_equal(t, zh);
    free(t);
}

static void test_reject_reasons(void **state)
{
    (void)state;
    /* "FILE:LINE: reason", the reason "column … : value … — expected …" */
    expect_zh("a:b.csv:12: column 'attended' (实到人数): value '-3' — expected integer ≥ 0",
              "a:b.csv:12: 列“实到人数”(attended)：值“-3” — 应为 ≥ 0 的整数");
    expect_zh("x.csv:3: column 'hours' (时长): value '25' — expected number > 0 and ≤ 24",
              "x.csv:3: 列“时长”(hours)：值“25” — 应为 大于 0 且不大于 24 的数");
    expect_zh("x.csv:9: column 'children' (其中儿童): value '19' — expected ≤ attended (16)",
              "x.csv:9: 列“其中儿童”(children)：值“19” — 应不大于 attended（16）");
    expect_zh("x.csv:2: column 'date' (活动日期): missing — required", "x.csv:2: 列“活动日期”(date)：缺失 — 必填");
    /* the rejects file's 原因 is the reason alone */
    expect_zh("column 'community_id' (社区编号): value 'X9' — no such community in the communities register",
              "列“社区编号”(community_id)：值“X9” — 社区名册中没有这个社区");
}

static void test_messages(void **state)
{
    (void)state;
    expect_zh("in/fb.csv: already ingested on 2026-11-24 07:30:00 +08:00 Asia/Shanghai (same SHA-256); skipped",
              "in/fb.csv: 已于 2026-11-24 07:30:00 +08:00 Asia/Shanghai 导入（SHA-256 相同），跳过");
    expect_zh("e.csv: not stored (no file was stored before it)", "e.csv: 未导入（在它之前没有导入任何文件）");
    expect_zh("q.csv: unterminated quoted field starting on line 3", "q.csv: 从第 3 行开始的引号没有闭合");
    /* nothing of it in the catalog: NULL (printed in English) */
    assert_null(cc_msg_zh("indicators.ini:12: [P1] target = 'x'; expected a number"));
    assert_null(cc_msg_zh("something else entirely"));
    assert_null(cc_msg_zh(""));
}

/* 3,000 communities that did not report (about 60 KB): translated whole, in
 * well under a second (the matcher rejects rows by their literal ending). */
static void test_long_message(void **state)
{
    (void)state;
    cc_buf b = CC_BUF_INIT;
    cc_buf_adds(&b, "report 2026-W40: 3000 communities did not report: ");
    for (int i = 0; i < 3000; i++)
        cc_buf_addf(&b, "%sS%04dC01 (锦城社区)", i ? ", " : "", i);
    clock_t t0 = clock();
    char *t = cc_msg_zh(b.s);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    assert_non_null(t);
    const char *want = "报告 2026-W40：3000 个社区未报送：S0000C01 (锦城社区), ";
    assert_memory_equal(t, want, strlen(want));
    assert_string_equal(t + strlen(t) - strlen("S2999C01 (锦城社区)"), "S2999C01 (锦城社区)");
    assert_true(secs < 0.5);
    free(t);
    cc_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reject_reasons),
        cmocka_unit_test(test_messages),
        cmocka_unit_test(test_long_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
