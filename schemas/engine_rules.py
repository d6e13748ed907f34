"""Rules a contract states as facts, so the engine can run them as set-based queries over the
whole file (orchestration/core/engine_validation.py) instead of row by row in Python. Each rule
words its problems exactly as the row-by-row rules do (schemas/common.is_in,
schemas/geography.area_year_problem, the Pandera checks of schemas/common.engine_rule_schema)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KnownCode:
    """`column` must be one of `reference_table.reference_column` (e.g. a service area)."""

    column: str
    reference_table: str
    reference_column: str
    what: str  # "is not a known {what}"

    @property
    def rule(self) -> str:
        return f"known_{self.reference_column}"


COMBINED_AUTHORITY_PREFIX = "E47"
NOT_A_COMBINED_AUTHORITY = "is not a combined authority code (E47...)"


@dataclass(frozen=True)
class AreaExistedInYear:
    """`code_column` must be an English authority that existed on 30 September of the financial
    year of `date_column` (April to March), the one rule for when an area existed. With
    `year_column`, the financial year is that column's (written YYYY-YY) instead of a date's."""

    code_column: str = "area_code"
    date_column: str = "payment_date"
    year_column: str | None = None
    combined_authority: bool = False  # a settlement's place: a combined authority (E47...)
    # Codes accepted as they are, not judged (England and its regions, an indicator's comparators)
    exempt_prefixes: tuple[str, ...] = ()
    not_combined_words: str = NOT_A_COMBINED_AUTHORITY  # "'{code}' {not_combined_words}"
    # A place that is not a combined authority is refused even when the row has no year.
    combined_without_year: bool = False


@dataclass(frozen=True)
class YearsInOrder:
    """`last_column` must not be a financial year before `first_column` (a settlement's span)."""

    first_column: str
    last_column: str

    def words(self, first: str, last: str) -> str:
        return f"{self.last_column} {last} is before {self.first_column} {first}"


@dataclass(frozen=True)
class AllowedValues:
    """`column` must be one of `values` (e.g. a budget type); `words` say which, in full."""

    column: str
    values: tuple[str, ...]
    words: str  # "budget_type must be 'resource' or 'capital'"

    @property
    def rule(self) -> str:
        return f"allowed_{self.column}"


@dataclass(frozen=True)
class InRange:
    """A number in `column` between `low` and `high` (None: no bound), e.g. not negative."""

    column: str
    words: str  # "an allocation must not be negative"
    low: float | None = None
    high: float | None = None
    low_inclusive: bool = True

    @property
    def rule(self) -> str:
        """The bounds in words a filter can match: at_least_0, above_0_at_most_1, ..."""
        bounds = []
        if self.low is not None:
            bounds.append(f"{'at_least' if self.low_inclusive else 'above'}_{self.low:g}")
        if self.high is not None:
            bounds.append(f"at_most_{self.high:g}")
        return "_".join(bounds) or "in_range"

    def holds_sql(self, value: str) -> str:
        """The rule in SQL, for a typed value (null for a blank holds)."""
        parts = []
        if self.low is not None:
            parts.append(f"{value} {'>=' if self.low_inclusive else '>'} {self.low}")
        if self.high is not None:
            parts.append(f"{value} <= {self.high}")
        return f"({value} is null or ({' and '.join(parts) or 'true'}))"


@dataclass(frozen=True)
class InFeed:
    """`column` must name a row of another feed, validated before this one (a pooling
    agreement's settlement); checking one file alone, without that feed at hand, it is not run."""

    column: str
    feed: str
    feed_column: str
    what: str  # "is not a {what} in the {feed} feed"


@dataclass(frozen=True)
class YearInSpan:
    """`year_column` must fall within the years `first_column` to `last_column` of the row of
    `feed` that `key_column` names (a settlement's years); a key not found is not judged here."""

    year_column: str
    key_column: str
    feed: str
    first_column: str
    last_column: str
    what: str  # "{year} is outside {what} {key} ({first} to {last})", rule year_in_{what}

    @property
    def rule(self) -> str:
        return f"year_in_{self.what}"

    def words(self, year: str, key: str, first: str, last: str) -> str:
        return f"{year} is outside {self.what} {key} ({first} to {last})"


@dataclass(frozen=True)
class NeededWhen:
    """When `when_column` is `when_value` and `given_column` has a value, every one of `needed`
    must have one too (a ratio indicator's value needs its numerator and denominator). The
    problem is reported in the first needed column, with no value of its own."""

    needed: tuple[str, ...]
    when_column: str
    when_value: str
    given_column: str
    rule: str
    words: str


@dataclass(frozen=True)
class WithinDeflatorSeries:
    """`column` (a financial year) must be a year of the GDP deflator series, so its cash can be
    put into price-base terms; a year the series does not cover is refused, not extrapolated."""

    column: str
    what: str  # "the appraisal's first year"
    rule = "within_deflator_series"

    def words(self, year: str, first: str, last: str) -> str:
        return (
            f"'{year}' is outside the GDP deflator series ({first} to {last}): {self.what} "
            "cannot be put into price-base terms; extend reference/deflators.csv or correct the "
            "year"
        )


@dataclass(frozen=True)
class WithinHorizon:
    """A stream starting `offset_column` years in and lasting `duration_column` years must end
    by year `longest` (a benefit past year 100 is almost certainly a typing error); judged only
    for an offset of 0 or more and a duration of at least 1, as the other rules require."""

    offset_column: str
    duration_column: str
    longest: int
    rule = "appraisal_horizon"

    def words(self, offset: str, duration: str) -> str:
        return (
            f"{self.offset_column} {offset} + {self.duration_column} {duration} runs past year "
            f"{self.longest} of the appraisal; check both numbers"
        )

    def breaks(self, offset, duration) -> bool:
        return offset >= 0 and duration >= 1 and offset + duration > self.longest


@dataclass(frozen=True)
class EveryYearFromStart:
    """The rows of one `key_column` (an intervention's costs) compared with each other: their
    `year_column` starts in the start year that `feed`'s row of the key gives (`start_column`;
    without one, the key's first year) and leaves out no year up to the key's last, since a year
    left out would silently count as free. A row before the start year is refused
    (cost_before_start_year); a year missing is reported on the first row after it, with the
    other years missing just before (every_cost_year)."""

    key_column: str
    year_column: str
    feed: str
    start_column: str
    what: str  # "intervention"
    before_rule = "cost_before_start_year"
    gap_rule = "every_cost_year"

    def before_words(self, year: str, key: str, start: str) -> str:
        return (
            f"'{year}' is before {self.what} {key}'s {self.start_column} {start} (year 0 of its "
            "appraisal); move the cost into the start year or start the appraisal earlier"
        )

    @staticmethod
    def rows_word(missing: int) -> str:
        return "cost row" if missing == 1 else "cost rows"

    def gap_words(
        self, key: str, rows_word: str, missing: str, year: str, first: str, last: str
    ) -> str:
        return (
            f"{self.what} {key} has no {rows_word} for {missing} (the years before this row's "
            f"{year}): every year from its start year {first} to its last cost year {last} "
            "needs a row (write 0 for a year without spending)"
        )


def confidence_grade(column: str, what: str) -> InRange:
    """A grade of the evidence: 1 (the strongest) to 6 (the weakest)."""
    return InRange(
        column,
        f"is not a {what} (grades run from 1, the strongest evidence, to 6, the weakest)",
        low=1,
        high=6,
    )


def not_negative(column: str, what: str = "amount") -> InRange:
    return InRange(column, f"{what} must not be negative", low=0)


EngineRule = (
    KnownCode
    | AreaExistedInYear
    | AllowedValues
    | InRange
    | InFeed
    | YearInSpan
    | YearsInOrder
    | NeededWhen
    | WithinDeflatorSeries
    | WithinHorizon
    | EveryYearFromStart
)
