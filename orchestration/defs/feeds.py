"""One asset per feed: read every file, check it against its contract, load the good rows into
raw.<feed> in the working database. The contract check is blocking: a failed check stops the
build before dbt runs, so nothing is published from a feed that broke its contract."""

import functools
import shutil

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
)

from orchestration.core.engine_validation import (
    EngineResult,
    configure,
    validate_in_engine,
)
from orchestration.core.feed_files import FeedFile
from orchestration.core.load_feeds import (
    deflators_for_warehouse,
    feed_context,
    price_base_problems,
    record_result,
    reference_context,
    unknown_feed_folders,
    unread_entries,
    write_raw_table,
)
from orchestration.core.payment_years import (
    Rebuild,
    covering,
    mark_years_to_sum,
    rebuild_of_years,
    years_words,
)
from orchestration.core.spark_engine import loaded_in_spark, raw_folder
from orchestration.defs.partitions import ONE_RUN, PAYMENT_YEARS, every_year
from orchestration.defs.progress import say, say_again
from orchestration.defs.resources import WholeplaceSettings
from schemas import FEEDS, REFERENCE_CONTRACTS
from schemas.common import FeedContract, Problem
from schemas.spend_transactions import CONTRACT as PAYMENTS

GROUP = "feeds"
MAX_PROBLEMS_IN_METADATA = 200
MAX_PROBLEMS_PRINTED = 20


def _elsewhere(settings: WholeplaceSettings) -> dict[str, str]:
    """On a Spark build, where the feeds Spark validated keep their loaded rows."""
    return loaded_in_spark(settings.layout) if settings.engine == "spark" else {}


def feed_asset_key(name: str) -> AssetKey:
    return AssetKey(["raw", name])


def missing_feed_problems(contract: FeedContract, files: list) -> list[Problem]:
    """A required feed (allocations) with no file at all blocks the build."""
    if not contract.required_feed or files:
        return []
    return [
        Problem(
            contract.name,
            f"{contract.folder}/",
            None,
            None,
            None,
            "required_feed",
            f"the {contract.folder}/ folder has no "
            f"{contract.file_name or '.csv or .xlsx files'}; this feed is required",
            "block",
        )
    ]


@asset(
    key=feed_asset_key("reference_overrides"),
    group_name=GROUP,
    description="Reference tables the feeds directory replaces (reference/<table>.csv), "
    "checked against the same contracts as the bundled seeds; also refuses unknown feed folders.",
    check_specs=[
        AssetCheckSpec("contract", asset=feed_asset_key("reference_overrides"), blocking=True)
    ],
    kinds={"python", "duckdb"},
)
def reference_overrides(context: AssetExecutionContext, settings: WholeplaceSettings):
    if not settings.feeds.is_dir():
        raise FileNotFoundError(f"the feeds directory {settings.feeds} does not exist")
    validation, overrides = reference_context(settings.feeds)
    structural = unknown_feed_folders(settings.feeds) + unread_entries(settings.feeds)
    structural += price_base_problems(validation, settings.price_base_year)
    problems = structural + [p for r in overrides for p in r.problems]
    with settings.connect() as con:
        for contract in REFERENCE_CONTRACTS:
            matching = [r for r in overrides if r.contract.name == contract.name]
            con.execute(f"drop table if exists raw.{contract.table}")
            if matching:
                rows = matching[0].loaded
                if contract.name == "deflators" and not matching[0].blocked:
                    rows, filled = deflators_for_warehouse(rows)
                    if filled:
                        problems.append(_chained_warning(filled))
                write_raw_table(con, contract, rows)
                record_result(con, matching[0])
    names = [r.contract.name for r in overrides]
    say(context, f"reference: {'replaced ' + ', '.join(names) if names else 'bundled tables'}")
    for problem in problems:
        context.log.warning(str(problem))
    yield MaterializeResult(metadata={"overridden_tables": MetadataValue.json(names)})
    blocking = [p for p in problems if p.severity == "block"]
    yield AssetCheckResult(
        check_name="contract",
        passed=not blocking,
        severity=AssetCheckSeverity.ERROR,
        metadata={
            "problems": MetadataValue.json([p.as_record() for p in problems]),
            "problem_count": len(problems),
            "blocking_count": len(blocking),
        },
    )


