/* text/xls — Excel 97-2003 workbooks (BIFF in an OLE compound file) through
 * FreeXL, which reads the whole workbook when it is opened (an .xls holds at
 * most 65,536 rows a sheet) and gives each cell typed: FreeXL itself turns
 * cells with a date or time format into "YYYY-MM-DD", "HH:MM:SS" or both,
 * in the workbook's date system.  What FreeXL cannot tell: hidden sheets
 * (none is reported hidden) and error cells (it gives their code as a
 * number), so an .xls error cell is not named as such.
 */
#include "text/sheet_int.h"

#include <freexl.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const void *h;
    int reading;
} xlsbook;

typedef struct {
    xlsbook *b;
    unsigned int rows, row;
    unsigned short cols;
    char err[200];
} xlssheet;

static const char *fx_error(int rc)
{
    switch (rc) {
    case FREEXL_INSUFFICIENT_MEMORY: return "out of memory";
    case FREEXL_INVALID_CFBF_HEADER:
    case FREEXL_CFBF_INVALID_SIGNATURE:
    case FREEXL_CFBF_INVALID_SECTOR_SIZE: return "damaged OLE header";
    case FREEXL_CFBF_READ_ERROR:
    case FREEXL_CFBF_SEEK_ERROR: return "truncated or damaged";
    case FREEXL_BIFF_WORKBOOK_NOT_FOUND: return "an OLE file without an Excel workbook in it";
    case FREEXL_CRAFTED_FILE: return "a damaged or crafted file";
    default: return "damaged";
    }
}

static void *s_open(cc_book *book, size_t i, char **why)
{
    xlsbook *b = book->impl;
    if (b->reading) {
        *why = cc_xstrdup("another sheet of this workbook is being read");
        return NULL;
    }
    xlssheet *s = cc_xcalloc(1, sizeof *s);
    s->b = b;
    int rc = freexl_select_active_worksheet(b->h, (unsigned short)i);
    if (rc == FREEXL_OK)
        rc = freexl_worksheet_dimensions(b->h, &s->rows, &s->cols);
    if (rc != FREEXL_OK) {
        *why = cc_xasprintf("cannot read sheet %zu: %s", i + 1, fx_error(rc));
        free(s);
        return NULL;
    }
    if (s->cols > CC_SHEET_MAX_COLS)
        s->cols = CC_SHEET_MAX_COLS;
    b->reading = 1;
    return s;
}

static int s_next(void *rd, sheet_row *r)
{
    xlssheet *s = rd;
    if (s->row >= s->rows)
        return 0;
    sheet_row_begin(r, (long)s->row + 1);
    for (unsigned short c = 0; c < s->cols; c++) {
        FreeXL_CellValue v;
        if (freexl_get_cell_value(s->b->h, s->row, c, &v) != FREEXL_OK) {
            snprintf(s->err, sizeof s->err, "row %u: unreadable cell", s->row + 1);
            return -1;
        }
        char num[48];
        const char *t = NULL;
        switch (v.type) {
        case FREEXL_CELL_INT:
            snprintf(num, sizeof num, "%d", v.value.int_value);
            t = num;
            break;
        case FREEXL_CELL_DOUBLE:
            cc_num_shortest(num, sizeof num, v.value.double_value);
            t = num;
            break;
        case FREEXL_CELL_TEXT:
        case FREEXL_CELL_SST_TEXT:
        case FREEXL_CELL_DATE:
        case FREEXL_CELL_DATETIME:
        case FREEXL_CELL_TIME:
            t = v.value.text_value;
            break;
        default:
            break;
        }
        if (t && *t && sheet_row_put(r, c, t, strlen(t)) < 0) {
            snprintf(s->err, sizeof s->err, "row %u: longer than 64 MiB", s->row + 1);
            return -1;
        }
    }
    s->row++;
    return 1;
}

static const char *s_error(void *rd) { return ((xlssheet *)rd)->err; }
static uint64_t s_offset(void *rd) { return ((xlssheet *)rd)->row; }
static uint64_t s_size(void *rd) { return ((xlssheet *)rd)->rows; }

static void s_close(void *rd)
{
    xlssheet *s = rd;
    s->b->reading = 0;
    free(s);
}

static void b_free(cc_book *book)
{
    xlsbook *b = book->impl;
    if (!b)
        return;
    if (b->h)
        freexl_close(b->h);
    free(b);
}

static const struct book_ops xls_ops = {s_open, s_next, s_error, s_offset, s_size, s_close, b_free};

cc_book *cc_xls_open(const char *path, char **why)
{
    xlsbook *b = cc_xcalloc(1, sizeof *b);
    cc_book *book = sheet_book_new("xls", &xls_ops, b);
    int rc = freexl_open(path, &b->h);
    if (rc != FREEXL_OK) {
        *why = cc_xasprintf("not a valid .xls workbook: %s", fx_error(rc));
        cc_book_free(book);
        return NULL;
    }
    unsigned int info = 0;
    if (freexl_get_info(b->h, FREEXL_BIFF_PASSWORD, &info) == FREEXL_OK && info == FREEXL_BIFF_OBFUSCATED) {
        *why = cc_xstrdup("encrypted workbook (saved with a password): save a copy without the password "
                          "and ingest that");
        cc_book_free(book);
        return NULL;
    }
    if (freexl_get_info(b->h, FREEXL_BIFF_DATEMODE, &info) == FREEXL_OK)
        book->date1904 = info == FREEXL_BIFF_DATEMODE_1904;
    unsigned int n = 0;
    freexl_get_info(b->h, FREEXL_BIFF_SHEET_COUNT, &n);
    for (unsigned int i = 0; i < n; i++) {
        const char *name = NULL;
        if (freexl_get_worksheet_name(b->h, (unsigned short)i, &name) != FREEXL_OK || !name)
            name = "";
        unsigned int rows = 0;
        unsigned short cols = 0;
        if (freexl_select_active_worksheet(b->h, (unsigned short)i) == FREEXL_OK)
            freexl_worksheet_dimensions(b->h, &rows, &cols);
        sheet_book_add(book, name, strlen(name), 0, (long)rows);
    }
    return book;
}
