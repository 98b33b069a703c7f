/* carecard check — validate indicators.ini and print the catalog. */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

static const cmd_opt options[] = {
    {"--config", "FILE", OPT_COMMON, NULL, NULL},
    {NULL, NULL, 0, NULL, NULL}
};

const cmd_spec cmd_check_spec = {
    NULL, NULL, options,
    "Validate the indicator catalog (indicators.ini, or --config FILE, or\n"
    "$CARECARD_CONFIG) and print it.\n"
    "\n"
    "Every problem is reported on standard error as\n"
    "  carecard: FILE:LINE: what is wrong; expected what\n"
    "(FILE:LINE:COLUMN for formulas), all of them, not only the first:\n"
    "unknown sections or keys, unknown measure names or survey items, formula\n"
    "syntax errors, yellow/red on the wrong side of the target, a missing floor\n"
    "for direction = lower, escalate_after outside 1-12, bad windows, units,\n"
    "weights, AHP matrix shapes, duplicated sections or keys, over-long lines.\n"
    "With weights = ahp the matrices must also be consistent (CR < 0.10).\n"
    "\n"
    "When the file is valid, standard output gets the catalog as a table that\n"
    "fits 80 columns: each indicator (ID, dimension, name, direction, target,\n"
    "yellow, red, window; then its formula and its other settings), the\n"
    "scorecard settings and weights, the survey items and the KANO features.\n"
    "\n"
    "Exit status: 0 valid, 1 configuration errors or unreadable file,\n"
    "2 usage error.\n"
    "\n"
    "Example:\n"
    "  carecard check --config /etc/carecard/indicators.ini\n",
    NULL, 0, 0
};

/* Print s padded (or cut with an ellipsis) to exactly width display columns. */
static void cell(FILE *f, const char *s, size_t width)
{
    size_t w = cc_utf8_width(s);
    if (w <= width) {
        fputs(s, f);
        for (size_t i = w; i < width; i++)
            fputc(' ', f);
        return;
    }
    /* cut: keep whole code points while they fit in width - 1, then "…" */
    size_t used = 0, n = strlen(s), i = 0;
    while (i < n) {
        uint32_t cp;
        int k = cc_utf8_decode(s + i, n - i, &cp);
        if (k <= 0)
            break;
        char tmp[5];
        memcpy(tmp, s + i, (size_t)k);
        tmp[k] = '\0';
        size_t cw = cc_utf8_width(tmp);
        if (used + cw > width - 1)
            break;
        fwrite(s + i, 1, (size_t)k, f);
        used += cw;
        i += (size_t)k;
    }
    fputs("…", f);
    used++;
    for (; used < width; used++)
        fputc(' ', f);
}

/* Write text wrapped at spaces so no line is wider than 79 columns.  The
 * first line continues at column `col` (what is already printed; when it is
 * 0, `indent` spaces are printed first); later lines are indented by
 * indent + 2. */
static void wrapped_at(FILE *f, const char *text, size_t indent, size_t col)
{
    if (col == 0) {
        for (size_t i = 0; i < indent; i++)
            fputc(' ', f);
        col = indent;
    }
    const char *p = text;
    int first = 1;
    while (*p) {
        const char *sp = strchr(p, ' ');
        size_t len = sp ? (size_t)(sp - p) : strlen(p);
        char *word = cc_xstrndup(p, len);
        size_t w = cc_utf8_width(word);
        if (!first && col + 1 + w > 79) {
            fputc('\n', f);
            for (size_t i = 0; i < indent + 2; i++)
                fputc(' ', f);
            col = indent + 2;
            first = 1;
        }
        if (!first) {
            fputc(' ', f);
            col++;
        }
        fputs(word, f);
        col += w;
        first = 0;
        free(word);
        p += len;
        while (*p == ' ')
            p++;
    }
    fputc('\n', f);
}

static void wrapped(FILE *f, const char *text, size_t indent)
{
    wrapped_at(f, text, indent, 0);
}

static void num(char *out, size_t len, double v)
{
    snprintf(out, len, "%g", v);
}

/* Weights.  Fixed weights are shown as configured (normalised); with
 * weights = ahp the dimension weights, λmax and CR come from the score layer
 * (cc_config_check_weights, already run and passed: dims), as do the
 * indicator weights of each [ahp.<dimension>]; entropy weights depend on each
 * period's data and are shown in the reports' definitions sheet. */
