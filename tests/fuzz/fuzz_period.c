/* libFuzzer target: the period parser (--period: 2026-W47 2026-11 2026-Q4
 * 2026Q4 2026, custom ranges) and the window parser (period, last:13w), with
 * round trips: a parsed period's id parses back to the same days, its
 * previous period ends the day before it starts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "model/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_quiet();
    char s[128];
    if (size >= sizeof s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    cc_period p;
    if (cc_period_parse(s, &p) == CC_OK) {
        if (p.from > p.to || !memchr(p.id, '\0', sizeof p.id))
            abort();
        cc_period q;
        if (cc_period_parse(p.id, &q) != CC_OK || q.from != p.from || q.to != p.to || q.kind != p.kind ||
            strcmp(q.id, p.id))
            abort();                        /* the id reads back as the same period */
        cc_period prev = cc_period_prev(&p);
        if (prev.to != p.from - 1 || prev.kind != p.kind || prev.from > prev.to)
            abort();
        if (p.kind != CC_PERIOD_CUSTOM) {
            cc_period of = cc_period_of(p.kind, p.from), of2 = cc_period_of(p.kind, p.to);
            if (of.from != p.from || of.to != p.to || of2.from != p.from || strcmp(of.id, p.id))
                abort();
            if (prev.to - prev.from > 400 || p.to - p.from > 400)
                abort();
        }
        if (p.kind == CC_PERIOD_WEEK) {
            int y, w;
            cc_iso_week(p.from, &y, &w);
            if (w < 1 || w > 53 || p.to - p.from != 6)
                abort();
        }
        (void)cc_period_kind_name(p.kind);
        (void)cc_period_unit_zh(p.kind);
    }
    cc_window w;
    if (cc_window_parse(s, &w) == CC_OK) {
        char out[64];
        cc_window_format(&w, out, sizeof out);
        cc_window w2;
        if (cc_window_parse(out, &w2) != CC_OK || w2.unit != w.unit || w2.n != w.n)
            abort();
        cc_period wk;
        if (cc_period_parse("2026-W47", &wk) != CC_OK)
            abort();
        cc_day from, to;
        cc_window_range(&w, &wk, &from, &to);
        if (from > to || to != wk.to)
            abort();
    }
    return 0;
}
