/* attend_int — internals shared by lib/measure/attend*.c (not part of the
 * API): attend.c counts a window from its weeks' rosters, attend_cache.c
 * keeps the week cache and the prefetch's windows.  Shared functions are
 * prefixed cc_at_ so the library exports nothing outside cc_.
 */
#ifndef CC_ATTEND_INT_H
#define CC_ATTEND_INT_H

#include "store/db.h"
#include "measure/attend.h"
#include "base/intern.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

enum { F_CHILD = 1, F_VOL = 2, F_SP = 4 };

/* ---- string interning: lib/base/intern.h ----------------------------------- */
typedef cc_intern interner;
#define intern cc_intern_id
#define interner_bytes cc_intern_bytes
#define interner_release cc_intern_release

/* 'YYYY-MM-DD' -> days since 1970-01-01 (the text is the schema's). */
static inline cc_day text_day(const char *t)
{
    long y = strtol(t, NULL, 10), m = (t[5] - '0') * 10 + (t[6] - '0'), d = (t[8] - '0') * 10 + (t[9] - '0');
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (cc_day)(era * 146097 + doe - 719468);
}

/* The unit of community c at a level: 0 the community, 1 its street, 2 the area. */
static inline size_t unit_of(const cc_units *u, size_t area, int level, size_t c)
{
    return level == 0 ? c : level == 1 ? u->u[c].street : area;
}

static inline void put(double *col, size_t unit, double v)
{
    if (col)
        col[unit] = v;
}

/* The counts of one window per unit (n each), written to the columns alike
 * whether they came from the rosters or the week cache. */
typedef struct {
    size_t *part, *child, *vol, *sp, *homes, *ret, *vret;   /* the window */
    size_t *ppart, *pvol;                                   /* the previous window */
    unsigned char *has, *known, *phas;  /* rows in the window / special known / rows before */
} cc_at_counts;
void cc_at_counts_init(cc_at_counts *k, size_t n);
/* The units with rows get their columns (households missing when 0, special
 * missing when not known); the others stay as they are. */
void cc_at_counts_put(const cc_at_counts *k, size_t n, cc_attend_cols *out);
void cc_at_counts_release(cc_at_counts *k);

/* attend_cache.c: the window's columns from what cc_attend_prefetch computed
 * or, with the week cache on for s, from the cache: 1 when out is filled (or
 * *err set on a database error), 0 when the caller reads the rosters. */
int cc_at_cached(cc_store *s, const cc_units *units, size_t area, cc_day from, cc_day to,
                 int need_prev, cc_attend_cols *out, cc_err *err);

#endif
