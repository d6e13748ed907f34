"""What every adapter shares: reading a file's candidate header rows, finding columns by what
their headers mean, and the result an adapter hands back (rows in a wholeplace contract, plus
notes a finance officer can read about what was converted, missing or left out)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Literal

import pandas as pd

HEADER_SCAN_ROWS = 30  # publishers put titles and notes above the header row
READABLE_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".json")

# Columns every adapter adds, so units are explicit in what it produces.
UNIT_COLUMNS = ["source_unit", "price_basis", "accounting_basis"]


class AdapterError(Exception):
    """A recognised file that cannot be adapted; the message says what is missing."""


class UnrecognisedFile(Exception):
    """No adapter knows this file's headers."""

    def __init__(self, path: Path, headers_seen: list[tuple[str, list[str]]], known: list[str]):
        self.path, self.headers_seen, self.known = path, headers_seen, known
        seen = "; ".join(
            f"{where}: {', '.join(h for h in headers if h) or '(blank)'}"
            for where, headers in headers_seen[:3]
        )
        super().__init__(
            f"{path.name}: wholeplace does not recognise this file's layout. "
            f"Headers seen: {seen or '(none: the file is empty or not a table)'}. "
            f"Formats known: {'; '.join(known)}"
        )


@dataclass(frozen=True)
class Table:
    """One candidate header row: the sheet (None for CSV/JSON), its 0-based row, its cells."""

    sheet: str | None
    row: int
    headers: tuple[str, ...]

    @property
    def where(self) -> str:
        return f"sheet '{self.sheet}' row {self.row + 1}" if self.sheet else f"row {self.row + 1}"


def normalise(header: object) -> str:
    """'CAP or CUR' -> 'cap or cur'; 'NUTS Region ' -> 'nuts region'; '2013-14' -> '2013 14'."""
    text = "" if header is None else str(header)
    text = text.replace("£", " gbp ").replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


# --- reading ------------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")  # Excel's "CSV (Comma delimited)"


def csv_rows(path: Path, limit: int | None = None) -> list[list[str]]:
    reader = csv.reader(io.StringIO(decode(path.read_bytes())))
    rows = []
    for number, row in enumerate(reader):
        if limit is not None and number >= limit:
            break
        rows.append(row)
    return rows


def candidate_tables(path: Path) -> list[Table]:
    """Every row near the top of every sheet that could be a header row."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return [
            Table(None, i, tuple(str(c).strip() for c in row))
            for i, row in enumerate(csv_rows(path, HEADER_SCAN_ROWS))
            if any(str(c).strip() for c in row)
        ]
    if suffix in (".xlsx", ".xlsm"):
        import openpyxl

        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            tables = []
            for sheet in workbook.worksheets:
                for i, row in enumerate(
                    sheet.iter_rows(max_row=HEADER_SCAN_ROWS, values_only=True)
                ):
                    cells = tuple("" if c is None else str(c).strip() for c in row)
                    if any(cells):
                        tables.append(Table(sheet.title, i, cells))
            return tables
        finally:
            workbook.close()
    if suffix == ".json":
        data = json.loads(decode(path.read_bytes()))
        return [Table(None, 0, tuple(json_keys(data)))]
    return []


def json_keys(data: object) -> list[str]:
    """Top-level keys, then the keys of the first record inside each list or dict of records."""
    if not isinstance(data, dict):
        return []
    keys = list(data)
    for value in data.values():
        first = None
        if isinstance(value, list) and value and isinstance(value[0], dict):
            first = value[0]
        elif isinstance(value, dict) and value:
            inner = next(iter(value.values()))
            if isinstance(inner, dict):
                first = inner
                for nested in inner.values():
                    if isinstance(nested, list) and nested and isinstance(nested[0], dict):
                        keys += [f"{k}" for k in nested[0]]
        if first:
            keys += list(first)
    return keys


def read_table(path: Path, table: Table) -> pd.DataFrame:
    """The rows under a header row, every cell as text ('' when blank), with the header cells as
    column names (blank or repeated headers get a position suffix) and source_row = the row's
    1-based number in the sheet or file, so a note can point at the cell."""
    if table.sheet is None:
        rows = csv_rows(path)
    else:
        frame = pd.read_excel(
            path, sheet_name=table.sheet, header=None, dtype=object, engine="openpyxl"
        )
        rows = frame.where(frame.notna(), None).values.tolist()
    width = len(table.headers)
    names, seen = [], set()
    for position, header in enumerate(table.headers):
        name = header or f"column {position + 1}"
        if name in seen:
            name = f"{name} ({position + 1})"
        seen.add(name)
        names.append(name)
    body = []
    numbers = []
    for number, row in enumerate(rows[table.row + 1 :], start=table.row + 2):
        cells = [cell_text(c) for c in list(row)[:width]]
        cells += [""] * (width - len(cells))
        if any(cells):
            body.append(cells)
            numbers.append(number)
    frame = pd.DataFrame(body, columns=names, dtype=object)
    frame.insert(0, "source_row", numbers)
    return frame


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return repr(value) if not value.is_integer() else str(int(value))
    return str(value).strip()


# --- finding columns by meaning ---------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column an adapter looks for, by patterns matched against the normalised header."""

    name: str
    patterns: tuple[str, ...]
    required: bool = True
    meaning: str = ""

    def matches(self, header: str) -> bool:
        plain = normalise(header)
        return any(re.fullmatch(p, plain) for p in self.patterns)


