"""Questions about prevention savings, asked of the published prevention marts
(`intervention_cba`, `prevention_savings`, `savings_by_agency`, `place_prevention_summary`).

Every figure is a present value in the snapshot's price base, discounted at the Green Book rate
from the start of each intervention's appraisal, unless its name says otherwise.
"""

from __future__ import annotations

import pandas as pd

from dashboards.queries.snapshot import Snapshot

CBA = "intervention_cba"
SAVINGS = "prevention_savings"
AGENCIES = "savings_by_agency"
SUMMARY = "place_prevention_summary"
# Yearly costs per intervention: not part of the published contract yet; used when it is.
COSTS = "prevention_costs"
VALUE_TYPES = ["fiscal", "economic", "social"]
GREEN_BOOK_RATE = 0.035


def published(snap: Snapshot) -> bool:
    return snap.has(CBA)


def _retained_column(snap: Snapshot) -> str | None:
    columns = snap.columns(SUMMARY)
    for column in ("pv_retained_by_place_gbp", "retained_by_place_gbp"):
        if column in columns:
            return column
    return None


def retained_is_discounted(snap: Snapshot) -> bool:
    return _retained_column(snap) == "pv_retained_by_place_gbp"


def place_totals(snap: Snapshot) -> pd.DataFrame:
    """Per place: present values over all its interventions, ROI, and what it retains."""
    retained = _retained_column(snap)
    retained_sql = (
        f"""(SELECT place_code, CAST(SUM({retained}) AS DOUBLE) AS retained_gbp
             FROM {SUMMARY} GROUP BY place_code)"""
        if retained
        else "(SELECT NULL::VARCHAR AS place_code, NULL::DOUBLE AS retained_gbp)"
    )
    # Present values of interventions starting in different years are only added on one basis:
    # the rebased ones (every value discounted to the warehouse's base year) where published.
    on = "_rebased" if "pv_costs_rebased_gbp" in snap.columns(CBA) else ""
    return snap.query(
        f"""
        WITH totals AS (
            SELECT place_code, COUNT(*) AS interventions,
                   CAST(SUM(pv_costs{on}_gbp) AS DOUBLE) AS pv_costs_gbp,
                   CAST(SUM(pv_fiscal{on}_gbp) AS DOUBLE) AS pv_fiscal_gbp,
                   CAST(SUM(pv_economic{on}_gbp) AS DOUBLE) AS pv_economic_gbp,
                   CAST(SUM(pv_social{on}_gbp) AS DOUBLE) AS pv_social_gbp,
                   CAST(SUM(pv_cashable{on}_gbp) AS DOUBLE) AS pv_cashable_gbp,
                   CAST(SUM(npv{on}_gbp) AS DOUBLE) AS npv_gbp,
                   COALESCE(BOOL_OR(is_synthetic), FALSE) AS is_synthetic
            FROM {CBA} GROUP BY place_code
        )
        SELECT t.place_code, t.interventions, t.pv_costs_gbp, t.pv_fiscal_gbp,
               t.pv_fiscal_gbp - t.pv_costs_gbp AS pv_net_savings_gbp,
               t.pv_fiscal_gbp / NULLIF(t.pv_costs_gbp, 0) AS financial_roi,
               (t.pv_fiscal_gbp + t.pv_economic_gbp + t.pv_social_gbp)
                   / NULLIF(t.pv_costs_gbp, 0) AS public_value_roi,
               t.pv_cashable_gbp, t.npv_gbp, r.retained_gbp, t.is_synthetic
        FROM totals t LEFT JOIN {retained_sql} r USING (place_code)
        ORDER BY t.place_code
        """,
        needs=(CBA,),
    )


