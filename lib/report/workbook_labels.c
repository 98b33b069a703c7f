/* workbook_labels — the words of the report workbooks in Chinese or English
 * (--lang en): status, change, level and unit labels, the period text and
 * the report's name; some are shared with the brief (brief_run.c). */
#include "report/report.h"
#include "report/workbook_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---- labels ----------------------------------------------------------------- */

const char *cc_wb_L(const cc_wb_input *in, const char *zh, const char *en)
{
    return in->lang_en ? en : zh;
}

const char *cc_wb_status_label(const cc_wb_input *in, cc_status s)
{
    static const char *const zh[] = {"达标", "蓝", "黄", "红", "无数据", "样本不足", "未报"};
    static const char *const en[] = {"met", "blue", "yellow", "red", "no data", "insufficient",
                                     "not reported"};
    if ((int)s < 0 || s > CC_ST_NOT_REPORTED)
        return "";
    return in->lang_en ? en[s] : zh[s];
}

const char *cc_wb_change_label(const cc_wb_input *in, cc_change c)
{
    static const char *const zh[] = {"", "新增", "持续", "已解除"};
    static const char *const en[] = {"", "new", "continuing", "resolved"};
    if ((int)c < 0 || c > CC_CHG_RESOLVED)
        return "";
    return in->lang_en ? en[c] : zh[c];
}

const char *cc_wb_level_label(const cc_wb_input *in, cc_level l)
{
    switch (l) {
    case CC_LEVEL_COMMUNITY: return cc_wb_L(in, "社区", "community");
    case CC_LEVEL_STREET:    return cc_wb_L(in, "街道", "street");
    default:                 return cc_wb_L(in, "全区", "area");
    }
}

const char *cc_wb_dim_label(const cc_wb_input *in, const char *dim)
{
    static const struct { const char *id, *zh, *en; } dims[] = {
        {"process", "服务过程", "Process"}, {"recipients", "服务对象", "Recipients"},
        {"growth", "学习成长", "Growth"}, {"community", "社区发展", "Community"},
        {"extra", "附加指标", "Extra"},
    };
    for (size_t i = 0; i < sizeof dims / sizeof dims[0]; i++)
        if (!strcasecmp(dims[i].id, dim))
            return in->lang_en ? dims[i].en : dims[i].zh;
    return dim;
}

const char *cc_wb_grade_en(const char *g)
{
    if (!g) return NULL;
    if (!strcmp(g, "优秀")) return "Excellent";
    if (!strcmp(g, "良好")) return "Good";
    if (!strcmp(g, "合格")) return "Pass";
    if (!strcmp(g, "不合格")) return "Fail";
    return g;
}

const char *cc_wb_unit_label(const cc_wb_input *in, cc_unit_kind u)
{
    static const char *const zh[] = {"百分比", "数值", "每千", "小时", "比值"};
    static const char *const en[] = {"percent", "number", "per 1,000", "hours", "ratio"};
    if ((int)u < 0 || u > CC_UNIT_RATIO)
        return "";
    return in->lang_en ? en[u] : zh[u];
}

/* 处置 of a warning cell. */
const char *cc_wb_action_label(const cc_wb_input *in, const cc_cell *c)
{
    if (!cc_wb_is_warning(c->status))
        return "";
    if (c->rectify)
        return cc_wb_L(in, "专项整治", "special rectification");
    if (c->status == CC_ST_NOT_REPORTED)
        return cc_wb_L(in, "督促报送", "chase the report");
    if (c->status == CC_ST_RED || c->status == CC_ST_YELLOW)
        return cc_wb_L(in, "限期整改", "rectify by deadline");
    return cc_wb_L(in, "关注", "watch");
}

int cc_wb_is_warning(cc_status s)
{
    return s == CC_ST_BLUE || s == CC_ST_YELLOW || s == CC_ST_RED || s == CC_ST_NOT_REPORTED;
}

/* ---- dates ---------------------------------------------------------------------- */

void cc_wb_ymd(cc_day day, int *y, int *m, int *d)
{
    cc_day_to_ymd(day, y, m, d);
}

static void day_text(cc_day day, char *out, size_t n)
{
    int y, m, d;
    cc_wb_ymd(day, &y, &m, &d);
    snprintf(out, n, "%04d-%02d-%02d", y, m, d);
}

/* 2026年第47周（11月16日—11月22日） and the other kinds. */
char *cc_wb_period_text(const cc_wb_input *in, const cc_period *p)
{
    int y1, m1, d1, y2, m2, d2;
    cc_wb_ymd(p->from, &y1, &m1, &d1);
    cc_wb_ymd(p->to, &y2, &m2, &d2);
    if (in->lang_en) {
        char a[16], b[16];
        day_text(p->from, a, sizeof a);
        day_text(p->to, b, sizeof b);
        return cc_xasprintf("%s (%s – %s)", p->id, a, b);
    }
    char range[96];
    if (y1 == y2)
        snprintf(range, sizeof range, "（%d月%d日—%d月%d日）", m1, d1, m2, d2);
    else
        snprintf(range, sizeof range, "（%d年%d月%d日—%d年%d月%d日）", y1, m1, d1, y2, m2, d2);
    int yr = 0, n = 0;
    switch (p->kind) {
    case CC_PERIOD_WEEK:
        if (sscanf(p->id, "%d-W%d", &yr, &n) == 2)
            return cc_xasprintf("%d年第%d周%s", yr, n, range);
        break;
    case CC_PERIOD_MONTH:
        return cc_xasprintf("%d年%d月%s", y1, m1, range);
    case CC_PERIOD_QUARTER:
        return cc_xasprintf("%d年第%d季度%s", y1, (m1 - 1) / 3 + 1, range);
    case CC_PERIOD_YEAR:
        return cc_xasprintf("%d年%s", y1, range);
    default:
        break;
    }
    char a[16], b[16];
    day_text(p->from, a, sizeof a);
    day_text(p->to, b, sizeof b);
    return cc_xasprintf("%s—%s", a, b);
}

const char *cc_wb_report_name(const cc_wb_input *in)
{
    switch (in->kind) {
    case CC_REPORT_WEEKLY:    return cc_wb_L(in, "周报", "weekly report");
    case CC_REPORT_MONTHLY:   return cc_wb_L(in, "月报", "monthly report");
    case CC_REPORT_QUARTERLY: return cc_wb_L(in, "季报", "quarterly report");
    default:                  return cc_wb_L(in, "评估", "scorecard");
    }
}

const char *cc_wb_prev_label(const cc_wb_input *in)
{
    switch (in->sc->period.kind) {
    case CC_PERIOD_WEEK:    return cc_wb_L(in, "较上周", "vs last week");
    case CC_PERIOD_MONTH:   return cc_wb_L(in, "较上月", "vs last month");
    case CC_PERIOD_QUARTER: return cc_wb_L(in, "较上季度", "vs last quarter");
    case CC_PERIOD_YEAR:    return cc_wb_L(in, "较上年", "vs last year");
    default:                return cc_wb_L(in, "较上期", "vs previous");
    }
}

const char *cc_wb_unit_name(const cc_wb_input *in, const cc_unit *u)
{
    if (u->level == CC_LEVEL_AREA && (!u->name || !*u->name))
        return cc_wb_L(in, "全区", "area");
    return u->name;
}

/* ---- labels shared with the brief (brief_run.c) ------------------------------------ */

char *cc_wb_period_label(const cc_wb_input *in)
{
    return cc_wb_period_text(in, &in->sc->period);
}
