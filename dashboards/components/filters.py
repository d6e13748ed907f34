"""Filters kept in the URL query string, so a link reproduces the view."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st

DEFAULT_PLACE = "E47000001"  # Greater Manchester
DEFAULT_YEAR = "2025-26"  # the first year of the integrated settlements
PER_HEAD_CHOICES = {"no": "Totals", "yes": "Per head"}
PRICES = {"nominal": "Cash (nominal)", "real": "Real terms"}


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


def choose_year(years: Sequence[str], label: str = "Financial year") -> str:
    """One financial year: 2025-26 where the snapshot has it, else the latest."""
    years = list(years)
    return choose("year", label, years, DEFAULT_YEAR if DEFAULT_YEAR in years else years[-1])


def choose_prices(real_note: str) -> str:
    """'nominal' or 'real'; `real_note` goes in brackets after "Real terms"."""
    return choose(
        "prices",
        "Prices",
        list(PRICES),
        "nominal",
        widget=st.radio,
        horizontal=True,
        format_func=lambda b: PRICES[b] if b == "nominal" else f"{PRICES[b]} ({real_note})",
    )
