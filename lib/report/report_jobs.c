/* report_jobs — one workbook's job of a report run: its rows and
 * communities, its file name, and the writing of its workbook, charts,
 * brief and ledger from the run's shared data. */
#include "report/report_run_int.h"
#include "report/brief_int.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- one workbook's job --------------------------------------------------------- */

static int cmp_rank(const cc_scorecard *sc, size_t a, size_t b)
{
    const cc_unit_result *x = &sc->res[a], *y = &sc->res[b];
    int ra = x->rank > 0 ? x->rank : 1 << 30, rb = y->rank > 0 ? y->rank : 1 << 30;
    if (ra != rb)
        return ra < rb ? -1 : 1;
    return strcmp(x->unit.id, y->unit.id);
}

static void sort_rank(const cc_scorecard *sc, size_t *v, size_t n)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && cmp_rank(sc, v[j - 1], v[j]) > 0; j--) {
            size_t t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
}

int cc_rr_cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Communities of the scope unit (all of them for the area): their IDs,
 * sorted.  Every job is planned before the first is written, so each holds
 * only its own (a province's 1,501 jobs at 31,501 units' room: 378 MB). */
static void scope_ids(const cc_scorecard *sc, size_t scope, cc_rr_job *j)
{
    size_t *v = cc_wb_scope_units(sc, scope, &j->nids);
    j->ids = cc_xmalloc((j->nids ? j->nids : 1) * sizeof *j->ids);
    for (size_t k = 0; k < j->nids; k++)
        j->ids[k] = sc->res[v[k]].unit.id;
    free(v);
    qsort(j->ids, j->nids, sizeof *j->ids, cc_rr_cmp_cstr);
}

static long id_index(const cc_rr_job *j, const char *id)
{
    const char *const *p = bsearch(&id, j->ids, j->nids, sizeof *j->ids, cc_rr_cmp_cstr);
    return p ? (long)(p - j->ids) : -1;
}

/* Does the job's k-th community belong to row unit r (itself, or its street)? */
static int belongs(const cc_rr_run *R, const cc_rr_job *j, const cc_unit *r, size_t k)
{
    if (r->level == CC_LEVEL_COMMUNITY)
        return !strcmp(r->id, j->ids[k]);
    if (r->level == CC_LEVEL_AREA)
        return 1;
    long u = R->unit_of[j->idx[k]];
    const char *street = u >= 0 ? R->sc->res[u].unit.street_id : NULL;
    return street && !strcmp(street, r->id);
}

static double nadd(double a, double b) { return isnan(a) ? b : isnan(b) ? a : a + b; }

/* Add community resources into a street/area total (population-weighted fee and income). */
static void res_add(cc_resources *t, const cc_resources *c, double *wfee, double *wpop_fee,
                    double *winc, double *wpop_inc)
{
    t->population = nadd(t->population, c->population);
    t->children_0_3 = nadd(t->children_0_3, c->children_0_3);
    t->places = nadd(t->places, c->places);
    t->inclusive_places = nadd(t->inclusive_places, c->inclusive_places);
    if (!isnan(c->monthly_fee) && !isnan(c->population)) {
        *wfee += c->monthly_fee * c->population;
        *wpop_fee += c->population;
    }
    if (!isnan(c->monthly_income) && !isnan(c->population)) {
        *winc += c->monthly_income * c->population;
        *wpop_inc += c->population;
    }
}

static void res_total(const cc_rr_run *R, const cc_rr_job *j, const cc_resources *comm,
                      const cc_unit *r, double rate, cc_resources *out)
{
    cc_resources t;
    t.population = t.children_0_3 = t.places = t.inclusive_places = NAN;
    double wf = 0, pf = 0, wi = 0, pi = 0;
    for (size_t k = 0; k < j->nids; k++)
        if (belongs(R, j, r, k))
            res_add(&t, &comm[k], &wf, &pf, &wi, &pi);
    t.monthly_fee = pf > 0 ? wf / pf : NAN;
    t.monthly_income = pi > 0 ? wi / pi : NAN;
    cc_resources_finish(&t, rate);
    *out = t;
}

static char *stem(const cc_unit *u, int hashed)
{
    if (u->level == CC_LEVEL_AREA)
        return cc_xstrdup("all");
    return cc_report_stem(u->id, u->name, hashed);
}

/* Two units whose stems are the same (ignoring ASCII case: the reports are
 * copied to Windows too) both get the hash of their ID in the name, so a
 * run never writes one workbook over another. */
void cc_rr_unique_stems(cc_rr_run *R)
{
    size_t n = R->njobs;
    char *clash = cc_xcalloc(n + 1, 1);
    for (size_t i = 0; i < n; i++)
        for (size_t k = i + 1; k < n; k++)
            if (!strcasecmp(R->jobs[i].base, R->jobs[k].base))
                clash[i] = clash[k] = 1;
    for (size_t i = 0; i < n; i++)
        if (clash[i]) {
            free(R->jobs[i].base);
            R->jobs[i].base = stem(&R->sc->res[R->jobs[i].scope].unit, 1);
        }
    free(clash);
}

