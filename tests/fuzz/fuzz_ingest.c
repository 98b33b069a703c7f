/* libFuzzer target: row validation and storage of ingest.  The bytes are one
 * input file (any kind, told from its header as ingest does) ingested into a
 * database that holds the demo data (fixtures/demo: the registers the rows
 * refer to).  The database lives in a private directory under $TMPDIR
 * (scripts/fuzz.sh gives one and removes it) and is removed at exit.
 * Checked: an ingest that fails stores nothing and leaves no transaction
 * open; the counts add up; the database stays sound (quick_check every 64
 * inputs). */
#include "store/db.h"
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_util.h"
#include "ingest/ingest.h"

static char dir[4096];
static cc_store *store;

static void cleanup(void)
{
    cc_store_close(store);
    store = NULL;
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char p[4400];
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        unlink(p);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

static long files_rows(void)
{
    sqlite3_stmt *q;
    long n = -1;
    if (sqlite3_prepare_v2(store->db, "SELECT count(*) FROM files", -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
        n = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return n;
}

static void setup(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/carecard-fuzz-ingest-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(dir))
        abort();
    atexit(cleanup);
    char db[4200];
    snprintf(db, sizeof db, "%s/fuzz.db", dir);
    cc_err e;
    store = cc_store_open(db, CC_STORE_CREATE, &e);
    if (!store)
        abort();
    const char *arg = "fixtures/demo";
    char **paths;
    size_t n;
    if (cc_ingest_expand(&arg, 1, &paths, &n) != CC_OK || n == 0)
        abort();
    cc_ingest_stats *st = cc_xcalloc(n, sizeof *st);
    cc_ingest_opts o = {.kind = CC_KIND_UNKNOWN, .rejects_dir = dir};
    (void)cc_ingest_files(store, (const char *const *)paths, n, &o, st);
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
    free(st);
    if (files_rows() < 5)
        abort();                            /* the demo data is there */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_quiet();
    if (!store)
        setup();
    static unsigned long runs;
    const char *path = fuzz_file(1, data, size);
    cc_ingest_opts o = {.kind = CC_KIND_UNKNOWN, .rejects_dir = dir, .strict = size > 0 && data[size - 1] == '!'};
    cc_ingest_stats st;
    memset(&st, 0, sizeof st);
    long before = files_rows();
    cc_err e = cc_ingest_files(store, &path, 1, &o, &st);
    long after = files_rows();
    if (!sqlite3_get_autocommit(store->db))
        abort();                            /* no transaction left open */
    if (e != CC_OK && (st.stored || after > before))
        abort();                            /* a refused file stores nothing */
    if (st.stored && (st.skipped || st.rows_accepted < 0 || st.rows_rejected < 0 ||
                      st.rows_accepted + st.rows_rejected > st.rows_read))
        abort();
    if (o.strict && st.stored && st.rows_rejected)
        abort();                            /* --strict stores no file with a bad row */
    if (++runs % 64 == 0) {
        sqlite3_stmt *q;
        if (sqlite3_prepare_v2(store->db, "PRAGMA quick_check", -1, &q, NULL) != SQLITE_OK ||
            sqlite3_step(q) != SQLITE_ROW || strcmp((const char *)sqlite3_column_text(q, 0), "ok"))
            abort();
        sqlite3_finalize(q);
    }
    return 0;
}
