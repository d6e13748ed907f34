"""What every command shares: exit codes, the progress lines on the terminal, and the log file
that takes Dagster's and dbt's own output (and any stack trace) away from the terminal."""

from __future__ import annotations

import logging
import os
import sys
from contextlib import contextmanager
from pathlib import Path

EXIT_OK = 0  # done (a build published its snapshot)
EXIT_BLOCKED = 1  # a check blocked the build, a file is invalid, or the warehouse is busy
EXIT_USAGE = 2  # the command was given something it cannot use

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
