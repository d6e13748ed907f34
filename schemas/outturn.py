"""outturn/: net current expenditure by service area (revenue outturn), in cash pounds."""

from schemas.common import FeedContract, Field, engine_rule_schema
from schemas.engine_rules import AreaExistedInYear, KnownCode
from schemas.geography import area_rules

SERVICE_AREA = KnownCode(
    "service_area",
    "service_areas",
    "service_area",
    "revenue outturn service area (edu, trans, csc, asc, phs, hous, cul, env, plan, pol, frs, "
    "cen, other)",
)
AREA_RULE = AreaExistedInYear("area_code", year_column="financial_year")
RULES = [SERVICE_AREA, AREA_RULE]

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
    schema=engine_rule_schema(RULES),
    row_rules=area_rules(AREA_RULE.year_column, AREA_RULE.code_column),
    engine_rules=RULES,
    validated_in_engine=True,
)
