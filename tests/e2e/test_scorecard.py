"""End-to-end tests of `carecard scorecard` and `carecard warnings`.

The database is built from lib/store/schema.sql and the hand-made fixture
fixtures/test/engine/w47.sql (no ingest involved); the catalog is
fixtures/test/engine/indicators.ini.  The expected values are worked out by
hand in tests/unit/engine_test.c (same fixture), restated here briefly.
"""
import csv
import datetime
import io
import json
import os
import shutil
import sqlite3
import unicodedata

import pytest

from conftest import ROOT, SAMPLES, run, sql_template_db

FIX = os.path.join(ROOT, "fixtures", "test", "engine")
CONFIG = os.path.join(FIX, "indicators.ini")


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return sql_template_db(str(tmp_path_factory.mktemp("engine") / "template.db"), os.path.join(FIX, "w47.sql"))


@pytest.fixture
def db(template, tmp_path):
    path = str(tmp_path / "cc.db")
    shutil.copyfile(template, path)
    return path


def sc(db, *args, cwd=None):
    return run(["scorecard", "--db", db, "--config", CONFIG] + list(args), cwd=cwd)


def units_by_id(doc):
    return {u["id"]: u for u in doc["units"]}


def ind(unit, iid):
    for i in unit["indicators"]:
        if i["id"] == iid:
            return i
    raise KeyError(iid)


def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def test_json_contract(db):
    r = sc(db, "--period", "2026-W47", "--format", "json")
    # L03 did not report: exit 4 and one line naming it
    assert r.returncode == 4, r.stderr
    assert r.stderr.count("\n") == 1
    assert "L03 河畔社区" in r.stderr and r.stderr.startswith("carecard: ")
    doc = json.loads(r.stdout)
    assert doc["carecard"] == "1.0.0"
    assert doc["period"] == {"kind": "week", "id": "2026-W47", "from": "2026-11-16", "to": "2026-11-22"}
    w = doc["weights"]
    assert w["method"] == "fixed" and w["ahp"] is None
    assert w["dimensions"] == {"process": 0.25, "recipients": 0.25, "growth": 0.25, "community": 0.25}
    assert w["indicators"]["P1"] == 0.125 and w["indicators"]["C4"] == 0.25
    assert "kano" not in doc          # no KANO answers in W47
    assert [(u["level"], u["id"]) for u in doc["units"]] == [
        ("community", "L01"), ("community", "L02"), ("community", "L03"),
        ("street", "S01"), ("street", "S02"), ("area", "all")]
    u = units_by_id(doc)
    l01 = u["L01"]
    assert set(l01) == {"level", "id", "name", "street_id", "total", "grade", "rank", "rank_in_area",
                        "coverage", "dimensions", "indicators", "attribution"}
    assert l01["name"] == "凉水井社区" and l01["street_id"] == "S01"
    # score attribution: the contributions and the coverage effect add up to the change
    for unit in doc["units"]:
        a = unit["attribution"]
        assert set(a) == {"previous_total", "change", "indicators", "coverage", "top"}
        if a["change"] is None:
            assert a["top"] is None and all(v is None for v in a["indicators"].values())
            continue
        assert a["change"] == pytest.approx(unit["total"] - a["previous_total"], abs=1e-9)
        parts = sum(v for v in a["indicators"].values() if v is not None) + a["coverage"]
        assert parts == pytest.approx(a["change"], abs=1e-9)
    # L01 ranks first everywhere: L02 (coverage 0.569 < 0.6) and L03 (未报) are unranked
    assert l01["grade"] == "良好" and l01["rank"] == 1 and l01["rank_in_area"] == 1
    assert u["L02"]["unranked"] == "coverage" and u["L02"]["total"] is None
    assert u["L03"]["unranked"] == "not_reported" and u["L03"]["rank_in_area"] is None
    # process 8/8, recipients 5/6, growth 4/5, community 3/4
    assert l01["coverage"] == pytest.approx((1 + 5 / 6 + 4 / 5 + 3 / 4) / 4, abs=1e-12)
    assert l01["dimensions"]["recipients"]["coverage"] == pytest.approx(5 / 6, abs=1e-12)
    p4 = ind(l01, "P4")
    assert p4 == {"id": "P4", "value": 0.625, "numerator": 25, "denominator": 40, "target": 0.85,
                  "score": p4["score"], "status": "red", "level": "red", "run": 2, "rectify": True,
                  "change": "continuing",
                  "explanation": "活动出勤率 62.5% (25/40) < 目标 85.0%，连续 2 周未达标 → 专项整治"}
    # threshold score: 60 * (0.625 - 0.40) / (0.70 - 0.40)
    assert p4["score"] == pytest.approx(45, abs=1e-9)
    # full precision: 25/45 is not rounded
    assert ind(l01, "P5")["value"] == 25 / 45
    # nulls
    c1 = ind(l01, "C1")
    assert c1["numerator"] is None and c1["denominator"] is None and c1["value"] == 3
    r6 = ind(l01, "R6")
    assert r6["value"] is None and r6["score"] is None
    assert r6["status"] == "insufficient" and r6["level"] == "grey"
    assert ind(l01, "P2")["change"] is None and ind(l01, "P2")["status"] == "met"
    # 未报
    l03 = u["L03"]
    x5 = ind(l03, "X5")
    assert x5["status"] == "not_reported" and x5["level"] == "red" and x5["rectify"] is True
    assert x5["run"] == 2
    assert x5["explanation"] == "河畔社区 本周未报送活动台账，连续 2 周未报送 → 专项整治"
    for iid in ("P1", "P4", "R2", "C1", "X3"):
        m = ind(l03, iid)
        assert m["status"] == "missing" and m["level"] == "grey" and m["explanation"] == "未报"
        assert m["value"] is None
    # a street's value is the ratio of sums: 61/85, not the mean of 25/45 and 36/40
    assert ind(u["S01"], "P5")["value"] == pytest.approx(61 / 85, abs=1e-15)
    assert ind(u["S01"], "C1")["value"] == 3      # distinct partners, not 3 + 1
    assert u["all"]["rank"] is None and u["all"]["street_id"] is None
    assert ind(u["S02"], "X5")["status"] == "red"


