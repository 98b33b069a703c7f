/* formula — the indicator formula language (indicators.md, "Formula
 * language"): numbers, measure names (with dots), + - * /, parentheses,
 * unary minus, min(a, b), max(a, b).
 *
 * A recursive-descent parser builds a tree of nodes held in one array; the
 * nesting depth is limited so a hostile formula gives an error, never a
 * stack overflow.  Evaluation treats NAN as missing.
 */
#include "model/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { N_NUM, N_REF, N_NEG, N_ADD, N_SUB, N_MUL, N_DIV, N_MIN, N_MAX };

typedef struct {
    int kind;
    int a, b;           /* children (node indexes) */
    double num;         /* N_NUM */
    size_t ref;         /* N_REF: index into refs */
} node;

struct cc_formula {
    node *nodes;
    size_t nnodes;
    int root;
    char **refs;        /* distinct measure names, first-use order */
    char **missing;     /* "missing measure 'x'" for each ref */
    int *refcol;        /* column of the first use of each ref */
    size_t nrefs;
};

typedef struct {
    const char *src;
    size_t pos;
    int depth;
    cc_formula *f;
    size_t cap;
    size_t errpos;      /* byte offset of the error */
    char *err;
    size_t errlen;
    int failed;
} parser;

static void fail(parser *p, size_t pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(parser *p, size_t pos, const char *fmt, ...)
{
    if (p->failed)
        return;
    p->failed = 1;
    p->errpos = pos;
    if (p->err && p->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->err, p->errlen, fmt, ap);
        va_end(ap);
    }
}

static void skip_space(parser *p)
{
    while (p->src[p->pos] == ' ' || p->src[p->pos] == '\t')
        p->pos++;
}

static int add_node(parser *p, int kind, int a, int b)
{
    if (p->f->nnodes >= CC_FORMULA_MAX_NODES) {
        fail(p, p->pos, "formula too long (more than %d terms and operators)", CC_FORMULA_MAX_NODES);
        return -1;
    }
    if (p->f->nnodes == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 16;
        p->f->nodes = cc_xrealloc(p->f->nodes, p->cap * sizeof(node));
    }
    node *n = &p->f->nodes[p->f->nnodes];
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->a = a;
    n->b = b;
    return (int)p->f->nnodes++;
}

static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_alnum(char c) { return is_alpha(c) || is_digit(c); }

/* Describe the character at pos for a message: 'x', a whole UTF-8
 * sequence, or "end of formula". */
static void describe(const parser *p, size_t pos, char *out, size_t len)
{
    const char *s = p->src + pos;
    if (!*s) {
        snprintf(out, len, "end of formula");
        return;
    }
    int n = cc_utf8_seqlen((const unsigned char *)s, strlen(s));
    if (n <= 0)
        snprintf(out, len, "byte 0x%02X", (unsigned char)*s);
    else if ((unsigned char)*s < 0x20 || *s == 0x7f)
        snprintf(out, len, "control character 0x%02X", (unsigned char)*s);
    else
        snprintf(out, len, "'%.*s'", n, s);
}

static int parse_expr(parser *p);

static int enter(parser *p)
{
    if (++p->depth > CC_FORMULA_MAX_DEPTH) {
        fail(p, p->pos, "formula too deep (more than %d levels)", CC_FORMULA_MAX_DEPTH);
        return -1;
    }
    return 0;
}

static int ref_index(parser *p, const char *name, size_t n)
{
    cc_formula *f = p->f;
    for (size_t i = 0; i < f->nrefs; i++)
        if (strlen(f->refs[i]) == n && !memcmp(f->refs[i], name, n))
            return (int)i;
    f->refs = cc_xrealloc(f->refs, (f->nrefs + 1) * sizeof *f->refs);
    f->missing = cc_xrealloc(f->missing, (f->nrefs + 1) * sizeof *f->missing);
    f->refcol = cc_xrealloc(f->refcol, (f->nrefs + 1) * sizeof *f->refcol);
    f->refcol[f->nrefs] = (int)cc_utf8_len(p->src, (size_t)(name - p->src)) + 1;
    f->refs[f->nrefs] = cc_xstrndup(name, n);
    f->missing[f->nrefs] = cc_xasprintf("missing measure '%.*s'", (int)n, name);
    return (int)f->nrefs++;
}

/* min(a, b) / max(a, b); p->pos is at '('. */
static int parse_call(parser *p, int kind, size_t name_pos)
{
    p->pos++;                                       /* '(' */
    int a = parse_expr(p);
    if (a < 0)
        return -1;
    skip_space(p);
    if (p->src[p->pos] != ',') {
        char what[48];
        describe(p, p->pos, what, sizeof what);
        fail(p, p->pos, "expected ',' between the two arguments of %s(), found %s",
             kind == N_MIN ? "min" : "max", what);
        return -1;
    }
    p->pos++;
    int b = parse_expr(p);
    if (b < 0)
        return -1;
    skip_space(p);
    if (p->src[p->pos] != ')') {
        char what[48];
        describe(p, p->pos, what, sizeof what);
        (void)name_pos;
        fail(p, p->pos, "expected ')' to close %s(, found %s", kind == N_MIN ? "min" : "max", what);
        return -1;
    }
    p->pos++;
    return add_node(p, kind, a, b);
}

