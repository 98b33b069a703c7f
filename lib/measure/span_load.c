/* span_load — the week cache's loads: a run of missing weeks of a source
 * read with one query into per-(community, week) aggregates, the providers
 * and the trainings of the 64 weeks read once, and the "ever had a row"
 * sets (span.c describes the cache).
 */
#include "measure/span_int.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- (id, community) -> weeks: distinct counts ----------------------------- */
static size_t dslot(uint32_t id, uint32_t comm, size_t cap)
{
    uint64_t k = ((uint64_t)id << 32 | comm) * 0x9E3779B97F4A7C15ull;
    return (size_t)(k >> 32) & (cap - 1);
}

static void dtable_add(dtable *t, const char *s, size_t len, uint32_t comm, int bit)
{
    uint32_t id = intern(&t->ids, s, len);
    if (id >= t->nhead) {
        size_t nh = t->nhead ? t->nhead : 1024;
        while (nh <= id)
            nh += nh / 2;
        t->head = cc_xrealloc(t->head, nh * sizeof *t->head);
        memset(t->head + t->nhead, 0, (nh - t->nhead) * sizeof *t->head);
        t->nhead = nh;
    }
    if ((t->n + 1) * 2 > t->scap) {
        size_t ncap = t->scap ? 2 * t->scap : 1024;
        uint32_t *ns = cc_xcalloc(ncap, sizeof *ns);
        for (size_t j = 0; j < t->n; j++) {
            size_t i = dslot(t->eid[j], t->e[j].comm, ncap);
            while (ns[i])
                i = (i + 1) & (ncap - 1);
            ns[i] = (uint32_t)j + 1;
        }
        free(t->slot);
        t->slot = ns;
        t->scap = ncap;
    }
    size_t i = dslot(id, comm, t->scap);
    for (; t->slot[i]; i = (i + 1) & (t->scap - 1)) {
        dentry *e = &t->e[t->slot[i] - 1];
        if (e->comm == comm && t->eid[t->slot[i] - 1] == id) {
            e->weeks[bit >> 5] |= UINT32_C(1) << (bit & 31);
            return;
        }
    }
    t->slot[i] = (uint32_t)t->n + 1;
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap + t->cap / 2 : 1024;
        t->e = cc_xrealloc(t->e, t->cap * sizeof *t->e);
        t->eid = cc_xrealloc(t->eid, t->cap * sizeof *t->eid);
    }
    t->eid[t->n] = id;
    dentry *e = &t->e[t->n];
    e->comm = comm;
    e->weeks[0] = e->weeks[1] = 0;
    e->weeks[bit >> 5] = UINT32_C(1) << (bit & 31);
    e->next = t->head[id];
    t->head[id] = (uint32_t)t->n + 1;
    t->n++;
}

/* ---- per-(community, week) sums ------------------------------------------- */
static void sums_week(sums *m, size_t nk, int bit)
{
    if (m->rows[bit])
        return;
    m->sum[bit] = cc_xcalloc(nk * (size_t)m->width + 1, sizeof(double));
    m->nn[bit] = cc_xcalloc(nk + 1, sizeof(uint32_t));
    m->rows[bit] = cc_xcalloc(nk + 1, sizeof(uint32_t));
}

/* Columns c0 .. c0 + width - 1 of the row into (k, bit). */
static void sums_add(sums *m, sqlite3_stmt *st, int c0, size_t k, int bit)
{
    double *s = m->sum[bit] + k * (size_t)m->width;
    uint32_t nn = 0;
    for (int j = 0; j < m->width; j++)
        if (sqlite3_column_type(st, c0 + m->col[j]) != SQLITE_NULL) {
            s[j] += sqlite3_column_double(st, c0 + m->col[j]);
            nn |= UINT32_C(1) << j;
        }
    m->nn[bit][k] |= nn;
    m->rows[bit][k]++;
}

/* ---- dates ---------------------------------------------------------------------- */
/* A canonical 'YYYY-MM-DD' (the one text that compares like its day) to its
 * day; 0 otherwise.  last / lastday remember the previous text. */
