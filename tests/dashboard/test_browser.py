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

from dashboards.pages import PAGES as NAVIGATION
from orchestration.core.formatting import format_gbp, format_gbp_short
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
        # The first render on a busy machine can take longer than expect's 5 s.
        expect(page.get_by_role("heading", name="Overview", exact=True)).to_be_visible(
            timeout=60_000
        )
        check_and_shoot(page, "overview")
        expect(card(page, "Pot (cash)")).to_have_text(expected_pot(warehouse, GM, "2025-26"))
        assert format_gbp_short(1e8) == format_gbp(1e8)  # the cards agree for pots of £m
        banner = page.get_by_test_id("stAlertContentWarning")
        expect(banner.get_by_text("Synthetic demo data")).to_be_visible()
        expect(page.get_by_text("Contains OS data")).to_be_visible()

        # No Deploy button: the app runs in viewer mode.
        expect(page.get_by_role("button", name="Deploy")).to_have_count(0)

        # The downloads hold exactly the table behind the map.
        shown = downloaded(page, "CSV")
        assert list(shown.columns) == ["Place code", "Place", "Population",
                                       "PV net savings per head (£)"]  # fmt: skip
        assert sorted(shown["Place code"]) == [GM, WY]
        net = scalar(
            warehouse,
            "SELECT SUM(pv_fiscal_gbp) - SUM(pv_costs_gbp) FROM intervention_cba "
            "WHERE place_code = ?",
            GM,
        )
        gm = shown.set_index("Place code").loc[GM]
        # Downloads write pounds and pence.
        assert gm["PV net savings per head (£)"] == pytest.approx(net / gm["Population"], abs=0.005)
        # The XLSX keeps every digit (shown as pence), the CSV writes pence.
        pd.testing.assert_frame_equal(
            downloaded(page, "XLSX"), shown, check_dtype=False, check_exact=False, atol=0.005
        )

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
            if title == "Outcomes":
                continue  # the test snapshot has no outcomes: the demo test below visits it
            go_to(page, title)
            check_and_shoot(page, title.lower().replace(" ", "_"))
            if title == "Method":
                expect(page.get_by_text("Optimism bias by confidence grade")).to_be_visible()

        # A link reproduces a view.
        page.goto(f"{url}/pooled_budget?place={GM}&year=2024-25")
        expect(card(page, "Pot (cash)")).to_have_text(expected_pot(warehouse, GM, "2024-25"))
        check_and_shoot(page, "pooled_budget_link")
        page.goto(f"{url}/prevention_savings?place={GM}&intervention=GM-FP1")
        expect(card(page, "Payback")).to_have_text(re.compile(r"3 years \(2026-27\)"))
        check_and_shoot(page, "prevention_savings_one_intervention")


def _headline(warehouse: Path) -> str:
    """The Overview's sentence for Greater Manchester in 2025-26, from DuckDB."""
    pot = expected_pot(warehouse, GM, "2025-26")
    # The demo build has place_appraisal: every present value discounted to one base year.
    costs, saved = (
        scalar(warehouse, f"SELECT SUM({c}) FROM place_appraisal WHERE place_code = ?", GM)
        for c in ("pv_costs_gbp", "pv_fiscal_gbp")
    )
    national = scalar(
        warehouse,
        "SELECT SUM(pv_rebased_gbp) FROM prevention_savings WHERE place_code = ? "
        "AND value_type = 'fiscal' AND agency_tier = 'national'",
        GM,
    )
    with duckdb.connect() as con:
        con.read_parquet(str(warehouse / "published" / "prevention_savings.parquet")).create_view(
            "prevention_savings"
        )
        last = con.execute(
            "SELECT MAX(financial_year) FROM prevention_savings WHERE place_code = ? "
            "AND value_type = 'fiscal'",
            [GM],
        ).fetchone()[0]
    return (
        f"In 2025-26 Greater Manchester has a pooled budget of {pot} (cash). Greater "
        f"Manchester's prevention programme costs {format_gbp(costs)} and is expected to save "
        f"{format_gbp(saved)} across public services by {last}, of which {format_gbp(national)} "
        "lands in national budgets"
    )


def _reconciled(warehouse: Path, budget_type: str) -> str:
    pot, announced = (
        format_gbp(
            scalar(
                warehouse,
                f"SELECT SUM({c}) FROM settlement_checks WHERE place_code = ? "
                "AND financial_year = '2025-26' AND budget_type = ? "
                "AND \"check\" = 'pot_matches_announced_total' AND expected_gbp IS NOT NULL",
                GM,
                budget_type,
            )
        )
        for c in ("actual_gbp", "expected_gbp")
    )
    return f"Pot {pot} · announced {announced}"


