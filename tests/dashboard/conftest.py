"""Fixtures for the dashboard tests: a fake snapshot of synthetic test data."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_snapshot import write_snapshot


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A warehouse with one synthetic test snapshot, handed to the app via the env var."""
    root = tmp_path / "warehouse"
    write_snapshot(root)
    monkeypatch.setenv("WHOLEPLACE_WAREHOUSE", str(root))
    return root
