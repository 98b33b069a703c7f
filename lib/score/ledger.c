/* score/ledger — rectification items and their states (docs/reports/ledger.md).
 *
 * An item is recomputed at every report from the data and the stored ledger
 * entries only, never from what earlier reports did: the scorecard's history
 * (the raw status of each of the CC_HISTORY periods), extended back twelve
 * periods at a time (earlier scorecards, for the communities only whose run
 * reaches the oldest period) until the run's first period is found.  The
 * measures items_* count the weekly items found the same way (a table
 * installed into measure/items.c before a scorecard computes). */
#include "score/score.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

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

/* ---- status series ------------------------------------------------------- */
/* The raw status of each community x indicator over periods of one kind,
 * newest first: a scorecard's history, extended back twelve periods at a
 * time where a run of misses may have begun before its oldest period. */
typedef struct {
    cc_period *per;             /* per[0] the newest */
    int n;
    size_t nu, nind;
    const char **uid;           /* community ids, borrowed */
    size_t *res;                /* the index in the first scorecard's res */
    unsigned char *st;          /* [k][u][i] */
} series;

#define ST(S, k, u, i) ((S)->st[((size_t)(k) * (S)->nu + (u)) * (S)->nind + (i)])
#define LOOKBACK_MAX 40         /* blocks of twelve periods: far beyond any data */

static _Thread_local int quiet; /* > 0 while computing the scorecards of a look-back */

/* A scorecard of the look-back: no items_* (quiet), and no notices or -v
 * lines (the report's own scorecard says what there is to say). */
static cc_err lookback(cc_store *s, const cc_config *cfg, const cc_period *p, const cc_scope *scope,
                       cc_scorecard **out)
{
    cc_diag_level was = cc_diag_verbosity();
    if (was > CC_DIAG_WARN)
        cc_diag_set_verbosity(CC_DIAG_WARN);
    quiet++;
    cc_err e = cc_scorecard_compute(s, cfg, p, scope, out);
    quiet--;
    cc_diag_set_verbosity(was);
    return e;
}

/* What a look-back scorecard held goes back to the system before the next
 * one (or the caller's own scorecard) is computed: the page cache of SQLite
 * and the free heap, as a report does between its scorecards. */
