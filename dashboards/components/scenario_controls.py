"""The Scenarios page's sliders, kept in the URL so a link reproduces the scenario:
`dept_<department>=<percent>` for each department that changes (`?dept_DfE=-5`) and
`gain_share=<percent>` when one rate replaces the agreed ones. A link's value that no slider can
take is named in one notice (`bad_link_notice`) and the slider starts from its default."""

from __future__ import annotations

import streamlit as st

from dashboards.components import filters
from dashboards.queries.scenarios import HIGHEST, LOWEST, STEP, parse_percent, parse_rate

DEPARTMENT_PARAM = "dept_"
GAIN_SHARE_PARAM = "gain_share"
AS_AGREED = "As agreed"
RATES = [AS_AGREED] + [f"{rate}%" for rate in range(0, 101, 5)]
_BAD = "_scenario_bad_link"


def start() -> None:
    st.session_state[_BAD] = []


def _bad(what: str) -> None:
    st.session_state.setdefault(_BAD, []).append(what)


def _keep_in_link(param: str, text: str | None) -> None:
    """The value in the URL; a default leaves the URL (so a link names only what changes)."""
    if text is None:
        if param in st.query_params:
            del st.query_params[param]
    else:
        st.query_params[param] = text


def percent_slider(department: str, name: str) -> float:
    """A change to one department's allocations, in percent (0: unchanged)."""
    param = f"{DEPARTMENT_PARAM}{department}"
    key = filters.widget_key(param)
    if key not in st.session_state:
        wanted = st.query_params.get(param)
        value = 0.0 if wanted is None else parse_percent(wanted)
        if value is None:
            _bad(f"{param}={wanted} (a change from {LOWEST:+g}% to {HIGHEST:+g}% in steps of "
                 f"{STEP:g})")  # fmt: skip
            value = 0.0
        st.session_state[key] = value
    value = st.slider(
        f"{name} ({department})" if name else department,
        min_value=LOWEST,
        max_value=HIGHEST,
        step=STEP,
        format="%+.1f%%",
        key=key,
        persist_state="session",
    )
    _keep_in_link(param, f"{value:g}" if value else None)
    return value


def unknown_departments(departments: dict[str, str]) -> None:
    """A link naming a department the snapshot does not have: named in the notice, then
    dropped from the URL."""
    for param in list(st.query_params):
        if param.startswith(DEPARTMENT_PARAM) and param[len(DEPARTMENT_PARAM) :] not in departments:
            _bad(f"{param}={st.query_params[param]} (no such department in this snapshot)")
            del st.query_params[param]


def gain_share_slider() -> float | None:
    """One gain-share rate for every settlement, or None to keep the agreed rates."""
    key = filters.widget_key(GAIN_SHARE_PARAM)
    if key not in st.session_state:
        wanted = st.query_params.get(GAIN_SHARE_PARAM)
        rate = None if wanted is None else parse_rate(wanted)
        if wanted is not None and (rate is None or f"{rate:.0%}" not in RATES):
            _bad(f"{GAIN_SHARE_PARAM}={wanted} (a rate from 0% to 100% in steps of 5)")
            rate = None
        st.session_state[key] = AS_AGREED if rate is None else f"{rate:.0%}"
    choice = st.select_slider(
        "Gain-share rate in every settlement",
        RATES,
        key=key,
        help="The share of the national cashable savings a place keeps. 'As agreed' keeps "
        "each settlement's own rate.",
        persist_state="session",
    )
    rate = None if choice == AS_AGREED else int(choice.removesuffix("%")) / 100
    _keep_in_link(GAIN_SHARE_PARAM, None if rate is None else f"{rate * 100:g}")
    return rate


def bad_link_notice() -> str | None:
    """One sentence for every value in the link the page could not use."""
    bad = list(st.session_state.get(_BAD) or [])
    if not bad:
        return None
    listed = "; ".join(bad)
    return (
        f"The link asked for something this page cannot show, so it starts from no change "
        f"there instead: {listed}."
    )
