/* carecard kano — the KANO table of a survey file, without a database. */
#include "methods_out.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const cmd_opt options[] = {
    {"--config", "FILE", OPT_COMMON, NULL, NULL},
    {"--format", "table|csv|json", 0, "output (default table). csv:\n"
                                      "priority,id,name,A,O,M,I,R,Q,category,better,worse;\n"
                                      "json: {\"kano\": [{\"id\", \"name\", \"counts\": {\"A\"...\"Q\"},\n"
                                      "\"category\", \"better\", \"worse\", \"priority\"}, ...]} in\n"
                                      "priority order, full precision", NULL},
    {NULL, NULL, 0, NULL, NULL}
};

const cmd_spec cmd_kano_spec = {
    "SURVEY.csv", NULL, options,
    "The KANO table of a survey file, read directly (no database): for every\n"
    "[kano.<id>] feature of indicators.ini, the A O M I R Q counts, the\n"
    "category, Better, Worse and the improvement priority -- the same table as\n"
    "the quarterly report's 满意度与KANO sheet.\n"
    "\n"
    "SURVEY.csv is a surveys file as ingested (docs/inputs/surveys.md): one row\n"
    "per response, one column per question. A feature's two questions are found\n"
    "by header text, after removing surrounding spaces and a leading question\n"
    "number (12、 12. Q12. Q12、 第12题). Every row counts (no community or date\n"
    "filter). UTF-8 or GB18030, comma or tab.\n"
    "\n"
    "Answers: 1 like (我很喜欢 非常喜欢 喜欢), 2 must-be (理所当然 理应如此\n"
    "必须这样), 3 neutral (无所谓), 4 live-with (能忍受 可以忍受), 5 dislike\n"
    "(我很不喜欢 很不喜欢 不喜欢). A response counts for a feature when both its\n"
    "answers are given; a pair with an answer that cannot be read is left out\n"
    "and counted in a notice.\n"
    "\n"
    "Evaluation table (functional answer = row, dysfunctional = column):\n"
    "                  like  must-be  neutral  live-with  dislike\n"
    "    like           Q      A        A         A          O\n"
    "    must-be        R      I        I         I          M\n"
    "    neutral        R      I        I         I          M\n"
    "    live-with      R      I        I         I          M\n"
    "    dislike        R      R        R         R          Q\n"
    "A attractive 魅力, O one-dimensional 期望, M must-be 必备, I indifferent\n"
    "无差异, R reverse 反向, Q questionable 可疑.\n"
    "Category: the most frequent; ties M > O > A > I > R > Q. A feature nobody\n"
    "answered is shown as Q with no Better/Worse.\n"
    "Better = (A + O) / (A + O + M + I);  Worse = -(O + M) / (A + O + M + I);\n"
    "both undefined ('-', json null) when A + O + M + I = 0.\n"
    "Priority (1 = improve first): M, then O, then A, then I, R, Q; within a\n"
    "category by |Worse|, then Better, both descending; then config order.\n",
    "The features come from --config FILE (default $CARECARD_CONFIG or\n"
    "indicators.ini); a file holding only the [kano.*] sections is enough.\n"
    "\n"
    "Exit: 0 success, 1 unreadable file or config, or no feature's questions in\n"
    "the file, 2 usage error.\n",
    1, 1
};

static const char *const cat_zh[6] = {"魅力", "期望", "必备", "无差异", "反向", "可疑"};