def headline(snap: Snapshot, place_code: str, intervention: str | None = None) -> dict:
    """The cards' figures: present values, net fiscal savings and financial ROI of one
    intervention (as intervention_cba publishes them) or of all the place's interventions."""
    if intervention is None:
        rows = place_totals(snap)
        rows = rows[rows["place_code"] == place_code]
    else:
        rows = interventions(snap, place_code)
        rows = rows[rows["intervention_id"] == intervention].assign(
            pv_net_savings_gbp=lambda r: r["pv_fiscal_gbp"] - r["pv_costs_gbp"]
        )
    if rows.empty:
        return {}
    row = rows.iloc[0]
    return {
        column: None if pd.isna(row[column]) else float(row[column])
        for column in ("pv_costs_gbp", "pv_fiscal_gbp", "pv_net_savings_gbp", "financial_roi")
    }


def interventions(snap: Snapshot, place_code: str | None = None) -> pd.DataFrame:
    """One row per intervention (of one place, or of every place)."""
    where = "WHERE place_code = ?" if place_code else ""
    return snap.query(
        f"""
        SELECT place_code, intervention_id, name, investing_agency,
               CAST(pv_costs_gbp AS DOUBLE) AS pv_costs_gbp,
               CAST(pv_fiscal_gbp AS DOUBLE) AS pv_fiscal_gbp,
               CAST(pv_economic_gbp AS DOUBLE) AS pv_economic_gbp,
               CAST(pv_social_gbp AS DOUBLE) AS pv_social_gbp,
               CAST(pv_cashable_gbp AS DOUBLE) AS pv_cashable_gbp,
               CAST(npv_gbp AS DOUBLE) AS npv_gbp,
               CAST(financial_roi AS DOUBLE) AS financial_roi,
               CAST(public_value_roi AS DOUBLE) AS public_value_roi,
               payback_years, is_synthetic
        FROM {CBA} {where}
        ORDER BY place_code, name, intervention_id
        """,
        (place_code,) if place_code else (),
        needs=(CBA,),
    )


def start_years(snap: Snapshot, place_code: str) -> dict[str, str]:
    """Each intervention's first appraisal year (year index 0)."""
    if "start_year" in snap.columns(CBA):
        frame = snap.query(
            f"SELECT intervention_id, start_year FROM {CBA} WHERE place_code = ?",
            (place_code,),
        )
    else:
        frame = snap.query(
            f"""SELECT intervention_id, MIN(financial_year) AS start_year
                FROM {SAVINGS} WHERE place_code = ? AND year_index = 0 GROUP BY 1""",
            (place_code,),
            needs=(SAVINGS,),
        )
    return dict(zip(frame["intervention_id"], frame["start_year"], strict=True))


def years(snap: Snapshot, place_code: str) -> list[str]:
    """Financial years with prevention costs or benefits for the place, oldest first."""
    frame = snap.query(
        f"""
        SELECT financial_year FROM {SUMMARY} WHERE place_code = ?
        GROUP BY financial_year ORDER BY MIN(financial_year_start)
        """,
        (place_code,),
        needs=(SUMMARY,),
    )
    return frame["financial_year"].tolist()


def benefits_by_year(snap: Snapshot, place_code: str, intervention: str | None) -> pd.DataFrame:
    """Present values by financial year and value type (all interventions, or one)."""
    where, params = "place_code = ?", [place_code]
    if intervention:
        where, params = where + " AND intervention_id = ?", [*params, intervention]
    return snap.query(
        f"""
        SELECT financial_year, value_type, CAST(SUM(pv_gbp) AS DOUBLE) AS pv_gbp,
               CAST(SUM(pv_cashable_gbp) AS DOUBLE) AS pv_cashable_gbp,
               COALESCE(BOOL_OR(is_synthetic), FALSE) AS is_synthetic
        FROM {SAVINGS} WHERE {where}
        GROUP BY financial_year, value_type
        ORDER BY financial_year, value_type
        """,
        tuple(params),
        needs=(SAVINGS,),
    )


