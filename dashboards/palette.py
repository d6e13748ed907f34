"""Colours every chart shares. Okabe-Ito: distinguishable with the common forms of colour
blindness (maps and matrices use viridis, which is too)."""

PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
BUDGET_TYPE_COLOURS = {"resource": "#0072B2", "capital": "#E69F00"}
STATUS_COLOURS = {"pass": "#0072B2", "warn": "#E69F00", "fail": "#D55E00"}
HIGHLIGHT, OTHERS = "#D55E00", "#0072B2"
