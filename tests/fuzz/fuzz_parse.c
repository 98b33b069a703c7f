/* libFuzzer target: the value parsers and the header/enumeration/question
 * matching of ingest, with round-trip checks. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/kinds.h"
#include "text/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    cc_day d;
    if (cc_parse_date(s, size, &d) == CC_PARSE_OK) {
        char buf[11];
        cc_day_format(d, buf);
        cc_day d2;
        int y, m, dd;
        cc_day_to_ymd(d, &y, &m, &dd);
        if (!cc_ymd_valid(y, m, dd) || cc_day_from_ymd(y, m, dd) != d)
            abort();
        if (cc_parse_date(buf, 10, &d2) != CC_PARSE_OK || d2 != d)
            abort();
    }
    int secs;
    if (cc_parse_time(s, size, &secs) == CC_PARSE_OK) {
        if (secs < 0 || secs >= 86400)
            abort();
        char buf[9];
        cc_time_format(secs, buf);
        int s2;
        if (cc_parse_time(buf, 8, &s2) != CC_PARSE_OK || s2 != secs)
            abort();
    }
    int b;
    if (cc_parse_bool(s, size, &b) == CC_PARSE_OK && b != 0 && b != 1)
        abort();
    int64_t i;
    if (cc_parse_int(s, size, &i) == CC_PARSE_OK) {
        char buf[32];
        int n = snprintf(buf, sizeof buf, "%lld", (long long)i);
        int64_t i2;
        if (cc_parse_int(buf, (size_t)n, &i2) != CC_PARSE_OK || i2 != i)
            abort();
    }
    double x;
    if (cc_parse_number(s, size, &x) == CC_PARSE_OK && x != x)
        abort();
    char out[256];
    cc_fold_fullwidth(s, size, out, sizeof out);
    cc_header_norm(s, size, out, sizeof out);
    for (int k = 0; k < CC_KIND_COUNT; k++) {
        int c = cc_header_match(&cc_kinds[k], s, size);
        if (c >= cc_kinds[k].ncols)
            abort();
        for (int j = 0; j < cc_kinds[k].ncols; j++)
            if (cc_kinds[k].cols[j].ev && cc_enum_match(cc_kinds[k].cols[j].ev, s, size) < -1)
                abort();
    }
    const char *q;
    size_t qn = cc_question_strip(s, size, &q);
    if (qn > size || (qn && (q < s || q + qn > s + size)))
        abort();
    return 0;
}