static int canon_day(const unsigned char *t, int len, char last[11], cc_day *lastday, cc_day *out)
{
    if (!t || len != 10)
        return 0;
    if (last[4] == '-' && !memcmp(t, last, 10)) {
        *out = *lastday;
        return 1;
    }
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? t[i] != '-' : (t[i] < '0' || t[i] > '9'))
            return 0;
    int y = (t[0] - '0') * 1000 + (t[1] - '0') * 100 + (t[2] - '0') * 10 + (t[3] - '0');
    int m = (t[5] - '0') * 10 + (t[6] - '0'), d = (t[8] - '0') * 10 + (t[9] - '0');
    if (!cc_ymd_valid(y, m, d))
        return 0;
    cc_day day = cc_day_from_ymd(y, m, d);
    char buf[11];
    cc_day_format(day, buf);
    if (memcmp(buf, t, 10))
        return 0;
    memcpy(last, t, 10);
    last[10] = '\0';
    *lastday = day;
    *out = day;
    return 1;
}

/* ---- loading weeks -------------------------------------------------------------- */
typedef cc_err (*loader)(cc_store *s, sqlite3_stmt *st, int lo, int hi);

/* Read the weeks lo..hi (bits: newer to older) of a source with its query
 * (?1 from, ?2 to, and what bind adds). */
static cc_err load_run(cc_store *s, int src, const char *sql, int lo, int hi, loader fn)
{
    char from[11], to[11];
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return cc_store_err(s, rc, "computing measures");
    cc_day_format(sp.top - 7 * hi, from);
    cc_day_format(sp.top - 7 * lo + 6, to);
    sqlite3_bind_text(st, 1, from, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, to, -1, SQLITE_TRANSIENT);
    if (src == SRC_FB)
        sqlite3_bind_int(st, 3, sp.cfg->feedback_respond_days > 0 ? sp.cfg->feedback_respond_days : 3);
    if (src == SRC_SV)
        for (size_t i = 0; i < sp.nitems; i++)
            sqlite3_bind_text(st, 3 + (int)i, sp.cfg->items[i].column, -1, SQLITE_STATIC);
    cc_err e = fn(s, st, lo, hi);
    sqlite3_finalize(st);
    return e;
}

/* The week bit of a row's date text, or -1 (and the source marked bad) when
 * the text is not canonical, or -2 outside lo..hi. */
typedef struct { char last[11]; cc_day day; } dayc;

static int row_bit(sqlite3_stmt *st, int col, int src, dayc *dc, int lo, int hi)
{
    cc_day d;
    if (!canon_day(sqlite3_column_text(st, col), sqlite3_column_bytes(st, col), dc->last, &dc->day, &d)) {
        sp.bad[src] = 1;
        return -1;
    }
    long off = (long)sp.top + 6 - (long)d;
    if (off < 0 || off / 7 < lo || off / 7 > hi)
        return -2;
    return (int)(off / 7);
}

static size_t row_k(sqlite3_stmt *st)
{
    sqlite3_int64 k = sqlite3_column_int64(st, 0);
    return k >= 0 && (size_t)k < sp.nk ? (size_t)k : (size_t)-1;
}

static cc_err step_end(cc_store *s, int rc)
{
    return rc == SQLITE_DONE ? CC_OK : cc_store_err(s, rc, "computing measures");
}

/* activities: k, date, then the sum columns */
#define DONE "a.status = 'completed'"
#define ACT_SUMS \
    ", " DONE ", a.status = 'cancelled'," \
    " CASE WHEN " DONE " THEN a.attended END," \
    " CASE WHEN " DONE " THEN a.registered END," \
    " CASE WHEN " DONE " THEN a.capacity END," \
    " CASE WHEN " DONE " THEN a.children END," \
    " CASE WHEN " DONE " THEN a.special_attended END," \
    " CASE WHEN " DONE " THEN a.volunteers END," \
    " CASE WHEN " DONE " THEN a.volunteer_hours END," \
    " CASE WHEN " DONE " THEN a.incidents END," \
    " CASE WHEN " DONE " THEN a.online_booked END," \
    " CASE WHEN " DONE " THEN a.checks_passed END," \
    " CASE WHEN " DONE " THEN a.checks_total END," \
    " CASE WHEN " DONE " THEN a.staff END," \
    " CASE WHEN " DONE " AND a.children > 0 AND a.staff > 0 THEN a.children END," \
    " CASE WHEN " DONE " AND a.children > 0 AND a.staff > 0 THEN a.staff END," \
    " CASE WHEN " DONE " THEN a.hours END," \
    " CASE WHEN " DONE " THEN a.hours * a.attended END," \
    " CASE WHEN " DONE " THEN a.interaction_score END," \
    " CASE WHEN " DONE " AND a.interaction_score IS NOT NULL THEN 1 ELSE 0 END"
