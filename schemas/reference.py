"""reference/: tables that replace the bundled reference seeds when a feeds directory has them.

A file reference/<table>.csv replaces that table entirely, so its columns are a contract too.
"""

import pandera.pandas as pa

from schemas.common import FeedContract, Field, ValidationContext

AGENCY_TIERS = {"local", "national"}


def _deflator_schema(context: ValidationContext) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "gdp_deflator_index": pa.Column(
                object, pa.Check.gt(0, error="an index must be above 0"), nullable=True
            )
        },
        strict=False,
    )


def _population_schema(context: ValidationContext) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "population": pa.Column(
                "Int64", pa.Check.ge(0, error="must not be negative"), nullable=True
            ),
            "mid_year": pa.Column(
                "Int64", pa.Check.in_range(1971, 2100, error="is not a year"), nullable=True
            ),
        },
        strict=False,
    )


def _agency_schema(context: ValidationContext) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "tier": pa.Column(
                object,
                pa.Check.isin(AGENCY_TIERS, error="tier must be local or national"),
                nullable=True,
            )
        },
        strict=False,
    )


def _reference(name, fields, key, description, schema=None) -> FeedContract:
    return FeedContract(
        name=name,
        folder="reference",
        file_name=f"{name}.csv",
        fields=fields,
        key=key,
        description=description,
        schema=schema,
        table=f"reference_{name}",
    )


DEFLATORS = _reference(
    "deflators",
    [
        Field("financial_year", "financial_year"),
        Field("gdp_deflator_index", "money"),
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
    ],
    ["area_code"],
    "Every English authority code, its dates and its successor",
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

CONTRACTS = [AREAS, MEMBERSHIP, POPULATION, DEFLATORS, DEPARTMENTS, SERVICE_AREAS, AGENCIES]
