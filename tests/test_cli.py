from orchestration.cli.main import main
from orchestration.core.paths import DEMO_FEEDS_DIR


def test_validate_a_good_file_exits_0(capsys):
    assert main(["validate", "allocations", str(DEMO_FEEDS_DIR / "allocations" / "dfe.csv")]) == 0
    said = capsys.readouterr().out
    assert "VALID" in said and "1,209 rows, 1,209 good, 0 problem(s)" in said  # counted as in Excel


def test_validate_prints_every_problem_and_exits_1(tmp_path, capsys):
    bad = tmp_path / "allocations.csv"
    bad.write_text(
        "financial_year,department,funding_line,funding_line_name,area_code,budget_type,"
        "amount_gbp\n"
        "2025-26,DfE,AEB,Adult Education Budget,E47000001,resource,-1\n"
        "2025/26,DfE,AEB,Adult Education Budget,E08000001,revenue,100\n",
        encoding="utf-8-sig",
    )
    assert main(["validate", "allocations", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "allocations.csv row 2, column amount_gbp" in out
    assert "allocations.csv row 3, column financial_year" in out
    assert "allocations.csv row 3, column budget_type" in out
    assert "3 problem(s)" in out


def test_usage_errors_exit_2(tmp_path, capsys):
    assert main(["build", "--price-base", "2024"]) == 2
    assert main(["build", "--feeds", str(tmp_path / "missing")]) == 2
    assert main(["validate", "no_such_feed", str(tmp_path)]) == 2
    assert "no feed called 'no_such_feed'" in capsys.readouterr().err


def test_the_terminal_writes_money_as_the_dashboard_does():
    """One formatter (orchestration/core/formatting.py): the summary's pots read like the
    dashboard's cards, including where rounding crosses into the next unit."""
    from orchestration.cli.summary import money
    from orchestration.core.formatting import format_gbp

    for value in (462_012_345.0, -2_000_000.0, 12_345.0, 999_999_999.0, 999_950_000.0):
        assert money(value) == format_gbp(value)
    assert money(999_999_999.0) == "£1.00bn"  # not £1,000.0m
    assert money(None) == "-"
