"""Altair charts the pages share. Colours come from the Okabe-Ito palette or viridis, both
readable with the common forms of colour blindness; money axes read £, £m or £bn."""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboards.palette import BUDGET_TYPE_COLOURS, HIGHLIGHT, OTHERS, PALETTE, STATUS_COLOURS
from orchestration.core.formatting import format_gbp, format_per_head


def money_format(values: pd.Series) -> str:
    """A d3 format for tooltips: pence for per-head figures, whole pounds otherwise."""
    top = float(values.abs().max() or 0) if len(values) else 0.0
    return ",.2f" if top < 100 else ",.0f"


def pounds(fmt: str) -> str:
    return f"(datum.value < 0 ? '-£' : '£') + format(abs(datum.value), '{fmt}')"


def money_axis(values: pd.Series) -> alt.Axis:
    """An axis in £, £m or £bn, whichever suits the largest value."""
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


def bar_height(bars: int) -> int:
    return max(140, 36 * bars)


def _highlighted(selected: str | None) -> alt.ColorValue:
    """The selected place in another colour than the others."""
    return alt.condition(
        alt.datum.place_code == (selected or ""), alt.value(HIGHLIGHT), alt.value(OTHERS)
    )


def stacked_bars(frame: pd.DataFrame, category: str, title: str, value: str) -> alt.Chart:
    """Horizontal bars per category, stacked by budget type (resource and capital)."""
    types = sorted(frame["budget_type"].dropna().unique()) if len(frame) else []
    colours = [BUDGET_TYPE_COLOURS.get(t, PALETTE[2 + i]) for i, t in enumerate(types)]
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y(f"{category}:N", title=None, sort="-x", axis=alt.Axis(labelLimit=260)),
            x=alt.X(f"sum({value}):Q", axis=money_axis(frame.groupby(category)[value].sum())),
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


def value_labels(values: pd.Series) -> list[str]:
    """Each bar's figure as the cards write it: £1.2m for totals, £12.34 per head."""
    per_head = money_format(values) == ",.2f"
    return [
        "" if pd.isna(v) else (format_per_head(v) if per_head else format_gbp(v)) for v in values
    ]


def ranked_bars(
    frame: pd.DataFrame,
    value: str,
    title: str,
    selected: str | None = None,
    average: float | None = None,
    average_label: str = "Average",
) -> alt.LayerChart:
    """One bar per place, largest first, the selected place in another colour, each bar's
    figure written beside it and, when given, the average of all places as a dashed line."""
    fmt = money_format(frame[value])
    frame = frame.assign(figure=value_labels(frame[value]))
    # An explicit order: "-x" would sort each layer by its own (filtered) values.
    order = frame.sort_values(value, ascending=False)["place_name"].tolist()
    bars = alt.Chart(frame).encode(
        y=alt.Y("place_name:N", title=None, sort=order, axis=alt.Axis(labelLimit=260)),
        x=alt.X(f"{value}:Q", axis=money_axis(frame[value])),
        tooltip=[
            alt.Tooltip("place_name:N", title="Place"),
            alt.Tooltip(f"{value}:Q", title=title, format=fmt),
        ],
    )
    layers = [
        bars.mark_bar().encode(color=_highlighted(selected)),
        # Right of a positive bar's end; right of zero for a negative bar, so the figure
        # never runs into the place names.
        bars.mark_text(align="left", dx=4, fontSize=12)
        .encode(text="figure:N")
        .transform_filter(f"datum.{value} >= 0"),
        bars.mark_text(align="left", dx=4, fontSize=12)
        .encode(text="figure:N", x=alt.datum(0))
        .transform_filter(f"datum.{value} < 0"),
    ]
    if average is not None and not pd.isna(average):
        marker = pd.DataFrame(
            {"x": [average], "label": [f"{average_label}: {value_labels(pd.Series([average]))[0]}"]}
        )
        rule = alt.Chart(marker).encode(x="x:Q")
        layers += [
            rule.mark_rule(color="black", strokeDash=[4, 3]),
            rule.mark_text(align="left", dx=4, dy=-8, fontSize=12, baseline="bottom").encode(
                text="label:N", y=alt.value(0)
            ),
        ]
    return alt.layer(*layers).properties(height=bar_height(len(frame)))


