"""Pieces every page shares: finding the snapshot, the synthetic-data banner, URL-backed
filters, and charts with their table and downloads one click away."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import data, exports

# Okabe-Ito: distinguishable with the common forms of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
BUDGET_TYPE_COLOURS = {"resource": "#0072B2", "capital": "#E69F00"}


def warehouse_dir() -> Path:
    """`-- --warehouse DIR` after `streamlit run`, else $WHOLEPLACE_WAREHOUSE, else ./warehouse."""
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument("--warehouse")
    args, _ = parser.parse_known_args(sys.argv[1:])
    return Path(args.warehouse or os.environ.get("WHOLEPLACE_WAREHOUSE") or "warehouse")


@dataclass
class Page:
    snap: data.Snapshot
    banner: object  # an st.empty() slot at the top of the page
    synthetic: bool = False

    def flag_synthetic(self, *shown: pd.DataFrame | bool) -> None:
        """Show the synthetic-data banner if the manifest or any shown rows say so."""
        if self.synthetic:
            return
        for item in shown:
            if isinstance(item, pd.DataFrame):
                item = "is_synthetic" in item and bool(item["is_synthetic"].fillna(False).any())
            if item:
                self.synthetic = True
                self.banner.warning(
                    "**Synthetic demo data.** Some or all figures on this page are generated "
                    "for demonstration and are not real government allocations.",
                    icon=":material/science:",
                )
                return


def no_warehouse(reason: str) -> None:
    st.title("No warehouse published yet")
    st.markdown(
        "The dashboard reads the published snapshot of the warehouse, and there is none yet. "
        "Build one with:"
    )
    st.code("wholeplace build", language="bash")
    st.caption(f"Details: {reason}.")


def run_page(title: str, render: Callable[[Page], None]) -> None:
    """Resolve the snapshot once for this request, then draw the page from it."""
    try:
        snap = data.current_snapshot(warehouse_dir())
    except data.NoSnapshot as exc:
        no_warehouse(str(exc))
        return
    st.title(title)
    page = Page(snap, st.empty())
    page.flag_synthetic(snap.synthetic_inputs)
    try:
        render(page)
    except data.MartNotPublished as exc:
        st.info(
            f"`{exc.mart}` is not published yet: it arrives with a later build of the warehouse."
        )
    except data.DataError as exc:
        st.error(f"The published snapshot could not be read ({exc}). Try `wholeplace build` again.")


def choose(
    param: str,
    label: str,
    options: Sequence[str],
    default: str,
    widget: Callable = st.selectbox,
    **kwargs,
) -> str:
    """A filter kept in the URL query string, so a link reproduces the view."""
    key = f"filter_{param}"
    current = st.session_state.get(key)
    if current not in options:
        wanted = st.query_params.get(param)
        if key not in st.session_state and wanted is not None and wanted not in options:
            st.info(
                f"The {label.lower()} in the link is not in this snapshot; showing the default."
            )
        current = wanted if wanted in options else default
    # Set it on every run: a widget of the same key on another page would otherwise start
    # again from its first option when the reader changes page.
    st.session_state[key] = current
    value = widget(label, list(options), key=key, persist_state="session", **kwargs)
    st.query_params[param] = value
    return value


def choose_range(
    param: str, label: str, options: Sequence[str], default: tuple[str, str]
) -> tuple[str, str]:
    """A first..last range of ordered options (financial years), kept in the URL as
    `param=FIRST..LAST`."""
    key = f"filter_{param}"
    options = list(options)
    if len(options) < 2:
        only = options[0] if options else ""
        return only, only

    def parse(text: object) -> tuple[str, str] | None:
        parts = str(text).split("..") if isinstance(text, str) else text
        if isinstance(parts, list | tuple) and len(parts) == 2:
            first, last = parts
            if first in options and last in options and options.index(first) <= options.index(last):
                return str(first), str(last)
        return None

    current = parse(st.session_state.get(key))
    if current is None:
        wanted = st.query_params.get(param)
        if key not in st.session_state and wanted is not None and parse(wanted) is None:
            st.info(
                f"The {label.lower()} in the link is not in this snapshot; showing the default."
            )
        current = parse(wanted) or default
    st.session_state[key] = current
    first, last = st.select_slider(label, options, key=key, persist_state="session")
    st.query_params[param] = f"{first}..{last}"
    return first, last


def years_between(options: Sequence[str], first: str, last: str) -> list[str]:
    options = list(options)
    return options[options.index(first) : options.index(last) + 1]


PER_HEAD_CHOICES = {"no": "Totals", "yes": "Per head"}


def choose_per_head(default: str = "no") -> bool:
    choice = choose(
        "per_head",
        "Show",
        list(PER_HEAD_CHOICES),
        default,
        widget=st.radio,
        horizontal=True,
        format_func=PER_HEAD_CHOICES.get,
    )
    return choice == "yes"


DEFAULT_PLACE = "E47000001"  # Greater Manchester


def choose_place(places: pd.DataFrame, label: str = "City-region") -> str:
    names = dict(zip(places["place_code"], places["place_name"], strict=True))
    codes = list(names)
    return choose(
        "place",
        label,
        codes,
        DEFAULT_PLACE if DEFAULT_PLACE in names else codes[0],
        format_func=lambda code: names.get(code, code),
    )


def money_axis(values: pd.Series) -> alt.Axis:
    """An axis in £, £m or £bn, whichever suits the largest value."""
    return _money_axis(values)


def _money_axis(values: pd.Series) -> alt.Axis:
    top = float(values.abs().max() or 0) if len(values) else 0.0
    if top >= 1e9:
        body = "format(abs(datum.value) / 1e9, ',.1~f') + 'bn'"
    elif top >= 1e7:
        body = "format(abs(datum.value) / 1e6, ',.0f') + 'm'"
    elif top >= 1e6:  # £0.5m, £1m, £1.5m rather than £0m, £1m, £1m
        body = "format(abs(datum.value) / 1e6, ',.1~f') + 'm'"
    elif top >= 100:
        body = "format(abs(datum.value), ',.0f')"
    else:  # per-head figures: pounds and pence
        body = "format(abs(datum.value), ',.2~f')"
    # -£2m, not £-2m; £0 rather than £0m.
    expr = f"datum.value == 0 ? '£0' : (datum.value < 0 ? '-£' : '£') + {body}"
    return alt.Axis(labelExpr=expr, title=None, grid=True, tickCount=4)


def stacked_bars(frame: pd.DataFrame, category: str, title: str, value: str) -> alt.Chart:
    """Horizontal bars per category, stacked by budget type (resource and capital)."""
    types = sorted(frame["budget_type"].dropna().unique()) if len(frame) else []
    colours = [BUDGET_TYPE_COLOURS.get(t, PALETTE[2 + i]) for i, t in enumerate(types)]
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y(f"{category}:N", title=None, sort="-x", axis=alt.Axis(labelLimit=260)),
            x=alt.X(f"sum({value}):Q", axis=_money_axis(frame.groupby(category)[value].sum())),
            color=alt.Color(
                "budget_type:N",
                title="Budget type",
                scale=alt.Scale(domain=types, range=colours),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip(f"{category}:N", title=title),
                alt.Tooltip("budget_type:N", title="Budget type"),
                alt.Tooltip(f"{value}:Q", title="£", format=",.0f"),
            ],
        )
        .properties(height=bar_height(frame[category].nunique()), padding={"left": 8})
    )


def bar_height(bars: int) -> int:
    return max(140, 36 * bars)


# Column headers as a finance officer reads them; tables and their downloads use the same ones.
LABELS = {
    "place_code": "Place code",
    "place_name": "Place",
    "settlement_id": "Settlement",
    "financial_year": "Financial year",
    "pillar": "Pillar",
    "department": "Department code",
    "department_name": "Department",
    "funding_line": "Funding line code",
    "funding_line_name": "Funding line",
    "budget_type": "Budget type",
    "pot_gbp_nominal": "Pot, cash (£)",
    "contribution_gbp_nominal": "Contribution, cash (£)",
    "is_synthetic": "Synthetic",
    "status": "Status",
    "check": "Check",
    "expected_gbp": "Expected (£)",
    "actual_gbp": "Actual (£)",
    "difference_gbp": "Difference (£)",
    "detail": "Detail",
    "feed": "Feed",
    "file": "File",
    "sha256": "SHA-256",
    "rows_read": "Rows read",
    "rows_loaded": "Rows loaded",
    "rows_quarantined": "Rows quarantined",
    "mart": "Mart",
    "rows": "Rows",
    "published": "Published",
    "population": "Population",
    "population_year": "Population as in",
    "share_pooled": "Share of funding pooled",
    "total_gbp_nominal": "Departmental funding, cash (£)",
    "checks_passed": "Checks passed",
    "checks_warned": "Checks warned",
    "checks_failed": "Checks failed",
    "intervention_id": "Intervention code",
    "name": "Intervention",
    "investing_agency": "Investing agency",
    "beneficiary_agency": "Beneficiary agency",
    "agency_tier": "Beneficiary tier",
    "value_type": "Value type",
    "series": "Series",
    "checks": "Checks",
    "saving": "Saving",
    "interventions": "Interventions",
    "pv_gbp": "Present value (£)",
    "pv_costs_gbp": "PV costs (£)",
    "pv_fiscal_gbp": "PV fiscal savings (£)",
    "pv_economic_gbp": "PV economic value (£)",
    "pv_social_gbp": "PV social value (£)",
    "pv_cashable_gbp": "PV cashable savings (£)",
    "pv_non_cashable_gbp": "PV non-cashable savings (£)",
    "pv_net_savings_gbp": "PV net savings (£)",
    "npv_gbp": "NPV, all values (£)",
    "financial_roi": "Financial ROI (£ per £1)",
    "public_value_roi": "Public value ROI (£ per £1)",
    "payback_years": "Payback (years)",
    "payback_year": "Pays back in",
    "cumulative_gbp": "Cumulative present value (£)",
    "retained_gbp": "PV retained by place (£)",
    "settlement_id_gain": "Settlement",
    "gain_share_rate": "Gain share rate",
    "local_fiscal_gbp": "Local fiscal savings (£)",
    "national_cashable_gbp": "National cashable savings (£)",
    "gain_share_gbp": "Gain share of national savings (£)",
    "retained_by_place_gbp": "Retained by place (£)",
    "pv_retained_by_place_gbp": "PV retained by place (£)",
    "confidence_grade": "Confidence grade",
    "optimism_bias": "Optimism bias",
    "benefit_rows": "Benefit rows",
    "varied_rate": "Rate varied",
    "npv_at_low_gbp": "NPV, rate 10 points lower (£)",
    "npv_at_high_gbp": "NPV, rate 10 points higher (£)",
    "switching_deadweight": "Switching deadweight",
    "assumed_deadweight": "Assumed deadweight",
    "release": "Release",
    "region": "Region",
    "cofog_function": "Function (COFOG)",
    "price_base_year": "Price base",
    "source_unit": "Source unit",
    "data_provenance": "Source",
}
# Rates held as fractions; tables and downloads show them as percentages.
PERCENTAGES = ("share_pooled", "gain_share_rate", "optimism_bias", "switching_deadweight",
               "assumed_deadweight")  # fmt: skip
# The header carries the £, so negatives read -2,000,000 rather than £-2,000,000.
MONEY = st.column_config.NumberColumn(format="%,.0f")
PER_HEAD = st.column_config.NumberColumn(format="%,.2f")


def shown(frame: pd.DataFrame, price_base: str = "") -> pd.DataFrame:
    """The frame with readable headers: what a table shows and what its downloads hold.
    A column `X_per_head` reads as X's header with "per head" in it."""
    real = f"real, {price_base} prices" if price_base else "real terms"
    labels = {
        **LABELS,
        "pot_gbp_real": f"Pot, {real} (£)",
        "contribution_gbp_real": f"Contribution, {real} (£)",
        "contribution_per_head_real": f"Per head, {real} (£)",
        "spend_gbp_real": f"Identifiable spending, {real} (£)",
        "spend_per_head_real": f"Identifiable spending per head, {real} (£)",
    }
    for column in frame.columns:
        base = str(column).removesuffix("_per_head")
        if base != column and base in labels:
            labels[column] = labels[base].replace(" (£)", " per head (£)")
    percentages = [c for c in PERCENTAGES if c in frame.columns]
    if percentages:
        frame = frame.copy()
        for column in percentages:
            frame[column] = frame[column] * 100
            labels[column] = f"{labels.get(column, column)} (%)"
    return frame.rename(columns=labels)