def test_scope_community(db):
    r = sc(db, "--period", "2026-W47", "--community", "L01", "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert [u["id"] for u in doc["units"]] == ["L01", "S01", "all"]
    assert doc["units"][0]["rank_in_area"] == 1


def test_scope_street_not_reported(db):
    r = sc(db, "--period", "2026-W47", "--street", "S02", "--format", "json")
    assert r.returncode == 4
    assert [u["id"] for u in json.loads(r.stdout)["units"]] == ["L03", "S02", "all"]


def test_custom_range_and_month(db):
    r = sc(db, "--from", "2026-11-16", "--to", "2026-11-22", "--format", "json")
    doc = json.loads(r.stdout)
    assert doc["period"]["kind"] == "custom"
    assert doc["period"]["from"] == "2026-11-16" and doc["period"]["to"] == "2026-11-22"
    p4 = ind(units_by_id(doc)["L01"], "P4")
    assert p4["value"] == 0.625
    assert p4["explanation"].endswith("，连续 2 期未达标 → 专项整治")
    r = sc(db, "--period", "2026-11", "--format", "json")
    assert r.returncode == 0, r.stderr          # everyone reported in November
    doc = json.loads(r.stdout)
    assert ind(units_by_id(doc)["L01"], "P4")["value"] == pytest.approx(50 / 70, abs=1e-15)


def test_quarter_has_kano(db):
    r = sc(db, "--period", "2026-Q4", "--format", "json")
    doc = json.loads(r.stdout)
    k = doc["kano"][0]
    assert k["id"] == "flex_hours" and k["name"] == "延时托管" and k["category"] == "M"
    assert k["counts"] == {"A": 1, "O": 1, "M": 1, "I": 0, "R": 0, "Q": 0}
    assert k["better"] == pytest.approx(2 / 3) and k["worse"] == pytest.approx(-2 / 3)
    assert k["priority"] == 1


def test_csv(db, tmp_path):
    con = sqlite3.connect(db)
    con.execute("UPDATE communities SET community_name = '@SUM(A1)' WHERE community_id = 'L02'")
    con.commit()
    con.close()
    out = tmp_path / "sc.csv"
    r = sc(db, "--period", "2026-W47", "--format", "csv", "--out", str(out))
    assert r.returncode == 4 and r.stdout == ""
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert not [p for p in os.listdir(tmp_path) if ".tmp" in p]
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 6 * 28
    names = {r["unit_name"] for r in rows}
    assert "'@SUM(A1)" in names and "@SUM(A1)" not in names
    p4 = [r for r in rows if r["unit_id"] == "L01" and r["indicator_id"] == "P4"][0]
    assert p4["value"] == "0.625" and p4["numerator"] == "25" and p4["denominator"] == "40"
    assert p4["status"] == "red" and p4["run"] == "2" and p4["rectify"] == "true"
    assert p4["prev_value"] == "0.75"


def test_table_fits_80_columns(db):
    for args in (["scorecard"], ["warnings"]):
        r = run(args + ["--db", db, "--config", CONFIG, "--period", "2026-W47", "--format", "table"])
        assert r.returncode in (0, 4), r.stderr
        lines = r.stdout.splitlines()
        assert len(lines) > 20
        for line in lines:
            assert width(line) <= 80, line
    r = sc(db, "--period", "2026-W47", "--format", "table", "--community", "L01")
    assert "活动出勤率" in r.stdout and "62.5%" in r.stdout and "红!" in r.stdout


def test_warnings_csv_and_levels(db):
    base = ["warnings", "--db", db, "--config", CONFIG, "--period", "2026-W47"]
    r = run(base + ["--format", "csv"])
    assert r.returncode == 0, r.stderr
    text = r.stdout.lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0].keys()) == ["period", "unit_level", "unit_id", "unit_name", "indicator_id",
                                    "indicator_name", "status", "value", "target", "run", "rectify",
                                    "change", "explanation", "item", "item_state"]
    # red first (escalated ones and not_reported shown red), then yellow, blue, resolved
    sev = {"red": 3, "not_reported": 3, "yellow": 2, "blue": 1, "met": 0}
    seen = [sev[r["status"]] for r in rows]
    assert seen == sorted(seen, reverse=True)
    x5 = [r for r in rows if r["unit_id"] == "L03" and r["indicator_id"] == "X5"][0]
    assert x5["status"] == "not_reported" and x5["rectify"] == "true" and x5["run"] == "2"
    resolved = [(r["unit_id"], r["indicator_id"]) for r in rows if r["change"] == "resolved"]
    assert ("L01", "R5") in resolved and ("L01", "C4") in resolved
    # --level red: red (and red 未报) only
    r = run(base + ["--format", "json", "--level", "red"])
    doc = json.loads(r.stdout)
    assert doc["warnings"] and {w["level"] for w in doc["warnings"]} == {"red"}
    r = run(base + ["--format", "json", "--level", "yellow"])
    assert {w["level"] for w in json.loads(r.stdout)["warnings"]} == {"red", "yellow"}
    # the first yellow one: L01 P1 (0.85, run 1, new)
    y = [w for w in json.loads(r.stdout)["warnings"] if w["level"] == "yellow"][0]
    assert (y["unit_id"], y["indicator_id"], y["value"], y["change"], y["action"]) == \
        ("L01", "P1", 0.85, "new", "限期整改")


