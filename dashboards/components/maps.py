"""England's combined authorities on a map, shaded by a figure per place."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import altair as alt
import pandas as pd

from dashboards.components.charts import money_format, pounds

BOUNDARIES = (
    Path(__file__).resolve().parents[1]
    / "assets"
    / ("combined_authorities_CAUTH25_EN_BUC_DERIVED.geojson")
)
BOUNDARIES_CREDIT = (
    "Boundaries: combined authorities (May 2025), derived from ONS boundaries, Open Government "
    "Licence v3.0. Contains OS data © Crown copyright and database right."
)
BOUNDARY_DATASET = "combined_authority_boundaries"
MAP_HEIGHT = 600


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
                legend=alt.Legend(orient="bottom", format=fmt, labelExpr=pounds(fmt)),
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
