/* store/facts — small questions the reports ask of the database, behind
 * named functions so that report/ never sees SQL. */
#include "store/db.h"
#include "store/store.h"

#include <stdio.h>

void cc_store_last_activity(cc_store *s, cc_day to, char *out, size_t len)
{
    int y, m, d;
    char day[16];
    sqlite3_stmt *st = NULL;
    if (len)
        out[0] = 0;
    cc_day_to_ymd(to, &y, &m, &d);
    snprintf(day, sizeof day, "%04d-%02d-%02d", y, m, d);
    if (sqlite3_prepare_v2(s->db, "SELECT max(date) FROM activities WHERE date <= ?1", -1, &st,
                           NULL) != SQLITE_OK)
        return;
    sqlite3_bind_text(st, 1, day, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_TEXT)
        snprintf(out, len, "%.10s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

void cc_store_scan_cache(cc_store *s)
{
    sqlite3_exec(s->db, "PRAGMA cache_size=-16384", NULL, NULL, NULL);
    sqlite3_db_release_memory(s->db);
}

void cc_store_release_memory(cc_store *s)
{
    sqlite3_db_release_memory(s->db);
    cc_heap_trim();
}
