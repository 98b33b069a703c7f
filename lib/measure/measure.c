/* measure — the measure catalog of indicators.md computed in SQL for every
 * unit of a cc_units at once, for one window [from, to].
 *
 * Each source is read with one query per window, grouped by community (the
 * community -> street map is a temporary table); additive measures of a
 * street or of the area are the sums of its communities' sums, distinct
 * counts are counted again over the street's and the area's own rows (one
 * query grouped by street, one for the whole area) — never added up.
 *
 * Missing is NAN.  Activities and attendance are never zero-filled; the event
 * logs (trainings, timebank, feedback, surveys, assessments) count 0 in a
 * window without rows for a unit that has ever had a row of that kind.
 *
 * This file: the catalog of measure names, the unit map, the rectification
 * items, the entry point and the data range.  The sources are read in
 * measure_read.c, the week caches prefetched in measure_prefetch.c
 * (internals shared in measure_int.h).
 */
#include "measure/measure_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- the plain measures ------------------------------------------------- */
static const char *const plain_names[M_NPLAIN] = {
    "activities", "cancelled", "scheduled", "attended", "registered", "capacity",
    "children", "special_attended", "volunteers", "volunteer_hours", "incidents",
    "online_booked", "checks_passed", "checks_total", "staff", "staffed_children",
    "staffed_staff", "hours", "person_hours", "interaction_sum", "interaction_n",
    "reported", "communities",
    "partners",
    "participants", "child_participants", "households", "special_served",
    "returning", "prev_participants", "volunteers_active", "volunteers_retained",
    "volunteers_prev",
    "population", "children_0_3", "children_3_12", "elderly_60", "eligible_families",
    "special_children", "places", "inclusive_places", "monthly_fee", "monthly_income",
    "providers", "certified", "training_hours",
    "tb_deposit_hours", "tb_redeem_hours", "tb_members",
    "feedback", "feedback_timely", "feedback_resolved",
    "items_due", "items_closed_on_time", "items_effective", "items_overdue",
};

const char *const cc_ms_domains[] = {"cognitive", "social", "emotion", "language", "motor"};

static const char *const sv_fields[SV_NFIELD] = {"n", "sum", "top2", "yes"};
static const char *const as_fields[AS_NFIELD] = {"pairs", "pre_sum", "post_sum"};

static int find_item(const cc_config *cfg, const char *id, size_t len)
{
    for (size_t i = 0; cfg && i < cfg->nitems; i++)
        if (strlen(cfg->items[i].id) == len && !strncasecmp(cfg->items[i].id, id, len))
            return (int)i;
    return -1;
}

mref cc_ms_parse_name(const cc_config *cfg, const char *name)
{
    mref r = {-1, 0, 0};
    if (!strncmp(name, "survey.", 7)) {
        const char *item = name + 7, *dot = strrchr(item, '.');
        if (!dot || dot == item)
            return r;
        int it = find_item(cfg, item, (size_t)(dot - item));
        if (it < 0)
            return r;
        for (int f = 0; f < SV_NFIELD; f++)
            if (!strcmp(dot + 1, sv_fields[f])) {
                r.kind = 1; r.id = it; r.field = f;
            }
        return r;
    }
    if (!strncmp(name, "assess.", 7)) {
        const char *dom = name + 7, *dot = strrchr(dom, '.');
        if (!dot)
            return r;
        for (int d = 0; d < NDOMAIN; d++)
            if (strlen(cc_ms_domains[d]) == (size_t)(dot - dom) && !strncmp(cc_ms_domains[d], dom, (size_t)(dot - dom)))
                for (int f = 0; f < AS_NFIELD; f++)
                    if (!strcmp(dot + 1, as_fields[f])) {
                        r.kind = 2; r.id = d; r.field = f;
                    }
        return r;
    }
    for (int i = 0; i < M_NPLAIN; i++)
        if (!strcmp(name, plain_names[i])) {
            r.kind = 0; r.id = i;
        }
    return r;
}

static void exec(ctx *c, const char *sql)
{
    if (!c->err)
        c->err = cc_store_exec(c->s, sql);
}

