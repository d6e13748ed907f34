"""The spend-transactions roll-up on Spark beside DuckDB (issue 15), measured side by side:

    python -m benchmarks.spark [--rows 10000000] [--repeats 1] [--whole-builds 0]
        [--work /tmp/wholeplace-bench-spark] [--results benchmarks/RESULTS.md]

The roll-up alone: both engines get the same payments, already checked. The demo feeds plus
--rows generated payments (benchmarks/generate_transactions.py) are built once by
`wholeplace build` on DuckDB, whose feed contracts check every payment. A second warehouse is
the demo built on Spark, with every other table in place. Then,
each --repeats times and each in a fresh process, dbt runs the same two models
(MODELS, below) over those payments:

  (d) on DuckDB, in the first warehouse;
  (s) on Spark local[2], reading the same rows as Parquet (as a Spark build hands them over);

and, for the fixed cost (dbt, and on Spark the JVM and session start), the same two commands
over no payments (d0, s0).

With --whole-builds REPEATS, it also times whole `wholeplace build`s from an empty warehouse on
each engine: the demo feeds alone (D0, S0) and with the payments (D, S). On Spark the payments are
then read and checked by the contract inside Spark too (core/spark_validation.py), so this is
the comparison a user who switches engines sees.

Wall time, CPU time and peak RSS come from benchmarks/run.py's measure(). The section
"On Spark" of --results is replaced with the table(s).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
from pathlib import Path

import duckdb

from benchmarks.run import BIN, DEMO_FEEDS, ROOT, Measure, gb, generate, machine, measure

# Every model from the payments' staging to the mart (tests/test_benchmark_spark.py checks the
# list against dbt's manifest); --full-refresh so the incremental one sums every payment again.
MODELS = "stg_feeds__spend_transactions int_payments_by_file place_spend_by_funding_line"
SECTION = "## On Spark"


def build(feeds: Path, warehouse: Path, engine: str) -> Measure:
    command = [str(BIN / "wholeplace"), "build", "--engine", engine]
    return measure(command + ["--feeds", str(feeds), "--warehouse", str(warehouse)])


def dbt_run(warehouse: Path, spark_dir: Path, engine: str) -> Measure:
    from orchestration.core.settings import DEFAULT_PRICE_BASE, DUCKDB_MEMORY_LIMIT

    variables = {
        "duckdb_path": str(warehouse / "work" / "wholeplace.duckdb"),
        "spark_dir": str(spark_dir),
        "raw_tables": ["spend_transactions"],
        "price_base_year": DEFAULT_PRICE_BASE,
        "duckdb_memory_limit": DUCKDB_MEMORY_LIMIT,
        "reference_overrides": [],
    }
    target = warehouse / "work" / f"bench-dbt-target-{engine}"
    project = str(ROOT / "dbt_project")
    command = [str(BIN / "dbt"), "run", "--quiet", "--full-refresh", "--target", engine]
    command += ["--select", *MODELS.split()]
    command += ["--vars", json.dumps(variables), "--project-dir", project, "--profiles-dir"]
    command += [project, "--target-path", str(target), "--log-path", str(target)]
    return measure(command)


def payments_for_spark(source_warehouse: Path, spark_dir: Path) -> int:
    """The validated payments as Spark receives them in a build (spark_engine.export_raw_tables)."""
    folder = spark_dir / "raw" / "spend_transactions"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    database = source_warehouse / "work" / "wholeplace.duckdb"
    with duckdb.connect(str(database), read_only=True) as con:
        con.execute(
            f"copy raw.spend_transactions to '{folder / 'part-0.parquet'}' (format parquet)"
        )
        return con.execute("select count(*) from raw.spend_transactions").fetchone()[0]


def prepare(rows: int, work: Path) -> tuple[Path, Path, Path]:
    feeds = work / f"feeds-{rows}"
    if not (feeds / "spend_transactions" / "payments.csv").is_file():
        shutil.rmtree(feeds, ignore_errors=True)
        shutil.copytree(DEMO_FEEDS, feeds, ignore=shutil.ignore_patterns("README.md"))
        generate(rows, feeds)
    duck = work / f"duckdb-{rows}"
    if not (duck / "published").exists():
        shutil.rmtree(duck, ignore_errors=True)
        print(f"building {rows:,} payments on DuckDB (the contracts check every one)")
        build(feeds, duck, "duckdb")
    spark = work / "spark-demo"
    if not (spark / "published").exists():
        shutil.rmtree(spark, ignore_errors=True)
        print("building the demo on Spark")
        build(DEMO_FEEDS, spark, "spark")
    return duck, spark, spark / "work" / "spark"


def run(rows: int, work: Path, repeats: int) -> tuple[dict[str, list[Measure]], int]:
    duck, spark, spark_dir = prepare(rows, work)
    demo_duck = work / "duckdb-demo"
    if not (demo_duck / "published").exists():
        build(DEMO_FEEDS, demo_duck, "duckdb")
    found: dict[str, list[Measure]] = {"d0": [], "s0": [], "d": [], "s": []}
    for _ in range(repeats):
        payments_for_spark(demo_duck, spark_dir)
        found["d0"].append(dbt_run(demo_duck, demo_duck / "work" / "spark", "duckdb"))
        found["s0"].append(dbt_run(spark, spark_dir, "spark"))
        loaded = payments_for_spark(duck, spark_dir)
        found["d"].append(dbt_run(duck, duck / "work" / "spark", "duckdb"))
        found["s"].append(dbt_run(spark, spark_dir, "spark"))
        print(", ".join(f"{k} {v[-1].wall_s:.1f}s" for k, v in found.items()))
    return found, loaded


WHOLE_BUILDS = {"D0": "duckdb", "S0": "spark", "D": "duckdb", "S": "spark"}


def whole_builds(feeds: Path, work: Path, repeats: int) -> dict[str, list[Measure]]:
    """Whole builds from an empty warehouse, the engines alternating so a change in the
    machine's load falls on both."""
    found: dict[str, list[Measure]] = {key: [] for key in WHOLE_BUILDS}
    for _ in range(repeats):
        for key, engine in WHOLE_BUILDS.items():
            warehouse = work / f"whole-build-{key}"
            shutil.rmtree(warehouse, ignore_errors=True)
            found[key].append(build(DEMO_FEEDS if key.endswith("0") else feeds, warehouse, engine))
            shutil.rmtree(warehouse, ignore_errors=True)
        print(", ".join(f"{k} {v[-1].wall_s:.1f}s" for k, v in found.items()))
    return found


