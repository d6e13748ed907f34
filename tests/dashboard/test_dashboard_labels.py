"""Column headers and tooltips from the snapshot's manifest (the marts' dbt ymls), and the
region of a place from the `places` mart, each with its fallback."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from dashboard_helpers import POOLED, assert_clean, run_app, table
from fake_snapshot import GM, WY, write_snapshot

from dashboards.components.tables import _column_config, shown
from dashboards.queries import regions
from dashboards.queries.snapshot import current_snapshot
from orchestration.core.dbt_manifest import ensure_dbt_manifest, published_marts
from orchestration.core.labels import DERIVED_LABELS

INTO_THE_POT = "Into the pot, cash (£)"


def test_headers_come_from_the_manifest_then_the_fallback_then_the_name(tmp_path: Path) -> None:
    write_snapshot(tmp_path, labels={"pooled_budget": {"contribution_gbp_nominal": INTO_THE_POT}})
    snap = current_snapshot(tmp_path)
    frame = pd.DataFrame(
        columns=["contribution_gbp_nominal", "funding_line_name", "lines_ever",
                 "other_gbp_nominal", "pot_gbp_real", "pv_costs_gbp_per_head"]
    )  # fmt: skip
    assert list(shown(frame, snap, "2024-25").columns) == [
        INTO_THE_POT,  # the manifest
        "Funding line",  # the yml's meta.label, as published
        "Lines ever",  # the name
        "Other nominal (£)",
        "Pot, real, 2024-25 prices (£)",  # the fallback list (a derived column)
        "PV costs per head (£)",
    ]


def test_every_published_mart_column_has_a_label() -> None:
    ensure_dbt_manifest()
    unlabelled = [
        f"{mart.name}.{column}"
        for mart in published_marts()
        for column in mart.columns
        if not mart.labels.get(column, "").strip()
    ]
    assert unlabelled == []


def test_the_fallback_list_holds_only_columns_no_mart_publishes() -> None:
    ensure_dbt_manifest()
    published = {column for mart in published_marts() for column in mart.columns}
    assert sorted(published & set(DERIVED_LABELS)) == []


def test_yml_descriptions_become_the_headers_tooltips(warehouse: Path) -> None:
    snap = current_snapshot(warehouse)
    described = snap.manifest["columns"]["intervention_cba"]["financial_roi"]
    assert "pv_fiscal / pv_costs" in described  # from dbt_project/models/marts/*.yml
    frame = shown(pd.DataFrame({"financial_roi": [1.5], "name": ["Falls"]}), snap)
    config = _column_config(frame)
    assert config["Financial ROI (£ per £1)"]["help"] == described
    assert "Intervention" not in config or not config["Intervention"].get("help")


def test_a_page_shows_the_manifest_header(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_snapshot(tmp_path, labels={"pooled_budget": {"contribution_gbp_nominal": INTO_THE_POT}})
    monkeypatch.setenv("WHOLEPLACE_WAREHOUSE", str(tmp_path))
    at = run_app(POOLED)
    assert_clean(at)
    contributions = table(at, INTO_THE_POT)
    assert len(contributions) == 4 + 1  # four lines and the total
    assert contributions["Settlement"].iloc[-1] == "Total"


def test_region_comes_from_the_places_mart_when_it_has_one(tmp_path: Path) -> None:
    write_snapshot(tmp_path, regions={GM: "Yorkshire and The Humber"})
    snap = current_snapshot(tmp_path)
    assert regions.place_region(snap, GM) == "Yorkshire and The Humber"  # the mart wins
    assert regions.place_region(snap, WY) is None  # published, but empty: no guessing


def test_region_is_most_members_region_in_the_places_mart(demo_warehouse: Path) -> None:
    snap = current_snapshot(demo_warehouse)
    assert regions.place_region(snap, GM) == "North West"
    assert regions.place_region(snap, "E47000013") == "East Midlands"  # 18 of 19 members
    assert regions.place_region(snap, "E47000017") == "East Midlands"  # 7 of 10 members


def test_no_region_when_the_places_mart_has_none(tmp_path: Path) -> None:
    write_snapshot(tmp_path, regions=None)
    assert regions.place_region(current_snapshot(tmp_path), GM) is None
