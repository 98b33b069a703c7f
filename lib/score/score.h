/* score — indicator values, levels, escalation, scores, weights and ranking:
 * the balanced scorecard.  Also the evaluation methods (AHP, entropy, TOPSIS)
 * and the KANO model, used both by the scorecard and by the standalone
 * commands.  Depends on measure/ and everything to its left.
 */
#ifndef CC_SCORE_H
#define CC_SCORE_H

#include "base/base.h"
#include "measure/measure.h"
#include "model/model.h"
#include "store/store.h"

#include <math.h>

/* ---- evaluation methods (pure functions, no database) ------------------ */
typedef struct {
    size_t n;
    double *weights;        /* n, sums to 1 (caller frees the struct with cc_ahp_release) */
    double lambda_max, ci, ri, cr;
    int consistent;         /* cr < 0.10 */
} cc_ahp_result;
/* m: n x n row-major pairwise matrix. Validates (positive, reciprocal within
 * 1e-6 relative, entries in [1/9, 9], diagonal 1); on a structural error
 * returns CC_ERR_DATA and writes the reason to err. Inconsistency (CR >= 0.10)
 * is not an error here: check res->consistent. */
cc_err cc_ahp(const double *m, size_t n, cc_ahp_result *res, char *err, size_t errlen);
/* The same; names (n strings, may be NULL) label rows and columns in err:
 * "row 'growth', column 'process' (3) and ... are not reciprocal". */
cc_err cc_ahp_named(const double *m, size_t n, const char *const *names,
                    cc_ahp_result *res, char *err, size_t errlen);
void cc_ahp_release(cc_ahp_result *r);
double cc_ahp_ri(size_t n);             /* Saaty (1980) RI table, n = 1..15 */
/* When cfg->weights = ahp: the dimension weights from [ahp] into dims_out
 * (may be NULL; caller releases), and every [ahp.<dimension>] checked too.
 * A structural error or CR >= 0.10 is printed as
 * "carecard: indicators.ini: [ahp] matrix is inconsistent: CR = 0.1234 ≥ 0.10"
 * and returns CC_ERR_CONFIG. Other weight methods: CC_OK, dims_out->n = 0. */
cc_err cc_config_check_weights(const cc_config *cfg, cc_ahp_result *dims_out);

/* Entropy weights of the columns of an m x n decision matrix x (row-major,
 * NAN = missing: that cell's row is left out of that column).
 * cost[j] != 0: smaller is better. raw != 0: p = x / sum x instead of min-max.
 * weights and entropy: n doubles each (caller-allocated).
 * A constant column has entropy 1 and weight 0; when every column is constant
 * the weights are equal. Returns CC_ERR_DATA when a column has fewer than 2
 * values (its entropy NAN, every weight NAN: the caller falls back to fixed
 * weights), or with raw when a value is negative (printed). */
cc_err cc_entropy(const double *x, size_t m, size_t n, const int *cost, int raw,
                  double *weights, double *entropy);

/* TOPSIS: closeness of each of m rows over n columns with weights w.
 * cost[j] != 0: smaller is better. NAN cells leave that column out of the
 * row's distances and of the column's normalisation. Outputs m doubles each,
 * rank 1 = best (ties: lower row index first; closeness compared at 12
 * decimals). A row without any value: closeness/d_plus/d_minus NAN, rank 0. */
cc_err cc_topsis(const double *x, size_t m, size_t n, const double *w, const int *cost,
                 double *closeness, double *d_plus, double *d_minus, int *rank);

/* A named matrix read from CSV for the method commands: the header names
 * the columns (its first cell is ignored), the first column names the rows.
 * Empty cells are NAN; fractions != 0 accepts "1/3". Errors are printed as
 * "carecard: FILE:LINE: ..." (CC_ERR_DATA, CC_ERR_IO). Caller releases. */
typedef struct {
    size_t m, n;
    char **rows;            /* m names */
    char **cols;            /* n names, distinct */
    double *x;              /* m x n row-major */
} cc_matrix;
cc_err cc_matrix_load(const char *path, int fractions, cc_matrix *mx);
void cc_matrix_release(cc_matrix *mx);

/* ---- KANO -------------------------------------------------------------- */
/* cc_kano_cat, cc_kano_classify and cc_kano_letter (the evaluation table):
 * measure/survey.h. */
