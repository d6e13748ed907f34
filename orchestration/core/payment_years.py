"""The payments (spend_transactions) by financial year: the years they are partitioned by, and
which files and years a change to some payments files makes a build read and recompute.

The years are the bundled GDP deflator series' (dbt_project/seeds/reference/deflators.csv, the
years real terms can be given in), written as users write them: '2024-25'.

A change is rebuilt per file and per year. The files read again are the changed and the new ones,
and every file that shares a payment key (area and transaction) with them or with what a changed
or removed file held before: of two payments with one key a build keeps the one in the file that
sorts first, so files sharing a key are judged together, and files sharing none are judged alike
alone or all at once. The years recomputed are every year those files' payments fall in, before
and after; Dagster runs a contiguous range of partitions, so the years between are recomputed too
(their payments are unchanged, so they come out the same)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from orchestration.core.engine_validation import (
    EngineResult,
    _trimmed,
    _usable_files,
    file_rows_sql,
    quoted,
)
from orchestration.core.feed_files import FeedFile
from orchestration.core.paths import BUNDLED_REFERENCE_DIR
from schemas.spend_transactions import CONTRACT as PAYMENTS

REPEAT_RULES = ("duplicate_submission", "unique_key")
ISO_DATE = r"\d{4}-\d{2}-\d{2}"
DATE = next(f for f in PAYMENTS.fields if f.kind == "date").name


def _bundled_years() -> tuple[str, ...]:
    with open(BUNDLED_REFERENCE_DIR / "deflators.csv", encoding="utf-8", newline="") as f:
        return tuple(sorted(row["financial_year"] for row in csv.DictReader(f)))


YEARS = _bundled_years()  # the partition keys: '2000-01', ..., '2030-31'


def year_key(start: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}"


def year_start(key: str) -> int:
    return int(key[:4])


def covering(years) -> list[str]:
    """The partition keys from the first of `years` to the last (Dagster runs a range)."""
    keys = sorted(years)
    return [k for k in YEARS if keys and keys[0] <= k <= keys[-1]]


def years_words(years) -> str:
    """'2025-26', or '2023-24 to 2025-26'."""
    years = sorted(years)
    return years[0] if len(years) == 1 else f"{years[0]} to {years[-1]}"


def described(values: dict[str, str]) -> str:
    """A payment's key as raw.quarantine gives it for a repeat (core/engine_validation)."""
    return " || ', ' || ".join(f"'{k}=' || coalesce({values[k]}, '')" for k in PAYMENTS.key)


@dataclass(frozen=True)
class Rebuild:
    files: tuple[str, ...]  # spend_transactions/<name> on disk to read again
    gone: tuple[str, ...]  # spend_transactions/<name> loaded before, no longer on disk
    years: tuple[str, ...]  # every year those files' payments fall in, before and after


def _file_rows(con, feeds_dir: Path, names) -> str:
    """The files' rows as text in the contract's columns ('' when none can be read)."""
    files = [FeedFile(feeds_dir / name, name) for name in names]
    usable = _usable_files(con, PAYMENTS, feeds_dir, files, EngineResult(PAYMENTS))
    return " union all ".join(file_rows_sql(PAYMENTS, f, r) for f, r in usable)


def _year_of(date: str) -> str:
    """The financial year (its first calendar year) of a date, as dbt's
    financial_year_start_of_date macro gives it."""
    return f"(year({date}) - case when month({date}) < 4 then 1 else 0 end)"


def _text_rows(con, feeds_dir: Path, names) -> None:
    """Add to temp table text_rows the files' payments: their key cleaned as the contract cleans
    it and their financial year where the date is one (of every row, good or bad: more years
    than needed is safe, fewer is not)."""
    specs = {s.name: s for s in PAYMENTS.fields}
    keys = ", ".join(f"{_trimmed(specs[k])} as {quoted(k)}" for k in PAYMENTS.key)
    iso = f"case when regexp_full_match(trim({DATE}), '{ISO_DATE}') then trim({DATE}) end"
    year = _year_of(f"try_cast({iso} as date)")
    con.execute(
        "create temp table if not exists text_rows (source_file varchar, "
        + ", ".join(f"{quoted(k)} varchar" for k in PAYMENTS.key)
        + ", financial_year_start integer)"
    )
    rows = _file_rows(con, feeds_dir, names)
    if rows:
        con.execute(f"insert into text_rows select source_file, {keys}, {year} from ({rows})")


