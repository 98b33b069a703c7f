/* report_run — carecard report: compute the period's scorecard once, then
 * write one workbook (with its charts) per street, the area summary and
 * warnings.csv.  Street workbooks are written by a small pool of threads:
 * the scorecard is shared read-only; every per-community query is made for
 * all communities before the split, on the caller's connection, so workers
 * never touch SQLite; libxlsxwriter workbooks and Cairo surfaces are per
 * workbook, Pango gives each thread its own font map.  (libxlsxwriter formats
 * a workbook's `created` date with gmtime(); every workbook of a run has the
 * same date, so concurrent calls write the same bytes into gmtime's buffer.)
 * Threads rather than forked children: one copy of the scorecard, and an
 * error or interruption is seen by the other worker at its next workbook.
 *
 * This file is the flow; the parts are report_stage.c (staging and
 * publishing), report_jobs.c (one workbook's job), report_charts.c,
 * report_kano.c, report_trend.c, report_pool.c (the threads),
 * report_warnings.c (warnings.csv) and report_usage.c (time and memory). */
#include "report/report.h"
#include "report/workbook_int.h"
#include "report/brief_int.h"
#include "report/report_run_int.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- the steps of the run ---------------------------------------------------------- */

/* Every unit asked for must exist on the period's last day. */
static cc_err check_asked(const cc_scorecard *sc, const cc_report_opts *o)
{
    for (size_t k = 0; k < o->nstreets + o->ncommunities; k++) {
        int street = k < o->nstreets;
        const char *id = street ? o->streets[k] : o->communities[k - o->nstreets];
        if (cc_wb_find(sc, street ? CC_LEVEL_STREET : CC_LEVEL_COMMUNITY, id) < 0) {
            char d[16];
            int y, m, dd;
            cc_wb_ymd(sc->period.to, &y, &m, &dd);
            snprintf(d, sizeof d, "%04d-%02d-%02d", y, m, dd);
            cc_error("report %s: unknown %s '%s' (not in the register on %s)", sc->period.id,
                     street ? "street" : "community", id, d);
            return CC_ERR_NOTFOUND;
        }
    }
    return CC_OK;
}

/* The run's communities: their ids sorted (all_ids) and each one's unit. */
static void index_communities(cc_rr_run *R)
{
    const cc_scorecard *sc = R->sc;
    R->all_ids = cc_xmalloc((sc->units.n ? sc->units.n : 1) * sizeof *R->all_ids);
    for (size_t i = 0; i < sc->units.n; i++)
        if (sc->res[i].unit.level == CC_LEVEL_COMMUNITY)
            R->all_ids[R->nall++] = sc->res[i].unit.id;
    qsort(R->all_ids, R->nall, sizeof *R->all_ids, cc_rr_cmp_cstr);
    /* each community's unit: the first of that id, as cc_wb_find finds it */
    R->unit_of = cc_xmalloc((R->nall + 1) * sizeof *R->unit_of);
    for (size_t k = 0; k < R->nall; k++)
        R->unit_of[k] = -1;
    for (size_t i = 0; i < sc->units.n; i++) {
        if (sc->res[i].unit.level != CC_LEVEL_COMMUNITY)
            continue;
        const char *id = sc->res[i].unit.id;
        const char *const *p = bsearch(&id, R->all_ids, R->nall, sizeof *R->all_ids, cc_rr_cmp_cstr);
        if (p && R->unit_of[p - R->all_ids] < 0)
            R->unit_of[p - R->all_ids] = (long)i;
    }
}

/* The workbooks: the area first (the largest: every street's rows, the
 * biggest charts, so it does not finish alone after the others), then
 * the streets (or the communities asked for). */
