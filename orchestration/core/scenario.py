"""Spending-review scenarios: what the pots, whole-place budgets and retained savings would be
if departments' or funding lines' allocations changed by a percentage, lines were added to or
taken out of a pot, or a settlement's gain-share rate changed.

A scenario is computed from the published baseline marts, never by changing them: the pot is
share x the line's allocations, real terms and per head scale with the cash figure, and the
retained savings are local savings + rate x national cashable savings, so each scenario figure
follows from the baseline's own rows. The result is written to WAREHOUSE/scenarios/<name>-<time>/
(the scenario's marts and `scenario_comparison`), beside the published snapshot."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from orchestration.core.errors import UsageError

MEASURES = {
    "pot_gbp_nominal": "the pot (cash)",
    "whole_place_gbp_nominal": "the whole-place budget (cash)",
    "retained_by_place_gbp": "prevention savings the place retains (price-base pounds)",
}
YEAR = re.compile(r"^\d{4}-\d{2}$")


@dataclass(frozen=True)
class Change:
    """A percentage change to a department's or a funding line's allocations, in some years."""

    percent: float
    department: str | None = None
    funding_line: str | None = None
    years: tuple[str, ...] = ()  # empty: every year

    def factor(self) -> float:
        return 1 + self.percent / 100


@dataclass(frozen=True)
class PotLine:
    settlement_id: str
    funding_line: str
    share: float = 1.0
    pillar: str = ""


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str = ""
    changes: list[Change] = field(default_factory=list)
    added: list[PotLine] = field(default_factory=list)
    removed: list[PotLine] = field(default_factory=list)
    gain_share: dict[str, float] = field(default_factory=dict)  # settlement -> rate


class ScenarioFileError(UsageError):
    pass


def load_scenario(path: Path) -> Scenario:
    """The scenario in a YAML file, or a ScenarioFileError naming the file, key, value, rule."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ScenarioFileError(f"{path} could not be read: {error.strerror}") from None
    return parse_scenario(text, path)


def parse_scenario(text: str, source: Path | str) -> Scenario:
    """The scenario in YAML text; `source` names it in the messages."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ScenarioFileError(f"{source} is not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise ScenarioFileError(f"{source}: a scenario file is a mapping with a 'name' and changes")
    return _scenario(Path(source).name, data)


def scenario_yaml(scenario: Scenario) -> str:
    """The scenario as a file that `wholeplace scenario` reads back as the same scenario."""
    data: dict = {"name": scenario.name}
    if scenario.description:
        data["description"] = scenario.description
    if scenario.changes:
        data["changes"] = [_change_mapping(change) for change in scenario.changes]
    pot = {}
    if scenario.added:
        pot["add"] = [
            {"settlement_id": line.settlement_id, "funding_line": line.funding_line,
             "pillar": line.pillar, "share": line.share}
            for line in scenario.added
        ]  # fmt: skip
    if scenario.removed:
        pot["remove"] = [
            {"settlement_id": line.settlement_id, "funding_line": line.funding_line}
            for line in scenario.removed
        ]
    if pot:
        data["pot"] = pot
    if scenario.gain_share:
        data["gain_share"] = [
            {"settlement_id": settlement, "rate": rate}
            for settlement, rate in scenario.gain_share.items()
        ]
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _change_mapping(change: Change) -> dict:
    found = {"department": change.department} if change.department else {}
    if change.funding_line:
        found["funding_line"] = change.funding_line
    found["percent"] = change.percent
    if change.years:
        found["years"] = list(change.years)
    return found


def _fail(where: str, key: str, value, rule: str):
    raise ScenarioFileError(f"{where}, {key}: {value!r} {rule}")


def _scenario(file: str, data: dict) -> Scenario:
    name = str(data.get("name") or "")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", name):
        _fail(file, "name", data.get("name"), "must be letters, digits, '-' or '_'")
    changes = [_change(f"{file} changes[{i}]", c) for i, c in enumerate(data.get("changes") or [])]
    pot = data.get("pot") or {}
    added = [_pot_line(f"{file} pot.add[{i}]", p, True) for i, p in enumerate(pot.get("add") or [])]
    gone = pot.get("remove") or []
    removed = [_pot_line(f"{file} pot.remove[{i}]", p, False) for i, p in enumerate(gone)]
    rates = {}
    for i, item in enumerate(data.get("gain_share") or []):
        where = f"{file} gain_share[{i}]"
        rate = _number(where, "rate", (item or {}).get("rate"))
        if not 0 <= rate <= 1:
            _fail(where, "rate", rate, "must be a share between 0 and 1")
        rates[str(_required(where, "settlement_id", item))] = rate
    return Scenario(name, str(data.get("description") or ""), changes, added, removed, rates)


def _required(where: str, key: str, item) -> str:
    value = (item or {}).get(key) if isinstance(item, dict) else None
    if value in (None, ""):
        _fail(where, key, value, "is required")
    return str(value)


def _number(where: str, key: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        _fail(where, key, value, "must be a number")
    return float(value)


def _change(where: str, item) -> Change:
    if not isinstance(item, dict):
        _fail(where, "change", item, "must be a mapping with percent and department or line")
    percent = _number(where, "percent", item.get("percent"))
    if percent < -100:
        _fail(where, "percent", percent, "must not cut by more than 100%")
    department, line = item.get("department"), item.get("funding_line")
    if bool(department) == bool(line):
        _fail(where, "department / funding_line", item, "needs exactly one of the two")
    years = item.get("years") or []
    years = [years] if isinstance(years, str) else years
    for year in years:
        if not YEAR.fullmatch(str(year)):
            _fail(where, "years", year, "must be a financial year written like 2026-27")
    return Change(percent, department and str(department), line and str(line), tuple(years))


def _pot_line(where: str, item, needs_share: bool) -> PotLine:
    settlement = _required(where, "settlement_id", item)
    line = _required(where, "funding_line", item)
    share = _number(where, "share", item.get("share", 1.0)) if needs_share else 1.0
    if not 0 < share <= 1:
        _fail(where, "share", share, "must be in (0, 1]")
    return PotLine(settlement, line, share, str(item.get("pillar") or "added in scenario"))
