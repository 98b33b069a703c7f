"""Verdicts a street office can trust (issue 14): threshold scoring, the
colour is the band and 专项整治 a flag, coverage and 未报 leave a unit
unranked, periods outside the data are refused.

Fixture fixtures/test/verdicts/ (data.sql, indicators.ini), worked by hand:
thresholds target 1, yellow 0.98, red 0.95 (CB: 4.5 / 4 / 3; XB: 5 / 4 / 3),
band_scores 80, 60, floor 0; dimension weights 0.59 / 0.14 / 0.14 / 0.13.

2026-W10 (03-02..03-08), each community's W09 row has the same values:
- K1: PA = RA = GA = CA = 94/100 = 0.94, red: 60 * 0.94 / 0.95 = 59.368;
  CB 1000 * 5 / 1000 = 5 met (100).  Community dimension (59.368 + 100) / 2.
  Total 0.87 * 59.368 + 0.13 * 79.684 = 62.01: 合格, four reds, and a run of
  2 each: 专项整治.  (The old linear score v / target gave 94 → 优秀.)
- K2: PA 0.96 yellow: 60 + 20 * 0.01 / 0.03 = 66.667, run 2 → 专项整治, still
  yellow; RA 0.99 blue: 80 + 20 * 0.01 / 0.02 = 90, run 2 → stays blue, 关注;
  GA 99/99, CA 100/100, CB 5 met.  Total 0.59 * 66.667 + 0.14 * 90 + 0.14 *
  100 + 0.13 * 100 = 78.933: 良好, rank 1 (K1 rank 2).  XB (extra) =
  14.999999999999998 / 3, which is 5 = the target: met, score exactly 100.
- K3: reported in W09 only: 未报 (X5 yellow, run 1, 督促报送); its CB is met but
  it is never ranked: unranked "not_reported".
- K4: only PA has a value (1.0 met; 0/0 and missing measures elsewhere):
  coverage 0.59 < min_coverage 0.6: no total, grade or rank, "coverage".
The data begin on 2026-02-24: in W09 K4 has not reported, run 1 (W08 and
earlier end before the data and never count; the old code counted 12).
"""
import json
import os
import shutil
import sqlite3

import openpyxl
import pytest

from conftest import ROOT, run, sql_template_db

FIX = os.path.join(ROOT, "fixtures", "test", "verdicts")
CONFIG = os.path.join(FIX, "indicators.ini")


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return sql_template_db(str(tmp_path_factory.mktemp("verdicts") / "template.db"), os.path.join(FIX, "data.sql"))


@pytest.fixture
def db(template, tmp_path):
    path = str(tmp_path / "v.db")
    shutil.copyfile(template, path)
    return path


def scorecard(db, period, *args):
    r = run(["scorecard", "--db", db, "--config", CONFIG, "--period", period, "--format", "json"]
            + list(args))
    assert r.returncode in (0, 4), r.stderr
    return {u["id"]: u for u in json.loads(r.stdout)["units"]}


def ind(unit, iid):
    return next(i for i in unit["indicators"] if i["id"] == iid)


def test_many_reds_are_not_excellent(db):
    u = scorecard(db, "2026-W10")["K1"]
    s = 60 * 0.94 / 0.95
    for iid in ("PA", "RA", "GA", "CA"):
        i = ind(u, iid)
        assert (i["status"], i["level"], i["run"], i["rectify"]) == ("red", "red", 2, True)
        assert i["score"] == pytest.approx(s, abs=1e-9)
    assert u["dimensions"]["community"]["score"] == pytest.approx((s + 100) / 2, abs=1e-9)
    assert u["total"] == pytest.approx(0.87 * s + 0.13 * (s + 100) / 2, abs=1e-9)   # 62.01
    assert u["grade"] == "合格"
    assert u["rank"] == 2 and u["coverage"] == pytest.approx(1)


def test_blue_run_stays_watch_yellow_run_escalates(db):
    u = scorecard(db, "2026-W10")["K2"]
    ra = ind(u, "RA")
    assert (ra["status"], ra["level"], ra["run"], ra["rectify"]) == ("blue", "blue", 2, False)
    assert ra["score"] == pytest.approx(90, abs=1e-9)
    assert "专项整治" not in ra["explanation"]
    pa = ind(u, "PA")
    assert (pa["status"], pa["level"], pa["run"], pa["rectify"]) == ("yellow", "yellow", 2, True)
    assert pa["score"] == pytest.approx(60 + 20 / 3, abs=1e-9)
    assert pa["explanation"] == "活动组织规范率 96.0% (96/100) < 目标 100.0%，连续 2 周未达标 → 专项整治"
    assert u["total"] == pytest.approx(0.59 * (60 + 20 / 3) + 0.14 * 90 + 0.14 * 100 + 0.13 * 100, abs=1e-9)
    assert u["grade"] == "良好" and u["rank"] == 1
    # the warnings list: 处置 关注 for the blue run, 专项整治 for the yellow one
    r = run(["warnings", "--db", db, "--config", CONFIG, "--period", "2026-W10", "--format", "json"])
    w = {(x["unit_id"], x["indicator_id"]): x for x in json.loads(r.stdout)["warnings"]}
    assert w[("K2", "RA")]["action"] == "关注" and w[("K2", "RA")]["level"] == "blue"
    assert w[("K2", "PA")]["action"] == "专项整治" and w[("K2", "PA")]["level"] == "yellow"
    assert w[("K3", "X5")]["action"] == "督促报送"


