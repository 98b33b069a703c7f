/* score/ledger — rectification items and their states (ledger.md).
 *
 * An item is recomputed at every report from the scorecard's history (the
 * raw status of each of the CC_HISTORY periods) and the stored ledger
 * entries, never from what earlier reports recorded: a report of any period
 * shows the same items whichever reports ran before it. */
#include "store/db.h"
#include "score/score.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *cc_item_state_zh(cc_item_state s)
{
    static const char *const n[] = {"整改中", "逾期", "待验证", "已见效", "未见效", "已解除"};
    return (unsigned)s < CC_IS_COUNT ? n[s] : "";
}

const char *cc_item_state_name(cc_item_state s)
{
    static const char *const n[] = {"in_progress", "overdue", "claimed", "effective", "not_effective",
                                    "resolved"};
    return (unsigned)s < CC_IS_COUNT ? n[s] : "";
}

int cc_item_state_open(cc_item_state s)
{
    return s == CC_IS_OPEN || s == CC_IS_OVERDUE || s == CC_IS_CLAIMED || s == CC_IS_NOT_EFFECTIVE;
}

static int is_miss(int s)
{
    return s == CC_ST_BLUE || s == CC_ST_YELLOW || s == CC_ST_RED;
}

static int has_value(int s)
{
    return s == CC_ST_MET || is_miss(s);
}

static cc_day parse_day(const char *s)
{
    cc_day d;
    if (!s || cc_parse_date(s, strlen(s), &d) != CC_PARSE_OK)
        return -1;
    return d;
}

/* The state of item t at the end of the report period. */
static void item_state(const cc_scorecard *sc, const cc_cell *c, cc_ritem *t)
{
    const cc_ledger_entry *e = t->entry;
    t->done = -1;
    t->closed = -1;
    if (e && e->progress && !strcmp(e->progress, "已完成"))
        t->done = parse_day(e->done);
    if (t->done >= 0) {
        if (t->end_k >= 0) {
            t->state = CC_IS_EFFECTIVE;
            t->closed = t->done;
            return;
        }
        /* the first period of the report's kind that starts after the
         * 完成日期 and in which the indicator has a value */
        int v = -1;
        for (int k = CC_HISTORY - 1; k >= 0 && v < 0; k--)
            if (sc->hist_period[k].from > t->done && has_value(c->hist_st[k]))
                v = k;
        if (v < 0)
            t->state = CC_IS_CLAIMED;
        else if (c->hist_st[v] == CC_ST_MET) {      /* (the run ended: not reached) */
            t->state = CC_IS_EFFECTIVE;
            t->closed = t->done;
        } else
            t->state = CC_IS_NOT_EFFECTIVE;
        return;
    }
    if (t->end_k >= 0) {
        t->state = CC_IS_RESOLVED;
        t->closed = sc->hist_period[t->end_k].to;
        return;
    }
    t->state = sc->period.to > t->deadline ? CC_IS_OVERDUE : CC_IS_OPEN;
}

static void add(cc_items *out, size_t *cap, const cc_ritem *t)
{
    if (out->n == *cap) {
        *cap = *cap ? 2 * *cap : 32;
        out->v = cc_xrealloc(out->v, *cap * sizeof *out->v);
    }
    out->v[out->n++] = *t;
}

