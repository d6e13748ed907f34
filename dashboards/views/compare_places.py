"""Compare places: every city-region's pot, prevention savings, returns and checks side by
side, the view a Treasury analyst uses."""

import altair as alt
import pandas as pd
import streamlit as st

from dashboards.components import charts, filters, tables
from dashboards.components.page import Page, no_places, run_page
from dashboards.queries import budget, prevention, settlement_checks

MONEY = ["pv_costs_gbp", "pv_fiscal_gbp", "pv_net_savings_gbp", "retained_gbp"]
SORTS = {
    "pot": "Pot",
    "savings": "Prevention savings",
    "roi": "Financial ROI",
    "checks": "Checks failed and warned",
    "name": "Place name",
}


def _table(snap, year: str, basis: str, per_head: bool) -> pd.DataFrame:
    frame = budget.places(snap).merge(budget.populations(snap, year), on="place_code", how="left")
    pot = f"pot_gbp_{basis}"
    pots = budget.pots_by_place(snap, year)[["place_code", pot, "share_pooled", "is_synthetic"]]
    frame = frame.merge(pots, on="place_code", how="left")
    if prevention.published(snap):
        totals = prevention.place_totals(snap).drop(columns=["is_synthetic"])
        frame = frame.merge(totals, on="place_code", how="left")
    if snap.has("settlement_checks"):
        frame = frame.merge(settlement_checks.checks_by_place(snap), on="place_code", how="left")
    columns = [c for c in [pot, *MONEY] if c in frame]
    if per_head:
        for column in columns:
            frame[f"{column}_per_head"] = frame[column] / frame["population"]
        frame = frame.drop(columns=columns)
    keep = ["place_code", "place_name", "population", "population_year"]
    keep += [f"{c}_per_head" if per_head else c for c in columns[:1]] + ["share_pooled"]
    keep += [c for c in ["interventions"] if c in frame]
    keep += [f"{c}_per_head" if per_head else c for c in columns[1:]]
    keep += [
        c
        for c in ["financial_roi", "public_value_roi", "checks_passed", "checks_warned",
                  "checks_failed", "is_synthetic"]
        if c in frame
    ]  # fmt: skip
    return frame[keep]


def _sorted(frame: pd.DataFrame, sort: str, per_head: bool) -> pd.DataFrame:
    suffix = "_per_head" if per_head else ""
    keys = {
        "pot": ([c for c in frame if c.startswith("pot_gbp")][:1], [False]),
        "savings": ([f"pv_fiscal_gbp{suffix}"], [False]),
        "roi": (["financial_roi"], [False]),
        "checks": (["checks_failed", "checks_warned"], [False, False]),
        "name": (["place_name"], [True]),
    }
    columns, ascending = keys[sort]
    if not all(c in frame for c in columns):
        columns, ascending = ["place_name"], [True]
    return frame.sort_values(columns, ascending=ascending, na_position="last")


def _roi_chart(snap, place: str, names: dict) -> None:
    st.header("Spread of returns")
    st.caption(
        "Each dot is one intervention's financial ROI: present value of fiscal savings per £1 "
        "of cost. Right of the line at £1, it saves more than it costs."
    )
    rois = prevention.interventions(snap)
    rois["place_name"] = rois["place_code"].map(names).fillna(rois["place_code"])
    shown = rois[["place_code", "place_name", "intervention_id", "name", "financial_roi"]]
    rule = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(strokeDash=[4, 3]).encode(x="x:Q")
    chart = charts.strip(shown, "financial_roi", "£ saved per £1", place)
    tables.chart_with_table(
        alt.layer(chart, rule).properties(height=chart.height),
        tables.shown(shown, snap),
        "roi_by_place",
    )


def render(page: Page) -> None:
    snap = page.snap
    places = budget.places(snap)
    years = budget.years(snap)
    if places.empty or not years:
        no_places()
        return
    names = dict(zip(places["place_code"], places["place_name"], strict=True))
    base = snap.price_base_year
    place_col, year_col, basis_col, head_col, sort_col = st.columns([3, 2, 3, 3, 3])
    with place_col:
        place = filters.choose_place(places, "Highlight")
    with year_col:
        year = filters.choose_year(years, "Pot in")
    with basis_col:
        basis = filters.choose_prices(base)
    with head_col:
        per_head = filters.choose_per_head("yes")
    with sort_col:
        sort = filters.choose("sort", "Sort by", list(SORTS), "pot", format_func=SORTS.get)

    frame = _sorted(_table(snap, year, basis, per_head), sort, per_head)
    page.flag_synthetic(frame)
    suffix = "_per_head" if per_head else ""
    label = "per head" if per_head else "in total"
    prices = "cash" if basis == "nominal" else f"real terms, {base} prices"

    st.header("All places")
    st.caption(
        f"Pot in {year} ({prices}); prevention figures are present values over each "
        f"appraisal ({base} prices); money {label}. Click a column header to sort."
    )
    tables.table(tables.shown(frame, snap, base), f"compare_places_{year}_{basis}{suffix}")

    pot_col, savings_col = st.columns(2)
    with pot_col:
        st.header(f"Pooled pot {label}, {year}")
        st.caption(f"£, {prices}; {names[place]} highlighted.")
        pot = f"pot_gbp_{basis}{suffix}"
        pots = frame[["place_code", "place_name", pot]]
        pots = pots[pots[pot].fillna(0) > 0]
        tables.chart_with_table(
            charts.ranked_bars(pots, pot, "£", place),
            tables.shown(pots, snap, base),
            f"compare_pots_{year}_{basis}{suffix}",
        )
    with savings_col:
        st.header(f"Prevention savings {label}")
        if f"pv_fiscal_gbp{suffix}" not in frame:
            st.info("Prevention savings are not published in this snapshot yet.")
        else:
            st.caption(f"Present value of fiscal savings, £, {base} prices.")
            savings = frame[["place_code", "place_name", f"pv_fiscal_gbp{suffix}"]].dropna()
            tables.chart_with_table(
                charts.ranked_bars(savings, f"pv_fiscal_gbp{suffix}", "£", place),
                tables.shown(savings, snap, base),
                f"compare_savings{suffix}",
            )

    roi_col, checks_col = st.columns(2)
    with roi_col:
        if prevention.published(snap):
            _roi_chart(snap, place, names)
    with checks_col:
        if snap.has("settlement_checks"):
            st.header("Settlement checks, place by place")
            st.caption(
                "How many of the checks each place fails and warns on (all years): the Data "
                "quality page has the place x check grid and every warning with its detail."
            )
            counts = frame[["place_code", "place_name", "checks_failed", "checks_warned"]]
            counts = counts.dropna(subset=["checks_failed"]).sort_values(
                ["checks_failed", "checks_warned"], ascending=False
            )
            long = counts.melt(["place_code", "place_name"], var_name="status", value_name="checks")
            long["status"] = long["status"].map({"checks_warned": "warn", "checks_failed": "fail"})
            tables.chart_with_table(
                charts.status_bars(long),
                tables.shown(counts, snap),
                "compare_checks",
                summary="Bar chart of how many checks each place fails and warns on.",
            )


run_page("Compare places", render)
