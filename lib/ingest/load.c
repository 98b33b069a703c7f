/* ingest/load — storing accepted rows: the prepared statements of a kind,
 * rows bound and inserted (ROWS_MANY to an INSERT, a key already stored
 * replaced row by row), survey answers TUPLES_MANY to a statement, and the
 * plausibility warnings of a stored row. */
#include "ingest/ingest_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *ingest_db_col(const cc_col_def *c)
{
    return c->db ? c->db : c->key;
}

int ingest_prep(file_ctx *f, const char *sql, sqlite3_stmt **st)
{
    int rc = sqlite3_prepare_v3(f->s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
    if (rc != SQLITE_OK) {
        cc_store_err(f->s, rc, "preparing a statement");
        return -1;
    }
    return 0;
}

void ingest_finalize_all(file_ctx *f)
{
    sqlite3_stmt **all[] = {&f->ins, &f->ins_many, &f->ins_replace, &f->key_lookup, &f->answers_del, &f->activity_q, &f->provider_q,
                            &f->reject_ins, &f->plaus_ins, &f->plaus_del, &f->answers.one, &f->answers.many};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
        sqlite3_finalize(*all[i]);
        *all[i] = NULL;
    }
    sqlite3_finalize(f->roster_q);
    f->roster_q = NULL;
}

int ingest_step_done(file_ctx *f, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        cc_store_err(f->s, rc, what);
        return -1;
    }
    return 0;
}

/* Step an INSERT OR FAIL of n rows: how many it stored (n, or those before
 * the row a constraint refused), or -1 (said) on another error. */
int ingest_step_stored(file_ctx *f, sqlite3_stmt *st, int n, const char *what)
{
    sqlite3_int64 before = sqlite3_total_changes64(f->s->db);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return n;
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return (int)(sqlite3_total_changes64(f->s->db) - before);
    cc_store_err(f->s, rc, what);
    return -1;
}

/* into: "table (columns)".  One tuple: INSERT OR REPLACE; TUPLES_MANY: INSERT
 * OR FAIL, which keeps no statement journal (with REPLACE, SQLite copied each
 * page the INSERT changed to a temporary file first: 19 GB written for the
 * city's surveys) and stops at a refused tuple, keeping those before it. */
static int prep_tuples(file_ctx *f, tuples *tb, const char *into, int ncol, const char *what)
{
    cc_buf sql = CC_BUF_INIT;
    const char *one = ncol == 2 ? "(?, ?)" : "(?, ?, ?)";
    cc_buf_addf(&sql, "INSERT OR REPLACE INTO %s VALUES %s", into, one);
    int rc = ingest_prep(f, sql.s, &tb->one);
    cc_buf_reset(&sql);
    cc_buf_addf(&sql, "INSERT OR FAIL INTO %s VALUES %s", into, one);
    for (int i = 1; i < TUPLES_MANY; i++)
        cc_buf_addf(&sql, ", %s", one);
    rc |= ingest_prep(f, sql.s, &tb->many);
    cc_buf_release(&sql);
    tb->ncol = ncol;
    tb->what = what;
    tb->n = 0;
    return rc;
}

static void tuples_add(tuples *tb, const char *a, size_t an, const char *b, size_t bn, const char *c, size_t cn)
{
    if (tb->n == tb->cap) {
        tb->cap = tb->cap ? tb->cap * 2 : 256;
        tb->t = cc_xrealloc(tb->t, tb->cap * sizeof *tb->t);
    }
    tuple *t = &tb->t[tb->n];
    t->s[0] = a, t->n[0] = (int)an;
    t->s[1] = b, t->n[1] = (int)bn;
    t->s[2] = c, t->n[2] = (int)cn;
    t->seq = tb->n++;
}

/* SQLite's BINARY order of the first *nkey columns (the primary key:
 * response and question), then arrival (a later answer to the
 * same question replaces an earlier one, as it did stored one at a time) */
