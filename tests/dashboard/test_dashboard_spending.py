"""The Spending page: what councils paid out (place_spend_by_funding_line) by service area and
funding line, beside their revenue outturn and the whole-place budget; and what the page says
when the snapshot has no payment-level feed."""

from __future__ import annotations

from pathlib import Path

import pytest
from dashboard_helpers import SPENDING, assert_clean, metric, parquet, run_app, table
from fake_snapshot import CORE_MARTS, GM, LCR, write_snapshot

from orchestration.core.formatting import format_gbp
from schemas.spend_transactions import CONTRACT

PAID = "Paid out, net, cash (£)"
SHARE = "Paid out as a share of outturn (%)"  # only in the table by service area


@pytest.fixture
def with_payments(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_snapshot(tmp_path, payments=True)
    monkeypatch.setenv("WHOLEPLACE_WAREHOUSE", str(tmp_path))
    return tmp_path


def paid(warehouse: Path, year: str, where: str = "TRUE", *params: object) -> float:
    return parquet(
        warehouse,
        "SELECT SUM(amount_gbp_nominal) FROM place_spend_by_funding_line "
        f"WHERE place_code = ? AND financial_year = ? AND {where}",
        GM,
        year,
        *params,
    )


def test_payments_by_service_area_equal_the_parquet_beside_the_outturn(with_payments):
    at = run_app(SPENDING, place=GM, year="2025-26")
    assert_clean(at)
    assert "What councils paid out" in [h.value for h in at.header]
    assert metric(at, "Councils paid out") == format_gbp(paid(with_payments, "2025-26"))
    refunds = parquet(
        with_payments,
        "SELECT SUM(refunds_gbp_nominal) FROM place_spend_by_funding_line "
        "WHERE place_code = ? AND financial_year = ?",
        GM,
        "2025-26",
    )
    assert refunds < 0
    assert metric(at, "Refunds") == format_gbp(refunds)
    services = table(at, SHARE).set_index("Service")
    for service in ("asc", "trans"):
        name = parquet(
            with_payments,
            "SELECT ANY_VALUE(service_area_name) FROM place_spend_by_funding_line "
            "WHERE service_area = ?",
            service,
        )
        expected = paid(with_payments, "2025-26", "service_area = ?", service)
        assert services.loc[name, PAID] == pytest.approx(expected)
    # The mart repeats the service area's outturn on each funding line: shown once, not summed.
    asc = services.loc["Adult social care"]
    outturn = parquet(
        with_payments,
        "SELECT MAX(outturn_gbp_nominal) FROM place_spend_by_funding_line "
        "WHERE place_code = ? AND financial_year = ? AND service_area = 'asc'",
        GM,
        "2025-26",
    )
    assert asc["Outturn, cash (£)"] == pytest.approx(outturn)
    assert metric(at, "Outturn, same services") == format_gbp(outturn)
    assert asc[SHARE] == pytest.approx(asc[PAID] / outturn * 100)
    assert any("Synthetic demo data" in w.value for w in at.warning)


def test_the_chart_table_holds_every_service_area_and_funding_line(with_payments):
    at = run_app(SPENDING, place=GM, year="2025-26")
    assert_clean(at)
    assert [t.label for t in at.tabs] == ["Chart", "Table"]
    detail = table(at, "Paid out per head, real, 2024-25 prices (£)")
    rows = parquet(
        with_payments,
        "SELECT COUNT(*) FROM place_spend_by_funding_line "
        "WHERE place_code = ? AND financial_year = ?",
        GM,
        "2025-26",
    )
    assert len(detail) == rows == 3
    assert detail[PAID].sum() == pytest.approx(paid(with_payments, "2025-26"))
    assert detail["Refunds, cash (£)"].min() < 0
    assert set(detail["Funding line"]) == {
        "Public Health Grant", "Local Transport Capital Funding", "Not stated by the council",
    }  # fmt: skip


def test_funding_lines_sit_beside_the_whole_place_allocations(with_payments):
    at = run_app(SPENDING, place=GM, year="2025-26")
    assert_clean(at)
    lines = table(at, "Allocated on the line, cash (£)").set_index("Funding line code")
    allocated = parquet(
        with_payments,
        "SELECT SUM(amount_gbp_nominal) FROM whole_place_budget "
        "WHERE place_code = ? AND financial_year = ? AND funding_line = 'PHG'",
        GM,
        "2025-26",
    )
    assert lines.loc["PHG", "Allocated on the line, cash (£)"] == pytest.approx(allocated)
    assert lines.loc["PHG", "Funding line"] == "Public Health Grant"
    assert lines.loc["PHG", PAID] == pytest.approx(
        paid(with_payments, "2025-26", "funding_line = 'PHG'")
    )
    assert metric(at, "Departmental funding") == format_gbp(
        parquet(
            with_payments,
            "SELECT SUM(amount_gbp_nominal) FROM whole_place_budget "
            "WHERE place_code = ? AND financial_year = ?",
            GM,
            "2025-26",
        )
    )


def test_not_stated_funding_lines_are_explained_and_counted(with_payments):
    at = run_app(SPENDING, place=GM, year="2025-26")
    assert_clean(at)
    not_stated = paid(with_payments, "2025-26", "funding_line = 'not stated'")
    assert not_stated > 0
    lines = table(at, "Allocated on the line, cash (£)").set_index("Funding line code")
    assert lines.loc["not stated", "Funding line"] == "Not stated by the council"
    assert lines.loc["not stated", PAID] == pytest.approx(not_stated)
    explained = [m.value for m in at.markdown if "Not stated by the council" in m.value]
    assert explained and format_gbp(not_stated) in explained[0]
    assert "cannot be set beside a departmental allocation" in explained[0]


def test_the_year_chosen_is_the_year_shown(with_payments):
    at = run_app(SPENDING, place=GM, year="2024-25")
    assert_clean(at)
    assert metric(at, "Councils paid out") == format_gbp(paid(with_payments, "2024-25"))
    assert "Not stated by the council" not in " ".join(m.value for m in at.markdown)


def test_a_place_without_payments_says_so(with_payments):
    at = run_app(SPENDING, place=LCR, year="2025-26")
    assert_clean(at)
    assert any(
        "No council payments are published for Liverpool City Region in 2025-26" in i.value
        for i in at.info
    )
    assert not at.dataframe


def test_real_payments_carry_no_synthetic_banner(tmp_path, monkeypatch):
    write_snapshot(tmp_path, payments=True, synthetic=False)
    monkeypatch.setenv("WHOLEPLACE_WAREHOUSE", str(tmp_path))
    at = run_app(SPENDING, place=GM, year="2025-26")
    assert_clean(at)
    assert at.dataframe
    assert not any("Synthetic" in w.value for w in at.warning)


@pytest.mark.parametrize("marts", [None, CORE_MARTS], ids=["published empty", "not published"])
def test_without_a_payment_feed_the_page_says_how_to_add_one(tmp_path, monkeypatch, marts):
    write_snapshot(tmp_path, marts=marts)
    monkeypatch.setenv("WHOLEPLACE_WAREHOUSE", str(tmp_path))
    at = run_app(SPENDING, place=GM, year="2025-26")
    assert_clean(at)
    notice = next(i.value for i in at.info if "no payment-level feed" in i.value)
    assert "`FEEDS/spend_transactions/`" in notice
    for field in CONTRACT.fields:
        assert f"`{field.name}`" in notice
    assert "wholeplace build --feeds FEEDS" in notice
    # No empty chart or table in its place; the whole-place budget is still shown.
    assert not at.dataframe and not at.tabs
    assert metric(at, "Departmental funding") == format_gbp(
        parquet(
            tmp_path,
            "SELECT SUM(amount_gbp_nominal) FROM whole_place_budget "
            "WHERE place_code = ? AND financial_year = ?",
            GM,
            "2025-26",
        )
    )


def test_an_empty_number_cell_is_blank_not_none(with_payments):
    at = run_app(SPENDING, place=GM, year="2025-26")
    assert_clean(at)
    services = table(at, SHARE).set_index("Service")
    # No revenue outturn is published for the transport payments: an empty cell.
    assert services["Outturn, cash (£)"].isna()["Highways and transport"]
    # Streamlit writes the text "None" in an empty cell unless given a placeholder.
    assert at.dataframe
    for grid in at.dataframe:
        assert grid.proto.HasField("placeholder") and grid.proto.placeholder == ""
