"""`python -m api demo`: load the demo region into a database of the configured server."""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from datetime import date

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from api.demo.params import DEMO_ACCOUNTS, DEMO_PASSWORD, DemoParams


def _range(text: str) -> tuple[int, int]:
    try:
        lo, _, hi = text.partition("-")
        pair = (int(lo), int(hi or lo))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected N or LOW-HIGH, got {text!r}") from None
    if pair[0] > pair[1]:
        raise argparse.ArgumentTypeError(f"LOW must not exceed HIGH in {text!r}")
    return pair


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the demo command."""
    parser.add_argument("--seed", type=int, default=1, help="random seed (same seed and date → same data)")
    parser.add_argument("--schools", type=int, default=24, help="educational organizations (default 24)")
    parser.add_argument("--students-per-class", type=_range, default=(15, 30), metavar="N|LOW-HIGH")
    parser.add_argument(
        "--parallels",
        type=_range,
        default=None,
        metavar="N|LOW-HIGH",
        help="classes per grade (default: 2–3 in the city, 1 in villages)",
    )
    parser.add_argument("--today", type=_date, default=None, help="the day the data runs up to (default: today)")
    parser.add_argument("--database", default=None, help="database name on the server (default: the app's)")
    parser.add_argument("--reset", action="store_true", help="empty the school-data tables first")
    parser.add_argument("--if-empty", action="store_true", help="load only when the database has no organizations")
    parser.add_argument(
        "--compare-naive",
        type=int,
        default=0,
        metavar="N",
        help="after loading, time N marks inserted the naive way (one INSERT each, rolled back)",
    )
    parser.add_argument(
        "--bulk-mode",
        choices=("auto", "replica", "triggers"),
        default="auto",
        help="replica: row triggers off during COPY, rules re-checked in SQL afterwards",
    )


def print_accounts() -> None:
    """The demo logins and their password."""
    print(f"Demo accounts (password {DEMO_PASSWORD}):")
    for a in DEMO_ACCOUNTS:
        print(f"  {a.username:<15} {a.app_role:<9} {a.position}")


async def _main(url: str, args: argparse.Namespace, params: DemoParams) -> int:
    from api.config import get_settings
    from api.db import migrate
    from api.demo.loader import DemoError, is_empty, load_demo
    from api.demo.site import load_site_content

    await migrate(url)
    # No statement timeout: the big COPYs and checks of a 500-school region run for minutes.
    engine = create_async_engine(url, poolclass=NullPool, connect_args={"server_settings": {"timezone": "UTC"}})
    started = time.perf_counter()
    server_cpu = None
    try:
        async with engine.begin() as conn:
            backend = await conn.scalar(text("SELECT pg_backend_pid()"))
            if args.if_empty and not args.reset and not await is_empty(conn):
                print("demo: the database already has organizations; nothing loaded")
                print_accounts()
                return 0
            result = await load_demo(conn, params, replace=args.reset, bulk_mode=args.bulk_mode, log=print)
            site_rows = await load_site_content(conn, get_settings(), params.seed, params.today)
            print(f"site content: {site_rows} rows (news, pages, documents, forum, reception, questions)")
            server_cpu = _process_cpu(backend)
    except DemoError as exc:
        print(f"demo: {exc}")
        return 1
    finally:
        await engine.dispose()
    total = time.perf_counter() - started
    rows = sum(result.counts.values())
    print(
        f"demo loaded: {args.schools} organizations, {rows:,} rows in {total:.1f} s "
        f"({rows / total:,.0f} rows/s; bulk mode {result.bulk_mode}, seed {args.seed}, today {params.today})"
    )
    print("  phases: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in result.phases.items()))
    cpu = f"  CPU seconds: this process {time.process_time():.1f}"
    if server_cpu is not None:
        cpu += f", its database backend {server_cpu:.1f} (parallel index workers not counted)"
    print(cpu)
    for table, n in result.counts.items():
        print(f"  {table:<20} {n:>12,}")
    print(f"aggregates: {result.aggregates}")
    if args.compare_naive:
        await _compare_naive(url, args.compare_naive, rows / total)
    print_accounts()
    return 0


def _process_cpu(pid: int) -> float | None:
    """User + system CPU seconds of a local process (the database backend), when /proc shows it."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


async def _compare_naive(url: str, sample: int, bulk_rate: float) -> None:
    from api.demo.loader import naive_insert_rate

    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            rate = await naive_insert_rate(conn, sample)
            await conn.rollback()
    finally:
        await engine.dispose()
    print(
        f"naive way, one INSERT per mark with every trigger on ({sample:,} marks, rolled back): {rate:,.0f} rows/s; "
        f"the bulk load: {bulk_rate:,.0f} rows/s ({bulk_rate / rate if rate else 0:.1f}×)"
    )


def run(args: argparse.Namespace) -> int:
    """Migrate the target database and load the demo into it."""
    from api.db import resolve_database_url, with_database

    params = DemoParams(
        seed=args.seed,
        schools=args.schools,
        students_per_class=args.students_per_class,
        parallels=args.parallels,
        today=args.today or date.today(),
    )
    try:
        params.validate()
    except ValueError as exc:
        print(f"demo: {exc}")
        return 2
    url = resolve_database_url()
    if args.database:
        url = with_database(url, args.database)
    return asyncio.run(_main(url, args, params))
