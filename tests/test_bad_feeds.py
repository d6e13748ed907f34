"""The catalogue of malformed feeds in tests/fixtures/bad_feeds/: each case states its exact
outcome (blocked, quarantined or loaded with a warning), the message and the row accounting."""

import csv
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from orchestration.core.engine_validation import reads_workbooks
from orchestration.core.load_feeds import reference_context, unread_entries, validate_feed
from orchestration.core.paths import DEMO_FEEDS_DIR
from schemas import FEEDS, contract_named
from schemas.engine_rules import AllowedValues, AreaExistedInYear, InRange, NeededWhen

CATALOGUE = Path(__file__).parent / "fixtures" / "bad_feeds"
CASES = sorted(p.parent for p in CATALOGUE.glob("*/case.json"))


def cross_feed_context(feeds: Path):
    """Reference data (with any override in the case) plus a settlement S1 (2025-26 to 2029-30),
    the funding line DFE-AEB and the demo's intervention E47000001-RS1 (starting 2025-26), for
    the rules that look across feeds."""
    context, _ = reference_context(feeds)
    context.feeds["settlements"] = pd.DataFrame(
        {"settlement_id": ["S1"], "first_year": ["2025-26"], "last_year": ["2029-30"]}
    )
    context.feeds["allocations"] = pd.DataFrame({"funding_line": ["DFE-AEB"]})
    context.feeds["interventions"] = pd.DataFrame(
        {"intervention_id": ["E47000001-RS1"], "start_year": ["2025-26"]}
    )
    return context


def test_the_catalogue_has_at_least_30_cases():
    assert len(CASES) >= 30


def load_case(folder: Path, monkeypatch) -> dict:
    case = json.loads((folder / "case.json").read_text())
    for variable, value in case.get("env", {}).items():
        monkeypatch.setenv(variable, value)
    return case


def assert_case_outcome(case: dict, feeds: Path, result, rows_loaded: int) -> None:
    """What a case states, checked on a validation result (row by row or in the engine):
    outcome, message, rule, the row accounting of each file and the rows loaded."""
    contract = contract_named(case["feed"])
    # What the build says about the folder's entries no contract reads.
    problems = result.problems + [p for p in unread_entries(feeds) if p.feed == contract.folder]
    blocked = result.blocked or any(p.severity == "block" for p in problems)
    outcome = (
        "blocked"
        if blocked
        else "quarantined"
        if any(p.severity == "quarantine" for p in problems)
        else "loaded"
    )
    assert outcome == case["outcome"], [str(p) for p in problems]
    if case["message"]:
        assert any(case["message"] in str(p) for p in problems), [str(p) for p in problems]
    if case["rule"]:
        assert any(p.rule == case["rule"] for p in problems)
    # A rule is a short name to filter raw.quarantine by; the message says it in words.
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", p.rule) for p in problems), [
        p.rule for p in problems
    ]
    if case["outcome"] == "loaded" and not case["message"]:
        assert problems == []
    for report in result.files:
        assert report.rows_read == report.rows_loaded + report.rows_quarantined, report
        if report.file in case["accounting"]:
            expected = case["accounting"][report.file]
            assert [report.rows_read, report.rows_loaded, report.rows_quarantined] == expected
    assert rows_loaded == sum(f.rows_loaded for f in result.files)


@pytest.mark.parametrize("folder", CASES, ids=[c.name for c in CASES])
def test_bad_feed_case(folder, monkeypatch):
    case = load_case(folder, monkeypatch)
    feeds = folder / "feeds"
    result = validate_feed(contract_named(case["feed"]), feeds, cross_feed_context(feeds))
    assert_case_outcome(case, feeds, result, len(result.loaded))


def feed_of(folder: Path):
    return contract_named(json.loads((folder / "case.json").read_text())["feed"])


# Cases of a feed the engine validates that cannot pass there, each with the reason.
NOT_IN_ENGINE: dict[str, str] = {}
ENGINE_CASES = [c for c in CASES if feed_of(c).engine_rules and c.name not in NOT_IN_ENGINE]


