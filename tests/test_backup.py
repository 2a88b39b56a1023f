"""Backups: a backup restored into a fresh database has the same rows and files, and the app starts on it."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from api.config import PROJECT_ROOT, Settings
from api.db import ensure_database, run_migrations, with_database
from api.main import create_app
from api.models import AuditEvent
from scripts.backup import backup, read_manifest, restore, row_counts
from tests import factories as f


async def _drop(url: str) -> None:
    admin = create_async_engine(with_database(url, "postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{Path(url.split("?")[0]).name}" WITH (FORCE)'))
    await admin.dispose()


async def _fill(url: str) -> int:
    """Committed rows in several tables; returns the id of an administrator."""
    engine = create_async_engine(url, poolclass=NullPool)
    async with async_sessionmaker(engine, expire_on_commit=False)() as db:
        w = await f.world(db)
        year = await f.academic_year(db)
        cls = await f.school_class(db, w.school_a, year)
        for _ in range(3):
            await f.enrol(db, cls, await f.person(db, region_id=w.region.id))
        admin = await f.app_user(db, w.ministry, role="admin")
        db.add(
            AuditEvent(actor_kind="user", actor_user_id=admin.id, action="test.backup", organization_id=w.ministry.id)
        )
        await db.commit()
    await engine.dispose()
    return admin.id


async def _app_on(url: str, admin_id: int) -> tuple[dict, dict]:
    app = create_app(settings=Settings(environment="test"), database_url=url)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            health = (await client.get("/api/v1/health")).json()
            engine = create_async_engine(url, poolclass=NullPool)
            async with async_sessionmaker(engine)() as db:
                from api.models import User

                admin = await db.get(User, admin_id)
                assert admin is not None
                headers = f.auth_headers(admin)
            await engine.dispose()
            log = (await client.get("/api/v1/audit", headers=headers, params={"action": "test.backup"})).json()
    return health, log


async def _append_only(url: str) -> None:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("DELETE FROM audit_log"))
    finally:
        await engine.dispose()


@pytest.fixture
def databases(database_url: str):  # type: ignore[no-untyped-def]
    suffix = uuid.uuid4().hex[:8]
    src, dst = (
        with_database(database_url, f"bilim_bk_src_{suffix}"),
        with_database(database_url, f"bilim_bk_dst_{suffix}"),
    )
    yield src, dst
    for url in (src, dst):
        asyncio.run(_drop(url))


def test_backup_restores_into_a_fresh_database_with_the_same_rows_and_files(databases, tmp_path: Path) -> None:
    src, dst = databases
    asyncio.run(ensure_database(src))
    run_migrations(src)
    admin_id = asyncio.run(_fill(src))
    uploads = tmp_path / "src" / "uploads" / "ab" / "cd"
    uploads.mkdir(parents=True)
    (uploads / "charter.pdf").write_bytes(b"%PDF-1.7 not really\x00\xff")

    archive = backup(src, tmp_path / "src", tmp_path / "out")
    manifest = read_manifest(archive)
    source_counts = asyncio.run(row_counts(src))
    assert manifest["row_counts"] == source_counts
    assert manifest["uploads"] == ["ab/cd/charter.pdf"]
    assert source_counts["organizations"] >= 6 and source_counts["enrolments"] == 3 and source_counts["audit_log"] == 1

    restore(archive, dst, tmp_path / "dst")
    assert asyncio.run(row_counts(dst)) == source_counts
    assert (tmp_path / "dst" / "uploads" / "ab" / "cd" / "charter.pdf").read_bytes() == b"%PDF-1.7 not really\x00\xff"

    health, log = asyncio.run(_app_on(dst, admin_id))
    assert health["status"] == "ok" and health["migrations_at_head"] is True, health
    assert [e["action"] for e in log["items"]] == ["test.backup"]
    # The restored log is still append-only (triggers are part of the dump).
    with pytest.raises(DBAPIError, match="append-only"):
        asyncio.run(_append_only(dst))

    # A second restore onto the now non-empty database is refused unless forced.
    with pytest.raises(SystemExit, match="not empty"):
        restore(archive, dst, tmp_path / "dst")
    restore(archive, dst, tmp_path / "dst", force=True)
    assert asyncio.run(row_counts(dst)) == source_counts
    assert any(p.name.startswith("uploads.before-restore-") for p in (tmp_path / "dst").iterdir())


def test_cli_refuses_a_missing_archive(tmp_path: Path) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "scripts.backup", "restore", str(tmp_path / "nope.tar"), "--database", "x"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2 and "no such backup" in r.stderr
