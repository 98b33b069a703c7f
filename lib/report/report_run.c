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
 * error or interruption is seen by the other worker at its next workbook. */
#include "store/db.h"
#include "report/report.h"
#include "report/workbook_int.h"
#include "report/brief_int.h"

#include <dirent.h>
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- files and directories ------------------------------------------------- */

/* A run writes every file into a staging directory beside the period's
 * directory (<out>/.<period>.tmp.<pid>/) and only when all of them are
 * written moves them into place, one rename each: a failed or interrupted
 * run leaves the previous report exactly as it was, and a reader never sees
 * half a file under its final name. */

/* Create `path` (one level); its parent must exist. */
static cc_err mkdir_one(const char *path, int must_be_new)
{
    struct stat st;
    if (mkdir(path, 0755) == 0)
        return CC_OK;
    if (errno == EEXIST && !must_be_new && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return CC_OK;
    cc_error("%s: cannot create directory: %s", path,
             errno == EEXIST ? "a file of that name is in the way" : strerror(errno));
    return CC_ERR_IO;
}

/* The subdirectories of a period's directory: charts, the street ledgers. */
static const char *const subdirs[] = {"charts", "整改台账"};
#define NSUB (sizeof subdirs / sizeof subdirs[0])

/* Remove the files of dir and its subdirectories (a staging directory), then the directories. */
static void remove_staging(const char *dir)
{
    char *sub[NSUB + 1];
    for (size_t k = 0; k < NSUB; k++)
        sub[k] = cc_xasprintf("%s/%s", dir, subdirs[k]);
    sub[NSUB] = cc_xstrdup(dir);
    for (size_t k = 0; k <= NSUB; k++) {
        DIR *d = opendir(sub[k]);
        struct dirent *de;
        while (d && (de = readdir(d))) {
            if (de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2])))
                continue;
            char *f = cc_xasprintf("%s/%s", sub[k], de->d_name);
            unlink(f);
            free(f);
        }
        if (d)
            closedir(d);
        rmdir(sub[k]);
        free(sub[k]);
    }
}

/* Remove the staging directories (.<period>.tmp.<pid>) of runs killed before
 * they could (kill -9, a crash, power loss): those whose process is gone.  A
 * live process's staging directory is left alone, whoever runs it. */
static void remove_stale_staging(const char *outd)
{
    DIR *d = opendir(outd);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        const char *t = de->d_name[0] == '.' ? strstr(de->d_name, ".tmp.") : NULL;
        if (!t || t == de->d_name)
            continue;
        char *end;
        errno = 0;
        long pid = strtol(t + 5, &end, 10);
        if (errno || *end || end == t + 5 || pid <= 0 || pid == (long)getpid())
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;                   /* alive (or not ours to ask) */
        char *p = cc_xasprintf("%s/%s", outd, de->d_name);
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
            cc_verbose("%s: removing the staging directory of a run that was killed", p);
            remove_staging(p);
        }
        free(p);
    }
    if (d)
        closedir(d);
}

/* Move every file of staging (and its subdirectories that exist) into final. */
static cc_err publish(const char *staging, const char *final)
{
    cc_err e = CC_OK;
    if ((e = mkdir_one(final, 0)))
        return e;
    for (size_t k = 0; k <= NSUB && !e; k++) {
        char *from = k ? cc_xasprintf("%s/%s", staging, subdirs[k - 1]) : cc_xstrdup(staging);
        char *to = k ? cc_xasprintf("%s/%s", final, subdirs[k - 1]) : cc_xstrdup(final);
        struct stat fs;
        if (k && (stat(from, &fs) != 0 || !S_ISDIR(fs.st_mode) || (e = mkdir_one(to, 0)))) {
            free(from);
            free(to);
            continue;
        }
        DIR *d = opendir(from);
        struct dirent *de;
        while (d && !e && (de = readdir(d))) {
            char *a = cc_xasprintf("%s/%s", from, de->d_name);
            struct stat st;
            if (stat(a, &st) == 0 && S_ISREG(st.st_mode)) {
                char *b = cc_xasprintf("%s/%s", to, de->d_name);
                if (rename(a, b) != 0) {
                    cc_error("%s: cannot move into place: %s", b, strerror(errno));
                    e = CC_ERR_IO;
                }
                free(b);
            }
            free(a);
        }
        if (d)
            closedir(d);
        free(from);
        free(to);
    }
    return e;
}

/* ---- warnings.csv ---------------------------------------------------------------- */

/* warnings.csv is `carecard warnings --format csv` of the run's scorecard
 * (one implementation of the contract: render.c). */
