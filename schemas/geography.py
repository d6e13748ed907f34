"""Area codes in feeds: the code must be an English authority that existed in that financial year.

One rule decides when an area existed and where it belongs: its state on 30 September, the middle
of the financial year. The same date decides place membership in dbt (`financial_year_midpoint`).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from schemas.common import FeedContract, Problem, ValidationContext

ENGLISH_AUTHORITY_PREFIXES = ("E06", "E07", "E08", "E09", "E10", "E47")


def midpoint(financial_year: str) -> dt.date:
    return dt.date(int(financial_year[:4]), 9, 30)


def _as_date(value) -> dt.date | None:
    if value is None or (not isinstance(value, dt.date) and pd.isna(value)) or value == "":
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def area_index(context: ValidationContext) -> dict[str, dict]:
    areas = context.reference.get("areas")
    if areas is None:
        return {}
    return {str(r["area_code"]): r for r in areas.to_dict("records")}


def describe(code: str, areas: dict[str, dict]) -> str:
    area = areas.get(code)
    return f"{code} ({area['area_name']})" if area else code


def area_year_problem(code: str, year: str, areas: dict[str, dict]) -> tuple[str, str] | None:
    """(rule, message) when `code` was not an English authority on 30 September of `year`."""
    if not code.startswith(ENGLISH_AUTHORITY_PREFIXES):
        return "english_authority", (
            f"'{code}' is not the GSS code of an English local or combined authority "
            "(codes start E06, E07, E08, E09, E10 or E47)"
        )
    area = areas.get(code)
    if area is None:
        return "known_area", f"'{code}' is not a GSS code that has ever existed"
    day = midpoint(year)
    start, end = _as_date(area.get("start_date")), _as_date(area.get("end_date"))
    if start and day < start:
        return "area_existed_in_year", (
            f"{describe(code, areas)} did not exist yet in {year}: "
            f"it started on {start.isoformat()}"
        )
    if end and day > end:
        successor = str(area.get("successor_code") or "")
        hint = f"; its successor is {describe(successor, areas)}" if successor else ""
        return "area_existed_in_year", (
            f"{describe(code, areas)} no longer existed in {year}: its last day was "
            f"{end.isoformat()}{hint}"
        )
    return None


def area_rules(
    year_column: str = "financial_year",
    code_column: str = "area_code",
    exempt_prefixes: tuple[str, ...] = (),
):
    def rules(typed: pd.DataFrame, context: ValidationContext, contract: FeedContract):
        areas = area_index(context)
        problems = []
        for row in typed.to_dict("records"):
            code, year = row.get(code_column), row.get(year_column)
            if not code or not year or str(code).startswith(exempt_prefixes):
                continue
            found = area_year_problem(str(code), str(year), areas)
            if found:
                rule, message = found
                problems.append(
                    Problem(
                        feed=contract.name,
                        file=row["source_file"],
                        row=int(row["source_row"]),
                        column=code_column,
                        value=str(code),
                        rule=rule,
                        message=message,
                        severity=contract.row_problems,
                    )
                )
        return problems

    return rules
