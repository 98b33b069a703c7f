/* text/sheet — spreadsheet files (.xlsx, .xls) as a source of records.
 *
 * A workbook is opened once (cc_book_open: the container is checked as a
 * whole — zip directory, size and ratio limits, encryption — before anything
 * is read from it); each sheet is then read as a cc_csv record reader, so
 * ingest reads a sheet's rows exactly as it reads a CSV file's records:
 *   - field i is column i of the sheet (A = 0); a missing cell is "";
 *   - rec.line is the sheet's row number (1-based), rows that are absent or
 *     before `first_row` are not returned;
 *   - the first record returned is the header; later records are cut to the
 *     header's width (a note to the right of the table is not data);
 *   - cells become the text the CSV reader would give for the same value
 *     (sheet_cell.c): numbers in shortest decimal, booleans TRUE/FALSE, dates
 *     and times from the cell's number format as 2026-11-17, 09:30:00 or
 *     2026-11-17 09:30:00, text as typed;
 *   - an error cell (#DIV/0!, #N/A …) keeps its text and sets rec.error_col.
 * Backends: xlsx.c (minizip + expat, streaming: no tree of the sheet is
 * built) and xls.c (FreeXL).
 */
#ifndef CC_TEXT_SHEET_H
#define CC_TEXT_SHEET_H

#include "text/text.h"

/* Limits of an .xlsx container (documented in docs/inputs/spreadsheets.md).
 * A part bigger than CC_XLSX_MAX_PART, all parts together bigger than
 * CC_XLSX_MAX_TOTAL, or a part of more than CC_XLSX_MIN_RATIO_FROM bytes that
 * inflates more than CC_XLSX_MAX_RATIO times refuses the workbook. */
#define CC_XLSX_MAX_PART  (4ull << 30)
#define CC_XLSX_MAX_TOTAL (8ull << 30)
#define CC_XLSX_MAX_RATIO 200
#define CC_XLSX_MIN_RATIO_FROM (1u << 20)
/* longest text of one cell (Excel's own limit is 32,767 characters) */
#define CC_SHEET_MAX_CELL (1u << 20)
/* columns of a sheet (Excel: XFD = 16,384) */
#define CC_SHEET_MAX_COLS 16384

typedef struct cc_book cc_book;

/* 1 if path names a spreadsheet by its extension (.xlsx .xlsm .xls) or
 * starts like one (a zip or an OLE compound file). */
int cc_book_is_book(const char *path);

/* Open a workbook. On failure NULL and *why = the reason (caller frees),
 * e.g. "not a valid .xlsx workbook (not a zip file)". Caller frees with
 * cc_book_free. */
cc_book *cc_book_open(const char *path, char **why);
/* Same over bytes in memory (copied; the fuzz target). */
cc_book *cc_book_open_mem(const void *data, size_t len, char **why);
size_t cc_book_nsheets(const cc_book *b);
const char *cc_book_sheet_name(const cc_book *b, size_t i);
int cc_book_sheet_hidden(const cc_book *b, size_t i);
/* "xlsx" or "xls" */
const char *cc_book_format(const cc_book *b);
/* Rows of sheet i, about (from the sheet's declared dimension; 0 unknown). */
long cc_book_sheet_rows(const cc_book *b, size_t i);

/* Read sheet i from row first_row (1-based; 1 = from the top) as records.
 * The reader borrows the book: free it before cc_book_free. At most one
 * sheet reader of a book at a time. NULL and *why on failure. */
cc_csv *cc_book_sheet_open(cc_book *b, size_t i, long first_row, char **why);
void cc_book_free(cc_book *b);

/* "A", "Z", "AA" … for column col (0-based) into out (at least 8 bytes). */
void cc_col_letters(size_t col, char out[8]);

#endif
