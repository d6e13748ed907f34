"""The MHCLG revenue outturn adapter on the REAL file, as published.

tests/fixtures/real/revenue_outturn_time_series_GM_2022-23_to_2024-25.csv is a verbatim subset of
MHCLG's Revenue Outturn time series (most likely Revenue_Outturn_time_series_data_v3.1.csv,
Dec 2025): its header (2,323 columns) and all 30 rows of the ten Greater Manchester districts for
year_ending 202303, 202403 and 202503, unchanged (CRLF line endings, quoted strings, GBP
thousands). See DATA_SOURCES.md. Nothing here re-types it: the file is read as it is, and the
two edge cases (a `status` = `total` aggregate row, a row with every service cell empty) are
copies of real rows built here, each said so where it is built.
"""

import csv
import hashlib
from pathlib import Path

import pytest

from orchestration.core.adapt_files import check
from orchestration.core.adapters import AdaptContext, recognise, revenue_outturn
from orchestration.core.load_feeds import reference_context

REAL_NAME = "revenue_outturn_time_series_GM_2022-23_to_2024-25.csv"
REAL_FILE = Path(__file__).parent / "fixtures" / "real" / REAL_NAME
SHA256 = "42512eeb4cf9fec12eea120f65c07cf71e2f8f5bf12b87afded4e6461360a6e1"  # SOURCES.md
GM_DISTRICTS = [f"E08{n:06d}" for n in range(1, 11)]  # E08000001 Bolton .. E08000010 Wigan
# The 13 summary service lines the adapter maps; RS_totsx_net_exp is their total and is not one.
SERVICE_COLUMNS = {
    f"RS_{s}_net_exp": ("other" if s == "oth" else s)
    for s in ["edu", "trans", "csc", "asc", "phs", "hous", "cul", "env", "plan", "pol", "frs"]
    + ["cen", "oth"]
}


def source_rows(path: Path = REAL_FILE) -> tuple[list[str], list[list[str]]]:
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


@pytest.fixture(scope="module")
def adapted():
    return revenue_outturn.ADAPTER.adapt(REAL_FILE, AdaptContext.for_feeds(None))


def amount(frame, year, code, service) -> list[str]:
    match = frame[
        (frame["financial_year"] == year)
        & (frame["area_code"] == code)
        & (frame["service_area"] == service)
    ]
    return match["amount_gbp"].tolist()


def test_the_file_is_the_one_credited():
    assert hashlib.sha256(REAL_FILE.read_bytes()).hexdigest() == SHA256
    header, rows = source_rows()
    assert len(header) == 2323 and len(rows) == 30
    assert {len(r) for r in rows} == {2323}


def test_recognised_by_its_headers():
    assert recognise(REAL_FILE) is revenue_outturn.ADAPTER


def test_maps_exactly_the_thirteen_service_lines():
    header, _ = source_rows()
    assert revenue_outturn.service_columns(header) == SERVICE_COLUMNS
    # the file has many more RS_..._net_exp columns: totals (RS_totsx, RS_netcurrtot) and financing
    assert "RS_totsx_net_exp" in header and "RS_netcurrtot_net_exp" in header


def test_rows_years_and_units(adapted):
    frame = adapted.frame
    assert adapted.source_rows == 30
    assert len(frame) == 30 * 13  # every cell of the 13 service columns is filled in this subset
    # year_ending 202303 -> 2022-23, 202403 -> 2023-24, 202503 -> 2024-25; ten districts each
    assert frame.groupby("financial_year")["area_code"].nunique().to_dict() == {
        "2022-23": 10,
        "2023-24": 10,
        "2024-25": 10,
    }
    assert sorted(set(frame["area_code"])) == GM_DISTRICTS
    assert set(frame["source_unit"]) == {"£ thousands"}
    assert set(frame["price_basis"]) == {"nominal"}
    assert set(frame["accounting_basis"]) == {"accruals (net current expenditure)"}
    assert set(frame["data_provenance"]) == {
        f"real: MHCLG revenue outturn time series {year} ({REAL_FILE.name}), OGL v3"
        for year in ("2022-23", "2023-24", "2024-25")
    }
    assert not [n for n in adapted.notes if "set aside" in n or "every service column" in n]


