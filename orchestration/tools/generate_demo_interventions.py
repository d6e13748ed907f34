"""Write the demo prevention interventions into `orchestration/demo/feeds/interventions/`.

Run with `python3 -m orchestration.tools.generate_demo_interventions` (standard library only). The
output is deterministic: one `random.Random(20251121)` drives every number, and the reference seeds
in `dbt_project/seeds/reference/` are read in a fixed order.

Every row is synthetic and says so in `data_provenance`. What is real: the places (every combined
authority that exists in 2025-26), their populations (ONS mid-year estimates, which size the
cohorts) and the unit cost codes (GMCA Unit Cost Database v1.4). What is invented: the
interventions themselves, their cohorts, rates, confidence grades and costs. The ranges below were
chosen by hand to give plausible results (returns of roughly 0.4 to 2.5); they are not evidence.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass

from orchestration.core.paths import BUNDLED_REFERENCE_DIR, DEMO_FEEDS_DIR

SEED = 20251121
REFERENCE = BUNDLED_REFERENCE_DIR
SETTLEMENTS = DEMO_FEEDS_DIR / "settlements"  # written first by generate_demo_feeds
OUT = DEMO_FEEDS_DIR / "interventions"
SYNTHETIC = f"synthetic: wholeplace demo generator (seed {SEED})"

DEMO_YEAR = 2025  # the places are those that exist on 30 September 2025
LAST_DEFLATOR_YEAR = 2030  # 2030-31: a cost year must have a GDP deflator
TYPICAL_PLACE_POPULATION = 1_500_000  # cohorts below are for a place of this size

INTERVENTION_COLUMNS = [
    "intervention_id",
    "place_code",
    "name",
    "investing_agency",
    "funding_line",
    "start_year",
    "cost_confidence_grade",
    "data_provenance",
]
COST_COLUMNS = ["intervention_id", "financial_year", "cost_gbp", "data_provenance"]
BENEFIT_COLUMNS = [
    "intervention_id",
    "benefit_id",
    "unit_cost_code",
    "cohort_size",
    "engagement_rate",
    "success_rate",
    "deadweight",
    "attribution",
    "drop_off",
    "start_offset_years",
    "duration_years",
    "confidence_grade",
    "cashable_share",
    "data_provenance",
]


@dataclass(frozen=True)
class Stream:
    """One benefit stream: a unit cost code and the ranges its rates are drawn from."""

    unit_cost_code: str
    cohort_share: float  # outcomes counted per person in the cohort (e.g. 2 A&E visits a year)
    success: tuple[float, float]
    deadweight: tuple[float, float]
    drop_off: tuple[float, float]
    offset: tuple[int, int]
    duration: tuple[int, int]
    grade: tuple[int, int]
    cashable: tuple[float, float]


@dataclass(frozen=True)
class Kind:
    code: str
    name: str
    investing_agency: str
    funding_line: str
    cohort: int  # people (or families) a year, for a place of TYPICAL_PLACE_POPULATION
    cost_per_person: int  # cash pounds a year
    years: tuple[int, int]  # years of delivery (and of cost)
    engagement: tuple[float, float]
    streams: tuple[Stream, ...]


# One row per benefit stream: unit cost code, outcomes per person served, then the ranges its
# success rate, deadweight, drop-off, start offset (years after the person is served), duration,
# confidence grade and cashable share are drawn from.
# fmt: off
KINDS = [
    Kind("KW", "Key workers for families with complex needs", "Local Authority", "DFE-SF",
         220, 4200, (3, 4), (0.75, 0.9), (
             # Children kept out of care: the largest saving, to the council.
             Stream("SS1.0", 0.6, (0.08, 0.14), (0.25, 0.4), (0.1, 0.25), (1, 1), (3, 5), (3, 5),
                    (0.4, 0.6)),
             # Parents back in work: benefits DWP no longer pays.
             Stream("E&E2.0.1", 1.0, (0.08, 0.15), (0.3, 0.45), (0.2, 0.35), (1, 2), (2, 4),
                    (3, 5), (0.8, 1.0)),
             # Fewer police call-outs for anti-social behaviour.
             Stream("CR1.0", 2.0, (0.2, 0.35), (0.3, 0.5), (0.2, 0.4), (0, 1), (2, 3), (2, 4),
                    (0.05, 0.2)),
             # Adults' depression and anxiety treated sooner (fiscal and economic costs).
             Stream("HE11.0", 1.0, (0.15, 0.3), (0.3, 0.5), (0.3, 0.5), (0, 1), (2, 3), (4, 6),
                    (0.0, 0.0)),
         )),
    Kind("YJ", "Youth justice diversion", "Local Authority", "MOJ-YJG",
         160, 2600, (3, 5), (0.7, 0.85), (
             Stream("CR4.0", 1.0, (0.2, 0.35), (0.25, 0.4), (0.15, 0.3), (0, 0), (2, 4), (2, 4),
                    (0.1, 0.3)),
             Stream("CR4.1", 1.0, (0.01, 0.03), (0.2, 0.35), (0.1, 0.2), (1, 2), (3, 6), (4, 6),
                    (0.3, 0.5)),
             Stream("E&E10.0.1", 1.0, (0.08, 0.15), (0.35, 0.5), (0.25, 0.4), (1, 2), (2, 4),
                    (4, 6), (0.5, 0.8)),
             # Crimes not committed: the GMCA figure includes victims' costs (social value).
             Stream("CR8.0", 3.0, (0.2, 0.3), (0.3, 0.45), (0.2, 0.35), (0, 1), (3, 5), (3, 5),
                    (0.0, 0.0)),
         )),
    Kind("FP", "Falls prevention for older people", "NHS", "DHSC-PHG",
         900, 380, (3, 4), (0.6, 0.8), (
             Stream("HE7.11", 1.0, (0.05, 0.09), (0.25, 0.4), (0.2, 0.35), (0, 1), (2, 4), (2, 3),
                    (0.1, 0.25)),
             Stream("HE4.1", 1.0, (0.06, 0.1), (0.25, 0.4), (0.2, 0.35), (0, 1), (2, 4), (2, 3),
                    (0.05, 0.15)),
             Stream("HE7.10.2", 1.0, (0.01, 0.03), (0.25, 0.4), (0.2, 0.3), (1, 1), (2, 3), (3, 5),
                    (0.3, 0.5)),
         )),
    Kind("ES", "Employment support for people out of work", "Combined Authority", "MHCLG-UKSPF",
         600, 2100, (3, 5), (0.65, 0.8), (
             Stream("E&E1.0.1", 1.0, (0.15, 0.25), (0.35, 0.5), (0.25, 0.4), (0, 1), (2, 4),
                    (2, 4), (0.85, 1.0)),
             Stream("E&E1.0.2", 1.0, (0.15, 0.25), (0.35, 0.5), (0.25, 0.4), (0, 1), (2, 4),
                    (3, 5), (0.05, 0.15)),
             Stream("E&E10.0.2", 0.3, (0.1, 0.2), (0.4, 0.55), (0.25, 0.4), (1, 2), (2, 3),
                    (4, 6), (0.6, 0.9)),
         )),
    Kind("RS", "Rough sleeping prevention", "Local Authority", "MHCLG-HPG",
         140, 5200, (3, 4), (0.7, 0.85), (
             Stream("HO6.0", 1.0, (0.3, 0.45), (0.2, 0.35), (0.15, 0.3), (0, 0), (2, 3), (2, 4),
                    (0.3, 0.6)),
             Stream("HO3.0", 1.0, (0.2, 0.35), (0.25, 0.4), (0.2, 0.35), (0, 1), (1, 2), (3, 5),
                    (0.3, 0.5)),
             Stream("HE4.0", 3.0, (0.25, 0.4), (0.25, 0.4), (0.2, 0.35), (0, 1), (2, 3), (2, 4),
                    (0.05, 0.15)),
             Stream("HE7.0.2", 0.5, (0.15, 0.3), (0.25, 0.4), (0.2, 0.35), (0, 1), (2, 3), (3, 5),
                    (0.05, 0.2)),
         )),
]
# fmt: on


def financial_year(start: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}"


def read_csv(name: str) -> list[dict[str, str]]:
    with open(REFERENCE / name, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def exists_on(row: dict[str, str], day: dt.date) -> bool:
    start, end = row.get("start_date") or "", row.get("end_date") or ""
    return (not start or dt.date.fromisoformat(start) <= day) and (
        not end or dt.date.fromisoformat(end) >= day
    )


def places_with_population() -> list[tuple[str, int, dict]]:
    """(place_code, population, area row) of every combined authority on 30 September 2025."""
    day = dt.date(DEMO_YEAR, 9, 30)
    areas = {a["area_code"]: a for a in read_csv("areas.csv")}
    predecessor = {a["successor_code"]: code for code, a in areas.items() if a["successor_code"]}
    latest: dict[str, tuple[int, int]] = {}
    for p in read_csv("population.csv"):
        year, people = int(p["mid_year"]), int(p["population"])
        if year > latest.get(p["area_code"], (0, 0))[0]:
            latest[p["area_code"]] = (year, people)
    places = []
    for code, area in sorted(areas.items()):
        if area["area_type"] != "combined authority" or not exists_on(area, day):
            continue
        people = 0
        for m in read_csv("membership.csv"):
            member = areas.get(m["area_code"], {})
            if m["place_code"] != code or not exists_on(m, day):
                continue
            if member.get("area_type") in ("county", "combined authority"):
                continue  # their people are counted in the districts
            estimate = (
                m["area_code"] if m["area_code"] in latest else predecessor.get(m["area_code"], "")
            )
            people += latest.get(estimate, (0, 0))[1]
        places.append((code, people, area))
    return places


def pooled_lines() -> dict[tuple[str, int], list[str]]:
    """(place_code, start year) -> the funding lines the place's settlement pools that year."""
    with open(SETTLEMENTS / "settlements.csv", encoding="utf-8", newline="") as f:
        settlements = list(csv.DictReader(f))
    with open(SETTLEMENTS / "pooling_agreements.csv", encoding="utf-8", newline="") as f:
        agreements = list(csv.DictReader(f))
    pooled: dict[tuple[str, int], list[str]] = {}
    for s in settlements:
        lines = sorted(
            a["funding_line"] for a in agreements if a["settlement_id"] == s["settlement_id"]
        )
        for year in range(int(s["first_year"][:4]), int(s["last_year"][:4]) + 1):
            pooled[(s["place_code"], year)] = lines
    return pooled


