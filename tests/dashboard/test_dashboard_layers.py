"""The dashboard's imports run one way: app and pages -> views -> components -> queries ->
formatting and palette. A module that needs something from a floor above has found a piece
that belongs lower down."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

DASHBOARDS = Path(__file__).resolve().parents[2] / "dashboards"

# Floors, top first; a module may import from its own floor or any floor below it.
FLOORS = {
    "app": 4,
    "pages": 4,
    "screenshot": 4,  # a developer tool that serves the app
    "views": 3,
    "components": 2,
    "queries": 1,
    "data": 1,  # an alias of queries.snapshot kept for tests/test_faults.py
    "formatting": 0,
    "palette": 0,
    "exports": 0,
}


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def floor(module: str) -> int | None:
    """The floor of `dashboards.X...`; None for the package itself or an unknown module."""
    parts = module.split(".")
    if len(parts) < 2:
        return None
    return FLOORS.get(parts[1])


def imports(path: Path, module: str, package: str) -> set[str]:
    """The modules of `package` that a file imports (absolute or relative)."""
    found = set()
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            found.add(stem)
            # `from dashboards import charts` imports the module dashboards.charts.
            found.update(f"{stem}.{alias.name}" for alias in node.names)
    return {m for m in found if m == package or m.startswith(package + ".")}


def import_graph(root: Path) -> dict[str, set[str]]:
    files = {module_name(p, root): p for p in sorted(root.rglob("*.py"))}
    graph = {}
    for module, path in files.items():
        # Keep only names that are modules (not `from dashboards.x import some_function`).
        graph[module] = {m for m in imports(path, module, root.name) if m in files} - {module}
    return graph


def problems(graph: dict[str, set[str]]) -> list[str]:
    """Every module outside a floor, every upward import and every cycle, as sentences."""
    found = []
    for module, targets in sorted(graph.items()):
        if floor(module) is None and module.count("."):
            found.append(f"{module} belongs to no floor (one of {sorted(FLOORS)})")
        for target in sorted(targets):
            if floor(module) is None or floor(target) is None:
                continue
            if floor(target) > floor(module):
                found.append(f"{module} (floor {floor(module)}) imports {target} upward")
    found += [f"import cycle: {' -> '.join(c)}" for c in cycles(graph)]
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each module that is on one (depth-first search)."""
    state: dict[str, int] = {}  # 1 on the current path, 2 finished
    path: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                found.append(path[path.index(target) :] + [target])
            elif target not in state:
                visit(target)
        path.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)
    return found


def test_dashboard_imports_run_one_way() -> None:
    graph = import_graph(DASHBOARDS)
    assert "dashboards.views.overview" in graph  # the walk found the pages
    assert problems(graph) == []


def _tree(tmp_path: Path, files: dict[str, str]) -> dict[str, set[str]]:
    root = tmp_path / "dashboards"
    for name, text in {"__init__.py": "", **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.parent / "__init__.py").touch()
        path.write_text(text, encoding="utf-8")
    return import_graph(root)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"components/charts.py": "from dashboards.views import overview\n",
             "views/overview.py": ""},
            "dashboards.components.charts (floor 2) imports dashboards.views.overview upward",
        ),
        (
            {"queries/budget.py": "from dashboards.components.tables import shown\n",
             "components/tables.py": "def shown(): ...\n"},
            "dashboards.queries.budget (floor 1) imports dashboards.components.tables upward",
        ),
        (
            {"palette.py": "from . import formatting\n",
             "formatting.py": "from dashboards import palette\n"},
            "import cycle: dashboards.formatting -> dashboards.palette -> dashboards.formatting",
        ),
        (
            {"ui.py": "PALETTE = []\n"},
            "dashboards.ui belongs to no floor",
        ),
    ],
)  # fmt: skip
def test_the_layer_check_fails_on_an_upward_import_a_cycle_or_a_stray(
    tmp_path: Path, files: dict[str, str], expected: str
) -> None:
    found = problems(_tree(tmp_path, files))
    assert any(p.startswith(expected) for p in found), found
