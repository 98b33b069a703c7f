"""Spreadsheet inputs (.xlsx, .xls) end to end, on files made by real writers:
LibreOffice (committed conversions of the sample CSVs, and a fresh conversion
when soffice is installed), XlsxWriter and openpyxl (typed dates and times,
the 1904 date system, shared and inline strings, title rows, several sheets,
hidden sheets, formulas and error cells), and 问卷星/Kobo-style survey exports.
For each, the stored rows equal those of the same data ingested as CSV.
Then what is refused (zip bomb, entity expansion, encrypted, truncated, not a
zip), the messages and rejects files that name sheet and cell, and the inbox
directory that names every file it does not read."""
import datetime
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile

import pytest

from conftest import ROOT, q, run

sys.path.insert(0, os.path.join(ROOT, "scripts"))
import csv2xlsx  # noqa: E402

SAMPLES = os.path.join(ROOT, "fixtures", "test", "ingest", "samples")
LO = os.path.join(ROOT, "fixtures", "test", "sheets", "libreoffice")
# the samples LibreOffice converted (activities-gb18030.csv is the same data in GB18030)
KINDS = ["activities", "assessments", "attendance", "communities", "feedback", "providers", "surveys",
         "timebank", "trainings"]
REGISTERS = [os.path.join(SAMPLES, "communities.csv"), os.path.join(SAMPLES, "providers.csv")]


def stored(db):
    """Every stored row of every data table, without the file and line it came from."""
    con = sqlite3.connect(db)
    out = {}
    try:
        for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN "
                                "('files', 'rejects', 'plausibility') AND name NOT LIKE 'sqlite%'"):
            cols = [r[1] for r in con.execute(f"PRAGMA table_info({t})") if r[1] not in ("file_id", "line")]
            if cols:
                out[t] = sorted(con.execute(f"SELECT {', '.join(cols)} FROM {t}").fetchall(), key=repr)
    finally:
        con.close()
    return out


def ingest(db, *paths, ok=(0,), args=()):
    r = run(["ingest", "--db", db, *args, *paths])
    assert r.returncode in ok, r.stderr
    return r


def csv_db(tmp_path, *paths):
    db = str(tmp_path / "csv.db")
    ingest(db, *paths, ok=(0, 3))
    return db


# ---- LibreOffice ------------------------------------------------------------------

@pytest.mark.parametrize("ext", ["xlsx", "xls"])
def test_libreoffice_committed_equal_csv(tmp_path, ext):
    db_csv = csv_db(tmp_path, *[os.path.join(SAMPLES, k + ".csv") for k in KINDS])
    db = str(tmp_path / "sheet.db")
    r = ingest(db, os.path.join(LO, ext))
    assert r.stderr == ""
    assert stored(db) == stored(db_csv)
    assert sum(len(v) for v in stored(db).values()) > 30
    names = [n for (n,) in q(db, "SELECT name FROM files ORDER BY name")]
    assert names == sorted(f"{k}.{ext}#{k}" for k in KINDS)


def test_libreoffice_fresh_conversion(tmp_path):
    soffice = shutil.which("soffice")
    if not soffice:
        pytest.skip("LibreOffice (soffice) is not installed: the committed conversions in "
                    "fixtures/test/sheets/libreoffice are tested instead")
    src = tmp_path / "src"
    src.mkdir()
    for k in KINDS:
        shutil.copy(os.path.join(SAMPLES, k + ".csv"), src)
    for ext in ("xlsx", "xls"):
        p = subprocess.run([soffice, "--headless", "--infilter=CSV:44,34,76,1", "--convert-to", ext,
                            "--outdir", str(tmp_path / ext)] + [str(src / (k + ".csv")) for k in KINDS],
                           capture_output=True, text=True, timeout=300,
                           env=dict(os.environ, HOME=str(tmp_path)))
        assert p.returncode == 0, p.stderr
    db_csv = csv_db(tmp_path, *[str(src / (k + ".csv")) for k in KINDS])
    for ext in ("xlsx", "xls"):
        db = str(tmp_path / f"{ext}.db")
        ingest(db, str(tmp_path / ext))
        assert stored(db) == stored(db_csv), ext


