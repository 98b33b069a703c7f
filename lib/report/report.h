/* report — what people open: the weekly, monthly and quarterly workbooks
 * (libxlsxwriter), the ad-hoc scorecard workbook, PNG charts (Cairo/Pango),
 * warnings.csv, and the table/csv/json renderings of a scorecard.
 * Depends on score/ and everything to its left. Writes files, never stdout
 * (the renderers take a FILE* the caller owns).
 */
#ifndef CC_REPORT_H
#define CC_REPORT_H

#include "base/base.h"
#include "score/score.h"

typedef enum { CC_FMT_TABLE, CC_FMT_CSV, CC_FMT_JSON, CC_FMT_XLSX } cc_format;

/* Scorecard renderings (cmd scorecard / warnings). */
cc_err cc_render_scorecard(FILE *f, const cc_scorecard *sc, cc_format fmt);
cc_err cc_render_warnings(FILE *f, const cc_scorecard *sc, cc_format fmt, int min_colour);

#include "report/chart.h"     /* PNG charts (Cairo/Pango) */
#include "report/brief.h"     /* the one-page brief (PDF and PNG) */
#include "report/workbook.h"  /* workbooks and report runs */

#endif
