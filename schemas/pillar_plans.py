"""settlements/pillar_plans.csv (optional): what a combined authority plans to spend from its
integrated settlement on each pillar (functional responsibility) in a year. The memorandum of
understanding lets it move only a limited share of a pillar's allocation between pillars."""

from schemas.common import FeedContract, Field, engine_rule_schema
from schemas.engine_rules import InFeed, not_negative
from schemas.references import all_of, in_feed_rules
from schemas.settlement_totals import YEAR_IN_SETTLEMENT, year_in_span

RULES = [
    not_negative("planned_gbp", "planned spending"),
    InFeed("settlement_id", "settlements", "settlement_id", "settlement"),
    YEAR_IN_SETTLEMENT,
]


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
    schema=engine_rule_schema(RULES),
    row_rules=all_of(in_feed_rules(RULES), year_in_span(YEAR_IN_SETTLEMENT)),
    engine_rules=RULES,
    validated_in_engine=True,
)
