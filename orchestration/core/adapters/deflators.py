"""HM Treasury GDP deflators at market prices -> the deflators reference table.

Two layouts: a tidy CSV (financial_year, deflator index, base_year, vintage, as compiled in
reference-data) and HM Treasury's own spreadsheet (title and notes above a header row with
"Financial year" and "GDP deflator at market prices", years written 2024-25, footnote markers).
The index may have any base year; it is rebased so that the warehouse's price base year = 100
(real = nominal x D(base) / D(year) does not depend on the base, but a rebased table reads
naturally and matches the bundled seed). Calendar-year rows and blank rows are left out.
"""

from __future__ import annotations

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
    financial_year,
    find_columns,
    number,
    read_table,
)
from orchestration.core.adapters.context import AdaptContext
from orchestration.core.settings import DEFAULT_PRICE_BASE

NAME = "deflators"
TITLE = "HM Treasury GDP deflators at market prices (financial-year index)"
COLUMNS = [
    Column("year", (r"financial year", r"fiscal year", r"year"), meaning="financial year"),
    Column(
        "index",
        (r"(gdp )?deflator( index)?", r"gdp deflator at market prices.*", r"deflator.*"),
        meaning="GDP deflator index",
    ),
    Column("base_year", (r"base( year)?",), False, "the published base year"),
    Column("vintage", (r"vintage", r"release"), False, "release"),
]
FEED_COLUMNS = [
    "financial_year",
    "gdp_deflator_index",
    "vintage",
    "source_unit",
    "price_basis",
    "accounting_basis",
    "data_provenance",
]


def _index_headers(headers) -> list[str]:
    """ "per cent change" columns also say deflator; the index column is the one without it."""
    return [h for h in headers if "change" not in h.lower() and "%" not in h]


MAX_INDEX = 1_000_000


def _accept(table: Table) -> int | None:
    found = find_columns(_index_headers(table.headers), COLUMNS)
    if found.missing_required:
        return None
    return len(found.columns) + 2


def recognise(tables: list[Table]) -> Table | None:
    return best_table(tables, _accept, minimum=4)


def adapt(path: Path, table: Table, context: AdaptContext | None = None) -> Adapted:
    base = context.price_base_year if context else DEFAULT_PRICE_BASE
    found = find_columns(_index_headers(table.headers), COLUMNS)
    if found.missing_required:
        raise AdapterError(f"{path.name}: no financial year and GDP deflator index columns")
    text = read_table(path, table)
    index: dict[str, Decimal] = {}
    vintages: dict[str, str] = {}
    left_out = 0
    published_base = ""
    for row in text.to_dict("records"):
        year = financial_year(row[found.columns["year"]])
        try:
            value = number(row[found.columns["index"]])
        except ValueError:
            value = None
        if value is not None and not (value.is_finite() and 0 < value < MAX_INDEX):
            raise AdapterError(
                f"{path.name}: the index of {year or 'a row'} is '{row[found.columns['index']]}', "
                f"not a usable GDP deflator (a positive number below {MAX_INDEX:,}); correct "
                "the file and ingest it again"
            )
        if year is None or value is None or year in index:
            left_out += 1
            continue
        index[year] = value
        vintages[year] = row.get(found.columns.get("vintage", ""), "")
        published_base = published_base or row.get(found.columns.get("base_year", ""), "")
    if not index:
        raise AdapterError(f"{path.name}: no financial-year rows with an index were found")
    if base not in index:
        raise AdapterError(
            f"{path.name}: the series ({min(index)} to {max(index)}) has no {base}, the "
            "warehouse's price base, so it cannot be rebased"
        )
    if not published_base:
        hundred = [y for y, v in index.items() if v == 100]
        published_base = hundred[0] if hundred else "not stated"
    factor = Decimal(100) / index[base]
    rows = [
        {
            "financial_year": year,
            "gdp_deflator_index": str((value * factor).quantize(Decimal("0.0001"))),
            "vintage": vintages[year] or f"{path.name}",
            "source_unit": f"index ({published_base} = 100 as published)",
            "price_basis": f"rebased: {base} = 100",
            "accounting_basis": "not applicable (price index)",
            "data_provenance": f"real: HM Treasury GDP deflators ({path.name}), OGL v3",
        }
        for year, value in sorted(index.items())
    ]
    notes = [
        f"{len(rows)} financial years, {min(index)} to {max(index)}; published base "
        f"{published_base}, rebased to {base} = 100 (x {factor:.6f})",
    ]
    if left_out:
        notes.append(f"{left_out} row(s) that are not a financial year with an index were left out")
    notes.append("the whole table replaces the deflators reference")
    return Adapted(
        NAME,
        "deflators",
        "reference",
        "deflators.csv",
        pd.DataFrame(rows, columns=FEED_COLUMNS),
        len(text),
        notes,
        "replace",
    )


ADAPTER = Adapter(NAME, TITLE, "deflators", recognise, adapt)
