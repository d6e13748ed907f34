"""Write the bundled demo feeds into `orchestration/demo/feeds/`.

Run with `python3 -m orchestration.tools.generate_demo_feeds` (standard library only). The output is
deterministic: one `random.Random(20251121)` drives every synthetic number, and the reference
seeds in `dbt_project/seeds/reference/` are read in a fixed order.

What is real and what is synthetic:
- Greater Manchester's 2025-26 rows for the fund lines of its Integrated Settlement are the real
  RDEL/CDEL amounts of the GOV.UK policy paper (see REAL_GM_FUNDS); its announced totals are the
  paper's per-fund table as published, TBC lines included with a blank total.
- The ten Greater Manchester districts' outturn for 2022-23 to 2024-25 is MHCLG's real revenue
  outturn, written by `ingest_real_files.py` through the adapter (not by this script), so this
  script leaves exactly those authority-years out of the synthetic outturn.
- Everything else (allocations in other places and years, other outturn, the other settlements,
  their pooling agreements, their announced totals, national line totals and pillar plans) is
  synthetic, plausible in size, and says so in `data_provenance`. The synthetic announced totals
  are worked out from the allocations feed line by line (never from the warehouse's pot), and one
  of them carries a seeded error, so the demo shows a failing reconciliation, labelled synthetic.

The generator applies the warehouse's rules itself (an area belongs to the place it is a member of
on 30 September of the financial year; an area or place is only paid in a year when its code exists
on that day) and refuses to write feeds that would fail the settlement checks, apart from the
one seeded error above.
"""

from __future__ import annotations

import csv
import random
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from orchestration.core.paths import BUNDLED_REFERENCE_DIR, DEMO_FEEDS_DIR, DEMO_SOURCES_DIR, REPO

SEED = 20251121
REFERENCE = BUNDLED_REFERENCE_DIR
SOURCES = DEMO_SOURCES_DIR
FEEDS = DEMO_FEEDS_DIR

FIRST_YEAR = 2015  # 2015-16
LAST_YEAR = 2029  # 2029-30
LAST_OUTTURN_YEAR = 2024  # outturn exists only for years already closed
SETTLEMENT_YEAR = 2025  # the year of the real Greater Manchester figures
GREATER_MANCHESTER = "E47000001"

SYNTHETIC = f"synthetic: wholeplace demo generator (seed {SEED})"
# MHCLG's real revenue outturn for these authority-years goes into the demo through the adapter
# (ingest_real_files.py writes feeds/outturn/ from it), so the generator must not make them too.
REAL_OUTTURN = REPO / "tests/fixtures/real/revenue_outturn_time_series_GM_2022-23_to_2024-25.csv"
GENERATED_OUTTURN = FEEDS / "outturn" / "revenue_outturn.csv"
REAL_GM = "real: GOV.UK GMCA Integrated Settlement 2025 to 2026 policy paper (20 Dec 2024), OGL v3"
GM_PAPER = (
    "GOV.UK, Greater Manchester Combined Authority Integrated Settlement 2025 to 2026, policy "
    "paper, published 20 December 2024, per-fund table: https://www.gov.uk/government/"
    "publications/integrated-settlements-for-2025-to-2026/"
    "greater-manchester-combined-authority-integrated-settlement-2025-to-2026"
)
SYNTHETIC_SOURCE = "none: synthetic demo total, not a publication"

ALLOCATION_COLUMNS = [
    "financial_year",
    "department",
    "funding_line",
    "funding_line_name",
    "area_code",
    "budget_type",
    "amount_gbp",
    "data_provenance",
]
OUTTURN_COLUMNS = ["financial_year", "area_code", "service_area", "amount_gbp", "data_provenance"]
SETTLEMENT_COLUMNS = [
    "settlement_id",
    "place_code",
    "first_year",
    "last_year",
    "gain_share_rate",
    "data_provenance",
]
POOLING_COLUMNS = ["settlement_id", "funding_line", "pillar", "share", "data_provenance"]
TOTAL_COLUMNS = [
    "settlement_id",
    "financial_year",
    "budget_type",
    "pillar",
    "funding_line",
    "announced_total_gbp",
    "source",
    "data_provenance",
]
LINE_TOTAL_COLUMNS = [
    "department",
    "funding_line",
    "financial_year",
    "budget_type",
    "national_total_gbp",
    "source",
    "data_provenance",
]
PILLAR_PLAN_COLUMNS = [
    "settlement_id",
    "financial_year",
    "pillar",
    "planned_gbp",
    "source",
    "data_provenance",
]

# Who a funding line is paid to.
COMBINED_AUTHORITY = "combined authority"
UPPER_TIER = "upper tier"  # unitaries, metropolitan districts, counties
LOWER_TIER = "lower tier"  # non-metropolitan districts
DISTRICT_OR_UNITARY = "district or unitary"  # every billing authority: lower tier and single tier
AREA_TYPES_PAID = {
    UPPER_TIER: {"unitary", "metropolitan district", "county"},
    LOWER_TIER: {"non-metropolitan district"},
    DISTRICT_OR_UNITARY: {"unitary", "metropolitan district", "non-metropolitan district"},
}

RESOURCE = "resource"
CAPITAL = "capital"

ADULT_SKILLS = "adult skills"
EMPLOYMENT_SUPPORT = "employment support"
HOUSING = "housing and regeneration"
TRANSPORT = "local transport"
GROWTH = "local growth and place"
PUBLIC_HEALTH = "public health"


def financial_year(start: int) -> str:
    """2025 -> '2025-26'."""
    return f"{start}-{(start + 1) % 100:02d}"


def census_day(start: int) -> str:
    """The day that decides membership and existence in a financial year: 30 September."""
    return f"{start}-09-30"


