"""`wholeplace validate FEED FILE`: every problem in one file, without building anything."""

from __future__ import annotations

from pathlib import Path

from orchestration.cli.output import EXIT_BLOCKED, EXIT_OK
from orchestration.core.errors import UsageError
from orchestration.core.feed_files import FeedFile, UnreadableFile, read_as_text
from orchestration.core.load_feeds import reference_context
from schemas import contract_named
from schemas.validate import validate_frames


def validate_file(feed: str, file: Path, reference_feeds: Path | None) -> int:
    try:
        contract = contract_named(feed)
    except KeyError as error:
        raise UsageError(error.args[0]) from None
    if not file.is_file():
        raise UsageError(f"{file} is not a file")
    context, _ = reference_context(reference_feeds or Path("/nonexistent"))
    feed_file = FeedFile(path=file, display_name=file.name)
    try:
        text = read_as_text(feed_file)
    except UnreadableFile as error:
        print(f"INVALID {error}")
        return EXIT_BLOCKED
    loaded, quarantined, problems = validate_frames(contract, [(file.name, text)], context)
    cross_feed = contract.name in ("pooling_agreements", "settlement_totals")
    note = " (references to other feeds are checked by `wholeplace build`)" if cross_feed else ""
    for problem in problems:
        print(problem)
    verdict = "INVALID" if problems else "VALID"
    print(
        f"{verdict}: {file} against the {contract.name} contract{note}: {len(text)} rows, "
        f"{len(problems)} problem(s)"
    )
    return EXIT_BLOCKED if problems else EXIT_OK
