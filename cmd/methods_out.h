/* methods_out — what the method commands (ahp, entropy, topsis, kano) share:
 * --format, lists, and the three outputs (an 80-column table
 * with CJK-aware padding, CSV, json at full precision). */
#ifndef CC_CMD_METHODS_OUT_H
#define CC_CMD_METHODS_OUT_H

#include "cmd.h"
#include <jansson.h>

enum { MO_TABLE, MO_CSV, MO_JSON };

/* "table" | "csv" | "json" → MO_*; -1 if unknown. */
int mo_format(const char *s);
/* Split "a,b,c" (trimming each item; empty items dropped). Caller frees the
 * array and the strings with mo_list_free. */
size_t mo_split(const char *s, char ***items);
void mo_list_free(char **items, size_t n);

/* Print s left-aligned (right != 0: right-aligned) in `width` display
 * columns; longer text is cut with '…'. */
void mo_cell(FILE *f, const char *s, int width, int right);
/* A number with `dec` decimals, or "-" for NAN, right-aligned in width. */
void mo_num(FILE *f, double v, int dec, int width);
/* CSV field (quoted when needed; a text starting with = + - @ gets a leading '). */
void mo_csv_text(FILE *f, const char *s);
/* CSV number at full precision ("" for NAN). */
void mo_csv_num(FILE *f, double v);
/* json number, null for NAN / infinity. */
json_t *mo_json_num(double v);
/* Print and free root (2-space indent, 17 significant digits, UTF-8). */
int mo_json_print(json_t *root);

#endif
