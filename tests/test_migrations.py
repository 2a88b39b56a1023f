"""Migrations: upgrade → downgrade → upgrade on a fresh database, and the models match the migrated schema."""

from __future__ import annotations

import asyncio
import uuid

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

import api.models
from api.config import PROJECT_ROOT
from api.db import ensure_database, with_database


def _cfg(url: str) -> Config:
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.attributes["database_url"] = url
    return cfg


async def _tables(url: str) -> set[str]:
    eng = create_async_engine(url, poolclass=NullPool)
    async with eng.connect() as conn:
        rows = await conn.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
        out = set(rows.all())
    await eng.dispose()
    return out


async def _diff(url: str) -> list:  # type: ignore[type-arg]
    eng = create_async_engine(url, poolclass=NullPool)
    async with eng.connect() as conn:
        diff = await conn.run_sync(lambda c: compare_metadata(MigrationContext.configure(c), api.models.Base.metadata))
    await eng.dispose()
    return diff


def test_upgrade_downgrade_upgrade(database_url: str) -> None:
    url = with_database(database_url, f"bilim_mig_{uuid.uuid4().hex[:8]}")
    asyncio.run(ensure_database(url))
    cfg = _cfg(url)
    command.upgrade(cfg, "heads")
    full = asyncio.run(_tables(url))
    assert {"organizations", "persons", "marks", "lessons", "absences", "visits"} <= full
    command.downgrade(cfg, "base")
    assert asyncio.run(_tables(url)) <= {"alembic_version"}
    command.upgrade(cfg, "heads")
    assert asyncio.run(_tables(url)) == full
    # The models and the migrations describe the same schema.
    assert asyncio.run(_diff(url)) == []
