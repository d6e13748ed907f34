"""The settlement pack a finance director signs: for one place (and optionally one settlement and
one year), the pot by pillar and line reconciled to the announced totals, contributions by member
area, every settlement check (failures first), prevention appraisals, the wrong-pocket flows and
retained savings, and outcome indicators beside England."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from orchestration.core.errors import UsageError
from orchestration.core.export import common
from orchestration.core.export.sheets import Sheet, failures_first
from orchestration.core.export.snapshot import PublishedSnapshot

RECONCILIATION_CHECKS = ("pot_matches_announced_total", "announced_total_on_file")
# Marts a pack reads, in the order of its sheets; the optional ones are skipped when absent.
PACK_MARTS = [
    "pooled_budget", "pot_by_member_area", "settlement_checks", "intervention_cba",
    "place_appraisal", "savings_by_agency", "place_prevention_summary", "place_outcomes",
]  # fmt: skip


@dataclass(frozen=True)
class PackScope:
    place_code: str
    place_name: str
    settlements: list[str]
    years: list[str]

    @property
    def file_stem(self) -> str:
        years = self.years[0] if len(self.years) == 1 else f"{self.years[0]}_to_{self.years[-1]}"
        return f"settlement_pack_{self.place_code}_{'_'.join(self.settlements)}_{years}"


def pack_scope(
    snap: PublishedSnapshot, place: str, settlement: str | None = None, year: str | None = None
) -> PackScope:
    """What the pack covers, or a UsageError naming what exists instead."""
    pots = snap.query(
        "select distinct place_code, place_name, settlement_id, financial_year "
        "from pooled_budget order by settlement_id, financial_year"
    )
    places = sorted(set(pots["place_code"]))
    here = pots[pots["place_code"] == place]
    if here.empty:
        raise UsageError(f"{place} has no pooled budget in this snapshot; places with one: "
                         f"{', '.join(places) or 'none'}")  # fmt: skip
    if settlement is not None:
        if settlement not in set(here["settlement_id"]):
            raise UsageError(f"{place} has no settlement {settlement}; its settlements: "
                             f"{', '.join(sorted(set(here['settlement_id'])))}")  # fmt: skip
        here = here[here["settlement_id"] == settlement]
    if year is not None:
        if year not in set(here["financial_year"]):
            raise UsageError(f"{place} has no pot in {year}; its years: "
                             f"{', '.join(sorted(set(here['financial_year'])))}")  # fmt: skip
        here = here[here["financial_year"] == year]
    return PackScope(
        place,
        str(here["place_name"].iloc[0]),
        sorted(set(here["settlement_id"])),
        sorted(set(here["financial_year"])),
    )


def settlement_pack(snap: PublishedSnapshot, scope: PackScope) -> list[Sheet]:
    parts = {
        "pot": _pot_by_line(snap, scope),
        "reconciliation": _reconciliation(snap, scope),
        "checks": _checks(snap, scope),
    }
    synthetic = common.is_synthetic(snap, *parts.values())
    sheets = [
        _cover(snap, scope, synthetic),
        Sheet("Pot by pillar", _pot_by_pillar(parts["pot"]),
              common.note("The pot by pillar, budget type and year (cash, real terms).",
                          synthetic)),
        Sheet("Pot by funding line", parts["pot"],
              common.note("The pot line by line: share x the line's allocations to the place "
                          "and its members.", synthetic)),
        Sheet("Pot against announced totals", parts["reconciliation"],
              common.note("The pot reconciled to what government announced, at the grain it "
                          "was announced (expected = announced, actual = pot).", synthetic)),
    ]  # fmt: skip
    sheets += _member_areas(snap, scope, synthetic)
    sheets.append(
        Sheet("Settlement checks", parts["checks"],
              common.note("Every settlement check on this pot, failures first.", synthetic))
    )  # fmt: skip
    sheets += _prevention(snap, scope, synthetic)
    sheets += _outcomes(snap, scope, synthetic)
    used = [m for m in PACK_MARTS if snap.has(m)]
    sheets += [common.input_files(snap, synthetic), common.column_meanings(snap, used, synthetic)]
    return common.labelled(sheets, snap)


def _in(values: list[str]) -> str:
    return "(" + ", ".join("?" for _ in values) + ")"


def _scope_filter(scope: PackScope, settlement_column: str = "settlement_id") -> tuple[str, list]:
    where = (f"{settlement_column} in {_in(scope.settlements)} "
             f"and financial_year in {_in(scope.years)}")  # fmt: skip
    return where, [*scope.settlements, *scope.years]


def _pot_by_line(snap: PublishedSnapshot, scope: PackScope) -> pd.DataFrame:
    where, params = _scope_filter(scope)
    return snap.query(
        "select settlement_id, financial_year, pillar, department, funding_line, "
        "funding_line_name, budget_type, share, line_total_gbp_nominal, contribution_gbp_nominal, "
        "contribution_gbp_real, population, contribution_per_head_real, is_synthetic "
        f"from pooled_budget where {where} "
        "order by settlement_id, financial_year, pillar, funding_line, budget_type",
        params,
    )


def _pot_by_pillar(pot: pd.DataFrame) -> pd.DataFrame:
    keys = ["settlement_id", "financial_year", "pillar", "budget_type"]
    grouped = pot.groupby(keys, as_index=False).agg(
        pot_gbp_nominal=("contribution_gbp_nominal", "sum"),
        pot_gbp_real=("contribution_gbp_real", "sum"),
        funding_lines=("funding_line", "nunique"),
        population=("population", "max"),
        is_synthetic=("is_synthetic", "any"),
    )
    grouped["pot_per_head_real"] = grouped["pot_gbp_real"] / grouped["population"]
    return grouped


def _reconciliation(snap: PublishedSnapshot, scope: PackScope) -> pd.DataFrame:
    where, params = _scope_filter(scope)
    return snap.query(
        'select settlement_id, financial_year, budget_type, funding_line, "check", status, '
        "expected_gbp as announced_gbp, actual_gbp as pot_gbp, difference_gbp, detail, "
        f'is_synthetic from settlement_checks where "check" in {_in(RECONCILIATION_CHECKS)} '
        f"and {where} order by settlement_id, financial_year, budget_type, funding_line",
        [*RECONCILIATION_CHECKS, *params],
    )


def _checks(snap: PublishedSnapshot, scope: PackScope) -> pd.DataFrame:
    """The place's and its settlements' checks, and the national checks on the lines it pools."""
    where, params = _scope_filter(scope)
    frame = snap.query(
        'select "check", severity, status, settlement_id, place_code, financial_year, '
        "funding_line, budget_type, area_code, expected_gbp, actual_gbp, difference_gbp, detail, "
        "is_synthetic from settlement_checks "
        f"where (settlement_id in {_in(scope.settlements)} or place_code = ? "
        f"or (place_code is null and funding_line in (select funding_line from pooled_budget "
        f"where {where}))) and (financial_year is null or financial_year in {_in(scope.years)})",
        [*scope.settlements, scope.place_code, *params, *scope.years],
    )
    return failures_first(frame)


def _cover(snap: PublishedSnapshot, scope: PackScope, synthetic: bool) -> Sheet:
    years = scope.years[0] if len(scope.years) == 1 else f"{scope.years[0]} to {scope.years[-1]}"
    rows = [
        ("Place", f"{scope.place_name} ({scope.place_code})"),
        ("Settlement", ", ".join(scope.settlements)),
        ("Financial years", years),
        *common.provenance_rows(snap, synthetic),
    ]
    title = f"Settlement pack: {scope.place_name}, {', '.join(scope.settlements)}, {years}"
    return common.cover(title, rows, synthetic)


def _member_areas(snap: PublishedSnapshot, scope: PackScope, synthetic: bool) -> list[Sheet]:
    if not snap.has("pot_by_member_area"):
        return []
    where, params = _scope_filter(scope)
    frame = snap.frame("pot_by_member_area", where, params)
    return [
        Sheet("Contributions by member area", frame,
              common.note("Each member area's part of the pot, line by line.", synthetic))
    ]  # fmt: skip


def _place_rows(snap: PublishedSnapshot, mart: str, scope: PackScope, by_year: bool):
    where, params = "place_code = ?", [scope.place_code]
    if by_year:
        where += f" and financial_year in {_in(scope.years)}"
        params += scope.years
    return snap.frame(mart, where, params)


PREVENTION_SHEETS = [
    # mart, sheet, by year, what it is
    ("intervention_cba", "Prevention appraisals", False,
     "Each prevention intervention's appraisal: present values, NPV, returns, payback."),
    ("place_appraisal", "Place appraisal", False,
     "The place's prevention appraisal as a whole."),
    ("savings_by_agency", "Wrong-pocket flows", False,
     "Who pays and who saves: present value of fiscal savings by beneficiary agency."),
    ("place_prevention_summary", "Retained savings", True,
     "Costs, savings and what the place retains under its gain-share, by year."),
]  # fmt: skip


def _prevention(snap: PublishedSnapshot, scope: PackScope, synthetic: bool) -> list[Sheet]:
    sheets = []
    for mart, name, by_year, what in PREVENTION_SHEETS:
        if snap.has(mart) and "place_code" in snap.columns(mart):
            frame = _place_rows(snap, mart, scope, by_year)
            sheets.append(Sheet(name, frame, common.note(what, synthetic)))
    return sheets


def _outcomes(snap: PublishedSnapshot, scope: PackScope, synthetic: bool) -> list[Sheet]:
    if not snap.has("place_outcomes"):
        return []
    frame = snap.query(
        "select indicator_id, indicator_name, period, financial_year, breakdown, polarity, "
        "value_unit, place_value, england_value, difference_from_england, "
        "compared_with_england, members_reporting, population_share_reporting, publisher, "
        "data_provenance, is_synthetic from place_outcomes where place_code = ? "
        "order by indicator_id, period, breakdown",
        [scope.place_code],
    )
    what = "Outcome indicators for the place, with England for comparison."
    return [Sheet("Outcomes against England", frame, common.note(what, synthetic))]
