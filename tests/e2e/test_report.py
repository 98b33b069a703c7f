"""carecard report: files, sheets, values worked by hand (fixtures/test/report/README.md),
warnings.csv, masking, determinism, failures (unwritable --out, escaping names) and
exit code 4."""
import csv
import datetime
import glob
import io
import json
import os
import shutil
import stat

import openpyxl
import pytest

from conftest import ROOT, report_fixture_db, report_run, run

FIX = os.path.join(ROOT, "fixtures", "test", "report")
CONFIG = os.path.join(ROOT, "indicators.ini")
RED, YELLOW, BLUE, MET, GREY = "FFD9383A", "FFF2B134", "FF3A78D9", "FF4CA36B", "FFB0B0B0"
S01 = "S01-东城街道.xlsx"
S02 = "S02-___西湖_街道.xlsx"       # street name ../西湖/街道 made safe


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return report_fixture_db(tmp_path_factory.mktemp("rdb"))


report = report_run


@pytest.fixture(scope="module")
def weekly(db, tmp_path_factory):
    out = tmp_path_factory.mktemp("weekly")
    r = report(db, out, "weekly", "--period", "2026-W47")
    return out, r


def rows_of(ws, min_row=2):
    return [[c.value for c in r] for r in ws.iter_rows(min_row=min_row)]


def detail_row(ws, unit, ind):
    for r in ws.iter_rows(min_row=2):
        if r[4].value == unit and r[1].value == ind:
            return r
    raise AssertionError(f"no row {unit} {ind}")


def test_exit_4_names_the_silent_community(weekly):
    out, r = weekly
    assert r.returncode == 4, r.stderr
    lines = [l for l in r.stderr.splitlines() if l]
    assert len(lines) == 1
    assert lines[0].startswith("carecard:") and "L02" in lines[0] and "锦华社区" in lines[0]
    assert "L01" not in lines[0] and "M01" not in lines[0]
    assert r.stdout == ""


