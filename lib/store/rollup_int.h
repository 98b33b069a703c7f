/* store/rollup_int.h — private to the attendance rosters (rollup.c,
 * rollup_ids.c, roster_feed.c, rollup_feed.c): the rollup of weeks from the
 * base tables, and the roster feed that files the rows in hand by week.
 */
#ifndef CC_STORE_ROLLUP_INT_H
#define CC_STORE_ROLLUP_INT_H

#include "store/db.h"
#include "store/store.h"
#include "base/intern.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

/* ---- text -> number, a bounded cache in front of the ids table ------------
 * One cc_intern per community (rows come by activity, so a table of a few
 * thousand IDs is hot) with the ids number of each of its entries; the
 * city's 2.5 M IDs take ~70 MB; past ID_CACHE_BYTES the caches are emptied
 * at the next community boundary and refilled from the ids table. */
typedef struct {
    cc_intern t;
    uint32_t *no;           /* entry -> ids.no */
    size_t cap;
} idcache;

#ifndef ID_CACHE_BYTES
#define ID_CACHE_BYTES ((size_t)96 << 20)
#endif

/* A week read back holds its rows until a community boundary past this many
 * (4 MB), then stores the communities it has: a week of the province is ten
 * times the city's. */
#ifndef ROLLUP_MEM_ENTRIES
#define ROLLUP_MEM_ENTRIES ((size_t)1 << 18)
#endif

/* ---- the rollup ------------------------------------------------------------ */
typedef struct {
    uint32_t comm;          /* index into the communities seen */
    uint32_t p, h;
    uint8_t flags, days;
} wentry;

typedef struct {
    cc_store *s;
    sqlite3_stmt *rows, *id_get, *id_put, *put, *del;
    cc_intern comms;        /* the communities seen: index -> community_id */
    idcache *ids;           /* index -> the participant and household numbers
                             * met in the community: small tables, so that the
                             * ~20 rows of an activity hit one of them */
    size_t comm_cap;
    wentry *e;
    size_t n, cap;
    wentry *tmp;            /* radix sort's other buffer (cap entries) */
    size_t tmpcap;
    unsigned char *blob;
    size_t blob_cap;
    /* a week read back: its completed activities in community order */
    sqlite3_stmt *acts;
    struct rollup_act { uint32_t comm, off, len, day; } *act;
    size_t nact, actcap;
    char *atext;            /* their activity_ids */
    size_t atlen, atcap;
    size_t idbytes;         /* held by the ID caches */
    size_t mem_max, ids_max;    /* ROLLUP_MEM_ENTRIES, ID_CACHE_BYTES (tests lower them) */
    size_t weeks, held, emptied;    /* read back: weeks, most rows held, ID caches emptied */
} rollup;


/* ---- rosters from the rows in hand ------------------------------------------
 * The storing thread appends rows (a day, a community number, the two IDs as
 * text, the flags) to a handoff buffer; the feed's thread takes full buffers,
 * numbers the IDs in an interner (1, 2, ... in order of first appearance)
 * and files one wentry per row under its week.  The entries of all weeks in
 * memory are bounded (FEED_MEM_ENTRIES): past it every week's entries go to
 * a temporary file as a chunk.  The interner is bounded too (FEED_INTERN_MAX):
 * past it the feed gives up and every week is read back.
 *
 * At the end (cc_store_rollup_feed, on the storing thread) the IDs get their
 * numbers in ids (when ids is empty, the feed's own numbers: no lookups), and
 * each week is loaded (its chunks and what is in memory), renumbered, sorted
 * and merged exactly as a read-back week is (rollup_write_week). */
#define FEED_BUF ((size_t)256 << 10)
#define FEED_NBUF 4
#define FEED_REC 16             /* record header: day, comm, pn, hn, flags */
#ifndef FEED_MEM_ENTRIES
#define FEED_MEM_ENTRIES ((size_t)1 << 20)     /* 16 MB of entries */
#endif
#ifndef FEED_INTERN_MAX
#define FEED_INTERN_MAX ((size_t)96 << 20)
#endif
#define NO_HOUSEHOLD 0xffffu


