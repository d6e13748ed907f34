"""`wholeplace`: build the warehouse, validate one feed file, or serve the dashboard."""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
from pathlib import Path

from orchestration.paths import DEFAULT_WAREHOUSE_DIR, DEMO_FEEDS_DIR, REPO

EXIT_OK, EXIT_BLOCKED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    pass


def financial_year_argument(text: str) -> str:
    from schemas.common import financial_year_is_valid

    if not financial_year_is_valid(text):
        raise argparse.ArgumentTypeError(f"'{text}' is not a financial year written like 2024-25")
    return text


def parser() -> argparse.ArgumentParser:
    cli = argparse.ArgumentParser(
        prog="wholeplace",
        description="Whole-place and pooled-budget warehouse for English combined authorities.",
    )
    commands = cli.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="validate the feeds, build and publish the warehouse")
    build.add_argument(
        "--feeds",
        type=Path,
        default=DEMO_FEEDS_DIR,
        help="feeds directory (default: the bundled synthetic demo feeds)",
    )
    build.add_argument(
        "--warehouse",
        type=Path,
        default=DEFAULT_WAREHOUSE_DIR,
        help="warehouse directory (default: ./warehouse)",
    )
    build.add_argument(
        "--price-base",
        type=financial_year_argument,
        default="2024-25",
        help="financial year whose prices real-terms figures use (default 2024-25)",
    )

    validate = commands.add_parser("validate", help="check one file against its feed contract")
    validate.add_argument("feed", help="feed name, e.g. allocations, outturn, settlements")
    validate.add_argument("file", type=Path)
    validate.add_argument(
        "--reference",
        type=Path,
        default=None,
        help="a feeds directory whose reference/ folder replaces bundled tables",
    )

    ingest = commands.add_parser(
        "ingest", help="adapt published government files (CRA, ONS, MHCLG, Oflog, ...) into feeds"
    )
    ingest.add_argument("path", type=Path, help="a file, or a folder of files")
    ingest.add_argument("--out", type=Path, default=None, help="feeds directory to write into")
    ingest.add_argument("--price-base", type=financial_year_argument, default="2024-25")

    dashboard = commands.add_parser("dashboard", help="serve the dashboard on the published data")
    dashboard.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE_DIR)
    dashboard.add_argument("--port", type=int, default=8501)
    return cli


def main(argv: list[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as stop:  # argparse exits 2 on a usage error, 0 on --help
        return int(stop.code or 0)
    try:
        if args.command == "build":
            from orchestration.build import run_build

            return run_build(args.feeds, args.warehouse, args.price_base)
        if args.command == "validate":
            from orchestration.validate_file import validate_file

            return validate_file(args.feed, args.file, args.reference)
        if args.command == "ingest":
            from orchestration.ingest_command import ingest

            return ingest(args.path, args.out, args.price_base)
        return serve_dashboard(args.warehouse, args.port)
    except UsageError as error:
        print(f"wholeplace: {error}", file=sys.stderr)
        return EXIT_USAGE


def serve_dashboard(warehouse: Path, port: int) -> int:
    env = dict(os.environ, WHOLEPLACE_WAREHOUSE=str(warehouse.resolve()))
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(REPO / "dashboards" / "app.py"),
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--",
        "--warehouse",
        str(warehouse.resolve()),
    ]
    print(
        f"wholeplace dashboard: http://localhost:{port} (reading {warehouse.resolve()}/published)"
    )
    try:
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:
        return EXIT_OK


def configure_progress_output() -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("  %(message)s"))
    progress = logging.getLogger("wholeplace")
    progress.handlers[:] = [handler]
    progress.setLevel(logging.INFO)
    progress.propagate = False


if __name__ == "__main__":
    sys.exit(main())
