/* ledger_sheet — the rectification ledger's workbooks (ledger.md): the
 * ledger a street office fills in (<street>-整改台账.xlsx: one sheet 整改台账,
 * the filled-in columns unlocked, the others locked by sheet protection
 * without a password, a drop-down for 完成情况, A4 landscape) and the sheet
 * 整改跟踪 of the report workbooks.  Neither shows personal data: items are
 * community x indicator, entries are what the office typed in its own
 * columns (a column a clerk added is never read back). */
#include "report/report.h"
#include "report/workbook_int.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

static void day_text(cc_day d, char out[11])
{
    if (d < 0) {
        out[0] = '\0';
        return;
    }
    cc_day_format(d, out);
}

static const char *nz(const char *s)
{
    return s ? s : "";
}

int cc_wb_in_scope(const cc_unit *scope, const cc_unit *c)
{
    if (c->level != CC_LEVEL_COMMUNITY)
        return 0;
    if (scope->level == CC_LEVEL_AREA)
        return 1;
    if (scope->level == CC_LEVEL_STREET)
        return c->street_id && !strcmp(c->street_id, scope->id);
    return !strcmp(c->id, scope->id);
}

size_t *cc_wb_scope_units(const cc_scorecard *sc, size_t scope, size_t *n)
{
    size_t *v = cc_xmalloc((sc->units.n + 1) * sizeof *v);
    const cc_unit *su = &sc->res[scope].unit;
    *n = 0;
    for (size_t u = 0; u < sc->units.n; u++)
        if (cc_wb_in_scope(su, &sc->res[u].unit))
            v[(*n)++] = u;
    return v;
}

/* The items of a scope's communities (units ascending), in the items'
 * order, each community's found by cc_items_of: next_item gives the next
 * one, NULL after the last. */
typedef struct {
    const cc_items *it;
    const size_t *units;
    size_t n, u, k, hi;
} scope_items;

static const cc_ritem *next_item(scope_items *x)
{
    while (x->k == x->hi) {
        if (x->u == x->n)
            return NULL;
        cc_items_of(x->it, x->units[x->u++], &x->k, &x->hi);
    }
    return &x->it->v[x->k++];
}

/* Column widths in characters */
static void widths(lxw_worksheet *ws, const double *w, int n)
{
    for (int c = 0; c < n; c++)
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, w[c], NULL);
}

static lxw_error put(lxw_worksheet *ws, int r, int c, const char *t, lxw_format *f)
{
    if (!t || !*t)
        return worksheet_write_blank(ws, (lxw_row_t)r, (lxw_col_t)c, f);
    if (!cc_utf8_valid(t, strlen(t)))
        t = "\xEF\xBF\xBD";
    return worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c, t, f);
}

/* ---- 整改跟踪 -------------------------------------------------------------------- */

static void share_text(char *out, size_t n, long a, long b)
{
    if (b > 0)
        snprintf(out, n, "%.1f%% (%ld/%ld)", 100.0 * (double)a / (double)b, a, b);
    else
        snprintf(out, n, "—");
}

