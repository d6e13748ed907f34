"""One build per warehouse at a time, and no leftovers of a build that was killed."""

from __future__ import annotations

import fcntl
import os
import signal
import time
from contextlib import contextmanager, suppress
from pathlib import Path

from orchestration.core.errors import BuildBusy
from orchestration.core.paths import WarehouseLayout


@contextmanager
def build_lock(layout: WarehouseLayout):
    """One build per warehouse at a time; the lock file names the holder.

    The kernel drops the flock when the holder dies, even by SIGKILL, so a stale lock file never
    blocks the next build. The holder's children do not die with it, though: a dbt started by a
    killed build goes on writing the working database and holds DuckDB's lock on it. Every process
    a build starts inherits BUILD_MARKER naming this lock file; whoever takes the lock stops such
    leftovers first (they can only belong to a dead build) and then owns the warehouse."""
    layout.root.mkdir(parents=True, exist_ok=True)
    handle = open(layout.build_lock, "a+")  # noqa: SIM115 - held open for the whole build
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _lock_holder(handle)
        handle.close()
        raise BuildBusy(
            f"another build of {layout.root} is running ({holder}); wait for it to finish"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()} since {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
    handle.flush()
    marker = str(layout.build_lock)
    previous = os.environ.get(BUILD_MARKER)
    try:
        stop_leftovers(marker)
        os.environ[BUILD_MARKER] = marker
        yield
    finally:
        if previous is None:
            os.environ.pop(BUILD_MARKER, None)
        else:
            os.environ[BUILD_MARKER] = previous
        handle.seek(0)
        handle.truncate()
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def _lock_holder(handle, patience: float = 2.0) -> str:
    """What the lock file says about its holder; the holder writes it just after taking the
    lock, so an empty file is read again for a moment before giving up."""
    deadline = time.monotonic() + patience
    while True:
        handle.seek(0)
        holder = handle.read().strip()
        if holder or time.monotonic() > deadline:
            return holder or "another process"
        time.sleep(0.05)


BUILD_MARKER = "WHOLEPLACE_BUILD_LOCK"


def leftover_processes(marker: str) -> list[int]:
    """Live processes whose environment carries BUILD_MARKER=marker (Linux /proc; elsewhere
    none are found)."""
    wanted = f"{BUILD_MARKER}={marker}".encode()
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        pid = int(entry.name)
        if pid == os.getpid():
            continue
        try:
            variables = (entry / "environ").read_bytes().split(b"\0")
        except OSError:  # gone, or not ours to read
            continue
        if wanted in variables and _alive(pid):
            found.append(pid)
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"  # a zombie has closed its files


def stop_leftovers(marker: str, patience: float = 10.0) -> None:
    """Stop what a killed build of this warehouse left running (SIGTERM, then SIGKILL)."""
    leftovers = leftover_processes(marker)
    for pid in leftovers:
        print(f"  stopping pid {pid}, left running by an earlier build that did not finish")
    for sig, wait in ((signal.SIGTERM, patience), (signal.SIGKILL, patience)):
        for pid in leftovers:
            with suppress(ProcessLookupError, PermissionError):
                os.kill(pid, sig)
        deadline = time.monotonic() + wait
        while leftovers and time.monotonic() < deadline:
            time.sleep(0.05)
            leftovers = [pid for pid in leftovers if _alive(pid)]
        if not leftovers:
            return
