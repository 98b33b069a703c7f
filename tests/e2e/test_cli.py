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


# ---- the option tables ------------------------------------------------------

COMMANDS = ["ingest", "report", "scorecard", "warnings", "check", "status", "ahp", "entropy", "topsis", "kano"]


def width(s):
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def readme_synopsis():
    text = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    block = text.split("## Commands\n\n```\n", 1)[1].split("```\n", 1)[0]
    return block


def entries(block, prefix=""):
    """{command: its usage with whitespace collapsed} of synopsis lines."""
    out, cur = {}, None
    for line in block.splitlines():
        if line.startswith(prefix + "carecard "):
            cur = line[len(prefix):].split()[1]
            out[cur] = line[len(prefix):]
        elif cur and line.startswith(" "):
            out[cur] += " " + line
    return {k: " ".join(v.split()) for k, v in out.items()}


def test_readme_synopsis_is_generated_from_the_tables():
    """The README's Commands block is exactly `carecard help --synopsis`, and
    each command's --help starts with the same usage (wrapped differently)."""
    r = run(["help", "--synopsis"])
    assert r.returncode == 0
    assert readme_synopsis() == r.stdout
    syn = entries(r.stdout)
    assert sorted(syn) == sorted(COMMANDS)
    for c in COMMANDS:
        h = run([c, "--help"])
        assert h.returncode == 0
        usage = h.stdout.split("\n\n", 1)[0]
        assert entries(usage, "usage: ") == {c: syn[c]}
        for line in usage.splitlines():
            assert width(line) <= 80, line
        opts = h.stdout.split("\nOptions:\n", 1)[1].split("\n\n", 1)[0] if "\nOptions:\n" in h.stdout else ""
        for line in opts.splitlines():
            assert width(line) <= 80, (c, line)


def test_synopsis_names_every_option_the_parser_takes():
    """The options the issue found missing from usage lines are there, and
    every option a usage line names is accepted (no "unknown option")."""
    syn = entries(run(["help", "--synopsis"]).stdout)
    assert "[--jobs N]" in syn["report"]
    assert "[--street ID | --community ID]" in syn["warnings"]
    for c, line in syn.items():
        for opt in set(re.findall(r"--[a-z-]+", line)):
            r = run([c, opt, "x", "--db", "/nonexistent/x.db", "--config", "/nonexistent/x.ini"])
            assert "unknown option" not in r.stderr, (c, opt, r.stderr)


def test_common_options_before_or_after_the_command(tmp_path):
    db = str(tmp_path / "c.db")
    p = tmp_path / "fb.csv"
    p.write_text("feedback_id,community_id,received,resolved\nF-1,L01,2026-11-16,是\n", encoding="utf-8")
    r = run(["-q", "--db", db, "ingest", str(p)])       # was: "'-q' is not a carecard command"
    assert r.returncode in (0, 3), r.stderr
    r = run(["--db=" + db, "status"])
    assert r.returncode == 0 and "fb.csv" in r.stdout, r.stderr
    r = run(["status", "--db", db])
    assert r.returncode == 0 and "fb.csv" in r.stdout
    r = run(["--lang", "en", "-v", "--db", db, "ingest", str(p)])
    assert r.returncode == 0 and "already ingested" in r.stderr


def test_did_you_mean():
    r = run(["ingset", "x.csv"])
    assert r.returncode == 2
    assert r.stderr == "carecard: 'ingset' is not a carecard command; did you mean 'ingest'?\n"
    r = run(["scorecard", "--perod", "2026-W47"])
    assert r.returncode == 2
    assert r.stderr.startswith("carecard: scorecard: unknown option '--perod'; did you mean '--period'?\n")
    r = run(["ingest", "--rejcts", "x", "a.csv"])
    assert "did you mean '--rejects'?" in r.stderr and r.returncode == 2
    r = run(["--qiuet", "status"])
    assert r.returncode == 2 and "did you mean '--quiet'?" in r.stderr
    r = run(["warnings", "--xyzzy"])
    assert r.returncode == 2 and "did you mean" not in r.stderr and "unknown option '--xyzzy'" in r.stderr


# ---- quiet cron, whole messages, tables that read -----------------------------

DEMO = os.path.join(ROOT, "fixtures", "demo")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    d = tmp_path_factory.mktemp("demo-db")
    db = str(d / "demo.db")
    r = run(["ingest", "-q", "--db", db, "--rejects", str(d), DEMO])
    assert r.returncode == 3, r.stderr          # the demo has six bad rows
    return db


def test_warnings_table_columns_are_separated(demo_db):
    """2026-W40 of the demo: 锦城社区 did not report two weeks running (红未报),
    紫薇社区 one week (黄未报); the level column is followed by a space."""
    r = run(["warnings", "--db", demo_db, "--config", os.path.join(ROOT, "indicators.ini"),
             "--period", "2026-W40"])
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert any(l.startswith("红未报 锦城社区 ") for l in lines), r.stdout
    assert any(l.startswith("黄未报 紫薇社区 ") for l in lines)
    assert "红未报锦城" not in r.stdout
    header = lines[1].split()
    assert header == ["等级", "单位", "指标", "数值", "目标", "连续", "状态", "处置"]
    for l in lines:
        assert width(l) <= 80, l


def test_readme_cron_line_is_quiet_the_second_time(tmp_path):
    """The README's cron line, run twice on a copy of the demo inbox with
    'today' = Monday 2026-10-05 (so `report weekly` reports 2026-W40): the
    first run names the rejected rows and the communities that did not report;
    the second prints only what still needs a person (the communities that
    did not report), never "already ingested … skipped"."""
    text = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    line = text.split("```cron\n", 1)[1].split("\n", 1)[0]
    cmd = line.split(None, 5)[5]
    inbox = tmp_path / "inbox"
    shutil.copytree(DEMO, inbox)
    (tmp_path / "reports").mkdir()
    shutil.copy(os.path.join(ROOT, "indicators.ini"), tmp_path / "indicators.ini")
    cmd = (cmd.replace("/srv/carecard/carecard.db", str(tmp_path / "carecard.db"))
              .replace("/srv/carecard/indicators.ini", str(tmp_path / "indicators.ini"))
              .replace("/data/inbox/", str(inbox) + "/").replace("/srv/reports", str(tmp_path / "reports")))
    env = dict(os.environ, PATH=os.path.dirname(os.environ.get("CARECARD_BIN", os.path.join(ROOT, "build",
                                                                                              "carecard")))
               + ":" + os.environ["PATH"], CARECARD_TODAY="2026-10-05", TZ="UTC")
    env.pop("CARECARD_DB", None)
    env.pop("CARECARD_CONFIG", None)
    first = subprocess.run(["sh", "-c", cmd], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert "activities-gb18030.csv:55:" in first.stderr
    second = subprocess.run(["sh", "-c", cmd], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert second.stdout == ""
    assert "skipped" not in second.stderr and "已导入" not in second.stderr
    lines = second.stderr.splitlines()
    # the inbox's README.md is not an input: named every run, so that cron mail shows a file
    # nobody will ever ingest (issue 16: an inbox never drops a file silently)
    assert lines[0] == f"carecard: {inbox}/: not read (only .csv, .tsv, .xlsx and .xls are): README.md", second.stderr
    lines = lines[1:]
    assert len(lines) == 1 and "2026-W40" in lines[0] and "锦城社区" in lines[0], second.stderr
