"""Column headers as a finance officer reads them, for the dashboard's tables and the Excel and
CSV exports alike: a published mart column's header is its `meta.label` in the mart's dbt yml
(the publish step writes them into the manifest as `labels`); a column that a query derives
(pot totals, check counts, the manifest's input list) takes its header from DERIVED_LABELS; any
other column is prettified from its name. `{real}` in a header stands for the real-terms basis
("real, 2024-25 prices").
"""

from __future__ import annotations

import re

# Only for the columns a query derives (pot totals, check counts, chart series, the manifest's
# input and mart lists): every published mart column has its `meta.label`.
DERIVED_LABELS = {
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
    # The exports' own sheets (core/export): cover, column meanings, pots, checks by place.
    "item": "Item",
    "header": "Header",
    "column": "Column",
    "meaning": "Meaning",
    "pot_gbp": "Pot, cash (£)",
    "funding_lines": "Funding lines",
    "pot_per_head_real": "Pot per head, {real} (£)",
    "whole_place_gbp_nominal": "Whole-place budget, cash (£)",
    "whole_place_gbp_real": "Whole-place budget, {real} (£)",
    "whole_place_per_head_real": "Whole-place budget per head, {real} (£)",
    "passed": "Checks passing",
    "warned": "Checks warning",
    "failed": "Checks failing",
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
    # The Spending page (dashboards/queries/spending.py).
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


def per_column(manifest: dict, key: str) -> dict[str, str]:
    """`manifest[key]` ({mart: {column: text}}) folded over the marts: one text per column
    name, the first mart in name order winning where two disagree."""
    folded: dict[str, str] = {}
    listed = manifest.get(key)
    for _, columns in sorted(listed.items() if isinstance(listed, dict) else []):
        for column, text in (columns if isinstance(columns, dict) else {}).items():
            if isinstance(text, str) and text.strip():
                folded.setdefault(str(column), re.sub(r"\s+", " ", text).strip())
    return folded


def column_labels(manifest: dict) -> dict[str, str]:
    """Every header the manifest or DERIVED_LABELS gives, by column name (`{real}` left in)."""
    return {**DERIVED_LABELS, **per_column(manifest, "labels")}