ROI = st.column_config.NumberColumn(format="%.2f")
PERCENT = st.column_config.NumberColumn(format="%.1f%%")
COUNT = st.column_config.NumberColumn(format="%,d")


def _column_config(frame: pd.DataFrame) -> dict:
    config = {}
    for column in frame.columns:
        name = str(column)
        if name.endswith("(£)"):
            config[column] = PER_HEAD if "per head" in name.lower() else MONEY
        elif name.endswith("(£ per £1)"):
            config[column] = ROI
        elif name.endswith("(%)"):
            config[column] = PERCENT
        elif name in ("Population", "Rows", "Rows read", "Rows loaded", "Rows quarantined"):
            config[column] = COUNT
    return config


def downloads(table: pd.DataFrame, file_stem: str) -> None:
    """CSV and XLSX of the table, made only when the reader clicks (an XLSX takes tens of
    milliseconds to write, too much to spend on every table of every render)."""
    row = st.container(horizontal=True)
    row.download_button(
        "CSV",
        lambda: exports.to_csv_bytes(table),
        file_name=f"{file_stem}.csv",
        mime="text/csv",
        key=f"csv_{file_stem}",
        icon=":material/download:",
        on_click="ignore",
    )
    row.download_button(
        "XLSX",
        lambda: exports.to_xlsx_bytes(table, file_stem),
        file_name=f"{file_stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"xlsx_{file_stem}",
        icon=":material/download:",
        on_click="ignore",
    )


def table(frame: pd.DataFrame, file_stem: str) -> None:
    """A table (headers from `shown`) with its CSV and XLSX downloads."""
    st.dataframe(frame, hide_index=True, column_config=_column_config(frame))
    downloads(frame, file_stem)


def chart_with_table(chart: alt.TopLevelMixin | dict, frame: pd.DataFrame, file_stem: str) -> None:
    """The chart (Altair, or a Vega-Lite spec), the exact table behind it one click away, and
    both downloads."""
    chart_tab, table_tab = st.tabs(["Chart", "Table"])
    with chart_tab:
        # Streamlit sizes a chart's height from the container unless told: give it the bars'.
        if isinstance(chart, dict):
            st.vega_lite_chart(chart, width="stretch", height=chart["height"] + 70)
        else:
            st.altair_chart(chart, width="stretch", height=chart.height + 70)
    with table_tab:
        st.dataframe(frame, hide_index=True, column_config=_column_config(frame))
    downloads(frame, file_stem)
