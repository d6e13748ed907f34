"""reference/: tables that replace the bundled reference seeds when a feeds directory has them.

A file reference/<table>.csv replaces that table entirely, so its columns are a contract too.
"""

import pandas as pd
import pandera.pandas as pa

from schemas.common import FeedContract, Field, Problem, ValidationContext, between_0_and_1, is_in

AGENCY_TIERS = {"local", "national"}
VALUE_TYPES = {"fiscal", "economic", "social"}
CONFIDENCE_GRADES = range(1, 7)


def _deflator_schema(context: ValidationContext) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "gdp_deflator_index": pa.Column(
                float,
                pa.Check.gt(0, name="above_0", error="an index must be above 0"),
                nullable=True,
            )
        },
        strict=False,
    )


def _population_schema(context: ValidationContext) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "population": pa.Column(
                "Int64",
                pa.Check.ge(0, name="at_least_0", error="must not be negative"),
                nullable=True,
            ),
            "mid_year": pa.Column(
                "Int64",
                pa.Check.in_range(1971, 2100, name="year", error="is not a year"),
                nullable=True,
            ),
        },
        strict=False,
    )


def _agency_schema(context: ValidationContext) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "tier": pa.Column(
                object,
                pa.Check.isin(
                    AGENCY_TIERS, name="allowed_tier", error="tier must be local or national"
                ),
                nullable=True,
            )
        },
        strict=False,
    )


def _unit_cost_schema(context: ValidationContext) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "cost_gbp": pa.Column(
                object,
                pa.Check.ge(0, name="at_least_0", error="a unit cost must not be negative"),
                nullable=True,
            ),
            "value_type": pa.Column(
                object,
                pa.Check.isin(
                    VALUE_TYPES,
                    name="allowed_value_type",
                    error="value_type must be fiscal, economic or social",
                ),
                nullable=True,
            ),
            "agency": pa.Column(
                object,
                is_in(
                    lambda: context.codes("agencies", "agency"),
                    "agency (see agencies.csv)",
                    "known_agency",
                ),
                nullable=True,
            ),
        },
        strict=False,
    )


def _unit_cost_rules(typed: pd.DataFrame, context: ValidationContext, contract: FeedContract):
    """A unit cost is moved to the price base with the deflator of its price year."""
    years = context.codes("deflators", "financial_year")
    if not years:
        return []
    first, last = min(years), max(years)
    return [
        Problem(
            contract.name,
            row["source_file"],
            int(row["source_row"]),
            "price_year",
            str(row["price_year"]),
            "price_year_deflated",
            f"'{row['price_year']}' is outside the GDP deflator series ({first} to {last}), so "
            "this unit cost cannot be moved to the price base",
            contract.row_problems,
        )
        for row in typed.to_dict("records")
        if row.get("price_year") and str(row["price_year"]) not in years
    ]


def _optimism_bias_schema(context: ValidationContext) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "confidence_grade": pa.Column(
                "Int64",
                pa.Check.in_range(
                    1, 6, name="confidence_grade", error="confidence grades run from 1 to 6"
                ),
                nullable=True,
            ),
            "optimism_bias": pa.Column(float, between_0_and_1(), nullable=True),
        },
        strict=False,
    )


def _every_grade_once(typed: pd.DataFrame, context: ValidationContext, contract: FeedContract):
    present = set(typed["confidence_grade"].dropna().astype(int))
    missing = [g for g in CONFIDENCE_GRADES if g not in present]
    if not missing or typed.empty:
        return []
    file = str(typed["source_file"].iloc[0])
    return [
        Problem(
            contract.name,
            file,
            None,
            "confidence_grade",
            ", ".join(map(str, missing)),
            "every_confidence_grade",
            f"has no row for confidence grade {', '.join(map(str, missing))}; every grade from "
            "1 to 6 needs its optimism-bias correction",
            contract.row_problems,
        )
    ]


