"""Money, shares and years the British way; spreadsheet-safe exports."""

from __future__ import annotations

import io
from decimal import Decimal

import pandas as pd
import pytest

from dashboards.exports import to_csv_bytes, to_xlsx_bytes
from orchestration.core.formatting import (
    financial_year_start,
    format_financial_year,
    format_gbp,
    format_gbp_exact,
    format_gbp_short,
    format_per_head,
    format_roi,
    format_share,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1_234_567_890, "£1.23bn"),
        (456_700_000, "£456.7m"),
        (12_345, "£12,345"),
        (12_345.49, "£12,345"),
        (0, "£0"),
        (-2_000_000, "-£2.0m"),
        (999_999_999, "£1.00bn"),
        (999_999.7, "£1.0m"),
        (950_000, "£950,000"),
        (12_300_000_000_000, "£12,300.00bn"),
        (Decimal("460750000.50"), "£460.8m"),
        (None, "n/a"),
        (float("nan"), "n/a"),
    ],
)
def test_format_gbp(value, text) -> None:
    assert format_gbp(value) == text


def test_exact_and_per_head() -> None:
    assert format_gbp_exact(460_750_000.5) == "£460,750,000"
    assert format_gbp_exact(-1234) == "-£1,234"
    assert format_per_head(123.454) == "£123.45"
    assert format_per_head(1234.5) == "£1,234.50"
    assert format_per_head(None) == "n/a"


def test_share() -> None:
    assert format_share(0.7538) == "75.4%"
    assert format_share(None) == "n/a"


@pytest.mark.parametrize(("year", "text"), [(2025, "2025-26"), ("2025-26", "2025-26"),
                                           ("2099", "2099-00"), (1999, "1999-00")])  # fmt: skip
def test_financial_year(year, text) -> None:
    assert format_financial_year(year) == text


def test_financial_year_start() -> None:
    assert financial_year_start("2025-26") == 2025
    with pytest.raises(ValueError):
        financial_year_start("2025/26")


HOSTILE = pd.DataFrame(
    {
        "text": ["=1+1", "+SUM(A1)", "-cmd", "@x", "plain", "-12.5", "+3", None],
        "amount": [1.5, -2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
    }
)


def test_downloads_neutralise_text_a_spreadsheet_would_run() -> None:
    """The rule of `wholeplace export`: any text starting =, +, - or @ (numbers written as
    text too, which a spreadsheet would otherwise turn back into numbers) gets an apostrophe."""
    csv = pd.read_csv(io.BytesIO(to_csv_bytes(HOSTILE)), encoding="utf-8-sig", dtype=str)
    assert csv["text"].tolist()[:7] == [
        "'=1+1",
        "'+SUM(A1)",
        "'-cmd",
        "'@x",
        "plain",
        "'-12.5",
        "'+3",
    ]
    assert HOSTILE["text"][0] == "=1+1"  # the shown table is not changed


def test_csv_and_xlsx_hold_the_shown_rows() -> None:
    csv = pd.read_csv(io.BytesIO(to_csv_bytes(HOSTILE)), encoding="utf-8-sig")
    xlsx = pd.read_excel(io.BytesIO(to_xlsx_bytes(HOSTILE)), engine="openpyxl")
    for frame in (csv, xlsx):
        assert list(frame.columns) == ["text", "amount"]
        assert frame["amount"].tolist() == HOSTILE["amount"].tolist()
        assert frame["text"][0] == "'=1+1"


@pytest.mark.parametrize(
    ("value", "text"),
    [(513_412, "£513k"), (-513_412, "-£513k"), (9_999, "£9,999"), (10_000, "£10k"),
     (999_999.7, "£1.0m"), (1_234_567, "£1.2m"), (None, "n/a")],
)  # fmt: skip
def test_format_gbp_short(value, text) -> None:
    assert format_gbp_short(value) == text


def test_format_roi() -> None:
    assert format_roi(1.834) == "£1.83 per £1"
    assert format_roi(None) == "n/a"
