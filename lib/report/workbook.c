/* workbook — the report workbooks (libxlsxwriter): the workbook object, the
 * order of its sheets, the write to a temporary file renamed into place, and
 * the file names of reports.  One function per sheet, by family:
 * workbook_weekly.c, workbook_quality.c, workbook_quarterly.c; the sheet
 * wrapper and the formats: workbook_sheet.c; the labels: workbook_labels.c. */
#include "report/report.h"
#include "report/workbook_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <nettle/sha2.h>
#include <xlsxwriter.h>

/* ---- the workbook --------------------------------------------------------------------- */

long cc_wb_find(const cc_scorecard *sc, cc_level level, const char *id)
{
    return cc_units_find(&sc->units, level, id);    /* sc->res is in the units' order */
}

/* Write to a temporary file in path's directory, then rename into place. */
static cc_err write_book(const char *path, const cc_wb_input *in)
{
    char *tmp = cc_xasprintf("%s.tmp.%ld", path, (long)getpid());
    /* Create it first with the final mode, so personal data is never
     * readable by others even while it is written. */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, in->personal ? 0600 : 0644);
    if (fd < 0) {
        cc_error("%s: %s", path, strerror(errno));
        free(tmp);
        return CC_ERR_IO;
    }
    if (in->personal)
        fchmod(fd, 0600);
    close(fd);

    /* constant_memory: each row goes to a temporary file (in $TMPDIR) when
     * a later one starts, instead of every cell of the workbook staying in
     * memory until it is closed (all.xlsx of a province: 31,501 rows; its
     * report's workbook phase 1.1 GB -> 0.78 GB).  The sheet writers write
     * rows in order (cc_wb_table_end); strings are written in their cells
     * (inline) instead of in a shared table. */
    lxw_workbook_options wo;
    memset(&wo, 0, sizeof wo);
    wo.constant_memory = LXW_TRUE;
    wo.tmpdir = (char *)cc_tuning_get()->tmpdir;
    lxw_workbook *wb = workbook_new_opt(tmp, &wo);
    if (!wb) {
        cc_error("%s: cannot create the workbook", path);
        unlink(tmp);
        free(tmp);
        return CC_ERR_IO;
    }
    cc_wb_book b;
    memset(&b, 0, sizeof b);
    b.wb = wb;
    b.in = in;
    cc_wb_formats_init(&b);

    /* created = the period's last day 00:00 UTC: same input, same bytes */
    lxw_doc_properties props;
    memset(&props, 0, sizeof props);
    char *title = cc_xasprintf("carecard %s %s", in->sc->period.id,
                               in->sc->units.u[in->scope].id);
    props.title = title;
    props.author = (char *)"carecard";
    props.created = (time_t)in->sc->period.to * 86400;
    workbook_set_properties(wb, &props);

    cc_wb_sheet_overview(&b);
    cc_wb_sheet_detail(&b);
    cc_wb_sheet_warnings(&b);
    if (in->kind != CC_REPORT_SCORECARD) {
        cc_wb_sheet_trend(&b);
        if (in->kind == CC_REPORT_QUARTERLY) {
            cc_wb_sheet_kano(&b);
            cc_wb_sheet_digital(&b);
        }
        if (in->resources && in->kind != CC_REPORT_WEEKLY)
            cc_wb_sheet_resources(&b);
        if (in->kind == CC_REPORT_QUARTERLY)
            cc_wb_sheet_special(&b);
        if (in->quality)
            cc_wb_sheet_quality(&b);
        if (in->ritems)
            cc_wb_note(&b, cc_wb_tracking_sheet(wb, in));
    }
    cc_wb_sheet_definitions(&b);

    lxw_error le = workbook_close(wb);
    free(title);
    if (le != LXW_NO_ERROR && b.err == CC_OK) {
        cc_error("%s: %s", path, lxw_strerror(le));
        b.err = CC_ERR_IO;
    }
    if (b.err == CC_OK && rename(tmp, path) != 0) {
        cc_error("%s: %s", path, strerror(errno));
        b.err = CC_ERR_IO;
    }
    if (b.err != CC_OK)
        unlink(tmp);
    free(tmp);
    return b.err;
}

cc_err cc_workbook_write(const char *path, const cc_wb_input *in)
{
    if (!path || !in || !in->sc || in->scope >= in->sc->units.n)
        return CC_ERR_USAGE;
    return write_book(path, in);
}

