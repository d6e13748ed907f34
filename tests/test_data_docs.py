"""The Great Expectations audit of the published snapshot: its counts in the manifest, its Data
Docs readable offline, and failures it must catch (a reconciliation between marts stops the
publish; a broken key or a float where money should be a decimal is reported)."""

from __future__ import annotations

import json
import re
import shutil
from decimal import Decimal
from importlib import resources
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from orchestration.core.audit import audit_snapshot
from orchestration.core.errors import PublishBlocked
from orchestration.core.paths import WarehouseLayout
from orchestration.core.publish import publish_snapshot

REMOTE_ASSET = re.compile(
    r"<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.IGNORECASE
)


def remote_assets(html: str) -> list[str]:
    """Every script or stylesheet the page would fetch from the network."""
    return REMOTE_ASSET.findall(html)


def test_the_manifest_counts_the_expectations(demo_manifest):
    quality = demo_manifest["data_quality"]
    assert quality["tool"].startswith("great_expectations 1.")
    assert quality["expectations"] > 100
    assert quality["passed"] + quality["failed"] == quality["expectations"]
    assert quality["blocking_failed"] == 0
    assert quality["data_docs"] == "data_docs/index.html"


def test_the_data_docs_are_in_the_snapshot_and_open_offline(demo_warehouse, demo_manifest):
    page = demo_warehouse / "published" / "data_docs" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert remote_assets(html) == []
    assert "<script" not in html.lower()
    assert demo_manifest["run_id"] in html
    assert "Synthetic demo data" in html
    assert f"Expectations run: <strong>{demo_manifest['data_quality']['expectations']}" in html
    assert "reconciliation: pooled_budget = pot in settlement_checks" in html
    raw = json.loads((page.parent / "validation_results.json").read_text())
    assert "pooled_budget" in raw


def test_the_offline_test_catches_gx_default_data_docs():
    """GX's own page template loads Bootstrap and jQuery from CDNs: the check must see them."""
    templates = resources.files("great_expectations") / "render" / "view" / "templates"
    default = (templates / "page.j2").read_text() + (templates / "js_script_imports.j2").read_text()
    assert len(remote_assets(default)) >= 3


def _copy_snapshot(demo_warehouse: Path, tmp_path: Path) -> tuple[Path, dict]:
    folder = tmp_path / "snapshot"
    shutil.copytree((demo_warehouse / "published").resolve(), folder)
    return folder, json.loads((folder / "manifest.json").read_text())["marts"]


def _rewrite(folder: Path, mart: str, sql: str) -> None:
    path = folder / f"{mart}.parquet"
    # a connection of its own: another test may have left a result open on duckdb's default one
    with duckdb.connect() as con:
        result = con.sql(sql.replace("MART", f"'{path.as_posix()}'")).arrow()
        pq.write_table(result.read_all() if hasattr(result, "read_all") else result, path)


GM_AEB = (
    "settlement_id = 'GMCA-IS-2025' and financial_year = '2025-26' "
    "and funding_line = 'DFE-AEB' and budget_type = 'resource'"
)


def test_a_pot_line_that_does_not_reconcile_is_a_blocking_failure(demo_warehouse, tmp_path):
    folder, marts = _copy_snapshot(demo_warehouse, tmp_path)
    _rewrite(
        folder,
        "pooled_budget",
        f"select * replace (case when {GM_AEB} then contribution_gbp_nominal + 5000 "
        "else contribution_gbp_nominal end as contribution_gbp_nominal) from MART",
    )
    result = audit_snapshot(folder, marts)
    assert {o.asset for o in result.blocking_failures} == {
        "reconciliation: pooled_budget = pot in settlement_checks",
        "reconciliation: whole_place_budget pooled = pooled_budget",
        "reconciliation: pot_by_member_area = pooled_budget",
    }
    assert all(o.unexpected_count == 1 for o in result.blocking_failures)
    assert result.counts["blocking_failed"] == 3


def test_a_check_pot_that_does_not_match_the_lines_is_a_blocking_failure(demo_warehouse, tmp_path):
    folder, marts = _copy_snapshot(demo_warehouse, tmp_path)
    _rewrite(
        folder,
        "settlement_checks",
        f"select * replace (case when \"check\" = 'pot_matches_announced_total' and {GM_AEB} "
        "then actual_gbp - 2 else actual_gbp end as actual_gbp) from MART",
    )
    result = audit_snapshot(folder, marts)
    assert {o.asset for o in result.blocking_failures} == {
        "reconciliation: pooled_budget = pot in settlement_checks"
    }


def test_a_difference_within_a_pound_is_rounding(demo_warehouse, tmp_path):
    folder, marts = _copy_snapshot(demo_warehouse, tmp_path)
    _rewrite(
        folder,
        "settlement_checks",
        f"select * replace (case when \"check\" = 'pot_matches_announced_total' and {GM_AEB} "
        "then actual_gbp - 0.5 else actual_gbp end as actual_gbp) from MART",
    )
    assert audit_snapshot(folder, marts).blocking_failures == []


