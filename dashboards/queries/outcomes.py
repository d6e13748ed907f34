"""Outcome indicators (`place_outcomes`: Oflog's published measures, combined from each
place's member authorities) and councils' spending by service (`place_spend_by_service`)."""

from __future__ import annotations

import pandas as pd

from dashboards.queries.snapshot import Snapshot

OUTCOMES = "place_outcomes"
SPEND = "place_spend_by_service"


def indicators(snap: Snapshot, place_code: str) -> pd.DataFrame:
    """The indicators published for the place (breakdown 'all'), by name."""
    return snap.query(
        f"""
        SELECT indicator_id, ANY_VALUE(indicator_name) AS indicator_name
        FROM {OUTCOMES} WHERE place_code = ? AND breakdown = 'all'
        GROUP BY indicator_id ORDER BY indicator_name, indicator_id
        """,
        (place_code,),
        needs=(OUTCOMES,),
    )


def latest_by_indicator(snap: Snapshot, place_code: str) -> pd.DataFrame:
    """Each indicator's latest period for the place, against England."""
    return snap.query(
        f"""
        WITH rows AS (
            SELECT *, ROW_NUMBER() OVER (
                       PARTITION BY indicator_id ORDER BY financial_year DESC, period DESC
                   ) AS newest
            FROM {OUTCOMES} WHERE place_code = ? AND breakdown = 'all'
        )
        SELECT indicator_name, period, place_value, england_value, difference_from_england,
               compared_with_england, polarity, value_unit, members_reporting,
               population_share_reporting, publisher, data_provenance, is_synthetic
        FROM rows WHERE newest = 1
        ORDER BY indicator_name
        """,
        (place_code,),
        needs=(OUTCOMES,),
    )


def indicator_over_time(snap: Snapshot, indicator_id: str) -> pd.DataFrame:
    """One indicator for every place over time, and England's value in each period."""
    return snap.query(
        f"""
        SELECT place_code, place_name, financial_year, period, place_value, england_value,
               polarity, value_unit, compared_with_england, is_synthetic
        FROM {OUTCOMES} WHERE indicator_id = ? AND breakdown = 'all'
        ORDER BY financial_year, period, place_name
        """,
        (indicator_id,),
        needs=(OUTCOMES,),
    )


def spend_by_service(snap: Snapshot, place_code: str) -> pd.DataFrame:
    """The place's councils' revenue spending by service in its latest year with figures."""
    # Older snapshots publish neither how many areas report nor the source of each figure.
    extra = [c for c in ("reporting_areas", "data_provenance") if c in snap.columns(SPEND)]
    return snap.query(
        f"""
        WITH place AS (SELECT * FROM {SPEND} WHERE place_code = ?),
        latest AS (SELECT MAX(financial_year_start) AS start FROM place)
        SELECT financial_year, service_area, service_area_name,
               CAST(amount_gbp_nominal AS DOUBLE) AS amount_gbp_nominal,
               CAST(amount_gbp_real AS DOUBLE) AS amount_gbp_real,
               CAST(amount_per_head_real AS DOUBLE) AS amount_per_head_real,
               population, {"".join(f"{c}, " for c in extra)}is_synthetic
        FROM place, latest WHERE financial_year_start = latest.start
        ORDER BY amount_gbp_nominal DESC, service_area
        """,
        (place_code,),
        needs=(SPEND,),
    )
