/* quality — data quality, resources, special children not reached, the
 * ingest log and survey answers by role, for the report workbooks. */
#include "store/db.h"
#include "measure/quality.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- small helpers ------------------------------------------------------ */

static void day_str(cc_day day, char out[11]) { cc_day_format(day, out); }

static long day_of(const char *s)
{
    cc_day d;
    if (!s || cc_parse_date(s, strlen(s), &d) != CC_PARSE_OK)
        return 0;
    return d;
}

static int weekday(long d) { return (int)(((d % 7) + 7 + 3) % 7) + 1; }   /* 1 = Monday */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Index of id in the sorted list, or -1. */
static long find_id(const char *const *ids, size_t n, const char *id)
{
    if (!id)
        return -1;
    const char *const *p = bsearch(&id, ids, n, sizeof *ids, cmp_str);
    return p ? (long)(p - ids) : -1;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? cc_xstrdup((const char *)t) : NULL;
}

static cc_err prepare(cc_store *s, const char *sql, sqlite3_stmt **st)
{
    int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);
    if (rc != SQLITE_OK)
        return cc_store_err(s, rc, "prepare");
    return CC_OK;
}

static void bind_range(sqlite3_stmt *st, int first, cc_day from, cc_day to)
{
    char a[11], b[11];
    day_str(from, a);
    day_str(to, b);
    sqlite3_bind_text(st, first, a, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, first + 1, b, -1, SQLITE_TRANSIENT);
}

/* Run a "community_id, count" query with ?1 ?2 = from, to and add the counts
 * into the long at byte offset `off` of each cc_quality. */
static cc_err count_into(cc_store *s, const char *sql, const char *const *ids, size_t n,
                         cc_day from, cc_day to, cc_quality *out, size_t off)
{
    sqlite3_stmt *st;
    cc_err e = prepare(s, sql, &st);
    if (e)
        return e;
    bind_range(st, 1, from, to);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        long i = find_id(ids, n, (const char *)sqlite3_column_text(st, 0));
        if (i >= 0)
            *(long *)((char *)&out[i] + off) += (long)sqlite3_column_int64(st, 1);
    }
    e = rc == SQLITE_DONE ? CC_OK : cc_store_err(s, rc, "data quality");
    sqlite3_finalize(st);
    return e;
}

/* ---- data quality ---------------------------------------------------------- */

