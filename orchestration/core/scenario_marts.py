"""A scenario's marts, computed from the published baseline (see scenario.py for why that is
exact), and `scenario_comparison`: place, year, measure, baseline, scenario, difference and the
difference per head. Money stays Decimal throughout, so a 0% scenario equals the baseline to the
penny and a 5% cut is 5% of each line, rounded to the penny."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from orchestration.core.errors import UsageError
from orchestration.core.export.snapshot import PublishedSnapshot
from orchestration.core.scenario import MEASURES, Change, Scenario

PENNY, TEN_THOUSANDTH = Decimal("0.01"), Decimal("0.0001")
SCENARIO_MARTS = ("pooled_budget", "whole_place_budget", "place_prevention_summary")


def baseline_frames(snap: PublishedSnapshot) -> dict[str, pd.DataFrame]:
    return {
        mart: pq.read_table(snap.marts[mart]).to_pandas()
        for mart in SCENARIO_MARTS
        if snap.has(mart)
    }


def _factor(changes: list[Change], department: str, line: str, year: str) -> Decimal:
    factor = Decimal(1)
    for change in changes:
        applies = change.department == department or change.funding_line == line
        if applies and (not change.years or year in change.years):
            factor *= (Decimal(100) + Decimal(str(change.percent))) / 100
    return factor


def _scaled(frame: pd.DataFrame, factors: pd.Series, columns: dict[str, Decimal]) -> pd.DataFrame:
    frame = frame.copy()
    changed = factors != 1
    for column, step in columns.items():
        frame.loc[changed, column] = [
            None if pd.isna(v) else (v * f).quantize(step, ROUND_HALF_UP)
            for v, f in zip(frame.loc[changed, column], factors[changed], strict=True)
        ]
    return frame


def _factors(frame: pd.DataFrame, changes: list[Change]) -> pd.Series:
    return pd.Series(
        [
            _factor(changes, d, line, y)
            for d, line, y in zip(
                frame["department"], frame["funding_line"], frame["financial_year"], strict=True
            )
        ],
        index=frame.index,
        dtype=object,
    )


def scenario_frames(scenario: Scenario, base: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    whole = base["whole_place_budget"]
    whole = _scaled(whole, _factors(whole, scenario.changes), {
        "amount_gbp_nominal": PENNY, "amount_gbp_real": PENNY,
        "amount_per_head_real": TEN_THOUSANDTH,
    })  # fmt: skip
    pot = base["pooled_budget"]
    pot = _scaled(pot, _factors(pot, scenario.changes), {
        "line_total_gbp_nominal": PENNY, "contribution_gbp_nominal": PENNY,
        "contribution_gbp_real": PENNY, "contribution_per_head_real": TEN_THOUSANDTH,
    })  # fmt: skip
    pot = _add_lines(_remove_lines(pot, scenario), whole, scenario)
    frames = {"pooled_budget": pot, "whole_place_budget": whole}
    if "place_prevention_summary" in base:
        frames["place_prevention_summary"] = _gain_share(base["place_prevention_summary"], scenario)
    return frames


def _remove_lines(pot: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    for line in scenario.removed:
        match = (pot["settlement_id"] == line.settlement_id) & (
            pot["funding_line"] == line.funding_line
        )
        if not match.any():
            raise UsageError(
                f"pot.remove: {line.funding_line} is not in the pot of {line.settlement_id}"
            )
        pot = pot[~match]
    return pot.reset_index(drop=True)


def _add_lines(pot: pd.DataFrame, whole: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    added = []
    for line in scenario.added:
        settlement = pot[pot["settlement_id"] == line.settlement_id]
        if settlement.empty:
            raise UsageError(f"pot.add: there is no settlement {line.settlement_id} in the pots")
        if (settlement["funding_line"] == line.funding_line).any():
            raise UsageError(f"pot.add: {line.funding_line} is already in {line.settlement_id}")
        place = settlement["place_code"].iloc[0]
        rows = whole[(whole["place_code"] == place) & (whole["funding_line"] == line.funding_line)
                     & whole["financial_year"].isin(set(settlement["financial_year"]))]  # fmt: skip
        if rows.empty:
            raise UsageError(
                f"pot.add: {place} receives no {line.funding_line} in {line.settlement_id}'s years"
            )
        added.append(_pot_rows(rows, line.settlement_id, line.pillar, Decimal(str(line.share))))
    return pd.concat([pot, *added], ignore_index=True) if added else pot


def _pot_rows(rows: pd.DataFrame, settlement: str, pillar: str, share: Decimal) -> pd.DataFrame:
    def part(column: str, step: Decimal) -> list:
        values = rows[column]
        return [None if pd.isna(v) else (v * share).quantize(step, ROUND_HALF_UP) for v in values]

    return pd.DataFrame({
        "settlement_id": settlement, "place_code": rows["place_code"].values,
        "place_name": rows["place_name"].values, "financial_year": rows["financial_year"].values,
        "financial_year_start": rows["financial_year_start"].values, "pillar": pillar,
        "department": rows["department"].values, "funding_line": rows["funding_line"].values,
        "funding_line_name": rows["funding_line_name"].values,
        "budget_type": rows["budget_type"].values, "share": float(share),
        "line_total_gbp_nominal": rows["amount_gbp_nominal"].values,
        "contribution_gbp_nominal": part("amount_gbp_nominal", PENNY),
        "contribution_gbp_real": part("amount_gbp_real", PENNY),
        "price_base_year": rows["price_base_year"].values,
        "population": rows["population"].values,
        "contribution_per_head_real": part("amount_per_head_real", TEN_THOUSANDTH),
        "is_synthetic": rows["is_synthetic"].values,
    })  # fmt: skip


def _gain_share(summary: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    summary = summary.copy()
    for settlement, rate in scenario.gain_share.items():
        match = summary["settlement_id"] == settlement
        if not match.any():
            raise UsageError(f"gain_share: no prevention savings fall in settlement {settlement}")
        summary.loc[match, "gain_share_rate"] = rate
        rate_d = Decimal(str(rate))
        summary.loc[match, "retained_by_place_gbp"] = [
            (local + rate_d * national).quantize(PENNY, ROUND_HALF_UP)
            for local, national in zip(
                summary.loc[match, "local_fiscal_gbp"],
                summary.loc[match, "national_cashable_gbp"],
                strict=True,
            )
        ]
    return summary


def _totals(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    sources = {
        "pot_gbp_nominal": ("pooled_budget", "contribution_gbp_nominal"),
        "whole_place_gbp_nominal": ("whole_place_budget", "amount_gbp_nominal"),
        "retained_by_place_gbp": ("place_prevention_summary", "retained_by_place_gbp"),
    }
    parts = []
    for measure, (mart, column) in sources.items():
        if mart in frames:
            totals = frames[mart].groupby(["place_code", "financial_year"])[column].sum()
            parts.append(totals.rename("value").reset_index().assign(measure=measure))
    return pd.concat(parts, ignore_index=True)


def comparison(base: dict[str, pd.DataFrame], scenario: dict[str, pd.DataFrame]) -> pd.DataFrame:
    keys = ["place_code", "financial_year", "measure"]
    joined = _totals(base).merge(_totals(scenario), on=keys, how="outer", suffixes=("_b", "_s"))
    whole = base["whole_place_budget"]
    places = whole.groupby("place_code")["place_name"].first()
    population = whole.groupby(["place_code", "financial_year"])["population"].max()
    frame = pd.DataFrame({
        "place_code": joined["place_code"],
        "place_name": joined["place_code"].map(places),
        "financial_year": joined["financial_year"],
        "measure": joined["measure"],
        "baseline_gbp": [Decimal(0) if pd.isna(v) else v for v in joined["value_b"]],
        "scenario_gbp": [Decimal(0) if pd.isna(v) else v for v in joined["value_s"]],
    })  # fmt: skip
    frame["difference_gbp"] = frame["scenario_gbp"] - frame["baseline_gbp"]
    heads = pd.Series(list(zip(frame["place_code"], frame["financial_year"], strict=True))).map(
        population
    )
    frame["population"] = heads.astype("Int64")
    frame["difference_per_head_gbp"] = [
        None if pd.isna(n) or not n else (d / Decimal(int(n))).quantize(TEN_THOUSANDTH)
        for d, n in zip(frame["difference_gbp"], frame["population"], strict=True)
    ]
    frame["measure_meaning"] = frame["measure"].map(MEASURES)
    return frame.sort_values(keys, ignore_index=True)


def write_scenario(
    snap: PublishedSnapshot, scenario: Scenario, scenario_file: Path, warehouse: Path
) -> tuple[Path, pd.DataFrame]:
    """The scenario's marts and comparison in WAREHOUSE/scenarios/<name>-<time>/."""
    base = baseline_frames(snap)
    frames = scenario_frames(scenario, base)
    compared = comparison(base, frames)
    now = dt.datetime.now(dt.UTC)
    folder = Path(warehouse) / "scenarios" / f"{scenario.name}-{now:%Y%m%dT%H%M%S}"
    building = folder.with_name(folder.name + ".partial")
    building.mkdir(parents=True)
    for name, frame in {**frames, "scenario_comparison": compared}.items():
        table = pa.Table.from_pandas(frame, preserve_index=False)
        pq.write_table(table, building / f"{name}.parquet")
    manifest = {
        "scenario": scenario.name,
        "description": scenario.description,
        "scenario_file": str(scenario_file),
        "scenario_file_sha256": hashlib.sha256(scenario_file.read_bytes()).hexdigest(),
        "created_at": now.isoformat(timespec="seconds"),
        "baseline_run_id": snap.manifest.get("run_id"),
        "baseline_snapshot": snap.folder.name,
        "price_base_year": snap.manifest.get("price_base_year"),
        "synthetic_inputs": bool(snap.manifest.get("synthetic_inputs")),
        "marts": {name: len(frame) for name, frame in frames.items()},
        "comparison_rows": len(compared),
    }
    (building / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str))
    building.rename(folder)
    return folder, compared
