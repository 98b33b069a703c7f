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
    bad = re.compile(r'"\.\.",\s*"(\.\.",\s*")?shared"|/shared/(samples|spec)|\.\./shared')
    for d, _, files in os.walk(os.path.join(ROOT, "tests")):
        for n in files:
            if n.endswith((".py", ".c", ".h", ".sh")):
                with open(os.path.join(d, n), encoding="utf-8", errors="replace") as f:
                    for i, line in enumerate(f, 1):
                        assert not bad.search(line), f"{n}:{i}: {line.strip()}"


METHODS = os.path.join(ROOT, "fixtures", "test", "methods")


def test_method_commands_take_a_minimal_config():
    """kano reads only the [kano.*] sections: a config holding nothing else
    gives the same table as the full one (it was refused: "no indicators").
    ahp, entropy and topsis read no config, so any --config is fine."""
    full = run(["kano", os.path.join(METHODS, "kano_survey.csv"), "--config", os.path.join(METHODS, "kano.ini"),
                "--format", "json"])
    assert full.returncode == 0, full.stderr
    only = run(["kano", os.path.join(METHODS, "kano_survey.csv"), "--config",
                os.path.join(METHODS, "kano_only.ini"), "--format", "json"])
    assert only.returncode == 0, only.stderr
    assert only.stdout == full.stdout
    for args in (["ahp", "ahp_3x3.csv"], ["entropy", "entropy.csv"], ["topsis", "topsis.csv", "--weights", "1,1"]):
        r = run([args[0], os.path.join(METHODS, args[1])] + args[2:] +
                ["--config", os.path.join(METHODS, "kano_only.ini")])
        assert r.returncode == 0, (args, r.stderr)
