/* quality — the per-community queries the report workbooks need beside the
 * scorecard: data quality of a period, resources (places against demand),
 * special children registered in attendance but not served, the ingest log,
 * and survey answers counted by item and respondent role.
 *
 * Every query takes the sorted list of community ids it reports on and runs
 * one grouped SQL statement per table (never one per community), so a city
 * of 3,000 communities costs a handful of statements.  Ids not in the list
 * are ignored; the output arrays are in the order of the list.
 */
#ifndef CC_MEASURE_QUALITY_H
#define CC_MEASURE_QUALITY_H

#include "base/base.h"
#include "model/model.h"
#include "store/store.h"

/* Data quality of one community over a period. */
typedef struct {
    long activities;        /* activity rows dated in the period (any status) */
    long attendance;        /* attendance rows of those activities */
    long responses;         /* survey responses dated in the period */
    long rejects;           /* rejected rows of the community (their date, or the
                             * file's ingest date when the row had none, in the period) */
    long plausibility;      /* plausibility warnings, dated the same way */
    long unreported_weeks;  /* ISO weeks whose Thursday lies in the period without
                             * any activity row */
    long weeks;             /* those weeks */
} cc_quality;

/* ids: n community ids, sorted ascending (strcmp).  out: n entries. */
cc_err cc_quality_query(cc_store *s, const char *const *ids, size_t n,
                        cc_day from, cc_day to, cc_quality *out);

/* One plausibility warning (the data-quality sheet lists them). */
typedef struct {
    char *community_id;     /* may be NULL */
    char *file;             /* file name */
    long line;
    char *date;             /* may be NULL */
    char *message;
} cc_plausibility;
/* Warnings of the listed communities dated in the period, ordered by
 * community, file, line.  *out: caller frees with cc_plausibility_free. */
cc_err cc_plausibility_query(cc_store *s, const char *const *ids, size_t n,
                             cc_day from, cc_day to, cc_plausibility **out, size_t *nout);
void cc_plausibility_free(cc_plausibility *p, size_t n);

/* Resources of one community as of a day (registry row valid that day).
 * NAN = not given (or not computable). */
typedef struct {
    double population, children_0_3, places, inclusive_places;
    double monthly_fee, monthly_income;   /* income = disposable_income / 12 * household_size */
    double per1000;         /* 1000 * places / population */
    double demand;          /* demand_rate * children_0_3 */
    double gap;             /* demand - places (positive = places missing) */
    double inclusive_share; /* inclusive_places / places */
    double fee_burden;      /* monthly_fee / monthly_income */
} cc_resources;

cc_err cc_resources_query(cc_store *s, const char *const *ids, size_t n, cc_day day,
                          double demand_rate, cc_resources *out);
/* The ratios of r from its sums (for a street row made by adding
 * communities: population-weighted fee and income are the caller's job). */
void cc_resources_finish(cc_resources *r, double demand_rate);

/* A special child (attendance special = 1 on or before `to`) not served in
 * [from, to]: none of its special = 1 attendance rows is of a completed
 * activity in the period.  Only the rows flagged special = 1 are read (found
 * by the partial index attendance_special of schema v3; sorted otherwise), so
 * a visit recorded without the flag neither serves the child nor moves its
 * latest visit.  Sorted by community_id, participant_id. */
typedef struct {
    char *community_id;     /* community of the child's latest activity */
    char *participant_id;   /* pseudonymous */
    char *name;             /* latest non-empty name, NULL when none (personal data) */
    char *last_seen;        /* date of the latest activity attended, 'YYYY-MM-DD' */
} cc_special_child;
cc_err cc_special_unserved(cc_store *s, const char *const *ids, size_t n,
                           cc_day from, cc_day to, cc_special_child **out, size_t *nout);
void cc_special_free(cc_special_child *c, size_t n);

/* 张** / 欧阳**: the surname (first character, or the first two for the
 * compound surnames of docs/inputs/README.md) followed by "**".  NULL or "" gives
 * "".  Caller frees. */
char *cc_mask_name(const char *name);

/* One input file of the ingest log (superseded versions left out). */
typedef struct {
    char *name, *sha256, *kind, *ingested_at;
    long rows_read, rows_accepted, rows_rejected;
} cc_input_file;
cc_err cc_input_files(cc_store *s, cc_input_file **out, size_t *nout);
void cc_input_files_free(cc_input_file *f, size_t n);

/* Survey answers to one question over the listed communities and a period,
 * per community and respondent role.  Likert answers are 1..5 or the
 * labels; yes/no answers are booleans; an empty answer is no answer. */
typedef struct {
    char role[16];          /* "" = every role together */
    long comm;              /* index of the community in ids (-1 = several) */
    long n;                 /* parseable answers */
    long unparsed;          /* answers that could not be read */
    long count[6];          /* likert: count[1..5]; yesno: count[1] yes, count[0] no */
} cc_answer_stats;
/* One entry per (community, role) that has answers, ordered by community
 * index then role.  *out: caller frees (free()). */
cc_err cc_answers_by_role(cc_store *s, const char *const *ids, size_t n,
                          cc_day from, cc_day to, const char *question, int yesno,
                          cc_answer_stats **out, size_t *nout);
/* The same for m questions in one pass over the period's responses:
 * out[q], nout[q] as cc_answers_by_role gives for questions[q] with
 * yesno[q]. */
cc_err cc_answers_by_role_many(cc_store *s, const char *const *ids, size_t n,
                               cc_day from, cc_day to, const char *const *questions,
                               const int *yesno, size_t m, cc_answer_stats **out,
                               size_t *nout);
/* Merge the entries of the communities comms[0..ncomms) (indexes in ids,
 * each once; comms NULL: every entry) into [0] = all roles, then one entry
 * per role (alphabetical).  Each community's entries are found by a binary
 * search of in (ordered by community), so a street's merge does not walk
 * every community's.  *out: caller frees; *nout >= 1. */
void cc_answers_merge(const cc_answer_stats *in, size_t nin, const size_t *comms, size_t ncomms,
                      cc_answer_stats **out, size_t *nout);

/* KANO pairs per community: pairs[i][(f - 1) * 5 + (d - 1)] counts the
 * responses of community ids[i] that answered functional f and
 * dysfunctional d (codes 1..5).  pairs: n rows, zeroed here. */
cc_err cc_kano_pairs(cc_store *s, const char *const *ids, size_t n,
                     cc_day from, cc_day to, const char *functional,
                     const char *dysfunctional, long (*pairs)[25]);
/* The same for m features in one pass over the period's responses:
 * pairs + k * n are feature k's n rows (m * n rows, zeroed here). */
cc_err cc_kano_pairs_many(cc_store *s, const char *const *ids, size_t n,
                          cc_day from, cc_day to, const char *const *functional,
                          const char *const *dysfunctional, size_t m, long (*pairs)[25]);

#endif
