"""Sheets as a folder of UTF-8 CSV files, one per sheet, with the same content as the workbook:
money as pounds and pence without a trailing `.0`, shares as fractions, text that a spreadsheet
would run as a formula neutralised."""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from pathlib import Path

import pandas as pd

from orchestration.core.export.sheets import MONEY, NUMBER, PER_HEAD, TEXT, Sheet, neutralised


def file_name(sheet: Sheet) -> str:
    return re.sub(r"[^a-z0-9]+", "_", sheet.name.lower()).strip("_") + ".csv"


def csv_text(sheet: Sheet) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    columns = list(sheet.frame.columns)
    kinds = [sheet.kind(column) for column in columns]
    writer.writerow(neutralised(sheet.header(column)) for column in columns)
    for values in sheet.frame.itertuples(index=False, name=None):
        writer.writerow(csv_value(v, k) for v, k in zip(values, kinds, strict=True))
    return buffer.getvalue()


def csv_value(value, kind: str) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if kind == TEXT:
        if isinstance(value, bool):
            return "true" if value else "false"
        return neutralised(str(value))
    if kind == NUMBER:
        return str(int(value))
    if kind in (MONEY, PER_HEAD):
        pence = f"{float(value):.2f}"
        return pence.removesuffix(".00")
    return repr(float(value)).removesuffix(".0")


def csv_bytes(sheet: Sheet) -> bytes:
    """One CSV as a download: the byte-order mark makes Excel read £ and names as UTF-8."""
    return csv_text(sheet).encode("utf-8-sig")


def write_folder(sheets: list[Sheet], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for sheet in sheets:
        (folder / file_name(sheet)).write_text(csv_text(sheet), encoding="utf-8")
    return folder


def zip_bytes(sheets: list[Sheet]) -> bytes:
    """The folder as one zip file, for a download button."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for sheet in sheets:
            archive.writestr(file_name(sheet), csv_text(sheet).encode("utf-8"))
    return buffer.getvalue()
