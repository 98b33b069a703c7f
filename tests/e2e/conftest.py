"""Shared pytest set-up for the end-to-end tests: how to run the binary, and
what several test files read back (query, CSV files, rosters, attendance)."""
import csv
import os
import sqlite3
import struct
import subprocess
import sys

import pytest

ROOT = os.environ.get("CARECARD_ROOT", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
BIN = os.environ.get("CARECARD_BIN", os.path.join(ROOT, "build", "carecard"))
GEN = os.environ.get("CARECARD_GEN", os.path.join(ROOT, "build", "carecard-gen"))
SAMPLES = os.path.join(ROOT, "fixtures", "test", "ingest", "samples")  # hand-made rows of every kind
CONFIG = os.path.join(ROOT, "indicators.ini")          # the default catalog


def _schema_version():
    """CC_SCHEMA_VERSION of lib/store/store.h: what a migrated database says."""
    import re
    with open(os.path.join(ROOT, "lib", "store", "store.h"), encoding="utf-8") as f:
        return int(re.search(r"#define CC_SCHEMA_VERSION (\d+)", f.read()).group(1))


SCHEMA_VERSION = _schema_version()
sys.path.insert(0, os.path.dirname(__file__))
# Messages in English unless a test asks for Chinese (the default without
# CARECARD_LANG: tests/e2e/test_lang.py checks the Chinese ones); set here so
# the tests that start the binary themselves get it too.
os.environ.setdefault("CARECARD_LANG", "en")


def run(args, cwd=None, env=None, input=None, timeout=120):
    """Run carecard with args (list); returns CompletedProcess with text stdout/stderr."""
    e = dict(os.environ)
    e.pop("CARECARD_DB", None)
    e.pop("CARECARD_CONFIG", None)
    e["TZ"] = e.get("TZ", "UTC")
    if env:
        e.update(env)
    return subprocess.run([BIN] + [str(a) for a in args], cwd=cwd, env=e, input=input,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def cc():
    """The run() helper as a fixture: cc(["status", "--db", db])."""
    return run


@pytest.fixture
def root():
    return ROOT


# The generator's small city (40 communities in 4 streets, 26 weeks 2026-05-25 ..
# 2026-11-22), ingested one file at a time in dependency order.
SMALL_KINDS = ["communities", "providers", "activities", "attendance", "surveys", "assessments",
               "trainings", "timebank", "feedback"]


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory):
    """The generator's demo data set (a pathlib.Path; shared: only read it)."""
    out = tmp_path_factory.mktemp("demo-data")
    p = subprocess.run([GEN, "--profile", "demo", "--out", str(out), "-q"], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return out


def kind_file(d, kind):
    """The file of a kind in a generated directory (activities-gb18030.csv, timebank.tsv ...)."""
    return next(d / n for n in sorted(os.listdir(d)) if n.startswith(kind))


@pytest.fixture(scope="session")
def small_city(tmp_path_factory):
    """{"data": dir of the CSV files, "db": database holding them}; shared by the
    whole session, so tests only read it (copy it to change it)."""
    d = tmp_path_factory.mktemp("small-city")
    data = d / "data"
    rej = d / "rejects"
    rej.mkdir()
    p = subprocess.run([GEN, "--profile", "small", "--out", str(data), "-q"],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    db = str(d / "small.db")
    for k in SMALL_KINDS:
        r = run(["ingest", "-q", "--db", db, "--rejects", str(rej), str(data / (k + ".csv"))],
                timeout=300)
        assert r.returncode == 0, (k, r.stderr)
    return {"data": str(data), "db": db}


REPORT_FIX = os.path.join(ROOT, "fixtures", "test", "report")  # the report tests' hand-made city


def report_fixture_db(d):
    """The report fixture (communities, activities, attendance, surveys)
    ingested into d/t.db, rejects beside it; returns the database's path."""
    path = str(d / "t.db")
    files = [os.path.join(REPORT_FIX, f) for f in ("communities.csv", "activities.csv", "attendance.csv",
                                                   "surveys.csv")]
    r = run(["ingest", "--db", path, "--rejects", str(d)] + files)
    assert r.returncode == 0, r.stderr
    return path


def report_run(db, out, *args):
    """carecard report with the default catalog, written under out."""
    return run(["report", "--db", db, "--config", CONFIG, "--out", str(out)] + list(args))


def sql_template_db(path, data_sql):
    """A database at path made from the schema and a fixture's SQL (rows
    written by hand), in one transaction; user_version 1, so carecard
    migrates it as it would an old database.  Returns path."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA synchronous = OFF")
    script = "BEGIN;\n"
    with open(os.path.join(ROOT, "lib", "store", "schema.sql"), encoding="utf-8") as f:
        script += f.read()
    with open(data_sql, encoding="utf-8") as f:
        script += f.read()
    con.executescript(script + "\nCOMMIT;")
    con.execute("PRAGMA user_version = 1")
    con.close()
    return path


def ingest_run(db, *paths):
    """carecard ingest -q of paths into db; exit 0 or 3 (3: rows rejected)."""
    r = run(["ingest", "-q", "--db", db] + [str(p) for p in paths])
    assert r.returncode in (0, 3), r.stderr
    return r


def scorecard_run(db, period, fmt, env=None):
    """carecard scorecard of every unit with the default catalog; exit 0 or 4
    (4: communities that did not report).  Every week is computed
    (CARECARD_NO_STATUS_STORE=1): the tests that use it compare ways of
    computing, which past weeks' statuses read from the database would hide
    (test_status_store.py tests those)."""
    r = run(["scorecard", "--db", db, "--config", CONFIG,
             "--period", period, "--format", fmt], env=dict({"CARECARD_NO_STATUS_STORE": "1"}, **(env or {})),
            timeout=300)
    assert r.returncode in (0, 4), r.stderr
    return r


def q(db, sql, *args):
    """The rows of a query (a list of tuples)."""
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def read_csv(path):
    """(header, rows) of a UTF-8 CSV file, every row a list of str."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def write_csv(path, head, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(head)
        w.writerows(rows)
    return path


def decoded(db):
    """The attendance rosters of db decoded: (week, community, participant,
    household, flags, days) sorted; the ID numbers (which may differ between
    two databases) replaced by the IDs."""
    con = sqlite3.connect(db)
    try:
        ids = dict(con.execute("SELECT no, id FROM ids"))
        out = []
        for week, comm, blob in con.execute("SELECT week, community_id, roster FROM attendance_weeks"):
            for p, h, fl, d in struct.iter_unpack("<IIBB", blob):
                out.append((week, comm, ids[p], ids[h] if h else None, fl, d))
    finally:
        con.close()
    assert len(out) == len(set(out))
    return sorted(out, key=repr)


def attendance_rows(db):
    """Every stored attendance row in key order, with the name of its file
    instead of its file_id (which differs between databases)."""
    return q(db, "SELECT a.activity_id, a.participant_id, a.household_id, a.role, a.special, a.name, f.name, a.line"
                 " FROM attendance a JOIN files f USING (file_id) ORDER BY a.activity_id, a.participant_id")
