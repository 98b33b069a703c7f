/* measure_read — the sources of the measure catalog read for one window
 * (measure.c's cc_measures_compute): each asks span.c's week cache first and
 * reads the window directly (its SQL, the definition of the measure) when the
 * cache declines.  Distinct counts are counted in C over the window's rows,
 * at the three levels at once.
 */
#include "measure/measure_int.h"
#include "base/intern.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- activities ----------------------------------------------------------- */
#define DONE "a.status = 'completed'"
static const char act_sql[] =
    "SELECT m.cidx, "
    " SUM(" DONE "), SUM(a.status = 'cancelled'), SUM(" DONE ") + SUM(a.status = 'cancelled'),"
    " SUM(CASE WHEN " DONE " THEN a.attended END),"
    " SUM(CASE WHEN " DONE " THEN a.registered END),"
    " SUM(CASE WHEN " DONE " THEN a.capacity END),"
    " SUM(CASE WHEN " DONE " THEN a.children END),"
    " SUM(CASE WHEN " DONE " THEN a.special_attended END),"
    " SUM(CASE WHEN " DONE " THEN a.volunteers END),"
    " SUM(CASE WHEN " DONE " THEN a.volunteer_hours END),"
    " SUM(CASE WHEN " DONE " THEN a.incidents END),"
    " SUM(CASE WHEN " DONE " THEN a.online_booked END),"
    " SUM(CASE WHEN " DONE " THEN a.checks_passed END),"
    " SUM(CASE WHEN " DONE " THEN a.checks_total END),"
    " SUM(CASE WHEN " DONE " THEN a.staff END),"
    " SUM(CASE WHEN " DONE " AND a.children > 0 AND a.staff > 0 THEN a.children END),"
    " SUM(CASE WHEN " DONE " AND a.children > 0 AND a.staff > 0 THEN a.staff END),"
    " SUM(CASE WHEN " DONE " THEN a.hours END),"
    " SUM(CASE WHEN " DONE " THEN a.hours * a.attended END),"
    " SUM(CASE WHEN " DONE " THEN a.interaction_score END),"
    " NULLIF(SUM(CASE WHEN " DONE " AND a.interaction_score IS NOT NULL THEN 1 ELSE 0 END), 0),"
    " 1"
    " FROM activities a JOIN temp.cc_map m ON m.community_id = a.community_id"
    " WHERE a.date BETWEEN :from AND :to"
    " GROUP BY m.cidx";

void cc_ms_activities(ctx *c, double **pv)
{
    /* columns M_ACTIVITIES .. M_REPORTED, in enum order */
    double *cols[M_REPORTED - M_ACTIVITIES + 1];
    cc_err e = CC_OK;
    for (int k = M_ACTIVITIES; k <= M_REPORTED; k++)
        cols[k - M_ACTIVITIES] = pv[k];
    if (!span(c, c->err ? 0 : cc_span_activities(c->s, &c->sw, cols, &e), e))
        fill(c, act_sql, cols, M_REPORTED - M_ACTIVITIES + 1);
    for (int k = M_ACTIVITIES; k <= M_REPORTED; k++) {
        if (!pv[k])
            continue;
        if (k == M_REPORTED)        /* never missing */
            for (size_t i = 0; i < c->ncomm; i++)
                if (isnan(pv[k][i]))
                    pv[k][i] = 0;
        roll_up(c, pv[k]);
    }
}

/* partners: distinct names over completed sessions, counted per level in C;
 * 0 for a unit with completed sessions that name none.  The names are split
 * from activities.partners by ingest's list rule (text/list.c), as the week
 * cache does (span.c). */
static const char partners_sql[] =
    "SELECT m.cidx, m.sidx, m.aidx, a.partners"
    " FROM activities a JOIN temp.cc_map m ON m.community_id = a.community_id"
    " WHERE a.date BETWEEN ?1 AND ?2 AND " DONE;

/* ---- attendance ----------------------------------------------------------- */
/* Distinct counts are done in C: one scan of the window's rows (completed
 * activities), participant and household IDs interned to integers, and a
 * hash set of (unit, kind, id) keys per window, where unit is a community,
 * street or area index — so a street counts a child who came to two of its
 * communities once. */
