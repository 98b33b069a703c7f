/* measure_prefetch — cc_measures_prefetch: the week caches of a list of
 * windows loaded before they are computed, in two threads.
 */
#include "measure/measure_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- prefetch: the week caches loaded before the windows, in two threads ---- */
/* The loads of the windows' sources are independent: the attendance rosters
 * (attend.c, with each window's counts) and each source of span.c are tasks
 * that two workers take in turn, longest first: this thread on s's
 * connection, and a helper thread on its own read-only connection to the
 * same file (in one read transaction).  Each task replays, for its source,
 * the loads the windows will ask for in their order, so the caches end as
 * computing the windows one by one would leave them, and the numbers are the
 * same. */
typedef struct {
    cc_store *s;                /* the caller's store (the caches' key) */
    const cc_config *cfg;
    const cc_span_pwin *sw;
    size_t ns;
    const cc_attend_pwin *aw;
    size_t na;
    int task[CC_SPAN_NTASK + 1];
    int ntask, next;
    pthread_mutex_t lock;
    cc_err err;
} prefetch;

/* -1: the attendance task */
static cc_err run_tasks(prefetch *p, cc_store *ls)
{
    cc_err e = CC_OK;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        int t = p->err || cc_interrupted || p->next >= p->ntask ? -2 : p->task[p->next++];
        pthread_mutex_unlock(&p->lock);
        if (t == -2)
            break;
        struct timespec t0, t1, c0, c1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
        e = t == -1 ? cc_attend_prefetch(p->s, ls, p->aw, p->na)
                    : cc_span_prefetch_task(ls, t, p->sw, p->ns);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
        if (cc_tuning_get()->prefetch_trace)
            cc_trace("prefetch task %d on the %s connection: %.3f s, %.3f s CPU",
                    t, ls == p->s ? "main" : "helper",
                    (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
                    (c1.tv_sec - c0.tv_sec) + (c1.tv_nsec - c0.tv_nsec) / 1e9);
        if (e) {
            pthread_mutex_lock(&p->lock);
            if (!p->err)
                p->err = e;
            pthread_mutex_unlock(&p->lock);
            break;
        }
    }
    return e;
}

typedef struct {
    prefetch *p;
    cc_store *ls;
} worker;

static void *helper_main(void *arg)
{
    worker *w = arg;
    cc_err e = cc_span_prefetch_attach(w->ls);
    if (e) {
        pthread_mutex_lock(&w->p->lock);
        if (!w->p->err)
            w->p->err = e;
        pthread_mutex_unlock(&w->p->lock);
        return NULL;
    }
    run_tasks(w->p, w->ls);
    return NULL;
}

/* What each window asks of the caches: sw[*ns] for span.c, aw[*na] for
 * attend.c (both n entries); the first window with units, or NULL. */
