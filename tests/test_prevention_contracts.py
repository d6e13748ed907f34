"""The prevention feeds' contracts (interventions, their costs and benefit streams) and the
reference tables the method reads: each rule rejects what it should, naming file, row and column."""

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestration.core.engine_validation import validate_in_engine
from orchestration.core.feed_files import HEADER_ROW, spreadsheet_rows
from orchestration.core.load_feeds import reference_context
from schemas import intervention_benefits, intervention_costs, interventions, reference
from schemas.validate import validate_frames

INTERVENTIONS_FILE = "interventions/interventions.csv"
COSTS_FILE = "interventions/intervention_costs.csv"
BENEFITS_FILE = "interventions/intervention_benefits.csv"


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    bundled_only, _ = reference_context(tmp_path_factory.mktemp("no_reference"))
    return bundled_only


@pytest.fixture
def with_interventions(context):
    """The bundled reference data plus a loaded interventions feed, as the build has it."""
    loaded, _, problems = validate(interventions.CONTRACT, [intervention()], context)
    assert problems == []
    context.feeds["interventions"] = loaded
    yield context
    context.feeds.pop("interventions")


def frame(rows: list[dict], file: str) -> tuple[str, pd.DataFrame]:
    text = pd.DataFrame(rows).astype(str)
    text.insert(0, "source_row", spreadsheet_rows(len(text)))
    text.insert(0, "source_file", file)
    return file, text


PATH = {"in_engine": False, "feeds": None}  # set per test by the fixture below


@pytest.fixture(autouse=True, params=["row_by_row", "in_engine"])
def path(request, tmp_path):
    """Every test on both paths; the engine path for the feeds a build validates there."""
    PATH.update(in_engine=request.param == "in_engine", feeds=tmp_path / "feeds")
    yield request.param
    PATH.update(in_engine=False, feeds=None)


def validate_in_duckdb(contract, rows, context, file: str):
    """(loaded, the rows set aside, problems) of the rows written as `file`, checked in DuckDB."""
    target = Path(PATH["feeds"]) / file
    target.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(target, index=False)
    with duckdb.connect() as con:
        result = validate_in_engine(con, contract, PATH["feeds"], context)
        loaded = con.execute(f'select * from raw."{contract.table}"').fetchdf()
        set_aside = con.execute(
            "select distinct source_file, source_row from raw.quarantine "
            "where feed = ? and severity <> 'warn' and source_row is not null",
            [contract.name],
        ).fetchdf()
    target.unlink()
    return loaded, set_aside, result.problems


def validate(contract, rows, context, file=None):
    file = file or {
        "interventions": INTERVENTIONS_FILE,
        "intervention_costs": COSTS_FILE,
        "intervention_benefits": BENEFITS_FILE,
    }.get(contract.name, f"reference/{contract.name}.csv")
    if PATH["in_engine"] and contract.validated_in_engine:
        return validate_in_duckdb(contract, rows, context, file)
    return validate_frames(contract, [frame(rows, file)], context)


def intervention(**changes) -> dict:
    row = {
        "intervention_id": "GM-KW1",
        "place_code": "E47000001",
        "name": "Key workers for families with complex needs",
        "investing_agency": "Local Authority",
        "funding_line": "",
        "start_year": "2025-26",
        "cost_confidence_grade": "2",
    }
    return row | changes


def cost(year: str, **changes) -> dict:
    return {"intervention_id": "GM-KW1", "financial_year": year, "cost_gbp": "250000"} | changes


def benefit(**changes) -> dict:
    row = {
        "intervention_id": "GM-KW1",
        "benefit_id": "GM-KW1-B1",
        "unit_cost_code": "SS1.0",
        "cohort_size": "200",
        "engagement_rate": "0.8",
        "success_rate": "0.1",
        "deadweight": "0.3",
        "attribution": "0.9",
        "drop_off": "0.25",
        "start_offset_years": "2",
        "duration_years": "3",
        "confidence_grade": "2",
        "cashable_share": "0.5",
    }
    return row | changes


def only_problem(problems, file, nth_row, column):
    """The one problem, on the nth row written (Excel's row nth_row + 1: the header is row 1)."""
    row = nth_row + HEADER_ROW
    assert len(problems) == 1, [str(p) for p in problems]
    problem = problems[0]
    assert (problem.file, problem.row, problem.column) == (file, row, column)
    assert str(problem).startswith(f"{file} row {row}, column {column}:")
    assert problem.severity == "block"
    return problem


