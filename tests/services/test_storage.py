"""Stored bytes follow the transaction: written bytes go unless it commits, deletions wait for the commit."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.services.storage import LocalDiskStorage, delete_after_commit, put_in_transaction


async def test_written_bytes_stay_only_when_the_transaction_commits(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    storage = LocalDiskStorage(tmp_path)
    async with sessionmaker() as s:
        await s.execute(text("SELECT 1"))
        kept = put_in_transaction(s, storage, b"kept")
        savepoint = await s.begin_nested()
        dropped = put_in_transaction(s, storage, b"dropped")
        delete_after_commit(s, storage, kept)  # asked for inside the savepoint that is rolled back
        assert storage.exists(dropped)
        await savepoint.rollback()
        assert not storage.exists(dropped) and storage.exists(kept)
        await s.commit()
    assert storage.exists(kept) and storage.count() == 1

    async with sessionmaker() as s:
        await s.execute(text("SELECT 1"))
        rolled_back = put_in_transaction(s, storage, b"x")
        delete_after_commit(s, storage, kept)
        await s.rollback()
    assert not storage.exists(rolled_back) and storage.exists(kept)

    async with sessionmaker() as s:
        await s.execute(text("SELECT 1"))
        never_committed = put_in_transaction(s, storage, b"y")
    assert not storage.exists(never_committed)  # closed without a commit


async def test_deletions_wait_for_the_outermost_commit(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    storage = LocalDiskStorage(tmp_path)
    async with sessionmaker() as s:
        await s.execute(text("SELECT 1"))
        a = put_in_transaction(s, storage, b"a")
        b = put_in_transaction(s, storage, b"b")
        await s.commit()
    async with sessionmaker() as s:
        await s.execute(text("SELECT 1"))
        delete_after_commit(s, storage, a)
        savepoint = await s.begin_nested()
        delete_after_commit(s, storage, [b])
        await savepoint.commit()  # releasing a savepoint is not the commit
        assert storage.exists(a) and storage.exists(b)
        await s.commit()
    assert not storage.exists(a) and not storage.exists(b)
