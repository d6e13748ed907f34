"""Sheets as an Excel workbook for finance officers: values only (never a formula), numbers as
numbers in £#,##0, financial years as text like 2025-26, a frozen header row, an autofilter and
widths that fit the content."""

from __future__ import annotations

import math
from io import BytesIO
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from orchestration.core.export.sheets import (
    DECIMAL,
    MONEY,
    NUMBER,
    PER_HEAD,
    PERCENT,
    SHARE,
    TEXT,
    Sheet,
    neutralised,
)

NUMBER_FORMATS = {
    MONEY: "£#,##0",
    PER_HEAD: "£#,##0.00",
    SHARE: "0.0%",
    PERCENT: "0.0",
    NUMBER: "#,##0",
    DECIMAL: "#,##0.00",
    TEXT: "@",
}
WIDEST_COLUMN = 60
HEADER_ROW = 3  # row 1 the note, row 2 blank, row 3 the headers; a sheet without a note: row 1
BOLD = Font(bold=True)


def workbook_bytes(sheets: list[Sheet], title: str = "") -> bytes:
    """The workbook; `title` goes in its properties (a sheet name holds only 31 characters)."""
    book = Workbook()
    book.remove(book.active)
    if title:
        book.properties.title = title
    for sheet in sheets:
        _write_sheet(book, sheet)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_workbook(sheets: list[Sheet], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.partial")
    temporary.write_bytes(workbook_bytes(sheets))
    temporary.replace(path)
    return path


def header_row(sheet: Sheet) -> int:
    return HEADER_ROW if sheet.note else 1


def _write_sheet(book: Workbook, sheet: Sheet) -> None:
    page = book.create_sheet(sheet.name)
    top = header_row(sheet)
    if sheet.note:
        page.cell(row=1, column=1, value=neutralised(sheet.note)).font = BOLD
    columns = list(sheet.frame.columns)
    kinds = [sheet.kind(column) for column in columns]
    for index, column in enumerate(columns, start=1):
        page.cell(row=top, column=index, value=neutralised(sheet.header(column))).font = BOLD
    for offset, values in enumerate(sheet.frame.itertuples(index=False, name=None), start=1):
        for index, (value, kind) in enumerate(zip(values, kinds, strict=True), start=1):
            _write_cell(page, top + offset, index, value, kind)
    page.freeze_panes = page.cell(row=top + 1, column=1)
    if columns:
        last = f"{get_column_letter(len(columns))}{top + max(len(sheet.frame), 1)}"
        page.auto_filter.ref = f"A{top}:{last}"
    _fit_widths(page, sheet, kinds)


def _write_cell(page, row: int, column: int, value, kind: str) -> None:
    value = cell_value(value, kind)
    if value is None:
        return
    cell = page.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text (it is neutralised as well)
    else:
        cell.number_format = NUMBER_FORMATS[kind]


def cell_value(value, kind: str):
    """What goes in the cell: a number for a numeric column, text otherwise, nothing for a
    missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if kind == TEXT:
        if isinstance(value, bool):
            return "yes" if value else "no"
        return neutralised(str(value))
    return float(value) if kind in (MONEY, PER_HEAD, SHARE, PERCENT, DECIMAL) else int(value)


def _fit_widths(page, sheet: Sheet, kinds: list[str]) -> None:
    frame = sheet.frame
    sample = frame.head(500)
    for index, (column, kind) in enumerate(zip(frame.columns, kinds, strict=True), start=1):
        if kind == TEXT:
            longest = sample[column].astype(str).str.len().max() if len(sample) else 0
        else:
            longest = 14
        width = min(max(len(sheet.header(column)), int(longest or 0)) + 2, WIDEST_COLUMN)
        page.column_dimensions[get_column_letter(index)].width = width