# --- valid rows load -------------------------------------------------------------------------


def test_a_valid_intervention_with_costs_and_benefits_loads(with_interventions):
    costs = [cost("2025-26"), cost("2026-27"), cost("2027-28", cost_gbp="0")]
    loaded, quarantined, problems = validate(intervention_costs.CONTRACT, costs, with_interventions)
    assert problems == [] and len(loaded) == 3 and quarantined.empty
    loaded, _, problems = validate(intervention_benefits.CONTRACT, [benefit()], with_interventions)
    assert problems == [] and len(loaded) == 1


@pytest.mark.parametrize("attribution", ["", None])
def test_attribution_defaults_to_1(with_interventions, attribution):
    row = benefit(attribution="") if attribution == "" else benefit()
    if attribution is None:
        row.pop("attribution")  # the column itself is optional
    loaded, _, problems = validate(intervention_benefits.CONTRACT, [row], with_interventions)
    assert problems == []
    assert loaded.iloc[0]["attribution"] == 1.0


# --- benefits --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "column", ["engagement_rate", "success_rate", "deadweight", "attribution", "drop_off",
               "cashable_share"],
)  # fmt: skip
@pytest.mark.parametrize("value", ["1.2", "-0.1"])
def test_a_rate_outside_0_to_1_is_refused(with_interventions, column, value):
    rows = [benefit(), benefit(benefit_id="GM-KW1-B2", **{column: value})]
    _, quarantined, problems = validate(intervention_benefits.CONTRACT, rows, with_interventions)
    problem = only_problem(problems, BENEFITS_FILE, 2, column)
    assert problem.message == f"'{value}' must be between 0 and 1 (a share, not a percentage)"
    assert problem.value == value
    assert len(quarantined) == 1


def test_a_percentage_written_as_text_is_refused(with_interventions):
    rows = [benefit(deadweight="30%")]
    _, _, problems = validate(intervention_benefits.CONTRACT, rows, with_interventions)
    problem = only_problem(problems, BENEFITS_FILE, 1, "deadweight")
    assert "'30%' is not a number" in problem.message


def test_an_unknown_unit_cost_code_is_refused(with_interventions):
    rows = [benefit(), benefit(benefit_id="GM-KW1-B2", unit_cost_code="SS99.9")]
    _, _, problems = validate(intervention_benefits.CONTRACT, rows, with_interventions)
    problem = only_problem(problems, BENEFITS_FILE, 2, "unit_cost_code")
    assert problem.message.startswith("'SS99.9' is not a known unit cost code")


def test_an_unknown_intervention_id_is_refused(with_interventions):
    rows = [benefit(), benefit(benefit_id="GM-XX1-B1", intervention_id="GM-XX1")]
    _, _, problems = validate(intervention_benefits.CONTRACT, rows, with_interventions)
    problem = only_problem(problems, BENEFITS_FILE, 2, "intervention_id")
    assert problem.message == "'GM-XX1' is not a known intervention in the interventions feed"


def test_a_duplicate_benefit_id_is_refused(with_interventions):
    rows = [benefit(), benefit(unit_cost_code="HE4.0")]
    _, quarantined, problems = validate(intervention_benefits.CONTRACT, rows, with_interventions)
    problem = only_problem(problems, BENEFITS_FILE, 2, "benefit_id")
    assert f"{BENEFITS_FILE} row 2" in problem.message  # the row it repeats (Excel row 2)
    assert "benefit_id=GM-KW1-B1" in problem.message
    assert len(quarantined) == 1


@pytest.mark.parametrize("grade", ["0", "7"])
def test_a_benefit_confidence_grade_outside_1_to_6_is_refused(with_interventions, grade):
    rows = [benefit(confidence_grade=grade)]
    _, _, problems = validate(intervention_benefits.CONTRACT, rows, with_interventions)
    problem = only_problem(problems, BENEFITS_FILE, 1, "confidence_grade")
    assert problem.message == (
        f"'{grade}' is not a confidence grade (grades run from 1, the strongest evidence, "
        "to 6, the weakest)"
    )


