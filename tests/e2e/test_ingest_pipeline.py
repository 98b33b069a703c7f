"""The ingest row pipeline (lib/ingest/ingest.c): a reading thread parses and
checks rows into batches of 1,024 while the calling thread stores them, 128
accepted rows to an INSERT, falling back to one row at a time when a key is
already stored. CARECARD_INGEST_THREADS=1 runs the same code on one thread
(the reference). Every test runs both ways and, where it compares them, asks
for identical messages, rejects files and database contents.

Expected values are worked out by hand from the inputs written here."""
import os
import sqlite3
import subprocess

import pytest

from conftest import GEN, ROOT, q, run

SAMPLES = os.path.join(ROOT, "fixtures", "test", "ingest", "samples")
MODES = [{"CARECARD_INGEST_THREADS": "2"}, {"CARECARD_INGEST_THREADS": "1"}]
ENUM_ROLE = "one of child (儿童), parent (家长), grandparent (祖辈), elder (老人), volunteer (志愿者), other (其他)"


def write(path, text):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    return str(path)


def dump(db):
    """Every row of every table, in storage order, with the ingest times blanked."""
    con = sqlite3.connect(db)
    try:
        con.execute("UPDATE files SET ingested_at = ''")
        con.commit()
        return list(con.iterdump())
    finally:
        con.close()


def registers(tmp_path, tag):
    db = str(tmp_path / f"{tag}.db")
    r = run(["ingest", "--db", db, os.path.join(SAMPLES, "communities.csv"), os.path.join(SAMPLES, "providers.csv"),
             os.path.join(SAMPLES, "activities.csv")])
    assert r.returncode == 0 and r.stderr == "", r.stderr
    return db


# ---- replaced rows inside and across the 128-row INSERTs --------------------

ACT_HEAD = "activity_id,community_id,project,date,start_time,end_time,capacity,registered,attended,partners\n"


def act_row(i, key=None, project=None, attended="10", partners=""):
    return "{},L01,{},2026/11/16,09:00,10:30,20,12,{},{}\n".format(key or "B%03d" % i, project or "P%d" % i,
                                                                   attended, partners)


def activities_file(path):
    # accepted rows 1-128: one INSERT that fails on row 5, then row by row;
    # 129-139: stored row by row before row 140 is rejected; 141-268: one
    # INSERT; 269-396: one that fails on row 300; 397-400: row by row
    rows = []
    for i in range(1, 401):
        if i == 3:
            rows.append(act_row(i, partners="X;Y"))
        elif i == 5:        # repeats row 3 (line 4) in the same INSERT
            rows.append(act_row(i, key="B003", partners="Z"))
        elif i == 10:
            rows.append(act_row(i, partners="X"))
        elif i == 140:      # rejected
            rows.append(act_row(i, attended="x"))
        elif i == 300:      # repeats row 10 (line 11), stored by an earlier INSERT
            rows.append(act_row(i, key="B010", partners="Y;Y"))
        elif 150 <= i <= 181:
            rows.append(act_row(i, partners="M；N"))
        else:
            rows.append(act_row(i))
    return write(path, ACT_HEAD + "".join(rows))


