/* workbook_quality — the sheets 数据质量 and 指标说明 of every report. */
#include "report/report.h"
#include "report/workbook_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

/* ---- 数据质量 ----------------------------------------------------------------------- */

void cc_wb_sheet_quality(cc_wb_book *b)
{
    const cc_wb_input *in = b->in;
    const cc_scorecard *sc = in->sc;
    cc_wb_sheet *s = cc_wb_sheet_new(b, cc_wb_L(in, "数据质量", "Data quality"));
    if (!s->ws) { free(s); return; }
    const char *cols[] = {
        cc_wb_L(in, "编号", "ID"), cc_wb_L(in, "单位", "Unit"), cc_wb_L(in, "活动场次", "Activities"),
        cc_wb_L(in, "签到记录", "Attendance rows"), cc_wb_L(in, "问卷", "Survey responses"),
        cc_wb_L(in, "被拒行", "Rejected rows"), cc_wb_L(in, "合理性提示", "Plausibility warnings"),
        cc_wb_L(in, "未报周数", "Weeks not reported"), cc_wb_L(in, "周数", "Weeks"),
    };
    int nc = (int)(sizeof cols / sizeof cols[0]);
    s->header_row = 0;
    cc_wb_header(s, 0, cols, nc);
    int row = 1;
    cc_quality tot;
    memset(&tot, 0, sizeof tot);
    for (size_t k = 0; k < in->nrows; k++, row++) {
        const cc_unit_result *r = &sc->res[in->rows[k]];
        const cc_quality *q = &in->quality[k];
        cc_wb_put_str(s, row, 0, r->unit.id, NULL);
        cc_wb_put_str(s, row, 1, cc_wb_unit_name(in, &r->unit), NULL);
        cc_wb_put_long(s, row, 2, q->activities);
        cc_wb_put_long(s, row, 3, q->attendance);
        cc_wb_put_long(s, row, 4, q->responses);
        cc_wb_put_long(s, row, 5, q->rejects);
        cc_wb_put_long(s, row, 6, q->plausibility);
        cc_wb_put_long(s, row, 7, q->unreported_weeks);
        cc_wb_put_long(s, row, 8, q->weeks);
        tot.activities += q->activities;
        tot.attendance += q->attendance;
        tot.responses += q->responses;
        tot.rejects += q->rejects;
        tot.plausibility += q->plausibility;
        tot.unreported_weeks += q->unreported_weeks;
        tot.weeks += q->weeks;
    }
    cc_wb_table_end(s, row - 1, nc - 1);
    row++;
    cc_wb_put_str(s, row, 1, cc_wb_L(in, "合计", "Total"), b->f.bold);
    cc_wb_put_long(s, row, 2, tot.activities);
    cc_wb_put_long(s, row, 3, tot.attendance);
    cc_wb_put_long(s, row, 4, tot.responses);
    cc_wb_put_long(s, row, 5, tot.rejects);
    cc_wb_put_long(s, row, 6, tot.plausibility);
    cc_wb_put_long(s, row, 7, tot.unreported_weeks);
    cc_wb_put_long(s, row, 8, tot.weeks);
    row += 2;

    /* The plausibility warnings themselves (rows kept, worth a look). */
    cc_wb_put_line(s, row++, 0, cc_wb_L(in, "合理性提示明细", "Plausibility warnings"), b->f.bold);
    const char *pc[] = {cc_wb_L(in, "社区编号", "Community"), cc_wb_L(in, "文件", "File"),
                        cc_wb_L(in, "行", "Line"), cc_wb_L(in, "日期", "Date"), cc_wb_L(in, "说明", "Message")};
    for (int c = 0; c < 5; c++)
        cc_wb_put_str(s, row, c, pc[c], b->f.header);
    row++;
    for (size_t k = 0; k < in->nplaus; k++, row++) {
        const cc_plausibility *p = &in->plaus[k];
        cc_wb_put_str(s, row, 0, p->community_id, NULL);
        cc_wb_put_str(s, row, 1, p->file, NULL);
        cc_wb_put_long(s, row, 2, p->line);
        cc_wb_put_str(s, row, 3, p->date, NULL);
        cc_wb_put_str(s, row, 4, p->message, NULL);
    }
    if (in->nplaus == 0)
        cc_wb_put_str(s, row++, 0, cc_wb_L(in, "（无）", "(none)"), NULL);
    row++;

    /* Unreadable survey answers, per question. */
    int any = 0;
    for (size_t k = 0; k < in->nitems; k++)
        if (in->items[k].nroles && in->items[k].roles[0].unparsed)
            any = 1;
    if (any) {
        cc_wb_put_line(s, row++, 0, cc_wb_L(in, "无法识别的问卷答案", "Unreadable survey answers"), b->f.bold);
        cc_wb_put_str(s, row, 0, cc_wb_L(in, "题目编号", "Item"), b->f.header);
        cc_wb_put_str(s, row, 1, cc_wb_L(in, "题目", "Question"), b->f.header);
        cc_wb_put_str(s, row, 2, cc_wb_L(in, "无法识别", "Unreadable"), b->f.header);
        row++;
        for (size_t k = 0; k < in->nitems; k++) {
            const cc_wb_item *it = &in->items[k];
            if (!it->nroles || !it->roles[0].unparsed)
                continue;
            cc_wb_put_str(s, row, 0, it->item->id, NULL);
            cc_wb_put_str(s, row, 1, it->item->column, NULL);
            cc_wb_put_long(s, row, 2, it->roles[0].unparsed);
            row++;
        }
    }
    cc_wb_sheet_done(s, 2);
}

