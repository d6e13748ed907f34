"""What the snapshot was built from and what it holds, as its manifest lists them."""

from __future__ import annotations

import os

import pandas as pd

from dashboards.queries.snapshot import VALIDATION_REPORT, Snapshot


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


def validation_report(snap: Snapshot) -> pd.DataFrame | None:
    """Every input row a feed contract set aside: file, row, column, value, rule and message;
    None when the snapshot does not carry the report."""
    if not snap.has(VALIDATION_REPORT):
        return None
    return snap.query(
        f'SELECT feed, file, "row" AS source_row, "column" AS column_name, value, rule, '
        f"message, severity FROM {VALIDATION_REPORT} ORDER BY feed, file, source_row"
    )


def data_docs(snap: Snapshot) -> str | None:
    """The Great Expectations Data Docs inside the snapshot, when a build wrote them."""
    index = os.path.join(snap.folder, "data_docs", "index.html")
    return index if os.path.isfile(index) else None
