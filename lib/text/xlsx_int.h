/* text/xlsx_int.h — what xlsx.c (container, workbook, styles, shared
 * strings) shares with xlsx_sheet.c (the rows of a sheet). */
#ifndef CC_TEXT_XLSX_INT_H
#define CC_TEXT_XLSX_INT_H

#include "text/sheet_build.h"

#include <minizip/unzip.h>

typedef struct {
    char *name, *rid, *target;
    int hidden;
} xsheet;

typedef struct {
    char *path;
    unzFile uf;
    xsheet *sh;
    size_t nsh;
    char *sst_part, *styles_part;
    /* styles: cellXfs index -> what its number format shows */
    unsigned char *xf;
    size_t nxf;
    /* shared strings */
    int loaded;
    char *sst;
    size_t sst_len;
    size_t *sst_off;          /* n + 1 offsets */
    size_t nsst;
    int reading;              /* a sheet reader is open */
} xbook;

/* Open part name (case-insensitive) as the zip's current file; *size its inflated size. */
int xlsx_part_open(xbook *b, const char *name, uint64_t *size, char *err, size_t cap);
/* Styles and shared strings, once (when the first sheet is opened). */
int xlsx_load_common(xbook *b, char *err, size_t cap);

/* xlsx_sheet.c: the book_ops of a sheet */
void *xlsx_open_sheet(cc_book *book, size_t i, char **why);
int xlsx_next_row(void *rd, sheet_row *r);
const char *xlsx_error(void *rd);
uint64_t xlsx_offset(void *rd);
uint64_t xlsx_size(void *rd);
void xlsx_close_sheet(void *rd);

#endif
