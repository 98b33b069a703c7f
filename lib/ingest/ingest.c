/* ingest — fields to rows: header matching, kind detection, row validation,
 * cross-file references, rejects, one transaction per file.
 *
 * Speed: a reading thread reads, parses and checks the rows into batches
 * while the calling thread stores them (load_rows); prepared statements
 * reused for every row, accepted rows stored ROWS_MANY to an INSERT, survey
 * answers TUPLES_MANY to a statement; one transaction per file;
 * nothing allocated per row (values point into the batch's copy of the
 * record); references looked up through an in-memory set (communities) or an
 * indexed prepared SELECT with a one-entry cache (activities, providers);
 * the secondary indexes of a big file's table rebuilt once at the end.
 */
#include "store/db.h"
#include "ingest/ingest.h"
#include "ingest/kinds.h"
#include "ingest/ledger_in.h"
#include "ingest/book.h"
#include "text/sheet.h"

#include <dirent.h>
#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_SHOWN 100          /* per file: rejected rows / duplicate notices printed */
#define ID_MAX 64
#define TEXT_MAX 1000

/* ---- small string set / map (communities) -------------------------------- */

typedef struct {
    char **keys;
    char **vals;              /* map value, or AMBIGUOUS */
    size_t cap, n;
} strmap;

static char ambiguous_marker[] = "";
#define AMBIGUOUS ambiguous_marker

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

static void map_release(strmap *m)
{
    for (size_t i = 0; i < m->cap; i++) {
        free(m->keys[i]);
        if (m->vals && m->vals[i] != AMBIGUOUS)
            free(m->vals[i]);
    }
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

static size_t map_slot(const strmap *m, const char *s, size_t n)
{
    size_t i = (size_t)hash_bytes(s, n) & (m->cap - 1);
    while (m->keys[i] && !(strlen(m->keys[i]) == n && !memcmp(m->keys[i], s, n)))
        i = (i + 1) & (m->cap - 1);
    return i;
}

static void map_put(strmap *m, const char *k, size_t kn, const char *v)
{
    if (!m->cap || (m->n + 1) * 2 > m->cap) {
        strmap old = *m;
        m->cap = old.cap ? old.cap * 2 : 64;
        m->keys = cc_xcalloc(m->cap, sizeof *m->keys);
        m->vals = cc_xcalloc(m->cap, sizeof *m->vals);
        m->n = 0;
        for (size_t i = 0; i < old.cap; i++)
            if (old.keys[i]) {
                size_t j = map_slot(m, old.keys[i], strlen(old.keys[i]));
                m->keys[j] = old.keys[i];
                m->vals[j] = old.vals[i];
                m->n++;
            }
        free(old.keys);
        free(old.vals);
    }
    size_t i = map_slot(m, k, kn);
    if (m->keys[i]) {
        if (m->vals[i] != AMBIGUOUS && v && strcmp(m->vals[i], v)) {
            free(m->vals[i]);
            m->vals[i] = AMBIGUOUS;
        }
        return;
    }
    m->keys[i] = cc_xstrndup(k, kn);
    m->vals[i] = v ? cc_xstrdup(v) : NULL;
    m->n++;
}

/* 1 and *v = value when found */
static int map_get(const strmap *m, const char *k, size_t kn, const char **v)
{
    if (!m->cap)
        return 0;
    size_t i = map_slot(m, k, kn);
    if (!m->keys[i])
        return 0;
    if (v)
        *v = m->vals[i];
    return 1;
}

/* ---- per-file state ------------------------------------------------------ */

typedef struct {
    int st;                   /* CC_PARSE_OK / EMPTY / BAD */
    const char *s;            /* trimmed text */
    size_t n;
    int64_t i;
    double d;
    int b;
    int secs;
    cc_day day;
    const char *code;         /* enum code, or resolved community id */
    char fmt[12];             /* date/time as stored */
} val;

/* Rows of a small side table (survey answers) are not
 * stored one statement each: they are collected while a batch of rows is
 * stored, sorted by key and stored TUPLES_MANY to a statement (see
 * tuples_flush). Their text points into the batch being stored. */
#define TUPLES_MANY 64
/* Accepted rows are stored ROWS_MANY to an INSERT, up to the first whose key
 * is already stored (see store_rows). */
#define ROWS_MANY 128
typedef struct {
    const char *s[3];
    int n[3];
    size_t seq;               /* order of arrival: equal keys keep it */
} tuple;

typedef struct {
    int ncol;
    sqlite3_stmt *one, *many; /* 1 and TUPLES_MANY rows of ncol values */
    const char *what;         /* for an error: "storing a survey answer" */
    tuple *t;
    size_t n, cap;
} tuples;

typedef struct {
    cc_store *s;
    const cc_ingest_opts *opts;
    const char *path, *name;  /* as given, basename */
    const cc_kind_def *kd;
    cc_kind kind;
    int64_t file_id;
    /* header */
    size_t ncols_in;
    int *map;                 /* input column -> kind column, -1 ignored, -2 question */
    char **questions;         /* input column -> question text (surveys) */
    int *where;               /* kind column -> input column or -1 */
    char **header;            /* input headers, as typed (trimmed) */
    /* statements */
    sqlite3_stmt *ins, *ins_many, *ins_replace, *key_lookup, *answers_del;
    sqlite3_stmt *activity_q, *provider_q, *reject_ins, *plaus_ins, *plaus_del;
    tuples answers;
    char last_activity[ID_MAX * 4 + 1];
    char last_provider[ID_MAX * 4 + 1];
    strmap communities, community_names;
    /* rows */
    val *v;
    char reason[1536];
    const char *reason_col;   /* column key of the failure */
    cc_day today, too_old;
    cc_ingest_stats *st;
    long shown_rejects, shown_dups, plaus;
    /* rejects file */
    char *rej_path, *rej_tmp;
    FILE *rej;
    int rej_failed;
    /* column indices the rules name (-1 when the kind has no such column) */
    int x_places, x_inclusive, x_start, x_end, x_hours, x_status, x_attended, x_children, x_special,
        x_checks_passed, x_checks_total, x_registered, x_online, x_received, x_responded,
        x_capacity, x_community, x_as_of;
    /* secondary indexes dropped for a big load, recreated before commit */
    char **index_sql;
    int nindex;
    /* activities: derived hours */
    double hours;
    int hours_set;
    /* columns whose reference to a stored row check_row left to the storing
     * thread (bit ci; a kind has at most 64 columns, as detect_kind assumes),
     * see check_refs */
    uint64_t refs;
    uint64_t size;            /* of the input, for the progress bar */
    /* CARECARD_INGEST_TIMING: wall seconds at each step, threads' CPU seconds */
    double t[7], cpu_store, cpu_read;
    /* attendance rosters: the days this file changes, rebuilt before commit */
    cc_day roster_lo, roster_hi;
    int roster_x;             /* activities: date column; attendance: activity_id */
    int roster_old;           /* activities: a stored row may be replaced (look its date up) */
    sqlite3_stmt *roster_q;   /* the date of an activity (attendance: date, community, status) */
    char roster_last[ID_MAX * 4 + 1];
    /* attendance: the rosters built from the rows in hand (rollup.c's feed) */
    cc_roster_feed *feed;
    struct roster_act {       /* the activity of a row: its day, community and status */
        cc_day day;
        uint32_t comm;        /* the feed's number */
        int completed;
        int ok;               /* looked up */
    } ract, rgroup[ROWS_MANY];
    int rreplaced;            /* store_row replaced a stored row */
    int rx_p, rx_h, rx_role, rx_special;      /* attendance columns */
    const cc_sheet_unit *unit;                 /* a sheet of a workbook (book.c), else NULL */
} file_ctx;

static double now_s(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CARECARD_INGEST_TIMING=1: one line per file on stderr saying where the
 * time went (for profiling; see docs/performance.md). */
static void timing_report(const file_ctx *f)
{
    static int on = -1;
    if (on < 0)
        on = getenv("CARECARD_INGEST_TIMING") != NULL;
    if (!on)
        return;
    const double *t = f->t;
    fprintf(stderr, "carecard: timing %s: open+hash %.3f s, setup %.3f s, rows %.3f s (storing thread %.3f s CPU, "
            "reading thread %.3f s CPU), indexes %.3f s, rosters %.3f s, commit %.3f s\n", f->name, t[1] - t[0],
            t[5] - t[1], t[2] - t[5], f->cpu_store, f->cpu_read, t[3] - t[2], t[6] - t[3], t[4] - t[6]);
}

static void utc_now(char out[24])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* Value for a message: at most ~60 bytes, whole UTF-8 characters, control
 * characters shown as '?'. */
static void show_value(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0, i = 0;
    while (i < n && o + 8 < cap && o < 60) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7F) {
            out[o++] = '?';
            i++;
            continue;
        }
        int k = c < 0x80 ? 1 : cc_utf8_seqlen((const unsigned char *)s + i, n - i);
        if (k <= 0) {
            out[o++] = '?';
            i++;
            continue;
        }
        uint32_t cp = 0;
        if (k > 1 && cc_utf8_decode(s + i, n - i, &cp) > 0 &&
            (cp == 0xFEFF || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029)) {
            if (o + 12 >= cap)
                break;
            o += (size_t)snprintf(out + o, cap - o, "<U+%04X>", (unsigned)cp);
            i += (size_t)k;
            continue;
        }
        memcpy(out + o, s + i, (size_t)k);
        o += (size_t)k;
        i += (size_t)k;
    }
    if (i < n && o + 4 < cap) {
        memcpy(out + o, "\xE2\x80\xA6", 3);   /* … */
        o += 3;
    }
    out[o] = '\0';
}

static void fmt_num(double x, char *out, size_t cap)
{
    snprintf(out, cap, "%.15g", x);
}

/* "integer ≥ 0", "number 1–7", "a date (YYYY-MM-DD)" ... */
static void expect_text(const cc_col_def *c, char *out, size_t cap)
{
    char lo[32], hi[32];
    fmt_num(c->lo, lo, sizeof lo);
    fmt_num(c->hi, hi, sizeof hi);
    const char *what = c->type == CC_T_INT ? "integer" : "number";
    switch (c->type) {
    case CC_T_INT:
    case CC_T_NUM:
        if ((c->flags & CC_F_GE) && (c->flags & CC_F_LE))
            snprintf(out, cap, "%s %s–%s", what, lo, hi);
        else if ((c->flags & CC_F_GT) && (c->flags & CC_F_LE))
            snprintf(out, cap, "%s > %s and ≤ %s", what, lo, hi);
        else if (c->flags & CC_F_GE)
            snprintf(out, cap, "%s ≥ %s", what, lo);
        else if (c->flags & CC_F_GT)
            snprintf(out, cap, "%s > %s", what, lo);
        else
            snprintf(out, cap, "%s", what);
        break;
    case CC_T_DATE:
        snprintf(out, cap, "a date (2026-11-17, 2026/11/17, 2026年11月17日 or an Excel serial)");
        break;
    case CC_T_TIME:
        snprintf(out, cap, "a time (HH:MM, HH:MM:SS, 3:30 PM, 下午3:30)");
        break;
    case CC_T_BOOL:
        snprintf(out, cap, "yes or no (Y/N, yes/no, true/false, 1/0, 是/否)");
        break;
    case CC_T_ENUM: {
        size_t o = (size_t)snprintf(out, cap, "one of ");
        for (int i = 0; c->ev[i].code && o < cap; i++) {
            const char *lab = c->ev[i].labels;
            size_t ln = strcspn(lab, "|");
            int k = snprintf(out + o, cap - o, "%s%s (%.*s)", i ? ", " : "", c->ev[i].code, (int)ln, lab);
            if (k < 0 || (size_t)k >= cap - o)
                break;
            o += (size_t)k;
        }
        break;
    }
    case CC_T_ID:
        snprintf(out, cap, "an ID of 1–64 characters without control characters");
        break;
    default:
        snprintf(out, cap, "text of at most 1,000 characters");
        break;
    }
}

static int fail_col(file_ctx *f, int ci, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail_col(file_ctx *f, int ci, const char *fmt, ...)
{
    const cc_col_def *c = &f->kd->cols[ci];
    int o = snprintf(f->reason, sizeof f->reason, "column '%s' (%s): ", c->key, c->zh);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->reason + o, sizeof f->reason - (size_t)o, fmt, ap);
    va_end(ap);
    f->reason_col = c->key;
    return -1;
}

static int fail_value(file_ctx *f, int ci, const char *what)
{
    char shown[128];
    show_value(f->v[ci].s, f->v[ci].n, shown, sizeof shown);
    return fail_col(f, ci, "value '%s' — %s", shown, what);
}

/* 2026-02-30, 2026年2月30日: the shape of a date but no such day */
static int no_such_day(const char *s, size_t n)
{
    char buf[64];
    if (n >= sizeof buf)
        return 0;
    size_t m = cc_fold_fullwidth(s, n, buf, sizeof buf);
    if (m == (size_t)-1)
        return 0;
    int y, mo, d, used = 0;
    char s1, s2;
    if ((sscanf(buf, "%4d%c%2d%c%2d%n", &y, &s1, &mo, &s2, &d, &used) == 5 && s1 == s2 &&
         (s1 == '-' || s1 == '/' || s1 == '.')) ||
        (sscanf(buf, "%4d年%2d月%2d日%n", &y, &mo, &d, &used) == 3))
        return used > 0 && !cc_ymd_valid(y, mo, d);
    return 0;
}

static int fail_expected(file_ctx *f, int ci)
{
    if (f->kd->cols[ci].type == CC_T_DATE && f->v[ci].st == CC_PARSE_BAD && no_such_day(f->v[ci].s, f->v[ci].n))
        return fail_value(f, ci, "no such day in the calendar");
    char exp[512], what[600];
    expect_text(&f->kd->cols[ci], exp, sizeof exp);
    snprintf(what, sizeof what, "expected %s", exp);
    return fail_value(f, ci, what);
}

