/* measure — the measure catalog of indicators.md computed in SQL for every
 * unit of a cc_units at once, for one window [from, to].
 *
 * Each source is read with one query per window, grouped by community (the
 * community -> street map is a temporary table); additive measures of a
 * street or of the area are the sums of its communities' sums, distinct
 * counts are counted again over the street's and the area's own rows (one
 * query grouped by street, one for the whole area) — never added up.
 *
 * Missing is NAN.  Activities and attendance are never zero-filled; the event
 * logs (trainings, timebank, feedback, surveys, assessments) count 0 in a
 * window without rows for a unit that has ever had a row of that kind.
 */
#include "store/db.h"
#include "measure/measure.h"
#include "measure/attend.h"
#include "measure/span.h"
#include "base/intern.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

/* ---- the plain measures ------------------------------------------------- */
enum {
    /* activities: community sums */
    M_ACTIVITIES, M_CANCELLED, M_SCHEDULED, M_ATTENDED, M_REGISTERED, M_CAPACITY,
    M_CHILDREN, M_SPECIAL_ATTENDED, M_VOLUNTEERS, M_VOLUNTEER_HOURS, M_INCIDENTS,
    M_ONLINE_BOOKED, M_CHECKS_PASSED, M_CHECKS_TOTAL, M_STAFF, M_STAFFED_CHILDREN,
    M_STAFFED_STAFF, M_HOURS, M_PERSON_HOURS, M_INTERACTION_SUM, M_INTERACTION_N,
    M_REPORTED, M_COMMUNITIES,
    /* distinct over activities */
    M_PARTNERS,
    /* attendance */
    M_PARTICIPANTS, M_CHILD_PARTICIPANTS, M_HOUSEHOLDS, M_SPECIAL_SERVED,
    M_RETURNING, M_PREV_PARTICIPANTS, M_VOLUNTEERS_ACTIVE, M_VOLUNTEERS_RETAINED,
    M_VOLUNTEERS_PREV,
    /* registry */
    M_POPULATION, M_CHILDREN_0_3, M_CHILDREN_3_12, M_ELDERLY_60, M_ELIGIBLE_FAMILIES,
    M_SPECIAL_CHILDREN, M_PLACES, M_INCLUSIVE_PLACES, M_MONTHLY_FEE, M_MONTHLY_INCOME,
    /* providers / trainings */
    M_PROVIDERS, M_CERTIFIED, M_TRAINING_HOURS,
    /* timebank */
    M_TB_DEPOSIT_HOURS, M_TB_REDEEM_HOURS, M_TB_MEMBERS,
    /* feedback */
    M_FEEDBACK, M_FEEDBACK_TIMELY, M_FEEDBACK_RESOLVED,
    /* rectification items */
    M_ITEMS_DUE, M_ITEMS_CLOSED_ON_TIME, M_ITEMS_EFFECTIVE, M_ITEMS_OVERDUE,
    M_NPLAIN
};

static const char *const plain_names[M_NPLAIN] = {
    "activities", "cancelled", "scheduled", "attended", "registered", "capacity",
    "children", "special_attended", "volunteers", "volunteer_hours", "incidents",
    "online_booked", "checks_passed", "checks_total", "staff", "staffed_children",
    "staffed_staff", "hours", "person_hours", "interaction_sum", "interaction_n",
    "reported", "communities",
    "partners",
    "participants", "child_participants", "households", "special_served",
    "returning", "prev_participants", "volunteers_active", "volunteers_retained",
    "volunteers_prev",
    "population", "children_0_3", "children_3_12", "elderly_60", "eligible_families",
    "special_children", "places", "inclusive_places", "monthly_fee", "monthly_income",
    "providers", "certified", "training_hours",
    "tb_deposit_hours", "tb_redeem_hours", "tb_members",
    "feedback", "feedback_timely", "feedback_resolved",
    "items_due", "items_closed_on_time", "items_effective", "items_overdue",
};

