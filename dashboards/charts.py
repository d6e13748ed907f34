"""Altair charts the pages share. Colours come from the Okabe-Ito palette or viridis, both
readable with the common forms of colour blindness; money axes read £, £m or £bn."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import altair as alt
import pandas as pd

from dashboards.ui import PALETTE, bar_height, money_axis

BOUNDARIES = (
    Path(__file__).resolve().parent
    / "assets"
    / ("combined_authorities_CAUTH25_EN_BUC_DERIVED.geojson")
)
BOUNDARIES_CREDIT = (
    "Boundaries: combined authorities (May 2025), derived from ONS boundaries, Open Government "
    "Licence v3.0. Contains OS data © Crown copyright and database right."
)
BOUNDARY_DATASET = "combined_authority_boundaries"
MAP_HEIGHT = 600
STATUS_COLOURS = {"pass": "#0072B2", "warn": "#E69F00", "fail": "#D55E00"}
HIGHLIGHT, OTHERS = "#D55E00", "#0072B2"


def money_format(values: pd.Series) -> str:
    """A d3 format for tooltips: pence for per-head figures, whole pounds otherwise."""
    top = float(values.abs().max() or 0) if len(values) else 0.0
    return ",.2f" if top < 100 else ",.0f"


@cache
def _features() -> tuple[dict, ...]:
    with BOUNDARIES.open(encoding="utf-8") as handle:
        return tuple(json.load(handle)["features"])


def mapped_places() -> set[str]:
    return {f["properties"]["CAUTH25CD"] for f in _features()}


def _ring_centroid(ring: list) -> tuple[float, float, float]:
    """Area and centroid of a polygon ring (shoelace formula, in degrees: fine for a label)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if not area:
        return 0.0, ring[0][0], ring[0][1]
    return abs(area / 2), cx / (3 * area), cy / (3 * area)


@cache
def label_point(code: str) -> tuple[float, float] | None:
    """Where to write a place's name: the centroid of its largest polygon."""
    for feature in _features():
        if feature["properties"]["CAUTH25CD"] == code:
            geometry = feature["geometry"]
            polygons = (
                [geometry["coordinates"]]
                if geometry["type"] == "Polygon"
                else geometry["coordinates"]
            )
            _, lon, lat = max(_ring_centroid(polygon[0]) for polygon in polygons)
            return lon, lat
    return None


def choropleth(frame: pd.DataFrame, value: str, title: str, selected: str | None = None) -> dict:
    """England's combined authorities shaded by `value` (one row per place_code); places
    without a figure are grey, the selected place is outlined and labelled.

    Returns a Vega-Lite spec: the boundaries travel as a named GeoJSON dataset added after
    Altair has written the spec, because Altair copies and validates every coordinate of
    inline data, which took most of a second per render."""
    values = frame.set_index("place_code")[value].to_dict()
    names = frame.set_index("place_code")["place_name"].to_dict()
    features = []
    for feature in _features():
        code = feature["properties"]["CAUTH25CD"]
        figure = values.get(code)
        features.append(
            {
                "type": "Feature",
                "geometry": feature["geometry"],
                "properties": {
                    "code": code,
                    "name": names.get(code) or feature["properties"]["CAUTH25NM"],
                    "value": None if figure is None or pd.isna(figure) else float(figure),
                },
            }
        )
    shown = pd.Series([f["properties"]["value"] for f in features], dtype=float).dropna()
    diverging = len(shown) and shown.min() < 0 < shown.max()
    scale = (
        alt.Scale(scheme="blueorange", domainMid=0, reverse=True)
        if diverging
        else alt.Scale(scheme="viridis", reverse=True)
    )
    fmt = money_format(shown)
    source = alt.NamedData(name=BOUNDARY_DATASET)
    projection = {"type": "mercator"}
    base = (
        alt.Chart(source)
        .mark_geoshape(fill="#dddddd", stroke="white", strokeWidth=0.8)
        .encode(tooltip=[alt.Tooltip("properties.name:N", title="Place")])
        .project(**projection)
    )
    shaded = (
        alt.Chart(source)
        .mark_geoshape(stroke="white", strokeWidth=0.8)
        .encode(
            color=alt.Color(
                "properties.value:Q",
                title=title,
                scale=scale,
                legend=alt.Legend(orient="bottom", format=fmt, labelExpr=_pounds(fmt)),
            ),
            tooltip=[
                alt.Tooltip("properties.name:N", title="Place"),
                alt.Tooltip("properties.value:Q", title=title, format=fmt),
            ],
        )
        .transform_filter("isValid(datum.properties.value)")
        .project(**projection)
    )
    layers = [base, shaded]
    if selected:
        layers.append(
            alt.Chart(source)
            .mark_geoshape(filled=False, stroke="black", strokeWidth=2.5)
            .transform_filter(f"datum.properties.code == {json.dumps(selected)}")
            .project(**projection)
        )
        layers += _label(selected, names.get(selected, selected), values.get(selected), fmt)
    spec = alt.layer(*layers).properties(height=MAP_HEIGHT).to_dict(validate=False)
    spec.setdefault("datasets", {})[BOUNDARY_DATASET] = features
    return spec


