/* report_kano — KANO of a quarterly report: the answer pairs of every
 * community, added over a workbook's communities. */
#include "report/report_run_int.h"

#include <stdlib.h>

/* KANO of the scope: the run's per-community pairs added over its communities. */
cc_kano_row *cc_rr_gather_kano(const cc_rr_run *R, const cc_rr_job *j)
{
    const cc_config *cfg = R->cfg;
    cc_kano_row *rows = cc_xcalloc(cfg->nkano + 1, sizeof *rows);
    for (size_t k = 0; k < cfg->nkano; k++) {
        rows[k].feature = &cfg->kano[k];
        for (size_t c = 0; c < j->nids; c++) {
            const long *pairs = R->kp[k * R->nall + j->idx[c]];
            for (int f = 1; f <= 5; f++)
                for (int d = 1; d <= 5; d++)
                    rows[k].counts[cc_kano_classify(f, d)] += pairs[(f - 1) * 5 + (d - 1)];
        }
    }
    cc_kano_finish(rows, cfg->nkano);
    return rows;
}

/* Every KANO feature's answer pairs per community of the run (R->kp), in
 * one pass over the period's responses. */
cc_err cc_rr_kano_pairs(cc_rr_run *R, cc_store *s, const cc_period *p)
{
    const cc_config *cfg = R->cfg;
    cc_err e;
    R->kp = cc_xcalloc(cfg->nkano * R->nall + 1, sizeof *R->kp);
    const char **fq = cc_xcalloc(cfg->nkano + 1, sizeof *fq);
    const char **dq = cc_xcalloc(cfg->nkano + 1, sizeof *dq);
    for (size_t k = 0; k < cfg->nkano; k++) {
        fq[k] = cfg->kano[k].functional;
        dq[k] = cfg->kano[k].dysfunctional;
    }
    e = cc_kano_pairs_many(s, R->all_ids, R->nall, p->from, p->to, fq, dq, cfg->nkano, R->kp);
    free(fq);
    free(dq);
    return e;
}

/* The KANO chart of the job at path, from its rows (cc_rr_gather_kano). */
cc_err cc_rr_kano_chart(const cc_rr_run *R, const cc_rr_job *j, const cc_kano_row *kano, const char *path)
{
    const cc_scorecard *sc = R->sc;
    const cc_config *cfg = R->cfg;
    const char **lab = cc_xcalloc(cfg->nkano + 1, sizeof *lab);
    double *bt = cc_xcalloc(cfg->nkano + 1, sizeof *bt), *wt = cc_xcalloc(cfg->nkano + 1, sizeof *wt);
    for (size_t k = 0; k < cfg->nkano; k++) {
        lab[k] = kano[k].feature->name;
        bt[k] = kano[k].better;
        wt[k] = kano[k].worse;
    }
    char *title = cc_xasprintf(R->o->lang_en ? "%s: KANO" : "%s KANO 需求分类",
                               sc->res[j->scope].unit.level == CC_LEVEL_AREA
                               ? (R->o->lang_en ? "area" : "全区") : sc->res[j->scope].unit.name);
    cc_chart_opts co;
    cc_chart_opts_init(&co);
    co.lang_en = R->o->lang_en;
    co.subtitle = sc->period.id;
    cc_err e = cc_chart_kano(path, &co, title, cfg->nkano, lab, bt, wt);
    free(title);
    free(lab);
    free(bt);
    free(wt);
    return e;
}
