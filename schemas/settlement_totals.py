"""settlements/settlement_totals.csv (optional): what government announced for each pot, as
published: for a settlement and year, and where the publication splits it, for one budget type
(resource or capital; blank = both together), one pillar and one funding line (blank = all).
A blank total is a line the publication lists as not yet announced (TBC)."""

import pandas as pd
import pandera.pandas as pa

from schemas.allocations import BUDGET_TYPES
from schemas.common import FeedContract, Field, Problem, ValidationContext, non_negative
from schemas.references import all_of, must_exist_in


def schema(context: ValidationContext) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "announced_total_gbp": pa.Column(
                object, non_negative("an announced total"), nullable=True
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


def year_in_settlement(typed: pd.DataFrame, context: ValidationContext, contract: FeedContract):
    settlements = context.feeds.get("settlements")
    if settlements is None or settlements.empty:
        return []
    periods = {
        r["settlement_id"]: (r["first_year"], r["last_year"])
        for r in settlements.to_dict("records")
    }
    problems = []
    for row in typed.to_dict("records"):
        period = periods.get(row.get("settlement_id"))
        year = row.get("financial_year")
        if period and year and not period[0] <= year <= period[1]:
            problems.append(
                Problem(
                    contract.name,
                    row["source_file"],
                    int(row["source_row"]),
                    "financial_year",
                    year,
                    "year_in_settlement",
                    f"{year} is outside settlement {row['settlement_id']} "
                    f"({period[0]} to {period[1]})",
                    contract.row_problems,
                )
            )
    return problems


CONTRACT = FeedContract(
    name="settlement_totals",
    depends_on=["settlements"],
    folder="settlements",
    file_name="settlement_totals.csv",
    description="Announced totals per settlement and year (and budget type, pillar, funding line "
    "where the publication splits them), with their source, to reconcile the pot against",
    fields=[
        Field("settlement_id", "code"),
        Field("financial_year", "financial_year"),
        Field("budget_type", "code", required=False, nullable=True, case="lower"),
        Field("pillar", "text", required=False, nullable=True),
        Field("funding_line", "code", required=False, nullable=True),
        # Blank: listed in the publication as not yet announced (TBC).
        Field("announced_total_gbp", "money", nullable=True),
        # Publication, date and URL or document reference: a total without a source is not one.
        Field("source", "text"),
        Field("data_provenance", "text", required=False, nullable=True),
    ],
    key=["settlement_id", "financial_year", "budget_type", "pillar", "funding_line"],
    row_problems="block",
    schema=schema,
    row_rules=all_of(
        must_exist_in("settlement_id", "settlements", "settlement_id", "settlement"),
        year_in_settlement,
    ),
)
