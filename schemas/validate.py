"""Apply a feed contract to text read from files: parse, check every rule at once, sort rows into
loaded and quarantined, and word every problem so a finance officer can fix it."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from schemas import tolerance
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
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warn"]

    @property
    def blocking_problems(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "block"]

    @property
    def blocked(self) -> bool:
        return bool(self.blocking_problems)


# --- parsing -----------------------------------------------------------------------------


PLAIN_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
SCIENTIFIC = re.compile(r"^-?[0-9]+(\.[0-9]+)?[eE][+-]?[0-9]+$")
WHOLE_NUMBER = re.compile(r"^-?[0-9]+$")
PENNY = Decimal("0.01")
# decimal(18, 2), the money type of the warehouse, holds 16 digits of pounds.
MONEY_LIMIT = Decimal(10) ** 16


class ValueRefused(ValueError):
    """A value with a sentence of its own, instead of the column's general words."""


def _parse_money(text: str) -> Decimal:
    if SCIENTIFIC.match(text):
        raise ValueRefused(
            "is written in scientific notation, which Excel shows when it has rounded a long "
            "number; format the column as Number and save the file again"
        )
    if not PLAIN_NUMBER.match(text):
        raise ValueError(text)  # underscores, other digits than 0-9, NaN, Infinity, words
    value = Decimal(text)
    if abs(value) >= MONEY_LIMIT:
        raise ValueRefused(
            "is more than the warehouse's money type holds (16 digits of pounds, up to "
            "£9,999,999,999,999,999.99); check the units of the column"
        )
    return value.quantize(PENNY, rounding=ROUND_HALF_UP)


def _parse_number(text: str) -> float:
    if not (PLAIN_NUMBER.match(text) or SCIENTIFIC.match(text)):
        raise ValueError(text)  # NaN, inf, underscores, digits other than 0-9
    value = float(text)
    if not math.isfinite(value):
        raise ValueRefused("is too large to be a number")
    return value


def _parse_integer(text: str) -> int:
    if not WHOLE_NUMBER.match(text):
        raise ValueError(text)
    return int(text)


def _parse_date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _number_notes(spec: Field, text: str) -> str | None:
    """What was read as meant in a number: scientific notation in a rate or index (its value is
    exact), more than two decimals of a pound (rounded to the penny, half up)."""
    if spec.kind in ("number", "rate") and SCIENTIFIC.match(text):
        return "scientific notation (read as the number it writes)"
    if spec.kind == "money" and PLAIN_NUMBER.match(text) and "." in text:
        decimals = text.split(".", 1)[1]
        if len(decimals) > 2 and decimals[2:].strip("0"):
            return "more than two decimal places (rounded to the penny, half up)"
    return None