def _sharing_keys(con, files: set[str]) -> set[str]:
    """Other files holding a payment whose key the files hold now or held before."""
    key = ", ".join(quoted(k) for k in PAYMENTS.key)
    con.execute(
        f"create or replace temp table keys as select distinct {key} from ("
        f"select {key} from text_rows where source_file in (select unnest($1)) union all "
        f"select {key} from raw.spend_transactions where source_file in (select unnest($1)))",
        [sorted(files)],
    )
    quoted_keys = described({k: f"k.{quoted(k)}" for k in PAYMENTS.key})
    rows = con.execute(
        f"""select distinct source_file from raw.spend_transactions
            where ({key}) in (select ({key}) from keys)
        union select distinct q.source_file from raw.quarantine q
            where q.feed = $feed and q.rule in (select unnest($rules))
            and q.value in (select {quoted_keys} from keys k)
""",
        {"feed": PAYMENTS.name, "rules": list(REPEAT_RULES)},
    ).fetchall()
    return {file for (file,) in rows} - files


def rebuild_for(con, feeds_dir: Path, changed: set[str], on_disk: set[str]) -> Rebuild:
    """What a build reads again and recomputes after `changed` (new, changed or removed names,
    spend_transactions/<name>). on_disk: every payments file in the feeds directory. `con` is
    the last build's working database; temp tables are left on it."""
    con.execute("drop table if exists text_rows")
    _text_rows(con, feeds_dir, [])
    files = set(changed)
    more = files
    while more:
        _text_rows(con, feeds_dir, sorted(more & on_disk))
        files |= more
        more = _sharing_keys(con, files)
    (years,) = con.execute(
        "select list(distinct financial_year_start) from ("
        "select financial_year_start from text_rows where source_file in (select unnest($1)) "
        f"union all select {_year_of(DATE)} from raw.spend_transactions "
        "where source_file in (select unnest($1)))",
        [sorted(files)],
    ).fetchone()
    return Rebuild(
        tuple(sorted(files & on_disk)),
        tuple(sorted(files - on_disk)),
        tuple(year_key(y) for y in sorted(y for y in years or () if y is not None)),
    )


def payments_on_disk(feeds_dir: Path) -> set[str]:
    folder = feeds_dir / PAYMENTS.folder
    return {
        f"{PAYMENTS.folder}/{p.name}"
        for p in (folder.iterdir() if folder.is_dir() else ())
        if p.is_file()
        and p.suffix.lower() in PAYMENTS.file_suffixes
        and not p.name.startswith(("~$", "."))
    }


def rebuild_of_years(con, feeds_dir: Path, years: list[str]) -> Rebuild:
    """For `dagster dev`, a run of some years: the files whose payments fall in them, as last
    built or as they are now (a file new or changed since), and those removed since."""
    on_disk = payments_on_disk(feeds_dir)
    built = dict(
        con.execute(
            "select file, sha256 from raw.feed_files where feed = ?", [PAYMENTS.name]
        ).fetchall()
    )
    unlike = {n for n in on_disk if built.get(n) != FeedFile(feeds_dir / n, n).sha256}
    con.execute("drop table if exists text_rows")
    _text_rows(con, feeds_dir, sorted(unlike))
    starts = [year_start(y) for y in years]
    (touching,) = con.execute(
        "select list(distinct source_file) from (select source_file, financial_year_start "
        "from text_rows union all select source_file, "
        f"{_year_of(DATE)} from raw.spend_transactions) "
        "where financial_year_start in (select unnest(?))",
        [starts],
    ).fetchone()
    return rebuild_for(con, feeds_dir, set(touching or ()), on_disk)


# The years whose payments were loaded again since dbt last summed them: written by the payments
# feed (any run of it, from `wholeplace build` or `dagster dev`), read and cleared by the dbt
# build, which sums again those years only (int_payments_by_file). Kept in the database, not
# passed along, so a dbt build that fails leaves them for the next one.
YEARS_TO_SUM = "raw.payment_years_to_sum"


def mark_years_to_sum(con, years) -> None:
    con.execute(f"create table if not exists {YEARS_TO_SUM} (financial_year varchar primary key)")
    con.execute(
        f"insert or ignore into {YEARS_TO_SUM} select unnest(?::varchar[])", [sorted(years)]
    )


def years_to_sum(con) -> list[str]:
    if not con.execute(
        "select 1 from information_schema.tables where table_schema = 'raw' and table_name = ?",
        [YEARS_TO_SUM.removeprefix("raw.")],
    ).fetchone():
        return []
    rows = con.execute(f"select financial_year from {YEARS_TO_SUM} order by 1").fetchall()
    return [y for (y,) in rows]


def forget_years_to_sum(con, years) -> None:
    """Only the years this dbt build summed: a payments run in `dagster dev` meanwhile adds more."""
    if years:
        con.execute(
            f"delete from {YEARS_TO_SUM} where financial_year in (select unnest(?))",
            [list(years)],
        )
