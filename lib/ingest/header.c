/* ingest/header — a file's header: its columns matched to a kind's
 * (docs/inputs/README.md, "Headers"), the kind told from them, the column
 * rules of the kind, unknown columns and survey questions. */
#include "ingest/ingest_int.h"

#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void ingest_list_headers(cc_buf *b, const cc_csv_record *rec)
{
    size_t shown = rec->n < 30 ? rec->n : 30;
    for (size_t i = 0; i < shown; i++) {
        size_t n = rec->len[i];
        const char *t = cc_trim(rec->field[i], &n);
        char v[128];
        ingest_show_value(t, n, v, sizeof v);
        cc_buf_addf(b, "%s%s", i ? ", " : "", v);
    }
    if (rec->n > shown)
        cc_buf_addf(b, ", … (%zu columns)", rec->n);
}

/* Map the header to kind k; returns number of required columns missing
 * (first one in *missing), or -1 for a duplicated column (message printed
 * when report). */
int ingest_map_header(const cc_kind_def *kd, const cc_csv_record *rec, int *map, int *where,
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
cc_kind ingest_detect_kind(const cc_csv_record *rec, cc_kind *best)
{
    int *map = cc_xmalloc((rec->n + 1) * sizeof *map);
    int where[64];
    cc_kind found = CC_KIND_UNKNOWN;
    int found_matched = -1;
    double best_score = 0;
    *best = CC_KIND_UNKNOWN;
    for (int k = 0; k < CC_KIND_COUNT; k++) {
        int missing, matched;
        int miss = ingest_map_header(&cc_kinds[k], rec, map, where, &missing, &matched, NULL, 0);
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

/* The first line is valid UTF-8 with some non-ASCII characters. */
int ingest_header_is_utf8(const char *path)
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

cc_kind cc_ingest_header_kind(const cc_csv_record *rec, cc_kind forced)
{
    cc_kind best;
    if (forced == CC_KIND_UNKNOWN)
        return ingest_detect_kind(rec, &best);
    int *map = cc_xmalloc((rec->n + 1) * sizeof *map), where[64], missing, matched;
    int miss = ingest_map_header(&cc_kinds[forced], rec, map, where, &missing, &matched, NULL, 0);
    free(map);
    return miss == 0 ? forced : CC_KIND_UNKNOWN;
}

