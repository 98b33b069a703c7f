/* ingest/forget — the kept raw statuses (store/raw_status.c) a file can
 * change, forgotten in the file's own transaction.
 *
 * A period's raw statuses depend on the rows dated in its windows, which end
 * on the period's last day: a file forgets every period ending on or after
 * the earliest day it changed.  Activities and attendance: the days their
 * rosters are rebuilt for (roster.c: the rows' days, the old day of a
 * replaced activity, the days of an earlier version's rows; every week when
 * the earlier version was of another kind).  The other
 * dated kinds: the days of the rows stored; a row that replaces one another
 * file stored, or an earlier version removed, forgets every period (the
 * rows' old days are not looked up).  A register forgets every period (the
 * key changes anyway: cc_store_raw_key). */
#include "ingest/ingest_int.h"

#include <stdint.h>

void ingest_forget_prepare(file_ctx *f)
{
    static const char *const col[CC_KIND_COUNT] = {
        [CC_KIND_SURVEYS] = "date", [CC_KIND_ASSESSMENTS] = "date", [CC_KIND_TRAININGS] = "date",
        [CC_KIND_TIMEBANK] = "date", [CC_KIND_FEEDBACK] = "received",
    };
    f->chg_lo = INT32_MAX;
    f->chg_x = f->kind >= 0 && f->kind < CC_KIND_COUNT && col[f->kind] ? cc_col_index(f->kd, col[f->kind]) : -1;
}

void ingest_forget_note_row(file_ctx *f)
{
    if (f->chg_x < 0)
        return;
    const val *v = &f->v[f->chg_x];
    if (v->st == CC_PARSE_OK && v->day < f->chg_lo)
        f->chg_lo = v->day;
}

cc_err ingest_forget(file_ctx *f)
{
    switch (f->kind) {
    case CC_KIND_ACTIVITIES:
    case CC_KIND_ATTENDANCE:
        if (f->chg_removed_other)   /* the same name held another kind before */
            return cc_store_raw_forget(f->s, 0, 1);
        return f->roster_lo <= f->roster_hi ? cc_store_raw_forget(f->s, f->roster_lo, 0) : CC_OK;
    case CC_KIND_COMMUNITIES:
    case CC_KIND_PROVIDERS:
        return cc_store_raw_forget(f->s, 0, 1);
    default:
        if (f->chg_other || f->chg_removed)
            return cc_store_raw_forget(f->s, 0, 1);
        return f->chg_lo != INT32_MAX ? cc_store_raw_forget(f->s, f->chg_lo, 0) : CC_OK;
    }
}