@pytest.mark.parametrize("env", MODES, ids=["threads", "one-thread"])
def test_replaced_rows_in_and_across_inserts(tmp_path, env):
    db = registers(tmp_path, "r")
    f = activities_file(tmp_path / "acts.csv")
    r = run(["ingest", "--db", db, f], cwd=tmp_path, env=env)
    assert r.returncode == 3
    assert r.stderr == (
        "carecard: {f}:6: activity_id 'B003' repeats line 4; the later row (line 6) replaces it\n"
        "carecard: {f}:141: column 'attended' (实到人数): value 'x' — expected integer ≥ 0\n"
        "carecard: {f}:301: activity_id 'B010' repeats line 11; the later row (line 301) replaces it\n").format(f=f)
    fid = q(db, "SELECT file_id FROM files WHERE name = 'acts.csv'")[0][0]
    # 400 rows: 1 rejected, 2 replaced by later rows -> 397 activities
    assert q(db, "SELECT count(*) FROM activities WHERE file_id = ?", fid) == [(397,)]
    assert q(db, "SELECT rows_read, rows_accepted, rows_rejected FROM files WHERE file_id = ?", fid) == [(400, 399, 1)]
    assert q(db, "SELECT project, line FROM activities WHERE activity_id IN ('B003', 'B010') ORDER BY 1") == \
        [("P300", 301), ("P5", 6)]
    assert q(db, "SELECT count(*) FROM activities WHERE activity_id IN ('B005', 'B140', 'B300')") == [(0,)]
    # partners as typed by the row that stayed: B003 Z (row 5 replaced X;Y), B010 Y;Y (the later row),
    # rows 150..181 M；N; the measures split them (text/list.c, tests/unit/list_test.c)
    assert q(db, "SELECT partners FROM activities WHERE activity_id = 'B003'") == [("Z",)]
    assert q(db, "SELECT partners FROM activities WHERE activity_id = 'B010'") == [("Y;Y",)]
    assert q(db, "SELECT count(*) FROM activities WHERE activity_id LIKE 'B%' AND partners IS NOT NULL") == [(34,)]
    assert q(db, "SELECT partners FROM activities WHERE activity_id = 'B150'") == [("M；N",)]
    assert q(db, "SELECT line, column_key FROM rejects WHERE file_id = ?", fid) == [(141, "attended")]
    # the row numbers follow the file (rowid order = line order of the stored rows)
    lines = [l for (l,) in q(db, "SELECT line FROM activities WHERE file_id = ? ORDER BY rowid", fid)]
    assert lines == sorted(lines) and len(lines) == 397


def test_replaced_rows_same_both_ways(tmp_path):
    f = activities_file(tmp_path / "acts.csv")
    out = []
    for env in MODES:
        db = registers(tmp_path, env["CARECARD_INGEST_THREADS"])
        rej = tmp_path / ("rej" + env["CARECARD_INGEST_THREADS"])
        rej.mkdir()
        r = run(["ingest", "--db", db, "--rejects", rej, f], cwd=tmp_path, env=env)
        out.append((r.returncode, r.stderr, (rej / "acts.csv.rejects.csv").read_bytes(), dump(db)))
    assert out[0] == out[1]


# ---- references are checked in file order, after the checks before them -----

@pytest.mark.parametrize("env", MODES, ids=["threads", "one-thread"])
def test_reference_failure_comes_first(tmp_path, env):
    db = registers(tmp_path, "a")
    f = write(tmp_path / "att.csv", "activity_id,participant_id,household_id,role,special\n"
              "A-2026-1101,C1,H1,child,N\n"
              "NOPE,C2,H2,teacher,N\n"          # no such activity, and a bad role after it
              "A-2026-1101,C3,H3,teacher,N\n"   # the role only
              ",C4,H4,teacher,N\n"              # a missing activity_id comes before any lookup
              "NOPE2,,H5,child,N\n"             # no such activity before the missing participant
              "A-2026-1102,C6,H6,elder,N\n")
    r = run(["ingest", "--db", db, f], cwd=tmp_path, env=env)
    assert r.returncode == 3
    assert r.stderr == (
        "carecard: {f}:3: column 'activity_id' (活动编号): value 'NOPE' — no such activity (not in the activities log)\n"
        "carecard: {f}:4: column 'role' (身份): value 'teacher' — expected {e}\n"
        "carecard: {f}:5: column 'activity_id' (活动编号): missing — required\n"
        "carecard: {f}:6: column 'activity_id' (活动编号): value 'NOPE2' — no such activity (not in the activities "
        "log)\n").format(f=f, e=ENUM_ROLE)
    assert q(db, "SELECT activity_id, participant_id FROM attendance ORDER BY 2") == \
        [("A-2026-1101", "C1"), ("A-2026-1102", "C6")]


# ---- a read error after several batches: nothing stored, rows before said ----

@pytest.mark.parametrize("env", MODES, ids=["threads", "one-thread"])
def test_read_error_after_batches(tmp_path, env):
    db = registers(tmp_path, "e")
    rows = ["A-2026-1101,P%04d,H1,%s,N\n" % (i, "teacher" if i == 1500 else "child") for i in range(1, 2500)]
    rows.append('A-2026-1101,"P9999,H1,child,N\n')   # line 2501: the quote never ends
    f = write(tmp_path / "att.csv", "activity_id,participant_id,household_id,role,special\n" + "".join(rows))
    before = q(db, "SELECT count(*) FROM attendance")
    r = run(["ingest", "--db", db, f], cwd=tmp_path, env=env)
    assert r.returncode == 1
    assert r.stderr == (
        "carecard: {f}:1501: column 'role' (身份): value 'teacher' — expected {e}\n"
        "carecard: {f}: unterminated quoted field starting on line 2501\n"
        "carecard: {f}: not stored (no file was stored before it)\n").format(f=f, e=ENUM_ROLE)
    assert q(db, "SELECT count(*) FROM attendance") == before
    assert q(db, "SELECT count(*) FROM files WHERE name = 'att.csv'") == [(0,)]
    assert q(db, "SELECT count(*) FROM rejects") == [(0,)]


