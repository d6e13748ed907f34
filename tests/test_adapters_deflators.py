"""The deflator adapter on HM Treasury's real GDP deflators (March 2026 release, 2024-25 = 100;
tests/fixtures/real/gdp_deflators.csv, copied byte for byte), and on a spreadsheet in HM
Treasury's own layout CONSTRUCTED in the test from those real values with another base year."""

from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from orchestration.core.adapt_files import check
from orchestration.core.adapters import AdaptContext, AdapterError, deflators, recognise
from orchestration.core.paths import BUNDLED_REFERENCE_DIR
from schemas.common import ValidationContext

REAL = Path(__file__).parent / "fixtures" / "real" / "gdp_deflators.csv"


def context(price_base: str) -> AdaptContext:
    bundled = AdaptContext.for_feeds(None)
    return AdaptContext(bundled.areas, bundled.membership, price_base)


def index_of(frame: pd.DataFrame, year: str) -> Decimal:
    return Decimal(frame.loc[frame["financial_year"] == year, "gdp_deflator_index"].item())


def test_real_file_read():
    assert recognise(REAL) is deflators.ADAPTER
    adapted = deflators.ADAPTER.adapt(REAL, context("2024-25"))
    frame = adapted.frame
    assert len(frame) == 31  # 2000-01 to 2030-31
    assert (frame["financial_year"].min(), frame["financial_year"].max()) == ("2000-01", "2030-31")
    # gdp_deflators.csv line 2: 2000-01,54.3697; line 22: 2020-21,85.1002
    assert index_of(frame, "2000-01") == Decimal("54.3697")
    assert index_of(frame, "2020-21") == Decimal("85.1002")
    assert index_of(frame, "2024-25") == Decimal("100.0000")
    assert set(frame["source_unit"]) == {"index (2024-25 = 100 as published)"}
    assert set(frame["price_basis"]) == {"rebased: 2024-25 = 100"}
    seed = pd.read_csv(BUNDLED_REFERENCE_DIR / "deflators.csv", dtype=str)
    assert dict(
        zip(seed["financial_year"], seed["gdp_deflator_index"].map(Decimal), strict=True)
    ) == {
        y: Decimal(v)
        for y, v in zip(frame["financial_year"], frame["gdp_deflator_index"], strict=True)
    }
    loaded, set_aside, problems = check(adapted, "reference/deflators.csv", ValidationContext())
    assert len(loaded) == 31 and set_aside.empty


def test_rebased_to_another_price_base():
    frame = deflators.ADAPTER.adapt(REAL, context("2019-20")).frame
    assert index_of(frame, "2019-20") == Decimal("100.0000")
    # 2024-25 rebased = 100 x 100 / 80.8738 (gdp_deflators.csv line 21, the 2019-20 row)
    base_2019 = Decimal(
        pd.read_csv(REAL, dtype=str).set_index("financial_year").loc["2019-20", "deflator_index"]
    )
    assert index_of(frame, "2024-25") == (Decimal(100) * 100 / base_2019).quantize(
        Decimal("0.0001")
    )


def test_price_base_outside_the_series_is_refused():
    with pytest.raises(AdapterError, match="has no 2035-36"):
        deflators.ADAPTER.adapt(REAL, context("2035-36"))


# --- HM Treasury's spreadsheet layout, CONSTRUCTED from the real values ---------------------------
# HMT publishes the series as a spreadsheet with a title and notes above a header row ("Financial
# year", "GDP deflator at market prices", "per cent change on previous year", "Money GDP"). That
# file is not available offline; this one is CONSTRUCTED here from the real index, rebased to
# 2015-16 = 100, to test the layout and the rebasing, not a second publication.


def test_hmt_spreadsheet_layout(tmp_path):
    real = pd.read_csv(REAL, dtype=str)
    base = Decimal(real.set_index("financial_year").loc["2015-16", "deflator_index"])
    path = tmp_path / "GDP_Deflators_constructed.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "GDP deflators"
    sheet.append(["GDP deflators at market prices, and money GDP (constructed test layout)"])
    sheet.append(["Base year 2015-16 = 100"])
    sheet.append([])
    sheet.append(
        ["Financial year", "GDP deflator at market prices", "per cent change on previous year"]
    )
    for year, value in zip(real["financial_year"], real["deflator_index"], strict=True):
        sheet.append([year, float(Decimal(value) * 100 / base), None])
    sheet.append(["Source: constructed from HM Treasury's March 2026 values"])
    workbook.save(path)
    assert recognise(path) is deflators.ADAPTER
    adapted = deflators.ADAPTER.adapt(path, context("2024-25"))
    assert len(adapted.frame) == 31
    assert any("1 row(s) that are not a financial year" in n for n in adapted.notes)
    for year, value in zip(real["financial_year"], real["deflator_index"], strict=True):
        assert abs(index_of(adapted.frame, year) - Decimal(value)) <= Decimal("0.0001"), year
