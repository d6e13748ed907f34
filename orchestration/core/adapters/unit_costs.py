"""GMCA (New Economy) Unit Cost Database -> the unit_costs reference table.

Two layouts: the workbook (one sheet per theme: cost code, description, unit, agency, fiscal
cost in GBP, price year written like 2010/11) and its JSON compilation (`categories` of theme
`entries` with code, description, unit, cost_gbp, agency, agency_detail, source_detail = the
price year). Costs are GBP in the prices of their own year (uprated to the price base with the
GDP deflator downstream); a unit cost is an average cost per unit, not an accounting figure.
The price year, agency spelling and value type (fiscal, economic, social) are normalised the
same way for the bundled seed (orchestration/tools/build_reference_seeds.py uses these functions),
so the adapter's output of the bundled JSON is the bundled seed.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pandas as pd

from orchestration.core.adapters.base import (
    Adapted,
    Adapter,
    AdapterError,
    Column,
    Table,
    candidate_tables,
    decode,
    find_columns,
    number,
    read_table,
)


def normalise_price_year(text: str) -> str:
    """'2010/11' or '2010-11' -> '2010-11'; a bare '2012' is the financial year starting then."""
    match = re.fullmatch(r"\s*(\d{4})\s*[/-]\s*(\d{2,4})\s*", text or "")
    if match:
        return f"{match.group(1)}-{match.group(2)[-2:]}"
    match = re.fullmatch(r"\s*(\d{4})\s*", text or "")
    if match:
        start = int(match.group(1))
        return f"{start}-{(start + 1) % 100:02d}"
    return ""


# The database spells some agencies two ways; one spelling each, as in the agencies table.
AGENCY_SPELLINGS = {
    "Local authority": "Local Authority",
    "HM Revenue and Customs": "HMRC",
    "Department for Education": "DfE",
    "Ministry of Justice": "MoJ",
    "Fire Service": "Fire",
}

# What a unit cost measures, read from its own description (docs/method.md, "Value types"):
# a figure that says it includes social values is social, one that says it includes economic
# values is economic, and everything else is a fiscal cost to the agency named against it.
SOCIAL_WORDS = re.compile(r"economic and social|\bsocial (value|cost|benefit)s?\b", re.IGNORECASE)
ECONOMIC_WORDS = re.compile(r"\beconomic\b", re.IGNORECASE)


def normalise_agency(name: str) -> str:
    name = (name or "").strip()
    return AGENCY_SPELLINGS.get(name, name)


def value_type(description: str) -> str:
    """fiscal | economic | social: the widest kind of value the description says it counts."""
    if SOCIAL_WORDS.search(description or ""):
        return "social"
    if ECONOMIC_WORDS.search(description or ""):
        return "economic"
    return "fiscal"


NAME = "unit_costs"
TITLE = "GMCA Unit Cost Database (workbook theme sheets, or its JSON compilation)"
JSON_KEYS = {"categories", "code", "description", "unit", "cost_gbp", "source_detail"}
COLUMNS = [
    Column("code", (r"(unit )?cost code", r"code", r"ref(erence)?"), meaning="cost code"),
    Column(
        "description",
        (r"(cost |unit cost )?description", r"description of cost"),
        meaning="description",
    ),
    Column("unit", (r"unit( of (cost|measure))?", r"unit cost per", r"per"), meaning="unit"),
    Column(
        "agency",
        (r"agency( bearing (the )?cost)?", r"agency( name)?", r"agency incurring cost"),
        meaning="agency bearing the cost",
    ),
    Column("agency_detail", (r"agency detail", r"detail of agency"), False, "agency detail"),
    Column(
        "cost",
        (r"(fiscal )?(unit )?cost( gbp)?", r"cost( \(?gbp\)?)?", r"gbp", r"fiscal cost.*"),
        meaning="fiscal cost in GBP",
    ),
    Column(
        "price_year",
        (r"price (year|base)", r"year of (cost|prices)", r"cost year", r"source year"),
        meaning="price year, e.g. 2010/11",
    ),
]
FEED_COLUMNS = [
    "unit_cost_code",
    "description",
    "unit",
    "cost_gbp",
    "price_year",
    "agency",
    "value_type",
    "agency_detail",
    "theme",
    "source",
    "source_unit",
    "price_basis",
    "accounting_basis",
]
SOURCE = "GMCA Unit Cost Database v1.4"


def _accept(table: Table) -> int | None:
    if table.sheet is None and set(table.headers) >= JSON_KEYS:
        return 10
    found = find_columns(table.headers, COLUMNS)
    if found.missing_required:
        return None
    return len(found.columns)


def recognise(tables: list[Table]) -> Table | None:
    scored = [(s, t) for t in tables if (s := _accept(t))]
    return max(scored, key=lambda st: st[0])[1] if scored else None


def _row(code, description, unit, cost, price_year_text, agency, agency_detail, theme, source):
    return {
        "unit_cost_code": str(code).strip(),
        "description": str(description).strip(),
        "unit": str(unit or "").strip(),
        "cost_gbp": "" if cost is None else str(Decimal(str(cost)).quantize(Decimal("0.01"))),
        "price_year": normalise_price_year(str(price_year_text or "")),
        "agency": normalise_agency(str(agency or "")),
        "value_type": value_type(str(description)),
        "agency_detail": str(agency_detail or "").strip(),
        "theme": theme,
        "source": source,
        "source_unit": "£",
        "price_basis": "prices of the cost's own price year (uprate with the GDP deflator)",
        "accounting_basis": "unit cost estimate (average cost per unit, not an outturn figure)",
    }


def adapt_json(path: Path) -> tuple[list[dict], list[str], int]:
    data = json.loads(decode(path.read_bytes()))
    source = SOURCE if "1.4" in str(data.get("source", "")) else str(data.get("source") or SOURCE)
    rows, seen = [], 0
    for theme in data["categories"].values():
        for e in theme["entries"]:
            seen += 1
            rows.append(
                _row(
                    e["code"],
                    e["description"],
                    e.get("unit"),
                    e.get("cost_gbp"),
                    e.get("source_detail"),
                    e.get("agency"),
                    e.get("agency_detail"),
                    theme.get("sheet", ""),
                    source,
                )
            )
    notes = [f"{len(data['categories'])} themes read from the JSON compilation"]
    if data.get("total_entries") not in (None, seen):
        notes.append(f"the file says {data['total_entries']} entries; {seen} were found")
    return rows, notes, seen


def adapt_workbook(path: Path) -> tuple[list[dict], list[str], int]:
    rows, notes, seen = [], [], 0
    by_sheet: dict[str, Table] = {}
    for table in candidate_tables(path):
        if table.sheet and _accept(table) and table.sheet not in by_sheet:
            by_sheet[table.sheet] = table
    if not by_sheet:
        raise AdapterError(f"{path.name}: no sheet has the unit cost database's columns")
    for sheet, table in by_sheet.items():
        found = find_columns(table.headers, COLUMNS)
        notes += [f"sheet '{sheet}': {n}" for n in found.notes()]
        text = read_table(path, table)
        for row in text.to_dict("records"):
            code = row[found.columns["code"]]
            if not code:
                continue
            seen += 1
            try:
                cost = number(row[found.columns["cost"]])
            except ValueError:
                notes.append(f"sheet '{sheet}' row {row['source_row']}: cost is not a number")
                cost = None
            rows.append(
                _row(
                    code,
                    row[found.columns["description"]],
                    row[found.columns["unit"]],
                    cost,
                    row[found.columns["price_year"]],
                    row[found.columns["agency"]],
                    row.get(found.columns.get("agency_detail", ""), ""),
                    sheet,
                    SOURCE,
                )
            )
    notes.append(f"{len(by_sheet)} theme sheet(s) read: {', '.join(by_sheet)}")
    return rows, notes, seen


def adapt(path: Path, table: Table, context=None) -> Adapted:
    if path.suffix.lower() == ".json":
        rows, notes, seen = adapt_json(path)
    else:
        rows, notes, seen = adapt_workbook(path)
    frame = pd.DataFrame(rows, columns=FEED_COLUMNS)
    no_year = frame[frame["price_year"] == ""]
    if len(no_year):
        notes.append(
            f"{len(no_year)} cost(s) have no price year the adapter can read "
            f"(e.g. {', '.join(no_year['unit_cost_code'].head(5))}); the contract will set "
            "them aside"
        )
    no_cost = frame[frame["cost_gbp"] == ""]
    if len(no_cost):
        notes.append(f"{len(no_cost)} cost(s) have no amount")
    notes.append("costs are GBP in their own price year; the whole table replaces unit_costs")
    return Adapted(NAME, "unit_costs", "reference", "unit_costs.csv", frame, seen, notes, "replace")


ADAPTER = Adapter(NAME, TITLE, "unit_costs", recognise, adapt)
