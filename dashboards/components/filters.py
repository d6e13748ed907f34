"""Filters kept in the URL query string, so a link reproduces the view.

The place and the year follow the reader from page to page; every other setting (totals or
per head, prices, sorting, ranges) belongs to its page and stays on it. A link asking for
something the snapshot does not have gets one notice for the whole page (`link_notice`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st

DEFAULT_PLACE = "E47000001"  # Greater Manchester
DEFAULT_YEAR = "2025-26"  # the first year of the integrated settlements
PER_HEAD_CHOICES = {"no": "Totals", "yes": "Per head"}
PRICES = {"nominal": "Cash (nominal)", "real": "Real terms"}
SHARED = ("place", "year")  # the filters that follow the reader to other pages
# What a link's parameter asks for, in the notice when the snapshot does not have it.
ASKED_FOR = {
    "place": "city-region",
    "year": "financial year",
    "years": "range of years",
    "prices": "prices",
    "per_head": "choice of totals or per head",
    "by": "grouping",
    "sort": "sort order",
    "intervention": "intervention",
    "indicator": "indicator",
}
_PAGE = "_filters_page"
_UNKNOWN = "_filters_unknown"


def start_page(slug: str) -> None:
    """Called once per run before any filter: names the page whose settings these are."""
    st.session_state[_PAGE] = slug
    st.session_state[_UNKNOWN] = []


def widget_key(param: str) -> str:
    if param in SHARED:
        return f"filter_{param}"
    return f"filter_{st.session_state.get(_PAGE, 'page')}_{param}"


def _not_in_snapshot(param: str) -> None:
    unknown = st.session_state.setdefault(_UNKNOWN, [])
    noun = ASKED_FOR.get(param, param.replace("_", " "))
    if noun not in unknown:
        unknown.append(noun)


def link_notice() -> str | None:
    """One sentence for everything the link asked for that this snapshot does not have."""
    unknown = list(st.session_state.get(_UNKNOWN) or [])
    if not unknown:
        return None
    things = unknown[0] if len(unknown) == 1 else ", ".join(unknown[:-1]) + " and " + unknown[-1]
    verb, default = ("is", "default") if len(unknown) == 1 else ("are", "defaults")
    return (
        f"The link's {things} {verb} not in this snapshot, so the page shows the {default} instead."
    )


def choose(
    param: str,
    label: str,
    options: Sequence[str],
    default: str,
    widget: Callable = st.selectbox,
    **kwargs,
) -> str:
    """A filter kept in the URL query string, so a link reproduces the view."""
    key = widget_key(param)
    current = st.session_state.get(key)
    if current not in options:
        wanted = st.query_params.get(param)
        if key not in st.session_state and wanted is not None and wanted not in options:
            _not_in_snapshot(param)
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
    key = widget_key(param)
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
            _not_in_snapshot(param)
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


def _start(year: object) -> int | None:
    text = str(year or "")
    return int(text[:4]) if text[:4].isdigit() else None


def ended(places: pd.DataFrame) -> dict[str, str]:
    """The places that no longer exist (their last year is before the latest place's last
    year), with their last financial year."""
    if "last_year" not in places or places.empty:
        return {}
    latest = max((_start(y) or 0) for y in places["last_year"])
    return {
        code: str(last)
        for code, last in zip(places["place_code"], places["last_year"], strict=True)
        if _start(last) is not None and _start(last) < latest
    }


def place_names(places: pd.DataFrame) -> dict[str, str]:
    """The names a place list shows: an abolished place says until when it existed."""
    gone = ended(places)
    return {
        code: f"{name} (abolished; until {gone[code]})" if code in gone else name
        for code, name in zip(places["place_code"], places["place_name"], strict=True)
    }


def choose_place(places: pd.DataFrame, label: str = "City-region") -> str:
    names = place_names(places)
    codes = list(names)
    return choose(
        "place",
        label,
        codes,
        DEFAULT_PLACE if DEFAULT_PLACE in names else codes[0],
        format_func=lambda code: names.get(code, code),
    )


def not_in_existence(places: pd.DataFrame, place: str, year: str) -> str | None:
    """Why the place has no figures in the year, when it did not exist then."""
    row = places[places["place_code"] == place]
    if row.empty or "first_year" not in row:
        return None
    name, first, last = row.iloc[0][["place_name", "first_year", "last_year"]]
    when = _start(year)
    if when is None:
        return None
    if _start(last) is not None and when > _start(last):
        return (
            f"{name} was abolished: {last} was its last financial year, so it has no "
            f"figures for {year}."
        )
    if _start(first) is not None and when < _start(first):
        return f"{name} did not exist yet in {year}: its first financial year was {first}."
    return None


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
