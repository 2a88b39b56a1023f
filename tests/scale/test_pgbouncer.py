"""The app behind PgBouncer in transaction mode (Debian's pgbouncer; `make pgbouncer` installs it).

20 requests at once (logins, a report, integration write batches, profile reads) share 2 server connections:
consecutive transactions of one app connection land on different server connections, so any session state or
cached prepared statement the app relied on would break them.
"""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

import api.db
from api.config import Settings, get_settings
from api.db import ensure_database, make_engine, migrate, with_database
from api.main import create_app
from tests import factories as fx
from tests.conftest import _drop_database
from tests.routers.test_integration import make_ext_world, mark
from tests.scale.clusters import PgBouncer, start_pgbouncer

pytestmark = pytest.mark.asyncio(loop_scope="session")

POOL = 2

# A second app process on the same pooler: many short transactions, each preparing its statements.
OTHER_WORKER = """
import asyncio, sys
from sqlalchemy import text
from api.config import Settings
from api.db import make_engine

async def main() -> None:
    engine = make_engine(sys.argv[1], Settings(db_pooler="pgbouncer", db_pool_size=4))
    async def work(i: int) -> None:
        for j in range(60):
            async with engine.begin() as conn:
                await conn.execute(text("SELECT count(*) FROM organizations WHERE id > :i"), {"i": i + j})
                await conn.execute(text("SELECT CAST(:a AS int) + 1"), {"a": j})
    await asyncio.gather(*(work(i) for i in range(4)))
    await engine.dispose()

asyncio.run(main())
"""


def _run_as() -> str | None:
    """PgBouncer refuses to run as root: as root, run it as the embedded server's own system user."""
    if os.geteuid() != 0:
        return None
    return getattr(api.db._embedded, "system_user", None) or "nobody"


@pytest.fixture
def bouncer(database_url: str) -> Iterator[PgBouncer]:
    """PgBouncer in front of the test server (every database of it)."""
    b = start_pgbouncer(database_url, pool_size=POOL, run_as=_run_as())
    try:
        yield b
    finally:
        b.stop()


def _pooled_settings(**kw: Any) -> Settings:
    return Settings(db_pooler="pgbouncer", db_pool_size=10, db_max_overflow=10, **kw)


@pytest_asyncio.fixture(loop_scope="session")
async def pooled_client(own_database_url: str, bouncer: PgBouncer) -> AsyncIterator[httpx.AsyncClient]:
    """The real app whose database URL is PgBouncer's."""
    name = make_url(own_database_url).database
    assert name is not None
    app = create_app(_pooled_settings(), database_url=bouncer.url(name))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


async def test_real_flows_at_once_through_two_server_connections(
    own_database_url: str, bouncer: PgBouncer, pooled_client: httpx.AsyncClient
) -> None:
    direct = create_async_engine(own_database_url, poolclass=NullPool)
    async with AsyncSession(direct, expire_on_commit=False) as db:
        xw = await make_ext_world(db)
        user = await fx.app_user(db, xw.w.regional_body, username="pooled.user")
        await db.commit()
    headers = fx.auth_headers(user)
    client = pooled_client

    def flows(round_no: int) -> list[Any]:
        out: list[Any] = []
        for i in range(5):
            out.append(client.post("/api/v1/auth/login", json={"username": "pooled.user", "password": "secret-pass-1"}))
            out.append(client.get("/api/v1/reports/registry", headers=headers))
            batch = {"items": [mark(f"r{round_no}-m{i}-{k}", f"s{k + 1}", 5 - k) for k in range(3)]}
            out.append(client.post("/api/v1/integration/marks", json=batch, headers=xw.headers))
            out.append(client.get(f"/api/v1/organizations/{xw.w.school_a.id}/profile"))
        return out

    # Other processes (uvicorn workers, other hosts) share the two server connections meanwhile, each preparing
    # its own statements.
    others = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            OTHER_WORKER,
            bouncer.url(make_url(own_database_url).database or ""),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        for _ in range(2)
    ]
    for round_no in range(3):
        responses = await asyncio.gather(*flows(round_no))
        assert len(responses) == 20
        bad = [(r.request.url.path, r.status_code, r.text[:300]) for r in responses if r.status_code != 200]
        assert not bad, f"{bad}\n{bouncer.log()[-2000:]}"
        writes = [r.json() for r in responses if r.request.url.path.endswith("/marks")]
        assert all(w["created"] == 3 for w in writes)

    for other in others:
        out, _ = await asyncio.wait_for(other.communicate(), 60)
        assert other.returncode == 0, out.decode()[-3000:]
    async with direct.connect() as conn:
        marks = await conn.scalar(text("SELECT count(*) FROM marks WHERE external_id LIKE 'r%-m%'"))
        servers = await conn.scalar(
            text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        )
    await direct.dispose()
    assert marks == 3 * 5 * 3
    # Everything went through the pooler's two server connections.
    assert servers is not None and servers <= POOL


async def test_statement_timeout_holds_in_every_transaction(own_database_url: str, bouncer: PgBouncer) -> None:
    """statement_timeout is not a startup parameter PgBouncer accepts: the app sets it per transaction."""
    name = make_url(own_database_url).database
    assert name is not None
    engine = make_engine(bouncer.url(name), _pooled_settings(db_statement_timeout_ms=300))
    try:
        for _ in range(4):  # several transactions: each may get another server connection
            async with engine.connect() as conn:
                assert await conn.scalar(text("SHOW statement_timeout")) == "300ms"
                assert await conn.scalar(text("SHOW application_name")) == "bilim-ouo"
        async with engine.connect() as conn:
            with pytest.raises(DBAPIError, match="statement timeout"):
                await conn.execute(text("SELECT pg_sleep(2)"))
    finally:
        await engine.dispose()


async def test_migrate_through_the_pooler(
    own_database_url: str, bouncer: PgBouncer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two migrate() at once through PgBouncer on an empty database: one migrates, the other waits, both finish."""
    empty = with_database(own_database_url, f"bilim_pgb_{uuid.uuid4().hex[:8]}")
    await ensure_database(empty)
    name = make_url(empty).database
    assert name is not None
    monkeypatch.setenv("BILIM_DB_POOLER", "pgbouncer")
    get_settings.cache_clear()
    try:
        await asyncio.wait_for(asyncio.gather(migrate(bouncer.url(name)), migrate(bouncer.url(name))), 120)
        await asyncio.wait_for(migrate(bouncer.url(name)), 30)
    finally:
        monkeypatch.delenv("BILIM_DB_POOLER")
        get_settings.cache_clear()
        check = create_async_engine(empty, poolclass=NullPool)
        async with check.connect() as conn:
            heads = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalars().all()
            tables = await conn.scalar(text("SELECT count(*) FROM pg_tables WHERE tablename = 'marks'"))
        await check.dispose()
        await _drop_database(empty)
    assert len(heads) > 1 and tables == 1
