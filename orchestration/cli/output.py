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


def configure_progress_output(verbose: bool = False) -> None:
    """Progress lines (the `wholeplace` logger) go to the terminal, indented."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("  %(message)s"))
    progress = logging.getLogger(PROGRESS_LOGGER)
    progress.handlers[:] = [handler]
    progress.setLevel(logging.DEBUG if verbose else logging.INFO)
    progress.propagate = False


@contextmanager
def errors_to_log(log_file: Path, verbose: bool):
    """Everything written to stderr meanwhile (Dagster's log lines, dbt's, tracebacks) goes to
    log_file instead of the terminal, unless --verbose asked to see it all. The file descriptor is
    redirected, so child processes are covered too."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    if verbose:
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    with open(log_file, "a", encoding="utf-8") as log:
        os.dup2(log.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def say(message: str = "") -> None:
    print(message, flush=True)


def complain(message: str) -> None:
    print(f"wholeplace: {message}", file=sys.stderr, flush=True)
