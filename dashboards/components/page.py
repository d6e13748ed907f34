"""The frame of every page: finding the snapshot, the synthetic-data banner, and what a page
says when nothing (or not everything) is published."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboards.components import filters
from dashboards.queries.snapshot import (
    DataError,
    MartNotPublished,
    NoSnapshot,
    Snapshot,
    current_snapshot,
)


def warehouse_dir() -> Path:
    """`-- --warehouse DIR` after `streamlit run`, else $WHOLEPLACE_WAREHOUSE, else ./warehouse."""
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument("--warehouse")
    args, _ = parser.parse_known_args(sys.argv[1:])
    return Path(args.warehouse or os.environ.get("WHOLEPLACE_WAREHOUSE") or "warehouse")


@dataclass
class Page:
    snap: Snapshot
    banner: object  # an st.empty() slot at the top of the page
    synthetic: bool = False

    def flag_synthetic(self, *shown: pd.DataFrame | bool) -> None:
        """Show the synthetic-data banner if the manifest or any shown rows say so."""
        if self.synthetic:
            return
        for item in shown:
            if isinstance(item, pd.DataFrame):
                item = "is_synthetic" in item and bool(item["is_synthetic"].fillna(False).any())
            if item:
                self.synthetic = True
                self.banner.warning(
                    "**Synthetic demo data.** Some or all figures on this page are generated "
                    "for demonstration and are not real government allocations.",
                    icon=":material/science:",
                )
                return


def no_warehouse(reason: str) -> None:
    st.title("No warehouse published yet")
    st.markdown(
        "The dashboard reads the published snapshot of the warehouse, and there is none yet. "
        "Build one with:"
    )
    st.code("wholeplace build", language="bash")
    st.caption(f"Details: {reason}.")


def no_places() -> None:
    st.info("The published snapshot lists no city-regions yet: run `wholeplace build`.")


def run_page(title: str, render: Callable[[Page], None]) -> None:
    """Resolve the snapshot once for this request, then draw the page from it."""
    try:
        snap = current_snapshot(warehouse_dir())
    except NoSnapshot as exc:
        no_warehouse(str(exc))
        return
    st.title(title)
    filters.start_page(re.sub(r"\W+", "_", title.lower()).strip("_"))
    page = Page(snap, st.empty())
    notice = st.empty()
    page.flag_synthetic(snap.synthetic_inputs)
    try:
        render(page)
    except MartNotPublished as exc:
        st.info(
            f"`{exc.mart}` is not published yet: it arrives with a later build of the warehouse."
        )
    except DataError as exc:
        st.error(f"The published snapshot could not be read ({exc}). Try `wholeplace build` again.")
    text = filters.link_notice()
    if text:
        notice.info(text, icon=":material/link_off:")
