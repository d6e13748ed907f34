"""The scale benchmark of issue 14, in one command:

    python -m benchmarks.run [--sizes 1000000,10000000,50000000] [--repeats 3]
        [--work /tmp/wholeplace-bench] [--results benchmarks/RESULTS.md] [--query-repeats 5]

For each size N it generates N synthetic payments (benchmarks/generate_transactions.py, CSV) beside
the demo feeds, then times, each --repeats times and each in a fresh process:

  (a) `wholeplace build` from nothing (an empty warehouse) with the generated feed;
  (b) the floor: the same roll-up (payments by place, financial year, service area and funding
      line, the place taken on 30 September) as hand-written SQL run directly in DuckDB on the
      same file, with the same memory limit, written to Parquet;
  (c) a build after adding one month of payments (a second file, payments_2025-04.csv) to the
      warehouse built by (a): a normal `wholeplace build`, which must say it was incremental
      ("incremental build:"); the benchmark stops if it was not, so (c) is never a full build.

and records each one's wall time, CPU time (user + system, all threads and child processes) and
peak RSS (the sum over the process and its children, sampled every 100 ms from /proc). The fixed
cost is (a) with no generated feed (the demo build); Dagster start-up (importing the definitions)
and dbt start-up (`dbt --version`) are timed alone. After the first (a) of each size, each
dashboard query on the marts it published (the payments and the whole-place ones,
benchmarks/dashboard_queries.py) is timed in a fresh process: the median and maximum of
--query-repeats calls, each in a fresh in-memory DuckDB as the app makes them.
It writes a Markdown table of medians to --results, with the machine described. The machine may be
shared: CPU time is given beside wall time because it is less disturbed by other work.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO_FEEDS = ROOT / "orchestration" / "demo" / "feeds"
SEEDS = ROOT / "dbt_project" / "seeds" / "reference"
BIN = Path(sys.executable).parent
MONTHS = 120
EXTRA_MONTH = "2025-04"
EXTRA_MONTH_NAME = f"payments_{EXTRA_MONTH}"  # in 2025-26, which payments.csv has none of
INCREMENTAL = "incremental build:"


@dataclass
class Measure:
    wall_s: float
    cpu_s: float
    peak_rss_bytes: int


def measure(command: list[str], env: dict | None = None, expect: str | None = None) -> Measure:
    """Run `command`, sampling the RSS and CPU time of it and its children; fail loudly if it
    fails, or if its output does not contain `expect`. CPU time is the larger of what the
    finished children report (exact for the ones that were waited for) and the sum sampled from
    /proc: a JVM that Spark's Python side starts is never waited for, so only the sampling sees
    it (its last tenth of a second is missed)."""
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=output,
            stderr=subprocess.PIPE,
        )
        _children_cpu()  # CPU of earlier children is not this command's
        peak, cpu_by_pid = 0, {}
        while process.poll() is None:
            rss, cpu = tree_sample(process.pid)
            peak = max(peak, rss)
            cpu_by_pid.update(cpu)
            time.sleep(SAMPLE_SECONDS)
        wall = time.perf_counter() - started
        if process.returncode != 0:
            error = process.stderr.read().decode()[-2000:]
            raise RuntimeError(f"{' '.join(command)} failed: {error}")
        output.seek(0)
        printed = output.read().decode()
    if expect is not None and expect not in printed:
        raise RuntimeError(f"{' '.join(command)} did not print {expect!r}: {printed[:2000]}")
    return Measure(wall, max(_children_cpu(), sum(cpu_by_pid.values())), peak)


_CPU_SEEN = [0.0]
SAMPLE_SECONDS = 0.1
PAGE = os.sysconf("SC_PAGE_SIZE")
TICK = os.sysconf("SC_CLK_TCK")


def tree_sample(root: int) -> tuple[int, dict[int, float]]:
    """Resident memory of `root` and all its descendants, and each one's CPU seconds so far
    (user + system), from /proc (Linux)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            pid = int(entry.name)
            parents[pid] = int(fields[1])
            rss[pid] = int(fields[21]) * PAGE
            cpu[pid] = (int(fields[11]) + int(fields[12])) / TICK
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier += children
    return sum(rss.get(pid, 0) for pid in tree), {pid: cpu[pid] for pid in tree if pid in cpu}


def _children_cpu() -> float:
    """CPU seconds of the children finished since the last call (they are waited for)."""
    usage = os.times()
    total = usage.children_user + usage.children_system
    spent, _CPU_SEEN[0] = total - _CPU_SEEN[0], total
    return spent


