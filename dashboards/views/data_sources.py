"""Data quality and sources: which snapshot is shown, what it was built from, what the checks
found, and where the data comes from under which licence."""

from datetime import datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboards.components import charts, checks, evidence, maps, tables
from dashboards.components.page import Page, run_page
from dashboards.queries import provenance, settlement_checks
from dashboards.queries.labels import readable

SOURCES_DOC = Path(__file__).resolve().parents[2] / "DATA_SOURCES.md"


def _day(stamp: object) -> str:
    try:
        when = datetime.fromisoformat(str(stamp))
    except ValueError:
        return str(stamp or "unknown")
    return f"{when.day} {when:%b %Y}"


def _cells(line: str) -> list[str]:
    return [cell.strip().replace("`", "") for cell in line.strip().strip("|").split("|")]


def _sources(text: str) -> tuple[str, pd.DataFrame, str]:
    """DATA_SOURCES.md as the text before its table, the table, and the text after it."""
    lines = text.splitlines()[1:]  # the page has its own heading
    rows = [i for i, line in enumerate(lines) if line.lstrip().startswith("|")]
    if len(rows) < 3:
        return "\n".join(lines), pd.DataFrame(), ""
    first, last = rows[0], rows[-1]
    header = [h[:1].upper() + h[1:] for h in _cells(lines[first])]
    body = [_cells(lines[i]) for i in rows[2:] if len(_cells(lines[i])) == len(header)]
    return (
        "\n".join(lines[:first]),
        pd.DataFrame(body, columns=header),
        "\n".join(lines[last + 1 :]),
    )


def _source_line(row: tuple) -> str:
    """A table row (files, what, publisher and licence, use) as one readable bullet."""
    files, what, licence, use = (list(row) + ["", "", "", ""])[:4]
    return f"- **{what[:1].upper()}{what[1:]}**: {licence}. Use: {use}. Files: `{files}`."


def _problems(page: Page) -> None:
    """Every warning and failure with its detail, and the place x check grid."""
    snap = page.snap
    st.header("Settlement checks: every warning and failure")
    if not snap.has("settlement_checks"):
        st.info("`settlement_checks` is not published in this snapshot.")
        return
    frame = settlement_checks.problems(snap)
    page.flag_synthetic(frame)
    if frame.empty:
        st.success("Every settlement check passes.", icon=":material/check_circle:")
    else:
        st.caption("Failures first, then warnings; filter by status or check. docs/checks.md "
                   "says what each check proves and how it fails.")  # fmt: skip
        shown = checks.filtered_checks(frame, "data_problems")
        tables.table(checks.readable_checks(shown, snap), "settlement_check_problems")
    st.header("Every place against every check")
    grid = settlement_checks.status_grid(snap)
    grid["check_name"] = grid["check"].map(lambda c: readable("check", c))
    grid["cell_text"] = [
        readable("status", s) if not n else f"{readable('status', s)} ({n})"
        for s, n in zip(grid["status"], grid["problems"], strict=True)
    ]
    st.caption(
        "The worst status of each check's rows about the place, all years; in brackets, "
        "how many rows warn or fail."
    )
    table = grid[["place_name", "check_name", "status", "problems", "checks"]].rename(
        columns={"check_name": "check"}
    )
    table["status"] = table["status"].map(lambda s: readable("status", s))
    tables.chart_with_table(
        charts.status_grid(grid),
        tables.shown(table, snap),
        "settlement_check_grid",
        summary="Grid of places against settlement checks, each cell showing the worst status.",
    )


def _validation_report(snap) -> None:
    st.header("Validation report: rows set aside")
    report = provenance.validation_report(snap)
    if report is None:
        st.info("This snapshot does not carry the validation report (built before it was added).")
    elif report.empty:
        st.success("No input row was set aside: every row passed its feed's contract.",
                   icon=":material/check_circle:")  # fmt: skip
    else:
        st.caption("Each row a feed contract set aside: file, row, column, value and the rule.")
        tables.table(tables.shown(report, snap), "validation_report")


def render(page: Page) -> None:
    snap = page.snap
    manifest = snap.manifest
    checks = manifest.get("checks") or {}

    published, base, passed = st.columns(3)
    published_at = manifest.get("published_at")
    published.metric("Published", _day(published_at), help=str(published_at), border=True)
    base.metric("Price base", snap.price_base_year or "n/a", border=True)
    passed.metric(
        "Checks passed / warned / failed",
        " / ".join(str(checks.get(k, "?")) for k in ("passed", "warned", "failed")),
        border=True,
    )
    st.markdown(
        f"Published at `{published_at}` · run `{snap.run_id}` · "
        f"code version `{manifest.get('code_version', 'unknown')}` · "
        f"synthetic inputs: **{'yes' if snap.synthetic_inputs else 'no'}**"
    )

    evidence.national_button(snap)

    st.header("Data quality audit")
    evidence.data_quality(snap)

    st.header("Input files")
    st.caption("Every file the build read, with its SHA-256 and what happened to its rows.")
    tables.table(tables.shown(provenance.inputs(snap), snap), "inputs")

    inputs = provenance.inputs(snap)
    quarantined = inputs["rows_quarantined"].fillna(0).sum() if len(inputs) else 0
    if quarantined:
        st.warning(
            f"{int(quarantined):,} input rows failed validation and were quarantined: the "
            "figures leave them out.",
            icon=":material/warning:",
        )

    _problems(page)
    _validation_report(snap)

    st.header("Published marts")
    tables.table(tables.shown(provenance.mart_rows(snap), snap), "marts")

    if "data_provenance" in snap.columns("place_spend_by_service"):
        st.header("Spending by service: which figures are real")
        st.caption("Revenue outturn in `place_spend_by_service`, by place, source and years.")
        spend = provenance.spend_by_service_sources(snap)
        tables.table(tables.shown(spend, snap), "spend_by_service_sources")

    st.header("Data sources and licences")
    st.caption(maps.BOUNDARIES_CREDIT)
    if SOURCES_DOC.is_file():
        before, sources, after = _sources(SOURCES_DOC.read_text(encoding="utf-8"))
        st.markdown(before)
        if not sources.empty:
            st.markdown("\n".join(_source_line(row) for row in sources.itertuples(index=False)))
            tables.downloads(sources, "data_sources")
        st.markdown(after)
    else:
        st.caption("The list of sources is in `DATA_SOURCES.md` in the repository.")


run_page("Data quality and sources", render)