static int parse_primary(parser *p)
{
    skip_space(p);
    const char *s = p->src;
    size_t start = p->pos;
    char c = s[start];
    if (c == '(') {
        if (enter(p) < 0)
            return -1;
        p->pos++;
        int e = parse_expr(p);
        if (e < 0)
            return -1;
        skip_space(p);
        if (s[p->pos] != ')') {
            char what[48];
            describe(p, p->pos, what, sizeof what);
            fail(p, p->pos, "expected ')', found %s", what);
            return -1;
        }
        p->pos++;
        p->depth--;
        return e;
    }
    if (c == '-') {
        if (enter(p) < 0)
            return -1;
        p->pos++;
        int e = parse_primary(p);
        if (e < 0)
            return -1;
        p->depth--;
        return add_node(p, N_NEG, e, -1);
    }
    if (is_digit(c) || (c == '.' && is_digit(s[start + 1]))) {
        size_t i = start;
        while (is_digit(s[i]))
            i++;
        if (s[i] == '.') {
            i++;
            if (!is_digit(s[i])) {
                fail(p, i, "expected a digit after the decimal point");
                return -1;
            }
            while (is_digit(s[i]))
                i++;
        }
        if (is_alpha(s[i]) || s[i] == '.') {
            fail(p, i, "malformed number '%.*s'", (int)(i - start + 1), s + start);
            return -1;
        }
        char buf[64];
        if (i - start >= sizeof buf) {
            fail(p, start, "number too long");
            return -1;
        }
        memcpy(buf, s + start, i - start);
        buf[i - start] = '\0';
        double v = strtod(buf, NULL);
        if (!isfinite(v)) {
            fail(p, start, "number out of range");
            return -1;
        }
        int n = add_node(p, N_NUM, -1, -1);
        if (n < 0)
            return -1;
        p->f->nodes[n].num = v;
        p->pos = i;
        return n;
    }
    if (is_alpha(c)) {
        size_t i = start;
        while (is_alnum(s[i]))
            i++;
        while (s[i] == '.') {
            if (!is_alnum(s[i + 1])) {
                fail(p, i + 1, "expected a name part after '.' in '%.*s'", (int)(i - start + 1), s + start);
                return -1;
            }
            i++;
            while (is_alnum(s[i]))
                i++;
        }
        size_t len = i - start;
        size_t j = i;
        while (s[j] == ' ' || s[j] == '\t')
            j++;
        if (s[j] == '(') {
            int kind = -1;
            if (len == 3 && !memcmp(s + start, "min", 3))
                kind = N_MIN;
            else if (len == 3 && !memcmp(s + start, "max", 3))
                kind = N_MAX;
            if (kind < 0) {
                fail(p, start, "unknown function '%.*s' (expected min or max)", (int)len, s + start);
                return -1;
            }
            if (enter(p) < 0)
                return -1;
            p->pos = j;
            int n = parse_call(p, kind, start);
            if (n < 0)
                return -1;
            p->depth--;
            return n;
        }
        if (len > CC_FORMULA_MAX_NAME) {
            fail(p, start, "measure name too long (more than %d characters)", CC_FORMULA_MAX_NAME);
            return -1;
        }
        int r = ref_index(p, s + start, len);
        int n = add_node(p, N_REF, -1, -1);
        if (n < 0)
            return -1;
        p->f->nodes[n].ref = (size_t)r;
        p->pos = i;
        return n;
    }
    char what[48];
    describe(p, start, what, sizeof what);
    fail(p, start, "expected a number, a measure name or '(', found %s", what);
    return -1;
}

static int parse_term(parser *p)
{
    int left = parse_primary(p);
    while (left >= 0) {
        skip_space(p);
        char c = p->src[p->pos];
        if (c != '*' && c != '/')
            break;
        p->pos++;
        int right = parse_primary(p);
        if (right < 0)
            return -1;
        left = add_node(p, c == '*' ? N_MUL : N_DIV, left, right);
    }
    return left;
}

static int parse_expr(parser *p)
{
    int left = parse_term(p);
    while (left >= 0) {
        skip_space(p);
        char c = p->src[p->pos];
        if (c != '+' && c != '-')
            break;
        p->pos++;
        int right = parse_term(p);
        if (right < 0)
            return -1;
        left = add_node(p, c == '+' ? N_ADD : N_SUB, left, right);
    }
    return left;
}

