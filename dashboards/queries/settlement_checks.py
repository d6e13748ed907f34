"""The settlement checks: pot against announced total, lines pooled at most once, members."""

from __future__ import annotations

import pandas as pd

from dashboards.queries.snapshot import Snapshot


def checks_by_place(snap: Snapshot) -> pd.DataFrame:
    """How many settlement checks each place passes, warns on and fails (all years)."""
    return snap.query(
        """
        SELECT place_code,
               COUNT(*) FILTER (WHERE status = 'pass') AS checks_passed,
               COUNT(*) FILTER (WHERE status = 'warn') AS checks_warned,
               COUNT(*) FILTER (WHERE status = 'fail') AS checks_failed
        FROM settlement_checks GROUP BY place_code ORDER BY place_code
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
