"""`python -m api serve`: the database is resolved and migrated once, before the workers; concurrent migrations wait."""

from __future__ import annotations

import asyncio
import os
import uuid
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

import api.db
import api.main
from api.__main__ import main
from api.config import Settings, get_settings
from api.db import migrate, with_database
from api.services.health import expected_heads


def test_serve_migrates_once_and_hands_the_workers_the_url(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "postgresql+asyncpg://someone@/bilim?host=/tmp/nowhere"
    calls: dict[str, Any] = {"migrated": []}

    async def fake_migrate(target: str) -> None:
        calls["migrated"].append(target)

    def fake_run(app: str, **kwargs: Any) -> None:
        # What every worker process will read: the resolved URL and no second migration.
        calls["run"] = (app, kwargs)
        calls["worker_settings"] = Settings()

    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("BILIM_MIGRATE_ON_STARTUP", raising=False)
    monkeypatch.setattr(api.db, "migrate", fake_migrate)
    monkeypatch.setattr("uvicorn.run", fake_run)
    get_settings.cache_clear()
    try:
        assert main(["serve", "--workers", "3", "--database", "other_db"]) == 0
    finally:
        get_settings.cache_clear()

    expected = with_database(url, "other_db")
    assert make_url(expected).database == "other_db" and make_url(expected).query == {"host": "/tmp/nowhere"}
    assert calls["migrated"] == [expected]
    app, kwargs = calls["run"]
    assert app == "api.main:create_app" and kwargs["factory"] is True and kwargs["workers"] == 3
    worker: Settings = calls["worker_settings"]
    assert worker.database_url == expected and worker.migrate_on_startup is False


def test_serve_rejects_zero_workers(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["serve", "--workers", "0"])
    assert exc.value.code == 2
    assert "--workers" in capsys.readouterr().err


@pytest.mark.parametrize("migrate_on_startup", [True, False])
async def test_the_app_migrates_at_startup_unless_told_not_to(
    database_url: str, monkeypatch: pytest.MonkeyPatch, migrate_on_startup: bool
) -> None:
    migrated: list[str] = []

    async def fake_migrate(target: str) -> None:
        migrated.append(target)

    monkeypatch.setattr(api.main, "migrate", fake_migrate)
    settings = Settings(environment="test", database_url=database_url, migrate_on_startup=migrate_on_startup)
    app = api.main.create_app(settings=settings)
    async with app.router.lifespan_context(app):
        pass
    assert migrated == ([database_url] if migrate_on_startup else [])


async def test_concurrent_migrations_of_a_new_database_wait_for_each_other(database_url: str) -> None:
    """Three processes starting at once (uvicorn --workers without serve) all end at the heads, none fails."""
    name = f"bilim_serve_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    url = with_database(database_url, name)
    admin_url = with_database(database_url, "postgres")
    admin = create_async_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        await asyncio.gather(*(migrate(url) for _ in range(3)))
        eng = create_async_engine(url, poolclass=NullPool)
        try:
            async with eng.connect() as conn:
                heads = set((await conn.scalars(text("SELECT version_num FROM alembic_version"))).all())
        finally:
            await eng.dispose()
        assert heads == set(expected_heads())
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()
