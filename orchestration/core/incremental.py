"""After one more month, or a corrected one: whether a build can recompute only the financial years
of the payments that changed instead of building everything again.

The last successful build records what it read in WAREHOUSE/work/last_build.json: every file of
the feeds directory (size, modification time and SHA-256), the engine, the price base and the
state of the code and the dbt project. `plan_build` compares the feeds directory with that
record. One kind of change is built incrementally: payments files (spend_transactions/) added,
changed or removed, every other file as it was; core/payment_years.py says which files are read
again and which years recomputed. Anything else (another feed changed, the code, the engine or
the price base changed, the last build not finished, files in the inbox, payments outside the
years the warehouse is partitioned by) is a full build, with a one-line reason."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.core.engine_validation import reader
from orchestration.core.feed_files import FeedFile
from orchestration.core.paths import DBT_PROJECT_DIR, PACKAGE, REPO, WarehouseLayout
from orchestration.core.payment_years import (
    YEARS,
    Rebuild,
    covering,
    payments_on_disk,
    rebuild_for,
    years_words,
)
from schemas.spend_transactions import CONTRACT as PAYMENTS

RECORD = "last_build.json"
# What a build's results depend on besides the feeds: the Python that validates and loads, and
# the dbt project (models, macros, seeds, tests). A change to either is a full build.
CODE = [(PACKAGE, "*.py"), (REPO / "schemas", "*.py"), (DBT_PROJECT_DIR, "*")]
NOT_CODE = {"target", "logs", "dbt_packages", "__pycache__", "demo", "tools"}


@dataclass(frozen=True)
class BuildPlan:
    full: bool
    reason: str  # one line, shown first by `wholeplace build`
    # when not full: the payments files to read again and the years to recompute
    payments: Rebuild | None = None
    state: dict = field(default_factory=dict, compare=False)  # what this build reads

    @property
    def years(self) -> list[str]:
        """The partitions this build runs: every year when full."""
        return list(YEARS) if self.full else covering(self.payments.years)

    @property
    def line(self) -> str:
        return f"{'full' if self.full else 'incremental'} build: {self.reason}"


def record_path(layout: WarehouseLayout) -> Path:
    return layout.work_dir / RECORD


def _skipped(name: str) -> bool:
    return name.startswith(("~$", "."))  # office lock files, hidden files: no reader reads them


def feeds_state(feeds_dir: Path) -> dict[str, dict]:
    """Every file under the feeds directory: relative path -> size and modification time."""
    files = {}
    for path in sorted(feeds_dir.rglob("*")):
        relative = path.relative_to(feeds_dir)
        if any(_skipped(part) for part in relative.parts) or not path.is_file():
            continue
        stat = path.stat()
        files[relative.as_posix()] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    return files


def code_state() -> str:
    digest = hashlib.sha256()
    for root, pattern in CODE:
        for path in sorted(root.rglob(pattern)):
            relative = path.relative_to(REPO)
            if not path.is_file() or NOT_CODE & set(relative.parts):
                continue
            digest.update(relative.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def sha256(path: Path) -> str:
    return FeedFile(path, path.name).sha256


def build_state(feeds_dir: Path, engine: str, price_base_year: str) -> dict:
    return {
        "feeds_dir": str(feeds_dir),
        "engine": engine,
        "price_base_year": price_base_year,
        "code": code_state(),
        "files": feeds_state(feeds_dir),
    }


def read_record(layout: WarehouseLayout) -> dict | None:
    try:
        return json.loads(record_path(layout).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _changed(feeds_dir: Path, name: str, now: dict, before: dict) -> bool:
    """Same size and time: unchanged. Same size, another time: unchanged only if the content
    hashes the same (a file copied again or touched)."""
    if now["size"] != before["size"]:
        return True
    if now["mtime_ns"] == before["mtime_ns"]:
        return False
    return before.get("sha256") is None or sha256(feeds_dir / name) != before["sha256"]


def plan_build(
    feeds_dir: Path,
    layout: WarehouseLayout,
    engine: str,
    price_base_year: str,
    full_asked: bool = False,
) -> BuildPlan:
    state = build_state(feeds_dir, engine, price_base_year)
    reason = _full_build_reason(feeds_dir, layout, state, full_asked)
    if reason:
        return BuildPlan(True, reason, state=state)
    record = read_record(layout)
    changes = _payments_changes(feeds_dir, state["files"], record["files"])
    if not any(changes.values()):
        return BuildPlan(
            True,
            f"nothing changed since the build of {_when(record)}; building it all again",
            state=state,
        )
    on_disk = payments_on_disk(feeds_dir)
    with duckdb.connect(str(layout.database), read_only=True) as con:
        rebuild = rebuild_for(con, feeds_dir, set().union(*changes.values()), on_disk)
    outside = [y for y in rebuild.years if y not in YEARS]
    if outside:
        return BuildPlan(
            True,
            f"payments in {', '.join(outside)} are outside the financial years the warehouse "
            f"is partitioned by ({YEARS[0]} to {YEARS[-1]}, the deflator series)",
            state=state,
        )
    return BuildPlan(False, _rebuild_reason(feeds_dir, changes, rebuild, record), rebuild, state)


def _payments_changes(feeds_dir: Path, now: dict, before: dict) -> dict[str, list[str]]:
    """The payments files added, changed and removed (every other file is as it was: checked
    by _full_build_reason)."""
    folder = PAYMENTS.folder + "/"
    return {
        "added": [n for n in now if n not in before],
        "changed": [
            n
            for n in now
            if n in before and n.startswith(folder) and _changed(feeds_dir, n, now[n], before[n])
        ],
        "removed": [n for n in before if n not in now],
    }


def _full_build_reason(feeds_dir, layout, state: dict, full_asked: bool) -> str | None:
    if full_asked:
        return "--full was asked for"
    if state["engine"] == "spark":
        return "Spark builds (--engine spark) always build in full"
    if not record_path(layout).is_file():
        return "first build of this warehouse"
    record = read_record(layout)
    if record is None:
        return f"the record of the last build ({record_path(layout)}) could not be read"
    if not record.get("finished"):
        return (
            f"the last build (started {_when(record, 'started_at')}) did not finish or was blocked"
        )
    if not layout.database.is_file():
        return f"the working database {layout.database} is missing"
    for setting, words in (
        ("engine", "engine"),
        ("price_base_year", "price base"),
        ("feeds_dir", "feeds directory"),
    ):
        if record.get(setting) != state[setting]:
            return f"the {words} changed from {record.get(setting)} to {state[setting]}"
    if record.get("code") != state["code"]:
        return "the code or the dbt project changed since the last build"
    return _files_reason(feeds_dir, state["files"], record["files"])


def _files_reason(feeds_dir: Path, now: dict, before: dict) -> str | None:
    folder = PAYMENTS.folder
    for name, was in before.items():
        if name.startswith(folder + "/"):
            continue  # added, changed or removed, the payments are rebuilt by year
        if name not in now:
            return f"{name} was removed since the last build"
        if _changed(feeds_dir, name, now[name], was):
            return f"{name} changed since the last build"
    for name in (n for n in now if n not in before):
        top, _, rest = name.partition("/")
        if top == "inbox":
            return f"{name} is in the inbox (inbox files are adapted in a full build)"
        if top != folder or "/" in rest:
            return f"{name} is new (only {folder}/ files are rebuilt by year)"
        if Path(rest).suffix.lower() not in PAYMENTS.file_suffixes:
            return f"{name} is new and not a {' or '.join(PAYMENTS.file_suffixes)} file"
    return None


def _rebuild_reason(feeds_dir: Path, changes: dict, rebuild: Rebuild, record: dict) -> str:
    """'payments for 2025-26 (1 file added: payments_2025-04.csv, 402 rows); ...'"""
    words = []
    for kind, names in changes.items():
        if not names:
            continue
        files = "" if words else "file" if len(names) == 1 else "files"  # said once, first
        listed = ", ".join(_described(feeds_dir, n, kind) for n in names)
        words.append(" ".join(w for w in (str(len(names)), files, kind) if w) + f": {listed}")
    others = len(rebuild.files) - len(changes["added"]) - len(changes["changed"])
    again = f"; {others} more file(s) sharing payments with them read again" if others else ""
    return (
        f"payments for {years_words(covering(rebuild.years))} ({'; '.join(words)}{again}); "
        f"other feeds unchanged since the build of {_when(record)}"
    )


def _described(feeds_dir: Path, name: str, kind: str) -> str:
    short = name.split("/", 1)[1]
    return short if kind == "removed" else f"{short}, {_rows(feeds_dir / name)}"


def _rows(path: Path) -> str:
    """The file's rows as DuckDB reads them (a blank line or a quoted line break is no row)."""
    try:
        (count,) = duckdb.execute(
            f"select count(*) from {reader(FeedFile(path, path.name))}"
        ).fetchone()
    except duckdb.Error:  # the build names what is wrong with the file
        return f"{path.stat().st_size:,} bytes"
    return f"{count:,} rows"


