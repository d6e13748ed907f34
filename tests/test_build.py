"""The whole graph on the bundled demo feeds, and on broken copies of them."""

import json
from decimal import Decimal

import duckdb
import pandas as pd

from orchestration.cli.build import run_build
from orchestration.cli.main import main

# Greater Manchester's 2025-26 integrated settlement as quoted in the GOV.UK policy paper
# (20 Dec 2024): the fund lines with amounts, RDEL and CDEL (shared/reference-data notes, sec. 1).
GM_2025_26_GOV_UK_LINES = [
    30_349_418,
    12_866_197,
    6_960_000,
    10_800_000,
    947_500,
    215_506_000,
    43_664_250,
    125_000,
    2_953_691,
    13_150_811,
    6_500_000,
    1_560_000,
    340_000,
    102_000_000,
]


def test_demo_build_publishes_every_mart_with_a_manifest(demo_warehouse, demo_manifest):
    published = demo_warehouse / "published"
    assert published.is_symlink()
    for mart in [
        "places",
        "whole_place_budget",
        "pooled_budget",
        "place_spend_by_service",
        "settlement_checks",
    ]:
        rows = duckdb.execute(
            f"select count(*) from '{published / (mart + '.parquet')}'"
        ).fetchone()[0]
        assert rows == demo_manifest["marts"][mart]["rows"] > 0
    assert demo_manifest["synthetic_inputs"] is True
    assert demo_manifest["price_base_year"] == "2024-25"


def test_manifest_accounts_for_every_input_row(demo_manifest):
    assert demo_manifest["inputs"], "no inputs recorded"
    for item in demo_manifest["inputs"]:
        assert len(item["sha256"]) == 64
        assert item["rows_read"] == item["rows_loaded"] + item["rows_quarantined"], item


def test_greater_manchester_2025_26_pot_is_the_real_fund_lines(published):
    pot = duckdb.execute(
        f"select sum(contribution_gbp_nominal) from '{published('pooled_budget')}' "
        "where settlement_id = 'GMCA-IS-2025' and financial_year = '2025-26'"
    ).fetchone()[0]
    assert pot == Decimal(sum(GM_2025_26_GOV_UK_LINES))


def test_real_terms_use_the_gdp_deflator(published, working_db):
    d = dict(
        working_db.execute(
            "select financial_year, gdp_deflator_index from reference.deflators"
        ).fetchall()
    )
    row = duckdb.execute(
        f"select amount_gbp_nominal, amount_gbp_real from '{published('whole_place_budget')}' "
        "where place_code = 'E47000001' and financial_year = '2019-20' and "
        "funding_line = 'DHSC-PHG'"
    ).fetchone()
    expected = float(row[0]) * float(d["2024-25"]) / float(d["2019-20"])
    assert abs(float(row[1]) - expected) < 0.01


def test_newcastle_follows_north_east_membership_changes(working_db):
    rows = dict(
        working_db.execute(
            "select financial_year, place_code from intermediate.int_area_place_by_year "
            "where area_code = 'E08000021' and financial_year in ('2018-19', '2019-20', '2024-25')"
        ).fetchall()
    )
    assert rows == {"2018-19": "E47000010", "2019-20": "E47000011", "2024-25": "E47000014"}


def test_barnsley_counts_under_its_old_code_then_its_new_one(working_db):
    rows = working_db.execute(
        "select financial_year, area_code from intermediate.int_allocations_to_places "
        "where area_code in ('E08000016', 'E08000038') and funding_line = 'DHSC-PHG' "
        "and financial_year in ('2024-25', '2025-26') order by 1"
    ).fetchall()
    assert rows == [("2024-25", "E08000016"), ("2025-26", "E08000038")]


def test_pooled_share_matches_pot(published):
    budget, pot = (
        duckdb.execute(
            f"select sum(pooled_gbp_nominal) from '{published('whole_place_budget')}'"
        ).fetchone()[0],
        duckdb.execute(
            f"select sum(contribution_gbp_nominal) from '{published('pooled_budget')}'"
        ).fetchone()[0],
    )
    assert abs(budget - pot) < 100  # per-row rounding to the penny only


def test_demo_settlement_checks_fail_only_the_seeded_synthetic_total(demo_manifest, published):
    # The demo seeds one error on purpose (generate_demo_feeds.ANNOUNCED): WYCA-DD-2021's
    # synthetic 2023-24 capital total is off by GBP 2.5m. Nothing else may fail.
    assert demo_manifest["checks"]["failed"] == 1
    failed = duckdb.execute(
        f'select "check", settlement_id, financial_year, budget_type, is_synthetic '
        f"from '{published('settlement_checks')}' where status = 'fail'"
    ).fetchall()
    assert failed == [("pot_matches_announced_total", "WYCA-DD-2021", "2023-24", "capital", True)]


