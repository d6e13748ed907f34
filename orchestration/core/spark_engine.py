"""The Spark engine's hand-offs, without Dagster: the validated feeds go to Spark as Parquet, and
Spark's marts come back to the publish step as Parquet.

Feeds are checked by the same contracts on either engine (same messages, quarantine and row
accounting). Every feed is checked by its contract's generated SQL (validated_in_engine) inside
Spark (core/spark_validation.py), which writes its loaded rows to WAREHOUSE/work/spark/raw/<table>/;
the reference tables a feeds directory replaces are checked row by row on this machine and
loaded into the working DuckDB database, and every raw table of it is then written out as
Parquet in WAREHOUSE/work/spark/raw/<table>/. The validation Spark's JVM is shut down before
dbt's Spark starts (stop_validation_jvm), one JVM at a time; dbt's on-run-start hook
(macros/raw_tables.sql) registers those folders as Spark tables. Spark writes its marts as plain
Parquet tables under WAREHOUSE/work/spark/tables/marts.db/<mart>/; the working database gets a
view over each, so the publish step writes the same snapshot and manifest from them."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from orchestration.core.dbt_manifest import published_marts
from orchestration.core.paths import WarehouseLayout
from orchestration.core.publish import sql_identifier, sql_literal
from schemas import FEEDS

SPARK_EXTRA = 'pip install -e ".[spark]"'


def missing_requirements() -> str | None:
    """Why the Spark engine cannot run here, in words, or None when it can."""
    for module, package in (("pyspark", "pyspark"), ("dbt.adapters.spark", "dbt-spark")):
        try:
            found = importlib.util.find_spec(module) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            return f"the spark engine needs {package}, in the optional spark extra: {SPARK_EXTRA}"
    java_home = os.environ.get("JAVA_HOME")
    if not shutil.which("java") and not (java_home and Path(java_home, "bin", "java").exists()):
        return (
            "the spark engine needs Java 17 (java was not found on PATH or in JAVA_HOME); "
            "on Debian: apt-get install openjdk-17-jre-headless"
        )
    return None


JVM_EXIT_SECONDS = 30


def stop_validation_jvm() -> bool:
    """Stop the Spark that validated the feeds in this process, and the JVM behind it, before
    dbt starts its own Spark in another process: spark.stop() ends the session but leaves the
    JVM running (with its heap) until Python exits, so a build held two JVMs during dbt. A later
    session starts a new JVM. Returns whether there was one; pyspark is never imported here
    when this process did not use it."""
    if "pyspark" not in sys.modules:
        return False
    from pyspark import SparkContext
    from pyspark.sql import SparkSession

    gateway = SparkContext._gateway
    if gateway is None:
        return False
    session = SparkSession.getActiveSession()
    if session is not None:
        session.stop()
    process = getattr(gateway, "proc", None)
    gateway.shutdown()
    if process is not None:
        # pyspark's gateway server exits when its stdin closes (as when Python dies)
        process.stdin.close()
        try:
            process.wait(timeout=JVM_EXIT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    SparkContext._gateway = None
    SparkContext._jvm = None
    return True


def raw_folder(layout: WarehouseLayout) -> Path:
    return layout.spark_dir / "raw"


def mart_folder(layout: WarehouseLayout, mart: str) -> Path:
    """Where Spark keeps a managed table of the `marts` database (spark.sql.warehouse.dir)."""
    return layout.spark_dir / "tables" / "marts.db" / mart


def quarantine_folder(raw_dir: Path, table: str) -> Path:
    """Where Spark keeps the problem rows of a feed it validated (copied to raw.quarantine)."""
    return raw_dir / f"{table}__quarantine"


def validated_in_spark() -> list[str]:
    """The feeds Spark validates itself (core/spark_validation.py): their loaded rows are
    already in Spark's raw folder, and never in the working database."""
    return [c.table for c in FEEDS if c.validated_in_engine]


def loaded_in_spark(layout: WarehouseLayout) -> dict[str, str]:
    """For each feed Spark validates, the DuckDB relation of the rows it loaded (for the
    checks of the feeds that depend on it)."""
    folder = raw_folder(layout)
    return {
        table: f"read_parquet({sql_literal((folder / table / '*.parquet').as_posix())})"
        for table in validated_in_spark()
    }


def export_raw_tables(con: duckdb.DuckDBPyConnection, layout: WarehouseLayout) -> list[str]:
    """Every table of the working database's raw schema as Parquet for Spark, beside the feeds
    Spark validated and wrote there itself; returns the names of all of them."""
    folder = raw_folder(layout)
    in_spark = [t for t in validated_in_spark() if (folder / t).is_dir()]
    kept = set(in_spark) | {quarantine_folder(folder, t).name for t in in_spark}
    for old in folder.iterdir() if folder.is_dir() else []:
        if old.name not in kept:
            shutil.rmtree(old, ignore_errors=True)
    names = [
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'raw' order by table_name"
        ).fetchall()
        if name not in kept
    ]
    for name in names:
        (folder / name).mkdir(parents=True)
        target = (folder / name / "part-0.parquet").as_posix()
        con.execute(f"copy raw.{sql_identifier(name)} to {sql_literal(target)} (format parquet)")
    return sorted(names + in_spark)


def attach_spark_marts(con: duckdb.DuckDBPyConnection, layout: WarehouseLayout) -> list[str]:
    """Point the working database's marts at the Parquet files Spark wrote (replacing whatever an
    earlier build left there), so publishing reads the Spark build."""
    con.execute("create schema if not exists marts")
    existing = dict(
        con.execute(
            "select table_name, table_type from information_schema.tables "
            "where table_schema = 'marts'"
        ).fetchall()
    )
    attached = []
    for mart in published_marts():
        folder = mart_folder(layout, mart.name)
        if not folder.is_dir():
            raise FileNotFoundError(f"Spark has no table for the mart {mart.name} in {folder}")
        relation = f"marts.{sql_identifier(mart.name)}"
        kind = existing.get(mart.name)
        if kind:
            con.execute(f"drop {'view' if kind == 'VIEW' else 'table'} {relation}")
        files = sql_literal((folder / "*.parquet").as_posix())
        con.execute(f"create view {relation} as select * from read_parquet({files})")
        attached.append(mart.name)
    return attached
