/* Unit tests of the attendance rosters (lib/store/rollup*.c, roster_feed.c, schema 3) and of
 * the attendance measures read from them (lib/measure/attend.c).
 *
 * - Equality with the raw attendance: a generated database (communities in
 *   two streets, 30 weeks of activities, some cancelled, attendance with
 *   every kind of role, household and special value, a participant seen in
 *   several communities, a community that is not in the registry) and the
 *   nine attendance measures at the three levels, against a reference
 *   computed here with plain SQL COUNT(DISTINCT) on the base tables: every
 *   window of a weekly scorecard's history (through the week cache), and
 *   months, a quarter and odd windows (partial weeks, through the direct
 *   path).
 * - Maintenance at ingest: after each change an activities or attendance
 *   file can make (an activity moved to another week by a replaced file or
 *   by a row of another file, cancelled -> completed, a replaced attendance
 *   file, a file whose activity left the log) the rosters are exactly what a
 *   full rebuild gives, and the hand-worked counts of the weeks concerned
 *   follow; a refused (--strict) or interrupted ingest changes nothing.
 * - Migration: a version-2 database (tests/unit/schema_v2.sql, the engine
 *   fixture's rows) is brought to version 3 when opened, with its rosters,
 *   the ID dictionary and the partial index of special children.
 */
#include "store/db.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "carecard.h"
#include "dbq.h"

static char dir[64];
static cc_config cfg;

static const char *const all[] = {"participants", "child_participants", "households",
                                  "special_served", "volunteers_active", "returning",
                                  "prev_participants", "volunteers_retained", "volunteers_prev"};
#define NALL 9
enum { M_PART, M_CHILD, M_HOMES, M_SPECIAL, M_VOL, M_RET, M_PPART, M_RETAINED, M_PVOL };

static cc_day ymd(int y, int m, int d) { return cc_day_from_ymd(y, m, d); }

static void path_of(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

static void remove_db(const char *path)
{
    char p[600];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path); unlink(p);
    snprintf(p, sizeof p, "%s-shm", path); unlink(p);
}

static cc_store *fresh_db(const char *name)
{
    char path[512];
    cc_err e;
    path_of(path, sizeof path, name);
    remove_db(path);
    cc_store *s = cc_store_open(path, CC_STORE_CREATE, &e);
    assert_non_null(s);
    return s;
}

static void close_db(cc_store *s)
{
    char path[512];
    snprintf(path, sizeof path, "%s", s->path);
    cc_store_close(s);
    remove_db(path);
}

static void exec(cc_store *s, const char *sql)
{
    assert_int_equal(cc_store_exec(s, sql), CC_OK);
}

/* Every roster as text (week, community, hex), in key order; caller frees. */
static char *dump(cc_store *s)
{
    sqlite3_stmt *st;
    cc_buf b = CC_BUF_INIT;
    assert_int_equal(sqlite3_prepare_v2(s->db, "SELECT week, community_id, hex(roster) FROM attendance_weeks"
                                               " ORDER BY week, community_id", -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW)
        cc_buf_addf(&b, "%s %s %s\n", sqlite3_column_text(st, 0), sqlite3_column_text(st, 1),
                    sqlite3_column_text(st, 2));
    sqlite3_finalize(st);
    cc_buf_addc(&b, '\0');
    return cc_buf_detach(&b);
}

/* Every roster well formed: whole entries, sorted and distinct by
 * (participant, household, flags), participant and household numbers of
 * ids, flags and days in range, a Monday. */
static void assert_well_formed(cc_store *s)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(s->db, "SELECT week, roster FROM attendance_weeks", -1, &st, NULL),
                     SQLITE_OK);
    long long maxno = scalar(s, "SELECT coalesce(max(no), 0) FROM ids");
    while (sqlite3_step(st) == SQLITE_ROW) {
        cc_day d;
        const char *wk = (const char *)sqlite3_column_text(st, 0);
        assert_int_equal(cc_parse_date(wk, strlen(wk), &d), CC_PARSE_OK);
        assert_int_equal(cc_week_monday(d), d);
        int len = sqlite3_column_bytes(st, 1);
        const unsigned char *blob = sqlite3_column_blob(st, 1);
        assert_true(len > 0 && len % CC_ROSTER_ENTRY == 0);
        cc_roster_entry prev = {0, 0, 0, 0};
        for (size_t i = 0; i < (size_t)len / CC_ROSTER_ENTRY; i++) {
            cc_roster_entry e;
            cc_roster_get(blob, i, &e);
            assert_true(e.participant >= 1 && e.participant <= maxno);
            assert_true(e.household <= maxno);
            assert_true(e.flags < 16 && e.days >= 1 && e.days < 128);
            assert_false((e.flags & CC_ROSTER_CHILD) && (e.flags & CC_ROSTER_VOLUNTEER));
            assert_false((e.flags & CC_ROSTER_SPECIAL) && !(e.flags & CC_ROSTER_KNOWN));
            if (i) {
                int gt = e.participant != prev.participant ? e.participant > prev.participant
                         : e.household != prev.household ? e.household > prev.household
                         : e.flags > prev.flags;
                assert_true(gt);
            }
            prev = e;
        }
    }
    sqlite3_finalize(st);
}

