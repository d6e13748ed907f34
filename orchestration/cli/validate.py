"""`wholeplace validate FEED FILE`: every problem in one file, without building anything."""

from __future__ import annotations

from pathlib import Path

from orchestration.cli.output import EXIT_BLOCKED, EXIT_OK
from orchestration.core.errors import UsageError
from orchestration.core.feed_files import FeedFile, UnreadableFile, read_as_text
from orchestration.core.load_feeds import reference_context
from schemas import contract_named
from schemas.validate import validate_frames

MAX_PRINTED = 200
CROSS_FEED = ("pooling_agreements", "settlement_totals")


def _cross_feed_note(contract) -> str:
    if contract.name not in CROSS_FEED:
        return ""
    return " (references to other feeds are checked by `wholeplace build`)"


def _validate_in_engine(contract, feed_file: FeedFile, context) -> int:
    """A feed validated inside DuckDB (contract.validated_in_engine), in a throwaway in-memory
    database: the same path as the build."""
    import duckdb

    from orchestration.core.engine_validation import validate_in_engine

    with duckdb.connect() as con:
        result = validate_in_engine(
            con, contract, feed_file.path.resolve().parent, context, [feed_file]
        )
    for problem in result.problems[:MAX_PRINTED]:
        print(problem)
    count = result.problem_count  # warnings too, as the row-by-row path counts them
    if result.row_problem_count > MAX_PRINTED:
        print(f"... the first {MAX_PRINTED} row problems are shown")
    report = result.files[0]
    verdict = "INVALID" if count else "VALID"
    print(
        f"{verdict}: {feed_file.path} against the {contract.name} contract"
        f"{_cross_feed_note(contract)}: {report.rows_read:,} "
        f"rows, {report.rows_loaded:,} good, {count:,} problem(s)"
    )
    return EXIT_BLOCKED if count else EXIT_OK


def validate_file(feed: str, file: Path, reference_feeds: Path | None) -> int:
    try:
        contract = contract_named(feed)
    except KeyError as error:
        raise UsageError(error.args[0]) from None
    if not file.is_file():
        raise UsageError(f"{file} is not a file")
    context, _ = reference_context(reference_feeds or Path("/nonexistent"))
    feed_file = FeedFile(path=file, display_name=file.name)
    if contract.validated_in_engine:
        return _validate_in_engine(contract, feed_file, context)
    try:
        text = read_as_text(feed_file)
    except UnreadableFile as error:
        print(f"INVALID {error}")
        return EXIT_BLOCKED
    loaded, quarantined, problems = validate_frames(contract, [(file.name, text)], context)
    note = _cross_feed_note(contract)
    for problem in problems:
        print(problem)
    verdict = "INVALID" if problems else "VALID"
    print(
        f"{verdict}: {file} against the {contract.name} contract{note}: {len(text):,} rows, "
        f"{len(problems):,} problem(s)"
    )
    return EXIT_BLOCKED if problems else EXIT_OK