def median(values: list[Measure], what: str) -> float:
    return statistics.median(getattr(m, what) for m in values)


NOISE = 0.1  # a difference under a tenth of the fixed cost is within one run's spread here


def over_fixed_cost(times: dict[str, float]) -> str:
    """Spark's cost of the payments over DuckDB's, each with its fixed cost taken off; a
    difference lost in the noise (either engine's payments run barely slower, or faster, than its
    empty run) is said in words, never divided by."""
    duckdb_part, spark_part = times["d"] - times["d0"], times["s"] - times["s0"]
    if duckdb_part <= NOISE * times["d0"] or spark_part <= NOISE * times["s0"]:
        return (
            "not measurable (a roll-up within the noise of its fixed cost: the payments add "
            f"{duckdb_part:.1f} s on DuckDB, {spark_part:.1f} s on Spark)"
        )
    return f"{spark_part / duckdb_part:.1f}x"


def section(rows: int, loaded: int, found: dict[str, list[Measure]], repeats: int) -> str:
    wall = {k: median(v, "wall_s") for k, v in found.items()}
    cpu = {k: median(v, "cpu_s") for k, v in found.items()}
    rss = {k: median(v, "peak_rss_bytes") for k, v in found.items()}
    cells = {k: f"{wall[k]:.1f} s ({cpu[k]:.1f}) | {gb(rss[k])}" for k in ("d0", "d", "s0", "s")}
    return "\n".join(
        [
            SECTION,
            "",
            f"Written by `python -m benchmarks.spark --rows {rows} --repeats {repeats}`; medians "
            f"of {repeats} run(s). {rows:,} synthetic payments generated, {loaded:,} passed the "
            "contract and were rolled up. A 2-core local run: Spark `local[2]` in one JVM "
            "(driver memory 2g) beside DuckDB (memory_limit from core/settings.py), the same "
            f"dbt models ({', '.join(MODELS.split())}, with --full-refresh), each `dbt run` a "
            "fresh process.",
            "",
            f"Machine: {machine()}.",
            "",
            "| engine | no payments (fixed cost) | peak RSS | payments | peak RSS |",
            "|---|---:|---:|---:|---:|",
            f"| DuckDB | {cells['d0']} | {cells['d']} |",
            f"| Spark local[2] | {cells['s0']} | {cells['s']} |",
            "",
            f"Spark / DuckDB with the fixed cost: {wall['s'] / wall['d']:.1f}x wall, "
            f"{cpu['s'] / cpu['d']:.1f}x CPU. Without it ((s - s0) / (d - d0)): "
            f"{over_fixed_cost(wall)} wall, {over_fixed_cost(cpu)} CPU. Wall time, CPU time "
            "(user + system of the dbt process and all its descendants, Spark's JVM included, "
            "sampled from /proc) in brackets.",
            "",
        ]
    )


