"""Money, shares and financial years written the British way: the dashboard's cards and
captions and the command line's summaries use these, so a pot reads the same in both."""

from __future__ import annotations

import math
import re
from decimal import Decimal

_FY = re.compile(r"^(\d{4})-(\d{2})$")


def _missing(value: float | Decimal | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _signed(value: float, body: str) -> str:
    return f"-£{body}" if value < 0 else f"£{body}"


def format_gbp(value: float | Decimal | None, missing: str = "n/a") -> str:
    """£1.23bn, £456.7m or £12,345; `missing` when there is no figure."""
    if _missing(value):
        return missing
    value = float(value)
    size = abs(value)
    # Decide on the rounded figure, so 999,999,999 reads £1.00bn rather than £1,000.0m.
    if round(size / 1e9, 2) >= 1 or round(size / 1e6, 1) >= 1000:
        return _signed(value, f"{size / 1e9:,.2f}bn")
    if round(size / 1e6, 1) >= 1 or round(size) >= 1_000_000:
        return _signed(value, f"{size / 1e6:,.1f}m")
    return _signed(value, f"{size:,.0f}")


def format_gbp_short(value: float | Decimal | None) -> str:
    """Like format_gbp, but thousands as £513k: for cards, where space is short."""
    if _missing(value):
        return "n/a"
    size = abs(float(value))
    if size >= 10_000 and round(size / 1e6, 1) < 1 and round(size) < 1_000_000:
        return _signed(float(value), f"{size / 1e3:,.0f}k")
    return format_gbp(value)


def format_gbp_exact(value: float | Decimal | None) -> str:
    """Whole pounds with thousands separators: £12,345,678."""
    if _missing(value):
        return "n/a"
    return _signed(float(value), f"{abs(float(value)):,.0f}")


def format_per_head(value: float | Decimal | None) -> str:
    """Pounds and pence per person: £123.45."""
    if _missing(value):
        return "n/a"
    return _signed(float(value), f"{abs(float(value)):,.2f}")


def format_share(value: float | Decimal | None) -> str:
    """A share in [0, 1] as a percentage with one decimal: 12.3%."""
    if _missing(value):
        return "n/a"
    return f"{float(value) * 100:.1f}%"


def format_financial_year(year: int | str) -> str:
    """2025 or '2025-26' -> '2025-26' (the year starting in April 2025)."""
    if isinstance(year, str):
        match = _FY.match(year.strip())
        if match:
            return year.strip()
        year = int(year)
    return f"{year}-{(year + 1) % 100:02d}"


def financial_year_start(label: str) -> int:
    """'2025-26' -> 2025."""
    match = _FY.match(label.strip())
    if not match:
        raise ValueError(f"not a financial year like 2025-26: {label!r}")
    return int(match.group(1))


def format_roi(value: float | Decimal | None) -> str:
    """A return on investment as pounds back per pound spent: £1.83 per £1."""
    if _missing(value):
        return "n/a"
    return f"{_signed(float(value), f'{abs(float(value)):,.2f}')} per £1"
