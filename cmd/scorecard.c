/* carecard scorecard — the scorecard of any unit and period: a workbook, or a
 * table, CSV or JSON on standard output. */
#include "cmd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const cmd_opt options[] = {
    {"--period", "P", 0, "2026-W47 (ISO week), 2026-11 (month), 2026-Q4 or 2026Q4\n"
                         "(quarter), 2026 (year). Default: the last complete ISO\n"
                         "week before today.", NULL},
    {"--from", "DATE", OPT_ALT, "with --to: a custom range, both days included\n"
                                "(YYYY-MM-DD); its previous period is the same number of\n"
                                "days just before.", NULL},
    {"--to", "DATE", OPT_WITH, "the last day of the custom range", NULL},
    {"--street", "ID", 0, "only this street's communities and the street (the area\n"
                          "row is always listed; ranks are still among all units)", NULL},
    {"--community", "ID", OPT_ALT, "only this community (with its street and the area)", NULL},
    {"--format", "xlsx|table|csv|json", 0, "xlsx (default: a workbook written to --out), table (fits\n"
                                           "80 columns), csv (UTF-8 with BOM, one row per unit and\n"
                                           "indicator) or json (the machine-readable contract of\n"
                                           "docs/reports/json.md, full precision)", NULL},
    {"--out", "FILE", 0, "write to FILE instead of standard output (xlsx: default\n"
                         "scorecard-<period>.xlsx); written to a temporary name and\n"
                         "renamed, so a reader never sees half a file", NULL},
    {NULL, NULL, 0, NULL, NULL}
};

const cmd_spec cmd_scorecard_spec = {
    NULL, NULL, options,
    "Compute the balanced scorecard of a period: every indicator of indicators.ini\n"
    "for each community, its street and the area, with its value, score, warning\n"
    "level (达标/蓝/黄/红), run of missed periods and 专项整治 flag; dimension\n"
    "scores, total score, grade and ranks.\n"
    "\n"
    "Scores agree with the warning bands: 100 at the target, 80 at yellow, 60 at\n"
    "red, 0 at the floor ([scorecard] band_scores); a red value scores under 60.\n"
    "专项整治 marks a yellow or red value that missed its target escalate_after\n"
    "periods in a row; its colour stays its band. A community that did not report,\n"
    "or whose values cover less than [scorecard] min_coverage (0.6) of the\n"
    "scorecard, gets no total, grade or rank. A period wholly before or after the\n"
    "data is refused (exit 1) and nothing is written or recorded.\n",
    "The warnings of the period are recorded in the database's audit log\n"
    "(replacing that period's record for the units shown).\n"
    "\n"
    "Exit status: 0 success, 1 failure, 2 usage error, 4 the scorecard was\n"
    "written but some communities did not report activities this period (one line\n"
    "on standard error names them).\n"
    "\n"
    "Examples:\n"
    "  carecard scorecard --period 2026-W47 --street S01 --format table\n"
    "  carecard scorecard --from 2026-09-01 --to 2026-11-30 --format json > sc.json\n",
    0, 0
};

/* A --from/--to date: any spelling the input files accept (2026-11-17, 2026/11/17 ...). */
static int parse_day(const char *s, cc_day *out)
{
    return cc_parse_date(s, strlen(s), out) == CC_PARSE_OK ? 0 : -1;
}

static int parse_format(const char *s, cc_format *f)
{
    if (!strcmp(s, "table")) *f = CC_FMT_TABLE;
    else if (!strcmp(s, "csv")) *f = CC_FMT_CSV;
    else if (!strcmp(s, "json")) *f = CC_FMT_JSON;
    else if (!strcmp(s, "xlsx")) *f = CC_FMT_XLSX;
    else return -1;
    return 0;
}


/* Write through a temporary file renamed into place. */
static int render_to(const char *out, const cc_scorecard *sc, cc_format fmt)
{
    cc_err e;
    if (!out)
        return cmd_exit_code(cc_render_scorecard(stdout, sc, fmt));
    char *tmp = cc_xasprintf("%s.tmp%ld", out, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) {
        cc_error("%s: cannot write: %s", tmp, strerror(errno));
        free(tmp);
        return EXIT_FAIL;
    }
    e = cc_render_scorecard(f, sc, fmt);
    if (fclose(f) != 0 && !e)
        e = CC_ERR_IO;
    if (!e && rename(tmp, out) != 0) {
        cc_error("%s: cannot rename into place: %s", out, strerror(errno));
        e = CC_ERR_IO;
    }
    if (e) {
        if (e == CC_ERR_IO)
            cc_error("%s: write failed", out);
        remove(tmp);
    }
    free(tmp);
    return cmd_exit_code(e);
}

