"""The second round of the dashboard: the answer each user came for (the headline sentence, the
reconciliation panel, the outcomes page), one notice for a bad link, settings that stay on
their page, abolished places, readable codes and formatted downloads."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from dashboard_helpers import (
    DATA_PAGE,
    OUTCOMES,
    OVERVIEW,
    POOLED,
    assert_clean,
    parquet,
    run_app,
    table,
)
from fake_snapshot import GM, MARTS_YML, WY

from dashboards.components import filters, maps
from dashboards.exports import to_csv_bytes, to_xlsx_bytes
from dashboards.queries import settlement_checks
from dashboards.queries.labels import CODE_NAMES
from dashboards.queries.snapshot import current_snapshot
from orchestration.core.export.sheets import fitted_sheet_name
from orchestration.core.formatting import format_gbp


def _texts(at) -> str:
    return " ".join(str(e.value) for kind in (at.markdown, at.info, at.caption) for e in kind)


# One notice for a bad link, in good English.


def test_a_bad_link_gets_one_notice_naming_everything_it_asked_for(warehouse: Path) -> None:
    at = run_app(POOLED, place="E47999999", year="1999-00", prices="gold")
    assert_clean(at)
    notices = [i.value for i in at.info if "link" in i.value]
    assert notices == [
        "The link's city-region, financial year and prices are not in this snapshot, so the "
        "page shows the defaults instead."
    ]


def test_one_bad_setting_reads_in_the_singular(warehouse: Path) -> None:
    at = run_app(POOLED, year="1999-00")
    notices = [i.value for i in at.info if "link" in i.value]
    assert notices == [
        "The link's financial year is not in this snapshot, so the page shows the default instead."
    ]


def test_a_good_link_gets_no_notice(warehouse: Path) -> None:
    at = run_app(POOLED, place=GM, year="2025-26", prices="real")
    assert not [i.value for i in at.info if "link" in i.value]


# Settings that belong to one page stay on it; the place and year follow the reader.


def test_per_head_on_the_overview_does_not_carry_into_the_pooled_budget(warehouse: Path) -> None:
    at = run_app(OVERVIEW)
    assert at.radio(key="filter_overview_per_head").value == "yes"
    at.radio(key="filter_overview_per_head").set_value("no").run()
    at.selectbox(key="filter_place").set_value(WY).run()
    at.switch_page(POOLED).run()
    assert_clean(at)
    assert at.selectbox(key="filter_place").value == WY  # shared
    # The pot-over-the-years per-head radio of this page starts from its own default.
    assert at.radio(key="filter_pooled_budget_per_head").value == "no"
    at.switch_page(OVERVIEW).run()
    assert at.radio(key="filter_overview_per_head").value == "no"  # kept on its page


# Abolished places.

PLACES = pd.DataFrame(
    {
        "place_code": ["E47000001", "E47000011", "E47000017"],
        "place_name": ["Greater Manchester", "North of Tyne", "Greater Lincolnshire"],
        "first_year": ["2011-12", "2019-20", "2025-26"],
        "last_year": ["2030-31", "2023-24", "2030-31"],
    }
)


def test_an_abolished_place_is_labelled_in_the_list() -> None:
    names = filters.place_names(PLACES)
    assert names["E47000011"] == "North of Tyne (abolished; until 2023-24)"
    assert names["E47000001"] == "Greater Manchester"


@pytest.mark.parametrize(
    ("place", "year", "said"),
    [
        ("E47000011", "2025-26", "North of Tyne was abolished: 2023-24 was its last financial "
         "year, so it has no figures for 2025-26."),
        ("E47000017", "2024-25", "Greater Lincolnshire did not exist yet in 2024-25: its first "
         "financial year was 2025-26."),
        ("E47000011", "2023-24", None),
        ("E47000001", "2025-26", None),
    ],
)  # fmt: skip
def test_a_year_a_place_did_not_exist_in_is_explained(place, year, said) -> None:
    assert filters.not_in_existence(PLACES, place, year) == said


# Readable names for every code.


def test_every_settlement_check_has_a_readable_name() -> None:
    model = yaml.safe_load((MARTS_YML / "settlement_checks.yml").read_text())["models"][0]
    # `check` is quoted: its accepted values are a model-level test (one id on both engines)
    accepted = next(
        t["accepted_values_quoted"] for t in model["data_tests"] if "accepted_values_quoted" in t
    )
    assert accepted["arguments"]["column"] == "check"
    assert sorted(accepted["arguments"]["values"]) == sorted(CODE_NAMES["check"])


def test_sensitivity_rates_have_readable_names() -> None:
    sql = (MARTS_YML / "intervention_sensitivity.sql").read_text()
    for rate in ("engagement_rate", "success_rate", "deadweight", "attribution", "drop_off"):
        assert f"'{rate}'" in sql
        assert CODE_NAMES["varied_rate"][rate] != rate


# The reconciliation panel and the checks of the year.


def test_reconciliation_panel_shows_a_failing_pot_and_its_source(warehouse: Path) -> None:
    at = run_app(POOLED, place=WY, year="2025-26")
    assert_clean(at)
    text = _texts(at)
    assert ":red-badge[:material/error: Fail]" in text
    assert "Pot £188.0m · announced £190.0m · difference -£2,000,000" in text
    assert "Source: Test publication, 2 April 2025" in text


def test_no_announced_total_on_file_is_said(warehouse: Path) -> None:
    at = run_app(POOLED, place=GM, year="2024-25")
    assert_clean(at)
    assert at.selectbox(key="filter_year").value == "2024-25"
    assert "No announced total on file for Greater Manchester in 2024-25." in _texts(at)
    assert "No settlement checks are published for Greater Manchester in 2024-25." in _texts(at)


def test_the_checks_shown_are_the_selected_years_only(warehouse: Path) -> None:
    at = run_app(POOLED, place=GM, year="2025-26")
    checks = table(at, "Detail")
    assert checks["Financial year"].tolist() == ["2025-26", "2025-26"]  # not 2026-27's warning
    assert checks["Status"].map(lambda s: s[0]).tolist() == ["Pass", "Pass"]
    assert checks["Check"].tolist() == [
        "Line pooled at most once",
        "Pot matches the announced total",
    ]


def test_failures_come_first_and_statuses_are_badges(warehouse: Path) -> None:
    at = run_app(POOLED, place=WY, year="2025-26")
    checks = table(at, "Detail")
    assert checks["Status"].iloc[0] == ["Fail"]


def test_the_status_filter_narrows_the_checks(warehouse: Path) -> None:
    at = run_app(POOLED, place=GM, year="2025-26")
    before = len(table(at, "Detail"))
    at.multiselect(key="pooled_checks_status").set_value([]).run()
    assert before == 2 and len(table(at, "Detail")) == 0


def test_contributions_have_a_total_row_equal_to_the_pot(warehouse: Path) -> None:
    at = run_app(POOLED, place=GM, year="2025-26")
    frame = table(at, "Share of the pot (%)")
    total = frame[frame["Settlement"] == "Total"].iloc[0]
    lines = frame[frame["Settlement"] != "Total"]
    pot = parquet(
        warehouse,
        "SELECT SUM(contribution_gbp_nominal) FROM pooled_budget "
        "WHERE place_code = ? AND financial_year = ?",
        GM,
        "2025-26",
    )
    assert total["Contribution, cash (£)"] == pytest.approx(pot)
    assert total["Share of the pot (%)"] == pytest.approx(100)
    assert lines["Share of the pot (%)"].sum() == pytest.approx(100)
    assert set(lines["Source"]) == {"Test publication, 1 April 2025"}


def test_reconciliation_equals_duckdb_on_the_demo(demo_warehouse: Path) -> None:
    snap = current_snapshot(demo_warehouse)
    frame = settlement_checks.reconciliation(snap, GM, "2025-26").set_index("budget_type")
    for budget_type in ("resource", "capital"):
        pot = parquet(
            demo_warehouse,
            "SELECT SUM(contribution_gbp_nominal) FROM pooled_budget WHERE place_code = ? "
            "AND financial_year = '2025-26' AND budget_type = ?",
            GM,
            budget_type,
        )
        announced = parquet(
            demo_warehouse,
            "SELECT SUM(expected_gbp) FROM settlement_checks WHERE place_code = ? "
            "AND financial_year = '2025-26' AND budget_type = ? "
            "AND \"check\" = 'pot_matches_announced_total'",
            GM,
            budget_type,
        )
        assert frame.loc[budget_type, "pot_gbp_nominal"] == pytest.approx(pot, abs=1)
        assert frame.loc[budget_type, "announced_gbp"] == pytest.approx(announced)
        assert frame.loc[budget_type, "status"] == "pass"
    # The synthetic West Yorkshire 2023-24 capital total carries a seeded £2.5m error.
    wy = settlement_checks.reconciliation(snap, WY, "2023-24").set_index("budget_type")
    assert wy.loc["capital", "status"] == "fail"


# The headline sentence and the outcomes page, against DuckDB on the demo snapshot.


def test_headline_sentence_equals_duckdb(demo_warehouse: Path, monkeypatch) -> None:
    monkeypatch.setenv("WHOLEPLACE_WAREHOUSE", str(demo_warehouse))
    at = run_app(OVERVIEW)
    assert_clean(at)
    sentence = next(m.value for m in at.markdown if "prevention programme" in m.value)
    # The demo build has place_appraisal: every present value discounted to one base year.
    costs = parquet(
        demo_warehouse, "SELECT SUM(pv_costs_gbp) FROM place_appraisal WHERE place_code = ?", GM
    )
    saved = parquet(
        demo_warehouse, "SELECT SUM(pv_fiscal_gbp) FROM place_appraisal WHERE place_code = ?", GM
    )
    national = parquet(
        demo_warehouse,
        "SELECT SUM(pv_rebased_gbp) FROM prevention_savings WHERE place_code = ? "
        "AND value_type = 'fiscal' AND agency_tier = 'national'",
        GM,
    )
    last = parquet(
        demo_warehouse,
        "SELECT MAX(financial_year) FROM prevention_savings WHERE place_code = ? "
        "AND value_type = 'fiscal'",
        GM,
    )
    assert (
        f"Greater Manchester's prevention programme costs {format_gbp(costs)} and is expected "
        f"to save {format_gbp(saved)} across public services by {last}, of which "
        f"{format_gbp(national)} lands in national budgets"
    ) in sentence
    assert "synthetic" in sentence


def test_outcomes_page_equals_duckdb(demo_warehouse: Path, monkeypatch) -> None:
    monkeypatch.setenv("WHOLEPLACE_WAREHOUSE", str(demo_warehouse))
    at = run_app(OUTCOMES)
    assert_clean(at)
    indicator = at.selectbox(key="filter_outcomes_indicator").value
    period, value, england, compared = (
        parquet(
            demo_warehouse,
            f"SELECT {column} FROM place_outcomes WHERE place_code = ? AND indicator_id = ? "
            "AND breakdown = 'all' AND place_value IS NOT NULL "
            "ORDER BY financial_year DESC, period DESC LIMIT 1",
            GM,
            indicator,
        )
        for column in ("period", "place_value", "england_value", "compared_with_england")
    )
    sentence = next(m.value for m in at.markdown if m.value.startswith(f"In {period} "))
    assert f"{value:,.1f}" in sentence or f"{value:,.2f}" in sentence
    assert f"{england:,.1f}" in sentence or f"{england:,.2f}" in sentence
    assert compared in sentence
    latest = table(at, "Indicator")
    assert len(latest) == parquet(
        demo_warehouse,
        "SELECT COUNT(DISTINCT indicator_id) FROM place_outcomes WHERE place_code = ? "
        "AND breakdown = 'all'",
        GM,
    )


def test_data_page_lists_every_warning_and_failure(demo_warehouse: Path, monkeypatch) -> None:
    monkeypatch.setenv("WHOLEPLACE_WAREHOUSE", str(demo_warehouse))
    at = run_app(DATA_PAGE)
    assert_clean(at)
    problems = table(at, "Detail")
    expected = parquet(
        demo_warehouse, "SELECT COUNT(*) FROM settlement_checks WHERE status <> 'pass'"
    )
    assert len(problems) == expected
    assert problems["Status"].iloc[0] == ["Fail"]
    assert any("Validation report" in h.value for h in at.header)


# The map: England's outline and a legend labelled to its top value.


def test_the_map_carries_the_england_outline_and_a_complete_legend() -> None:
    frame = pd.DataFrame({"place_code": [GM, WY], "place_name": ["GM", "WY"], "v": [-3.25, 10.33]})
    spec = maps.choropleth(frame, "v", "£ per head", GM)
    assert spec["datasets"][maps.OUTLINE_DATASET][0]["geometry"]["type"] == "MultiLineString"
    legend = next(
        layer["encoding"]["color"]["legend"]
        for layer in spec["layer"]
        if "color" in layer.get("encoding", {})
    )
    assert legend["values"] == [-3.25, 0.0, 10.33]
    assert not any(layer.get("mark", {}).get("type") == "text" for layer in spec["layer"])


# Downloads formatted for a finance officer.

MONEY = pd.DataFrame(
    {
        "Funding line": ["Adult Skills Fund", "Connect to Work"],
        "Contribution, cash (£)": [102_000_000.0, 5_500_000.0],
        "Per head, real (£)": [35.1712, 1.9],
        "Share of the pot (%)": [94.9, 5.1],
        "Residual (£)": [1234.5, -0.25],
    }
)


def test_xlsx_money_is_formatted_with_a_frozen_filtered_header() -> None:
    title = "settlement_checks_E47000001_2025-26 with a long name"
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(MONEY, title)))
    sheet = book.worksheets[0]
    assert sheet.title == fitted_sheet_name(title) and len(sheet.title) <= 31
    assert book.properties.title == title
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E3"
    # The formats of `wholeplace export` (Excel writes a negative as -£2,000 in either).
    assert sheet["B2"].value == 102_000_000 and sheet["B2"].number_format == "£#,##0"
    assert sheet["C2"].number_format == "£#,##0.00"
    assert sheet["D2"].number_format == "0.0"
    assert sheet["A2"].number_format == "General"
    assert sheet.column_dimensions["A"].width >= len("Adult Skills Fund")
    assert sheet.column_dimensions["B"].width >= len("£102,000,000")


def test_sheet_names_are_shortened_at_a_word_not_mid_word() -> None:
    assert (
        fitted_sheet_name("pot_by_department_E47000001_2025-26_nominal")
        == "pot_by_department_E47000001"
    )
    assert fitted_sheet_name("Contributions: 2025/26") == "Contributions- 2025-26"
    assert fitted_sheet_name("short") == "short"


def test_csv_writes_whole_pounds_without_a_trailing_point_zero() -> None:
    text = to_csv_bytes(MONEY).decode("utf-8-sig")
    assert "102000000," in text and "102000000.0" not in text
    assert "1234.50" in text and "-0.25" in text
    assert "35.17," in text  # pounds and pence