static int id_ok(const char *s, size_t n)
{
    size_t cps = 0, i = 0;
    while (i < n) {
        uint32_t cp;
        int k = cc_utf8_decode(s + i, n - i, &cp);
        if (k <= 0)
            return 0;
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0xFEFF || (cp >= 0x200B && cp <= 0x200F) ||
            cp == 0x2028 || cp == 0x2029)
            return 0;
        i += (size_t)k;
        cps++;
    }
    return cps >= 1 && cps <= ID_MAX;
}

/* Parse one cell of kind column ci into f->v[ci]. */
static void parse_cell(file_ctx *f, int ci, const char *s, size_t n)
{
    const cc_col_def *c = &f->kd->cols[ci];
    val *v = &f->v[ci];
    const char *t = cc_trim(s, &n);
    v->s = t;
    v->n = n;
    if (n == 0) {
        v->st = CC_PARSE_EMPTY;
        return;
    }
    switch (c->type) {
    case CC_T_ID:
        v->st = id_ok(t, n) ? CC_PARSE_OK : CC_PARSE_BAD;
        break;
    case CC_T_TEXT:
    case CC_T_LIST:
        v->st = cc_utf8_len(t, n) <= TEXT_MAX ? CC_PARSE_OK : CC_PARSE_BAD;
        break;
    case CC_T_INT:
        v->st = cc_parse_int(t, n, &v->i);
        v->d = (double)v->i;
        break;
    case CC_T_NUM:
        v->st = cc_parse_number(t, n, &v->d);
        break;
    case CC_T_DATE:
        v->st = cc_parse_date(t, n, &v->day);
        if (v->st == CC_PARSE_OK)
            cc_day_format(v->day, v->fmt);
        break;
    case CC_T_TIME:
        v->st = cc_parse_time(t, n, &v->secs);
        if (v->st == CC_PARSE_OK)
            cc_time_format(v->secs, v->fmt);
        break;
    case CC_T_BOOL:
        v->st = cc_parse_bool(t, n, &v->b);
        break;
    case CC_T_ENUM: {
        int k = cc_enum_match(c->ev, t, n);
        v->st = k >= 0 ? CC_PARSE_OK : CC_PARSE_BAD;
        if (k >= 0)
            v->code = c->ev[k].code;
        break;
    }
    }
}

static int range_ok(const cc_col_def *c, const val *v)
{
    if (c->type != CC_T_INT && c->type != CC_T_NUM)
        return 1;
    double x = v->d;
    if ((c->flags & CC_F_GE) && !(x >= c->lo))
        return 0;
    if ((c->flags & CC_F_GT) && !(x > c->lo))
        return 0;
    if ((c->flags & CC_F_LE) && !(x <= c->hi))
        return 0;
    return 1;
}

#define OK(ci) ((ci) >= 0 && f->v[ci].st == CC_PARSE_OK)

static int ref_exists(file_ctx *f, sqlite3_stmt *q, char *cache, const char *s, size_t n)
{
    if (strlen(cache) == n && !memcmp(cache, s, n))
        return 1;
    sqlite3_reset(q);
    sqlite3_bind_text(q, 1, s, (int)n, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    int found = rc == SQLITE_ROW;
    sqlite3_reset(q);
    if (found && n <= ID_MAX * 4) {
        memcpy(cache, s, n);
        cache[n] = '\0';
    }
    (void)f;
    return found;
}

/* Check the parsed row in table order; returns 0 or -1 with f->reason set.
 * A reference to a stored activity or provider needs the database: check_row
 * only notes the column in f->refs (it stops at the first failure, so a noted
 * column comes before any failure) and check_refs looks it up afterwards,
 * which gives the same first failure as checking it in place. */
static int check_row(file_ctx *f)
{
    const cc_kind_def *kd = f->kd;
    f->hours_set = 0;
    f->refs = 0;
    for (int ci = 0; ci < kd->ncols; ci++) {
        const cc_col_def *c = &kd->cols[ci];
        val *v = &f->v[ci];
        if (v->st == CC_PARSE_BAD)
            return fail_expected(f, ci);
        if (v->st == CC_PARSE_EMPTY && (c->flags & CC_F_REQ))
            return fail_col(f, ci, "missing — required");
        if (v->st == CC_PARSE_OK && !range_ok(c, v))
            return fail_expected(f, ci);
        /* references */
        if (v->st == CC_PARSE_OK && (c->flags & CC_F_COMMUNITY)) {
            const char *id = NULL;
            v->code = NULL;
            if (map_get(&f->communities, v->s, v->n, NULL)) {
                v->code = NULL;
            } else if ((c->flags & CC_F_BYNAME) && map_get(&f->community_names, v->s, v->n, &id)) {
                if (id == AMBIGUOUS)
                    return fail_value(f, ci, "names more than one community in the register; use the community ID");
                v->code = id;
            } else {
                return fail_value(f, ci, "no such community in the communities register");
            }
        }
        if (v->st == CC_PARSE_OK && (c->flags & (CC_F_ACTIVITY | CC_F_PROVIDER)))
            f->refs |= (uint64_t)1 << ci;

        /* pair rules */
        char num[64];
        if (v->st == CC_PARSE_EMPTY) {
            if (ci == f->x_hours) {
                int a = f->x_start, b = f->x_end;
                if (OK(a) && OK(b)) {
                    f->hours = (f->v[b].secs - f->v[a].secs) / 3600.0;
                    f->hours_set = 1;
                } else {
                    return fail_col(f, ci, "missing — give hours (时长) or both start_time and end_time");
                }
            } else if (ci == f->x_checks_passed && f->v[f->x_checks_total].st != CC_PARSE_EMPTY) {
                return fail_col(f, ci, "missing — required with checks_total");
            } else if (ci == f->x_checks_total && f->v[f->x_checks_passed].st != CC_PARSE_EMPTY) {
                return fail_col(f, ci, "missing — required with checks_passed");
            }
            continue;
        }
        int other = -1;
        const char *rel = NULL;
        if (ci == f->x_inclusive) {
            other = f->x_places;
        } else if (ci == f->x_end) {
            int a = f->x_start;
            if (OK(a) && !(v->secs > f->v[a].secs)) {
                snprintf(num, sizeof num, "expected later than start_time (%.*s)", (int)f->v[a].n, f->v[a].s);
                return fail_value(f, ci, num);
            }
        } else if (ci == f->x_hours) {
            f->hours = v->d;
            f->hours_set = 1;
        } else if (ci == f->x_attended) {
            int s = f->x_status;
            if (OK(s) && f->v[s].code[0] == 'c' && f->v[s].code[1] == 'a' && v->i != 0)
                return fail_value(f, ci, "expected 0 when status is cancelled");
        } else if (ci == f->x_children) {
            other = f->x_attended;
        } else if (ci == f->x_special) {
            other = OK(f->x_children) ? f->x_children : f->x_attended;
        } else if (ci == f->x_checks_passed) {
            if (range_ok(&kd->cols[f->x_checks_total], &f->v[f->x_checks_total]))
                other = f->x_checks_total;
        } else if (ci == f->x_online) {
            other = f->x_registered;
        } else if (ci == f->x_responded) {
            int r = f->x_received;
            if (OK(r) && v->day < f->v[r].day) {
                snprintf(num, sizeof num, "expected on or after received (%.*s)", (int)f->v[r].n, f->v[r].s);
                return fail_value(f, ci, num);
            }
        }
        if (OK(other) && v->i > f->v[other].i) {
            rel = kd->cols[other].key;
            snprintf(num, sizeof num, "expected ≤ %s (%lld)", rel, (long long)f->v[other].i);
            return fail_value(f, ci, num);
        }
    }
    return 0;
}

static int roster_activity(file_ctx *f, const char *s, size_t n);

/* The references check_row noted, in column order: 0, or -1 with f->reason
 * set for the first one that names no stored row. */
static int check_refs(file_ctx *f, uint64_t refs)
{
    for (int ci = 0; refs; ci++, refs >>= 1) {
        if (!(refs & 1))
            continue;
        const cc_col_def *c = &f->kd->cols[ci];
        const val *v = &f->v[ci];
        if ((c->flags & CC_F_ACTIVITY) && !(f->kind == CC_KIND_ATTENDANCE && f->roster_q
                                                ? roster_activity(f, v->s, v->n)
                                                : ref_exists(f, f->activity_q, f->last_activity, v->s, v->n)))
            return fail_value(f, ci, "no such activity (not in the activities log)");
        if ((c->flags & CC_F_PROVIDER) && !ref_exists(f, f->provider_q, f->last_provider, v->s, v->n))
            return fail_value(f, ci, "no such provider (not in the providers register)");
    }
    return 0;
}

/* ---- SQL ----------------------------------------------------------------- */

static const char *db_col(const cc_col_def *c)
{
    return c->db ? c->db : c->key;
}

static int prep(file_ctx *f, const char *sql, sqlite3_stmt **st)
{
    int rc = sqlite3_prepare_v3(f->s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
    if (rc != SQLITE_OK) {
        cc_store_err(f->s, rc, "preparing a statement");
        return -1;
    }
    return 0;
}

static void finalize_all(file_ctx *f)
{
    sqlite3_stmt **all[] = {&f->ins, &f->ins_many, &f->ins_replace, &f->key_lookup, &f->answers_del, &f->activity_q, &f->provider_q,
                            &f->reject_ins, &f->plaus_ins, &f->plaus_del, &f->answers.one, &f->answers.many};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
        sqlite3_finalize(*all[i]);
        *all[i] = NULL;
    }
    sqlite3_finalize(f->roster_q);
    f->roster_q = NULL;
}

static int step_done(file_ctx *f, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        cc_store_err(f->s, rc, what);
        return -1;
    }
    return 0;
}

/* Step an INSERT OR FAIL of n rows: how many it stored (n, or those before
 * the row a constraint refused), or -1 (said) on another error. */
static int step_stored(file_ctx *f, sqlite3_stmt *st, int n, const char *what)
{
    sqlite3_int64 before = sqlite3_total_changes64(f->s->db);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return n;
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return (int)(sqlite3_total_changes64(f->s->db) - before);
    cc_store_err(f->s, rc, what);
    return -1;
}

/* into: "table (columns)".  One tuple: INSERT OR REPLACE; TUPLES_MANY: INSERT
 * OR FAIL, which keeps no statement journal (with REPLACE, SQLite copied each
 * page the INSERT changed to a temporary file first: 19 GB written for the
 * city's surveys) and stops at a refused tuple, keeping those before it. */
static int prep_tuples(file_ctx *f, tuples *tb, const char *into, int ncol, const char *what)
{
    cc_buf sql = CC_BUF_INIT;
    const char *one = ncol == 2 ? "(?, ?)" : "(?, ?, ?)";
    cc_buf_addf(&sql, "INSERT OR REPLACE INTO %s VALUES %s", into, one);
    int rc = prep(f, sql.s, &tb->one);
    cc_buf_reset(&sql);
    cc_buf_addf(&sql, "INSERT OR FAIL INTO %s VALUES %s", into, one);
    for (int i = 1; i < TUPLES_MANY; i++)
        cc_buf_addf(&sql, ", %s", one);
    rc |= prep(f, sql.s, &tb->many);
    cc_buf_release(&sql);
    tb->ncol = ncol;
    tb->what = what;
    tb->n = 0;
    return rc;
}

static void tuples_add(tuples *tb, const char *a, size_t an, const char *b, size_t bn, const char *c, size_t cn)
{
    if (tb->n == tb->cap) {
        tb->cap = tb->cap ? tb->cap * 2 : 256;
        tb->t = cc_xrealloc(tb->t, tb->cap * sizeof *tb->t);
    }
    tuple *t = &tb->t[tb->n];
    t->s[0] = a, t->n[0] = (int)an;
    t->s[1] = b, t->n[1] = (int)bn;
    t->s[2] = c, t->n[2] = (int)cn;
    t->seq = tb->n++;
}

/* SQLite's BINARY order of the first *nkey columns (the primary key:
 * response and question), then arrival (a later answer to the
 * same question replaces an earlier one, as it did stored one at a time) */
