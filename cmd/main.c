/* carecard — main(): common options, the command table, shared set-up. */
#include "cmd.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const cmd_def commands[] = {
    {"ingest",    cmd_ingest,    NEED_DB_NEW, "store activity logs, attendance, surveys and registers", &cmd_ingest_spec},
    {"report",    cmd_report,    NEED_DB | NEED_CONFIG, "write the weekly, monthly or quarterly report", &cmd_report_spec},
    {"scorecard", cmd_scorecard, NEED_DB | NEED_CONFIG, "the scorecard of a unit and period", &cmd_scorecard_spec},
    {"warnings",  cmd_warnings,  NEED_DB | NEED_CONFIG, "the red/yellow/blue warnings of a period", &cmd_warnings_spec},
    {"check",     cmd_check,     0, "validate indicators.ini and print the catalog", &cmd_check_spec},
    {"status",    cmd_status,    NEED_DB, "what is stored: files, rows, periods covered", &cmd_status_spec},
    {"ahp",       cmd_ahp,       0, "AHP weights and consistency of a pairwise matrix", &cmd_ahp_spec},
    {"entropy",   cmd_entropy,   0, "entropy weights of a decision matrix", &cmd_entropy_spec},
    {"topsis",    cmd_topsis,    0, "TOPSIS closeness and rank of alternatives", &cmd_topsis_spec},
    {"kano",      cmd_kano,      0, "KANO table of a survey file", &cmd_kano_spec},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

/* The common options: taken by main() wherever they stand, before or after
 * the command name (git, curl), by the parser that reads the commands'
 * tables (cmd_parse_common). -q, -v and -h are short forms. */
const cmd_opt cmd_common_opts[] = {
    {"--db", "FILE", 0, "database (default $CARECARD_DB or carecard.db)", NULL},
    {"--config", "FILE", 0, "indicator catalog (default $CARECARD_CONFIG, else\n"
                            "./indicators.ini, else PREFIX/share/carecard/indicators.ini)", NULL},
    {"--lang", "zh|en", 0, "messages and report labels in Chinese (default) or\n"
                           "English; $CARECARD_LANG sets the messages' default", NULL},
    {"--quiet", NULL, 0, "no notices, only warnings and errors", "-q"},
    {"--verbose", NULL, 0, "more notices (files skipped as already ingested ...)", "-v"},
    {"--help", NULL, 0, "help for the command", "-h"},
    {"--version", NULL, 0, "print the version", NULL},
    {NULL, NULL, 0, NULL, NULL}
};

static void usage(FILE *f)
{
    fprintf(f, "usage: carecard [common options] <command> [options] [args]\n\n"
               "Evaluate community childcare services with a balanced scorecard.\n\nCommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\nCommon options (any command, before or after its name):\n", f);
    cmd_print_options(f, cmd_common_opts, 0);
    fputs("\nExit codes: 0 success, 1 failure, 2 usage error, 3 rows rejected,\n"
          "4 report written but some communities did not report.\n"
          "See 'carecard <command> --help'; 'carecard help --synopsis' prints every\n"
          "command's usage.\n", f);
}

/* Every command's usage line: the README's Commands block. */
static void synopsis(FILE *f)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        cmd_print_synopsis(f, "", commands[i].name, 9, commands[i].spec);
}

static const cmd_def *find_command(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!strcmp(commands[i].name, name))
            return &commands[i];
    return NULL;
}

static int unknown_command(const char *name)
{
    const char *names[NCOMMANDS + 2];
    for (size_t i = 0; i < NCOMMANDS; i++)
        names[i] = commands[i].name;
    names[NCOMMANDS] = "help";
    names[NCOMMANDS + 1] = "version";
    const char *near = cmd_closest(name, names, NCOMMANDS + 2);
    if (near)
        return cmd_usage_error(NULL, "'%s' is not a carecard command; did you mean '%s'?", name, near);
    return cmd_usage_error(NULL, "'%s' is not a carecard command. See 'carecard --help'.", name);
}

int cmd_exit_code(cc_err e)
{
    switch (e) {
    case CC_OK:        return EXIT_OK;
    case CC_ERR_USAGE: return EXIT_USAGE;
    default:           return EXIT_FAIL;
    }
}

cc_store *cmd_store(cc_ctx *ctx, cc_err *err)
{
    cc_err e = CC_OK;
    if (!ctx->store)
        ctx->store = cc_store_open(ctx->db_path, (ctx->store_flags & NEED_DB_NEW) ? CC_STORE_CREATE : 0, &e);
    if (err)
        *err = ctx->store ? CC_OK : (e == CC_OK ? CC_ERR_DB : e);
    return ctx->store;
}

/* The catalog `make install` puts in PREFIX/share/carecard, found from the
 * binary's own path (PREFIX/bin/carecard); 1 when it exists. */
static int installed_catalog(char *out, size_t len)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return 0;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return 0;
    *slash = '\0';
    if ((size_t)snprintf(out, len, "%s/../share/carecard/indicators.ini", exe) >= len)
        return 0;
    return access(out, R_OK) == 0;
}

