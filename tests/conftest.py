import json
import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration.cli.build import run_build
from orchestration.core.paths import DEMO_FEEDS_DIR


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory) -> Path:
    """One build of the bundled (synthetic) demo feeds, shared by the tests that only read it."""
    warehouse = tmp_path_factory.mktemp("demo") / "warehouse"
    assert run_build(DEMO_FEEDS_DIR, warehouse, "2024-25") == 0
    return warehouse


@pytest.fixture(scope="session")
def demo_manifest(demo_warehouse) -> dict:
    return json.loads((demo_warehouse / "published" / "manifest.json").read_text())


@pytest.fixture
def published(demo_warehouse):
    """Query a published mart: published('pooled_budget') -> the Parquet path."""
    return lambda mart: (demo_warehouse / "published" / f"{mart}.parquet").as_posix()


@pytest.fixture
def working_db(demo_warehouse):
    con = duckdb.connect(str(demo_warehouse / "work" / "wholeplace.duckdb"), read_only=True)
    yield con
    con.close()


@pytest.fixture
def demo_warehouse_copy(demo_warehouse, tmp_path) -> Path:
    """A private copy of the demo build (its published snapshot live) that a test may build over."""
    return shutil.copytree(demo_warehouse, tmp_path / "warehouse", symlinks=True)


@pytest.fixture
def demo_feeds_copy(tmp_path) -> Path:
    """A private copy of the demo feeds that a test may break."""
    feeds = tmp_path / "feeds"
    shutil.copytree(DEMO_FEEDS_DIR, feeds, ignore=shutil.ignore_patterns("README.md"))
    return feeds
