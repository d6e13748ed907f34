"""The Data page says which spending-by-service figures are real: on the demo build, Greater
Manchester's 2022-23 to 2024-25 outturn is MHCLG's revenue outturn, every other figure synthetic."""

from __future__ import annotations

from pathlib import Path

import pytest
from dashboard_helpers import DATA_PAGE, assert_clean, run_app, table


@pytest.mark.slow
def test_data_page_marks_the_real_outturn(
    demo_warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WHOLEPLACE_WAREHOUSE", str(demo_warehouse))
    at = run_app(DATA_PAGE)
    assert_clean(at)
    spend = table(at, "First year")
    real = spend[~spend["Synthetic"]]
    assert set(real["Place"]) == {"Greater Manchester"}
    assert (
        real["First year"].tolist()
        == real["Last year"].tolist()
        == [
            "2022-23",
            "2023-24",
            "2024-25",
        ]
    )
    assert real["Source"].str.startswith("real: MHCLG revenue outturn time series 20").all()
    synthetic = spend[spend["Synthetic"]]
    assert synthetic["Source"].str.startswith("synthetic: ").all()
    assert "Greater Manchester" in set(synthetic["Place"])  # its years before 2022-23
