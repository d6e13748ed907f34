"""Validation in the engine against the DuckDB floor, without Dagster or dbt around them:

    python -m benchmarks.validation_floor [--sizes 1000000,10000000] [--repeats 1]

For each size (feeds prepared by benchmarks/run.py in --work), in fresh processes: (v) the
spend_transactions contract run by core/engine_validation.py into a new DuckDB file (the scan,
the duplicate check, raw.quarantine and the loaded table), then the place roll-up on the loaded
table; (b) the floor of benchmarks/run.py (hand-written roll-up straight from the CSV). Prints a
Markdown table of medians: wall, CPU (user + system) and peak RSS; and the per-row ratio between
the sizes. This isolates the per-row cost the issue's 1.5x target is about from the fixed cost of
a whole build (Dagster start-up, the demo feeds, dbt's 280 other steps).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

from benchmarks.run import SEEDS, Measure, floor_command, measure, prepare

ENGINE_SCRIPT = """
import sys
from pathlib import Path
import duckdb
from orchestration.core.engine_validation import configure, validate_in_engine
from orchestration.core.load_feeds import reference_context
from schemas import spend_transactions
feeds, database = Path(sys.argv[1]), Path(sys.argv[2])
database.unlink(missing_ok=True)
con = duckdb.connect(str(database))
configure(con, database.parent / "spill")
context, _ = reference_context(feeds)
validate_in_engine(con, spend_transactions.CONTRACT, feeds, context)
con.execute('''
    create table place_rollup as
    with by_area as (
        select area_code, year(payment_date) - case when month(payment_date) < 4 then 1 else 0 end
            as fy_start, service_area, coalesce(funding_line, 'not stated') as funding_line,
            sum(amount_gbp) as amount_gbp, count(*) as payments
        from raw.spend_transactions group by all),
    membership as (select * from read_csv(?, header = true))
    select m.place_code, a.fy_start, a.service_area, a.funding_line,
        sum(a.amount_gbp) as amount_gbp, sum(a.payments) as payments
    from by_area a join membership m on a.area_code = m.area_code
        and m.start_date <= make_date(a.fy_start, 9, 30)
        and (m.end_date is null or m.end_date >= make_date(a.fy_start, 9, 30))
    group by all''', [sys.argv[3]])
"""


def engine_command(feeds: Path, database: Path) -> list[str]:
    return [
        sys.executable,
        "-c",
        ENGINE_SCRIPT,
        str(feeds),
        str(database),
        str(SEEDS / "membership.csv"),
    ]


def med(values: list[Measure], what: str) -> float:
    return statistics.median(getattr(v, what) for v in values)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/wholeplace-bench"))
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    found: dict[int, dict[str, list[Measure]]] = {}
    for size in sizes:
        feeds, _ = prepare(size, args.work)
        csv = feeds / "spend_transactions" / "payments.csv"
        found[size] = {"v": [], "b": []}
        for _ in range(args.repeats):
            database = args.work / f"engine-{size}.duckdb"
            found[size]["v"].append(measure(engine_command(feeds, database)))
            found[size]["b"].append(measure(floor_command(csv, args.work / "floor.parquet")))
            print(
                f"{size:,}: v {found[size]['v'][-1].wall_s:.1f}s "
                f"b {found[size]['b'][-1].wall_s:.1f}s"
            )
    print(f"\nMedians of {args.repeats} run(s); wall (CPU) and peak RSS.\n")
    print(
        "| payments | (v) engine validation + roll-up | (b) DuckDB floor | v/b "
        "| peak RSS (v) | peak RSS (b) |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    for size in sizes:
        v, b = found[size]["v"], found[size]["b"]
        print(
            f"| {size:,} | {med(v, 'wall_s'):.1f} s ({med(v, 'cpu_s'):.1f}) | "
            f"{med(b, 'wall_s'):.1f} s ({med(b, 'cpu_s'):.1f}) | "
            f"{med(v, 'wall_s') / med(b, 'wall_s'):.1f}x (CPU "
            f"{med(v, 'cpu_s') / med(b, 'cpu_s'):.1f}x) | "
            f"{med(v, 'peak_rss_bytes') / 1024**3:.2f} GB | "
            f"{med(b, 'peak_rss_bytes') / 1024**3:.2f} GB |"
        )
    if len(sizes) > 1:
        low, high = found[sizes[0]], found[sizes[-1]]
        for what in ("wall_s", "cpu_s"):
            ratio = (med(high["v"], what) - med(low["v"], what)) / (
                med(high["b"], what) - med(low["b"], what)
            )
            print(f"\nPer-row ratio {sizes[0]:,} to {sizes[-1]:,} ({what[:-2]}): {ratio:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
