"""outcomes/: outcome indicators by area and period (Oflog, Fingertips), long format, as written
by the outcomes adapter (`wholeplace ingest`).

Observational data: a row that breaks the contract is quarantined, never blocks the build."""

import pandas as pd
import pandera.pandas as pa

from schemas.common import FeedContract, Field, Problem, ValidationContext
from schemas.geography import area_index, area_year_problem

AGGREGATIONS = {"ratio", "population_weighted"}
POLARITIES = {"higher is better", "lower is better", "not assessed"}
# England and its regions are comparators, not authorities; they are accepted as they are.
COMPARATOR_PREFIXES = ("E92", "E12")


def schema(context: ValidationContext) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "aggregation": pa.Column(
                object,
                pa.Check.isin(
                    AGGREGATIONS, error="aggregation must be 'ratio' or 'population_weighted'"
                ),
                nullable=True,
            ),
            "polarity": pa.Column(
                object,
                pa.Check.isin(
                    POLARITIES,
                    error="polarity must be 'higher is better', 'lower is better' or "
                    "'not assessed'",
                ),
                nullable=True,
            ),
            "denominator": pa.Column(
                float, pa.Check.ge(0, error="a denominator must not be negative"), nullable=True
            ),
            "value_multiplier": pa.Column(
                float, pa.Check.gt(0, error="a multiplier must be above 0"), nullable=True
            ),
        },
        strict=False,
    )


def rules(typed: pd.DataFrame, context: ValidationContext, contract: FeedContract):
    """An authority's code must have existed in the financial year of the period; a ratio
    indicator needs its numerator and denominator."""
    areas = area_index(context)
    problems = []
    for row in typed.to_dict("records"):
        code, year = str(row.get("area_code") or ""), row.get("financial_year")

        def problem(column, value, rule, message, row=row):
            problems.append(
                Problem(
                    contract.name,
                    row["source_file"],
                    int(row["source_row"]),
                    column,
                    value,
                    rule,
                    message,
                    contract.row_problems,
                )
            )

        if code and year and not code.startswith(COMPARATOR_PREFIXES):
            found = area_year_problem(code, str(year), areas)
            if found:
                problem("area_code", code, *found)
        if (
            row.get("aggregation") == "ratio"
            and not pd.isna(row.get("value"))
            and (pd.isna(row.get("numerator")) or pd.isna(row.get("denominator")))
        ):
            problem(
                "numerator",
                "",
                "ratio_needs_counts",
                "the indicator is aggregated as a ratio, so each value needs its numerator and "
                "denominator",
            )
    return problems


CONTRACT = FeedContract(
    name="outcomes",
    folder="outcomes",
    description="Outcome indicators by area and period (Oflog, Fingertips long format), with how "
    "a place's value is aggregated from its members",
    fields=[
        Field("indicator_id", "code"),
        Field("indicator_name", "text"),
        Field("area_code", "code", case="upper"),
        Field("area_name", "text", required=False, nullable=True),
        Field("period", "text"),
        Field("financial_year", "financial_year", required=False, nullable=True),
        Field("breakdown", "text", required=False, default="all"),
        Field("value", "number", nullable=True),
        Field("numerator", "number", nullable=True),
        Field("denominator", "number", nullable=True),
        Field("value_multiplier", "number", required=False, nullable=True),
        Field("aggregation", "code", required=False, default="population_weighted", case="lower"),
        Field("polarity", "text", default="not assessed"),
        Field("value_unit", "text", required=False, nullable=True),
        Field("publisher", "text", required=False, nullable=True),
        Field("source_unit", "text"),
        Field("price_basis", "text"),
        Field("accounting_basis", "text"),
        Field("data_provenance", "text", required=False, nullable=True),
    ],
    key=["indicator_id", "area_code", "period", "breakdown"],
    row_problems="quarantine",
    schema=schema,
    row_rules=rules,
)
