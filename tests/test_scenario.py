"""Spending-review scenarios from the command line, on the demo snapshot: a 0% scenario equals
the baseline to the penny, a 5% cut to one department changes exactly its lines by 5%, pot and
gain-share changes do what they say, and the published baseline is never touched."""

from __future__ import annotations

import hashlib
import os
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml

from orchestration.cli.main import main
from orchestration.core.scenario import load_scenario, scenario_yaml

DEMO_SCENARIOS = Path(__file__).resolve().parents[1] / "orchestration" / "demo" / "scenarios"
GRAIN = ["settlement_id", "financial_year", "funding_line", "budget_type"]


def run(tmp_path: Path, warehouse: Path, text: str) -> Path:
    """Run `wholeplace scenario` on the YAML text; the scenario's folder."""
    file = tmp_path / "scenario.yml"
    file.write_text(text)
    assert main(["scenario", str(file), "--warehouse", str(warehouse)]) == 0
    name = yaml.safe_load(text)["name"]
    (folder,) = sorted((warehouse / "scenarios").glob(f"{name}-*"))[-1:]
    return folder


def cut(name: str, department: str, percent: int) -> str:
    return f"name: {name}\nchanges:\n  - {{department: {department}, percent: {percent}}}\n"


def mart(folder: Path, name: str) -> pd.DataFrame:
    frame = pq.read_table(folder / f"{name}.parquet").to_pandas()
    keys = GRAIN if name == "pooled_budget" else list(frame.columns[:6])
    return frame.sort_values(keys, ignore_index=True)


def published_hashes(warehouse: Path) -> dict[str, str]:
    folder = (warehouse / "published").resolve()
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture
def warehouse(demo_warehouse, tmp_path) -> Path:
    """The demo warehouse's published link and snapshots, shared read-only; scenarios go to a
    private warehouse folder that links to the same snapshot."""
    private = tmp_path / "warehouse"
    private.mkdir()
    os.symlink((demo_warehouse / "published").resolve(), private / "published")
    return private


def test_a_zero_percent_scenario_equals_the_baseline(warehouse, tmp_path):
    folder = run(
        tmp_path, warehouse, "name: nothing\nchanges:\n  - department: DfE\n    percent: 0\n"
    )
    baseline = (warehouse / "published").resolve()
    for name in ("pooled_budget", "whole_place_budget", "place_prevention_summary"):
        pd.testing.assert_frame_equal(mart(folder, name), mart(baseline, name))
    compared = mart(folder, "scenario_comparison")
    assert len(compared) > 0
    assert set(compared["difference_gbp"]) == {Decimal(0)}
    assert (compared["scenario_gbp"] == compared["baseline_gbp"]).all()


def test_a_five_percent_cut_to_one_department_changes_exactly_its_lines(warehouse, tmp_path):
    before = published_hashes(warehouse)
    folder = run(
        tmp_path, warehouse, "name: dfe-cut\nchanges:\n  - department: DfE\n    percent: -5\n"
    )
    baseline = mart((warehouse / "published").resolve(), "pooled_budget")
    scenario = mart(folder, "pooled_budget")
    assert list(scenario[GRAIN].itertuples()) == list(baseline[GRAIN].itertuples())
    dfe = baseline["department"] == "DfE"
    assert dfe.any() and (~dfe).any()
    expected = [
        (v * Decimal("0.95")).quantize(Decimal("0.01"), ROUND_HALF_UP)
        for v in baseline.loc[dfe, "contribution_gbp_nominal"]
    ]
    assert list(scenario.loc[dfe, "contribution_gbp_nominal"]) == expected
    assert list(scenario.loc[~dfe, "contribution_gbp_nominal"]) == list(
        baseline.loc[~dfe, "contribution_gbp_nominal"]
    )
    changed = scenario["contribution_gbp_nominal"] != baseline["contribution_gbp_nominal"]
    assert set(scenario.loc[changed, "department"]) == {"DfE"}
    assert published_hashes(warehouse) == before


