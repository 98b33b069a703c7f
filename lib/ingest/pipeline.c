/* ingest/pipeline — a file's data rows: a reading thread parses and checks
 * them into batches, the calling thread stores or rejects them in file order. */
#include "ingest/ingest_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- the rows: a reading thread and a storing thread ------------------------- *
 * The reading thread reads records and parses and checks them (everything
 * that needs no database) into batches; the calling thread, the only one that
 * touches the database, takes the batches in file order and, row by row,
 * looks up references to stored rows, stores the row or rejects it, and says
 * so. Everything seen (messages, rejects, the database) therefore happens in
 * the same order as when one row is read and stored at a time — which is what
 * CARECARD_INGEST_THREADS=1 does, with the same code, on one thread. */

double ingest_now_s(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* offset: bytes of input read so far, of size: to the progress callback */
void ingest_progress(file_ctx *f, uint64_t offset, uint64_t size, int done)
{
    if (!f->opts->progress)
        return;
    cc_progress p = {"ingest", f->name, (long)offset, (long)size, done ? 0 : f->st->rows_read, done};
    cc_progress_report(&p);
}

#define BATCH_ROWS 1024
#define BATCH_ARENA (1u << 20)
#define NBATCH 4

typedef struct {
    cc_csv_record rec;        /* fields point into the batch arena */
    val *v;                   /* the parsed values (ncols) */
    const char *reason;       /* rejected by check_row: why (arena); else NULL */
    const char *reason_col;
    uint64_t refs;            /* references still to check (check_row's f->refs) */
    double hours;
    int hours_set;
} prow;

typedef struct {
    prow *rows;
    val *vals;                /* BATCH_ROWS x ncols */
    size_t n;
    char *arena;
    size_t alen, acap;
    uint64_t offset;          /* input read when the batch was closed */
    int end;                  /* 0 more follow, 1 end of input, -1 read error (err) */
    char err[300];
} batch;

typedef struct {
    file_ctx rf;              /* the reading thread's copy of the file context */
    cc_csv *r;
    batch b[NBATCH];
    int nbatch;
    unsigned long produced, consumed;
    int stop;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int pending;              /* prec was read but did not fit the last batch */
    cc_csv_record prec;
} pipe_ctx;

/* n bytes of the batch arena, aligned for pointers */
static void *arena_take(batch *b, size_t n)
{
    size_t at = (b->alen + 7) & ~(size_t)7;
    b->alen = at + n;
    return b->arena + at;
}

/* Parse and check one record into row (the reading thread's work). */
static void parse_row(file_ctx *f, batch *b, prow *row, const cc_csv_record *rec)
{
    /* the record's fields are contiguous, each followed by its NUL */
    const char *from = rec->field[0];
    size_t span = (size_t)(rec->field[rec->n - 1] + rec->len[rec->n - 1] + 1 - from);
    char *to = arena_take(b, span);
    memcpy(to, from, span);
    const char **field = arena_take(b, rec->n * sizeof *field);
    size_t *len = arena_take(b, rec->n * sizeof *len);
    for (size_t i = 0; i < rec->n; i++) {
        field[i] = to + (rec->field[i] - from);
        len[i] = rec->len[i];
    }
    row->rec.n = rec->n;
    row->rec.field = field;
    row->rec.len = len;
    row->rec.line = rec->line;
    row->rec.error_col = rec->error_col;

    f->v = row->v;
    for (int ci = 0; ci < f->kd->ncols; ci++) {
        int in = f->where[ci];
        if (in >= 0 && (size_t)in < rec->n)
            ingest_parse_cell(f, ci, field[in], len[in]);
        else {
            f->v[ci].st = CC_PARSE_EMPTY;
            f->v[ci].s = "";
            f->v[ci].n = 0;
        }
        f->v[ci].code = f->kd->cols[ci].type == CC_T_ENUM ? f->v[ci].code : NULL;
    }
    int bad = 0;
    f->refs = 0;
    f->hours_set = 0;
    if (rec->n > f->ncols_in) {
        int extra = 0;
        for (size_t i = f->ncols_in; i < rec->n; i++) {
            size_t n = len[i];
            cc_trim(field[i], &n);
            extra |= n != 0;
        }
        if (extra) {
            snprintf(f->reason, sizeof f->reason, "row has %zu fields but the header has %zu "
                     "(a comma inside a value that is not quoted?)", rec->n, f->ncols_in);
            f->reason_col = NULL;
            bad = -1;
        }
    }
    if (!bad && rec->error_col && (size_t)rec->error_col - 1 < f->ncols_in && f->map[rec->error_col - 1] >= 0) {
        /* a sheet's error cell (#DIV/0!, #N/A) in a column of the kind */
        int ci = f->map[rec->error_col - 1];
        f->v[ci].s = field[rec->error_col - 1];
        f->v[ci].n = len[rec->error_col - 1];
        bad = ingest_fail_value(f, ci, "an error cell (a formula that failed), not a value");
    }
    if (!bad)
        bad = ingest_check_row(f);
    row->refs = f->refs;
    row->hours = f->hours;
    row->hours_set = f->hours_set;
    row->reason = NULL;
    row->reason_col = NULL;
    if (bad) {
        size_t n = strlen(f->reason) + 1;
        row->reason = memcpy(arena_take(b, n), f->reason, n);
        row->reason_col = f->reason_col;
    }
}

/* Fill b with the next rows of the file. */
static void fill_batch(pipe_ctx *p, batch *b)
{
    file_ctx *f = &p->rf;
    b->n = 0;
    b->alen = 0;
    b->end = 0;
    while (b->n < BATCH_ROWS) {
        cc_csv_record rec;
        if (p->pending) {
            rec = p->prec;
            p->pending = 0;
        } else {
            int rc = cc_csv_next(p->r, &rec);
            if (rc == 0) {
                b->end = 1;
                break;
            }
            if (rc < 0) {
                snprintf(b->err, sizeof b->err, "%s", cc_csv_error(p->r));
                b->end = -1;
                break;
            }
            /* a row of empty cells (what spreadsheets leave at the end) is no row */
            int empty = 1;
            for (size_t i = 0; i < rec.n && empty; i++) {
                size_t n = rec.len[i];
                cc_trim(rec.field[i], &n);
                empty = n == 0;
            }
            if (empty)
                continue;
        }
        size_t span = (size_t)(rec.field[rec.n - 1] + rec.len[rec.n - 1] + 1 - rec.field[0]);
        size_t need = span + rec.n * (sizeof(char *) + sizeof(size_t)) + sizeof f->reason + 32;
        if (b->alen + need > b->acap) {
            if (b->n) {
                p->prec = rec;        /* valid until the next cc_csv_next */
                p->pending = 1;
                break;
            }
            b->arena = cc_xrealloc(b->arena, need);
            b->acap = need;
        }
        prow *row = &b->rows[b->n];
        row->v = b->vals + b->n * (size_t)f->kd->ncols;
        parse_row(f, b, row, &rec);
        b->n++;
    }
    b->offset = cc_csv_offset(p->r);
}

static void *reader_main(void *arg)
{
    pipe_ctx *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (!p->stop && p->produced - p->consumed == (unsigned long)p->nbatch)
            pthread_cond_wait(&p->cv, &p->mu);
        int stop = p->stop;
        batch *b = &p->b[p->produced % (unsigned long)p->nbatch];
        pthread_mutex_unlock(&p->mu);
        if (stop)
            break;
        fill_batch(p, b);
        pthread_mutex_lock(&p->mu);
        p->produced++;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        if (b->end)
            break;
    }
    p->rf.cpu_read = ingest_now_s(CLOCK_THREAD_CPUTIME_ID);
    return NULL;
}