cc_err cc_quality_query(cc_store *s, const char *const *ids, size_t n,
                        cc_day from, cc_day to, cc_quality *out)
{
    memset(out, 0, n * sizeof *out);
    if (n == 0)
        return CC_OK;
    cc_err e;
    if ((e = count_into(s, "SELECT community_id, count(*) FROM activities"
                           " WHERE date BETWEEN ?1 AND ?2 GROUP BY community_id",
                        ids, n, from, to, out, offsetof(cc_quality, activities))))
        return e;
    if ((e = count_into(s, "SELECT v.community_id, count(*) FROM activities v"
                           " CROSS JOIN attendance a ON a.activity_id = v.activity_id"
                           " WHERE v.date BETWEEN ?1 AND ?2 GROUP BY v.community_id",
                        ids, n, from, to, out, offsetof(cc_quality, attendance))))
        return e;
    if ((e = count_into(s, "SELECT community_id, count(*) FROM survey_responses"
                           " WHERE date BETWEEN ?1 AND ?2 GROUP BY community_id",
                        ids, n, from, to, out, offsetof(cc_quality, responses))))
        return e;
    if ((e = count_into(s, "SELECT r.community_id, count(*) FROM rejects r"
                           " LEFT JOIN files f ON f.file_id = r.file_id"
                           " WHERE r.community_id IS NOT NULL AND"
                           " (r.date BETWEEN ?1 AND ?2 OR"
                           "  (r.date IS NULL AND substr(f.ingested_at, 1, 10) BETWEEN ?1 AND ?2))"
                           " GROUP BY r.community_id",
                        ids, n, from, to, out, offsetof(cc_quality, rejects))))
        return e;
    if ((e = count_into(s, "SELECT p.community_id, count(*) FROM plausibility p"
                           " LEFT JOIN files f ON f.file_id = p.file_id"
                           " WHERE p.community_id IS NOT NULL AND"
                           " (p.date BETWEEN ?1 AND ?2 OR"
                           "  (p.date IS NULL AND substr(f.ingested_at, 1, 10) BETWEEN ?1 AND ?2))"
                           " GROUP BY p.community_id",
                        ids, n, from, to, out, offsetof(cc_quality, plausibility))))
        return e;

    /* 未报 weeks: ISO weeks whose Thursday lies in the period. */
    long first = from + (4 - weekday(from) + 7) % 7;
    long nweeks = first > to ? 0 : (to - first) / 7 + 1;
    if (nweeks == 0)
        return CC_OK;
    unsigned char *seen = cc_xcalloc(n * (size_t)nweeks, 1);
    sqlite3_stmt *st;
    if ((e = prepare(s, "SELECT DISTINCT community_id, date FROM activities"
                        " WHERE date BETWEEN ?1 AND ?2", &st))) {
        free(seen);
        return e;
    }
    bind_range(st, 1, (cc_day)(first - 3), (cc_day)(first + 7 * (nweeks - 1) + 3));
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        long i = find_id(ids, n, (const char *)sqlite3_column_text(st, 0));
        long d = day_of((const char *)sqlite3_column_text(st, 1));
        long w = (d - (first - 3)) / 7;
        if (i >= 0 && w >= 0 && w < nweeks)
            seen[(size_t)i * (size_t)nweeks + (size_t)w] = 1;
    }
    e = rc == SQLITE_DONE ? CC_OK : cc_store_err(s, rc, "data quality");
    sqlite3_finalize(st);
    for (size_t i = 0; i < n; i++) {
        out[i].weeks = nweeks;
        for (long w = 0; w < nweeks; w++)
            out[i].unreported_weeks += !seen[i * (size_t)nweeks + (size_t)w];
    }
    free(seen);
    return e;
}

cc_err cc_plausibility_query(cc_store *s, const char *const *ids, size_t n,
                             cc_day from, cc_day to, cc_plausibility **out, size_t *nout)
{
    *out = NULL;
    *nout = 0;
    sqlite3_stmt *st;
    cc_err e = prepare(s, "SELECT p.community_id, f.name, p.line, p.date, p.message"
                          " FROM plausibility p LEFT JOIN files f ON f.file_id = p.file_id"
                          " WHERE (p.date BETWEEN ?1 AND ?2 OR"
                          "  (p.date IS NULL AND substr(f.ingested_at, 1, 10) BETWEEN ?1 AND ?2))"
                          " ORDER BY p.community_id, f.name, p.line, p.kind, p.message", &st);
    if (e)
        return e;
    bind_range(st, 1, from, to);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *cid = (const char *)sqlite3_column_text(st, 0);
        if (find_id(ids, n, cid) < 0)
            continue;
        if (*nout == cap) {
            cap = cap ? 2 * cap : 16;
            *out = cc_xrealloc(*out, cap * sizeof **out);
        }
        cc_plausibility *p = &(*out)[(*nout)++];
        p->community_id = col_dup(st, 0);
        p->file = col_dup(st, 1);
        p->line = (long)sqlite3_column_int64(st, 2);
        p->date = col_dup(st, 3);
        p->message = col_dup(st, 4);
    }
    e = rc == SQLITE_DONE ? CC_OK : cc_store_err(s, rc, "plausibility");
    sqlite3_finalize(st);
    return e;
}

void cc_plausibility_free(cc_plausibility *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(p[i].community_id);
        free(p[i].file);
        free(p[i].date);
        free(p[i].message);
    }
    free(p);
}

/* ---- resources -------------------------------------------------------------- */

