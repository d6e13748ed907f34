"""The pot and the departmental funding around it: places, years, pots and shares."""

from __future__ import annotations

import pandas as pd

from dashboards.queries.snapshot import Snapshot

_POT_COLUMNS = """
    CAST(SUM(contribution_gbp_nominal) AS DOUBLE) AS pot_gbp_nominal,
    CAST(SUM(contribution_gbp_real) AS DOUBLE) AS pot_gbp_real,
    COALESCE(BOOL_OR(is_synthetic), FALSE) AS is_synthetic
"""


def _department_names(snap: Snapshot) -> str:
    """A subquery of department codes and names (empty when whole_place_budget is not
    published: the pot then shows codes)."""
    if snap.has("whole_place_budget"):
        return (
            "(SELECT department, ANY_VALUE(department_name) AS department_name "
            "FROM whole_place_budget GROUP BY department)"
        )
    return "(SELECT NULL::VARCHAR AS department, NULL::VARCHAR AS department_name)"


def places(snap: Snapshot) -> pd.DataFrame:
    """Every city-region in the snapshot, sorted by name, with the first and last financial
    year it exists in."""
    # A renamed place keeps its code: show the name it had last.
    return snap.query(
        """
        SELECT place_code,
               COALESCE(ARG_MAX(place_name, last_year), ANY_VALUE(place_name)) AS place_name,
               MIN(first_year) AS first_year, MAX(last_year) AS last_year
        FROM places GROUP BY place_code ORDER BY place_name, place_code
        """,
        needs=("places",),
    )


def years_for(snap: Snapshot, place_code: str) -> list[str]:
    """Financial years with allocations or a pot for the place, oldest first."""
    frame = snap.query(
        """
        SELECT financial_year FROM (
            SELECT financial_year, financial_year_start FROM whole_place_budget
            WHERE place_code = ?
            UNION
            SELECT financial_year, financial_year_start FROM pooled_budget
            WHERE place_code = ?
        ) GROUP BY financial_year ORDER BY MIN(financial_year_start)
        """,
        (place_code, place_code),
        needs=("whole_place_budget", "pooled_budget"),
    )
    return frame["financial_year"].tolist()


def pooled_budget(snap: Snapshot, place_code: str, year: str) -> pd.DataFrame:
    """The contributions that make up the place's pot in the year, one row per line."""
    return snap.query(
        """
        SELECT settlement_id, pillar, department, funding_line, funding_line_name,
               budget_type,
               CAST(line_total_gbp_nominal AS DOUBLE) AS line_total_gbp_nominal,
               share,
               CAST(contribution_gbp_nominal AS DOUBLE) AS contribution_gbp_nominal,
               CAST(contribution_gbp_real AS DOUBLE) AS contribution_gbp_real,
               CAST(contribution_per_head_real AS DOUBLE) AS contribution_per_head_real,
               is_synthetic
        FROM pooled_budget
        WHERE place_code = ? AND financial_year = ?
        ORDER BY pillar, department, funding_line, budget_type, settlement_id
        """,
        (place_code, year),
        needs=("pooled_budget",),
    )


def pot_headline(snap: Snapshot, place_code: str, year: str) -> dict:
    """Pot in cash and real terms, the population it serves and the real pot per head."""
    row = snap.query(
        f"""
        SELECT {_POT_COLUMNS}, MAX(population) AS population, COUNT(*) AS lines
        FROM pooled_budget WHERE place_code = ? AND financial_year = ?
        """,
        (place_code, year),
        needs=("pooled_budget",),
    ).iloc[0]
    population = None if pd.isna(row["population"]) else int(row["population"])
    real = None if pd.isna(row["pot_gbp_real"]) else float(row["pot_gbp_real"])
    return {
        "pot_gbp_nominal": 0.0
        if pd.isna(row["pot_gbp_nominal"])
        else float(row["pot_gbp_nominal"]),
        "pot_gbp_real": real,
        "population": population,
        "pot_per_head_real": real / population if real is not None and population else None,
        "lines": int(row["lines"]),
        "is_synthetic": bool(row["is_synthetic"]),
    }


def pot_by_pillar(snap: Snapshot, place_code: str, year: str) -> pd.DataFrame:
    return snap.query(
        f"""
        SELECT pillar, budget_type, {_POT_COLUMNS}
        FROM pooled_budget WHERE place_code = ? AND financial_year = ?
        GROUP BY pillar, budget_type ORDER BY pillar, budget_type
        """,
        (place_code, year),
        needs=("pooled_budget",),
    )


def pot_by_department(snap: Snapshot, place_code: str, year: str) -> pd.DataFrame:
    names = _department_names(snap)
    return snap.query(
        f"""
        SELECT p.department, COALESCE(n.department_name, p.department) AS department_name,
               p.budget_type, {_POT_COLUMNS}
        FROM pooled_budget p LEFT JOIN {names} n USING (department)
        WHERE p.place_code = ? AND p.financial_year = ?
        GROUP BY ALL ORDER BY department_name, p.budget_type
        """,
        (place_code, year),
        needs=("pooled_budget",),
    )


