"""CSV and XLSX downloads of exactly the table a chart shows, written by the same code as
`wholeplace export` (orchestration/core/export/): values only, money as numbers in £#,##0 (pence
per head £#,##0.00), the header row frozen and filterable, text a spreadsheet would run as a
formula made inert, whole pounds in a CSV written without `.0`.

The frame's headers are the readable ones (`components.tables.shown`): a header ending "(£)"
is money, "(%)" a percentage, "(£ per £1)" a ratio.
"""

from __future__ import annotations

import pandas as pd

from orchestration.core.export.csv_folder import csv_bytes
from orchestration.core.export.sheets import Sheet, fitted_sheet_name, header_kind
from orchestration.core.export.xlsx import workbook_bytes


def sheet_of(frame: pd.DataFrame, title: str = "data") -> Sheet:
    """The table as one sheet, each column's kind read from its header's unit."""
    kinds = {str(column): header_kind(column, frame[column]) for column in frame.columns}
    return Sheet(fitted_sheet_name(title), frame.rename(columns=str), kinds=kinds)


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    return csv_bytes(sheet_of(frame))


def to_xlsx_bytes(frame: pd.DataFrame, title: str = "data") -> bytes:
    return workbook_bytes([sheet_of(frame, title)], title=str(title))
