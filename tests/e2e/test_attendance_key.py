"""The attendance key (schema 5: a rowid table with the unique index
attendance_key) end to end, against what the spec says a later row does
("a later row with the same key replaces the earlier one") and against the
row-by-row path:

- a file of >= 8 MiB brought into a table holding at most twice its rows is
  appended without the indexes, which are rebuilt after the load; repeated
  keys are then resolved as INSERT OR REPLACE would have resolved them row by
  row: the later row wins, the same notices (line order, the first 100);
- keys of rows stored by another file: the file's rows win, silently;
- the INSERT of 128 rows stops at a stored key (INSERT OR FAIL) and keeps the
  rows before it; the rest of the group goes row by row;
- the rule "rebuilt after the load" / "kept during the load".

The expected rows and notices are computed here from the input rows (the
last row of a key wins, with its file and line), never from the program."""
import os
import pathlib
import shutil
import sqlite3

import pytest

from conftest import attendance_rows, decoded, kind_file as src, q, read_csv, run, write_csv

BIG_FILE = 8 << 20                      # lib/ingest/bigload.c
MAX_SHOWN = 100                         # notices of repeated keys printed per file
READBACK = {"CARECARD_ROSTER_READBACK": "1"}
SPECIAL = {"Y": 1, "N": 0, "": None}


@pytest.fixture(scope="module")
def city(small_city):
    return pathlib.Path(small_city["data"])


@pytest.fixture(scope="module")
def base(city, tmp_path_factory):
    """The small city's communities, providers and activities (no attendance)."""
    db = str(tmp_path_factory.mktemp("att-key") / "base.db")
    r = run(["ingest", "-q", "--db", db] + [src(city, k) for k in ("communities", "providers", "activities")])
    assert r.returncode == 0, r.stderr
    return db


