"""/api/v1/accounts: administration of the accounts of management bodies within the admin's subtree."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import httpx
from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from api.config import PROJECT_ROOT
from api.models import Organization, Person, User
from api.models.audit import AuditEvent
from api.models.auth import RefreshToken
from tests import factories as f

ACCOUNTS = "/api/v1/accounts"
LOGIN = "/api/v1/auth/login"
ME = "/api/v1/auth/me"


def _new(org_id: int, **kw: object) -> dict[str, object]:
    body: dict[str, object] = {"username": f"acc{uuid.uuid4().hex[:8]}", "password": "long-enough-1"}
    body["organization_id"] = org_id
    body.update(kw)
    return body


def _field(r: httpx.Response) -> str:
    return str(r.json()["error"]["details"][0]["field"])


async def test_list_is_scoped_to_the_admins_subtree(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    admin = await f.app_user(db, w.regional_body, role="admin", username="reg.admin")
    in_a = await f.app_user(db, w.body_a, username="in.a")
    in_b = await f.app_user(db, w.body_b, username="in.b")
    await f.app_user(db, w.ministry, username="above")
    await f.add(db, User(organization_id=w.school_a.id, username="school.user", status="active"))  # no app role
    r = await client.get(ACCOUNTS, headers=f.auth_headers(admin))
    assert r.status_code == 200, r.text
    names = [a["username"] for a in r.json()["items"]]
    assert names == ["in.a", "in.b", "reg.admin"] and r.json()["total"] == 3

    only_a = (await client.get(ACCOUNTS, params={"organization_id": w.body_a.id}, headers=f.auth_headers(admin))).json()
    assert [a["id"] for a in only_a["items"]] == [in_a.id]
    assert only_a["items"][0]["organization"] == {
        "id": w.body_a.id,
        "kind": "district_body",
        "name_ru": "Отдел образования А",
        "name_kk": None,
    }
    outside = await client.get(ACCOUNTS, params={"organization_id": w.ministry.id}, headers=f.auth_headers(admin))
    assert outside.status_code == 404

    found = (await client.get(ACCOUNTS, params={"q": "IN.B"}, headers=f.auth_headers(admin))).json()
    assert [a["id"] for a in found["items"]] == [in_b.id]
    assert (await client.get(ACCOUNTS, params={"q": "%"}, headers=f.auth_headers(admin))).json()["total"] == 0
    admins = (await client.get(ACCOUNTS, params={"role": "admin"}, headers=f.auth_headers(admin))).json()
    assert [a["username"] for a in admins["items"]] == ["reg.admin"]
    page = (await client.get(ACCOUNTS, params={"limit": 1, "offset": 1}, headers=f.auth_headers(admin))).json()
    assert page["total"] == 3 and [a["username"] for a in page["items"]] == ["in.b"]

    district_admin = await f.app_user(db, w.body_a, role="admin")
    seen = {a["id"] for a in (await client.get(ACCOUNTS, headers=f.auth_headers(district_admin))).json()["items"]}
    assert in_a.id in seen and in_b.id not in seen and admin.id not in seen


async def test_employees_cannot_administer(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    employee = await f.app_user(db, w.regional_body)
    other = await f.app_user(db, w.body_a)
    h = f.auth_headers(employee)
    assert (await client.get(ACCOUNTS, headers=h)).status_code == 403
    assert (await client.post(ACCOUNTS, headers=h, json=_new(w.body_a.id))).status_code == 403
    assert (await client.patch(f"{ACCOUNTS}/{employee.id}", headers=h, json={"role": "admin"})).status_code == 403
    assert (
        await client.post(f"{ACCOUNTS}/{other.id}/password", headers=h, json={"password": "x" * 10})
    ).status_code == 403
    assert (await client.get(ACCOUNTS)).status_code == 401


async def test_create_account_with_a_new_person(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    admin = await f.app_user(db, w.regional_body, role="admin")
    body = _new(
        w.body_a.id,
        username="  New.Employee ",
        person={"surname": "Ахметов", "first_name": "Ерлан", "email": "e.akhmetov@example.kz"},
    )
    r = await client.post(ACCOUNTS, headers=f.auth_headers(admin), json=body)
    assert r.status_code == 201, r.text
    account = r.json()
    assert account["username"] == "new.employee" and account["role"] == "employee"
    assert account["full_name"] == "Ахметов Ерлан" and account["status"] == "active"
    person = await db.scalar(select(Person).where(Person.id == account["person_id"]))
    assert person is not None and person.region_id == w.region.id
    login = await client.post(LOGIN, json={"username": "new.employee", "password": "long-enough-1"})
    assert login.status_code == 200
    events = (await db.scalars(select(AuditEvent).where(AuditEvent.target_id == str(account["id"])))).all()
    assert [(e.action, e.details["change"]) for e in events if e.action == "account.change"] == [
        ("account.change", "created")
    ]
    assert all("long-enough-1" not in str(e.details) for e in events)


async def test_create_account_for_an_existing_person_in_scope(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    admin = await f.app_user(db, w.body_a, role="admin")
    mine = await f.person(db)
    await f.staff_post(db, w.body_a, mine, role_kind="specialist")
    theirs = await f.person(db)
    await f.staff_post(db, w.body_b, theirs, role_kind="specialist")
    h = f.auth_headers(admin)
    r = await client.post(ACCOUNTS, headers=h, json=_new(w.body_a.id, person_id=mine.id))
    assert r.status_code == 201 and r.json()["person_id"] == mine.id
    again = await client.post(ACCOUNTS, headers=h, json=_new(w.body_a.id, person_id=mine.id))
    assert again.status_code == 409 and _field(again) == "person_id"
    outside = await client.post(ACCOUNTS, headers=h, json=_new(w.body_a.id, person_id=theirs.id))
    assert outside.status_code == 422 and _field(outside) == "person_id"
    both = await client.post(
        ACCOUNTS, headers=h, json=_new(w.body_a.id, person_id=mine.id, person={"surname": "А", "first_name": "Б"})
    )
    assert both.status_code == 422 and _field(both) == "person"


async def test_create_validation_names_the_field(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    admin = await f.app_user(db, w.regional_body, role="admin")
    await f.app_user(db, w.body_a, username="taken.name")
    h = f.auth_headers(admin)
    cases = [
        (_new(w.body_a.id, username="taken.name"), 409, "username"),
        (_new(w.body_a.id, username="no spaces"), 422, "username"),
        (_new(w.body_a.id, username="ab"), 422, "username"),
        (_new(w.body_a.id, password="short"), 422, "password"),
        (_new(w.body_a.id, role="superadmin"), 422, "role"),
        (_new(w.school_a.id), 422, "organization_id"),  # schools have no accounts here
        (_new(w.ministry.id), 422, "organization_id"),  # above the admin's body
        (_new(987654321), 422, "organization_id"),
        (_new(w.body_a.id, person={"surname": " ", "first_name": "Б"}), 422, "person.surname"),
        (_new(w.body_a.id, person={"surname": "А", "first_name": "Б", "email": "nope"}), 422, "person.email"),
        (_new(w.body_a.id, is_superuser=True), 422, "is_superuser"),
        ({"username": "x.y.z"}, 422, "password"),
    ]
    for body, status, field in cases:
        r = await client.post(ACCOUNTS, headers=h, json=body)
        assert (r.status_code, _field(r)) == (status, field), f"{body}: {r.status_code} {r.text}"
        assert field in r.json()["error"]["message"]
    outside_and_unknown = [
        (await client.post(ACCOUNTS, headers=h, json=_new(org))).json()["error"]["message"].split(" ")[-3:]
        for org in (w.ministry.id, 987654321)
    ]
    assert outside_and_unknown[0] == outside_and_unknown[1]  # no hint whether the organization exists


async def test_an_admin_cannot_escalate_or_reach_outside_the_subtree(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    w = await f.world(db)
    admin_a = await f.app_user(db, w.body_a, role="admin")
    regional_admin = await f.app_user(db, w.regional_body, role="admin")
    employee_a = await f.app_user(db, w.body_a)
    employee_b = await f.app_user(db, w.body_b)
    h = f.auth_headers(admin_a)
    # Not the regional body's accounts, not the other district's: 404, as if they did not exist.
    assert (await client.get(f"{ACCOUNTS}/{regional_admin.id}", headers=h)).status_code == 404
    assert (
        await client.patch(f"{ACCOUNTS}/{employee_b.id}", headers=h, json={"status": "disabled"})
    ).status_code == 404
    r = await client.post(f"{ACCOUNTS}/{regional_admin.id}/password", headers=h, json={"password": "taken-over-1"})
    assert r.status_code == 404
    # Not moving anyone (themselves included) up or sideways out of the subtree.
    for org in (w.regional_body.id, w.body_b.id, w.ministry.id):
        r = await client.patch(f"{ACCOUNTS}/{employee_a.id}", headers=h, json={"organization_id": org})
        assert r.status_code == 422 and _field(r) == "organization_id"
    r = await client.patch(f"{ACCOUNTS}/{admin_a.id}", headers=h, json={"organization_id": w.regional_body.id})
    assert r.status_code == 422
    # Not creating accounts above.
    r = await client.post(ACCOUNTS, headers=h, json=_new(w.regional_body.id, role="admin"))
    assert r.status_code == 422 and _field(r) == "organization_id"
    # Not changing their own role, status or organization.
    r = await client.patch(f"{ACCOUNTS}/{admin_a.id}", headers=h, json={"status": "disabled"})
    assert r.status_code == 403
    # Nothing changed on the way.
    for user in (regional_admin, employee_a, employee_b, admin_a):
        await db.refresh(user)
        assert user.token_version == 0 and user.status == "active"
    assert regional_admin.organization_id == w.regional_body.id and employee_a.organization_id == w.body_a.id


async def test_an_employee_cannot_make_themselves_admin(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    employee = await f.app_user(db, w.body_a)
    h = f.auth_headers(employee)
    r = await client.patch(f"{ACCOUNTS}/{employee.id}", headers=h, json={"role": "admin"})
    assert r.status_code == 403
    r = await client.post(ACCOUNTS, headers=h, json=_new(w.body_a.id, role="admin"))
    assert r.status_code == 403
    await db.refresh(employee)
    assert employee.app_role == "employee"


async def test_change_role_organization_and_status_end_sessions(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    admin = await f.app_user(db, w.regional_body, role="admin")
    target = await f.app_user(db, w.body_a, username="changing")
    h = f.auth_headers(admin)
    for change in ({"role": "admin"}, {"organization_id": w.body_b.id}, {"status": "disabled"}):
        await db.execute(update_status(target.id, "active"))
        login = await client.post(LOGIN, json={"username": "changing", "password": "secret-pass-1"})
        assert login.status_code == 200, (change, login.text)
        old = {"Authorization": f"Bearer {login.json()['access_token']}"}
        assert (await client.get(ME, headers=old)).status_code == 200
        r = await client.patch(f"{ACCOUNTS}/{target.id}", headers=h, json=change)
        assert r.status_code == 200, r.text
        assert (await client.get(ME, headers=old)).status_code == 401, change
        live = await db.scalar(
            select(RefreshToken.id).where(RefreshToken.user_id == target.id, RefreshToken.revoked_at.is_(None))
        )
        assert live is None, change
    await db.refresh(target)
    assert target.app_role == "admin" and target.organization_id == w.body_b.id and target.status == "disabled"
    assert target.token_version == 3
    # Disabled: no login. Enabled again: login works.
    assert (await client.post(LOGIN, json={"username": "changing", "password": "secret-pass-1"})).status_code == 401
    r = await client.patch(f"{ACCOUNTS}/{target.id}", headers=h, json={"status": "active"})
    assert r.status_code == 200 and r.json()["status"] == "active"
    assert (await client.post(LOGIN, json={"username": "changing", "password": "secret-pass-1"})).status_code == 200


def update_status(user_id: int, status: str):  # type: ignore[no-untyped-def]
    from sqlalchemy import update

    return update(User).where(User.id == user_id).values(status=status)


async def test_unchanged_values_keep_the_sessions(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    admin = await f.app_user(db, w.regional_body, role="admin")
    target = await f.app_user(db, w.body_a)
    r = await client.patch(
        f"{ACCOUNTS}/{target.id}",
        headers=f.auth_headers(admin),
        json={"role": "employee", "organization_id": w.body_a.id, "status": "active"},
    )
    assert r.status_code == 200
    await db.refresh(target)
    assert target.token_version == 0
    empty = await client.patch(f"{ACCOUNTS}/{target.id}", headers=f.auth_headers(admin), json={})
    assert empty.status_code == 422


async def test_reset_password(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    admin = await f.app_user(db, w.regional_body, role="admin")
    target = await f.app_user(db, w.body_a, username="forgetful")
    old_token = f.auth_headers(target)
    r = await client.post(f"{ACCOUNTS}/{target.id}/password", headers=f.auth_headers(admin), json={"password": "short"})
    assert r.status_code == 422 and _field(r) == "password"
    r = await client.post(
        f"{ACCOUNTS}/{target.id}/password", headers=f.auth_headers(admin), json={"password": "brand-new-pass"}
    )
    assert r.status_code == 204
    assert (await client.get(ME, headers=old_token)).status_code == 401
    assert (await client.post(LOGIN, json={"username": "forgetful", "password": "secret-pass-1"})).status_code == 401
    assert (await client.post(LOGIN, json={"username": "forgetful", "password": "brand-new-pass"})).status_code == 200
    stored = await db.scalar(select(User.password_hash).where(User.id == target.id))
    assert stored is not None and stored.startswith("$argon2id$")


async def test_get_account(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    admin = await f.app_user(db, w.regional_body, role="admin")
    target = await f.app_user(db, w.body_b, username="looked.up")
    r = await client.get(f"{ACCOUNTS}/{target.id}", headers=f.auth_headers(admin))
    assert r.status_code == 200 and r.json()["username"] == "looked.up"
    assert (await client.get(f"{ACCOUNTS}/2147483647", headers=f.auth_headers(admin))).status_code == 404
    assert (await client.get(f"{ACCOUNTS}/99999999999", headers=f.auth_headers(admin))).status_code == 422
    school_user = await f.add(db, User(organization_id=w.school_b.id, username="school.only", status="active"))
    assert (await client.get(f"{ACCOUNTS}/{school_user.id}", headers=f.auth_headers(admin))).status_code == 404


def test_create_user_command(database_url: str) -> None:
    """`python -m api create-user` creates the first administrator in a real (committed) database."""
    import asyncio

    name = f"cli{uuid.uuid4().hex[:8]}"

    async def _setup() -> int:
        eng = create_async_engine(database_url, poolclass=NullPool)
        async with eng.begin() as conn:
            org_id = await conn.scalar(
                text("INSERT INTO organizations (kind, name_ru) VALUES ('ministry', 'Министерство CLI') RETURNING id")
            )
        await eng.dispose()
        return int(org_id)

    async def _check_and_clean(org_id: int) -> tuple[str | None, str | None, int | None]:
        eng = create_async_engine(database_url, poolclass=NullPool)
        async with eng.begin() as conn:
            row = (
                await conn.execute(
                    select(User.app_role, User.password_hash, User.organization_id).where(User.username == name)
                )
            ).first()
            await conn.execute(delete(User).where(User.organization_id == org_id))
            await conn.execute(delete(Organization).where(Organization.id == org_id))
        await eng.dispose()
        return (row[0], row[1], row[2]) if row else (None, None, None)

    org_id = asyncio.run(_setup())
    env = {**os.environ, "DATABASE_URL": database_url, "BILIM_ENVIRONMENT": "test"}
    cmd = [sys.executable, "-m", "api", "create-user", "--username", name, "--organization-id", str(org_id)]
    try:
        ok = subprocess.run(
            [*cmd, "--password", "first-admin-1", "--role", "admin"],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert ok.returncode == 0, ok.stderr
        assert f"created admin '{name}'" in ok.stdout
        bad = subprocess.run(
            [*cmd[:4], "x y", *cmd[5:], "--password", "first-admin-1"],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert bad.returncode == 2 and "username" in bad.stderr
        duplicate = subprocess.run(
            [*cmd, "--password", "first-admin-1"],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert duplicate.returncode == 2 and "already taken" in duplicate.stderr
    finally:
        role, password_hash, org = asyncio.run(_check_and_clean(org_id))
    assert role == "admin" and org == org_id
    assert password_hash is not None and password_hash.startswith("$argon2id$")


async def test_an_admin_sets_their_own_password_only_with_the_current_one(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    w = await f.world(db)
    admin = await f.app_user(db, w.regional_body, role="admin", username="self.reset")
    r = await client.post(
        f"{ACCOUNTS}/{admin.id}/password", headers=f.auth_headers(admin), json={"password": "taken-over-pass"}
    )
    assert r.status_code == 403 and "/auth/password" in r.json()["error"]["message"]
    assert (await client.post(LOGIN, json={"username": "self.reset", "password": "secret-pass-1"})).status_code == 200


async def test_administrators_of_one_body_do_not_manage_each_other(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    admin = await f.app_user(db, w.regional_body, role="admin")
    peer = await f.app_user(db, w.regional_body, role="admin", username="peer.admin")
    colleague = await f.app_user(db, w.regional_body, username="peer.employee")
    below = await f.app_user(db, w.body_a, role="admin", username="below.admin")
    headers = f.auth_headers(admin)
    refused = [
        await client.patch(f"{ACCOUNTS}/{peer.id}", headers=headers, json={"status": "disabled"}),
        await client.patch(f"{ACCOUNTS}/{peer.id}", headers=headers, json={"role": "employee"}),
        await client.patch(f"{ACCOUNTS}/{peer.id}", headers=headers, json={"organization_id": w.body_a.id}),
        await client.post(f"{ACCOUNTS}/{peer.id}/password", headers=headers, json={"password": "taken-over-pass"}),
    ]
    assert [r.status_code for r in refused] == [403] * 4, [r.text for r in refused]
    stored = await db.scalar(select(User).where(User.id == peer.id).execution_options(populate_existing=True))
    assert stored is not None and (stored.status, stored.app_role, stored.organization_id) == (
        "active",
        "admin",
        w.regional_body.id,
    )
    # An employee of one's own body, and an administrator of a body below, are managed as before.
    assert (
        await client.patch(f"{ACCOUNTS}/{colleague.id}", headers=headers, json={"status": "disabled"})
    ).status_code == 200
    r = await client.post(f"{ACCOUNTS}/{below.id}/password", headers=headers, json={"password": "brand-new-pass"})
    assert r.status_code == 204
    assert (await client.patch(f"{ACCOUNTS}/{below.id}", headers=headers, json={"role": "employee"})).status_code == 200
    # The body above handles them: the ministry's administrator may disable the regional one.
    ministry_admin = await f.app_user(db, w.ministry, role="admin")
    r = await client.patch(f"{ACCOUNTS}/{peer.id}", headers=f.auth_headers(ministry_admin), json={"status": "disabled"})
    assert r.status_code == 200