static int tuple_cmp(const void *x, const void *y, void *nkey)
{
    const tuple *a = x, *b = y;
    for (int i = 0; i < *(int *)nkey; i++) {
        int m = a->n[i] < b->n[i] ? a->n[i] : b->n[i];
        int c = memcmp(a->s[i], b->s[i], (size_t)m);
        if (c || a->n[i] != b->n[i])
            return c ? c : a->n[i] < b->n[i] ? -1 : 1;
    }
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Store the collected rows, in key order (nearby rows of the b-tree one after
 * the other), and empty the list. */
static int tuples_flush(file_ctx *f, tuples *tb)
{
    if (!tb->n)
        return 0;
    int nkey = 2;
    qsort_r(tb->t, tb->n, sizeof *tb->t, tuple_cmp, &nkey);
    size_t i = 0;
    while (i < tb->n) {
        if (tb->n - i >= TUPLES_MANY) {
            int pos = 1;
            for (size_t j = i; j < i + TUPLES_MANY; j++)
                for (int c = 0; c < tb->ncol; c++)
                    sqlite3_bind_text(tb->many, pos++, tb->t[j].s[c], tb->t[j].n[c], SQLITE_STATIC);
            int stored = step_stored(f, tb->many, TUPLES_MANY, tb->what);
            if (stored < 0)
                return -1;
            i += (size_t)stored;
            if (stored == TUPLES_MANY)
                continue;
        }
        /* one tuple: the last few, or the one the INSERT of many refused
         * (the tuples before it are stored): it replaces */
        for (int c = 0; c < tb->ncol; c++)
            sqlite3_bind_text(tb->one, c + 1, tb->t[i].s[c], tb->t[i].n[c], SQLITE_STATIC);
        if (step_done(f, tb->one, tb->what) < 0)
            return -1;
        i++;
    }
    tb->n = 0;
    return 0;
}

static int prepare_kind(file_ctx *f)
{
    const cc_kind_def *kd = f->kd;
    cc_buf cols = CC_BUF_INIT, qs = CC_BUF_INIT, keyw = CC_BUF_INIT, sql = CC_BUF_INIT;
    for (int i = 0; i < kd->ncols; i++) {
        cc_buf_addf(&cols, "%s%s", i ? ", " : "", db_col(&kd->cols[i]));
        cc_buf_adds(&qs, i ? ", ?" : "?");
        if (kd->cols[i].flags & CC_F_KEY)
            cc_buf_addf(&keyw, "%s%s = ?", keyw.len ? " AND " : "", db_col(&kd->cols[i]));
    }
    int rc = 0;
    cc_buf_addf(&sql, "INSERT INTO %s (%s, file_id, line) VALUES (%s, ?, ?)", kd->table, cols.s, qs.s);
    rc |= prep(f, sql.s, &f->ins);
    /* OR FAIL: a row that breaks a constraint stops the INSERT and keeps the
     * rows before it, so SQLite keeps no statement journal to undo them
     * (with ABORT it wrote the pages each INSERT changed to a temporary
     * file: 8 GB for the city's attendance) */
    cc_buf_reset(&sql);
    cc_buf_addf(&sql, "INSERT OR FAIL INTO %s (%s, file_id, line) VALUES (%s, ?, ?)", kd->table, cols.s, qs.s);
    for (int i = 1; i < ROWS_MANY; i++)
        cc_buf_addf(&sql, ", (%s, ?, ?)", qs.s);
    /* optional: a SQLite built with a low limit on parameters stores row by row */
    if (sqlite3_prepare_v3(f->s->db, sql.s, -1, SQLITE_PREPARE_PERSISTENT, &f->ins_many, NULL) != SQLITE_OK)
        f->ins_many = NULL;
    cc_buf_reset(&sql);
    cc_buf_addf(&sql, "INSERT OR REPLACE INTO %s (%s, file_id, line) VALUES (%s, ?, ?)", kd->table, cols.s, qs.s);
    rc |= prep(f, sql.s, &f->ins_replace);
    cc_buf_reset(&sql);
    cc_buf_addf(&sql, "SELECT file_id, line FROM %s WHERE %s", kd->table, keyw.s);
    rc |= prep(f, sql.s, &f->key_lookup);
    cc_buf_release(&cols);
    cc_buf_release(&qs);
    cc_buf_release(&keyw);
    cc_buf_release(&sql);
    if (f->kind == CC_KIND_SURVEYS) {
        rc |= prep_tuples(f, &f->answers, "survey_answers (response_id, question, answer)", 3,
                          "storing a survey answer");
        rc |= prep(f, "DELETE FROM survey_answers WHERE response_id = ?", &f->answers_del);
    }
    rc |= prep(f, "SELECT 1 FROM activities WHERE activity_id = ?", &f->activity_q);
    rc |= prep(f, "SELECT 1 FROM providers WHERE provider_id = ?", &f->provider_q);
    rc |= prep(f, "INSERT INTO rejects (file_id, line, community_id, date, column_key, message) VALUES (?, ?, ?, ?, ?, ?)",
               &f->reject_ins);
    rc |= prep(f, "INSERT INTO plausibility (file_id, line, kind, row_key, community_id, date, message) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?)", &f->plaus_ins);
    rc |= prep(f, "DELETE FROM plausibility WHERE kind = ? AND row_key = ?", &f->plaus_del);
    return rc ? -1 : 0;
}

static int load_communities(file_ctx *f)
{
    sqlite3_stmt *q;
    if (prep(f, "SELECT community_id, community_name FROM communities", &q) < 0)
        return -1;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(q, 0);
        const char *name = (const char *)sqlite3_column_text(q, 1);
        if (id)
            map_put(&f->communities, id, strlen(id), NULL);
        if (id && name)
            map_put(&f->community_names, name, strlen(name), id);
    }
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE) {
        cc_store_err(f->s, rc, "reading the communities register");
        return -1;
    }
    return 0;
}

static void bind_val(sqlite3_stmt *st, int pos, const cc_col_def *c, const val *v)
{
    if (v->st != CC_PARSE_OK) {
        sqlite3_bind_null(st, pos);
        return;
    }
    switch (c->type) {
    case CC_T_INT:
        sqlite3_bind_int64(st, pos, v->i);
        break;
    case CC_T_NUM:
        sqlite3_bind_double(st, pos, v->d);
        break;
    case CC_T_DATE:
        sqlite3_bind_text(st, pos, v->fmt, 10, SQLITE_STATIC);
        break;
    case CC_T_TIME:
        sqlite3_bind_text(st, pos, v->fmt, 8, SQLITE_STATIC);
        break;
    case CC_T_BOOL:
        sqlite3_bind_int(st, pos, v->b);
        break;
    case CC_T_ENUM:
        sqlite3_bind_text(st, pos, v->code, -1, SQLITE_STATIC);
        break;
    default:
        if (v->code && (c->flags & CC_F_COMMUNITY))
            sqlite3_bind_text(st, pos, v->code, -1, SQLITE_STATIC);
        else
            sqlite3_bind_text(st, pos, v->s, (int)v->n, SQLITE_STATIC);
        break;
    }
}

/* Bind the row to parameters base+1 .. base+ncols+2 of st. */
static void bind_row(file_ctx *f, sqlite3_stmt *st, long line, int base)
{
    const cc_kind_def *kd = f->kd;
    for (int ci = 0; ci < kd->ncols; ci++) {
        const cc_col_def *c = &kd->cols[ci];
        const val *v = &f->v[ci];
        int pos = base + ci + 1;
        if (ci == f->x_hours) {
            if (f->hours_set)
                sqlite3_bind_double(st, pos, f->hours);
            else
                sqlite3_bind_null(st, pos);
        } else if (ci == f->x_status && v->st != CC_PARSE_OK) {
            sqlite3_bind_text(st, pos, "completed", -1, SQLITE_STATIC);
        } else if (ci == f->x_as_of && v->st != CC_PARSE_OK) {
            sqlite3_bind_text(st, pos, "0000-01-01", -1, SQLITE_STATIC);
        } else {
            bind_val(st, pos, c, v);
        }
    }
    sqlite3_bind_int64(st, base + kd->ncols + 1, f->file_id);
    sqlite3_bind_int64(st, base + kd->ncols + 2, line);
}

static void bind_key(file_ctx *f, sqlite3_stmt *st)
{
    int pos = 1;
    for (int ci = 0; ci < f->kd->ncols; ci++) {
        const cc_col_def *c = &f->kd->cols[ci];
        if (!(c->flags & CC_F_KEY))
            continue;
        if (ci == f->x_as_of && f->v[ci].st != CC_PARSE_OK)
            sqlite3_bind_text(st, pos, "0000-01-01", -1, SQLITE_STATIC);
        else
            bind_val(st, pos, c, &f->v[ci]);
        pos++;
    }
}

static void key_text(file_ctx *f, char *out, size_t cap)
{
    size_t o = 0;
    out[0] = '\0';
    for (int ci = 0; ci < f->kd->ncols && o < cap; ci++) {
        const cc_col_def *c = &f->kd->cols[ci];
        if (!(c->flags & CC_F_KEY))
            continue;
        const val *v = &f->v[ci];
        const char *s = v->st != CC_PARSE_OK ? "" : (c->type == CC_T_DATE || c->type == CC_T_TIME) ? v->fmt
                        : c->type == CC_T_ENUM ? v->code : NULL;
        if (s)
            o += (size_t)snprintf(out + o, cap - o, "%s%s", o ? "|" : "", s);
        else
            o += (size_t)snprintf(out + o, cap - o, "%s%.*s", o ? "|" : "", (int)v->n, v->s);
    }
}

static int store_answers(file_ctx *f, const cc_csv_record *rec, const val *rid)
{
    for (size_t i = 0; i < f->ncols_in && i < rec->n; i++) {
        if (f->map[i] != -2)
            continue;
        size_t n = rec->len[i];
        const char *t = cc_trim(rec->field[i], &n);
        if (!n)
            continue;
        tuples_add(&f->answers, rid->s, rid->n, f->questions[i], strlen(f->questions[i]), t, n);
    }
    return 0;
}

/* What a stored row adds to the side tables. */
static int store_extras(file_ctx *f, const cc_csv_record *rec)
{
    if (f->kind == CC_KIND_SURVEYS && store_answers(f, rec, &f->v[0]) < 0)
        return -1;
    return 0;
}

/* A sheet's reason names the column as typed and its cell: "column 实到人数 (E12): "
 * for the "column 'attended' (实到人数): " of fail_col. */
static const char *sheet_reason(file_ctx *f, long line, const char *reason, const char *col, char *buf, size_t cap)
{
    int ci = col ? cc_col_index(f->kd, col) : -1;
    if (!f->unit || ci < 0 || f->where[ci] < 0)
        return reason;
    const cc_col_def *c = &f->kd->cols[ci];
    char pre[300], ref[8];
    int o = snprintf(pre, sizeof pre, "column '%s' (%s): ", c->key, c->zh);
    if (o <= 0 || (size_t)o >= sizeof pre || strncmp(reason, pre, (size_t)o))
        return reason;
    cc_col_letters((size_t)f->where[ci], ref);
    snprintf(buf, cap, "column %s (%s%ld): %s", f->header[f->where[ci]][0] ? f->header[f->where[ci]] : c->key, ref,
             line, reason + o);
    return buf;
}

/* Store an accepted row; handles a key that is already stored. */
/* The notice of a row (line) whose key (as key_text writes it) an earlier
 * row of the same file (earlier) had. */
static void say_repeat(file_ctx *f, long line, const char *key, long earlier)
{
    if (f->unit)
        cc_notice("%s, row %ld: %s '%s' repeats row %ld; the later row (row %ld) replaces it", f->path, line,
                  f->kd->cols[0].key, key, earlier, line);
    else
        cc_notice("%s:%ld: %s '%s' repeats line %ld; the later row (line %ld) replaces it", f->path, line,
                  f->kd->cols[0].key, key, earlier, line);
    f->st->notices++;
}

static int store_row(file_ctx *f, const cc_csv_record *rec)
{
    bind_row(f, f->ins, rec->line, 0);
    int rc = sqlite3_step(f->ins);
    sqlite3_reset(f->ins);
    int existed = 0;
    if ((rc & 0xff) == SQLITE_CONSTRAINT) {
        existed = 1;
        f->rreplaced = 1;
        bind_key(f, f->key_lookup);
        if (sqlite3_step(f->key_lookup) == SQLITE_ROW) {
            int64_t fid = sqlite3_column_int64(f->key_lookup, 0);
            long line = (long)sqlite3_column_int64(f->key_lookup, 1);
            if (fid == f->file_id) {
                f->st->replaced++;
                if (f->shown_dups++ < MAX_SHOWN) {
                    char key[512];
                    key_text(f, key, sizeof key);
                    say_repeat(f, rec->line, key, line);
                }
            }
        }
        sqlite3_reset(f->key_lookup);
        if (tuples_flush(f, &f->answers) < 0)
            return -1;
        if (f->answers_del) {
            sqlite3_bind_text(f->answers_del, 1, f->v[0].s, (int)f->v[0].n, SQLITE_STATIC);
            if (step_done(f, f->answers_del, "replacing answers") < 0)
                return -1;
        }
        {
            char key[512];
            key_text(f, key, sizeof key);
            sqlite3_bind_text(f->plaus_del, 1, f->kd->name, -1, SQLITE_STATIC);
            sqlite3_bind_text(f->plaus_del, 2, key, -1, SQLITE_TRANSIENT);
            if (step_done(f, f->plaus_del, "replacing plausibility warnings") < 0)
                return -1;
        }
        bind_row(f, f->ins_replace, rec->line, 0);
        if (step_done(f, f->ins_replace, "storing a row") < 0)
            return -1;
    } else if (rc != SQLITE_DONE) {
        cc_store_err(f->s, rc, "storing a row");
        return -1;
    }
    (void)existed;
    return store_extras(f, rec);
}

/* ---- rejects --------------------------------------------------------------- */

static int plain_number(const char *s, size_t n)
{
    double d;
    return cc_parse_number(s, n, &d) == CC_PARSE_OK && !memchr(s, ',', n);
}

static void csv_cell(FILE *out, const char *s, size_t n)
{
    int formula = n && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') &&
                  !plain_number(s, n);
    int quote = formula;
    for (size_t i = 0; i < n && !quote; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
            quote = 1;
    if (!quote) {
        fwrite(s, 1, n, out);
        return;
    }
    fputc('"', out);
    if (formula)
        fputc('\'', out);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            fputc('"', out);
        fputc(s[i], out);
    }
    fputc('"', out);
}

static int open_rejects(file_ctx *f)
{
    if (f->rej || f->rej_failed)
        return f->rej ? 0 : -1;
    const char *dir = f->opts->rejects_dir;
    char *dbdir = NULL;
    if (!dir) {
        dbdir = cc_xstrdup(f->s->path);
        char *slash = strrchr(dbdir, '/');
        if (slash)
            *(slash == dbdir ? slash + 1 : slash) = '\0';
        else
            strcpy(dbdir, ".");
        dir = dbdir;
    }
    f->rej_path = cc_xasprintf("%s/%s.rejects.csv", dir, f->name);
    f->rej_tmp = cc_xasprintf("%s/.%s.rejects.csv.tmp%ld", dir, f->name, (long)getpid());
    free(dbdir);
    int fd = open(f->rej_tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || !(f->rej = fdopen(fd, "w"))) {
        cc_error("%s: cannot write the rejects file: %s", f->rej_path, strerror(errno));
        if (fd >= 0)
            close(fd);
        f->rej_failed = 1;
        return -1;
    }
    fchmod(fd, 0600);
    fputs(f->unit ? "\xEF\xBB\xBFsheet,row,\xE5\x8E\x9F\xE5\x9B\xA0,reason"   /* sheet,row,原因,reason */
                  : "\xEF\xBB\xBFline,\xE5\x8E\x9F\xE5\x9B\xA0,reason", f->rej);   /* line,原因,reason */
    for (size_t i = 0; i < f->ncols_in; i++) {
        fputc(',', f->rej);
        csv_cell(f->rej, f->header[i], strlen(f->header[i]));
    }
    fputs("\r\n", f->rej);
    return 0;
}