@pytest.fixture(scope="module")
def big(city, tmp_path_factory):
    """big.csv: the small city's attendance (8.2 MB) and, mixed with rows of
    new participants that take it past 8 MiB, 150 rows repeating keys of
    earlier rows with another household, role, special and name, one key
    three times.  {"path", "head", "rows"}."""
    head, rows = read_csv(src(city, "attendance"))
    hi, ri, si, ni = (head.index(c) for c in ("household_id", "role", "special", "name"))
    out = list(rows)
    n = len(rows)
    for i in range(3300):
        r = list(rows[(i * 131) % n])
        r[1] = "Z%09d" % i              # a new participant of an existing activity
        out.append(r)
        if i % 22 == 0:                 # a repeat of a stored row, every 22nd
            j = (i // 22) * 997 % n
            r = list(rows[j])
            r[hi] = "" if i % 44 == 0 else "HX%06d" % i
            r[ri] = "volunteer" if r[ri] != "volunteer" else "elder"
            r[si] = "Y" if r[si] != "Y" else ""
            r[ni] = "重复%d" % i
            out.append(r)
    third = list(rows[0])               # rows[0] is repeated at i == 0 too
    third[ni] = "第三次"
    out.append(third)
    path = tmp_path_factory.mktemp("att-big") / "big.csv"
    write_csv(path, head, out)
    assert os.path.getsize(path) >= BIG_FILE
    return {"path": str(path), "head": head, "rows": out, "n": n}


def fresh(base, tmp_path, name="cc.db"):
    db = str(tmp_path / name)
    shutil.copy(base, db)
    return db


def ingest(db, *paths, env=None, rc=0):
    r = run(["ingest", "-v", "--db", db] + [str(p) for p in paths], env=env)
    assert r.returncode == rc, r.stderr
    return r.stderr


class Want:
    """The attendance rows a sequence of files leaves, and the notices of
    each file, computed from their rows (the later row of a key wins)."""

    def __init__(self):
        self.rows = {}

    def add(self, path, rows):
        """The rows of a file ingested next; returns the notices it gives
        (every one, in line order)."""
        name = os.path.basename(str(path))
        seen, notices = {}, []
        for i, r in enumerate(rows):
            line, key = i + 2, (r[0], r[1])
            if key in seen:
                notices.append(f"carecard: {path}:{line}: activity_id '{r[0]}|{r[1]}' repeats line {seen[key]};"
                               f" the later row (line {line}) replaces it")
            seen[key] = line
            self.rows[key] = (r[0], r[1], r[2] or None, r[3], SPECIAL[r[4]], r[5] or None, name, line)
        return notices

    def table(self):
        return [self.rows[k] for k in sorted(self.rows)]


def repeat_lines(log):
    return [x for x in log.splitlines() if "repeats line" in x or "more repeated keys" in x]


def shown(path, notices):
    """The lines ingest prints for these notices: the first 100, and how many more."""
    out = notices[:MAX_SHOWN]
    if len(notices) > MAX_SHOWN:
        out.append(f"carecard: {path}: {len(notices) - MAX_SHOWN} more repeated keys not shown")
    return out


def index_list(db):
    """{name: unique} of the attendance table's indexes."""
    return {r[1]: r[2] for r in q(db, "PRAGMA index_list(attendance)")}


def fake_stored(db, name, rows):
    """Make the files table say that the attendance file `name` stored `rows` rows."""
    q_rw(db, "UPDATE files SET rows_accepted = ? WHERE name = ?", rows, name)
    assert q(db, "SELECT rows_accepted FROM files WHERE name = ?", name) == [(rows,)]


def q_rw(db, sql, *args):
    con = sqlite3.connect(db)
    try:
        with con:
            con.execute(sql, args)
    finally:
        con.close()


def test_big_file_repeated_keys(base, big, tmp_path):
    """A big file into an empty table: the indexes are rebuilt after the
    load; each repeated key keeps its last row; the notices are the ones the
    row-by-row path prints (the first 100 in line order, then how many more);
    the rows and rosters are those of the row-by-row path and of the
    read-back."""
    path, rows = big["path"], big["rows"]
    want = Want()
    notices = want.add(path, rows)
    assert len(notices) == 151                  # 150 repeats, one key a third time
    assert sum("第三次" in r[5] for r in rows) == 1

    db = fresh(base, tmp_path)
    log = ingest(db, path)
    est = [x for x in log.splitlines() if "indexes" in x]
    assert len(est) == 1 and est[0].endswith(", 0 stored: indexes rebuilt after the load"), log
    about = int(est[0].split("about ")[1].split(" rows")[0])
    assert abs(about - len(rows)) < len(rows) * 0.02
    assert repeat_lines(log) == shown(path, notices)
    assert f"carecard: {path}: 151 stored rows replaced by a later one with the same key" in log
    assert f"carecard: {path}: attendance, {len(rows)} rows stored, 0 rejected" in log
    got = attendance_rows(db)
    assert got == want.table()
    assert len(got) == len(rows) - 151
    assert q(db, "SELECT rows_read, rows_accepted, rows_rejected FROM files WHERE name = 'big.csv'") == \
        [(len(rows), len(rows), 0)]
    # the later rows won: the key of line 2 holds its third row, the last line
    r0 = rows[0]
    assert [r for r in got if r[:2] == tuple(r0[:2])] == \
        [tuple(r0[:2]) + (r0[2] or None, r0[3], SPECIAL[r0[4]], "第三次", "big.csv", len(rows) + 1)]
    # the indexes are back, the key's unique
    assert index_list(db) == {"attendance_key": 1, "attendance_special": 0}
    assert q(db, "PRAGMA integrity_check") == [("ok",)]
    assert q(db, "SELECT count(*) FROM attendance WHERE special = 1") == \
        [(sum(1 for r in want.table() if r[4] == 1),)]
    rosters = decoded(db)
    assert rosters

    # the row-by-row path: an earlier file (one row, a key of big.csv's
    # line 2, other values) said to hold 10^9 rows keeps the indexes
    ref = fresh(base, tmp_path, "ref.db")
    tiny = write_csv(tmp_path / "tiny.csv", big["head"], [rows[0][:2] + ["H1", "other", "", "x"]])
    ingest(ref, tiny)
    fake_stored(ref, "tiny.csv", 10 ** 9)
    log_ref = ingest(ref, path)
    assert ", 1000000000 stored: indexes kept during the load" in log_ref
    assert repeat_lines(log_ref) == repeat_lines(log)
    assert attendance_rows(ref) == got           # tiny.csv's row replaced by line 2's
    assert decoded(ref) == rosters

    # the rosters read back from the table
    rb = fresh(base, tmp_path, "readback.db")
    log_rb = ingest(rb, path, env=READBACK)
    assert "indexes rebuilt after the load" in log_rb
    assert repeat_lines(log_rb) == repeat_lines(log)
    assert attendance_rows(rb) == got
    assert decoded(rb) == rosters


def test_big_file_replaces_rows_of_another_file(base, big, tmp_path):
    """Keys stored by another file: the big file's rows replace them without
    a notice (the notices are those of its own repeats), the other file's
    other rows stay; the same rows and rosters with the indexes kept and with
    the rosters read back."""
    path, rows = big["path"], big["rows"]
    head = big["head"]
    hi, ni = head.index("household_id"), head.index("name")
    first = []
    for i in range(0, big["n"], 53):             # 2922 keys of big.csv, other values ...
        r = list(rows[i])
        r[hi], r[ni] = "HF%d" % i, "先前"
        first.append(r)
    for i in range(1000):                        # ... and 1000 of its own
        r = list(rows[i * 7])
        r[1] = "F%08d" % i
        first.append(r)
    first_path = write_csv(tmp_path / "first.csv", head, first)
    want = Want()
    assert want.add(first_path, first) == []
    notices = want.add(path, rows)
    assert len(notices) == 151

    out = {}
    for mode in ("rebuilt", "kept", "readback"):
        db = fresh(base, tmp_path, mode + ".db")
        env = READBACK if mode == "readback" else None
        ingest(db, first_path, env=env)
        if mode == "kept":
            fake_stored(db, "first.csv", 10 ** 9)
        log = ingest(db, path, env=env)
        assert ("indexes kept during the load" if mode == "kept" else "indexes rebuilt after the load") in log
        assert repeat_lines(log) == shown(path, notices)
        got = attendance_rows(db)
        assert got == want.table()
        assert sum(r[6] == "first.csv" for r in got) == 1000
        assert q(db, "SELECT name, rows_accepted FROM files WHERE kind = 'attendance' ORDER BY file_id") == \
            [("first.csv", 10 ** 9 if mode == "kept" else len(first)), ("big.csv", len(rows))]
        out[mode] = (got, decoded(db))
    assert out["rebuilt"] == out["kept"] == out["readback"]


def test_insert_of_many_stops_at_a_stored_key(base, big, tmp_path):
    """A small file (indexes kept) whose groups of 128 rows meet stored keys:
    the INSERT stops at the first (a repeat in the file or a key of an
    earlier file) and keeps the rows before it, the rest go one by one.
    Every row is stored once, the later rows won, the notices are the
    repeats in the file."""
    head, rows = big["head"], big["rows"]
    hi, ri, ni = head.index("household_id"), head.index("role"), head.index("name")
    src_rows = rows[1000:1300]
    assert len({tuple(r[:2]) for r in src_rows}) == 300
    earlier = []
    for j in (50, 127, 255, 299):                 # keys this file brings later, other values
        r = list(src_rows[j])
        r[hi], r[ri], r[ni] = "HE%d" % j, "other", "早"
        earlier.append(r)
    earlier.append(list(rows[5000]))              # a key of its own
    group = [list(r) for r in src_rows]

    def repeat(at, of, name):
        r = list(group[of])
        r[ni], r[ri] = name, "volunteer" if r[ri] != "volunteer" else "child"
        group[at] = r

    repeat(30, 10, "三十")      # group 1 (rows 0-127): stops at 30; 50 (earlier.csv), 90, 127 one by one
    repeat(90, 20, "九十")
    repeat(128, 3, "一二八")    # group 2 (128-255): stops at its first row; 255 is of earlier.csv
    repeat(200, 128, "二百")    # the key of row 3 a third time
    repeat(280, 30, "二八零")   # the last group (256-299, 44 rows): the key of row 10 a third time
    d = tmp_path / "in"
    d.mkdir()
    earlier_path = write_csv(d / "earlier.csv", head, earlier)
    path = write_csv(d / "group.csv", head, group)
    want = Want()
    want.add(earlier_path, earlier)
    notices = want.add(path, group)
    assert [n.split(": ", 2)[1] for n in notices] == [f"{path}:{i + 2}" for i in (30, 90, 128, 200, 280)]

    rosters = None
    for i, env in enumerate((None, READBACK, {"CARECARD_INGEST_THREADS": "1"})):
        db = fresh(base, tmp_path, "cc%d.db" % i)
        ingest(db, earlier_path, env=env)
        log = ingest(db, path, env=env)
        assert "indexes" not in log                   # a small file: no estimate
        assert repeat_lines(log) == notices
        assert "repeats line 12;" in notices[0] and "repeats line 32;" in notices[4]
        got = attendance_rows(db)
        assert got == want.table()
        assert len(got) == 300 - 5 + 1               # 5 repeats; earlier.csv's own key
        assert q(db, "SELECT count(*), count(DISTINCT activity_id || '|' || participant_id) FROM attendance") == \
            [(len(got), len(got))]
        assert q(db, "SELECT rows_accepted FROM files WHERE name = 'group.csv'") == [(300,)]
        assert [r[5] for r in got if r[6] == "earlier.csv"] == [rows[5000][5]]
        if rosters is None:
            rosters = decoded(db)
        assert decoded(db) == rosters


@pytest.mark.parametrize("times,says", [(1.5, "rebuilt after the load"), (2.5, "kept during the load")])
def test_rebuild_when_big_against_table(base, big, tmp_path, times, says):
    """A big file has its indexes rebuilt when it brings at least half as many
    rows as the current files of its kind hold (files.rows_accepted), else
    keeps them; the stored rows are the same either way."""
    path, rows = big["path"], big["rows"]
    db = fresh(base, tmp_path)
    old, other = list(rows[0]), list(rows[0])
    old[1], other[1] = "OLD", "OTHER"
    (tmp_path / "v1").mkdir()
    ingest(db, write_csv(tmp_path / "v1" / "tiny.csv", big["head"], [old]))
    tiny = write_csv(tmp_path / "tiny.csv", big["head"], [other])
    ingest(db, tiny)                            # replaces v1/tiny.csv
    stored = int(len(rows) * times)
    # the current version holds `stored` rows; the superseded one does not count
    q_rw(db, "UPDATE files SET rows_accepted = CASE WHEN superseded_by IS NULL THEN ? ELSE 1000000000 END"
             " WHERE name = 'tiny.csv'", stored)
    assert q(db, "SELECT count(*) FROM files WHERE superseded_by IS NOT NULL") == [(1,)]
    log = ingest(db, path)
    assert f", {stored} stored: indexes {says}" in log, log
    want = Want()
    want.add(tiny, [other])
    notices = want.add(path, rows)
    assert repeat_lines(log) == shown(path, notices)
    assert attendance_rows(db) == want.table()
    assert index_list(db) == {"attendance_key": 1, "attendance_special": 0}


def test_keys_that_join_to_the_same_text(base, big, city, tmp_path):
    """Repeated keys are told apart value by value: ('KX', 'Y|Z') and
    ('KX|Y', 'Z'), each twice in a big file, keep their later rows both
    (joined with '|' the two keys are one text)."""
    ahead, arows = read_csv(src(city, "activities"))
    acts = []
    for aid in ("KX", "KX|Y"):
        r = list(arows[0])
        r[0] = aid
        acts.append(r)
    db = fresh(base, tmp_path)
    ingest(db, write_csv(tmp_path / "kx.csv", ahead, acts))
    head, rows = big["head"], list(big["rows"])
    ni = head.index("name")
    for n, (a, p) in enumerate([("KX", "Y|Z"), ("KX|Y", "Z"), ("KX", "Y|Z"), ("KX|Y", "Z")]):
        r = list(rows[0])
        r[0], r[1], r[ni] = a, p, "键%d" % n
        rows.append(r)
    path = write_csv(tmp_path / "big2.csv", head, rows)
    want = Want()
    notices = want.add(path, rows)
    log = ingest(db, path)
    assert "indexes rebuilt after the load" in log
    assert repeat_lines(log) == shown(path, notices)
    assert attendance_rows(db) == want.table()
    assert q(db, "SELECT activity_id, participant_id, name FROM attendance WHERE activity_id LIKE 'KX%'"
                 " ORDER BY 1") == [("KX", "Y|Z", "键2"), ("KX|Y", "Z", "键3")]
