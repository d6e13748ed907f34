"""Overview, Prevention savings, Compare places and Method on the synthetic test snapshot: each
renders, and its headline figures equal what DuckDB computes straight from the Parquet."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from dashboard_helpers import (
    COMPARE,
    DATA_PAGE,
    METHOD,
    OVERVIEW,
    PAGES,
    POOLED,
    PREVENTION,
    assert_clean,
    expected_pot,
    metric,
    parquet,
    run_app,
    table,
)
from fake_snapshot import CORE_MARTS, GM, LCR, PUBLISHED_MARTS, WY, write_snapshot

from orchestration.core.formatting import format_gbp_short, format_per_head, format_share


def prevention_totals(warehouse: Path, place: str) -> dict:
    """A place's present values added up on one basis: rebased to the warehouse's base year where
    the snapshot publishes them (a real build), else as given (the small fake snapshot)."""
    columns = set(
        duckdb.execute(
            f"DESCRIBE SELECT * FROM '{warehouse / 'published' / 'intervention_cba.parquet'}'"
        ).df()["column_name"]
    )
    on = "_rebased" if "pv_costs_rebased_gbp" in columns else ""
    row = {
        column: parquet(
            warehouse,
            f"SELECT SUM({column.replace('_gbp', on + '_gbp')}) FROM intervention_cba "
            "WHERE place_code = ?",
            place,
        )
        for column in ("pv_costs_gbp", "pv_fiscal_gbp")
    }
    row["retained"] = parquet(
        warehouse,
        "SELECT SUM(pv_retained_by_place_gbp) FROM place_prevention_summary WHERE place_code = ?",
        place,
    )
    return row


def use(monkeypatch: pytest.MonkeyPatch, warehouse: Path) -> None:
    monkeypatch.setenv("WHOLEPLACE_WAREHOUSE", str(warehouse))


# --- Overview ------------------------------------------------------------------------------


def test_overview_is_the_first_page(warehouse: Path) -> None:
    at = run_app()
    assert_clean(at)
    assert at.title[0].value == "Overview"
    assert at.selectbox(key="filter_place").value == GM


@pytest.mark.parametrize("place", [GM, WY])
def test_overview_cards_equal_the_parquet(warehouse: Path, place: str) -> None:
    at = run_app(OVERVIEW, place=place)
    assert_clean(at)
    pooled, total = (
        parquet(
            warehouse,
            f"SELECT SUM({c}) FROM whole_place_budget WHERE place_code = ? AND financial_year = ?",
            place,
            "2025-26",
        )
        for c in ("pooled_gbp_nominal", "amount_gbp_nominal")
    )
    sums = prevention_totals(warehouse, place)
    assert metric(at, "Pot (cash)") == format_gbp_short(expected_pot(warehouse, place, "2025-26"))
    assert metric(at, "Share pooled") == format_share(pooled / total)
    assert metric(at, "Net savings (PV)") == format_gbp_short(
        sums["pv_fiscal_gbp"] - sums["pv_costs_gbp"]
    )
    assert metric(at, "Financial ROI") == format_per_head(
        sums["pv_fiscal_gbp"] / sums["pv_costs_gbp"]
    )
    assert metric(at, "Retained by place") == format_gbp_short(sums["retained"])


def _net_savings(warehouse: Path, place: str) -> tuple[float, float]:
    """A place's PV net fiscal savings (fiscal savings less costs) and its population."""
    net = parquet(
        warehouse,
        "SELECT SUM(pv_fiscal_gbp) - SUM(pv_costs_gbp) FROM intervention_cba WHERE place_code = ?",
        place,
    )
    people = parquet(
        warehouse,
        "SELECT MAX(population) FROM whole_place_budget "
        "WHERE place_code = ? AND financial_year = '2025-26'",
        place,
    )
    return net, people