static cc_err plan_jobs(cc_rr_run *R, int full)
{
    const cc_scorecard *sc = R->sc;
    const cc_report_opts *o = R->o;
    size_t cap = 0;
    if (full) {
        long area = cc_wb_find(sc, CC_LEVEL_AREA, "all");
        if (area >= 0)
            cc_rr_add_job(R, &cap, (size_t)area);
    }
    for (size_t i = 0; i < sc->units.n; i++) {
        const cc_unit *u = &sc->res[i].unit;
        if (o->ncommunities) {
            for (size_t k = 0; k < o->ncommunities; k++)
                if (u->level == CC_LEVEL_COMMUNITY && !strcmp(u->id, o->communities[k])) {
                    cc_rr_add_job(R, &cap, i);
                    break;
                }
        } else if (u->level == CC_LEVEL_STREET) {
            int want = full;
            for (size_t k = 0; k < o->nstreets; k++)
                want |= !strcmp(u->id, o->streets[k]);
            if (want)
                cc_rr_add_job(R, &cap, i);
        }
    }
    cc_rr_unique_stems(R);
    if (R->njobs == 0) {
        cc_error("report %s: no street or community to report", sc->period.id);
        return CC_ERR_NOTFOUND;
    }
    return CC_OK;
}

/* Per-community data, queried once for the whole run. */
/* The survey answers of every community: the KANO pairs (quarterly) and
 * every survey item's answers by role, each in one pass. */
static cc_err query_surveys(cc_rr_run *R, cc_store *s)
{
    const cc_config *cfg = R->cfg;
    const cc_period *p = &R->sc->period;
    cc_err e;
    if (R->o->kind == CC_REPORT_QUARTERLY && (e = cc_rr_kano_pairs(R, s, p)))
        return e;
    R->ans = cc_xcalloc(cfg->nitems + 1, sizeof *R->ans);
    R->nans = cc_xcalloc(cfg->nitems + 1, sizeof *R->nans);
    const char **iq = cc_xcalloc(cfg->nitems + 1, sizeof *iq);
    int *iyn = cc_xcalloc(cfg->nitems + 1, sizeof *iyn);
    for (size_t k = 0; k < cfg->nitems; k++) {
        iq[k] = cfg->items[k].column;
        iyn[k] = cfg->items[k].scale == CC_SCALE_YESNO;
    }
    e = cc_answers_by_role_many(s, R->all_ids, R->nall, p->from, p->to, iq, iyn, cfg->nitems,
                                R->ans, R->nans);
    free(iq);
    free(iyn);
    return e;
}

typedef struct {
    cc_rr_run *R;
    cc_store *s;
    cc_err e;
} surveys_job;

static void *surveys_main(void *arg)
{
    surveys_job *j = arg;
    j->e = query_surveys(j->R, j->s);
    return NULL;
}

/* The per-community data of the workbooks: the survey answers on a second
 * connection in a thread of their own, beside the quality, plausibility,
 * resources and special-children queries here (the city's quarter: 2.7 s
 * each side); in this thread after them when no second connection can be
 * had. */
static cc_err query_communities(cc_rr_run *R, cc_store *s)
{
    const cc_scorecard *sc = R->sc;
    const cc_config *cfg = R->cfg;
    const cc_report_opts *o = R->o;
    const cc_period *p = &sc->period;
    cc_err e;
    surveys_job sj = {R, cc_store_open_reader(s), CC_OK};
    pthread_t th;
    int threaded = sj.s && pthread_create(&th, NULL, surveys_main, &sj) == 0;
    R->q_all = cc_xcalloc(R->nall + 1, sizeof *R->q_all);
    e = cc_quality_query(s, R->all_ids, R->nall, p->from, p->to, R->q_all);
    if (!e)
        e = cc_plausibility_query(s, R->all_ids, R->nall, p->from, p->to, &R->pl_all, &R->npl);
    if (!e && o->kind != CC_REPORT_WEEKLY) {
        R->res_all = cc_xcalloc(R->nall + 1, sizeof *R->res_all);
        e = cc_resources_query(s, R->all_ids, R->nall, p->to, cfg->demand_rate, R->res_all);
    }
    if (!e && o->kind == CC_REPORT_QUARTERLY)
        e = cc_special_unserved(s, R->all_ids, R->nall, p->from, p->to, &R->sp_all, &R->nsp);
    if (threaded)
        pthread_join(th, NULL);
    else if (!e)
        sj.e = query_surveys(R, s);
    cc_store_close(sj.s);
    return e ? e : sj.e;
}

/* The weekly trend of a monthly or quarterly report, before its own
 * scorecard (not alive while the weeks' scorecards run); R owns the weeks
 * and labels from here on. */
