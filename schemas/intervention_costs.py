"""interventions/intervention_costs.csv: what an intervention costs in each financial year, in
cash pounds, from its start year to its last year of spending with no year left out."""

import pandas as pd

from schemas.common import (
    FeedContract,
    Field,
    Problem,
    ValidationContext,
    engine_rule_schema,
    start_years,
)
from schemas.engine_rules import EveryYearFromStart, InFeed, WithinDeflatorSeries, not_negative
from schemas.interventions import within_deflator_series
from schemas.references import all_of, in_feed_rules


def _start(year: str) -> int:
    return int(year[:4])


def _label(start: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}"


def every_year_from_start(rule: EveryYearFromStart):
    """The row-by-row form of an EveryYearFromStart engine rule."""

    def check(typed: pd.DataFrame, context: ValidationContext, contract: FeedContract):
        starts = start_years(rule, context)
        by_key: dict[str, list[dict]] = {}
        for row in typed.to_dict("records"):
            if row.get(rule.key_column) and row.get(rule.year_column):
                by_key.setdefault(str(row[rule.key_column]), []).append(row)
        problems = []
        for key, rows in by_key.items():
            rows.sort(key=lambda r: (str(r[rule.year_column]), int(r["source_row"])))
            problems += _before_start(rule, contract, key, rows, starts.get(key))
            problems += _gaps(rule, contract, key, rows, starts.get(key))
        return problems

    return check


def _problem(contract, row, column, value, rule, message) -> Problem:
    return Problem(
        contract.name,
        row["source_file"],
        int(row["source_row"]),
        column,
        value,
        rule,
        message,
        contract.row_problems,
    )


def _before_start(rule, contract, key, rows, start_year) -> list[Problem]:
    return [
        _problem(
            contract,
            row,
            rule.year_column,
            str(row[rule.year_column]),
            rule.before_rule,
            rule.before_words(row[rule.year_column], key, start_year),
        )
        for row in rows
        if start_year and str(row[rule.year_column]) < start_year
    ]


def _gaps(rule, contract, key, rows, start_year) -> list[Problem]:
    """Each year missing from the start to the last year, reported on the row after it."""
    years = [_start(str(r[rule.year_column])) for r in rows]
    first = _start(start_year) if start_year else years[0]
    last = max(years)
    gaps: dict[int, list[int]] = {}  # source row after the gap -> the years missing before it
    for missing in range(first, last + 1):
        if missing not in years:
            following = next(r for r, y in zip(rows, years, strict=True) if y > missing)
            gaps.setdefault(int(following["source_row"]), []).append(missing)
    problems = []
    for row in rows:
        missing_years = [_label(y) for y in gaps.pop(int(row["source_row"]), [])]
        if missing_years:
            shown = ", ".join(missing_years)
            problems.append(
                _problem(
                    contract,
                    row,
                    rule.year_column,
                    shown,
                    rule.gap_rule,
                    rule.gap_words(
                        key,
                        rule.rows_word(len(missing_years)),
                        shown,
                        row[rule.year_column],
                        _label(first),
                        _label(last),
                    ),
                )
            )
    return problems


# Costs start in the intervention's start year (year 0) and every year up to the last cost year
# has a row.
COST_YEARS = EveryYearFromStart(
    "intervention_id", "financial_year", "interventions", "start_year", "intervention"
)
COST_IN_SERIES = WithinDeflatorSeries("financial_year", "a cost in that year")
RULES = [
    not_negative("cost_gbp", "a cost"),
    InFeed("intervention_id", "interventions", "intervention_id", "known intervention"),
    COST_IN_SERIES,
    COST_YEARS,
]

CONTRACT = FeedContract(
    name="intervention_costs",
    depends_on=["interventions"],
    folder="interventions",
    file_name="intervention_costs.csv",
    description="What each prevention intervention costs in each financial year (cash pounds)",
    fields=[
        Field("intervention_id", "code"),
        Field("financial_year", "financial_year"),
        Field("cost_gbp", "money"),
        Field("data_provenance", "text", required=False, nullable=True),
    ],
    key=["intervention_id", "financial_year"],
    row_problems="block",
    schema=engine_rule_schema(RULES),
    row_rules=all_of(
        in_feed_rules(RULES),
        within_deflator_series(COST_IN_SERIES),
        every_year_from_start(COST_YEARS),
    ),
    engine_rules=RULES,
    validated_in_engine=True,
)