def test_overview_map_bars_and_card_show_one_measure(warehouse: Path) -> None:
    at = run_app(OVERVIEW)
    assert_clean(at)
    mapped = table(at, "Population").set_index("Place code")
    per_head = {}
    for place in (GM, WY):
        net, people = _net_savings(warehouse, place)
        per_head[place] = net / people
        assert mapped.loc[place, "PV net savings per head (£)"] == pytest.approx(net / people)
    assert LCR not in mapped.index  # no interventions there
    card = next(m for m in at.metric if m.label == "Net savings (PV)")
    assert format_per_head(per_head[GM]) in str(card.proto.delta)  # the map's figure
    ranked = next(d.value for d in at.dataframe if "Population" not in d.value)
    largest_first = sorted(per_head, key=per_head.get, reverse=True)
    assert ranked["Place code"].tolist() == [*largest_first, ""]
    average = ranked[ranked["Place"] == "All places (average)"].iloc[0]
    nets = [_net_savings(warehouse, p) for p in (GM, WY)]
    assert average["PV net savings per head (£)"] == pytest.approx(
        sum(n for n, _ in nets) / sum(p for _, p in nets)
    )


def test_overview_totals_rank_places_by_total(warehouse: Path) -> None:
    at = run_app(OVERVIEW, per_head="no")
    assert_clean(at)
    ranked = next(d.value for d in at.dataframe if "PV net savings (£)" in d.value)
    nets = [_net_savings(warehouse, p)[0] for p in (GM, WY)]
    assert ranked["PV net savings (£)"].iloc[0] == pytest.approx(max(nets))
    assert ranked["PV net savings (£)"].iloc[-1] == pytest.approx(sum(nets) / 2)  # the average


def test_overview_without_prevention_shades_by_pot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_snapshot(tmp_path, marts=CORE_MARTS)
    use(monkeypatch, tmp_path)
    at = run_app(OVERVIEW)
    assert_clean(at)
    assert any("not published" in i.value and "pooled pot per head" in i.value for i in at.info)
    assert metric(at, "Net savings (PV)") == "n/a"
    assert metric(at, "Pot (cash)") == format_gbp_short(expected_pot(tmp_path, GM, "2025-26"))
    mapped = table(at, "Population").set_index("Place code")
    per_head = mapped.filter(like="per head").iloc[:, 0]
    assert per_head[GM] == pytest.approx(expected_pot(tmp_path, GM, "2025-26", "real") / 2_900_000)


def test_overview_place_without_interventions(warehouse: Path) -> None:
    at = run_app(OVERVIEW, place=LCR)
    assert_clean(at)
    assert metric(at, "Financial ROI") == "n/a"


# --- Prevention savings ----------------------------------------------------------------------


def test_prevention_cards_for_all_interventions(warehouse: Path) -> None:
    at = run_app(PREVENTION)
    assert_clean(at)
    sums = prevention_totals(warehouse, GM)
    assert metric(at, "PV of costs") == format_gbp_short(sums["pv_costs_gbp"])
    assert metric(at, "PV of fiscal savings") == format_gbp_short(sums["pv_fiscal_gbp"])
    assert metric(at, "PV of net savings") == format_gbp_short(
        sums["pv_fiscal_gbp"] - sums["pv_costs_gbp"]
    )
    assert metric(at, "Pay back") == "2 of 2"
    interventions = table(at, "Payback (years)")
    assert interventions["PV costs (£)"].sum() == pytest.approx(sums["pv_costs_gbp"])


def test_prevention_one_intervention_and_its_payback(warehouse: Path) -> None:
    at = run_app(PREVENTION, intervention="GM-FP1")
    assert_clean(at)
    years = parquet(
        warehouse, "SELECT payback_years FROM intervention_cba WHERE intervention_id = 'GM-FP1'"
    )
    roi = parquet(
        warehouse, "SELECT financial_roi FROM intervention_cba WHERE intervention_id = 'GM-FP1'"
    )
    assert metric(at, "Payback") == f"{int(years)} years (2026-27)"  # starts 2024-25
    assert metric(at, "Financial ROI") == format_per_head(roi)
    assert any("Pays back in 2026-27" in c.value for c in at.caption)
    # Yearly costs per intervention are not published: the page says so.
    assert any("not published yet" in c.value for c in at.caption)
    yearly = table(at, "Present value (£)")
    fiscal = parquet(
        warehouse,
        "SELECT SUM(pv_gbp) FROM prevention_savings "
        "WHERE intervention_id = 'GM-FP1' AND value_type = 'fiscal'",
    )
    assert yearly["Present value (£)"].sum() == pytest.approx(fiscal)


