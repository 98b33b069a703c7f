/* model — what is measured and when: periods and windows, the formula
 * language, the measure-name catalog, and indicators.ini.
 * Depends on base/ and text/ (dates).
 */
#ifndef CC_MODEL_H
#define CC_MODEL_H

#include "base/base.h"
#include "text/text.h"

/* ---- periods ------------------------------------------------------------ */
typedef enum { CC_PERIOD_WEEK, CC_PERIOD_MONTH, CC_PERIOD_QUARTER, CC_PERIOD_YEAR,
               CC_PERIOD_CUSTOM } cc_period_kind;

typedef struct {
    cc_period_kind kind;
    cc_day from, to;        /* inclusive */
    char id[32];            /* "2026-W47" "2026-11" "2026-Q4" "2026" "2026-11-01..2026-11-30" */
} cc_period;

/* "2026-W47" "2026-11" "2026-Q4" "2026Q4" "2026". CC_OK or CC_ERR_USAGE. */
cc_err cc_period_parse(const char *s, cc_period *out);
cc_period cc_period_custom(cc_day from, cc_day to);
/* The period containing day. */
cc_period cc_period_of(cc_period_kind kind, cc_day day);
/* The previous period of the same kind (custom: same length just before). */
cc_period cc_period_prev(const cc_period *p);
/* The last complete period of this kind that ends before today. */
cc_period cc_period_last_complete(cc_period_kind kind, cc_day today);
/* cc_iso_week (the ISO week of a day) is text/text.h's, with the calendar. */
/* 周/月/季度/期 (for explanations: 连续 2 周未达标) and 本周/本月/本季度/本期. */
const char *cc_period_unit_zh(cc_period_kind kind);
const char *cc_period_this_zh(cc_period_kind kind);
/* "week" "month" "quarter" "year" "custom". */
const char *cc_period_kind_name(cc_period_kind kind);

/* ---- windows ------------------------------------------------------------ */
typedef struct {
    char unit;              /* 0 = the report period; 'd' 'w' 'm' 'q' = last:N<unit> */
    int n;
} cc_window;

/* "period" | "last:13w" ...; CC_OK or CC_ERR_CONFIG. */
cc_err cc_window_parse(const char *s, cc_window *out);
/* The days the window covers for report period p: ends on p->to; when the
 * period is longer than the window, the period itself. */
void cc_window_range(const cc_window *w, const cc_period *p, cc_day *from, cc_day *to);
/* "period" or "last:13w" into out. */
void cc_window_format(const cc_window *w, char *out, size_t len);

/* ---- measure catalog (names only; measure/ computes them) --------------- */
typedef enum {
    CC_SRC_ACTIVITIES, CC_SRC_ATTENDANCE, CC_SRC_REGISTRY, CC_SRC_SURVEY,
    CC_SRC_ASSESSMENT, CC_SRC_PROVIDERS, CC_SRC_TRAININGS, CC_SRC_TIMEBANK,
    CC_SRC_FEEDBACK, CC_SRC_REPORTED,
    CC_SRC_LEDGER           /* the rectification items, recomputed from the data and the
                             * stored ledger entries (lib/score/ledger.c, measure/items.c) */
} cc_source;
/* Source of a measure name ("attended", "survey.parent_sat.top2",
 * "assess.social.pairs" ...), or -1 when the name is unknown. Survey item
 * names are not checked here (the config does that). */
int cc_measure_source(const char *name);
/* NULL-terminated list of the plain (non-survey, non-assess) measure names. */
extern const char *const cc_measure_names[];
extern const char *const cc_assess_domains[];   /* cognitive social emotion language motor, NULL */
/* "activities" "attendance" "communities" "surveys" ... (the input kind). */
const char *cc_source_name(cc_source src);
/* For "survey.<item>.<stat>": pointer to <item> inside name, its length in
 * *len; NULL for any other name. */
const char *cc_measure_survey_item(const char *name, size_t *len);

/* ---- formulas ----------------------------------------------------------- */
typedef struct cc_formula cc_formula;

#define CC_FORMULA_MAX_DEPTH 64     /* nested parentheses, unary minus, min/max */
#define CC_FORMULA_MAX_NODES 1024   /* numbers, names and operators */
#define CC_FORMULA_MAX_NAME  64     /* bytes in one measure name */

/* Parse once into a tree. On error returns NULL, sets *errcol (1-based,
 * in characters) and writes the reason to err (e.g. "expected ')'",
 * "formula too deep (more than 64 levels)"). Caller frees. */
cc_formula *cc_formula_parse(const char *src, int *errcol, char *err, size_t errlen);
void cc_formula_free(cc_formula *f);
/* The distinct measure names the formula uses, in order of first use. */
size_t cc_formula_nrefs(const cc_formula *f);
const char *cc_formula_ref(const cc_formula *f, size_t i);
/* The outermost operator is '/' (num/den of the result are meaningful). */
int cc_formula_has_division(const cc_formula *f);
/* The constant factor of the numerator of the outermost division
 * ("100 * tb_members / eligible_families" → 100), else 1. cc_formula_eval's
 * num is the numerator without it (the count: 25, not 2500). */
double cc_formula_scale(const cc_formula *f);
/* 1-based character column (in the formula text) of the first use of ref i. */
int cc_formula_ref_col(const cc_formula *f, size_t i);

