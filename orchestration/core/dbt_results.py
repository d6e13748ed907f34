"""dbt's verdict on a build, in sentences: which data test failed, on which model and column,
the first failing rows, and what the test means. Read from the run_results.json and manifest.json
dbt writes for the warehouse, with the failing rows queried from the working database."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.core.paths import WarehouseLayout

ROWS_SHOWN = 5
COLUMNS_SHOWN = 5

MEANING = {
    "not_null": "must have a value in every row; {n} row(s) have none",
    "unique": "must not repeat; {n} value(s) appear more than once",
    "relationships": "must exist in {to}; {n} row(s) point at nothing",
    "accepted_values": "must be one of the accepted values; {n} value(s) are not",
}


@dataclass
class DbtFailure:
    test: str  # dbt's name for the test, shown in brackets
    model: str  # "intermediate model int_prevention_unit_costs"
    column: str | None
    meaning: str
    rows: list[dict] = field(default_factory=list)

    def sentence(self) -> str:
        where = self.model + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.meaning} [dbt test: {self.test}]"

    def row_lines(self) -> list[str]:
        """The first failing rows, one line each, long values shortened."""
        return [
            ", ".join(f"{k}={_short(v)}" for k, v in row.items()) for row in self.rows[:ROWS_SHOWN]
        ]


def _short(value, width: int = 40) -> str:
    text = str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def _load(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _model_words(node: dict) -> str:
    layer = node.get("schema") or ""
    return f"{layer} model {node.get('name', '?')}".strip()


def _sample_query(test: dict, relation: str | None, compiled: str) -> str | None:
    metadata = test.get("test_metadata") or {}
    column = test.get("column_name")
    if relation and column and metadata.get("name") == "not_null":
        return f'select * from {relation} where "{column}" is null'
    if relation and column and metadata.get("name") == "unique":
        return (
            f'select "{column}", count(*) as rows_with_it from {relation} '
            f'group by "{column}" having count(*) > 1'
        )
    return compiled or None


def _sample_rows(database: Path | None, query: str | None) -> list[dict]:
    if not query or database is None or not database.exists():
        return []
    try:
        with duckdb.connect(str(database), read_only=True) as con:
            cursor = con.execute(f"select * from ({query}) as failing limit {ROWS_SHOWN}")
            names = [d[0] for d in cursor.description][:COLUMNS_SHOWN]
            return [
                {n: v for n, v in zip(names, row, strict=False) if v is not None}
                for row in cursor.fetchall()
            ]
    except duckdb.Error:  # the rows are a courtesy; the failure itself is already known
        return []


def failed_tests(layout: WarehouseLayout, engine: str) -> list[DbtFailure]:
    results = _load(layout.dbt_target(engine) / "run_results.json").get("results", [])
    nodes = _load(layout.dbt_target(engine) / "manifest.json").get("nodes", {})
    # Example rows are read from the working DuckDB database; a Spark build's tables are not there.
    database = layout.database if engine == "duckdb" else None
    failures = []
    for result in results:
        unique_id = result.get("unique_id", "")
        if result.get("status") not in ("fail", "error") or not unique_id.startswith("test."):
            continue
        test = nodes.get(unique_id, {})
        model = nodes.get(test.get("attached_node") or "", {})
        metadata = test.get("test_metadata") or {}
        kwargs = metadata.get("kwargs") or {}
        count = result.get("failures")
        template = test.get("description") or MEANING.get(
            metadata.get("name"), "failed on {n} row(s)"
        )
        meaning = template.format(n=count if count is not None else "some", to=kwargs.get("to"))
        if result.get("status") == "error":
            meaning = f"could not be run: {(result.get('message') or '').splitlines()[0]}"
        query = _sample_query(test, model.get("relation_name"), result.get("compiled_code", ""))
        failures.append(
            DbtFailure(
                test=test.get("name", unique_id),
                model=_model_words(model) if model else "a dbt test",
                column=test.get("column_name"),
                meaning=meaning,
                rows=_sample_rows(database, query),
            )
        )
    return failures


def failed_models(layout: WarehouseLayout, engine: str) -> list[str]:
    """Models and seeds dbt could not build, each with the first line of dbt's message."""
    results = _load(layout.dbt_target(engine) / "run_results.json").get("results", [])
    return [
        f"{r['unique_id'].split('.')[-1]}: {(r.get('message') or 'failed').splitlines()[0]}"
        for r in results
        if r.get("status") == "error" and not r.get("unique_id", "").startswith("test.")
    ]
