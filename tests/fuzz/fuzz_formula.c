/* libFuzzer target: bytes as a formula through cc_formula_parse, then
 * evaluation with three sets of values (all known, zeros, all missing). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *src = malloc(size + 1);
    memcpy(src, data, size);
    src[size] = '\0';
    int col = -1;
    char err[256];
    cc_formula *f = cc_formula_parse(src, &col, err, sizeof err);
    if (!f) {
        /* the error column is within the text (or just after it) */
        if (col < 1 || (size_t)col > size + 1 || err[0] == '\0')
            __builtin_trap();
        free(src);
        return 0;
    }
    size_t n = cc_formula_nrefs(f);
    double *v = malloc((n ? n : 1) * sizeof *v);
    static const double fill[] = {1.5, 0, NAN};
    for (int pass = 0; pass < 3; pass++) {
        for (size_t i = 0; i < n; i++) {
            v[i] = pass == 0 ? (double)i - 2 : fill[pass];
            if (!cc_formula_ref(f, i) || cc_formula_ref_col(f, i) < 1)
                __builtin_trap();
        }
        cc_formula_result r;
        cc_formula_eval(f, v, &r);
        if (isnan(r.value) && !r.why)
            __builtin_trap();
        if (!isnan(r.value) && !isfinite(r.value))
            __builtin_trap();
        if (r.has_division != cc_formula_has_division(f))
            __builtin_trap();
    }
    free(v);
    cc_formula_free(f);
    free(src);
    return 0;
}
