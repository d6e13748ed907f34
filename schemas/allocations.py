"""allocations/: departmental funding allocations to English authorities, in cash pounds."""

from schemas.common import FeedContract, Field, engine_rule_schema
from schemas.engine_rules import AllowedValues, AreaExistedInYear, KnownCode, not_negative
from schemas.geography import area_rules

BUDGET_TYPES = ("resource", "capital")
AREA_RULE = AreaExistedInYear("area_code", year_column="financial_year")
RULES = [
    KnownCode("department", "departments", "department", "department code"),
    AllowedValues("budget_type", BUDGET_TYPES, "budget_type must be 'resource' or 'capital'"),
    not_negative("amount_gbp", "an allocation"),
    AREA_RULE,
]

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
    schema=engine_rule_schema(RULES),
    row_rules=area_rules(AREA_RULE.year_column, AREA_RULE.code_column),
    engine_rules=RULES,
    validated_in_engine=True,
)
