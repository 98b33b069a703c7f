/* ingest/ledger_in — internal: a returned rectification ledger (ledger_in.c). */
#ifndef CC_INGEST_LEDGER_IN_H
#define CC_INGEST_LEDGER_IN_H

#include "ingest/ingest.h"
#include "store/store.h"

/* Is this header a rectification ledger's (编号, 整改措施 and 完成情况)? */
int cc_ledger_is_header(const cc_csv_record *rec);
/* Store the rows after header hdr of r (the file at path, named name, of
 * SHA-256 sha) in one transaction: rows whose 编号 is not a recorded item,
 * whose dates do not parse or whose 完成情况 is not 未开始/进行中/已完成 are
 * rejected with their row and column.  st as for cc_ingest_files. */
cc_err cc_ledger_ingest(cc_store *s, const char *path, const char *name, const char *sha,
                        const char *encoding, cc_csv *r, const cc_csv_record *hdr,
                        const cc_ingest_opts *opts, cc_ingest_stats *st);

#endif
