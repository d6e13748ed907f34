"""Scenarios: what every place's pot, whole-place budget per head and retained savings would be
if departments' allocations changed by a percentage, computed on the fly from the published
marts by the same code as `wholeplace scenario`; shareable by its URL, downloadable as YAML."""

import streamlit as st

from dashboards.components import charts, evidence, filters, scenario_controls, tables
from dashboards.components.page import Page, no_places, run_page
from dashboards.queries import scenarios
from dashboards.queries.snapshot import MartNotPublished
from orchestration.core.formatting import format_gbp
from orchestration.core.scenario import scenario_yaml

WHAT_IT_DOES = (
    "Move a slider to change a department's allocations by a percentage, in every place. "
    "Each of the department's funding lines is scaled by that percentage: the pots (each line's "
    "pooled share of it), the whole-place budgets and their per-head figures follow, and a "
    "gain-share rate changes the savings a place retains (its local savings plus the rate times "
    "the national cashable savings). The figures are computed from the published snapshot, "
    "which is not changed, by the same code as `wholeplace scenario`."
)
WHAT_IT_DOES_NOT = (
    "It does not model behaviour: a cut does not move spending between lines, change what "
    "places or departments do, or change prevention savings; populations, prices and the "
    "settlement checks stay as published. Lines added to or taken out of a pot need a "
    "scenario file (download the YAML below and edit it)."
)


def _sliders(snap) -> tuple[dict[str, float], tuple[str, ...], float | None]:
    departments = scenarios.departments(snap)
    scenario_controls.unknown_departments(departments)
    st.header("Change each department's allocations")
    columns = st.columns(4)
    percents = {}
    for number, (department, name) in enumerate(departments.items()):
        with columns[number % 4]:
            percents[department] = scenario_controls.percent_slider(department, name)
    years = scenarios.years(snap)
    years_col, rate_col = st.columns(2)
    with years_col:
        first, last = filters.choose_range(
            "years", "Apply the changes in", years, (years[0], years[-1])
        )
    applies = filters.years_between(years, first, last)
    applies_in = () if applies == years else tuple(applies)
    with rate_col:
        gain_share = (
            scenario_controls.gain_share_slider()
            if scenarios.gain_share_settlements(snap)
            else None
        )
    return percents, applies_in, gain_share


def _cards(compared, year: str) -> None:
    titles = {
        "pot_gbp_nominal": "Pots in the scenario (cash)",
        "whole_place_gbp_nominal": "Whole-place budgets (cash)",
        "retained_by_place_gbp": "Retained savings",
    }
    totals = scenarios.totals(compared, year)
    shown = {measure: title for measure, title in titles.items() if measure in totals}
    for column, (measure, title) in zip(st.columns(3), shown.items(), strict=False):
        baseline, scenario = totals[measure]
        unchanged = scenario == baseline
        column.metric(
            title,
            format_gbp(scenario),
            delta="no change" if unchanged else format_gbp(scenario - baseline),
            delta_color="off" if unchanged else "normal",
            delta_arrow="off" if unchanged else "auto",
            delta_description=f"from {format_gbp(baseline)}",
            help=f"Every place added up, {year}, against the published baseline.",
            border=True,
        )


def render(page: Page) -> None:
    snap = page.snap
    for mart in scenarios.NEEDED:
        if not snap.has(mart):
            raise MartNotPublished(mart)
    if not scenarios.years(snap):
        no_places()
        return
    scenario_controls.start()
    st.markdown(WHAT_IT_DOES)
    st.caption(WHAT_IT_DOES_NOT)
    percents, applies_in, gain_share = _sliders(snap)
    notice = scenario_controls.bad_link_notice()
    if notice:
        st.warning(notice, icon=":material/link_off:")
    scenario = scenarios.page_scenario(
        percents, applies_in, gain_share, scenarios.gain_share_settlements(snap)
    )
    compared = scenarios.scenario_comparison(snap, scenario)
    years = sorted(compared["financial_year"].unique())
    year = filters.choose_year(years, "Show the year")
    frame = scenarios.by_place(compared, year)
    synthetic = scenarios.synthetic_places(snap)
    this_year = synthetic[synthetic["financial_year"] == year].drop(columns="financial_year")
    frame = frame.merge(this_year, on="place_code", how="left")
    page.flag_synthetic(frame)
    base = snap.price_base_year

    st.header(f"Every place in {year}")
    st.caption(
        f"Scenario: {scenario.description}. Pots and whole-place budgets in cash; retained "
        f"savings in {base} prices. Per head: cash pounds per resident."
    )
    _cards(compared, year)
    tables.table(tables.shown(frame, snap, base), f"scenario_places_{year}")

    st.header(f"Change in each place's pot, {year}")
    pots = frame[["place_code", "place_name", "pot_baseline_gbp", "pot_scenario_gbp",
                  "pot_difference_gbp"]].dropna(subset=["pot_baseline_gbp"])  # fmt: skip
    if (pots["pot_difference_gbp"] == 0).all():
        st.info(f"The scenario changes no place's pot in {year}.")
    else:
        tables.chart_with_table(
            charts.ranked_bars(pots, "pot_difference_gbp", "£"),
            tables.shown(pots, snap, base),
            f"scenario_pots_{year}",
            summary="Bar chart of the change in each place's pooled pot under the scenario.",
        )

    st.header("Take the scenario away")
    st.caption(
        "The link in the address bar reproduces this scenario. The YAML runs with "
        "`wholeplace scenario FILE`; the comparison holds every place, year and measure."
    )
    labelled = compared.merge(synthetic, on=["place_code", "financial_year"], how="left")
    evidence.scenario_buttons(snap, scenario, labelled)
    with st.expander("The scenario as a file"):
        st.code(scenario_yaml(scenario), language="yaml")


run_page("Scenarios", render)
