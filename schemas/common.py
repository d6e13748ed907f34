"""What every feed contract is made of: typed fields, problems worded for a finance officer,
and the pieces of Pandera the feed modules share."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd
import pandera.pandas as pa

from schemas.engine_rules import (
    AllowedValues,
    EngineRule,
    EveryYearFromStart,
    InRange,
    KnownCode,
    NeededWhen,
    not_negative,
)

Severity = Literal["block", "quarantine", "warn"]
FieldKind = Literal["text", "code", "financial_year", "money", "number", "integer", "rate", "date"]

FINANCIAL_YEAR = re.compile(r"^(\d{4})-(\d{2})$")

RULE_WORDS = {
    "missing_column": "a required column is missing",
    "required": "a value is required",
    "financial_year": "financial years are written YYYY-YY, e.g. 2025-26",
    "money": "amounts are numbers of pounds",
    "number": "must be a number",
    "integer": "must be a whole number",
    "rate": "must be a number between 0 and 1",
    "date": "dates are written YYYY-MM-DD",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a feed, precise enough to find and fix in the source spreadsheet."""

    feed: str
    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str
    message: str
    severity: Severity = "block"

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message} [rule: {self.rule}]"

    def as_record(self) -> dict:
        return {
            "feed": self.feed,
            "source_file": self.file,
            "source_row": self.row,
            "column_name": self.column,
            "value": self.value,
            "rule": self.rule,
            "message": self.message,
            "severity": self.severity,
        }


@dataclass(frozen=True)
class Field:
    name: str
    kind: FieldKind
    required: bool = True  # the column must be present in the file
    nullable: bool = False  # a blank cell is allowed
    default: object = None  # used when an optional column is absent or blank
    case: Literal["upper", "lower"] | None = None  # GSS codes are upper case, budget types lower


@dataclass
class FeedContract:
    """The input contract of one feed folder (or one fixed file in it)."""

    name: str
    folder: str
    fields: list[Field]
    key: list[str]
    description: str
    file_name: str | None = None  # a fixed file name; None reads every .csv/.xlsx in the folder
    required_feed: bool = False
    row_problems: Severity = "block"  # what a row-level problem does to the build
    # Feeds whose validated rows this feed's checks read (a pooling agreement's settlement):
    # they are validated and loaded first.
    depends_on: list[str] = field(default_factory=list)
    # Pandera checks on the typed frame; built with the reference data so codes can be checked.
    schema: Callable[[ValidationContext], pa.DataFrameSchema] | None = None
    # Checks that need a sentence of their own per row (e.g. an abolished code and its successor).
    row_rules: Callable[[pd.DataFrame, ValidationContext, FeedContract], list[Problem]] | None = (
        None
    )
    table: str = ""
    # Rules run inside DuckDB as set-based queries (schemas/engine_rules.py). A contract with
    # engine rules is validated in the engine, never row by row in Python: a feed too large for
    # pandas (spend_transactions).
    engine_rules: list[EngineRule] = field(default_factory=list)
    # The build and `wholeplace validate` validate this feed in the engine (the rules above),
    # not row by row; a contract may state engine rules before it is switched.
    validated_in_engine: bool = False
    file_suffixes: tuple[str, ...] = (".csv", ".xlsx")

    def __post_init__(self) -> None:
        self.table = self.table or self.name

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]


@dataclass
class ValidationContext:
    """Reference data and feeds already validated, for checks that look across tables."""

    reference: dict[str, pd.DataFrame] = field(default_factory=dict)
    feeds: dict[str, pd.DataFrame] = field(default_factory=dict)

    def codes(self, table: str, column: str) -> set[str]:
        frame = self.reference.get(table, self.feeds.get(table))
        if frame is None or column not in frame:
            return set()
        return set(frame[column].dropna().astype(str))


