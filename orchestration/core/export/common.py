"""What the settlement pack and the national workbook share: the cover's provenance lines, the
input files with their hashes, the column meanings, and the synthetic label."""

from __future__ import annotations

import dataclasses

import pandas as pd

from orchestration.core.export.sheets import Sheet
from orchestration.core.export.snapshot import PublishedSnapshot
from orchestration.core.labels import column_labels as headers_in

SYNTHETIC_LABEL = "SYNTHETIC DEMO DATA: not real figures. "


def is_synthetic(snap: PublishedSnapshot, *frames: pd.DataFrame) -> bool:
    if snap.manifest.get("synthetic_inputs"):
        return True
    return any("is_synthetic" in f and bool(f["is_synthetic"].fillna(False).any()) for f in frames)


def note(text: str, synthetic: bool) -> str:
    return (SYNTHETIC_LABEL if synthetic else "") + text


def provenance_rows(snap: PublishedSnapshot, synthetic: bool) -> list[tuple[str, str]]:
    manifest = snap.manifest
    inputs = manifest.get("inputs") or []
    feeds = sorted({str(i.get("feed")) for i in inputs})
    return [
        ("Price base", str(manifest.get("price_base_year", ""))),
        ("Snapshot run id", str(manifest.get("run_id", ""))),
        ("Snapshot published at", str(manifest.get("published_at", ""))),
        ("Snapshot folder", snap.folder.name),
        ("Code version", str(manifest.get("code_version", ""))),
        ("Any figure synthetic", "yes: synthetic demo data" if synthetic else "no"),
        ("Input files", f"{len(inputs)} (SHA-256 of each on the 'Input files' sheet)"),
        ("Data sources", "feeds: " + ", ".join(feeds) + "; publishers and licences in "
         "DATA_SOURCES.md"),
        ("Column meanings", "the 'Column meanings' sheet and docs/feeds_and_marts.md"),
    ]  # fmt: skip


def cover(title: str, rows: list[tuple[str, str]], synthetic: bool) -> Sheet:
    frame = pd.DataFrame(rows, columns=["item", "value"])
    return Sheet("Cover", frame, note(title, synthetic))


def input_files(snap: PublishedSnapshot, synthetic: bool) -> Sheet:
    columns = ["feed", "file", "sha256", "rows_read", "rows_loaded", "rows_quarantined"]
    frame = pd.DataFrame(snap.manifest.get("inputs") or [], columns=columns)
    for column in columns[3:]:
        frame[column] = pd.to_numeric(frame[column]).astype("Int64")
    return Sheet(
        "Input files",
        frame,
        note("Every file the snapshot was built from, with its SHA-256 and rows.", synthetic),
    )


def column_labels(snap: PublishedSnapshot) -> dict[str, str]:
    """Each column's header (core/labels.py), the real-terms basis written out."""
    real = f"real, {snap.manifest.get('price_base_year') or 'base-year'} prices"
    return {c: t.replace("{real}", real) for c, t in headers_in(snap.manifest).items()}


def labelled(sheets: list[Sheet], snap: PublishedSnapshot) -> list[Sheet]:
    """The sheets with the labelled columns' labels as their headers; a label that would
    repeat another header of the same sheet leaves its column under its own name."""
    labels = column_labels(snap)
    out = []
    for sheet in sheets:
        headers: dict[str, str] = {}
        for column in sheet.frame.columns:
            label = labels.get(str(column))
            if label and label not in headers.values() and label not in sheet.frame.columns:
                headers[str(column)] = label
        out.append(dataclasses.replace(sheet, headers=headers))
    return out


def column_meanings(snap: PublishedSnapshot, marts: list[str], synthetic: bool) -> Sheet:
    described = snap.manifest.get("columns") or {}
    labels = column_labels(snap)
    rows = [
        (mart, labels.get(column, column), column, meaning)
        for mart in marts
        for column, meaning in (described.get(mart) or {}).items()
    ]
    frame = pd.DataFrame(rows, columns=["mart", "header", "column", "meaning"])
    return Sheet(
        "Column meanings",
        frame,
        note("What each column of the published marts behind this workbook means.", synthetic),
    )
