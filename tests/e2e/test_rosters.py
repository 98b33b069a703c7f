"""Attendance rosters (schema 3, lib/store/rollup.c) end to end: the scorecard
does not depend on how the attendance arrived (one file, several files, a
replaced file) nor on whether the database was migrated from version 2."""
import os
import shutil
import sqlite3

import pytest

from conftest import ROOT, SCHEMA_VERSION, ingest_run as ingest, kind_file as src, q, run, scorecard_run

CONFIG = os.path.join(ROOT, "indicators.ini")
KINDS = ["communities", "providers", "activities", "attendance", "surveys", "assessments",
         "trainings", "timebank", "feedback"]


@pytest.fixture(scope="module")
def demo(demo_data):
    return demo_data


def lines_of(path):
    """Lines as bytes (the file may be GB18030), newline kept."""
    return open(path, "rb").read().splitlines(keepends=True)


def scorecard(db, period):
    r = run(["scorecard", "--db", db, "--config", CONFIG, "--period", period, "--format", "json"])
    assert r.returncode in (0, 4), r.stderr
    return r.stdout


@pytest.fixture(scope="module")
def whole(demo, tmp_path_factory):
    """The demo ingested file by file, the attendance in one file."""
    db = str(tmp_path_factory.mktemp("whole") / "cc.db")
    for k in KINDS:
        ingest(db, src(demo, k))
    return db


