"""The independent audit of what was published: a Great Expectations suite run on the snapshot's
own Parquet files (as pandas frames; GX's SQL path to DuckDB has open bugs) after every publish.
Pandera stays the blocking gate on the feeds; this checks the marts as a reader receives them.

The suite is derived from the snapshot itself: each mart's grain (from the manifest) must be
unique, money columns (named `_gbp`, per head) hold finite decimals, shares lie in [0, 1],
financial years are written like 2025-26, every place_code is a published place. Then the
marts must reconcile with each other; only a reconciliation proves the snapshot wrong, so only
those failures stop the publish, the rest are reported.

GX costs about a second per mart. A mart whose rows and expectations are exactly those of a
previous audit (same fingerprint: its data, its expectations, this module and GX's version) keeps
that audit's results instead of being validated again: after one more month of payments only the
payments mart changes, and the other marts' results are the ones they had."""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import threading
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

MONEY_LIMIT_GBP = 1e15  # no public budget line comes near a quadrillion pounds: beyond is junk
RECONCILE_TOLERANCE_GBP = 1.0  # the marts round each line to pennies; sums may differ by pence
YEAR_PATTERN = r"^\d{4}-\d{2}$"
YEAR_COLUMNS = ("financial_year", "first_year", "last_year", "start_year", "price_base_year")
SHARE_COLUMNS = ("share", "pooled_share", "gain_share_rate", "population_share_reporting")
RECONCILIATIONS = "reconciliation"  # the prefix of every derived, blocking asset


def is_money(column: str) -> bool:
    return column.endswith("_gbp") or "_gbp_" in column or "per_head" in column


@dataclass(frozen=True)
class Outcome:
    """One expectation's result, in words a reader of the Data Docs can act on."""

    asset: str
    expectation: str
    columns: str
    success: bool
    blocking: bool
    unexpected_count: int | None
    examples: list = field(default_factory=list)
    observed: str = ""


@dataclass(frozen=True)
class AuditResult:
    outcomes: list[Outcome]
    gx_version: str
    raw: dict  # GX's own validation results, per asset, as JSON
    # asset -> its fingerprint, GX's results and the outcomes: what a later audit may reuse
    reusable: dict = field(default_factory=dict)
    validated: list[str] = field(default_factory=list)  # the assets GX validated this time

    @property
    def counts(self) -> dict[str, int]:
        failed = [o for o in self.outcomes if not o.success]
        return {
            "expectations": len(self.outcomes),
            "passed": len(self.outcomes) - len(failed),
            "failed": len(failed),
            "blocking_failed": sum(o.blocking for o in failed),
        }

    @property
    def blocking_failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.blocking and not o.success]


def read_marts(folder: Path, marts: dict[str, dict]) -> dict[str, pd.DataFrame]:
    """Each mart as pandas reads it from the snapshot (decimals stay Python Decimals)."""
    return {name: pq.read_table(folder / e["file"]).to_pandas() for name, e in marts.items()}


def audit_snapshot(
    folder: Path, marts: dict[str, dict], reusable: dict | None = None
) -> AuditResult:
    """`reusable` is an earlier audit's AuditResult.reusable (as read back from JSON)."""
    frames = read_marts(folder, marts)
    plans = [(name, column_expectations(name, frames[name], marts[name]["grain"], frames), False)
             for name in frames]  # fmt: skip
    for name, frame in reconciliations(frames).items():
        plans.append((name, [_within_tolerance("difference_gbp")], True))
        frames[name] = frame
    return _run(plans, frames, reusable or {})


_gx_loading: threading.Thread | None = None


def load_gx_in_background() -> None:
    """Start importing Great Expectations (some 2 s of CPU) on another thread, so that it happens
    while this process only waits, for dbt, rather than after; `_gx()` waits for it."""
    global _gx_loading
    if _gx_loading is None:
        _gx_loading = threading.Thread(target=_import_gx, name="load-gx", daemon=True)
        _gx_loading.start()


def _import_gx():
    # GX sends usage statistics unless told not to; the pipeline has no network to send them on.
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    return importlib.import_module("great_expectations")


def _gx():
    if _gx_loading is not None:
        _gx_loading.join()  # had it failed, the import below says why
    return _import_gx()