/* ---- the unit map -------------------------------------------------------- */
/* While span.c's cache is on (a scorecard's history: no transaction comes
 * and goes), temp.cc_map is kept from one window to the next of the same
 * units (compared in full: their IDs and streets). */
static struct {
    sqlite3 *db;
    unsigned bracket;
    size_t n, ncomm, area;
    char **ids;
    size_t *street;
} map;

static void map_forget(void)
{
    for (size_t i = 0; i < map.ncomm; i++)
        free(map.ids[i]);
    free(map.ids);
    free(map.street);
    memset(&map, 0, sizeof map);
}

static int map_same(const ctx *c, unsigned bracket)
{
    if (!bracket || map.bracket != bracket || map.db != c->s->db || map.n != c->n ||
        map.ncomm != c->ncomm || map.area != c->area)
        return 0;
    for (size_t i = 0; i < c->ncomm; i++)
        if (map.street[i] != c->units->u[i].street || strcmp(map.ids[i], c->units->u[i].id))
            return 0;
    return 1;
}

static void build_map(ctx *c)
{
    sqlite3_stmt *st;
    unsigned bracket = cc_span_bracket(c->s);
    if (map_same(c, bracket))
        return;
    map_forget();
    /* cc_map_street: the same communities by street, for attend.c's
     * batches of streets */
    exec(c, "DROP TABLE IF EXISTS temp.cc_map;"
            "CREATE TEMP TABLE cc_map (community_id TEXT PRIMARY KEY, cidx INTEGER NOT NULL,"
            " sidx INTEGER NOT NULL, aidx INTEGER NOT NULL) WITHOUT ROWID;"
            "DROP TABLE IF EXISTS temp.cc_map_street;"
            "CREATE TEMP TABLE cc_map_street (sidx INTEGER NOT NULL, community_id TEXT NOT NULL,"
            " cidx INTEGER NOT NULL, PRIMARY KEY (sidx, community_id)) WITHOUT ROWID");
    st = prep(c, "INSERT INTO temp.cc_map VALUES (?1, ?2, ?3, ?4)");
    if (!st)
        return;
    for (size_t i = 0; i < c->ncomm && !c->err; i++) {
        sqlite3_bind_text(st, 1, c->units->u[i].id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)c->units->u[i].street);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)c->area);
        step(c, st);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    exec(c, "INSERT INTO temp.cc_map_street SELECT sidx, community_id, cidx FROM temp.cc_map");
    if (c->err || !bracket)
        return;
    map.db = c->s->db;
    map.bracket = bracket;
    map.n = c->n;
    map.ncomm = c->ncomm;
    map.area = c->area;
    map.ids = cc_xmalloc((c->ncomm + 1) * sizeof *map.ids);
    map.street = cc_xmalloc((c->ncomm + 1) * sizeof *map.street);
    for (size_t i = 0; i < c->ncomm; i++) {
        map.ids[i] = cc_xstrdup(c->units->u[i].id);
        map.street[i] = c->units->u[i].street;
    }
}

/* ---- rectification items ----------------------------------------------------- */
/* The weekly items score/ installed (measure/items.c), whose deadline falls
 * in the window; every community counts 0 without any. */
static void do_items(ctx *c, double **pv)
{
    double *cols[] = {pv[M_ITEMS_DUE], pv[M_ITEMS_CLOSED_ON_TIME], pv[M_ITEMS_EFFECTIVE], pv[M_ITEMS_OVERDUE]};
    cc_measures_items_count(c->units, c->dfrom, c->dto, cols);
    for (int k = 0; k < 4; k++)
        if (cols[k])
            roll_up(c, cols[k]);
}

/* Every source a column of pv, sv or as is wanted from (measure_read.c, and
 * the items above). */
