"""The published snapshot as the exports read it: the manifest and each mart's Parquet file,
queried through an in-memory DuckDB. The folder is resolved once, so a publish landing meanwhile
cannot mix two runs into one pack."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from orchestration.core.errors import UsageError

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class PublishedSnapshot:
    folder: Path
    manifest: dict

    @classmethod
    def open(cls, warehouse: Path) -> PublishedSnapshot:
        link = Path(warehouse) / "published"
        if not link.exists():
            raise UsageError(
                f"{link} does not exist: build the warehouse first (wholeplace build "
                f"--warehouse {warehouse})"
            )
        return cls.at(Path(os.path.realpath(link)))

    @classmethod
    def at(cls, folder: Path) -> PublishedSnapshot:
        path = folder / MANIFEST
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise UsageError(f"{path} could not be read ({error}): is this a snapshot?") from error
        return cls(folder, manifest)

    @property
    def marts(self) -> dict[str, Path]:
        found = {}
        for name, entry in (self.manifest.get("marts") or {}).items():
            path = self.folder / os.path.basename(str((entry or {}).get("file", "")))
            if name.isidentifier() and path.is_file():
                found[name] = path
        return found

    def has(self, mart: str) -> bool:
        return mart in self.marts

    def columns(self, mart: str) -> list[str]:
        return list(self.query(f"select * from {mart} limit 0").columns) if self.has(mart) else []

    def query(self, sql: str, params: list | None = None) -> pd.DataFrame:
        """Run SQL over the marts (each a view named after it); values arrive as parameters."""
        with duckdb.connect() as con:
            for name, path in self.marts.items():
                con.read_parquet(path.as_posix()).create_view(name)
            return con.execute(sql, params or []).df()

    def frame(self, mart: str, where: str = "", params: list | None = None) -> pd.DataFrame:
        clause = f" where {where}" if where else ""
        return self.query(f"select * from {mart}{clause}", params)