def test_boundary_value_is_the_boundary(db):
    xb = ind(scorecard(db, "2026-W10")["K2"], "XB")
    assert xb["value"] < 5 and xb["value"] == pytest.approx(5)     # 4.999999999999999
    assert xb["status"] == "met" and xb["score"] == 100 and xb["explanation"] == ""


def test_not_reported_is_never_ranked(db):
    u = scorecard(db, "2026-W10")["K3"]
    assert ind(u, "CB")["status"] == "met"                  # it has a value ...
    assert u["total"] is None and u["grade"] is None        # ... but no verdict
    assert u["rank"] is None and u["rank_in_area"] is None
    assert u["unranked"] == "not_reported"
    x5 = ind(u, "X5")
    assert (x5["status"], x5["level"], x5["run"], x5["rectify"]) == ("not_reported", "yellow", 1, False)


def test_coverage_059_is_not_ranked(db):
    u = scorecard(db, "2026-W10")["K4"]
    assert u["coverage"] == pytest.approx(0.59, abs=1e-12)
    assert ind(u, "PA")["score"] == 100
    assert u["total"] is None and u["grade"] is None and u["rank"] is None
    assert u["unranked"] == "coverage"
    # min_coverage 0 switches the rule off: then K4 has 100 and ranks first
    ini = open(CONFIG, encoding="utf-8").read().replace("grades     = 90, 75, 60",
                                                        "grades     = 90, 75, 60\nmin_coverage = 0")
    alt = os.path.join(os.path.dirname(db), "alt.ini")
    with open(alt, "w", encoding="utf-8") as f:
        f.write(ini)
    r = run(["scorecard", "--db", db, "--config", alt, "--period", "2026-W10", "--format", "json"])
    k4 = next(x for x in json.loads(r.stdout)["units"] if x["id"] == "K4")
    assert k4["total"] == 100 and k4["rank"] == 1 and "unranked" not in k4


def test_unranked_listed_after_ranked(db, tmp_path):
    out = tmp_path / "rep"
    r = run(["report", "weekly", "--db", db, "--config", CONFIG, "--period", "2026-W10", "--out", str(out)])
    assert r.returncode == 4, r.stderr
    ws = openpyxl.load_workbook(out / "2026-W10" / "S01-东城街道.xlsx")["总览"]
    head = [c.value for c in ws[4]]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=5, max_row=8)]
    assert [r[1] for r in rows] == ["K2", "K1", "K3", "K4"]
    assert [r[0] for r in rows] == [1, 2, "未报", "覆盖不足"]
    tot, grade, rect = head.index("总分"), head.index("等级"), head.index("专项整治")
    assert rows[2][tot] is None and rows[2][grade] is None and rows[3][tot] is None
    assert rows[1][rect] == 4 and rows[0][rect] == 1        # K1 four, K2 PA
    assert rows[3][head.index("覆盖率")] == pytest.approx(0.59)
    # the 专项整治 cell keeps its band's colour and carries the mark
    wl = openpyxl.load_workbook(out / "2026-W10" / "S01-东城街道.xlsx")["预警清单"]
    pa = next(r for r in wl.iter_rows(min_row=2) if r[1].value == "K2" and r[3].value == "PA")
    assert pa[5].value == "黄【专】" and pa[5].fill.fgColor.rgb == "FFF2B134"
    assert pa[5].border.left.style == "thick" and pa[10].value == "专项整治"
    ra = next(r for r in wl.iter_rows(min_row=2) if r[1].value == "K2" and r[3].value == "RA")
    assert ra[5].value == "蓝" and ra[10].value == "关注"


def test_runs_never_count_periods_before_the_data(db):
    x5 = ind(scorecard(db, "2026-W09")["K4"], "X5")
    assert (x5["status"], x5["run"], x5["rectify"], x5["level"]) == ("not_reported", 1, False, "yellow")


@pytest.mark.parametrize("cmd", [["scorecard", "--format", "json"], ["warnings", "--format", "json"],
                                 ["report", "weekly"]])
def test_future_period_refused_nothing_recorded(db, tmp_path, cmd):
    out = tmp_path / "out"
    args = cmd + ["--db", db, "--config", CONFIG, "--period", "2030-W10"]
    args += ["--out", str(out)] if cmd[0] != "warnings" else []
    if cmd[0] == "scorecard":
        args[-1] = str(out) + ".json"
    r = run(args)
    assert r.returncode == 1
    assert r.stderr == ("carecard: 2030-W10 has no data: the database holds 2026-02-24 … 2026-03-05; "
                        "have this week's files been ingested? (the last week with data is 2026-W10)\n")
    assert r.stdout == ""
    assert not os.path.exists(out) and not os.path.exists(str(out) + ".json")
    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*) FROM warning_log").fetchone()[0] == 0
    con.close()


def test_period_before_the_data_refused(db, tmp_path):
    r = run(["scorecard", "--db", db, "--config", CONFIG, "--period", "2025", "--format", "json"])
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr == ("carecard: 2025 has no data: the database holds 2026-02-24 … 2026-03-05, which "
                        "begin after it (the first year with data is 2026)\n")
    r = run(["report", "monthly", "--db", db, "--config", CONFIG, "--period", "2026-01",
             "--out", str(tmp_path / "m")])
    assert r.returncode == 1 and "2026-01 has no data" in r.stderr
    assert not os.path.exists(tmp_path / "m")
    # a period that holds some data is reported as usual
    r = run(["report", "monthly", "--db", db, "--config", CONFIG, "--period", "2026-03",
             "--out", str(tmp_path / "m")])
    assert r.returncode in (0, 4), r.stderr
