"""What councils paid out (`place_spend_by_funding_line`: every published payment rolled up to
places), beside the revenue outturn the mart carries and the whole-place budget's allocations on
the same funding lines (`whole_place_budget`)."""

from __future__ import annotations

import pandas as pd

from dashboards.queries.snapshot import Snapshot

PAYMENTS = "place_spend_by_funding_line"
NOT_STATED = "not stated"  # the mart's funding line for payments a council did not charge to one


def has_payments(snap: Snapshot) -> bool:
    """Whether the snapshot holds any payment: the mart is published empty when the feeds
    have no spend_transactions folder."""
    if not snap.has(PAYMENTS):
        return False
    return bool(snap.query(f"SELECT COUNT(*) > 0 AS any FROM {PAYMENTS}").iloc[0]["any"])


def years_for(snap: Snapshot, place_code: str) -> list[str]:
    """Financial years with payments by the place's councils, oldest first."""
    frame = snap.query(
        f"""
        SELECT financial_year FROM {PAYMENTS} WHERE place_code = ?
        GROUP BY financial_year ORDER BY MIN(financial_year_start)
        """,
        (place_code,),
        needs=(PAYMENTS,),
    )
    return frame["financial_year"].tolist()


def _line_names(snap: Snapshot) -> str:
    """A subquery of funding line codes and names from the whole-place budget (codes only
    when it is not published)."""
    if snap.has("whole_place_budget"):
        return (
            "(SELECT funding_line, ANY_VALUE(funding_line_name) AS funding_line_name "
            "FROM whole_place_budget GROUP BY funding_line)"
        )
    return "(SELECT NULL::VARCHAR AS funding_line, NULL::VARCHAR AS funding_line_name)"


def payments(snap: Snapshot, place_code: str, year: str) -> pd.DataFrame:
    """The place's payments in the year, one row per service area and funding line."""
    names = _line_names(snap)
    return snap.query(
        f"""
        SELECT p.service_area, COALESCE(p.service_area_name, p.service_area) AS service_area_name,
               p.funding_line,
               CASE WHEN p.funding_line = '{NOT_STATED}' THEN 'Not stated by the council'
                    ELSE COALESCE(n.funding_line_name, p.funding_line) END AS funding_line_name,
               p.payments,
               CAST(p.amount_gbp_nominal AS DOUBLE) AS paid_gbp_nominal,
               CAST(p.refunds_gbp_nominal AS DOUBLE) AS refunds_gbp_nominal,
               CAST(p.amount_gbp_real AS DOUBLE) AS paid_gbp_real,
               CAST(p.amount_per_head_real AS DOUBLE) AS paid_per_head_real,
               p.reporting_areas, p.is_synthetic
        FROM {PAYMENTS} p LEFT JOIN {names} n USING (funding_line)
        WHERE p.place_code = ? AND p.financial_year = ?
        ORDER BY service_area_name, p.funding_line = '{NOT_STATED}', funding_line_name
        """,
        (place_code, year),
        needs=(PAYMENTS,),
    )


def by_service(snap: Snapshot, place_code: str, year: str) -> pd.DataFrame:
    """Per service area: what the councils paid out (net of refunds) beside their revenue
    outturn, which the mart repeats on each of the area's funding lines."""
    return snap.query(
        f"""
        SELECT service_area, COALESCE(ANY_VALUE(service_area_name), service_area)
                   AS service_area_name,
               CAST(SUM(payments) AS BIGINT) AS payments,
               CAST(SUM(amount_gbp_nominal) AS DOUBLE) AS paid_gbp_nominal,
               CAST(SUM(refunds_gbp_nominal) AS DOUBLE) AS refunds_gbp_nominal,
               CAST(SUM(amount_gbp_nominal) FILTER (WHERE funding_line = '{NOT_STATED}')
                    AS DOUBLE) AS not_stated_gbp_nominal,
               CAST(MAX(outturn_gbp_nominal) AS DOUBLE) AS outturn_gbp_nominal,
               CAST(SUM(amount_gbp_nominal) / NULLIF(MAX(outturn_gbp_nominal), 0) AS DOUBLE)
                   AS share_of_outturn,
               BOOL_OR(is_synthetic) AS is_synthetic
        FROM {PAYMENTS} WHERE place_code = ? AND financial_year = ?
        GROUP BY service_area ORDER BY paid_gbp_nominal DESC, service_area
        """,
        (place_code, year),
        needs=(PAYMENTS,),
    )


def by_funding_line(snap: Snapshot, place_code: str, year: str) -> pd.DataFrame:
    """Per funding line: what the councils charged to it beside what the whole-place budget
    says was allocated on it to the place and its members in the year."""
    if snap.has("whole_place_budget"):
        allocated = """
            (SELECT funding_line, ANY_VALUE(funding_line_name) AS funding_line_name,
                    SUM(amount_gbp_nominal) AS allocated, BOOL_OR(is_synthetic) AS synthetic
             FROM whole_place_budget WHERE place_code = ? AND financial_year = ?
             GROUP BY funding_line)
        """
        params: tuple = (place_code, year, place_code, year)
    else:
        allocated = (
            "(SELECT NULL::VARCHAR AS funding_line, NULL::VARCHAR AS funding_line_name, "
            "NULL::DECIMAL(18, 2) AS allocated, FALSE AS synthetic)"
        )
        params = (place_code, year)
    names = _line_names(snap)
    return snap.query(
        f"""
        WITH paid AS (
            SELECT funding_line, CAST(SUM(payments) AS BIGINT) AS payments,
                   SUM(amount_gbp_nominal) AS paid, SUM(refunds_gbp_nominal) AS refunds,
                   BOOL_OR(is_synthetic) AS synthetic
            FROM {PAYMENTS} WHERE place_code = ? AND financial_year = ?
            GROUP BY funding_line
        ), allocated AS {allocated}
        SELECT p.funding_line,
               CASE WHEN p.funding_line = '{NOT_STATED}' THEN 'Not stated by the council'
                    ELSE COALESCE(a.funding_line_name, n.funding_line_name, p.funding_line)
               END AS funding_line_name,
               p.payments,
               CAST(p.paid AS DOUBLE) AS paid_gbp_nominal,
               CAST(p.refunds AS DOUBLE) AS refunds_gbp_nominal,
               CAST(a.allocated AS DOUBLE) AS allocated_gbp_nominal,
               p.synthetic OR COALESCE(a.synthetic, FALSE) AS is_synthetic
        FROM paid p LEFT JOIN allocated a USING (funding_line)
             LEFT JOIN {names} n USING (funding_line)
        ORDER BY p.funding_line = '{NOT_STATED}', p.paid DESC, p.funding_line
        """,
        params,
        needs=(PAYMENTS,),
    )


def whole_place_total(snap: Snapshot, place_code: str, year: str) -> float | None:
    """Departmental allocations reaching the place and its members in the year (cash)."""
    if not snap.has("whole_place_budget"):
        return None
    value = snap.query(
        """
        SELECT CAST(SUM(amount_gbp_nominal) AS DOUBLE) AS total
        FROM whole_place_budget WHERE place_code = ? AND financial_year = ?
        """,
        (place_code, year),
    ).iloc[0]["total"]
    return None if pd.isna(value) else float(value)
