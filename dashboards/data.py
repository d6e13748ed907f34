"""Query layer: reads only the published Parquet snapshot, through an in-memory DuckDB.

A page resolves the snapshot once (`current_snapshot`) and asks every question of that
`Snapshot`, so a publish that lands mid-request cannot mix two runs. Results are cached per
(snapshot folder, run id): a new publish is a new folder and is picked up without a restart.
All user choices reach DuckDB as bound parameters, never as SQL text.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

PUBLISHED = "published"
MANIFEST = "manifest.json"


# The English region of each city-region, for regional context (HM Treasury's Country and
# Regional Analysis is by region). Derived from the reference seeds: the `region` of each
# place's member areas (dbt_project/seeds/reference/areas.csv via membership.csv). Where the
# members straddle two regions (East Midlands, Greater Lincolnshire) it is most members' region.
PLACE_REGIONS = {
    "E47000001": "North West",  # Greater Manchester
    "E47000002": "Yorkshire and The Humber",  # South Yorkshire
    "E47000003": "Yorkshire and The Humber",  # West Yorkshire
    "E47000004": "North West",  # Liverpool City Region
    "E47000006": "North East",  # Tees Valley
    "E47000007": "West Midlands",  # West Midlands
    "E47000008": "East of England",  # Cambridgeshire and Peterborough
    "E47000009": "South West",  # West of England
    "E47000010": "North East",  # North East (2014-2024)
    "E47000011": "North East",  # North of Tyne
    "E47000012": "Yorkshire and The Humber",  # York and North Yorkshire
    "E47000013": "East Midlands",  # East Midlands (18 of 19 members)
    "E47000014": "North East",  # North East
    "E47000015": "South West",  # Devon and Torbay
    "E47000016": "Yorkshire and The Humber",  # Hull and East Yorkshire
    "E47000017": "East Midlands",  # Greater Lincolnshire (7 of 10 members)
    "E47000018": "North West",  # Lancashire
}


class NoSnapshot(Exception):
    """Nothing usable is published yet; the message says what is missing."""


class MartNotPublished(LookupError):
    def __init__(self, mart: str):
        super().__init__(mart)
        self.mart = mart


class DataError(RuntimeError):
    """The published files could not be read."""


def load_manifest(folder: str | Path) -> dict:
    """The manifest of one snapshot folder."""
    path = Path(folder) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise NoSnapshot(f"{path} does not exist") from exc
    except (OSError, ValueError) as exc:
        raise NoSnapshot(f"{path} could not be read: {exc}") from exc
    if not isinstance(manifest, dict) or not manifest.get("run_id"):
        raise NoSnapshot(f"{path} has no run_id")
    return manifest


def current_snapshot(warehouse: str | Path) -> Snapshot:
    """The snapshot `WAREHOUSE/published` points at now."""
    published = Path(warehouse) / PUBLISHED
    if not published.exists():
        raise NoSnapshot(f"{published} does not exist")
    folder = os.path.realpath(published)
    manifest = load_manifest(folder)
    marts = {}
    for name, entry in (manifest.get("marts") or {}).items():
        file_name = os.path.basename(str((entry or {}).get("file") or f"{name}.parquet"))
        if name.isidentifier() and os.path.isfile(os.path.join(folder, file_name)):
            marts[name] = file_name
    if not marts:
        raise NoSnapshot(f"{folder} holds no published marts")
    return Snapshot(folder, str(manifest["run_id"]), manifest, marts)


@st.cache_data(show_spinner=False, max_entries=512)
def _query(folder: str, run_id: str, marts: tuple, sql: str, params: tuple) -> pd.DataFrame:
    # run_id is unused in the body: it is part of the cache key.
    # Open only the marts the query names: reading each file's footer is most of a cold query.
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", sql))
    try:
        with duckdb.connect() as con:
            for name, file_name in marts:
                if name in words:
                    con.read_parquet(os.path.join(folder, file_name)).create_view(name)
            return con.execute(sql, list(params)).df()
    except duckdb.Error as exc:
        raise DataError(str(exc)) from exc


_POT_COLUMNS = """
    CAST(SUM(contribution_gbp_nominal) AS DOUBLE) AS pot_gbp_nominal,
    CAST(SUM(contribution_gbp_real) AS DOUBLE) AS pot_gbp_real,
    COALESCE(BOOL_OR(is_synthetic), FALSE) AS is_synthetic
