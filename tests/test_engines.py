"""The engine a build runs dbt on (docs/scale-out.md): one list of engines, each a dbt target with
its own artifacts folder, chosen on the command line or by WHOLEPLACE_ENGINE, and a clear message
when the Spark engine cannot run here. The Spark build itself is tests/test_spark_build.py."""

import pytest
import yaml

from orchestration.cli.main import main, parser
from orchestration.core.errors import UsageError
from orchestration.core.paths import DBT_PROJECT_DIR, WarehouseLayout
from orchestration.core.settings import DEFAULT_ENGINE, ENGINES, Settings
from orchestration.core.spark_engine import missing_requirements


def test_every_engine_is_a_dbt_target_and_the_default_is_duckdb():
    profile = yaml.safe_load((DBT_PROJECT_DIR / "profiles.yml").read_text())["wholeplace"]
    assert set(profile["outputs"]) == set(ENGINES)
    assert profile["target"] == DEFAULT_ENGINE == "duckdb"
    assert {name: target["type"] for name, target in profile["outputs"].items()} == {
        "duckdb": "duckdb",
        "spark": "spark",
    }


def test_spark_target_runs_locally_on_two_cores_with_a_metastore_in_the_warehouse():
    spark = yaml.safe_load((DBT_PROJECT_DIR / "profiles.yml").read_text())["wholeplace"]
    parameters = spark["outputs"]["spark"]["server_side_parameters"]
    assert spark["outputs"]["spark"]["method"] == "session"
    assert parameters["spark.master"] == "local[2]"
    assert parameters["spark.sql.catalogImplementation"] == "hive"
    assert "var('spark_dir'" in parameters["spark.hadoop.javax.jdo.option.ConnectionURL"]
    assert parameters["spark.ui.enabled"] == "false"


def test_each_engine_has_its_own_dbt_artifacts_folder(tmp_path):
    layout = WarehouseLayout(tmp_path)
    folders = {layout.dbt_target(engine) for engine in ENGINES}
    assert len(folders) == len(ENGINES)
    assert all(folder.parent == layout.work_dir for folder in folders)


def test_an_unknown_engine_is_refused():
    with pytest.raises(UsageError, match="one of duckdb, spark, not 'trino'"):
        Settings(engine="trino")
    assert parser().parse_args(["build", "--engine", "spark"]).engine == "spark"
    assert main(["build", "--engine", "trino"]) == 2


def test_the_engine_comes_from_the_environment_for_dagster_dev(monkeypatch):
    monkeypatch.setenv("WHOLEPLACE_ENGINE", "spark")
    assert Settings.from_environment().engine == "spark"
    monkeypatch.delenv("WHOLEPLACE_ENGINE")
    assert Settings.from_environment().engine == DEFAULT_ENGINE


def test_spark_without_java_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setattr("importlib.util.find_spec", lambda name: object())
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    assert "openjdk-17-jre-headless" in missing_requirements()


def test_spark_without_the_extra_says_which_package(monkeypatch):
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    assert missing_requirements().startswith("the spark engine needs pyspark")
    assert 'pip install -e ".[spark]"' in missing_requirements()


def test_a_spark_build_that_cannot_run_exits_2_with_the_reason(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    code = main(["build", "--engine", "spark", "--warehouse", str(tmp_path / "w")])
    assert code == 2
    assert "the spark engine needs pyspark" in capsys.readouterr().err
    assert not (tmp_path / "w").exists()
