"""The Spark stage (`make test-spark`): the demo feeds built by the same dbt project on Spark
local[2] publish the same marts as the DuckDB build, to the penny, and bad feeds block a Spark
build exactly as they block a DuckDB one (before dbt runs)."""

import json
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from orchestration.cli.build import run_build
from orchestration.cli.main import main
from orchestration.core.dbt_manifest import published_marts
from orchestration.core.paths import DBT_PROJECT_DIR, DEMO_FEEDS_DIR, WarehouseLayout
from schemas import REFERENCE_CONTRACTS

pytestmark = pytest.mark.spark

CATALOGUE = Path(__file__).parent / "fixtures" / "bad_feeds"

# Rates and factors are doubles: the engines may differ in the last bits of a product or a sum.
DOUBLE_TOLERANCE = 1e-9


# The demo has no payments; a few thousand generated ones (with their refunds, spreadsheet money
# and bad rows) give place_spend_by_funding_line rows to compare.
PAYMENTS = 3000


@pytest.fixture(scope="session")
def feeds_with_payments(tmp_path_factory):
    feeds = tmp_path_factory.mktemp("feeds") / "feeds"
    shutil.copytree(DEMO_FEEDS_DIR, feeds, ignore=shutil.ignore_patterns("README.md"))
    subprocess.run(
        [sys.executable, "-m", "benchmarks.generate_transactions", "--rows", str(PAYMENTS)]
        + ["--out", str(feeds), "--formats", "csv"],
        cwd=Path(__file__).resolve().parents[1],
        check=True,
        capture_output=True,
    )
    return feeds


@pytest.fixture(scope="session")
def spark_warehouse(tmp_path_factory, feeds_with_payments):
    warehouse = tmp_path_factory.mktemp("spark-demo") / "warehouse"
    assert run_build(feeds_with_payments, warehouse, "2024-25", engine="spark") == 0
    return warehouse


@pytest.fixture(scope="session")
def duckdb_warehouse(tmp_path_factory, feeds_with_payments):
    """The same feeds built on DuckDB (this stage runs alone, so it replaces the demo fixture)."""
    warehouse = tmp_path_factory.mktemp("duckdb-demo") / "warehouse"
    assert run_build(feeds_with_payments, warehouse, "2024-25") == 0
    return warehouse


def _manifest(warehouse) -> dict:
    return json.loads((warehouse / "published" / "manifest.json").read_text())


def _mart(warehouse, mart: str, grain: list[str]) -> pd.DataFrame:
    # through Arrow, so decimal(18,2) money arrives as Python Decimals, not floats
    frame = pq.read_table(warehouse / "published" / f"{mart}.parquet").to_pandas()
    frame = frame[sorted(frame.columns)]
    order = grain or [c for c in frame.columns if frame[c].dtype != "float64"]
    return frame.sort_values(order, kind="stable", na_position="first").reset_index(drop=True)


def _published_marts(manifest) -> list[str]:
    return sorted(manifest["marts"])


def test_spark_publishes_every_mart_the_duckdb_build_does(spark_warehouse, duckdb_warehouse):
    spark, duck = _manifest(spark_warehouse), _manifest(duckdb_warehouse)
    assert _published_marts(spark) == _published_marts(duck)
    assert {m: spark["marts"][m]["rows"] for m in spark["marts"]} == {
        m: duck["marts"][m]["rows"] for m in duck["marts"]
    }
    assert spark["inputs"] == duck["inputs"]  # same row accounting for every input file
    assert spark["checks"] == duck["checks"]
    assert spark["synthetic_inputs"] is duck["synthetic_inputs"] is True


@pytest.mark.parametrize("mart", [m.name for m in published_marts()])
def test_spark_mart_equals_the_duckdb_mart(spark_warehouse, duckdb_warehouse, mart):
    grain = _manifest(duckdb_warehouse)["marts"][mart]["grain"]
    spark, duck = _mart(spark_warehouse, mart, grain), _mart(duckdb_warehouse, mart, grain)
    assert list(spark.columns) == list(duck.columns)
    assert len(spark) == len(duck) > 0
    for column in duck.columns:
        if duck[column].dtype == "float64":
            pd.testing.assert_series_equal(
                spark[column], duck[column], rtol=DOUBLE_TOLERANCE, check_dtype=False
            )
        else:
            # money is decimal(18,2) on both engines: compared exactly, as Python Decimals
            assert spark[column].tolist() == duck[column].tolist(), f"{mart}.{column}"


OK = {"success", "pass"}


def ran_on_spark(warehouse) -> dict[str, str]:
    """unique_id -> status of every node dbt ran in the warehouse's Spark build."""
    results = WarehouseLayout(warehouse).dbt_target("spark") / "run_results.json"
    return {r["unique_id"]: r["status"] for r in json.loads(results.read_text())["results"]}