typedef struct {
    double value;           /* NAN when missing */
    double num, den;        /* operands of the outermost division (NAN if none/missing);
                             * num without its constant factor (cc_formula_scale) */
    int has_division;       /* the formula's outermost operator is '/' */
    const char *why;        /* when missing: "division by zero", "missing measure 'x'"
                             * (static, or owned by the formula: valid while f lives) */
} cc_formula_result;
/* vals[i] is the value of cc_formula_ref(f, i); NAN = missing. */
void cc_formula_eval(const cc_formula *f, const double *vals, cc_formula_result *out);

/* ---- configuration (indicators.ini) ------------------------------------- */
typedef enum { CC_UNIT_PERCENT, CC_UNIT_NUMBER, CC_UNIT_PER1000, CC_UNIT_HOURS, CC_UNIT_RATIO } cc_unit_kind;
typedef enum { CC_HIGHER = 1, CC_LOWER = -1 } cc_direction;
typedef enum { CC_WEIGHTS_FIXED, CC_WEIGHTS_AHP, CC_WEIGHTS_ENTROPY } cc_weights_method;
typedef enum { CC_RANK_SCORE, CC_RANK_TOPSIS } cc_ranking_method;
typedef enum { CC_SCALE_LIKERT5, CC_SCALE_YESNO } cc_scale;

#define CC_MAX_DIMS 8

typedef struct {
    char *id;               /* as written in the file ("P4") */
    char *name, *name_en;
    int dim;                /* index into cc_config.dims, or -1 for "extra" */
    char *formula_src;
    cc_formula *formula;
    cc_unit_kind unit;
    cc_direction direction;
    double target, yellow, red, floor;
    double weight;          /* configured weight (default 1) */
    cc_window window;
    double min_n;           /* default 0 */
    int escalate_after;     /* default 2, 1..12 */
    int line;               /* line of the [section] in the file */
} cc_indicator;

typedef struct {
    char *id;               /* "parent_sat" */
    char *column;           /* question text, matched against survey_answers.question */
    cc_scale scale;
    char **roles; size_t nroles;   /* empty = all roles */
    char *group;            /* satisfaction | digital | culture | cohesion | NULL */
    int line;               /* line of the [item.x] section */
} cc_item;

typedef struct {
    char *id, *name, *functional, *dysfunctional;
    int line;               /* line of the [kano.x] section */
} cc_kano_feature;

typedef struct {
    char *path;
    unsigned char sha256[32];                /* of the file's bytes (cc_config_load) */
    int has_sha256;                          /* 0: built otherwise (tests) */
    cc_indicator *ind; size_t nind;          /* in file order */
    cc_item *items; size_t nitems;
    cc_kano_feature *kano; size_t nkano;
    char *dims[CC_MAX_DIMS]; size_t ndims;   /* [scorecard] dimensions, in order */
    double dim_weight[CC_MAX_DIMS];          /* [dimensions]; default equal */
    cc_weights_method weights;
    cc_ranking_method ranking;
    double grades[3];                        /* 优秀, 良好, 合格 lower bounds: 90 75 60 */
    double band_scores[2];                   /* scores at the yellow and red boundaries: 80 60 */
    double min_coverage;                     /* below it no total, grade or rank: 0.6 (0 = off) */
    int escalate_from;                       /* lowest band that starts 专项整治 after a run:
                                              * 1 blue, 2 yellow (default), 3 red */
    int has_ahp;
    double ahp[CC_MAX_DIMS][CC_MAX_DIMS];    /* [ahp] rows in dims order */
    int has_ahp_dim[CC_MAX_DIMS];            /* [ahp.<dimension>] given */
    double *ahp_dim[CC_MAX_DIMS];            /* n x n over that dimension's indicators (row-major) */
    int feedback_respond_days;               /* [feedback] respond_days, default 3 */
    int rect_days_red, rect_days_yellow;     /* [rectification] days_red / days_yellow, default 14 / 28 */
    double demand_rate;                      /* [resources] demand_rate, default 0.30 */
} cc_config;

/* Load and validate. Every problem is printed as "carecard: FILE:LINE: ..."
 * and counted; returns CC_OK or CC_ERR_CONFIG (cfg then released). */
cc_err cc_config_load(const char *path, cc_config *cfg);
/* flags: CC_CONFIG_PARTIAL accepts a file without indicator sections (the
 * method commands need only what they use, e.g. the [kano.*] features); what
 * is there is validated as usual. */
enum { CC_CONFIG_PARTIAL = 1u << 0 };
cc_err cc_config_load_flags(const char *path, unsigned flags, cc_config *cfg);
/* The same from memory (name is used in messages and kept as cfg->path);
 * data need not be NUL-terminated. */
cc_err cc_config_load_mem(const char *name, const char *data, size_t len, cc_config *cfg);
void cc_config_release(cc_config *cfg);
/* Lookups; -1 when absent. Section ids are matched case-insensitively. */
int cc_config_indicator(const cc_config *cfg, const char *id);
int cc_config_item(const cc_config *cfg, const char *id);
int cc_config_dim(const cc_config *cfg, const char *name);
/* 达标 thresholds helpers */
const char *cc_unit_name(cc_unit_kind u);          /* "percent" "number" ... */
const char *cc_direction_name(cc_direction d);     /* "higher" "lower" */
/* Name of dimension index dim ("extra" for -1). */
const char *cc_config_dim_name(const cc_config *cfg, int dim);
/* The indicator's formula uses a measure of this source. */
int cc_indicator_uses(const cc_indicator *ind, cc_source src);

#endif