/* and the partners as typed (completed sessions: split as ingest does,
 * text/list.c, instead of a lookup in activity_partners per session) */
static const char act_sql[] =
    "SELECT m.k, a.date, " DONE ", a.partners" ACT_SUMS
    " FROM temp.cc_span m CROSS JOIN activities a ON a.community_id = m.community_id"
    " WHERE a.date BETWEEN ?1 AND ?2";

static cc_err act_rows(cc_store *s, sqlite3_stmt *st, int lo, int hi)
{
    int rc;
    dayc dc = {{0}, 0};
    for (int b = lo; b <= hi; b++)
        sums_week(&sp.act, sp.nk, b);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        size_t k = row_k(st);
        int bit = row_bit(st, 1, SRC_ACT, &dc, lo, hi);
        if (bit == -1)
            return CC_OK;
        if (k == (size_t)-1 || bit < 0)
            continue;
        sums_add(&sp.act, st, 4, k, bit);
        if (sqlite3_column_int(st, 2)) {    /* completed: its partners */
            const char *pt = (const char *)sqlite3_column_text(st, 3), *t;
            size_t pos = 0, n = (size_t)sqlite3_column_bytes(st, 3), len;
            sp.part_any[k] |= UINT64_C(1) << bit;
            while (pt && cc_list_next(pt, n, &pos, &t, &len))
                dtable_add(&sp.partners, t, len, (uint32_t)k, bit);
        }
    }
    return step_end(s, rc);
}

static const char tb_sql[] =
    "SELECT m.k, t.date, t.member_id, CASE WHEN t.kind = 'deposit' THEN t.hours ELSE 0 END,"
    " CASE WHEN t.kind = 'redeem' THEN t.hours ELSE 0 END"
    " FROM temp.cc_span m CROSS JOIN timebank t ON t.community_id = m.community_id"
    " WHERE t.date BETWEEN ?1 AND ?2";

static cc_err tb_rows(cc_store *s, sqlite3_stmt *st, int lo, int hi)
{
    int rc;
    dayc dc = {{0}, 0};
    for (int b = lo; b <= hi; b++)
        sums_week(&sp.tb, sp.nk, b);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        size_t k = row_k(st);
        int bit = row_bit(st, 1, SRC_TB, &dc, lo, hi);
        if (bit == -1)
            return CC_OK;
        if (k == (size_t)-1 || bit < 0)
            continue;
        sums_add(&sp.tb, st, 3, k, bit);
        if (sqlite3_column_type(st, 2) != SQLITE_NULL) {
            sp.tb_any[k] |= UINT64_C(1) << bit;
            dtable_add(&sp.members, (const char *)sqlite3_column_text(st, 2),
                       (size_t)sqlite3_column_bytes(st, 2), (uint32_t)k, bit);
        }
    }
    return step_end(s, rc);
}

static const char fb_sql[] =
    "SELECT m.k, f.received, 1,"
    " f.responded IS NOT NULL AND julianday(f.responded) - julianday(f.received) <= ?3,"
    " f.resolved = 1"
    " FROM temp.cc_span m CROSS JOIN feedback f ON f.community_id = m.community_id"
    " WHERE f.received BETWEEN ?1 AND ?2";

