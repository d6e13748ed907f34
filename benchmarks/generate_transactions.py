"""Synthetic council payments (every payment over £500) for the spend_transactions/ feed.

    python -m benchmarks.generate_transactions --rows 1000000 --out DIR [--seed 14]
        [--start 2015-04 --months 120] [--name payments] [--formats csv,parquet]

Deterministic: the same arguments give the same files byte for byte (rows are made in blocks of
a fixed size, each block seeded from --seed and its number). Every row is marked synthetic in
data_provenance. The rows look like councils' published payment files: supplier sizes are
skewed (a few suppliers take most of the money), spending peaks in March (the year end), about 2%
of rows are refunds (negative), about 1% are written the way spreadsheets write money (`£1,234.50`,
refunds in brackets), and about 0.2% are bad rows the pipeline must set aside: an amount that is
not a number, an area code that never existed, a blank supplier, a date that is not a date, and an
exact repeat of the row before (a duplicated submission).

Writes DIR/spend_transactions/<name>.csv and/or DIR/spend_transactions/<name>.parquet (the same
rows, every column as text, as a finance system exports them).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
AREAS_SEED = ROOT / "dbt_project" / "seeds" / "reference" / "areas.csv"
MEMBERSHIP_SEED = ROOT / "dbt_project" / "seeds" / "reference" / "membership.csv"
BLOCK_ROWS = 250_000
COLUMNS = [
    "payment_date",
    "area_code",
    "service_area",
    "funding_line",
    "supplier_name",
    "expense_type",
    "amount_gbp",
    "transaction_id",
    "data_provenance",
]
SERVICE_AREAS = ["edu", "trans", "csc", "asc", "phs", "hous", "cul", "env", "plan", "pol"]
SERVICE_AREAS += ["frs", "cen", "other"]
FUNDING_LINES = ["DFE-SF", "DFT-LABG", "DHSC-PHG", "MHCLG-DFG", "MOJ-YJG", "DWP-HSF", "HO-SVD"]
EXPENSE_TYPES = [
    "Agency staff",
    "Building maintenance",
    "Consultancy",
    "Equipment",
    "Grants to voluntary bodies",
    "ICT software",
    "Independent sector care",
    "Professional fees",
    "Road maintenance",
    "Waste disposal",
]
SUPPLIERS = 20_000
# March (the year end) and the autumn spend most; August least. Month 1 = April.
MONTH_WEIGHTS = np.array([0.9, 0.95, 1.0, 0.95, 0.75, 1.0, 1.05, 1.05, 1.0, 0.9, 1.0, 1.6])
REFUND_SHARE = 0.02
SPREADSHEET_MONEY_SHARE = 0.01
BAD_ROW_SHARE = 0.002
BAD_KINDS = ["amount_not_a_number", "unknown_area", "blank_supplier", "bad_date", "repeat"]
PROVENANCE = "synthetic: benchmarks/generate_transactions.py"


def areas_that_exist_throughout(first: dt.date, last: dt.date) -> list[str]:
    """Member areas of a combined authority (so each payment reaches a place) that existed on
    every day of the range, so a good row is good whatever its date."""
    with open(MEMBERSHIP_SEED, newline="", encoding="utf-8") as f:
        members = {
            r["area_code"]
            for r in csv.DictReader(f)
            if r["start_date"] <= first.isoformat()
            and (not r["end_date"] or r["end_date"] >= last.isoformat())
        }
    with open(AREAS_SEED, newline="", encoding="utf-8") as f:
        return sorted(
            r["area_code"]
            for r in csv.DictReader(f)
            if r["area_code"] in members
            and r["area_code"][:3] in ("E06", "E07", "E08", "E09")
            and (not r["start_date"] or r["start_date"] <= first.isoformat())
            and (not r["end_date"] or r["end_date"] >= last.isoformat())
        )


def month_starts(start: str, months: int) -> list[dt.date]:
    year, month = (int(p) for p in start.split("-"))
    found = []
    for _ in range(months + 1):
        found.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def _text(values) -> pa.Array:
    return pc.cast(pa.array(values), pa.string())


def _pick(rng, choices: list[str], size: int, p=None) -> pa.Array:
    indices = rng.choice(len(choices), size=size, p=p)
    return pa.DictionaryArray.from_arrays(pa.array(indices, pa.int32()), pa.array(choices)).cast(
        pa.string()
    )


def _money(pence: np.ndarray) -> pa.Array:
    pounds = np.abs(pence) // 100
    pennies = np.abs(pence) % 100
    sign = np.where(pence < 0, "-", "")
    return pc.binary_join_element_wise(
        pa.array(sign),
        pc.cast(pa.array(pounds), pa.string()),
        ".",
        pc.utf8_lpad(pc.cast(pa.array(pennies), pa.string()), 2, "0"),
        "",
    )


def _spreadsheet_money(pence: int) -> str:
    text = f"£{abs(pence) / 100:,.2f}"
    return f"({text})" if pence < 0 else text


def make_block(number: int, rows: int, seed: int, name: str, months, areas) -> pa.Table:
    rng = np.random.default_rng([seed, number])
    weights = np.array([MONTH_WEIGHTS[(m.month - 4) % 12] for m in months[:-1]])
    month = rng.choice(len(months) - 1, size=rows, p=weights / weights.sum())
    first_day = np.array([m.toordinal() for m in months])
    span = first_day[month + 1] - first_day[month]
    day = first_day[month] + (rng.random(rows) * span).astype(np.int64)
    epoch = dt.date(1970, 1, 1).toordinal()
    dates = pc.cast(pa.array(day - epoch, pa.int32()).cast(pa.date32()), pa.string())
    supplier = np.minimum(rng.zipf(1.3, size=rows), SUPPLIERS)
    # Big suppliers get big invoices: the median payment grows with the supplier's rank.
    median_gbp = 500 + 40_000 / supplier
    pence = np.round(median_gbp * rng.lognormal(0.0, 1.0, rows) * 100).astype(np.int64) + 50_000
    refunds = rng.random(rows) < REFUND_SHARE
    pence = np.where(refunds, -(pence // 10), pence)
    amounts = _money(pence).to_pylist()
    for i in np.flatnonzero(rng.random(rows) < SPREADSHEET_MONEY_SHARE):
        amounts[i] = _spreadsheet_money(int(pence[i]))
    start_seq = number * BLOCK_ROWS
    ids = pc.binary_join_element_wise(
        pa.array([name] * rows), pc.cast(pa.array(np.arange(rows) + start_seq), pa.string()), "-"
    )
    funding = _pick(rng, FUNDING_LINES + [""] * 3, rows).to_pylist()
    columns = {
        "payment_date": dates.to_pylist(),
        "area_code": _pick(rng, areas, rows).to_pylist(),
        "service_area": _pick(rng, SERVICE_AREAS, rows).to_pylist(),
        "funding_line": funding,
        "supplier_name": pc.binary_join_element_wise(
            pa.array(["Supplier"] * rows), pc.cast(pa.array(supplier), pa.string()), " "
        ).to_pylist(),
        "expense_type": _pick(rng, EXPENSE_TYPES, rows).to_pylist(),
        "amount_gbp": amounts,
        "transaction_id": ids.to_pylist(),
        "data_provenance": [PROVENANCE] * rows,
    }
    _spoil(rng, columns, rows)
    return pa.table({c: pa.array(columns[c], pa.string()) for c in COLUMNS})


def _spoil(rng, columns: dict, rows: int) -> None:
    """Make about BAD_ROW_SHARE of the rows bad, each in one of BAD_KINDS."""
    for i in np.flatnonzero(rng.random(rows) < BAD_ROW_SHARE):
        kind = BAD_KINDS[int(rng.integers(len(BAD_KINDS)))]
        if kind == "amount_not_a_number":
            columns["amount_gbp"][i] = "TBC"
        elif kind == "unknown_area":
            columns["area_code"][i] = "E06999999"
        elif kind == "blank_supplier":
            columns["supplier_name"][i] = ""
        elif kind == "bad_date":
            columns["payment_date"][i] = "31/02/" + columns["payment_date"][i][:4]
        elif kind == "repeat" and i > 0:
            for column in COLUMNS:
                columns[column][i] = columns[column][i - 1]


def generate(
    rows: int,
    out: Path,
    seed: int = 14,
    start: str = "2015-04",
    months: int = 120,
    name: str = "payments",
    formats: tuple[str, ...] = ("csv", "parquet"),
) -> list[Path]:
    """Write `rows` payments; returns the files written."""
    calendar = month_starts(start, months)
    areas = areas_that_exist_throughout(calendar[0], calendar[-1] - dt.timedelta(days=1))
    folder = out / "spend_transactions"
    folder.mkdir(parents=True, exist_ok=True)
    paths = {f: folder / f"{name}.{f}" for f in formats}
    schema = pa.schema([(c, pa.string()) for c in COLUMNS])
    csv_writer = (
        pacsv.CSVWriter(
            paths["csv"], schema, write_options=pacsv.WriteOptions(quoting_style="needed")
        )
        if "csv" in paths
        else None
    )
    parquet_writer = pq.ParquetWriter(paths["parquet"], schema) if "parquet" in paths else None
    for number in range((rows + BLOCK_ROWS - 1) // BLOCK_ROWS):
        size = min(BLOCK_ROWS, rows - number * BLOCK_ROWS)
        block = make_block(number, size, seed, name, calendar, areas)
        if csv_writer:
            csv_writer.write_table(block)
        if parquet_writer:
            parquet_writer.write_table(block)
    for writer in (csv_writer, parquet_writer):
        if writer:
            writer.close()
    return list(paths.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True, help="a feeds directory")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--start", default="2015-04", help="first month, YYYY-MM")
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--name", default="payments", help="file name, without suffix")
    parser.add_argument("--formats", default="csv,parquet")
    args = parser.parse_args(argv)
    written = generate(
        args.rows,
        args.out,
        args.seed,
        args.start,
        args.months,
        args.name,
        tuple(args.formats.split(",")),
    )
    for path in written:
        print(f"{path}: {args.rows:,} synthetic payments ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
