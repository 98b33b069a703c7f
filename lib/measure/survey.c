/* survey — KANO pairs and Likert / yes-no items out of survey_responses and
 * survey_answers (lib/store/schema.sql).  The SQL selects the answers of the
 * responses in scope; parsing and counting happen here in C with the same
 * parsers (text/) and evaluation table (below) the `carecard kano` command
 * uses.
 */
#include "store/db.h"
#include "measure/measure.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- the KANO evaluation table ---- */
/* Functional answer (rows) x dysfunctional answer (columns), both
 * 1 like, 2 must-be, 3 neutral, 4 live-with, 5 dislike. */
static const cc_kano_cat kano_table[5][5] = {
#define A CC_KANO_A
#define O CC_KANO_O
#define M CC_KANO_M
#define I CC_KANO_I
#define R CC_KANO_R
#define Q CC_KANO_Q
    {Q, A, A, A, O},
    {R, I, I, I, M},
    {R, I, I, I, M},
    {R, I, I, I, M},
    {R, R, R, R, Q},
#undef A
#undef O
#undef M
#undef I
#undef R
#undef Q
};

cc_kano_cat cc_kano_classify(int functional, int dysfunctional)
{
    if (functional < 1 || functional > 5 || dysfunctional < 1 || dysfunctional > 5)
        return CC_KANO_Q;
    return kano_table[functional - 1][dysfunctional - 1];
}

char cc_kano_letter(cc_kano_cat c)
{
    static const char letters[] = "AOMIRQ";
    return (unsigned)c < 6 ? letters[c] : '?';
}

/* ---- one survey answer ---- */
int cc_item_value(const cc_item *it, const char *answer, int *top)
{
    int v;
    if (it->scale == CC_SCALE_YESNO) {
        int yn = cc_yesno_answer(answer);       /* 1 yes, 2 no, 0 unreadable */
        v = yn ? yn == 1 : -1;
    } else {
        v = cc_likert_answer(answer);           /* 1..5, 0 unreadable */
        if (!v)
            v = -1;
    }
    if (top)
        *top = it->scale == CC_SCALE_YESNO ? v == 1 : v >= 4;
    return v;
}

int cc_item_has_role(const cc_item *it, const char *role)
{
    if (!it->nroles)
        return 1;
    for (size_t i = 0; i < it->nroles; i++)
        if (!strcmp(it->roles[i], role))
            return 1;
    return 0;
}

/* ---- the survey queries ---- */
/* " AND r.community_id IN (?,?,...)" and the date window; parameters are
 * bound from index `first`. */
static void filter_sql(cc_buf *b, const cc_survey_filter *f)
{
    cc_buf_adds(b, " WHERE r.date BETWEEN ? AND ?");
    if (f->ncommunities) {
        cc_buf_adds(b, " AND r.community_id IN (");
        for (size_t i = 0; i < f->ncommunities; i++)
            cc_buf_adds(b, i ? ",?" : "?");
        cc_buf_adds(b, ")");
    }
}

static int filter_bind(sqlite3_stmt *st, int first, const cc_survey_filter *f)
{
    char from[11], to[11];
    cc_day_format(f->from, from);
    cc_day_format(f->to, to);
    int rc = sqlite3_bind_text(st, first, from, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, first + 1, to, -1, SQLITE_TRANSIENT);
    for (size_t i = 0; rc == SQLITE_OK && i < f->ncommunities; i++)
        rc = sqlite3_bind_text(st, first + 2 + (int)i, f->communities[i], -1, SQLITE_STATIC);
    return rc;
}

static cc_err prepare(cc_store *s, const char *sql, sqlite3_stmt **st)
{
    int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);
    if (rc != SQLITE_OK)
        return cc_store_err(s, rc, "survey query");
    return CC_OK;
}