# --------------------------------------------------------------------------------------------
# Funding lines
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FundingLine:
    code: str
    name: str
    department: str
    paid_to: str
    per_head: dict[str, float]  # budget_type -> GBP per head in first_year
    first_year: int = FIRST_YEAR
    last_year: int = LAST_YEAR
    growth: float = 0.03  # nominal growth a year
    paid_before_place: str | None = None  # who is paid where the combined authority does not exist
    pillar: str | None = None  # the pillar it goes to when a settlement pools it
    only_places: tuple[str, ...] = ()  # lines that only one place receives

    def runs_in(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year


CATALOGUE = [
    FundingLine(
        "DFE-AEB",
        "Adult Education Budget",
        "DfE",
        COMBINED_AUTHORITY,
        {RESOURCE: 25.0},
        first_year=2019,
        growth=0.02,
        pillar=ADULT_SKILLS,
    ),
    FundingLine(
        "DFE-SKB",
        "Skills Bootcamps",
        "DfE",
        COMBINED_AUTHORITY,
        {RESOURCE: 3.0},
        first_year=2022,
        growth=0.04,
        pillar=ADULT_SKILLS,
    ),
    FundingLine(
        "DFE-SF",
        "Supporting Families",
        "DfE",
        UPPER_TIER,
        {RESOURCE: 3.5},
        growth=0.02,
        pillar=EMPLOYMENT_SUPPORT,
    ),
    FundingLine(
        "DHSC-PHG",
        "Public Health Grant",
        "DHSC",
        UPPER_TIER,
        {RESOURCE: 55.0},
        growth=0.025,
        pillar=PUBLIC_HEALTH,
    ),
    FundingLine(
        "DWP-HSF",
        "Household Support Fund",
        "DWP",
        UPPER_TIER,
        {RESOURCE: 15.0},
        first_year=2021,
        last_year=2025,
        growth=0.01,
        pillar=EMPLOYMENT_SUPPORT,
    ),
    FundingLine(
        "MHCLG-DFG",
        "Disabled Facilities Grant",
        "MHCLG",
        UPPER_TIER,
        {CAPITAL: 9.0},
        growth=0.04,
        pillar=HOUSING,
    ),
    FundingLine(
        "MHCLG-HPG",
        "Homelessness Prevention Grant",
        "MHCLG",
        DISTRICT_OR_UNITARY,
        {RESOURCE: 6.0},
        first_year=2021,
        growth=0.04,
        pillar=HOUSING,
    ),
    FundingLine(
        "MHCLG-SCG",
        "Social Care Grant",
        "MHCLG",
        UPPER_TIER,
        {RESOURCE: 35.0},
        first_year=2019,
        growth=0.08,
    ),
    FundingLine(
        "MHCLG-UKSPF",
        "UK Shared Prosperity Fund",
        "MHCLG",
        COMBINED_AUTHORITY,
        {RESOURCE: 11.0, CAPITAL: 4.0},
        first_year=2022,
        growth=0.03,
        paid_before_place=DISTRICT_OR_UNITARY,
        pillar=GROWTH,
    ),
    FundingLine(
        "DFT-CRSTS",
        "City Region Sustainable Transport Settlement",
        "DfT",
        COMBINED_AUTHORITY,
        {CAPITAL: 80.0},
        first_year=2022,
        growth=0.02,
        pillar=TRANSPORT,
    ),
    FundingLine(
        "DFT-BSIP",
        "Bus Service Improvement Plan",
        "DfT",
        COMBINED_AUTHORITY,
        {RESOURCE: 12.0},
        first_year=2022,
        growth=0.03,
        paid_before_place=UPPER_TIER,
        pillar=TRANSPORT,
    ),
    FundingLine(
        "DFT-LABG",
        "Local Authority Bus Grant",
        "DfT",
        COMBINED_AUTHORITY,
        {RESOURCE: 4.0},
        growth=0.02,
        paid_before_place=UPPER_TIER,
        pillar=TRANSPORT,
    ),
    FundingLine(
        "MOJ-YJG",
        "Youth Justice Grant",
        "MoJ",
        UPPER_TIER,
        {RESOURCE: 1.8},
        growth=0.02,
        pillar=PUBLIC_HEALTH,
    ),
    FundingLine(
        "HO-SVD",
        "Serious Violence Duty",
        "HO",
        UPPER_TIER,
        {RESOURCE: 0.6},
        first_year=2022,
        growth=0.02,
        pillar=PUBLIC_HEALTH,
    ),
]


@dataclass(frozen=True)
class RealFund:
    """One fund line of the GMCA Integrated Settlement 2025-26 policy paper, as quoted."""

    code: str
    name: str
    department: str
    pillar: str
    rdel: int = 0
    cdel: int = 0

    def amounts(self) -> dict[str, int]:
        return {b: a for b, a in ((RESOURCE, self.rdel), (CAPITAL, self.cdel)) if a}


# The paper's rows with an amount; TBC rows (GM_TBC_FUNDS) and Free Courses for Jobs
# ("included in figure above") are not allocations.
REAL_GM_FUNDS = [
    RealFund("MHCLG-UKSPF", "UK Shared Prosperity Fund", "MHCLG", GROWTH, 30_349_418, 12_866_197),
    RealFund("MHCLG-IZ", "Investment Zones", "MHCLG", GROWTH, 6_960_000, 10_800_000),
    RealFund("DBT-MS", "Made Smarter", "DBT", GROWTH, 947_500),
    RealFund(
        "DFT-CRSTS",
        "City Region Sustainable Transport Settlement",
        "DfT",
        TRANSPORT,
        cdel=215_506_000,
    ),
    RealFund("DFT-BSIP", "Bus Service Improvement Plan", "DfT", TRANSPORT, 43_664_250),
    RealFund(
        "DFT-BSIPCC",
        "Bus Service Improvement Plan Capacity and Capability",
        "DfT",
        TRANSPORT,
        125_000,
    ),
    RealFund("DFT-BSOG", "Bus Service Operators Grant", "DfT", TRANSPORT, 2_953_691),
    RealFund("DFT-CBSOG", "Commercial Bus Service Operators Grant", "DfT", TRANSPORT, 13_150_811),
    RealFund("DFT-BSOGP", "Bus Service Operators Grant Plus", "DfT", TRANSPORT, 6_500_000),
    RealFund("DFT-RAG", "Rail Admin Grant", "DfT", TRANSPORT, 1_560_000),
    RealFund("DFT-CMT", "Cross Manchester Ticketing", "DfT", TRANSPORT, 340_000),
    RealFund("DFE-AEB", "Adult Education Budget", "DfE", ADULT_SKILLS, 102_000_000),
]


# The paper's rows whose amount is "TBC": announced totals on file as not yet announced.
GM_TBC_FUNDS = [
    ("DBT-GH", GROWTH),  # Growth Hubs
    ("DCMS-CG", GROWTH),  # Create Growth
    ("DFT-ATF", TRANSPORT),  # Active Travel Fund
    ("DFT-ATCF", TRANSPORT),  # Active Travel Capability Fund
    ("DFT-LEVI", TRANSPORT),  # Local Electric Vehicle Infrastructure Fund
    ("DFE-SKB", ADULT_SKILLS),  # Skills Bootcamps
]


def greater_manchester_only_lines() -> list[FundingLine]:
    """Real funds with no national catalogue line: paid to Greater Manchester from 2025-26."""
    catalogued = {line.code for line in CATALOGUE}
    return [
        FundingLine(
            fund.code,
            fund.name,
            fund.department,
            COMBINED_AUTHORITY,
            per_head={},
            first_year=SETTLEMENT_YEAR,
            growth=0.02,
            pillar=fund.pillar,
            only_places=(GREATER_MANCHESTER,),
        )
        for fund in REAL_GM_FUNDS
        if fund.code not in catalogued
    ]


def all_funding_lines() -> list[FundingLine]:
    lines = CATALOGUE + greater_manchester_only_lines()
    check_real_funds_match_catalogue(lines)
    return lines


def check_real_funds_match_catalogue(lines: list[FundingLine]) -> None:
    by_code = {line.code: line for line in lines}
    for fund in REAL_GM_FUNDS:
        line = by_code[fund.code]
        if (line.name, line.department) != (fund.name, fund.department):
            raise ValueError(f"{fund.code}: the real fund and the catalogue line disagree")


def real_gm_amounts() -> dict[tuple[str, str], int]:
    """(funding_line, budget_type) -> GBP, Greater Manchester 2025-26."""
    return {(f.code, b): amount for f in REAL_GM_FUNDS for b, amount in f.amounts().items()}


# --------------------------------------------------------------------------------------------
# Geography and population
# --------------------------------------------------------------------------------------------


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@dataclass
class Geography:
    areas: dict[str, dict[str, str]]
    membership: list[dict[str, str]]
    population_rows: dict[tuple[str, int], int]
    districts_of_county: dict[str, list[str]]
    _population: dict[tuple[str, int], int] = field(default_factory=dict)

    @property
    def places(self) -> list[str]:
        return sorted({row["place_code"] for row in self.membership})

    @property
    def member_areas(self) -> list[str]:
        return sorted({row["area_code"] for row in self.membership})

    def area_type(self, code: str) -> str:
        return self.areas[code]["area_type"]

    def exists(self, code: str, year: int) -> bool:
        area, day = self.areas[code], census_day(year)
        started = not area["start_date"] or area["start_date"] <= day
        not_ended = not area["end_date"] or day <= area["end_date"]
        return started and not_ended

    def members(self, place: str, year: int) -> list[str]:
        day = census_day(year)
        return sorted(
            {
                row["area_code"]
                for row in self.membership
                if row["place_code"] == place
                and row["start_date"] <= day
                and (not row["end_date"] or day <= row["end_date"])
            }
        )

    def place_of(self, area: str, year: int) -> str | None:
        places = [p for p in self.places if area in self.members(p, year)]
        return places[0] if places else None

    def population(self, code: str, year: int) -> int:
        key = (code, year)
        if key not in self._population:
            self._population[key] = self._count_population(code, year)
        return self._population[key]

    def _count_population(self, code: str, year: int) -> int:
        if code.startswith("E47"):
            members = self.members(code, year)
            return sum(self.population(m, year) for m in members if self.area_type(m) != "county")
        if self.area_type(code) == "county":
            return sum(self.population(d, year) for d in self.districts_of_county[code])
        return self._estimate(code, year)

    def _estimate(self, code: str, year: int) -> int:
        """Mid-year estimate of that year; the latest is carried forward; a re-coded area
        without estimates of its own uses its predecessor's."""
        years = [y for (c, y) in self.population_rows if c == code]
        if not years:
            return self._estimate(self.predecessor(code), year)
        return self.population_rows[(code, min(year, max(years)))]

    def predecessor(self, code: str) -> str:
        for old, area in self.areas.items():
            if area["successor_code"] == code:
                return old
        raise ValueError(f"no population estimate for {code} or a predecessor")


def load_geography() -> Geography:
    areas = {row["area_code"]: row for row in read_csv(REFERENCE / "areas.csv")}
    membership = read_csv(REFERENCE / "membership.csv")
    population = {
        (row["area_code"], int(row["mid_year"])): int(row["population"])
        for row in read_csv(REFERENCE / "population.csv")
    }
    members = {row["area_code"] for row in membership}
    return Geography(areas, membership, population, read_districts_of_county(members))


def read_districts_of_county(member_areas: set[str]) -> dict[str, list[str]]:
    """County -> its districts, from the `county-la` column of the mySociety authority list
    (membership alone cannot say it: East Midlands holds both Derbyshire and Nottinghamshire)."""
    rows = read_csv(SOURCES / "mysociety_uk_local_authorities.csv")
    gss_of = {row["local-authority-code"]: row["gss-code"] for row in rows}
    districts: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        if row["gss-code"] in member_areas and row["county-la"]:
            districts[gss_of[row["county-la"]]].append(row["gss-code"])
    return {county: sorted(codes) for county, codes in districts.items()}


# --------------------------------------------------------------------------------------------
# Allocations
# --------------------------------------------------------------------------------------------


@dataclass
class Generator:
    geography: Geography
    rng: random.Random
    area_factors: dict[tuple[str, str], float] = field(default_factory=dict)

    def area_factor(self, area: str, what: str) -> float:
        """A lasting difference between areas (need, formula, local choices), +-15%."""
        key = (area, what)
        if key not in self.area_factors:
            self.area_factors[key] = self.rng.uniform(0.85, 1.15)
        return self.area_factors[key]

    def year_noise(self, spread: float = 0.03) -> float:
        return self.rng.uniform(1 - spread, 1 + spread)


@dataclass(frozen=True)
class Allocation:
    year: int
    line: FundingLine
    area_code: str
    budget_type: str
    amount_gbp: int
    provenance: str = SYNTHETIC

    def as_row(self) -> list:
        return [
            financial_year(self.year),
            self.line.department,
            self.line.code,
            self.line.name,
            self.area_code,
            self.budget_type,
            self.amount_gbp,
            self.provenance,
        ]


def areas_paid_at(geo: Geography, level: str, year: int) -> list[str]:
    return [
        a
        for a in geo.member_areas
        if geo.exists(a, year) and geo.area_type(a) in AREA_TYPES_PAID[level]
    ]


def recipients(geo: Geography, line: FundingLine, year: int) -> list[str]:
    if not line.runs_in(year):
        return []
    if line.paid_to != COMBINED_AUTHORITY:
        return areas_paid_at(geo, line.paid_to, year)
    paid = [
        p
        for p in geo.places
        if geo.exists(p, year) and (not line.only_places or p in line.only_places)
    ]
    if line.paid_before_place:
        candidates = areas_paid_at(geo, line.paid_before_place, year)
        paid += [a for a in candidates if geo.place_of(a, year) is None]
    return paid


def budget_types(line: FundingLine, area: str, real: dict[tuple[str, str], int]) -> list[str]:
    if area == GREATER_MANCHESTER and any(code == line.code for code, _ in real):
        return [b for b in (RESOURCE, CAPITAL) if (line.code, b) in real]
    return [b for b in (RESOURCE, CAPITAL) if b in line.per_head]


def trend_amount(
    gen: Generator, line: FundingLine, area: str, budget_type: str, year: int, real: dict
) -> float:
    """Where a real 2025-26 figure exists, other years grow from it; elsewhere per head x
    population x the area's lasting difference."""
    if area == GREATER_MANCHESTER and (line.code, budget_type) in real:
        return real[(line.code, budget_type)] * (1 + line.growth) ** (year - SETTLEMENT_YEAR)
    per_head = line.per_head[budget_type] * (1 + line.growth) ** (year - line.first_year)
    population = gen.geography.population(area, year)
    return per_head * population * gen.area_factor(area, line.code)


def allocate(
    gen: Generator, line: FundingLine, area: str, budget_type: str, year: int, real: dict
) -> Allocation:
    if area == GREATER_MANCHESTER and year == SETTLEMENT_YEAR and (line.code, budget_type) in real:
        return Allocation(year, line, area, budget_type, real[(line.code, budget_type)], REAL_GM)
    amount = trend_amount(gen, line, area, budget_type, year, real) * gen.year_noise()
    return Allocation(year, line, area, budget_type, max(0, round(amount)))


def generate_allocations(gen: Generator, lines: list[FundingLine]) -> list[Allocation]:
    real = real_gm_amounts()
    allocations = []
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for line in lines:
            for area in recipients(gen.geography, line, year):
                for budget_type in budget_types(line, area, real):
                    allocations.append(allocate(gen, line, area, budget_type, year, real))
    return allocations


# --------------------------------------------------------------------------------------------
# Outturn
# --------------------------------------------------------------------------------------------

# Net current expenditure, GBP per head in 2015-16, by kind of authority. Services a kind of
# authority does not run are reported as 0, as in the revenue outturn summary.
OUTTURN_PER_HEAD = {
    "single tier": {
        "edu": 480,
        "trans": 55,
        "csc": 190,
        "asc": 330,
        "phs": 55,
        "hous": 25,
        "cul": 35,
        "env": 85,
        "plan": 18,
        "cen": 35,
        "other": 4,
    },
    "county": {
        "edu": 470,
        "trans": 45,
        "csc": 180,
        "asc": 320,
        "phs": 50,
        "cul": 12,
        "env": 40,
        "plan": 8,
        "cen": 15,
        "other": 3,
    },
    "district": {"hous": 20, "cul": 22, "env": 45, "plan": 15, "cen": 28, "other": 3},
}
KIND_OF_AUTHORITY = {
    "unitary": "single tier",
    "metropolitan district": "single tier",
    "county": "county",
    "non-metropolitan district": "district",
}
OUTTURN_GROWTH = {"asc": 0.05, "csc": 0.06, "edu": -0.01}  # others 2.5% a year
SMALL_VOLATILE_SERVICES = {"plan": 0.35, "other": 0.8}  # spread; net of income, can go negative


def service_areas() -> list[str]:
    return [row["service_area"] for row in read_csv(REFERENCE / "service_areas.csv")]


def net_expenditure(gen: Generator, area: str, service: str, year: int) -> int:
    kind = KIND_OF_AUTHORITY[gen.geography.area_type(area)]
    per_head = OUTTURN_PER_HEAD[kind].get(service, 0)
    if not per_head:
        return 0
    growth = OUTTURN_GROWTH.get(service, 0.025)
    trend = per_head * (1 + growth) ** (year - FIRST_YEAR) * gen.geography.population(area, year)
    trend *= gen.area_factor(area, f"outturn:{service}")
    if service in SMALL_VOLATILE_SERVICES:
        return round(trend + gen.rng.gauss(0, SMALL_VOLATILE_SERVICES[service] * trend))
    return round(trend * gen.year_noise(0.04))


def real_outturn_years(path: Path = REAL_OUTTURN) -> set[tuple[str, int]]:
    """(area code, start year) of every authority-year the real outturn file has a row for;
    year_ending 202403 is the year ending March 2024, which starts in 2023."""
    with open(path, newline="", encoding="utf-8") as f:
        return {(r["ONS_code"], int(r["year_ending"][:4]) - 1) for r in csv.DictReader(f)}


def generate_outturn(gen: Generator, real: set[tuple[str, int]]) -> list[list]:
    geo, rows = gen.geography, []
    for year in range(FIRST_YEAR, LAST_OUTTURN_YEAR + 1):
        for area in geo.member_areas:
            if not geo.exists(area, year):
                continue
            for service in service_areas():
                # Drawn even where the real figure replaces it, so every other synthetic number
                # (and the settlements drawn after) stays what it was.
                amount = net_expenditure(gen, area, service, year)
                if (area, year) not in real:
                    rows.append([financial_year(year), area, service, amount, SYNTHETIC])
    return rows


# --------------------------------------------------------------------------------------------
# Settlements, pooling agreements and announced totals
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settlement:
    settlement_id: str
    place_code: str
    first_year: int
    last_year: int
    gain_share_rate: Decimal = Decimal("0")

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)

    def as_row(self) -> list:
        return [
            self.settlement_id,
            self.place_code,
            financial_year(self.first_year),
            financial_year(self.last_year),
            self.gain_share_rate,
            SYNTHETIC,
        ]


