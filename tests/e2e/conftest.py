"""Shared pytest set-up for the end-to-end tests: how to run the binary."""
import os
import subprocess
import sys

import pytest

ROOT = os.environ.get("CARECARD_ROOT", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
BIN = os.environ.get("CARECARD_BIN", os.path.join(ROOT, "build", "carecard"))
GEN = os.environ.get("CARECARD_GEN", os.path.join(ROOT, "build", "carecard-gen"))
SAMPLES = os.path.join(ROOT, "..", "shared", "samples")
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