@pytest.mark.parametrize(
    "change, column, words",
    [
        ({"start_offset_years": "-1"}, "start_offset_years", "must be 0 or more"),
        ({"duration_years": "0"}, "duration_years", "a benefit lasts at least 1 year"),
        ({"duration_years": "2.5"}, "duration_years", "is not a whole number"),
        ({"cohort_size": "-5"}, "cohort_size", "a cohort must not be negative"),
        ({"start_offset_years": "40", "duration_years": "61"}, "duration_years", "runs past year"),
    ],
)
def test_benefit_timing_and_cohort_rules(with_interventions, change, column, words):
    rows = [benefit(**change)]
    _, _, problems = validate(intervention_benefits.CONTRACT, rows, with_interventions)
    assert words in only_problem(problems, BENEFITS_FILE, 1, column).message


def test_every_problem_of_a_benefits_file_is_reported_at_once(with_interventions):
    rows = [
        benefit(success_rate="1.5"),
        benefit(benefit_id="GM-KW1-B2", unit_cost_code="NOPE", confidence_grade="9"),
    ]
    _, _, problems = validate(intervention_benefits.CONTRACT, rows, with_interventions)
    assert {(p.row, p.column) for p in problems} == {
        (2, "success_rate"),  # Excel rows: the header is row 1
        (3, "unit_cost_code"),
        (3, "confidence_grade"),
    }


# --- costs -----------------------------------------------------------------------------------


def test_a_missing_cost_year_is_refused_naming_the_row_after_the_gap(with_interventions):
    rows = [cost("2025-26"), cost("2027-28"), cost("2028-29")]
    _, _, problems = validate(intervention_costs.CONTRACT, rows, with_interventions)
    problem = only_problem(problems, COSTS_FILE, 2, "financial_year")
    assert problem.rule == "every_cost_year"
    assert problem.message == (
        "intervention GM-KW1 has no cost row for 2026-27 (the years before this row's 2027-28): "
        "every year from its start year 2025-26 to its last cost year 2028-29 needs a row "
        "(write 0 for a year without spending)"
    )


def test_costs_must_start_in_the_start_year(with_interventions):
    rows = [cost("2026-27"), cost("2027-28")]
    _, _, problems = validate(intervention_costs.CONTRACT, rows, with_interventions)
    problem = only_problem(problems, COSTS_FILE, 1, "financial_year")
    assert "no cost row for 2025-26" in problem.message


def test_a_gap_of_two_years_is_one_problem_naming_both(with_interventions):
    rows = [cost("2025-26"), cost("2028-29")]
    _, _, problems = validate(intervention_costs.CONTRACT, rows, with_interventions)
    problem = only_problem(problems, COSTS_FILE, 2, "financial_year")
    assert "no cost rows for 2026-27, 2027-28" in problem.message


def test_a_cost_before_the_start_year_is_refused(with_interventions):
    rows = [cost("2024-25"), cost("2025-26")]
    _, _, problems = validate(intervention_costs.CONTRACT, rows, with_interventions)
    problem = only_problem(problems, COSTS_FILE, 1, "financial_year")
    assert problem.message.startswith("'2024-25' is before intervention GM-KW1's start_year")


def test_a_cost_before_the_start_year_and_a_gap_after_it_are_two_problems(with_interventions):
    rows = [cost("2026-27"), cost("2024-25"), cost("2028-29")]
    _, _, problems = validate(intervention_costs.CONTRACT, rows, with_interventions)
    problems = sorted(problems, key=lambda p: p.row)
    assert [(p.row, p.rule, p.value) for p in problems] == [
        (2, "every_cost_year", "2025-26"),
        (3, "cost_before_start_year", "2024-25"),
        (4, "every_cost_year", "2027-28"),
    ]
    assert problems[0].message.startswith("intervention GM-KW1 has no cost row for 2025-26 ")


