/* survey — questionnaire answers as the reports need them: KANO answer
 * pairs counted by category per configured feature, and Likert / yes-no
 * items (n, mean, top-2 or yes share) overall and per respondent role.
 * Questions are matched by their stored text (survey_answers.question: the
 * header with a leading question number removed). Part of measure/.
 */
#ifndef CC_MEASURE_SURVEY_H
#define CC_MEASURE_SURVEY_H

/* ---- the KANO evaluation table ---- */
typedef enum { CC_KANO_A, CC_KANO_O, CC_KANO_M, CC_KANO_I, CC_KANO_R, CC_KANO_Q } cc_kano_cat;
/* Answer codes 1 like, 2 must-be, 3 neutral, 4 live-with, 5 dislike. */
cc_kano_cat cc_kano_classify(int functional, int dysfunctional);
char cc_kano_letter(cc_kano_cat c);       /* 'A' 'O' 'M' 'I' 'R' 'Q' */

/* ---- one survey answer, as every count of survey items codes it ---- */
/* The answer's value for item it: a Likert item 1..5 (cc_likert_answer), a
 * yes/no item 1 yes or 0 no (cc_yesno_answer); -1 when it cannot be read
 * (an empty or missing answer included).  *top (may be NULL): 1 for a
 * Likert 4 or 5 (top-2) and for a yes, else 0.  The measures
 * (survey.<item>.n/sum/top2/yes, both the direct read and the week cache)
 * and cc_survey_item all count with it. */
int cc_item_value(const cc_item *it, const char *answer, int *top);
/* Whether an answer of a respondent with this role counts for item it (an
 * item without roles counts every role). */
int cc_item_has_role(const cc_item *it, const char *role);

/* Which responses count: communities (empty = all) and a date window. */
typedef struct {
    const char *const *communities; size_t ncommunities;
    cc_day from, to;        /* inclusive, on survey_responses.date */
} cc_survey_filter;

/* KANO category counts of the configured features: counts[k][c] for feature
 * k (cfg->kano order) and c indexed like cc_kano_cat (A O M I R Q, above).
 * A response counts when both answers are given and read; a pair with an
 * unreadable answer is added to *unparsed (may be NULL); a response without
 * both questions answered is not counted. counts: cfg->nkano rows, zeroed here. */
cc_err cc_survey_kano(cc_store *s, const cc_config *cfg, const cc_survey_filter *f,
                      long (*counts)[6], long *unparsed);

typedef struct {
    char *role;             /* owned; NULL for the overall figure */
    long n;                 /* answers read */
    long unparsed;          /* answers given but not readable (not in n) */
    double mean;            /* likert5: mean 1..5; yesno: yes share; NAN when n = 0 */
    double share;           /* likert5: share of 4 and 5 (top-2); yesno: yes share; NAN when n = 0 */
    long top;               /* likert5: answers 4 or 5; yesno: yes answers */
} cc_item_stat;

typedef struct {
    cc_item_stat all;       /* every counted role together */
    cc_item_stat *role; size_t nrole;   /* per role, sorted by role code */
} cc_item_stats;

/* Statistics of one survey item. all_roles != 0 ignores the item's roles
 * filter (the 数字包容 sheet); otherwise only the item's roles count (and
 * appear in ->role). Caller releases. */
cc_err cc_survey_item(cc_store *s, const cc_item *item, const cc_survey_filter *f,
                      int all_roles, cc_item_stats *out);
void cc_item_stats_release(cc_item_stats *st);

#endif
