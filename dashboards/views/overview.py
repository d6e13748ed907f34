"""Overview: what each city-region saves through prevention, on a map and ranked, and the
headline figures for one place."""

import pandas as pd
import streamlit as st

from dashboards.components import charts, filters, maps, tables
from dashboards.components.page import Page, no_places, run_page
from dashboards.queries import budget, prevention
from orchestration.core.formatting import (
    format_gbp,
    format_gbp_exact,
    format_gbp_short,
    format_per_head,
    format_roi,
    format_share,
)

MEASURE_NAME = "Net savings (PV)"  # the card, the map and the bars: one measure, one name
PREVENTION_CARDS = (MEASURE_NAME, "Financial ROI", "Retained by place")


def _prevention_cards(snap, row: pd.Series, per_head: float | None, net, roi, retained) -> None:
    base = snap.price_base_year
    net.metric(
        PREVENTION_CARDS[0],
        format_gbp_short(row["pv_net_savings_gbp"]),
        delta=f"{format_per_head(per_head)} a head",
        delta_color="off",
        delta_arrow="off",
        help=f"Present value of fiscal savings ({format_gbp_short(row['pv_fiscal_gbp'])}) less the "
        f"present value of costs ({format_gbp_short(row['pv_costs_gbp'])}) across "
        f"{int(row['interventions'])} interventions; {base} prices, discounted at 3.5% a year.",
        border=True,
    )
    roi.metric(
        PREVENTION_CARDS[1],
        format_per_head(row["financial_roi"]),
        help=f"{format_roi(row['financial_roi'])}: present value of fiscal savings for each "
        "£1 of present value of costs, all interventions together. Above £1 it saves more "
        "than it costs.",
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


def _cards(page: Page, place: str, name: str, year: str, totals, frame: pd.DataFrame) -> None:
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
        mine = frame[frame["place_code"] == place]["value_per_head"]
        per_head = None if mine.empty or pd.isna(mine.iloc[0]) else float(mine.iloc[0])
        _prevention_cards(snap, row, per_head, net, roi, retained)
    if totals is None:
        st.info(
            "Prevention savings are not published in this snapshot yet: the map shows the "
            "pooled pot per head instead.",
            icon=":material/info:",
        )


MEASURE = "pv_net_savings_gbp"
MEASURE_MEANS = (
    "present value of the fiscal savings each place's prevention interventions bring public "
    "bodies, less the present value of their costs"
)


def _measure(snap, year: str, totals: pd.DataFrame | None) -> tuple[pd.DataFrame, str, str, str]:
    """Per place: the one measure the card names, the map shades (per head) and the bars rank;
    its name, its stem and what it means."""
    places = budget.places(snap)
    people = budget.populations(snap, year)
    if totals is not None:
        frame = totals[["place_code", MEASURE, "is_synthetic"]].rename(columns={MEASURE: "value"})
        label, stem, means = (
            MEASURE_NAME,
            MEASURE,
            MEASURE_MEANS + f", {snap.price_base_year} prices",
        )
    else:
        pots = budget.pots_by_place(snap, year)
        frame = pots[["place_code", "pot_gbp_real", "is_synthetic"]].rename(
            columns={"pot_gbp_real": "value"}
        )
        frame = frame[frame["value"] > 0]
        label = f"Pooled pot, {snap.price_base_year} prices"
        stem, means = "pot_gbp_real", "shown because prevention savings are not published yet"
    frame = places.merge(frame, on="place_code").merge(people, on="place_code", how="left")
    frame["value_per_head"] = frame["value"] / frame["population"]
    return frame, label, stem, means


def averages(frame: pd.DataFrame) -> tuple[float | None, float | None]:
    """The all-places average: the mean of the totals, and per head the places' total over
    their total population (a place of 3 million weighs more than one of 300,000)."""
    valued = frame.dropna(subset=["value"])
    if valued.empty:
        return None, None
    people = valued.dropna(subset=["population"])
    per_head = people["value"].sum() / people["population"].sum() if len(people) else None
    return float(valued["value"].mean()), per_head


def headline(snap, place: str, name: str, year: str, pot: dict, gone: str | None) -> str:
    """The answer in one or two sentences: the pot in the year, and what the prevention
    programme costs and is expected to save, and for whom."""
    if gone:
        first = gone
    elif pot["pot_gbp_nominal"]:
        first = (
            f"In {year} {name} has a pooled budget of {format_gbp(pot['pot_gbp_nominal'])} (cash)."
        )
    else:
        first = f"{name} has no pooled budget in {year}."
    plan = prevention.programme(snap, place) if prevention.published(snap) else {}
    if not plan:
        return first
    return (
        f"{first} {name}'s prevention programme costs {format_gbp(plan['pv_costs_gbp'])} and is "
        f"expected to save {format_gbp(plan['pv_fiscal_gbp'])} across public services by "
        f"{plan['last_year']}, of which {format_gbp(plan['pv_national_fiscal_gbp'])} lands in "
        f"national budgets ({_discounted(snap, plan)}, {snap.price_base_year} prices)."
        + (" These prevention figures are synthetic demo data." if plan["is_synthetic"] else "")
    )


def _discounted(snap, plan: dict) -> str:
    if not plan.get("rebased"):
        return "present values"
    base = prevention.appraisal_base_year(snap)
    return f"present values at April {base[:4]}" if base else "present values"


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
    frame, label, stem, means = _measure(snap, year, totals)
    page.flag_synthetic(frame)
    gone = filters.not_in_existence(places, place, year)
    pot = budget.pot_headline(snap, place, year)
    # A sentence, not a heading: the page's headings run h1 (title) then h2 (sections).
    st.markdown(f"**{headline(snap, place, names[place], year, pot, gone)}**")
    _cards(page, place, names[place], year, totals, frame)
    st.caption(
        "PV: present value, future pounds discounted to today at 3.5% a year. ROI: pounds "
        "saved per pound spent. Retained: what stays with the place. More on the Glossary page."
    )
    mean, mean_per_head = averages(frame)

    map_col, bar_col = st.columns([3, 2])
    with map_col:
        _map(snap, frame, label, stem, means, place, names, year, mean_per_head)
    with bar_col:
        column = f"{stem}_per_head" if per_head else stem
        average = mean_per_head if per_head else mean
        st.header(f"{label}{' per head' if per_head else ''}, ranked")
        st.caption(
            f"{names[place]} highlighted; the dashed line is the average of all places"
            + (" (their total over their population)." if per_head else ".")
        )
        ranked = frame.rename(columns={"value_per_head": f"{stem}_per_head", "value": stem})
        ranked = ranked[["place_code", "place_name", column]].dropna(subset=[column])
        ranked = ranked.sort_values(column, ascending=False)
        table = pd.concat(
            [ranked, pd.DataFrame([{"place_code": "", "place_name": "All places (average)",
                                    column: average}])],
            ignore_index=True,
        )  # fmt: skip
        tables.chart_with_table(
            charts.ranked_bars(ranked, column, "£", place, average, "All places"),
            tables.shown(table, snap, snap.price_base_year),
            f"ranked_{column}_{year}",
            summary=f"Bar chart ranking every place by {label}"
            f"{' per head' if per_head else ''}, with the all-places average marked.",
        )


def _map(snap, frame, label, stem, means, place, names, year, mean_per_head) -> None:
    st.header(f"{label} per head")
    row = frame[frame["place_code"] == place]
    figure = None if row.empty else row["value_per_head"].iloc[0]
    st.caption(
        f"£ per resident (population as in {year}): {means}. Outlined: {names[place]}, "
        f"{format_per_head(figure)} per head; all places {format_per_head(mean_per_head)}."
    )
    mapped = frame[["place_code", "place_name", "population", "value_per_head"]].rename(
        columns={"value_per_head": f"{stem}_per_head"}
    )
    tables.chart_with_table(
        maps.choropleth(mapped, f"{stem}_per_head", "£ per head", place),
        tables.shown(mapped, snap, snap.price_base_year),
        f"map_{stem}_per_head_{year}",
        summary=f"Map of England's combined authorities shaded by {label} per head; "
        f"{names[place]} is outlined.",
    )
    st.caption(maps.BOUNDARIES_CREDIT)
    unmapped = sorted(set(mapped["place_code"]) - maps.mapped_places())
    if unmapped:
        st.caption(
            "Not on the map (no 2025 boundary): "
            + ", ".join(names.get(code, code) for code in unmapped)
            + "."
        )


run_page("Overview", render)
