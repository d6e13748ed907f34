"""The settlement checks: pot against announced total, lines pooled at most once, members."""

from __future__ import annotations

import pandas as pd

from dashboards.queries.snapshot import Snapshot


def checks_by_place(snap: Snapshot) -> pd.DataFrame:
    """How many of the checks each place fails, warns on (and no worse) and passes, all
    years: distinct checks, not rows, so a place with many lines does not look worse."""
    return snap.query(
        """
        WITH worst AS (
            SELECT place_code, "check",
                   CASE WHEN BOOL_OR(status = 'fail') THEN 'fail'
                        WHEN BOOL_OR(status = 'warn') THEN 'warn' ELSE 'pass' END AS status
            FROM settlement_checks WHERE place_code IS NOT NULL GROUP BY place_code, "check"
        )
        SELECT place_code,
               COUNT(*) FILTER (WHERE status = 'pass') AS checks_passed,
               COUNT(*) FILTER (WHERE status = 'warn') AS checks_warned,
               COUNT(*) FILTER (WHERE status = 'fail') AS checks_failed
        FROM worst GROUP BY place_code ORDER BY place_code
        """,
        needs=("settlement_checks",),
    )


def check_results(snap: Snapshot) -> pd.DataFrame:
    """Settlement checks by check and status, across every place and year."""
    return snap.query(
        """
        SELECT "check", status, COUNT(*) AS rows FROM settlement_checks
        GROUP BY "check", status
        ORDER BY CASE status WHEN 'fail' THEN 0 WHEN 'warn' THEN 1 ELSE 2 END, "check"
        """,
        needs=("settlement_checks",),
    )


def settlement_checks_for(snap: Snapshot, place_code: str) -> pd.DataFrame:
    """Every settlement check about the place, failures first."""
    return snap.query(
        """
        SELECT status, "check", settlement_id, financial_year, funding_line,
               CAST(expected_gbp AS DOUBLE) AS expected_gbp,
               CAST(actual_gbp AS DOUBLE) AS actual_gbp,
               CAST(difference_gbp AS DOUBLE) AS difference_gbp, detail
        FROM settlement_checks WHERE place_code = ?
        ORDER BY CASE status WHEN 'fail' THEN 0 WHEN 'warn' THEN 1 ELSE 2 END,
                 "check", financial_year, funding_line
        """,
        (place_code,),
        needs=("settlement_checks",),
    )


def reconciliation(snap: Snapshot, place_code: str, year: str) -> pd.DataFrame:
    """The pot against the announced total, per budget type (empty: both together), for the
    place's settlements in the year. Announced totals come at the grain the publication gives
    them (a total, per pillar or fund by fund); where one settlement has a coarser total
    (no funding line) as well as lines, only the coarser is counted, so nothing is counted
    twice. Lines still to be announced (TBC) are counted apart."""
    return snap.query(
        """
        WITH rows AS (
            SELECT *, MIN(CASE WHEN funding_line IS NULL THEN 0 ELSE 1 END) OVER (
                       PARTITION BY settlement_id, budget_type) AS coarsest
            FROM settlement_checks
            WHERE "check" = 'pot_matches_announced_total'
              AND place_code = ? AND financial_year = ?
        ), counted AS (
            SELECT * FROM rows
            WHERE (funding_line IS NULL) = (coarsest = 0)
        )
        SELECT budget_type,
               STRING_AGG(DISTINCT settlement_id, '; ' ORDER BY settlement_id) AS settlement_id,
               CAST(SUM(expected_gbp) AS DOUBLE) AS announced_gbp,
               CAST(SUM(actual_gbp) FILTER (WHERE expected_gbp IS NOT NULL) AS DOUBLE)
                   AS pot_gbp_nominal,
               CAST(SUM(difference_gbp) FILTER (WHERE expected_gbp IS NOT NULL) AS DOUBLE)
                   AS difference_gbp,
               COUNT(*) FILTER (WHERE expected_gbp IS NOT NULL) AS totals_announced,
               COUNT(*) FILTER (WHERE expected_gbp IS NULL) AS totals_to_be_announced,
               CAST(COALESCE(SUM(actual_gbp) FILTER (WHERE expected_gbp IS NULL), 0) AS DOUBLE)
                   AS pot_to_be_announced_gbp,
               CASE WHEN BOOL_OR(status = 'fail') THEN 'fail'
                    WHEN BOOL_OR(status = 'warn') THEN 'warn' ELSE 'pass' END AS status,
               STRING_AGG(DISTINCT TRIM(SPLIT_PART(detail, 'source: ', 2)), '; ')
                   AS source,
               COALESCE(BOOL_OR(is_synthetic), FALSE) AS is_synthetic
        FROM counted
        GROUP BY budget_type
        ORDER BY CASE budget_type WHEN 'resource' THEN 0 WHEN 'capital' THEN 1 ELSE 2 END
        """,
        (place_code, year),
        needs=("settlement_checks",),
    )