def costs_by_year(snap: Snapshot, place_code: str, intervention: str | None) -> pd.DataFrame | None:
    """Present value of costs by financial year, or None when they are not published for a
    single intervention."""
    if intervention is None:
        return snap.query(
            f"""
            SELECT financial_year, CAST(SUM(pv_costs_gbp) AS DOUBLE) AS pv_costs_gbp
            FROM {SUMMARY} WHERE place_code = ? GROUP BY financial_year ORDER BY 1
            """,
            (place_code,),
            needs=(SUMMARY,),
        )
    if not snap.has(COSTS):
        return None
    return snap.query(
        f"""
        SELECT financial_year, CAST(SUM(pv_cost_gbp) AS DOUBLE) AS pv_costs_gbp
        FROM {COSTS} WHERE place_code = ? AND intervention_id = ?
        GROUP BY financial_year ORDER BY 1
        """,
        (place_code, intervention),
    )


def agency_matrix(snap: Snapshot, place_code: str) -> pd.DataFrame:
    """Who pays (investing agency) and whose budget the fiscal savings land in."""
    return snap.query(
        f"""
        SELECT investing_agency, beneficiary_agency, agency_tier,
               CAST(SUM(pv_fiscal_gbp) AS DOUBLE) AS pv_fiscal_gbp,
               CAST(SUM(pv_cashable_gbp) AS DOUBLE) AS pv_cashable_gbp
        FROM {AGENCIES} WHERE place_code = ?
        GROUP BY ALL ORDER BY investing_agency, beneficiary_agency
        """,
        (place_code,),
        needs=(AGENCIES,),
    )


def retained_by_year(snap: Snapshot, place_code: str) -> pd.DataFrame:
    """What the place keeps each year: local fiscal savings plus its gain share of national
    cashable savings (undiscounted and, where published, present values)."""
    columns = set(snap.columns(SUMMARY))
    pv = (
        ", CAST(pv_retained_by_place_gbp AS DOUBLE) AS pv_retained_by_place_gbp"
        if "pv_retained_by_place_gbp" in columns
        else ""
    )
    return snap.query(
        f"""
        SELECT financial_year, settlement_id, gain_share_rate,
               CAST(local_fiscal_gbp AS DOUBLE) AS local_fiscal_gbp,
               CAST(national_cashable_gbp AS DOUBLE) AS national_cashable_gbp,
               CAST(gain_share_rate * national_cashable_gbp AS DOUBLE) AS gain_share_gbp,
               CAST(retained_by_place_gbp AS DOUBLE) AS retained_by_place_gbp{pv},
               is_synthetic
        FROM {SUMMARY} WHERE place_code = ?
        ORDER BY financial_year_start
        """,
        (place_code,),
        needs=(SUMMARY,),
    )


def discount_rate(snap: Snapshot) -> tuple[float, str]:
    """The discount rate in force and where it comes from: the manifest's parameters (which
    the publish step takes from `method_parameters`), else the Green Book's 3.5%."""
    listed = (snap.manifest.get("parameters") or {}).get("discount_rate")
    if isinstance(listed, int | float):
        return float(listed), "the snapshot's manifest"
    return GREEN_BOOK_RATE, "the Green Book (HM Treasury)"


def optimism_bias(snap: Snapshot) -> pd.DataFrame | None:
    """The optimism-bias table in force, if the snapshot carries it (a published
    `method_parameters` mart, or `parameters.optimism_bias` in the manifest); else None."""
    if snap.has("method_parameters"):
        return snap.query(
            "SELECT confidence_grade, CAST(optimism_bias AS DOUBLE) AS optimism_bias "
            "FROM method_parameters ORDER BY confidence_grade"
        )
    listed = (snap.manifest.get("parameters") or {}).get("optimism_bias")
    if isinstance(listed, dict) and listed:
        return pd.DataFrame(
            sorted((int(g), float(v)) for g, v in listed.items()),
            columns=["confidence_grade", "optimism_bias"],
        )
    return None


def optimism_bias_seen(snap: Snapshot) -> pd.DataFrame:
    """How many benefit rows of prevention_savings carry each optimism bias."""
    columns = set(snap.columns(SAVINGS))
    if "optimism_bias" not in columns:
        return pd.DataFrame(columns=["optimism_bias", "benefit_rows"])
    return snap.query(
        f"""
        SELECT CAST(optimism_bias AS DOUBLE) AS optimism_bias, COUNT(*) AS benefit_rows
        FROM {SAVINGS} GROUP BY 1 ORDER BY 1
        """
    )


