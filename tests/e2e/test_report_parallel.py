"""carecard report with several workers: the files do not depend on --jobs
(demo and small bench data, weekly and quarterly: every file byte for byte),
a worker's failure fails the whole run, and the special children not reached
(read through the special rows only) against the reference query and against
values worked by hand."""
import os
import shutil
import sqlite3
import stat
import subprocess

import openpyxl
import pytest

from conftest import ROOT, run

CONFIG = os.path.join(ROOT, "indicators.ini")
DEMO = os.path.join(ROOT, "fixtures", "demo")

# data set -> (weekly period, quarterly period)
PERIODS = {"demo": ("2026-W40", "2026-Q3"), "small": ("2026-W47", "2026-Q3")}


def ingest(db, tmp, files):
    r = run(["ingest", "-q", "--db", db, "--rejects", tmp] + list(files))
    assert r.returncode in (0, 3), r.stderr


@pytest.fixture(scope="module")
def dbs(tmp_path_factory, small_city):
    d = tmp_path_factory.mktemp("par")
    demo = d / "demo.db"
    ingest(demo, d, [DEMO])
    return {"demo": str(demo), "small": small_city["db"]}


def report(db, out, kind, period, *args):
    return run(["report", kind, "--db", db, "--config", CONFIG, "--period", period,
                "--out", out] + list(args), timeout=300)


def tree(d):
    """{relative path: (bytes, mode)} of every file under d."""
    res = {}
    for dirpath, _, names in os.walk(d):
        for n in names:
            p = os.path.join(dirpath, n)
            with open(p, "rb") as f:
                res[os.path.relpath(p, d)] = (f.read(), stat.S_IMODE(os.stat(p).st_mode))
    return res


@pytest.mark.parametrize("data", ["demo", "small"])
@pytest.mark.parametrize("kind", ["weekly", "quarterly"])
def test_workers_write_identical_files(dbs, tmp_path, data, kind):
    period = PERIODS[data][0 if kind == "weekly" else 1]
    runs = {}
    for jobs in ("1", "2", "3"):
        out = tmp_path / ("j" + jobs)
        r = report(dbs[data], out, kind, period, "--jobs", jobs, "--personal")
        assert r.returncode in (0, 4), r.stderr
        runs[jobs] = (r.returncode, r.stderr, tree(out / period))
        assert [n for n in os.listdir(out) if n.startswith(".")] == []   # no staging left
    one = runs["1"]
    streets = 2 if data == "demo" else 4
    assert len([n for n in one[2] if n.endswith(".xlsx") and "/" not in n]) == streets + 1
    assert len([n for n in one[2] if n.startswith("整改台账/")]) == streets
    assert "warnings.csv" in one[2]
    for jobs in ("2", "3"):
        assert runs[jobs][0] == one[0] and runs[jobs][1] == one[1]
        assert sorted(runs[jobs][2]) == sorted(one[2])
        for name, (data_bytes, mode) in one[2].items():
            assert runs[jobs][2][name] == (data_bytes, mode), f"--jobs {jobs}: {name} differs"
            # --personal: the workbooks 0600; the ledgers hold no personal data
            assert mode == 0o600 or not name.endswith(".xlsx") or name.startswith("整改台账/")


def test_jobs_usage_errors(dbs, tmp_path):
    for bad in ("0", "17", "two", ""):
        r = report(dbs["demo"], tmp_path, "weekly", "2026-W40", "--jobs", bad)
        assert r.returncode == 2
        assert r.stderr.startswith("carecard: report: --jobs: expected 1 to 16")
    assert not (tmp_path / "2026-W40").exists()


@pytest.mark.skipif(not os.path.exists("/usr/bin/prlimit"), reason="prlimit missing")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_failing_worker_fails_the_run(dbs, tmp_path, jobs):
    """Files over 40 kB cannot be written: some workbooks or charts fail while
    the other worker goes on. Exit 1, the previous report untouched, nothing
    new published, the staging directory removed."""
    out = tmp_path / "out"
    period = PERIODS["small"][0]
    r = report(dbs["small"], out, "weekly", period, "--jobs", jobs)
    assert r.returncode in (0, 4), r.stderr
    old = tree(out / period)
    shutil.rmtree(out / period / "charts")
    os.makedirs(out / period / "charts")
    before = tree(out / period)
    r = subprocess.run(["prlimit", "--fsize=40000", os.environ.get("CARECARD_BIN", os.path.join(
        ROOT, "build", "carecard")), "report", "weekly", "--db", dbs["small"], "--config", CONFIG,
        "--period", period, "--out", str(out), "--jobs", jobs], capture_output=True, text=True)
    assert r.returncode == 1, r.stderr
    assert r.stderr.startswith("carecard: ")
    assert tree(out / period) == before
    assert [n for n in os.listdir(out) if n.startswith(".")] == []
    assert len(old) > len(before)


# ---- special children not reached ------------------------------------------