def column_expectations(name: str, frame: pd.DataFrame, grain: list[str], frames: dict) -> list:
    gxe = _gx().expectations

    found = []
    if len(grain) > 1:
        found.append(gxe.ExpectCompoundColumnsToBeUnique(column_list=grain))
    elif grain:
        found.append(gxe.ExpectColumnValuesToBeUnique(column=grain[0]))
    for column in frame.columns:
        if is_money(column):
            found.append(gxe.ExpectColumnValuesToBeOfType(column=column, type_="Decimal"))
            found.append(gxe.ExpectColumnValuesToBeBetween(
                column=column, min_value=-MONEY_LIMIT_GBP, max_value=MONEY_LIMIT_GBP))  # fmt: skip
        elif column in SHARE_COLUMNS:
            found.append(gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0, max_value=1))
        elif column in YEAR_COLUMNS:
            found.append(gxe.ExpectColumnValuesToMatchRegex(column=column, regex=YEAR_PATTERN))
    if "place_code" in frame.columns and name != "places" and "places" in frames:
        places = sorted(frames["places"]["place_code"].dropna().unique())
        found.append(gxe.ExpectColumnValuesToBeInSet(column="place_code", value_set=places))
    return found


def _within_tolerance(column: str):
    return _gx().expectations.ExpectColumnValuesToBeBetween(
        column=column, min_value=-RECONCILE_TOLERANCE_GBP, max_value=RECONCILE_TOLERANCE_GBP
    )