@pytest.mark.parametrize("folder", ENGINE_CASES, ids=[c.name for c in ENGINE_CASES])
def test_bad_feed_case_in_engine(folder, monkeypatch):
    """The same catalogue, validated inside DuckDB (core/engine_validation), in a fresh database."""
    import duckdb

    from orchestration.core.engine_validation import validate_in_engine

    case = load_case(folder, monkeypatch)
    feeds = folder / "feeds"
    contract = contract_named(case["feed"])
    with duckdb.connect() as con:
        result = validate_in_engine(con, contract, feeds, cross_feed_context(feeds))
        (rows_loaded,) = con.execute(f'select count(*) from raw."{contract.table}"').fetchone()
    assert_case_outcome(case, feeds, result, rows_loaded)


def test_every_case_of_a_feed_built_in_the_engine_is_run_there():
    built_in_engine = [c.name for c in CASES if feed_of(c).validated_in_engine]
    assert built_in_engine
    assert sorted(set(built_in_engine) - {c.name for c in ENGINE_CASES}) == sorted(NOT_IN_ENGINE)


def test_file_linked_from_outside_the_feeds_directory_is_refused(tmp_path):
    outside = tmp_path / "secret.csv"
    outside.write_text("financial_year\n2025-26\n")
    feeds = tmp_path / "feeds"
    (feeds / "allocations").mkdir(parents=True)
    (feeds / "allocations" / "link.csv").symlink_to(outside)
    result = validate_feed(contract_named("allocations"), feeds, cross_feed_context(feeds))
    [problem] = result.problems
    assert problem.rule == "refused_file" and "outside the feeds directory" in problem.message


def test_oversized_file_and_overlong_row_are_refused_unread(tmp_path, monkeypatch):
    feeds = tmp_path / "feeds"
    (feeds / "allocations").mkdir(parents=True)
    (feeds / "allocations" / "long.csv").write_text("financial_year\n" + "x" * 1_100_000 + "\n")
    result = validate_feed(contract_named("allocations"), feeds, cross_feed_context(feeds))
    assert "a row is longer than 1,048,576 bytes" in result.problems[0].message

    monkeypatch.setenv("WHOLEPLACE_MAX_FILE_BYTES", "100")
    (feeds / "allocations" / "long.csv").write_text("financial_year\n" + "2025-26\n" * 20)
    result = validate_feed(contract_named("allocations"), feeds, cross_feed_context(feeds))
    assert "over the limit of 100 bytes" in result.problems[0].message
    assert result.blocked


def test_per_feed_setting_can_make_outturn_blocking(tmp_path):
    feeds = tmp_path / "feeds"
    (feeds / "outturn").mkdir(parents=True)
    (feeds / "outturn" / "o.csv").write_text(
        "financial_year,area_code,service_area,amount_gbp\n2023-24,E08000001,space,1\n"
    )
    (feeds / "wholeplace.toml").write_text('[outturn]\nrow_problems = "block"\n')
    result = validate_feed(contract_named("outturn"), feeds, cross_feed_context(feeds))
    assert result.blocked and result.problems[0].severity == "block"


def test_fifo_and_symlink_loop_in_a_feed_folder_are_reported(tmp_path):
    import os

    folder = tmp_path / "allocations"
    folder.mkdir()
    os.mkfifo(folder / "pipe.csv")
    (folder / "loop.csv").symlink_to(folder / "loop.csv")
    reasons = {p.file: p.message for p in unread_entries(tmp_path)}
    assert "not a regular file" in reasons["allocations/pipe.csv"]
    assert "leads nowhere" in reasons["allocations/loop.csv"]


def test_deflator_override_from_2010_fills_older_bundled_years_and_missing_price_base_is_named(
    tmp_path,
):
    from orchestration.core.load_feeds import deflators_for_warehouse, price_base_problems

    (tmp_path / "reference").mkdir()
    rows = "".join(f"{y}-{(y + 1) % 100:02d},{50 + y - 2000}\n" for y in range(2010, 2024))
    (tmp_path / "reference" / "deflators.csv").write_text(
        "financial_year,gdp_deflator_index\n" + rows
    )
    context, [override] = reference_context(tmp_path)
    merged, filled = deflators_for_warehouse(override.loaded)
    assert "2000-01" in filled and "2010-11" not in filled
    assert set(merged["financial_year"]) >= {"2000-01", "2010-11", "2030-31"}
    [problem] = price_base_problems(context, "2024-25")
    assert "has no GDP deflator for 2024-25, the price base" in str(problem)


