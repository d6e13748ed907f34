"""Running the app in AppTest, and computing expected figures straight from the Parquet."""

from __future__ import annotations

from pathlib import Path

import duckdb
from streamlit.testing.v1 import AppTest

from dashboards.pages import PAGES as NAVIGATION

APP = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"
OVERVIEW = "views/overview.py"
POOLED = "views/pooled_budget.py"
PREVENTION = "views/prevention_savings.py"
COMPARE = "views/compare_places.py"
DATA_PAGE = "views/data_sources.py"
METHOD = "views/method.py"
OUTCOMES = "views/outcomes.py"
SPENDING = "views/spending.py"
GLOSSARY = "views/glossary.py"
SCENARIOS = "views/scenarios.py"
PAGES = [script for script, _, _ in NAVIGATION]
assert PAGES == [
    OVERVIEW, POOLED, PREVENTION, OUTCOMES, SPENDING, COMPARE, SCENARIOS, DATA_PAGE, METHOD,
    GLOSSARY,
]  # fmt: skip


def run_app(page: str | None = None, **query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query)
    if page:
        at.switch_page(page)
    return at.run()


def metric(at: AppTest, label_start: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(label_start))


def table(at: AppTest, column: str):
    """The first table on the page with this column."""
    return next(d.value for d in at.dataframe if column in d.value)


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error or all("failed" in e.value for e in at.error), [e.value for e in at.error]


def parquet(warehouse: Path, sql: str, *params: object) -> object:
    """The first value of a query over every published mart (each a view of its name)."""
    published = warehouse / "published"
    with duckdb.connect() as con:
        for path in sorted(published.glob("*.parquet")):
            con.read_parquet(str(path)).create_view(path.stem)
        value = con.execute(sql, list(params)).fetchone()[0]
    return float(value) if value is not None and not isinstance(value, str) else value


def expected_pot(warehouse: Path, place: str, year: str, column: str = "nominal") -> float:
    return parquet(
        warehouse,
        f"SELECT SUM(contribution_gbp_{column}) FROM pooled_budget "
        "WHERE place_code = ? AND financial_year = ?",
        place,
        year,
    )