def test_fresh_database_has_rosters(whole):
    assert q(whole, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    n, rows = q(whole, "SELECT count(*), sum(length(roster)) / 10 FROM attendance_weeks")[0]
    assert n > 0
    # one entry per distinct (community, week, participant, household, flags):
    # counted here in SQL from the raw rows
    want = q(whole, """
        SELECT count(*) FROM (SELECT DISTINCT a.community_id,
               date(a.date, '-' || ((strftime('%w', a.date) + 6) % 7) || ' days') AS week,
               t.participant_id, t.household_id,
               CASE t.role WHEN 'child' THEN 1 WHEN 'volunteer' THEN 2 ELSE 0 END
               + CASE WHEN t.special = 1 THEN 4 ELSE 0 END
               + CASE WHEN t.special IS NOT NULL THEN 8 ELSE 0 END
          FROM activities a JOIN attendance t USING (activity_id) WHERE a.status = 'completed')""")[0][0]
    assert rows == want
    assert q(whole, "SELECT count(DISTINCT week || community_id) FROM attendance_weeks")[0][0] == \
        q(whole, """SELECT count(DISTINCT a.community_id || date(a.date, '-' || ((strftime('%w', a.date) + 6) % 7)
                    || ' days')) FROM activities a JOIN attendance t USING (activity_id)
                    WHERE a.status = 'completed'""")[0][0]


@pytest.mark.parametrize("period", ["2026-W40", "2026-09", "2026-Q3"])
def test_split_and_replaced_files_same_scorecard(demo, whole, tmp_path, period):
    """The attendance in three files, one of them first ingested with half its
    rows and then replaced by its full version, and the activities ingested
    twice (the second time as a replacement): the same scorecard."""
    db = str(tmp_path / "cc.db")
    lines = lines_of(src(demo, "attendance"))
    head, body = lines[0], lines[1:]
    third = len(body) // 3
    parts = [body[:third], body[third:2 * third], body[2 * third:]]
    d = tmp_path / "in"
    d.mkdir()
    for i, part in enumerate(parts):
        (d / f"attendance-{i}.csv").write_bytes(head + b"".join(part))
    ingest(db, src(demo, "communities"), src(demo, "providers"))
    acts = lines_of(src(demo, "activities"))
    (d / "activities.csv").write_bytes(b"".join(acts[: len(acts) // 2]))
    ingest(db, d / "activities.csv")
    (d / "attendance-1.csv").write_bytes(head + b"".join(parts[1][: len(parts[1]) // 2]))
    ingest(db, d / "attendance-1.csv")          # rows of activities not stored yet are rejected
    shutil.copy(src(demo, "activities"), d / "activities.csv")
    ingest(db, d / "activities.csv")            # replaces the half file
    (d / "attendance-1.csv").write_bytes(head + b"".join(parts[1]))
    ingest(db, d / "attendance-2.csv", d / "attendance-1.csv", d / "attendance-0.csv")
    for k in KINDS[4:]:
        ingest(db, src(demo, k))
    assert q(db, "SELECT count(*) FROM attendance")[0][0] == q(whole, "SELECT count(*) FROM attendance")[0][0]
    assert scorecard(db, period) == scorecard(whole, period)


def test_v2_database_migrates(whole, tmp_path):
    """A version-2 database (no rosters, no ID dictionary, no partial index)
    is migrated by the first command that opens it and then gives the same
    scorecard."""
    db = str(tmp_path / "v2.db")
    shutil.copy(whole, db)
    con = sqlite3.connect(db)
    con.executescript("DROP TABLE attendance_weeks; DROP TABLE ids; DROP INDEX attendance_special;"
                      "PRAGMA user_version = 2;")
    con.close()
    assert scorecard(db, "2026-W40") == scorecard(whole, "2026-W40")
    assert q(db, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert q(db, "SELECT count(*) FROM attendance_weeks") == q(whole, "SELECT count(*) FROM attendance_weeks")
    assert q(db, "SELECT count(*) FROM sqlite_master WHERE name = 'attendance_special'") == [(1,)]


# the attendance table of schema 4 (git show 7e147dd^:lib/store/schema.sql)
ATTENDANCE_V4 = """CREATE TABLE attendance (
  activity_id    TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  household_id   TEXT,
  role           TEXT NOT NULL,
  special        INTEGER,
  name           TEXT,
  file_id INTEGER NOT NULL, line INTEGER NOT NULL,
  PRIMARY KEY (activity_id, participant_id)
) WITHOUT ROWID;
CREATE INDEX attendance_special ON attendance(participant_id) WHERE special = 1;"""
ATTENDANCE = "SELECT activity_id, participant_id, household_id, role, special, name, file_id, line FROM attendance"


def test_v4_database_migrates(whole, tmp_path):
    """Schema 4 -> 5: the first command that opens a version-4 database
    (attendance WITHOUT ROWID, keyed by its PRIMARY KEY) copies the table
    into a rowid table with the unique index attendance_key; the rows, the
    rosters and the scorecard stay the same, and the key stays unique."""
    db = str(tmp_path / "v4.db")
    shutil.copy(whole, db)
    con = sqlite3.connect(db)
    con.executescript("ALTER TABLE attendance RENAME TO attendance_v5; DROP INDEX attendance_key;"
                      " DROP INDEX attendance_special;" + ATTENDANCE_V4 +
                      " INSERT INTO attendance SELECT * FROM attendance_v5; DROP TABLE attendance_v5;"
                      " PRAGMA user_version = 4;")
    con.close()
    assert "WITHOUT ROWID" in q(db, "SELECT sql FROM sqlite_master WHERE name = 'attendance'")[0][0]
    assert q(db, "SELECT count(*) FROM attendance")[0][0] > 1000
    assert q(db, ATTENDANCE + " ORDER BY 1, 2") == q(whole, ATTENDANCE + " ORDER BY 1, 2")
    r_old, r_new = scorecard_run(db, "2026-W40", "csv"), scorecard_run(whole, "2026-W40", "csv")
    assert r_old.returncode == r_new.returncode
    assert r_old.stdout == r_new.stdout and r_old.stdout.count("\n") > 10
    assert q(db, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert "WITHOUT ROWID" not in q(db, "SELECT sql FROM sqlite_master WHERE name = 'attendance'")[0][0]
    assert {r[1]: r[2] for r in q(db, "PRAGMA index_list(attendance)")} == {"attendance_key": 1,
                                                                            "attendance_special": 0}
    assert [r[2] for r in q(db, "PRAGMA index_info(attendance_key)")] == ["activity_id", "participant_id"]
    assert q(db, "SELECT name FROM sqlite_master WHERE name LIKE 'attendance_v%'") == []
    assert q(db, ATTENDANCE + " ORDER BY 1, 2") == q(whole, ATTENDANCE + " ORDER BY 1, 2")
    weeks = "SELECT * FROM attendance_weeks ORDER BY 1, 2"
    assert q(db, weeks) == q(whole, weeks)
    assert q(db, "PRAGMA integrity_check") == [("ok",)]
    con = sqlite3.connect(db)
    try:
        with pytest.raises(sqlite3.IntegrityError):
            con.execute("INSERT INTO attendance SELECT * FROM attendance LIMIT 1")
    finally:
        con.close()
