/* cmd — the command-line front end.  main.c looks the command up in a table;
 * the table's flags say which shared set-up it needs (database, config), so no
 * command repeats it.  A new command = one file here, one table row, one help
 * text, one test. */
#ifndef CC_CMD_H
#define CC_CMD_H

#include "carecard.h"
#include "exit.h"
#include "opt.h"

typedef struct {
    const char *db_path;       /* --db, $CARECARD_DB, "carecard.db" */
    const char *config_path;   /* --config, $CARECARD_CONFIG, "indicators.ini" */
    int quiet, verbose;
    int lang_en;               /* --lang en (or $CARECARD_LANG=en): English messages */
    int labels_en;             /* --lang en: English report labels (not set by $CARECARD_LANG) */
    int tty;                   /* stderr is a terminal: progress bars allowed */
    cc_store *store;           /* opened by main when the command asks for it */
    cc_config cfg;             /* loaded by main when the command asks for it */
    int store_flags;           /* NEED_DB_NEW: opened on first cmd_store() call */
} cc_ctx;

/* The command's database. NEED_DB commands get it opened before they run;
 * NEED_DB_NEW commands (which may create the file) call this once their
 * arguments are known to be good, so a usage error never leaves an empty
 * database behind. NULL on failure (printed); *err set. */
cc_store *cmd_store(cc_ctx *ctx, cc_err *err);

enum {
    NEED_DB     = 1 << 0,      /* open an existing database (read-write) */
    NEED_DB_NEW = 1 << 1,      /* open, creating it if missing */
    NEED_CONFIG = 1 << 2       /* load and validate the config */
};

/* The arguments are parsed by the command's option table (cmd_spec) before
 * it runs; common options are already taken by main() (cmd_parse_common). */
typedef int (*cmd_fn)(const cmd_args *a, cc_ctx *ctx);

typedef struct {
    const char *name;
    cmd_fn fn;
    int flags;
    const char *summary;
    const cmd_spec *spec;      /* options, usage and --help */
} cmd_def;

/* The common options (main.c): --db, --config, -q, -v, --lang, --help, --version. */
extern const cmd_opt cmd_common_opts[];
/* Draw the library's progress reports on stderr when it is a terminal and
 * -q is off (progress.c); otherwise none are drawn. */
void cmd_progress_install(const cc_ctx *ctx);
/* Map a library error to an exit code. */
int cmd_exit_code(cc_err e);

#define DECLARE_CMD(x) int cmd_##x(const cmd_args *a, cc_ctx *ctx); extern const cmd_spec cmd_##x##_spec
DECLARE_CMD(ingest);
DECLARE_CMD(status);
DECLARE_CMD(check);
DECLARE_CMD(scorecard);
DECLARE_CMD(warnings);
DECLARE_CMD(report);
DECLARE_CMD(ahp);
DECLARE_CMD(entropy);
DECLARE_CMD(topsis);
DECLARE_CMD(kano);

/* ---- libxlsxwriter's stderr lines (lxw_stderr.c) ---- */
/* Replaces stderr by an unbuffered stream that passes every write through
 * and rewrites libxlsxwriter's "[ERROR]..." / "[WARNING]..." lines as
 * "carecard: libxlsxwriter: <message>".  Once, at the start of main(). */
void cmd_stderr_install(void);

#endif
