"""What a finance officer reads when a build is blocked: sentences that say what to fix, never a
stack trace or Dagster's log lines (those go to the log file; --verbose shows them)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd

from orchestration.core.dbt_results import failed_tests
from orchestration.core.paths import DBT_PROJECT_DIR, WarehouseLayout

WHOLEPLACE = str(Path(sys.executable).with_name("wholeplace"))
DAGSTER_NOISE = ("Traceback", "DagsterAssetCheckFailedError", "Stack Trace", " - ERROR - ")


def _break_allocation(feeds: Path) -> None:
    path = feeds / "allocations" / "dfe.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[12, "amount_gbp"] = "-250.00"  # row 14 in Excel: the header is row 1
    frame.to_csv(path, index=False)


def _build(feeds: Path, warehouse: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [WHOLEPLACE, "build", "--feeds", str(feeds), "--warehouse", str(warehouse), *extra],
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_a_blocked_build_prints_the_sentence_and_no_stack_trace(demo_feeds_copy, tmp_path):
    _break_allocation(demo_feeds_copy)
    run = _build(demo_feeds_copy, tmp_path / "warehouse")
    shown = run.stdout + run.stderr
    assert run.returncode == 1
    assert (
        "allocations/dfe.csv row 14, column amount_gbp: '-250.00' an allocation must not be "
        "negative" in shown
    )
    assert "BUILD STOPPED: nothing was published" in shown
    assert [noise for noise in DAGSTER_NOISE if noise in shown] == []
    logs = list((tmp_path / "warehouse" / "logs").glob("build-*.log"))
    assert len(logs) == 1 and str(logs[0]) in shown
    assert "DagsterAssetCheckFailedError" in logs[0].read_text()  # kept, for whoever asks


def test_verbose_shows_dagster_and_its_stack_trace(demo_feeds_copy, tmp_path):
    _break_allocation(demo_feeds_copy)
    run = _build(demo_feeds_copy, tmp_path / "warehouse", "--verbose")
    assert run.returncode == 1
    assert "DagsterAssetCheckFailedError" in run.stdout + run.stderr
    assert "an allocation must not be negative" in run.stdout


def _dbt_test(layout: WarehouseLayout, selection: str) -> None:
    dbt = Path(sys.executable).with_name("dbt")
    variables = json.dumps({"duckdb_path": str(layout.database)})
    subprocess.run(
        [str(dbt), "test", "--select", selection, "--profiles-dir", ".", "--vars", variables]
        + ["--target-path", str(layout.dbt_target("duckdb"))],
        cwd=DBT_PROJECT_DIR,
        capture_output=True,
        check=False,
        timeout=300,
    )


def test_a_failing_dbt_data_test_becomes_a_sentence_with_its_rows(demo_warehouse, tmp_path):
    layout = WarehouseLayout(tmp_path / "warehouse")
    layout.work_dir.mkdir(parents=True)
    shutil.copy(WarehouseLayout(demo_warehouse).database, layout.database)
    with duckdb.connect(str(layout.database)) as con:
        con.execute(
            "update marts.whole_place_budget set budget_type = 'both' "
            "where place_code = 'E47000001' and financial_year = '2025-26'"
        )
        broken = con.execute(
            "select count(*) from marts.whole_place_budget where budget_type = 'both'"
        ).fetchone()[0]
    assert broken > 0
    _dbt_test(layout, "accepted_values_whole_place_budget_budget_type__resource__capital")

    failures = failed_tests(layout, "duckdb")
    assert len(failures) == 1
    sentence = failures[0].sentence()
    assert sentence.startswith("marts model whole_place_budget, column budget_type: ")
    assert "must be one of the accepted values" in sentence
    assert "[dbt test: accepted_values_whole_place_budget_budget_type__resource__capital]" in (
        sentence
    )
    assert failures[0].row_lines() == [f"value_field=both, n_records={broken}"]


def test_passing_dbt_tests_give_no_sentence(demo_warehouse, tmp_path):
    layout = WarehouseLayout(tmp_path / "warehouse")
    layout.work_dir.mkdir(parents=True)
    shutil.copy(WarehouseLayout(demo_warehouse).database, layout.database)
    _dbt_test(layout, "accepted_values_whole_place_budget_budget_type__resource__capital")
    assert failed_tests(layout, "duckdb") == []
