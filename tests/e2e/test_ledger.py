"""The rectification ledger (整改台账, issue 17): items open when 处置 is
专项整治 or 限期整改, carry over from week to week with the same 编号, come
back filled in, and the next report shows their states.

Data: fixtures/demo (2 streets, 8 communities, weeks 2026-W23..W40), weekly
reports 2026-W38, W39 and W40.  Worked by hand from the W39 ledger:
- S001C04-P3-2026-W39 (桂花社区 计划活动完成率): red in W39 (66.7% < 95%),
  opened in W39 (ends Sunday 2026-09-27), red: deadline 09-27 + 14 days =
  2026-10-11.  Filled in 已完成 on 2026-09-27; W40 (09-28..10-04) is the
  first week that starts after it and it is still red (57.1%): 未见效.
- S001C04-R4-2026-W39: 已完成 on 2026-10-01, inside W40: no full week has
  ended since: 待验证.
- S002C03-P6-2026-W38 (银杏社区 师幼比): yellow in W38 (run 1: 限期整改),
  opened in W38 (ends 09-20) + days_yellow 28 = 2026-10-18; met in W40
  (7 = target) with 已完成 on 2026-09-26 → 已见效.
- S002C03-P1-2026-W28: met in W40, nothing filled in: 已解除.
- S001C02-P4-2026-W29: 进行中, deadline 2026-08-02 long past: 逾期.
- S001C04-P8-2026-W37: 进行中, deadline 2026-10-11 after W40's end: 整改中.
"""
import csv
import io
import json
import os
import shutil
import sqlite3
import subprocess
import zipfile

import openpyxl
import pytest

from conftest import ROOT, SCHEMA_VERSION, run

DEMO = os.path.join(ROOT, "fixtures", "demo")
LEDGERS = os.path.join(DEMO, "ledger")
CONFIG = os.path.join(ROOT, "indicators.ini")
SPEC_COLS = ["编号", "社区", "指标", "处置", "等级", "首次预警", "连续期数", "当前值", "目标", "整改期限", "状态",
             "整改措施", "责任人", "计划完成日期", "完成情况", "完成日期", "备注"]


def report(db, out, week):
    r = run(["report", "weekly", "--db", db, "--config", CONFIG, "--period", week, "--out", out])
    assert r.returncode in (0, 4), r.stderr
    return r


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """The demo data ingested and the W39 report written (only read it)."""
    d = tmp_path_factory.mktemp("ledger")
    db = str(d / "cc.db")
    r = run(["ingest", "-q", "--db", db, DEMO])
    assert r.returncode in (0, 3), r.stderr
    out = str(d / "out")
    report(db, out, "2026-W39")             # as make demo does: fixtures/demo/ledger/ fill it in
    return {"db": db, "out": out, "dir": d}


@pytest.fixture
def loop(base, tmp_path):
    """A copy of the base to change."""
    db = str(tmp_path / "cc.db")
    shutil.copyfile(base["db"], db)
    out = str(tmp_path / "out")
    shutil.copytree(base["out"], out)
    return {"db": db, "out": out, "dir": tmp_path}


def ledger_path(out, period, street):
    return os.path.join(out, period, "整改台账", street + "-整改台账.xlsx")


def ledger_rows(path):
    ws = openpyxl.load_workbook(path)["整改台账"]
    rows = list(ws.iter_rows(values_only=True))
    return rows[0], {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}


def tracking(path):
    ws = openpyxl.load_workbook(path)["整改跟踪"]
    return [[c for c in r] for r in ws.iter_rows(values_only=True)]


def test_ledger_workbook_items_and_protection(base):
    path = ledger_path(base["out"], "2026-W39", "S001-东城街道")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["整改台账"]
    ws = wb["整改台账"]
    hdr, rows = ledger_rows(path)
    assert list(hdr) == SPEC_COLS
    p3 = rows["S001C04-P3-2026-W39"]
    assert p3["社区"] == "桂花社区"
    assert p3["处置"] == "限期整改" and p3["等级"] == "红"
    assert p3["首次预警"] == "2026-W39" and p3["连续期数"] == "1"
    assert p3["当前值"] == "66.7%" and p3["目标"] == "95.0%"
    assert p3["整改期限"] == "2026-10-11" and p3["状态"] == "整改中"
    # a run since W29, opened red in W29 (ends 2026-07-19) + 14 = 2026-08-02, long past
    assert rows["S001C02-P4-2026-W29"]["整改期限"] == "2026-08-02"
    assert rows["S001C02-P4-2026-W29"]["状态"] == "逾期"
    # protection without a password; filled-in columns unlocked, the rest locked
    assert ws.protection.sheet and not ws.protection.password
    for col in "ABCDEFGHIJK":
        assert ws[col + "2"].protection.locked, col
    for col in "LMNOPQ":
        assert not ws[col + "2"].protection.locked, col
    dv = ws.data_validations.dataValidation
    assert len(dv) == 1 and dv[0].type == "list"
    assert dv[0].formula1 == '"未开始,进行中,已完成"'
    assert str(dv[0].sqref) == "O2:O%d" % ws.max_row
    # A4, landscape, in two column groups at 81 % (tests/e2e/test_print.py prints it),
    # header row and 编号 repeated
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.scale) == 81 and ws.page_setup.pageOrder == "overThenDown"
    assert ws.print_title_rows == "$1:$1" and ws.print_title_cols == "$A:$A"


