/* msg_zh — the Chinese message catalog of ingest: every reject reason and
 * every message ingest prints, in the words of the clerks who fix the rows.
 *
 * The English messages stay where they are made (ingest.c, csv.c); this
 * table maps each of their printf formats to Chinese, so a new message is
 * one row here (tests/e2e/test_lang.py fails on a message of ingest.c that
 * has no row).  A message is matched against the English formats in table
 * order (%s is any text, %d %ld %zu %lld whole numbers, %.0f %g numbers);
 * the Chinese template takes the pieces back: %1..%9 as they are, %t1..%t9
 * translated again (the reason inside "FILE:LINE: reason", the expectation
 * inside "value '…' — expected …").  A message without a row is printed in
 * English; file names, line numbers and column keys are never changed. */
#include "ingest/ingest.h"
#include "base/base.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *en, *zh;
} msg_row;

static const msg_row catalog[] = {
    /* ---- whole messages (ingest.c) ---- */
    /* the rectification ledger (ledger_in.c) */
    {"%s:%ld: column %s (%s%ld): %s; row rejected", "%1:%2: 列“%3”（%4%5）：%t6；该行被拒收"},
    {"unknown 编号 '%s' (not an item of any report)", "编号“%1”不是任何一期报告的整改事项"},
    {"编号 is empty", "编号为空"},
    {"完成情况 '%s' is not one of 未开始, 进行中, 已完成", "完成情况“%1”不是 未开始、进行中、已完成 之一"},
    {"%s '%s' is not a date", "%1“%2”不是日期"},
    {"%s: rectification ledger: ignoring %ld column%s added to it: %s%s", "%1: 整改台账：忽略 %2 个后加的列：%4%5"},
    {"%s: already ingested (same SHA-256); skipped", "%1: 已导入（SHA-256 相同），跳过"},
    {"%s: ledger, %ld rows stored, %ld rejected", "%1: 整改台账，导入 %2 行，拒收 %3 行"},
    {"%s: %ld row%s rejected; --strict: file not stored", "%1: %2 行被拒收；--strict：整个文件未导入"},
    {"%s: cannot read directory: %s", "%1: 无法读取目录：%2"},
    {"%s: cannot tell the kind of file from its header (found: %s); name the columns as in "
     "docs/inputs/README.md or use --kind",
     "%1: 无法从表头判断文件类型（表头：%2）；请按 docs/inputs/README.md 命名各列，或用 --kind 指定类型"},
    {"%s: cannot write the rejects file: %s", "%1: 无法写入拒收文件：%2"},
    {"%s: column '%s' (%s) appears twice (columns %d and %zu)", "%1: 列“%3”(%2) 出现两次（第 %4 列和第 %5 列）"},
    {"%s: empty file (no header line)", "%1: 空文件（没有表头行）"},
    {"%s: interrupted; nothing of this file was stored", "%1: 被中断；本文件没有导入任何内容"},
    {"%s: missing required column '%s' (%s) for %s (%s); headers found: %s",
     "%1: 缺少%5（%4）必需的列“%3”(%2)；现有表头：%6"},
    {"%s: neither UTF-8 nor GB18030 (mixed encodings?): the header is UTF-8 but the file is not; save the whole "
     "file in one encoding", "%1: 既不是 UTF-8 也不是 GB18030（混用了编码？）：表头是 UTF-8，文件其余部分不是；"
     "请用同一种编码保存整个文件"},
    {"%s: neither UTF-8 nor GB18030 (mixed encodings?): the header matches no file kind",
     "%1: 既不是 UTF-8 也不是 GB18030（混用了编码？）：表头不符合任何文件类型"},
    {"%s: not stored (no file was stored before it)", "%1: 未导入（在它之前没有导入任何文件）"},
    {"%s: not stored (%zu file%s stored before it, the last %s)", "%1: 未导入（在它之前已导入 %2 个文件，最后一个是 %4）"},
    {"%s: not stored (%s)", "%1: 未导入（%t2）"},
    {"%s: is the database %s itself (or its -wal/-shm/-journal file), not an input file",
     "%1: 是数据库 %2 本身（或它的 -wal/-shm/-journal 文件），不是输入文件"},
    {"%s: %ld more repeated keys not shown", "%1: 另有 %2 个重复的键未逐条列出"},
    {"%s: %ld plausibility warning%s stored (future or old dates, attended > 1.5 × capacity, hours > 12)",
     "%1: 记录了 %2 条合理性警告（日期在未来或过早、实到人数超过容量的 1.5 倍、时长超过 12 小时）"},
    {"%s: ignoring %d unknown column%s: %s%s", "%1: 忽略 %2 个不认识的列：%4%5"},
    {"%s: no data rows", "%1: 没有数据行"},
    {"%s:%ld: %s '%s' repeats line %ld; the later row (line %ld) replaces it",
     "%1:%2: %3“%4”与第 %5 行重复；以后面一行（第 %6 行）为准"},
    {"%s: %ld stored row%s replaced by a later one with the same key", "%1: %2 行已导入的数据被键相同的新行替换"},
    {"%s: %s, %ld rows stored, %ld rejected", "%1: %2，导入 %3 行，拒收 %4 行"},
    {"%s: about %.0f rows, %.0f stored: indexes %s", "%1: 约 %2 行，已有 %3 行：索引%4"},
    {"%s: already ingested on %s (same SHA-256); skipped", "%1: 已于 %2 导入（SHA-256 相同），跳过"},
    {"%s: already ingested on %s as %s (same SHA-256); skipped", "%1: 已于 %2 以 %3 导入（SHA-256 相同），跳过"},
    {"%s: rebuilding the attendance rosters of the weeks %s .. %s", "%1: 重建 %2 至 %3 各周的签到名册"},
    {"%s: replaces the earlier version of %s (file %lld)", "%1: 替换 %2 的早先版本（文件 %3）"},
    {"%s: %ld more rejected rows not shown", "%1: 另有 %2 行被拒收，未逐条列出"},
    {"report %s: %zu %s did not report: %s", "报告 %1：%2 个社区未报送：%4"},
    {"%s: %zu %s did not report: %s", "%1：%2 个社区未报送：%4"},

    /* ---- the file reader (csv.c), after "FILE: " ---- */
    {"cannot open: %s", "无法打开：%1"},
    {"cannot read: %s", "无法读取：%1"},
    {"is a directory", "是一个目录"},
    {"cannot seek: %s", "无法定位读取：%1"},
    {"UTF-16 text is not supported: save the sheet as 'CSV UTF-8' or 'CSV'",
     "不支持 UTF-16 文本：请把表格另存为“CSV UTF-8”或“CSV”"},
    {"UTF-32 text is not supported: save the sheet as 'CSV UTF-8' or 'CSV'",
     "不支持 UTF-32 文本：请把表格另存为“CSV UTF-8”或“CSV”"},
    {"binary file, not CSV text (NUL byte on line %ld)", "二进制文件，不是 CSV 文本（第 %1 行有 NUL 字节）"},
    {"not valid UTF-8 (line %ld, byte %llu); is it GB18030? try --encoding gb18030",
     "不是有效的 UTF-8（第 %1 行，第 %2 字节）；是 GB18030 吗？试试 --encoding gb18030"},
    {"cannot decode GB18030: %s", "无法解码 GB18030：%1"},
    {"read error: %s", "读取出错：%1"},
    {"neither UTF-8 nor GB18030 (mixed encodings?): invalid byte sequence on line %ld",
     "既不是 UTF-8 也不是 GB18030（混用了编码？）：第 %1 行有无效字节"},
    {"neither UTF-8 nor GB18030 (mixed encodings?): truncated character at end of file",
     "既不是 UTF-8 也不是 GB18030（混用了编码？）：文件末尾的字符不完整"},
    {"record on line %ld has more than %d fields", "第 %1 行的字段超过 %2 个"},
    {"unterminated quoted field starting on line %ld", "从第 %1 行开始的引号没有闭合"},
    {"record starting on line %ld is longer than %zu MiB%s", "从第 %1 行开始的记录超过 %2 MiB%3"},

    /* ---- reject reasons (after "FILE:LINE: ") ---- */
    {"row has %zu fields but the header has %zu (a comma inside a value that is not quoted?)",
     "该行有 %1 个字段，表头却有 %2 个（某个值里有逗号却没加引号？）"},
    {"column '%s' (%s): %s", "列“%2”(%1)：%t3"},
    {"value '%s' — %s", "值“%1” — %t2"},
    {"missing — required", "缺失 — 必填"},
    {"missing — give hours (时长) or both start_time and end_time",
     "缺失 — 请填写时长(hours)，或同时填写开始时间(start_time)和结束时间(end_time)"},
    {"missing — required with checks_passed", "缺失 — 填写了规范项达标数(checks_passed)时必填"},
    {"missing — required with checks_total", "缺失 — 填写了规范项总数(checks_total)时必填"},
    {"expected 0 when status is cancelled", "活动已取消(cancelled)时应为 0"},
    {"expected ≤ %s (%lld)", "应不大于 %1（%2）"},
    {"expected later than start_time (%.*s)", "应晚于开始时间 start_time（%1）"},
    {"expected on or after received (%.*s)", "应不早于收到日期 received（%1）"},
    {"names more than one community in the register; use the community ID", "与名册中不止一个社区同名；请填写社区编号"},
    {"no such activity (not in the activities log)", "没有这个活动（活动台账中没有）"},
    {"no such community in the communities register", "社区名册中没有这个社区"},
    {"no such day in the calendar", "日历上没有这一天"},
    {"no such provider (not in the providers register)", "没有这个服务者（服务者档案中没有）"},
    {"expected %s", "应为 %t1"},
    /* what a column expects (expect_text) */
    {"integer %s–%s", "%1–%2 的整数"},
    {"number %s–%s", "%1–%2 的数"},
    {"integer > %s and ≤ %s", "大于 %1 且不大于 %2 的整数"},
    {"number > %s and ≤ %s", "大于 %1 且不大于 %2 的数"},
    {"integer ≥ %s", "≥ %1 的整数"},
    {"number ≥ %s", "≥ %1 的数"},
    {"integer > %s", "> %1 的整数"},
    {"number > %s", "> %1 的数"},
    {"integer", "整数"},
    {"number", "数"},
    {"a date (2026-11-17, 2026/11/17, 2026年11月17日 or an Excel serial)",
     "日期（2026-11-17、2026/11/17、2026年11月17日或 Excel 日期序号）"},
    {"a time (HH:MM, HH:MM:SS, 3:30 PM, 下午3:30)", "时间（HH:MM、HH:MM:SS、3:30 PM、下午3:30）"},
    {"yes or no (Y/N, yes/no, true/false, 1/0, 是/否)", "是或否（Y/N、yes/no、true/false、1/0、是/否）"},
    {"an ID of 1–64 characters without control characters", "1–64 个字符、不含控制字符的编号"},
    {"text of at most 1,000 characters", "不超过 1,000 个字符的文字"},
    {"one of %s", "以下之一：%1"},
    /* plausibility warnings (stored, listed by the report) */
    {"%s %s is in the future", "%1 %2 在未来"},
    {"%s %s is more than 400 days old", "%1 %2 早于 400 天前"},
    {"attended %lld is more than 1.5 × capacity %lld", "实到人数 %1 超过容量 %2 的 1.5 倍"},
    {"hours %s is more than 12", "时长 %1 超过 12 小时"},

    /* ---- generic shapes, last: translate the part after the place ---- */
    {"%s:%ld: %s", "%1:%2: %t3"},
    /* ---- spreadsheets (ingest.c, book.c; the places in their sheets) ---- */
    {"%s, row %ld, %s", "%1，第 %2 行，%t3"},
    {"%s, row %ld: %s '%s' repeats row %ld; the later row (row %ld) replaces it",
     "%1，第 %2 行：%3“%4”与第 %5 行重复；以后面一行（第 %6 行）为准"},
    {"%s, row %ld: %s", "%1，第 %2 行：%t3"},
    {"column %s (%s): %s", "列“%1”(%2)：%t3"},
    {"an error cell (a formula that failed), not a value", "是错误单元格（公式出错），不是数值"},
    {"%s: not read (only .csv, .tsv, .xlsx and .xls are): %s", "%1: 未读取（只读取 .csv、.tsv、.xlsx 和 .xls 文件）：%2"},
    {"%s: not read: %s", "%1: 未读取的工作表：%2"},
    {"%s: no sheet named '%s' (sheets: %s)", "%1: 没有名为“%2”的工作表（现有工作表：%3）"},
    {"%s: the workbook has no visible sheet to read (use --sheet NAME for a hidden one)",
     "%1: 工作簿中没有可读取的可见工作表（隐藏的工作表请用 --sheet 名称 指定）"},
    {"%s: %s; nothing stored", "%1: %2；没有导入任何内容"},
    {"%s: %s", "%1: %t2"},
};
#define NCATALOG (sizeof catalog / sizeof catalog[0])

