"""Packs and the national workbook written to disk (the command line) or as bytes (the
dashboard's download buttons), in either format, from the same sheets."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from orchestration.core.export import csv_folder, xlsx
from orchestration.core.export.national import NATIONAL_FILE_STEM, national_workbook
from orchestration.core.export.pack import pack_scope, settlement_pack
from orchestration.core.export.sheets import Sheet
from orchestration.core.export.snapshot import PublishedSnapshot


@dataclass(frozen=True)
class Download:
    file_name: str
    data: bytes
    mime: str


def write(sheets: list[Sheet], stem: str, out: Path, format: str) -> Path:
    """The workbook as out/STEM.xlsx, or the CSVs in the folder out/STEM/."""
    if format == "xlsx":
        return xlsx.write_workbook(sheets, out / f"{stem}.xlsx")
    return csv_folder.write_folder(sheets, out / stem)


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(sheets: list[Sheet], stem: str, format: str) -> Download:
    if format == "xlsx":
        return Download(f"{stem}.xlsx", xlsx.workbook_bytes(sheets), XLSX_MIME)
    if len(sheets) == 1:  # one table: the CSV itself rather than a zip of one file
        return Download(f"{stem}.csv", csv_folder.csv_bytes(sheets[0]), "text/csv")
    return Download(f"{stem}.zip", csv_folder.zip_bytes(sheets), "application/zip")


def pack_download(
    folder: Path, place: str, year: str | None = None, format: str = "xlsx"
) -> Download:
    """The settlement pack of one place (and year) of the snapshot in `folder`."""
    snap = PublishedSnapshot.at(Path(folder))
    scope = pack_scope(snap, place, year=year)
    return download(settlement_pack(snap, scope), scope.file_stem, format)


def national_download(folder: Path, format: str = "xlsx") -> Download:
    snap = PublishedSnapshot.at(Path(folder))
    return download(national_workbook(snap), NATIONAL_FILE_STEM, format)