def test_items_carry_over_with_the_same_id(loop):
    db, out = loop["db"], loop["out"]
    report(db, out, "2026-W40")
    _, w39 = ledger_rows(ledger_path(out, "2026-W39", "S001-东城街道"))
    _, w40 = ledger_rows(ledger_path(out, "2026-W40", "S001-东城街道"))
    for i in ("S001C04-P3-2026-W39", "S001C04-R4-2026-W39", "S001C04-P8-2026-W37", "S001C02-P4-2026-W29"):
        assert w39[i]["整改期限"] == w40[i]["整改期限"], i
        assert w39[i]["首次预警"] == w40[i]["首次预警"], i
    assert w39["S001C04-P3-2026-W39"]["连续期数"] == "1" and w40["S001C04-P3-2026-W39"]["连续期数"] == "2"
    # a week later the W39 run of R4 (deadline 2026-10-11) is still the same open item
    assert w40["S001C04-R4-2026-W39"]["状态"] == "整改中"


def ingest(db, *paths):
    return run(["ingest", "--db", db] + list(paths))


def test_every_state_after_the_returned_ledgers(loop):
    db, out = loop["db"], loop["out"]
    r = ingest(db, LEDGERS)
    assert r.returncode == 0, r.stderr
    report(db, out, "2026-W40")
    _, s1 = ledger_rows(ledger_path(out, "2026-W40", "S001-东城街道"))
    _, s2 = ledger_rows(ledger_path(out, "2026-W40", "S002-西湖街道"))
    rows = {**s1, **s2}
    assert rows["S001C04-P3-2026-W39"]["状态"] == "未见效"
    assert rows["S001C04-R4-2026-W39"]["状态"] == "待验证"
    assert rows["S002C03-P6-2026-W38"]["状态"] == "已见效"
    assert rows["S002C03-P1-2026-W28"]["状态"] == "已解除"
    assert rows["S001C02-P4-2026-W29"]["状态"] == "逾期"
    assert rows["S001C04-P8-2026-W37"]["状态"] == "整改中"
    # earlier entries carried into the new ledger, dates as stored
    p4 = rows["S001C02-P4-2026-W29"]
    assert p4["整改措施"] == "周末场次改到上午，电话提醒报名家庭" and p4["责任人"] == "社区主任"
    assert p4["计划完成日期"] == "2026-09-30" and p4["完成情况"] == "进行中" and p4["备注"] == "场地维修推迟"
    assert rows["S001C04-P3-2026-W39"]["完成日期"] == "2026-09-27"      # typed 2026年9月27日
    # 整改跟踪 of all.xlsx: one row per street, every state present
    t = tracking(os.path.join(out, "2026-W40", "all.xlsx"))
    hdr = next(r for r in t if r[0] == "编号")
    total = next(r for r in t if r[1] == "合计")
    counts = dict(zip(hdr[2:8], total[2:8]))
    assert all(counts[s] >= 1 for s in ["整改中", "逾期", "待验证", "已见效", "未见效", "已解除"]), counts
    streets = [r[0] for r in t[t.index(list(hdr)) + 1:] if r[0] in ("S001", "S002")]
    assert streets == ["S001", "S002"]
    # the not-effective list names the measures and who is responsible
    ne = t.index(next(r for r in t if r[0] == "未见效清单"))
    row = t[ne + 2]
    assert row[0] == "S001C04-P3-2026-W39" and row[7] == "补齐本月活动计划，取消的场次改期" and row[8] == "社工站站长"
    # the street workbook: per community
    ts = tracking(os.path.join(out, "2026-W40", "S001-东城街道.xlsx"))
    c04 = next(r for r in ts if r[0] == "S001C04")
    h = next(r for r in ts if r[0] == "编号")
    assert dict(zip(h[2:8], c04[2:8]))["未见效"] == 1 and dict(zip(h[2:8], c04[2:8]))["待验证"] == 1
    # warnings.csv and the json carry the item and its state
    with open(os.path.join(out, "2026-W40", "warnings.csv"), encoding="utf-8-sig") as f:
        w = list(csv.DictReader(f))
    x = next(r for r in w if r["unit_id"] == "S001C04" and r["indicator_id"] == "P3")
    assert x["item"] == "S001C04-P3-2026-W39" and x["item_state"] == "未见效"
    assert all(r["item"] == "" for r in w if r["unit_level"] != "community")
    j = run(["warnings", "--db", db, "--config", CONFIG, "--period", "2026-W40", "--format", "json"])
    assert j.returncode in (0, 4), j.stderr
    ws = json.loads(j.stdout)["warnings"]
    x = next(o for o in ws if o["unit_id"] == "S001C04" and o["indicator_id"] == "R4")
    assert x["item"] == "S001C04-R4-2026-W39" and x["item_state"] == "待验证"


