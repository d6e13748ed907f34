"""The outcomes adapter on the real Oflog adult social care measures
(tests/fixtures/real/oflog_adult_social_care_measures.csv, copied byte for byte), and on a file in
the Fingertips download layout CONSTRUCTED in the test (no Fingertips file is available offline)."""

import csv
from pathlib import Path

import pytest

from orchestration.core.adapt_files import check
from orchestration.core.adapters import AdaptContext, outcomes, recognise
from orchestration.core.load_feeds import reference_context

REAL = Path(__file__).parent / "fixtures" / "real" / "oflog_adult_social_care_measures.csv"


@pytest.fixture(scope="module")
def adapted():
    return outcomes.ADAPTER.adapt(REAL, AdaptContext.for_feeds(None))


def value_of(frame, indicator, code, period):
    match = frame[
        (frame["indicator_id"] == indicator)
        & (frame["area_code"] == code)
        & (frame["period"] == period)
    ]
    assert len(match) == 1
    return match.iloc[0]


def test_recognised_by_headers():
    assert recognise(REAL) is outcomes.ADAPTER


def test_row_counts(adapted):
    frame = adapted.frame
    assert len(frame) == 6_376  # every data row of the file
    assert frame["indicator_id"].nunique() == 7  # ASC1 to ASC7
    assert frame["area_code"].nunique() == 157
    assert (frame["value"] == "").sum() == 298  # blank Value cells, kept blank
    assert sorted(frame["period"].unique())[0] == "2015-16"
    assert sorted(frame["period"].unique())[-1] == "2022-23"


def test_figures_read_from_the_file(adapted):
    frame = adapted.frame
    # line 2: 2016-17, E06000005 Darlington, ASC1 (carer quality of life), 7.6, rank_order desc
    darlington = value_of(frame, "ASC1", "E06000005", "2016-17")
    assert darlington["value"] == "7.6" and darlington["financial_year"] == "2016-17"
    assert darlington["polarity"] == "higher is better"
    assert darlington["indicator_name"] == "Outcome, ASC Carer Quality of Life"
    # line 2955: 2015-16, Darlington, ASC5 (short-term services), 80.3, DESC
    assert value_of(frame, "ASC5", "E06000005", "2015-16")["value"] == "80.3"
    # line 3950: 2022-23, E08000003 Manchester, ASC5, 80.1
    assert value_of(frame, "ASC5", "E08000003", "2022-23")["value"] == "80.1"
    # line 6228: 2022-23, Manchester, ASC7 (workforce turnover), 27.66581516, rank_order None
    turnover = value_of(frame, "ASC7", "E08000003", "2022-23")
    assert turnover["value"] == "27.66581516" and turnover["polarity"] == "not assessed"


def test_aggregation_units_and_basis(adapted):
    frame = adapted.frame
    assert set(frame["aggregation"]) == {"population_weighted"}  # Oflog gives no counts
    assert (frame["numerator"] == "").all() and (frame["denominator"] == "").all()
    assert any("'numerator'" in n and "not found" in n for n in adapted.notes)
    assert set(frame["source_unit"]) == {"not money (an indicator value)"}
    assert set(frame["price_basis"]) == {"not applicable"}
    assert set(frame["publisher"]) == {"Office for Local Government (Oflog)"}
    assert frame["data_provenance"].str.startswith("real: Office for Local Government").all()


def test_meets_the_outcomes_contract(adapted):
    context, _ = reference_context(Path("/nonexistent"))
    loaded, set_aside, problems = check(adapted, "outcomes/oflog.csv", context)
    assert len(loaded) == 6_376 and set_aside.empty, [str(p) for p in problems[:3]]


# --- the Fingertips layout, CONSTRUCTED ---------------------------------------------------------
# OHID Fingertips downloads have these headers; the values below are CONSTRUCTED for the test
# (made up, not from any publication): a percentage indicator with counts, an England row, an
# inequality breakdown row, a health-geography row and a row with only a name.

FINGERTIPS_HEADER = [
    "Indicator ID",
    "Indicator Name",
    "Parent Code",
    "Parent Name",
    "Area Code",
    "Area Name",
    "Area Type",
    "Sex",
    "Age",
    "Category Type",
    "Category",
    "Time period",
    "Value",
    "Lower CI 95.0 limit",
    "Upper CI 95.0 limit",
    "Count",
    "Denominator",
    "Value note",
    "Recent Trend",
    "Compared to England value or percentiles",
    "Time period Sortable",
]


def fingertips_row(code, name, area_type, count, denominator, category_type="", period="2022/23"):
    value = round(100 * count / denominator, 4)
    return [
        "90999",
        "Constructed percentage indicator",
        "E92000001",
        "England",
        code,
        name,
        area_type,
        "Persons",
        "18+ yrs",
        category_type,
        "",
        period,
        value,
        "",
        "",
        count,
        denominator,
        "",
        "",
        "",
        "20220000",
    ]


@pytest.fixture
def fingertips_file(tmp_path) -> Path:
    """CONSTRUCTED fixture in the Fingertips download layout (made-up values)."""
    path = tmp_path / "fingertips_CONSTRUCTED.csv"
    rows = [
        fingertips_row("E92000001", "England", "England", 5000, 10000),
        fingertips_row("E08000003", "Manchester", "UA", 300, 1000),
        fingertips_row("E08000001", "Bolton", "UA", 100, 400),
        fingertips_row("E08000003", "Manchester", "UA", 50, 100, category_type="Deprivation"),
        fingertips_row("E38000001", "NHS Somewhere ICB", "ICB", 10, 20),
        fingertips_row("", "Bristol, City of", "UA", 30, 60),
    ]
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(FINGERTIPS_HEADER)
        writer.writerows(rows)
    return path


def test_fingertips_layout(fingertips_file):
    assert recognise(fingertips_file) is outcomes.ADAPTER
    adapted = outcomes.ADAPTER.adapt(fingertips_file, AdaptContext.for_feeds(None))
    frame = adapted.frame
    assert set(frame["area_code"]) == {"E92000001", "E08000003", "E08000001", "E06000023"}
    assert set(frame["aggregation"]) == {"ratio"}
    assert set(frame["value_multiplier"]) == {"100"}  # value = count / denominator x 100
    assert set(frame["financial_year"]) == {"2022-23"}  # "2022/23"
    assert set(frame["breakdown"]) == {"Persons, 18+ yrs"}
    assert set(frame["publisher"]) == {"OHID Fingertips"}
    notes = "\n".join(adapted.notes)
    assert "inequality breakdown" in notes and "not English authorities" in notes
    context, _ = reference_context(Path("/nonexistent"))
    loaded, set_aside, _ = check(adapted, "outcomes/fingertips.csv", context)
    assert len(loaded) == 4 and set_aside.empty
