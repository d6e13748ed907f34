"""Outcomes: how the place does on the published outcome indicators against England and the
other combined authorities, over time, and what its councils spend by service."""

import pandas as pd
import streamlit as st

from dashboards.components import charts, filters, tables
from dashboards.components.page import Page, no_places, run_page
from dashboards.queries import budget, outcomes
from orchestration.core.formatting import format_gbp

POLARITY = {
    "higher is better": "Higher is better",
    "lower is better": "Lower is better",
    "not assessed": "Not assessed: the publisher does not say whether higher is better",
}


def _figure(value: object, unit: str) -> str:
    if value is None or pd.isna(value):
        return "n/a"
    return f"{float(value):,.1f}%" if unit == "percent" else f"{float(value):,.2f}"


def latest_sentence(name: str, row: pd.Series) -> str:
    """`In 2022-23 Greater Manchester scored 70.8% against England's 75.2%: worse than
    England (higher is better).`"""
    unit = str(row["value_unit"])
    polarity = POLARITY.get(str(row["polarity"]), str(row["polarity"]))
    return (
        f"In {row['period']} {name} scored {_figure(row['place_value'], unit)} against "
        f"England's {_figure(row['england_value'], unit)}: {row['compared_with_england']} "
        f"({polarity[:1].lower()}{polarity[1:]})."
    )


def _indicator(page: Page, place: str, name: str) -> None:
    snap = page.snap
    listed = outcomes.indicators(snap, place)
    if listed.empty:
        st.info(f"No outcome indicators are published for {name}.")
        return
    labels = dict(zip(listed["indicator_id"], listed["indicator_name"], strict=True))
    chosen = filters.choose(
        "indicator", "Indicator", list(labels), next(iter(labels)), format_func=labels.get
    )
    frame = outcomes.indicator_over_time(snap, chosen)
    page.flag_synthetic(frame)
    mine = frame[frame["place_code"] == place].dropna(subset=["place_value"])
    st.header(labels[chosen])
    if mine.empty:
        st.info(f"{name} has no value for this indicator.")
        return
    latest = mine.iloc[-1]
    polarity = str(latest["polarity"])
    st.badge(POLARITY.get(polarity, polarity), color="gray", icon=":material/swap_vert:")
    st.markdown(latest_sentence(name, latest))
    unit = str(latest["value_unit"])
    st.caption(
        f"Unit: {unit}. {name} in orange, England dashed, every other combined authority in "
        "grey. Each place's value combines its member authorities, weighted by population."
    )
    shown = frame[["place_code", "place_name", "period", "place_value", "england_value",
                   "compared_with_england", "polarity", "is_synthetic"]]  # fmt: skip
    tables.chart_with_table(
        charts.indicator_lines(frame, unit, place),
        tables.shown(shown, snap),
        f"outcome_{chosen}",
        summary=f"Line chart of {labels[chosen]} over time for {name}, England and the other "
        "combined authorities.",
    )


def _spending(page: Page, place: str, name: str) -> None:
    snap = page.snap
    st.header("Councils' spending by service, beside the pooled budget")
    if not snap.has(outcomes.SPEND):
        st.info(f"`{outcomes.SPEND}` is not published yet.")
        return
    spend = outcomes.spend_by_service(snap, place)
    if spend.empty:
        st.info(f"No spending by service is published for {name}.")
        return
    page.flag_synthetic(spend)
    year = str(spend["financial_year"].iloc[0])
    pots = budget.pot_by_year(snap, place)
    pot_years = list(dict.fromkeys(pots["financial_year"]))
    first_pot = pots[pots["financial_year"] == pot_years[0]] if pot_years else pots
    spend_col, pot_col = st.columns([3, 1])
    with pot_col:
        st.metric(
            f"Councils' revenue spending {year}",
            format_gbp(spend["amount_gbp_nominal"].sum()),
            border=True,
            help="Net current expenditure of the member councils (cash).",
        )
        if pot_years:
            st.metric(
                f"Pooled budget {pot_years[0]}",
                format_gbp(first_pot["pot_gbp_nominal"].sum()),
                border=True,
                help="The first settlement year's pot, resource and capital (cash).",
            )
            if pot_years[0] != year:
                st.caption(
                    f"Different years: revenue outturn is published to {year}, the pot starts "
                    f"in {pot_years[0]}. Context, not a like-for-like comparison."
                )
        else:
            st.caption(f"{name} has no pooled budget in this snapshot.")
    with spend_col:
        st.caption(f"£ per head, real terms ({snap.price_base_year} prices), {year}.")
        columns = [c for c in spend.columns if c != "service_area"]
        tables.chart_with_table(
            charts.category_bars(spend, "service_area_name", "Service", "amount_per_head_real"),
            tables.shown(spend[columns], snap, snap.price_base_year),
            f"spend_by_service_{place}_{year}",
            summary=f"Bar chart of {name}'s councils' spending per head by service in {year}.",
        )


def render(page: Page) -> None:
    snap = page.snap
    places = budget.places(snap)
    if places.empty:
        no_places()
        return
    names = dict(zip(places["place_code"], places["place_name"], strict=True))
    place = filters.choose_place(places)
    name = names[place]
    if snap.has(outcomes.OUTCOMES):
        _indicator(page, place, name)
        st.header("Every indicator, latest period")
        latest = outcomes.latest_by_indicator(snap, place)
        page.flag_synthetic(latest)
        tables.table(tables.shown(latest, snap), f"outcomes_{place}")
    else:
        st.info(f"`{outcomes.OUTCOMES}` is not published yet.")
    _spending(page, place, name)


run_page("Outcomes", render)
