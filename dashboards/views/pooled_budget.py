"""Pooled budget: one city-region's pot in one financial year, and the checks on it."""

import pandas as pd
import streamlit as st

from dashboards.components import charts, checks, evidence, filters, tables
from dashboards.components.page import Page, no_places, run_page
from dashboards.queries import budget, regions, settlement_checks
from dashboards.queries.labels import readable
from orchestration.core.formatting import (
    format_gbp,
    format_gbp_exact,
    format_per_head,
    format_share,
)

GROUPS = {"pillar": "Pillar", "department": "Department"}
COLUMNS = {"pillar": "pillar", "department": "department_name"}


def _over_the_years(snap, place: str, basis: str, label: str) -> None:
    """The pot by pillar or department in every settlement year, in total or per head."""
    st.header("The pot over the settlement years")
    range_col, by_col, head_col = st.columns([3, 2, 2])
    with by_col:
        by = filters.choose(
            "by", "Stack by", list(GROUPS), "pillar", widget=st.radio, horizontal=True,
            format_func=GROUPS.get,
        )  # fmt: skip
    frame = budget.pot_by_year(snap, place, by)
    column = COLUMNS[by]
    years = list(dict.fromkeys(frame["financial_year"]))
    with range_col:
        first, last = filters.choose_range("years", "Financial years", years, (years[0], years[-1]))
    with head_col:
        per_head = filters.choose_per_head("no")
    value = f"pot_gbp_{basis}"
    shown = (
        frame[frame["financial_year"].isin(filters.years_between(years, first, last))]
        .groupby(["financial_year", column], as_index=False)
        .agg({value: "sum", "population": "max", "is_synthetic": "any"})
    )
    if per_head:
        shown[f"{value}_per_head"] = shown[value] / shown["population"]
        value = f"{value}_per_head"
    st.caption(f"£{' per head' if per_head else ''}, {label}; {by}s stacked.")
    shown = shown[["financial_year", column, value, "population", "is_synthetic"]]
    tables.chart_with_table(
        charts.stacked_columns(
            shown,
            "financial_year",
            value,
            column,
            GROUPS[by],
            domain=sorted(frame[column].unique()),
        ),  # fmt: skip
        tables.shown(shown, snap, snap.price_base_year),
        f"pot_by_year_{by}_{place}_{basis}{'_per_head' if per_head else ''}",
    )


REGIONAL_SPEND = "region_spend_by_function"


def _source_caption(row: pd.Series, base: str) -> str:
    """ "Source: PUBLISHER, TITLE (LICENCE), YEAR, £ per head, real terms (BASE prices)", from
    the mart's own release, provenance ("kind: PUBLISHER RELEASE (file), LICENCE"), year and
    price base columns."""
    release, year = str(row["release"]), str(row["financial_year"])
    provenance = str(row["data_provenance"] or "")
    body, _, licence = provenance.partition(":")[2].strip().rpartition(", ")
    publisher = body.partition(release)[0].strip() if release in body else ""
    title = release.replace("CRA", "Country and Regional Analysis", 1)
    base = str(row["price_base_year"] or base)
    units = f"£ per head, real terms ({base} prices)"
    if publisher and licence:
        return f"Source: {publisher}, {title} ({licence}), {year}, {units}"
    return f"Source: {provenance or release}, {year}, {units}"


def _regional_spend(page: Page, place: str, name: str) -> None:
    """Real public spending per head in the place's region by function: context for the pot."""
    snap = page.snap
    st.header("Public spending in the region, by function")
    if not snap.has(REGIONAL_SPEND):
        st.info(
            f"`{REGIONAL_SPEND}` is not published yet: it arrives with a later build of the "
            "warehouse."
        )
        return
    region = regions.place_region(snap, place)
    frame = regions.region_spend_by_function(snap, region) if region else pd.DataFrame()
    if frame.empty:
        st.info(f"No regional spending by function is published for {name}'s region.")
        return
    page.flag_synthetic(frame)
    row = frame.iloc[0]
    cra_year = str(row["financial_year"])
    st.caption(_source_caption(row, snap.price_base_year))
    # Settlement years: the years the place has a pot in.
    pots = list(dict.fromkeys(budget.pot_by_year(snap, place)["financial_year"]))
    settled = f" ({pots[0]} to {pots[-1]})" if pots else ""
    st.caption(
        f"Identifiable spending in {region}, the English region of {name}'s member areas. "
        + (
            f"Country and Regional Analysis years (to {cra_year}) do not overlap the "
            f"settlement years{settled}, so this is context for the pot, not a comparison "
            "with it."
            if cra_year not in pots
            else "Context for the pot: regional spending is not a like-for-like comparison."
        )
    )
    shown = frame[
        ["release", "financial_year", "region", "cofog_function", "spend_per_head_real",
         "spend_gbp_real", "population", "source_unit", "data_provenance", "is_synthetic"]
    ]  # fmt: skip
    tables.chart_with_table(
        charts.category_bars(shown, "cofog_function", "Function", "spend_per_head_real"),
        tables.shown(shown, snap, str(row["price_base_year"] or snap.price_base_year)),
        f"region_spend_by_function_{place}_{cra_year}",
    )