static cc_err fb_rows(cc_store *s, sqlite3_stmt *st, int lo, int hi)
{
    int rc;
    dayc dc = {{0}, 0};
    for (int b = lo; b <= hi; b++)
        sums_week(&sp.fb, sp.nk, b);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        size_t k = row_k(st);
        int bit = row_bit(st, 1, SRC_FB, &dc, lo, hi);
        if (bit == -1)
            return CC_OK;
        if (k == (size_t)-1 || bit < 0)
            continue;
        sums_add(&sp.fb, st, 2, k, bit);
    }
    return step_end(s, rc);
}

/* surveys: the SQL is built for the configuration's items (?3 ...) */
static cc_err sv_rows(cc_store *s, sqlite3_stmt *st, int lo, int hi)
{
    int rc;
    dayc dc = {{0}, 0};
    const cc_config *cfg = sp.cfg;
    size_t ni = sp.nitems;
    for (int b = lo; b <= hi; b++)
        if (!sp.sv[b])
            sp.sv[b] = cc_xcalloc(sp.nk * ni * 3 + 1, sizeof(uint16_t));
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        size_t k = row_k(st);
        int bit = row_bit(st, 1, SRC_SV, &dc, lo, hi);
        if (bit == -1)
            return CC_OK;
        const char *role = (const char *)sqlite3_column_text(st, 2);
        const char *q = (const char *)sqlite3_column_text(st, 3);
        const char *ans = (const char *)sqlite3_column_text(st, 4);
        if (k == (size_t)-1 || bit < 0 || !q || !role)
            continue;
        for (size_t i = 0; i < ni; i++) {
            const cc_item *it = &cfg->items[i];
            if (strcmp(it->column, q))
                continue;
            int top, code = cc_item_has_role(it, role) ? cc_item_value(it, ans, &top) : -1;
            if (code < 0)
                continue;
            uint16_t *v = sp.sv[bit] + (k * ni + i) * 3;
            if (v[1] > UINT16_MAX - 5) {    /* a community-week of 13,000 answers: not here */
                sp.bad[SRC_SV] = 1;
                return CC_OK;
            }
            v[0] += 1;
            v[1] += (uint16_t)code;         /* Likert 1..5, yes/no 1 or 0 */
            v[2] += (uint16_t)top;          /* top-2 or yes */
        }
    }
    return step_end(s, rc);
}

static const char as_sql[] =
    "SELECT m.k, s.date, s.participant_id, s.domain, s.phase, s.score"
    " FROM temp.cc_span m CROSS JOIN assessments s ON s.community_id = m.community_id"
    " WHERE s.date BETWEEN ?1 AND ?2";

static cc_err as_rows(cc_store *s, sqlite3_stmt *st, int lo, int hi)
{
    int rc;
    dayc dc = {{0}, 0};
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        size_t k = row_k(st);
        const char *pid = (const char *)sqlite3_column_text(st, 2);
        const char *dom = (const char *)sqlite3_column_text(st, 3);
        const char *ph = (const char *)sqlite3_column_text(st, 4);
        /* the direct path skips these rows whatever their date */
        if (!pid || !ph || !dom || sqlite3_column_bytes(st, 1) != 10)
            continue;
        int bit = row_bit(st, 1, SRC_AS, &dc, lo, hi);
        if (bit == -1)
            return CC_OK;
        if (k == (size_t)-1 || bit < 0)
            continue;
        int d;
        for (d = 0; d < 5 && strcmp(dom, as_domains[d]); d++)
            ;
        int pre = !strcmp(ph, "pre");
        if (d == 5 || !(sp.doms >> d & 1) || (!pre && strcmp(ph, "post")))
            continue;
        if (sp.nas == sp.ascap) {
            sp.ascap = sp.ascap ? sp.ascap + sp.ascap / 2 : 4096;
            sp.as = cc_xrealloc(sp.as, sp.ascap * sizeof *sp.as);
            sp.as_next = cc_xrealloc(sp.as_next, sp.ascap * sizeof *sp.as_next);
        }
        uint32_t p = intern(&sp.as_ids, pid, (size_t)sqlite3_column_bytes(st, 2));
        if (p >= sp.as_nhead[d]) {
            size_t nh = sp.as_nhead[d] ? sp.as_nhead[d] : 1024;
            while (nh <= p)
                nh += nh / 2;
            sp.as_head[d] = cc_xrealloc(sp.as_head[d], nh * sizeof **sp.as_head);
            memset(sp.as_head[d] + sp.as_nhead[d], 0, (nh - sp.as_nhead[d]) * sizeof **sp.as_head);
            sp.as_nhead[d] = nh;
        }
        sp.as_next[sp.nas] = sp.as_head[d][p];
        sp.as_head[d][p] = (uint32_t)sp.nas + 1;
        asrow *r = &sp.as[sp.nas++];
        r->pid = p;
        r->meta = (uint32_t)k << 13 | (uint32_t)(sp.top + 6 - dc.day) << 4 | (uint32_t)d << 1 |
                  (uint32_t)pre;
        r->score = sqlite3_column_double(st, 5);
    }
    return step_end(s, rc);
}