# ---- XlsxWriter / openpyxl ----------------------------------------------------------

@pytest.mark.parametrize("date1904,constant_memory,title", [
    (False, False, None),                 # shared strings, 1900 dates
    (True, False, "东城街道2026年11月活动台账"),  # 1904 dates, a merged title row
    (False, True, "东城街道2026年11月活动台账"),  # inline strings (streaming writer)
])
def test_xlsxwriter_typed_equal_csv(tmp_path, date1904, constant_memory, title):
    acts = os.path.join(SAMPLES, "activities.csv")
    db_csv = csv_db(tmp_path, *REGISTERS, acts)
    x = csv2xlsx.csv_to_xlsx(acts, tmp_path / "活动台账.xlsx", sheet="台账", title=title, date1904=date1904,
                             constant_memory=constant_memory)
    with zipfile.ZipFile(x) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        book = z.read("xl/workbook.xml").decode()
    assert ('t="inlineStr"' in sheet) == constant_memory
    assert ('date1904="1"' in book) == date1904
    db = str(tmp_path / "x.db")
    r = ingest(db, *REGISTERS, str(x))
    assert r.stderr == ""
    assert stored(db) == stored(db_csv)
    # the activity of 2026/11/16 09:00-11:30 (typed date and time cells)
    assert q(db, "SELECT date, start_time, end_time FROM activities WHERE activity_id = 'A-2026-1101'") == \
        [("2026-11-16", "09:00:00", "11:30:00")]
    first = 3 if title else 1
    assert q(db, "SELECT min(line) FROM activities") == [(first + 1,)]


def openpyxl_book(path, sheets, hidden=()):
    """sheets: [(name, rows)]; rows of Python values (str, int, float, datetime, None)."""
    import openpyxl
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets:
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        if name in hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    return str(path)


def typed_rows(csv_path):
    rows = csv2xlsx.read_csv(csv_path)
    out = [rows[0]]
    for row in rows[1:]:
        out.append([None if v == "" else csv2xlsx.typed(rows[0][i], v)[1] for i, v in enumerate(row)])
    for row in out[1:]:
        for i, v in enumerate(row):
            if isinstance(v, float) and v.is_integer():
                row[i] = int(v)
    return out


def test_openpyxl_sheets_hidden_and_order(tmp_path):
    """Activities before communities, a notes sheet, a hidden attendance sheet:
    the registers are stored first, the others named in one notice."""
    comm = csv2xlsx.read_csv(os.path.join(SAMPLES, "communities.csv"))
    book = openpyxl_book(tmp_path / "汇总.xlsx", [
        ("活动", typed_rows(os.path.join(SAMPLES, "activities.csv"))),
        ("说明", [["本表由街道汇总"], ["联系人: 王"]]),
        ("社区", typed_rows(os.path.join(SAMPLES, "communities.csv"))),
        ("旧签到", typed_rows(os.path.join(SAMPLES, "attendance.csv"))),
    ], hidden=("旧签到",))
    db_csv = csv_db(tmp_path, os.path.join(SAMPLES, "communities.csv"), os.path.join(SAMPLES, "activities.csv"))
    db = str(tmp_path / "b.db")
    r = ingest(db, book)
    assert r.stderr == (f"carecard: {book}: not read: sheet '说明' (no header of an input kind in its first 10 "
                        f"rows), hidden sheet '旧签到'\n")
    assert stored(db) == stored(db_csv)
    assert q(db, "SELECT name, kind, rows_accepted FROM files ORDER BY file_id") == [
        ("汇总.xlsx#社区", "communities", len(comm) - 1), ("汇总.xlsx#活动", "activities", 5)]
    # --sheet reads the hidden one
    r = ingest(db, book, args=("--sheet", "旧签到"))
    assert r.stderr == ""
    assert q(db, "SELECT count(*) FROM attendance") == [(6,)]
    r = run(["ingest", "--db", db, "--sheet", "没有", book])
    assert r.returncode == 1
    assert f"carecard: {book}: no sheet named '没有' (sheets: 活动, 说明, 社区, 旧签到)\n" in r.stderr


