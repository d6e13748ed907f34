"""HM Treasury Country and Regional Analysis (CRA) database workbook -> the regional_spend feed.

The source has one row per department x CRA segment x function x region, and one column per
financial year, in GBP thousands, nominal, on an accruals basis (the Metadata sheet says so).
Column names, their order and the year columns change between annual releases, so columns are
found by what their headers mean; a missing expected column is named in the notes (optional) or
stops the adapter (required). Rows are added up to the feed's grain (segments summed), zero
totals are left out, and amounts are converted to pounds.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pandas as pd

from orchestration.core.adapters.base import (
    Adapted,
    Adapter,
    AdapterError,
    Column,
    Table,
    best_table,
    candidate_tables,
    financial_year,
    find_columns,
    normalise,
    number,
    pounds,
    read_table,
    require,
)

NAME = "cra"
TITLE = "HM Treasury Country and Regional Analysis (CRA) database workbook"
PUBLISHER = "HM Treasury, Country and Regional Analysis"
LICENCE = "OGL v3"

COLUMNS = [
    Column("department", (r"department( name)?",), meaning="department"),
    Column("organisation", (r"organisation( name)?",), False, "organisation within department"),
    Column("segment_code", (r"(cra )?segment code",), False, "CRA segment code"),
    Column("segment_name", (r"(cra )?segment name",), False, "CRA segment name"),
    Column(
        "cofog_function",
        (r"cofog( level)? 0", r"cofog function", r"function"),
        meaning="COFOG function (level 0)",
    ),
    Column("hmt_function", (r"hmt function",), False, "HM Treasury function"),
    Column(
        "cofog_subfunction",
        (r"cofog( level)? 1", r"cofog sub ?function", r"sub ?function"),
        meaning="COFOG sub-function (level 1)",
    ),
    Column("hmt_subfunction", (r"hmt sub ?function",), False, "HM Treasury sub-function"),
    Column(
        "identifiable",
        (r"id non id", r"identifiable( or non identifiable)?", r"id or non id"),
        meaning="identifiable (ID) or non-identifiable spending",
    ),
    Column(
        "spend_type",
        (r"cap or cur", r"cur or cap", r"capital or current", r"current or capital"),
        meaning="capital (CAP) or current (CUR)",
    ),
    Column("sector", (r"cg lg pc( boe)?", r"sector"), False, "sector: CG, LG, PC or BOE"),
    Column("allocated_by", (r"allocated by.*",), False, "allocated by HMT or department"),
    Column(
        "region",
        (r"(nuts|itl)( ?1)? region", r"region", r"nuts ?1", r"itl ?1"),
        meaning="region (NUTS1 / ITL1)",
    ),
    Column("country", (r"country",), False, "country"),
]

# ONS names and codes of the regions and countries; CRA writes them several ways.
REGIONS = {
    "north east": ("North East", "E12000001"),
    "north west": ("North West", "E12000002"),
    "yorkshire and the humber": ("Yorkshire and The Humber", "E12000003"),
    "yorkshire and humber": ("Yorkshire and The Humber", "E12000003"),
    "east midlands": ("East Midlands", "E12000004"),
    "west midlands": ("West Midlands", "E12000005"),
    "east": ("East of England", "E12000006"),
    "east of england": ("East of England", "E12000006"),
    "eastern": ("East of England", "E12000006"),
    "london": ("London", "E12000007"),
    "south east": ("South East", "E12000008"),
    "south west": ("South West", "E12000009"),
    "scotland": ("Scotland", "S92000003"),
    "wales": ("Wales", "W92000004"),
    "northern ireland": ("Northern Ireland", "N92000002"),
    "outside uk": ("Outside UK", ""),
    "non regional": ("Non-regional", ""),
    "non identifiable": ("Non-regional", ""),
}
IDENTIFIABLE = {"id": "identifiable", "non id": "non-identifiable", "nonid": "non-identifiable"}
SPEND_TYPES = {"cap": "capital", "capital": "capital", "cur": "current", "current": "current"}
SECTORS = {
    "cg": "central government",
    "lg": "local government",
    "pc": "public corporations",
    "boe": "Bank of England",
}

FEED_KEY = [
    "release",
    "department",
    "cofog_function",
    "cofog_subfunction",
    "hmt_function",
    "hmt_subfunction",
    "identifiable",
    "spend_type",
    "sector",
    "region",
    "financial_year",
]
FEED_COLUMNS = [
    *FEED_KEY[:10],
    "region_code",
    "financial_year",
    "amount_gbp",
    "segments",
    "source_unit",
    "price_basis",
    "accounting_basis",
    "data_provenance",
]


def year_columns(headers) -> dict[str, str]:
    """header -> financial year, for every header that is a financial year."""
    years = {}
    for header in headers:
        year = financial_year(header)
        if year and year not in years.values():
            years[header] = year
    return years


def _accept(table: Table) -> int | None:
    """A department column, year columns and at least four more CRA columns: enough to know the
    layout, so that a missing region (say) is reported by name rather than not recognised."""
    found = find_columns(table.headers, COLUMNS)
    if "department" not in found.columns or not year_columns(table.headers):
        return None
    return len(found.columns) + 1


def recognise(tables: list[Table]) -> Table | None:
    return best_table(tables, _accept, minimum=5)


def region(text: str) -> tuple[str, str] | None:
    plain = normalise(text)
    plain = re.sub(r"^(england|uk) ", "", plain)
    return REGIONS.get(plain)


def release_of(path: Path, table: Table) -> str:
    for text in (table.sheet or "", path.stem):
        match = re.search(r"cra[ _-]*(\d{4})", text, re.I)
        if match:
            return f"CRA {match.group(1)}"
    return "CRA (release not stated)"


def stated_basis(path: Path) -> tuple[str, str, list[str]]:
    """Unit and accounting basis as the workbook's metadata states them (defaults otherwise)."""
    unit, basis, notes = "£ thousands", "accruals", []
    text = ""
    for table in candidate_tables(path):
        if table.sheet and "meta" in table.sheet.lower():
            text += " ".join(table.headers).lower() + " "
    if not text:
        notes.append(
            "no Metadata sheet: taken as GBP thousands on an accruals basis, as CRA "
            "databases are published"
        )
        return unit, basis, notes
    if re.search(r"£\s*m(illion)?\b|£'?m\b", text):
        unit = "£ millions"
    elif not re.search(r"£\s*'?000|£\s*thousand", text):
        notes.append("the Metadata sheet does not state the unit: taken as GBP thousands")
    if "cash" in text and "accruals" not in text:
        basis = "cash"
    return unit, basis, notes


