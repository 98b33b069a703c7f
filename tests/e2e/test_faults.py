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
from reliability_util import count, integrity, read_only, write_activities, write_communities

FAULT_LIB = os.path.join(ROOT, os.environ.get("BUILD", "build"), "tests", "failwrite.so")


def fresh_db(tmp_path):
    db = tmp_path / "cc.db"
    r = run(["ingest", "--db", db, write_communities(tmp_path)])
    assert r.returncode == 0, r.stderr
    return db


def test_kill9_during_ingest_all_or_nothing(tmp_path):
    """kill -9 while a 200,000-row file (17 MB: the bulk path, a rollback
    journal) is loading.  Each kill is aimed inside the load: after its write
    transaction has begun (the -journal file exists), at a random point of the
    load, and counted only when the process was still running then; most
    trials must hit a running load.  After each: the database is sound and
    holds all of the file or none of it (rows and log entry alike)."""
    db = fresh_db(tmp_path)
    big = write_activities(tmp_path, 200000)
    # how long a load takes here, to aim the kills inside it
    probe = tmp_path / "probe.db"
    assert run(["ingest", "-q", "--db", probe, write_communities(tmp_path)]).returncode == 0
    t0 = time.time()
    assert run(["ingest", "-q", "--db", probe, big], timeout=600).returncode == 0
    load = time.time() - t0
    rng = random.Random(20261123)
    trials = int(os.environ.get("CC_KILL_TRIALS", "20"))
    hits = 0
    for trial in range(trials):
        p = subprocess.Popen([BIN, "ingest", "-q", "--db", str(db), big],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 60
        while p.poll() is None and not os.path.exists(f"{db}-journal") and time.time() < deadline:
            time.sleep(0.0005)
        time.sleep(rng.uniform(0.0, 0.8 * load))
        hits += p.poll() is None            # still loading: the kill lands mid-load
        p.send_signal(signal.SIGKILL)
        p.wait()
        assert integrity(str(db)) == "ok", f"trial {trial}"
        n = count(str(db), "activities")
        assert n in (0, 200000), f"trial {trial}: {n} rows half-stored"
        con = sqlite3.connect(str(db))
        logged = con.execute("SELECT count(*), coalesce(sum(rows_accepted), 0) FROM files "
                             "WHERE kind = 'activities'").fetchone()
        assert logged == ((1, 200000) if n else (0, 0)), f"trial {trial}: log {logged} for {n} rows"
        if n:   # a finished ingest: every row as in the file, then start again from nothing
            assert con.execute("SELECT count(DISTINCT activity_id), sum(attended), min(activity_id), "
                               "max(activity_id) FROM activities").fetchone() == \
                (200000, sum(15 + i % 10 for i in range(200000)), "A0000000", "A0199999")
            con.execute("DELETE FROM activities")
            con.execute("DELETE FROM files WHERE kind = 'activities'")
            con.commit()
        assert con.execute("SELECT count(*) FROM communities").fetchone() == (3,)
        con.close()
    print(f"kill -9 trials: {trials}, {hits} mid-load (load {load:.2f} s)")
    assert hits >= trials * 3 // 4, f"only {hits} of {trials} kills hit a running load"
    # the file is still ingestible afterwards
    r = run(["ingest", "-q", "--db", db, big])
    assert r.returncode == 0, r.stderr
    assert count(str(db), "activities") == 200000


def snapshot(db):
    """Every row of every table, sorted (read-only: does not recover)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [t for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1")]
        return {t: sorted(con.execute(f"SELECT * FROM \"{t}\"").fetchall(), key=repr) for t in tables}
    finally:
        con.close()


def test_kill9_during_bulk_load_rolls_back(tmp_path):
    """A big file is loaded through a rollback journal (journal_mode=DELETE).
    Killed midway, it leaves a hot journal and a database in rollback mode:
    the next command rolls it back (the database holds exactly what it held
    before), the scorecard works, and the database is in WAL mode again."""
    db = str(fresh_db(tmp_path))
    small = write_activities(tmp_path, 500, name="week.csv", prefix="W")
    assert run(["ingest", "-q", "--db", db, small]).returncode == 0
    sc = ["scorecard", "--db", db, "--config", os.path.join(ROOT, "indicators.ini"), "--period", "2026-W47",
          "--format", "csv"]
    card = run(sc)
    assert card.returncode in (0, 4), card.stderr
    before = snapshot(db)           # (with the scorecard's warning_log)
    # more than the page cache (64 MB) holds: the load spills pages into the
    # database file before its commit; it is killed then
    big = write_activities(tmp_path, 1000000, name="big.csv", prefix="B")
    size0 = os.path.getsize(db)
    p = subprocess.Popen([BIN, "ingest", "-q", "--db", db, big], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and p.poll() is None and os.path.getsize(db) < size0 + (8 << 20):
        time.sleep(0.005)
    assert p.poll() is None, "the ingest finished before it could be killed"
    p.send_signal(signal.SIGKILL)
    p.wait()
    assert os.path.getsize(db) > size0
    # a hot rollback journal, the database in rollback mode (header bytes 18-19 = 1: legacy, 2: WAL)
    assert os.path.exists(db + "-journal") and os.path.getsize(db + "-journal") > 0
    assert not os.path.exists(db + "-wal") or os.path.getsize(db + "-wal") == 0
    with open(db, "rb") as f:
        assert f.read(20)[18:20] == b"\x01\x01"
    # a read-only connection cannot roll it back
    with pytest.raises(sqlite3.OperationalError):
        snapshot(db)
    st = run(["status", "--db", db])        # the next command rolls back
    assert st.returncode == 0 and st.stderr == "", st.stderr
    assert not os.path.exists(db + "-journal")
    assert snapshot(db) == before
    again = run(sc)
    assert (again.returncode, again.stdout, again.stderr) == (card.returncode, card.stdout, card.stderr)
    assert integrity(db) == "ok"
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    con.close()
    # the next ingest loads the whole file and leaves WAL mode
    r = run(["ingest", "-q", "--db", db, big], timeout=600)
    assert r.returncode == 0, r.stderr
    assert count(db, "activities") == 1000500
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    con.close()
    with open(db, "rb") as f:
        assert f.read(20)[18:20] == b"\x02\x02"


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
    """A database the process may not write (mode 0400 for a user; immutable for
    root, who ignores modes): ingest fails with exit 1 and a clear message."""
    db = fresh_db(tmp_path)
    acts = write_activities(tmp_path, 10)
    with read_only(db):
        r = run(["ingest", "--db", db, acts])
        assert r.returncode == 1, r.stderr
        assert r.stderr.startswith("carecard:")
        assert "read" in r.stderr.lower() or "permission" in r.stderr.lower(), r.stderr
    assert count(str(db), "activities") == 0


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


# ---- report writing -------------------------------------------------------

DEMO = os.path.join(ROOT, "fixtures", "demo")
CONFIG = os.path.join(ROOT, "indicators.ini")
WEEK = "2026-W40"
EXTRA = ("activity_id,community_id,project,date,start_time,end_time,capacity,registered,attended,children\n"
         "FX-1,S001C03,家长课堂,2026-09-30,19:00,20:30,30,25,21,0\n")


def demo_db(tmp_path):
    db = tmp_path / "demo.db"
    r = run(["ingest", "-q", "--db", db, "--rejects", tmp_path, DEMO])
    assert r.returncode in (0, 3), r.stderr
    return db


def report_files(out):
    d = out / WEEK
    res = {}
    for dirpath, _, names in os.walk(d):
        for n in names:
            p = os.path.join(dirpath, n)
            with open(p, "rb") as f:
                res[os.path.relpath(p, d)] = f.read()
    return res


def whole(name, data):
    """A complete file of its kind: a zip that reads back, a PNG with its end chunk."""
    import io
    import zipfile
    if name.endswith(".xlsx"):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return z.testzip() is None
    if name.endswith(".png"):
        return data.startswith(b"\x89PNG") and data.endswith(b"IEND\xaeB`\x82")
    return len(data) > 0


def test_kill9_during_report_keeps_previous_files(tmp_path):
    db = demo_db(tmp_path)
    out = tmp_path / "out"
    r = run(["report", "weekly", "-q", "--db", db, "--config", CONFIG, "--period", WEEK, "--out", out])
    assert r.returncode in (0, 4), r.stderr
    old = report_files(out)
    assert any(n.endswith(".xlsx") for n in old)
    (tmp_path / "extra.csv").write_text(EXTRA, encoding="utf-8")
    assert run(["ingest", "-q", "--db", db, tmp_path / "extra.csv"]).returncode == 0
    rng = random.Random(47)
    for trial in range(8):
        p = subprocess.Popen([BIN, "report", "weekly", "-q", "--db", str(db), "--config", CONFIG,
                              "--period", WEEK, "--out", str(out)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 1.5))
        p.send_signal(signal.SIGKILL)
        p.wait()
        now = report_files(out)
        for name, data in now.items():
            if ".tmp" in name:
                continue            # a temporary file of the killed run, never a final name
            assert whole(name, data), f"trial {trial}: {name} is incomplete"
        for name in old:
            assert name in now, f"trial {trial}: {name} disappeared"
    # a run that finishes replaces everything with the new report
    r = run(["report", "weekly", "-q", "--db", db, "--config", CONFIG, "--period", WEEK, "--out", out])
    assert r.returncode in (0, 4), r.stderr
    final = report_files(out)
    assert final[f"S001-东城街道.xlsx"] != old[f"S001-东城街道.xlsx"]
@pytest.mark.skipif(not os.path.exists("/usr/bin/prlimit"), reason="prlimit missing")
def test_file_size_limit_during_report_keeps_previous_files(tmp_path):
    db = demo_db(tmp_path)
    out = tmp_path / "out"
    r = run(["report", "weekly", "-q", "--db", db, "--config", CONFIG, "--period", WEEK, "--out", out])
    assert r.returncode in (0, 4), r.stderr
    old = report_files(out)
    (tmp_path / "extra.csv").write_text(EXTRA, encoding="utf-8")
    assert run(["ingest", "-q", "--db", db, tmp_path / "extra.csv"]).returncode == 0
    r = subprocess.run(["prlimit", "--fsize=40000", BIN, "report", "weekly", "--db", str(db),
                        "--config", CONFIG, "--period", WEEK, "--out", str(out)],
                       capture_output=True, text=True)
    assert r.returncode == 1, r.stderr
    assert r.stderr.startswith("carecard:")
    now = report_files(out)
    for name, data in old.items():
        assert now[name] == data, f"{name} changed although the run failed"
    assert not [n for n in now if n not in old], "a failed run left files behind"


def test_missing_output_parent_is_an_error(tmp_path):
    """--out is created when missing, but not a whole missing tree: a mistyped
    path in a cron line fails with exit 1 instead of scattering reports."""
    db = demo_db(tmp_path)
    out = tmp_path / "no" / "such" / "dir"
    r = run(["report", "weekly", "--db", db, "--config", CONFIG, "--period", WEEK, "--out", out])
    assert r.returncode == 1
    assert r.stderr.startswith("carecard: ") and "cannot create directory" in r.stderr
    assert not (tmp_path / "no").exists()
    r = run(["report", "weekly", "-q", "--db", db, "--config", CONFIG, "--period", WEEK,
             "--out", tmp_path / "new"])
    assert r.returncode in (0, 4), r.stderr
    assert (tmp_path / "new" / WEEK / "all.xlsx").exists()
    assert [n for n in os.listdir(tmp_path / "new") if n.startswith(".")] == []   # staging removed


def test_sigterm_during_report_stops_and_cleans_up(tmp_path):
    """SIGTERM (cron's timeout, Ctrl-C) mid-report: exit 1 with a message, the
    previous report untouched, the staging directory removed."""
    db = demo_db(tmp_path)
    out = tmp_path / "out"
    r = run(["report", "weekly", "-q", "--db", db, "--config", CONFIG, "--period", WEEK, "--out", out])
    assert r.returncode in (0, 4), r.stderr
    old = report_files(out)
    (tmp_path / "extra.csv").write_text(EXTRA, encoding="utf-8")
    assert run(["ingest", "-q", "--db", db, tmp_path / "extra.csv"]).returncode == 0
    stopped = 0
    for delay in (0.05, 0.2, 0.4):
        p = subprocess.Popen([BIN, "report", "weekly", "-q", "--db", str(db), "--config", CONFIG,
                              "--period", WEEK, "--out", str(out)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(delay)
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=60)
        if p.returncode == 1:
            stopped += 1
            assert "interrupted" in err, err
            assert report_files(out) == old
        elif p.returncode == -signal.SIGTERM:
            # the signal came before main() set its handler (a sanitizer
            # build takes about 0.13 s to start): nothing was written yet
            assert report_files(out) == old
        else:
            assert p.returncode in (0, 4), err      # finished before the signal
        assert [n for n in os.listdir(out) if n.startswith(".")] == []
    assert stopped >= 1
