"""MHCLG revenue outturn time series -> the outturn feed.

The published CSV (Revenue_Outturn_time_series_data_v*.csv) has one row per authority and year:
`year_ending` as YYYYMM (202403 is the year ending March 2024, i.e. 2023-24), `ONS_code`,
`LA_name`, and one `RS_<service>_net_exp` column per summary service line, in GBP thousands,
cash, net current expenditure (accruals, as local authority accounts are kept). This adapter
turns each row into one outturn row per service line, in pounds, with the financial year
written 2023-24.

- Only the 13 summary service lines are read (RS_edu ... RS_cen, and RS_oth as `other`);
  totals and financing lines are left out. A missing service column is named in the notes.
- Rows that are not councils or combined authorities (England totals, regions, fire, police,
  national parks, waste authorities), and rows whose `status` says not submitted, are left out
  and counted in the notes.
- Rows whose `status` is `total` are the release's aggregates of a class of authority (`E08`
  metropolitan districts, `WA` waste authorities, ...): set aside with a warning naming them,
  never loaded as an area, whatever their code looks like.
- An authority row with every service cell empty (a line not collected, not a zero) is reported
  by row and loads nothing: an empty cell is never read as 0.
- Where the code is blank, the authority is matched by `LA_name` through the mySociety name
  lookup, and anything that cannot be matched is listed.
- A code that had ended by that year is filed under its successor (areas reference), and a
  former GSS code under the current one (mySociety), each said in the notes with its date.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pandas as pd

from orchestration.core.adapters.base import (
    Adapted,
    Adapter,
    AdapterError,
    Column,
    Table,
    best_table,
    find_columns,
    number,
    pounds,
    read_table,
    require,
)
from orchestration.core.adapters.context import AdaptContext

NAME = "revenue_outturn"
TITLE = "MHCLG revenue outturn time series (year_ending, ONS_code, RS_<service>_net_exp)"
SERVICE_COLUMN = re.compile(r"^RS_([a-z]+)_net_exp$", re.I)
# The published column's service token -> wholeplace's service_area code.
SERVICES = {
    "edu": "edu",
    "trans": "trans",
    "csc": "csc",
    "asc": "asc",
    "phs": "phs",
    "hous": "hous",
    "cul": "cul",
    "env": "env",
    "plan": "plan",
    "pol": "pol",
    "frs": "frs",
    "cen": "cen",
    "oth": "other",
    "other": "other",
}
COUNCIL_PREFIXES = ("E06", "E07", "E08", "E09", "E10", "E47")
COLUMNS = [
    Column("year_ending", (r"year ending",), meaning="year ending, YYYYMM"),
    Column("area_code", (r"ons code", r"gss code", r"la code"), False, "ONS (GSS) code"),
    Column("area_name", (r"la name", r"local authority name", r"authority name"), False, "name"),
    Column("status", (r"status",), False, "submission status"),
    Column("la_class", (r"la class",), False, "authority class"),
]
FEED_COLUMNS = [
    "financial_year",
    "area_code",
    "service_area",
    "amount_gbp",
    "source_unit",
    "price_basis",
    "accounting_basis",
    "data_provenance",
]


def service_columns(headers) -> dict[str, str]:
    found = {}
    for header in headers:
        match = SERVICE_COLUMN.match(str(header).strip())
        if match and match.group(1).lower() in SERVICES:
            found[header] = SERVICES[match.group(1).lower()]
    return found


def _accept(table: Table) -> int | None:
    found = find_columns(table.headers, COLUMNS)
    services = service_columns(table.headers)
    if "year_ending" not in found.columns or not services:
        return None
    if "area_code" not in found.columns and "area_name" not in found.columns:
        return None
    return len(found.columns) + len(services)


def recognise(tables: list[Table]) -> Table | None:
    return best_table(tables, _accept, minimum=3)


def financial_year_ending(text: str) -> str | None:
    """'202403' -> '2023-24'; a year ending in April to December is the year starting then."""
    match = re.fullmatch(r"\s*(\d{4})(\d{2})\s*", str(text))
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    start = year - 1 if month <= 3 else year
    return f"{start}-{(start + 1) % 100:02d}"


def adapt(path: Path, table: Table, context: AdaptContext | None = None) -> Adapted:
    context = context or AdaptContext.for_feeds(None)
    found = find_columns(table.headers, COLUMNS)
    require(found, f"{path.name}, {table.where}", TITLE)
    services = service_columns(table.headers)
    text = read_table(path, table)
    notes = [n for n in found.notes() if "status" not in n and "la_class" not in n]
    wanted = {"edu", "trans", "csc", "asc", "phs", "hous", "cul", "env", "plan", "pol", "frs"}
    wanted |= {"cen", "other"}
    absent = sorted(wanted - set(services.values()))
    if absent:
        notes.append(
            "expected service columns missing (no rows for them): "
            + ", ".join(f"RS_{'oth' if s == 'other' else s}_net_exp" for s in absent)
        )
    skipped: Counter = Counter()
    unmatched_names: Counter = Counter()
    remapped: dict[str, str] = {}
    bad_years: Counter = Counter()
    totals: list[str] = []  # aggregate rows (status 'total'): set aside, never an area
    empty_rows: list[str] = []  # authority rows with no service figure at all
    rows = []
    # The financial year is in each row's provenance, so a figure shown alone still says which
    # year's return it is.
    provenance = "real: MHCLG revenue outturn time series {year} ({name}), OGL v3"
    for row in text.to_dict("records"):
        year = financial_year_ending(row[found.columns["year_ending"]])
        if year is None:
            bad_years[row[found.columns["year_ending"]]] += 1
            continue
        status = row.get(found.columns.get("status", ""), "")
        code = row.get(found.columns.get("area_code", ""), "").strip().upper()
        name = row.get(found.columns.get("area_name", ""), "").strip()
        if status.strip().lower() == "total":
            totals.append(f"row {row['source_row']} ({code or name or 'no code'}, {year})")
            continue
        if status and re.search(r"\bnot\b", status, re.I):
            skipped["marked not submitted"] += 1
            continue
        if not code:
            code = context.names.code_for(name) or ""
            if not code:
                unmatched_names[name or "(blank)"] += 1
                continue
        if not code.startswith(COUNCIL_PREFIXES):
            skipped["not a council or combined authority (e.g. England, region, fire)"] += 1
            continue
        if context.area(code) is None:
            current = context.names.current_code(code)
            if current:
                remapped[code] = f"{code} is a former code of {current} (mySociety); filed there"
                code = current
        successor = context.successor_in_year(code, year)
        if successor:
            remapped[f"{code} {year}"] = (
                f"{code} had ended by {year}; filed under its successor {successor[0]} "
                f"(from {successor[1]})"
            )
            code = successor[0]
        values = {header: _value(path, row, header) for header in services}
        if services and all(v is None for v in values.values()):
            empty_rows.append(f"row {row['source_row']} ({code}, {year})")
            continue
        for header, service in services.items():
            value = values[header]
            if value is None:
                skipped[f"blank or suppressed {header}"] += 1
                continue
            rows.append(
                {
                    "financial_year": year,
                    "area_code": code,
                    "service_area": service,
                    "amount_gbp": str(pounds(value, "£ thousands")),
                    "source_unit": "£ thousands",
                    "price_basis": "nominal",
                    "accounting_basis": "accruals (net current expenditure)",
                    "data_provenance": provenance.format(year=year, name=path.name),
                }
            )
    frame = pd.DataFrame(rows, columns=FEED_COLUMNS)
    if totals:
        notes.append(
            f"set aside {len(totals):,} aggregate row(s) with status 'total' (sums of a "
            "class of authority, not an area; never loaded): " + ", ".join(totals)
        )
    if empty_rows:
        notes.append(
            f"{len(empty_rows):,} authority row(s) have every service column empty "
            "(not collected, not zero); nothing loaded for them: " + ", ".join(empty_rows)
        )
    for reason, count in skipped.items():
        notes.append(f"left out {count:,} row(s) or cell(s): {reason}")
    for year_text, count in bad_years.items():
        notes.append(f"{count:,} row(s) have year_ending '{year_text}', not YYYYMM: left out")
    if unmatched_names:
        notes.append(
            "names that could not be matched to a code (rows left out): "
            + ", ".join(f"{n} ({c})" for n, c in unmatched_names.most_common())
        )
    notes += sorted(set(remapped.values()))
    notes.append(
        f"{len(services)} service columns x {len(text):,} rows -> {len(frame):,} outturn rows; "
        "GBP thousands converted to pounds"
    )
    return Adapted(
        NAME,
        "outturn",
        "outturn",
        f"{re.sub(r'[^a-z0-9]+', '_', path.stem.lower()).strip('_')}.csv",
        frame,
        len(text),
        notes,
        details={
            "unmatched_names": dict(unmatched_names),
            "total_rows_set_aside": totals,
            "empty_rows": empty_rows,
        },
    )


def _value(path: Path, row: dict, header: str):
    try:
        return number(row[header])
    except ValueError as error:
        raise AdapterError(
            f"{path.name}, row {row['source_row']}, column {header}: {error}"
        ) from None


ADAPTER = Adapter(NAME, TITLE, "outturn", recognise, adapt)
