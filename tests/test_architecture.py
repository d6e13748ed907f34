"""The floors (docs/architecture.md): imports run one way, command line -> Dagster definitions ->
core library -> feed contracts, and no module imports itself round a circle. The dashboard reads
the published snapshot and may use the core library and the contracts, never the floors above;
the tools (demo generators, docs generator, screenshot) may use anything and nothing uses them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("orchestration", "schemas", "dashboards")

# Higher floors may import lower ones, never the other way.
FLOORS = [
    ("schemas", 0),
    ("orchestration.core", 1),
    ("orchestration.defs", 2),
    ("orchestration.definitions", 2),
    ("orchestration.cli", 3),
]
MAY_IMPORT = {
    "dashboards": {"dashboards", "orchestration.core", "schemas"},
    "orchestration.tools": None,  # anything
}


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(root: Path) -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            found[module_name(path, root)] = path
    return found


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """Every project module this one imports, at the top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph(root: Path) -> dict[str, set[str]]:
    found = modules(root)
    known = set(found)
    graph = {}
    for name, path in found.items():
        edges = imports_of(name, path, known)
        # `from package import submodule` names the package too; keep only the submodule.
        graph[name] = {e for e in edges if not any(o.startswith(e + ".") for o in edges)} or edges
    return graph


def floor(name: str) -> int | None:
    for prefix, level in FLOORS:
        if name == prefix or name.startswith(prefix + "."):
            return level
    return None


def area(name: str) -> str | None:
    for prefix in MAY_IMPORT:
        if name == prefix or name.startswith(prefix + "."):
            return prefix
    return None


def within(name: str, prefixes: set[str]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    wrong = []
    for source, targets in graph.items():
        for target in targets:
            if area(target) == "orchestration.tools" and area(source) != "orchestration.tools":
                wrong.append(f"{source} imports the tool {target}")
            allowed = MAY_IMPORT.get(area(source) or "", "floors")
            if allowed is None:
                continue
            if allowed != "floors":
                if not within(target, allowed):
                    wrong.append(f"{source} may not import {target}")
                continue
            if area(target) == "dashboards":
                wrong.append(f"{source} imports the dashboard module {target}")
            here, there = floor(source), floor(target)
            if here is not None and there is not None and there > here:
                wrong.append(f"{source} (floor {here}) imports {target} (floor {there})")
    return sorted(wrong)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_every_import_runs_down_the_floors():
    assert upward_imports(import_graph(REPO)) == []


def test_no_module_imports_itself_round_a_circle():
    assert cycles(import_graph(REPO)) == []


def test_every_orchestration_module_sits_on_a_floor():
    unplaced = [
        name
        for name in modules(REPO)
        if name.startswith("orchestration.") and floor(name) is None and area(name) is None
    ]
    assert unplaced == []


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for package in PACKAGES:
        (tmp_path / package).mkdir(exist_ok=True)
    return tmp_path


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (  # the core library reaching up to the command line
            {"orchestration/core/lock.py": "from orchestration.cli.output import EXIT_OK\n"},
            "orchestration.core.lock (floor 1) imports orchestration.cli.output (floor 3)",
        ),
        (  # a Dagster asset importing a command module, hidden inside a function
            {"orchestration/defs/inbox.py": "def f():\n    from orchestration.cli import ingest\n"},
            "orchestration.defs.inbox (floor 2) imports orchestration.cli.ingest (floor 3)",
        ),
        (  # production code importing a demo generator
            {"orchestration/core/adapters/unit_costs.py": "import orchestration.tools.seeds\n"},
            "orchestration.core.adapters.unit_costs imports the tool orchestration.tools.seeds",
        ),
        (  # a contract importing the loader
            {"schemas/allocations.py": "from orchestration.core import load_feeds\n"},
            "schemas.allocations (floor 0) imports orchestration.core.load_feeds (floor 1)",
        ),
        (  # the dashboard importing Dagster definitions
            {"dashboards/data.py": "from orchestration.defs import feeds\n"},
            "dashboards.data may not import orchestration.defs.feeds",
        ),
    ],
)
def test_an_upward_import_is_caught(tmp_path, files, expected):
    files = {
        **files,
        "orchestration/cli/output.py": "",
        "orchestration/cli/ingest.py": "",
        "orchestration/tools/seeds.py": "",
        "orchestration/core/load_feeds.py": "",
        "orchestration/defs/feeds.py": "",
    }
    assert expected in upward_imports(import_graph(_tree(tmp_path, files)))


def test_a_circle_is_caught(tmp_path):
    root = _tree(
        tmp_path,
        {
            # today's circle before the floors: the CLI and the build importing each other
            "orchestration/cli/main.py": "def run():\n    from orchestration.cli.build import go\n",
            "orchestration/cli/build.py": "from orchestration.cli.main import EXIT_OK\n",
        },
    )
    assert cycles(import_graph(root)) == [["orchestration.cli.build", "orchestration.cli.main"]]