def test_a_gap_is_named_on_the_first_row_after_it_of_each_intervention(with_interventions):
    """Rows in any order, a year given twice, two interventions: the gap is reported on the
    first row (in the file) of the year after it, for each intervention once."""
    rows = [
        cost("2028-29", intervention_id="GM-XX1"),
        cost("2027-28"),
        cost("2025-26"),
        cost("2027-28", cost_gbp="1"),
        cost("2025-26", intervention_id="GM-XX1"),
    ]
    _, _, problems = validate(intervention_costs.CONTRACT, rows, with_interventions)
    gaps = [(p.row, p.value, p.message) for p in problems if p.rule == "every_cost_year"]
    assert gaps == [
        (
            2,  # GM-XX1 is not in the interventions feed: its first year is its earliest
            "2026-27, 2027-28",
            "intervention GM-XX1 has no cost rows for 2026-27, 2027-28 (the years before this "
            "row's 2028-29): every year from its start year 2025-26 to its last cost year "
            "2028-29 needs a row (write 0 for a year without spending)",
        ),
        (
            3,
            "2026-27",
            "intervention GM-KW1 has no cost row for 2026-27 (the years before this row's "
            "2027-28): every year from its start year 2025-26 to its last cost year 2027-28 "
            "needs a row (write 0 for a year without spending)",
        ),
    ]


COST_YEAR_RULES = {"every_cost_year", "cost_before_start_year"}
cost_rows = st.lists(
    st.tuples(
        st.sampled_from(["A", "B", "C"]),
        st.integers(2022, 2032),
        st.sampled_from(["{s}-{e:02d}", "{s}/{e:02d}", "FY{s}-{e:02d}"]),
    ),
    min_size=1,
    max_size=14,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=cost_rows, starts=st.dictionaries(st.sampled_from(["A", "B"]), st.integers(2022, 2030)))
def test_the_cost_year_rules_give_the_same_problems_on_both_paths(context, path, rows, starts):
    """Random costs (interventions with and without a start year, years in any order, left out,
    repeated, written in the tolerated forms, past the deflator series): the engine's set-based
    SQL reports the same rows, values and messages as the row-by-row rules."""
    if path == "in_engine":
        pytest.skip("compares both paths itself")
    context.feeds["interventions"] = pd.DataFrame(
        {
            "intervention_id": list(starts),
            "start_year": [f"{s}-{(s + 1) % 100:02d}" for s in starts.values()],
        }
    )
    written = [
        cost(form.format(s=year, e=(year + 1) % 100), intervention_id=key, cost_gbp=str(n))
        for n, (key, year, form) in enumerate(rows)
    ]
    try:
        _, _, by_rows = validate_frames(
            intervention_costs.CONTRACT, [frame(written, COSTS_FILE)], context
        )
        PATH["in_engine"] = True
        _, _, in_engine = validate(intervention_costs.CONTRACT, written, context)
    finally:
        PATH["in_engine"] = False
        context.feeds.pop("interventions")
    found = [sorted(str(p) for p in ps if p.rule in COST_YEAR_RULES) for ps in (by_rows, in_engine)]
    values = [
        sorted((p.row, p.value) for p in ps if p.rule in COST_YEAR_RULES)
        for ps in (by_rows, in_engine)
    ]
    assert values[0] == values[1]
    assert found[0] == found[1]


def test_a_cost_year_outside_the_deflator_series_is_refused(with_interventions):
    years = [f"{y}-{(y + 1) % 100:02d}" for y in range(2025, 2032)]
    rows = [cost(year) for year in years]
    _, _, problems = validate(intervention_costs.CONTRACT, rows, with_interventions)
    problem = only_problem(problems, COSTS_FILE, 7, "financial_year")
    assert problem.message.startswith(
        "'2031-32' is outside the GDP deflator series (2000-01 to 2030-31)"
    )
    assert "not be put into price-base terms" in problem.message


def test_a_cost_for_an_unknown_intervention_is_refused(with_interventions):
    rows = [cost("2025-26"), cost("2025-26", intervention_id="GM-XX9")]
    _, _, problems = validate(intervention_costs.CONTRACT, rows, with_interventions)
    problem = only_problem(problems, COSTS_FILE, 2, "intervention_id")
    assert "'GM-XX9' is not a known intervention" in problem.message


def test_a_negative_cost_is_refused(with_interventions):
    _, _, problems = validate(
        intervention_costs.CONTRACT, [cost("2025-26", cost_gbp="-1")], with_interventions
    )
    assert (
        "a cost must not be negative" in only_problem(problems, COSTS_FILE, 1, "cost_gbp").message
    )


