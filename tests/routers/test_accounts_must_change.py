"""A one-time password set by an administrator must be changed before the account does anything else."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests import factories as f

ACCOUNTS = "/api/v1/accounts"
LOGIN = "/api/v1/auth/login"
ME = "/api/v1/auth/me"
PASSWORD = "/api/v1/auth/password"


async def _login(client: httpx.AsyncClient, username: str, password: str) -> dict[str, str]:
    r = await client.post(LOGIN, json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def test_new_account_must_change_its_one_time_password(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    admin = await f.app_user(db, w.regional_body, role="admin")
    r = await client.post(
        ACCOUNTS,
        headers=f.auth_headers(admin),
        json={"username": "new.one", "password": "one-time-pass-1", "organization_id": w.body_a.id},
    )
    assert r.status_code == 201, r.text
    h = await _login(client, "new.one", "one-time-pass-1")
    me = await client.get(ME, headers=h)
    assert me.status_code == 200 and me.json()["must_change_password"] is True
    # Nothing else answers until the password is changed.
    blocked = await client.get("/api/v1/inform/inbox", headers=h)
    assert blocked.status_code == 403 and blocked.json()["error"]["code"] == "password_change_required"
    r = await client.post(
        PASSWORD, headers=h, json={"current_password": "one-time-pass-1", "new_password": "my-own-pass-1"}
    )
    assert r.status_code == 200, r.text
    h2 = {"Authorization": f"Bearer {r.json()['access_token']}"}
    assert (await client.get(ME, headers=h2)).json()["must_change_password"] is False
    assert (await client.get("/api/v1/inform/inbox", headers=h2)).status_code == 200


async def test_reset_password_is_one_time_and_own_accounts_are_not(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    admin = await f.app_user(db, w.regional_body, role="admin")
    user = await f.app_user(db, w.body_a, username="plain.user", password="first-pass-1")
    h = await _login(client, "plain.user", "first-pass-1")
    assert (await client.get(ME, headers=h)).json()["must_change_password"] is False
    assert (await client.get("/api/v1/inform/inbox", headers=h)).status_code == 200
    r = await client.post(
        f"{ACCOUNTS}/{user.id}/password", headers=f.auth_headers(admin), json={"password": "reset-pass-12"}
    )
    assert r.status_code == 204
    h = await _login(client, "plain.user", "reset-pass-12")
    assert (await client.get(ME, headers=h)).json()["must_change_password"] is True
    assert (await client.get("/api/v1/inform/inbox", headers=h)).status_code == 403
