/* model/config_int.h — private to the indicators.ini reader (config*.c):
 * the loader the pieces share while one file is read and checked.
 *
 *   config_scan.c       the first pass: lines, sections, keys, messages,
 *                       and the iniparser dictionary built from them
 *   config_check.c      value parsers, lists, "did you mean", key checks
 *   config_sections.c   [scorecard] [dimensions] [ahp…] [item.*] [kano.*] …
 *   config_indicator.c  one indicator section and its formula
 *   config.c            the public entry points
 */
#ifndef CC_MODEL_CONFIG_INT_H
#define CC_MODEL_CONFIG_INT_H

#include "model/model.h"

#include <iniparser/iniparser.h>

#define MAX_LINE 1024           /* bytes in one line, without its line ending */
#define MAX_ID 32               /* bytes in an indicator/item/feature ID */

/* ---- the first pass: lines, sections, keys ------------------------------ */
typedef struct {
    char *name;                 /* as written */
    char *lname;                /* lower case (iniparser's spelling) */
    int line;
    size_t first, nkeys;        /* its keys: keys[first .. first+nkeys) */
} sec_rec;

typedef struct {
    char *key, *lkey;
    char *value;                /* our own reading of the value */
    int bad;                    /* reported already; not given to iniparser */
    int line;
    int vcol;                   /* 1-based character column of the value's first character */
} key_rec;

typedef struct {
    int line;                   /* 0: about the whole file (sorted last) */
    size_t seq;
    char *text;                 /* the whole message after "carecard: " */
} message;

typedef struct {
    const char *path;
    int errors;
    unsigned flags;          /* CC_CONFIG_* of cc_config_load_flags */
    message *msgs; size_t nmsgs;
    sec_rec *secs; size_t nsecs;
    key_rec *keys; size_t nkeys;
    dictionary *dict;
} loader;

/* ---- config_scan.c ---- */
/* Read data (BOM stripped) into L's sections and keys, reporting what is malformed. */
void cfg_scan(loader *L, const char *data, size_t len);
/* L->dict: iniparser's dictionary of every well-formed key, built in memory. */
void cfg_load_dict(loader *L);
/* Messages: collected with their line (0: the whole file) and printed by
 * cfg_flush_msgs in line order.  Each counts as an error. */
void cfg_err_at(loader *L, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void cfg_err_col(loader *L, int line, int col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void cfg_flush_msgs(loader *L);
void cfg_loader_release(loader *L);             /* L's contents, not L */
char *cfg_lower_dup(const char *s);             /* caller frees */
int cfg_valid_id(const char *s, size_t n);      /* letters, digits, '_', 1..MAX_ID bytes */
const key_rec *cfg_find_key(const loader *L, const sec_rec *s, const char *lkey);
/* The value of s:lkey (borrowed from L), NULL when absent or already
 * reported bad; *kr (may be NULL) receives the key or NULL. */
/* The value of key k of s (iniparser's, our own reading as a fallback). */
const char *cfg_value_of(const loader *L, const sec_rec *s, const key_rec *k);
const char *cfg_get(const loader *L, const sec_rec *s, const char *lkey, const key_rec **kr);
int cfg_key_line(const loader *L, const sec_rec *s, const char *lkey);   /* the key's line, else the section's */

/* ---- config_check.c ---- */
int cfg_parse_double(const char *v, double *out);      /* 0 ok */
int cfg_parse_int(const char *v, long *out);           /* 0 ok */
int cfg_parse_ratio(const char *s, size_t n, double *out);
char **cfg_split_list(const char *v, size_t *n);       /* free with cfg_free_list */
void cfg_free_list(char **l, size_t n);
void cfg_suggest(const char *word, const char *const *cands, char *out, size_t len);   /* " (did you mean …?)" or "" */
void cfg_join(const char *const *list, char *out, size_t len);                        /* "a, b, c" */
/* Report keys of section s not in allowed (NULL-terminated). */
void cfg_check_keys(loader *L, const sec_rec *s, const char *const *allowed, const char *what);
/* The one-number sections ([feedback], [rectification], [resources]):
 * when s is one of them, check its keys and read its settings into cfg.
 * Returns 1 when s was such a section. */
int cfg_load_settings(loader *L, cc_config *cfg, const sec_rec *s);

/* ---- config_sections.c ---- */
int cfg_list_index(const char *const *list, const char *s);   /* -1 absent */
void cfg_load_sections(loader *L, cc_config *cfg);

/* ---- config_indicator.c ---- */
void cfg_load_indicator(loader *L, cc_config *cfg, const sec_rec *s);

#endif