static void print_weights(FILE *f, const cc_config *cfg, const cc_ahp_result *dims)
{
    const double *ahp_ind[CC_MAX_DIMS] = {NULL};
    cc_ahp_result ind_res[CC_MAX_DIMS];
    memset(ind_res, 0, sizeof ind_res);
    double dimw[CC_MAX_DIMS], *indw = cc_xcalloc(cfg->nind + 1, sizeof *indw);
    cc_config_weights(cfg, dims, dimw, indw);     /* within each dimension, as the scorecard's */
    if (cfg->weights == CC_WEIGHTS_AHP)
        for (size_t d = 0; d < cfg->ndims; d++) {
            size_t k = 0;
            for (size_t i = 0; i < cfg->nind; i++)
                if (cfg->ind[i].dim == (int)d)
                    k++;
            char err[256];
            if (cfg->has_ahp_dim[d] && cfg->ahp_dim[d]
                && cc_ahp(cfg->ahp_dim[d], k, &ind_res[d], err, sizeof err) == CC_OK && ind_res[d].n == k)
                ahp_ind[d] = ind_res[d].weights;
        }

    static const char *const method[] = {"fixed", "ahp", "entropy"};
    fprintf(f, "\nWeights: %s", method[cfg->weights]);
    if (cfg->weights == CC_WEIGHTS_AHP)
        fprintf(f, " (dimensions from the [ahp] matrix)");
    else if (cfg->weights == CC_WEIGHTS_ENTROPY)
        fprintf(f, " (indicator weights from each period's data)");
    fprintf(f, ", ranking by %s\n", cfg->ranking == CC_RANK_TOPSIS ? "TOPSIS closeness" : "total score");
    if (cfg->weights == CC_WEIGHTS_AHP && dims && dims->n == cfg->ndims)
        fprintf(f, "AHP: lambda_max %.4f, CI %.4f, RI %.2f, CR %.4f (< 0.10: consistent)\n",
                dims->lambda_max, dims->ci, dims->ri, dims->cr);
    for (size_t d = 0; d < cfg->ndims; d++)
        if (ahp_ind[d])
            fprintf(f, "AHP [ahp.%s]: CR %.4f\n", cfg->dims[d], ind_res[d].cr);
    fprintf(f, "Grades: 优秀 >= %g, 良好 >= %g, 合格 >= %g, else 不合格\n",
            cfg->grades[0], cfg->grades[1], cfg->grades[2]);
    fprintf(f, "%-12s %8s  %s\n", "dimension", "weight", "indicators (weight within the dimension)");
    for (size_t d = 0; d <= cfg->ndims; d++) {
        int dim = d < cfg->ndims ? (int)d : -1;
        size_t n = 0;
        for (size_t i = 0; i < cfg->nind; i++)
            if (cfg->ind[i].dim == dim)
                n++;
        if (dim < 0 && n == 0)
            break;
        cc_buf b = CC_BUF_INIT;
        for (size_t i = 0; i < cfg->nind; i++) {
            if (cfg->ind[i].dim != dim)
                continue;
            if (dim < 0)
                cc_buf_addf(&b, "%s%s", b.len ? " " : "", cfg->ind[i].id);
            else if (cfg->weights == CC_WEIGHTS_ENTROPY)
                cc_buf_addf(&b, "%s%s", b.len ? " " : "", cfg->ind[i].id);
            else
                cc_buf_addf(&b, "%s%s=%.3f", b.len ? " " : "", cfg->ind[i].id, indw[i]);
        }
        char w[32];
        if (dim < 0)
            snprintf(w, sizeof w, "-");
        else if (cfg->weights == CC_WEIGHTS_AHP && dims && dims->n == cfg->ndims)
            snprintf(w, sizeof w, "%.3f", dims->weights[d]);
        else
            snprintf(w, sizeof w, "%.3f", cfg->dim_weight[d]);
        char head[64];
        snprintf(head, sizeof head, "%-12s %8s ", cc_config_dim_name(cfg, dim), w);
        fputs(head, f);
        wrapped_at(f, b.s ? b.s : "(none)", 20, strlen(head));
        cc_buf_release(&b);
    }
    for (size_t d = 0; d < CC_MAX_DIMS; d++)
        cc_ahp_release(&ind_res[d]);
    free(indw);
}

