"""Glossary and accessibility: the words the other pages use, and how the dashboard can be
read with a keyboard, a screen reader or a phone."""

import streamlit as st

from dashboards.components.page import Page, run_page

GLOSSARY = {
    "Pooled budget (pot)": "The money a devolution settlement brings together from separate "
    "departmental grant lines into one budget the combined authority decides how to spend.",
    "Combined authority": "A body of neighbouring councils (its member areas) with a mayor, "
    "GSS code E47...; the dashboard calls it a city-region or place.",
    "RDEL / CDEL": "Resource and capital departmental expenditure limits: day-to-day "
    "spending (resource) and investment (capital). They are reconciled apart, never added "
    "together unless the announcement itself gives one figure for both.",
    "Announced total": "The figure government published for a settlement (for a year, a "
    "budget type, a pillar or a fund); the pot should match it within £1,000.",
    "Cash and real terms": "Cash is the pounds of the year itself. Real terms restate them in "
    "the prices of one base year with HM Treasury's GDP deflators, so years can be compared.",
    "PV (present value)": "Future pounds discounted to today at the Green Book rate (3.5% a "
    "year for the first 30 years): £1 saved in ten years is worth about 71p today.",
    "NPV (net present value)": "Present value of all the benefits (fiscal, economic and social) "
    "less the present value of the costs.",
    "Net savings (PV)": "Present value of the savings to public bodies' budgets less "
    "the present value of the costs: the measure the Overview maps and ranks.",
    "ROI (return on investment)": "Pounds back for each pound spent. Financial ROI counts "
    "fiscal savings only; public value ROI adds economic and social value.",
    "Cashable": "A saving that can be taken out of a budget (fewer places bought, say), as "
    "against time or capacity freed up that cannot be.",
    "Deadweight": "The part of an outcome that would have happened anyway, without the "
    "intervention; it is taken off the savings.",
    "Attribution and drop-off": "The share of an outcome owed to this intervention rather "
    "than others, and how fast its effect fades year on year.",
    "Optimism bias": "An uplift to costs for the tendency of appraisals to be optimistic; "
    "larger the less certain the cost estimate (its confidence grade).",
    "Gain share": "The share of the savings that land in national budgets which a settlement "
    "lets the place keep.",
    "Retained by place": "What stays with the place: savings to local bodies plus its gain "
    "share of national cashable savings.",
    "Scenario": "What the figures would be if departments' allocations changed by a "
    "percentage or a gain-share rate changed, computed beside the published baseline, which "
    "stays as it is. It scales the lines; it does not model how anyone would respond.",
    "Wrong pocket": "A saving that lands in another body's budget than the one that pays for "
    "the intervention.",
    "Synthetic": "Generated for the demonstration, not real government figures. Every page "
    "says when it shows any.",
}

ACCESSIBILITY = """
This dashboard aims to meet the Web Content Accessibility Guidelines (WCAG) 2.2 at level AA.

- **Every chart has its table one click away** (the *Table* tab beside it), with the same
  figures, and a CSV and an Excel download. Each chart also carries a text description that
  screen readers announce.
- **Colours** come from the Okabe-Ito palette and viridis, readable with the common forms of
  colour blindness; no figure is told by colour alone (statuses are written out, the selected
  place is also named in the caption).
- **Headings** run in order (page title, then sections) so a screen reader can jump between
  them; every filter has a visible label and works with the keyboard.
- **On a phone** the columns stack: the one-sentence answer and the headline figures come
  first, the map and charts after.
- **Known limits**: the map cannot be explored with the keyboard (its figures are in its
  table); Streamlit's own widgets are outside this project's control.

To report a problem, or to ask for the figures in another format, open an issue in the
project's repository.
"""


def render(page: Page) -> None:
    st.header("Glossary")
    for term, meaning in GLOSSARY.items():
        st.markdown(f"**{term}**: {meaning}")
    st.header("Accessibility statement")
    st.markdown(ACCESSIBILITY)


run_page("Glossary and accessibility", render)
