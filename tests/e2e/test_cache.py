"""End-to-end check of the measure week caches (lib/measure/span.c for
activities, partners, time bank, feedback, surveys, assessments, providers and
trainings; lib/measure/attend.c for attendance): a scorecard computed with
them is the one computed by the direct SQL path, byte for byte.

CARECARD_NO_CACHE=1 keeps span.c's cache off; CARECARD_CACHE_BUDGET_KB=0 makes
attend.c's give up at its first load.  The data is the generator's small bench
(40 communities, 26 weeks 2026-05-25 .. 2026-11-22), ingested file by file.
"""
import pytest

from conftest import CONFIG, run, scorecard_run as scorecard

OFF_SPAN = {"CARECARD_NO_CACHE": "1"}
OFF_BOTH = {"CARECARD_NO_CACHE": "1", "CARECARD_CACHE_BUDGET_KB": "0"}


@pytest.fixture(autouse=True)
def compute_every_week(monkeypatch):
    """Every run computes every week: these tests compare ways of computing
    (test_status_store.py tests the statuses kept in the database)."""
    monkeypatch.setenv("CARECARD_NO_STATUS_STORE", "1")


@pytest.fixture(scope="module")
def bench(small_city):
    return small_city["db"]


@pytest.mark.parametrize("period", ["2026-W47", "2026-W30"])
def test_weekly_json_same_without_cache(bench, period):
    """A weekly scorecard (every window whole weeks: the caches answer them);
    W30's history reaches back before the data's first week."""
    on = scorecard(bench, period, "json")
    off = scorecard(bench, period, "json", OFF_SPAN)
    both = scorecard(bench, period, "json", OFF_BOTH)
    assert len(on.stdout) > 100000
    assert on.stdout == off.stdout
    assert on.stdout == both.stdout
    assert on.returncode == off.returncode == both.returncode
    assert on.stderr == off.stderr


def test_monthly_csv_same_without_cache(bench):
    """A month: its windows are not whole weeks (read directly either way),
    except the last:Nw windows ending on a Sunday, if any."""
    on = scorecard(bench, "2026-10", "csv")
    off = scorecard(bench, "2026-10", "csv", OFF_SPAN)
    assert on.stdout.count("\n") > 40
    assert on.stdout == off.stdout


@pytest.mark.parametrize("period", ["2026-W47", "2026-10"])
def test_attendance_by_batches_same(bench, period):
    """Attendance read from the rosters counts a batch of streets at a time
    (CARECARD_ATTEND_BATCH communities, a street never split) and the area
    over all of them: one street per batch gives the scorecard of one batch
    for everything, with the week cache off and on its default path."""
    one = scorecard(bench, period, "json", OFF_BOTH)
    per_street = scorecard(bench, period, "json", {**OFF_BOTH, "CARECARD_ATTEND_BATCH": "1"})
    assert len(one.stdout) > 100000
    assert one.stdout == per_street.stdout
    assert one.returncode == per_street.returncode


def test_over_budget_same(bench):
    """Above its memory budget span.c's cache drops everything midway and the
    rest of the windows are read directly: still the same scorecard."""
    on = scorecard(bench, "2026-W47", "json", {"CARECARD_SPAN_BUDGET_KB": "200"})
    off = scorecard(bench, "2026-W47", "json", OFF_SPAN)
    assert on.stdout == off.stdout


def test_verbose_says_cache_size(bench):
    """-v prints the cache's size at the end of a scorecard (the week cache is
    on by default)."""
    r = run(["scorecard", "-v", "--db", bench, "--config", CONFIG, "--period", "2026-W47",
             "--format", "csv"], timeout=300)
    assert r.returncode in (0, 4), r.stderr
    assert "carecard: measure week cache: " in r.stderr
    r = run(["scorecard", "-v", "--db", bench, "--config", CONFIG, "--period", "2026-W47",
             "--format", "csv"], env=OFF_SPAN, timeout=300)
    assert "measure week cache" not in r.stderr
