"""`wholeplace ingest PATH [--out FEEDS_DIR]`: recognise a published file by its headers, adapt it
into a wholeplace feed or reference table, check the result against that contract, and (with
--out) write it into a feeds directory. Also used by the inbox asset of the build."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from orchestration.adapters import (
    ADAPTERS,
    AdaptContext,
    Adapted,
    Adapter,
    AdapterError,
    UnrecognisedFile,
    ons_lookup,
    recognise_table,
)
from orchestration.adapters.base import READABLE_SUFFIXES, Table
from schemas import contract_named
from schemas.common import FeedContract, Problem, ValidationContext
from schemas.validate import validate_frames

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
PROBLEMS_SHOWN = 10


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
    text.insert(0, "source_row", range(1, len(text) + 1))
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


def ingest(path: Path, out: Path | None, price_base_year: str = "2024-25") -> int:
    from orchestration.cli import UsageError
    from orchestration.ingest import reference_context

    if not path.exists():
        raise UsageError(f"{path} does not exist")
    if out is not None and out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is not a folder")
    items = recognise_all(files_under(path))
    if not items:
        raise UsageError(f"{path} has no .csv, .xlsx or .json files")
    context = AdaptContext.for_feeds(out, price_base_year)
    validation, _ = reference_context(out if out is not None else Path("/nonexistent"))
    status = EXIT_OK
    for item in items:
        print(f"\n{item.path.name}")
        if item.error:
            print(f"  REFUSED: {item.error}", file=sys.stderr)
            status = EXIT_FAILED
            continue
        print(
            f"  adapter: {item.adapter.name} ({item.adapter.title}); header at {item.table.where}"
        )
        adapt_file(item, context)
        if item.error:
            print(f"  FAILED: {item.error}", file=sys.stderr)
            status = EXIT_FAILED
            continue
        adapted = item.adapted
        print(f"  produced: {adapted.describe()} source rows")
        for note in adapted.notes:
            print(f"  - {note}")
        display = f"{adapted.folder}/{adapted.file_name}"
        item.loaded, item.set_aside, item.problems = check(adapted, display, validation)
        report_contract(item)
        if item.blocking:
            status = EXIT_FAILED
        if out is None:
            print(f"  (not written: add --out FEEDS_DIR to write {display})")
            continue
        verb = "replaced" if output_path(adapted, out).exists() else "wrote"
        target = write(adapted, out)
        print(f"  {verb} {target}")
        if adapted.folder == "reference":
            validation.reference[adapted.target] = item.loaded
    return status


def report_contract(item: Ingested) -> None:
    contract = item.contract
    loaded, set_aside = len(item.loaded), len(item.set_aside)
    warnings = [p for p in item.problems if p.severity == "warn"]
    print(
        f"  contract {contract.name}: {loaded:,} row(s) pass, {set_aside:,} would be "
        f"{'set aside' if contract.row_problems == 'quarantine' else 'refused'}"
        + (f", {len(warnings)} warning(s)" if warnings else "")
    )
    for problem in [p for p in item.problems if p.severity != "warn"][:PROBLEMS_SHOWN]:
        print(f"    {problem.severity}: {problem}")
    hidden = len([p for p in item.problems if p.severity != "warn"]) - PROBLEMS_SHOWN
    if hidden > 0:
        print(f"    ... and {hidden} more")


def known_formats_text() -> str:
    return "\n".join(f"  {a.name}: {a.title} -> {a.target}" for a in ADAPTERS)
