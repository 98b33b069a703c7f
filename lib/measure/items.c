/* measure/items — counting the rectification items score/ installed (items.h). */
#include "measure/measure.h"

#include <string.h>

static _Thread_local const cc_item_dues *installed;

const cc_item_dues *cc_measures_items_install(const cc_item_dues *t)
{
    const cc_item_dues *was = installed;
    installed = t;
    return was;
}

/* The first item of community id, or t->n. */
static size_t first_of(const cc_item_dues *t, const char *id)
{
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t m = lo + (hi - lo) / 2;
        if (strcmp(t->v[m].community_id, id) < 0)
            lo = m + 1;
        else
            hi = m;
    }
    return lo;
}

void cc_measures_items_count(const cc_units *units, cc_day from, cc_day to, double *const cols[4])
{
    const cc_item_dues *t = installed;
    for (size_t u = 0; u < units->ncomm; u++) {
        double n[4] = {0, 0, 0, 0};
        const char *id = units->u[u].id;
        for (size_t k = t ? first_of(t, id) : 0; t && k < t->n && !strcmp(t->v[k].community_id, id); k++) {
            const cc_item_due *d = &t->v[k];
            if (d->deadline < from || d->deadline > to)
                continue;
            int closed = d->closed >= 0 && d->known >= 0 && d->known <= to;
            int on_time = closed && d->closed <= d->deadline;
            n[0] += 1;
            n[1] += on_time;
            n[2] += closed && d->effective;
            n[3] += !on_time;
        }
        for (int k = 0; k < 4; k++)
            if (cols[k])
                cols[k][u] = n[k];
    }
}
