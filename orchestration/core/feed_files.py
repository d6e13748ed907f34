"""Reading feed files as they arrive: every .csv, .xlsx and .xlsm in a folder, every visible sheet
of a workbook, as text, with lineage. What is not read is said, with the reason."""

from __future__ import annotations

import hashlib
import io
import os
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from orchestration.core.errors import UsageError

FEED_FILE_SUFFIXES = (".csv", ".xlsx", ".xlsm")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
# Files that hold a table wholeplace cannot read: a feed folder holding one is missing rows.
HEADER_ROW = 1
"""Rows are numbered as Excel numbers them when it opens the file: the header is row 1, so the
first row under it is row 2 and a finance officer's "go to row" lands on the row named."""

TABLE_SUFFIXES_NOT_READ = (".xls", ".xlsb", ".ods", ".tsv", ".txt", ".numbers", ".json")


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


def is_feed_file_name(name: str) -> bool:
    return Path(name).suffix.lower() in FEED_FILE_SUFFIXES and not name.startswith(("~$", "."))


def files_in(feeds_dir: Path, folder: str, file_name: str | None = None) -> list[FeedFile]:
    directory = feeds_dir / folder
    if not directory.is_dir():
        return []
    if file_name:
        candidates = [directory / file_name]
    else:
        candidates = sorted(p for p in directory.iterdir() if is_feed_file_name(p.name))
    return [
        FeedFile(path=p, display_name=f"{folder}/{p.name}")
        for p in candidates
        if p.is_file() and not p.name.startswith(("~$", "."))
    ]


def why_not_read(path: Path, wanted: set[str] | None) -> tuple[str, str] | None:
    """(reason, severity) for an entry of a feed folder that is not read; None if it is read.
    wanted: the fixed file names of the folder, or None when every feed file in it is read."""
    name = path.name
    try:
        mode = path.lstat().st_mode
        target_mode = path.stat().st_mode
    except OSError:
        return "it is a link that leads nowhere (or back to itself)", "warn"
    if name.startswith("~$"):
        return "it is an Excel lock file (the workbook is open in Excel)", "warn"
    if name.startswith("."):
        return "its name starts with '.', so it is a hidden file", "warn"
    if stat.S_ISDIR(target_mode):
        return "it is a folder; a feed folder is read one level deep", "warn"
    if not stat.S_ISREG(target_mode):
        kind = "a link to something" if stat.S_ISLNK(mode) else "something"
        return f"it is {kind} that is not a regular file (a pipe, socket or device)", "warn"
    suffix = path.suffix.lower()
    if suffix in TABLE_SUFFIXES_NOT_READ:
        return (
            f"wholeplace does not read {suffix} files; save it as CSV UTF-8 (.csv) or as an "
            "Excel workbook (.xlsx)",
            "block",
        )
    if wanted is not None:
        if name in wanted:
            return None
        return f"this folder holds only {', '.join(sorted(wanted))}", "warn"
    if suffix not in FEED_FILE_SUFFIXES:
        return "it is not a .csv, .xlsx or .xlsm file", "warn"
    return None


@dataclass
class ReadFile:
    """A feed file as text: one table per sheet read (source_file names the sheet when a
    workbook has more than one), and what was tolerated while reading it."""

    tables: list[tuple[str, pd.DataFrame]]
    notes: list[str]

    @property
    def rows(self) -> int:
        return sum(len(frame) for _, frame in self.tables)


def read_tables(feed_file: FeedFile) -> ReadFile:
    """Every cell as text (blank = ''), header names trimmed, plus source_file and source_row.

    source_row is the row's number in Excel (the header is row 1, see HEADER_ROW).
    """
    notes: list[str] = []
    try:
        if feed_file.path.suffix.lower() in WORKBOOK_SUFFIXES:
            sheets = _read_workbook(feed_file, notes)
        else:
            sheets = [(feed_file.display_name, _read_csv(feed_file.path, notes))]
    except UnreadableFile as error:
        raise UnreadableFile(f"{feed_file.display_name}: {error}") from error
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            f"{feed_file.display_name}: the file is not UTF-8 text (byte {error.start}); "
            "save it from Excel as 'CSV UTF-8 (Comma delimited)'"
        ) from error
    except Exception as error:  # pandas and openpyxl raise many kinds for a broken file
        raise UnreadableFile(
            f"{feed_file.display_name}: the file cannot be read ({error})"
        ) from error
    return ReadFile([(name, _as_text(name, raw)) for name, raw in sheets], notes)