typedef cc_intern intern;   /* lib/base/intern.h */

static uint32_t intern_id(intern *t, const char *s)
{
    return cc_intern_id(t, s, strlen(s));
}

static void intern_free(intern *t)
{
    cc_intern_release(t);
}

/* A set of 64-bit keys (0 is never a key: keys carry kind + 1). */
typedef struct {
    uint64_t *k; size_t n, cap;
} kset;

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33; x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53ULL;
    return x ^ (x >> 33);
}

/* 1 when newly added. */
static int kset_add(kset *s, uint64_t key)
{
    if ((s->n + 1) * 2 > s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 4096;
        uint64_t *nk = cc_xcalloc(nc, sizeof *nk);
        for (size_t i = 0; i < s->cap; i++)
            if (s->k[i]) {
                size_t h = (size_t)(mix64(s->k[i]) & (nc - 1));
                while (nk[h])
                    h = (h + 1) & (nc - 1);
                nk[h] = s->k[i];
            }
        free(s->k);
        s->k = nk;
        s->cap = nc;
    }
    size_t h = (size_t)(mix64(key) & (s->cap - 1));
    while (s->k[h]) {
        if (s->k[h] == key)
            return 0;
        h = (h + 1) & (s->cap - 1);
    }
    s->k[h] = key;
    s->n++;
    return 1;
}

enum { K_PART = 1, K_CHILD, K_SPECIAL, K_VOL, K_HOUSE, K_SPECIAL_GIVEN };
#define KEY(u, kind, id) (((uint64_t)(u) << 35) | ((uint64_t)(kind) << 32) | (uint64_t)(id))


void cc_ms_attendance(ctx *c, double **pv)
{
    int need_prev = pv[M_RETURNING] || pv[M_PREV_PARTICIPANTS] || pv[M_VOLUNTEERS_RETAINED] ||
                    pv[M_VOLUNTEERS_PREV];
    /* attend.c: direct, or its week cache when the engine turned it on */
    double *part = pv[M_PARTICIPANTS] ? pv[M_PARTICIPANTS] : cc_xmalloc(c->n * sizeof *part);
    double *ret = need_prev ? cc_xmalloc(c->n * sizeof *ret) : NULL;
    double *vret = need_prev ? cc_xmalloc(c->n * sizeof *vret) : NULL;
    for (size_t u = 0; u < c->n; u++) {
        part[u] = NAN;
        if (need_prev)
            ret[u] = vret[u] = NAN;
    }
    cc_attend_cols o = {
        .part = part, .child = pv[M_CHILD_PARTICIPANTS], .households = pv[M_HOUSEHOLDS],
        .special = pv[M_SPECIAL_SERVED], .vol = pv[M_VOLUNTEERS_ACTIVE],
        .prev_part = pv[M_PREV_PARTICIPANTS], .prev_vol = pv[M_VOLUNTEERS_PREV],
        .returning = ret, .retained = vret,
    };
    if (!c->err)
        c->err = cc_attend_compute(c->s, c->units, c->area, c->dfrom, c->dto, need_prev, &o);
    for (size_t u = 0; need_prev && u < c->n; u++) {
        int has = !isnan(part[u]);
        if (pv[M_RETURNING])
            pv[M_RETURNING][u] = has ? (isnan(ret[u]) ? 0 : ret[u]) : NAN;
        if (pv[M_VOLUNTEERS_RETAINED])
            pv[M_VOLUNTEERS_RETAINED][u] = has ? (isnan(vret[u]) ? 0 : vret[u]) : NAN;
    }
    if (part != pv[M_PARTICIPANTS])
        free(part);
    free(ret);
    free(vret);
}

