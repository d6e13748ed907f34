"""No file in the repository carries a leftover merge-conflict marker (two did once)."""

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MARKER = re.compile(r"^(<{7}|>{7}) ", re.MULTILINE)


def tracked_text_files() -> list[Path]:
    names = subprocess.run(
        ["git", "-C", str(REPO), "ls-files"], capture_output=True, text=True, check=True
    ).stdout.split()
    return [REPO / n for n in names if n.endswith((".py", ".md", ".sql", ".yml", ".toml"))]


def marked(text: str) -> bool:
    return bool(MARKER.search(text))


def test_no_tracked_file_has_a_merge_marker():
    assert [p.name for p in tracked_text_files() if p.exists() and marked(p.read_text())] == []


def test_a_marker_is_caught():
    assert marked("line\n" + "<" * 7 + " HEAD\nx\n" + "=" * 7 + "\ny\n" + ">" * 7 + " branch\n")
    assert not marked("a table row\n=======\n")
