/* base — errors, diagnostics and small helpers every other module uses.
 *
 * Errors: functions return cc_err (CC_OK == 0). The details of a data or
 * configuration error are printed once, where they are found, through cc_diag
 * (always "carecard: FILE:LINE: ..." on the diagnostic sink, stderr by default);
 * the code travels up and becomes the exit code in cmd/.
 * lib/ never calls exit() and never writes to stdout.
 */
#ifndef CC_BASE_H
#define CC_BASE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum {
    CC_OK = 0,
    CC_ERR_NOMEM,      /* out of memory */
    CC_ERR_IO,         /* read/write/rename failed, disk full */
    CC_ERR_DATA,       /* bad input file (the whole file is refused) */
    CC_ERR_CONFIG,     /* bad indicators.ini */
    CC_ERR_DB,         /* SQLite error */
    CC_ERR_BUSY,       /* database locked longer than the busy timeout */
    CC_ERR_USAGE,      /* bad arguments */
    CC_ERR_NOTFOUND,   /* unknown period, unit, file ... */
    CC_ERR_INTERRUPTED /* SIGINT/SIGTERM */
} cc_err;

const char *cc_strerror(cc_err e);

/* ---- diagnostics ------------------------------------------------------ */
typedef enum { CC_DIAG_ERROR, CC_DIAG_WARN, CC_DIAG_NOTICE, CC_DIAG_VERBOSE } cc_diag_level;

/* verbosity: messages with level > verbosity are dropped.
 * Default CC_DIAG_NOTICE; -q sets CC_DIAG_WARN; -v sets CC_DIAG_VERBOSE. */
void cc_diag_set_verbosity(cc_diag_level max);
/* Where diagnostics go (default stderr). Tests point it at a memstream. */
void cc_diag_set_sink(FILE *f);
FILE *cc_diag_sink(void);
/* A filter every message passes before it is printed (cmd/ installs the
 * Chinese message catalog with --lang zh): returns a new message (malloc'd,
 * freed by the caller) or NULL to print it as it is. NULL: no filter. */