static double col_num(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

void cc_resources_finish(cc_resources *r, double demand_rate)
{
    r->per1000 = r->population > 0 ? 1000.0 * r->places / r->population : NAN;
    r->demand = demand_rate * r->children_0_3;
    r->gap = r->demand - r->places;
    r->inclusive_share = r->places > 0 ? r->inclusive_places / r->places : NAN;
    r->fee_burden = r->monthly_income > 0 ? r->monthly_fee / r->monthly_income : NAN;
}

cc_err cc_resources_query(cc_store *s, const char *const *ids, size_t n, cc_day day,
                          double demand_rate, cc_resources *out)
{
    for (size_t i = 0; i < n; i++) {
        cc_resources *r = &out[i];
        r->population = r->children_0_3 = r->places = r->inclusive_places = NAN;
        r->monthly_fee = r->monthly_income = NAN;
        cc_resources_finish(r, demand_rate);
    }
    sqlite3_stmt *st;
    cc_err e = prepare(s, "SELECT c.community_id, c.population, c.children_0_3, c.places,"
                          " c.inclusive_places, c.monthly_fee,"
                          " c.disposable_income / 12.0 * c.household_size"
                          " FROM communities c WHERE c.as_of = (SELECT max(as_of) FROM communities x"
                          "   WHERE x.community_id = c.community_id AND x.as_of <= ?1)", &st);
    if (e)
        return e;
    char d[11];
    day_str(day, d);
    sqlite3_bind_text(st, 1, d, -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        long i = find_id(ids, n, (const char *)sqlite3_column_text(st, 0));
        if (i < 0)
            continue;
        cc_resources *r = &out[i];
        r->population = col_num(st, 1);
        r->children_0_3 = col_num(st, 2);
        r->places = col_num(st, 3);
        r->inclusive_places = col_num(st, 4);
        r->monthly_fee = col_num(st, 5);
        r->monthly_income = col_num(st, 6);
        cc_resources_finish(r, demand_rate);
    }
    e = rc == SQLITE_DONE ? CC_OK : cc_store_err(s, rc, "resources");
    sqlite3_finalize(st);
    return e;
}

/* ---- special children not reached ----------------------------------------- */

/* A special child's visits are its attendance rows flagged special = 1 (the
 * rows R4 counts as special_served).  They are read through the partial index
 * attendance_special (schema v3), in participant order, so the query costs
 * the special rows, not the whole attendance history; each participant's
 * rows are folded in C: the latest visit (date, then activity_id, both
 * descending), the latest non-empty name, served when a visit was to a
 * completed activity in [from, to]. */

typedef struct {
    char *pid;                      /* NULL = no participant yet */
    char *cid, *date, *aid;         /* latest visit */
    char *name, *ndate, *naid;      /* latest visit with a non-empty name */
    int served;
} sp_acc;

static void sp_reset(sp_acc *a)
{
    free(a->pid);
    free(a->cid);
    free(a->date);
    free(a->aid);
    free(a->name);
    free(a->ndate);
    free(a->naid);
    memset(a, 0, sizeof *a);
}

static void set_str(char **dst, const char *src)
{
    size_t n = strlen(src);
    *dst = cc_xrealloc(*dst, n + 1);
    memcpy(*dst, src, n + 1);
}

/* (date, aid) newer than (d0, a0)?  d0 NULL = nothing yet. */
static int sp_newer(const char *date, const char *aid, const char *d0, const char *a0)
{
    if (!d0)
        return 1;
    int c = strcmp(date, d0);
    return c > 0 || (c == 0 && strcmp(aid, a0) > 0);
}

/* Move the finished participant of acc into out unless served or outside ids. */
static void sp_emit(sp_acc *acc, const char *const *ids, size_t n, cc_special_child **out,
                    size_t *nout, size_t *cap)
{
    if (acc->pid && !acc->served && find_id(ids, n, acc->cid) >= 0) {
        if (*nout == *cap) {
            *cap = *cap ? 2 * *cap : 16;
            *out = cc_xrealloc(*out, *cap * sizeof **out);
        }
        cc_special_child *c = &(*out)[(*nout)++];
        c->community_id = acc->cid;
        c->participant_id = acc->pid;
        c->name = acc->name;
        c->last_seen = acc->date;
        acc->cid = acc->pid = acc->name = acc->date = NULL;
    }
    sp_reset(acc);
}

static int cmp_special(const void *pa, const void *pb)
{
    const cc_special_child *a = pa, *b = pb;
    int c = strcmp(a->community_id, b->community_id);
    return c ? c : strcmp(a->participant_id, b->participant_id);
}

cc_err cc_special_unserved(cc_store *s, const char *const *ids, size_t n,
                           cc_day from, cc_day to, cc_special_child **out, size_t *nout)
{
    *out = NULL;
    *nout = 0;
    /* CROSS JOIN: the special rows first (partial index, participant
     * order), then each one's activity by its primary key */
    static const char sql[] =
        "SELECT a.participant_id, v.community_id, v.date, v.activity_id, a.name,"
        "  v.status = 'completed' AND v.date >= ?1"
        " FROM attendance a CROSS JOIN activities v ON v.activity_id = a.activity_id"
        " WHERE a.special = 1 AND v.date <= ?2"
        " ORDER BY a.participant_id";
    sqlite3_stmt *st;
    cc_err e = prepare(s, sql, &st);
    if (e)
        return e;
    bind_range(st, 1, from, to);
    size_t cap = 0;
    sp_acc acc;
    memset(&acc, 0, sizeof acc);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *pid = (const char *)sqlite3_column_text(st, 0);
        const char *cid = (const char *)sqlite3_column_text(st, 1);
        const char *date = (const char *)sqlite3_column_text(st, 2);
        const char *aid = (const char *)sqlite3_column_text(st, 3);
        const char *name = (const char *)sqlite3_column_text(st, 4);
        if (!pid || !cid || !date || !aid)
            continue;                   /* NOT NULL columns */
        if (!acc.pid || strcmp(acc.pid, pid)) {
            sp_emit(&acc, ids, n, out, nout, &cap);
            acc.pid = cc_xstrdup(pid);
        }
        if (sp_newer(date, aid, acc.date, acc.aid)) {
            set_str(&acc.cid, cid);
            set_str(&acc.date, date);
            set_str(&acc.aid, aid);
        }
        if (name && *name && sp_newer(date, aid, acc.ndate, acc.naid)) {
            set_str(&acc.name, name);
            set_str(&acc.ndate, date);
            set_str(&acc.naid, aid);
        }
        acc.served |= sqlite3_column_int(st, 5) != 0;
    }
    sp_emit(&acc, ids, n, out, nout, &cap);
    e = rc == SQLITE_DONE ? CC_OK : cc_store_err(s, rc, "special children");
    sqlite3_finalize(st);
    if (*nout > 1)
        qsort(*out, *nout, sizeof **out, cmp_special);
    return e;
}

