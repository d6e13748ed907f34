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
OUTLINE = BOUNDARIES.with_name("england_outline.geojson")  # orchestration/tools/england_outline
OUTLINE_DATASET = "england_outline"
MAP_HEIGHT = 600


@cache
def _features() -> tuple[dict, ...]:
    with BOUNDARIES.open(encoding="utf-8") as handle:
        return tuple(json.load(handle)["features"])


@cache
def _outline() -> tuple[dict, ...]:
    if not OUTLINE.is_file():
        return ()
    with OUTLINE.open(encoding="utf-8") as handle:
        return tuple(json.load(handle)["features"])


def legend_values(shown: pd.Series) -> list[float]:
    """Legend ticks that include the lowest and the highest value, so the top of the scale
    is labelled."""
    if shown.empty:
        return []
    low, high = float(shown.min()), float(shown.max())
    if low == high:
        return [low]
    middle = [0.0] if low < 0 < high else [(low + high) / 2]
    return [low, *middle, high]


def mapped_places() -> set[str]:
    return {f["properties"]["CAUTH25CD"] for f in _features()}


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
                legend=alt.Legend(
                    orient="bottom",
                    format=fmt,
                    labelExpr=pounds(fmt),
                    values=legend_values(shown),
                    gradientLength=320,
                    labelOverlap=False,
                ),
            ),
            tooltip=[
                alt.Tooltip("properties.name:N", title="Place"),
                alt.Tooltip("properties.value:Q", title=title, format=fmt),
            ],
        )
        .transform_filter("isValid(datum.properties.value)")
        .project(**projection)
    )
    outline = (
        alt.Chart(alt.NamedData(name=OUTLINE_DATASET))
        .mark_geoshape(filled=False, stroke="#555555", strokeWidth=0.7)
        .project(**projection)
    )
    layers = [outline, base, shaded] if _outline() else [base, shaded]
    if selected:
        # Outlined, not labelled on the map: a name written on a small place covers its
        # neighbours. The caption above the map names it and its figure.
        layers.append(
            alt.Chart(source)
            .mark_geoshape(filled=False, stroke="black", strokeWidth=2.5)
            .transform_filter(f"datum.properties.code == {json.dumps(selected)}")
            .project(**projection)
        )
    spec = alt.layer(*layers).properties(height=MAP_HEIGHT).to_dict(validate=False)
    spec.setdefault("datasets", {})[BOUNDARY_DATASET] = features
    if _outline():
        spec["datasets"][OUTLINE_DATASET] = list(_outline())
    return spec