lxw_error cc_wb_tracking_sheet(lxw_workbook *wb, const cc_wb_input *in)
{
    const cc_scorecard *sc = in->sc;
    const cc_config *cfg = sc->cfg;
    const cc_items *it = in->ritems;
    lxw_worksheet *ws = workbook_add_worksheet(wb, in->lang_en ? "Rectification" : "整改跟踪");
    if (!ws)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    lxw_format *title = workbook_add_format(wb), *hdr = workbook_add_format(wb),
               *bold = workbook_add_format(wb), *num = workbook_add_format(wb);
    format_set_bold(title);
    format_set_font_size(title, 14);
    format_set_bold(hdr);
    format_set_bg_color(hdr, 0xDDE6F0);
    format_set_pattern(hdr, LXW_PATTERN_SOLID);
    format_set_border(hdr, LXW_BORDER_THIN);
    format_set_text_wrap(hdr);
    format_set_bold(bold);
    format_set_num_format(num, "0");
    lxw_error e = LXW_NO_ERROR, e1;
#define P(x) do { if ((e1 = (x)) != LXW_NO_ERROR && e == LXW_NO_ERROR) e = e1; } while (0)
    const cc_unit *su = &sc->res[in->scope].unit;
    size_t nunits, *units = cc_wb_scope_units(sc, in->scope, &nunits);
    int row = 0;
    char buf[256];
    snprintf(buf, sizeof buf, "整改跟踪 %s %s", su->level == CC_LEVEL_AREA ? "全区" : su->name, sc->period.id);
    P(put(ws, row++, 0, buf, title));
    cc_items_summary all;
    cc_items_summarise(it, units, nunits, &all);
    char sh[64], md[32];
    share_text(sh, sizeof sh, all.on_time, all.closed);
    if (isnan(all.median_days))
        snprintf(md, sizeof md, "—");
    else
        snprintf(md, sizeof md, "%g 天", all.median_days);
    snprintf(buf, sizeof buf, "按期关闭 %s；关闭天数中位数 %s（近 %d 期内关闭的整改事项）", sh, md, CC_HISTORY);
    P(put(ws, row++, 0, buf, NULL));
    row++;

    /* counts per state: per community, or per street in the area's workbook */
    static const char *const cols[] = {"编号", "名称", "整改中", "逾期", "待验证", "已见效", "未见效", "已解除",
                                       "合计", "已关闭", "按期关闭", "按期关闭率", "关闭天数中位数"};
    int hrow = row;
    for (int c = 0; c < 13; c++)
        P(put(ws, row, c, cols[c], hdr));
    row++;
    int by_street = su->level == CC_LEVEL_AREA;
    /* the rows: the scope's communities, or every street (the units
     * [ncomm, ncomm + nstreet) of the scorecard) */
    size_t nrows = by_street ? sc->units.nstreet : nunits;
    for (size_t r = 0; r < nrows; r++) {
        size_t g = by_street ? sc->units.ncomm + r : units[r];
        const cc_unit *gu = &sc->res[g].unit;
        cc_items_summary s;
        if (by_street) {
            size_t n2, *u2 = cc_wb_scope_units(sc, g, &n2);
            cc_items_summarise(it, u2, n2, &s);
            free(u2);
        } else {
            cc_items_summarise(it, &g, 1, &s);
        }
        long tot = 0;
        P(put(ws, row, 0, gu->id, NULL));
        P(put(ws, row, 1, gu->name, NULL));
        for (int st = 0; st < CC_IS_COUNT; st++) {
            P(worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)(2 + st), (double)s.count[st], num));
            tot += s.count[st];
        }
        P(worksheet_write_number(ws, (lxw_row_t)row, 8, (double)tot, num));
        P(worksheet_write_number(ws, (lxw_row_t)row, 9, (double)s.closed, num));
        P(worksheet_write_number(ws, (lxw_row_t)row, 10, (double)s.on_time, num));
        share_text(sh, sizeof sh, s.on_time, s.closed);
        P(put(ws, row, 11, s.closed ? sh : "—", NULL));
        if (!isnan(s.median_days))
            P(worksheet_write_number(ws, (lxw_row_t)row, 12, s.median_days, NULL));
        else
            P(put(ws, row, 12, "—", NULL));
        row++;
    }
    P(put(ws, row, 1, "合计", bold));
    long tot = 0;
    for (int st = 0; st < CC_IS_COUNT; st++) {
        P(worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)(2 + st), (double)all.count[st], num));
        tot += all.count[st];
    }
    P(worksheet_write_number(ws, (lxw_row_t)row, 8, (double)tot, num));
    P(worksheet_write_number(ws, (lxw_row_t)row, 9, (double)all.closed, num));
    P(worksheet_write_number(ws, (lxw_row_t)row, 10, (double)all.on_time, num));
    share_text(sh, sizeof sh, all.on_time, all.closed);
    P(put(ws, row, 11, all.closed ? sh : "—", NULL));
    P(put(ws, row, 12, md, NULL));
    row += 2;

    /* the overdue and the not-effective items */
    for (int list = 0; list < 2; list++) {
        cc_item_state want = list ? CC_IS_NOT_EFFECTIVE : CC_IS_OVERDUE;
        snprintf(buf, sizeof buf, "%s清单", cc_item_state_zh(want));
        P(put(ws, row++, 0, buf, bold));
        static const char *const lc[] = {"编号", "社区", "指标", "等级", "当前值", "整改期限", "完成日期",
                                         "整改措施", "责任人", "完成情况"};
        for (int c = 0; c < 10; c++)
            P(put(ws, row, c, lc[c], hdr));
        row++;
        int any = 0;
        scope_items x = {it, units, nunits, 0, 0, 0};
        for (const cc_ritem *t; (t = next_item(&x));) {
            if (!t->shown || t->state != want)
                continue;
            const cc_cell *c = &sc->res[t->unit].cells[t->ind];
            const cc_indicator *ind = &cfg->ind[t->ind];
            char v[32], d1[11], d2[11], nm[160];
            cc_format_indicator_value(v, sizeof v, ind, c->value);
            day_text(t->deadline, d1);
            day_text(t->done, d2);
            snprintf(nm, sizeof nm, "%s %s", ind->id, ind->name);
            P(put(ws, row, 0, t->id, NULL));
            P(put(ws, row, 1, sc->res[t->unit].unit.name, NULL));
            P(put(ws, row, 2, nm, NULL));
            P(put(ws, row, 3, cc_status_zh(c->status), NULL));
            P(put(ws, row, 4, v, NULL));
            P(put(ws, row, 5, d1, NULL));
            P(put(ws, row, 6, d2, NULL));
            P(put(ws, row, 7, t->entry ? nz(t->entry->measures) : "", NULL));
            P(put(ws, row, 8, t->entry ? nz(t->entry->owner) : "", NULL));
            P(put(ws, row, 9, t->entry ? nz(t->entry->progress) : "", NULL));
            row++;
            any = 1;
        }
        if (!any)
            P(put(ws, row++, 0, "（无）", NULL));
        row++;
    }
    free(units);
    static const double w[] = {24, 14, 22, 8, 10, 12, 12, 24, 12, 12, 10, 14, 14};
    widths(ws, w, 13);
    /* A4 landscape at 70 % (the widths above fit one page wide; 11 pt prints
     * at 7.7 pt), the table's header on every page */
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9);
    worksheet_set_print_scale(ws, 70);
    P(worksheet_print_area(ws, 0, 0, (lxw_row_t)(row > 0 ? row - 1 : 0), 12));
    P(worksheet_repeat_rows(ws, (lxw_row_t)hrow, (lxw_row_t)hrow));
    worksheet_freeze_panes(ws, (lxw_row_t)(hrow + 1), 0);
