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
/* items (may be NULL): the rectification items of sc (score/ledger.c); a
 * community warning that is an item carries its ID and state. */
/* The rectification ledger of street unit `scope` (sc->res index) at path:
 * the items of its communities that are open or closed in sc's period,
 * with the stored entries (ledger_sheet.c). */
cc_err cc_ledger_workbook_write(const char *path, const cc_scorecard *sc, const cc_items *items, size_t scope);
cc_err cc_render_warnings(FILE *f, const cc_scorecard *sc, const cc_items *items, cc_format fmt, int min_colour);

#include "report/chart.h"     /* PNG charts (Cairo/Pango) */
#include "report/brief.h"     /* the one-page brief (PDF and PNG) */
#include "report/workbook.h"  /* workbooks and report runs */

#endif