void cc_items_compute(const cc_scorecard *sc, const cc_ledger_entry *e, size_t ne,
                      void (*earlier)(void *arg, cc_ritem *t), void *arg, cc_items *out)
{
    const cc_config *cfg = sc->cfg;
    size_t cap = 0;
    out->v = NULL;
    out->n = 0;
    for (size_t u = 0; u < sc->units.n; u++) {
        const cc_unit_result *r = &sc->res[u];
        if (r->unit.level != CC_LEVEL_COMMUNITY)
            continue;
        for (size_t i = 0; i < cfg->nind; i++) {
            const cc_cell *c = &r->cells[i];
            const cc_indicator *ind = &cfg->ind[i];
            /* an indicator of the items themselves (整改按期完成率) opens none */
            if (cc_indicator_uses(ind, CC_SRC_LEDGER))
                continue;
            /* runs of misses, oldest first: a = the first period, b = the
             * last before the indicator met its target (periods without a
             * value do not end a run: nothing says it was met) */
            for (int a = CC_HISTORY - 1; a >= 0; a--) {
                if (!is_miss(c->hist_st[a]))
                    continue;
                int prev_open = 0;          /* the run began before a (a miss or no value before it) */
                for (int j = a + 1; j < CC_HISTORY && !prev_open; j++) {
                    if (c->hist_st[j] == CC_ST_MET)
                        break;
                    if (is_miss(c->hist_st[j]))
                        prev_open = 1;
                }
                if (prev_open)
                    continue;
                int b = a, end = -1;
                for (int j = a - 1; j >= 0; j--) {
                    if (c->hist_st[j] == CC_ST_MET) {
                        end = j;
                        break;
                    }
                    if (is_miss(c->hist_st[j]))
                        b = j;
                }
                int open = -1, red = 0, len = 0;
                for (int j = a; j >= b && open < 0; j--) {
                    int st = c->hist_st[j];
                    len = is_miss(st) ? len + 1 : 0;   /* escalation counts consecutive misses */
                    int rectify = len >= ind->escalate_after && st >= cfg->escalate_from && is_miss(st);
                    if (rectify || st == CC_ST_YELLOW || st == CC_ST_RED) {
                        open = j;
                        red = rectify || st == CC_ST_RED;
                    }
                }
                if (open < 0)
                    continue;
                cc_ritem t;
                memset(&t, 0, sizeof t);
                snprintf(t.id, sizeof t.id, "%s-%s-%s", r->unit.id, ind->id, sc->hist_period[a].id);
                snprintf(t.opened, sizeof t.opened, "%s", sc->hist_period[open].id);
                t.unit = u;
                t.ind = i;
                t.first_k = a;
                t.open_k = open;
                t.end_k = end;
                t.red = red;
                t.opened_to = sc->hist_period[open].to;
                t.deadline = t.opened_to + (red ? cfg->rect_days_red : cfg->rect_days_yellow);
                /* a run that may have begun before the history: the item a
                 * report recorded for it (ledger.md: the ID is stable) */
                if (a == CC_HISTORY - 1 && earlier)
                    earlier(arg, &t);
                t.entry = cc_ledger_entry_find(e, ne, t.id);
                item_state(sc, c, &t);
                t.shown = t.end_k < 0 || t.end_k == 0;
                add(out, &cap, &t);
            }
        }
    }
}

const char *cc_ritem_first(const cc_ritem *t, const cc_scorecard *sc)
{
    size_t n = strlen(sc->res[t->unit].unit.id) + 1 + strlen(sc->cfg->ind[t->ind].id) + 1;
    return n < strlen(t->id) ? t->id + n : sc->hist_period[t->first_k].id;
}

void cc_items_release(cc_items *it)
{
    free(it->v);
    it->v = NULL;
    it->n = 0;
}

const cc_ritem *cc_items_current(const cc_items *it, size_t unit, size_t ind)
{
    for (size_t k = 0; k < it->n; k++)
        if (it->v[k].unit == unit && it->v[k].ind == ind && it->v[k].end_k < 0)
            return &it->v[k];
    return NULL;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

void cc_items_summarise(const cc_items *it, const unsigned char *keep, cc_items_summary *out)
{
    memset(out, 0, sizeof *out);
    double *days = cc_xmalloc((it->n + 1) * sizeof *days);
    size_t nd = 0;
    for (size_t k = 0; k < it->n; k++) {
        const cc_ritem *t = &it->v[k];
        if (keep && !keep[t->unit])
            continue;
        if (t->shown)
            out->count[t->state]++;
        if (t->closed >= 0) {
            out->closed++;
            out->on_time += t->closed <= t->deadline;
            days[nd++] = (double)(t->closed - t->opened_to);
        }
    }
    out->median_days = NAN;
    if (nd) {
        qsort(days, nd, sizeof *days, cmp_d);
        out->median_days = nd % 2 ? days[nd / 2] : 0.5 * (days[nd / 2 - 1] + days[nd / 2]);
    }
    free(days);
}

void cc_items_earlier_from_store(void *arg, cc_ritem *t)
{
    static const char *const kinds[] = {"week", "month", "quarter", "year", "custom"};
    const cc_items_ctx *x = arg;
    const cc_scorecard *sc = x->sc;
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(x->s->db,
            "SELECT item_id, opened, deadline FROM ledger_items WHERE community_id = ? AND indicator_id = ?"
            " AND period_kind = ? AND opened <= ? AND (closed IS NULL OR closed >= ?)"
            " ORDER BY opened DESC LIMIT 1", -1, &q, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_text(q, 1, sc->res[t->unit].unit.id, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, sc->cfg->ind[t->ind].id, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, kinds[sc->period.kind], -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, t->opened, -1, SQLITE_STATIC);
    char edge[11];          /* the run covers the oldest period: not closed before it */
    cc_day_format(sc->hist_period[CC_HISTORY - 1].from, edge);
    sqlite3_bind_text(q, 5, edge, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(q, 0);
        const char *op = (const char *)sqlite3_column_text(q, 1);
        cc_day dl = parse_day((const char *)sqlite3_column_text(q, 2));
        if (id && op && dl >= 0) {
            snprintf(t->id, sizeof t->id, "%s", id);
            snprintf(t->opened, sizeof t->opened, "%s", op);
            t->opened_to = dl - (t->red ? sc->cfg->rect_days_red : sc->cfg->rect_days_yellow);
            t->deadline = dl;
        }
    }
    sqlite3_finalize(q);
}
