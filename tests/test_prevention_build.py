"""The prevention savings engine on the bundled demo: the build publishes its marts, their totals
add up, every figure traces back to a feed row, and a broken benefit row stops the build."""

import csv
import datetime as dt
from decimal import Decimal

import duckdb
import pandas as pd

from orchestration.cli.build import run_build
from orchestration.core.paths import BUNDLED_REFERENCE_DIR, DEMO_FEEDS_DIR
from orchestration.tools import generate_demo_interventions

PREVENTION_MARTS = [
    "prevention_savings",
    "intervention_cba",
    "savings_by_agency",
    "place_prevention_summary",
    "place_appraisal",
    "intervention_sensitivity",
]
DEMO_INTERVENTIONS = DEMO_FEEDS_DIR / "interventions"


def read(published, mart: str, where: str = "true") -> pd.DataFrame:
    return duckdb.execute(f"select * from '{published(mart)}' where {where}").df()


def test_demo_build_publishes_the_prevention_marts(demo_warehouse, demo_manifest):
    for mart in PREVENTION_MARTS:
        path = demo_warehouse / "published" / f"{mart}.parquet"
        rows = duckdb.execute(f"select count(*) from '{path}'").fetchone()[0]
        assert rows == demo_manifest["marts"][mart]["rows"] > 0, mart
    inputs = {item["file"] for item in demo_manifest["inputs"]}
    assert {
        "interventions/interventions.csv",
        "interventions/intervention_costs.csv",
        "interventions/intervention_benefits.csv",
    } <= inputs


def total(published, mart: str, expression: str, where: str = "true") -> Decimal:
    """An exact (decimal) total of a published mart."""
    return duckdb.execute(
        f"select sum({expression}) from '{published(mart)}' where {where}"
    ).fetchone()[0]


def test_place_summary_totals_equal_the_sums_of_prevention_savings(published):
    def both(summary_expression, savings_expression, where="true"):
        return (
            total(published, "place_prevention_summary", summary_expression),
            total(published, "prevention_savings", savings_expression, where),
        )

    fiscal = "value_type = 'fiscal'"
    for summary_expression, savings_expression, where in [
        ("fiscal_gbp", "net_gbp", fiscal),
        ("local_fiscal_gbp + national_fiscal_gbp", "net_gbp", fiscal),
        ("economic_gbp", "net_gbp", "value_type = 'economic'"),
        ("social_gbp", "net_gbp", "value_type = 'social'"),
        ("cashable_gbp", "cashable_gbp", "true"),
        ("national_cashable_gbp", "cashable_gbp", "agency_tier = 'national'"),
        ("pv_fiscal_gbp + pv_economic_gbp + pv_social_gbp", "pv_rebased_gbp", "true"),
        ("pv_cashable_gbp", "pv_cashable_rebased_gbp", "true"),
    ]:
        summary_total, savings_total = both(summary_expression, savings_expression, where)
        assert isinstance(summary_total, Decimal)
        assert summary_total == savings_total > 0, summary_expression


def test_every_place_in_2025_26_has_3_to_6_synthetic_interventions(published):
    cba = read(published, "intervention_cba")
    counts = cba.groupby("place_code").size()
    with open(BUNDLED_REFERENCE_DIR / "areas.csv", encoding="utf-8") as f:
        places = {
            a["area_code"]
            for a in csv.DictReader(f)
            if a["area_type"] == "combined authority"
            and (not a["end_date"] or dt.date.fromisoformat(a["end_date"]) >= dt.date(2025, 9, 30))
            and dt.date.fromisoformat(a["start_date"]) <= dt.date(2025, 9, 30)
        }
    assert set(counts.index) == places
    assert counts.between(3, 6).all()
    assert cba.is_synthetic.all()
    kinds = {name.split(" (")[0] for name in cba.name}
    assert kinds == {
        "Key workers for families with complex needs",
        "Youth justice diversion",
        "Falls prevention for older people",
        "Employment support for people out of work",
        "Rough sleeping prevention",
    }


