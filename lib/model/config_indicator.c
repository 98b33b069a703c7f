/* config_indicator — one indicator section of indicators.ini: its keys,
 * its formula (parsed, every measure it names checked), unit, direction,
 * thresholds, weight and window.
 */
#include "model/config_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const unit_names[] = {"percent", "number", "per1000", "hours", "ratio", NULL};
static const char *const indicator_keys[] = {
    "name", "name_en", "dimension", "formula", "unit", "direction", "target", "yellow", "red",
    "floor", "weight", "window", "min_n", "escalate_after", NULL};

const char *cc_unit_name(cc_unit_kind u)
{
    return (unsigned)u < 5 ? unit_names[u] : "?";
}

const char *cc_direction_name(cc_direction d)
{
    return d == CC_LOWER ? "lower" : "higher";
}

static int need_number(loader *L, const sec_rec *s, const char *key, const char *what, double *out)
{
    const key_rec *k;
    const char *v = cfg_get(L, s, key, &k);
    if (!v) {
        if (!k)
            cfg_err_at(L, s->line, "[%s] missing key '%s'; expected %s", s->name, key, what);
        return -1;
    }
    if (cfg_parse_double(v, out)) {
        cfg_err_at(L, k->line, "[%s] %s = '%s' is not a number; expected %s (a decimal number; write 85%% as 0.85)",
                   s->name, key, v, what);
        return -1;
    }
    return 0;
}

/* Names a formula may use, for "did you mean". */
static const char *const *all_measure_names(void)
{
    return cc_measure_names;
}

static void check_formula_refs(loader *L, const cc_config *cfg, const sec_rec *s, const key_rec *k,
                               const cc_formula *f)
{
    for (size_t i = 0; i < cc_formula_nrefs(f); i++) {
        const char *ref = cc_formula_ref(f, i);
        int col = k->vcol + cc_formula_ref_col(f, i) - 1;
        if (!strncmp(ref, "survey.", 7)) {
            size_t ilen;
            const char *item = cc_measure_survey_item(ref, &ilen);
            if (!item) {
                cfg_err_col(L, k->line, col, "[%s] formula: '%s' is not a survey measure; expected "
                       "survey.<item>.n, survey.<item>.sum, survey.<item>.top2 or survey.<item>.yes",
                       s->name, ref);
                continue;
            }
            char *id = cc_xstrndup(item, ilen);
            int it = cc_config_item(cfg, id);
            int seen = 0;       /* report an unknown item once per formula */
            for (size_t j = 0; j < i; j++) {
                size_t jl;
                const char *ji = cc_measure_survey_item(cc_formula_ref(f, j), &jl);
                if (ji && jl == ilen && !strncasecmp(ji, item, ilen))
                    seen = 1;
            }
            if (it < 0 && seen) {
                /* already reported */
            } else if (it < 0) {
                char list[512] = "";
                size_t o = 0;
                for (size_t j = 0; j < cfg->nitems && o < sizeof list; j++)
                    o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", j ? ", " : "", cfg->items[j].id);
                cfg_err_col(L, k->line, col, "[%s] formula: unknown survey item '%s' in '%s'; expected an item "
                       "declared in an [item.%s] section (declared: %s)", s->name, id, ref, id,
                       cfg->nitems ? list : "none");
            } else {
                const char *stat = item + ilen + 1;
                const cc_item *ci = &cfg->items[it];
                if (ci->scale == CC_SCALE_LIKERT5 && !strcmp(stat, "yes"))
                    cfg_err_col(L, k->line, col, "[%s] formula: '%s': item '%s' is likert5 and has no yes answers; "
                           "expected .n, .sum or .top2", s->name, ref, ci->id);
                else if (ci->scale == CC_SCALE_YESNO && (!strcmp(stat, "top2") || !strcmp(stat, "sum")))
                    cfg_err_col(L, k->line, col, "[%s] formula: '%s': item '%s' is yesno; expected .n or .yes",
                           s->name, ref, ci->id);
            }
            free(id);
            continue;
        }
        if (!strncmp(ref, "assess.", 7)) {
            if (cc_measure_source(ref) < 0)
                cfg_err_col(L, k->line, col, "[%s] formula: unknown assessment measure '%s'; expected "
                       "assess.<domain>.pairs, .pre_sum or .post_sum with domain cognitive, social, emotion, "
                       "language or motor", s->name, ref);
            continue;
        }
        if (cc_measure_source(ref) < 0) {
            char hint[80];
            cfg_suggest(ref, all_measure_names(), hint, sizeof hint);
            cfg_err_col(L, k->line, col, "[%s] formula: unknown measure '%s'%s; expected a measure name from the "
                   "catalog (docs/indicators.md), a survey.<item>.<stat> or an assess.<domain>.<stat>",
                   s->name, ref, hint);
        }
    }
}