static const char *const domains[] = {"cognitive", "social", "emotion", "language", "motor"};
#define NDOMAIN 5

enum { SV_N, SV_SUM, SV_TOP2, SV_YES, SV_NFIELD };
static const char *const sv_fields[SV_NFIELD] = {"n", "sum", "top2", "yes"};
enum { AS_PAIRS, AS_PRE_SUM, AS_POST_SUM, AS_NFIELD };
static const char *const as_fields[AS_NFIELD] = {"pairs", "pre_sum", "post_sum"};

typedef struct {
    int kind;               /* 0 plain, 1 survey, 2 assess, -1 unknown */
    int id;                 /* plain: M_*; survey: item index; assess: domain index */
    int field;
} mref;

static int find_item(const cc_config *cfg, const char *id, size_t len)
{
    for (size_t i = 0; cfg && i < cfg->nitems; i++)
        if (strlen(cfg->items[i].id) == len && !strncasecmp(cfg->items[i].id, id, len))
            return (int)i;
    return -1;
}

static mref parse_name(const cc_config *cfg, const char *name)
{
    mref r = {-1, 0, 0};
    if (!strncmp(name, "survey.", 7)) {
        const char *item = name + 7, *dot = strrchr(item, '.');
        if (!dot || dot == item)
            return r;
        int it = find_item(cfg, item, (size_t)(dot - item));
        if (it < 0)
            return r;
        for (int f = 0; f < SV_NFIELD; f++)
            if (!strcmp(dot + 1, sv_fields[f])) {
                r.kind = 1; r.id = it; r.field = f;
            }
        return r;
    }
    if (!strncmp(name, "assess.", 7)) {
        const char *dom = name + 7, *dot = strrchr(dom, '.');
        if (!dot)
            return r;
        for (int d = 0; d < NDOMAIN; d++)
            if (strlen(domains[d]) == (size_t)(dot - dom) && !strncmp(domains[d], dom, (size_t)(dot - dom)))
                for (int f = 0; f < AS_NFIELD; f++)
                    if (!strcmp(dot + 1, as_fields[f])) {
                        r.kind = 2; r.id = d; r.field = f;
                    }
        return r;
    }
    for (int i = 0; i < M_NPLAIN; i++)
        if (!strcmp(name, plain_names[i])) {
            r.kind = 0; r.id = i;
        }
    return r;
}

/* ---- helpers ------------------------------------------------------------ */

typedef struct {
    cc_store *s;
    const cc_config *cfg;
    const cc_units *units;
    size_t n, ncomm, area;
    char from[11], to[11], pfrom[11], pto[11];   /* window and the previous window */
    cc_day dfrom, dto, dpfrom, dpto;
    cc_span_win sw;         /* span.c's week cache, when on */
    cc_err err;
} ctx;

static sqlite3_stmt *prep(ctx *c, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int rc;
    if (c->err)
        return NULL;
    rc = sqlite3_prepare_v2(c->s->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        cc_error("SQL error: %s", sqlite3_errmsg(c->s->db));
        c->err = CC_ERR_DB;
        return NULL;
    }
    return st;
}

static int step(ctx *c, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc != SQLITE_DONE && !c->err)
        c->err = cc_store_err(c->s, rc, "computing measures");
    return 0;
}

static void exec(ctx *c, const char *sql)
{
    if (!c->err)
        c->err = cc_store_exec(c->s, sql);
}