@dataclass(frozen=True)
class Pooling:
    settlement_id: str
    funding_line: str
    pillar: str
    share: Decimal
    provenance: str = SYNTHETIC

    def as_row(self) -> list:
        return [self.settlement_id, self.funding_line, self.pillar, self.share, self.provenance]


# One settlement per place: the two 2025 integrated settlements, and a devolution deal for every
# other place from its first full year to 2029-30 (or the place's end).
SETTLEMENT_PLAN = [
    ("GMCA-IS-2025", "E47000001", 2025, 2029),
    ("SYMCA-DD-2020", "E47000002", 2020, 2029),
    ("WYCA-DD-2021", "E47000003", 2021, 2029),
    ("LCR-DD-2019", "E47000004", 2019, 2029),
    ("TVCA-DD-2017", "E47000006", 2017, 2029),
    ("WMCA-IS-2025", "E47000007", 2025, 2029),
    ("CPCA-DD-2017", "E47000008", 2017, 2029),
    ("WECA-DD-2017", "E47000009", 2017, 2029),
    ("NECA-DD-2015", "E47000010", 2015, 2023),
    ("NTCA-DD-2019", "E47000011", 2019, 2023),
    ("YNYCA-DD-2024", "E47000012", 2024, 2029),
    ("EMCCA-DD-2024", "E47000013", 2024, 2029),
    ("NEMCA-DD-2024", "E47000014", 2024, 2029),
    ("DTCCA-DD-2025", "E47000015", 2025, 2029),
    ("HEYCA-DD-2025", "E47000016", 2025, 2029),
    ("GLCCA-DD-2025", "E47000017", 2025, 2029),
    ("LCCA-DD-2025", "E47000018", 2025, 2029),
]
WMCA_POOLED_LINES = ["DFE-AEB", "DFE-SKB", "MHCLG-UKSPF", "DFT-CRSTS", "DFT-BSIP", "DFT-LABG"]

