"""`python -m api serve`: the database is resolved and migrated once, before the workers; concurrent migrations wait."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

import api.db
import api.main
from api.__main__ import main
from api.config import PROJECT_ROOT, Settings, get_settings
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


def test_serve_leaves_forwarded_headers_to_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    """uvicorn must not rewrite the client address from X-Forwarded-For: only BILIM_TRUSTED_PROXIES decides."""
    calls: dict[str, Any] = {}

    async def fake_migrate(target: str) -> None:
        return None

    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://someone@/bilim?host=/tmp/nowhere")
    monkeypatch.setattr(api.db, "migrate", fake_migrate)
    monkeypatch.setattr("uvicorn.run", lambda app, **kwargs: calls.update(kwargs))
    get_settings.cache_clear()
    try:
        assert main(["serve", "--workers", "1"]) == 0
    finally:
        get_settings.cache_clear()
    assert calls["proxy_headers"] is False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_a_served_app_does_not_believe_forwarded_for_from_localhost(own_database_url: str) -> None:
    """The real `python -m api serve`: a local client sending X-Forwarded-For is still 127.0.0.1 to the throttle
    and the audit log (no trusted proxies configured)."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": own_database_url,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "BILIM_TRUSTED_PROXIES": "[]",
    }
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "api",
        "serve",
        "--workers",
        "1",
        cwd=PROJECT_ROOT,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as c:
            for _ in range(120):
                if server.returncode is not None:
                    raise AssertionError(f"the server exited with {server.returncode}")
                try:
                    if (await c.get("/api/v1/health")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.5)
            r = await c.post(
                "/api/v1/auth/login",
                json={"username": "nobody.forwarded", "password": "wrong-password"},
                headers={"X-Forwarded-For": "203.0.113.9"},
            )
            assert r.status_code == 401, r.text
    finally:
        server.terminate()
        try:
            await asyncio.wait_for(server.wait(), 15)
        except TimeoutError:
            server.kill()
            await server.wait()
    eng = create_async_engine(own_database_url, poolclass=NullPool)
    try:
        async with eng.connect() as conn:
            keys = set((await conn.scalars(text("SELECT key FROM login_throttles WHERE scope = 'ip'"))).all())
            ips = set(
                (
                    await conn.scalars(
                        text("SELECT host(ip) FROM audit_log WHERE action = 'auth.login.failure' AND ip IS NOT NULL")
                    )
                ).all()
            )
    finally:
        await eng.dispose()
    assert keys == {"127.0.0.1"} and ips == {"127.0.0.1"}
