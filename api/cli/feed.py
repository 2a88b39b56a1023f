"""`python -m api feed-prune`: keep the change log (the read feeds' source) to its retention."""

from __future__ import annotations

import argparse
import asyncio

from api.cli.session import in_migrated_session
from api.services.feed import prune


def add_prune_arguments(parser: argparse.ArgumentParser) -> None:
    """--days: how long change-log entries are kept (default 90)."""
    parser.add_argument("--days", type=int, default=90, help="keep the entries of the last N days (default 90)")


def run_prune(args: argparse.Namespace) -> int:
    """python -m api feed-prune: prune the change log to its retention."""
    pruned = asyncio.run(in_migrated_session(lambda session: prune(session, args.days)))
    print(f"{pruned} change-log entries pruned")  # noqa: T201
    return 0