static cc_err write_csv_file(const char *path, const cc_scorecard *sc, const cc_items *items)
{
    char *tmp = cc_xasprintf("%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    cc_err e = CC_OK;
    if (!f) {
        cc_error("%s: %s", path, strerror(errno));
        free(tmp);
        return CC_ERR_IO;
    }
    e = cc_render_warnings(f, sc, items, CC_FMT_CSV, CC_COL_BLUE);
    if (fclose(f) != 0 || e != CC_OK) {
        cc_error("%s: write failed: %s", path, strerror(errno));
        e = CC_ERR_IO;
    }
    if (e == CC_OK && rename(tmp, path) != 0) {
        cc_error("%s: %s", path, strerror(errno));
        e = CC_ERR_IO;
    }
    if (e != CC_OK)
        unlink(tmp);
    free(tmp);
    return e;
}

/* ---- one workbook's job --------------------------------------------------------- */

typedef struct {
    size_t scope;               /* index in sc->res */
    size_t *rows; size_t nrows; /* 总览 units in rank order */
    char *ids_buf;              /* unused */
    const char **ids; size_t nids;  /* sorted community ids of the scope */
    size_t *idx;                    /* their indexes in run.all_ids */
    unsigned char *keep;            /* nall flags: community in the scope */
    char *base;                 /* file name stem: S01-东城街道, all, L01-凉水井社区 */
} job;

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
    job *jobs; size_t njobs;
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
    cc_err err;
    pthread_mutex_t lock;
} run;

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

static int cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Communities of the scope unit (all of them for the area). */
static void scope_ids(const cc_scorecard *sc, size_t scope, job *j)
{
    const cc_unit *u = &sc->res[scope].unit;
    j->ids = cc_xmalloc((sc->units.n ? sc->units.n : 1) * sizeof *j->ids);
    j->nids = 0;
    for (size_t i = 0; i < sc->units.n; i++) {
        const cc_unit *c = &sc->res[i].unit;
        if (c->level != CC_LEVEL_COMMUNITY)
            continue;
        if (u->level == CC_LEVEL_AREA ||
            (u->level == CC_LEVEL_STREET && c->street_id && !strcmp(c->street_id, u->id)) ||
            (u->level == CC_LEVEL_COMMUNITY && !strcmp(c->id, u->id)))
            j->ids[j->nids++] = c->id;
    }
    qsort(j->ids, j->nids, sizeof *j->ids, cmp_cstr);
}

static long id_index(const job *j, const char *id)
{
    const char *const *p = bsearch(&id, j->ids, j->nids, sizeof *j->ids, cmp_cstr);
    return p ? (long)(p - j->ids) : -1;
}

/* Does the job's k-th community belong to row unit r (itself, or its street)? */
static int belongs(const run *R, const job *j, const cc_unit *r, size_t k)
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

