"""Security and personal data: formula-looking text stays text, no input can
write outside --out, names only with --personal, file modes."""
import csv
import glob
import os
import stat

import pytest

from conftest import ROOT, run

CONFIG = os.path.join(ROOT, "indicators.ini")
EVIL = ["=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3"]


def make_db(tmp_path):
    (tmp_path / "communities.csv").write_text(
        "community_id,community_name,street_id,street_name,population,children_0_3,children_3_12,eligible_families,special_children,places\n"
        "L01," + '"' + EVIL[0].replace('"', '""') + '"' + ",../../S1,../../etc/东城,14000,420,1450,1800,24,50\n"
        "L02,锦华社区,../../S1,../../etc/东城,15000,380,1500,2100,18,60\n", encoding="utf-8")
    (tmp_path / "activities.csv").write_text(
        "activity_id,community_id,project,date,hours,capacity,registered,attended,children\n"
        f"A1,L01,\"{EVIL[1]}\",2026-11-17,2,30,20,15,10\n"
        f"A2,L02,\"{EVIL[2]}\",2026-11-18,2,30,20,18,10\n"
        "A0,L01,暑期班,2026-08-12,2,30,20,15,10\n", encoding="utf-8")
    (tmp_path / "attendance.csv").write_text(
        "activity_id,participant_id,role,special,name\n"
        "A1,C1,child,Y,欧阳晨晨\nA1,C2,child,N,王小明\nA2,C3,child,Y,李红\nA0,C9,child,Y,司马相如\n", encoding="utf-8")
    db = tmp_path / "cc.db"
    r = run(["ingest", "--db", db, tmp_path / "communities.csv", tmp_path / "activities.csv",
             tmp_path / "attendance.csv"])
    assert r.returncode in (0, 3), r.stderr
    return db


def test_report_paths_stay_inside_out(tmp_path):
    db = make_db(tmp_path)
    before = {p for p in glob.glob(str(tmp_path / "**"), recursive=True)}
    out = tmp_path / "out"
    r = run(["report", "weekly", "--db", db, "--config", CONFIG, "--period", "2026-W47", "--out", out])
    assert r.returncode in (0, 4), r.stderr
    real_out = os.path.realpath(out) + os.sep
    new = [p for p in glob.glob(str(tmp_path / "**"), recursive=True) if p not in before]
    files = [p for p in new if os.path.isfile(p)]
    assert files
    for p in files:
        assert os.path.realpath(p).startswith(real_out), p
    # street id '../../S1' and name '../../etc/东城' become one safe file name;
    # the ID changed, so the first 8 hex digits of its SHA-256 follow it
    names = sorted(os.listdir(out / "2026-W47"))
    assert [n for n in names if n.endswith("东城.xlsx")] == ["______S1_acf8f45f-______etc_东城.xlsx"]


def test_formula_text_is_written_as_string(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    db = make_db(tmp_path)
    out = tmp_path / "out"
    r = run(["report", "weekly", "--db", db, "--config", CONFIG, "--period", "2026-W47", "--out", out])
    assert r.returncode in (0, 4), r.stderr
    found = 0
    for x in glob.glob(str(out / "2026-W47" / "*.xlsx")):
        wb = openpyxl.load_workbook(x)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    if isinstance(c.value, str) and c.value.startswith(("=", "+", "@")):
                        assert c.data_type == "s", (x, ws.title, c.coordinate, c.value)
                        found += 1
                    assert c.data_type != "f", (x, ws.title, c.coordinate, c.value)
    assert found > 0
    with open(out / "2026-W47" / "warnings.csv", encoding="utf-8-sig") as f:
        for row in csv.reader(f):
            for cell in row:
                assert not cell.startswith(("=", "+", "@")), cell


def test_names_masked_unless_personal(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    db = make_db(tmp_path)
    out = tmp_path / "q"
    r = run(["report", "quarterly", "--db", db, "--config", CONFIG, "--period", "2026-Q4", "--out", out])
    assert r.returncode in (0, 4), r.stderr
    text = ""
    for x in glob.glob(str(out / "2026-Q4" / "*.xlsx")):
        wb = openpyxl.load_workbook(x)
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                text += " ".join(str(v) for v in row if v is not None) + "\n"
    assert "欧阳晨晨" not in text and "王小明" not in text and "李红" not in text
    assert "司马相如" not in text
    assert "司马**" in text          # not served this quarter: listed, masked
    out2 = tmp_path / "p"
    r = run(["report", "quarterly", "--personal", "--db", db, "--config", CONFIG, "--period", "2026-Q4",
             "--out", out2])
    assert r.returncode in (0, 4), r.stderr
    text = ""
    for x in glob.glob(str(out2 / "2026-Q4" / "*.xlsx")):
        assert stat.S_IMODE(os.stat(x).st_mode) == 0o600
        wb = openpyxl.load_workbook(x)
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                text += " ".join(str(v) for v in row if v is not None) + "\n"
    assert "司马相如" in text


def test_usage_error_leaves_no_database(tmp_path):
    r = run(["ingest", "--bogus"], cwd=tmp_path)
    assert r.returncode == 2
    assert "unknown option '--bogus'" in r.stderr
    r = run(["ingest"], cwd=tmp_path)
    assert r.returncode == 2
    assert not (tmp_path / "carecard.db").exists()
