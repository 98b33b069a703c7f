/* ingest/validate — one row's cells parsed and checked against its kind's
 * columns (types, ranges, pair rules, references); the reason a row is
 * rejected, in words the message catalog (msg_zh.c) translates. */
#include "ingest/ingest_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Value for a message: at most ~60 bytes, whole UTF-8 characters, control
 * characters shown as '?'. */
void ingest_show_value(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0, i = 0;
    while (i < n && o + 8 < cap && o < 60) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7F) {
            out[o++] = '?';
            i++;
            continue;
        }
        int k = c < 0x80 ? 1 : cc_utf8_seqlen((const unsigned char *)s + i, n - i);
        if (k <= 0) {
            out[o++] = '?';
            i++;
            continue;
        }
        uint32_t cp = 0;
        if (k > 1 && cc_utf8_decode(s + i, n - i, &cp) > 0 &&
            (cp == 0xFEFF || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029)) {
            if (o + 12 >= cap)
                break;
            o += (size_t)snprintf(out + o, cap - o, "<U+%04X>", (unsigned)cp);
            i += (size_t)k;
            continue;
        }
        memcpy(out + o, s + i, (size_t)k);
        o += (size_t)k;
        i += (size_t)k;
    }
    if (i < n && o + 4 < cap) {
        memcpy(out + o, "\xE2\x80\xA6", 3);   /* … */
        o += 3;
    }
    out[o] = '\0';
}

/* "integer ≥ 0", "number 1–7", "a date (YYYY-MM-DD)" ... */
static void expect_text(const cc_col_def *c, char *out, size_t cap)
{
    char lo[32], hi[32];
    ingest_fmt_num(c->lo, lo, sizeof lo);
    ingest_fmt_num(c->hi, hi, sizeof hi);
    const char *what = c->type == CC_T_INT ? "integer" : "number";
    switch (c->type) {
    case CC_T_INT:
    case CC_T_NUM:
        if ((c->flags & CC_F_GE) && (c->flags & CC_F_LE))
            snprintf(out, cap, "%s %s–%s", what, lo, hi);
        else if ((c->flags & CC_F_GT) && (c->flags & CC_F_LE))
            snprintf(out, cap, "%s > %s and ≤ %s", what, lo, hi);
        else if (c->flags & CC_F_GE)
            snprintf(out, cap, "%s ≥ %s", what, lo);
        else if (c->flags & CC_F_GT)
            snprintf(out, cap, "%s > %s", what, lo);
        else
            snprintf(out, cap, "%s", what);
        break;
    case CC_T_DATE:
        snprintf(out, cap, "a date (2026-11-17, 2026/11/17, 2026年11月17日 or an Excel serial)");
        break;
    case CC_T_TIME:
        snprintf(out, cap, "a time (HH:MM, HH:MM:SS, 3:30 PM, 下午3:30)");
        break;
    case CC_T_BOOL:
        snprintf(out, cap, "yes or no (Y/N, yes/no, true/false, 1/0, 是/否)");
        break;
    case CC_T_ENUM: {
        size_t o = (size_t)snprintf(out, cap, "one of ");
        for (int i = 0; c->ev[i].code && o < cap; i++) {
            const char *lab = c->ev[i].labels;
            size_t ln = strcspn(lab, "|");
            int k = snprintf(out + o, cap - o, "%s%s (%.*s)", i ? ", " : "", c->ev[i].code, (int)ln, lab);
            if (k < 0 || (size_t)k >= cap - o)
                break;
            o += (size_t)k;
        }
        break;
    }
    case CC_T_ID:
        snprintf(out, cap, "an ID of 1–64 characters without control characters");
        break;
    default:
        snprintf(out, cap, "text of at most 1,000 characters");
        break;
    }
}

static int fail_col(file_ctx *f, int ci, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail_col(file_ctx *f, int ci, const char *fmt, ...)
{
    const cc_col_def *c = &f->kd->cols[ci];
    int o = snprintf(f->reason, sizeof f->reason, "column '%s' (%s): ", c->key, c->zh);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->reason + o, sizeof f->reason - (size_t)o, fmt, ap);
    va_end(ap);
    f->reason_col = c->key;
    return -1;
}

int ingest_fail_value(file_ctx *f, int ci, const char *what)
{
    char shown[128];
    ingest_show_value(f->v[ci].s, f->v[ci].n, shown, sizeof shown);
    return fail_col(f, ci, "value '%s' — %s", shown, what);
}

/* 2026-02-30, 2026年2月30日: the shape of a date but no such day */
static int no_such_day(const char *s, size_t n)
{
    char buf[64];
    if (n >= sizeof buf)
        return 0;
    size_t m = cc_fold_fullwidth(s, n, buf, sizeof buf);
    if (m == (size_t)-1)
        return 0;
    int y, mo, d, used = 0;
    char s1, s2;
    if ((sscanf(buf, "%4d%c%2d%c%2d%n", &y, &s1, &mo, &s2, &d, &used) == 5 && s1 == s2 &&
         (s1 == '-' || s1 == '/' || s1 == '.')) ||
        (sscanf(buf, "%4d年%2d月%2d日%n", &y, &mo, &d, &used) == 3))
        return used > 0 && !cc_ymd_valid(y, mo, d);
    return 0;
}

