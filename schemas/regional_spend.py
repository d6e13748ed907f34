"""regional_spend/: public spending by region, department and function (HM Treasury Country and
Regional Analysis), in pounds, as written by the CRA adapter (`wholeplace ingest`).

Observational data: a row that breaks the contract is quarantined, never blocks the build."""

from schemas.common import FeedContract, Field, engine_rule_schema
from schemas.engine_rules import AllowedValues, InRange

IDENTIFIABLE = ("identifiable", "non-identifiable")
SPEND_TYPES = ("capital", "current")
SOURCE_UNITS = ("£", "£ thousands", "£ millions")
RULES = [
    AllowedValues(
        "identifiable", IDENTIFIABLE, "identifiable must be 'identifiable' or 'non-identifiable'"
    ),
    AllowedValues("spend_type", SPEND_TYPES, "spend_type must be 'capital' or 'current'"),
    AllowedValues(
        "source_unit", SOURCE_UNITS, "source_unit must be '£', '£ thousands' or '£ millions'"
    ),
    InRange("segments", "must be at least 1 source row", low=1),
]


KEY = [
    "release",
    "department",
    "cofog_function",
    "cofog_subfunction",
    "hmt_function",
    "hmt_subfunction",
    "identifiable",
    "spend_type",
    "sector",
    "region",
    "financial_year",
]

CONTRACT = FeedContract(
    name="regional_spend",
    folder="regional_spend",
    description="Public spending by region, department, COFOG function and sub-function, capital "
    "or current, identifiable or not (HM Treasury CRA), converted to pounds",
    fields=[
        Field("release", "text"),
        Field("department", "text"),
        Field("cofog_function", "text"),
        Field("cofog_subfunction", "text"),
        Field("hmt_function", "text", required=False, default=""),
        Field("hmt_subfunction", "text", required=False, default=""),
        Field("identifiable", "code", case="lower"),
        Field("spend_type", "code", case="lower"),
        Field("sector", "text", required=False, default=""),
        Field("region", "text"),
        Field("region_code", "code", required=False, nullable=True, case="upper"),
        Field("financial_year", "financial_year"),
        Field("amount_gbp", "money"),
        Field("segments", "integer", required=False, nullable=True),
        Field("source_unit", "text"),
        Field("price_basis", "text"),
        Field("accounting_basis", "text"),
        Field("data_provenance", "text", required=False, nullable=True),
    ],
    key=KEY,
    row_problems="quarantine",
    schema=engine_rule_schema(RULES),
    engine_rules=RULES,
    validated_in_engine=True,
)