def paying_line(kind: Kind, place: str, start: int, pooled: dict) -> str:
    """The kind's usual line if the place's settlement pools it, else the first line it pools:
    the method says a named line is a pooled one (settlement check intervention_line_is_pooled).
    Blank where no settlement covers the start year. Draws nothing from the generator."""
    lines = pooled.get((place, start), [])
    if kind.funding_line in lines:
        return kind.funding_line
    return lines[0] if lines else ""


def place_existed(area: dict, start: int) -> bool:
    return exists_on(area, dt.date(start, 9, 30))


def draw(rng: random.Random, low_high: tuple[float, float]) -> float:
    return round(rng.uniform(*low_high), 2)


def make_place(rng, code, population, area, codes, pooled) -> tuple[list, list, list]:
    interventions, costs, benefits = [], [], []
    scale = max(population, 250_000) / TYPICAL_PLACE_POPULATION
    count = rng.randint(3, 6)
    kinds = rng.sample(KINDS, min(count, len(KINDS)))
    if count > len(KINDS):
        kinds.append(rng.choice(kinds))  # a second phase of one of them, a year later
    seen: dict[str, int] = {}
    for kind in kinds:
        seen[kind.code] = seen.get(kind.code, 0) + 1
        phase = seen[kind.code]
        early = place_existed(area, DEMO_YEAR - 1) and rng.random() < 0.3
        start = (DEMO_YEAR - 1 if early else DEMO_YEAR) + phase - 1
        intervention_id = f"{code}-{kind.code}{phase}"
        name = kind.name + (" (second phase)" if phase > 1 else "")
        grade = rng.randint(1, 4)
        interventions.append(
            [intervention_id, code, name, kind.investing_agency,
             paying_line(kind, code, start, pooled),
             financial_year(start), grade, SYNTHETIC]
        )  # fmt: skip
        cohort = max(20, round(kind.cohort * scale * rng.uniform(0.8, 1.2)))
        years = min(rng.randint(*kind.years), LAST_DEFLATOR_YEAR - start + 1)
        for year in range(years):
            growth = 1.03**year * rng.uniform(0.95, 1.05)
            cost = round(cohort * kind.cost_per_person * growth)
            costs.append([intervention_id, financial_year(start + year), cost, SYNTHETIC])
        # How well this team delivers: the same model works better in some places than others.
        effectiveness = rng.uniform(0.6, 1.7)
        engagement = draw(rng, kind.engagement)
        for number, stream in enumerate(kind.streams, start=1):
            if stream.unit_cost_code not in codes:
                raise SystemExit(f"{stream.unit_cost_code} is not in unit_costs.csv")
            low, high = stream.success
            success = draw(rng, (low * effectiveness, min(high * effectiveness, 1.0)))
            deadweight, drop_off = draw(rng, stream.deadweight), draw(rng, stream.drop_off)
            attribution, offset = draw(rng, (0.75, 1.0)), rng.randint(*stream.offset)
            duration, grade = rng.randint(*stream.duration), rng.randint(*stream.grade)
            cashable = draw(rng, stream.cashable)
            # One row per year's cohort: people served in year y start to benefit y years later.
            for year in range(years):
                benefits.append(
                    [intervention_id, f"{intervention_id}-B{number}.{year + 1}",
                     stream.unit_cost_code, round(cohort * stream.cohort_share), engagement,
                     success, deadweight, attribution, drop_off, year + offset, duration, grade,
                     cashable, SYNTHETIC]
                )  # fmt: skip
    return interventions, costs, benefits


def write_csv(name: str, header: list[str], rows: list[list]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / name, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    print(f"wrote {OUT / name} ({len(rows)} rows)")


def main() -> None:
    rng = random.Random(SEED)
    codes = {u["unit_cost_code"] for u in read_csv("unit_costs.csv")}
    pooled = pooled_lines()
    interventions, costs, benefits = [], [], []
    for code, population, area in places_with_population():
        i, c, b = make_place(rng, code, population, area, codes, pooled)
        interventions += i
        costs += c
        benefits += b
    write_csv("interventions.csv", INTERVENTION_COLUMNS, interventions)
    write_csv("intervention_costs.csv", COST_COLUMNS, costs)
    write_csv("intervention_benefits.csv", BENEFIT_COLUMNS, benefits)


if __name__ == "__main__":
    main()
