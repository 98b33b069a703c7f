/* score/level — the names of statuses, colours and changes, the level
 * (band) and threshold score of a value, escalation (连续未达标, 专项整治)
 * over the history, and the 处置 of a cell. */
#include "score/score_int.h"

#include <math.h>
#include <string.h>

/* ---- names ---------------------------------------------------------------- */
const char *cc_status_name(cc_status s)
{
    static const char *const n[] = {"met", "blue", "yellow", "red", "missing",
                                    "insufficient", "not_reported"};
    return (unsigned)s < 7 ? n[s] : "?";
}

const char *cc_status_zh(cc_status s)
{
    static const char *const n[] = {"达标", "蓝", "黄", "红", "无数据", "样本不足", "未报"};
    return (unsigned)s < 7 ? n[s] : "?";
}

const char *cc_colour_name(cc_colour c)
{
    static const char *const n[] = {"met", "blue", "yellow", "red", "grey"};
    return (unsigned)c < 5 ? n[c] : "?";
}

const char *cc_change_name(cc_change c)
{
    static const char *const n[] = {NULL, "new", "continuing", "resolved"};
    return (unsigned)c < 4 ? n[c] : NULL;
}

const char *cc_change_zh(cc_change c)
{
    static const char *const n[] = {"", "新增", "持续", "已解除"};
    return (unsigned)c < 4 ? n[c] : "";
}

int cc_status_is_warning(cc_status s)
{
    return s == CC_ST_BLUE || s == CC_ST_YELLOW || s == CC_ST_RED || s == CC_ST_NOT_REPORTED;
}

static int is_miss(int s)
{
    return s == CC_ST_BLUE || s == CC_ST_YELLOW || s == CC_ST_RED;
}

cc_status cc_indicator_level(const cc_indicator *ind, double v)
{
    double sg = ind->direction == CC_LOWER ? -1 : 1;
    if (cc_score_ge(sg * v, sg * ind->target)) return CC_ST_MET;
    if (cc_score_ge(sg * v, sg * ind->yellow)) return CC_ST_BLUE;
    if (cc_score_ge(sg * v, sg * ind->red)) return CC_ST_YELLOW;
    return CC_ST_RED;
}

static double clamp(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

/* Threshold scoring in "higher is better" coordinates (a lower indicator is
 * mirrored by negating every number): 100 at the target, B1 at yellow, B2 at
 * red, 0 at the floor, linear in between; each band's score is clamped to
 * the band, so the tolerance at a boundary never lets a score leave it and
 * an empty band (two equal boundaries) is never reached. */
double cc_indicator_score(const cc_indicator *ind, const double band[2], double v)
{
    double sg = ind->direction == CC_LOWER ? -1 : 1;
    double x = sg * v, t = sg * ind->target, y = sg * ind->yellow, r = sg * ind->red;
    double f = sg * ind->floor, b1 = band[0], b2 = band[1];
    switch (cc_indicator_level(ind, v)) {
    case CC_ST_MET:
        return 100;
    case CC_ST_BLUE:
        return t > y ? clamp(b1 + (100 - b1) * (x - y) / (t - y), b1, 100) : b1;
    case CC_ST_YELLOW:
        return y > r ? clamp(b2 + (b1 - b2) * (x - r) / (y - r), b2, b1) : b2;
    default:
        return r > f ? clamp(b2 * (x - f) / (r - f), 0, b2) : 0;
    }
}

cc_score_esc cc_score_escalate(const cc_config *cfg, const cc_score_pstate *ps, const int *idx, size_t i,
                               int from_k)
{
    cc_score_esc r = {CC_ST_MISSING, 0, 0};
    const cc_indicator *ind = &cfg->ind[i];
    int first;
    if (idx[from_k] < 0 || !ps[from_k].ok)
        return r;
    first = ps[from_k].st[(size_t)idx[from_k] * cfg->nind + i];
    r.status = (cc_status)first;
    if (first == CC_ST_NOT_REPORTED) {
        for (int k = from_k; k < CC_HISTORY; k++) {
            if (idx[k] < 0 || !ps[k].ok || ps[k].st[(size_t)idx[k] * cfg->nind + i] != CC_ST_NOT_REPORTED)
                break;
            r.run++;
        }
        r.rectify = r.run >= ind->escalate_after;
        r.status = CC_ST_NOT_REPORTED;
        return r;
    }
    if (!is_miss(first))
        return r;
    for (int k = from_k; k < CC_HISTORY; k++) {
        if (idx[k] < 0 || !ps[k].ok || !is_miss(ps[k].st[(size_t)idx[k] * cfg->nind + i]))
            break;
        r.run++;
    }
    /* the band is never changed: 专项整治 is a flag, for a run of misses
     * whose level now is at least [scorecard] escalate_from */
    r.rectify = r.run >= ind->escalate_after && (int)first >= cfg->escalate_from;
    return r;
}

cc_colour cc_score_colour(cc_status s, int rectify)
{
    switch (s) {
    case CC_ST_MET: return CC_COL_MET;
    case CC_ST_BLUE: return CC_COL_BLUE;
    case CC_ST_YELLOW: return CC_COL_YELLOW;
    case CC_ST_RED: return CC_COL_RED;
    case CC_ST_NOT_REPORTED: return rectify ? CC_COL_RED : CC_COL_YELLOW;
    default: return CC_COL_GREY;
    }
}

const char *cc_unranked_name(cc_unranked u)
{
    return u == CC_UNRANKED_COVERAGE ? "coverage" : u == CC_UNRANKED_NOT_REPORTED ? "not_reported" : NULL;
}

const char *cc_unranked_zh(cc_unranked u)
{
    return u == CC_UNRANKED_COVERAGE ? "覆盖不足" : u == CC_UNRANKED_NOT_REPORTED ? "未报" : "";
}

const char *cc_cell_action_zh(const cc_cell *c)
{
    if (c->rectify && cc_status_is_warning(c->status))
        return "专项整治";
    switch (c->status) {
    case CC_ST_NOT_REPORTED: return "督促报送";
    case CC_ST_RED:
    case CC_ST_YELLOW: return "限期整改";
    case CC_ST_BLUE: return "关注";
    default: return "";
    }
}
