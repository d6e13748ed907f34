"""The Scenarios page on the synthetic test snapshot: at 0% the scenario is the baseline to the
penny; a cut to one department changes exactly its lines; the page's figures are the ones
`wholeplace scenario` writes for the YAML the page offers; the link reproduces the scenario and a
bad value in it gets one notice, not a traceback."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from dashboard_helpers import SCENARIOS, assert_clean, parquet, run_app, table
from fake_snapshot import CORE_MARTS, GM, LCR, WY, write_snapshot

from dashboards.components.evidence import _comparison_sheet
from dashboards.queries.scenarios import page_scenario, scenario_comparison
from dashboards.queries.snapshot import current_snapshot
from orchestration.cli.main import main
from orchestration.core.export.write import download
from orchestration.core.scenario import load_scenario, parse_scenario

POT = ["Pot, baseline, cash (£)", "Pot, scenario, cash (£)", "Pot, difference, cash (£)"]
PER_HEAD = [
    "Whole-place budget per head, baseline, cash (£)",
    "Whole-place budget per head, scenario, cash (£)",
    "Whole-place budget per head, difference, cash (£)",
]
RETAINED = [
    f"Retained savings, {kind}, real, 2024-25 prices (£)"
    for kind in ("baseline", "scenario", "difference")
]


def places(at) -> pd.DataFrame:
    return table(at, POT[1]).set_index("Place code")


def page_yaml(at) -> str:
    return next(c.value for c in at.code if c.value.startswith("name: dashboard-scenario"))


def slider(at, department: str):
    return next(s for s in at.slider if s.label.endswith(f"({department})"))


def department_pot(warehouse: Path, place: str, department: str, year: str = "2025-26") -> Decimal:
    total = parquet(
        warehouse,
        "SELECT SUM(contribution_gbp_nominal) FROM pooled_budget WHERE place_code = ? "
        "AND department = ? AND financial_year = ?",
        place,
        department,
        year,
    )
    return Decimal(str(total))


def test_sliders_at_zero_give_the_baseline_exactly(warehouse: Path) -> None:
    at = run_app(SCENARIOS)
    assert_clean(at)
    assert at.title[0].value == "Scenarios"
    assert {s.value for s in at.slider} == {0.0}
    shown = places(at)
    assert list(shown.index) == [GM, WY, LCR]
    for baseline, scenario, difference in (POT, PER_HEAD, RETAINED):
        pd.testing.assert_series_equal(shown[scenario], shown[baseline], check_names=False)
        assert (shown[difference].dropna() == 0).all()
    # The baseline is the published pot.
    pot = parquet(
        warehouse,
        "SELECT SUM(contribution_gbp_nominal) FROM pooled_budget WHERE place_code = ? "
        "AND financial_year = '2025-26'",
        GM,
    )
    assert shown.loc[GM, POT[0]] == pot
    assert "changes" not in page_yaml(at)
    assert any("Synthetic demo data" in w.value for w in at.warning)


def test_a_cut_to_one_department_changes_exactly_its_lines(warehouse: Path) -> None:
    at = run_app(SCENARIOS, dept_DFE="-5")
    assert_clean(at)
    assert slider(at, "DFE").value == -5.0
    shown = places(at)
    for place in (GM, WY):
        cut = -(department_pot(warehouse, place, "DFE") * Decimal("0.05"))
        assert shown.loc[place, POT[2]] == float(cut.quantize(Decimal("0.01"), ROUND_HALF_UP))
        assert shown.loc[place, POT[1]] == shown.loc[place, POT[0]] + float(cut)
    # Liverpool City Region has no pot and no DFE lines: nothing of it changes.
    assert shown.loc[LCR, PER_HEAD[2]] == 0
    assert pd.isna(shown.loc[LCR, POT[2]])
    # Retained savings do not depend on allocations.
    assert (shown[RETAINED[2]].dropna() == 0).all()


def test_the_page_gives_what_wholeplace_scenario_writes(warehouse: Path, tmp_path: Path) -> None:
    at = run_app(SCENARIOS, dept_DFE="-5", dept_DFT="2.5", gain_share="60")
    assert_clean(at)
    file = tmp_path / "from_the_page.yml"
    file.write_text(page_yaml(at), encoding="utf-8")
    assert main(["scenario", str(file), "--warehouse", str(warehouse)]) == 0
    (folder,) = (warehouse / "scenarios").glob("dashboard-scenario-*")
    written = pq.read_table(folder / "scenario_comparison.parquet").to_pandas()
    written = written[written["financial_year"] == "2025-26"].set_index(["measure", "place_code"])
    shown = places(at)
    columns = {"pot_gbp_nominal": POT, "retained_by_place_gbp": RETAINED}
    for measure, (baseline, scenario, difference) in columns.items():
        for place, row in written.loc[measure].iterrows():
            assert shown.loc[place, baseline] == float(row["baseline_gbp"])
            assert shown.loc[place, scenario] == float(row["scenario_gbp"])
            assert shown.loc[place, difference] == float(row["difference_gbp"])
    heads = written.loc["whole_place_gbp_nominal"]
    for place, row in heads.iterrows():
        assert shown.loc[place, PER_HEAD[2]] == float(row["difference_per_head_gbp"])
        assert shown.loc[place, PER_HEAD[1]] == float(row["scenario_gbp"]) / row["population"]
    # The scenario did change something, in every measure.
    for measure in columns:
        assert (written.loc[measure, "difference_gbp"] != 0).any()


def test_the_link_holds_the_sliders(warehouse: Path) -> None:
    at = run_app(SCENARIOS, dept_DFE="-5")
    assert at.query_params["dept_DFE"] == "-5"
    slider(at, "DFT").set_value(2.5).run()
    slider(at, "DFE").set_value(0.0).run()
    assert_clean(at)
    assert at.query_params["dept_DFT"] == "2.5"
    assert "dept_DFE" not in at.query_params  # back at 0%: gone from the link
    link = dict(at.query_params)
    again = run_app(SCENARIOS, **link)
    assert_clean(again)
    assert slider(again, "DFT").value == 2.5 and slider(again, "DFE").value == 0.0
    pd.testing.assert_frame_equal(places(again), places(at))


@pytest.mark.parametrize(
    "query, named",
    [
        ({"dept_DFE": "five"}, "dept_DFE=five"),
        ({"dept_DFE": "-40"}, "dept_DFE=-40"),
        ({"dept_DFE": "1.25"}, "dept_DFE=1.25"),
        ({"dept_NOPE": "5"}, "dept_NOPE=5 (no such department in this snapshot)"),
        ({"gain_share": "7"}, "gain_share=7"),
        ({"dept_DFE": "=cmd|x", "gain_share": "lots"}, "dept_DFE==cmd|x"),
    ],
)
def test_a_bad_value_in_the_link_gets_one_notice(warehouse: Path, query, named: str) -> None:
    at = run_app(SCENARIOS, **query)
    assert_clean(at)
    notices = [w.value for w in at.warning if "The link asked for" in w.value]
    assert len(notices) == 1 and named in notices[0], notices
    assert {s.value for s in at.slider} == {0.0}
    shown = places(at)
    assert (shown[POT[2]].dropna() == 0).all()


def test_no_notice_for_a_good_link(warehouse: Path) -> None:
    at = run_app(SCENARIOS, dept_DFE="-5", gain_share="60")
    assert not [w.value for w in at.warning if "The link asked for" in w.value]


def test_the_downloads_load_back(warehouse: Path) -> None:
    """The YAML is the page's scenario for `wholeplace scenario`; the comparison CSV holds
    every place, year and measure with money in pounds and pence."""
    at = run_app(SCENARIOS, dept_DFE="-5", years="2025-26..2025-26")
    text = page_yaml(at)
    scenario = page_scenario({"DFE": -5.0, "DFT": 0.0}, ("2025-26",), None, [])
    assert parse_scenario(text, "page.yml") == scenario
    snap = current_snapshot(warehouse)
    compared = scenario_comparison(snap, scenario)
    made = download([_comparison_sheet(snap, scenario, compared)], "scenario_comparison", "csv")
    assert made.file_name == "scenario_comparison.csv"
    lines = made.data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("place_code,place_name,financial_year,measure,baseline_gbp")
    assert len(lines) == len(compared) + 1
    gm = next(line for line in lines if line.startswith(f"{GM},") and "2025-26,pot_gbp" in line)
    assert gm.split(",")[4] == "460750000.50"


def test_load_scenario_reads_back_the_page_yaml(warehouse: Path, tmp_path: Path) -> None:
    at = run_app(SCENARIOS, dept_DWP="10", gain_share="0")
    file = tmp_path / "page.yml"
    file.write_text(page_yaml(at), encoding="utf-8")
    scenario = load_scenario(file)
    assert [(c.department, c.percent, c.years) for c in scenario.changes] == [("DWP", 10.0, ())]
    assert set(scenario.gain_share.values()) == {0.0}


def test_without_prevention_marts_the_page_shows_pots_and_budgets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_snapshot(tmp_path, marts=CORE_MARTS)
    monkeypatch.setenv("WHOLEPLACE_WAREHOUSE", str(tmp_path))
    at = run_app(SCENARIOS, dept_DFE="-5")
    assert_clean(at)
    assert [m.label for m in at.metric] == ["Pots in the scenario (cash)",
                                            "Whole-place budgets (cash)"]  # fmt: skip
    assert places(at).loc[GM, POT[2]] < 0
    assert not any("Gain-share" in s.label for s in at.select_slider)


def test_without_the_pots_the_page_says_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_snapshot(tmp_path, marts=("places", "whole_place_budget"))
    monkeypatch.setenv("WHOLEPLACE_WAREHOUSE", str(tmp_path))
    at = run_app(SCENARIOS)
    assert not at.exception
    assert any("pooled_budget" in i.value and "not published yet" in i.value for i in at.info)