static void use_row(file_ctx *f, const prow *row)
{
    f->v = row->v;
    f->hours = row->hours;
    f->hours_set = row->hours_set;
}

/* Store n accepted rows, in order: with one INSERT when there are ROWS_MANY
 * (the usual case); from a row whose key is already stored (the INSERT stops
 * there, keeping the rows before it) one by one through store_row, which
 * says which rows replace which. */
static int store_rows(file_ctx *f, const prow *const *rows, int n)
{
    int many = 0;                     /* rows stored by the INSERT of many */
    for (int i = 0; i < n; i++) {
        use_row(f, rows[i]);
        if (ingest_roster_note_row(f, i) < 0)  /* before the row is stored */
            return -1;
        ingest_forget_note_row(f);
    }
    if (n == ROWS_MANY && f->ins_many) {
        int w = f->kd->ncols + 2;
        for (int i = 0; i < n; i++) {
            use_row(f, rows[i]);
            ingest_bind_row(f, f->ins_many, rows[i]->rec.line, i * w);
        }
        if ((many = ingest_step_stored(f, f->ins_many, n, "storing a row")) < 0)
            return -1;
    }
    for (int i = 0; i < n; i++) {
        use_row(f, rows[i]);
        f->rreplaced = 0;
        if ((i < many ? ingest_store_extras(f, &rows[i]->rec) : ingest_store_row(f, &rows[i]->rec)) < 0 ||
            ingest_check_plausible(f, rows[i]->rec.line) < 0)
            return -1;
        ingest_roster_stored(f, i);
        f->st->rows_accepted++;
    }
    return 0;
}