"""


@dataclass(frozen=True)
class Snapshot:
    folder: str
    run_id: str
    manifest: dict = field(compare=False, hash=False, repr=False)
    marts: dict = field(compare=False, hash=False, repr=False)

    @property
    def price_base_year(self) -> str:
        return str(self.manifest.get("price_base_year") or "")

    @property
    def synthetic_inputs(self) -> bool:
        return bool(self.manifest.get("synthetic_inputs"))

    def has(self, mart: str) -> bool:
        return mart in self.marts

    def query(self, sql: str, params: tuple = (), needs: tuple[str, ...] = ()) -> pd.DataFrame:
        for mart in needs:
            if not self.has(mart):
                raise MartNotPublished(mart)
        marts = tuple(sorted(self.marts.items()))
        return _query(self.folder, self.run_id, marts, sql, tuple(params))

    def columns(self, mart: str) -> list[str]:
        """The columns of a published mart (none if it is not published)."""
        if not self.has(mart):
            return []
        return self.query(f"DESCRIBE {mart}")["column_name"].tolist()

    # --- places and years -------------------------------------------------------------

    def places(self) -> pd.DataFrame:
        """Every city-region in the snapshot, sorted by name."""
        # A renamed place keeps its code: show the name it had last.
        return self.query(
            """
            SELECT place_code,
                   COALESCE(ARG_MAX(place_name, last_year), ANY_VALUE(place_name)) AS place_name
            FROM places GROUP BY place_code ORDER BY place_name, place_code
            """,
            needs=("places",),
        )

    def years_for(self, place_code: str) -> list[str]:
        """Financial years with allocations or a pot for the place, oldest first."""
        frame = self.query(
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

    # --- the pot ----------------------------------------------------------------------

    def pooled_budget(self, place_code: str, year: str) -> pd.DataFrame:
        """The contributions that make up the place's pot in the year, one row per line."""
        return self.query(
            """
            SELECT settlement_id, pillar, department, funding_line, funding_line_name,
                   budget_type,
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

    def pot_headline(self, place_code: str, year: str) -> dict:
        """Pot in cash and real terms, the population it serves and the real pot per head."""
        row = self.query(
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

    def pot_by_pillar(self, place_code: str, year: str) -> pd.DataFrame:
        return self.query(
            f"""
            SELECT pillar, budget_type, {_POT_COLUMNS}
            FROM pooled_budget WHERE place_code = ? AND financial_year = ?
            GROUP BY pillar, budget_type ORDER BY pillar, budget_type
            """,
            (place_code, year),
            needs=("pooled_budget",),
        )

    def pot_by_department(self, place_code: str, year: str) -> pd.DataFrame:
        names = (
            "(SELECT department, ANY_VALUE(department_name) AS department_name "
            "FROM whole_place_budget GROUP BY department)"
            if self.has("whole_place_budget")
            else "(SELECT NULL::VARCHAR AS department, NULL::VARCHAR AS department_name)"
        )
        return self.query(
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

    def share_pooled(self, place_code: str, year: str) -> dict:
        """How much of all departmental funding reaching the place goes into the pot."""
        row = self.query(
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

    def pot_by_year(self, place_code: str, by: str = "pillar") -> pd.DataFrame:
        """The place's pot by pillar (or department: column department_name) and budget type
        in every year, with the population."""
        if by == "department":
            group, column = "COALESCE(n.department_name, p.department)", "department_name"
            names = (
                "(SELECT department, ANY_VALUE(department_name) AS department_name "
                "FROM whole_place_budget GROUP BY department)"
                if self.has("whole_place_budget")
                else "(SELECT NULL::VARCHAR AS department, NULL::VARCHAR AS department_name)"
            )
        elif by == "pillar":
            group, column = "p.pillar", "pillar"
            names = "(SELECT NULL::VARCHAR AS department)"
        else:
            raise ValueError(f"cannot group the pot by {by!r}")
        return self.query(
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

    # --- every place at once ------------------------------------------------------------

    def populations(self, year: str) -> pd.DataFrame:
        """Each place's population in the year, or in the nearest year it has one (earlier
        first), with the year it is from."""
        return self.query(
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

    def pots_by_place(self, year: str) -> pd.DataFrame:
        """Every place's pot and share of departmental funding pooled in the year."""
        return self.query(
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

    def checks_by_place(self) -> pd.DataFrame:
        """How many settlement checks each place passes, warns on and fails (all years)."""
        return self.query(
            """
            SELECT place_code,
                   COUNT(*) FILTER (WHERE status = 'pass') AS checks_passed,
                   COUNT(*) FILTER (WHERE status = 'warn') AS checks_warned,
                   COUNT(*) FILTER (WHERE status = 'fail') AS checks_failed
            FROM settlement_checks GROUP BY place_code ORDER BY place_code
            """,
            needs=("settlement_checks",),
        )

    def check_results(self) -> pd.DataFrame:
        """Settlement checks by check and status, across every place and year."""
        return self.query(
            """
            SELECT "check", status, COUNT(*) AS rows FROM settlement_checks
            GROUP BY "check", status
            ORDER BY CASE status WHEN 'fail' THEN 0 WHEN 'warn' THEN 1 ELSE 2 END, "check"
            """,
            needs=("settlement_checks",),
        )

    def years(self) -> list[str]:
        """Every financial year with departmental funding, oldest first."""
        frame = self.query(
            """
            SELECT financial_year FROM whole_place_budget
            GROUP BY financial_year ORDER BY MIN(financial_year_start)
            """,
            needs=("whole_place_budget",),
        )
        return frame["financial_year"].tolist()

    # --- regional context -----------------------------------------------------------------

    def region_spend_by_function(self, region: str) -> pd.DataFrame:
        """Identifiable spending per head in the region by COFOG function, in the latest
        year (and, for that year, the latest release) of HM Treasury's Country and Regional
        Analysis, with the release, year, price base and provenance on every row."""
        return self.query(
            """
            WITH spend AS (
                SELECT * FROM region_spend_by_function
                WHERE region = ? AND identifiable = 'identifiable'
                  AND amount_per_head_real IS NOT NULL
            ), latest AS (
                SELECT release, financial_year FROM spend
                ORDER BY financial_year_start DESC, release DESC LIMIT 1
            )
            SELECT release, financial_year, region, cofog_function,
                   CAST(SUM(amount_gbp_real) AS DOUBLE) AS spend_gbp_real,
                   CAST(SUM(amount_per_head_real) AS DOUBLE) AS spend_per_head_real,
                   MAX(population) AS population, ANY_VALUE(price_base_year) AS price_base_year,
                   ANY_VALUE(source_unit) AS source_unit,
                   ANY_VALUE(data_provenance) AS data_provenance,
                   COALESCE(BOOL_OR(is_synthetic), FALSE) AS is_synthetic
            FROM spend JOIN latest USING (release, financial_year)
            GROUP BY release, financial_year, region, cofog_function
            ORDER BY spend_per_head_real DESC, cofog_function
            """,
            (region,),
            needs=("region_spend_by_function",),
        )

    # --- checks and provenance ----------------------------------------------------------

    def settlement_checks_for(self, place_code: str) -> pd.DataFrame:
        """Every settlement check about the place, failures first."""
        return self.query(
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

    def inputs(self) -> pd.DataFrame:
        """The input files the snapshot was built from, as the manifest lists them."""
        columns = ["feed", "file", "sha256", "rows_read", "rows_loaded", "rows_quarantined"]
        rows = [r for r in self.manifest.get("inputs") or [] if isinstance(r, dict)]
        return pd.DataFrame(rows, columns=columns)

    def mart_rows(self) -> pd.DataFrame:
        """Published marts and their row counts, as the manifest lists them."""
        listed = self.manifest.get("marts") or {}
        return pd.DataFrame(
            [
                {
                    "mart": name,
                    "file": (entry or {}).get("file"),
                    "rows": (entry or {}).get("rows"),
                    "published": name in self.marts,
                }
                for name, entry in sorted(listed.items())
            ],
            columns=["mart", "file", "rows", "published"],
        )