static int tuple_cmp(const void *x, const void *y, void *nkey)
{
    const tuple *a = x, *b = y;
    for (int i = 0; i < *(int *)nkey; i++) {
        int m = a->n[i] < b->n[i] ? a->n[i] : b->n[i];
        int c = memcmp(a->s[i], b->s[i], (size_t)m);
        if (c || a->n[i] != b->n[i])
            return c ? c : a->n[i] < b->n[i] ? -1 : 1;
    }
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Store the collected rows, in key order (nearby rows of the b-tree one after
 * the other), and empty the list. */
int ingest_tuples_flush(file_ctx *f, tuples *tb)
{
    if (!tb->n)
        return 0;
    int nkey = 2;
    qsort_r(tb->t, tb->n, sizeof *tb->t, tuple_cmp, &nkey);
    size_t i = 0;
    while (i < tb->n) {
        if (tb->n - i >= TUPLES_MANY) {
            int pos = 1;
            for (size_t j = i; j < i + TUPLES_MANY; j++)
                for (int c = 0; c < tb->ncol; c++)
                    sqlite3_bind_text(tb->many, pos++, tb->t[j].s[c], tb->t[j].n[c], SQLITE_STATIC);
            int stored = ingest_step_stored(f, tb->many, TUPLES_MANY, tb->what);
            if (stored < 0)
                return -1;
            i += (size_t)stored;
            if (stored == TUPLES_MANY)
                continue;
        }
        /* one tuple: the last few, or the one the INSERT of many refused
         * (the tuples before it are stored): it replaces */
        for (int c = 0; c < tb->ncol; c++)
            sqlite3_bind_text(tb->one, c + 1, tb->t[i].s[c], tb->t[i].n[c], SQLITE_STATIC);
        if (ingest_step_done(f, tb->one, tb->what) < 0)
            return -1;
        i++;
    }
    tb->n = 0;
    return 0;
}

int ingest_prepare_kind(file_ctx *f)
{
    const cc_kind_def *kd = f->kd;
    cc_buf cols = CC_BUF_INIT, qs = CC_BUF_INIT, keyw = CC_BUF_INIT, sql = CC_BUF_INIT;
    for (int i = 0; i < kd->ncols; i++) {
        cc_buf_addf(&cols, "%s%s", i ? ", " : "", ingest_db_col(&kd->cols[i]));
        cc_buf_adds(&qs, i ? ", ?" : "?");
        if (kd->cols[i].flags & CC_F_KEY)
            cc_buf_addf(&keyw, "%s%s = ?", keyw.len ? " AND " : "", ingest_db_col(&kd->cols[i]));
    }
    int rc = 0;
    cc_buf_addf(&sql, "INSERT INTO %s (%s, file_id, line) VALUES (%s, ?, ?)", kd->table, cols.s, qs.s);
    rc |= ingest_prep(f, sql.s, &f->ins);
    /* OR FAIL: a row that breaks a constraint stops the INSERT and keeps the
     * rows before it, so SQLite keeps no statement journal to undo them
     * (with ABORT it wrote the pages each INSERT changed to a temporary
     * file: 8 GB for the city's attendance) */
    cc_buf_reset(&sql);
    cc_buf_addf(&sql, "INSERT OR FAIL INTO %s (%s, file_id, line) VALUES (%s, ?, ?)", kd->table, cols.s, qs.s);
    for (int i = 1; i < ROWS_MANY; i++)
        cc_buf_addf(&sql, ", (%s, ?, ?)", qs.s);
    /* optional: a SQLite built with a low limit on parameters stores row by row */
    if (sqlite3_prepare_v3(f->s->db, sql.s, -1, SQLITE_PREPARE_PERSISTENT, &f->ins_many, NULL) != SQLITE_OK)
        f->ins_many = NULL;
    cc_buf_reset(&sql);
    cc_buf_addf(&sql, "INSERT OR REPLACE INTO %s (%s, file_id, line) VALUES (%s, ?, ?)", kd->table, cols.s, qs.s);
    rc |= ingest_prep(f, sql.s, &f->ins_replace);
    cc_buf_reset(&sql);
    cc_buf_addf(&sql, "SELECT file_id, line FROM %s WHERE %s", kd->table, keyw.s);
    rc |= ingest_prep(f, sql.s, &f->key_lookup);
    cc_buf_release(&cols);
    cc_buf_release(&qs);
    cc_buf_release(&keyw);
    cc_buf_release(&sql);
    if (f->kind == CC_KIND_SURVEYS) {
        rc |= prep_tuples(f, &f->answers, "survey_answers (response_id, question, answer)", 3,
                          "storing a survey answer");
        rc |= ingest_prep(f, "DELETE FROM survey_answers WHERE response_id = ?", &f->answers_del);
    }
    rc |= ingest_prep(f, "SELECT 1 FROM activities WHERE activity_id = ?", &f->activity_q);
    rc |= ingest_prep(f, "SELECT 1 FROM providers WHERE provider_id = ?", &f->provider_q);
    rc |= ingest_prep(f, "INSERT INTO rejects (file_id, line, community_id, date, column_key, message)"
                         " VALUES (?, ?, ?, ?, ?, ?)", &f->reject_ins);
    rc |= ingest_prep(f, "INSERT INTO plausibility (file_id, line, kind, row_key, community_id, date, message) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)", &f->plaus_ins);
    rc |= ingest_prep(f, "DELETE FROM plausibility WHERE kind = ? AND row_key = ?", &f->plaus_del);
    return rc ? -1 : 0;
}

int ingest_load_communities(file_ctx *f)
{
    sqlite3_stmt *q;
    if (ingest_prep(f, "SELECT community_id, community_name FROM communities", &q) < 0)
        return -1;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(q, 0);
        const char *name = (const char *)sqlite3_column_text(q, 1);
        if (id)
            ingest_map_put(&f->communities, id, strlen(id), NULL);
        if (id && name)
            ingest_map_put(&f->community_names, name, strlen(name), id);
    }
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE) {
        cc_store_err(f->s, rc, "reading the communities register");
        return -1;
    }
    return 0;
}

