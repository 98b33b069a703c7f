/* text — bytes to fields: encodings, the CSV reader, and the value parsers
 * (dates, times, numbers, booleans) every input file uses.
 * Left of everything: depends on base/ only.
 */
#ifndef CC_TEXT_H
#define CC_TEXT_H

#include "base/base.h"
#include <stdint.h>
#include <time.h>

/* ---- encodings ---------------------------------------------------------- */
typedef enum { CC_ENC_AUTO, CC_ENC_UTF8, CC_ENC_GB18030 } cc_encoding;
/* "auto" | "utf8"/"utf-8" | "gb18030"/"gbk" ; returns -1 if unknown */
int cc_encoding_parse(const char *s);
const char *cc_encoding_name(cc_encoding e);

/* ---- CSV reader --------------------------------------------------------- *
 * Streaming RFC 4180 reader: comma or tab (CC_CSV_AUTO decides from the first
 * line: tabs and no commas → tab), "" escapes, line breaks inside quotes,
 * LF or CRLF, UTF-8 BOM stripped. Input is decoded to UTF-8 on the fly
 * (GB18030 through iconv). Memory stays bounded whatever the file size. */
typedef struct cc_csv cc_csv;
enum { CC_CSV_AUTO = 0 };

typedef struct {
    size_t n;             /* number of fields */
    const char **field;   /* NUL-terminated UTF-8, borrowed until the next call */
    const size_t *len;    /* byte length of each field */
    long line;            /* physical line where the record starts (header = 1);
                             a sheet's row number (text/sheet.h) */
    size_t error_col;     /* a sheet's row: 1 + the column of its first error cell
                             (#DIV/0!, #N/A …), 0 none; always 0 for CSV */
} cc_csv_record;

/* Open a file. enc AUTO: UTF-8 if the whole file is valid UTF-8, else GB18030
 * (the decision is available from cc_csv_encoding). delim: ',' '\t' or CC_CSV_AUTO.
 * On failure returns NULL and prints "carecard: PATH: reason". Caller frees. */
cc_csv *cc_csv_open(const char *path, cc_encoding enc, int delim);
/* Read from memory (UTF-8). data is borrowed until cc_csv_free. */
cc_csv *cc_csv_open_mem(const char *data, size_t len, int delim);
/* Full control: the options cc_csv_open uses, plus
 *   sniff      decide an AUTO encoding from the first 64 KiB only (no whole-file
 *              pass; for a quick look at the header);
 *   quiet      print nothing on failure (the reason is still in *why, if given);
 *   scan       called with every raw chunk of the file, in order, during the
 *              whole-file pass (e.g. to hash it); forces that pass;
 *   max_record longest record in bytes (0 = CC_CSV_MAX_RECORD).
 * why (may be NULL) receives the reason on failure (caller frees). */
#define CC_CSV_MAX_RECORD (64u << 20)
#define CC_CSV_MAX_FIELDS 100000
typedef struct {
    cc_encoding enc;
    int delim;
    int sniff, quiet;
    void (*scan)(void *arg, const void *buf, size_t n);
    void *scan_arg;
    size_t max_record;
} cc_csv_opts;
cc_csv *cc_csv_open_opts(const char *path, const cc_csv_opts *o, char **why);
/* 1 = a record, 0 = end of file, -1 = error (message in cc_csv_error,
 * e.g. "unterminated quoted field starting at line 12"). */
int cc_csv_next(cc_csv *r, cc_csv_record *rec);
const char *cc_csv_error(const cc_csv *r);
cc_encoding cc_csv_encoding(const cc_csv *r);
int cc_csv_delim(const cc_csv *r);
/* Bytes of input consumed so far and total size (for progress bars). */
uint64_t cc_csv_offset(const cc_csv *r);
uint64_t cc_csv_size(const cc_csv *r);
void cc_csv_free(cc_csv *r);
/* A source of records that is not a text file (a sheet of a workbook,
 * text/sheet.h): the reader calls these for cc_csv_next, cc_csv_error,
 * cc_csv_offset, cc_csv_size and cc_csv_free (which frees arg). Its encoding
 * is UTF-8. */
typedef struct {
    int (*next)(void *arg, cc_csv_record *rec);
    const char *(*error)(void *arg);
    uint64_t (*offset)(void *arg);
    uint64_t (*size)(void *arg);
    void (*free)(void *arg);
} cc_csv_source;
cc_csv *cc_csv_open_source(const cc_csv_source *src, void *arg);

/* ---- value parsers ------------------------------------------------------ *
 * All take (s, len) of a raw field, trim surrounding spaces themselves, and
 * return CC_PARSE_OK, CC_PARSE_EMPTY (empty cell = missing) or CC_PARSE_BAD. */
enum { CC_PARSE_OK = 0, CC_PARSE_EMPTY = 1, CC_PARSE_BAD = 2 };

/* Days since 1970-01-01 (proleptic Gregorian). */
typedef int32_t cc_day;
/* 2026-11-17, 2026/11/17, 2026/11/7, 2026.11.17, 2026年11月17日, Excel serial
 * (1899-12-30 = 0; accepted 1..2958465), any of those followed by a time. */
