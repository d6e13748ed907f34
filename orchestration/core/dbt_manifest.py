"""dagster-dbt reads dbt's manifest when the Dagster definitions are imported: make sure it is
there and current before they are."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from orchestration.core.paths import DBT_PROJECT_DIR

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


@dataclass(frozen=True)
class Mart:
    name: str
    grain: list[str]  # the columns that make a row unique, in the order the file is sorted
    columns: dict[str, str]  # column -> description
    labels: dict[str, str]  # column -> short label for tables and charts (meta: label)


def published_marts(manifest: Path | None = None) -> list[Mart]:
    """The marts whose yml says `meta: {published: true, grain: [...]}`, in dbt's order: the one
    list of what a snapshot holds."""
    path = manifest or DBT_PROJECT_DIR / "target" / "manifest.json"
    nodes = json.loads(path.read_text())["nodes"].values()
    marts = []
    for node in nodes:
        meta = node.get("config", {}).get("meta") or node.get("meta") or {}
        if node.get("resource_type") != "model" or not meta.get("published"):
            continue
        columns = {name: c.get("description", "") for name, c in node["columns"].items()}
        labels = {
            name: label
            for name, c in node["columns"].items()
            if (label := (c.get("config", {}).get("meta") or c.get("meta") or {}).get("label"))
        }
        marts.append(Mart(node["name"], list(meta.get("grain", [])), columns, labels))
    return sorted(marts, key=lambda m: m.name)