def category_bars(frame: pd.DataFrame, category: str, title: str, value: str) -> alt.Chart:
    """One bar per category (a spending function, say), largest first, one colour."""
    return (
        alt.Chart(frame)
        .mark_bar(color=OTHERS)
        .encode(
            y=alt.Y(f"{category}:N", title=None, sort="-x", axis=alt.Axis(labelLimit=260)),
            x=alt.X(f"{value}:Q", axis=money_axis(frame[value])),
            tooltip=[
                alt.Tooltip(f"{category}:N", title=title),
                alt.Tooltip(f"{value}:Q", title="£", format=",.2f"),
            ],
        )
        .properties(height=bar_height(len(frame)), padding={"left": 8})
    )


def stacked_columns(
    frame: pd.DataFrame,
    x: str,
    value: str,
    colour: str,
    colour_title: str,
    x_title: str | None = None,
    domain: list[str] | None = None,
    horizontal: bool = False,
) -> alt.Chart:
    """Columns (or bars) stacked by `colour`, in the Okabe-Ito palette."""
    domain = domain or sorted(frame[colour].dropna().astype(str).unique())
    fmt = money_format(frame[value])
    category = alt.X(f"{x}:N", title=x_title, axis=alt.Axis(labelAngle=0, labelLimit=160))
    amount = alt.Y(f"sum({value}):Q", axis=money_axis(frame.groupby(x)[value].sum()))
    if horizontal:
        # No limit: two names that differ only at the end ("... (second phase)") must both
        # be read in full.
        category = alt.Y(f"{x}:N", title=x_title, axis=alt.Axis(labelLimit=0))
        amount = alt.X(f"sum({value}):Q", axis=money_axis(frame.groupby(x)[value].sum()))
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            category,
            amount,
            color=alt.Color(
                f"{colour}:N",
                title=colour_title,
                scale=alt.Scale(domain=domain, range=PALETTE[: len(domain)]),
                # Beside horizontal bars, whose names take the width a bottom legend needs.
                legend=alt.Legend(orient="right" if horizontal else "bottom", labelLimit=240),
            ),
            order=alt.Order(f"{colour}:N"),
            tooltip=[
                alt.Tooltip(f"{x}:N", title=x_title or x),
                alt.Tooltip(f"{colour}:N", title=colour_title),
                alt.Tooltip(f"{value}:Q", title="£", format=fmt),
            ],
        )
    )
    height = bar_height(frame[x].nunique()) if horizontal else 300
    return chart.properties(height=height)


def _in_order(colour: str, title: str | None, domain: list[str], legend: alt.Legend) -> alt.Color:
    """Series coloured from the palette in the order they first appear."""
    return alt.Color(
        f"{colour}:N",
        title=title,
        sort=domain,
        scale=alt.Scale(domain=domain, range=PALETTE[: len(domain)]),
        legend=legend,
    )


def grouped_columns(
    frame: pd.DataFrame, x: str, value: str, colour: str, colour_title: str
) -> alt.Chart:
    """Side-by-side columns per `x` (costs next to benefits, say)."""
    domain = list(dict.fromkeys(frame[colour].astype(str)))
    fmt = money_format(frame[value])
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(f"{x}:N", title=None, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset(f"{colour}:N", sort=domain),
            y=alt.Y(f"{value}:Q", axis=money_axis(frame[value])),
            color=_in_order(colour, colour_title, domain, alt.Legend(orient="bottom")),
            tooltip=[
                alt.Tooltip(f"{x}:N", title="Year"),
                alt.Tooltip(f"{colour}:N", title=colour_title),
                alt.Tooltip(f"{value}:Q", title="£", format=fmt),
            ],
        )
        .properties(height=300)
    )


