"""settlements/pooling_agreements.csv: which funding lines each settlement pools, and how much."""

import pandera.pandas as pa

from schemas.common import FeedContract, Field, ValidationContext, between_0_and_1
from schemas.references import all_of, must_exist_in


def schema(context: ValidationContext) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {"share": pa.Column(float, between_0_and_1(inclusive_low=False), nullable=True)},
        strict=False,
    )


CONTRACT = FeedContract(
    name="pooling_agreements",
    depends_on=["settlements", "allocations"],
    folder="settlements",
    file_name="pooling_agreements.csv",
    description="The share of each funding line, in every member area, that goes into the pot",
    fields=[
        Field("settlement_id", "code"),
        Field("funding_line", "code"),
        Field("pillar", "text"),
        Field("share", "rate"),
        Field("data_provenance", "text", required=False, nullable=True),
    ],
    key=["settlement_id", "funding_line"],
    required_feed=True,
    row_problems="block",
    schema=schema,
    row_rules=all_of(
        must_exist_in("settlement_id", "settlements", "settlement_id", "settlement"),
        must_exist_in("funding_line", "allocations", "funding_line", "funding line"),
    ),
)