static double col(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

static double *newcol(size_t n)
{
    double *v = cc_xmalloc(n * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = NAN;
    return v;
}

/* Street and area values of an additive measure: the sum of the values of
 * its communities that have one; missing when none has. */
static void roll_up(ctx *c, double *v)
{
    const cc_units *u = c->units;
    for (size_t i = c->ncomm; i < u->n; i++)
        v[i] = NAN;
    for (size_t i = 0; i < c->ncomm; i++) {
        if (isnan(v[i]))
            continue;
        size_t s = u->u[i].street;
        v[s] = isnan(v[s]) ? v[i] : v[s] + v[i];
        v[c->area] = isnan(v[c->area]) ? v[i] : v[c->area] + v[i];
    }
}

/* Event-log rule: a unit with rows of this kind at any date gets 0 where the
 * window gave it nothing.  ever[i] for communities; streets/area derive. */
static void zero_fill(ctx *c, const unsigned char *ever, double *v)
{
    const cc_units *u = c->units;
    for (size_t i = 0; i < c->ncomm; i++) {
        if (!ever[i])
            continue;
        if (isnan(v[i]))
            v[i] = 0;
        size_t s = u->u[i].street;
        if (isnan(v[s]))
            v[s] = 0;
        if (isnan(v[c->area]))
            v[c->area] = 0;
    }
}

/* span.c's answer: 1 when it filled the columns (else the caller reads
 * the window itself). */
static int span(ctx *c, int served, cc_err e)
{
    if (e && !c->err)
        c->err = e;
    return served && !c->err;
}

/* Which communities ever had a row of this kind: sql selects cidx. */
static unsigned char *ever_rows(ctx *c, const char *sql)
{
    unsigned char *e = cc_xcalloc(c->ncomm ? c->ncomm : 1, 1);
    sqlite3_stmt *st = prep(c, sql);
    if (!st)
        return e;
    while (step(c, st)) {
        sqlite3_int64 k = sqlite3_column_int64(st, 0);
        if (k >= 0 && (size_t)k < c->ncomm)
            e[k] = 1;
    }
    sqlite3_finalize(st);
    return e;
}

/* The same, from span.c's sets (read once per scorecard) when it can. */
static unsigned char *ever_of(ctx *c, int kind, const char *sql)
{
    cc_err e = CC_OK;
    unsigned char *r = c->err ? NULL : cc_span_ever(c->s, &c->sw, kind, &e);
    if (e && !c->err)
        c->err = e;
    if (r)
        return r;
    return ever_rows(c, sql);
}

static void bind_window(sqlite3_stmt *st, const ctx *c)
{
    int n = sqlite3_bind_parameter_count(st);
    for (int i = 1; i <= n; i++) {
        const char *nm = sqlite3_bind_parameter_name(st, i);
        const char *v = NULL;
        if (!nm)
            continue;
        if (!strcmp(nm, ":from")) v = c->from;
        else if (!strcmp(nm, ":to")) v = c->to;
        else if (!strcmp(nm, ":pfrom")) v = c->pfrom;
        else if (!strcmp(nm, ":pto")) v = c->pto;
        if (v)
            sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
    }
}

/* Run a query whose first column is a unit index (cidx, sidx or the area
 * index) and copy its columns 1..ncols into cols[k][unit]. */
static void fill(ctx *c, const char *sql, double **cols, int ncols)
{
    sqlite3_stmt *st = prep(c, sql);
    if (!st)
        return;
    bind_window(st, c);
    while (step(c, st)) {
        sqlite3_int64 u = sqlite3_column_int64(st, 0);
        if (u < 0 || (size_t)u >= c->n)
            continue;
        for (int k = 0; k < ncols; k++)
            if (cols[k])
                cols[k][u] = col(st, k + 1);
    }
    sqlite3_finalize(st);
}

/* ---- the unit map -------------------------------------------------------- */
/* While span.c's cache is on (a scorecard's history: no transaction comes
 * and goes), temp.cc_map is kept from one window to the next of the same
 * units (compared in full: their IDs and streets). */
static struct {
    sqlite3 *db;
    unsigned bracket;
    size_t n, ncomm, area;
    char **ids;
    size_t *street;
} map;

static void map_forget(void)
{
    for (size_t i = 0; i < map.ncomm; i++)
        free(map.ids[i]);
    free(map.ids);
    free(map.street);
    memset(&map, 0, sizeof map);
}

static int map_same(const ctx *c, unsigned bracket)
{
    if (!bracket || map.bracket != bracket || map.db != c->s->db || map.n != c->n ||
        map.ncomm != c->ncomm || map.area != c->area)
        return 0;
    for (size_t i = 0; i < c->ncomm; i++)
        if (map.street[i] != c->units->u[i].street || strcmp(map.ids[i], c->units->u[i].id))
            return 0;
    return 1;
}

static void build_map(ctx *c)
{
    sqlite3_stmt *st;
    unsigned bracket = cc_span_bracket(c->s);
    if (map_same(c, bracket))
        return;
    map_forget();
    exec(c, "DROP TABLE IF EXISTS temp.cc_map;"
            "CREATE TEMP TABLE cc_map (community_id TEXT PRIMARY KEY, cidx INTEGER NOT NULL,"
            " sidx INTEGER NOT NULL, aidx INTEGER NOT NULL) WITHOUT ROWID");
    st = prep(c, "INSERT INTO temp.cc_map VALUES (?1, ?2, ?3, ?4)");
    if (!st)
        return;
    for (size_t i = 0; i < c->ncomm && !c->err; i++) {
        sqlite3_bind_text(st, 1, c->units->u[i].id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)c->units->u[i].street);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)c->area);
        step(c, st);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (c->err || !bracket)
        return;
    map.db = c->s->db;
    map.bracket = bracket;
    map.n = c->n;
    map.ncomm = c->ncomm;
    map.area = c->area;
    map.ids = cc_xmalloc((c->ncomm + 1) * sizeof *map.ids);
    map.street = cc_xmalloc((c->ncomm + 1) * sizeof *map.street);
    for (size_t i = 0; i < c->ncomm; i++) {
        map.ids[i] = cc_xstrdup(c->units->u[i].id);
        map.street[i] = c->units->u[i].street;
    }
}

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

