"""Issue 13 (reliability): the same file ingested by several processes at
once, notices that must match what was stored, leftovers, diagnostics."""
import os
import sqlite3
import subprocess

import pytest

from conftest import BIN, run
from reliability_util import ACT_HEADER, count, integrity, read_only, write_activities, write_communities


def fresh_db(tmp_path):
    db = tmp_path / "cc.db"
    r = run(["ingest", "-q", "--db", db, write_communities(tmp_path)])
    assert r.returncode == 0, r.stderr
    return db


def test_same_file_by_six_processes_at_once(tmp_path):
    """One stores the file, the other five say "already ingested" and exit 0
    (they used to exit 1 with "UNIQUE constraint failed: files.sha256").
    A run that finds the file stored before it started says so with -v only
    (cron re-reads its inbox), one that lost the race while reading always."""
    db = fresh_db(tmp_path)
    stored = 0
    for rnd in range(4):
        f = write_activities(tmp_path, 20000, name=f"act{rnd}.csv", prefix=f"R{rnd}-")
        procs = [subprocess.Popen([BIN, "ingest", "-v", "--lang", "en", "--db", str(db), f],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(6)]
        errs = []
        for p in procs:
            _, err = p.communicate(timeout=300)
            assert p.returncode == 0, err
            errs.append(err)
        skipped = [e for e in errs if "already ingested" in e]
        assert len(skipped) == 5, errs
        for e in skipped:
            line = [x for x in e.splitlines() if "already ingested" in x]
            assert len(line) == 1, e
            assert line[0].startswith(f"carecard: {f}: already ingested on "), e
            assert line[0].endswith(" (same SHA-256); skipped"), e
        stored += 20000
        assert count(str(db), "activities") == stored
        con = sqlite3.connect(str(db))
        assert con.execute("SELECT count(*) FROM files WHERE kind = 'activities'").fetchone() == (rnd + 1,)
        con.close()
    assert integrity(str(db)) == "ok"


@pytest.mark.skipif(not os.path.exists("/usr/bin/prlimit"), reason="prlimit missing")
def test_plausibility_notice_only_when_stored(tmp_path):
    """A file whose store fails late (the file-size limit, as a full disk) is
    not stored: no "plausibility warnings stored" notice for it."""
    db = fresh_db(tmp_path)
    p = tmp_path / "act.csv"
    with open(p, "w", encoding="utf-8") as f:
        f.write(ACT_HEADER)
        for i in range(60000):   # attended 30 > 1.5 × capacity 10: a plausibility warning each
            f.write(f"P{i:07d},L01,儿童观察团,2026-11-{1 + i % 28:02d},09:00,11:00,completed,10,30,30,10,2,1,18,20\n")
    size = os.path.getsize(db)
    r = subprocess.run(["prlimit", f"--fsize={size + 300000}", BIN, "ingest", "--db", str(db), str(p)],
                       capture_output=True, text=True)
    assert r.returncode == 1, r.stderr
    assert "not stored" in r.stderr
    assert "plausibility warning" not in r.stderr, r.stderr
    assert count(str(db), "activities") == 0
    # stored, the notice is right
    r = run(["ingest", "--db", db, p])
    assert r.returncode == 0, r.stderr
    assert f"carecard: {p}: 60000 plausibility warnings stored" in r.stderr, r.stderr


def test_mixed_encoding_names_the_line_of_the_bad_bytes(tmp_path):
    """GB18030 on line 3, a byte valid in neither encoding on line 4: the
    message names line 4 (it said "near line 1": the parser's line while the
    first chunk was decoded ahead)."""
    db = fresh_db(tmp_path)
    p = tmp_path / "fb.csv"
    p.write_bytes(b"feedback_id,community_id,received\nF-1,L01,2026-11-16\n"
                  b"F-2,\xb6\xab\xb3\xc7,2026-11-16\nF-3,L01,2026-11-16\xff\nF-4,L01,2026-11-16\n")
    r = run(["ingest", "--db", db, p])
    assert r.returncode == 1
    assert r.stderr == (f"carecard: {p}: neither UTF-8 nor GB18030 (mixed encodings?): invalid byte sequence on line 4\n"
                        f"carecard: {p}: not stored (no file was stored before it)\n"), r.stderr
    # the bad bytes deep in a big file: the line is counted, not the chunk's
    with open(p, "wb") as f:
        f.write(b"feedback_id,community_id,received\n")
        for i in range(20000):
            f.write(b"F-%d,\xb6\xab,2026-11-16\n" % i)
        f.write(b"F-x,L01,2026-11-16\x80\n")
    r = run(["ingest", "--db", db, p])
    assert r.returncode == 1
    assert "invalid byte sequence on line 20002\n" in r.stderr, r.stderr


CONFIG = os.path.join(os.environ.get("CARECARD_ROOT", "."), "indicators.ini")
COMM_HEADER = ("community_id,community_name,street_id,street_name,population,children_0_3,children_3_12,"
               "eligible_families,special_children,places,as_of\n")


def street_db(tmp_path, streets):
    """One community per street (id, name) and a session each in 2026-W47."""
    db = tmp_path / "s.db"
    c = tmp_path / "communities.csv"
    with open(c, "w", encoding="utf-8") as f:
        f.write(COMM_HEADER)
        for k, (sid, sname) in enumerate(streets):
            f.write(f'C{k:02d},社区{k},"{sid}","{sname}",10000,300,1000,1500,10,40,2026-01-01\n')
    a = tmp_path / "activities.csv"
    with open(a, "w", encoding="utf-8") as f:
        f.write(ACT_HEADER)
        for k in range(len(streets)):
            f.write(f"A{k:02d},C{k:02d},儿童观察团,2026-11-17,09:00,11:00,completed,30,20,15,10,2,1,18,20\n")
    r = run(["ingest", "-q", "--db", db, c, a])
    assert r.returncode == 0, r.stderr
    return db


def weekly(db, out):
    return run(["report", "weekly", "-q", "--db", db, "--config", CONFIG, "--period", "2026-W47", "--out", out])


def test_sanitised_names_unique_per_run(tmp_path):
    """Eight streets, four of them with IDs that sanitise alike (S/1, S:1, S 1)
    or differ only in case: eight workbooks (were seven, silently)."""
    streets = [("S/1", "Dup街道"), ("S:1", "Dup街道"), ("S 1", "Dup街道"), ("S_1", "Dup街道"),
               ("S02", "东城街道"), ("s02", "东城街道"), ("S03", "西湖街道"), ("S04", "北街道")]
    db = street_db(tmp_path, streets)
    out = tmp_path / "out"
    r = weekly(db, out)
    assert r.returncode in (0, 4), r.stderr
    books = sorted(n for n in os.listdir(out / "2026-W47") if n.endswith(".xlsx") and n != "all.xlsx")
    assert len(books) == 8, books
    assert len({b.lower() for b in books}) == 8
    # an unchanged, unique ID keeps its plain name; the others carry the ID's hash
    assert "S03-西湖街道.xlsx" in books and "S04-北街道.xlsx" in books and "S_1-Dup街道.xlsx" in books
    import hashlib
    for sid, name in streets[:3] + streets[4:6]:
        h = hashlib.sha256(sid.encode()).hexdigest()[:8]
        safe = "".join(c if c.isalnum() and c.isascii() or c in "-_" else "_" for c in sid)
        assert f"{safe}_{h}-{name}.xlsx" in books, (sid, books)
    charts = os.listdir(out / "2026-W47" / "charts")
    assert len([c for c in charts if c.endswith("-bars.png")]) == 9    # 8 streets + all
    # the run is repeatable: the same names again
    r = weekly(db, out)
    assert sorted(n for n in os.listdir(out / "2026-W47") if n.endswith(".xlsx") and n != "all.xlsx") == books


def test_long_street_name_is_shortened(tmp_path):
    """A street name of 1,000 CJK characters (3,000 bytes) gave "File name too
    long" and no workbook at all; now every name fits 255 bytes, keeps the ID
    and is cut at a character boundary."""
    long_name = "长" * 999 + "街"
    db = street_db(tmp_path, [("S01", long_name), ("S02", "东城街道")])
    out = tmp_path / "out"
    r = weekly(db, out)
    assert r.returncode in (0, 4), r.stderr
    d = out / "2026-W47"
    names = os.listdir(d) + os.listdir(d / "charts")
    for n in names:
        assert len(n.encode()) <= 255, n
        n.encode().decode("utf-8")                  # whole characters
    books = sorted(n for n in os.listdir(d) if n.endswith(".xlsx"))
    assert "S02-东城街道.xlsx" in books and "all.xlsx" in books
    long_book = [b for b in books if b.startswith("S01-长")]
    assert len(long_book) == 1 and set(long_book[0][4:-5]) == {"长"}, books
    assert 190 <= len(long_book[0].encode()) <= 255


def test_stale_staging_directories_are_cleaned(tmp_path):
    """A report killed with -9 leaves .<period>.tmp.<pid>/; the next run into
    the same --out removes it (its process is gone), but never the staging
    directory of a process that is still running."""
    import signal
    import time
    db = street_db(tmp_path, [("S01", "东城街道"), ("S02", "西湖街道")])
    out = tmp_path / "out"
    assert weekly(db, out).returncode in (0, 4)
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = out / f".2026-W40.tmp.{dead.pid}"
    (stale / "charts").mkdir(parents=True)
    (stale / "charts" / "S01-bars.png").write_bytes(b"x")
    (stale / "S01-东城街道.xlsx").write_bytes(b"x")
    live = out / f".2026-W39.tmp.{os.getpid()}"      # this test's own pid: alive
    live.mkdir()
    other = out / ".hidden-notes"                     # not a staging directory
    other.mkdir()
    # a real run killed mid-way
    p = subprocess.Popen([BIN, "report", "quarterly", "-q", "--db", str(db), "--config", CONFIG,
                          "--period", "2026-Q4", "--out", str(out)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    killed = out / f".2026-Q4.tmp.{p.pid}"
    deadline = time.time() + 30
    while not killed.exists() and p.poll() is None and time.time() < deadline:
        time.sleep(0.001)
    p.send_signal(signal.SIGKILL)
    p.wait()
    r = weekly(db, out)
    assert r.returncode in (0, 4), r.stderr
    left = sorted(n for n in os.listdir(out) if n.startswith("."))
    assert left == sorted([live.name, other.name]), left


@pytest.mark.skipif(not os.path.exists("/usr/bin/prlimit"), reason="prlimit missing")
def test_libxlsxwriter_messages_carry_the_prefix(tmp_path):
    """A workbook that cannot be written (file-size limit, as a full disk):
    libxlsxwriter's own "[ERROR]" lines, which hold the real cause ("File too
    large"), reach the user as "carecard: libxlsxwriter: ..."; every line of
    stderr starts with "carecard:"."""
    db = tmp_path / "demo.db"
    root = os.environ.get("CARECARD_ROOT", ".")
    r = run(["ingest", "-q", "--db", db, "--rejects", tmp_path, os.path.join(root, "fixtures", "demo")])
    assert r.returncode in (0, 3), r.stderr
    seen = 0
    for limit in (150000, 200000, 300000):
        p = subprocess.run(["prlimit", f"--fsize={limit}", BIN, "report", "weekly", "--db", str(db),
                            "--config", CONFIG, "--period", "2026-W40", "--out", str(tmp_path / f"o{limit}")],
                           capture_output=True, text=True)
        lines = p.stderr.splitlines()
        assert all(ln.startswith("carecard: ") for ln in lines), p.stderr
        assert not any("[ERROR]" in ln for ln in lines), p.stderr
        if any(ln.startswith("carecard: libxlsxwriter: ") and "File too large" in ln for ln in lines):
            seen += 1
            assert p.returncode == 1
    assert seen >= 1


# ---- a database that cannot be written: read commands work (docs/decisions.md) ----

FAULT_LIB = os.path.join(os.environ.get("CARECARD_ROOT", "."), os.environ.get("BUILD", "build"), "tests",
                         "failwrite.so")
SC = ["--config", CONFIG, "--period", "2026-W40", "--format", "csv"]


@pytest.fixture
def demo_copy(tmp_path):
    """The demo data in a database of its own, checkpointed (one file)."""
    db = tmp_path / "demo.db"
    root = os.environ.get("CARECARD_ROOT", ".")
    r = run(["ingest", "-q", "--db", db, "--rejects", tmp_path, os.path.join(root, "fixtures", "demo")])
    assert r.returncode in (0, 3), r.stderr
    want = run(["scorecard", "--db", db] + SC)
    assert want.returncode in (0, 4) and want.stdout, want.stderr
    status = run(["status", "--db", db])
    assert status.returncode == 0, status.stderr
    con = sqlite3.connect(str(db))
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return {"db": db, "card": want, "status": status.stdout}


def audit_rows(db):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute("SELECT count(*) FROM warning_log").fetchone()[0]
    finally:
        con.close()


def skipped(err, db, cause):
    """stderr holds exactly one line saying the audit record was skipped and why."""
    lines = [ln for ln in err.splitlines() if "audit record" in ln]
    assert lines == [f"carecard: {db}: the audit record of 2026-W40 skipped: {cause}"], err


def test_read_only_database_scorecard_and_report_work(demo_copy, tmp_path):
    db = demo_copy["db"]
    before = audit_rows(db)
    with read_only(db):
        r = run(["scorecard", "--db", db] + SC)
        assert r.returncode == demo_copy["card"].returncode, r.stderr     # was 1
        assert r.stdout == demo_copy["card"].stdout
        skipped(r.stderr, db, "the database file is not writable")
        out = tmp_path / "out"
        r = run(["report", "weekly", "-q", "--db", db, "--config", CONFIG, "--period", "2026-W40", "--out", out])
        assert r.returncode in (0, 4), r.stderr                         # was 1 after writing every file
        skipped(r.stderr, db, "the database file is not writable")   # (a warning: shown under -q)
        assert (out / "2026-W40" / "all.xlsx").exists()
        st = run(["status", "--db", db])
        assert (st.returncode, st.stdout) == (0, demo_copy["status"]), st.stderr
        # a write command still fails, naming the cause
        (tmp_path / "x.csv").write_text("feedback_id,community_id,received\nF-9,S001C01,2026-09-30\n")
        r = run(["ingest", "--db", db, tmp_path / "x.csv"])
        assert r.returncode == 1
        assert "readonly database (the database file is not writable)" in r.stderr, r.stderr
    assert audit_rows(db) == before


def test_locked_database_scorecard_works(demo_copy):
    """Another process (here Python's sqlite3, as the sqlite3 shell would)
    holds the write lock past the busy timeout: the scorecard is printed,
    exit as usual, one warning that the audit record was skipped."""
    db = demo_copy["db"]
    con = sqlite3.connect(str(db), timeout=1)
    con.execute("BEGIN IMMEDIATE")
    try:
        r = run(["scorecard", "--db", db] + SC, env={"CARECARD_BUSY_TIMEOUT_MS": "800"})
    finally:
        con.rollback()
        con.close()
    assert r.returncode == demo_copy["card"].returncode, r.stderr
    assert r.stdout == demo_copy["card"].stdout
    skipped(r.stderr, db, "the database is locked by another process")


def ro_mount(src, dst, cmd):
    """Run cmd with src bind-mounted read-only on dst (a private mount namespace)."""
    script = f'mount --bind "{src}" "{dst}" && mount -o remount,bind,ro "{dst}" && exec "$@"'
    return subprocess.run(["unshare", "-rm", "sh", "-c", script, "sh"] + [str(c) for c in cmd],
                          capture_output=True, text=True, env=dict(os.environ, TZ="UTC"))


def test_read_only_file_system(demo_copy, tmp_path):
    """On a read-only file system SQLite cannot create the -shm file: status
    said "not a carecard database"; now the read commands work."""
    ro = tmp_path / "ro"
    ro.mkdir()
    probe = ro_mount(tmp_path, ro, ["true"])
    if probe.returncode != 0:
        pytest.skip("cannot bind-mount read-only here: " + probe.stderr)
    db = ro / "demo.db"
    st = ro_mount(tmp_path, ro, [BIN, "status", "--db", db])
    assert (st.returncode, st.stdout.replace(str(ro), str(tmp_path)), st.stderr) == (0, demo_copy["status"], "")
    r = ro_mount(tmp_path, ro, [BIN, "scorecard", "--db", db] + SC)
    assert r.returncode == demo_copy["card"].returncode, r.stderr
    assert r.stdout == demo_copy["card"].stdout
    skipped(r.stderr, db, "read-only file system")
    (tmp_path / "x.csv").write_text("feedback_id,community_id,received\nF-9,S001C01,2026-09-30\n")
    r = ro_mount(tmp_path, ro, [BIN, "ingest", "--db", db, tmp_path / "x.csv"])
    assert r.returncode == 1
    assert "read-only file system" in r.stderr, r.stderr


@pytest.mark.skipif(not os.path.exists(FAULT_LIB), reason="failwrite.so not built (make e2e)")
def test_disk_full_creating_shm_names_the_cause(demo_copy):
    db = demo_copy["db"]
    assert not os.path.exists(f"{db}-shm")
    env = {"LD_PRELOAD": FAULT_LIB, "CC_FAIL_WRITE_AFTER": "0", "CC_FAIL_WRITE_MATCH": "-shm",
           "ASAN_OPTIONS": "verify_asan_link_order=0:" + os.environ.get("ASAN_OPTIONS", "")}
    r = run(["status", "--db", db], env=env)
    assert r.returncode == 1
    assert r.stderr == f"carecard: {db}: cannot read the database: disk I/O error: No space left on device\n"
