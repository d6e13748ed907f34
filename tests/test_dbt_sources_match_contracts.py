"""The feed contracts in schemas/ are the one list of feeds and their columns: dbt's sources
(`dbt_project/models/staging/_sources.yml`) must name exactly those, or a staging model could
read a column no contract checks, or a new feed could reach the warehouse without a source."""

import copy
from pathlib import Path

import pytest
import yaml

from schemas import FEEDS, REFERENCE_CONTRACTS

SOURCES = (
    Path(__file__).resolve().parents[1] / "dbt_project" / "models" / "staging" / "_sources.yml"
)
LINEAGE = ["source_file", "source_row"]
# Written by the inbox asset, not a feed: it has no contract.
NOT_FEEDS = {"inbox_files"}


def declared() -> dict[str, dict[str, list[str]]]:
    """source name -> table identifier -> columns, as the contracts declare them."""
    return {
        "feeds": {c.table: LINEAGE + c.columns for c in FEEDS},
        "reference_overrides": {c.table: LINEAGE + c.columns for c in REFERENCE_CONTRACTS},
    }


def listed(sources: dict) -> dict[str, dict[str, list[str]]]:
    found: dict[str, dict[str, list[str]]] = {}
    for source in sources["sources"]:
        tables = found.setdefault(source["name"], {})
        for table in source["tables"]:
            if source["name"] == "feeds" and table["name"] in NOT_FEEDS:
                continue
            identifier = table.get("identifier", table["name"])
            tables[identifier] = [c["name"] for c in table.get("columns", [])]
    return found


def differences(sources: dict) -> list[str]:
    want, have = declared(), listed(sources)
    problems = []
    for source, tables in want.items():
        got = have.get(source, {})
        for table in sorted(set(tables) - set(got)):
            problems.append(f"{source}.{table}: a contract declares it, _sources.yml does not")
        for table in sorted(set(got) - set(tables)):
            problems.append(f"{source}.{table}: in _sources.yml but no contract declares it")
        for table in sorted(set(tables) & set(got)):
            if tables[table] != got[table]:
                problems.append(
                    f"{source}.{table}: columns {got[table]} != contract {tables[table]}"
                )
    return problems


def load() -> dict:
    return yaml.safe_load(SOURCES.read_text())


def test_dbt_sources_list_exactly_the_contracts_feeds_and_columns():
    assert differences(load()) == []


def _drop_feed(sources):
    feeds = next(s for s in sources["sources"] if s["name"] == "feeds")
    feeds["tables"] = [t for t in feeds["tables"] if t["name"] != "settlement_totals"]


def _drop_column(sources):
    feeds = next(s for s in sources["sources"] if s["name"] == "feeds")
    table = next(t for t in feeds["tables"] if t["name"] == "line_totals")
    table["columns"] = [c for c in table["columns"] if c["name"] != "source"]


def _extra_feed(sources):
    feeds = next(s for s in sources["sources"] if s["name"] == "feeds")
    feeds["tables"].append({"name": "unchecked", "columns": [{"name": "x"}]})


def _drop_reference(sources):
    overrides = next(s for s in sources["sources"] if s["name"] == "reference_overrides")
    overrides["tables"] = [t for t in overrides["tables"] if t["name"] != "membership"]


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (_drop_feed, "feeds.settlement_totals: a contract declares it"),
        (_drop_column, "feeds.line_totals: columns"),
        (_extra_feed, "feeds.unchecked: in _sources.yml but no contract"),
        (_drop_reference, "reference_overrides.reference_membership: a contract declares it"),
    ],
)
def test_a_mutated_copy_of_the_sources_fails(mutate, expected):
    sources = copy.deepcopy(load())
    mutate(sources)
    problems = differences(sources)
    assert any(expected in p for p in problems), problems