static int fail_expected(file_ctx *f, int ci)
{
    if (f->kd->cols[ci].type == CC_T_DATE && f->v[ci].st == CC_PARSE_BAD && no_such_day(f->v[ci].s, f->v[ci].n))
        return ingest_fail_value(f, ci, "no such day in the calendar");
    char exp[512], what[600];
    expect_text(&f->kd->cols[ci], exp, sizeof exp);
    snprintf(what, sizeof what, "expected %s", exp);
    return ingest_fail_value(f, ci, what);
}

static int id_ok(const char *s, size_t n)
{
    size_t cps = 0, i = 0;
    while (i < n) {
        uint32_t cp;
        int k = cc_utf8_decode(s + i, n - i, &cp);
        if (k <= 0)
            return 0;
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0xFEFF || (cp >= 0x200B && cp <= 0x200F) ||
            cp == 0x2028 || cp == 0x2029)
            return 0;
        i += (size_t)k;
        cps++;
    }
    return cps >= 1 && cps <= ID_MAX;
}

/* Parse one cell of kind column ci into f->v[ci]. */
void ingest_parse_cell(file_ctx *f, int ci, const char *s, size_t n)
{
    const cc_col_def *c = &f->kd->cols[ci];
    val *v = &f->v[ci];
    const char *t = cc_trim(s, &n);
    v->s = t;
    v->n = n;
    if (n == 0) {
        v->st = CC_PARSE_EMPTY;
        return;
    }
    switch (c->type) {
    case CC_T_ID:
        v->st = id_ok(t, n) ? CC_PARSE_OK : CC_PARSE_BAD;
        break;
    case CC_T_TEXT:
    case CC_T_LIST:
        v->st = cc_utf8_len(t, n) <= TEXT_MAX ? CC_PARSE_OK : CC_PARSE_BAD;
        break;
    case CC_T_INT:
        v->st = cc_parse_int(t, n, &v->i);
        v->d = (double)v->i;
        break;
    case CC_T_NUM:
        v->st = cc_parse_number(t, n, &v->d);
        break;
    case CC_T_DATE:
        v->st = cc_parse_date(t, n, &v->day);
        if (v->st == CC_PARSE_OK)
            cc_day_format(v->day, v->fmt);
        break;
    case CC_T_TIME:
        v->st = cc_parse_time(t, n, &v->secs);
        if (v->st == CC_PARSE_OK)
            cc_time_format(v->secs, v->fmt);
        break;
    case CC_T_BOOL:
        v->st = cc_parse_bool(t, n, &v->b);
        break;
    case CC_T_ENUM: {
        int k = cc_enum_match(c->ev, t, n);
        v->st = k >= 0 ? CC_PARSE_OK : CC_PARSE_BAD;
        if (k >= 0)
            v->code = c->ev[k].code;
        break;
    }
    }
}

static int range_ok(const cc_col_def *c, const val *v)
{
    if (c->type != CC_T_INT && c->type != CC_T_NUM)
        return 1;
    double x = v->d;
    if ((c->flags & CC_F_GE) && !(x >= c->lo))
        return 0;
    if ((c->flags & CC_F_GT) && !(x > c->lo))
        return 0;
    if ((c->flags & CC_F_LE) && !(x <= c->hi))
        return 0;
    return 1;
}

#define OK(ci) ((ci) >= 0 && f->v[ci].st == CC_PARSE_OK)