def _when(record: dict, moment: str = "built_at") -> str:
    stamp = record.get(moment)
    try:
        return dt.datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return "an unknown time"


def _write(layout: WarehouseLayout, record: dict) -> None:
    """Atomically: a reader sees the previous record or the new one, never half of one."""
    path = record_path(layout)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(record, indent=2), encoding="utf-8")
    os.replace(temporary, path)


def mark_started(layout: WarehouseLayout, plan: BuildPlan) -> None:
    """Before the build changes the warehouse: until it has published, the next build is full."""
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    _write(layout, {**plan.state, "finished": False, "started_at": now})


def record_finished(layout: WarehouseLayout, plan: BuildPlan) -> None:
    """After a successful publish: what this build read, with each file's SHA-256 as
    raw.feed_files recorded it (hashed here only for a file no feed recorded)."""
    with duckdb.connect(str(layout.database), read_only=True) as con:
        hashes = dict(con.execute("select file, sha256 from raw.feed_files").fetchall())
    files = {
        name: {**facts, "sha256": hashes.get(name) or sha256(Path(plan.state["feeds_dir"]) / name)}
        for name, facts in plan.state["files"].items()
    }
    record = read_record(layout) or {}
    _write(
        layout,
        {
            **plan.state,
            "files": files,
            "finished": True,
            "started_at": record.get("started_at"),
            "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        },
    )
