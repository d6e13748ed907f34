"""settlements/settlements.csv: one multi-year devolution settlement per row."""

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
    COMBINED_AUTHORITY_PREFIX,
    NOT_A_COMBINED_AUTHORITY,
    AreaExistedInYear,
    YearsInOrder,
)
from schemas.geography import area_index, area_year_problem

YEARS_IN_ORDER = YearsInOrder("first_year", "last_year")
PLACE_RULE = AreaExistedInYear("place_code", year_column="first_year", combined_authority=True)
RULES = [share_rule("gain_share_rate"), YEARS_IN_ORDER, PLACE_RULE]


def place_rules(typed: pd.DataFrame, context: ValidationContext, contract: FeedContract):
    """The row-by-row form of YEARS_IN_ORDER and PLACE_RULE."""
    areas = area_index(context)
    problems = []
    for row in typed.to_dict("records"):
        first, last = row.get(YEARS_IN_ORDER.first_column), row.get(YEARS_IN_ORDER.last_column)
        if first and last and first > last:
            problems.append(
                Problem(
                    contract.name,
                    row["source_file"],
                    int(row["source_row"]),
                    YEARS_IN_ORDER.last_column,
                    str(last),
                    "year_order",
                    YEARS_IN_ORDER.words(first, last),
                    contract.row_problems,
                )
            )
        code, year = row.get(PLACE_RULE.code_column), row.get(PLACE_RULE.year_column)
        if not code or not year:
            continue
        found = None
        if not str(code).startswith(COMBINED_AUTHORITY_PREFIX):
            found = ("combined_authority", f"'{code}' {NOT_A_COMBINED_AUTHORITY}")
        else:
            found = area_year_problem(str(code), str(year), areas)
        if found:
            problems.append(
                Problem(
                    contract.name,
                    row["source_file"],
                    int(row["source_row"]),
                    PLACE_RULE.code_column,
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
    schema=engine_rule_schema(RULES),
    row_rules=place_rules,
    engine_rules=RULES,
    validated_in_engine=True,
)
