"""`wholeplace export`: a settlement pack for one place, or the national workbook, from the
published snapshot, as an Excel workbook or a folder of CSVs."""

from __future__ import annotations

from pathlib import Path

from orchestration.cli.output import EXIT_OK, say
from orchestration.core.export.common import is_synthetic
from orchestration.core.export.national import NATIONAL_FILE_STEM, national_workbook
from orchestration.core.export.pack import pack_scope, settlement_pack
from orchestration.core.export.sheets import Sheet
from orchestration.core.export.snapshot import PublishedSnapshot
from orchestration.core.export.write import write


def export(
    warehouse: Path,
    out: Path,
    format: str,
    place: str | None = None,
    settlement: str | None = None,
    year: str | None = None,
) -> int:
    """A pack when `place` is given, else the national workbook."""
    snap = PublishedSnapshot.open(warehouse)
    if place is None:
        sheets, stem = national_workbook(snap), NATIONAL_FILE_STEM
        what = "national workbook"
    else:
        scope = pack_scope(snap, place, settlement, year)
        sheets, stem = settlement_pack(snap, scope), scope.file_stem
        what = f"settlement pack for {scope.place_name} ({place})"
    written = write(sheets, stem, out, format)
    say(f"wrote the {what} to {written}")
    say(f"  from snapshot {snap.folder.name} (run {snap.manifest.get('run_id', '?')})")
    for sheet in sheets:
        say(f"  {_sheet_line(sheet)}")
    if is_synthetic(snap):
        say("  SYNTHETIC: the snapshot holds synthetic demo data; the cover sheet says so.")
    return EXIT_OK


def _sheet_line(sheet: Sheet) -> str:
    rows = len(sheet.frame)
    return f"{sheet.name}: {rows:,} row{'' if rows == 1 else 's'}"
