"""Server-side render time of each dashboard page, measured with Streamlit's AppTest.

    python -m benchmarks.dashboard_render --warehouse DIR [--repeats 7]

Each repeat is a fresh session (a new visitor) rendering the page with its default filters.
The first render of each page runs on empty caches and is reported on its own ("cold"); the
median, minimum and maximum are over the repeats that follow, with the query cache warm, which
is what a reader meets once anyone has opened the page since the last publish. Prints a
Markdown table. The target (issue 13) is a median under half a second of server time per page.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "dashboards" / "app.py"
TARGET_SECONDS = 0.5


def _render_once(script: str) -> tuple[float, list[str]]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=120)
    at.switch_page(script)
    started = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - started
    problems = [str(e.value) for e in at.exception]
    if at.title and at.title[0].value == "No warehouse published yet":
        problems.append("no warehouse published")
    return elapsed, problems


def baseline(repeats: int) -> float:
    """AppTest's own cost of a one-line page: the floor under every figure above."""
    from streamlit.testing.v1 import AppTest

    times = []
    for _ in range(repeats):
        at = AppTest.from_string("import streamlit as st\nst.title('baseline')")
        started = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(warehouse: Path, repeats: int) -> list[dict]:
    import streamlit as st

    from dashboards.pages import PAGES

    os.environ["WHOLEPLACE_WAREHOUSE"] = str(warehouse.resolve())
    st.cache_data.clear()
    _render_once(PAGES[0][0])  # imports and Streamlit's own start-up, not a page's cost
    st.cache_data.clear()
    results = []
    for script, title, _ in PAGES:
        cold, problems = _render_once(script)
        warm = []
        for _ in range(repeats):
            seconds, more = _render_once(script)
            warm.append(seconds)
            problems += more
        results.append(
            {
                "page": title,
                "cold": cold,
                "median": statistics.median(warm),
                "min": min(warm),
                "max": max(warm),
                "problems": sorted(set(problems)),
            }
        )
    return results


def markdown(results: list[dict], repeats: int, floor: float) -> str:
    lines = [
        f"| page | cold (s) | median (s) | min (s) | max (s) | under {TARGET_SECONDS:g} s |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for row in results:
        ok = "yes" if row["max"] < TARGET_SECONDS and row["cold"] < TARGET_SECONDS else "no"
        if row["problems"]:
            ok = "error: " + "; ".join(p.splitlines()[0] for p in row["problems"])[:120]
        lines.append(
            f"| {row['page']} | {row['cold']:.3f} | {row['median']:.3f} | {row['min']:.3f} "
            f"| {row['max']:.3f} | {ok} |"
        )
    lines.append("")
    lines.append(
        f"Server-side render time per page (Streamlit AppTest, {repeats} warm repeats after "
        "one cold render; each a fresh session with default filters). AppTest's own "
        f"overhead for a one-line page: {floor:.3f} s (median)."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if not (args.warehouse / "published" / "manifest.json").is_file():
        print(
            f"{args.warehouse}/published has no snapshot: run `wholeplace build` first.",
            file=sys.stderr,
        )
        return 2
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    results = measure(args.warehouse, args.repeats)
    print(markdown(results, args.repeats, baseline(args.repeats)))
    return 1 if any(row["problems"] for row in results) else 0


if __name__ == "__main__":
    sys.exit(main())
