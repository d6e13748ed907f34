"""The settlement checks as a finance officer signs off on them: the pot against the announced
total, and the checks filtered by status and check with their statuses as badges."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards.components import tables
from dashboards.queries.labels import readable
from dashboards.queries.snapshot import Snapshot
from orchestration.core.formatting import format_gbp, format_gbp_exact

STATUS_ORDER = ["fail", "warn", "pass"]
BADGES = {"pass": ("Pass", "green", ":material/check_circle:"),
          "warn": ("Warning", "orange", ":material/warning:"),
          "fail": ("Fail", "red", ":material/error:")}  # fmt: skip
BUDGET_TYPES = {
    "resource": "Resource (RDEL)",
    "capital": "Capital (CDEL)",
    None: "Resource and capital together",
}


def badge(status: str) -> None:
    text, colour, icon = BADGES.get(status, (str(status), "gray", None))
    st.badge(text, color=colour, icon=icon)


def _budget_type(value: object) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


def reconciliation_panel(frame: pd.DataFrame, pot_types: list[str], name: str, year: str) -> None:
    """One box per budget type: the pot, the announced total, the difference, the status and
    the source; "no announced total on file" where there is none."""
    announced = {_budget_type(row.budget_type): row for row in frame.itertuples()}
    shown = [t for t in ("resource", "capital") if t in pot_types or t in announced]
    # Lines listed without a budget type and without a figure (TBC) are not a total for both
    # budget types together: they are said under the boxes, not given a box of their own.
    together = announced.get(None)
    tbc_only = together is not None and not together.totals_announced and shown
    shown += [None] if together is not None and not tbc_only else []
    if not shown:
        st.info(f"No announced total on file for {name} in {year}: the pot is not reconciled.")
        return
    for slot, budget_type in zip(st.columns(len(shown)), shown, strict=True):
        with slot.container(border=True):
            st.markdown(f"**{BUDGET_TYPES[budget_type]}**")
            row = announced.get(budget_type)
            if row is None or not row.totals_announced:
                st.badge("Not reconciled", color="gray", icon=":material/help:")
                st.markdown(f"No announced total on file for {name} in {year}.")
                if row is not None and row.totals_to_be_announced:
                    st.caption(_tbc(row))
                continue
            badge(row.status)
            st.markdown(
                f"Pot {format_gbp(row.pot_gbp_nominal)} · announced "
                f"{format_gbp(row.announced_gbp)} · difference "
                f"{format_gbp_exact(row.difference_gbp)}",
                help=f"Pot {format_gbp_exact(row.pot_gbp_nominal)} against "
                f"{format_gbp_exact(row.announced_gbp)} announced, over "
                f"{row.totals_announced} announced total(s); cash.",
            )
            if row.totals_to_be_announced:
                st.caption(_tbc(row))
            st.caption(f"Source: {row.source or 'not given'}")
    if tbc_only:
        st.caption(f"Also: {_tbc(together)}")


def _tbc(row) -> str:
    lines = int(row.totals_to_be_announced)
    return (
        f"{lines} line{'' if lines == 1 else 's'} still to be announced (TBC in the "
        f"source), holding {format_gbp(row.pot_to_be_announced_gbp)} of the pot: not "
        "reconciled yet."
    )


def filtered_checks(checks: pd.DataFrame, key: str) -> pd.DataFrame:
    """Status and check filters over the checks; failures and warnings first."""
    status_col, check_col = st.columns([2, 3])
    statuses = [s for s in STATUS_ORDER if s in set(checks["status"])]
    chosen = status_col.multiselect(
        "Status", statuses, default=statuses, key=f"{key}_status",
        format_func=lambda s: BADGES.get(s, (s,))[0],
    )  # fmt: skip
    names = list(dict.fromkeys(checks["check"]))
    picked = check_col.multiselect(
        "Check", names, default=[], key=f"{key}_check", placeholder="Every check",
        format_func=lambda c: readable("check", c),
    )  # fmt: skip
    out = checks[checks["status"].isin(chosen)]
    if picked:
        out = out[out["check"].isin(picked)]
    order = out["status"].map({s: i for i, s in enumerate(STATUS_ORDER)})
    return out.assign(_order=order).sort_values("_order", kind="stable").drop(columns="_order")


def readable_checks(frame: pd.DataFrame, snap: Snapshot) -> pd.DataFrame:
    """The checks with readable check names, statuses and budget types, blank for empty."""
    out = frame.copy()
    for column in ("check", "status", "budget_type"):
        if column in out:
            out[column] = out[column].map(lambda v, c=column: readable(c, v))
    return tables.shown(out, snap)