def whole_build_table(rows: int, found: dict[str, list[Measure]], repeats: int) -> str:
    wall = {k: median(v, "wall_s") for k, v in found.items()}
    cpu = {k: median(v, "cpu_s") for k, v in found.items()}
    rss = {k: median(v, "peak_rss_bytes") for k, v in found.items()}
    cells = {k: f"{wall[k]:.1f} s ({cpu[k]:.1f}) | {gb(rss[k])}" for k in WHOLE_BUILDS}
    return "\n".join(
        [
            "### Whole builds: `wholeplace build --engine duckdb` and `--engine spark`",
            "",
            f"Medians of {repeats} run(s), each from an empty warehouse, the engines alternating. "
            f"On Spark the {rows:,} payments are read and checked by the contract inside Spark, "
            "then rolled up by the same dbt models, and the snapshot is published from Spark.",
            "",
            "| engine | demo feeds only | peak RSS | demo + payments | peak RSS |",
            "|---|---:|---:|---:|---:|",
            f"| DuckDB | {cells['D0']} | {cells['D']} |",
            f"| Spark local[2] | {cells['S0']} | {cells['S']} |",
            "",
            f"Spark / DuckDB, whole builds with the payments: {wall['S'] / wall['D']:.1f}x wall, "
            f"{cpu['S'] / cpu['D']:.1f}x CPU. The payments' own cost, each engine's demo build "
            f"taken off: {over_fixed_cost(lowered(wall))} wall, "
            f"{over_fixed_cost(lowered(cpu))} CPU.",
            "",
        ]
    )


def lowered(times: dict[str, float]) -> dict[str, float]:
    """Whole-build times under the keys over_fixed_cost reads (D0 -> d0)."""
    return {key.lower(): value for key, value in times.items()}


def replace_section(path: Path, text: str) -> None:
    """Put `text` in place of the file's SECTION (up to the next `## `), or at its end."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    before, found, after = old.partition(SECTION)
    rest = after[after.find("\n## ") + 1 :] if found and "\n## " in after else ""
    path.write_text(before.rstrip("\n") + "\n\n" + text + ("\n" + rest if rest else ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/wholeplace-bench-spark"))
    parser.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    parser.add_argument(
        "--whole-builds",
        type=int,
        default=0,
        metavar="REPEATS",
        help="also time whole builds on each engine (validation in Spark included), so often",
    )
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    found, loaded = run(args.rows, args.work, args.repeats)
    text = section(args.rows, loaded, found, args.repeats)
    if args.whole_builds:
        builds = whole_builds(args.work / f"feeds-{args.rows}", args.work, args.whole_builds)
        text += "\n" + whole_build_table(args.rows, builds, args.whole_builds)
    replace_section(args.results, text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
