/* ingest/ingest_int.h — internal to lib/ingest: the state of the file being
 * ingested (file_ctx) and what its files give each other.  Not part of the
 * public ingest.h.  Names shared between the files start with ingest_.
 *
 * The files, bottom-up (each uses only those above it):
 *   msg_zh.c    the Chinese of every message (the catalog; public in ingest.h)
 *   kinds.c     the nine input kinds as column tables; header spellings (kinds.h)
 *   strmap.c    a small string set and map (the communities register)
 *   load.c      the statements of a kind; accepted rows stored; plausibility warnings
 *   roster.c    the attendance rosters of the weeks a file changes
 *   validate.c  one row's cells parsed and checked; the reason a row is rejected
 *   rejects.c   a rejected row said, written to the rejects file, recorded
 *   header.c    the header matched to a kind; column rules, unknown columns
 *   bigload.c   a big file loaded without secondary indexes; repeated keys resolved
 *   pipeline.c  the data rows: a reading thread and a storing thread
 *   ledger_in.c a returned rectification ledger (ledger_in.h)
 *   ingest.c    one file or sheet: hash, header, one transaction, the ingest log
 *   book.c      a workbook's sheets handed out one by one (book.h)
 *   discover.c  which files and sheets are read, in which order; directories
 */
#ifndef CC_INGEST_INT_H
#define CC_INGEST_INT_H

#include "store/db.h"
#include "ingest/ingest.h"
#include "ingest/kinds.h"
#include "ingest/book.h"
#include "text/sheet.h"

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#define MAX_SHOWN 100          /* per file: rejected rows / duplicate notices printed */
#define ID_MAX 64
#define TEXT_MAX 1000

/* ---- small string set / map (communities) -------------------------------- */

typedef struct {
    char **keys;
    char **vals;              /* map value, or AMBIGUOUS */
    size_t cap, n;
} strmap;

extern char ingest_ambiguous_marker[];
#define AMBIGUOUS ingest_ambiguous_marker

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
    /* the kept raw statuses this file changes (forget.c) */
    int chg_x;                /* the date column of a dated kind other than activities, attendance */
    cc_day chg_lo;            /* the first day of the rows stored (INT32_MAX: none) */
    int chg_other;            /* a row replaced one another file stored */
    int chg_removed;          /* an earlier version of the file was removed */
    int chg_removed_other;    /* ... one of a kind other than activities, attendance */
    int rx_p, rx_h, rx_role, rx_special;      /* attendance columns */
    const cc_sheet_unit *unit;                 /* a sheet of a workbook (book.c), else NULL */
} file_ctx;

/* ---- small helpers every file may use ---- */
static inline void ingest_fmt_num(double x, char *out, size_t cap)
{
    snprintf(out, cap, "%.15g", x);
}

/* 1 (tuning ingest_threads = 1: read and store on one thread) or 2 */
static inline int ingest_threads_wanted(void)
{
    return cc_tuning_get()->ingest_threads == 1 ? 1 : 2;
}

/* ---- strmap.c ---- */
void ingest_map_release(strmap *m);
/* Add key k (kn bytes) with value v (copied; NULL for a set); a key added
 * again with another value becomes AMBIGUOUS. */
void ingest_map_put(strmap *m, const char *k, size_t kn, const char *v);
/* 1 and *v = value (borrowed) when found */
int ingest_map_get(const strmap *m, const char *k, size_t kn, const char **v);

