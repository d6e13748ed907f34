"""What every command shares: exit codes, the progress lines on the terminal, and the log file
that takes Dagster's and dbt's own output (and any stack trace) away from the terminal."""

from __future__ import annotations

import errno
import logging
import os
import sys
import tempfile
import traceback
from contextlib import contextmanager
from pathlib import Path

EXIT_OK = 0  # done (a build published its snapshot)
EXIT_BLOCKED = 1  # a check blocked the build, a file is invalid, or the warehouse is busy
EXIT_USAGE = 2  # the command was given something it cannot use
EXIT_FAULT = 3  # the machine could not do it: disk full, read-only, a path that is a file

PROGRESS_LOGGER = "wholeplace"


_terminal = None  # where progress goes while stdout and stderr are sent to the log file


def terminal():
    return _terminal or sys.stdout


class _ToTerminal(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        print(f"  {record.getMessage()}", file=terminal(), flush=True)


def configure_progress_output(verbose: bool = False) -> None:
    """Progress lines (the `wholeplace` logger) go to the terminal, indented."""
    progress = logging.getLogger(PROGRESS_LOGGER)
    progress.handlers[:] = [_ToTerminal()]
    progress.setLevel(logging.DEBUG if verbose else logging.INFO)
    progress.propagate = False


def _real_descriptor(stream, number: int) -> bool:
    try:
        return stream.fileno() == number
    except (AttributeError, OSError, ValueError):  # a test's capture object has none
        return False


@contextmanager
def output_to_log(log_file: Path, verbose: bool):
    """Everything written to stdout and stderr meanwhile (Dagster's log lines, dbt's, stack
    traces, child processes) goes to log_file; progress lines still reach the terminal. With
    --verbose nothing is redirected."""
    global _terminal
    log_file.parent.mkdir(parents=True, exist_ok=True)
    if verbose:
        yield
        return
    sys.stdout.flush()
    sys.stderr.flush()
    saved = {number: os.dup(number) for number in (1, 2)}
    real_stdout = _real_descriptor(sys.stdout, 1)
    _terminal = os.fdopen(os.dup(1), "w", buffering=1) if real_stdout else sys.stdout
    with open(log_file, "a", encoding="utf-8") as log:
        for number in (1, 2):
            os.dup2(log.fileno(), number)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            for number, descriptor in saved.items():
                os.dup2(descriptor, number)
                os.close(descriptor)
            if real_stdout:
                _terminal.close()
            _terminal = None


def say(message: str = "") -> None:
    print(message, file=terminal(), flush=True)


def complain(message: str) -> None:
    print(f"wholeplace: {message}", file=sys.stderr, flush=True)


def operational_sentence(error: OSError) -> str:
    """What happened to the machine, and what to do, in one sentence."""
    where = f" {error.filename}" if error.filename else ""
    if error.errno == errno.ENOSPC:
        return f"the disk is full (writing{where}): free some space and run the command again"
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return (
            f"cannot write to{where or ' a file'}: it is read-only or belongs to someone else; "
            "choose a folder you can write to (--warehouse, --out) or ask for write access"
        )
    if isinstance(error, (FileExistsError, NotADirectoryError)):
        return f"{where.strip() or 'a path'} is a file where a folder is needed: give a folder"
    return f"{error.strerror or error}{':' + where if where else ''}; check the path and try again"


def keep_trace() -> str:
    """The stack trace goes to a file, not the terminal; returns where."""
    path = Path(tempfile.gettempdir()) / "wholeplace-last-error.log"
    try:
        path.write_text(traceback.format_exc(), encoding="utf-8")
    except OSError:
        return "no log could be written"
    return f"the stack trace is in {path}"
