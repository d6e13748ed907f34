"""Small fake prevention marts (synthetic test data) with the published columns: two
interventions in Greater Manchester, one in West Yorkshire that never pays back, none in the
Liverpool City Region. Totals are built from the yearly rows, as the warehouse builds them."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pyarrow as pa

GM, WY = "E47000001", "E47000003"
PLACE_NAMES = {GM: "Greater Manchester", WY: "West Yorkshire"}
BASE = "2024-25"
TIERS = {"NHS": "national", "Police": "national", "DWP": "national",
         "Local Authority": "local", "Combined Authority": "local"}  # fmt: skip
GAIN_SHARE = {GM: ("GM-IS-2025", 0.5), WY: ("WY-IS-2025", 0.25)}

# id: (place, name, investing agency, start year, real costs by year index)
INTERVENTIONS = {
    "GM-FP1": (GM, "Falls prevention", "NHS", 2024, ["700000.00", "700000.00"]),
    "GM-YJ1": (GM, "Youth justice diversion", "Local Authority", 2025, ["400000.00"]),
    "WY-ES1": (WY, "Employment support", "Combined Authority", 2025, ["1000000.00"]),
}
# benefit id: (intervention, beneficiary, value type, cashable share, net £ by year index)
BENEFITS = {
    "GM-FP1-B1": ("GM-FP1", "NHS", "fiscal", "0.5", ["0", "600000", "900000", "700000"]),
    "GM-FP1-B2": ("GM-FP1", "Local Authority", "fiscal", "1", ["0", "200000", "300000"]),
    "GM-FP1-B3": ("GM-FP1", None, "social", "0", ["0", "250000", "250000"]),
    "GM-YJ1-B1": ("GM-YJ1", "Police", "fiscal", "0.2", ["150000", "250000", "200000"]),
    "GM-YJ1-B2": ("GM-YJ1", "Local Authority", "fiscal", "1", ["50000", "50000"]),
    "GM-YJ1-B3": ("GM-YJ1", None, "economic", "0", ["300000", "300000"]),
    "WY-ES1-B1": ("WY-ES1", "DWP", "fiscal", "1", ["200000", "200000", "100000"]),
    "WY-ES1-B2": ("WY-ES1", None, "economic", "0", ["400000", "400000"]),
}
OPTIMISM_BIAS = {1: 0.0, 2: 0.05, 3: 0.10, 4: 0.15, 5: 0.25, 6: 0.40}


def _pennies(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _year(start: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}"


def _discount(t: int) -> Decimal:
    return Decimal(1) / Decimal("1.035") ** t


def _savings_rows(synthetic: bool) -> list[dict]:
    rows = []
    for benefit, (iid, agency, value_type, share, values) in BENEFITS.items():
        place, _, investing, start, _ = INTERVENTIONS[iid]
        agency = agency or investing  # economic and social values have no paying agency
        for t, text in enumerate(values):
            net = Decimal(text)
            cashable = net * Decimal(share) if value_type == "fiscal" else Decimal(0)
            rows.append(
                {
                    "place_code": place,
                    "intervention_id": iid,
                    "benefit_id": benefit,
                    "financial_year": _year(start + t),
                    "year_index": t,
                    "beneficiary_agency": agency,
                    "agency_tier": TIERS[agency],
                    "value_type": value_type,
                    "gross_gbp": _pennies(net * Decimal("1.25")),
                    "net_gbp": _pennies(net),
                    "cashable_gbp": _pennies(cashable),
                    "pv_gbp": _pennies(net * _discount(t)),
                    "pv_cashable_gbp": _pennies(cashable * _discount(t)),
                    "price_base_year": BASE,
                    "optimism_bias": 0.05,
                    "discount_factor": float(_discount(t)),
                    "is_synthetic": synthetic,
                }
            )
    return rows


def _cost_rows(synthetic: bool) -> list[dict]:
    return [
        {
            "place_code": place,
            "intervention_id": iid,
            "investing_agency": investing,
            "financial_year": _year(start + t),
            "financial_year_start": start + t,
            "year_index": t,
            "cost_real_gbp": Decimal(cost),
            "pv_cost_gbp": _pennies(Decimal(cost) * _discount(t)),
            "price_base_year": BASE,
            "is_synthetic": synthetic,
        }
        for iid, (place, _, investing, start, costs) in INTERVENTIONS.items()
        for t, cost in enumerate(costs)
    ]


def _payback(iid: str, savings: list[dict], costs: list[dict]) -> int | None:
    by_year: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for row in savings:
        if row["intervention_id"] == iid and row["value_type"] == "fiscal":
            by_year[row["year_index"]][0] += row["pv_gbp"]
    for row in costs:
        if row["intervention_id"] == iid:
            by_year[row["year_index"]][1] += row["pv_cost_gbp"]
    fiscal = cost = Decimal(0)
    for t in sorted(by_year):
        fiscal, cost = fiscal + by_year[t][0], cost + by_year[t][1]
        if fiscal >= cost and fiscal > 0:
            return t + 1
    return None


def _cba_rows(savings: list[dict], costs: list[dict], synthetic: bool) -> list[dict]:
    rows = []
    for iid, (place, name, investing, start, _) in INTERVENTIONS.items():
        mine = [r for r in savings if r["intervention_id"] == iid]
        pv = {v: sum((r["pv_gbp"] for r in mine if r["value_type"] == v), Decimal(0))
              for v in ("fiscal", "economic", "social")}  # fmt: skip
        pv_costs = sum((r["pv_cost_gbp"] for r in costs if r["intervention_id"] == iid), Decimal(0))
        benefits = pv["fiscal"] + pv["economic"] + pv["social"]
        rows.append(
            {
                "intervention_id": iid,
                "place_code": place,
                "name": name,
                "investing_agency": investing,
                "start_year": _year(start),
                "pv_costs_gbp": pv_costs,
                "pv_fiscal_gbp": pv["fiscal"],
                "pv_economic_gbp": pv["economic"],
                "pv_social_gbp": pv["social"],
                "pv_cashable_gbp": sum((r["pv_cashable_gbp"] for r in mine), Decimal(0)),
                "npv_gbp": benefits - pv_costs,
                "financial_roi": (pv["fiscal"] / pv_costs).quantize(Decimal("0.0001")),
                "public_value_roi": (benefits / pv_costs).quantize(Decimal("0.0001")),
                "payback_years": _payback(iid, savings, costs),
                "price_base_year": BASE,
                "is_synthetic": synthetic,
            }
        )
    return rows


def _agency_rows(savings: list[dict], synthetic: bool) -> list[dict]:
    sums: dict[tuple, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for row in savings:
        if row["value_type"] == "fiscal":
            investing = INTERVENTIONS[row["intervention_id"]][2]
            key = (row["place_code"], investing, row["beneficiary_agency"], row["agency_tier"])
            sums[key][0] += row["pv_gbp"]
            sums[key][1] += row["pv_cashable_gbp"]
    return [
        {
            "place_code": place,
            "investing_agency": investing,
            "beneficiary_agency": beneficiary,
            "agency_tier": tier,
            "is_wrong_pocket": investing != beneficiary,
            "pv_fiscal_gbp": fiscal,
            "pv_cashable_gbp": cashable,
            "price_base_year": BASE,
            "is_synthetic": synthetic,
        }
        for (place, investing, beneficiary, tier), (fiscal, cashable) in sorted(sums.items())
    ]


def _summary_rows(
    savings: list[dict], costs: list[dict], population: dict, synthetic: bool
) -> list[dict]:
    zero = Decimal(0)
    years: dict[tuple, dict] = defaultdict(lambda: defaultdict(lambda: zero))
    for row in savings:
        cell = years[(row["place_code"], row["financial_year"])]
        fiscal = row["value_type"] == "fiscal"
        local, national = row["agency_tier"] == "local", row["agency_tier"] == "national"
        cell[f"{row['value_type']}_gbp"] += row["net_gbp"]
        cell[f"pv_{row['value_type']}_gbp"] += row["pv_gbp"]
        cell["cashable_gbp"] += row["cashable_gbp"]
        cell["pv_cashable_gbp"] += row["pv_cashable_gbp"]
        cell["local_fiscal_gbp"] += row["net_gbp"] if fiscal and local else zero
        cell["national_fiscal_gbp"] += row["net_gbp"] if fiscal and national else zero
        cell["national_cashable_gbp"] += row["cashable_gbp"] if national else zero
        cell["pv_local_fiscal"] += row["pv_gbp"] if fiscal and local else zero
        cell["pv_national_cashable"] += row["pv_cashable_gbp"] if national else zero
    for row in costs:
        cell = years[(row["place_code"], row["financial_year"])]
        cell["costs_gbp"] += row["cost_real_gbp"]
        cell["pv_costs_gbp"] += row["pv_cost_gbp"]
    rows = []
    for (place, year), cell in sorted(years.items()):
        settlement, rate = GAIN_SHARE[place]
        retained = cell["local_fiscal_gbp"] + Decimal(str(rate)) * cell["national_cashable_gbp"]
        pv_retained = cell["pv_local_fiscal"] + Decimal(str(rate)) * cell["pv_national_cashable"]
        rows.append(
            {
                "place_code": place,
                "place_name": PLACE_NAMES[place],
                "financial_year": year,
                "financial_year_start": int(year[:4]),
                **{
                    c: _pennies(cell[c])
                    for c in (
                        "costs_gbp",
                        "fiscal_gbp",
                        "economic_gbp",
                        "social_gbp",
                        "cashable_gbp",
                        "local_fiscal_gbp",
                        "national_fiscal_gbp",
                        "national_cashable_gbp",
                    )
                },  # fmt: skip
                "settlement_id": settlement,
                "gain_share_rate": rate,
                "retained_by_place_gbp": _pennies(retained),
                **{
                    c: _pennies(cell[c])
                    for c in (
                        "pv_costs_gbp",
                        "pv_fiscal_gbp",
                        "pv_economic_gbp",
                        "pv_social_gbp",
                        "pv_cashable_gbp",
                    )
                },  # fmt: skip
                "pv_retained_by_place_gbp": _pennies(pv_retained),
                "population": population[place],
                "population_basis": "ONS mid-2024 estimate",
                "retained_per_head_gbp": (retained / population[place]).quantize(Decimal("0.0001")),
                "price_base_year": BASE,
                "is_synthetic": synthetic,
            }
        )
    return rows


def _sensitivity_rows(cba: list[dict], synthetic: bool) -> list[dict]:
    return [
        {
            "intervention_id": row["intervention_id"],
            "place_code": row["place_code"],
            "varied_rate": rate,
            "npv_gbp": row["npv_gbp"],
            "npv_at_low_gbp": row["npv_gbp"] - swing,
            "npv_at_high_gbp": row["npv_gbp"] + swing,
            "npv_swing_gbp": 2 * swing,
            "assumed_deadweight": Decimal("0.3000"),
            "switching_deadweight": Decimal("0.6000"),
            "price_base_year": BASE,
            "is_synthetic": synthetic,
        }
        for row in cba
        for rate, swing in (("deadweight", Decimal("50000.00")), ("success_rate", Decimal("1.00")))
    ]


def prevention_tables(population: dict, synthetic: bool) -> dict[str, pa.Table]:
    money, rate = pa.decimal128(18, 2), pa.decimal128(18, 4)
    text, flag, whole = pa.string(), pa.bool_(), pa.int32()
    savings, costs = _savings_rows(synthetic), _cost_rows(synthetic)
    cba = _cba_rows(savings, costs, synthetic)

    def table(rows: list[dict], **types: pa.DataType) -> pa.Table:
        return pa.Table.from_pylist(rows, schema=pa.schema(list(types.items())))

    return {
        "prevention_savings": table(
            savings, place_code=text, intervention_id=text, benefit_id=text,
            financial_year=text, year_index=whole, beneficiary_agency=text, agency_tier=text,
            value_type=text, gross_gbp=money, net_gbp=money, cashable_gbp=money, pv_gbp=money,
            pv_cashable_gbp=money, price_base_year=text, optimism_bias=pa.float64(),
            discount_factor=pa.float64(), is_synthetic=flag,
        ),
        "intervention_cba": table(
            cba, intervention_id=text, place_code=text, name=text, investing_agency=text,
            start_year=text, pv_costs_gbp=money, pv_fiscal_gbp=money, pv_economic_gbp=money,
            pv_social_gbp=money, pv_cashable_gbp=money, npv_gbp=money, financial_roi=rate,
            public_value_roi=rate, payback_years=whole, price_base_year=text, is_synthetic=flag,
        ),
        "savings_by_agency": table(
            _agency_rows(savings, synthetic), place_code=text, investing_agency=text,
            beneficiary_agency=text, agency_tier=text, is_wrong_pocket=flag,
            pv_fiscal_gbp=money, pv_cashable_gbp=money, price_base_year=text, is_synthetic=flag,
        ),
        "place_prevention_summary": table(
            _summary_rows(savings, costs, population, synthetic), place_code=text,
            place_name=text, financial_year=text, financial_year_start=whole, costs_gbp=money,
            fiscal_gbp=money, economic_gbp=money, social_gbp=money, cashable_gbp=money,
            local_fiscal_gbp=money, national_fiscal_gbp=money, national_cashable_gbp=money,
            settlement_id=text, gain_share_rate=pa.float64(), retained_by_place_gbp=money,
            pv_costs_gbp=money, pv_fiscal_gbp=money, pv_economic_gbp=money,
            pv_social_gbp=money, pv_cashable_gbp=money, pv_retained_by_place_gbp=money,
            population=pa.int64(), population_basis=text, retained_per_head_gbp=rate,
            price_base_year=text, is_synthetic=flag,
        ),
        "intervention_sensitivity": table(
            _sensitivity_rows(cba, synthetic), intervention_id=text, place_code=text,
            varied_rate=text, npv_gbp=money, npv_at_low_gbp=money, npv_at_high_gbp=money,
            npv_swing_gbp=money, assumed_deadweight=rate, switching_deadweight=rate,
            price_base_year=text, is_synthetic=flag,
        ),
        "prevention_costs": table(
            costs, place_code=text, intervention_id=text, investing_agency=text,
            financial_year=text, financial_year_start=whole, year_index=whole,
            cost_real_gbp=money, pv_cost_gbp=money, price_base_year=text, is_synthetic=flag,
        ),
    }  # fmt: skip