typedef struct {
    const cc_kano_feature *feature;       /* borrowed from the config */
    long counts[6];                       /* by cc_kano_cat */
    cc_kano_cat category;                 /* most frequent; ties M > O > A > I > R > Q */
    double better, worse;                 /* NAN when A+O+M+I = 0 */
    int priority;                         /* 1 = improve first */
    /* A feature without any answer gets category Q and better/worse NAN
     * (NAN sorts after numbers within a category). */
} cc_kano_row;
/* Fill category/better/worse from counts, then sort rows by priority
 * (M, O, A, I, then R, Q; within a category |worse| desc, then better desc)
 * and number them. */
void cc_kano_finish(cc_kano_row *rows, size_t n);
/* The KANO counts of a survey file read directly (carecard kano): for each
 * cfg->kano[k], present[k] = both its questions are columns of the header
 * (cc_question_strip), rows[k].counts the classified answer pairs of every
 * row (feature, category, priority left to the caller: cc_kano_finish).
 * unparsed: pairs with an answer that cannot be read.  Errors printed:
 * CC_ERR_IO (cannot open), CC_ERR_DATA (bad CSV, empty, no feature's
 * questions in the header).  rows and present: cfg->nkano entries. */
cc_err cc_kano_file(const char *path, const cc_config *cfg, cc_kano_row *rows, int *present, long *unparsed);
/* The answer parsers (cc_kano_answer, cc_likert_answer, cc_yesno_answer) are
 * value parsers: see lib/text/text.h. */
/* The KANO table of the configured features over the surveys of filter f
 * (measure/survey.h): rows gets cfg->nkano entries (caller frees), finished
 * and in priority order. unparsed (may be NULL): pairs with an answer that
 * could not be read. */
cc_err cc_kano_collect(cc_store *s, const cc_config *cfg, const cc_survey_filter *f,
                       cc_kano_row **rows, long *unparsed);

/* ---- the scorecard ------------------------------------------------------ */
typedef enum { CC_ST_MET, CC_ST_BLUE, CC_ST_YELLOW, CC_ST_RED,
               CC_ST_MISSING, CC_ST_INSUFFICIENT, CC_ST_NOT_REPORTED } cc_status;
typedef enum { CC_COL_MET, CC_COL_BLUE, CC_COL_YELLOW, CC_COL_RED, CC_COL_GREY } cc_colour;
typedef enum { CC_CHG_NONE, CC_CHG_NEW, CC_CHG_CONTINUING, CC_CHG_RESOLVED } cc_change;

const char *cc_status_name(cc_status s);   /* "met" "blue" ... "not_reported" */
const char *cc_status_zh(cc_status s);     /* 达标 蓝 黄 红 无数据 样本不足 未报 */
const char *cc_colour_name(cc_colour c);   /* "met" "blue" "yellow" "red" "grey" */
const char *cc_change_name(cc_change c);   /* NULL "new" "continuing" "resolved" */
const char *cc_change_zh(cc_change c);     /* "" 新增 持续 已解除 */
/* Why a unit has no total, grade or rank (indicators.md "Scores"). */
typedef enum { CC_UNRANKED_NONE, CC_UNRANKED_COVERAGE, CC_UNRANKED_NOT_REPORTED } cc_unranked;
const char *cc_unranked_name(cc_unranked u);   /* NULL "coverage" "not_reported" */
const char *cc_unranked_zh(cc_unranked u);     /* "" 覆盖不足 未报 */

/* The band of value v: CC_ST_MET, _BLUE, _YELLOW or _RED.  Comparisons with
 * target, yellow and red allow a relative tolerance of 1e-9. */
cc_status cc_indicator_level(const cc_indicator *ind, double v);
/* The threshold score of value v, 0..100 (indicators.md "Scores"): 100 at
 * the target, band[0] at the yellow and band[1] at the red boundary, 0 at
 * the floor, linear in between (mirrored for direction lower); the score
 * always lies in the band of cc_indicator_level (met 100, blue band[0]..100,
 * yellow band[1]..band[0], red 0..band[1]). */
double cc_indicator_score(const cc_indicator *ind, const double band[2], double v);

/* Is this status a warning (blue, yellow, red, not_reported)? */
int cc_status_is_warning(cc_status s);

#define CC_HISTORY 12      /* periods kept: this one and 11 before it */

