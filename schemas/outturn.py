"""outturn/: net current expenditure by service area (revenue outturn), in cash pounds."""

import pandera.pandas as pa

from schemas.common import FeedContract, Field, ValidationContext, is_in
from schemas.geography import area_rules


def schema(context: ValidationContext) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "service_area": pa.Column(
                object,
                is_in(
                    lambda: context.codes("service_areas", "service_area"),
                    "revenue outturn service area (edu, trans, csc, asc, phs, hous, cul, env, "
                    "plan, pol, frs, cen, other)",
                ),
                nullable=True,
            ),
        },
        strict=False,
    )


CONTRACT = FeedContract(
    name="outturn",
    folder="outturn",
    description="Net current expenditure (may be negative: net of income) by service area",
    fields=[
        Field("financial_year", "financial_year"),
        Field("area_code", "code", case="upper"),
        Field("service_area", "code", case="lower"),
        Field("amount_gbp", "money"),
        Field("data_provenance", "text", required=False, nullable=True),
    ],
    key=["financial_year", "area_code", "service_area"],
    row_problems="quarantine",
    schema=schema,
    row_rules=area_rules(),
)
