"""Feed contracts on small hand-made frames: each rule rejects what it should, with a message that
names file, row, column and value."""

import pandas as pd
import pytest

from orchestration.core.load_feeds import reference_context
from schemas import allocations, outturn, pooling_agreements, settlements
from schemas.validate import validate_frames


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    bundled_only, _ = reference_context(tmp_path_factory.mktemp("no_reference"))
    return bundled_only


def frame(rows: list[dict], file: str) -> tuple[str, pd.DataFrame]:
    text = pd.DataFrame(rows).astype(str)
    text.insert(0, "source_row", range(1, len(text) + 1))
    text.insert(0, "source_file", file)
    return file, text


def allocation(**changes) -> dict:
    row = {
        "financial_year": "2025-26",
        "department": "DfE",
        "funding_line": "DFE-AEB",
        "funding_line_name": "Adult Education Budget",
        "area_code": "E47000001",
        "budget_type": "resource",
        "amount_gbp": "102000000",
    }
    return row | changes


def problems_for(contract, rows, context, file="allocations/test.csv"):
    loaded, quarantined, problems = validate_frames(contract, [frame(rows, file)], context)
    return loaded, quarantined, problems


def test_a_valid_allocation_loads(context):
    loaded, quarantined, problems = problems_for(allocations.CONTRACT, [allocation()], context)
    assert problems == [] and len(loaded) == 1 and quarantined.empty
    assert str(loaded.iloc[0]["amount_gbp"]) == "102000000.00"


@pytest.mark.parametrize(
    "change, column, words",
    [
        ({"amount_gbp": "-5"}, "amount_gbp", "an allocation must not be negative"),
        ({"amount_gbp": "lots"}, "amount_gbp", "'lots' is not an amount in pounds"),
        ({"budget_type": "revenue"}, "budget_type", "budget_type must be 'resource' or 'capital'"),
        ({"financial_year": "2025"}, "financial_year", "'2025' is not a financial year"),
        ({"financial_year": "2025-27"}, "financial_year", "'2025-27' is not a financial year"),
        ({"department": "DoX"}, "department", "is not a known department code"),
        ({"area_code": "E99999999"}, "area_code", "not the GSS code of an English"),
        ({"area_code": "E06999999"}, "area_code", "is not a GSS code that has ever existed"),
        ({"funding_line": ""}, "funding_line", "is blank; a value is required"),
    ],
)
def test_each_allocation_rule_names_file_row_column(context, change, column, words):
    rows = [allocation(), allocation(area_code="E08000001") | change]
    _, _, problems = problems_for(allocations.CONTRACT, rows, context)
    assert len(problems) == 1, problems
    problem = problems[0]
    assert (problem.file, problem.row, problem.column) == ("allocations/test.csv", 2, column)
    assert words in problem.message
    assert str(problem).startswith(f"allocations/test.csv row 2, column {column}:")
    assert problem.severity == "block"


def test_abolished_area_code_names_its_successor(context):
    rows = [allocation(area_code="E07000026", financial_year="2024-25")]
    _, _, [problem] = problems_for(allocations.CONTRACT, rows, context)
    assert problem.message == (
        "E07000026 (Allerdale) no longer existed in 2024-25: its last day was 2023-03-31; "
        "its successor is E06000063 (Cumberland)"
    )


def test_area_code_before_it_existed(context):
    rows = [allocation(area_code="E47000014", financial_year="2023-24")]
    _, _, [problem] = problems_for(allocations.CONTRACT, rows, context)
    assert "did not exist yet in 2023-24: it started on 2024-05-07" in problem.message


def test_same_key_with_different_amounts_is_rejected_naming_both_rows(context):
    rows = [allocation(), allocation(amount_gbp="5")]
    loaded, _, [problem] = problems_for(allocations.CONTRACT, rows, context)
    assert problem.row == 2 and problem.rule == "unique_key" and problem.severity == "block"
    assert "gives different values from allocations/test.csv row 1" in problem.message
    assert "amount_gbp 102000000.00 there, 5.00 here" in problem.message


