/* ingest/roster — the attendance rosters (attendance_weeks) an activities or
 * attendance file changes, rebuilt before its commit. */
#include "ingest/ingest_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- attendance rosters --------------------------------------------------------
 * attendance_weeks (lib/store/rollup.c) is derived from activities and
 * attendance; an activities or attendance file rebuilds, before its commit,
 * every week it changed: the dates of the activities it stores (and the old
 * date of an activity it replaces), the dates of the activities its
 * attendance rows belong to, and the dates of the rows an earlier version of
 * the same file name had. */
static void roster_touch(file_ctx *f, cc_day d)
{
    if (f->roster_lo > f->roster_hi) {
        f->roster_lo = f->roster_hi = d;
    } else {
        if (d < f->roster_lo)
            f->roster_lo = d;
        if (d > f->roster_hi)
            f->roster_hi = d;
    }
}

static void roster_touch_text(file_ctx *f, sqlite3_stmt *q, int col)
{
    cc_day d;
    const char *t = (const char *)sqlite3_column_text(q, col);
    if (t && cc_parse_date(t, (size_t)sqlite3_column_bytes(q, col), &d) == CC_PARSE_OK)
        roster_touch(f, d);
}

/* Before remove_earlier_versions: the days of the rows it is going to remove. */
int ingest_roster_note_removed(file_ctx *f)
{
    static const char *const sql[] = {
        "SELECT min(date), max(date) FROM activities WHERE file_id = ?1",
        "SELECT min(a.date), max(a.date) FROM activities a WHERE a.activity_id IN"
        " (SELECT activity_id FROM attendance WHERE file_id = ?1)",
    };
    sqlite3_stmt *q, *r;
    int rc = 0;
    f->roster_lo = 1;
    f->roster_hi = 0;
    if (ingest_prep(f, "SELECT file_id, kind FROM files WHERE name = ? AND file_id <> ? AND superseded_by IS NULL",
                    &q) < 0)
        return -1;
    sqlite3_bind_text(q, 1, f->name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, f->file_id);
    while (!rc && sqlite3_step(q) == SQLITE_ROW) {
        const char *kind = (const char *)sqlite3_column_text(q, 1);
        int k = !kind ? -1 : !strcmp(kind, "activities") ? 0 : !strcmp(kind, "attendance") ? 1 : -1;
        if (k < 0) {
            f->chg_removed_other = 1;   /* its days are not looked up (forget.c) */
            continue;
        }
        if (ingest_prep(f, sql[k], &r) < 0) {
            rc = -1;
            break;
        }
        sqlite3_bind_int64(r, 1, sqlite3_column_int64(q, 0));
        int src = sqlite3_step(r);
        if (src == SQLITE_ROW) {
            roster_touch_text(f, r, 0);
            roster_touch_text(f, r, 1);
        } else {
            cc_store_err(f->s, src, "finding the weeks of a replaced file");
            rc = -1;
        }
        sqlite3_finalize(r);
    }
    sqlite3_finalize(q);
    return rc;
}

/* After remove_earlier_versions: what to note per row. */
int ingest_roster_prepare(file_ctx *f)
{
    f->roster_x = -1;
    f->roster_last[0] = '\0';
    if (f->kind == CC_KIND_ACTIVITIES) {
        sqlite3_stmt *q;
        f->roster_x = cc_col_index(f->kd, "date");
        if (ingest_prep(f, "SELECT 1 FROM activities LIMIT 1", &q) < 0)
            return -1;
        f->roster_old = sqlite3_step(q) == SQLITE_ROW;
        sqlite3_finalize(q);
    } else if (f->kind == CC_KIND_ATTENDANCE) {
        f->roster_x = cc_col_index(f->kd, "activity_id");
        f->rx_p = cc_col_index(f->kd, "participant_id");
        f->rx_h = cc_col_index(f->kd, "household_id");
        f->rx_role = cc_col_index(f->kd, "role");
        f->rx_special = cc_col_index(f->kd, "special");
        f->ract.ok = 0;
        /* CARECARD_ROSTER_READBACK=1: every week read back (the old way; tests compare) */
        if (!cc_tuning_get()->roster_readback && f->rx_p >= 0 && f->rx_h >= 0 && f->rx_role >= 0 && f->rx_special >= 0)
            f->feed = cc_roster_feed_new(ingest_threads_wanted() > 1);
        /* one lookup per activity: the reference check, the week touched, the roster */
        return ingest_prep(f, "SELECT date, community_id, status FROM activities WHERE activity_id = ?", &f->roster_q);
    }
    if (f->roster_x < 0)
        return 0;
    return ingest_prep(f, "SELECT date FROM activities WHERE activity_id = ?", &f->roster_q);
}

/* Attendance: whether activity (s, n) is stored (check_refs), noting its
 * day, community and status in f->ract; rows come by activity, so the last
 * one is remembered. */