def _membership_overlaps(typed: pd.DataFrame, context: ValidationContext, contract: FeedContract):
    """An area is a member of one combined authority at a time: two rows of one area whose
    dates overlap would count its money twice."""
    problems = []
    far = pd.Timestamp.max.date()
    rows = typed.dropna(subset=["area_code", "start_date"]).to_dict("records")
    by_area: dict[str, list[dict]] = {}
    for row in rows:
        by_area.setdefault(str(row["area_code"]), []).append(row)
    for area, spans in by_area.items():
        spans.sort(key=lambda r: r["start_date"])
        for earlier, later in zip(spans, spans[1:], strict=False):
            end = earlier["end_date"] if pd.notna(earlier["end_date"]) else far
            if later["start_date"] <= end:
                problems.append(
                    Problem(
                        contract.name,
                        later["source_file"],
                        int(later["source_row"]),
                        "start_date",
                        str(later["start_date"]),
                        "membership_overlap",
                        f"{area} is a member of {later['place_code']} from "
                        f"{later['start_date']} while row {earlier['source_row']} still makes it a "
                        f"member of {earlier['place_code']} (to "
                        f"{earlier['end_date'] if pd.notna(earlier['end_date']) else 'no end'}); "
                        "an area belongs to one combined authority at a time: end one row the "
                        "day before the other starts",
                        contract.row_problems,
                    )
                )
    return problems


def _reference(name, fields, key, description, schema=None, row_rules=None) -> FeedContract:
    return FeedContract(
        name=name,
        folder="reference",
        file_name=f"{name}.csv",
        fields=fields,
        key=key,
        description=description,
        schema=schema,
        row_rules=row_rules,
        table=f"reference_{name}",
    )


DEFLATORS = _reference(
    "deflators",
    [
        Field("financial_year", "financial_year"),
        Field("gdp_deflator_index", "number"),  # 4 decimals: not money
        Field("vintage", "text", required=False, nullable=True),
    ],
    ["financial_year"],
    "GDP deflator index by financial year (any base year)",
    _deflator_schema,
)
POPULATION = _reference(
    "population",
    [Field("area_code", "code"), Field("mid_year", "integer"), Field("population", "integer")],
    ["area_code", "mid_year"],
    "Mid-year population estimates by area",
    _population_schema,
)
MEMBERSHIP = _reference(
    "membership",
    [
        Field("area_code", "code"),
        Field("place_code", "code"),
        Field("start_date", "date"),
        Field("end_date", "date", nullable=True),
    ],
    ["area_code", "place_code", "start_date"],
    "Which areas belong to which combined authority, from when to when (end date inclusive)",
    row_rules=_membership_overlaps,
)
AREAS = _reference(
    "areas",
    [
        Field("area_code", "code"),
        Field("area_name", "text"),
        Field("area_type", "text"),
        Field("start_date", "date", nullable=True),
        Field("end_date", "date", nullable=True),
        Field("successor_code", "code", required=False, nullable=True),
        Field("region", "text", required=False, nullable=True),
        Field("county_code", "code", required=False, nullable=True),
    ],
    ["area_code"],
    "Every English authority code, its dates, its successor, its ONS region and (for a "
    "district in a two-tier area) its county",
)
DEPARTMENTS = _reference(
    "departments",
    [Field("department", "code"), Field("department_name", "text")],
    ["department"],
    "Government departments",
)
SERVICE_AREAS = _reference(
    "service_areas",
    [Field("service_area", "code"), Field("service_area_name", "text")],
    ["service_area"],
    "Revenue outturn summary service lines",
)
AGENCIES = _reference(
    "agencies",
    [Field("agency", "text"), Field("tier", "code")],
    ["agency"],
    "Agencies that bear costs or receive savings, local or national",
    _agency_schema,
)

UNIT_COSTS = _reference(
    "unit_costs",
    [
        Field("unit_cost_code", "code"),
        Field("description", "text"),
        Field("unit", "text"),
        Field("cost_gbp", "money"),
        Field("price_year", "financial_year"),
        Field("agency", "text"),
        Field("value_type", "code"),
        Field("agency_detail", "text", required=False, nullable=True),
        Field("theme", "text", required=False, nullable=True),
        Field("source", "text", required=False, nullable=True),
    ],
    ["unit_cost_code"],
    "Unit costs of outcomes (GMCA Unit Cost Database): what one occurrence costs whom, and "
    "whether the value is fiscal, economic or social",
    _unit_cost_schema,
    _unit_cost_rules,
)
OPTIMISM_BIAS = _reference(
    "optimism_bias",
    [Field("confidence_grade", "integer"), Field("optimism_bias", "rate")],
    ["confidence_grade"],
    "Optimism-bias correction by confidence grade (1 best evidence, 6 weakest): benefits are "
    "reduced and costs raised by this share",
    _optimism_bias_schema,
    _every_grade_once,
)

# Order matters: a table is checked against those before it (unit costs against agencies).
CONTRACTS = [
    AREAS,
    MEMBERSHIP,
    POPULATION,
    DEFLATORS,
    DEPARTMENTS,
    SERVICE_AREAS,
    AGENCIES,
    UNIT_COSTS,
    OPTIMISM_BIAS,
]
