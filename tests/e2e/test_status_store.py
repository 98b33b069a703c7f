"""Raw statuses and window values kept between runs (issue 20;
docs/performance.md, "Raw statuses kept between runs" and "Past periods'
values kept"): a scorecard or report stores the raw statuses of the past
weeks its items' look-back computed and the values of the periods it
computed, the next run reads them instead of computing them again, and
every ingest forgets the periods it can have changed, so that a run reading
them gives exactly what a run computing everything gives
(CARECARD_NO_STATUS_STORE=1).

Data: fixtures/demo (2 streets, 8 communities, 2026-W23 .. W40).  The
look-back of W40 reaches the data's first week (a run of W40 began before
W29: test_ledger.py), so it reads every week."""
import os
import re
import shutil
import sqlite3

import pytest

from conftest import ROOT, ingest_run as ingest, run

DEMO = os.path.join(ROOT, "fixtures", "demo")
CONFIG = os.path.join(ROOT, "indicators.ini")
WEEK = "2026-W40"
NO_STORE = {"CARECARD_NO_STATUS_STORE": "1"}


def outputs(db, env=None):
    """What the look-back decides: the warnings with their items' 编号 and the
    scorecard (X6 counts the items due)."""
    out = []
    for args in (["warnings", "--format", "json"], ["scorecard", "--format", "csv"]):
        r = run(["-v", args[0], "--db", db, "--config", CONFIG, "--period", WEEK] + args[1:], env=env)
        assert r.returncode in (0, 4), r.stderr
        out.append(r.stdout)
    return out


def lookback(db, env=None):
    """(weeks read from the database, blocks computed) of a scorecard run."""
    r = run(["-v", "scorecard", "--db", db, "--config", CONFIG, "--period", WEEK, "--format", "csv"], env=env)
    assert r.returncode in (0, 4), r.stderr
    m = re.search(r"the look-back read (\d+) past weeks' statuses from the database and computed (\d+) block",
                  r.stderr)
    assert m, r.stderr
    return int(m.group(1)), int(m.group(2))


def kept_weeks(db):
    with sqlite3.connect(db) as c:
        return [r[0] for r in c.execute("SELECT period_to FROM raw_statuses WHERE period_kind = 0 ORDER BY 1")]


def values_run(db, period=WEEK):
    """(periods whose values were read from the database, computed) of a
    scorecard run, and its output."""
    r = run(["-v", "scorecard", "--db", db, "--config", CONFIG, "--period", period, "--format", "csv"])
    assert r.returncode in (0, 4), r.stderr
    m = re.search(r"the scorecards read the values of (\d+) periods? from the database and computed (\d+)",
                  r.stderr)
    assert m, r.stderr
    return int(m.group(1)), int(m.group(2)), r.stdout


def kept_values(db, kind=0):
    with sqlite3.connect(db) as c:
        return [r[0] for r in c.execute("SELECT period_to FROM period_values WHERE period_kind = ? ORDER BY 1",
                                        (kind,))]


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """The demo ingested, one scorecard run (which keeps the weeks)."""
    d = tmp_path_factory.mktemp("status-store")
    db = str(d / "cc.db")
    ingest(db, DEMO)
    fresh = outputs(db, NO_STORE)
    assert kept_weeks(db) == []                 # the switch keeps nothing
    assert outputs(db) == fresh
    return {"db": db, "fresh": fresh}


def copy_db(src, dst):
    """A copy of a database, its write-ahead log included."""
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    return dst


@pytest.fixture
def db(base, tmp_path):
    return copy_db(base["db"], str(tmp_path / "cc.db"))


def test_kept_and_read_back(base, db):
    """The first run keeps every week from the data's first to W40; the next
    one reads them all and computes none, with the same output."""
    weeks = kept_weeks(db)
    assert weeks[0] == "2026-06-07" and weeks[-1] == "2026-10-04" and len(weeks) == 18, weeks
    read, computed = lookback(db)
    assert (read, computed) == (18, 0)
    assert outputs(db) == base["fresh"]
    # and with the switch, nothing is read
    with sqlite3.connect(db) as c:
        before = c.execute("SELECT count(*) FROM raw_statuses").fetchone()[0]
    r = run(["-v", "scorecard", "--db", db, "--config", CONFIG, "--period", WEEK, "--format", "csv"], env=NO_STORE)
    assert "the look-back read" not in r.stderr
    assert r.stdout == base["fresh"][1]
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT count(*) FROM raw_statuses").fetchone()[0] == before


