/* score/format — values as text (by unit, with the decimals a boundary
 * needs), the explanation of a cell, and the movers of a unit's total. */
#include "score/score_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- formatting ------------------------------------------------------------------ */
/* A number with at most `dec` decimals, trailing zeros removed. */
static void fmt_num(char *out, size_t len, double v, int dec)
{
    char *dot;
    if (isnan(v)) {
        snprintf(out, len, "—");
        return;
    }
    snprintf(out, len, "%.*f", dec, v);
    dot = strchr(out, '.');
    if (dot) {
        char *e = out + strlen(out) - 1;
        while (e > dot && *e == '0')
            *e-- = '\0';
        if (e == dot)
            *e = '\0';
    }
    if (!strcmp(out, "-0"))
        snprintf(out, len, "0");
}

void cc_format_value(char *out, size_t len, cc_unit_kind unit, double v);
void cc_format_value(char *out, size_t len, cc_unit_kind unit, double v)
{
    if (isnan(v)) {
        snprintf(out, len, "—");
        return;
    }
    switch (unit) {
    case CC_UNIT_PERCENT:
        snprintf(out, len, "%.1f%%", v * 100 + 0.0);
        if (!strcmp(out, "-0.0%"))
            snprintf(out, len, "0.0%%");
        break;
    case CC_UNIT_RATIO:
        fmt_num(out, len, v, 3);
        break;
    default:
        fmt_num(out, len, v, 2);
        break;
    }
}

/* Decimals a value is shown with: the unit's own (percent 1, ratio 3,
 * others 2), more (up to 4) while it would read the same as a boundary
 * (target, yellow, red) it is not at — a value is never printed equal to
 * the boundary it failed ("9.98% < 目标 10.0%"). */
int cc_value_decimals(const cc_indicator *ind, double v)
{
    int base = ind->unit == CC_UNIT_PERCENT ? 1 : ind->unit == CC_UNIT_RATIO ? 3 : 2, d;
    double k = ind->unit == CC_UNIT_PERCENT ? 100 : 1;
    const double bnd[3] = {ind->target, ind->yellow, ind->red};
    if (isnan(v))
        return base;
    for (d = base; d < 4; d++) {
        int same = 0;
        for (int j = 0; j < 3 && !same; j++) {
            char a[64], b[64];
            if (cc_score_ge(v, bnd[j]) && cc_score_ge(-v, -bnd[j]))
                continue;           /* at the boundary (within tolerance) */
            snprintf(a, sizeof a, "%.*f", d, v * k);
            snprintf(b, sizeof b, "%.*f", d, bnd[j] * k);
            same = !strcmp(a, b);
        }
        if (!same)
            break;
    }
    return d;
}

void cc_format_indicator_value(char *out, size_t len, const cc_indicator *ind, double v)
{
    int d = cc_value_decimals(ind, v);
    if (isnan(v)) {
        snprintf(out, len, "—");
        return;
    }
    if (ind->unit == CC_UNIT_PERCENT) {
        snprintf(out, len, "%.*f%%", d, v * 100 + 0.0);
        if (!strncmp(out, "-0.", 3) && strspn(out + 3, "0") == strlen(out + 3) - 1)
            memmove(out, out + 1, strlen(out));
    } else if (d > (ind->unit == CC_UNIT_RATIO ? 3 : 2)) {
        fmt_num(out, len, v, d);
    } else {
        cc_format_value(out, len, ind->unit, v);
    }
}

void cc_score_explain(cc_buf *b, const cc_config *cfg, const cc_period *per, const cc_indicator *ind,
                      const cc_unit *unit, const cc_cell *c)
{
    char v[64], n[64], d[64], t[64];
    (void)cfg;
    switch (c->status) {
    case CC_ST_MET:
        return;
    case CC_ST_NOT_REPORTED:
        cc_buf_addf(b, "%s %s未报送活动台账", unit->name, cc_period_this_zh(per->kind));
        if (c->run >= 2)
            cc_buf_addf(b, "，连续 %d %s未报送", c->run, cc_period_unit_zh(per->kind));
        if (c->rectify)
            cc_buf_adds(b, " → 专项整治");
        return;
    case CC_ST_MISSING:
        if (c->why && !strcmp(c->why, "未报")) {
            cc_buf_adds(b, "未报");
            return;
        }
        cc_buf_addf(b, "%s 无数据", ind->name);
        if (c->why && !strncmp(c->why, "missing measure '", 17))
            cc_buf_addf(b, "（缺 %.*s）", (int)strcspn(c->why + 17, "'"), c->why + 17);
        else if (c->why && !strcmp(c->why, "division by zero"))
            cc_buf_adds(b, "（分母为 0）");
        return;
    case CC_ST_INSUFFICIENT:
        fmt_num(d, sizeof d, c->den, 2);
        fmt_num(n, sizeof n, ind->min_n, 2);
        cc_buf_addf(b, "%s 样本不足 (%s < %s)", ind->name, d, n);
        return;
    default:
        break;
    }
    cc_format_indicator_value(v, sizeof v, ind, c->value);
    cc_format_value(t, sizeof t, ind->unit, ind->target);
    cc_buf_addf(b, "%s %s", ind->name, v);
    if (!isnan(c->num) && !isnan(c->den)) {
        fmt_num(n, sizeof n, c->num, 2);
        fmt_num(d, sizeof d, c->den, 2);
        double k = cc_formula_scale(ind->formula);
        if (k != 1) {                 /* counts, and the scale: (25/568 × 100) */
            char ks[32];
            fmt_num(ks, sizeof ks, k, 2);
            cc_buf_addf(b, " (%s/%s × %s)", n, d, ks);
        } else {
            cc_buf_addf(b, " (%s/%s)", n, d);
        }
    }
    cc_buf_addf(b, " %s 目标 %s", ind->direction == CC_LOWER ? ">" : "<", t);
    if (c->run >= 2)
        cc_buf_addf(b, "，连续 %d %s未达标", c->run, cc_period_unit_zh(per->kind));
    if (c->rectify)
        cc_buf_adds(b, " → 专项整治");
}

char *cc_scorecard_movers(const cc_scorecard *sc, size_t unit)
{
    /* Candidates: every indicator's contribution, and (index nind) the
     * effect of coverage changes, named 覆盖变化. */
    const cc_unit_result *r = &sc->res[unit];
    size_t nind = sc->cfg->nind, best[3];
    int nb = 0;
    cc_buf b = CC_BUF_INIT;
    for (int k = 0; k < 3; k++) {
        size_t pick = (size_t)-1;
        double pv = 0;
        for (size_t i = 0; i <= nind; i++) {
            double v = i < nind ? r->contrib[i] : r->contrib_coverage;
            int taken = 0;
            if (isnan(v) || fabs(v) < 0.05)
                continue;
            for (int j = 0; j < nb; j++)
                taken |= best[j] == i;
            if (taken)
                continue;
            if (pick == (size_t)-1 || fabs(v) > fabs(pv)) {
                pick = i;
                pv = v;
            }
        }
        if (pick == (size_t)-1)
            break;
        best[nb++] = pick;
    }
    cc_buf_adds(&b, "");
    for (int j = 0; j < nb; j++) {
        double v = best[j] < nind ? r->contrib[best[j]] : r->contrib_coverage;
        cc_buf_addf(&b, "%s%s %s%.1f", j ? "，" : "", best[j] < nind ? sc->cfg->ind[best[j]].name : "覆盖变化",
                    v >= 0 ? "+" : "−", fabs(v));
    }
    return cc_buf_detach(&b);
}
