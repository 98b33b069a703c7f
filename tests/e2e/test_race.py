"""A second ingest started while a big attendance file (>= 8 MiB, the bulk
path: rollback journal, indexes dropped and rebuilt) is loading into the same
database (a cron job and a clerk's manual run).  Issue 13: a writeback hint
opened and closed the database file during the load; closing any descriptor
of a file drops every POSIX lock the process holds on it, so the second
ingest wrote into the middle of the first's transaction ("2nd reference to
page", rows and log entries lost).

Each trial: both ingests exit 0, PRAGMA integrity_check is "ok" and every row
of both files is in the database exactly as a one-after-the-other ingest
stores it.  Both processes run under tests/faults/lockwatch.so, which logs any
close() of a descriptor of a file this process holds POSIX locks on while
another descriptor of it stays open: that log must stay empty (it catches the
fault even in a trial whose timing misses the window)."""
import os
import random
import shutil
import sqlite3
import subprocess
import time

import pytest

from conftest import BIN, GEN, ROOT, run

BUILD = os.environ.get("BUILD", "build")
LOCKWATCH = os.path.join(ROOT, BUILD, "tests", "lockwatch.so")
TRIALS = int(os.environ.get("CC_RACE_TRIALS", "16"))


def preload_env(log):
    e = dict(os.environ)
    e.pop("CARECARD_DB", None)
    e["TZ"] = "UTC"
    e["LD_PRELOAD"] = LOCKWATCH
    e["CC_LOCKWATCH_LOG"] = str(log)
    # an ASan build wants its runtime first in the library list
    e["ASAN_OPTIONS"] = "verify_asan_link_order=0:" + e.get("ASAN_OPTIONS", "")
    return e


def rows(db):
    """Every row of both files, file_id left out (it depends on the order)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {
            "attendance": sorted(con.execute(
                "SELECT activity_id, participant_id, household_id, role, special, name, line FROM attendance")),
            "survey_responses": sorted(con.execute(
                "SELECT response_id, community_id, date, role, line FROM survey_responses")),
            "survey_answers": sorted(con.execute("SELECT * FROM survey_answers")),
            "files": sorted(con.execute(
                "SELECT name, sha256, kind, rows_read, rows_accepted, rows_rejected, superseded_by IS NULL "
                "FROM files")),
        }
    finally:
        con.close()


@pytest.fixture(scope="module")
def race_data(tmp_path_factory):
    d = tmp_path_factory.mktemp("race")
    data = d / "data"
    # the small city with 30 attendance rows a session: about 12 MB, 229,000 rows
    p = subprocess.run([GEN, "--profile", "small", "--attendance", "30", "--out", str(data), "-q"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    att = data / "attendance.csv"
    assert os.path.getsize(att) >= 8 << 20
    base = d / "base.db"
    for k in ("communities", "providers", "activities"):
        r = run(["ingest", "-q", "--db", base, data / f"{k}.csv"], timeout=300)
        assert r.returncode == 0, r.stderr
    ref = d / "ref.db"
    shutil.copy(base, ref)
    for k in ("attendance", "surveys"):
        r = run(["ingest", "-q", "--db", ref, data / f"{k}.csv"], timeout=300)
        assert r.returncode == 0, r.stderr
    want = rows(ref)
    assert len(want["attendance"]) > 200000 and len(want["survey_responses"]) > 1000
    return {"dir": d, "att": att, "surveys": data / "surveys.csv", "base": base, "want": want}


@pytest.mark.skipif(not os.path.exists(LOCKWATCH), reason="build/tests/lockwatch.so not built (make e2e)")
def test_ingest_during_a_big_load_loses_nothing(race_data, tmp_path):
    rng = random.Random(1313)
    log = tmp_path / "lockwatch.log"
    env = preload_env(log)
    hit = 0
    for trial in range(TRIALS):
        db = tmp_path / f"c{trial}.db"
        shutil.copy(race_data["base"], db)
        first = subprocess.Popen([BIN, "ingest", "-q", "--db", str(db), str(race_data["att"])], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # the load has begun once its rollback journal exists; then start the
        # second ingest somewhere in the load, index rebuild or rosters
        deadline = time.time() + 60
        while first.poll() is None and not os.path.exists(f"{db}-journal") and time.time() < deadline:
            time.sleep(0.001)
        time.sleep(rng.uniform(0.0, 0.5))
        hit += first.poll() is None
        second = subprocess.Popen([BIN, "ingest", "-q", "--db", str(db), str(race_data["surveys"])], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        out2, err2 = second.communicate(timeout=300)
        out1, err1 = first.communicate(timeout=300)
        assert (first.returncode, err1) == (0, ""), f"trial {trial}"
        assert (second.returncode, err2) == (0, ""), f"trial {trial}"
        con = sqlite3.connect(str(db))
        try:
            assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)], f"trial {trial}"
        finally:
            con.close()
        assert rows(db) == race_data["want"], f"trial {trial}: rows differ from a one-after-the-other ingest"
        assert not log.exists(), log.read_text()
        os.unlink(db)
    # most second ingests really started while the first was loading
    assert hit >= TRIALS // 2, f"only {hit} of {TRIALS} trials overlapped"


@pytest.mark.skipif(not os.path.exists(LOCKWATCH), reason="build/tests/lockwatch.so not built (make e2e)")
def test_database_given_as_input_is_not_opened(race_data, tmp_path):
    """The database (or its -journal/-wal) named among the inputs is refused
    without being opened: reading it would close a descriptor of it."""
    db = tmp_path / "c.db"
    shutil.copy(race_data["base"], db)
    log = tmp_path / "lockwatch.log"
    p = subprocess.run([BIN, "ingest", "-q", "--db", str(db), str(race_data["surveys"]), str(db)],
                       env=preload_env(log), capture_output=True, text=True, timeout=300)
    assert p.returncode != 0
    assert f"carecard: {db}: is the database {db} itself" in p.stderr, p.stderr
    assert not log.exists(), log.read_text()
    assert len(rows(db)["survey_responses"]) == len(race_data["want"]["survey_responses"])
