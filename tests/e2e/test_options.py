"""One option parser (cmd/opt.c), fed by one table per command and the table
of common options: the same rules for both (a value after the option or after
'='; a flag takes none; "--" ends the options), common options before or after
the command name, every usage error exit 2 naming the command's --help; and
the README and docs/cli.md agree with the tables."""
import os
import re

import pytest

from conftest import ROOT, run

COMMANDS = ["ingest", "report", "scorecard", "warnings", "check", "status", "ahp", "entropy", "topsis", "kano"]
METHODS = os.path.join(ROOT, "fixtures", "test", "methods")


def common_options():
    """{option: short form or None} from the Common options block of carecard --help."""
    r = run(["--help"])
    assert r.returncode == 0
    block = r.stdout.split("Common options (any command, before or after its name):\n", 1)[1]
    out = {}
    for line in block.split("\n\n", 1)[0].splitlines():
        m = re.match(r"  (?:(-\w), )?(--[a-z-]+)", line)
        if m:
            out[m.group(2)] = m.group(1)
    return out


@pytest.mark.parametrize("cmd", COMMANDS)
def test_unknown_option_is_a_usage_error_naming_the_commands_help(cmd):
    r = run([cmd, "--xyzzy"])
    assert r.returncode == 2
    assert r.stderr == f"carecard: {cmd}: unknown option '--xyzzy'\nTry 'carecard {cmd} --help'.\n"


@pytest.mark.parametrize("cmd", COMMANDS)
def test_help_after_the_command_and_its_short_form(cmd):
    long = run([cmd, "--help"])
    assert long.returncode == 0 and long.stdout.startswith(f"usage: carecard {cmd}")
    assert run([cmd, "-h"]).stdout == long.stdout
    assert run(["-h", cmd]).stdout == long.stdout
    assert run(["help", cmd]).stdout == long.stdout


def test_common_options_take_values_by_the_same_rules_anywhere(tmp_path):
    """--db and --config after the command, with '=' or a separate value, and
    between the command's own options."""
    db = str(tmp_path / "o.db")
    p = tmp_path / "fb.csv"
    p.write_text("feedback_id,community_id,received,resolved\nF-1,L01,2026-11-16,是\n", encoding="utf-8")
    r = run(["ingest", "--kind", "feedback", "--db=" + db, "-q", str(p)])
    assert r.returncode in (0, 3), r.stderr
    for args in (["status", "--db=" + db], ["status", "-v", "--db", db], ["--db", db, "status", "-q"]):
        r = run(args)
        assert r.returncode == 0 and "fb.csv" in r.stdout, (args, r.stderr)
    ini = os.path.join(METHODS, "kano_only.ini")
    for args in (["kano", os.path.join(METHODS, "kano_survey.csv"), "--config=" + ini, "--format", "csv"],
                 ["--config", ini, "kano", "--format=csv", os.path.join(METHODS, "kano_survey.csv")]):
        r = run(args)
        assert r.returncode == 0 and r.stdout.startswith("priority,id,name,"), (args, r.stderr)


@pytest.mark.parametrize("args,msg", [
    (["status", "--db"], "carecard: option '--db' needs a value\n"),
    (["--config"], "carecard: option '--config' needs a value\n"),
    (["--quiet=yes", "status"], "carecard: option '--quiet' takes no value\n"),
    (["status", "-v=1"], "carecard: option '--verbose' takes no value\n"),
    (["--dbx", "x", "status"], "carecard: unknown option '--dbx'; did you mean '--db'?\n"),
    (["--zzzzzz", "status"], "carecard: unknown option '--zzzzzz' (before the command only common "
                             "options: see 'carecard --help')\n"),
    (["--lang", "fr", "status"], "carecard: --lang: expected zh or en, got 'fr'\n"),
    (["ingest", "--strict=1", "x.csv"], "carecard: ingest: option '--strict' takes no value\n"
                                        "Try 'carecard ingest --help'.\n"),
    (["topsis", "x.csv", "--weights"], "carecard: topsis: option '--weights' needs a value\n"
                                       "Try 'carecard topsis --help'.\n"),
    (["check", "extra"], "carecard: check: unexpected argument 'extra'\nTry 'carecard check --help'.\n"),
    (["ahp"], "carecard: ahp: missing MATRIX.csv\nTry 'carecard ahp --help'.\n"),
    # after "--" nothing is an option, not even a common one
    (["check", "--", "--db"], "carecard: check: unexpected argument '--db'\nTry 'carecard check --help'.\n"),
])
def test_usage_errors(args, msg, tmp_path):
    r = run(args, cwd=tmp_path)
    assert r.returncode == 2, (args, r.stderr)
    assert r.stderr == msg


def test_a_command_option_is_not_taken_before_the_command():
    r = run(["--format", "json", "ahp", os.path.join(METHODS, "ahp_3x3.csv")])
    assert r.returncode == 2
    assert r.stderr.startswith("carecard: unknown option '--format'")


def test_readme_names_the_common_options():
    """The README's Common options paragraph names each of them, long and
    short form, and no other option."""
    text = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    para = text.split("\nCommon options, before or after the command name", 1)[1].split("\n\n", 1)[0]
    named = set(re.findall(r"`(--?[a-z]+)", para.split(":", 1)[1]))
    want = set()
    for long, short in common_options().items():
        want.add(long)
        if short:
            want.add(short)
    assert named == want


# ---- docs/cli.md agrees with the tables ---------------------------------------

def cli_md():
    return open(os.path.join(ROOT, "docs", "cli.md"), encoding="utf-8").read()


def table_rows(text, heading):
    block = text.split(heading + "\n", 1)[1].split("\n## ", 1)[0]
    rows = [l for l in block.splitlines() if l.startswith("| `")]
    return [re.findall(r"`([^`]*)`", r.split(" | ")[0]) for r in rows]


def test_cli_md_common_options_are_the_table():
    documented = {}
    for codes in table_rows(cli_md(), "## Common options"):
        names = [c.split()[0] for c in codes]
        long = [n for n in names if n.startswith("--")][0]
        short = [n for n in names if not n.startswith("--")]
        documented[long] = short[0] if short else None
    assert documented == common_options()


def test_cli_md_commands_agree_with_the_usage_lines():
    """Every command is in the table of docs/cli.md, and what the table shows
    of its arguments is in its usage line (carecard help --synopsis)."""
    syn = {}
    cur = None
    for line in run(["help", "--synopsis"]).stdout.splitlines():
        if line.startswith("carecard "):
            cur = line.split()[1]
            syn[cur] = line
        else:
            syn[cur] += " " + line.strip()
    seen = []
    for codes in table_rows(cli_md(), "## Commands"):
        words = codes[0].replace("\\|", "|").split()
        seen.append(words[0])
        usage = " ".join(syn[words[0]].split())
        for w in words[1:]:
            assert w in usage.split() or w in usage, (words[0], w, usage)
        # "--weights W,..." is a required option: shown without brackets
        for m in re.finditer(r"(--[a-z-]+) (\S+)", " ".join(words[1:])):
            assert f"{m.group(1)} {m.group(2)}" in usage and f"[{m.group(1)}" not in usage
    assert sorted(seen) == sorted(COMMANDS)
