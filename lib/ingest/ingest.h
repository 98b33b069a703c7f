/* ingest — fields to rows: the nine input kinds (columns, English keys and
 * Chinese headers, types, enumerations), row validation, cross-file
 * references, rejects files, and storing one file per transaction.
 * Depends on text/ and store/.
 */
#ifndef CC_INGEST_H
#define CC_INGEST_H

#include "base/base.h"
#include "store/store.h"
#include "text/text.h"

typedef enum {
    CC_KIND_UNKNOWN = -1,
    CC_KIND_COMMUNITIES, CC_KIND_PROVIDERS, CC_KIND_ACTIVITIES, CC_KIND_ATTENDANCE,
    CC_KIND_SURVEYS, CC_KIND_ASSESSMENTS, CC_KIND_TRAININGS, CC_KIND_TIMEBANK,
    CC_KIND_FEEDBACK, CC_KIND_COUNT
} cc_kind;   /* in dependency order */

const char *cc_kind_name(cc_kind k);     /* "communities" ... */
const char *cc_kind_zh(cc_kind k);       /* 社区名册 ... */
cc_kind cc_kind_parse(const char *s);    /* English name; CC_KIND_UNKNOWN */

typedef struct {
    cc_kind kind;            /* CC_KIND_UNKNOWN = detect from headers */
    cc_encoding encoding;    /* CC_ENC_AUTO default */
    int strict;              /* reject the whole file on any bad row */
    const char *rejects_dir; /* NULL = beside the database */
    int progress;            /* draw a progress bar on stderr */
    const char *sheet;       /* a workbook's sheet to read; NULL = every sheet of an input kind */
} cc_ingest_opts;

typedef struct {
    long rows_read, rows_accepted, rows_rejected, replaced, notices;
    int skipped;             /* same SHA-256 already ingested */
    int stored;              /* the file was committed */
} cc_ingest_stats;

/* Ingest the files (already expanded from directories) in dependency order.
 * A workbook (.xlsx, .xls) is read sheet by sheet (ingest/book.c); its stats
 * entry sums its sheets.
 * stats: one entry per path, in the order given (caller allocates npaths).
 * Returns CC_OK when every file was stored or skipped (rows may have been
 * rejected: see stats), otherwise the first error (later files are still tried). */
cc_err cc_ingest_files(cc_store *s, const char *const *paths, size_t npaths,
                       const cc_ingest_opts *opts, cc_ingest_stats *stats);

/* Expand directories into their *.csv, *.tsv, *.xlsx and *.xls files (sorted
 * by name); every other file of a directory is named in one notice.
 * Caller frees each string and the array. */
cc_err cc_ingest_expand(const char *const *args, size_t nargs, char ***paths, size_t *npaths);

/* The Chinese of an ingest message or reject reason (msg_zh.c, the message
 * catalog): a new string (caller frees), or NULL when no part of it is in the
 * catalog.  File names, line numbers and column keys are kept as they are. */
char *cc_msg_zh(const char *en);
/* Row i of the catalog: its English printf format (NULL past the end) and
 * *zh its Chinese template. */
const char *cc_msg_zh_format(size_t i, const char **zh);

#endif
