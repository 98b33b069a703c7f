"""Attendance rosters built from the rows in hand (the feed: lib/store/roster_feed.c, rollup_feed.c)
against the read-back (CARECARD_ROSTER_READBACK=1, every week rebuilt from
activities JOIN attendance): the decoded rosters (week, community,
participant, household, flags, days; ID numbers may differ) and the
scorecards are the same, file after file, on the small generated city, the
demo, and the edge cases (cancelled activities, repeated keys, rows of
another file replaced, a replaced file, NULL households and specials, spills
to the temporary file, a feed that gives up)."""
import os
import pathlib

import pytest

from conftest import ROOT, decoded, kind_file as src, read_csv, run, write_csv

CONFIG = os.path.join(ROOT, "indicators.ini")
KINDS = ["communities", "providers", "activities", "attendance", "surveys", "assessments",
         "trainings", "timebank", "feedback"]
READBACK = {"CARECARD_ROSTER_READBACK": "1"}


def ingest(db, paths, env=None):
    r = run(["ingest", "-v", "--db", db] + [str(p) for p in paths], env=env)
    assert r.returncode in (0, 3), r.stderr
    return r.stderr


class Twin:
    """The same ingests into two databases: rosters from the rows in hand
    (fast) and read back (slow); after each, the decoded rosters agree."""

    def __init__(self, tmp_path):
        self.fast = str(tmp_path / "fast.db")
        self.slow = str(tmp_path / "slow.db")

    def ingest(self, *paths, env=None):
        log = ingest(self.fast, paths, env)
        ingest(self.slow, paths, READBACK)
        got = decoded(self.fast)
        assert got == decoded(self.slow)
        return log, got


def scorecard(db, period, fmt="csv", unit=None):
    args = ["scorecard", "--db", db, "--config", CONFIG, "--period", period, "--format", fmt]
    if unit:
        args += ["--street", unit]
    r = run(args)
    assert r.returncode in (0, 4), r.stderr
    return r.stdout


@pytest.fixture(scope="module")
def city(small_city):
    return pathlib.Path(small_city["data"])


@pytest.fixture(scope="module")
def demo(demo_data):
    return demo_data


def test_small_city(city, tmp_path):
    t = Twin(tmp_path)
    log, got = t.ingest(*[src(city, k) for k in KINDS])
    assert got
    assert "weeks from the rows in hand, 0 read back" in log
    assert scorecard(t.fast, "2026-W47") == scorecard(t.slow, "2026-W47")
    assert scorecard(t.fast, "2026-W47", "json", "S001") == scorecard(t.slow, "2026-W47", "json", "S001")


def test_demo(demo, tmp_path):
    t = Twin(tmp_path)
    for k in KINDS:
        t.ingest(src(demo, k))
    for period in ("2026-W40", "2026-09"):
        assert scorecard(t.fast, period) == scorecard(t.slow, period)