def test_audit_record(db):
    sc(db, "--period", "2026-W47", "--format", "json")
    sc(db, "--period", "2026-W47", "--format", "json")       # re-run replaces
    con = sqlite3.connect(db)
    n = con.execute("SELECT COUNT(*) FROM warning_log WHERE period_id = '2026-W47'").fetchone()[0]
    row = con.execute("SELECT status, level, run, rectify, change FROM warning_log WHERE period_id = '2026-W47'"
                      " AND unit_id = 'L01' AND indicator_id = 'P4'").fetchone()
    con.close()
    r = run(["warnings", "--db", db, "--config", CONFIG, "--period", "2026-W47", "--format", "json"])
    assert n == len(json.loads(r.stdout)["warnings"])
    assert row == ("red", "red", 2, 1, "continuing")


def test_xlsx(db, tmp_path):
    import openpyxl
    out = tmp_path / "sc.xlsx"
    r = sc(db, "--period", "2026-W47", "--out", str(out))
    assert r.returncode == 4, r.stderr
    wb = openpyxl.load_workbook(str(out))
    assert len(wb.sheetnames) >= 3


def test_default_period_is_last_complete_week(db):
    r = sc(db, "--format", "json")
    today = datetime.date.today()
    monday = today - datetime.timedelta(days=today.weekday())
    last = monday - datetime.timedelta(days=7)
    y, wk, _ = last.isocalendar()
    if r.returncode == 1:
        # the fixture's data end on 2026-11-21: a later default week is
        # refused, and the message names it and the last week with data
        assert r.stderr.startswith("carecard: %d-W%02d has no data: the database holds 2026-01-05 … "
                                   "2026-11-21" % (y, wk)), r.stderr
        assert r.stderr.endswith("(the last week with data is 2026-W47)\n") and r.stdout == ""
        return
    assert r.returncode in (0, 4), r.stderr
    doc = json.loads(r.stdout)
    assert doc["period"]["id"] == "%d-W%02d" % (y, wk)
    assert doc["period"]["to"] == str(monday - datetime.timedelta(days=1))


