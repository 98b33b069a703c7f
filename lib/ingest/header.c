/* ingest/header — a file's header: its columns matched to a kind's
 * (docs/inputs/README.md, "Headers"), the kind told from them, the column
 * rules of the kind, unknown columns and survey questions. */
#include "ingest/ingest_int.h"

#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void list_headers(cc_buf *b, const cc_csv_record *rec)
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
static int map_header(const cc_kind_def *kd, const cc_csv_record *rec, int *map, int *where,
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
        int miss = map_header(&cc_kinds[k], rec, map, where, &missing, &matched, NULL, 0);
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
static int header_is_utf8(const char *path)
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

/* The kind of the file (--kind, or told from its header; a header that
 * matches no kind is reported against the closest one): CC_KIND_UNKNOWN
 * when there is none (said).  hb: the headers found, for the messages. */
static cc_kind header_kind(file_ctx *f, cc_csv *r, const cc_csv_record *rec, const cc_buf *hb)
{
    const cc_ingest_opts *opts = f->opts;
    const char *path = f->path;
    cc_kind kind = opts->kind, best = CC_KIND_UNKNOWN;
    if (kind == CC_KIND_UNKNOWN)
        kind = ingest_detect_kind(rec, &best);
    if (kind == CC_KIND_UNKNOWN) {
        if (opts->encoding == CC_ENC_AUTO && cc_csv_encoding(r) == CC_ENC_GB18030 && best == CC_KIND_UNKNOWN)
            cc_error("%s: neither UTF-8 nor GB18030 (mixed encodings?): the header matches no file kind", path);
        else if (best == CC_KIND_UNKNOWN)
            cc_error("%s: cannot tell the kind of file from its header (found: %s); name the columns as in "
                     "docs/inputs/README.md or use --kind", path, hb->s ? hb->s : "");
        else {
            /* report against the closest kind */
            kind = best;
        }
    }
    return kind;
}

/* The columns the row rules name (f->x_*): -1 where the kind has none. */
static void column_rules(file_ctx *f)
{
    cc_kind kind = f->kind;
    static const struct { const char *key; size_t off; } rules[] = {
#define R(k, x) {k, offsetof(file_ctx, x)}
        R("places", x_places), R("inclusive_places", x_inclusive), R("start_time", x_start),
        R("end_time", x_end), R("hours", x_hours), R("status", x_status), R("attended", x_attended),
        R("children", x_children), R("special_attended", x_special), R("checks_passed", x_checks_passed),
        R("checks_total", x_checks_total), R("registered", x_registered), R("online_booked", x_online),
        R("received", x_received), R("responded", x_responded),
        R("capacity", x_capacity), R("community_id", x_community), R("as_of", x_as_of),
#undef R
    };
    for (size_t i = 0; i < sizeof rules / sizeof *rules; i++) {
        int x = cc_col_index(f->kd, rules[i].key);
        /* hours of trainings/timebank and places of communities are plain columns */
        if (kind != CC_KIND_ACTIVITIES && strcmp(rules[i].key, "community_id") &&
            strcmp(rules[i].key, "places") && strcmp(rules[i].key, "inclusive_places") &&
            strcmp(rules[i].key, "as_of") && strcmp(rules[i].key, "received") &&
            strcmp(rules[i].key, "responded"))
            x = -1;
        *(int *)((char *)f + rules[i].off) = x;
    }
}

/* The columns of no kind column: a survey's are its questions, the others
 * are named in one notice. */
static void other_columns(file_ctx *f, const cc_csv_record *rec)
{
    cc_kind kind = f->kind;
    cc_buf unk = CC_BUF_INIT;
    int nunk = 0;
    if (kind == CC_KIND_SURVEYS)
        f->questions = cc_xcalloc(rec->n, sizeof *f->questions);
    for (size_t i = 0; i < rec->n; i++) {
        if (f->map[i] >= 0)
            continue;
        size_t n = rec->len[i];
        const char *t = cc_trim(rec->field[i], &n);
        if (kind == CC_KIND_SURVEYS && n) {
            const char *q;
            size_t qn = cc_question_strip(t, n, &q);
            f->questions[i] = cc_xstrndup(q, qn);
            f->map[i] = -2;
            continue;
        }
        if (!n)
            continue;   /* an unnamed (empty) column: nothing to say */
        if (nunk < 10) {
            char v[128];
            ingest_show_value(t, n, v, sizeof v);
            cc_buf_addf(&unk, "%s'%s'", nunk ? ", " : "", v);
        }
        nunk++;
    }
    if (nunk) {
        cc_notice("%s: ignoring %d unknown column%s: %s%s", f->path, nunk, nunk > 1 ? "s" : "", unk.s,
                  nunk > 10 ? ", …" : "");
        f->st->notices++;
    }
    cc_buf_release(&unk);
}

int ingest_header_setup(file_ctx *f, cc_csv *r, const cc_csv_record *rec)
{
    const cc_ingest_opts *opts = f->opts;
    const char *path = f->path;
    f->ncols_in = rec->n;
    f->header = cc_xcalloc(rec->n, sizeof *f->header);
    for (size_t i = 0; i < rec->n; i++) {
        size_t n = rec->len[i];
        const char *t = cc_trim(rec->field[i], &n);
        f->header[i] = cc_xstrndup(t, n);
    }
    if (opts->encoding == CC_ENC_AUTO && cc_csv_encoding(r) == CC_ENC_GB18030 && header_is_utf8(path)) {
        cc_error("%s: neither UTF-8 nor GB18030 (mixed encodings?): the header is UTF-8 but the file is not; "
                 "save the whole file in one encoding", path);
        return -1;
    }
    cc_buf hb = CC_BUF_INIT;
    list_headers(&hb, rec);
    cc_kind kind = header_kind(f, r, rec, &hb);
    if (kind == CC_KIND_UNKNOWN) {
        cc_buf_release(&hb);
        return -1;
    }
    f->kind = kind;
    f->kd = &cc_kinds[kind];
    column_rules(f);
    f->map = cc_xmalloc((rec->n + 1) * sizeof *f->map);
    f->where = cc_xmalloc((size_t)f->kd->ncols * sizeof *f->where);
    f->v = cc_xcalloc((size_t)f->kd->ncols, sizeof *f->v);
    int missing, matched;
    int miss = map_header(f->kd, rec, f->map, f->where, &missing, &matched, path, 1);
    if (miss != 0) {
        if (miss > 0)
            cc_error("%s: missing required column '%s' (%s) for %s (%s); headers found: %s", path,
                     f->kd->cols[missing].key, f->kd->cols[missing].zh, f->kd->name, f->kd->zh, hb.s ? hb.s : "");
        cc_buf_release(&hb);
        return -1;
    }
    cc_buf_release(&hb);
    other_columns(f, rec);
    return 0;
}

cc_kind cc_ingest_header_kind(const cc_csv_record *rec, cc_kind forced)
{
    cc_kind best;
    if (forced == CC_KIND_UNKNOWN)
        return ingest_detect_kind(rec, &best);
    int *map = cc_xmalloc((rec->n + 1) * sizeof *map), where[64], missing, matched;
    int miss = map_header(&cc_kinds[forced], rec, map, where, &missing, &matched, NULL, 0);
    free(map);
    return miss == 0 ? forced : CC_KIND_UNKNOWN;
}