def read_as_text(feed_file: FeedFile) -> pd.DataFrame:
    """All the tables of a file in one frame (for `wholeplace validate` and the adapters)."""
    read = read_tables(feed_file)
    frame = pd.concat([t for _, t in read.tables], ignore_index=True)
    frame.attrs["notes"] = read.notes
    return frame


def _as_text(name: str, raw: pd.DataFrame) -> pd.DataFrame:
    """raw: header=None frame; its first row is the header."""
    if raw.empty:
        raise UnreadableFile("the file cannot be read (the file is empty)")
    header = [_header_name(value, number) for number, value in enumerate(raw.iloc[0])]
    _refuse_duplicate_headers(header)
    frame = raw.iloc[1:].reset_index(drop=True)
    frame.columns = header
    frame = frame.fillna("").astype(str)
    frame.insert(0, "source_row", spreadsheet_rows(len(frame)))
    frame.insert(0, "source_file", name)
    # Blank lines carry nothing; they are dropped after numbering so row numbers stay true.
    cells = frame.drop(columns=["source_file", "source_row"])
    if cells.shape[1] and len(frame):
        keep = cells.apply(lambda col: col.str.strip() != "").any(axis=1)
        frame = frame[keep].reset_index(drop=True)
    return frame


def spreadsheet_rows(count: int) -> range:
    """The Excel row numbers of `count` rows under a header row."""
    return range(HEADER_ROW + 1, HEADER_ROW + 1 + count)


def _header_name(value, number: int) -> str:
    text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
    return text.strip() or f"Unnamed: {number}"


def _refuse_duplicate_headers(header: list[str]) -> None:
    seen: dict[str, int] = {}
    for number, name in enumerate(header, start=1):
        if name in seen:
            raise UnreadableFile(
                f"the column header '{name}' appears twice (columns {seen[name]} and {number}); "
                "wholeplace cannot tell which one to read: delete or rename one of them"
            )
        seen[name] = number


# --- CSV ---------------------------------------------------------------------------------------

UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _read_csv(path: Path, notes: list[str]) -> pd.DataFrame:
    data = path.read_bytes()
    separator = ","
    if data.startswith(UTF16_BOMS):
        # Excel's "Unicode Text": UTF-16 with a byte-order mark, tab separated.
        text = data.decode("utf-16")
        if "\t" in text.split("\n", 1)[0]:
            separator = "\t"
        notes.append(
            "the file is UTF-16 text (Excel's 'Unicode Text')"
            + (", tab separated" if separator == "\t" else "")
            + "; it was read as such; save as 'CSV UTF-8' to avoid this"
        )
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Excel's "CSV (Comma delimited)" writes Windows-1252: a pound sign is byte 0xA3.
            text = data.decode("cp1252")
            notes.append(
                "the file is Windows-1252 text, not UTF-8; it was read as Windows-1252 (a '£' "
                "from Excel); save as 'CSV UTF-8' to avoid this"
            )
    _refuse_nul(text)
    if not text.strip():
        raise UnreadableFile("the file cannot be read (the file is empty)")
    return pd.read_csv(
        io.StringIO(text),
        dtype=str,
        keep_default_na=False,
        skip_blank_lines=False,
        header=None,
        sep=separator,
    )


def _refuse_nul(text: str) -> None:
    position = text.find("\x00")
    if position >= 0:
        line = text.count("\n", 0, position) + 1
        raise UnreadableFile(
            f"line {line} holds a NUL byte (character code 0), which cuts a value short in "
            "many programs; wholeplace will not guess what the value was: remove it and save "
            "the file again"
        )


