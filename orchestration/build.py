"""`wholeplace build`: run the whole asset graph in this process, then say what happened."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from orchestration.cli import EXIT_BLOCKED, EXIT_OK, UsageError, configure_progress_output
from orchestration.paths import DBT_PROJECT_DIR, WarehouseLayout

MAX_PROBLEMS_PRINTED = 50


def ensure_dbt_manifest() -> None:
    """dagster-dbt reads dbt's manifest when the definitions load; build it if it is missing."""
    if (DBT_PROJECT_DIR / "target" / "manifest.json").exists():
        return
    print("  preparing the dbt manifest (dbt parse)")
    dbt = Path(sys.executable).with_name("dbt")
    subprocess.run(
        [str(dbt), "parse", "--quiet", "--profiles-dir", ".", "--target-path", "target"],
        cwd=DBT_PROJECT_DIR,
        check=True,
    )


@contextmanager
def build_lock(layout: WarehouseLayout):
    """One build per warehouse at a time; the lock file names the holder."""
    layout.root.mkdir(parents=True, exist_ok=True)
    handle = open(layout.build_lock, "a+")  # noqa: SIM115 - held open for the whole build
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise BuildBusy(
            f"another build of {layout.root} is running ({holder}); wait for it to finish"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()} since {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
    handle.flush()
    try:
        yield
    finally:
        handle.seek(0)
        handle.truncate()
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


class BuildBusy(Exception):
    pass


def run_build(feeds: Path | str, warehouse: Path | str, price_base_year: str = "2024-25") -> int:
    feeds, warehouse = Path(feeds), Path(warehouse)
    if not feeds.is_dir():
        raise UsageError(f"the feeds directory {feeds} does not exist")
    configure_progress_output()
    layout = WarehouseLayout(warehouse.resolve())
    print(f"wholeplace build: feeds {feeds.resolve()} -> warehouse {layout.root}")
    try:
        with build_lock(layout):
            return _build(feeds, layout, price_base_year)
    except BuildBusy as busy:
        print(f"wholeplace: {busy}", file=sys.stderr)
        return EXIT_BLOCKED


def _build(feeds: Path, layout: WarehouseLayout, price_base_year: str) -> int:
    ensure_dbt_manifest()
    from dagster import DagsterInstance, materialize

    from orchestration.definitions import all_assets, resources
    from orchestration.resources import WholeplaceSettings
    from orchestration.summary import print_failure, print_summary

    settings = WholeplaceSettings(
        feeds_dir=str(feeds.resolve()),
        warehouse_dir=str(layout.root),
        price_base_year=price_base_year,
    )
    started = time.monotonic()
    with DagsterInstance.ephemeral() as instance:
        result = materialize(
            all_assets,
            resources=resources(settings),
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}},
        )
    elapsed = time.monotonic() - started
    if not result.success:
        print_failure(result, layout)
        return EXIT_BLOCKED
    print_summary(layout, elapsed)
    return EXIT_OK
