/* carecard warnings — the red/yellow/blue warnings of a period, red first. */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const cmd_opt options[] = {
    {"--period", "P", 0, "2026-W47, 2026-11, 2026-Q4 or 2026 (default: the last\n"
                         "complete ISO week before today)", NULL},
    {"--level", "red|yellow|blue", 0, "only warnings at this level or worse (blue = every\n"
                                      "warning; without --level resolved ones are listed too)", NULL},
    {"--street", "ID", 0, "only this street's communities and the street", NULL},
    {"--community", "ID", OPT_ALT, "only this community", NULL},
    {"--format", "table|csv|json", 0, "table (default), csv (the columns of warnings.csv:\n"
                                      "period,unit_level,unit_id,unit_name,indicator_id,\n"
                                      "indicator_name,status,value,target,run,rectify,change,\n"
                                      "explanation,item,item_state; UTF-8 with BOM) or json\n"
                                      "(docs/reports/json.md)", NULL},
    {NULL, NULL, 0, NULL, NULL}
};

const cmd_spec cmd_warnings_spec = {
    NULL, NULL, options,
    "List the warnings of a period, red first: every indicator of every community,\n"
    "street and the area that missed its target (蓝 blue, 黄 yellow, 红 red),\n"
    "every community that did not report (未报), and the warnings of the previous\n"
    "period that are resolved (已解除). Each line gives the value, the target, the\n"
    "run of missed periods (连续未达标), the change (新增/持续/已解除), the action\n"
    "(专项整治, 限期整改, 关注, 督促报送) and the explanation.\n",
    "Exit status: 0 success, 1 failure, 2 usage error.\n",
    0, 0
};

int cmd_warnings(const cmd_args *a, cc_ctx *ctx)
{
    const char *period = NULL, *level = NULL, *format = NULL, *street = NULL, *community = NULL;
    cc_format fmt = CC_FMT_TABLE;
    int min_colour = CC_COL_MET;
    cc_period p;
    period = cmd_get(a, "--period");
    level = cmd_get(a, "--level");
    format = cmd_get(a, "--format");
    street = cmd_get(a, "--street");
    community = cmd_get(a, "--community");
    if (format) {
        if (!strcmp(format, "table")) fmt = CC_FMT_TABLE;
        else if (!strcmp(format, "csv")) fmt = CC_FMT_CSV;
        else if (!strcmp(format, "json")) fmt = CC_FMT_JSON;
        else return cmd_usage_error("warnings", "--format '%s': expected table, csv or json", format);
    }
    if (level) {
        if (!strcmp(level, "red")) min_colour = CC_COL_RED;
        else if (!strcmp(level, "yellow")) min_colour = CC_COL_YELLOW;
        else if (!strcmp(level, "blue")) min_colour = CC_COL_BLUE;
        else return cmd_usage_error("warnings", "--level '%s': expected red, yellow or blue", level);
    }
    if (street && community)
        return cmd_usage_error("warnings", "give --street or --community, not both");
    if (period) {
        if (cc_period_parse(period, &p) != CC_OK)
            return cmd_usage_error("warnings", "--period '%s': expected 2026-W47, 2026-11, 2026-Q4 or 2026",
                                   period);
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
        cc_error("warnings: no %s '%s' in the register on %s", street ? "street" : "community",
                 street ? street : community, p.id);
        cc_scorecard_free(sc);
        return EXIT_FAIL;
    }
    cc_ledger_entry *le = NULL;
    size_t nle = 0;
    cc_items items = {0};
    if ((e = cc_store_ledger_entries(ctx->store, &le, &nle)) == CC_OK &&
        (e = cc_items_compute(ctx->store, sc, le, nle, &items)) == CC_OK)
        e = cc_render_warnings(stdout, sc, &items, fmt, min_colour);
    cc_items_release(&items);
    cc_ledger_entries_free(le, nle);
    cc_scorecard_free(sc);
    return cmd_exit_code(e);
}
