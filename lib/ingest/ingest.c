/* ingest/ingest — one input file (or one sheet of a workbook) in one
 * transaction: hashed, skipped when already ingested, its header taken in
 * (header.c), its rows read, checked and stored (pipeline.c), the ingest log
 * written.  The files of lib/ingest, bottom-up, are listed in ingest_int.h.
 *
 * Speed: a reading thread reads, parses and checks the rows into batches
 * while the calling thread stores them (pipeline.c); prepared statements
 * reused for every row, accepted rows stored ROWS_MANY to an INSERT, survey
 * answers TUPLES_MANY to a statement; one transaction per file;
 * nothing allocated per row (values point into the batch's copy of the
 * record); references looked up through an in-memory set (communities) or an
 * indexed prepared SELECT with a one-entry cache (activities, providers);
 * the secondary indexes of a big file's table rebuilt once at the end.
 */
#include "ingest/ingest_int.h"
#include "ingest/ledger_in.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* CARECARD_INGEST_TIMING (tuning ingest_timing): one line per file saying
 * where the time went (for profiling; see docs/performance.md). */
static void timing_report(const file_ctx *f)
{
    if (!cc_tuning_get()->ingest_timing)
        return;
    const double *t = f->t;
    cc_trace("timing %s: open+hash %.3f s, setup %.3f s, rows %.3f s (storing thread %.3f s CPU, "
             "reading thread %.3f s CPU), indexes %.3f s, rosters %.3f s, commit %.3f s", f->name, t[1] - t[0],
             t[5] - t[1], t[2] - t[5], f->cpu_store, f->cpu_read, t[3] - t[2], t[6] - t[3], t[4] - t[6]);
}

static void utc_now(char out[24])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* ---- one file -------------------------------------------------------------- */

/* The file's SHA-256 is computed by a thread of its own, reading the file
 * while cc_csv_open_opts makes its pass over it (UTF-8 validity, NUL bytes)
 * on the calling thread: both are ready before the "already ingested" check,
 * which is as cheap as before, and a new file no longer pays for the hash
 * after the pass (0.1 s and a read for the city's 148 MB of activities). */
typedef struct {
    const char *path;
    struct sha256_ctx sha;
    int ok;
} hash_ctx;

static void *hash_main(void *arg)
{
    hash_ctx *h = arg;
    enum { CHUNK = 1 << 20 };
    unsigned char *buf = cc_xmalloc(CHUNK);
    int fd = open(h->path, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd < 0 ? -1 : 0;
    sha256_init(&h->sha);
    while (fd >= 0 && (n = read(fd, buf, CHUNK)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        sha256_update(&h->sha, (size_t)n, buf);
    }
    h->ok = fd >= 0 && n == 0;
    if (fd >= 0)
        close(fd);
    free(buf);
    return NULL;
}

static void hash_scan(void *arg, const void *buf, size_t n)
{
    sha256_update(&((hash_ctx *)arg)->sha, n, buf);
}

static void file_release(file_ctx *f)
{
    ingest_finalize_all(f);
    cc_roster_feed_free(f->feed);
    f->feed = NULL;
    ingest_map_release(&f->communities);
    ingest_map_release(&f->community_names);
    if (f->questions)
        for (size_t i = 0; i < f->ncols_in; i++)
            free(f->questions[i]);
    if (f->header)
        for (size_t i = 0; i < f->ncols_in; i++)
            free(f->header[i]);
    for (int i = 0; i < f->nindex; i++)
        free(f->index_sql[i]);
    free(f->index_sql);
    free(f->answers.t);
    free(f->questions);
    free(f->header);
    free(f->map);
    free(f->where);
    free(f->v);
    if (f->rej) {
        fclose(f->rej);
        f->rej = NULL;
    }
    if (f->rej_tmp)
        unlink(f->rej_tmp);
    free(f->rej_tmp);
    free(f->rej_path);
}

static int remove_earlier_versions(file_ctx *f)
{
    static const char *const tables[] = {"communities", "activities", "attendance", "survey_responses",
                                         "assessments", "providers", "trainings", "timebank", "feedback",
                                         "rejects", "plausibility"};
    sqlite3_stmt *q;
    if (ingest_prep(f, "SELECT file_id FROM files WHERE name = ? AND file_id <> ? AND superseded_by IS NULL", &q) < 0)
        return -1;
    sqlite3_bind_text(q, 1, f->name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, f->file_id);
    int64_t ids[256];
    int nids = 0, rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW && nids < 256)
        ids[nids++] = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    for (int i = 0; i < nids; i++) {
        char sql[256];
        snprintf(sql, sizeof sql,
                 "DELETE FROM survey_answers WHERE response_id IN (SELECT response_id FROM survey_responses WHERE file_id = %lld);",
                 (long long)ids[i]);
        if (cc_store_exec(f->s, sql) != CC_OK)
            return -1;
        for (size_t t = 0; t < sizeof tables / sizeof *tables; t++) {
            snprintf(sql, sizeof sql, "DELETE FROM %s WHERE file_id = %lld", tables[t], (long long)ids[i]);
            if (cc_store_exec(f->s, sql) != CC_OK)
                return -1;
        }
        snprintf(sql, sizeof sql, "UPDATE files SET superseded_by = %lld WHERE file_id = %lld",
                 (long long)f->file_id, (long long)ids[i]);
        if (cc_store_exec(f->s, sql) != CC_OK)
            return -1;
        cc_verbose("%s: replaces the earlier version of %s (file %lld)", f->path, f->name, (long long)ids[i]);
        f->chg_removed = 1;
    }
    return 0;
}

static int sha_known(cc_store *s, const char *hex, char **when, char **name)
{
    sqlite3_stmt *q;
    int found = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT ingested_at, name FROM files WHERE sha256 = ?", -1, &q, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(q, 1, hex, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW) {
        found = 1;
        *when = cc_xstrdup((const char *)sqlite3_column_text(q, 0));
        *name = cc_xstrdup((const char *)sqlite3_column_text(q, 1));
    }
    sqlite3_finalize(q);
    return found;
}