/* ---- matching ------------------------------------------------------------ */
enum { MAXCAP = 9, MAXDEPTH = 6 };
typedef struct { const char *s; size_t n; } piece;

/* The conversion at p ('%' already seen): its kind ('s' text, 'd' whole
 * number, 'f' number, '%' a literal percent) and its length in the pattern. */
static char conv_at(const char *p, size_t *len)
{
    const char *q = p + 1;
    if (*q == '%') {
        *len = 2;
        return '%';
    }
    while (*q && strchr("-+ #0123456789.*", *q))
        q++;
    while (*q && strchr("hlLjzt", *q))
        q++;
    char c = *q;
    *len = (size_t)(q - p) + (c ? 1 : 0);
    if (c == 'd' || c == 'i' || c == 'u')
        return 'd';
    if (c == 'f' || c == 'g' || c == 'e')
        return 'f';
    return 's';
}

static int match(const char *p, const char *s, const char *end, piece *cap, int ncap)
{
    while (*p) {
        if (*p != '%') {
            if (s >= end || *s != *p)
                return 0;
            p++;
            s++;
            continue;
        }
        size_t len;
        char k = conv_at(p, &len);
        if (k == '%') {
            if (s >= end || *s != '%')
                return 0;
            p += 2;
            s++;
            continue;
        }
        if (ncap >= MAXCAP)
            return 0;
        const char *rest = p + len;
        size_t max = (size_t)(end - s);
        if (k == 'd' || k == 'f') {
            size_t n = 0;
            if (n < max && s[n] == '-')
                n++;
            while (n < max && (isdigit((unsigned char)s[n]) || (k == 'f' && strchr(".eE+-", s[n]))))
                n++;
            for (; n > 0; n--) {              /* longest first */
                if (!isdigit((unsigned char)s[n - 1]) && k == 'd')
                    continue;
                cap[ncap] = (piece){s, n};
                if (match(rest, s + n, end, cap, ncap + 1) > 0)
                    return 1;
            }
            return 0;
        }
        if (!*rest) {                          /* the last piece: all the rest */
            cap[ncap] = (piece){s, max};
            return 1;
        }
        for (size_t n = 0; n <= max; n++) {   /* text: shortest first */
            cap[ncap] = (piece){s, n};
            if (match(rest, s + n, end, cap, ncap + 1) > 0)
                return 1;
        }
        return 0;
    }
    return s == end;
}