static int reject_row(file_ctx *f, const cc_csv_record *rec, const char *reason, const char *col)
{
    f->st->rows_rejected++;
    char said[2048];
    reason = sheet_reason(f, rec->line, reason, col, said, sizeof said);
    if (f->shown_rejects++ >= MAX_SHOWN)
        ;
    else if (!f->unit)
        cc_warn("%s:%ld: %s", f->path, rec->line, reason);
    else if (!strncmp(reason, "column ", 7))       /* "column 实到人数 (E12): …" */
        cc_warn("%s, row %ld, %s", f->path, rec->line, reason);
    else
        cc_warn("%s, row %ld: %s", f->path, rec->line, reason);
    if (open_rejects(f) == 0) {
        if (f->unit) {
            csv_cell(f->rej, f->unit->sheet, strlen(f->unit->sheet));
            fputc(',', f->rej);
        }
        char *zh = cc_msg_zh(reason);          /* the Chinese 原因, from the catalog */
        fprintf(f->rej, "%ld,", rec->line);
        csv_cell(f->rej, zh ? zh : reason, strlen(zh ? zh : reason));
        free(zh);
        fputc(',', f->rej);
        csv_cell(f->rej, reason, strlen(reason));
        for (size_t i = 0; i < rec->n; i++) {
            fputc(',', f->rej);
            csv_cell(f->rej, rec->field[i], rec->len[i]);
        }
        fputs("\r\n", f->rej);
    }
    sqlite3_stmt *st = f->reject_ins;
    sqlite3_bind_int64(st, 1, f->file_id);
    sqlite3_bind_int64(st, 2, rec->line);
    int cc = -1, dc = -1;
    for (int ci = 0; ci < f->kd->ncols; ci++) {
        if (cc < 0 && !strcmp(f->kd->cols[ci].key, "community_id"))
            cc = ci;
        if (dc < 0 && f->kd->cols[ci].type == CC_T_DATE && (f->kd->cols[ci].flags & (CC_F_PLAUS | CC_F_KEY)))
            dc = ci;
    }
    if (cc >= 0 && f->v[cc].st == CC_PARSE_OK)
        sqlite3_bind_text(st, 3, f->v[cc].code ? f->v[cc].code : f->v[cc].s,
                          f->v[cc].code ? -1 : (int)f->v[cc].n, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 3);
    if (dc >= 0 && f->v[dc].st == CC_PARSE_OK)
        sqlite3_bind_text(st, 4, f->v[dc].fmt, 10, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 4);
    if (col)
        sqlite3_bind_text(st, 5, col, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 5);
    sqlite3_bind_text(st, 6, reason, -1, SQLITE_STATIC);
    return step_done(f, st, "recording a rejected row");
}

static int plausibility(file_ctx *f, long line, const char *msg, const char *date)
{
    char key[512];
    key_text(f, key, sizeof key);
    int cc = f->x_community;
    sqlite3_stmt *st = f->plaus_ins;
    sqlite3_bind_int64(st, 1, f->file_id);
    sqlite3_bind_int64(st, 2, line);
    sqlite3_bind_text(st, 3, f->kd->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, key, -1, SQLITE_TRANSIENT);
    if (cc >= 0 && f->v[cc].st == CC_PARSE_OK)
        sqlite3_bind_text(st, 5, f->v[cc].code ? f->v[cc].code : f->v[cc].s,
                          f->v[cc].code ? -1 : (int)f->v[cc].n, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 5);
    if (date)
        sqlite3_bind_text(st, 6, date, 10, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 6);
    sqlite3_bind_text(st, 7, msg, -1, SQLITE_TRANSIENT);
    f->plaus++;
    return step_done(f, st, "recording a plausibility warning");
}

static int check_plausible(file_ctx *f, long line)
{
    const cc_kind_def *kd = f->kd;
    char msg[256];
    const char *date = NULL;
    for (int ci = 0; ci < kd->ncols; ci++) {
        if (!(kd->cols[ci].flags & CC_F_PLAUS) || f->v[ci].st != CC_PARSE_OK)
            continue;
        date = f->v[ci].fmt;
        if (f->v[ci].day > f->today) {
            snprintf(msg, sizeof msg, "%s %s is in the future", kd->cols[ci].key, date);
            if (plausibility(f, line, msg, date) < 0)
                return -1;
        } else if (f->v[ci].day < f->too_old) {
            snprintf(msg, sizeof msg, "%s %s is more than 400 days old", kd->cols[ci].key, date);
            if (plausibility(f, line, msg, date) < 0)
                return -1;
        }
    }
    if (f->x_capacity >= 0) {
        int a = f->x_attended, c = f->x_capacity;
        if (f->v[a].i * 2 > f->v[c].i * 3) {
            snprintf(msg, sizeof msg, "attended %lld is more than 1.5 × capacity %lld",
                     (long long)f->v[a].i, (long long)f->v[c].i);
            if (plausibility(f, line, msg, date) < 0)
                return -1;
        }
        if (f->hours_set && f->hours > 12) {
            char h[32];
            fmt_num(f->hours, h, sizeof h);
            snprintf(msg, sizeof msg, "hours %s is more than 12", h);
            if (plausibility(f, line, msg, date) < 0)
                return -1;
        }
    }
    return 0;
}

/* ---- header ---------------------------------------------------------------- */

static void list_headers(cc_buf *b, const cc_csv_record *rec)
{
    size_t shown = rec->n < 30 ? rec->n : 30;
    for (size_t i = 0; i < shown; i++) {
        size_t n = rec->len[i];
        const char *t = cc_trim(rec->field[i], &n);
        char v[128];
        show_value(t, n, v, sizeof v);
        cc_buf_addf(b, "%s%s", i ? ", " : "", v);
    }
    if (rec->n > shown)
        cc_buf_addf(b, ", … (%zu columns)", rec->n);
}

/* Map the header to kind k; returns number of required columns missing
 * (first one in *missing), or -1 for a duplicated column (message printed
 * when report). */
static int map_header(const cc_kind_def *kd, const cc_csv_record *rec, int *map, int *where,
                      int *missing, int *matched, const char *path, int report)
{
    for (int i = 0; i < kd->ncols; i++)
        where[i] = -1;
    *matched = 0;
    for (size_t i = 0; i < rec->n; i++) {
        int ci = cc_header_match(kd, rec->field[i], rec->len[i]);
        map[i] = ci;
        if (ci < 0)
            continue;
        if (where[ci] >= 0) {
            if (!report) {
                map[i] = -1;
                continue;
            }
            cc_error("%s: column '%s' (%s) appears twice (columns %d and %zu)", path, kd->cols[ci].key,
                     kd->cols[ci].zh, where[ci] + 1, i + 1);
            return -1;
        }
        where[ci] = (int)i;
        (*matched)++;
    }
    int miss = 0;
    *missing = -1;
    for (int i = 0; i < kd->ncols; i++)
        if ((kd->cols[i].flags & CC_F_REQ) && where[i] < 0) {
            if (*missing < 0)
                *missing = i;
            miss++;
        }
    return miss;
}

/* Detect the kind from the header: the kind with every required column (most
 * columns matched wins); else CC_KIND_UNKNOWN with *best the closest kind. */
static cc_kind detect_kind(const cc_csv_record *rec, cc_kind *best)
{
    int *map = cc_xmalloc((rec->n + 1) * sizeof *map);
    int where[64];
    cc_kind found = CC_KIND_UNKNOWN;
    int found_matched = -1;
    double best_score = 0;
    *best = CC_KIND_UNKNOWN;
    for (int k = 0; k < CC_KIND_COUNT; k++) {
        int missing, matched;
        int miss = map_header(&cc_kinds[k], rec, map, where, &missing, &matched, NULL, 0);
        if (miss < 0)
            miss = 99;
        int req = 0;
        for (int i = 0; i < cc_kinds[k].ncols; i++)
            req += !!(cc_kinds[k].cols[i].flags & CC_F_REQ);
        if (miss == 0 && matched > found_matched) {
            found = (cc_kind)k;
            found_matched = matched;
        }
        double score = (double)(req - miss) / req;
        if (score > best_score) {
            best_score = score;
            *best = (cc_kind)k;
        }
    }
    free(map);
    return found;
}

/* ---- one file -------------------------------------------------------------- */

/* The file's SHA-256 is computed by a thread of its own, reading the file
 * while cc_csv_open_opts makes its pass over it (UTF-8 validity, NUL bytes)
 * on the calling thread: both are ready before the "already ingested" check,
 * which is as cheap as before, and a new file no longer pays for the hash
 * after the pass (0.1 s and a read for the city's 148 MB of activities). */
typedef struct {
    const char *path;
    struct sha256_ctx sha;
    int ok;
} hash_ctx;

