/* text/sheet_build.h — what the spreadsheet backends (xlsx.c, xls.c) build
 * their books with (sheet_build.c). Not for outside text/. */
#ifndef CC_TEXT_SHEET_BUILD_H
#define CC_TEXT_SHEET_BUILD_H

#include "text/sheet.h"

/* One row as a backend builds it: cells in increasing column order; a
 * skipped column is an empty field. Fields are contiguous in buf, each
 * followed by a NUL (what ingest's batches copy in one piece). */
typedef struct {
    long row;                 /* 1-based row number */
    char *buf;
    size_t len, cap;
    size_t *off, *flen;
    const char **ptr;
    size_t n, fcap;
    size_t error_col;         /* 1 + column of the first error cell, 0 none */
} sheet_row;

void sheet_row_begin(sheet_row *r, long row);
/* Put the text of column col (0-based, > every column put so far in this
 * row). -1 if the row would pass CC_SHEET_MAX_COLS or CC_CSV_MAX_RECORD. */
int sheet_row_put(sheet_row *r, size_t col, const char *s, size_t n);
void sheet_row_release(sheet_row *r);

/* What a number format shows a number as. */
typedef enum { FMT_NUMBER = 0, FMT_DATE, FMT_TIME, FMT_DATETIME } sheet_fmt;
/* The kind of a built-in format id (14-22, 45-47 and the CJK ones 27-36, 50-58). */
sheet_fmt sheet_builtin_fmt(int id);
/* The kind of a format code: y, d (and m away from h and s) mean a date,
 * h and s (and m next to them) a time; quoted text, escapes, [colours] and
 * AM/PM markers ignored. "General" and plain number codes are numbers. */
sheet_fmt sheet_code_fmt(const char *code);
/* The text of number v shown with format kind k in the given date system:
 * "46343", "3.5", "2026-11-17", "09:30:00", "2026-11-17 09:30:00".
 * 1900 system: serial 60 is the nonexistent 1900-02-29 (written so, so that
 * the date column rejects it as no such day); serials before it are one day
 * later than the 1899-12-30 origin of the rest. out: at least 40 bytes. */
size_t sheet_number_text(double v, sheet_fmt k, int date1904, char *out);

/* A backend. */
struct book_ops {
    /* a reader of sheet i (NULL and *why on failure) */
    void *(*open_sheet)(cc_book *b, size_t i, char **why);
    /* 1 a row (r filled), 0 end, -1 error (reader's error text) */
    int (*next_row)(void *rd, sheet_row *r);
    const char *(*error)(void *rd);
    uint64_t (*offset)(void *rd);
    uint64_t (*size)(void *rd);
    void (*close_sheet)(void *rd);
    void (*free)(cc_book *b);
};

struct cc_book {
    const char *format;       /* "xlsx" / "xls" */
    size_t n;
    char **names;
    int *hidden;
    long *rows;
    int date1904;
    const struct book_ops *ops;
    void *impl;
};

/* a book with n sheets (names and flags filled by the backend) */
cc_book *sheet_book_new(const char *format, const struct book_ops *ops, void *impl);
void sheet_book_add(cc_book *b, const char *name, size_t len, int hidden, long rows);

#endif