void cc_special_free(cc_special_child *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(c[i].community_id);
        free(c[i].participant_id);
        free(c[i].name);
        free(c[i].last_seen);
    }
    free(c);
}

static const char *const compound_surnames[] = {
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
    "宇文", "司徒", "夏侯", "轩辕", "令狐", "端木", "独孤", "南宫", "西门", "百里", NULL
};

char *cc_mask_name(const char *name)
{
    if (!name)
        return cc_xstrdup("");
    size_t len = strlen(name);
    const char *t = cc_trim(name, &len);
    if (len == 0)
        return cc_xstrdup("");
    for (size_t i = 0; compound_surnames[i]; i++) {
        size_t cl = strlen(compound_surnames[i]);
        if (len >= cl && memcmp(t, compound_surnames[i], cl) == 0)
            return cc_xasprintf("%s**", compound_surnames[i]);
    }
    int sl = cc_utf8_seqlen((const unsigned char *)t, len);
    if (sl <= 0)
        sl = 1;         /* not UTF-8: keep one byte (never echo more) */
    char *r = cc_xmalloc((size_t)sl + 3);
    memcpy(r, t, (size_t)sl);
    memcpy(r + sl, "**", 3);
    if (!cc_utf8_valid(r, strlen(r)))
        memcpy(r, "?**", 4);
    return r;
}

