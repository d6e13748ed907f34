"""The MHCLG revenue outturn adapter on CONSTRUCTED files: the cases the real subset has none of.

The real file (the ten Greater Manchester districts, 2022-23 to 2024-25) is tested in
test_adapters_revenue_outturn_real.py. It has no blank codes, former codes, successors,
non-council rows or suppressed cells, so every file below is a CONSTRUCTED fixture written by
this test in the same layout (year_ending as YYYYMM, ONS_code, LA_name, status,
RS_<service>_net_exp in GBP thousands; the "other" line is RS_oth_net_exp), with made-up amounts.
"""

import csv
from pathlib import Path

import pytest

from orchestration.core.adapt_files import check
from orchestration.core.adapters import AdaptContext, recognise, revenue_outturn
from orchestration.core.adapters.base import UnrecognisedFile
from orchestration.core.load_feeds import reference_context

SERVICES = ["edu", "trans", "csc", "asc", "phs", "hous", "cul", "env", "plan", "pol", "frs", "cen"]
HEADER = (
    ["year_ending", "ONS_code", "LA_name", "LA_class", "status"]
    + [f"RS_{s}_net_exp" for s in SERVICES + ["oth"]]
    + ["RS_totsx_net_exp", "RS_netcurrtot_net_exp"]
)


def constructed_row(year_ending, code, name, status="submitted", **amounts):
    """A CONSTRUCTED row: every service 100 (GBP thousands) unless given."""
    values = [amounts.get(s, "100") for s in SERVICES + ["oth"]]
    return [year_ending, code, name, "MD", status, *values, "1300", "1300"]


@pytest.fixture
def constructed_file(tmp_path) -> Path:
    """CONSTRUCTED fixture in the documented revenue outturn layout (not real data)."""
    path = tmp_path / "Revenue_Outturn_time_series_CONSTRUCTED.csv"
    rows = [
        constructed_row("202403", "E08000003", "Manchester", asc="250123.4", oth="-12.5"),
        constructed_row("202503", "E08000016", "Barnsley"),  # 2024-25: the old code is right
        constructed_row("202603", "E08000016", "Barnsley"),  # 2025-26: filed under E08000038
        constructed_row("202403", "", "Bristol, City of"),  # no code: matched by name
        constructed_row("202403", "", "Nowhere Borough Council"),  # no code, unknown name
        constructed_row("202403", "E92000001", "England"),  # a total row: left out
        constructed_row("202403", "E08000025", "Birmingham", status="not submitted"),
        constructed_row("202403", "E06000048", "Northumberland"),  # a former code (pre-2013)
        constructed_row("202403", "E09000033", "Westminster", edu="[x]"),  # suppressed cell
    ]
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


@pytest.fixture
def adapted(constructed_file):
    return revenue_outturn.ADAPTER.adapt(constructed_file, AdaptContext.for_feeds(None))


def amount(frame, year, code, service):
    match = frame[
        (frame["financial_year"] == year)
        & (frame["area_code"] == code)
        & (frame["service_area"] == service)
    ]
    return match["amount_gbp"].tolist()


def test_recognised_by_headers(constructed_file, tmp_path):
    assert recognise(constructed_file) is revenue_outturn.ADAPTER
    renamed = tmp_path / "cra.csv"  # a misleading name changes nothing
    renamed.write_bytes(constructed_file.read_bytes())
    assert recognise(renamed) is revenue_outturn.ADAPTER


def test_years_units_and_services(adapted):
    frame = adapted.frame
    # 202403 -> 2023-24; 250123.4 GBP thousands -> GBP 250,123,400.00
    assert amount(frame, "2023-24", "E08000003", "asc") == ["250123400.00"]
    assert amount(frame, "2023-24", "E08000003", "other") == ["-12500.00"]  # RS_oth -> other
    assert set(frame["service_area"]) == set(SERVICES) | {"other"}  # totals left out
    assert set(frame["source_unit"]) == {"£ thousands"}
    assert set(frame["price_basis"]) == {"nominal"}
    assert set(frame["accounting_basis"]) == {"accruals (net current expenditure)"}


def test_codes_names_and_successors(adapted):
    frame = adapted.frame
    assert amount(frame, "2024-25", "E08000016", "edu") == ["100000.00"]
    assert amount(frame, "2025-26", "E08000038", "edu") == ["100000.00"]
    assert amount(frame, "2025-26", "E08000016", "edu") == []
    assert amount(frame, "2023-24", "E06000023", "edu") == ["100000.00"]  # Bristol by name
    assert amount(frame, "2023-24", "E06000057", "edu") == ["100000.00"]  # Northumberland now
    notes = "\n".join(adapted.notes)
    assert "Nowhere Borough Council (1)" in notes
    assert adapted.details["unmatched_names"] == {"Nowhere Borough Council": 1}
    assert "E08000016 had ended by 2025-26; filed under its successor E08000038 (from " in notes
    assert "E06000048 is a former code of E06000057" in notes
    assert "not submitted" in notes and "not a council" in notes
    assert "blank or suppressed RS_edu_net_exp" in notes
    assert set(frame["area_code"]) == {
        "E08000003",
        "E08000016",
        "E08000038",
        "E06000023",
        "E06000057",
        "E09000033",
    }
    assert len(frame) == 6 * 13 - 1  # six authority-years, 13 lines, one suppressed cell


def test_meets_the_outturn_contract(adapted):
    context, _ = reference_context(Path("/nonexistent"))
    loaded, set_aside, problems = check(adapted, "outturn/constructed.csv", context)
    assert len(loaded) == len(adapted.frame) and set_aside.empty
    assert not [p for p in problems if p.severity != "warn"]


def test_missing_service_column_is_named(tmp_path):
    path = tmp_path / "CONSTRUCTED_without_public_health.csv"
    header = [h for h in HEADER if h != "RS_phs_net_exp"]
    row = constructed_row("202403", "E08000003", "Manchester")
    del row[HEADER.index("RS_phs_net_exp")]
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([header, row])
    adapted = revenue_outturn.ADAPTER.adapt(path, AdaptContext.for_feeds(None))
    assert any("RS_phs_net_exp" in n and "missing" in n for n in adapted.notes)
    assert "phs" not in set(adapted.frame["service_area"])


def test_a_file_without_its_year_column_is_not_this_layout(tmp_path):
    path = tmp_path / "CONSTRUCTED_no_year.csv"
    path.write_text("ONS_code,LA_name,RS_edu_net_exp\nE08000003,Manchester,1\n")
    with pytest.raises(UnrecognisedFile, match="RS_edu_net_exp"):
        recognise(path)
