"""Streamlit entry point: `streamlit run dashboards/app.py -- --warehouse DIR`.

The warehouse comes from `--warehouse`, else $WHOLEPLACE_WAREHOUSE, else ./warehouse.
"""

import sys
from pathlib import Path

# `streamlit run` puts only this folder on sys.path; the pages import the `dashboards` package.
ROOT = str(Path(__file__).resolve().parent.parent)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import streamlit as st  # noqa: E402

from dashboards.pages import PAGES  # noqa: E402

st.set_page_config(
    page_title="wholeplace: pooled budgets and prevention savings",
    page_icon=":material/account_balance:",
    layout="wide",
)
st.navigation(
    [
        st.Page(script, title=title, icon=icon, default=number == 0)
        for number, (script, title, icon) in enumerate(PAGES)
    ]
).run()