@dataclass
class Found:
    columns: dict[str, str]  # wanted name -> header as written in the file
    missing_required: list[Column]
    missing_optional: list[Column]

    def notes(self) -> list[str]:
        return [
            f"expected column '{c.name}' ({c.meaning or c.name}) was not found; left blank"
            for c in self.missing_optional
        ]


def find_columns(headers: Iterable[str], wanted: list[Column]) -> Found:
    headers = list(headers)
    columns: dict[str, str] = {}
    used: set[str] = set()
    for spec in wanted:
        for header in headers:
            if header not in used and spec.matches(header):
                columns[spec.name] = header
                used.add(header)
                break
    missing = [c for c in wanted if c.name not in columns]
    return Found(
        columns, [c for c in missing if c.required], [c for c in missing if not c.required]
    )


def score(headers: Iterable[str], wanted: list[Column]) -> int:
    found = find_columns(headers, wanted)
    return len(found.columns)


def require(found: Found, where: str, layout: str) -> None:
    if found.missing_required:
        described = "; ".join(
            f"'{c.name}' ({c.meaning or 'a header like ' + c.patterns[0]})"
            for c in found.missing_required
        )
        raise AdapterError(
            f"{where}: this looks like {layout}, but these expected columns are missing: "
            f"{described}. Columns present: {', '.join(found.columns.values()) or '(none)'}"
        )


# --- values ---------------------------------------------------------------------------------------

MISSING_MARKERS = {"", "-", "..", ".", ":", "[x]", "[c]", "[z]", "[u]", "x", "n/a", "na", "null"}


def number(text: str) -> Decimal | None:
    """'1,234', '£1,234', '(1,234)' -> Decimal; suppression markers ('..', '[x]') -> None."""
    cleaned = str(text).strip()
    if cleaned.lower() in MISSING_MARKERS:
        return None
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    cleaned = cleaned.strip("()").replace("£", "").replace(",", "").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"'{text}' is not a number") from None
    if not value.is_finite():
        raise ValueError(f"'{text}' is not a number")
    return -value if negative else value


def pounds(value: Decimal, source_unit: str) -> Decimal:
    factor = {"£": Decimal(1), "£ thousands": Decimal(1000), "£ millions": Decimal(1_000_000)}
    return (value * factor[source_unit]).quantize(Decimal("0.01"))


def financial_year_from_start(start: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}"


def financial_year(text: str) -> str | None:
    """'2013-14', '2013/14', '2013-2014', '2013-14 outturn' -> '2013-14'; otherwise None."""
    match = re.match(r"^\s*(?:fy\s*)?(\d{4})\s*[-/ ]\s*(\d{2}|\d{4})\b", str(text), re.I)
    if not match:
        return None
    start, end = int(match.group(1)), match.group(2)
    if (len(end) == 2 and (start + 1) % 100 == int(end)) or (
        len(end) == 4 and int(end) == start + 1
    ):
        return financial_year_from_start(start)
    return None


# --- results ---------------------------------------------------------------------------------


@dataclass
class Adapted:
    """What an adapter produced from one file."""

    adapter: str
    target: str  # the wholeplace contract the rows are for (a feed or a reference table)
    folder: str  # where they go in a feeds directory ('reference' for reference tables)
    file_name: str  # the file they are written to in that folder
    frame: pd.DataFrame  # the rows, columns as the contract names them (plus unit columns)
    source_rows: int
    notes: list[str] = field(default_factory=list)
    # add: a new file in the feed folder; replace: the reference table is replaced;
    # merge: the reference table is updated (membership history grows from successive lookups)
    mode: Literal["add", "replace", "merge"] = "add"
    details: dict = field(default_factory=dict)  # adapter-specific facts, for tests and reports

    def describe(self) -> str:
        where = f"{self.folder}/{self.file_name}"
        return f"{len(self.frame):,} rows for {self.target} ({where}) from {self.source_rows:,}"


@dataclass
class Adapter:
    """One publisher format. `recognise` picks the best header row it knows, by header meaning;
    `adapt` turns the file into rows of a wholeplace contract."""

    name: str
    title: str  # the publisher and format, as a finance officer would name it
    target: str
    recognise_table: Callable[[list[Table]], Table | None]
    adapt_file: Callable[..., Adapted]

    def recognise(self, tables: list[Table]) -> Table | None:
        return self.recognise_table(tables)

    def adapt(self, path: Path, context=None, table: Table | None = None) -> Adapted:
        if table is None:
            table = self.recognise(candidate_tables(path))
            if table is None:
                raise AdapterError(f"{path.name}: this file is not in the {self.title} layout")
        return self.adapt_file(path, table, context)


def best_table(
    tables: list[Table], accept: Callable[[Table], int | None], minimum: int = 1
) -> Table | None:
    """The candidate with the highest score; None when no candidate reaches `minimum`."""
    scored = [(accept(t) or 0, -i, t) for i, t in enumerate(tables)]
    scored = [s for s in scored if s[0] >= minimum]
    return max(scored, key=lambda s: (s[0], s[1]))[2] if scored else None
