/* score/score_int.h — what the files of lib/score/ share with each other
 * and with nobody else: the state of one period of the history and the
 * steps of the scorecard (engine.c) done in the other files.
 *
 *   engine.c   cc_scorecard_compute: the flow, the result per unit, the scope
 *   period.c   one period: windows, measures, values, statuses, totals; prefetch
 *   weights.c  dimension and indicator weights of a period (fixed, AHP, entropy)
 *   level.c    names, levels and threshold scores, escalation, colours
 *   rank.c     ranks and TOPSIS closeness
 *   format.c   values and explanations as text, the movers
 *   record.c   the audit record (through store/: cc_store_audit_put)
 */
#ifndef CC_SCORE_INT_H
#define CC_SCORE_INT_H

#include "score/score.h"

#include <math.h>

/* Comparisons with target, yellow and red allow a relative tolerance of
 * 1e-9 (absolute below 1): a ratio that is 5 in exact arithmetic but
 * 4.999999999999999 in floating point is 5. */
static inline int cc_score_ge(double a, double b) { return a >= b - 1e-9 * fmax(1.0, fabs(b)); }

/* ---- one period (period.c) ---------------------------------------------------- */
/* One period of the history as computed: its units and, per unit and
 * indicator, values, raw statuses and scores; per unit, totals. Earlier
 * periods keep only what the result reads (cc_score_pstate_trim). */
typedef struct {
    cc_period per;
    int ok;                     /* computed */
    cc_units units;
    unsigned char *reported;    /* per community */
    size_t nind;
    double *val, *num, *den;    /* n * nind */
    double *score;
    unsigned char *st;          /* raw status (before escalation) */
    const char **why;
    double *total, *coverage;   /* n; total NAN for an unranked unit */
    unsigned char *unranked;    /* n: cc_unranked */
    double *dscore, *dcov;      /* n * CC_MAX_DIMS */
    double *eff;                /* n * nind: effective weight of the indicator in the total */
    double dimw[CC_MAX_DIMS];
    double *indw;               /* nind */
} cc_score_pstate;

void cc_score_pstate_release(cc_score_pstate *p);
/* Frees what the result does not need of earlier period k (see period.c). */
void cc_score_pstate_trim(cc_score_pstate *p, int k);
/* Computes period per into p (memset first; release with
 * cc_score_pstate_release).  ahp: the dimension weights when weights = ahp,
 * else NULL; notices: say when entropy weights fall back (period 0 only);
 * units: the period's units, loaded already (taken over), or NULL. */
cc_err cc_score_period_compute(cc_store *s, const cc_config *cfg, const cc_period *per,
                               cc_score_pstate *p, const cc_ahp_result *ahp, int notices, cc_units *units,
                               const unsigned char *kept, size_t klen);
/* The window values of a look-back's own periods, kept for the scorecard
 * that computes the same periods next (period.c): while filling, each
 * period computed keeps its values; a later computation of the same period
 * (same configuration, units and windows) takes them and computes the
 * items_* measures only.  has: per is kept (and will be taken).  clear
 * frees what was not taken. */
void cc_score_vmemo_fill(int on);
int cc_score_vmemo_has(const cc_config *cfg, const cc_period *per);
void cc_score_vmemo_clear(void);
/* Fills the measure caches for the first nk periods of the history
 * hist[CC_HISTORY] but those with skip[k] and loads their units into
 * units[] (caller releases them). */
cc_err cc_score_prefetch_history(cc_store *s, const cc_config *cfg, const cc_period *hist, int nk,
                                 const unsigned char *skip, cc_units *units);
/* ---- the window values kept in the database (ledger.c holds them for the
 * run; period.c writes and reads the blobs) ---------------------------------- */
/* Whether values are read from and kept in the database in this run. */
int cc_items_values_on(cc_store *s, const cc_config *cfg);
/* Whether values of period p are kept (computed earlier in the run or
 * stored); get: them (malloc'd; NULL when none). */
int cc_items_values_has(cc_store *s, const cc_config *cfg, const cc_period *p);
unsigned char *cc_items_values_get(cc_store *s, const cc_config *cfg, const cc_period *p, size_t *len);
/* Keep the values of period p, computed in this run (blob taken over). */
void cc_items_values_keep(const cc_period *p, unsigned char *blob, size_t len);
/* Inside a look-back's scorecard (ledger.c). */
int cc_items_in_lookback(void);

/* ---- weights (weights.c) ----------------------------------------------------- */
/* Weights of the period: fills p->dimw and p->indw (within each dimension,
 * summing to 1 per dimension). */
cc_err cc_score_period_weights(const cc_config *cfg, cc_score_pstate *p, const cc_ahp_result *ahp, int notices);

/* ---- escalation (level.c) ---------------------------------------------------- */
/* Status after escalation of indicator i for the unit at index idx[k] of period k. */
typedef struct {
    cc_status status;
    int run, rectify;
} cc_score_esc;

cc_score_esc cc_score_escalate(const cc_config *cfg, const cc_score_pstate *ps, const int *idx, size_t i,
                               int from_k);
/* The colour of status s (未报: yellow, red with 专项整治). */
cc_colour cc_score_colour(cc_status s, int rectify);

/* ---- text (format.c) --------------------------------------------------------- */
/* The explanation of cell c appended to b (nothing when met). */
void cc_score_explain(cc_buf *b, const cc_config *cfg, const cc_period *per, const cc_indicator *ind,
                      const cc_unit *unit, const cc_cell *c);

/* ---- ranks (rank.c) ---------------------------------------------------------- */
/* TOPSIS closeness of communities and streets when ranking = topsis. */
cc_err cc_score_methods(cc_store *s, const cc_config *cfg, cc_scorecard *sc);
/* rank and rank_in_area of every ranked unit. */
void cc_score_rank(cc_scorecard *sc);

/* ---- the data range (ledger.c) ---- */
/* cc_measures_data_range, read once between cc_items_memo_begin and _end
 * (nothing is written in between). */
cc_err cc_score_data_range(cc_store *s, cc_day *from, cc_day *to);

#endif
