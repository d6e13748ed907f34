"""The dbt models run on DuckDB and on Spark (docs/scale-out.md): SQL outside dbt_project/macros/
uses only what both engines read the same way. DuckDB-only syntax belongs in a macro dispatched
per adapter (duckdb__ / spark__); everything else uses dbt's cross-database macros."""

import re
from pathlib import Path

import pytest
import yaml

from orchestration.core.paths import DBT_PROJECT_DIR

# Each construct DuckDB accepts and Spark rejects or, worse, reads differently (`^` is power on
# DuckDB and bitwise xor on Spark; a double-quoted name is a string on Spark).
DUCKDB_ONLY = {
    "`::` cast (use cast(x as type), or try_cast where it may fail)": r"::",
    "qualify (filter a window in an outer select)": r"\bqualify\b",
    "* exclude (name the columns)": r"\*\s*exclude\b|\bexclude\s*\(",
    "* replace (name the columns)": r"\*\s*replace\s*\(",
    "list literal [..] or list index (use separate rows or columns)": r"\[",
    "group by all / order by all (name the columns)": r"\b(group|order)\s+by\s+all\b",
    "strftime / strptime (use a dispatched macro)": r"\bstr[fp]time\s*\(",
    "DuckDB list or string function (list_*, string_agg, string_split, str_split; use "
    "dbt.listagg or a macro)": r"\b(list_\w+|string_agg|string_split|str_split)\s*\(",
    "DuckDB date function (date_diff, date_add, epoch; use dbt.datediff / dbt.dateadd)": (
        r"\b(date_diff|date_sub|date_add|epoch(_ms)?)\s*\("
    ),
    "arg_max / arg_min (Spark calls them max_by / min_by: use a macro)": r"\barg_(max|min)\s*\(",
    "generate_series / range / unnest (use a macro)": r"\b(generate_series|range|unnest)\s*\(",
    "^ or ** power (use power(x, y))": r"\^|\*\*",
    "// integer division (use floor(x / y) or a macro)": r"//",
    "double-quoted name (a string on Spark; use adapter.quote)": r'"',
    "from-first select or positional / asof join": (
        r"^\s*from\b.*\bselect\b|\b(positional|asof)\s+join\b"
    ),
    "struct_pack / {..} struct literal": r"\bstruct_pack\s*\(|\{",
    # Spark 4 runs in ANSI mode: a division by zero raises instead of giving null. Dividing by
    # a number, or a power of a positive number, cannot be a division by zero.
    "division by an expression without nullif(..., 0)": (
        r"/(?!/)\s*(?!nullif\s*\(|[\d.]+\b|power\s*\(\s*[1-9][\d.]*\s*,)\S"
    ),
}

SQL_FOLDERS = ("models", "tests", "analyses", "snapshots")

# Macros whose result differs between the engines, checked before Jinja is blanked out.
UNPORTABLE_MACROS = {
    "dbt.listagg (Spark ignores its order: use sorted_list)": r"\bdbt\.listagg\s*\(",
}