typedef struct {
    double value, num, den;  /* NAN when none */
    double score;            /* 0..100, NAN when no value */
    cc_status status;        /* the value's band (never changed by escalation), or grey / 未报 */
    cc_colour colour;        /* the band's colour; 未报 yellow, red with 专项整治 */
    int run;                 /* consecutive periods missed, this one included (0..12) */
    int rectify;             /* 专项整治: run >= escalate_after and band >= escalate_from */
    cc_change change;
    cc_status prev_status;
    double prev_value;       /* 上期值, NAN when none */
    const char *explanation; /* "" when met; in the unit's buffer (cc_unit_result.text) */
    const char *why;         /* reason for a missing value (static) */
    /* the cell's history: cc_cell_hist, cc_cell_hist_st */
} cc_cell;

typedef struct {
    cc_unit unit;            /* owned copy */
    int reported;            /* community: had activity rows this period */
    double total;            /* NAN when no dimension has a value, or unranked */
    double coverage;         /* share of the scorecard's weight with values */
    cc_unranked unranked;    /* why there is no total, grade or rank */
    const char *grade;       /* 优秀 良好 合格 不合格, NULL without total */
    int rank, rank_in_area;  /* 0 = not ranked */
    double closeness;        /* TOPSIS closeness when ranking = topsis, else NAN */
    double dim_score[CC_MAX_DIMS], dim_coverage[CC_MAX_DIMS];
    double prev_total;       /* NAN when none */
    double total_hist[CC_HISTORY];
    int hidx[CC_HISTORY];    /* the unit's row in the scorecard's history tables of
                              * period k (hist_val, hist_st), -1 when none */
    int warnings[4];         /* counts by colour: [CC_COL_BLUE], [CC_COL_YELLOW], [CC_COL_RED] */
    int nrectify;            /* warnings marked 专项整治 */
    cc_cell *cells;          /* cfg->nind cells, config order */
    char *text;              /* the cells' explanations, one after the other (owned) */
    /* score attribution: contribution of each indicator to total - prev_total */
    double *contrib;         /* cfg->nind, NAN when not computable */
    double contrib_coverage; /* effect of coverage changes */
} cc_unit_result;

typedef struct {
    const cc_config *cfg;    /* borrowed */
    cc_period period;
    cc_period hist_period[CC_HISTORY];   /* hist_period[0] = period */
    cc_units units;          /* owned */
    cc_unit_result *res;     /* units.n entries, same order as units.u */
    /* The history, held once for all units (not copied into every cell):
     * period k's values and raw statuses, a row of nind per unit of that
     * period (cc_unit_result.hidx[k]); hist_st[k] NULL when period k was
     * not computed. Owned; read through cc_cell_hist and cc_cell_hist_st. */
    double *hist_val[CC_HISTORY];
    unsigned char *hist_st[CC_HISTORY];
    double dim_weight[CC_MAX_DIMS];      /* effective */
    double *ind_weight;      /* effective weight of each indicator within its dimension (sums to 1 per dim) */
    cc_ahp_result ahp;       /* when weights = ahp */
    size_t nnot_reported;    /* communities with reported = 0 */
    /* KANO table of the scope's survey responses in the period (priority
     * order), when the period is a quarter or the responses hold KANO pairs;
     * NULL / 0 otherwise. */
    cc_kano_row *kano; size_t nkano;
} cc_scorecard;

typedef struct {
    const char *const *streets; size_t nstreets;         /* empty = all */
    const char *const *communities; size_t ncommunities; /* empty = all */
} cc_scope;

/* Compute the scorecard of period p. Units outside the scope are still
 * computed where the area or a street needs them but are left out of res.
 * Caller frees with cc_scorecard_free. */
cc_err cc_scorecard_compute(cc_store *s, const cc_config *cfg, const cc_period *p,
                            const cc_scope *scope, cc_scorecard **out);
void cc_scorecard_free(cc_scorecard *sc);
/* The value of indicator i of result r, k periods back (k = 0: this period,
 * the cell's value; NAN when none), and its raw status (cc_status;
 * CC_ST_MISSING for a period not computed, before the data or without the
 * unit). */