def test_figures_read_from_the_source(adapted):
    frame = adapted.frame
    # Manchester E08000003, year_ending 202403, RS_asc_net_exp = 259952 (GBP thousands)
    assert amount(frame, "2023-24", "E08000003", "asc") == ["259952000.00"]
    # Manchester E08000003, year_ending 202303, RS_asc_net_exp = 213107; 202503 = 287999
    assert amount(frame, "2022-23", "E08000003", "asc") == ["213107000.00"]
    assert amount(frame, "2024-25", "E08000003", "asc") == ["287999000.00"]
    # Manchester E08000003, year_ending 202503, RS_trans_net_exp = -4315: net of income, negative
    assert amount(frame, "2024-25", "E08000003", "trans") == ["-4315000.00"]
    # Wigan MBC E08000010 (name with a suffix), year_ending 202503, RS_edu_net_exp = 327680
    assert amount(frame, "2024-25", "E08000010", "edu") == ["327680000.00"]
    # Bolton E08000001, year_ending 202403, RS_oth_net_exp = -8755 -> service area 'other'
    assert amount(frame, "2023-24", "E08000001", "other") == ["-8755000.00"]
    # Trafford E08000009, year_ending 202303, RS_plan_net_exp = -706
    assert amount(frame, "2022-23", "E08000009", "plan") == ["-706000.00"]
    # Stockport MBC E08000007, year_ending 202303, RS_pol_net_exp = 0 (a district runs no police)
    assert amount(frame, "2022-23", "E08000007", "pol") == ["0.00"]


def test_totals_match_the_file_without_counting_its_total_line(adapted):
    """Each district-year's 13 lines sum to RS_totsx_net_exp within the source's own rounding
    (it is published to the nearest thousand, as are the lines): the total is not a 14th line."""
    header, rows = source_rows()
    year, code, totsx = (header.index(c) for c in ("year_ending", "ONS_code", "RS_totsx_net_exp"))
    frame = adapted.frame.assign(amount=adapted.frame["amount_gbp"].astype(float))
    sums = frame.groupby(["financial_year", "area_code"])["amount"].sum()
    for row in rows:
        fy = revenue_outturn.financial_year_ending(row[year])
        assert abs(sums[(fy, row[code])] - int(row[totsx]) * 1000) <= 2000


def test_meets_the_outturn_contract(adapted):
    context, _ = reference_context(Path("/nonexistent"))
    loaded, set_aside, problems = check(adapted, "outturn/real.csv", context)
    assert len(loaded) == 390 and set_aside.empty
    assert not [p for p in problems if p.severity != "warn"]


def copy_with(tmp_path: Path, name: str, extra_rows: list[list[str]]) -> Path:
    """A copy of the real file, byte for byte, with rows appended in its own style (CRLF)."""
    path = tmp_path / name
    data = REAL_FILE.read_bytes()
    with open(path, "wb") as f:
        f.write(data)
        buffer = []
        for row in extra_rows:
            line = []
            for cell in row:
                line.append(f'"{cell}"' if cell and not _numeric(cell) else cell)
            buffer.append(",".join(line))
        f.write(("\r\n".join(buffer) + "\r\n").encode("utf-8"))
    return path


def _numeric(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_an_aggregate_total_row_is_set_aside_never_loaded(tmp_path):
    header, rows = source_rows()
    status, code, name = (header.index(c) for c in ("status", "ONS_code", "LA_name"))
    # BUILT HERE: the full release has aggregate rows of a class with status 'total' (SOURCES.md:
    # "E08" Metropolitan Districts). This one is the first real row relabelled as such.
    aggregate = list(rows[0])
    aggregate[status], aggregate[code], aggregate[name] = "total", "E08", "Metropolitan Districts"
    path = copy_with(tmp_path, "real_plus_total_row.csv", [aggregate])
    adapted = revenue_outturn.ADAPTER.adapt(path, AdaptContext.for_feeds(None))
    assert adapted.source_rows == 31
    assert len(adapted.frame) == 390  # the 30 district rows only
    assert "E08" not in set(adapted.frame["area_code"])
    assert adapted.details["total_rows_set_aside"] == ["row 32 (E08, 2022-23)"]
    assert any(
        "set aside 1 aggregate row(s) with status 'total'" in n and "row 32 (E08" in n
        for n in adapted.notes
    )


def test_a_district_row_with_every_service_empty_is_reported_not_zero(tmp_path):
    header, rows = source_rows()
    # BUILT HERE: Bolton's real 202503 row with year_ending 202603 and all 13 service cells
    # emptied, as the release leaves a line empty where it was not collected.
    empty = list(rows[20])
    assert empty[header.index("ONS_code")] == "E08000001"
    empty[header.index("year_ending")] = "202603"
    for column in SERVICE_COLUMNS:
        empty[header.index(column)] = ""
    path = copy_with(tmp_path, "real_plus_empty_row.csv", [empty])
    adapted = revenue_outturn.ADAPTER.adapt(path, AdaptContext.for_feeds(None))
    assert len(adapted.frame) == 390
    assert amount(adapted.frame, "2025-26", "E08000001", "edu") == []
    assert adapted.details["empty_rows"] == ["row 32 (E08000001, 2025-26)"]
    assert any("every service column empty" in n and "row 32" in n for n in adapted.notes)