static void print_catalog(FILE *f, const cc_config *cfg, const cc_ahp_result *dims)
{
    size_t extra = 0;
    for (size_t i = 0; i < cfg->nind; i++)
        if (cfg->ind[i].dim < 0)
            extra++;
    char *sum = cc_xasprintf("%s: %zu indicators (%zu scored in %zu dimensions, %zu extra), %zu survey "
                             "items, %zu KANO features", cfg->path, cfg->nind, cfg->nind - extra, cfg->ndims,
                             extra, cfg->nitems, cfg->nkano);
    wrapped(f, sum, 0);
    fputc('\n', f);
    free(sum);

    cell(f, "ID", 5); cell(f, "dimension", 11); cell(f, "name", 22); cell(f, "dir", 7);
    cell(f, "target", 8); cell(f, "yellow", 8); cell(f, "red", 8); fputs("window\n", f);
    for (size_t i = 0; i < 78; i++)
        fputc('-', f);
    fputc('\n', f);
    for (size_t i = 0; i < cfg->nind; i++) {
        const cc_indicator *ind = &cfg->ind[i];
        char t[32], y[32], r[32], w[32];
        num(t, sizeof t, ind->target);
        num(y, sizeof y, ind->yellow);
        num(r, sizeof r, ind->red);
        cc_window_format(&ind->window, w, sizeof w);
        cell(f, ind->id, 5);
        cell(f, cc_config_dim_name(cfg, ind->dim), 11);
        cell(f, ind->name, 21);
        fputc(' ', f);
        cell(f, cc_direction_name(ind->direction), 7);
        cell(f, t, 8); cell(f, y, 8); cell(f, r, 8);
        fprintf(f, "%s\n", w);
        char *fl = cc_xasprintf("= %s", ind->formula_src);
        wrapped(f, fl, 5);
        free(fl);
        char floor[32], mn[32], wt[32];
        num(floor, sizeof floor, ind->floor);
        num(mn, sizeof mn, ind->min_n);
        num(wt, sizeof wt, ind->weight);
        char *line = cc_xasprintf("unit %s, floor %s, weight %s, min_n %s, escalate after %d",
                                  cc_unit_name(ind->unit), floor, wt, mn, ind->escalate_after);
        wrapped(f, line, 7);
        free(line);
    }

    print_weights(f, cfg, dims);

    fprintf(f, "\nSurvey items\n");
    cell(f, "item", 16); cell(f, "scale", 9); cell(f, "group", 14); fputs("roles\n", f);
    for (size_t i = 0; i < 78; i++)
        fputc('-', f);
    fputc('\n', f);
    for (size_t i = 0; i < cfg->nitems; i++) {
        const cc_item *it = &cfg->items[i];
        cell(f, it->id, 16);
        cell(f, it->scale == CC_SCALE_YESNO ? "yesno" : "likert5", 9);
        cell(f, it->group ? it->group : "-", 14);
        if (!it->nroles)
            fputs("all", f);
        for (size_t r = 0; r < it->nroles; r++)
            fprintf(f, "%s%s", r ? ", " : "", it->roles[r]);
        fputc('\n', f);
        wrapped(f, it->column, 5);
    }
    if (!cfg->nitems)
        fputs("(none)\n", f);

    fprintf(f, "\nKANO features\n");
    cell(f, "feature", 20); fputs("name / functional / dysfunctional question\n", f);
    for (size_t i = 0; i < 78; i++)
        fputc('-', f);
    fputc('\n', f);
    for (size_t i = 0; i < cfg->nkano; i++) {
        const cc_kano_feature *k = &cfg->kano[i];
        cell(f, k->id, 20);
        fprintf(f, "%s\n", k->name);
        char *a = cc_xasprintf("+ %s", k->functional);
        char *b = cc_xasprintf("- %s", k->dysfunctional);
        wrapped(f, a, 5);
        wrapped(f, b, 5);
        free(a);
        free(b);
    }
    if (!cfg->nkano)
        fputs("(none)\n", f);
}

int cmd_check(const cmd_args *a, cc_ctx *ctx)
{
    (void)a;
    cc_config cfg;
    if (cc_config_load(ctx->config_path, &cfg) != CC_OK)
        return EXIT_FAIL;
    /* weights = ahp: the matrices' consistency (CR < 0.10) is checked by
     * the score layer, which prints the CR of an inconsistent matrix */
    cc_ahp_result dims;
    if (cc_config_check_weights(&cfg, &dims) != CC_OK) {
        cc_config_release(&cfg);
        return EXIT_FAIL;
    }
    print_catalog(stdout, &cfg, &dims);
    cc_ahp_release(&dims);
    cc_config_release(&cfg);
    return EXIT_OK;
}
