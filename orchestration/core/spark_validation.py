"""Validate the payments feed where Spark reads it: the same SQL the contract generates for
DuckDB (core/engine_validation.py), transpiled to Spark SQL with sqlglot, so no rule is written
twice.

Spark reads each file itself (every column as text), runs staged_sql, checked_sql, _repeats_sql
and _row_problems_sql, and writes the loaded rows and the problem rows (file, row, column, value,
rule, message, severity) as Parquet in WAREHOUSE/work/spark/raw/<table>/ and
raw/<table>__quarantine/. Only the per-file headers, the counts, the grouped warnings and the
problem rows come back to the build machine, for raw.quarantine and raw.feed_files in the
working DuckDB database; the loaded payments never do.

What sqlglot (30.x, read duckdb, write spark) gets wrong, mended in `_for_spark`:
- regexp_full_match is passed through, and Spark has no such function: it becomes RLIKE
  anchored with ^(?: ... )\\z (Java's $ would also match before a final line break).
- strlen (bytes) is passed through: Spark's is octet_length.
- trim() keeps its name, but Spark's trims only the space character, DuckDB's every Unicode
  space (the no-break space too): it becomes a regexp_replace of \\p{Zs} at both ends.
- regexp_extract with a list of group names (a struct in DuckDB) becomes a Spark array
  argument, which Spark refuses: it becomes named_struct of one regexp_extract per group.
- cast stays cast, and Spark 4 runs in ANSI mode, where a failed cast raises: every cast
  becomes try_cast (the same value wherever DuckDB's cast would not have failed). sqlglot
  writes a try_cast as CAST for Spark unless it is marked safe, as DuckDB's own try_cast is.
- len of a list (DuckDB's len counts a list's items as well as a text's characters) becomes
  Spark's length, which takes only text: it becomes size.
- isfinite is passed through, and Spark has none: it becomes not isnan and abs <> infinity.
- hash is passed through; Spark's is 32 bits, so xxhash64 (only used to find candidate repeats;
  the keys themselves are compared after).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from functools import partial
from pathlib import Path

import duckdb
import sqlglot
from sqlglot import exp

from orchestration.core import engine_validation as ev
from orchestration.core.feed_files import FeedFile, files_in
from orchestration.core.load_feeds import SQL_TYPES, with_settings
from orchestration.core.spark_engine import quarantine_folder
from schemas.common import FeedContract, ValidationContext

SPACES_AT_ENDS = r"^\p{Zs}+|\p{Zs}+$"


INFINITY = exp.cast(exp.Literal.string("Infinity"), "double")
LISTS = (exp.Array, exp.ArrayFilter, exp.Transform, exp.GenerateSeries)


def _is_list(node: exp.Expression) -> bool:
    """Whether the expression is a list (the deflator years a row needs), as far as the
    generated SQL builds them: a list literal, filtered or transformed, or a case of lists."""
    if isinstance(node, exp.Paren):
        return _is_list(node.this)
    if isinstance(node, exp.Case):
        return any(_is_list(branch.args["true"]) for branch in node.args["ifs"])
    return isinstance(node, LISTS)


def _for_spark(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Length) and _is_list(node.this):
        return exp.ArraySize(this=node.this)
    if isinstance(node, exp.RegexpFullMatch):
        pattern = node.expression
        if not (isinstance(pattern, exp.Literal) and pattern.is_string):
            raise ValueError(f"regexp_full_match needs a literal pattern: {node.sql('duckdb')}")
        anchored = exp.Literal.string("^(?:" + pattern.this + r")\z")
        return exp.RegexpLike(this=node.this, expression=anchored)
    if isinstance(node, exp.Anonymous) and node.name.lower() == "isfinite":
        (number,) = node.expressions
        return exp.paren(
            exp.and_(
                exp.not_(exp.Anonymous(this="isnan", expressions=[number.copy()])),
                exp.NEQ(this=exp.Abs(this=number.copy()), expression=INFINITY.copy()),
            ),
            copy=False,
        )
    if isinstance(node, exp.Anonymous) and node.name.lower() in ("strlen", "hash"):
        name = {"strlen": "octet_length", "hash": "xxhash64"}[node.name.lower()]
        return exp.Anonymous(this=name, expressions=node.expressions)
    if isinstance(node, exp.Trim) and not node.expression and not node.args.get("position"):
        return exp.RegexpReplace(
            this=node.this,
            expression=exp.Literal.string(SPACES_AT_ENDS),
            replacement=exp.Literal.string(""),
        )
    if isinstance(node, exp.RegexpExtract) and isinstance(node.args.get("group"), exp.Array):
        fields = []
        for number, name in enumerate(node.args["group"].expressions, start=1):
            group = exp.RegexpExtract(
                this=node.this, expression=node.expression, group=exp.Literal.number(number)
            )
            fields += [exp.Literal.string(name.this), group]
        return exp.Anonymous(this="named_struct", expressions=fields)
    if type(node) is exp.Cast:
        return exp.TryCast(this=node.this, to=node.args["to"], safe=True)
    return node


def to_spark(sql: str) -> str:
    """DuckDB SQL generated from a contract, as Spark SQL that gives the same rows."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    # Innermost first: sqlglot's own transform does not descend into a node it replaced.
    for node in reversed(list(tree.walk())):
        mended = _for_spark(node)
        if mended is not node:
            if node is tree:
                tree = mended
            else:
                node.replace(mended)
    return tree.sql(dialect="spark")


