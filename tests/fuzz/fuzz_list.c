/* libFuzzer target: the list-cell splitter (partners: ; | ； 、) and the
 * survey answer parsers (KANO, Likert, yes/no) and question-number
 * stripping: items stay inside the cell, are non-empty and trimmed, the
 * cursor only moves forward; answers stay in their ranges. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "ingest/kinds.h"
#include "text/text.h"

static int blank_at(const char *p, size_t n)
{
    return *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' ||
           (n >= 3 && (unsigned char)p[0] == 0xE3 && (unsigned char)p[1] == 0x80 && (unsigned char)p[2] == 0x80);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_quiet();
    const char *s = (const char *)data;
    size_t pos = 0, steps = 0, last = 0;
    const char *item;
    size_t len;
    while (cc_list_next(s, size, &pos, &item, &len)) {
        if (item < s || item + len > s + size || len == 0)
            abort();
        if (blank_at(item, len) || item[len - 1] == ' ' || item[len - 1] == '\t')
            abort();
        if (memchr(item, ';', len) || memchr(item, '|', len))
            abort();
        if (pos != CC_LIST_END && (pos <= last || pos > size))
            abort();
        if (pos != CC_LIST_END)
            last = pos;
        if (++steps > size + 1)
            abort();                        /* it always ends */
    }
    char *z = cc_xstrndup(s, size);         /* the answer parsers take C strings */
    int k = cc_kano_answer(z), l = cc_likert_answer(z), y = cc_yesno_answer(z);
    if (k < 0 || k > 5 || l < 0 || l > 5 || y < 0 || y > 2)
        abort();
    const char *q;
    size_t ql = cc_question_strip(z, strlen(z), &q);
    if (q < z || q + ql > z + strlen(z))
        abort();
    const char *q2;
    if (cc_question_strip(q, ql, &q2) > ql)
        abort();
    free(z);
    return 0;
}