void cc_diag_set_filter(char *(*filter)(const char *msg));
/* Prints "carecard: " + message + "\n", the whole message however long. */
void cc_diag(cc_diag_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cc_vdiag(cc_diag_level lvl, const char *fmt, va_list ap);
#define cc_error(...)   cc_diag(CC_DIAG_ERROR, __VA_ARGS__)
#define cc_warn(...)    cc_diag(CC_DIAG_WARN, __VA_ARGS__)
#define cc_notice(...)  cc_diag(CC_DIAG_NOTICE, __VA_ARGS__)
#define cc_verbose(...) cc_diag(CC_DIAG_VERBOSE, __VA_ARGS__)
/* A programmer error: prints file:line and aborts. */
#define CC_BUG(msg) cc_bug_at(__FILE__, __LINE__, (msg))
_Noreturn void cc_bug_at(const char *file, int line, const char *msg);

/* ---- memory: abort-free wrappers return NULL; these die on OOM --------- */
void *cc_xmalloc(size_t n);
void *cc_xcalloc(size_t n, size_t sz);
void *cc_xrealloc(void *p, size_t n);
/* Give the heap's free pages back to the system (glibc: malloc_trim), in
 * every thread's arena: after a phase that freed a lot (a file's ingest, a
 * scorecard), so that the next one does not grow the peak on top of it. */
void cc_heap_trim(void);
/* The SHA-256 of the running program's file (/proc/self/exe), read once:
 * what derived results kept between runs were computed by.  0 when it
 * cannot be read. */
int cc_program_digest(unsigned char out[32]);
/* The SHA-256 of n bytes at p. */
void cc_sha256(const void *p, size_t n, unsigned char out[32]);
char *cc_xstrdup(const char *s);
char *cc_xstrndup(const char *s, size_t n);
char *cc_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define CC_FREE(p) do { free(p); (p) = NULL; } while (0)

/* ---- growable string ---------------------------------------------------- */
typedef struct { char *s; size_t len, cap; } cc_buf;   /* s is NUL-terminated, owned */
#define CC_BUF_INIT {NULL, 0, 0}
void cc_buf_init(cc_buf *b);
void cc_buf_release(cc_buf *b);                 /* frees s, back to init state */
void cc_buf_reset(cc_buf *b);                   /* len = 0, keeps memory */
void cc_buf_add(cc_buf *b, const char *s, size_t n);
void cc_buf_adds(cc_buf *b, const char *s);
void cc_buf_addc(cc_buf *b, char c);
void cc_buf_addf(cc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *cc_buf_detach(cc_buf *b);                 /* caller frees; b back to init */

/* ---- UTF-8 -------------------------------------------------------------- */
/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid/truncated. */
int cc_utf8_seqlen(const unsigned char *s, size_t avail);
int cc_utf8_valid(const char *s, size_t n);
/* Decode one code point; returns bytes consumed (0 on invalid). */
int cc_utf8_decode(const char *s, size_t n, uint32_t *cp);
/* Number of code points. */
size_t cc_utf8_len(const char *s, size_t n);
/* Display width: 2 for CJK/full-width code points, 1 otherwise. */
size_t cc_utf8_width(const char *s);

/* ---- progress: the library reports, the tool draws ----------------------- */
/* Long steps (reading an input file, writing a report's workbooks) report
 * their progress through the callback cmd/ installs; lib/ never draws on the
 * terminal itself.  Without a callback the reports go nowhere. */
typedef struct {
    const char *task;     /* "ingest" or "report" */
    const char *name;     /* the file being read (ingest); NULL for a report */
    long done, total;     /* bytes of the file (ingest), workbooks (report) */
    long rows;            /* rows read so far (ingest) */
    int finished;         /* the task's last report: the tool clears its line */
} cc_progress;
typedef void (*cc_progress_fn)(const cc_progress *p, void *ctx);
void cc_progress_set(cc_progress_fn fn, void *ctx);   /* NULL: no progress */
int cc_progress_on(void);                             /* a callback is installed */
void cc_progress_report(const cc_progress *p);

/* A profiling line ("carecard: timing ...") asked for with a tuning switch:
 * through the diagnostic sink whatever the verbosity, never translated. */
void cc_trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- tuning: the environment, read once ---------------------------------- */
/* Every CARECARD_* switch lib/ obeys, in one struct.  cmd/ fills it once at
 * start (cc_tuning_from_env) and installs it (cc_tuning_set); lib/ reads
 * cc_tuning_get() and never calls getenv.  Numbers are -1 (or NULL) when unset:
 * the module's own default applies. */
typedef struct {
    const char *today;        /* CARECARD_TODAY=YYYY-MM-DD: the day "today" stands for */
    const char *tmpdir;       /* TMPDIR: where temporary files go (NULL: /tmp) */
    long busy_timeout_ms;     /* CARECARD_BUSY_TIMEOUT_MS (> 0) */
    int ingest_threads;       /* CARECARD_INGEST_THREADS=1: read and store on one thread */
    int ingest_timing;        /* CARECARD_INGEST_TIMING set: where each file's time went */
    int roster_readback;      /* CARECARD_ROSTER_READBACK=1: rosters read back per week */
    long roster_feed_mem;     /* CARECARD_ROSTER_FEED_MEM (> 0): roster entries before a spill */
    long roster_feed_ids;     /* CARECARD_ROSTER_FEED_IDS (> 0): bytes of IDs before giving up */
    long roster_readback_mem; /* CARECARD_ROSTER_READBACK_MEM (> 0): rows of a week read back
                               * held before its communities so far are stored */
    long roster_readback_ids; /* CARECARD_ROSTER_READBACK_IDS (> 0): bytes of cached ID
                               * numbers before the caches are emptied */
    long span_budget_kb;      /* CARECARD_SPAN_BUDGET_KB: the window cache's budget */
    long cache_budget_kb;     /* CARECARD_CACHE_BUDGET_KB: the attendance cache's budget */
    long attend_batch;        /* CARECARD_ATTEND_BATCH (> 0): communities per pass of an
                               * attendance window read from the rosters */
    int no_cache;             /* CARECARD_NO_CACHE set and not 0: every window read directly */
    int no_prefetch;          /* CARECARD_NO_PREFETCH set and not 0 */
    int no_status_store;      /* CARECARD_NO_STATUS_STORE set and not 0: past periods'
                               * raw statuses neither read from nor kept in the database */
    int prefetch_helper_only; /* CARECARD_PREFETCH_HELPER_ONLY set and not 0 (tests) */
    int prefetch_trace;       /* CARECARD_PREFETCH_TRACE set */
    const char *tz;           /* TZ: the data's time zone for the times shown (NULL: Asia/Shanghai) */
} cc_tuning;
void cc_tuning_init(cc_tuning *t);          /* every field unset */
void cc_tuning_from_env(cc_tuning *t);      /* the environment now; strings borrowed from it */
void cc_tuning_set(const cc_tuning *t);     /* copied; NULL: back to unset */
const cc_tuning *cc_tuning_get(void);       /* what is installed (unset fields when nothing is) */

/* ---- misc --------------------------------------------------------------- */
/* Trim ASCII and full-width/ideographic spaces; returns pointer into s and new len. */
const char *cc_trim(const char *s, size_t *len);
/* Interrupt flag set by the signal handler cmd/ installs. */
extern volatile int cc_interrupted;

/* ---- diagnostics level read back (base.c) ---- */
/* The level cc_diag_set_verbosity set (to put it back after a quiet stretch). */
cc_diag_level cc_diag_verbosity(void);
/* While on, notices are not printed (errors, warnings and -v lines are):
 * a computation the caller repeats says its notices once, through the caller. */
void cc_diag_mute_notices(int on);

#endif
