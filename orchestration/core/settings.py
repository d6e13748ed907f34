"""The four things a build is told: which feeds to read, which warehouse to build, the price base
for real terms and the engine dbt runs on. Each has its one default here; the command line, the
Dagster resource and dbt (through `--vars` and `--target`) are all given these values, never their
own."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.core.errors import UsageError
from orchestration.core.paths import DEMO_FEEDS_DIR, WarehouseLayout

DEFAULT_PRICE_BASE = "2024-25"
DEFAULT_WAREHOUSE_DIR = Path("warehouse")
DEFAULT_EXPORT_DIR = Path("exports")  # where `wholeplace export` writes packs and workbooks
EXPORT_FORMATS = ("xlsx", "csv")  # the first is the default
# DuckDB spills to disk beyond this (validation in the engine and dbt alike), so a feed of tens of
# millions of payments fits an ordinary machine. WHOLEPLACE_DUCKDB_MEMORY_LIMIT changes it.
DUCKDB_MEMORY_LIMIT = os.environ.get("WHOLEPLACE_DUCKDB_MEMORY_LIMIT", "1GB")
# The engines dbt can build the warehouse on, each a target in dbt_project/profiles.yml. Spark
# needs the optional `spark` extra (pip install -e ".[spark]") and Java 17; see docs/scale-out.md.
ENGINES = ("duckdb", "spark")
DEFAULT_ENGINE = "duckdb"

# For `dagster dev` (make dev), which has no command line of ours to pass them on.
ENVIRONMENT = {
    "feeds_dir": "WHOLEPLACE_FEEDS",
    "warehouse_dir": "WHOLEPLACE_WAREHOUSE",
    "price_base_year": "WHOLEPLACE_PRICE_BASE",
    "strict": "WHOLEPLACE_STRICT",
    "engine": "WHOLEPLACE_ENGINE",
}


@dataclass(frozen=True)
class Settings:
    feeds_dir: Path = field(default=DEMO_FEEDS_DIR)
    warehouse_dir: Path = field(default=DEFAULT_WAREHOUSE_DIR)
    price_base_year: str = DEFAULT_PRICE_BASE
    # Failing settlement checks refuse the publish (wholeplace build --strict) instead of
    # publishing with the failures at the top of the summary.
    strict: bool = False
    engine: str = DEFAULT_ENGINE

    def __post_init__(self):
        if self.engine not in ENGINES:
            raise UsageError(f"the engine must be one of {', '.join(ENGINES)}, not '{self.engine}'")

    @classmethod
    def from_environment(cls) -> Settings:
        defaults = cls()
        return cls(
            feeds_dir=Path(os.environ.get(ENVIRONMENT["feeds_dir"], defaults.feeds_dir)),
            warehouse_dir=Path(
                os.environ.get(ENVIRONMENT["warehouse_dir"], defaults.warehouse_dir)
            ),
            price_base_year=os.environ.get(
                ENVIRONMENT["price_base_year"], defaults.price_base_year
            ),
            strict=os.environ.get(ENVIRONMENT["strict"], "").lower() in ("1", "true", "yes"),
            engine=os.environ.get(ENVIRONMENT["engine"], defaults.engine),
        )

    @property
    def feeds(self) -> Path:
        return Path(self.feeds_dir).resolve()

    @property
    def layout(self) -> WarehouseLayout:
        return WarehouseLayout(Path(self.warehouse_dir).resolve())
