"""The CRA adapter on HM Treasury's real Country and Regional Analysis 2018 database
(tests/fixtures/real/CRA_2018_Database_for_Publication_rvsd.xlsx, copied byte for byte), and on a
second layout constructed in the test from the same real rows."""

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from orchestration.core.adapt_files import check
from orchestration.core.adapters import AdapterError, cra, recognise
from orchestration.core.adapters.base import candidate_tables
from schemas.common import ValidationContext

REAL = Path(__file__).parent / "fixtures" / "real" / "CRA_2018_Database_for_Publication_rvsd.xlsx"
SHEET = "CRA 2018 database"


@pytest.fixture(scope="module")
def adapted():
    return cra.ADAPTER.adapt(REAL)


@pytest.fixture(scope="module")
def long():
    rows, notes, source_rows = cra.read_long(REAL)
    return rows, notes, source_rows


@pytest.fixture(scope="module")
def sheet_rows():
    workbook = openpyxl.load_workbook(REAL, read_only=True, data_only=True)
    rows = list(workbook[SHEET].iter_rows(values_only=True))
    workbook.close()
    return rows


def cell(rows, row: int, column: str):
    """A cell by its Excel address in the database sheet, e.g. ('O', 2) -> O2."""
    return rows[row - 1][openpyxl.utils.column_index_from_string(column) - 1]


def test_recognised_by_headers(tmp_path):
    assert recognise(REAL) is cra.ADAPTER
    table = cra.recognise(candidate_tables(REAL))
    assert (table.sheet, table.row) == (SHEET, 0)  # not the Metadata sheet


def test_row_counts(adapted, long):
    rows, _, source_rows = long
    assert source_rows == 21_135  # the sheet's 21,136 rows less the header (README: 21,135)
    assert len(rows) == 21_135 * 5  # five year columns, 2013-14 to 2017-18, none blank
    assert sorted(rows["financial_year"].unique()) == [
        "2013-14",
        "2014-15",
        "2015-16",
        "2016-17",
        "2017-18",
    ]
    assert len(adapted.frame) == 18_551  # segments added up, zero totals left out
    assert adapted.source_rows == 21_135


def test_figures_read_from_the_sheet(long):
    rows, _, _ = long

    def amount(source_row: int, year: str) -> Decimal:
        match = rows[(rows["source_row"] == source_row) & (rows["financial_year"] == year)]
        assert len(match) == 1
        return match["amount_thousands"].iloc[0]

    # 'CRA 2018 database'!O2: Armed Forces Pension and Compensation Schemes, Scotland, 2013-14
    assert amount(2, "2013-14") == Decimal("166556")
    # S2: the same segment in 2017-18
    assert amount(2, "2017-18") == Decimal("121062")
    # S9601: Department for Education, Academies pre-16, London, 2017-18
    assert amount(9601, "2017-18") == Decimal("2452981")
    # S21133: central government debt interest, non-regional, 2017-18 (the largest cell)
    assert amount(21133, "2017-18") == Decimal("55024000")
    # O21136: Bank of England debt interest, 2013-14, a negative
    assert amount(21136, "2013-14") == Decimal("-12565000")


def test_units_converted_and_stated(adapted):
    frame = adapted.frame
    assert set(frame["source_unit"]) == {"£ thousands"}  # Metadata!C2: "in £'000s"
    assert set(frame["accounting_basis"]) == {"accruals"}  # Metadata!C2: "accruals accounting"
    assert set(frame["price_basis"]) == {"nominal"}
    assert frame["data_provenance"].str.startswith("real: HM Treasury CRA 2018").all()
    # O2 (GBP thousands) -> pounds, the only segment at this grain
    row = frame[
        (frame["department"] == "Armed Forces Pension and Compensation Schemes")
        & (frame["hmt_subfunction"] == "10.2 Old age; of which: pensions")
        & (frame["region"] == "Scotland")
        & (frame["financial_year"] == "2013-14")
    ]
    assert row["amount_gbp"].tolist() == ["166556000.00"]
    assert row["region_code"].tolist() == ["S92000003"]


