/* ingest/ledger_in — a returned rectification ledger (整改台账, ledger.md):
 * recognised by its header (编号 with 完成情况 and 整改措施), each row's
 * filled-in columns stored for the item its 编号 names, in one transaction
 * with the file's record (so a file is stored once, by SHA-256, like every
 * input).  A later file replaces what an earlier one gave an item, column by
 * column: a blank cell keeps the stored value.  The ledger's other columns
 * (社区, 指标, 状态 ...) are the report's and are not read, nor is any column
 * a clerk added: nothing but the six filled-in columns is ever stored. */
#include "store/db.h"
#include "ingest/ledger_in.h"
#include "ingest/kinds.h"
#include "model/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { L_ID, L_MEASURES, L_OWNER, L_PLANNED, L_PROGRESS, L_DONE, L_NOTE, L_N };

/* Is id an item's 编号, <community_id>-<indicator_id>-<first period>, of a
 * registered community?  Items are recomputed from the data at each report
 * (score/ledger.c), never recorded: a 编号 is known when it reads as one.
 * The period is "2026-W40", "2026-10", "2026-Q3" or "2026", written as a
 * report writes it; the indicator a bare id (letters, digits, '_'). */
static int item_id_known(sqlite3_stmt *known, const char *id, size_t n)
{
    char buf[128];
    if (n >= sizeof buf)
        return 0;
    memcpy(buf, id, n);
    buf[n] = 0;
    for (int parts = 2; parts >= 1; parts--) {
        char *p = buf + n;
        for (int k = 0; k < parts && p > buf; k++)
            for (p--; p > buf && *p != '-'; p--)
                ;
        if (p <= buf)
            continue;
        cc_period per;
        if (cc_period_parse(p + 1, &per) != CC_OK || strcmp(per.id, p + 1))
            continue;
        *p = 0;
        char *ind = strrchr(buf, '-');
        if (!ind || ind == buf || !ind[1])
            return 0;
        for (const char *c = ind + 1; *c; c++)
            if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
                return 0;
        *ind = 0;
        sqlite3_bind_text(known, 1, buf, -1, SQLITE_TRANSIENT);
        int r = sqlite3_step(known) == SQLITE_ROW;
        sqlite3_reset(known);
        return r;
    }
    return 0;
}

static const struct {
    const char *key, *zh;
} lcols[L_N] = {
    {"item", "编号"}, {"measures", "整改措施"}, {"owner", "责任人"}, {"planned", "计划完成日期"},
    {"progress", "完成情况"}, {"done", "完成日期"}, {"note", "备注"},
};

static const char *const progress_values[] = {"未开始", "进行中", "已完成", NULL};

static int lcol_of(const char *s, size_t len)
{
    char norm[128];
    size_t n = cc_header_norm(s, len, norm, sizeof norm);
    if (n == (size_t)-1 || n >= sizeof norm)
        return -1;
    norm[n] = '\0';
    for (int k = 0; k < L_N; k++)
        if (!strcmp(norm, lcols[k].zh) || !strcmp(norm, lcols[k].key))
            return k;
    return -1;
}

int cc_ledger_is_header(const cc_csv_record *rec)
{
    int seen[L_N] = {0};
    for (size_t i = 0; i < rec->n; i++) {
        int k = lcol_of(rec->field[i], rec->len[i]);
        if (k >= 0)
            seen[k] = 1;
    }
    return seen[L_ID] && seen[L_PROGRESS] && seen[L_MEASURES];
}

