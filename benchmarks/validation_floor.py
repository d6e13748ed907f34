"""Validation in the engine against the DuckDB floor, without Dagster or dbt around them:

    python -m benchmarks.validation_floor [--sizes 1000000,10000000] [--repeats 1]

For each size (feeds prepared by benchmarks/run.py in --work), in fresh processes:

  (v) the spend_transactions contract run by core/engine_validation.py into a new DuckDB file (the
      scan, the duplicate check, raw.quarantine and the loaded table), then the place roll-up on
      the loaded table;
  (w) the load floor: no checks at all; the file's rows typed as (b) types them and written, every
      column, into a table of a new DuckDB file, then the same roll-up on that table. It is the
      least a design can cost that keeps every payment (the issue's "loaded rows"), where (b)
      keeps none;
  (b) the floor of benchmarks/run.py (the hand-written roll-up straight from the CSV).

Prints a Markdown table of medians (wall, CPU = user + system, peak RSS) and the per-row ratios
between the smallest and largest size: (v) to (b), (w) to (b) and (v) to (w). This isolates the
per-row cost the issue's 1.5x target is about from the fixed cost of a whole build (Dagster
start-up, the demo feeds, dbt's 280 other steps).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

from benchmarks.run import SEEDS, Measure, floor_command, measure, prepare

ROLLUP = """
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

ENGINE_SCRIPT = (
    """
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
"""
    + ROLLUP
)

# The amount typed as the floor types it (benchmarks/run.py FLOOR_SQL), the date by try_strptime
# (DuckDB 2.0 pushes a try_cast of a CSV column into the reader as a cast that fails), the text
# columns as read.
LOAD_SCRIPT = (
    """
import sys
from pathlib import Path
import duckdb
from orchestration.core.engine_validation import configure
feeds, database = Path(sys.argv[1]), Path(sys.argv[2])
database.unlink(missing_ok=True)
con = duckdb.connect(str(database))
configure(con, database.parent / "spill")
con.execute("create schema raw")
con.execute('''
    create table raw.spend_transactions as
    select cast(try_strptime(payment_date, '%Y-%m-%d') as date) as payment_date, area_code,
        service_area, funding_line,
        supplier_name, expense_type,
        try_cast(replace(replace(replace(replace(amount_gbp, '£', ''), ',', ''), '(', '-'), ')', '')
            as decimal(18, 2)) as amount_gbp,
        transaction_id, data_provenance
    from read_csv(?, header = true, auto_detect = true, types = {
        'payment_date': 'varchar', 'area_code': 'varchar', 'service_area': 'varchar',
        'funding_line': 'varchar', 'supplier_name': 'varchar', 'expense_type': 'varchar',
        'amount_gbp': 'varchar', 'transaction_id': 'varchar', 'data_provenance': 'varchar'})''',
    [str(feeds / "spend_transactions" / "payments.csv")])
"""
    + ROLLUP
)


def script_command(script: str, feeds: Path, database: Path) -> list[str]:
    return [sys.executable, "-c", script, str(feeds), str(database), str(SEEDS / "membership.csv")]


def med(values: list[Measure], what: str) -> float:
    return statistics.median(getattr(v, what) for v in values)


def _cell(values: list[Measure]) -> str:
    return f"{med(values, 'wall_s'):.1f} s ({med(values, 'cpu_s'):.1f})"


def per_row(found: dict, low: int, high: int, over: str, under: str, what: str) -> str:
    """The growth of `over` from size low to high, over that of `under`; in words when the
    denominator grew by nothing measurable."""
    grown = med(found[high][under], what) - med(found[low][under], what)
    if grown <= 0:
        return "not measurable"
    return f"{(med(found[high][over], what) - med(found[low][over], what)) / grown:.1f}x"


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
        database = args.work / f"engine-{size}.duckdb"
        commands = {
            "v": script_command(ENGINE_SCRIPT, feeds, database),
            "w": script_command(LOAD_SCRIPT, feeds, database),
            "b": floor_command(csv, args.work / "floor.parquet"),
        }
        found[size] = {k: [] for k in commands}
        for _ in range(args.repeats):  # the three take turns, so a change of load hits each
            for key, command in commands.items():
                found[size][key].append(measure(command))
            print(
                f"{size:,}: " + " ".join(f"{k} {m[-1].wall_s:.1f}s" for k, m in found[size].items())
            )
    print(f"\nMedians of {args.repeats} run(s); wall (CPU) and peak RSS.\n")
    print(
        "| payments | (v) engine validation + roll-up | (w) load floor: every row kept, no check "
        "| (b) DuckDB floor | peak RSS (v) | peak RSS (w) | peak RSS (b) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size in sizes:
        runs = found[size]
        rss = " | ".join(f"{med(runs[k], 'peak_rss_bytes') / 1024**3:.2f} GB" for k in "vwb")
        print(
            f"| {size:,} | {_cell(runs['v'])} | {_cell(runs['w'])} | {_cell(runs['b'])} | {rss} |"
        )
    if len(sizes) > 1:
        low, high = sizes[0], sizes[-1]
        print(f"\nPer-row ratios, {low:,} to {high:,}: wall (CPU)\n")
        print("| ratio | what it says | per row |")
        print("|---|---|---:|")
        for over, under, words in [
            ("v", "b", "the issue's ratio: validated and loaded against the floor"),
            ("w", "b", "keeping every row at all, no check, against the floor"),
            ("v", "w", "the checks' own cost: validated and loaded against loaded unchecked"),
        ]:
            wall = per_row(found, low, high, over, under, "wall_s")
            cpu = per_row(found, low, high, over, under, "cpu_s")
            print(f"| ({over}) / ({under}) | {words} | {wall} ({cpu}) |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
