"""`wholeplace scenario FILE`: a spending-review scenario computed beside the published
baseline (which it never changes), written to WAREHOUSE/scenarios/, and what it changes."""

from __future__ import annotations

from pathlib import Path

from orchestration.cli.output import EXIT_OK, say
from orchestration.cli.summary import money
from orchestration.core.export.snapshot import PublishedSnapshot
from orchestration.core.scenario import MEASURES, load_scenario
from orchestration.core.scenario_marts import write_scenario

ROWS_SHOWN = 20


def run_scenario(file: Path, warehouse: Path) -> int:
    scenario = load_scenario(file)
    snap = PublishedSnapshot.open(warehouse)
    folder, compared = write_scenario(snap, scenario, file, warehouse)
    say(f"scenario {scenario.name}: {scenario.description}".rstrip(": "))
    say(f"  baseline: snapshot {snap.folder.name} (unchanged)")
    say(f"  written to {folder}")
    if snap.manifest.get("synthetic_inputs"):
        say("  SYNTHETIC: the baseline holds synthetic demo data; figures are illustrative.")
    changed = compared[compared["difference_gbp"] != 0]
    for measure, meaning in MEASURES.items():
        rows = changed[changed["measure"] == measure]
        total = sum(rows["difference_gbp"]) if len(rows) else 0
        say(f"\n{meaning}: {len(rows)} place-year(s) change, {money(float(total))} in all")
        for row in rows.head(ROWS_SHOWN).itertuples(index=False):
            say(
                f"  {row.place_name:<30} {row.financial_year}  {money(float(row.baseline_gbp)):>9}"
                f" -> {money(float(row.scenario_gbp)):>9}  ({money(float(row.difference_gbp))})"
            )
        if len(rows) > ROWS_SHOWN:
            say(f"  ... and {len(rows) - ROWS_SHOWN} more in scenario_comparison.parquet")
    return EXIT_OK
