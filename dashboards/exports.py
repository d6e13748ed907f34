"""CSV and XLSX downloads of exactly the table a chart shows, safe to open in a spreadsheet and
formatted the way a finance officer reads money: £#,##0, the header row frozen and filterable,
columns wide enough to read, whole pounds in a CSV written without `.0`.

The frame's headers are the readable ones (`components.tables.shown`): a header ending "(£)"
is money, "(%)" a percentage, "(£ per £1)" a ratio.
"""

from __future__ import annotations

import io
import re

import pandas as pd
from openpyxl.utils import get_column_letter

# A spreadsheet runs a cell starting with one of these as a formula (CSV/formula injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAME_LIMIT = 31  # Excel's own limit
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MIN_WIDTH, MAX_WIDTH = 8, 60

POUNDS = "£#,##0;-£#,##0"
PENCE = "£#,##0.00;-£#,##0.00"
PERCENT = "0.0"
RATIO = "0.00"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def neutralise_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS) and not _is_number(value):
        return "'" + value
    return value


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy in which no text cell can be read as a formula; numbers are untouched."""
    out = frame.copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].map(neutralise_cell)
    return out


def number_format(header: str) -> str | None:
    """The Excel number format for a column, read from its header's unit."""
    header = str(header)
    if header.endswith("(£)"):
        return PENCE if "per head" in header.lower() else POUNDS
    if header.endswith("(£ per £1)"):
        return RATIO
    if header.endswith("(%)"):
        return PERCENT
    return None


def _whole(series: pd.Series) -> bool:
    values = series.dropna()
    return pd.api.types.is_float_dtype(series) and bool((values == values.round()).all())


def _csv_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """Whole numbers as integers (102000000, not 102000000.0); pence to two places."""
    out = neutralise(frame)
    for column in out.columns:
        series = out[column]
        if _whole(series):
            out[column] = series.round().astype("Int64")
        elif pd.api.types.is_float_dtype(series) and str(column).endswith("(£)"):
            out[column] = series.map(lambda v: "" if pd.isna(v) else f"{v:.2f}")
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    # The byte-order mark makes Excel read the £ sign and names as UTF-8.
    return _csv_ready(frame).to_csv(index=False).encode("utf-8-sig")


def sheet_name(title: str) -> str:
    """A sheet name Excel accepts: forbidden characters replaced and, past 31 characters,
    shortened at a word boundary (the full title is kept in the workbook's properties)."""
    name = _SHEET_FORBIDDEN.sub("-", str(title)).strip("' ") or "data"
    if len(name) <= SHEET_NAME_LIMIT:
        return name
    cut = name[:SHEET_NAME_LIMIT]
    words = re.split(r"[ _]", cut)
    shortened = cut[: cut.rfind(words[-1])].rstrip(" _") if len(words) > 1 else cut
    return shortened or cut


def _width(frame: pd.DataFrame, column: object, fmt: str | None) -> float:
    values = frame[column].dropna()
    if fmt and len(values):
        longest = max(len(f"£{abs(float(v)):,.2f}") + 1 for v in values)
    else:
        longest = max((len(str(v)) for v in values), default=0)
    return min(MAX_WIDTH, max(MIN_WIDTH, len(str(column)) + 2, longest + 2))


def to_xlsx_bytes(frame: pd.DataFrame, title: str = "data") -> bytes:
    """One sheet: the header row bold, frozen and filterable; money as numbers in £#,##0."""
    buffer = io.BytesIO()
    frame = neutralise(frame)
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        name = sheet_name(title)
        frame.to_excel(writer, sheet_name=name, index=False)
        book = writer.book
        book.properties.title = str(title)
        sheet = writer.sheets[name]
        sheet.freeze_panes = "A2"
        if len(frame.columns):
            sheet.auto_filter.ref = sheet.dimensions
        for index, column in enumerate(frame.columns, start=1):
            fmt = number_format(column)
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = _width(frame, column, fmt)
            if fmt:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = fmt
    return buffer.getvalue()
