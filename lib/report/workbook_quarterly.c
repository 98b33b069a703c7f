/* workbook_quarterly — the sheets only the quarterly report has: KANO,
 * digital services, resources and 专项整治. */
#include "report/report.h"
#include "report/workbook_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <xlsxwriter.h>

/* ---- quarterly sheets --------------------------------------------------------------- */

static const char *kano_cat_label(const cc_wb_input *in, cc_kano_cat c)
{
    static const char *const zh[] = {"A 魅力", "O 期望", "M 必备", "I 无差异", "R 反向", "Q 可疑"};
    static const char *const en[] = {"A attractive", "O one-dimensional", "M must-be",
                                     "I indifferent", "R reverse", "Q questionable"};
    if ((int)c < 0 || c > CC_KANO_Q)
        return "";
    return in->lang_en ? en[c] : zh[c];
}

static const char *role_label(const cc_wb_input *in, const char *role)
{
    static const struct { const char *id, *zh; } roles[] = {
        {"child", "儿童"}, {"parent", "家长"}, {"grandparent", "祖辈"}, {"elder", "老人"},
        {"volunteer", "志愿者"}, {"other", "其他"},
    };
    if (!*role)
        return cc_wb_L(in, "全部", "all");
    if (in->lang_en)
        return role;
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (!strcmp(roles[i].id, role))
            return roles[i].zh;
    return role;
}

/* Share shown for an item: top-2 (likert) or yes (yesno). */
static double item_share(const cc_item *it, const cc_answer_stats *a)
{
    if (a->n <= 0)
        return NAN;
    if (it->scale == CC_SCALE_YESNO)
        return (double)a->count[1] / a->n;
    return (double)(a->count[4] + a->count[5]) / a->n;
}

static double item_mean(const cc_item *it, const cc_answer_stats *a)
{
    if (a->n <= 0 || it->scale == CC_SCALE_YESNO)
        return NAN;
    double s = 0;
    for (int k = 1; k <= 5; k++)
        s += k * (double)a->count[k];
    return s / a->n;
}

cc_colour cc_wb_level(const cc_indicator *ind, double v, cc_status *st)
{
    cc_status s;
    if (isnan(v)) {
        s = CC_ST_MISSING;
    } else {
        double d = ind->direction == CC_LOWER ? -1 : 1;
        if (d * v >= d * ind->target) s = CC_ST_MET;
        else if (d * v >= d * ind->yellow) s = CC_ST_BLUE;
        else if (d * v >= d * ind->red) s = CC_ST_YELLOW;
        else s = CC_ST_RED;
    }
    if (st)
        *st = s;
    switch (s) {
    case CC_ST_MET:    return CC_COL_MET;
    case CC_ST_BLUE:   return CC_COL_BLUE;
    case CC_ST_YELLOW: return CC_COL_YELLOW;
    case CC_ST_RED:    return CC_COL_RED;
    default:           return CC_COL_GREY;
    }
}

void cc_wb_sheet_kano(cc_wb_book *b)
{
    const cc_wb_input *in = b->in;
    cc_wb_sheet *s = cc_wb_sheet_new(b, cc_wb_L(in, "满意度与KANO", "Satisfaction and KANO"));
    if (!s->ws) { free(s); return; }
    const char *cols[] = {
        cc_wb_L(in, "功能编号", "Feature ID"), cc_wb_L(in, "功能", "Feature"), "A", "O", "M", "I", "R", "Q",
        cc_wb_L(in, "类别", "Category"), "Better", "Worse", cc_wb_L(in, "改进优先级", "Priority"),
    };
    int nc = (int)(sizeof cols / sizeof cols[0]);
    s->header_row = 0;
    cc_wb_header(s, 0, cols, nc);
    int row = 1;
    for (size_t k = 0; k < in->nkano; k++, row++) {
        const cc_kano_row *r = &in->kano[k];
        cc_wb_put_str(s, row, 0, r->feature ? r->feature->id : "", NULL);
        cc_wb_put_str(s, row, 1, r->feature ? r->feature->name : "", NULL);
        for (int c = 0; c < 6; c++)
            cc_wb_put_long(s, row, 2 + c, r->counts[c]);
        long tot = 0;
        for (int c = 0; c < 6; c++)
            tot += r->counts[c];
        if (tot > 0)
            cc_wb_put_str(s, row, 8, kano_cat_label(in, r->category), b->f.center);   /* apart from the counts */
        cc_wb_put_num(s, row, 9, r->better, b->f.num2);
        cc_wb_put_num(s, row, 10, r->worse, b->f.num2);
        if (tot > 0)
            cc_wb_put_num(s, row, 11, r->priority, b->f.integer);
    }
    cc_wb_table_end(s, row - 1, nc - 1);
    row++;
    cc_wb_put_line(s, row++, 0, cc_wb_L(in, "满意度题目（按身份）", "Survey items by respondent role"), b->f.bold);
    const char *ic[] = {cc_wb_L(in, "题目编号", "Item"), cc_wb_L(in, "题目", "Question"), cc_wb_L(in, "身份", "Role"),
                        "n", cc_wb_L(in, "均值", "Mean"), cc_wb_L(in, "满意率（4–5分）/是", "Top-2 / yes share")};
    for (int c = 0; c < 6; c++)
        cc_wb_put_str(s, row, c, ic[c], b->f.header);
    row++;
    for (size_t k = 0; k < in->nitems; k++) {
        const cc_wb_item *it = &in->items[k];
        if (it->item->group && !strcmp(it->item->group, "digital"))
            continue;
        for (size_t j = 0; j < it->nroles; j++, row++) {
            cc_wb_put_str(s, row, 0, it->item->id, NULL);
            cc_wb_put_str(s, row, 1, it->item->column, NULL);
            cc_wb_put_str(s, row, 2, role_label(in, it->roles[j].role), j == 0 ? b->f.bold : NULL);
            cc_wb_put_long(s, row, 3, it->roles[j].n);
            cc_wb_put_num(s, row, 4, item_mean(it->item, &it->roles[j]), b->f.num2);
            cc_wb_put_num(s, row, 5, item_share(it->item, &it->roles[j]), b->f.pct);
        }
    }
    row++;
    cc_wb_put_image(s, row, 0, in->charts[CC_CHART_KANO], 720);
    cc_wb_sheet_done(s, 2);
}

