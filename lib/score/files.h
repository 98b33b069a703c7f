/* files — the method commands' input files read and computed whole, so that
 * cmd/ (carecard ahp, carecard kano) only parses options and prints:
 * a pairwise matrix to AHP weights, a survey file to its KANO table. */
#ifndef CC_SCORE_FILES_H
#define CC_SCORE_FILES_H

#include "score/score.h"

/* The AHP weights and consistency of the pairwise matrix in a CSV file
 * (carecard ahp): loaded with fractions ("1/3"), square, its rows named
 * distinctly (a row named unlike its column gets a notice: the weights take
 * the row names), then cc_ahp_named.  Errors printed as "carecard: FILE: ..."
 * (CC_ERR_IO, CC_ERR_DATA).  On CC_OK the caller releases mx
 * (cc_matrix_release) and res (cc_ahp_release); otherwise nothing is held.
 * An inconsistent matrix (CR >= 0.10) is CC_OK: check res->consistent. */
cc_err cc_ahp_file(const char *path, cc_matrix *mx, cc_ahp_result *res);

/* The KANO table of a survey file read directly, without a database
 * (carecard kano): the features of cfg whose two questions are columns of
 * the file (cc_kano_file), counted over every row, finished and in priority
 * order (cc_kano_finish).  *rows (caller frees; each row's feature borrowed
 * from cfg) holds *n rows; *unparsed the answer pairs that could not be
 * read.  Errors printed: CC_ERR_CONFIG when cfg has no [kano.<id>]
 * feature, and those of cc_kano_file; *rows is NULL then. */
cc_err cc_kano_survey(const char *path, const cc_config *cfg, cc_kano_row **rows, size_t *n, long *unparsed);

#endif
