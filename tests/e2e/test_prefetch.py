"""End-to-end check of the week caches' prefetch (lib/measure/measure.c
cc_measures_prefetch): a weekly scorecard fills the caches for its whole
history first, in two threads (the second on its own read-only connection),
and must be byte for byte the scorecard computed window by window
(CARECARD_NO_PREFETCH=1).  The data is the generator's small bench."""
import pytest

from conftest import CONFIG, run, scorecard_run as scorecard

SERIAL = {"CARECARD_NO_PREFETCH": "1"}


@pytest.fixture(autouse=True)
def compute_every_week(monkeypatch):
    """Every run computes every week: these tests compare ways of computing
    (test_status_store.py tests the statuses kept in the database)."""
    monkeypatch.setenv("CARECARD_NO_STATUS_STORE", "1")


@pytest.fixture(scope="module")
def bench(small_city):
    return small_city["db"]


def same(a, b):
    assert a.stdout == b.stdout
    assert a.stderr == b.stderr
    assert a.returncode == b.returncode


@pytest.mark.parametrize("period,fmt", [("2026-W47", "json"), ("2026-W30", "json"),
                                        ("2026-W47", "csv"), ("2026-10", "csv")])
def test_same_as_window_by_window(bench, period, fmt):
    """W47: the data's last week; W30's history reaches back before the data's
    first week; a month's windows are mostly not whole weeks."""
    on = scorecard(bench, period, fmt)
    assert len(on.stdout) > 10000
    same(on, scorecard(bench, period, fmt, SERIAL))


def test_every_task_on_the_helper_connection(bench):
    """All the loads in the second thread, on the read-only connection."""
    on = scorecard(bench, "2026-W47", "json", {"CARECARD_PREFETCH_HELPER_ONLY": "1"})
    same(on, scorecard(bench, "2026-W47", "json", SERIAL))


@pytest.mark.parametrize("budget", [{"CARECARD_CACHE_BUDGET_KB": "600"},
                                    {"CARECARD_SPAN_BUDGET_KB": "200"}])
def test_over_budget_same(bench, budget):
    """The attendance cache giving up midway through the prefetch (the windows
    before it are counted from the cache, the later ones read directly, as
    window by window), and span.c's cache over budget (dropped after the
    prefetch: every window read directly)."""
    on = scorecard(bench, "2026-W47", "json", budget)
    same(on, scorecard(bench, "2026-W47", "json", dict(budget, **SERIAL)))
    same(on, scorecard(bench, "2026-W47", "json", {"CARECARD_NO_CACHE": "1",
                                                   "CARECARD_CACHE_BUDGET_KB": "0"}))


def test_verbose_attendance_budget_midway(bench):
    """The 600 KB attendance budget is met midway on this data: -v says so
    once, with or without the prefetch."""
    env = {"CARECARD_CACHE_BUDGET_KB": "600"}
    args = ["scorecard", "-v", "--db", bench, "--config", CONFIG, "--period", "2026-W47",
            "--format", "csv"]
    on = run(args, env=env, timeout=300)
    off = run(args, env=dict(env, **SERIAL), timeout=300)
    assert on.stderr.count("attendance week cache: over 600 KB") == 1
    assert on.stderr == off.stderr


def test_own_weeks_computed_once(bench):
    """A weekly scorecard's items_* look back from its own week: that block is
    the scorecard's own twelve weeks, whose values it takes (score/period.c)
    instead of prefetching and computing them again.  The small bench's data
    run 2026-W22 .. W47, so W47 needs three blocks of twelve weeks (W36-W47,
    W24-W35, W12-W23): three attendance prefetches, not four; and the same
    scorecard with the prefetch off."""
    on = scorecard(bench, "2026-W47", "csv", {"CARECARD_PREFETCH_TRACE": "1"})
    assert on.stderr.count("prefetch task -1 ") == 3
    off = scorecard(bench, "2026-W47", "csv", SERIAL)
    assert on.stdout == off.stdout