int cmd_kano(const cmd_args *a, cc_ctx *ctx)
{
    const char *path = a->pos[0], *fmt = cmd_get(a, "--format");
    if (!fmt)
        fmt = "table";
    int format = mo_format(fmt);
    if (format < 0)
        return cmd_usage_error("kano", "--format must be table, csv or json, not '%s'", fmt);
    if (!path)
        return cmd_usage_error("kano", "missing SURVEY.csv");

    cc_config cfg;
    if (cc_config_load_flags(ctx->config_path, CC_CONFIG_PARTIAL, &cfg) != CC_OK)
        return EXIT_FAIL;
    cc_kano_row *rows = NULL;
    size_t n = 0;
    long unparsed = 0;
    int rc = cc_kano_survey(path, &cfg, &rows, &n, &unparsed) == CC_OK ? EXIT_OK : EXIT_FAIL;

    if (rc == EXIT_OK) {
        if (unparsed)
            cc_notice("%s: %ld answer pair%s could not be read and %s left out (-v lists them)",
                      path, unparsed, unparsed == 1 ? "" : "s", unparsed == 1 ? "is" : "are");
        static const char letters[6][2] = {"A", "O", "M", "I", "R", "Q"};
        if (format == MO_JSON) {
            json_t *root = json_object(), *arr = json_array();
            for (size_t k = 0; k < n; k++) {
                json_t *o = json_object(), *c = json_object();
                json_object_set_new(o, "id", json_string(rows[k].feature->id));
                json_object_set_new(o, "name", json_string(rows[k].feature->name ? rows[k].feature->name
                                                                                : rows[k].feature->id));
                for (int t = 0; t < 6; t++)
                    json_object_set_new(c, letters[t], json_integer(rows[k].counts[t]));
                json_object_set_new(o, "counts", c);
                json_object_set_new(o, "category", json_string(letters[rows[k].category]));
                json_object_set_new(o, "better", mo_json_num(rows[k].better));
                json_object_set_new(o, "worse", mo_json_num(rows[k].worse));
                json_object_set_new(o, "priority", json_integer(rows[k].priority));
                json_array_append_new(arr, o);
            }
            json_object_set_new(root, "kano", arr);
            rc = mo_json_print(root);
        } else if (format == MO_CSV) {
            fputs("priority,id,name,A,O,M,I,R,Q,category,better,worse\n", stdout);
            for (size_t k = 0; k < n; k++) {
                printf("%d,", rows[k].priority);
                mo_csv_text(stdout, rows[k].feature->id);
                fputc(',', stdout);
                mo_csv_text(stdout, rows[k].feature->name ? rows[k].feature->name : "");
                for (int t = 0; t < 6; t++)
                    printf(",%ld", rows[k].counts[t]);
                printf(",%s,", letters[rows[k].category]);
                mo_csv_num(stdout, rows[k].better);
                fputc(',', stdout);
                mo_csv_num(stdout, rows[k].worse);
                fputc('\n', stdout);
            }
        } else {
            FILE *f = stdout;
            mo_cell(f, "#", 2, 1);
            fputs("  ", f); mo_cell(f, "feature", 21, 0);
            for (int t = 0; t < 6; t++) {
                fputc(' ', f);
                mo_cell(f, letters[t], 4, 1);
            }
            fputs("  ", f); mo_cell(f, "category", 9, 0);
            fputs(" ", f); mo_cell(f, "Better", 6, 1);
            fputs(" ", f); mo_cell(f, "Worse", 6, 1);
            fputc('\n', f);
            for (size_t k = 0; k < n; k++) {
                char pr[16], cat[32];
                snprintf(pr, sizeof pr, "%d", rows[k].priority);
                snprintf(cat, sizeof cat, "%s %s", letters[rows[k].category], cat_zh[rows[k].category]);
                const char *nm = rows[k].feature->name ? rows[k].feature->name : rows[k].feature->id;
                mo_cell(f, pr, 2, 1);
                fputs("  ", f); mo_cell(f, nm, 21, 0);
                for (int t = 0; t < 6; t++) {
                    char num[24];
                    snprintf(num, sizeof num, "%ld", rows[k].counts[t]);
                    fputc(' ', f);
                    mo_cell(f, num, 4, 1);
                }
                fputs("  ", f); mo_cell(f, cat, 9, 0);
                fputs(" ", f); mo_num(f, rows[k].better, 3, 6);
                fputs(" ", f); mo_num(f, rows[k].worse, 3, 6);
                fputc('\n', f);
            }
            fputs("\nA 魅力 attractive  O 期望 one-dimensional  M 必备 must-be  I 无差异 indifferent\n"
                  "R 反向 reverse  Q 可疑 questionable.  Priority 1 = improve first.\n", f);
        }
    }
    free(rows);
    cc_config_release(&cfg);
    return rc;
}
