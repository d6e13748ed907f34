"""Take-away evidence on the pages: the settlement pack and the national workbook as download
buttons (made by the same code as `wholeplace export`, only when clicked), and the link to the
snapshot's data quality audit (GX Data Docs)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from dashboards.queries.snapshot import Snapshot
from orchestration.core.export.sheets import Sheet
from orchestration.core.export.write import download, national_download, pack_download
from orchestration.core.scenario import Scenario, scenario_yaml

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def pack_button(snap: Snapshot, place: str, year: str, has_pot: bool) -> None:
    st.download_button(
        "Download the settlement pack",
        lambda: pack_download(Path(snap.folder), place, year).data,
        file_name=f"settlement_pack_{place}_{year}.xlsx",
        mime=XLSX,
        key=f"pack_{place}_{year}",
        icon=":material/download:",
        on_click="ignore",
        disabled=not has_pot,
        help="Excel: cover, pot by pillar and line against the announced totals, checks, "
        "prevention and outcomes for this place and year"
        if has_pot
        else "This place has no pot in this year.",
    )


def national_button(snap: Snapshot) -> None:
    st.download_button(
        "Download the national workbook",
        lambda: national_download(Path(snap.folder)).data,
        file_name="national_workbook.xlsx",
        mime=XLSX,
        key="national_workbook",
        icon=":material/download:",
        on_click="ignore",
        help="Excel: every place's pot, the checks across places, whole-place budgets per "
        "head and prevention by place",
    )


def _comparison_sheet(snap: Snapshot, scenario: Scenario, compared: pd.DataFrame) -> Sheet:
    money = ["baseline_gbp", "scenario_gbp", "difference_gbp", "difference_per_head_gbp"]
    frame = compared.copy()
    for column in money:
        frame[column] = pd.to_numeric(frame[column].map(lambda v: None if v is None else float(v)))
    flagged = "is_synthetic" in frame and bool(frame["is_synthetic"].eq(True).any())
    synthetic = (
        " SYNTHETIC demo data: illustrative figures." if snap.synthetic_inputs or flagged else ""
    )
    note = (
        f"Scenario {scenario.name} ({scenario.description}) beside the published baseline, "
        f"snapshot {Path(snap.folder).name}; the baseline is unchanged.{synthetic}"
    )
    return Sheet("Scenario comparison", frame, note)


def scenario_buttons(snap: Snapshot, scenario: Scenario, compared: pd.DataFrame) -> None:
    """The scenario as YAML for `wholeplace scenario`, and its comparison as CSV and XLSX
    (written by the same code as `wholeplace export`)."""
    row = st.container(horizontal=True)
    row.download_button(
        "Scenario (YAML)",
        scenario_yaml(scenario),
        file_name=f"{scenario.name}.yml",
        mime="application/x-yaml",
        key="scenario_yaml",
        icon=":material/download:",
        on_click="ignore",
        help="Run it with `wholeplace scenario FILE` to write the scenario's marts.",
    )
    sheet = _comparison_sheet(snap, scenario, compared)
    for format, mime in (("csv", "text/csv"), ("xlsx", XLSX)):
        row.download_button(
            f"Comparison ({format.upper()})",
            # Made only when clicked: an XLSX takes tens of milliseconds to write.
            lambda format=format: download([sheet], "scenario_comparison", format).data,
            file_name=f"scenario_comparison.{format}",
            mime=mime,
            key=f"scenario_comparison_{format}",
            icon=":material/download:",
            on_click="ignore",
        )


def data_quality(snap: Snapshot) -> None:
    """The audit's counts and where its Data Docs are, from the manifest."""
    quality = snap.manifest.get("data_quality")
    if not quality:
        st.info("This snapshot was published before the data quality audit existed.")
        return
    page = Path(snap.folder) / str(quality.get("data_docs", ""))
    run, passed, failed = st.columns(3)
    run.metric("Expectations run", f"{quality['expectations']:,}", border=True)
    passed.metric("Passed", f"{quality['passed']:,}", border=True)
    failed.metric("Failed", f"{quality['failed']:,}", border=True)
    st.caption(
        f"Checked by {quality.get('tool', 'Great Expectations')} on the published Parquet "
        "files: unique keys, decimal money, shares, years, places, and totals reconciling "
        "between marts (a failed reconciliation stops a publish). The Data Docs open offline: "
        f"`{page}`"
    )
    if page.is_file():
        st.download_button(
            "Download the Data Docs (HTML)",
            lambda: page.read_bytes(),
            file_name=f"data_docs_{snap.run_id[:8]}.html",
            mime="text/html",
            key="data_docs",
            icon=":material/download:",
            on_click="ignore",
        )
