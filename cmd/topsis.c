/* carecard topsis — closeness and rank of alternatives by TOPSIS. */
#include "methods_out.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const cmd_opt options[] = {
    {"--weights", "W,...", OPT_NEEDED, "the criteria weights, one per column (required; plain\n"
                                      "numbers, not fractions)", NULL},
    {"--cost", "COL,...", 0, "columns where smaller is better (names as in the header)", NULL},
    {"--format", "table|csv|json", 0, "output (default table, in rank order). csv:\n"
                                      "name,closeness,d_plus,d_minus,rank in file order; json:\n"
                                      "{\"rows\": [{\"name\", \"closeness\", \"d_plus\", \"d_minus\",\n"
                                      "\"rank\"}, ...]} in file order, full precision", NULL},
    {NULL, NULL, 0, NULL, NULL}
};

const cmd_spec cmd_topsis_spec = {
    "DATA.csv", NULL, options,
    "TOPSIS (technique for order preference by similarity to an ideal solution):\n"
    "the closeness of each alternative (row) to the ideal -- what\n"
    "'[scorecard] ranking = topsis' computes over the indicator scores.\n"
    "\n"
    "DATA.csv: the header names the criteria (its first cell is ignored), then\n"
    "one row per alternative, its name in the first column. Values are plain\n"
    "numbers; an empty cell is missing. UTF-8 or GB18030, comma or tab.\n"
    "\n"
    "  r_ij = x_ij / sqrt(sum_i x_ij^2)      (vector normalisation per column)\n"
    "  v_ij = w_j * r_ij\n"
    "  ideal A+ = column max, anti-ideal A- = column min (the other way round\n"
    "      for a cost column)\n"
    "  D+_i = sqrt(sum_j (v_ij - A+_j)^2),  D-_i = sqrt(sum_j (v_ij - A-_j)^2)\n"
    "  C_i = D-_i / (D+_i + D-_i), and C = 0.5 when both distances are 0.\n"
    "Weights: one per column, >= 0, in header order; they are scaled to sum 1\n"
    "(closeness does not depend on the scale, the distances do).\n"
    "Rank 1 = highest closeness; ties (closeness equal to 12 decimals) go to\n"
    "the row that comes first in the file -- the scorecard passes communities\n"
    "sorted by ID, so its ties go by community ID. A column of zeros has r = 0.\n"
    "Missing values: an empty cell leaves that column out of the row's two\n"
    "distances and out of the column's normalisation; a row with no value at\n"
    "all has no closeness and no rank.\n",
    "Exit: 0 success, 1 unreadable file, 2 usage error (bad weights or columns).\n",
    1, 1
};

typedef struct { size_t row; int rank; } by_rank;

