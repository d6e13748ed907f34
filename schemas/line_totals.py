"""settlements/line_totals.csv (optional): a department's national total for a funding line in a
year (and budget type; blank = both together), as published. The allocations of that line to
every area must add up to it: a missing or doubled area shows up here."""

import pandera.pandas as pa

from schemas.allocations import BUDGET_TYPES
from schemas.common import FeedContract, Field, ValidationContext, non_negative
from schemas.references import all_of, must_exist_in


def schema(context: ValidationContext) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "national_total_gbp": pa.Column(
                object, non_negative("a national total"), nullable=True
            ),
            "budget_type": pa.Column(
                object,
                pa.Check.isin(
                    BUDGET_TYPES,
                    error="budget_type must be 'resource', 'capital' or blank (both together)",
                ),
                nullable=True,
            ),
        },
        strict=False,
    )


CONTRACT = FeedContract(
    name="line_totals",
    depends_on=["allocations"],
    folder="settlements",
    file_name="line_totals.csv",
    description="Departments' national control totals per funding line and year, to reconcile "
    "the allocations against",
    fields=[
        Field("department", "code"),
        Field("funding_line", "code"),
        Field("financial_year", "financial_year"),
        Field("budget_type", "code", required=False, nullable=True, case="lower"),
        Field("national_total_gbp", "money"),
        Field("source", "text"),
        Field("data_provenance", "text", required=False, nullable=True),
    ],
    key=["funding_line", "financial_year", "budget_type"],
    row_problems="block",
    schema=schema,
    row_rules=all_of(
        must_exist_in("funding_line", "allocations", "funding_line", "funding line"),
    ),
)
