/* workbook_int — what the workbook files share (workbook.c, workbook_*.c,
 * ledger_sheet.c) and the report run and brief use: colours, the sheet
 * wrapper, labels, the sheets.  Internal names start cc_wb_; not exported
 * beyond lib/report. */
#ifndef CC_REPORT_WORKBOOK_INT_H
#define CC_REPORT_WORKBOOK_INT_H

#include "report/report.h"
#include <xlsxwriter.h>

/* Colours of docs/reports/weekly.md and docs/charts.md (0xRRGGBB). */
#define CC_WB_RED    0xD9383A
#define CC_WB_YELLOW 0xF2B134
#define CC_WB_BLUE   0x3A78D9
#define CC_WB_MET    0x4CA36B
#define CC_WB_GREY   0xB0B0B0
/* Grades 优秀 良好 合格 不合格: the charts' palette (lib/report/chart_int.h). */
#define CC_WB_GRADE_1 0x2E7D4F
#define CC_WB_GRADE_2 0x7CBF6E
#define CC_WB_GRADE_3 0xF2B134
#define CC_WB_GRADE_4 0xD9383A

/* Print scale in percent for a sheet of px pixels on A4 landscape: 100 when
 * it fits, the fit-to-width scale when that is at least 70 %, else 0 (the
 * sheet prints at 70 % in column groups). */
int cc_wb_fit_scale(double px);

int cc_wb_is_warning(cc_status s);
void cc_wb_ymd(cc_day day, int *y, int *m, int *d);
/* Index of the unit (level, id) in sc->res, or -1. */
long cc_wb_find(const cc_scorecard *sc, cc_level level, const char *id);
/* Level of a value against an indicator's thresholds (no escalation). */
cc_colour cc_wb_level(const cc_indicator *ind, double v, cc_status *st);
/* Warning rows of the listed units, red first (total order); caller frees
 * both arrays.  with_resolved: also 已解除 cells, after the warnings. */
size_t cc_wb_warning_rows(const cc_scorecard *sc, const size_t *units, size_t nu,
                          int with_resolved, size_t **unit_out, size_t **ind_out);

/* ---- the sheet wrapper and the sheets (workbook_*.c) ---- */
/* The workbook being written (book) and one of its sheets (sheet): the
 * sheet wrapper tracks column widths, the main table's extent, images and
 * wrapped rows, for the print layout (workbook_sheet.c). */
#define CC_WB_MAXCOLS 64

typedef struct {
    lxw_format *title, *sub, *header, *text, *wrap, *integer, *score, *change, *pct, *num2, *num1;
    lxw_format *level[5];       /* by cc_colour */
    lxw_format *rect[5];        /* the same marked 专项整治: bold, thick black border */
    lxw_format *pctd[5], *numd[5];  /* percent / number with 0..4 decimals */
    lxw_format *grade[4];       /* 优秀 良好 合格 不合格 */
    lxw_format *bold, *center, *boldwrap;
} cc_wb_formats;

typedef struct {
    lxw_workbook *wb;
    const cc_wb_input *in;
    cc_wb_formats f;
    cc_err err;
} cc_wb_book;

typedef struct {
    cc_wb_book *b;
    lxw_worksheet *ws;
    double width[CC_WB_MAXCOLS];
    int header_row, last_row, last_col;   /* of the main table (autofilter) */
    double img_right;                     /* right edge of the widest image, px */
    int img_rows;                         /* first row below every image */
    int img_r0[8], img_r1[8], nimg;       /* rows each image (or chart) covers */
    unsigned char *lines;                 /* lines of wrapped text by row (0/1 = one) */
    size_t nlines;
    int tall_row;                         /* a header row two lines high, or -1 */
} cc_wb_sheet;

/* labels (workbook_labels.c); the returned strings are static, but the
 * period's, which the caller frees.  The first four are shared with the
 * brief (brief_run.c). */
