/* brief_int — the brief of a report run (brief_run.c); the workbook labels
 * it shares are in workbook_int.h.  Not exported beyond lib/report. */
#ifndef CC_REPORT_BRIEF_INT_H
#define CC_REPORT_BRIEF_INT_H

#include "report/report.h"
#include <cairo.h>

/* Write the brief of one workbook's input: <dir>/<base>-简报.pdf and .png.
 * config_sha: the short SHA-256 of the configuration; data_to: the last day
 * with activity data (cc_brief_data_to); either may be "" or NULL. */
cc_err cc_brief_report(const cc_wb_input *in, const char *dir, const char *base,
                       const char *config_sha, const char *data_to);
/* The last activity date on or before `to` ("2026-10-04"), "" when none. */
void cc_brief_data_to(cc_store *s, cc_day to, char *out, size_t len);

/* Draws the page of b on cr, in page points (brief.c; for brief_write.c). */
void cc_brief_draw(cairo_t *cr, const cc_brief *b);

#endif
