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
from orchestration.core.load_feeds import reference_context
from orchestration.core.paths import WarehouseLayout
from orchestration.core.payment_years import Rebuild
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
    _validate(feeds, layout.database, [], append=False).close()  # raw tables as a build leaves
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


def test_a_new_payments_file_recomputes_only_its_year(built):
    feeds, layout = built
    write(
        feeds / "spend_transactions" / "payments_2025-04.csv",
        HEADER,
        "2025-04-01,E08000003,asc,,Acme,Care,10.00,T7",
        "2025-04-02,E08000003,asc,,Acme,Care,12.00,T8",
    )
    result = plan_build(feeds, layout, "duckdb", "2024-25")
    assert not result.full
    assert result.payments.files == ("spend_transactions/payments_2025-04.csv",)
    assert result.years == ["2025-26"]
    assert result.line.startswith(
        "incremental build: payments for 2025-26 (1 file added: payments_2025-04.csv, 2 rows); "
        "other feeds unchanged since the build of 20"
    )


def test_a_file_spanning_two_years_recomputes_both(built):
    feeds, layout = built
    write(
        feeds / "spend_transactions" / "payments_2025-04.csv",
        HEADER,
        "2025-03-31,E08000003,asc,,Acme,Care,10.00,T7",
        " 2025-04-01 ,E08000003,asc,,Acme,Care,12.00,T8",  # spaces: the contract trims them
        "31/02/2019,E08000003,asc,,Acme,Care,12.00,T9",  # not a date: in no year
    )
    assert plan_build(feeds, layout, "duckdb", "2024-25").years == ["2024-25", "2025-26"]


def test_a_changed_file_recomputes_the_years_of_its_old_and_new_payments(built):
    feeds, layout = built
    write(feeds / "spend_transactions" / "payments.csv", HEADER, PAYMENT.replace("2024", "2022"))
    result = plan_build(feeds, layout, "duckdb", "2024-25")
    # 2022-23 (now) and 2024-25 (before); the range between is run as well
    assert result.years == ["2022-23", "2023-24", "2024-25"]
    assert result.payments.files == ("spend_transactions/payments.csv",)
    assert result.line.startswith(
        "incremental build: payments for 2022-23 to 2024-25 (1 file changed: payments.csv, 1 rows)"
    )


def test_a_removed_payments_file_recomputes_the_years_it_had(built):
    feeds, layout = built
    write(
        feeds / "spend_transactions" / "payments_2025-04.csv",
        HEADER,
        "2025-04-01,E08000003,asc,,Acme,Care,10.00,T7",
    )
    (feeds / "spend_transactions" / "payments.csv").unlink()
    result = plan_build(feeds, layout, "duckdb", "2024-25")
    assert result.payments.gone == ("spend_transactions/payments.csv",)
    assert result.years == ["2024-25", "2025-26"]
    assert result.line.startswith(
        "incremental build: payments for 2024-25 to 2025-26 (1 file added: "
        "payments_2025-04.csv, 1 rows; 1 removed: payments.csv)"
    )


def test_a_new_file_repeating_a_loaded_payment_reads_that_file_again(built):
    """Of two payments with one key a build keeps the first file's: judged together."""
    feeds, layout = built
    write(
        feeds / "spend_transactions" / "0-early.csv",
        HEADER,
        "2019-05-01,E08000003,asc,,Acme,Care,9.00,T1",
    )
    result = plan_build(feeds, layout, "duckdb", "2024-25")
    assert result.payments.files == (
        "spend_transactions/0-early.csv",
        "spend_transactions/payments.csv",
    )
    assert result.years[0] == "2019-20" and result.years[-1] == "2024-25"
    assert "; 1 more file(s) sharing payments with them read again)" in result.line


def test_a_run_of_some_years_in_dagster_dev_reads_the_files_with_payments_in_them(built):
    from orchestration.core.payment_years import rebuild_of_years

    feeds, layout = built
    write(feeds / "spend_transactions" / "may.csv", HEADER, "2025-05-01,E08000003,asc,,A,C,1,T7")
    with duckdb.connect(str(layout.database)) as con:
        assert rebuild_of_years(con, feeds, ["2025-26"]) == Rebuild(
            ("spend_transactions/may.csv",), (), ("2025-26",)
        )
        assert rebuild_of_years(con, feeds, ["2024-25"]) == Rebuild(
            ("spend_transactions/payments.csv",), (), ("2024-25",)
        )
        assert rebuild_of_years(con, feeds, ["2023-24"]) == Rebuild((), (), ())


