/* ingest/rejects — a rejected row: said (the first MAX_SHOWN of a file),
 * written to FILE.rejects.csv (its 原因 from the message catalog) and
 * recorded in the rejects table. */
#include "ingest/ingest_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A sheet's reason names the column as typed and its cell: "column 实到人数 (E12): "
 * for the "column 'attended' (实到人数): " of fail_col. */
static const char *sheet_reason(file_ctx *f, long line, const char *reason, const char *col, char *buf, size_t cap)
{
    int ci = col ? cc_col_index(f->kd, col) : -1;
    if (!f->unit || ci < 0 || f->where[ci] < 0)
        return reason;
    const cc_col_def *c = &f->kd->cols[ci];
    char pre[300], ref[8];
    int o = snprintf(pre, sizeof pre, "column '%s' (%s): ", c->key, c->zh);
    if (o <= 0 || (size_t)o >= sizeof pre || strncmp(reason, pre, (size_t)o))
        return reason;
    cc_col_letters((size_t)f->where[ci], ref);
    snprintf(buf, cap, "column %s (%s%ld): %s", f->header[f->where[ci]][0] ? f->header[f->where[ci]] : c->key, ref,
             line, reason + o);
    return buf;
}

static int plain_number(const char *s, size_t n)
{
    double d;
    return cc_parse_number(s, n, &d) == CC_PARSE_OK && !memchr(s, ',', n);
}

static void csv_cell(FILE *out, const char *s, size_t n)
{
    int formula = n && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') &&
                  !plain_number(s, n);
    int quote = formula;
    for (size_t i = 0; i < n && !quote; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
            quote = 1;
    if (!quote) {
        fwrite(s, 1, n, out);
        return;
    }
    fputc('"', out);
    if (formula)
        fputc('\'', out);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            fputc('"', out);
        fputc(s[i], out);
    }
    fputc('"', out);
}

static int open_rejects(file_ctx *f)
{
    if (f->rej || f->rej_failed)
        return f->rej ? 0 : -1;
    const char *dir = f->opts->rejects_dir;
    char *dbdir = NULL;
    if (!dir) {
        dbdir = cc_xstrdup(f->s->path);
        char *slash = strrchr(dbdir, '/');
        if (slash)
            *(slash == dbdir ? slash + 1 : slash) = '\0';
        else
            strcpy(dbdir, ".");
        dir = dbdir;
    }
    f->rej_path = cc_xasprintf("%s/%s.rejects.csv", dir, f->name);
    f->rej_tmp = cc_xasprintf("%s/.%s.rejects.csv.tmp%ld", dir, f->name, (long)getpid());
    free(dbdir);
    int fd = open(f->rej_tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || !(f->rej = fdopen(fd, "w"))) {
        cc_error("%s: cannot write the rejects file: %s", f->rej_path, strerror(errno));
        if (fd >= 0)
            close(fd);
        f->rej_failed = 1;
        return -1;
    }
    fchmod(fd, 0600);
    fputs(f->unit ? "\xEF\xBB\xBFsheet,row,\xE5\x8E\x9F\xE5\x9B\xA0,reason"   /* sheet,row,原因,reason */
                  : "\xEF\xBB\xBFline,\xE5\x8E\x9F\xE5\x9B\xA0,reason", f->rej);   /* line,原因,reason */
    for (size_t i = 0; i < f->ncols_in; i++) {
        fputc(',', f->rej);
        csv_cell(f->rej, f->header[i], strlen(f->header[i]));
    }
    fputs("\r\n", f->rej);
    return 0;
}

int ingest_reject_row(file_ctx *f, const cc_csv_record *rec, const char *reason, const char *col)
{
    f->st->rows_rejected++;
    char said[2048];
    reason = sheet_reason(f, rec->line, reason, col, said, sizeof said);
    if (f->shown_rejects++ >= MAX_SHOWN)
        ;
    else if (!f->unit)
        cc_warn("%s:%ld: %s", f->path, rec->line, reason);
    else if (!strncmp(reason, "column ", 7))       /* "column 实到人数 (E12): …" */
        cc_warn("%s, row %ld, %s", f->path, rec->line, reason);
    else
        cc_warn("%s, row %ld: %s", f->path, rec->line, reason);
    if (open_rejects(f) == 0) {
        if (f->unit) {
            csv_cell(f->rej, f->unit->sheet, strlen(f->unit->sheet));
            fputc(',', f->rej);
        }
        char *zh = cc_msg_zh(reason);          /* the Chinese 原因, from the catalog */
        fprintf(f->rej, "%ld,", rec->line);
        csv_cell(f->rej, zh ? zh : reason, strlen(zh ? zh : reason));
        free(zh);
        fputc(',', f->rej);
        csv_cell(f->rej, reason, strlen(reason));
        for (size_t i = 0; i < rec->n; i++) {
            fputc(',', f->rej);
            csv_cell(f->rej, rec->field[i], rec->len[i]);
        }
        fputs("\r\n", f->rej);
    }
    sqlite3_stmt *st = f->reject_ins;
    sqlite3_bind_int64(st, 1, f->file_id);
    sqlite3_bind_int64(st, 2, rec->line);
    int cc = -1, dc = -1;
    for (int ci = 0; ci < f->kd->ncols; ci++) {
        if (cc < 0 && !strcmp(f->kd->cols[ci].key, "community_id"))
            cc = ci;
        if (dc < 0 && f->kd->cols[ci].type == CC_T_DATE && (f->kd->cols[ci].flags & (CC_F_PLAUS | CC_F_KEY)))
            dc = ci;
    }
    if (cc >= 0 && f->v[cc].st == CC_PARSE_OK)
        sqlite3_bind_text(st, 3, f->v[cc].code ? f->v[cc].code : f->v[cc].s,
                          f->v[cc].code ? -1 : (int)f->v[cc].n, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 3);
    if (dc >= 0 && f->v[dc].st == CC_PARSE_OK)
        sqlite3_bind_text(st, 4, f->v[dc].fmt, 10, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 4);
    if (col)
        sqlite3_bind_text(st, 5, col, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 5);
    sqlite3_bind_text(st, 6, reason, -1, SQLITE_STATIC);
    return ingest_step_done(f, st, "recording a rejected row");
}

