"""interventions/interventions.csv: one prevention intervention per row, the place that runs it,
who pays for it and the year its appraisal starts (year index 0)."""

import pandas as pd

from schemas.common import FeedContract, Field, Problem, ValidationContext, engine_rule_schema
from schemas.engine_rules import (
    COMBINED_AUTHORITY_PREFIX,
    AreaExistedInYear,
    InFeed,
    KnownCode,
    WithinDeflatorSeries,
    confidence_grade,
)
from schemas.geography import area_index, area_year_problem
from schemas.references import all_of, in_feed_rules


def within_deflator_series(rule: WithinDeflatorSeries):
    """The row-by-row form of a WithinDeflatorSeries engine rule."""

    def check(typed: pd.DataFrame, context: ValidationContext, contract: FeedContract):
        years = context.codes("deflators", "financial_year")
        if not years:
            return []
        first, last = min(years), max(years)
        return [
            Problem(
                contract.name,
                row["source_file"],
                int(row["source_row"]),
                rule.column,
                str(row[rule.column]),
                rule.rule,
                rule.words(row[rule.column], first, last),
                contract.row_problems,
            )
            for row in typed.to_dict("records")
            if row.get(rule.column) and str(row[rule.column]) not in years
        ]

    return check


# An intervention belongs to a place: a combined authority that exists in its start year.
PLACE_RULE = AreaExistedInYear(
    "place_code",
    year_column="start_year",
    combined_authority=True,
    not_combined_words="is not a combined authority code (E47...); an intervention belongs "
    "to a place",
    combined_without_year=True,
)
START_IN_SERIES = WithinDeflatorSeries("start_year", "the appraisal's first year")
RULES = [
    KnownCode("investing_agency", "agencies", "agency", "agency (see agencies.csv)"),
    confidence_grade("cost_confidence_grade", "cost confidence grade"),
    PLACE_RULE,
    START_IN_SERIES,
    InFeed("funding_line", "allocations", "funding_line", "funding line"),
]


def place_rules(typed: pd.DataFrame, context: ValidationContext, contract: FeedContract):
    """The row-by-row form of PLACE_RULE."""
    areas = area_index(context)
    problems = []
    for row in typed.to_dict("records"):
        code, year = row.get(PLACE_RULE.code_column), row.get(PLACE_RULE.year_column)
        if not code:
            continue
        if not str(code).startswith(COMBINED_AUTHORITY_PREFIX):
            found = ("combined_authority", f"'{code}' {PLACE_RULE.not_combined_words}")
        elif year:
            found = area_year_problem(str(code), str(year), areas)
        else:
            found = None
        if found:
            problems.append(
                Problem(
                    contract.name,
                    row["source_file"],
                    int(row["source_row"]),
                    PLACE_RULE.code_column,
                    str(code),
                    found[0],
                    found[1],
                    contract.row_problems,
                )
            )
    return problems


CONTRACT = FeedContract(
    name="interventions",
    depends_on=["allocations"],
    folder="interventions",
    file_name="interventions.csv",
    description="Prevention interventions: place, investing agency and the appraisal's first year",
    fields=[
        Field("intervention_id", "code"),
        Field("place_code", "code"),
        Field("name", "text"),
        Field("investing_agency", "text"),
        Field("funding_line", "code", required=False, nullable=True),
        Field("start_year", "financial_year"),
        Field("cost_confidence_grade", "integer"),
        Field("data_provenance", "text", required=False, nullable=True),
    ],
    key=["intervention_id"],
    row_problems="block",
    schema=engine_rule_schema(RULES),
    row_rules=all_of(place_rules, within_deflator_series(START_IN_SERIES), in_feed_rules(RULES)),
    engine_rules=RULES,
    validated_in_engine=True,
)
