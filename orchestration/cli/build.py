"""`wholeplace build`: run the whole asset graph in this process, then say what happened.

The terminal gets progress lines, the rows read / loaded / set aside, and, when a check blocks
the build, the sentences that say what to fix. Dagster's and dbt's own output and any stack
trace go to a log file in the warehouse (named on the terminal), unless --verbose."""

from __future__ import annotations

import json
import time
from pathlib import Path

from orchestration.cli.output import (
    EXIT_BLOCKED,
    EXIT_OK,
    complain,
    configure_progress_output,
    output_to_log,
    say,
)
from orchestration.core.dbt_manifest import ensure_dbt_manifest
from orchestration.core.errors import BuildBusy, UsageError
from orchestration.core.incremental import BuildPlan, mark_started, plan_build, record_finished
from orchestration.core.load_feeds import with_settings
from orchestration.core.lock import build_lock
from orchestration.core.paths import WarehouseLayout
from orchestration.core.settings import DEFAULT_ENGINE, DEFAULT_PRICE_BASE, Settings
from orchestration.core.spark_engine import missing_requirements
from schemas import FEEDS

LOGS_KEPT = 10


def run_build(
    feeds: Path | str,
    warehouse: Path | str,
    price_base_year: str = DEFAULT_PRICE_BASE,
    verbose: bool = False,
    strict: bool = False,
    engine: str = DEFAULT_ENGINE,
    full: bool = False,
) -> int:
    settings = Settings(Path(feeds), Path(warehouse), price_base_year, strict, engine)
    if not settings.feeds.is_dir():
        raise UsageError(f"the feeds directory {settings.feeds} does not exist")
    for contract in FEEDS:
        with_settings(contract, settings.feeds)  # a broken wholeplace.toml stops here, in words
    if engine == "spark" and (missing := missing_requirements()):
        raise UsageError(missing)
    configure_progress_output(verbose)
    layout = settings.layout
    say(f"wholeplace build: feeds {settings.feeds} -> warehouse {layout.root} ({engine})")
    try:
        with build_lock(layout):
            return _build(settings, layout, verbose, full)
    except BuildBusy as busy:
        complain(str(busy))
        return EXIT_BLOCKED


def _log_file(layout: WarehouseLayout) -> Path:
    layout.logs_dir.mkdir(parents=True, exist_ok=True)
    for old in sorted(layout.logs_dir.glob("build-*.log"))[:-LOGS_KEPT]:
        old.unlink(missing_ok=True)
    return layout.logs_dir / f"build-{time.strftime('%Y%m%dT%H%M%S')}.log"


def _build(settings: Settings, layout: WarehouseLayout, verbose: bool, full: bool) -> int:
    started = time.monotonic()
    plan = plan_build(
        settings.feeds, layout, settings.engine, settings.price_base_year, full_asked=full
    )
    say(plan.line)
    log_file = _log_file(layout)
    if not verbose:
        say(f"  Dagster and dbt log to {log_file}")
    mark_started(layout, plan)
    with output_to_log(log_file, verbose):
        ensure_dbt_manifest()
        result = _materialize(settings, verbose, plan)
    elapsed = time.monotonic() - started
    from orchestration.cli.summary import print_failure, print_summary

    if not result.success:
        print_failure(result, layout, settings.engine, log_file)
        return EXIT_BLOCKED
    record_finished(layout, plan)
    _lead_with_failed_checks(layout)
    print_summary(layout, elapsed)
    return EXIT_OK


def _lead_with_failed_checks(layout: WarehouseLayout) -> None:
    manifest = json.loads((layout.published.resolve() / "manifest.json").read_text())
    failed = manifest.get("checks", {}).get("failed", 0)
    if failed:
        print(
            f"\nWARNING: {failed} settlement check(s) FAILED; the snapshot was published with "
            "them (see settlement_checks; `wholeplace build --strict` refuses to publish)."
        )


def _materialize(settings: Settings, verbose: bool, plan: BuildPlan):
    from dagster import DagsterInstance, materialize

    from orchestration.definitions import all_assets, resources
    from orchestration.defs.incremental import payments_selection
    from orchestration.defs.partitions import range_tags

    level = "DEBUG" if verbose else "INFO"  # to the terminal with --verbose, else the log file
    with DagsterInstance.ephemeral() as instance:
        return materialize(
            all_assets,
            resources=resources(settings, plan.payments),
            selection=None if plan.full else payments_selection(),
            instance=instance,
            tags=range_tags(plan.years),  # the payments' years this build recomputes
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": level}}}},
        )
