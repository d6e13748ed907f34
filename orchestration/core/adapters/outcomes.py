"""Outcome indicators in the long format of Oflog and Fingertips downloads -> the outcomes feed.

Both publish one row per indicator x area x period: Oflog's data explorer as `Financial year,
Local authority code, Local authority name, ..., Measure, Code, Value, ..., rank_order`;
Fingertips as `Indicator ID, Indicator Name, ..., Area Code, Area Name, Area Type, Sex, Age,
Category Type, Category, Time period, Value, ..., Count, Denominator, ...`. Columns are found by
what their headers mean. For each indicator the adapter records how places are to be
aggregated:

- `ratio`: the file gives a numerator and denominator and value = numerator / denominator x a
  power of ten for (nearly) every row, so a place's value is sum(numerator) / sum(denominator)
  x that multiplier;
- `population_weighted`: otherwise (no counts, or an age-standardised value counts cannot
  reproduce), a place's value is the population-weighted mean of its members' values.

Polarity comes from Oflog's rank_order (desc: higher is better) or a Fingertips Polarity column
where present, else `not assessed`. Inequality breakdowns (a Fingertips Category Type) are left
out; Sex and Age are kept as the `breakdown`. Rows for areas that are not English authorities,
regions or England (e.g. health geographies) are left out and counted.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd

from orchestration.core.adapters.base import (
    Adapted,
    Adapter,
    Column,
    Table,
    best_table,
    financial_year,
    find_columns,
    number,
    read_table,
    require,
)
from orchestration.core.adapters.context import AdaptContext

NAME = "outcomes"
TITLE = "Outcome indicators, long format (Oflog data explorer or Fingertips download)"
COLUMNS = [
    Column(
        "indicator_id",
        (r"indicator id", r"code", r"measure code", r"indicator code"),
        meaning="indicator id or code",
    ),
    Column("indicator_name", (r"indicator( name)?", r"measure( name)?"), meaning="indicator"),
    Column(
        "area_code",
        (r"area code", r"(local authority|la|ons|gss) code"),
        meaning="area code",
    ),
    Column("area_name", (r"area name", r"local authority name", r"la name"), False, "area name"),
    Column("area_type", (r"area type", r"entity name"), False, "area type"),
    Column("period", (r"time period", r"financial year", r"period", r"year"), meaning="period"),
    Column("value", (r"value",), meaning="value"),
    Column("numerator", (r"count", r"numerator"), False, "numerator (count)"),
    Column("denominator", (r"denominator",), False, "denominator"),
    Column("polarity", (r"polarity", r"rank order"), False, "polarity"),
    Column("sex", (r"sex",), False, "sex"),
    Column("age", (r"age",), False, "age"),
    Column("category_type", (r"category type",), False, "inequality category type"),
]
FEED_COLUMNS = [
    "indicator_id",
    "indicator_name",
    "area_code",
    "area_name",
    "period",
    "financial_year",
    "breakdown",
    "value",
    "numerator",
    "denominator",
    "value_multiplier",
    "aggregation",
    "polarity",
    "value_unit",
    "publisher",
    "source_unit",
    "price_basis",
    "accounting_basis",
    "data_provenance",
]
POLARITY = {
    "desc": "higher is better",
    "high is good": "higher is better",
    "rag high is good": "higher is better",
    "rag high is good low is bad": "higher is better",
    "asc": "lower is better",
    "low is good": "lower is better",
    "rag low is good": "lower is better",
    "rag low is good high is bad": "lower is better",
}
# Units of the Oflog adult social care measures whose definitions say so; others as published.
OFLOG_UNITS = {
    "ASC1": "score (carer-reported quality of life, 0 to 12)",
    "ASC3": "percent",
    "ASC4": "percent",
    "ASC5": "percent",
    "ASC7": "percent",
}
PLACE_CODES = ("E06", "E07", "E08", "E09", "E10", "E47", "E12", "E92")
MULTIPLIERS = (1, 100, 1000, 10_000, 100_000)


def _accept(table: Table) -> int | None:
    found = find_columns(table.headers, COLUMNS)
    if found.missing_required:
        return None
    return len(found.columns)


def recognise(tables: list[Table]) -> Table | None:
    return best_table(tables, _accept, minimum=6)


def period_year(period: str) -> str | None:
    """'2016-17' or '2019/20' -> that financial year; '2021' -> 2021-22 (the financial year
    whose membership date, 30 September, falls in that calendar year); ranges -> None."""
    year = financial_year(period)
    if year:
        return year
    match = re.fullmatch(r"\s*(\d{4})\s*", str(period))
    if match:
        start = int(match.group(1))
        return f"{start}-{(start + 1) % 100:02d}"
    return None


def polarity(text: str) -> str | None:
    plain = " ".join(re.sub(r"[^a-z]+", " ", str(text).lower()).split())
    if plain in POLARITY:
        return POLARITY[plain]
    if plain in ("", "none", "no judgement", "not applicable", "bob blue orange blue"):
        return None
    return None


def multiplier(rows: list[dict]) -> int | None:
    """The power of ten with value = numerator / denominator x it, for at least 90% of rows."""
    ratios = [
        r["value"] * r["denominator"] / r["numerator"]
        for r in rows
        if r["value"] is not None and r["numerator"] and r["denominator"]
    ]
    if not ratios or len(ratios) < 0.9 * len(rows):
        return None
    middle = float(statistics.median(ratios))
    chosen = min(MULTIPLIERS, key=lambda m: abs(m - middle))
    close = [r for r in ratios if abs(float(r) - chosen) <= 0.01 * chosen]
    return chosen if len(close) >= 0.9 * len(rows) else None


def adapt(path: Path, table: Table, context: AdaptContext | None = None) -> Adapted:
    context = context or AdaptContext.for_feeds(None)
    found = find_columns(table.headers, COLUMNS)
    require(found, f"{path.name}, {table.where}", TITLE)
    columns = found.columns
    text = read_table(path, table)
    oflog = "rank_order" in table.headers or "MADs_from_median" in table.headers
    publisher = "Office for Local Government (Oflog)" if oflog else "OHID Fingertips"
    provenance = f"real: {publisher} ({path.name}), OGL v3"
    notes = [n for n in found.notes() if not re.search(r"'(sex|age|category_type)'", n)]
    left_out: Counter = Counter()
    unmatched: Counter = Counter()
    by_indicator: dict[str, list[dict]] = defaultdict(list)
    polarities: dict[str, Counter] = defaultdict(Counter)

    def cell(row: dict, name: str) -> str:
        return str(row.get(columns.get(name, ""), "")).strip()

    for row in text.to_dict("records"):
        if cell(row, "category_type"):
            left_out["inequality breakdown (Category Type) rows"] += 1
            continue
        code = cell(row, "area_code").upper()
        if not code:
            code = context.names.code_for(cell(row, "area_name")) or ""
            if not code:
                unmatched[cell(row, "area_name") or "(blank)"] += 1
                continue
        if not code.startswith(PLACE_CODES):
            left_out["areas that are not English authorities, regions or England"] += 1
            continue
        values = {}
        for name in ("value", "numerator", "denominator"):
            try:
                values[name] = number(cell(row, name)) if name in columns else None
            except ValueError:
                values[name] = None
                left_out[f"unreadable {name} (kept blank)"] += 1
        indicator = cell(row, "indicator_id")
        breakdown = ", ".join(v for v in (cell(row, "sex"), cell(row, "age")) if v) or "all"
        judged = polarity(cell(row, "polarity"))
        if judged:
            polarities[indicator][judged] += 1
        by_indicator[indicator].append(
            {
                "indicator_id": indicator,
                "indicator_name": cell(row, "indicator_name"),
                "area_code": code,
                "area_name": cell(row, "area_name"),
                "period": cell(row, "period"),
                "financial_year": period_year(cell(row, "period")) or "",
                "breakdown": breakdown,
                **values,
            }
        )
    rows = []
    for indicator, members in by_indicator.items():
        factor = multiplier(members)
        judged = polarities[indicator].most_common(1)
        name = members[0]["indicator_name"]
        unit = OFLOG_UNITS.get(indicator) if oflog else None
        for member in members:
            rows.append(
                {
                    **member,
                    "value": "" if member["value"] is None else str(member["value"]),
                    "numerator": "" if member["numerator"] is None else str(member["numerator"]),
                    "denominator": (
                        "" if member["denominator"] is None else str(member["denominator"])
                    ),
                    "indicator_name": member["indicator_name"] or name,
                    "value_multiplier": str(factor) if factor else "",
                    "aggregation": "ratio" if factor else "population_weighted",
                    "polarity": judged[0][0] if judged else "not assessed",
                    "value_unit": unit or "as published (the file does not state a unit)",
                    "publisher": publisher,
                    "source_unit": "not money (an indicator value)",
                    "price_basis": "not applicable",
                    "accounting_basis": "not applicable",
                    "data_provenance": provenance,
                }
            )
    frame = pd.DataFrame(rows, columns=FEED_COLUMNS)
    blank = int((frame["value"] == "").sum())
    for reason, count in left_out.items():
        notes.append(f"left out {count:,} row(s): {reason}")
    if unmatched:
        notes.append(
            "area names that could not be matched to a code (rows left out): "
            + ", ".join(f"{n} ({c})" for n, c in unmatched.most_common())
        )
    if blank:
        notes.append(f"{blank:,} row(s) have no value (suppressed or not collected); kept blank")
    kinds = frame.drop_duplicates("indicator_id")["aggregation"].value_counts().to_dict()
    notes.append(
        f"{frame['indicator_id'].nunique()} indicators, {frame['area_code'].nunique()} areas, "
        f"periods {frame['period'].min()} to {frame['period'].max()}; aggregation: "
        + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
    )
    return Adapted(
        NAME,
        "outcomes",
        "outcomes",
        f"{re.sub(r'[^a-z0-9]+', '_', path.stem.lower()).strip('_')}.csv",
        frame,
        len(text),
        notes,
        details={"unmatched_names": dict(unmatched)},
    )


ADAPTER = Adapter(NAME, TITLE, "outcomes", recognise, adapt)
