"""The inbox: published government files dropped, as they are, in the feeds directory's inbox/
folder (optional: absent or empty means nothing happens). Each file is recognised by its headers,
adapted (orchestration/core/adapters), checked against the contract of the feed or reference table
it is for, and its good rows are added to that feed's raw table (or replace / merge into that
reference table) before dbt runs. A file no adapter recognises, or one that breaks a blocking
contract, fails the blocking check and stops the build, like a broken feed file."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd

from orchestration.core.adapt_files import Ingested, adapt_file, as_text, files_under, recognise_all
from orchestration.core.adapters import AdaptContext
from orchestration.core.feed_files import FeedFile, refusal
from orchestration.core.load_feeds import (
    ensure_bookkeeping_tables,
    reference_context,
    with_settings,
    write_raw_table,
)
from schemas import FEEDS, contract_named
from schemas.common import FeedContract, Problem
from schemas.validate import LINEAGE, FileReport, validate_frames

FOLDER = "inbox"


def process_inbox(
    con: duckdb.DuckDBPyConnection, feeds: Path, price_base_year: str
) -> tuple[int, list[str], list[Problem]]:
    """Adapt, check and load every file in FEEDS/inbox/. Returns the number of files, a line per
    file saying what happened to it, and every problem found."""
    paths = files_under(feeds / FOLDER) if (feeds / FOLDER).is_dir() else []
    problems: list[Problem] = []
    summary = []
    _reset(con)
    if paths:
        adapt_context = AdaptContext.for_feeds(feeds, price_base_year)
        validation, _ = reference_context(feeds)
        for item in recognise_all(paths):
            summary.append(_one_file(con, item, feeds, adapt_context, validation, problems))
    return len(paths), summary, problems


def _problem(file: str, rule: str, message: str, severity="block") -> Problem:
    return Problem("inbox", file, None, None, None, rule, message, severity)


def _reset(con: duckdb.DuckDBPyConnection) -> None:
    """Forget what an earlier run of this asset added, so running it again adds it once."""
    ensure_bookkeeping_tables(con)
    con.execute(
        """create or replace table raw.inbox_files (
            file varchar, sha256 varchar, adapter varchar, target varchar, rows_adapted integer,
            rows_loaded integer, rows_set_aside integer, notes varchar)"""
    )
    con.execute(f"delete from raw.quarantine where source_file like '{FOLDER}/%'")
    con.execute(f"delete from raw.feed_files where file like '{FOLDER}/%'")
    present = {
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw'"
        ).fetchall()
    }
    for contract in FEEDS:
        if contract.table in present:
            con.execute(f"delete from raw.\"{contract.table}\" where source_file like '{FOLDER}/%'")


def collisions(
    contract: FeedContract, existing: pd.DataFrame, loaded: pd.DataFrame
) -> list[Problem]:
    """Rows whose key a feed file already loaded: the feed folder's row stands."""
    if existing.empty or loaded.empty or not contract.key:
        return []
    seen = {
        tuple(str(v) for v in key): f"{file} row {row}"
        for *key, file, row in existing[contract.key + LINEAGE].itertuples(index=False)
    }
    problems = []
    for record in loaded.to_dict("records"):
        key = tuple(str(record[c]) for c in contract.key)
        if key in seen:
            described = ", ".join(f"{c}={v}" for c, v in zip(contract.key, key, strict=True))
            problems.append(
                Problem(
                    contract.name,
                    record["source_file"],
                    int(record["source_row"]),
                    ", ".join(contract.key),
                    described,
                    "unique_key",
                    f"repeats {seen[key]} ({described}), already loaded from the feed folder; "
                    "the inbox row was set aside",
                    contract.row_problems,
                )
            )
    return problems


def _load(con, item: Ingested, contract: FeedContract, loaded: pd.DataFrame) -> None:
    if item.adapted.folder == "reference":
        write_raw_table(con, contract, loaded)  # replaces (or, merged, updates) the table
        return
    existing = con.execute(f'select * from raw."{contract.table}"').df()
    combined = pd.concat([existing, loaded[LINEAGE + contract.columns]], ignore_index=True)
    write_raw_table(con, contract, combined)


def _record(con, report: FileReport, problems: list[Problem], item: Ingested) -> None:
    for p in problems:
        con.execute(
            "insert into raw.quarantine values (?, ?, ?, ?, ?, ?, ?, ?)",
            list(p.as_record().values()),
        )
    con.execute(
        "insert into raw.feed_files values (?, ?, ?, ?, ?, ?, ?)",
        [
            report.feed,
            report.file,
            report.sha256,
            report.rows_read,
            report.rows_loaded,
            report.rows_quarantined,
            report.blocked,
        ],
    )
    adapted = item.adapted
    con.execute(
        "insert into raw.inbox_files values (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            report.file,
            report.sha256,
            item.adapter.name if item.adapter else None,
            adapted.target if adapted else None,
            report.rows_read,
            report.rows_loaded,
            report.rows_quarantined,
            json.dumps(adapted.notes if adapted else [item.error]),
        ],
    )


def _one_file(con, item: Ingested, feeds, adapt_context, validation, problems: list) -> str:
    display = f"{FOLDER}/{item.path.name}"
    feed_file = FeedFile(item.path, display)
    report = FileReport("inbox", display, feed_file.sha256, 0)
    refused = refusal(feed_file, feeds)
    if refused:
        item.error = f"the file was not read: {refused}"
    elif not item.error:
        adapt_file(item, adapt_context)
    if item.error:
        report.blocked = True
        found = [_problem(display, "recognised_file", item.error)]
        problems.extend(found)
        _record(con, report, found, item)
        return f"{item.path.name}: refused"
    contract = with_settings(contract_named(item.adapted.target), feeds)
    report.feed = contract.name
    report.rows_read = len(item.adapted.frame)
    loaded, set_aside, found = validate_frames(
        contract, [(display, as_text(item.adapted.frame, display))], validation
    )
    if item.adapted.folder != "reference":
        existing = con.execute(f'select * from raw."{contract.table}"').df()
        repeated = collisions(contract, existing, loaded)
        found += repeated
        repeated_rows = {p.row for p in repeated}
        loaded = loaded[~loaded["source_row"].astype(int).isin(repeated_rows)]
    else:
        validation.reference[contract.name] = loaded
    if not any(p.severity == "block" for p in found):
        _load(con, item, contract, loaded)
        report.rows_loaded = len(loaded)
    report.rows_quarantined = report.rows_read - report.rows_loaded
    report.blocked = any(p.severity == "block" for p in found)
    problems.extend(found)
    _record(con, report, found, item)
    return (
        f"{item.path.name} -> {item.adapter.name} -> {contract.name}: {report.rows_loaded:,} "
        f"loaded, {report.rows_quarantined:,} set aside"
    )
