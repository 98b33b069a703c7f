/* ingest/book — spreadsheet inputs: which sheets of a workbook are read,
 * where their header rows are, and each such sheet handed out as a record
 * reader (text/sheet.h) for discover.c to store as one unit (ingest.c);
 * book.c calls nothing above header matching (header.c).
 *
 * The rules (docs/inputs/spreadsheets.md):
 *   - every visible sheet whose header matches an input kind is read, in
 *     dependency order of the kinds, then sheet order; `--sheet NAME` reads
 *     that sheet only (hidden or not);
 *   - the header row is the first of the first 10 rows that matches a kind
 *     (title rows above it are skipped);
 *   - hidden sheets and sheets that match nothing are named in one notice;
 *     a workbook in which nothing matches is refused as a CSV file would be
 *     (its most filled row of the first 10 of the first visible sheet taken
 *     as the header, so that the message lists what was found);
 *   - each sheet read is one unit of the ingest log: name "FILE#SHEET",
 *     key "SHA-256#SHEET"; a workbook that cannot be opened stores nothing.
 */
#include "ingest/ingest_int.h"
#include "ingest/ledger_in.h"
#include "text/sheet.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HEADER_ROWS 10

typedef struct {
    size_t sheet;
    long header_row;          /* 0: none found */
    cc_kind kind;
    long best_row;            /* the most filled of the first rows (fallback) */
} sheet_pick;

/* The kind of a sheet that holds a rectification ledger (not an input kind). */
#define BOOK_LEDGER CC_KIND_COUNT

/* The header row of sheet i among its first HEADER_ROWS rows. 0 and
 * pick->header_row = 0 when none matches; -1 (and *why) when the sheet
 * cannot be read. */
static int find_header(cc_book *b, size_t i, cc_kind forced, sheet_pick *pick, char **why)
{
    pick->sheet = i;
    pick->header_row = 0;
    pick->kind = CC_KIND_UNKNOWN;
    pick->best_row = 0;
    cc_csv *r = cc_book_sheet_open(b, i, 0, why);
    if (!r)
        return -1;
    size_t most = 0;
    cc_csv_record rec;
    int rc, seen = 0;
    while (seen < HEADER_ROWS && (rc = cc_csv_next(r, &rec)) == 1) {
        size_t filled = 0;
        for (size_t k = 0; k < rec.n; k++) {
            size_t n = rec.len[k];
            cc_trim(rec.field[k], &n);
            filled += n != 0;
        }
        if (!filled)
            continue;           /* an empty row is no row */
        seen++;
        if (filled > most) {
            most = filled;
            pick->best_row = rec.line;
        }
        cc_kind k = cc_ingest_header_kind(&rec, forced);
        /* a returned rectification ledger (ledger_in.c): read after the data */
        if (k == CC_KIND_UNKNOWN && forced == CC_KIND_UNKNOWN && cc_ledger_is_header(&rec))
            k = BOOK_LEDGER;
        if (k != CC_KIND_UNKNOWN) {
            pick->header_row = rec.line;
            pick->kind = k;
            break;
        }
    }
    if (seen < HEADER_ROWS && pick->header_row == 0 && rc < 0) {
        *why = cc_xstrdup(cc_csv_error(r));
        cc_csv_free(r);
        return -1;
    }
    cc_csv_free(r);
    return 0;
}

static int tier(cc_kind k)
{
    if (k == BOOK_LEDGER)
        return 3;
    return k == CC_KIND_COMMUNITIES ? 0 : (k == CC_KIND_PROVIDERS || k == CC_KIND_ACTIVITIES) ? 1 : 2;
}