cc_err cc_survey_kano(cc_store *s, const cc_config *cfg, const cc_survey_filter *f,
                      long (*counts)[6], long *unparsed)
{
    if (unparsed)
        *unparsed = 0;
    for (size_t k = 0; k < cfg->nkano; k++)
        memset(counts[k], 0, sizeof counts[k]);
    if (!cfg->nkano)
        return CC_OK;

    /* One pass: each response of the filter, then its answers to the
     * features' questions by primary key (CROSS JOIN keeps that order, so
     * a response's rows come together); slot q < m is feature q's
     * functional question, m + q its dysfunctional one.  A feature counts
     * where both its questions have a row and neither is blank, as an
     * inner join of the two would. */
    size_t m = cfg->nkano, first = 5 + f->ncommunities;
    cc_buf sql = CC_BUF_INIT;
    cc_buf_adds(&sql,
        "SELECT r.response_id, a.question, a.answer FROM survey_responses r"
        " CROSS JOIN survey_answers a ON a.response_id = r.response_id AND a.question IN (");
    for (size_t q = 0; q < 2 * m; q++)
        cc_buf_addf(&sql, "%s?%zu", q ? "," : "", first + q);
    cc_buf_adds(&sql, ") WHERE r.date BETWEEN ?3 AND ?4");
    if (f->ncommunities) {
        cc_buf_adds(&sql, " AND r.community_id IN (");
        for (size_t i = 0; i < f->ncommunities; i++)
            cc_buf_addf(&sql, "%s?%zu", i ? "," : "", i + 5);
        cc_buf_adds(&sql, ")");
    }
    sqlite3_stmt *st;
    cc_err e = prepare(s, sql.s, &st);
    cc_buf_release(&sql);
    if (e != CC_OK)
        return e;
    int rc = filter_bind(st, 3, f);
    for (size_t k = 0; k < m && rc == SQLITE_OK; k++) {
        rc = sqlite3_bind_text(st, (int)(first + k), cfg->kano[k].functional, -1, SQLITE_STATIC);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_text(st, (int)(first + m + k), cfg->kano[k].dysfunctional, -1, SQLITE_STATIC);
    }
    if (rc != SQLITE_OK) {
        sqlite3_finalize(st);
        return cc_store_err(s, rc, "survey query");
    }
    const char **qs = cc_xcalloc(2 * m, sizeof *qs);
    signed char *ans = cc_xcalloc(2 * m, 1);    /* -1 no row, 0 blank, 1 answered */
    int *code = cc_xcalloc(2 * m, sizeof *code);
    for (size_t k = 0; k < m; k++) {
        qs[k] = cfg->kano[k].functional;
        qs[m + k] = cfg->kano[k].dysfunctional;
    }
    memset(ans, -1, 2 * m);
    char *resp = NULL;                          /* the response being read */
    for (;;) {
        rc = sqlite3_step(st);
        const char *rid = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
        if (rc == SQLITE_ROW && !rid)
            continue;
        if (resp && (!rid || strcmp(resp, rid))) {
            for (size_t k = 0; k < m; k++) {
                if (ans[k] < 1 || ans[m + k] < 1)
                    continue;                   /* no row, or not answered */
                if (!code[k] || !code[m + k]) {
                    if (unparsed)
                        (*unparsed)++;
                    continue;
                }
                counts[k][cc_kano_classify(code[k], code[m + k])]++;
            }
            free(resp);
            resp = NULL;
            memset(ans, -1, 2 * m);
        }
        if (rc != SQLITE_ROW)
            break;
        if (!resp)
            resp = cc_xstrdup(rid);
        const char *question = (const char *)sqlite3_column_text(st, 1);
        const char *a = (const char *)sqlite3_column_text(st, 2);
        size_t al = a ? strlen(a) : 0;
        if (a)
            cc_trim(a, &al);
        for (size_t q = 0; q < 2 * m && question; q++)
            if (!strcmp(question, qs[q])) {
                ans[q] = al > 0;
                code[q] = al > 0 ? cc_kano_answer(a) : 0;
            }
    }
    if (rc != SQLITE_DONE)
        e = cc_store_err(s, rc, "survey query");
    sqlite3_finalize(st);
    free(resp);
    free(qs);
    free(ans);
    free(code);
    return e;
}