# Synthetic announced totals: (settlement, year, split by budget type?, seeded error in GBP).
# The seeded error makes one reconciliation fail on purpose, so the demo shows a failing check.
ANNOUNCED = [
    ("WMCA-IS-2025", 2025, True, 0),
    ("LCR-DD-2019", 2024, False, 0),
    ("WYCA-DD-2021", 2023, True, 2_500_000),
]
SEEDED_ERROR = f"{SYNTHETIC}; seeded error: the total is off by GBP {{error:,}} on purpose"
# Synthetic national control totals (the allocations to every area, as a department would publish).
NATIONAL_LINES = [("DFE-AEB", 2025), ("DFT-BSIP", 2025), ("MHCLG-UKSPF", 2025)]
# Synthetic pillar plans: WMCA moves 5% of its adult skills allocation to local transport.
PLANNED_MOVE = ("WMCA-IS-2025", 2025, ADULT_SKILLS, TRANSPORT, Decimal("0.05"))


class AllocationIndex:
    """Allocations summed over budget types, by (year, funding line, area)."""

    def __init__(self, allocations: list[Allocation]) -> None:
        self.amounts: dict[tuple[int, str, str], int] = defaultdict(int)
        for a in allocations:
            self.amounts[(a.year, a.line.code, a.area_code)] += a.amount_gbp

    def reaching_place(self, geo: Geography, place: str, line: str, year: int) -> int:
        """What the line pays the place and its members in that year (the warehouse's rule)."""
        areas = [place, *geo.members(place, year)]
        return sum(self.amounts.get((year, line, area), 0) for area in areas)


