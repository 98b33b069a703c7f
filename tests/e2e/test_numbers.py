"""Numbers as a reader expects them: the counts behind a ratio, no negative
zero, CSV at most 6 decimals (json full precision), times in the data's
time zone with the zone named."""
import csv
import io
import json
import os
import re

import pytest

from conftest import ROOT, run

METHODS = os.path.join(ROOT, "fixtures", "test", "methods")
DEMO = os.path.join(ROOT, "fixtures", "demo")
CONFIG = os.path.join(ROOT, "indicators.ini")
F = "如果社区提供延时托管服务，您的感受是？"
D = "如果社区不提供延时托管服务，您的感受是？"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    d = tmp_path_factory.mktemp("numbers")
    db = str(d / "demo.db")
    r = run(["ingest", "-q", "--db", db, "--rejects", str(d), DEMO])
    assert r.returncode == 3, r.stderr
    return db


def test_kano_has_no_negative_zero(tmp_path):
    """K1 (like, neutral) = A, K2 (neutral, neutral) = I: O + M = 0, so
    Worse = -(0)/2, printed 0.000 / 0 / 0.0 (it was -0.000, -0, -0.0)."""
    p = tmp_path / "k.csv"
    p.write_text(f",{F},{D}\nK1,1,3\nK2,3,3\n", encoding="utf-8")
    ini = os.path.join(METHODS, "kano_only.ini")
    t = run(["kano", p, "--config", ini])
    assert t.returncode == 0, t.stderr
    row = [l for l in t.stdout.splitlines() if "延时托管" in l][0]
    assert row.split()[-2:] == ["0.500", "0.000"] and "-0" not in t.stdout
    c = run(["kano", p, "--config", ini, "--format", "csv"])
    assert c.stdout.splitlines()[1] == "1,flex_hours,延时托管,1,0,0,1,0,0,A,0.5,0"
    j = run(["kano", p, "--config", ini, "--format", "json"])
    assert '"worse": 0.0' in j.stdout and "-0" not in j.stdout
    assert json.loads(j.stdout)["kano"][0]["worse"] == 0


def decimals_ok(cell):
    return not re.fullmatch(r"-?\d+\.\d{7,}", cell) and not re.search(r"e-?\d", cell)


def test_csv_has_at_most_six_decimals_json_full_precision(demo_db):
    """ahp: weights 0.636986 … in CSV, 0.63698557… (17 digits) in json;
    the scorecard CSV of 2026-Q3 has no cell with more than 6 decimals."""
    m = os.path.join(METHODS, "ahp_3x3.csv")
    c = run(["ahp", m, "--format", "csv"])
    rows = list(csv.reader(io.StringIO(c.stdout)))
    assert rows[1][:2] == ["cost", "0.636986"]
    assert all(decimals_ok(x) for r in rows for x in r)
    j = json.loads(run(["ahp", m, "--format", "json"]).stdout)
    assert j["weights"]["cost"] == pytest.approx(0.636986, abs=5e-7) and len(repr(j["weights"]["cost"])) > 10
    for cmd in (["scorecard"], ["warnings"]):
        r = run(cmd + ["--db", demo_db, "--config", CONFIG, "--period", "2026-Q3", "--format", "csv"])
        assert r.returncode in (0, 4), r.stderr
        cells = [x for row in csv.reader(io.StringIO(r.stdout.lstrip("\ufeff"))) for x in row]
        bad = [x for x in cells if not decimals_ok(x)]
        assert not bad, bad[:5]
    r = run(["scorecard", "--db", demo_db, "--config", CONFIG, "--period", "2026-Q3", "--format", "json"])
    assert re.search(r'"value": -?\d+\.\d{10,}', r.stdout)          # json keeps full precision


def test_ratio_with_a_constant_factor_shows_counts(demo_db):
    """C4 每千人托位数 = 1000 * places / population: S001C02 in 2026-Q3 has 55
    places for 16,230 people -> 3.389 per thousand, shown (55/16230 × 1000)
    (it was 55000/16230)."""
    r = run(["scorecard", "--db", demo_db, "--config", CONFIG, "--period", "2026-Q3", "--format", "json"])
    doc = json.loads(r.stdout)
    u = next(x for x in doc["units"] if x["id"] == "S001C02")
    c4 = next(i for i in u["indicators"] if i["id"] == "C4")
    assert (c4["numerator"], c4["denominator"]) == (55, 16230)
    assert c4["value"] == pytest.approx(1000 * 55 / 16230)
    assert "(55/16230 × 1000)" in c4["explanation"]


def test_times_in_the_data_time_zone_named(tmp_path):
    """The stored UTC time is shown in $TZ, named; without TZ in Asia/Shanghai."""
    db = str(tmp_path / "t.db")
    p = tmp_path / "fb.csv"
    p.write_text("feedback_id,community_id,received,resolved\nF-1,L01,2026-11-16,是\n", encoding="utf-8")
    assert run(["ingest", "--db", db, p]).returncode == 3          # L01 is in no register: rejected, file kept
    import sqlite3
    con = sqlite3.connect(db)
    con.execute("UPDATE files SET ingested_at = '2026-11-23T23:30:00Z'")
    con.commit()
    con.close()
    env = dict(os.environ)
    env.pop("TZ", None)
    import subprocess
    from conftest import BIN
    r = subprocess.run([BIN, "status", "--db", db], capture_output=True, text=True, env=env)
    assert "Last ingest: 2026-11-24 07:30:00 +08:00 Asia/Shanghai" in r.stdout
    r = run(["status", "--db", db], env={"TZ": "Europe/Berlin"})
    assert "Last ingest: 2026-11-24 00:30:00 +01:00 Europe/Berlin" in r.stdout
    r = run(["ingest", "-v", "--db", db, p], env={"TZ": "UTC"})
    assert "already ingested on 2026-11-23 23:30:00 +00:00 UTC" in r.stderr
