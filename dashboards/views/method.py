"""Method: how prevention savings are worked out, in plain words, with the parameters in
force in the published snapshot."""

import re
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboards.components import tables
from dashboards.components.page import Page, run_page
from dashboards.queries import prevention
from orchestration.core.formatting import format_share

METHOD_DOC = Path(__file__).resolve().parents[2] / "docs" / "method.md"
# The GMCA cost-benefit model's defaults, used only to say so when a snapshot does not carry
# its own table.
DEFAULT_OPTIMISM_BIAS = {1: 0.0, 2: 0.05, 3: 0.10, 4: 0.15, 5: 0.25, 6: 0.40}

STEPS = """
Each prevention intervention is appraised with the method HM Treasury published with New
Economy Manchester in 2014 (*Supporting public service transformation: cost benefit analysis
guidance for local partnerships*, now kept by GMCA Research). For every benefit the
intervention claims, in every year it lasts:

1. **People helped.** The cohort, times the share who engage, times the share who achieve the
   outcome.
2. **Value of one outcome.** A unit cost from the GMCA Unit Cost Database (for example, the
   cost of an A&E attendance or a week in prison), moved to {base} prices with the GDP
   deflator.
3. **Gross value.** People helped x unit cost, reduced each year by the drop-off rate as the
   effect fades.
4. **Net value.** Take away *deadweight* (what would have happened anyway), keep only the share
   *attributable* to this intervention, and take away *optimism bias*: a correction that
   grows as the evidence behind the figure gets weaker (table below).
5. **Present value.** Discount each year's value at the Green Book rate of {rate} a year, so a
   pound saved in five years counts for less than a pound today.
6. **Who benefits.** A *fiscal* value is a saving to a public body's budget (the council, the
   NHS, DWP, the police...); *economic* and *social* values are gains to people and the
   economy, not budgets. Part of a fiscal saving is *cashable*: money that can actually be
   taken out of a budget rather than freed-up capacity.

Costs are moved to {base} prices the same way, increased by the optimism bias for their own
confidence grade, and discounted alike.
"""

MEASURES = """
- **PV of net savings** = present value of fiscal savings - present value of costs.
- **Financial ROI** = present value of fiscal savings / present value of costs: the pounds of
  public money saved for each pound spent. Above £1, the intervention pays for itself.
- **Public value ROI** counts economic and social value as well as fiscal savings.
- **Payback** is the first year in which fiscal savings so far cover costs so far.
- **Retained by place**: savings to local bodies (councils, the combined authority) plus the
  place's *gain share* of cashable savings to national departments, at the rate its
  settlement sets. Savings often land in another organisation's budget (the *wrong pocket*):
  the Prevention savings page shows who pays and who benefits.
- **Sensitivity**: each rate is moved 10 points down and up to show how sure the net present
  value is, and the *switching value* of deadweight is the deadweight at which it falls to zero.
"""


def _optimism_bias(snap) -> None:
    st.header("Optimism bias by confidence grade")
    table = prevention.optimism_bias(snap)
    if table is not None:
        st.caption("The corrections this snapshot was built with.")
        tables.table(tables.shown(table, snap), "optimism_bias")
        return
    defaults = pd.DataFrame(
        list(DEFAULT_OPTIMISM_BIAS.items()), columns=["confidence_grade", "optimism_bias"]
    )
    st.caption(
        "The snapshot does not publish its optimism-bias table, so these are the GMCA model's "
        "defaults (grade 1: independently evaluated, local; grade 6: an estimate with no "
        "evidence behind it). A build may override them."
    )
    tables.table(tables.shown(defaults, snap), "optimism_bias_defaults")
    if prevention.published(snap):
        seen = prevention.optimism_bias_seen(snap)
        if not seen.empty:
            st.caption(
                "Optimism bias applied to the benefit rows of this snapshot: "
                + ", ".join(
                    f"{format_share(r.optimism_bias)} ({r.benefit_rows:,} rows)"
                    for r in seen.itertuples()
                )
                + "."
            )


def render(page: Page) -> None:
    snap = page.snap
    base = snap.price_base_year or "the price base year"
    rate, rate_source = prevention.discount_rate(snap)

    prices, discount, published = st.columns(3)
    prices.metric("Price base", snap.price_base_year or "n/a", border=True)
    discount.metric(
        "Discount rate", f"{rate * 100:.1f}% a year", help=f"From {rate_source}.", border=True
    )
    published.metric(
        "Prevention savings",
        "Published" if prevention.published(snap) else "Not published yet",
        border=True,
    )

    st.header("How prevention savings are worked out")
    st.markdown(STEPS.format(base=base, rate=f"{rate * 100:.1f}%"))
    st.header("What the headline figures mean")
    st.markdown(MEASURES)
    _optimism_bias(snap)

    st.header("Money and years")
    st.markdown(
        f"Real-terms figures are in {base} prices, using HM Treasury's GDP deflators. "
        "Financial years run from April to March and are written 2025-26. A pooled pot is the "
        "share of each departmental funding line that a place's settlement pools, summed."
    )
    if METHOD_DOC.is_file():
        with st.expander("The full method (docs/method.md)"):
            # Its headings one level down, so the page keeps one h1 (screen readers).
            text = METHOD_DOC.read_text(encoding="utf-8")
            st.markdown(re.sub(r"(?m)^(#{1,5}) ", r"#\1 ", text))
    else:
        st.caption("The full method will be in `docs/method.md` in the repository.")


run_page("Method", render)