def test_an_exact_duplicate_submission_is_set_aside_with_a_warning(context):
    loaded, set_aside, [problem] = problems_for(
        allocations.CONTRACT, [allocation(), allocation()], context
    )
    assert problem.rule == "duplicate_submission" and problem.severity == "warn"
    assert len(loaded) == 1 and len(set_aside) == 1


def test_missing_column_blocks_the_file_and_lists_what_it_saw(context):
    row = allocation()
    del row["budget_type"]
    loaded, _, [problem] = problems_for(allocations.CONTRACT, [row], context)
    assert loaded.empty and problem.row is None and problem.rule == "missing_column"
    assert "the required column 'budget_type' is missing" in problem.message


def test_every_problem_is_reported_at_once(context):
    rows = [allocation(amount_gbp="-1"), allocation(area_code="E08000002", budget_type="x")]
    _, _, problems = problems_for(allocations.CONTRACT, rows, context)
    assert {(p.row, p.column) for p in problems} == {(1, "amount_gbp"), (2, "budget_type")}


def test_outturn_row_problems_quarantine_and_rows_add_up(context):
    rows = [
        {
            "financial_year": "2023-24",
            "area_code": "E08000001",
            "service_area": "asc",
            "amount_gbp": "-1200.50",
        },
        {
            "financial_year": "2023-24",
            "area_code": "E08000001",
            "service_area": "space",
            "amount_gbp": "100",
        },
    ]
    loaded, quarantined, [problem] = problems_for(
        outturn.CONTRACT, rows, context, "outturn/test.csv"
    )
    assert problem.severity == "quarantine" and problem.column == "service_area"
    assert len(loaded) + len(quarantined) == len(rows) == 2
    assert str(loaded.iloc[0]["amount_gbp"]) == "-1200.50"


def test_settlement_rules(context):
    rows = [
        {
            "settlement_id": "S1",
            "place_code": "E08000001",
            "first_year": "2025-26",
            "last_year": "2029-30",
            "gain_share_rate": "0.5",
        },
        {
            "settlement_id": "S2",
            "place_code": "E47000001",
            "first_year": "2027-28",
            "last_year": "2025-26",
            "gain_share_rate": "50",
        },
    ]
    _, _, problems = problems_for(
        settlements.CONTRACT, rows, context, "settlements/settlements.csv"
    )
    messages = {(p.row, p.column): p.message for p in problems}
    assert "is not a combined authority code" in messages[(1, "place_code")]
    assert "a share, not a percentage" in messages[(2, "gain_share_rate")]
    assert messages[(2, "last_year")] == "last_year 2025-26 is before first_year 2027-28"


def test_pooling_share_above_one_and_unknown_settlement(context):
    context.feeds["settlements"] = pd.DataFrame({"settlement_id": ["S1"]})
    context.feeds["allocations"] = pd.DataFrame({"funding_line": ["DFE-AEB"]})
    rows = [
        {
            "settlement_id": "S1",
            "funding_line": "DFE-AEB",
            "pillar": "adult skills",
            "share": "1.5",
        },
        {"settlement_id": "S9", "funding_line": "DFE-AEB", "pillar": "adult skills", "share": "1"},
    ]
    try:
        _, _, problems = problems_for(
            pooling_agreements.CONTRACT, rows, context, "settlements/pooling_agreements.csv"
        )
    finally:
        context.feeds.clear()
    messages = {(p.row, p.column): p.message for p in problems}
    assert "at most 1" in messages[(1, "share")]
    assert messages[(2, "settlement_id")] == "'S9' is not a settlement in the settlements feed"


def test_two_different_unreadable_amounts_are_not_a_duplicated_submission(context):
    rows = [allocation(amount_gbp="1e5"), allocation(amount_gbp="NaN")]
    loaded, quarantined, problems = problems_for(allocations.CONTRACT, rows, context)
    rules = [p.rule for p in problems if p.row == 2]
    assert "duplicate_submission" not in rules
    assert "unique_key" in rules
    assert len(loaded) + len(quarantined) == 2 and loaded.empty


def test_a_repeated_row_is_still_a_duplicated_submission(context):
    rows = [allocation(), allocation()]
    loaded, quarantined, problems = problems_for(allocations.CONTRACT, rows, context)
    assert [p.rule for p in problems] == ["duplicate_submission"]
    assert len(loaded) == 1 and len(quarantined) == 1
