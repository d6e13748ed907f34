"""dbt's unit tests check the models' logic on fixtures. `wholeplace build` leaves them out
(orchestration/defs/warehouse.py, as dbt advises for production builds), so they run here, in
`make test`, on the demo build's warehouse (a unit test needs its model's parents to exist)."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from orchestration.core.paths import DBT_PROJECT_DIR, DEMO_FEEDS_DIR, WarehouseLayout
from orchestration.core.settings import Settings
from orchestration.defs.resources import WholeplaceSettings
from orchestration.defs.warehouse import dbt_vars

DBT = str(Path(sys.executable).with_name("dbt"))
# One expected figure of a unit test of intervention_sensitivity.yml, and a wrong one for it.
SENSITIVITY_TEST = "rates_move_ten_points_within_0_and_1"
EXPECTED, WRONG = "npv_at_low_gbp: 1250.00", "npv_at_low_gbp: 1251.00"


def run_unit_tests(project: Path, warehouse: Path, target: Path, select="test_type:unit"):
    """Run dbt's unit tests of `project` against the warehouse's database: the exit code and
    unique_id -> status of each unit test dbt ran (its on-run-start hook left out)."""
    variables = dbt_vars(WholeplaceSettings.of(Settings(DEMO_FEEDS_DIR, warehouse)))
    done = subprocess.run(
        [DBT, "test", "--select", select, "--target", "duckdb", "--vars", variables,
         "--project-dir", project, "--profiles-dir", project, "--target-path", target],
        capture_output=True, text=True, cwd=project,
    )  # fmt: skip
    results = json.loads((target / "run_results.json").read_text())["results"]
    ran = {r["unique_id"]: r["status"] for r in results}
    return done.returncode, {
        uid: status for uid, status in ran.items() if uid.startswith("unit_test.")
    }


def unit_tests_in_project() -> list[str]:
    manifest = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text())
    return sorted(manifest["unit_tests"])


@pytest.fixture(scope="module")
def warehouse(demo_warehouse, tmp_path_factory) -> Path:
    """A copy of the demo warehouse, as dbt opens its database for writing."""
    copy = tmp_path_factory.mktemp("unit-tests") / "warehouse"
    return shutil.copytree(demo_warehouse, copy, symlinks=True)


def test_the_build_left_the_unit_tests_out(demo_warehouse):
    results = WarehouseLayout(demo_warehouse).dbt_target() / "run_results.json"
    ran = [r["unique_id"] for r in json.loads(results.read_text())["results"]]
    assert [uid for uid in ran if uid.startswith("model.")], "the build ran no model"
    assert [uid for uid in ran if uid.startswith("unit_test.")] == []


def test_every_dbt_unit_test_passes(warehouse, tmp_path):
    code, ran = run_unit_tests(DBT_PROJECT_DIR, warehouse, tmp_path / "target")
    assert len(unit_tests_in_project()) > 20
    assert sorted(ran) == unit_tests_in_project()
    assert {uid: status for uid, status in ran.items() if status != "pass"} == {}
    assert code == 0


def test_a_broken_unit_test_fails(warehouse, tmp_path):
    project = shutil.copytree(DBT_PROJECT_DIR, tmp_path / "dbt_project")
    model = project / "models" / "marts" / "intervention_sensitivity.yml"
    text = model.read_text()
    assert text.count(EXPECTED) == 1, "the figure this test breaks has moved"
    model.write_text(text.replace(EXPECTED, WRONG))
    code, ran = run_unit_tests(project, warehouse, tmp_path / "target", select=SENSITIVITY_TEST)
    assert ran == {f"unit_test.wholeplace.intervention_sensitivity.{SENSITIVITY_TEST}": "fail"}
    assert code != 0
