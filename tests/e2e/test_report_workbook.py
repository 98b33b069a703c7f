"""The workbook layout, read back with openpyxl, for a scorecard built by hand
(tests/unit/workbook_test.c --write DIR): sheet names and order, title, level
colours and comments, number formats, frozen panes, autofilter, print set-up,
text that looks like a formula, masked names and file mode."""
import os
import stat
import subprocess

import openpyxl
import pytest

from conftest import BIN

WRITER = os.path.join(os.path.dirname(BIN), "tests", "workbook_test")

RED, YELLOW, BLUE, MET, GREY = "FFD9383A", "FFF2B134", "FF3A78D9", "FF4CA36B", "FFB0B0B0"
# grades have their own palette (docs/charts.md), shared with the charts
G_EXC, G_GOOD, G_PASS, G_FAIL = "FF2E7D4F", "FF7CBF6E", "FFF2B134", "FFD9383A"


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    assert os.path.exists(WRITER), "unit test binaries not built (make unit)"
    d = tmp_path_factory.mktemp("wb")
    subprocess.run([WRITER, "--write", str(d)], check=True)
    return d


def load(books, name):
    return openpyxl.load_workbook(os.path.join(books, name))


def test_weekly_sheets_and_title(books):
    wb = load(books, "weekly.xlsx")
    assert wb.sheetnames == ["总览", "指标明细", "预警清单", "趋势", "数据质量", "指标说明"]
    ws = wb["总览"]
    assert ws["A1"].value == "东城街道社区育儿服务周报 2026年第47周（11月16日—11月22日）"
    assert ws["A2"].value == "数据截至最近一次导入 2026-11-23T07:00:00Z；已报送社区 1/2"
    assert [c.value for c in ws[4]][:5] == ["排名", "编号", "社区", "总分", "等级"]
    # rank order: L02 (rank 1) then L01
    assert ws["B5"].value == "L02" and ws["A5"].value == 1
    assert ws["B6"].value == "L01" and ws["D6"].value == 68.75
    assert ws["E6"].value == "合格" and ws["E6"].fill.fgColor.rgb == G_PASS
    assert ws["E5"].value == "优秀" and ws["E5"].fill.fgColor.rgb == G_EXC
    # 专项整治 counted (L01's P4), then 较上周: a number shown with arrows
    assert ws["L4"].value == "专项整治" and ws["L6"].value == 1 and ws["L5"].value == 0
    assert ws["M6"].value == 3.25
    assert "↑" in ws["M6"].number_format and "↓" in ws["M6"].number_format
    assert ws.freeze_panes == "D5"
    assert ws["N4"].value == "主要变动"
    assert ws.auto_filter.ref == "A4:N6"
    # below the table: who is ranked, and the legend of the 专项整治 mark
    notes = [ws.cell(row=r, column=1).value or "" for r in range(7, 14)]
    assert any(n.startswith("图例：") and "【专】" in n for n in notes)


def test_print_setup_every_sheet(books):
    wb = load(books, "quarterly.xlsx")
    for ws in wb:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.paperSize in (9, "9"), ws.title
        # a fixed print scale of 70-100 % (body text >= 7.7 pt), never fit-to-page
        assert 70 <= int(ws.page_setup.scale or 100) <= 100, ws.title
        assert not ws.sheet_properties.pageSetUpPr or not ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows, ws.title
        assert ws.freeze_panes, ws.title