def test_payments_outside_the_partitioned_years_are_a_full_build(built):
    feeds, layout = built
    write(
        feeds / "spend_transactions" / "payments_1999.csv",
        HEADER,
        "1999-05-01,E08000003,asc,,Acme,Care,9.00,T5",
    )
    assert plan(feeds, layout) == (
        "full build: payments in 1999-00 are outside the financial years the warehouse is "
        "partitioned by (2000-01 to 2030-31, the deflator series)"
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


def test_a_file_saved_again_unchanged_is_not_a_change(built):
    feeds, layout = built
    path = feeds / "spend_transactions" / "payments.csv"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    write(feeds / "spend_transactions" / "payments_2025-04.csv", HEADER, PAYMENT)
    assert plan(feeds, layout).startswith("incremental build: payments for 2024-25 (1 file added")


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
        "full build: allocations/dhsc.csv is new (only spend_transactions/ files are rebuilt by "
        "year)"
    )


def test_payments_changed_with_another_feed_is_a_full_build(built):
    feeds, layout = built
    write(feeds / "spend_transactions" / "payments.csv", HEADER, PAYMENT.replace("T1", "T9"))
    write(feeds / "allocations" / "dfe.csv", "financial_year,area_code", "2026-27,E08000003")
    assert plan(feeds, layout) == "full build: allocations/dfe.csv changed since the last build"


