"""End to end: the real app in Debian's headless Chromium, on the synthetic test snapshot."""

from __future__ import annotations

import os
import re
from pathlib import Path

import duckdb
import pytest
from fake_snapshot import GM, WY, write_snapshot

from dashboards.formatting import format_gbp
from dashboards.screenshot import CHROMIUM, ROOT, open_browser, serve, wait_until_drawn

pytestmark = pytest.mark.browser
SCREENSHOTS = ROOT / "artifacts" / "screenshots"


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return CHROMIUM


def expected_pot(warehouse: Path, place: str, year: str) -> str:
    parquet = str(warehouse / "published" / "pooled_budget.parquet")
    with duckdb.connect() as con:
        total = con.execute(
            "SELECT SUM(contribution_gbp_nominal) FROM read_parquet(?) "
            "WHERE place_code = ? AND financial_year = ?",
            [parquet, place, year],
        ).fetchone()[0]
    return format_gbp(total)


def headline(page) -> str:
    metric = page.get_by_test_id("stMetric").filter(has_text="Pot (cash)")
    return metric.get_by_test_id("stMetricValue").inner_text().strip()


def check_and_shoot(page, name: str) -> None:
    wait_until_drawn(page)
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, exceptions.first.inner_text()
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_every_page_in_a_real_browser(chromium: Path, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    warehouse = tmp_path / "warehouse"
    write_snapshot(warehouse)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with serve(warehouse) as url, open_browser() as page:
        page.goto(url)
        check_and_shoot(page, "pooled_budget")
        assert headline(page) == expected_pot(warehouse, GM, "2025-26")
        expect(page.get_by_text("Synthetic demo data")).to_be_visible()

        page.get_by_test_id("stSelectbox").filter(has_text="City-region").click()
        page.get_by_role("option", name="West Yorkshire").click()
        expect(
            page.get_by_test_id("stMetric")
            .filter(has_text="Pot (cash)")
            .get_by_test_id("stMetricValue")
        ).to_have_text(expected_pot(warehouse, WY, "2025-26"))
        expect(page).to_have_url(re.compile(rf"[?&]place={WY}(&|$)"))
        check_and_shoot(page, "pooled_budget_west_yorkshire")

        page.goto(f"{url}/?place={GM}&year=2024-25")
        check_and_shoot(page, "pooled_budget_link")
        assert headline(page) == expected_pot(warehouse, GM, "2024-25")

        page.get_by_test_id("stSidebarNav").get_by_text("Data and sources").click()
        expect(page.get_by_role("heading", name="Data and sources")).to_be_visible()
        check_and_shoot(page, "data_and_sources")
        expect(page.get_by_text("Input files")).to_be_visible()
