"""outcomes/: outcome indicators by area and period (Oflog, Fingertips), long format, as written
by the outcomes adapter (`wholeplace ingest`).

Observational data: a row that breaks the contract is quarantined, never blocks the build."""

from schemas.common import FeedContract, Field, engine_rule_schema, needed_when
from schemas.engine_rules import (
    AllowedValues,
    AreaExistedInYear,
    InRange,
    NeededWhen,
    not_negative,
)
from schemas.geography import area_rules
from schemas.references import all_of

AGGREGATIONS = ("ratio", "population_weighted")
POLARITIES = ("higher is better", "lower is better", "not assessed")
# England and its regions are comparators, not authorities; they are accepted as they are.
COMPARATOR_PREFIXES = ("E92", "E12")
# An authority's code must have existed in the financial year of the period.
AREA_RULE = AreaExistedInYear(
    "area_code", year_column="financial_year", exempt_prefixes=COMPARATOR_PREFIXES
)
RATIO_NEEDS_COUNTS = NeededWhen(
    ("numerator", "denominator"),
    "aggregation",
    "ratio",
    "value",
    "ratio_needs_counts",
    "the indicator is aggregated as a ratio, so each value needs its numerator and denominator",
)
RULES = [
    AllowedValues(
        "aggregation", AGGREGATIONS, "aggregation must be 'ratio' or 'population_weighted'"
    ),
    AllowedValues(
        "polarity",
        POLARITIES,
        "polarity must be 'higher is better', 'lower is better' or 'not assessed'",
    ),
    not_negative("denominator", "a denominator"),
    InRange("value_multiplier", "a multiplier must be above 0", low=0, low_inclusive=False),
    AREA_RULE,
    RATIO_NEEDS_COUNTS,
]


CONTRACT = FeedContract(
    name="outcomes",
    folder="outcomes",
    description="Outcome indicators by area and period (Oflog, Fingertips long format), with how "
    "a place's value is aggregated from its members",
    fields=[
        Field("indicator_id", "code"),
        Field("indicator_name", "text"),
        Field("area_code", "code", case="upper"),
        Field("area_name", "text", required=False, nullable=True),
        Field("period", "text"),
        Field("financial_year", "financial_year", required=False, nullable=True),
        Field("breakdown", "text", required=False, default="all"),
        Field("value", "number", nullable=True),
        Field("numerator", "number", nullable=True),
        Field("denominator", "number", nullable=True),
        Field("value_multiplier", "number", required=False, nullable=True),
        Field("aggregation", "code", required=False, default="population_weighted", case="lower"),
        Field("polarity", "text", default="not assessed"),
        Field("value_unit", "text", required=False, nullable=True),
        Field("publisher", "text", required=False, nullable=True),
        Field("source_unit", "text"),
        Field("price_basis", "text"),
        Field("accounting_basis", "text"),
        Field("data_provenance", "text", required=False, nullable=True),
    ],
    key=["indicator_id", "area_code", "period", "breakdown"],
    row_problems="quarantine",
    schema=engine_rule_schema(RULES),
    row_rules=all_of(
        area_rules(AREA_RULE.year_column, AREA_RULE.code_column, COMPARATOR_PREFIXES),
        needed_when(RATIO_NEEDS_COUNTS),
    ),
    engine_rules=RULES,
    validated_in_engine=True,
)