void cc_ms_partners(ctx *c, double *v)
{
    cc_err e = CC_OK;
    if (span(c, c->err ? 0 : cc_span_partners(c->s, &c->sw, v, &e), e))
        return;
    sqlite3_stmt *st = prep(c, partners_sql);
    intern names = {0};
    kset set = {0};
    if (!st)
        return;
    sqlite3_bind_text(st, 1, c->from, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, c->to, -1, SQLITE_STATIC);
    cc_buf name = CC_BUF_INIT;
    while (step(c, st)) {
        const char *pt = (const char *)sqlite3_column_text(st, 3), *t;
        size_t pos = 0, n = (size_t)sqlite3_column_bytes(st, 3), len;
        for (int l = 0; l < 3; l++) {
            uint64_t u = (uint64_t)sqlite3_column_int64(st, l);
            if (u < c->n && isnan(v[u]))
                v[u] = 0;
        }
        while (pt && cc_list_next(pt, n, &pos, &t, &len)) {
            cc_buf_reset(&name);
            cc_buf_add(&name, t, len);
            uint32_t id = intern_id(&names, name.s);
            for (int l = 0; l < 3; l++) {
                uint64_t u = (uint64_t)sqlite3_column_int64(st, l);
                if (u < c->n && kset_add(&set, KEY(u, K_PART, id)))
                    v[u] += 1;
            }
        }
    }
    sqlite3_finalize(st);
    cc_buf_release(&name);
    free(set.k);
    intern_free(&names);
}

/* ---- registry ------------------------------------------------------------- */
static const char reg_sql[] =
    "SELECT m.cidx, c.population, c.children_0_3, c.children_3_12, c.elderly_60,"
    " c.eligible_families, c.special_children, c.places, c.inclusive_places,"
    " c.monthly_fee, c.disposable_income / 12.0 * c.household_size"
    " FROM temp.cc_map m JOIN communities c ON c.community_id = m.community_id"
    " AND c.as_of = (SELECT MAX(c2.as_of) FROM communities c2"
    "                WHERE c2.community_id = m.community_id AND c2.as_of <= :to)";

void cc_ms_registry(ctx *c, double **pv)
{
    double *cols[M_MONTHLY_INCOME - M_POPULATION + 1];
    double *pop = pv[M_POPULATION] ? pv[M_POPULATION] : newcol(c->n);
    for (int k = M_POPULATION; k <= M_MONTHLY_INCOME; k++)
        cols[k - M_POPULATION] = pv[k];
    cols[0] = pop;
    fill(c, reg_sql, cols, M_MONTHLY_INCOME - M_POPULATION + 1);
    for (int k = M_POPULATION; k <= M_INCLUSIVE_PLACES; k++)
        if (pv[k])
            roll_up(c, pv[k]);
    /* averages weighted by population */
    for (int k = M_MONTHLY_FEE; k <= M_MONTHLY_INCOME; k++) {
        double *v = pv[k];
        if (!v)
            continue;
        double *num = cc_xcalloc(c->n, sizeof *num), *den = cc_xcalloc(c->n, sizeof *den);
        for (size_t i = 0; i < c->ncomm; i++) {
            if (isnan(v[i]) || isnan(pop[i]))
                continue;
            size_t s = c->units->u[i].street;
            num[s] += v[i] * pop[i]; den[s] += pop[i];
            num[c->area] += v[i] * pop[i]; den[c->area] += pop[i];
        }
        for (size_t i = c->ncomm; i < c->n; i++)
            v[i] = den[i] > 0 ? num[i] / den[i] : NAN;
        free(num);
        free(den);
    }
    if (pop != pv[M_POPULATION])
        free(pop);
}

/* ---- providers and trainings ---------------------------------------------- */
#define PROF "p.type IN ('social_worker', 'caregiver', 'teacher')"
#define ACTIVE "(p.joined IS NULL OR p.joined <= :to) AND (p.left_on IS NULL OR p.left_on >= :to)"
static const char prov_sql[] =
    "SELECT m.cidx, SUM(" PROF " AND " ACTIVE "),"
    " SUM(" PROF " AND " ACTIVE " AND p.certified = 1)"
    " FROM providers p JOIN temp.cc_map m ON m.community_id = p.community_id"
    " GROUP BY m.cidx";
static const char train_sql[] =
    "SELECT m.cidx, SUM(t.hours)"
    " FROM trainings t JOIN providers p ON p.provider_id = t.provider_id"
    " JOIN temp.cc_map m ON m.community_id = p.community_id"
    " WHERE t.date BETWEEN :from AND :to AND " PROF " AND " ACTIVE
    " GROUP BY m.cidx";
