"""Faults: a build killed at any point leaves the last published snapshot intact and the next
build succeeds without clean-up; builds are idempotent; the working database and the published
snapshot may be deleted at any time.

The SIGKILL tests run `wholeplace build` as a subprocess and kill it at a point they observe:
its progress lines on stdout (per feed during ingest, dbt's `N of M START` lines during dbt) or,
inside the publish step, the pause that WHOLEPLACE_PAUSE_BEFORE=manifest|swap asks for (see
orchestration.core.publish.pause_before; unset in normal use)."""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from dashboards.queries.snapshot import current_snapshot
from orchestration.core.dbt_manifest import ensure_dbt_manifest
from orchestration.core.lock import leftover_processes
from orchestration.core.paths import DBT_PROJECT_DIR, DEMO_FEEDS_DIR, REPO, WarehouseLayout

BUILD_TIMEOUT = 240
# Manifest entries that name the run rather than describe its data.
RUN_METADATA = {"run_id", "published_at", "code_version", "feeds_dir"}


class Build:
    """`wholeplace build` in a subprocess, its output read line by line as it comes."""

    def __init__(self, feeds: Path, warehouse: Path, **env: str):
        command = [sys.executable, "-u", "-m", "orchestration.cli", "build"]
        # --verbose: these tests wait for dbt's own lines ("12 of 280 START") to kill it mid-run.
        command += ["--feeds", str(feeds), "--warehouse", str(warehouse), "--verbose"]
        self.process = subprocess.Popen(
            command,
            cwd=REPO,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.pid = self.process.pid
        self.output: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.output.append(line)
            self._lines.put(line)
        self._lines.put(None)

    @property
    def text(self) -> str:
        return "".join(self.output)

    def wait_for(self, wanted: Callable[[str], bool], timeout: float = BUILD_TIMEOUT) -> str:
        """Block until the build prints a line `wanted` accepts; fail if it ends first."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no awaited line in {timeout:.0f}s:\n{self.text}") from None
            if line is None:
                raise AssertionError(f"the build ended before the awaited line:\n{self.text}")
            if wanted(line):
                return line

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        assert self.process.wait(timeout=30) == -signal.SIGKILL
        self._reader.join(timeout=30)

    def finish(self, timeout: float = BUILD_TIMEOUT) -> int:
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise
        self._reader.join(timeout=30)
        return code


def build(feeds: Path, warehouse: Path) -> Build:
    """A complete build that must succeed."""
    done = Build(feeds, warehouse)
    assert done.finish() == 0, done.text
    assert "Published to" in done.text
    return done


def published_state(warehouse: Path) -> tuple[Path, dict]:
    """The live snapshot's folder and manifest, after checking that every mart the manifest names
    is there, readable, and has the row count the manifest gives."""
    folder = (warehouse / "published").resolve(strict=True)
    assert not folder.name.endswith(".partial")
    manifest = json.loads((folder / "manifest.json").read_text())
    files = {entry["file"] for entry in manifest["marts"].values()}
    files.add(manifest["validation_report"]["file"])  # the rows set aside, beside the marts
    assert files == {p.name for p in folder.glob("*.parquet")}
    with duckdb.connect() as con:
        for mart, entry in manifest["marts"].items():
            (rows,) = con.execute(
                "select count(*) from read_parquet(?)", [str(folder / entry["file"])]
            ).fetchone()
            assert rows == entry["rows"], mart
    return folder, manifest


def mart_contents(warehouse: Path) -> dict[str, list[tuple]]:
    """Every published mart's rows, sorted; plus the manifest without run metadata."""
    folder, manifest = published_state(warehouse)
    contents: dict[str, list] = {
        "manifest": [{k: v for k, v in manifest.items() if k not in RUN_METADATA}]
    }
    with duckdb.connect() as con:
        for mart, entry in manifest["marts"].items():
            relation = con.read_parquet(str(folder / entry["file"]))
            columns = [
                f"{name}: {kind}"
                for name, kind in zip(relation.columns, relation.types, strict=True)
            ]
            contents[mart] = [tuple(columns), *relation.order("all").fetchall()]
    return contents


def copy_warehouse(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, symlinks=True)
    return target


def assert_clean_after_success(warehouse: Path) -> None:
    layout = WarehouseLayout(warehouse.resolve())
    assert not list(layout.snapshots_dir.glob("*.partial"))
    assert layout.build_lock.read_text() == ""  # released, no stale holder
    assert leftover_processes(str(layout.build_lock)) == []


@pytest.fixture(scope="module")
def feeds(tmp_path_factory) -> Path:
    """A copy of the demo feeds, shared read-only by the builds in this module."""
    copy = tmp_path_factory.mktemp("faults") / "feeds"
    shutil.copytree(DEMO_FEEDS_DIR, copy, ignore=shutil.ignore_patterns("README.md"))
    return copy


@pytest.fixture(scope="module")
def base(demo_warehouse) -> tuple[Path, dict]:
    """The first successful build (shared with the rest of the suite) and its marts."""
    return demo_warehouse, mart_contents(demo_warehouse)


def dbt_started(line: str) -> bool:
    return bool(re.search(r"\b\d+ of \d+ START\b", line))


def dbt_half_way(line: str) -> bool:
    step = re.search(r"\b(\d+) of (\d+) (START|OK)\b", line)
    return bool(step) and int(step[1]) >= int(step[2]) // 2


def partial_snapshot(layout: WarehouseLayout) -> None:
    (partial,) = layout.snapshots_dir.glob("*.partial")
    assert list(partial.glob("*.parquet")) and not (partial / "manifest.json").exists()


def unlinked_snapshot(layout: WarehouseLayout, live: Path) -> None:
    newest = max(p for p in layout.snapshots_dir.iterdir() if not p.name.endswith(".partial"))
    assert newest != live and (newest / "manifest.json").exists()


# stage -> the kills it makes, in turn: (environment for the build, the line to kill it at,
# a check of what the kill interrupted). Both publish kills share one recovery build.
KILL_POINTS = {
    "ingest": [({}, lambda line: line.strip().startswith("allocations:"), None)],
    "dbt": [({}, dbt_half_way, None)],
    "publish": [
        (
            {"WHOLEPLACE_PAUSE_BEFORE": "manifest"},
            lambda line: "pausing before manifest" in line,
            lambda layout, live: partial_snapshot(layout),
        ),
        (
            {"WHOLEPLACE_PAUSE_BEFORE": "swap"},
            lambda line: "pausing before swap" in line,
            unlinked_snapshot,
        ),
    ],
}


@pytest.mark.slow
@pytest.mark.parametrize("stage", list(KILL_POINTS))
def test_sigkill_keeps_the_last_snapshot_and_the_next_build_recovers(stage, base, feeds, tmp_path):
    source, marts = base
    warehouse = copy_warehouse(source, tmp_path / "warehouse")
    layout = WarehouseLayout(warehouse)
    live, before = published_state(warehouse)

    for env, kill_at, interrupted in KILL_POINTS[stage]:
        doomed = Build(feeds, warehouse, **env)
        doomed.wait_for(kill_at)
        if interrupted:
            interrupted(layout, live)
        doomed.kill()
        if stage == "dbt":  # dbt outlives the build it was started by
            assert leftover_processes(str(layout.build_lock)), doomed.text

        # The previous snapshot is still the live one, whole and readable, and the dashboard's
        # data layer still finds it.
        assert published_state(warehouse) == (live, before)
        assert mart_contents(warehouse) == marts
        assert current_snapshot(warehouse).run_id == before["run_id"]
        assert f"pid {doomed.pid} " in layout.build_lock.read_text()  # a stale lock file

    # The next build needs no clean-up: stale lock file, a dbt left running, half-written
    # working database, partial or unlinked snapshot folders.
    recovered = build(feeds, warehouse)
    folder, manifest = published_state(warehouse)
    assert manifest["run_id"] != before["run_id"] and folder != live
    assert mart_contents(warehouse) == marts, recovered.text
    assert_clean_after_success(warehouse)


@pytest.mark.slow
@pytest.mark.parametrize("deleted", ["database", "snapshots"])
def test_rebuild_is_idempotent_and_recreates_what_was_deleted(deleted, base, feeds, tmp_path):
    """Two builds on the same inputs publish identical marts (run metadata aside) when the
    working database or every published snapshot was deleted in between. (A rebuild with nothing
    deleted is the recovery build after the kill during ingest, above.)"""
    source, marts = base
    warehouse = copy_warehouse(source, tmp_path / "warehouse")
    layout = WarehouseLayout(warehouse)
    first, _ = published_state(warehouse)
    if deleted == "database":
        for path in layout.work_dir.glob(layout.database.name + "*"):  # with any .wal
            path.unlink()
        assert not layout.database.exists()
    elif deleted == "snapshots":
        layout.published.unlink()
        shutil.rmtree(layout.snapshots_dir)

    build(feeds, warehouse)
    second, _ = published_state(warehouse)
    assert second != first
    assert layout.database.is_file()
    assert mart_contents(warehouse) == marts
    assert_clean_after_success(warehouse)


@pytest.mark.slow
def test_a_stale_dbt_manifest_is_rebuilt(tmp_path, monkeypatch, capsys):
    """A model added after the last `dbt parse` used to stop the build with a KeyError until
    someone deleted dbt_project/target/manifest.json by hand."""
    project = tmp_path / "dbt_project"
    shutil.copytree(
        DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages")
    )
    (project / "target").mkdir()
    old = project / "target" / "manifest.json"
    shutil.copy(DBT_PROJECT_DIR / "target" / "manifest.json", old)
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    (project / "models" / "marts" / "fault_probe.sql").write_text("select 1 as probe\n")
    monkeypatch.setattr("orchestration.core.dbt_manifest.DBT_PROJECT_DIR", project)

    ensure_dbt_manifest()
    assert "dbt parse" in capsys.readouterr().out
    nodes = json.loads(old.read_text())["nodes"]
    assert "model.wholeplace.fault_probe" in nodes
    assert not list((project / "target").glob("parse-*"))

    ensure_dbt_manifest()  # fresh now: no second parse
    assert "dbt parse" not in capsys.readouterr().out