# --- interventions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change, column, words",
    [
        ({"cost_confidence_grade": "7"}, "cost_confidence_grade", "is not a cost confidence grade"),
        ({"place_code": "E08000003"}, "place_code", "is not a combined authority code (E47...)"),
        ({"place_code": "E47000016", "start_year": "2024-25"}, "place_code", "did not exist yet"),
        ({"investing_agency": "Local authority"}, "investing_agency", "is not a known agency"),
        ({"start_year": "2031-32"}, "start_year", "is outside the GDP deflator series"),
        ({"start_year": "next year"}, "start_year", "is not a financial year"),
    ],
)
def test_each_intervention_rule_names_file_row_column(context, change, column, words):
    rows = [intervention(intervention_id="GM-OK"), intervention(**change)]
    _, _, problems = validate(interventions.CONTRACT, rows, context)
    assert words in only_problem(problems, INTERVENTIONS_FILE, 2, column).message


def test_the_funding_line_must_be_an_allocated_line_when_given(context):
    context.feeds["allocations"] = pd.DataFrame({"funding_line": ["DFE-SF"]})
    try:
        rows = [
            intervention(funding_line="DFE-SF"),
            intervention(intervention_id="B", funding_line="X"),
        ]
        _, _, problems = validate(interventions.CONTRACT, rows, context)
    finally:
        context.feeds.pop("allocations")
    problem = only_problem(problems, INTERVENTIONS_FILE, 2, "funding_line")
    assert problem.message == "'X' is not a funding line in the allocations feed"


# --- reference tables the method reads -------------------------------------------------------


def test_bundled_optimism_bias_is_the_gmca_default(context):
    table = context.reference["optimism_bias"]
    assert dict(zip(table["confidence_grade"], table["optimism_bias"], strict=True)) == {
        1: 0.0, 2: 0.05, 3: 0.10, 4: 0.15, 5: 0.25, 6: 0.40,
    }  # fmt: skip


def test_an_optimism_bias_override_must_cover_every_grade(context):
    rows = [{"confidence_grade": str(g), "optimism_bias": "0.1"} for g in (1, 2, 3, 4, 5)]
    _, _, problems = validate(reference.OPTIMISM_BIAS, rows, context)
    assert len(problems) == 1
    assert problems[0].column == "confidence_grade" and problems[0].row is None
    assert "no row for confidence grade 6" in problems[0].message


def test_an_optimism_bias_override_rejects_a_grade_outside_1_to_6(context):
    rows = [{"confidence_grade": str(g), "optimism_bias": "0.1"} for g in range(1, 8)]
    _, _, problems = validate(reference.OPTIMISM_BIAS, rows, context)
    problem = only_problem(problems, "reference/optimism_bias.csv", 7, "confidence_grade")
    assert "confidence grades run from 1 to 6" in problem.message


def test_bundled_unit_costs_have_normalised_agencies_and_value_types(context):
    costs = context.reference["unit_costs"]
    assert len(costs) == 674
    agencies = set(context.reference["agencies"]["agency"])
    assert set(costs["agency"]) <= agencies
    assert "Local authority" not in set(costs["agency"])
    assert set(costs["value_type"]) == {"fiscal", "economic", "social"}
    by_code = costs.set_index("unit_cost_code")
    assert by_code.loc["CR8.0", "value_type"] == "social"  # "(fiscal, economic and social values)"
    assert by_code.loc["E&E1.0", "value_type"] == "economic"  # "Fiscal and economic benefit"
    assert by_code.loc["SS1.0", "value_type"] == "fiscal"
    assert by_code.loc["E&E10.0.2", "agency"] == "HMRC"  # was "HM Revenue and Customs"
    assert by_code.loc["SS1.0", "price_year"] == "2013-14"


def test_a_unit_cost_override_is_checked_like_the_bundled_table(context):
    row = {
        "unit_cost_code": "X1", "description": "A thing", "unit": "Each", "cost_gbp": "10",
        "price_year": "2013-14", "agency": "NHS", "value_type": "fiscal",
    }  # fmt: skip
    rows = [
        row,
        row | {"unit_cost_code": "X2", "value_type": "wellbeing"},
        row | {"unit_cost_code": "X3", "agency": "The Council"},
        row | {"unit_cost_code": "X4", "price_year": "1990-91"},
    ]
    _, _, problems = validate(reference.UNIT_COSTS, rows, context)
    assert {(p.row, p.column) for p in problems} == {
        (3, "value_type"),  # Excel rows: the header is row 1
        (4, "agency"),
        (5, "price_year"),
    }
    assert all(p.file == "reference/unit_costs.csv" for p in problems)
