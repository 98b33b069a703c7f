"""Shared pytest set-up for the end-to-end tests: how to run the binary."""
import os
import subprocess
import sys

import pytest

ROOT = os.environ.get("CARECARD_ROOT", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
BIN = os.environ.get("CARECARD_BIN", os.path.join(ROOT, "build", "carecard"))
GEN = os.environ.get("CARECARD_GEN", os.path.join(ROOT, "build", "carecard-gen"))
SAMPLES = os.path.join(ROOT, "..", "shared", "samples")
CONFIG = os.path.join(ROOT, "indicators.ini")          # the default catalog
sys.path.insert(0, os.path.dirname(__file__))


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


def scorecard_run(db, period, fmt, env=None):
    """carecard scorecard of every unit with the default catalog; exit 0 or 4
    (4: communities that did not report)."""
    r = run(["scorecard", "--db", db, "--config", CONFIG,
             "--period", period, "--format", fmt], env=env, timeout=300)
    assert r.returncode in (0, 4), r.stderr
    return r
