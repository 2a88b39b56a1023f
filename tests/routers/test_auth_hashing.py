"""Login and Argon2id: the check holds no database connection, outdated hashes are replaced, races are re-checked."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.config import Settings
from api.main import create_app
from api.models import User
from api.models.audit import AuditEvent
from api.services import passwords
from tests import factories as f

LOGIN = "/api/v1/auth/login"
PASSWORD = "secret-pass-1"

Check = Callable[[str, str | None], Awaitable[tuple[bool, str | None]]]


def _params(password_hash: str) -> str:
    """The `m=…,t=…,p=…` part of an encoded Argon2 hash."""
    return password_hash.split("$")[3]


def test_new_hashes_use_the_owasp_parameters() -> None:
    stored = passwords.hash_password(PASSWORD)
    assert stored.startswith("$argon2id$")
    assert _params(stored) == "m=19456,t=2,p=1"
    assert passwords.verify_and_update(PASSWORD, stored) == (True, None)
    assert passwords.verify_and_update("other-password", stored) == (False, None)


async def test_login_replaces_a_hash_with_outdated_parameters(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    user = await f.app_user(db, w.body_a, username="old.hash")
    # argon2-cffi's default (RFC 9106 low-memory: m=64 MiB, t=3, p=4): what earlier versions stored.
    old = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4).hash(PASSWORD)
    user.password_hash = old
    await db.flush()
    updated_before = await db.scalar(select(User.updated_at).where(User.id == user.id))

    wrong = await client.post(LOGIN, json={"username": "old.hash", "password": "wrong-password"})
    assert wrong.status_code == 401
    assert await db.scalar(select(User.password_hash).where(User.id == user.id)) == old  # only a match rehashes

    r = await client.post(LOGIN, json={"username": "old.hash", "password": PASSWORD})
    assert r.status_code == 200, r.text
    stored, updated_after = (
        await db.execute(select(User.password_hash, User.updated_at).where(User.id == user.id))
    ).one()
    assert stored != old and _params(stored) == "m=19456,t=2,p=1"
    assert updated_after == updated_before  # a rehash is not an edit of the account
    again = await client.post(LOGIN, json={"username": "old.hash", "password": PASSWORD})
    assert again.status_code == 200
    assert await db.scalar(select(User.password_hash).where(User.id == user.id)) == stored  # current: kept


async def test_an_account_disabled_during_the_check_does_not_log_in(
    client: httpx.AsyncClient, db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = await f.world(db)
    user = await f.app_user(db, w.body_a, username="racing")
    real: Check = passwords.check_password

    async def disabled_meanwhile(password: str, password_hash: str | None) -> tuple[bool, str | None]:
        await db.execute(update(User).where(User.id == user.id).values(status="disabled"))
        return await real(password, password_hash)

    monkeypatch.setattr(passwords, "check_password", disabled_meanwhile)
    r = await client.post(LOGIN, json={"username": "racing", "password": PASSWORD})
    assert r.status_code == 401
    assert "set-cookie" not in r.headers
    reasons = (
        await db.scalars(
            select(AuditEvent.details["reason"].astext).where(
                AuditEvent.action == "auth.login.failure", AuditEvent.target_id == str(user.id)
            )
        )
    ).all()
    assert reasons == ["account changed during login"]


async def test_the_password_check_holds_no_database_connection(
    own_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pool of one connection: during the check it is free (another request gets it), and the login answers.

    The login's transactions really commit here, so on a database of the test's own (the failed login's audit
    row and throttle counters must not reach the session's database, which other tests read)."""
    settings = Settings(environment="test", db_pool_size=1, db_max_overflow=0, db_pool_timeout_seconds=5)
    app = create_app(settings=settings, database_url=own_database_url)
    real: Check = passwords.check_password
    during: dict[str, object] = {}

    async with app.router.lifespan_context(app):
        # A peer address of its own: this test commits its throttle counters, other tests must not see them.
        transport = httpx.ASGITransport(app=app, client=("198.51.100.77", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:

            async def observed(password: str, password_hash: str | None) -> tuple[bool, str | None]:
                during["checked_out"] = app.state.engine.pool.checkedout()
                health = await c.get("/api/v1/health")
                during["health"] = (health.status_code, health.json().get("database"))
                return await real(password, password_hash)

            monkeypatch.setattr(passwords, "check_password", observed)
            r = await c.post(LOGIN, json={"username": f"nobody{f.n()}", "password": PASSWORD})

    assert r.status_code == 401, r.text
    assert during == {"checked_out": 0, "health": (200, True)}
