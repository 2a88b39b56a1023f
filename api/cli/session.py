"""The one transaction of a command: the configured database, migrated, one session, committed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from api.db import make_engine, migrate, resolve_database_url, sessionmaker_for

T = TypeVar("T")


async def in_migrated_session(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Migrate the configured database, run `work` in one session and commit what it did."""
    url = resolve_database_url()
    await migrate(url)
    engine = make_engine(url)
    try:
        async with sessionmaker_for(engine)() as session:
            result = await work(session)
            await session.commit()
            return result
    finally:
        await engine.dispose()
