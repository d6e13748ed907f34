"""Treasury's one workbook across all places: pots by place and year, the checks across places
(failures first), whole-place budgets per head, and prevention by place."""

from __future__ import annotations

from orchestration.core.export import common
from orchestration.core.export.sheets import Sheet, failures_first
from orchestration.core.export.snapshot import PublishedSnapshot

NATIONAL_MARTS = [
    "pooled_budget", "settlement_checks", "whole_place_budget", "place_prevention_summary",
    "place_appraisal",
]  # fmt: skip
NATIONAL_FILE_STEM = "national_workbook"

POTS = """
select place_code, place_name, settlement_id, financial_year, budget_type,
    sum(contribution_gbp_nominal) as pot_gbp_nominal,
    sum(contribution_gbp_real) as pot_gbp_real,
    max(population) as population,
    sum(contribution_gbp_real) / max(population) as pot_per_head_real,
    count(distinct funding_line) as funding_lines,
    bool_or(is_synthetic) as is_synthetic
from pooled_budget
group by place_code, place_name, settlement_id, financial_year, budget_type
order by place_code, settlement_id, financial_year, budget_type
"""

CHECK_COUNTS = """
select coalesce(place_code, 'national') as place_code,
    count(*) filter (where status = 'fail') as failed,
    count(*) filter (where status = 'warn') as warned,
    count(*) filter (where status = 'pass') as passed,
    bool_or(is_synthetic) as is_synthetic
from settlement_checks group by 1 order by failed desc, warned desc, place_code
"""

WHOLE_PLACE = """
select place_code, place_name, financial_year, budget_type,
    sum(amount_gbp_nominal) as whole_place_gbp_nominal,
    sum(amount_gbp_real) as whole_place_gbp_real,
    sum(pooled_gbp_nominal) as pooled_gbp_nominal,
    sum(pooled_gbp_nominal) / nullif(sum(amount_gbp_nominal), 0) as pooled_share,
    max(population) as population,
    sum(amount_gbp_real) / max(population) as whole_place_per_head_real,
    bool_or(is_synthetic) as is_synthetic
from whole_place_budget
group by place_code, place_name, financial_year, budget_type
order by place_code, financial_year, budget_type
"""

PREVENTION = """
select place_code, place_name,
    min(financial_year) as first_year, max(financial_year) as last_year,
    sum(costs_gbp) as costs_gbp, sum(fiscal_gbp) as fiscal_gbp,
    sum(economic_gbp) as economic_gbp, sum(social_gbp) as social_gbp,
    sum(cashable_gbp) as cashable_gbp, sum(retained_by_place_gbp) as retained_by_place_gbp,
    sum(pv_costs_gbp) as pv_costs_gbp, sum(pv_fiscal_gbp) as pv_fiscal_gbp,
    sum(pv_retained_by_place_gbp) as pv_retained_by_place_gbp,
    bool_or(is_synthetic) as is_synthetic
from place_prevention_summary group by place_code, place_name order by place_code
"""


def national_workbook(snap: PublishedSnapshot) -> list[Sheet]:
    pots = snap.query(POTS)
    checks = failures_first(snap.frame("settlement_checks"))
    synthetic = common.is_synthetic(snap, pots, checks)
    sheets = [
        common.cover(
            "National workbook: every place's pot, checks, whole-place budget and prevention",
            [("Places with a pot", str(pots["place_code"].nunique())),
             *common.provenance_rows(snap, synthetic)],
            synthetic,
        ),
        Sheet("Pots by place and year", pots,
              common.note("Each settlement's pot by place, year and budget type.", synthetic)),
        Sheet("Checks by place", snap.query(CHECK_COUNTS),
              common.note("How many settlement checks failed, warned and passed, by place.",
                          synthetic)),
        Sheet("Checks across places", checks,
              common.note("Every settlement check in every place, failures first.", synthetic)),
        Sheet("Whole-place budget per head", snap.query(WHOLE_PLACE),
              common.note("Everything departments allocate to each place, by year and budget "
                          "type, per head in real terms, and the share pooled.", synthetic)),
    ]  # fmt: skip
    if snap.has("place_prevention_summary"):
        what = "Each place's prevention costs, savings and retained savings over all years."
        sheets.append(
            Sheet("Prevention by place", snap.query(PREVENTION), common.note(what, synthetic))
        )
    if snap.has("place_appraisal"):
        what = "Each place's prevention appraisal as a whole."
        sheets.append(
            Sheet("Place appraisals", snap.frame("place_appraisal"), common.note(what, synthetic))
        )
    used = [m for m in NATIONAL_MARTS if snap.has(m)]
    sheets += [common.input_files(snap, synthetic), common.column_meanings(snap, used, synthetic)]
    return common.labelled(sheets, snap)
