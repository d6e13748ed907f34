"""A workbook is a list of sheets; a sheet is a titled table. How each column is shown (pounds,
pence per head, a share, text) follows from its name, the way the marts name their units, so the
Excel and CSV writers agree without a list per sheet."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

EXCEL_SHEET_NAME_LIMIT = 31
# Characters Excel refuses in a sheet name.
SHEET_NAME_FORBIDDEN = set("[]:*?/\\")
# A cell starting with one of these is read as a formula by Excel and other spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

MONEY = "money"  # whole pounds: £#,##0
PER_HEAD = "per_head"  # pounds and pence: £#,##0.00
SHARE = "share"  # 0.0%
PERCENT = "percent"  # a percentage already in points (12.3 for 12.3%): 0.0
NUMBER = "number"  # a count or an index: #,##0
DECIMAL = "decimal"  # a ratio or a value in its own unit: #,##0.00
TEXT = "text"


@dataclass(frozen=True)
class Sheet:
    name: str
    frame: pd.DataFrame
    note: str = ""  # one sentence saying what the sheet is, shown above the table in Excel
    kinds: dict[str, str] = field(default_factory=dict)  # column -> kind, where the name misleads
    headers: dict[str, str] = field(default_factory=dict)  # column -> header, where labelled

    def __post_init__(self):
        problems = sheet_name_problems(self.name)
        if problems:
            raise ValueError(f"sheet name '{self.name}' {problems}")

    def header(self, column: str) -> str:
        return self.headers.get(column, column)

    def kind(self, column: str) -> str:
        if column in self.kinds:
            return self.kinds[column]
        return column_kind(column, self.frame[column])


def sheet_name_problems(name: str) -> str:
    if not name or len(name) > EXCEL_SHEET_NAME_LIMIT:
        return f"must be 1 to {EXCEL_SHEET_NAME_LIMIT} characters (Excel would cut it short)"
    if SHEET_NAME_FORBIDDEN & set(name):
        return "holds a character Excel refuses in a sheet name"
    return ""


def column_kind(column: str, values: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        return TEXT
    if "per_head" in column:
        return PER_HEAD
    if column.endswith(("_gbp", "_gbp_nominal", "_gbp_real")) or "_gbp_" in column:
        return MONEY
    if column == "share" or column.endswith(("_share", "_rate", "share_reporting")):
        return SHARE
    if column.endswith("_roi") or column.endswith("_value") or column == "optimism_bias":
        return DECIMAL
    if pd.api.types.is_integer_dtype(values):
        return NUMBER
    return DECIMAL


def header_kind(header: str, values: pd.Series) -> str:
    """The kind of a column with a readable header (the dashboard's tables), from its unit:
    "(£)" pounds, or pence where the header says per head; "(%)" percentage points;
    "(£ per £1)" a ratio; else from the values."""
    header = str(header)
    if header.endswith("(£)"):
        return PER_HEAD if "per head" in header.lower() else MONEY
    if header.endswith("(%)"):
        return PERCENT
    if header.endswith("(£ per £1)"):
        return DECIMAL
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        return TEXT
    return NUMBER if pd.api.types.is_integer_dtype(values) else DECIMAL


def fitted_sheet_name(title: str) -> str:
    """A sheet name Excel accepts made from any title: forbidden characters replaced and, past
    31 characters, shortened at a word boundary."""
    name = "".join("-" if c in SHEET_NAME_FORBIDDEN else c for c in str(title))
    name = name.strip("' ") or "data"
    if len(name) <= EXCEL_SHEET_NAME_LIMIT:
        return name
    cut = name[:EXCEL_SHEET_NAME_LIMIT]
    words = re.split(r"[ _]", cut)
    shortened = cut[: cut.rfind(words[-1])].rstrip(" _") if len(words) > 1 else cut
    return shortened or cut


def neutralised(text: str) -> str:
    """Text a spreadsheet would run as a formula, made inert with a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def failures_first(frame: pd.DataFrame) -> pd.DataFrame:
    """Checks with the failures at the top, then warnings, then passes, each in a stable order."""
    order = {"fail": 0, "warn": 1, "pass": 2}
    ranked = frame.assign(_rank=frame["status"].map(order).fillna(3))
    keys = ["_rank"] + [c for c in ("check", "place_code", "financial_year") if c in frame]
    return ranked.sort_values(keys, kind="stable").drop(columns="_rank").reset_index(drop=True)