static void do_activities(ctx *c, double **pv)
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

static void do_partners(ctx *c, double *v);

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


static void do_attendance(ctx *c, double **pv)
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

static void do_partners(ctx *c, double *v)
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

static void do_registry(ctx *c, double **pv)
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

static void do_providers(ctx *c, double **pv)
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

static void do_timebank(ctx *c, double **pv)
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

static void do_feedback(ctx *c, double **pv)
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

/* ---- rectification items ----------------------------------------------------- */
/* The weekly items score/ installed (measure/items.c), whose deadline falls
 * in the window; every community counts 0 without any. */
static void do_items(ctx *c, double **pv)
{
    double *cols[] = {pv[M_ITEMS_DUE], pv[M_ITEMS_CLOSED_ON_TIME], pv[M_ITEMS_EFFECTIVE], pv[M_ITEMS_OVERDUE]};
    cc_measures_items_count(c->units, c->dfrom, c->dto, cols);
    for (int k = 0; k < 4; k++)
        if (cols[k])
            roll_up(c, cols[k]);
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
            int ok = it->nroles == 0;
            for (size_t k = 0; k < it->nroles && !ok; k++)
                ok = !strcmp(it->roles[k], role);
            if (!ok)
                continue;
            /* text layer's parsers: Likert 1..5; yes/no 1 yes, 2 no; 0 unparseable */
            int code = it->scale == CC_SCALE_YESNO ? cc_yesno_answer(ans) : cc_likert_answer(ans);
            if (code == 0)
                continue;
            if (it->scale == CC_SCALE_YESNO)
                code = code == 1;             /* yes counts 1, no 0 */
            double **fv = sv[i];
            if (isnan(fv[SV_N][u]))
                fv[SV_N][u] = fv[SV_SUM][u] = fv[SV_TOP2][u] = fv[SV_YES][u] = 0;
            fv[SV_N][u] += 1;
            fv[SV_SUM][u] += code;
            fv[SV_TOP2][u] += code >= 4;
            fv[SV_YES][u] += code == 1;
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
    if (span(c, c->err ? 0 : cc_span_assess(c->s, &c->sw, dom, domains[dom], fv, &se), se)) {
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
    sqlite3_bind_text(st, 1, domains[dom], -1, SQLITE_STATIC);
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

/* ---- entry point ------------------------------------------------------------- */
cc_err cc_measures_compute(cc_store *s, const cc_config *cfg, const cc_units *units,
                           cc_day from, cc_day to,
                           const char *const *names, size_t nnames, double *out)
{
    ctx c;
    double *pv[M_NPLAIN] = {0};
    size_t nitems = cfg ? cfg->nitems : 0;
    double *(*sv)[SV_NFIELD] = cc_xcalloc(nitems ? nitems : 1, sizeof *sv);
    double *as[NDOMAIN][AS_NFIELD] = {{0}};
    mref *refs = cc_xcalloc(nnames ? nnames : 1, sizeof *refs);
    size_t n = units->n;

    memset(&c, 0, sizeof c);
    c.s = s;
    c.cfg = cfg;
    c.units = units;
    c.n = n;
    c.ncomm = units->ncomm;
    c.area = n ? n - 1 : 0;
    c.dfrom = from;
    c.dto = to;
    c.dpfrom = from - (to - from + 1);
    c.dpto = from - 1;
    cc_day_format(from, c.from);
    cc_day_format(to, c.to);
    cc_day_format(from - (to - from + 1), c.pfrom);
    cc_day_format(from - 1, c.pto);

    for (size_t i = 0; i < n * nnames; i++)
        out[i] = NAN;
    if (n == 0)
        goto done;

    for (size_t j = 0; j < nnames; j++) {
        refs[j] = parse_name(cfg, names[j]);
        if (refs[j].kind < 0) {
            cc_error("unknown measure '%s'", names[j]);
            c.err = CC_ERR_CONFIG;
            goto done;
        }
        if (refs[j].kind == 0 && !pv[refs[j].id])
            pv[refs[j].id] = newcol(n);
        if (refs[j].kind == 1 && !sv[refs[j].id][0])
            for (int f = 0; f < SV_NFIELD; f++)
                sv[refs[j].id][f] = newcol(n);
        if (refs[j].kind == 2 && !as[refs[j].id][0])
            for (int f = 0; f < AS_NFIELD; f++)
                as[refs[j].id][f] = newcol(n);
    }

    build_map(&c);
    if (!c.err)
        cc_span_win_open(s, cfg, units, c.area, from, to, &c.sw);

    for (int k = M_ACTIVITIES; k <= M_REPORTED; k++)
        if (pv[k]) {
            do_activities(&c, pv);
            break;
        }
    if (pv[M_COMMUNITIES]) {
        for (size_t i = 0; i < c.ncomm; i++)
            pv[M_COMMUNITIES][i] = 1;
        roll_up(&c, pv[M_COMMUNITIES]);
        for (size_t i = c.ncomm; i < n; i++)     /* a street always has >= 1 */
            if (isnan(pv[M_COMMUNITIES][i]))
                pv[M_COMMUNITIES][i] = 0;
    }
    if (pv[M_PARTNERS])
        do_partners(&c, pv[M_PARTNERS]);
    for (int k = M_PARTICIPANTS; k <= M_VOLUNTEERS_PREV; k++)
        if (pv[k]) {
            do_attendance(&c, pv);
            break;
        }
    for (int k = M_POPULATION; k <= M_MONTHLY_INCOME; k++)
        if (pv[k]) {
            do_registry(&c, pv);
            break;
        }
    if (pv[M_PROVIDERS] || pv[M_CERTIFIED] || pv[M_TRAINING_HOURS])
        do_providers(&c, pv);
    if (pv[M_TB_DEPOSIT_HOURS] || pv[M_TB_REDEEM_HOURS] || pv[M_TB_MEMBERS])
        do_timebank(&c, pv);
    if (pv[M_FEEDBACK] || pv[M_FEEDBACK_TIMELY] || pv[M_FEEDBACK_RESOLVED])
        do_feedback(&c, pv);
    if (pv[M_ITEMS_DUE] || pv[M_ITEMS_CLOSED_ON_TIME] || pv[M_ITEMS_EFFECTIVE] || pv[M_ITEMS_OVERDUE])
        do_items(&c, pv);
    {
        unsigned char *ever = NULL;
        for (size_t i = 0; i < nitems && !ever; i++)
            if (sv[i][0]) {
                ever = ever_of(&c, CC_SPAN_EVER_SURVEY, sv_ever_sql);
                do_surveys(&c, sv, ever);
            }
        free(ever);
        ever = NULL;
        for (int d = 0; d < NDOMAIN; d++)
            if (as[d][0]) {
                if (!ever)
                    ever = ever_of(&c, CC_SPAN_EVER_ASSESS, as_ever_sql);
                do_assess(&c, d, as[d], ever);
            }
        free(ever);
    }

    for (size_t j = 0; j < nnames && !c.err; j++) {
        const double *v = refs[j].kind == 0 ? pv[refs[j].id]
                        : refs[j].kind == 1 ? sv[refs[j].id][refs[j].field]
                        : as[refs[j].id][refs[j].field];
        for (size_t i = 0; i < n; i++)
            out[i * nnames + j] = v[i];
    }

done:
    cc_span_win_close(&c.sw);
    for (int k = 0; k < M_NPLAIN; k++)
        free(pv[k]);
    for (size_t i = 0; i < nitems; i++)
        for (int f = 0; f < SV_NFIELD; f++)
            free(sv[i][f]);
    free(sv);
    for (int d = 0; d < NDOMAIN; d++)
        for (int f = 0; f < AS_NFIELD; f++)
            free(as[d][f]);
    free(refs);
    if (c.err)
        for (size_t i = 0; i < n * nnames; i++)
            out[i] = NAN;
    return c.err;
}

/* ---- prefetch: the week caches loaded before the windows, in two threads ---- */
/* The loads of the windows' sources are independent: the attendance rosters
 * (attend.c, with each window's counts) and each source of span.c are tasks
 * that two workers take in turn, longest first: this thread on s's
 * connection, and a helper thread on its own read-only connection to the
 * same file (in one read transaction).  Each task replays, for its source,
 * the loads the windows will ask for in their order, so the caches end as
 * computing the windows one by one would leave them, and the numbers are the
 * same. */
typedef struct {
    cc_store *s;                /* the caller's store (the caches' key) */
    const cc_config *cfg;
    const cc_span_pwin *sw;
    size_t ns;
    const cc_attend_pwin *aw;
    size_t na;
    int task[CC_SPAN_NTASK + 1];
    int ntask, next;
    pthread_mutex_t lock;
    cc_err err;
} prefetch;

/* -1: the attendance task */
static cc_err run_tasks(prefetch *p, cc_store *ls)
{
    cc_err e = CC_OK;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        int t = p->err || cc_interrupted || p->next >= p->ntask ? -2 : p->task[p->next++];
        pthread_mutex_unlock(&p->lock);
        if (t == -2)
            break;
        struct timespec t0, t1, c0, c1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
        e = t == -1 ? cc_attend_prefetch(p->s, ls, p->aw, p->na)
                    : cc_span_prefetch_task(ls, t, p->sw, p->ns);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
        if (getenv("CARECARD_PREFETCH_TRACE"))
            fprintf(stderr, "carecard: prefetch task %d on the %s connection: %.3f s, %.3f s CPU\n",
                    t, ls == p->s ? "main" : "helper",
                    (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
                    (c1.tv_sec - c0.tv_sec) + (c1.tv_nsec - c0.tv_nsec) / 1e9);
        if (e) {
            pthread_mutex_lock(&p->lock);
            if (!p->err)
                p->err = e;
            pthread_mutex_unlock(&p->lock);
            break;
        }
    }
    return e;
}

typedef struct {
    prefetch *p;
    cc_store *ls;
} worker;

static void *helper_main(void *arg)
{
    worker *w = arg;
    cc_err e = cc_span_prefetch_attach(w->ls);
    if (e) {
        pthread_mutex_lock(&w->p->lock);
        if (!w->p->err)
            w->p->err = e;
        pthread_mutex_unlock(&w->p->lock);
        return NULL;
    }
    run_tasks(w->p, w->ls);
    return NULL;
}

static int helper_interrupt(void *unused)
{
    (void)unused;
    return cc_interrupted != 0;
}

/* A read-only connection to s's file, in a read transaction; NULL when it
 * cannot be had (quietly: the work is then done in this thread). */
static cc_store *helper_open(cc_store *s)
{
    const char *file = sqlite3_db_filename(s->db, "main");
    sqlite3 *db = NULL;
    if (!file || !*file || sqlite3_open_v2(file, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                                           NULL) != SQLITE_OK) {
        sqlite3_close_v2(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 30000);
    sqlite3_progress_handler(db, 10000, helper_interrupt, NULL);
    sqlite3_extended_result_codes(db, 1);
    if (sqlite3_exec(db, "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-8192; BEGIN;"
                         " SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) != SQLITE_OK) {
        sqlite3_close_v2(db);
        return NULL;
    }
    cc_store *ls = cc_xcalloc(1, sizeof *ls);
    ls->db = db;
    ls->path = cc_xstrdup(s->path ? s->path : file);
    return ls;
}

cc_err cc_measures_prefetch(cc_store *s, const cc_config *cfg, const cc_measure_win *w, size_t n)
{
    const char *no = getenv("CARECARD_NO_PREFETCH");
    if ((no && *no && strcmp(no, "0")) || !cfg || !n)
        return CC_OK;
    cc_span_pwin *sw = cc_xcalloc(n, sizeof *sw);
    cc_attend_pwin *aw = cc_xcalloc(n, sizeof *aw);
    size_t ns = 0, na = 0;
    const cc_measure_win *first = NULL;
    for (size_t i = 0; i < n; i++) {
        const cc_units *u = w[i].units;
        if (u->n == 0)
            continue;
        uint32_t act = 0;
        unsigned need = 0, doms = 0, ever = 0, svany = 0;
        int att = 0, prev = 0, bad = 0;
        for (size_t j = 0; j < w[i].nnames && !bad; j++) {
            mref r = parse_name(cfg, w[i].names[j]);
            if (r.kind < 0)
                bad = 1;
            else if (r.kind == 1)
                svany = 1;
            else if (r.kind == 2)
                doms |= 1u << r.id;
            else if (r.id >= M_ACTIVITIES && r.id <= M_REPORTED)
                act |= UINT32_C(1) << (r.id - M_ACTIVITIES);
            else if (r.id == M_PARTNERS)
                need |= CC_SPAN_N_PART;
            else if (r.id >= M_PARTICIPANTS && r.id <= M_VOLUNTEERS_PREV) {
                att = 1;
                prev |= r.id == M_RETURNING || r.id == M_PREV_PARTICIPANTS ||
                        r.id == M_VOLUNTEERS_RETAINED || r.id == M_VOLUNTEERS_PREV;
            } else if (r.id == M_PROVIDERS || r.id == M_CERTIFIED)
                need |= CC_SPAN_N_PROV;
            else if (r.id == M_TRAINING_HOURS)
                need |= CC_SPAN_N_TRAIN, ever |= 1u << CC_SPAN_EVER_TRAINING;
            else if (r.id >= M_TB_DEPOSIT_HOURS && r.id <= M_TB_MEMBERS)
                need |= CC_SPAN_N_TB, ever |= 1u << CC_SPAN_EVER_TIMEBANK;
            else if (r.id >= M_FEEDBACK && r.id <= M_FEEDBACK_RESOLVED)
                need |= CC_SPAN_N_FB, ever |= 1u << CC_SPAN_EVER_FEEDBACK;
        }
        if (bad)            /* computing stops at this window with an error */
            break;
        if (svany)
            need |= CC_SPAN_N_SV, ever |= 1u << CC_SPAN_EVER_SURVEY;
        if (doms)
            ever |= 1u << CC_SPAN_EVER_ASSESS;
        if (!first)
            first = &w[i];
        sw[ns++] = (cc_span_pwin){cfg, w[i].from, w[i].to, act, need, doms, ever};
        if (att)
            aw[na++] = (cc_attend_pwin){u, u->n - 1, w[i].from, w[i].to, prev};
    }
    cc_err e = CC_OK;
    if (!first)
        goto out;
    prefetch p;
    memset(&p, 0, sizeof p);
    p.s = s;
    p.cfg = cfg;
    p.sw = sw;
    p.ns = ns;
    p.aw = aw;
    p.na = na;
    pthread_mutex_init(&p.lock, NULL);
    /* longest first (city week: attendance 1.9 s, surveys 0.9, activities
     * and partners 0.9, assessments 0.5, time bank 0.5) */
    if (na)
        p.task[p.ntask++] = -1;
    if (cc_span_prefetch_begin(s, cfg, first->units, first->units->n - 1, first->from, first->to)) {
        static const int order[] = {CC_SPAN_T_SV, CC_SPAN_T_ACT, CC_SPAN_T_AS, CC_SPAN_T_TB,
                                    CC_SPAN_T_FB, CC_SPAN_T_WHOLE};
        for (size_t t = 0; t < sizeof order / sizeof *order; t++)
            p.task[p.ntask++] = order[t];
    }
    /* a transaction open on s may hold changes another connection cannot
     * see: then every task runs here, on s */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    cc_store *ls = p.ntask > 1 && sqlite3_get_autocommit(s->db) ? helper_open(s) : NULL;
    worker hw = {&p, ls};
    pthread_t th;
    int threaded = ls && pthread_create(&th, NULL, helper_main, &hw) == 0;
    const char *only = getenv("CARECARD_PREFETCH_HELPER_ONLY");     /* tests: every task there */
    if (!threaded || !only || !*only || !strcmp(only, "0"))
        run_tasks(&p, s);
    if (threaded)
        pthread_join(th, NULL);
    e = p.err;
    if (ls) {
        sqlite3_close_v2(ls->db);
        free(ls->path);
        free(ls);
    }
    pthread_mutex_destroy(&p.lock);
    cc_span_prefetch_end();
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (getenv("CARECARD_PREFETCH_TRACE"))
        fprintf(stderr, "carecard: prefetch: %zu windows, %d tasks, %s: %.3f s\n", n, p.ntask,
                threaded ? "two threads" : "one thread",
                (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
out:
    free(sw);
    free(aw);
    return e;
}

cc_err cc_measures_data_range(cc_store *s, cc_day *from, cc_day *to)
{
    static const char sql[] =
        "SELECT min(lo), max(hi) FROM ("
        " SELECT min(date) AS lo, max(date) AS hi FROM activities"
        " UNION ALL SELECT min(date), max(date) FROM survey_responses"
        " UNION ALL SELECT min(date), max(date) FROM assessments"
        " UNION ALL SELECT min(date), max(date) FROM trainings"
        " UNION ALL SELECT min(date), max(date) FROM timebank"
        " UNION ALL SELECT min(received), max(received) FROM feedback)";
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    *from = 1;
    *to = 0;
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *a = (const char *)sqlite3_column_text(st, 0);
        const char *b = (const char *)sqlite3_column_text(st, 1);
        cc_day lo, hi;
        if (a && b && cc_parse_date(a, strlen(a), &lo) == CC_PARSE_OK
            && cc_parse_date(b, strlen(b), &hi) == CC_PARSE_OK) {
            *from = lo;
            *to = hi;
        }
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? CC_OK : cc_store_err(s, rc, "reading the data range");
}
