/* carecard entropy — entropy weights of the columns of a decision matrix. */
#include "methods_out.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const cmd_opt options[] = {
    {"--cost", "COL,...", 0, "columns where smaller is better (names as in the header)", NULL},
    {"--raw", NULL, 0, "sum-normalise raw values instead of min-max standardising", NULL},
    {"--format", "table|csv|json", 0, "output (default table). csv: name,entropy,weight;\n"
                                      "json: {\"weights\": {col: w}, \"entropy\": {col: e}},\n"
                                      "full precision", NULL},
    {NULL, NULL, 0, NULL, NULL}
};

const cmd_spec cmd_entropy_spec = {
    "DATA.csv", NULL, options,
    "Entropy weights of the columns (criteria) of a decision matrix -- what\n"
    "'[scorecard] weights = entropy' computes over the communities of a period.\n"
    "\n"
    "DATA.csv: the header names the criteria (its first cell is ignored), then\n"
    "one row per alternative, its name in the first column. Values are plain\n"
    "numbers; an empty cell is missing. UTF-8 or GB18030, comma or tab.\n"
    "\n"
    "For each column j over its m_j rows with a value:\n"
    "  standardise (default, min-max by direction):\n"
    "      benefit y = (x - min) / (max - min),  cost y = (max - x) / (max - min);\n"
    "    --raw: y = x (values must be >= 0), as much of the English literature\n"
    "      does; direction does not change raw proportions, so --cost is ignored;\n"
    "  p_ij = y_ij / sum_i y_ij;\n"
    "  e_j = -(1 / ln m_j) * sum_i p_ij ln p_ij, with 0 * ln 0 = 0;\n"
    "  d_j = 1 - e_j;   w_j = d_j / sum d.\n"
    "Zero handling: a column that is constant (or all zero with --raw) carries\n"
    "no information: e = 1, d = 0, weight 0. If every column is constant the\n"
    "weights are equal (1/n).\n"
    "Missing values: a row with an empty cell is left out of that column only\n"
    "(m_j is counted per column). A column with fewer than 2 values has no\n"
    "entropy: the command fails (exit 1); the scorecard falls back to fixed\n"
    "weights with a notice in that case.\n",
    "Exit: 0 success, 1 unreadable file or too few values, 2 usage error.\n",
    1, 1
};

int cmd_entropy(const cmd_args *a, cc_ctx *ctx)
{
    (void)ctx;
    const char *path = a->pos[0], *fmt = cmd_get(a, "--format"), *costs = cmd_get(a, "--cost");
    int raw = cmd_get(a, "--raw") != NULL;
    if (!fmt)
        fmt = "table";
    int format = mo_format(fmt);
    if (format < 0)
        return cmd_usage_error("entropy", "--format must be table, csv or json, not '%s'", fmt);
    if (!path)
        return cmd_usage_error("entropy", "missing DATA.csv");

    cc_matrix mx;
    if (cc_matrix_load(path, 0, &mx) != CC_OK)
        return EXIT_FAIL;
    int *cost = cc_xcalloc(mx.n, sizeof *cost);
    if (costs) {
        char **names;
        size_t nc = mo_split(costs, &names);
        for (size_t k = 0; k < nc; k++) {
            size_t j;
            for (j = 0; j < mx.n; j++)
                if (!strcmp(mx.cols[j], names[k]))
                    break;
            if (j == mx.n) {
                cc_buf b = CC_BUF_INIT;
                for (size_t t = 0; t < mx.n; t++)
                    cc_buf_addf(&b, "%s%s", t ? ", " : "", mx.cols[t]);
                int rc = cmd_usage_error("entropy", "--cost: no column '%s' in %s (columns: %s)",
                                         names[k], path, b.s);
                cc_buf_release(&b);
                mo_list_free(names, nc);
                free(cost);
                cc_matrix_release(&mx);
                return rc;
            }
            cost[j] = 1;
        }
        mo_list_free(names, nc);
        if (raw && nc)
            cc_notice("entropy: --raw ignores --cost (raw proportions do not depend on direction)");
    }

    double *w = cc_xcalloc(mx.n, sizeof *w), *e = cc_xcalloc(mx.n, sizeof *e);
    cc_err err = cc_entropy(mx.x, mx.m, mx.n, cost, raw, w, e);
    int rc = EXIT_OK;
    if (err != CC_OK) {
        for (size_t j = 0; j < mx.n; j++)
            if (isnan(e[j]))
                cc_error("%s: column '%s' has fewer than 2 values: no entropy weight",
                         path, mx.cols[j]);
        rc = EXIT_FAIL;
    } else if (format == MO_JSON) {
        json_t *root = json_object(), *jw = json_object(), *je = json_object();
        for (size_t j = 0; j < mx.n; j++) {
            json_object_set_new(jw, mx.cols[j], mo_json_num(w[j]));
            json_object_set_new(je, mx.cols[j], mo_json_num(e[j]));
        }
        json_object_set_new(root, "weights", jw);
        json_object_set_new(root, "entropy", je);
        rc = mo_json_print(root);
    } else if (format == MO_CSV) {
        fputs("name,entropy,weight\n", stdout);
        for (size_t j = 0; j < mx.n; j++) {
            mo_csv_text(stdout, mx.cols[j]);
            fputc(',', stdout); mo_csv_num(stdout, e[j]);
            fputc(',', stdout); mo_csv_num(stdout, w[j]);
            fputc('\n', stdout);
        }
    } else {
        FILE *f = stdout;
        mo_cell(f, "criterion", 30, 0);
        fputs("  ", f); mo_cell(f, "direction", 9, 0);
        fputs("  ", f); mo_cell(f, "values", 6, 1);
        fputs("  ", f); mo_cell(f, "entropy", 7, 1);
        fputs("  ", f); mo_cell(f, "d", 6, 1);
        fputs("  ", f); mo_cell(f, "weight", 6, 1);
        fputc('\n', f);
        for (size_t j = 0; j < mx.n; j++) {
            size_t mj = 0;
            for (size_t i = 0; i < mx.m; i++)
                if (!isnan(mx.x[i * mx.n + j]))
                    mj++;
            char num[32];
            snprintf(num, sizeof num, "%zu", mj);
            mo_cell(f, mx.cols[j], 30, 0);
            fputs("  ", f); mo_cell(f, raw ? "raw" : cost[j] ? "cost" : "benefit", 9, 0);
            fputs("  ", f); mo_cell(f, num, 6, 1);
            fputs("  ", f); mo_num(f, e[j], 4, 7);
            fputs("  ", f); mo_num(f, 1 - e[j], 4, 6);
            fputs("  ", f); mo_num(f, w[j], 4, 6);
            fputc('\n', f);
        }
        fprintf(f, "\n%zu alternatives, %zu criteria; %s\n", mx.m, mx.n,
                raw ? "raw proportions p = x / sum x" : "min-max standardised by direction");
    }
    free(w);
    free(e);
    free(cost);
    cc_matrix_release(&mx);
    return rc;
}
