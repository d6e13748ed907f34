"""What the snapshot was built from and what it holds, as its manifest lists them."""

from __future__ import annotations

import pandas as pd

from dashboards.queries.snapshot import Snapshot


def inputs(snap: Snapshot) -> pd.DataFrame:
    """The input files the snapshot was built from, as the manifest lists them."""
    columns = ["feed", "file", "sha256", "rows_read", "rows_loaded", "rows_quarantined"]
    rows = [r for r in snap.manifest.get("inputs") or [] if isinstance(r, dict)]
    return pd.DataFrame(rows, columns=columns)


def mart_rows(snap: Snapshot) -> pd.DataFrame:
    """Published marts and their row counts, as the manifest lists them."""
    listed = snap.manifest.get("marts") or {}
    return pd.DataFrame(
        [
            {
                "mart": name,
                "file": (entry or {}).get("file"),
                "rows": (entry or {}).get("rows"),
                "published": name in snap.marts,
            }
            for name, entry in sorted(listed.items())
        ],
        columns=["mart", "file", "rows", "published"],
    )


def spend_by_service_sources(snap: Snapshot) -> pd.DataFrame:
    """Which outturn figures are real and which synthetic: place, source and the years covered."""
    return snap.query(
        "SELECT place_name, data_provenance, BOOL_OR(is_synthetic) AS is_synthetic, "
        'MIN(financial_year) AS "First year", MAX(financial_year) AS "Last year" '
        "FROM place_spend_by_service GROUP BY ALL ORDER BY is_synthetic, 1, 4"
    )
