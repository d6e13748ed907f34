"""Validate a feed where its rows live: SQL generated from the feed contract runs in DuckDB.

A file is read by DuckDB (`read_csv` with every column as text, or `read_parquet`), each field is
cleaned and typed with the same tolerances as the row-by-row path (schemas/tolerance.py: `£`,
thousands separators, negatives in brackets, year forms, stray spaces, case), the contract's
engine rules (schemas/engine_rules.py) are joins against the reference tables, and duplicates are
found by grouping. Problems are rows (file, row, column, value, rule, message) written to
raw.quarantine by DuckDB; good rows go to raw.<feed>. For a payments file no row passes through
pandas or Python: only the per-file headers, the counts and the grouped warnings do. A feed that
takes workbooks (allocations, outturn, the settlements files) is small: its files are read by
the row-by-row path's reader (core/feed_files.read_tables) and their text registered with DuckDB,
so reading, refusing and warning are worded alike; every check after that runs here.

The files are scanned once (staged_sql), straight into raw.<feed>: a row whose every value is
already plain (ISO date, digits-only amount, codes as the reference writes them, no stray spaces)
is typed by a cast and needs no message; only the other rows, a few in a thousand, keep their
text and go through checked_sql, the full tolerances and rules, so its cost is per problem row.
Where a rule cannot be judged that way (a range, a year's deflator: plain_rows_possible), every
row goes through checked_sql.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from orchestration.core.feed_files import (
    HEADER_ROW,
    FeedFile,
    UnreadableFile,
    files_in,
    read_tables,
    refusal,
)
from orchestration.core.load_feeds import SQL_TYPES, ensure_bookkeeping_tables, with_settings
from orchestration.core.settings import DUCKDB_MEMORY_LIMIT
from schemas import geography, tolerance
from schemas.common import FeedContract, Field, Problem, ValidationContext, start_years
from schemas.engine_rules import (
    COMBINED_AUTHORITY_PREFIX,
    AllowedValues,
    AreaExistedInYear,
    EveryYearFromStart,
    InFeed,
    InRange,
    KnownCode,
    NeededWhen,
    WithinDeflatorSeries,
    WithinHorizon,
    YearInSpan,
    YearsInOrder,
)
from schemas.validate import (
    PARSERS,
    FileReport,
    add_absent_optional_columns,
    missing_columns,
    normalise_headers,
)

MAX_ROW_BYTES = 1024**2
PROBLEMS_KEPT = 200  # row problems returned to Python for printing; all are in raw.quarantine
CASE_NOTES = {"upper": "codes in lower or mixed case", "lower": "values in upper or mixed case"}
SET_ASIDE_RULES = ("totals_row", "duplicate_submission")
# The words the row-by-row path refuses a whole file with (core/feed_files.py); a payments file is
# too large to refuse for one value, so here the row is set aside.
NUL_WORDS = (
    "holds a NUL byte (character code 0), which cuts a value short in many programs; wholeplace "
    "will not guess what the value was: remove it and save the file again"
)


@dataclass
class EngineResult:
    contract: FeedContract
    files: list[FileReport] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # file-level, warnings, first rows
    rows_loaded: int = 0
    rows_quarantined: int = 0
    row_problem_count: int = 0
    blocking_row_count: int = 0  # counted in the engine: self.problems holds only the first rows
    tables: list[str] = field(default_factory=list)  # text tables registered, see reads_workbooks

    @property
    def blocking_problems(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "block"]

    @property
    def blocked(self) -> bool:
        return bool(self.blocking_problems) or self.blocking_row_count > 0

    @property
    def file_problems_and_warnings(self) -> list[Problem]:
        """The problems found in Python (a file's, a column's tolerance), not in row_problems."""
        return [p for p in self.problems if p.row is None or p.rule == "tolerated"]

    @property
    def problem_count(self) -> int:
        return self.row_problem_count + len(self.file_problems_and_warnings)


def sql_text(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def configure(con: duckdb.DuckDBPyConnection, spill_dir: Path) -> None:
    spill_dir.mkdir(parents=True, exist_ok=True)
    con.execute(f"set memory_limit = {sql_text(DUCKDB_MEMORY_LIMIT)}")
    con.execute(f"set temp_directory = {sql_text(str(spill_dir))}")
    con.execute("set preserve_insertion_order = true")  # row numbers follow the file


# --- reading ------------------------------------------------------------------------------------


def feed_files(feeds_dir: Path, contract: FeedContract) -> list[FeedFile]:
    directory = feeds_dir / contract.folder
    if not directory.is_dir():
        return []
    return [
        FeedFile(path=p, display_name=f"{contract.folder}/{p.name}")
        for p in sorted(directory.iterdir())
        if p.is_file()
        and p.suffix.lower() in contract.file_suffixes
        and not p.name.startswith(("~$", "."))
    ]


def reader(feed_file: FeedFile) -> str:
    path = sql_text(str(feed_file.path))
    if feed_file.path.suffix.lower() == ".parquet":
        return f"read_parquet({path}, file_row_number = true)"
    return (
        f"read_csv({path}, all_varchar = true, header = true, "
        f"max_line_size = {MAX_ROW_BYTES}, encoding = 'utf-8')"
    )


def headers(con, feed_file: FeedFile) -> list[str]:
    names = [d[0] for d in con.execute(f"select * from {reader(feed_file)} limit 0").description]
    return [n for n in names if n != "file_row_number"]


def file_rows_sql(
    contract: FeedContract,
    feed_file: FeedFile,
    renames: dict[str, str],
    numbered_rows: str | None = None,
) -> str:
    """One file's rows as text in the contract's column names, numbered as Excel counts them.
    numbered_rows: a relation another engine read the file into (its text columns and a 0-based
    file_row_number), read instead of the file itself."""
    present = {renames.get(h, h): h for h in renames}
    cells = []
    for spec in contract.fields:
        source = present.get(spec.name)
        cells.append(
            f"coalesce(cast({quoted(source)} as varchar), '') as {quoted(spec.name)}"
            if source
            else f"'' as {quoted(spec.name)}"
        )
    if feed_file.path.suffix.lower() == ".parquet":  # no header row: the first record is row 1
        number = "file_row_number + 1"
    elif numbered_rows:
        number = f"file_row_number + {HEADER_ROW + 1}"
    else:
        number = f"row_number() over () + {HEADER_ROW}"
    blank = " and ".join(f"trim({quoted(s.name)}) = ''" for s in contract.fields)
    return (
        f"select * from (select {sql_text(feed_file.display_name)} as source_file, "
        f"cast({number} as integer) as source_row, {', '.join(cells)} "
        f"from {numbered_rows or reader(feed_file)}) where not ({blank})"
    )


# --- one field: clean, type, judge ----------------------------------------------------------------


def _trimmed(spec: Field) -> str:
    text = f"trim({quoted(spec.name)})"
    if spec.case == "upper":
        return f"upper({text})"
    if spec.case == "lower":
        return f"lower({text})"
    return text


# schemas/validate.py's PLAIN_NUMBER, SCIENTIFIC and MONEY_LIMIT, for the same refusals
ROW_PATH_NUMBER = r"-?[0-9]+(\.[0-9]+)?"
ROW_PATH_SCIENTIFIC = r"-?[0-9]+(\.[0-9]+)?[eE][+-]?[0-9]+"
MONEY_LIMIT = 10**16
SCIENTIFIC_WORDS = (
    "is written in scientific notation, which Excel shows when it has rounded a long number; "
    "format the column as Number and save the file again"
)
TOO_LARGE_WORDS = (
    "is more than the warehouse's money type holds (16 digits of pounds, up to "
    "£9,999,999,999,999,999.99); check the units of the column"
)
MONEY_PATTERN = r"-?\s*£?\s*(\d{1,3}(,\d{3})+|\d+)(\.\d+)?"


def _money_text(t: str) -> str:
    """tolerance.money in SQL: '£1,234.50' -> '1234.50', '(1,234)' -> '-1234'."""
    inner = f"(case when {t} like '(%)' then trim(substr({t}, 2, length({t}) - 2)) else {t} end)"
    plain = f"replace(regexp_replace({inner}, '[£\\s]', '', 'g'), ',', '')"
    return (
        f"(case when try_cast({t} as double) is not null and {t} not like '%,%' then {t} "
        f"when not regexp_full_match({inner}, '{MONEY_PATTERN}') then {t} "
        f"when {t} like '(%)' and {inner} like '-%' then {t} "
        f"when {t} like '(%)' then '-' || {plain} else {plain} end)"
    )


def _money_note(t: str) -> str:
    inner = f"(case when {t} like '(%)' then trim(substr({t}, 2, length({t}) - 2)) else {t} end)"
    tolerated = (
        f"regexp_full_match({inner}, '{MONEY_PATTERN}') "
        f"and not ({t} like '(%)' and {inner} like '-%')"
    )
    notes = [
        (f"{inner} like '%£%'", "£ signs"),
        (f"regexp_matches({inner}, '\\d,\\d')", "thousands separators"),
        (f"{t} like '(%)'", "negatives in brackets"),
    ]
    parts = ", ".join(f"case when {cond} then '{words}' end" for cond, words in notes)
    return f"(case when {tolerated} then nullif(concat_ws(', ', {parts}), '') end)"


def _year_forms(t: str) -> list[tuple[str, str, str]]:
    """(condition, canonical YYYY-YY, the form's words) of each form tolerance.financial_year
    reads: 2025/26 or FY2025-26, 2025-2026, 202526."""
    two = f"regexp_extract({t}, '^(?i:FY\\s*)?(\\d{{4}})\\s*[-/]\\s*(\\d{{2}})$', ['s', 'e'])"
    four = f"regexp_extract({t}, '^(?i:FY\\s*)?(\\d{{4}})\\s*[-/]\\s*(\\d{{4}})$', ['s', 'e'])"
    packed = f"regexp_extract({t}, '^(\\d{{4}})(\\d{{2}})$', ['s', 'e'])"
    forms = []
    for (parts, width), (_, words) in zip(
        ((two, 2), (four, 4), (packed, 2)), tolerance.FINANCIAL_YEAR_FORMS, strict=True
    ):
        start, end = f"try_cast({parts}.s as integer)", f"try_cast({parts}.e as integer)"
        follows = f"{end} = {start} + 1" if width == 4 else f"{end} = ({start} + 1) % 100"
        canonical = f"{parts}.s || '-' || lpad(cast(({start} + 1) % 100 as varchar), 2, '0')"
        forms.append((f"{parts}.s <> '' and {follows}", canonical, words))
    return forms


def _year_text(t: str) -> str:
    """tolerance.financial_year in SQL: 2025/26, FY2025-26, 2025-2026, 202526 -> 2025-26."""
    checks = " ".join(f"when {when} then {canonical}" for when, canonical, _ in _year_forms(t))
    return f"(case {checks} else {t} end)"


def _year_note(t: str) -> str:
    """tolerance.financial_year's note: 'years written 2025/26 or FY2025-26' and the like."""
    checks = " ".join(
        f"when {when} then case when {canonical} <> {t} then 'years written {words}' end"
        for when, canonical, words in _year_forms(t)
    )
    return f"(case {checks} end)"


def _readable_number(text: str) -> str:
    """schemas/validate._parse_number: digits 0-9, maybe in scientific notation, and finite
    (never NaN, inf or underscores)."""
    written = (
        f"(regexp_full_match({text}, '{ROW_PATH_NUMBER}') "
        f"or regexp_full_match({text}, '{ROW_PATH_SCIENTIFIC}'))"
    )
    return f"({written} and isfinite(try_cast({text} as double)))"


def _typed(spec: Field, clean: str) -> str:
    if spec.kind == "money":
        text = _money_text(clean)
        within = f"abs(try_cast({text} as decimal(38, 12))) < {MONEY_LIMIT}"
        return (
            f"case when regexp_full_match({text}, '{ROW_PATH_NUMBER}') and {within} "
            f"then try_cast({text} as decimal(18, 2)) end"
        )
    if spec.kind in ("number", "rate"):
        text = _money_text(clean)
        return f"case when {_readable_number(text)} then try_cast({text} as double) end"
    if spec.kind == "integer":
        whole = f"regexp_full_match({clean}, '[+-]?\\d+')"
        return f"case when {whole} then try_cast({clean} as bigint) end"
    if spec.kind == "date":
        iso = f"regexp_full_match({clean}, '\\d{{4}}-\\d{{2}}-\\d{{2}}')"
        return f"case when {iso} then try_cast({clean} as date) end"
    if spec.kind == "financial_year":
        year = _year_text(clean)
        start, end = (
            f"cast(substr({year}, 1, 4) as integer)",
            f"cast(substr({year}, 6, 2) as integer)",
        )
        valid = f"regexp_full_match({year}, '\\d{{4}}-\\d{{2}}') and ({start} + 1) % 100 = {end}"
        return f"case when {valid} then {year} end"
    return clean


def _note(spec: Field, raw: str, clean: str) -> str:
    """What was tolerated in this value, worded as the row-by-row path words it."""
    trimmed = f"trim({raw})"
    case_note = "null"
    if spec.case:
        changed = f"{trimmed} <> {spec.case}({trimmed})"
        case_note = f"case when {changed} then {sql_text(CASE_NOTES[spec.case])} end"
    kind_note = "null"
    if spec.kind in ("money", "number", "rate"):
        unusual = f"try_cast({clean} as double) is null or {clean} like '%,%'"
        kind_note = f"case when {unusual} then {_money_note(clean)} end"
    elif spec.kind == "financial_year":
        kind_note = _year_note(clean)
    return f"nullif(concat_ws(', ', {case_note}, {kind_note}), '')"


def _rounded_note(spec: Field, clean: str, typed: str) -> str:
    """schemas/validate._number_notes: pence beyond two decimals (rounded half up), scientific
    notation in a rate or index (read as the number it writes)."""
    if spec.kind in ("number", "rate"):
        written = f"regexp_full_match({_money_text(clean)}, '{ROW_PATH_SCIENTIFIC}')"
        return (
            f"case when {typed} is not null and {written} "
            "then 'scientific notation (read as the number it writes)' end"
        )
    if spec.kind != "money":
        return "null"
    beyond = f"regexp_matches({_money_text(clean)}, '^-?[0-9]+[.][0-9]{{2}}0*[1-9]')"
    return (
        f"case when {typed} is not null and {beyond} "
        "then 'more than two decimal places (rounded to the penny, half up)' end"
    )


def _parse_rule(spec: Field, raw: str) -> tuple[str, str]:
    """(rule, message) for a value that is not blank but cannot be read as its kind."""
    if spec.kind == "financial_year":
        return "financial_year", (
            f"'''' || {raw} || ''' is not a financial year written YYYY-YY, e.g. 2025-26'"
        )
    _, rule, words = PARSERS[spec.kind]
    if spec.kind == "money":  # schemas/validate._parse_money's refusals, in its words
        text = _money_text(_trimmed(spec).replace(quoted(spec.name), raw, 1))
        reason = (
            f"case when regexp_full_match({text}, '{ROW_PATH_SCIENTIFIC}') "
            f"then {sql_text(SCIENTIFIC_WORDS)} "
            f"when regexp_full_match({text}, '{ROW_PATH_NUMBER}') then {sql_text(TOO_LARGE_WORDS)} "
            f"else {sql_text(words)} end"
        )
        return rule, f"'''' || {raw} || ''' ' || {reason}"
    if spec.kind in ("number", "rate"):  # written as a number, but too large to be one
        text = _money_text(_trimmed(spec).replace(quoted(spec.name), raw, 1))
        written = f"regexp_full_match({text}, '{ROW_PATH_NUMBER}|{ROW_PATH_SCIENTIFIC}')"
        reason = (
            f"case when {written} then 'is too large to be a number' else {sql_text(words)} end"
        )
        return rule, f"'''' || {raw} || ''' ' || {reason}"
    return rule, f"'''' || {raw} || ''' ' || {sql_text(words)}"


# --- the whole file set ---------------------------------------------------------------------------


def _reference_join(rule: KnownCode | AreaExistedInYear | InFeed, alias: str, clean: dict) -> str:
    if isinstance(rule, InFeed):
        return f"left join {_feed_table(rule)} {alias} on {clean[rule.column]} = {alias}.code"
    if isinstance(rule, YearInSpan):
        return f"left join {_span_table(rule)} {alias} on {clean[rule.key_column]} = {alias}.key"
    if isinstance(rule, KnownCode):
        return (
            f"left join ref_{rule.reference_table} {alias} "
            f"on {clean[rule.column]} = {alias}.{quoted(rule.reference_column)}"
        )
    return f"left join ref_areas {alias} on {clean[rule.code_column]} = {alias}.area_code"


def _when_column(rule: AreaExistedInYear, values: dict) -> str:
    return values[rule.year_column or rule.date_column]


def _start_year(rule: AreaExistedInYear, value: str) -> str:
    """The first calendar year of the financial year (April to March) of a date or a YYYY-YY."""
    if rule.year_column:
        return f"cast(substr({value}, 1, 4) as integer)"
    return f"(year({value}) - case when month({value}) < 4 then 1 else 0 end)"


def _year_label(start_year: str) -> str:
    """The financial year YYYY-YY that starts in the calendar year `start_year` (an integer)."""
    return (
        f"(cast({start_year} as varchar) || '-' || "
        f"lpad(cast(({start_year} + 1) % 100 as varchar), 2, '0'))"
    )


def _area_rule(rule: AreaExistedInYear, alias: str, clean: dict, typed: dict) -> tuple[str, str]:
    """geography.area_year_problem in SQL: (rule expression, message expression)."""
    code, day = clean[rule.code_column], _when_column(rule, typed)
    start_year = _start_year(rule, day)
    year = _year_label(start_year)
    midpoint = f"make_date({start_year}, 9, 30)"
    prefixes = " or ".join(f"{code} like '{p}%'" for p in geography.ENGLISH_AUTHORITY_PREFIXES)
    named = f"({alias}.area_code || ' (' || {alias}.area_name || ')')"
    successor = (
        f"case when {alias}.successor_name is not null then '; its successor is ' || "
        f"{alias}.successor_code || ' (' || {alias}.successor_name || ')' "
        f"when coalesce({alias}.successor_code, '') <> '' then '; its successor is ' || "
        f"{alias}.successor_code else '' end"
    )
    combined = f"{code} like '{COMBINED_AUTHORITY_PREFIX}%'" if rule.combined_authority else "true"
    exempt = "".join(f" or {code} like '{p}%'" for p in rule.exempt_prefixes)
    no_year = f" or {day} is null" if not rule.combined_without_year else ""
    rule_sql = (
        f"case when {code} = ''{no_year}{exempt} then null "
        f"when not ({combined}) then 'combined_authority' "
        f"when {day} is null then null "
        f"when not ({prefixes}) then 'english_authority' "
        f"when {alias}.area_code is null then 'known_area' "
        f"when {midpoint} < {alias}.start_date then 'area_existed_in_year' "
        f"when {midpoint} > {alias}.end_date then 'area_existed_in_year' end"
    )
    message_sql = (
        f"case when not ({combined}) then '''' || {code} || ''' ' || "
        f"{sql_text(rule.not_combined_words)} "
        f"when not ({prefixes}) then '''' || {code} || ''' is not the GSS code of an "
        "English local or combined authority (codes start E06, E07, E08, E09, E10 or E47)' "
        f"when {alias}.area_code is null then '''' || {code} || ''' is not a GSS code that has "
        "ever existed' "
        f"when {midpoint} < {alias}.start_date then {named} || ' did not exist yet in ' || "
        f"{year} || ': it started on ' || strftime({alias}.start_date, '%Y-%m-%d') "
        f"else {named} || ' no longer existed in ' || {year} || ': its last day was ' || "
        f"strftime({alias}.end_date, '%Y-%m-%d') || {successor} end"
    )
    return rule_sql, message_sql


def _value_rule(rule, alias: str, clean: dict, typed: dict) -> tuple[str, tuple[str, str]]:
    """(column, (rule expression, message expression)) of one engine rule, in the words of the
    row-by-row rule: schemas/common.is_in, the Pandera checks, schemas/geography."""
    if isinstance(rule, AreaExistedInYear):
        return rule.code_column, _area_rule(rule, alias, clean, typed)
    if isinstance(rule, KnownCode):
        known = f"{alias}.{quoted(rule.reference_column)}"
        return rule.column, (
            f"case when {clean[rule.column]} <> '' and {known} is null "
            f"then {sql_text(rule.rule)} end",
            f"'''' || {clean[rule.column]} || ''' is not a known ' || {sql_text(rule.what)}",
        )
    if isinstance(rule, InFeed):  # schemas/references.must_exist_in
        at_hand = f"exists (select 1 from feeds_at_hand where feed = {sql_text(rule.feed)})"
        broken = f"{clean[rule.column]} <> '' and {alias}.code is null and {at_hand}"
        return rule.column, (
            f"case when {broken} then {sql_text('known_' + rule.feed_column)} end",
            f"'''' || {clean[rule.column]} || ''' is not a ' || "
            f"{sql_text(f'{rule.what} in the {rule.feed} feed')}",
        )
    if isinstance(rule, YearInSpan):
        year, first, last = typed[rule.year_column], f"{alias}.first", f"{alias}.last"
        within = f"{year} between {first} and {last}"
        broken = f"{year} is not null and {alias}.key is not null and not ({within})"
        return rule.year_column, (
            f"case when {broken} then {sql_text(rule.rule)} end",
            _sql_sentence(rule.words, year, clean[rule.key_column], first, last),
        )
    if isinstance(rule, NeededWhen):
        return rule.needed[0], _needed_when_rule(rule, clean, typed)
    if isinstance(rule, WithinDeflatorSeries):
        return rule.column, _within_series_rule(rule, typed[rule.column])
    if isinstance(rule, WithinHorizon):
        return rule.duration_column, _horizon_rule(rule, typed)
    if isinstance(rule, EveryYearFromStart):
        return rule.year_column, _every_year_rule(rule, alias, clean, typed)
    if isinstance(rule, YearsInOrder):
        first, last = typed[rule.first_column], typed[rule.last_column]
        return rule.last_column, (
            f"case when {first} > {last} then 'year_order' end",
            _sql_sentence(rule.words, first, last),
        )
    value = typed[rule.column]
    if isinstance(rule, AllowedValues):
        allowed = ", ".join(sql_text(v) for v in rule.values)
        broken = f"{clean[rule.column]} <> '' and {value} not in ({allowed})"
    elif isinstance(rule, InRange):
        broken = f"not {rule.holds_sql(value)}"
    else:
        raise TypeError(f"no SQL for the engine rule {rule!r}")
    return rule.column, (
        f"case when {broken} then {sql_text(rule.rule)} end",
        f"'''' || cast({value} as varchar) || ''' ' || {sql_text(rule.words)}",
    )


def _needed_when_rule(rule: NeededWhen, clean: dict, typed: dict) -> tuple[str, str, str]:
    """schemas/common.needed_when in SQL: (rule, message, value: none of its own)."""
    missing = " or ".join(f"{typed[c]} is null" for c in rule.needed)
    when = (
        f"{typed[rule.when_column]} = {sql_text(rule.when_value)} "
        f"and {typed[rule.given_column]} is not null and ({missing})"
    )
    return f"case when {when} then {sql_text(rule.rule)} end", sql_text(rule.words), "''"


def _within_series_rule(rule: WithinDeflatorSeries, year: str) -> tuple[str, str]:
    """schemas/interventions.within_deflator_series in SQL; dl is the deflator table's years
    (DEFLATOR_LIST, joined for every feed with a financial year)."""
    outside = f"dl.n > 0 and {year} is not null and not list_contains(dl.years, {year})"
    return (
        f"case when {outside} then {sql_text(rule.rule)} end",
        _sql_sentence(rule.words, year, "list_min(dl.years)", "list_max(dl.years)"),
    )


def _horizon_rule(rule: WithinHorizon, typed: dict) -> tuple[str, str, str]:
    """schemas/intervention_benefits.horizon_rule in SQL: (rule, message, value: the duration)."""
    offset, duration = typed[rule.offset_column], typed[rule.duration_column]
    past = f"{offset} >= 0 and {duration} >= 1 and {offset} + {duration} > {rule.longest}"
    return (
        f"case when {past} then {sql_text(rule.rule)} end",
        _sql_sentence(rule.words, offset, duration),
        f"cast({duration} as varchar)",
    )


def _every_year_join(rule: EveryYearFromStart, alias: str) -> str:
    """Each row of a key with a year, beside the key's first year (its start year in `feed`, or
    its earliest), its last year and the year of the row before it (years in order, then rows):
    the rows of a key compared with each other, by window, over every row checked_sql reads."""
    key, year = quoted("typed_" + rule.key_column), quoted("typed_" + rule.year_column)
    keyed = "partition by k.key"
    return (
        "left join (select k.source_file, k.source_row, k.year, s.start, "
        f"coalesce(cast(substr(s.start, 1, 4) as integer), min(k.year) over ({keyed})) as first, "
        f"max(k.year) over ({keyed}) as last, lag(k.year) over ({keyed} "
        "order by k.year, k.source_row, k.source_file) as previous "
        f"from (select source_file, source_row, {key} as key, "
        f"cast(substr({year}, 1, 4) as integer) as year from typed_rows "
        f"where {key} <> '' and {year} is not null and not is_totals_row) k "
        f"left join {_start_table(rule)} s on k.key = s.key) {alias} "
        f"on {alias}.source_file = i.source_file and {alias}.source_row = i.source_row"
    )


def _every_year_rule(rule: EveryYearFromStart, alias: str, clean: dict, typed: dict):
    """schemas/intervention_costs.every_year_from_start in SQL: (rule, message, value). The
    years missing before a row are those after the year of the row before it (and from the
    first year), up to its own; a second row of one year has none."""
    year, key = typed[rule.year_column], clean[rule.key_column]
    before = f"{alias}.start is not null and {year} < {alias}.start"
    low = f"greatest({alias}.first, coalesce({alias}.previous + 1, {alias}.first))"
    count = f"({alias}.year - {low})"
    missing = (
        f"array_to_string(list_transform(range({low}, {alias}.year), "
        f"lambda y: {_year_label('y')}), ', ')"
    )
    rows_word = (
        f"case when {count} = 1 then {sql_text(rule.rows_word(1))} "
        f"else {sql_text(rule.rows_word(2))} end"
    )
    gap_words = _sql_sentence(
        rule.gap_words,
        key,
        rows_word,
        missing,
        year,
        _year_label(f"{alias}.first"),
        _year_label(f"{alias}.last"),
    )
    before_words = _sql_sentence(rule.before_words, year, key, f"{alias}.start")
    return (
        f"case when {before} then {sql_text(rule.before_rule)} "
        f"when {count} > 0 then {sql_text(rule.gap_rule)} end",
        f"case when {before} then {before_words} else {gap_words} end",
        f"case when {before} then {year} else {missing} end",
    )


# Feeds whose years are not priced with the GDP deflator (schemas/validate.years_without_deflator)
NOT_DEFLATED = ("deflators", "unit_costs")


def _deflated_years(contract: FeedContract) -> list[str]:
    """The financial year columns whose every year needs a GDP deflator (a settlement's every
    year from first_year to last_year)."""
    if contract.name in NOT_DEFLATED:
        return []
    return [s.name for s in contract.fields if s.kind == "financial_year"]


def _deflator_column(contract: FeedContract) -> str | None:
    """The column a missing deflator is reported in: the year, or 'first_year, last_year'."""
    return ", ".join(_deflated_years(contract)) or None


def _years_needed(contract: FeedContract, typed: dict) -> str:
    """schemas/validate._years_of in SQL: the years a row is in, as a list."""
    years = _deflated_years(contract)
    given = f"list_filter([{', '.join(typed[y] for y in years)}], lambda y: y is not null)"
    if not {"first_year", "last_year"} <= set(years):
        return given
    first, last = typed["first_year"], typed["last_year"]
    span = (
        f"list_transform(range(cast(substr({first}, 1, 4) as integer), "
        f"cast(substr({last}, 1, 4) as integer) + 1), lambda y: {_year_label('y')})"
    )
    both = f"{first} is not null and {last} is not null and {first} <= {last}"
    return f"(case when {both} and len({given}) = 2 then {span} else {given} end)"


def _deflator_rule(needed: str) -> tuple[str, str, str]:
    """schemas/validate.years_without_deflator in SQL: (rule, message, value); dl is one row of
    the deflator table's years, their count and the table's name."""
    missing = f"list_filter({needed}, lambda y: not list_contains(dl.years, y))"
    shown = f"array_to_string({missing}, ', ')"
    return (
        f"case when dl.n > 0 and len({missing}) > 0 then 'deflator_year' end",
        f"{shown} || ' has no GDP deflator in ' || dl.source || ', so this row''s figures "
        "cannot be shown in real terms; add the year to the deflator table'",
        shown,
    )


DEFLATOR_LIST = (
    "cross join (select list(financial_year) as years, count(*) as n, min(source_file) as source "
    "from ref_deflators) dl"
)


def rule_columns(contract: FeedContract) -> list[str]:
    """The columns checked_sql gives a rule, message and value for: every field, and where a
    problem names two (a span of years without a deflator) that pair."""
    deflated = _deflator_column(contract)
    span = [deflated] if deflated and deflated not in contract.columns else []
    return contract.columns + span


def checked_sql(contract: FeedContract, incoming: str) -> str:
    """Every row with its typed values, and per field the rule it breaks (if any) and what was
    tolerated in it. Rules in the order the row-by-row path reports them: blank, type, codes."""
    clean = {s.name: f"i.{quoted('clean_' + s.name)}" for s in contract.fields}
    typed = {s.name: f"i.{quoted('typed_' + s.name)}" for s in contract.fields}
    joins, rule_for = [], {}
    for n, rule in enumerate(contract.engine_rules):
        alias = f"r{n}"
        if isinstance(rule, KnownCode | AreaExistedInYear | InFeed | YearInSpan):
            joins.append(_reference_join(rule, alias, clean))
        elif isinstance(rule, EveryYearFromStart):
            joins.append(_every_year_join(rule, alias))
        column, checks = _value_rule(rule, alias, clean, typed)
        rule_for.setdefault(column, []).append(checks)
    deflated, span_columns = _deflator_column(contract), []
    if deflated:
        joins.append(DEFLATOR_LIST)
        rule_sql, message_sql, value_sql = _deflator_rule(_years_needed(contract, typed))
        if deflated in contract.columns:
            rule_for.setdefault(deflated, []).append((rule_sql, message_sql))
        else:
            span_columns = [
                f"{rule_sql} as {quoted('rule_' + deflated)}",
                f"case when ({rule_sql}) is not null then {message_sql} end "
                f"as {quoted('message_' + deflated)}",
                f"case when ({rule_sql}) is not null then {value_sql} end "
                f"as {quoted('value_' + deflated)}",
            ]
    raw_cells = ", ".join(
        f"case when trim(i.{quoted(s.name)}) <> '' then i.{quoted(s.name)} end"
        for s in contract.fields
    )
    columns = [
        "i.source_file",
        "i.source_row",
        "i.key_hash",
        "i.is_totals_row",
        f"case when i.is_totals_row then concat_ws('; ', {raw_cells}) end as totals_value",
    ]
    for spec in contract.fields:
        name, raw = spec.name, f"i.{quoted(spec.name)}"
        blank = f"{clean[name]} = ''"
        parse_rule, parse_message = (
            _parse_rule(spec, raw)
            if spec.kind in PARSERS or spec.kind == "financial_year"
            else (None, None)
        )
        shown = f"replace({raw}, chr(0), '<NUL>')"
        nul_message = f"'''' || {shown} || ''' ' || {sql_text(NUL_WORDS)}"
        cases = [(f"strpos({raw}, chr(0)) > 0", "'nul_byte'", nul_message)]
        if not spec.nullable and spec.default is None:
            cases.append((blank, "'required'", "'is blank; a value is required'"))
        if parse_rule:
            cases.append(
                (f"not ({blank}) and {typed[name]} is null", sql_text(parse_rule), parse_message)
            )
        values = {}  # the value a problem names, where it is not the cell's own
        for rule_sql, message_sql, *value_sql in rule_for.get(name, []):
            cases.append((f"({rule_sql}) is not null", rule_sql, message_sql))
            values[len(cases) - 1] = value_sql[0] if value_sql else shown
        rule_case = " ".join(f"when {c} then {r}" for c, r, _ in cases)
        message_case = " ".join(f"when {c} then {m}" for c, _, m in cases)
        value_case = " ".join(
            f"when {c} then {values.get(n, shown)}" for n, (c, _, _) in enumerate(cases)
        )
        default = sql_text(spec.default) if spec.default is not None else "null"
        columns += [
            f"case when {blank} then {default} else {typed[name]} end as {quoted(name)}",
            f"case {rule_case} else null end as {quoted('rule_' + name)}",
            f"case {message_case} else null end as {quoted('message_' + name)}",
            f"case {value_case} end as {quoted('value_' + name)}",
            f"case when {raw} <> trim({raw}) and {blank} is false then "
            f"'leading or trailing spaces' end as {quoted('spaces_' + name)}",
            f"{_note(spec, raw, clean[name])} as {quoted('note_' + name)}",
            f"{_rounded_note(spec, clean[name], typed[name])} as {quoted('rounded_' + name)}",
        ]
    columns += span_columns
    inner = ", ".join(
        ["*"] + [f"{_trimmed(s)} as {quoted('clean_' + s.name)}" for s in contract.fields]
    )
    typed_cols = ", ".join(
        f"{_typed(s, quoted('clean_' + s.name))} as {quoted('typed_' + s.name)}"
        for s in contract.fields
    )
    key = ", ".join(quoted("clean_" + k) for k in contract.key)
    totals = _totals_sql(contract)
    return (
        f"with cleaned as (select {inner} from ({incoming})), "
        f"typed_rows as (select *, {typed_cols}, hash({key}) as key_hash, "
        f"{totals} as is_totals_row from cleaned) "
        f"select {', '.join(columns)} from typed_rows i {' '.join(joins)}"
    )


PLAIN_MONEY = r"-?\d{1,16}(\.\d{1,2})?"
PLAIN_NUMBER = r"-?\d{1,16}(\.\d+)?"
PLAIN_INTEGER = r"-?\d{1,18}"
PLAIN_DATE = r"\d{4}-\d{2}-\d{2}"
# Text that trim() and the contract's case leave as it is: trim() removes every Unicode space
# (Zs: the no-break space too) from the ends; a code is printable ASCII without the other case.
PLAIN_TEXT = {
    None: r"(?s)[^\p{Zs}](.*[^\p{Zs}])?",
    "upper": r"[!-`{-~]([ -`{-~]*[!-`{-~])?",
    "lower": r"[!-@\[-~]([ -@\[-~]*[!-@\[-~])?",
}


def _plain(spec: Field, raw: str) -> tuple[str, str]:
    """(condition, typed value) for a value already written the plain way: no spaces, the case
    the contract asks for, digits only. Such a value needs no tolerance, note or message; any
    other value (typed null here) goes through the full checks of checked_sql."""
    patterns = {
        "money": PLAIN_MONEY,
        "number": PLAIN_NUMBER,
        "rate": PLAIN_NUMBER,
        "integer": PLAIN_INTEGER,
        "date": PLAIN_DATE,
    }
    if spec.kind in patterns:
        cast = "try_cast" if spec.kind == "date" else "cast"  # 2025-02-30 has the date's form
        typed = (
            f"case when regexp_full_match({raw}, '{patterns[spec.kind]}') "
            f"then {cast}({raw} as {SQL_TYPES[spec.kind]}) end"
        )
        return f"({typed}) is not null", typed
    if spec.kind == "financial_year":
        start = f"try_cast(substr({raw}, 1, 4) as integer)"
        end = f"try_cast(substr({raw}, 6, 2) as integer)"
        shape = f"regexp_full_match({raw}, '\\d{{4}}-\\d{{2}}')"
        return f"({shape} and ({start} + 1) % 100 = {end})", raw
    if spec.case:
        return f"regexp_full_match({raw}, '{PLAIN_TEXT[spec.case]}')", raw
    # `like` on the ends is far cheaper than a regular expression over the whole value
    spaced = f"{raw} like ' %' or {raw} like '% '"
    # Only a value with a character beyond ASCII can hold another space: `case` runs the regular
    # expression on those values alone, where `and` would run it on every value.
    other_spaces = (
        f"case when strlen({raw}) <> length({raw}) "
        f"then not regexp_full_match({raw}, '{PLAIN_TEXT[None]}') else false end"
    )
    nul = f"strpos({raw}, chr(0)) > 0"  # the other kinds' patterns already exclude it
    return f"({raw} <> '' and not ({spaced}) and not ({other_spaces}) and not ({nul}))", raw


def _lookups(contract: FeedContract) -> list[KnownCode | AreaExistedInYear]:
    return [r for r in contract.engine_rules if isinstance(r, KnownCode | AreaExistedInYear)]


def plain_rows_possible(contract: FeedContract) -> bool:
    """Whether staged_sql can tell a plain row by its values alone: only codes looked up and an
    area's year from a date. Any other rule (a value range, a year's deflator) sends every row
    through checked_sql: such feeds are small."""
    return not _deflator_column(contract) and all(
        isinstance(r, KnownCode) or (isinstance(r, AreaExistedInYear) and not r.year_column)
        for r in contract.engine_rules
    )


def _checked_code(rule: KnownCode | AreaExistedInYear) -> tuple[str, str, str]:
    """(column, reference table, reference column) of the code a rule looks up."""
    if isinstance(rule, KnownCode):
        return rule.column, f"ref_{rule.reference_table}", rule.reference_column
    return rule.code_column, "ref_areas", "area_code"


def totals_row_impossible(con, contract: FeedContract) -> bool:
    """True when a row whose codes are all found in their reference tables cannot be a totals
    row: some required code is looked up, and no code in its table is blank, a number or a word
    like Total (tolerance.is_totals_row needs every value to be one of those)."""
    required = {s.name for s in contract.fields if not s.nullable and s.default is None}
    for rule in _lookups(contract):
        column, table, reference_column = _checked_code(rule)
        if column not in required:
            continue
        label = _totals_label(f"trim(cast({quoted(reference_column)} as varchar))")
        (count,) = con.execute(f"select count(*) from {table} where {label} < 2").fetchone()
        if count == 0:
            return True
    return False


def staged_sql(contract: FeedContract, incoming: str, totals_impossible: bool = False) -> str:
    """Every row once: is_plain (every value plain, the codes known in their year, not a totals
    row), the typed values of plain rows, and the text of the other rows. Each value is typed
    once, in the inner select; the checks above it read the typed columns."""
    raw = {s.name: f"i.{quoted(s.name)}" for s in contract.fields}
    plain = {s.name: f"p.{quoted('plain_' + s.name)}" for s in contract.fields}
    text_conditions, typed_conditions, columns = [], [], []
    lookups = _lookups(contract) if plain_rows_possible(contract) else []
    looked_up = {
        _checked_code(r)[0]
        for r in lookups
        if not next(s for s in contract.fields if s.name == _checked_code(r)[0]).nullable
    }
    for spec in contract.fields:
        condition, typed = _plain(spec, raw[spec.name])
        if spec.nullable or spec.default is not None:
            default = sql_text(spec.default) if spec.default is not None else "null"
            typed = f"case when {raw[spec.name]} = '' then {default} else {typed} end"
            condition = f"({raw[spec.name]} = '' or {condition})"
        columns.append(f"{typed} as {quoted('plain_' + spec.name)}")
        if spec.name in looked_up:
            pass  # a plain code is one found as it is among the reference's plain codes
        elif SQL_TYPES[spec.kind] == "varchar":
            text_conditions.append(condition)
        elif spec.nullable or spec.default is not None:
            typed_conditions.append(
                f"(p.{quoted(spec.name)} = '' or {plain[spec.name]} is not null)"
            )
        else:
            typed_conditions.append(f"{plain[spec.name]} is not null")
    conditions, joins = typed_conditions, []
    if not plain_rows_possible(contract):
        conditions.append("false")
    for n, rule in enumerate(lookups):
        alias = f"r{n}"
        column, table, reference_column = _checked_code(rule)
        spec = next(s for s in contract.fields if s.name == column)
        canonical = _plain(spec, quoted(reference_column))[0]
        joins.append(
            f"left join (select * from {table} where {canonical}) {alias} "
            f"on {plain[column]} = {alias}.{quoted(reference_column)}"
        )
        conditions.append(f"{alias}.{quoted(reference_column)} is not null")
        if isinstance(rule, AreaExistedInYear):
            day = plain[rule.date_column]
            start_year = f"(year({day}) - case when month({day}) < 4 then 1 else 0 end)"
            midpoint = f"make_date({start_year}, 9, 30)"
            conditions.append(
                f"{alias}.is_english and coalesce({midpoint} >= {alias}.start_date, true) "
                f"and coalesce({midpoint} <= {alias}.end_date, true)"
            )
    if not totals_impossible:
        any_total = " or ".join(f"{r} like '%otal%' or {r} like '%OTAL%'" for r in raw.values())
        text_conditions.append(f"not ({any_total})")
    texts = ", ".join(
        f"case when not is_plain then {quoted(s.name)} end as {quoted('raw_' + s.name)}"
        for s in contract.fields
    )
    typed_names = ", ".join(
        f"cast({quoted('plain_' + s.name)} as {SQL_TYPES[s.kind]}) as {quoted(s.name)}"
        for s in contract.fields
    )
    is_plain = " and ".join(["p.plain_values"] + conditions)
    return (
        f"select source_file, cast(source_row as integer) as source_row, {typed_names}, "
        f"is_plain, {texts} from ("
        f"select p.*, coalesce({is_plain}, false) as is_plain from ("
        f"select i.*, {', '.join(columns)}, coalesce({' and '.join(text_conditions)}, false) "
        f"as plain_values from ({incoming}) i) p {' '.join(joins)})"
    )


def _totals_label(t: str) -> str:
    """0 for a blank or a number, 1 for a word like Total or Grand total, 2 for anything else."""
    number = _money_text(t)
    return (
        f"case when {t} = '' then 0 "
        f"when regexp_full_match({t}, '(?i)(grand\\s+)?(sub\\s*-?\\s*)?totals?:?') then 1 "
        f"when regexp_full_match(replace({number}, '-', ''), '[\\d.]+') "
        f"and {number} not like '%.%.%' then 0 "
        "else 2 end"
    )


def _totals_sql(contract: FeedContract) -> str:
    """tolerance.is_totals_row in SQL: the only words in the row are Total, Grand total..."""
    labels = [_totals_label(f"trim({quoted(spec.name)})") for spec in contract.fields]
    # `like` on a fixed word is a plain substring search; `ilike` costs far more per value.
    any_total = " or ".join(
        f"{quoted(s.name)} like '%otal%' or {quoted(s.name)} like '%OTAL%'" for s in contract.fields
    )
    return f"(case when {any_total} then greatest({', '.join(labels)}) = 1 else false end)"


def _repeats_sql(contract: FeedContract, table: str) -> str:
    """Rows whose key was given before: an exact repeat is a duplicated submission, a repeat with
    other values is ambiguous. Keys are grouped by hash first so only candidates are compared.
    Among the rows that passed every other rule (a row with a bad value is set aside already)."""
    key_hash = f"hash({', '.join(quoted(k) for k in contract.key)})"
    same_key = " and ".join(
        f"later.{quoted(k)} is not distinct from first.{quoted(k)}" for k in contract.key
    )
    order = ", ".join(quoted(k) for k in contract.key)
    exact = " and ".join(
        f"cast(later.{quoted(c)} as varchar) is not distinct from "
        f"cast(first.{quoted(c)} as varchar)"
        for c in contract.columns
    )
    described = " || ', ' || ".join(
        f"'{k}=' || coalesce(cast(later.{quoted(k)} as varchar), '')" for k in contract.key
    )
    differing = ", ".join(
        f"case when cast(later.{quoted(c)} as varchar) is distinct from "
        f"cast(first.{quoted(c)} as varchar) then '{c} ' || coalesce(cast(first.{quoted(c)} "
        f"as varchar), 'None') || ' there, ' || coalesce(cast(later.{quoted(c)} as varchar), "
        "'None') || ' here' end"
        for c in contract.columns
        if c not in contract.key
    )
    return f"""
        with candidates as (
            select {key_hash} as key_hash from {table} group by all having count(*) > 1),
        ranked as (
            select *, row_number() over (partition by {order} order by source_file, source_row)
                as nth
            from {table} where {key_hash} in (select key_hash from candidates))
        select later.source_file, later.source_row,
            first.source_file || ' row ' || cast(first.source_row as varchar) as first_seen,
            {described} as described, ({exact}) as is_exact,
            concat_ws('; ', {differing}) as detail
        from ranked later
        inner join ranked first on {same_key} and first.nth = 1
        where later.nth > 1"""


def _row_problems_sql(contract: FeedContract) -> str:
    feed, severity = sql_text(contract.name), sql_text(contract.row_problems)
    parts = [
        f"select {feed} as feed, source_file, source_row, {sql_text(name)} as column_name, "
        f"{quoted('value_' + name)} as value, {quoted('rule_' + name)} as rule, "
        f"{quoted('message_' + name)} as message, {severity} as severity "
        f"from checked where {quoted('rule_' + name)} is not null and not is_totals_row"
        for name in rule_columns(contract)
    ]
    key = sql_text(", ".join(contract.key))
    parts.append(
        f"select {feed}, source_file, source_row, {key}, described, "
        "case when is_exact then 'duplicate_submission' else 'unique_key' end, "
        "case when is_exact then 'repeats ' || first_seen || ' exactly (' || described || "
        "'); the repeat was set aside, not counted twice' "
        "else 'gives different values from ' || first_seen || ' for the same ' || described || "
        "' (' || detail || '); each combination may appear only once: say which is right' end, "
        f"case when is_exact then 'warn' else {severity} end from repeats"
    )
    parts.append(
        f"select {feed}, source_file, source_row, null, totals_value, 'totals_row', "
        "'looks like a totals row; it was dropped, never summed', 'warn' "
        "from checked where is_totals_row"
    )
    return " union all ".join(parts)


def _is_good(contract: FeedContract) -> str:
    """A row that breaks no field rule and is not a totals row: loaded, unless it repeats a key."""
    rules = " and ".join(f"{quoted('rule_' + name)} is null" for name in rule_columns(contract))
    return f"not is_totals_row and {rules}"


WARNING_KINDS = ("spaces_", "note_", "rounded_")  # the columns of checked_sql that hold warnings


def _warnings_sql(contract: FeedContract) -> str:
    """One warning per file, column and kind of tolerance, in a fixed order (file, first row,
    the contract's column order, the kind): every engine words and lists them alike."""
    parts = [
        f"select source_file, {sql_text(s.name)} as column_name, {quoted(kind + s.name)} as note, "
        f"count(*) as n, min(source_row) as first_row, {column} as column_order, "
        f"{order} as kind_order from checked "
        f"where {quoted(kind + s.name)} is not null and not is_totals_row "
        "group by all"
        for column, s in enumerate(contract.fields)
        for order, kind in enumerate(WARNING_KINDS)
    ]
    return (
        "select source_file, column_name, note, n, first_row from ("
        + " union all ".join(parts)
        + ") order by source_file, first_row, column_order, kind_order"
    )


def register_checked_against(con, contract: FeedContract, context: ValidationContext) -> None:
    """Every table the contract's checks read, as temp tables: reference codes and areas,
    deflator years, the codes and year spans of the feeds it depends on."""
    _register_reference(con, contract, context)
    _register_deflators(con, contract, context)
    _register_feeds(con, contract, context)
    _register_spans(con, contract, context)
    _register_starts(con, contract, context)


def _register_reference(con, contract: FeedContract, context: ValidationContext) -> None:
    for rule in contract.engine_rules:
        if isinstance(rule, KnownCode):
            frame = context.reference.get(rule.reference_table)
            if frame is None:
                frame = context.feeds.get(rule.reference_table, pd.DataFrame())
            codes = frame[[rule.reference_column]].dropna().astype(str).drop_duplicates()
            con.register(f"ref_{rule.reference_table}_frame", codes)
            con.execute(
                f"create or replace temp table ref_{rule.reference_table} as "
                f"select * from ref_{rule.reference_table}_frame"
            )
        elif isinstance(rule, AreaExistedInYear):
            areas = context.reference["areas"][
                ["area_code", "area_name", "start_date", "end_date", "successor_code"]
            ].astype(object)
            areas = areas.where(areas.notna(), None).astype(str).replace({"None": None})
            con.register("ref_areas_frame", areas)
            english = " or ".join(
                f"a.area_code like '{p}%'" for p in geography.ENGLISH_AUTHORITY_PREFIXES
            )
            con.execute(
                f"""create or replace temp table ref_areas as
                select a.area_code, a.area_name, try_cast(a.start_date as date) as start_date,
                    try_cast(a.end_date as date) as end_date,
                    nullif(a.successor_code, '') as successor_code, s.area_name as successor_name,
                    {english} as is_english
                from ref_areas_frame a left join ref_areas_frame s
                    on nullif(a.successor_code, '') = s.area_code"""
            )


def _sql_sentence(words, *values: str) -> str:
    """A rule's sentence (a function of its values) as SQL that fills in the values."""
    marks = {chr(1 + n): value for n, value in enumerate(values)}  # in any order in the words
    pieces = re.split(f"([{''.join(marks)}])", words(*marks))
    return " || ".join(
        f"cast({marks[piece]} as varchar)" if piece in marks else sql_text(piece)
        for piece in pieces
    )


def _span_table(rule: YearInSpan) -> str:
    return f"ref_span_{rule.feed}"


def _register_spans(con, contract: FeedContract, context: ValidationContext) -> None:
    """Each row's span of years of the feeds a YearInSpan rule names (a settlement's years)."""
    for rule in contract.engine_rules:
        if not isinstance(rule, YearInSpan):
            continue
        given = context.feeds.get(rule.feed, pd.DataFrame())
        columns = [rule.key_column, rule.first_column, rule.last_column]
        spans = pd.DataFrame(
            {
                name: given[column].astype(str) if column in given else pd.Series(dtype=str)
                for name, column in zip(("key", "first", "last"), columns, strict=True)
            }
        )
        con.register("feed_spans_frame", spans)
        con.execute(
            f"create or replace temp table {_span_table(rule)} as select * from feed_spans_frame"
        )


def _start_table(rule: EveryYearFromStart) -> str:
    return f"ref_start_{rule.feed}"


def _register_starts(con, contract: FeedContract, context: ValidationContext) -> None:
    """Each key's start year in the feed an EveryYearFromStart rule names (an intervention's)."""
    for rule in contract.engine_rules:
        if not isinstance(rule, EveryYearFromStart):
            continue
        starts = pd.DataFrame(
            list(start_years(rule, context).items()), columns=["key", "start"], dtype=str
        )
        con.register("feed_starts_frame", starts)
        con.execute(
            f"create or replace temp table {_start_table(rule)} as "
            "select cast(key as varchar) as key, cast(start as varchar) as start "
            "from feed_starts_frame"
        )


def _feed_table(rule: InFeed) -> str:
    return f"ref_feed_{rule.feed}_{rule.feed_column}"


def _register_feeds(con, contract: FeedContract, context: ValidationContext) -> None:
    """The codes of the other feeds an InFeed rule names, and which feeds are at hand."""
    rules = [r for r in contract.engine_rules if isinstance(r, InFeed)]
    if not rules:
        return
    at_hand = pd.DataFrame({"feed": sorted({r.feed for r in rules if r.feed in context.feeds})})
    con.register("feeds_at_hand_frame", at_hand.astype(str))
    con.execute("create or replace temp table feeds_at_hand as select * from feeds_at_hand_frame")
    for rule in rules:
        codes = context.codes(rule.feed, rule.feed_column)
        con.register("feed_codes_frame", pd.DataFrame({"code": sorted(codes)}, dtype=str))
        con.execute(
            f"create or replace temp table {_feed_table(rule)} as "
            "select distinct code from feed_codes_frame"
        )


def _register_deflators(con, contract: FeedContract, context: ValidationContext) -> None:
    """The years the GDP deflator table has, and the table's name, for _deflator_rule."""
    if not _deflator_column(contract):
        return
    deflators = context.reference.get("deflators", pd.DataFrame())
    years = pd.DataFrame(
        {
            "financial_year": deflators.get("financial_year", pd.Series(dtype=str)).astype(str),
            "source_file": deflators.get("source_file", pd.Series(dtype=str)).astype(str),
        }
    ).drop_duplicates("financial_year")
    con.register("ref_deflators_frame", years)
    con.execute("create or replace temp table ref_deflators as select * from ref_deflators_frame")


def _file_problem(contract, file: str, rule: str, message: str) -> Problem:
    return Problem(contract.name, file, None, None, None, rule, message, "block")


def reads_workbooks(contract: FeedContract) -> bool:
    """A feed that takes workbooks is small: its files are read by the row-by-row path's reader
    (core/feed_files.read_tables: encodings, sheets, duplicated headers, NUL bytes), so a file is
    read, refused or warned about in the same words, and its text is checked here."""
    return ".xlsx" in contract.file_suffixes


def _read_tables(con, contract, feeds_dir, files, result) -> list[str]:
    """Every readable table of the files, registered with DuckDB as text; the SQL of its rows
    in the contract's column names. A file that cannot be used is refused and counted set aside."""
    incoming = []
    for feed_file in files:
        report = FileReport(contract.name, feed_file.display_name, feed_file.sha256, 0)
        result.files.append(report)
        refused = refusal(feed_file, feeds_dir)
        try:
            if refused:
                raise UnreadableFile(f"the file was not read: {refused}")
            read = read_tables(feed_file)
        except UnreadableFile as error:
            rule = "refused_file" if refused else "readable_file"
            message = str(error).removeprefix(f"{feed_file.display_name}: ")
            result.problems.append(_file_problem(contract, report.file, rule, message))
            report.blocked = True
            continue
        result.problems += [
            Problem(contract.name, report.file, None, None, None, "tolerated", note, "warn")
            for note in read.notes
        ]
        for name, text in read.tables:
            incoming += _table_rows_sql(con, contract, name, text, report, result)
    return incoming


def _table_rows_sql(con, contract, name: str, text: pd.DataFrame, report, result) -> list[str]:
    text, renamed = normalise_headers(contract, text, name)
    structural = missing_columns(contract, text, name)
    result.problems += renamed + structural
    if structural:
        report.blocked = True
        report.rows_read += len(text)
        report.rows_quarantined += len(text)
        return []
    view = f"feed_table_{len(result.tables)}"
    result.tables.append(view)
    columns = ["source_file", "source_row"] + contract.columns
    con.register(view, add_absent_optional_columns(contract, text)[columns].astype(str))
    cells = ", ".join(f"cast({quoted(c)} as varchar) as {quoted(c)}" for c in contract.columns)
    return [f"select source_file, cast(source_row as integer) as source_row, {cells} from {view}"]


def _incoming(con, contract, feeds_dir, files, result) -> str:
    """The SQL of every usable row of the files, as text; '' when no file can be used."""
    if reads_workbooks(contract):
        if files is None:
            files = files_in(feeds_dir, contract.folder, contract.file_name)
        return " union all ".join(_read_tables(con, contract, feeds_dir, files, result))
    files = feed_files(feeds_dir, contract) if files is None else files
    usable = _usable_files(con, contract, feeds_dir, files, result)
    return " union all ".join(file_rows_sql(contract, f, r) for f, r in usable)


def unreadable(contract, feed_file: FeedFile, why: str) -> Problem:
    return _file_problem(
        contract,
        feed_file.display_name,
        "readable_file",
        f"the file cannot be read ({why}); save it as CSV UTF-8 or Parquet",
    )


def _usable_files(
    con, contract, feeds_dir, files, result, headers_of=None, rows_in=None
) -> list[tuple[FeedFile, dict]]:
    """Files the engine can read, each with its header renames; the rest are refused, blocked.
    headers_of(file) and rows_in(file) read a file in another engine (default: DuckDB's)."""
    headers_of = headers_of or (lambda feed_file: headers(con, feed_file))
    rows_in = rows_in or (
        lambda feed_file: con.execute(f"select count(*) from {reader(feed_file)}").fetchone()[0]
    )
    usable = []
    for feed_file in files:
        report = FileReport(contract.name, feed_file.display_name, feed_file.sha256, 0)
        result.files.append(report)
        if not feed_file.path.resolve().is_relative_to(feeds_dir.resolve()):
            result.problems.append(
                _file_problem(
                    contract,
                    feed_file.display_name,
                    "refused_file",
                    "the file was not read: it links to a place outside the feeds directory; "
                    "feed files must be inside it",
                )
            )
            report.blocked = True
            continue
        try:
            names = headers_of(feed_file)
        except (duckdb.Error, UnreadableFile) as error:
            result.problems.append(unreadable(contract, feed_file, str(error).splitlines()[0]))
            report.blocked = True
            continue
        empty, renamed = normalise_headers(contract, pd.DataFrame(columns=names), report.file)
        structural = missing_columns(contract, empty, report.file)
        result.problems += renamed + structural
        if structural:
            report.blocked = True
            report.rows_read = report.rows_quarantined = int(rows_in(feed_file))
            continue
        plain = dict(zip(names, empty.columns, strict=True))
        usable.append((feed_file, {old: plain[old] for old in names}))
    return usable


def validate_in_engine(
    con: duckdb.DuckDBPyConnection,
    contract: FeedContract,
    feeds_dir: Path,
    context: ValidationContext,
    files: list[FeedFile] | None = None,
    append: bool = False,
    any_order: bool = False,
) -> EngineResult:
    """Validate every file of the feed (or just `files`) and load it: raw.<table> gets the good
    rows, raw.quarantine every problem, raw.feed_files the row accounting (read = loaded + set
    aside). With append=True, `files` are new files added to what raw.<table> holds: only they
    are read, and a key they repeat is judged against the rows already loaded too. any_order: the
    caller made sure no row loaded shares a key with `files` (core/payment_years), so they need
    not sort after the files loaded."""
    contract = with_settings(contract, feeds_dir)
    result = EngineResult(contract)
    incoming = _incoming(con, contract, feeds_dir, files, result)
    ensure_bookkeeping_tables(con)
    table = f"raw.{quoted(contract.table)}"
    if append and not any_order:
        _refuse_files_sorting_first(con, contract, files)
    if not incoming or append:
        definition = ", ".join(f"{quoted(s.name)} {SQL_TYPES[s.kind]}" for s in contract.fields)
        existing = "create table if not exists" if append else "create or replace table"
        con.execute(f"{existing} {table} (source_file varchar, source_row integer, {definition})")
    if not incoming:
        _record(con, result, append)
        return result
    register_checked_against(con, contract, context)
    # Appending, the new files are checked in a temporary table first, then added.
    target = "incoming" if append else table
    _load_checked(con, contract, incoming, target, temporary=append)
    for view in result.tables:
        con.unregister(view)
    compared = target
    if append:
        key_hash = f"hash({', '.join(quoted(k) for k in contract.key)})"
        con.execute(
            f"create or replace temp view seen as select * from incoming union all by name "
            f"select * from {table} where {key_hash} in (select {key_hash} from incoming)"
        )
        compared = "seen"
    con.execute(f"create or replace temp table repeats as {_repeats_sql(contract, compared)}")
    con.execute(f"create or replace temp table row_problems as {_row_problems_sql(contract)}")
    con.execute(
        "create or replace temp table set_aside as select distinct source_file, source_row "
        "from row_problems where severity <> 'warn' or rule in "
        f"({', '.join(sql_text(r) for r in SET_ASIDE_RULES)})"
    )
    con.execute(
        f"delete from {target} where (source_file, source_row) in "
        "(select (source_file, source_row) from repeats)"
    )
    if append:
        con.execute(f"insert into {table} by name select * from incoming")
    _count(con, result, target)
    result.problems += _warnings(con, contract)
    result.problems += _first_row_problems(con)
    _record(con, result, append)
    con.execute("drop view if exists seen")
    for name in ("checked", "repeats", "row_problems", "set_aside", "incoming"):
        con.execute(f"drop table if exists {name}")
    return result


def _load_checked(con, contract: FeedContract, incoming: str, target: str, temporary: bool) -> None:
    """Every usable file into `target`, typed: the rows that break a rule are left out (they are
    in the temp table `checked` with their rules and messages)."""
    typed_columns = ", ".join(
        f"cast({quoted(s.name)} as {SQL_TYPES[s.kind]}) as {quoted(s.name)}"
        for s in contract.fields
    )
    # One scan of the files, straight into the target: rows whose every value is plain (the
    # common case) are typed by a cast; the others keep their text for the full checks and
    # messages, then are replaced by their typed form if good. Dropping a column is free.
    staged = staged_sql(contract, incoming, totals_row_impossible(con, contract))
    con.execute(f"create or replace {'temp ' if temporary else ''}table {target} as {staged}")
    slow = ", ".join(
        ["source_file", "source_row"]
        + [quoted("raw_" + s.name) + f" as {quoted(s.name)}" for s in contract.fields]
    )
    con.execute(
        "create or replace temp table checked as select * from "
        f"({checked_sql(contract, f'select {slow} from {target} where not is_plain')})"
    )
    con.execute(f"delete from {target} where not is_plain")
    names = ", ".join(["source_file", "source_row"] + [quoted(s.name) for s in contract.fields])
    con.execute(
        f"insert into {target} ({names}) select source_file, source_row, {typed_columns} "
        f"from checked where {_is_good(contract)}"
    )
    for column in ["is_plain"] + ["raw_" + s.name for s in contract.fields]:
        con.execute(f"alter table {target} drop column {quoted(column)}")


def _refuse_files_sorting_first(con, contract: FeedContract, files: list[FeedFile]) -> None:
    """Of two rows with the same key, a full build keeps the one in the file whose name sorts
    first; an appended file must therefore sort after every file already loaded, or the append
    could keep a different row than a full build would (plan_build builds in full instead)."""
    (last,) = con.execute(
        "select max(file) from raw.feed_files where feed = ?", [contract.name]
    ).fetchone()
    first_new = min((f.display_name for f in files), default=None)
    if last is not None and first_new is not None and first_new <= last:
        raise ValueError(f"{first_new} does not sort after {last}, already loaded")


def of_file(source_file: str, file: str) -> bool:
    """Whether rows of source_file were read from file (itself, or one of its sheets)."""
    return source_file == file or source_file.startswith(file + " [")


def _count(con, result: EngineResult, table: str) -> None:
    counts = {
        file: [read, loaded, set_aside]
        for file, read, loaded, set_aside in con.execute(
            f"""with loaded as (select source_file, count(*) as n from {table} group by all),
                set_aside as (select source_file, count(*) as n from set_aside group by all),
                files as (select source_file from loaded union select source_file from set_aside)
            select f.source_file, coalesce(l.n, 0) + coalesce(s.n, 0), coalesce(l.n, 0),
                coalesce(s.n, 0)
            from files f left join loaded l using (source_file)
            left join set_aside s using (source_file)"""
        ).fetchall()
    }
    for report in result.files:
        for table, (read, loaded, set_aside) in counts.items():
            if of_file(table, report.file):
                report.rows_read += read
                report.rows_loaded += loaded
                report.rows_quarantined += set_aside
    result.rows_loaded = sum(r.rows_loaded for r in result.files)
    result.rows_quarantined = sum(r.rows_quarantined for r in result.files)
    result.row_problem_count, result.blocking_row_count = con.execute(
        "select count(*), count(*) filter (where severity = 'block') from row_problems"
    ).fetchone()


def _warnings(con, contract: FeedContract) -> list[Problem]:
    return [
        Problem(
            contract.name,
            file,
            first_row,
            column,
            None,
            "tolerated",
            f"{n} value(s) had {note}, first on row {first_row}; read them as their plain meaning",
            "warn",
        )
        for file, column, note, n, first_row in con.execute(_warnings_sql(contract)).fetchall()
    ]


def _first_row_problems(con) -> list[Problem]:
    rows = con.execute(
        "select * from row_problems order by source_file, source_row, column_name "
        f"limit {PROBLEMS_KEPT}"
    ).fetchall()
    return [Problem(*row) for row in rows]


def _record(con, result: EngineResult, append: bool = False) -> None:
    """Replace this feed's rows in raw.quarantine and raw.feed_files (appending: only those of
    the files just read). Row problems are inserted by DuckDB from row_problems; only file-level
    problems and warnings come from Python."""
    feed = result.contract.name
    if append:
        files = [f.file for f in result.files]
        con.execute(
            "delete from raw.quarantine where feed = ? and list_contains(?, source_file)",
            [feed, files],
        )
        con.execute(
            "delete from raw.feed_files where feed = ? and list_contains(?, file)", [feed, files]
        )
    else:
        con.execute("delete from raw.quarantine where feed = ?", [feed])
        con.execute("delete from raw.feed_files where feed = ?", [feed])
    exists = con.execute(
        "select count(*) from duckdb_tables() where table_name = 'row_problems' and temporary"
    ).fetchone()[0]
    if exists:
        con.execute("insert into raw.quarantine select * from row_problems")
    in_python = result.file_problems_and_warnings
    if in_python:
        con.executemany(
            "insert into raw.quarantine values (?, ?, ?, ?, ?, ?, ?, ?)",
            [list(p.as_record().values()) for p in in_python],
        )
    if result.files:
        con.executemany(
            "insert into raw.feed_files values (?, ?, ?, ?, ?, ?, ?)",
            [
                [
                    f.feed,
                    f.file,
                    f.sha256,
                    f.rows_read,
                    f.rows_loaded,
                    f.rows_quarantined,
                    f.blocked,
                ]
                for f in result.files
            ],
        )
