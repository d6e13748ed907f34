"""settlements/line_totals.csv (optional): a department's national total for a funding line in a
year (and budget type; blank = both together), as published. The allocations of that line to
every area must add up to it: a missing or doubled area shows up here."""

from schemas.allocations import BUDGET_TYPES
from schemas.common import FeedContract, Field, engine_rule_schema
from schemas.engine_rules import AllowedValues, InFeed, not_negative
from schemas.references import in_feed_rules

RULES = [
    not_negative("national_total_gbp", "a national total"),
    AllowedValues(
        "budget_type",
        BUDGET_TYPES,
        "budget_type must be 'resource', 'capital' or blank (both together)",
    ),
    InFeed("funding_line", "allocations", "funding_line", "funding line"),
]

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
    schema=engine_rule_schema(RULES),
    row_rules=in_feed_rules(RULES),
    engine_rules=RULES,
    validated_in_engine=True,
)
