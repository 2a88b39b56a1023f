"""Audit log: append-only in the database, who/what/where recorded, read by administrators within their subtree."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, ProgrammingError
from starlette.requests import Request

from api.config import Settings
from api.models import AuditEvent
from api.services import audit
from api.services.scope import Principal
from tests import factories as f


def make_request(
    peer: str = "203.0.113.7",
    headers: dict[str, str] | None = None,
    trusted: list[str] | None = None,
    principal: Principal | None = None,
) -> Request:
    app = SimpleNamespace(state=SimpleNamespace(settings=Settings(trusted_proxies=trusted or [])))
    raw = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    scope: dict[str, Any] = {
        "type": "http",
        "method": "GET",
        "path": "/api/v1/people",
        "headers": raw,
        "client": (peer, 5555),
        "app": app,
        "state": {},
        "query_string": b"",
    }
    req = Request(scope)
    if principal is not None:
        req.state.principal = principal
    return req


def principal_of(user: Any) -> Principal:
    return Principal(
        user_id=user.id,
        person_id=None,
        organization_id=user.organization_id,
        role=user.app_role,
        username=user.username,
    )


async def test_record_writes_who_what_when_where(db):
    w = await f.world(db)
    user = await f.app_user(db, w.body_a, role="employee")
    req = make_request(headers={"User-Agent": "pytest"}, principal=principal_of(user))
    before = datetime.now(UTC) - timedelta(seconds=5)
    ev = await audit.record(
        db, req, action=audit.PEOPLE_READ, target_kind="organization", target_id=w.school_a.id, details={"n": 3}
    )
    row = await db.scalar(select(AuditEvent).where(AuditEvent.id == ev.id))
    assert row is not None
    await db.refresh(row)
    assert row.actor_kind == "user" and row.actor_user_id == user.id and row.actor_name == user.username
    assert row.organization_id == w.body_a.id  # defaults to the actor's body: its admins see it
    assert row.action == "people.read" and row.target_kind == "organization" and row.target_id == str(w.school_a.id)
    assert str(row.ip) == "203.0.113.7" and row.path == "/api/v1/people" and row.user_agent == "pytest"
    assert row.details == {"n": 3}
    assert row.occurred_at.tzinfo is not None and row.occurred_at >= before


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log"]
)
async def test_rows_cannot_be_updated_or_deleted_even_by_the_owner(db, statement):
    await audit.record(db, make_request(), action="test.event")
    with pytest.raises(DBAPIError) as err:
        async with db.begin_nested():
            await db.execute(text(statement))
    assert "append-only" in str(err.value)
    assert await db.scalar(select(AuditEvent.id).where(AuditEvent.action == "test.event")) is not None


async def test_an_app_role_with_insert_and_select_only_cannot_change_the_log(db):
    await audit.record(db, make_request(), action="test.role")
    # Roles are created inside the test's transaction and vanish with its rollback.
    await db.execute(text("CREATE ROLE bilim_audit_probe NOLOGIN"))
    await db.execute(text("GRANT SELECT, INSERT ON audit_log TO bilim_audit_probe"))
    await db.execute(text("GRANT USAGE ON SEQUENCE audit_log_id_seq TO bilim_audit_probe"))
    async with db.begin_nested():
        await db.execute(text("SET LOCAL ROLE bilim_audit_probe"))
        await db.execute(text("INSERT INTO audit_log (actor_kind, action) VALUES ('anonymous', 'test.insert')"))
        await db.execute(text("RESET ROLE"))
    for statement in ("UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(ProgrammingError) as err:
            async with db.begin_nested():
                await db.execute(text("SET LOCAL ROLE bilim_audit_probe"))
                await db.execute(text(statement))
        assert "permission denied" in str(err.value)


def test_client_ip_ignores_forwarded_for_from_untrusted_peers():
    req = make_request(peer="198.51.100.1", headers={"X-Forwarded-For": "1.2.3.4"})
    assert audit.client_ip(req) == "198.51.100.1"


def test_client_ip_takes_the_nearest_untrusted_hop_behind_trusted_proxies():
    req = make_request(
        peer="10.0.0.5",
        headers={"X-Forwarded-For": "6.6.6.6, 203.0.113.9, 10.0.0.4"},
        trusted=["10.0.0.0/8"],
    )
    # 6.6.6.6 was supplied by the client and cannot be trusted; 203.0.113.9 connected to our proxy.
    assert audit.client_ip(req) == "203.0.113.9"


def test_client_ip_survives_garbage_in_forwarded_for():
    req = make_request(peer="10.0.0.5", headers={"X-Forwarded-For": "not-an-ip"}, trusted=["10.0.0.0/8"])
    assert audit.client_ip(req) == "10.0.0.5"


async def test_admin_reads_only_their_subtree(client, db):
    w = await f.world(db)
    admin_a = await f.app_user(db, w.body_a, role="admin")
    user_a = await f.app_user(db, w.body_a)
    user_b = await f.app_user(db, w.body_b)
    await audit.record(db, make_request(principal=principal_of(user_a)), action="people.read", target_id="a")
    await audit.record(db, make_request(principal=principal_of(user_b)), action="people.read", target_id="b")
    await audit.record(db, make_request(), action="auth.login.failure", details={"username": "nobody"})

    r = await client.get("/api/v1/audit", headers=f.auth_headers(admin_a), params={"action": "people"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert [i["target_id"] for i in body["items"]] == ["a"]
    assert body["total"] == 1
    assert body["items"][0]["actor_user_id"] == user_a.id

    # Events tied to no organization (anonymous failures) are for the root body's administrators only.
    r = await client.get("/api/v1/audit", headers=f.auth_headers(admin_a), params={"action": "auth.login"})
    assert r.json()["total"] == 0
    root_admin = await f.app_user(db, w.ministry, role="admin")
    r = await client.get("/api/v1/audit", headers=f.auth_headers(root_admin), params={"action": "auth.login"})
    assert [i["details"] for i in r.json()["items"]] == [{"username": "nobody"}]
    r = await client.get("/api/v1/audit", headers=f.auth_headers(root_admin), params={"action": "people.read"})
    assert sorted(i["target_id"] for i in r.json()["items"]) == ["a", "b"]


async def test_filters_and_pagination(client, db):
    w = await f.world(db)
    admin = await f.app_user(db, w.regional_body, role="admin")
    user = await f.app_user(db, w.body_b)
    for i in range(5):
        await audit.record(db, make_request(principal=principal_of(user)), action="export", target_id=str(i))
    h = f.auth_headers(admin)
    r = await client.get("/api/v1/audit", headers=h, params={"action": "export", "limit": 2, "offset": 1})
    body = r.json()
    assert body["total"] == 5 and [i["target_id"] for i in body["items"]] == ["3", "2"]
    r = await client.get("/api/v1/audit", headers=h, params={"actor_user_id": user.id, "target_id": "4"})
    assert [i["target_id"] for i in r.json()["items"]] == ["4"]
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    r = await client.get("/api/v1/audit", headers=h, params={"since": future})
    assert r.json()["total"] == 0
    r = await client.get("/api/v1/audit", headers=h, params={"organization_id": w.body_b.id})
    assert r.status_code == 200 and r.json()["total"] == 5  # the events belong to the actor's body B
    h_a = f.auth_headers(await f.app_user(db, w.body_a, role="admin"))
    r = await client.get("/api/v1/audit", headers=h_a, params={"organization_id": w.body_b.id})
    assert r.status_code == 404  # another district's organization: no hint that it exists


async def test_bad_filters_are_422_naming_the_field(client, db):
    w = await f.world(db)
    h = f.auth_headers(await f.app_user(db, w.body_a, role="admin"))
    r = await client.get("/api/v1/audit", headers=h, params={"limit": 0})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "limit"
    r = await client.get(
        "/api/v1/audit", headers=h, params={"since": "2026-01-02T00:00:00Z", "until": "2026-01-01T00:00:00Z"}
    )
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "until"


async def test_employees_and_anonymous_cannot_read_the_log(client, db):
    w = await f.world(db)
    r = await client.get("/api/v1/audit", headers=f.auth_headers(await f.app_user(db, w.body_a)))
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    r = await client.get("/api/v1/audit")
    assert r.status_code == 401


async def denials(db, path: str) -> list[AuditEvent]:
    rows = await db.scalars(
        select(AuditEvent).where(AuditEvent.action == audit.ACCESS_DENIED, AuditEvent.target_id == path)
    )
    return list(rows.all())


async def test_each_denial_is_logged_once_with_its_reason(client, db):
    w = await f.world(db)
    employee = await f.app_user(db, w.body_a)
    r = await client.get("/api/v1/audit", headers={"X-Forwarded-For": "6.6.6.6"})
    assert r.status_code == 401
    r = await client.get("/api/v1/audit", headers=f.auth_headers(employee))
    assert r.status_code == 403
    r = await client.get("/api/v1/audit", headers={"Authorization": "Bearer not-a-token"})
    assert r.status_code == 401
    rows = await denials(db, "/api/v1/audit")
    assert [(e.actor_kind, e.details["status"], e.details["credentials_sent"]) for e in rows] == [
        ("anonymous", 401, False),
        ("user", 403, True),
        ("anonymous", 401, True),
    ]
    assert rows[1].actor_user_id == employee.id and rows[1].organization_id == w.body_a.id
    assert str(rows[0].ip) == "127.0.0.1"  # httpx's ASGI peer; X-Forwarded-For from an untrusted peer is ignored
    assert all("not-a-token" not in str(e.details) for e in rows)


async def test_unknown_api_paths_are_not_denials(client, db):
    r = await client.get("/api/v1/no-such-thing")
    assert r.status_code == 404
    assert await denials(db, "/api/v1/no-such-thing") == []


async def reads(db, action: str) -> list[AuditEvent]:
    rows = await db.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
    return list(rows.all())


async def test_reads_of_personal_data_and_exports_are_logged(client, db):
    w = await f.world(db)
    user = await f.app_user(db, w.body_a)
    h = f.auth_headers(user)
    r = await client.get(f"/api/v1/organizations/{w.school_a.id}/people", headers=h, params={"q": "Ахметова"})
    assert r.status_code == 200, r.text
    r = await client.get("/api/v1/reports/school.lists.students", headers=h, params={"organization_id": w.school_a.id})
    assert r.status_code == 200, r.text
    r = await client.get("/api/v1/reports/registry/export", headers=h)
    assert r.status_code == 200, r.text
    r = await client.get("/api/v1/reports/registry", headers=h)  # no personal data: not logged
    assert r.status_code == 200, r.text

    (people,) = await reads(db, audit.PEOPLE_READ)
    assert (people.actor_user_id, people.target_kind, people.target_id) == (user.id, "organization", str(w.school_a.id))
    assert people.details["query"] == {"q": "Ахметова"} and people.organization_id == w.body_a.id
    (students,) = await reads(db, audit.STUDENTS_READ)
    assert students.target_id == "school.lists.students"
    assert students.details["query"]["organization_id"] == str(w.school_a.id)
    (export,) = await reads(db, audit.EXPORT)
    assert export.target_id == "registry" and export.details["students"] is False


async def test_refused_reads_are_denials_not_reads(client, db):
    w = await f.world(db)
    h = f.auth_headers(await f.app_user(db, w.body_a))
    r = await client.get(f"/api/v1/organizations/{w.school_b.id}/people", headers=h)  # another district
    assert r.status_code == 404
    assert await reads(db, audit.PEOPLE_READ) == []
    assert len(await denials(db, f"/api/v1/organizations/{w.school_b.id}/people")) == 1


async def test_events_of_integration_calls_name_the_token(db):
    from api.services.integration.tokens import create_token

    w = await f.world(db)
    row, token = await create_token(
        db, name="kundelik", organization_id=w.body_a.id, external_system="kundelik", kinds=["marks"], created_by=None
    )
    # The integration dependency leaves the token on the request; events recorded then name it.
    req = make_request()
    from api.routers.integration import token_principal

    await token_principal(req, db, token, None)
    event = await audit.record(db, req, action="integration.test")
    assert (event.actor_kind, event.actor_token_id, event.actor_name) == ("token", row.id, "kundelik")
    assert event.organization_id == w.body_a.id
