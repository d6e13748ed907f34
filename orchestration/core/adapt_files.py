"""Published files through the adapters: recognise a file by its headers, adapt it into a
wholeplace feed or reference table, and check the result against that contract. Used by
`wholeplace ingest` and by the build's inbox."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from orchestration.core.adapters import (
    AdaptContext,
    Adapted,
    Adapter,
    AdapterError,
    UnrecognisedFile,
    ons_lookup,
    recognise_table,
)
from orchestration.core.adapters.base import READABLE_SUFFIXES, Table
from orchestration.core.feed_files import spreadsheet_rows
from schemas import contract_named
from schemas.common import FeedContract, Problem, ValidationContext
from schemas.validate import validate_frames


@dataclass
class Ingested:
    """One file through an adapter and the contract it feeds."""

    path: Path
    adapter: Adapter | None = None
    table: Table | None = None
    adapted: Adapted | None = None
    loaded: pd.DataFrame | None = None
    set_aside: pd.DataFrame | None = None
    problems: list[Problem] = field(default_factory=list)
    error: str | None = None

    @property
    def contract(self) -> FeedContract | None:
        return contract_named(self.adapted.target) if self.adapted else None

    @property
    def blocking(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "block"]


def files_under(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(
            p
            for p in path.iterdir()
            if p.is_file()
            and p.suffix.lower() in READABLE_SUFFIXES
            and not p.name.startswith(("~$", "."))
        )
    return [path]


def recognise_all(paths: list[Path]) -> list[Ingested]:
    """Recognise every file, then order them so successive ONS lookups merge oldest first."""
    found = []
    for path in paths:
        item = Ingested(path)
        try:
            item.adapter, item.table = recognise_table(path)
        except UnrecognisedFile as error:
            item.error = str(error)
        found.append(item)

    def order(item: Ingested):
        if item.adapter is ons_lookup.ADAPTER:
            columns = ons_lookup.vintage_columns(item.table.headers)
            return (0, columns["year"], item.path.name)
        return (1, "", item.path.name)

    return sorted(found, key=order)


def as_text(frame: pd.DataFrame, display_name: str) -> pd.DataFrame:
    text = frame.astype(object).where(frame.notna(), "").astype(str)
    text.insert(0, "source_row", spreadsheet_rows(len(text)))
    text.insert(0, "source_file", display_name)
    return text


def check(
    adapted: Adapted, display_name: str, context: ValidationContext
) -> tuple[pd.DataFrame, pd.DataFrame, list[Problem]]:
    """The adapted rows against the contract they are for, as the build would check them."""
    contract = contract_named(adapted.target)
    return validate_frames(
        contract, [(display_name, as_text(adapted.frame, display_name))], context
    )


def adapt_file(item: Ingested, context: AdaptContext) -> None:
    try:
        item.adapted = item.adapter.adapt(item.path, context, item.table)
    except AdapterError as error:
        item.error = str(error)
        return
    if item.adapted.target == "membership":
        context.membership = item.adapted.frame[ons_lookup.COLUMNS].copy()
        context.membership_source = f"the membership history as updated by {item.path.name}"


def output_path(adapted: Adapted, out: Path) -> Path:
    return out / adapted.folder / adapted.file_name


def write(adapted: Adapted, out: Path) -> Path:
    target = output_path(adapted, out)
    target.parent.mkdir(parents=True, exist_ok=True)
    adapted.frame.to_csv(target, index=False, encoding="utf-8")
    return target
