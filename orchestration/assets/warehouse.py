"""The dbt project as Dagster assets: staging, intermediate and marts, with dbt's data and unit
tests run by `dbt build` and shown as asset checks."""

import json
import os
import shutil

from dagster import AssetExecutionContext
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets

from orchestration.paths import DBT_PROJECT_DIR
from orchestration.resources import WholeplaceSettings

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()


def overridden_reference_tables(settings: WholeplaceSettings) -> list[str]:
    with settings.connect() as con:
        rows = con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'raw' and table_name like 'reference_%'"
        ).fetchall()
    return sorted(name.removeprefix("reference_") for (name,) in rows)


def dbt_vars(settings: WholeplaceSettings) -> str:
    return json.dumps(
        {
            "price_base_year": settings.price_base_year,
            "reference_overrides": overridden_reference_tables(settings),
        }
    )


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project)
def warehouse_models(
    context: AssetExecutionContext, dbt: DbtCliResource, settings: WholeplaceSettings
):
    # profiles.yml reads the working database's path from the environment.
    os.environ["WHOLEPLACE_DUCKDB_PATH"] = str(settings.layout.database)
    # dbt's run artifacts live with the warehouse they describe and are replaced each build,
    # so the repository's target/ holds only the manifest and builds of two warehouses never mix.
    target = settings.layout.work_dir / "dbt-target"
    shutil.rmtree(target, ignore_errors=True)
    yield from dbt.cli(
        ["build", "--vars", dbt_vars(settings)], context=context, target_path=target
    ).stream()