static const char train_ever_sql[] =
    "SELECT m.cidx FROM temp.cc_map m WHERE EXISTS (SELECT 1 FROM providers p"
    " JOIN trainings t ON t.provider_id = p.provider_id WHERE p.community_id = m.community_id)";

void cc_ms_providers(ctx *c, double **pv)
{
    cc_err e = CC_OK;
    if (pv[M_PROVIDERS] || pv[M_CERTIFIED]) {
        double *cols[] = {pv[M_PROVIDERS], pv[M_CERTIFIED]};
        if (!span(c, c->err ? 0 : cc_span_providers(c->s, &c->sw, cols[0], cols[1], &e), e))
            fill(c, prov_sql, cols, 2);
        if (pv[M_PROVIDERS]) roll_up(c, pv[M_PROVIDERS]);
        if (pv[M_CERTIFIED]) roll_up(c, pv[M_CERTIFIED]);
    }
    if (pv[M_TRAINING_HOURS]) {
        double *cols[] = {pv[M_TRAINING_HOURS]};
        if (!span(c, c->err ? 0 : cc_span_trainings(c->s, &c->sw, cols[0], &e), e))
            fill(c, train_sql, cols, 1);
        roll_up(c, pv[M_TRAINING_HOURS]);
        unsigned char *ev = ever_of(c, CC_SPAN_EVER_TRAINING, train_ever_sql);
        zero_fill(c, ev, pv[M_TRAINING_HOURS]);
        free(ev);
    }
}

/* ---- timebank and feedback ------------------------------------------------- */
static const char tb_sql[] =
    "SELECT m.cidx, SUM(CASE WHEN t.kind = 'deposit' THEN t.hours ELSE 0 END),"
    " SUM(CASE WHEN t.kind = 'redeem' THEN t.hours ELSE 0 END)"
    " FROM temp.cc_map m CROSS JOIN timebank t ON t.community_id = m.community_id"
    " WHERE t.date BETWEEN :from AND :to GROUP BY m.cidx";
static const char tb_members_sql[] =
    "SELECT m.cidx, m.sidx, m.aidx, t.member_id"
    " FROM temp.cc_map m CROSS JOIN timebank t ON t.community_id = m.community_id"
    " WHERE t.date BETWEEN ?1 AND ?2";
static const char tb_ever_sql[] =
    "SELECT m.cidx FROM temp.cc_map m WHERE EXISTS (SELECT 1 FROM timebank t"
    " WHERE t.community_id = m.community_id)";

void cc_ms_timebank(ctx *c, double **pv)
{
    cc_err err = CC_OK;
    int served = span(c, c->err ? 0 : cc_span_timebank(c->s, &c->sw, pv[M_TB_DEPOSIT_HOURS],
                                                       pv[M_TB_REDEEM_HOURS], pv[M_TB_MEMBERS], &err), err);
    if (pv[M_TB_DEPOSIT_HOURS] || pv[M_TB_REDEEM_HOURS]) {
        double *cols[] = {pv[M_TB_DEPOSIT_HOURS], pv[M_TB_REDEEM_HOURS]};
        if (!served)
            fill(c, tb_sql, cols, 2);
        if (pv[M_TB_DEPOSIT_HOURS]) roll_up(c, pv[M_TB_DEPOSIT_HOURS]);
        if (pv[M_TB_REDEEM_HOURS]) roll_up(c, pv[M_TB_REDEEM_HOURS]);
    }
    if (pv[M_TB_MEMBERS] && !served) {   /* distinct members, per level in C */
        double *v = pv[M_TB_MEMBERS];
        sqlite3_stmt *st = prep(c, tb_members_sql);
        intern ids = {0};
        kset set = {0};
        if (st) {
            sqlite3_bind_text(st, 1, c->from, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 2, c->to, -1, SQLITE_STATIC);
            while (step(c, st)) {
                const char *mem = (const char *)sqlite3_column_text(st, 3);
                if (!mem)
                    continue;
                uint32_t id = intern_id(&ids, mem);
                for (int l = 0; l < 3; l++) {
                    uint64_t u = (uint64_t)sqlite3_column_int64(st, l);
                    if (u >= c->n)
                        continue;
                    if (isnan(v[u]))
                        v[u] = 0;
                    if (!kset_add(&set, KEY(u, K_PART, id)))
                        break;          /* seen in the community: seen above too */
                    v[u] += 1;
                }
            }
            sqlite3_finalize(st);
        }
        free(set.k);
        intern_free(&ids);
    }
    unsigned char *e = ever_of(c, CC_SPAN_EVER_TIMEBANK, tb_ever_sql);
    for (int k = M_TB_DEPOSIT_HOURS; k <= M_TB_MEMBERS; k++)
        if (pv[k])
            zero_fill(c, e, pv[k]);
    free(e);
}