cc_formula *cc_formula_parse(const char *src, int *errcol, char *err, size_t errlen)
{
    parser p;
    memset(&p, 0, sizeof p);
    p.src = src ? src : "";
    p.err = err;
    p.errlen = errlen;
    p.f = cc_xcalloc(1, sizeof *p.f);
    if (errcol)
        *errcol = 0;
    if (err && errlen)
        err[0] = '\0';

    if (!cc_utf8_valid(p.src, strlen(p.src))) {
        /* Find the first bad byte for the column. */
        size_t i = 0, n = strlen(p.src);
        while (i < n) {
            int l = cc_utf8_seqlen((const unsigned char *)p.src + i, n - i);
            if (l <= 0)
                break;
            i += (size_t)l;
        }
        fail(&p, i, "invalid UTF-8 (byte 0x%02X)", (unsigned char)p.src[i]);
    } else {
        skip_space(&p);
        if (!p.src[p.pos]) {
            fail(&p, p.pos, "empty formula");
        } else {
            p.f->root = parse_expr(&p);
            skip_space(&p);
            if (!p.failed && p.src[p.pos]) {
                char what[48];
                describe(&p, p.pos, what, sizeof what);
                if (p.src[p.pos] == ')')
                    fail(&p, p.pos, "unmatched ')'");
                else
                    fail(&p, p.pos, "expected an operator (+ - * /) or the end of the formula, found %s", what);
            }
        }
    }
    if (p.failed) {
        if (errcol)
            *errcol = (int)cc_utf8_len(p.src, p.errpos) + 1;
        cc_formula_free(p.f);
        return NULL;
    }
    return p.f;
}

void cc_formula_free(cc_formula *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->nrefs; i++) {
        free(f->refs[i]);
        free(f->missing[i]);
    }
    free(f->refs);
    free(f->missing);
    free(f->refcol);
    free(f->nodes);
    free(f);
}

size_t cc_formula_nrefs(const cc_formula *f) { return f ? f->nrefs : 0; }

const char *cc_formula_ref(const cc_formula *f, size_t i)
{
    return f && i < f->nrefs ? f->refs[i] : NULL;
}

int cc_formula_ref_col(const cc_formula *f, size_t i)
{
    return f && i < f->nrefs ? f->refcol[i] : 0;
}

int cc_formula_has_division(const cc_formula *f)
{
    return f && f->nnodes && f->nodes[f->root].kind == N_DIV;
}

/* Recursion depth is bounded by the node limit. */
static double eval(const cc_formula *f, int i, const double *vals, const char **why)
{
    const node *n = &f->nodes[i];
    double a, b;
    switch (n->kind) {
    case N_NUM:
        return n->num;
    case N_REF:
        a = vals[n->ref];
        if (isnan(a) && !*why)
            *why = f->missing[n->ref];
        return a;
    case N_NEG:
        return -eval(f, n->a, vals, why);
    default:
        break;
    }
    a = eval(f, n->a, vals, why);
    b = eval(f, n->b, vals, why);
    if (isnan(a) || isnan(b))
        return NAN;
    switch (n->kind) {
    case N_ADD: return a + b;
    case N_SUB: return a - b;
    case N_MUL: return a * b;
    case N_MIN: return a < b ? a : b;
    case N_MAX: return a > b ? a : b;
    case N_DIV:
        if (b == 0) {
            if (!*why)
                *why = "division by zero";
            return NAN;
        }
        return a / b;
    }
    return NAN;
}

double cc_formula_scale(const cc_formula *f)
{
    if (!f || !f->nnodes || f->nodes[f->root].kind != N_DIV)
        return 1;
    const node *a = &f->nodes[f->nodes[f->root].a];
    if (a->kind != N_MUL)
        return 1;
    const node *x = &f->nodes[a->a], *y = &f->nodes[a->b];
    double k = x->kind == N_NUM ? x->num : y->kind == N_NUM ? y->num : 1;
    return isfinite(k) && k != 0 ? k : 1;
}

void cc_formula_eval(const cc_formula *f, const double *vals, cc_formula_result *out)
{
    out->value = out->num = out->den = NAN;
    out->has_division = 0;
    out->why = NULL;
    if (!f || !f->nnodes) {
        out->why = "no formula";
        return;
    }
    const node *root = &f->nodes[f->root];
    if (root->kind == N_DIV) {
        const char *why = NULL;
        out->has_division = 1;
        out->num = eval(f, root->a, vals, &why);
        out->den = eval(f, root->b, vals, &why);
        out->why = why;
        if (isnan(out->num) || isnan(out->den)) {
            out->value = NAN;
        } else if (out->den == 0) {
            out->value = NAN;
            if (!out->why)
                out->why = "division by zero";
        } else {
            out->value = out->num / out->den;
        }
        /* 100 * tb_members / eligible_families: the numerator shown is the
         * count (25 of 568), the constant is the unit's scale */
        double k = cc_formula_scale(f);
        if (k != 1)
            out->num /= k;
        if (!isfinite(out->num))
            out->num = NAN;
        if (!isfinite(out->den))
            out->den = NAN;
    } else {
        out->value = eval(f, f->root, vals, &out->why);
    }
    if (!isnan(out->value) && !isfinite(out->value)) {
        out->value = NAN;
        out->why = "result out of range";
    }
    if (isnan(out->value) && !out->why)
        out->why = "missing value";
}
