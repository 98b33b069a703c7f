/* score/ledger — rectification items and their states (docs/reports/ledger.md).
 *
 * An item is recomputed at every report from the data and the stored ledger
 * entries only, never from what earlier reports did: the scorecard's history
 * (the raw status of each of the CC_HISTORY periods), extended back twelve
 * periods at a time (earlier scorecards, for the communities only whose run
 * reaches the oldest period) until the run's first period is found.  The
 * measures items_* count the weekly items found the same way (a table
 * installed into measure/items.c before a scorecard computes). */
#include "score/score_int.h"

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
 * lines (the report's own scorecard says what there is to say).  own: the
 * look-back computes the scorecard's own periods for it (their values are
 * kept: cc_score_vmemo_fill), so its -v lines (the week caches') are the
 * scorecard's; its notices are still the scorecard's to say. */
static cc_err lookback(cc_store *s, const cc_config *cfg, const cc_period *p, int own, cc_scorecard **out)
{
    cc_diag_level was = cc_diag_verbosity();
    if (own) {
        cc_diag_mute_notices(1);
        cc_score_vmemo_fill(1);
    } else if (was > CC_DIAG_WARN) {
        cc_diag_set_verbosity(CC_DIAG_WARN);
    }
    quiet++;
    cc_err e = cc_scorecard_compute(s, cfg, p, NULL, out);
    quiet--;
    cc_diag_set_verbosity(was);
    if (own) {
        cc_diag_mute_notices(0);
        cc_score_vmemo_fill(0);
    }
    return e;
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
                ST(S, k, u, i) = cc_cell_hist_st(sc, &sc->res[S->res[u]], i, k);
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

/* Append the history of b, the CC_HISTORY periods before S's oldest (of
 * the communities with need[u] only, when need). */
static void series_append(series *S, const cc_scorecard *b, const unsigned char *need)
{
    size_t plane = S->nu * S->nind;
    S->per = cc_xrealloc(S->per, (size_t)(S->n + CC_HISTORY) * sizeof *S->per);
    S->st = cc_xrealloc(S->st, (size_t)(S->n + CC_HISTORY) * plane + 1);
    memset(S->st + (size_t)S->n * plane, CC_ST_MISSING, (size_t)CC_HISTORY * plane);
    for (int k = 0; k < CC_HISTORY; k++)
        S->per[S->n + k] = b->hist_period[k];
    for (size_t u = 0; u < S->nu; u++) {
        if (need && !need[u])
            continue;
        long r = cc_units_find(&b->units, CC_LEVEL_COMMUNITY, S->uid[u]);
        if (r < 0)
            continue;
        for (size_t i = 0; i < S->nind; i++)
            for (int k = 0; k < CC_HISTORY; k++)
                ST(S, S->n + k, u, i) = cc_cell_hist_st(b, &b->res[r], i, k);
    }
    S->n += CC_HISTORY;
}

/* ---- the look-back memo ------------------------------------------------------ */
/* A report computes several scorecards (a quarter's, its trend's weeks), and
 * each one's look-back reads the same weeks again.  The raw status of a
 * period does not depend on the scorecard it is computed in (engine.c), so
 * between cc_items_memo_begin and _end the look-backs' statuses are kept
 * (about 1 MB per twelve weeks of 3,000 communities) and a block of twelve
 * periods that is known is put together from them:  a community of the
 * register on the block's last day takes its status of each period from a
 * kept block that has it, a period that ends before the data begin has none
 * (the engine's "not computed"), and anything not kept computes the block.
 *
 * The memo also reads and keeps them in the database (store/raw_status.c):
 * a period it lacks is looked up there once, and at the outermost _end the
 * periods computed in the run are stored (merged with what was stored for
 * them), so that the next run's look-back reads what did not change instead
 * of computing a year of periods again.  Ledger indicators' statuses (which
 * depend on ledger entries, not only on the data) are never stored: their
 * bytes are CC_ST_MISSING, and nothing reads them (runs() skips them). */
typedef struct {
    cc_period per[CC_HISTORY];  /* per[0] the newest */
    int np;                     /* periods held: CC_HISTORY, or 1 (read from the database) */
    int fresh;                  /* computed in this run (to be stored) */
    size_t nu;
    char **id;                  /* the block's communities, sorted (units order) */
    unsigned char *st;          /* [u][k][i] */
} memo_block;

typedef struct {
    int depth;
    cc_store *s;
    const cc_config *cfg;       /* of the first look-back */
    memo_block *b;
    size_t n, cap;
    int range;                  /* the data range is known: */
    cc_day dfrom, dto;
    /* the statuses kept in the database: */
    int keep;                   /* 1 on, -1 off, 0 not decided yet */
    unsigned char key[32];      /* cc_store_raw_key */
    int64_t version;            /* PRAGMA data_version when the memo began */
    cc_period *tried;           /* periods looked up there */
    size_t ntried, captried;
    size_t nloaded;             /* periods found there */
    /* the window values computed in this run, not stored yet (period.c
     * writes the blobs) */
    cc_raw_period *pv;
    size_t npv, cappv, pvbytes;
    size_t nvread, nvkept;      /* periods' values read, computed */
} lb_memo;

static _Thread_local lb_memo memo;

/* The data range (cc_measures_data_range: a scan of six tables), read once
 * while the memo is on: every scorecard and look-back of a report asks. */
cc_err cc_score_data_range(cc_store *s, cc_day *from, cc_day *to)
{
    int on = memo.depth > 0 && memo.s == s;
    if (on && memo.range) {
        *from = memo.dfrom;
        *to = memo.dto;
        return CC_OK;
    }
    cc_err e = cc_measures_data_range(s, from, to);
    if (!e && on) {
        memo.range = 1;
        memo.dfrom = *from;
        memo.dto = *to;
    }
    return e;
}

static void memo_store(void);

void cc_items_memo_begin(cc_store *s)
{
    if (memo.depth++ == 0) {
        memset(&memo, 0, sizeof memo);
        memo.depth = 1;
        memo.s = s;
        /* before anything is read: a commit by another connection after
         * this changes it, and what was computed is then not stored.  A
         * run inside a transaction of its own may read changes that are
         * then rolled back: it neither reads nor keeps anything there. */
        memo.version = cc_tuning_get()->no_status_store || cc_store_in_transaction(s)
                           ? -1 : cc_store_data_version(s);
        if (memo.version < 0)
            memo.keep = -1;
    }
}

static void values_drop(void)
{
    for (size_t k = 0; k < memo.npv; k++)
        free((void *)memo.pv[k].blob);
    memo.npv = memo.pvbytes = 0;
}

void cc_items_memo_end(void)
{
    if (memo.depth == 0 || --memo.depth > 0)
        return;
    if (memo.keep > 0 && !cc_interrupted) {
        size_t fresh = 0;
        for (size_t k = 0; k < memo.n; k++)
            fresh += memo.b[k].fresh;
        cc_verbose("%s: the look-back read %zu past weeks' statuses from the database and computed "
                   "%zu block%s of %d weeks", cc_store_path(memo.s), memo.nloaded, fresh, fresh == 1 ? "" : "s",
                   CC_HISTORY);
        cc_verbose("%s: the scorecards read the values of %zu period%s from the database and computed %zu",
                   cc_store_path(memo.s), memo.nvread, memo.nvread == 1 ? "" : "s", memo.nvkept);
        if (fresh || memo.npv)
            memo_store();
    }
    values_drop();
    free(memo.pv);
    for (size_t k = 0; k < memo.n; k++) {
        for (size_t u = 0; u < memo.b[k].nu; u++)
            free(memo.b[k].id[u]);
        free(memo.b[k].id);
        free(memo.b[k].st);
    }
    free(memo.b);
    free(memo.tried);
    memset(&memo, 0, sizeof memo);
}

static int memo_on(cc_store *s, const cc_config *cfg)
{
    if (memo.depth == 0 || memo.s != s)
        return 0;
    if (!memo.cfg)
        memo.cfg = cfg;
    return memo.cfg == cfg;
}

static int same_period(const cc_period *a, const cc_period *b)
{
    return a->kind == b->kind && a->from == b->from && a->to == b->to;
}

static memo_block *memo_new_block(void)
{
    if (memo.n == memo.cap) {
        memo.cap = memo.cap ? 2 * memo.cap : 8;
        memo.b = cc_xrealloc(memo.b, memo.cap * sizeof *memo.b);
    }
    memo_block *m = &memo.b[memo.n++];
    memset(m, 0, sizeof *m);
    return m;
}

/* Keep the statuses of b, a look-back of every community. */
static void memo_add(const cc_scorecard *b)
{
    size_t nind = b->cfg->nind, nu = b->units.ncomm;
    memo_block *m = memo_new_block();
    memcpy(m->per, b->hist_period, sizeof m->per);
    m->np = CC_HISTORY;
    m->fresh = 1;
    m->nu = nu;
    m->id = cc_xcalloc(nu + 1, sizeof *m->id);
    m->st = cc_xmalloc(nu * CC_HISTORY * nind + 1);
    for (size_t u = 0; u < nu; u++) {
        m->id[u] = cc_xstrdup(b->res[u].unit.id);
        for (int k = 0; k < CC_HISTORY; k++)
            for (size_t i = 0; i < nind; i++)
                m->st[(u * CC_HISTORY + (size_t)k) * nind + i] = cc_cell_hist_st(b, &b->res[u], i, k);
    }
}

static int cmp_id(const void *key, const void *el)
{
    return strcmp(key, *(char *const *)el);
}

/* The kept blocks holding period p, in the memo's order: found once per
 * period, not once per community and period (a five-year look-back holds
 * 260 blocks of one week). */
typedef struct {
    const memo_block *m;
    int k;                      /* p's index in m */
} memo_ref;

static memo_ref *memo_refs(const cc_period *p, size_t *n)
{
    memo_ref *r = NULL;
    size_t cap = 0;
    *n = 0;
    for (size_t x = 0; x < memo.n; x++)
        for (int k = 0; k < memo.b[x].np; k++) {
            if (!same_period(&memo.b[x].per[k], p))
                continue;
            if (*n == cap) {
                cap = cap ? 2 * cap : 4;
                r = cc_xrealloc(r, cap * sizeof *r);
            }
            r[(*n)++] = (memo_ref){&memo.b[x], k};
        }
    return r;
}

/* The statuses of community id from the first of the blocks r that has
 * it, or NULL. */
static const unsigned char *memo_row(const memo_ref *r, size_t n, const char *id, size_t nind)
{
    for (size_t j = 0; j < n; j++) {
        const memo_block *m = r[j].m;
        char **f = bsearch(id, m->id, m->nu, sizeof *m->id, cmp_id);
        if (f)
            return &m->st[((size_t)(f - m->id) * (size_t)m->np + (size_t)r[j].k) * nind];
    }
    return NULL;
}

/* ---- the statuses kept in the database --------------------------------------- */
/* A period's blob: nind (2 bytes, little-endian), then per community in ID
 * order: the ID's length (1 byte), the ID, nind status bytes. */

/* Whether statuses are read from and kept in the database (decided once). */
static int keep_on(void)
{
    if (memo.keep)
        return memo.keep > 0;
    memo.keep = -1;
    /* computed with this configuration by this very program (a carecard
     * built from other sources may compute other statuses) */
    unsigned char prog[32], with[64], cfgkey[32];
    if (!memo.cfg || !memo.cfg->has_sha256 || memo.cfg->nind > 0xffff || !cc_program_digest(prog))
        return 0;
    memcpy(with, memo.cfg->sha256, 32);
    memcpy(with + 32, prog, 32);
    cc_sha256(with, sizeof with, cfgkey);
    if (cc_store_raw_key(memo.s, cfgkey, memo.key) != CC_OK)
        return 0;
    memo.keep = 1;
    return 1;
}

/* Look period p up in the database once; 1 when a block of it was added. */
static int memo_load(const cc_period *p)
{
    if (!keep_on())
        return 0;
    for (size_t t = 0; t < memo.ntried; t++)
        if (same_period(&memo.tried[t], p))
            return 0;
    if (memo.ntried == memo.captried) {
        memo.captried = memo.captried ? 2 * memo.captried : 64;
        memo.tried = cc_xrealloc(memo.tried, memo.captried * sizeof *memo.tried);
    }
    memo.tried[memo.ntried++] = *p;
    unsigned char *blob = NULL;
    size_t len = 0, nind = memo.cfg->nind;
    if (cc_store_raw_get(memo.s, memo.key, (int)p->kind, p->from, p->to, &blob, &len) != CC_OK || !blob)
        return 0;
    /* count, then copy; a blob of another shape is ignored */
    size_t nu = 0, o = 2;
    int ok = len >= 2 && (size_t)(blob[0] | blob[1] << 8) == nind;
    while (ok && o < len) {
        size_t n = blob[o];
        ok = n > 0 && o + 1 + n + nind <= len;
        o += 1 + n + nind;
        nu++;
    }
    if (!ok || o != len) {
        free(blob);
        return 0;
    }
    memo_block *m = memo_new_block();
    m->per[0] = *p;
    m->np = 1;
    m->nu = nu;
    m->id = cc_xcalloc(nu + 1, sizeof *m->id);
    m->st = cc_xmalloc(nu * nind + 1);
    o = 2;
    for (size_t u = 0; u < nu; u++) {
        size_t n = blob[o];
        m->id[u] = cc_xstrndup((const char *)blob + o + 1, n);
        memcpy(m->st + u * nind, blob + o + 1 + n, nind);
        o += 1 + n + nind;
    }
    free(blob);
    memo.nloaded++;
    return 1;
}

typedef struct {
    const char *id;
    const unsigned char *st;
} kept_row;

static int cmp_kept(const void *a, const void *b)
{
    return strcmp(((const kept_row *)a)->id, ((const kept_row *)b)->id);
}

/* The blob of period p from every block that holds it (NULL: an ID too long). */
static unsigned char *period_blob(const cc_period *p, size_t *len)
{
    const cc_config *cfg = memo.cfg;
    size_t nind = cfg->nind, n = 0, cap = 0;
    kept_row *r = NULL;
    for (size_t x = 0; x < memo.n; x++) {
        const memo_block *m = &memo.b[x];
        for (int k = 0; k < m->np; k++) {
            if (!same_period(&m->per[k], p))
                continue;
            if (n + m->nu > cap) {
                cap = 2 * (n + m->nu);
                r = cc_xrealloc(r, cap * sizeof *r);
            }
            for (size_t u = 0; u < m->nu; u++)
                r[n++] = (kept_row){m->id[u], &m->st[(u * (size_t)m->np + (size_t)k) * nind]};
        }
    }
    if (n > 1)
        qsort(r, n, sizeof *r, cmp_kept);
    cc_buf b = CC_BUF_INIT;
    unsigned char hdr[2] = {(unsigned char)(nind & 0xff), (unsigned char)(nind >> 8)};
    cc_buf_add(&b, (const char *)hdr, 2);
    unsigned char *row = cc_xmalloc(nind + 1);
    int ok = 1;
    for (size_t j = 0; j < n && ok; j++) {
        if (j && !strcmp(r[j].id, r[j - 1].id))
            continue;               /* the same status, from another block */
        size_t idn = strlen(r[j].id);
        ok = idn > 0 && idn <= 255;
        unsigned char l = (unsigned char)idn;
        for (size_t i = 0; i < nind; i++)
            row[i] = cc_indicator_uses(&cfg->ind[i], CC_SRC_LEDGER) ? CC_ST_MISSING : r[j].st[i];
        cc_buf_add(&b, (const char *)&l, 1);
        cc_buf_add(&b, r[j].id, idn);
        cc_buf_add(&b, (const char *)row, nind);
    }
    free(row);
    free(r);
    if (!ok) {
        cc_buf_release(&b);
        return NULL;
    }
    *len = b.len;
    return (unsigned char *)b.s;
}

/* Store the periods computed in this run (outermost memo end). */
static void memo_store(void)
{
    cc_day dfrom, dto;
    if (cc_score_data_range(memo.s, &dfrom, &dto) != CC_OK || dfrom > dto)
        return;
    cc_period *todo = NULL;
    size_t nt = 0, ct = 0, nfresh = memo.n;
    for (size_t x = 0; x < nfresh; x++) {
        if (!memo.b[x].fresh)
            continue;
        for (int k = 0; k < memo.b[x].np; k++) {
            const cc_period *p = &memo.b[x].per[k];
            if (p->to < dfrom)
                continue;           /* not computed: before the data */
            size_t t = 0;
            while (t < nt && !same_period(&todo[t], p))
                t++;
            if (t < nt)
                continue;
            if (nt == ct) {
                ct = ct ? 2 * ct : 32;
                todo = cc_xrealloc(todo, ct * sizeof *todo);
            }
            todo[nt++] = *p;
        }
    }
    cc_raw_period *out = cc_xcalloc(nt + memo.npv + 1, sizeof *out);
    size_t no = 0;
    for (size_t t = 0; t < nt; t++) {
        memo_load(&todo[t]);        /* what is stored for it is merged */
        size_t len = 0;
        unsigned char *blob = period_blob(&todo[t], &len);
        if (blob)
            out[no++] = (cc_raw_period){(int)todo[t].kind, todo[t].from, todo[t].to, blob, len, 0};
    }
    size_t nst = no;
    for (size_t k = 0; k < memo.npv; k++)
        out[no++] = memo.pv[k];         /* freed by values_drop */
    cc_store_raw_put(memo.s, memo.key, memo.version, out, no);
    for (size_t t = 0; t < nst; t++)
        free((void *)out[t].blob);
    free(out);
    free(todo);
    values_drop();
}

/* ---- the window values kept in the database ----------------------------------- */
/* period.c writes and reads the blobs; the memo holds those computed in the
 * run until they are stored with the statuses, and stores them earlier
 * (the same way: nothing if another connection committed meanwhile) when
 * they grow past VALUES_HELD bytes. */
#define VALUES_HELD (1u << 20)

int cc_items_in_lookback(void)
{
    return quiet > 0;
}

int cc_items_values_on(cc_store *s, const cc_config *cfg)
{
    return memo_on(s, cfg) && memo.keep >= 0 && keep_on();
}

/* The values of p computed in this run and not stored yet, or NULL. */
static const cc_raw_period *values_held(const cc_period *p)
{
    for (size_t k = 0; k < memo.npv; k++) {
        const cc_raw_period *v = &memo.pv[k];
        if ((int)p->kind == v->kind && p->from == v->from && p->to == v->to)
            return v;
    }
    return NULL;
}

int cc_items_values_has(cc_store *s, const cc_config *cfg, const cc_period *p)
{
    return cc_items_values_on(s, cfg) && (values_held(p) || cc_store_values_has(s, memo.key, (int)p->kind,
                                                                                   p->from, p->to));
}

unsigned char *cc_items_values_get(cc_store *s, const cc_config *cfg, const cc_period *p, size_t *len)
{
    unsigned char *blob = NULL;
    *len = 0;
    if (!cc_items_values_on(s, cfg))
        return NULL;
    const cc_raw_period *v = values_held(p);
    if (v) {
        blob = cc_xmalloc(v->len + 1);
        memcpy(blob, v->blob, v->len);
        *len = v->len;
        return blob;
    }
    if (cc_store_values_get(s, memo.key, (int)p->kind, p->from, p->to, &blob, len) != CC_OK)
        return NULL;
    memo.nvread += blob != NULL;
    return blob;
}

void cc_items_values_keep(const cc_period *p, unsigned char *blob, size_t len)
{
    if (memo.npv == memo.cappv) {
        memo.cappv = memo.cappv ? 2 * memo.cappv : 16;
        memo.pv = cc_xrealloc(memo.pv, memo.cappv * sizeof *memo.pv);
    }
    memo.pv[memo.npv++] = (cc_raw_period){(int)p->kind, p->from, p->to, blob, len, 1};
    memo.pvbytes += len;
    memo.nvkept++;
    if (memo.pvbytes > VALUES_HELD && !cc_interrupted) {
        cc_store_raw_put(memo.s, memo.key, memo.version, memo.pv, memo.npv);
        values_drop();
    }
}

static int memo_has(const cc_period *p)
{
    for (size_t x = 0; x < memo.n; x++)
        for (int k = 0; k < memo.b[x].np; k++)
            if (same_period(&memo.b[x].per[k], p))
                return 1;
    return memo_load(p);
}

/* The block of the CC_HISTORY periods ending with q from the memo: U the
 * register on q's last day, *st_out [k][u][i] for its communities (caller
 * frees both).  *hit 0 (and nothing to free) when the memo lacks some of it. */
static cc_err memo_block_get(cc_store *s, const cc_config *cfg, const cc_period *q, cc_units *U,
                             unsigned char **st_out, int *hit)
{
    cc_period per[CC_HISTORY];
    cc_day dfrom, dto;
    size_t nind = cfg->nind;
    *hit = 0;
    *st_out = NULL;
    memset(U, 0, sizeof *U);
    cc_err e = cc_score_data_range(s, &dfrom, &dto);
    if (e)
        return e;
    int none[CC_HISTORY];           /* not computed: the engine's ps[k].ok = 0 */
    per[0] = *q;
    for (int k = 0; k < CC_HISTORY; k++) {
        if (k)
            per[k] = cc_period_prev(&per[k - 1]);
        none[k] = k > 0 && (dfrom > dto || per[k].to < dfrom);
        if (!none[k] && !memo_has(&per[k]))
            return CC_OK;
    }
    if ((e = cc_units_load(s, q->to, U)))
        return e;
    size_t nu = U->ncomm, plane = nu * nind;
    unsigned char *st = cc_xmalloc((size_t)CC_HISTORY * plane + 1);
    memset(st, CC_ST_MISSING, (size_t)CC_HISTORY * plane);
    memo_ref *refs[CC_HISTORY] = {NULL};
    size_t nrefs[CC_HISTORY] = {0};
    for (int k = 0; k < CC_HISTORY; k++)
        if (!none[k])
            refs[k] = memo_refs(&per[k], &nrefs[k]);
    int ok = 1;
    for (size_t u = 0; u < nu && ok; u++)
        for (int k = 0; k < CC_HISTORY && ok; k++) {
            if (none[k])
                continue;
            const unsigned char *r = memo_row(refs[k], nrefs[k], U->u[u].id, nind);
            if (r)
                memcpy(st + (size_t)k * plane + u * nind, r, nind);
            ok = r != NULL;
        }
    for (int k = 0; k < CC_HISTORY; k++)
        free(refs[k]);
    if (!ok) {
        free(st);
        cc_units_release(U);
        return CC_OK;
    }
    *st_out = st;
    *hit = 1;
    return CC_OK;
}

/* Append the block of U/st (memo_block_get) to S, for the communities
 * with need[u] only. */
static void series_append_memo(series *S, const cc_period *q, const cc_units *U, const unsigned char *st,
                               const unsigned char *need)
{
    size_t plane = S->nu * S->nind, uplane = U->ncomm * S->nind;
    S->per = cc_xrealloc(S->per, (size_t)(S->n + CC_HISTORY) * sizeof *S->per);
    S->st = cc_xrealloc(S->st, (size_t)(S->n + CC_HISTORY) * plane + 1);
    memset(S->st + (size_t)S->n * plane, CC_ST_MISSING, (size_t)CC_HISTORY * plane);
    S->per[S->n] = *q;
    for (int k = 1; k < CC_HISTORY; k++)
        S->per[S->n + k] = cc_period_prev(&S->per[S->n + k - 1]);
    for (size_t u = 0; u < S->nu; u++) {
        if (need && !need[u])
            continue;
        long r = cc_units_find(U, CC_LEVEL_COMMUNITY, S->uid[u]);
        if (r < 0)
            continue;
        for (int k = 0; k < CC_HISTORY; k++)
            memcpy(&ST(S, S->n + k, u, 0), st + (size_t)k * uplane + (size_t)r * S->nind, S->nind);
    }
    S->n += CC_HISTORY;
}

/* S from the block of U/st ending with q (memo_block_get; st is taken
 * over, U's ids are borrowed). */
static void series_init_memo(series *S, const cc_config *cfg, const cc_period *q, const cc_units *U,
                             unsigned char *st)
{
    memset(S, 0, sizeof *S);
    S->nind = cfg->nind;
    S->nu = U->ncomm;
    S->uid = cc_xcalloc(S->nu + 1, sizeof *S->uid);
    S->res = cc_xcalloc(S->nu + 1, sizeof *S->res);
    for (size_t u = 0; u < S->nu; u++) {
        S->uid[u] = U->u[u].id;
        S->res[u] = u;
    }
    S->per = cc_xmalloc(CC_HISTORY * sizeof *S->per);
    S->per[0] = *q;
    for (int k = 1; k < CC_HISTORY; k++)
        S->per[k] = cc_period_prev(&S->per[k - 1]);
    S->st = st;
    S->n = CC_HISTORY;
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
    cc_err e = cc_score_data_range(s, &dfrom, &dto);
    if (e || dfrom > dto)
        return e;
    unsigned char *want = cc_xmalloc(S->nu + 1);
    /* the memo is on (engine.c and cc_items_compute begin it), but for a
     * memo another configuration began: then nothing is kept */
    int kept = memo_on(s, cfg);
    for (int blocks = 0; blocks < LOOKBACK_MAX && !e; blocks++) {
        if (S->per[S->n - 1].from <= dfrom)
            break;                      /* nothing before the data */
        int all = S->per[S->n - 1].to > cover;
        size_t m = 0;
        for (size_t u = 0; u < S->nu; u++) {
            int need = all;
            for (size_t i = 0; i < S->nind && !need; i++)
                need = !cc_indicator_uses(&cfg->ind[i], CC_SRC_LEDGER) && reaches_oldest(S, u, i);
            want[u] = (unsigned char)need;
            m += (size_t)need;
        }
        if (m == 0)
            break;
        /* from the memo, or computed for every community (a block costs
         * the same for a few: the caches read whole weeks) and kept */
        cc_period q = cc_period_prev(&S->per[S->n - 1]);
        cc_scorecard *b = NULL;
        cc_units U;
        unsigned char *bst = NULL;
        int hit = 0;
        if (kept)
            e = memo_block_get(s, cfg, &q, &U, &bst, &hit);
        if (!e && hit) {
            series_append_memo(S, &q, &U, bst, all ? NULL : want);
            free(bst);
            cc_units_release(&U);
        } else if (!e && !(e = lookback(s, cfg, &q, 0, &b))) {
            if (kept)
                memo_add(b);
            series_append(S, b, all ? NULL : want);
        }
        cc_scorecard_free(b);
        cc_store_release_memory(s);   /* before the next block */
    }
    free(want);
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

/* The day an entry says the rectification was done: its 完成日期 when
 * 完成情况 is 已完成 and the date reads, else -1 (not done: 整改中 / 逾期). */
static cc_day done_day(const cc_ledger_entry *e)
{
    return e && e->progress && !strcmp(e->progress, "已完成") ? parse_day(e->done) : -1;
}

/* The state of item t at the end of S's newest period. */
static void item_state(const series *S, cc_ritem *t)
{
    t->done = done_day(t->entry);
    t->closed = -1;
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

/* ---- the report's items ---------------------------------------------------- */
typedef struct {
    const series *S;
    const cc_ledger_entry *e;
    size_t ne;
    cc_ritem *v;                /* room for every item, or NULL: only count them */
    size_t n;
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
    if (x->v) {
        t->entry = cc_ledger_entry_find(x->e, x->ne, t->id);
        item_state(S, t);
        t->shown = t->end_k < 0 || t->end_k == 0;
        t->unit = S->res[t->unit];
        x->v[x->n] = *t;
    }
    x->n++;
}

cc_err cc_items_compute(cc_store *s, const cc_scorecard *sc, const cc_ledger_entry *e, size_t ne,
                        cc_items *out)
{
    series S;
    out->v = NULL;
    out->n = 0;
    series_init(&S, sc);
    cc_items_memo_begin(s);           /* the weeks kept in the database (a report began it) */
    cc_err err = series_extend(s, sc->cfg, &S, sc->hist_period[0].from);
    cc_items_memo_end();
    /* counted, then filled: a province's 525,850 items are 88 MB, and an
     * array doubled as it grew reserved 201 MB */
    for (int pass = 0; pass < 2 && !err; pass++) {
        if (pass)
            out->v = cc_xmalloc((out->n + 1) * sizeof *out->v);
        report_acc x = {&S, e, ne, out->v, 0};
        for (size_t u = 0; u < S.nu; u++)
            for (size_t i = 0; i < S.nind; i++)
                runs(&S, sc->cfg, u, i, report_item, &x);
        out->n = x.n;
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

/* it->v is in (unit, ind) order, as cc_items_compute adds the items: the
 * first of (unit, ind) found by bisection (a warnings.csv of the city asks
 * for each of its warnings). */
const cc_ritem *cc_items_current(const cc_items *it, size_t unit, size_t ind)
{
    size_t lo = 0, hi = it->n;
    while (lo < hi) {
        size_t m = lo + (hi - lo) / 2;
        const cc_ritem *t = &it->v[m];
        if (t->unit < unit || (t->unit == unit && t->ind < ind))
            lo = m + 1;
        else
            hi = m;
    }
    for (size_t k = lo; k < it->n && it->v[k].unit == unit && it->v[k].ind == ind; k++)
        if (it->v[k].end_k < 0)
            return &it->v[k];
    return NULL;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

void cc_items_of(const cc_items *it, size_t unit, size_t *lo, size_t *hi)
{
    size_t a = 0, b = it->n;                /* the first item of unit or after it */
    while (a < b) {
        size_t m = a + (b - a) / 2;
        if (it->v[m].unit < unit)
            a = m + 1;
        else
            b = m;
    }
    *lo = a;
    while (a < it->n && it->v[a].unit == unit)
        a++;
    *hi = a;
}

void cc_items_summarise(const cc_items *it, const size_t *units, size_t nunits,
                        cc_items_summary *out)
{
    memset(out, 0, sizeof *out);
    size_t cap = 64, nd = 0;
    double *days = cc_xmalloc(cap * sizeof *days);
    for (size_t u = 0; u < nunits; u++) {
        size_t lo, hi;
        cc_items_of(it, units[u], &lo, &hi);
        for (size_t k = lo; k < hi; k++) {
            const cc_ritem *t = &it->v[k];
            if (t->shown)
                out->count[t->state]++;
            if (t->closed >= 0) {
                out->closed++;
                out->on_time += t->closed <= t->deadline;
                if (nd == cap)
                    days = cc_xrealloc(days, (cap *= 2) * sizeof *days);
                days[nd++] = (double)(t->closed - t->opened_to);
            }
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
    cc_day done = done_day(cc_ledger_entry_find(x->e, x->ne, t->id));
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
    cc_units U = {0};
    series S;
    cc_err e;
    int hit = 0;
    if (memo_on(s, cfg)) {
        unsigned char *bst = NULL;
        if ((e = memo_block_get(s, cfg, &wk, &U, &bst, &hit)))
            return e;
        if (hit)
            series_init_memo(&S, cfg, &wk, &U, bst);
    }
    if (!hit) {
        /* a look-back of the scorecard's own twelve weeks: their values are
         * kept for it (period.c) */
        out->vmemo = same_period(&wk, &hist[0]);
        if ((e = lookback(s, cfg, &wk, out->vmemo, &b)))
            return e;
        if (memo_on(s, cfg))
            memo_add(b);
        series_init(&S, b);
    }
    /* the series keeps its own community ids, so that the scorecard is freed
     * before the look-back computes older ones (one scorecard in memory) */
    out->ids = cc_xcalloc(S.nu + 1, sizeof *out->ids);
    for (size_t u = 0; u < S.nu; u++)
        S.uid[u] = out->ids[u] = cc_xstrdup(S.uid[u]);
    out->nids = S.nu;
    cc_scorecard_free(b);
    b = NULL;
    cc_units_release(&U);
    cc_store_release_memory(s);   /* before the look-back computes older blocks */
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
        if (out->dues->n > 1)
            qsort(out->dues->v, out->dues->n, sizeof *out->dues->v, cmp_due);
        cc_measures_items_install(out->dues);
    }
    cc_ledger_entries_free(le, nle);
    series_release(&S);
    return e;
}

void cc_items_finish(cc_items_prep *p)
{
    if (p->vmemo)
        cc_score_vmemo_clear();
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