def make_settlements(gen: Generator) -> list[Settlement]:
    settlements = []
    for settlement_id, place, first, last in SETTLEMENT_PLAN:
        rate = Decimal(str(round(gen.rng.uniform(0.05, 0.5), 2)))
        settlements.append(Settlement(settlement_id, place, first, last, rate))
    check_settlements_fit_places(gen.geography, settlements)
    return settlements


def check_settlements_fit_places(geo: Geography, settlements: list[Settlement]) -> None:
    ids = [s.settlement_id for s in settlements]
    if len(ids) != len(set(ids)):
        raise ValueError("settlement_id values must be unique")
    for s in settlements:
        missing = [y for y in s.years if not geo.exists(s.place_code, y)]
        if missing:
            raise ValueError(f"{s.settlement_id}: {s.place_code} does not exist in {missing}")
        same_place = [o for o in settlements if o.place_code == s.place_code and o is not s]
        if any(set(o.years) & set(s.years) for o in same_place):
            raise ValueError(f"{s.settlement_id} overlaps another settlement of its place")


def lines_reaching_every_year(
    geo: Geography, index: AllocationIndex, lines: list[FundingLine], s: Settlement
) -> list[FundingLine]:
    return [
        line
        for line in lines
        if line.pillar
        and not line.only_places
        and all(index.reaching_place(geo, s.place_code, line.code, y) > 0 for y in s.years)
    ]


