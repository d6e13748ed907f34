"""Feed ingest without Dagster: read a feed's files, validate them against the contract, and load
the good rows (plus the quarantine and the row accounting) into the working DuckDB database."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import duckdb
import pandas as pd

from orchestration.core.errors import UsageError
from orchestration.core.feed_files import (
    UnreadableFile,
    files_in,
    read_tables,
    refusal,
    spreadsheet_rows,
    why_not_read,
)
from orchestration.core.paths import BUNDLED_REFERENCE_DIR
from schemas import FEED_FOLDERS, FEEDS, REFERENCE_CONTRACTS
from schemas.common import FeedContract, Problem, ValidationContext
from schemas.validate import LINEAGE, FeedResult, FileReport, parse, validate_frames

SQL_TYPES = {
    "text": "varchar",
    "code": "varchar",
    "financial_year": "varchar",
    "money": "decimal(18, 2)",
    "number": "double",
    "rate": "double",
    "integer": "bigint",
    "date": "date",
}


REFERENCE_CONTRACTS_BY_NAME = {c.name: c for c in REFERENCE_CONTRACTS}

SETTINGS_FILE = "wholeplace.toml"


def feed_settings(feeds_dir: Path) -> dict:
    """Per-feed settings from FEEDS/wholeplace.toml, e.g. [outturn] row_problems = "block"."""
    path = feeds_dir / SETTINGS_FILE
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise UsageError(
            f"{path} cannot be read ({error}); fix it (a setting looks like [outturn] then "
            'row_problems = "block") or remove it'
        ) from error


def with_settings(contract: FeedContract, feeds_dir: Path) -> FeedContract:
    chosen = feed_settings(feeds_dir).get(contract.name, {}).get("row_problems")
    if chosen is None:
        return contract
    if chosen not in ("block", "quarantine"):
        raise UsageError(
            f"{SETTINGS_FILE}: [{contract.name}] row_problems must be 'block' or 'quarantine', "
            f"not '{chosen}'"
        )
    return dataclasses.replace(contract, row_problems=chosen)


def _file_problem(contract, file, rule, message, severity="block") -> Problem:
    return Problem(contract.name, file, None, None, None, rule, message, severity)


def validate_feed(
    contract: FeedContract, feeds_dir: Path, context: ValidationContext
) -> FeedResult:
    contract = with_settings(contract, feeds_dir)
    texts, problems, reports = [], [], []
    for feed_file in files_in(feeds_dir, contract.folder, contract.file_name):
        report = FileReport(contract.name, feed_file.display_name, feed_file.sha256, 0)
        reports.append(report)
        refused = refusal(feed_file, feeds_dir)
        if refused:
            report.blocked = True
            problems.append(
                _file_problem(
                    contract,
                    feed_file.display_name,
                    "refused_file",
                    f"the file was not read: {refused}",
                )
            )
            continue
        try:
            read = read_tables(feed_file)
        except UnreadableFile as error:
            report.blocked = True
            problems.append(
                _file_problem(
                    contract,
                    feed_file.display_name,
                    "readable_file",
                    str(error).removeprefix(f"{feed_file.display_name}: "),
                )
            )
            continue
        report.rows_read = read.rows
        problems += [
            _file_problem(contract, feed_file.display_name, "tolerated", note, "warn")
            for note in read.notes
        ]
        texts += read.tables
    loaded, quarantined, found = validate_frames(contract, texts, context)
    problems += found
    _count_rows(reports, loaded, quarantined, problems)
    return FeedResult(contract, loaded, quarantined, problems, reports)


def _of_file(names: pd.Series, file: str) -> pd.Series:
    """Rows of a file, or of any of its sheets ('allocations/x.xlsx [Sheet2]')."""
    names = names.astype(str)
    return (names == file) | names.str.startswith(file + " [")


def _count_rows(reports, loaded, quarantined, problems) -> None:
    blocked_tables = {p.file for p in problems if p.row is None and p.severity == "block"}
    for report in reports:
        report.rows_loaded = int(_of_file(loaded["source_file"], report.file).sum())
        report.rows_quarantined = int(_of_file(quarantined["source_file"], report.file).sum())
        blocked = bool(_of_file(pd.Series(sorted(blocked_tables), dtype=str), report.file).any())
        report.blocked = report.blocked or blocked
        if blocked:
            # A file that cannot be used at all loads nothing: every row counts as set aside.
            report.rows_quarantined = report.rows_read - report.rows_loaded


def unknown_feed_folders(feeds_dir: Path, known: set[str] | None = None) -> list[Problem]:
    known = known or FEED_FOLDERS
    return [
        Problem(
            "feeds",
            path.name + "/",
            None,
            None,
            path.name,
            "known_feed_folder",
            f"'{path.name}' is not a feed wholeplace knows; the feed folders are: "
            f"{', '.join(sorted(known))}",
            "block",
        )
        for path in sorted(feeds_dir.iterdir())
        if path.is_dir() and not path.name.startswith(".") and path.name not in known
    ]


def unread_entries(feeds_dir: Path) -> list[Problem]:
    """Every entry of a known feed folder that no contract reads, with the reason: a workbook
    saved as .xls or a tab-separated export blocks (its rows would be missing), anything else is
    a warning."""
    problems = []
    for folder in sorted(FEED_FOLDERS - {"inbox"}):
        directory = feeds_dir / folder
        if not directory.is_dir():
            continue
        contracts = [c for c in FEEDS + REFERENCE_CONTRACTS if c.folder == folder]
        fixed = {c.file_name for c in contracts if c.file_name}
        wanted = fixed if all(c.file_name for c in contracts) else None
        for path in sorted(directory.iterdir()):
            why = why_not_read(path, wanted)
            if why:
                reason, severity = why
                problems.append(
                    Problem(
                        folder,
                        f"{folder}/{path.name}",
                        None,
                        None,
                        None,
                        "unread_file",
                        f"this entry was not read: {reason}",
                        severity,
                    )
                )
    return problems


# --- reference data ---------------------------------------------------------------------------


# contract name -> (the contract, the file's mtime and size, its rows): every feed asset asks for
# the bundled reference tables, and parsing them (row by row) is the same work each time.
_BUNDLED_READ: dict[str, tuple] = {}


def bundled_reference(contract: FeedContract) -> pd.DataFrame:
    """The bundled table's rows, parsed once per process while its file stays the same."""
    stat = (BUNDLED_REFERENCE_DIR / f"{contract.name}.csv").stat()
    version = (stat.st_mtime_ns, stat.st_size)
    read = _BUNDLED_READ.get(contract.name)
    if read is None or read[0] is not contract or read[1] != version:
        read = _BUNDLED_READ[contract.name] = (contract, version, _read_bundled(contract))
    return read[2].copy()