@pytest.mark.parametrize("args,msg", [
    (["--format", "pdf"], "--format"),
    (["--period", "2026-W60"], "--period"),
    (["--from", "2026-11-01"], "--from and --to"),
    (["--from", "2026-11-31", "--to", "2026-12-01"], "--from"),
    (["--from", "2026-11-10", "--to", "2026-11-01"], "before"),
    (["--street", "S01", "--community", "L01"], "not both"),
    (["--period", "2026-W47", "--from", "2026-11-01", "--to", "2026-11-02"], "not both"),
    (["--bogus"], "unknown option"),
    (["extra"], "unexpected argument"),
    (["--period"], "needs a value"),
])
def test_usage_errors(db, args, msg):
    r = sc(db, *args)
    assert r.returncode == 2
    assert msg in r.stderr and "carecard scorecard --help" in r.stderr
    assert r.stdout == ""


def test_unknown_unit_and_level(db):
    r = sc(db, "--period", "2026-W47", "--community", "L99", "--format", "json")
    assert r.returncode == 1 and "L99" in r.stderr
    r = run(["warnings", "--db", db, "--config", CONFIG, "--level", "green"])
    assert r.returncode == 2 and "--level" in r.stderr


def test_help():
    for cmd in ("scorecard", "warnings"):
        r = run([cmd, "--help"])
        assert r.returncode == 0
        assert r.stdout.startswith("usage: carecard " + cmd)
        for line in r.stdout.splitlines():
            assert width(line) <= 80, line


def test_through_ingest_of_the_samples(tmp_path):
    """The shared samples, ingested by carecard itself, then scored.
    L01 (2026-W47): A-2026-1101 25 of 28, A-2026-1102 17 of 20, A-2026-1103
    cancelled -> P4 42/48 = 0.875 met, P3 2/3 red, P1 (18+19)/(20+20) = 0.925
    blue; C4 1000 * 50 / 14000 = 3.571 yellow (4.0 > v >= 3.0).
    J01: P4 31/35 met; P6 12 children / 1 professional = 12: yellow (lower,
    9 < v <= 12).  S01: P4 (25+17+22)/(28+20+24) = 64/72."""
    samples = SAMPLES
    db = str(tmp_path / "s.db")
    files = [os.path.join(samples, f) for f in sorted(os.listdir(samples))
             if f.endswith(".csv") and "gb18030" not in f]
    r = run(["ingest", "--db", db, "--rejects", str(tmp_path)] + files)
    assert r.returncode in (0, 3), r.stderr
    r = sc(db, "--period", "2026-W47", "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    u = units_by_id(doc)
    p4 = ind(u["L01"], "P4")
    assert (p4["value"], p4["numerator"], p4["denominator"], p4["status"]) == (0.875, 42, 48, "met")
    assert ind(u["L01"], "P3")["value"] == pytest.approx(2 / 3) and ind(u["L01"], "P3")["status"] == "red"
    assert ind(u["L01"], "P1")["value"] == pytest.approx(0.925) and ind(u["L01"], "P1")["status"] == "blue"
    c4 = ind(u["L01"], "C4")
    assert c4["value"] == pytest.approx(1000 * 50 / 14000)
    # 3.57 is yellow in every week of the history (the register row of
    # 2026-01-01 applies): 专项整治, but the colour stays yellow
    assert c4["run"] == 12 and c4["status"] == "yellow" and c4["level"] == "yellow" and c4["rectify"] is True
    assert ind(u["J01"], "P4")["value"] == pytest.approx(31 / 35)
    p6 = ind(u["J01"], "P6")
    assert (p6["value"], p6["status"], p6["run"]) == (12, "yellow", 1)
    assert ind(u["S01"], "P4")["value"] == pytest.approx(64 / 72)
    # the survey file holds KANO pairs in W47, so the json has the table
    assert any(k["id"] == "flex_hours" for k in doc.get("kano", []))
