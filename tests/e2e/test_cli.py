"""The command line as people and cron meet it: the test summary, common
options anywhere, "did you mean", usage generated from the option tables,
quiet cron runs, whole messages, Chinese messages."""
import os
import re
import shutil
import subprocess

import pytest

from conftest import ROOT, run


def test_run_sh_counts_skips(tmp_path):
    """tests/run.sh sums passed, failed and skipped tests; a fake unit binary
    reporting 2 passed and 1 skipped gives "2 passed, 0 failed, 1 skipped"."""
    b = tmp_path / "build" / "tests"
    b.mkdir(parents=True)
    t = b / "fake_test"
    t.write_text("#!/bin/sh\necho '[  PASSED  ] 2 test(s).'\necho '[  SKIPPED ] 1 test(s), listed below:'\n")
    t.chmod(0o755)
    r = subprocess.run(["sh", os.path.join(ROOT, "tests", "run.sh")], capture_output=True, text=True,
                       env=dict(os.environ, BUILD=str(tmp_path / "build"), ONLY="unit"))
    assert r.stdout.splitlines()[-1] == "2 passed, 0 failed, 1 skipped", r.stdout
    assert r.returncode == 0


def test_tests_read_nothing_outside_the_repository():
    """No test names a path outside the repository (the samples are copied
    into fixtures/test/ingest/samples)."""
    bad = re.compile(r'"\.\.",\s*"(\.\.",\s*")?shared"|/work/shared|\.\./shared')
    for d, _, files in os.walk(os.path.join(ROOT, "tests")):
        for n in files:
            if n.endswith((".py", ".c", ".h", ".sh")) and n != "test_cli.py":
                with open(os.path.join(d, n), encoding="utf-8", errors="replace") as f:
                    for i, line in enumerate(f, 1):
                        assert not bad.search(line), f"{n}:{i}: {line.strip()}"