static void res_total(const run *R, const job *j, const cc_resources *comm,
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
static void unique_stems(run *R)
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

static cc_err draw_charts(run *R, const job *j, const char *charts[5], char *paths[5])
{
    const cc_scorecard *sc = R->sc;
    const cc_config *cfg = sc->cfg;
    const cc_unit_result *scope = &sc->res[j->scope];
    cc_chart_opts co;
    cc_chart_opts_init(&co);
    co.lang_en = R->o->lang_en;
    co.subtitle = sc->period.id;
    co.grade_cut[0] = cfg->grades[0];
    co.grade_cut[1] = cfg->grades[1];
    co.grade_cut[2] = cfg->grades[2];
    cc_err e = CC_OK;
    for (int k = 0; k < 5; k++) {
        charts[k] = NULL;
        paths[k] = NULL;
    }
    int community = scope->unit.level == CC_LEVEL_COMMUNITY;
    /* what the rows of the bars and the heat map are */
    co.row_title = scope->unit.level == CC_LEVEL_AREA ? (R->o->lang_en ? "Street" : "街道")
                                                      : (R->o->lang_en ? "Community" : "社区");
    const char *sname = scope->unit.level == CC_LEVEL_AREA ? (R->o->lang_en ? "area" : "全区")
                                                           : scope->unit.name;
    for (int k = 0; k < 5; k++) {
        if (community && k != CC_CHART_RADAR && k != CC_CHART_TREND)
            continue;
        if (k == CC_CHART_KANO && R->o->kind != CC_REPORT_QUARTERLY)
            continue;
        paths[k] = cc_xasprintf("%s/charts/%s-%s.png", R->dir, j->base,
                                cc_chart_name((cc_chart_kind)k));
    }
    size_t n = j->nrows;
    const char **labels = cc_xcalloc(n + 2, sizeof *labels);
    double *vals = cc_xcalloc((n + 2) * (cfg->nind + CC_MAX_DIMS + 64), sizeof *vals);
    const char **grades = cc_xcalloc(n + 2, sizeof *grades);
    char *title = NULL;
    if (paths[CC_CHART_BARS]) {
        for (size_t i = 0; i < n; i++) {
            const cc_unit_result *r = &sc->res[j->rows[i]];
            labels[i] = r->unit.name;
            vals[i] = r->total;
            grades[i] = r->grade;
            if (r->unranked)        /* a grey bar labelled with the reason, never a score */
                grades[i] = R->o->lang_en ? (r->unranked == CC_UNRANKED_COVERAGE ? "low coverage" : "not reported")
                                          : cc_unranked_zh(r->unranked);
        }
        title = cc_xasprintf(R->o->lang_en ? "%s: total score ranking" : "%s 总分排名", sname);
        e = cc_chart_bars(paths[CC_CHART_BARS], &co, title, n, labels, vals, grades);
        free(title);
    }
    if (!e && paths[CC_CHART_HEATMAP]) {
        /* columns: the id and the short name (the name without its
         * parenthesis: "P5 名额使用率"); the chart ellipsises what is long */
        char **cols = cc_xcalloc(cfg->nind + 1, sizeof *cols);
        cc_colour *cells = cc_xcalloc(n * cfg->nind + 1, sizeof *cells);
        unsigned char *marks = cc_xcalloc(n * cfg->nind + 1, 1);
        for (size_t c = 0; c < cfg->nind; c++) {
            const cc_indicator *ind = &cfg->ind[c];
            const char *nm = R->o->lang_en && ind->name_en ? ind->name_en : ind->name;
            size_t len = nm ? strlen(nm) : 0;      /* up to the first ( or （ (whole characters) */
            const char *par = nm ? strchr(nm, '(') : NULL, *fw = nm ? strstr(nm, "（") : NULL;
            if (par && (size_t)(par - nm) < len)
                len = (size_t)(par - nm);
            if (fw && (size_t)(fw - nm) < len)
                len = (size_t)(fw - nm);
            while (len && nm[len - 1] == ' ')
                len--;
            cols[c] = len ? cc_xasprintf("%s %.*s", ind->id, (int)len, nm) : cc_xstrdup(ind->id);
        }
        for (size_t i = 0; i < n; i++) {
            const cc_unit_result *r = &sc->res[j->rows[i]];
            labels[i] = r->unit.name;
            for (size_t c = 0; c < cfg->nind; c++) {
                cells[i * cfg->nind + c] = r->cells[c].colour;
                marks[i * cfg->nind + c] =
                    (r->cells[c].rectify && cc_status_is_warning(r->cells[c].status) ? CC_HEAT_RECTIFY : 0)
                    | (r->cells[c].status == CC_ST_NOT_REPORTED ? CC_HEAT_UNREPORTED : 0);
            }
        }
        title = cc_xasprintf(R->o->lang_en ? "%s: warning levels" : "%s 指标预警热力图", sname);
        e = cc_chart_heatmap_marked(paths[CC_CHART_HEATMAP], &co, title, n, labels, cfg->nind,
                                    (const char *const *)cols, cells, marks);
        free(title);
        for (size_t c = 0; c < cfg->nind; c++)
            free(cols[c]);
        free(cols);
        free(cells);
        free(marks);
    }
    if (!e && paths[CC_CHART_RADAR]) {
        /* the scope against its reference: a community against its street,
         * a street against the area; the area alone */
        long ref = -1;
        if (scope->unit.level == CC_LEVEL_COMMUNITY)
            ref = cc_wb_find(sc, CC_LEVEL_STREET, scope->unit.street_id);
        else if (scope->unit.level == CC_LEVEL_STREET)
            ref = cc_wb_find(sc, CC_LEVEL_AREA, "all");
        const char *axes[CC_MAX_DIMS];
        static const struct { const char *id, *zh, *en; } dn[] = {
            {"process", "服务过程", "Process"}, {"recipients", "服务对象", "Recipients"},
            {"growth", "学习成长", "Growth"}, {"community", "社区发展", "Community"},
        };
        for (size_t d = 0; d < cfg->ndims; d++) {
            axes[d] = cfg->dims[d];
            for (size_t q = 0; q < 4; q++)
                if (!strcmp(dn[q].id, cfg->dims[d]))
                    axes[d] = R->o->lang_en ? dn[q].en : dn[q].zh;
        }
        const char *series[2] = {scope->unit.level == CC_LEVEL_AREA ? sname : scope->unit.name, NULL};
        size_t ns = 1;
        for (size_t d = 0; d < cfg->ndims; d++)
            vals[d] = scope->dim_score[d];
        if (ref >= 0) {
            series[1] = sc->res[ref].unit.level == CC_LEVEL_AREA
                        ? (R->o->lang_en ? "area" : "全区") : sc->res[ref].unit.name;
            for (size_t d = 0; d < cfg->ndims; d++)
                vals[cfg->ndims + d] = sc->res[ref].dim_score[d];
            ns = 2;
        }
        title = cc_xasprintf(R->o->lang_en ? "%s: dimension scores" : "%s 四维度得分", sname);
        e = cc_chart_radar(paths[CC_CHART_RADAR], &co, title, cfg->ndims, axes, ns, series, vals);
        free(title);
    }
    if (!e && paths[CC_CHART_TREND]) {
        size_t np = R->trend ? R->trend->npoints : CC_HISTORY;
        const char **xl = cc_xcalloc(np, sizeof *xl);
        char (*xb)[40] = cc_xcalloc(np, sizeof *xb);
        long ref = scope->unit.level == CC_LEVEL_COMMUNITY
                   ? cc_wb_find(sc, CC_LEVEL_STREET, scope->unit.street_id)
                   : scope->unit.level == CC_LEVEL_STREET ? cc_wb_find(sc, CC_LEVEL_AREA, "all") : -1;
        size_t ns = ref >= 0 ? 2 : 1;
        double *tv = cc_xcalloc(np * 2, sizeof *tv);
        const char *series[2] = {scope->unit.level == CC_LEVEL_AREA ? sname : scope->unit.name,
                                 ref >= 0 ? (sc->res[ref].unit.level == CC_LEVEL_AREA
                                             ? (R->o->lang_en ? "area" : "全区")
                                             : sc->res[ref].unit.name) : NULL};
        for (size_t p = 0; p < np; p++) {
            const char *id = R->trend ? R->trend->labels[p] : sc->hist_period[np - 1 - p].id;
            const char *w = strstr(id, "-W");
            snprintf(xb[p], sizeof xb[p], "%s", w ? w + 1 : id);
            xl[p] = xb[p];
            for (size_t s = 0; s < ns; s++) {
                size_t u = s == 0 ? j->scope : (size_t)ref;
                if (!R->trend)
                    tv[s * np + p] = sc->res[u].total_hist[np - 1 - p];
                else
                    tv[s * np + p] = R->trend->values[(p * sc->units.n + u) * (cfg->nind + 1)
                                                      + cfg->nind];
            }
        }
        title = cc_xasprintf(R->o->lang_en ? "%s: total score trend" : "%s 总分趋势", sname);
        e = cc_chart_trend(paths[CC_CHART_TREND], &co, title, np, xl, ns, series, tv);
        free(title);
        free(xl);
        free(xb);
        free(tv);
    }
    free(labels);
    free(vals);
    free(grades);
    for (int k = 0; k < 5; k++)
        charts[k] = paths[k];
    return e;
}

static double thread_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* KANO of the scope: the run's per-community pairs added over its communities. */
static cc_kano_row *gather_kano(const run *R, const job *j)
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

static cc_err do_job(run *R, const job *j)
{
    const cc_scorecard *sc = R->sc;
    const cc_config *cfg = R->cfg;
    cc_wb_input in;
    memset(&in, 0, sizeof in);
    in.kind = R->o->kind;
    in.lang_en = R->o->lang_en;
    in.personal = R->o->personal;
    in.stamp = R->stamp;
    in.sc = sc;
    in.scope = j->scope;
    in.rows = j->rows;
    in.nrows = j->nrows;
    in.trend = R->trend;
    in.files = R->files;
    in.nfiles = R->nfiles;
    in.last_ingest = R->last_ingest;
    in.ritems = R->items;
    for (size_t k = 0; k < j->nids; k++) {
        long u = R->unit_of[j->idx[k]];
        in.ncommunities++;
        in.nreported += u >= 0 && sc->res[u].reported;
    }

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
    in.quality = rowq;
    in.plaus = pl;
    in.nplaus = npl;
    if (R->o->kind != CC_REPORT_WEEKLY) {
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
        in.resources = rowr;
    }
    if (R->o->kind == CC_REPORT_QUARTERLY) {
        in.special = sp;
        in.nspecial = nsp;
        kano = gather_kano(R, j);
        in.kano = kano;
        in.nkano = cfg->nkano;
    }
    for (size_t k = 0; k < cfg->nitems; k++) {
        size_t nr = 0;
        const cc_item *it = &cfg->items[k];
        cc_answers_merge(R->ans[k], R->nans[k], j->keep, &astats[k], &nr);
        items[k].item = it;
        items[k].roles = astats[k];
        items[k].nroles = nr;
        items[k].indicator = item_indicator(cfg, it);
    }
    in.items = items;
    in.nitems = cfg->nitems;

    double c0 = thread_cpu_s();
    if ((e = draw_charts(R, j, charts, paths)))
        goto out;
    if (R->o->kind == CC_REPORT_QUARTERLY && paths[CC_CHART_KANO]) {
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
        e = cc_chart_kano(paths[CC_CHART_KANO], &co, title, cfg->nkano, lab, bt, wt);
        free(title);
        free(lab);
        free(bt);
        free(wt);
        if (e)
            goto out;
    }
    for (int k = 0; k < 5; k++)
        in.charts[k] = charts[k];
    double c1 = thread_cpu_s();
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
    double c2 = thread_cpu_s();
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

static void progress(run *R)
{
    if (!R->o->progress)
        return;
    cc_progress p = {"report", NULL, (long)R->done, (long)R->njobs, 0, R->done == R->njobs};
    cc_progress_report(&p);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Give back what a finished scorecard computation left: SQLite's unused
 * page-cache memory and the free heap, so the next one (a monthly or
 * quarterly report computes several) does not grow the peak on top of it. */
static void give_back(cc_store *s)
{
    sqlite3_db_release_memory(s->db);
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

/* Peak resident memory so far in MB (VmHWM), 0 when unknown: for -v. */
static long peak_mb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[128];
    long kb = 0;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmHWM:", 6))
            kb = strtol(line + 6, NULL, 10);
    if (f)
        fclose(f);
    return kb / 1024;
}

static void *worker(void *arg)
{
    run *R = arg;
    for (;;) {
        pthread_mutex_lock(&R->lock);
        size_t k = R->next < R->njobs && !R->err && !cc_interrupted ? R->next++ : R->njobs;
        pthread_mutex_unlock(&R->lock);
        if (k >= R->njobs)
            break;
        cc_err e = do_job(R, &R->jobs[k]);
        pthread_mutex_lock(&R->lock);
        if (e && !R->err)
            R->err = e;
        R->done++;
        progress(R);
        pthread_mutex_unlock(&R->lock);
    }
    return NULL;
}

/* ---- the run ------------------------------------------------------------------ */

static void add_job(run *R, size_t *cap, size_t scope)
{
    if (R->njobs == *cap) {
        *cap = *cap ? 2 * *cap : 8;
        R->jobs = cc_xrealloc(R->jobs, *cap * sizeof *R->jobs);
    }
    job *j = &R->jobs[R->njobs++];
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
            in = c->level == CC_LEVEL_COMMUNITY && c->street_id && !strcmp(c->street_id, u->id);
        else
            in = i == scope;
        if (in)
            j->rows[j->nrows++] = i;
    }
    sort_rank(sc, j->rows, j->nrows);
    scope_ids(sc, scope, j);
    j->idx = cc_xmalloc((j->nids ? j->nids : 1) * sizeof *j->idx);
    j->keep = cc_xcalloc(R->nall + 1, 1);
    for (size_t k = 0; k < j->nids; k++) {
        const char *const *p = bsearch(&j->ids[k], R->all_ids, R->nall, sizeof *R->all_ids,
                                       cmp_cstr);
        j->idx[k] = p ? (size_t)(p - R->all_ids) : 0;    /* always found: same units */
        j->keep[j->idx[k]] = 1;
    }
}

/* Lookup of units by (level, id) in another scorecard. qsort has no context
 * argument; the report run sorts from one thread only. */
static const cc_scorecard *sort_units;

static int cmp_unit_key(const cc_unit *a, const cc_unit *b)
{
    if (a->level != b->level)
        return a->level < b->level ? -1 : 1;
    return strcmp(a->id, b->id);
}

static int cmp_unit_idx(const void *pa, const void *pb)
{
    return cmp_unit_key(&sort_units->res[*(const size_t *)pa].unit,
                        &sort_units->res[*(const size_t *)pb].unit);
}

static long find_unit(const cc_scorecard *w, const size_t *wo, size_t n, const cc_unit *key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_unit_key(&w->res[wo[mid]].unit, key);
        if (c == 0)
            return (long)wo[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* The ISO weeks whose Thursday lies in p. */
static size_t trend_weeks(const cc_period *p, cc_period **out)
{
    long wd = ((p->from % 7) + 7 + 3) % 7 + 1;         /* 1 = Monday */
    long first = p->from + (4 - wd + 7) % 7;
    size_t n = first > p->to ? 0 : (size_t)((p->to - first) / 7 + 1);
    *out = cc_xcalloc(n + 1, sizeof **out);
    for (size_t k = 0; k < n; k++)
        (*out)[k] = cc_period_of(CC_PERIOD_WEEK, (cc_day)(first + 7 * (long)k));
    return n;
}

cc_err cc_report_run(cc_store *s, const cc_config *cfg, const cc_report_opts *o,
                     size_t *not_reported)
{
    if (not_reported)
        *not_reported = 0;
    run R;
    memset(&R, 0, sizeof R);
    R.main_store = s;
    R.cfg = cfg;
    R.o = o;
    pthread_mutex_init(&R.lock, NULL);
    cc_scope scope = {o->streets, o->nstreets, o->communities, o->ncommunities};
    cc_scorecard *sc = NULL;
    cc_period *wp = NULL;
    char (*tlabels)[32] = NULL;
    double *tvalues = NULL;
    cc_wb_trend trend;
    size_t nweeks = 0;
    char *dir = NULL, *final_dir = NULL, *charts = NULL, *stamp = NULL, *ledger_dir = NULL;
    cc_ledger_entry *lentries = NULL;
    size_t nlentries = 0;
    cc_items items = {0};
    int staged = 0;
    double t0 = now_s();
    cc_err e = cc_scorecard_check_range(s, &o->period);   /* nothing written outside the data */
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
    cc_verbose("report %s: scorecard of %zu units in %.2f s (cpu %.2f s, peak %ld MB)",
               sc->period.id, sc->units.n, now_s() - t0, cpu_s(), peak_mb());
    int full = o->nstreets == 0 && o->ncommunities == 0;

    /* every unit asked for must exist on the period's last day */
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
            e = CC_ERR_NOTFOUND;
            goto out;
        }
    }
    R.all_ids = cc_xmalloc((sc->units.n ? sc->units.n : 1) * sizeof *R.all_ids);
    for (size_t i = 0; i < sc->units.n; i++)
        if (sc->res[i].unit.level == CC_LEVEL_COMMUNITY)
            R.all_ids[R.nall++] = sc->res[i].unit.id;
    qsort(R.all_ids, R.nall, sizeof *R.all_ids, cmp_cstr);
    /* each community's unit: the first of that id, as cc_wb_find finds it */
    R.unit_of = cc_xmalloc((R.nall + 1) * sizeof *R.unit_of);
    for (size_t k = 0; k < R.nall; k++)
        R.unit_of[k] = -1;
    for (size_t i = 0; i < sc->units.n; i++) {
        if (sc->res[i].unit.level != CC_LEVEL_COMMUNITY)
            continue;
        const char *id = sc->res[i].unit.id;
        const char *const *p = bsearch(&id, R.all_ids, R.nall, sizeof *R.all_ids, cmp_cstr);
        if (p && R.unit_of[p - R.all_ids] < 0)
            R.unit_of[p - R.all_ids] = (long)i;
    }

    /* the workbooks: the area first (the largest: every street's rows, the
     * biggest charts, so it does not finish alone after the others), then
     * the streets (or the communities asked for) */
    size_t cap = 0;
    if (full) {
        long area = cc_wb_find(sc, CC_LEVEL_AREA, "all");
        if (area >= 0)
            add_job(&R, &cap, (size_t)area);
    }
    for (size_t i = 0; i < sc->units.n; i++) {
        const cc_unit *u = &sc->res[i].unit;
        if (o->ncommunities) {
            for (size_t k = 0; k < o->ncommunities; k++)
                if (u->level == CC_LEVEL_COMMUNITY && !strcmp(u->id, o->communities[k])) {
                    add_job(&R, &cap, i);
                    break;
                }
        } else if (u->level == CC_LEVEL_STREET) {
            int want = full;
            for (size_t k = 0; k < o->nstreets; k++)
                want |= !strcmp(u->id, o->streets[k]);
            if (want)
                add_job(&R, &cap, i);
        }
    }
    unique_stems(&R);
    if (R.njobs == 0) {
        cc_error("report %s: no street or community to report", sc->period.id);
        e = CC_ERR_NOTFOUND;
        goto out;
    }

    /* directories: --out is created when missing (its parent must exist, so a
     * mistyped path fails instead of growing a new tree); an unwritable --out
     * fails before any file work. Files go to a staging directory first. */
    const char *outd = o->out_dir ? o->out_dir : "reports";
    if ((e = mkdir_one(outd, 0)))
        goto out;
    remove_stale_staging(outd);
    final_dir = cc_xasprintf("%s/%s", outd, sc->period.id);
    dir = cc_xasprintf("%s/.%s.tmp.%ld", outd, sc->period.id, (long)getpid());
    charts = cc_xasprintf("%s/charts", dir);
    remove_staging(dir);                 /* left over by a killed run with our pid */
    if ((e = mkdir_one(dir, 1)))
        goto out;
    staged = 1;
    if ((e = mkdir_one(charts, 1)))
        goto out;
    R.dir = dir;
    if (full) {
        ledger_dir = cc_xasprintf("%s/整改台账", dir);
        if ((e = mkdir_one(ledger_dir, 1)))
            goto out;
        R.ledger_dir = ledger_dir;
    }

    if (o->kind != CC_REPORT_WEEKLY) {
        /* each week's scorecard is reduced to its values and freed at once,
         * so a quarter of 3,000 communities holds one scorecard at a time */
        give_back(s);
        nweeks = trend_weeks(&sc->period, &wp);
        size_t stride = cfg->nind + 1, nu = sc->units.n;
        tlabels = cc_xcalloc(nweeks + 1, sizeof *tlabels);
        tvalues = cc_xmalloc((nweeks * nu * stride + 1) * sizeof *tvalues);
        for (size_t k = 0; k < nweeks * nu * stride; k++)
            tvalues[k] = NAN;
        /* A weekly scorecard carries the values of its week and the 11 weeks
         * before it (hist[]): one scorecard per 12 trend weeks, from the last. */
        for (long top = (long)nweeks - 1; top >= 0 && !e; top -= CC_HISTORY) {
            cc_scorecard *w = NULL;
            if ((e = cc_scorecard_compute(s, cfg, &wp[top], &scope, &w)))
                break;
            /* units of w sorted by (level, id) for lookup */
            size_t nw = w->units.n;
            size_t *wo = cc_xmalloc((nw + 1) * sizeof *wo);
            for (size_t i = 0; i < nw; i++)
                wo[i] = i;
            sort_units = w;
            qsort(wo, nw, sizeof *wo, cmp_unit_idx);
            for (int h = 0; h < CC_HISTORY && top - h >= 0; h++) {
                size_t k = (size_t)(top - h);
                snprintf(tlabels[k], sizeof tlabels[k], "%s", w->hist_period[h].id);
                for (size_t u = 0; u < nu; u++) {
                    long x = find_unit(w, wo, nw, &sc->res[u].unit);
                    if (x < 0)
                        continue;
                    double *v = &tvalues[(k * nu + u) * stride];
                    for (size_t i = 0; i < cfg->nind; i++)
                        v[i] = w->res[x].cells[i].hist[h];
                    v[cfg->nind] = w->res[x].total_hist[h];
                }
            }
            free(wo);
            cc_scorecard_free(w);
            give_back(s);
        }
        if (e)
            goto out;
        trend.npoints = nweeks;
        trend.labels = (const char (*)[32])tlabels;
        trend.values = tvalues;
        R.trend = &trend;
        cc_verbose("report %s: %zu weekly scorecards for the trend, %.2f s so far"
                   " (cpu %.2f s, peak %ld MB)", sc->period.id, nweeks, now_s() - t0, cpu_s(),
                   peak_mb());
    }
    if (o->stamp) {
        char buf[96];
        cc_time_show(time(NULL), buf, sizeof buf);     /* the data's time zone, named */
        stamp = cc_xasprintf(o->lang_en ? "Generated at %s" : "生成时间 %s", buf);
        R.stamp = stamp;
    }
    R.last_ingest = cc_time_local(cc_store_last_ingest(s));
    cc_brief_file_sha(cfg->path, R.config_sha, sizeof R.config_sha);
    cc_brief_data_to(s, sc->period.to, R.data_to, sizeof R.data_to);
    if ((e = cc_input_files(s, &R.files, &R.nfiles)))
        goto out;

    /* per-community data, queried once for the whole run */
    {
        const cc_period *p = &sc->period;
        R.q_all = cc_xcalloc(R.nall + 1, sizeof *R.q_all);
        if ((e = cc_quality_query(s, R.all_ids, R.nall, p->from, p->to, R.q_all)))
            goto out;
        if ((e = cc_plausibility_query(s, R.all_ids, R.nall, p->from, p->to, &R.pl_all, &R.npl)))
            goto out;
        if (o->kind != CC_REPORT_WEEKLY) {
            R.res_all = cc_xcalloc(R.nall + 1, sizeof *R.res_all);
            if ((e = cc_resources_query(s, R.all_ids, R.nall, p->to, cfg->demand_rate, R.res_all)))
                goto out;
        }
        if (o->kind == CC_REPORT_QUARTERLY) {
            if ((e = cc_special_unserved(s, R.all_ids, R.nall, p->from, p->to, &R.sp_all, &R.nsp)))
                goto out;
            /* every KANO feature in one pass over the quarter's responses */
            R.kp = cc_xcalloc(cfg->nkano * R.nall + 1, sizeof *R.kp);
            const char **fq = cc_xcalloc(cfg->nkano + 1, sizeof *fq);
            const char **dq = cc_xcalloc(cfg->nkano + 1, sizeof *dq);
            for (size_t k = 0; k < cfg->nkano; k++) {
                fq[k] = cfg->kano[k].functional;
                dq[k] = cfg->kano[k].dysfunctional;
            }
            e = cc_kano_pairs_many(s, R.all_ids, R.nall, p->from, p->to, fq, dq, cfg->nkano, R.kp);
            free(fq);
            free(dq);
            if (e)
                goto out;
        }
        /* every survey item in one pass */
        R.ans = cc_xcalloc(cfg->nitems + 1, sizeof *R.ans);
        R.nans = cc_xcalloc(cfg->nitems + 1, sizeof *R.nans);
        const char **iq = cc_xcalloc(cfg->nitems + 1, sizeof *iq);
        int *iyn = cc_xcalloc(cfg->nitems + 1, sizeof *iyn);
        for (size_t k = 0; k < cfg->nitems; k++) {
            iq[k] = cfg->items[k].column;
            iyn[k] = cfg->items[k].scale == CC_SCALE_YESNO;
        }
        e = cc_answers_by_role_many(s, R.all_ids, R.nall, p->from, p->to, iq, iyn, cfg->nitems,
                                    R.ans, R.nans);
        free(iq);
        free(iyn);
        if (e)
            goto out;
        cc_verbose("report %s: per-community data queried, %.2f s so far (cpu %.2f s)",
                   sc->period.id, now_s() - t0, cpu_s());
    }

    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    int nt = o->threads > 0 ? o->threads : ncpu >= 4 ? 4 : ncpu >= 1 ? (int)ncpu : 1;
    if ((size_t)nt > R.njobs)
        nt = (int)R.njobs;
    pthread_t th[16];
    if (nt > 16)
        nt = 16;
    int started = 0;
    for (int t = 0; t < nt; t++)
        if (pthread_create(&th[t], NULL, worker, &R) == 0)
            started++;
    if (started == 0)
        worker(&R);
    for (int t = 0; t < started; t++)
        pthread_join(th[t], NULL);
    if (!R.err && cc_interrupted)
        R.err = CC_ERR_INTERRUPTED;
    cc_verbose("report %s: %zu workbooks with %d threads, %.2f s so far (cpu %.2f s:"
               " charts %.2f s, workbooks %.2f s, peak %ld MB)", sc->period.id, R.njobs,
               started ? started : 1, now_s() - t0, cpu_s(), R.cpu_charts, R.cpu_books,
               peak_mb());
    if ((e = R.err))
        goto out;

    if (full) {
        char *csv = cc_xasprintf("%s/warnings.csv", dir);
        e = write_csv_file(csv, sc, &items);
        free(csv);
        if (e)
            goto out;
    }
    if (cc_interrupted) {
        e = CC_ERR_INTERRUPTED;
        goto out;
    }
    if ((e = publish(dir, final_dir)))
        goto out;
    if ((e = cc_scorecard_record(s, sc)))
        goto out;

    /* communities that did not report: one line on stderr */
    cc_buf b = CC_BUF_INIT;
    size_t nnr = 0;
    for (size_t i = 0; i < sc->units.n; i++) {
        const cc_unit_result *r = &sc->res[i];
        if (r->unit.level != CC_LEVEL_COMMUNITY || r->reported)
            continue;
        cc_buf_addf(&b, "%s%s (%s)", nnr ? ", " : "", r->unit.id, r->unit.name);
        nnr++;
    }
    if (nnr) {
        cc_warn("report %s: %zu %s did not report: %s", sc->period.id, nnr,
                nnr == 1 ? "community" : "communities", b.s);
    }
    cc_buf_release(&b);
    if (not_reported)
        *not_reported = nnr;
out:
    for (size_t k = 0; k < R.njobs; k++) {
        free(R.jobs[k].rows);
        free(R.jobs[k].ids);
        free(R.jobs[k].base);
        free(R.jobs[k].idx);
        free(R.jobs[k].keep);
    }
    free(R.all_ids);
    free(R.unit_of);
    free(R.q_all);
    free(R.res_all);
    cc_plausibility_free(R.pl_all, R.npl);
    cc_special_free(R.sp_all, R.nsp);
    if (R.ans)
        for (size_t k = 0; k < cfg->nitems; k++)
            free(R.ans[k]);
    free(R.ans);
    free(R.nans);
    free(R.kp);
    free(R.jobs);
    cc_input_files_free(R.files, R.nfiles);
    free(R.last_ingest);
    free(tlabels);
    free(tvalues);
    free(wp);
    if (sc)
        cc_scorecard_free(sc);
    if (staged)
        remove_staging(dir);
    free(dir);
    free(final_dir);
    free(charts);
    free(stamp);
    free(ledger_dir);
    cc_items_release(&items);
    cc_ledger_entries_free(lentries, nlentries);
    pthread_mutex_destroy(&R.lock);
    return e;
}