def _chained_warning(years: list[str]) -> Problem:
    return Problem(
        "deflators",
        "reference/deflators.csv",
        None,
        "financial_year",
        ", ".join(years),
        "deflator_years_chained",
        f"has no row for {years[0]} to {years[-1]} ({len(years)} year(s)); no figure in the feeds "
        "is in those years, so the bundled GDP deflators were chained on at the nearest year "
        "both tables give (only the bundled unit cost database's price years use them)",
        "warn",
    )


def engine_check_result(result: EngineResult, extra: list[Problem] = ()) -> AssetCheckResult:
    blocking = len(result.blocking_problems) + result.blocking_row_count + len(extra)
    return AssetCheckResult(
        check_name="contract",
        passed=blocking == 0,
        severity=AssetCheckSeverity.ERROR,
        description=f"{blocking} blocking problem(s), {result.rows_quarantined:,} row(s) "
        "set aside (every problem is in raw.quarantine)",
        metadata={
            "problems": MetadataValue.json(
                [p.as_record() for p in (list(extra) + result.problems)[:MAX_PROBLEMS_IN_METADATA]]
            ),
            "problem_count": result.row_problem_count,
            "blocking_count": blocking,
        },
    )


def _validate_on_spark(con, contract: FeedContract, settings, validation_context) -> EngineResult:
    """Spark reads and checks the files and keeps the loaded rows in its raw folder; the working
    database gets only raw.quarantine and raw.feed_files (core/spark_validation.py)."""
    from orchestration.core.spark_validation import (
        spark_session,
        validate_in_spark,
        validation_folder,
    )

    con.execute(f"drop table if exists raw.{contract.table}")  # a DuckDB build's, not this one's
    layout = settings.layout
    scratch = validation_folder(raw_folder(layout))
    start_spark = functools.cache(functools.partial(spark_session, scratch))
    try:
        return validate_in_spark(
            start_spark, con, contract, settings.feeds, validation_context, raw_folder(layout)
        )
    finally:
        if start_spark.cache_info().currsize:  # started: there were rows to check
            start_spark().stop()
        shutil.rmtree(scratch, ignore_errors=True)


def _payments_rebuild(context, settings: WholeplaceSettings) -> Rebuild | None:
    """What this run of the payments reads again (None: every file). `wholeplace build` says;
    a run of some years in `dagster dev` works it out from the last build's warehouse, and
    refuses when the files it must read again have payments in years it was not asked for."""
    if settings.payments_partial:
        return Rebuild(tuple(settings.payments_files), tuple(settings.payments_gone), ())
    if every_year(context):
        return None
    if settings.engine == "spark":
        raise Failure("Spark builds recompute every year: materialise every partition")
    with settings.connect() as con:
        rebuild = rebuild_of_years(con, settings.feeds, list(context.partition_keys))
    beyond = sorted(set(rebuild.years) - set(context.partition_keys))
    if beyond:
        files = rebuild.files + rebuild.gone
        raise Failure(
            f"{', '.join(files)} {'has' if len(files) == 1 else 'have'} payments in "
            f"{years_words(beyond)} too: materialise "
            f"{years_words(covering(rebuild.years + tuple(context.partition_keys)))} together, "
            "or run `wholeplace build`"
        )
    return rebuild


