"""Test harness: a fresh database per session on real PostgreSQL, each test in a rolled-back transaction."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool

from api.config import Settings
from api.db import ensure_database, resolve_database_url, run_migrations, with_database

os.environ.setdefault("BILIM_ENVIRONMENT", "test")
# The tests' own signing key (never the data folder's generated one).
os.environ.setdefault("BILIM_SECRET_KEY", "tests-only-signing-key-" + uuid.uuid4().hex)


def _server_url() -> str:
    return resolve_database_url(Settings())


@pytest.fixture(scope="session")
def database_url() -> AsyncIterator[str]:
    """A new database, migrated to heads, dropped at the end (concurrent test runs don't collide)."""
    name = f"bilim_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    url = with_database(_server_url(), name)
    asyncio.run(ensure_database(url))
    run_migrations(url)
    yield url
    asyncio.run(_drop_database(url))


async def _drop_database(url: str) -> None:
    name = url.rsplit("/", 1)[1].split("?", 1)[0]
    admin = create_async_engine(with_database(url, "postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


@pytest_asyncio.fixture(loop_scope="session")
async def own_database_url(database_url: str) -> AsyncIterator[str]:
    """A database of the test's own, migrated to heads and dropped afterwards: for tests whose transactions
    really commit (the session's database must not keep their rows: other tests read e.g. the audit log)."""
    url = with_database(database_url, f"bilim_own_{uuid.uuid4().hex[:8]}")
    await ensure_database(url)
    await asyncio.to_thread(run_migrations, url)
    try:
        yield url
    finally:
        await _drop_database(url)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    eng = create_async_engine(database_url, poolclass=NullPool)
    yield eng
    await eng.dispose()


@pytest_asyncio.fixture(loop_scope="session")
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """One connection per test, inside a transaction that is rolled back at the end."""
    async with engine.connect() as conn:
        trans = await conn.begin()
        try:
            yield conn
        finally:
            if trans.is_active:
                await trans.rollback()


@pytest.fixture
def sessionmaker(connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    """Sessions bound to the test's connection; their commits only release savepoints."""
    return async_sessionmaker(
        bind=connection, expire_on_commit=False, autoflush=False, join_transaction_mode="create_savepoint"
    )


@pytest_asyncio.fixture(loop_scope="session")
async def db(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session for arranging data and checking results directly in the database."""
    async with sessionmaker() as session:
        yield session


@pytest.fixture
def app(sessionmaker: async_sessionmaker[AsyncSession], database_url: str):  # type: ignore[no-untyped-def]
    """The real app, its requests running inside the test's transaction."""
    from api.main import create_app

    application = create_app(database_url=database_url)
    application.state.sessionmaker = sessionmaker
    return application


@pytest_asyncio.fixture(loop_scope="session")
async def client(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c