def test_edge_cases(city, tmp_path):
    """File after file into a database that already has rosters: a file of
    new weeks (IDs already numbered), a file with repeated keys, NULL
    households and specials, rows replacing rows of another file, an
    earlier version replaced, spills, a feed that gives up."""
    t = Twin(tmp_path)
    t.ingest(src(city, "communities"), src(city, "providers"), src(city, "activities"))
    ahead, acts = read_csv(src(city, "activities"))
    di, si = ahead.index("date"), ahead.index("status")
    date = {a[0]: a[di] for a in acts}
    assert any(a[si] == "cancelled" for a in acts)
    head, rows = read_csv(src(city, "attendance"))
    hi, spi, ri = head.index("household_id"), head.index("special"), head.index("role")
    days = sorted(set(date[r[0]] for r in rows))
    cut = days[len(days) // 2]
    early = [r for r in rows if date[r[0]] < cut]
    late = [r for r in rows if date[r[0]] >= cut]
    for i, r in enumerate(early):
        if i % 7 == 0:
            r[hi] = ""
        if i % 11 == 0:
            r[spi] = ""
    d = tmp_path / "in"
    d.mkdir()
    # 1. the early weeks into a database without rosters: all from the rows in hand
    log, _ = t.ingest(write_csv(d / "att-early.csv", head, early))
    assert ", 0 read back" in log
    # 2. the late weeks (no rosters yet; the IDs seen before keep their
    #    numbers), a key repeated inside the file with another role and
    #    special, spilled every 1000 entries
    half = len(late) // 2
    rep = list(late[10])
    rep[ri] = "volunteer" if rep[ri] != "volunteer" else "child"
    rep[spi] = "Y"
    part = late[:half] + [rep]
    log, _ = t.ingest(write_csv(d / "att-late.csv", head, part), env={"CARECARD_ROSTER_FEED_MEM": "1000"})
    assert "repeats line" in log
    m = [l for l in log.splitlines() if "weeks from the rows in hand" in l]
    assert m and not m[0].endswith(" 0 weeks from the rows in hand, 0 read back")
    assert ", 1 read back" in m[0]          # the week of the repeated key
    # 3. the rest of the late rows, and some rows of att-late.csv again with
    #    other values (rows of another file replaced: their weeks read back)
    again = [list(r) for r in late[:200]]
    for r in again:
        r[spi] = "" if r[spi] else "N"
    log, _ = t.ingest(write_csv(d / "att-rest.csv", head, late[half:] + again))
    # 4. att-early.csv replaced by a version with a third of its rows
    log, _ = t.ingest(write_csv(d / "att-early.csv", head, early[: len(early) // 3]))
    # 5. the rest of the early rows in a file whose feed gives up at once
    log, _ = t.ingest(write_csv(d / "att-early2.csv", head, early[len(early) // 3:]),
                      env={"CARECARD_ROSTER_FEED_IDS": "1"})
    assert "reading every week back" in log
    for period in ("2026-W47", "2026-Q3"):
        assert scorecard(t.fast, period) == scorecard(t.slow, period)


def test_single_thread(demo, tmp_path):
    """CARECARD_INGEST_THREADS=1 files the entries on the storing thread."""
    t = Twin(tmp_path)
    for k in KINDS[:4]:
        t.ingest(src(demo, k), env={"CARECARD_INGEST_THREADS": "1"})


def test_readback_bounded(city, tmp_path):
    """A week read back holds one community's rows at a time once past its
    bound (CARECARD_ROSTER_READBACK_MEM rows; at most that many, or one
    community-week's when a community alone is more) and empties its ID
    caches at a community boundary once past CARECARD_ROSTER_READBACK_IDS
    bytes: the province's weeks are ten times the city's, and a week's rows
    and IDs held whole took 890 MB there.  Same rosters as the feed."""
    fast, slow = str(tmp_path / "fast.db"), str(tmp_path / "slow.db")
    files = [src(city, k) for k in KINDS]
    ingest(fast, files)
    env = dict(READBACK, CARECARD_ROSTER_READBACK_MEM="1", CARECARD_ROSTER_READBACK_IDS="1",
               CARECARD_INGEST_TIMING="1")
    log = ingest(slow, files, env)
    assert decoded(fast) == decoded(slow)
    # the most rows one community-week has: completed activities' attendance
    ahead, acts = read_csv(src(city, "activities"))
    ci, di, si = ahead.index("community_id"), ahead.index("date"), ahead.index("status")
    import datetime
    act = {}
    for a in acts:
        if a[si] == "completed":
            d = datetime.date.fromisoformat(a[di])
            act[a[0]] = (a[ci], d - datetime.timedelta(days=d.weekday()))
    per = {}
    _, rows = read_csv(src(city, "attendance"))
    for r in rows:
        if r[0] in act:
            per[act[r[0]]] = per.get(act[r[0]], 0) + 1
    week = {}
    for (c, w), n in per.items():
        week[w] = week.get(w, 0) + n
    m = [l for l in log.splitlines() if "timing rosters read back:" in l]
    assert m, log
    held = max(int(l.split(" at most ")[1].split()[0]) for l in m)
    emptied = sum(int(l.split("ID caches emptied ")[1].split()[0]) for l in m)
    assert held == max(per.values()) < max(week.values())
    assert emptied >= len(per) - len(week)
