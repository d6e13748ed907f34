"""The spend_transactions contract run inside Spark (orchestration/core/spark_validation.py): on
files holding every bad-row kind tests/test_engine_validation.py covers, Spark loads the same rows
to the penny and sets aside the same rows with the same words as DuckDB's engine path."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from orchestration.core.engine_validation import configure, validate_in_engine
from orchestration.core.load_feeds import reference_context
from orchestration.core.spark_validation import spark_session, to_spark, validate_in_spark
from schemas import spend_transactions
from schemas.engine_rules import KnownCode

pytestmark = pytest.mark.spark

CONTRACT = spend_transactions.CONTRACT
HEADER = (
    "payment_date,area_code,service_area,funding_line,supplier_name,expense_type,amount_gbp,"
    "transaction_id"
)
GOOD = "2024-05-01,E08000003,asc,,Acme,Care,10.00,{}"
MONEY_VALUES = [
    "£1,234.50",
    "(120.00)",
    "12.345",
    "1e6",
    "99999999999999999",
    "9999999999999999.99",
    "١٢٣",
    "12_000",
    "NaN",
    "(-5)",
]
# Each file holds one kind of bad row the DuckDB engine's tests cover, beside good rows.
FILES = {
    "a_tolerated.csv": [
        "2024-05-01,E08000003,asc,DHSC-PHG,Acme Care,Care,1250.00,A1",
        '2024-05-02, e08000003 ,ASC,,Acme Care,Care,"£1,234.50",A2',
        "2024-05-03,E08000003,asc,,Acme Care,Care,(120.00),A3",
        "2024-05-03,E08000003,asc,,\u00a0Acme Care\u00a0,Care,5.00,A4",
        '2024-05-03,E08000003,asc,,"Acme\nCare",Care,6.00,A5',
    ],
    "b_bad_values.csv": [
        "2024-05-01,E08000003,asc,,Acme,Care,TBC,B1",
        "31/02/2024,E08000003,asc,,Acme,Care,10.00,B2",
        "2024-05-01,E08000003,asc,,,Care,10.00,B3",
        "2024-05-01,E08000003,space,,Acme,Care,10.00,B4",
        "2024-05-01,E06999999,asc,,Acme,Care,10.00,B5",
        "2024-05-01,W06000001,asc,,Acme,Care,10.00,B6",
        "2024-05-01,E07000026,asc,,Acme,Care,10.00,B7",
        "2024-05-01,E08000003,asc,,Acme,Care,(-5),B8",
        GOOD.format("B9"),
        "2024-02-30,E08000003,asc,,Acme,Care,10.00,B10",
    ],
    "c_years.csv": [
        "2025-03-31,E08000016,asc,,Acme,Care,1.00,C1",
        "2025-04-01,E08000016,asc,,Acme,Care,1.00,C2",
        "2025-04-01,E08000038,asc,,Acme,Care,1.00,C3",
    ],
    "d_repeats.csv": [GOOD.format("D1"), GOOD.format("D1"), GOOD.format("D2").replace("10", "20")],
    "e_repeats.csv": [GOOD.format("D2").replace("10", "25")],
    "f_totals.csv": [GOOD.format("F1"), ",,,,Total,,10.00,"],
    "g_nul.csv": [
        "2024-05-01,E08000003,asc,,Acme\x00 Care,Care,10.00,G1",
        GOOD.format("G2"),
        "2024-05-01,E08000003,asc,,Acme Care,Care,1\x000.00,G3",
    ],
    "h_money.csv": [
        f'2024-05-01,E08000003,asc,,Acme,Care,"{value}",H{n}'
        for n, value in enumerate(MONEY_VALUES)
    ],
}
RULES_COVERED = {
    "money",
    "date",
    "required",
    CONTRACT.engine_rules[0].rule,
    "known_area",
    "english_authority",
    "area_existed_in_year",
    "duplicate_submission",
    "unique_key",
    "totals_row",
    "nul_byte",
    "tolerated",
    "missing_column",
}


def write_feeds(feeds: Path) -> None:
    folder = feeds / "spend_transactions"
    folder.mkdir(parents=True)
    for name, lines in FILES.items():
        (folder / name).write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    # a missing column blocks its file; a renamed header is read
    (folder / "i_missing.csv").write_text(
        HEADER.replace(",supplier_name", "") + "\n2024-05-01,E08000003,asc,,C,1,I1\n"
    )
    # Excel's "CSV UTF-8" starts the file with a byte-order mark
    (folder / "l_excel_bom.csv").write_text(HEADER + "\n" + GOOD.format("L1") + "\n", "utf-8-sig")
    (folder / "j_renamed.csv").write_text(
        HEADER.replace("amount_gbp", "Amount GBP") + "\n" + GOOD.format("J1") + "\n"
    )
    rows = {
        "payment_date": ["2024-05-01", "2024-05-01"],
        "area_code": ["E08000003", "E08000003"],
        "service_area": ["asc", "asc"],
        "funding_line": [None, None],
        "supplier_name": ["Acme", "Acme"],
        "expense_type": ["Care", "Care"],
        "amount_gbp": ["10.00", "oops"],
        "transaction_id": ["K1", "K2"],
    }
    pq.write_table(pa.table(rows), folder / "k.parquet")


LOADED = (
    "select source_file, source_row, payment_date, area_code, service_area, funding_line, "
    "supplier_name, expense_type, cast(amount_gbp as varchar), transaction_id, data_provenance "
    "from {} order by source_file, source_row"
)
QUARANTINE = (
    "select feed, source_file, source_row, column_name, value, rule, message, severity "
    "from raw.quarantine order by all"
)
FEED_FILES = "select * from raw.feed_files order by all"


@dataclasses.dataclass
class Run:
    result: object
    loaded: list
    quarantine: list
    feed_files: list


def on_duckdb(feeds: Path) -> Run:
    con = duckdb.connect()
    configure(con, feeds.parent / "spill")
    context, _ = reference_context(feeds)
    result = validate_in_engine(con, CONTRACT, feeds, context)
    return Run(
        result,
        con.execute(LOADED.format("raw.spend_transactions")).fetchall(),
        con.execute(QUARANTINE).fetchall(),
        con.execute(FEED_FILES).fetchall(),
    )


def on_spark(start_spark, feeds: Path, raw_dir: Path, contract=CONTRACT) -> Run:
    con = duckdb.connect()
    context, _ = reference_context(feeds)
    result = validate_in_spark(start_spark, con, contract, feeds, context, raw_dir)
    loaded = f"read_parquet('{raw_dir / contract.table}/*.parquet')"
    return Run(
        result,
        con.execute(LOADED.format(loaded)).fetchall(),
        con.execute(QUARANTINE).fetchall(),
        con.execute(FEED_FILES).fetchall(),
    )


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    session = spark_session(tmp_path_factory.mktemp("spark"))
    yield session
    session.stop()


@pytest.fixture(scope="module")
def feeds(tmp_path_factory) -> Path:
    feeds = tmp_path_factory.mktemp("payments") / "feeds"
    write_feeds(feeds)
    return feeds


@pytest.fixture(scope="module")
def duckdb_run(feeds) -> Run:
    return on_duckdb(feeds)


@pytest.fixture(scope="module")
def spark_run(spark, feeds, tmp_path_factory) -> Run:
    return on_spark(lambda: spark, feeds, tmp_path_factory.mktemp("warehouse") / "raw")


def test_the_files_hold_every_rule_the_engine_checks(duckdb_run):
    """Else the comparisons below could pass with a rule Spark never ran."""
    assert {q[5] for q in duckdb_run.quarantine} >= RULES_COVERED
    assert len(duckdb_run.loaded) > 10


def test_spark_loads_the_same_rows_to_the_penny(duckdb_run, spark_run):
    assert spark_run.loaded == duckdb_run.loaded


def test_spark_sets_aside_the_same_rows_with_the_same_words(duckdb_run, spark_run):
    assert spark_run.quarantine == duckdb_run.quarantine


def test_spark_accounts_for_every_row_read(duckdb_run, spark_run):
    assert spark_run.feed_files == duckdb_run.feed_files
    for report in spark_run.result.files:
        assert report.rows_read == report.rows_loaded + report.rows_quarantined, report
    assert sum(r.rows_loaded for r in spark_run.result.files) == len(spark_run.loaded)
    assert spark_run.result.blocked == duckdb_run.result.blocked
    assert [str(p) for p in spark_run.result.problems] == [
        str(p) for p in duckdb_run.result.problems
    ]


def test_row_numbers_are_the_rows_excel_shows(spark_run):
    """A CSV's rows are numbered as Excel numbers them (the header is row 1, so payment A5, the
    fifth under it, is row 6), as on every other path (core/feed_files.py); a line break inside a
    quoted value does not start a new row. A Parquet file has no header: its first record is 1."""
    rows = {(r[0].split("/")[1], r[1]): r[9] for r in spark_run.loaded}
    assert rows[("a_tolerated.csv", 6)] == "A5"
    assert rows[("b_bad_values.csv", 10)] == "B9"
    assert rows[("k.parquet", 1)] == "K1"


def test_a_rule_dropped_on_spark_shows_as_a_difference(spark, feeds, duckdb_run, tmp_path):
    without = dataclasses.replace(
        CONTRACT, engine_rules=[r for r in CONTRACT.engine_rules if not isinstance(r, KnownCode)]
    )
    dropped = on_spark(lambda: spark, feeds, tmp_path / "raw", without)
    assert dropped.loaded != duckdb_run.loaded
    assert "B4" in {row[9] for row in dropped.loaded}


def test_no_files_gives_empty_tables_not_a_failure_and_spark_is_not_started(tmp_path):
    (tmp_path / "feeds").mkdir()

    def start_spark():
        raise AssertionError("Spark was started with no files to read")

    run = on_spark(start_spark, tmp_path / "feeds", tmp_path / "raw")
    assert (run.loaded, run.quarantine, run.result.blocked) == ([], [], False)
    assert (tmp_path / "raw" / "spend_transactions__quarantine").is_dir()


@pytest.mark.parametrize(
    ("duckdb_sql", "spark_sql"),
    [
        (r"select regexp_full_match(x, '\d+')", r"SELECT x RLIKE '^(?:\\d+)\\z'"),
        ("select strlen(x)", "SELECT OCTET_LENGTH(x)"),
        ("select hash(a, b)", "SELECT XXHASH64(a, b)"),
        ("select cast(x as integer)", "SELECT TRY_CAST(x AS INT)"),
        ("select trim(x)", r"SELECT REGEXP_REPLACE(x, '^\\p{Zs}+|\\p{Zs}+$', '')"),
    ],
)
def test_what_sqlglot_gets_wrong_is_mended(duckdb_sql, spark_sql):
    assert to_spark(duckdb_sql) == spark_sql


def test_a_year_struct_is_read_group_by_group(spark):
    sql = r"select regexp_extract('2025/26', '^(\d{4})/(\d{2})$', ['s', 'e']).e as e"
    assert spark.sql(to_spark(sql)).collect()[0]["e"] == "26"


GENERATED_ROWS = 20_000


@pytest.fixture(scope="module")
def generated_feeds(tmp_path_factory) -> Path:
    """Generated payments (benchmarks/generate_transactions.py: spreadsheet money, refunds and
    its bad rows), one CSV and one Parquet file of different payments."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/, run alone too
    from benchmarks.generate_transactions import generate

    feeds = tmp_path_factory.mktemp("generated") / "feeds"
    generate(GENERATED_ROWS, feeds, seed=3, name="council_a", formats=("csv",))
    generate(GENERATED_ROWS, feeds, seed=4, name="council_b", formats=("parquet",))
    return feeds


