/* The method commands' files read and computed whole (files.h): what
 * carecard ahp and carecard kano did in cmd/ before, moved verbatim. */
#include "score/files.h"

#include <stdlib.h>
#include <string.h>

cc_err cc_ahp_file(const char *path, cc_matrix *mx, cc_ahp_result *res)
{
    memset(res, 0, sizeof *res);
    cc_err e = cc_matrix_load(path, 1, mx);
    if (e != CC_OK)
        return e;
    if (mx->m != mx->n) {
        cc_error("%s: the matrix is not square: %zu rows, %zu columns", path, mx->m, mx->n);
        cc_matrix_release(mx);
        return CC_ERR_DATA;
    }
    for (size_t i = 0; i < mx->m; i++)
        if (strcmp(mx->rows[i], mx->cols[i]))
            cc_notice("%s: row %zu is named '%s' but column %zu '%s'; the weights take the row names",
                      path, i + 1, mx->rows[i], i + 1, mx->cols[i]);
    for (size_t i = 0; i < mx->m; i++)
        for (size_t k = 0; k < i; k++)
            if (!strcmp(mx->rows[i], mx->rows[k])) {
                cc_error("%s: row '%s' appears twice", path, mx->rows[i]);
                cc_matrix_release(mx);
                return CC_ERR_DATA;
            }

    char err[512];
    if (cc_ahp_named(mx->x, mx->n, (const char *const *)mx->rows, res, err, sizeof err) != CC_OK) {
        cc_error("%s: %s", path, err);
        cc_ahp_release(res);
        cc_matrix_release(mx);
        return CC_ERR_DATA;
    }
    return CC_OK;
}

cc_err cc_kano_survey(const char *path, const cc_config *cfg, cc_kano_row **rows_out, size_t *n_out,
                      long *unparsed)
{
    *rows_out = NULL;
    *n_out = 0;
    *unparsed = 0;
    if (cfg->nkano == 0) {
        cc_error("%s: no [kano.<id>] feature is configured", cfg->path);
        return CC_ERR_CONFIG;
    }
    size_t nk = cfg->nkano;
    cc_kano_row *rows = cc_xcalloc(nk, sizeof *rows);
    int *present = cc_xcalloc(nk, sizeof *present);
    cc_err e = cc_kano_file(path, cfg, rows, present, unparsed);
    if (e != CC_OK) {
        free(rows);
        free(present);
        return e;
    }
    size_t n = 0;
    for (size_t k = 0; k < nk; k++)
        if (present[k]) {
            long counts[6];
            memcpy(counts, rows[k].counts, sizeof counts);
            memset(&rows[n], 0, sizeof rows[n]);
            rows[n].feature = &cfg->kano[k];
            memcpy(rows[n].counts, counts, sizeof counts);
            n++;
        }
    cc_kano_finish(rows, n);
    free(present);
    *rows_out = rows;
    *n_out = n;
    return CC_OK;
}
