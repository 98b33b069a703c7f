"""carecard check: the default catalog loads clean and prints within 80
columns; every bad configuration in fixtures/bad/config/ fails with its exact
message (file:line[:column]: what is wrong; expected what)."""
import os
import unicodedata

import pytest

from conftest import ROOT, run

BAD = "fixtures/bad/config"


def width(line):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def test_default_catalog_is_clean():
    r = run(["check"], cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    out = r.stdout
    assert out.startswith("indicators.ini: 29 indicators (23 scored in 4 dimensions, 6 extra), 4 survey\n"
                          "  items, 4 KANO features\n")
    for line in out.splitlines():
        assert width(line) <= 80, line
    ids = ["P%d" % i for i in range(1, 9)] + ["R%d" % i for i in range(1, 7)] + \
          ["L%d" % i for i in range(1, 6)] + ["C%d" % i for i in range(1, 5)] + ["X%d" % i for i in range(1, 7)]
    rows = [l.split()[0] for l in out.splitlines() if l[:1] in "PRLCX" and l[1:2].isdigit()]
    assert rows == ids
    assert "P4   process    活动出勤率            higher 0.85    0.8     0.7     period\n" \
           "     = attended / registered\n" \
           "       unit percent, floor 0.4, weight 1, min_n 0, escalate after 2\n" in out
    assert "P6   process    师幼比                lower  7       9       12      period\n" in out
    assert "R1   recipients 家长满意度            higher 0.95    0.9     0.8     last:13w\n" in out
    assert "process         0.250 P1=0.125 P2=0.125" in out
    assert "digital_skill   yesno    digital       grandparent\n     您能熟练使用社区育儿小程序吗\n" in out
    assert "flex_hours          延时托管\n" \
           "     + 如果社区提供延时托管服务，您的感受是？\n" \
           "     - 如果社区不提供延时托管服务，您的感受是？\n" in out


def test_config_from_environment(tmp_path):
    r = run(["check"], cwd=str(tmp_path), env={"CARECARD_CONFIG": os.path.join(ROOT, "indicators.ini")})
    assert r.returncode == 0, r.stderr
    r = run(["check"], cwd=str(tmp_path))
    assert r.returncode == 1
    assert r.stdout == ""
    assert r.stderr == ("carecard: indicators.ini: cannot open the indicator catalog: No such file or directory "
                        "(use --config FILE or set CARECARD_CONFIG)\n")


def test_usage():
    r = run(["check", "extra"], cwd=ROOT)
    assert r.returncode == 2
    assert r.stderr.startswith("carecard: check: unexpected argument 'extra'\n")
    r = run(["check", "--help"], cwd=ROOT)
    assert r.returncode == 0
    assert r.stdout.startswith("usage: carecard check [--config FILE]\n")


def test_bom_is_accepted():
    r = run(["check", "--config", BAD + "/bom.ini"], cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert "P4   process    活动出勤率" in r.stdout


CASES = {
    "duplicate_section.ini": [
        "20: duplicated section [p4] (first at line 1, as [P4]); expected each section once (section names ignore case)"],
    "duplicate_key.ini": [
        "10: [P4] duplicated key 'Target' (first at line 7); expected each key once per section"],
    "long_line.ini": [
        "10: line is 1202 bytes long; expected at most 1024 bytes per line"],
    "unknown_key.ini": [
        "10: [P4] unknown key 'traget' (did you mean 'target'?); expected an indicator key: name, name_en, "
        "dimension, formula, unit, direction, target, yellow, red, floor, weight, window, min_n, escalate_after"],
    "unknown_measure.ini": [
        "4:13: [P4] formula: unknown measure 'attendd' (did you mean 'attended'?); expected a measure name from "
        "the catalog (docs/indicators.md), a survey.<item>.<stat> or an assess.<domain>.<stat>"],
    "bad_formula.ini": [
        "4:35: [P4] formula: expected ')', found end of formula"],
    "yellow_wrong_side.ini": [
        "8: [P4] yellow = 0.90 is above target = 0.85; for direction = higher expected target ≥ yellow ≥ red"],
    "escalate_after_13.ini": [
        "10: [P4] escalate_after = 13; expected a whole number of periods from 1 to 12 (default 2)"],
    "formula_too_deep.ini": [
        "4:77: [P4] formula: formula too deep (more than 64 levels)"],
    "unknown_survey_item.ini": [
        "4:13: [P4] formula: unknown survey item 'parent_sat' in 'survey.parent_sat.top2'; expected an item "
        "declared in an [item.parent_sat] section (declared: none)"],
    "lower_without_floor.ini": [
        "1: [P4] missing key 'floor'; expected the value that scores 0, above target (required when direction = lower)"],
    "bad_window.ini": [
        "10: [P4] window = 'last:13'; expected period or last:N followed by d, w, m or q (days, weeks, months, "
        "quarters; N from 1 to 999), e.g. last:13w"],
    "bad_unit.ini": [
        "5: [P4] unit = 'percentage'; expected percent, number, per1000, hours or ratio"],
    "unknown_dimension.ini": [
        "3: [P4] unknown dimension 'proces' (did you mean 'process'?); expected one of process, recipients, "
        "growth, community, extra"],
    "bad_weights.ini": [
        "2: [scorecard] weights = 'topsis'; expected fixed, ahp or entropy",
        "3: [scorecard] ranking = 'entropy'; expected score or topsis",
        "4: [scorecard] grades = '60, 75, 90'; expected three descending scores between 0 and 100 (lower bounds "
        "of 优秀, 良好, 合格), e.g. 90, 75, 60"],
    "ahp_shape.ini": [
        "4: [ahp] no row for 'community'; expected 4 rows of 4 numbers",
        "6: [ahp] row 'recipients' has 3 numbers; expected 4 (one per column, in the order of the rows)",
        "7: [ahp] row 'growth', column 4: 'x'; expected a positive number or a fraction like 1/3 (Saaty 1–9 scale)"],
    "quote_in_value.ini": [
        "2: the value of 'name' contains '\"'; expected a value without quotes, or the whole value in double "
        "quotes (needed when it contains ';' or '#')"],
    "item_kano.ini": [
        "11: [item.sat] no question text: expected column = <the survey question exactly as in the survey "
        "file's header>",
        "12: [item.sat] scale = 'likert7'; expected likert5 or yesno",
        "13: [item.sat] roles: unknown role '学生'; expected a comma-separated list of child, parent, "
        "grandparent, elder, volunteer, other (or 儿童, 家长, 祖辈, 老人, 志愿者, 其他)",
        "14: [item.sat] group = 'fun'; expected satisfaction, digital, culture or cohesion",
        "16: [kano.flex] no dysfunctional question: expected dysfunctional = <the question asked if the "
        "service is not provided>"],
    "many_errors.ini": [
        "7:29: [P1] formula: expected a number, a measure name or '(', found '/'",
        "11: [P1] red = 0.95 is above yellow = 0.90; for direction = higher expected target ≥ yellow ≥ red",
        "13: [P2] missing key 'name'; expected the indicator's Chinese name, e.g. name = 活动出勤率",
        "14: [P2] unknown dimension 'growth'; expected one of process, recipients, extra",
        "16: [P2] direction = 'sideways'; expected higher or lower (which way is better)",
        "17: [P2] target = 'high' is not a number; expected the value that counts as met (达标) (a decimal "
        "number; write 85% as 0.85)"],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_config(name):
    path = BAD + "/" + name
    r = run(["check", "--config", path], cwd=ROOT)
    assert r.returncode == 1
    assert r.stdout == ""
    msgs = CASES[name]
    want = "".join("carecard: %s:%s\n" % (path, m) for m in msgs)
    n = len(msgs)
    want += "carecard: %s: %d configuration error%s\n" % (path, n, "" if n == 1 else "s")
    assert r.stderr == want


def test_ahp_inconsistent():
    """A cyclic 3 x 3 matrix (9, 9, 9 around the circle) is circulant: its
    Perron vector is (1, 1, 1)/3 and lambda_max the row sum 1 + 9 + 1/9 =
    10.1111; CI = (10.1111 - 3) / 2 = 3.5556, RI(3) = 0.58, CR = 6.1303."""
    path = BAD + "/ahp_inconsistent.ini"
    r = run(["check", "--config", path], cwd=ROOT)
    assert r.returncode == 1
    assert r.stdout == ""
    assert r.stderr == "carecard: %s: [ahp] matrix is inconsistent: CR = 6.1303 \u2265 0.10\n" % path


AHP = """[scorecard]
weights = ahp
[ahp]
process    = 1,   2,   3,   2
recipients = 1/2, 1,   2,   1
growth     = 1/3, 1/2, 1,   1/2
community  = 1/2, 1,   2,   1
[ahp.growth]
L1 = 1,   1,   2,   2,   3
L2 = 1,   1,   2,   2,   3
L3 = 1/2, 1/2, 1,   1,   2
L4 = 1/2, 1/2, 1,   1,   2
L5 = 1/3, 1/3, 1/2, 1/2, 1
"""


def test_ahp_weights_shown(tmp_path):
    """Weights of a nearly consistent matrix are close to the row geometric
    means: dimensions (12^1/4, 1, 12^-1/4, 1) / 4.398 = 0.423, 0.227, 0.122,
    0.227; growth (12^1/5, 12^1/5, 0.5^1/5, 0.5^1/5, 36^-1/5) / 5.517 =
    0.298, 0.298, 0.158, 0.158, 0.089."""
    with open(os.path.join(ROOT, "indicators.ini"), encoding="utf-8") as f:
        default = f.read()
    body = default[default.index("\n[feedback]\n"):]
    cfg = tmp_path / "ahp.ini"
    cfg.write_text(AHP + body, encoding="utf-8")
    r = run(["check", "--config", str(cfg)], cwd=ROOT)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "Weights: ahp (dimensions from the [ahp] matrix), ranking by total score\n" in out
    assert "AHP: lambda_max 4.01" in out
    lines = {l.split()[0]: l.split() for l in out.splitlines()
             if l.split() and l.split()[0] in ("process", "recipients", "growth", "community")}
    w = {k: float(v[1]) for k, v in lines.items()}
    assert abs(w["process"] - 0.423) <= 0.002
    assert abs(w["recipients"] - 0.227) <= 0.002
    assert abs(w["growth"] - 0.122) <= 0.002
    assert abs(w["community"] - 0.227) <= 0.002
    assert abs(sum(w.values()) - 1) < 0.002
    growth = dict(x.split("=") for x in lines["growth"][2:])
    assert [round(float(growth[k]), 2) for k in ("L1", "L2", "L3", "L4", "L5")] == [0.30, 0.30, 0.16, 0.16, 0.09]
    for line in out.splitlines():
        assert width(line) <= 80, line


def test_every_fixture_is_tested():
    files = sorted(f for f in os.listdir(os.path.join(ROOT, BAD)) if f.endswith(".ini"))
    assert files == sorted(list(CASES) + ["bom.ini", "ahp_inconsistent.ini"])


def test_config_error_stops_other_commands(tmp_path):
    """A command that needs the catalog refuses to run on a bad one."""
    r = run(["warnings", "--config", BAD + "/escalate_after_13.ini", "--db", str(tmp_path / "x.db")], cwd=ROOT)
    assert r.returncode == 1
    assert "escalate_after_13.ini:10: [P4] escalate_after = 13" in r.stderr


def test_unreadable_and_empty(tmp_path):
    r = run(["check", "--config", str(tmp_path)], cwd=ROOT)
    assert r.returncode == 1
    assert r.stderr == "carecard: %s: cannot read the indicator catalog: Is a directory\n" % tmp_path
    empty = tmp_path / "empty.ini"
    empty.write_bytes(b"\xef\xbb\xbf\r\n; nothing\r\n")
    r = run(["check", "--config", str(empty)], cwd=ROOT)
    assert r.returncode == 1
    assert r.stderr == ("carecard: %s: no indicators; expected at least one indicator section such as [P1]\n"
                        "carecard: %s: 1 configuration error\n" % (empty, empty))
