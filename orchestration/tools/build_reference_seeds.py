"""Build the bundled reference seeds from the public files in `orchestration/demo/sources/`.

Run with `python -m orchestration.tools.build_reference_seeds`; the output is committed under
`dbt_project/seeds/reference/`, so a build never needs this script. The script exists so that
every reference row can be traced to a published file (see DATA_SOURCES.md).
"""

from __future__ import annotations

import csv
import datetime as dt
import json

from orchestration.core.adapters.unit_costs import (
    normalise_agency,
    normalise_price_year,
    value_type,
)
from orchestration.core.paths import BUNDLED_REFERENCE_DIR, DEMO_SOURCES_DIR

SOURCES = DEMO_SOURCES_DIR
SEEDS = BUNDLED_REFERENCE_DIR

# Establishment (and end) dates of each combined authority's constituent membership.
# From the membership history in shared/reference-data/README.md; only constituent members count.
# Members are listed by their ONS codes; two-tier places list the county (E10) and its districts.
NORTH_EAST_LA7 = [
    "E06000047",
    "E08000037",
    "E08000021",
    "E08000022",
    "E06000057",
    "E08000023",
    "E08000024",
]  # Durham, Gateshead, Newcastle, N Tyneside, Northumberland, S Tyneside, Sunderland
NORTH_OF_TYNE = ["E08000021", "E08000022", "E06000057"]
NECA_AFTER_SPLIT = ["E06000047", "E08000037", "E08000023", "E08000024"]

PLACES = {
    "E47000001": ("Greater Manchester", "2011-04-01", None),
    "E47000002": ("South Yorkshire", "2014-04-01", None),
    "E47000003": ("West Yorkshire", "2014-04-01", None),
    "E47000004": ("Liverpool City Region", "2014-04-01", None),
    "E47000006": ("Tees Valley", "2016-04-01", None),
    "E47000007": ("West Midlands", "2016-06-17", None),
    "E47000008": ("Cambridgeshire and Peterborough", "2017-03-03", None),
    "E47000009": ("West of England", "2017-02-09", None),
    "E47000010": ("North East (2014-2024)", "2014-04-15", "2024-05-06"),
    "E47000011": ("North of Tyne", "2018-11-02", "2024-05-06"),
    "E47000012": ("York and North Yorkshire", "2024-02-01", None),
    "E47000013": ("East Midlands", "2024-02-27", None),
    "E47000014": ("North East", "2024-05-07", None),
    # The 2025 combined county authorities. Under the mid-year membership rule only the
    # financial year of establishment matters; dates are the register dates where known.
    "E47000015": ("Devon and Torbay", "2025-02-05", None),
    "E47000016": ("Hull and East Yorkshire", "2025-05-01", None),
    "E47000017": ("Greater Lincolnshire", "2025-05-01", None),
    "E47000018": ("Lancashire", "2025-02-19", None),
}

# Barnsley and Sheffield were re-coded after a boundary change: the May 2025 ONS lookup is the
# first to carry E08000038/E08000039. The old codes are taken to end on 2025-03-31.
RECODED = {"E08000016": ("E08000038", "2025-04-01"), "E08000019": ("E08000039", "2025-04-01")}
RECODED_NAMES = {"E08000038": "Barnsley", "E08000039": "Sheffield"}