def test_cells_formulas_errors_and_messages(tmp_path):
    """Cached formula values are values; an error cell and a bad value reject
    their rows naming sheet, row, column and cell; the rejects file is a CSV
    with the sheet and the row."""
    import xlsxwriter
    rows = csv2xlsx.read_csv(os.path.join(SAMPLES, "activities.csv"))
    header = rows[0]
    att = header.index("实到人数")
    path = tmp_path / "活动台账.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("台账")
    ws.merge_range(0, 0, 0, 5, "东城街道2026年11月活动台账")
    csv2xlsx.write_sheet(wb, ws, rows, first_row=1)     # header on row 2, data rows 3..7
    # row 3: 实到人数 as a formula with its cached value (25, as in the CSV)
    ws.write_formula(2, att, "=20+5", None, 25)
    # row 4: a formula that failed
    ws.write_formula(3, att, "=1/0", None, "#DIV/0!")
    # row 5: text where a number belongs
    ws.write_string(4, att, "二十")
    # an empty row, then a stray note right of the table (not data)
    ws.write_string(2, len(header) + 2, "备注: 已核对")
    wb.close()
    db = str(tmp_path / "x.db")
    rej = tmp_path / "rej"
    rej.mkdir()
    r = ingest(db, *REGISTERS, str(path), ok=(3,), args=("--rejects", str(rej)))
    col = chr(ord("A") + att)
    assert r.stderr.splitlines() == [
        f"carecard: {path}: sheet 台账, row 4, column 实到人数 ({col}4): value '#DIV/0!' — an error cell "
        f"(a formula that failed), not a value",
        f"carecard: {path}: sheet 台账, row 5, column 实到人数 ({col}5): value '二十' — expected integer ≥ 0",
    ]
    # (the CSV's 实到人数: 25, 17, 0, 22, 31; the formula's cached 25 is the value)
    assert q(db, "SELECT activity_id, attended, line FROM activities ORDER BY line") == [
        ("A-2026-1101", 25, 3), ("A-2026-1104", 22, 6), ("A-2026-1105", 31, 7)]
    with open(rej / "活动台账.xlsx#台账.rejects.csv", encoding="utf-8-sig") as f:
        lines = f.read().splitlines()
    assert lines[0].startswith("sheet,row,原因,reason,活动编号,社区编号,")
    assert lines[1].startswith("台账,4,")
    assert lines[2].startswith("台账,5,")
    assert q(db, "SELECT line, column_key FROM rejects ORDER BY line") == [(4, "attended"), (5, "attended")]


def test_merged_data_cells_and_empty_rows(tmp_path):
    """A merged cell's value belongs to its first cell: the row below it is
    missing that value. A row whose cells are all empty is no row."""
    import openpyxl
    from openpyxl.styles import Font
    rows = typed_rows(os.path.join(SAMPLES, "activities.csv"))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "台账"
    for row in rows[:3]:
        ws.append(row)
    ws.append([])                            # row 4: nothing
    ws.append([None] * 3)                    # row 5: nothing either
    ws["A5"].font = Font(bold=True)          # (a formatted empty cell)
    ws.append(rows[3])                       # row 6
    ws.merge_cells("B2:B3")                  # 社区编号 of rows 2-3 merged: B3 has no value
    path = tmp_path / "m.xlsx"
    wb.save(path)
    db = str(tmp_path / "m.db")
    r = ingest(db, *REGISTERS, str(path), ok=(3,))
    assert r.stderr.splitlines() == [
        f"carecard: {path}: sheet 台账, row 3, column 社区编号 (B3): missing — required"]
    assert q(db, "SELECT activity_id, line FROM activities ORDER BY line") == [("A-2026-1101", 2),
                                                                                ("A-2026-1103", 6)]
    assert q(db, "SELECT rows_read, rows_accepted, rows_rejected FROM files WHERE kind = 'activities'") == \
        [(3, 2, 1)]


