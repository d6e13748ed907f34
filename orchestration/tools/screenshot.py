"""Screenshot of the dashboard's first page (the Overview), for the README.

    python -m orchestration.tools.screenshot --warehouse DIR --out docs/overview.png

Starts the app on a free port, photographs it in Debian's headless Chromium, stops the app.
`serve` and `open_browser` are shared with the end-to-end browser test.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from orchestration.core.paths import REPO

ROOT = REPO
APP = ROOT / "dashboards" / "app.py"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 1800}
PHONE = {"width": 390, "height": 844}  # a common phone, portrait


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve(warehouse: str | Path, port: int | None = None, timeout: float = 60) -> Iterator[str]:
    """Run the app in a subprocess until the block ends; yields its base URL."""
    port = port or free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.headless", "true",
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "viewer",
        "--", "--warehouse", str(Path(warehouse).resolve()),
    ]  # fmt: skip
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_healthy(url, server, log, timeout)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_healthy(url: str, server: subprocess.Popen, log, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.seek(0)
            raise RuntimeError(
                f"the dashboard exited early:\n{log.read().decode(errors='replace')}"
            )
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"the dashboard did not answer {url}/_stcore/health in {timeout:.0f}s")


@contextmanager
def open_browser() -> Iterator[object]:
    """A fresh page in Debian's Chromium (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(viewport=VIEWPORT)
        finally:
            browser.close()


# True once every visible chart has drawn and every visible table has its canvas, and nothing
# has changed for 600 ms: Streamlit mounts charts a moment after the script run ends.
_SETTLED = """() => {
    const shown = (e) => e.checkVisibility ? e.checkVisibility() : e.offsetParent !== null;
    const charts = Array.from(document.querySelectorAll('[data-testid="stVegaLiteChart"]'))
        .filter(shown);
    const tables = Array.from(document.querySelectorAll('[data-testid="stDataFrame"]'))
        .filter(shown);
    const drawn = charts.every(c => {
        const g = c.querySelector('canvas, svg');
        return g && g.getBoundingClientRect().height > 0;
    }) && tables.every(t => t.querySelector('canvas'));
    const block = document.querySelector('[data-testid="stMainBlockContainer"]');
    const signature = [charts.length, tables.length,
                       block ? Math.round(block.getBoundingClientRect().height) : 0].join(':');
    const now = Date.now();
    if (!drawn || window.__wholeplaceDrawn !== signature) {
        window.__wholeplaceDrawn = signature;
        window.__wholeplaceSince = now;
        return false;
    }
    return now - window.__wholeplaceSince >= 600;
}"""


def wait_until_drawn(page, timeout_ms: float = 30_000) -> None:
    """Wait until the script run has finished and its charts and tables are drawn."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            return app && app.getAttribute('data-test-script-state') === 'notRunning'
                && document.querySelector('h1') !== null;
        }""",
        timeout=timeout_ms,
    )
    # Code blocks and fonts arrive in lazily loaded chunks.
    page.wait_for_load_state("networkidle", timeout=timeout_ms)
    page.wait_for_function(_SETTLED, polling=100, timeout=timeout_ms)


def fit_to_content(page, minimum: int = 900, maximum: int = 8000) -> None:
    """Make the window as tall as the page, so a screenshot holds all of it and no blank
    space (Streamlit scrolls inside its main block, which full-page screenshots miss)."""
    height = page.evaluate(
        """() => {
            const block = document.querySelector('[data-testid="stMainBlockContainer"]');
            if (!block) return 0;
            const bottoms = Array.from(block.querySelectorAll('[data-testid="stElementContainer"]'))
                .filter(e => e.checkVisibility ? e.checkVisibility() : e.offsetParent !== null)
                .map(e => e.getBoundingClientRect().bottom);
            return Math.ceil(Math.max(0, ...bottoms)) + 48;
        }"""
    )
    width = (page.viewport_size or VIEWPORT)["width"]
    size = {"width": width, "height": max(minimum, min(maximum, int(height)))}
    if size != page.viewport_size:
        page.set_viewport_size(size)
        wait_until_drawn(page)


def shoot(page, path: str | Path) -> None:
    """A screenshot of the whole page as drawn now, at the window's width."""
    before = dict(page.viewport_size or VIEWPORT)
    fit_to_content(page)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(before)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", default=os.environ.get("WHOLEPLACE_WAREHOUSE", "warehouse"))
    parser.add_argument("--out", default="docs/overview.png")
    parser.add_argument("--port", type=int)
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: apt-get install chromium", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with serve(args.warehouse, args.port) as url, open_browser() as page:
        page.goto(url)
        wait_until_drawn(page)
        shoot(page, out)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
