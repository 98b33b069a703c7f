"""Issue 13 (reliability): the same file ingested by several processes at
once, notices that must match what was stored, leftovers, diagnostics."""
import os
import sqlite3
import subprocess

import pytest

from conftest import BIN, run
from reliability_util import ACT_HEADER, count, integrity, write_activities, write_communities


def fresh_db(tmp_path):
    db = tmp_path / "cc.db"
    r = run(["ingest", "-q", "--db", db, write_communities(tmp_path)])
    assert r.returncode == 0, r.stderr
    return db


def test_same_file_by_six_processes_at_once(tmp_path):
    """One stores the file, the other five say "already ingested" and exit 0
    (they used to exit 1 with "UNIQUE constraint failed: files.sha256")."""
    db = fresh_db(tmp_path)
    stored = 0
    for rnd in range(4):
        f = write_activities(tmp_path, 20000, name=f"act{rnd}.csv", prefix=f"R{rnd}-")
        procs = [subprocess.Popen([BIN, "ingest", "--db", str(db), f], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(6)]
        errs = []
        for p in procs:
            _, err = p.communicate(timeout=300)
            assert p.returncode == 0, err
            errs.append(err)
        skipped = [e for e in errs if "already ingested" in e]
        assert len(skipped) == 5, errs
        for e in skipped:
            assert e == f"carecard: {f}: already ingested on {e.split(' on ')[1].split(' ')[0]} (same SHA-256); skipped\n"
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
