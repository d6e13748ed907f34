"""Every feed validated in the engine, run inside Spark (core/spark_validation.py): the catalogue
of malformed feeds (tests/fixtures/bad_feeds/) gives the outcome, message, rule and row
accounting each case states, and the demo feeds give the same loaded rows, quarantine and
accounting on Spark as in DuckDB. One Spark session serves the module."""

from __future__ import annotations

import duckdb
import pytest
from test_bad_feeds import (
    CASES,
    assert_case_outcome,
    cross_feed_context,
    feed_of,
    load_case,
)

from orchestration.core.engine_validation import reads_workbooks, validate_in_engine
from orchestration.core.paths import DEMO_FEEDS_DIR
from orchestration.core.spark_validation import spark_session, validate_in_spark
from schemas import FEEDS, contract_named

pytestmark = pytest.mark.spark

# Cases of a feed validated in the engine that cannot pass on Spark, each with the reason.
NOT_ON_SPARK: dict[str, str] = {}
SPARK_CASES = [c for c in CASES if feed_of(c).validated_in_engine and c.name not in NOT_ON_SPARK]
QUARANTINE = "select * from raw.quarantine order by all"
FEED_FILES = "select * from raw.feed_files order by all"


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    session = spark_session(tmp_path_factory.mktemp("spark"))
    yield session
    session.stop()


def loaded_rows(con, folder) -> list[tuple]:
    return con.execute(
        f"select * from read_parquet('{folder}/*.parquet') order by source_file, source_row"
    ).fetchall()


def test_every_case_of_a_feed_validated_in_the_engine_runs_on_spark():
    in_engine = {c.name for c in CASES if feed_of(c).validated_in_engine}
    workbook_feeds = {feed_of(c).name for c in SPARK_CASES} - {"spend_transactions"}
    assert len(workbook_feeds) >= 5, workbook_feeds
    assert sorted(in_engine - {c.name for c in SPARK_CASES}) == sorted(NOT_ON_SPARK)


@pytest.mark.parametrize("folder", SPARK_CASES, ids=[c.name for c in SPARK_CASES])
def test_bad_feed_case_on_spark(folder, monkeypatch, spark, tmp_path):
    case = load_case(folder, monkeypatch)
    feeds = folder / "feeds"
    contract = contract_named(case["feed"])
    raw_dir = tmp_path / "raw"
    with duckdb.connect() as con:
        result = validate_in_spark(
            lambda: spark, con, contract, feeds, cross_feed_context(feeds), raw_dir
        )
        rows_loaded = len(loaded_rows(con, raw_dir / contract.table))
    assert_case_outcome(case, feeds, result, rows_loaded)


def demo_context(con, contract):
    """The demo's reference data and the feeds the contract depends on, as a build reads them
    from the working database after validating those feeds in DuckDB."""
    from orchestration.core.load_feeds import feed_context

    return feed_context(con, DEMO_FEEDS_DIR, contract.depends_on)


def validate_what_it_depends_on(con, contract) -> None:
    """The feeds the contract depends on, and theirs, validated in DuckDB first, as a build
    orders them (benefit streams on interventions, interventions on allocations)."""
    for needed in contract.depends_on:
        needed_contract = contract_named(needed)
        validate_what_it_depends_on(con, needed_contract)
        validate_in_engine(con, needed_contract, DEMO_FEEDS_DIR, demo_context(con, needed_contract))


# The demo has no payments: tests/test_spark_validation.py compares those.
ENGINE_FEEDS = [c for c in FEEDS if c.validated_in_engine and reads_workbooks(c)]


@pytest.mark.parametrize("contract", ENGINE_FEEDS, ids=[c.name for c in ENGINE_FEEDS])
def test_the_demo_gives_the_same_rows_quarantine_and_accounting_on_spark(contract, spark, tmp_path):
    with duckdb.connect() as on_duckdb, duckdb.connect() as on_spark:
        validate_what_it_depends_on(on_duckdb, contract)
        context = demo_context(on_duckdb, contract)
        in_duckdb = validate_in_engine(on_duckdb, contract, DEMO_FEEDS_DIR, context)
        in_spark = validate_in_spark(
            lambda: spark, on_spark, contract, DEMO_FEEDS_DIR, context, tmp_path / "raw"
        )
        spark_rows = loaded_rows(on_spark, tmp_path / "raw" / contract.table)
        duckdb_rows = on_duckdb.execute(
            f'select * from raw."{contract.table}" order by source_file, source_row'
        ).fetchall()
        assert len(spark_rows) > 0
        assert spark_rows == duckdb_rows
        feed = [contract.name]
        assert (
            on_spark.execute(QUARANTINE).fetchall()
            == on_duckdb.execute(
                "select * from raw.quarantine where feed = ? order by all", feed
            ).fetchall()
        )
        assert (
            on_spark.execute(FEED_FILES).fetchall()
            == on_duckdb.execute(
                "select * from raw.feed_files where feed = ? order by all", feed
            ).fetchall()
        )
    assert sorted(map(str, in_spark.problems)) == sorted(map(str, in_duckdb.problems))
