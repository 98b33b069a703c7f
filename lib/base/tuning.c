/* base/tuning — the CARECARD_* switches in one struct, and the progress and
 * trace sinks cmd/ installs.  This file is the only place in lib/ that reads
 * the environment; cmd/ calls cc_tuning_from_env once at start. */
#include "base/base.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- tuning ---- */
static cc_tuning tuning;
static int tuning_ready;

void cc_tuning_init(cc_tuning *t)
{
    memset(t, 0, sizeof *t);
    t->busy_timeout_ms = -1;
    t->roster_feed_mem = -1;
    t->roster_feed_ids = -1;
    t->roster_readback_mem = -1;
    t->roster_readback_ids = -1;
    t->span_budget_kb = -1;
    t->cache_budget_kb = -1;
    t->attend_batch = -1;
}

static const char *env_str(const char *name)
{
    const char *e = getenv(name);
    return e && *e ? e : NULL;
}

static int env_on(const char *name)         /* set, not empty and not "0" */
{
    const char *e = env_str(name);
    return e && strcmp(e, "0") != 0;
}

static long env_long(const char *name)      /* -1 when unset or empty */
{
    const char *e = env_str(name);
    return e ? strtol(e, NULL, 10) : -1;
}

void cc_tuning_from_env(cc_tuning *t)
{
    cc_tuning_init(t);
    t->today = env_str("CARECARD_TODAY");
    t->tmpdir = env_str("TMPDIR");
    t->busy_timeout_ms = env_long("CARECARD_BUSY_TIMEOUT_MS");
    const char *e = getenv("CARECARD_INGEST_THREADS");
    t->ingest_threads = e ? atoi(e) : 0;
    t->ingest_timing = getenv("CARECARD_INGEST_TIMING") != NULL;
    e = getenv("CARECARD_ROSTER_READBACK");
    t->roster_readback = e && atoi(e) == 1;
    t->roster_feed_mem = env_long("CARECARD_ROSTER_FEED_MEM");
    t->roster_feed_ids = env_long("CARECARD_ROSTER_FEED_IDS");
    t->roster_readback_mem = env_long("CARECARD_ROSTER_READBACK_MEM");
    t->roster_readback_ids = env_long("CARECARD_ROSTER_READBACK_IDS");
    t->span_budget_kb = env_long("CARECARD_SPAN_BUDGET_KB");
    t->cache_budget_kb = env_long("CARECARD_CACHE_BUDGET_KB");
    t->attend_batch = env_long("CARECARD_ATTEND_BATCH");
    t->no_cache = env_on("CARECARD_NO_CACHE");
    t->no_prefetch = env_on("CARECARD_NO_PREFETCH");
    t->no_status_store = env_on("CARECARD_NO_STATUS_STORE");
    t->prefetch_helper_only = env_on("CARECARD_PREFETCH_HELPER_ONLY");
    t->prefetch_trace = getenv("CARECARD_PREFETCH_TRACE") != NULL;
    t->tz = env_str("TZ");
}

void cc_tuning_set(const cc_tuning *t)
{
    if (t)
        tuning = *t;
    else
        cc_tuning_init(&tuning);
    tuning_ready = 1;
}

const cc_tuning *cc_tuning_get(void)
{
    if (!tuning_ready) {
        cc_tuning_init(&tuning);
        tuning_ready = 1;
    }
    return &tuning;
}

/* ---- progress ---- */
static cc_progress_fn progress_fn;
static void *progress_ctx;

void cc_progress_set(cc_progress_fn fn, void *ctx)
{
    progress_fn = fn;
    progress_ctx = ctx;
}

int cc_progress_on(void) { return progress_fn != NULL; }

void cc_progress_report(const cc_progress *p)
{
    if (progress_fn)
        progress_fn(p, progress_ctx);
}

/* ---- trace ---- */
void cc_trace(const char *fmt, ...)
{
    FILE *f = cc_diag_sink();
    va_list ap;
    va_start(ap, fmt);
    fputs("carecard: ", f);
    vfprintf(f, fmt, ap);
    fputc('\n', f);
    fflush(f);
    va_end(ap);
}
