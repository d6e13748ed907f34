"""Tables with readable headers, and charts with the exact table behind them one click away;
both with CSV and XLSX downloads."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import exports
from dashboards.queries.labels import column_descriptions, column_labels, prettified
from dashboards.queries.snapshot import Snapshot

# Rates held as fractions; tables and downloads show them as percentages.
PERCENTAGES = ("share_pooled", "gain_share_rate", "optimism_bias", "switching_deadweight",
               "assumed_deadweight")  # fmt: skip
PERCENTAGES += ("share", "pooled_share", "line_share", "population_share_reporting")
PERCENTAGES += ("share_of_outturn",)
COUNTS = ("Population", "Rows", "Rows read", "Rows loaded", "Rows quarantined", "Payments",
          "Areas reporting")  # fmt: skip
# Columns shown as coloured badges (readable value -> colour); downloads keep the plain text.
BADGES = {"Status": {"Fail": "red", "Warning": "orange", "Pass": "green"}}


def shown(frame: pd.DataFrame, snap: Snapshot, price_base: str = "") -> pd.DataFrame:
    """The frame with readable headers: what a table shows and what its downloads hold.
    A column `X_per_head` reads as X's header with "per head" in it. The headers' tooltips
    (the yml's column descriptions) travel in `attrs["help"]`."""
    real = f"real, {price_base} prices" if price_base else "real terms"
    known = column_labels(snap)
    descriptions = column_descriptions(snap)
    labels, helps = {}, {}
    for column in frame.columns:
        name = str(column)
        base = name.removesuffix("_per_head")
        if name in known:
            label = known[name]
        elif base != name and base in known:
            label = known[base].replace(" (£)", " per head (£)")
        else:
            label = prettified(name)
        label = label.replace("{real}", real)
        if name in PERCENTAGES:
            label = f"{label} (%)"
        labels[column] = label
        if descriptions.get(name):
            helps[label] = descriptions[name]
    percentages = [c for c in PERCENTAGES if c in frame.columns]
    if percentages:
        frame = frame.copy()
        for column in percentages:
            frame[column] = frame[column] * 100
    out = frame.rename(columns=labels)
    out.attrs = {"help": helps}
    return out


def _number(fmt: str, help: str | None):
    return st.column_config.NumberColumn(format=fmt, help=help)


def _column_config(frame: pd.DataFrame) -> dict:
    helps = frame.attrs.get("help") or {}
    config = {}
    for column in frame.columns:
        name, help = str(column), helps.get(str(column))
        if name.endswith("(£)"):
            # The header carries the £, so negatives read -2,000,000 rather than £-2,000,000.
            config[column] = _number("%,.2f" if "per head" in name.lower() else "%,.0f", help)
        elif name.endswith("(£ per £1)"):
            config[column] = _number("%.2f", help)
        elif name.endswith("(%)"):
            config[column] = _number("%.1f%%", help)
        elif name in COUNTS:
            config[column] = _number("%,d", help)
        elif name in BADGES:
            colours = BADGES[name]
            config[column] = st.column_config.MultiselectColumn(
                name, options=list(colours), color=list(colours.values()), help=help
            )
        elif help:
            config[column] = st.column_config.Column(help=help)
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


def _displayed(frame: pd.DataFrame) -> pd.DataFrame:
    """What st.dataframe is given: badge columns as one-item lists (a badge cell holds a
    list); empty cells blank rather than None."""
    badges = [c for c in frame.columns if str(c) in BADGES]
    texts = [
        c
        for c in frame.columns
        if frame[c].dtype == object
        and str(c) not in BADGES
        and frame[c].dropna().map(lambda v: isinstance(v, str)).all()
    ]
    if not badges and not texts:
        return frame
    out = frame.copy()
    for column in badges:
        out[column] = out[column].map(lambda v: [] if v is None or v != v else [str(v)])
    for column in texts:
        out[column] = out[column].where(out[column].notna(), "")
    return out


def _grid(frame: pd.DataFrame) -> None:
    # Streamlit writes "None" in an empty cell unless told otherwise; an empty number cell
    # (no outturn published, say) reads as blank, like the downloads.
    st.dataframe(
        _displayed(frame), hide_index=True, column_config=_column_config(frame), placeholder=""
    )


def table(frame: pd.DataFrame, file_stem: str) -> None:
    """A table (headers from `shown`) with its CSV and XLSX downloads."""
    _grid(frame)
    downloads(frame, file_stem)


def alt_text(frame: pd.DataFrame, summary: str | None) -> str:
    """What a screen reader announces for a chart: the caller's sentence and where the
    figures are."""
    rows = len(frame)
    return (
        f"{summary or 'Chart.'} {rows} row{'' if rows == 1 else 's'}; the Table tab beside the "
        "chart holds every figure."
    )


def chart_with_table(
    chart: alt.TopLevelMixin | dict,
    frame: pd.DataFrame,
    file_stem: str,
    summary: str | None = None,
) -> None:
    """The chart (Altair, or a Vega-Lite spec) with its text alternative, the exact table
    behind it one click away, and both downloads."""
    description = alt_text(frame, summary)
    chart_tab, table_tab = st.tabs(["Chart", "Table"])
    with chart_tab:
        # Streamlit sizes a chart's height from the container unless told: give it the bars'.
        if isinstance(chart, dict):
            st.vega_lite_chart(chart, width="stretch", height=chart["height"] + 70)
        else:
            st.altair_chart(chart, width="stretch", height=chart.height + 70)
        # The text alternative, written out: Streamlit's charts do not pass a description on
        # to the drawn SVG, so a screen reader would otherwise meet only the marks.
        st.caption(f"Chart: {description}")
    with table_tab:
        _grid(frame)
    downloads(frame, file_stem)