/* name, name_en, dimension. */
static void load_names(loader *L, cc_config *cfg, const sec_rec *s, cc_indicator *ind)
{
    const key_rec *k;
    const char *v;

    if ((!(v = cfg_get(L, s, "name", &k)) || !*v) && !(k && k->bad))
        cfg_err_at(L, k ? k->line : s->line, "[%s] missing key 'name'; expected the indicator's Chinese name, "
                   "e.g. name = 活动出勤率", s->name);
    else if (v)
        ind->name = cc_xstrdup(v);
    v = cfg_get(L, s, "name_en", &k);
    ind->name_en = cc_xstrdup(v && *v ? v : ind->name ? ind->name : ind->id);

    char dims[256];
    {
        size_t o = 0;
        dims[0] = '\0';
        for (size_t d = 0; d < cfg->ndims; d++)
            o += (size_t)snprintf(dims + o, sizeof dims - o, "%s, ", cfg->dims[d]);
        snprintf(dims + o, sizeof dims - o, "extra");
    }
    if (!(v = cfg_get(L, s, "dimension", &k))) {
        if (!k)
        cfg_err_at(L, s->line, "[%s] missing key 'dimension'; expected one of %s", s->name, dims);
    } else if (strcasecmp(v, "extra") != 0) {
        ind->dim = cc_config_dim(cfg, v);
        if (ind->dim < 0) {
            char hint[80];
            cfg_suggest(v, (const char *const *)cfg->dims, hint, sizeof hint);
            cfg_err_at(L, k->line, "[%s] unknown dimension '%s'%s; expected one of %s", s->name, v, hint, dims);
        }
    }
}

static void load_formula(loader *L, const cc_config *cfg, const sec_rec *s, cc_indicator *ind)
{
    const key_rec *k;
    const char *v;

    if ((!(v = cfg_get(L, s, "formula", &k)) || !*v) && !(k && k->bad)) {
        cfg_err_at(L, k ? k->line : s->line, "[%s] missing key 'formula'; expected an arithmetic expression over "
                   "measure names, e.g. formula = attended / registered", s->name);
    } else if (v) {
        ind->formula_src = cc_xstrdup(v);
        int col;
        char msg[256];
        ind->formula = cc_formula_parse(v, &col, msg, sizeof msg);
        if (!ind->formula)
            cfg_err_col(L, k->line, k->vcol + col - 1, "[%s] formula: %s", s->name, msg);
        else
            check_formula_refs(L, cfg, s, k, ind->formula);
    }
}

/* unit and direction; 1 when the direction is known. */
static int load_unit_direction(loader *L, const sec_rec *s, cc_indicator *ind)
{
    const key_rec *k;
    const char *v;
    int dir_ok = 0;
    if ((v = cfg_get(L, s, "unit", &k))) {
        int u = cfg_list_index(unit_names, v);
        if (u < 0)
            cfg_err_at(L, k->line, "[%s] unit = '%s'; expected percent, number, per1000, hours or ratio", s->name, v);
        else
            ind->unit = (cc_unit_kind)u;
    }
    if (!(v = cfg_get(L, s, "direction", &k))) {
        if (!k)
            cfg_err_at(L, s->line, "[%s] missing key 'direction'; expected higher or lower (which way is better)", s->name);
    } else if (!strcmp(v, "higher")) {
        ind->direction = CC_HIGHER;
        dir_ok = 1;
    } else if (!strcmp(v, "lower")) {
        ind->direction = CC_LOWER;
        dir_ok = 1;
    } else {
        cfg_err_at(L, k->line, "[%s] direction = '%s'; expected higher or lower (which way is better)", s->name, v);
    }
    return dir_ok;
}

