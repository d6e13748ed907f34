"""Prevention savings: each intervention's costs against the discounted savings it brings,
whose budgets the savings land in, and how much the place keeps under its gain share."""

import pandas as pd
import streamlit as st

from dashboards.components import charts, filters, tables
from dashboards.components.page import Page, no_places, run_page
from dashboards.queries import budget, prevention
from dashboards.queries.labels import readable
from orchestration.core.formatting import (
    format_financial_year,
    format_gbp_short,
    format_per_head,
    format_roi,
    format_share,
)

ALL = "all"


def _choose_intervention(cba: pd.DataFrame) -> str:
    names = dict(zip(cba["intervention_id"], cba["name"], strict=True))
    labels = {ALL: "All interventions", **names}
    return filters.choose("intervention", "Intervention", list(labels), ALL, format_func=labels.get)


def _mart_payback_year(cba: pd.DataFrame, intervention: str, starts: dict) -> str | None:
    """The financial year `payback_years` after the intervention's start (year 1 = start)."""
    years = cba.loc[cba["intervention_id"] == intervention, "payback_years"]
    start = starts.get(intervention)
    if years.empty or pd.isna(years.iloc[0]) or not start:
        return None
    return format_financial_year(int(str(start)[:4]) + int(years.iloc[0]) - 1)


def _payback_year(frame: pd.DataFrame) -> str | None:
    """The first year in which fiscal savings so far cover costs so far, as intervention_cba
    counts it for one intervention: here for all of the place's interventions together."""
    paid = frame[(frame["fiscal"] >= frame["costs"]) & (frame["fiscal"] > 0)]
    return None if paid.empty else str(paid["financial_year"].iloc[0])


def _cards(snap, place: str, chosen: pd.DataFrame, intervention: str, starts: dict) -> None:
    figures = prevention.headline(snap, place, None if intervention == ALL else intervention)
    c1, c2, c3, c4, c5 = st.columns(5)
    c1.metric("PV of costs", format_gbp_short(figures.get("pv_costs_gbp")), border=True)
    c2.metric("PV of fiscal savings", format_gbp_short(figures.get("pv_fiscal_gbp")), border=True)
    c3.metric(
        "PV of net savings",
        format_gbp_short(figures.get("pv_net_savings_gbp")),
        help="Present value of fiscal savings less present value of costs.",
        border=True,
    )
    roi = figures.get("financial_roi")
    c4.metric(
        "Financial ROI",
        format_per_head(roi),
        help=f"{format_roi(roi)}: present value of fiscal savings for each £1 of present value "
        "of costs.",
        border=True,
    )
    if intervention == ALL:
        paying = int(chosen["payback_years"].notna().sum())
        c5.metric(
            "Pay back",
            f"{paying} of {len(chosen)}",
            help="Interventions whose fiscal savings so far cover their costs so far within "
            "the appraisal.",
            border=True,
        )
    else:
        years = chosen["payback_years"].iloc[0]
        year = _mart_payback_year(chosen, intervention, starts)
        c5.metric(
            "Payback",
            "Not within the appraisal" if pd.isna(years) else f"{int(years)} years ({year})",
            help="1 + the first year index with cumulative PV fiscal savings at or above "
            "cumulative PV costs.",
            border=True,
        )


