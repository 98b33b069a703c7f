/* span — the week cache of the measures other than attendance (activities,
 * partners, time bank, feedback, surveys, assessments, providers and
 * trainings).  Internal to measure/: measure_read.c asks it first and reads the
 * window directly (its SQL, the reference) when it declines.
 *
 * On between cc_measures_span_begin and cc_measures_span_end (measure.h).
 * While on, a window made of whole weeks (Monday to Sunday, at most 64 weeks
 * back from the newest week of the first window asked) is answered from
 * per-(community, week) aggregates read from the database once per week;
 * the providers table and the trainings of those 64 weeks are read once.
 * Over its memory budget the cache drops everything and declines every
 * window after that.
 */
#ifndef CC_SPAN_H
#define CC_SPAN_H

#include "measure/measure.h"

/* One window of one cc_measures_compute call. */
typedef struct {
    int on;                 /* the window can be answered from the cache */
    uint64_t mask;          /* its weeks (bit i: the week starting top - 7 i) */
    cc_day from, to;
    const cc_units *units;
    size_t area;
    const cc_config *cfg;
    long *cmap;             /* cache community -> community index, -1 = not a unit */
} cc_span_win;

void cc_span_win_open(cc_store *s, const cc_config *cfg, const cc_units *units, size_t area,
                      cc_day from, cc_day to, cc_span_win *w);
void cc_span_win_close(cc_span_win *w);

/* Each returns 1 when it filled its columns from the cache, 0 when the caller
 * must read the window itself (cache off or dropped, window not whole weeks,
 * a row the cache cannot place); a database error is put in *err (and 0
 * returned).  Columns are units->n doubles, NAN-filled by the caller; NULL =
 * not wanted.  "Community" columns are filled for communities only, with the
 * values of the direct query (NAN where it has no group or a NULL). */

/* act: the columns of measure_read.c's act_sql in order (activities .. reported);
 * reported is 1 where the community has rows, else left NAN. */
int cc_span_activities(cc_store *s, cc_span_win *w, double *const *act, cc_err *err);
/* distinct partners of completed sessions, every level (0 with sessions that
 * name none) */
int cc_span_partners(cc_store *s, cc_span_win *w, double *v, cc_err *err);
/* deposit / redeem hours (community), distinct members (every level) */
int cc_span_timebank(cc_store *s, cc_span_win *w, double *dep, double *red, double *members,
                     cc_err *err);
/* feedback count, timely, resolved (community) */
int cc_span_feedback(cc_store *s, cc_span_win *w, double *cnt, double *timely, double *resolved,
                     cc_err *err);
/* professional providers active at the window's end, certified (community) */
int cc_span_providers(cc_store *s, cc_span_win *w, double *prov, double *cert, cc_err *err);
/* training hours of professional providers active at the window's end */
int cc_span_trainings(cc_store *s, cc_span_win *w, double *hours, cc_err *err);
/* survey items: sv[i][0..3] = n, sum, top2, yes of item i (community), for
 * the items with sv[i][0] != NULL */
int cc_span_surveys(cc_store *s, cc_span_win *w, double *(*sv)[4], cc_err *err);
/* assessment domain dom (0..4 as in measure_int.h): pairs, pre_sum, post_sum at
 * every level (earliest pre and latest post per unit and participant) */
int cc_span_assess(cc_store *s, cc_span_win *w, int dom, const char *domain, double *const *fv,
                   cc_err *err);

/* Which communities of the window's units ever had a row of a kind: a new
 * array of units->ncomm bytes (caller frees), or NULL when the caller must
 * ask the database. */
enum { CC_SPAN_EVER_SURVEY, CC_SPAN_EVER_ASSESS, CC_SPAN_EVER_TIMEBANK, CC_SPAN_EVER_FEEDBACK,
       CC_SPAN_EVER_TRAINING, CC_SPAN_NEVER };
unsigned char *cc_span_ever(cc_store *s, cc_span_win *w, int kind, cc_err *err);

/* Nonzero while the cache is on for s: the same number from its
 * cc_measures_span_begin to its end, a new one the next time (measure.c
 * keeps temp.cc_map between windows of the same units within one). */
unsigned cc_span_bracket(cc_store *s);

/* How many source windows the cache has answered since the process began
 * (for tests). */
unsigned long cc_span_hits(void);

/* Prefetch (measure_prefetch.c's cc_measures_prefetch): before a list of windows is
 * computed, the loads each of them would ask for, in the same order per
 * source (so the cache ends up exactly as the windows would leave it), as
 * independent tasks that two threads may run at once, each on its own
 * connection.  begin (main thread, main connection) starts the cache as the
 * list's first window does (0: cache off, nothing to prefetch); attach
 * creates temp.cc_span on another connection; end (after every task is
 * done) checks the budget. */
enum { CC_SPAN_N_PART = 1, CC_SPAN_N_TB = 2, CC_SPAN_N_FB = 4, CC_SPAN_N_SV = 8,
       CC_SPAN_N_PROV = 16, CC_SPAN_N_TRAIN = 32 };
typedef struct {
    const cc_config *cfg;
    cc_day from, to;
    uint32_t act;           /* activity measures asked (bit i: act column i) */
    unsigned need;          /* CC_SPAN_N_* */
    unsigned doms;          /* assessment domains asked (bit d) */
    unsigned ever;          /* the "ever" sets asked (bit CC_SPAN_EVER_*) */
} cc_span_pwin;
enum { CC_SPAN_T_ACT, CC_SPAN_T_SV, CC_SPAN_T_AS, CC_SPAN_T_TB, CC_SPAN_T_FB, CC_SPAN_T_WHOLE,
       CC_SPAN_NTASK };
int cc_span_prefetch_begin(cc_store *s, const cc_config *cfg, const cc_units *units, size_t area,
                           cc_day from, cc_day to);
cc_err cc_span_prefetch_attach(cc_store *ls);
cc_err cc_span_prefetch_task(cc_store *ls, int task, const cc_span_pwin *w, size_t n);
void cc_span_prefetch_end(void);

#endif