static const char fb_sql[] =
    "SELECT m.cidx, COUNT(*),"
    " SUM(f.responded IS NOT NULL AND julianday(f.responded) - julianday(f.received) <= ?1),"
    " SUM(f.resolved = 1)"
    " FROM temp.cc_map m CROSS JOIN feedback f ON f.community_id = m.community_id"
    " WHERE f.received BETWEEN :from AND :to GROUP BY m.cidx";
static const char fb_ever_sql[] =
    "SELECT m.cidx FROM temp.cc_map m WHERE EXISTS (SELECT 1 FROM feedback f"
    " WHERE f.community_id = m.community_id)";

void cc_ms_feedback(ctx *c, double **pv)
{
    double *cols[] = {pv[M_FEEDBACK], pv[M_FEEDBACK_TIMELY], pv[M_FEEDBACK_RESOLVED]};
    cc_err err = CC_OK;
    if (span(c, c->err ? 0 : cc_span_feedback(c->s, &c->sw, cols[0], cols[1], cols[2], &err), err))
        goto post;
    sqlite3_stmt *st = prep(c, fb_sql);
    if (!st)
        return;
    bind_window(st, c);
    sqlite3_bind_int(st, 1, c->cfg && c->cfg->feedback_respond_days > 0 ? c->cfg->feedback_respond_days : 3);
    while (step(c, st)) {
        sqlite3_int64 u = sqlite3_column_int64(st, 0);
        if (u < 0 || (size_t)u >= c->ncomm)
            continue;
        for (int k = 0; k < 3; k++)
            if (cols[k])
                cols[k][u] = col(st, k + 1);
    }
    sqlite3_finalize(st);
post:;
    unsigned char *e = ever_of(c, CC_SPAN_EVER_FEEDBACK, fb_ever_sql);
    for (int k = 0; k < 3; k++)
        if (cols[k]) {
            roll_up(c, cols[k]);
            zero_fill(c, e, cols[k]);
        }
    free(e);
}

/* ---- surveys --------------------------------------------------------------- */
static const char sv_ever_sql[] =
    "SELECT m.cidx FROM temp.cc_map m WHERE EXISTS (SELECT 1 FROM survey_responses r"
    " WHERE r.community_id = m.community_id)";

/* Every requested item in one scan of the window's answers to their
 * questions; roles filtered and answers parsed in C. */
