"""The marts built from the real files the demo ingests (regional_spend/cra_2018.csv and
outcomes/oflog_adult_social_care_measures.csv, written by orchestration/tools/ingest_real_files.py):
figures recomputed here straight from the published source files and the reference seeds."""

from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from orchestration.core.paths import BUNDLED_REFERENCE_DIR

REAL = Path(__file__).parent / "fixtures" / "real"


@pytest.fixture(scope="module")
def seeds():
    def read(name):
        return pd.read_csv(BUNDLED_REFERENCE_DIR / f"{name}.csv", dtype=str, keep_default_na=False)

    return read("areas"), read("population"), read("deflators")


def query(path: str, sql: str) -> pd.DataFrame:
    return duckdb.connect().execute(sql.replace("MART", f"'{path}'")).df()


def test_regional_spend_mart_from_the_real_workbook(published, seeds):
    areas, population, deflators = seeds
    mart = published("region_spend_by_function")
    published_rows = "select count(*) as n from MART where region_basis = 'as published'"
    assert query(mart, published_rows)["n"].item() == 18_551
    workbook = openpyxl.load_workbook(
        REAL / "CRA_2018_Database_for_Publication_rvsd.xlsx", read_only=True
    )
    rows = list(workbook["CRA 2018 database"].iter_rows(values_only=True))
    workbook.close()
    header = rows[0]
    department, region, year = (
        header.index("Department Name"),
        header.index("NUTS Region"),
        header.index("2017-18"),
    )
    # column S (2017-18) of every Department for Education row in ENGLAND_London, GBP thousands
    expected = sum(
        Decimal(str(r[year]))
        for r in rows[1:]
        if r[department] == "Department for Education" and r[region] == "ENGLAND_London"
    )
    london = query(
        mart,
        "select sum(amount_gbp_nominal) as nominal, sum(amount_gbp_real) as real, "
        "max(population) as population, max(release) as release, max(source_unit) as unit "
        "from MART where department = 'Department for Education' and region = 'London' "
        "and financial_year = '2017-18'",
    ).iloc[0]
    assert Decimal(str(london["nominal"])) == expected * 1000
    assert london["release"] == "CRA 2018" and london["unit"] == "£ thousands"
    # London's population: its 33 boroughs' mid-2017 estimates in the population seed
    boroughs = set(areas.loc[areas["region"] == "London", "area_code"])
    mid_2017 = population[
        (population["mid_year"] == "2017") & population["area_code"].isin(boroughs)
    ]
    assert len(mid_2017) == 33
    assert london["population"] == mid_2017["population"].astype(int).sum()
    index = dict(zip(deflators["financial_year"], deflators["gdp_deflator_index"], strict=True))
    factor = float(index["2024-25"]) / float(index["2017-18"])
    assert float(london["real"]) == pytest.approx(float(expected * 1000) * factor, rel=1e-9)


def test_regional_per_head_and_its_basis(published):
    mart = published("region_spend_by_function")
    rows = query(
        mart,
        "select region, amount_gbp_real, population, amount_per_head_real, population_basis "
        "from MART where financial_year = '2016-17' and region in ('North East', 'Scotland') "
        "and amount_gbp_real > 1000000",
    )
    north_east = rows[rows["region"] == "North East"].iloc[0]
    assert float(north_east["amount_per_head_real"]) == pytest.approx(
        float(north_east["amount_gbp_real"]) / north_east["population"], abs=1e-4
    )
    assert north_east["population_basis"].startswith("mid-2016 estimate, sum of 12 ")
    scotland = rows[rows["region"] == "Scotland"].iloc[0]
    assert pd.isna(scotland["population"]) and pd.isna(scotland["amount_per_head_real"])
    assert scotland["population_basis"].startswith("no population estimate")


ENGLISH_REGIONS = (
    "North East", "North West", "Yorkshire and The Humber", "East Midlands", "West Midlands",
    "East of England", "London", "South East", "South West",
)  # fmt: skip


