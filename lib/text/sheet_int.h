/* text/sheet_int.h — the spreadsheet backends as sheet.c sees them: their
 * openers (xlsx.c, xls.c), and what they build (sheet_build.h). Not for
 * outside text/. */
#ifndef CC_TEXT_SHEET_INT_H
#define CC_TEXT_SHEET_INT_H

#include "text/sheet_build.h"

/* the backends' openers (NULL and *why on failure) */
cc_book *cc_xlsx_open(const char *path, char **why);
cc_book *cc_xls_open(const char *path, char **why);

#endif
