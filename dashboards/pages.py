"""The dashboard's pages in the order the sidebar shows them: (script, title, icon)."""

PAGES = [
    ("views/overview.py", "Overview", ":material/map:"),
    ("views/pooled_budget.py", "Pooled budget", ":material/savings:"),
    ("views/prevention_savings.py", "Prevention savings", ":material/trending_up:"),
    ("views/outcomes.py", "Outcomes", ":material/monitoring:"),
    ("views/spending.py", "Spending", ":material/receipt_long:"),
    ("views/compare_places.py", "Compare places", ":material/leaderboard:"),
    ("views/scenarios.py", "Scenarios", ":material/tune:"),
    ("views/data_sources.py", "Data quality and sources", ":material/dataset:"),
    ("views/method.py", "Method", ":material/menu_book:"),
    ("views/glossary.py", "Glossary and accessibility", ":material/help:"),
]
