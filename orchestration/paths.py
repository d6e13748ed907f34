"""Where things live: the repository's dbt project and demo feeds, and a warehouse's layout."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = REPO / "dbt_project"
DEMO_FEEDS_DIR = Path(__file__).resolve().parent / "demo" / "feeds"
BUNDLED_REFERENCE_DIR = DBT_PROJECT_DIR / "seeds" / "reference"
DEFAULT_WAREHOUSE_DIR = Path("warehouse")


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
    def build_lock(self) -> Path:
        return self.root / "build.lock"
