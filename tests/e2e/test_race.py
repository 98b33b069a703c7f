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
TRIALS = int(os.environ.get("CC_RACE_TRIALS", "12"))


def preload_env(log):
    e = dict(os.environ)
    e.pop("CARECARD_DB", None)
    e["TZ"] = "UTC"
    e["LD_PRELOAD"] = LOCKWATCH
    e["CC_LOCKWATCH_LOG"] = str(log)
    # an ASan build wants its runtime first in the library list
    e["ASAN_OPTIONS"] = "verify_asan_link_order=0:" + e.get("ASAN_OPTIONS", "")
    return e


# Each table of the two files, joined with the reference database on its key
# (an index lookup a row): file_id is left out (it depends on the order).
TABLES = {
    "attendance": ("activity_id, participant_id", "household_id, role, special, name, line"),
    "survey_responses": ("response_id", "community_id, date, role, line"),
    "survey_answers": ("response_id, question", "answer"),
    "files": ("sha256", "name, kind, rows_read, rows_accepted, rows_rejected, superseded_by IS NULL"),
}


def counts(db):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        con.close()


def differences(db, ref):
    """{table: rows not matched exactly} between db and ref; {} when every row
    of both files is in db exactly as in ref and nothing else is."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        con.execute("ATTACH ? AS ref", (f"file:{ref}?mode=ro",))
        out = {}
        for t, (key, cols) in TABLES.items():
            on = " AND ".join(f"a.{k} = b.{k}" for k in key.split(", "))
            same = " AND ".join(f"(a.{c}) IS (b.{c})" if " IS " not in c else
                                f"(a.{c.split(' IS ')[0]} IS NULL) = (b.{c.split(' IS ')[0]} IS NULL)"
                                for c in cols.split(", "))
            n_a = con.execute(f"SELECT count(*) FROM main.{t}").fetchone()[0]
            n_b = con.execute(f"SELECT count(*) FROM ref.{t}").fetchone()[0]
            match = con.execute(f"SELECT count(*) FROM main.{t} a JOIN ref.{t} b ON {on} WHERE {same}").fetchone()[0]
            if not (n_a == n_b == match):
                out[t] = max(n_a, n_b) - match
        return out
    finally:
        con.close()


@pytest.fixture(scope="module")
def race_data(tmp_path_factory):
    d = tmp_path_factory.mktemp("race")
    data = d / "data"
    # the small city with 22 attendance rows a session: about 9 MB, 168,000 rows
    p = subprocess.run([GEN, "--profile", "small", "--attendance", "22", "--out", str(data), "-q"],
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
    t0 = time.time()
    r = run(["ingest", "-q", "--db", ref, att], timeout=300)
    assert r.returncode == 0, r.stderr
    load = time.time() - t0             # to start the second ingest inside the load
    r = run(["ingest", "-q", "--db", ref, data / "surveys.csv"], timeout=300)
    assert r.returncode == 0, r.stderr
    want = counts(ref)
    assert want["attendance"] > 150000 and want["survey_responses"] > 1000
    return {"dir": d, "att": att, "surveys": data / "surveys.csv", "base": base, "ref": ref, "want": want,
            "load": load}


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
        time.sleep(rng.uniform(0.0, 0.8 * race_data["load"]))
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
        assert differences(db, race_data["ref"]) == {}, \
            f"trial {trial}: rows differ from a one-after-the-other ingest"
        assert not log.exists(), log.read_text()
        os.unlink(db)
    print(f"race trials: {TRIALS}, {hit} with the second ingest started during the load")
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
    assert counts(db)["survey_responses"] == race_data["want"]["survey_responses"]
