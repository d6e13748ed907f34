"""`wholeplace dashboard`: serve the Streamlit app on a warehouse's published snapshot."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from orchestration.cli.output import EXIT_OK, say
from orchestration.core.paths import REPO

DEFAULT_HOST = "127.0.0.1"  # the dashboard has no login: open it up with --host on purpose
DEFAULT_PORT = 8501


def command(warehouse: Path, host: str, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(REPO / "dashboards" / "app.py"),
        "--server.address",
        host,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "viewer",
        "--",
        "--warehouse",
        str(warehouse.resolve()),
    ]


def serve_dashboard(warehouse: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> int:
    say(f"wholeplace dashboard: http://{host}:{port} (reading {warehouse.resolve()}/published)")
    server = subprocess.Popen(command(warehouse, host, port))

    def pass_on(signum, _frame):
        server.send_signal(signum)

    for stop in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop, pass_on)
    try:
        return server.wait()
    except KeyboardInterrupt:  # Ctrl-C reaches the whole process group; wait for it to finish
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        return EXIT_OK