ACT_HEADER = ("活动编号,社区编号,服务项目,活动类别,活动日期,开始时间,结束时间,时长（小时）,状态,服务对象,计划名额,"
              "报名人数,实到人数,其中儿童,其中困境留守儿童,专业人员数,志愿者人数,志愿服务时长（小时）,承接机构,合作单位,"
              "规范项达标数,规范项总数,师幼互动评分,安全事件数,线上预约人数")
COMMUNITIES = ["S001C01", "S001C02", "S001C03", "S001C04", "S002C01", "S002C02", "S002C03", "S002C04"]


def late_activities(path, day, tag):
    """One activity per community on day: 2 of 20 registered came, its norms
    all failed (the week's 活动出勤率 P4 and 规范率 P1 miss)."""
    rows = [ACT_HEADER]
    for i, c in enumerate(COMMUNITIES):
        rows.append(f"L{tag}-{i:02d},{c},补报活动,托育,{day},9:00,10:00,,已完成,儿童,20,20,2,1,0,2,1,1,,,"
                    "0,20,4.5,0,3")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_a_late_file_forgets_the_weeks_from_its_first_day(base, db, tmp_path):
    """Activities dated 2026-07-08 (W28) that come late: the weeks ending
    before it stay kept, W28 and later are forgotten and computed again, and
    the result is what computing everything gives, which is not what it was
    (S001C02's 活动出勤率 was met in W28 only, between misses since W23: its
    W40 item was S001C02-P4-2026-W29; W28 now misses (48/72 attended), so
    the run and its 编号 begin in W23)."""
    ingest(db, late_activities(tmp_path / "activities-补报.csv", "2026/7/8", "a"))
    weeks = kept_weeks(db)
    got = outputs(db)
    copy_db(db, str(tmp_path / "fresh.db"))
    fresh = outputs(str(tmp_path / "fresh.db"), NO_STORE)
    assert got == fresh
    assert weeks == ["2026-06-07", "2026-06-14", "2026-06-21", "2026-06-28", "2026-07-05"], weeks
    assert "S001C02-P4-2026-W29" in base["fresh"][0]
    assert "S001C02-P4-2026-W29" not in got[0] and "S001C02-P4-2026-W23" in got[0]
    assert lookback(db) == (18, 0)


def test_a_new_version_of_a_file(base, db, tmp_path):
    """A corrected activities file under the same name replaces the earlier
    version: the weeks of the rows it removes are forgotten too."""
    first = late_activities(tmp_path / "activities-补报.csv", "2026/8/5", "b")
    ingest(db, first)
    outputs(db)                                   # keeps every week again
    assert len(kept_weeks(db)) == 18
    second = tmp_path / "v2" / "activities-补报.csv"
    second.parent.mkdir()
    late_activities(second, "2026/6/24", "b")    # moved to W26
    ingest(db, second)
    assert kept_weeks(db) == ["2026-06-07", "2026-06-14", "2026-06-21"]
    got = outputs(db)
    copy_db(db, str(tmp_path / "fresh.db"))
    assert got == outputs(str(tmp_path / "fresh.db"), NO_STORE)


def test_replacing_another_files_rows_forgets_every_week(base, db, tmp_path):
    """Feedback rows with the IDs another file stored (their old dates are not
    looked up): every week is forgotten."""
    src = os.path.join(DEMO, "feedback.csv")
    with open(src, encoding="utf-8-sig") as f:
        lines = f.read().splitlines()
    p = tmp_path / "feedback-更正.csv"
    p.write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")
    ingest(db, p)
    assert kept_weeks(db) == []
    got = outputs(db)
    copy_db(db, str(tmp_path / "fresh.db"))
    assert got == outputs(str(tmp_path / "fresh.db"), NO_STORE)


