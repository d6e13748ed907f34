"""The dbt project as Dagster assets: staging, intermediate and marts, with dbt's data and unit
tests run by `dbt build` and shown as asset checks."""

import json
import shutil
from functools import cached_property
from importlib import metadata

from dagster import AssetExecutionContext
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets
from packaging import version

from orchestration.core.audit import load_gx_in_background
from orchestration.core.paths import DBT_PROJECT_DIR
from orchestration.core.settings import DUCKDB_MEMORY_LIMIT
from orchestration.core.spark_engine import export_raw_tables, stop_validation_jvm
from orchestration.defs.progress import say
from orchestration.defs.resources import WholeplaceSettings

PROGRESS_EVERY = 100
PARSE_CACHE = "partial_parse.msgpack"

# dbt's unit tests check the models' logic on fixtures, not the data: they are development
# tests, and as dbt advises for production a build runs the models and their data tests only
# (the unit tests were a third of the DuckDB build's dbt time, a sixth of a Spark build's).
# `make test` runs every unit test (tests/test_dbt_unit_tests.py).
NOT_IN_A_BUILD = ["--exclude-resource-type", "unit_test"]

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()


class WarehouseDbt(DbtCliResource):
    """dagster-dbt's dbt resource without two start-up costs of each invocation that a build has
    no use for: it ran `dbt --version` in a new process to learn the version of the dbt installed
    beside this Python (1.5 s of CPU), and loaded dbt's adapter into this process (about 2 s),
    which it uses only to fetch column metadata or row counts, which wholeplace never asks for."""

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args) -> None:
        return None


def overridden_reference_tables(settings: WholeplaceSettings) -> list[str]:
    with settings.connect() as con:
        rows = con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'raw' and table_name like 'reference_%'"
        ).fetchall()
    return sorted(name.removeprefix("reference_") for (name,) in rows)


def dbt_vars(settings: WholeplaceSettings, raw_tables: list[str] = ()) -> str:
    """Everything dbt is told about this build; profiles.yml reads the engine's paths from it."""
    return json.dumps(
        {
            "duckdb_path": str(settings.layout.database),
            "spark_dir": str(settings.layout.spark_dir),
            "raw_tables": list(raw_tables),
            "price_base_year": settings.price_base_year,
            "duckdb_memory_limit": DUCKDB_MEMORY_LIMIT,
            "reference_overrides": overridden_reference_tables(settings),
        }
    )


def raw_tables_for_engine(settings: WholeplaceSettings) -> list[str]:
    """Spark reads the validated feeds from Parquet; DuckDB reads them where they were loaded."""
    if settings.engine == "duckdb":
        return []
    with settings.connect() as con:
        return export_raw_tables(con, settings.layout)


def full_refresh(settings: WholeplaceSettings) -> list[str]:
    """dbt's incremental models (int_payments_by_file) add to what they hold only in a build after
    one more month; every other build starts them again, so a changed or removed file, or a
    payments table that was loaded again in full, leaves no old sums behind."""
    return [] if settings.new_payments_files else ["--full-refresh"]


def clear_run_artifacts(target) -> None:
    """Remove the last build's artifacts but keep dbt's parse cache: the next build of the same
    warehouse (same --vars) then skips a full parse of the project, several seconds."""
    if not target.is_dir():
        return
    for path in target.iterdir():
        if path.name == PARSE_CACHE:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project)
def warehouse_models(
    context: AssetExecutionContext, dbt: WarehouseDbt, settings: WholeplaceSettings
):
    # dbt's run artifacts live with the warehouse they describe and are replaced each build,
    # so the repository's target/ holds only the manifest and builds of two warehouses never mix.
    target = settings.layout.dbt_target(settings.engine)
    clear_run_artifacts(target)
    variables = dbt_vars(settings, raw_tables_for_engine(settings))
    if settings.engine == "spark":
        stop_validation_jvm()  # one JVM at a time: dbt's own Spark starts in its process
    load_gx_in_background()  # for the publish's audit, while this process waits for dbt
    invocation = dbt.cli(
        [
            "build",
            "--target",
            settings.engine,
            "--vars",
            variables,
            *NOT_IN_A_BUILD,
            *full_refresh(settings),
        ],
        context=context,
        target_path=target,
    )
    steps = len(context.selected_asset_keys) + len(context.selected_asset_check_keys)
    say(context, f"dbt build: {steps} models, seeds and tests")
    for done, event in enumerate(invocation.stream(), start=1):
        if done % PROGRESS_EVERY == 0:
            say(context, f"dbt build: {min(done, steps)} of {steps} done")
        yield event