/* ---- load.c ---- */
const char *ingest_db_col(const cc_col_def *c);
/* 0, or -1 (said) */
int ingest_prep(file_ctx *f, const char *sql, sqlite3_stmt **st);
void ingest_finalize_all(file_ctx *f);
int ingest_step_done(file_ctx *f, sqlite3_stmt *st, const char *what);
int ingest_step_stored(file_ctx *f, sqlite3_stmt *st, int n, const char *what);
int ingest_tuples_flush(file_ctx *f, tuples *tb);
int ingest_prepare_kind(file_ctx *f);
int ingest_load_communities(file_ctx *f);
void ingest_bind_row(file_ctx *f, sqlite3_stmt *st, long line, int base);
int ingest_store_extras(file_ctx *f, const cc_csv_record *rec);
int ingest_store_row(file_ctx *f, const cc_csv_record *rec);
void ingest_say_repeat(file_ctx *f, long line, const char *key, long earlier);
int ingest_check_plausible(file_ctx *f, long line);

/* ---- roster.c ---- */
int ingest_roster_note_removed(file_ctx *f);
int ingest_roster_prepare(file_ctx *f);
int ingest_roster_activity(file_ctx *f, const char *s, size_t n);
int ingest_roster_note_row(file_ctx *f, int i);
void ingest_roster_stored(file_ctx *f, int i);
cc_err ingest_roster_rollup(file_ctx *f);
/* forget.c: the kept raw statuses the file changes */
void ingest_forget_prepare(file_ctx *f);
void ingest_forget_note_row(file_ctx *f);
cc_err ingest_forget(file_ctx *f);

/* ---- validate.c ---- */
/* Value for a message: at most ~60 bytes, whole UTF-8 characters, control
 * characters shown as '?'. */
void ingest_show_value(const char *s, size_t n, char *out, size_t cap);
/* -1 with f->reason "column 'key' (中文): value '…' — what" */
int ingest_fail_value(file_ctx *f, int ci, const char *what);
/* Parse one cell of kind column ci into f->v[ci] (s: borrowed by f->v[ci]). */
void ingest_parse_cell(file_ctx *f, int ci, const char *s, size_t n);
/* 0, or -1 with f->reason: the parsed row checked in column order; the
 * references to stored rows noted in f->refs for ingest_check_refs. */
int ingest_check_row(file_ctx *f);
int ingest_check_refs(file_ctx *f, uint64_t refs);

/* ---- rejects.c ---- */
/* Say, write and record a rejected row (reason: f->reason or the batch's
 * copy; col: the column key, or NULL); 0, or -1 (said) on a database error. */
int ingest_reject_row(file_ctx *f, const cc_csv_record *rec, const char *reason, const char *col);

/* ---- header.c ---- */
/* The header rec of the file f (r: its reader) taken in: the kind, the
 * column map, the column rules, the survey questions (unknown columns
 * said); 0, or -1 (said) when the file cannot be read as any kind. */
int ingest_header_setup(file_ctx *f, cc_csv *r, const cc_csv_record *rec);
/* The kind with every required column (most columns matched wins); else
 * CC_KIND_UNKNOWN with *best the closest kind. */
cc_kind ingest_detect_kind(const cc_csv_record *rec, cc_kind *best);
/* The kind whose header rec is (forced: only that kind), else CC_KIND_UNKNOWN (book.c). */
cc_kind cc_ingest_header_kind(const cc_csv_record *rec, cc_kind forced);

/* ---- bigload.c ---- */
int ingest_drop_indexes(file_ctx *f);
int ingest_big_against_table(file_ctx *f, const char *path, off_t size);
int ingest_recreate_indexes(file_ctx *f);

/* ---- pipeline.c ---- */
double ingest_now_s(clockid_t c);
/* offset: bytes of input read so far, of size: to the progress callback */
void ingest_progress(file_ctx *f, uint64_t offset, uint64_t size, int done);
/* Read, check and store every data row of r. */
cc_err ingest_load_rows(file_ctx *f, cc_csv *r);

/* ---- ingest.c ---- */
/* Store one file (u NULL) or one sheet of a workbook (path: the workbook,
 * as given; u->r is freed). */
cc_err ingest_one(cc_store *s, const char *path, const cc_ingest_opts *opts, cc_ingest_stats *st,
                  const cc_sheet_unit *u);

#endif