static void *hash_main(void *arg)
{
    hash_ctx *h = arg;
    enum { CHUNK = 1 << 20 };
    unsigned char *buf = cc_xmalloc(CHUNK);
    int fd = open(h->path, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd < 0 ? -1 : 0;
    sha256_init(&h->sha);
    while (fd >= 0 && (n = read(fd, buf, CHUNK)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        sha256_update(&h->sha, (size_t)n, buf);
    }
    h->ok = fd >= 0 && n == 0;
    if (fd >= 0)
        close(fd);
    free(buf);
    return NULL;
}

static void hash_scan(void *arg, const void *buf, size_t n)
{
    sha256_update(&((hash_ctx *)arg)->sha, n, buf);
}

static void file_release(file_ctx *f)
{
    finalize_all(f);
    cc_roster_feed_free(f->feed);
    f->feed = NULL;
    map_release(&f->communities);
    map_release(&f->community_names);
    if (f->questions)
        for (size_t i = 0; i < f->ncols_in; i++)
            free(f->questions[i]);
    if (f->header)
        for (size_t i = 0; i < f->ncols_in; i++)
            free(f->header[i]);
    for (int i = 0; i < f->nindex; i++)
        free(f->index_sql[i]);
    free(f->index_sql);
    free(f->answers.t);
    free(f->questions);
    free(f->header);
    free(f->map);
    free(f->where);
    free(f->v);
    if (f->rej) {
        fclose(f->rej);
        f->rej = NULL;
    }
    if (f->rej_tmp)
        unlink(f->rej_tmp);
    free(f->rej_tmp);
    free(f->rej_path);
}

/* offset: bytes of input read so far, of size: to the progress callback */
static void progress(file_ctx *f, uint64_t offset, uint64_t size, int done)
{
    if (!f->opts->progress)
        return;
    cc_progress p = {"ingest", f->name, (long)offset, (long)size, done ? 0 : f->st->rows_read, done};
    cc_progress_report(&p);
}

static int remove_earlier_versions(file_ctx *f)
{
    static const char *const tables[] = {"communities", "activities", "attendance", "survey_responses",
                                         "assessments", "providers", "trainings", "timebank", "feedback",
                                         "rejects", "plausibility"};
    sqlite3_stmt *q;
    if (prep(f, "SELECT file_id FROM files WHERE name = ? AND file_id <> ? AND superseded_by IS NULL", &q) < 0)
        return -1;
    sqlite3_bind_text(q, 1, f->name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, f->file_id);
    int64_t ids[256];
    int nids = 0, rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW && nids < 256)
        ids[nids++] = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    for (int i = 0; i < nids; i++) {
        char sql[256];
        snprintf(sql, sizeof sql,
                 "DELETE FROM survey_answers WHERE response_id IN (SELECT response_id FROM survey_responses WHERE file_id = %lld);",
                 (long long)ids[i]);
        if (cc_store_exec(f->s, sql) != CC_OK)
            return -1;
        for (size_t t = 0; t < sizeof tables / sizeof *tables; t++) {
            snprintf(sql, sizeof sql, "DELETE FROM %s WHERE file_id = %lld", tables[t], (long long)ids[i]);
            if (cc_store_exec(f->s, sql) != CC_OK)
                return -1;
        }
        snprintf(sql, sizeof sql, "UPDATE files SET superseded_by = %lld WHERE file_id = %lld",
                 (long long)f->file_id, (long long)ids[i]);
        if (cc_store_exec(f->s, sql) != CC_OK)
            return -1;
        cc_verbose("%s: replaces the earlier version of %s (file %lld)", f->path, f->name, (long long)ids[i]);
    }
    return 0;
}

/* A big file loads much faster into a table without its secondary indexes,
 * which are then built by sorting: drop them (inside the transaction) and
 * remember their SQL.  Only when the file is big against what the table
 * holds: a sort rebuilds the index over the whole table, so a week's file
 * into years of history goes through the indexes row by row (see
 * big_against_table). */
#define BIG_FILE (8u << 20)
/* input of a run (all its files) loaded through a rollback journal */
#define BULK_LOAD (8u << 20)
static int drop_indexes(file_ctx *f)
{
    sqlite3_stmt *q;
    if (prep(f, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name = ?", &q) < 0)
        return -1;
    sqlite3_bind_text(q, 1, f->kd->table, -1, SQLITE_STATIC);
    cc_buf drop = CC_BUF_INIT;
    while (sqlite3_step(q) == SQLITE_ROW) {
        f->index_sql = cc_xrealloc(f->index_sql, (size_t)(f->nindex + 1) * sizeof *f->index_sql);
        f->index_sql[f->nindex++] = cc_xstrdup((const char *)sqlite3_column_text(q, 1));
        cc_buf_addf(&drop, "DROP INDEX \"%s\";", (const char *)sqlite3_column_text(q, 0));
    }
    sqlite3_finalize(q);
    int rc = drop.len && cc_store_exec(f->s, drop.s) != CC_OK ? -1 : 0;
    cc_buf_release(&drop);
    return rc;
}

static int threads_wanted(void);

/* The rows of a file of about `size` bytes, from the lines of its first MiB. */
static double estimate_rows(const char *path, off_t size)
{
    enum { SAMPLE = 1 << 20 };
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    char *buf = cc_xmalloc(SAMPLE);
    ssize_t n = read(fd, buf, SAMPLE);
    close(fd);
    size_t lines = 0;
    for (ssize_t i = 0; i < n; i++)
        lines += buf[i] == '\n';
    free(buf);
    if (n <= 0 || lines == 0)
        return 0;
    return (double)lines * ((double)size / (double)n);
}

/* Rebuilding an index by sorting costs about a third of inserting each row
 * through it, but it sorts every row of the table: worth it when the file
 * brings at least half as many rows as the table holds (the rows of the
 * current files of its kind, from the files table). */
static int big_against_table(file_ctx *f, const char *path, off_t size)
{
    if ((size_t)size < BIG_FILE)
        return 0;
    sqlite3_stmt *q;
    if (prep(f, "SELECT coalesce(sum(rows_accepted), 0) FROM files WHERE kind = ? AND superseded_by IS NULL"
                " AND file_id <> ?", &q) < 0)
        return -1;
    sqlite3_bind_text(q, 1, f->kd->name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, f->file_id);
    double stored = sqlite3_step(q) == SQLITE_ROW ? (double)sqlite3_column_int64(q, 0) : 0;
    sqlite3_finalize(q);
    double rows = !f->unit ? estimate_rows(path, size) : f->unit->rows ? (double)f->unit->rows : (double)size / 150;
    int big = rows * 2 >= stored;
    cc_verbose("%s: about %.0f rows, %.0f stored: indexes %s", path, rows, stored,
               big ? "rebuilt after the load" : "kept during the load");
    return big;
}

/* Rows that a unique index (attendance_key) refuses after a big load without
 * it: the rows of one key, oldest first.  This file's rows were appended
 * after every stored row, in line order, so the row with the highest rowid is
 * the one that inserting through the index would have kept: the others are
 * deleted, as INSERT OR REPLACE would have, and said as store_row says it:
 * the repeats come here in key order, the notices go out in line order (the
 * first MAX_SHOWN lines, as store_row would have shown them).
 * Their weeks' rosters are read back (the feed counted both rows). */
struct shown_dup {
    long line, pline;
    char *key;
};

static int resolve_duplicates(file_ctx *f)
{
    const cc_kind_def *kd = f->kd;
    cc_buf keys = CC_BUF_INIT, sql = CC_BUF_INIT;
    int nkey = 0, act = -1;
    for (int ci = 0; ci < kd->ncols; ci++)
        if (kd->cols[ci].flags & CC_F_KEY) {
            if (kd->cols[ci].flags & CC_F_ACTIVITY)
                act = nkey;
            cc_buf_addf(&keys, "%s%s", nkey++ ? ", " : "", db_col(&kd->cols[ci]));
        }
    cc_buf_addf(&sql, "SELECT rowid, file_id, line, %s FROM %s WHERE (%s) IN"
                      " (SELECT %s FROM %s GROUP BY %s HAVING count(*) > 1) ORDER BY %s, rowid",
                keys.s, kd->table, keys.s, keys.s, kd->table, keys.s, keys.s);
    sqlite3_stmt *q = NULL, *del = NULL, *pdel = NULL, *day = NULL;
    int rc = prep(f, sql.s, &q);
    cc_buf_reset(&sql);
    cc_buf_addf(&sql, "DELETE FROM %s WHERE rowid = ?", kd->table);
    rc = rc < 0 ? rc : prep(f, sql.s, &del);
    rc = rc < 0 ? rc : prep(f, "DELETE FROM plausibility WHERE kind = ? AND row_key = ? AND file_id = ? AND line = ?",
                            &pdel);
    rc = rc < 0 ? rc : prep(f, "SELECT date FROM activities WHERE activity_id = ?", &day);
    char key[512];                    /* as key_text writes it */
    cc_buf id[2] = {CC_BUF_INIT, CC_BUF_INIT};   /* the key exactly: each value's length, then it */
    int cur = 0;
    int64_t prow = 0, pfid = 0;
    long pline = 0, n = 0;
    int step;
    /* the notices still to show: the `room` earliest lines, in line order */
    int room = f->shown_dups < MAX_SHOWN ? (int)(MAX_SHOWN - f->shown_dups) : 0, nsd = 0;
    struct shown_dup *sd = room ? cc_xcalloc((size_t)room, sizeof *sd) : NULL;
    while (!rc && (step = sqlite3_step(q)) == SQLITE_ROW) {
        size_t o = 0;
        key[0] = '\0';
        cc_buf_reset(&id[cur]);
        for (int k = 0; k < nkey; k++) {
            const char *t = (const char *)sqlite3_column_text(q, 3 + k);
            size_t tn = (size_t)sqlite3_column_bytes(q, 3 + k);
            cc_buf_add(&id[cur], (const char *)&tn, sizeof tn);
            cc_buf_add(&id[cur], t ? t : "", tn);
            if (o < sizeof key)
                o += (size_t)snprintf(key + o, sizeof key - o, "%s%.*s", k ? "|" : "", (int)tn, t ? t : "");
        }
        int64_t row = sqlite3_column_int64(q, 0), fid = sqlite3_column_int64(q, 1);
        long line = (long)sqlite3_column_int64(q, 2);
        const cc_buf *a = &id[cur], *b = &id[!cur];
        cur = !cur;
        if (prow && a->len == b->len && !memcmp(a->s, b->s, a->len)) {   /* prow is replaced by row */
            n++;
            sqlite3_bind_int64(del, 1, prow);
            rc = step_done(f, del, "replacing a row");
            sqlite3_bind_text(pdel, 1, kd->name, -1, SQLITE_STATIC);
            sqlite3_bind_text(pdel, 2, key, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(pdel, 3, pfid);
            sqlite3_bind_int64(pdel, 4, pline);
            rc = rc < 0 ? rc : step_done(f, pdel, "replacing plausibility warnings");
            if (pfid == f->file_id && fid == f->file_id) {
                f->st->replaced++;
                f->shown_dups++;
                if (room && (nsd < room || line < sd[nsd - 1].line)) {
                    if (nsd == room)
                        free(sd[--nsd].key);
                    int j = nsd++;
                    for (; j > 0 && sd[j - 1].line > line; j--)
                        sd[j] = sd[j - 1];
                    sd[j] = (struct shown_dup){line, pline, cc_xstrdup(key)};
                }
            }
            if (f->feed && act >= 0) {
                const char *aid = (const char *)sqlite3_column_text(q, 3 + act);
                cc_day d;
                sqlite3_bind_text(day, 1, aid ? aid : "", -1, SQLITE_TRANSIENT);
                if (sqlite3_step(day) == SQLITE_ROW && sqlite3_column_text(day, 0) &&
                    cc_parse_date((const char *)sqlite3_column_text(day, 0), (size_t)sqlite3_column_bytes(day, 0),
                                  &d) == CC_PARSE_OK)
                    cc_roster_feed_readback(f->feed, d);
                sqlite3_reset(day);
            }
        }
        prow = row;
        pfid = fid;
        pline = line;
    }
    if (!rc && step != SQLITE_DONE) {
        cc_store_err(f->s, step, "finding repeated keys");
        rc = -1;
    }
    for (int i = 0; i < nsd; i++) {
        if (!rc) {
            say_repeat(f, sd[i].line, sd[i].key, sd[i].pline);
        }
        free(sd[i].key);
    }
    free(sd);
    sqlite3_finalize(q);
    sqlite3_finalize(del);
    sqlite3_finalize(pdel);
    sqlite3_finalize(day);
    cc_buf_release(&id[0]);
    cc_buf_release(&id[1]);
    cc_buf_release(&keys);
    cc_buf_release(&sql);
    if (!rc)
        cc_verbose("%s: %ld stored row%s replaced by a later one with the same key", f->path, n, n == 1 ? "" : "s");
    return rc;
}

/* SQLite sorts an index's keys in up to cache_size of memory of its own, on
 * top of the page cache (64 MB each): with the roster feed's IDs being sorted
 * at the same time, the five-year attendance file peaked at 265 MB.  The
 * sort gets 16 MB; past it, it merges runs from a temporary file, with a
 * second thread (PRAGMA threads) when ingest has two.  A unique index that
 * refuses repeated keys gets them resolved (resolve_duplicates) and is built
 * again. */
static int recreate_indexes(file_ctx *f)
{
    int rc = 0;
    if (!f->nindex)
        return 0;
    cc_store_exec(f->s, threads_wanted() > 1 ? "PRAGMA cache_size=-16384; PRAGMA threads=1"
                                             : "PRAGMA cache_size=-16384");
    for (int i = 0; i < f->nindex && !rc; i++) {
        int e = sqlite3_exec(f->s->db, f->index_sql[i], NULL, NULL, NULL);
        if ((e & 0xff) == SQLITE_CONSTRAINT && resolve_duplicates(f) == 0)
            e = sqlite3_exec(f->s->db, f->index_sql[i], NULL, NULL, NULL);
        if (e != SQLITE_OK) {
            cc_store_err(f->s, e, "building an index");
            rc = -1;
        }
    }
    cc_store_exec(f->s, "PRAGMA cache_size=-65536; PRAGMA threads=0");
    return rc;
}

static int sha_known(cc_store *s, const char *hex, char **when, char **name)
{
    sqlite3_stmt *q;
    int found = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT ingested_at, name FROM files WHERE sha256 = ?", -1, &q, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(q, 1, hex, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW) {
        found = 1;
        *when = cc_xstrdup((const char *)sqlite3_column_text(q, 0));
        *name = cc_xstrdup((const char *)sqlite3_column_text(q, 1));
    }
    sqlite3_finalize(q);
    return found;
}

/* The first line is valid UTF-8 with some non-ASCII characters. */
static int header_is_utf8(const char *path)
{
    char buf[8192];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    if (n <= 0)
        return 0;
    const char *nl = memchr(buf, '\n', (size_t)n);
    if (!nl)
        return 0;
    size_t len = (size_t)(nl - buf);
    int high = 0;
    for (size_t i = 0; i < len; i++)
        high |= (unsigned char)buf[i] >= 0x80;
    return high && cc_utf8_valid(buf, len);
}

/* ---- attendance rosters --------------------------------------------------------
 * attendance_weeks (lib/store/rollup.c) is derived from activities and
 * attendance; an activities or attendance file rebuilds, before its commit,
 * every week it changed: the dates of the activities it stores (and the old
 * date of an activity it replaces), the dates of the activities its
 * attendance rows belong to, and the dates of the rows an earlier version of
 * the same file name had. */
static void roster_touch(file_ctx *f, cc_day d)
{
    if (f->roster_lo > f->roster_hi) {
        f->roster_lo = f->roster_hi = d;
    } else {
        if (d < f->roster_lo)
            f->roster_lo = d;
        if (d > f->roster_hi)
            f->roster_hi = d;
    }
}

static void roster_touch_text(file_ctx *f, sqlite3_stmt *q, int col)
{
    cc_day d;
    const char *t = (const char *)sqlite3_column_text(q, col);
    if (t && cc_parse_date(t, (size_t)sqlite3_column_bytes(q, col), &d) == CC_PARSE_OK)
        roster_touch(f, d);
}

/* Before remove_earlier_versions: the days of the rows it is going to remove. */
static int roster_note_removed(file_ctx *f)
{
    static const char *const sql[] = {
        "SELECT min(date), max(date) FROM activities WHERE file_id = ?1",
        "SELECT min(a.date), max(a.date) FROM activities a WHERE a.activity_id IN"
        " (SELECT activity_id FROM attendance WHERE file_id = ?1)",
    };
    sqlite3_stmt *q, *r;
    int rc = 0;
    f->roster_lo = 1;
    f->roster_hi = 0;
    if (prep(f, "SELECT file_id, kind FROM files WHERE name = ? AND file_id <> ? AND superseded_by IS NULL", &q) < 0)
        return -1;
    sqlite3_bind_text(q, 1, f->name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, f->file_id);
    while (!rc && sqlite3_step(q) == SQLITE_ROW) {
        const char *kind = (const char *)sqlite3_column_text(q, 1);
        int k = !kind ? -1 : !strcmp(kind, "activities") ? 0 : !strcmp(kind, "attendance") ? 1 : -1;
        if (k < 0)
            continue;
        if (prep(f, sql[k], &r) < 0) {
            rc = -1;
            break;
        }
        sqlite3_bind_int64(r, 1, sqlite3_column_int64(q, 0));
        int src = sqlite3_step(r);
        if (src == SQLITE_ROW) {
            roster_touch_text(f, r, 0);
            roster_touch_text(f, r, 1);
        } else {
            cc_store_err(f->s, src, "finding the weeks of a replaced file");
            rc = -1;
        }
        sqlite3_finalize(r);
    }
    sqlite3_finalize(q);
    return rc;
}

/* After remove_earlier_versions: what to note per row. */
static int roster_prepare(file_ctx *f)
{
    f->roster_x = -1;
    f->roster_last[0] = '\0';
    if (f->kind == CC_KIND_ACTIVITIES) {
        sqlite3_stmt *q;
        f->roster_x = cc_col_index(f->kd, "date");
        if (prep(f, "SELECT 1 FROM activities LIMIT 1", &q) < 0)
            return -1;
        f->roster_old = sqlite3_step(q) == SQLITE_ROW;
        sqlite3_finalize(q);
    } else if (f->kind == CC_KIND_ATTENDANCE) {
        f->roster_x = cc_col_index(f->kd, "activity_id");
        f->rx_p = cc_col_index(f->kd, "participant_id");
        f->rx_h = cc_col_index(f->kd, "household_id");
        f->rx_role = cc_col_index(f->kd, "role");
        f->rx_special = cc_col_index(f->kd, "special");
        f->ract.ok = 0;
        /* CARECARD_ROSTER_READBACK=1: every week read back (the old way; tests compare) */
        const char *rb = getenv("CARECARD_ROSTER_READBACK");
        if (!(rb && atoi(rb) == 1) && f->rx_p >= 0 && f->rx_h >= 0 && f->rx_role >= 0 && f->rx_special >= 0)
            f->feed = cc_roster_feed_new(threads_wanted() > 1);
        /* one lookup per activity: the reference check, the week touched, the roster */
        return prep(f, "SELECT date, community_id, status FROM activities WHERE activity_id = ?", &f->roster_q);
    }
    if (f->roster_x < 0)
        return 0;
    return prep(f, "SELECT date FROM activities WHERE activity_id = ?", &f->roster_q);
}

/* Attendance: whether activity (s, n) is stored (check_refs), noting its
 * day, community and status in f->ract; rows come by activity, so the last
 * one is remembered. */
static int roster_activity(file_ctx *f, const char *s, size_t n)
{
    if (f->ract.ok && strlen(f->roster_last) == n && !memcmp(f->roster_last, s, n))
        return 1;
    f->ract.ok = 0;
    f->roster_last[0] = '\0';
    sqlite3_reset(f->roster_q);
    sqlite3_bind_text(f->roster_q, 1, s, (int)n, SQLITE_STATIC);
    if (sqlite3_step(f->roster_q) != SQLITE_ROW) {
        sqlite3_reset(f->roster_q);
        return 0;
    }
    const char *d = (const char *)sqlite3_column_text(f->roster_q, 0);
    const char *c = (const char *)sqlite3_column_text(f->roster_q, 1);
    const char *st = (const char *)sqlite3_column_text(f->roster_q, 2);
    if (d && c && cc_parse_date(d, (size_t)sqlite3_column_bytes(f->roster_q, 0), &f->ract.day) == CC_PARSE_OK) {
        f->ract.ok = 1;
        f->ract.completed = st && !strcmp(st, "completed");
        f->ract.comm = f->feed ? cc_roster_feed_community(f->feed, c, (size_t)sqlite3_column_bytes(f->roster_q, 1)) : 0;
        if (n <= ID_MAX * 4) {
            memcpy(f->roster_last, s, n);
            f->roster_last[n] = '\0';
        }
    }
    sqlite3_reset(f->roster_q);
    return 1;
}

/* The date of activity (s, n) as it is stored now, if it is. */
static int roster_touch_activity(file_ctx *f, const char *s, size_t n)
{
    sqlite3_reset(f->roster_q);
    sqlite3_bind_text(f->roster_q, 1, s, (int)n, SQLITE_STATIC);
    int rc = sqlite3_step(f->roster_q);
    if (rc == SQLITE_ROW)
        roster_touch_text(f, f->roster_q, 0);
    sqlite3_reset(f->roster_q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        cc_store_err(f->s, rc, "finding an activity's date");
        return -1;
    }
    return 0;
}

/* An accepted row (the i-th of its group), before it is stored. */
static int roster_note_row(file_ctx *f, int i)
{
    if (f->roster_x < 0)
        return 0;
    const val *v = &f->v[f->roster_x];
    if (f->kind == CC_KIND_ATTENDANCE) {      /* looked up by check_refs */
        if (f->rgroup[i].ok)
            roster_touch(f, f->rgroup[i].day);
        return 0;
    }
    if (f->kind == CC_KIND_ACTIVITIES) {
        if (v->st == CC_PARSE_OK)
            roster_touch(f, v->day);
        /* the activity it replaces may have been in another week */
        return f->roster_old ? roster_touch_activity(f, f->v[0].s, f->v[0].n) : 0;
    }
    /* attendance: rows come by activity; look each one up once */
    if (v->st != CC_PARSE_OK || (strlen(f->roster_last) == v->n && !memcmp(f->roster_last, v->s, v->n)))
        return 0;
    if (v->n <= ID_MAX * 4) {
        memcpy(f->roster_last, v->s, v->n);
        f->roster_last[v->n] = '\0';
    }
    return roster_touch_activity(f, v->s, v->n);
}

/* Attendance: the i-th row of its group is stored (f->rreplaced: in place
 * of a stored row); hand it to the feed. */
static void roster_stored(file_ctx *f, int i)
{
    if (!f->feed)
        return;
    const struct roster_act *a = &f->rgroup[i];
    if (!a->ok) {             /* not looked up (cannot be): read every week back */
        cc_roster_feed_free(f->feed);
        f->feed = NULL;
        return;
    }
    if (f->rreplaced)
        cc_roster_feed_readback(f->feed, a->day);
    if (!a->completed)
        return;
    const val *p = &f->v[f->rx_p], *h = &f->v[f->rx_h], *role = &f->v[f->rx_role], *sp = &f->v[f->rx_special];
    unsigned fl = 0;
    if (role->st == CC_PARSE_OK && role->code) {
        if (!strcmp(role->code, "child"))
            fl |= CC_ROSTER_CHILD;
        else if (!strcmp(role->code, "volunteer"))
            fl |= CC_ROSTER_VOLUNTEER;
    }
    if (sp->st == CC_PARSE_OK) {
        fl |= CC_ROSTER_KNOWN;
        if (sp->b == 1)
            fl |= CC_ROSTER_SPECIAL;
    }
    cc_roster_feed_row(f->feed, a->day, a->comm, p->s, p->n, h->st == CC_PARSE_OK ? h->s : NULL,
                       h->st == CC_PARSE_OK ? h->n : 0, fl);
}

/* Before commit: rebuild the weeks this file changed. */
static cc_err roster_rollup(file_ctx *f)
{
    sqlite3_finalize(f->roster_q);
    f->roster_q = NULL;
    cc_roster_feed *feed = f->feed;
    f->feed = NULL;
    if (f->roster_lo > f->roster_hi) {
        cc_roster_feed_free(feed);
        return CC_OK;
    }
    char a[11], b[11];
    cc_day_format(f->roster_lo, a);
    cc_day_format(f->roster_hi, b);
    cc_verbose("%s: rebuilding the attendance rosters of the weeks %s .. %s", f->path, a, b);
    if (feed)
        return cc_store_rollup_feed(f->s, f->roster_lo, f->roster_hi, feed);
    return cc_store_rollup_weeks(f->s, f->roster_lo, f->roster_hi);
}

/* ---- the rows: a reading thread and a storing thread ------------------------- *
 * The reading thread reads records and parses and checks them (everything
 * that needs no database) into batches; the calling thread, the only one that
 * touches the database, takes the batches in file order and, row by row,
 * looks up references to stored rows, stores the row or rejects it, and says
 * so. Everything seen (messages, rejects, the database) therefore happens in
 * the same order as when one row is read and stored at a time — which is what
 * CARECARD_INGEST_THREADS=1 does, with the same code, on one thread. */

#define BATCH_ROWS 1024
#define BATCH_ARENA (1u << 20)
#define NBATCH 4

typedef struct {
    cc_csv_record rec;        /* fields point into the batch arena */
    val *v;                   /* the parsed values (ncols) */
    const char *reason;       /* rejected by check_row: why (arena); else NULL */
    const char *reason_col;
    uint64_t refs;            /* references still to check (check_row's f->refs) */
    double hours;
    int hours_set;
} prow;

typedef struct {
    prow *rows;
    val *vals;                /* BATCH_ROWS x ncols */
    size_t n;
    char *arena;
    size_t alen, acap;
    uint64_t offset;          /* input read when the batch was closed */
    int end;                  /* 0 more follow, 1 end of input, -1 read error (err) */
    char err[300];
} batch;

typedef struct {
    file_ctx rf;              /* the reading thread's copy of the file context */
    cc_csv *r;
    batch b[NBATCH];
    int nbatch;
    unsigned long produced, consumed;
    int stop;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int pending;              /* prec was read but did not fit the last batch */
    cc_csv_record prec;
} pipe_ctx;

/* n bytes of the batch arena, aligned for pointers */
static void *arena_take(batch *b, size_t n)
{
    size_t at = (b->alen + 7) & ~(size_t)7;
    b->alen = at + n;
    return b->arena + at;
}

/* Parse and check one record into row (the reading thread's work). */
static void parse_row(file_ctx *f, batch *b, prow *row, const cc_csv_record *rec)
{
    /* the record's fields are contiguous, each followed by its NUL */
    const char *from = rec->field[0];
    size_t span = (size_t)(rec->field[rec->n - 1] + rec->len[rec->n - 1] + 1 - from);
    char *to = arena_take(b, span);
    memcpy(to, from, span);
    const char **field = arena_take(b, rec->n * sizeof *field);
    size_t *len = arena_take(b, rec->n * sizeof *len);
    for (size_t i = 0; i < rec->n; i++) {
        field[i] = to + (rec->field[i] - from);
        len[i] = rec->len[i];
    }
    row->rec.n = rec->n;
    row->rec.field = field;
    row->rec.len = len;
    row->rec.line = rec->line;
    row->rec.error_col = rec->error_col;

    f->v = row->v;
    for (int ci = 0; ci < f->kd->ncols; ci++) {
        int in = f->where[ci];
        if (in >= 0 && (size_t)in < rec->n)
            parse_cell(f, ci, field[in], len[in]);
        else {
            f->v[ci].st = CC_PARSE_EMPTY;
            f->v[ci].s = "";
            f->v[ci].n = 0;
        }
        f->v[ci].code = f->kd->cols[ci].type == CC_T_ENUM ? f->v[ci].code : NULL;
    }
    int bad = 0;
    f->refs = 0;
    f->hours_set = 0;
    if (rec->n > f->ncols_in) {
        int extra = 0;
        for (size_t i = f->ncols_in; i < rec->n; i++) {
            size_t n = len[i];
            cc_trim(field[i], &n);
            extra |= n != 0;
        }
        if (extra) {
            snprintf(f->reason, sizeof f->reason, "row has %zu fields but the header has %zu "
                     "(a comma inside a value that is not quoted?)", rec->n, f->ncols_in);
            f->reason_col = NULL;
            bad = -1;
        }
    }
    if (!bad && rec->error_col && (size_t)rec->error_col - 1 < f->ncols_in && f->map[rec->error_col - 1] >= 0) {
        /* a sheet's error cell (#DIV/0!, #N/A) in a column of the kind */
        int ci = f->map[rec->error_col - 1];
        f->v[ci].s = field[rec->error_col - 1];
        f->v[ci].n = len[rec->error_col - 1];
        bad = fail_value(f, ci, "an error cell (a formula that failed), not a value");
    }
    if (!bad)
        bad = check_row(f);
    row->refs = f->refs;
    row->hours = f->hours;
    row->hours_set = f->hours_set;
    row->reason = NULL;
    row->reason_col = NULL;
    if (bad) {
        size_t n = strlen(f->reason) + 1;
        row->reason = memcpy(arena_take(b, n), f->reason, n);
        row->reason_col = f->reason_col;
    }
}

/* Fill b with the next rows of the file. */
static void fill_batch(pipe_ctx *p, batch *b)
{
    file_ctx *f = &p->rf;
    b->n = 0;
    b->alen = 0;
    b->end = 0;
    while (b->n < BATCH_ROWS) {
        cc_csv_record rec;
        if (p->pending) {
            rec = p->prec;
            p->pending = 0;
        } else {
            int rc = cc_csv_next(p->r, &rec);
            if (rc == 0) {
                b->end = 1;
                break;
            }
            if (rc < 0) {
                snprintf(b->err, sizeof b->err, "%s", cc_csv_error(p->r));
                b->end = -1;
                break;
            }
            /* a row of empty cells (what spreadsheets leave at the end) is no row */
            int empty = 1;
            for (size_t i = 0; i < rec.n && empty; i++) {
                size_t n = rec.len[i];
                cc_trim(rec.field[i], &n);
                empty = n == 0;
            }
            if (empty)
                continue;
        }
        size_t span = (size_t)(rec.field[rec.n - 1] + rec.len[rec.n - 1] + 1 - rec.field[0]);
        size_t need = span + rec.n * (sizeof(char *) + sizeof(size_t)) + sizeof f->reason + 32;
        if (b->alen + need > b->acap) {
            if (b->n) {
                p->prec = rec;        /* valid until the next cc_csv_next */
                p->pending = 1;
                break;
            }
            b->arena = cc_xrealloc(b->arena, need);
            b->acap = need;
        }
        prow *row = &b->rows[b->n];
        row->v = b->vals + b->n * (size_t)f->kd->ncols;
        parse_row(f, b, row, &rec);
        b->n++;
    }
    b->offset = cc_csv_offset(p->r);
}

static void *reader_main(void *arg)
{
    pipe_ctx *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (!p->stop && p->produced - p->consumed == (unsigned long)p->nbatch)
            pthread_cond_wait(&p->cv, &p->mu);
        int stop = p->stop;
        batch *b = &p->b[p->produced % (unsigned long)p->nbatch];
        pthread_mutex_unlock(&p->mu);
        if (stop)
            break;
        fill_batch(p, b);
        pthread_mutex_lock(&p->mu);
        p->produced++;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        if (b->end)
            break;
    }
    p->rf.cpu_read = now_s(CLOCK_THREAD_CPUTIME_ID);
    return NULL;
}

static void use_row(file_ctx *f, const prow *row)
{
    f->v = row->v;
    f->hours = row->hours;
    f->hours_set = row->hours_set;
}

/* Store n accepted rows, in order: with one INSERT when there are ROWS_MANY
 * (the usual case); from a row whose key is already stored (the INSERT stops
 * there, keeping the rows before it) one by one through store_row, which
 * says which rows replace which. */
static int store_rows(file_ctx *f, const prow *const *rows, int n)
{
    int many = 0;                     /* rows stored by the INSERT of many */
    for (int i = 0; i < n; i++) {
        use_row(f, rows[i]);
        if (roster_note_row(f, i) < 0)  /* before the row is stored */
            return -1;
    }
    if (n == ROWS_MANY && f->ins_many) {
        int w = f->kd->ncols + 2;
        for (int i = 0; i < n; i++) {
            use_row(f, rows[i]);
            bind_row(f, f->ins_many, rows[i]->rec.line, i * w);
        }
        if ((many = step_stored(f, f->ins_many, n, "storing a row")) < 0)
            return -1;
    }
    for (int i = 0; i < n; i++) {
        use_row(f, rows[i]);
        f->rreplaced = 0;
        if ((i < many ? store_extras(f, &rows[i]->rec) : store_row(f, &rows[i]->rec)) < 0 ||
            check_plausible(f, rows[i]->rec.line) < 0)
            return -1;
        roster_stored(f, i);
        f->st->rows_accepted++;
    }
    return 0;
}

/* Store or reject the rows of b (the storing thread's work). */
static cc_err store_batch(file_ctx *f, const batch *b)
{
    cc_ingest_stats *st = f->st;
    const prow *group[ROWS_MANY];
    int ng = 0;
    for (size_t i = 0; i < b->n; i++) {
        const prow *row = &b->rows[i];
        st->rows_read++;
        if ((st->rows_read & 4095) == 0) {
            if (cc_interrupted) {
                progress(f, 0, 0, 1);
                cc_error("%s: interrupted; nothing of this file was stored", f->path);
                return CC_ERR_INTERRUPTED;
            }
            if ((st->rows_read & 65535) == 0)
                progress(f, b->offset, f->size, 0);
        }
        use_row(f, row);
        const char *reason = row->reason, *col = row->reason_col;
        if (row->refs && check_refs(f, row->refs) < 0) {
            reason = f->reason;
            col = f->reason_col;
        }
        if (reason) {
            /* what the rows before it do is said before it */
            if (store_rows(f, group, ng) < 0)
                return CC_ERR_DB;
            ng = 0;
            use_row(f, row);
            if (reject_row(f, &row->rec, reason, col) < 0)
                return CC_ERR_DB;
            continue;
        }
        f->rgroup[ng] = f->ract;      /* attendance: its activity (check_refs) */
        group[ng++] = row;
        if (ng == ROWS_MANY) {
            if (store_rows(f, group, ng) < 0)
                return CC_ERR_DB;
            ng = 0;
        }
    }
    if (store_rows(f, group, ng) < 0)
        return CC_ERR_DB;
    if (tuples_flush(f, &f->answers) < 0)
        return CC_ERR_DB;
    if (b->end > 0 && f->feed)
        cc_roster_feed_end(f->feed);  /* its thread sorts the IDs while the indexes are rebuilt */
    if (b->end < 0) {
        progress(f, 0, 0, 1);
        cc_error("%s: %s", f->path, b->err);
        return CC_ERR_DATA;
    }
    return CC_OK;
}

static int threads_wanted(void)
{
    const char *e = getenv("CARECARD_INGEST_THREADS");
    return e && atoi(e) == 1 ? 1 : 2;
}

/* Read, check and store every data row of r. */
static cc_err load_rows(file_ctx *f, cc_csv *r)
{
    pipe_ctx *p = cc_xcalloc(1, sizeof *p);
    val *v0 = f->v;
    p->rf = *f;
    p->r = r;
    int threaded = threads_wanted() > 1;
    p->nbatch = threaded ? NBATCH : 1;
    for (int i = 0; i < p->nbatch; i++) {
        p->b[i].rows = cc_xmalloc(BATCH_ROWS * sizeof *p->b[i].rows);
        p->b[i].vals = cc_xcalloc(BATCH_ROWS * (size_t)f->kd->ncols, sizeof *p->b[i].vals);
        p->b[i].acap = BATCH_ARENA;
        p->b[i].arena = cc_xmalloc(BATCH_ARENA);
    }
    double cpu0 = now_s(CLOCK_THREAD_CPUTIME_ID);
    pthread_t th;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    if (threaded && pthread_create(&th, NULL, reader_main, p) != 0)
        threaded = 0;
    cc_err err = CC_OK;
    for (;;) {
        batch *b = &p->b[0];
        if (threaded) {
            pthread_mutex_lock(&p->mu);
            while (p->consumed == p->produced)
                pthread_cond_wait(&p->cv, &p->mu);
            b = &p->b[p->consumed % (unsigned long)p->nbatch];
            pthread_mutex_unlock(&p->mu);
        } else {
            fill_batch(p, b);
        }
        err = store_batch(f, b);
        int end = b->end;
        if (threaded) {
            pthread_mutex_lock(&p->mu);
            p->consumed++;
            pthread_cond_broadcast(&p->cv);
            pthread_mutex_unlock(&p->mu);
        }
        if (err != CC_OK || end)
            break;
    }
    if (threaded) {
        pthread_mutex_lock(&p->mu);
        p->stop = 1;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        pthread_join(th, NULL);
        f->cpu_read = p->rf.cpu_read;
    }
    f->cpu_store = now_s(CLOCK_THREAD_CPUTIME_ID) - cpu0;
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    for (int i = 0; i < p->nbatch; i++) {
        free(p->b[i].rows);
        free(p->b[i].vals);
        free(p->b[i].arena);
    }
    free(p);
    f->v = v0;
    return err;
}

/* "already ingested" (frees when and oldname): with -v only for a file stored
 * by an earlier run (a cron job re-reads its inbox every week), always when
 * another process stored it while this one was reading it (raced). */
static void say_known(const char *path, const char *name, char *when, char *oldname, int raced)
{
    int level = raced ? CC_DIAG_NOTICE : CC_DIAG_VERBOSE;
    when = cc_time_local(when);            /* shown in the data's time zone */
    if (!strcmp(oldname, name))
        cc_diag(level, "%s: already ingested on %s (same SHA-256); skipped", path, when);
    else
        cc_diag(level, "%s: already ingested on %s as %s (same SHA-256); skipped", path, when, oldname);
    free(when);
    free(oldname);
}

static cc_err ingest_one(cc_store *s, const char *path, const cc_ingest_opts *opts, cc_ingest_stats *st,
                         const cc_sheet_unit *u)
{
    file_ctx fc, *f = &fc;
    memset(f, 0, sizeof *f);
    const char *file = path;  /* the input file; path: what messages call it */
    if (u)
        path = u->label;
    f->unit = u;
    f->s = s;
    f->opts = opts;
    f->path = path;
    f->name = u ? u->name : base_name(path);
    f->st = st;
    f->today = cc_today();
    f->too_old = f->today - 400;
    int big;

    hash_ctx h = {.path = path};
    cc_csv_opts co = {0};
    co.enc = opts->encoding;
    co.delim = CC_CSV_AUTO;
    f->t[0] = now_s(CLOCK_MONOTONIC);
    pthread_t hth;
    struct stat sb;
    cc_csv *r = NULL;
    char hex[SHA256_DIGEST_SIZE * 2 + 1];
    if (u) {                  /* a sheet: opened and hashed by book.c */
        r = u->r;
        snprintf(hex, sizeof hex, "%s", "");
        f->t[1] = now_s(CLOCK_MONOTONIC);
        goto opened;
    }
    int hashing = stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && pthread_create(&hth, NULL, hash_main, &h) == 0;
    if (!hashing) {             /* hash in the pass, as it reads */
        sha256_init(&h.sha);
        co.scan = hash_scan;
        co.scan_arg = &h;
    }
    r = cc_csv_open_opts(path, &co, NULL);
    if (hashing) {
        pthread_join(hth, NULL);
        if (r && !h.ok) {       /* (the thread could not read it: read it here) */
            cc_csv_free(r);
            sha256_init(&h.sha);
            co.scan = hash_scan;
            co.scan_arg = &h;
            r = cc_csv_open_opts(path, &co, NULL);
        }
    }
    if (!r)
        return CC_ERR_DATA;
    f->t[1] = now_s(CLOCK_MONOTONIC);
    uint8_t dig[SHA256_DIGEST_SIZE];
    sha256_digest(&h.sha, sizeof dig, dig);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
        snprintf(hex + 2 * i, 3, "%02x", dig[i]);

opened:;
    const char *key = u ? u->sha : hex;
    cc_err err = CC_OK;
    char *when = NULL, *oldname = NULL;
    if (sha_known(s, key, &when, &oldname)) {
        say_known(path, f->name, when, oldname, 0);
        st->skipped = 1;
        cc_csv_free(r);
        return CC_OK;
    }

    cc_csv_record rec;
    int rc = cc_csv_next(r, &rec);
    if (rc == 0) {
        cc_error("%s: empty file (no header line)", path);
        cc_csv_free(r);
        return CC_ERR_DATA;
    }
    if (rc < 0) {
        cc_error("%s: %s", path, cc_csv_error(r));   /* (the message names its line) */
        cc_csv_free(r);
        return CC_ERR_DATA;
    }
    /* a returned rectification ledger (ledger_in.c) */
    if (opts->kind == CC_KIND_UNKNOWN && cc_ledger_is_header(&rec)) {
        err = cc_ledger_ingest(s, path, f->name, key, cc_encoding_name(cc_csv_encoding(r)), r, &rec, opts, st);
        cc_csv_free(r);
        return err;
    }
    /* header */
    f->ncols_in = rec.n;
    f->header = cc_xcalloc(rec.n, sizeof *f->header);
    for (size_t i = 0; i < rec.n; i++) {
        size_t n = rec.len[i];
        const char *t = cc_trim(rec.field[i], &n);
        f->header[i] = cc_xstrndup(t, n);
    }
    if (opts->encoding == CC_ENC_AUTO && cc_csv_encoding(r) == CC_ENC_GB18030 && header_is_utf8(path)) {
        cc_error("%s: neither UTF-8 nor GB18030 (mixed encodings?): the header is UTF-8 but the file is not; "
                 "save the whole file in one encoding", path);
        file_release(f);
        cc_csv_free(r);
        return CC_ERR_DATA;
    }
    cc_kind kind = opts->kind, best = CC_KIND_UNKNOWN;
    if (kind == CC_KIND_UNKNOWN)
        kind = detect_kind(&rec, &best);
    cc_buf hb = CC_BUF_INIT;
    list_headers(&hb, &rec);
    if (kind == CC_KIND_UNKNOWN) {
        if (opts->encoding == CC_ENC_AUTO && cc_csv_encoding(r) == CC_ENC_GB18030 && best == CC_KIND_UNKNOWN)
            cc_error("%s: neither UTF-8 nor GB18030 (mixed encodings?): the header matches no file kind", path);
        else if (best == CC_KIND_UNKNOWN)
            cc_error("%s: cannot tell the kind of file from its header (found: %s); name the columns as in "
                     "data-formats.md or use --kind", path, hb.s ? hb.s : "");
        else {
            /* report against the closest kind */
            kind = best;
        }
        if (kind == CC_KIND_UNKNOWN) {
            cc_buf_release(&hb);
            file_release(f);
            cc_csv_free(r);
            return CC_ERR_DATA;
        }
    }
    f->kind = kind;
    f->kd = &cc_kinds[kind];
    {
        static const struct { const char *key; size_t off; } rules[] = {
#define R(k, x) {k, offsetof(file_ctx, x)}
            R("places", x_places), R("inclusive_places", x_inclusive), R("start_time", x_start),
            R("end_time", x_end), R("hours", x_hours), R("status", x_status), R("attended", x_attended),
            R("children", x_children), R("special_attended", x_special), R("checks_passed", x_checks_passed),
            R("checks_total", x_checks_total), R("registered", x_registered), R("online_booked", x_online),
            R("received", x_received), R("responded", x_responded),
            R("capacity", x_capacity), R("community_id", x_community), R("as_of", x_as_of),
#undef R
        };
        for (size_t i = 0; i < sizeof rules / sizeof *rules; i++) {
            int x = cc_col_index(f->kd, rules[i].key);
            /* hours of trainings/timebank and places of communities are plain columns */
            if (kind != CC_KIND_ACTIVITIES && strcmp(rules[i].key, "community_id") &&
                strcmp(rules[i].key, "places") && strcmp(rules[i].key, "inclusive_places") &&
                strcmp(rules[i].key, "as_of") && strcmp(rules[i].key, "received") &&
                strcmp(rules[i].key, "responded"))
                x = -1;
            *(int *)((char *)f + rules[i].off) = x;
        }
    }
    f->map = cc_xmalloc((rec.n + 1) * sizeof *f->map);
    f->where = cc_xmalloc((size_t)f->kd->ncols * sizeof *f->where);
    f->v = cc_xcalloc((size_t)f->kd->ncols, sizeof *f->v);
    int missing, matched;
    int miss = map_header(f->kd, &rec, f->map, f->where, &missing, &matched, path, 1);
    if (miss != 0) {
        if (miss > 0)
            cc_error("%s: missing required column '%s' (%s) for %s (%s); headers found: %s", path,
                     f->kd->cols[missing].key, f->kd->cols[missing].zh, f->kd->name, f->kd->zh, hb.s ? hb.s : "");
        cc_buf_release(&hb);
        file_release(f);
        cc_csv_free(r);
        return CC_ERR_DATA;
    }
    cc_buf_release(&hb);
    /* unknown columns / survey questions */
    cc_buf unk = CC_BUF_INIT;
    int nunk = 0;
    if (kind == CC_KIND_SURVEYS)
        f->questions = cc_xcalloc(rec.n, sizeof *f->questions);
    for (size_t i = 0; i < rec.n; i++) {
        if (f->map[i] >= 0)
            continue;
        size_t n = rec.len[i];
        const char *t = cc_trim(rec.field[i], &n);
        if (kind == CC_KIND_SURVEYS && n) {
            const char *q;
            size_t qn = cc_question_strip(t, n, &q);
            f->questions[i] = cc_xstrndup(q, qn);
            f->map[i] = -2;
            continue;
        }
        if (!n)
            continue;   /* an unnamed (empty) column: nothing to say */
        if (nunk < 10) {
            char v[128];
            show_value(t, n, v, sizeof v);
            cc_buf_addf(&unk, "%s'%s'", nunk ? ", " : "", v);
        }
        nunk++;
    }
    if (nunk) {
        cc_notice("%s: ignoring %d unknown column%s: %s%s", path, nunk, nunk > 1 ? "s" : "", unk.s,
                  nunk > 10 ? ", …" : "");
        st->notices++;
    }
    cc_buf_release(&unk);

    /* the transaction */
    if ((err = cc_store_begin(s)) != CC_OK) {
        file_release(f);
        cc_csv_free(r);
        return err;
    }
    /* again under the write lock: another process may have stored the same
     * file since the check above (several runs started at once) */
    if (sha_known(s, key, &when, &oldname)) {
        cc_store_rollback(s);
        say_known(path, f->name, when, oldname, 1);
        st->skipped = 1;
        file_release(f);
        cc_csv_free(r);
        return CC_OK;
    }
    char now[24];
    utc_now(now);
    {
        sqlite3_stmt *q;
        if (prep(f, "INSERT INTO files (name, path, sha256, kind, encoding, rows_read, rows_accepted, "
                    "rows_rejected, ingested_at) VALUES (?, ?, ?, ?, ?, 0, 0, 0, ?)", &q) < 0) {
            err = CC_ERR_DB;
            goto fail;
        }
        sqlite3_bind_text(q, 1, f->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, file, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 3, key, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 4, f->kd->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 5, cc_encoding_name(cc_csv_encoding(r)), -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 6, now, -1, SQLITE_STATIC);
        rc = sqlite3_step(q);
        sqlite3_finalize(q);
        if (rc != SQLITE_DONE) {
            err = cc_store_err(s, rc, "recording the file");
            goto fail;
        }
        f->file_id = sqlite3_last_insert_rowid(s->db);
    }
    if (roster_note_removed(f) < 0) {
        err = CC_ERR_DB;
        goto fail;
    }
    if (remove_earlier_versions(f) < 0 || ((big = big_against_table(f, path, cc_csv_size(r))) != 0 &&
                                           (big < 0 || drop_indexes(f) < 0)) ||
        prepare_kind(f) < 0 ||
        (kind != CC_KIND_COMMUNITIES && load_communities(f) < 0)) {
        err = CC_ERR_DB;
        goto fail;
    }
    if (roster_prepare(f) < 0) {
        err = CC_ERR_DB;
        goto fail;
    }

    f->size = cc_csv_size(r);
    f->t[5] = now_s(CLOCK_MONOTONIC);
    if ((err = load_rows(f, r)) != CC_OK)
        goto fail;
    f->t[2] = now_s(CLOCK_MONOTONIC);
    progress(f, 0, 0, 1);
    finalize_all(f);
    if (recreate_indexes(f) < 0) {   /* (before the notices: it may say repeated keys) */
        err = CC_ERR_DB;
        goto fail;
    }
    f->t[3] = now_s(CLOCK_MONOTONIC);
    if (f->shown_rejects > MAX_SHOWN)
        cc_warn("%s: %ld more rejected rows not shown", path, f->shown_rejects - MAX_SHOWN);
    if (f->shown_dups > MAX_SHOWN)
        cc_notice("%s: %ld more repeated keys not shown", path, f->shown_dups - MAX_SHOWN);
    if (opts->strict && st->rows_rejected) {
        cc_error("%s: %ld row%s rejected; --strict: file not stored", path, st->rows_rejected,
                 st->rows_rejected > 1 ? "s" : "");
        err = CC_ERR_DATA;
        goto fail;
    }
    if (st->rows_read == 0)
        cc_notice("%s: no data rows", path);
    {
        sqlite3_stmt *q;
        if (prep(f, "UPDATE files SET rows_read = ?, rows_accepted = ?, rows_rejected = ? WHERE file_id = ?", &q) < 0) {
            err = CC_ERR_DB;
            goto fail;
        }
        sqlite3_bind_int64(q, 1, st->rows_read);
        sqlite3_bind_int64(q, 2, st->rows_accepted);
        sqlite3_bind_int64(q, 3, st->rows_rejected);
        sqlite3_bind_int64(q, 4, f->file_id);
        rc = sqlite3_step(q);
        sqlite3_finalize(q);
        if (rc != SQLITE_DONE) {
            err = cc_store_err(s, rc, "recording the file");
            goto fail;
        }
    }
    if (f->rej && (fflush(f->rej) != 0 || ferror(f->rej) || fsync(fileno(f->rej)) != 0)) {
        cc_error("%s: cannot write the rejects file: %s", f->rej_path, strerror(errno));
        err = CC_ERR_IO;
        goto fail;
    }
    if ((err = roster_rollup(f)) != CC_OK)
        goto fail;
    f->t[6] = now_s(CLOCK_MONOTONIC);
    if ((err = cc_store_commit(s)) != CC_OK)
        goto fail_committed;
    f->t[4] = now_s(CLOCK_MONOTONIC);
    timing_report(f);
    st->stored = 1;
    if (f->plaus)           /* (only now: a file refused later stores none) */
        cc_notice("%s: %ld plausibility warning%s stored (future or old dates, attended > 1.5 × capacity, "
                  "hours > 12)", path, f->plaus, f->plaus > 1 ? "s" : "");
    if (f->rej) {
        fclose(f->rej);
        f->rej = NULL;
        if (rename(f->rej_tmp, f->rej_path) != 0)
            cc_error("%s: cannot write the rejects file: %s", f->rej_path, strerror(errno));
        else
            CC_FREE(f->rej_tmp);
    }
    cc_verbose("%s: %s, %ld rows stored, %ld rejected", path, f->kd->name, st->rows_accepted, st->rows_rejected);
    file_release(f);
    cc_csv_free(r);
    return CC_OK;

fail:
    finalize_all(f);
    cc_store_rollback(s);
fail_committed:
    /* keep the rejects file of a --strict refusal: it says what to fix */
    if (f->rej && opts->strict && err == CC_ERR_DATA && st->rows_rejected) {
        fclose(f->rej);
        f->rej = NULL;
        if (rename(f->rej_tmp, f->rej_path) == 0)
            CC_FREE(f->rej_tmp);
    }
    st->rows_accepted = 0;
    file_release(f);
    cc_csv_free(r);
    return err;
}

/* ---- spreadsheets (book.c) ---------------------------------------------------- */

cc_err cc_ingest_unit(cc_store *s, const char *path, const cc_ingest_opts *opts, cc_ingest_stats *st,
                      const cc_sheet_unit *u)
{
    return ingest_one(s, path, opts, st, u);
}

cc_kind cc_ingest_header_kind(const cc_csv_record *rec, cc_kind forced)
{
    cc_kind best;
    if (forced == CC_KIND_UNKNOWN)
        return detect_kind(rec, &best);
    int *map = cc_xmalloc((rec->n + 1) * sizeof *map), where[64], missing, matched;
    int miss = map_header(&cc_kinds[forced], rec, map, where, &missing, &matched, NULL, 0);
    free(map);
    return miss == 0 ? forced : CC_KIND_UNKNOWN;
}

/* ---- several files ----------------------------------------------------------- */

/* Kind from the header only (quietly; errors come when the file is ingested). */
static cc_kind sniff_kind(const char *path, const cc_ingest_opts *opts)
{
    if (opts->kind != CC_KIND_UNKNOWN)
        return opts->kind;
    if (cc_book_is_book(path))
        return cc_ingest_book_kind(path, opts);
    cc_csv_opts o = {0};
    o.enc = opts->encoding;
    o.sniff = 1;
    o.quiet = 1;
    cc_csv *r = cc_csv_open_opts(path, &o, NULL);
    if (!r)
        return CC_KIND_UNKNOWN;
    cc_csv_record rec;
    cc_kind k = CC_KIND_UNKNOWN, best;
    if (cc_csv_next(r, &rec) == 1)
        k = detect_kind(&rec, &best);
    cc_csv_free(r);
    return k;
}

cc_err cc_ingest_files(cc_store *s, const char *const *paths, size_t npaths,
                       const cc_ingest_opts *opts, cc_ingest_stats *stats)
{
    /* Ingest checks the interrupt flag itself between rows and says what it
     * did ("interrupted; nothing of this file was stored"); the store's
     * query-aborting interrupt handler is for long queries, not needed here. */
    sqlite3_progress_handler(s->db, 0, NULL, NULL);
    size_t *order = cc_xmalloc((npaths + 1) * sizeof *order);
    int *kinds = cc_xmalloc((npaths + 1) * sizeof *kinds);
    for (size_t i = 0; i < npaths; i++) {
        order[i] = i;
        /* dependency tiers: communities; providers and activities; the rest;
         * a file of unknown kind last (it will be refused); the database
         * itself is never opened (cc_store_owns) */
        int k = cc_store_owns(s, paths[i]) ? CC_KIND_UNKNOWN : sniff_kind(paths[i], opts);
        kinds[i] = k < 0 ? 3 : k == CC_KIND_COMMUNITIES ? 0 : (k == CC_KIND_PROVIDERS || k == CC_KIND_ACTIVITIES) ? 1 : 2;
        memset(&stats[i], 0, sizeof stats[i]);
    }
    /* stable insertion sort by dependency order */
    for (size_t i = 1; i < npaths; i++) {
        size_t x = order[i], j = i;
        while (j > 0 && kinds[order[j - 1]] > kinds[x]) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = x;
    }
    /* A big load goes through a rollback journal (cc_store_bulk_begin):
     * no WAL copy of every new page, no checkpoint; back to WAL at the end,
     * whatever happened.  A small (weekly) ingest keeps the WAL, so that it
     * never makes a concurrent reader wait. */
    uint64_t total = 0;
    for (size_t i = 0; i < npaths; i++) {
        struct stat sb;
        if (stat(paths[i], &sb) == 0 && S_ISREG(sb.st_mode))
            total += (uint64_t)sb.st_size;
    }
    if (total >= BULK_LOAD)
        cc_store_bulk_begin(s);
    cc_err first = CC_OK;
    size_t nstored = 0;
    const char *last_stored = NULL;
    for (size_t oi = 0; oi < npaths; oi++) {
        size_t i = order[oi];
        if (cc_interrupted) {
            if (!first)
                first = CC_ERR_INTERRUPTED;
            break;
        }
        cc_err e;
        if (cc_store_owns(s, paths[i])) {
            cc_error("%s: is the database %s itself (or its -wal/-shm/-journal file), not an input file",
                     paths[i], s->path);
            e = CC_ERR_USAGE;
        } else if (cc_book_is_book(paths[i]))
            e = cc_ingest_book(s, paths[i], opts, &stats[i]);
        else
            e = ingest_one(s, paths[i], opts, &stats[i], NULL);
        if (e != CC_OK) {
            /* a count and the last one, not the list (500 files in an inbox) */
            if (nstored)
                cc_error("%s: not stored (%zu file%s stored before it, the last %s)", paths[i], nstored,
                         nstored > 1 ? "s" : "", last_stored);
            else
                cc_error("%s: not stored (no file was stored before it)", paths[i]);
            if (!first)
                first = e;
            if (e == CC_ERR_INTERRUPTED || e == CC_ERR_BUSY)
                break;
        } else if (stats[i].stored) {
            nstored++;
            last_stored = paths[i];
        }
    }
    free(order);
    free(kinds);
    cc_store_bulk_end(s);           /* (also after a run that could not switch) */
    /* leave the database durable and the WAL small */
    sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    return first;
}

/* ---- directory expansion ---------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* 1 an input, 0 not one (named in the directory's notice), -1 never named
 * (. and .., a rejects file carecard wrote). */
static int wanted(const char *name)
{
    size_t n = strlen(name);
    if (!strcmp(name, ".") || !strcmp(name, ".."))
        return -1;
    if (n >= 12 && !strcasecmp(name + n - 12, ".rejects.csv"))
        return -1;
    if (name[0] == '.' || !strncmp(name, "~$", 2))   /* hidden, an open workbook's lock file */
        return 0;
    return (n > 4 && (!strcasecmp(name + n - 4, ".csv") || !strcasecmp(name + n - 4, ".tsv") ||
                      !strcasecmp(name + n - 4, ".xls"))) ||
           (n > 5 && !strcasecmp(name + n - 5, ".xlsx"));
}

cc_err cc_ingest_expand(const char *const *args, size_t nargs, char ***paths, size_t *npaths)
{
    size_t n = 0, cap = 16;
    char **out = cc_xmalloc(cap * sizeof *out);
    cc_err err = CC_OK;
    for (size_t a = 0; a < nargs; a++) {
        struct stat st;
        if (stat(args[a], &st) == 0 && S_ISDIR(st.st_mode)) {
            DIR *d = opendir(args[a]);
            if (!d) {
                cc_error("%s: cannot read directory: %s", args[a], strerror(errno));
                err = CC_ERR_IO;
                continue;
            }
            size_t first = n;
            struct dirent *de;
            char **other = NULL;
            size_t nother = 0;
            while ((de = readdir(d))) {
                int w = wanted(de->d_name);
                if (w < 0)
                    continue;
                size_t l = strlen(args[a]);
                char *p = l && args[a][l - 1] == '/' ? cc_xasprintf("%s%s", args[a], de->d_name)
                                                      : cc_xasprintf("%s/%s", args[a], de->d_name);
                struct stat fs;
                if (stat(p, &fs) != 0 || !S_ISREG(fs.st_mode) || !w) {
                    if (!w && stat(p, &fs) == 0 && S_ISREG(fs.st_mode)) {
                        other = cc_xrealloc(other, (nother + 1) * sizeof *other);
                        other[nother++] = cc_xstrdup(de->d_name);
                    }
                    free(p);
                    continue;
                }
                if (n == cap)
                    out = cc_xrealloc(out, (cap *= 2) * sizeof *out);
                out[n++] = p;
            }
            closedir(d);
            qsort(out + first, n - first, sizeof *out, cmp_str);
            if (nother) {
                /* never a file left out silently: one line, so that cron mail shows it */
                qsort(other, nother, sizeof *other, cmp_str);
                cc_buf names = CC_BUF_INIT;
                for (size_t k = 0; k < nother; k++) {
                    cc_buf_addf(&names, "%s%s", k ? ", " : "", other[k]);
                    free(other[k]);
                }
                cc_notice("%s: not read (only .csv, .tsv, .xlsx and .xls are): %s", args[a], names.s);
                cc_buf_release(&names);
            }
            free(other);
        } else {
            if (n == cap)
                out = cc_xrealloc(out, (cap *= 2) * sizeof *out);
            out[n++] = cc_xstrdup(args[a]);
        }
    }
    *paths = out;
    *npaths = n;
    return err;
}