def cumulative_lines(
    frame: pd.DataFrame, x: str, value: str, colour: str, payback_year: str | None
) -> alt.LayerChart:
    """Cumulative lines (costs and benefits) with the payback year marked by a rule."""
    domain = list(dict.fromkeys(frame[colour].astype(str)))
    lines = (
        alt.Chart(frame)
        .mark_line(point=True, strokeWidth=2.5)
        .encode(
            x=alt.X(f"{x}:N", title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y(f"{value}:Q", axis=money_axis(frame[value])),
            color=_in_order(
                colour,
                None,
                domain,
                alt.Legend(orient="bottom", symbolType="stroke", symbolStrokeWidth=3),
            ),
            strokeDash=alt.StrokeDash(f"{colour}:N", sort=domain, legend=None),
            tooltip=[
                alt.Tooltip(f"{x}:N", title="Year"),
                alt.Tooltip(f"{colour}:N", title="Series"),
                alt.Tooltip(f"{value}:Q", title="£", format=",.0f"),
            ],
        )
    )
    layers = [lines]
    if payback_year is not None:
        marker = pd.DataFrame({x: [payback_year], "label": [f"Pays back in {payback_year}"]})
        rule = alt.Chart(marker).mark_rule(color="black", strokeDash=[4, 3]).encode(x=f"{x}:N")
        text = (
            alt.Chart(marker)
            .mark_text(align="left", dx=6, dy=-140, fontSize=12)
            .encode(x=f"{x}:N", text="label:N")
        )
        layers += [rule, text]
    return alt.layer(*layers).properties(height=320)


def heatmap(frame: pd.DataFrame, x: str, y: str, value: str, x_title: str, y_title: str):
    """A matrix: who pays (rows) and who benefits (columns), shaded by £ and labelled."""
    fmt = money_format(frame[value])
    top = float(frame[value].abs().max() or 0) if len(frame) else 0.0
    base = alt.Chart(frame).encode(
        x=alt.X(f"{x}:N", title=x_title, axis=alt.Axis(labelAngle=-30, labelLimit=160)),
        y=alt.Y(f"{y}:N", title=y_title, axis=alt.Axis(labelLimit=200)),
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color(
            f"{value}:Q",
            title="PV fiscal savings",
            scale=alt.Scale(scheme="viridis", reverse=True),
            legend=alt.Legend(orient="right", labelExpr=pounds(",.0f"), gradientLength=120),
        ),
        tooltip=[
            alt.Tooltip(f"{y}:N", title=y_title),
            alt.Tooltip(f"{x}:N", title=x_title),
            alt.Tooltip(f"{value}:Q", title="PV fiscal savings (£)", format=fmt),
        ],
    )
    label = (
        "format(datum.{v} / 1e6, ',.1f') + 'm'" if top >= 1e6 else "format(datum.{v}, ',.0f')"
    ).format(v=value)
    text = (
        base.mark_text(fontSize=12)
        .encode(
            text=alt.Text("label:N"),
            color=alt.condition(
                f"datum.{value} > {top / 2}", alt.value("white"), alt.value("black")
            ),
        )
        .transform_calculate(label=f"'£' + {label}")
    )
    # Streamlit fits the whole chart, axes included, into the height: leave room for the
    # slanted agency names under the matrix.
    rows = frame[y].nunique()
    return alt.layer(cells, text).properties(height=max(160, 56 * rows) + 110)


def strip(frame: pd.DataFrame, value: str, title: str, selected: str | None = None):
    """Each intervention's ROI as a dot on its place's row: the spread across places."""
    return (
        alt.Chart(frame)
        .mark_circle(size=90, opacity=0.85)
        .encode(
            y=alt.Y("place_name:N", title=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X(f"{value}:Q", title=title, scale=alt.Scale(zero=True)),
            color=_highlighted(selected),
            tooltip=[
                alt.Tooltip("place_name:N", title="Place"),
                alt.Tooltip("name:N", title="Intervention"),
                alt.Tooltip(f"{value}:Q", title=title, format=",.2f"),
            ],
        )
        .properties(height=bar_height(frame["place_name"].nunique()))
    )


def status_bars(frame: pd.DataFrame) -> alt.Chart:
    """Settlement checks per place, stacked pass / warn / fail."""
    domain = list(STATUS_COLOURS)
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("place_name:N", title=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X("sum(checks):Q", title="Checks", axis=alt.Axis(tickCount=4)),
            color=alt.Color(
                "status:N",
                title="Status",
                scale=alt.Scale(domain=domain, range=list(STATUS_COLOURS.values())),
                legend=alt.Legend(orient="bottom"),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("place_name:N", title="Place"),
                alt.Tooltip("status:N", title="Status"),
                alt.Tooltip("checks:Q", title="Checks"),
            ],
        )
        .transform_calculate(order="indexof(['fail', 'warn', 'pass'], datum.status)")
        .properties(height=bar_height(frame["place_name"].nunique()))
    )


def range_bars(frame: pd.DataFrame, y: str, low: str, high: str, mark: str) -> alt.LayerChart:
    """A bar from `low` to `high` per row (NPV with a rate lower and higher, say), with a rule
    at the first row's `mark` (the central NPV)."""
    bars = (
        alt.Chart(frame)
        .mark_bar(color=OTHERS)
        .encode(
            y=alt.Y(f"{y}:N", title=None),
            x=alt.X(f"{low}:Q", axis=money_axis(frame[high])),
            x2=f"{high}:Q",
            tooltip=[
                alt.Tooltip(f"{y}:N", title="Rate"),
                alt.Tooltip(f"{low}:Q", title="NPV, 10 points lower", format=",.0f"),
                alt.Tooltip(f"{high}:Q", title="NPV, 10 points higher", format=",.0f"),
            ],
        )
        .properties(height=bar_height(len(frame)))
    )
    rule = alt.Chart(frame.head(1)).mark_rule(color="black").encode(x=f"{mark}:Q")
    return alt.layer(bars, rule).properties(height=bar_height(len(frame)))


def indicator_lines(frame: pd.DataFrame, value_title: str, selected: str) -> alt.LayerChart:
    """One indicator over time: the selected place (thick, coloured), England (black,
    dashed) and every other combined authority (thin, grey)."""
    place = frame[["place_code", "place_name", "period", "place_value"]].rename(
        columns={"place_value": "value"}
    )
    england = (
        frame.dropna(subset=["england_value"])
        .groupby("period", as_index=False)["england_value"]
        .first()
        .rename(columns={"england_value": "value"})
        .assign(place_code="E92000001", place_name="England")
    )
    x = alt.X("period:N", title=None, axis=alt.Axis(labelAngle=0))
    y = alt.Y("value:Q", title=value_title, scale=alt.Scale(zero=False))
    tooltip = [
        alt.Tooltip("place_name:N", title="Place"),
        alt.Tooltip("period:N", title="Period"),
        alt.Tooltip("value:Q", title=value_title, format=",.1f"),
    ]
    others = place[place["place_code"] != selected]
    mine = place[place["place_code"] == selected]
    return alt.layer(
        alt.Chart(others)
        .mark_line(color="#bbbbbb", strokeWidth=1)
        .encode(x, y, detail="place_code:N", tooltip=tooltip),
        alt.Chart(england)
        .mark_line(color="black", strokeDash=[5, 3], strokeWidth=2)
        .encode(x, y, tooltip=tooltip),
        alt.Chart(mine)
        .mark_line(color=HIGHLIGHT, strokeWidth=3, point=True)
        .encode(x, y, tooltip=tooltip),
    ).properties(height=320)


def status_grid(frame: pd.DataFrame) -> alt.LayerChart:
    """Place (rows) x check (columns), each cell coloured by its worst status and written
    with it, so the status does not rest on colour alone."""
    domain = list(STATUS_COLOURS)
    base = alt.Chart(frame).encode(
        x=alt.X("check_name:N", title=None, axis=alt.Axis(labelAngle=-35, labelLimit=220)),
        y=alt.Y("place_name:N", title=None, axis=alt.Axis(labelLimit=220)),
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color(
            "status:N",
            title="Worst status",
            scale=alt.Scale(domain=domain, range=list(STATUS_COLOURS.values())),
            legend=alt.Legend(orient="bottom"),
        ),
        tooltip=[
            alt.Tooltip("place_name:N", title="Place"),
            alt.Tooltip("check_name:N", title="Check"),
            alt.Tooltip("status:N", title="Worst status"),
            alt.Tooltip("problems:Q", title="Rows warning or failing"),
            alt.Tooltip("checks:Q", title="Rows checked"),
        ],
    )
    text = base.mark_text(fontSize=11, color="white").encode(text="cell_text:N")
    rows = frame["place_name"].nunique() if len(frame) else 1
    return alt.layer(cells, text).properties(height=max(160, 30 * rows) + 150)
