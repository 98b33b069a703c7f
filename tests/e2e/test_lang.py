"""Chinese for the people who fix the data: every ingest message and reject
reason has a row in the message catalog (lib/ingest/msg_zh.c); Chinese is
the default (--lang zh), English with --lang en; both give the same
FILE:LINE places; the rejects file carries 原因 and reason."""
import csv
import os
import re

import pytest

from conftest import ROOT, run

BAD = os.path.join(ROOT, "fixtures", "bad")
SAMPLES = os.path.join(ROOT, "fixtures", "test", "ingest", "samples")
ZH = {"CARECARD_LANG": ""}          # the default, as a clerk runs it


def literals(src, start):
    """The adjacent C string literals from src[start:], joined."""
    out, p = [], start
    while True:
        m = re.match(r'\s*"((?:[^"\\]|\\.)*)"', src[p:])
        if not m:
            return "".join(out)
        out.append(m.group(1))
        p += m.end()


def message_formats(path):
    """The printf formats of the messages and reasons a source file makes."""
    src = open(path, encoding="utf-8").read()
    fmts = set()
    for m in re.finditer(r'\b(cc_error|cc_warn|cc_notice|cc_verbose|fail_col\(f, ci,|(?:ingest_)?fail_value\(f, ci,|'
                         r'fail\(r,|open_fail\([^"]*?why,|snprintf\((?:f->reason|num|msg|what|out), [^,"]+,)\s*\(?',
                         src):
        f = literals(src, m.end())
        if f and not re.match(r"^(DELETE|UPDATE|SELECT|INSERT|%[.0-9]*[sg]$|<U|%s%s \(|%s: %s$)", f):
            fmts.add(f.replace('\\"', '"'))
    return fmts


def catalog():
    src = open(os.path.join(ROOT, "lib", "ingest", "msg_zh.c"), encoding="utf-8").read()
    body = src.split("catalog[] = {", 1)[1].split("\n};", 1)[0]
    return [literals(body, m.end()) for m in re.finditer(r"\{(?=\s*\")", body)]


# the files that make ingest's messages (what ingest.c once was)
INGEST_SOURCES = tuple("lib/ingest/%s.c" % n for n in ("ingest", "validate", "load", "rejects", "header", "roster",
                                                        "bigload", "pipeline", "discover"))


def test_every_ingest_message_has_a_chinese_row():
    rows = catalog()
    assert len(rows) > 60
    joined = "\n".join(rows)
    missing = []
    for path in INGEST_SOURCES + ("lib/text/csv.c", "lib/ingest/ledger_in.c"):
        for f in message_formats(os.path.join(ROOT, path)):
            # fail_col's prefix "column '%s' (%s): " is joined with its reason in one row
            # expect_text's "%s ≥ %s" is "integer ≥ %s" or "number ≥ %s": a row each
            if f.startswith("%s ") and "integer " + f[3:] in rows and "number " + f[3:] in rows:
                continue
            if f not in rows and f.rstrip() not in joined and "column '%s' (%s): " + f not in joined:
                missing.append((path, f))
    assert not missing, "messages without a row in lib/ingest/msg_zh.c: %r" % missing


def ingest_bad(tmp_path, env, name):
    db = str(tmp_path / (name + ".db"))
    rej = tmp_path / ("rej-" + name)
    rej.mkdir()
    r = run(["ingest", "-q", "--db", db] + [os.path.join(SAMPLES, f) for f in
                                             ("communities.csv", "providers.csv", "activities.csv")], env=env)
    assert r.returncode == 0, r.stderr
    out = []
    for f in sorted(os.listdir(BAD)):
        if f.endswith(".csv"):
            r = run(["ingest", "--db", db, "--rejects", str(rej), os.path.join(BAD, f)], env=env)
            out += r.stderr.splitlines()
    return out, rej


def test_bad_corpus_in_chinese_with_the_same_places(tmp_path):
    """Every message of the bad-input corpus is Chinese by default, with the
    FILE:LINE of the English one; no English reason is left."""
    en, _ = ingest_bad(tmp_path, {"CARECARD_LANG": "en"}, "en")
    zh, rej = ingest_bad(tmp_path, ZH, "zh")
    assert len(en) == len(zh) > 40
    place = re.compile(r"^carecard: [^:]*\.csv(:\d+)?:")
    for e, z in zip(en, zh):
        assert place.match(e).group(0) == place.match(z).group(0), (e, z)
        assert re.search(r"[\u4e00-\u9fff]", z.split(".csv", 1)[1]), z
        for word in ("column '", "value '", "expected", "no such", "missing", "rejected", "not stored",
                     "ignoring", "header"):
            assert word not in z.split(".csv", 1)[1], z
    assert "carecard: %s/negative.csv:3: 列“实到人数”(attended)：值“-3” — 应为 ≥ 0 的整数" % BAD in zh
    # --lang on the command line wins over CARECARD_LANG
    r = run(["--lang", "zh", "ingest", "--db", str(tmp_path / "x.db"), os.path.join(BAD, "empty.csv")])
    assert "空文件（没有表头行）" in r.stderr
    with open(rej / "negative.csv.rejects.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][:3] == ["line", "原因", "reason"]
    assert rows[1][:3] == ["3", "列“实到人数”(attended)：值“-3” — 应为 ≥ 0 的整数",
                           "column 'attended' (实到人数): value '-3' — expected integer ≥ 0"]


def test_english_on_request(tmp_path):
    r = run(["ingest", "--lang", "en", "--db", str(tmp_path / "x.db"), os.path.join(BAD, "empty.csv")], env=ZH)
    assert r.stderr.startswith("carecard: %s: empty file (no header line)\n" % os.path.join(BAD, "empty.csv"))
    r = run(["ingest", "--lang", "fr", "--db", str(tmp_path / "x.db"), os.path.join(BAD, "empty.csv")])
    assert r.returncode == 2 and "expected zh or en" in r.stderr
