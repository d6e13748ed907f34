"""The spend_transactions contract run inside DuckDB (orchestration/core/engine_validation.py):
each rule, each tolerance and the row accounting, on small files whose every outcome is known."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from orchestration.core.engine_validation import configure, validate_in_engine
from orchestration.core.load_feeds import reference_context
from schemas import spend_transactions
from schemas.engine_rules import KnownCode

CONTRACT = spend_transactions.CONTRACT
HEADER = (
    "payment_date,area_code,service_area,funding_line,supplier_name,expense_type,amount_gbp,"
    "transaction_id"
)


def write(feeds: Path, name: str, *lines: str) -> None:
    folder = feeds / "spend_transactions"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def validated(feeds: Path, contract=CONTRACT):
    """The connection the feed was validated and loaded in, and the result."""
    con = duckdb.connect()
    configure(con, feeds.parent / "spill")
    context, _ = reference_context(feeds)
    return con, validate_in_engine(con, contract, feeds, context)


def run(feeds: Path, contract=CONTRACT):
    con, result = validated(feeds, contract)
    loaded = con.execute(
        "select source_file, source_row, payment_date, area_code, service_area, funding_line, "
        "cast(amount_gbp as varchar) from raw.spend_transactions order by source_file, source_row"
    ).fetchall()
    quarantine = con.execute(
        "select source_file, source_row, column_name, value, rule, message, severity "
        "from raw.quarantine order by source_file, source_row"
    ).fetchall()
    return result, loaded, quarantine


def messages(quarantine, rule: str) -> list[str]:
    return [f"row {q[1]}, {q[2]}: {q[5]}" for q in quarantine if q[4] == rule]


@pytest.fixture
def feeds(tmp_path) -> Path:
    return tmp_path / "feeds"


def test_good_rows_load_typed_and_tolerated_forms_are_read_as_meant(feeds):
    write(
        feeds,
        "a.csv",
        HEADER,
        "2024-05-01,E08000003,asc,DHSC-PHG,Acme Care,Care,1250.00,T1",
        '2024-05-02, e08000003 ,ASC,,Acme Care,Care,"£1,234.50",T2',
        "2024-05-03,E08000003,asc,,Acme Care,Care,(120.00),T3",
    )
    result, loaded, quarantine = run(feeds)
    assert [row[2:] for row in loaded] == [
        (
            dt.date(2024, 5, 1),
            "E08000003",
            "asc",
            "DHSC-PHG",
            "1250.00",
        ),
        (dt.date(2024, 5, 2), "E08000003", "asc", None, "1234.50"),
        (dt.date(2024, 5, 3), "E08000003", "asc", None, "-120.00"),
    ]
    warnings = [str(p) for p in result.problems if p.rule == "tolerated"]
    assert any("£ signs, thousands separators, first on row 3" in w for w in warnings), warnings
    assert any("negatives in brackets, first on row 4" in w for w in warnings), warnings
    assert any("codes in lower or mixed case" in w and "area_code" in w for w in warnings)
    assert any("leading or trailing spaces" in w for w in warnings), warnings
    assert [(f.rows_read, f.rows_loaded, f.rows_quarantined) for f in result.files] == [(3, 3, 0)]
    assert [q for q in quarantine if q[6] != "warn"] == []


def test_each_bad_value_is_quarantined_with_file_row_column_value_and_rule(feeds):
    write(
        feeds,
        "bad.csv",
        HEADER,
        "2024-05-01,E08000003,asc,,Acme,Care,TBC,T1",
        "31/02/2024,E08000003,asc,,Acme,Care,10.00,T2",
        "2024-05-01,E08000003,asc,,,Care,10.00,T3",
        "2024-05-01,E08000003,space,,Acme,Care,10.00,T4",
        "2024-05-01,E06999999,asc,,Acme,Care,10.00,T5",
        "2024-05-01,W06000001,asc,,Acme,Care,10.00,T6",
        "2024-05-01,E07000026,asc,,Acme,Care,10.00,T7",
        "2024-05-01,E08000003,asc,,Acme,Care,(-5),T8",
        "2024-05-01,E08000003,asc,,Acme,Care,10.00,T9",
    )
    result, loaded, quarantine = run(feeds)
    found = {(q[1], q[2], q[3], q[4]) for q in quarantine if q[6] == "quarantine"}
    assert found == {
        (2, "amount_gbp", "TBC", "money"),
        (3, "payment_date", "31/02/2024", "date"),
        (4, "supplier_name", "", "required"),
        (5, "service_area", "space", CONTRACT.engine_rules[0].rule),
        (6, "area_code", "E06999999", "known_area"),
        (7, "area_code", "W06000001", "english_authority"),
        (8, "area_code", "E07000026", "area_existed_in_year"),
        (9, "amount_gbp", "(-5)", "money"),
    }
    assert (
        "row 8, area_code: E07000026 (Allerdale) no longer existed in 2024-25: its last day "
        "was 2023-03-31; its successor is E06000063 (Cumberland)"
    ) in messages(quarantine, "area_existed_in_year")
    assert "row 2, amount_gbp: 'TBC' is not an amount in pounds" in messages(quarantine, "money")[0]
    assert [row[1] for row in loaded] == [10]
    assert [(f.rows_read, f.rows_loaded, f.rows_quarantined) for f in result.files] == [(9, 1, 8)]
    assert not result.blocked


def test_the_financial_year_of_a_payment_runs_april_to_march(feeds):
    # Barnsley was E08000016 to 2024-25 and is E08000038 from 2025-26 (30 September rule).
    write(
        feeds,
        "a.csv",
        HEADER,
        "2025-03-31,E08000016,asc,,Acme,Care,1.00,T1",
        "2025-04-01,E08000016,asc,,Acme,Care,1.00,T2",
        "2025-04-01,E08000038,asc,,Acme,Care,1.00,T3",
    )
    _, loaded, quarantine = run(feeds)
    assert [row[1] for row in loaded] == [2, 4]
    assert messages(quarantine, "area_existed_in_year") == [
        "row 3, area_code: E08000016 (Barnsley) no longer existed in 2025-26: its last day was "
        "2025-03-31; its successor is E08000038 (Barnsley)"
    ]


def test_repeats_exact_ones_set_aside_conflicting_ones_rejected_across_files(feeds):
    write(
        feeds,
        "a.csv",
        HEADER,
        "2024-05-01,E08000003,asc,,Acme,Care,10.00,T1",
        "2024-05-01,E08000003,asc,,Acme,Care,10.00,T1",
        "2024-05-01,E08000003,asc,,Acme,Care,20.00,T2",
    )
    write(feeds, "b.csv", HEADER, "2024-05-01,E08000003,asc,,Acme,Care,25.00,T2")
    result, loaded, quarantine = run(feeds)
    assert [(row[0], row[1]) for row in loaded] == [
        ("spend_transactions/a.csv", 2),
        ("spend_transactions/a.csv", 4),
    ]
    assert messages(quarantine, "duplicate_submission") == [
        "row 3, area_code, transaction_id: repeats spend_transactions/a.csv row 2 exactly "
        "(area_code=E08000003, transaction_id=T1); the repeat was set aside, not counted twice"
    ]
    assert messages(quarantine, "unique_key") == [
        "row 2, area_code, transaction_id: gives different values from spend_transactions/a.csv "
        "row 4 for the same area_code=E08000003, transaction_id=T2 (amount_gbp 20.00 there, "
        "25.00 here); each combination may appear only once: say which is right"
    ]
    accounting = {f.file: (f.rows_read, f.rows_loaded, f.rows_quarantined) for f in result.files}
    assert accounting == {
        "spend_transactions/a.csv": (3, 2, 1),
        "spend_transactions/b.csv": (1, 0, 1),
    }


def test_a_totals_row_is_dropped_with_a_warning(feeds):
    write(
        feeds,
        "a.csv",
        HEADER,
        "2024-05-01,E08000003,asc,,Acme,Care,10.00,T1",
        ",,,,Total,,10.00,",
    )
    result, loaded, quarantine = run(feeds)
    assert [row[1] for row in loaded] == [2]
    assert messages(quarantine, "totals_row") == [
        "row 3, None: looks like a totals row; it was dropped, never summed"
    ]
    assert [(f.rows_read, f.rows_loaded, f.rows_quarantined) for f in result.files] == [(2, 1, 1)]


def test_a_missing_column_blocks_the_file_and_a_renamed_header_is_read(feeds):
    write(feeds, "a.csv", HEADER.replace(",supplier_name", ""), "2024-05-01,E08000003,asc,,C,1,T1")
    write(
        feeds,
        "b.csv",
        HEADER.replace("amount_gbp", "Amount GBP"),
        "2024-05-01,E08000003,asc,,A,Care,1.00,T9",
    )
    result, loaded, _ = run(feeds)
    assert result.blocked
    assert "the required column 'supplier_name' is missing" in str(result.blocking_problems[0])
    assert any("read column headers 'Amount GBP' as amount_gbp" in str(p) for p in result.problems)
    assert [row[0] for row in loaded] == ["spend_transactions/b.csv"]
    accounting = {f.file: (f.rows_read, f.rows_loaded, f.rows_quarantined) for f in result.files}
    assert accounting["spend_transactions/a.csv"] == (1, 0, 1)


def test_parquet_rows_are_numbered_from_the_file(feeds):
    rows = {
        "payment_date": ["2024-05-01", "2024-05-01"],
        "area_code": ["E08000003", "E08000003"],
        "service_area": ["asc", "asc"],
        "funding_line": [None, None],
        "supplier_name": ["Acme", "Acme"],
        "expense_type": ["Care", "Care"],
        "amount_gbp": ["10.00", "oops"],
        "transaction_id": ["T1", "T2"],
    }
    (feeds / "spend_transactions").mkdir(parents=True)
    pq.write_table(pa.table(rows), feeds / "spend_transactions" / "p.parquet")
    result, loaded, quarantine = run(feeds)
    assert [row[:2] for row in loaded] == [("spend_transactions/p.parquet", 1)]
    assert [(q[1], q[2], q[3]) for q in quarantine if q[4] == "money"] == [
        (2, "amount_gbp", "oops")
    ]


def test_a_rule_taken_out_of_the_contract_no_longer_catches_its_rows(feeds):
    """The known-code rule is what catches an unknown service area: without it the row loads."""
    write(feeds, "a.csv", HEADER, "2024-05-01,E08000003,space,,Acme,Care,10.00,T1")
    without = dataclasses.replace(
        CONTRACT, engine_rules=[r for r in CONTRACT.engine_rules if not isinstance(r, KnownCode)]
    )
    _, loaded_with, _ = run(feeds)
    _, loaded_without, _ = run(feeds, without)
    assert (len(loaded_with), len(loaded_without)) == (0, 1)


def test_no_files_gives_an_empty_table_not_a_failure(feeds):
    feeds.mkdir()
    result, loaded, _ = run(feeds)
    assert (result.files, loaded, result.blocked) == ([], [], False)


def test_wholeplace_toml_can_make_row_problems_block_beyond_the_rows_kept_for_printing(feeds):
    """Blocking is counted in the engine, not from the first rows handed back to Python."""
    good = [f"2024-05-01,E08000003,asc,,Acme,Care,10.00,T{n}" for n in range(300)]
    repeats = good[:250]  # 250 duplicated submissions (warnings) come before the bad row
    write(feeds, "a.csv", HEADER, *good, *repeats, "2024-05-01,E08000003,asc,,Acme,Care,TBC,X")
    (feeds / "wholeplace.toml").write_text('[spend_transactions]\nrow_problems = "block"\n')
    result, _, _ = run(feeds)
    assert result.blocked
    assert result.blocking_row_count == 1
    (feeds / "wholeplace.toml").unlink()
    assert not run(feeds)[0].blocked


MONEY_VALUES = [
    "1250.00",
    "£1,234.50",
    "(120.00)",
    "12.345",  # rounded to the penny on both paths
    "1e6",
    "1.5E+3",
    "99999999999999999",  # 17 digits of pounds
    "-10000000000000000",
    "9999999999999999.99",
    "١٢٣",  # Arabic-Indic digits
    "12_000",
    "NaN",
    "TBC",
    "(-5)",
]


def _row_path_amount(value: str):
    """What schemas/validate (the row-by-row path) makes of one amount: (value or None, rule,
    message)."""
    from schemas.validate import _parse_value

    spec = next(f for f in CONTRACT.fields if f.name == "amount_gbp")
    row = {"source_file": "spend_transactions/a.csv", "source_row": 1}
    problems, tolerated = [], []
    parsed = _parse_value(CONTRACT, spec, row, value, problems, tolerated)
    if problems:
        return None, problems[0].rule, problems[0].message
    return f"{parsed:.2f}", None, None


@pytest.mark.parametrize("value", MONEY_VALUES)
def test_money_rules_and_messages_are_the_row_by_row_paths(feeds, value):
    write(feeds, "a.csv", HEADER, f'2024-05-01,E08000003,asc,,Acme,Care,"{value}",T1')
    _, loaded, quarantine = run(feeds)
    in_engine = [(q[4], q[5]) for q in quarantine if q[2] == "amount_gbp" and q[4] != "tolerated"]
    expected_value, rule, message = _row_path_amount(value)
    if rule is None:
        assert in_engine == []
        assert [row[6] for row in loaded] == [expected_value]
    else:
        assert loaded == []
        assert in_engine == [(rule, message)]


@pytest.mark.parametrize(
    ("codes", "impossible"),
    [(["asc", "edu"], True), (["asc", "Total"], False), (["asc", "42"], False)],
)
def test_totals_check_is_skipped_for_plain_rows_only_when_no_known_code_could_be_a_total(
    codes, impossible
):
    """A plain row has its codes found in the reference; a totals row has only blanks, numbers
    and words like Total, so a reference code that is one of those keeps the check."""
    from orchestration.core.engine_validation import totals_row_impossible

    contract = dataclasses.replace(
        CONTRACT, engine_rules=[r for r in CONTRACT.engine_rules if isinstance(r, KnownCode)]
    )
    con = duckdb.connect()
    con.execute("create temp table ref_service_areas (service_area varchar)")
    con.executemany("insert into ref_service_areas values (?)", [[c] for c in codes])
    assert totals_row_impossible(con, contract) is impossible


def test_a_nul_byte_sets_its_row_aside_naming_the_value(feeds):
    """The row-by-row path refuses a file holding a NUL byte; a payments file is set aside row by
    row instead, with the same words, and the value shown with the byte written out."""
    write(
        feeds,
        "nul.csv",
        HEADER,
        "2024-05-01,E08000003,asc,,Acme\x00 Care,Care,10.00,T1",
        "2024-05-01,E08000003,asc,,Acme Care,Care,10.00,T2",
        "2024-05-01,E08000003,asc,,Acme Care,Care,1\x000.00,T3",
    )
    result, loaded, quarantine = run(feeds)
    found = [(q[1], q[2], q[3], q[4]) for q in quarantine if q[6] == "quarantine"]
    assert found == [
        (2, "supplier_name", "Acme<NUL> Care", "nul_byte"),
        (4, "amount_gbp", "1<NUL>0.00", "nul_byte"),
    ]
    assert messages(quarantine, "nul_byte")[0].startswith(
        "row 2, supplier_name: 'Acme<NUL> Care' holds a NUL byte (character code 0)"
    )
    assert [row[1] for row in loaded] == [3]
    assert [(f.rows_read, f.rows_loaded, f.rows_quarantined) for f in result.files] == [(3, 1, 2)]


def test_a_no_break_space_at_either_end_is_trimmed_and_an_accent_is_kept(feeds):
    """Only a value beyond ASCII is checked for the other Unicode spaces (core/engine_validation.
    _plain): a no-break or ideographic space at either end is trimmed with a warning, like a
    space; a supplier with an accent and no such space loads exactly as written."""
    write(
        feeds,
        "unicode.csv",
        HEADER,
        "2024-05-01,E08000003,asc,,Acme Care\u00a0,Care,10.00,T1",
        "2024-05-01,E08000003,asc,,\u3000Acme Care,Care,10.00,T2",
        "2024-05-01,E08000003,asc,,Café Crème,Care,10.00,T3",
    )
    con, result = validated(feeds)
    suppliers = con.execute(
        "select supplier_name from raw.spend_transactions order by source_row"
    ).fetchall()
    assert suppliers == [("Acme Care",), ("Acme Care",), ("Café Crème",)]
    spaced = [p for p in result.problems if "leading or trailing spaces" in p.message]
    assert [(p.column, p.row) for p in spaced] == [("supplier_name", 2)], spaced
    assert [(f.rows_read, f.rows_loaded, f.rows_quarantined) for f in result.files] == [(3, 3, 0)]