class SparkSQL:
    """DuckDB's execute/fetchall/fetchone on a Spark session, so engine_validation's helpers
    that query and read back (counts, warnings, first problems) run in Spark unchanged."""

    def __init__(self, spark):
        self.spark = spark
        self._rows: list[tuple] = []

    def execute(self, sql: str) -> SparkSQL:
        self._rows = [tuple(row) for row in self.spark.sql(to_spark(sql)).collect()]
        return self

    def fetchall(self) -> list[tuple]:
        return self._rows

    def fetchone(self) -> tuple | None:
        return self._rows[0] if self._rows else None


def spark_session(scratch: Path):
    """A local Spark for validation: two cores, no UI, an in-memory catalogue (the hive
    metastore belongs to dbt's Spark, which runs after)."""
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master("local[2]")
        .appName("wholeplace-validation")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", str(scratch / "warehouse"))
        .config("spark.driver.extraJavaOptions", f"-Djava.io.tmpdir={scratch}")
        .getOrCreate()
    )


# --- reading --------------------------------------------------------------------------------------


def _read(spark, feed_file: FeedFile):
    """A file's cells as text, with file_row_number (0-based, the file's own order)."""
    from pyspark.sql import functions as F

    path = str(feed_file.path)
    if feed_file.path.suffix.lower() == ".parquet":
        frame = spark.read.parquet(path)
        text = [F.col(f"`{c}`").cast("string").alias(c) for c in frame.columns]
        return frame.select(*text, F.col("_metadata.row_index").alias("file_row_number"))
    # multiLine: a quoted value may hold a line break, as DuckDB reads it; such a file is not
    # split, so its one partition numbers the rows in file order.
    frame = (
        spark.read.option("header", True)
        .option("multiLine", True)
        .option("escape", '"')
        .option("encoding", "UTF-8")
        .option("mode", "FAILFAST")
        .csv(path)
    )
    # the id's lower 33 bits count the rows of the partition
    number = "monotonically_increasing_id() - shiftleft(cast(spark_partition_id() as bigint), 33)"
    return frame.withColumn("file_row_number", F.expr(number))


def _spark_errors() -> tuple[type[Exception], ...]:
    """What Spark raises on a file it cannot read (pyspark is imported only when used)."""
    from py4j.protocol import Py4JJavaError
    from pyspark.errors import PySparkException

    return (PySparkException, Py4JJavaError)


def _headers(spark, feed_file: FeedFile) -> list[str]:
    try:
        return [c for c in _read(spark, feed_file).columns if c != "file_row_number"]
    except _spark_errors() as error:
        raise ev.UnreadableFile(_first_line(error)) from error