/* Store or reject the rows of b (the storing thread's work). */
static cc_err store_batch(file_ctx *f, const batch *b)
{
    cc_ingest_stats *st = f->st;
    const prow *group[ROWS_MANY];
    int ng = 0;
    for (size_t i = 0; i < b->n; i++) {
        const prow *row = &b->rows[i];
        st->rows_read++;
        if ((st->rows_read & 4095) == 0) {
            if (cc_interrupted) {
                ingest_progress(f, 0, 0, 1);
                cc_error("%s: interrupted; nothing of this file was stored", f->path);
                return CC_ERR_INTERRUPTED;
            }
            if ((st->rows_read & 65535) == 0)
                ingest_progress(f, b->offset, f->size, 0);
        }
        use_row(f, row);
        const char *reason = row->reason, *col = row->reason_col;
        if (row->refs && ingest_check_refs(f, row->refs) < 0) {
            reason = f->reason;
            col = f->reason_col;
        }
        if (reason) {
            /* what the rows before it do is said before it */
            if (store_rows(f, group, ng) < 0)
                return CC_ERR_DB;
            ng = 0;
            use_row(f, row);
            if (ingest_reject_row(f, &row->rec, reason, col) < 0)
                return CC_ERR_DB;
            continue;
        }
        f->rgroup[ng] = f->ract;      /* attendance: its activity (check_refs) */
        group[ng++] = row;
        if (ng == ROWS_MANY) {
            if (store_rows(f, group, ng) < 0)
                return CC_ERR_DB;
            ng = 0;
        }
    }
    if (store_rows(f, group, ng) < 0)
        return CC_ERR_DB;
    if (ingest_tuples_flush(f, &f->answers) < 0)
        return CC_ERR_DB;
    if (b->end > 0 && f->feed)
        cc_roster_feed_end(f->feed);  /* its thread sorts the IDs while the indexes are rebuilt */
    if (b->end < 0) {
        ingest_progress(f, 0, 0, 1);
        cc_error("%s: %s", f->path, b->err);
        return CC_ERR_DATA;
    }
    return CC_OK;
}

/* Read, check and store every data row of r. */
cc_err ingest_load_rows(file_ctx *f, cc_csv *r)
{
    pipe_ctx *p = cc_xcalloc(1, sizeof *p);
    val *v0 = f->v;
    p->rf = *f;
    p->r = r;
    int threaded = ingest_threads_wanted() > 1;
    p->nbatch = threaded ? NBATCH : 1;
    for (int i = 0; i < p->nbatch; i++) {
        p->b[i].rows = cc_xmalloc(BATCH_ROWS * sizeof *p->b[i].rows);
        p->b[i].vals = cc_xcalloc(BATCH_ROWS * (size_t)f->kd->ncols, sizeof *p->b[i].vals);
        p->b[i].acap = BATCH_ARENA;
        p->b[i].arena = cc_xmalloc(BATCH_ARENA);
    }
    double cpu0 = ingest_now_s(CLOCK_THREAD_CPUTIME_ID);
    pthread_t th;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    if (threaded && pthread_create(&th, NULL, reader_main, p) != 0)
        threaded = 0;
    cc_err err = CC_OK;
    for (;;) {
        batch *b = &p->b[0];
        if (threaded) {
            pthread_mutex_lock(&p->mu);
            while (p->consumed == p->produced)
                pthread_cond_wait(&p->cv, &p->mu);
            b = &p->b[p->consumed % (unsigned long)p->nbatch];
            pthread_mutex_unlock(&p->mu);
        } else {
            fill_batch(p, b);
        }
        err = store_batch(f, b);
        int end = b->end;
        if (threaded) {
            pthread_mutex_lock(&p->mu);
            p->consumed++;
            pthread_cond_broadcast(&p->cv);
            pthread_mutex_unlock(&p->mu);
        }
        if (err != CC_OK || end)
            break;
    }
    if (threaded) {
        pthread_mutex_lock(&p->mu);
        p->stop = 1;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        pthread_join(th, NULL);
        f->cpu_read = p->rf.cpu_read;
    }
    f->cpu_store = ingest_now_s(CLOCK_THREAD_CPUTIME_ID) - cpu0;
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    for (int i = 0; i < p->nbatch; i++) {
        free(p->b[i].rows);
        free(p->b[i].vals);
        free(p->b[i].arena);
    }
    free(p);
    f->v = v0;
    return err;
}
