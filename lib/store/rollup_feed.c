/* rollup_feed — the rosters from the rows in hand: at the end of an ingest,
 * the feed's weeks numbered, sorted and written as a read-back week is
 * (rollup_write_week), and the weeks that must be read back rebuilt.
 */
#include "store/rollup_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int cmp_day(const void *a, const void *b)
{
    cc_day x = *(const cc_day *)a, y = *(const cc_day *)b;
    return x < y ? -1 : x > y;
}

static int cmp_fweek(const void *a, const void *b)
{
    return cmp_day(&((const fweek *)a)->monday, &((const fweek *)b)->monday);
}

static int is_readback(const cc_roster_feed *f, cc_day monday)
{
    return f->nrb && bsearch(&monday, f->rb, f->nrb, sizeof *f->rb, cmp_day) != NULL;
}

/* The weeks of [w0, w1] that have rosters now: to be read back. */
static cc_err note_weeks_with_rosters(rollup *r, cc_roster_feed *f, const char *w0, const char *w1)
{
    sqlite3_stmt *q;
    int rc = rollup_prep(r, "SELECT DISTINCT week FROM attendance_weeks WHERE week BETWEEN ?1 AND ?2", &q);
    if (rc != SQLITE_OK)
        return cc_store_err(r->s, rc, "building attendance rosters");
    sqlite3_bind_text(q, 1, w0, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, w1, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        cc_day d;
        const char *t = (const char *)sqlite3_column_text(q, 0);
        if (t && cc_parse_date(t, (size_t)sqlite3_column_bytes(q, 0), &d) == CC_PARSE_OK)
            cc_roster_feed_readback(f, d);
    }
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE)
        return cc_store_err(r->s, rc, "building attendance rosters");
    return CC_OK;
}

static cc_err feed_write_week(rollup *r, cc_roster_feed *f, fweek *w, const uint32_t *map, const uint32_t *cmap)
{
    if (w->total > r->cap) {
        free(r->e);
        r->cap = w->total;
        r->e = cc_xmalloc(r->cap * sizeof *r->e);
    }
    r->n = 0;
    if (w->nc && fflush(f->tmp) != 0)
        goto io;
    for (size_t k = 0; k < w->nc; k++) {
        if (fseeko(f->tmp, (off_t)w->c[k].off, SEEK_SET) != 0 ||
            fread(r->e + r->n, sizeof *r->e, w->c[k].n, f->tmp) != w->c[k].n)
            goto io;
        r->n += w->c[k].n;
    }
    if (w->n)
        memcpy(r->e + r->n, w->e, w->n * sizeof *w->e);
    r->n += w->n;
    for (size_t i = 0; i < r->n; i++) {
        wentry *e = &r->e[i];
        e->comm = cmap[e->comm];
        e->p = map[e->p];
        e->h = map[e->h];
    }
    char week[11];
    cc_day_format(w->monday, week);
    return rollup_write_week(r, week);
io:
    cc_error("%s: building attendance rosters: cannot read the temporary file", r->s->path);
    return CC_ERR_IO;
}

cc_err cc_store_rollup_feed(cc_store *s, cc_day from, cc_day to, cc_roster_feed *f)
{
    double t0 = rollup_mono();
    roster_feed_finish(f);
    roster_feed_prepare_ids(f);        /* done by the feed's thread unless unthreaded */
    double t1 = rollup_mono(), t2 = t1, t3 = t1;
    size_t nids = 0;
    if (f->over || f->fail || to < from) {
        cc_verbose("%s: attendance rosters: reading every week back", s->path);
        cc_roster_feed_free(f);
        cc_heap_trim();         /* the feed's IDs, before the read-back's own */
        return cc_store_rollup_weeks(s, from, to);
    }
    rollup r;
    cc_err err;
    int own;
    uint32_t *map = NULL, *cmap = NULL;
    char w0[11], w1[11];
    cc_day first = cc_week_monday(from), last = cc_week_monday(to);
    cc_day_format(first, w0);
    cc_day_format(last, w1);
    if ((err = rollup_open(&r, s, &own)) != CC_OK)
        goto out;
    if ((err = note_weeks_with_rosters(&r, f, w0, w1)) != CC_OK)
        goto out;
    if (f->nrb)
        qsort(f->rb, f->nrb, sizeof *f->rb, cmp_day);
    map = cc_xmalloc(((size_t)f->ids.n + 1) * sizeof *map);
    t2 = rollup_mono();
    if ((err = rollup_number_ids(&r, f, map)) != CC_OK)
        goto out;
    t3 = rollup_mono();
    nids = f->ids.n;
    cc_intern_release(&f->ids);
    /* the feed's community numbers -> the rollup's */
    cmap = cc_xmalloc(((size_t)f->comms.n + 1) * sizeof *cmap);
    for (uint32_t i = 0; i < f->comms.n; i++) {
        size_t len;
        const char *t = cc_intern_text(&f->comms, i, &len);
        cmap[i] = rollup_comm_index(&r, t, len);
    }
    if (f->nw)
        qsort(f->w, f->nw, sizeof *f->w, cmp_fweek);
    size_t fast = 0, nrb = 0;
    for (size_t k = 0; k < f->nw && !err; k++) {
        fweek *w = &f->w[k];
        if (is_readback(f, w->monday))
            continue;
        if ((err = rollup_interrupted(s)) != CC_OK)
            break;
        err = feed_write_week(&r, f, w, map, cmap);
        free(w->e);
        w->e = NULL;
        fast++;
    }
    if (!err) {
        /* the weeks read back: rebuilt as cc_store_rollup_weeks does */
        int rc = f->nrb ? rollup_prep(&r, "DELETE FROM attendance_weeks WHERE week = ?1", &r.del) : SQLITE_OK;
        if (rc != SQLITE_OK)
            err = cc_store_err(s, rc, "building attendance rosters");
        for (size_t k = 0; k < f->nrb && !err; k++) {
            cc_day m = f->rb[k];
            if ((k && m == f->rb[k - 1]) || m < first || m > last)
                continue;
            nrb++;
            char week[11];
            cc_day_format(m, week);
            sqlite3_bind_text(r.del, 1, week, 10, SQLITE_STATIC);
            rc = sqlite3_step(r.del);
            sqlite3_reset(r.del);
            if (rc != SQLITE_DONE)
                err = cc_store_err(s, rc, "building attendance rosters");
            else if (!(err = rollup_interrupted(s)))
                err = rollup_build_week(&r, m);
        }
    }
    cc_verbose("%s: attendance rosters: %zu weeks from the rows in hand, %zu read back", s->path, fast, nrb);
    if (cc_tuning_get()->ingest_timing)
        cc_trace("timing rosters: feed thread %.3f s CPU (storing thread waited %.3f s), feed finish %.3f s, weeks with rosters %.3f s, ids %.3f s (%zu), weeks %.3f s (sort %.3f s, sql %.3f s)",
                f->cpu, f->waited, t1 - t0, t2 - t1, t3 - t2, nids, rollup_mono() - t3, rollup_t_sort, rollup_t_sql);
out:
    free(map);
    free(cmap);
    cc_roster_feed_free(f);
    return rollup_close(&r, own, err);
}
