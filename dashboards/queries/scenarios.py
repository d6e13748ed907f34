"""The Scenarios page's figures. The sliders become a scenario written as the YAML that
`wholeplace scenario` reads, and that text is parsed and computed by the command's own code
(orchestration/core/scenario.py, scenario_marts.py) from the published baseline marts: one
implementation, so the page and the command give the same figures, and no rebuild."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboards.queries.snapshot import Snapshot
from orchestration.core.export.snapshot import PublishedSnapshot
from orchestration.core.scenario import Change, Scenario, parse_scenario, scenario_yaml
from orchestration.core.scenario_marts import baseline_frames, comparison, scenario_frames

LOWEST, HIGHEST, STEP = -25.0, 25.0, 0.5  # percent
NEEDED = ("whole_place_budget", "pooled_budget")  # the baseline a scenario scales
SCENARIO_NAME = "dashboard-scenario"
SOURCE = "the Scenarios page"
# The measures the page shows, in `scenario_comparison`'s words -> the page's column stem.
SHOWN = {
    "pot_gbp_nominal": "pot",
    "whole_place_gbp_nominal": "whole_place",
    "retained_by_place_gbp": "retained",
}


def departments(snap: Snapshot) -> dict[str, str]:
    """Every department in the published whole-place budgets: code -> name."""
    frame = snap.query(
        "SELECT department, MAX(department_name) AS department_name FROM whole_place_budget "
        "GROUP BY department ORDER BY MAX(department_name), department",
        needs=("whole_place_budget",),
    )
    return dict(zip(frame["department"], frame["department_name"].fillna(""), strict=True))


def years(snap: Snapshot) -> list[str]:
    frame = snap.query(
        "SELECT DISTINCT financial_year FROM whole_place_budget ORDER BY financial_year",
        needs=("whole_place_budget",),
    )
    return frame["financial_year"].tolist()


def gain_share_settlements(snap: Snapshot) -> list[str]:
    """The settlements that prevention savings fall in: the ones a gain-share rate changes."""
    if not snap.has("place_prevention_summary"):
        return []
    frame = snap.query(
        "SELECT DISTINCT settlement_id FROM place_prevention_summary "
        "WHERE settlement_id IS NOT NULL ORDER BY settlement_id"
    )
    return frame["settlement_id"].tolist()


def parse_percent(text: object) -> float | None:
    """A link's change (`-5`, `2.5`), or None when it is not one a slider can be set to."""
    return _number_in(text, LOWEST, HIGHEST, STEP)


def parse_rate(text: object) -> float | None:
    """A link's gain-share rate in whole percent (`60`) as a share (0.6), or None."""
    value = _number_in(text, 0, 100, 1)
    return None if value is None else value / 100


def _number_in(text: object, low: float, high: float, step: float) -> float | None:
    try:
        value = float(str(text).strip().removesuffix("%"))
    except ValueError:
        return None
    if value != value or not low <= value <= high or not (value / step).is_integer():
        return None
    return value + 0.0  # -0.0 reads as 0


def page_scenario(
    percents: dict[str, float],
    applies_in: tuple[str, ...],
    gain_share: float | None,
    settlements: list[str],
) -> Scenario:
    """The scenario the sliders describe: a change per department that is not 0%, in the
    chosen years (none: every year), and one gain-share rate for every settlement."""
    changes = [
        Change(float(percent), department=department, years=tuple(applies_in))
        for department, percent in percents.items()
        if percent
    ]
    rates = {} if gain_share is None else dict.fromkeys(settlements, gain_share)
    words = [f"{d} {p:+g}%" for d, p in percents.items() if p]
    if applies_in:
        words.append(f"in {applies_in[0]} to {applies_in[-1]}")
    if gain_share is not None:
        words.append(f"gain-share rate {gain_share:.0%} in every settlement")
    description = "; ".join(words) or "no change: the published baseline"
    return Scenario(SCENARIO_NAME, description, changes, gain_share=rates)


@st.cache_data(show_spinner=False, max_entries=8)
def _baseline(folder: str, run_id: str) -> dict[str, pd.DataFrame]:
    # run_id is unused in the body: it is part of the cache key.
    return baseline_frames(PublishedSnapshot.at(Path(folder)))


@st.cache_data(show_spinner=False, max_entries=64)
def _compared(folder: str, run_id: str, scenario_text: str) -> pd.DataFrame:
    base = _baseline(folder, run_id)
    scenario = parse_scenario(scenario_text, SOURCE)
    return comparison(base, scenario_frames(scenario, base))


def scenario_comparison(snap: Snapshot, scenario: Scenario) -> pd.DataFrame:
    """`scenario_comparison` as `wholeplace scenario` writes it for the same YAML."""
    return _compared(snap.folder, snap.run_id, scenario_yaml(scenario))


def synthetic_places(snap: Snapshot) -> pd.DataFrame:
    """Whether each place's figures in each year are synthetic, from its whole-place budget."""
    return snap.query(
        "SELECT place_code, financial_year, BOOL_OR(is_synthetic) AS is_synthetic "
        "FROM whole_place_budget GROUP BY place_code, financial_year",
        needs=("whole_place_budget",),
    )


def _money(values: pd.Series) -> pd.Series:
    return pd.Series(
        [None if v is None or pd.isna(v) else float(v) for v in values], index=values.index
    ).astype("float64")


def by_place(compared: pd.DataFrame, year: str) -> pd.DataFrame:
    """One row per place in the year: baseline, scenario and difference of the pot and of the
    retained savings, and the whole-place budget per head (cash pounds per resident)."""
    rows = compared[compared["financial_year"] == year]
    places = rows.groupby("place_code", sort=True).agg(
        place_name=("place_name", "first"), population=("population", "max")
    )
    frame = places.reset_index()
    for measure, stem in SHOWN.items():
        part = rows[rows["measure"] == measure].set_index("place_code")
        values = {
            "baseline": _money(part["baseline_gbp"]),
            "scenario": _money(part["scenario_gbp"]),
            "difference": _money(part["difference_gbp"]),
        }
        if stem == "whole_place":
            heads = part["population"].astype("float64")
            values = {
                "baseline": values["baseline"] / heads,
                "scenario": values["scenario"] / heads,
                "difference": _money(part["difference_per_head_gbp"]),
            }
            for kind, series in values.items():
                frame[f"{stem}_{kind}_per_head"] = frame["place_code"].map(series)
        else:
            for kind, series in values.items():
                frame[f"{stem}_{kind}_gbp"] = frame["place_code"].map(series)
    frame["population"] = frame["population"].astype("Int64")
    return frame


def totals(compared: pd.DataFrame, year: str) -> dict[str, tuple[Decimal, Decimal]]:
    """Each shown measure's baseline and scenario summed over every place in the year."""
    rows = compared[compared["financial_year"] == year]
    found = {}
    for measure in SHOWN:
        if measure not in set(compared["measure"]):
            continue  # its mart is not published
        part = rows[rows["measure"] == measure]
        found[measure] = (sum(part["baseline_gbp"], Decimal(0)),
                          sum(part["scenario_gbp"], Decimal(0)))  # fmt: skip
    return found
