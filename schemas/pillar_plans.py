"""settlements/pillar_plans.csv (optional): what a combined authority plans to spend from its
integrated settlement on each pillar (functional responsibility) in a year. The memorandum of
understanding lets it move only a limited share of a pillar's allocation between pillars."""

import pandera.pandas as pa

from schemas.common import FeedContract, Field, ValidationContext, non_negative
from schemas.references import all_of, must_exist_in
from schemas.settlement_totals import YEAR_IN_SETTLEMENT, year_in_span


def schema(context: ValidationContext) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {"planned_gbp": pa.Column(object, non_negative("planned spending"), nullable=True)},
        strict=False,
    )


CONTRACT = FeedContract(
    name="pillar_plans",
    depends_on=["settlements"],
    folder="settlements",
    file_name="pillar_plans.csv",
    description="Planned spending by pillar and year of each settlement, to check movement "
    "between pillars against the allowed share",
    fields=[
        Field("settlement_id", "code"),
        Field("financial_year", "financial_year"),
        Field("pillar", "text"),
        Field("planned_gbp", "money"),
        Field("source", "text"),
        Field("data_provenance", "text", required=False, nullable=True),
    ],
    key=["settlement_id", "financial_year", "pillar"],
    row_problems="block",
    schema=schema,
    row_rules=all_of(
        must_exist_in("settlement_id", "settlements", "settlement_id", "settlement"),
        year_in_span(YEAR_IN_SETTLEMENT),
    ),
)