/* partners are read with the activities (SRC_PART shares SRC_ACT's weeks) */
static const char *const src_sql[NSRC] = {act_sql, NULL, tb_sql, fb_sql, NULL, as_sql, NULL, NULL};
static const loader src_fn[NSRC] = {act_rows, NULL, tb_rows, fb_rows, sv_rows, as_rows, NULL, NULL};

static char *sv_sql(void)
{
    cc_buf b = CC_BUF_INIT;
    cc_buf_adds(&b, "SELECT m.k, r.date, r.role, a.question, a.answer"
                    " FROM temp.cc_span m CROSS JOIN survey_responses r ON r.community_id = m.community_id"
                    " JOIN survey_answers a ON a.response_id = r.response_id"
                    " WHERE r.date BETWEEN ?1 AND ?2 AND +a.question IN (");
    for (size_t i = 0; i < sp.nitems; i++)
        cc_buf_addf(&b, "%s?%zu", i ? ", " : "", i + 3);
    if (!sp.nitems)
        cc_buf_adds(&b, "NULL");
    cc_buf_adds(&b, ")");
    return b.s;
}

int ensure(cc_store *s, const cc_span_win *w, int src, cc_err *err)
{
    *err = CC_OK;
    if (!usable(w, src))
        return 0;
    if (src == SRC_PART)
        src = SRC_ACT;
    uint64_t miss = w->mask & ~sp.loaded[src];
    char *sql = NULL;
    for (int b = 0; b < CW && miss; b++) {
        if (!(miss >> b & 1))
            continue;
        int e = b;
        while (e + 1 < CW && (miss >> (e + 1) & 1))
            e++;
        if (src == SRC_SV && !sql)
            sql = sv_sql();
        *err = load_run(s, src, src == SRC_SV ? sql : src_sql[src], b, e, src_fn[src]);
        if (*err || sp.bad[src]) {
            free(sql);
            return 0;
        }
        for (int i = b; i <= e; i++)
            sp.loaded[src] |= UINT64_C(1) << i;
        miss &= ~sp.loaded[src];
        if (!sp.prefetching && over_budget()) {
            free(sql);
            return 0;
        }
    }
    free(sql);
    if (!sp.prefetching)
        span_hits++;
    return 1;
}

/* ---- providers (the table) and trainings (the 64 weeks) read once ------------------------- */
#define PROF "p.type IN ('social_worker', 'caregiver', 'teacher')"
static const char prov_sql[] =
    "SELECT m.k, " PROF ", p.certified = 1, p.joined, p.left_on, NULL, NULL"
    " FROM temp.cc_span m CROSS JOIN providers p ON p.community_id = m.community_id";
static const char train_sql[] =
    "SELECT m.k, " PROF ", 0, p.joined, p.left_on, t.date, t.hours"
    " FROM temp.cc_span m CROSS JOIN providers p ON p.community_id = m.community_id"
    " JOIN trainings t ON t.provider_id = p.provider_id AND t.date BETWEEN ?1 AND ?2";

/* A nullable date column: 1 and its day (NULL -> none), 0 when not canonical. */
static int opt_day(sqlite3_stmt *st, int col, int32_t none, int32_t *out)
{
    char last[11] = {0};
    cc_day lastday = 0, d;
    if (sqlite3_column_type(st, col) == SQLITE_NULL) {
        *out = none;
        return 1;
    }
    if (!canon_day(sqlite3_column_text(st, col), sqlite3_column_bytes(st, col), last, &lastday, &d))
        return 0;
    *out = (int32_t)d;
    return 1;
}

