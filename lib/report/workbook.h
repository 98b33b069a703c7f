/* workbook — the Excel workbooks people open (libxlsxwriter): the weekly,
 * monthly and quarterly reports of a street, the area or a community, the
 * ad-hoc scorecard workbook, and the report runs that write them with their
 * charts and warnings.csv.  Layout and columns: docs/reports/.
 *
 * Every file is written to a temporary name in its directory and renamed
 * into place; on failure nothing is left behind and an earlier file at the
 * same path is intact.  The same input gives byte-identical files (the
 * workbook's `created` property is the period's last day, 00:00 UTC).
 * Text cells are always written as strings, never as formulas.
 */
#ifndef CC_REPORT_WORKBOOK_H
#define CC_REPORT_WORKBOOK_H

#include "base/base.h"
#include "measure/measure.h"
#include "score/score.h"

typedef enum {
    CC_REPORT_WEEKLY, CC_REPORT_MONTHLY, CC_REPORT_QUARTERLY, CC_REPORT_SCORECARD
} cc_report_kind;

/* A survey item's answers by respondent role (满意度 and 数字包容 sheets). */
typedef struct {
    const cc_item *item;            /* borrowed from the config */
    const cc_answer_stats *roles;   /* [0] = all roles, then by role (borrowed) */
    size_t nroles;
    int indicator;                  /* config index of the indicator whose formula
                                     * uses the item (its levels apply), or -1 */
} cc_wb_item;

/* The weekly values of a monthly or quarterly report's 趋势 sheet: the ISO
 * weeks whose Thursday lies in the period, oldest first. */
typedef struct {
    size_t npoints;
    const char (*labels)[32];       /* period ids ("2026-W45") */
    /* values[(p * nunits + u) * (nind + 1) + i]: week p, unit u of sc->res,
     * indicator i in config order, i == nind the total score; NAN = none */
    const double *values;
} cc_wb_trend;

/* Everything one workbook shows.  All pointers are borrowed for the call. */
typedef struct {
    cc_report_kind kind;
    int lang_en;                    /* English labels */
    int personal;                   /* full names in 未覆盖困境儿童; file mode 0600 */
    const char *stamp;              /* "generated at" text (--stamp), NULL = none */
    const cc_scorecard *sc;         /* the period's scorecard */
    size_t scope;                   /* index in sc->units of the workbook's own unit */
    const size_t *rows; size_t nrows;   /* units listed in 总览, in rank order */
    /* 趋势 of a monthly/quarterly report; NULL: the last CC_HISTORY
     * periods of sc itself (weekly) */
    const cc_wb_trend *trend;
    const cc_quality *quality;      /* nrows entries (数据质量), NULL = sheet left out */
    const cc_plausibility *plaus; size_t nplaus;
    const cc_resources *resources;  /* nrows + 1 entries (the last = scope), NULL = no sheet */
    const cc_special_child *special; size_t nspecial;
    const cc_kano_row *kano; size_t nkano;
    const cc_wb_item *items; size_t nitems;   /* every configured item */
    const cc_input_file *files; size_t nfiles;
    const char *last_ingest;        /* NULL = never */
    size_t nreported, ncommunities; /* communities reported n/m */
    const char *charts[5];          /* PNG paths by cc_chart_kind, NULL = none */
    const cc_items *ritems;         /* rectification items of sc (整改跟踪), NULL = no sheet */
} cc_wb_input;

/* Write the workbook of `in` to path (atomically; mode 0600 with personal). */
cc_err cc_workbook_write(const char *path, const cc_wb_input *in);

/* The ad-hoc scorecard workbook (carecard scorecard --format xlsx --out FILE):
 * 总览, 指标明细, 预警清单, 指标说明 over every unit of sc.  s may be NULL (the
 * definitions sheet then lists no input files). */
cc_err cc_report_scorecard_xlsx(cc_store *s, const cc_scorecard *sc, const char *path,
                                int lang_en);

/* Replace every byte outside ASCII letters and digits, CJK characters, '-'
 * and '_' with '_' (so a file name built from input never leaves its
 * directory).  Caller frees. */
char *cc_safe_filename(const char *s);

/* The file name stem of a unit's workbook and charts: "<id>-<name>" made
 * safe (cc_safe_filename), at most CC_STEM_MAX bytes so that the longest name
 * built from it ("<stem>-heatmap.png.tmp.<pid>") stays within 255 bytes:
 * the ID is kept (an ID over 100 bytes is cut), the name is cut at a UTF-8
 * character boundary.  "_<8 hex digits of the ID's SHA-256>" follows the ID
 * when sanitising or cutting changed the ID, or when `hashed` (two units'
 * stems collide): different IDs then give different file names.  Caller frees. */
#define CC_STEM_MAX 200
char *cc_report_stem(const char *id, const char *name, int hashed);

/* ---- report runs (carecard report) ------------------------------------- */
typedef struct {
    cc_report_kind kind;            /* weekly, monthly or quarterly */
    cc_period period;
    const char *out_dir;            /* --out (default "reports") */
    const char *const *streets; size_t nstreets;          /* --street */
    const char *const *communities; size_t ncommunities;  /* --community */
    int personal, lang_en;
    int stamp;                      /* --stamp: a generated-at line with the clock */
    int threads;                    /* workers for the workbooks; 0 = the CPUs online, at most 4 */
    int progress;                   /* progress bar on stderr */
    int no_brief;                   /* --no-brief: no <scope>-简报.pdf/.png */
} cc_report_opts;

/* Write the report: <out>/<period>/<scope>.xlsx, charts/, and in a full run
 * all.xlsx, warnings.csv and the one-page briefs (<scope>-简报.pdf/.png); record the warnings for audit.  *not_reported
 * (may be NULL) gets the number of communities that did not report; their
 * ids are named on one stderr line.  CC_ERR_IO when a file cannot be
 * written (earlier reports are left intact). */
cc_err cc_report_run(cc_store *s, const cc_config *cfg, const cc_report_opts *o,
                     size_t *not_reported);

#endif