def test_feed_rows_add_up_the_sheet(adapted, sheet_rows):
    """Every feed row is the sum of its source rows: check one region and year independently."""
    header = sheet_rows[0]
    region, year = header.index("NUTS Region"), header.index("2017-18")
    expected = sum(
        Decimal(str(r[year]))
        for r in sheet_rows[1:]
        if r[region] in ("ENGLAND_Yorkshire and the Humber", "ENGLAND_Yorkshire and The Humber")
    )
    frame = adapted.frame
    got = sum(
        Decimal(a)
        for a in frame.loc[
            (frame["region"] == "Yorkshire and The Humber")
            & (frame["financial_year"] == "2017-18"),
            "amount_gbp",
        ]
    )
    assert got == expected * 1000


def test_regions_are_ons_regions(adapted):
    regions = dict(zip(adapted.frame["region"], adapted.frame["region_code"], strict=False))
    assert regions["Yorkshire and The Humber"] == "E12000003"  # both CRA spellings, one region
    assert regions["East of England"] == "E12000006"  # CRA writes ENGLAND_East
    assert set(regions) == {
        "North East",
        "North West",
        "Yorkshire and The Humber",
        "East Midlands",
        "West Midlands",
        "East of England",
        "London",
        "South East",
        "South West",
        "Scotland",
        "Wales",
        "Northern Ireland",
        "Outside UK",
        "Non-regional",
    }


def test_meets_the_regional_spend_contract(adapted):
    loaded, set_aside, problems = check(adapted, "regional_spend/cra_2018.csv", ValidationContext())
    assert len(loaded) == 18_551 and set_aside.empty
    assert not [p for p in problems if p.severity != "warn"]


# --- a second layout, constructed in the test from the real rows -------------------------------
# Later CRA releases rename and reorder columns (ITL1 region for NUTS region, years written with
# a slash) and put a title above the header. There is no second real release offline, so this
# workbook is CONSTRUCTED here from real rows of the 2018 database: it tests the header matching,
# not a second publication.

RENAMED = {
    "Department Name": "Department name",
    "COFOG Level 0": "COFOG function",
    "COFOG Level 1": "COFOG sub-function",
    "ID/non-ID": "Identifiable or non-identifiable",
    "CAP or CUR": "Capital or current",
    "NUTS Region": "ITL1 region",
}
KEPT = list(RENAMED) + ["2013-14", "2014-15", "2015-16", "2016-17", "2017-18"]
DEPARTMENTS = {"Department for Education", "Department of Health and Social Care"}


def constructed_release(path: Path, sheet_rows, drop: str | None = None) -> Path:
    header = list(sheet_rows[0])
    order = ["2017-18", "2016-17", "2015-16", "2014-15", "2013-14"] + list(RENAMED)
    order = [c for c in order if c != drop]
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Database")
    sheet.append(["Country and Regional Analysis: database (constructed test layout)"])
    sheet.append([])
    sheet.append([RENAMED.get(c, c.replace("-", "/") + " outturn") for c in order])
    for row in sheet_rows[1:]:
        if row[0] in DEPARTMENTS:
            sheet.append([row[header.index(c)] for c in order])
    workbook.save(path)
    return path


def test_second_layout_gives_the_same_totals(tmp_path, sheet_rows, adapted):
    path = constructed_release(tmp_path / "cra_constructed.xlsx", sheet_rows)
    assert recognise(path) is cra.ADAPTER
    second = cra.ADAPTER.adapt(path)
    assert any("'organisation'" in n and "not found" in n for n in second.notes)
    assert any("'hmt_function'" in n for n in second.notes)
    first = adapted.frame[adapted.frame["department"].isin(DEPARTMENTS)]

    def totals(frame):
        amounts = frame.assign(amount=frame["amount_gbp"].map(Decimal))
        return amounts.groupby(["region", "financial_year", "spend_type"])["amount"].sum()

    assert totals(second.frame).to_dict() == totals(first).to_dict()
    assert set(second.frame["release"]) == {"CRA (release not stated)"}


def test_missing_required_column_is_named(tmp_path, sheet_rows):
    path = constructed_release(tmp_path / "no_region.xlsx", sheet_rows, drop="NUTS Region")
    with pytest.raises(AdapterError, match=r"'region' \(region \(NUTS1 / ITL1\)\)"):
        cra.ADAPTER.adapt(path)