cc_err cc_report_scorecard_xlsx(cc_store *s, const cc_scorecard *sc, const char *path,
                                int lang_en)
{
    if (!sc || !path || sc->units.n == 0) {
        cc_error("scorecard: nothing to write");
        return CC_ERR_USAGE;
    }
    cc_wb_input in;
    memset(&in, 0, sizeof in);
    in.kind = CC_REPORT_SCORECARD;
    in.lang_en = lang_en;
    in.sc = sc;
    /* the title names the narrowest unit asked for: one community, one
     * street, or the area */
    size_t ncomm = 0, nstreet = 0, lastc = 0, lasts = 0;
    for (size_t i = 0; i < sc->units.n; i++) {
        if (sc->res[i].unit.level == CC_LEVEL_COMMUNITY) { ncomm++; lastc = i; }
        if (sc->res[i].unit.level == CC_LEVEL_STREET) { nstreet++; lasts = i; }
    }
    in.scope = ncomm == 1 ? lastc : nstreet == 1 ? lasts : sc->units.n - 1;
    size_t *rows = cc_xmalloc(sc->units.n * sizeof *rows);
    for (size_t i = 0; i < sc->units.n; i++)
        rows[i] = i;
    in.rows = rows;
    in.nrows = sc->units.n;
    for (size_t i = 0; i < sc->units.n; i++)
        if (sc->res[i].unit.level == CC_LEVEL_COMMUNITY) {
            in.ncommunities++;
            in.nreported += sc->res[i].reported != 0;
        }
    cc_input_file *files = NULL;
    size_t nfiles = 0;
    char *last = NULL;
    if (s) {
        if (cc_input_files(s, &files, &nfiles) != CC_OK) {
            files = NULL;
            nfiles = 0;
        }
        last = cc_time_local(cc_store_last_ingest(s));
    }
    in.files = files;
    in.nfiles = nfiles;
    in.last_ingest = last;
    cc_err e = write_book(path, &in);
    cc_input_files_free(files, nfiles);
    free(last);
    free(rows);
    return e;
}

char *cc_safe_filename(const char *s)
{
    cc_buf b = CC_BUF_INIT;
    size_t n = s ? strlen(s) : 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            c == '-' || c == '_') {
            cc_buf_addc(&b, (char)c);
            i++;
            continue;
        }
        uint32_t cp;
        int len = cc_utf8_decode(s + i, n - i, &cp);
        if (len > 0 && ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
                        (cp >= 0x20000 && cp <= 0x2FA1F) || (cp >= 0xF900 && cp <= 0xFAFF))) {
            cc_buf_add(&b, s + i, (size_t)len);
            i += (size_t)len;
            continue;
        }
        cc_buf_addc(&b, '_');
        i += len > 0 ? (size_t)len : 1;
    }
    if (b.len == 0)
        cc_buf_addc(&b, '_');
    return cc_buf_detach(&b);
}

/* Cut a string of safe bytes (ASCII, '_' and whole UTF-8 characters) to at
 * most max bytes, at a character boundary. */
static void cut_utf8(char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    s[max] = '\0';
}

char *cc_report_stem(const char *id, const char *name, int hashed)
{
    enum { ID_MAX = 100 };
    if (!id)
        id = "";
    char *sid = cc_safe_filename(id);
    if (!id[0])
        sid[0] = '\0';
    hashed |= strcmp(sid, id) != 0 || strlen(sid) > ID_MAX;
    cut_utf8(sid, ID_MAX);
    cc_buf b = CC_BUF_INIT;
    cc_buf_adds(&b, sid);
    free(sid);
    if (hashed) {
        struct sha256_ctx c;
        uint8_t d[SHA256_DIGEST_SIZE];
        sha256_init(&c);
        sha256_update(&c, strlen(id), (const uint8_t *)id);
        sha256_digest(&c, sizeof d, d);
        cc_buf_addf(&b, "_%02x%02x%02x%02x", d[0], d[1], d[2], d[3]);
    }
    cc_buf_addc(&b, '-');
    if (name && name[0]) {
        char *sn = cc_safe_filename(name);
        cut_utf8(sn, CC_STEM_MAX - b.len);
        cc_buf_adds(&b, sn);
        free(sn);
    }
    return cc_buf_detach(&b);
}
