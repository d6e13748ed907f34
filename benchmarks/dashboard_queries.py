"""Time of each dashboard query that reads the payment and whole-place marts, called as the
dashboard calls it.

    python -m benchmarks.dashboard_queries --warehouse DIR [--repeats 5] [--place E47000001]
        [--json]

Each call goes through its dashboards/queries function on the published snapshot, with the
query cache emptied first, so every call opens a fresh in-memory DuckDB over the Parquet files
as the app does after a publish (a warm cache answers in microseconds and says nothing). The
year is the one the Spending page opens on for the place. Prints a Markdown table (or JSON
with --json) of the median and maximum of --repeats calls. Target (issue 14): under 300 ms each.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 300.0


def queries() -> dict[str, Callable]:
    """Each query by the name of its function: (snapshot, place, year) -> result."""
    from dashboards.queries import budget, spending

    return {
        "spending.has_payments": lambda s, p, y: spending.has_payments(s),
        "spending.years_for": lambda s, p, y: spending.years_for(s, p),
        "spending.payments": spending.payments,
        "spending.by_service": spending.by_service,
        "spending.by_funding_line": spending.by_funding_line,
        "spending.whole_place_total": spending.whole_place_total,
        "budget.years_for": lambda s, p, y: budget.years_for(s, p),
        "budget.share_pooled": budget.share_pooled,
        "budget.pot_by_department": budget.pot_by_department,
        "budget.pots_by_place": lambda s, p, y: budget.pots_by_place(s, y),
        "budget.populations": lambda s, p, y: budget.populations(s, y),
        "budget.years": lambda s, p, y: budget.years(s),
    }


def opening_year(snap, place: str) -> str:
    """The year the Spending page opens on: 2025-26 if the place has payments then, else the
    latest year it has (or, with no payments, funding in)."""
    from dashboards.components.filters import DEFAULT_YEAR
    from dashboards.queries import budget, spending

    years = spending.years_for(snap, place) if spending.has_payments(snap) else []
    years = years or budget.years_for(snap, place)
    return DEFAULT_YEAR if DEFAULT_YEAR in years or not years else years[-1]


def measure(warehouse: Path, repeats: int, place: str = "E47000001") -> list[dict]:
    """[{query, median_ms, max_ms, calls}] for every query, each call on an empty cache."""
    # Outside `streamlit run` the query cache warns that there is no session, at import and
    # on every call.
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    from dashboards.queries import snapshot

    snap = snapshot.current_snapshot(warehouse)
    year = opening_year(snap, place)
    results = []
    for name, query in queries().items():
        times = []
        for _ in range(repeats):
            snapshot._query.clear()
            started = time.perf_counter()
            query(snap, place, year)
            times.append((time.perf_counter() - started) * 1000)
        results.append(
            {
                "query": name,
                "median_ms": statistics.median(times),
                "max_ms": max(times),
                "calls": repeats,
                "year": year,
            }
        )
    return results


def markdown(results: list[dict]) -> list[str]:
    """The table's lines: query, median and maximum in ms, and whether it is under target."""
    lines = [
        f"| query | median (ms) | max (ms) | under {TARGET_MS:g} ms |",
        "|---|---:|---:|---|",
    ]
    for row in results:
        under = "yes" if row["max_ms"] < TARGET_MS else "no"
        lines.append(
            f"| `{row['query']}` | {row['median_ms']:,.1f} | {row['max_ms']:,.1f} | {under} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--place", default="E47000001")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if not (args.warehouse / "published" / "manifest.json").is_file():
        print(f"{args.warehouse}/published has no snapshot: run `wholeplace build` first.",
              file=sys.stderr)  # fmt: skip
        return 2
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    results = measure(args.warehouse, args.repeats, args.place)
    print(json.dumps(results) if args.json else "\n".join(markdown(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