def test_strict_refuses_to_publish_failing_settlement_checks():
    import duckdb
    from dagster import Failure

    from orchestration.defs.publish import _refuse_failing_checks

    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute(
        "create table marts.settlement_checks as select 'pot matches announced total' "
        "as \"check\", 'S1' as settlement_id, '2025-26' as financial_year, 'fail' as status, "
        "'off by £5m' as detail"
    )
    with pytest.raises(Failure, match="1 settlement check\\(s\\) failed"):
        _refuse_failing_checks(con)


def test_operational_errors_end_in_one_sentence(tmp_path, capsys):
    from orchestration.cli.main import main

    warehouse_file = tmp_path / "warehouse"
    warehouse_file.write_text("not a folder")
    assert main(["build", "--warehouse", str(warehouse_file)]) == 3
    assert "is a file where a folder is needed" in capsys.readouterr().err
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    (feeds / "wholeplace.toml").write_text("[outturn\n")
    assert main(["build", "--feeds", str(feeds), "--warehouse", str(tmp_path / "w")]) == 2
    assert "wholeplace.toml cannot be read" in capsys.readouterr().err
    (tmp_path / "d.csv").write_text(
        "financial_year,gdp_deflator_index\n2024-25,100\n2025-26,1e400\n"
    )
    assert main(["ingest", str(tmp_path / "d.csv"), "--out", str(tmp_path / "out")]) == 1
    said = capsys.readouterr()
    assert "not a usable GDP deflator" in said.out + said.err and "Traceback" not in said.err


ENGINE_FEEDS = [c for c in FEEDS if c.engine_rules and reads_workbooks(c)]


@pytest.fixture(scope="module")
def demo_context():
    """The demo's reference data and the feeds the engine feeds' checks read, row by row."""
    context, _ = reference_context(DEMO_FEEDS_DIR)
    for name in ("settlements", "allocations"):
        context.feeds[name] = validate_feed(contract_named(name), DEMO_FEEDS_DIR, context).loaded
    return context


@pytest.mark.parametrize("contract", ENGINE_FEEDS, ids=[c.name for c in ENGINE_FEEDS])
def test_the_engine_loads_the_demo_as_the_row_by_row_path_does(contract, demo_context):
    import duckdb

    from orchestration.core.engine_validation import validate_in_engine

    row_by_row = validate_feed(contract, DEMO_FEEDS_DIR, demo_context)
    columns = ["source_file", "source_row"] + contract.columns
    with duckdb.connect() as con:
        in_engine = validate_in_engine(con, contract, DEMO_FEEDS_DIR, demo_context)
        as_text = ", ".join(f'cast("{c}" as varchar)' for c in columns)
        engine_rows = con.execute(f'select {as_text} from raw."{contract.table}"').fetchall()
    expected = row_by_row.loaded[columns].astype(object).where(row_by_row.loaded.notna(), None)
    expected_rows = [tuple(None if v is None else str(v) for v in r) for r in expected.values]
    assert len(engine_rows) > 0
    assert sorted(engine_rows, key=str) == sorted(expected_rows, key=str)
    assert sorted(map(str, in_engine.problems)) == sorted(map(str, row_by_row.problems))
    counts = [(f.file, f.rows_read, f.rows_loaded, f.rows_quarantined) for f in in_engine.files]
    assert counts == [
        (f.file, f.rows_read, f.rows_loaded, f.rows_quarantined) for f in row_by_row.files
    ]