int ingest_roster_activity(file_ctx *f, const char *s, size_t n)
{
    if (f->ract.ok && strlen(f->roster_last) == n && !memcmp(f->roster_last, s, n))
        return 1;
    f->ract.ok = 0;
    f->roster_last[0] = '\0';
    sqlite3_reset(f->roster_q);
    sqlite3_bind_text(f->roster_q, 1, s, (int)n, SQLITE_STATIC);
    if (sqlite3_step(f->roster_q) != SQLITE_ROW) {
        sqlite3_reset(f->roster_q);
        return 0;
    }
    const char *d = (const char *)sqlite3_column_text(f->roster_q, 0);
    const char *c = (const char *)sqlite3_column_text(f->roster_q, 1);
    const char *st = (const char *)sqlite3_column_text(f->roster_q, 2);
    if (d && c && cc_parse_date(d, (size_t)sqlite3_column_bytes(f->roster_q, 0), &f->ract.day) == CC_PARSE_OK) {
        f->ract.ok = 1;
        f->ract.completed = st && !strcmp(st, "completed");
        f->ract.comm = f->feed ? cc_roster_feed_community(f->feed, c, (size_t)sqlite3_column_bytes(f->roster_q, 1)) : 0;
        if (n <= ID_MAX * 4) {
            memcpy(f->roster_last, s, n);
            f->roster_last[n] = '\0';
        }
    }
    sqlite3_reset(f->roster_q);
    return 1;
}

/* The date of activity (s, n) as it is stored now, if it is. */
static int roster_touch_activity(file_ctx *f, const char *s, size_t n)
{
    sqlite3_reset(f->roster_q);
    sqlite3_bind_text(f->roster_q, 1, s, (int)n, SQLITE_STATIC);
    int rc = sqlite3_step(f->roster_q);
    if (rc == SQLITE_ROW)
        roster_touch_text(f, f->roster_q, 0);
    sqlite3_reset(f->roster_q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        cc_store_err(f->s, rc, "finding an activity's date");
        return -1;
    }
    return 0;
}

/* An accepted row (the i-th of its group), before it is stored. */
int ingest_roster_note_row(file_ctx *f, int i)
{
    if (f->roster_x < 0)
        return 0;
    const val *v = &f->v[f->roster_x];
    if (f->kind == CC_KIND_ATTENDANCE) {      /* looked up by check_refs */
        if (f->rgroup[i].ok)
            roster_touch(f, f->rgroup[i].day);
        return 0;
    }
    if (f->kind == CC_KIND_ACTIVITIES) {
        if (v->st == CC_PARSE_OK)
            roster_touch(f, v->day);
        /* the activity it replaces may have been in another week */
        return f->roster_old ? roster_touch_activity(f, f->v[0].s, f->v[0].n) : 0;
    }
    /* attendance: rows come by activity; look each one up once */
    if (v->st != CC_PARSE_OK || (strlen(f->roster_last) == v->n && !memcmp(f->roster_last, v->s, v->n)))
        return 0;
    if (v->n <= ID_MAX * 4) {
        memcpy(f->roster_last, v->s, v->n);
        f->roster_last[v->n] = '\0';
    }
    return roster_touch_activity(f, v->s, v->n);
}

/* Attendance: the i-th row of its group is stored (f->rreplaced: in place
 * of a stored row); hand it to the feed. */
void ingest_roster_stored(file_ctx *f, int i)
{
    if (!f->feed)
        return;
    const struct roster_act *a = &f->rgroup[i];
    if (!a->ok) {             /* not looked up (cannot be): read every week back */
        cc_roster_feed_free(f->feed);
        f->feed = NULL;
        return;
    }
    if (f->rreplaced)
        cc_roster_feed_readback(f->feed, a->day);
    if (!a->completed)
        return;
    const val *p = &f->v[f->rx_p], *h = &f->v[f->rx_h], *role = &f->v[f->rx_role], *sp = &f->v[f->rx_special];
    unsigned fl = 0;
    if (role->st == CC_PARSE_OK && role->code) {
        if (!strcmp(role->code, "child"))
            fl |= CC_ROSTER_CHILD;
        else if (!strcmp(role->code, "volunteer"))
            fl |= CC_ROSTER_VOLUNTEER;
    }
    if (sp->st == CC_PARSE_OK) {
        fl |= CC_ROSTER_KNOWN;
        if (sp->b == 1)
            fl |= CC_ROSTER_SPECIAL;
    }
    cc_roster_feed_row(f->feed, a->day, a->comm, p->s, p->n, h->st == CC_PARSE_OK ? h->s : NULL,
                       h->st == CC_PARSE_OK ? h->n : 0, fl);
}

/* Before commit: rebuild the weeks this file changed. */
cc_err ingest_roster_rollup(file_ctx *f)
{
    sqlite3_finalize(f->roster_q);
    f->roster_q = NULL;
    cc_roster_feed *feed = f->feed;
    f->feed = NULL;
    if (f->roster_lo > f->roster_hi) {
        cc_roster_feed_free(feed);
        return CC_OK;
    }
    char a[11], b[11];
    cc_day_format(f->roster_lo, a);
    cc_day_format(f->roster_hi, b);
    cc_verbose("%s: rebuilding the attendance rosters of the weeks %s .. %s", f->path, a, b);
    if (feed)
        return cc_store_rollup_feed(f->s, f->roster_lo, f->roster_hi, feed);
    return cc_store_rollup_weeks(f->s, f->roster_lo, f->roster_hi);
}