static void give_back(cc_store *s)
{
    cc_store_release_memory(s);
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

/* The communities of sc and their history. */
static void series_init(series *S, const cc_scorecard *sc)
{
    memset(S, 0, sizeof *S);
    S->nind = sc->cfg->nind;
    S->uid = cc_xcalloc(sc->units.n + 1, sizeof *S->uid);
    S->res = cc_xcalloc(sc->units.n + 1, sizeof *S->res);
    for (size_t r = 0; r < sc->units.n; r++)
        if (sc->res[r].unit.level == CC_LEVEL_COMMUNITY) {
            S->uid[S->nu] = sc->res[r].unit.id;
            S->res[S->nu++] = r;
        }
    S->per = cc_xmalloc(CC_HISTORY * sizeof *S->per);
    S->st = cc_xmalloc((size_t)CC_HISTORY * S->nu * S->nind + 1);
    for (int k = 0; k < CC_HISTORY; k++)
        S->per[k] = sc->hist_period[k];
    for (size_t u = 0; u < S->nu; u++)
        for (size_t i = 0; i < S->nind; i++)
            for (int k = 0; k < CC_HISTORY; k++)
                ST(S, k, u, i) = sc->res[S->res[u]].cells[i].hist_st[k];
    S->n = CC_HISTORY;
}

static void series_release(series *S)
{
    free(S->per);
    free(S->st);
    free(S->uid);
    free(S->res);
    memset(S, 0, sizeof *S);
}

/* Append the history of b, the CC_HISTORY periods before S's oldest. */
static void series_append(series *S, const cc_scorecard *b)
{
    size_t plane = S->nu * S->nind;
    S->per = cc_xrealloc(S->per, (size_t)(S->n + CC_HISTORY) * sizeof *S->per);
    S->st = cc_xrealloc(S->st, (size_t)(S->n + CC_HISTORY) * plane + 1);
    memset(S->st + (size_t)S->n * plane, CC_ST_MISSING, (size_t)CC_HISTORY * plane);
    for (int k = 0; k < CC_HISTORY; k++)
        S->per[S->n + k] = b->hist_period[k];
    for (size_t u = 0; u < S->nu; u++) {
        long r = cc_units_find(&b->units, CC_LEVEL_COMMUNITY, S->uid[u]);
        if (r < 0)
            continue;
        for (size_t i = 0; i < S->nind; i++)
            for (int k = 0; k < CC_HISTORY; k++)
                ST(S, S->n + k, u, i) = b->res[r].cells[i].hist_st[k];
    }
    S->n += CC_HISTORY;
}

/* Might the run of community u, indicator i have begun before S's oldest
 * period: going back from the newest, a miss that no met period separates
 * from the oldest?  (Periods without a value do not end a run.) */
static int reaches_oldest(const series *S, size_t u, size_t i)
{
    for (int k = S->n - 1; k >= 0; k--) {
        int st = ST(S, k, u, i);
        if (st == CC_ST_MET)
            return 0;
        if (is_miss(st))
            return 1;
    }
    return 0;
}

/* Extend S back, twelve periods at a time, for every community while its
 * oldest period ends after `cover`, then for the communities whose run may
 * have begun before it, until none does or the data begin. */
static cc_err series_extend(cc_store *s, const cc_config *cfg, series *S, cc_day cover)
{
    cc_day dfrom, dto;
    cc_err e = cc_measures_data_range(s, &dfrom, &dto);
    if (e || dfrom > dto)
        return e;
    const char **ids = cc_xmalloc((S->nu + 1) * sizeof *ids);
    for (int blocks = 0; blocks < LOOKBACK_MAX && !e; blocks++) {
        if (S->per[S->n - 1].from <= dfrom)
            break;                      /* nothing before the data */
        int all = S->per[S->n - 1].to > cover;
        size_t m = 0;
        for (size_t u = 0; u < S->nu; u++) {
            int need = all;
            for (size_t i = 0; i < S->nind && !need; i++)
                need = !cc_indicator_uses(&cfg->ind[i], CC_SRC_LEDGER) && reaches_oldest(S, u, i);
            if (need)
                ids[m++] = S->uid[u];
        }
        if (m == 0)
            break;
        cc_period q = cc_period_prev(&S->per[S->n - 1]);
        cc_scope scope = {NULL, 0, all ? NULL : ids, all ? 0 : m};
        cc_scorecard *b = NULL;
        e = lookback(s, cfg, &q, &scope, &b);
        if (!e)
            series_append(S, b);
        cc_scorecard_free(b);
        give_back(s);
    }
    free(ids);
    return e;
}

/* ---- runs and states ------------------------------------------------------- */
/* Call f for each item of community u, indicator i in S: runs of misses,
 * oldest first.  t->unit is S's index u. */
static void runs(const series *S, const cc_config *cfg, size_t u, size_t i,
                 void (*f)(void *arg, cc_ritem *t), void *arg)
{
    const cc_indicator *ind = &cfg->ind[i];
    /* an indicator of the items themselves (整改按期完成率) opens none */
    if (cc_indicator_uses(ind, CC_SRC_LEDGER))
        return;
    /* a = the first period, b = the last before the indicator met its
     * target (periods without a value do not end a run: nothing says it
     * was met) */
    for (int a = S->n - 1; a >= 0; a--) {
        if (!is_miss(ST(S, a, u, i)))
            continue;
        int prev_open = 0;          /* the run began before a (a miss or no value before it) */
        for (int j = a + 1; j < S->n && !prev_open; j++) {
            if (ST(S, j, u, i) == CC_ST_MET)
                break;
            if (is_miss(ST(S, j, u, i)))
                prev_open = 1;
        }
        if (prev_open)
            continue;
        int b = a, end = -1;
        for (int j = a - 1; j >= 0; j--) {
            if (ST(S, j, u, i) == CC_ST_MET) {
                end = j;
                break;
            }
            if (is_miss(ST(S, j, u, i)))
                b = j;
        }
        int open = -1, red = 0, len = 0;
        for (int j = a; j >= b && open < 0; j--) {
            int st = ST(S, j, u, i);
            len = is_miss(st) ? len + 1 : 0;   /* escalation counts consecutive misses */
            int rectify = len >= ind->escalate_after && st >= cfg->escalate_from && is_miss(st);
            if (rectify || st == CC_ST_YELLOW || st == CC_ST_RED) {
                open = j;
                red = rectify || st == CC_ST_RED;
            }
        }
        if (open >= 0) {
            cc_ritem t;
            memset(&t, 0, sizeof t);
            snprintf(t.id, sizeof t.id, "%s-%s-%s", S->uid[u], ind->id, S->per[a].id);
            snprintf(t.opened, sizeof t.opened, "%s", S->per[open].id);
            t.unit = u;
            t.ind = i;
            t.first_k = a;
            t.open_k = open;
            t.end_k = end;
            t.red = red;
            t.opened_to = S->per[open].to;
            t.deadline = t.opened_to + (red ? cfg->rect_days_red : cfg->rect_days_yellow);
            t.done = t.closed = -1;
            f(arg, &t);
        }
        a = end;                    /* the next run begins after this one */
        if (a < 0)
            break;
    }
}

/* The state of item t at the end of S's newest period. */
static void item_state(const series *S, cc_ritem *t)
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
        for (int k = S->n - 1; k >= 0 && v < 0; k--)
            if (S->per[k].from > t->done && has_value(ST(S, k, t->unit, t->ind)))
                v = k;
        if (v < 0)
            t->state = CC_IS_CLAIMED;
        else if (ST(S, v, t->unit, t->ind) == CC_ST_MET) {  /* (the run ended: not reached) */
            t->state = CC_IS_EFFECTIVE;
            t->closed = t->done;
        } else
            t->state = CC_IS_NOT_EFFECTIVE;
        return;
    }
    if (t->end_k >= 0) {
        t->state = CC_IS_RESOLVED;
        t->closed = S->per[t->end_k].to;
        return;
    }
    t->state = S->per[0].to > t->deadline ? CC_IS_OVERDUE : CC_IS_OPEN;
}

