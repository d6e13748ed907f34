"""What adapters look codes up in: the areas and membership reference (bundled, or replaced by a
feeds directory's reference/ folder) and the mySociety name and former-code lookups."""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from orchestration.core.feed_files import files_in
from orchestration.core.load_feeds import bundled_reference, validate_feed
from orchestration.core.paths import DEMO_SOURCES_DIR
from orchestration.core.settings import DEFAULT_PRICE_BASE
from schemas.common import ValidationContext
from schemas.reference import AREAS, MEMBERSHIP

# The mySociety files, bundled with the demo's other public sources (see DATA_SOURCES.md).
LOOKUPS = DEMO_SOURCES_DIR
AUTHORITIES = LOOKUPS / "mysociety_uk_local_authorities.csv"


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def name_key(name: str) -> str:
    """'Bristol, City of' and 'City of Bristol' and 'Bristol City Council' -> 'bristol'."""
    text = name.lower().replace("&", " and ").replace("st.", "st")
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    text = re.sub(
        r"\b(city of|county of|royal borough of|london borough of|borough of)\b", " ", text
    )
    text = re.sub(
        r"\b(metropolitan borough|borough|county|city|district|council|the|ua|mbc|cc|dc)\b",
        " ",
        text,
    )
    return " ".join(text.split())


@dataclass
class Names:
    """Authority names and former GSS codes to current GSS codes, from mySociety's lookups."""

    by_name: dict[str, str] = field(default_factory=dict)  # name key -> registry code
    gss_by_registry: dict[str, str] = field(default_factory=dict)
    registry_by_gss: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Names:
        authorities = _read(AUTHORITIES)
        names = cls()
        for a in authorities:
            names.gss_by_registry[a["local-authority-code"]] = a["gss-code"]
        for row in _read(LOOKUPS / "mysociety_lookup_name_to_registry.csv"):
            names.by_name.setdefault(name_key(row["la-name"]), row["local-authority-code"])
        for a in authorities:  # official and nice names too, for spellings the lookup lacks
            for name in (a["official-name"], a["nice-name"]):
                if name:
                    names.by_name.setdefault(name_key(name), a["local-authority-code"])
        for row in _read(LOOKUPS / "mysociety_lookup_gss_to_registry.csv"):
            names.registry_by_gss[row["gss-code"]] = row["local-authority-code"]
        return names

    def code_for(self, name: str) -> str | None:
        registry = self.by_name.get(name_key(name))
        return self.gss_by_registry.get(registry) if registry else None

    def current_code(self, gss: str) -> str | None:
        """A former GSS code's current one (mySociety's former-gss-codes), or None."""
        registry = self.registry_by_gss.get(gss)
        current = self.gss_by_registry.get(registry) if registry else None
        return current if current and current != gss else None


@dataclass
class AdaptContext:
    """Reference data the adapters read; built from a feeds directory (or the bundled seeds)."""

    areas: pd.DataFrame
    membership: pd.DataFrame
    price_base_year: str = DEFAULT_PRICE_BASE
    membership_source: str = "bundled reference/membership.csv"

    @classmethod
    def for_feeds(
        cls, feeds_dir: Path | None = None, price_base_year: str = DEFAULT_PRICE_BASE
    ) -> AdaptContext:
        tables, source = {}, "bundled reference/membership.csv"
        for contract in (AREAS, MEMBERSHIP):
            if feeds_dir is not None and files_in(feeds_dir, "reference", contract.file_name):
                tables[contract.name] = validate_feed(
                    contract, feeds_dir, ValidationContext()
                ).loaded
                if contract is MEMBERSHIP:
                    source = f"{feeds_dir}/reference/membership.csv"
            else:
                tables[contract.name] = bundled_reference(contract)
        return cls(tables["areas"], tables["membership"], price_base_year, source)

    @cached_property
    def names(self) -> Names:
        return Names.load()

    @cached_property
    def area_index(self) -> dict[str, dict]:
        return {str(r["area_code"]): r for r in self.areas.to_dict("records")}

    def area(self, code: str) -> dict | None:
        return self.area_index.get(code)

    def successor_in_year(self, code: str, financial_year: str) -> tuple[str, str] | None:
        """(successor code, the day it took over) when `code` had ended by 30 September of
        `financial_year` and the areas reference names a successor; else None."""
        midpoint = dt.date(int(financial_year[:4]), 9, 30)
        seen = set()
        current, changed = code, None
        while True:
            area = self.area(current)
            end = _date(area.get("end_date")) if area else None
            successor = str(area.get("successor_code") or "") if area else ""
            if not end or end >= midpoint or not successor or successor in seen:
                break
            seen.add(successor)
            current, changed = successor, end + dt.timedelta(days=1)
        return (current, changed.isoformat()) if changed else None


def _date(value) -> dt.date | None:
    if value is None or value == "" or (not isinstance(value, dt.date) and pd.isna(value)):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
