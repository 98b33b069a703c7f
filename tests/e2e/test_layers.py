"""The architecture's rules, checked on the source (docs/architecture.md).

Data moves one way, and so do the includes:

    cmd → carecard.h → report → score → measure | ingest → model | store → text → base

A file may include headers of its own room or of a lower layer, never of a
higher one nor of its neighbour on the same floor (measure and ingest, model and
store know nothing of each other).  cmd/ sees lib/ only through carecard.h.
Only the layers whose job is SQL (store, ingest, measure) see the SQLite
connection (store/db.h).  lib/ reads the environment in one place and never
writes to the terminal itself.  Nothing in the repository points at a document
that is not in it.
"""
import os
import re
import subprocess

from conftest import ROOT

LAYER = {"base": 0, "text": 1, "store": 2, "model": 2, "ingest": 3, "measure": 3,
         "score": 4, "report": 5}
SQL_ROOMS = {"store", "ingest", "measure"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def sources(*dirs):
    for d in dirs:
        for base, _, names in os.walk(os.path.join(ROOT, d)):
            for n in sorted(names):
                if n.endswith((".c", ".h")):
                    p = os.path.join(base, n)
                    yield os.path.relpath(p, ROOT), open(p, encoding="utf-8").read()


def room(path):
    """'lib/ingest/ingest.c' -> 'ingest'; 'lib/carecard.h' -> 'carecard.h'; cmd/* -> 'cmd'."""
    parts = path.split("/")
    if parts[0] == "cmd":
        return "cmd"
    return parts[1] if len(parts) > 2 else parts[1]


def target_room(inc):
    """The room of a quoted include as lib/ is on the include path ('ingest/kinds.h')."""
    if "/" in inc:
        return inc.split("/")[0]
    return None       # same folder


def test_lib_includes_run_downwards_only():
    bad = []
    for path, text in sources("lib"):
        r = room(path)
        if r == "carecard.h":
            continue
        for inc in INCLUDE.findall(text):
            t = target_room(inc)
            if t is None or t == r:
                continue
            if t not in LAYER:
                bad.append(f"{path}: includes {inc} (not a room of lib/)")
            elif LAYER[t] >= LAYER[r]:
                bad.append(f"{path}: includes {inc} ({t} is not below {r})")
    assert not bad, "includes against the one-way rule:\n" + "\n".join(bad)


def test_cmd_sees_lib_only_through_the_public_header():
    bad = []
    for path, text in sources("cmd"):
        for inc in INCLUDE.findall(text):
            if inc == "carecard.h":
                continue
            if "/" not in inc and os.path.exists(os.path.join(ROOT, "cmd", inc)):
                continue          # cmd's own headers
            bad.append(f"{path}: includes {inc}")
    assert not bad, "cmd/ must include only carecard.h and its own headers:\n" + "\n".join(bad)


def test_public_header_does_not_expose_sqlite():
    """carecard.h and every header it pulls in are free of <sqlite3.h>."""
    seen, todo, bad = set(), ["lib/carecard.h"], []
    while todo:
        h = todo.pop()
        if h in seen:
            continue
        seen.add(h)
        text = open(os.path.join(ROOT, h), encoding="utf-8").read()
        if re.search(r"#\s*include\s*<sqlite3\.h>", text):
            bad.append(h)
        for inc in INCLUDE.findall(text):
            p = os.path.join("lib", inc) if "/" in inc else os.path.join(os.path.dirname(h), inc)
            if os.path.exists(os.path.join(ROOT, p)):
                todo.append(os.path.normpath(p))
    assert not bad, "the public header reaches <sqlite3.h> through: " + ", ".join(bad)


def test_only_the_sql_layers_see_the_connection():
    bad = []
    for path, text in sources("lib", "cmd"):
        r = room(path)
        if r in SQL_ROOMS:
            continue
        if "store/db.h" in INCLUDE.findall(text) or re.search(r"\bsqlite3_\w+\s*\(", text):
            bad.append(path)
    assert not bad, "SQL outside store/, ingest/ and measure/: " + ", ".join(bad)


def code_only(text):
    """The text without comments and string literals (a rough C lexer)."""
    return re.sub(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"', " ", text, flags=re.S)


def test_lib_reads_the_environment_in_one_place():
    bad = [p for p, t in sources("lib") if p != "lib/base/tuning.c"
           and re.search(r"\bgetenv\s*\(\s*\"CARECARD_", t)]
    bad += [p for p, t in sources("lib") if p not in ("lib/base/tuning.c", "lib/text/parse.c")
            and re.search(r"\bgetenv\s*\(", code_only(t))]
    assert not bad, "getenv in lib/ outside base/tuning.c: " + ", ".join(sorted(set(bad)))


def test_lib_never_writes_to_the_terminal_itself():
    """Diagnostics go through cc_diag's sink, progress through the callback
    cmd/ installs; only base/ knows stderr (the sink's default, BUG aborts)."""
    bad = []
    for path, text in sources("lib"):
        if room(path) == "base":
            continue
        code = code_only(text)
        if re.search(r"\bstd(err|out)\b", code) or re.search(r"\b(printf|puts)\s*\(", code):
            bad.append(path)
    assert not bad, "lib/ files that write to stderr/stdout themselves: " + ", ".join(bad)


def test_nothing_points_outside_the_repository():
    """Every Markdown document the repository names is a file of the repository."""
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    if not files:                       # not a git checkout: walk the tree
        files = [os.path.relpath(os.path.join(b, n), ROOT) for d in ("cmd", "lib", "docs", "tests", "scripts")
                 for b, _, ns in os.walk(os.path.join(ROOT, d)) for n in ns]
        files += ["README.md", "Makefile", "indicators.ini"]
    names = {os.path.basename(f) for f in files}
    bad = []
    for f in files:
        if (f.startswith("fixtures/") and not f.startswith("fixtures/gen/")) or f.startswith("reports/") or not f.endswith((".c", ".h", ".md", ".py", ".sh", ".ini", "Makefile")):
            continue
        try:
            text = open(os.path.join(ROOT, f), encoding="utf-8").read()
        except (OSError, UnicodeDecodeError):
            continue
        for m in re.finditer(r"(?<![\w/.-])((?:[\w.-]+/)*[\w-]+\.md)\b", text):
            ref = m.group(1)
            if "/" in ref:
                here = os.path.normpath(os.path.join(os.path.dirname(f), ref))
                if os.path.normpath(ref) in files or here in files or os.path.normpath(os.path.join("docs", ref)) in files:
                    continue
            elif ref in names:
                continue
            bad.append(f"{f}: names {ref}")
    assert not bad, "references to documents that are not in the repository:\n" + "\n".join(sorted(set(bad)))
