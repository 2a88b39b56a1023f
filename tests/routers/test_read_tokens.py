"""Read tokens: API tokens with scopes; a `read` token reads the reports of its subtree, as a user of it would."""

from __future__ import annotations

from contextlib import AsyncExitStack

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import ApiToken, Subject
from api.models.audit import AuditEvent
from api.services import audit
from api.services.integration import tokens
from api.services.limits import ReportLimits, token_key, user_key
from tests import factories as f

TOKENS = "/api/v1/integration/tokens"


async def make_token(db: AsyncSession, org_id: int, scopes: list[str], kinds: list[str] | None = None) -> str:
    """A token for the subtree of org_id with the scopes given (made as on the command line)."""
    _, secret = await tokens.create_token(
        db,
        name="warehouse",
        organization_id=org_id,
        external_system="dwh",
        kinds=kinds if kinds is not None else ([] if "write" not in scopes else ["subjects"]),
        scopes=scopes,
        created_by=None,
    )
    return secret


def key(secret: str) -> dict[str, str]:
    return {"X-API-Token": secret}


async def test_an_administrator_creates_and_revokes_a_read_token_audited_with_its_scopes(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    w = await f.world(db)
    admin = await f.app_user(db, w.body_a, role="admin")
    h = f.auth_headers(admin)
    body = {"name": "Хранилище", "organization_id": w.body_a.id, "external_system": "dwh", "scopes": ["read"]}
    created = await client.post(TOKENS, json=body, headers=h)
    assert created.status_code == 201, created.text
    assert created.json()["scopes"] == ["read"] and created.json()["kinds"] == []
    token_id, secret = created.json()["id"], created.json()["token"]
    assert (await client.get("/api/v1/reports", headers=key(secret))).status_code == 200
    assert (await client.delete(f"{TOKENS}/{token_id}", headers=h)).status_code == 200
    events = (
        await db.scalars(
            select(AuditEvent)
            .where(AuditEvent.target_kind == "api_token", AuditEvent.target_id == str(token_id))
            .order_by(AuditEvent.id)
        )
    ).all()
    assert [(e.action, e.details["scopes"]) for e in events] == [
        ("integration.token.create", ["read"]),
        ("integration.token.revoke", ["read"]),
    ]
    # Revoked: it stops working at once.
    assert (await client.get("/api/v1/reports", headers=key(secret))).status_code == 401
    # Default: a write token, as before; the list shows the scopes.
    plain = {**body, "scopes": None, "kinds": ["marks"]}
    del plain["scopes"]
    r = await client.post(TOKENS, json=plain, headers=h)
    assert r.status_code == 201 and r.json()["scopes"] == ["write"], r.text
    both = await client.post(TOKENS, json={**body, "scopes": ["write", "read"], "kinds": ["marks"]}, headers=h)
    assert both.status_code == 201 and both.json()["scopes"] == ["read", "write"], both.text
    page = (await client.get(TOKENS, headers=h)).json()
    listed = page["items"]
    assert {tuple(t["scopes"]) for t in listed} == {("read",), ("write",), ("read", "write")}
    # The screen names each token's organization and offers the kinds a write token may be given.
    assert {t["organization_name_ru"] for t in listed} == {w.body_a.name_ru}
    assert {"marks", "subjects", "organizations"} <= set(page["kinds"]) and page["kinds"] == sorted(page["kinds"])


async def test_bad_scopes_are_refused_naming_the_field(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    h = f.auth_headers(await f.app_user(db, w.body_a, role="admin"))
    base = {"name": "x", "organization_id": w.body_a.id, "external_system": "dwh"}
    cases = [
        ({**base, "scopes": ["admin"]}, "scopes.0"),
        ({**base, "scopes": []}, "scopes"),
        ({**base, "scopes": ["write"]}, "kinds"),  # a write token names what it writes
    ]
    for body, field in cases:
        r = await client.post(TOKENS, json=body, headers=h)
        assert r.status_code == 422, r.text
        assert field in {d["field"] for d in r.json()["error"]["details"]} or r.json()["error"]["message"].startswith(
            field
        ), r.text
    assert await db.scalar(select(func.count()).select_from(ApiToken)) == 0


async def test_a_read_token_sees_its_subtree_only_like_a_user(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    await f.academic_year(db)
    user = await f.app_user(db, w.body_a)
    secret = await make_token(db, w.body_a.id, ["read"])
    for headers in (key(secret), {"Authorization": f"Bearer {secret}"}):
        r = await client.get("/api/v1/reports/registry", headers=headers)
        assert r.status_code == 200, r.text
        assert [row["name"] for row in r.json()["rows"]] == ["Школа А"]
        as_user = (await client.get("/api/v1/reports/registry", headers=f.auth_headers(user))).json()
        assert r.json()["rows"] == as_user["rows"] and r.json()["totals"] == as_user["totals"]
        # A school of the other district: 404, as for the user, for the report, its options and its export.
        outside = {"organization_id": w.school_b.id}
        for path in ("", "/options", "/export"):
            url = f"/api/v1/reports/school.lists.students{path}"
            r = await client.get(url, params=outside, headers=headers)
            assert r.status_code == 404, (path, r.text)
            assert r.json()["error"]["code"] == "not_found"
            assert (await client.get(url, params=outside, headers=f.auth_headers(user))).status_code == 404
        inside = await client.get(
            "/api/v1/reports/school.lists.students", params={"organization_id": w.school_a.id}, headers=headers
        )
        assert inside.status_code == 200, inside.text
        opts = (await client.get("/api/v1/reports/registry/options", headers=headers)).json()
        assert [d["id"] for d in opts["districts"]] == [w.district_a.id]
    # The print page is for people.
    assert (await client.get("/api/v1/reports/registry/print", headers=key(secret))).status_code == 401


async def test_a_write_only_token_is_refused_on_reports(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    secret = await make_token(db, w.body_a.id, ["write"])
    for headers in (key(secret), {"Authorization": f"Bearer {secret}"}):
        for path in ("", "/registry", "/registry/options", "/registry/export?format=csv"):
            r = await client.get(f"/api/v1/reports{path}", headers=headers)
            assert r.status_code == 403, (path, r.text)
            assert r.json()["error"]["code"] == "forbidden" and "read" in r.json()["error"]["message"]
    assert (await client.get("/api/v1/reports", headers=key("bilim_unknown"))).status_code == 401
    assert (await client.get("/api/v1/reports")).status_code == 401


async def test_a_read_only_token_is_refused_on_integration_writes(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    item = {"external_id": "bio", "name_ru": "Биология", "name_kk": "Биология"}
    read_only = await make_token(db, w.body_a.id, ["read"], kinds=["subjects", "marks"])
    for method, kind in (("POST", "subjects"), ("DELETE", "marks")):
        body = {"items": [item]} if method == "POST" else {"external_ids": ["m1"]}
        r = await client.request(method, f"/api/v1/integration/{kind}", json=body, headers=key(read_only))
        assert r.status_code == 403, r.text
        assert r.json()["error"]["code"] == "forbidden" and "write" in r.json()["error"]["message"]
    assert await db.scalar(select(func.count()).select_from(Subject).where(Subject.name_ru == "Биология")) == 0
    # A token with both scopes writes and reads.
    both = await make_token(db, w.body_a.id, ["read", "write"], kinds=["subjects"])
    r = await client.post("/api/v1/integration/subjects", json={"items": [item]}, headers=key(both))
    assert r.status_code == 200, r.text
    assert (await client.get("/api/v1/reports/registry", headers=key(both))).status_code == 200


async def test_a_tokens_report_slots_are_its_own(client: httpx.AsyncClient, app: FastAPI, db: AsyncSession) -> None:
    w = await f.world(db)
    user = await f.app_user(db, w.body_a)
    secret = await make_token(db, w.body_a.id, ["read"])
    token_id = await db.scalar(select(ApiToken.id).where(ApiToken.token_hash == tokens.hash_token(secret)))
    assert token_id is not None
    limits: ReportLimits = app.state.report_limits
    async with AsyncExitStack() as running:
        for _ in range(limits.export.per_caller):
            await running.enter_async_context(limits.export.slot(token_key(token_id)))
        r = await client.get("/api/v1/reports/registry/export?format=csv", headers=key(secret))
        assert r.status_code == 429, r.text
        # The user of the same body is not held up by the token's exports, nor the token by the user's.
        assert (await client.get("/api/v1/reports/registry/export", headers=f.auth_headers(user))).status_code == 200
        assert limits.export.active(user_key(user.id)) == 0
    async with AsyncExitStack() as running:
        for _ in range(limits.export.per_caller):
            await running.enter_async_context(limits.export.slot(user_key(user.id)))
        r = await client.get("/api/v1/reports/registry/export?format=csv", headers=key(secret))
        assert r.status_code == 200, r.text


async def test_a_tokens_csv_export_is_audited_naming_the_token(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    secret = await make_token(db, w.body_a.id, ["read"])
    token_id = await db.scalar(select(ApiToken.id).where(ApiToken.token_hash == tokens.hash_token(secret)))
    r = await client.get("/api/v1/reports/registry/export", params={"format": "csv"}, headers=key(secret))
    assert r.status_code == 200, r.text
    (event,) = (await db.scalars(select(AuditEvent).where(AuditEvent.action == audit.EXPORT))).all()
    assert (event.actor_kind, event.actor_token_id, event.actor_user_id) == ("token", token_id, None)
    assert event.target_id == "registry" and event.details["query"]["format"] == "csv"
    assert event.organization_id == w.body_a.id
