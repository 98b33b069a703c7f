/* opt — options as data (after git's parse-options).  Each command has ONE
 * table of its options; the same table drives the parser, the usage line, the
 * option list of --help, "did you mean" and the README's synopsis
 * (`carecard help --synopsis`), so none of them can drift from what is
 * accepted. */
#ifndef CC_CMD_OPT_H
#define CC_CMD_OPT_H

#include <stddef.h>
#include <stdio.h>

enum {
    OPT_REPEAT = 1 << 0,  /* may be given more than once: "[--street ID]..." */
    OPT_COMMON = 1 << 1,  /* a common option main() takes; listed in this command's usage only */
    OPT_ALT    = 1 << 2,  /* an alternative to the entry before: "[--street ID | --community ID]" */
    OPT_WITH   = 1 << 3,  /* goes with the entry before, in one alternative: "--from DATE --to DATE" */
    OPT_NEEDED = 1 << 4   /* required: shown without brackets */
};

typedef struct {
    const char *name;     /* "--period" */
    const char *arg;      /* value shown in usage and help ("P", "zh|en"); NULL for a flag */
    int flags;            /* OPT_* */
    const char *help;     /* the --help lines ('\n' separates lines) */
    const char *alias;    /* a short form ("-q"), or NULL */
} cmd_opt;

typedef struct {
    const char *args_before;   /* positional arguments before the options ("weekly|monthly|quarterly") */
    const char *args_after;    /* positional arguments after them ("FILE|DIR...") */
    const cmd_opt *opts;       /* terminated by {NULL} */
    const char *intro;         /* what the command does (after the usage line) */
    const char *epilog;        /* after the option list (exit status, examples) */
    int min_args, max_args;    /* positional argument count (max -1: any) */
} cmd_spec;

/* The parsed arguments of one command. */
typedef struct {
    const cmd_opt *opts;
    size_t n;                  /* option hits, in order */
    int *which;                /* index into opts */
    const char **val;          /* value ("" for a flag) */
    const char **pos;          /* positional arguments */
    size_t npos;
} cmd_args;

/* Parse argv[1..argc) (argv[0] is the command name; common options already
 * removed) by spec.  Prints a usage error with "did you mean" and returns -1
 * on a bad option or count of arguments; 0 on success (release a). */
int cmd_parse(const char *cmd, const cmd_spec *spec, int argc, char **argv, cmd_args *a);
/* The first pass, by the same rules and the table `common`: take the common
 * options out of argv[1..*argc) wherever they stand, before or after the
 * command name ("--" ends them; it and the rest are kept verbatim), into a
 * (read with cmd_get; release a).  Before the command name only common
 * options may stand.  What is left in argv is the command name and its own
 * arguments, in order (*argc updated, argv[*argc] = NULL).  -1 on a usage
 * error (printed). */
int cmd_parse_common(const cmd_opt *common, int *argc, char **argv, cmd_args *a);
void cmd_args_release(cmd_args *a);
/* The last value of an option (NULL when not given; "" for a given flag). */
const char *cmd_get(const cmd_args *a, const char *name);
/* Every value of a repeatable option, in order; *n their count. Caller frees the array. */
const char **cmd_get_all(const cmd_args *a, const char *name, size_t *n);

/* Usage: "PREFIX carecard NAME [opts] args", wrapped at 80 columns; name_width
 * pads the command name (0: none). */
void cmd_print_synopsis(FILE *f, const char *prefix, const char *name, int name_width, const cmd_spec *spec);
/* The option list of --help ("  --period P       ..."). */
void cmd_print_options(FILE *f, const cmd_opt *opts, int skip_common);
/* Full --help of a command. */
void cmd_print_help(FILE *f, const char *name, const cmd_spec *spec, const cmd_opt *common);

/* Every usage error: "carecard: CMD: msg" and "Try 'carecard CMD --help'."
 * on stderr (cmd NULL: "carecard: msg" alone); returns EXIT_USAGE. */
int cmd_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The closest of the candidates to s ("did you mean"), or NULL when none is
 * close (edit distance at most 2, or a unique prefix). */
const char *cmd_closest(const char *s, const char *const *cand, size_t n);
/* Edit distance (insert, delete, substitute, swap of two neighbours). */
size_t cmd_edit_distance(const char *a, const char *b);

#endif
