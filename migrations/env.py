"""Alembic environment: async engine, URL from the caller or from the app's settings."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.ext.asyncio import create_async_engine

import api.models  # noqa: F401  (registers every table)
from api.config import get_settings
from api.db import pooler_connect_args, resolve_database_url
from api.models.base import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    return config.attributes.get("database_url") or resolve_database_url()


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


async def _main() -> None:
    engine = create_async_engine(_url(), connect_args=pooler_connect_args(get_settings()))
    async with engine.connect() as conn:
        await conn.run_sync(_run)
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
elif config.attributes.get("connection") is not None:
    # A connection handed over by the caller, inside its transaction (api.db migrates so behind a pooler).
    _run(config.attributes["connection"])
else:
    asyncio.run(_main())
