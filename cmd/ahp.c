/* carecard ahp — weights and consistency of a pairwise comparison matrix. */
#include "methods_out.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const cmd_opt options[] = {
    {"--format", "table|csv|json", 0, "output (default table). csv: one row per criterion:\n"
                                      "name,weight,lambda_max,ci,ri,cr,consistent. json:\n"
                                      "{\"n\", \"weights\": {name: w}, \"lambda_max\", \"ci\", \"ri\",\n"
                                      "\"cr\", \"consistent\"}; json at full precision, csv 6 decimals", NULL},
    {NULL, NULL, 0, NULL, NULL}
};

const cmd_spec cmd_ahp_spec = {
    "MATRIX.csv", NULL, options,
    "AHP (analytic hierarchy process) weights and consistency of a pairwise\n"
    "comparison matrix -- what '[scorecard] weights = ahp' computes from the\n"
    "[ahp] section of indicators.ini, so a matrix can be checked first.\n"
    "\n"
    "MATRIX.csv: the header names the criteria (its first cell is ignored), then\n"
    "one row per criterion in the same order, its name in the first column:\n"
    "    ,process,recipients,growth,community\n"
    "    process,1,2,3,2\n"
    "    recipients,1/2,1,2,1\n"
    "    growth,1/3,1/2,1,1/2\n"
    "    community,1/2,1,2,1\n"
    "a_ij says how much more important row i is than column j on Saaty's 1-9\n"
    "scale; fractions like 1/3 are accepted. UTF-8 or GB18030, comma or tab.\n"
    "\n"
    "The matrix must be square (n = 1..15), positive, with 1 on the diagonal,\n"
    "reciprocal (a_ji = 1/a_ij within 1e-6) and every entry in [1/9, 9];\n"
    "otherwise it is refused with the row and column at fault (exit 1).\n"
    "\n"
    "Computed:\n"
    "  weights  the principal (Perron) eigenvector, normalised to sum 1, by\n"
    "           power iteration from equal weights until no weight moves by\n"
    "           more than 1e-12;\n"
    "  lambda_max  its eigenvalue (sum of A.w with w summing to 1);\n"
    "  CI = (lambda_max - n) / (n - 1)   (0 for n = 1);\n"
    "  RI = Saaty's (1980) random index for n:\n"
    "       n   1    2    3    4    5    6    7    8\n"
    "       RI  0    0    0.58 0.90 1.12 1.24 1.32 1.41\n"
    "       n   9    10   11   12   13   14   15\n"
    "       RI  1.45 1.49 1.51 1.48 1.56 1.57 1.59\n"
    "  CR = CI / RI, and CR = 0 for n <= 2 (a 1x1 or 2x2 reciprocal matrix is\n"
    "       always consistent).\n"
    "The matrix is consistent when CR < 0.10. An inconsistent matrix still\n"
    "prints its result, then exits 1 with the CR in the message.\n",
    "Exit: 0 consistent, 1 refused or inconsistent, 2 usage error.\n",
    1, 1
};

int cmd_ahp(const cmd_args *a, cc_ctx *ctx)
{
    (void)ctx;
    const char *path = a->pos[0], *fmt = cmd_get(a, "--format");
    if (!fmt)
        fmt = "table";
    int format = mo_format(fmt);
    if (format < 0)
        return cmd_usage_error("ahp", "--format must be table, csv or json, not '%s'", fmt);
    if (!path)
        return cmd_usage_error("ahp", "missing MATRIX.csv");

    cc_matrix mx;
    cc_ahp_result res;
    if (cc_ahp_file(path, &mx, &res) != CC_OK)
        return EXIT_FAIL;

    int rc = EXIT_OK;
    FILE *f = stdout;
    if (format == MO_JSON) {
        json_t *root = json_object();
        json_object_set_new(root, "n", json_integer((json_int_t)res.n));
        json_t *w = json_object();
        for (size_t i = 0; i < res.n; i++)
            json_object_set_new(w, mx.rows[i], mo_json_num(res.weights[i]));
        json_object_set_new(root, "weights", w);
        json_object_set_new(root, "lambda_max", mo_json_num(res.lambda_max));
        json_object_set_new(root, "ci", mo_json_num(res.ci));
        json_object_set_new(root, "ri", mo_json_num(res.ri));
        json_object_set_new(root, "cr", mo_json_num(res.cr));
        json_object_set_new(root, "consistent", json_boolean(res.consistent));
        rc = mo_json_print(root);
    } else if (format == MO_CSV) {
        fputs("name,weight,lambda_max,ci,ri,cr,consistent\n", f);
        for (size_t i = 0; i < res.n; i++) {
            mo_csv_text(f, mx.rows[i]);
            fputc(',', f); mo_csv_num(f, res.weights[i]);
            fputc(',', f); mo_csv_num(f, res.lambda_max);
            fputc(',', f); mo_csv_num(f, res.ci);
            fputc(',', f); mo_csv_num(f, res.ri);
            fputc(',', f); mo_csv_num(f, res.cr);
            fprintf(f, ",%s\n", res.consistent ? "true" : "false");
        }
    } else {
        mo_cell(f, "criterion", 40, 0);
        fputs("  ", f);
        mo_cell(f, "weight", 8, 1);
        fputs("  ", f);
        mo_cell(f, "percent", 7, 1);
        fputc('\n', f);
        for (size_t i = 0; i < res.n; i++) {
            mo_cell(f, mx.rows[i], 40, 0);
            fputs("  ", f);
            mo_num(f, res.weights[i], 4, 8);
            fputs("  ", f);
            mo_num(f, 100 * res.weights[i], 1, 6);
            fputs("%\n", f);
        }
        fprintf(f, "\nn = %zu   \xce\xbbmax = %.4f   CI = %.4f   RI = %.2f   CR = %.4f\n",
                res.n, res.lambda_max, res.ci, res.ri, res.cr);
        fprintf(f, "%s\n", res.consistent ? "consistent (CR < 0.10)"
                                          : "INCONSISTENT (CR \xe2\x89\xa5 0.10): revise the judgements");
    }
    if (rc == EXIT_OK && !res.consistent) {
        cc_error("%s: matrix is inconsistent: CR = %.4f \xe2\x89\xa5 0.10", path, res.cr);
        rc = EXIT_FAIL;
    }
    cc_ahp_release(&res);
    cc_matrix_release(&mx);
    return rc;
}
