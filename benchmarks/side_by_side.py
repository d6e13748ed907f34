"""The demo build of two checkouts of wholeplace, taking turns, in one run:

    python -m benchmarks.side_by_side OTHER_CHECKOUT [--repeats 3]

Each build starts from an empty warehouse in a fresh process; this checkout's virtualenv runs
both (the other checkout's code comes first on PYTHONPATH and needs its dbt manifest: `make
manifest` there, or `dbt parse` in its dbt_project). Prints the medians of wall time, CPU time and
peak RSS of each, and their ratios: on a shared machine a ratio measured side by side says more
than two numbers measured apart."""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.run import ROOT, Measure, measure


def demo_build(checkout: Path, warehouse: Path) -> Measure:
    shutil.rmtree(warehouse, ignore_errors=True)
    env = os.environ | {"PYTHONPATH": str(checkout)}
    # -P: the checkout on PYTHONPATH, not the current folder, comes first
    command = [
        sys.executable,
        "-P",
        "-m",
        "orchestration.cli",
        "build",
        "--warehouse",
        str(warehouse),
    ]
    feeds = checkout / "orchestration" / "demo" / "feeds"
    return measure([*command, "--feeds", str(feeds)], env=env, expect="Published snapshot")


def commit(checkout: Path) -> str:
    return subprocess.run(
        ["git", "-C", str(checkout), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("other", type=Path)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    checkouts = {f"other ({commit(args.other)})": args.other, f"this ({commit(ROOT)})": ROOT}
    found: dict[str, list[Measure]] = {name: [] for name in checkouts}
    with tempfile.TemporaryDirectory() as scratch:
        for turn in range(args.repeats):
            for name, checkout in checkouts.items():
                found[name].append(demo_build(checkout.resolve(), Path(scratch) / "warehouse"))
                print(f"turn {turn + 1}: {name} {found[name][-1]}", flush=True)
    medians = {
        name: [statistics.median(getattr(m, f) for m in runs) for f in Measure.__dataclass_fields__]
        for name, runs in found.items()
    }
    print("\n| checkout | wall | CPU | peak RSS |\n|---|---:|---:|---:|")
    for name, (wall, cpu, rss) in medians.items():
        print(f"| {name} | {wall:.1f} s | {cpu:.1f} s | {rss / 1e9:.2f} GB |")
    (old, new) = medians.values()
    print(f"\nthis / other: wall {new[0] / old[0]:.2f}, CPU {new[1] / old[1]:.2f}")


if __name__ == "__main__":
    main()
