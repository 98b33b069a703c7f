"""Inputs for the reliability tests: a small valid register and big activity
files; a database made read-only for the length of a with-block."""
import contextlib
import os
import subprocess

import pytest

COMMUNITIES = (
    "community_id,community_name,street_id,street_name,population,children_0_3,children_3_12,"
    "eligible_families,special_children,places,as_of\n"
    "L01,凉水井社区,S01,东城街道,14000,420,1450,1800,24,50,2026-01-01\n"
    "L02,锦华社区,S01,东城街道,15000,380,1500,2100,18,60,2026-01-01\n"
    "J01,锦城社区,S02,西湖街道,21000,610,2300,2900,31,80,2026-01-01\n"
)

ACT_HEADER = ("activity_id,community_id,project,date,start_time,end_time,status,capacity,"
              "registered,attended,children,staff,volunteers,checks_passed,checks_total\n")


def write_communities(d):
    p = os.path.join(d, "communities.csv")
    with open(p, "w", encoding="utf-8") as f:
        f.write(COMMUNITIES)
    return p


def write_activities(d, n, name="activities.csv", prefix="A", start_day=1):
    """n valid sessions spread over Nov 2026 for the three communities."""
    p = os.path.join(d, name)
    comms = ["L01", "L02", "J01"]
    with open(p, "w", encoding="utf-8") as f:
        f.write(ACT_HEADER)
        for i in range(n):
            day = start_day + i % 28
            f.write(f"{prefix}{i:07d},{comms[i % 3]},儿童观察团,2026-11-{day:02d},09:00,11:00,completed,"
                    f"30,{20 + i % 10},{15 + i % 10},{10 + i % 5},2,1,{18 + i % 3},20\n")
    return p


def count(db, table):
    import sqlite3
    con = sqlite3.connect(db)
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


def integrity(db):
    import sqlite3
    con = sqlite3.connect(db)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


@contextlib.contextmanager
def read_only(db):
    """db not writable by this process inside the block: mode 0400 for a user,
    immutable for root (who ignores modes); skips where root has no chattr."""
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", str(db)], capture_output=True).returncode != 0:
            pytest.skip("root and no chattr: cannot make the database read-only")
        undo = ["chattr", "-i", str(db)]
    else:
        os.chmod(db, 0o400)
        undo = ["chmod", "600", str(db)]
    try:
        yield
    finally:
        subprocess.run(undo)