# ---- survey platforms ---------------------------------------------------------------

WJX_HEADER = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "1、身份：", "2、所在社区：",
              "3、您对社区育儿服务的总体满意度", "4、社区服务减轻了我的育儿压力", "5、您参加过哪些活动？(多选)"]
WJX_ROWS = [
    [1, datetime.datetime(2026, 11, 18, 10, 23, 45), "125秒", "手机提交", "直接访问", "1.2.3.4(四川-成都)",
     "家长", "凉水井社区", "非常满意", "同意", "亲子阅读┋户外活动"],
    [2, datetime.datetime(2026, 11, 19, 8, 5, 0), "98秒", "微信", "N/A", "5.6.7.8(四川-成都)",
     "祖辈", "L02", "满意", "非常同意", "(跳过)"],
    [3, "2026/11/20 21:00:07", "301秒", "链接", "直接访问", "9.9.9.9(未知)",
     "家长", "L01", "5", "4", "亲子阅读"],
]


def test_wenjuanxing_export_equal_csv(tmp_path):
    """A 问卷星 export (序号, 提交答卷时间, 所用时间, 来源, 来自IP, numbered
    questions, text answers, a multi-select column) ingests as surveys with no
    hand editing, as its CSV does."""
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(WJX_HEADER)
    for row in WJX_ROWS:
        ws.append(row)
    for c in ws["B"][1:]:
        c.number_format = "yyyy/m/d h:mm:ss"
    x = tmp_path / "问卷星导出.xlsx"
    wb.save(x)
    c = tmp_path / "问卷星导出.csv"
    with open(c, "w", encoding="utf-8") as f:
        f.write(",".join(WJX_HEADER) + "\n")
        for row in WJX_ROWS:
            f.write(",".join(v.strftime("%Y/%m/%d %H:%M:%S") if isinstance(v, datetime.datetime) else str(v)
                             for v in row) + "\n")
    db_csv = csv_db(tmp_path, REGISTERS[0], str(c))
    db = str(tmp_path / "x.db")
    r = ingest(db, REGISTERS[0], str(x))
    assert r.stderr == ""
    assert stored(db) == stored(db_csv)
    assert q(db, "SELECT response_id, community_id, date, role FROM survey_responses ORDER BY response_id") == [
        ("1", "L01", "2026-11-18", "parent"), ("2", "L02", "2026-11-19", "grandparent"),
        ("3", "L01", "2026-11-20", "parent")]
    assert q(db, "SELECT answer FROM survey_answers WHERE response_id = '1' AND question = "
                 "'您参加过哪些活动？(多选)'") == [("亲子阅读┋户外活动",)]


def test_kobo_export(tmp_path):
    """A KoboToolbox export: labels as headers (Q1. …), _id and
    _submission_time, a select_multiple column with one 0/1 column per choice."""
    import xlsxwriter
    header = ["start", "end", "Q1. 身份", "Q2. 所在社区", "Q3. 您对社区育儿服务的总体满意度",
              "Q4. 参加过的活动", "Q4. 参加过的活动/亲子阅读", "Q4. 参加过的活动/户外活动",
              "_id", "_uuid", "_submission_time", "_index"]
    rows = [["2026-11-18T10:00:00", "2026-11-18T10:05:00", "家长", "L01", "5", "亲子阅读 户外活动", 1, 1,
             101, "a1b2", datetime.datetime(2026, 11, 18, 10, 5), 1],
            ["2026-11-19T09:00:00", "2026-11-19T09:04:00", "老人", "凉水井社区", "非常满意", "户外活动", 0, 1,
             102, "c3d4", datetime.datetime(2026, 11, 19, 9, 4), 2]]
    path = tmp_path / "kobo.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("家长问卷")
    dt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    ws.write_row(0, 0, header)
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            if isinstance(v, datetime.datetime):
                ws.write_datetime(i + 1, j, v, dt)
            else:
                ws.write(i + 1, j, v)
    wb.close()
    db = str(tmp_path / "k.db")
    r = ingest(db, REGISTERS[0], str(path))
    assert r.stderr == ""
    assert q(db, "SELECT response_id, community_id, date, role FROM survey_responses ORDER BY response_id") == [
        ("101", "L01", "2026-11-18", "parent"), ("102", "L01", "2026-11-19", "elder")]
    assert q(db, "SELECT answer FROM survey_answers WHERE response_id = '101' AND question = '参加过的活动'") == \
        [("亲子阅读 户外活动",)]


