/* store/status — what the database holds, for `carecard status`: the files
 * ingested, the rows per kind, the dates covered per community.  Read here;
 * cmd/status.c prints it. */
#include "store/db.h"

#include <stdlib.h>
#include <string.h>

static const struct {
    const char *kind, *table;
} tables[CC_STORE_STATUS_KINDS] = {
    {"communities", "communities"}, {"providers", "providers"}, {"activities", "activities"},
    {"attendance", "attendance"}, {"surveys", "survey_responses"}, {"survey answers", "survey_answers"},
    {"assessments", "assessments"}, {"trainings", "trainings"}, {"timebank", "timebank"},
    {"feedback", "feedback"}, {"rejected rows", "rejects"}, {"plausibility warnings", "plausibility"},
};

static char *col_dup(sqlite3_stmt *st, int i)      /* NULL for SQL NULL */
{
    const char *t = (const char *)sqlite3_column_text(st, i);
    return t ? cc_xstrdup(t) : NULL;
}

static cc_err step_err(cc_store *s, sqlite3_stmt *st, int rc)
{
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return cc_store_err(s, rc, "reading the database");
    return CC_OK;
}

static cc_err read_files(cc_store *s, cc_store_status *out)
{
    sqlite3_stmt *st;
    int rc;
    if (sqlite3_prepare_v2(s->db, "SELECT name, kind, rows_accepted, rows_rejected, encoding, ingested_at, "
                                  "superseded_by FROM files ORDER BY file_id", -1, &st, NULL) != SQLITE_OK)
        return cc_store_err(s, sqlite3_errcode(s->db), "reading the ingest log");
    size_t cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->nfiles == cap) {
            cap = cap ? 2 * cap : 16;
            out->files = cc_xrealloc(out->files, cap * sizeof *out->files);
        }
        cc_store_status_file *f = &out->files[out->nfiles++];
        f->name = col_dup(st, 0);
        f->kind = col_dup(st, 1);
        f->accepted = sqlite3_column_int64(st, 2);
        f->rejected = sqlite3_column_int64(st, 3);
        f->encoding = col_dup(st, 4);
        f->ingested_at = col_dup(st, 5);
        f->replaced = sqlite3_column_type(st, 6) != SQLITE_NULL;
    }
    return step_err(s, st, rc);
}

static cc_err read_counts(cc_store *s, cc_store_status *out)
{
    for (size_t i = 0; i < CC_STORE_STATUS_KINDS; i++) {
        sqlite3_stmt *st;
        int rc;
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", tables[i].table);
        if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
            return cc_store_err(s, sqlite3_errcode(s->db), "counting rows");
        long long n = 0;
        if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            n = sqlite3_column_int64(st, 0);
            rc = SQLITE_DONE;
        }
        cc_err e = step_err(s, st, rc);
        if (e != CC_OK)
            return e;
        out->counts[i].kind = tables[i].kind;
        out->counts[i].rows = n;
    }
    return CC_OK;
}

static cc_err read_communities(cc_store *s, cc_store_status *out)
{
    static const char sql[] =
        "WITH d(cid, kind, date) AS ("
        "  SELECT community_id, 'activities', date FROM activities"
        "  UNION ALL SELECT community_id, 'surveys', date FROM survey_responses"
        "  UNION ALL SELECT community_id, 'assessments', date FROM assessments"
        "  UNION ALL SELECT community_id, 'timebank', date FROM timebank"
        "  UNION ALL SELECT community_id, 'feedback', received FROM feedback),"
        " k AS (SELECT cid, kind, count(*) AS n, min(date) AS lo, max(date) AS hi FROM d GROUP BY cid, kind),"
        " c AS (SELECT cid FROM k UNION SELECT community_id FROM communities)"
        " SELECT c.cid, (SELECT community_name FROM communities WHERE community_id = c.cid ORDER BY as_of DESC LIMIT 1),"
        "  (SELECT min(lo) FROM k WHERE k.cid = c.cid), (SELECT max(hi) FROM k WHERE k.cid = c.cid),"
        "  (SELECT group_concat(kind || ' ' || n, ', ') FROM (SELECT kind, n FROM k WHERE k.cid = c.cid ORDER BY kind))"
        " FROM c ORDER BY c.cid";
    sqlite3_stmt *st;
    int rc;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return cc_store_err(s, sqlite3_errcode(s->db), "reading the dates covered");
    size_t cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->ncommunities == cap) {
            cap = cap ? 2 * cap : 16;
            out->communities = cc_xrealloc(out->communities, cap * sizeof *out->communities);
        }
        cc_store_status_community *c = &out->communities[out->ncommunities++];
        c->id = col_dup(st, 0);
        c->name = col_dup(st, 1);
        c->lo = col_dup(st, 2);
        c->hi = col_dup(st, 3);
        c->kinds = col_dup(st, 4);
    }
    return step_err(s, st, rc);
}

cc_err cc_store_status_read(cc_store *s, cc_store_status *out)
{
    memset(out, 0, sizeof *out);
    cc_err e = read_files(s, out);
    if (e == CC_OK && out->nfiles) {
        e = read_counts(s, out);
        if (e == CC_OK)
            e = read_communities(s, out);
    }
    if (e != CC_OK)
        cc_store_status_release(out);
    return e;
}

void cc_store_status_release(cc_store_status *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->nfiles; i++) {
        free(st->files[i].name);
        free(st->files[i].kind);
        free(st->files[i].encoding);
        free(st->files[i].ingested_at);
    }
    free(st->files);
    for (size_t i = 0; i < st->ncommunities; i++) {
        free(st->communities[i].id);
        free(st->communities[i].name);
        free(st->communities[i].lo);
        free(st->communities[i].hi);
        free(st->communities[i].kinds);
    }
    free(st->communities);
    memset(st, 0, sizeof *st);
}

const char *cc_store_path(const cc_store *s)
{
    return s->path;
}
