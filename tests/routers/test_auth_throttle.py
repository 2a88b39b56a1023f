"""Login throttling: per account from an IP, per IP, per account; back-off; X-Forwarded-For only from proxies."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.models.audit import AuditEvent
from api.models.auth import LoginThrottle, ThrottleScope
from api.services import throttle
from tests import factories as f

LOGIN = "/api/v1/auth/login"
PASSWORD = "secret-pass-1"

ClientFrom = Callable[[str], AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def client_from(app: FastAPI) -> ClientFrom:
    """A client whose TCP peer is the given IP address."""

    @asynccontextmanager
    async def make(ip: str) -> AsyncIterator[httpx.AsyncClient]:
        transport = httpx.ASGITransport(app=app, client=(ip, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c

    return make


async def attempt(
    c: httpx.AsyncClient, username: str, password: str = "wrong-password", forwarded: str | None = None
) -> httpx.Response:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return await c.post(LOGIN, json={"username": username, "password": password}, headers=headers)


def test_back_off_numbers() -> None:
    account_ip = throttle.POLICIES[ThrottleScope.account_ip]
    assert [throttle.lock_seconds(account_ip, n) for n in range(1, 11)] == [0, 0, 0, 0, 30, 60, 120, 240, 480, 900]
    assert throttle.lock_seconds(account_ip, 1000) == 900
    ip = throttle.POLICIES[ThrottleScope.ip]
    assert throttle.lock_seconds(ip, 19) == 0 and throttle.lock_seconds(ip, 20) == 60
    assert throttle.lock_seconds(throttle.POLICIES[ThrottleScope.account], 49) == 0


async def test_account_locks_after_five_failures_from_one_ip_but_not_for_other_ips(
    client_from: ClientFrom, db: AsyncSession
) -> None:
    w = await f.world(db)
    await f.app_user(db, w.body_a, username="target")
    await f.app_user(db, w.body_a, username="colleague")
    async with client_from("10.0.0.1") as attacker, client_from("10.0.0.2") as owner:
        for _ in range(5):
            assert (await attempt(attacker, "target")).status_code == 401
        locked = await attempt(attacker, "target", PASSWORD)  # even the right password waits
        assert locked.status_code == 429
        assert 1 <= int(locked.headers["retry-after"]) <= 30
        assert locked.json()["error"]["code"] == "too_many_requests"
        # The owner from elsewhere, and another account from the attacker's IP, are not locked out.
        assert (await attempt(owner, "target", PASSWORD)).status_code == 200
        assert (await attempt(attacker, "colleague", PASSWORD)).status_code == 200


async def test_unknown_accounts_are_throttled_the_same_way(client_from: ClientFrom, db: AsyncSession) -> None:
    async with client_from("10.0.1.1") as c:
        answers = [await attempt(c, "no.such.user") for _ in range(6)]
    assert [a.status_code for a in answers] == [401] * 5 + [429]


async def test_lock_doubles_then_expires_and_success_clears_the_account(
    client_from: ClientFrom, db: AsyncSession
) -> None:
    w = await f.world(db)
    await f.app_user(db, w.body_a, username="doubling")
    rows = select(LoginThrottle).where(LoginThrottle.key.startswith("doubling"))
    async with client_from("10.0.2.1") as c:
        for _ in range(5):
            await attempt(c, "doubling")
        # The lock runs out (moved into the past); the next failure earns twice as long.
        await db.execute(update(LoginThrottle).values(locked_until=datetime.now(UTC) - timedelta(seconds=1)))
        assert (await attempt(c, "doubling")).status_code == 401
        locked = await attempt(c, "doubling", PASSWORD)
        assert locked.status_code == 429 and 30 < int(locked.headers["retry-after"]) <= 60
        await db.execute(update(LoginThrottle).values(locked_until=datetime.now(UTC) - timedelta(seconds=1)))
        assert (await attempt(c, "doubling", PASSWORD)).status_code == 200
    remaining = {(r.scope, r.key) for r in (await db.scalars(rows)).all()}
    assert remaining == set()  # the account's counters are forgotten after a success


async def test_old_failures_are_forgotten(client_from: ClientFrom, db: AsyncSession) -> None:
    async with client_from("10.0.3.1") as c:
        for _ in range(4):
            await attempt(c, "slow.typist")
        long_ago = datetime.now(UTC) - throttle.WINDOW - timedelta(minutes=1)
        await db.execute(update(LoginThrottle).values(last_failure_at=long_ago))
        for _ in range(4):
            assert (await attempt(c, "slow.typist")).status_code == 401
    row = await db.scalar(
        select(LoginThrottle).where(
            LoginThrottle.scope == ThrottleScope.account_ip, LoginThrottle.key == "slow.typist|10.0.3.1"
        )
    )
    assert row is not None and row.failures == 4 and row.locked_until is None


async def test_ip_lock_covers_every_account_from_that_ip_only(
    client_from: ClientFrom, db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A smaller threshold keeps the test quick; the mechanism is the same as with the real numbers.
    monkeypatch.setitem(throttle.POLICIES, ThrottleScope.ip, throttle.Policy(3, 60, 600))
    w = await f.world(db)
    await f.app_user(db, w.body_a, username="innocent")
    async with client_from("10.0.4.1") as sprayer, client_from("10.0.4.2") as other:
        for name in ("guess.one", "guess.two", "guess.three"):
            assert (await attempt(sprayer, name)).status_code == 401
        r = await attempt(sprayer, "innocent", PASSWORD)
        assert r.status_code == 429 and 1 <= int(r.headers["retry-after"]) <= 60
        assert (await attempt(other, "innocent", PASSWORD)).status_code == 200


async def test_distributed_attack_on_one_account_locks_the_account(
    client_from: ClientFrom, db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(throttle.POLICIES, ThrottleScope.account, throttle.Policy(3, 60, 600))
    w = await f.world(db)
    await f.app_user(db, w.body_a, username="popular")
    for i in range(3):
        async with client_from(f"10.0.5.{i + 1}") as c:
            assert (await attempt(c, "popular")).status_code == 401
    async with client_from("10.0.5.99") as c:
        assert (await attempt(c, "popular", PASSWORD)).status_code == 429


async def test_forwarded_for_is_ignored_from_untrusted_peers(
    client_from: ClientFrom, db: AsyncSession, app: FastAPI
) -> None:
    app.state.settings = app.state.settings.model_copy(update={"trusted_proxies": []})
    async with client_from("10.0.6.1") as c:
        for i in range(5):
            await attempt(c, "spoofer", forwarded=f"198.51.100.{i}")
        assert (await attempt(c, "spoofer", forwarded="198.51.100.200")).status_code == 429
    keys = set((await db.scalars(select(LoginThrottle.key).where(LoginThrottle.scope == ThrottleScope.ip))).all())
    assert "10.0.6.1" in keys and not any(k.startswith("198.51.100.") for k in keys)


async def test_forwarded_for_from_a_trusted_proxy_names_the_client(
    client_from: ClientFrom, db: AsyncSession, app: FastAPI
) -> None:
    app.state.settings = app.state.settings.model_copy(update={"trusted_proxies": ["10.1.0.0/16"]})
    w = await f.world(db)
    await f.app_user(db, w.body_a, username="behind.proxy")
    async with client_from("10.1.0.5") as proxy:
        for _ in range(5):
            # A client-supplied first hop is not trusted either: the proxy appended the real address last.
            await attempt(proxy, "behind.proxy", forwarded="1.2.3.4, 203.0.113.7")
        assert (await attempt(proxy, "behind.proxy", PASSWORD, forwarded="203.0.113.7")).status_code == 429
        assert (await attempt(proxy, "behind.proxy", PASSWORD, forwarded="203.0.113.8")).status_code == 200
    key = await db.scalar(select(LoginThrottle.key).where(LoginThrottle.scope == ThrottleScope.ip))
    assert key == "203.0.113.7"


async def test_logins_are_audited(client_from: ClientFrom, db: AsyncSession) -> None:
    w = await f.world(db)
    user = await f.app_user(db, w.body_a, username="audited")
    async with client_from("10.0.7.1") as c:
        await attempt(c, "audited")
        await attempt(c, "audited", PASSWORD)
    events = (
        await db.scalars(
            select(AuditEvent)
            .where(AuditEvent.action.startswith("auth.login"), AuditEvent.target_id == str(user.id))
            .order_by(AuditEvent.id)
        )
    ).all()
    assert [(e.action, e.details.get("reason")) for e in events] == [
        ("auth.login.failure", "wrong password"),
        ("auth.login.success", None),
    ]
    assert str(events[0].ip) == "10.0.7.1" and events[1].actor_user_id == user.id
    assert "wrong-password" not in str(events[0].details)