# --- workbooks ----------------------------------------------------------------------------------


def _read_workbook(feed_file: FeedFile, notes: list[str]) -> list[tuple[str, pd.DataFrame]]:
    """Every visible sheet that holds anything; hidden sheets are never read, and are named in a
    warning so nobody thinks their rows were loaded."""
    import openpyxl

    workbook = openpyxl.load_workbook(feed_file.path, read_only=True, data_only=True)
    try:
        states = {sheet.title: sheet.sheet_state for sheet in workbook.worksheets}
    finally:
        workbook.close()
    hidden = [title for title, state in states.items() if state != "visible"]
    if hidden:
        notes.append(
            f"hidden sheet(s) {', '.join(repr(t) for t in hidden)} were not read: wholeplace "
            "reads only the sheets a reader of the workbook can see; unhide a sheet to load it"
        )
    frames = pd.read_excel(
        feed_file.path,
        sheet_name=[t for t in states if t not in hidden],
        header=None,
        dtype=str,
        keep_default_na=False,
        engine="openpyxl",
    )
    filled = {title: frame for title, frame in frames.items() if _has_cells(frame)}
    if not filled:
        raise UnreadableFile("the workbook has no visible sheet with anything in it")
    if len(filled) == 1:
        return [(feed_file.display_name, next(iter(filled.values())))]
    return [(f"{feed_file.display_name} [{title}]", frame) for title, frame in filled.items()]


def _has_cells(frame: pd.DataFrame) -> bool:
    return not frame.empty and bool((frame.fillna("").astype(str).map(str.strip) != "").any().any())


# --- limits -------------------------------------------------------------------------------------

DEFAULT_MAX_FILE_BYTES = 2 * 1024**3
DEFAULT_MAX_UNPACKED_BYTES = 512 * 1024**2
MAX_ROW_BYTES = 1024**2
FILE_LIMIT = "WHOLEPLACE_MAX_FILE_BYTES"
UNPACKED_LIMIT = "WHOLEPLACE_MAX_UNPACKED_BYTES"


def _limit(variable: str, default: int) -> int:
    text = os.environ.get(variable)
    if text is None:
        return default
    try:
        return int(text)
    except ValueError:
        raise UsageError(f"{variable} must be a whole number of bytes, not '{text}'") from None


def max_file_bytes() -> int:
    return _limit(FILE_LIMIT, DEFAULT_MAX_FILE_BYTES)


def max_unpacked_bytes() -> int:
    return _limit(UNPACKED_LIMIT, DEFAULT_MAX_UNPACKED_BYTES)


def refusal(feed_file: FeedFile, feeds_dir: Path) -> str | None:
    """Why a file must not be read at all, checked before anything is loaded into memory."""
    if not feed_file.path.resolve().is_relative_to(feeds_dir.resolve()):
        return "it links to a place outside the feeds directory; feed files must be inside it"
    size = feed_file.path.stat().st_size
    if size > max_file_bytes():
        return f"it is {size:,} bytes, over the limit of {max_file_bytes():,} bytes ({FILE_LIMIT})"
    return refusal_of_contents(feed_file.path)


def refusal_of_contents(path: Path) -> str | None:
    """A workbook that unpacks to more than the limit (a 'zip bomb'), or a CSV row over 1 MB."""
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        unpacked = unpacked_size(path)
        if unpacked is not None and unpacked > max_unpacked_bytes():
            return (
                f"the workbook unpacks to {unpacked:,} bytes, over the limit of "
                f"{max_unpacked_bytes():,} bytes ({UNPACKED_LIMIT})"
            )
    if suffix == ".csv" and _longest_line(path) > MAX_ROW_BYTES:
        return f"a row is longer than {MAX_ROW_BYTES:,} bytes; this is not a feed table"
    return None


def unpacked_size(path: Path) -> int | None:
    """The sizes a workbook's zip directory declares; zipfile never unpacks more than that."""
    try:
        with zipfile.ZipFile(path) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        return None  # not a zip at all: the reader says it cannot be read


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
