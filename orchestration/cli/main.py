"""`wholeplace`: build the warehouse, validate one feed file, adapt published files, or serve
the dashboard. This module only parses arguments and turns errors into exit codes; each command
has its own module beside it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from orchestration.cli.dashboard import DEFAULT_HOST, DEFAULT_PORT, serve_dashboard
from orchestration.cli.output import (
    EXIT_FAULT,
    EXIT_USAGE,
    complain,
    keep_trace,
    operational_sentence,
)
from orchestration.core.errors import UsageError
from orchestration.core.settings import DEFAULT_EXPORT_DIR, ENGINES, EXPORT_FORMATS, Settings
from schemas.common import financial_year_is_valid

DEFAULTS = Settings()


def financial_year_argument(text: str) -> str:
    if not financial_year_is_valid(text):
        raise argparse.ArgumentTypeError(f"'{text}' is not a financial year written like 2024-25")
    return text


def _warehouse_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--warehouse",
        type=Path,
        default=DEFAULTS.warehouse_dir,
        help=f"warehouse directory (default: ./{DEFAULTS.warehouse_dir})",
    )


def _price_base_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--price-base",
        type=financial_year_argument,
        default=DEFAULTS.price_base_year,
        help="financial year whose prices real-terms figures use "
        f"(default {DEFAULTS.price_base_year})",
    )


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
        default=DEFAULTS.feeds_dir,
        help="feeds directory (default: the bundled synthetic demo feeds)",
    )
    _warehouse_option(build)
    _price_base_option(build)
    build.add_argument(
        "--strict",
        action="store_true",
        help="refuse to publish when a settlement check fails (default: publish, failures first)",
    )
    build.add_argument(
        "--engine",
        choices=ENGINES,
        default=DEFAULTS.engine,
        help=f"where dbt builds the warehouse (default {DEFAULTS.engine}; spark needs the "
        "optional spark extra and Java 17, see docs/scale-out.md)",
    )
    build.add_argument(
        "--full",
        action="store_true",
        help="build every feed and model again, even when only new payments files were added "
        "since the last build",
    )
    build.add_argument(
        "--verbose",
        action="store_true",
        help="show Dagster's and dbt's own log lines and any stack trace on the terminal",
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
    _price_base_option(ingest)

    export = commands.add_parser(
        "export", help="write a settlement pack or the national workbook (Excel or CSV)"
    )
    which = export.add_mutually_exclusive_group(required=True)
    which.add_argument("--place", help="a combined authority's GSS code, e.g. E47000001")
    which.add_argument(
        "--national", action="store_true", help="the national workbook across all places"
    )
    export.add_argument("--settlement", help="one of the place's settlements (default: all)")
    export.add_argument(
        "--year", type=financial_year_argument, help="one financial year, e.g. 2025-26"
    )
    export.add_argument("--format", choices=EXPORT_FORMATS, default=EXPORT_FORMATS[0])
    _warehouse_option(export)
    export.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_EXPORT_DIR,
        help=f"folder to write into (default: ./{DEFAULT_EXPORT_DIR})",
    )

    scenario = commands.add_parser(
        "scenario", help="compute a spending-review scenario beside the published baseline"
    )
    scenario.add_argument("file", type=Path, help="the scenario, a YAML file")
    _warehouse_option(scenario)

    dashboard = commands.add_parser("dashboard", help="serve the dashboard on the published data")
    _warehouse_option(dashboard)
    dashboard.add_argument("--port", type=int, default=DEFAULT_PORT)
    dashboard.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to listen on (default {DEFAULT_HOST}: this machine only; the dashboard "
        "has no login, see SECURITY.md)",
    )
    return cli


def run(args: argparse.Namespace) -> int:
    if args.command == "build":
        from orchestration.cli.build import run_build

        return run_build(
            args.feeds,
            args.warehouse,
            args.price_base,
            verbose=args.verbose,
            strict=args.strict,
            engine=args.engine,
            full=args.full,
        )
    if args.command == "validate":
        from orchestration.cli.validate import validate_file

        return validate_file(args.feed, args.file, args.reference)
    if args.command == "ingest":
        from orchestration.cli.ingest import ingest

        return ingest(args.path, args.out, args.price_base)
    if args.command == "export":
        from orchestration.cli.export import export

        if args.national and (args.settlement or args.year):
            raise UsageError("--settlement and --year choose a place's pack; --national has all")
        return export(args.warehouse, args.out, args.format, args.place, args.settlement, args.year)
    if args.command == "scenario":
        from orchestration.cli.scenario import run_scenario

        return run_scenario(args.file, args.warehouse)
    return serve_dashboard(args.warehouse, args.host, args.port)


def main(argv: list[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as stop:  # argparse exits 2 on a usage error, 0 on --help
        return int(stop.code or 0)
    try:
        return run(args)
    except UsageError as error:
        complain(str(error))
        return EXIT_USAGE
    except OSError as error:
        complain(f"{operational_sentence(error)} (details: {keep_trace()})")
        return EXIT_FAULT
    except Exception as error:  # a fault of wholeplace's own: a sentence here, the trace kept
        complain(
            f"stopped on an unexpected error ({type(error).__name__}: {error}); "
            f"{keep_trace()}; please report it with that file"
        )
        return EXIT_FAULT


if __name__ == "__main__":
    sys.exit(main())
