/* ingest/bigload — a big file loaded without its table's secondary indexes,
 * which are rebuilt by sorting before the commit; the repeated keys a unique
 * index then refuses resolved as inserting through it would have. */
#include "ingest/ingest_int.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A big file loads much faster into a table without its secondary indexes,
 * which are then built by sorting: drop them (inside the transaction) and
 * remember their SQL.  Only when the file is big against what the table
 * holds: a sort rebuilds the index over the whole table, so a week's file
 * into years of history goes through the indexes row by row (see
 * big_against_table). */
#define BIG_FILE (8u << 20)
int ingest_drop_indexes(file_ctx *f)
{
    sqlite3_stmt *q;
    if (ingest_prep(f, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                       " AND tbl_name = ?", &q) < 0)
        return -1;
    sqlite3_bind_text(q, 1, f->kd->table, -1, SQLITE_STATIC);
    cc_buf drop = CC_BUF_INIT;
    while (sqlite3_step(q) == SQLITE_ROW) {
        f->index_sql = cc_xrealloc(f->index_sql, (size_t)(f->nindex + 1) * sizeof *f->index_sql);
        f->index_sql[f->nindex++] = cc_xstrdup((const char *)sqlite3_column_text(q, 1));
        cc_buf_addf(&drop, "DROP INDEX \"%s\";", (const char *)sqlite3_column_text(q, 0));
    }
    sqlite3_finalize(q);
    int rc = drop.len && cc_store_exec(f->s, drop.s) != CC_OK ? -1 : 0;
    cc_buf_release(&drop);
    return rc;
}

/* The rows of a file of about `size` bytes, from the lines of its first MiB. */
static double estimate_rows(const char *path, off_t size)
{
    enum { SAMPLE = 1 << 20 };
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    char *buf = cc_xmalloc(SAMPLE);
    ssize_t n = read(fd, buf, SAMPLE);
    close(fd);
    size_t lines = 0;
    for (ssize_t i = 0; i < n; i++)
        lines += buf[i] == '\n';
    free(buf);
    if (n <= 0 || lines == 0)
        return 0;
    return (double)lines * ((double)size / (double)n);
}

/* Rebuilding an index by sorting costs about a third of inserting each row
 * through it, but it sorts every row of the table: worth it when the file
 * brings at least half as many rows as the table holds (the rows of the
 * current files of its kind, from the files table). */
int ingest_big_against_table(file_ctx *f, const char *path, off_t size)
{
    if ((size_t)size < BIG_FILE)
        return 0;
    sqlite3_stmt *q;
    if (ingest_prep(f, "SELECT coalesce(sum(rows_accepted), 0) FROM files WHERE kind = ? AND superseded_by IS NULL"
                       " AND file_id <> ?", &q) < 0)
        return -1;
    sqlite3_bind_text(q, 1, f->kd->name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, f->file_id);
    double stored = sqlite3_step(q) == SQLITE_ROW ? (double)sqlite3_column_int64(q, 0) : 0;
    sqlite3_finalize(q);
    double rows = !f->unit ? estimate_rows(path, size) : f->unit->rows ? (double)f->unit->rows : (double)size / 150;
    int big = rows * 2 >= stored;
    cc_verbose("%s: about %.0f rows, %.0f stored: indexes %s", path, rows, stored,
               big ? "rebuilt after the load" : "kept during the load");
    return big;
}

/* Rows that a unique index (attendance_key) refuses after a big load without
 * it: the rows of one key, oldest first.  This file's rows were appended
 * after every stored row, in line order, so the row with the highest rowid is
 * the one that inserting through the index would have kept: the others are
 * deleted, as INSERT OR REPLACE would have, and said as store_row says it:
 * the repeats come here in key order, the notices go out in line order (the
 * first MAX_SHOWN lines, as store_row would have shown them).
 * Their weeks' rosters are read back (the feed counted both rows). */
struct shown_dup {
    long line, pline;
    char *key;
};