static void bind_val(sqlite3_stmt *st, int pos, const cc_col_def *c, const val *v)
{
    if (v->st != CC_PARSE_OK) {
        sqlite3_bind_null(st, pos);
        return;
    }
    switch (c->type) {
    case CC_T_INT:
        sqlite3_bind_int64(st, pos, v->i);
        break;
    case CC_T_NUM:
        sqlite3_bind_double(st, pos, v->d);
        break;
    case CC_T_DATE:
        sqlite3_bind_text(st, pos, v->fmt, 10, SQLITE_STATIC);
        break;
    case CC_T_TIME:
        sqlite3_bind_text(st, pos, v->fmt, 8, SQLITE_STATIC);
        break;
    case CC_T_BOOL:
        sqlite3_bind_int(st, pos, v->b);
        break;
    case CC_T_ENUM:
        sqlite3_bind_text(st, pos, v->code, -1, SQLITE_STATIC);
        break;
    default:
        if (v->code && (c->flags & CC_F_COMMUNITY))
            sqlite3_bind_text(st, pos, v->code, -1, SQLITE_STATIC);
        else
            sqlite3_bind_text(st, pos, v->s, (int)v->n, SQLITE_STATIC);
        break;
    }
}

/* Bind the row to parameters base+1 .. base+ncols+2 of st. */
void ingest_bind_row(file_ctx *f, sqlite3_stmt *st, long line, int base)
{
    const cc_kind_def *kd = f->kd;
    for (int ci = 0; ci < kd->ncols; ci++) {
        const cc_col_def *c = &kd->cols[ci];
        const val *v = &f->v[ci];
        int pos = base + ci + 1;
        if (ci == f->x_hours) {
            if (f->hours_set)
                sqlite3_bind_double(st, pos, f->hours);
            else
                sqlite3_bind_null(st, pos);
        } else if (ci == f->x_status && v->st != CC_PARSE_OK) {
            sqlite3_bind_text(st, pos, "completed", -1, SQLITE_STATIC);
        } else if (ci == f->x_as_of && v->st != CC_PARSE_OK) {
            sqlite3_bind_text(st, pos, "0000-01-01", -1, SQLITE_STATIC);
        } else {
            bind_val(st, pos, c, v);
        }
    }
    sqlite3_bind_int64(st, base + kd->ncols + 1, f->file_id);
    sqlite3_bind_int64(st, base + kd->ncols + 2, line);
}

