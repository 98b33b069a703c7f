/* measure_int — internals shared by lib/measure/measure*.c (not part of the
 * API): the plain measures, the context of one window and the small helpers
 * every source uses.  Functions shared between the files are prefixed cc_ms_
 * so the library exports nothing outside cc_; the helpers are static inline.
 */
#ifndef CC_MEASURE_INT_H
#define CC_MEASURE_INT_H

#include "store/db.h"
#include "measure/measure.h"
#include "measure/attend.h"
#include "measure/span.h"

#include <math.h>
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

/* The assessment domains, in the order of the assess.<domain>.* measures. */
extern const char *const cc_ms_domains[];
#define NDOMAIN 5

enum { SV_N, SV_SUM, SV_TOP2, SV_YES, SV_NFIELD };
enum { AS_PAIRS, AS_PRE_SUM, AS_POST_SUM, AS_NFIELD };

typedef struct {
    int kind;               /* 0 plain, 1 survey, 2 assess, -1 unknown */
    int id;                 /* plain: M_*; survey: item index; assess: domain index */
    int field;
} mref;

/* A measure's name in the catalog (measure.c); kind -1 when unknown. */
mref cc_ms_parse_name(const cc_config *cfg, const char *name);

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

static inline sqlite3_stmt *prep(ctx *c, const char *sql)
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

static inline int step(ctx *c, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc != SQLITE_DONE && !c->err)
        c->err = cc_store_err(c->s, rc, "computing measures");
    return 0;
}

static inline double col(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

static inline double *newcol(size_t n)
{
    double *v = cc_xmalloc(n * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = NAN;
    return v;
}

/* Street and area values of an additive measure: the sum of the values of
 * its communities that have one; missing when none has. */
static inline void roll_up(ctx *c, double *v)
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
static inline void zero_fill(ctx *c, const unsigned char *ever, double *v)
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
static inline int span(ctx *c, int served, cc_err e)
{
    if (e && !c->err)
        c->err = e;
    return served && !c->err;
}

/* Which communities ever had a row of this kind: sql selects cidx. */
static inline unsigned char *ever_rows(ctx *c, const char *sql)
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
static inline unsigned char *ever_of(ctx *c, int kind, const char *sql)
{
    cc_err e = CC_OK;
    unsigned char *r = c->err ? NULL : cc_span_ever(c->s, &c->sw, kind, &e);
    if (e && !c->err)
        c->err = e;
    if (r)
        return r;
    return ever_rows(c, sql);
}

static inline void bind_window(sqlite3_stmt *st, const ctx *c)
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
static inline void fill(ctx *c, const char *sql, double **cols, int ncols)
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

/* ---- the sources, read directly (measure_read.c) ---- */
/* Each fills the columns of pv it computes (NULL = not wanted; NAN-filled by
 * the caller) for every unit of c, from span.c's week cache when it answers,
 * else with its SQL.  Errors go to c->err. */
void cc_ms_activities(ctx *c, double **pv);          /* M_ACTIVITIES .. M_REPORTED */
void cc_ms_partners(ctx *c, double *v);
void cc_ms_attendance(ctx *c, double **pv);          /* M_PARTICIPANTS .. M_VOLUNTEERS_PREV */
void cc_ms_registry(ctx *c, double **pv);            /* M_POPULATION .. M_MONTHLY_INCOME */
void cc_ms_providers(ctx *c, double **pv);           /* providers, certified, training_hours */
void cc_ms_timebank(ctx *c, double **pv);
void cc_ms_feedback(ctx *c, double **pv);
/* survey.<item>.<field> for the items with sv[i][0], and assess.<domain>.<field>
 * for the domains with as[d][0] (cfg->nitems rows, NDOMAIN rows). */
void cc_ms_surveys_assess(ctx *c, double *(*sv)[SV_NFIELD], double *(*as)[AS_NFIELD]);

#endif
