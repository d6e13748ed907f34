"""interventions/intervention_benefits.csv: one benefit stream per row. How many people an
intervention helps, how much of the outcome is its own doing, which unit cost values it, and when
and for how long the value comes (start_offset_years after the start year, for duration_years)."""

import pandas as pd
import pandera.pandas as pa

from schemas.common import (
    FeedContract,
    Field,
    Problem,
    ValidationContext,
    between_0_and_1,
    in_range,
    is_in,
)
from schemas.engine_rules import confidence_grade
from schemas.references import all_of, must_exist_in

RATES = [
    "engagement_rate",
    "success_rate",
    "deadweight",
    "attribution",
    "drop_off",
    "cashable_share",
]
LONGEST_APPRAISAL_YEARS = 100


def horizon_rule(typed: pd.DataFrame, context: ValidationContext, contract: FeedContract):
    """A benefit that lasts past year 100 of the appraisal is almost certainly a typing error."""
    problems = []
    for row in typed.to_dict("records"):
        offset, duration = row.get("start_offset_years"), row.get("duration_years")
        if offset is None or duration is None or pd.isna(offset) or pd.isna(duration):
            continue
        if offset >= 0 and duration >= 1 and offset + duration > LONGEST_APPRAISAL_YEARS:
            problems.append(
                Problem(
                    contract.name,
                    row["source_file"],
                    int(row["source_row"]),
                    "duration_years",
                    str(duration),
                    "appraisal_horizon",
                    f"start_offset_years {offset} + duration_years {duration} runs past year "
                    f"{LONGEST_APPRAISAL_YEARS} of the appraisal; check both numbers",
                    contract.row_problems,
                )
            )
    return problems


def schema(context: ValidationContext) -> pa.DataFrameSchema:
    rates = {rate: pa.Column(float, between_0_and_1(), nullable=True) for rate in RATES}
    return pa.DataFrameSchema(
        {
            **rates,
            "unit_cost_code": pa.Column(
                object,
                is_in(
                    lambda: context.codes("unit_costs", "unit_cost_code"),
                    "unit cost code (see the unit cost database, reference/unit_costs.csv)",
                ),
                nullable=True,
            ),
            "cohort_size": pa.Column(
                float, pa.Check.ge(0, error="a cohort must not be negative"), nullable=True
            ),
            "start_offset_years": pa.Column(
                "Int64",
                pa.Check.ge(0, error="must be 0 or more (years after the start year)"),
                nullable=True,
            ),
            "duration_years": pa.Column(
                "Int64", pa.Check.ge(1, error="a benefit lasts at least 1 year"), nullable=True
            ),
            "confidence_grade": pa.Column(
                "Int64",
                in_range(confidence_grade("confidence_grade", "confidence grade")),
                nullable=True,
            ),
        },
        strict=False,
    )


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
    schema=schema,
    row_rules=all_of(
        must_exist_in("intervention_id", "interventions", "intervention_id", "known intervention"),
        horizon_rule,
    ),
)
