"""settlements/pooling_agreements.csv: which funding lines each settlement pools, and how much."""

from schemas.common import FeedContract, Field, engine_rule_schema, share_rule
from schemas.engine_rules import InFeed
from schemas.references import in_feed_rules

RULES = [
    share_rule("share", inclusive_low=False),
    InFeed("settlement_id", "settlements", "settlement_id", "settlement"),
    InFeed("funding_line", "allocations", "funding_line", "funding line"),
]

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
    schema=engine_rule_schema(RULES),
    row_rules=in_feed_rules(RULES),
    engine_rules=RULES,
    validated_in_engine=True,
)