def pool_for(
    gen: Generator, index: AllocationIndex, lines: list[FundingLine], s: Settlement
) -> list[Pooling]:
    by_code = {line.code: line for line in lines}
    if s.place_code == GREATER_MANCHESTER:
        return [
            Pooling(s.settlement_id, f.code, f.pillar, Decimal("1.0"), REAL_GM)
            for f in REAL_GM_FUNDS
        ]
    if s.settlement_id == "WMCA-IS-2025":
        chosen = [by_code[code] for code in WMCA_POOLED_LINES]
        return [Pooling(s.settlement_id, c.code, c.pillar, Decimal("1.0")) for c in chosen]
    eligible = lines_reaching_every_year(gen.geography, index, lines, s)
    chosen = gen.rng.sample(eligible, gen.rng.randint(3, min(8, len(eligible))))
    return [
        Pooling(s.settlement_id, c.code, c.pillar, pooled_share(gen.rng))
        for c in sorted(chosen, key=lambda line: line.code)
    ]


def pooled_share(rng: random.Random) -> Decimal:
    """Most deals pool the whole line; some pool half of it."""
    return Decimal("0.5") if rng.random() < 0.2 else Decimal("1.0")


def pot(geo: Geography, index: AllocationIndex, s: Settlement, pooled: list[Pooling], year: int):
    return sum(
        (p.share * index.reaching_place(geo, s.place_code, p.funding_line, year) for p in pooled),
        Decimal(0),
    )


def check_every_pooled_line_paid(
    geo: Geography, index: AllocationIndex, s: Settlement, pooled: list[Pooling]
) -> None:
    for p in pooled:
        for year in s.years:
            if index.reaching_place(geo, s.place_code, p.funding_line, year) <= 0:
                raise ValueError(f"{s.settlement_id}: {p.funding_line} has no allocation in {year}")


def check_no_line_pooled_twice(
    geo: Geography, settlements: list[Settlement], pooling: list[Pooling]
) -> None:
    shares: dict[tuple[str, str, int], Decimal] = defaultdict(Decimal)
    for s in settlements:
        for p in (p for p in pooling if p.settlement_id == s.settlement_id):
            for year in s.years:
                for area in [s.place_code, *geo.members(s.place_code, year)]:
                    shares[(p.funding_line, area, year)] += p.share
    over = {key: share for key, share in shares.items() if share > 1}
    if over:
        raise ValueError(f"lines pooled more than 100%: {sorted(over)[:5]}")


def format_money(amount: Decimal) -> str:
    return str(int(amount)) if amount == amount.to_integral_value() else f"{amount:.2f}"


def greater_manchester_paper_totals() -> list[list]:
    """The GOV.UK policy paper's per-fund table, one row per fund and budget type, as published."""
    rows = []
    for fund in REAL_GM_FUNDS:
        for budget_type, amount in fund.amounts().items():
            rows.append(
                ["GMCA-IS-2025", financial_year(SETTLEMENT_YEAR), budget_type, fund.pillar,
                 fund.code, amount, GM_PAPER, REAL_GM]
            )  # fmt: skip
    for code, pillar in GM_TBC_FUNDS:
        rows.append(
            ["GMCA-IS-2025", financial_year(SETTLEMENT_YEAR), "", pillar, code, "", GM_PAPER,
             REAL_GM]
        )  # fmt: skip
    return rows


def line_allocations(
    geo: Geography, allocations: list[Allocation], s: Settlement, pooled: list[Pooling], year: int
) -> dict[str, Decimal]:
    """budget_type -> share x allocations of each pooled line to the place and its members,
    added up from the allocation rows (not from the pot the warehouse computes)."""
    shares = {p.funding_line: p.share for p in pooled}
    areas = {s.place_code, *geo.members(s.place_code, year)}
    by_type: dict[str, Decimal] = defaultdict(Decimal)
    for a in allocations:
        if a.year == year and a.area_code in areas and a.line.code in shares:
            by_type[a.budget_type] += shares[a.line.code] * a.amount_gbp
    return dict(sorted(by_type.items()))


