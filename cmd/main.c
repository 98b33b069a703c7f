/* carecard — main(): common options, the command table, shared set-up. */
#include "cmd.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const cmd_def commands[] = {
    {"ingest",    cmd_ingest,    NEED_DB_NEW, "store activity logs, attendance, surveys and registers", cmd_ingest_help},
    {"report",    cmd_report,    NEED_DB | NEED_CONFIG, "write the weekly, monthly or quarterly report", cmd_report_help},
    {"scorecard", cmd_scorecard, NEED_DB | NEED_CONFIG, "the scorecard of a unit and period", cmd_scorecard_help},
    {"warnings",  cmd_warnings,  NEED_DB | NEED_CONFIG, "the red/yellow/blue warnings of a period", cmd_warnings_help},
    {"check",     cmd_check,     0, "validate indicators.ini and print the catalog", cmd_check_help},
    {"status",    cmd_status,    NEED_DB, "what is stored: files, rows, periods covered", cmd_status_help},
    {"ahp",       cmd_ahp,       0, "AHP weights and consistency of a pairwise matrix", cmd_ahp_help},
    {"entropy",   cmd_entropy,   0, "entropy weights of a decision matrix", cmd_entropy_help},
    {"topsis",    cmd_topsis,    0, "TOPSIS closeness and rank of alternatives", cmd_topsis_help},
    {"kano",      cmd_kano,      0, "KANO table of a survey file", cmd_kano_help},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const char common_help[] =
    "Common options (any command):\n"
    "  --db FILE       database (default $CARECARD_DB or carecard.db)\n"
    "  --config FILE   indicator catalog (default $CARECARD_CONFIG, else\n"
    "                  ./indicators.ini, else PREFIX/share/carecard/indicators.ini)\n"
    "  -q, --quiet     no notices, only warnings and errors\n"
    "  -v, --verbose   more notices\n"
    "  -h, --help      help for the command\n"
    "      --version   print the version\n";

static void usage(FILE *f)
{
    fprintf(f, "usage: carecard <command> [options] [args]\n\n"
               "Evaluate community childcare services with a balanced scorecard.\n\nCommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n%s\nExit codes: 0 success, 1 failure, 2 usage error, 3 rows rejected,\n"
               "4 report written but some communities did not report.\n"
               "See 'carecard <command> --help'.\n", common_help);
}

int cmd_exit_code(cc_err e)
{
    switch (e) {
    case CC_OK:        return EXIT_OK;
    case CC_ERR_USAGE: return EXIT_USAGE;
    default:           return EXIT_FAIL;
    }
}

int cmd_usage_error(const char *cmd, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "carecard: %s: %s\nTry 'carecard %s --help'.\n", cmd, msg, cmd);
    return EXIT_USAGE;
}

const char *cmd_optval(int argc, char **argv, int *i, const char *name, int *bad)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n))
        return NULL;
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (argv[*i][n] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *bad = 1;
        return NULL;
    }
    return argv[++*i];
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

/* Remove the common options from argv (they may stand anywhere after the
 * command name). Returns -1 on a usage error. */
static int take_common(int *argc, char **argv, cc_ctx *ctx, int *help, int *version)
{
    int out = 1;
    for (int i = 1; i < *argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) {               /* keep the rest verbatim */
            while (i < *argc)
                argv[out++] = argv[i++];
            break;
        }
        const char **slot = NULL;
        if (!strcmp(a, "--db") || !strncmp(a, "--db=", 5))
            slot = &ctx->db_path;
        else if (!strcmp(a, "--config") || !strncmp(a, "--config=", 9))
            slot = &ctx->config_path;
        if (slot) {
            const char *eq = strchr(a, '=');
            if (eq)
                *slot = eq + 1;
            else if (i + 1 < *argc)
                *slot = argv[++i];
            else {
                fprintf(stderr, "carecard: option '%s' needs a value\n", a);
                return -1;
            }
            continue;
        }
        if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) { ctx->quiet = 1; continue; }
        if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) { ctx->verbose = 1; continue; }
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) { *help = 1; continue; }
        if (!strcmp(a, "--version")) { *version = 1; continue; }
        argv[out++] = argv[i];
    }
    *argc = out;
    argv[out] = NULL;
    return 0;
}

int main(int argc, char **argv)
{
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

    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (!strcmp(name, "--version") || !strcmp(name, "version")) {
        printf("carecard %s\n", CARECARD_VERSION);
        return EXIT_OK;
    }
    if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
        if (argc > 2 && strcmp(name, "help") == 0) {
            for (size_t i = 0; i < NCOMMANDS; i++)
                if (!strcmp(commands[i].name, argv[2])) {
                    fputs(commands[i].help, stdout);
                    printf("\n%s", common_help);
                    return EXIT_OK;
                }
        }
        usage(stdout);
        return EXIT_OK;
    }
    const cmd_def *cmd = NULL;
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!strcmp(commands[i].name, name))
            cmd = &commands[i];
    if (!cmd) {
        fprintf(stderr, "carecard: '%s' is not a carecard command. See 'carecard --help'.\n", name);
        return EXIT_USAGE;
    }

    int help = 0, version = 0;
    int cargc = argc - 1;
    char **cargv = argv + 1;
    if (take_common(&cargc, cargv, &ctx, &help, &version) < 0)
        return EXIT_USAGE;
    if (help) {
        fputs(cmd->help, stdout);
        printf("\n%s", common_help);
        return EXIT_OK;
    }
    if (version) {
        printf("carecard %s\n", CARECARD_VERSION);
        return EXIT_OK;
    }
    cc_diag_set_verbosity(ctx.quiet ? CC_DIAG_WARN : ctx.verbose ? CC_DIAG_VERBOSE : CC_DIAG_NOTICE);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGXFSZ, SIG_IGN);   /* a file-size limit fails the write (EFBIG) instead of killing us */

    int rc;
    if (cmd->flags & NEED_CONFIG) {
        if (cc_config_load(ctx.config_path, &ctx.cfg) != CC_OK)
            return EXIT_FAIL;
    }
    ctx.store_flags = cmd->flags & (NEED_DB | NEED_DB_NEW);
    if (cmd->flags & NEED_DB) {
        cc_err e;
        if (!cmd_store(&ctx, &e)) {
            if (cmd->flags & NEED_CONFIG)
                cc_config_release(&ctx.cfg);
            return cmd_exit_code(e);
        }
    }
    rc = cmd->fn(cargc, cargv, &ctx);
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
