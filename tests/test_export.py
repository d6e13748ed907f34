"""Settlement packs and the national workbook, written from the demo snapshot by the command
line and opened again with openpyxl: sheets, headers, numbers as numbers in £ formats, no
formulas, and every total equal to the published marts."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
import yaml

from orchestration.cli.main import main
from orchestration.core.export import csv_folder, xlsx
from orchestration.core.export.common import column_labels, labelled
from orchestration.core.export.sheets import Sheet
from orchestration.core.export.snapshot import PublishedSnapshot
from orchestration.core.export.xlsx import HEADER_ROW
from orchestration.core.labels import DERIVED_LABELS

MARTS = Path(__file__).resolve().parents[1] / "dbt_project" / "models" / "marts"
PACK_SHEETS = [
    "Cover", "Pot by pillar", "Pot by funding line", "Pot against announced totals",
    "Settlement checks", "Input files", "Column meanings",
]  # fmt: skip
NATIONAL_SHEETS = [
    "Cover", "Pots by place and year", "Checks by place", "Checks across places",
    "Whole-place budget per head", "Prevention by place", "Input files", "Column meanings",
]  # fmt: skip


def mart_sum(published, sql: str, params=None) -> float:
    con = duckdb.connect()
    for mart in ("pooled_budget", "whole_place_budget", "settlement_checks"):
        con.read_parquet(published(mart)).create_view(mart)
    return float(con.execute(sql, params or []).fetchone()[0])


def places_with_a_pot(published) -> list[str]:
    # Its own connection: another test may leave the default one with an unfinished result.
    with duckdb.connect() as con:
        frame = con.sql(f"select distinct place_code from '{published('pooled_budget')}'").df()
    return sorted(frame["place_code"])


def table(book, name: str) -> pd.DataFrame:
    """A sheet read back as a frame: headers on HEADER_ROW, values below."""
    rows = list(book[name].iter_rows(min_row=HEADER_ROW, values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


def column_cells(book, name: str, header: str) -> list:
    sheet = book[name]
    headers = [c.value for c in sheet[HEADER_ROW]]
    index = headers.index(header) + 1
    return [sheet.cell(row=r, column=index) for r in range(HEADER_ROW + 1, sheet.max_row + 1)]


@pytest.fixture(scope="module")
def header(demo_warehouse):
    """The header a column is written under: its label from the manifest, else its name."""
    labels = column_labels(PublishedSnapshot.at((demo_warehouse / "published").resolve()))
    return lambda column: labels.get(column, column)


@pytest.fixture(scope="module")
def packs(demo_warehouse, tmp_path_factory):
    """One xlsx pack per place with a pot, written by `wholeplace export`."""
    out = tmp_path_factory.mktemp("packs")
    written = {}
    for place in places_with_a_pot(lambda m: demo_warehouse / "published" / f"{m}.parquet"):
        argv = ["export", "--place", place, "--warehouse", str(demo_warehouse), "--out", str(out)]
        assert main(argv) == 0
        (path,) = out.glob(f"settlement_pack_{place}_*.xlsx")
        written[place] = path
    return written


def test_a_pack_is_written_for_every_place_with_a_pot(packs, published):
    assert sorted(packs) == places_with_a_pot(published)
    assert len(packs) >= 2


def test_every_pack_has_its_sheets_and_headers(packs, header):
    for path in packs.values():
        book = openpyxl.load_workbook(path)
        assert [n for n in PACK_SHEETS if n not in book.sheetnames] == []
        pot = table(book, "Pot by funding line")
        wanted = ["financial_year", "funding_line", "budget_type", "contribution_gbp_nominal"]
        assert {header(c) for c in wanted} <= set(pot.columns)


def test_every_pack_pot_equals_the_mart(packs, published, header):
    for place, path in packs.items():
        book = openpyxl.load_workbook(path)
        expected = mart_sum(
            published,
            "select sum(contribution_gbp_nominal) from pooled_budget where place_code = ?",
            [place],
        )
        by_line = table(book, "Pot by funding line")[header("contribution_gbp_nominal")].sum()
        by_pillar = table(book, "Pot by pillar")[header("pot_gbp_nominal")].sum()
        assert by_line == pytest.approx(expected, abs=0.01)
        assert by_pillar == pytest.approx(expected, abs=0.01)


def test_money_is_numbers_in_pound_formats(packs, header):
    book = openpyxl.load_workbook(next(iter(packs.values())))
    cells = column_cells(book, "Pot by funding line", header("contribution_gbp_nominal"))
    assert cells
    # openpyxl reads a whole number of pounds back as an int: either way a number, never text.
    assert all(c.data_type == "n" and type(c.value) in (int, float) for c in cells)
    assert {c.number_format for c in cells} == {"£#,##0"}
    per_head = column_cells(book, "Pot by funding line", header("contribution_per_head_real"))
    assert {c.number_format for c in per_head if c.value is not None} == {"£#,##0.00"}
    shares = column_cells(book, "Pot by funding line", header("share"))
    assert {c.number_format for c in shares} == {"0.0%"}
    years = column_cells(book, "Pot by funding line", header("financial_year"))
    assert all(c.data_type == "s" and re.fullmatch(r"\d{4}-\d{2}", c.value) for c in years)


def test_sheets_have_frozen_headers_autofilters_and_no_formulas(packs):
    book = openpyxl.load_workbook(next(iter(packs.values())))
    for sheet in book.worksheets:
        assert sheet.freeze_panes == f"A{HEADER_ROW + 1}", sheet.title
        assert sheet.auto_filter.ref.startswith(f"A{HEADER_ROW}:"), sheet.title
        formulas = [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
        assert formulas == [], sheet.title


def test_the_cover_names_the_snapshot_and_says_synthetic(packs, demo_manifest, header):
    book = openpyxl.load_workbook(packs["E47000001"])
    cover = dict(table(book, "Cover").itertuples(index=False, name=None))
    assert cover["Snapshot run id"] == demo_manifest["run_id"]
    assert cover["Price base"] == "2024-25"
    assert cover["Any figure synthetic"].startswith("yes")
    assert "SYNTHETIC" in book["Cover"]["A1"].value
    inputs = table(book, "Input files")
    assert list(inputs[header("sha256")]) == [i["sha256"] for i in demo_manifest["inputs"]]


def test_checks_come_failures_first(packs, header):
    order = {"fail": 0, "warn": 1, "pass": 2}
    for path in packs.values():
        statuses = list(table(openpyxl.load_workbook(path), "Settlement checks")[header("status")])
        assert statuses
        assert [order[s] for s in statuses] == sorted(order[s] for s in statuses)


def test_one_year_pack_holds_only_that_year(demo_warehouse, tmp_path, published, header):
    argv = ["export", "--place", "E47000001", "--year", "2025-26",
            "--warehouse", str(demo_warehouse), "--out", str(tmp_path)]  # fmt: skip
    assert main(argv) == 0
    (path,) = tmp_path.glob("*.xlsx")
    assert "2025-26" in path.name
    pot = table(openpyxl.load_workbook(path), "Pot by funding line")
    assert set(pot[header("financial_year")]) == {"2025-26"}
    expected = mart_sum(
        published,
        "select sum(contribution_gbp_nominal) from pooled_budget "
        "where place_code = 'E47000001' and financial_year = '2025-26'",
    )
    assert pot[header("contribution_gbp_nominal")].sum() == pytest.approx(expected, abs=0.01)


def test_the_national_workbook_totals_equal_the_marts(demo_warehouse, tmp_path, published, header):
    argv = ["export", "--national", "--warehouse", str(demo_warehouse), "--out", str(tmp_path)]
    assert main(argv) == 0
    book = openpyxl.load_workbook(tmp_path / "national_workbook.xlsx")
    assert [n for n in NATIONAL_SHEETS if n not in book.sheetnames] == []
    pots = table(book, "Pots by place and year")
    assert pots[header("pot_gbp_nominal")].sum() == pytest.approx(
        mart_sum(published, "select sum(contribution_gbp_nominal) from pooled_budget"), abs=0.01
    )
    whole = table(book, "Whole-place budget per head")
    assert whole[header("whole_place_gbp_nominal")].sum() == pytest.approx(
        mart_sum(published, "select sum(amount_gbp_nominal) from whole_place_budget"), abs=0.01
    )
    checks = table(book, "Checks across places")
    assert len(checks) == mart_sum(published, "select count(*) from settlement_checks")
    assert checks[header("status")].iloc[0] == "fail" or "fail" not in set(checks[header("status")])
    per_head = column_cells(
        book, "Whole-place budget per head", header("whole_place_per_head_real")
    )
    assert {c.number_format for c in per_head} == {"£#,##0.00"}


def test_a_csv_pack_is_a_folder_of_utf8_csvs_with_money_without_dot_zero(
    demo_warehouse, tmp_path, published, header
):
    argv = ["export", "--place", "E47000001", "--format", "csv",
            "--warehouse", str(demo_warehouse), "--out", str(tmp_path)]  # fmt: skip
    assert main(argv) == 0
    (folder,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    assert {"cover.csv", "pot_by_funding_line.csv", "settlement_checks.csv"} <= {
        p.name for p in folder.iterdir()
    }
    with open(folder / "pot_by_funding_line.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    money = [r[header("contribution_gbp_nominal")] for r in rows]
    assert money and all(re.fullmatch(r"-?\d+(\.\d\d)?", m) for m in money), money[:5]
    expected = mart_sum(
        published,
        "select sum(contribution_gbp_nominal) from pooled_budget where place_code = 'E47000001'",
    )
    assert sum(float(m) for m in money) == pytest.approx(expected, abs=0.01)


def test_an_unknown_place_or_year_is_a_usage_error_naming_what_exists(
    demo_warehouse, tmp_path, capsys
):
    base = ["--warehouse", str(demo_warehouse), "--out", str(tmp_path)]
    assert main(["export", "--place", "E47999999", *base]) == 2
    assert "E47000001" in capsys.readouterr().err
    assert main(["export", "--place", "E47000001", "--year", "1999-00", *base]) == 2
    assert "its years: 2025-26" in capsys.readouterr().err
    assert main(["export", "--national", "--year", "2025-26", *base]) == 2
    assert main(["export", "--national", "--warehouse", str(tmp_path / "none")]) == 2
    assert "build the warehouse first" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_text_that_looks_like_a_formula_is_neutralised(tmp_path):
    frame = pd.DataFrame({"detail": ['=HYPERLINK("x")', "+44 1", "@SUM(A1)", "-2", "plain"]})
    sheet = Sheet("Danger", frame, "=1+1 in a note too")
    path = xlsx.write_workbook([sheet], tmp_path / "danger.xlsx")
    cells = column_cells(openpyxl.load_workbook(path), "Danger", "detail")
    assert [c.value for c in cells] == ['\'=HYPERLINK("x")', "'+44 1", "'@SUM(A1)", "'-2", "plain"]
    assert {c.data_type for c in cells} == {"s"}
    rows = list(csv.reader(csv_folder.csv_text(sheet).splitlines()))
    assert [r[0] for r in rows[1:]] == [c.value for c in cells]


def test_a_sheet_name_excel_would_cut_short_is_refused():
    with pytest.raises(ValueError, match="31 characters"):
        Sheet("Contributions by member area and year", pd.DataFrame())
    with pytest.raises(ValueError, match="refuses"):
        Sheet("Pot: 2025/26", pd.DataFrame())


def test_the_dashboard_download_is_the_same_workbook(demo_warehouse):
    from orchestration.core.export.write import national_download, pack_download

    folder = (demo_warehouse / "published").resolve()
    pack = pack_download(folder, "E47000001", "2025-26")
    assert pack.file_name.endswith(".xlsx") and pack.data[:2] == b"PK"
    national = national_download(folder, "csv")
    assert national.file_name == "national_workbook.zip"
    assert PublishedSnapshot.at(folder).has("pooled_budget")


def test_headers_are_the_marts_labels_and_the_meanings_sheet_maps_them(packs):
    """A labelled column is written under its `meta.label` from the mart's yml (with {real}
    filled in); an unlabelled one under its name; the Column meanings sheet maps each back."""
    yml = yaml.safe_load((MARTS / "pooled_budget.yml").read_text(encoding="utf-8"))
    (model,) = [m for m in yml["models"] if m["name"] == "pooled_budget"]
    label = {c["name"]: c["config"]["meta"]["label"] for c in model["columns"]
             if (c.get("config") or {}).get("meta", {}).get("label")}  # fmt: skip
    book = openpyxl.load_workbook(packs["E47000001"])
    pot = table(book, "Pot by funding line")
    assert label["contribution_gbp_nominal"] in pot.columns
    assert "contribution_gbp_nominal" not in pot.columns
    real = label["contribution_gbp_real"].replace("{real}", "real, 2024-25 prices")
    assert real in pot.columns and "{real}" not in " ".join(pot.columns)
    meanings = table(book, "Column meanings")
    row = meanings[
        (meanings["Mart"] == "pooled_budget") & (meanings["Column"] == "contribution_gbp_nominal")
    ]
    assert list(row["Header"]) == [label["contribution_gbp_nominal"]]
    assert DERIVED_LABELS["pot_gbp_nominal"] in table(book, "Pot by pillar").columns


def test_no_sheet_has_a_column_name_for_a_header(packs, demo_warehouse, tmp_path):
    """Every header a finance officer reads is a label: a derived column (a pot total, a check
    count, the cover's items) takes its header from core/labels.py like the marts' columns."""
    assert (
        main(["export", "--national", "--warehouse", str(demo_warehouse), "--out", str(tmp_path)])
        == 0
    )
    for path in [*packs.values(), tmp_path / "national_workbook.xlsx"]:
        book = openpyxl.load_workbook(path)
        headers = [(sheet.title, c.value) for sheet in book.worksheets for c in sheet[HEADER_ROW]]
        named = [(path.name, t, h) for t, h in headers if re.fullmatch(r"[a-z0-9_]+", str(h))]
        assert named == []


def test_a_label_that_would_repeat_a_header_leaves_the_column_its_name():
    snap = PublishedSnapshot(Path("."), {"labels": {"a": {"x": "Same", "y": "Same"}}})
    (sheet,) = labelled([Sheet("Two", pd.DataFrame({"x": [1], "y": [2]}))], snap)
    assert [sheet.header(c) for c in ("x", "y")] == ["Same", "y"]