void cc_wb_sheet_digital(cc_wb_book *b)
{
    const cc_wb_input *in = b->in;
    const cc_config *cfg = in->sc->cfg;
    cc_wb_sheet *s = cc_wb_sheet_new(b, cc_wb_L(in, "数字包容", "Digital inclusion"));
    if (!s->ws) { free(s); return; }
    const char *cols[] = {
        cc_wb_L(in, "题目编号", "Item"), cc_wb_L(in, "题目", "Question"), cc_wb_L(in, "身份", "Role"), "n",
        cc_wb_L(in, "比例（是/4–5分）", "Yes / top-2 share"), cc_wb_L(in, "对应指标", "Indicator"),
        cc_wb_L(in, "预警", "Level"),
    };
    int nc = (int)(sizeof cols / sizeof cols[0]);
    s->header_row = 0;
    cc_wb_header(s, 0, cols, nc);
    int row = 1;
    for (size_t k = 0; k < in->nitems; k++) {
        const cc_wb_item *it = &in->items[k];
        if (!it->item->group || strcmp(it->item->group, "digital"))
            continue;
        const cc_indicator *ind = it->indicator >= 0 ? &cfg->ind[it->indicator] : NULL;
        for (size_t j = 0; j < it->nroles; j++, row++) {
            double share = item_share(it->item, &it->roles[j]);
            cc_wb_put_str(s, row, 0, it->item->id, NULL);
            cc_wb_put_str(s, row, 1, it->item->column, NULL);
            cc_wb_put_str(s, row, 2, role_label(in, it->roles[j].role), j == 0 ? b->f.bold : NULL);
            cc_wb_put_long(s, row, 3, it->roles[j].n);
            cc_wb_put_num(s, row, 4, share, b->f.pct);
            if (ind) {
                cc_wb_put_str(s, row, 5, ind->id, NULL);
                cc_status st;
                cc_colour col = cc_wb_level(ind, share, &st);
                cc_wb_put_str(s, row, 6, cc_wb_status_label(in, st), cc_wb_level_format(b, col));
            }
        }
    }
    if (row == 1)
        cc_wb_put_str(s, row++, 0, cc_wb_L(in, "（未配置 digital 组题目）", "(no item of group digital)"), NULL);
    cc_wb_table_end(s, row - 1, nc - 1);
    cc_wb_sheet_done(s, 3);
}

static int config_find(const cc_config *cfg, const char *id)
{
    for (size_t i = 0; i < cfg->nind; i++)
        if (!strcasecmp(cfg->ind[i].id, id))
            return (int)i;
    return -1;
}

static void put_leveled(cc_wb_sheet *s, int row, int col, double v, lxw_format *vf, int ind)
{
    const cc_config *cfg = s->b->in->sc->cfg;
    cc_wb_put_num(s, row, col, v, vf);
    if (ind >= 0 && !isnan(v)) {
        cc_status st;
        cc_colour c = cc_wb_level(&cfg->ind[ind], v, &st);
        cc_wb_put_str(s, row, col + 1, cc_wb_status_label(s->b->in, st), cc_wb_level_format(s->b, c));
    }
}