/* The IDs in SQLite's BINARY order (memcmp, then the shorter first): the
 * first 8 bytes, big-endian, decide most comparisons. */
typedef struct {
    uint32_t khi, klo;          /* the first 8 bytes, big-endian (12-byte entries) */
    uint32_t id;
} idkey;

#define IDS_MANY 64             /* IDs to an INSERT */

typedef struct {
    uint64_t off;               /* in the temporary file */
    size_t n;                   /* entries */
} fchunk;

typedef struct {
    cc_day monday;
    wentry *e;                  /* in memory */
    size_t n, cap;
    fchunk *c;                  /* spilled */
    size_t nc, ccap;
    size_t total;               /* all entries: spilled and in memory */
} fweek;

struct cc_roster_feed {
    int threaded;
    /* handoff: buffers produced by the storing thread, consumed by the feed's */
    unsigned char *buf[FEED_NBUF];
    size_t len[FEED_NBUF];
    unsigned long produced, consumed;
    int done;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t th;
    int started;
    /* the storing thread's */
    cc_intern comms;
    cc_day *rb;                 /* days whose weeks are read back */
    size_t nrb, rbcap;
    int fail;                   /* a row the feed cannot carry: read back every week */
    /* the feed thread's (the storing thread's after the join) */
    cc_intern ids;
    int over;                   /* gave up: read back every week */
    fweek *w;
    size_t nw, wcap;
    uint32_t *wmap;             /* open addressing: monday -> week index + 1 */
    size_t wmapcap;
    size_t mem;                 /* entries in memory */
    size_t mem_max, ids_max;    /* FEED_MEM_ENTRIES, FEED_INTERN_MAX (tests lower them) */
    FILE *tmp;
    uint64_t toff;
    idkey *k;                   /* the IDs in text order (roster_feed_prepare_ids) */
    double cpu;                 /* the feed thread's CPU seconds */
    double waited;              /* the storing thread's seconds waiting for a buffer */
};


/* ---- rollup.c ---- */
/* Prepare r's statements (its own transaction when the caller has none:
 * *own); rollup_close frees r and commits or rolls back its own one. */
cc_err rollup_open(rollup *r, cc_store *s, int *own);
cc_err rollup_close(rollup *r, int own, cc_err err);
int rollup_prep(rollup *r, const char *sql, sqlite3_stmt **st);
/* The number of an ID in ids, numbering it when new; 0 on error. */
uint32_t rollup_id_lookup(rollup *r, const char *s, size_t len, cc_err *err);
/* The index of a community_id (its text: cc_intern_text(&r->comms, i)). */
uint32_t rollup_comm_index(rollup *r, const char *s, size_t len);
/* Sort and merge the week's entries (r->e); one roster row per community. */
cc_err rollup_write_week(rollup *r, const char *week);
/* Rebuild the week of monday from the base tables. */
cc_err rollup_build_week(rollup *r, cc_day monday);
cc_err rollup_interrupted(cc_store *s);          /* CC_ERR_INTERRUPTED after a signal */
double rollup_mono(void);                        /* monotonic seconds */
extern double rollup_t_sort, rollup_t_sql;       /* seconds sorting and writing weeks (timing) */

/* ---- rollup_ids.c ---- */
void rollup_sort_idkeys(idkey *a, size_t n, const cc_intern *t);
/* map[local no] = ids.no for every ID the feed numbered. */
cc_err rollup_number_ids(rollup *r, cc_roster_feed *f, uint32_t *map);

/* ---- roster_feed.c ---- */
void roster_feed_finish(cc_roster_feed *f);      /* the last buffer taken, the thread joined */
void roster_feed_prepare_ids(cc_roster_feed *f); /* entries spilled, IDs sorted by text (f->k) */

#endif
