/* report_pool — the threads that write a report run's workbooks: each
 * takes the next job until none is left, an error or an interruption. */
#include "report/report_run_int.h"

#include <pthread.h>
#include <unistd.h>

static void progress(cc_rr_run *R)
{
    if (!R->o->progress)
        return;
    cc_progress p = {"report", NULL, (long)R->done, (long)R->njobs, 0, R->done == R->njobs};
    cc_progress_report(&p);
}

static void *worker(void *arg)
{
    cc_rr_run *R = arg;
    for (;;) {
        pthread_mutex_lock(&R->lock);
        size_t k = R->next < R->njobs && !R->err && !cc_interrupted ? R->next++ : R->njobs;
        pthread_mutex_unlock(&R->lock);
        if (k >= R->njobs)
            break;
        cc_err e = cc_rr_do_job(R, &R->jobs[k]);
        pthread_mutex_lock(&R->lock);
        if (e && !R->err)
            R->err = e;
        R->done++;
        progress(R);
        pthread_mutex_unlock(&R->lock);
    }
    return NULL;
}

/* Runs every job on up to `threads` threads (0: up to 4, by the processors). */
int cc_rr_pool_run(cc_rr_run *R, int threads)
{
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    int nt = threads > 0 ? threads : ncpu >= 4 ? 4 : ncpu >= 1 ? (int)ncpu : 1;
    if ((size_t)nt > R->njobs)
        nt = (int)R->njobs;
    pthread_t th[16];
    if (nt > 16)
        nt = 16;
    int started = 0;
    for (int t = 0; t < nt; t++)
        if (pthread_create(&th[t], NULL, worker, R) == 0)
            started++;
    if (started == 0)
        worker(R);
    for (int t = 0; t < started; t++)
        pthread_join(th[t], NULL);
    if (!R->err && cc_interrupted)
        R->err = CC_ERR_INTERRUPTED;
    return started;
}
