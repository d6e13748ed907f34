"""Rules a contract states as facts, so the engine can run them as set-based queries over the
whole file (orchestration/core/engine_validation.py) instead of row by row in Python. Each rule
words its problems exactly as the row-by-row rules do (schemas/common.is_in,
schemas/geography.area_year_problem)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KnownCode:
    """`column` must be one of `reference_table.reference_column` (e.g. a service area)."""

    column: str
    reference_table: str
    reference_column: str
    what: str  # "is not a known {what}"


@dataclass(frozen=True)
class AreaExistedInYear:
    """`code_column` must be an English authority that existed on 30 September of the financial
    year of `date_column` (April to March), the one rule for when an area existed."""

    code_column: str = "area_code"
    date_column: str = "payment_date"


EngineRule = KnownCode | AreaExistedInYear