/* "already ingested" (frees when and oldname): with -v only for a file stored
 * by an earlier run (a cron job re-reads its inbox every week), always when
 * another process stored it while this one was reading it (raced). */
static void say_known(const char *path, const char *name, char *when, char *oldname, int raced)
{
    int level = raced ? CC_DIAG_NOTICE : CC_DIAG_VERBOSE;
    when = cc_time_local(when);            /* shown in the data's time zone */
    if (!strcmp(oldname, name))
        cc_diag(level, "%s: already ingested on %s (same SHA-256); skipped", path, when);
    else
        cc_diag(level, "%s: already ingested on %s as %s (same SHA-256); skipped", path, when, oldname);
    free(when);
    free(oldname);
}

/* Open the file at path and hash it (the key in the ingest log): NULL when
 * it cannot be read (said). */
static cc_csv *open_input(file_ctx *f, const char *path, char hex[SHA256_DIGEST_SIZE * 2 + 1])
{
    hash_ctx h = {.path = path};
    cc_csv_opts co = {0};
    co.enc = f->opts->encoding;
    co.delim = CC_CSV_AUTO;
    pthread_t hth;
    struct stat sb;
    cc_csv *r = NULL;
    int hashing = stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && pthread_create(&hth, NULL, hash_main, &h) == 0;
    if (!hashing) {             /* hash in the pass, as it reads */
        sha256_init(&h.sha);
        co.scan = hash_scan;
        co.scan_arg = &h;
    }
    r = cc_csv_open_opts(path, &co, NULL);
    if (hashing) {
        pthread_join(hth, NULL);
        if (r && !h.ok) {       /* (the thread could not read it: read it here) */
            cc_csv_free(r);
            sha256_init(&h.sha);
            co.scan = hash_scan;
            co.scan_arg = &h;
            r = cc_csv_open_opts(path, &co, NULL);
        }
    }
    if (!r)
        return NULL;
    f->t[1] = ingest_now_s(CLOCK_MONOTONIC);
    uint8_t dig[SHA256_DIGEST_SIZE];
    sha256_digest(&h.sha, sizeof dig, dig);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
        snprintf(hex + 2 * i, 3, "%02x", dig[i]);
    return r;
}

/* The header record of r: 0, or -1 (said). */
static int read_header(const char *path, cc_csv *r, cc_csv_record *rec)
{
    int rc = cc_csv_next(r, rec);
    if (rc == 0) {
        cc_error("%s: empty file (no header line)", path);
        return -1;
    }
    if (rc < 0) {
        cc_error("%s: %s", path, cc_csv_error(r));   /* (the message names its line) */
        return -1;
    }
    return 0;
}

/* The file's row in the ingest log (file: the input file as given; key: its
 * SHA-256, a sheet's "SHA-256#sheet"); f->file_id. */
