/* carecard report — the weekly, monthly or quarterly workbooks. */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

static const cmd_opt options[] = {
    {"--period", "P", 0, "2026-W47, 2026-11, 2026-Q4 (default: the last complete period\nbefore today)", NULL},
    {"--street", "ID", OPT_REPEAT, "a street's workbook (repeatable)", NULL},
    {"--community", "ID", OPT_REPEAT, "a community's workbook (repeatable)", NULL},
    {"--out", "DIR", 0, "output directory (default reports)", NULL},
    {"--personal", NULL, 0, "full names of special children not reached (file mode 0600)", NULL},
    {"--lang", "zh|en", OPT_COMMON, NULL, NULL},
    {"--stamp", NULL, 0, "add a generated-at line with the clock (otherwise\nbyte-identical reruns)", NULL},
    {"--no-brief", NULL, 0, "leave out the one-page briefs (-简报.pdf/.png)", NULL},
    {"--jobs", "N", 0, "workbooks written in parallel, 1 to 16 (default: one per CPU\n"
                       "online, at most 4); the files do not depend on it", NULL},
    {NULL, NULL, 0, NULL, NULL}
};

const cmd_spec cmd_report_spec = {
    "weekly|monthly|quarterly", NULL, options,
    "Write the report of a period: one workbook per street (<out>/<period>/S01-东城街道.xlsx),\n"
    "all.xlsx for the whole area and warnings.csv, with PNG charts under charts/, and\n"
    "beside each street's workbook and all.xlsx a one-page brief for print and phones\n"
    "(S01-东城街道-简报.pdf, A4, and S01-东城街道-简报.png, 1080 px wide).\n"
    "With --street or --community only those workbooks are written.  Labels are\n"
    "in Chinese, or English with --lang en.\n"
    "\n"
    "A period wholly before or after the data is refused with exit status 1 (the\n"
    "message names the data's dates and the last period that holds data); nothing\n"
    "is written or recorded. Communities that did not report (未报) or whose values\n"
    "cover less than [scorecard] min_coverage get no total, grade or rank.\n",
    "Exit status 4 when the report was written but some communities did not report\n"
    "(one line on standard error names them).\n",
    1, 1
};

int cmd_report(const cmd_args *a, cc_ctx *ctx)
{
    cc_report_opts o;
    memset(&o, 0, sizeof o);
    o.out_dir = "reports";
    const char *kind = a->pos[0], *period = cmd_get(a, "--period"), *v;
    size_t nstreets, ncomms;
    const char **streets = cmd_get_all(a, "--street", &nstreets);
    const char **comms = cmd_get_all(a, "--community", &ncomms);
    int rc = EXIT_OK;
    o.nstreets = nstreets;
    o.ncommunities = ncomms;
    if ((v = cmd_get(a, "--out")))
        o.out_dir = v;
    o.personal = cmd_get(a, "--personal") != NULL;
    o.stamp = cmd_get(a, "--stamp") != NULL;
    o.no_brief = cmd_get(a, "--no-brief") != NULL;
    o.lang_en = ctx->labels_en;
    if ((v = cmd_get(a, "--jobs"))) {
        char *end;
        long n = strtol(v, &end, 10);
        if (!*v || *end || n < 1 || n > 16) {
            rc = cmd_usage_error("report", "--jobs: expected 1 to 16, got '%s'", v);
            goto done;
        }
        o.threads = (int)n;
    }
    cc_period_kind pk;
    if (!strcmp(kind, "weekly")) {
        o.kind = CC_REPORT_WEEKLY;
        pk = CC_PERIOD_WEEK;
    } else if (!strcmp(kind, "monthly")) {
        o.kind = CC_REPORT_MONTHLY;
        pk = CC_PERIOD_MONTH;
    } else if (!strcmp(kind, "quarterly")) {
        o.kind = CC_REPORT_QUARTERLY;
        pk = CC_PERIOD_QUARTER;
    } else {
        static const char *const kinds[] = {"weekly", "monthly", "quarterly"};
        const char *near = cmd_closest(kind, kinds, 3);
        if (near)
            rc = cmd_usage_error("report", "unknown report '%s'; did you mean '%s'?", kind, near);
        else
            rc = cmd_usage_error("report", "unknown report '%s' (weekly, monthly or quarterly)", kind);
        goto done;
    }
    if (o.nstreets && o.ncommunities) {
        rc = cmd_usage_error("report", "give --street or --community, not both");
        goto done;
    }
    if (period) {
        if (cc_period_parse(period, &o.period) != CC_OK) {
            rc = cmd_usage_error("report", "bad period '%s' (e.g. 2026-W47, 2026-11, 2026-Q4)", period);
            goto done;
        }
        if (o.period.kind != pk) {
            rc = cmd_usage_error("report", "%s report needs a %s period, got '%s'", kind,
                                 pk == CC_PERIOD_WEEK ? "week (2026-W47)"
                                 : pk == CC_PERIOD_MONTH ? "month (2026-11)" : "quarter (2026-Q4)",
                                 period);
            goto done;
        }
    } else {
        o.period = cc_period_last_complete(pk, cc_today());
    }
    o.streets = streets;
    o.communities = comms;
    o.progress = ctx->tty && !ctx->quiet;
    cmd_progress_install(ctx);

    size_t not_reported = 0;
    cc_err e = cc_report_run(ctx->store, &ctx->cfg, &o, &not_reported);
    if (e != CC_OK)
        rc = e == CC_ERR_USAGE ? EXIT_USAGE : EXIT_FAIL;
    else
        rc = not_reported ? EXIT_INCOMPLETE : EXIT_OK;
done:
    free(streets);
    free(comms);
    return rc;
}