def announced_totals(
    geo: Geography, allocations: list[Allocation], settlements: list[Settlement],
    pooling: list[Pooling],
) -> list[list]:  # fmt: skip
    by_id = {s.settlement_id: s for s in settlements}
    rows = greater_manchester_paper_totals()
    for settlement_id, year, by_budget_type, error in ANNOUNCED:
        pooled = [p for p in pooling if p.settlement_id == settlement_id]
        amounts = line_allocations(geo, allocations, by_id[settlement_id], pooled, year)
        if not by_budget_type:
            amounts = {"": sum(amounts.values(), Decimal(0))}
        for number, (budget_type, amount) in enumerate(amounts.items()):
            seeded = error if number == 0 else 0
            provenance = SEEDED_ERROR.format(error=seeded) if seeded else SYNTHETIC
            rows.append(
                [settlement_id, financial_year(year), budget_type, "", "",
                 format_money(amount + seeded), SYNTHETIC_SOURCE, provenance]
            )  # fmt: skip
    return rows


def national_line_totals(allocations: list[Allocation]) -> list[list]:
    totals: dict[tuple[str, str, int, str], int] = defaultdict(int)
    for a in allocations:
        if (a.line.code, a.year) in NATIONAL_LINES:
            totals[(a.line.department, a.line.code, a.year, a.budget_type)] += a.amount_gbp
    return [
        [department, code, financial_year(year), budget_type, amount, SYNTHETIC_SOURCE, SYNTHETIC]
        for (department, code, year, budget_type), amount in sorted(totals.items())
    ]


def pillar_plans(
    geo: Geography, allocations: list[Allocation], settlements: list[Settlement],
    pooling: list[Pooling], lines: list[FundingLine],
) -> list[list]:  # fmt: skip
    settlement_id, year, source_pillar, target_pillar, moved = PLANNED_MOVE
    s = next(s for s in settlements if s.settlement_id == settlement_id)
    pooled = [p for p in pooling if p.settlement_id == settlement_id]
    by_pillar: dict[str, Decimal] = defaultdict(Decimal)
    for p in pooled:
        one = line_allocations(geo, allocations, s, [p], year)
        by_pillar[p.pillar] += sum(one.values(), Decimal(0))
    shift = (by_pillar[source_pillar] * moved).quantize(Decimal(1))
    by_pillar[source_pillar] -= shift
    by_pillar[target_pillar] += shift
    return [
        [settlement_id, financial_year(year), pillar, format_money(amount), SYNTHETIC_SOURCE,
         SYNTHETIC]
        for pillar, amount in sorted(by_pillar.items())
    ]  # fmt: skip


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def write_csv(path: Path, header: list[str], rows: list[list]) -> tuple[Path, int]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path, len(rows)


def clear_generated_feeds() -> None:
    for folder in ("allocations", "settlements"):
        shutil.rmtree(FEEDS / folder, ignore_errors=True)
    GENERATED_OUTTURN.unlink(missing_ok=True)  # the real outturn beside it is not generated


def write_allocations(allocations: list[Allocation]) -> list[tuple[Path, int]]:
    by_department: dict[str, list[Allocation]] = defaultdict(list)
    for a in allocations:
        by_department[a.line.department].append(a)
    written = []
    for department in sorted(by_department, key=str.lower):
        rows = sorted(
            by_department[department],
            key=lambda a: (a.year, a.line.code, a.area_code, a.budget_type),
        )
        path = FEEDS / "allocations" / f"{department.lower()}.csv"
        written.append(write_csv(path, ALLOCATION_COLUMNS, [a.as_row() for a in rows]))
    return written