def sensitivity(snap: Snapshot, intervention: str) -> pd.DataFrame:
    """NPV with each rate 10 points lower and higher, and the switching deadweight (empty
    when `intervention_sensitivity` is not published)."""
    if not snap.has("intervention_sensitivity"):
        return pd.DataFrame()
    return snap.query(
        """
        SELECT varied_rate, CAST(npv_gbp AS DOUBLE) AS npv_gbp,
               CAST(npv_at_low_gbp AS DOUBLE) AS npv_at_low_gbp,
               CAST(npv_at_high_gbp AS DOUBLE) AS npv_at_high_gbp,
               CAST(assumed_deadweight AS DOUBLE) AS assumed_deadweight,
               CAST(switching_deadweight AS DOUBLE) AS switching_deadweight
        FROM intervention_sensitivity WHERE intervention_id = ? ORDER BY varied_rate
        """,
        (intervention,),
    )


APPRAISAL = "place_appraisal"


def programme(snap: Snapshot, place_code: str) -> dict:
    """The place's prevention programme in one line: present value of its costs and of the
    fiscal savings it is expected to bring public bodies, the part landing in national
    budgets, and the last year of the appraisals. From `place_appraisal` (every figure
    discounted to one base year) where the snapshot has it, else added up from
    `intervention_cba` (each intervention discounted to its own start)."""
    if not (snap.has(CBA) and snap.has(SAVINGS)):
        return {}
    rebased = snap.has(APPRAISAL) and "pv_rebased_gbp" in snap.columns(SAVINGS)
    source = APPRAISAL if rebased else CBA
    pv = "pv_rebased_gbp" if rebased else "pv_gbp"
    row = snap.query(
        f"""
        WITH costs AS (
            SELECT CAST(SUM(pv_costs_gbp) AS DOUBLE) AS pv_costs_gbp,
                   CAST(SUM(pv_fiscal_gbp) AS DOUBLE) AS pv_fiscal_gbp,
                   COUNT(*) AS rows_found,
                   COALESCE(BOOL_OR(is_synthetic), FALSE) AS cba_synthetic
            FROM {source} WHERE place_code = ?
        ), savings AS (
            SELECT CAST(SUM({pv}) FILTER (WHERE agency_tier = 'national') AS DOUBLE)
                       AS pv_national_fiscal_gbp,
                   MAX(financial_year) AS last_year,
                   COALESCE(BOOL_OR(is_synthetic), FALSE) AS savings_synthetic
            FROM {SAVINGS} WHERE place_code = ? AND value_type = 'fiscal'
        )
        SELECT * FROM costs, savings
        """,
        (place_code, place_code),
        needs=(source, SAVINGS),
    ).iloc[0]
    if not row["rows_found"] or pd.isna(row["pv_costs_gbp"]):
        return {}
    return {
        "pv_costs_gbp": row["pv_costs_gbp"],
        "pv_fiscal_gbp": row["pv_fiscal_gbp"],
        "pv_national_fiscal_gbp": 0.0
        if pd.isna(row["pv_national_fiscal_gbp"])
        else float(row["pv_national_fiscal_gbp"]),
        "last_year": row["last_year"],
        "rebased": rebased,
        "is_synthetic": bool(row["cba_synthetic"] or row["savings_synthetic"]),
    }


def appraisal_base_year(snap: Snapshot) -> str | None:
    """The one year `place_appraisal` discounts every present value to."""
    if not snap.has(APPRAISAL) or "pv_base_year" not in snap.columns(APPRAISAL):
        return None
    frame = snap.query(f"SELECT ANY_VALUE(pv_base_year) AS year FROM {APPRAISAL}")
    year = frame["year"].iloc[0] if len(frame) else None
    return None if year is None or pd.isna(year) else str(year)