int load_whole(cc_store *s, const cc_span_win *w, int src, cc_err *err)
{
    *err = CC_OK;
    if (!usable(w, src))
        return 0;
    if (sp.whole[src]) {
        if (!sp.prefetching)
            span_hits++;
        return 1;
    }
    int train = src == SRC_TRAIN;
    prow **rows = train ? &sp.train : &sp.prov;
    size_t *n = train ? &sp.ntrain : &sp.nprov, cap = 0;
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, train ? train_sql : prov_sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        *err = cc_store_err(s, rc, "computing measures");
        return 0;
    }
    if (train) {                        /* the trainings of the 64 weeks a window can span */
        char from[11], to[11];
        cc_day_format(sp.top - 7 * (CW - 1), from);
        cc_day_format(sp.top + 6, to);
        sqlite3_bind_text(st, 1, from, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, to, -1, SQLITE_TRANSIENT);
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        size_t k = row_k(st);
        if (k == (size_t)-1)
            continue;
        prow r;
        memset(&r, 0, sizeof r);
        r.comm = (uint32_t)k;
        r.prof = sqlite3_column_int(st, 1) != 0;
        r.cert = sqlite3_column_int(st, 2) != 0;
        if (train && !r.prof)
            continue;                   /* never counted */
        int ok = opt_day(st, 3, INT32_MIN, &r.joined) && opt_day(st, 4, INT32_MAX, &r.left);
        if (train) {
            r.hours = sqlite3_column_double(st, 6);
            ok = ok && sqlite3_column_type(st, 5) != SQLITE_NULL &&
                 opt_day(st, 5, 0, &r.day) && sqlite3_column_type(st, 6) != SQLITE_NULL;
        }
        if (!ok) {
            sp.bad[src] = 1;
            break;
        }
        if (*n == cap) {
            cap = cap ? 2 * cap : 1024;
            *rows = cc_xrealloc(*rows, cap * sizeof **rows);
        }
        (*rows)[(*n)++] = r;
    }
    sqlite3_finalize(st);
    if (sp.bad[src])
        return 0;
    if (rc != SQLITE_DONE) {
        *err = cc_store_err(s, rc, "computing measures");
        return 0;
    }
    sp.whole[src] = 1;
    if (sp.prefetching)
        return 1;
    if (over_budget())
        return 0;
    span_hits++;
    return 1;
}

/* ---- ever had a row ------------------------------------------------------------------- */
static const char *const ever_sql[CC_SPAN_NEVER] = {
    "SELECT m.k FROM temp.cc_span m WHERE EXISTS (SELECT 1 FROM survey_responses r"
    " WHERE r.community_id = m.community_id)",
    "SELECT m.k FROM temp.cc_span m WHERE EXISTS (SELECT 1 FROM assessments s"
    " WHERE s.community_id = m.community_id)",
    "SELECT m.k FROM temp.cc_span m WHERE EXISTS (SELECT 1 FROM timebank t"
    " WHERE t.community_id = m.community_id)",
    "SELECT m.k FROM temp.cc_span m WHERE EXISTS (SELECT 1 FROM feedback f"
    " WHERE f.community_id = m.community_id)",
    "SELECT m.k FROM temp.cc_span m WHERE EXISTS (SELECT 1 FROM providers p"
    " JOIN trainings t ON t.provider_id = p.provider_id WHERE p.community_id = m.community_id)",
};

int ever_load(cc_store *s, int kind, cc_err *err)
{
    if (sp.ever[kind])
        return 1;
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, ever_sql[kind], -1, &st, NULL);
    if (rc != SQLITE_OK) {
        *err = cc_store_err(s, rc, "computing measures");
        return 0;
    }
    unsigned char *e = cc_xcalloc(sp.nk + 1, 1);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        size_t k = row_k(st);
        if (k != (size_t)-1)
            e[k] = 1;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        free(e);
        *err = cc_store_err(s, rc, "computing measures");
        return 0;
    }
    sp.ever[kind] = e;
    return 1;
}
