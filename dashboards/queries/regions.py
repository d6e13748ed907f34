"""Regional context: the English region a place sits in, and HM Treasury's Country and
Regional Analysis spending there (the CRA is by region, not by combined authority)."""

from __future__ import annotations

import pandas as pd

from dashboards.queries.snapshot import Snapshot


def place_region(snap: Snapshot, place_code: str) -> str | None:
    """The place's English region (`places.region`: the region most of its member areas are
    in); None when the snapshot does not say."""
    if "region" not in snap.columns("places"):
        return None
    frame = snap.query(
        "SELECT ANY_VALUE(region) AS region FROM places WHERE place_code = ?",
        (place_code,),
    )
    region = frame["region"].iloc[0] if len(frame) else None
    return None if pd.isna(region) else str(region)


def region_spend_by_function(snap: Snapshot, region: str) -> pd.DataFrame:
    """Identifiable spending per head in the region by COFOG function, in the latest
    year (and, for that year, the latest release) of HM Treasury's Country and Regional
    Analysis, with the release, year, price base and provenance on every row."""
    return snap.query(
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