void cc_wb_sheet_resources(cc_wb_book *b)
{
    const cc_wb_input *in = b->in;
    const cc_scorecard *sc = in->sc;
    const cc_config *cfg = sc->cfg;
    cc_wb_sheet *s = cc_wb_sheet_new(b, cc_wb_L(in, "资源缺口", "Resource gaps"));
    if (!s->ws) { free(s); return; }
    const char *cols[] = {
        cc_wb_L(in, "编号", "ID"), cc_wb_L(in, "单位", "Unit"), cc_wb_L(in, "0–3岁婴幼儿", "Children 0–3"),
        cc_wb_L(in, "托位数", "Places"), cc_wb_L(in, "每千人托位", "Places per 1,000"), cc_wb_L(in, "预警", "Level"),
        cc_wb_L(in, "需求估计", "Demand estimate"), cc_wb_L(in, "缺口", "Gap"),
        cc_wb_L(in, "普惠托位占比", "Inclusive share"), cc_wb_L(in, "预警", "Level"),
        cc_wb_L(in, "托育费用负担率", "Fee burden"), cc_wb_L(in, "预警", "Level"),
    };
    int nc = (int)(sizeof cols / sizeof cols[0]);
    char *note_txt = cc_xasprintf(in->lang_en
        ? "Demand = %.2f × children 0–3 ([resources] demand_rate); gap = demand − places"
        : "需求估计 = %.2f × 0–3岁婴幼儿数（[resources] demand_rate）；缺口 = 需求估计 − 托位数",
        cfg->demand_rate);
    cc_wb_put_line(s, 0, 0, note_txt, b->f.sub);
    free(note_txt);
    s->header_row = 1;
    cc_wb_header(s, 1, cols, nc);
    int c4 = config_find(cfg, "C4"), x1 = config_find(cfg, "X1"), x2 = config_find(cfg, "X2");
    int row = 2;
    for (size_t k = 0; k <= in->nrows; k++, row++) {
        const cc_resources *r = &in->resources[k];
        const cc_unit_result *u = &sc->res[k < in->nrows ? in->rows[k] : in->scope];
        lxw_format *bold = k < in->nrows ? NULL : b->f.bold;
        if (k == in->nrows) {
            cc_wb_table_end(s, row - 1, nc - 1);
            row++;
        }
        cc_wb_put_str(s, row, 0, u->unit.id, bold);
        cc_wb_put_str(s, row, 1, cc_wb_unit_name(in, &u->unit), bold);
        cc_wb_put_num(s, row, 2, r->children_0_3, b->f.integer);
        cc_wb_put_num(s, row, 3, r->places, b->f.integer);
        put_leveled(s, row, 4, r->per1000, b->f.num2, c4);
        cc_wb_put_num(s, row, 6, r->demand, b->f.num1);
        cc_wb_put_num(s, row, 7, r->gap, b->f.num1);
        put_leveled(s, row, 8, r->inclusive_share, b->f.pct, x1);
        put_leveled(s, row, 10, r->fee_burden, b->f.pct, x2);
    }
    cc_wb_sheet_done(s, 2);
}

void cc_wb_sheet_special(cc_wb_book *b)
{
    const cc_wb_input *in = b->in;
    const cc_scorecard *sc = in->sc;
    cc_wb_sheet *s = cc_wb_sheet_new(b, cc_wb_L(in, "未覆盖困境儿童", "Special children not reached"));
    if (!s->ws) { free(s); return; }
    cc_wb_put_line(s, 0, 0, in->personal
             ? cc_wb_L(in, "含个人信息（--personal）：仅限工作人员使用", "Contains personal data (--personal)")
             : cc_wb_L(in, "姓名已脱敏；完整姓名需 --personal", "Names masked; full names need --personal"),
             b->f.sub);
    const char *cols[] = {
        cc_wb_L(in, "社区编号", "Community ID"), cc_wb_L(in, "社区", "Community"),
        cc_wb_L(in, "参与者编号", "Participant ID"), cc_wb_L(in, "姓名", "Name"),
        cc_wb_L(in, "最近参与日期", "Last attended"),
    };
    int nc = (int)(sizeof cols / sizeof cols[0]);
    s->header_row = 1;
    cc_wb_header(s, 1, cols, nc);
    int row = 2;
    for (size_t k = 0; k < in->nspecial; k++, row++) {
        const cc_special_child *c = &in->special[k];
        long u = cc_wb_find(sc, CC_LEVEL_COMMUNITY, c->community_id);
        cc_wb_put_str(s, row, 0, c->community_id, NULL);
        cc_wb_put_str(s, row, 1, u >= 0 ? sc->res[u].unit.name : "", NULL);
        cc_wb_put_str(s, row, 2, c->participant_id, NULL);
        if (in->personal) {
            cc_wb_put_str(s, row, 3, c->name, NULL);
        } else {
            char *m = cc_mask_name(c->name);
            cc_wb_put_str(s, row, 3, m, NULL);
            free(m);
        }
        cc_wb_put_str(s, row, 4, c->last_seen, NULL);
    }
    cc_wb_table_end(s, row - 1, nc - 1);
    cc_wb_sheet_done(s, 2);
}