int cmd_scorecard(const cmd_args *a, cc_ctx *ctx)
{
    const char *period = NULL, *from = NULL, *to = NULL, *street = NULL, *community = NULL;
    const char *format = NULL, *out = NULL;
    cc_format fmt = CC_FMT_XLSX;
    cc_period p;
    period = cmd_get(a, "--period");
    from = cmd_get(a, "--from");
    to = cmd_get(a, "--to");
    street = cmd_get(a, "--street");
    community = cmd_get(a, "--community");
    format = cmd_get(a, "--format");
    out = cmd_get(a, "--out");
    if (format && parse_format(format, &fmt))
        return cmd_usage_error("scorecard", "--format '%s': expected xlsx, table, csv or json", format);
    if (street && community)
        return cmd_usage_error("scorecard", "give --street or --community, not both");
    if (period && (from || to))
        return cmd_usage_error("scorecard", "give --period or --from/--to, not both");
    if ((from != NULL) != (to != NULL))
        return cmd_usage_error("scorecard", "--from and --to go together");
    if (period) {
        if (cc_period_parse(period, &p) != CC_OK)
            return cmd_usage_error("scorecard", "--period '%s': expected 2026-W47, 2026-11, 2026-Q4 or 2026",
                                   period);
    } else if (from) {
        cc_day f, t;
        if (parse_day(from, &f))
            return cmd_usage_error("scorecard", "--from '%s': expected a date YYYY-MM-DD", from);
        if (parse_day(to, &t))
            return cmd_usage_error("scorecard", "--to '%s': expected a date YYYY-MM-DD", to);
        if (t < f)
            return cmd_usage_error("scorecard", "--to %s is before --from %s", to, from);
        p = cc_period_custom(f, t);
    } else {
        p = cc_period_last_complete(CC_PERIOD_WEEK, cc_today());
    }
    cc_scope scope = {0};
    const char *sv[1] = {street}, *cv[1] = {community};
    if (street) { scope.streets = sv; scope.nstreets = 1; }
    if (community) { scope.communities = cv; scope.ncommunities = 1; }

    cc_scorecard *sc = NULL;
    cc_err e = cc_scorecard_check_range(ctx->store, &p);
    if (!e)
        e = cc_scorecard_compute(ctx->store, &ctx->cfg, &p, &scope, &sc);
    if (e)
        return cmd_exit_code(e);
    if ((street && cc_units_find(&sc->units, CC_LEVEL_STREET, street) < 0) ||
        (community && cc_units_find(&sc->units, CC_LEVEL_COMMUNITY, community) < 0)) {
        cc_error("scorecard: no %s '%s' in the register on %s", street ? "street" : "community",
                 street ? street : community, p.id);
        cc_scorecard_free(sc);
        return EXIT_FAIL;
    }
    int rc;
    if (fmt == CC_FMT_XLSX) {
        char *def = NULL;
        if (!out) {
            char *safe = cc_safe_filename(p.id);
            def = cc_xasprintf("scorecard-%s.xlsx", safe);
            free(safe);
        }
        e = cc_report_scorecard_xlsx(ctx->store, sc, out ? out : def, 0);
        rc = cmd_exit_code(e);
        if (!e && !ctx->quiet)
            cc_notice("scorecard written to %s", out ? out : def);
        free(def);
    } else {
        rc = render_to(out, sc, fmt);
    }
    if (rc == EXIT_OK) {
        e = cc_scorecard_record(ctx->store, sc);
        if (e)
            rc = cmd_exit_code(e);
    }
    if (rc == EXIT_OK && sc->nnot_reported) {
        cc_buf b = CC_BUF_INIT;
        for (size_t i = 0; i < sc->units.ncomm; i++)
            if (!sc->res[i].reported)
                cc_buf_addf(&b, "%s%s %s", b.len ? ", " : "", sc->res[i].unit.id, sc->res[i].unit.name);
        cc_warn("%s: %zu %s did not report: %s", p.id, sc->nnot_reported,
                sc->nnot_reported == 1 ? "community" : "communities", b.s);
        cc_buf_release(&b);
        rc = EXIT_INCOMPLETE;
    }
    cc_scorecard_free(sc);
    return rc;
}
