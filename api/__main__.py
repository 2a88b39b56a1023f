"""Command line: `python -m api serve | migrate | …` (each section may add its own command here)."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import sys
from collections.abc import Callable

from api.config import get_settings


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _serve_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workers", type=_positive_int, default=None, help="uvicorn worker processes (default: BILIM_WORKERS, 2)"
    )
    parser.add_argument("--database", default=None, help="database name on the server (default: the app's)")


def _serve(args: argparse.Namespace) -> int:
    import os

    import uvicorn

    from api.db import migrate, resolve_database_url, with_database

    settings = get_settings()
    workers = args.workers or settings.workers
    # Once, here, before any worker starts: the embedded server (when DATABASE_URL is not set) and the migrations.
    url = resolve_database_url(settings)
    if args.database:
        url = with_database(url, args.database)
    asyncio.run(migrate(url))
    # The workers (separate processes, or this one when there is one) read their settings from the environment:
    # they get the resolved URL and do not start the embedded server or migrate again.
    os.environ["DATABASE_URL"] = url
    os.environ["BILIM_MIGRATE_ON_STARTUP"] = "false"
    get_settings.cache_clear()
    base = f"http://{settings.host}:{settings.port}"
    print(
        f"Bilim OUO: {base}/  ·  API docs: {base}/api/docs  ·  health: {base}/api/v1/health  ·  {workers} worker(s)",
        flush=True,
    )
    uvicorn.run(
        "api.main:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers,
        log_level="info",
        # The app alone decides the client's IP (BILIM_TRUSTED_PROXIES, api.services.audit.client_ip): uvicorn
        # would otherwise believe X-Forwarded-For from 127.0.0.1 and let any local client choose its address.
        proxy_headers=False,
    )
    return 0


def _migrate(_: argparse.Namespace) -> int:
    from api.db import migrate, resolve_database_url

    asyncio.run(migrate(resolve_database_url()))
    print("migrations applied")
    return 0


def _no_args(_: argparse.ArgumentParser) -> None:
    return None


AddArguments = Callable[[argparse.ArgumentParser], None]
Run = Callable[[argparse.Namespace], int]


def _lazy(module: str, add_arguments: str, run: str) -> tuple[AddArguments, Run]:
    """A command of `module`, imported when it is used (a command's imports stay out of the others' start-up)."""

    def add(parser: argparse.ArgumentParser) -> None:
        getattr(importlib.import_module(module), add_arguments)(parser)

    def call(args: argparse.Namespace) -> int:
        return int(getattr(importlib.import_module(module), run)(args))

    return add, call


# name -> (help, add_arguments(parser), run(args) -> exit code)
COMMANDS: dict[str, tuple[str, AddArguments, Run]] = {
    "serve": (
        "migrate once, then serve the app with --workers processes (embedded database unless DATABASE_URL is set)",
        _serve_args,
        _serve,
    ),
    "migrate": ("bring the database to the migration heads", _no_args, _migrate),
    "feed-prune": (
        "prune the change feed's log to its retention (--days, default 90)",
        *_lazy("api.cli.feed", "add_prune_arguments", "run_prune"),
    ),
    "create-token": (
        "create an API token for a school system (printed once)",
        *_lazy("api.cli.tokens", "add_create_token_arguments", "run_create_token"),
    ),
    "create-user": (
        "create an account of a management body (the first administrator)",
        *_lazy("api.cli.accounts", "add_create_user_arguments", "run_create_user"),
    ),
    "init": (
        "first run of a real install: the top body (ministry or regional body) and its first administrator",
        *_lazy("api.cli.init", "add_init_arguments", "run_init"),
    ),
    "check": (
        "print what is unsafe or missing in the settings (non-zero exit in prod when unsafe)",
        *_lazy("api.services.settings_check", "add_check_arguments", "run_check"),
    ),
    "demo": (
        "load the deterministic demo region (seed, scale, --reset)",
        *_lazy("api.cli.demo", "add_arguments", "run"),
    ),
    "export": (
        "write the data of an organization's subtree as a Frictionless data package (zip)",
        *_lazy("api.cli.datapackage", "add_export_arguments", "run_export"),
    ),
    "archive-year": (
        "detach a closed school year's partitions into the schema archive (--restore attaches them again)",
        *_lazy("api.cli.partitions", "add_archive_arguments", "run_archive"),
    ),
    "year-partitions": (
        "make the partitions of a school year (e.g. 2027-2028) for the partitioned school-data tables",
        *_lazy("api.cli.partitions", "add_year_arguments", "run_year_partitions"),
    ),
    "import": (
        "load a package written by export into an empty instance",
        *_lazy("api.cli.datapackage", "add_import_arguments", "run_import"),
    ),
}


def main(argv: list[str] | None = None) -> int:
    """Parse the command and run it."""
    parser = argparse.ArgumentParser(prog="python -m api")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (help_text, add_arguments, _) in COMMANDS.items():
        add_arguments(sub.add_parser(name, help=help_text))
    args = parser.parse_args(argv)
    return COMMANDS[args.command][2](args)


if __name__ == "__main__":
    sys.exit(main())