def render(page: Page) -> None:
    snap = page.snap
    places = budget.places(snap)
    if places.empty:
        no_places()
        return
    names = dict(zip(places["place_code"], places["place_name"], strict=True))
    base = snap.price_base_year

    place_col, year_col, basis_col = st.columns([3, 1, 2])
    with place_col:
        place = filters.choose_place(places)
    years = budget.years_for(snap, place)
    if not years:
        st.info(f"No funding is published for {names[place]} yet.")
        return
    with year_col:
        year = filters.choose_year(years)
    with basis_col:
        basis = filters.choose_prices(f"{base} prices")
    gone = filters.not_in_existence(places, place, year)
    if gone:
        st.info(gone, icon=":material/history:")

    head = budget.pot_headline(snap, place, year)
    share = budget.share_pooled(snap, place, year)
    contributions = budget.pooled_budget(snap, place, year)
    page.flag_synthetic(head["is_synthetic"], share["is_synthetic"], contributions)
    evidence.pack_button(snap, place, year, has_pot=not contributions.empty)

    cash, real, per_head, pooled = st.columns(4)
    cash.metric(
        "Pot (cash)",
        format_gbp(head["pot_gbp_nominal"]),
        help=f"{format_gbp_exact(head['pot_gbp_nominal'])}, resource and capital together.",
        border=True,
    )
    real.metric(
        f"Pot ({base} prices)",
        format_gbp(head["pot_gbp_real"]),
        help="The pot in real terms: cash x GDP deflator of the price base year / deflator of "
        f"{year}.",
        border=True,
    )
    population = head["population"]
    per_head.metric(
        f"Per head ({base} prices)",
        format_per_head(head["pot_per_head_real"]),
        help=f"Real-terms pot divided by a population of {population:,}."
        if population
        else "No population estimate is published for this place and year.",
        border=True,
    )
    pooled.metric(
        "Share of funding pooled",
        format_share(share["share"]),
        help=f"{format_gbp(share['pooled_gbp_nominal'])} pooled of "
        f"{format_gbp(share['total_gbp_nominal'])} in departmental allocations reaching "
        f"{names[place]} and its member areas in {year} (cash, resource and capital together).",
        border=True,
    )

    _reconciliation(page, place, names[place], year, contributions)

    if contributions.empty:
        st.info(f"{names[place]} has no pooled budget in {year}.")
    else:
        value = f"pot_gbp_{basis}"
        label = "cash" if basis == "nominal" else f"real terms, {base} prices"
        stem = f"{place}_{year}_{basis}"
        by_pillar, by_department = st.columns(2)
        with by_pillar:
            st.header("Pot by pillar")
            st.caption(f"£, {label}; resource and capital stacked.")
            frame = budget.pot_by_pillar(snap, place, year)[
                ["pillar", "budget_type", value, "is_synthetic"]
            ]
            tables.chart_with_table(
                charts.stacked_bars(frame, "pillar", "Pillar", value),
                tables.shown(frame, snap, base),
                f"pot_by_pillar_{stem}",
                summary=f"Bar chart of {names[place]}'s pot in {year} by pillar, {label}.",
            )
        with by_department:
            st.header("Pot by department")
            st.caption(f"£, {label}; resource and capital stacked.")
            frame = budget.pot_by_department(snap, place, year)[
                ["department", "department_name", "budget_type", value, "is_synthetic"]
            ]
            tables.chart_with_table(
                charts.stacked_bars(frame, "department_name", "Department", value),
                tables.shown(frame, snap, base),
                f"pot_by_department_{stem}",
                summary=f"Bar chart of {names[place]}'s pot in {year} by department, {label}.",
            )

        _over_the_years(snap, place, basis, label)
        _contributions(snap, place, year, contributions)

    _regional_spend(page, place, names[place])
    _checks(snap, place, names[place], year)