# ---- re-ingest, replace, directories ------------------------------------------------

def test_skip_and_replace_by_name(tmp_path):
    acts = os.path.join(SAMPLES, "activities.csv")
    x = csv2xlsx.csv_to_xlsx(acts, tmp_path / "台账.xlsx", sheet="台账")
    db = str(tmp_path / "x.db")
    ingest(db, *REGISTERS, str(x))
    r = ingest(db, str(x))
    assert r.stderr == ""                   # (a cron run re-reading its inbox prints nothing)
    r = ingest(db, str(x), args=("-v",))
    assert r.stderr.startswith(f"carecard: {x}: sheet 台账: already ingested on ")
    assert r.stderr.endswith(" (same SHA-256); skipped\n")
    # the corrected workbook of the same name: four activities left
    rows = csv2xlsx.read_csv(acts)
    short = tmp_path / "short.csv"
    with open(short, "w", encoding="utf-8") as f:
        for row in rows[:-1]:
            f.write(",".join(f'"{v}"' if "," in v else v for v in row) + "\n")
    csv2xlsx.csv_to_xlsx(str(short), x, sheet="台账")
    ingest(db, str(x))
    assert q(db, "SELECT count(*) FROM activities") == [(4,)]
    assert q(db, "SELECT count(*) FROM files WHERE name = '台账.xlsx#台账' AND superseded_by IS NULL") == [(1,)]


def test_messages_in_chinese(tmp_path):
    """Chinese, the default: the same places (sheet, row, cell) in the clerk's words."""
    import xlsxwriter
    rows = csv2xlsx.read_csv(os.path.join(SAMPLES, "activities.csv"))
    att = rows[0].index("实到人数")
    path = tmp_path / "活动台账.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("台账")
    csv2xlsx.write_sheet(wb, ws, rows)
    ws.write_formula(2, att, "=1/0", None, "#DIV/0!")
    ws.write_string(3, att, "二十")
    wb.close()
    db = str(tmp_path / "zh.db")
    r = run(["ingest", "--db", db, *REGISTERS, str(path)], env={"CARECARD_LANG": ""})
    assert r.returncode == 3
    col = chr(ord("A") + att)
    assert r.stderr.splitlines() == [
        f"carecard: {path}: sheet 台账，第 3 行，列“实到人数”({col}3)：值“#DIV/0!” — 是错误单元格（公式出错），不是数值",
        f"carecard: {path}: sheet 台账，第 4 行，列“实到人数”({col}4)：值“二十” — 应为 ≥ 0 的整数",
    ]


