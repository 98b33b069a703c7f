/* opt — the option tables' parser, usage lines, help and "did you mean". */
#include "cmd.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- did you mean ------------------------------------------------------- */
size_t cmd_edit_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > 64 || m > 64)
        return (size_t)-1;
    size_t d[65][65];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            size_t c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < c) c = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < c) c = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < c)
                c = d[i - 2][j - 2] + 1;
            d[i][j] = c;
        }
    return d[n][m];
}

const char *cmd_closest(const char *s, const char *const *cand, size_t n)
{
    const char *best = NULL, *prefix = NULL;
    size_t bestd = 3, nprefix = 0, len = strlen(s);
    for (size_t i = 0; i < n; i++) {
        if (!cand[i])
            continue;
        size_t d = cmd_edit_distance(s, cand[i]);
        if (d < bestd) {
            bestd = d;
            best = cand[i];
        }
        if (len >= 3 && !strncmp(cand[i], s, len)) {
            prefix = cand[i];
            nprefix++;
        }
    }
    if (best && bestd * 3 <= strlen(best) + 1)   /* "--db" vs "--to": too short to guess */
        return best;
    return nprefix == 1 ? prefix : NULL;
}

/* ---- parsing ------------------------------------------------------------ */
/* Both passes (the common options, then the command's) read argv by these
 * rules: an option is its name or its short form, its value is the next
 * argument or follows '=' ("--db=x.db"), a flag takes none. */

/* The entry of opts that s[0..len) names (its name or its short form). */
static int find_opt(const cmd_opt *opts, const char *s, size_t len)
{
    for (int i = 0; opts && opts[i].name; i++)
        if ((strlen(opts[i].name) == len && !strncmp(opts[i].name, s, len))
            || (opts[i].alias && strlen(opts[i].alias) == len && !strncmp(opts[i].alias, s, len)))
            return i;
    return -1;
}

/* argv[*i] is option o (named by its first len bytes): its value, "" for a
 * flag, taking the next argument when needed (*i advanced).  NULL on a usage
 * error (printed). */
static const char *opt_value(const char *cmd, const cmd_opt *o, int argc, char **argv, int *i, size_t len)
{
    const char *s = argv[*i];
    if (!o->arg) {
        if (s[len] == '=') {
            cmd_usage_error(cmd, "option '%s' takes no value", o->name);
            return NULL;
        }
        return "";
    }
    if (s[len] == '=')
        return s + len + 1;
    if (*i + 1 < argc)
        return argv[++*i];
    cmd_usage_error(cmd, "option '%s' needs a value", s);
    return NULL;
}

/* An unknown option: with "did you mean" among the command's own options
 * and the common ones (cmd NULL: before the command, the common ones only). */
static int unknown(const char *cmd, const cmd_spec *spec, const char *a, size_t len)
{
    const char *cand[64];
    size_t n = 0;
    for (int i = 0; spec && spec->opts && spec->opts[i].name && n < 32; i++)
        if (!(spec->opts[i].flags & OPT_COMMON))
            cand[n++] = spec->opts[i].name;
    for (int i = 0; cmd_common_opts[i].name && n < 64; i++)
        cand[n++] = cmd_common_opts[i].name;
    char *name = cc_xstrndup(a, len);
    const char *near = cmd_closest(name, cand, n);
    free(name);
    if (near)
        return cmd_usage_error(cmd, "unknown option '%s'; did you mean '%s'?", a, near);
    if (!cmd)
        return cmd_usage_error(NULL, "unknown option '%s' (before the command only common "
                                     "options: see 'carecard --help')", a);
    return cmd_usage_error(cmd, "unknown option '%s'", a);
}

static void args_init(cmd_args *a, const cmd_opt *opts, int argc)
{
    memset(a, 0, sizeof *a);
    a->opts = opts;
    size_t cap = (size_t)(argc > 0 ? argc : 1);
    a->which = cc_xcalloc(cap, sizeof *a->which);
    a->val = cc_xcalloc(cap, sizeof *a->val);
    a->pos = cc_xcalloc(cap + 1, sizeof *a->pos);
}