/* Column letters of a 0-based index: A .. Z, AA ... */
static void col_letters(size_t c, char out[8])
{
    char tmp[8];
    int n = 0;
    c++;
    while (c && n < 7) {
        tmp[n++] = (char)('A' + (c - 1) % 26);
        c = (c - 1) / 26;
    }
    for (int i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = '\0';
}

/* A date cell: any date carecard reads, or a spreadsheet's day number
 * (a date cell exported as a number: 1900 date system, 1 = 1900-01-01). */
static int ledger_date(const char *s, size_t n, char out[11])
{
    cc_day d;
    if (cc_parse_date(s, n, &d) == CC_PARSE_OK) {
        cc_day_format(d, out);
        return 0;
    }
    char buf[32];
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *end;
    double v = strtod(buf, &end);
    if (*end || v < 20000 || v > 80000 || v != (double)(long)v)
        return -1;
    /* Excel's day 25569 is 1970-01-01 */
    d = (cc_day)((long)v - 25569) + cc_day_from_ymd(1970, 1, 1);
    cc_day_format(d, out);
    return 0;
}

cc_err cc_ledger_ingest(cc_store *s, const char *path, const char *name, const char *sha,
                        const char *encoding, cc_csv *r, const cc_csv_record *hdr,
                        const cc_ingest_opts *opts, cc_ingest_stats *st)
{
    int where[L_N];
    char *hname[L_N];
    for (int k = 0; k < L_N; k++) {
        where[k] = -1;
        hname[k] = NULL;
    }
    for (size_t i = 0; i < hdr->n; i++) {
        int k = lcol_of(hdr->field[i], hdr->len[i]);
        if (k >= 0 && where[k] < 0)
            where[k] = (int)i;
    }
    for (int k = 0; k < L_N; k++)
        hname[k] = (char *)lcols[k].zh;
    /* columns a clerk added (not the ledger's own): said, never read */
    static const char *const report_cols[] = {"社区", "指标", "处置", "等级", "首次预警", "连续期数", "当前值",
                                              "目标", "整改期限", "状态", NULL};
    long others = 0;
    cc_buf oth = CC_BUF_INIT;
    for (size_t i = 0; i < hdr->n; i++) {
        size_t n = hdr->len[i];
        const char *t = cc_trim(hdr->field[i], &n);
        if (!n || lcol_of(hdr->field[i], hdr->len[i]) >= 0)
            continue;
        int own = 0;
        for (int k = 0; report_cols[k] && !own; k++)
            own = strlen(report_cols[k]) == n && !memcmp(report_cols[k], t, n);
        if (own)
            continue;
        if (others < 10)
            cc_buf_addf(&oth, "%s'%.*s'", others ? ", " : "", (int)(n > 60 ? 60 : n), t);
        others++;
    }
    if (others)
        cc_notice("%s: rectification ledger: ignoring %ld column%s added to it: %s%s", path, others,
                  others > 1 ? "s" : "", oth.s, others > 10 ? ", …" : "");
    cc_buf_release(&oth);

    cc_err e = cc_store_begin(s);
    if (e)
        return e;
    sqlite3_stmt *q = NULL, *known = NULL, *up = NULL, *rej = NULL;
    int rc = sqlite3_prepare_v2(s->db, "SELECT 1 FROM files WHERE sha256 = ?", -1, &q, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(q, 1, sha, -1, SQLITE_STATIC);
        rc = sqlite3_step(q);
        sqlite3_finalize(q);
        q = NULL;
        if (rc == SQLITE_ROW) {            /* stored by another run meanwhile */
            cc_store_rollback(s);
            cc_notice("%s: already ingested (same SHA-256); skipped", path);
            st->skipped = 1;
            return CC_OK;
        }
        rc = SQLITE_OK;
    }
    char now[24];
    {
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
    int64_t file_id = 0;
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(s->db, "INSERT INTO files (name, path, sha256, kind, encoding, rows_read, "
                                "rows_accepted, rows_rejected, ingested_at) VALUES (?, ?, ?, 'ledger', ?, 0, 0, 0, ?)",
                                -1, &q, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, path, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 3, sha, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 4, encoding, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 5, now, -1, SQLITE_STATIC);
        rc = sqlite3_step(q) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(s->db);
        sqlite3_finalize(q);
        file_id = sqlite3_last_insert_rowid(s->db);
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(s->db, "SELECT 1 FROM communities WHERE community_id = ?", -1, &known, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(s->db,
            "INSERT INTO ledger_entries (item_id, measures, owner, planned, progress, done, note, file_id, line)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(item_id) DO UPDATE SET"
            " measures = coalesce(excluded.measures, measures), owner = coalesce(excluded.owner, owner),"
            " planned = coalesce(excluded.planned, planned), progress = coalesce(excluded.progress, progress),"
            " done = coalesce(excluded.done, done), note = coalesce(excluded.note, note),"
            " file_id = excluded.file_id, line = excluded.line", -1, &up, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(s->db, "INSERT INTO rejects (file_id, line, community_id, date, column_key, message)"
                                " VALUES (?, ?, NULL, NULL, ?, ?)", -1, &rej, NULL);
    if (rc != SQLITE_OK) {
        e = cc_store_err(s, rc, "storing the rectification ledger");
        goto fail;
    }

    cc_csv_record rec;
    int got;
    while ((got = cc_csv_next(r, &rec)) == 1) {
        const char *v[L_N];
        size_t vn[L_N];
        int any = 0;
        for (int k = 0; k < L_N; k++) {
            v[k] = "";
            vn[k] = 0;
            if (where[k] >= 0 && (size_t)where[k] < rec.n) {
                size_t n = rec.len[where[k]];
                v[k] = cc_trim(rec.field[where[k]], &n);
                vn[k] = n;
                any |= n > 0;
            }
        }
        if (!any)
            continue;                       /* an empty row */
        st->rows_read++;
        char reason[512], letters[8];
        int bad = -1;
        char dates[2][11];
        const char *progress = NULL;
        if (vn[L_ID] == 0) {
            bad = L_ID;
            snprintf(reason, sizeof reason, "编号 is empty");
        } else {
            if (!item_id_known(known, v[L_ID], vn[L_ID])) {
                bad = L_ID;
                snprintf(reason, sizeof reason, "unknown 编号 '%.*s' (not <社区编号>-<指标>-<首次预警期> of a registered community)",
                         (int)(vn[L_ID] > 200 ? 200 : vn[L_ID]), v[L_ID]);
            }
        }
        for (int d = 0; d < 2 && bad < 0; d++) {
            int k = d ? L_DONE : L_PLANNED;
            if (vn[k] && ledger_date(v[k], vn[k], dates[d]) < 0) {
                bad = k;
                snprintf(reason, sizeof reason, "%s '%.*s' is not a date", lcols[k].zh,
                         (int)(vn[k] > 100 ? 100 : vn[k]), v[k]);
            }
        }
        if (bad < 0 && vn[L_PROGRESS]) {
            for (int p = 0; progress_values[p]; p++)
                if (strlen(progress_values[p]) == vn[L_PROGRESS] &&
                    !memcmp(progress_values[p], v[L_PROGRESS], vn[L_PROGRESS]))
                    progress = progress_values[p];
            if (!progress) {
                bad = L_PROGRESS;
                snprintf(reason, sizeof reason, "完成情况 '%.*s' is not one of 未开始, 进行中, 已完成",
                         (int)(vn[L_PROGRESS] > 100 ? 100 : vn[L_PROGRESS]), v[L_PROGRESS]);
            }
        }
        if (bad >= 0) {
            col_letters(where[bad] >= 0 ? (size_t)where[bad] : 0, letters);
            st->rows_rejected++;
            cc_warn("%s:%ld: column %s (%s%ld): %s; row rejected", path, rec.line, hname[bad], letters,
                    rec.line, reason);
            sqlite3_bind_int64(rej, 1, file_id);
            sqlite3_bind_int64(rej, 2, rec.line);
            sqlite3_bind_text(rej, 3, lcols[bad].key, -1, SQLITE_STATIC);
            sqlite3_bind_text(rej, 4, reason, -1, SQLITE_TRANSIENT);
            rc = sqlite3_step(rej);
            sqlite3_reset(rej);
            if (rc != SQLITE_DONE) {
                e = cc_store_err(s, rc, "recording a rejected row");
                goto fail;
            }
            continue;
        }
        int filled = 0;
        for (int k = L_MEASURES; k < L_N; k++)
            filled |= vn[k] > 0;
        st->rows_accepted++;
        if (!filled)
            continue;                       /* nothing filled in: nothing changes */
        sqlite3_bind_text(up, 1, v[L_ID], (int)vn[L_ID], SQLITE_STATIC);
        for (int k = L_MEASURES; k < L_N; k++) {
            if (!vn[k])
                sqlite3_bind_null(up, k + 1);
            else if (k == L_PLANNED)
                sqlite3_bind_text(up, k + 1, dates[0], 10, SQLITE_STATIC);
            else if (k == L_DONE)
                sqlite3_bind_text(up, k + 1, dates[1], 10, SQLITE_STATIC);
            else if (k == L_PROGRESS)
                sqlite3_bind_text(up, k + 1, progress, -1, SQLITE_STATIC);
            else
                sqlite3_bind_text(up, k + 1, v[k], (int)vn[k], SQLITE_STATIC);
        }
        sqlite3_bind_int64(up, 8, file_id);
        sqlite3_bind_int64(up, 9, rec.line);
        rc = sqlite3_step(up);
        sqlite3_reset(up);
        if (rc != SQLITE_DONE) {
            e = cc_store_err(s, rc, "storing a ledger entry");
            goto fail;
        }
    }
    if (got < 0) {
        cc_error("%s: %s", path, cc_csv_error(r));
        e = CC_ERR_DATA;
        goto fail;
    }
    if (opts->strict && st->rows_rejected) {
        cc_error("%s: %ld row%s rejected; --strict: file not stored", path, st->rows_rejected,
                 st->rows_rejected > 1 ? "s" : "");
        e = CC_ERR_DATA;
        goto fail;
    }
    rc = sqlite3_prepare_v2(s->db, "UPDATE files SET rows_read = ?, rows_accepted = ?, rows_rejected = ? "
                            "WHERE file_id = ?", -1, &q, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(q, 1, st->rows_read);
        sqlite3_bind_int64(q, 2, st->rows_accepted);
        sqlite3_bind_int64(q, 3, st->rows_rejected);
        sqlite3_bind_int64(q, 4, file_id);
        rc = sqlite3_step(q) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(s->db);
        sqlite3_finalize(q);
    }
    if (rc != SQLITE_OK) {
        e = cc_store_err(s, rc, "recording the file");
        goto fail;
    }
    sqlite3_finalize(known);
    sqlite3_finalize(up);
    sqlite3_finalize(rej);
    if ((e = cc_store_commit(s)) != CC_OK) {
        st->rows_accepted = 0;
        return e;
    }
    st->stored = 1;
    cc_verbose("%s: ledger, %ld rows stored, %ld rejected", path, st->rows_accepted, st->rows_rejected);
    return CC_OK;
fail:
    sqlite3_finalize(known);
    sqlite3_finalize(up);
    sqlite3_finalize(rej);
    cc_store_rollback(s);
    st->rows_accepted = 0;
    return e;
}