static void bind_key(file_ctx *f, sqlite3_stmt *st)
{
    int pos = 1;
    for (int ci = 0; ci < f->kd->ncols; ci++) {
        const cc_col_def *c = &f->kd->cols[ci];
        if (!(c->flags & CC_F_KEY))
            continue;
        if (ci == f->x_as_of && f->v[ci].st != CC_PARSE_OK)
            sqlite3_bind_text(st, pos, "0000-01-01", -1, SQLITE_STATIC);
        else
            bind_val(st, pos, c, &f->v[ci]);
        pos++;
    }
}

static void key_text(file_ctx *f, char *out, size_t cap)
{
    size_t o = 0;
    out[0] = '\0';
    for (int ci = 0; ci < f->kd->ncols && o < cap; ci++) {
        const cc_col_def *c = &f->kd->cols[ci];
        if (!(c->flags & CC_F_KEY))
            continue;
        const val *v = &f->v[ci];
        const char *s = v->st != CC_PARSE_OK ? "" : (c->type == CC_T_DATE || c->type == CC_T_TIME) ? v->fmt
                        : c->type == CC_T_ENUM ? v->code : NULL;
        if (s)
            o += (size_t)snprintf(out + o, cap - o, "%s%s", o ? "|" : "", s);
        else
            o += (size_t)snprintf(out + o, cap - o, "%s%.*s", o ? "|" : "", (int)v->n, v->s);
    }
}

static int store_answers(file_ctx *f, const cc_csv_record *rec, const val *rid)
{
    for (size_t i = 0; i < f->ncols_in && i < rec->n; i++) {
        if (f->map[i] != -2)
            continue;
        size_t n = rec->len[i];
        const char *t = cc_trim(rec->field[i], &n);
        if (!n)
            continue;
        tuples_add(&f->answers, rid->s, rid->n, f->questions[i], strlen(f->questions[i]), t, n);
    }
    return 0;
}

/* What a stored row adds to the side tables. */
int ingest_store_extras(file_ctx *f, const cc_csv_record *rec)
{
    if (f->kind == CC_KIND_SURVEYS && store_answers(f, rec, &f->v[0]) < 0)
        return -1;
    return 0;
}

/* Store an accepted row; handles a key that is already stored. */
/* The notice of a row (line) whose key (as key_text writes it) an earlier
 * row of the same file (earlier) had. */
void ingest_say_repeat(file_ctx *f, long line, const char *key, long earlier)
{
    if (f->unit)
        cc_notice("%s, row %ld: %s '%s' repeats row %ld; the later row (row %ld) replaces it", f->path, line,
                  f->kd->cols[0].key, key, earlier, line);
    else
        cc_notice("%s:%ld: %s '%s' repeats line %ld; the later row (line %ld) replaces it", f->path, line,
                  f->kd->cols[0].key, key, earlier, line);
    f->st->notices++;
}