PARSERS = {
    "money": (
        _parse_money,
        "money",
        "is not an amount in pounds (write digits 0-9 only, e.g. 1250000)",
    ),
    "number": (_parse_number, "number", "is not a number (write digits 0-9, e.g. 104.5)"),
    "rate": (
        _parse_number,
        "number",
        "is not a number (write a share as a decimal, e.g. 0.25; leave no NaN)",
    ),
    "integer": (_parse_integer, "integer", "is not a whole number (write digits 0-9)"),
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


def _tolerate(spec: Field, text: str) -> tuple[str, str | None]:
    """Clean what real spreadsheets do to a value, where the meaning is certain."""
    notes = []
    if spec.case == "upper" and text != text.upper():
        text, _ = text.upper(), notes.append("codes in lower or mixed case")
    elif spec.case == "lower" and text != text.lower():
        text, _ = text.lower(), notes.append("values in upper or mixed case")
    if spec.kind in ("money", "number", "rate"):
        text, note = tolerance.money(text)
        notes.append(note)
    elif spec.kind == "financial_year":
        text, note = tolerance.financial_year(text)
        notes.append(note)
    return text, ", ".join(n for n in notes if n) or None


def _parse_value(contract, spec, row, text, problems, tolerated):
    raw = str(text)
    text = raw.strip()
    if text == "":
        if spec.default is not None:
            return spec.default
        if not spec.nullable:
            problems.append(
                _problem(contract, row, spec.name, "", "required", "is blank; a value is required")
            )
        return None
    if text != raw:
        tolerated.append((row, spec.name, "leading or trailing spaces"))
    text, note = _tolerate(spec, text)
    if note:
        tolerated.append((row, spec.name, note))
    if spec.kind == "financial_year":
        if financial_year_is_valid(text):
            return text
        problems.append(
            _problem(
                contract,
                row,
                spec.name,
                raw,
                "financial_year",
                f"'{raw}' is not a financial year written YYYY-YY, e.g. 2025-26",
            )
        )
        return None
    if spec.kind not in PARSERS:
        return text
    parse_value, rule, words = PARSERS[spec.kind]
    try:
        value = parse_value(text)
    except ValueRefused as refused:
        problems.append(_problem(contract, row, spec.name, raw, rule, f"'{raw}' {refused}"))
        return None
    except (ValueError, InvalidOperation):
        problems.append(_problem(contract, row, spec.name, raw, rule, f"'{raw}' {words}"))
        return None
    note = _number_notes(spec, text)
    if note:
        tolerated.append((row, spec.name, note))
    return value


def tolerated_warnings(contract: FeedContract, tolerated: list) -> list[Problem]:
    """One warning per file, column and kind of tolerance, naming the first row and the count."""
    grouped: dict[tuple, list] = {}
    for row, column, note in tolerated:
        grouped.setdefault((row["source_file"], column, note), []).append(int(row["source_row"]))
    return [
        Problem(
            contract.name,
            file,
            rows[0],
            column,
            None,
            "tolerated",
            f"{len(rows)} value(s) had {note}, first on row {rows[0]}; read them as "
            "their plain meaning",
            "warn",
        )
        for (file, column, note), rows in grouped.items()
    ]


def parse(contract: FeedContract, text: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    problems: list[Problem] = []
    tolerated: list = []
    typed = text[LINEAGE].copy()
    records = text.to_dict("records")
    for spec in contract.fields:
        values = [
            _parse_value(contract, spec, row, row.get(spec.name, ""), problems, tolerated)
            for row in records
        ]
        typed[spec.name] = pd.Series(values, index=text.index, dtype=object)
    for spec in contract.fields:
        if spec.kind in ("number", "rate"):
            typed[spec.name] = pd.to_numeric(typed[spec.name], errors="coerce").astype("float64")
        elif spec.kind == "integer":
            typed[spec.name] = pd.array(typed[spec.name], dtype="Int64")
    return typed, problems + tolerated_warnings(contract, tolerated)


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
            _case_problem(contract, typed, case, _check_rule(schema, case))
            for case in errors.failure_cases.to_dict("records")
            if case.get("index") is not None and not pd.isna(case.get("index"))
        ]
    return []


def _check_rule(schema: pa.DataFrameSchema, case: dict) -> str:
    """The short name of the check that failed (known_agency, at_least_0): a problem's rule, which
    its message already says in words."""
    column, number = schema.columns.get(case.get("column")), case.get("check_number")
    if column is None or number is None or pd.isna(number):
        return str(case.get("check"))
    return column.checks[int(number)].name


def _case_problem(contract: FeedContract, typed: pd.DataFrame, case: dict, rule: str) -> Problem:
    row = typed.loc[case["index"]]
    value = case.get("failure_case")
    value_text = (
        "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
    )
    words = str(case.get("check"))
    return _problem(contract, row, case.get("column"), value_text, rule, f"'{value_text}' {words}")


SET_ASIDE_RULES = {"totals_row", "duplicate_submission"}


def _compared_values(contract: FeedContract, typed: pd.DataFrame, text: pd.DataFrame | None):
    """Each row's values as text for comparing rows; a value that could not be parsed (typed as
    missing) is compared as written, so two different unreadable amounts never look alike."""
    values = typed[contract.columns].astype(str)
    if text is None:
        return values
    for column in contract.columns:
        written = text.loc[typed.index, column].astype(str).str.strip()
        unparsed = typed[column].isna() & (written != "")
        values.loc[unparsed, column] = "as written: " + written[unparsed]
    return values


def duplicate_key_problems(
    contract: FeedContract, typed: pd.DataFrame, text: pd.DataFrame | None = None
) -> list[Problem]:
    """A repeated key with identical values is a duplicated submission: the repeat is set aside
    with a warning. A repeated key with different values is ambiguous and is rejected."""
    if not contract.key or typed.empty:
        return []
    key = typed[contract.key].astype(str)
    values = _compared_values(contract, typed, text)
    problems = []
    first_seen: dict[tuple, object] = {}
    for index in typed.index[key.duplicated(keep=False)]:
        key_value = tuple(key.loc[index])
        if key_value not in first_seen:
            first_seen[key_value] = index
            continue
        first, row = typed.loc[first_seen[key_value]], typed.loc[index]
        described = ", ".join(f"{c}={v}" for c, v in zip(contract.key, key_value, strict=True))
        where = f"{first['source_file']} row {first['source_row']}"
        if values.loc[index].equals(values.loc[first_seen[key_value]]):
            problems.append(
                Problem(
                    contract.name,
                    row["source_file"],
                    int(row["source_row"]),
                    ", ".join(contract.key),
                    described,
                    "duplicate_submission",
                    f"repeats {where} exactly ({described}); the repeat was set aside, not counted "
                    "twice",
                    "warn",
                )
            )
            continue
        differing = [
            c
            for c in contract.columns
            if c not in contract.key
            and values.loc[index, c] != values.loc[first_seen[key_value], c]
        ]
        detail = "; ".join(
            f"{c} {values.loc[first_seen[key_value], c]} there, {values.loc[index, c]} here"
            for c in differing
        )
        problems.append(
            _problem(
                contract,
                row,
                ", ".join(contract.key),
                described,
                "unique_key",
                f"gives different values from {where} for the same {described} ({detail}); "
                "each combination may appear only once: say which is right",
            )
        )
    return problems


def totals_row_problems(contract: FeedContract, text: pd.DataFrame) -> list[Problem]:
    return [
        Problem(
            contract.name,
            row["source_file"],
            int(row["source_row"]),
            None,
            "; ".join(v for v in (str(row[c]) for c in contract.columns) if v.strip()),
            "totals_row",
            "looks like a totals row; it was dropped, never summed",
            "warn",
        )
        for row in text.to_dict("records")
        if tolerance.is_totals_row([str(row[c]) for c in contract.columns])
    ]


def normalise_headers(contract: FeedContract, text: pd.DataFrame, file: str):
    """'Amount GBP' or ' amount_gbp ' -> amount_gbp, with a warning naming what was renamed."""
    wanted = set(contract.columns)
    renames = {}
    for column in text.columns:
        plain = "_".join(str(column).strip().lower().replace("-", " ").split())
        if column not in wanted and plain in wanted and plain not in text.columns:
            renames[column] = plain
    if not renames:
        return text, []
    described = ", ".join(f"'{old}' as {new}" for old, new in renames.items())
    warning = Problem(
        contract.name,
        file,
        None,
        None,
        None,
        "tolerated",
        f"read column headers {described}",
        "warn",
    )
    return text.rename(columns=renames), [warning]


def years_without_deflator(
    contract: FeedContract, typed: pd.DataFrame, context: ValidationContext
) -> list[Problem]:
    """Every financial year a figure is in needs a GDP deflator, or the year would drop out of
    every real-terms mart. The deflator table names where it came from (bundled or the feeds')."""
    deflators = context.reference.get("deflators")
    years = [s.name for s in contract.fields if s.kind == "financial_year"]
    if deflators is None or deflators.empty or not years or typed.empty:
        return []
    if contract.name in ("deflators", "unit_costs"):  # unit costs have their own rule
        return []
    known = set(deflators["financial_year"].dropna().astype(str))
    table = str(deflators["source_file"].iloc[0])
    problems = []
    for row in typed.to_dict("records"):
        needed = _years_of(row, years)
        missing = [y for y in needed if y not in known]
        if missing:
            problems.append(
                _problem(
                    contract,
                    row,
                    years[0] if len(years) == 1 else ", ".join(years),
                    ", ".join(missing),
                    "deflator_year",
                    f"{', '.join(missing)} has no GDP deflator in {table}, so this row's "
                    "figures cannot be shown in real terms; add the year to the deflator table",
                )
            )
    return problems


def _years_of(row: dict, columns: list[str]) -> list[str]:
    values = [str(row[c]) for c in columns if row.get(c) and financial_year_is_valid(str(row[c]))]
    if "first_year" in columns and "last_year" in columns and len(values) == 2:
        first, last = int(values[0][:4]), int(values[1][:4])
        if first <= last:
            return [f"{y}-{(y + 1) % 100:02d}" for y in range(first, last + 1)]
    return values


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen, kept = set(), []
    for p in problems:
        where = (p.file, p.row, p.column)
        if p.severity == "warn":
            kept.append(p)
            continue
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
        text, renamed = normalise_headers(contract, text, file)
        problems += renamed
        structural = missing_columns(contract, text, file)
        problems += structural
        if not structural:
            usable.append(add_absent_optional_columns(contract, text))
    columns = LINEAGE + contract.columns
    if not usable:
        empty = pd.DataFrame(columns=columns)
        return empty, empty.copy(), problems
    text = pd.concat(usable, ignore_index=True)
    totals = totals_row_problems(contract, text)
    totals_rows = {(p.file, p.row) for p in totals}
    keep = [
        (f, int(r)) not in totals_rows
        for f, r in zip(text["source_file"], text["source_row"], strict=True)
    ]
    keep = pd.Series(keep, index=text.index, dtype=bool)  # a plain [] would select columns
    set_aside_text = text[~keep]
    text = text[keep]
    typed, row_problems = parse(contract, text)
    row_problems += schema_problems(contract, typed, context)
    if contract.row_rules is not None:
        row_problems += contract.row_rules(typed, context, contract)
    row_problems += duplicate_key_problems(contract, typed, text)
    row_problems += years_without_deflator(contract, typed, context)
    row_problems = _dedupe(row_problems) + totals
    bad_rows = {
        (p.file, p.row) for p in row_problems if p.severity != "warn" or p.rule in SET_ASIDE_RULES
    }
    is_bad = pd.Series(
        [
            (f, int(r)) in bad_rows
            for f, r in zip(typed["source_file"], typed["source_row"], strict=True)
        ],
        index=typed.index,
        dtype=bool,
    )
    set_aside = pd.concat([text[is_bad.to_numpy()], set_aside_text])
    return typed[~is_bad][columns], set_aside, problems + row_problems