def share_pooled(snap: Snapshot, place_code: str, year: str) -> dict:
    """How much of all departmental funding reaching the place goes into the pot."""
    row = snap.query(
        """
        SELECT CAST(SUM(pooled_gbp_nominal) AS DOUBLE) AS pooled_gbp_nominal,
               CAST(SUM(amount_gbp_nominal) AS DOUBLE) AS total_gbp_nominal,
               COALESCE(BOOL_OR(is_synthetic), FALSE) AS is_synthetic
        FROM whole_place_budget WHERE place_code = ? AND financial_year = ?
        """,
        (place_code, year),
        needs=("whole_place_budget",),
    ).iloc[0]
    pooled = 0.0 if pd.isna(row["pooled_gbp_nominal"]) else float(row["pooled_gbp_nominal"])
    total = 0.0 if pd.isna(row["total_gbp_nominal"]) else float(row["total_gbp_nominal"])
    return {
        "pooled_gbp_nominal": pooled,
        "total_gbp_nominal": total,
        "share": pooled / total if total else None,
        "is_synthetic": bool(row["is_synthetic"]),
    }


def pot_by_year(snap: Snapshot, place_code: str, by: str = "pillar") -> pd.DataFrame:
    """The place's pot by pillar (or department: column department_name) and budget type
    in every year, with the population."""
    if by == "department":
        group, column = "COALESCE(n.department_name, p.department)", "department_name"
        names = _department_names(snap)
    elif by == "pillar":
        group, column = "p.pillar", "pillar"
        names = "(SELECT NULL::VARCHAR AS department)"
    else:
        raise ValueError(f"cannot group the pot by {by!r}")
    return snap.query(
        f"""
        SELECT p.financial_year, {group} AS {column}, p.budget_type, {_POT_COLUMNS},
               MAX(p.population) AS population
        FROM pooled_budget p LEFT JOIN {names} n USING (department)
        WHERE p.place_code = ?
        GROUP BY p.financial_year, p.financial_year_start, {group}, p.budget_type
        ORDER BY p.financial_year_start, {column}, p.budget_type
        """,
        (place_code,),
        needs=("pooled_budget",),
    )


def populations(snap: Snapshot, year: str) -> pd.DataFrame:
    """Each place's population in the year, or in the nearest year it has one (earlier
    first), with the year it is from."""
    return snap.query(
        """
        WITH by_year AS (
            SELECT place_code, financial_year, financial_year_start,
                   MAX(population) AS population
            FROM whole_place_budget WHERE population IS NOT NULL
            GROUP BY ALL
        ), ranked AS (
            SELECT *, ABS(financial_year_start - CAST(LEFT(?, 4) AS INTEGER)) * 2
                      + (financial_year_start > CAST(LEFT(?, 4) AS INTEGER))::INTEGER
                      AS distance
            FROM by_year
        )
        SELECT place_code, ARG_MIN(population, distance) AS population,
               ARG_MIN(financial_year, distance) AS population_year
        FROM ranked GROUP BY place_code ORDER BY place_code
        """,
        (year, year),
        needs=("whole_place_budget",),
    )


def pots_by_place(snap: Snapshot, year: str) -> pd.DataFrame:
    """Every place's pot and share of departmental funding pooled in the year."""
    return snap.query(
        """
        WITH pots AS (
            SELECT place_code,
                   CAST(SUM(contribution_gbp_nominal) AS DOUBLE) AS pot_gbp_nominal,
                   CAST(SUM(contribution_gbp_real) AS DOUBLE) AS pot_gbp_real,
                   COALESCE(BOOL_OR(is_synthetic), FALSE) AS pot_synthetic
            FROM pooled_budget WHERE financial_year = ? GROUP BY place_code
        ), funding AS (
            SELECT place_code,
                   CAST(SUM(pooled_gbp_nominal) AS DOUBLE) AS pooled_gbp_nominal,
                   CAST(SUM(amount_gbp_nominal) AS DOUBLE) AS total_gbp_nominal,
                   COALESCE(BOOL_OR(is_synthetic), FALSE) AS funding_synthetic
            FROM whole_place_budget WHERE financial_year = ? GROUP BY place_code
        )
        SELECT place_code, COALESCE(p.pot_gbp_nominal, 0) AS pot_gbp_nominal,
               COALESCE(p.pot_gbp_real, 0) AS pot_gbp_real,
               f.total_gbp_nominal,
               f.pooled_gbp_nominal / NULLIF(f.total_gbp_nominal, 0) AS share_pooled,
               COALESCE(p.pot_synthetic, FALSE) OR COALESCE(f.funding_synthetic, FALSE)
                   AS is_synthetic
        FROM funding f FULL JOIN pots p USING (place_code)
        ORDER BY place_code
        """,
        (year, year),
        needs=("pooled_budget", "whole_place_budget"),
    )


def years(snap: Snapshot) -> list[str]:
    """Every financial year with departmental funding, oldest first."""
    frame = snap.query(
        """
        SELECT financial_year FROM whole_place_budget
        GROUP BY financial_year ORDER BY MIN(financial_year_start)
        """,
        needs=("whole_place_budget",),
    )
    return frame["financial_year"].tolist()