def _first_line(error: Exception) -> str:
    """Spark's own words for why: the innermost Java cause ('Malformed CSV record: ...'),
    without its error class and SQLSTATE."""
    cause = getattr(error, "java_exception", None)
    while cause is not None and cause.getCause() is not None:
        cause = cause.getCause()
    text = str(cause.getMessage() if cause is not None else error).strip()
    first = text.splitlines()[0] if text else type(error).__name__
    return re.sub(r"\s*SQLSTATE: \w+$", "", re.sub(r"^\[[A-Z_.]+\]\s*", "", first))


def _rows_in(spark, feed_file: FeedFile) -> int:
    return _read(spark, feed_file).count()


# --- reference tables -----------------------------------------------------------------------------


def _reference_tables(spark, contract: FeedContract, context: ValidationContext) -> bool:
    """Every table the contract's checks read (reference codes and areas, deflator years, the
    codes and year spans of the feeds it depends on), built by engine_validation in DuckDB
    exactly as for DuckDB's own path and handed to Spark as views; returns
    totals_row_impossible."""
    con = duckdb.connect()
    ev.register_checked_against(con, contract, context)
    tables = con.execute(
        "select table_name from duckdb_tables() where temporary order by table_name"
    ).fetchall()
    for (table,) in tables:
        # through Arrow, so dates stay dates and an empty table keeps its column types
        rows = con.sql(f"select * from {ev.quoted(table)}").arrow().read_all()
        spark.createDataFrame(rows).createOrReplaceTempView(table)
    impossible = ev.totals_row_impossible(con, contract)
    con.close()
    return impossible


class SparkTables:
    """DuckDB's register(name, frame) for engine_validation's reader of workbook feeds: each
    text frame becomes a Spark view, every column a string. Spark is started at the first."""

    def __init__(self, start_spark: Callable):
        self.start_spark = start_spark

    def register(self, name: str, frame) -> None:
        from pyspark.sql.types import StringType, StructField, StructType

        schema = StructType([StructField(c, StringType()) for c in frame.columns])
        rows = frame.astype(object).where(frame.notna(), None).values.tolist()
        self.start_spark().createDataFrame(rows, schema).createOrReplaceTempView(name)


# --- the whole file set ---------------------------------------------------------------------------


def validation_folder(raw_dir: Path) -> Path:
    """Spark's working files while it validates (removed after), beside its raw folder."""
    return raw_dir.parent / "validation"


def _materialise(spark, sql: str, folder: Path, view: str):
    """Run one generated query in Spark, keep its rows as Parquet and name them `view`."""
    spark.sql(to_spark(sql)).write.mode("overwrite").parquet(str(folder))
    frame = spark.read.parquet(str(folder))
    frame.createOrReplaceTempView(view)
    return frame


def _empty_sql(columns: dict[str, str]) -> str:
    return (
        "select "
        + ", ".join(f"cast(null as {kind}) as {ev.quoted(name)}" for name, kind in columns.items())
        + " where false"
    )