#undef P
    return e;
}

/* ---- the ledger workbook ------------------------------------------------------------- */

static const char *const ledger_cols[] = {
    "编号", "社区", "指标", "处置", "等级", "首次预警", "连续期数", "当前值", "目标", "整改期限", "状态",
    "整改措施", "责任人", "计划完成日期", "完成情况", "完成日期", "备注"};
enum { NLEDGER = 17, FIRST_FILL = 11, LEDGER_SCALE = 81 };

cc_err cc_ledger_workbook_write(const char *path, const cc_scorecard *sc, const cc_items *it, size_t scope)
{
    const cc_config *cfg = sc->cfg;
    char *tmp = cc_xasprintf("%s.tmp.%ld", path, (long)getpid());
    lxw_workbook *wb = workbook_new(tmp);
    if (!wb) {
        cc_error("%s: cannot create the workbook", path);
        free(tmp);
        return CC_ERR_IO;
    }
    lxw_doc_properties props;
    memset(&props, 0, sizeof props);
    char *title = cc_xasprintf("整改台账 %s %s", sc->period.id, sc->res[scope].unit.id);
    props.title = title;
    props.author = (char *)"carecard";
    props.created = (time_t)sc->period.to * 86400;     /* same input, same bytes */
    workbook_set_properties(wb, &props);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "整改台账");
    lxw_format *hdr = workbook_add_format(wb), *hdr_fill = workbook_add_format(wb);
    lxw_format *locked = workbook_add_format(wb), *open = workbook_add_format(wb);
    lxw_format *lock_red = workbook_add_format(wb);
    format_set_bold(hdr);
    format_set_bg_color(hdr, 0xDDE6F0);
    format_set_pattern(hdr, LXW_PATTERN_SOLID);
    format_set_border(hdr, LXW_BORDER_THIN);
    format_set_text_wrap(hdr);
    format_set_bold(hdr_fill);
    format_set_bg_color(hdr_fill, 0xFFF2CC);
    format_set_pattern(hdr_fill, LXW_PATTERN_SOLID);
    format_set_border(hdr_fill, LXW_BORDER_THIN);
    format_set_text_wrap(hdr_fill);
    format_set_border(locked, LXW_BORDER_THIN);
    format_set_bg_color(locked, 0xF2F2F2);
    format_set_pattern(locked, LXW_PATTERN_SOLID);
    format_set_border(lock_red, LXW_BORDER_THIN);
    format_set_bg_color(lock_red, 0xF2F2F2);
    format_set_pattern(lock_red, LXW_PATTERN_SOLID);
    format_set_font_color(lock_red, 0xC00000);
    format_set_bold(lock_red);
    format_set_border(open, LXW_BORDER_THIN);
    format_set_unlocked(open);
    format_set_text_wrap(open);
    format_set_num_format(open, "@");         /* dates typed stay as typed */
    lxw_error e = LXW_NO_ERROR, e1;
