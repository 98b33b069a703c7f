/* carecard status — what is stored: files ingested, rows per kind, the dates
 * covered per community, the last ingest. */
#include "store/db.h"
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

static const cmd_opt options[] = {
    {"--db", "FILE", OPT_COMMON, NULL, NULL},
    {NULL, NULL, 0, NULL, NULL}
};

const cmd_spec cmd_status_spec = {
    NULL, NULL, options,
    "Print what the database holds: every file ingested (name, kind, rows\n"
    "stored and rejected, encoding, time; replaced versions marked), the rows\n"
    "per kind, the dates covered per community (activities, surveys,\n"
    "assessments, time bank, feedback) and the time of the last ingest.\n",
    NULL, 0, 0
};

static const struct {
    const char *kind, *table;
} tables[] = {
    {"communities", "communities"}, {"providers", "providers"}, {"activities", "activities"},
    {"attendance", "attendance"}, {"surveys", "survey_responses"}, {"survey answers", "survey_answers"},
    {"assessments", "assessments"}, {"trainings", "trainings"}, {"timebank", "timebank"},
    {"feedback", "feedback"}, {"rejected rows", "rejects"}, {"plausibility warnings", "plausibility"},
};

/* Pad a UTF-8 string to a display width (CJK counts 2). */
static void pad(FILE *out, const char *s, size_t width)
{
    fputs(s, out);
    size_t w = cc_utf8_width(s);
    while (w++ < width)
        fputc(' ', out);
}

static int step_err(cc_ctx *ctx, sqlite3_stmt *st, int rc)
{
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        cc_store_err(ctx->store, rc, "reading the database");
        return -1;
    }
    return 0;
}

int cmd_status(const cmd_args *a, cc_ctx *ctx)
{
    (void)a;
    sqlite3 *db = ctx->store->db;
    sqlite3_stmt *st;
    int rc;
    FILE *out = stdout;

    fprintf(out, "Database: %s\n", ctx->store->path);
    char *last = cc_time_local(cc_store_last_ingest(ctx->store));
    fprintf(out, "Last ingest: %s\n", last ? last : "never");
    free(last);

    /* files */
    if (sqlite3_prepare_v2(db, "SELECT name, kind, rows_accepted, rows_rejected, encoding, ingested_at, "
                               "superseded_by FROM files ORDER BY file_id", -1, &st, NULL) != SQLITE_OK)
        return cc_store_err(ctx->store, sqlite3_errcode(db), "reading the ingest log"), EXIT_FAIL;
    int nfiles = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (nfiles++ == 0) {
            fprintf(out, "\nFiles ingested:\n  ");
            pad(out, "file", 32);
            fprintf(out, "%-12s %10s %9s  %-8s %s\n", "kind", "accepted", "rejected", "encoding", "ingested at");
        }
        fputs("  ", out);
        const char *name = (const char *)sqlite3_column_text(st, 0);
        pad(out, name ? name : "", 32);
        const char *at = (const char *)sqlite3_column_text(st, 5);
        char *when = cc_time_local(cc_xstrdup(at ? at : ""));     /* the data's time zone, named */
        fprintf(out, "%-12s %10lld %9lld  %-8s %s%s\n", (const char *)sqlite3_column_text(st, 1),
                (long long)sqlite3_column_int64(st, 2), (long long)sqlite3_column_int64(st, 3),
                (const char *)sqlite3_column_text(st, 4), when,
                sqlite3_column_type(st, 6) == SQLITE_NULL ? "" : "  (replaced by a later version)");
        free(when);
    }
    if (step_err(ctx, st, rc) < 0)
        return EXIT_FAIL;
    if (!nfiles) {
        fprintf(out, "\nNo files ingested yet.\n");
        return EXIT_OK;
    }

    /* rows per kind */
    fprintf(out, "\nRows stored:\n");
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", tables[i].table);
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
            return cc_store_err(ctx->store, sqlite3_errcode(db), "counting rows"), EXIT_FAIL;
        long long n = 0;
        if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            n = sqlite3_column_int64(st, 0);
            rc = SQLITE_DONE;
        }
        if (step_err(ctx, st, rc) < 0)
            return EXIT_FAIL;
        fprintf(out, "  %-22s %10lld\n", tables[i].kind, n);
    }

    /* dates covered per community */
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
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return cc_store_err(ctx->store, sqlite3_errcode(db), "reading the dates covered"), EXIT_FAIL;
    int header = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!header++)
            fprintf(out, "\nDates covered per community:\n");
        const char *id = (const char *)sqlite3_column_text(st, 0);
        const char *name = (const char *)sqlite3_column_text(st, 1);
        const char *lo = (const char *)sqlite3_column_text(st, 2);
        const char *hi = (const char *)sqlite3_column_text(st, 3);
        const char *kinds = (const char *)sqlite3_column_text(st, 4);
        fputs("  ", out);
        pad(out, id ? id : "", 10);
        pad(out, name ? name : "(not in the register)", 24);
        if (lo)
            fprintf(out, "%s .. %s  %s\n", lo, hi, kinds ? kinds : "");
        else
            fprintf(out, "no dated rows\n");
    }
    if (step_err(ctx, st, rc) < 0)
        return EXIT_FAIL;
    return EXIT_OK;
}
