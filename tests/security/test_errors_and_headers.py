"""Every error is the JSON envelope without stack traces or SQL; security headers on every page and download."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import APIRouter
from sqlalchemy import select, text

import api.main
from api.config import Settings
from api.deps import SessionDep
from api.models import Organization
from tests import factories as f

LEAKS = re.compile(r"Traceback|File \"|SELECT|INSERT|FROM |asyncpg|sqlalchemy|psycopg|/work/|\.py\b|no_such_table")
REQUIRED_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
}


def assert_security_headers(r: httpx.Response) -> None:
    for name, value in REQUIRED_HEADERS.items():
        assert r.headers.get(name) == value, (r.request.url, name, r.headers.get(name))
    csp = r.headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in csp or "sandbox" in csp, (r.request.url, csp)


def assert_envelope(r: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert not LEAKS.search(r.text), r.text
    assert_security_headers(r)
    return body["error"]


def _probe_router() -> APIRouter:
    """Routes that make the database (or the code) fail in the ways real handlers can."""
    probe = APIRouter(prefix="/api/v1/_probe")

    @probe.get("/sql-error")
    async def sql_error(session: SessionDep) -> None:
        await session.execute(text("SELECT * FROM no_such_table"))

    @probe.get("/out-of-range")
    async def out_of_range(session: SessionDep, organization_id: int) -> None:
        await session.scalar(select(Organization).where(Organization.id == organization_id))

    @probe.get("/nul")
    async def nul(session: SessionDep, name: str) -> None:
        await session.execute(select(Organization).where(Organization.name_ru == name))

    @probe.get("/raw-nul")
    async def raw_nul(session: SessionDep, name: str) -> None:
        conn = await session.connection()
        raw = await conn.get_raw_connection()
        await raw.driver_connection.fetch("SELECT $1::text", name)  # type: ignore[union-attr]

    @probe.get("/unique")
    async def unique(session: SessionDep) -> None:
        await session.execute(text("CREATE TEMP TABLE probe_u (x int UNIQUE)"))
        await session.execute(text("INSERT INTO probe_u VALUES (1), (1)"))

    @probe.get("/division")
    async def division(session: SessionDep) -> None:
        await session.execute(text("SELECT 1 / 0"))

    @probe.get("/crash")
    async def crash() -> None:
        raise RuntimeError("secret detail: SELECT password_hash FROM users; /work/main/api/x.py")

    return probe


@pytest_asyncio.fixture(loop_scope="session")
async def probe_client(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its own engine and pool on the test database (the probes commit nothing)."""
    from api.main import create_app

    app = create_app(settings=Settings(environment="test"), database_url=database_url)
    app.router.routes[0:0] = _probe_router().routes  # before the SPA's catch-all
    async with app.router.lifespan_context(app):
        # Unhandled errors must still become a response: don't let the transport re-raise them.
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c


async def test_database_errors_are_envelopes_without_sql(probe_client):
    err = assert_envelope(await probe_client.get("/api/v1/_probe/sql-error"), 500, "internal_error")
    assert err["message"] == "internal error"
    err = assert_envelope(await probe_client.get("/api/v1/_probe/unique"), 409, "conflict")
    assert_envelope(await probe_client.get("/api/v1/_probe/division"), 500, "internal_error")


async def test_values_the_database_refuses_are_422_naming_the_field(probe_client):
    err = assert_envelope(
        await probe_client.get("/api/v1/_probe/out-of-range", params={"organization_id": 2**40}), 422, "invalid_input"
    )
    assert err["details"] == [{"field": "organization_id", "message": "value out of int32 range"}]
    for path in ("/api/v1/_probe/nul", "/api/v1/_probe/raw-nul"):
        err = assert_envelope(await probe_client.get(path, params={"name": "a\x00b"}), 422, "invalid_input")
        # In words, without the database's text.
        assert "0x00" not in err["message"] and "NUL" in err["message"], err


async def test_unhandled_errors_are_a_bare_500_envelope(probe_client):
    err = assert_envelope(await probe_client.get("/api/v1/_probe/crash"), 500, "internal_error")
    assert "secret" not in str(err)


async def test_http_errors_are_envelopes(client, db):
    assert_envelope(await client.get("/api/v1/no-such-route"), 404, "not_found")
    assert_envelope(await client.delete("/api/v1/health"), 405, "method_not_allowed")
    assert_envelope(await client.get("/api/v1/audit"), 401, "unauthorized")
    w = await f.world(db)
    admin = f.auth_headers(await f.app_user(db, w.body_a, role="admin"))
    err = assert_envelope(
        await client.get("/api/v1/audit", headers=admin, params={"limit": "many"}), 422, "invalid_input"
    )
    assert err["details"][0]["field"] == "limit"
    r = await client.post("/api/v1/auth/login", content=b"{not json", headers={"content-type": "application/json"})
    assert_envelope(r, 422, "invalid_input")


async def test_security_headers_on_api_docs_and_schema(client):
    for path in ("/api/v1/health", "/api/openapi.json", "/api/docs"):
        r = await client.get(path)
        assert r.status_code == 200, path
        assert_security_headers(r)
    docs = await client.get("/api/docs")
    assert "frame-ancestors 'none'" in docs.headers["content-security-policy"]


async def test_security_headers_on_the_spa(client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><div id=root></div>")
    (dist / "assets" / "app.js").write_text("console.log(1)")
    monkeypatch.setattr(api.main, "SPA_DIST", dist)
    from api.main import create_app

    spa_app = create_app()
    spa_app.state.sessionmaker = client._transport.app.state.sessionmaker  # type: ignore[attr-defined]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=spa_app), base_url="http://t") as c:
        for path in ("/", "/reports/registry", "/assets/app.js"):
            r = await c.get(path)
            assert r.status_code == 200, path
            assert_security_headers(r)
            assert "script-src 'self'" in r.headers["content-security-policy"]
            assert "unsafe-eval" not in r.headers["content-security-policy"]


async def test_security_headers_on_a_file_download(client, db, app, tmp_path: Path):
    app.state.settings = app.state.settings.model_copy(update={"data_dir": tmp_path})
    w = await f.world(db)
    admin = f.auth_headers(await f.app_user(db, w.body_a, role="admin"))
    r = await client.post(
        f"/api/v1/organizations/{w.body_a.id}/documents",
        headers=admin,
        files={"file": ("note.txt", b"plain text\n", "text/plain")},
    )
    assert r.status_code == 201, r.text
    r = await client.get(f"/api/v1/files/{r.json()['id']}")
    assert r.status_code == 200
    assert_security_headers(r)
    assert r.headers["content-disposition"].startswith("attachment")
    assert "sandbox" in r.headers["content-security-policy"]