def _write_empty(con, folder: Path, columns: dict[str, str]) -> None:
    """An empty table with the feed's columns, written by DuckDB: Spark is not needed for it."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    target = ev.sql_text((folder / "part-0.parquet").as_posix())
    con.execute(f"copy ({_empty_sql(columns)}) to {target} (format parquet)")


def _typed_columns(contract: FeedContract) -> dict[str, str]:
    return {
        "source_file": "varchar",
        "source_row": "integer",
        **{s.name: SQL_TYPES[s.kind] for s in contract.fields},
    }


QUARANTINE_COLUMNS = {
    "feed": "varchar",
    "source_file": "varchar",
    "source_row": "integer",
    "column_name": "varchar",
    "value": "varchar",
    "rule": "varchar",
    "message": "varchar",
    "severity": "varchar",
}


def validate_in_spark(
    start_spark: Callable,
    con: duckdb.DuckDBPyConnection,
    contract: FeedContract,
    feeds_dir: Path,
    context: ValidationContext,
    raw_dir: Path,
    files: list[FeedFile] | None = None,
) -> ev.EngineResult:
    """Validate every file of the feed in Spark: raw_dir/<table>/ gets the good rows,
    raw_dir/<table>__quarantine/ every row problem; `con` (the working DuckDB database) gets
    raw.quarantine and raw.feed_files as validate_in_engine writes them. Spark is started
    (start_spark()) only when there are rows to check. A feed of workbooks is read on this
    machine by the row-by-row path's reader (engine_validation._read_tables), its text handed
    to Spark; Spark reads a payments file itself."""
    contract = with_settings(contract, feeds_dir)
    result = ev.EngineResult(contract)
    ev.ensure_bookkeeping_tables(con)
    loaded_dir = raw_dir / contract.table
    quarantine_dir = quarantine_folder(raw_dir, contract.table)
    scratch = validation_folder(raw_dir) / contract.table
    folders = (loaded_dir, quarantine_dir, scratch)
    if ev.reads_workbooks(contract):
        checked = _checked_workbooks(
            start_spark, contract, feeds_dir, context, files, folders, result
        )
    else:
        checked = _checked_files(
            start_spark, con, contract, feeds_dir, context, files, folders, result
        )
    if not checked:
        _write_empty(con, loaded_dir, _typed_columns(contract))
        _write_empty(con, quarantine_dir, QUARANTINE_COLUMNS)
        _copy_back(con, result, quarantine_dir)
        return result
    engine = SparkSQL(start_spark())
    counted_before = {report.file: report.rows_read for report in result.files}
    ev._count(engine, result, "loaded")
    _count_rows_read(engine, result, counted_before)
    result.problems += ev._warnings(engine, contract)
    result.problems += ev._first_row_problems(engine)
    _copy_back(con, result, quarantine_dir)
    shutil.rmtree(scratch, ignore_errors=True)
    return result


def _checked_workbooks(start_spark, contract, feeds_dir, context, files, folders, result) -> bool:
    """Read the files on this machine, check their rows in Spark; whether any row was."""
    if files is None:
        files = files_in(feeds_dir, contract.folder, contract.file_name)
    incoming = ev._read_tables(SparkTables(start_spark), contract, feeds_dir, files, result)
    if not incoming:
        return False
    totals_impossible = _reference_tables(start_spark(), contract, context)
    _check(start_spark(), contract, incoming, totals_impossible, *folders)
    return True


def _checked_files(start_spark, con, contract, feeds_dir, context, files, folders, result) -> bool:
    """Spark reads the files and checks their rows; whether any file could be read."""
    if files is None:
        files = ev.feed_files(feeds_dir, contract)
    spark = start_spark() if files else None
    usable = ev._usable_files(
        con,
        contract,
        feeds_dir,
        files,
        result,
        headers_of=partial(_headers, spark),
        rows_in=partial(_rows_in, spark),
    )
    if not usable:
        return False
    totals_impossible = _reference_tables(spark, contract, context)
    return bool(_checked_or_refused(spark, contract, usable, totals_impossible, folders, result))


def _file_rows(spark, contract, usable) -> list[str]:
    """Each file Spark reads as a view; the SQL of its rows in the contract's column names."""
    incoming = []
    for number, (feed_file, renames) in enumerate(usable):
        view = f"feed_file_{number}"
        _read(spark, feed_file).createOrReplaceTempView(view)
        incoming.append(ev.file_rows_sql(contract, feed_file, renames, numbered_rows=view))
    return incoming


def _checked_or_refused(spark, contract, usable, totals_impossible, folders, result) -> list:
    """Check the files; when Spark cannot parse one (a row with more fields than the header),
    that file is refused in words, as DuckDB refuses a file it cannot read, and the others are
    checked again. Returns the files checked."""
    try:
        _check(spark, contract, _file_rows(spark, contract, usable), totals_impossible, *folders)
        return usable
    except _spark_errors():
        refused = _refuse_unparsable(spark, contract, usable, result)
        if not refused:
            raise
    readable = [(f, r) for f, r in usable if f.display_name not in refused]
    if readable:
        incoming = _file_rows(spark, contract, readable)
        _check(spark, contract, incoming, totals_impossible, *folders)
    return readable