def test_npv_and_returns_follow_from_the_present_values(published):
    cba = published("intervention_cba")
    mismatches = duckdb.execute(
        f"""select count(*) from '{cba}'
        where npv_gbp <> pv_fiscal_gbp + pv_economic_gbp + pv_social_gbp - pv_costs_gbp
            or financial_roi <> round(pv_fiscal_gbp / pv_costs_gbp, 4)
            or price_base_year <> '2024-25'"""
    ).fetchone()[0]
    assert mismatches == 0
    # The demo shows both: interventions that pay back and some whose payback never comes.
    paid, never = duckdb.execute(
        f"select count(payback_years), count(*) - count(payback_years) from '{cba}'"
    ).fetchone()
    assert paid > 0 and never > 0


def test_payback_is_the_first_year_cumulative_fiscal_savings_cover_costs(published, working_db):
    for intervention_id, payback in duckdb.execute(
        f"select intervention_id, payback_years from '{published('intervention_cba')}' "
        "order by intervention_id limit 12"
    ).fetchall():
        fiscal = dict(
            duckdb.execute(
                f"select year_index, sum(pv_gbp) from '{published('prevention_savings')}' "
                "where intervention_id = ? and value_type = 'fiscal' group by year_index",
                [intervention_id],
            ).fetchall()
        )
        costs = dict(
            working_db.execute(
                "select year_index, pv_cost_gbp from intermediate.int_prevention_cost_years "
                "where intervention_id = ?",
                [intervention_id],
            ).fetchall()
        )
        saved = spent = Decimal(0)
        expected = None
        for year in range(max([*fiscal, *costs]) + 1):
            saved += fiscal.get(year, Decimal(0))
            spent += costs.get(year, Decimal(0))
            if saved >= spent and saved > 0:
                expected = year + 1
                break
        assert payback == expected, intervention_id