def test_detail_levels_comments_formats(books):
    ws = load(books, "weekly.xlsx")["指标明细"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    # the block of P4: street, area, then communities in rank order
    assert [r[4] for r in rows[:4]] == ["S01", "all", "L02", "L01"]
    l01 = rows[3]
    assert l01[1] == "P4" and l01[6] == 0.625 and l01[7] == 25 and l01[8] == 40
    # 专项整治: the band's colour, the 【专】 mark and a thick border (greyscale)
    assert l01[9] == 0.85 and l01[10] == 37.5 and l01[11] == "红【专】" and l01[13] == 2
    cell = ws.cell(row=5, column=12)
    assert cell.fill.fgColor.rgb == RED and cell.border.left.style == "thick" and cell.font.b
    assert cell.comment.text == "活动出勤率 62.5% (25/40) < 目标 85.0%，连续 2 周未达标 → 专项整治"
    assert ws.cell(row=5, column=7).number_format == "0.0%"
    # missing value of a community that did not report: grey 无数据 with the reason
    grey = ws.cell(row=4, column=12)
    assert grey.value == "无数据" and grey.fill.fgColor.rgb == GREY and grey.comment.text == "未报"
    assert ws.cell(row=4, column=7).value is None
    blue = ws.cell(row=8, column=12)
    assert blue.value == "蓝" and blue.fill.fgColor.rgb == BLUE
    assert ws.freeze_panes == "D2" and ws.auto_filter.ref == "A1:N13"   # 3 indicators x 4 units


def test_warnings_red_first_with_actions(books):
    ws = load(books, "weekly.xlsx")["预警清单"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert rows[-2] == [None] * 12 and rows[-1][0].startswith("图例：")    # the legend below
    rows = rows[:-2]
    levels = [r[5] for r in rows]
    assert levels == ["红【专】", "红", "红", "未报", "黄", "黄", "蓝", "达标", "达标"]
    assert ws.cell(row=2, column=6).fill.fgColor.rgb == RED           # the band's colour kept
    assert ws.cell(row=2, column=11).border.left.style == "thick"     # 处置 专项整治 marked too
    assert rows[0][1] == "L01" and rows[0][10] == "专项整治"
    assert rows[1][1] == "S01" and rows[1][10] == "限期整改"
    assert rows[3][1] == "L02" and rows[3][10] == "督促报送" and rows[3][9] == "新增"
    assert rows[6][10] == "关注" and rows[6][9] == "持续"
    assert rows[7][9] == "已解除" and rows[7][10] is None
    assert ws.cell(row=5, column=6).fill.fgColor.rgb == YELLOW   # 未报 coloured by its level


def test_formula_text_stays_text(books):
    wb = load(books, "weekly.xlsx")
    ws = wb["总览"]
    c = ws["C5"]
    assert c.value == '=HYPERLINK("http://x")' and c.data_type == "s"
    w = wb["预警清单"].cell(row=5, column=12)
    assert w.value.startswith("=HYPERLINK") and w.data_type == "s"


def test_trend_sheet_and_native_chart(books):
    wb = load(books, "weekly.xlsx")
    ws = wb["趋势"]
    header = [c.value for c in ws[1]]
    assert header[4] == "2026-W36" and header[15] == "2026-W47"
    assert ws["P2"].value == 0.625 and ws["E2"].value == pytest.approx(0.515)
    assert ws["P2"].number_format == "0.0%"
    assert len(ws._charts) == 1


def test_quarterly_sheets(books):
    wb = load(books, "quarterly.xlsx")
    assert wb.sheetnames == ["总览", "指标明细", "预警清单", "季度趋势", "满意度与KANO", "数字包容",
                             "资源缺口", "未覆盖困境儿童", "数据质量", "指标说明"]
    assert wb["总览"]["A1"].value == "东城街道社区育儿服务季报 2026年第4季度（10月1日—12月31日）"
    k = wb["满意度与KANO"]
    assert [c.value for c in k[2]][:9] == ["flex_hours", "延时托管", 12, 30, 41, 9, 1, 2, "M 必备"]
    d = wb["数字包容"]
    rows = [[c.value for c in r] for r in d.iter_rows(min_row=2)]
    # the item is tied to X5 in the hand-made catalog (target 1.0, yellow 0.9,
    # red 0.8): all roles 8/12 = 66.7%, grandparents 7/10 = 70%, both red
    assert rows[0][2] == "全部" and rows[0][3] == 12 and rows[0][4] == pytest.approx(8 / 12)
    assert rows[1][2] == "祖辈" and rows[1][4] == pytest.approx(0.7) and rows[1][6] == "红"
    assert rows[0][5] == "X5" and rows[0][6] == "红"
    r = wb["资源缺口"]
    row = [c.value for c in r[3]]      # first community: L02 (5000 people, 100 children, 21 places)
    assert row[0] == "L02" and row[2] == 100 and row[3] == 21
    assert row[4] == pytest.approx(4.2) and row[5] == "蓝"
    assert row[6] == pytest.approx(30) and row[7] == pytest.approx(9)
    # the hand-made catalog has no X1/X2: shares without levels
    assert row[8] == pytest.approx(10 / 21) and row[9] is None
    assert row[10] == pytest.approx(0.2) and row[11] is None
    assert r.cell(row=3, column=9).number_format == "0.0%"


def test_special_children_masked(books):
    ws = load(books, "quarterly.xlsx")["未覆盖困境儿童"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
    assert rows == [["L01", "凉水井社区", "C9", "欧阳**", "2026-08-01"],
                    ["L01", "凉水井社区", "C7", "张**", "2026-09-10"]]


def test_special_children_personal(books):
    path = os.path.join(books, "personal.xlsx")
    ws = openpyxl.load_workbook(path)["未覆盖困境儿童"]
    names = [r[3].value for r in ws.iter_rows(min_row=3)]
    assert names == ["欧阳娜娜", "张三丰"]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_scorecard_workbook(books):
    wb = load(books, "scorecard.xlsx")
    assert wb.sheetnames == ["总览", "指标明细", "预警清单", "指标说明"]
    ws = wb["总览"]
    ids = [ws.cell(row=r, column=3).value for r in range(5, 9)]
    assert ids == ["L01", "L02", "S01", "all"]


def test_definitions_sheet(books):
    ws = load(books, "weekly.xlsx")["指标说明"]
    row = [c.value for c in ws[2]]
    assert row[:7] == ["P4", "活动出勤率", "Attendance rate", "服务过程", "attended / registered",
                       "百分比", "越高越好"]
    assert row[7:12] == [0.85, 0.8, 0.7, 0.4, "period"]
    texts = [c.value for c in ws["A"] if c.value]
    assert "carecard 1.0.0" in texts
    assert "activities.csv" in texts


def test_rows_written_as_finished(books):
    """Every report workbook is written in libxlsxwriter's constant-memory
    mode: each row leaves memory when the next starts (a province's all.xlsx
    has 31,501 rows), so its strings are in their cells (inline), not in a
    shared table, and every sheet's rows come in order; the wrapped rows
    keep their heights and the tables their autofilters."""
    import re
    import zipfile
    for name in ("weekly.xlsx", "quarterly.xlsx"):
        with zipfile.ZipFile(os.path.join(books, name)) as z:
            names = z.namelist()
            assert "xl/sharedStrings.xml" not in names, name
            sheets = [n for n in names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)]
            assert len(sheets) >= 6
            tall = 0
            for n in sheets:
                xml = z.read(n).decode()
                rows = [int(r) for r in re.findall(r'<row r="(\d+)"', xml)]
                assert rows == sorted(set(rows)), (name, n)
                assert 't="s"' not in xml, (name, n)
                tall += len(re.findall(r'<row r="\d+"[^>]* ht="(?:[3-9]\d|\d{3})(?:\.\d+)?" customHeight="1"', xml))
            assert tall > 0, name
    ws = load(books, "weekly.xlsx")["总览"]
    assert ws["B5"].value == "L02" and ws.auto_filter.ref == "A4:N6"
