"""Greater Manchester's real revenue outturn in the demo build: place_spend_by_service for
E47000001, 2022-23 to 2024-25, recomputed here straight from MHCLG's published file
(tests/fixtures/real/, read with csv, independent of the adapter), and labelled real."""

import csv
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import duckdb

REAL_NAME = "revenue_outturn_time_series_GM_2022-23_to_2024-25.csv"
REAL_FILE = Path(__file__).parent / "fixtures" / "real" / REAL_NAME
FEED_FILE = "outturn/revenue_outturn_time_series_gm_2022_23_to_2024_25.csv"
GREATER_MANCHESTER = "E47000001"
GM_DISTRICTS = {f"E08{n:06d}" for n in range(1, 11)}
# The 13 net current expenditure service lines of the revenue outturn summary. Not the totals:
# RS_totsx_net_exp (their sum), RS_netcurrtot_net_exp, or any financing RS_..._net_exp column.
SERVICE_LINES = [
    f"RS_{s}_net_exp"
    for s in ["edu", "trans", "csc", "asc", "phs", "hous", "cul", "env", "plan", "pol", "frs"]
    + ["cen", "oth"]
]
YEARS = {"202303": "2022-23", "202403": "2023-24", "202503": "2024-25"}


def source_totals() -> dict[str, Decimal]:
    """Pounds per financial year: the ten districts' 13 service lines, GBP thousands x 1,000."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    with open(REAL_FILE, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            assert row["ONS_code"] in GM_DISTRICTS and row["status"] == "submitted"
            totals[YEARS[row["year_ending"]]] += sum(Decimal(row[c]) for c in SERVICE_LINES)
    return {year: amount * 1000 for year, amount in totals.items()}


def gm_rows(mart: str) -> list[dict]:
    return (
        duckdb.connect()
        .execute(
            f"select financial_year, sum(amount_gbp_nominal) as amount, "
            f"max(reporting_areas) as areas, min(reporting_areas) as min_areas, "
            f"bool_or(is_synthetic) as synthetic, string_agg(distinct data_provenance, ' | ') "
            f"as provenance from '{mart}' where place_code = '{GREATER_MANCHESTER}' "
            f"group by financial_year order by financial_year"
        )
        .df()
        .set_index("financial_year")
        .to_dict("index")
    )


def test_gm_place_totals_are_the_ten_districts_in_the_file(published):
    expected = source_totals()
    assert expected == {  # measured from the file; GBP
        "2022-23": Decimal("5055299000"),
        "2023-24": Decimal("5588010000"),
        "2024-25": Decimal("6072841000"),
    }
    rows = gm_rows(published("place_spend_by_service"))
    for year, amount in expected.items():
        assert Decimal(str(rows[year]["amount"])) == amount, year
        assert rows[year]["areas"] == rows[year]["min_areas"] == 10


def test_gm_real_years_are_labelled_real_and_the_rest_synthetic(published):
    rows = gm_rows(published("place_spend_by_service"))
    for year in YEARS.values():
        assert not rows[year]["synthetic"], year
        assert rows[year]["provenance"] == (
            f"real: MHCLG revenue outturn time series {year} ({REAL_FILE.name}), OGL v3"
        )
    assert rows["2021-22"]["synthetic"]
    assert rows["2021-22"]["provenance"].startswith("synthetic: ")
    others = (
        duckdb.connect()
        .execute(
            "select bool_and(is_synthetic) as synthetic, "
            "bool_and(data_provenance like 'synthetic: %') as labelled "
            f"from '{published('place_spend_by_service')}' "
            f"where place_code <> '{GREATER_MANCHESTER}'"
        )
        .df()
        .iloc[0]
    )
    assert others["synthetic"] and others["labelled"]


def test_every_real_row_is_loaded(demo_manifest):
    (item,) = [i for i in demo_manifest["inputs"] if i["file"] == FEED_FILE]
    assert item["rows_read"] == item["rows_loaded"] == 390
    assert item["rows_quarantined"] == 0
