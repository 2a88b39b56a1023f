"""Read replicas for real: a hot standby made with pg_basebackup -R serves the replica-safe reads.

The cluster is private (a primary and a standby from the embedded server's binaries, in a temporary directory):
the tests commit, pause the standby's replay and finally stop it, which the shared test server must not see.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import asyncpg
import httpx
import pytest
import pytest_asyncio
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from api.config import Settings
from api.db import ensure_database, run_migrations
from api.main import create_app
from api.models import Organization
from api.models.audit import AuditEvent
from api.replicas import ReplicaSet
from tests import factories as fx
from tests.scale.clusters import ReplicatedCluster, start_replicated_cluster

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture(scope="module")
def cluster() -> Iterator[ReplicatedCluster]:
    """A migrated primary and its streaming standby."""
    c = start_replicated_cluster()
    try:
        asyncio.run(ensure_database(c.primary_url))
        run_migrations(c.primary_url)
        yield c
    finally:
        c.close()


@pytest_asyncio.fixture(loop_scope="session")
async def primary(cluster: ReplicatedCluster) -> AsyncIterator[AsyncEngine]:
    eng = create_async_engine(cluster.primary_url, poolclass=NullPool)
    yield eng
    await eng.dispose()


@pytest_asyncio.fixture(loop_scope="session")
async def standby(cluster: ReplicatedCluster) -> AsyncIterator[AsyncEngine]:
    eng = create_async_engine(cluster.standby_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    yield eng
    await eng.dispose()


@pytest_asyncio.fixture(loop_scope="session")
async def app_client(cluster: ReplicatedCluster) -> AsyncIterator[tuple[Any, httpx.AsyncClient]]:
    """The real app on the primary with the standby as its read replica (lifespan run: health checks going)."""
    settings = Settings(
        read_replica_urls=[cluster.standby_url],
        replica_max_lag_s=300,
        replica_check_interval_s=0.2,
        db_pool_size=4,
        db_max_overflow=4,
        # Many requests of one user at once: the per-user report limit (api/services/limits.py) is not under test.
        report_concurrency_per_user=64,
        report_concurrency_total=64,
    )
    app = create_app(settings, database_url=cluster.primary_url)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield app, client


async def _seed(primary: AsyncEngine) -> tuple[fx.World, Any]:
    async with AsyncSession(primary, expire_on_commit=False) as db:
        w = await fx.world(db)
        user = await fx.app_user(db, w.regional_body)
        await db.commit()
    return w, user


async def _caught_up(primary: AsyncEngine, standby: AsyncEngine) -> None:
    """Wait (up to 10 s) until the standby has replayed everything the primary has written so far."""
    async with primary.connect() as conn:
        target = await conn.scalar(text("SELECT pg_current_wal_lsn()::text"))
    check = text("SELECT pg_last_wal_replay_lsn()::text::pg_lsn >= CAST(CAST(:t AS text) AS pg_lsn)")
    async with standby.connect() as conn:
        for _ in range(500):
            if await conn.scalar(check, {"t": target}):
                return
            await asyncio.sleep(0.02)
    raise AssertionError("the standby did not catch up in 10 s")


async def _standby_scalar(standby: AsyncEngine, sql: str) -> Any:
    async with standby.connect() as conn:
        return await conn.scalar(text(sql))


async def _add_school(primary: AsyncEngine, w: fx.World, parent: Organization, name: str) -> None:
    async with AsyncSession(primary) as db:
        body = await db.get(Organization, parent.id)
        await fx.organization(db, "school", body, type_id=w.school_type.id, name_ru=name)
        await db.commit()


async def _registry_count(client: httpx.AsyncClient, headers: dict[str, str]) -> tuple[int, str]:
    r = await client.get("/api/v1/reports/registry", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["count"], r.json()["data_as_of"]


async def test_reports_people_and_anonymous_profile_read_the_standby(
    cluster: ReplicatedCluster, primary: AsyncEngine, standby: AsyncEngine, app_client: tuple[Any, httpx.AsyncClient]
) -> None:
    app, client = app_client
    w, user = await _seed(primary)
    headers = fx.auth_headers(user)
    await _caught_up(primary, standby)
    await app.state.replicas.check()
    assert [r.healthy for r in app.state.replicas.replicas] == [True]
    count, _ = await _registry_count(client, headers)
    assert count == 2

    await _standby_scalar(standby, "SELECT pg_wal_replay_pause()")
    try:
        # Written on the primary while the standby does not replay: what the standby serves does not show it.
        await _add_school(primary, w, w.body_a, "Школа В")
        async with AsyncSession(primary) as db:
            person = await fx.person(db, "Замбаев", "Ерлан")
            await fx.staff_post(db, await db.get(Organization, w.school_a.id), person)
            org = await db.get(Organization, w.regional_body.id)
            assert org is not None
            org.name_ru = "Управление образования (новое)"
            await db.commit()
        count, as_of = await _registry_count(client, headers)
        assert count == 2
        # data_as_of is the standby's last replayed commit, not the time of the request.
        replayed = await _standby_scalar(standby, "SELECT pg_last_xact_replay_timestamp()")
        assert dt.datetime.fromisoformat(as_of) == replayed
        for path in ("/api/v1/reports/registry/options", "/api/v1/reports/registry/print"):
            assert (await client.get(path, headers=headers)).status_code == 200
        export = await client.get("/api/v1/reports/registry/export", headers=headers)
        assert export.status_code == 200
        people = await client.get(f"/api/v1/organizations/{w.regional_body.id}/people?q=Замбаев", headers=headers)
        assert people.status_code == 200 and people.json()["total"] == 0
        # Anonymous visitors read the profile from the standby; a signed-in caller reads the primary.
        profile_url = f"/api/v1/organizations/{w.regional_body.id}/profile"
        anonymous = await client.get(profile_url)
        assert anonymous.status_code == 200 and anonymous.json()["organization"]["name_ru"] == "Управление образования"
        signed_in = await client.get(profile_url, headers=headers)
        assert signed_in.json()["organization"]["name_ru"] == "Управление образования (новое)"
    finally:
        await _standby_scalar(standby, "SELECT pg_wal_replay_resume()")

    # Replay resumed: the report shows the write within a second.
    started = time.monotonic()
    while (await _registry_count(client, headers))[0] != 3:
        assert time.monotonic() - started < 1.0, "the write did not reach the standby's report within a second"
        await asyncio.sleep(0.02)
    people = await client.get(f"/api/v1/organizations/{w.regional_body.id}/people?q=Замбаев", headers=headers)
    assert people.json()["total"] == 1
    # And a write made now, with replay running, is visible there within a second too.
    await _add_school(primary, w, w.body_b, "Школа Г")
    started = time.monotonic()
    while (await _registry_count(client, headers))[0] != 4:
        assert time.monotonic() - started < 1.0, "the write did not reach the standby's report within a second"
        await asyncio.sleep(0.02)
    assert app.state.replicas.replicas[0].served > 0


async def test_audit_of_reads_served_by_the_standby_is_written_on_the_primary(
    primary: AsyncEngine, standby: AsyncEngine, app_client: tuple[Any, httpx.AsyncClient]
) -> None:
    app, client = app_client
    w, user = await _seed(primary)
    await _caught_up(primary, standby)
    await app.state.replicas.check()
    served = app.state.replicas.replicas[0].served
    headers = fx.auth_headers(user)
    read = await client.get(f"/api/v1/organizations/{w.regional_body.id}/people", headers=headers)
    assert read.status_code == 200
    export = await client.get("/api/v1/reports/registry/export", headers=headers)
    assert export.status_code == 200
    denied = await client.get("/api/v1/reports/no-such-report", headers=headers)
    assert denied.status_code == 404
    assert app.state.replicas.replicas[0].served == served + 3
    async with AsyncSession(primary) as db:
        rows = (await db.scalars(select(AuditEvent).where(AuditEvent.actor_user_id == user.id))).all()
    assert {(e.action, e.target_id) for e in rows} >= {
        ("people.read", str(w.regional_body.id)),
        ("export", "registry"),
        ("access.denied", "/api/v1/reports/no-such-report"),
    }


async def test_a_lagging_standby_is_skipped(
    primary: AsyncEngine, standby: AsyncEngine, app_client: tuple[Any, httpx.AsyncClient]
) -> None:
    app, client = app_client
    replicas: ReplicaSet = app.state.replicas
    w, user = await _seed(primary)
    await _caught_up(primary, standby)
    await _standby_scalar(standby, "SELECT pg_wal_replay_pause()")
    try:
        await _add_school(primary, w, w.body_a, "Школа В")
        await asyncio.sleep(1.1)
        # The standby is a second behind a commit it has received: over a limit of half a second it is skipped.
        replicas.settings = replicas.settings.model_copy(update={"replica_max_lag_s": 0.5})
        await replicas.check()
        assert not replicas.replicas[0].healthy and "behind" in replicas.replicas[0].reason
        count, _ = await _registry_count(client, fx.auth_headers(user))
        assert count == 3  # the primary answered
    finally:
        replicas.settings = replicas.settings.model_copy(update={"replica_max_lag_s": 300})
        await _standby_scalar(standby, "SELECT pg_wal_replay_resume()")
    await _caught_up(primary, standby)
    await replicas.check()
    # Caught up and the primary idle since: the old replay time does not make it "late".
    await asyncio.sleep(0.6)
    replicas.settings = replicas.settings.model_copy(update={"replica_max_lag_s": 0.5})
    try:
        for _ in range(3):  # a check may fall between receiving and replaying a record (a checkpoint, say)
            await replicas.check()
            if replicas.replicas[0].healthy:
                break
        assert replicas.replicas[0].healthy, replicas.replicas[0].reason
    finally:
        replicas.settings = replicas.settings.model_copy(update={"replica_max_lag_s": 300})


class _LostWhileClosing(AsyncSession):
    """A standby session whose connection dies after the read, as its closing rollback runs."""

    async def close(self) -> None:
        await super().close()
        lost = asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed in the middle of operation")
        raise DBAPIError("ROLLBACK", None, lost, connection_invalidated=True)


async def test_a_standby_lost_while_its_session_closes_keeps_the_answer(
    primary: AsyncEngine, standby: AsyncEngine, app_client: tuple[Any, httpx.AsyncClient]
) -> None:
    """The session closes after the route handler, outside its retry: the finished read must still answer 200."""
    app, client = app_client
    replicas: ReplicaSet = app.state.replicas
    replica = replicas.replicas[0]
    w, user = await _seed(primary)
    await _caught_up(primary, standby)
    await replicas.check()
    assert replica.healthy, replica.reason
    served, failed = replica.served, replica.failed
    real = replica.sessionmaker
    replica.sessionmaker = async_sessionmaker(replica.engine, class_=_LostWhileClosing, expire_on_commit=False)
    try:
        count, _ = await _registry_count(client, fx.auth_headers(user))
    finally:
        replica.sessionmaker = real
    assert count >= 1
    assert replica.served == served + 1  # the standby answered…
    assert replica.failed == failed + 1  # …and is skipped until a check finds it healthy
    await replicas.check()
    assert replica.healthy, replica.reason


async def test_stopping_the_standby_mid_run_loses_no_request(
    cluster: ReplicatedCluster, primary: AsyncEngine, standby: AsyncEngine, app_client: tuple[Any, httpx.AsyncClient]
) -> None:
    """Last in the module: it stops the standby."""
    app, client = app_client
    replicas: ReplicaSet = app.state.replicas
    w, user = await _seed(primary)
    await _caught_up(primary, standby)
    await replicas.check()
    headers = fx.auth_headers(user)
    statuses: list[int] = []
    warm, stopped = asyncio.Event(), asyncio.Event()

    async def worker() -> None:
        after_stop = 0
        while after_stop < 10:  # keep going until 10 requests each have run after the standby stopped
            r = await client.get("/api/v1/reports/registry", headers=headers)
            statuses.append(r.status_code)
            if len(statuses) >= 20:
                warm.set()
            after_stop += stopped.is_set()

    async def stop_when_warm() -> None:
        await warm.wait()
        served = replicas.replicas[0].served
        assert served > 0
        await asyncio.to_thread(cluster.standby_ctl, "-m", "immediate", "stop")
        stopped.set()

    await asyncio.gather(stop_when_warm(), *(worker() for _ in range(8)))
    assert stopped.is_set()
    assert len(statuses) >= 100 and set(statuses) == {200}
    assert not replicas.replicas[0].healthy
