"""Data and sources: which snapshot is shown, and what it was built from."""

from datetime import datetime

import streamlit as st

from dashboards import ui


def _day(stamp: object) -> str:
    try:
        when = datetime.fromisoformat(str(stamp))
    except ValueError:
        return str(stamp or "unknown")
    return f"{when.day} {when:%b %Y}"


def render(page: ui.Page) -> None:
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

    st.subheader("Input files")
    st.caption("Every file the build read, with its SHA-256 and what happened to its rows.")
    ui.table(ui.shown(snap.inputs()), "inputs")

    st.subheader("Published marts")
    ui.table(ui.shown(snap.mart_rows()), "marts")


ui.run_page("Data and sources", render)
