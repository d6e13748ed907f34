"""Where things live: the repository's dbt project and demo feeds, and a warehouse's layout."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
REPO = PACKAGE.parent
DBT_PROJECT_DIR = REPO / "dbt_project"
DEMO_FEEDS_DIR = PACKAGE / "demo" / "feeds"
DEMO_SOURCES_DIR = PACKAGE / "demo" / "sources"
BUNDLED_REFERENCE_DIR = DBT_PROJECT_DIR / "seeds" / "reference"


@dataclass(frozen=True)
class WarehouseLayout:
    """WAREHOUSE/work holds the working DuckDB database; WAREHOUSE/published is a symlink to the
    newest complete snapshot in WAREHOUSE/snapshots, swapped atomically by the publish step."""

    root: Path

    @property
    def work_dir(self) -> Path:
        return self.root / "work"

    @property
    def database(self) -> Path:
        return self.work_dir / "wholeplace.duckdb"

    @property
    def snapshots_dir(self) -> Path:
        return self.root / "snapshots"

    @property
    def published(self) -> Path:
        return self.root / "published"

    @property
    def logs_dir(self) -> Path:
        return self.root / "logs"

    def dbt_target(self, engine: str = "duckdb") -> Path:
        """dbt's run artifacts for this warehouse and engine (run_results.json, compiled SQL):
        one folder per engine, so a Spark build's manifest never overwrites a DuckDB build's."""
        return self.work_dir / ("dbt-target" if engine == "duckdb" else f"dbt-target-{engine}")

    @property
    def spark_dir(self) -> Path:
        """The Spark engine's working folder: its Derby metastore, its tables (plain Parquet) and
        the raw feeds handed to it as Parquet."""
        return self.work_dir / "spark"

    @property
    def build_lock(self) -> Path:
        return self.root / "build.lock"