README = """# Demo feeds (generated)

These are the bundled demo feeds that `wholeplace build` reads when no `--feeds` folder is given.
They are written by `orchestration/tools/generate_demo_feeds.py`; do not edit them by hand.
Regenerate them from the repository root with

    python3 -m orchestration.tools.generate_demo_feeds

The script uses only the Python standard library and one seeded generator
(`random.Random({seed})`), so it writes the same files every time from the same reference seeds
(`dbt_project/seeds/reference/`) and the mySociety authority list
(`orchestration/demo/sources/`, used only to tell which districts belong to which county).

## What is real and what is synthetic

Every row carries a `data_provenance` column saying whether it is real or synthetic.

### Real rows: `{real}`

Greater Manchester's (E47000001) 2025-26 allocations for the {n_real} fund lines of its
Integrated Settlement that the policy paper gives an amount for, and the pooling agreement of
`GMCA-IS-2025` (those lines, with the paper's pillars; pooling each line whole, share 1.0, is
this demo's reading). A fund with both RDEL and CDEL is two rows of the same `funding_line`,
one `resource` and one `capital`. The paper's TBC rows (Growth Hubs, Create Growth, Active
Travel Fund, Active Travel Capability Fund, Local Electric Vehicle Infrastructure Fund, Skills
Bootcamps) are left out; Free Courses for Jobs is inside the Adult Education Budget figure, as
the paper says. The paper is the 20 December 2024 edition and the copy read was cut off in the
housing and regeneration rows, so no housing or employment support line is real.

### Announced totals

`settlements/settlement_totals.csv` holds what was published, at the grain it was published.
`GMCA-IS-2025` 2025-26 is the GOV.UK policy paper's per-fund table: one row per fund and budget
type, with its pillar and the paper as `source`; the paper's TBC rows are there with a blank
total (not yet announced). The government's GBP 560m and GMCA's GBP 630m headlines are not used:
they count funds the copy of the paper did not list. Greater Manchester's later years have no
total on file, and the build says so. The other totals are synthetic (`source` says so), added up
from the allocation rows line by line; `WYCA-DD-2021` 2023-24 capital carries a seeded error of
GBP 2,500,000, so the demo's settlement checks show one failing reconciliation.
`line_totals.csv` (national control totals) and `pillar_plans.csv` are synthetic too.

### Synthetic rows: `{synthetic}`

Everything else, which is not available offline: allocations to every other place and year,
including Greater Manchester's other years (grown from its real 2025-26 figures; the funds
only Greater Manchester receives start in 2025-26), all other outturn, every settlement row (the
dates and gain share rates, including `GMCA-IS-2025`'s), the other pooling agreements and the
other announced totals. Amounts are a per-head rate of the right order for each grant x the
ONS mid-year population of the year (2024 carried forward; Barnsley's and Sheffield's 2025
codes use their predecessors' estimates; a county is the sum of its districts), with lasting
differences between areas of +-15% and yearly noise of +-3%, growing 2-8% a year in cash.
Outturn is net current expenditure per head by kind of authority (0 for services that kind of
authority does not run); the small `plan` and `other` lines are sometimes negative.

## Rules the demo follows

- Years 2015-16 to 2029-30; outturn only for 2015-16 to 2024-25.
- An area belongs to the place it is a member of on 30 September of the financial year; an area
  or combined authority is paid in a year only if its code exists on that day (Barnsley is
  E08000016 up to 2024-25 and E08000038 from 2025-26).
- Lines paid to combined authorities go to every combined authority that exists that year; some
  (UKSPF, BSIP, Local Authority Bus Grant) go to the member councils while their combined
  authority does not exist yet.
- One settlement per place; no two settlements of a place overlap; each pooled line reaches the
  place in every year of its settlement; no line in any area and year is pooled more than 100%;
  every synthetic announced total but the seeded one equals share x the line's allocations to
  the place and its members in that year, by budget type where it is split.

## Funding lines

| funding_line | name | department | budget type | paid to |
|---|---|---|---|---|
{line_table}

## Real feeds made by the adapters

`regional_spend/cra_2018.csv` (HM Treasury Country and Regional Analysis 2018),
`outcomes/oflog_adult_social_care_measures.csv` (Oflog adult social care measures) and
`outturn/revenue_outturn_time_series_gm_2022_23_to_2024_25.csv` (MHCLG revenue outturn time
series: the ten Greater Manchester districts, 2022-23 to 2024-25) are real published data,
turned into wholeplace's feed layout by `orchestration/tools/ingest_real_files.py` with the
adapters in `orchestration/core/adapters/`. Their `data_provenance`, `source_unit`, `price_basis`
and `accounting_basis` columns say where each row came from and in what units. This script writes
no synthetic outturn for the authority-years the real outturn covers, so none is counted twice.

`interventions/` holds synthetic prevention business cases written by
`orchestration/tools/generate_demo_interventions.py`; they use real GMCA unit cost codes.
"""


def line_table(lines: list[FundingLine]) -> str:
    real = real_gm_amounts()
    rows = []
    for line in lines:
        types = set(line.per_head) | {b for code, b in real if code == line.code}
        paid_to = line.paid_to + (" (Greater Manchester only)" if line.only_places else "")
        if line.paid_before_place:
            paid_to += f"; {line.paid_before_place} before the combined authority exists"
        budget = ", ".join(b for b in (RESOURCE, CAPITAL) if b in types)
        rows.append(f"| {line.code} | {line.name} | {line.department} | {budget} | {paid_to} |")
    return "\n".join(rows)


def write_readme(lines: list[FundingLine]) -> Path:
    path = FEEDS / "README.md"
    path.write_text(
        README.format(
            seed=SEED,
            real=REAL_GM,
            synthetic=SYNTHETIC,
            n_real=len(REAL_GM_FUNDS),
            line_table=line_table(lines),
        ),
        encoding="utf-8",
    )
    return path


def print_summary(written: list[tuple[Path, int]]) -> None:
    total_bytes = 0
    for path, rows in written:
        size = path.stat().st_size
        total_bytes += size
        print(f"wrote {path.relative_to(REPO)}: {rows} rows, {size / 1024:.0f} KiB")
    print(f"{len(written)} files, {sum(r for _, r in written)} rows, {total_bytes / 1e6:.1f} MB")


def main() -> None:
    gen = Generator(load_geography(), random.Random(SEED))
    lines = all_funding_lines()
    allocations = generate_allocations(gen, lines)
    outturn = generate_outturn(gen, real_outturn_years())
    index = AllocationIndex(allocations)
    settlements = make_settlements(gen)
    pooling = []
    for s in settlements:
        pooled = pool_for(gen, index, lines, s)
        check_every_pooled_line_paid(gen.geography, index, s, pooled)
        pooling += pooled
    check_no_line_pooled_twice(gen.geography, settlements, pooling)
    totals = announced_totals(gen.geography, allocations, settlements, pooling)
    plans = pillar_plans(gen.geography, allocations, settlements, pooling, lines)

    clear_generated_feeds()
    written = write_allocations(allocations)
    written.append(write_csv(GENERATED_OUTTURN, OUTTURN_COLUMNS, outturn))
    settlements_dir = FEEDS / "settlements"
    written += [
        write_csv(
            settlements_dir / "settlements.csv",
            SETTLEMENT_COLUMNS,
            [s.as_row() for s in settlements],
        ),
        write_csv(
            settlements_dir / "pooling_agreements.csv",
            POOLING_COLUMNS,
            [p.as_row() for p in pooling],
        ),
        write_csv(settlements_dir / "settlement_totals.csv", TOTAL_COLUMNS, totals),
        write_csv(
            settlements_dir / "line_totals.csv",
            LINE_TOTAL_COLUMNS,
            national_line_totals(allocations),
        ),
        write_csv(settlements_dir / "pillar_plans.csv", PILLAR_PLAN_COLUMNS, plans),
    ]
    write_readme(lines)
    print_summary(written)


if __name__ == "__main__":
    main()
