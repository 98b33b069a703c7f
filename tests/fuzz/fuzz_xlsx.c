/* libFuzzer target: the .xlsx reader (text/xlsx.c, text/sheet.c).
 * First byte even: the rest is the whole file (zip directory, limits,
 * workbook parts). Odd: the rest is a sheet's XML, put into a minimal valid
 * workbook (written with minizip) so that the fuzzer reaches the streaming
 * sheet parser instead of stopping at the zip checksums. Every sheet is
 * read raw and from a header row; a record always has a field, rows never
 * go back, an error always says why. */
#include <minizip/zip.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "text/sheet.h"

static const char *const parts[][2] = {
    {"[Content_Types].xml", "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"},
    {"_rels/.rels", "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"},
    {"xl/workbook.xml", "<?xml version=\"1.0\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
                        "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>"
                        "<sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"},
    {"xl/_rels/workbook.xml.rels", "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                                   "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
                                   "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
                                   "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/></Relationships>"},
    {"xl/sharedStrings.xml", "<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
                             "<si><t>活动编号</t></si><si><r><t>社区</t></r><r><t>编号</t></r></si><si><t>A1</t><rPh><t>x</t></rPh></si></sst>"},
    {"xl/styles.xml", "<?xml version=\"1.0\"?><styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
                      "<numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/></numFmts>"
                      "<cellXfs count=\"4\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/><xf numFmtId=\"20\"/></cellXfs></styleSheet>"},
};

static void drain(cc_csv *r)
{
    cc_csv_record rec;
    long last = -1;
    int rc;
    while ((rc = cc_csv_next(r, &rec)) == 1) {
        if (rec.n == 0 || rec.line <= last || rec.error_col > rec.n)
            abort();
        last = rec.line;
        for (size_t i = 0; i < rec.n; i++)
            if (strlen(rec.field[i]) > rec.len[i])
                abort();
    }
    if (rc < 0 && !cc_csv_error(r)[0])
        abort();
}

static void read_book(cc_book *b)
{
    for (size_t i = 0; i < cc_book_nsheets(b) && i < 4; i++) {
        for (long first = 0; first <= 2; first += 2) {
            char *why = NULL;
            cc_csv *r = cc_book_sheet_open(b, i, first, &why);
            if (!r) {
                if (!why || !why[0])
                    abort();
                free(why);
                continue;
            }
            drain(r);
            cc_csv_free(r);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cc_diag_set_verbosity(CC_DIAG_ERROR);
    if (size < 1)
        return 0;
    char *why = NULL;
    cc_book *b = NULL;
    if (!(data[0] & 1)) {
        b = cc_book_open_mem(data + 1, size - 1, &why);
    } else {
        int fd = memfd_create("fuzz-xlsx", MFD_CLOEXEC);
        char path[64];
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        zipFile z = zipOpen64(path, APPEND_STATUS_CREATE);
        for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
            zipOpenNewFileInZip64(z, parts[i][0], NULL, NULL, 0, NULL, 0, NULL, Z_DEFLATED, 1, 0);
            zipWriteInFileInZip(z, parts[i][1], (unsigned)strlen(parts[i][1]));
            zipCloseFileInZip(z);
        }
        zipOpenNewFileInZip64(z, "xl/worksheets/sheet1.xml", NULL, NULL, 0, NULL, 0, NULL, Z_DEFLATED, 1, 0);
        zipWriteInFileInZip(z, data + 1, (unsigned)(size - 1));
        zipCloseFileInZip(z);
        zipClose(z, NULL);
        b = cc_book_open(path, &why);
        close(fd);
    }
    if (!b) {
        if (!why || !why[0])
            abort();
        free(why);
        return 0;
    }
    read_book(b);
    cc_book_free(b);
    return 0;
}