def read_long(path: Path, table: Table | None = None) -> tuple[pd.DataFrame, list[str], int]:
    """The workbook as one row per source row and year, before any adding up: columns as named
    in COLUMNS (blank where the release lacks them), financial_year, amount_thousands, and
    source_row (the row number in the sheet). Returns (rows, notes, source rows)."""
    table = table or recognise(candidate_tables(path))
    if table is None:
        raise AdapterError(f"{path.name}: not a {TITLE}")
    found = find_columns(table.headers, COLUMNS)
    require(found, f"{path.name}, {table.where}", TITLE)
    years = year_columns(table.headers)
    text = read_table(path, table)
    notes = found.notes()
    notes.append(f"{table.where} of sheet read; year columns found: {', '.join(years.values())}")
    records = []
    blanks = 0
    for row in text.to_dict("records"):
        described = {name: row[header] for name, header in found.columns.items()}
        for header, year in years.items():
            try:
                value = number(row[header])
            except ValueError as error:
                raise AdapterError(
                    f"{path.name}, row {row['source_row']}, column {header}: {error}"
                ) from None
            if value is None:
                blanks += 1
                continue
            records.append(
                {
                    **{c.name: described.get(c.name, "") for c in COLUMNS},
                    "financial_year": year,
                    "amount_thousands": value,
                    "source_row": row["source_row"],
                }
            )
    if blanks:
        notes.append(f"{blanks:,} blank or suppressed year cells were left out (not zero)")
    return pd.DataFrame(records), notes, len(text)


def adapt(path: Path, table: Table, context=None) -> Adapted:
    long, notes, source_rows = read_long(path, table)
    unit, basis, basis_notes = stated_basis(path)
    notes += basis_notes
    release = release_of(path, table)
    provenance = f"real: HM Treasury {release} ({path.name}), {LICENCE}"
    totals: dict[tuple, Decimal] = defaultdict(Decimal)
    segments: dict[tuple, int] = defaultdict(int)
    unknown_regions: dict[str, int] = defaultdict(int)
    unknown_values: dict[str, set] = defaultdict(set)
    region_codes = {}
    for row in long.to_dict("records"):
        found_region = region(row["region"])
        if found_region is None:
            unknown_regions[row["region"]] += 1
            found_region = (row["region"], "")
        identifiable = IDENTIFIABLE.get(normalise(row["identifiable"]))
        spend_type = SPEND_TYPES.get(normalise(row["spend_type"]))
        sector = SECTORS.get(normalise(row["sector"]), row["sector"])
        for column, value in (("identifiable", identifiable), ("spend_type", spend_type)):
            if value is None:
                unknown_values[column].add(row[column])
        key = (
            release,
            row["department"],
            row["cofog_function"],
            row["cofog_subfunction"],
            row["hmt_function"],
            row["hmt_subfunction"],
            identifiable or row["identifiable"],
            spend_type or row["spend_type"],
            sector,
            found_region[0],
            row["financial_year"],
        )
        region_codes[found_region[0]] = found_region[1]
        totals[key] += row["amount_thousands"]
        segments[key] += 1
    for column, values in unknown_values.items():
        notes.append(f"{column}: values not understood, kept as written: {sorted(values)}")
    for name, count in unknown_regions.items():
        notes.append(f"region '{name}' is not a UK region wholeplace knows ({count:,} cells)")
    rows = []
    zero = 0
    for key, total in totals.items():
        if total == 0:
            zero += 1
            continue
        record = dict(zip(FEED_KEY, key, strict=True))
        record.update(
            region_code=region_codes[record["region"]],
            amount_gbp=str(pounds(total, unit)),
            segments=segments[key],
            source_unit=unit,
            price_basis="nominal",
            accounting_basis=basis,
            data_provenance=provenance,
        )
        rows.append(record)
    frame = pd.DataFrame(rows, columns=FEED_COLUMNS)
    notes.append(
        f"{source_rows:,} source rows x {long['financial_year'].nunique()} years = "
        f"{len(long):,} cells, added up over CRA segments (and organisations) into "
        f"{len(totals):,} feed rows; {zero:,} that add up to zero were left out"
    )
    notes.append(f"amounts converted from {unit} to pounds; prices nominal; {basis} basis")
    return Adapted(
        NAME,
        "regional_spend",
        "regional_spend",
        f"{re.sub(r'[^a-z0-9]+', '_', release.lower()).strip('_')}.csv",
        frame,
        source_rows,
        notes,
    )


ADAPTER = Adapter(NAME, TITLE, "regional_spend", recognise, adapt)
