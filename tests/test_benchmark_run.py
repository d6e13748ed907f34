"""benchmarks/run.py writes the dashboard queries' timings into RESULTS.md, one small table per
size against the 300 ms target; benchmarks/dashboard_queries.py calls every query the way the
dashboard does. No timing is asserted: the figures here are made up or not looked at."""

import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent
# benchmarks/ is run as `python -m benchmarks.run` from the repository, not installed
sys.path.insert(0, str(TESTS.parent))
sys.path.insert(0, str(TESTS / "dashboard"))

from fake_snapshot import write_snapshot  # noqa: E402

from benchmarks import dashboard_queries  # noqa: E402
from benchmarks.run import Measure, write_results  # noqa: E402


def rows(*timings: tuple[str, float, float]) -> list[dict]:
    return [
        {"query": q, "median_ms": m, "max_ms": x, "calls": 5, "year": "2024-25"}
        for q, m, x in timings
    ]


def results_text(tmp_path: Path, queries: dict) -> str:
    run = Measure(10.0, 8.0, 2**30)
    # Builds growing with the size (the per-row ratio divides by their differences).
    results = {
        size: {k: [Measure(size / 1e4, size / 2e4, 2**30)] for k in "abc"} for size in queries
    }
    path = tmp_path / "RESULTS.md"
    write_results(path, list(queries), results, {"demo build": [run]}, 1, queries)
    return path.read_text(encoding="utf-8")


def test_each_size_gets_its_own_table_of_queries_with_median_and_max(tmp_path):
    text = results_text(
        tmp_path,
        {
            100_000: rows(("spending.payments", 12.34, 20.0), ("budget.years", 8.0, 9.5)),
            1_000_000: rows(("spending.payments", 45.0, 61.25)),
        },
    )
    section = text.split("## Dashboard queries on the marts of (a)")[1]
    assert "Target: under 300 ms each" in section
    small, large = section.split("1,000,000 payments")
    assert "100,000 payments (2024-25; median and maximum of 5 calls):" in small
    assert "| query | median (ms) | max (ms) | under 300 ms |" in small
    assert "| `spending.payments` | 12.3 | 20.0 | yes |" in small
    assert "| `budget.years` | 8.0 | 9.5 | yes |" in small
    assert "| `spending.payments` | 45.0 | 61.2 | yes |" in large
    assert "budget.years" not in large
    # The builds' table and the fixed costs are still written before it.
    assert text.index("| payments | (a) build") < text.index("## Dashboard queries")
    assert text.index("| demo build |") < text.index("## Dashboard queries")


def test_a_query_over_the_target_is_marked_by_its_slowest_call(tmp_path):
    text = results_text(tmp_path, {100_000: rows(("spending.by_service", 120.0, 300.0))})
    assert "| `spending.by_service` | 120.0 | 300.0 | no |" in text


def test_without_query_timings_there_is_no_queries_section(tmp_path):
    run = Measure(10.0, 8.0, 2**30)
    path = tmp_path / "RESULTS.md"
    write_results(path, [100_000], {100_000: {k: [run] for k in "abc"}}, {}, 1)
    assert "Dashboard queries" not in path.read_text(encoding="utf-8")


def test_every_dashboard_query_runs_on_a_snapshot_with_payments(tmp_path):
    write_snapshot(tmp_path, payments=True)
    measured = dashboard_queries.measure(tmp_path, repeats=2)
    assert [r["query"] for r in measured] == list(dashboard_queries.queries())
    assert {r["calls"] for r in measured} == {2}
    # The year the Spending page opens on for Greater Manchester, which has payments in it.
    assert {r["year"] for r in measured} == {"2025-26"}
    assert all(r["median_ms"] <= r["max_ms"] for r in measured)


def test_the_opening_year_is_2025_26_else_the_latest_with_payments_else_with_funding(
    monkeypatch,
):
    from dashboards.queries import budget, spending

    paid = {"E47000001": ["2024-25", "2025-26"], "E47000003": ["2015-16", "2024-25"]}
    monkeypatch.setattr(spending, "has_payments", lambda snap: True)
    monkeypatch.setattr(spending, "years_for", lambda snap, place: paid.get(place, []))
    monkeypatch.setattr(budget, "years_for", lambda snap, place: ["2028-29", "2029-30"])
    assert dashboard_queries.opening_year(None, "E47000001") == "2025-26"
    assert dashboard_queries.opening_year(None, "E47000003") == "2024-25"
    assert dashboard_queries.opening_year(None, "E47000004") == "2029-30"