static void compute_sources(ctx *c, double **pv, double *(*sv)[SV_NFIELD],
                            double *(*as)[AS_NFIELD])
{
    for (int k = M_ACTIVITIES; k <= M_REPORTED; k++)
        if (pv[k]) {
            cc_ms_activities(c, pv);
            break;
        }
    if (pv[M_COMMUNITIES]) {
        for (size_t i = 0; i < c->ncomm; i++)
            pv[M_COMMUNITIES][i] = 1;
        roll_up(c, pv[M_COMMUNITIES]);
        for (size_t i = c->ncomm; i < c->n; i++)     /* a street always has >= 1 */
            if (isnan(pv[M_COMMUNITIES][i]))
                pv[M_COMMUNITIES][i] = 0;
    }
    if (pv[M_PARTNERS])
        cc_ms_partners(c, pv[M_PARTNERS]);
    for (int k = M_PARTICIPANTS; k <= M_VOLUNTEERS_PREV; k++)
        if (pv[k]) {
            cc_ms_attendance(c, pv);
            break;
        }
    for (int k = M_POPULATION; k <= M_MONTHLY_INCOME; k++)
        if (pv[k]) {
            cc_ms_registry(c, pv);
            break;
        }
    if (pv[M_PROVIDERS] || pv[M_CERTIFIED] || pv[M_TRAINING_HOURS])
        cc_ms_providers(c, pv);
    if (pv[M_TB_DEPOSIT_HOURS] || pv[M_TB_REDEEM_HOURS] || pv[M_TB_MEMBERS])
        cc_ms_timebank(c, pv);
    if (pv[M_FEEDBACK] || pv[M_FEEDBACK_TIMELY] || pv[M_FEEDBACK_RESOLVED])
        cc_ms_feedback(c, pv);
    if (pv[M_ITEMS_DUE] || pv[M_ITEMS_CLOSED_ON_TIME] || pv[M_ITEMS_EFFECTIVE] || pv[M_ITEMS_OVERDUE])
        do_items(c, pv);
    cc_ms_surveys_assess(c, sv, as);
}

/* ---- entry point ------------------------------------------------------------- */
cc_err cc_measures_compute(cc_store *s, const cc_config *cfg, const cc_units *units,
                           cc_day from, cc_day to,
                           const char *const *names, size_t nnames, double *out)
{
    ctx c;
    double *pv[M_NPLAIN] = {0};
    size_t nitems = cfg ? cfg->nitems : 0;
    double *(*sv)[SV_NFIELD] = cc_xcalloc(nitems ? nitems : 1, sizeof *sv);
    double *as[NDOMAIN][AS_NFIELD] = {{0}};
    mref *refs = cc_xcalloc(nnames ? nnames : 1, sizeof *refs);
    size_t n = units->n;

    memset(&c, 0, sizeof c);
    c.s = s;
    c.cfg = cfg;
    c.units = units;
    c.n = n;
    c.ncomm = units->ncomm;
    c.area = n ? n - 1 : 0;
    c.dfrom = from;
    c.dto = to;
    c.dpfrom = from - (to - from + 1);
    c.dpto = from - 1;
    cc_day_format(from, c.from);
    cc_day_format(to, c.to);
    cc_day_format(from - (to - from + 1), c.pfrom);
    cc_day_format(from - 1, c.pto);

    for (size_t i = 0; i < n * nnames; i++)
        out[i] = NAN;
    if (n == 0)
        goto done;

    for (size_t j = 0; j < nnames; j++) {
        refs[j] = cc_ms_parse_name(cfg, names[j]);
        if (refs[j].kind < 0) {
            cc_error("unknown measure '%s'", names[j]);
            c.err = CC_ERR_CONFIG;
            goto done;
        }
        if (refs[j].kind == 0 && !pv[refs[j].id])
            pv[refs[j].id] = newcol(n);
        if (refs[j].kind == 1 && !sv[refs[j].id][0])
            for (int f = 0; f < SV_NFIELD; f++)
                sv[refs[j].id][f] = newcol(n);
        if (refs[j].kind == 2 && !as[refs[j].id][0])
            for (int f = 0; f < AS_NFIELD; f++)
                as[refs[j].id][f] = newcol(n);
    }

    /* the rectification items' measures are counted in memory: a window
     * of only those (a kept period's, score/period.c) needs no unit map
     * in SQLite and no rows */
    int sql = 0;
    for (size_t j = 0; j < nnames && !sql; j++)
        sql = cc_measure_source(names[j]) != CC_SRC_LEDGER;
    if (sql)
        build_map(&c);
    if (!c.err && sql)
        cc_span_win_open(s, cfg, units, c.area, from, to, &c.sw);
    compute_sources(&c, pv, sv, as);

    for (size_t j = 0; j < nnames && !c.err; j++) {
        const double *v = refs[j].kind == 0 ? pv[refs[j].id]
                        : refs[j].kind == 1 ? sv[refs[j].id][refs[j].field]
                        : as[refs[j].id][refs[j].field];
        for (size_t i = 0; i < n; i++)
            out[i * nnames + j] = v[i];
    }

done:
    cc_span_win_close(&c.sw);
    for (int k = 0; k < M_NPLAIN; k++)
        free(pv[k]);
    for (size_t i = 0; i < nitems; i++)
        for (int f = 0; f < SV_NFIELD; f++)
            free(sv[i][f]);
    free(sv);
    for (int d = 0; d < NDOMAIN; d++)
        for (int f = 0; f < AS_NFIELD; f++)
            free(as[d][f]);
    free(refs);
    if (c.err)
        for (size_t i = 0; i < n * nnames; i++)
            out[i] = NAN;
    return c.err;
}