def financial_year_is_valid(text: str) -> bool:
    match = FINANCIAL_YEAR.match(text or "")
    return bool(match) and (int(match.group(1)) + 1) % 100 == int(match.group(2))


def is_in(values: Callable[[], set[str]] | set[str], what: str, rule: str) -> pa.Check:
    """Element check against a set of known codes, with a finance-officer message; `rule` is
    its short name in a problem (known_department)."""

    def check(series: pd.Series) -> pd.Series:
        allowed = values() if callable(values) else values
        return series.isna() | series.astype(str).isin(allowed)

    return pa.Check(check, element_wise=False, name=rule, error=f"is not a known {what}")


def between_0_and_1(inclusive_low: bool = True) -> pa.Check:
    return in_range(share_rule("", inclusive_low))


def share_rule(column: str, inclusive_low: bool = True) -> InRange:
    """A share or rate: between 0 and 1 (more than 0 when a zero share means nothing)."""
    if inclusive_low:
        return InRange(column, "must be between 0 and 1 (a share, not a percentage)", 0, 1)
    return InRange(
        column, "must be more than 0 and at most 1 (a share, not a percentage)", 0, 1, False
    )


def non_negative(what: str = "amount") -> pa.Check:
    return in_range(not_negative("", what))


def in_range(rule: InRange) -> pa.Check:
    """The Pandera form of an engine rule InRange, worded the same."""

    def holds(series: pd.Series) -> pd.Series:
        ok = pd.Series(True, index=series.index)
        if rule.low is not None:
            ok &= (series >= rule.low) if rule.low_inclusive else (series > rule.low)
        if rule.high is not None:
            ok &= series <= rule.high
        return ok

    return pa.Check(holds, name=rule.rule, error=rule.words)


def engine_rule_schema(rules: list[EngineRule]):
    """The Pandera schema of a contract's value rules, built from its engine rules so the
    row-by-row path and the engine check the same facts with the same words."""

    def schema(context: ValidationContext) -> pa.DataFrameSchema:
        columns = {}
        for rule in rules:
            if isinstance(rule, KnownCode):
                table, column = rule.reference_table, rule.reference_column
                codes = lambda t=table, c=column: context.codes(t, c)  # noqa: E731
                check = is_in(codes, rule.what, rule.rule)
            elif isinstance(rule, AllowedValues):
                check = pa.Check.isin(set(rule.values), name=rule.rule, error=rule.words)
            elif isinstance(rule, InRange):
                check = in_range(rule)
            else:
                continue  # an area's year is a row rule: schemas/geography.area_rules
            columns[rule.column] = pa.Column(object, check, nullable=True)
        return pa.DataFrameSchema(columns, strict=False)

    return schema


def needed_when(rule: NeededWhen):
    """The row-by-row form of a NeededWhen engine rule."""

    def check(typed: pd.DataFrame, context: ValidationContext, contract: FeedContract):
        return [
            Problem(
                contract.name,
                row["source_file"],
                int(row["source_row"]),
                rule.needed[0],
                "",
                rule.rule,
                rule.words,
                contract.row_problems,
            )
            for row in typed.to_dict("records")
            if row.get(rule.when_column) == rule.when_value
            and not pd.isna(row.get(rule.given_column))
            and any(pd.isna(row.get(c)) for c in rule.needed)
        ]

    return check


def start_years(rule: EveryYearFromStart, context: ValidationContext) -> dict[str, str]:
    """Each key's start year in the feed the rule names (an intervention's start_year); empty
    when that feed is not at hand (checking one file alone)."""
    given = context.feeds.get(rule.feed)
    if given is None:
        return {}
    return {
        str(r[rule.key_column]): str(r[rule.start_column])
        for r in given.to_dict("records")
        if r.get(rule.start_column)
    }


def financial_year_format() -> pa.Check:
    return pa.Check(
        lambda s: s.map(financial_year_is_valid),
        error="financial years are written YYYY-YY with consecutive years, e.g. 2025-26",
    )