def test_a_duplicate_key_and_float_money_are_reported_not_blocking(demo_warehouse, tmp_path):
    folder, marts = _copy_snapshot(demo_warehouse, tmp_path)
    _rewrite(folder, "places", "select * from MART union all (select * from MART limit 1)")
    path = folder / "place_spend_by_service.parquet"
    table = pq.read_table(path)
    index = table.schema.get_field_index("amount_gbp_real")
    floats = table.column(index).cast(pa.float64())
    pq.write_table(table.set_column(index, "amount_gbp_real", floats), path)
    result = audit_snapshot(folder, marts)
    failed = {(o.asset, o.expectation, o.columns) for o in result.outcomes if not o.success}
    assert ("places", "expect_column_values_to_be_unique", "place_code") in failed
    assert (
        "place_spend_by_service",
        "expect_column_values_to_be_of_type",
        "amount_gbp_real",
    ) in failed
    assert result.blocking_failures == []


def test_a_share_above_one_and_a_bad_year_are_reported(demo_warehouse, tmp_path):
    folder, marts = _copy_snapshot(demo_warehouse, tmp_path)
    _rewrite(
        folder,
        "pooled_budget",
        "select * replace (case when row_number() over () = 1 then 1.5 else share end as share, "
        "case when row_number() over () = 2 then '2025/26' else price_base_year end "
        "as price_base_year) from MART",
    )
    result = audit_snapshot(folder, marts)
    failed = {(o.expectation, o.columns) for o in result.outcomes if not o.success}
    assert ("expect_column_values_to_be_between", "share") in failed
    assert ("expect_column_values_to_match_regex", "price_base_year") in failed


def test_a_publish_whose_marts_do_not_reconcile_is_refused(demo_warehouse, tmp_path):
    """The working database with one pot line changed after dbt: publish must not swap."""
    database = tmp_path / "copy.duckdb"
    shutil.copy(demo_warehouse / "work" / "wholeplace.duckdb", database)
    con = duckdb.connect(str(database))
    con.execute(
        "update marts.pooled_budget set contribution_gbp_nominal = contribution_gbp_nominal "
        "+ cast(5000 as decimal(18, 2)) where rowid = (select min(rowid) from marts.pooled_budget)"
    )
    layout = WarehouseLayout(tmp_path / "warehouse")
    with pytest.raises(PublishBlocked, match="do not reconcile"):
        publish_snapshot(con, layout, "tampered-run", "2024-25", tmp_path)
    con.close()
    assert not layout.published.exists()
    assert list(layout.snapshots_dir.iterdir()) == []


def test_money_in_the_snapshot_is_decimal(demo_warehouse):
    """What the type expectation relies on: Parquet decimals arrive in pandas as Decimal."""
    frame = pq.read_table(demo_warehouse / "published" / "pooled_budget.parquet").to_pandas()
    assert isinstance(frame["contribution_gbp_nominal"].iloc[0], Decimal)


def test_a_place_appraisal_that_is_not_the_sum_of_its_interventions_is_blocking(
    demo_warehouse, tmp_path
):
    folder, marts = _copy_snapshot(demo_warehouse, tmp_path)
    if "place_appraisal" not in marts:
        pytest.skip("place_appraisal is not published in this snapshot")
    assert audit_snapshot(folder, marts).blocking_failures == []
    _rewrite(
        folder,
        "place_appraisal",
        "select * replace (case when place_code = 'E47000001' then pv_costs_gbp + 5000 "
        "else pv_costs_gbp end as pv_costs_gbp) from MART",
    )
    result = audit_snapshot(folder, marts)
    assert {o.asset for o in result.blocking_failures} == {
        "reconciliation: place_appraisal = sum of its interventions"
    }


def test_an_unchanged_mart_keeps_its_earlier_results_and_a_changed_one_is_validated(
    demo_warehouse, tmp_path
):
    folder, marts = _copy_snapshot(demo_warehouse, tmp_path)
    first = audit_snapshot(folder, marts)
    assert len(first.validated) == len(first.reusable) > len(marts)  # marts + reconciliations
    saved = json.loads(json.dumps(first.reusable, default=str))  # as the publish saves them
    again = audit_snapshot(folder, marts, saved)
    assert again.validated == []
    assert again.outcomes == first.outcomes
    assert json.dumps(again.raw, default=str) == json.dumps(first.raw, default=str)

    _rewrite(folder, "places", "select * from MART union all (select * from MART limit 1)")
    changed = audit_snapshot(folder, marts, saved)
    assert changed.validated == ["places"]  # the place codes the others are checked against hold
    assert [o.expectation for o in changed.outcomes if not o.success] == [
        "expect_column_values_to_be_unique"
    ]
