"""Workbooks that print (issue 18): the chart images of a sheet never overlap
(their drawing anchors read back from xl/drawings/*.xml), every sheet is set up
for A4 landscape at a print scale of 70-100 % (11 pt body text prints at 7.7 pt
or more) with a print area that ends at its content, and, where LibreOffice is
installed, the PDF it prints: A4 pages, no CJK text below 7 pt, no page that
holds only a repeated header row, KANO counts apart from their category."""
import glob
import html
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile

import openpyxl
import pytest

from conftest import report_fixture_db, report_run

XDR = "{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}"


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    d = tmp_path_factory.mktemp("print")
    db = report_fixture_db(d)
    for kind, period in (("weekly", "2026-W47"), ("quarterly", "2026-Q4")):
        r = report_run(db, d, kind, "--period", period)
        assert r.returncode in (0, 4), r.stderr
    paths = sorted(glob.glob(str(d / "2026-*" / "*.xlsx")))
    assert len(paths) >= 6
    return paths


def anchors(path):
    """{drawing xml name: [(from (row, rowOff, col, colOff), to (...)), ...]}"""
    out = {}
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if not re.match(r"xl/drawings/drawing\d+\.xml$", name):
                continue
            root = ET.fromstring(z.read(name))
            boxes = []
            for a in root:
                if a.tag != XDR + "twoCellAnchor":
                    continue
                ends = []
                for tag in ("from", "to"):
                    m = a.find(XDR + tag)
                    ends.append(tuple(int(m.find(XDR + k).text) for k in ("row", "rowOff", "col", "colOff")))
                boxes.append(tuple(ends))
            out[name] = boxes
    return out


def overlap(a, b):
    (af, at), (bf, bt) = a, b
    rows = (af[0], af[1]) < (bt[0], bt[1]) and (bf[0], bf[1]) < (at[0], at[1])
    cols = (af[2], af[3]) < (bt[2], bt[3]) and (bf[2], bf[3]) < (at[2], at[3])
    return rows and cols


def test_images_never_overlap(books):
    seen = 0
    for path in books:
        for name, boxes in anchors(path).items():
            seen += len(boxes)
            for i in range(len(boxes)):
                for j in range(i + 1, len(boxes)):
                    assert not overlap(boxes[i], boxes[j]), (path, name, boxes[i], boxes[j])
    assert seen >= 12          # bars, heat map, radar on every 总览; trend charts; KANO


def test_overview_has_three_charts_stacked(books):
    street = [p for p in books if "2026-W47" in p and os.path.basename(p).startswith("S01")][0]
    a = anchors(street)
    # the drawing of the first sheet (总览): bars, heat map, radar, one below the other
    first = sorted(a.items(), key=lambda kv: kv[0])
    boxes = [b for n, bs in first for b in bs if len(bs) == 3]
    assert len(boxes) == 3, a
    boxes.sort()
    for upper, lower in zip(boxes, boxes[1:]):
        assert (upper[1][0], upper[1][1]) <= (lower[0][0], lower[0][1])


def has_drawing(path, index):
    """Does the index-th sheet (libxlsxwriter numbers them in order) hold images or charts?"""
    with zipfile.ZipFile(path) as z:
        rels = f"xl/worksheets/_rels/sheet{index + 1}.xml.rels"
        return rels in z.namelist() and b"/drawing" in z.read(rels)


def test_print_setup(books):
    groups = 0
    for path in books:
        wb = openpyxl.load_workbook(path)
        for index, ws in enumerate(wb):
            ps = ws.page_setup
            where = f"{os.path.basename(path)} {ws.title}"
            assert ps.orientation == "landscape", where
            assert ps.paperSize in (9, "9"), where
            assert not ws.sheet_properties.pageSetUpPr or not ws.sheet_properties.pageSetUpPr.fitToPage, where
            scale = int(ps.scale or 100)
            assert 70 <= scale <= 100, where
            assert ws.print_area, where
            assert ws.print_title_rows, where
            if ws.page_setup.pageOrder == "overThenDown":
                # printed in column groups at 70 %: the key columns on every page,
                # unless images are anchored in them (they would be repeated too)
                groups += 1
                assert scale == 70, where
                assert ws.print_title_cols or has_drawing(path, index), where
    assert groups >= 1          # 指标说明 of every workbook is wider than a page


def pdf_pages(pdf):
    out = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True, text=True,
                         check=True).stdout
    pages = []
    for pg in out.split("<page ")[1:]:
        words = [(float(m.group(1)), float(m.group(2)), float(m.group(3)), float(m.group(4)),
                  html.unescape(m.group(5)))
                 for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                                      r'yMax="([\d.]+)">([^<]*)</word>', pg)]
        pages.append(words)
    return pages


def cjk_size(word):
    """Font size of a word of CJK characters only: each is one em wide."""
    x0, _, x1, _, w = word
    if len(w) >= 2 and all("\u4e00" <= c <= "\u9fff" for c in w):
        return (x1 - x0) / len(w)
    return None


@pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdftotext"),
                    reason="LibreOffice (soffice) or poppler-utils not installed: the PDF print check is skipped")
def test_pdf_prints_a4_at_7pt(books, tmp_path):
    picks = [p for p in books if "2026-W47" in p and os.path.basename(p).startswith("S01")]
    picks += [p for p in books if "2026-Q4" in p and os.path.basename(p) in ("all.xlsx",)]
    picks += [p for p in books if "2026-Q4" in p and os.path.basename(p).startswith("S01")]
    r = subprocess.run(["soffice", "--headless", "-env:UserInstallation=file://" + str(tmp_path / "lo"),
                        "--convert-to", "pdf", "--outdir", str(tmp_path)] + picks,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    for src in picks:
        pdf = str(tmp_path / (os.path.splitext(os.path.basename(src))[0] + ".pdf"))
        info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True).stdout
        assert re.search(r"Page size:\s+841\.89 x 595\.3\d* pts \(A4\)", info), info
        imgs = subprocess.run(["pdfimages", "-list", pdf], capture_output=True, text=True).stdout
        pages_with_images = {int(l.split()[0]) for l in imgs.splitlines()[2:] if l.strip()}
        pages = pdf_pages(pdf)
        assert pages
        for n, words in enumerate(pages, 1):
            sizes = [s for s in map(cjk_size, words) if s]
            where = f"{os.path.basename(src)} page {n}"
            assert not sizes or min(sizes) >= 7.0, (where, min(sizes))
            # a page is more than one line of repeated headers (unless it carries a chart)
            lines = {round(w[1]) for w in words}
            assert len(lines) > 1 or n in pages_with_images, (where, [w[4] for w in words])
        text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True).stdout
        # KANO: a count never runs into its category ("9M 必备")
        assert not re.search(r"\d[AOMIRQ] (必备|期望|魅力|无差异|反向|可疑)", text)


def ledgers(books):
    out = sorted(glob.glob(os.path.join(os.path.dirname(os.path.dirname(books[0])), "2026-*", "整改台账", "*.xlsx")))
    assert out, "no rectification ledger written"
    return out


def test_ledger_print_setup(books):
    """The rectification ledger (17 columns) prints in two column groups, each
    one A4 page wide at 81 %: the report's columns A-K, then the office's L-Q,
    with the header row and 编号 on every page."""
    for path in ledgers(books):
        ws = openpyxl.load_workbook(path)["整改台账"]
        ps = ws.page_setup
        where = os.path.basename(path)
        assert ps.orientation == "landscape" and ps.paperSize in (9, "9"), where
        assert not ws.sheet_properties.pageSetUpPr or not ws.sheet_properties.pageSetUpPr.fitToPage, where
        assert int(ps.scale) == 81 and ps.pageOrder == "overThenDown", where
        assert ws.print_title_rows == "$1:$1" and ws.print_title_cols == "$A:$A", where
        assert [b.id for b in ws.col_breaks.brk] == [11], where     # a page break after column K
        assert ws.print_area and ws.print_area[0].endswith("$Q$%d" % ws.max_row), (where, ws.print_area)


@pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdftotext"),
                    reason="LibreOffice (soffice) or poppler-utils not installed: the PDF print check is skipped")
def test_ledger_prints_in_two_groups(books, tmp_path):
    picks = ledgers(books)[:2]
    r = subprocess.run(["soffice", "--headless", "-env:UserInstallation=file://" + str(tmp_path / "lo"),
                        "--convert-to", "pdf", "--outdir", str(tmp_path)] + picks,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    for src in picks:
        ws = openpyxl.load_workbook(src)["整改台账"]
        want = {r[0] for r in ws.iter_rows(min_row=2, values_only=True)}
        pdf = str(tmp_path / (os.path.splitext(os.path.basename(src))[0] + ".pdf"))
        info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True).stdout
        assert re.search(r"Page size:\s+841\.89 x 595\.3\d* pts \(A4\)", info), info
        pages = pdf_pages(pdf)
        # over, then down: the two groups of each band of rows side by side
        assert len(pages) % 2 == 0, (src, len(pages))
        ids = set()
        for n, words in enumerate(pages, 1):
            text = {w[4] for w in words}
            where = f"{os.path.basename(src)} page {n}"
            sizes = [s for s in map(cjk_size, words) if s]
            assert sizes and min(sizes) >= 7.0, (where, min(sizes or [0]))
            assert "编号" in text, where
            # every column of its group on the page: nothing pushed to a page of its own
            if n % 2:
                assert {"社区", "指标", "目标", "整改期限", "状态"} <= text, (where, sorted(text))
                assert "整改措施" not in text, where
                ids |= text & want
            else:
                assert {"整改措施", "责任人", "完成情况", "完成日期", "备注"} <= text, (where, sorted(text))
                assert "状态" not in text, where
        assert ids == want, (src, want - ids)      # every row printed, its 编号 whole