static inline double cc_cell_hist(const cc_scorecard *sc, const cc_unit_result *r, size_t i, int k)
{
    return r->hidx[k] >= 0 ? sc->hist_val[k][(size_t)r->hidx[k] * sc->cfg->nind + i] : NAN;
}
static inline unsigned char cc_cell_hist_st(const cc_scorecard *sc, const cc_unit_result *r, size_t i, int k)
{
    return r->hidx[k] >= 0 && sc->hist_st[k] ? sc->hist_st[k][(size_t)r->hidx[k] * sc->cfg->nind + i]
                                             : (unsigned char)CC_ST_MISSING;
}
/* A value formatted by unit for explanations and tables: percent "62.5%"
 * (one decimal), ratio up to 3 decimals, others up to 2 (trailing zeros
 * dropped); "—" for NAN. */
void cc_format_value(char *out, size_t len, cc_unit_kind unit, double v);
/* The same for a value of indicator ind, with more decimals (up to 4) when
 * the rounded value would read the same as a boundary (target, yellow, red)
 * it is not at: "9.98%", never "10.0%" for a value that failed 10.0%. */
void cc_format_indicator_value(char *out, size_t len, const cc_indicator *ind, double v);
/* The decimals that formatting uses (percent: decimals of the percentage). */
int cc_value_decimals(const cc_indicator *ind, double v);
/* 处置 of a cell: 专项整治 (escalated), 督促报送 (未报), 限期整改 (red, yellow),
 * 关注 (blue), "" otherwise. */
const char *cc_cell_action_zh(const cc_cell *c);
/* The three indicators that moved the unit's total most since the previous
 * period ("P4 −3.1，R1 +2.0，C4 −1.2"), or "" when not computable.
 * Caller frees. */
char *cc_scorecard_movers(const cc_scorecard *sc, size_t unit);

/* Data range (indicators.md): CC_OK when period p overlaps the data;
 * otherwise prints "carecard: 2026-W49 has no data: the database holds
 * 2026-06-01 … 2026-11-22; ..." naming the period of p's kind that holds the
 * last (or first) data, and returns CC_ERR_DATA.  Reports, scorecards and
 * warnings runs call it before computing anything. */
cc_err cc_scorecard_check_range(cc_store *s, const cc_period *p);

/* ---- the rectification ledger (ledger.md; lib/score/ledger.c) ---------- */
typedef enum { CC_IS_OPEN, CC_IS_OVERDUE, CC_IS_CLAIMED, CC_IS_EFFECTIVE, CC_IS_NOT_EFFECTIVE,
               CC_IS_RESOLVED, CC_IS_COUNT } cc_item_state;
const char *cc_item_state_zh(cc_item_state s);    /* 整改中 逾期 待验证 已见效 未见效 已解除 */
const char *cc_item_state_name(cc_item_state s);  /* in_progress overdue claimed effective not_effective resolved */
/* Is the state open (整改中, 逾期, 待验证, 未见效)? */
int cc_item_state_open(cc_item_state s);

/* One rectification item: a community x indicator run of misses that
 * needed action (处置 专项整治 or 限期整改), found in the scorecard's history.
 * k indexes are history indexes (0 = the report period). */
typedef struct {
    char id[96];             /* <community_id>-<indicator_id>-<first period of the run> */
    size_t unit, ind;        /* sc->res index (a community), cfg indicator index */
    int first_k, open_k;     /* the run's first period; the period it first needed action */
    int end_k;               /* the period in which the run ended, -1 while it goes on */
    int red;                 /* opened red or 专项整治: deadline of days_red */
    cc_day opened_to;        /* the last day of period open_k */
    cc_day deadline;         /* opened_to + days */
    cc_day done;             /* 完成日期 of an entry 已完成, -1 */
    cc_day closed;           /* day closed (已见效: 完成日期; 已解除: the last day of the
                              * period the run ended in), -1 while open */
    cc_item_state state;
    int shown;               /* open, or closed within the report period: a ledger row */
    const cc_ledger_entry *entry;  /* borrowed from the entries given, NULL */
} cc_ritem;
typedef struct {
    cc_ritem *v; size_t n;    /* by community (sc->res order), then indicator, then age */
} cc_items;
/* The items of every community of sc whose run has a miss in its history,
 * with their states at the end of sc->period given the stored entries e
 * (sorted by item_id, as cc_store_ledger_entries returns them; borrowed
 * while out lives).  A run that may have begun before the history is
 * followed back (earlier scorecards of s, twelve periods at a time, for
 * those communities only) to its first period, which names it.  Caller
 * releases out (also on error). */