def test_a_survey_file_forgets_from_its_earliest_answer(base, db, tmp_path):
    """Survey responses dated in W30 and W35: the weeks before W30 stay."""
    with open(os.path.join(DEMO, "surveys.csv"), encoding="utf-8-sig") as f:
        head = f.read().splitlines()[0]
    cols = head.split(",")
    rows = []
    for n, (day, comm) in enumerate([("2026-07-22", "S001C01"), ("2026-08-26", "S002C02")]):
        v = {c: "" for c in cols}
        v[cols[0]], v[cols[1]], v[cols[2]] = f"LATE{n}", comm, day
        v[cols[3]] = "家长"
        for c in cols[4:]:
            v[c] = "5"
        rows.append(",".join(v[c] for c in cols))
    p = tmp_path / "surveys-补报.csv"
    p.write_text(head + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    r = ingest(db, p)
    weeks = kept_weeks(db)
    assert weeks and weeks[-1] < "2026-07-20" and len(weeks) == 7, (weeks, r.stderr)
    got = outputs(db)
    copy_db(db, str(tmp_path / "fresh.db"))
    assert got == outputs(str(tmp_path / "fresh.db"), NO_STORE)


def test_a_register_file_forgets_every_week(base, db, tmp_path):
    """A communities file that changes every community's 托位数 (places per
    1,000 residents is an indicator of every week): nothing kept before is
    read, and the result is the one computed from scratch."""
    with open(os.path.join(DEMO, "communities.csv"), encoding="utf-8-sig") as f:
        lines = f.read().splitlines()
    head = lines[0].split(",")
    x, y = head.index("托位数"), head.index("普惠托位数")
    rows = []
    for ln in lines[1:]:
        v = ln.split(",")
        v[x], v[y] = "1", "0"
        rows.append(",".join(v))
    p = tmp_path / "communities-更正.csv"
    p.write_text("\n".join([lines[0]] + rows) + "\n", encoding="utf-8")
    ingest(db, p)
    assert kept_weeks(db) == []
    got = outputs(db)
    copy_db(db, str(tmp_path / "fresh.db"))
    assert got == outputs(str(tmp_path / "fresh.db"), NO_STORE)
    assert got != base["fresh"]
    assert lookback(db) == (18, 0)


def test_a_first_row_of_a_kind_changes_the_key(tmp_path):
    """Whether a community ever had a time-bank row is read over all dates
    (a community without any has no 时间银行 value; with one, its weeks
    without rows count 0): a first row dated after every week forgets no
    week by date, but the key changes, nothing kept is read, and the result
    is the one computed from scratch, which differs from before."""
    db = str(tmp_path / "cc.db")
    ingest(db, *[os.path.join(DEMO, n) for n in sorted(os.listdir(DEMO))
                 if n.endswith((".csv", ".tsv")) and not n.startswith("timebank")])
    before = outputs(db)
    assert len(kept_weeks(db)) == 18
    with open(os.path.join(DEMO, "timebank.tsv"), encoding="utf-8-sig") as f:
        head, first = f.read().splitlines()[:2]
    cols, row = head.split("\t"), first.split("\t")
    row[cols.index("community_id")], row[cols.index("date")] = "S001C01", "2026-10-20"
    t = tmp_path / "timebank-2.tsv"
    t.write_text(head + "\n" + "\t".join(row) + "\n", encoding="utf-8")
    ingest(db, t)
    assert len(kept_weeks(db)) == 18              # none forgotten by date
    read, computed = lookback(db)
    assert read == 0 and computed > 0
    got = outputs(db)
    copy_db(db, str(tmp_path / "fresh.db"))
    assert got == outputs(str(tmp_path / "fresh.db"), NO_STORE)
    assert got != before


def test_returned_ledgers_forget_nothing(base, db, tmp_path):
    """The street offices' returned ledgers change only the ledger indicator
    (整改按期完成率), whose statuses are never kept: every week stays, and
    the result is the one computed from scratch."""
    r = run(["ingest", "-q", "--db", db, os.path.join(DEMO, "ledger")])
    assert r.returncode == 0, r.stderr
    assert len(kept_weeks(db)) == 18
    got = outputs(db)
    copy_db(db, str(tmp_path / "fresh.db"))
    assert got == outputs(str(tmp_path / "fresh.db"), NO_STORE)
    assert got != base["fresh"]
    assert lookback(db) == (18, 0)


def test_another_build_computes_again(base, db, tmp_path):
    """Statuses kept by one build of carecard are not read by another (a fix
    to a measure must not meet the statuses the old code computed): the same
    program with one byte more reads none."""
    import subprocess
    from conftest import BIN
    other = tmp_path / "carecard"
    other.write_bytes(open(BIN, "rb").read() + b"\0")
    other.chmod(0o755)
    env = dict(os.environ, CARECARD_LANG="en")
    r = subprocess.run([str(other), "-v", "scorecard", "--db", db, "--config", CONFIG, "--period", WEEK,
                        "--format", "csv"], capture_output=True, text=True, env=env)
    assert r.returncode in (0, 4), r.stderr
    assert "read 0 past weeks' statuses" in r.stderr and r.stdout == base["fresh"][1]
    read, computed = lookback(db)     # the other build's replaced these
    assert read == 0 and computed > 0


def test_a_file_name_that_held_another_kind(base, db, tmp_path):
    """A file name that held survey responses (dated in W30) comes back as
    activities (dated in W38): the new version removes the responses, so the
    weeks from W30 are forgotten too (every week: the removed rows' days of
    another kind are not looked up)."""
    with open(os.path.join(DEMO, "surveys.csv"), encoding="utf-8-sig") as f:
        head = f.read().splitlines()[0]
    cols = head.split(",")
    row = [f"LATEK", "S001C01", "2026-07-22", "家长"] + ["5"] * (len(cols) - 4)
    first = tmp_path / "a" / "补报.csv"
    first.parent.mkdir()
    first.write_text(head + "\n" + ",".join(row) + "\n", encoding="utf-8")
    ingest(db, first)
    outputs(db)                                   # keeps every week again
    assert len(kept_weeks(db)) == 18
    second = tmp_path / "b" / "补报.csv"
    second.parent.mkdir()
    late_activities(second, "2026/9/16", "k")
    ingest(db, second)
    assert kept_weeks(db) == []
    got = outputs(db)
    copy_db(db, str(tmp_path / "fresh.db"))
    assert got == outputs(str(tmp_path / "fresh.db"), NO_STORE)


OWN_WEEKS = ["2026-07-19", "2026-07-26", "2026-08-02", "2026-08-09", "2026-08-16", "2026-08-23", "2026-08-30",
             "2026-09-06", "2026-09-13", "2026-09-20", "2026-09-27", "2026-10-04"]


def test_values_kept_and_read_back(base, db):
    """The scorecard's own twelve weeks (W29 .. W40) keep their windows'
    values; the next run reads all twelve and computes none, with the same
    output; the switch reads none."""
    assert kept_values(db) == OWN_WEEKS
    read, computed, out = values_run(db)
    assert (read, computed) == (12, 0) and out == base["fresh"][1]
    r = run(["-v", "scorecard", "--db", db, "--config", CONFIG, "--period", WEEK, "--format", "csv"], env=NO_STORE)
    assert "the scorecards read the values" not in r.stderr and r.stdout == base["fresh"][1]


def test_a_late_file_computes_the_values_from_its_week(base, db, tmp_path):
    """Activities dated 2026-09-16 (W38) that come late: the values of W29 ..
    W37 stay and are read, W38 .. W40 are computed, and the result is what
    computing everything gives, which is not what it was (2 of 20 came: the
    week's 活动出勤率 moves)."""
    ingest(db, late_activities(tmp_path / "activities-补报.csv", "2026/9/16", "v"))
    assert kept_values(db) == OWN_WEEKS[:9]
    read, computed, out = values_run(db)
    assert (read, computed) == (9, 3)
    copy_db(db, str(tmp_path / "fresh.db"))
    fresh = outputs(str(tmp_path / "fresh.db"), NO_STORE)
    assert out == fresh[1] and out != base["fresh"][1]
    assert outputs(db) == fresh
    assert kept_values(db) == OWN_WEEKS


def test_a_quarters_values(base, db, tmp_path):
    """A quarter's scorecard keeps its quarters' values (kind 2) the same way,
    and reads them next time; a survey answer dated in Q3 forgets Q3 only."""
    fresh = run(["scorecard", "--db", db, "--config", CONFIG, "--period", "2026-Q3", "--format", "csv"],
                env=NO_STORE).stdout
    read, computed, out = values_run(db, "2026-Q3")
    assert computed >= 2 and out == fresh
    quarters = kept_values(db, 2)
    assert quarters[-1] == "2026-09-30" and len(quarters) == computed, quarters
    read, computed, out = values_run(db, "2026-Q3")
    assert computed == 0 and read >= len(quarters) and out == fresh
    with open(os.path.join(DEMO, "surveys.csv"), encoding="utf-8-sig") as f:
        head = f.read().splitlines()[0]
    cols = head.split(",")
    p = tmp_path / "surveys-补报.csv"
    p.write_text(head + "\n" + ",".join(["LATEQ", "S001C01", "2026-08-26", "家长"] + ["1"] * (len(cols) - 4))
                 + "\n", encoding="utf-8")
    ingest(db, p)
    assert kept_values(db, 2) == quarters[:-1]
    read, computed, out = values_run(db, "2026-Q3")
    assert computed == 1 and read >= len(quarters) - 1     # (and the weeks its items look back over)
    copy_db(db, str(tmp_path / "fresh.db"))
    assert out == run(["scorecard", "--db", str(tmp_path / "fresh.db"), "--config", CONFIG, "--period", "2026-Q3",
                       "--format", "csv"], env=NO_STORE).stdout