int cmd_parse_common(const cmd_opt *common, int *argc, char **argv, cmd_args *a)
{
    args_init(a, common, *argc);
    int out = 1, seen_cmd = 0;
    for (int i = 1; i < *argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "--")) {               /* keep the rest verbatim */
            while (i < *argc)
                argv[out++] = argv[i++];
            break;
        }
        size_t len = strcspn(s, "=");
        int k = s[0] == '-' ? find_opt(common, s, len) : -1;
        if (k >= 0) {
            const char *v = opt_value(NULL, &common[k], *argc, argv, &i, len);
            if (!v)
                goto bad;
            a->which[a->n] = k;
            a->val[a->n++] = v;
            continue;
        }
        if (!seen_cmd && s[0] == '-' && s[1]) {
            unknown(NULL, NULL, s, len);      /* before the command only common options may stand */
            goto bad;
        }
        seen_cmd = 1;
        argv[out++] = argv[i];
    }
    *argc = out;
    argv[out] = NULL;
    return 0;
bad:
    cmd_args_release(a);
    return -1;
}

int cmd_parse(const char *cmd, const cmd_spec *spec, int argc, char **argv, cmd_args *a)
{
    args_init(a, spec->opts, argc);
    int only_args = 0;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (only_args || s[0] != '-' || !strcmp(s, "-")) {
            a->pos[a->npos++] = s;
            continue;
        }
        if (!strcmp(s, "--")) {
            only_args = 1;
            continue;
        }
        size_t len = strcspn(s, "=");
        int k = find_opt(spec->opts, s, len);
        if (k < 0 || (spec->opts[k].flags & OPT_COMMON)) {
            unknown(cmd, spec, s, len);
            goto bad;
        }
        const char *v = opt_value(cmd, &spec->opts[k], argc, argv, &i, len);
        if (!v)
            goto bad;
        a->which[a->n] = k;
        a->val[a->n++] = v;
    }
    if ((int)a->npos < spec->min_args) {
        const char *what = spec->args_before ? spec->args_before : spec->args_after;
        cmd_usage_error(cmd, "missing %s", what ? what : "argument");
        goto bad;
    }
    if (spec->max_args >= 0 && (int)a->npos > spec->max_args) {
        cmd_usage_error(cmd, "unexpected argument '%s'", a->pos[spec->max_args]);
        goto bad;
    }
    return 0;
bad:
    cmd_args_release(a);
    return -1;
}

int cmd_usage_error(const char *cmd, const char *fmt, ...)
{
    char *msg = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)          /* whole, however long the argument */
        msg = NULL;
    va_end(ap);
    if (cmd)
        fprintf(stderr, "carecard: %s: %s\nTry 'carecard %s --help'.\n", cmd, msg ? msg : fmt, cmd);
    else
        fprintf(stderr, "carecard: %s\n", msg ? msg : fmt);
    free(msg);
    return EXIT_USAGE;
}

void cmd_args_release(cmd_args *a)
{
    free(a->which);
    free(a->val);
    free(a->pos);
    memset(a, 0, sizeof *a);
}

const char *cmd_get(const cmd_args *a, const char *name)
{
    const char *v = NULL;
    for (size_t i = 0; i < a->n; i++)
        if (!strcmp(a->opts[a->which[i]].name, name))
            v = a->val[i];
    return v;
}

const char **cmd_get_all(const cmd_args *a, const char *name, size_t *n)
{
    const char **out = cc_xcalloc(a->n + 1, sizeof *out);
    *n = 0;
    for (size_t i = 0; i < a->n; i++)
        if (!strcmp(a->opts[a->which[i]].name, name))
            out[(*n)++] = a->val[i];
    return out;
}

