"""Overview: what each city-region saves through prevention, on a map and ranked, and the
headline figures for one place."""

import pandas as pd
import streamlit as st

from dashboards.components import charts, filters, maps, tables
from dashboards.components.page import Page, no_places, run_page
from dashboards.formatting import (
    format_gbp_exact,
    format_gbp_short,
    format_per_head,
    format_roi,
    format_share,
)
from dashboards.queries import budget, prevention

PREVENTION_CARDS = ("PV of net savings", "Financial ROI", "Retained by place")


def _prevention_cards(snap, row: pd.Series, net, roi, retained) -> None:
    base = snap.price_base_year
    net.metric(
        PREVENTION_CARDS[0],
        format_gbp_short(row["pv_net_savings_gbp"]),
        help=f"Present value of fiscal savings ({format_gbp_short(row['pv_fiscal_gbp'])}) less the "
        f"present value of costs ({format_gbp_short(row['pv_costs_gbp'])}) across "
        f"{int(row['interventions'])} interventions; {base} prices, discounted at 3.5% a year.",
        border=True,
    )
    roi.metric(
        PREVENTION_CARDS[1],
        format_per_head(row["financial_roi"]),
        help=f"{format_roi(row['financial_roi'])}: present value of fiscal savings for each "
        "£1 of present value of costs, all interventions together.",
        border=True,
    )
    retained.metric(
        PREVENTION_CARDS[2],
        format_gbp_short(row["retained_gbp"]),
        help="What the place keeps: savings to local agencies plus its gain share of national "
        "cashable savings"
        + (", present value." if prevention.retained_is_discounted(snap) else "."),
        border=True,
    )


def _cards(page: Page, place: str, name: str, year: str, totals: pd.DataFrame | None) -> None:
    snap = page.snap
    head = budget.pot_headline(snap, place, year)
    share = budget.share_pooled(snap, place, year)
    page.flag_synthetic(head["is_synthetic"], share["is_synthetic"])
    pot, pooled, net, roi, retained = st.columns(5)
    pot.metric(
        f"Pot (cash) {year}",
        format_gbp_short(head["pot_gbp_nominal"]),
        help=f"{format_gbp_exact(head['pot_gbp_nominal'])}: the pooled budget of {name} in "
        f"{year}, resource and capital together.",
        border=True,
    )
    pooled.metric(
        "Share pooled",
        format_share(share["share"]),
        help=f"{format_gbp_short(share['pooled_gbp_nominal'])} pooled of "
        f"{format_gbp_short(share['total_gbp_nominal'])} of departmental funding reaching {name} "
        f"in {year}.",
        border=True,
    )
    row = None
    if totals is not None and place in set(totals["place_code"]):
        row = totals.set_index("place_code").loc[place]
        page.flag_synthetic(bool(row["is_synthetic"]))
    why = (
        "Prevention savings are not published in this snapshot yet."
        if totals is None
        else f"{name} has no prevention interventions in this snapshot."
    )
    if row is None:
        for slot, label in zip((net, roi, retained), PREVENTION_CARDS, strict=True):
            slot.metric(label, "n/a", help=why, border=True)
    else:
        _prevention_cards(snap, row, net, roi, retained)
    if totals is None:
        st.info(
            "Prevention savings are not published in this snapshot yet: the map shows the "
            "pooled pot per head instead.",
            icon=":material/info:",
        )


def _measure(snap, year: str, totals: pd.DataFrame | None) -> tuple[pd.DataFrame, str, str]:
    """Per place: the measure the map shades (per head) and the bar ranks, its label."""
    places = budget.places(snap)
    people = budget.populations(snap, year)
    if totals is not None:
        frame = totals[["place_code", "pv_fiscal_gbp", "is_synthetic"]].rename(
            columns={"pv_fiscal_gbp": "value"}
        )
        label = "Prevention savings"
        stem = "pv_fiscal_gbp"
    else:
        pots = budget.pots_by_place(snap, year)
        frame = pots[["place_code", "pot_gbp_real", "is_synthetic"]].rename(
            columns={"pot_gbp_real": "value"}
        )
        frame = frame[frame["value"] > 0]
        label = f"Pooled pot, {snap.price_base_year} prices"
        stem = "pot_gbp_real"
    frame = places.merge(frame, on="place_code").merge(people, on="place_code", how="left")
    frame["value_per_head"] = frame["value"] / frame["population"]
    return frame, label, stem


def render(page: Page) -> None:
    snap = page.snap
    places = budget.places(snap)
    if places.empty:
        no_places()
        return
    names = dict(zip(places["place_code"], places["place_name"], strict=True))
    years = budget.years(snap)
    place_col, year_col, head_col = st.columns([3, 1, 2])
    with place_col:
        place = filters.choose_place(places)
    if not years:
        st.info("No departmental funding is published yet.")
        return
    with year_col:
        year = filters.choose_year(years)
    with head_col:
        per_head = filters.choose_per_head("yes")

    totals = prevention.place_totals(snap) if prevention.published(snap) else None
    _cards(page, place, names[place], year, totals)

    frame, label, stem = _measure(snap, year, totals)
    page.flag_synthetic(frame)
    map_col, bar_col = st.columns([3, 2])
    with map_col:
        st.subheader(f"{label} per head")
        st.caption(
            f"£ per resident (population as in {year}). "
            + (
                "Present value of the fiscal savings that each place's prevention "
                "interventions bring public bodies (before their costs), "
                f"{snap.price_base_year} prices."
                if totals is not None
                else "Shown because prevention savings are not published yet."
            )
        )
        mapped = frame[["place_code", "place_name", "population", "value_per_head"]].rename(
            columns={"value_per_head": f"{stem}_per_head"}
        )
        tables.chart_with_table(
            maps.choropleth(mapped, f"{stem}_per_head", "£ per head", place),
            tables.shown(mapped, snap, snap.price_base_year),
            f"map_{stem}_per_head_{year}",
        )
        st.caption(maps.BOUNDARIES_CREDIT)
        unmapped = sorted(set(mapped["place_code"]) - maps.mapped_places())
        if unmapped:
            st.caption(
                "Not on the map (no 2025 boundary): "
                + ", ".join(names.get(code, code) for code in unmapped)
                + "."
            )
    with bar_col:
        column = f"{stem}_per_head" if per_head else stem
        st.subheader(f"{label}{' per head' if per_head else ''}, ranked")
        st.caption(f"{names[place]} highlighted.")
        ranked = frame.rename(columns={"value_per_head": f"{stem}_per_head", "value": stem})
        ranked = ranked[["place_code", "place_name", column]].dropna(subset=[column])
        ranked = ranked.sort_values(column, ascending=False)
        tables.chart_with_table(
            charts.ranked_bars(ranked, column, "£", place),
            tables.shown(ranked, snap, snap.price_base_year),
            f"ranked_{column}_{year}",
        )


run_page("Overview", render)
