/* The hand-worked fixture of the engine tests (fixtures/test/engine/:
 * w47.sql rows and the spec's default catalog), shared by the measure,
 * attend and engine unit tests: a fresh database per test binary. */
#ifndef CC_TEST_W47_FIXTURE_H
#define CC_TEST_W47_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "carecard.h"

static char dbpath[64];
static cc_store *db;
static cc_config cfg;

static inline cc_day ymd(int y, int m, int d) { return cc_day_from_ymd(y, m, d); }

/* Whole file as a string; caller frees. NULL when unreadable. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (fread(s, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        free(s);
        return NULL;
    }
    s[n] = '\0';
    fclose(f);
    return s;
}

/* Create /tmp/cc-<name>-test-<pid>.db from w47.sql and load the catalog. */
static int w47_open(const char *name)
{
    cc_err e;
    snprintf(dbpath, sizeof dbpath, "/tmp/cc-%s-test-%ld.db", name, (long)getpid());
    unlink(dbpath);
    db = cc_store_open(dbpath, CC_STORE_CREATE, &e);
    if (!db)
        return -1;
    char *sql = slurp("fixtures/test/engine/w47.sql");
    int bad = !sql || cc_store_exec(db, sql) != CC_OK;
    free(sql);
    /* the rows went in by SQL, not by ingest: build their attendance rosters */
    bad = bad || cc_store_rollup_weeks(db, ymd(2000, 1, 1), ymd(2099, 12, 31)) != CC_OK;
    if (bad || cc_config_load("fixtures/test/engine/indicators.ini", &cfg) != CC_OK)
        return -1;
    return 0;
}

static void w47_close(void)
{
    char p[80];
    cc_store_close(db);
    cc_config_release(&cfg);
    unlink(dbpath);
    snprintf(p, sizeof p, "%s-wal", dbpath); unlink(p);
    snprintf(p, sizeof p, "%s-shm", dbpath); unlink(p);
}

#endif