/* 2026年第47周（11月16日—11月22日） (English: "2026-W47 (2026-11-16 – ...)"); caller frees. */
char *cc_wb_period_label(const cc_wb_input *in);
const char *cc_wb_report_name(const cc_wb_input *in);         /* 周报 月报 季报 */
const char *cc_wb_prev_label(const cc_wb_input *in);          /* 较上周 ... */
const char *cc_wb_action_label(const cc_wb_input *in, const cc_cell *c);   /* 处置 */
/* zh, or en under --lang en (in->lang_en). */
const char *cc_wb_L(const cc_wb_input *in, const char *zh, const char *en);
const char *cc_wb_status_label(const cc_wb_input *in, cc_status s);
const char *cc_wb_change_label(const cc_wb_input *in, cc_change c);
const char *cc_wb_level_label(const cc_wb_input *in, cc_level l);
const char *cc_wb_dim_label(const cc_wb_input *in, const char *dim);
const char *cc_wb_grade_en(const char *g);
const char *cc_wb_unit_label(const cc_wb_input *in, cc_unit_kind u);
char *cc_wb_period_text(const cc_wb_input *in, const cc_period *p);
const char *cc_wb_unit_name(const cc_wb_input *in, const cc_unit *u);

/* writing cells, sheets and formats (workbook_sheet.c); a sheet is freed by cc_wb_sheet_done */
void cc_wb_note(cc_wb_book *b, lxw_error e);
void cc_wb_put_str(cc_wb_sheet *s, int row, int col, const char *txt, lxw_format *f);
void cc_wb_put_line(cc_wb_sheet *s, int row, int col, const char *txt, lxw_format *f);
void cc_wb_put_num(cc_wb_sheet *s, int row, int col, double v, lxw_format *f);
void cc_wb_put_long(cc_wb_sheet *s, int row, int col, long v);
void cc_wb_put_wrapped_f(cc_wb_sheet *s, int row, int col, const char *txt, double cap, lxw_format *f);
void cc_wb_put_wrapped(cc_wb_sheet *s, int row, int col, const char *txt, double cap);
void cc_wb_header(cc_wb_sheet *s, int row, const char *const *cols, int n);
cc_wb_sheet *cc_wb_sheet_new(cc_wb_book *b, const char *name);
void cc_wb_sheet_done(cc_wb_sheet *s, int freeze_col);
/* The main table ends at (last_row, last_col), its header at s->header_row:
 * its autofilter set now, before anything is written below it (rows are
 * written in order: libxlsxwriter's constant_memory mode writes a row out
 * when a later one starts). */
void cc_wb_table_end(cc_wb_sheet *s, int last_row, int last_col);
void cc_wb_formats_init(cc_wb_book *b);
lxw_format *cc_wb_unit_format(cc_wb_book *b, cc_unit_kind u);
lxw_format *cc_wb_grade_format(cc_wb_book *b, const char *g);
lxw_format *cc_wb_level_format(cc_wb_book *b, cc_colour c);
lxw_format *cc_wb_value_format(cc_wb_book *b, const cc_indicator *ind, double v);
int cc_wb_marked(const cc_cell *c);
void cc_wb_put_level(cc_wb_sheet *s, int row, int col, const cc_cell *c);
int cc_wb_put_image(cc_wb_sheet *s, int row, int col, const char *path, double width);
long cc_wb_rect_count(const cc_unit_result *r, size_t nind);
void cc_wb_legend(cc_wb_sheet *s, int row, int col);

/* the sheets of every report (workbook_weekly.c) */
void cc_wb_sheet_overview(cc_wb_book *b);
void cc_wb_sheet_detail(cc_wb_book *b);
void cc_wb_sheet_warnings(cc_wb_book *b);
void cc_wb_sheet_trend(cc_wb_book *b);

/* 数据质量 and 指标说明 (workbook_quality.c) */
void cc_wb_sheet_quality(cc_wb_book *b);
void cc_wb_sheet_definitions(cc_wb_book *b);

/* the quarterly report's own sheets (workbook_quarterly.c) */
void cc_wb_sheet_kano(cc_wb_book *b);
void cc_wb_sheet_digital(cc_wb_book *b);
void cc_wb_sheet_resources(cc_wb_book *b);
void cc_wb_sheet_special(cc_wb_book *b);

/* ---- the rectification ledger (ledger_sheet.c) ---- */
/* The sheet 整改跟踪 of a workbook: per community of a street (per street
 * in the area's workbook) the items by state, the share closed on time,
 * the median days to close, then the overdue and not-effective items. */
lxw_error cc_wb_tracking_sheet(lxw_workbook *wb, const cc_wb_input *in);
/* Is c a community of the scope unit: one of a street's, any for the
 * area, or the community itself? */
int cc_wb_in_scope(const cc_unit *scope, const cc_unit *c);
/* The communities of unit `scope` (sc->res index) by cc_wb_in_scope;
 * sc->res indexes, ascending, *n of them.  Caller frees. */
size_t *cc_wb_scope_units(const cc_scorecard *sc, size_t scope, size_t *n);

#endif