static int ref_exists(file_ctx *f, sqlite3_stmt *q, char *cache, const char *s, size_t n)
{
    if (strlen(cache) == n && !memcmp(cache, s, n))
        return 1;
    sqlite3_reset(q);
    sqlite3_bind_text(q, 1, s, (int)n, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    int found = rc == SQLITE_ROW;
    sqlite3_reset(q);
    if (found && n <= ID_MAX * 4) {
        memcpy(cache, s, n);
        cache[n] = '\0';
    }
    (void)f;
    return found;
}

/* Check the parsed row in table order; returns 0 or -1 with f->reason set.
 * A reference to a stored activity or provider needs the database: check_row
 * only notes the column in f->refs (it stops at the first failure, so a noted
 * column comes before any failure) and check_refs looks it up afterwards,
 * which gives the same first failure as checking it in place. */
int ingest_check_row(file_ctx *f)
{
    const cc_kind_def *kd = f->kd;
    f->hours_set = 0;
    f->refs = 0;
    for (int ci = 0; ci < kd->ncols; ci++) {
        const cc_col_def *c = &kd->cols[ci];
        val *v = &f->v[ci];
        if (v->st == CC_PARSE_BAD)
            return fail_expected(f, ci);
        if (v->st == CC_PARSE_EMPTY && (c->flags & CC_F_REQ))
            return fail_col(f, ci, "missing — required");
        if (v->st == CC_PARSE_OK && !range_ok(c, v))
            return fail_expected(f, ci);
        /* references */
        if (v->st == CC_PARSE_OK && (c->flags & CC_F_COMMUNITY)) {
            const char *id = NULL;
            v->code = NULL;
            if (ingest_map_get(&f->communities, v->s, v->n, NULL)) {
                v->code = NULL;
            } else if ((c->flags & CC_F_BYNAME) && ingest_map_get(&f->community_names, v->s, v->n, &id)) {
                if (id == AMBIGUOUS)
                    return ingest_fail_value(f, ci,
                                             "names more than one community in the register; use the community ID");
                v->code = id;
            } else {
                return ingest_fail_value(f, ci, "no such community in the communities register");
            }
        }
        if (v->st == CC_PARSE_OK && (c->flags & (CC_F_ACTIVITY | CC_F_PROVIDER)))
            f->refs |= (uint64_t)1 << ci;

        /* pair rules */
        char num[64];
        if (v->st == CC_PARSE_EMPTY) {
            if (ci == f->x_hours) {
                int a = f->x_start, b = f->x_end;
                if (OK(a) && OK(b)) {
                    f->hours = (f->v[b].secs - f->v[a].secs) / 3600.0;
                    f->hours_set = 1;
                } else {
                    return fail_col(f, ci, "missing — give hours (时长) or both start_time and end_time");
                }
            } else if (ci == f->x_checks_passed && f->v[f->x_checks_total].st != CC_PARSE_EMPTY) {
                return fail_col(f, ci, "missing — required with checks_total");
            } else if (ci == f->x_checks_total && f->v[f->x_checks_passed].st != CC_PARSE_EMPTY) {
                return fail_col(f, ci, "missing — required with checks_passed");
            }
            continue;
        }
        int other = -1;
        const char *rel = NULL;
        if (ci == f->x_inclusive) {
            other = f->x_places;
        } else if (ci == f->x_end) {
            int a = f->x_start;
            if (OK(a) && !(v->secs > f->v[a].secs)) {
                snprintf(num, sizeof num, "expected later than start_time (%.*s)", (int)f->v[a].n, f->v[a].s);
                return ingest_fail_value(f, ci, num);
            }
        } else if (ci == f->x_hours) {
            f->hours = v->d;
            f->hours_set = 1;
        } else if (ci == f->x_attended) {
            int s = f->x_status;
            if (OK(s) && f->v[s].code[0] == 'c' && f->v[s].code[1] == 'a' && v->i != 0)
                return ingest_fail_value(f, ci, "expected 0 when status is cancelled");
        } else if (ci == f->x_children) {
            other = f->x_attended;
        } else if (ci == f->x_special) {
            other = OK(f->x_children) ? f->x_children : f->x_attended;
        } else if (ci == f->x_checks_passed) {
            if (range_ok(&kd->cols[f->x_checks_total], &f->v[f->x_checks_total]))
                other = f->x_checks_total;
        } else if (ci == f->x_online) {
            other = f->x_registered;
        } else if (ci == f->x_responded) {
            int r = f->x_received;
            if (OK(r) && v->day < f->v[r].day) {
                snprintf(num, sizeof num, "expected on or after received (%.*s)", (int)f->v[r].n, f->v[r].s);
                return ingest_fail_value(f, ci, num);
            }
        }
        if (OK(other) && v->i > f->v[other].i) {
            rel = kd->cols[other].key;
            snprintf(num, sizeof num, "expected ≤ %s (%lld)", rel, (long long)f->v[other].i);
            return ingest_fail_value(f, ci, num);
        }
    }
    return 0;
}


/* The references check_row noted, in column order: 0, or -1 with f->reason
 * set for the first one that names no stored row. */
int ingest_check_refs(file_ctx *f, uint64_t refs)
{
    for (int ci = 0; refs; ci++, refs >>= 1) {
        if (!(refs & 1))
            continue;
        const cc_col_def *c = &f->kd->cols[ci];
        const val *v = &f->v[ci];
        if ((c->flags & CC_F_ACTIVITY) && !(f->kind == CC_KIND_ATTENDANCE && f->roster_q
                                                ? ingest_roster_activity(f, v->s, v->n)
                                                : ref_exists(f, f->activity_q, f->last_activity, v->s, v->n)))
            return ingest_fail_value(f, ci, "no such activity (not in the activities log)");
        if ((c->flags & CC_F_PROVIDER) && !ref_exists(f, f->provider_q, f->last_provider, v->s, v->n))
            return ingest_fail_value(f, ci, "no such provider (not in the providers register)");
    }
    return 0;
}