def _over_time(
    snap, place: str, cba: pd.DataFrame, intervention: str, years: list[str], starts: dict
) -> None:
    chosen = None if intervention == ALL else intervention
    benefits = prevention.benefits_by_year(snap, place, chosen)
    fiscal = (
        benefits[benefits["value_type"] == "fiscal"]
        .groupby("financial_year", as_index=False)["pv_gbp"]
        .sum()
        .rename(columns={"pv_gbp": "fiscal"})
    )
    costs = prevention.costs_by_year(snap, place, chosen)
    yearly = fiscal if costs is None else costs.rename(columns={"pv_costs_gbp": "costs"})
    if costs is not None:
        yearly = yearly.merge(fiscal, on="financial_year", how="outer")
    yearly = yearly.fillna(0).sort_values("financial_year").reset_index(drop=True)
    series = {"costs": "PV costs", "fiscal": "PV fiscal savings"}
    present = [c for c in series if c in yearly]

    left, right = st.columns(2)
    with left:
        st.header("Costs and discounted fiscal savings by year")
        st.caption(f"£, {snap.price_base_year} prices, discounted at 3.5% a year.")
        shown = yearly[yearly["financial_year"].isin(years)]
        long = shown.melt("financial_year", present, "series", "pv_gbp")
        long["series"] = long["series"].map(series)
        tables.chart_with_table(
            charts.grouped_columns(long, "financial_year", "pv_gbp", "series", "Series"),
            tables.shown(long, snap),
            f"prevention_by_year_{place}_{intervention}",
        )
    with right:
        st.header("Cumulative, with the payback year")
        cumulative = yearly.copy()
        for column in present:
            cumulative[column] = cumulative[column].cumsum()
        # One intervention's payback is published; that of all of them together is not.
        if chosen is None:
            payback = _payback_year(cumulative)
        else:
            payback = _mart_payback_year(cba, intervention, starts)
        st.caption(
            ("Pays back in " + payback if payback else "Does not pay back within the appraisal")
            + "."
            + (
                ""
                if costs is not None
                else " Yearly costs of a single intervention are not published yet: the line "
                "shows its savings only, and the payback year comes from intervention_cba."
            )
        )
        long = cumulative[cumulative["financial_year"].isin(years)].melt(
            "financial_year", present, "series", "cumulative_gbp"
        )
        long["series"] = long["series"].map(series)
        marked = payback if payback in set(long["financial_year"]) else None
        tables.chart_with_table(
            charts.cumulative_lines(long, "financial_year", "cumulative_gbp", "series", marked),
            tables.shown(long, snap),
            f"prevention_cumulative_{place}_{intervention}",
        )


def _value_mix(snap, cba: pd.DataFrame, place: str) -> None:
    left, right = st.columns(2)
    with left:
        st.header("Cashable and non-cashable savings")
        st.caption("Present value of fiscal savings per intervention, whole appraisal.")
        split = cba[["intervention_id", "name", "pv_cashable_gbp"]].copy()
        split["pv_non_cashable_gbp"] = cba["pv_fiscal_gbp"] - cba["pv_cashable_gbp"]
        long = split.melt(
            ["intervention_id", "name"],
            ["pv_cashable_gbp", "pv_non_cashable_gbp"],
            "saving",
            "pv_gbp",
        )
        long["saving"] = long["saving"].map(
            {"pv_cashable_gbp": "cashable", "pv_non_cashable_gbp": "non-cashable"}
        )
        tables.chart_with_table(
            charts.stacked_columns(
                long, "name", "pv_gbp", "saving", "Saving", horizontal=True,
                domain=["cashable", "non-cashable"],
            ),
            tables.shown(long, snap),
            f"cashable_{place}",
        )  # fmt: skip
    with right:
        st.header("Fiscal, economic and social value")
        st.caption("Present value per intervention, whole appraisal.")
        long = cba.melt(
            ["intervention_id", "name"],
            ["pv_fiscal_gbp", "pv_economic_gbp", "pv_social_gbp"],
            "value_type",
            "pv_gbp",
        )
        long["value_type"] = long["value_type"].str.removeprefix("pv_").str.removesuffix("_gbp")
        tables.chart_with_table(
            charts.stacked_columns(
                long, "name", "pv_gbp", "value_type", "Value", horizontal=True,
                domain=prevention.VALUE_TYPES,
            ),
            tables.shown(long, snap),
            f"value_types_{place}",
        )  # fmt: skip


def _who_benefits(snap, place: str, name: str) -> None:
    st.header("Who pays and who benefits")
    matrix = prevention.agency_matrix(snap, place)
    if matrix.empty:
        st.info(f"No fiscal savings are published for {name}.")
        return
    wrong = matrix.loc[matrix["investing_agency"] != matrix["beneficiary_agency"], "pv_fiscal_gbp"]
    st.caption(
        "Present value of fiscal savings, from the agency that invests (rows) to the agency "
        f"whose budget saves (columns). {format_share(wrong.sum() / matrix['pv_fiscal_gbp'].sum())}"
        " of the savings land in another organisation's budget (the wrong pocket)."
    )
    tables.chart_with_table(
        charts.heatmap(
            matrix, "beneficiary_agency", "investing_agency", "pv_fiscal_gbp",
            "Beneficiary agency", "Investing agency",
        ),
        tables.shown(matrix, snap),
        f"who_benefits_{place}",
    )  # fmt: skip