static int item_indicator(const cc_config *cfg, const cc_item *it)
{
    char *needle = cc_xasprintf("survey.%s.", it->id);
    int found = -1;
    for (size_t i = 0; i < cfg->nind && found < 0; i++)
        if (cfg->ind[i].formula_src && strcasestr(cfg->ind[i].formula_src, needle))
            found = (int)i;
    free(needle);
    return found;
}

/* The workbook input's fields that come from the run and the job as they are. */
static void input_init(const cc_rr_run *R, const cc_rr_job *j, cc_wb_input *in)
{
    const cc_scorecard *sc = R->sc;
    memset(in, 0, sizeof *in);
    in->kind = R->o->kind;
    in->lang_en = R->o->lang_en;
    in->personal = R->o->personal;
    in->stamp = R->stamp;
    in->sc = sc;
    in->scope = j->scope;
    in->rows = j->rows;
    in->nrows = j->nrows;
    in->trend = R->trend;
    in->files = R->files;
    in->nfiles = R->nfiles;
    in->last_ingest = R->last_ingest;
    in->ritems = R->items;
    for (size_t k = 0; k < j->nids; k++) {
        long u = R->unit_of[j->idx[k]];
        in->ncommunities++;
        in->nreported += u >= 0 && sc->res[u].reported;
    }
}

/* Each row's data quality: its communities' counts added. */
static void sum_quality(const cc_rr_run *R, const cc_rr_job *j, const cc_quality *q, cc_quality *rowq)
{
    const cc_scorecard *sc = R->sc;
    for (size_t r = 0; r < j->nrows; r++) {
        const cc_unit *u = &sc->res[j->rows[r]].unit;
        for (size_t k = 0; k < j->nids; k++) {
            if (!belongs(R, j, u, k))
                continue;
            rowq[r].activities += q[k].activities;
            rowq[r].attendance += q[k].attendance;
            rowq[r].responses += q[k].responses;
            rowq[r].rejects += q[k].rejects;
            rowq[r].plausibility += q[k].plausibility;
            rowq[r].unreported_weeks += q[k].unreported_weeks;
            rowq[r].weeks += q[k].weeks;
        }
    }
}

/* Each row's resources (rowr[nrows]: the scope's), from its communities'. */
static void sum_resources(const cc_rr_run *R, const cc_rr_job *j, const cc_resources *res,
                          cc_resources *rowr)
{
    const cc_scorecard *sc = R->sc;
    const cc_config *cfg = R->cfg;
    for (size_t r = 0; r < j->nrows; r++) {
        const cc_unit *u = &sc->res[j->rows[r]].unit;
        if (u->level == CC_LEVEL_COMMUNITY) {
            long k = id_index(j, u->id);
            if (k >= 0)
                rowr[r] = res[k];
            else
                res_total(R, j, res, u, cfg->demand_rate, &rowr[r]);
        } else {
            res_total(R, j, res, u, cfg->demand_rate, &rowr[r]);
        }
    }
    res_total(R, j, res, &sc->res[j->scope].unit, cfg->demand_rate, &rowr[j->nrows]);
}

/* The survey items' answers by role over the job's communities. */
static void gather_items(const cc_rr_run *R, const cc_rr_job *j, cc_answer_stats **astats,
                         cc_wb_item *items)
{
    const cc_config *cfg = R->cfg;
    for (size_t k = 0; k < cfg->nitems; k++) {
        size_t nr = 0;
        const cc_item *it = &cfg->items[k];
        cc_answers_merge(R->ans[k], R->nans[k], j->idx, j->nids, &astats[k], &nr);
        items[k].item = it;
        items[k].roles = astats[k];
        items[k].nroles = nr;
        items[k].indicator = item_indicator(cfg, it);
    }
}

