"""Benchmark of the change feed: rows/s following a whole kind page by page (p50/p95 per page), against the
naive way (a full scan of the kind's rows in the subtree for every page, keyed by id).

Runs against a database you loaded yourself (never the lead's bilim_bench):
    python -m api demo --database bilim_feedbench --schools 50
    .venv/bin/python bench/feed.py --database bilim_feedbench --kind marks
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from api.db import ensure_database, resolve_database_url, with_database
from api.services import feed
from api.services.integration.tokens import TokenPrincipal


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else 0.0


async def _follow(
    sm: async_sessionmaker[AsyncSession], token: TokenPrincipal, kind: str, limit: int
) -> tuple[int, list[float]]:
    cursor, rows, times = "", 0, []
    while True:
        started = time.perf_counter()
        async with sm() as s:
            page = await feed.page(s, token, kind, cursor, limit)
        times.append(time.perf_counter() - started)
        rows += len(page["items"])
        cursor = page["next_cursor"]
        if not page["items"]:
            return rows, times


async def _naive(sm: async_sessionmaker[AsyncSession], root: int, kind: str, limit: int, pages: int) -> list[float]:
    """The naive way: no change log; every page scans the subtree's rows of the kind and skips what was read."""
    table = feed.FEED_KINDS[kind].table
    scope = (
        "t.path" if table == "organizations" else "(SELECT o.path FROM organizations o WHERE o.id = t.organization_id)"
    )
    times, last = [], 0
    for _ in range(pages):
        started = time.perf_counter()
        async with sm() as s:
            ids = (
                await s.execute(
                    text(f"SELECT t.id, row_to_json(t) FROM {table} t WHERE {scope} @> ARRAY[CAST(:root AS integer)]"),  # noqa: S608
                    {"root": root},
                )
            ).all()
        page = sorted(r[0] for r in ids if r[0] > last)[:limit]
        last = page[-1] if page else last
        times.append(time.perf_counter() - started)
    return times


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--database", default="bilim_feedbench")
    ap.add_argument("--kind", default="marks")
    ap.add_argument("--limit", type=int, default=1000)
    ap.add_argument("--naive-pages", type=int, default=5)
    args = ap.parse_args()
    url = with_database(resolve_database_url(), args.database)
    await ensure_database(url)
    engine = create_async_engine(url, poolclass=NullPool)
    sm = async_sessionmaker(engine, expire_on_commit=False)
    async with sm() as s:
        root = (
            await s.execute(text("SELECT id FROM organizations WHERE parent_id IS NULL ORDER BY id LIMIT 1"))
        ).scalar_one()
        total = (await s.execute(text(f"SELECT count(*) FROM {feed.FEED_KINDS[args.kind].table}"))).scalar_one()  # noqa: S608
        log = (await s.execute(text("SELECT count(*) FROM change_log WHERE kind = :k"), {"k": args.kind})).scalar_one()
    token = TokenPrincipal(0, "bench", root, "bench", frozenset(), frozenset({"read"}))
    print(f"database {args.database}: {total:,} {args.kind} rows, {log:,} change-log entries; pages of {args.limit}")
    started = time.perf_counter()
    rows, times = await _follow(sm, token, args.kind, args.limit)
    wall = time.perf_counter() - started
    print(
        f"feed:  {rows:,} rows in {wall:.1f} s = {rows / wall:,.0f} rows/s;"
        f" per page p50 {1000 * statistics.median(times):.1f} ms, p95 {1000 * _pct(times, 0.95):.1f} ms"
        f" ({len(times)} pages)"
    )
    naive = await _naive(sm, root, args.kind, args.limit, args.naive_pages)
    per = statistics.median(naive)
    print(
        f"naive: full scan per page p50 {1000 * per:.1f} ms, p95 {1000 * _pct(naive, 0.95):.1f} ms"
        f" = {args.limit / per:,.0f} rows/s ({args.naive_pages} pages measured)"
    )
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
