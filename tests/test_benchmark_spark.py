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
