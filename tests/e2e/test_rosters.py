"""Attendance rosters (schema 3, lib/store/rollup.c) end to end: the scorecard
does not depend on how the attendance arrived (one file, several files, a
replaced file) nor on whether the database was migrated from version 2."""
import os
import shutil
import sqlite3

import pytest

from conftest import ROOT, kind_file as src, run

CONFIG = os.path.join(ROOT, "indicators.ini")
KINDS = ["communities", "providers", "activities", "attendance", "surveys", "assessments",
         "trainings", "timebank", "feedback"]


@pytest.fixture(scope="module")
def demo(demo_data):
    return demo_data


def lines_of(path):
    """Lines as bytes (the file may be GB18030), newline kept."""
    return open(path, "rb").read().splitlines(keepends=True)


def ingest(db, *paths):
    r = run(["ingest", "-q", "--db", db] + [str(p) for p in paths])
    assert r.returncode in (0, 3), r.stderr
    return r


def scorecard(db, period):
    r = run(["scorecard", "--db", db, "--config", CONFIG, "--period", period, "--format", "json"])
    assert r.returncode in (0, 4), r.stderr
    return r.stdout


def q(db, sql):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def whole(demo, tmp_path_factory):
    """The demo ingested file by file, the attendance in one file."""
    db = str(tmp_path_factory.mktemp("whole") / "cc.db")
    for k in KINDS:
        ingest(db, src(demo, k))
    return db


def test_fresh_database_has_rosters(whole):
    assert q(whole, "PRAGMA user_version") == [(5,)]
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
    assert q(db, "PRAGMA user_version") == [(5,)]
    assert q(db, "SELECT count(*) FROM attendance_weeks") == q(whole, "SELECT count(*) FROM attendance_weeks")
    assert q(db, "SELECT count(*) FROM sqlite_master WHERE name = 'attendance_special'") == [(1,)]
