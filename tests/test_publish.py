"""The publish step: complete snapshots only, swapped in atomically, old ones pruned."""

import json

import duckdb
import pytest

from orchestration.core.paths import WarehouseLayout
from orchestration.core.publish import prune_snapshots, publish_snapshot, swap_symlink


@pytest.fixture
def working(tmp_path):
    """A tiny working database with the tables publishing reads."""
    layout = WarehouseLayout(tmp_path / "warehouse")
    layout.work_dir.mkdir(parents=True)
    con = duckdb.connect(str(layout.database))
    con.execute("create schema raw; create schema marts")
    con.execute("create table raw.allocations (data_provenance varchar)")
    con.execute("insert into raw.allocations values ('synthetic: test')")
    con.execute(
        "create table raw.feed_files (feed varchar, file varchar, sha256 varchar, "
        "rows_read int, rows_loaded int, rows_quarantined int, blocked boolean)"
    )
    con.execute(
        "insert into raw.feed_files values ('allocations', 'allocations/a.csv', 'x', "
        "3, 2, 1, false)"
    )
    con.execute("create table marts.places (place_code varchar)")
    con.execute("insert into marts.places values ('E47000001'), ('E47000002')")
    con.execute(
        'create table marts.settlement_checks ("check" varchar, settlement_id varchar, '
        "place_code varchar, financial_year varchar, funding_line varchar, "
        "detail varchar, status varchar)"
    )
    con.execute(
        "insert into marts.settlement_checks values ('c', 's', 'p', '2025-26', null, "
        "'d', 'pass'), ('c', 's', 'p', '2026-27', null, 'd', 'fail')"
    )
    yield layout, con
    con.close()


def test_publish_writes_parquet_and_manifest_then_links_it(working, tmp_path):
    layout, con = working
    folder = publish_snapshot(con, layout, "run-0001", "2024-25", tmp_path)
    assert layout.published.resolve() == folder.resolve()
    manifest = json.loads((layout.published / "manifest.json").read_text())
    assert manifest["run_id"] == "run-0001"
    places = {"file": "places.parquet", "rows": 2, "grain": ["place_code"]}
    assert manifest["marts"]["places"] == places
    assert manifest["checks"] == {"passed": 1, "warned": 0, "failed": 1}
    assert manifest["inputs"][0]["rows_read"] == 3
    assert duckdb.execute(
        f"select count(*) from '{layout.published}/places.parquet'"
    ).fetchone() == (2,)


def test_second_publish_swaps_and_an_open_reader_keeps_its_snapshot(working, tmp_path):
    layout, con = working
    first = publish_snapshot(con, layout, "run-0001", "2024-25", tmp_path)
    reader_sees = layout.published.resolve()
    con.execute("insert into marts.places values ('E47000003')")
    second = publish_snapshot(con, layout, "run-0002", "2024-25", tmp_path)
    assert layout.published.resolve() == second.resolve() != first.resolve()
    assert duckdb.execute(f"select count(*) from '{reader_sees}/places.parquet'").fetchone() == (2,)
    assert duckdb.execute(
        f"select count(*) from '{layout.published}/places.parquet'"
    ).fetchone() == (3,)


def test_leftovers_of_a_killed_publish_are_cleaned_and_old_snapshots_pruned(working, tmp_path):
    layout, con = working
    for number in range(5):
        publish_snapshot(con, layout, f"run-000{number}", "2024-25", tmp_path)
    (layout.snapshots_dir / "20000101T000000-deadbeef.partial").mkdir()
    prune_snapshots(layout)
    names = sorted(p.name for p in layout.snapshots_dir.iterdir())
    assert len(names) == 3 and not any(n.endswith(".partial") for n in names)
    assert layout.published.resolve().name == names[-1]


def test_a_real_folder_is_never_replaced_by_the_link(tmp_path):
    real = tmp_path / "published"
    real.mkdir()
    with pytest.raises(RuntimeError, match="is a real folder"):
        swap_symlink(real, tmp_path / "snapshot")


def test_publish_writes_the_rows_set_aside_as_the_validation_report(working, tmp_path):
    layout, con = working
    con.execute(
        "create table raw.quarantine (feed varchar, source_file varchar, source_row integer, "
        "column_name varchar, value varchar, rule varchar, message varchar, severity varchar)"
    )
    con.execute(
        "insert into raw.quarantine values ('allocations', 'allocations/a.csv', 14, "
        "'area_code', 'E07000026', 'area_exists', 'abolished on 2023-04-01', 'error')"
    )
    publish_snapshot(con, layout, "run-0001", "2024-25", tmp_path)
    manifest = json.loads((layout.published / "manifest.json").read_text())
    assert manifest["validation_report"] == {"file": "validation_report.parquet", "rows": 1}
    row = duckdb.execute(
        'select file, "row", "column", value, rule '
        f"from '{layout.published}/validation_report.parquet'"
    ).fetchone()
    assert row == ("allocations/a.csv", 14, "area_code", "E07000026", "area_exists")


def test_a_build_with_nothing_set_aside_publishes_an_empty_report(working, tmp_path):
    layout, con = working
    publish_snapshot(con, layout, "run-0001", "2024-25", tmp_path)
    manifest = json.loads((layout.published / "manifest.json").read_text())
    assert manifest["validation_report"]["rows"] == 0
