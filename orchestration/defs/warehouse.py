"""The dbt project as Dagster assets: staging, intermediate and marts, with dbt's data and unit
tests run by `dbt build` and shown as asset checks."""

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from importlib import metadata

from dagster import AssetExecutionContext
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets
from packaging import version

from orchestration.core.audit import load_gx_in_background
from orchestration.core.paths import DBT_PROJECT_DIR
from orchestration.core.payment_years import year_start
from orchestration.core.settings import DUCKDB_MEMORY_LIMIT
from orchestration.core.spark_engine import export_raw_tables, stop_validation_jvm
from orchestration.defs.feeds import feed_asset_key
from orchestration.defs.partitions import ONE_RUN, PAYMENT_YEARS, every_year
from orchestration.defs.progress import say
from orchestration.defs.resources import WholeplaceSettings
from schemas import FEEDS

PROGRESS_EVERY = 100
PARSE_CACHE = "partial_parse.msgpack"
RUN_RESULTS = "run_results.json"

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


def clear_run_artifacts(target, keep: str = "") -> None:
    """Remove the last build's artifacts but keep dbt's parse cache: the next build of the same
    warehouse (same --vars) then skips a full parse of the project, several seconds. keep: the
    results of an earlier dbt build of this run."""
    if not target.is_dir():
        return
    for path in target.iterdir():
        if path.name in (PARSE_CACHE, keep):
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


# The payments' dbt models, partitioned by financial year like the payments feed; every other
# model reads every year and is built whole.
PAYMENTS_MODELS = "stg_feeds__spend_transactions int_payments_by_file"
YEARS_VARIABLE = "WHOLEPLACE_PAYMENT_YEARS"  # read by int_payments_by_file


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


def _dbt_build(context, dbt: WarehouseDbt, settings: WholeplaceSettings, refresh: bool):
    # dbt's run artifacts live with the warehouse they describe and are replaced each build,
    # so the repository's target/ holds only the manifest and builds of two warehouses never mix.
    target = settings.layout.dbt_target(settings.engine)
    earlier = f".{RUN_RESULTS}.{context.run_id}"
    clear_run_artifacts(target, keep=earlier)
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
    try:
        for done, event in enumerate(invocation.stream(), start=1):
            if done % PROGRESS_EVERY == 0:
                say(context, f"dbt build: {min(done, steps)} of {steps} done")
            yield event
    finally:
        with_earlier_results(target, earlier)


def with_earlier_results(target, earlier: str) -> None:
    """A build runs dbt twice (the payments' models, then the rest), and each dbt build writes
    run_results.json afresh: the results of both are kept in it, for the summary and its
    failures (core/dbt_results.py)."""
    latest, kept = target / RUN_RESULTS, target / earlier
    if not latest.is_file():
        return
    results = json.loads(latest.read_text())
    if kept.is_file():
        again = {r["unique_id"] for r in results["results"]}  # a test both dbt builds ran
        before = [r for r in json.loads(kept.read_text())["results"] if r["unique_id"] not in again]
        results["results"] = before + results["results"]
        latest.write_text(json.dumps(results))
    kept.write_text(json.dumps(results))


class WaitsForEveryFeed(DagsterDbtTranslator):
    """The payments' models wait for every feed's checks, as the rest of dbt does: a blocking
    problem in any feed stops the build before dbt starts (and, on Spark, before dbt's Spark)."""

    def get_asset_spec(self, manifest, unique_id, project):
        spec = super().get_asset_spec(manifest, unique_id, project)
        if unique_id.split(".")[-1] != PAYMENTS_MODELS.split()[0]:
            return spec
        feeds = [feed_asset_key("reference_overrides")] + [feed_asset_key(c.name) for c in FEEDS]
        return spec.merge_attributes(
            deps=[k for k in feeds if k not in {d.asset_key for d in spec.deps}]
        )


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    select=PAYMENTS_MODELS,
    dagster_dbt_translator=WaitsForEveryFeed(),
    name="payments_models",
    partitions_def=PAYMENT_YEARS,
    backfill_policy=ONE_RUN,
)
def payments_models(
    context: AssetExecutionContext, dbt: WarehouseDbt, settings: WholeplaceSettings
):
    """A run of every year starts int_payments_by_file again (--full-refresh), so a changed or
    removed file leaves no old sums behind; a run of some years deletes and sums again only
    theirs (incremental, the years in WHOLEPLACE_PAYMENT_YEARS)."""
    starts = [str(year_start(key)) for key in context.partition_keys]
    with environment(YEARS_VARIABLE, ",".join(starts)):
        yield from _dbt_build(context, dbt, settings, refresh=every_year(context))


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    exclude=PAYMENTS_MODELS,
    name="warehouse_models",
)
def other_models(context: AssetExecutionContext, dbt: WarehouseDbt, settings: WholeplaceSettings):
    yield from _dbt_build(context, dbt, settings, refresh=not settings.payments_partial)


warehouse_models = [payments_models, other_models]