int ingest_store_row(file_ctx *f, const cc_csv_record *rec)
{
    ingest_bind_row(f, f->ins, rec->line, 0);
    int rc = sqlite3_step(f->ins);
    sqlite3_reset(f->ins);
    int existed = 0;
    if ((rc & 0xff) == SQLITE_CONSTRAINT) {
        existed = 1;
        f->rreplaced = 1;
        bind_key(f, f->key_lookup);
        if (sqlite3_step(f->key_lookup) == SQLITE_ROW) {
            int64_t fid = sqlite3_column_int64(f->key_lookup, 0);
            long line = (long)sqlite3_column_int64(f->key_lookup, 1);
            if (fid != f->file_id) {
                f->chg_other = 1;           /* (forget.c) */
            } else {
                f->st->replaced++;
                if (f->shown_dups++ < MAX_SHOWN) {
                    char key[512];
                    key_text(f, key, sizeof key);
                    ingest_say_repeat(f, rec->line, key, line);
                }
            }
        }
        sqlite3_reset(f->key_lookup);
        if (ingest_tuples_flush(f, &f->answers) < 0)
            return -1;
        if (f->answers_del) {
            sqlite3_bind_text(f->answers_del, 1, f->v[0].s, (int)f->v[0].n, SQLITE_STATIC);
            if (ingest_step_done(f, f->answers_del, "replacing answers") < 0)
                return -1;
        }
        {
            char key[512];
            key_text(f, key, sizeof key);
            sqlite3_bind_text(f->plaus_del, 1, f->kd->name, -1, SQLITE_STATIC);
            sqlite3_bind_text(f->plaus_del, 2, key, -1, SQLITE_TRANSIENT);
            if (ingest_step_done(f, f->plaus_del, "replacing plausibility warnings") < 0)
                return -1;
        }
        ingest_bind_row(f, f->ins_replace, rec->line, 0);
        if (ingest_step_done(f, f->ins_replace, "storing a row") < 0)
            return -1;
    } else if (rc != SQLITE_DONE) {
        cc_store_err(f->s, rc, "storing a row");
        return -1;
    }
    (void)existed;
    return ingest_store_extras(f, rec);
}

static int plausibility(file_ctx *f, long line, const char *msg, const char *date)
{
    char key[512];
    key_text(f, key, sizeof key);
    int cc = f->x_community;
    sqlite3_stmt *st = f->plaus_ins;
    sqlite3_bind_int64(st, 1, f->file_id);
    sqlite3_bind_int64(st, 2, line);
    sqlite3_bind_text(st, 3, f->kd->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, key, -1, SQLITE_TRANSIENT);
    if (cc >= 0 && f->v[cc].st == CC_PARSE_OK)
        sqlite3_bind_text(st, 5, f->v[cc].code ? f->v[cc].code : f->v[cc].s,
                          f->v[cc].code ? -1 : (int)f->v[cc].n, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 5);
    if (date)
        sqlite3_bind_text(st, 6, date, 10, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 6);
    sqlite3_bind_text(st, 7, msg, -1, SQLITE_TRANSIENT);
    f->plaus++;
    return ingest_step_done(f, st, "recording a plausibility warning");
}

int ingest_check_plausible(file_ctx *f, long line)
{
    const cc_kind_def *kd = f->kd;
    char msg[256];
    const char *date = NULL;
    for (int ci = 0; ci < kd->ncols; ci++) {
        if (!(kd->cols[ci].flags & CC_F_PLAUS) || f->v[ci].st != CC_PARSE_OK)
            continue;
        date = f->v[ci].fmt;
        if (f->v[ci].day > f->today) {
            snprintf(msg, sizeof msg, "%s %s is in the future", kd->cols[ci].key, date);
            if (plausibility(f, line, msg, date) < 0)
                return -1;
        } else if (f->v[ci].day < f->too_old) {
            snprintf(msg, sizeof msg, "%s %s is more than 400 days old", kd->cols[ci].key, date);
            if (plausibility(f, line, msg, date) < 0)
                return -1;
        }
    }
    if (f->x_capacity >= 0) {
        int a = f->x_attended, c = f->x_capacity;
        if (f->v[a].i * 2 > f->v[c].i * 3) {
            snprintf(msg, sizeof msg, "attended %lld is more than 1.5 × capacity %lld",
                     (long long)f->v[a].i, (long long)f->v[c].i);
            if (plausibility(f, line, msg, date) < 0)
                return -1;
        }
        if (f->hours_set && f->hours > 12) {
            char h[32];
            ingest_fmt_num(f->hours, h, sizeof h);
            snprintf(msg, sizeof msg, "hours %s is more than 12", h);
            if (plausibility(f, line, msg, date) < 0)
                return -1;
        }
    }
    return 0;
}