def test_pot_lines_and_gain_share_change_what_they_say(warehouse, tmp_path):
    text = """name: pot-changes
pot:
  add:
    - {settlement_id: GMCA-IS-2025, funding_line: DHSC-PHG, pillar: health, share: 0.5}
  remove:
    - {settlement_id: GMCA-IS-2025, funding_line: DFT-BSOGP}
gain_share:
  - {settlement_id: WYCA-DD-2021, rate: 0.6}
"""
    folder = run(tmp_path, warehouse, text)
    published = (warehouse / "published").resolve()
    pot = mart(folder, "pooled_budget")
    gm = pot[pot["settlement_id"] == "GMCA-IS-2025"]
    assert "DFT-BSOGP" not in set(gm["funding_line"])
    added = gm[gm["funding_line"] == "DHSC-PHG"]
    whole = mart(published, "whole_place_budget")
    source = whole[(whole["place_code"] == "E47000001") & (whole["funding_line"] == "DHSC-PHG")]
    source = source[source["financial_year"].isin(set(gm["financial_year"]))]
    assert len(added) == len(source) > 0
    assert sum(added["contribution_gbp_nominal"]) == pytest.approx(
        float(sum(source["amount_gbp_nominal"])) * 0.5, abs=0.01 * len(source)
    )
    summary = mart(folder, "place_prevention_summary")
    wy = summary[summary["settlement_id"] == "WYCA-DD-2021"]
    assert len(wy) > 0
    for row in wy.itertuples():
        expected = row.local_fiscal_gbp + Decimal("0.6") * row.national_cashable_gbp
        assert row.retained_by_place_gbp == expected.quantize(Decimal("0.01"), ROUND_HALF_UP)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name: x\nchanges:\n  - {department: DfE, percent: five}\n",
         "scenario.yml changes[0], percent: 'five' must be a number"),
        ("name: x\nchanges:\n  - {department: DfE, funding_line: A, percent: 1}\n",
         "needs exactly one of the two"),
        ("name: x\nchanges:\n  - {department: DfE, percent: 1, years: [2026/27]}\n",
         "must be a financial year written like 2026-27"),
        ("name: x\ngain_share:\n  - {settlement_id: WYCA-DD-2021, rate: 1.5}\n",
         "gain_share[0], rate: 1.5 must be a share between 0 and 1"),
        ("name: x\npot:\n  remove:\n    - {settlement_id: GMCA-IS-2025, funding_line: NOPE}\n",
         "NOPE is not in the pot of GMCA-IS-2025"),
        ("name: 'a b'\n", "name: 'a b' must be letters"),
        ("name: [unclosed\n", "is not valid YAML"),
    ],
)  # fmt: skip
def test_a_bad_scenario_file_is_a_usage_error_that_says_where(
    warehouse, tmp_path, capsys, text, message
):
    file = tmp_path / "scenario.yml"
    file.write_text(text)
    assert main(["scenario", str(file), "--warehouse", str(warehouse)]) == 2
    assert message in capsys.readouterr().err
    assert not (warehouse / "scenarios").exists() or not list((warehouse / "scenarios").iterdir())


def test_the_demo_scenario_runs(warehouse, capsys):
    demo = Path(__file__).resolve().parents[1] / "orchestration/demo/scenarios"
    assert (
        main(["scenario", str(demo / "spending_review_cut.yml"), "--warehouse", str(warehouse)])
        == 0
    )
    out = capsys.readouterr().out
    assert "the pot (cash):" in out and "SYNTHETIC" in out


def test_a_scenario_written_as_yaml_loads_back_the_same(tmp_path):
    """scenario_yaml (the dashboard's download) writes what load_scenario reads back."""
    demo = DEMO_SCENARIOS / "spending_review_cut.yml"
    scenario = load_scenario(demo)
    file = tmp_path / "again.yml"
    file.write_text(scenario_yaml(scenario), encoding="utf-8")
    again = load_scenario(file)
    assert again == scenario
    assert again.changes and again.added and again.removed and again.gain_share
