"""The ONS lookup adapter on the real "Local Authority District to Combined Authority" lookups,
two vintages (May 2024: LAD24CD/CAUTH24CD; May 2025: LAD25CD/CAUTH25CD), copied byte for byte
into tests/fixtures/real/."""

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from orchestration.core.adapt_files import check
from orchestration.core.adapters import AdaptContext, ons_lookup, recognise
from schemas.common import ValidationContext

REAL = Path(__file__).parent / "fixtures" / "real"
MAY_2024 = REAL / "lad_to_cauth_may2024.csv"
MAY_2025 = REAL / "lad_to_cauth_may2025.csv"


@pytest.fixture(scope="module")
def bundled():
    return AdaptContext.for_feeds(None)


@pytest.fixture(scope="module")
def from_scratch(bundled):
    """Membership history built from the two lookups alone, oldest first."""
    empty = AdaptContext(bundled.areas, bundled.membership.iloc[0:0])
    first = ons_lookup.ADAPTER.adapt(MAY_2024, empty)
    second = ons_lookup.ADAPTER.adapt(MAY_2025, AdaptContext(bundled.areas, first.frame))
    return first, second


def members(frame: pd.DataFrame, place: str, day: str) -> set[str]:
    open_ = frame[
        (frame["place_code"] == place)
        & (frame["start_date"] <= day)
        & ((frame["end_date"] == "") | (frame["end_date"] >= day))
    ]
    return set(open_["area_code"])


@pytest.mark.parametrize("path", [MAY_2024, MAY_2025])
def test_recognised_by_headers(path):
    assert recognise(path) is ons_lookup.ADAPTER


def test_each_vintage_read_and_dated(bundled):
    may_2024 = ons_lookup.ADAPTER.adapt(MAY_2024, bundled)
    may_2025 = ons_lookup.ADAPTER.adapt(MAY_2025, bundled)
    snapshot_2024, snapshot_2025 = may_2024.details["snapshot"], may_2025.details["snapshot"]
    assert len(snapshot_2024) == 72 and snapshot_2024["place_code"].nunique() == 11
    assert len(snapshot_2025) == 106 and snapshot_2025["place_code"].nunique() == 15
    assert may_2024.details["as_at"] == dt.date(2024, 5, 31)
    assert may_2025.details["as_at"] == dt.date(2025, 5, 31)
    # lad_to_cauth_may2024.csv line 2: E08000001,Bolton,E47000001,Greater Manchester,1
    first = snapshot_2024.iloc[0]
    assert (first["area_code"], first["area_name"], first["place_code"]) == (
        "E08000001",
        "Bolton",
        "E47000001",
    )
    # the 2024 file quotes "Bristol, City of" (it contains a comma): E06000023 in E47000009
    bristol = snapshot_2024[snapshot_2024["area_code"] == "E06000023"]
    assert bristol["area_name"].tolist() == ["Bristol, City of"]
    assert bristol["place_code"].tolist() == ["E47000009"]
    # the 2025 file carries Barnsley's and Sheffield's new codes
    assert {"E08000038", "E08000039"} <= set(snapshot_2025["area_code"])
    assert "E08000016" not in set(snapshot_2025["area_code"])
    assert "E08000016" in set(snapshot_2024["area_code"])


def test_bundled_history_agrees_with_both_vintages(bundled):
    """The bundled membership (establishment dates from the reference-data README) already says
    what both real lookups say on their dates, so merging them changes nothing."""
    for path in (MAY_2024, MAY_2025):
        adapted = ons_lookup.ADAPTER.adapt(path, bundled)
        assert adapted.details["changes"] == [], adapted.details["changes"]
        assert len(adapted.frame) == len(bundled.membership)


def test_history_builds_up_from_successive_lookups(from_scratch):
    first, second = from_scratch
    history = second.frame
    # Greater Manchester's ten districts, seen first in May 2024
    gm = history[history["place_code"] == "E47000001"]
    assert len(gm) == 10 and set(gm["start_date"]) == {"2024-05-31"}
    assert set(gm["end_date"]) == {""}
    # Devon and Torbay (E47000015) appear in the 2025 vintage: members from its date, with the
    # county (E10000008 Devon) added for its districts
    devon = members(history, "E47000015", "2025-05-31")
    assert "E06000027" in devon and "E10000008" in devon and len(devon) == 10
    assert members(history, "E47000015", "2025-05-30") == set()
    # Barnsley's code changed: E08000016 ends on its last day and E08000038 follows the next day
    barnsley = history[history["area_code"].isin(["E08000016", "E08000038"])]
    assert barnsley[["area_code", "start_date", "end_date"]].values.tolist() == [
        ["E08000016", "2024-05-31", "2025-03-31"],
        ["E08000038", "2025-04-01", ""],
    ]
    assert any(
        "E08000016 in E47000002 on 2025-03-31 (its code ended)" in c
        for c in second.details["changes"]
    )


def test_counties_join_with_their_districts(from_scratch):
    first, _ = from_scratch
    # Cambridgeshire and Peterborough: five Cambridgeshire districts + Peterborough in the lookup;
    # the county council (E10000003) is added
    assert "E10000003" in members(first.frame, "E47000008", "2024-05-31")
    east_midlands = members(first.frame, "E47000013", "2024-05-31")
    assert {"E10000007", "E10000024"} <= east_midlands  # Derbyshire and Nottinghamshire


def test_output_meets_the_membership_contract(from_scratch, bundled):
    _, second = from_scratch
    context = ValidationContext(reference={"areas": bundled.areas})
    loaded, set_aside, problems = check(second, "reference/membership.csv", context)
    assert set_aside.empty and not [p for p in problems if p.severity == "block"]
    assert {"source_unit", "price_basis", "accounting_basis"} <= set(second.frame.columns)


def test_older_vintage_in_the_inbox_order_first(tmp_path):
    """Successive lookups are merged oldest first, whatever order they are given in."""
    from orchestration.core.adapt_files import recognise_all

    items = recognise_all([MAY_2025, MAY_2024])
    assert [i.path.name for i in items] == [MAY_2024.name, MAY_2025.name]
