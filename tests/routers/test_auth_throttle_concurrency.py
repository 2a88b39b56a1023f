"""The login throttle under real concurrency: attempts are counted before the check, one source can't lock others.

The logins' transactions really commit (that is what a race needs), so each test has a database of its own."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from api.config import Settings
from api.main import create_app
from api.models.auth import LoginThrottle, ThrottleScope
from api.services import throttle
from tests import factories as f

LOGIN = "/api/v1/auth/login"
PASSWORD = "secret-pass-1"


@asynccontextmanager
async def running_app(url: str) -> AsyncIterator[FastAPI]:
    settings = Settings(environment="test", db_pool_size=10, db_max_overflow=10, db_pool_timeout_seconds=60)
    app = create_app(settings=settings, database_url=url)
    async with app.router.lifespan_context(app):
        yield app


@asynccontextmanager
async def client_from(app: FastAPI, ip: str) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=(ip, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver", timeout=120) as c:
        yield c


async def account(app: FastAPI, username: str) -> None:
    async with app.state.sessionmaker() as session:
        w = await f.world(session)
        await f.app_user(session, w.body_a, username=username)
        await session.commit()


async def burst(c: httpx.AsyncClient, username: str, passwords: list[str]) -> list[int]:
    answers = await asyncio.gather(*(c.post(LOGIN, json={"username": username, "password": p}) for p in passwords))
    return [a.status_code for a in answers]


async def test_concurrent_wrong_logins_are_counted_before_the_check(own_database_url: str) -> None:
    async with running_app(own_database_url) as app:
        await account(app, "raced")
        async with client_from(app, "10.9.0.1") as c:
            codes = Counter(await burst(c, "raced", ["wrong-password"] * 150))
            # The first five are checked (and fail); every later one meets the lock the fifth one set.
            assert codes == {401: 5, 429: 145}, codes
            # A burst of 40 ending with the right password, once the limit is exceeded, does not get in.
            codes = Counter(await burst(c, "raced", ["wrong-password"] * 39 + [PASSWORD]))
            assert codes == {429: 40}, codes
        await account(app, "raced.fresh")
        async with client_from(app, "10.9.0.2") as c:
            # On a fresh account too, only five of a burst are ever checked.
            codes = Counter(await burst(c, "raced.fresh", ["wrong-password"] * 39 + [PASSWORD]))
            assert codes[429] == 35 and codes[401] + codes[200] == 5, codes
        async with app.state.sessionmaker() as session:
            rows = (
                await session.execute(
                    select(LoginThrottle.scope, LoginThrottle.failures).where(
                        LoginThrottle.key.in_(["raced|10.9.0.1", "10.9.0.1", "raced"])
                    )
                )
            ).all()
        counts = {scope: failures for scope, failures in rows}
        assert counts == {"account_ip": 5, "ip": 5, "account": 5}  # refused attempts count nowhere


async def test_one_sources_flood_does_not_lock_the_owner_out_from_elsewhere(own_database_url: str) -> None:
    async with running_app(own_database_url) as app:
        await account(app, "victim")
        async with client_from(app, "127.0.0.1") as attacker:
            codes = Counter(await burst(attacker, "victim", ["wrong-password"] * 60))
            assert codes[429] >= 55, codes
            assert (await attacker.post(LOGIN, json={"username": "victim", "password": PASSWORD})).status_code == 429
        async with client_from(app, "127.0.0.2") as owner:
            r = await owner.post(LOGIN, json={"username": "victim", "password": PASSWORD})
            assert r.status_code == 200, r.text


async def test_the_per_account_limit_slows_a_distributed_attack_without_a_long_lockout(
    own_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Five sources, each stopped by its own lock after five wrong passwords: together they reach the per-account
    # limit (lowered here to 25 so that the test stays quick; the mechanism is the real one).
    real = throttle.POLICIES[ThrottleScope.account]
    monkeypatch.setitem(
        throttle.POLICIES, ThrottleScope.account, throttle.Policy(25, real.base_seconds, real.cap_seconds)
    )
    async with running_app(own_database_url) as app:
        await account(app, "popular")
        for i in range(5):
            async with client_from(app, f"10.9.1.{i + 1}") as c:
                await burst(c, "popular", ["wrong-password"] * 10)
        async with client_from(app, "10.9.1.99") as owner:
            r = await owner.post(LOGIN, json={"username": "popular", "password": PASSWORD})
            assert r.status_code == 429
            wait = int(r.headers["retry-after"])
            assert 1 <= wait <= real.cap_seconds <= 60  # seconds, not half an hour
            await asyncio.sleep(wait)
            r = await owner.post(LOGIN, json={"username": "popular", "password": PASSWORD})
            assert r.status_code == 200, r.text