FLOOR_SQL = """
set memory_limit = '{memory_limit}';
copy (
    with payments as (
        select * from read_csv('{csv}', header = true, auto_detect = true,
            types = {{'amount_gbp': 'varchar', 'payment_date': 'varchar'}})),
    typed as (
        select area_code, service_area, coalesce(funding_line, 'not stated') as funding_line,
            try_cast(payment_date as date) as day,
            try_cast(replace(replace(replace(replace(amount_gbp, '£', ''), ',', ''), '(', '-'),
                ')', '') as decimal(18, 2)) as amount_gbp
        from payments),
    by_area as (
        select area_code, year(day) - case when month(day) < 4 then 1 else 0 end as fy_start,
            service_area, funding_line, sum(amount_gbp) as amount_gbp, count(*) as payments
        from typed where day is not null group by all),
    membership as (select * from read_csv('{membership}', header = true))
    select m.place_code, a.fy_start, a.service_area, a.funding_line,
        sum(a.amount_gbp) as amount_gbp, sum(a.payments) as payments
    from by_area a join membership m on a.area_code = m.area_code
        and m.start_date <= make_date(a.fy_start, 9, 30)
        and (m.end_date is null or m.end_date >= make_date(a.fy_start, 9, 30))
    group by all
) to '{out}' (format parquet);
"""


def floor_command(csv: Path, out: Path) -> list[str]:
    from orchestration.core.settings import DUCKDB_MEMORY_LIMIT

    sql = FLOOR_SQL.format(
        csv=csv, membership=SEEDS / "membership.csv", out=out, memory_limit=DUCKDB_MEMORY_LIMIT
    )
    return [sys.executable, "-c", f"import duckdb; duckdb.connect().execute({sql!r})"]


def build_command(feeds: Path, warehouse: Path) -> list[str]:
    return [str(BIN / "wholeplace"), "build", "--feeds", str(feeds), "--warehouse", str(warehouse)]


