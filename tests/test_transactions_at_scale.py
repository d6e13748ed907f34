"""Smoke test of the scale path, for correctness, never for speed: 100,000 generated payments
(benchmarks/generate_transactions.py, with its refunds, spreadsheet money and bad rows) go through
a whole `wholeplace build`, and the published totals equal a straightforward Python computation on
the same rows. Rows in = rows loaded + rows set aside, counted independently of the pipeline."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
from collections import Counter, defaultdict
from decimal import Decimal, InvalidOperation
from pathlib import Path

import duckdb
import pytest

from orchestration.cli.build import run_build

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "dbt_project" / "seeds" / "reference"
ROWS = 100_000


def pounds(text: str) -> Decimal | None:
    negative = text.startswith("(") and text.endswith(")")
    plain = text.strip("()").replace("£", "").replace(",", "")
    try:
        value = Decimal(plain)
    except InvalidOperation:
        return None
    return -value if negative else value


def financial_year(day: dt.date) -> str:
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def place_of(area: str, year: str, membership: list[dict]) -> str | None:
    midpoint = f"{year[:4]}-09-30"
    for row in membership:
        started = row["area_code"] == area and row["start_date"] <= midpoint
        if started and (not row["end_date"] or row["end_date"] >= midpoint):
            return row["place_code"]
    return None


def seed(name: str) -> list[dict]:
    with open(SEEDS / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def expected_from(path: Path):
    """(rows read, rows good, totals by place and year) straight from the CSV."""
    areas = {r["area_code"] for r in seed("areas")}
    services = {r["service_area"] for r in seed("service_areas")}
    membership = seed("membership")
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    seen: set[tuple] = set()
    read = good = 0
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        read += 1
        amount = pounds(row["amount_gbp"])
        try:
            day = dt.date.fromisoformat(row["payment_date"])
        except ValueError:
            continue
        fine = (
            amount is not None
            and row["area_code"] in areas
            and row["service_area"] in services
            and row["supplier_name"]
        )
        key = tuple(row.values())
        if not fine or key in seen:
            continue
        seen.add(key)
        good += 1
        year = financial_year(day)
        totals[(place_of(row["area_code"], year, membership), year)] += amount
    return read, good, dict(totals)


@pytest.fixture(scope="module")
def scale_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("scale")
    feeds = root / "feeds"
    subprocess.run(
        [sys.executable, "-m", "benchmarks.generate_transactions", "--rows", str(ROWS)]
        + ["--out", str(feeds), "--formats", "csv"],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    from orchestration.core.paths import DEMO_FEEDS_DIR

    for folder in DEMO_FEEDS_DIR.iterdir():
        if folder.is_dir():
            subprocess.run(["cp", "-r", str(folder), str(feeds / folder.name)], check=True)
    warehouse = root / "warehouse"
    assert run_build(feeds, warehouse, "2024-25") == 0
    return feeds / "spend_transactions" / "payments.csv", warehouse


def test_rows_read_equal_rows_loaded_plus_rows_set_aside(scale_build):
    path, warehouse = scale_build
    read, good, _ = expected_from(path)
    con = duckdb.connect(str(warehouse / "work" / "wholeplace.duckdb"), read_only=True)
    accounting = con.execute(
        "select rows_read, rows_loaded, rows_quarantined from raw.feed_files "
        "where feed = 'spend_transactions'"
    ).fetchall()
    (loaded,) = con.execute("select count(*) from raw.spend_transactions").fetchone()
    assert accounting == [(read, good, read - good)]
    assert loaded == good
    assert read == ROWS


def test_published_totals_equal_a_python_computation_on_the_same_rows(scale_build):
    path, warehouse = scale_build
    _, _, expected = expected_from(path)
    mart = (warehouse / "published" / "place_spend_by_funding_line.parquet").as_posix()
    published = {
        (place, year): amount
        for place, year, amount in duckdb.execute(
            "select place_code, financial_year, sum(amount_gbp_nominal) from read_parquet(?) "
            "group by all",
            [mart],
        ).fetchall()
    }
    assert published == expected
    # Not a vacuous comparison: ten financial years of several places.
    assert len({year for _, year in published}) == 10
    assert len({place for place, _ in published}) >= 3
    assert all(
        duckdb.execute("select bool_and(is_synthetic) from read_parquet(?)", [mart]).fetchone()
    )


def test_every_bad_row_kind_the_generator_makes_is_quarantined_by_its_rule(scale_build):
    _, warehouse = scale_build
    con = duckdb.connect(str(warehouse / "work" / "wholeplace.duckdb"), read_only=True)
    rules = Counter(
        dict(
            con.execute(
                "select rule, count(*) from raw.quarantine where feed = 'spend_transactions' "
                "group by all"
            ).fetchall()
        )
    )
    for rule in ("money", "known_area", "required", "date", "duplicate_submission"):
        assert rules[rule] > 0, rules