def _read_bundled(contract: FeedContract) -> pd.DataFrame:
    text = pd.read_csv(
        BUNDLED_REFERENCE_DIR / f"{contract.name}.csv", dtype=str, keep_default_na=False
    )
    text.insert(0, "source_row", spreadsheet_rows(len(text)))
    text.insert(0, "source_file", f"bundled reference/{contract.name}.csv")
    for spec in contract.fields:
        if spec.name not in text:
            text[spec.name] = ""
    typed, problems = parse(contract, text)
    if problems:
        raise RuntimeError(f"the bundled reference table {contract.name} is broken: {problems[0]}")
    return typed


def reference_context(feeds_dir: Path) -> tuple[ValidationContext, list[FeedResult]]:
    """Bundled reference tables, each replaced by reference/<table>.csv where the feeds have one."""
    context = ValidationContext()
    overrides = []
    for contract in REFERENCE_CONTRACTS:
        if files_in(feeds_dir, contract.folder, contract.file_name):
            result = validate_feed(contract, feeds_dir, context)
            overrides.append(result)
            context.reference[contract.name] = result.loaded
        else:
            context.reference[contract.name] = bundled_reference(contract)
    return context, overrides


def price_base_problems(context: ValidationContext, price_base_year: str) -> list[Problem]:
    deflators = context.reference["deflators"]
    if price_base_year in set(deflators["financial_year"].astype(str)):
        return []
    table = str(deflators["source_file"].iloc[0]) if len(deflators) else "reference/deflators.csv"
    return [
        Problem(
            "deflators",
            table,
            None,
            "financial_year",
            price_base_year,
            "price_base_deflator",
            f"has no GDP deflator for {price_base_year}, the price base of this build "
            "(--price-base): every real-terms figure is expressed in its prices; add the year "
            "or choose a price base the table has",
        )
    ]


