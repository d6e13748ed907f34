"""benchmarks/spark.py rewrites only its own section of benchmarks/RESULTS.md, which
benchmarks/run.py and people also write."""

import sys
from pathlib import Path

# benchmarks/ is run as `python -m benchmarks.spark` from the repository, not installed
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.spark import SECTION, replace_section  # noqa: E402


def test_the_spark_section_is_added_at_the_end(tmp_path):
    results = tmp_path / "RESULTS.md"
    results.write_text("# Scale benchmark\n\n| a |\n")
    replace_section(results, f"{SECTION}\n\nfirst\n")
    assert results.read_text() == f"# Scale benchmark\n\n| a |\n\n{SECTION}\n\nfirst\n"


def test_the_spark_section_is_replaced_and_the_sections_after_it_kept(tmp_path):
    results = tmp_path / "RESULTS.md"
    results.write_text(f"# Scale\n\n{SECTION}\n\nold figures\n\n## Against the targets\n\nkept\n")
    replace_section(results, f"{SECTION}\n\nnew figures\n")
    text = results.read_text()
    assert "old figures" not in text
    assert text == f"# Scale\n\n{SECTION}\n\nnew figures\n\n## Against the targets\n\nkept\n"


def test_a_ratio_over_a_difference_lost_in_the_noise_is_said_in_words():
    from benchmarks.spark import over_fixed_cost

    assert over_fixed_cost({"d0": 10.0, "d": 12.0, "s0": 100.0, "s": 120.0}) == "10.0x"
    lost = over_fixed_cost({"d0": 32.0, "d": 29.8, "s0": 176.4, "s": 245.9})
    assert lost.startswith("not measurable") and "69.5 s on Spark" in lost
    # a hair's difference on DuckDB, and Spark's payments run faster than its empty run
    assert over_fixed_cost({"d0": 5.1, "d": 5.12, "s0": 19.8, "s": 30.0}).startswith("not")
    assert over_fixed_cost({"d0": 5.1, "d": 9.0, "s0": 19.8, "s": 17.5}).startswith("not")


def test_the_cpu_of_a_process_nobody_waits_for_is_counted(tmp_path):
    """A grandchild that outlives its parent (as Spark's JVM does dbt) is never waited for: only
    the /proc sampling sees its CPU time. The grandchild burns a second of CPU, says so in a
    file, and sleeps on; its parent exits once the file is there, without waiting for it."""
    from benchmarks.run import measure

    marker = tmp_path / "burned"
    burn = (
        "import time, pathlib; t = time.process_time()\n"
        "while time.process_time() - t < 1.0: pass\n"
        f"pathlib.Path({str(marker)!r}).touch(); time.sleep(2)"
    )
    parent = (
        "import subprocess, sys, time, pathlib\n"
        f"subprocess.Popen([sys.executable, '-c', {burn!r}])\n"
        f"while not pathlib.Path({str(marker)!r}).exists(): time.sleep(0.05)\n"
        "time.sleep(0.3)"
    )
    assert measure([sys.executable, "-c", parent]).cpu_s >= 0.9


def test_whole_builds_are_tabled_with_each_engines_demo_build_taken_off():
    from benchmarks.run import Measure
    from benchmarks.spark import whole_build_table

    def runs(*walls):
        return [Measure(wall, wall / 2, 1024**3) for wall in walls]

    found = {
        "D0": runs(30, 31, 29),
        "S0": runs(150, 160, 170),
        "D": runs(50, 40, 60),
        "S": runs(400, 410, 390),
    }
    table = whole_build_table(10_000_000, found, 3)
    assert "| DuckDB | 30.0 s (15.0) | 1.00 GB | 50.0 s (25.0) | 1.00 GB |" in table
    assert "| Spark local[2] | 160.0 s (80.0) | 1.00 GB | 400.0 s (200.0) | 1.00 GB |" in table
    # (400 - 160) / (50 - 30) = 12.0; whole builds 400 / 50 = 8.0
    assert "8.0x wall" in table and "12.0x wall, 12.0x CPU" in table


def test_the_roll_up_runs_every_model_between_the_payments_and_the_mart():
    """Left out, a model in between is not rerun, and the mart is rebuilt from what it kept from
    the last build: the roll-up would be timed without summing a single payment."""
    import json

    from benchmarks.spark import MODELS
    from orchestration.core.dbt_manifest import ensure_dbt_manifest
    from orchestration.core.paths import DBT_PROJECT_DIR

    ensure_dbt_manifest()
    manifest = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text())
    parents = {
        node["name"]: [
            manifest["nodes"][p]["name"]
            for p in node["depends_on"]["nodes"]
            if p in manifest["nodes"]
        ]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
    }
    first, *_, last = MODELS.split()

    def leads_to_first(model: str) -> bool:
        return model == first or any(leads_to_first(p) for p in parents.get(model, []))

    def ancestors(model: str) -> set[str]:
        found = set(parents.get(model, []))
        return found.union(*(ancestors(p) for p in parents.get(model, [])))

    between = {m for m in ancestors(last) | {last} if leads_to_first(m)}
    assert between == set(MODELS.split())
