"""The published snapshot, read only through an in-memory DuckDB over its Parquet files.

A page resolves the snapshot once (`current_snapshot`) and asks every question of that
`Snapshot` (the questions are functions in the sibling modules, each taking the snapshot
first), so a publish that lands mid-request cannot mix two runs. Results are cached per
(snapshot folder, run id): a new publish is a new folder and is picked up without a restart.
All user choices reach DuckDB as bound parameters, never as SQL text.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

PUBLISHED = "published"
MANIFEST = "manifest.json"
VALIDATION_REPORT = "validation_report"


class NoSnapshot(Exception):
    """Nothing usable is published yet; the message says what is missing."""


class MartNotPublished(LookupError):
    def __init__(self, mart: str):
        super().__init__(mart)
        self.mart = mart


class DataError(RuntimeError):
    """The published files could not be read."""


def load_manifest(folder: str | Path) -> dict:
    """The manifest of one snapshot folder."""
    path = Path(folder) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise NoSnapshot(f"{path} does not exist") from exc
    except (OSError, ValueError) as exc:
        raise NoSnapshot(f"{path} could not be read: {exc}") from exc
    if not isinstance(manifest, dict) or not manifest.get("run_id"):
        raise NoSnapshot(f"{path} has no run_id")
    return manifest


def current_snapshot(warehouse: str | Path) -> Snapshot:
    """The snapshot `WAREHOUSE/published` points at now."""
    published = Path(warehouse) / PUBLISHED
    if not published.exists():
        raise NoSnapshot(f"{published} does not exist")
    folder = os.path.realpath(published)
    manifest = load_manifest(folder)
    marts = {}
    for name, entry in (manifest.get("marts") or {}).items():
        file_name = os.path.basename(str((entry or {}).get("file") or f"{name}.parquet"))
        if name.isidentifier() and os.path.isfile(os.path.join(folder, file_name)):
            marts[name] = file_name
    if not marts:
        raise NoSnapshot(f"{folder} holds no published marts")
    # The rows the feed contracts set aside: not a mart, but read the same way.
    report = os.path.basename(str((manifest.get("validation_report") or {}).get("file") or ""))
    if report and os.path.isfile(os.path.join(folder, report)):
        marts[VALIDATION_REPORT] = report
    return Snapshot(folder, str(manifest["run_id"]), manifest, marts)


@st.cache_data(show_spinner=False, max_entries=512)
def _query(folder: str, run_id: str, marts: tuple, sql: str, params: tuple) -> pd.DataFrame:
    # run_id is unused in the body: it is part of the cache key.
    # Open only the marts the query names: reading each file's footer is most of a cold query.
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", sql))
    try:
        with duckdb.connect() as con:
            for name, file_name in marts:
                if name in words:
                    con.read_parquet(os.path.join(folder, file_name)).create_view(name)
            return con.execute(sql, list(params)).df()
    except duckdb.Error as exc:
        raise DataError(str(exc)) from exc


@dataclass(frozen=True)
class Snapshot:
    folder: str
    run_id: str
    manifest: dict = field(compare=False, hash=False, repr=False)
    marts: dict = field(compare=False, hash=False, repr=False)

    @property
    def price_base_year(self) -> str:
        return str(self.manifest.get("price_base_year") or "")

    @property
    def synthetic_inputs(self) -> bool:
        return bool(self.manifest.get("synthetic_inputs"))

    def has(self, mart: str) -> bool:
        return mart in self.marts

    def query(self, sql: str, params: tuple = (), needs: tuple[str, ...] = ()) -> pd.DataFrame:
        for mart in needs:
            if not self.has(mart):
                raise MartNotPublished(mart)
        marts = tuple(sorted(self.marts.items()))
        return _query(self.folder, self.run_id, marts, sql, tuple(params))

    def columns(self, mart: str) -> list[str]:
        """The columns of a published mart (none if it is not published)."""
        if not self.has(mart):
            return []
        return self.query(f"DESCRIBE {mart}")["column_name"].tolist()