def _validate_again(con, contract, settings, validation_context, rebuild: Rebuild):
    """The payments files of `rebuild` replace what they (and the files removed) gave before,
    in raw.spend_transactions, raw.quarantine and raw.feed_files; every other file's rows stay."""
    dropped = list(rebuild.files + rebuild.gone)
    con.execute(
        f"delete from raw.{contract.table} where source_file in (select unnest(?))", [dropped]
    )
    for table, column in (("quarantine", "source_file"), ("feed_files", "file")):
        con.execute(
            f"delete from raw.{table} where feed = ? and {column} in (select unnest(?))",
            [contract.name, dropped],
        )
    files = [FeedFile(settings.feeds / name, name) for name in rebuild.files]
    return validate_in_engine(
        con, contract, settings.feeds, validation_context, files=files, append=True, any_order=True
    )


def build_engine_feed_asset(contract: FeedContract):
    """A feed validated and loaded inside DuckDB (core/engine_validation), or on a Spark build,
    inside Spark (core/spark_validation: Spark reads a payments file itself; a workbook feed's
    files are read here by the row-by-row reader and their text checked in Spark).
    The payments are partitioned by financial year (defs/partitions.py): a run of some years
    reads again only the files that changed and those sharing payments with them."""
    partitioned = contract.name == PAYMENTS.name

    @asset(
        name=contract.name,
        key_prefix="raw",
        group_name=GROUP,
        description=contract.description,
        deps=[feed_asset_key("reference_overrides")]
        + [feed_asset_key(n) for n in contract.depends_on],
        check_specs=[
            AssetCheckSpec(
                "contract",
                asset=feed_asset_key(contract.name),
                blocking=True,
                description=f"Every row of {contract.folder}/ meets its contract",
            )
        ],
        kinds={"duckdb", "spark"},
        partitions_def=PAYMENT_YEARS if partitioned else None,
        backfill_policy=ONE_RUN if partitioned else None,
    )
    def feed(context: AssetExecutionContext, settings: WholeplaceSettings):
        with settings.connect() as con:
            validation_context = feed_context(
                con, settings.feeds, contract.depends_on, _elsewhere(settings)
            )
        rebuild = _payments_rebuild(context, settings) if partitioned else None
        on_spark = settings.engine == "spark"  # Spark builds are always full (core/incremental)
        with settings.connect() as con:
            if on_spark:
                result = _validate_on_spark(con, contract, settings, validation_context)
            else:
                configure(con, settings.layout.work_dir / "spill")
                result = (
                    _validate_again(con, contract, settings, validation_context, rebuild)
                    if rebuild
                    else validate_in_engine(con, contract, settings.feeds, validation_context)
                )
            if partitioned:  # for the dbt build to sum again
                mark_years_to_sum(con, context.partition_keys)
        extra = missing_feed_problems(contract, result.files)
        rows_read = sum(f.rows_read for f in result.files)
        where = "Spark" if on_spark else "DuckDB"
        again = f"; {years_words(list(context.partition_keys))} rebuilt" if rebuild else ""
        say(
            context,
            f"{contract.name}: {len(result.files)} file(s), {rows_read:,} rows read, "
            f"{result.rows_loaded:,} loaded, {result.rows_quarantined:,} set aside "
            f"(validated in {where}{again})",
        )
        for number, problem in enumerate(extra + result.problems):
            context.log.warning(str(problem))
            if number < MAX_PROBLEMS_PRINTED and problem.severity != "block":
                say_again(f"  {problem.severity}: {problem}")
        yield MaterializeResult(
            metadata={
                "files": MetadataValue.json([f.__dict__ for f in result.files]),
                "rows_loaded": result.rows_loaded,
                "rows_quarantined": result.rows_quarantined,
            }
        )
        yield engine_check_result(result, extra)

    return feed


def _in_engine(contract: FeedContract) -> FeedContract:
    if not contract.validated_in_engine:  # the row-by-row path is for `wholeplace validate`
        raise ValueError(f"{contract.name}: a build validates every feed in the engine")
    return contract


feed_assets = [reference_overrides] + [build_engine_feed_asset(_in_engine(c)) for c in FEEDS]