def test_prevention_with_yearly_costs_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_snapshot(tmp_path, marts=(*PUBLISHED_MARTS, "prevention_costs"))
    use(monkeypatch, tmp_path)
    at = run_app(PREVENTION, intervention="GM-FP1")
    assert_clean(at)
    cumulative = table(at, "Cumulative present value (£)")
    costs = cumulative[cumulative["Series"] == "PV costs"]
    assert costs["Cumulative present value (£)"].max() == pytest.approx(
        parquet(
            tmp_path,
            "SELECT pv_costs_gbp FROM intervention_cba WHERE intervention_id = ?",
            "GM-FP1",
        )
    )
    assert any("Pays back in 2026-27" in c.value for c in at.caption)


def test_prevention_never_paying_back(warehouse: Path) -> None:
    at = run_app(PREVENTION, place=WY, intervention="WY-ES1")
    assert_clean(at)
    assert metric(at, "Payback") == "Not within the appraisal"
    assert any("Does not pay back" in c.value for c in at.caption)


def test_prevention_who_pays_who_benefits_and_retained(warehouse: Path) -> None:
    at = run_app(PREVENTION)
    assert_clean(at)
    matrix = table(at, "Beneficiary agency")
    assert matrix["PV fiscal savings (£)"].sum() == pytest.approx(
        parquet(
            warehouse, "SELECT SUM(pv_fiscal_gbp) FROM savings_by_agency WHERE place_code = ?", GM
        )
    )
    kept = table(at, "Retained by place (£)")
    assert kept["Retained by place (£)"].sum() == pytest.approx(
        parquet(
            warehouse,
            "SELECT SUM(retained_by_place_gbp) FROM place_prevention_summary WHERE place_code=?",
            GM,
        )
    )
    assert kept["Gain share rate (%)"].tolist() == [50.0] * len(kept)


def test_prevention_year_range_in_the_link(warehouse: Path) -> None:
    at = run_app(PREVENTION, years="2025-26..2026-27")
    assert_clean(at)
    assert at.select_slider(key="filter_prevention_savings_years").value == ("2025-26", "2026-27")
    kept = table(at, "Retained by place (£)")
    assert kept["Financial year"].tolist() == ["2025-26", "2026-27"]
    assert at.query_params["years"] in ("2025-26..2026-27", ["2025-26..2026-27"])


@pytest.mark.parametrize("years", ["2026-27..2024-25", "1999-00..2025-26", "=cmd|x"])
def test_prevention_bad_year_range_falls_back(warehouse: Path, years: str) -> None:
    at = run_app(PREVENTION, years=years)
    assert_clean(at)
    assert at.select_slider(key="filter_prevention_savings_years").value == ("2024-25", "2027-28")
    assert any("not in this snapshot" in i.value for i in at.info)


def test_prevention_unknown_intervention_falls_back_to_all(warehouse: Path) -> None:
    at = run_app(PREVENTION, intervention="WY-ES1")  # West Yorkshire's, not Greater Manchester's
    assert_clean(at)
    assert at.selectbox(key="filter_prevention_savings_intervention").value == "all"
    assert any("not in this snapshot" in i.value for i in at.info)


def test_prevention_place_without_interventions(warehouse: Path) -> None:
    at = run_app(PREVENTION, place=LCR)
    assert_clean(at)
    assert any("no prevention interventions" in i.value for i in at.info)


@pytest.mark.parametrize("page", [PREVENTION, COMPARE, METHOD, OVERVIEW])
def test_pages_without_prevention_marts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    write_snapshot(tmp_path, marts=CORE_MARTS)
    use(monkeypatch, tmp_path)
    at = run_app(page)
    assert_clean(at)
    assert any("not published" in t.value.lower() for t in [*at.info, *at.metric, *at.caption])


# --- Pooled budget over the years -----------------------------------------------------------


def test_pot_over_the_years_by_pillar(warehouse: Path) -> None:
    at = run_app(POOLED, place=GM)
    assert_clean(at)
    yearly = table(at, "Population").groupby("Financial year")["Pot, cash (£)"].sum()
    for year in ("2024-25", "2025-26"):
        assert yearly[year] == pytest.approx(expected_pot(warehouse, GM, year))


def test_pot_over_the_years_by_department_per_head_real(warehouse: Path) -> None:
    at = run_app(POOLED, place=GM, by="department", per_head="yes", prices="real",
                 years="2025-26..2025-26")  # fmt: skip
    assert_clean(at)
    shown = table(at, "Population")
    assert shown["Financial year"].unique().tolist() == ["2025-26"]
    assert "Department for Transport" in shown["Department"].tolist()
    column = "Pot, real, 2024-25 prices per head (£)"
    assert shown[column].sum() == pytest.approx(
        expected_pot(warehouse, GM, "2025-26", "real") / 2_900_000
    )


