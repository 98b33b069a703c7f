/* Unit tests of lib/text/sheet.c, sheet_build.c, xlsx.c and xlsx_sheet.c: number formats
 * (built-in and custom codes), serial numbers in both date systems with the
 * nonexistent 1900-02-29, column letters, and workbooks written here with
 * minizip whose sheet XML holds what writers put there (namespace prefixes,
 * entities, CDATA, comments, shared strings with phonetic runs, error cells)
 * and what is refused (a DOCTYPE, an undeclared entity, rows going back). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <minizip/zip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TMPDIR_TEMPLATE "/tmp/ccsheetXXXXXX"
#include "tmpdir.h"
#include "text/sheet_int.h"

static void test_formats(void **state)
{
    (void)state;
    assert_int_equal(sheet_builtin_fmt(0), FMT_NUMBER);
    assert_int_equal(sheet_builtin_fmt(14), FMT_DATE);
    assert_int_equal(sheet_builtin_fmt(17), FMT_DATE);
    assert_int_equal(sheet_builtin_fmt(18), FMT_TIME);
    assert_int_equal(sheet_builtin_fmt(21), FMT_TIME);
    assert_int_equal(sheet_builtin_fmt(22), FMT_DATETIME);
    assert_int_equal(sheet_builtin_fmt(31), FMT_DATE);     /* yyyy"年"m"月"d"日" (zh-CN) */
    assert_int_equal(sheet_builtin_fmt(32), FMT_TIME);     /* h"时"mm"分" */
    assert_int_equal(sheet_builtin_fmt(49), FMT_NUMBER);   /* @ */
    assert_int_equal(sheet_code_fmt("General"), FMT_NUMBER);
    assert_int_equal(sheet_code_fmt("G/通用格式"), FMT_NUMBER);   /* WPS's General */
    assert_int_equal(sheet_code_fmt("0.00"), FMT_NUMBER);
    assert_int_equal(sheet_code_fmt("#,##0\" 元\""), FMT_NUMBER);
    assert_int_equal(sheet_code_fmt("0.00E+00"), FMT_NUMBER);
    assert_int_equal(sheet_code_fmt("[Red]0.00;[Blue]-0.00"), FMT_NUMBER);
    assert_int_equal(sheet_code_fmt("yyyy/m/d"), FMT_DATE);
    assert_int_equal(sheet_code_fmt("m/d"), FMT_DATE);                 /* m without h or s: month */
    assert_int_equal(sheet_code_fmt("yyyy\"年\"m\"月\"d\"日\""), FMT_DATE);
    assert_int_equal(sheet_code_fmt("[$-804]yyyy\"年\"m\"月\";@"), FMT_DATE);
    assert_int_equal(sheet_code_fmt("h:mm"), FMT_TIME);
    assert_int_equal(sheet_code_fmt("mm:ss"), FMT_TIME);               /* m right before s: minutes */
    assert_int_equal(sheet_code_fmt("[h]:mm"), FMT_TIME);
    assert_int_equal(sheet_code_fmt("[mm]:ss"), FMT_TIME);
    assert_int_equal(sheet_code_fmt("h:mm AM/PM"), FMT_TIME);
    assert_int_equal(sheet_code_fmt("上午/下午h\"时\"mm\"分\""), FMT_TIME);
    assert_int_equal(sheet_code_fmt("yyyy-mm-dd hh:mm:ss"), FMT_DATETIME);
    assert_int_equal(sheet_code_fmt("m/d/yy h:mm"), FMT_DATETIME);
    assert_int_equal(sheet_code_fmt("\"y\\d\"0"), FMT_NUMBER);         /* letters in quotes */
}

static const char *num(double v, sheet_fmt k, int d1904)
{
    static char out[48];
    sheet_number_text(v, k, d1904, out);
    return out;
}