/* The data range: the first and last day of the dated rows.  SQLite finds
 * a min() or a max() alone by an index on the column (activities,
 * survey_responses, trainings), but min() and max() together by a scan;
 * the tables without such an index are scanned once for both.  A command
 * asks several times (its range check, every scorecard): the answer is kept
 * while the connection's data are the same (PRAGMA data_version for other
 * connections' commits, sqlite3_total_changes for its own). */
static _Thread_local struct {
    cc_store *s;
    int64_t version, changes;
    cc_day from, to;
} range_kept;

cc_err cc_measures_data_range(cc_store *s, cc_day *from, cc_day *to)
{
    /* by index: a table with an index on its date, both ends of it; one
     * indexed by (community_id, date), each community's ends, the
     * communities found by skipping along the index (not a scan of a
     * year's time bank: 0.35 s of a city scorecard) */
#define ENDS(T, D) \
        " UNION ALL SELECT min((SELECT min(" D ") FROM " T " WHERE community_id = c.id)),"             \
        " max((SELECT max(" D ") FROM " T " WHERE community_id = c.id)) FROM (WITH RECURSIVE c(id) AS ("   \
        " SELECT (SELECT min(community_id) FROM " T ") UNION ALL SELECT (SELECT min(community_id) FROM "  \
        T " WHERE community_id > c.id) FROM c WHERE c.id IS NOT NULL) SELECT id FROM c) c WHERE c.id IS NOT NULL"
    static const char sql[] =
        "SELECT min(lo), max(hi) FROM ("
        " SELECT (SELECT min(date) FROM activities) AS lo, (SELECT max(date) FROM activities) AS hi"
        " UNION ALL SELECT (SELECT min(date) FROM survey_responses), (SELECT max(date) FROM survey_responses)"
        " UNION ALL SELECT (SELECT min(date) FROM trainings), (SELECT max(date) FROM trainings)"
        ENDS("assessments", "date") ENDS("timebank", "date") ENDS("feedback", "received") ")";
#undef ENDS
    int64_t version = cc_store_data_version(s), changes = sqlite3_total_changes64(s->db);
    if (range_kept.s == s && version >= 0 && range_kept.version == version && range_kept.changes == changes) {
        *from = range_kept.from;
        *to = range_kept.to;
        return CC_OK;
    }
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    *from = 1;
    *to = 0;
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *a = (const char *)sqlite3_column_text(st, 0);
        const char *b = (const char *)sqlite3_column_text(st, 1);
        cc_day lo, hi;
        if (a && b && cc_parse_date(a, strlen(a), &lo) == CC_PARSE_OK
            && cc_parse_date(b, strlen(b), &hi) == CC_PARSE_OK) {
            *from = lo;
            *to = hi;
        }
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_OK)
        return cc_store_err(s, rc, "reading the data range");
    /* not inside a transaction: its changes may be rolled back, and a
     * rollback changes neither number */
    if (!sqlite3_get_autocommit(s->db))
        return CC_OK;
    range_kept.s = s;
    range_kept.version = version;
    range_kept.changes = changes;
    range_kept.from = *from;
    range_kept.to = *to;
    return CC_OK;
}