static void add(cc_items *out, size_t *cap, const cc_ritem *t)
{
    if (out->n == *cap) {
        *cap = *cap ? 2 * *cap : 32;
        out->v = cc_xrealloc(out->v, *cap * sizeof *out->v);
    }
    out->v[out->n++] = *t;
}

/* ---- the report's items ---------------------------------------------------- */
typedef struct {
    const series *S;
    const cc_ledger_entry *e;
    size_t ne;
    cc_items *out;
    size_t cap;
} report_acc;

static void report_item(void *arg, cc_ritem *t)
{
    report_acc *x = arg;
    const series *S = x->S;
    /* runs that overlap the report's history: a miss in it */
    int b = t->end_k < 0 ? 0 : t->end_k + 1;
    while (b < S->n && !is_miss(ST(S, b, t->unit, t->ind)))
        b++;
    if (b >= CC_HISTORY)
        return;
    t->entry = cc_ledger_entry_find(x->e, x->ne, t->id);
    item_state(S, t);
    t->shown = t->end_k < 0 || t->end_k == 0;
    t->unit = S->res[t->unit];
    add(x->out, &x->cap, t);
}

cc_err cc_items_compute(cc_store *s, const cc_scorecard *sc, const cc_ledger_entry *e, size_t ne,
                        cc_items *out)
{
    series S;
    out->v = NULL;
    out->n = 0;
    series_init(&S, sc);
    cc_err err = series_extend(s, sc->cfg, &S, sc->hist_period[0].from);
    if (!err) {
        report_acc x = {&S, e, ne, out, 0};
        for (size_t u = 0; u < S.nu; u++)
            for (size_t i = 0; i < S.nind; i++)
                runs(&S, sc->cfg, u, i, report_item, &x);
    }
    series_release(&S);
    if (err)
        cc_items_release(out);
    return err;
}

