"""The inbox: published government files dropped, as they are, in the feeds directory's inbox/
folder (optional: absent or empty means nothing happens). Each file is recognised by its headers,
adapted (orchestration/adapters), checked against the contract of the feed or reference table
it is for, and its good rows are added to that feed's raw table (or replace / merge into that
reference table) before dbt runs. A file no adapter recognises, or one that breaks a blocking
contract, fails the blocking check and stops the build, like a broken feed file."""

import json

import duckdb
import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    MaterializeResult,
    MetadataValue,
    asset,
)

from orchestration.adapters import AdaptContext
from orchestration.assets.feeds import MAX_PROBLEMS_IN_METADATA, feed_asset_key
from orchestration.feed_files import FeedFile, refusal
from orchestration.ingest import (
    ensure_bookkeeping_tables,
    reference_context,
    with_settings,
    write_raw_table,
)
from orchestration.ingest_command import Ingested, adapt_file, as_text, files_under, recognise_all
from orchestration.progress import say
from orchestration.resources import WholeplaceSettings
from schemas import FEEDS, contract_named
from schemas.common import FeedContract, Problem
from schemas.validate import LINEAGE, FileReport, validate_frames

FOLDER = "inbox"
GROUP = "inbox"
INBOX_KEY = feed_asset_key("inbox")


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


@asset(
    key=INBOX_KEY,
    group_name=GROUP,
    description="Published files in inbox/ (CRA, ONS lookups, MHCLG revenue outturn, GMCA unit "
    "costs, Oflog/Fingertips outcomes, HMT deflators), recognised by their headers, adapted and "
    "checked, their rows added to the feed or reference table each is for.",
    deps=[feed_asset_key("reference_overrides")] + [feed_asset_key(c.name) for c in FEEDS],
    check_specs=[
        AssetCheckSpec(
            "contract",
            asset=INBOX_KEY,
            blocking=True,
            description="Every file in inbox/ is recognised and its rows meet their contract",
        )
    ],
    kinds={"python", "duckdb"},
)
def inbox(context: AssetExecutionContext, settings: WholeplaceSettings):
    feeds = settings.feeds
    paths = files_under(feeds / FOLDER) if (feeds / FOLDER).is_dir() else []
    problems: list[Problem] = []
    summary = []
    with settings.connect() as con:
        _reset(con)
        if paths:
            adapt_context = AdaptContext.for_feeds(feeds, settings.price_base_year)
            validation, _ = reference_context(feeds)
            for item in recognise_all(paths):
                summary.append(_one_file(con, item, feeds, adapt_context, validation, problems))
    say(context, f"inbox: {len(paths)} file(s)" + (": " + "; ".join(summary) if summary else ""))
    for problem in problems:
        context.log.warning(str(problem))
    blocking = [p for p in problems if p.severity == "block"]
    yield MaterializeResult(metadata={"files": MetadataValue.json(summary)})
    yield AssetCheckResult(
        check_name="contract",
        passed=not blocking,
        severity=AssetCheckSeverity.ERROR,
        description=f"{len(blocking)} blocking problem(s)",
        metadata={
            "problems": MetadataValue.json(
                [p.as_record() for p in problems[:MAX_PROBLEMS_IN_METADATA]]
            ),
            "problem_count": len(problems),
            "blocking_count": len(blocking),
        },
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


inbox_assets = [inbox]
