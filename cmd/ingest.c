/* carecard ingest — store input files (CSV/TSV, UTF-8 or GB18030; .xlsx/.xls workbooks) in the database. */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const cmd_opt options[] = {
    {"--db", "FILE", OPT_COMMON, NULL, NULL},
    {"--kind", "KIND", 0, "treat every file as this kind instead of detecting it", NULL},
    {"--strict", NULL, 0, "refuse a whole file when any of its rows is bad", NULL},
    {"--encoding", "auto|utf8|gb18030", 0, "auto (default: UTF-8 when the whole file is valid\n"
                                             "UTF-8, else GB18030), utf8, or gb18030 (also gbk)", NULL},
    {"--rejects", "DIR", 0, "where to write FILE.rejects.csv, the rejected rows with\n"
                            "their line, 原因 (Chinese) and reason (default: beside\n"
                            "the database)", NULL},
    {"--sheet", "NAME", 0, "of a workbook (.xlsx, .xls), read this sheet only", NULL},
    {NULL, NULL, 0, NULL, NULL}
};

const cmd_spec cmd_ingest_spec = {
    NULL, "FILE|DIR...", options,
    "Store activity logs, attendance, surveys and registers in the database.\n"
    "A directory stands for every .csv, .tsv, .xlsx and .xls file in it (sorted\n"
    "by name; any other file is named in a notice; an empty directory is not an\n"
    "error).  A workbook (.xlsx, .xls) is read sheet by sheet: every visible\n"
    "sheet whose header (within its first 10 rows) names an input kind.  Files\n"
    "are stored in dependency order: communities, then providers and activities,\n"
    "then the rest, whatever the order given.  Each file is one transaction: all\n"
    "its accepted rows and its entry in the ingest log are stored, or nothing is.\n"
    "\n"
    "File kinds (detected from the header, English keys or Chinese headers):\n"
    "  communities 社区名册   providers 服务者档案   activities 活动台账\n"
    "  attendance 签到明细    surveys 问卷           assessments 儿童发展评估\n"
    "  trainings 培训记录     timebank 时间银行流水   feedback 意见反馈\n",
    "A bad row is rejected, reported as (--lang en)\n"
    "  carecard: FILE:LINE: column 'attended' (实到人数): value '-3' — expected integer ≥ 0\n"
    "or in Chinese (the default)\n"
    "  carecard: FILE:LINE: 列“实到人数”(attended)：值“-3” — 应为 ≥ 0 的整数\n"
    "(of a sheet: FILE: sheet S, row 12, column 实到人数 (E12): ...)\n"
    "and the rest of the file is stored.  A file whose SHA-256 was ingested\n"
    "before is skipped (said only with -v, so a cron run re-reading its inbox\n"
    "prints nothing); a changed file with the same name replaces what its\n"
    "earlier version stored.  Within a file a later row with the same key\n"
    "replaces an earlier one (with a notice).\n"
    "\n"
    "Exit status: 0 every file stored (or skipped); 1 a file was not stored (how\n"
    "many files were stored before it, and the last); 2 usage error; 3 every file stored but\n"
    "some rows were rejected (see the rejects files).\n",
    0, -1
};

int cmd_ingest(const cmd_args *a, cc_ctx *ctx)
{
    cc_ingest_opts opts;
    memset(&opts, 0, sizeof opts);
    opts.kind = CC_KIND_UNKNOWN;
    opts.encoding = CC_ENC_AUTO;
    opts.progress = ctx->tty && !ctx->quiet;
    cmd_progress_install(ctx);
    const char *v;
    if ((v = cmd_get(a, "--strict")))
        opts.strict = 1;
    if ((v = cmd_get(a, "--kind"))) {
        opts.kind = cc_kind_parse(v);
        if (opts.kind == CC_KIND_UNKNOWN)
            return cmd_usage_error("ingest", "unknown kind '%s' (communities, providers, activities, "
                                   "attendance, surveys, assessments, trainings, timebank, feedback)", v);
    }
    if ((v = cmd_get(a, "--encoding"))) {
        int e = cc_encoding_parse(v);
        if (e < 0)
            return cmd_usage_error("ingest", "unknown encoding '%s' (auto, utf8, gb18030)", v);
        opts.encoding = (cc_encoding)e;
    }
    if ((v = cmd_get(a, "--sheet")))
        opts.sheet = v;
    if ((v = cmd_get(a, "--rejects"))) {
        struct stat st;
        if (stat(v, &st) != 0 || !S_ISDIR(st.st_mode))
            return cmd_usage_error("ingest", "--rejects %s: no such directory", v);
        opts.rejects_dir = v;
    }
    opts.sheet = cmd_get(a, "--sheet");
    if (a->npos == 0)
        return cmd_usage_error("ingest", "no input files given");
    cc_err oe;
    if (!cmd_store(ctx, &oe))
        return cmd_exit_code(oe);
    char **paths = NULL;
    size_t npaths = 0;
    cc_err xe = cc_ingest_expand((const char *const *)a->pos, a->npos, &paths, &npaths);
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