def _retained(snap, place: str, name: str, years: list[str]) -> None:
    st.header("What the place keeps under its gain share")
    kept = prevention.retained_by_year(snap, place)
    kept = kept[kept["financial_year"].isin(years)]
    if kept.empty:
        st.info(f"Nothing is retained by {name} in these years.")
        return
    rates = sorted({format_share(r) for r in kept["gain_share_rate"].dropna()})
    st.caption(
        f"£ a year, {snap.price_base_year} prices, undiscounted: savings to local agencies plus "
        f"the gain share ({', '.join(rates)}) of cashable savings to national agencies. "
        f"Retained in these years: {format_gbp_short(kept['retained_by_place_gbp'].sum())}."
    )
    shown = kept[["financial_year", "settlement_id", "gain_share_rate", "local_fiscal_gbp",
                  "national_cashable_gbp", "gain_share_gbp", "retained_by_place_gbp"]]  # fmt: skip
    long = shown.melt("financial_year", ["local_fiscal_gbp", "gain_share_gbp"], "series", "gbp")
    long["series"] = long["series"].map(
        {"local_fiscal_gbp": "local fiscal savings", "gain_share_gbp": "gain share"}
    )
    chart = charts.stacked_columns(
        long, "financial_year", "gbp", "series", "Retained", domain=list(long["series"].unique())
    )
    tables.chart_with_table(chart, tables.shown(shown, snap), f"retained_{place}")


def _sensitivity(snap, intervention: str) -> None:
    if intervention == ALL:
        return
    frame = prevention.sensitivity(snap, intervention)
    if frame.empty:
        return
    st.header("How sure is the net present value?")
    switching = frame["switching_deadweight"].dropna()
    st.caption(
        "NPV (all values less costs) with each rate 10 points lower and higher in every "
        "benefit stream. "
        + (
            f"Deadweight would have to reach {format_share(switching.iloc[0])} (assumed "
            f"{format_share(frame['assumed_deadweight'].iloc[0])}) for the NPV to fall to zero."
            if len(switching)
            else "No deadweight between 0 and 100% brings the NPV to zero."
        )
    )
    frame = frame.assign(varied_rate=frame["varied_rate"].map(lambda r: readable("varied_rate", r)))
    tables.chart_with_table(
        charts.range_bars(frame, "varied_rate", "npv_at_low_gbp", "npv_at_high_gbp", "npv_gbp"),
        tables.shown(frame, snap),
        f"sensitivity_{intervention}",
        summary="Range bars of the net present value with each rate 10 points lower and higher.",
    )


def render(page: Page) -> None:
    snap = page.snap
    if not prevention.published(snap):
        st.info(
            "Prevention savings are not published in this snapshot yet: they arrive with a "
            "build that includes the interventions feed (`wholeplace build`)."
        )
        return
    places = budget.places(snap)
    if places.empty:
        no_places()
        return
    names = dict(zip(places["place_code"], places["place_name"], strict=True))
    place_col, intervention_col, years_col = st.columns([2, 2, 3])
    with place_col:
        place = filters.choose_place(places)
    cba = prevention.interventions(snap, place)
    if cba.empty:
        st.info(f"{names[place]} has no prevention interventions in this snapshot.")
        return
    page.flag_synthetic(cba)
    with intervention_col:
        intervention = _choose_intervention(cba)
    all_years = prevention.years(snap, place)
    with years_col:
        first, last = filters.choose_range(
            "years", "Financial years", all_years, (all_years[0], all_years[-1])
        )
    years = filters.years_between(all_years, first, last)
    starts = prevention.start_years(snap, place)
    chosen = cba if intervention == ALL else cba[cba["intervention_id"] == intervention]
    _cards(snap, place, chosen, intervention, starts)
    st.caption(
        f"Present values over each appraisal, {snap.price_base_year} prices, discounted at "
        "3.5% a year, after deadweight, attribution and optimism bias (see Method)."
    )

    st.header("Interventions")
    table = cba.drop(columns=["place_code", "is_synthetic"])
    tables.table(tables.shown(table, snap), f"interventions_{place}")

    _over_time(snap, place, cba, intervention, years, starts)
    _value_mix(snap, cba, place)
    _who_benefits(snap, place, names[place])
    _retained(snap, place, names[place], years)
    _sensitivity(snap, intervention)


run_page("Prevention savings", render)