static cc_err record_file(file_ctx *f, const char *file, const char *key, cc_csv *r)
{
    char now[24];
    utc_now(now);
    sqlite3_stmt *q;
    if (ingest_prep(f, "INSERT INTO files (name, path, sha256, kind, encoding, rows_read, rows_accepted, "
                       "rows_rejected, ingested_at) VALUES (?, ?, ?, ?, ?, 0, 0, 0, ?)", &q) < 0)
        return CC_ERR_DB;
    sqlite3_bind_text(q, 1, f->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, file, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, f->kd->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 5, cc_encoding_name(cc_csv_encoding(r)), -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 6, now, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE)
        return cc_store_err(f->s, rc, "recording the file");
    f->file_id = sqlite3_last_insert_rowid(f->s->db);
    return CC_OK;
}

/* Inside the transaction, before the rows: the file recorded, its earlier
 * version removed, a big file's indexes dropped, the statements prepared. */
static cc_err setup_file(file_ctx *f, const char *file, const char *key, cc_csv *r)
{
    int big;
    cc_err err = record_file(f, file, key, r);
    if (err != CC_OK)
        return err;
    if (ingest_roster_note_removed(f) < 0)
        return CC_ERR_DB;
    if (remove_earlier_versions(f) < 0 || ((big = ingest_big_against_table(f, f->path, cc_csv_size(r))) != 0 &&
                                           (big < 0 || ingest_drop_indexes(f) < 0)) ||
        ingest_prepare_kind(f) < 0 ||
        (f->kind != CC_KIND_COMMUNITIES && ingest_load_communities(f) < 0))
        return CC_ERR_DB;
    if (ingest_roster_prepare(f) < 0)
        return CC_ERR_DB;
    ingest_forget_prepare(f);
    return CC_OK;
}

/* The counts of the file in the ingest log. */
static cc_err record_counts(file_ctx *f)
{
    cc_ingest_stats *st = f->st;
    sqlite3_stmt *q;
    if (ingest_prep(f, "UPDATE files SET rows_read = ?, rows_accepted = ?, rows_rejected = ? WHERE file_id = ?",
                    &q) < 0)
        return CC_ERR_DB;
    sqlite3_bind_int64(q, 1, st->rows_read);
    sqlite3_bind_int64(q, 2, st->rows_accepted);
    sqlite3_bind_int64(q, 3, st->rows_rejected);
    sqlite3_bind_int64(q, 4, f->file_id);
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE)
        return cc_store_err(f->s, rc, "recording the file");
    return CC_OK;
}

/* After the rows, before the commit: indexes rebuilt, what was not shown
 * counted, --strict, the counts, the rejects file on disk, the rosters. */
static cc_err finish_file(file_ctx *f)
{
    cc_ingest_stats *st = f->st;
    const char *path = f->path;
    cc_err err;
    if (ingest_recreate_indexes(f) < 0)   /* (before the notices: it may say repeated keys) */
        return CC_ERR_DB;
    f->t[3] = ingest_now_s(CLOCK_MONOTONIC);
    if (f->shown_rejects > MAX_SHOWN)
        cc_warn("%s: %ld more rejected rows not shown", path, f->shown_rejects - MAX_SHOWN);
    if (f->shown_dups > MAX_SHOWN)
        cc_notice("%s: %ld more repeated keys not shown", path, f->shown_dups - MAX_SHOWN);
    if (f->opts->strict && st->rows_rejected) {
        cc_error("%s: %ld row%s rejected; --strict: file not stored", path, st->rows_rejected,
                 st->rows_rejected > 1 ? "s" : "");
        return CC_ERR_DATA;
    }
    if (st->rows_read == 0)
        cc_notice("%s: no data rows", path);
    if ((err = record_counts(f)) != CC_OK)
        return err;
    if (f->rej && (fflush(f->rej) != 0 || ferror(f->rej) || fsync(fileno(f->rej)) != 0)) {
        cc_error("%s: cannot write the rejects file: %s", f->rej_path, strerror(errno));
        return CC_ERR_IO;
    }
    if ((err = ingest_roster_rollup(f)) != CC_OK)
        return err;
    if ((err = ingest_forget(f)) != CC_OK)
        return err;
    f->t[6] = ingest_now_s(CLOCK_MONOTONIC);
    return CC_OK;
}

/* After the commit: what is said, the rejects file in its place. */
static void after_commit(file_ctx *f)
{
    cc_ingest_stats *st = f->st;
    const char *path = f->path;
    f->t[4] = ingest_now_s(CLOCK_MONOTONIC);
    timing_report(f);
    st->stored = 1;
    if (f->plaus)           /* (only now: a file refused later stores none) */
        cc_notice("%s: %ld plausibility warning%s stored (future or old dates, attended > 1.5 × capacity, "
                  "hours > 12)", path, f->plaus, f->plaus > 1 ? "s" : "");
    if (f->rej) {
        fclose(f->rej);
        f->rej = NULL;
        if (rename(f->rej_tmp, f->rej_path) != 0)
            cc_error("%s: cannot write the rejects file: %s", f->rej_path, strerror(errno));
        else
            CC_FREE(f->rej_tmp);
    }
    cc_verbose("%s: %s, %ld rows stored, %ld rejected", path, f->kd->name, st->rows_accepted, st->rows_rejected);
}

