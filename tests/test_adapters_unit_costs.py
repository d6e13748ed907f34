"""The unit cost adapter on the real GMCA Unit Cost Database v1.4 JSON compilation
(tests/fixtures/real/gmca_unit_cost_database_v1_4.json, copied byte for byte), and on a workbook
in the database's theme-sheet layout CONSTRUCTED in the test from real entries of that file."""

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from orchestration.core.adapt_files import check
from orchestration.core.adapters import recognise, unit_costs
from orchestration.core.load_feeds import reference_context
from orchestration.core.paths import BUNDLED_REFERENCE_DIR

REAL = Path(__file__).parent / "fixtures" / "real" / "gmca_unit_cost_database_v1_4.json"


@pytest.fixture(scope="module")
def adapted():
    return unit_costs.ADAPTER.adapt(REAL)


def by_code(frame: pd.DataFrame, code: str) -> dict:
    rows = frame[frame["unit_cost_code"] == code].to_dict("records")
    assert len(rows) == 1
    return rows[0]


def test_recognised_by_its_keys():
    assert recognise(REAL) is unit_costs.ADAPTER


def test_row_counts(adapted):
    assert len(adapted.frame) == 674  # the file's total_entries
    assert adapted.frame["theme"].nunique() == 7
    assert adapted.frame["unit_cost_code"].is_unique


def test_figures_read_from_the_file(adapted):
    # categories.crime.entries[0]: CR1.0, anti-social behaviour further action, 500.0, 2002/03
    first = by_code(adapted.frame, "CR1.0")
    assert Decimal(first["cost_gbp"]) == Decimal("500")
    assert first["price_year"] == "2002-03"  # written 2002/03 in source_detail
    assert first["agency"] == "Police" and first["theme"] == "Crime"
    # categories.crime.entries[1]: CR1.1, no further action, 35.0, Police
    assert Decimal(by_code(adapted.frame, "CR1.1")["cost_gbp"]) == Decimal("35")
    data = json.loads(REAL.read_text())
    health = data["categories"]["health"]["entries"][0]
    row = by_code(adapted.frame, health["code"])
    assert Decimal(row["cost_gbp"]) == Decimal(str(health["cost_gbp"]))


def test_units_stated(adapted):
    assert set(adapted.frame["source_unit"]) == {"£"}
    assert adapted.frame["price_basis"].str.startswith("prices of the cost's own price year").all()
    assert adapted.frame["accounting_basis"].str.startswith("unit cost estimate").all()


def test_same_as_the_bundled_seed(adapted):
    """The bundled unit_costs seed was built from the same file; the adapter agrees with it."""
    seed = pd.read_csv(BUNDLED_REFERENCE_DIR / "unit_costs.csv", dtype=str, keep_default_na=False)
    mine = adapted.frame.set_index("unit_cost_code")
    seed = seed.set_index("unit_cost_code")
    assert set(mine.index) == set(seed.index)
    for column in seed.columns:
        if column == "cost_gbp":
            left = mine[column].map(lambda v: Decimal(v) if v else None)
            right = seed[column].map(lambda v: Decimal(v) if v else None)
        else:
            left, right = mine[column], seed[column]
        assert left.reindex(seed.index).equals(right), column


def test_meets_the_unit_costs_contract(adapted):
    context, _ = reference_context(Path("/nonexistent"))
    loaded, set_aside, problems = check(adapted, "reference/unit_costs.csv", context)
    assert len(loaded) == len(adapted.frame) - len(set_aside)
    blocking = [p for p in problems if p.severity == "block"]
    assert not blocking, blocking[:3]


# --- the workbook layout, CONSTRUCTED from real entries -----------------------------------------
# The GMCA workbook itself is not available offline. This workbook is CONSTRUCTED in the test in
# its theme-sheet layout (a title row, then Code / Description / Unit / Agency / Agency detail /
# Fiscal cost (GBP) / Price year), filled with real entries from the JSON compilation.


def constructed_workbook(path: Path) -> tuple[Path, list[dict]]:
    data = json.loads(REAL.read_text())
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    used = []
    for key in ("crime", "health"):
        theme = data["categories"][key]
        sheet = workbook.create_sheet(theme["sheet"])
        sheet.append([f"{theme['sheet']}: unit costs (constructed test layout)"])
        sheet.append(
            [
                "Code",
                "Cost description",
                "Unit",
                "Agency",
                "Agency detail",
                "Fiscal cost (£)",
                "Price year",
            ]
        )
        for e in theme["entries"][:5]:
            sheet.append(
                [
                    e["code"],
                    e["description"],
                    e["unit"],
                    e["agency"],
                    e["agency_detail"],
                    e["cost_gbp"],
                    e["source_detail"],
                ]
            )
            used.append(e)
    workbook.save(path)
    return path, used


def test_workbook_layout_gives_the_same_rows(tmp_path, adapted):
    path, used = constructed_workbook(tmp_path / "unit_cost_database_constructed.xlsx")
    assert recognise(path) is unit_costs.ADAPTER
    from_workbook = unit_costs.ADAPTER.adapt(path).frame
    assert len(from_workbook) == 10
    from_json = adapted.frame[adapted.frame["unit_cost_code"].isin([e["code"] for e in used])]
    columns = ["unit_cost_code", "description", "unit", "price_year", "agency", "value_type"]
    left = from_workbook[columns].sort_values("unit_cost_code").reset_index(drop=True)
    right = from_json[columns].sort_values("unit_cost_code").reset_index(drop=True)
    pd.testing.assert_frame_equal(left, right)
    assert (
        from_workbook.set_index("unit_cost_code")["cost_gbp"].map(Decimal).to_dict()
        == from_json.set_index("unit_cost_code")["cost_gbp"].map(Decimal).to_dict()
    )