# The reference: every attendance row of a special child (flagged or not)
# counts, read by three passes over the whole history.  On data where a child
# is flagged on every row (the generator's), it must give the same rows as the
# fast path, which reads the special rows only.
REFERENCE = """
WITH sp AS (SELECT DISTINCT a.participant_id FROM attendance a
   JOIN activities v ON v.activity_id = a.activity_id
   WHERE a.special = 1 AND v.date <= :to),
 seen AS (SELECT a.participant_id, v.community_id, v.date,
   row_number() OVER (PARTITION BY a.participant_id
     ORDER BY v.date DESC, v.activity_id DESC) AS k
   FROM attendance a JOIN activities v ON v.activity_id = a.activity_id
   WHERE v.date <= :to AND a.participant_id IN (SELECT participant_id FROM sp)),
 named AS (SELECT a.participant_id, a.name,
   row_number() OVER (PARTITION BY a.participant_id
     ORDER BY v.date DESC, v.activity_id DESC) AS k
   FROM attendance a JOIN activities v ON v.activity_id = a.activity_id
   WHERE v.date <= :to AND a.name IS NOT NULL AND a.name <> ''
     AND a.participant_id IN (SELECT participant_id FROM sp))
SELECT s.community_id, s.participant_id, nm.name, s.date FROM seen s
 LEFT JOIN named nm ON nm.participant_id = s.participant_id AND nm.k = 1
 WHERE s.k = 1 AND s.participant_id NOT IN (
   SELECT a.participant_id FROM attendance a JOIN activities v ON v.activity_id = a.activity_id
   WHERE v.status = 'completed' AND v.date BETWEEN :from AND :to)
 ORDER BY s.community_id, s.participant_id
"""


def special_rows(path):
    ws = openpyxl.load_workbook(path)["未覆盖困境儿童"]
    return [(r[0].value, r[2].value, r[3].value, r[4].value) for r in ws.iter_rows(min_row=3)]


@pytest.mark.parametrize("data", ["demo", "small"])
def test_special_children_match_reference_query(dbs, tmp_path, data):
    period = PERIODS[data][1]
    r = report(dbs[data], tmp_path, "quarterly", period, "--personal")
    assert r.returncode in (0, 4), r.stderr
    con = sqlite3.connect("file:%s?mode=ro" % dbs[data], uri=True)
    # the generator flags a special child on every one of its rows
    assert con.execute("SELECT count(*) FROM attendance WHERE coalesce(special, 0) = 0 AND"
                       " participant_id IN (SELECT participant_id FROM attendance"
                       " WHERE special = 1)").fetchone()[0] == 0
    ref = con.execute(REFERENCE, {"from": "2026-07-01", "to": "2026-09-30"}).fetchall()
    con.close()
    assert len(ref) >= 5
    got = special_rows(tmp_path / period / "all.xlsx")
    assert got == [tuple(x) for x in ref]


HAND_COMMUNITIES = (
    "community_id,community_name,street_id,street_name,population,children_0_3,places,as_of\n"
    "L01,凉水井社区,S01,东城街道,10000,300,40,2026-01-01\n"
    "L02,锦华社区,S01,东城街道,8000,200,20,2026-01-01\n")
HAND_ACTIVITIES = (
    "activity_id,community_id,project,date,hours,status,capacity,registered,attended,children\n"
    "B1,L01,假期班,2026-05-10,2,completed,30,10,3,3\n"
    "B2,L02,假期班,2026-06-20,2,completed,30,10,3,3\n"
    "B3,L01,假期班,2026-08-05,2,cancelled,30,10,0,0\n"
    "B4,L01,假期班,2026-08-06,2,completed,30,10,2,2\n"
    "B5,L02,假期班,2026-10-02,2,completed,30,10,1,1\n"
    "B6,L02,假期班,2026-06-20,2,completed,30,10,1,1\n")
HAND_ATTENDANCE = (
    "activity_id,participant_id,household_id,role,special,name\n"
    "B1,K1,H1,child,Y,赵一\n"          # K1: last visit B2 (L02) without a name
    "B2,K1,H1,child,Y,\n"
    "B3,K2,H2,child,Y,钱二\n"          # K2: a cancelled activity in the quarter
    "B4,K3,H3,child,Y,孙三\n"          # K3: served in the quarter
    "B1,K4,H4,child,Y,李四\n"          # K4: in the quarter only without the flag
    "B4,K4,H4,child,N,李四\n"
    "B5,K5,H5,child,Y,周五\n"          # K5: flagged only after the quarter
    "B2,K6,H6,child,Y,吴六\n"          # K6: same day twice: B6 > B2 wins
    "B6,K6,H6,child,Y,吴陆\n"
    "B2,K7,H7,child,N,郑七\n"          # K7: never flagged
    "B1,K8,H8,child,Y,\n"             # K8: never named
    "B1,K9,H9,child,,王九\n")          # K9: flag unknown


def test_special_children_worked_by_hand(tmp_path):
    files = []
    for name, text in (("communities.csv", HAND_COMMUNITIES), ("activities.csv", HAND_ACTIVITIES),
                       ("attendance.csv", HAND_ATTENDANCE)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        files.append(tmp_path / name)
    db = tmp_path / "h.db"
    ingest(db, tmp_path, files)
    out = tmp_path / "out"
    r = report(str(db), out, "quarterly", "2026-Q3", "--personal", "--jobs", "2")
    assert r.returncode in (0, 4), r.stderr
    expect = [("L01", "K2", "钱二", "2026-08-05"),
              ("L01", "K4", "李四", "2026-05-10"),   # the unflagged visit of B4 does not count
              ("L01", "K8", None, "2026-05-10"),
              ("L02", "K1", "赵一", "2026-06-20"),
              ("L02", "K6", "吴陆", "2026-06-20")]
    assert special_rows(out / "2026-Q3" / "all.xlsx") == expect
    assert special_rows(out / "2026-Q3" / "S01-东城街道.xlsx") == expect
    r = report(str(db), tmp_path / "masked", "quarterly", "2026-Q3")
    assert r.returncode in (0, 4), r.stderr
    masked = special_rows(tmp_path / "masked" / "2026-Q3" / "all.xlsx")
    assert [m[2] for m in masked] == ["钱**", "李**", None, "赵**", "吴**"]