static cc_err collect_trend(cc_rr_run *R, cc_store *s, const cc_scope *scope, cc_rr_trend *t, double t0)
{
    cc_err e = cc_rr_trend_collect(s, R->cfg, &R->o->period, scope, t);
    R->weeks = t->weeks;
    R->tlabels = t->labels;
    if (e)
        return e;
    cc_verbose("report %s: %zu weekly scorecards for the trend, %.2f s so far"
               " (cpu %.2f s, peak %ld MB)", R->o->period.id, t->nweeks, cc_rr_now_s() - t0,
               cc_rr_cpu_s(), cc_rr_peak_mb());
    return CC_OK;
}

/* The trend placed in the order of the report's scorecard (R->trend). */
static void place_trend(cc_rr_run *R, cc_rr_trend *t)
{
    cc_rr_trend_place(t, R->sc, &R->tvalues);
    cc_rr_trend_release_blocks(t);
    R->trend_buf.npoints = t->nweeks;
    R->trend_buf.labels = (const char (*)[32])R->tlabels;
    R->trend_buf.values = R->tvalues;
    R->trend = &R->trend_buf;
}

/* What the workbooks say about the run: the stamp (*stamp, caller frees),
 * the last ingest, the configuration's SHA-256, the last day with data and
 * the input files. */
static cc_err run_facts(cc_rr_run *R, cc_store *s, char **stamp)
{
    const cc_report_opts *o = R->o;
    const cc_scorecard *sc = R->sc;
    const cc_config *cfg = R->cfg;
    if (o->stamp) {
        char buf[96];
        cc_time_show(time(NULL), buf, sizeof buf);     /* the data's time zone, named */
        *stamp = cc_xasprintf(o->lang_en ? "Generated at %s" : "生成时间 %s", buf);
        R->stamp = *stamp;
    }
    R->last_ingest = cc_time_local(cc_store_last_ingest(s));
    cc_brief_file_sha(cfg->path, R->config_sha, sizeof R->config_sha);
    cc_brief_data_to(s, sc->period.to, R->data_to, sizeof R->data_to);
    return cc_input_files(s, &R->files, &R->nfiles);
}

/* The end of a run that wrote every workbook: warnings.csv (full runs), the
 * files moved into place, the scorecard recorded (its audit record). */
static cc_err publish_run(cc_rr_run *R, cc_store *s, const char *dir, const char *final_dir,
                          const cc_items *items, int full)
{
    const cc_scorecard *sc = R->sc;
    cc_err e;
    if (full) {
        char *csv = cc_xasprintf("%s/warnings.csv", dir);
        e = cc_rr_write_csv_file(csv, sc, items);
        free(csv);
        if (e)
            return e;
    }
    if (cc_interrupted)
        return CC_ERR_INTERRUPTED;
    if ((e = cc_rr_publish(dir, final_dir)))
        return e;
    return cc_scorecard_record(s, sc);
}

/* Frees what the run's jobs and per-community data hold. */
static void run_release(cc_rr_run *R)
{
    for (size_t k = 0; k < R->njobs; k++) {
        free(R->jobs[k].rows);
        free(R->jobs[k].ids);
        free(R->jobs[k].base);
        free(R->jobs[k].idx);
    }
    free(R->all_ids);
    free(R->unit_of);
    free(R->q_all);
    free(R->res_all);
    cc_plausibility_free(R->pl_all, R->npl);
    cc_special_free(R->sp_all, R->nsp);
    if (R->ans)
        for (size_t k = 0; k < R->cfg->nitems; k++)
            free(R->ans[k]);
    free(R->ans);
    free(R->nans);
    free(R->kp);
    free(R->jobs);
    cc_input_files_free(R->files, R->nfiles);
    free(R->last_ingest);
    free(R->tlabels);
    free(R->tvalues);
    free(R->weeks);
}

/* ---- the run ------------------------------------------------------------------ */

