"""Kept for `tests/test_faults.py` only, which imports `current_snapshot` from here: the
snapshot now lives in `dashboards.queries.snapshot`. Delete this once that import moves."""

from dashboards.queries.snapshot import current_snapshot

__all__ = ["current_snapshot"]
