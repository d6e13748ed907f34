"""The dbt project as Dagster assets: staging, intermediate and marts, with dbt's data and unit
tests run by `dbt build` and shown as asset checks."""

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from importlib import metadata

from dagster import AssetExecutionContext
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets
from packaging import version

from orchestration.core.audit import load_gx_in_background
from orchestration.core.paths import DBT_PROJECT_DIR
from orchestration.core.payment_years import YEARS, forget_years_to_sum, year_start, years_to_sum
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


PAYMENTS_SUMMED = "int_payments_by_file"  # the incremental model
YEARS_VARIABLE = "WHOLEPLACE_PAYMENT_YEARS"  # which it reads


@contextmanager
def environment(name: str, value: str) -> Iterator[None]:
    """One environment variable for the dbt started inside: an environment variable, not a
    --var, because dbt reparses the whole project when its vars change but only the models
    reading an environment variable when it changes."""
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before


@dataclass(frozen=True)
class PaymentsToSum:
    """What this dbt build sums again of the payments (core/payment_years.py YEARS_TO_SUM):
    every year, from nothing (--full-refresh), when the payments feed was read whole; otherwise
    the years it loaded again, or none."""

    years: tuple[str, ...]

    @classmethod
    def of(cls, settings: WholeplaceSettings) -> "PaymentsToSum":
        with settings.connect() as con:
            return cls(tuple(years_to_sum(con)))

    @property
    def every_year(self) -> bool:
        return set(YEARS) <= set(self.years)

    @property
    def variable(self) -> str:
        """int_payments_by_file's years, by their first calendar year: '2024,2025'."""
        return "" if self.every_year else ",".join(str(year_start(y)) for y in self.years)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    name="warehouse_models",
)
def warehouse_models(
    context: AssetExecutionContext, dbt: WarehouseDbt, settings: WholeplaceSettings
):
    """Every model in one `dbt build` (dbt's start and parse are paid once). The payments' own
    models are not partitioned in Dagster: the feed is, and int_payments_by_file, incremental,
    sums again only the years the feed loaded again since the last dbt build."""
    summed = any(key.path[-1] == PAYMENTS_SUMMED for key in context.selected_asset_keys)
    payments = PaymentsToSum.of(settings) if summed else PaymentsToSum(())
    with environment(YEARS_VARIABLE, payments.variable):
        yield from _dbt_build(context, dbt, settings, refresh=payments.every_year)
    with settings.connect() as con:  # dbt built: those years are summed
        forget_years_to_sum(con, payments.years)


def _dbt_build(context, dbt: WarehouseDbt, settings: WholeplaceSettings, refresh: bool):
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
            *(["--full-refresh"] if refresh else []),
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
