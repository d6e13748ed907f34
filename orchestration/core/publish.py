"""Publishing: every mart as one Parquet file plus a manifest, in a new snapshot folder, made
visible by swapping the WAREHOUSE/published symlink in one atomic rename. A reader that resolves
the symlink sees the previous complete snapshot or the new one, never a mix."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import time
from importlib import metadata
from pathlib import Path

import duckdb

from orchestration.core.audit import audit_snapshot
from orchestration.core.data_docs import DATA_DOCS_DIR, INDEX, write_data_docs
from orchestration.core.dbt_manifest import Mart, published_marts
from orchestration.core.errors import PublishBlocked
from orchestration.core.load_feeds import ensure_bookkeeping_tables
from orchestration.core.paths import REPO, WarehouseLayout

SNAPSHOTS_KEPT = 3


def code_version() -> str:
    try:
        commit = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = "unknown"
    return f"wholeplace {metadata.version('wholeplace')} ({commit})"


def sql_literal(text: str) -> str:
    """A string as a SQL literal, quoted the way DuckDB reads it (COPY ... TO takes no bind
    parameter for its file name)."""
    return "'" + text.replace("'", "''") + "'"


def sql_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def export_marts(
    con: duckdb.DuckDBPyConnection, folder: Path, marts_to_publish: list[Mart]
) -> dict[str, dict]:
    """Every mart dbt's yml marks as published, sorted by its grain, as one Parquet file each."""
    present = {
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()
    }
    marts = {}
    for mart in marts_to_publish:
        if mart.name not in present:
            continue
        target = folder / f"{mart.name}.parquet"
        order = ", ".join(sql_identifier(column) for column in mart.grain) or "all"
        table = f"marts.{sql_identifier(mart.name)}"
        con.execute(
            f"copy (select * from {table} order by {order}) "
            f"to {sql_literal(target.as_posix())} (format parquet, compression zstd)"
        )
        rows = con.execute(f"select count(*) from {table}").fetchone()[0]
        marts[mart.name] = {"file": target.name, "rows": rows, "grain": mart.grain}
    return marts


def column_descriptions(marts: list[Mart]) -> dict[str, dict[str, str]]:
    """mart -> column -> its description in the mart's dbt yml, for readers of the snapshot."""
    return {mart.name: mart.columns for mart in marts}


def column_labels(marts: list[Mart]) -> dict[str, dict[str, str]]:
    """mart -> column -> its short label (`meta: {label: ...}` in the mart's dbt yml)."""
    return {mart.name: mart.labels for mart in marts}


def input_accounting(con: duckdb.DuckDBPyConnection) -> list[dict]:
    frame = con.execute(
        "select feed, file, sha256, rows_read, rows_loaded, rows_quarantined "
        "from raw.feed_files order by feed, file"
    ).df()
    return frame.to_dict("records")


VALIDATION_REPORT = "validation_report.parquet"


def export_validation_report(con: duckdb.DuckDBPyConnection, folder: Path) -> dict:
    """Every row a feed contract set aside (file, row, column, value, rule, message), so the
    dashboard can show what was left out and why."""
    ensure_bookkeeping_tables(con)
    target = folder / VALIDATION_REPORT
    con.execute(
        "copy (select feed, source_file as file, source_row as row, column_name as column, "
        "value, rule, message, severity from raw.quarantine "
        "order by feed, source_file, source_row, column_name) "
        f"to {sql_literal(target.as_posix())} (format parquet, compression zstd)"
    )
    rows = con.execute("select count(*) from raw.quarantine").fetchone()[0]
    return {"file": target.name, "rows": rows}


def check_summary(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    rows = con.execute("select status, count(*) from marts.settlement_checks group by status")
    counts = dict(rows.fetchall())
    return {
        "passed": counts.get("pass", 0),
        "warned": counts.get("warn", 0),
        "failed": counts.get("fail", 0),
    }


def method_parameters(con: duckdb.DuckDBPyConnection) -> dict:
    present = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'marts' and table_name = 'method_parameters'"
    ).fetchone()[0]
    if not present:
        return {}
    rows = con.execute(
        "select confidence_grade, optimism_bias, discount_rate_first_30_years "
        "from marts.method_parameters order by confidence_grade"
    ).fetchall()
    return {
        "optimism_bias": {str(grade): bias for grade, bias, _ in rows},
        "discount_rate": float(rows[0][2]) if rows else 0.035,
    }


def synthetic_inputs(con: duckdb.DuckDBPyConnection, allocations: str = "raw.allocations") -> bool:
    """allocations: the relation of the loaded allocations (on a Spark build, its Parquet)."""
    return bool(
        con.execute(
            f"select count(*) from {allocations} where lower(data_provenance) like 'synthetic%'"
        ).fetchone()[0]
    )