const char *cc_ritem_first(const cc_ritem *t, const cc_scorecard *sc)
{
    size_t n = strlen(sc->res[t->unit].unit.id) + 1 + strlen(sc->cfg->ind[t->ind].id) + 1;
    return n < strlen(t->id) ? t->id + n : "";
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


/* ---- the measures items_* ---------------------------------------------------- */
typedef struct {
    const series *S;
    const cc_ledger_entry *e;
    size_t ne;
    char **ids;                 /* the table's copies of S->uid */
    cc_item_dues *d;
    size_t cap;
} dues_acc;

/* A weekly item as the measures see it: when it closed and from which day
 * that is known (the states of item_state, read at any later day). */
static void due_item(void *arg, cc_ritem *t)
{
    dues_acc *x = arg;
    const series *S = x->S;
    const cc_ledger_entry *en = cc_ledger_entry_find(x->e, x->ne, t->id);
    cc_day done = en && en->progress && !strcmp(en->progress, "已完成") ? parse_day(en->done) : -1;
    cc_item_due d = {x->ids[t->unit], t->deadline, -1, -1, 0};
    if (t->end_k >= 0) {
        cc_day end = S->per[t->end_k].to;
        if (done >= 0) {            /* 已见效 */
            d.closed = done;
            d.known = done > end ? done : end;
            d.effective = 1;
        } else {                    /* 已解除 */
            d.closed = d.known = end;
        }
    }
    if (x->d->n == x->cap) {
        x->cap = x->cap ? 2 * x->cap : 64;
        x->d->v = cc_xrealloc(x->d->v, x->cap * sizeof *x->d->v);
    }
    x->d->v[x->d->n++] = d;
}

static int cmp_due(const void *a, const void *b)
{
    const cc_item_due *x = a, *y = b;
    int c = strcmp(x->community_id, y->community_id);
    return c ? c : (x->deadline > y->deadline) - (x->deadline < y->deadline);
}

cc_err cc_items_prepare(cc_store *s, const cc_config *cfg, const cc_period *hist, cc_items_prep *out)
{
    memset(out, 0, sizeof *out);
    int uses = 0;
    cc_day from = 0, to = 0;
    for (size_t i = 0; i < cfg->nind; i++) {
        if (!cc_indicator_uses(&cfg->ind[i], CC_SRC_LEDGER))
            continue;
        for (int k = 0; k < CC_HISTORY; k++) {
            cc_day f, t;
            cc_window_range(&cfg->ind[i].window, &hist[k], &f, &t);
            if (!uses || f < from)
                from = f;
            if (!uses || t > to)
                to = t;
            uses = 1;
        }
    }
    out->was = cc_measures_items_install(NULL);
    out->on = 1;
    if (!uses || quiet)
        return CC_OK;               /* inside a look-back: items_* are never needed */
    /* the weeks whose items can fall due in the windows, then back to
     * where their runs began */
    cc_period wk = cc_period_of(CC_PERIOD_WEEK, to);
    int days = cfg->rect_days_red > cfg->rect_days_yellow ? cfg->rect_days_red : cfg->rect_days_yellow;
    cc_scorecard *b = NULL;
    cc_err e = lookback(s, cfg, &wk, NULL, &b);
    if (e)
        return e;
    series S;
    series_init(&S, b);
    /* the series keeps its own community ids, so that the scorecard is freed
     * before the look-back computes older ones (one scorecard in memory) */
    out->ids = cc_xcalloc(S.nu + 1, sizeof *out->ids);
    for (size_t u = 0; u < S.nu; u++)
        S.uid[u] = out->ids[u] = cc_xstrdup(S.uid[u]);
    out->nids = S.nu;
    cc_scorecard_free(b);
    b = NULL;
    give_back(s);
    cc_ledger_entry *le = NULL;
    size_t nle = 0;
    e = series_extend(s, cfg, &S, from - days - 7);
    if (!e)
        e = cc_store_ledger_entries(s, &le, &nle);
    if (!e) {
        out->dues = cc_xcalloc(1, sizeof *out->dues);
        dues_acc x = {&S, le, nle, out->ids, out->dues, 0};
        for (size_t u = 0; u < S.nu; u++)
            for (size_t i = 0; i < S.nind; i++)
                runs(&S, cfg, u, i, due_item, &x);
        qsort(out->dues->v, out->dues->n, sizeof *out->dues->v, cmp_due);
        cc_measures_items_install(out->dues);
    }
    cc_ledger_entries_free(le, nle);
    series_release(&S);
    cc_scorecard_free(b);
    return e;
}

void cc_items_finish(cc_items_prep *p)
{
    if (p->on)
        cc_measures_items_install(p->was);
    if (p->dues)
        free(p->dues->v);
    free(p->dues);
    for (size_t u = 0; u < p->nids; u++)
        free(p->ids[u]);
    free(p->ids);
    memset(p, 0, sizeof *p);
}
