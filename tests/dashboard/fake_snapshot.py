"""A small fake published snapshot (synthetic test data) in the layout the pipeline publishes:
WAREHOUSE/snapshots/<run_id>/<mart>.parquet + manifest.json, and WAREHOUSE/published -> it."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import yaml
from fake_prevention import prevention_tables

# The marts' dbt ymls: the manifest's `columns` carries their column descriptions, as the
# publish step writes them.
MARTS_YML = Path(__file__).resolve().parents[2] / "dbt_project" / "models" / "marts"

MONEY = pa.decimal128(18, 2)
GM, WY, LCR = "E47000001", "E47000003", "E47000004"
NAMES = {GM: "Greater Manchester", WY: "West Yorkshire", LCR: "Liverpool City Region"}
POPULATION = {GM: 2_900_000, WY: 2_400_000, LCR: 1_600_000}
# places.region, as the mart publishes it (most members' region).
PLACE_REGIONS = {GM: "North West", WY: "Yorkshire and The Humber", LCR: "North West"}
DEFLATE = {"2024-25": Decimal("1"), "2025-26": Decimal("0.97")}

# (place, year, settlement, pillar, department, line, line name, budget type, cash £)
POT = [
    (GM, "2025-26", "GM-IS-2025", "adult skills", "DFE", "ASF", "Adult Skills Fund",
     "resource", "110000000.00"),
    (GM, "2025-26", "GM-IS-2025", "employment support", "DWP", "CTS", "Connect to Work",
     "resource", "25500000.00"),
    (GM, "2025-26", "GM-IS-2025", "housing and regeneration", "MHCLG", "BHF",
     "Brownfield Housing Fund", "capital", "95250000.50"),
    (GM, "2025-26", "GM-IS-2025", "local transport", "DFT", "LTCF",
     "Local Transport Capital Funding", "capital", "230000000.00"),
    (GM, "2024-25", "GM-IS-2025", "adult skills", "DFE", "ASF", "Adult Skills Fund",
     "resource", "105000000.00"),
    (WY, "2025-26", "WY-IS-2025", "adult skills", "DFE", "ASF", "Adult Skills Fund",
     "resource", "68000000.00"),
    (WY, "2025-26", "WY-IS-2025", "local transport", "DFT", "LTCF",
     "Local Transport Capital Funding", "capital", "120000000.00"),
]  # fmt: skip
# Departmental lines that reach a place but are not pooled.
UNPOOLED = [
    (GM, "2025-26", "DHSC", "PHG", "Public Health Grant", "resource", "150000000.00"),
    (WY, "2025-26", "DHSC", "PHG", "Public Health Grant", "resource", "120000000.00"),
    (LCR, "2025-26", "DHSC", "PHG", "Public Health Grant", "resource", "90000000.00"),
    (LCR, "2024-25", "DHSC", "PHG", "Public Health Grant", "resource", "88000000.00"),
]
DEPARTMENTS = {
    "DFE": "Department for Education",
    "DWP": "Department for Work and Pensions",
    "MHCLG": "Ministry of Housing, Communities and Local Government",
    "DFT": "Department for Transport",
    "DHSC": "Department of Health and Social Care",
}


# HM Treasury Country and Regional Analysis layout, synthetic test data:
# (region, region code, population, year, department, COFOG function, identifiable, type, £ real)
REGIONS = {
    "North West": ("E12000002", 7_000_000),
    "Yorkshire and The Humber": ("E12000003", 5_000_000),
}
REGIONAL_SPEND = [
    (region, year, dept, function, ident, stype, amount)
    for region in REGIONS
    for year, amount in (("2016-17", "700000000.00"), ("2017-18", "770000000.00"))
    for dept, function, ident, stype in (
        ("DFE", "9. Education", "identifiable", "current"),
        ("DFE", "9. Education", "identifiable", "capital"),
        ("DHSC", "7. Health", "identifiable", "current"),
        ("DHSC", "7. Health", "non-identifiable", "current"),
        ("DFT", "4. Economic affairs", "identifiable", "capital"),
    )
]


# Council payments rolled up (place_spend_by_funding_line), synthetic test data:
# (place, year, service area, service name, funding line, payments, net £, refunds £, outturn £)
PAYMENTS = [
    (GM, "2025-26", "asc", "Adult social care", "PHG", 120, "4500000.00", "-250000.00",
     "800000000.00"),
    (GM, "2025-26", "asc", "Adult social care", "not stated", 40, "1200000.00", "0.00",
     "800000000.00"),
    (GM, "2025-26", "trans", "Highways and transport", "LTCF", 75, "3000000.00", "-12500.50",
     None),
    (GM, "2024-25", "asc", "Adult social care", "PHG", 100, "3900000.00", "0.00",
     "780000000.00"),
    (WY, "2025-26", "asc", "Adult social care", "PHG", 60, "2000000.00", "0.00",
     "500000000.00"),
]  # fmt: skip


def _start(year: str) -> int:
    return int(year[:4])


def _real(cash: Decimal, year: str) -> Decimal:
    return (cash * DEFLATE[year]).quantize(Decimal("0.01"))


def _per_head(real: Decimal, place: str) -> Decimal:
    return (real / POPULATION[place]).quantize(Decimal("0.01"))


def _table(rows: list[dict], schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=schema)


def _payments(synthetic: bool) -> list[dict]:
    return [
        {
            "place_code": place,
            "place_name": NAMES[place],
            "financial_year": year,
            "financial_year_start": _start(year),
            "service_area": service,
            "service_area_name": service_name,
            "funding_line": line,
            "payments": count,
            "amount_gbp_nominal": Decimal(net),
            "refunds_gbp_nominal": Decimal(refunds),
            "amount_gbp_real": _real(Decimal(net), year),
            "price_base_year": "2024-25",
            "population": POPULATION[place],
            "amount_per_head_real": (_real(Decimal(net), year) / POPULATION[place]).quantize(
                Decimal("0.0001")
            ),
            "outturn_gbp_nominal": None if outturn is None else Decimal(outturn),
            "reporting_areas": 2,
            "is_synthetic": synthetic,
        }
        for place, year, service, service_name, line, count, net, refunds, outturn in PAYMENTS
    ]


def _marts(scale: Decimal, synthetic: bool, payments: bool = False) -> dict[str, pa.Table]:
    pot = [(*r[:8], Decimal(r[8]) * scale) for r in POT]
    pooled = [
        {
            "settlement_id": sid,
            "place_code": place,
            "place_name": NAMES[place],
            "financial_year": year,
            "financial_year_start": _start(year),
            "pillar": pillar,
            "department": dept,
            "funding_line": line,
            "funding_line_name": line_name,
            "budget_type": btype,
            "share": 1.0,
            "line_total_gbp_nominal": cash,
            "contribution_gbp_nominal": cash,
            "contribution_gbp_real": _real(cash, year),
            "population": POPULATION[place],
            "contribution_per_head_real": _per_head(_real(cash, year), place),
            "is_synthetic": synthetic,
        }
        for place, year, sid, pillar, dept, line, line_name, btype, cash in pot
    ]
    budget_rows = [(p, y, d, ln, n, b, c, Decimal(1)) for p, y, _, _, d, ln, n, b, c in pot] + [
        (p, y, d, ln, n, b, Decimal(c), Decimal(0)) for p, y, d, ln, n, b, c in UNPOOLED
    ]
    whole_place = [
        {
            "place_code": place,
            "place_name": NAMES[place],
            "financial_year": year,
            "financial_year_start": _start(year),
            "department": dept,
            "department_name": DEPARTMENTS[dept],
            "funding_line": line,
            "funding_line_name": line_name,
            "budget_type": btype,
            "amount_gbp_nominal": cash,
            "amount_gbp_real": _real(cash, year),
            "price_base_year": "2024-25",
            "population": POPULATION[place],
            "population_basis": "ONS mid-2024 estimate",
            "amount_per_head_real": _per_head(_real(cash, year), place),
            "pooled_share": share,
            "pooled_gbp_nominal": (cash * share).quantize(Decimal("0.01")),
            "is_synthetic": synthetic,
        }
        for place, year, dept, line, line_name, btype, cash, share in budget_rows
    ]
    spend = [
        {
            "place_code": place,
            "place_name": NAMES[place],
            "financial_year": "2024-25",
            "financial_year_start": 2024,
            "service_area": "asc",
            "service_area_name": "Adult social care",
            "amount_gbp_nominal": Decimal("800000000.00"),
            "amount_gbp_real": Decimal("800000000.00"),
            "population": POPULATION[place],
            "amount_per_head_real": _per_head(Decimal("800000000.00"), place),
            "is_synthetic": synthetic,
        }
        for place in NAMES
    ]
    checks = [
        ("pot_matches_announced_total", "GM-IS-2025", GM, "2025-26", None, "pass",
         "460750000.50", "460750000.50", "0.00",
         "pot against the announced total for resource and capital together, every pillar, "
         "every pooled line; tolerance 1000 pounds; source: Test publication, 1 April 2025"),
        ("line_pooled_at_most_once", "GM-IS-2025", GM, "2025-26", "ASF", "pass",
         None, None, None, "Pooled 100% across settlements."),
        ("member_receives_pooled_line", "GM-IS-2025", GM, "2026-27", "CTS", "warn",
         None, None, None, "No allocation published for 2026-27 yet."),
        ("pot_matches_announced_total", "WY-IS-2025", WY, "2025-26", None, "fail",
         "190000000.00", "188000000.00", "-2000000.00",
         "pot against the announced total for resource and capital together, every pillar, "
         "every pooled line; tolerance 1000 pounds; source: Test publication, 2 April 2025"),
    ]  # fmt: skip
    check_rows = [
        dict(
            zip(
                [
                    "check",
                    "settlement_id",
                    "place_code",
                    "financial_year",
                    "funding_line",
                    "status",
                    "expected_gbp",
                    "actual_gbp",
                    "difference_gbp",
                    "detail",
                ],
                (*c[:6], *(None if v is None else Decimal(v) for v in c[6:9]), c[9]),
                strict=True,
            ),
            severity="fail",
            budget_type=None,
            area_code=None,
            is_synthetic=synthetic,
        )
        for c in checks
    ]
    regional = [
        {
            "release": "CRA 2018",
            "financial_year": year,
            "financial_year_start": _start(year),
            "region": region,
            "region_code": REGIONS[region][0],
            "department": dept,
            "cofog_function": function,
            "cofog_subfunction": None,
            "hmt_function": None,
            "hmt_subfunction": None,
            "spend_type": stype,
            "identifiable": ident,
            "sector": "CG",
            "amount_gbp_nominal": Decimal(amount),
            "amount_gbp_real": Decimal(amount) * (i + 1),
            "price_base_year": "2024-25",
            "population": REGIONS[region][1],
            "population_basis": "synthetic test data",
            "amount_per_head_real": (Decimal(amount) * (i + 1) / REGIONS[region][1]).quantize(
                Decimal("0.0001")
            ),
            "segments": 1,
            "source_unit": "£ thousands",
            "price_basis": "nominal",
            "accounting_basis": "accruals",
            "data_provenance": "synthetic: Test Publisher CRA 2018 (synthetic_test_data.csv), "
            "test licence",
            "is_synthetic": synthetic,
        }
        for i, (region, year, dept, function, ident, stype, amount) in enumerate(REGIONAL_SPEND)
    ]
    places = [
        {"place_code": p, "place_name": n, "first_year": "2015-16", "last_year": "2029-30"}
        for p, n in NAMES.items()
    ]
    text, year_int, count, flag = pa.string(), pa.int32(), pa.int64(), pa.bool_()

    def schema(**cols: pa.DataType) -> pa.Schema:
        return pa.schema(list(cols.items()))

    return {
        **prevention_tables(POPULATION, synthetic),
        "whole_place_budget": _table(
            whole_place,
            schema(
                place_code=text, place_name=text, financial_year=text,
                financial_year_start=year_int, department=text, department_name=text,
                funding_line=text, funding_line_name=text, budget_type=text,
                amount_gbp_nominal=MONEY, amount_gbp_real=MONEY, price_base_year=text,
                population=count, population_basis=text, amount_per_head_real=MONEY,
                pooled_share=pa.decimal128(9, 6), pooled_gbp_nominal=MONEY, is_synthetic=flag,
            ),
        ),
        "pooled_budget": _table(
            pooled,
            schema(
                settlement_id=text, place_code=text, place_name=text, financial_year=text,
                financial_year_start=year_int, pillar=text, department=text, funding_line=text,
                funding_line_name=text, budget_type=text, share=pa.float64(),
                line_total_gbp_nominal=MONEY, contribution_gbp_nominal=MONEY,
                contribution_gbp_real=MONEY, population=count, contribution_per_head_real=MONEY,
                is_synthetic=flag,
            ),
        ),
        "place_spend_by_service": _table(
            spend,
            schema(
                place_code=text, place_name=text, financial_year=text,
                financial_year_start=year_int, service_area=text, service_area_name=text,
                amount_gbp_nominal=MONEY, amount_gbp_real=MONEY, population=count,
                amount_per_head_real=MONEY, is_synthetic=flag,
            ),
        ),
        "settlement_checks": _table(
            check_rows,
            schema(
                check=text, severity=text, settlement_id=text, place_code=text,
                financial_year=text, funding_line=text, budget_type=text, area_code=text,
                status=text, expected_gbp=MONEY, actual_gbp=MONEY, difference_gbp=MONEY,
                detail=text, is_synthetic=flag,
            ),
        ),
        "region_spend_by_function": _table(
            regional,
            schema(
                release=text, financial_year=text, financial_year_start=year_int, region=text,
                region_code=text, department=text, cofog_function=text, cofog_subfunction=text,
                hmt_function=text, hmt_subfunction=text, spend_type=text, identifiable=text,
                sector=text, amount_gbp_nominal=MONEY, amount_gbp_real=MONEY,
                price_base_year=text, population=count, population_basis=text,
                amount_per_head_real=pa.decimal128(18, 4), segments=year_int, source_unit=text,
                price_basis=text, accounting_basis=text, data_provenance=text, is_synthetic=flag,
            ),
        ),
        "place_spend_by_funding_line": _table(
            _payments(synthetic) if payments else [],
            schema(
                place_code=text, place_name=text, financial_year=text,
                financial_year_start=year_int, service_area=text, service_area_name=text,
                funding_line=text, payments=count, amount_gbp_nominal=MONEY,
                refunds_gbp_nominal=MONEY, amount_gbp_real=MONEY, price_base_year=text,
                population=count, amount_per_head_real=pa.decimal128(18, 4),
                outturn_gbp_nominal=MONEY, reporting_areas=count, is_synthetic=flag,
            ),
        ),
        "places": _table(
            places, schema(place_code=text, place_name=text, first_year=text, last_year=text)
        ),
    }  # fmt: skip


CORE_MARTS = (
    "places", "whole_place_budget", "pooled_budget", "place_spend_by_service", "settlement_checks",
)  # fmt: skip
PREVENTION_MARTS = (
    "prevention_savings", "intervention_cba", "savings_by_agency", "place_prevention_summary",
    "intervention_sensitivity",
)  # fmt: skip
REGIONAL_MARTS = ("region_spend_by_function",)
# Published empty, as by a build whose feeds have no spend_transactions, unless `payments=True`.
PAYMENT_MARTS = ("place_spend_by_funding_line",)
# What `wholeplace build` publishes; `prevention_costs` (yearly costs per intervention) is not
# in the published contract yet, so the default fake leaves it out.
PUBLISHED_MARTS = CORE_MARTS + PREVENTION_MARTS + REGIONAL_MARTS + PAYMENT_MARTS


def yml_columns(mart: str, columns: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """The description and the `meta.label` of each of these columns in the mart's dbt yml
    (the described and labelled ones only), as the publish step reads them."""
    path = MARTS_YML / f"{mart}.yml"
    if not path.is_file():
        return {}, {}
    described, labelled = {}, {}
    for model in yaml.safe_load(path.read_text(encoding="utf-8")).get("models") or []:
        if model.get("name") == mart:
            for column in model.get("columns") or []:
                name = column.get("name")
                if name not in columns:
                    continue
                if column.get("description"):
                    described[name] = str(column["description"]).strip()
                label = ((column.get("config") or {}).get("meta") or {}).get("label")
                if label:
                    labelled[name] = str(label)
    return described, labelled


def write_snapshot(
    warehouse: Path,
    run_id: str = "test-run-1",
    *,
    scale: str = "1",
    synthetic: bool = True,
    marts: tuple[str, ...] | None = None,
    labels: dict[str, dict[str, str]] | None = None,
    regions: dict[str, str] | None = PLACE_REGIONS,
    payments: bool = False,
) -> Path:
    """Publish a fake snapshot under `warehouse` and point `published` at it (atomically).
    The manifest's `labels` are the columns' `meta.label` from the ymls, as the publish step
    writes them, with `labels` ({mart: {column: header}}) laid over them; `regions`
    ({place: region}) is `places.region` (None: a snapshot from before the mart had it);
    `payments` fills place_spend_by_funding_line with the PAYMENTS above."""
    folder = warehouse / "snapshots" / run_id
    folder.mkdir(parents=True)
    tables = _marts(Decimal(scale), synthetic, payments)
    if regions is not None:
        codes = tables["places"].column("place_code").to_pylist()
        tables["places"] = tables["places"].append_column(
            "region", pa.array([regions.get(c) for c in codes], pa.string())
        )
    listed, columns, yml_labels = {}, {}, {}
    for name, table in tables.items():
        if name not in (PUBLISHED_MARTS if marts is None else marts):
            continue
        pq.write_table(table, folder / f"{name}.parquet")
        listed[name] = {"file": f"{name}.parquet", "rows": table.num_rows}
        columns[name], yml_labels[name] = yml_columns(name, table.column_names)
    manifest = {
        "run_id": run_id,
        "published_at": "2025-11-21T22:33:00+00:00",
        "code_version": "test",
        "price_base_year": "2024-25",
        "synthetic_inputs": synthetic,
        "inputs": [
            {
                "feed": "allocations",
                "file": "allocations/synthetic_test_data.csv",
                "sha256": "0" * 64,
                "rows_read": 11,
                "rows_loaded": 11,
                "rows_quarantined": 0,
            }
        ],
        "marts": listed,
        "checks": {"passed": 2, "warned": 1, "failed": 1},
        "columns": columns,
        "labels": yml_labels,
    }
    for mart, overrides in (labels or {}).items():
        manifest["labels"].setdefault(mart, {}).update(overrides)
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    link = warehouse / f".published-{run_id}"
    link.symlink_to(Path("snapshots") / run_id)
    os.replace(link, warehouse / "published")
    return folder


if __name__ == "__main__":
    import sys

    print(write_snapshot(Path(sys.argv[1])))