/* The state of a new file (path: what messages call it). */
static void file_init(file_ctx *f, cc_store *s, const char *path, const cc_ingest_opts *opts, cc_ingest_stats *st,
                      const cc_sheet_unit *u)
{
    memset(f, 0, sizeof *f);
    f->unit = u;
    f->s = s;
    f->opts = opts;
    f->path = path;
    f->name = u ? u->name : base_name(path);
    f->st = st;
    f->today = cc_today();
    f->too_old = f->today - 400;
}

cc_err ingest_one(cc_store *s, const char *path, const cc_ingest_opts *opts, cc_ingest_stats *st,
                  const cc_sheet_unit *u)
{
    file_ctx fc, *f = &fc;
    const char *file = path;  /* the input file; path: what messages call it */
    if (u)
        path = u->label;
    file_init(f, s, path, opts, st, u);

    f->t[0] = ingest_now_s(CLOCK_MONOTONIC);
    cc_csv *r = NULL;
    char hex[SHA256_DIGEST_SIZE * 2 + 1];
    if (u) {                  /* a sheet: opened and hashed by book.c */
        r = u->r;
        snprintf(hex, sizeof hex, "%s", "");
        f->t[1] = ingest_now_s(CLOCK_MONOTONIC);
    } else if (!(r = open_input(f, path, hex))) {
        return CC_ERR_DATA;
    }
    const char *key = u ? u->sha : hex;
    cc_err err = CC_OK;
    char *when = NULL, *oldname = NULL;
    if (sha_known(s, key, &when, &oldname)) {
        say_known(path, f->name, when, oldname, 0);
        st->skipped = 1;
        cc_csv_free(r);
        return CC_OK;
    }

    cc_csv_record rec;
    if (read_header(path, r, &rec) < 0) {
        cc_csv_free(r);
        return CC_ERR_DATA;
    }
    /* a returned rectification ledger (ledger_in.c) */
    if (opts->kind == CC_KIND_UNKNOWN && cc_ledger_is_header(&rec)) {
        err = cc_ledger_ingest(s, path, f->name, key, cc_encoding_name(cc_csv_encoding(r)), r, &rec, opts, st);
        cc_csv_free(r);
        return err;
    }
    if (ingest_header_setup(f, r, &rec) < 0) {
        file_release(f);
        cc_csv_free(r);
        return CC_ERR_DATA;
    }

    /* the transaction */
    if ((err = cc_store_begin(s)) != CC_OK) {
        file_release(f);
        cc_csv_free(r);
        return err;
    }
    /* again under the write lock: another process may have stored the same
     * file since the check above (several runs started at once) */
    if (sha_known(s, key, &when, &oldname)) {
        cc_store_rollback(s);
        say_known(path, f->name, when, oldname, 1);
        st->skipped = 1;
        file_release(f);
        cc_csv_free(r);
        return CC_OK;
    }
    if ((err = setup_file(f, file, key, r)) != CC_OK)
        goto fail;

    f->size = cc_csv_size(r);
    f->t[5] = ingest_now_s(CLOCK_MONOTONIC);
    if ((err = ingest_load_rows(f, r)) != CC_OK)
        goto fail;
    f->t[2] = ingest_now_s(CLOCK_MONOTONIC);
    ingest_progress(f, 0, 0, 1);
    ingest_finalize_all(f);
    if ((err = finish_file(f)) != CC_OK)
        goto fail;
    if ((err = cc_store_commit(s)) != CC_OK)
        goto fail_committed;
    after_commit(f);
    file_release(f);
    cc_csv_free(r);
    /* the file's buffers, ID tables and roster feed were freed, partly in
     * the reading and feed threads' arenas: back to the system before the
     * next file (a province's week: 318 -> 234 MB over two weeks) */
    cc_heap_trim();
    return CC_OK;

fail:
    ingest_finalize_all(f);
    cc_store_rollback(s);
fail_committed:
    /* keep the rejects file of a --strict refusal: it says what to fix */
    if (f->rej && opts->strict && err == CC_ERR_DATA && st->rows_rejected) {
        fclose(f->rej);
        f->rej = NULL;
        if (rename(f->rej_tmp, f->rej_path) == 0)
            CC_FREE(f->rej_tmp);
    }
    st->rows_accepted = 0;
    file_release(f);
    cc_csv_free(r);
    return err;
}