def _reconciliation(page: Page, place: str, name: str, year: str, contributions) -> None:
    st.header("Does the pot match the announced total?")
    if not page.snap.has("settlement_checks"):
        st.info("`settlement_checks` is not published yet: the pot cannot be reconciled here.")
        return
    frame = settlement_checks.reconciliation(page.snap, place, year)
    page.flag_synthetic(frame)
    pot_types = sorted(set(contributions["budget_type"])) if len(contributions) else []
    checks.reconciliation_panel(frame, pot_types, name, year)


def _contributions(snap, place: str, year: str, contributions: pd.DataFrame) -> None:
    """Each funding line's contribution, its line total, share and source, and a total row."""
    st.header("Contributions")
    st.caption(
        "Each funding line's allocations to the place and its members (line total), the share "
        "the settlement pools, what goes into the pot, its share of the pot and where the "
        "announced total it is reconciled to was published."
    )
    frame = contributions.copy()
    pot = frame["contribution_gbp_nominal"].sum()
    frame["line_share"] = frame["contribution_gbp_nominal"] / pot if pot else None
    frame["source"] = _sources(snap, place, year, frame)
    frame["budget_type"] = frame["budget_type"].map(lambda v: readable("budget_type", v))
    total = {
        "settlement_id": "Total",
        "line_total_gbp_nominal": frame["line_total_gbp_nominal"].sum(),
        "contribution_gbp_nominal": pot,
        "contribution_gbp_real": frame["contribution_gbp_real"].sum(),
        "contribution_per_head_real": frame["contribution_per_head_real"].sum(),
        "line_share": 1.0 if pot else None,
        "is_synthetic": bool(frame["is_synthetic"].any()),
    }
    frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    columns = ["settlement_id", "pillar", "department", "funding_line", "funding_line_name",
               "budget_type", "line_total_gbp_nominal", "share", "contribution_gbp_nominal",
               "line_share", "contribution_gbp_real", "contribution_per_head_real", "source",
               "is_synthetic"]  # fmt: skip
    tables.table(
        tables.shown(frame[columns], snap, snap.price_base_year), f"contributions_{place}_{year}"
    )


def _sources(snap, place: str, year: str, frame: pd.DataFrame) -> list[str | None]:
    """The publication of the announced total each line is reconciled to: the line's own,
    else its budget type's, else the settlement's."""
    if not snap.has("settlement_checks"):
        return [None] * len(frame)
    sources = settlement_checks.announced_sources(snap, place, year)
    known = {}
    for row in sources.itertuples():
        if row.source:
            known[(row.settlement_id, row.funding_line, row.budget_type)] = row.source
    found = []
    for row in frame.itertuples():
        settlement, line, budget_type = row.settlement_id, row.funding_line, row.budget_type
        keys = [(settlement, line, budget_type), (settlement, line, None),
                (settlement, None, budget_type), (settlement, None, None)]  # fmt: skip
        found.append(next((known[k] for k in keys if k in known), None))
    return found


def _checks(snap, place: str, name: str, year: str) -> None:
    st.header(f"Settlement checks, {year}")
    if not snap.has("settlement_checks"):
        st.info("`settlement_checks` is not published in this snapshot.")
        return
    frame = settlement_checks.checks_in_year(snap, place, year)
    if frame.empty:
        st.info(f"No settlement checks are published for {name} in {year}.")
        return
    counts = frame["status"].value_counts()
    failed, warned, passed = (int(counts.get(s, 0)) for s in ("fail", "warn", "pass"))
    summary = (
        f"{passed} passed · {warned} warning{'' if warned == 1 else 's'} · {failed} failed, "
        f"in {year}"
    )
    if failed:
        st.error(summary, icon=":material/error:")
    elif warned:
        st.warning(summary, icon=":material/warning:")
    else:
        st.success(summary, icon=":material/check_circle:")
    shown = checks.filtered_checks(frame, "pooled_checks")
    tables.table(checks.readable_checks(shown, snap), f"settlement_checks_{place}_{year}")


run_page("Pooled budget", render)
