/* methods_out — shared output and list helpers of the method commands. */
#include "methods_out.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int mo_format(const char *s)
{
    if (!strcmp(s, "table")) return MO_TABLE;
    if (!strcmp(s, "csv"))   return MO_CSV;
    if (!strcmp(s, "json"))  return MO_JSON;
    return -1;
}

size_t mo_split(const char *s, char ***items)
{
    size_t n = 0, cap = 0;
    char **v = NULL;
    const char *p = s;
    for (;;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        const char *t = cc_trim(p, &len);
        if (len) {
            if (n == cap) {
                cap = cap ? 2 * cap : 8;
                v = cc_xrealloc(v, cap * sizeof *v);
            }
            v[n++] = cc_xstrndup(t, len);
        }
        if (!e)
            break;
        p = e + 1;
    }
    *items = v;
    return n;
}

void mo_list_free(char **items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(items[i]);
    free(items);
}

void mo_cell(FILE *f, const char *s, int width, int right)
{
    int w = (int)cc_utf8_width(s);
    if (w <= width) {
        if (right)
            fprintf(f, "%*s%s", width - w, "", s);
        else
            fprintf(f, "%s%*s", s, width - w, "");
        return;
    }
    /* cut at code points so that text + '…' fits */
    size_t len = strlen(s), pos = 0;
    int used = 0;
    while (pos < len) {
        int k = cc_utf8_seqlen((const unsigned char *)s + pos, len - pos);
        if (k <= 0)
            k = 1;
        char tmp[5] = {0};
        memcpy(tmp, s + pos, (size_t)k);
        int cw = (int)cc_utf8_width(tmp);
        if (used + cw > width - 1)
            break;
        used += cw;
        pos += (size_t)k;
    }
    fwrite(s, 1, pos, f);
    fputs("\xe2\x80\xa6", f);
    used += 1;
    if (used < width)
        fprintf(f, "%*s", width - used, "");
}

void mo_num(FILE *f, double v, int dec, int width)
{
    char buf[64];
    cc_num_fixed(buf, sizeof buf, v, dec);   /* "-" for NAN, never "-0.000" */
    mo_cell(f, buf, width, 1);
}

void mo_csv_text(FILE *f, const char *s)
{
    int formula = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@';
    int quote = strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        fputc('"', f);
    if (formula)
        fputc('\'', f);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            fputc('"', f);
        fputc(*p, f);
    }
    if (quote)
        fputc('"', f);
}

void mo_csv_num(FILE *f, double v)
{
    char b[48];
    cc_num_csv(b, sizeof b, v);     /* at most 6 decimals; json has full precision */
    fputs(b, f);
}

json_t *mo_json_num(double v)
{
    return isfinite(v) ? json_real(v + 0.0) : json_null();   /* + 0.0: never -0 */
}

int mo_json_print(json_t *root)
{
    int rc = json_dumpf(root, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
    fputc('\n', stdout);
    json_decref(root);
    return rc == 0 ? EXIT_OK : EXIT_FAIL;
}
