"""The build after one more month (core/incremental.py): which changes a new payments file may be
added to the last build for, and that the marts it gives are the marts a full build gives."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.core import incremental
from orchestration.core.engine_validation import configure, validate_in_engine
from orchestration.core.feed_files import FeedFile
from orchestration.core.incremental import mark_started, plan_build, record_finished
from orchestration.core.load_feeds import ensure_bookkeeping_tables, reference_context
from orchestration.core.paths import WarehouseLayout
from schemas import spend_transactions

HEADER = (
    "payment_date,area_code,service_area,funding_line,supplier_name,expense_type,amount_gbp,"
    "transaction_id"
)
PAYMENT = "2024-05-01,E08000003,asc,,Acme,Care,10.00,T1"


def write(path: Path, *lines: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- the plan's reasons (unit tests on plan_build, no build) ------------------------------------


@pytest.fixture
def built(tmp_path):
    """A feeds directory and a warehouse whose last build read it, as a real build records it."""
    feeds = tmp_path / "feeds"
    write(feeds / "allocations" / "dfe.csv", "financial_year,area_code", "2025-26,E08000003")
    write(feeds / "spend_transactions" / "payments.csv", HEADER, PAYMENT)
    layout = WarehouseLayout(tmp_path / "warehouse")
    layout.work_dir.mkdir(parents=True)
    with duckdb.connect(str(layout.database)) as con:
        ensure_bookkeeping_tables(con)
        con.execute(
            "insert into raw.feed_files values ('spend_transactions', "
            "'spend_transactions/payments.csv', ?, 1, 1, 0, false)",
            [incremental.sha256(feeds / "spend_transactions" / "payments.csv")],
        )
    plan = plan_build(feeds, layout, "duckdb", "2024-25")
    mark_started(layout, plan)
    record_finished(layout, plan)
    return feeds, layout


def plan(feeds, layout, engine="duckdb", price_base="2024-25", full_asked=False):
    return plan_build(feeds, layout, engine, price_base, full_asked).line


def test_the_first_build_of_a_warehouse_is_full(tmp_path):
    feeds = tmp_path / "feeds"
    write(feeds / "spend_transactions" / "payments.csv", HEADER, PAYMENT)
    assert plan(feeds, WarehouseLayout(tmp_path / "w")) == (
        "full build: first build of this warehouse"
    )


def test_a_new_payments_file_is_added_incrementally(built):
    feeds, layout = built
    write(feeds / "spend_transactions" / "payments_2025-04.csv", HEADER, PAYMENT, PAYMENT)
    result = plan_build(feeds, layout, "duckdb", "2024-25")
    assert not result.full
    assert result.new_files == ("payments_2025-04.csv",)
    assert result.line.startswith(
        "incremental build: 1 new payments file (payments_2025-04.csv, 2 rows); other feeds "
        "unchanged since the build of 20"
    )


def test_nothing_changed_is_a_full_build_saying_so(built):
    assert plan(*built).startswith("full build: nothing changed since the build of 20")


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"full_asked": True}, "full build: --full was asked for"),
        ({"engine": "spark"}, "full build: Spark builds (--engine spark) always build in full"),
        ({"price_base": "2023-24"}, "full build: the price base changed from 2024-25 to 2023-24"),
    ],
)
def test_asked_for_spark_or_another_price_base_is_a_full_build(built, options, reason):
    feeds, layout = built
    write(feeds / "spend_transactions" / "payments_2025-04.csv", HEADER, PAYMENT)
    assert plan(feeds, layout, **options) == reason


def test_a_changed_old_payments_file_is_a_full_build(built):
    feeds, layout = built
    write(feeds / "spend_transactions" / "payments_2025-04.csv", HEADER, PAYMENT)
    write(feeds / "spend_transactions" / "payments.csv", HEADER, PAYMENT.replace("T1", "T9"))
    assert plan(feeds, layout) == (
        "full build: spend_transactions/payments.csv changed since the last build"
    )


def test_a_file_saved_again_unchanged_is_not_a_change(built):
    feeds, layout = built
    path = feeds / "spend_transactions" / "payments.csv"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    write(feeds / "spend_transactions" / "payments_2025-04.csv", HEADER, PAYMENT)
    assert plan(feeds, layout).startswith("incremental build: 1 new payments file")


def test_a_removed_file_is_a_full_build(built):
    feeds, layout = built
    (feeds / "allocations" / "dfe.csv").unlink()
    assert plan(feeds, layout) == (
        "full build: allocations/dfe.csv was removed since the last build"
    )


def test_a_change_to_another_feed_is_a_full_build(built):
    feeds, layout = built
    write(feeds / "spend_transactions" / "payments_2025-04.csv", HEADER, PAYMENT)
    write(feeds / "allocations" / "dhsc.csv", "financial_year,area_code", "2025-26,E08000003")
    assert plan(feeds, layout) == (
        "full build: allocations/dhsc.csv is new (only new spend_transactions/ files are added "
        "incrementally)"
    )


def test_a_file_in_the_inbox_is_a_full_build(built):
    feeds, layout = built
    write(feeds / "inbox" / "cra.csv", "anything")
    assert plan(feeds, layout) == (
        "full build: inbox/cra.csv is in the inbox (inbox files are adapted in a full build)"
    )


def test_a_new_payments_file_sorting_before_the_loaded_ones_is_a_full_build(built):
    feeds, layout = built
    write(feeds / "spend_transactions" / "2025-04.csv", HEADER, PAYMENT)
    assert plan(feeds, layout).startswith(
        "full build: spend_transactions/2025-04.csv is new but its name sorts before "
        "spend_transactions/payments.csv, already loaded"
    )


def test_a_new_file_no_contract_reads_is_a_full_build(built):
    feeds, layout = built
    write(feeds / "spend_transactions" / "notes.txt", "hello")
    assert plan(feeds, layout) == (
        "full build: spend_transactions/notes.txt is new and not a .csv or .parquet file"
    )


def test_a_build_that_did_not_finish_makes_the_next_one_full(built):
    feeds, layout = built
    mark_started(layout, plan_build(feeds, layout, "duckdb", "2024-25"))
    write(feeds / "spend_transactions" / "payments_2025-04.csv", HEADER, PAYMENT)
    assert plan(feeds, layout).startswith("full build: the last build (started 20")
    assert plan(feeds, layout).endswith("did not finish or was blocked")


def test_a_change_to_the_code_or_the_dbt_project_is_a_full_build(built, monkeypatch):
    feeds, layout = built
    write(feeds / "spend_transactions" / "payments_2025-04.csv", HEADER, PAYMENT)
    monkeypatch.setattr(incremental, "code_state", lambda: "another version")
    assert plan(feeds, layout) == (
        "full build: the code or the dbt project changed since the last build"
    )


def test_the_code_state_follows_a_model_file(tmp_path, monkeypatch):
    before = incremental.code_state()
    project = tmp_path / "dbt_project"
    shutil.copytree(incremental.DBT_PROJECT_DIR / "macros", project / "macros")
    monkeypatch.setattr(incremental, "REPO", tmp_path)
    monkeypatch.setattr(incremental, "CODE", [(project, "*")])
    copied = incremental.code_state()
    (project / "macros" / "money.sql").write_text("-- changed\n")
    assert incremental.code_state() != copied
    assert copied != before


def test_a_missing_database_or_an_unreadable_record_is_a_full_build(built):
    feeds, layout = built
    write(feeds / "spend_transactions" / "payments_2025-04.csv", HEADER, PAYMENT)
    incremental.record_path(layout).write_text("{not json")
    assert plan(feeds, layout).startswith("full build: the record of the last build (")
    layout.database.unlink()
    incremental.record_path(layout).unlink()
    assert plan(feeds, layout) == "full build: first build of this warehouse"


def test_the_record_holds_each_files_sha256_and_is_written_whole(built):
    feeds, layout = built
    record = json.loads(incremental.record_path(layout).read_text())
    path = feeds / "spend_transactions" / "payments.csv"
    assert record["finished"] is True
    assert record["files"]["spend_transactions/payments.csv"]["sha256"] == (
        incremental.sha256(path)
    )
    assert list(layout.work_dir.glob(".last_build.json*")) == []  # no temporary file left


# --- appending in the engine: the same rows and problems as validating every file at once --------


def _validate(feeds: Path, database: Path, files: list[str], append: bool):
    con = duckdb.connect(str(database))
    configure(con, database.parent / "spill")
    context, _ = reference_context(feeds)
    chosen = [FeedFile(feeds / "spend_transactions" / f, f"spend_transactions/{f}") for f in files]
    validate_in_engine(
        con, spend_transactions.CONTRACT, feeds, context, files=chosen or None, append=append
    )
    return con


def _contents(con):
    return [
        con.execute(f"select * from raw.{table} order by all").fetchall()
        for table in ("spend_transactions", "quarantine", "feed_files")
    ]


def test_appending_a_month_gives_what_validating_every_file_gives(tmp_path):
    feeds = tmp_path / "feeds"
    write(
        feeds / "spend_transactions" / "a.csv",
        HEADER,
        PAYMENT,
        "2024-05-01,E08000003,asc,,Acme,Care,20.00,T2",
        "2024-05-01,E08000003,asc,,Acme,Care,bad,T3",
    )
    write(
        feeds / "spend_transactions" / "b.csv",
        HEADER,
        PAYMENT,  # repeats a.csv row 2 exactly: set aside as a duplicated submission
        "2024-05-01,E08000003,asc,,Acme,Care,25.00,T2",  # the same key, another amount
        "2024-05-02,E08000003,asc,,Acme,Care,30.00,T3",  # T3's first row was bad: loaded
        "2024-05-02,E08000003,asc,,Acme,Care,40.00,T4",
        "2024-05-02,E08000003,asc,,Acme,Care,40.00,T4",  # repeats a row of its own file
    )
    (tmp_path / "full").mkdir()
    (tmp_path / "appended").mkdir()
    full = _validate(feeds, tmp_path / "full" / "db.duckdb", [], append=False)
    shutil.move(feeds / "spend_transactions" / "b.csv", tmp_path / "b.csv")
    appended = _validate(feeds, tmp_path / "appended" / "db.duckdb", [], append=False)
    shutil.move(tmp_path / "b.csv", feeds / "spend_transactions" / "b.csv")
    _validate(feeds, tmp_path / "appended" / "db.duckdb", ["b.csv"], append=True).close()
    appended = duckdb.connect(str(tmp_path / "appended" / "db.duckdb"))
    assert _contents(appended) == _contents(full)
    rules = appended.execute(
        "select source_file, source_row, rule from raw.quarantine where rule <> 'tolerated' "
        "order by all"
    ).fetchall()
    assert rules == [
        ("spend_transactions/a.csv", 4, "money"),
        ("spend_transactions/b.csv", 2, "duplicate_submission"),
        ("spend_transactions/b.csv", 3, "unique_key"),
        ("spend_transactions/b.csv", 6, "duplicate_submission"),
    ]
    (read, loaded, aside) = appended.execute(
        "select sum(rows_read), sum(rows_loaded), sum(rows_quarantined) from raw.feed_files"
    ).fetchone()
    (in_table,) = appended.execute("select count(*) from raw.spend_transactions").fetchone()
    assert (read, loaded, aside, in_table) == (8, 4, 4, 4)


def test_appending_a_file_that_sorts_before_the_loaded_ones_is_refused(tmp_path):
    feeds = tmp_path / "feeds"
    write(feeds / "spend_transactions" / "b.csv", HEADER, PAYMENT)
    _validate(feeds, tmp_path / "db.duckdb", [], append=False).close()
    write(feeds / "spend_transactions" / "a.csv", HEADER, PAYMENT)
    with pytest.raises(ValueError, match="a.csv does not sort after spend_transactions/b.csv"):
        _validate(feeds, tmp_path / "db.duckdb", ["a.csv"], append=True)


# --- end to end: a full build, one more month, against a full build of the same feeds -----------

REPO = Path(__file__).resolve().parents[1]
ROWS = 20_000
MONTH = "payments_2025-04.csv"


def generate(out: Path, *options: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "benchmarks.generate_transactions", "--out", str(out)]
        + ["--formats", "csv", *options],
        cwd=REPO,
        check=True,
        capture_output=True,
    )


def _raw(warehouse: Path, sql: str):
    with duckdb.connect(str(warehouse / "work" / "wholeplace.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def csv_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def loaded_rows(feeds: Path, warehouse: Path, count: int) -> list[tuple[int, list[str]]]:
    """(row number, values) of `count` payments of payments.csv the build loaded."""
    rows = csv_rows(feeds / "spend_transactions" / "payments.csv")
    loaded = _raw(warehouse, "select source_row from raw.spend_transactions order by source_row")
    # rows[0] is the header, Excel row 1
    return [(row, rows[row - 1]) for (row,) in loaded[10 : 10 + count]]


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """(incremental warehouse, full warehouse, what the incremental build printed, the rows of
    payments.csv the new month repeats)."""
    from orchestration.cli.build import run_build
    from orchestration.core.paths import DEMO_FEEDS_DIR

    root = tmp_path_factory.mktemp("incremental")
    feeds = root / "feeds"
    shutil.copytree(DEMO_FEEDS_DIR, feeds, ignore=shutil.ignore_patterns("README.md"))
    generate(feeds, "--rows", str(ROWS))
    incremental_warehouse, full_warehouse = root / "incremental", root / "full"
    assert run_build(feeds, incremental_warehouse, "2024-25") == 0

    month_options = "--rows 400 --start 2025-04 --months 1 --seed 15 --name payments_2025-04"
    generate(root, *month_options.split())
    month = csv_rows(root / "spend_transactions" / MONTH)
    # The new month repeats one old payment exactly and gives another old one a new amount.
    (exact_row, exact), (other_row, other) = loaded_rows(feeds, incremental_warehouse, 2)
    changed = dict(zip(month[0], other, strict=True)) | {"amount_gbp": "123.45"}
    with open(feeds / "spend_transactions" / MONTH, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([*month, exact, list(changed.values())])
    printed = root / "incremental.out"
    with open(printed, "w") as out:
        code = subprocess.run(
            [str(Path(sys.executable).with_name("wholeplace")), "build", "--feeds", str(feeds)]
            + ["--warehouse", str(incremental_warehouse)],
            stdout=out,
            stderr=subprocess.STDOUT,
        ).returncode
    assert code == 0, printed.read_text()
    assert run_build(feeds, full_warehouse, "2024-25") == 0
    return incremental_warehouse, full_warehouse, printed.read_text(), (exact_row, other_row)


def test_the_build_after_one_more_month_is_incremental(builds):
    _, _, printed, _ = builds
    assert f"incremental build: 1 new payments file ({MONTH}, 402 rows); other feeds" in printed
    assert "spend_transactions: 1 file(s), 402 rows read" in printed
    assert "allocations:" not in printed  # the other feeds were not read again


def published_rows(warehouse: Path) -> dict[str, list]:
    manifest = json.loads((warehouse / "published" / "manifest.json").read_text())
    rows = {}
    for mart, facts in manifest["marts"].items():
        path = (warehouse / "published" / facts["file"]).as_posix()
        rows[mart] = duckdb.execute("select * from read_parquet(?) order by all", [path]).fetchall()
    return rows


def test_an_incremental_build_publishes_the_marts_a_full_build_does(builds):
    incremental_warehouse, full_warehouse, _, _ = builds
    after_month, full = published_rows(incremental_warehouse), published_rows(full_warehouse)
    from orchestration.core.dbt_manifest import published_marts

    assert sorted(after_month) == sorted(full) == sorted(m.name for m in published_marts())
    for mart in full:
        assert after_month[mart] == full[mart], mart  # every value, money to the penny
    report = "published/validation_report.parquet"
    assert (
        duckdb.execute(
            f"select * from read_parquet('{incremental_warehouse / report}') order by all"
        ).fetchall()
        == duckdb.execute(
            f"select * from read_parquet('{full_warehouse / report}') order by all"
        ).fetchall()
    )
    spend = full["place_spend_by_funding_line"]
    assert any("2025-26" in row for row in spend)  # the new month reached the mart


def test_the_new_months_repeats_of_old_payments_are_set_aside(builds):
    incremental_warehouse, full_warehouse, _, (exact_row, other_row) = builds
    sql = (
        "select source_file, source_row, rule, message from raw.quarantine "
        "where feed = 'spend_transactions' order by all"
    )
    quarantined = _raw(incremental_warehouse, sql)
    assert quarantined == _raw(full_warehouse, sql)
    new_month = [q for q in quarantined if q[0] == f"spend_transactions/{MONTH}"]
    # the two rows written after the month's 400 (the header is row 1)
    assert [q[1:3] for q in new_month if q[1] in (402, 403)] == [
        (402, "duplicate_submission"),
        (403, "unique_key"),
    ]
    assert f"repeats spend_transactions/payments.csv row {exact_row} exactly" in new_month[-2][3]
    assert (
        f"different values from spend_transactions/payments.csv row {other_row}"
        in (new_month[-1][3])
    )


def test_rows_read_equal_loaded_plus_set_aside_over_the_whole_warehouse(builds):
    incremental_warehouse, _, _, _ = builds
    ((read, loaded, aside),) = _raw(
        incremental_warehouse,
        "select sum(rows_read), sum(rows_loaded), sum(rows_quarantined) from raw.feed_files "
        "where feed = 'spend_transactions'",
    )
    ((in_table,),) = _raw(incremental_warehouse, "select count(*) from raw.spend_transactions")
    ((files,),) = _raw(
        incremental_warehouse,
        "select count(*) from raw.feed_files where feed = 'spend_transactions'",
    )
    assert read == ROWS + 402 and files == 2
    assert loaded == in_table and read == loaded + aside


def test_a_full_build_over_the_last_one_sums_a_changed_file_afresh(builds, tmp_path):
    """int_payments_by_file keeps what it summed between builds; a full build over a warehouse
    whose payments file changed must not keep the file's old sums (it passes --full-refresh)."""
    from orchestration.cli.build import run_build

    incremental_warehouse, _, _, _ = builds
    feeds = shutil.copytree(incremental_warehouse.parent / "feeds", tmp_path / "feeds")
    warehouse = shutil.copytree(incremental_warehouse, tmp_path / "warehouse", symlinks=True)
    payments = feeds / "spend_transactions" / "payments.csv"
    rows = csv_rows(payments)
    (row, _), *_ = loaded_rows(feeds, warehouse, 1)
    amount = rows[0].index("amount_gbp")
    rows[row - 1][amount] = str(round(float(rows[row - 1][amount]) + 1_000_000, 2))
    with open(payments, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)

    assert run_build(feeds, warehouse, "2024-25") == 0
    per_file = (
        "select source_file, sum(amount_gbp) from {} group by source_file order by source_file"
    )
    summed = _raw(warehouse, per_file.format("intermediate.int_payments_by_file"))
    assert summed == _raw(warehouse, per_file.format("raw.spend_transactions"))
    assert len(summed) == 2


# --- the benchmark's (c) can never silently be a full build --------------------------------------


def test_the_benchmark_refuses_a_build_that_did_not_say_it_was_incremental():
    sys.path.insert(0, str(REPO))  # benchmarks/ is run as `python -m benchmarks.run`
    from benchmarks.run import INCREMENTAL, measure

    said = [sys.executable, "-c", "print('incremental build: 1 new payments file')"]
    assert measure(said, expect=INCREMENTAL).wall_s > 0
    full = [sys.executable, "-c", "print('full build: first build of this warehouse')"]
    with pytest.raises(RuntimeError, match="did not print 'incremental build:'"):
        measure(full, expect=INCREMENTAL)


def test_build_full_on_the_command_line_asks_for_a_full_build(monkeypatch):
    import orchestration.cli.build
    from orchestration.cli.main import parser, run

    asked = {}
    monkeypatch.setattr(orchestration.cli.build, "run_build", lambda *a, **k: asked.update(k))
    run(parser().parse_args(["build", "--full"]))
    assert asked["full"] is True
    run(parser().parse_args(["build"]))
    assert asked["full"] is False
