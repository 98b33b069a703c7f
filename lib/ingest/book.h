/* ingest/book.h — internal: spreadsheet inputs (book.c). A workbook is
 * ingested sheet by sheet; each sheet with a header of an input kind is one
 * unit, stored, logged, skipped and replaced exactly like a CSV file (see
 * docs/inputs/spreadsheets.md).  book.c hands the sheets out; discover.c
 * stores each one (ingest_one): book.c never calls back. */
#ifndef CC_INGEST_BOOK_H
#define CC_INGEST_BOOK_H

#include "ingest/ingest.h"

/* One sheet of a workbook, opened at its header row. */
typedef struct {
    cc_csv *r;                /* its records (header first); ingest_one frees it */
    const char *label;        /* "dir/活动台账.xlsx: sheet 台账", in messages */
    const char *name;         /* ingest log name "活动台账.xlsx#台账" (replace by name) */
    const char *sha;          /* ingest log key "<SHA-256 of the file>#台账" (skip) */
    const char *sheet;        /* the sheet's name, in the rejects file */
    long rows;                /* about how many rows (0 unknown) */
} cc_sheet_unit;

/* The sheets of a workbook to read, in the order to read them. */
typedef struct cc_book_units cc_book_units;
/* Hash the workbook at path, open it and pick its sheets (notices said).
 * NULL and *err (said) when nothing of it can be read.  Caller frees with
 * cc_book_units_free. */
cc_book_units *cc_book_units_open(const char *path, const cc_ingest_opts *opts, cc_err *err);
/* The next sheet: 1 and *u (borrowed until the next call; the caller frees
 * u->r), 0 after the last, -1 when this sheet cannot be opened (said; the
 * next may). */
int cc_book_units_next(cc_book_units *it, const cc_sheet_unit **u);
void cc_book_units_free(cc_book_units *it);
/* The first kind in dependency order among the workbook's sheets (quietly). */
cc_kind cc_ingest_book_kind(const char *path, const cc_ingest_opts *opts);

#endif
