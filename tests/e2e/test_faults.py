"""Faults: kill -9 during ingest, disk full / file-size limit, read-only and
locked databases, unwritable output.  The database must stay intact and hold
all or none of a file; reports must never be left half-written."""
import os
import random
import signal
import sqlite3
import stat
import subprocess
import time

import pytest

from conftest import BIN, ROOT, run
from reliability_util import count, integrity, write_activities, write_communities

FAULT_LIB = os.path.join(ROOT, os.environ.get("BUILD", "build"), "tests", "failwrite.so")


def fresh_db(tmp_path):
    db = tmp_path / "cc.db"
    r = run(["ingest", "--db", db, write_communities(tmp_path)])
    assert r.returncode == 0, r.stderr
    return db


def test_kill9_during_ingest_all_or_nothing(tmp_path):
    db = fresh_db(tmp_path)
    big = write_activities(tmp_path, 200000)
    rng = random.Random(20261123)
    outcomes = set()
    for trial in range(int(os.environ.get("CC_KILL_TRIALS", "20"))):
        p = subprocess.Popen([BIN, "ingest", "-q", "--db", str(db), big],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.0, 1.2))
        p.send_signal(signal.SIGKILL)
        p.wait()
        assert integrity(str(db)) == "ok", f"trial {trial}"
        n = count(str(db), "activities")
        assert n in (0, 200000), f"trial {trial}: {n} rows half-stored"
        outcomes.add(n)
        if n:   # a finished ingest: start again from nothing
            con = sqlite3.connect(str(db))
            con.execute("DELETE FROM activities")
            con.execute("DELETE FROM files WHERE kind = 'activities'")
            con.commit()
            con.close()
    # the file is still ingestible afterwards
    r = run(["ingest", "-q", "--db", db, big])
    assert r.returncode == 0, r.stderr
    assert count(str(db), "activities") == 200000


@pytest.mark.skipif(not os.path.exists("/usr/bin/prlimit"), reason="prlimit missing")
def test_file_size_limit_during_ingest(tmp_path):
    db = fresh_db(tmp_path)
    before = count(str(db), "communities")
    big = write_activities(tmp_path, 100000)
    size = os.path.getsize(db)
    r = subprocess.run(["prlimit", f"--fsize={size + 200000}", BIN, "ingest", "--db", str(db), big],
                       capture_output=True, text=True)
    assert r.returncode == 1, r.stderr
    assert "carecard:" in r.stderr
    assert integrity(str(db)) == "ok"
    assert count(str(db), "activities") == 0
    assert count(str(db), "communities") == before


def test_read_only_database(tmp_path):
    db = fresh_db(tmp_path)
    os.chmod(db, 0o400)
    os.chmod(tmp_path, 0o500)
    try:
        if os.access(db, os.W_OK):
            pytest.skip("running as a user that ignores file modes")
        r = run(["ingest", "--db", db, write_activities(tmp_path, 10)])
        assert r.returncode == 1
        assert r.stderr.startswith("carecard:")
    finally:
        os.chmod(tmp_path, 0o700)
        os.chmod(db, 0o600)


def test_locked_database_times_out_cleanly(tmp_path):
    db = fresh_db(tmp_path)
    acts = write_activities(tmp_path, 10)
    con = sqlite3.connect(str(db), timeout=1)
    con.execute("BEGIN IMMEDIATE")
    try:
        r = run(["ingest", "--db", db, acts], env={"CARECARD_BUSY_TIMEOUT_MS": "1500"}, timeout=120)
    finally:
        con.rollback()
        con.close()
    assert r.returncode == 1
    assert "locked" in r.stderr
    assert count(str(db), "activities") == 0


def test_database_mode_0600(tmp_path):
    db = fresh_db(tmp_path)
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600