def read_csv(name: str) -> list[dict[str, str]]:
    with open(SOURCES / name, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def write_csv(name: str, header: list[str], rows: list[list]) -> None:
    SEEDS.mkdir(parents=True, exist_ok=True)
    with open(SEEDS / name, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    print(f"wrote {SEEDS / name} ({len(rows)} rows)")


def day_before(iso: str) -> str:
    return (dt.date.fromisoformat(iso) - dt.timedelta(days=1)).isoformat()


def last_day(end_date: str) -> str:
    """mySociety writes an end as the abolition day (2023-04-01) or the last day (2020-03-31)."""
    if not end_date:
        return ""
    return day_before(end_date) if end_date.endswith("-04-01") else end_date


AREA_TYPES = {
    "UA": "unitary",
    "MD": "metropolitan district",
    "LBO": "london borough",
    "NMD": "non-metropolitan district",
    "CTY": "county",
    "COMB": "combined authority",
    "SRA": "strategic regional authority",
    "CC": "city of london",
}


def build_areas(authorities: list[dict[str, str]]) -> list[list]:
    by_registry = {a["local-authority-code"]: a for a in authorities}
    rows = []
    for a in authorities:
        code = a["gss-code"]
        if not code.startswith("E") or code.startswith("E47"):
            continue
        successor = ""
        if a["replaced-by"]:
            successor = by_registry.get(a["replaced-by"].split(",")[0], {}).get("gss-code", "")
        end = last_day(a["end-date"])
        if code in RECODED:
            successor, start_new = RECODED[code]
            end = day_before(start_new)
        name = a["nice-name"] or a["official-name"]
        rows.append(
            [
                code,
                name,
                AREA_TYPES.get(a["local-authority-type"], "other"),
                a["start-date"] or "",
                end,
                successor,
                region_of(a, by_registry),
                by_registry.get(a["county-la"], {}).get("gss-code", "") if a["county-la"] else "",
            ]
        )
    for new_code, name in RECODED_NAMES.items():
        old = next(c for c, (n, _) in RECODED.items() if n == new_code)
        region = next(r[6] for r in rows if r[0] == old)
        rows.append([new_code, name, "metropolitan district", RECODED[old][1], "", "", region, ""])
    for code, (name, start, end) in PLACES.items():
        rows.append([code, name, "combined authority", start, end or "", "", "", ""])
    return sorted(rows)


def region_of(authority: dict[str, str], by_registry: dict[str, dict[str, str]]) -> str:
    """The ONS region (mySociety `region`); an abolished authority takes its successor's."""
    seen = set()
    while not authority["region"] and authority["replaced-by"]:
        successor = authority["replaced-by"].split(",")[0]
        if successor in seen or successor not in by_registry:
            break
        seen.add(successor)
        authority = by_registry[successor]
    return authority["region"]


def members_2025() -> dict[str, list[str]]:
    members: dict[str, list[str]] = {}
    for r in read_csv("lad_to_cauth_may2025.csv"):
        members.setdefault(r["CAUTH25CD"], []).append(r["LAD25CD"])
    return members


def counties_of(districts: list[str], authorities: list[dict[str, str]]) -> list[str]:
    by_gss = {a["gss-code"]: a for a in authorities}
    by_registry = {a["local-authority-code"]: a for a in authorities}
    counties = {
        by_registry[by_gss[d]["county-la"]]["gss-code"]
        for d in districts
        if d in by_gss and by_gss[d]["county-la"]
    }
    return sorted(counties)


def build_membership(authorities: list[dict[str, str]]) -> list[list]:
    current = members_2025()
    rows: list[list] = []

    def add(place: str, codes: list[str], start: str, end: str | None) -> None:
        for code in codes:
            rows.append([code, place, start, end or ""])

    for place, (_, start, end) in PLACES.items():
        if place in ("E47000010", "E47000011", "E47000014"):
            continue
        codes = current[place]
        codes = codes + counties_of(codes, authorities)
        old_codes = [old for old, (new, _) in RECODED.items() if new in codes]
        for old in old_codes:
            new, changed = RECODED[old]
            codes = [c for c in codes if c != new]
            add(place, [old], start, day_before(changed))
            add(place, [new], changed, None)
        add(place, codes, start, end)
    add("E47000010", NORTH_EAST_LA7, "2014-04-15", "2018-11-01")
    add("E47000010", NECA_AFTER_SPLIT, "2018-11-02", "2024-05-06")
    add("E47000011", NORTH_OF_TYNE, "2018-11-02", "2024-05-06")
    add("E47000014", NORTH_EAST_LA7, "2024-05-07", None)
    return sorted(rows, key=lambda r: (r[1], r[0], r[2]))


def build_population() -> list[list]:
    return [
        [r["area_code"], int(r["mid_year"]), int(r["population"])]
        for r in read_csv("population_mid_year_estimates.csv")
        if r["area_code"].startswith("E")
    ]


def build_deflators() -> list[list]:
    return [
        [r["financial_year"], r["deflator_index"], r["vintage"]]
        for r in read_csv("gdp_deflators.csv")
    ]


def build_unit_costs() -> list[list]:
    data = json.loads((SOURCES / "gmca_unit_cost_database_v1_4.json").read_text())
    rows = []
    for theme in data["categories"].values():
        for e in theme["entries"]:
            rows.append(
                [
                    e["code"],
                    e["description"],
                    e["unit"],
                    e["cost_gbp"],
                    normalise_price_year(e["source_detail"] or ""),
                    normalise_agency(e["agency"]),
                    value_type(e["description"]),
                    e.get("agency_detail") or "",
                    theme["sheet"],
                    "GMCA Unit Cost Database v1.4",
                ]
            )
    return rows


DEPARTMENTS = [
    ["DBT", "Department for Business and Trade"],
    ["DCMS", "Department for Culture, Media and Sport"],
    ["DESNZ", "Department for Energy Security and Net Zero"],
    ["DfE", "Department for Education"],
    ["DfT", "Department for Transport"],
    ["DHSC", "Department of Health and Social Care"],
    ["DWP", "Department for Work and Pensions"],
    ["HO", "Home Office"],
    ["MHCLG", "Ministry of Housing, Communities and Local Government"],
    ["MoJ", "Ministry of Justice"],
]

SERVICE_AREAS = [
    ["edu", "Education services"],
    ["trans", "Highways and transport services"],
    ["csc", "Children's social care"],
    ["asc", "Adult social care"],
    ["phs", "Public health"],
    ["hous", "Housing services (GFRA only)"],
    ["cul", "Cultural and related services"],
    ["env", "Environmental and regulatory services"],
    ["plan", "Planning and development services"],
    ["pol", "Police services"],
    ["frs", "Fire and rescue services"],
    ["cen", "Central services"],
    ["other", "Other services"],
]

AGENCIES = [
    ["Local Authority", "local"],
    ["Combined Authority", "local"],
    ["Fire", "local"],
    ["Housing Provider", "local"],
    ["DWP", "national"],
    ["HMRC", "national"],
    ["NHS", "national"],
    ["Police", "national"],
    ["Criminal Justice System", "national"],
    ["Court", "national"],
    ["Probation", "national"],
    ["Prison / Young Offenders Institute", "national"],
    ["DfE", "national"],
    ["Multiple", "national"],
    ["MoJ", "national"],
    ["HM Treasury", "national"],
    ["Schools", "local"],
]


def main() -> None:
    authorities = read_csv("mysociety_uk_local_authorities.csv")
    write_csv(
        "areas.csv",
        [
            "area_code",
            "area_name",
            "area_type",
            "start_date",
            "end_date",
            "successor_code",
            "region",
            "county_code",
        ],
        build_areas(authorities),
    )
    write_csv(
        "membership.csv",
        ["area_code", "place_code", "start_date", "end_date"],
        build_membership(authorities),
    )
    write_csv("population.csv", ["area_code", "mid_year", "population"], build_population())
    write_csv(
        "deflators.csv", ["financial_year", "gdp_deflator_index", "vintage"], build_deflators()
    )
    write_csv("departments.csv", ["department", "department_name"], DEPARTMENTS)
    write_csv("service_areas.csv", ["service_area", "service_area_name"], SERVICE_AREAS)
    write_csv("agencies.csv", ["agency", "tier"], AGENCIES)
    write_csv(
        "unit_costs.csv",
        [
            "unit_cost_code",
            "description",
            "unit",
            "cost_gbp",
            "price_year",
            "agency",
            "value_type",
            "agency_detail",
            "theme",
            "source",
        ],
        build_unit_costs(),
    )


if __name__ == "__main__":
    main()
