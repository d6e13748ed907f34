"""Column headers as a finance officer reads them; tables and their downloads use the same ones.

A header comes from the snapshot's manifest where the publish step wrote one (`labels`, from
each mart column's `meta.label` in its dbt yml), else from the list below, else from the column
name. The yml's column descriptions (`columns` in the manifest) become the headers' tooltips.
`{real}` in a header stands for the real-terms basis ("real, 2024-25 prices").
"""

from __future__ import annotations

import re

from dashboards.queries.snapshot import Snapshot

# Until the marts' ymls carry `meta.label`, and for the columns the dashboard derives itself
# (pot totals, check counts, chart series).
FALLBACK_LABELS = {
    "place_code": "Place code",
    "place_name": "Place",
    "settlement_id": "Settlement",
    "financial_year": "Financial year",
    "pillar": "Pillar",
    "department": "Department code",
    "department_name": "Department",
    "funding_line": "Funding line code",
    "funding_line_name": "Funding line",
    "budget_type": "Budget type",
    "pot_gbp_nominal": "Pot, cash (£)",
    "pot_gbp_real": "Pot, {real} (£)",
    "contribution_gbp_nominal": "Contribution, cash (£)",
    "contribution_gbp_real": "Contribution, {real} (£)",
    "contribution_per_head_real": "Per head, {real} (£)",
    "spend_gbp_real": "Identifiable spending, {real} (£)",
    "spend_per_head_real": "Identifiable spending per head, {real} (£)",
    "is_synthetic": "Synthetic",
    "status": "Status",
    "check": "Check",
    "expected_gbp": "Expected (£)",
    "actual_gbp": "Actual (£)",
    "difference_gbp": "Difference (£)",
    "detail": "Detail",
    "feed": "Feed",
    "file": "File",
    "sha256": "SHA-256",
    "rows_read": "Rows read",
    "rows_loaded": "Rows loaded",
    "rows_quarantined": "Rows quarantined",
    "mart": "Mart",
    "rows": "Rows",
    "published": "Published",
    "population": "Population",
    "population_year": "Population as in",
    "share_pooled": "Share of funding pooled",
    "total_gbp_nominal": "Departmental funding, cash (£)",
    "checks_passed": "Checks passed",
    "checks_warned": "Checks warned",
    "checks_failed": "Checks failed",
    "intervention_id": "Intervention code",
    "name": "Intervention",
    "investing_agency": "Investing agency",
    "beneficiary_agency": "Beneficiary agency",
    "agency_tier": "Beneficiary tier",
    "value_type": "Value type",
    "series": "Series",
    "checks": "Checks",
    "saving": "Saving",
    "interventions": "Interventions",
    "pv_gbp": "Present value (£)",
    "pv_costs_gbp": "PV costs (£)",
    "pv_fiscal_gbp": "PV fiscal savings (£)",
    "pv_economic_gbp": "PV economic value (£)",
    "pv_social_gbp": "PV social value (£)",
    "pv_cashable_gbp": "PV cashable savings (£)",
    "pv_non_cashable_gbp": "PV non-cashable savings (£)",
    "pv_net_savings_gbp": "PV net savings (£)",
    "npv_gbp": "NPV, all values (£)",
    "financial_roi": "Financial ROI (£ per £1)",
    "public_value_roi": "Public value ROI (£ per £1)",
    "payback_years": "Payback (years)",
    "payback_year": "Pays back in",
    "cumulative_gbp": "Cumulative present value (£)",
    "retained_gbp": "PV retained by place (£)",
    "settlement_id_gain": "Settlement",
    "gain_share_rate": "Gain share rate",
    "local_fiscal_gbp": "Local fiscal savings (£)",
    "national_cashable_gbp": "National cashable savings (£)",
    "gain_share_gbp": "Gain share of national savings (£)",
    "retained_by_place_gbp": "Retained by place (£)",
    "pv_retained_by_place_gbp": "PV retained by place (£)",
    "confidence_grade": "Confidence grade",
    "optimism_bias": "Optimism bias",
    "benefit_rows": "Benefit rows",
    "varied_rate": "Rate varied",
    "npv_at_low_gbp": "NPV, rate 10 points lower (£)",
    "npv_at_high_gbp": "NPV, rate 10 points higher (£)",
    "switching_deadweight": "Switching deadweight",
    "assumed_deadweight": "Assumed deadweight",
    "release": "Release",
    "region": "Region",
    "cofog_function": "Function (COFOG)",
    "price_base_year": "Price base",
    "source_unit": "Source unit",
    "data_provenance": "Source",
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
