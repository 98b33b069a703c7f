"""The one-page brief (简报): a full report run writes <street>-简报.pdf/.png and
all-简报.pdf/.png beside the workbooks; the PDF is one A4 page with its fonts
embedded and the street, the period and every listed item in its text; the PNG
is 1080 px wide and not blank; reruns are byte-identical; --no-brief and runs
limited to a street or community write none; a street of 60 communities still
fits on the page."""
import csv
import os
import re
import struct
import subprocess
import zlib

import pytest

from conftest import GEN, report_fixture_db, report_run, run

S01 = "S01-东城街道"
S02 = "S02-___西湖_街道"
BRIEFS = sorted(f"{s}-简报.{e}" for s in (S01, S02, "all") for e in ("pdf", "png"))


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return report_fixture_db(tmp_path_factory.mktemp("bdb"))


report = report_run


@pytest.fixture(scope="module")
def weekly(db, tmp_path_factory):
    out = tmp_path_factory.mktemp("weekly")
    r = report(db, out, "weekly", "--period", "2026-W47")
    assert r.returncode == 4, r.stderr
    return out / "2026-W47"


def tool(*args):
    p = subprocess.run(list(args), capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    return p.stdout


def pdf_text(path):
    """The PDF's text with every blank removed (so wrapped lines join)."""
    return re.sub(r"\s+", "", tool("pdftotext", str(path), "-"))


def png_pixels(path):
    """(width, height, rows of RGB bytes) of an 8-bit RGB PNG without row filters
    (as carecard writes them)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    w = h = None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, colour = struct.unpack(">IIBB", body[:10])
            assert (depth, colour) == (8, 2)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = 1 + 3 * w
    assert len(raw) == stride * h
    rows = []
    for y in range(h):
        assert raw[y * stride] == 0          # filter none
        rows.append(raw[y * stride + 1:(y + 1) * stride])
    return w, h, rows


def test_files_beside_the_workbooks(weekly):
    names = sorted(n for n in os.listdir(weekly) if "简报" in n)
    assert names == BRIEFS
    for s in (S01, S02, "all"):
        assert (weekly / f"{s}.xlsx").is_file()


def test_pdf_is_one_a4_page_dated_by_the_period(weekly):
    for s in (S01, S02, "all"):
        info = tool("pdfinfo", str(weekly / f"{s}-简报.pdf"))
        assert re.search(r"^Pages:\s+1$", info, re.M), info
        assert re.search(r"^Page size:\s+595\.276 x 841\.89 pts \(A4\)$", info, re.M), info
        # the creation date is the period's last day (Sunday 2026-11-22), never the clock
        date = re.search(r"^CreationDate:\s+(.*)$", info, re.M).group(1)
        assert "Nov 22" in date and "2026" in date, date
        assert re.search(r"^Creator:\s+carecard ", info, re.M), info


def test_pdf_fonts_embedded(weekly):
    out = tool("pdffonts", str(weekly / f"{S01}-简报.pdf")).splitlines()[2:]
    assert out, "no fonts"
    for line in out:
        # name type... encoding emb sub uni object ID: emb is the 4th field from the end
        f = line.split()
        assert f[-5] == "yes", line


def act_on(rows):
    """Rows of warnings.csv that ask for action (专项整治, 限期整改, 督促报送: not blue)."""
    return [r for r in rows if r["status"] in ("red", "yellow", "not_reported") or r["rectify"] == "true"]


def test_pdf_text_holds_street_period_and_items(weekly):
    text = pdf_text(weekly / f"{S01}-简报.pdf")
    assert "东城街道·周报" in text
    assert "2026年第47周（11月16日—11月22日）" in text
    # the data line: L01 reported, L02 did not; the last activity on or before
    # Sunday 2026-11-22 is A-row dated 2026-11-18 (fixtures/test/report/activities.csv)
    assert "已报送社区1/2·数据截至2026-11-18·未报1个：锦华社区" in text
    with open(weekly / "warnings.csv", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    # S01's communities (fixtures/test/report/communities.csv): L01 凉水井, L02 锦华
    comm = [r for r in rows if r["unit_level"] == "community" and r["unit_id"] in ("L01", "L02")]
    items = act_on(comm)
    assert items, "the fixture has warnings to act on in S01"
    m = re.search(r"需要处置（(\d+)项）", text)
    assert m and int(m.group(1)) == len(items), (m and m.group(0), len(items))
    more = re.search(r"另有(\d+)项，见工作簿", text)
    shown = len(items) - (int(more.group(1)) if more else 0)
    assert shown >= 1
    found = 0
    for r in items:
        expl = re.sub(r"\s+", "", r["explanation"]).removesuffix("→专项整治")
        if expl.startswith(r["unit_name"]):
            want = expl
        else:
            want = r["unit_name"] + "：" + expl
        found += want in text
    assert found == shown
    # the ranking: neither community is ranked (L01's coverage is below
    # min_coverage, L02 did not report), so both show — and their reason as grey stubs
    assert "社区排名—凉水井社区—锦华社区" in text
    assert "覆盖不足未报" in text
    # footer: files, configuration hash, version
    assert re.search(r"数据来源\d+个文件·配置SHA-256[0-9a-f]{12}·carecard\d", text), text[-200:]


def test_png_size_and_not_blank(weekly):
    for s in (S01, "all"):
        w, h, rows = png_pixels(weekly / f"{s}-简报.png")
        assert (w, h) == (1080, 1527)
        dark = sum(1 for row in rows for x in range(0, len(row), 3)
                   if row[x] < 128 and row[x + 1] < 128 and row[x + 2] < 128)
        assert dark > 5000, dark                # text everywhere, not an empty page
        white_top = rows[0]
        assert set(white_top) == {255}          # the margin is white


def test_rerun_is_byte_identical(db, weekly, tmp_path):
    r = report(db, tmp_path, "weekly", "--period", "2026-W47", "--jobs", "1")
    assert r.returncode == 4, r.stderr
    for n in BRIEFS:
        assert (tmp_path / "2026-W47" / n).read_bytes() == (weekly / n).read_bytes(), n


def test_no_brief_and_limited_runs(db, tmp_path):
    r = report(db, tmp_path / "a", "weekly", "--period", "2026-W47", "--no-brief")
    assert r.returncode == 4, r.stderr
    assert not [n for n in os.listdir(tmp_path / "a" / "2026-W47") if "简报" in n]
    assert (tmp_path / "a" / "2026-W47" / f"{S01}.xlsx").is_file()
    r = report(db, tmp_path / "b", "weekly", "--period", "2026-W47", "--street", "S01")
    assert not [n for n in os.listdir(tmp_path / "b" / "2026-W47") if "简报" in n]


def test_monthly_and_quarterly(db, tmp_path):
    for kind, period, title, name in (("monthly", "2026-11", "2026年11月", "月报"),
                                      ("quarterly", "2026-Q4", "2026年第4季度", "季报")):
        r = report(db, tmp_path, kind, "--period", period)
        assert r.returncode in (0, 4), r.stderr
        d = tmp_path / period
        assert sorted(n for n in os.listdir(d) if "简报" in n) == BRIEFS
        info = tool("pdfinfo", str(d / f"{S01}-简报.pdf"))
        assert re.search(r"^Pages:\s+1$", info, re.M)
        text = pdf_text(d / f"{S01}-简报.pdf")
        assert f"东城街道·{name}" in text and title in text


def test_sixty_communities_fit(tmp_path):
    """A street of 60 communities: one page, the ranking cut with its count."""
    data = tmp_path / "data"
    p = subprocess.run([GEN, "--profile", "demo", "--streets", "1", "--communities", "60",
                        "--weeks", "3", "--sessions", "1-2", "--attendance", "3", "--out", str(data),
                        "-q"], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    db = str(tmp_path / "g.db")
    r = run(["ingest", "-q", "--db", db, "--rejects", str(tmp_path), str(data)], timeout=300)
    assert r.returncode in (0, 3), r.stderr
    r = report(db, tmp_path / "out", "weekly", "--period", "2026-W23")
    assert r.returncode in (0, 4), r.stderr
    d = tmp_path / "out" / "2026-W23"
    street = [n for n in os.listdir(d) if n.endswith("-简报.pdf") and not n.startswith("all")]
    assert len(street) == 1
    pdf = d / street[0]
    assert re.search(r"^Pages:\s+1$", tool("pdfinfo", str(pdf)), re.M)
    text = pdf_text(pdf)
    m = re.search(r"…另有(\d+)项，见工作簿", text)
    assert m, text[:400]
    w, h, _ = png_pixels(d / street[0].replace(".pdf", ".png"))
    assert (w, h) == (1080, 1527)