def generate(rows: int, out: Path, start="2015-04", months=MONTHS, name="payments", seed=14):
    subprocess.run(
        [sys.executable, "-m", "benchmarks.generate_transactions", "--rows", str(rows)]
        + ["--out", str(out), "--formats", "csv", "--start", start, "--months", str(months)]
        + ["--name", name, "--seed", str(seed)],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def prepare(size: int, work: Path) -> tuple[Path, Path]:
    """A feeds directory: the demo feeds plus `size` payments; and one more month aside."""
    feeds = work / f"feeds-{size}"
    if not (feeds / "spend_transactions" / "payments.csv").is_file():
        shutil.rmtree(feeds, ignore_errors=True)
        shutil.copytree(DEMO_FEEDS, feeds, ignore=shutil.ignore_patterns("README.md"))
        generate(size, feeds)
    extra = work / f"month-{size}"
    if not (extra / "spend_transactions" / f"{EXTRA_MONTH_NAME}.csv").is_file():
        generate(max(size // MONTHS, 1), extra, EXTRA_MONTH, 1, EXTRA_MONTH_NAME, seed=15)
    return feeds, extra / "spend_transactions" / f"{EXTRA_MONTH_NAME}.csv"


def dashboard_queries(warehouse: Path, repeats: int) -> list[dict]:
    """Each dashboard query's median and maximum (ms) on the warehouse's published marts."""
    command = [sys.executable, "-m", "benchmarks.dashboard_queries", "--warehouse",
               str(warehouse), "--repeats", str(repeats), "--json"]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(done.stdout)


def run_size(
    size: int, work: Path, repeats: int, query_repeats: int = 5
) -> tuple[dict[str, list[Measure]], list[dict]]:
    """(a), (b) and (c) for one size, and the dashboard queries on the marts of the first (a)."""
    feeds, extra_month = prepare(size, work)
    found: dict[str, list[Measure]] = {"a": [], "b": [], "c": []}
    queries: list[dict] = []
    added = feeds / "spend_transactions" / extra_month.name
    for _ in range(repeats):
        warehouse = work / f"warehouse-{size}"
        shutil.rmtree(warehouse, ignore_errors=True)
        added.unlink(missing_ok=True)
        found["a"].append(measure(build_command(feeds, warehouse)))
        if not queries:
            queries = dashboard_queries(warehouse, query_repeats)
        found["b"].append(
            measure(floor_command(feeds / "spend_transactions" / "payments.csv", work / "f.pq"))
        )
        shutil.copy(extra_month, added)
        found["c"].append(measure(build_command(feeds, warehouse), expect=INCREMENTAL))
        added.unlink()
        print(f"{size:,}: " + ", ".join(f"{k} {v[-1].wall_s:.1f}s" for k, v in found.items()))
    return found, queries


def fixed_costs(work: Path, repeats: int) -> dict[str, list[Measure]]:
    warehouse = work / "warehouse-demo"
    found: dict[str, list[Measure]] = {"demo build": [], "Dagster start-up": [], "dbt start-up": []}
    for _ in range(repeats):
        shutil.rmtree(warehouse, ignore_errors=True)
        found["demo build"].append(measure(build_command(DEMO_FEEDS, warehouse)))
        found["Dagster start-up"].append(
            measure([sys.executable, "-c", "import orchestration.definitions"])
        )
        found["dbt start-up"].append(measure([str(BIN / "dbt"), "--version"]))
    return found


def median(values: list[Measure], what: str) -> float:
    return statistics.median(getattr(m, what) for m in values)


def machine() -> str:
    memory = os.sysconf("SC_PHYS_PAGES") * PAGE / 1024**3
    load = os.getloadavg()
    return (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, {memory:.0f} GB "
        f"RAM, {platform.system()} {platform.release()}, Python {platform.python_version()}; "
        f"load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1 / 5 / 15 min: "
        "the machine is shared with other work)"
    )


def gb(n: float) -> str:
    return f"{n / 1024**3:.2f} GB"


def query_tables(queries: dict[int, list[dict]]) -> list[str]:
    """The dashboard queries' section: one small table per size."""
    from benchmarks.dashboard_queries import TARGET_MS, markdown

    if not queries:
        return []
    lines = [
        "",
        "## Dashboard queries on the marts of (a)",
        "",
        "Each query called through its `dashboards/queries` function on the published snapshot "
        "of the first (a), as the dashboard calls it, on an empty query cache (a fresh "
        f"in-memory DuckDB over the Parquet files each call). Target: under {TARGET_MS:g} ms "
        "each (issue 14).",
    ]
    for size, rows in queries.items():
        calls = rows[0]["calls"] if rows else 0
        year = rows[0]["year"] if rows else ""
        lines += ["", f"{size:,} payments ({year}; median and maximum of {calls} calls):", ""]
        lines += markdown(rows)
    return lines


def write_results(path: Path, sizes, results, fixed, repeats: int, queries=None) -> None:
    from orchestration.core.settings import DUCKDB_MEMORY_LIMIT

    lines = [
        "# Scale benchmark (issue 14)",
        "",
        "Written by `python -m benchmarks.run` "
        f"(`--sizes {','.join(str(s) for s in sizes)} --repeats {repeats}`); "
        f"medians of {repeats} run(s). Synthetic payments from "
        "`benchmarks/generate_transactions.py` (CSV), beside the demo feeds. "
        f"DuckDB memory_limit {DUCKDB_MEMORY_LIMIT}.",
        "",
        f"Machine: {machine()}.",
        "",
        "(a) full `wholeplace build` from an empty warehouse; (b) the same roll-up as hand-written "
        "SQL in DuckDB on the same file (the floor); (c) a build after adding one month (an "
        "incremental build: the benchmark checks that it said so). Wall "
        "time, with CPU time (user + system) in brackets; peak RSS of (a), summed over processes.",
        "",
        "| payments | (a) build | (b) DuckDB floor | (c) after one more month | peak RSS (a) "
        "| peak RSS (b) | per-row ratio | (c)/(a) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    smallest = sizes[0]
    for size in sizes:
        r = results[size]
        a, b, c = (median(r[k], "wall_s") for k in "abc")
        ca, cb, cc = (median(r[k], "cpu_s") for k in "abc")
        if size == smallest:
            ratio = "(base)"
        else:
            base = results[smallest]
            ratio = (a - median(base["a"], "wall_s")) / (b - median(base["b"], "wall_s"))
            cpu_ratio = (ca - median(base["a"], "cpu_s")) / (cb - median(base["b"], "cpu_s"))
            ratio = f"{ratio:.1f}x (CPU {cpu_ratio:.1f}x)"
        lines.append(
            f"| {size:,} | {a:.1f} s ({ca:.1f}) | {b:.1f} s ({cb:.1f}) | {c:.1f} s ({cc:.1f}) | "
            f"{gb(median(r['a'], 'peak_rss_bytes'))} | {gb(median(r['b'], 'peak_rss_bytes'))} | "
            f"{ratio} | {c / a:.2f} |"
        )
    lines += [
        "",
        "Per-row ratio: ((a) at N - (a) at the smallest N) / ((b) at N - (b) at the smallest N).",
        "",
        "Fixed costs (medians):",
        "",
        "| what | wall | CPU | peak RSS |",
        "|---|---:|---:|---:|",
    ]
    for what, values in fixed.items():
        lines.append(
            f"| {what} | {median(values, 'wall_s'):.1f} s | {median(values, 'cpu_s'):.1f} s | "
            f"{gb(median(values, 'peak_rss_bytes'))} |"
        )
    lines += query_tables(queries or {})
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000000,10000000,50000000")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/wholeplace-bench"))
    parser.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    parser.add_argument(
        "--query-repeats", type=int, default=5, help="calls of each dashboard query per size"
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    args.work.mkdir(parents=True, exist_ok=True)
    results: dict[int, dict[str, list[Measure]]] = {}
    queries: dict[int, list[dict]] = {}
    for size in sizes:  # the table is rewritten after each size, so a long run keeps its part
        results[size], queries[size] = run_size(size, args.work, args.repeats, args.query_repeats)
        write_results(args.results, list(results), results, {}, args.repeats, queries)
    fixed = fixed_costs(args.work, args.repeats)
    write_results(args.results, sizes, results, fixed, args.repeats, queries)
    print(args.results.read_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
