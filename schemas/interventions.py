"""interventions/interventions.csv: one prevention intervention per row, the place that runs it,
who pays for it and the year its appraisal starts (year index 0)."""

import pandas as pd
import pandera.pandas as pa

from schemas.common import FeedContract, Field, Problem, ValidationContext, is_in
from schemas.geography import area_index, area_year_problem
from schemas.references import all_of, must_exist_in


def confidence_grade(what: str) -> pa.Check:
    return pa.Check.in_range(
        1,
        6,
        error=f"is not a {what} (grades run from 1, the strongest evidence, to 6, the weakest)",
    )


def within_deflator_series(column: str, what: str):
    """A year's cash must be turned into price-base terms with that year's GDP deflator; a year
    the series does not cover is refused rather than extrapolated."""

    def rule(typed: pd.DataFrame, context: ValidationContext, contract: FeedContract):
        years = context.codes("deflators", "financial_year")
        if not years:
            return []
        first, last = min(years), max(years)
        return [
            Problem(
                contract.name,
                row["source_file"],
                int(row["source_row"]),
                column,
                str(row[column]),
                "within_deflator_series",
                f"'{row[column]}' is outside the GDP deflator series ({first} to {last}): {what} "
                "cannot be put into price-base terms; extend reference/deflators.csv or "
                "correct the year",
                contract.row_problems,
            )
            for row in typed.to_dict("records")
            if row.get(column) and str(row[column]) not in years
        ]

    return rule


def place_rules(typed: pd.DataFrame, context: ValidationContext, contract: FeedContract):
    """The place must be a combined authority (E47) that exists in the intervention's start year."""
    areas = area_index(context)
    problems = []
    for row in typed.to_dict("records"):
        code, year = row.get("place_code"), row.get("start_year")
        if not code:
            continue
        if not str(code).startswith("E47"):
            found = (
                "combined_authority",
                f"'{code}' is not a combined authority code (E47...); an intervention belongs "
                "to a place",
            )
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
                    "place_code",
                    str(code),
                    found[0],
                    found[1],
                    contract.row_problems,
                )
            )
    return problems


def schema(context: ValidationContext) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "investing_agency": pa.Column(
                object,
                is_in(lambda: context.codes("agencies", "agency"), "agency (see agencies.csv)"),
                nullable=True,
            ),
            "cost_confidence_grade": pa.Column(
                "Int64", confidence_grade("cost confidence grade"), nullable=True
            ),
        },
        strict=False,
    )


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
    schema=schema,
    row_rules=all_of(
        place_rules,
        within_deflator_series("start_year", "the appraisal's first year"),
        must_exist_in("funding_line", "allocations", "funding_line", "funding line"),
    ),
)
