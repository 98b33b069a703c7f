/* carecard report — the weekly, monthly or quarterly workbooks. */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

const char cmd_report_help[] =
    "usage: carecard report weekly|monthly|quarterly [--period P] [--street ID]...\n"
    "                       [--community ID]... [--out DIR] [--personal] [--lang zh|en] [--stamp]\n"
    "                       [--no-brief]\n"
    "\n"
    "Write the report of a period: one workbook per street (<out>/<period>/S01-东城街道.xlsx),\n"
    "all.xlsx for the whole area and warnings.csv, with PNG charts under charts/, and\n"
    "beside each street's workbook and all.xlsx a one-page brief for print and phones\n"
    "(S01-东城街道-简报.pdf, A4, and S01-东城街道-简报.png, 1080 px wide).\n"
    "With --street or --community only those workbooks are written.\n"
    "\n"
    "  --period P       2026-W47, 2026-11, 2026-Q4 (default: the last complete period before today)\n"
    "  --street ID      a street's workbook (repeatable)\n"
    "  --community ID   a community's workbook (repeatable)\n"
    "  --out DIR        output directory (default reports)\n"
    "  --personal       full names of special children not reached (file mode 0600)\n"
    "  --lang zh|en     labels in Chinese (default) or English\n"
    "  --stamp          add a generated-at line with the clock (otherwise byte-identical reruns)\n"
    "  --no-brief       leave out the one-page briefs (*-简报.pdf/.png)\n"
    "  --jobs N         workbooks written in parallel, 1 to 16 (default: one per CPU\n"
    "                   online, at most 4); the files do not depend on it\n"
    "\n"
    "Exit status 4 when the report was written but some communities did not report\n"
    "(one line on standard error names them).\n";

static int take(int argc, char **argv, int *i, const char *name, const char **val)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0)
        return 0;
    if (a[n] == '=') {
        *val = a + n + 1;
        return 1;
    }
    if (a[n] != '\0')
        return 0;
    if (*i + 1 >= argc) {
        *val = NULL;
        return -1;
    }
    *val = argv[++*i];
    return 1;
}

int cmd_report(int argc, char **argv, cc_ctx *ctx)
{
    cc_report_opts o;
    memset(&o, 0, sizeof o);
    o.out_dir = "reports";
    const char *kind = NULL, *period = NULL, *lang = "zh";
    const char **streets = calloc((size_t)argc + 1, sizeof *streets);
    const char **comms = calloc((size_t)argc + 1, sizeof *comms);
    int rc = EXIT_OK;
    if (!streets || !comms) {
        free(streets);
        free(comms);
        cc_error("out of memory");
        return EXIT_FAIL;
    }
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r;
        const char *a = argv[i];
        if ((r = take(argc, argv, &i, "--period", &v))) {
            if (r < 0) goto missing;
            period = v;
        } else if ((r = take(argc, argv, &i, "--street", &v))) {
            if (r < 0) goto missing;
            streets[o.nstreets++] = v;
        } else if ((r = take(argc, argv, &i, "--community", &v))) {
            if (r < 0) goto missing;
            comms[o.ncommunities++] = v;
        } else if ((r = take(argc, argv, &i, "--out", &v))) {
            if (r < 0) goto missing;
            o.out_dir = v;
        } else if ((r = take(argc, argv, &i, "--lang", &v))) {
            if (r < 0) goto missing;
            lang = v;
        } else if ((r = take(argc, argv, &i, "--jobs", &v))) {
            if (r < 0) goto missing;
            char *end;
            long n = strtol(v, &end, 10);
            if (*end || n < 1 || n > 16) {
                rc = cmd_usage_error("report", "--jobs: expected 1 to 16, got '%s'", v);
                goto done;
            }
            o.threads = (int)n;
        } else if (!strcmp(a, "--personal")) {
            o.personal = 1;
        } else if (!strcmp(a, "--stamp")) {
            o.stamp = 1;
        } else if (!strcmp(a, "--no-brief")) {
            o.no_brief = 1;
        } else if (a[0] == '-' && a[1]) {
            rc = cmd_usage_error("report", "unknown option '%s'", a);
            goto done;
        } else if (!kind) {
            kind = a;
        } else {
            rc = cmd_usage_error("report", "unexpected argument '%s'", a);
            goto done;
        }
        continue;
missing:
        rc = cmd_usage_error("report", "option '%s' needs a value", a);
        goto done;
    }
    cc_period_kind pk;
    if (!kind) {
        rc = cmd_usage_error("report", "which report? weekly, monthly or quarterly");
        goto done;
    } else if (!strcmp(kind, "weekly")) {
        o.kind = CC_REPORT_WEEKLY;
        pk = CC_PERIOD_WEEK;
    } else if (!strcmp(kind, "monthly")) {
        o.kind = CC_REPORT_MONTHLY;
        pk = CC_PERIOD_MONTH;
    } else if (!strcmp(kind, "quarterly")) {
        o.kind = CC_REPORT_QUARTERLY;
        pk = CC_PERIOD_QUARTER;
    } else {
        rc = cmd_usage_error("report", "unknown report '%s' (weekly, monthly or quarterly)", kind);
        goto done;
    }
    if (!strcmp(lang, "en"))
        o.lang_en = 1;
    else if (strcmp(lang, "zh")) {
        rc = cmd_usage_error("report", "--lang: expected zh or en, got '%s'", lang);
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
