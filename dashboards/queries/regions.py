"""Regional context: the English region a place sits in, and HM Treasury's Country and
Regional Analysis spending there (the CRA is by region, not by combined authority)."""

from __future__ import annotations

import pandas as pd

from dashboards.queries.snapshot import Snapshot

# Used only while the `places` mart does not publish a `region` column. Derived from the
# reference seeds: the `region` of each place's member areas (dbt_project/seeds/reference/
# areas.csv via membership.csv). Where the members straddle two regions (East Midlands,
# Greater Lincolnshire) it is most members' region.
FALLBACK_REGIONS = {
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


def place_region(snap: Snapshot, place_code: str) -> str | None:
    """The place's English region: `places.region` where the snapshot publishes it, else the
    fallback list."""
    if "region" in snap.columns("places"):
        frame = snap.query(
            "SELECT ANY_VALUE(region) AS region FROM places WHERE place_code = ?",
            (place_code,),
        )
        region = frame["region"].iloc[0] if len(frame) else None
        return None if pd.isna(region) else str(region)
    return FALLBACK_REGIONS.get(place_code)


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
