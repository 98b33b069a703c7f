/* Unit tests of lib/base: strings, UTF-8, trimming. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "base/intern.h"

static void test_buf(void **state)
{
    (void)state;
    cc_buf b = CC_BUF_INIT;
    cc_buf_adds(&b, "社区");
    cc_buf_addf(&b, "-%d", 47);
    cc_buf_addc(&b, '!');
    assert_string_equal(b.s, "社区-47!");
    assert_int_equal(b.len, strlen("社区-47!"));
    char *s = cc_buf_detach(&b);
    assert_null(b.s);
    free(s);
}

static void test_utf8(void **state)
{
    (void)state;
    assert_true(cc_utf8_valid("凉水井", strlen("凉水井")));
    assert_false(cc_utf8_valid("\xc0\xaf", 2));          /* overlong */
    assert_false(cc_utf8_valid("\xed\xa0\x80", 3));      /* surrogate */
    assert_false(cc_utf8_valid("\xe5\x87", 2));          /* truncated */
    assert_int_equal(cc_utf8_len("凉水井ab", strlen("凉水井ab")), 5);
    assert_int_equal(cc_utf8_width("凉水井ab"), 8);
    assert_int_equal(cc_utf8_width("（A）"), 5);
}

static void test_trim(void **state)
{
    (void)state;
    const char *s = "\xe3\x80\x80 P4 \t";
    size_t n = strlen(s);
    const char *t = cc_trim(s, &n);
    assert_int_equal(n, 2);
    assert_memory_equal(t, "P4", 2);
}

/* cc_intern: dense numbers in order of first appearance, the text back
 * (with its length, a NUL inside included), across many growths. */
static void test_intern(void **state)
{
    (void)state;
    cc_intern t = CC_INTERN_INIT;
    assert_int_equal(cc_intern_find(&t, "a", 1), UINT32_MAX);
    assert_int_equal(cc_intern_id(&t, "a", 1), 0);
    assert_int_equal(cc_intern_id(&t, "", 0), 1);
    assert_int_equal(cc_intern_id(&t, "a\0b", 3), 2);
    assert_int_equal(cc_intern_id(&t, "a", 1), 0);
    assert_int_equal(cc_intern_id(&t, "a\0b", 3), 2);
    assert_int_equal(cc_intern_find(&t, "a\0c", 3), UINT32_MAX);
    char buf[32];
    for (int i = 0; i < 100000; i++) {
        int n = snprintf(buf, sizeof buf, "P%0*d", 1 + i % 20, i);
        assert_int_equal(cc_intern_id(&t, buf, (size_t)n), (uint32_t)i + 3);
    }
    for (int i = 0; i < 100000; i += 7) {
        int n = snprintf(buf, sizeof buf, "P%0*d", 1 + i % 20, i);
        assert_int_equal(cc_intern_find(&t, buf, (size_t)n), (uint32_t)i + 3);
        size_t len;
        const char *x = cc_intern_text(&t, (uint32_t)i + 3, &len);
        assert_int_equal(len, (size_t)n);
        assert_memory_equal(x, buf, len);
        assert_int_equal(x[len], '\0');
    }
    size_t len;
    const char *x = cc_intern_text(&t, 2, &len);
    assert_int_equal(len, 3);
    assert_memory_equal(x, "a\0b", 3);
    x = cc_intern_text(&t, 1, &len);
    assert_int_equal(len, 0);
    assert_int_equal(t.n, 100003);
    assert_true(cc_intern_bytes(&t) > 100000);
    cc_intern_release(&t);
    assert_int_equal(t.n, 0);
}

/* cc_intern_ids numbers a batch as cc_intern_id one by one would: repeats
 * inside a batch, texts seen in earlier batches, growth in the middle of a
 * batch, an empty table, batches longer than its stage buffers. */
static void test_intern_ids(void **state)
{
    (void)state;
    cc_intern a = CC_INTERN_INIT, b = CC_INTERN_INIT;
    enum { N = 200 };
    char text[N][16];
    const char *s[N];
    size_t len[N];
    uint32_t out[N];
    unsigned x = 12345;
    for (int round = 0; round < 300; round++) {
        size_t n = (size_t)(round % 7 == 0 ? N : 1 + round % 40);
        for (size_t i = 0; i < n; i++) {
            x = x * 1103515245u + 12345u;
            int v = (int)((x >> 8) % (unsigned)(200 + round * 40));
            len[i] = (size_t)snprintf(text[i], sizeof text[i], "K%07d", v);
            s[i] = text[i];
        }
        cc_intern_ids(&a, n, s, len, out);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(out[i], cc_intern_id(&b, s[i], len[i]));
    }
    assert_int_equal(a.n, b.n);
    cc_intern_ids(&a, 0, s, len, out);
    assert_int_equal(a.n, b.n);
    cc_intern_release(&a);
    cc_intern_release(&b);
}

/* A message longer than any fixed buffer is printed whole: 3,000 × "锦城社区、"
 * (15 bytes each, 45,000 bytes) ends with its last character, valid UTF-8,
 * and the newline (it was cut at 4,096 bytes inside a character). */
static void test_diag_whole(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cc_diag_set_sink(f);
    cc_buf b = CC_BUF_INIT;
    for (int i = 0; i < 3000; i++)
        cc_buf_adds(&b, "锦城社区、");
    cc_warn("2026-W40: 3000 communities did not report: %s末尾", b.s);
    fclose(f);
    cc_diag_set_sink(NULL);
    assert_int_equal(len, strlen("carecard: 2026-W40: 3000 communities did not report: ") + 45000 + strlen("末尾\n"));
    assert_true(cc_utf8_valid(buf, len));
    assert_string_equal(buf + len - strlen("末尾\n"), "末尾\n");
    free(buf);
    cc_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf),
        cmocka_unit_test(test_diag_whole),
        cmocka_unit_test(test_intern),
        cmocka_unit_test(test_intern_ids),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_trim),
    };
    return cmocka_run_group_tests_name("base", tests, NULL, NULL);
}