def test_directory_names_every_other_file(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(REGISTERS[0], inbox / "a-communities.csv")
    shutil.copy(os.path.join(LO, "xlsx", "providers.xlsx"), inbox / "b-providers.xlsx")
    shutil.copy(os.path.join(LO, "xls", "activities.xls"), inbox / "c-activities.xls")
    for n in ("周报.docx", "说明.pdf", "~$b-providers.xlsx"):
        (inbox / n).write_bytes(b"x")
    db = str(tmp_path / "d.db")
    r = ingest(db, str(inbox))
    assert r.stderr == (f"carecard: {inbox}: not read (only .csv, .tsv, .xlsx and .xls are): "
                        f"~$b-providers.xlsx, 周报.docx, 说明.pdf\n")
    assert q(db, "SELECT kind FROM files ORDER BY file_id") == [("communities",), ("providers",), ("activities",)]


# ---- what is refused -----------------------------------------------------------------

def good_xlsx(tmp_path):
    return csv2xlsx.csv_to_xlsx(os.path.join(SAMPLES, "communities.csv"), tmp_path / "good.xlsx")


def rezip(src, dst, replace=None, extra=None):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if replace and item.filename in replace:
                data = replace[item.filename]
            zout.writestr(item.filename, data)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return str(dst)


def refused(tmp_path, path, message):
    db = str(tmp_path / "r.db")
    r = run(["ingest", "--db", db, path])
    assert r.returncode == 1
    assert r.stderr.splitlines()[0] == f"carecard: {path}: {message}"
    assert q(db, "SELECT count(*) FROM files") == [(0,)]
    assert q(db, "SELECT count(*) FROM communities") == [(0,)]


def test_refuses_zip_bomb(tmp_path):
    p = rezip(good_xlsx(tmp_path), tmp_path / "bomb.xlsx", extra={"xl/media/zeros.bin": b"\0" * (64 << 20)})
    with zipfile.ZipFile(p) as z:
        i = z.getinfo("xl/media/zeros.bin")
        comp = i.compress_size
    refused(tmp_path, p, f"refused as a zip bomb: part xl/media/zeros.bin inflates to {64 << 20} bytes from "
                         f"{comp} (limits: 200:1 and 4 GiB a part, 8 GiB in all); nothing stored")


def test_refuses_entity_expansion(tmp_path):
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
              '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
              '<si><t>&lol2;</t></si></sst>')
    p = rezip(good_xlsx(tmp_path), tmp_path / "lol.xlsx", replace={"xl/sharedStrings.xml": laughs.encode()})
    db = str(tmp_path / "r.db")
    r = run(["ingest", "--db", db, p])
    assert r.returncode == 1
    assert "XML with a DOCTYPE (entity declarations are refused: entity expansion)" in r.stderr
    assert q(db, "SELECT count(*) FROM files") == [(0,)]


def test_refuses_encrypted(tmp_path):
    # as Office writes a workbook with a password to open: an OLE compound file holding EncryptedPackage
    ole = bytearray(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4088)
    name = "EncryptedPackage".encode("utf-16-le")
    ole[1024:1024 + len(name)] = name
    p = tmp_path / "locked.xlsx"
    p.write_bytes(bytes(ole))
    refused(tmp_path, str(p), "encrypted workbook (saved with a password to open it): save a copy without the "
                              "password and ingest that; nothing stored")
    # a zip whose entries are encrypted (general purpose flag bit 0)
    data = bytearray(open(good_xlsx(tmp_path), "rb").read())
    i = 0
    while True:
        i = data.find(b"PK\x01\x02", i)
        if i < 0:
            break
        data[i + 8] |= 1
        i += 4
    p2 = tmp_path / "zipcrypto.xlsx"
    p2.write_bytes(bytes(data))
    refused(tmp_path, str(p2), "encrypted workbook (its zip entries are encrypted): save a copy without the "
                               "password and ingest that; nothing stored")


def test_refuses_truncated_and_not_zip(tmp_path):
    data = open(good_xlsx(tmp_path), "rb").read()
    p = tmp_path / "cut.xlsx"
    p.write_bytes(data[: len(data) // 2])
    refused(tmp_path, str(p), "not a valid .xlsx workbook: truncated or damaged (its zip directory is missing); "
                              "nothing stored")
    t = tmp_path / "text.xlsx"
    t.write_bytes(open(REGISTERS[0], "rb").read())
    refused(tmp_path, str(t), "not a valid .xlsx workbook (not a zip file); if it is text, rename it .csv; "
                              "nothing stored")
    e = tmp_path / "empty.xls"
    e.write_bytes(b"")
    refused(tmp_path, str(e), "empty file, not a workbook; nothing stored")
