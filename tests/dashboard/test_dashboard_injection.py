"""Every page, every filter and query parameter, given strings meant to break SQL, HTML, paths or
spreadsheets: each page still renders without an exception and falls back to its defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
from dashboard_helpers import PAGES, assert_clean, run_app

QUERY_PARAMETERS = [
    "place", "year", "years", "prices", "per_head", "intervention", "by", "sort", "indicator",
]  # fmt: skip
HOSTILE = [
    "E47000001'; drop table pooled_budget; --",
    "' OR '1'='1",
    "../../../../etc/passwd",
    '=HYPERLINK("http://example.invalid")',
    "<script>alert(1)</script>",
    "2025-26..2029-30' UNION SELECT 1 --",
]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_in_every_query_parameter(warehouse: Path, page: str, value: str) -> None:
    at = run_app(page, **{name: value for name in QUERY_PARAMETERS})
    assert_clean(at)
    shown = " ".join(str(element.value) for element in at.markdown)
    assert "<script>" not in shown and "drop table" not in shown.lower()
