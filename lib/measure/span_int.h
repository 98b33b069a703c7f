/* span_int — internals shared by lib/measure/span*.c (not part of the API):
 * the cache's state and the functions the three files share.  span.c keeps
 * the state (begin, end, budget, the registry's communities, windows and
 * prefetch), span_load.c reads weeks into it, span_answer.c answers windows
 * from it.  Shared names are exported as cc_sp_* (the short names below are
 * macros), so the library exports nothing outside cc_.
 */
#ifndef CC_SPAN_INT_H
#define CC_SPAN_INT_H

#include "store/db.h"
#include "measure/span.h"
#include "base/intern.h"

#include <stdint.h>

#define CW 64
#ifndef SPAN_BUDGET
#define SPAN_BUDGET ((size_t)64 << 20)
#endif

#define as_domains cc_sp_as_domains
extern const char *const as_domains[];      /* the assessment domains (bit d) */

enum { SRC_ACT, SRC_PART, SRC_TB, SRC_FB, SRC_SV, SRC_AS, SRC_PROV, SRC_TRAIN, NSRC };

/* ---- string interning: lib/base/intern.h ----------------------------------- */
typedef cc_intern interner;
#define intern cc_intern_id
#define interner_bytes cc_intern_bytes
#define interner_release cc_intern_release

/* ---- (id, community) -> weeks: distinct counts ----------------------------- */
typedef struct {
    uint32_t comm;
    uint32_t next;          /* next entry of the same id + 1, 0 = end */
    uint32_t weeks[2];      /* bit i: week i */
} dentry;                   /* the id is the chain's (head[id]) */

typedef struct {
    interner ids;
    dentry *e;
    size_t n, cap;
    uint32_t *head;         /* id -> first entry + 1 */
    size_t nhead;
    uint32_t *eid;          /* entry -> its id */
    uint32_t *slot;         /* (id, comm) -> entry + 1: a name every community has */
    size_t scap;            /* makes a long chain (power of two) */
} dtable;

/* ---- per-(community, week) sums ------------------------------------------- */
#define MAXW 20
#define ACT_W 20                /* the sum columns of act_sql below */
#define ACT_NOUT 22             /* the activity measures, in act_sql's order */
#define act_sums cc_sp_act_sums
extern const uint32_t act_sums[ACT_NOUT];   /* the sum columns each activity measure needs */
typedef struct {
    int width;              /* <= MAXW */
    int col[MAXW];          /* stored column j = the query's column c0 + col[j] */
    double *sum[CW];        /* nk * width */
    uint32_t *nn[CW];       /* nk: bit j = column j had a non-NULL value */
    uint32_t *rows[CW];     /* nk */
} sums;

/* ---- the cache ---------------------------------------------------------------- */
/* An assessment row in 16 bytes: meta = community (19 bits) << 13 |
 * days before the newest week's Sunday (9 bits) << 4 | domain << 1 | pre. */
typedef struct {
    uint32_t pid;
    uint32_t meta;
    double score;
} asrow;
#define AS_MAXK (UINT32_C(1) << 19)
#define AS_COMM(a) ((a)->meta >> 13)
#define AS_OFF(a) ((int)((a)->meta >> 4 & 511))
#define AS_DOM(a) ((int)((a)->meta >> 1 & 7))
#define AS_PRE(a) ((int)((a)->meta & 1))

typedef struct {
    uint32_t comm;
    int32_t day;            /* trainings: the training's day */
    int32_t joined, left;   /* INT32_MIN / INT32_MAX when NULL */
    uint8_t prof, cert;
    double hours;
} prow;

#define span_hits cc_sp_hits
extern unsigned long span_hits;             /* windows answered, per source (tests) */

struct cc_sp_cache {
    sqlite3 *db;            /* the connection the cache belongs to; NULL = off */
    int disabled;           /* dropped (over budget): every window declined */
    size_t budget;
    const cc_config *cfg;   /* the configuration of the first window */
    int started;
    cc_day top;             /* Monday of the newest week (bit 0) */
    char **names;           /* the registry's community IDs, sorted: index = k */
    size_t nk;
    uint64_t loaded[NSRC];  /* weeks read, per source */
    int bad[NSRC];          /* a row the cache cannot place: direct path */
    sums act, tb, fb;
    uint32_t act_need;      /* activity measures (act_out) the formulas use */
    int act_at[MAXW];       /* act_sql sum column -> stored column, -1 = not kept */
    dtable partners, members;
    uint64_t *part_any;     /* per k: weeks with a completed session */
    uint64_t *tb_any;       /* per k: weeks with a time-bank member row */
    uint16_t *sv[CW];       /* per week: nk * nitems * 3 (n, sum, top2 or yes) */
    size_t nitems;
    unsigned doms;          /* assessment domains the configuration's formulas use */
    asrow *as;
    size_t nas, ascap;
    interner as_ids;
    uint32_t *as_next;      /* per row: the next row of its (domain, participant) + 1 */
    uint32_t *as_head[5];   /* per domain and participant: its first row + 1 */
    size_t as_nhead[5];
    prow *prov, *train;
    size_t nprov, ntrain;
    int whole[NSRC];        /* providers / trainings read */
    unsigned char *ever[CC_SPAN_NEVER];   /* per k */
    int prefetching;        /* cc_span_prefetch_task may run in two threads: no
                             * budget check (it frees everything), no hit count */
};
#define sp cc_sp
extern struct cc_sp_cache sp;

/* span.c */
#define over_budget cc_sp_over_budget
#define usable cc_sp_usable
/* Over the budget: give the memory back and decline every window (1). */
int over_budget(void);
/* The window still answerable for source src (not dropped, not bad). */
int usable(const cc_span_win *w, int src);

/* span_load.c */
#define ensure cc_sp_ensure
#define load_whole cc_sp_load_whole
#define ever_load cc_sp_ever_load
/* Load the window's missing weeks of src; 1 when the window can then be
 * answered, 0 (err set on a database error) when not. */
int ensure(cc_store *s, const cc_span_win *w, int src, cc_err *err);
/* providers / trainings (src SRC_PROV, SRC_TRAIN) read once; the same. */
int load_whole(cc_store *s, const cc_span_win *w, int src, cc_err *err);
/* Read the "ever had a row" set of a kind once; 0 with *err on a database
 * error. */
int ever_load(cc_store *s, int kind, cc_err *err);

#endif