def announced_sources(snap: Snapshot, place_code: str, year: str) -> pd.DataFrame:
    """Where each announced total for the place's settlements in the year was published, at
    the grain it was announced (funding line and budget type empty = all of them)."""
    return snap.query(
        """
        SELECT settlement_id, funding_line, budget_type, status,
               TRIM(SPLIT_PART(detail, 'source: ', 2)) AS source
        FROM settlement_checks
        WHERE "check" = 'pot_matches_announced_total'
          AND place_code = ? AND financial_year = ?
        """,
        (place_code, year),
        needs=("settlement_checks",),
    )


def checks_in_year(snap: Snapshot, place_code: str, year: str) -> pd.DataFrame:
    """Every settlement check about the place in the year (and those about the whole
    settlement, with no year), failures first, then warnings."""
    return snap.query(
        """
        SELECT status, "check", settlement_id, financial_year, funding_line, budget_type,
               area_code,
               CAST(expected_gbp AS DOUBLE) AS expected_gbp,
               CAST(actual_gbp AS DOUBLE) AS actual_gbp,
               CAST(difference_gbp AS DOUBLE) AS difference_gbp, detail, is_synthetic
        FROM settlement_checks
        WHERE place_code = ? AND (financial_year = ? OR financial_year IS NULL)
        ORDER BY CASE status WHEN 'fail' THEN 0 WHEN 'warn' THEN 1 ELSE 2 END,
                 "check", funding_line, budget_type, area_code
        """,
        (place_code, year),
        needs=("settlement_checks",),
    )


def problems(snap: Snapshot) -> pd.DataFrame:
    """Every warning and failure, across places and years, failures first, with its detail."""
    return snap.query(
        """
        SELECT c.status, c."check", c.place_code, p.place_name, c.settlement_id,
               c.financial_year, c.funding_line, c.budget_type, c.area_code,
               CAST(c.expected_gbp AS DOUBLE) AS expected_gbp,
               CAST(c.actual_gbp AS DOUBLE) AS actual_gbp,
               CAST(c.difference_gbp AS DOUBLE) AS difference_gbp, c.detail, c.is_synthetic
        FROM settlement_checks c
        LEFT JOIN (SELECT place_code, ANY_VALUE(place_name) AS place_name FROM places
                   GROUP BY place_code) p USING (place_code)
        WHERE c.status <> 'pass'
        ORDER BY CASE c.status WHEN 'fail' THEN 0 ELSE 1 END, c."check", p.place_name,
                 c.financial_year, c.funding_line
        """,
        needs=("settlement_checks", "places"),
    )


def status_grid(snap: Snapshot) -> pd.DataFrame:
    """Place x check: the worst status of the check's rows about the place (all years), and
    how many rows warn or fail. National checks (no place) show as 'England'."""
    return snap.query(
        """
        SELECT COALESCE(p.place_name, 'England (national)') AS place_name, c."check",
               CASE WHEN BOOL_OR(c.status = 'fail') THEN 'fail'
                    WHEN BOOL_OR(c.status = 'warn') THEN 'warn' ELSE 'pass' END AS status,
               COUNT(*) FILTER (WHERE c.status <> 'pass') AS problems,
               COUNT(*) AS checks
        FROM settlement_checks c
        LEFT JOIN (SELECT place_code, ANY_VALUE(place_name) AS place_name FROM places
                   GROUP BY place_code) p USING (place_code)
        GROUP BY ALL ORDER BY place_name, c."check"
        """,
        needs=("settlement_checks", "places"),
    )
