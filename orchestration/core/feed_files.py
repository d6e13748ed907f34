"""Reading feed files as they arrive: every .csv and .xlsx in a folder, as text, with lineage."""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

FEED_FILE_SUFFIXES = (".csv", ".xlsx")


class UnreadableFile(Exception):
    """A file that cannot be read at all; the message is for the person who sent it."""


@dataclass(frozen=True)
class FeedFile:
    path: Path
    display_name: str  # relative to the feeds directory, e.g. allocations/dfe.csv

    @property
    def sha256(self) -> str:
        digest = hashlib.sha256()
        with open(self.path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()


def files_in(feeds_dir: Path, folder: str, file_name: str | None = None) -> list[FeedFile]:
    directory = feeds_dir / folder
    if not directory.is_dir():
        return []
    if file_name:
        candidates = [directory / file_name]
    else:
        candidates = sorted(
            p for p in directory.iterdir() if p.suffix.lower() in FEED_FILE_SUFFIXES
        )
    return [
        FeedFile(path=p, display_name=f"{folder}/{p.name}")
        for p in candidates
        if p.is_file() and not p.name.startswith(("~$", "."))
    ]


def read_as_text(feed_file: FeedFile) -> pd.DataFrame:
    """Every cell as text (blank = ''), header names trimmed, plus source_file and source_row.

    source_row is the 1-based data row (the header is not counted), as a finance officer would
    count rows below the header in Excel.
    """
    try:
        frame = _read(feed_file.path)
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            f"{feed_file.display_name}: the file is not UTF-8 text (byte {error.start}); "
            "save it from Excel as 'CSV UTF-8 (Comma delimited)'"
        ) from error
    except Exception as error:  # pandas and openpyxl raise many kinds for a broken file
        raise UnreadableFile(
            f"{feed_file.display_name}: the file cannot be read ({error})"
        ) from error
    encoding = frame.attrs.get("encoding")
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.fillna("").astype(str)
    frame.insert(0, "source_row", range(1, len(frame) + 1))
    frame.insert(0, "source_file", feed_file.display_name)
    # Blank lines carry nothing; they are dropped after numbering so row numbers stay true.
    cells = frame.drop(columns=["source_file", "source_row"])
    frame = frame[cells.apply(lambda col: col.str.strip() != "").any(axis=1)].reset_index(drop=True)
    frame.attrs["encoding"] = encoding
    return frame


def _read(path: Path) -> pd.DataFrame:
    if path.suffix.lower() == ".xlsx":
        return pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's "CSV (Comma delimited)" writes Windows-1252: a pound sign is byte 0xA3.
        text = data.decode("cp1252")
        frame = _parse_csv(text)
        frame.attrs["encoding"] = "Windows-1252"
        return frame
    return _parse_csv(text)


def _parse_csv(text: str) -> pd.DataFrame:
    if not text.strip():
        raise ValueError("the file is empty")
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False)


DEFAULT_MAX_FILE_BYTES = 2 * 1024**3
MAX_ROW_BYTES = 1024**2


def max_file_bytes() -> int:
    return int(os.environ.get("WHOLEPLACE_MAX_FILE_BYTES", DEFAULT_MAX_FILE_BYTES))


def refusal(feed_file: FeedFile, feeds_dir: Path) -> str | None:
    """Why a file must not be read at all, checked before anything is loaded into memory."""
    if not feed_file.path.resolve().is_relative_to(feeds_dir.resolve()):
        return "it links to a place outside the feeds directory; feed files must be inside it"
    size = feed_file.path.stat().st_size
    if size > max_file_bytes():
        return (
            f"it is {size:,} bytes, over the limit of {max_file_bytes():,} bytes "
            "(WHOLEPLACE_MAX_FILE_BYTES)"
        )
    if feed_file.path.suffix.lower() == ".csv" and _longest_line(feed_file.path) > MAX_ROW_BYTES:
        return f"a row is longer than {MAX_ROW_BYTES:,} bytes; this is not a feed table"
    return None


def _longest_line(path: Path) -> int:
    longest = current = 0
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            parts = block.split(b"\n")
            current += len(parts[0])
            for part in parts[1:]:
                longest, current = max(longest, current), len(part)
            if current > MAX_ROW_BYTES:
                return current
    return max(longest, current)
