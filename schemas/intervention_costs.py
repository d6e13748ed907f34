"""interventions/intervention_costs.csv: what an intervention costs in each financial year, in
cash pounds, from its start year to its last year of spending with no year left out."""

import pandas as pd
import pandera.pandas as pa

from schemas.common import FeedContract, Field, Problem, ValidationContext, non_negative
from schemas.engine_rules import WithinDeflatorSeries
from schemas.interventions import within_deflator_series
from schemas.references import all_of, must_exist_in


def _start(year: str) -> int:
    return int(year[:4])


def _label(start: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}"


def _start_years(context: ValidationContext) -> dict[str, str]:
    interventions = context.feeds.get("interventions")
    if interventions is None:
        return {}
    return {
        str(r["intervention_id"]): str(r["start_year"])
        for r in interventions.to_dict("records")
        if r.get("start_year")
    }


def _problem(contract, row, column, value, rule, message) -> Problem:
    return Problem(
        contract.name,
        row["source_file"],
        int(row["source_row"]),
        column,
        value,
        rule,
        message,
        contract.row_problems,
    )


def cost_year_rules(typed: pd.DataFrame, context: ValidationContext, contract: FeedContract):
    """Costs start in the intervention's start year (year 0) and every year up to the last cost
    year has a row: a year left out would silently count as free."""
    starts = _start_years(context)
    rows = [
        r for r in typed.to_dict("records") if r.get("intervention_id") and r.get("financial_year")
    ]
    by_intervention: dict[str, list[dict]] = {}
    for row in rows:
        by_intervention.setdefault(str(row["intervention_id"]), []).append(row)
    problems = []
    for intervention, its_rows in by_intervention.items():
        its_rows.sort(key=lambda r: (str(r["financial_year"]), int(r["source_row"])))
        start_year = starts.get(intervention)
        for row in its_rows:
            if start_year and str(row["financial_year"]) < start_year:
                problems.append(
                    _problem(
                        contract,
                        row,
                        "financial_year",
                        str(row["financial_year"]),
                        "cost_before_start_year",
                        f"'{row['financial_year']}' is before intervention {intervention}'s "
                        f"start_year {start_year} (year 0 of its appraisal); move the cost into "
                        "the start year or start the appraisal earlier",
                    )
                )
        first = _start(start_year) if start_year else _start(str(its_rows[0]["financial_year"]))
        present = {_start(str(r["financial_year"])) for r in its_rows}
        last = max(present)
        gaps: dict[int, list[int]] = {}  # source row after the gap -> the years missing before it
        for missing in range(first, last + 1):
            if missing not in present:
                following = next(r for r in its_rows if _start(str(r["financial_year"])) > missing)
                gaps.setdefault(int(following["source_row"]), []).append(missing)
        for row in its_rows:
            missing_years = [_label(y) for y in gaps.pop(int(row["source_row"]), [])]
            if not missing_years:
                continue
            rows_word = "cost row" if len(missing_years) == 1 else "cost rows"
            problems.append(
                _problem(
                    contract,
                    row,
                    "financial_year",
                    ", ".join(missing_years),
                    "every_cost_year",
                    f"intervention {intervention} has no {rows_word} for "
                    f"{', '.join(missing_years)} (the years before this row's "
                    f"{row['financial_year']}): every year from its start year {_label(first)} "
                    f"to its last cost year {_label(last)} needs a row (write 0 for a year "
                    "without spending)",
                )
            )
    return problems


def schema(context: ValidationContext) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {"cost_gbp": pa.Column(object, non_negative("a cost"), nullable=True)},
        strict=False,
    )


CONTRACT = FeedContract(
    name="intervention_costs",
    depends_on=["interventions"],
    folder="interventions",
    file_name="intervention_costs.csv",
    description="What each prevention intervention costs in each financial year (cash pounds)",
    fields=[
        Field("intervention_id", "code"),
        Field("financial_year", "financial_year"),
        Field("cost_gbp", "money"),
        Field("data_provenance", "text", required=False, nullable=True),
    ],
    key=["intervention_id", "financial_year"],
    row_problems="block",
    schema=schema,
    row_rules=all_of(
        must_exist_in("intervention_id", "interventions", "intervention_id", "known intervention"),
        within_deflator_series(WithinDeflatorSeries("financial_year", "a cost in that year")),
        cost_year_rules,
    ),
)
