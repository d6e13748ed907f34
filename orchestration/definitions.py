"""Assembles wholeplace's Dagster definitions; the pieces live in orchestration/defs."""

import sys
from pathlib import Path

from dagster import Definitions, in_process_executor

from orchestration.core.payment_years import Rebuild
from orchestration.core.settings import Settings
from orchestration.defs.feeds import feed_assets
from orchestration.defs.inbox import inbox_assets
from orchestration.defs.publish import published_snapshot
from orchestration.defs.resources import WholeplaceSettings
from orchestration.defs.warehouse import WarehouseDbt, dbt_project, warehouse_models

all_assets = [*feed_assets, warehouse_models, published_snapshot, *inbox_assets]


def resources(settings: Settings | None = None, rebuild: Rebuild | None = None) -> dict:
    return {
        "settings": WholeplaceSettings.of(settings or Settings.from_environment(), rebuild),
        # The dbt beside this Python, so a build works without the virtualenv on PATH.
        "dbt": WarehouseDbt(
            project_dir=dbt_project, dbt_executable=str(Path(sys.executable).with_name("dbt"))
        ),
    }


# One DuckDB file takes one writer at a time, so steps run one after another in one process.
defs = Definitions(assets=all_assets, resources=resources(), executor=in_process_executor)