def _without_jinja_comments_and_strings(sql: str) -> str:
    """Blank out what the engine never sees as syntax, keeping the line numbers."""

    def blank(match: re.Match) -> str:
        return re.sub(r"[^\n]", " ", match.group(0))

    # a model's config first: its hooks hold Jinja ({{ this }}) inside the {{ config(...) }}
    sql = re.sub(r"\{\{-?\s*config\(.*?\)\s*-?\}\}", blank, sql, flags=re.S)
    sql = re.sub(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", blank, sql, flags=re.S)
    sql = re.sub(r"/\*.*?\*/", blank, sql, flags=re.S)
    sql = re.sub(r"'(?:[^']|'')*'", blank, sql)
    return re.sub(r"--[^\n]*", blank, sql)


def duckdb_only_syntax(sql: str) -> list[tuple[int, str, str]]:
    """(line number, construct, the line) for every DuckDB-only construct in a SQL file."""
    found = []
    cleaned = _without_jinja_comments_and_strings(sql).splitlines()
    original = sql.splitlines()
    for number, line in enumerate(cleaned, start=1):
        for construct, pattern in DUCKDB_ONLY.items():
            if re.search(pattern, line, flags=re.I):
                found.append((number, construct, original[number - 1].strip()))
        for construct, pattern in UNPORTABLE_MACROS.items():
            if re.search(pattern, original[number - 1]):
                found.append((number, construct, original[number - 1].strip()))
    return found


def sql_files_outside_macros() -> list[Path]:
    return sorted(
        path for folder in SQL_FOLDERS for path in (DBT_PROJECT_DIR / folder).rglob("*.sql")
    )


def test_the_models_are_there_to_check():
    names = {path.name for path in sql_files_outside_macros()}
    assert {"pooled_budget.sql", "settlement_checks.sql", "stg_feeds__allocations.sql"} <= names


@pytest.mark.parametrize(
    "path", sql_files_outside_macros(), ids=lambda p: p.relative_to(DBT_PROJECT_DIR).as_posix()
)
def test_sql_outside_macros_is_portable(path):
    problems = duckdb_only_syntax(path.read_text(encoding="utf-8"))
    assert not problems, "\n".join(
        f"{path.relative_to(DBT_PROJECT_DIR)} line {n}: {construct}: {line}"
        for n, construct, line in problems
    )


@pytest.mark.parametrize(
    ("sql", "construct"),
    [
        ("select amount::decimal(18, 2) from x", "`::` cast"),
        ("select * from x qualify row_number() over (order by a) = 1", "qualify"),
        ("select * exclude (a) from x", "* exclude"),
        ("select * replace (a + 1 as a) from x", "* replace"),
        ("select [1, 2, 3] as years", "list literal"),
        ("select a, count(*) from x group by all", "group by all"),
        ("select strftime(d, '%Y') from x", "strftime"),
        ("select string_agg(a, ', ') from x", "DuckDB list or string function"),
        ("select list_sum(a) from x", "DuckDB list or string function"),
        ("select date_diff('day', a, b) from x", "DuckDB date function"),
        ("select arg_max(a, b) from x", "arg_max"),
        ("select * from generate_series(1, 10)", "generate_series"),
        ("select 1.035 ^ t from x", "^ or ** power"),
        ("select a // 2 from x", "// integer division"),
        ('select "check" from x', "double-quoted name"),
        ("from x select a", "from-first select"),
        ("select {'a': 1} as s", "struct"),
        ("select a / b from x", "division by an expression without nullif"),
        ("""select {{ dbt.listagg("a", "', '", "order by a") }} from x""", "dbt.listagg"),
        ("select a / power(b, 2) from x", "division by an expression without nullif"),
    ],
)
def test_each_duckdb_only_construct_is_caught(sql, construct):
    assert [found for _, found, _ in duckdb_only_syntax(sql) if found.startswith(construct)]


def test_jinja_comments_and_strings_are_not_sql():
    sql = """
    -- a comment may say x::int or [1, 2]
    select {{ dbt.concat(["'a'", "'b'"]) }} as label,  {# qualify in a comment #}
        'a string with :: and [brackets] and "quotes"' as note,
        {{ adapter.quote("check") }} as check_id
        a / nullif(b, 0) as ratio, a / 100 as share
    from {{ ref('x') }}
    """
    assert duckdb_only_syntax(sql) == []


def test_a_models_config_with_hooks_is_not_sql_but_what_follows_is():
    sql = """
    {{ config(
        pre_hook="{% if is_incremental() %}delete from {{ this }} where y in ("
            ~ years ~ "){% endif %}"
    ) }}
    select "check" from x
    """
    assert [(n, c[:17]) for n, c, _ in duckdb_only_syntax(sql)] == [(6, "double-quoted nam")]


def test_a_problem_names_its_line():
    assert duckdb_only_syntax("select 1\nfrom x\nwhere a::int = 1") == [
        (3, "`::` cast (use cast(x as type), or try_cast where it may fail)", "where a::int = 1")
    ]


# Column types both engines spell the same way (contracts are checked by casting to these).
PORTABLE_TYPES = r"string|boolean|integer|bigint|double|date|timestamp|decimal\(\d+,\s*\d+\)"


def declared_types(yml_text: str) -> list[tuple[str, str, str]]:
    """(model, column, data_type) for every column a model's yml gives a type."""
    document = yaml.safe_load(yml_text) or {}
    return [
        (model["name"], column["name"], str(column["data_type"]))
        for model in document.get("models", [])
        for column in model.get("columns", [])
        if "data_type" in column
    ]


def unportable_types(yml_text: str) -> list[str]:
    return [
        f"{model}.{column}: {data_type}"
        for model, column, data_type in declared_types(yml_text)
        if not re.fullmatch(PORTABLE_TYPES, data_type.strip(), flags=re.I)
    ]


def test_contract_types_are_spelled_the_same_on_both_engines():
    ymls = sorted((DBT_PROJECT_DIR / "models").rglob("*.yml"))
    assert sum(len(declared_types(p.read_text())) for p in ymls) > 100
    problems = [problem for path in ymls for problem in unportable_types(path.read_text())]
    assert not problems, "Spark needs a length for varchar; use string: " + ", ".join(problems)


def test_a_bare_varchar_contract_type_is_caught():
    yml = "models:\n  - name: m\n    columns:\n      - {name: a, data_type: varchar}\n"
    assert unportable_types(yml) == ["m.a: varchar"]


def test_data_test_filters_are_portable():
    """A test's `where:` is SQL too (a double-quoted name is a string on Spark)."""
    ymls = sorted((DBT_PROJECT_DIR / "models").rglob("*.yml"))
    filters = [
        (path.name, where)
        for path in ymls
        for where in re.findall(r"^\s*where:\s*(.+)$", path.read_text(), flags=re.M)
    ]
    assert filters
    problems = [
        f"{name}: {where} ({construct})"
        for name, where in filters
        for _, construct, _ in duckdb_only_syntax(yaml.safe_load(where))
    ]
    assert not problems, problems


def test_a_double_quoted_name_in_a_test_filter_is_caught():
    where = yaml.safe_load('''"\\"check\\" <> 'control_total_matches'"''')
    assert [c for _, c, _ in duckdb_only_syntax(where) if c.startswith("double-quoted")]


def quoted_columns_with_tests(yml_text: str) -> list[str]:
    """Columns with `quote: true` that carry their own data tests: dbt quotes the name while
    parsing, so each such test's id differs between the duckdb and spark targets and the Spark
    build's results would not match the manifest Dagster reads (test it on the model, with
    tests/generic/quoted_column.sql)."""
    document = yaml.safe_load(yml_text) or {}
    return [
        f"{model['name']}.{column['name']}"
        for model in document.get("models", [])
        for column in model.get("columns", [])
        if column.get("quote") and (column.get("data_tests") or column.get("tests"))
    ]


def test_no_quoted_column_carries_its_own_tests():
    ymls = sorted((DBT_PROJECT_DIR / "models").rglob("*.yml"))
    quoted = [p for p in ymls if re.search(r"^\s*quote:\s*true", p.read_text(), flags=re.M)]
    assert quoted, "settlement_checks has a quoted column, check"
    problems = [problem for path in ymls for problem in quoted_columns_with_tests(path.read_text())]
    assert not problems, problems


def test_a_quoted_column_with_its_own_test_is_caught():
    yml = (
        "models:\n  - name: m\n    columns:\n"
        "      - {name: check, quote: true, data_tests: [not_null]}\n"
    )
    assert quoted_columns_with_tests(yml) == ["m.check"]
