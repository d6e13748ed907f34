"""allocations/: departmental funding allocations to English authorities, in cash pounds."""

import pandera.pandas as pa

from schemas.common import FeedContract, Field, ValidationContext, is_in, non_negative
from schemas.geography import area_rules

BUDGET_TYPES = {"resource", "capital"}


def schema(context: ValidationContext) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "department": pa.Column(
                object,
                is_in(lambda: context.codes("departments", "department"), "department code"),
                nullable=True,
            ),
            "budget_type": pa.Column(
                object,
                pa.Check.isin(BUDGET_TYPES, error="budget_type must be 'resource' or 'capital'"),
                nullable=True,
            ),
            "amount_gbp": pa.Column(object, non_negative("an allocation"), nullable=True),
        },
        strict=False,
    )


CONTRACT = FeedContract(
    name="allocations",
    folder="allocations",
    description="Departmental funding allocations by funding line, area and financial year",
    fields=[
        Field("financial_year", "financial_year"),
        Field("department", "code"),
        Field("funding_line", "code"),
        Field("funding_line_name", "text"),
        Field("area_code", "code", case="upper"),
        Field("budget_type", "code", case="lower"),
        Field("amount_gbp", "money"),
        Field("data_provenance", "text", required=False, nullable=True),
    ],
    key=["financial_year", "funding_line", "area_code", "budget_type"],
    required_feed=True,
    row_problems="block",
    schema=schema,
    row_rules=area_rules(),
)
