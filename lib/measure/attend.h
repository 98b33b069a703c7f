/* attend — the distinct counts of the attendance measures (participants,
 * child_participants, households, special_served, volunteers_active and the
 * previous-window measures returning, prev_participants, volunteers_retained,
 * volunteers_prev) for every unit of a cc_units at once.  Internal to
 * measure/: measure.c builds temp.cc_map (community_id -> cidx) first.
 */
#ifndef CC_ATTEND_H
#define CC_ATTEND_H

#include "measure/measure.h"

/* Output columns, each units->n doubles filled with NAN by the caller; a NULL
 * column is not wanted.  part[u] stays NAN when unit u has no attendance row
 * in the window (the other columns then stay NAN too, like in SQL). */
typedef struct {
    double *part, *child, *households, *special, *vol;   /* window [from, to] */
    double *prev_part, *prev_vol;                        /* window [pfrom, pto] */
    double *returning, *retained;                        /* both windows */
} cc_attend_cols;

/* Read the attendance rosters (attendance_weeks) of the weeks overlapping
 * [from, to] (and with need_prev the window of the same length just before
 * it) once and count in memory; with the week cache on
 * (cc_measures_cache_begin) whole-week windows come from the cache.  Errors
 * are printed. */
cc_err cc_attend_compute(cc_store *s, const cc_units *units, size_t area,
                         cc_day from, cc_day to, int need_prev, cc_attend_cols *out);

/* Prefetch (measure_prefetch.c's cc_measures_prefetch): with the week cache on for s,
 * the loads and the counts of these windows (in the order cc_attend_compute
 * will be asked for them, so the cache ends up as they would leave it), the
 * rosters read on connection ls (s's, or another one on the same database;
 * may run in another thread than s's while nothing else uses the cache).
 * cc_attend_compute then takes a window's columns from there. */
typedef struct {
    const cc_units *units;
    size_t area;
    cc_day from, to;
    int need_prev;
} cc_attend_pwin;
cc_err cc_attend_prefetch(cc_store *s, cc_store *ls, const cc_attend_pwin *w, size_t n);

/* COUNT(DISTINCT key) per unit at the three levels, in memory: sql selects
 * (cidx, key) with ?1 = from and ?2 = to; NULL keys are not counted but the
 * row makes the count 0 rather than missing.  out[u] (NAN-filled by the
 * caller) is set for every unit with a row. */
cc_err cc_distinct_compute(cc_store *s, const cc_units *units, size_t area,
                           const char *sql, const char *from, const char *to, double *out);

#endif