# --- Compare places --------------------------------------------------------------------------


def test_compare_places_table_equals_the_parquet(warehouse: Path) -> None:
    at = run_app(COMPARE)
    assert_clean(at)
    places = table(at, "Checks failing").set_index("Place code")
    assert len(places) == 3
    pot = expected_pot(warehouse, GM, "2025-26")
    assert places.loc[GM, "Pot, cash per head (£)"] == pytest.approx(pot / 2_900_000)
    sums = prevention_totals(warehouse, GM)
    assert places.loc[GM, "PV net savings per head (£)"] == pytest.approx(
        (sums["pv_fiscal_gbp"] - sums["pv_costs_gbp"]) / 2_900_000
    )
    assert places.loc[GM, "Financial ROI (£ per £1)"] == pytest.approx(
        sums["pv_fiscal_gbp"] / sums["pv_costs_gbp"]
    )
    assert places.loc[WY, "Checks failing"] == 1
    # Sorted by pot per head, largest first, by default.
    assert places.index.tolist()[:2] == [GM, WY]


def test_compare_places_totals_real_terms_sorted_by_checks(warehouse: Path) -> None:
    at = run_app(COMPARE, per_head="no", prices="real", sort="checks")
    assert_clean(at)
    places = table(at, "Checks failing")
    assert places["Place code"].iloc[0] == WY  # the only failing check
    column = "Pot, real, 2024-25 prices (£)"
    gm = places.set_index("Place code").loc[GM, column]
    assert gm == pytest.approx(expected_pot(warehouse, GM, "2025-26", "real"))
    roi = table(at, "Intervention")
    assert len(roi) == 3  # every intervention's ROI, for the spread


# --- Method, data quality --------------------------------------------------------------------


def test_method_shows_parameters_in_force(warehouse: Path) -> None:
    at = run_app(METHOD)
    assert_clean(at)
    assert metric(at, "Discount rate") == "3.5% a year"
    assert metric(at, "Price base") == "2024-25"
    grades = table(at, "Optimism bias (%)")
    assert grades["Optimism bias (%)"].tolist() == [0, 5, 10, 15, 25, 40]
    assert any("defaults" in c.value for c in at.caption)


def test_method_reads_parameters_from_the_manifest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_snapshot(tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["parameters"] = {
        "discount_rate": 0.03,
        "optimism_bias": {str(g): 0.5 * g / 10 for g in range(1, 7)},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    use(monkeypatch, tmp_path)
    at = run_app(METHOD)
    assert_clean(at)
    assert metric(at, "Discount rate") == "3.0% a year"
    grades = table(at, "Optimism bias (%)")
    assert grades["Optimism bias (%)"].tolist() == pytest.approx([5, 10, 15, 20, 25, 30])


def test_data_quality_page_lists_checks_and_sources(warehouse: Path) -> None:
    at = run_app(DATA_PAGE)
    assert_clean(at)
    problems = table(at, "Detail")  # every warning and failure, failures first
    assert problems["Status"].tolist() == [["Fail"], ["Warning"]]
    assert problems["Place"].tolist() == ["West Yorkshire", "Greater Manchester"]
    grid = table(at, "Rows warning or failing")
    assert grid["Checks"].sum() == 4  # every check row, counted once in the place x check grid
    assert any("Crown copyright" in c.value for c in at.caption)
    assert any("Open Government Licence" in m.value for m in at.markdown)


# --- the real demo build ---------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES)
def test_every_page_on_the_demo_build(
    demo_warehouse: Path, monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    use(monkeypatch, demo_warehouse)
    at = run_app(page)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value != "No warehouse published yet"
    if page == OVERVIEW:
        pot = expected_pot(demo_warehouse, GM, "2025-26")
        assert metric(at, "Pot (cash)") == format_gbp_short(pot)
        if (demo_warehouse / "published" / "intervention_cba.parquet").exists():
            sums = prevention_totals(demo_warehouse, GM)
            assert metric(at, "Net savings (PV)") == format_gbp_short(
                sums["pv_fiscal_gbp"] - sums["pv_costs_gbp"]
            )
