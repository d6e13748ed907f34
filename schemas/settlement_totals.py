"""settlements/settlement_totals.csv (optional): what government announced for each pot, as
published: for a settlement and year, and where the publication splits it, for one budget type
(resource or capital; blank = both together), one pillar and one funding line (blank = all).
A blank total is a line the publication lists as not yet announced (TBC)."""

import pandas as pd

from schemas.allocations import BUDGET_TYPES
from schemas.common import FeedContract, Field, Problem, ValidationContext, engine_rule_schema
from schemas.engine_rules import AllowedValues, InFeed, YearInSpan, not_negative
from schemas.references import all_of, in_feed_rules

YEAR_IN_SETTLEMENT = YearInSpan(
    "financial_year", "settlement_id", "settlements", "first_year", "last_year", "settlement"
)
RULES = [
    not_negative("announced_total_gbp", "an announced total"),
    AllowedValues(
        "budget_type",
        BUDGET_TYPES,
        "budget_type must be 'resource', 'capital' or blank (both together)",
    ),
    InFeed("settlement_id", "settlements", "settlement_id", "settlement"),
    YEAR_IN_SETTLEMENT,
]


def year_in_span(rule: YearInSpan):
    """The row-by-row form of a YearInSpan engine rule."""

    def check(typed: pd.DataFrame, context: ValidationContext, contract: FeedContract):
        spans = context.feeds.get(rule.feed)
        if spans is None or spans.empty:
            return []
        periods = {
            r[rule.key_column]: (r[rule.first_column], r[rule.last_column])
            for r in spans.to_dict("records")
        }
        problems = []
        for row in typed.to_dict("records"):
            period = periods.get(row.get(rule.key_column))
            year = row.get(rule.year_column)
            if period and year and not period[0] <= year <= period[1]:
                problems.append(
                    Problem(
                        contract.name,
                        row["source_file"],
                        int(row["source_row"]),
                        rule.year_column,
                        year,
                        rule.rule,
                        rule.words(year, row[rule.key_column], *period),
                        contract.row_problems,
                    )
                )
        return problems

    return check


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
    schema=engine_rule_schema(RULES),
    row_rules=all_of(in_feed_rules(RULES), year_in_span(YEAR_IN_SETTLEMENT)),
    engine_rules=RULES,
    validated_in_engine=True,
)
