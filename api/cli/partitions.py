"""`python -m api archive-year 2025-2026 [--restore]` and `python -m api year-partitions 2027-2028`."""

from __future__ import annotations

import argparse
import asyncio
import sys

from api.cli.session import in_migrated_session
from api.errors import InvalidInput
from api.services import partitions


def add_archive_arguments(parser: argparse.ArgumentParser) -> None:
    """The school year, and --restore to attach an archived one again."""
    parser.add_argument("year", help="the school year, e.g. 2025-2026")
    parser.add_argument("--restore", action="store_true", help="attach the archived year's partitions again")


def run_archive(args: argparse.Namespace) -> int:
    """Archive (or restore) a school year's partitions in one transaction; a refusal changes nothing."""
    work = partitions.restore_year if args.restore else partitions.archive_year
    try:
        partitions.parse_year(args.year)  # a malformed year is refused before the database is opened
        message = asyncio.run(in_migrated_session(lambda session: work(session, args.year)))
    except InvalidInput as exc:
        print(f"refused: {exc.message}", file=sys.stderr)  # noqa: T201
        return 2
    print(message)  # noqa: T201
    return 0


def add_year_arguments(parser: argparse.ArgumentParser) -> None:
    """The school year whose partitions to make."""
    parser.add_argument("year", help="the school year, e.g. 2027-2028")


def run_year_partitions(args: argparse.Namespace) -> int:
    """Make a school year's partitions (an academic year added to the data makes them by itself)."""
    try:
        year = partitions.parse_year(args.year)
    except InvalidInput as exc:
        print(f"refused: {exc.message}", file=sys.stderr)  # noqa: T201
        return 2
    made = asyncio.run(in_migrated_session(lambda session: partitions.create_year_partitions(session, year)))
    print(f"{made} partitions made for {partitions.year_name(year)}")  # noqa: T201
    return 0
