/* libFuzzer target: bytes as an indicators.ini through cc_config_load_mem
 * (the whole loader: line scan, iniparser, validation).  Diagnostics are
 * thrown away; a valid result is looked up and released. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "model/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *null_sink;
    if (!null_sink) {
        null_sink = fopen("/dev/null", "w");
        cc_diag_set_sink(null_sink);
    }
    cc_config cfg;
    if (cc_config_load_mem("fuzz.ini", (const char *)data, size, &cfg) == CC_OK) {
        for (size_t i = 0; i < cfg.nind; i++) {
            const cc_indicator *ind = &cfg.ind[i];
            if (cc_config_indicator(&cfg, ind->id) < 0)
                __builtin_trap();
            (void)cc_config_dim_name(&cfg, ind->dim);
            (void)cc_indicator_uses(ind, CC_SRC_ACTIVITIES);
            double vals[CC_FORMULA_MAX_NODES];
            size_t n = cc_formula_nrefs(ind->formula);
            for (size_t k = 0; k < n; k++)
                vals[k] = (double)k;
            cc_formula_result r;
            cc_formula_eval(ind->formula, vals, &r);
        }
        for (size_t i = 0; i < cfg.nitems; i++)
            if (cc_config_item(&cfg, cfg.items[i].id) < 0)
                __builtin_trap();
        cc_config_release(&cfg);
    }
    return 0;
}