def test_generated_payments_give_the_same_rows_quarantine_and_accounting(
    spark, generated_feeds, tmp_path
):
    expected = on_duckdb(generated_feeds)
    found = on_spark(lambda: spark, generated_feeds, tmp_path / "raw")
    assert len({q[5] for q in expected.quarantine if q[7] != "warn"}) >= 4  # several bad kinds
    assert found.loaded == expected.loaded
    assert found.quarantine == expected.quarantine
    assert found.feed_files == expected.feed_files
    assert sum(f[3] for f in found.feed_files) == 2 * GENERATED_ROWS


def test_a_file_spark_cannot_parse_is_refused_in_words_and_the_others_load(spark, tmp_path):
    """A row with more fields than the header: DuckDB refuses such a file (its columns do not
    match), Spark too, naming the file, instead of failing the build with a Java error."""
    folder = tmp_path / "feeds" / "spend_transactions"
    folder.mkdir(parents=True)
    (folder / "a_ragged.csv").write_text(f"{HEADER}\n{GOOD.format('R1')},extra\n")
    (folder / "b_good.csv").write_text(f"{HEADER}\n{GOOD.format('R2')}\n")
    run = on_spark(lambda: spark, tmp_path / "feeds", tmp_path / "raw")
    assert [row[9] for row in run.loaded] == ["R2"]
    refused = [p for p in run.result.problems if p.rule == "readable_file"]
    assert [p.file for p in refused] == ["spend_transactions/a_ragged.csv"]
    assert refused[0].message == (
        "the file cannot be read (Malformed CSV record: 2024-05-01,E08000003,asc,,Acme,Care,"
        "10.00,R1,extra); save it as CSV UTF-8 or Parquet"
    )
    assert run.result.blocked
    assert [(f[1], f[3], f[4], f[6]) for f in run.feed_files] == [
        ("spend_transactions/a_ragged.csv", 0, 0, True),
        ("spend_transactions/b_good.csv", 1, 1, False),
    ]