/* target, yellow, red and floor, in the order the direction asks for. */
static void load_thresholds(loader *L, const sec_rec *s, cc_indicator *ind, int dir_ok)
{
    const key_rec *k;
    const char *v;

    int ok = 0;
    ok |= need_number(L, s, "target", "the value that counts as met (达标)", &ind->target);
    ok |= need_number(L, s, "yellow", "the boundary between blue and yellow", &ind->yellow);
    ok |= need_number(L, s, "red", "the boundary between yellow and red", &ind->red);
    if (ok == 0 && dir_ok) {
        const char *side = ind->direction == CC_HIGHER ? "above" : "below";
        const char *order = ind->direction == CC_HIGHER ? "target ≥ yellow ≥ red" : "target ≤ yellow ≤ red";
        double sg = ind->direction == CC_HIGHER ? 1 : -1;
        const char *ts = cfg_get(L, s, "target", NULL), *ys = cfg_get(L, s, "yellow", NULL), *rs = cfg_get(L, s, "red", NULL);
        if (sg * (ind->yellow - ind->target) > 0)
            cfg_err_at(L, cfg_key_line(L, s, "yellow"), "[%s] yellow = %s is %s target = %s; for direction = %s "
                       "expected %s", s->name, ys, side, ts, cc_direction_name(ind->direction), order);
        else if (sg * (ind->red - ind->yellow) > 0)
            cfg_err_at(L, cfg_key_line(L, s, "red"), "[%s] red = %s is %s yellow = %s; for direction = %s expected %s",
                       s->name, rs, side, ys, cc_direction_name(ind->direction), order);
    }
    if ((v = cfg_get(L, s, "floor", &k))) {
        if (cfg_parse_double(v, &ind->floor))
            cfg_err_at(L, k->line, "[%s] floor = '%s' is not a number; expected the value that scores 0",
                       s->name, v);
        else if (ok == 0 && dir_ok && (ind->direction == CC_HIGHER ? ind->floor >= ind->target
                                                                   : ind->floor <= ind->target))
            cfg_err_at(L, k->line, "[%s] floor = %s is not %s target = %s; expected the value that scores 0 %s "
                       "the target (direction = %s)", s->name, v,
                       ind->direction == CC_HIGHER ? "below" : "above", cfg_get(L, s, "target", NULL),
                       ind->direction == CC_HIGHER ? "below" : "above", cc_direction_name(ind->direction));
        else if (ok == 0 && dir_ok && (ind->direction == CC_HIGHER ? ind->floor > ind->red
                                                                   : ind->floor < ind->red))
            cfg_err_at(L, k->line, "[%s] floor = %s is %s red = %s; expected the value that scores 0 on the far "
                       "side of the red boundary (direction = %s: floor %s red)", s->name, v,
                       ind->direction == CC_HIGHER ? "above" : "below", cfg_get(L, s, "red", NULL),
                       cc_direction_name(ind->direction), ind->direction == CC_HIGHER ? "≤" : "≥");
    } else if (dir_ok && ind->direction == CC_LOWER) {
        cfg_err_at(L, s->line, "[%s] missing key 'floor'; expected the value that scores 0, above target "
                   "(required when direction = lower)", s->name);
    } else if (ok == 0 && dir_ok && ind->target <= 0) {
        cfg_err_at(L, s->line, "[%s] target = %g and floor defaults to 0; expected a floor below the target "
                   "(floor = the value that scores 0)", s->name, ind->target);
    } else if (ok == 0 && dir_ok && ind->red < 0) {
        cfg_err_at(L, s->line, "[%s] red = %g and floor defaults to 0; expected a floor at or below red "
                   "(floor = the value that scores 0)", s->name, ind->red);
    }
}

/* weight, window, min_n, escalate_after. */
static void load_options(loader *L, const sec_rec *s, cc_indicator *ind)
{
    const key_rec *k;
    const char *v;

    if ((v = cfg_get(L, s, "weight", &k)) && (cfg_parse_double(v, &ind->weight) || ind->weight < 0))
        cfg_err_at(L, k->line, "[%s] weight = '%s'; expected a number ≥ 0 (default 1)", s->name, v);
    if ((v = cfg_get(L, s, "window", &k)) && cc_window_parse(v, &ind->window) != CC_OK)
        cfg_err_at(L, k->line, "[%s] window = '%s'; expected period or last:N followed by d, w, m or q "
                   "(days, weeks, months, quarters; N from 1 to 999), e.g. last:13w", s->name, v);
    if ((v = cfg_get(L, s, "min_n", &k)) && (cfg_parse_double(v, &ind->min_n) || ind->min_n < 0))
        cfg_err_at(L, k->line, "[%s] min_n = '%s'; expected a number ≥ 0 (smallest denominator; default 0)", s->name, v);
    if ((v = cfg_get(L, s, "escalate_after", &k))) {
        long e;
        if (cfg_parse_int(v, &e) || e < 1 || e > 12)
            cfg_err_at(L, k->line, "[%s] escalate_after = %s; expected a whole number of periods from 1 to 12 "
                       "(default 2)", s->name, v);
        else
            ind->escalate_after = (int)e;
    }
}

void cfg_load_indicator(loader *L, cc_config *cfg, const sec_rec *s)
{
    cfg_check_keys(L, s, indicator_keys, "an indicator key");
    cc_indicator *ind = &cfg->ind[cfg->nind++];
    memset(ind, 0, sizeof *ind);
    ind->id = cc_xstrdup(s->name);
    ind->line = s->line;
    ind->unit = CC_UNIT_NUMBER;
    ind->direction = CC_HIGHER;
    ind->weight = 1;
    ind->escalate_after = 2;
    ind->dim = -1;
    load_names(L, cfg, s, ind);
    load_formula(L, cfg, s, ind);
    int dir_ok = load_unit_direction(L, s, ind);
    load_thresholds(L, s, ind, dir_ok);
    load_options(L, s, ind);
}
