/* workbook_int — helpers shared by workbook.c and report.c (not exported
 * beyond lib/report). */
#ifndef CC_REPORT_WORKBOOK_INT_H
#define CC_REPORT_WORKBOOK_INT_H

#include "report/report.h"
#include <xlsxwriter.h>

/* Colours of reports.md (0xRRGGBB). */
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

/* ---- the rectification ledger (ledger_sheet.c) ---- */
/* The sheet 整改跟踪 of a workbook: per community of a street (per street
 * in the area's workbook) the items by state, the share closed on time,
 * the median days to close, then the overdue and not-effective items. */
lxw_error cc_wb_tracking_sheet(lxw_workbook *wb, const cc_wb_input *in);
/* The items of the communities of street unit `street` (sc->res index;
 * NULL keep = every community): keep[u] = 1.  Caller frees. */
unsigned char *cc_wb_street_keep(const cc_scorecard *sc, size_t scope);

#endif
