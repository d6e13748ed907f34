"""`wholeplace ingest PATH [--out FEEDS_DIR]`: adapt published government files into feeds, say
which adapter read each one and what it produced, and (with --out) write them."""

from __future__ import annotations

import sys
from pathlib import Path

from orchestration.cli.output import EXIT_BLOCKED, EXIT_OK
from orchestration.core.adapt_files import (
    Ingested,
    adapt_file,
    check,
    files_under,
    output_path,
    recognise_all,
    write,
)
from orchestration.core.adapters import AdaptContext
from orchestration.core.errors import UsageError
from orchestration.core.load_feeds import reference_context
from orchestration.core.settings import DEFAULT_PRICE_BASE

PROBLEMS_SHOWN = 10


def ingest(path: Path, out: Path | None, price_base_year: str = DEFAULT_PRICE_BASE) -> int:
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
            status = EXIT_BLOCKED
            continue
        print(
            f"  adapter: {item.adapter.name} ({item.adapter.title}); header at {item.table.where}"
        )
        adapt_file(item, context)
        if item.error:
            print(f"  FAILED: {item.error}", file=sys.stderr)
            status = EXIT_BLOCKED
            continue
        adapted = item.adapted
        print(f"  produced: {adapted.describe()} source rows")
        for note in adapted.notes:
            print(f"  - {note}")
        display = f"{adapted.folder}/{adapted.file_name}"
        item.loaded, item.set_aside, item.problems = check(adapted, display, validation)
        report_contract(item)
        if item.blocking:
            status = EXIT_BLOCKED
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