static int hash_file(const char *path, char hex[SHA256_DIGEST_SIZE * 2 + 1])
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct sha256_ctx sha;
    sha256_init(&sha);
    enum { CH = 1 << 20 };
    uint8_t *buf = cc_xmalloc(CH);
    ssize_t n;
    while ((n = read(fd, buf, CH)) > 0)
        sha256_update(&sha, (size_t)n, buf);
    free(buf);
    close(fd);
    if (n < 0)
        return -1;
    uint8_t dig[SHA256_DIGEST_SIZE];
    sha256_digest(&sha, sizeof dig, dig);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
        snprintf(hex + 2 * i, 3, "%02x", dig[i]);
    return 0;
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* The sheets to read, in the order to read them (n returned; -1 error said). */
static int pick_sheets(cc_book *b, const char *path, const cc_ingest_opts *opts, sheet_pick *picks, int quiet)
{
    size_t ns = cc_book_nsheets(b);
    int np = 0;
    char *why = NULL;
    if (opts->sheet) {
        size_t i = 0;
        while (i < ns && strcmp(cc_book_sheet_name(b, i), opts->sheet))
            i++;
        if (i == ns) {
            if (!quiet) {
                cc_buf names = CC_BUF_INIT;
                for (size_t k = 0; k < ns; k++)
                    cc_buf_addf(&names, "%s%s", k ? ", " : "", cc_book_sheet_name(b, k));
                cc_error("%s: no sheet named '%s' (sheets: %s)", path, opts->sheet, names.s ? names.s : "none");
                cc_buf_release(&names);
            }
            return -1;
        }
        if (find_header(b, i, opts->kind, &picks[0], &why) < 0)
            goto unreadable;
        if (!picks[0].header_row)
            picks[0].header_row = picks[0].best_row ? picks[0].best_row : 1;
        return 1;
    }
    cc_buf other = CC_BUF_INIT;
    size_t first_visible = ns;
    for (size_t i = 0; i < ns; i++) {
        const char *name = cc_book_sheet_name(b, i);
        if (cc_book_sheet_hidden(b, i)) {
            cc_buf_addf(&other, "%shidden sheet '%s'", other.len ? ", " : "", name);
            continue;
        }
        if (first_visible == ns)
            first_visible = i;
        if (find_header(b, i, opts->kind, &picks[np], &why) < 0) {
            cc_buf_release(&other);
            goto unreadable;
        }
        if (picks[np].header_row)
            np++;
        else
            cc_buf_addf(&other, "%ssheet '%s' (no header of an input kind in its first %d rows)",
                        other.len ? ", " : "", name, HEADER_ROWS);
    }
    if (np == 0 && first_visible < ns) {
        /* nothing matches: read the first visible sheet, for the message */
        if (find_header(b, first_visible, CC_KIND_UNKNOWN, &picks[0], &why) < 0) {
            cc_buf_release(&other);
            goto unreadable;
        }
        picks[0].header_row = picks[0].best_row ? picks[0].best_row : 1;
        np = 1;
    } else if (other.len && !quiet) {
        cc_notice("%s: not read: %s", path, other.s);
    }
    cc_buf_release(&other);
    if (np == 0) {
        if (!quiet)
            cc_error("%s: the workbook has no visible sheet to read (use --sheet NAME for a hidden one)", path);
        return -1;
    }
    /* dependency order of the kinds, sheet order within a kind (stable) */
    for (int i = 1; i < np; i++) {
        sheet_pick x = picks[i];
        int j = i;
        while (j > 0 && tier(picks[j - 1].kind) > tier(x.kind)) {
            picks[j] = picks[j - 1];
            j--;
        }
        picks[j] = x;
    }
    return np;
unreadable:
    if (!quiet)
        cc_error("%s: %s", path, why);
    free(why);
    return -1;
}

cc_kind cc_ingest_book_kind(const char *path, const cc_ingest_opts *opts)
{
    if (opts->kind != CC_KIND_UNKNOWN)
        return opts->kind;
    char *why = NULL;
    cc_book *b = cc_book_open(path, &why);
    free(why);
    if (!b)
        return CC_KIND_UNKNOWN;
    sheet_pick *picks = cc_xcalloc(cc_book_nsheets(b) + 1, sizeof *picks);
    int np = pick_sheets(b, path, opts, picks, 1);
    cc_kind k = np > 0 && picks[0].kind != BOOK_LEDGER ? picks[0].kind : CC_KIND_UNKNOWN;
    free(picks);
    cc_book_free(b);
    return k;
}

struct cc_book_units {
    char hex[SHA256_DIGEST_SIZE * 2 + 1];   /* the file's SHA-256 */
    const char *path;
    cc_book *b;
    sheet_pick *picks;
    int np, next;
    char *label, *name, *sha;  /* of the unit handed out last */
    cc_sheet_unit u;
};

cc_book_units *cc_book_units_open(const char *path, const cc_ingest_opts *opts, cc_err *err)
{
    cc_book_units *it = cc_xcalloc(1, sizeof *it);
    if (hash_file(path, it->hex) < 0) {
        cc_error("%s: cannot read: %s", path, strerror(errno));
        free(it);
        *err = CC_ERR_IO;
        return NULL;
    }
    char *why = NULL;
    it->b = cc_book_open(path, &why);
    if (!it->b) {
        cc_error("%s: %s; nothing stored", path, why);
        free(why);
        free(it);
        *err = CC_ERR_DATA;
        return NULL;
    }
    it->path = path;
    it->picks = cc_xcalloc(cc_book_nsheets(it->b) + 1, sizeof *it->picks);
    it->np = pick_sheets(it->b, path, opts, it->picks, 0);
    if (it->np < 0) {
        cc_book_units_free(it);
        *err = CC_ERR_DATA;
        return NULL;
    }
    return it;
}

int cc_book_units_next(cc_book_units *it, const cc_sheet_unit **u)
{
    CC_FREE(it->label);
    CC_FREE(it->name);
    CC_FREE(it->sha);
    if (it->next >= it->np)
        return 0;
    const sheet_pick *pick = &it->picks[it->next++];
    const char *sheet = cc_book_sheet_name(it->b, pick->sheet);
    char *why = NULL;
    cc_csv *r = cc_book_sheet_open(it->b, pick->sheet, pick->header_row, &why);
    if (!r) {
        cc_error("%s: sheet %s: %s", it->path, sheet, why);
        free(why);
        return -1;
    }
    it->label = cc_xasprintf("%s: sheet %s", it->path, sheet);
    it->name = cc_xasprintf("%s#%s", base_name(it->path), sheet);
    it->sha = cc_xasprintf("%s#%s", it->hex, sheet);
    it->u = (cc_sheet_unit){r, it->label, it->name, it->sha, sheet, cc_book_sheet_rows(it->b, pick->sheet)};
    *u = &it->u;
    return 1;
}

void cc_book_units_free(cc_book_units *it)
{
    if (!it)
        return;
    free(it->label);
    free(it->name);
    free(it->sha);
    free(it->picks);
    cc_book_free(it->b);
    free(it);
}