def test_reingest_changes_nothing(loop):
    db = loop["db"]
    assert ingest(db, LEDGERS).returncode == 0
    con = sqlite3.connect(db)
    before = con.execute("SELECT * FROM ledger_entries ORDER BY item_id").fetchall()
    nfiles = con.execute("SELECT count(*) FROM files").fetchone()[0]
    con.close()
    r = ingest(db, LEDGERS)
    assert r.returncode == 0
    # a copy under another name: the same SHA-256
    cp = os.path.join(str(loop["dir"]), "copy.csv")
    shutil.copyfile(os.path.join(LEDGERS, "S001-东城街道-整改台账-已填.csv"), cp)
    assert ingest(db, "-v", cp).returncode == 0
    con = sqlite3.connect(db)
    assert con.execute("SELECT * FROM ledger_entries ORDER BY item_id").fetchall() == before
    assert con.execute("SELECT count(*) FROM files").fetchone()[0] == nfiles


def write_csv(path, rows, header=("编号", "整改措施", "责任人", "计划完成日期", "完成情况", "完成日期", "备注")):
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def test_bad_rows_rejected_with_their_cell(loop):
    db = loop["db"]
    p = os.path.join(str(loop["dir"]), "bad-整改台账.csv")
    write_csv(p, [
        ["S001C04-P8-2026-W37", "好的一行", "", "", "进行中", "", ""],
        ["S001C99-P1-2026-W01", "x", "", "", "进行中", "", ""],
        ["S001C04-P3-2026-W39", "x", "", "2026-02-30", "进行中", "", ""],
        ["S001C04-R4-2026-W39", "x", "", "", "做完了", "", ""],
        ["S002C01-P7-2026-W39", "x", "", "", "已完成", "下周", ""],
    ])
    r = ingest(db, p)
    assert r.returncode == 3, r.stderr
    assert "bad-整改台账.csv:3: column 编号 (A3): unknown 编号 'S001C99-P1-2026-W01'" in r.stderr
    assert "bad-整改台账.csv:4: column 计划完成日期 (D4): 计划完成日期 '2026-02-30' is not a date" in r.stderr
    assert "bad-整改台账.csv:5: column 完成情况 (E5): 完成情况 '做完了' is not one of 未开始, 进行中, 已完成" in r.stderr
    assert "bad-整改台账.csv:6: column 完成日期 (F6): 完成日期 '下周' is not a date" in r.stderr
    con = sqlite3.connect(db)
    assert con.execute("SELECT item_id, measures FROM ledger_entries").fetchall() == [("S001C04-P8-2026-W37", "好的一行")]
    assert con.execute("SELECT rows_read, rows_accepted, rows_rejected, kind FROM files WHERE name = ?",
                       ("bad-整改台账.csv",)).fetchone() == (5, 1, 4, "ledger")


def test_blank_cells_keep_and_later_file_replaces(loop):
    db = loop["db"]
    d = str(loop["dir"])
    write_csv(os.path.join(d, "a.csv"), [["S001C04-P8-2026-W37", "意见簿每日查看", "社工甲", "2026/10/9", "进行中", "", "先做"]])
    write_csv(os.path.join(d, "b.csv"), [["S001C04-P8-2026-W37", "", "", "", "已完成", "2026-10-02", ""]])
    assert ingest(db, os.path.join(d, "a.csv")).returncode == 0
    assert ingest(db, os.path.join(d, "b.csv")).returncode == 0
    con = sqlite3.connect(db)
    assert con.execute("SELECT measures, owner, planned, progress, done, note FROM ledger_entries").fetchall() == \
        [("意见簿每日查看", "社工甲", "2026-10-09", "已完成", "2026-10-02", "先做")]