static int count_convs(const char *p)
{
    int n = 0;
    for (; *p; p++)
        if (*p == '%') {
            size_t len;
            if (conv_at(p, &len) != '%')
                n++;
            p += len - 1;
        }
    return n;
}

/* The pattern's literal text after its last conversion ("" when it ends
 * with one): a message must end with it, which rejects most rows at once
 * (without it a long message costs a row like "%s %s is in the future"
 * time quadratic in its length). */
static int tail_ok(const char *pat, const char *s, size_t n)
{
    const char *tail = pat;
    for (const char *p = pat; *p; p++)
        if (*p == '%') {
            size_t len;
            conv_at(p, &len);
            p += len - 1;
            tail = p + 1;
        }
    size_t t = strlen(tail);
    if (memchr(tail, '%', t))          /* a literal percent: leave it to match() */
        return 1;
    return t <= n && !memcmp(s + n - t, tail, t);
}

/* Translate s[0..n) into b; 1 when a row matched. */
static int translate(const char *s, size_t n, cc_buf *b, int depth)
{
    if (depth > MAXDEPTH)
        return 0;
    for (size_t i = 0; i < NCATALOG; i++) {
        piece cap[MAXCAP];
        if (!tail_ok(catalog[i].en, s, n) || !match(catalog[i].en, s, s + n, cap, 0))
            continue;
        int ncap = count_convs(catalog[i].en);
        for (const char *z = catalog[i].zh; *z; z++) {
            int tr = z[0] == '%' && z[1] == 't';
            const char *d = z + 1 + tr;       /* the digit of %N or %tN */
            if (z[0] == '%' && *d >= '1' && *d <= '9' && *d - '0' <= ncap) {
                piece c = cap[*d - '1'];
                if (!tr || !translate(c.s, c.n, b, depth + 1))
                    cc_buf_add(b, c.s, c.n);
                z = d;
                continue;
            }
            cc_buf_addc(b, *z);
        }
        return 1;
    }
    return 0;
}

char *cc_msg_zh(const char *en)
{
    cc_buf b = CC_BUF_INIT;
    if (!en || !translate(en, strlen(en), &b, 0)) {
        cc_buf_release(&b);
        return NULL;
    }
    if (!strcmp(b.s, en)) {        /* nothing of it is in the catalog */
        cc_buf_release(&b);
        return NULL;
    }
    return cc_buf_detach(&b);
}

const char *cc_msg_zh_format(size_t i, const char **zh)
{
    if (i >= NCATALOG)
        return NULL;
    if (zh)
        *zh = catalog[i].zh;
    return catalog[i].en;
}
