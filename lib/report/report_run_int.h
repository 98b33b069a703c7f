/* report_run_int — the parts of a report run (carecard report), shared by
 * report_run.c (the flow) and the files it calls.  Not exported beyond
 * lib/report. */
#ifndef CC_REPORT_RUN_INT_H
#define CC_REPORT_RUN_INT_H

#include "report/report.h"
#include "report/workbook_int.h"

#include <pthread.h>

/* One workbook of the run (a street's, the area's or a community's) and the
 * run itself: what every workbook shares, read-only while the pool works
 * but for the counters under `lock`. */
typedef struct {
    size_t scope;               /* index in sc->res */
    size_t *rows; size_t nrows; /* 总览 units in rank order */
    char *ids_buf;              /* unused */
    const char **ids; size_t nids;  /* sorted community ids of the scope */
    size_t *idx;                    /* their indexes in run.all_ids */
    char *base;                 /* file name stem: S01-东城街道, all, L01-凉水井社区 */
} cc_rr_job;

typedef struct {
    cc_store *main_store;
    const cc_config *cfg;
    const cc_report_opts *o;
    const cc_scorecard *sc;
    const cc_items *items;             /* rectification items of sc */
    const char *ledger_dir;            /* <staging>/整改台账 (full runs), NULL */
    const cc_wb_trend *trend;         /* monthly/quarterly; NULL for weekly */
    const char *dir;            /* <out>/<period> */
    const char *stamp;
    char *last_ingest;
    cc_input_file *files; size_t nfiles;
    cc_rr_job *jobs; size_t njobs;
    /* per-community data of the whole run, queried once (all_ids sorted) */
    const char **all_ids; size_t nall;
    long *unit_of;                      /* nall: sc->res index of each community */
    cc_quality *q_all;
    cc_resources *res_all;              /* NULL for weekly */
    cc_plausibility *pl_all; size_t npl;
    cc_special_child *sp_all; size_t nsp;
    cc_answer_stats **ans; size_t *nans;    /* per configured item */
    long (*kp)[25];                     /* nkano x nall KANO pairs */
    size_t next, done;
    double cpu_charts, cpu_books;       /* thread CPU seconds, for -v */
    char config_sha[16], data_to[16];   /* the brief's footer and data line */
    cc_period *weeks;                   /* the trend's (monthly/quarterly), else NULL */
    char (*tlabels)[32];
    double *tvalues;
    cc_wb_trend trend_buf;              /* trend points here */
    cc_err err;
    pthread_mutex_t lock;
} cc_rr_run;

/* ---- staging and publishing (report_stage.c) ---- */
/* Create `path` (one level); its parent must exist.  must_be_new: fail
 * when it exists. */
cc_err cc_rr_mkdir_one(const char *path, int must_be_new);
/* Remove a staging directory: its files, its subdirectories', then them. */
void cc_rr_remove_staging(const char *dir);
/* Remove the staging directories that killed runs left in outd. */
void cc_rr_remove_stale_staging(const char *outd);
/* Move every file of the staging directory into final, one rename each. */
cc_err cc_rr_publish(const char *staging, const char *final);
/* The staging directory of a run of `period` in outd (created when missing),
 * with its subdirectories charts and (full runs) 整改台账: *dir, *final_dir
 * (where cc_rr_publish moves it), *ledger_dir (full runs, else NULL).  The
 * caller frees the three, and removes *dir when *staged, also on failure. */
cc_err cc_rr_stage_dirs(const char *outd, const char *period, int full, char **dir,
                        char **final_dir, char **ledger_dir, int *staged);

/* ---- warnings.csv and the line on stderr (report_warnings.c) ---- */
/* warnings.csv of the run's scorecard at path (temporary file, renamed). */
cc_err cc_rr_write_csv_file(const char *path, const cc_scorecard *sc, const cc_items *items);
/* Warns once about the communities of sc that did not report; returns
 * their number. */
size_t cc_rr_warn_not_reported(const cc_scorecard *sc);

/* ---- the jobs (report_jobs.c) ---- */
int cc_rr_cmp_cstr(const void *a, const void *b);
/* Adds the job of unit `scope` (sc->res index) to R->jobs (*cap: its size). */
void cc_rr_add_job(cc_rr_run *R, size_t *cap, size_t scope);
/* Gives the units whose file names clash (ignoring case) hashed names. */
void cc_rr_unique_stems(cc_rr_run *R);
/* Writes one job's workbook, its charts, its brief and its ledger. */
cc_err cc_rr_do_job(cc_rr_run *R, const cc_rr_job *j);

/* ---- the charts of a job (report_charts.c) ---- */
/* Draws the job's charts into <dir>/charts; paths[k] (caller frees) and
 * charts[k] (the same, borrowed) are NULL for the charts it does not have. */
cc_err cc_rr_draw_charts(cc_rr_run *R, const cc_rr_job *j, const char *charts[5], char *paths[5]);

/* ---- KANO (report_kano.c) ---- */
/* KANO of the scope: the run's per-community pairs added over its
 * communities; caller frees. */
cc_kano_row *cc_rr_gather_kano(const cc_rr_run *R, const cc_rr_job *j);
/* Every KANO feature's answer pairs per community of the run (R->kp). */
cc_err cc_rr_kano_pairs(cc_rr_run *R, cc_store *s, const cc_period *p);
/* The KANO chart of the job at path, from its rows (cc_rr_gather_kano). */
cc_err cc_rr_kano_chart(const cc_rr_run *R, const cc_rr_job *j, const cc_kano_row *kano, const char *path);

/* ---- the trend of monthly and quarterly reports (report_trend.c) ---- */
/* The ISO weeks whose Thursday lies in p; caller frees *out. */
size_t cc_rr_trend_weeks(const cc_period *p, cc_period **out);
/* The trend's weekly scorecards reduced to their values (one block per
 * scorecard: its units' keys sorted by (level, id), values [h][unit][stride]),
 * computed before the period's scorecard (cc_rr_trend_collect), then placed
 * in its units' order (cc_rr_trend_place). */
typedef struct {
    int top, nh;                        /* the block's newest week, weeks it has */
    size_t nu;
    struct { cc_level level; char *id; } *key;
    double *v;
} cc_rr_trend_block;
typedef struct {
    size_t nweeks, stride;              /* stride: the indicators and the total */
    cc_period *weeks;                   /* nweeks; the caller frees */
    char (*labels)[32];                 /* nweeks; the caller frees */
    cc_rr_trend_block *b;
    size_t nb;
} cc_rr_trend;
cc_err cc_rr_trend_collect(cc_store *s, const cc_config *cfg, const cc_period *p,
                           const cc_scope *scope, cc_rr_trend *t);
void cc_rr_trend_place(const cc_rr_trend *t, const cc_scorecard *sc, double **tvalues_out);
void cc_rr_trend_release_blocks(cc_rr_trend *t);

/* ---- the thread pool (report_pool.c) ---- */
/* Runs every job of R on up to `threads` threads (0: up to 4, by the
 * processors); returns how many threads were started (0: the caller's). */
int cc_rr_pool_run(cc_rr_run *R, int threads);

/* ---- time and memory (report_usage.c) ---- */
double cc_rr_thread_cpu_s(void);
double cc_rr_now_s(void);
double cc_rr_cpu_s(void);
/* Peak resident memory so far in MB (VmHWM), 0 when unknown. */
long cc_rr_peak_mb(void);

#endif