/* ---- ingest log ------------------------------------------------------------- */

cc_err cc_input_files(cc_store *s, cc_input_file **out, size_t *nout)
{
    *out = NULL;
    *nout = 0;
    sqlite3_stmt *st;
    cc_err e = prepare(s, "SELECT name, sha256, kind, ingested_at, rows_read, rows_accepted,"
                          " rows_rejected FROM files WHERE superseded_by IS NULL"
                          " ORDER BY file_id", &st);
    if (e)
        return e;
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*nout == cap) {
            cap = cap ? 2 * cap : 16;
            *out = cc_xrealloc(*out, cap * sizeof **out);
        }
        cc_input_file *f = &(*out)[(*nout)++];
        f->name = col_dup(st, 0);
        f->sha256 = col_dup(st, 1);
        f->kind = col_dup(st, 2);
        f->ingested_at = col_dup(st, 3);
        f->rows_read = (long)sqlite3_column_int64(st, 4);
        f->rows_accepted = (long)sqlite3_column_int64(st, 5);
        f->rows_rejected = (long)sqlite3_column_int64(st, 6);
    }
    e = rc == SQLITE_DONE ? CC_OK : cc_store_err(s, rc, "files");
    sqlite3_finalize(st);
    return e;
}

void cc_input_files_free(cc_input_file *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(f[i].name);
        free(f[i].sha256);
        free(f[i].kind);
        free(f[i].ingested_at);
    }
    free(f);
}

/* ---- survey answers ----------------------------------------------------------- */

static int cmp_answer(const void *pa, const void *pb)
{
    const cc_answer_stats *a = pa, *b = pb;
    if (a->comm != b->comm)
        return a->comm < b->comm ? -1 : 1;
    return strcmp(a->role, b->role);
}

/* " AND a.question IN (?first, ..., ?first+m-1)" for m questions. */
static char *question_list(size_t m, int first)
{
    cc_buf b = CC_BUF_INIT;
    cc_buf_addf(&b, " AND a.question IN (");
    for (size_t k = 0; k < m; k++)
        cc_buf_addf(&b, "%s?%d", k ? "," : "", first + (int)k);
    cc_buf_addf(&b, ")");
    return b.s;
}

