/* measure — the database turned into numbers: organisation units as of a day,
 * the measure catalog (model/) computed in SQL per unit and window, and the
 * other per-unit queries reports need (data quality, survey answers,
 * resources, special children not reached).
 * Depends on store/ and model/.
 */
#ifndef CC_MEASURE_H
#define CC_MEASURE_H

#include "base/base.h"
#include "model/model.h"
#include "store/store.h"

typedef enum { CC_LEVEL_COMMUNITY, CC_LEVEL_STREET, CC_LEVEL_AREA } cc_level;
const char *cc_level_name(cc_level l);        /* "community" "street" "area" */

typedef struct {
    cc_level level;
    char *id;               /* community_id, street_id, or "all" */
    char *name;             /* 社区名称 / 街道名称 / 全区 */
    char *street_id;        /* community: its street; street: itself; area: NULL */
    char *street_name;
    size_t street;          /* community: index of its street unit in cc_units.u */
} cc_unit;

/* Units of the registry valid on `day`: communities sorted by id, then
 * streets sorted by id, then the area ("all"). */
typedef struct {
    cc_unit *u; size_t n;
    size_t ncomm, nstreet;  /* u[0..ncomm) communities, then nstreet streets, then area */
    cc_day day;
} cc_units;

cc_err cc_units_load(cc_store *s, cc_day day, cc_units *out);
void cc_units_release(cc_units *u);
/* Index of a unit by level and id, or -1. */
long cc_units_find(const cc_units *u, cc_level level, const char *id);

/* The data range (indicators.md "Data range"): the earliest and the latest
 * date of any activity, survey, assessment, training, time-bank or feedback
 * row (attendance rows carry their activity's date).  *from > *to when the
 * database holds none of them. */
cc_err cc_measures_data_range(cc_store *s, cc_day *from, cc_day *to);

/* Values of the named measures for every unit of `units` over [from, to].
 * out is units->n * nnames doubles, row-major by unit; NAN = missing.
 * Registry measures are taken as of `to`. */
cc_err cc_measures_compute(cc_store *s, const cc_config *cfg, const cc_units *units,
                           cc_day from, cc_day to,
                           const char *const *names, size_t nnames, double *out);

/* The week cache of the attendance measures (a scorecard's twelve periods
 * read each week of attendance once): on for s between begin and end.  Only
 * while the database does not change.  Off by default. */
cc_err cc_measures_cache_begin(cc_store *s);
void cc_measures_cache_end(cc_store *s);

/* The week cache of the other sources (measure/span.c: activities, partners,
 * time bank, feedback, surveys, assessments, providers, trainings, and the
 * "ever had a row" sets): on for s between begin and end, for one
 * configuration, while the database does not change.  Whole-week windows are
 * answered from per-(community, week) aggregates, each week read once;
 * other windows, and every window once the cache is over its memory budget
 * (64 MB, $CARECARD_SPAN_BUDGET_KB for tests), are read directly.
 * $CARECARD_NO_CACHE=1 keeps it off (tests compare both paths). */
cc_err cc_measures_span_begin(cc_store *s);
void cc_measures_span_end(cc_store *s);

/* One window of a list, in the order cc_measures_compute will be called. */
typedef struct {
    const cc_units *units;
    cc_day from, to;
    const char *const *names;
    size_t nnames;
} cc_measure_win;

/* With the week caches on for s (both brackets above), do now what
 * computing these windows one by one would read from the database into them
 * (and attendance's counts), in two threads: this one and a helper on its
 * own read-only connection to the same file, which sees the database as of
 * when it starts (no snapshot is shared with s's connection: like any later
 * statement on s).  The caches end exactly as the windows would leave them,
 * so the numbers do not change.  Windows the caches cannot answer are still
 * read when computed.  SIGINT (cc_interrupted) stops both threads.  Errors
 * are printed.  $CARECARD_NO_PREFETCH=1: nothing is done here. */
cc_err cc_measures_prefetch(cc_store *s, const cc_config *cfg, const cc_measure_win *w, size_t n);

#include "measure/survey.h"   /* survey answers: KANO pairs, Likert/yes-no by role */
#include "measure/quality.h"  /* data quality, resources, special children not reached */
#include "measure/items.h"    /* the rectification items, installed by score/ */

#endif
