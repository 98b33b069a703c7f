/* carecard ingest — store input files (CSV/TSV, UTF-8 or GB18030; .xlsx/.xls workbooks) in the database. */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char cmd_ingest_help[] =
    "usage: carecard ingest [--db FILE] [--kind KIND] [--strict] [--encoding auto|utf8|gb18030]\n"
    "                       [--rejects DIR] [--sheet NAME] FILE|DIR...\n"
    "\n"
    "Store activity logs, attendance, surveys and registers in the database.\n"
    "A directory stands for every .csv, .tsv, .xlsx and .xls file in it (sorted\n"
    "by name; any other file is named in a notice; an empty directory is not an\n"
    "error).  A workbook (.xlsx, .xls) is read sheet by sheet: every visible\n"
    "sheet whose header (within its first 10 rows) names an input kind.  Files are stored in dependency order:\n"
    "communities, then providers and activities, then the rest, whatever the\n"
    "order given.  Each file is one transaction: all its accepted rows and its\n"
    "entry in the ingest log are stored, or nothing is.\n"
    "\n"
    "File kinds (detected from the header, English keys or Chinese headers):\n"
    "  communities 社区名册   providers 服务者档案   activities 活动台账\n"
    "  attendance 签到明细    surveys 问卷           assessments 儿童发展评估\n"
    "  trainings 培训记录     timebank 时间银行流水   feedback 意见反馈\n"
    "\n"
    "Options:\n"
    "  --kind KIND        treat every file as this kind instead of detecting it\n"
    "  --strict           refuse a whole file when any of its rows is bad\n"
    "  --encoding ENC     auto (default: UTF-8 when the whole file is valid\n"
    "                     UTF-8, else GB18030), utf8, or gb18030 (also gbk)\n"
    "  --rejects DIR      where to write FILE.rejects.csv, the rejected rows with\n"
    "                     their line and reason (default: beside the database)\n"
    "  --sheet NAME       of a workbook, read this sheet only\n"
    "\n"
    "A bad row is rejected, reported as\n"
    "  carecard: FILE:LINE: column 'attended' (实到人数): value '-3' — expected integer ≥ 0\n"
    "(of a sheet: FILE: sheet S, row 12, column 实到人数 (E12): ...)\n"
    "and the rest of the file is stored.  A file whose SHA-256 was ingested\n"
    "before is skipped; a changed file with the same name replaces what its\n"
    "earlier version stored.  Within a file a later row with the same key\n"
    "replaces an earlier one (with a notice).\n"
    "\n"
    "Exit status: 0 every file stored (or skipped); 1 a file was not stored (the\n"
    "files stored before it are listed); 2 usage error; 3 every file stored but\n"
    "some rows were rejected (see the rejects files).\n";

int cmd_ingest(int argc, char **argv, cc_ctx *ctx)
{
    cc_ingest_opts opts;
    memset(&opts, 0, sizeof opts);
    opts.kind = CC_KIND_UNKNOWN;
    opts.encoding = CC_ENC_AUTO;
    opts.progress = ctx->tty && !ctx->quiet;
    const char **args = calloc((size_t)argc + 1, sizeof *args);
    size_t nargs = 0;
    int only_args = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (only_args || a[0] != '-' || !strcmp(a, "-")) {
            args[nargs++] = a;
            continue;
        }
        if (!strcmp(a, "--")) {
            only_args = 1;
            continue;
        }
        if (!strcmp(a, "--strict")) {
            opts.strict = 1;
            continue;
        }
        const char *name = a, *val = NULL;
        char opt[32];
        const char *eq = strchr(a, '=');
        if (eq && (size_t)(eq - a) < sizeof opt) {
            memcpy(opt, a, (size_t)(eq - a));
            opt[eq - a] = '\0';
            name = opt;
            val = eq + 1;
        }
        if (strcmp(name, "--kind") && strcmp(name, "--encoding") && strcmp(name, "--rejects") &&
            strcmp(name, "--sheet")) {
            free(args);
            return cmd_usage_error("ingest", "unknown option '%s'", a);
        }
        if (!val) {
            if (i + 1 >= argc) {
                free(args);
                return cmd_usage_error("ingest", "option '%s' needs a value", a);
            }
            val = argv[++i];
        }
        if (!strcmp(name, "--kind")) {
            opts.kind = cc_kind_parse(val);
            if (opts.kind == CC_KIND_UNKNOWN) {
                free(args);
                return cmd_usage_error("ingest", "unknown kind '%s' (communities, providers, activities, "
                                       "attendance, surveys, assessments, trainings, timebank, feedback)", val);
            }
        } else if (!strcmp(name, "--encoding")) {
            int e = cc_encoding_parse(val);
            if (e < 0) {
                free(args);
                return cmd_usage_error("ingest", "unknown encoding '%s' (auto, utf8, gb18030)", val);
            }
            opts.encoding = (cc_encoding)e;
        } else if (!strcmp(name, "--sheet")) {
            opts.sheet = val;
        } else {
            struct stat st;
            if (stat(val, &st) != 0 || !S_ISDIR(st.st_mode)) {
                free(args);
                return cmd_usage_error("ingest", "--rejects %s: no such directory", val);
            }
            opts.rejects_dir = val;
        }
    }
    if (nargs == 0) {
        free(args);
        return cmd_usage_error("ingest", "no input files given");
    }
    cc_err oe;
    if (!cmd_store(ctx, &oe)) {
        free(args);
        return cmd_exit_code(oe);
    }
    char **paths = NULL;
    size_t npaths = 0;
    cc_err xe = cc_ingest_expand(args, nargs, &paths, &npaths);
    free(args);
    cc_ingest_stats *stats = calloc(npaths + 1, sizeof *stats);
    cc_err e = npaths ? cc_ingest_files(ctx->store, (const char *const *)paths, npaths, &opts, stats) : CC_OK;
    int rejected = 0;
    for (size_t i = 0; i < npaths; i++) {
        rejected |= stats[i].rows_rejected > 0;
        free(paths[i]);
    }
    free(paths);
    free(stats);
    if (e != CC_OK || xe != CC_OK)
        return EXIT_FAIL;
    return rejected ? EXIT_REJECTED : EXIT_OK;
}
