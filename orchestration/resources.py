"""The one resource every asset shares: which feeds to read, which warehouse to build."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
from dagster import ConfigurableResource

from orchestration.paths import DEFAULT_WAREHOUSE_DIR, DEMO_FEEDS_DIR, WarehouseLayout


class WholeplaceSettings(ConfigurableResource):
    feeds_dir: str = str(DEMO_FEEDS_DIR)
    warehouse_dir: str = str(DEFAULT_WAREHOUSE_DIR)
    price_base_year: str = "2024-25"

    @classmethod
    def from_environment(cls) -> WholeplaceSettings:
        return cls(
            feeds_dir=os.environ.get("WHOLEPLACE_FEEDS", str(DEMO_FEEDS_DIR)),
            warehouse_dir=os.environ.get("WHOLEPLACE_WAREHOUSE", str(DEFAULT_WAREHOUSE_DIR)),
            price_base_year=os.environ.get("WHOLEPLACE_PRICE_BASE", "2024-25"),
        )

    @property
    def feeds(self) -> Path:
        return Path(self.feeds_dir).resolve()

    @property
    def layout(self) -> WarehouseLayout:
        return WarehouseLayout(Path(self.warehouse_dir).resolve())

    def connect(self) -> duckdb.DuckDBPyConnection:
        self.layout.work_dir.mkdir(parents=True, exist_ok=True)
        return duckdb.connect(str(self.layout.database))