/* The rosters are exactly what a full rebuild gives. */
static void assert_fresh(cc_store *s)
{
    char *before = dump(s);
    exec(s, "SAVEPOINT t");
    assert_int_equal(cc_store_rollup_weeks(s, ymd(1990, 1, 1), ymd(2099, 12, 31)), CC_OK);
    char *after = dump(s);
    exec(s, "ROLLBACK TO t; RELEASE t");
    assert_string_equal(before, after);
    free(before);
    free(after);
    assert_well_formed(s);
}

/* ---- the reference: plain SQL on the base tables --------------------------- */
static const char cur_sql[] =
    "SELECT %s AS k, t.participant_id AS p, t.household_id AS h, t.role AS r, t.special AS sp"
    " FROM activities a JOIN attendance t ON t.activity_id = a.activity_id"
    " JOIN communities c ON c.community_id = a.community_id"
    " WHERE a.status = 'completed' AND a.date BETWEEN %s AND %s";

static sqlite3_stmt *ref_query(cc_store *s, const char *key, const char *q,
                               const char *f, const char *t, const char *pf, const char *pt)
{
    char cur[1024], prv[1024], sql[4096];
    sqlite3_stmt *st;
    snprintf(cur, sizeof cur, cur_sql, key, "?1", "?2");
    snprintf(prv, sizeof prv, cur_sql, key, "?3", "?4");
    snprintf(sql, sizeof sql, "WITH cur AS (%s), prv AS (%s) %s", cur, prv, q);
    assert_int_equal(sqlite3_prepare_v2(s->db, sql, -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, f, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, t, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, pf, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, pt, -1, SQLITE_STATIC);
    return st;
}

static void reference(cc_store *s, const cc_units *u, cc_day from, cc_day to, double *out)
{
    static const char *const keys[3] = {"a.community_id", "c.street_id", "'all'"};
    static const char *const q[4] = {
        "SELECT k, COUNT(DISTINCT p), COUNT(DISTINCT CASE WHEN r = 'child' THEN p END), COUNT(DISTINCT h),"
        " COUNT(DISTINCT CASE WHEN sp = 1 THEN p END), COUNT(sp),"
        " COUNT(DISTINCT CASE WHEN r = 'volunteer' THEN p END) FROM cur GROUP BY k",
        "SELECT k, COUNT(DISTINCT p), COUNT(DISTINCT CASE WHEN r = 'volunteer' THEN p END)"
        " FROM prv GROUP BY k",
        "SELECT k, COUNT(DISTINCT p) FROM cur WHERE EXISTS"
        " (SELECT 1 FROM prv WHERE prv.k = cur.k AND prv.p = cur.p) GROUP BY k",
        "SELECT k, COUNT(DISTINCT p) FROM cur WHERE r = 'volunteer' AND EXISTS"
        " (SELECT 1 FROM prv WHERE prv.k = cur.k AND prv.p = cur.p AND prv.r = 'volunteer') GROUP BY k",
    };
    char f[11], t[11], pf[11], pt[11];
    cc_day_format(from, f);
    cc_day_format(to, t);
    cc_day_format(from - (to - from + 1), pf);
    cc_day_format(from - 1, pt);
    for (size_t i = 0; i < u->n * NALL; i++)
        out[i] = NAN;
    for (int level = 0; level < 3; level++) {
        for (int k = 0; k < 4; k++) {
            sqlite3_stmt *st = ref_query(s, keys[level], q[k], f, t, pf, pt);
            while (sqlite3_step(st) == SQLITE_ROW) {
                long x = cc_units_find(u, (cc_level)level, (const char *)sqlite3_column_text(st, 0));
                if (x < 0)
                    continue;
                double *v = out + (size_t)x * NALL;
                if (k == 0) {
                    v[M_PART] = sqlite3_column_double(st, 1);
                    v[M_CHILD] = sqlite3_column_double(st, 2);
                    v[M_HOMES] = sqlite3_column_int(st, 3) ? sqlite3_column_double(st, 3) : NAN;
                    v[M_SPECIAL] = sqlite3_column_int(st, 5) ? sqlite3_column_double(st, 4) : NAN;
                    v[M_VOL] = sqlite3_column_double(st, 6);
                    v[M_RET] = 0;
                    v[M_RETAINED] = 0;
                } else if (k == 1) {
                    v[M_PPART] = sqlite3_column_double(st, 1);
                    v[M_PVOL] = sqlite3_column_double(st, 2);
                } else {
                    v[k == 2 ? M_RET : M_RETAINED] = sqlite3_column_double(st, 1);
                }
            }
            sqlite3_finalize(st);
        }
    }
}

static void assert_same(const double *a, const double *b, const cc_units *u, cc_day from, cc_day to)
{
    for (size_t i = 0; i < u->n * NALL; i++) {
        int same = isnan(a[i]) ? isnan(b[i]) : !isnan(b[i]) && a[i] == b[i];
        if (!same) {
            char f[11], t[11];
            cc_day_format(from, f);
            cc_day_format(to, t);
            fail_msg("%s .. %s, unit %s, %s: %g (rosters) vs %g (SQL)", f, t, u->u[i / NALL].id,
                     all[i % NALL], a[i], b[i]);
        }
    }
}

/* The measures of [from, to] for the units as of units_day, against SQL. */
static int check_window(cc_store *s, cc_day units_day, cc_day from, cc_day to)
{
    cc_units u;
    assert_int_equal(cc_units_load(s, units_day, &u), CC_OK);
    double *got = malloc(u.n * NALL * sizeof *got), *want = malloc(u.n * NALL * sizeof *want);
    assert_int_equal(cc_measures_compute(s, &cfg, &u, from, to, all, NALL, got), CC_OK);
    reference(s, &u, from, to, want);
    assert_same(got, want, &u, from, to);
    int some = 0;
    for (size_t i = 0; i < u.n * NALL; i++)
        some |= !isnan(want[i]) && want[i] > 0;
    free(got);
    free(want);
    cc_units_release(&u);
    return some;
}

/* ---- a generated database ------------------------------------------------- */
static uint64_t rng = 88172645463325252ull;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static cc_store *generated(void)
{
    cc_store *s = fresh_db("gen.db");
    exec(s, "BEGIN");
    exec(s, "INSERT INTO communities (community_id, community_name, street_id, street_name, population, file_id, line)"
            " VALUES ('K01', '一', 'T1', '东', 100, 1, 2), ('K02', '二', 'T1', '东', 100, 1, 3),"
            " ('K03', '三', 'T1', '东', 100, 1, 4), ('K04', '四', 'T2', '西', 100, 1, 5),"
            " ('K05', '五', 'T2', '西', 100, 1, 6)");
    sqlite3_stmt *act, *att;
    assert_int_equal(sqlite3_prepare_v2(s->db, "INSERT INTO activities (activity_id, community_id, project, date,"
                                               " status, capacity, registered, attended, file_id, line)"
                                               " VALUES (?1, ?2, 'p', ?3, ?4, 10, 10, 5, 2, 1)", -1, &act, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(s->db, "INSERT OR IGNORE INTO attendance (activity_id, participant_id,"
                                               " household_id, role, special, file_id, line)"
                                               " VALUES (?1, ?2, ?3, ?4, ?5, 3, 1)", -1, &att, NULL),
                     SQLITE_OK);
    static const char *const comm[] = {"K01", "K02", "K03", "K04", "K99"};   /* K99: not registered */
    static const char *const roles[] = {"child", "child", "parent", "volunteer", "elder", "other", "grandparent"};
    int na = 0;
    for (cc_day d = ymd(2026, 5, 4); d <= ymd(2026, 11, 29); d++) {
        for (int c = 0; c < 5; c++) {
            if (rnd(7) >= 2)
                continue;
            char aid[32], day[11];
            snprintf(aid, sizeof aid, "A%04d", na++);
            cc_day_format(d, day);
            sqlite3_bind_text(act, 1, aid, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(act, 2, comm[c], -1, SQLITE_STATIC);
            sqlite3_bind_text(act, 3, day, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(act, 4, rnd(7) ? "completed" : "cancelled", -1, SQLITE_STATIC);
            assert_int_equal(sqlite3_step(act), SQLITE_DONE);
            sqlite3_reset(act);
            int rows = (int)rnd(9);
            for (int r = 0; r < rows; r++) {
                char pid[32], hid[40];
                unsigned k = rnd(40);
                if (k == 3)     /* longer than a cache slot holds */
                    snprintf(pid, sizeof pid, "a-much-longer-ID-%u", k);
                else if (k < 4) /* people who go to several communities */
                    snprintf(pid, sizeof pid, "X%u", k);
                else
                    snprintf(pid, sizeof pid, "%s-%u", comm[c], k);
                sqlite3_bind_text(att, 1, aid, -1, SQLITE_TRANSIENT);
                sqlite3_bind_text(att, 2, pid, -1, SQLITE_TRANSIENT);
                unsigned h = rnd(20);
                if (h < 4)
                    sqlite3_bind_null(att, 3);
                else if (h == 4)
                    sqlite3_bind_text(att, 3, "", 0, SQLITE_STATIC);     /* empty, not NULL: counted */
                else {
                    snprintf(hid, sizeof hid, "H%s", pid + (k < 4 ? 0 : 3));
                    hid[strlen(hid) - (strlen(hid) > 3)] = '\0';          /* a few people a household */
                    sqlite3_bind_text(att, 3, hid, -1, SQLITE_TRANSIENT);
                }
                sqlite3_bind_text(att, 4, roles[rnd(7)], -1, SQLITE_STATIC);
                switch (rnd(10)) {
                case 0: case 1: case 2: case 3: case 4: sqlite3_bind_null(att, 5); break;
                case 5: case 6: sqlite3_bind_int(att, 5, 0); break;
                case 7: sqlite3_bind_int(att, 5, 1); break;
                case 8: sqlite3_bind_text(att, 5, "yes", -1, SQLITE_STATIC); break;   /* known, not 1 */
                default: sqlite3_bind_double(att, 5, rnd(2) ? 1.0 : 2.0); break;
                }
                assert_int_equal(sqlite3_step(att), SQLITE_DONE);
                sqlite3_reset(att);
            }
        }
    }
    sqlite3_finalize(act);
    sqlite3_finalize(att);
    exec(s, "COMMIT");
    assert_int_equal(cc_store_rollup_weeks(s, ymd(2026, 1, 1), ymd(2026, 12, 31)), CC_OK);
    return s;
}

/* Communities per pass of a window read directly (CARECARD_ATTEND_BATCH);
 * -1: the default. */
static void attend_batch(long n)
{
    cc_tuning t = *cc_tuning_get();
    t.attend_batch = n;
    cc_tuning_set(&t);
}

/* Every window of a weekly scorecard's history (period, last:4w, last:13w,
 * last:26w, each with the window before it), newest period first, through
 * the week cache; then the same windows read directly, all communities in
 * one pass and then a street per pass (X0..X3 go to both streets: the area
 * counts them once). */
static void test_weekly_history_equals_sql(void **state)
{
    (void)state;
    cc_store *s = generated();
    assert_true(scalar(s, "SELECT count(*) FROM attendance") > 1000);
    assert_fresh(s);
    for (int pass = 0; pass < 3; pass++) {
        attend_batch(pass == 2 ? 1 : -1);
        if (pass == 0)
            assert_int_equal(cc_measures_cache_begin(s), CC_OK);
        int some = 0;
        for (int k = 0; k < 12; k++) {
            cc_day end = ymd(2026, 11, 29) - 7 * k;
            some |= check_window(s, end, end - 6, end);
            some |= check_window(s, end, end - 27, end);
            some |= check_window(s, end, end - 90, end);
            some |= check_window(s, end, end - 181, end);
        }
        assert_true(some);
        if (pass == 0)
            cc_measures_cache_end(s);
    }
    attend_batch(-1);
    close_db(s);
}

/* Months, a quarter and windows that are not whole weeks: the direct path
 * filters the rosters of partial weeks by their day masks. */
static void test_other_windows_equal_sql(void **state)
{
    (void)state;
    cc_store *s = generated();
    static const int w[][6] = {
        {2026, 10, 1, 2026, 10, 31},    /* a month */
        {2026, 7, 1, 2026, 9, 30},      /* 2026-Q3 */
        {2026, 11, 17, 2026, 11, 19},   /* Tuesday .. Thursday */
        {2026, 9, 9, 2026, 9, 9},       /* one day */
        {2026, 11, 15, 2026, 11, 16},   /* Sunday .. Monday */
        {2026, 5, 1, 2026, 5, 10},      /* before the data .. its second week */
        {2026, 6, 3, 2026, 8, 27},      /* Wednesday .. Thursday, 12 weeks */
        {2026, 1, 1, 2026, 12, 31},     /* everything */
        {2026, 12, 1, 2026, 12, 31},    /* after the data */
    };
    int some = 0;
    for (size_t i = 0; i < sizeof w / sizeof *w; i++)
        some |= check_window(s, ymd(2026, 11, 29), ymd(w[i][0], w[i][1], w[i][2]), ymd(w[i][3], w[i][4], w[i][5]));
    assert_true(some);
    /* a street per pass, and two communities per pass (T1's three do not
     * fit: a street is never split) */
    for (long per = 1; per <= 2; per++) {
        attend_batch(per);
        for (size_t i = 0; i < sizeof w / sizeof *w; i++)
            check_window(s, ymd(2026, 11, 29), ymd(w[i][0], w[i][1], w[i][2]), ymd(w[i][3], w[i][4], w[i][5]));
    }
    attend_batch(-1);
    /* the same with the week cache on (these windows bypass it) */
    assert_int_equal(cc_measures_cache_begin(s), CC_OK);
    for (size_t i = 0; i < sizeof w / sizeof *w; i++)
        check_window(s, ymd(2026, 11, 29), ymd(w[i][0], w[i][1], w[i][2]), ymd(w[i][3], w[i][4], w[i][5]));
    cc_measures_cache_end(s);
    close_db(s);
}

/* ---- maintenance at ingest ---------------------------------------------------- */
static void write_file(const char *name, const char *text)
{
    char path[512];
    path_of(path, sizeof path, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static cc_err ingest(cc_store *s, const char *name, int strict)
{
    char path[512];
    path_of(path, sizeof path, name);
    const char *paths[1] = {path};
    cc_ingest_opts o = {0};
    o.kind = CC_KIND_UNKNOWN;     /* from the headers */
    o.strict = strict;
    o.rejects_dir = dir;
    cc_ingest_stats st;
    return cc_ingest_files(s, paths, 1, &o, &st);
}

/* name holds csv; ingest it, then the rosters equal a full rebuild. */
static void load(cc_store *s, const char *name, const char *csv)
{
    write_file(name, csv);
    assert_int_equal(ingest(s, name, 0), CC_OK);
    assert_fresh(s);
}

/* One measure of one community (or street) over the week starting monday. */
static double week_value(cc_store *s, cc_level level, const char *id, cc_day monday, int m)
{
    cc_units u;
    assert_int_equal(cc_units_load(s, monday + 6, &u), CC_OK);
    double *v = malloc(u.n * NALL * sizeof *v);
    assert_int_equal(cc_measures_compute(s, &cfg, &u, monday, monday + 6, all, NALL, v), CC_OK);
    long x = cc_units_find(&u, level, id);
    assert_true(x >= 0);
    double r = v[(size_t)x * NALL + (size_t)m];
    free(v);
    cc_units_release(&u);
    return r;
}

#define W45 ymd(2026, 11, 2)
#define W46 ymd(2026, 11, 9)
#define W47 ymd(2026, 11, 16)
#define assert_value(x, want) assert_true((x) == (want))
#define assert_missing(x) assert_true(isnan(x))

static const char communities_csv[] =
    "community_id,community_name,street_id,street_name,population\n"
    "K01,甲社区,T1,一街道,1000\n"
    "K02,乙社区,T1,一街道,1000\n";
static const char act_v1[] =
    "activity_id,community_id,project,date,status,capacity,registered,attended,hours\n"
    "A1,K01,p,2026-11-03,completed,10,10,3,1\n"        /* Tuesday of W45 */
    "A2,K01,p,2026-11-11,cancelled,10,10,0,1\n"        /* W46 */
    "A3,K02,p,2026-11-12,completed,10,10,2,1\n";       /* W46 */
static const char att_v1[] =
    "activity_id,participant_id,household_id,role,special\n"
    "A1,c1,H1,child,Y\n"
    "A1,c2,H1,child,N\n"
    "A1,v1,,volunteer,\n"
    "A2,c3,H3,child,N\n"
    "A3,c1,H1,child,Y\n"
    "A3,c4,,parent,\n";

static cc_store *ingested(void)
{
    cc_store *s = fresh_db("ingest.db");
    write_file("communities.csv", communities_csv);
    write_file("act.csv", act_v1);
    write_file("att.csv", att_v1);
    assert_int_equal(ingest(s, "communities.csv", 0), CC_OK);
    assert_int_equal(ingest(s, "act.csv", 0), CC_OK);
    assert_int_equal(ingest(s, "att.csv", 0), CC_OK);
    assert_int_equal(scalar(s, "SELECT count(*) FROM activities"), 3);
    assert_int_equal(scalar(s, "SELECT count(*) FROM attendance"), 6);
    return s;
}

/* The first ingest: W45 K01 = A1 (c1, c2 of H1, volunteer v1; c1 special),
 * W46 K01 = only A2, cancelled: no attendance; W46 K02 = A3 (c1, c4). */
static void test_ingest_builds(void **state)
{
    (void)state;
    cc_store *s = ingested();
    assert_fresh(s);
    assert_int_equal(scalar(s, "SELECT count(*) FROM attendance_weeks"), 2);
    assert_value(week_value(s, CC_LEVEL_COMMUNITY, "K01", W45, M_PART), 3);
    assert_value(week_value(s, CC_LEVEL_COMMUNITY, "K01", W45, M_CHILD), 2);
    assert_value(week_value(s, CC_LEVEL_COMMUNITY, "K01", W45, M_HOMES), 1);
    assert_value(week_value(s, CC_LEVEL_COMMUNITY, "K01", W45, M_SPECIAL), 1);
    assert_value(week_value(s, CC_LEVEL_COMMUNITY, "K01", W45, M_VOL), 1);
    assert_missing(week_value(s, CC_LEVEL_COMMUNITY, "K01", W46, M_PART));
    assert_value(week_value(s, CC_LEVEL_COMMUNITY, "K02", W46, M_PART), 2);
    assert_value(week_value(s, CC_LEVEL_COMMUNITY, "K02", W46, M_HOMES), 1);
    /* c1 came to K01 in W45 and to K02 in W46: returning at the street */
    assert_value(week_value(s, CC_LEVEL_STREET, "T1", W46, M_RET), 1);
    assert_value(week_value(s, CC_LEVEL_COMMUNITY, "K02", W46, M_RET), 0);
    /* c1, c2, v1, c4 and H1 numbered once each */
    assert_int_equal(scalar(s, "SELECT count(*) FROM ids"), 5);
    close_db(s);
}

/* act.csv again with A1 moved from W45 to W46: the file replaces the earlier
 * version, and both weeks are rebuilt. */
static void test_replaced_file_moves_activity(void **state)
{
    (void)state;
    cc_store *s = ingested();
    load(s, "act.csv", "activity_id,community_id,project,date,status,capacity,registered,attended,hours\n"
                       "A1,K01,p,2026-11-10,completed,10,10,3,1\n"
                       "A2,K01,p,2026-11-11,cancelled,10,10,0,1\n"
                       "A3,K02,p,2026-11-12,completed,10,10,2,1\n");
    assert_missing(week_value(s, CC_LEVEL_COMMUNITY, "K01", W45, M_PART));
    assert_value(week_value(s, CC_LEVEL_COMMUNITY, "K01", W46, M_PART), 3);
    assert_value(week_value(s, CC_LEVEL_STREET, "T1", W46, M_PART), 4);     /* c1 c2 v1 c4 */
    assert_int_equal(scalar(s, "SELECT count(*) FROM attendance_weeks WHERE week = '2026-11-02'"), 0);
    close_db(s);
}

/* Other files correct rows of act.csv: A3 moved from W46 to W47 (the old
 * week, known only from the stored row, is rebuilt too), then A2 cancelled
 * -> completed (its attendance now counts) and back. */
static void test_row_of_another_file(void **state)
{
    (void)state;
    cc_store *s = ingested();
    load(s, "fix.csv", "activity_id,community_id,project,date,status,capacity,registered,attended,hours\n"
                       "A3,K02,p,2026-11-17,completed,10,10,2,1\n");
    assert_missing(week_value(s, CC_LEVEL_COMMUNITY, "K02", W46, M_PART));
    assert_value(week_value(s, CC_LEVEL_COMMUNITY, "K02", W47, M_PART), 2);
    load(s, "fix2.csv", "activity_id,community_id,project,date,status,capacity,registered,attended,hours\n"
                        "A2,K01,p,2026-11-11,completed,10,10,1,1\n");
    assert_value(week_value(s, CC_LEVEL_COMMUNITY, "K01", W46, M_PART), 1);    /* c3 */
    assert_value(week_value(s, CC_LEVEL_COMMUNITY, "K01", W46, M_HOMES), 1);   /* H3 */
    assert_value(week_value(s, CC_LEVEL_COMMUNITY, "K01", W46, M_SPECIAL), 0);
    load(s, "fix3.csv", "activity_id,community_id,project,date,status,capacity,registered,attended,hours\n"
                        "A2,K01,p,2026-11-11,cancelled,10,10,0,1\n");
    assert_missing(week_value(s, CC_LEVEL_COMMUNITY, "K01", W46, M_PART));
    close_db(s);
}

/* att.csv replaced: the rows of the earlier version are gone from every
 * week they were in, the new rows are counted. */
static void test_replaced_attendance(void **state)
{
    (void)state;
    cc_store *s = ingested();
    load(s, "att.csv", "activity_id,participant_id,household_id,role,special\n"
                       "A1,c1,H1,child,Y\n"
                       "A3,c5,H5,volunteer,N\n");
    assert_value(week_value(s, CC_LEVEL_COMMUNITY, "K01", W45, M_PART), 1);
    assert_value(week_value(s, CC_LEVEL_COMMUNITY, "K01", W45, M_VOL), 0);
    assert_value(week_value(s, CC_LEVEL_COMMUNITY, "K02", W46, M_PART), 1);
    assert_value(week_value(s, CC_LEVEL_COMMUNITY, "K02", W46, M_VOL), 1);
    assert_value(week_value(s, CC_LEVEL_COMMUNITY, "K02", W46, M_SPECIAL), 0);
    /* a file of the same name that now holds activities: the attendance
     * rows of att.csv go, A3's week is empty */
    load(s, "att.csv", "activity_id,community_id,project,date,status,capacity,registered,attended,hours\n"
                       "A9,K02,p,2026-11-18,completed,10,10,0,1\n");
    assert_missing(week_value(s, CC_LEVEL_COMMUNITY, "K02", W46, M_PART));
    assert_missing(week_value(s, CC_LEVEL_COMMUNITY, "K01", W45, M_PART));
    close_db(s);
}

/* An activities file replaced without one of its activities: the activity
 * leaves the log, its attendance rows no longer count. */
static void test_activity_removed(void **state)
{
    (void)state;
    cc_store *s = ingested();
    load(s, "act.csv", "activity_id,community_id,project,date,status,capacity,registered,attended,hours\n"
                       "A2,K01,p,2026-11-11,cancelled,10,10,0,1\n"
                       "A3,K02,p,2026-11-12,completed,10,10,2,1\n");
    assert_missing(week_value(s, CC_LEVEL_COMMUNITY, "K01", W45, M_PART));
    assert_value(week_value(s, CC_LEVEL_COMMUNITY, "K02", W46, M_PART), 2);
    close_db(s);
}

/* Rosters from the rows in hand (the feed) are what a full rebuild gives:
 * a file of a new week into a database whose IDs are numbered (A4, W47),
 * with a repeated key (the later row replaces the earlier: its week is read
 * back), NULL household and special, an activity in another week (A1) whose
 * week already has rosters (read back), a cancelled activity (A2); spilled
 * to the temporary file every 2 entries; then a feed that gives up. */
/* The feed's limits through the tuning (CARECARD_ROSTER_FEED_MEM / _IDS);
 * -1: the defaults. */
static void feed_limits(long mem, long ids)
{
    cc_tuning t = *cc_tuning_get();
    t.roster_feed_mem = mem;
    t.roster_feed_ids = ids;
    cc_tuning_set(&t);
}

static void test_feed(void **state)
{
    (void)state;
    cc_store *s = ingested();
    load(s, "act2.csv", "activity_id,community_id,project,date,status,capacity,registered,attended,hours\n"
                        "A4,K02,p,2026-11-20,completed,10,10,3,1\n"
                        "A5,K01,p,2026-11-22,completed,10,10,3,1\n");
    feed_limits(2, -1);
    load(s, "att2.csv", "activity_id,participant_id,household_id,role,special\n"
                        "A4,c1,H1,child,Y\n"
                        "A4,c9,,child,\n"
                        "A4,n1,H9,parent,N\n"
                        "A5,c9,H9,child,N\n"
                        "A5,c9,H9,volunteer,N\n");
    assert_value(week_value(s, CC_LEVEL_COMMUNITY, "K02", W47, M_PART), 3);
    assert_value(week_value(s, CC_LEVEL_COMMUNITY, "K01", W47, M_VOL), 1);
    assert_value(week_value(s, CC_LEVEL_COMMUNITY, "K01", W47, M_CHILD), 0);
    load(s, "att3.csv", "activity_id,participant_id,household_id,role,special\n"
                        "A1,c7,H7,child,Y\n"
                        "A2,c8,H8,child,N\n"
                        "A4,c1,H1,child,N\n");
    assert_value(week_value(s, CC_LEVEL_COMMUNITY, "K01", W45, M_PART), 4);
    assert_value(week_value(s, CC_LEVEL_COMMUNITY, "K02", W47, M_SPECIAL), 0);
    feed_limits(-1, 1);
    write_file("att4.csv", "activity_id,participant_id,household_id,role,special\n"
                           "A5,c10,H10,child,Y\n");
    assert_int_equal(ingest(s, "att4.csv", 0), CC_OK);
    feed_limits(-1, -1);
    assert_fresh(s);
    assert_value(week_value(s, CC_LEVEL_COMMUNITY, "K01", W47, M_SPECIAL), 1);
    close_db(s);
}

/* The IDs of an attendance file numbered as one lookup each (the old path)
 * numbered them: an ID already in ids keeps its number, the new ones get
 * max(no) + 1, + 2, ... in BINARY (memcmp) order, whatever the order of the
 * rows.  IDs mixed old and new, sharing their first 8 bytes (the sort key),
 * one the prefix of another, shorter than 8 bytes, past the last of ids,
 * UTF-8. */
static void test_feed_numbering(void **state)
{
    (void)state;
    cc_store *s = ingested();
    const char *all_ids = "SELECT group_concat(no || '=' || id, ' ') FROM (SELECT no, id FROM ids ORDER BY no)";
    assert_string_equal(scalar_text(s, all_ids), "1=H1 2=c1 3=c2 4=c4 5=v1");
    load(s, "act2.csv", "activity_id,community_id,project,date,status,capacity,registered,attended,hours\n"
                        "A4,K02,p,2026-11-20,completed,10,10,3,1\n"
                        "A5,K01,p,2026-11-22,completed,10,10,3,1\n"
                        "A6,K01,p,2026-11-26,completed,10,10,3,1\n");
    load(s, "att2.csv", "activity_id,participant_id,household_id,role,special\n"
                        "A4,zz9,H10,child,Y\n"
                        "A4,c2,H1,child,N\n"
                        "A4,P000100010,,parent,\n"
                        "A4,P00010001,H0,child,N\n"
                        "A5,c1,H1,child,Y\n"
                        "A5,P000100002,H10,child,N\n"
                        "A5,社区人1,,volunteer,\n"
                        "A5,P0001000,H1,child,N\n"
                        "A5,A0,,parent,\n"
                        "A5,c10,H0,child,N\n"
                        "A5,v1,,volunteer,\n");
    assert_string_equal(scalar_text(s, all_ids),
                        "1=H1 2=c1 3=c2 4=c4 5=v1 6=A0 7=H0 8=H10 9=P0001000 10=P000100002"
                        " 11=P00010001 12=P000100010 13=c10 14=zz9 15=社区人1");
    /* again, the new ones among old ones of the same 8-byte prefix */
    load(s, "att3.csv", "activity_id,participant_id,household_id,role,special\n"
                        "A6,P000100003,H10,child,N\n"
                        "A6,Z,,parent,\n"
                        "A6,P00010001,H2,child,N\n"
                        "A6,P00010000,H1,child,N\n"
                        "A6,P0001000,,parent,\n"
                        "A6,P000100010,H0,child,N\n"
                        "A6,社区人0,,volunteer,\n");
    assert_string_equal(scalar_text(s, all_ids),
                        "1=H1 2=c1 3=c2 4=c4 5=v1 6=A0 7=H0 8=H10 9=P0001000 10=P000100002"
                        " 11=P00010001 12=P000100010 13=c10 14=zz9 15=社区人1"
                        " 16=H2 17=P00010000 18=P000100003 19=Z 20=社区人0");
    assert_value(week_value(s, CC_LEVEL_COMMUNITY, "K01", ymd(2026, 11, 23), M_PART), 7);
    close_db(s);
}

/* A file refused by --strict and an interrupted ingest change nothing. */
static void test_refused_and_interrupted(void **state)
{
    (void)state;
    cc_store *s = ingested();
    char *before = dump(s);
    long long ids = scalar(s, "SELECT count(*) FROM ids");
    write_file("bad.csv", "activity_id,participant_id,household_id,role,special\n"
                          "A2,c7,H7,child,Y\n"
                          "A1,c8,H8,alien,N\n");
    assert_int_equal(ingest(s, "bad.csv", 1), CC_ERR_DATA);
    char *after = dump(s);
    assert_string_equal(before, after);
    free(after);
    write_file("more.csv", "activity_id,community_id,project,date,status,capacity,registered,attended,hours\n"
                           "A1,K01,p,2026-11-17,completed,10,10,3,1\n");
    cc_interrupted = 1;
    cc_err e = ingest(s, "more.csv", 0);
    cc_interrupted = 0;
    assert_int_equal(e, CC_ERR_INTERRUPTED);
    after = dump(s);
    assert_string_equal(before, after);
    assert_int_equal(scalar(s, "SELECT count(*) FROM ids"), ids);
    assert_int_equal(scalar(s, "SELECT count(*) FROM activities WHERE date = '2026-11-03'"), 1);
    free(after);
    free(before);
    /* the same files, accepted, do change it */
    assert_int_equal(ingest(s, "more.csv", 0), CC_OK);
    assert_fresh(s);
    assert_missing(week_value(s, CC_LEVEL_COMMUNITY, "K01", W45, M_PART));
    assert_value(week_value(s, CC_LEVEL_COMMUNITY, "K01", W47, M_PART), 3);
    close_db(s);
}

/* ---- migration --------------------------------------------------------------- */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

/* A version-2 database with the engine fixture's rows, made without
 * carecard; opened for writing it becomes version 4 with its rosters.  The
 * 13 weeks 08-24 .. 11-22 then give measure_test.c's hand-worked values
 * (L01 11 participants, 6 children, 6 households, 1 special, 3 volunteers;
 * L02 9 7 7 0 1; S01 19 12 12 1 4). */
static void test_migrate_v2(void **state)
{
    (void)state;
    char path[512];
    sqlite3 *raw;
    path_of(path, sizeof path, "v2.db");
    remove_db(path);
    assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
    char *schema = slurp("tests/unit/schema_v2.sql"), *rows = slurp("fixtures/test/engine/w47.sql");
    assert_int_equal(sqlite3_exec(raw, schema, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(raw, rows, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(raw, "PRAGMA user_version = 2", NULL, NULL, NULL), SQLITE_OK);
    free(schema);
    free(rows);
    sqlite3_close(raw);

    cc_err e;
    cc_store *s = cc_store_open(path, CC_STORE_READONLY, &e);   /* read-only: not migrated */
    assert_null(s);
    s = cc_store_open(path, 0, &e);
    assert_non_null(s);
    assert_int_equal(scalar(s, "PRAGMA user_version"), CC_SCHEMA_VERSION);
    /* 3 -> 4: no table of partners (split from activities.partners) */
    assert_int_equal(scalar(s, "SELECT count(*) FROM sqlite_master WHERE name = 'activity_partners'"), 0);
    assert_int_equal(scalar(s, "SELECT count(*) FROM sqlite_master WHERE name = 'attendance_special'"
                               " AND sql LIKE '%WHERE special = 1%'"), 1);
    assert_int_equal(scalar(s, "SELECT count(*) FROM ids"),
                     scalar(s, "WITH t AS (SELECT t.* FROM attendance t JOIN activities a USING (activity_id)"
                               " WHERE a.status = 'completed') SELECT count(*) FROM (SELECT participant_id"
                               " FROM t UNION SELECT household_id FROM t WHERE household_id IS NOT NULL)"));
    assert_true(scalar(s, "SELECT count(*) FROM attendance_weeks") > 0);
    assert_fresh(s);

    cc_units u;
    assert_int_equal(cc_units_load(s, ymd(2026, 11, 22), &u), CC_OK);
    double *v = malloc(u.n * NALL * sizeof *v);
    assert_int_equal(cc_measures_compute(s, &cfg, &u, ymd(2026, 8, 24), ymd(2026, 11, 22), all, NALL, v), CC_OK);
    static const struct { cc_level level; const char *id; double part, child, homes, sp, vol; } want[] = {
        {CC_LEVEL_COMMUNITY, "L01", 11, 6, 6, 1, 3},
        {CC_LEVEL_COMMUNITY, "L02", 9, 7, 7, 0, 1},
        {CC_LEVEL_STREET, "S01", 19, 12, 12, 1, 4},
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        const double *x = v + (size_t)cc_units_find(&u, want[i].level, want[i].id) * NALL;
        assert_value(x[M_PART], want[i].part);
        assert_value(x[M_CHILD], want[i].child);
        assert_value(x[M_HOMES], want[i].homes);
        assert_value(x[M_SPECIAL], want[i].sp);
        assert_value(x[M_VOL], want[i].vol);
    }
    assert_missing(v[(size_t)cc_units_find(&u, CC_LEVEL_COMMUNITY, "L03") * NALL + M_PART]);
    free(v);
    cc_units_release(&u);
    cc_store_close(s);
    /* opened again: nothing left to do */
    s = cc_store_open(path, CC_STORE_READONLY, &e);
    assert_non_null(s);
    close_db(s);
}

/* A new database is made at version 4 with the roster tables. */
static void test_fresh_is_v3(void **state)
{
    (void)state;
    cc_store *s = fresh_db("fresh.db");
    assert_int_equal(scalar(s, "PRAGMA user_version"), CC_SCHEMA_VERSION);
    assert_int_equal(CC_SCHEMA_VERSION, 9);
    assert_int_equal(scalar(s, "SELECT count(*) FROM sqlite_master WHERE name IN ('ids', 'attendance_weeks',"
                               " 'attendance_special', 'attendance_key', 'survey_responses_date', 'rejects_date',"
                               " 'plausibility_date')"), 7);
    /* nothing to build: no rows, no error */
    assert_int_equal(cc_store_rollup_weeks(s, ymd(2026, 1, 1), ymd(2026, 12, 31)), CC_OK);
    assert_int_equal(cc_store_rollup_weeks(s, ymd(2026, 12, 31), ymd(2026, 1, 1)), CC_OK);
    assert_int_equal(scalar(s, "SELECT count(*) FROM attendance_weeks"), 0);
    close_db(s);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/cc-roster-test-%ld", (long)getpid());
    mkdir(dir, 0700);
    cc_diag_set_verbosity(CC_DIAG_ERROR);
    return cc_config_load("fixtures/test/engine/indicators.ini", &cfg) == CC_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    cc_config_release(&cfg);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_weekly_history_equals_sql),
        cmocka_unit_test(test_other_windows_equal_sql),
        cmocka_unit_test(test_ingest_builds),
        cmocka_unit_test(test_replaced_file_moves_activity),
        cmocka_unit_test(test_row_of_another_file),
        cmocka_unit_test(test_replaced_attendance),
        cmocka_unit_test(test_activity_removed),
        cmocka_unit_test(test_feed),
        cmocka_unit_test(test_feed_numbering),
        cmocka_unit_test(test_refused_and_interrupted),
        cmocka_unit_test(test_migrate_v2),
        cmocka_unit_test(test_fresh_is_v3),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
