"""`wholeplace ingest` and the inbox: files recognised by their headers (never their names),
refused with the headers seen and the formats known, written into a feeds directory, and read
from the feeds directory's inbox/ folder by the build."""

import io
import shutil
from contextlib import redirect_stdout
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from orchestration.cli.build import run_build
from orchestration.cli.main import main
from orchestration.core.adapters import UnrecognisedFile, known_formats, recognise
from orchestration.core.paths import DEMO_FEEDS_DIR

REAL = Path(__file__).parent / "fixtures" / "real"
OFLOG = REAL / "oflog_adult_social_care_measures.csv"
MAY_2025 = REAL / "lad_to_cauth_may2025.csv"


@pytest.mark.parametrize(
    "source, misleading_name, adapter",
    [
        (MAY_2025, "CRA_2018_Database.csv", "ons_lookup"),
        (OFLOG, "gdp_deflators.csv", "outcomes"),
        (REAL / "gdp_deflators.csv", "oflog_measures.csv", "deflators"),
        (REAL / "gmca_unit_cost_database_v1_4.json", "lookup.json", "unit_costs"),
    ],
)
def test_recognised_by_headers_not_by_file_name(tmp_path, source, misleading_name, adapter):
    renamed = tmp_path / misleading_name
    shutil.copy(source, renamed)
    assert recognise(renamed).name == adapter


def test_unrecognised_file_is_refused_with_what_was_seen(tmp_path, capsys):
    path = tmp_path / "revenue_outturn.csv"  # the name of a known format, the headers of none
    shutil.copy(DEMO_FEEDS_DIR / "settlements" / "settlements.csv", path)
    with pytest.raises(UnrecognisedFile) as refused:
        recognise(path)
    assert "settlement_id" in str(refused.value)
    assert main(["ingest", str(path)]) == 1
    err = capsys.readouterr().err
    assert "REFUSED" in err and "Headers seen: row 1: settlement_id, place_code" in err
    for known in known_formats():
        assert known in err


def test_ingest_says_what_it_used_and_produced(tmp_path, capsys):
    assert main(["ingest", str(OFLOG)]) == 0
    out = capsys.readouterr().out
    assert "adapter: outcomes (Outcome indicators, long format" in out
    assert (
        "produced: 6,376 rows for outcomes (outcomes/oflog_adult_social_care_measures.csv)" in out
    )
    assert "contract outcomes: 6,376 row(s) pass" in out
    assert "not written: add --out FEEDS_DIR" in out


def test_ingest_writes_into_a_feeds_directory(tmp_path, capsys):
    out_dir = tmp_path / "feeds"
    assert main(["ingest", str(OFLOG), "--out", str(out_dir)]) == 0
    written = out_dir / "outcomes" / "oflog_adult_social_care_measures.csv"
    assert len(pd.read_csv(written)) == 6_376
    assert "wrote " in capsys.readouterr().out
    assert main(["ingest", str(MAY_2025), "--out", str(out_dir)]) == 0
    assert "replaced" not in capsys.readouterr().out
    membership = pd.read_csv(out_dir / "reference" / "membership.csv", dtype=str)
    assert {"area_code", "place_code", "start_date", "end_date", "source_unit"} <= set(
        membership.columns
    )
    assert main(["ingest", str(OFLOG), "--out", str(out_dir)]) == 0
    assert "replaced" in capsys.readouterr().out


def test_ingest_of_a_missing_path_is_a_usage_error(tmp_path):
    assert main(["ingest", str(tmp_path / "nothing.csv")]) == 2


def feeds_with_inbox(tmp_path: Path, inbox_files: list[Path]) -> Path:
    """The demo feeds without regional_spend/ (absent: an empty table) and with the outcomes
    file moved from outcomes/ into inbox/ with the given files."""
    feeds = tmp_path / "feeds"
    shutil.copytree(DEMO_FEEDS_DIR, feeds, ignore=shutil.ignore_patterns("README.md"))
    shutil.rmtree(feeds / "regional_spend")
    shutil.rmtree(feeds / "outcomes")
    (feeds / "inbox").mkdir()
    for path in inbox_files:
        shutil.copy(path, feeds / "inbox" / path.name)
    return feeds


@pytest.fixture(scope="module")
def inbox_build(tmp_path_factory) -> tuple[Path, str]:
    """One build whose inbox holds Oflog's measures and ONS's May 2025 lookup (one build for
    the tests below: each build costs a minute)."""
    folder = tmp_path_factory.mktemp("inbox")
    feeds = feeds_with_inbox(folder, [OFLOG, MAY_2025])
    warehouse = folder / "warehouse"
    printed = io.StringIO()
    with redirect_stdout(printed):
        assert run_build(feeds, warehouse, "2024-25") == 0
    return warehouse, printed.getvalue()


def inbox_files(warehouse: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse / "work" / "wholeplace.duckdb"), read_only=True) as work:
        return work.execute(
            "select file, adapter, target, rows_loaded from raw.inbox_files order by 1"
        ).fetchall()


def test_build_reads_the_inbox_and_absent_feeds_are_empty(inbox_build):
    warehouse, out = inbox_build
    assert "inbox: 2 file(s)" in out
    assert "oflog_adult_social_care_measures.csv -> outcomes -> outcomes: 6,376 loaded" in out
    published = warehouse / "published"
    con = duckdb.connect()
    spend = con.execute(f"select count(*) from '{published}/region_spend_by_function.parquet'")
    assert spend.fetchone()[0] == 0  # no regional_spend/ folder: an empty mart, not a failure
    outcomes = con.execute(f"select count(*) from '{published}/place_outcomes.parquet'").fetchone()[
        0
    ]
    assert outcomes > 0
    assert ("inbox/oflog_adult_social_care_measures.csv", "outcomes", "outcomes", 6_376) in (
        inbox_files(warehouse)
    )
    with duckdb.connect(str(warehouse / "work" / "wholeplace.duckdb"), read_only=True) as work:
        sources = work.execute("select distinct source_file from raw.outcomes").fetchall()
    assert sources == [("inbox/oflog_adult_social_care_measures.csv",)]


def test_build_merges_a_lookup_from_the_inbox(inbox_build):
    warehouse, _ = inbox_build
    assert inbox_files(warehouse) == [
        ("inbox/lad_to_cauth_may2025.csv", "ons_lookup", "membership", 128),
        ("inbox/oflog_adult_social_care_measures.csv", "outcomes", "outcomes", 6_376),
    ]


def test_build_stops_on_an_unrecognised_inbox_file(tmp_path, capsys):
    feeds = feeds_with_inbox(tmp_path, [])
    shutil.copy(DEMO_FEEDS_DIR / "settlements" / "settlements.csv", feeds / "inbox" / "x.csv")
    warehouse = tmp_path / "warehouse"
    assert run_build(feeds, warehouse, "2024-25") == 1
    out = capsys.readouterr().out
    assert "inbox/x.csv" in out and "does not recognise" in out
    assert not (warehouse / "published").exists()