static void test_serials(void **state)
{
    (void)state;
    /* 1900 system: 1 = 1900-01-01, 59 = 02-28, 60 = the 29th Excel keeps, 61 = 03-01 */
    assert_string_equal(num(1, FMT_DATE, 0), "1900-01-01");
    assert_string_equal(num(59, FMT_DATE, 0), "1900-02-28");
    assert_string_equal(num(60, FMT_DATE, 0), "1900-02-29");
    assert_string_equal(num(61, FMT_DATE, 0), "1900-03-01");
    assert_string_equal(num(46343, FMT_DATE, 0), "2026-11-17");   /* docs/inputs/README.md's example */
    /* 1904 system: 0 = 1904-01-01; the same day is 1,462 less */
    assert_string_equal(num(0, FMT_DATE, 1), "1904-01-01");
    assert_string_equal(num(46343 - 1462, FMT_DATE, 1), "2026-11-17");
    /* times: 0.375 = 9:00; 16:30 = 0.6875; a fraction that rounds to the next day */
    assert_string_equal(num(0.375, FMT_TIME, 0), "09:00:00");
    assert_string_equal(num(0.6875, FMT_TIME, 0), "16:30:00");
    assert_string_equal(num(46343.5, FMT_DATETIME, 0), "2026-11-17 12:00:00");
    assert_string_equal(num(46343.999999999, FMT_DATETIME, 0), "2026-11-18 00:00:00");
    assert_string_equal(num(46343.75, FMT_DATE, 0), "2026-11-17");
    /* numbers, and what no date can be */
    assert_string_equal(num(25, FMT_NUMBER, 0), "25");
    assert_string_equal(num(5.5, FMT_NUMBER, 0), "5.5");
    assert_string_equal(num(-3, FMT_DATE, 0), "-3");
    assert_string_equal(num(1e9, FMT_DATE, 0), "1000000000");
}

static void test_letters(void **state)
{
    (void)state;
    static const struct { size_t c; const char *s; } t[] = {
        {0, "A"}, {4, "E"}, {25, "Z"}, {26, "AA"}, {27, "AB"}, {701, "ZZ"}, {702, "AAA"}, {16383, "XFD"}};
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        char out[8];
        cc_col_letters(t[i].c, out);
        assert_string_equal(out, t[i].s);
    }
}

/* ---- workbooks ------------------------------------------------------------------ */

#define NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
#define RELS "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\""
#define RT "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

/* A workbook of one sheet "表" with this sheet XML (shared strings: 活动编号,
 * 社区编号 in two runs, A1 with a phonetic run; styles: 0 General, 1 date
 * (14), 2 yyyy年m月d日 (164), 3 time (20)). */
static const char *book(const char *name, const char *sheet, int date1904)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    char wb[512];
    snprintf(wb, sizeof wb,
             "<?xml version=\"1.0\"?><workbook " NS " xmlns:r=\"" RT "\"><workbookPr date1904=\"%d\"/><sheets>"
             "<sheet name=\"表\" sheetId=\"1\" r:id=\"rId1\"/><sheet name=\"藏\" sheetId=\"2\" state=\"hidden\" "
             "r:id=\"rId1\"/></sheets></workbook>", date1904);
    const char *parts[][2] = {
        {"_rels/.rels", "<?xml version=\"1.0\"?><Relationships " RELS "><Relationship Id=\"rId1\" Type=\"" RT
                        "officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"},
        {"xl/workbook.xml", wb},
        {"xl/_rels/workbook.xml.rels", "<?xml version=\"1.0\"?><Relationships " RELS ">"
                                       "<Relationship Id=\"rId1\" Type=\"" RT "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
                                       "<Relationship Id=\"rId2\" Type=\"" RT "sharedStrings\" Target=\"/xl/sharedStrings.xml\"/>"
                                       "<Relationship Id=\"rId3\" Type=\"" RT "styles\" Target=\"styles.xml\"/></Relationships>"},
        {"xl/sharedStrings.xml", "<?xml version=\"1.0\"?><sst " NS "><si><t>活动编号</t></si>"
                                 "<si><r><t>社区</t></r><r><t>编号</t></r></si><si><t>A1</t><rPh><t>エー</t></rPh></si></sst>"},
        {"xl/styles.xml", "<?xml version=\"1.0\"?><styleSheet " NS "><numFmts count=\"1\"><numFmt numFmtId=\"164\" "
                          "formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/></numFmts><cellStyleXfs>"
                          "<xf numFmtId=\"14\"/></cellStyleXfs><cellXfs count=\"4\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/>"
                          "<xf numFmtId=\"164\"/><xf numFmtId=\"20\"/></cellXfs></styleSheet>"},
        {"xl/worksheets/sheet1.xml", sheet},
    };
    zipFile z = zipOpen64(path, APPEND_STATUS_CREATE);
    assert_non_null(z);
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
        zipOpenNewFileInZip64(z, parts[i][0], NULL, NULL, 0, NULL, 0, NULL, Z_DEFLATED, 6, 0);
        zipWriteInFileInZip(z, parts[i][1], (unsigned)strlen(parts[i][1]));
        zipCloseFileInZip(z);
    }
    zipClose(z, NULL);
    return path;
}

