"""settlements/settlements.csv: one multi-year devolution settlement per row."""

import pandas as pd
import pandera.pandas as pa

from schemas.common import FeedContract, Field, Problem, ValidationContext, between_0_and_1
from schemas.geography import area_index, area_year_problem


def schema(context: ValidationContext) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {"gain_share_rate": pa.Column(float, between_0_and_1(), nullable=True)},
        strict=False,
    )


def place_rules(typed: pd.DataFrame, context: ValidationContext, contract: FeedContract):
    areas = area_index(context)
    problems = []
    for row in typed.to_dict("records"):
        first, last = row.get("first_year"), row.get("last_year")
        if first and last and first > last:
            problems.append(
                Problem(
                    contract.name,
                    row["source_file"],
                    int(row["source_row"]),
                    "last_year",
                    str(last),
                    "year_order",
                    f"last_year {last} is before first_year {first}",
                    contract.row_problems,
                )
            )
        code, year = row.get("place_code"), row.get("first_year")
        if not code or not year:
            continue
        found = None
        if not str(code).startswith("E47"):
            found = ("combined_authority", f"'{code}' is not a combined authority code (E47...)")
        else:
            found = area_year_problem(str(code), str(year), areas)
        if found:
            problems.append(
                Problem(
                    contract.name,
                    row["source_file"],
                    int(row["source_row"]),
                    "place_code",
                    str(code),
                    found[0],
                    found[1],
                    contract.row_problems,
                )
            )
    return problems


CONTRACT = FeedContract(
    name="settlements",
    folder="settlements",
    file_name="settlements.csv",
    description="Multi-year settlements: which place, which years, and its gain-share rate",
    fields=[
        Field("settlement_id", "code"),
        Field("place_code", "code", case="upper"),
        Field("first_year", "financial_year"),
        Field("last_year", "financial_year"),
        Field("gain_share_rate", "rate"),
        Field("data_provenance", "text", required=False, nullable=True),
    ],
    key=["settlement_id"],
    required_feed=True,
    row_problems="block",
    schema=schema,
    row_rules=place_rules,
)