static void on_signal(int sig)
{
    (void)sig;
    cc_interrupted = 1;
}

int main(int argc, char **argv)
{
    /* first of all: a SIGTERM that comes early (cron's timeout) still ends in
     * "interrupted", never in a half-written file */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGXFSZ, SIG_IGN);   /* a file-size limit fails the write (EFBIG) instead of killing us */
    cmd_stderr_install();       /* libxlsxwriter's messages as "carecard: libxlsxwriter: ..." */
    /* the library's switches: read once, here */
    cc_tuning tuning;
    cc_tuning_from_env(&tuning);
    cc_tuning_set(&tuning);
    cc_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.db_path = getenv("CARECARD_DB");
    ctx.config_path = getenv("CARECARD_CONFIG");
    if (!ctx.db_path || !*ctx.db_path)
        ctx.db_path = "carecard.db";
    static char installed[4096];
    if (!ctx.config_path || !*ctx.config_path) {
        ctx.config_path = "indicators.ini";
        if (access(ctx.config_path, F_OK) != 0 && installed_catalog(installed, sizeof installed))
            ctx.config_path = installed;
    }
    ctx.tty = isatty(STDERR_FILENO);

    cmd_args common;
    if (cmd_parse_common(cmd_common_opts, &argc, argv, &common) < 0)
        return EXIT_USAGE;
    const char *v, *lang = cmd_get(&common, "--lang");
    if ((v = cmd_get(&common, "--db")))
        ctx.db_path = v;
    if ((v = cmd_get(&common, "--config")))
        ctx.config_path = v;
    ctx.quiet = cmd_get(&common, "--quiet") != NULL;
    ctx.verbose = cmd_get(&common, "--verbose") != NULL;
    int help = cmd_get(&common, "--help") != NULL, version = cmd_get(&common, "--version") != NULL;
    cmd_args_release(&common);
    if (lang && !strcmp(lang, "en"))
        ctx.labels_en = 1;                  /* report labels: --lang only */
    if (!lang)
        lang = getenv("CARECARD_LANG");     /* messages: --lang, else $CARECARD_LANG */
    if (lang && *lang && strcmp(lang, "zh") && strcmp(lang, "en"))
        return cmd_usage_error(NULL, "--lang: expected zh or en, got '%s'", lang);
    ctx.lang_en = lang && !strcmp(lang, "en");
    if (!ctx.lang_en)
        cc_diag_set_filter(cc_msg_zh);      /* ingest messages and reject reasons in Chinese */
    const char *name = argc > 1 ? argv[1] : NULL;
    if (version || (name && !strcmp(name, "version"))) {
        printf("carecard %s\n", CARECARD_VERSION);
        return EXIT_OK;
    }
    if (!name) {
        usage(help ? stdout : stderr);
        return help ? EXIT_OK : EXIT_USAGE;
    }
    if (!strcmp(name, "help")) {
        if (argc > 2 && !strcmp(argv[2], "--synopsis")) {
            synopsis(stdout);
            return EXIT_OK;
        }
        if (argc > 2) {
            const cmd_def *c = find_command(argv[2]);
            if (!c)
                return unknown_command(argv[2]);
            cmd_print_help(stdout, c->name, c->spec, cmd_common_opts);
            return EXIT_OK;
        }
        usage(stdout);
        return EXIT_OK;
    }
    const cmd_def *cmd = find_command(name);
    if (!cmd)
        return unknown_command(name);
    if (help) {
        cmd_print_help(stdout, cmd->name, cmd->spec, cmd_common_opts);
        return EXIT_OK;
    }
    cmd_args args;
    if (cmd_parse(cmd->name, cmd->spec, argc - 1, argv + 1, &args) < 0)
        return EXIT_USAGE;
    cc_diag_set_verbosity(ctx.quiet ? CC_DIAG_WARN : ctx.verbose ? CC_DIAG_VERBOSE : CC_DIAG_NOTICE);


    int rc;
    if (cmd->flags & NEED_CONFIG) {
        if (cc_config_load(ctx.config_path, &ctx.cfg) != CC_OK) {
            cmd_args_release(&args);
            return EXIT_FAIL;
        }
    }
    ctx.store_flags = cmd->flags & (NEED_DB | NEED_DB_NEW);
    if (cmd->flags & NEED_DB) {
        cc_err e;
        if (!cmd_store(&ctx, &e)) {
            if (cmd->flags & NEED_CONFIG)
                cc_config_release(&ctx.cfg);
            cmd_args_release(&args);
            return cmd_exit_code(e);
        }
    }
    rc = cmd->fn(&args, &ctx);
    cmd_args_release(&args);
    if (cc_interrupted && rc == EXIT_FAIL) {
        fprintf(stderr, "carecard: %s: interrupted by a signal; nothing half-written was kept\n", cmd->name);
    }
    if (ctx.store)
        cc_store_close(ctx.store);
    if (cmd->flags & NEED_CONFIG)
        cc_config_release(&ctx.cfg);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        if (rc == EXIT_OK)
            rc = EXIT_FAIL;
    }
    return rc;
}