def not_run_or_failed(ran: dict[str, str]) -> list[str]:
    """Every model, seed and data test of the project that the Spark build did not run and pass
    (unit tests are left out of Spark builds: orchestration/defs/warehouse.py)."""
    nodes = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text())["nodes"]
    wanted = [uid for uid, n in nodes.items() if n["resource_type"] in ("model", "seed", "test")]
    return sorted(f"{uid}: {ran.get(uid, 'not run')}" for uid in wanted if ran.get(uid) not in OK)


def test_spark_ran_every_model_and_data_test(spark_warehouse):
    ran = ran_on_spark(spark_warehouse)
    models = [uid for uid in ran if uid.startswith("model.")]
    assert len(models) > 50
    assert not_run_or_failed(ran) == []


def test_a_model_spark_did_not_run_is_caught(spark_warehouse):
    ran = dict(ran_on_spark(spark_warehouse))
    del ran["model.wholeplace.place_appraisal"]
    ran["model.wholeplace.pooled_budget"] = "error"
    assert not_run_or_failed(ran) == [
        "model.wholeplace.place_appraisal: not run",
        "model.wholeplace.pooled_budget: error",
    ]


def test_the_comparison_fails_on_a_penny(spark_warehouse, duckdb_warehouse, tmp_path):
    """The check above can fail: one pooled line a penny out is caught."""
    grain = _manifest(duckdb_warehouse)["marts"]["pooled_budget"]["grain"]
    duck = _mart(duckdb_warehouse, "pooled_budget", grain)
    spark = _mart(spark_warehouse, "pooled_budget", grain)
    money = "contribution_gbp_nominal"
    assert isinstance(spark.loc[0, money], Decimal)
    spark.loc[0, money] = spark.loc[0, money] + type(spark.loc[0, money])("0.01")
    assert spark[money].tolist() != duck[money].tolist()


# The catalogue checks cross-feed rules against stand-ins (settlement S1, tests/test_bad_feeds.py);
# over the demo feeds those rows are still refused, in words naming the demo's settlements.
STAND_INS = re.compile(r"\bS[19]\b")


def blocking_cases() -> list[Path]:
    return [
        case.parent
        for case in sorted(CATALOGUE.glob("*/case.json"))
        if json.loads(case.read_text())["outcome"] == "blocked"
    ]


def one_per_feed(cases: list[Path]) -> list[Path]:
    """The first blocking case of each feed. The whole catalogue blocks DuckDB builds in `make
    test` (tests/test_bad_feeds.py) through the same contracts; here each feed shows that its
    refusal stops a Spark build before dbt (each case is a build of the demo feeds: half a
    minute on a loaded 2-core machine, so all 42 would be most of the stage)."""
    by_feed: dict[str, Path] = {}
    for case in cases:
        by_feed.setdefault(json.loads((case / "case.json").read_text())["feed"], case)
    return list(by_feed.values())


BLOCKING = one_per_feed(blocking_cases())


def test_each_feed_with_a_blocking_case_is_tried_on_spark():
    feeds = {json.loads((c / "case.json").read_text())["feed"] for c in blocking_cases()}
    assert len(BLOCKING) == len(feeds) >= 6


@pytest.mark.parametrize("case", BLOCKING, ids=[c.name for c in BLOCKING])
def test_bad_feed_blocks_a_spark_build_before_dbt(case, tmp_path, capsys):
    """Each blocking case of the catalogue, laid over the demo feeds, stops a Spark build with the
    case's message; nothing is published and dbt's Spark is never started (the payments feed
    is validated by its own Spark session, core/spark_validation.py, beside the other feeds)."""
    feeds, warehouse = tmp_path / "feeds", tmp_path / "warehouse"
    shutil.copytree(DEMO_FEEDS_DIR, feeds, ignore=shutil.ignore_patterns("README.md"))
    shutil.copytree(case / "feeds", feeds, dirs_exist_ok=True)
    described = json.loads((case / "case.json").read_text())

    code = main(
        ["build", "--engine", "spark", "--feeds", str(feeds), "--warehouse", str(warehouse)]
    )

    out = capsys.readouterr().out
    assert code == 1, out
    assert "BUILD STOPPED" in out
    # the case's own feed is what blocked (reference tables are checked by reference_overrides)
    reference = {contract.name for contract in REFERENCE_CONTRACTS}
    asset = "reference_overrides" if described["feed"] in reference else described["feed"]
    assert f"raw/{asset}: " in out
    if described["message"] and not STAND_INS.search(described["message"]):
        assert described["message"] in out
    assert not (warehouse / "published").exists()
    spark_dir = warehouse / "work" / "spark"
    assert not (spark_dir / "metastore_db").exists()
    assert not (spark_dir / "tables").exists()