void cc_item_stats_release(cc_item_stats *stt)
{
    if (!stt)
        return;
    for (size_t i = 0; i < stt->nrole; i++)
        free(stt->role[i].role);
    CC_FREE(stt->role);
    stt->nrole = 0;
    free(stt->all.role);
    memset(&stt->all, 0, sizeof stt->all);
}

typedef struct {
    long n, unparsed, top;
    double sum;
} acc;

static void stat_finish(cc_item_stat *o, const acc *a)
{
    o->n = a->n;
    o->unparsed = a->unparsed;
    o->top = a->top;
    o->mean = a->n ? a->sum / (double)a->n : NAN;
    o->share = a->n ? (double)a->top / (double)a->n : NAN;
}


cc_err cc_survey_item(cc_store *s, const cc_item *item, const cc_survey_filter *f,
                      int all_roles, cc_item_stats *out)
{
    memset(out, 0, sizeof *out);
    cc_buf sql = CC_BUF_INIT;
    cc_buf_adds(&sql,
        "SELECT r.role, a.answer FROM survey_responses r"
        " JOIN survey_answers a ON a.response_id = r.response_id AND a.question = ?");
    filter_sql(&sql, f);
    cc_buf_adds(&sql, " ORDER BY r.role");
    sqlite3_stmt *st;
    cc_err e = prepare(s, sql.s, &st);
    cc_buf_release(&sql);
    if (e != CC_OK)
        return e;
    int rc = sqlite3_bind_text(st, 1, item->column, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = filter_bind(st, 2, f);
    if (rc != SQLITE_OK) {
        e = cc_store_err(s, rc, "survey query");
        sqlite3_finalize(st);
        return e;
    }

    acc all = {0, 0, 0, 0}, cur = {0, 0, 0, 0};
    char *cur_role = NULL;
    size_t cap = 0;
    for (;;) {
        rc = sqlite3_step(st);
        const char *role = NULL;
        if (rc == SQLITE_ROW)
            role = (const char *)sqlite3_column_text(st, 0);
        if (cur_role && (rc != SQLITE_ROW || !role || strcmp(role, cur_role))) {
            /* close the group of cur_role */
            if (out->nrole == cap) {
                cap = cap ? 2 * cap : 8;
                out->role = cc_xrealloc(out->role, cap * sizeof *out->role);
            }
            cc_item_stat *o = &out->role[out->nrole++];
            memset(o, 0, sizeof *o);
            o->role = cur_role;
            stat_finish(o, &cur);
            cur_role = NULL;
            memset(&cur, 0, sizeof cur);
        }
        if (rc != SQLITE_ROW)
            break;
        if (!role || (!all_roles && !cc_item_has_role(item, role)))
            continue;
        if (!cur_role)
            cur_role = cc_xstrdup(role);
        const char *ans = (const char *)sqlite3_column_text(st, 1);
        size_t len = ans ? strlen(ans) : 0;
        if (ans)
            cc_trim(ans, &len);
        if (len == 0)
            continue;                       /* no answer */
        int top, v = cc_item_value(item, ans, &top);
        if (v < 0) {
            cur.unparsed++;
            all.unparsed++;
            continue;
        }
        cur.n++; all.n++;
        cur.sum += v; all.sum += v;
        cur.top += top; all.top += top;
    }
    free(cur_role);
    if (rc != SQLITE_DONE) {
        e = cc_store_err(s, rc, "survey query");
        sqlite3_finalize(st);
        cc_item_stats_release(out);
        return e;
    }
    sqlite3_finalize(st);
    stat_finish(&out->all, &all);
    return CC_OK;
}