cc_err cc_answers_by_role_many(cc_store *s, const char *const *ids, size_t n,
                               cc_day from, cc_day to, const char *const *questions,
                               const int *yn, size_t m, cc_answer_stats **out, size_t *nout)
{
    for (size_t q = 0; q < m; q++) {
        out[q] = NULL;
        nout[q] = 0;
    }
    if (m == 0)
        return CC_OK;
    size_t *cap = cc_xcalloc(m, sizeof *cap);
    sqlite3_stmt *st;
    /* responses of the period first (CROSS JOIN fixes the loop order), then
     * the answers by their primary key */
    char *in = question_list(m, 3);
    char *sql = cc_xasprintf("SELECT r.community_id, r.role, a.question, a.answer"
                             " FROM survey_responses r"
                             " CROSS JOIN survey_answers a ON a.response_id = r.response_id%s"
                             " WHERE r.date BETWEEN ?1 AND ?2"
                             " ORDER BY r.community_id, r.role", in);
    cc_err e = prepare(s, sql, &st);
    free(in);
    free(sql);
    if (e) {
        free(cap);
        return e;
    }
    bind_range(st, 1, from, to);
    for (size_t q = 0; q < m; q++)
        sqlite3_bind_text(st, 3 + (int)q, questions[q], -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        long i = find_id(ids, n, (const char *)sqlite3_column_text(st, 0));
        if (i < 0)
            continue;
        const char *role = (const char *)sqlite3_column_text(st, 1);
        const char *question = (const char *)sqlite3_column_text(st, 2);
        const char *ans = (const char *)sqlite3_column_text(st, 3);
        if (!role)
            role = "";
        if (!ans)
            ans = "";
        size_t alen = strlen(ans);
        cc_trim(ans, &alen);
        if (alen == 0 || !question)
            continue;                   /* empty = no answer, not unparseable */
        for (size_t q = 0; q < m; q++) {
            if (strcmp(question, questions[q]))
                continue;
            /* rows come by community and role: a new entry when they change */
            cc_answer_stats *a = nout[q] ? &out[q][nout[q] - 1] : NULL;
            if (!a || a->comm != i || strncmp(a->role, role, sizeof a->role - 1)) {
                if (nout[q] == cap[q]) {
                    cap[q] = cap[q] ? 2 * cap[q] : 16;
                    out[q] = cc_xrealloc(out[q], cap[q] * sizeof *out[q]);
                }
                a = &out[q][nout[q]++];
                memset(a, 0, sizeof *a);
                a->comm = i;
                snprintf(a->role, sizeof a->role, "%s", role);
            }
            int v = yn[q] ? cc_yesno_answer(ans) : cc_likert_answer(ans);
            if (v == 0) {
                a->unparsed++;
            } else {
                a->n++;
                a->count[yn[q] ? v == 1 : v]++;  /* yes/no: count[1] yes, count[0] no */
            }
        }
    }
    e = rc == SQLITE_DONE ? CC_OK : cc_store_err(s, rc, "survey answers");
    sqlite3_finalize(st);
    for (size_t q = 0; q < m; q++)
        if (nout[q] > 1)  /* ids order differs from SQL text order only for odd collations */
            qsort(out[q], nout[q], sizeof *out[q], cmp_answer);
    free(cap);
    return e;
}

cc_err cc_answers_by_role(cc_store *s, const char *const *ids, size_t n,
                          cc_day from, cc_day to, const char *question, int yn,
                          cc_answer_stats **out, size_t *nout)
{
    return cc_answers_by_role_many(s, ids, n, from, to, &question, &yn, 1, out, nout);
}

/* The first entry of community c in in (ordered by community), or nin. */
static size_t first_of(const cc_answer_stats *in, size_t nin, long c)
{
    size_t lo = 0, hi = nin;
    while (lo < hi) {
        size_t m = lo + (hi - lo) / 2;
        if (in[m].comm < c)
            lo = m + 1;
        else
            hi = m;
    }
    return lo;
}

/* Adds entry a to o[0] (every role) and to its role's entry. */
static cc_answer_stats *merge_one(cc_answer_stats *o, size_t *n, const cc_answer_stats *a)
{
    size_t j;
    for (j = 1; j < *n; j++)
        if (!strcmp(o[j].role, a->role))
            break;
    if (j == *n) {
        o = cc_xrealloc(o, (*n + 1) * sizeof *o);
        memset(&o[j], 0, sizeof *o);
        o[j].comm = -1;
        memcpy(o[j].role, a->role, sizeof o[j].role);
        (*n)++;
    }
    cc_answer_stats *t[2] = {&o[0], &o[j]};
    for (int q = 0; q < 2; q++) {
        t[q]->n += a->n;
        t[q]->unparsed += a->unparsed;
        for (int c = 0; c < 6; c++)
            t[q]->count[c] += a->count[c];
    }
    return o;
}

