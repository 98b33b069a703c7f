/* ingest/discover — which files and sheets are read, in which order:
 * directories expanded, files sorted into dependency order by their header,
 * a workbook's sheets taken from book.c one by one. */
#include "ingest/ingest_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* input of a run (all its files) loaded through a rollback journal */
#define BULK_LOAD (8u << 20)

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
        k = ingest_detect_kind(&rec, &best);
    cc_csv_free(r);
    return k;
}

/* A workbook: every sheet book.c hands out stored as one unit (st: the sum). */
static cc_err ingest_book(cc_store *s, const char *path, const cc_ingest_opts *opts, cc_ingest_stats *st)
{
    cc_err first = CC_OK;
    cc_book_units *it = cc_book_units_open(path, opts, &first);
    if (!it)
        return first;
    int skipped = 1, rc;
    const cc_sheet_unit *u;
    while ((rc = cc_book_units_next(it, &u)) != 0) {
        if (rc < 0) {
            if (!first)
                first = CC_ERR_DATA;
            skipped = 0;
            continue;
        }
        cc_ingest_stats one;
        memset(&one, 0, sizeof one);
        cc_err e = ingest_one(s, path, opts, &one, u);
        st->rows_read += one.rows_read;
        st->rows_accepted += one.rows_accepted;
        st->rows_rejected += one.rows_rejected;
        st->replaced += one.replaced;
        st->notices += one.notices;
        st->stored |= one.stored;
        skipped &= one.skipped;
        if (e != CC_OK && !first)
            first = e;
        if (e == CC_ERR_INTERRUPTED || e == CC_ERR_BUSY)
            break;
    }
    st->skipped = skipped;
    cc_book_units_free(it);
    return first;
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
            e = ingest_book(s, paths[i], opts, &stats[i]);
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