def test_files_of_a_full_run(weekly):
    out, _ = weekly
    d = out / "2026-W47"
    names = sorted(os.listdir(d))
    briefs = [f"{s}-简报.{e}" for s in ("S01-东城街道", "S02-___西湖_街道", "all") for e in ("pdf", "png")]
    assert names == sorted([S01, S02, "all.xlsx", "warnings.csv", "charts", "整改台账"] + briefs)
    assert sorted(os.listdir(d / "整改台账")) == ["S01-东城街道-整改台账.xlsx", "S02-___西湖_街道-整改台账.xlsx"]
    charts = sorted(os.listdir(d / "charts"))
    expect = sorted(f"{s}-{c}.png" for s in ("S01-东城街道", "S02-___西湖_街道", "all")
                    for c in ("bars", "heatmap", "radar", "trend"))
    assert charts == expect
    for c in charts:
        with open(d / "charts" / c, "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    # nothing escaped --out, no temporary files left
    assert not glob.glob(str(out / "*.xlsx")) and not glob.glob(str(out.parent / "西湖*"))
    assert not [p for p in glob.glob(str(out / "**" / "*"), recursive=True) if ".tmp." in p]


def test_sheets_title_and_freshness(weekly):
    out, _ = weekly
    wb = openpyxl.load_workbook(out / "2026-W47" / S01)
    assert wb.sheetnames == ["总览", "指标明细", "预警清单", "趋势", "数据质量", "整改跟踪", "指标说明"]
    # created = the period's last day, 00:00 UTC (never the clock)
    assert wb.properties.created.replace(tzinfo=None) == datetime.datetime(2026, 11, 22)
    ws = wb["总览"]
    assert ws["A1"].value == "东城街道社区育儿服务周报 2026年第47周（11月16日—11月22日）"
    assert ws["A2"].value.startswith("数据截至最近一次导入 20")
    assert ws["A2"].value.endswith("已报送社区 1/2")
    assert ws.freeze_panes == "D5"
    assert ws.auto_filter.ref.startswith("A4:")
    # neither community is ranked: L01's values cover 34 % of the scorecard's
    # weight (< min_coverage 0.6) and L02 did not report; the reason stands in
    # place of the rank, and there is no total or grade
    assert [ws["A5"].value, ws["A6"].value] == ["覆盖不足", "未报"]
    assert [ws["B5"].value, ws["B6"].value] == ["L01", "L02"]
    assert ws["D5"].value is None and ws["E5"].value is None and ws["D6"].value is None
    assert ws["J5"].value == pytest.approx(0.34375)     # 覆盖率
    assert ws["B8"].value == "S01" and ws["C8"].value == "东城街道（合计）"
    assert ws["B9"].value == "all"
    assert len(ws._images) >= 2          # bars, radar, heat map embedded


def test_values_worked_by_hand(weekly):
    out, _ = weekly
    ws = openpyxl.load_workbook(out / "2026-W47" / S01)["指标明细"]
    r = detail_row(ws, "L01", "P4")
    assert r[6].value == pytest.approx(35 / 48) and r[7].value == 35 and r[8].value == 48
    assert r[6].number_format == "0.0%"
    assert r[9].value == 0.85
    assert r[11].value == "黄" and r[11].fill.fgColor.rgb == YELLOW
    # yellow: score = 60 + 20 * (0.72917 - 0.70) / (0.80 - 0.70)
    assert r[10].value == pytest.approx(60 + 20 * (35 / 48 - 0.70) / 0.10)
    s = detail_row(ws, "S01", "P4")
    assert s[6].value == pytest.approx(35 / 48) and s[11].value == "黄"
    x5 = detail_row(ws, "L02", "X5")
    assert x5[11].value == "未报【专】" and x5[11].fill.fgColor.rgb == RED     # 2 weeks: 专项整治
    assert "锦华社区 本周未报送活动台账" in x5[11].comment.text
    p4 = detail_row(ws, "L02", "P4")
    assert p4[11].value == "无数据" and p4[11].fill.fgColor.rgb == GREY and p4[6].value is None
    c4 = detail_row(ws, "L01", "C4")
    assert c4[6].value == pytest.approx(4.0)


def test_red_cell_comment(db, weekly):
    out, _ = weekly
    ws = openpyxl.load_workbook(out / "2026-W47" / S02)["指标明细"]
    r = detail_row(ws, "M01", "P4")
    assert r[6].value == pytest.approx(0.6) and r[11].value == "红"
    assert r[11].fill.fgColor.rgb == RED
    assert r[11].comment.text.startswith("活动出勤率 60.0% (12/20) < 目标 85.0%")


def test_warnings_sheet_red_first(weekly):
    out, _ = weekly
    ws = openpyxl.load_workbook(out / "2026-W47" / S01)["预警清单"]
    rows = [r for r in rows_of(ws) if r[1] is not None]        # not the legend below
    order = {"红": 0, "未报": 0, "黄": 1, "蓝": 2}
    levels = [(r[5] or "").replace("【专】", "") for r in rows]
    fills = [ws.cell(row=i + 2, column=6).fill.fgColor.rgb for i in range(len(rows))]
    rank = [0 if f == RED else 1 if f == YELLOW else 2 if f == BLUE else 3 for f in fills]
    assert rank == sorted(rank) and rank[0] == 0
    assert all(l in order or l == "达标" or l in ("无数据", "样本不足") for l in levels)
    l02 = [r for r in rows if r[1] == "L02" and r[3] == "X5"][0]
    assert l02[10] == "专项整治" and l02[8] >= 2
    l01 = [r for r in rows if r[1] == "L01" and r[3] == "P4"][0]
    assert l01[5] == "黄" and l01[10] == "限期整改"
    assert ws.freeze_panes == "D2" and ws.auto_filter.ref.startswith("A1:L")


def test_formula_text_stays_text(weekly):
    out, _ = weekly
    wb = openpyxl.load_workbook(out / "2026-W47" / S02)
    ws = wb["总览"]
    c = ws["C5"]
    assert c.value == '=HYPERLINK("http://x","y")' and c.data_type == "s"
    # warnings.csv prefixes it with '
    with open(out / "2026-W47" / "warnings.csv", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    names = {r[3] for r in rows[1:] if r[2] == "M01"}
    assert names == {"'=HYPERLINK(\"http://x\",\"y\")"}


def test_warnings_csv(weekly):
    out, _ = weekly
    raw = open(out / "2026-W47" / "warnings.csv", "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["period", "unit_level", "unit_id", "unit_name", "indicator_id",
                       "indicator_name", "status", "value", "target", "run", "rectify",
                       "change", "explanation", "item", "item_state"]
    body = rows[1:]
    assert all(r[0] == "2026-W47" for r in body)
    sev = {"red": 0, "not_reported": None, "yellow": 1, "blue": 2}
    # not_reported carries its own colour (red here: L02 never reported)
    ranks = [(0 if r[10] == "true" else 1) if r[6] == "not_reported" else sev[r[6]] for r in body]
    assert {r[10] for r in body} <= {"true", "false"}
    assert ranks == sorted(ranks)
    m01 = [r for r in body if r[2] == "M01" and r[4] == "P4"][0]
    assert m01[6] == "red" and float(m01[7]) == 0.6 and float(m01[8]) == 0.85
    l01 = [r for r in body if r[2] == "L01" and r[4] == "P4"][0]
    assert l01[6] == "yellow" and l01[7] == "0.729167"       # 35/48, 6 decimals in CSV
    assert {r[1] for r in body} <= {"community", "street", "area"}


def test_against_engine_json(db, weekly):
    out, _ = weekly
    r = run(["scorecard", "--db", db, "--config", CONFIG, "--period", "2026-W47",
             "--street", "S01", "--format", "json"])
    data = json.loads(r.stdout)
    ws = openpyxl.load_workbook(out / "2026-W47" / S01)["指标明细"]
    zh = {"met": "达标", "blue": "蓝", "yellow": "黄", "red": "红", "missing": "无数据",
          "insufficient": "样本不足", "not_reported": "未报"}
    colour = {"met": MET, "blue": BLUE, "yellow": YELLOW, "red": RED, "grey": GREY}
    checked = 0
    for unit in data["units"]:
        if unit["id"] not in ("L01", "L02"):
            continue
        for ind in unit["indicators"]:
            row = detail_row(ws, unit["id"], ind["id"])
            if ind["value"] is None:
                assert row[6].value is None
            else:
                assert row[6].value == pytest.approx(ind["value"], rel=1e-12)
            mark = "【专】" if ind["rectify"] and ind["status"] in ("blue", "yellow", "red", "not_reported") else ""
            assert row[11].value == zh[ind["status"]] + mark
            assert row[11].fill.fgColor.rgb == colour[ind["level"]]
            assert row[13].value == ind["run"]
            checked += 1
    assert checked >= 2 * 20


def test_deterministic(db, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert report(db, a, "weekly", "--period", "2026-W47").returncode == 4
    # one worker instead of two: the same bytes
    assert report(db, b, "weekly", "--period", "2026-W47", "--jobs", "1").returncode == 4
    fa = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    fb = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    # 3 workbooks, 12 charts, warnings.csv, 3 briefs (pdf + png), 2 ledgers
    assert fa == fb and len(fa) == 24
    for p in fa:
        assert (a / p).read_bytes() == (b / p).read_bytes(), p


def test_stamp_adds_a_line(db, tmp_path):
    r = report(db, tmp_path, "weekly", "--period", "2026-W47", "--street", "S01", "--stamp")
    assert r.returncode == 4
    ws = openpyxl.load_workbook(tmp_path / "2026-W47" / S01)["总览"]
    assert ws["A3"].value.startswith("生成时间 20")


def test_unwritable_out_keeps_existing_report(db, tmp_path):
    out = tmp_path / "out"
    assert report(db, out, "weekly", "--period", "2026-W47").returncode == 4
    book = out / "2026-W47" / S01
    before = book.read_bytes()
    # make the charts directory a file: every chart write fails
    shutil.rmtree(out / "2026-W47" / "charts")
    (out / "2026-W47" / "charts").write_text("not a directory")
    r = report(db, out, "weekly", "--period", "2026-W47")
    assert r.returncode == 1
    assert r.stderr.startswith("carecard:")
    assert book.read_bytes() == before
    assert not [p for p in out.rglob("*") if ".tmp." in p.name]


def test_out_is_a_file(db, tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    r = report(db, f, "weekly", "--period", "2026-W47")
    assert r.returncode == 1 and "carecard:" in r.stderr
    assert f.read_text() == "x"


def test_community_run(db, tmp_path):
    r = report(db, tmp_path, "weekly", "--period", "2026-W47", "--community", "L01")
    assert r.returncode == 0, r.stderr
    d = tmp_path / "2026-W47"
    assert sorted(os.listdir(d)) == ["L01-凉水井社区.xlsx", "charts"]
    assert sorted(os.listdir(d / "charts")) == ["L01-凉水井社区-radar.png", "L01-凉水井社区-trend.png"]
    wb = openpyxl.load_workbook(d / "L01-凉水井社区.xlsx")
    assert wb["总览"]["A1"].value.startswith("凉水井社区社区育儿服务周报 2026年第47周")
    units = {r[4] for r in rows_of(wb["指标明细"])}
    assert units == {"L01", "S01", "all"}


def test_street_run_without_area(db, tmp_path):
    r = report(db, tmp_path, "weekly", "--period", "2026-W47", "--street", "S02")
    assert r.returncode == 0, r.stderr          # M01 reported; L02 is not in scope
    assert sorted(os.listdir(tmp_path / "2026-W47")) == [S02, "charts"]


def test_quarterly_special_children_masked(db, tmp_path):
    r = report(db, tmp_path, "quarterly", "--period", "2026-Q4", "--street", "S01")
    assert r.returncode == 4, r.stderr
    path = tmp_path / "2026-Q4" / S01
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["总览", "指标明细", "预警清单", "季度趋势", "满意度与KANO", "数字包容",
                             "资源缺口", "未覆盖困境儿童", "数据质量", "整改跟踪", "指标说明"]
    assert wb["总览"]["A1"].value == "东城街道社区育儿服务季报 2026年第4季度（10月1日—12月31日）"
    sp = rows_of(wb["未覆盖困境儿童"], min_row=3)
    assert sp == [["L01", "凉水井社区", "C9", "欧阳**", "2026-09-10"]]
    # 季度趋势: ISO weeks whose Thursday lies in Q4 2026: W40 .. W53
    hdr = [c.value for c in wb["季度趋势"][1]][4:]
    assert hdr == [f"2026-W{w}" for w in range(40, 54)]
    res = rows_of(wb["资源缺口"], min_row=3)
    l01 = [r for r in res if r[0] == "L01"][0]
    assert l01[2] == 300 and l01[3] == 40 and l01[4] == pytest.approx(4.0)
    assert l01[6] == pytest.approx(90) and l01[7] == pytest.approx(50)
    assert l01[8] == pytest.approx(0.75) and l01[10] == pytest.approx(0.10)
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644 & ~mask


def test_quarterly_personal(db, tmp_path):
    r = report(db, tmp_path, "quarterly", "--period", "2026-Q4", "--street", "S01", "--personal")
    assert r.returncode == 4, r.stderr
    path = tmp_path / "2026-Q4" / S01
    sp = rows_of(openpyxl.load_workbook(path)["未覆盖困境儿童"], min_row=3)
    assert sp[0][3] == "欧阳娜娜"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_monthly_sheets(db, tmp_path):
    r = report(db, tmp_path, "monthly", "--period", "2026-11", "--street", "S01")
    assert r.returncode == 4, r.stderr
    wb = openpyxl.load_workbook(tmp_path / "2026-11" / S01)
    assert wb.sheetnames == ["总览", "指标明细", "预警清单", "趋势", "资源缺口", "数据质量", "整改跟踪", "指标说明"]
    assert wb["总览"]["A1"].value == "东城街道社区育儿服务月报 2026年11月（11月1日—11月30日）"
    # weeks whose Thursday is in November 2026: W45 .. W48 (Thu 5, 12, 19, 26)
    assert [c.value for c in wb["趋势"][1]][4:] == ["2026-W45", "2026-W46", "2026-W47", "2026-W48"]
    # the W47 column holds the weekly values: L01 P4 = 35/48; no activities in W45, W46, W48
    p4 = [r for r in rows_of(wb["趋势"]) if r[0] == "P4" and r[3] == "凉水井社区"][0]
    assert p4[4:8] == [None, None, pytest.approx(35 / 48), None]
    ws = wb["资源缺口"]
    levels = [c.value for c in ws[3]]
    assert levels[5] in ("红", "黄", "蓝", "达标")


def test_english_labels(db, tmp_path):
    r = report(db, tmp_path, "weekly", "--period", "2026-W47", "--street", "S01", "--lang", "en")
    assert r.returncode == 4
    wb = openpyxl.load_workbook(tmp_path / "2026-W47" / S01)
    assert wb.sheetnames == ["Overview", "Indicators", "Warnings", "Trends", "Data quality",
                             "Rectification", "Definitions"]


def test_usage_errors(db, tmp_path):
    assert report(db, tmp_path, "yearly").returncode == 2
    assert report(db, tmp_path, "weekly", "--period", "2026-11").returncode == 2
    assert report(db, tmp_path, "weekly", "--lang", "fr").returncode == 2
    assert report(db, tmp_path).returncode == 2
    assert not os.listdir(tmp_path)


def test_scorecard_xlsx(db, tmp_path):
    out = tmp_path / "sc.xlsx"
    r = run(["scorecard", "--db", db, "--config", CONFIG, "--period", "2026-W47", "--street", "S01",
             "--format", "xlsx", "--out", out])
    assert r.returncode in (0, 4), r.stderr
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["总览", "指标明细", "预警清单", "指标说明"]
    ws = wb["总览"]
    assert ws["A1"].value == "东城街道社区育儿服务评估 2026年第47周（11月16日—11月22日）"
    ids = [ws.cell(row=k, column=3).value for k in range(5, ws.max_row + 1)]
    assert ids[:3] == ["L01", "L02", "S01"]
    r = detail_row(wb["指标明细"], "L01", "P4")
    assert r[6].value == pytest.approx(35 / 48) and r[11].value == "黄"


def test_data_quality_sheet(tmp_path):
    db = str(tmp_path / "q.db")
    files = [os.path.join(FIX, f) for f in ("communities.csv", "activities.csv", "attendance.csv",
                                            "activities-bad.csv")]
    r = run(["ingest", "--db", db, "--rejects", str(tmp_path)] + files)
    assert r.returncode == 3, r.stderr          # one row rejected
    r = report(db, tmp_path / "out", "weekly", "--period", "2026-W47", "--street", "S01")
    assert r.returncode == 4, r.stderr
    ws = openpyxl.load_workbook(tmp_path / "out" / "2026-W47" / S01)["数据质量"]
    rows = {}
    for r in rows_of(ws):
        if r[0] in ("L01", "L02"):
            rows.setdefault(r[0], r[2:9])       # the first table; the list comes later
    assert rows["L01"] == [3, 3, 0, 1, 1, 0, 1]
    assert rows["L02"] == [0, 0, 0, 0, 0, 1, 1]
    listed = [r for r in rows_of(ws) if r[0] == "L01" and r[1] == "activities-bad.csv"]
    assert len(listed) == 1 and listed[0][2] == 3 and listed[0][3] == "2026-11-20"
    assert "1.5" in listed[0][4]


def test_quarterly_kano_and_digital_inclusion(db, tmp_path):
    r = report(db, tmp_path, "quarterly", "--period", "2026-Q4", "--street", "S01")
    assert r.returncode == 4, r.stderr
    wb = openpyxl.load_workbook(tmp_path / "2026-Q4" / S01)
    k = rows_of(wb["满意度与KANO"])
    flex = [r for r in k if r[0] == "flex_hours"][0]
    assert flex[1:8] == ["延时托管", 1, 1, 2, 1, 0, 0]
    assert flex[8] == "M 必备" and flex[9] == pytest.approx(0.4) and flex[10] == pytest.approx(-0.6)
    assert flex[11] == 1
    sat = [r for r in k if r[0] == "parent_sat" and r[2] == "全部"][0]
    assert sat[3] == 5 and sat[4] == pytest.approx(4.2) and sat[5] == pytest.approx(0.8)
    d = rows_of(wb["数字包容"])
    by_role = {r[2]: r for r in d if r[0] == "digital_skill"}
    assert by_role["全部"][3] == 5 and by_role["全部"][4] == pytest.approx(0.6)
    assert by_role["全部"][5] == "X4" and by_role["全部"][6] == "达标"
    assert by_role["祖辈"][3] == 3 and by_role["祖辈"][4] == pytest.approx(1 / 3)
    assert by_role["祖辈"][6] == "蓝"
    assert by_role["家长"][4] == 1 and by_role["家长"][6] == "达标"
    assert os.path.exists(tmp_path / "2026-Q4" / "charts" / "S01-东城街道-kano.png")


def test_unreadable_answer_in_data_quality(db, tmp_path):
    r = report(db, tmp_path, "quarterly", "--period", "2026-Q4", "--street", "S02")
    assert r.returncode == 0, r.stderr
    ws = openpyxl.load_workbook(tmp_path / "2026-Q4" / S02)["数据质量"]
    rows = rows_of(ws)
    unread = [r for r in rows if r[0] == "parent_sat"]
    assert unread and unread[0][1] == "您对社区育儿服务的总体满意度" and unread[0][2] == 1
    m01 = [r for r in rows if r[0] == "M01"][0]
    assert m01[4] == 1          # one survey response


def test_unknown_street_or_community(db, tmp_path):
    r = report(db, tmp_path / "o", "weekly", "--period", "2026-W47", "--street", "S99")
    assert r.returncode == 1
    assert r.stderr == "carecard: report 2026-W47: unknown street 'S99' (not in the register on 2026-11-22)\n"
    r = report(db, tmp_path / "o", "weekly", "--period", "2026-W47", "--community", "../L01")
    assert r.returncode == 1 and "unknown community '../L01'" in r.stderr
    assert not os.path.exists(tmp_path / "o")


def test_audit_record(db, weekly):
    import sqlite3
    con = sqlite3.connect(db)
    rows = con.execute("SELECT status, level, run, rectify FROM warning_log WHERE period_id = '2026-W47'"
                       " AND unit_level = 'community' AND unit_id = 'L01' AND indicator_id = 'P4'").fetchall()
    assert rows == [("yellow", "yellow", 1, 0)]
    x5 = con.execute("SELECT status, rectify FROM warning_log WHERE period_id = '2026-W47'"
                     " AND unit_id = 'L02' AND indicator_id = 'X5'").fetchall()
    assert x5 == [("not_reported", 1)]
    con.close()


def test_overview_top_movers_match_attribution(tmp_path):
    """总览's 主要变动 column is the json attribution's top three movers."""
    db = str(tmp_path / "demo.db")
    r = run(["ingest", "-q", "--db", db, "--rejects", str(tmp_path), os.path.join(ROOT, "fixtures", "demo")])
    assert r.returncode in (0, 3), r.stderr
    r = report(db, tmp_path / "out", "weekly", "--period", "2026-W40", "--street", "S001")
    assert r.returncode in (0, 4), r.stderr
    r = run(["scorecard", "--db", db, "--config", CONFIG, "--period", "2026-W40", "--format", "json"])
    assert r.returncode in (0, 4), r.stderr
    top = {u["id"]: u["attribution"]["top"] for u in json.loads(r.stdout)["units"]}
    ws = openpyxl.load_workbook(tmp_path / "out" / "2026-W40" / "S001-东城街道.xlsx")["总览"]
    head = [c.value for c in ws[4]]
    col = head.index("主要变动")
    idcol = head.index("编号")
    seen = 0
    for row in ws.iter_rows(min_row=5, values_only=True):
        if row[idcol] in top and row[idcol].startswith("S001C"):
            assert (row[col] or "") == (top[row[idcol]] or ""), row
            seen += 1 if row[col] else 0
    assert seen >= 3