cc_err cc_rr_do_job(cc_rr_run *R, const cc_rr_job *j)
{
    const cc_scorecard *sc = R->sc;
    const cc_config *cfg = R->cfg;
    cc_wb_input in;
    input_init(R, j, &in);

    cc_quality *rowq = cc_xcalloc(j->nrows + 1, sizeof *rowq);
    cc_resources *res = cc_xcalloc(j->nids + 1, sizeof *res);
    cc_resources *rowr = cc_xcalloc(j->nrows + 1, sizeof *rowr);
    cc_plausibility *pl = cc_xcalloc(R->npl + 1, sizeof *pl);
    size_t npl = 0;
    cc_special_child *sp = cc_xcalloc(R->nsp + 1, sizeof *sp);
    size_t nsp = 0;
    cc_quality *q = cc_xcalloc(j->nids + 1, sizeof *q);
    for (size_t k = 0; k < j->nids; k++) {
        q[k] = R->q_all[j->idx[k]];
        if (R->res_all)
            res[k] = R->res_all[j->idx[k]];
    }
    for (size_t k = 0; k < R->npl; k++)
        if (R->pl_all[k].community_id && id_index(j, R->pl_all[k].community_id) >= 0)
            pl[npl++] = R->pl_all[k];           /* borrowed */
    for (size_t k = 0; k < R->nsp; k++)
        if (id_index(j, R->sp_all[k].community_id) >= 0)
            sp[nsp++] = R->sp_all[k];           /* borrowed */
    cc_kano_row *kano = NULL;
    cc_answer_stats **astats = cc_xcalloc(cfg->nitems + 1, sizeof *astats);
    cc_wb_item *items = cc_xcalloc(cfg->nitems + 1, sizeof *items);
    const char *charts[5];
    char *paths[5] = {NULL};
    char *xlsx = NULL;
    cc_err e = CC_OK;

    sum_quality(R, j, q, rowq);
    in.quality = rowq;
    in.plaus = pl;
    in.nplaus = npl;
    if (R->o->kind != CC_REPORT_WEEKLY) {
        sum_resources(R, j, res, rowr);
        in.resources = rowr;
    }
    if (R->o->kind == CC_REPORT_QUARTERLY) {
        in.special = sp;
        in.nspecial = nsp;
        kano = cc_rr_gather_kano(R, j);
        in.kano = kano;
        in.nkano = cfg->nkano;
    }
    gather_items(R, j, astats, items);
    in.items = items;
    in.nitems = cfg->nitems;

    double c0 = cc_rr_thread_cpu_s();
    if ((e = cc_rr_draw_charts(R, j, charts, paths)))
        goto out;
    if (R->o->kind == CC_REPORT_QUARTERLY && paths[CC_CHART_KANO] &&
        (e = cc_rr_kano_chart(R, j, kano, paths[CC_CHART_KANO])))
        goto out;
    for (int k = 0; k < 5; k++)
        in.charts[k] = charts[k];
    double c1 = cc_rr_thread_cpu_s();
    xlsx = cc_xasprintf("%s/%s.xlsx", R->dir, j->base);
    e = cc_workbook_write(xlsx, &in);
    /* the one-page brief beside the workbook: full runs only */
    if (!e && !R->o->no_brief && R->o->nstreets == 0 && R->o->ncommunities == 0)
        e = cc_brief_report(&in, R->dir, j->base, R->config_sha, R->data_to);
    /* the rectification ledger of each street: full runs only */
    if (!e && R->ledger_dir && sc->res[j->scope].unit.level == CC_LEVEL_STREET) {
        char *lp = cc_xasprintf("%s/%s-整改台账.xlsx", R->ledger_dir, j->base);
        e = cc_ledger_workbook_write(lp, sc, R->items, j->scope);
        free(lp);
    }
    double c2 = cc_rr_thread_cpu_s();
    pthread_mutex_lock(&R->lock);
    R->cpu_charts += c1 - c0;
    R->cpu_books += c2 - c1;
    pthread_mutex_unlock(&R->lock);
out:
    free(xlsx);
    for (int k = 0; k < 5; k++)
        free(paths[k]);
    for (size_t k = 0; k < cfg->nitems; k++)
        free(astats[k]);
    free(astats);
    free(items);
    free(kano);
    free(sp);                   /* entries borrowed from the run */
    free(pl);
    free(q);
    free(rowq);
    free(res);
    free(rowr);
    return e;
}

/* ---- the jobs of a run ------------------------------------------------------------ */

void cc_rr_add_job(cc_rr_run *R, size_t *cap, size_t scope)
{
    if (R->njobs == *cap) {
        *cap = *cap ? 2 * *cap : 8;
        R->jobs = cc_xrealloc(R->jobs, *cap * sizeof *R->jobs);
    }
    cc_rr_job *j = &R->jobs[R->njobs++];
    memset(j, 0, sizeof *j);
    const cc_scorecard *sc = R->sc;
    const cc_unit *u = &sc->res[scope].unit;
    j->scope = scope;
    j->base = stem(u, 0);
    j->rows = cc_xmalloc((sc->units.n ? sc->units.n : 1) * sizeof *j->rows);
    for (size_t i = 0; i < sc->units.n; i++) {
        const cc_unit *c = &sc->res[i].unit;
        int in = 0;
        if (u->level == CC_LEVEL_AREA)
            in = c->level == CC_LEVEL_STREET;
        else if (u->level == CC_LEVEL_STREET)
            in = cc_wb_in_scope(u, c);
        else
            in = i == scope;
        if (in)
            j->rows[j->nrows++] = i;
    }
    j->rows = cc_xrealloc(j->rows, (j->nrows ? j->nrows : 1) * sizeof *j->rows);   /* as ids */
    sort_rank(sc, j->rows, j->nrows);
    scope_ids(sc, scope, j);
    j->idx = cc_xmalloc((j->nids ? j->nids : 1) * sizeof *j->idx);
    for (size_t k = 0; k < j->nids; k++) {
        const char *const *p = bsearch(&j->ids[k], R->all_ids, R->nall, sizeof *R->all_ids,
                                       cc_rr_cmp_cstr);
        j->idx[k] = p ? (size_t)(p - R->all_ids) : 0;    /* always found: same units */
    }
}
