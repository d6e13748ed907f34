import re
import subprocess
from dataclasses import replace

import pytest
from dagster import AssetKey

from orchestration.definitions import defs, resources
from schemas import FEEDS


def test_definitions_load_with_the_whole_asset_graph():
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    for expected in [
        "raw/allocations",
        "raw/settlements",
        "raw/pooling_agreements",
        "marts/pooled_budget",
        "marts/settlement_checks",
        "published_snapshot",
    ]:
        assert expected in keys


def test_publish_waits_for_every_mart_and_marts_wait_for_feeds():
    graph = defs.resolve_asset_graph()
    publish_parents = graph.get(AssetKey(["published_snapshot"])).parent_keys
    assert AssetKey(["marts", "whole_place_budget"]) in publish_parents
    staging = graph.get(AssetKey(["staging", "stg_feeds__allocations"])).parent_keys
    assert AssetKey(["raw", "allocations"]) in staging


def test_feed_contract_checks_are_blocking():
    checks = list(defs.resolve_asset_graph().asset_check_keys)
    contract_checks = [c for c in checks if c.name == "contract"]
    assert len(contract_checks) >= 5
    for key in contract_checks:
        spec = defs.resolve_asset_graph().get_check_spec(key)
        assert spec.blocking, key


def test_the_dbt_resource_knows_the_version_dbt_itself_reports():
    """The build's dbt resource reads dbt's version from the installed package instead of
    running `dbt --version` before each invocation: the two must agree."""
    dbt = resources()["dbt"]
    reported = subprocess.run([dbt.dbt_executable, "--version"], capture_output=True, text=True)
    core = re.search(r"installed:\s*(\d+\.\d+\.\d+)", reported.stdout)
    assert core, reported.stdout
    assert str(dbt._cli_version) == core.group(1)


def test_the_payments_are_partitioned_by_financial_year_and_dbt_is_one_step():
    """`dagster dev` shows the years of the deflator series as the payments feed's partitions;
    every other asset reads every year. Every dbt model is in one step, so a build starts dbt
    once, and it waits for every feed's checks: a blocking problem anywhere stops it."""
    from orchestration.core.payment_years import YEARS
    from orchestration.defs.warehouse import warehouse_models

    graph = defs.resolve_asset_graph()
    partitioned = {
        key.to_user_string(): graph.get(key).partitions_def.get_partition_keys()
        for key in graph.get_all_asset_keys()
        if graph.get(key).partitions_def
    }
    assert list(partitioned) == ["raw/spend_transactions"]
    assert partitioned["raw/spend_transactions"] == list(YEARS)
    assert YEARS[0] == "2000-01" and "2024-25" in YEARS and YEARS[-1] == "2030-31"
    models = {
        k for k in graph.get_all_asset_keys() if k.path[0] in ("staging", "intermediate", "marts")
    }
    assert models and models <= set(warehouse_models.keys)
    feeds = {AssetKey(["raw", contract.name]) for contract in FEEDS}  # each after the overrides
    upstream = {d for k in warehouse_models.keys for d in graph.get(k).parent_keys}
    assert feeds <= upstream
    mart = graph.get(AssetKey(["marts", "place_spend_by_funding_line"]))
    assert AssetKey(["intermediate", "int_payments_by_file"]) in mart.parent_keys


def test_a_build_refuses_a_feed_contract_not_validated_in_the_engine():
    """Every feed asset validates in the engine; a contract still row by row cannot slip in."""
    from orchestration.defs.feeds import _in_engine

    assert _in_engine(FEEDS[0]) is FEEDS[0]
    with pytest.raises(ValueError, match=f"{FEEDS[0].name}: a build validates every feed"):
        _in_engine(replace(FEEDS[0], validated_in_engine=False))