/* The records of the sheet from first_row, as "line:f1|f2|...;" (error column as !N). */
static char *records(const char *path, long first_row, int *rc)
{
    char *why = NULL;
    cc_book *b = cc_book_open(path, &why);
    assert_non_null(b);
    assert_int_equal(cc_book_nsheets(b), 2);
    assert_string_equal(cc_book_sheet_name(b, 0), "表");
    assert_int_equal(cc_book_sheet_hidden(b, 0), 0);
    assert_int_equal(cc_book_sheet_hidden(b, 1), 1);
    cc_csv *r = cc_book_sheet_open(b, 0, first_row, &why);
    assert_non_null(r);
    cc_buf out = CC_BUF_INIT;
    cc_csv_record rec;
    while ((*rc = cc_csv_next(r, &rec)) == 1) {
        cc_buf_addf(&out, "%ld:", rec.line);
        for (size_t i = 0; i < rec.n; i++)
            cc_buf_addf(&out, "%s%s", i ? "|" : "", rec.field[i]);
        if (rec.error_col)
            cc_buf_addf(&out, "!%zu", rec.error_col);
        cc_buf_adds(&out, ";");
    }
    if (*rc < 0)
        cc_buf_addf(&out, "ERROR %s", cc_csv_error(r));
    cc_csv_free(r);
    cc_book_free(b);
    return cc_buf_detach(&out);
}

static void test_cells(void **state)
{
    (void)state;
    const char *p = book("cells.xlsx",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><!-- a comment --><x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
        "<x:dimension ref=\"A1:F6\"/><x:sheetData>"
        "<x:row r=\"1\"><x:c r=\"A1\" t=\"inlineStr\"><x:is><x:t>标题</x:t></x:is></x:c></x:row>"
        "<x:row r=\"3\"><x:c r=\"A3\" t=\"s\"><x:v>0</x:v></x:c><x:c r=\"B3\" t=\"s\"><x:v>1</x:v></x:c>"
        "<x:c r=\"C3\" t=\"inlineStr\"><x:is><x:t>日期</x:t></x:is></x:c></x:row>"
        "<x:row r=\"4\"><x:c r=\"A4\" t=\"s\"><x:v>2</x:v></x:c><x:c r=\"B4\" t='str'><x:f>A1</x:f><x:v>a&amp;b&lt;&#x4E2D;&#25991;</x:v></x:c>"
        "<x:c r=\"C4\" s=\"1\"><x:v>46343</x:v></x:c><x:c r=\"D4\" s=\"2\"><x:v>46344.25</x:v></x:c>"
        "<x:c r=\"E4\" s=\"3\"><x:v>0.6875</x:v></x:c><x:c r=\"F4\" t=\"b\"><x:v>1</x:v></x:c><?pi x?></x:row>"
        "<x:row r=\"5\"><x:c r=\"B5\" t=\"e\"><x:f>1/0</x:f><x:v>#DIV/0!</x:v></x:c><x:c r=\"C5\"><x:v>1.5E-3</x:v></x:c>"
        "<x:c r=\"D5\" t=\"inlineStr\"><x:is><x:r><x:t><![CDATA[<x>]]></x:t></x:r><x:r><x:t xml:space=\"preserve\"> y</x:t></x:r></x:is></x:c></x:row>"
        "<x:row r=\"6\"><x:c r=\"A6\" t=\"d\"><x:v>2026-11-17T00:00:00</x:v></x:c><x:c r=\"H6\" t=\"inlineStr\"><x:is><x:t>备注</x:t></x:is></x:c></x:row>"
        "</x:sheetData></x:worksheet>", 0);
    int rc;
    char *raw = records(p, 0, &rc);
    assert_int_equal(rc, 0);
    assert_string_equal(raw, "1:标题;3:活动编号|社区编号|日期;4:A1|a&b<中文|2026-11-17|2026-11-18|16:30:00|TRUE;"
                             "5:|#DIV/0!|0.0015|<x> y!2;6:2026-11-17|||||||备注;");
    free(raw);
    /* from the header on row 3: the rest cut to its width (C) */
    char *from3 = records(p, 3, &rc);
    assert_string_equal(from3, "3:活动编号|社区编号|日期;4:A1|a&b<中文|2026-11-17;5:|#DIV/0!|0.0015!2;6:2026-11-17||;");
    free(from3);
}

