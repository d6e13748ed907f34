"""benchmarks/validation_floor.py: its three commands run on a small generated feed, and its
per-row ratios divide growths (in words when the denominator did not grow). No timing is
asserted."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/ is not installed

from benchmarks import validation_floor  # noqa: E402
from benchmarks.run import Measure  # noqa: E402


def runs(wall: float, cpu: float) -> list[Measure]:
    return [Measure(wall, cpu, 2**30)]


def test_a_per_row_ratio_divides_the_growth_of_one_by_the_other():
    found = {
        1: {"v": runs(10.0, 8.0), "b": runs(1.0, 1.0)},
        2: {"v": runs(40.0, 20.0), "b": runs(11.0, 5.0)},
    }
    assert validation_floor.per_row(found, 1, 2, "v", "b", "wall_s") == "3.0x"
    assert validation_floor.per_row(found, 1, 2, "v", "b", "cpu_s") == "3.0x"


def test_a_floor_that_did_not_grow_gives_no_ratio():
    found = {
        1: {"v": runs(10.0, 8.0), "b": runs(1.0, 1.0)},
        2: {"v": runs(40.0, 20.0), "b": runs(1.0, 0.9)},
    }
    assert validation_floor.per_row(found, 1, 2, "v", "b", "wall_s") == "not measurable"


def test_the_three_commands_run_on_a_small_feed(tmp_path, capsys):
    assert validation_floor.main(["--sizes", "2000,4000", "--work", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "| 4,000 |" in printed and "(w) load floor" in printed
    for pair in ("| (v) / (b) |", "| (w) / (b) |", "| (v) / (w) |"):
        assert pair in printed
    loaded = tmp_path / "engine-4000.duckdb"  # the last command to write it was the load floor
    import duckdb

    with duckdb.connect(str(loaded), read_only=True) as con:
        (rows,) = con.execute("select count(*) from raw.spend_transactions").fetchone()
    assert rows == 4000  # the load floor keeps every row, bad ones too: it checks nothing