def _refuse_unparsable(spark, contract, usable, result) -> set[str]:
    """Read each file alone (only after a failure: it is a second scan) to name the ones Spark
    cannot parse; each becomes a blocking problem and a blocked file with no rows read."""
    refused = set()
    for feed_file, _ in usable:
        try:
            _read(spark, feed_file).count()
        except _spark_errors() as error:
            result.problems.append(ev.unreadable(contract, feed_file, _first_line(error)))
            refused.add(feed_file.display_name)
    for report in result.files:
        if report.file in refused:
            report.blocked = True
    return refused


def _check(spark, contract, incoming, totals_impossible, loaded_dir, quarantine_dir, scratch):
    """The contract's generated SQL over the rows (`incoming`: the SQL of each file's or
    table's rows, as text), in Spark: the loaded rows and the problem rows written as Parquet,
    and the views `loaded`, `staged`, `checked`, `row_problems`, `set_aside` left for the
    counts."""
    staged = ev.staged_sql(contract, " union all ".join(incoming), totals_impossible)
    _materialise(spark, staged, scratch / "staged", "staged")
    slow = ", ".join(
        ["source_file", "source_row"]
        + [f"{ev.quoted('raw_' + s.name)} as {ev.quoted(s.name)}" for s in contract.fields]
    )
    checked = ev.checked_sql(contract, f"select {slow} from staged where not is_plain")
    _materialise(spark, checked, scratch / "checked", "checked")
    spark.sql(to_spark(_loaded_sql(contract))).createOrReplaceTempView("every_good_row")
    _materialise(spark, ev._repeats_sql(contract, "every_good_row"), scratch / "repeats", "repeats")
    _materialise(spark, ev._row_problems_sql(contract), quarantine_dir, "row_problems")
    _materialise(
        spark,
        "select * from every_good_row g where not exists (select 1 from repeats r "
        "where r.source_file = g.source_file and r.source_row = g.source_row)",
        loaded_dir,
        "loaded",
    )
    spark.sql(
        to_spark(
            "select distinct source_file, source_row from row_problems where severity <> 'warn' "
            f"or rule in ({', '.join(ev.sql_text(r) for r in ev.SET_ASIDE_RULES)})"
        )
    ).createOrReplaceTempView("set_aside")


def _loaded_sql(contract: FeedContract) -> str:
    """The plain rows as staged typed them, and the other rows that broke no rule, typed."""
    names = ", ".join(["source_file", "source_row"] + [ev.quoted(s.name) for s in contract.fields])
    typed = ", ".join(
        f"cast({ev.quoted(s.name)} as {SQL_TYPES[s.kind]}) as {ev.quoted(s.name)}"
        for s in contract.fields
    )
    return (
        f"select {names} from staged where is_plain union all "
        f"select source_file, source_row, {typed} from checked where {ev._is_good(contract)}"
    )


def _count_rows_read(engine: SparkSQL, result: ev.EngineResult, counted_before: dict) -> None:
    """Rows read, counted from what Spark read (not as loaded + set aside), so the accounting
    rows read = loaded + set aside is a check: a row lost between them shows. counted_before:
    each file's rows counted before Spark checked any (those of a sheet refused whole)."""
    read = engine.execute("select source_file, count(*) from staged group by all").fetchall()
    for report in result.files:
        staged = [int(n) for source, n in read if ev.of_file(source, report.file)]
        if staged:
            report.rows_read = counted_before[report.file] + sum(staged)


def _copy_back(con, result: ev.EngineResult, quarantine_dir: Path) -> None:
    """raw.quarantine and raw.feed_files in the working database, from Spark's problem rows."""
    files = ev.sql_text((quarantine_dir / "*.parquet").as_posix())
    con.execute(f"create or replace temp table row_problems as select * from read_parquet({files})")
    ev._record(con, result)
    con.execute("drop table row_problems")
