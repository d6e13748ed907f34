"""The published snapshot: the hand-off from the warehouse to the dashboard and to users."""

from dagster import (
    AssetExecutionContext,
    AssetKey,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
)
from dagster_dbt import get_asset_key_for_model

from orchestration.core.dbt_manifest import published_marts
from orchestration.core.errors import PublishBlocked
from orchestration.core.publish import publish_snapshot
from orchestration.core.spark_engine import attach_spark_marts, loaded_in_spark
from orchestration.defs.progress import say
from orchestration.defs.resources import WholeplaceSettings
from orchestration.defs.warehouse import warehouse_models


@asset(
    key=AssetKey(["published_snapshot"]),
    group_name="publish",
    deps=[get_asset_key_for_model([warehouse_models], mart.name) for mart in published_marts()],
    description="Every mart as Parquet with a manifest, published atomically to "
    "WAREHOUSE/published (a symlink to the newest complete snapshot).",
    kinds={"parquet"},
)
def published_snapshot(context: AssetExecutionContext, settings: WholeplaceSettings):
    with settings.connect() as con:
        if settings.engine == "spark":
            attach_spark_marts(con, settings.layout)
        if settings.strict:
            _refuse_failing_checks(con)
        try:
            folder = publish_snapshot(
                con,
                settings.layout,
                context.run.run_id,
                settings.price_base_year,
                settings.feeds,
                loaded_in_spark(settings.layout) if settings.engine == "spark" else {},
            )
        except PublishBlocked as blocked:  # the audit found marts that contradict each other
            raise Failure(description=str(blocked)) from None
    say(context, f"published {folder.name} to {settings.layout.published}")
    return MaterializeResult(metadata={"snapshot": MetadataValue.path(str(folder))})


def _refuse_failing_checks(con) -> None:
    failing = con.execute(
        "select \"check\", coalesce(settlement_id, ''), coalesce(financial_year, ''), "
        "coalesce(detail, '') from marts.settlement_checks where status = 'fail' "
        "order by 1, 2, 3"
    ).fetchall()
    if not failing:
        return
    lines = "; ".join(
        f"{check} ({settlement} {year}{': ' + detail if detail else ''})".replace(" )", ")")
        for check, settlement, year, detail in failing[:10]
    )
    more = f"; and {len(failing) - 10} more" if len(failing) > 10 else ""
    raise Failure(
        description=f"--strict: {len(failing)} settlement check(s) failed, so nothing was "
        f"published: {lines}{more}"
    )
