"""Property-based: random valid allocation rows (written in any of the forms real spreadsheets
use) always load; rows corrupted by a known-bad value never load."""

from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestration.core.load_feeds import reference_context
from schemas import allocations
from schemas.validate import validate_frames

# Greater Manchester's boroughs and the combined authority exist in every year generated here.
AREAS = [f"E0800000{n}" for n in range(1, 10)] + ["E08000010", "E47000001"]
DEPARTMENTS = ["DfE", "DHSC", "DWP", "MHCLG", "DfT"]
CORRUPTIONS = {
    "amount_gbp": ["-1", "abc", "1.2.3", "(-5)"],
    "budget_type": ["revenue", "rdel", ""],
    "financial_year": ["2025", "2025-27", "25-26", ""],
    "department": ["DoX", "Treasury"],
    "area_code": ["E99999999", "W06000001", "E47999999", ""],
    "funding_line": [""],
}


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    bundled, _ = reference_context(tmp_path_factory.mktemp("none"))
    return bundled


def written_amount(pence: int, style: int) -> str:
    pounds = Decimal(pence) / 100
    return [f"{pounds}", f"£{pounds:,}", f"{pounds:,}", f" {pounds} "][style]


def written_year(start: int, style: int) -> str:
    end = (start + 1) % 100
    return [
        f"{start}-{end:02d}",
        f"{start}/{end:02d}",
        f"{start}{end:02d}",
        f"FY{start}-{end:02d}",
    ][style]


valid_row = st.fixed_dictionaries(
    {
        "start": st.integers(2015, 2029),
        "year_style": st.integers(0, 3),
        "department": st.sampled_from(DEPARTMENTS),
        "area_code": st.sampled_from(AREAS),
        "area_style": st.sampled_from(["as is", "lower", "padded"]),
        "budget_type": st.sampled_from(["resource", "capital", "Resource", "CAPITAL"]),
        "pence": st.integers(0, 10**13),
        "amount_style": st.integers(0, 3),
    }
)


def to_text(index: int, row: dict) -> dict:
    code = {
        "as is": row["area_code"],
        "lower": row["area_code"].lower(),
        "padded": f"  {row['area_code']} ",
    }[row["area_style"]]
    return {
        "financial_year": written_year(row["start"], row["year_style"]),
        "department": row["department"],
        "funding_line": f"LINE-{index}",  # unique, so keys never collide
        "funding_line_name": f"Line {index}",
        "area_code": code,
        "budget_type": row["budget_type"],
        "amount_gbp": written_amount(row["pence"], row["amount_style"]),
    }


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(valid_row, min_size=1, max_size=12),
    corruptions=st.lists(
        st.tuples(st.integers(0, 11), st.sampled_from(sorted(CORRUPTIONS)), st.integers(0, 3)),
        max_size=5,
    ),
)
def test_valid_rows_load_and_corrupted_rows_never_do(context, rows, corruptions):
    text_rows = [to_text(i, row) for i, row in enumerate(rows)]
    corrupted = set()
    for index, column, choice in corruptions:
        if index < len(text_rows):
            options = CORRUPTIONS[column]
            text_rows[index][column] = options[choice % len(options)]
            corrupted.add(index + 1)
    frame = pd.DataFrame(text_rows).astype(str)
    frame.insert(0, "source_row", range(1, len(frame) + 1))
    frame.insert(0, "source_file", "allocations/random.csv")

    loaded, set_aside, problems = validate_frames(allocations.CONTRACT, [("f", frame)], context)

    loaded_rows = set(loaded["source_row"].astype(int))
    assert loaded_rows == set(range(1, len(rows) + 1)) - corrupted, [str(p) for p in problems]
    assert len(loaded) + len(set_aside) == len(rows)
    for _, row in loaded.iterrows():
        original = rows[int(row["source_row"]) - 1]
        assert row["amount_gbp"] == Decimal(original["pence"]) / 100
        assert row["area_code"] == original["area_code"]
        assert row["budget_type"] == original["budget_type"].lower()
        assert row["financial_year"] == written_year(original["start"], 0)


# --- random bytes, encodings and sheet layouts through the whole file path ------------------------

FEED_BYTES = st.one_of(
    st.binary(max_size=400),
    st.text(max_size=300).map(
        lambda t: (
            "financial_year,department,funding_line,funding_line_name,area_code,budget_type,"
            "amount_gbp\n" + t
        )
    ),
).flatmap(
    lambda data: st.sampled_from(["utf-8", "utf-16", "cp1252", "bytes"]).map(
        lambda encoding: (
            data
            if isinstance(data, bytes)
            else data.encode("utf-8" if encoding == "bytes" else encoding, errors="replace")
        )
    )
)
CELLS = st.one_of(
    st.sampled_from(["2025-26", "DfE", "DFE-AEB", "E08000001", "resource", "Total", "NaN", ""]),
    st.integers(min_value=-(10**17), max_value=10**17),
    st.text(max_size=8),
)


def _workbook_bytes(sheets) -> bytes:
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    if all(hidden for hidden, _, _ in sheets):  # Excel itself keeps one sheet visible
        sheets = [(False, *sheets[0][1:]), *sheets[1:]]
    for number, (hidden, header, rows) in enumerate(sheets):
        sheet = workbook.create_sheet(f"S{number}")
        if header:
            sheet.append(allocations.CONTRACT.columns)
        for row in rows:
            sheet.append(
                [
                    c if not isinstance(c, str) else "".join(ch for ch in c if ch.isprintable())
                    for c in row
                ]
            )
        sheet.sheet_state = "hidden" if hidden else "visible"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


SHEETS = st.lists(
    st.tuples(st.booleans(), st.booleans(), st.lists(st.lists(CELLS, max_size=8), max_size=4)),
    min_size=1,
    max_size=3,
)


def _assert_validate_behaves(tmp_path, name: str, data: bytes, context) -> None:
    from orchestration.core.load_feeds import validate_feed

    feeds = tmp_path / "feeds"
    folder = feeds / "allocations"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    (folder / name).write_bytes(data)
    result = validate_feed(allocations.CONTRACT, feeds, context)  # never raises
    for report in result.files:
        assert report.rows_read == report.rows_loaded + report.rows_quarantined, report
    for problem in result.problems:
        assert problem.file.startswith(f"allocations/{name}"), problem


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=FEED_BYTES)
def test_random_bytes_in_any_encoding_never_raise(tmp_path, context, data):
    _assert_validate_behaves(tmp_path, "random.csv", data, context)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sheets=SHEETS)
def test_random_sheet_layouts_never_raise(tmp_path, context, sheets):
    _assert_validate_behaves(tmp_path, "random.xlsx", _workbook_bytes(sheets), context)