def soffice():
    return shutil.which("soffice") or shutil.which("libreoffice")


def test_filled_in_with_a_spreadsheet(loop):
    """The W39 ledger filled in as a person does in a spreadsheet program
    (openpyxl: a text date, a date cell, blank cells, a value outside the
    drop-down), read back as .xlsx, and re-saved by LibreOffice (when
    present) as .xlsx, .xls and CSV: the same entries every time."""
    import datetime
    out, d = loop["out"], str(loop["dir"])
    src = ledger_path(out, "2026-W39", "S001-东城街道")
    wb = openpyxl.load_workbook(src)
    ws = wb["整改台账"]
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    r = rows["S001C04-P3-2026-W39"]
    ws.cell(r, 12).value = "补齐活动计划"
    ws.cell(r, 13).value = "社工站站长"
    ws.cell(r, 14).value = "2026/9/27"                        # typed as text
    ws.cell(r, 15).value = "已完成"
    ws.cell(r, 16).value = datetime.date(2026, 9, 27)         # a date cell (a number)
    ws.cell(r, 16).number_format = "yyyy-mm-dd"
    r = rows["S001C04-P8-2026-W37"]
    ws.cell(r, 15).value = "进行中"                           # the rest left blank
    bad = rows["S001C04-R4-2026-W39"]
    ws.cell(bad, 15).value = "搞定"                           # not one of the three
    filled = os.path.join(d, "filled.xlsx")
    wb.save(filled)
    files = [("openpyxl", filled)]
    so = soffice()
    if so:
        lo = os.path.join(d, "lo")
        os.mkdir(lo)
        for fmt, ext in (("xlsx", "xlsx"), ("xls:MS Excel 97", "xls"),
                         ("csv:Text - txt - csv (StarCalc):44,34,76", "csv")):
            p = subprocess.run([so, "--headless", "-env:UserInstallation=file://" + os.path.join(d, "lo-profile"),
                                "--convert-to", fmt, "--outdir", lo, filled], capture_output=True, timeout=180)
            assert p.returncode == 0, p.stderr
            files.append(("LibreOffice " + ext, os.path.join(lo, "filled." + ext)))
    for what, path in files:
        db = os.path.join(d, "db-%s.db" % what.replace(" ", "-"))
        shutil.copyfile(loop["db"], db)
        r = ingest(db, path)
        assert r.returncode == 3, (what, r.stderr)                 # the bad row only
        assert "(O%d): 完成情况 '搞定' is not one of 未开始, 进行中, 已完成" % bad in r.stderr, (what, r.stderr)
        con = sqlite3.connect(db)
        got = dict((row[0], row[1:]) for row in con.execute(
            "SELECT item_id, measures, owner, planned, progress, done FROM ledger_entries"))
        con.close()
        assert got["S001C04-P3-2026-W39"] == ("补齐活动计划", "社工站站长", "2026-09-27", "已完成", "2026-09-27"), what
        assert got["S001C04-P8-2026-W37"] == (None, None, None, "进行中", None), what
        assert len(got) == 2, what                                  # blank rows store nothing


def all_text(path):
    """Every string of an xlsx (shared strings and inline), for leak checks."""
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))


def test_personal_columns_added_by_a_clerk_do_not_leak(loop):
    db, out = loop["db"], loop["out"]
    r = ingest(db, LEDGERS)
    assert r.returncode == 0
    assert "ignoring 2 columns added to it: '联系人姓名', '联系电话'" in r.stderr
    report(db, out, "2026-W40")
    for root, _, files in os.walk(os.path.join(out, "2026-W40")):
        for n in files:
            p = os.path.join(root, n)
            if n.endswith(".xlsx"):
                t = all_text(p)
            elif n.endswith(".csv"):
                t = open(p, encoding="utf-8-sig").read()
            else:
                continue
            assert "欧阳明" not in t and "13800138000" not in t, p
    con = sqlite3.connect(db)
    dump = "\n".join(con.iterdump())
    assert "13800138000" not in dump
    # the name only in the resident registers (attendance names) - never in the ledger tables
    assert "欧阳明" not in "".join(str(x) for x in con.execute("SELECT * FROM ledger_entries").fetchall())


