"""`wholeplace build`: run the whole asset graph in this process, then say what happened."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager, suppress
from pathlib import Path

from orchestration.cli import EXIT_BLOCKED, EXIT_OK, UsageError, configure_progress_output
from orchestration.paths import DBT_PROJECT_DIR, WarehouseLayout

MAX_PROBLEMS_PRINTED = 50


DBT_SOURCES = (
    "dbt_project.yml", "profiles.yml", "packages.yml", "selectors.yml",
    "models", "seeds", "macros", "tests", "snapshots", "analyses",
)  # fmt: skip


def _newest_dbt_source() -> float:
    """The latest change to the dbt project (folders count too: a removed file changes them)."""
    newest = 0.0
    for name in DBT_SOURCES:
        top = DBT_PROJECT_DIR / name
        for path in [top, *(top.rglob("*") if top.is_dir() else [])]:
            with suppress(OSError):
                newest = max(newest, path.stat().st_mtime)
    return newest


def ensure_dbt_manifest() -> None:
    """dagster-dbt reads dbt's manifest when the definitions load; (re)build it when it is missing
    or older than the dbt project, else a new model or seed stops the build with a KeyError. The
    parse writes to a private folder and the manifest is moved into place in one rename, so a
    build starting meanwhile never reads half a manifest."""
    target = DBT_PROJECT_DIR / "target"
    manifest = target / "manifest.json"
    if manifest.exists() and manifest.stat().st_mtime >= _newest_dbt_source():
        return
    print("  preparing the dbt manifest (dbt parse)")
    dbt = Path(sys.executable).with_name("dbt")
    scratch = target / f"parse-{os.getpid()}"
    try:
        subprocess.run(
            [str(dbt), "parse", "--quiet", "--profiles-dir", ".", "--target-path", str(scratch)],
            cwd=DBT_PROJECT_DIR,
            check=True,
        )
        for name in ("partial_parse.msgpack", "manifest.json"):  # the manifest last
            if (scratch / name).exists():
                os.replace(scratch / name, target / name)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@contextmanager
def build_lock(layout: WarehouseLayout):
    """One build per warehouse at a time; the lock file names the holder.

    The kernel drops the flock when the holder dies, even by SIGKILL, so a stale lock file never
    blocks the next build. The holder's children do not die with it, though: a dbt started by a
    killed build goes on writing the working database and holds DuckDB's lock on it. Every process
    a build starts inherits BUILD_MARKER naming this lock file; whoever takes the lock stops such
    leftovers first (they can only belong to a dead build) and then owns the warehouse."""
    layout.root.mkdir(parents=True, exist_ok=True)
    handle = open(layout.build_lock, "a+")  # noqa: SIM115 - held open for the whole build
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _lock_holder(handle)
        handle.close()
        raise BuildBusy(
            f"another build of {layout.root} is running ({holder}); wait for it to finish"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()} since {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
    handle.flush()
    marker = str(layout.build_lock)
    previous = os.environ.get(BUILD_MARKER)
    try:
        stop_leftovers(marker)
        os.environ[BUILD_MARKER] = marker
        yield
    finally:
        if previous is None:
            os.environ.pop(BUILD_MARKER, None)
        else:
            os.environ[BUILD_MARKER] = previous
        handle.seek(0)
        handle.truncate()
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def _lock_holder(handle, patience: float = 2.0) -> str:
    """What the lock file says about its holder; the holder writes it just after taking the
    lock, so an empty file is read again for a moment before giving up."""
    deadline = time.monotonic() + patience
    while True:
        handle.seek(0)
        holder = handle.read().strip()
        if holder or time.monotonic() > deadline:
            return holder or "another process"
        time.sleep(0.05)


BUILD_MARKER = "WHOLEPLACE_BUILD_LOCK"


def leftover_processes(marker: str) -> list[int]:
    """Live processes whose environment carries BUILD_MARKER=marker (Linux /proc; elsewhere
    none are found)."""
    wanted = f"{BUILD_MARKER}={marker}".encode()
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        pid = int(entry.name)
        if pid == os.getpid():
            continue
        try:
            variables = (entry / "environ").read_bytes().split(b"\0")
        except OSError:  # gone, or not ours to read
            continue
        if wanted in variables and _alive(pid):
            found.append(pid)
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"  # a zombie has closed its files


def stop_leftovers(marker: str, patience: float = 10.0) -> None:
    """Stop what a killed build of this warehouse left running (SIGTERM, then SIGKILL)."""
    leftovers = leftover_processes(marker)
    for pid in leftovers:
        print(f"  stopping pid {pid}, left running by an earlier build that did not finish")
    for sig, wait in ((signal.SIGTERM, patience), (signal.SIGKILL, patience)):
        for pid in leftovers:
            with suppress(ProcessLookupError, PermissionError):
                os.kill(pid, sig)
        deadline = time.monotonic() + wait
        while leftovers and time.monotonic() < deadline:
            time.sleep(0.05)
            leftovers = [pid for pid in leftovers if _alive(pid)]
        if not leftovers:
            return


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