@pytest.mark.parametrize(
    "years, missing",
    [
        (("2015-16", "2019-20"), "2017-18"),
        (("2019-20", "2016-17"), ""),
        (("2018-19", "2022-23"), ""),
    ],
)
def test_a_settlement_year_without_a_deflator_is_named_alike_on_both_paths(
    tmp_path, years, missing
):
    """Every year from first_year to last_year needs a deflator (not only the two named); with
    the years reversed, only the two named years are looked up."""
    import duckdb

    from orchestration.core.engine_validation import validate_in_engine

    (tmp_path / "reference").mkdir()
    (tmp_path / "settlements").mkdir()
    given = [y for y in range(2010, 2025) if y != 2017]
    (tmp_path / "reference" / "deflators.csv").write_text(
        "financial_year,gdp_deflator_index\n"
        + "".join(f"{y}-{(y + 1) % 100:02d},{y - 1930}\n" for y in given)
    )
    (tmp_path / "settlements" / "settlements.csv").write_text(
        "settlement_id,place_code,first_year,last_year,gain_share_rate\n"
        f"S1,E47000001,{years[0]},{years[1]},0.5\n"
    )
    contract = contract_named("settlements")
    context, _ = reference_context(tmp_path)
    row_by_row = validate_feed(contract, tmp_path, context)
    with duckdb.connect() as con:
        in_engine = validate_in_engine(con, contract, tmp_path, context)
    deflator = [str(p) for p in row_by_row.problems if p.rule == "deflator_year"]
    assert deflator == [str(p) for p in in_engine.problems if p.rule == "deflator_year"]
    if missing:
        assert deflator and deflator[0].startswith(
            f"settlements/settlements.csv row 2, column first_year, last_year: {missing} has no"
        )
    else:
        assert deflator == []
    assert sorted(map(str, in_engine.problems)) == sorted(map(str, row_by_row.problems))


def breaking_value(rule: AllowedValues | InRange) -> str:
    """A value the rule refuses, written as a feed would write it."""
    if isinstance(rule, AllowedValues):
        return "not-" + rule.values[0].replace(" ", "-")
    number = rule.low - 1 if rule.low is not None else rule.high + 1
    return str(int(number)) if float(number).is_integer() else str(number)


def demo_file_with(contract, changes: dict[str, str], feeds: Path) -> None:
    """The contract's first demo file, its first two rows only, the first with `changes` (column:
    value), written under `feeds`."""
    pattern = contract.file_name or "*.csv"
    source = sorted((DEMO_FEEDS_DIR / contract.folder).glob(pattern))[0]
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))[:2]
    rows[0].update(changes)
    target = feeds / contract.folder / source.name
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def both_paths(contract, feeds: Path, context):
    """(row by row, in the engine): the problems and accounting of one feed on both paths."""
    import duckdb

    from orchestration.core.engine_validation import validate_in_engine

    row_by_row = validate_feed(contract, feeds, context)
    with duckdb.connect() as con:
        return row_by_row, validate_in_engine(con, contract, feeds, context)


def engine_rules_of_type(kind) -> list:
    return [(c, r) for c in ENGINE_FEEDS for r in c.engine_rules if isinstance(r, kind)]


VALUE_RULES = engine_rules_of_type(AllowedValues | InRange)


@pytest.mark.parametrize(
    "contract, rule", VALUE_RULES, ids=[f"{c.name}-{r.column}" for c, r in VALUE_RULES]
)
def test_each_value_rule_sets_its_row_aside_alike_on_both_paths(
    contract, rule, demo_context, tmp_path
):
    """Every value rule of a feed the engine validates, broken in one row of its demo file: both
    paths name that column in the rule's words, and account for both rows."""
    feeds = tmp_path / "feeds"
    demo_file_with(contract, {rule.column: breaking_value(rule)}, feeds)
    row_by_row, in_engine = both_paths(contract, feeds, demo_context)
    broken = [p for p in in_engine.problems if p.column == rule.column]
    assert [rule.words in p.message for p in broken] == [True], [str(p) for p in broken]
    assert sorted(map(str, in_engine.problems)) == sorted(map(str, row_by_row.problems))
    for result in (row_by_row, in_engine):
        [report] = result.files
        assert (report.rows_read, report.rows_loaded + report.rows_quarantined) == (2, 2)


NEEDED_WHEN = engine_rules_of_type(NeededWhen)


