/* config — indicators.ini: read, check, and turn into a cc_config.
 *
 * The reading is in config_scan.c (why iniparser alone is not enough is
 * written there), the checks in config_check.c, config_sections.c and
 * config_indicator.c; this file holds the public entry points.  Every error
 * is reported as "FILE:LINE: ..." with what is wrong and what is expected,
 * not only the first.
 */
#include "model/config_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const default_dims[] = {"process", "recipients", "growth", "community", NULL};

const char *cc_config_dim_name(const cc_config *cfg, int dim)
{
    if (dim < 0 || (size_t)dim >= cfg->ndims)
        return "extra";
    return cfg->dims[dim];
}

static cc_err load_mem(const char *name, const char *data, size_t len, unsigned flags, cc_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->path = cc_xstrdup(name);
    cfg->grades[0] = 90;
    cfg->grades[1] = 75;
    cfg->grades[2] = 60;
    cfg->band_scores[0] = 80;
    cfg->band_scores[1] = 60;
    cfg->min_coverage = 0.6;
    cfg->escalate_from = 2;
    cfg->weights = CC_WEIGHTS_FIXED;
    cfg->ranking = CC_RANK_SCORE;
    cfg->feedback_respond_days = 3;
    cfg->rect_days_red = 14;
    cfg->rect_days_yellow = 28;
    cfg->demand_rate = 0.30;
    for (size_t d = 0; default_dims[d]; d++)
        cfg->dims[cfg->ndims++] = cc_xstrdup(default_dims[d]);

    loader L;
    memset(&L, 0, sizeof L);
    L.path = name;
    L.flags = flags;
    cfg_scan(&L, data, len);
    cfg_load_dict(&L);
    cfg_load_sections(&L, cfg);
    int errors = L.errors;
    cfg_flush_msgs(&L);
    cfg_loader_release(&L);
    if (errors) {
        cc_error("%s: %d configuration error%s", name, errors, errors == 1 ? "" : "s");
        cc_config_release(cfg);
        return CC_ERR_CONFIG;
    }
    return CC_OK;
}

cc_err cc_config_load_mem(const char *name, const char *data, size_t len, cc_config *cfg)
{
    return load_mem(name, data, len, 0, cfg);
}

cc_err cc_config_load(const char *path, cc_config *cfg)
{
    return cc_config_load_flags(path, 0, cfg);
}

cc_err cc_config_load_flags(const char *path, unsigned flags, cc_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    FILE *f = fopen(path, "rb");
    if (!f) {
        cc_error("%s: cannot open the indicator catalog: %s (use --config FILE or set CARECARD_CONFIG)",
                 path, strerror(errno));
        return CC_ERR_CONFIG;
    }
    cc_buf b = CC_BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        cc_buf_add(&b, chunk, n);
        if (b.len > 16u << 20)
            break;
    }
    int rerr = ferror(f);
    fclose(f);
    if (rerr) {
        cc_error("%s: cannot read the indicator catalog: %s", path, strerror(errno));
        cc_buf_release(&b);
        return CC_ERR_CONFIG;
    }
    if (b.len > 16u << 20) {
        cc_error("%s: the file is larger than 16 MB; expected an indicator catalog (indicators.ini)", path);
        cc_buf_release(&b);
        return CC_ERR_CONFIG;
    }
    cc_err e = load_mem(path, b.s ? b.s : "", b.len, flags, cfg);
    if (e == CC_OK) {           /* what statuses kept between runs were computed with */
        cc_sha256(b.s ? b.s : "", b.len, cfg->sha256);
        cfg->has_sha256 = 1;
    }
    cc_buf_release(&b);
    return e;
}

void cc_config_release(cc_config *cfg)
{
    if (!cfg)
        return;
    free(cfg->path);
    for (size_t i = 0; i < cfg->nind; i++) {
        cc_indicator *ind = &cfg->ind[i];
        free(ind->id);
        free(ind->name);
        free(ind->name_en);
        free(ind->formula_src);
        cc_formula_free(ind->formula);
    }
    free(cfg->ind);
    for (size_t i = 0; i < cfg->nitems; i++) {
        cc_item *it = &cfg->items[i];
        free(it->id);
        free(it->column);
        for (size_t r = 0; r < it->nroles; r++)
            free(it->roles[r]);
        free(it->roles);
        free(it->group);
    }
    free(cfg->items);
    for (size_t i = 0; i < cfg->nkano; i++) {
        free(cfg->kano[i].id);
        free(cfg->kano[i].name);
        free(cfg->kano[i].functional);
        free(cfg->kano[i].dysfunctional);
    }
    free(cfg->kano);
    for (size_t d = 0; d < cfg->ndims; d++)
        free(cfg->dims[d]);
    for (size_t d = 0; d < CC_MAX_DIMS; d++)
        free(cfg->ahp_dim[d]);
    memset(cfg, 0, sizeof *cfg);
}

int cc_config_indicator(const cc_config *cfg, const char *id)
{
    for (size_t i = 0; i < cfg->nind; i++)
        if (!strcasecmp(cfg->ind[i].id, id))
            return (int)i;
    return -1;
}

int cc_config_item(const cc_config *cfg, const char *id)
{
    for (size_t i = 0; i < cfg->nitems; i++)
        if (!strcasecmp(cfg->items[i].id, id))
            return (int)i;
    return -1;
}

int cc_config_dim(const cc_config *cfg, const char *name)
{
    for (size_t d = 0; d < cfg->ndims; d++)
        if (!strcasecmp(cfg->dims[d], name))
            return (int)d;
    return -1;
}

int cc_indicator_uses(const cc_indicator *ind, cc_source src)
{
    for (size_t i = 0; i < cc_formula_nrefs(ind->formula); i++)
        if (cc_measure_source(cc_formula_ref(ind->formula, i)) == (int)src)
            return 1;
    return 0;
}
