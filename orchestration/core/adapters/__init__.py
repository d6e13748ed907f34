"""Adapters: published government files in, wholeplace's feed and reference contracts out.

One module per publisher format. `recognise(path)` reads the file's candidate header rows (the
first rows of every sheet, or the keys of a JSON file) and returns the adapter whose headers
they are; the file name is never used to decide. `adapt(path)` runs it.

    from orchestration.core.adapters import adapt, recognise
    adapter = recognise(Path("CRA_2018_Database_for_Publication_rvsd.xlsx"))  # -> cra
    adapted = adapt(Path("..."))  # rows for the regional_spend feed, with notes
"""

from __future__ import annotations

from pathlib import Path

from orchestration.core.adapters import (
    cra,
    deflators,
    ons_lookup,
    outcomes,
    revenue_outturn,
    unit_costs,
)
from orchestration.core.adapters.base import (
    READABLE_SUFFIXES,
    Adapted,
    Adapter,
    AdapterError,
    Table,
    UnrecognisedFile,
    candidate_tables,
)
from orchestration.core.adapters.context import AdaptContext

# Most specific first: a file is given to the first adapter that recognises it.
ADAPTERS: list[Adapter] = [
    ons_lookup.ADAPTER,
    revenue_outturn.ADAPTER,
    cra.ADAPTER,
    unit_costs.ADAPTER,
    deflators.ADAPTER,
    outcomes.ADAPTER,
]

__all__ = [
    "ADAPTERS",
    "AdaptContext",
    "Adapted",
    "Adapter",
    "AdapterError",
    "UnrecognisedFile",
    "adapt",
    "known_formats",
    "recognise",
    "recognise_table",
]


def known_formats() -> list[str]:
    return [f"{a.name}: {a.title}" for a in ADAPTERS]


def recognise_table(path: Path) -> tuple[Adapter, Table]:
    """The adapter for this file and the header row it recognised; UnrecognisedFile if none."""
    path = Path(path)
    if path.suffix.lower() not in READABLE_SUFFIXES:
        raise UnrecognisedFile(path, [], known_formats())
    try:
        tables = candidate_tables(path)
    except Exception as error:  # a broken workbook or CSV: say so, with the formats known
        raise UnrecognisedFile(path, [(f"unreadable ({error})", [])], known_formats()) from error
    for adapter in ADAPTERS:
        table = adapter.recognise(tables)
        if table is not None:
            return adapter, table
    seen = [(t.where, list(t.headers)) for t in tables]
    raise UnrecognisedFile(path, seen, known_formats())


def recognise(path: Path) -> Adapter:
    """The adapter whose publisher format this file is, decided by its headers."""
    return recognise_table(path)[0]


def adapt(path: Path, context: AdaptContext | None = None) -> Adapted:
    adapter, table = recognise_table(path)
    return adapter.adapt(Path(path), context or AdaptContext.for_feeds(None), table)