def test_migration_from_version_5(loop):
    db = loop["db"]
    con = sqlite3.connect(db)
    con.executescript("DROP TABLE ledger_items; DROP TABLE ledger_entries; PRAGMA user_version = 5;")
    con.close()
    r = run(["status", "--db", db])
    assert r.returncode == 0, r.stderr
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    names = {n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"ledger_items", "ledger_entries"} <= names


def test_rectification_days_from_the_config(loop, tmp_path):
    cfg = tmp_path / "indicators.ini"
    cfg.write_text(open(CONFIG, encoding="utf-8").read() + "\n[rectification]\ndays_red = 7\ndays_yellow = 21\n",
                   encoding="utf-8")
    out = str(tmp_path / "o")
    r = run(["report", "weekly", "--db", loop["db"], "--config", str(cfg), "--period", "2026-W39", "--out", out])
    assert r.returncode in (0, 4), r.stderr
    _, rows = ledger_rows(ledger_path(out, "2026-W39", "S001-东城街道"))
    assert rows["S001C04-P3-2026-W39"]["整改期限"] == "2026-10-04"     # 09-27 + 7 (red)
    _, rows = ledger_rows(ledger_path(out, "2026-W39", "S002-西湖街道"))
    assert rows["S002C03-P6-2026-W38"]["整改期限"] == "2026-10-11"     # 09-20 + 21 (yellow)
    bad = tmp_path / "bad.ini"
    bad.write_text(open(CONFIG, encoding="utf-8").read() + "\n[rectification]\ndays_red = 0\n", encoding="utf-8")
    r = run(["report", "weekly", "--db", loop["db"], "--config", str(bad), "--period", "2026-W39", "--out", out])
    assert r.returncode != 0 and "days_red = '0'" in r.stderr


def test_measures_and_the_on_time_indicator(loop):
    """X6 整改按期完成率 = items_closed_on_time / items_due over last:4w: the
    weekly items whose deadline falls in W37..W40 (2026-09-07 .. 2026-10-04),
    closed on or before it, as the weekly ledgers of W33..W40 show them (an
    item closed shows in the ledger of the week it closed: 已解除 on that
    week's last day, 已见效 on its 完成日期); X6 opens no item."""
    db, out = loop["db"], loop["out"]
    assert ingest(db, LEDGERS).returncode == 0
    weeks = ["2026-W%02d" % w for w in range(33, 41)]
    ends = {w: "2026-%s" % e for w, e in zip(weeks, ["08-16", "08-23", "08-30", "09-06", "09-13", "09-20",
                                                       "09-27", "10-04"])}
    last = {}
    for w in weeks:
        report(db, out, w)
        for st in ("S001-东城街道", "S002-西湖街道"):
            _, rows = ledger_rows(ledger_path(out, w, st))
            for i, r in rows.items():
                last[i] = (w, r)
    want = {}
    for i, (w, r) in last.items():
        assert "-X6-" not in i
        if not "2026-09-07" <= r["整改期限"] <= "2026-10-04":
            continue
        closed = ends[w] if r["状态"] == "已解除" else r["完成日期"] if r["状态"] == "已见效" else None
        cid = i.split("-")[0]
        due, ok = want.get(cid, (0, 0))
        want[cid] = (due + 1, ok + (closed is not None and closed <= r["整改期限"]))
    assert want, "no item due in the window"
    assert any(ok for _, ok in want.values()), "no item closed on time"
    r = run(["scorecard", "--db", db, "--config", CONFIG, "--period", "2026-W40", "--format", "csv"])
    assert r.returncode in (0, 4), r.stderr
    got = {row["unit_id"]: row["value"] for row in csv.DictReader(io.StringIO(r.stdout.lstrip("\ufeff")))
           if row["indicator_id"] == "X6" and row["unit_level"] == "community"}
    for cid, (due, ok) in want.items():
        assert abs(float(got[cid]) - ok / due) < 1e-6, (cid, got[cid], ok, due)
    # a community without an item due has no value (0 / 0)
    assert all(got[c] == "" for c in got if c not in want)


def _fresh(tmp_path, name, weeks, ledgers_after=None, ledgers=True):
    """The demo data in a new database, the ledgers ingested (after the
    report of ledgers_after, or first), then weekly reports of weeks."""
    db = str(tmp_path / (name + ".db"))
    out = str(tmp_path / (name + "-out"))
    r = run(["ingest", "-q", "--db", db, DEMO])
    assert r.returncode in (0, 3), r.stderr
    if ledgers and ledgers_after is None:
        assert ingest(db, LEDGERS).returncode == 0
    for w in weeks:
        report(db, out, w)
        if w == ledgers_after:
            assert ingest(db, LEDGERS).returncode == 0
    return db, out