/* The notice of a repeat at line (of pline; key copied) kept when it is among
 * the room earliest lines: sd[0 .. *nsd) in line order. */
static void shown_keep(struct shown_dup *sd, int *nsd, int room, long line, long pline, const char *key)
{
    if (room && (*nsd < room || line < sd[*nsd - 1].line)) {
        if (*nsd == room)
            free(sd[--*nsd].key);
        int j = (*nsd)++;
        for (; j > 0 && sd[j - 1].line > line; j--)
            sd[j] = sd[j - 1];
        sd[j] = (struct shown_dup){line, pline, cc_xstrdup(key)};
    }
}

/* The roster feed reads back the week of activity aid (day: its date query). */
static void readback_week(file_ctx *f, sqlite3_stmt *day, const char *aid)
{
    cc_day d;
    sqlite3_bind_text(day, 1, aid ? aid : "", -1, SQLITE_TRANSIENT);
    if (sqlite3_step(day) == SQLITE_ROW && sqlite3_column_text(day, 0) &&
        cc_parse_date((const char *)sqlite3_column_text(day, 0), (size_t)sqlite3_column_bytes(day, 0),
                      &d) == CC_PARSE_OK)
        cc_roster_feed_readback(f->feed, d);
    sqlite3_reset(day);
}

static int resolve_duplicates(file_ctx *f)
{
    const cc_kind_def *kd = f->kd;
    cc_buf keys = CC_BUF_INIT, sql = CC_BUF_INIT;
    int nkey = 0, act = -1;
    for (int ci = 0; ci < kd->ncols; ci++)
        if (kd->cols[ci].flags & CC_F_KEY) {
            if (kd->cols[ci].flags & CC_F_ACTIVITY)
                act = nkey;
            cc_buf_addf(&keys, "%s%s", nkey++ ? ", " : "", ingest_db_col(&kd->cols[ci]));
        }
    cc_buf_addf(&sql, "SELECT rowid, file_id, line, %s FROM %s WHERE (%s) IN"
                      " (SELECT %s FROM %s GROUP BY %s HAVING count(*) > 1) ORDER BY %s, rowid",
                keys.s, kd->table, keys.s, keys.s, kd->table, keys.s, keys.s);
    sqlite3_stmt *q = NULL, *del = NULL, *pdel = NULL, *day = NULL;
    int rc = ingest_prep(f, sql.s, &q);
    cc_buf_reset(&sql);
    cc_buf_addf(&sql, "DELETE FROM %s WHERE rowid = ?", kd->table);
    rc = rc < 0 ? rc : ingest_prep(f, sql.s, &del);
    rc = rc < 0 ? rc : ingest_prep(f, "DELETE FROM plausibility WHERE kind = ? AND row_key = ? AND file_id = ?"
                                      " AND line = ?", &pdel);
    rc = rc < 0 ? rc : ingest_prep(f, "SELECT date FROM activities WHERE activity_id = ?", &day);
    char key[512];                    /* as key_text writes it */
    cc_buf id[2] = {CC_BUF_INIT, CC_BUF_INIT};   /* the key exactly: each value's length, then it */
    int cur = 0;
    int64_t prow = 0, pfid = 0;
    long pline = 0, n = 0;
    int step;
    /* the notices still to show: the `room` earliest lines, in line order */
    int room = f->shown_dups < MAX_SHOWN ? (int)(MAX_SHOWN - f->shown_dups) : 0, nsd = 0;
    struct shown_dup *sd = room ? cc_xcalloc((size_t)room, sizeof *sd) : NULL;
    while (!rc && (step = sqlite3_step(q)) == SQLITE_ROW) {
        size_t o = 0;
        key[0] = '\0';
        cc_buf_reset(&id[cur]);
        for (int k = 0; k < nkey; k++) {
            const char *t = (const char *)sqlite3_column_text(q, 3 + k);
            size_t tn = (size_t)sqlite3_column_bytes(q, 3 + k);
            cc_buf_add(&id[cur], (const char *)&tn, sizeof tn);
            cc_buf_add(&id[cur], t ? t : "", tn);
            if (o < sizeof key)
                o += (size_t)snprintf(key + o, sizeof key - o, "%s%.*s", k ? "|" : "", (int)tn, t ? t : "");
        }
        int64_t row = sqlite3_column_int64(q, 0), fid = sqlite3_column_int64(q, 1);
        long line = (long)sqlite3_column_int64(q, 2);
        const cc_buf *a = &id[cur], *b = &id[!cur];
        cur = !cur;
        if (prow && a->len == b->len && !memcmp(a->s, b->s, a->len)) {   /* prow is replaced by row */
            n++;
            sqlite3_bind_int64(del, 1, prow);
            rc = ingest_step_done(f, del, "replacing a row");
            sqlite3_bind_text(pdel, 1, kd->name, -1, SQLITE_STATIC);
            sqlite3_bind_text(pdel, 2, key, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(pdel, 3, pfid);
            sqlite3_bind_int64(pdel, 4, pline);
            rc = rc < 0 ? rc : ingest_step_done(f, pdel, "replacing plausibility warnings");
            if (pfid != f->file_id)
                f->chg_other = 1;
            if (pfid == f->file_id && fid == f->file_id) {
                f->st->replaced++;
                f->shown_dups++;
                shown_keep(sd, &nsd, room, line, pline, key);
            }
            if (f->feed && act >= 0)
                readback_week(f, day, (const char *)sqlite3_column_text(q, 3 + act));
        }
        prow = row;
        pfid = fid;
        pline = line;
    }
    if (!rc && step != SQLITE_DONE) {
        cc_store_err(f->s, step, "finding repeated keys");
        rc = -1;
    }
    for (int i = 0; i < nsd; i++) {
        if (!rc) {
            ingest_say_repeat(f, sd[i].line, sd[i].key, sd[i].pline);
        }
        free(sd[i].key);
    }
    free(sd);
    sqlite3_finalize(q);
    sqlite3_finalize(del);
    sqlite3_finalize(pdel);
    sqlite3_finalize(day);
    cc_buf_release(&id[0]);
    cc_buf_release(&id[1]);
    cc_buf_release(&keys);
    cc_buf_release(&sql);
    if (!rc)
        cc_verbose("%s: %ld stored row%s replaced by a later one with the same key", f->path, n, n == 1 ? "" : "s");
    return rc;
}

/* SQLite sorts an index's keys in up to cache_size of memory of its own, on
 * top of the page cache (64 MB each): with the roster feed's IDs being sorted
 * at the same time, the five-year attendance file peaked at 265 MB.  The
 * sort gets 16 MB; past it, it merges runs from a temporary file, with a
 * second thread (PRAGMA threads) when ingest has two.  A unique index that
 * refuses repeated keys gets them resolved (resolve_duplicates) and is built
 * again. */
int ingest_recreate_indexes(file_ctx *f)
{
    int rc = 0;
    if (!f->nindex)
        return 0;
    cc_store_exec(f->s, ingest_threads_wanted() > 1 ? "PRAGMA cache_size=-16384; PRAGMA threads=1"
                                                    : "PRAGMA cache_size=-16384");
    for (int i = 0; i < f->nindex && !rc; i++) {
        int e = sqlite3_exec(f->s->db, f->index_sql[i], NULL, NULL, NULL);
        if ((e & 0xff) == SQLITE_CONSTRAINT && resolve_duplicates(f) == 0)
            e = sqlite3_exec(f->s->db, f->index_sql[i], NULL, NULL, NULL);
        if (e != SQLITE_OK) {
            cc_store_err(f->s, e, "building an index");
            rc = -1;
        }
    }
    cc_store_exec(f->s, "PRAGMA cache_size=-65536; PRAGMA threads=0");
    return rc;
}