static void test_1904(void **state)
{
    (void)state;
    const char *p = book("d1904.xlsx", "<worksheet " NS "><sheetData><row r=\"1\"><c r=\"A1\" s=\"1\"><v>44881</v></c>"
                                       "<c r=\"B1\" s=\"1\"><v>0</v></c></row></sheetData></worksheet>", 1);
    int rc;
    char *s = records(p, 0, &rc);
    assert_string_equal(s, "1:2026-11-17|1904-01-01;");
    free(s);
}

static void test_refused(void **state)
{
    (void)state;
    static const struct { const char *sheet, *error; } t[] = {
        {"<!DOCTYPE x [<!ENTITY a \"aaaa\">]><worksheet " NS "><sheetData><row r=\"1\"><c t=\"inlineStr\"><is><t>&a;</t></is></c></row></sheetData></worksheet>",
         "ERROR XML with a DOCTYPE (entity declarations are refused: entity expansion)"},
        {"<worksheet " NS "><sheetData><row r=\"1\"><c t=\"inlineStr\"><is><t>&a;</t></is></c></row></sheetData></worksheet>",
         "ERROR row 1: bad XML: an entity that is not declared (entities are refused)"},
        {"<worksheet " NS "><sheetData><row r=\"2\"><c><v>1</v></c></row><row r=\"1\"><c><v>2</v></c></row></sheetData></worksheet>",
         "2:1;ERROR row 2: rows out of order"},
        {"<worksheet " NS "><sheetData><row r=\"1\"><c r=\"B1\"><v>1</v></c><c r=\"A1\"><v>2</v></c></row></sheetData></worksheet>",
         "ERROR row 1: cells out of order or past column XFD"},
        {"<worksheet " NS "><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>7</v></c></row></sheetData></worksheet>",
         "ERROR row 1: a shared string that does not exist"},
        {"<worksheet " NS "><sheetData><row r=\"1\"><c r=\"A1\"><v>1",
         "ERROR row 1: bad XML: the part ends inside a cell"},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        char name[32];
        snprintf(name, sizeof name, "bad%zu.xlsx", i);
        int rc;
        char *s = records(book(name, t[i].sheet, 0), 0, &rc);
        assert_int_equal(rc, -1);
        assert_string_equal(s, t[i].error);
        free(s);
    }
}

static void test_not_books(void **state)
{
    (void)state;
    char path[256], *why = NULL;
    snprintf(path, sizeof path, "%s/text.xlsx", tmpdir);
    FILE *f = fopen(path, "w");
    fputs("社区编号,社区名称\nL01,凉水井\n", f);
    fclose(f);
    assert_true(cc_book_is_book(path));
    assert_null(cc_book_open(path, &why));
    assert_string_equal(why, "not a valid .xlsx workbook (not a zip file); if it is text, rename it .csv");
    free(why);
    snprintf(path, sizeof path, "%s/plain.csv", tmpdir);
    f = fopen(path, "w");
    fputs("PK,x\n", f);
    fclose(f);
    assert_false(cc_book_is_book(path));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formats), cmocka_unit_test(test_serials), cmocka_unit_test(test_letters),
        cmocka_unit_test(test_cells),   cmocka_unit_test(test_1904),    cmocka_unit_test(test_refused),
        cmocka_unit_test(test_not_books),
    };
    return cmocka_run_group_tests_name("sheet", tests, setup, teardown);
}