def _warnings_csv(out, week):
    with open(os.path.join(out, week, "warnings.csv"), encoding="utf-8-sig") as f:
        return f.read()


def test_a_report_does_not_depend_on_earlier_reports(tmp_path):
    """W40 on a new database gives the same items, states and X6 values as
    W40 after the W38 and W39 reports (ledger.md: recomputable from the data
    and the stored entries)."""
    db1, out1 = _fresh(tmp_path, "alone", ["2026-W40"])
    db2, out2 = _fresh(tmp_path, "after", ["2026-W38", "2026-W39", "2026-W40"], ledgers_after="2026-W39")
    assert _warnings_csv(out1, "2026-W40") == _warnings_csv(out2, "2026-W40")
    for wb in ("all.xlsx", "S001-东城街道.xlsx", "S002-西湖街道.xlsx"):
        assert tracking(os.path.join(out1, "2026-W40", wb)) == tracking(os.path.join(out2, "2026-W40", wb)), wb
    for st in ("S001-东城街道", "S002-西湖街道"):
        assert ledger_rows(ledger_path(out1, "2026-W40", st)) == ledger_rows(ledger_path(out2, "2026-W40", st))
    # scorecard and warnings without any report show what they show after reports
    for args in (["scorecard", "--format", "csv"], ["warnings", "--format", "json"]):
        a = run([args[0], "--db", db1, "--config", CONFIG, "--period", "2026-W40"] + args[1:])
        assert a.returncode in (0, 4), a.stderr
        db3, _ = _fresh(tmp_path, "none-" + args[0], [])
        b = run([args[0], "--db", db3, "--config", CONFIG, "--period", "2026-W40"] + args[1:])
        assert b.returncode == a.returncode and b.stdout == a.stdout, args[0]
        c = run([args[0], "--db", db2, "--config", CONFIG, "--period", "2026-W40"] + args[1:])
        assert c.stdout == a.stdout, args[0]
    ws = json.loads(b.stdout)["warnings"]
    assert any(o.get("item") for o in ws)


def test_a_long_run_keeps_the_id_of_its_first_week(tmp_path):
    """A run longer than the twelve weeks of a report's history is named by
    its first week, found by looking further back (W40's history begins with
    W29): the same 编号 as in the report of a week whose history holds it."""
    _, out40 = _fresh(tmp_path, "long40", ["2026-W40"], ledgers=False)
    _, out34 = _fresh(tmp_path, "long34", ["2026-W34"], ledgers=False)
    _, w34 = ledger_rows(ledger_path(out34, "2026-W34", "S001-东城街道"))
    _, w40 = ledger_rows(ledger_path(out40, "2026-W40", "S001-东城街道"))
    long = [i for i in w40 if i.rsplit("-", 1)[1] < "W29"]
    assert long, "no run longer than twelve weeks in the demo"
    for i in long:
        assert i in w34, i
        assert w40[i]["首次预警"] == w34[i]["首次预警"] == i.split("-", 2)[2]
        assert w40[i]["整改期限"] == w34[i]["整改期限"], i


def test_make_demo_shows_every_state(tmp_path):
    """make demo (scripts/demo.sh): its W40 all.xlsx 整改跟踪 counts every
    state at least once."""
    root = tmp_path / "repo"
    (root / "scripts").mkdir(parents=True)
    shutil.copy(os.path.join(ROOT, "scripts", "demo.sh"), root / "scripts" / "demo.sh")
    os.symlink(os.path.join(ROOT, "fixtures"), root / "fixtures")
    os.symlink(CONFIG, root / "indicators.ini")
    bindir = os.path.dirname(os.environ.get("CARECARD_BIN", os.path.join(ROOT, "build", "carecard")))
    r = subprocess.run(["sh", str(root / "scripts" / "demo.sh"), bindir], capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stderr
    t = tracking(str(root / "reports" / "demo" / "2026-W40" / "all.xlsx"))
    hdr = next(r for r in t if r[0] == "编号")
    total = next(r for r in t if r[1] == "合计")
    counts = dict(zip(hdr[2:8], total[2:8]))
    assert all(counts[s] >= 1 for s in ["整改中", "逾期", "待验证", "已见效", "未见效", "已解除"]), counts
