"""Column headers and code names as the dashboard shows them; tables and their downloads use the
same headers as the exports (orchestration/core/labels.py). The yml's column descriptions
(`columns` in the manifest) become the headers' tooltips.
"""

from __future__ import annotations

from dashboards.queries.snapshot import Snapshot
from orchestration.core import labels
from orchestration.core.labels import per_column, prettified

__all__ = ["CODE_NAMES", "column_descriptions", "column_labels", "prettified", "readable"]


def column_labels(snap: Snapshot) -> dict[str, str]:
    """Every header the snapshot or the derived list gives, by column name."""
    return labels.column_labels(snap.manifest)


def column_descriptions(snap: Snapshot) -> dict[str, str]:
    """The dbt yml's description of each published column, by column name."""
    return per_column(snap.manifest, "columns")


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