static const cc_measure_win *plan(const cc_config *cfg, const cc_measure_win *w, size_t n,
                                  cc_span_pwin *sw, size_t *ns_out, cc_attend_pwin *aw,
                                  size_t *na_out)
{
    size_t ns = 0, na = 0;
    const cc_measure_win *first = NULL;
    for (size_t i = 0; i < n; i++) {
        const cc_units *u = w[i].units;
        if (u->n == 0)
            continue;
        uint32_t act = 0;
        unsigned need = 0, doms = 0, ever = 0, svany = 0;
        int att = 0, prev = 0, bad = 0;
        for (size_t j = 0; j < w[i].nnames && !bad; j++) {
            mref r = cc_ms_parse_name(cfg, w[i].names[j]);
            if (r.kind < 0)
                bad = 1;
            else if (r.kind == 1)
                svany = 1;
            else if (r.kind == 2)
                doms |= 1u << r.id;
            else if (r.id >= M_ACTIVITIES && r.id <= M_REPORTED)
                act |= UINT32_C(1) << (r.id - M_ACTIVITIES);
            else if (r.id == M_PARTNERS)
                need |= CC_SPAN_N_PART;
            else if (r.id >= M_PARTICIPANTS && r.id <= M_VOLUNTEERS_PREV) {
                att = 1;
                prev |= r.id == M_RETURNING || r.id == M_PREV_PARTICIPANTS ||
                        r.id == M_VOLUNTEERS_RETAINED || r.id == M_VOLUNTEERS_PREV;
            } else if (r.id == M_PROVIDERS || r.id == M_CERTIFIED)
                need |= CC_SPAN_N_PROV;
            else if (r.id == M_TRAINING_HOURS)
                need |= CC_SPAN_N_TRAIN, ever |= 1u << CC_SPAN_EVER_TRAINING;
            else if (r.id >= M_TB_DEPOSIT_HOURS && r.id <= M_TB_MEMBERS)
                need |= CC_SPAN_N_TB, ever |= 1u << CC_SPAN_EVER_TIMEBANK;
            else if (r.id >= M_FEEDBACK && r.id <= M_FEEDBACK_RESOLVED)
                need |= CC_SPAN_N_FB, ever |= 1u << CC_SPAN_EVER_FEEDBACK;
        }
        if (bad)            /* computing stops at this window with an error */
            break;
        if (svany)
            need |= CC_SPAN_N_SV, ever |= 1u << CC_SPAN_EVER_SURVEY;
        if (doms)
            ever |= 1u << CC_SPAN_EVER_ASSESS;
        if (!first)
            first = &w[i];
        sw[ns++] = (cc_span_pwin){cfg, w[i].from, w[i].to, act, need, doms, ever};
        if (att)
            aw[na++] = (cc_attend_pwin){u, u->n - 1, w[i].from, w[i].to, prev};
    }
    *ns_out = ns;
    *na_out = na;
    return first;
}

cc_err cc_measures_prefetch(cc_store *s, const cc_config *cfg, const cc_measure_win *w, size_t n)
{
    if (cc_tuning_get()->no_prefetch || !cfg || !n)
        return CC_OK;
    cc_span_pwin *sw = cc_xcalloc(n, sizeof *sw);
    cc_attend_pwin *aw = cc_xcalloc(n, sizeof *aw);
    size_t ns = 0, na = 0;
    const cc_measure_win *first = plan(cfg, w, n, sw, &ns, aw, &na);
    cc_err e = CC_OK;
    if (!first)
        goto out;
    prefetch p;
    memset(&p, 0, sizeof p);
    p.s = s;
    p.cfg = cfg;
    p.sw = sw;
    p.ns = ns;
    p.aw = aw;
    p.na = na;
    pthread_mutex_init(&p.lock, NULL);
    /* longest first (city week: attendance 1.9 s, surveys 0.9, activities
     * and partners 0.9, assessments 0.5, time bank 0.5) */
    if (na)
        p.task[p.ntask++] = -1;
    if (cc_span_prefetch_begin(s, cfg, first->units, first->units->n - 1, first->from, first->to)) {
        static const int order[] = {CC_SPAN_T_SV, CC_SPAN_T_ACT, CC_SPAN_T_AS, CC_SPAN_T_TB,
                                    CC_SPAN_T_FB, CC_SPAN_T_WHOLE};
        for (size_t t = 0; t < sizeof order / sizeof *order; t++)
            p.task[p.ntask++] = order[t];
    }
    /* a transaction open on s may hold changes another connection cannot
     * see: then there is no reader, and every task runs here, on s */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    cc_store *ls = p.ntask > 1 ? cc_store_open_reader(s) : NULL;
    worker hw = {&p, ls};
    pthread_t th;
    int threaded = ls && pthread_create(&th, NULL, helper_main, &hw) == 0;
    /* CARECARD_PREFETCH_HELPER_ONLY (tests): every task there */
    if (!threaded || !cc_tuning_get()->prefetch_helper_only)
        run_tasks(&p, s);
    if (threaded)
        pthread_join(th, NULL);
    e = p.err;
    cc_store_close(ls);
    pthread_mutex_destroy(&p.lock);
    cc_span_prefetch_end();
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (cc_tuning_get()->prefetch_trace)
        cc_trace("prefetch: %zu windows, %d tasks, %s: %.3f s", n, p.ntask,
                threaded ? "two threads" : "one thread",
                (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
out:
    free(sw);
    free(aw);
    return e;
}
