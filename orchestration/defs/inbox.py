"""The inbox as a Dagster asset: published files dropped in the feeds directory's inbox/ folder
are adapted, checked and loaded by orchestration/core/inbox.py; a file no adapter recognises, or
one that breaks a blocking contract, fails the blocking check and stops the build."""

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    MaterializeResult,
    MetadataValue,
    asset,
)

from orchestration.core.inbox import process_inbox
from orchestration.defs.feeds import MAX_PROBLEMS_IN_METADATA, feed_asset_key
from orchestration.defs.progress import say
from orchestration.defs.resources import WholeplaceSettings
from schemas import FEEDS

GROUP = "inbox"
INBOX_KEY = feed_asset_key("inbox")


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
    with settings.connect() as con:
        files, summary, problems = process_inbox(con, settings.feeds, settings.price_base_year)
    say(context, f"inbox: {files} file(s)" + (": " + "; ".join(summary) if summary else ""))
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


inbox_assets = [inbox]