# ---- generated data: the threaded path equals the one-thread path ------------

@pytest.mark.parametrize("profile", ["demo", "small"])
def test_generated_data_same_both_ways(tmp_path, profile):
    data = tmp_path / "data"
    g = subprocess.run([GEN, "--profile", profile, "--out", str(data), "--bad-rows", "40", "-q"],
                       capture_output=True, text=True, timeout=300)
    assert g.returncode == 0, g.stderr
    out = []
    for env in MODES:
        tag = env["CARECARD_INGEST_THREADS"]
        db = str(tmp_path / (tag + ".db"))
        rej = tmp_path / ("rej" + tag)
        rej.mkdir()
        r = run(["ingest", "--db", db, "--rejects", rej, str(data)], env=env, timeout=600)
        rejects = {p: (rej / p).read_bytes() for p in sorted(os.listdir(rej))}
        out.append((r.returncode, r.stderr, rejects, dump(db)))
    assert out[0][0] == 3 and len(out[0][2]) == 1      # the bad activities rows
    assert out[0] == out[1]


# ---- survey answers, collected per batch: replaced rows and repeated questions -

@pytest.mark.parametrize("env", MODES, ids=["threads", "one-thread"])
def test_survey_answers_replaced_and_repeated(tmp_path, env):
    db = registers(tmp_path, "s")
    # "1. 满意度" and "2. 满意度" are the same question once the number is
    # stripped: the later column's answer is the one kept
    f = write(tmp_path / "sv.csv", "response_id,community_id,date,role,1. 满意度,2. 满意度,邻里信任\n"
              "R1,L01,2026-11-18,parent,3,5,4\n"
              "R2,L01,2026-11-18,parent,2,4,1\n"
              "R1,L02,2026-11-19,parent,,1,\n")
    r = run(["ingest", "--db", db, f], cwd=tmp_path, env=env)
    assert r.returncode == 0
    assert r.stderr == "carecard: {f}:4: response_id 'R1' repeats line 2; the later row (line 4) replaces it\n".format(f=f)
    assert q(db, "SELECT response_id, community_id, line FROM survey_responses WHERE response_id LIKE 'R%' ORDER BY 1") \
        == [("R1", "L02", 4), ("R2", "L01", 3)]
    assert q(db, "SELECT response_id, question, answer FROM survey_answers WHERE response_id LIKE 'R%' ORDER BY 1, 2") \
        == [("R1", "满意度", "1"), ("R2", "满意度", "4"), ("R2", "邻里信任", "1")]

@pytest.mark.parametrize("env", MODES, ids=["threads", "one-thread"])
def test_survey_answers_repeated_in_full_batches(tmp_path, env):
    """Answers go 64 to an INSERT OR FAIL: a repeated question inside such a
    batch stops it there (the answers before it stay) and replaces one by
    one; every response keeps its later column's answer, none is lost."""
    db = registers(tmp_path, "s")
    rows = ["response_id,community_id,date,role,1. 满意度,2. 满意度,邻里信任,3. 满意度"]
    want = []
    for k in range(150):
        a, b, c, d = k % 5 + 1, (k + 2) % 5 + 1, (k + 3) % 5 + 1, ("" if k % 3 else str((k + 4) % 5 + 1))
        rows.append("B%03d,L01,2026-11-18,parent,%d,%d,%d,%s" % (k, a, b, c, d))
        want += [("B%03d" % k, "满意度", d or str(b)), ("B%03d" % k, "邻里信任", str(c))]
    f = write(tmp_path / "sv.csv", "\n".join(rows) + "\n")
    r = run(["ingest", "--db", db, f], cwd=tmp_path, env=env)
    assert r.returncode == 0, r.stderr
    assert q(db, "SELECT response_id, question, answer FROM survey_answers WHERE response_id LIKE 'B%'"
                 " ORDER BY 1, 2") == sorted(want)