def test_a_file_in_the_inbox_is_a_full_build(built):
    feeds, layout = built
    write(feeds / "inbox" / "cra.csv", "anything")
    assert plan(feeds, layout) == (
        "full build: inbox/cra.csv is in the inbox (inbox files are adapted in a full build)"
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


# --- end to end: each change built by year, against a full build of the same feeds -----------

REPO = Path(__file__).resolve().parents[1]
ROWS = 5_000
MONTH = "payments_2025-04.csv"
JUNE = "payments_2023-06.csv"
BIN = Path(sys.executable).parent


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


def write_rows(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)


def loaded_rows(feeds: Path, warehouse: Path, count: int) -> list[tuple[int, list[str]]]:
    """(row number, values) of `count` payments of payments.csv the build loaded."""
    rows = csv_rows(feeds / "spend_transactions" / "payments.csv")
    loaded = _raw(
        warehouse,
        "select source_row from raw.spend_transactions "
        "where source_file = 'spend_transactions/payments.csv' order by source_row",
    )
    # rows[0] is the header, Excel row 1
    return [(row, rows[row - 1]) for (row,) in loaded[10 : 10 + count]]


def build_in_a_new_process(feeds: Path, warehouse: Path) -> str:
    done = subprocess.run(
        [str(BIN / "wholeplace"), "build", "--feeds", str(feeds), "--warehouse", str(warehouse)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def published_rows(warehouse: Path) -> dict[str, list]:
    published = warehouse / "published"
    manifest = json.loads((published / "manifest.json").read_text())
    files = [facts["file"] for facts in manifest["marts"].values()]
    files.append("validation_report.parquet")
    return {
        file: duckdb.execute(
            "select * from read_parquet(?) order by all", [(published / file).as_posix()]
        ).fetchall()
        for file in files
    }


BOOKS = {
    "quarantine": "select * from raw.quarantine where feed = 'spend_transactions' order by all",
    "feed_files": "select * from raw.feed_files where feed = 'spend_transactions' order by all",
    "loaded": "select * from raw.spend_transactions order by all",
}


@pytest.fixture(scope="module")
def steps(tmp_path_factory):
    """A warehouse built in full, then changed three times, each built by year, beside a full
    build from nothing of the same feeds after each: {step: (what it printed, by year, full)}."""
    from orchestration.cli.build import run_build
    from orchestration.core.paths import DEMO_FEEDS_DIR

    root = tmp_path_factory.mktemp("by_year")
    feeds = root / "feeds"
    payments = feeds / "spend_transactions"
    shutil.copytree(DEMO_FEEDS_DIR, feeds, ignore=shutil.ignore_patterns("README.md"))
    generate(feeds, "--rows", str(ROWS))  # 2015-04 to 2025-03
    generate(feeds, *f"--rows 300 --start 2023-06 --months 1 --seed 16 --name {JUNE[:-4]}".split())
    warehouse = root / "by_year"
    assert run_build(feeds, warehouse, "2024-25") == 0

    def step(name: str) -> tuple:
        printed = build_in_a_new_process(feeds, warehouse)
        (root / f"{name}.out").write_text(printed)
        full = root / f"full_{name}"
        assert run_build(feeds, full, "2024-25") == 0
        copy = shutil.copytree(warehouse, root / f"by_year_{name}", symlinks=True)
        return printed, copy, full

    found = {}
    # 1. one more month, one of its payments dated the last day of 2024-25
    generate(root, *f"--rows 400 --start 2025-04 --months 1 --seed 15 --name {MONTH[:-4]}".split())
    month = csv_rows(root / "spend_transactions" / MONTH)
    first = dict(zip(month[0], month[1], strict=True))
    march = first | {"payment_date": "2025-03-31", "transaction_id": first["transaction_id"] + "m"}
    write_rows(payments / MONTH, [*month, list(march.values())])
    found["added"] = step("added")
    # 2. June 2023 corrected: an amount, and a payment moved to 2021-22; a new May 2025 file
    # repeats one old payment exactly and gives another old one a new amount
    june = csv_rows(payments / JUNE)
    amount, date = june[0].index("amount_gbp"), june[0].index("payment_date")
    june[5][amount] = "999999.99"
    june[6][date] = "2021-07-15"
    write_rows(payments / JUNE, june)
    (exact_row, exact), (other_row, other) = loaded_rows(feeds, warehouse, 2)
    changed = dict(zip(june[0], other, strict=True)) | {"amount_gbp": "123.45"}
    may = [june[0], exact, list(changed.values())]
    write_rows(payments / "payments_2025-05.csv", may)
    found["changed"] = (*step("changed"), (exact_row, other_row))
    # 3. June 2023 withdrawn
    (payments / JUNE).unlink()
    found["removed"] = step("removed")
    return found


def first_line(printed: str) -> str:
    """The plan's line, less when the last build was."""
    line = next(n for n in printed.splitlines() if n.startswith(("incremental build:", "full")))
    return line[: line.index("; other feeds unchanged since the build of 20")]


def test_each_change_says_which_years_it_recomputes(steps):
    added, changed, removed = (steps[s][0] for s in ("added", "changed", "removed"))
    assert first_line(added) == (
        f"incremental build: payments for 2024-25 to 2025-26 (1 file added: {MONTH}, 401 rows)"
    )
    assert "spend_transactions: 1 file(s), 401 rows read" in added
    assert "allocations:" not in added  # the other feeds were not read again
    # the May file repeats two payments of payments.csv, which has payments in every year
    assert first_line(changed) == (
        "incremental build: payments for 2015-16 to 2024-25 (1 file added: "
        f"payments_2025-05.csv, 2 rows; 1 changed: {JUNE}, 300 rows; 1 more file(s) sharing "
        "payments with them read again)"
    )
    assert first_line(removed) == (
        f"incremental build: payments for 2021-22 to 2023-24 (1 file removed: {JUNE})"
    )
    assert "spend_transactions: 0 file(s), 0 rows read" in removed


@pytest.mark.parametrize("name", ["added", "changed", "removed"])
def test_a_build_by_year_publishes_what_a_full_build_does(steps, name):
    _, by_year, full, *_ = steps[name]
    after, whole = published_rows(by_year), published_rows(full)
    from orchestration.core.dbt_manifest import published_marts

    assert len(whole) == len(published_marts()) + 1
    assert sorted(after) == sorted(whole)
    for table in whole:
        assert after[table] == whole[table], table  # every value, money to the penny


@pytest.mark.parametrize("name", ["added", "changed", "removed"])
def test_a_build_by_year_keeps_the_books_a_full_build_does(steps, name):
    """Loaded rows, quarantine and each file's row accounting, not one row twice."""
    _, by_year, full, *_ = steps[name]
    for book, sql in BOOKS.items():
        assert _raw(by_year, sql) == _raw(full, sql), book
    ((read, loaded, aside),) = _raw(
        by_year,
        "select sum(rows_read), sum(rows_loaded), sum(rows_quarantined) from raw.feed_files "
        "where feed = 'spend_transactions'",
    )
    ((in_table,),) = _raw(by_year, "select count(*) from raw.spend_transactions")
    assert loaded == in_table and read == loaded + aside


def test_the_steps_changed_the_marts(steps):
    """Each step's change reached the published marts (else equal marts prove little)."""
    spend = [published_rows(steps[s][2])["place_spend_by_funding_line.parquet"] for s in steps]
    assert spend[0] != spend[1] != spend[2]


def test_a_new_files_repeats_of_old_payments_are_set_aside(steps):
    _, by_year, _, (exact_row, other_row) = steps["changed"]
    quarantined = _raw(
        by_year,
        "select source_row, rule, message from raw.quarantine "
        "where source_file = 'spend_transactions/payments_2025-05.csv' order by all",
    )
    assert [q[:2] for q in quarantined] == [(2, "duplicate_submission"), (3, "unique_key")]
    assert f"repeats spend_transactions/payments.csv row {exact_row} exactly" in quarantined[0][2]
    assert (
        f"different values from spend_transactions/payments.csv row {other_row}"
        in (quarantined[1][2])
    )


def test_a_full_build_over_the_last_one_sums_a_changed_file_afresh(steps, tmp_path):
    """int_payments_by_file keeps what it summed between builds; a full build over a warehouse
    whose payments file changed must not keep the file's old sums (it passes --full-refresh)."""
    from orchestration.cli.build import run_build

    _, by_year, *_ = steps["removed"]
    feeds = shutil.copytree(by_year.parent / "feeds", tmp_path / "feeds")
    warehouse = shutil.copytree(by_year, tmp_path / "warehouse", symlinks=True)
    path = feeds / "spend_transactions" / "payments.csv"
    rows = csv_rows(path)
    (row, _), *_ = loaded_rows(feeds, warehouse, 1)
    amount = rows[0].index("amount_gbp")
    rows[row - 1][amount] = str(round(float(rows[row - 1][amount]) + 1_000_000, 2))
    write_rows(path, rows)

    assert run_build(feeds, warehouse, "2024-25", full=True) == 0
    per_file = (
        "select source_file, sum(amount_gbp) from {} group by source_file order by source_file"
    )
    summed = _raw(warehouse, per_file.format("intermediate.int_payments_by_file"))
    assert summed == _raw(warehouse, per_file.format("raw.spend_transactions"))
    assert len(summed) == 2  # payments_2025-05.csv's two rows were set aside


def test_a_year_materialised_in_dagster_dev_is_summed_by_the_next_dbt_build(steps, tmp_path):
    """In `dagster dev` the payments of one year and the dbt models are materialised apart: the
    feed records the year it loaded again, the next dbt build sums that year again and forgets
    it, and a second dbt build sums nothing more. The sums are a full build's."""
    from dagster import AssetKey, AssetSelection, DagsterInstance, materialize

    from orchestration.cli.build import run_build
    from orchestration.core.payment_years import years_to_sum
    from orchestration.core.settings import Settings
    from orchestration.definitions import all_assets, resources
    from orchestration.defs.warehouse import warehouse_models

    _, by_year, *_ = steps["removed"]
    feeds = shutil.copytree(by_year.parent / "feeds", tmp_path / "feeds")
    warehouse = shutil.copytree(by_year, tmp_path / "warehouse", symlinks=True)
    june = "--rows 200 --start 2026-06 --months 1 --seed 17 --name june_2026"
    generate(feeds, *june.split())
    settings = Settings(feeds, warehouse, "2024-25")

    def run(selection, **partition) -> bool:
        with DagsterInstance.ephemeral() as instance:
            return materialize(
                all_assets,
                resources=resources(settings),
                selection=selection,
                instance=instance,
                raise_on_error=False,
                **partition,
            ).success

    def pending():
        with duckdb.connect(str(warehouse / "work" / "wholeplace.duckdb")) as con:
            return years_to_sum(con)

    payments = AssetSelection.assets(AssetKey(["raw", "spend_transactions"]))
    models = AssetSelection.assets(*warehouse_models.keys)
    # payments_2025-04.csv has a payment of 31 March 2025: 2025-26 alone is refused
    assert not run(payments, partition_key="2025-26")
    assert pending() == []
    assert run(payments, partition_key="2026-27")  # june_2026.csv's year, no other file's
    assert pending() == ["2026-27"]
    assert run(models)
    assert pending() == []
    summed = "select * from intermediate.int_payments_by_file order by all"
    after = _raw(warehouse, summed)
    assert run(models)
    assert _raw(warehouse, summed) == after

    assert run_build(feeds, tmp_path / "full", "2024-25") == 0
    assert after == _raw(tmp_path / "full", summed)
    assert any(row[0].endswith("june_2026.csv") for row in after)


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
