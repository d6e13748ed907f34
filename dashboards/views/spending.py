"""Spending: the departmental funding reaching one city-region in one year (the whole-place
budget) and what its councils paid out, by service area and funding line, beside their revenue
outturn."""

import pandas as pd
import streamlit as st

from dashboards.components import charts, filters, tables
from dashboards.components.page import Page, no_places, run_page
from dashboards.queries import budget, spending
from orchestration.core.formatting import format_gbp, format_gbp_exact, format_share
from schemas.spend_transactions import CONTRACT as PAYMENTS_FEED

FILE_KINDS = {".csv": "CSV", ".xlsx": "XLSX", ".parquet": "Parquet"}


def no_payments_feed() -> None:
    """What the page says when the snapshot was built without a payment-level feed."""
    required = [f"`{f.name}`" for f in PAYMENTS_FEED.fields if f.required]
    optional = [f"`{f.name}`" for f in PAYMENTS_FEED.fields if not f.required]
    suffixes = " or ".join(FILE_KINDS.get(s, s) for s in PAYMENTS_FEED.file_suffixes)
    st.info(
        "**This snapshot has no payment-level feed.** The feeds it was built from have no "
        f"`{PAYMENTS_FEED.folder}/` folder, so there are no council payments to show here.\n\n"
        f"To add them, put one or more {suffixes} files in `FEEDS/{PAYMENTS_FEED.folder}/`, "
        f"one row per payment (refunds negative), with the columns {', '.join(required)} "
        f"(and, if you have them, {' and '.join(optional)}), then run "
        "`wholeplace build --feeds FEEDS`. `wholeplace validate spend_transactions FILE` checks "
        "a file first.",
        icon=":material/receipt_long:",
    )


def _cards(place_total: float | None, services: pd.DataFrame, year: str) -> None:
    funding, paid, refunds, outturn = st.columns(4)
    funding.metric(
        "Departmental funding",
        format_gbp(place_total),
        help=f"The whole-place budget: every departmental allocation reaching the place and "
        f"its member areas in {year} (cash, resource and capital together).",
        border=True,
    )
    paid.metric(
        "Councils paid out",
        format_gbp(services["paid_gbp_nominal"].sum()),
        help=f"{format_gbp_exact(services['paid_gbp_nominal'].sum())} in "
        f"{int(services['payments'].sum()):,} published payments, net of refunds (cash).",
        border=True,
    )
    refunds.metric(
        "Refunds",
        format_gbp(services["refunds_gbp_nominal"].sum()),
        help="Negative payments (credit notes, money returned), already taken off the net.",
        border=True,
    )
    outturn.metric(
        "Outturn, same services",
        format_gbp(services["outturn_gbp_nominal"].sum(min_count=1)),
        help=f"The member councils' revenue outturn in {year} for the service areas with "
        "payments (cash): what the payments are set beside.",
        border=True,
    )


def _not_stated(services: pd.DataFrame) -> str:
    not_stated = services["not_stated_gbp_nominal"].sum()
    paid = services["paid_gbp_nominal"].sum()
    if not not_stated:
        return "Every payment names the funding line it was charged to."
    return (
        f"**Not stated by the council**: {format_gbp(not_stated)} "
        f"({format_share(not_stated / paid if paid else None)} of the net) was published "
        "without the grant line it was charged to. It counts in every total, but cannot be set "
        "beside a departmental allocation."
    )


def _payments(page: Page, place: str, name: str, year: str, place_total: float | None) -> None:
    snap = page.snap
    services = spending.by_service(snap, place, year)
    lines = spending.payments(snap, place, year)
    by_line = spending.by_funding_line(snap, place, year)
    page.flag_synthetic(services, lines, by_line)
    _cards(place_total, services, year)

    st.header("What councils paid out")
    st.caption(
        f"Every published payment by {name}'s member councils in {year}, by service area and the "
        "funding line it was charged to; £, cash, net of refunds (the Refunds column shows them)."
    )
    st.markdown(_not_stated(services))
    columns = [c for c in lines.columns if c != "service_area"]
    tables.chart_with_table(
        charts.stacked_columns(
            lines,
            "service_area_name",
            "paid_gbp_nominal",
            "funding_line_name",
            "Funding line",
            horizontal=True,
        ),
        tables.shown(lines[columns], snap, snap.price_base_year),
        f"payments_{place}_{year}",
        summary=f"Bar chart of what {name}'s councils paid out in {year} by service area, "
        "stacked by funding line.",
    )

    st.header("By service area, beside the revenue outturn")
    st.caption(
        f"What the councils paid out in {year} against their revenue outturn for the service "
        "area (all funding lines together, from the revenue outturn returns); cash. An empty "
        "outturn cell: none is published for that service area and year."
    )
    tables.table(
        tables.shown(services.drop(columns=["service_area"]), snap),
        f"payments_by_service_{place}_{year}",
    )

    st.header("By funding line, beside the whole-place budget")
    st.caption(
        f"What the councils charged to each funding line in {year}, beside what the departments "
        f"allocated on that line to {name} and its member areas in the year (cash)."
    )
    tables.table(tables.shown(by_line, snap), f"payments_by_funding_line_{place}_{year}")


def render(page: Page) -> None:
    snap = page.snap
    places = budget.places(snap)
    if places.empty:
        no_places()
        return
    names = dict(zip(places["place_code"], places["place_name"], strict=True))
    has_payments = spending.has_payments(snap)
    place_col, year_col = st.columns([3, 1])
    with place_col:
        place = filters.choose_place(places)
    paid_years = spending.years_for(snap, place) if has_payments else []
    funded_years = budget.years_for(snap, place)
    years = sorted(set(paid_years) | set(funded_years))
    if not years:
        st.info(f"No funding or payments are published for {names[place]} yet.")
        return
    with year_col:
        year = filters.choose_year(years)
    place_total = spending.whole_place_total(snap, place, year)
    if not has_payments:
        page.flag_synthetic(budget.share_pooled(snap, place, year)["is_synthetic"])
        st.columns(4)[0].metric(
            "Departmental funding",
            format_gbp(place_total),
            help=f"The whole-place budget: every departmental allocation reaching the place "
            f"and its member areas in {year} (cash).",
            border=True,
        )
        no_payments_feed()
        return
    if year not in paid_years:
        found = f" (they are for {paid_years[0]} to {paid_years[-1]})" if paid_years else ""
        st.info(f"No council payments are published for {names[place]} in {year}{found}.")
        return
    _payments(page, place, names[place], year, place_total)


run_page("Spending", render)
