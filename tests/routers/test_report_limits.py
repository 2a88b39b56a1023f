"""Per-user and overall limits on concurrent reports and exports: one user's flood does not starve the others."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import ServiceUnavailable, TooManyRequests
from api.services.limits import ConcurrencyLimiter, ReportLimits, user_key
from tests import factories as fx


async def test_a_users_exports_over_the_limit_get_429_and_others_go_on(
    client: httpx.AsyncClient, app: FastAPI, db: AsyncSession
) -> None:
    w = await fx.world(db)
    flooder = await fx.app_user(db, w.body_a)
    other = await fx.app_user(db, w.body_a)
    limits: ReportLimits = app.state.report_limits
    async with AsyncExitStack() as running:
        # The flooder's exports (and reports) in flight: as many as the per-user limits allow.
        for _ in range(limits.export.per_caller):
            await running.enter_async_context(limits.export.slot(user_key(flooder.id)))
        for _ in range(limits.report.per_caller):
            await running.enter_async_context(limits.report.slot(user_key(flooder.id)))
        for path in ("/api/v1/reports/registry/export", "/api/v1/reports/registry/print", "/api/v1/reports/registry"):
            r = await client.get(path, headers=fx.auth_headers(flooder))
            assert r.status_code == 429, (path, r.text)
            assert int(r.headers["retry-after"]) > 0
            assert r.json()["error"]["code"] == "too_many_requests" and "per user" in r.json()["error"]["message"]
            # Meanwhile another user of the same body gets the same report.
            assert (await client.get(path, headers=fx.auth_headers(other))).status_code == 200, path
        assert limits.export.active(user_key(other.id)) == 0
    # Once the flooder's own exports finish, the flooder is served again.
    assert limits.export.active(user_key(flooder.id)) == 0
    assert (await client.get("/api/v1/reports/registry/export", headers=fx.auth_headers(flooder))).status_code == 200


async def test_n_plus_one_concurrent_computations_of_one_caller() -> None:
    limiter = ConcurrencyLimiter("export", per_caller=2, total=3, wait_seconds=0.2, retry_after_seconds=5)
    release = asyncio.Event()
    started = 0

    async def export(key: str) -> str:
        nonlocal started
        try:
            async with limiter.slot(key):
                started += 1
                await release.wait()
                return "done"
        except TooManyRequests as exc:
            assert exc.headers == {"Retry-After": "5"}
            return "429"
        except ServiceUnavailable:
            return "503"

    flood = [asyncio.create_task(export("user:1")) for _ in range(3)]
    await asyncio.sleep(0.01)
    # Another user at the same time takes the last free slot; a fourth caller finds the process full: 503.
    neighbour = asyncio.create_task(export("user:2"))
    await asyncio.sleep(0.01)
    assert started == 3
    assert await export("user:3") == "503"
    release.set()
    assert sorted(await asyncio.gather(*flood)) == ["429", "done", "done"]
    assert await neighbour == "done"
    assert limiter.active("user:1") == 0 and limiter.active("user:2") == 0


@pytest.mark.parametrize("setting", ["report_concurrency_per_user", "export_concurrency_total"])
def test_limits_are_settings(setting: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from api.config import Settings

    monkeypatch.setenv(f"BILIM_{setting.upper()}", "7")
    limits = ReportLimits.from_settings(Settings())
    value = limits.report.per_caller if setting.startswith("report") else limits.export.total
    assert value == 7