int cc_parse_date(const char *s, size_t len, cc_day *out);
/* H:MM, HH:MM, HH:MM:SS, 12-hour "09:00:00 AM" "3:30 PM" "上午9:00" "下午03:30:00",
 * full-width colon. Result: seconds since midnight. */
int cc_parse_time(const char *s, size_t len, int *seconds);
/* Y/N yes/no true/false 1/0 是/否 (case-insensitive). */
int cc_parse_bool(const char *s, size_t len, int *out);
/* Plain decimal integer; thousands separators (1,234) and full-width digits. */
int cc_parse_int(const char *s, size_t len, int64_t *out);
/* Plain decimal number, same conventions; no exponent, no percent. */
int cc_parse_number(const char *s, size_t len, double *out);

/* Survey answers (NUL-terminated cell text, trimmed here). "1".."5" (also
 * full-width) or a label; 0 if unparseable.
 * KANO: 1 like (我很喜欢 非常喜欢 喜欢), 2 must-be (理所当然 理应如此 必须这样),
 * 3 neutral (无所谓), 4 live-with (能忍受 可以忍受), 5 dislike (我很不喜欢 很不喜欢 不喜欢).
 * Likert: 非常不满意/不满意/一般/满意/非常满意, 非常不同意/不同意/一般/同意/非常同意. */
int cc_kano_answer(const char *s);
int cc_likert_answer(const char *s);
/* Yes/no answers are booleans (cc_parse_bool): 1 yes, 2 no, 0 unparseable. */
int cc_yesno_answer(const char *s);

/* List cells (partners): the next item of s[0..n) from the cursor *pos
 * (start at 0): separators `;` `|` `；` `、`, each item trimmed (cc_trim),
 * empty items skipped.  1 with *item / *len (pointing into s) while items
 * remain, then 0. */
#define CC_LIST_END ((size_t)-1)
int cc_list_next(const char *s, size_t n, size_t *pos, const char **item, size_t *len);

/* A double as the shortest text that reads back as it (text/num.c): "" for
 * NAN and infinities, "%.0f" for an integer below 1e15, else "%.*g" with the
 * smallest precision 1..17 (by bisection) that reads back with strtod
 * without an exponent unless |v| < 1e-4.  The same text as printf gives,
 * faster.  len >= 32. */
void cc_num_shortest(char *out, size_t len, double v);
/* A double for a CSV cell: at most 6 decimals, trailing zeros dropped, never
 * "-0" ("" for NAN and infinities; json keeps full precision). len >= 40. */
void cc_num_csv(char *out, size_t len, double v);
/* v with exactly dec decimals ("%.*f"), never a negative zero ("-0.000" is
 * "0.000"); "-" for NAN. */
void cc_num_fixed(char *out, size_t len, double v, int dec);

/* ---- the calendar (text/calendar.c) --------------------------------------
 * The one calendar of the program: model/ (periods, windows) and every
 * reader use it. */
cc_day cc_day_from_ymd(int y, int m, int d);
void cc_day_to_ymd(cc_day day, int *y, int *m, int *d);
int cc_ymd_valid(int y, int m, int d);
int cc_days_in_month(int y, int m);    /* 28..31; m is 1..12 */
/* "YYYY-MM-DD" into out (at least 11 bytes). */
void cc_day_format(cc_day day, char out[11]);
int cc_day_weekday(cc_day day);   /* ISO: 1 = Monday .. 7 = Sunday */
/* ISO 8601 week of a day: the week (1..53) and the year it belongs to
 * (2026-12-31 is 2026-W53, 2027-01-04 is 2027-W01). */
void cc_iso_week(cc_day day, int *iso_year, int *week);
cc_day cc_iso_week_monday(int iso_year, int week);    /* the Monday of iso_year-Wweek */
int cc_iso_weeks_in_year(int iso_year);               /* 52 or 53 */
/* Today in local time, or the day the tuning's today (CARECARD_TODAY) names. */
cc_day cc_today(void);
/* A moment for people to read: t in the data's time zone, named --
 * the tuning's tz ($TZ) when set (its name, e.g. "Asia/Shanghai" or "UTC"), else Asia/Shanghai
 * (UTC+8 all year): "2026-12-06 10:25:31 +08:00 Asia/Shanghai". */
void cc_time_show(time_t t, char *out, size_t cap);
/* The same from a stored "YYYY-MM-DDTHH:MM:SSZ" (UTC).  Takes ownership of
 * utc (freed) and returns a new string (caller frees); NULL for NULL, and
 * the text as it is when it is not such a time. */
char *cc_time_local(char *utc);            /* local calendar date now */
/* "HH:MM:SS" into out (at least 9 bytes). */
void cc_time_format(int seconds, char out[9]);
/* Copy s with full-width ASCII forms (U+FF01..U+FF5E) folded to ASCII and the
 * ideographic space to ' ', at most cap-1 bytes; returns the length, or
 * (size_t)-1 when it does not fit. */
size_t cc_fold_fullwidth(const char *s, size_t len, char *out, size_t cap);

#endif
