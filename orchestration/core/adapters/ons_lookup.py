"""ONS "Local Authority District to Combined Authority" lookups -> the membership reference.

The headers carry the vintage (LAD24CD/CAUTH24CD, LAD25CD/CAUTH25CD, ...). A lookup is a
snapshot: on its as-at date, these districts were members of these combined authorities. Each
snapshot is dated (the last day of the month the lookup is named for, May unless the file name
says another month) and merged into the membership history already held, so successive lookups
build the history up:

- a member in the lookup with no membership open on that date starts on that date (or, when it
  is the successor of a former member, on the day its code took over, from the areas reference);
- a membership open on that date whose district is not in the lookup ends the day before
  (or on its code's last day, when the areas reference says the code ended);
- the county of a two-tier district joins and leaves with its districts (the lookups list
  districts only; wholeplace's membership lists the county too);
- everything else in the history is kept as it was.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from pathlib import Path

import pandas as pd

from orchestration.core.adapters.base import (
    Adapted,
    Adapter,
    AdapterError,
    Table,
    best_table,
    read_table,
)
from orchestration.core.adapters.context import AdaptContext, _date

NAME = "ons_lookup"
TITLE = 'ONS "Local Authority District to Combined Authority" lookup (LADyyCD, CAUTHyyCD)'
MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
HEADER = re.compile(r"^(LAD|CAUTH)(\d{2})(CD|NM)$", re.I)
COLUMNS = ["area_code", "place_code", "start_date", "end_date"]


def vintage_columns(headers) -> dict[str, str] | None:
    """{'district': 'LAD24CD', 'place': 'CAUTH24CD', ...} when the headers are one vintage."""
    found: dict[tuple[str, str], str] = {}
    years = set()
    for header in headers:
        match = HEADER.match(str(header).strip())
        if match:
            kind, year, what = match.group(1).upper(), match.group(2), match.group(3).upper()
            found[(kind, what)] = str(header).strip()
            if what == "CD":
                years.add(year)
    if ("LAD", "CD") not in found or ("CAUTH", "CD") not in found or len(years) != 1:
        return None
    return {
        "district": found[("LAD", "CD")],
        "place": found[("CAUTH", "CD")],
        "district_name": found.get(("LAD", "NM"), ""),
        "place_name": found.get(("CAUTH", "NM"), ""),
        "year": years.pop(),
    }


def recognise(tables: list[Table]) -> Table | None:
    return best_table(tables, lambda t: 4 if vintage_columns(t.headers) else None, minimum=4)


def as_at(path: Path, year: str, override: dt.date | None = None) -> tuple[dt.date, str]:
    """The snapshot's date: the last day of the named month of 20yy (May by default; ONS names
    these lookups by month, e.g. "(May 2025)"). Returns (date, how it was decided)."""
    if override:
        return override, "as given"
    full_year = 2000 + int(year)
    month, how = 5, "May (ONS publishes these lookups as at May)"
    for word in re.split(r"[^a-z]+", path.stem.lower()):
        if word in MONTHS and len(word) >= 3:
            month, how = MONTHS[word], f"{calendar.month_name[MONTHS[word]]}, from the file name"
            break
    day = calendar.monthrange(full_year, month)[1]
    return dt.date(full_year, month, day), how


def read_snapshot(path: Path, table: Table) -> tuple[pd.DataFrame, dict[str, str]]:
    columns = vintage_columns(table.headers)
    if columns is None:
        raise AdapterError(f"{path.name}: not an ONS district to combined authority lookup")
    text = read_table(path, table)
    snapshot = pd.DataFrame(
        {
            "area_code": text[columns["district"]].str.strip().str.upper(),
            "place_code": text[columns["place"]].str.strip().str.upper(),
            "area_name": text[columns["district_name"]] if columns["district_name"] else "",
            "place_name": text[columns["place_name"]] if columns["place_name"] else "",
        }
    )
    return snapshot[snapshot["area_code"] != ""], columns


def _is_open(row: dict, day: dt.date) -> bool:
    start, end = _date(row["start_date"]), _date(row["end_date"])
    return (start is None or start <= day) and (end is None or end >= day)


def merge(
    history: pd.DataFrame, snapshot: pd.DataFrame, day: dt.date, context: AdaptContext
) -> tuple[pd.DataFrame, list[str]]:
    """The membership history updated with one dated snapshot. Returns (history, changes)."""
    rows = [
        {c: (None if pd.isna(r[c]) or r[c] == "" else r[c]) for c in COLUMNS}
        for r in history[COLUMNS].to_dict("records")
    ]
    for row in rows:
        row["start_date"], row["end_date"] = _date(row["start_date"]), _date(row["end_date"])
    observed = set(zip(snapshot["area_code"], snapshot["place_code"], strict=True))
    observed |= {
        (county, place)
        for area, place in list(observed)
        for county in [str((context.area(area) or {}).get("county_code") or "")]
        if county
    }
    changes: list[str] = []
    open_pairs = {(r["area_code"], r["place_code"]) for r in rows if _is_open(r, day)}
    for row in rows:
        pair = (row["area_code"], row["place_code"])
        if not _is_open(row, day) or pair in observed:
            continue
        area = context.area(row["area_code"]) or {}
        code_end = _date(area.get("end_date"))
        row["end_date"] = code_end if code_end and code_end < day else day - dt.timedelta(days=1)
        why = "its code ended" if code_end and code_end < day else "not in this lookup"
        changes.append(f"ended {pair[0]} in {pair[1]} on {row['end_date']} ({why})")
    predecessors = {}
    for code, area in context.area_index.items():
        if area.get("successor_code"):
            predecessors.setdefault(str(area["successor_code"]), []).append(code)
    for area_code, place_code in sorted(observed - open_pairs):
        start = day
        took_over = _date((context.area(area_code) or {}).get("start_date"))
        was_member = any(
            r["area_code"] in predecessors.get(area_code, []) and r["place_code"] == place_code
            for r in rows
        )
        if was_member and took_over and took_over <= day:
            start = took_over
        rows.append(
            {
                "area_code": area_code,
                "place_code": place_code,
                "start_date": start,
                "end_date": None,
            }
        )
        changes.append(f"added {area_code} to {place_code} from {start}")
    merged = pd.DataFrame(rows, columns=COLUMNS)
    for column in ("start_date", "end_date"):
        merged[column] = merged[column].map(lambda d: d.isoformat() if d else "")
    merged = merged.sort_values(["place_code", "area_code", "start_date"]).reset_index(drop=True)
    return merged, changes


def adapt(
    path: Path, table: Table, context: AdaptContext | None = None, day: dt.date | None = None
) -> Adapted:
    context = context or AdaptContext.for_feeds(None)
    snapshot, columns = read_snapshot(path, table)
    day, how = as_at(path, columns["year"], day)
    notes = [
        f"vintage 20{columns['year']} ({columns['district']}, {columns['place']}): "
        f"{len(snapshot)} districts in {snapshot['place_code'].nunique()} combined authorities, "
        f"dated {day} (the last day of {how})",
    ]
    unknown = sorted(set(snapshot["area_code"]) - set(context.area_index))
    if unknown:
        notes.append(f"district codes not in the areas reference: {', '.join(unknown)}")
    merged, changes = merge(context.membership, snapshot, day, context)
    notes.append(
        f"merged into {context.membership_source}: {len(changes)} change(s)"
        + (": " + "; ".join(changes[:20]) if changes else " (the history already agrees)")
        + (f"; ... and {len(changes) - 20} more" if len(changes) > 20 else "")
    )
    merged["source_unit"] = "not applicable (membership)"
    merged["price_basis"] = "not applicable"
    merged["accounting_basis"] = "not applicable"
    merged["data_provenance"] = (
        f"ONS Local Authority District to Combined Authority lookup 20{columns['year']} "
        f"(as at {day}), OGL v3, merged into the membership history"
    )
    return Adapted(
        NAME,
        "membership",
        "reference",
        "membership.csv",
        merged,
        len(snapshot),
        notes,
        mode="merge",
        details={"changes": changes, "snapshot": snapshot, "as_at": day},
    )


ADAPTER = Adapter(NAME, TITLE, "membership", recognise, adapt)