/* ---- usage and help ----------------------------------------------------- */
/* Words of the synopsis, each one unit that is never split across lines. */
static size_t synopsis_words(const cmd_spec *spec, char **w, size_t cap)
{
    size_t n = 0;
    if (spec->args_before)
        w[n++] = cc_xstrdup(spec->args_before);
    const cmd_opt *o = spec->opts;
    for (int i = 0; o && o[i].name && n + 1 < cap;) {
        cc_buf b = CC_BUF_INIT;
        int needed = o[i].flags & OPT_NEEDED;
        if (!needed)
            cc_buf_addc(&b, '[');
        int j = i;
        do {
            if (j > i)
                cc_buf_adds(&b, (o[j].flags & OPT_WITH) ? " " : " | ");
            cc_buf_adds(&b, o[j].name);
            if (o[j].arg)
                cc_buf_addf(&b, " %s", o[j].arg);
            j++;
        } while (o[j].name && (o[j].flags & (OPT_ALT | OPT_WITH)));
        if (!needed)
            cc_buf_addc(&b, ']');
        if (o[i].flags & OPT_REPEAT)
            cc_buf_adds(&b, "...");
        w[n++] = cc_buf_detach(&b);
        i = j;
    }
    if (spec->args_after && n < cap)
        w[n++] = cc_xstrdup(spec->args_after);
    return n;
}

void cmd_print_synopsis(FILE *f, const char *prefix, const char *name, int name_width, const cmd_spec *spec)
{
    char *w[64];
    size_t n = synopsis_words(spec, w, 64);
    int col = fprintf(f, "%scarecard %-*s", prefix, name_width, name);
    int indent = col + 1;
    int first = 1;
    for (size_t i = 0; i < n; i++) {
        int len = (int)cc_utf8_width(w[i]);
        if (!first && col + 1 + len > 80) {
            fprintf(f, "\n%*s", indent, "");
            col = indent;
        } else {
            fputc(' ', f);
            col++;
        }
        fputs(w[i], f);
        col += len;
        first = 0;
        free(w[i]);
    }
    fputc('\n', f);
}

void cmd_print_options(FILE *f, const cmd_opt *opts, int skip_common)
{
    for (int i = 0; opts && opts[i].name; i++) {
        if (skip_common && (opts[i].flags & OPT_COMMON))
            continue;
        char head[96];
        snprintf(head, sizeof head, "%s%s%s%s%s", opts[i].alias ? opts[i].alias : "", opts[i].alias ? ", " : "",
                 opts[i].name, opts[i].arg ? " " : "", opts[i].arg ? opts[i].arg : "");
        int w = (int)cc_utf8_width(head);
        fprintf(f, "  %s", head);
        const char *h = opts[i].help ? opts[i].help : "";
        if (w > 15) {
            fputc('\n', f);
            w = -2;
        }
        int first = 1;
        while (*h || first) {
            size_t len = strcspn(h, "\n");
            fprintf(f, "%*s%.*s\n", first ? 17 - w : 19, "", (int)len, h);
            h += len;
            if (*h == '\n')
                h++;
            first = 0;
        }
    }
}

void cmd_print_help(FILE *f, const char *name, const cmd_spec *spec, const cmd_opt *common)
{
    cmd_print_synopsis(f, "usage: ", name, 0, spec);
    if (spec->intro)
        fprintf(f, "\n%s", spec->intro);
    int any = 0;
    for (int i = 0; spec->opts && spec->opts[i].name; i++)
        any |= !(spec->opts[i].flags & OPT_COMMON);
    if (any) {
        fputs("\nOptions:\n", f);
        cmd_print_options(f, spec->opts, 1);
    }
    if (spec->epilog)
        fprintf(f, "\n%s", spec->epilog);
    fputs("\nCommon options (any command, before or after its name):\n", f);
    cmd_print_options(f, common, 0);
}