static int rank_cmp(const void *a, const void *b)
{
    const by_rank *x = a, *y = b;
    /* unranked (0) last, then by rank */
    if ((x->rank == 0) != (y->rank == 0))
        return x->rank == 0 ? 1 : -1;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

int cmd_topsis(const cmd_args *a, cc_ctx *ctx)
{
    (void)ctx;
    const char *path = a->pos[0], *fmt = cmd_get(a, "--format"), *costs = cmd_get(a, "--cost");
    const char *weights = cmd_get(a, "--weights");
    if (!fmt)
        fmt = "table";
    int format = mo_format(fmt);
    if (format < 0)
        return cmd_usage_error("topsis", "--format must be table, csv or json, not '%s'", fmt);
    if (!path)
        return cmd_usage_error("topsis", "missing DATA.csv");
    if (!weights)
        return cmd_usage_error("topsis", "missing --weights W,... (one weight per column)");

    char **ws;
    size_t nw = mo_split(weights, &ws);
    double *w = cc_xcalloc(nw ? nw : 1, sizeof *w);
    double wsum = 0;
    for (size_t k = 0; k < nw; k++) {
        if (cc_parse_number(ws[k], strlen(ws[k]), &w[k]) != CC_PARSE_OK || !isfinite(w[k]) || w[k] < 0) {
            int rc = cmd_usage_error("topsis", "--weights: '%s' is not a number >= 0", ws[k]);
            mo_list_free(ws, nw);
            free(w);
            return rc;
        }
        wsum += w[k];
    }
    mo_list_free(ws, nw);
    if (nw && !(wsum > 0)) {
        free(w);
        return cmd_usage_error("topsis", "--weights: the weights add up to 0");
    }

    cc_matrix mx;
    if (cc_matrix_load(path, 0, &mx) != CC_OK) {
        free(w);
        return EXIT_FAIL;
    }
    int rc = EXIT_OK;
    if (nw != mx.n) {
        rc = cmd_usage_error("topsis", "--weights: %zu weights for %zu columns of %s", nw, mx.n, path);
        free(w);
        cc_matrix_release(&mx);
        return rc;
    }
    for (size_t k = 0; k < nw; k++)
        w[k] /= wsum;
    int *cost = cc_xcalloc(mx.n, sizeof *cost);
    if (costs) {
        char **names;
        size_t nc = mo_split(costs, &names);
        for (size_t k = 0; k < nc && rc == EXIT_OK; k++) {
            size_t j;
            for (j = 0; j < mx.n; j++)
                if (!strcmp(mx.cols[j], names[k]))
                    break;
            if (j == mx.n)
                rc = cmd_usage_error("topsis", "--cost: no column '%s' in %s", names[k], path);
            else
                cost[j] = 1;
        }
        mo_list_free(names, nc);
    }

    double *c = cc_xcalloc(mx.m, sizeof *c), *dp = cc_xcalloc(mx.m, sizeof *dp);
    double *dm = cc_xcalloc(mx.m, sizeof *dm);
    int *rank = cc_xcalloc(mx.m, sizeof *rank);
    if (rc == EXIT_OK)
        cc_topsis(mx.x, mx.m, mx.n, w, cost, c, dp, dm, rank);

    if (rc != EXIT_OK) {
        /* usage error already printed */
    } else if (format == MO_JSON) {
        json_t *root = json_object(), *rows = json_array();
        for (size_t i = 0; i < mx.m; i++) {
            json_t *r = json_object();
            json_object_set_new(r, "name", json_string(mx.rows[i]));
            json_object_set_new(r, "closeness", mo_json_num(c[i]));
            json_object_set_new(r, "d_plus", mo_json_num(dp[i]));
            json_object_set_new(r, "d_minus", mo_json_num(dm[i]));
            json_object_set_new(r, "rank", rank[i] ? json_integer(rank[i]) : json_null());
            json_array_append_new(rows, r);
        }
        json_object_set_new(root, "rows", rows);
        rc = mo_json_print(root);
    } else if (format == MO_CSV) {
        fputs("name,closeness,d_plus,d_minus,rank\n", stdout);
        for (size_t i = 0; i < mx.m; i++) {
            mo_csv_text(stdout, mx.rows[i]);
            fputc(',', stdout); mo_csv_num(stdout, c[i]);
            fputc(',', stdout); mo_csv_num(stdout, dp[i]);
            fputc(',', stdout); mo_csv_num(stdout, dm[i]);
            fputc(',', stdout);
            if (rank[i])
                printf("%d", rank[i]);
            fputc('\n', stdout);
        }
    } else {
        FILE *f = stdout;
        by_rank *ord = cc_xcalloc(mx.m, sizeof *ord);
        for (size_t i = 0; i < mx.m; i++) {
            ord[i].row = i;
            ord[i].rank = rank[i];
        }
        qsort(ord, mx.m, sizeof *ord, rank_cmp);
        mo_cell(f, "rank", 4, 1);
        fputs("  ", f); mo_cell(f, "alternative", 34, 0);
        fputs("  ", f); mo_cell(f, "closeness", 9, 1);
        fputs("  ", f); mo_cell(f, "D+", 9, 1);
        fputs("  ", f); mo_cell(f, "D-", 9, 1);
        fputc('\n', f);
        for (size_t k = 0; k < mx.m; k++) {
            size_t i = ord[k].row;
            char rk[16];
            if (rank[i])
                snprintf(rk, sizeof rk, "%d", rank[i]);
            else
                snprintf(rk, sizeof rk, "-");
            mo_cell(f, rk, 4, 1);
            fputs("  ", f); mo_cell(f, mx.rows[i], 34, 0);
            fputs("  ", f); mo_num(f, c[i], 4, 9);
            fputs("  ", f); mo_num(f, dp[i], 4, 9);
            fputs("  ", f); mo_num(f, dm[i], 4, 9);
            fputc('\n', f);
        }
        /* the weights as used, wrapped at 78 columns */
        const char *lead = "\nweights (scaled to sum 1):";
        fputs(lead, f);
        size_t col = strlen(lead) - 1;
        for (size_t j = 0; j < mx.n; j++) {
            char *item = cc_xasprintf(" %s %.4f%s%s", mx.cols[j], w[j], cost[j] ? " (cost)" : "",
                                      j + 1 < mx.n ? "," : "");
            size_t iw = cc_utf8_width(item);
            if (col + iw > 78) {
                fputs("\n ", f);
                col = 1;
            }
            fputs(item, f);
            col += iw;
            free(item);
        }
        fputc('\n', f);
        free(ord);
    }
    free(c); free(dp); free(dm); free(rank);
    free(cost);
    free(w);
    cc_matrix_release(&mx);
    return rc;
}