static void surveys_direct(ctx *c, double *(*sv)[SV_NFIELD])
{
    const cc_config *cfg = c->cfg;
    cc_buf sql = CC_BUF_INIT;
    size_t nq = 0;
    cc_buf_adds(&sql, "SELECT mm.cidx, r.role, a.question, a.answer"
                      " FROM temp.cc_map mm CROSS JOIN survey_responses r ON r.community_id = mm.community_id"
                      " JOIN survey_answers a ON a.response_id = r.response_id"
                      " WHERE r.date BETWEEN :from AND :to AND a.question IN (");
    for (size_t i = 0; i < cfg->nitems; i++)
        if (sv[i][0])
            cc_buf_addf(&sql, "%s:q%zu", nq++ ? ", " : "", i);
    cc_buf_adds(&sql, ")");
    sqlite3_stmt *st = prep(c, sql.s);
    cc_buf_release(&sql);
    if (!st)
        return;
    bind_window(st, c);
    for (size_t i = 0; i < cfg->nitems; i++)
        if (sv[i][0]) {
            char nm[32];
            snprintf(nm, sizeof nm, ":q%zu", i);
            sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, nm), cfg->items[i].column, -1, SQLITE_STATIC);
        }
    /* counts start at 0 for the communities with an answer row */
    while (step(c, st)) {
        sqlite3_int64 u = sqlite3_column_int64(st, 0);
        const char *role = (const char *)sqlite3_column_text(st, 1);
        const char *q = (const char *)sqlite3_column_text(st, 2);
        const char *ans = (const char *)sqlite3_column_text(st, 3);
        if (u < 0 || (size_t)u >= c->ncomm || !q || !role)
            continue;
        for (size_t i = 0; i < cfg->nitems; i++) {
            const cc_item *it = &cfg->items[i];
            if (!sv[i][0] || strcmp(it->column, q))
                continue;
            int top, code = cc_item_has_role(it, role) ? cc_item_value(it, ans, &top) : -1;
            if (code < 0)
                continue;
            /* top counts as top2 (Likert) and as yes (yes/no): do_surveys
             * leaves the one that means nothing for the item's scale NAN */
            double **fv = sv[i];
            if (isnan(fv[SV_N][u]))
                fv[SV_N][u] = fv[SV_SUM][u] = fv[SV_TOP2][u] = fv[SV_YES][u] = 0;
            fv[SV_N][u] += 1;
            fv[SV_SUM][u] += code;
            fv[SV_TOP2][u] += top;
            fv[SV_YES][u] += top;
        }
    }
    sqlite3_finalize(st);
}

static void do_surveys(ctx *c, double *(*sv)[SV_NFIELD], const unsigned char *ever)
{
    const cc_config *cfg = c->cfg;
    cc_err e = CC_OK;
    if (!span(c, c->err ? 0 : cc_span_surveys(c->s, &c->sw, sv, &e), e))
        surveys_direct(c, sv);
    for (size_t i = 0; i < cfg->nitems; i++) {
        double **fv = sv[i];
        if (!fv[0])
            continue;
        for (int f = 0; f < SV_NFIELD; f++) {
            roll_up(c, fv[f]);
            zero_fill(c, ever, fv[f]);
        }
        if (cfg->items[i].scale == CC_SCALE_YESNO) {   /* top2 means nothing for yes/no */
            for (size_t k = 0; k < c->n; k++)
                fv[SV_TOP2][k] = NAN;
        } else {
            for (size_t k = 0; k < c->n; k++)
                fv[SV_YES][k] = NAN;
        }
    }
}

/* ---- assessments ------------------------------------------------------------ */
/* One scan per window and domain; per (unit, participant) the earliest pre
 * and the latest post are kept in a hash map, for the three levels at once. */
typedef struct {
    int32_t pre_day, post_day;
    double pre, post;
    uint32_t unit;
    uint8_t has_pre, has_post;
} as_pair;

static const char as_rows_sql[] =
    "SELECT m.cidx, m.sidx, m.aidx, s.participant_id, s.phase, s.date, s.score"
    " FROM temp.cc_map m CROSS JOIN assessments s ON s.community_id = m.community_id"
    " WHERE s.domain = ?1 AND s.date BETWEEN ?2 AND ?3";
static const char as_ever_sql[] =
    "SELECT m.cidx FROM temp.cc_map m WHERE EXISTS (SELECT 1 FROM assessments s"
    " WHERE s.community_id = m.community_id)";