def test_england_is_the_sum_of_its_regions_and_matches_hm_treasury_per_head(published):
    mart = published("region_spend_by_function")
    regions = ", ".join(f"'{r}'" for r in ENGLISH_REGIONS)
    totals = query(
        mart,
        f"""select
            sum(amount_gbp_nominal) filter (where region = 'England') as england,
            sum(amount_gbp_nominal) filter (where region in ({regions})) as regions,
            max(population) filter (where region = 'England') as england_population,
            sum(amount_per_head_nominal) filter (where region = 'England') as per_head
        from MART where financial_year = '2017-18' and identifiable = 'identifiable'""",
    ).iloc[0]
    assert Decimal(str(totals["england"])) == Decimal(str(totals["regions"])) > 0
    # HM Treasury, CRA 2018: identifiable expenditure on services per head, England 2017-18,
    # cash: GBP 9,080 (rounded to the nearest pound by its per-head rounding of each line).
    assert float(totals["per_head"]) == pytest.approx(9080, abs=15)
    england = query(
        mart,
        "select distinct region_code, region_basis, population_basis from MART "
        "where region = 'England' and financial_year = '2017-18'",
    )
    assert england.values.tolist() == [
        ["E92000001", "sum of the English regions", "mid-2017 estimate, sum of the English regions"]
    ]


@pytest.fixture(scope="module")
def oflog():
    return pd.read_csv(
        REAL / "oflog_adult_social_care_measures.csv", dtype=str, keep_default_na=False
    )


def weighted(values: dict[str, float], weights: dict[str, int]) -> float:
    used = [c for c in values if c in weights]
    return sum(values[c] * weights[c] for c in used) / sum(weights[c] for c in used)


def weights_2022(areas: pd.DataFrame, population: pd.DataFrame) -> dict[str, int]:
    """Mid-2022 population of each area; a county's is the sum of its districts'."""
    mid = population[population["mid_year"] == "2022"]
    own = dict(zip(mid["area_code"], mid["population"].astype(int), strict=True))
    counties = areas[areas["county_code"] != ""].groupby("county_code")["area_code"].apply(list)
    for county, districts in counties.items():
        own.setdefault(county, sum(own.get(d, 0) for d in districts))
    return own


def test_place_outcomes_population_weighted_from_the_real_file(published, oflog, seeds):
    areas, population, _ = seeds
    weights = weights_2022(areas, population)
    measure = oflog[(oflog["Code"] == "ASC5") & (oflog["Financial year"] == "2022-23")]
    values = {
        code: float(v)
        for code, v in zip(measure["Local authority code"], measure["Value"], strict=True)
        if v
    }
    mart = query(
        published("place_outcomes"),
        "select place_code, place_value, members_reporting, population_share_reporting, "
        "england_value, england_basis, polarity from MART "
        "where indicator_id = 'ASC5' and period = '2022-23'",
    ).set_index("place_code")
    # Greater Manchester: its ten metropolitan districts E08000001-E08000010
    greater_manchester = {f"E080000{n:02d}" for n in range(1, 11)}
    gm = mart.loc["E47000001"]
    assert gm["members_reporting"] == 10
    assert gm["place_value"] == pytest.approx(
        weighted({c: values[c] for c in greater_manchester}, weights), rel=1e-12
    )
    assert gm["population_share_reporting"] == pytest.approx(1.0)
    assert gm["polarity"] == "higher is better"
    # Cambridgeshire and Peterborough: the county (weighted by its districts) and Peterborough
    cambridgeshire = mart.loc["E47000008"]
    assert cambridgeshire["members_reporting"] == 2
    assert cambridgeshire["place_value"] == pytest.approx(
        weighted({c: values[c] for c in ("E10000003", "E06000031")}, weights), rel=1e-12
    )
    # England: every authority in the file with a value and a population
    assert gm["england_value"] == pytest.approx(weighted(values, weights), rel=1e-12)
    assert gm["england_basis"].startswith("aggregate of the ")
