/* units — the organisation units of the registry valid on one day:
 * communities (sorted by id), their streets (sorted by id), and the area.
 *
 * A community is in the report when it has a registry row with as_of <= day
 * (a row without as_of is stored as '0000-01-01', the beginning of time);
 * its latest such row names its street.  A street's name is taken from the
 * row of its first community (by id).
 */
#include "store/db.h"
#include "measure/measure.h"

#include <stdlib.h>
#include <string.h>

const char *cc_level_name(cc_level l)
{
    switch (l) {
    case CC_LEVEL_COMMUNITY: return "community";
    case CC_LEVEL_STREET:    return "street";
    case CC_LEVEL_AREA:      return "area";
    }
    return "?";
}


static const char units_sql[] =
    "SELECT c.community_id, c.community_name, c.street_id, c.street_name"
    "  FROM communities c"
    "  WHERE c.as_of = (SELECT MAX(c2.as_of) FROM communities c2"
    "                    WHERE c2.community_id = c.community_id AND c2.as_of <= ?1)"
    "  ORDER BY c.community_id";

/* Communities by street id, then in their own (id) order: their places in
 * the one array they all point into. */
static int cmp_street(const void *a, const void *b)
{
    const cc_unit *x = *(const cc_unit *const *)a, *y = *(const cc_unit *const *)b;
    int c = strcmp(x->street_id, y->street_id);
    return c ? c : (x > y) - (x < y);
}

cc_err cc_units_load(cc_store *s, cc_day day, cc_units *out)
{
    sqlite3_stmt *st = NULL;
    char d[11];
    size_t cap = 64, n = 0;
    cc_unit *comm;
    int rc;

    memset(out, 0, sizeof *out);
    out->day = day;
    cc_day_format(day, d);
    rc = sqlite3_prepare_v2(s->db, units_sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return cc_store_err(s, rc, "reading the communities register");
    sqlite3_bind_text(st, 1, d, -1, SQLITE_TRANSIENT);
    comm = cc_xcalloc(cap, sizeof *comm);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            cap *= 2;
            comm = cc_xrealloc(comm, cap * sizeof *comm);
        }
        cc_unit *u = &comm[n++];
        memset(u, 0, sizeof *u);
        u->level = CC_LEVEL_COMMUNITY;
        u->id = cc_xstrdup((const char *)sqlite3_column_text(st, 0));
        u->name = cc_xstrdup((const char *)sqlite3_column_text(st, 1));
        u->street_id = cc_xstrdup((const char *)sqlite3_column_text(st, 2));
        u->street_name = cc_xstrdup((const char *)sqlite3_column_text(st, 3));
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        for (size_t i = 0; i < n; i++) {
            free(comm[i].id); free(comm[i].name);
            free(comm[i].street_id); free(comm[i].street_name);
        }
        free(comm);
        return cc_store_err(s, rc, "reading the communities register");
    }

    /* streets: distinct street ids, in id order, each named as its first
     * community names it; each community points at its street.  One sort
     * of the communities by street: a search of the streets found so far
     * for each community cost communities x streets (a province's 30,000 x
     * 1,500 on every period's register). */
    cc_unit **by = cc_xmalloc((n ? n : 1) * sizeof *by);
    for (size_t i = 0; i < n; i++)
        by[i] = &comm[i];
    qsort(by, n, sizeof *by, cmp_street);
    cc_unit *streets = cc_xcalloc(n ? n : 1, sizeof *streets);
    size_t ns = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || strcmp(by[i]->street_id, by[i - 1]->street_id)) {
            cc_unit *su = &streets[ns++];
            su->level = CC_LEVEL_STREET;
            su->id = cc_xstrdup(by[i]->street_id);
            su->name = cc_xstrdup(by[i]->street_name);
            su->street_id = cc_xstrdup(by[i]->street_id);
            su->street_name = cc_xstrdup(by[i]->street_name);
            su->street = n + ns - 1;
        }
        by[i]->street = n + ns - 1;
    }
    free(by);

    out->ncomm = n;
    out->nstreet = ns;
    out->n = n + ns + 1;
    out->u = cc_xcalloc(out->n, sizeof *out->u);
    memcpy(out->u, comm, n * sizeof *comm);
    memcpy(out->u + n, streets, ns * sizeof *streets);
    free(comm);
    free(streets);
    cc_unit *a = &out->u[n + ns];
    a->level = CC_LEVEL_AREA;
    a->id = cc_xstrdup("all");
    a->name = cc_xstrdup("全区");
    a->street_id = NULL;
    a->street_name = NULL;
    a->street = n + ns;
    return CC_OK;
}

void cc_units_release(cc_units *u)
{
    if (!u)
        return;
    for (size_t i = 0; i < u->n; i++) {
        free(u->u[i].id);
        free(u->u[i].name);
        free(u->u[i].street_id);
        free(u->u[i].street_name);
    }
    free(u->u);
    memset(u, 0, sizeof *u);
}

long cc_units_find(const cc_units *u, cc_level level, const char *id)
{
    size_t lo, hi;
    if (!id)
        return -1;
    if (level == CC_LEVEL_AREA)
        return !strcmp(id, "all") && u->n ? (long)(u->n - 1) : -1;
    lo = level == CC_LEVEL_COMMUNITY ? 0 : u->ncomm;
    hi = level == CC_LEVEL_COMMUNITY ? u->ncomm : u->ncomm + u->nstreet;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(u->u[mid].id, id);
        if (c == 0)
            return (long)mid;
        if (c < 0) lo = mid + 1; else hi = mid;
    }
    return -1;
}
