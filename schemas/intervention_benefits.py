"""interventions/intervention_benefits.csv: one benefit stream per row. How many people an
intervention helps, how much of the outcome is its own doing, which unit cost values it, and when
and for how long the value comes (start_offset_years after the start year, for duration_years)."""

import pandas as pd

from schemas.common import (
    FeedContract,
    Field,
    Problem,
    ValidationContext,
    engine_rule_schema,
    share_rule,
)
from schemas.engine_rules import (
    InFeed,
    InRange,
    KnownCode,
    WithinHorizon,
    confidence_grade,
    not_negative,
)
from schemas.references import all_of, in_feed_rules

RATES = [
    "engagement_rate",
    "success_rate",
    "deadweight",
    "attribution",
    "drop_off",
    "cashable_share",
]
HORIZON = WithinHorizon("start_offset_years", "duration_years", longest=100)
RULES = [
    *(share_rule(rate) for rate in RATES),
    KnownCode(
        "unit_cost_code",
        "unit_costs",
        "unit_cost_code",
        "unit cost code (see the unit cost database, reference/unit_costs.csv)",
    ),
    not_negative("cohort_size", "a cohort"),
    InRange("start_offset_years", "must be 0 or more (years after the start year)", low=0),
    InRange("duration_years", "a benefit lasts at least 1 year", low=1),
    confidence_grade("confidence_grade", "confidence grade"),
    InFeed("intervention_id", "interventions", "intervention_id", "known intervention"),
    HORIZON,
]


def horizon_rule(rule: WithinHorizon):
    """The row-by-row form of a WithinHorizon engine rule."""

    def check(typed: pd.DataFrame, context: ValidationContext, contract: FeedContract):
        problems = []
        for row in typed.to_dict("records"):
            offset, duration = row.get(rule.offset_column), row.get(rule.duration_column)
            if offset is None or duration is None or pd.isna(offset) or pd.isna(duration):
                continue
            if rule.breaks(offset, duration):
                problems.append(
                    Problem(
                        contract.name,
                        row["source_file"],
                        int(row["source_row"]),
                        rule.duration_column,
                        str(duration),
                        rule.rule,
                        rule.words(offset, duration),
                        contract.row_problems,
                    )
                )
        return problems

    return check


CONTRACT = FeedContract(
    name="intervention_benefits",
    depends_on=["interventions"],
    folder="interventions",
    file_name="intervention_benefits.csv",
    description="Benefit streams of prevention interventions, valued with the unit cost database",
    fields=[
        Field("intervention_id", "code"),
        Field("benefit_id", "code"),
        Field("unit_cost_code", "code"),
        Field("cohort_size", "number"),
        Field("engagement_rate", "rate"),
        Field("success_rate", "rate"),
        Field("deadweight", "rate"),
        # Most business cases claim the whole outcome: a blank or absent attribution means 1.
        Field("attribution", "rate", required=False, default=1.0),
        Field("drop_off", "rate"),
        Field("start_offset_years", "integer"),
        Field("duration_years", "integer"),
        Field("confidence_grade", "integer"),
        Field("cashable_share", "rate"),
        Field("data_provenance", "text", required=False, nullable=True),
    ],
    key=["benefit_id"],
    row_problems="block",
    schema=engine_rule_schema(RULES),
    row_rules=all_of(in_feed_rules(RULES), horizon_rule(HORIZON)),
    engine_rules=RULES,
    validated_in_engine=True,
)