#define P(x) do { if ((e1 = (x)) != LXW_NO_ERROR && e == LXW_NO_ERROR) e = e1; } while (0)
    for (int c = 0; c < NLEDGER; c++)
        P(put(ws, 0, c, ledger_cols[c], c >= FIRST_FILL ? hdr_fill : hdr));
    size_t nunits, *units = cc_wb_scope_units(sc, scope, &nunits);
    scope_items x = {it, units, nunits, 0, 0, 0};
    int row = 1;
    for (const cc_ritem *t; (t = next_item(&x));) {
        if (!t->shown)
            continue;
        const cc_cell *c = &sc->res[t->unit].cells[t->ind];
        const cc_indicator *ind = &cfg->ind[t->ind];
        char v[32], tg[32], d[11], nm[160], runb[16];
        int ongoing = t->end_k < 0;
        cc_format_indicator_value(v, sizeof v, ind, c->value);
        cc_format_value(tg, sizeof tg, ind->unit, ind->target);
        day_text(t->deadline, d);
        snprintf(nm, sizeof nm, "%s %s", ind->id, ind->name);
        snprintf(runb, sizeof runb, "%d", ongoing ? c->run : t->first_k - t->end_k);
        lxw_format *sf = t->state == CC_IS_OVERDUE || t->state == CC_IS_NOT_EFFECTIVE ? lock_red : locked;
        P(put(ws, row, 0, t->id, locked));
        P(put(ws, row, 1, sc->res[t->unit].unit.name, locked));
        P(put(ws, row, 2, nm, locked));
        const char *act = ongoing ? cc_cell_action_zh(c) : "";
        P(put(ws, row, 3, *act ? act : "—", locked));
        P(put(ws, row, 4, cc_status_zh(c->status), locked));
        P(put(ws, row, 5, cc_ritem_first(t, sc), locked));
        P(put(ws, row, 6, runb, locked));
        P(put(ws, row, 7, v, locked));
        P(put(ws, row, 8, tg, locked));
        P(put(ws, row, 9, d, locked));
        P(put(ws, row, 10, cc_item_state_zh(t->state), sf));
        const cc_ledger_entry *en = t->entry;
        P(put(ws, row, 11, en ? en->measures : NULL, open));
        P(put(ws, row, 12, en ? en->owner : NULL, open));
        P(put(ws, row, 13, en ? en->planned : NULL, open));
        P(put(ws, row, 14, en ? en->progress : NULL, open));
        P(put(ws, row, 15, en ? en->done : NULL, open));
        P(put(ws, row, 16, en ? en->note : NULL, open));
        row++;
    }
    free(units);
    if (row > 1) {
        lxw_data_validation dv;
        const char *list[] = {"未开始", "进行中", "已完成", NULL};
        memset(&dv, 0, sizeof dv);
        dv.validate = LXW_VALIDATION_TYPE_LIST;
        dv.value_list = (char **)list;
        dv.error_title = (char *)"完成情况";
        dv.error_message = (char *)"请选择 未开始、进行中 或 已完成";
        P(worksheet_data_validation_range(ws, 1, 14, (lxw_row_t)(row - 1), 14, &dv));
    }
    static const double w[] = {26, 12, 20, 9, 6, 10, 6, 9, 9, 11, 8, 30, 10, 12, 10, 11, 16};
    widths(ws, w, NLEDGER);
    worksheet_set_row(ws, 0, 30, NULL);
    worksheet_freeze_panes(ws, 1, 1);
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9);                      /* A4 */
    /* Printed in two column groups, the report's columns then the office's
     * (page order over, then down), each one page wide at LEDGER_SCALE %,
     * with the header row and 编号 on every page: one page wide would print
     * the seventeen columns at about 5 pt. */
    static lxw_col_t vbreaks[] = {11, 0};
    worksheet_set_print_scale(ws, LEDGER_SCALE);
    worksheet_print_across(ws);
    P(worksheet_set_v_pagebreaks(ws, vbreaks));
    worksheet_set_margins(ws, 0.4, 0.4, 0.6, 0.6);
    P(worksheet_print_area(ws, 0, 0, (lxw_row_t)(row > 0 ? row - 1 : 0), NLEDGER - 1));
    P(worksheet_repeat_rows(ws, 0, 0));
    P(worksheet_repeat_columns(ws, 0, 0));
    char hf[160];
    snprintf(hf, sizeof hf, "&L整改台账 %s&R第 &P 页，共 &N 页", sc->period.id);
    P(worksheet_set_header(ws, hf));
    lxw_protection prot;
    memset(&prot, 0, sizeof prot);
    prot.format_columns = 1;                          /* column widths may change */
    prot.format_rows = 1;
    prot.autofilter = 1;
    worksheet_protect(ws, NULL, &prot);               /* no password */
#undef P
    lxw_error le = workbook_close(wb);
    free(title);
    cc_err err = CC_OK;
    if (e != LXW_NO_ERROR || le != LXW_NO_ERROR) {
        cc_error("%s: %s", path, lxw_strerror(e != LXW_NO_ERROR ? e : le));
        err = CC_ERR_IO;
    } else if (rename(tmp, path) != 0) {
        cc_error("%s: %s", path, strerror(errno));
        err = CC_ERR_IO;
    }
    if (err)
        unlink(tmp);
    free(tmp);
    return err;
}
