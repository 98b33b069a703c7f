/* ingest/book.h — internal: spreadsheet inputs (book.c) and the part of
 * ingest.c they use. A workbook is ingested sheet by sheet; each sheet with a
 * header of an input kind is one unit, stored, logged, skipped and replaced
 * exactly like a CSV file (see docs/inputs/spreadsheets.md). */
#ifndef CC_INGEST_BOOK_H
#define CC_INGEST_BOOK_H

#include "ingest/ingest.h"

/* One sheet of a workbook, opened at its header row. */
typedef struct {
    cc_csv *r;                /* its records (header first); ingest_unit frees it */
    const char *label;        /* "dir/活动台账.xlsx: sheet 台账", in messages */
    const char *name;         /* ingest log name "活动台账.xlsx#台账" (replace by name) */
    const char *sha;          /* ingest log key "<SHA-256 of the file>#台账" (skip) */
    const char *sheet;        /* the sheet's name, in the rejects file */
    long rows;                /* about how many rows (0 unknown) */
} cc_sheet_unit;

/* ingest.c: store one sheet (path: the workbook file, as given). */
cc_err cc_ingest_unit(cc_store *s, const char *path, const cc_ingest_opts *opts, cc_ingest_stats *st,
                      const cc_sheet_unit *u);
/* ingest.c: the kind whose header rec is (forced: only that kind), else CC_KIND_UNKNOWN. */
cc_kind cc_ingest_header_kind(const cc_csv_record *rec, cc_kind forced);

/* book.c: ingest every matching sheet of the workbook at path (st: the sum). */
cc_err cc_ingest_book(cc_store *s, const char *path, const cc_ingest_opts *opts, cc_ingest_stats *st);
/* book.c: the first kind in dependency order among the workbook's sheets (quietly). */
cc_kind cc_ingest_book_kind(const char *path, const cc_ingest_opts *opts);

#endif
