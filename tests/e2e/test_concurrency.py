"""Concurrency: four ingests of different files and two reports started at
once, repeated.  Every row stored exactly once, every report complete, no
'database is locked' failure within the timeout."""
import os
import subprocess

from conftest import BIN, ROOT, run
from reliability_util import count, integrity, write_activities, write_communities

CONFIG = os.path.join(ROOT, "indicators.ini")


def test_parallel_ingests_and_reports(tmp_path):
    db = tmp_path / "cc.db"
    r = run(["ingest", "-q", "--db", db, write_communities(tmp_path)])
    assert r.returncode == 0, r.stderr
    seed = write_activities(tmp_path, 300, name="seed.csv", prefix="S")
    assert run(["ingest", "-q", "--db", db, seed]).returncode == 0
    total = 300
    for rnd in range(3):
        files = [write_activities(tmp_path, 5000, name=f"act-{rnd}-{k}.csv", prefix=f"R{rnd}K{k}-")
                 for k in range(4)]
        procs = [subprocess.Popen([BIN, "ingest", "-q", "--db", str(db), f],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for f in files]
        outs = [tmp_path / f"out-{rnd}-{k}" for k in range(2)]
        procs += [subprocess.Popen([BIN, "report", "weekly", "-q", "--db", str(db), "--config", CONFIG,
                                    "--period", "2026-W47", "--out", str(o)],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                  for o in outs]
        for p in procs:
            out, err = p.communicate(timeout=300)
            assert p.returncode in (0, 4), err   # 4: some communities did not report
            assert "locked" not in err
        total += 4 * 5000
        assert count(str(db), "activities") == total
        assert integrity(str(db)) == "ok"
        for o in outs:
            names = sorted(os.listdir(o / "2026-W47"))
            assert "all.xlsx" in names and "warnings.csv" in names
            assert not [n for n in names if ".tmp" in n]