def publish_snapshot(
    con: duckdb.DuckDBPyConnection,
    layout: WarehouseLayout,
    run_id: str,
    price_base_year: str,
    feeds_dir: Path,
    loaded_elsewhere: dict[str, str] | None = None,
) -> Path:
    """Write a complete snapshot beside the live one, then swap the symlink. Returns the folder.
    loaded_elsewhere: the relation of a feed's loaded rows when not raw.<table> (Spark's)."""
    now = dt.datetime.now(dt.UTC)
    layout.snapshots_dir.mkdir(parents=True, exist_ok=True)
    final = layout.snapshots_dir / f"{now:%Y%m%dT%H%M%S}-{run_id[:8]}"
    building = final.with_name(final.name + ".partial")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir()
    marts = published_marts()  # read dbt's manifest once for the list, the grain and the labels
    manifest = {
        "run_id": run_id,
        "published_at": now.isoformat(timespec="seconds"),
        "code_version": code_version(),
        "price_base_year": price_base_year,
        "feeds_dir": str(feeds_dir),
        "synthetic_inputs": synthetic_inputs(
            con, (loaded_elsewhere or {}).get("allocations", "raw.allocations")
        ),
        "inputs": input_accounting(con),
        "validation_report": export_validation_report(con, building),
        "marts": export_marts(con, building, marts),
        "columns": column_descriptions(marts),
        "labels": column_labels(marts),
        "checks": check_summary(con),
        "parameters": method_parameters(con),
    }
    manifest["data_quality"] = audit(building, manifest, layout.work_dir / AUDIT_RESULTS)
    pause_before("manifest")
    (building / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str))
    _fsync_folder(building)
    building.rename(final)
    pause_before("swap")
    swap_symlink(layout.published, final)
    prune_snapshots(layout)
    return final


AUDIT_RESULTS = "audit_results.json"  # the last audit's results, for the next to reuse


def audit(building: Path, manifest: dict, reusable_path: Path | None = None) -> dict:
    """Run the Great Expectations audit on the snapshot's Parquet and write its Data Docs into
    the snapshot; a failed reconciliation between marts stops the publish (nothing is swapped).
    A mart unchanged since the audit saved at `reusable_path` keeps its results from there."""
    result = audit_snapshot(building, manifest["marts"], _read_reusable(reusable_path))
    write_data_docs(building, result, manifest)
    if reusable_path is not None:
        reusable_path.parent.mkdir(parents=True, exist_ok=True)
        temporary = reusable_path.with_name(f".{reusable_path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(result.reusable, default=str), encoding="utf-8")
        os.replace(temporary, reusable_path)
    if result.blocking_failures:
        shutil.rmtree(building, ignore_errors=True)
        raise PublishBlocked(
            "the published marts do not reconcile, so nothing was published: "
            + "; ".join(
                f"{o.asset} ({o.unexpected_count} row(s) differ by more than £1, e.g. "
                f"{', '.join(o.examples[:3])})"
                for o in result.blocking_failures
            )
        )
    return {
        "tool": f"great_expectations {result.gx_version}",
        **result.counts,
        "data_docs": f"{DATA_DOCS_DIR}/{INDEX}",
    }


PAUSE_VARIABLE = "WHOLEPLACE_PAUSE_BEFORE"
PAUSE_SECONDS = 60


def _read_reusable(path: Path | None) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8")) if path else {}
    except (OSError, ValueError):
        return {}


def pause_before(stage: str) -> None:
    """Fault-test hook, off unless WHOLEPLACE_PAUSE_BEFORE names the stage: the build says so on
    stdout and waits there (up to a minute, then carries on) so a test can SIGKILL it at a known
    point. Stages: `manifest` (the marts are in the .partial folder, the manifest is not written)
    and `swap` (the snapshot folder is complete, the symlink still names the previous one)."""
    if os.environ.get(PAUSE_VARIABLE) == stage:
        print(f"wholeplace: pausing before {stage} ({PAUSE_VARIABLE})", flush=True)
        time.sleep(PAUSE_SECONDS)


def _fsync_folder(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as f:
                os.fsync(f.fileno())


def swap_symlink(link: Path, target: Path) -> None:
    if link.exists() and not link.is_symlink():
        raise RuntimeError(f"{link} is a real folder, not wholeplace's snapshot link; move it away")
    temporary = link.with_name(f".{link.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(os.path.relpath(target, link.parent), target_is_directory=True)
    os.replace(temporary, link)


def prune_snapshots(layout: WarehouseLayout, keep: int = SNAPSHOTS_KEPT) -> None:
    """Keep the newest few complete snapshots (readers may still hold an older one open) and
    remove leftovers of builds that were killed while publishing."""
    live = layout.published.resolve() if layout.published.is_symlink() else None
    complete = sorted(
        p for p in layout.snapshots_dir.iterdir() if p.is_dir() and not p.name.endswith(".partial")
    )
    for old in complete[:-keep]:
        if old != live:
            shutil.rmtree(old, ignore_errors=True)
    for partial in layout.snapshots_dir.glob("*.partial"):
        if partial.name.removesuffix(".partial") not in {p.name for p in complete}:
            shutil.rmtree(partial, ignore_errors=True)