def _latest_outcome(warehouse: Path, indicator: str) -> tuple[str, str]:
    with duckdb.connect() as con:
        con.read_parquet(str(warehouse / "published" / "place_outcomes.parquet")).create_view(
            "place_outcomes"
        )
        period, compared = con.execute(
            "SELECT period, compared_with_england FROM place_outcomes WHERE place_code = ? "
            "AND indicator_id = ? AND breakdown = 'all' AND place_value IS NOT NULL "
            "ORDER BY financial_year DESC, period DESC LIMIT 1",
            [GM, indicator],
        ).fetchone()
    return period, compared


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_answers_on_the_demo_build(chromium: Path, demo_warehouse: Path, width: str) -> None:
    """Every page of the demo build at desktop and phone widths: the headline sentence, the
    reconciliation panel and the outcomes page say what DuckDB says; on a phone the answer
    comes before the map; no Deploy button."""
    from playwright.sync_api import expect

    from orchestration.tools.screenshot import PHONE, VIEWPORT

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with serve(demo_warehouse) as url, open_browser() as page:
        page.set_viewport_size(PHONE if width == "phone" else VIEWPORT)
        page.goto(url)
        expect(page.get_by_role("heading", name="Overview", exact=True)).to_be_visible(
            timeout=60_000
        )
        wait_until_drawn(page)
        headline = page.get_by_test_id("stMarkdown").filter(has_text="prevention programme")
        expect(headline).to_contain_text(_headline(demo_warehouse))
        expect(page.get_by_role("button", name="Deploy")).to_have_count(0)
        # Every chart has its text alternative written under it.
        charts = page.get_by_test_id("stVegaLiteChart").count()
        described = page.get_by_test_id("stCaptionContainer").filter(has_text="Table tab beside")
        assert charts >= 1 and described.count() == charts
        if width == "phone":
            answer = headline.bounding_box()["y"]
            chart = page.get_by_test_id("stVegaLiteChart").first.bounding_box()["y"]
            assert answer < chart, "on a phone the sentence comes before the map"
        check_and_shoot(page, f"demo_overview_{width}")

        page.goto(f"{url}/pooled_budget?place={GM}&year=2025-26")
        wait_until_drawn(page)
        for budget_type in ("resource", "capital"):
            expect(page.get_by_text(_reconciled(demo_warehouse, budget_type))).to_be_visible()
        check_and_shoot(page, f"demo_pooled_budget_{width}")

        page.goto(f"{url}/outcomes?place={GM}&indicator=ASC5")
        wait_until_drawn(page)
        period, compared = _latest_outcome(demo_warehouse, "ASC5")
        sentence = page.get_by_text(re.compile(rf"^In {period} Greater Manchester scored"))
        expect(sentence).to_contain_text(compared)
        check_and_shoot(page, f"demo_outcomes_{width}")

        for title in PAGES:
            if width == "phone":
                break  # the sidebar is collapsed on a phone: links above visit the key pages
            go_to(page, title)
            check_and_shoot(page, f"demo_{title.lower().replace(' ', '_')}_{width}")


def test_a_scenario_link_in_a_real_browser(chromium: Path, tmp_path: Path) -> None:
    """A link with a scenario in it opens the Scenarios page with the cut applied; moving a
    slider writes the new value into the address bar."""
    from playwright.sync_api import expect

    warehouse = tmp_path / "warehouse"
    write_snapshot(warehouse)
    pots = scalar(warehouse, "SELECT SUM(contribution_gbp_nominal) FROM pooled_budget "
                  "WHERE financial_year = '2025-26'")  # fmt: skip
    dfe = scalar(warehouse, "SELECT SUM(contribution_gbp_nominal) FROM pooled_budget "
                 "WHERE financial_year = '2025-26' AND department = 'DFE'")  # fmt: skip
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with serve(warehouse) as url, open_browser() as page:
        page.goto(f"{url}/scenarios?dept_DFE=-5")
        expect(page.get_by_role("heading", name="Scenarios", exact=True)).to_be_visible(
            timeout=60_000
        )
        # The first scenario of a session reads the baseline: slow on a busy machine.
        expect(card(page, "Pots in the scenario (cash)")).to_have_text(
            format_gbp(pots - 0.05 * dfe), timeout=30_000
        )
        expect(page.get_by_text("Synthetic demo data")).to_be_visible()
        check_and_shoot(page, "scenarios_link")

        thumb = page.get_by_test_id("stSlider").filter(has_text="(DFT)").get_by_role("slider")
        thumb.focus()
        thumb.press("ArrowLeft")
        thumb.press("ArrowLeft")
        expect(page).to_have_url(re.compile(r"[?&]dept_DFT=-1(&|$)"))
        expect(page).to_have_url(re.compile(r"[?&]dept_DFE=-5(&|$)"))
        dft = scalar(warehouse, "SELECT SUM(contribution_gbp_nominal) FROM pooled_budget "
                     "WHERE financial_year = '2025-26' AND department = 'DFT'")  # fmt: skip
        expect(card(page, "Pots in the scenario (cash)")).to_have_text(
            format_gbp(pots - 0.05 * dfe - 0.01 * dft)
        )
        check_and_shoot(page, "scenarios_moved")
