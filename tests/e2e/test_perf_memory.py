"""Memory that does not grow faster than it must with the number of units (issue 20).

A scorecard computes twelve periods (the period and eleven before it); of the
earlier periods the result needs only values, statuses and totals (and, of
the previous one, scores and effective weights). Measured for this data set
(1,500 communities in 75 streets, two light weeks) with /usr/bin/time: 69.4 MB
peak RSS while every period kept its full tables, 50.5 MB with them trimmed
(the difference, about 13 KB a unit, is ten periods x 28 indicators x the five
per-cell arrays of 8 bytes dropped). The bound sits between the two.
"""
import os
import subprocess

import pytest

from conftest import BIN, CONFIG, GEN

KINDS = ["communities", "providers", "activities", "attendance", "surveys",
         "assessments", "trainings", "timebank", "feedback"]


def child_peak_kb(args, env, tmp_path):
    """Peak RSS of one command, in KB, as the bench measures it (/usr/bin/time -f %M):
    not the fork of this (large) pytest process, whose pages a forked child
    counts until it execs."""
    out = tmp_path / "time.out"
    p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", str(out)] + args, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
    return p.returncode, int(out.read_text().split()[-1])


@pytest.mark.skipif(os.environ.get("SANITIZE") == "1", reason="ASan's shadow memory is not the program's")
def test_scorecard_of_many_units_keeps_two_full_periods(tmp_path):
    d = tmp_path / "data"
    subprocess.run([GEN, "--out", str(d), "-q", "--streets", "75", "--communities", "20",
                    "--weeks", "2", "--start", "2026-11-09", "--sessions", "1-2",
                    "--attendance", "5"], check=True, timeout=120)
    db = str(tmp_path / "cc.db")
    env = dict(os.environ, TZ="UTC", CARECARD_LANG="en")
    env.pop("CARECARD_DB", None)
    p = subprocess.run([BIN, "ingest", "-q", "--db", db] + [str(d / (k + ".csv")) for k in KINDS],
                       env=env, capture_output=True, text=True, timeout=300)
    assert p.returncode in (0, 3), p.stderr
    rc, kb = child_peak_kb([BIN, "scorecard", "--db", db, "--config", CONFIG, "--period", "2026-W47",
                            "--format", "csv", "--out", str(tmp_path / "sc.csv")], env, tmp_path)
    assert rc in (0, 4)
    lines = open(tmp_path / "sc.csv", encoding="utf-8").read().splitlines()
    assert len(lines) > 1500
    assert kb < 60 * 1024, "scorecard peak RSS %.1f MB" % (kb / 1024)
