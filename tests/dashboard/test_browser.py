"""End to end: the real app in Debian's headless Chromium, on the synthetic test snapshot.
Visits every page, changes the place, checks the figures follow, and saves a screenshot of each
page under artifacts/screenshots/."""

from __future__ import annotations

import os
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from fake_snapshot import GM, WY, write_snapshot

from dashboards.formatting import format_gbp, format_gbp_short
from dashboards.pages import PAGES as NAVIGATION
from orchestration.tools.screenshot import (
    CHROMIUM,
    ROOT,
    open_browser,
    serve,
    shoot,
    wait_until_drawn,
)

pytestmark = pytest.mark.browser
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
PAGES = [title for _, title, _ in NAVIGATION]


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return CHROMIUM


def scalar(warehouse: Path, sql: str, *params: str) -> float:
    published = warehouse / "published"
    with duckdb.connect() as con:
        for path in published.glob("*.parquet"):
            con.read_parquet(str(path)).create_view(path.stem)
        return float(con.execute(sql, list(params)).fetchone()[0])


def expected_pot(warehouse: Path, place: str, year: str) -> str:
    return format_gbp(
        scalar(
            warehouse,
            "SELECT SUM(contribution_gbp_nominal) FROM pooled_budget "
            "WHERE place_code = ? AND financial_year = ?",
            place,
            year,
        )
    )


def expected_costs(warehouse: Path, place: str) -> str:
    return format_gbp_short(
        scalar(
            warehouse, "SELECT SUM(pv_costs_gbp) FROM intervention_cba WHERE place_code = ?", place
        )
    )


def card(page, label: str):
    metric = page.get_by_test_id("stMetric").filter(has_text=label)
    return metric.get_by_test_id("stMetricValue")


def downloaded(page, kind: str) -> pd.DataFrame:
    """Click the first CSV or XLSX download on the page and read what arrives."""
    button = page.get_by_test_id("stDownloadButton").filter(has_text=kind).first
    with page.expect_download() as info:
        button.click()
    path = info.value.path()
    if kind == "CSV":
        return pd.read_csv(path, encoding="utf-8-sig")
    return pd.read_excel(path, engine="openpyxl")


def check_and_shoot(page, name: str) -> None:
    wait_until_drawn(page)
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, exceptions.first.inner_text()
    shoot(page, SCREENSHOTS / f"{name}.png")


def go_to(page, title: str) -> None:
    from playwright.sync_api import expect

    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()


def test_every_page_in_a_real_browser(chromium: Path, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    warehouse = tmp_path / "warehouse"
    write_snapshot(warehouse)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with serve(warehouse) as url, open_browser() as page:
        page.goto(url)
        expect(page.get_by_role("heading", name="Overview", exact=True)).to_be_visible()
        check_and_shoot(page, "overview")
        expect(card(page, "Pot (cash)")).to_have_text(expected_pot(warehouse, GM, "2025-26"))
        assert format_gbp_short(1e8) == format_gbp(1e8)  # the cards agree for pots of £m
        expect(page.get_by_text("Synthetic demo data")).to_be_visible()
        expect(page.get_by_text("Contains OS data")).to_be_visible()

        # The downloads hold exactly the table behind the map.
        shown = downloaded(page, "CSV")
        assert list(shown.columns) == ["Place code", "Place", "Population",
                                       "PV fiscal savings per head (£)"]  # fmt: skip
        assert sorted(shown["Place code"]) == [GM, WY]
        fiscal = scalar(
            warehouse, "SELECT SUM(pv_fiscal_gbp) FROM intervention_cba WHERE place_code = ?", GM
        )
        gm = shown.set_index("Place code").loc[GM]
        assert gm["PV fiscal savings per head (£)"] == pytest.approx(fiscal / gm["Population"])
        pd.testing.assert_frame_equal(downloaded(page, "XLSX"), shown, check_dtype=False)

        # Change the place: the figures and the link follow it.
        page.get_by_test_id("stSelectbox").filter(has_text="City-region").click()
        page.get_by_role("option", name="West Yorkshire").click()
        expect(card(page, "Pot (cash)")).to_have_text(expected_pot(warehouse, WY, "2025-26"))
        expect(page).to_have_url(re.compile(rf"[?&]place={WY}(&|$)"))
        check_and_shoot(page, "overview_west_yorkshire")

        # The chosen place stays chosen from page to page.
        go_to(page, "Pooled budget")
        expect(card(page, "Pot (cash)")).to_have_text(expected_pot(warehouse, WY, "2025-26"))
        check_and_shoot(page, "pooled_budget")

        go_to(page, "Prevention savings")
        expect(card(page, "PV of costs")).to_have_text(expected_costs(warehouse, WY))
        check_and_shoot(page, "prevention_savings")

        for title in PAGES[3:]:
            go_to(page, title)
            check_and_shoot(page, title.lower().replace(" ", "_"))
        expect(page.get_by_text("Optimism bias by confidence grade")).to_be_visible()

        # A link reproduces a view.
        page.goto(f"{url}/pooled_budget?place={GM}&year=2024-25")
        expect(card(page, "Pot (cash)")).to_have_text(expected_pot(warehouse, GM, "2024-25"))
        check_and_shoot(page, "pooled_budget_link")
        page.goto(f"{url}/prevention_savings?place={GM}&intervention=GM-FP1")
        expect(card(page, "Payback")).to_have_text(re.compile(r"3 years \(2026-27\)"))
        check_and_shoot(page, "prevention_savings_one_intervention")