cc_err cc_report_run(cc_store *s, const cc_config *cfg, const cc_report_opts *o,
                     size_t *not_reported)
{
    if (not_reported)
        *not_reported = 0;
    cc_rr_run R;
    memset(&R, 0, sizeof R);
    R.main_store = s;
    R.cfg = cfg;
    R.o = o;
    pthread_mutex_init(&R.lock, NULL);
    cc_scope scope = {o->streets, o->nstreets, o->communities, o->ncommunities};
    cc_scorecard *sc = NULL;
    char *dir = NULL, *final_dir = NULL, *stamp = NULL, *ledger_dir = NULL;
    cc_ledger_entry *lentries = NULL;
    size_t nlentries = 0;
    cc_items items = {0};
    int staged = 0;
    double t0 = cc_rr_now_s();
    /* the scorecards of the run (the period's, the trend's weeks) look back
     * to the same weeks for their items: each computed once (score/ledger.c) */
    cc_items_memo_begin(s);
    cc_rr_trend trend;
    memset(&trend, 0, sizeof trend);
    cc_err e = cc_scorecard_check_range(s, &o->period);   /* nothing written outside the data */
    if (!e && o->kind != CC_REPORT_WEEKLY)
        e = collect_trend(&R, s, &scope, &trend, t0);
    if (!e)
        e = cc_scorecard_compute(s, cfg, &o->period, &scope, &sc);
    if (e)
        goto out;
    R.sc = sc;
    /* the rectification items, from the data and the stored entries (score/ledger.c) */
    if ((e = cc_store_ledger_entries(s, &lentries, &nlentries)) ||
        (e = cc_items_compute(s, sc, lentries, nlentries, &items)))
        goto out;
    R.items = &items;
    cc_verbose("report %s: scorecard of %zu units and %zu rectification items in %.2f s"
               " (cpu %.2f s, peak %ld MB)", sc->period.id, sc->units.n, items.n, cc_rr_now_s() - t0,
               cc_rr_cpu_s(), cc_rr_peak_mb());
    int full = o->nstreets == 0 && o->ncommunities == 0;

    if ((e = check_asked(sc, o)))
        goto out;
    index_communities(&R);
    if ((e = plan_jobs(&R, full)))
        goto out;

    /* directories: --out is created when missing (its parent must exist, so a
     * mistyped path fails instead of growing a new tree); an unwritable --out
     * fails before any file work. Files go to a staging directory first. */
    const char *outd = o->out_dir ? o->out_dir : "reports";
    if ((e = cc_rr_stage_dirs(outd, sc->period.id, full, &dir, &final_dir, &ledger_dir, &staged)))
        goto out;
    R.dir = dir;
    R.ledger_dir = ledger_dir;

    if (o->kind != CC_REPORT_WEEKLY)
        place_trend(&R, &trend);
    /* from here on the database is scanned, each page once: no 64 MB cache
     * on top of the scorecard (the quarterly's per-community queries filled
     * it: 180 -> 213 MB) */
    cc_store_scan_cache(s);
    if ((e = run_facts(&R, s, &stamp)))
        goto out;

    if ((e = query_communities(&R, s)))
        goto out;
    cc_verbose("report %s: per-community data queried, %.2f s so far (cpu %.2f s)",
               sc->period.id, cc_rr_now_s() - t0, cc_rr_cpu_s());

    /* the workers never touch SQLite: its pages and the scorecards' freed
     * heap back before they hold their workbooks */
    cc_store_release_memory(s);
    int started = cc_rr_pool_run(&R, o->threads);
    cc_verbose("report %s: %zu workbooks with %d threads, %.2f s so far (cpu %.2f s:"
               " charts %.2f s, workbooks %.2f s, peak %ld MB)", sc->period.id, R.njobs,
               started ? started : 1, cc_rr_now_s() - t0, cc_rr_cpu_s(), R.cpu_charts, R.cpu_books,
               cc_rr_peak_mb());
    if ((e = R.err))
        goto out;

    /* the workers' free heap back before the audit record and the kept
     * values are written (the quarterly report's peak was there) */
    cc_store_release_memory(s);
    if ((e = publish_run(&R, s, dir, final_dir, &items, full)))
        goto out;

    /* communities that did not report: one line on stderr */
    size_t nnr = cc_rr_warn_not_reported(sc);
    if (not_reported)
        *not_reported = nnr;
out:
    cc_rr_trend_release_blocks(&trend);
    cc_items_memo_end();
    run_release(&R);
    if (sc)
        cc_scorecard_free(sc);
    if (staged)
        cc_rr_remove_staging(dir);
    free(dir);
    free(final_dir);
    free(stamp);
    free(ledger_dir);
    cc_items_release(&items);
    cc_ledger_entries_free(lentries, nlentries);
    pthread_mutex_destroy(&R.lock);
    return e;
}
