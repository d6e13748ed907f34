"""Column headers as a finance officer reads them; tables and their downloads use the same ones.

A header comes from the snapshot's manifest where the publish step wrote one (`labels`, from
each mart column's `meta.label` in its dbt yml), else from the list below, else from the column
name. The yml's column descriptions (`columns` in the manifest) become the headers' tooltips.
`{real}` in a header stands for the real-terms basis ("real, 2024-25 prices").
"""

from __future__ import annotations

import re

from dashboards.queries.snapshot import Snapshot

# Only for the columns the dashboard derives itself (pot totals, check counts, chart series,
# the manifest's input and mart lists): every published mart column has its `meta.label`.
FALLBACK_LABELS = {
    "pot_gbp_nominal": "Pot, cash (£)",
    "pot_gbp_real": "Pot, {real} (£)",
    "line_share": "Share of the pot",
    "spend_gbp_real": "Identifiable spending, {real} (£)",
    "spend_per_head_real": "Identifiable spending per head, {real} (£)",
    "announced_gbp": "Announced total (£)",
    "reconciled": "Reconciles",
    "source": "Source",
    "feed": "Feed",
    "file": "File",
    "sha256": "SHA-256",
    "rows_read": "Rows read",
    "rows_loaded": "Rows loaded",
    "rows_quarantined": "Rows quarantined",
    "mart": "Mart",
    "rows": "Rows",
    "published": "Published",
    "population_year": "Population as in",
    "share_pooled": "Share of funding pooled",
    "total_gbp_nominal": "Departmental funding, cash (£)",
    "checks_passed": "Checks passing",
    "checks_warned": "Checks warning",
    "checks_failed": "Checks failing",
    "problems": "Rows warning or failing",
    "column_name": "Column",
    "value": "Value",
    "rule": "Rule",
    "message": "Message",
    "series": "Series",
    "checks": "Checks",
    "saving": "Saving",
    "benefit_rows": "Benefit rows",
    "pv_non_cashable_gbp": "PV non-cashable savings (£)",
    "pv_net_savings_gbp": "PV net savings (£)",
    "payback_year": "Pays back in",
    "cumulative_gbp": "Cumulative present value (£)",
    "retained_gbp": "PV retained by place (£)",
    "gain_share_gbp": "Gain share of national savings (£)",
    # The Scenarios page (scenarios.by_place).
    "pot_baseline_gbp": "Pot, baseline, cash (£)",
    "pot_scenario_gbp": "Pot, scenario, cash (£)",
    "pot_difference_gbp": "Pot, difference, cash (£)",
    "whole_place_baseline_per_head": "Whole-place budget per head, baseline, cash (£)",
    "whole_place_scenario_per_head": "Whole-place budget per head, scenario, cash (£)",
    "whole_place_difference_per_head": "Whole-place budget per head, difference, cash (£)",
    "retained_baseline_gbp": "Retained savings, baseline, {real} (£)",
    "retained_scenario_gbp": "Retained savings, scenario, {real} (£)",
    "retained_difference_gbp": "Retained savings, difference, {real} (£)",
    # The Spending page (queries/spending.py).
    "paid_gbp_nominal": "Paid out, net, cash (£)",
    "paid_gbp_real": "Paid out, net, {real} (£)",
    "paid_per_head_real": "Paid out per head, {real} (£)",
    "not_stated_gbp_nominal": "Funding line not stated, cash (£)",
    "allocated_gbp_nominal": "Allocated on the line, cash (£)",
    "share_of_outturn": "Paid out as a share of outturn",
}


def prettified(column: str) -> str:
    """`amount_gbp_nominal` -> "Amount nominal (£)": a last resort for an unlabelled column."""
    words = [w for w in str(column).split("_") if w]
    pounds = "gbp" in words
    text = " ".join(w for w in words if w != "gbp") or str(column)
    return text[:1].upper() + text[1:] + (" (£)" if pounds else "")


def _per_column(manifest: dict, key: str) -> dict[str, str]:
    """`manifest[key]` ({mart: {column: text}}) folded over the marts: one text per column
    name, the first mart in name order winning where two disagree."""
    folded: dict[str, str] = {}
    listed = manifest.get(key)
    for _, columns in sorted(listed.items() if isinstance(listed, dict) else []):
        for column, text in (columns if isinstance(columns, dict) else {}).items():
            if isinstance(text, str) and text.strip():
                folded.setdefault(str(column), re.sub(r"\s+", " ", text).strip())
    return folded


def column_labels(snap: Snapshot) -> dict[str, str]:
    """Every header the snapshot or the fallback list gives, by column name."""
    return {**FALLBACK_LABELS, **_per_column(snap.manifest, "labels")}


def column_descriptions(snap: Snapshot) -> dict[str, str]:
    """The dbt yml's description of each published column, by column name."""
    return _per_column(snap.manifest, "columns")


# Readable names for the codes the marts hold, by the column that holds them. The settlement
# check ids are listed in settlement_checks.yml (accepted_values; tests/dashboard/
# test_dashboard_labels.py holds the two lists together) and explained in docs/checks.md.
CODE_NAMES = {
    "check": {
        "pot_matches_announced_total": "Pot matches the announced total",
        "announced_total_on_file": "Announced total on file",
        "member_receives_pooled_line": "Every member receives each pooled line",
        "partial_year_member": "Member for part of the year",
        "line_pooled_at_most_once": "Line pooled at most once",
        "area_in_one_place": "Area in one place only",
        "control_total_matches": "National control total matches",
        "pot_real_terms_movement": "Real-terms change in the pot",
        "pillar_movement_within_limit": "Pillar change within the limit",
        "intervention_line_is_pooled": "Intervention funded from a pooled line",
        "payback_within_settlement": "Pays back within the settlement",
        "benefit_not_double_counted": "Benefit not counted twice",
    },
    "status": {"pass": "Pass", "warn": "Warning", "fail": "Fail"},
    "budget_type": {"resource": "Resource (RDEL)", "capital": "Capital (CDEL)"},
    "varied_rate": {
        "engagement_rate": "Engagement rate",
        "success_rate": "Success rate",
        "deadweight": "Deadweight",
        "attribution": "Attribution",
        "drop_off": "Drop-off",
    },
}


def readable(column: str, code: object) -> object:
    """The readable name of a code held in `column`, else the code itself."""
    return CODE_NAMES.get(column, {}).get(code, code) if isinstance(code, str) else code
