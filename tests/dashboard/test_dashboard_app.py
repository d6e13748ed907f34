"""Every page renders on the synthetic test snapshot, and its headline figures equal what
DuckDB computes directly from the published Parquet."""

from __future__ import annotations

from pathlib import Path

import pytest
from dashboard_helpers import (
    DATA_PAGE,
    PAGES,
    POOLED,
    assert_clean,
    expected_pot,
    metric,
    parquet,
    table,
)
from dashboard_helpers import run_app as _run_app
from fake_snapshot import GM, LCR, WY, write_snapshot

from dashboards.queries import budget, settlement_checks
from dashboards.queries.snapshot import current_snapshot
from orchestration.core.formatting import format_gbp, format_per_head, format_share


def run_app(page: str | None = POOLED, **query: str):
    return _run_app(page, **query)


def parquet_scalar(warehouse: Path, sql: str, *params: str) -> float:
    return parquet(warehouse, sql, *params)


def test_pooled_budget_defaults_to_greater_manchester_2025_26(warehouse: Path) -> None:
    at = run_app()
    assert_clean(at)
    assert at.title[0].value == "Pooled budget"
    assert at.selectbox(key="filter_place").value == GM
    assert at.selectbox(key="filter_year").value == "2025-26"
    assert at.query_params["place"] in (GM, [GM])


def test_headline_figures_equal_the_parquet(warehouse: Path) -> None:
    at = run_app()
    assert_clean(at)
    cash = expected_pot(warehouse, GM, "2025-26")
    real = expected_pot(warehouse, GM, "2025-26", "real")
    population = parquet_scalar(
        warehouse, "SELECT MAX(population) FROM pooled_budget WHERE place_code = ?", GM
    )
    pooled, total = (
        parquet_scalar(
            warehouse,
            f"SELECT SUM({c}) FROM whole_place_budget WHERE place_code = ? AND financial_year = ?",
            GM,
            "2025-26",
        )
        for c in ("pooled_gbp_nominal", "amount_gbp_nominal")
    )
    assert metric(at, "Pot (cash)") == format_gbp(cash)
    assert metric(at, "Pot (2024-25 prices)") == format_gbp(real)
    assert metric(at, "Per head") == format_per_head(real / population)
    assert metric(at, "Share of funding pooled") == format_share(pooled / total)
    contributions = next(d.value for d in at.dataframe if "Contribution, cash (£)" in d.value)
    lines = contributions[contributions["Settlement"] != "Total"]
    assert lines["Contribution, cash (£)"].sum() == pytest.approx(cash, abs=0.005)
    total = contributions[contributions["Settlement"] == "Total"]["Contribution, cash (£)"]
    assert total.tolist() == [pytest.approx(cash, abs=0.005)]


def test_changing_the_place_updates_figures_and_url(warehouse: Path) -> None:
    at = run_app()
    at.selectbox(key="filter_place").set_value(WY).run()
    assert_clean(at)
    assert metric(at, "Pot (cash)") == format_gbp(expected_pot(warehouse, WY, "2025-26"))
    assert at.query_params["place"] in (WY, [WY])
    assert any("failed" in e.value for e in at.error)  # West Yorkshire's failing check


def test_a_link_reproduces_the_view(warehouse: Path) -> None:
    at = run_app(place=GM, year="2024-25", prices="real")
    assert_clean(at)
    assert at.selectbox(key="filter_year").value == "2024-25"
    assert at.radio(key="filter_pooled_budget_prices").value == "real"
    assert metric(at, "Pot (cash)") == format_gbp(expected_pot(warehouse, GM, "2024-25"))


def test_place_without_a_pot_says_so(warehouse: Path) -> None:
    at = run_app(place=LCR)
    assert_clean(at)
    assert metric(at, "Pot (cash)") == "£0"
    assert any("no pooled budget" in i.value for i in at.info)


@pytest.mark.parametrize(
    "query",
    [
        {"place": "E47000001'; drop table x; --"},
        {"place": "' OR '1'='1", "year": "2025-26' UNION SELECT 1 --"},
        {"year": '=HYPERLINK("http://x")', "prices": "<script>alert(1)</script>"},
    ],
)
def test_hostile_query_params_fall_back_to_defaults(warehouse: Path, query: dict) -> None:
    at = run_app(**query)
    assert_clean(at)
    assert at.selectbox(key="filter_place").value == GM
    assert any("not in this snapshot" in i.value for i in at.info)
    assert metric(at, "Pot (cash)") == format_gbp(expected_pot(warehouse, GM, "2025-26"))


def test_query_layer_binds_parameters(warehouse: Path) -> None:
    snap = current_snapshot(warehouse)
    assert budget.pooled_budget(snap, "E47000001' OR '1'='1", "2025-26").empty
    assert settlement_checks.settlement_checks_for(snap, "' OR 1=1 --").empty
    assert len(budget.pooled_budget(snap, GM, "2025-26")) == 4