def test_every_saving_traces_to_its_benefit_row(published):
    savings = read(published, "prevention_savings")
    with open(DEMO_INTERVENTIONS / "intervention_benefits.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for saving in savings.sample(50, random_state=1).itertuples():
        assert saving.source_file == "interventions/intervention_benefits.csv"
        row = rows[saving.source_row - 2]  # rows[0] is Excel row 2, under the header
        assert (row["benefit_id"], row["unit_cost_code"]) == (
            saving.benefit_id,
            saving.unit_cost_code,
        )
        offset, duration = int(row["start_offset_years"]), int(row["duration_years"])
        assert offset <= saving.year_index < offset + duration


def test_only_fiscal_values_are_cashable_or_savings_to_an_agency(published):
    savings = read(published, "prevention_savings")
    other = savings[savings.value_type != "fiscal"]
    assert len(other) > 0 and (other.cashable_gbp == 0).all()
    by_agency = total(published, "savings_by_agency", "pv_fiscal_gbp")
    assert by_agency == total(
        published, "prevention_savings", "pv_rebased_gbp", "value_type = 'fiscal'"
    )
    assert read(published, "savings_by_agency").is_wrong_pocket.any()


def test_retained_is_local_cashable_plus_gain_share_of_national_cashable(published):
    summary = published("place_prevention_summary")
    wrong = duckdb.execute(
        f"""select count(*) from '{summary}'
        where retained_cashable_by_place_gbp <> cast(round(cast(local_cashable_gbp as double)
            + gain_share_rate * cast(national_cashable_gbp as double), 2) as decimal(18, 2))"""
    ).fetchone()[0]
    assert wrong == 0
    before_settlement = read(published, "place_prevention_summary", "settlement_id is null")
    assert len(before_settlement) > 0
    assert (before_settlement.gain_share_rate == 0).all()
    assert (
        before_settlement.retained_cashable_by_place_gbp == before_settlement.local_cashable_gbp
    ).all()
    with_gain_share = total(
        published,
        "place_prevention_summary",
        "retained_cashable_by_place_gbp - local_cashable_gbp",
    )
    assert with_gain_share > 0
    # Both sides cashable: the demo's local savings are not all cashable, so counting local
    # fiscal savings (as the mart once did) would retain more than can leave a budget.
    assert total(published, "place_prevention_summary", "local_fiscal_gbp - local_cashable_gbp") > 0


def test_place_appraisal_adds_present_values_on_one_base_year(published):
    """Own-start present values of interventions starting in different years do not add up:
    place_appraisal's are discounted to one year, so they are less than the own-start sums
    wherever a place has an intervention starting after the base year."""
    rows = duckdb.execute(
        f"""select a.place_code, a.pv_costs_gbp, a.npv_gbp, a.pv_base_year,
               sum(c.pv_costs_gbp) as own_start_costs, sum(c.pv_costs_rebased_gbp) as rebased,
               max(c.start_year) as last_start
        from '{published("place_appraisal")}' a
        join '{published("intervention_cba")}' c using (place_code)
        group by all"""
    ).df()
    assert set(rows.pv_base_year) == {"2024-25"}
    assert (rows.pv_costs_gbp == rows.rebased).all()
    later = rows[rows.last_start > "2024-25"]
    assert len(later) > 0 and (later.pv_costs_gbp < later.own_start_costs).all()


def test_sensitivity_brackets_the_base_npv(published):
    sensitivity = read(published, "intervention_sensitivity")
    cba = read(published, "intervention_cba", "benefit_streams > 0")
    assert set(sensitivity.intervention_id) == set(cba.intervention_id)
    assert (sensitivity.groupby("intervention_id").size() == 5).all()
    success = sensitivity[sensitivity.varied_rate == "success_rate"]
    assert (success.npv_at_low_gbp <= success.npv_gbp).all()
    assert (success.npv_gbp <= success.npv_at_high_gbp).all()
    deadweight = sensitivity[sensitivity.varied_rate == "deadweight"]
    assert (deadweight.npv_at_high_gbp <= deadweight.npv_at_low_gbp).all()
    switching = deadweight.dropna(subset=["switching_deadweight"])
    positive = switching[switching.npv_gbp > 0]
    assert len(positive) > 0
    assert (positive.switching_deadweight >= positive.assumed_deadweight).all()


def test_the_demo_generator_writes_the_bundled_files_again(tmp_path, monkeypatch):
    monkeypatch.setattr(generate_demo_interventions, "OUT", tmp_path)
    generate_demo_interventions.main()
    for name in ["interventions.csv", "intervention_costs.csv", "intervention_benefits.csv"]:
        assert (tmp_path / name).read_bytes() == (DEMO_INTERVENTIONS / name).read_bytes(), name
    with open(tmp_path / "interventions.csv", encoding="utf-8") as f:
        provenance = {r["data_provenance"] for r in csv.DictReader(f)}
    assert provenance == {"synthetic: wholeplace demo generator (seed 20251121)"}


def _break_row(feeds, relative: str, row: int, column: str, value: str) -> None:
    path = feeds / relative
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[row - 2, column] = value  # row as Excel numbers it: the header is row 1
    frame.to_csv(path, index=False)


def test_a_broken_benefit_row_stops_the_build_naming_file_row_column(
    demo_feeds_copy, tmp_path, capsys
):
    _break_row(demo_feeds_copy, "interventions/intervention_benefits.csv", 5, "deadweight", "1.3")
    capsys.readouterr()
    assert run_build(demo_feeds_copy, tmp_path / "warehouse", "2024-25") == 1
    out = capsys.readouterr().out
    assert (
        "interventions/intervention_benefits.csv row 5, column deadweight: '1.3' must be "
        "between 0 and 1" in out
    )
    assert not (tmp_path / "warehouse" / "published").exists()


def test_build_summary_says_the_period_and_basis_of_each_prevention_figure(
    demo_warehouse, published, capsys
):
    from orchestration.cli.summary import money, print_summary
    from orchestration.core.paths import WarehouseLayout

    print_summary(WarehouseLayout(demo_warehouse), 0)
    out = capsys.readouterr().out
    assert (
        "all years of each appraisal: present values in 2024-25 prices discounted to 2024-25; "
        "costs as the business cases give them, not split into resource and capital" in out
    )
    name, npv, retained = duckdb.execute(
        f"select place_name, npv_gbp, pv_retained_cashable_by_place_gbp "
        f"from '{published('place_appraisal')}' order by place_code limit 1"
    ).fetchone()
    line = next(line for line in out.splitlines() if line.strip().startswith(name))
    assert f"net present value {money(float(npv))}," in line
    assert f"cashable savings retained {money(float(retained))}" in line
    assert "[synthetic]" in line
