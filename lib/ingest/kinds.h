/* ingest/kinds — internal: the column tables of the nine input kinds.
 * Not part of the public ingest.h; status and tests may use it. */
#ifndef CC_INGEST_KINDS_H
#define CC_INGEST_KINDS_H

#include "ingest/ingest.h"

typedef enum { CC_T_ID, CC_T_TEXT, CC_T_INT, CC_T_NUM, CC_T_DATE, CC_T_TIME, CC_T_BOOL, CC_T_ENUM, CC_T_LIST } cc_col_type;

enum {
    CC_F_REQ = 1 << 0,        /* required */
    CC_F_GE = 1 << 1,         /* value >= lo */
    CC_F_GT = 1 << 2,         /* value > lo */
    CC_F_LE = 1 << 3,         /* value <= hi */
    CC_F_KEY = 1 << 4,        /* part of the row key */
    CC_F_COMMUNITY = 1 << 5,  /* must name a community of the register */
    CC_F_ACTIVITY = 1 << 6,   /* must name a stored activity */
    CC_F_PROVIDER = 1 << 7,   /* must name a stored provider */
    CC_F_BYNAME = 1 << 8,     /* a community may be named by its name */
    CC_F_PLAUS = 1 << 9       /* the row's date: plausibility checks */
};

typedef struct {
    const char *code;         /* stored value */
    const char *labels;       /* accepted spellings besides the code, '|'-separated */
} cc_enum_val;

typedef struct {
    const char *key;          /* English key */
    const char *zh;           /* Chinese header */
    const char *alt;          /* other accepted headers, '|'-separated, or NULL */
    cc_col_type type;
    unsigned flags;
    double lo, hi;
    const cc_enum_val *ev;    /* CC_T_ENUM */
    const char *db;           /* database column when it differs from key */
} cc_col_def;

typedef struct {
    cc_kind kind;
    const char *name, *zh, *table;
    const cc_col_def *cols;
    int ncols;
} cc_kind_def;

extern const cc_kind_def cc_kinds[CC_KIND_COUNT];

int cc_col_index(const cc_kind_def *kd, const char *key);
/* Normalised header (see docs/inputs/README.md, "Headers"); returns length or -1. */
size_t cc_header_norm(const char *s, size_t len, char *out, size_t cap);
/* Index of the column a header names in kind kd, or -1. */
int cc_header_match(const cc_kind_def *kd, const char *s, size_t len);
/* Index in ev of the value s spells, or -1. */
int cc_enum_match(const cc_enum_val *ev, const char *s, size_t len);
/* A survey question's header without its leading number; returns the length,
 * *out points into s. */
size_t cc_question_strip(const char *s, size_t len, const char **out);

#endif