def test_data_and_sources_page(warehouse: Path) -> None:
    at = run_app(DATA_PAGE)
    assert_clean(at)
    assert at.title[0].value == "Data quality and sources"
    inputs = next(d.value for d in at.dataframe if "SHA-256" in d.value)
    assert inputs["SHA-256"].tolist() == ["0" * 64]
    assert inputs["Rows loaded"].tolist() == [11]
    assert any("Synthetic demo data" in w.value for w in at.warning)


@pytest.mark.parametrize("page", PAGES)
def test_synthetic_banner_on_every_page(warehouse: Path, page: str) -> None:
    at = run_app(page)
    assert_clean(at)
    assert any("Synthetic demo data" in w.value for w in at.warning)


@pytest.mark.parametrize("page", PAGES)
def test_no_banner_for_real_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    write_snapshot(tmp_path, synthetic=False)
    monkeypatch.setenv("WHOLEPLACE_WAREHOUSE", str(tmp_path))
    at = run_app(page)
    assert_clean(at)
    assert not any("Synthetic" in w.value for w in at.warning)


@pytest.mark.parametrize("page", PAGES)
def test_missing_snapshot_gives_a_friendly_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    monkeypatch.setenv("WHOLEPLACE_WAREHOUSE", str(tmp_path / "nowhere"))
    at = run_app(page)
    assert not at.exception
    assert at.title[0].value == "No warehouse published yet"
    assert any("wholeplace build" in c.value for c in at.code)


@pytest.mark.parametrize("page", PAGES)
def test_empty_snapshot_gives_a_friendly_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    write_snapshot(tmp_path, marts=())
    monkeypatch.setenv("WHOLEPLACE_WAREHOUSE", str(tmp_path))
    at = run_app(page)
    assert not at.exception
    assert at.title[0].value == "No warehouse published yet"


def test_unpublished_mart_is_announced_not_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_snapshot(tmp_path, marts=("places", "whole_place_budget", "pooled_budget"))
    monkeypatch.setenv("WHOLEPLACE_WAREHOUSE", str(tmp_path))
    at = run_app()
    assert_clean(at)
    assert any("settlement_checks" in i.value and "not published yet" in i.value for i in at.info)
    assert any(
        "region_spend_by_function" in i.value and "not published yet" in i.value for i in at.info
    )
    assert metric(at, "Pot (cash)") == format_gbp(expected_pot(tmp_path, GM, "2025-26"))


def test_a_new_publish_is_picked_up_without_restart(warehouse: Path) -> None:
    at = run_app()
    before = metric(at, "Pot (cash)")
    write_snapshot(warehouse, "test-run-2", scale="2")
    at.run()
    assert_clean(at)
    after = metric(at, "Pot (cash)")
    assert after != before
    assert after == format_gbp(expected_pot(warehouse, GM, "2025-26"))


def test_regional_spend_by_function_is_labelled_and_equals_the_parquet(warehouse: Path) -> None:
    at = run_app(place=GM)
    assert_clean(at)
    assert "Public spending in the region, by function" in [h.value for h in at.header]
    captions = [c.value for c in at.caption]
    # The caption is built from the mart's own release, provenance, year and price base.
    assert (
        "Source: Test Publisher, Country and Regional Analysis 2018 (test licence), 2017-18, "
        "£ per head, real terms (2024-25 prices)"
    ) in captions
    assert any("do not overlap the settlement years" in c and "North West" in c for c in captions)
    shown = table(at, "Function (COFOG)")
    assert set(shown["Financial year"]) == {"2017-18"}
    per_head = shown.set_index("Function (COFOG)")[
        "Identifiable spending per head, real, 2024-25 prices (£)"
    ]
    for function in ("9. Education", "7. Health"):
        expected = parquet_scalar(
            warehouse,
            "SELECT SUM(amount_per_head_real) FROM region_spend_by_function WHERE region = ? "
            "AND financial_year = ? AND cofog_function = ? AND identifiable = 'identifiable'",
            "North West",
            "2017-18",
            function,
        )
        assert per_head[function] == pytest.approx(expected)


def test_empty_number_cells_in_tables_are_blank_not_none(warehouse: Path) -> None:
    at = run_app(place=GM, year="2025-26")
    assert_clean(at)
    contributions = table(at, "Source")
    total = contributions[contributions.iloc[:, 0] == "Total"]
    # The total row has no pooled share of its own: an empty number cell.
    assert total.filter(like="(%)").isna().any(axis=None)
    # Streamlit writes the text "None" in an empty cell unless given a placeholder.
    for grid in at.dataframe:
        assert grid.proto.HasField("placeholder") and grid.proto.placeholder == ""
