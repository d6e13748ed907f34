"""The dashboard adds present values across a place's interventions only on one basis: the
rebased values that place_appraisal publishes, never each intervention's own-start values."""

import duckdb
import pytest

from dashboards.queries import prevention
from dashboards.queries.snapshot import current_snapshot


@pytest.fixture
def snap(demo_warehouse):
    return current_snapshot(demo_warehouse)


def test_place_totals_equal_place_appraisal(snap, demo_warehouse):
    published = (demo_warehouse / "published").as_posix()
    appraisal = dict(
        duckdb.execute(
            f"select place_code, cast(npv_gbp as double) from '{published}/place_appraisal.parquet'"
        ).fetchall()
    )
    totals = prevention.place_totals(snap).set_index("place_code")["npv_gbp"].to_dict()
    assert totals.keys() == appraisal.keys()
    for place, npv in appraisal.items():
        assert totals[place] == pytest.approx(npv, abs=0.05), place


def test_own_start_sums_would_differ(snap, demo_warehouse):
    """York and North Yorkshire: own-start NPVs add to about -£189,531, rebased -£125,118."""
    published = (demo_warehouse / "published").as_posix()
    own_start = duckdb.execute(
        f"select sum(npv_gbp) from '{published}/intervention_cba.parquet' "
        "where place_code = 'E47000012'"
    ).fetchone()[0]
    totals = prevention.place_totals(snap).set_index("place_code")
    assert abs(float(own_start) - totals.loc["E47000012", "npv_gbp"]) > 1_000