def test_demo_shows_every_check(published):
    checks = duckdb.execute(
        f"select distinct \"check\" from '{published('settlement_checks')}'"
    ).fetchall()
    assert {c for (c,) in checks} == {
        "pot_matches_announced_total", "announced_total_on_file", "member_receives_pooled_line",
        "partial_year_member", "line_pooled_at_most_once", "area_in_one_place",
        "control_total_matches", "pot_real_terms_movement", "pillar_movement_within_limit",
        "intervention_line_is_pooled", "payback_within_settlement", "benefit_not_double_counted",
    }  # fmt: skip


def test_every_settlement_year_has_an_announced_total_row(published):
    # The audit: 127 of 131 settlement-years had no reconciliation row at all.
    missing = duckdb.execute(
        f"select count(*) from (select settlement_id, financial_year "
        f"from '{published('pooled_budget')}' group by 1, 2) p "
        f"anti join (select * from '{published('settlement_checks')}' "
        f"where \"check\" = 'announced_total_on_file') c using (settlement_id, financial_year)"
    ).fetchone()[0]
    assert missing == 0


def test_greater_manchester_total_is_reconciled_per_fund_and_budget_type(published):
    # The audit: GM 2025-26 was checked as one GBP 447.7m figure made from the pot itself.
    rows = duckdb.execute(
        f"select budget_type, sum(expected_gbp), count(*) filter (where status = 'warn') "
        f"from '{published('settlement_checks')}' where \"check\" = 'pot_matches_announced_total' "
        f"and settlement_id = 'GMCA-IS-2025' group by 1 order by 1 nulls last"
    ).fetchall()
    assert rows == [
        ("capital", Decimal("239172197.00"), 0),
        ("resource", Decimal("208550670.00"), 0),
        (None, None, 6),  # the paper's TBC lines: not yet announced
    ]


def test_demo_interventions_name_pooled_lines(published):
    statuses = duckdb.execute(
        f"select status, count(*) from '{published('settlement_checks')}' "
        f"where \"check\" = 'intervention_line_is_pooled' group by 1"
    ).fetchall()
    assert "fail" not in dict(statuses)


def _break_row(feeds, file, row_number, column, value):
    path = feeds / file
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[row_number - 2, column] = value  # as Excel numbers it: the header is row 1
    frame.to_csv(path, index=False)


def test_broken_row_exits_1_names_it_and_keeps_the_last_snapshot(
    demo_feeds_copy, demo_warehouse_copy, capsys
):
    warehouse = demo_warehouse_copy
    before = json.loads((warehouse / "published" / "manifest.json").read_text())["run_id"]
    _break_row(demo_feeds_copy, "allocations/dfe.csv", 14, "amount_gbp", "-250")
    capsys.readouterr()

    assert main(["build", "--feeds", str(demo_feeds_copy), "--warehouse", str(warehouse)]) == 1

    out = capsys.readouterr().out
    assert (
        "allocations/dfe.csv row 14, column amount_gbp: '-250.00' an allocation must not be "
        "negative" in out
    )
    assert "BUILD STOPPED" in out
    after = json.loads((warehouse / "published" / "manifest.json").read_text())["run_id"]
    assert after == before


def test_quarantined_outturn_row_is_set_aside_and_counted(demo_feeds_copy, tmp_path):
    _break_row(demo_feeds_copy, "outturn/revenue_outturn.csv", 3, "service_area", "bins")
    warehouse = tmp_path / "warehouse"
    assert run_build(demo_feeds_copy, warehouse, "2024-25") == 0
    manifest = json.loads((warehouse / "published" / "manifest.json").read_text())
    [outturn] = [i for i in manifest["inputs"] if i["file"] == "outturn/revenue_outturn.csv"]
    assert outturn["rows_quarantined"] == 1
    assert outturn["rows_read"] == outturn["rows_loaded"] + 1
    with duckdb.connect(str(warehouse / "work" / "wholeplace.duckdb"), read_only=True) as con:
        row = con.execute(
            "select source_row, column_name, value, rule, message from raw.quarantine "
            "where feed = 'outturn'"
        ).fetchall()
    assert row == [
        (
            3,
            "service_area",
            "bins",
            "known_service_area",
            "'bins' is not a known revenue outturn service area "
            "(edu, trans, csc, asc, phs, hous, cul, env, plan, pol, frs, cen, other)",
        )
    ]
