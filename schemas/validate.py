"""Apply a feed contract to text read from files: parse, check every rule at once, sort rows into
loaded and quarantined, and word every problem so a finance officer can fix it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from schemas.common import (
    FeedContract,
    Field,
    Problem,
    ValidationContext,
    financial_year_is_valid,
)

LINEAGE = ["source_file", "source_row"]


@dataclass
class FileReport:
    feed: str
    file: str
    sha256: str
    rows_read: int
    rows_loaded: int = 0
    rows_quarantined: int = 0
    blocked: bool = False


@dataclass
class FeedResult:
    contract: FeedContract
    loaded: pd.DataFrame
    quarantined: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    files: list[FileReport] = field(default_factory=list)

    @property
    def blocking_problems(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "block"]

    @property
    def blocked(self) -> bool:
        return bool(self.blocking_problems)


# --- parsing -----------------------------------------------------------------------------


def _parse_money(text: str) -> Decimal:
    value = Decimal(text)
    if not value.is_finite():
        raise InvalidOperation
    return value.quantize(Decimal("0.01"))


def _parse_date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


PARSERS = {
    "money": (
        _parse_money,
        "money",
        "is not an amount in pounds (write digits only, e.g. 1250000)",
    ),
    "number": (float, "number", "is not a number"),
    "rate": (float, "number", "is not a number (write a share as a decimal, e.g. 0.25)"),
    "integer": (int, "integer", "is not a whole number"),
    "date": (_parse_date, "date", "is not a date written YYYY-MM-DD"),
}


def _problem(contract, row, column, value, rule, message) -> Problem:
    return Problem(
        feed=contract.name,
        file=row["source_file"],
        row=int(row["source_row"]),
        column=column,
        value=value,
        rule=rule,
        message=message,
        severity=contract.row_problems,
    )


def _parse_column(contract: FeedContract, spec: Field, frame: pd.DataFrame, problems: list):
    values = []
    for _, row in frame.iterrows():
        text = str(row.get(spec.name, "")).strip()
        if text == "":
            if spec.default is not None:
                values.append(spec.default)
                continue
            if not spec.nullable:
                problems.append(
                    _problem(
                        contract, row, spec.name, "", "required", "is blank; a value is required"
                    )
                )
            values.append(None)
            continue
        if spec.kind == "financial_year":
            if not financial_year_is_valid(text):
                problems.append(
                    _problem(
                        contract,
                        row,
                        spec.name,
                        text,
                        "financial_year",
                        f"'{text}' is not a financial year written YYYY-YY, e.g. 2025-26",
                    )
                )
                values.append(None)
            else:
                values.append(text)
            continue
        if spec.kind not in PARSERS:
            values.append(text)
            continue
        parse, rule, words = PARSERS[spec.kind]
        try:
            values.append(parse(text))
        except (ValueError, InvalidOperation):
            problems.append(_problem(contract, row, spec.name, text, rule, f"'{text}' {words}"))
            values.append(None)
    return pd.Series(values, index=frame.index, dtype=object)


def parse(contract: FeedContract, text: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    problems: list[Problem] = []
    typed = text[LINEAGE].copy()
    for spec in contract.fields:
        typed[spec.name] = _parse_column(contract, spec, text, problems)
    for spec in contract.fields:
        if spec.kind in ("number", "rate"):
            typed[spec.name] = pd.to_numeric(typed[spec.name], errors="coerce").astype("float64")
        elif spec.kind == "integer":
            typed[spec.name] = pd.array(typed[spec.name], dtype="Int64")
    return typed, problems


# --- structure -----------------------------------------------------------------------------


def missing_columns(contract: FeedContract, text: pd.DataFrame, file: str) -> list[Problem]:
    present = [c for c in text.columns if c not in LINEAGE]
    return [
        Problem(
            feed=contract.name,
            file=file,
            row=None,
            column=spec.name,
            value=None,
            rule="missing_column",
            message=(
                f"the required column '{spec.name}' is missing; the file's columns are: "
                f"{', '.join(present) or '(none)'}"
            ),
            severity="block",
        )
        for spec in contract.fields
        if spec.required and spec.name not in present
    ]


def add_absent_optional_columns(contract: FeedContract, text: pd.DataFrame) -> pd.DataFrame:
    for spec in contract.fields:
        if spec.name not in text.columns:
            text[spec.name] = ""
    return text


# --- rules -----------------------------------------------------------------------------------


def _check_words(check: str) -> str:
    return str(check)


def schema_problems(
    contract: FeedContract, typed: pd.DataFrame, context: ValidationContext
) -> list[Problem]:
    if contract.schema is None or typed.empty:
        return []
    schema: pa.DataFrameSchema = contract.schema(context)
    try:
        schema.validate(typed, lazy=True)
    except SchemaErrors as errors:
        return [
            _case_problem(contract, typed, case)
            for case in errors.failure_cases.to_dict("records")
            if case.get("index") is not None and not pd.isna(case.get("index"))
        ]
    return []


def _case_problem(contract: FeedContract, typed: pd.DataFrame, case: dict) -> Problem:
    row = typed.loc[case["index"]]
    value = case.get("failure_case")
    value_text = (
        "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
    )
    words = _check_words(case.get("check"))
    return _problem(contract, row, case.get("column"), value_text, words, f"'{value_text}' {words}")


def duplicate_key_problems(contract: FeedContract, typed: pd.DataFrame) -> list[Problem]:
    if not contract.key or typed.empty:
        return []
    key = typed[contract.key].astype(str)
    duplicated = key.duplicated(keep=False)
    problems = []
    first_seen: dict[tuple, pd.Series] = {}
    for index in typed.index[duplicated]:
        row = typed.loc[index]
        key_value = tuple(key.loc[index])
        if key_value not in first_seen:
            first_seen[key_value] = row
            continue
        first = first_seen[key_value]
        described = ", ".join(f"{c}={v}" for c, v in zip(contract.key, key_value, strict=True))
        problems.append(
            _problem(
                contract,
                row,
                ", ".join(contract.key),
                described,
                "unique_key",
                f"repeats {first['source_file']} row {first['source_row']} ({described}); "
                "each combination may appear only once",
            )
        )
    return problems


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen, kept = set(), []
    for p in problems:
        where = (p.file, p.row, p.column)
        if p.row is not None and where in seen:
            continue
        seen.add(where)
        kept.append(p)
    return kept


# --- the whole feed ------------------------------------------------------------------------


def validate_frames(
    contract: FeedContract,
    texts: list[tuple[str, pd.DataFrame]],
    context: ValidationContext,
) -> tuple[pd.DataFrame, pd.DataFrame, list[Problem]]:
    """texts: (file display name, text frame) per file. Returns (loaded, quarantined, problems)."""
    problems: list[Problem] = []
    usable = []
    for file, text in texts:
        structural = missing_columns(contract, text, file)
        problems += structural
        if not structural:
            usable.append(add_absent_optional_columns(contract, text))
    columns = LINEAGE + contract.columns
    if not usable:
        empty = pd.DataFrame(columns=columns)
        return empty, empty.copy(), problems
    text = pd.concat(usable, ignore_index=True)
    typed, row_problems = parse(contract, text)
    row_problems += schema_problems(contract, typed, context)
    if contract.row_rules is not None:
        row_problems += contract.row_rules(typed, context, contract)
    row_problems += duplicate_key_problems(contract, typed)
    row_problems = _dedupe(row_problems)
    bad_rows = {(p.file, p.row) for p in row_problems}
    is_bad = pd.Series(
        [
            (f, int(r)) in bad_rows
            for f, r in zip(typed["source_file"], typed["source_row"], strict=True)
        ],
        index=typed.index,
        dtype=bool,
    )
    return typed[~is_bad][columns], text[is_bad], problems + row_problems