void cc_answers_merge(const cc_answer_stats *in, size_t nin, const size_t *comms, size_t ncomms,
                      cc_answer_stats **out, size_t *nout)
{
    cc_answer_stats *o = cc_xcalloc(1, sizeof *o);
    size_t n = 1;
    o[0].comm = -1;
    if (!comms)
        for (size_t k = 0; k < nin; k++)
            o = merge_one(o, &n, &in[k]);
    for (size_t c = 0; comms && c < ncomms; c++)
        for (size_t k = first_of(in, nin, (long)comms[c]); k < nin && in[k].comm == (long)comms[c]; k++)
            o = merge_one(o, &n, &in[k]);
    for (size_t i = 2; i < n; i++)
        for (size_t j = i; j > 1 && strcmp(o[j - 1].role, o[j].role) > 0; j--) {
            cc_answer_stats t = o[j];
            o[j] = o[j - 1];
            o[j - 1] = t;
        }
    *out = o;
    *nout = n;
}

cc_err cc_kano_pairs_many(cc_store *s, const char *const *ids, size_t n,
                          cc_day from, cc_day to, const char *const *functional,
                          const char *const *dysfunctional, size_t m, long (*pairs)[25])
{
    memset(pairs, 0, m * n * sizeof *pairs);
    if (m == 0)
        return CC_OK;
    /* questions 0..m-1 functional, m..2m-1 dysfunctional; code[] = the
     * response's answer to each (0 = none or not a KANO answer) */
    const char **qs = cc_xcalloc(2 * m, sizeof *qs);
    int *code = cc_xcalloc(2 * m, sizeof *code);
    for (size_t k = 0; k < m; k++) {
        qs[k] = functional[k];
        qs[m + k] = dysfunctional[k];
    }
    sqlite3_stmt *st;
    /* CROSS JOIN: each response of the period, then its answers by primary
     * key, so one response's rows come together */
    char *in = question_list(2 * m, 3);
    char *sql = cc_xasprintf("SELECT r.response_id, r.community_id, a.question, a.answer"
                             " FROM survey_responses r"
                             " CROSS JOIN survey_answers a ON a.response_id = r.response_id%s"
                             " WHERE r.date BETWEEN ?1 AND ?2", in);
    cc_err e = prepare(s, sql, &st);
    free(in);
    free(sql);
    if (e) {
        free(qs);
        free(code);
        return e;
    }
    bind_range(st, 1, from, to);
    for (size_t q = 0; q < 2 * m; q++)
        sqlite3_bind_text(st, 3 + (int)q, qs[q], -1, SQLITE_TRANSIENT);
    char *resp = NULL;          /* the response being read */
    long comm = -1;
    int rc;
    for (;;) {
        rc = sqlite3_step(st);
        const char *rid = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
        if (rc == SQLITE_ROW && !rid)
            continue;
        if (resp && (!rid || strcmp(resp, rid))) {
            /* the previous response is complete: count its pairs */
            for (size_t k = 0; k < m && comm >= 0; k++)
                if (code[k] && code[m + k])
                    pairs[k * n + (size_t)comm][(code[k] - 1) * 5 + (code[m + k] - 1)]++;
            free(resp);
            resp = NULL;
        }
        if (rc != SQLITE_ROW)
            break;
        if (!resp) {
            resp = cc_xstrdup(rid);
            comm = find_id(ids, n, (const char *)sqlite3_column_text(st, 1));
            memset(code, 0, 2 * m * sizeof *code);
        }
        const char *question = (const char *)sqlite3_column_text(st, 2);
        const char *ans = (const char *)sqlite3_column_text(st, 3);
        for (size_t q = 0; q < 2 * m && question; q++)
            if (!strcmp(question, qs[q]))
                code[q] = cc_kano_answer(ans ? ans : "");
    }
    e = rc == SQLITE_DONE ? CC_OK : cc_store_err(s, rc, "KANO answers");
    sqlite3_finalize(st);
    free(resp);
    free(qs);
    free(code);
    return e;
}

cc_err cc_kano_pairs(cc_store *s, const char *const *ids, size_t n,
                     cc_day from, cc_day to, const char *functional,
                     const char *dysfunctional, long (*pairs)[25])
{
    return cc_kano_pairs_many(s, ids, n, from, to, &functional, &dysfunctional, 1, pairs);
}