def deflators_for_warehouse(given: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The feeds' deflator table, with the bundled years it lacks chained on at the nearest year
    both give (value x given/bundled there). Figures in the feeds never use a chained year (those
    are refused by the contract check); the bundled unit cost database's old price years do."""
    bundled = bundled_reference(REFERENCE_CONTRACTS_BY_NAME["deflators"])
    given_index = dict(zip(given["financial_year"], given["gdp_deflator_index"], strict=True))
    shared = sorted(y for y in bundled["financial_year"] if y in given_index)
    if not shared:
        return given, []
    added, filled = [], []
    for row in bundled.to_dict("records"):
        year = row["financial_year"]
        if year in given_index:
            continue
        anchor = min(shared, key=lambda y: abs(int(y[:4]) - int(year[:4])))
        bundled_at_anchor = float(
            bundled.loc[bundled["financial_year"] == anchor].iloc[0]["gdp_deflator_index"]
        )
        value = float(row["gdp_deflator_index"]) * float(given_index[anchor]) / bundled_at_anchor
        added.append(
            {
                **row,
                "gdp_deflator_index": round(value, 4),
                "vintage": f"bundled series chained to the feeds' table at {anchor}",
            }
        )
        filled.append(year)
    merged = pd.concat([given, pd.DataFrame(added)], ignore_index=True) if added else given
    return merged, filled


def feed_context(
    con: duckdb.DuckDBPyConnection,
    feeds_dir: Path,
    needs: list[str],
    loaded_elsewhere: dict[str, str] | None = None,
):
    """The reference data and the loaded rows of the feeds `needs` names, from raw.<table>, or
    from the relation loaded_elsewhere gives for a table (the Parquet a Spark build wrote)."""
    context, _ = reference_context(feeds_dir)
    relations = loaded_elsewhere or {}
    for table in needs:
        context.feeds[table] = con.execute(
            f"select * from {relations.get(table, f'raw.{table}')}"
        ).df()
    return context


# --- loading ------------------------------------------------------------------------------------


def write_raw_table(con: duckdb.DuckDBPyConnection, contract: FeedContract, rows: pd.DataFrame):
    columns = [("source_file", "varchar"), ("source_row", "integer")] + [
        (f.name, SQL_TYPES[f.kind]) for f in contract.fields
    ]
    con.execute("create schema if not exists raw")
    definition = ", ".join(f'"{name}" {sql_type}' for name, sql_type in columns)
    con.execute(f'create or replace table raw."{contract.table}" ({definition})')
    if rows.empty:
        return
    as_text = rows[LINEAGE + contract.columns].astype(object).where(rows.notna(), None)
    as_text = as_text.map(lambda v: None if v is None else str(v))
    con.register("incoming_rows", as_text)
    casts = ", ".join(f'cast("{name}" as {sql_type})' for name, sql_type in columns)
    con.execute(f'insert into raw."{contract.table}" select {casts} from incoming_rows')
    con.unregister("incoming_rows")


def ensure_bookkeeping_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists raw")
    con.execute(
        """create table if not exists raw.quarantine (
            feed varchar, source_file varchar, source_row integer, column_name varchar,
            value varchar, rule varchar, message varchar, severity varchar)"""
    )
    con.execute(
        """create table if not exists raw.feed_files (
            feed varchar, file varchar, sha256 varchar, rows_read integer, rows_loaded integer,
            rows_quarantined integer, blocked boolean)"""
    )


def record_result(con: duckdb.DuckDBPyConnection, result: FeedResult) -> None:
    """Replace this feed's rows in the quarantine and row-accounting tables."""
    ensure_bookkeeping_tables(con)
    feed = result.contract.name
    con.execute("delete from raw.quarantine where feed = ?", [feed])
    con.execute("delete from raw.feed_files where feed = ?", [feed])
    for p in result.problems:
        record = p.as_record()
        con.execute(
            "insert into raw.quarantine values (?, ?, ?, ?, ?, ?, ?, ?)", list(record.values())
        )
    for f in result.files:
        con.execute(
            "insert into raw.feed_files values (?, ?, ?, ?, ?, ?, ?)",
            [f.feed, f.file, f.sha256, f.rows_read, f.rows_loaded, f.rows_quarantined, f.blocked],
        )