static void do_assess(ctx *c, int dom, double **fv, const unsigned char *ever)
{
    cc_err se = CC_OK;
    if (span(c, c->err ? 0 : cc_span_assess(c->s, &c->sw, dom, cc_ms_domains[dom], fv, &se), se)) {
        for (int f = 0; f < AS_NFIELD; f++)
            zero_fill(c, ever, fv[f]);
        return;
    }
    sqlite3_stmt *st = prep(c, as_rows_sql);
    intern ids = {0};
    kset keys = {0};
    uint32_t *slot = NULL;      /* parallel to keys.k: index into pairs */
    as_pair *pairs = NULL;
    size_t np = 0, cap = 0;
    if (!st)
        return;
    sqlite3_bind_text(st, 1, cc_ms_domains[dom], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, c->from, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, c->to, -1, SQLITE_STATIC);
    while (step(c, st)) {
        const char *pid = (const char *)sqlite3_column_text(st, 3);
        const char *ph = (const char *)sqlite3_column_text(st, 4);
        const unsigned char *date = sqlite3_column_text(st, 5);
        if (!pid || !ph || !date || sqlite3_column_bytes(st, 5) != 10)
            continue;
        int pre = !strcmp(ph, "pre");
        if (!pre && strcmp(ph, "post"))
            continue;
        cc_day day;
        if (cc_parse_date((const char *)date, 10, &day) != CC_PARSE_OK)
            continue;
        double score = sqlite3_column_double(st, 6);
        uint32_t p = intern_id(&ids, pid);
        for (int l = 0; l < 3; l++) {
            uint64_t u = (uint64_t)sqlite3_column_int64(st, l);
            if (u >= c->n)
                continue;
            uint64_t key = KEY(u, K_PART, p);
            /* find or add the key; keys.k and slot grow together */
            if ((keys.n + 1) * 2 > keys.cap) {
                size_t nc = keys.cap ? keys.cap * 2 : 4096;
                uint64_t *nk = cc_xcalloc(nc, sizeof *nk);
                uint32_t *ns = cc_xcalloc(nc, sizeof *ns);
                for (size_t i = 0; i < keys.cap; i++)
                    if (keys.k[i]) {
                        size_t h = (size_t)(mix64(keys.k[i]) & (nc - 1));
                        while (nk[h])
                            h = (h + 1) & (nc - 1);
                        nk[h] = keys.k[i];
                        ns[h] = slot[i];
                    }
                free(keys.k);
                free(slot);
                keys.k = nk;
                slot = ns;
                keys.cap = nc;
            }
            size_t h = (size_t)(mix64(key) & (keys.cap - 1));
            while (keys.k[h] && keys.k[h] != key)
                h = (h + 1) & (keys.cap - 1);
            if (!keys.k[h]) {
                if (np == cap) {
                    cap = cap ? 2 * cap : 1024;
                    pairs = cc_xrealloc(pairs, cap * sizeof *pairs);
                }
                memset(&pairs[np], 0, sizeof pairs[np]);
                pairs[np].unit = (uint32_t)u;
                keys.k[h] = key;
                slot[h] = (uint32_t)np++;
                keys.n++;
            }
            as_pair *e = &pairs[slot[h]];
            if (pre && (!e->has_pre || day < e->pre_day)) {
                e->has_pre = 1; e->pre_day = day; e->pre = score;
            } else if (!pre && (!e->has_post || day > e->post_day)) {
                e->has_post = 1; e->post_day = day; e->post = score;
            }
        }
    }
    sqlite3_finalize(st);
    for (size_t i = 0; i < np; i++) {
        const as_pair *e = &pairs[i];
        if (!e->has_pre || !e->has_post)
            continue;
        size_t u = e->unit;
        if (isnan(fv[AS_PAIRS][u]))
            fv[AS_PAIRS][u] = fv[AS_PRE_SUM][u] = fv[AS_POST_SUM][u] = 0;
        fv[AS_PAIRS][u] += 1;
        fv[AS_PRE_SUM][u] += e->pre;
        fv[AS_POST_SUM][u] += e->post;
    }
    free(pairs);
    free(slot);
    free(keys.k);
    intern_free(&ids);
    for (int f = 0; f < AS_NFIELD; f++)
        zero_fill(c, ever, fv[f]);
}

void cc_ms_surveys_assess(ctx *c, double *(*sv)[SV_NFIELD], double *(*as)[AS_NFIELD])
{
    size_t nitems = c->cfg ? c->cfg->nitems : 0;
    unsigned char *ever = NULL;
    for (size_t i = 0; i < nitems && !ever; i++)
        if (sv[i][0]) {
            ever = ever_of(c, CC_SPAN_EVER_SURVEY, sv_ever_sql);
            do_surveys(c, sv, ever);
        }
    free(ever);
    ever = NULL;
    for (int d = 0; d < NDOMAIN; d++)
        if (as[d][0]) {
            if (!ever)
                ever = ever_of(c, CC_SPAN_EVER_ASSESS, as_ever_sql);
            do_assess(c, d, as[d], ever);
        }
    free(ever);
}