@pytest.mark.parametrize("contract, rule", NEEDED_WHEN, ids=[c.name for c, _ in NEEDED_WHEN])
def test_a_value_without_the_columns_it_needs_is_set_aside_alike_on_both_paths(
    contract, rule, demo_context, tmp_path
):
    """A ratio indicator's value without its denominator: named in the first needed column with
    no value of its own, on both paths; with every needed column given, nothing is wrong."""
    given = {rule.when_column: rule.when_value, rule.given_column: "1"}
    for gap, expected in (({rule.needed[-1]: ""}, [rule.words]), ({}, [])):
        feeds = tmp_path / str(len(gap)) / "feeds"
        demo_file_with(contract, given | dict.fromkeys(rule.needed, "1") | gap, feeds)
        row_by_row, in_engine = both_paths(contract, feeds, demo_context)
        found = [p for p in in_engine.problems if p.rule == rule.rule]
        assert [(p.column, p.value, p.message) for p in found] == [
            (rule.needed[0], "", words) for words in expected
        ]
        assert sorted(map(str, in_engine.problems)) == sorted(map(str, row_by_row.problems))
        assert [p.value for p in row_by_row.problems if p.rule == rule.rule] == [""] * len(found)


EXEMPT_AREAS = [(c, r) for c, r in engine_rules_of_type(AreaExistedInYear) if r.exempt_prefixes]


@pytest.mark.parametrize("contract, rule", EXEMPT_AREAS, ids=[c.name for c, _ in EXEMPT_AREAS])
def test_an_exempt_code_is_accepted_and_any_other_non_authority_refused_on_both_paths(
    contract, rule, demo_context, tmp_path
):
    """A comparator (England, a region) is accepted as it is; a Welsh code is not an authority."""
    for code, expected in [(p + "000001", []) for p in rule.exempt_prefixes] + [
        ("W06000001", ["english_authority"])
    ]:
        feeds = tmp_path / code / "feeds"
        demo_file_with(contract, {rule.code_column: code}, feeds)
        row_by_row, in_engine = both_paths(contract, feeds, demo_context)
        found = [p.rule for p in in_engine.problems if p.column == rule.code_column]
        assert found == expected, code
        assert sorted(map(str, in_engine.problems)) == sorted(map(str, row_by_row.problems))


def _excel_row_of(path: Path, value: str) -> int:
    """The row Excel shows for the cell holding `value`: openpyxl's own row number for a
    workbook; for a CSV without quoted line breaks, Excel shows line N as row N."""
    if path.suffix == ".xlsx":
        import openpyxl

        sheet = openpyxl.load_workbook(path).active
        (row,) = [c.row for line in sheet.iter_rows() for c in line if str(c.value) == value]
        return row
    (row,) = [n for n, line in enumerate(path.read_text().splitlines(), 1) if value in line]
    return row


def _allocations_with_a_bad_amount(path: Path) -> None:
    lines = [
        "financial_year,department,funding_line,funding_line_name,area_code,budget_type,amount_gbp",
        "2025-26,DfE,DFE-AEB,Adult Education Budget,E47000001,resource,100",
        ",,,,,,",  # a blank line is not loaded but keeps its row number
        "2025-26,DfE,DFE-AEB,Adult Education Budget,E08000001,resource,-5",
    ]
    rows = [line.split(",") for line in lines]
    if path.suffix == ".xlsx":
        import openpyxl

        workbook = openpyxl.Workbook()
        for values in rows:
            workbook.active.append(values)
        workbook.save(path)
    else:
        path.write_text("\n".join(",".join(values) for values in rows) + "\n")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("path_taken", ["row by row", "in the engine"])
def test_a_problem_names_the_row_excel_shows(tmp_path, suffix, path_taken):
    """A finance officer who opens the file and goes to the row named lands on the bad value:
    rows are numbered as Excel numbers them (the header is row 1)."""
    import duckdb

    from orchestration.core.engine_validation import validate_in_engine

    feeds = tmp_path / "feeds"
    (feeds / "allocations").mkdir(parents=True)
    path = feeds / "allocations" / f"dept{suffix}"
    _allocations_with_a_bad_amount(path)
    contract = contract_named("allocations")
    context = cross_feed_context(feeds)
    if path_taken == "row by row":
        result = validate_feed(contract, feeds, context)
    else:
        with duckdb.connect() as con:
            result = validate_in_engine(con, contract, feeds, context)
    (problem,) = [p for p in result.problems if p.column == "amount_gbp"]
    assert problem.row == _excel_row_of(path, "-5") == 4
    assert f"allocations/dept{suffix} row 4, column amount_gbp" in str(problem)