cc_err cc_items_compute(cc_store *s, const cc_scorecard *sc, const cc_ledger_entry *e, size_t ne,
                        cc_items *out);
void cc_items_release(cc_items *it);
/* The id of the run's first period (首次预警): the last part of t->id. */
const char *cc_ritem_first(const cc_ritem *t, const cc_scorecard *sc);
/* The item of the current run of unit x indicator (the run goes on in the
 * report period), or NULL. */
const cc_ritem *cc_items_current(const cc_items *it, size_t unit, size_t ind);
/* The items of unit (sc->res index): it->v[*lo] up to it->v[*hi], *hi
 * excluded (*lo == *hi: none).  A binary search: a street's workbook finds
 * its communities' items without walking every item of the run. */
void cc_items_of(const cc_items *it, size_t unit, size_t *lo, size_t *hi);
/* Summary over the items of the communities units[0..nunits) (sc->res
 * indexes): counts of shown items per state, items closed, closed on or
 * before their deadline, median days from the opening period's last day to
 * the day closed (NAN without any). */
typedef struct {
    long count[CC_IS_COUNT];
    long closed, on_time;
    double median_days;
} cc_items_summary;
void cc_items_summarise(const cc_items *it, const size_t *units, size_t nunits,
                        cc_items_summary *out);

/* Replace the audit record of this period's warnings for the units in sc. */
cc_err cc_scorecard_record(cc_store *s, const cc_scorecard *sc);

/* ---- the configured weights (weights.c) ----------------------- */
/* The weights of cfg before any period's data, as a scorecard starts from
 * them: dimw[d] (CC_MAX_DIMS, 0 past cfg->ndims) from the [ahp] result ahp
 * when weights = ahp (ahp from cc_config_check_weights), else [dimensions]
 * over their sum (equal when it is 0); indw[i] (cfg->nind) within its
 * dimension, from [ahp.<dimension>] when weights = ahp and the section is
 * given, else the indicator's weight over its dimension's sum (0 when that
 * is 0).  With weights = entropy each period replaces indw from its data
 * (cc_scorecard_compute; the definitions sheet shows them). */
void cc_config_weights(const cc_config *cfg, const cc_ahp_result *ahp, double *dimw, double *indw);

/* ---- the measures items_* (ledger.c) ---- */
/* What cc_items_prepare installed for one scorecard (hist: its CC_HISTORY
 * periods): the weekly items whose deadline can fall in the windows of the
 * indicators using items_*, found in the weekly history (and further back
 * where a run began before it) and the stored entries, installed into
 * measure/items.c.  Nothing when no indicator uses them, or inside the
 * scorecards of a look-back (they never need them).  cc_items_finish puts
 * back what was installed before and frees it.  Called by
 * cc_scorecard_compute. */
typedef struct {
    int on;                     /* prepared: finish puts `was` back */
    const cc_item_dues *was;
    cc_item_dues *dues;
    char **ids; size_t nids;
    int vmemo;                  /* the look-back kept the scorecard's own periods' values */
} cc_items_prep;
cc_err cc_items_prepare(cc_store *s, const cc_config *cfg, const cc_period *hist, cc_items_prep *out);
void cc_items_finish(cc_items_prep *p);

/* ---- look-back memo (ledger.c) ---- */
/* Between cc_items_memo_begin(s) and cc_items_memo_end() (one thread, one
 * configuration), the raw statuses of the scorecards that items look back
 * to are kept, and a look-back already known is not computed again: a
 * report's scorecards (a quarter's and its trend's weeks) look back to the
 * same weeks.  Nested pairs are counted; the outer end frees the memo. */
void cc_items_memo_begin(cc_store *s);
void cc_items_memo_end(void);

/* ---- a shorter history (engine.c) ---- */
/* cc_scorecard_compute with only the first nhist (1 .. CC_HISTORY) periods
 * of the history computed: the others are as periods before the data
 * (no value, no status, not in a run).  The values of the computed periods
 * are those of the full scorecard; a trend that reads hist[0] only of a
 * scorecard asks for 1. */
cc_err cc_scorecard_compute_n(cc_store *s, const cc_config *cfg, const cc_period *p,
                              const cc_scope *scope, int nhist, cc_scorecard **out);

#endif