def reconciliations(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Frames of `difference_gbp` between marts that must agree; each row one total compared."""
    found = {}
    if {"pooled_budget", "settlement_checks"} <= set(frames):
        found[f"{RECONCILIATIONS}: pooled_budget = pot in settlement_checks"] = _pot_vs_checks(
            frames["pooled_budget"], frames["settlement_checks"]
        )
    if {"pooled_budget", "whole_place_budget"} <= set(frames):
        found[f"{RECONCILIATIONS}: whole_place_budget pooled = pooled_budget"] = _compare_sums(
            frames["whole_place_budget"], "pooled_gbp_nominal",
            frames["pooled_budget"], "contribution_gbp_nominal",
            ["place_code", "financial_year", "budget_type"],
        )  # fmt: skip
    if {"pooled_budget", "pot_by_member_area"} <= set(frames):
        found[f"{RECONCILIATIONS}: pot_by_member_area = pooled_budget"] = _compare_sums(
            frames["pot_by_member_area"], "contribution_gbp_nominal",
            frames["pooled_budget"], "contribution_gbp_nominal",
            ["settlement_id", "financial_year", "funding_line", "budget_type"],
        )  # fmt: skip
    if {"place_appraisal", "intervention_cba"} <= set(frames):
        found[f"{RECONCILIATIONS}: place_appraisal = sum of its interventions"] = _appraisal(
            frames["place_appraisal"], frames["intervention_cba"]
        )
    return found


def _money(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series.astype("object"), errors="coerce").astype(float)


def _compare_sums(left, left_column, right, right_column, keys) -> pd.DataFrame:
    a = left.assign(v=_money(left[left_column])).groupby(keys, dropna=False)["v"].sum()
    b = right.assign(v=_money(right[right_column])).groupby(keys, dropna=False)["v"].sum()
    # A key on one side only counts as nothing on the other, so it shows as a difference.
    joined = pd.concat([a.rename("left_gbp"), b.rename("right_gbp")], axis=1).fillna(0.0)
    joined["difference_gbp"] = joined["left_gbp"] - joined["right_gbp"]
    return joined.reset_index()


def _pot_vs_checks(pooled: pd.DataFrame, checks: pd.DataFrame) -> pd.DataFrame:
    """Each pot_matches_announced_total row's `actual_gbp` (the pot at the grain announced)
    against the pooled_budget lines it covers (a blank grain column covers every value)."""
    rows = checks[checks["check"] == "pot_matches_announced_total"]
    pot = pooled.assign(v=_money(pooled["contribution_gbp_nominal"]))
    out = []
    for row in rows.itertuples(index=False):
        covered = (pot["settlement_id"] == row.settlement_id) & (
            pot["financial_year"] == row.financial_year
        )
        for column in ("budget_type", "funding_line"):
            if pd.notna(getattr(row, column)):
                covered &= pot[column] == getattr(row, column)
        actual = float(row.actual_gbp) if pd.notna(row.actual_gbp) else 0.0
        out.append({
            "settlement_id": row.settlement_id, "financial_year": row.financial_year,
            "budget_type": row.budget_type, "funding_line": row.funding_line,
            "checks_pot_gbp": actual, "pooled_budget_gbp": pot.loc[covered, "v"].sum(),
        })  # fmt: skip
    frame = pd.DataFrame(out, columns=[
        "settlement_id", "financial_year", "budget_type", "funding_line", "checks_pot_gbp",
        "pooled_budget_gbp"])  # fmt: skip
    frame["difference_gbp"] = frame["checks_pot_gbp"] - frame["pooled_budget_gbp"]
    return frame


# place_appraisal column -> the intervention_cba column it adds up: present values rebased to
# one pv_base_year, since own-start-year present values do not add across interventions.
APPRAISAL_SUMS = {
    f"{measure}_gbp": f"{measure}_rebased_gbp"
    for measure in ("pv_costs", "pv_fiscal", "pv_economic", "pv_social", "pv_cashable", "npv")
}


def _appraisal(place: pd.DataFrame, interventions: pd.DataFrame) -> pd.DataFrame:
    pairs = {
        total: part
        for total, part in APPRAISAL_SUMS.items()
        if total in place.columns and part in interventions.columns
    }
    parts = [
        _compare_sums(place, total, interventions, part, ["place_code"]).assign(column=total)
        for total, part in pairs.items()
    ]
    if not parts:
        return pd.DataFrame(columns=["place_code", "column", "difference_gbp"])
    return pd.concat(parts, ignore_index=True)


def _context():
    gx = _gx()
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return gx, context


def fingerprint(name: str, expectations: list, blocking: bool, frame: pd.DataFrame) -> str | None:
    """What an asset's results depend on; None when the frame cannot be hashed (then it is always
    validated)."""
    try:
        rows = pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes()
    except (TypeError, ValueError):
        return None
    configs = [
        {k: v for k, v in e.configuration.to_json_dict().items() if k != "id"} for e in expectations
    ]
    facts = [name, blocking, [str(c) for c in frame.columns], [str(t) for t in frame.dtypes]]
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(metadata.version("great_expectations").encode())
    digest.update(json.dumps([facts, configs], sort_keys=True, default=str).encode())
    digest.update(rows)
    return digest.hexdigest()


def _run(plans: list, frames: dict[str, pd.DataFrame], reusable: dict) -> AuditResult:
    context = None
    outcomes, raw, kept, validated = [], {}, {}, []
    for index, (name, expectations, blocking) in enumerate(plans):
        print_ = fingerprint(name, expectations, blocking, frames[name])
        earlier = reusable.get(name) or {}
        if print_ is not None and earlier.get("fingerprint") == print_:
            raw[name] = earlier["raw"]
            found = [Outcome(**o) for o in earlier["outcomes"]]
        else:
            if context is None:
                gx, context = _context()
                source = context.data_sources.add_pandas("published_snapshot")
            asset = source.add_dataframe_asset(name=f"asset_{index}")
            batch = asset.add_batch_definition_whole_dataframe("whole").get_batch(
                batch_parameters={"dataframe": frames[name]}
            )
            # Given whole: adding one at a time re-serialises the suite into its store each time.
            suite = context.suites.add(
                gx.ExpectationSuite(name=f"suite_{index}", expectations=list(expectations))
            )
            # BASIC has the counts and the first unexpected values the Data Docs show; SUMMARY
            # adds counts of each value, a fifth of the audit's time.
            result = batch.validate(suite, result_format="BASIC")
            raw[name] = result.to_json_dict()
            found = [_outcome(name, r, blocking) for r in result.results]
            validated.append(name)
        outcomes += found
        if print_ is not None:
            kept[name] = {
                "fingerprint": print_,
                "raw": raw[name],
                "outcomes": [asdict(o) for o in found],
            }
    return AuditResult(outcomes, metadata.version("great_expectations"), raw, kept, validated)


def _outcome(asset: str, result, blocking: bool) -> Outcome:
    kwargs = result.expectation_config.kwargs
    columns = kwargs.get("column") or ", ".join(kwargs.get("column_list") or [])
    details = result.result or {}
    error = (result.exception_info or {}).get("exception_message") or ""
    return Outcome(
        asset=asset,
        expectation=result.expectation_config.type,
        columns=str(columns),
        success=bool(result.success),
        blocking=blocking,
        unexpected_count=details.get("unexpected_count"),
        examples=[str(v) for v in (details.get("partial_unexpected_list") or [])[:5]],
        observed=str(error or details.get("observed_value") or ""),
    )