def _label(code: str, name: str, figure: float | None, fmt: str) -> list[alt.Chart]:
    """The place's name and figure, written at its centroid over a white halo."""
    point = label_point(code)
    if point is None:
        return []
    text = name
    if figure is not None and not pd.isna(figure):
        text += f": {'-' if figure < 0 else ''}£{abs(figure):{fmt}}"
    label = alt.Data(values=[{"lon": point[0], "lat": point[1], "text": text}])
    marks = [
        {"stroke": "white", "strokeWidth": 3, "strokeOpacity": 0.9},
        {"color": "black"},
    ]
    return [
        alt.Chart(label)
        .mark_text(fontSize=13, fontWeight="bold", dx=12, align="left", **mark)
        .encode(longitude="lon:Q", latitude="lat:Q", text="text:N")
        .project(type="mercator")
        for mark in marks
    ]


def _pounds(fmt: str) -> str:
    return f"(datum.value < 0 ? '-£' : '£') + format(abs(datum.value), '{fmt}')"


def ranked_bars(
    frame: pd.DataFrame, value: str, title: str, selected: str | None = None
) -> alt.Chart:
    """One bar per place, largest first, the selected place in another colour."""
    fmt = money_format(frame[value])
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("place_name:N", title=None, sort="-x", axis=alt.Axis(labelLimit=260)),
            x=alt.X(f"{value}:Q", axis=money_axis(frame[value])),
            color=alt.condition(
                alt.datum.place_code == (selected or ""),
                alt.value(HIGHLIGHT),
                alt.value(OTHERS),
            ),
            tooltip=[
                alt.Tooltip("place_name:N", title="Place"),
                alt.Tooltip(f"{value}:Q", title=title, format=fmt),
            ],
        )
        .properties(height=bar_height(len(frame)))
    )


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
        category = alt.Y(f"{x}:N", title=x_title, axis=alt.Axis(labelLimit=220))
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
            color=alt.Color(
                f"{colour}:N",
                title=colour_title,
                sort=domain,
                scale=alt.Scale(domain=domain, range=PALETTE[: len(domain)]),
                legend=alt.Legend(orient="bottom"),
            ),
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
            color=alt.Color(
                f"{colour}:N",
                title=None,
                sort=domain,
                scale=alt.Scale(domain=domain, range=PALETTE[: len(domain)]),
                legend=alt.Legend(orient="bottom", symbolType="stroke", symbolStrokeWidth=3),
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
            legend=alt.Legend(orient="right", labelExpr=_pounds(",.0f"), gradientLength=120),
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
            color=alt.condition(
                alt.datum.place_code == (selected or ""),
                alt.value(HIGHLIGHT),
                alt.value(OTHERS),
            ),
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