/* ---- 指标说明 ----------------------------------------------------------------------- */

static void window_text(const cc_window *w, char *out, size_t n)
{
    if (!w->unit)
        snprintf(out, n, "period");
    else
        snprintf(out, n, "last:%d%c", w->n, w->unit);
}

void cc_wb_sheet_definitions(cc_wb_book *b)
{
    const cc_wb_input *in = b->in;
    const cc_scorecard *sc = in->sc;
    const cc_config *cfg = sc->cfg;
    cc_wb_sheet *s = cc_wb_sheet_new(b, cc_wb_L(in, "指标说明", "Definitions"));
    if (!s->ws) { free(s); return; }
    const char *cols[] = {
        cc_wb_L(in, "编号", "ID"), cc_wb_L(in, "名称", "Name"), cc_wb_L(in, "英文名", "English name"),
        cc_wb_L(in, "维度", "Dimension"), cc_wb_L(in, "公式", "Formula"), cc_wb_L(in, "单位", "Unit"),
        cc_wb_L(in, "方向", "Direction"), cc_wb_L(in, "目标", "Target"), cc_wb_L(in, "黄线", "Yellow"),
        cc_wb_L(in, "红线", "Red"), cc_wb_L(in, "零分线", "Floor"), cc_wb_L(in, "窗口", "Window"),
        cc_wb_L(in, "最小样本", "min_n"), cc_wb_L(in, "连续升级期数", "escalate_after"),
        cc_wb_L(in, "配置权重", "Weight"), cc_wb_L(in, "维度内有效权重", "Effective weight in dimension"),
        cc_wb_L(in, "维度权重", "Dimension weight"),
    };
    int nc = (int)(sizeof cols / sizeof cols[0]);
    s->header_row = 0;
    cc_wb_header(s, 0, cols, nc);
    int row = 1;
    for (size_t i = 0; i < cfg->nind; i++, row++) {
        const cc_indicator *ind = &cfg->ind[i];
        lxw_format *vf = cc_wb_unit_format(b, ind->unit);
        char win[32];
        window_text(&ind->window, win, sizeof win);
        cc_wb_put_str(s, row, 0, ind->id, NULL);
        cc_wb_put_str(s, row, 1, ind->name, NULL);
        cc_wb_put_str(s, row, 2, ind->name_en, NULL);
        cc_wb_put_str(s, row, 3, cc_wb_dim_label(in, ind->dim >= 0 ? cfg->dims[ind->dim] : "extra"), NULL);
        cc_wb_put_str(s, row, 4, ind->formula_src, NULL);
        cc_wb_put_str(s, row, 5, cc_wb_unit_label(in, ind->unit), NULL);
        cc_wb_put_str(s, row, 6, ind->direction == CC_LOWER ? cc_wb_L(in, "越低越好", "lower")
                                                       : cc_wb_L(in, "越高越好", "higher"), NULL);
        cc_wb_put_num(s, row, 7, ind->target, vf);
        cc_wb_put_num(s, row, 8, ind->yellow, vf);
        cc_wb_put_num(s, row, 9, ind->red, vf);
        cc_wb_put_num(s, row, 10, ind->floor, vf);
        cc_wb_put_str(s, row, 11, win, NULL);
        cc_wb_put_num(s, row, 12, ind->min_n, NULL);
        cc_wb_put_num(s, row, 13, ind->escalate_after, b->f.integer);
        cc_wb_put_num(s, row, 14, ind->weight, NULL);
        if (ind->dim >= 0) {
            cc_wb_put_num(s, row, 15, sc->ind_weight ? sc->ind_weight[i] : NAN, b->f.num2);
            cc_wb_put_num(s, row, 16, sc->dim_weight[ind->dim], b->f.num2);
        }
    }
    cc_wb_table_end(s, row - 1, nc - 1);
    row++;
    const char *method = cfg->weights == CC_WEIGHTS_AHP ? "ahp"
                       : cfg->weights == CC_WEIGHTS_ENTROPY ? "entropy" : "fixed";
    char *line = cc_xasprintf("%s: %s%s", cc_wb_L(in, "权重方法", "Weights"), method,
                              cfg->ranking == CC_RANK_TOPSIS
                              ? cc_wb_L(in, "；排名：TOPSIS", "; ranking: TOPSIS") : "");
    cc_wb_put_line(s, row++, 0, line, b->f.bold);
    free(line);
    if (cfg->weights == CC_WEIGHTS_AHP && sc->ahp.weights) {
        line = cc_xasprintf("AHP: λmax = %.4f, CI = %.4f, RI = %.2f, CR = %.4f%s",
                            sc->ahp.lambda_max, sc->ahp.ci, sc->ahp.ri, sc->ahp.cr,
                            sc->ahp.consistent ? "" : cc_wb_L(in, "（不一致）", " (inconsistent)"));
        cc_wb_put_line(s, row++, 0, line, NULL);
        free(line);
    }
    row++;
    cc_wb_put_line(s, row++, 0, cc_wb_L(in, "输入文件", "Input files"), b->f.bold);
    const char *fc[] = {cc_wb_L(in, "文件", "File"), cc_wb_L(in, "类型", "Kind"), "SHA-256",
                        cc_wb_L(in, "读入行", "Rows read"), cc_wb_L(in, "接收行", "Rows accepted"),
                        cc_wb_L(in, "拒绝行", "Rows rejected"), cc_wb_L(in, "导入时间", "Ingested at")};
    for (int c = 0; c < 7; c++)
        cc_wb_put_str(s, row, c, fc[c], b->f.header);
    row++;
    for (size_t k = 0; k < in->nfiles; k++, row++) {
        const cc_input_file *f = &in->files[k];
        cc_wb_put_str(s, row, 0, f->name, NULL);
        cc_wb_put_str(s, row, 1, f->kind, NULL);
        cc_wb_put_line(s, row, 2, f->sha256, NULL);
        cc_wb_put_long(s, row, 3, f->rows_read);
        cc_wb_put_long(s, row, 4, f->rows_accepted);
        cc_wb_put_long(s, row, 5, f->rows_rejected);
        cc_wb_put_str(s, row, 6, f->ingested_at, NULL);
    }
    row++;
    cc_wb_put_line(s, row, 0, "carecard " CARECARD_VERSION, NULL);
    cc_wb_sheet_done(s, 2);
}
