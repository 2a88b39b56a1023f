"""POST /auth/login, /auth/refresh, /auth/logout, GET /auth/me: tokens, rotation, presence."""

from __future__ import annotations

import base64
import json
import time
from datetime import UTC, datetime, timedelta

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwt
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.config import get_settings
from api.models import User, Visit
from api.models.audit import AuditEvent
from api.models.auth import RefreshToken
from api.services import tokens
from tests import factories as f

LOGIN = "/api/v1/auth/login"
REFRESH = "/api/v1/auth/refresh"
LOGOUT = "/api/v1/auth/logout"
ME = "/api/v1/auth/me"
COOKIE = "bilim_refresh"


async def login(client: httpx.AsyncClient, username: str, password: str = "secret-pass-1") -> httpx.Response:
    return await client.post(LOGIN, json={"username": username, "password": password})


async def refresh_with(client: httpx.AsyncClient, token: str | None, url: str = REFRESH) -> httpx.Response:
    """POST with exactly this refresh cookie (or none) in the client's jar."""
    client.cookies.clear()
    if token is not None:
        client.cookies.set(COOKIE, token)
    return await client.post(url)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims(user: User, kind: str = "access", **over: object) -> dict[str, object]:
    now = int(time.time())
    claims: dict[str, object] = {
        "sub": str(user.id),
        "ver": user.token_version,
        "typ": kind,
        "iat": now,
        "exp": now + 600,
        "jti": "x",
    }
    claims.update(over)
    return claims


async def test_login_answers_token_and_sets_refresh_cookie(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    user = await f.app_user(db, w.body_a, username="anna.k")
    r = await login(client, "anna.k")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == get_settings().access_token_ttl_seconds
    assert r.headers["cache-control"] == "no-store"
    cookie = r.headers["set-cookie"].lower()
    assert cookie.startswith(f"{COOKIE}=")
    for attribute in ("httponly", "samesite=strict", "path=/api/v1/auth", "max-age="):
        assert attribute in cookie
    claims = tokens.decode(get_settings(), body["access_token"], "access")
    assert claims["sub"] == str(user.id)
    me = await client.get(ME, headers=bearer(body["access_token"]))
    assert me.status_code == 200 and me.json()["username"] == "anna.k"


async def test_login_is_case_insensitive_on_username(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    await f.app_user(db, w.body_a, username="district.city")
    assert (await login(client, "  District.City ")).status_code == 200


async def test_unknown_user_wrong_password_disabled_and_school_user_get_the_same_answer(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    w = await f.world(db)
    await f.app_user(db, w.body_a, username="known.user")
    disabled = await f.app_user(db, w.body_a, username="gone.user")
    disabled.status = "disabled"
    # A school user from the school systems: an account without an app role cannot log in here.
    school = await f.add(db, User(organization_id=w.school_a.id, username="teacher.one", status="active"))
    await db.flush()
    answers = [
        await login(client, "nobody.here"),
        await login(client, "known.user", "wrong-password"),
        await login(client, "gone.user"),
        await login(client, school.username or ""),
    ]
    assert {a.status_code for a in answers} == {401}
    assert len({a.text for a in answers}) == 1
    assert "set-cookie" not in answers[0].headers


async def test_login_validation_names_the_field(client: httpx.AsyncClient) -> None:
    r = await client.post(LOGIN, json={"username": "someone"})
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["field"] == "password"
    r = await client.post(LOGIN, json={"username": "a", "password": "b", "remember": True})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "remember"


async def test_stored_hashes_are_argon2id(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    admin = await f.app_user(db, w.regional_body, role="admin")
    r = await client.post(
        "/api/v1/accounts",
        headers=f.auth_headers(admin),
        json={"username": "new.hash", "password": "long-enough-1", "organization_id": w.body_a.id},
    )
    assert r.status_code == 201, r.text
    stored = await db.scalar(select(User.password_hash).where(User.username == "new.hash"))
    assert stored is not None and stored.startswith("$argon2id$")
    assert "long-enough-1" not in stored
    refresh_hashes = (await db.scalars(select(RefreshToken.token_hash))).all()
    login_r = await login(client, "new.hash", "long-enough-1")
    cookie = login_r.cookies[COOKIE]
    new_hashes = set((await db.scalars(select(RefreshToken.token_hash))).all()) - set(refresh_hashes)
    assert len(new_hashes) == 1 and cookie not in new_hashes  # refresh tokens are stored as SHA-256 only


async def test_forged_and_misused_tokens_are_401(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    user = await f.app_user(db, w.body_a)
    secret = get_settings().secret_key
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    valid = f.auth_headers(user)["Authorization"].split()[1]
    header, payload, signature = valid.split(".")
    bad_signature = f"{header}.{payload}.{signature[:-4]}{'AAAA' if not signature.endswith('AAAA') else 'BBBB'}"
    forged = {
        "alg none": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims(user))}.",
        "alg None, signature kept": f"{_b64({'alg': 'None', 'typ': 'JWT'})}.{payload}.{signature}",
        "HS512 with the real secret": jwt.encode(_claims(user), secret, algorithm="HS512"),
        "RS256 with a foreign key": jwt.encode(_claims(user), pem.decode(), algorithm="RS256"),
        "bad signature": bad_signature,
        "another secret": jwt.encode(_claims(user), "not-the-secret-" * 4, algorithm="HS256"),
        "expired": jwt.encode(_claims(user, exp=int(time.time()) - 5), secret, algorithm="HS256"),
        "no exp": jwt.encode({k: v for k, v in _claims(user).items() if k != "exp"}, secret, algorithm="HS256"),
        "refresh token as access": jwt.encode(_claims(user, "refresh"), secret, algorithm="HS256"),
        "no kind": jwt.encode({k: v for k, v in _claims(user).items() if k != "typ"}, secret, algorithm="HS256"),
        "old token version": jwt.encode(_claims(user, ver=user.token_version + 1), secret, algorithm="HS256"),
        "unknown user": jwt.encode(_claims(user, sub="999999999"), secret, algorithm="HS256"),
        "garbage": "not.a.token",
    }
    assert (await client.get(ME, headers=bearer(valid))).status_code == 200
    for name, token in forged.items():
        r = await client.get(ME, headers=bearer(token))
        assert r.status_code == 401, f"{name}: {r.status_code} {r.text}"
        assert r.json()["error"]["code"] == "unauthorized"
    assert (await client.get(ME)).status_code == 401
    assert (await client.get(ME, headers={"Authorization": f"Basic {valid}"})).status_code == 401


async def test_access_token_is_not_a_refresh_token(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    user = await f.app_user(db, w.body_a)
    access = f.auth_headers(user)["Authorization"].split()[1]
    r = await refresh_with(client, access)
    assert r.status_code == 401
    # A validly signed refresh token that was never issued (not in the table) is refused too.
    never_issued = tokens.encode(get_settings(), user_id=user.id, token_version=0, kind="refresh", ttl_seconds=60)
    assert (await refresh_with(client, never_issued)).status_code == 401
    assert (await refresh_with(client, None)).status_code == 401


async def test_role_change_invalidates_old_tokens_at_once(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    admin = await f.app_user(db, w.regional_body, role="admin")
    user = await f.app_user(db, w.body_a, username="role.change")
    logged = await login(client, "role.change")
    old_access, old_refresh = logged.json()["access_token"], logged.cookies[COOKIE]
    assert (await client.get(ME, headers=bearer(old_access))).status_code == 200
    r = await client.patch(f"/api/v1/accounts/{user.id}", headers=f.auth_headers(admin), json={"role": "admin"})
    assert r.status_code == 200, r.text
    assert (await client.get(ME, headers=bearer(old_access))).status_code == 401
    assert (await refresh_with(client, old_refresh)).status_code == 401
    again = await login(client, "role.change")
    me = await client.get(ME, headers=bearer(again.json()["access_token"]))
    assert me.json()["role"] == "admin"


async def test_refresh_rotates_and_reuse_revokes_the_family(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    await f.app_user(db, w.body_a, username="rotating")
    first = (await login(client, "rotating")).cookies[COOKIE]
    r = await refresh_with(client, first)
    assert r.status_code == 200, r.text
    second = r.cookies[COOKIE]
    assert second != first
    assert (await client.get(ME, headers=bearer(r.json()["access_token"]))).status_code == 200
    # The spent token comes back (stolen): refused, and the whole family dies, the new token included.
    reuse = await refresh_with(client, first)
    assert reuse.status_code == 401
    assert "already used" in reuse.json()["error"]["message"]
    assert (await refresh_with(client, second)).status_code == 401
    rows = (await db.scalars(select(RefreshToken).where(RefreshToken.user_id.in_(select(User.id))))).all()
    family = {row.family_id for row in rows if row.revoke_reason == "reuse"}
    assert len(family) == 1
    # Another login (another family) is unaffected.
    other = (await login(client, "rotating")).cookies[COOKIE]
    assert (await refresh_with(client, other)).status_code == 200


async def test_logout_revokes_the_login_and_clears_the_cookie(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    await f.app_user(db, w.body_a, username="leaving")
    token = (await login(client, "leaving")).cookies[COOKIE]
    r = await refresh_with(client, token, LOGOUT)
    assert r.status_code == 204
    assert f'{COOKIE}=""' in r.headers["set-cookie"] or "max-age=0" in r.headers["set-cookie"].lower()
    assert (await refresh_with(client, token)).status_code == 401
    assert (await refresh_with(client, None, LOGOUT)).status_code == 204  # without a cookie: nothing to do


async def test_me_returns_person_organization_and_scope(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    p = await f.person(db, "Иванова", "Анна", sex="F", patronymic="Сергеевна")
    user = await f.app_user(db, w.regional_body, person=p)
    body = (await client.get(ME, headers=f.auth_headers(user))).json()
    assert body["person"]["full_name"] == "Иванова Анна Сергеевна"
    assert body["organization"]["id"] == w.regional_body.id
    assert body["organization"]["name_ru"] == "Управление образования"
    assert body["role"] == "employee"
    assert body["scope"] == {
        "root_organization_id": w.regional_body.id,
        "organizations": 5,
        "schools": 2,
        "management_bodies": 3,
    }
    district = await f.app_user(db, w.body_a)
    scope = (await client.get(ME, headers=f.auth_headers(district))).json()["scope"]
    assert scope == {"root_organization_id": w.body_a.id, "organizations": 2, "schools": 1, "management_bodies": 1}


async def _visits(db: AsyncSession, user: User) -> int:
    return int(await db.scalar(select(func.count()).select_from(Visit).where(Visit.user_id == user.id)) or 0)


async def test_presence_records_last_seen_and_one_visit_per_day(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    user = await f.app_user(db, w.body_a)
    headers = f.auth_headers(user)
    assert user.last_seen_at is None
    assert (await client.get(ME, headers=headers)).status_code == 200
    seen = await db.scalar(select(User.last_seen_at).where(User.id == user.id))
    assert seen is not None and datetime.now(UTC) - seen < timedelta(seconds=30)
    assert await _visits(db, user) == 1
    visit = await db.scalar(select(Visit).where(Visit.user_id == user.id))
    assert visit is not None and visit.organization_id == w.body_a.id and visit.region_id == w.region.id

    # Within a minute nothing is written again.
    for _ in range(3):
        await client.get(ME, headers=headers)
    assert await db.scalar(select(User.last_seen_at).where(User.id == user.id)) == seen
    assert await _visits(db, user) == 1

    # Later the same day: last_seen moves, no second visit.
    earlier = datetime.now(UTC) - timedelta(minutes=2)
    if earlier.date() == datetime.now(UTC).date():
        await db.execute(update(User).where(User.id == user.id).values(last_seen_at=earlier))
        await client.get(ME, headers=headers)
        assert (await db.scalar(select(User.last_seen_at).where(User.id == user.id))) > earlier
        assert await _visits(db, user) == 1

    # Back after yesterday: a new visit for today.
    await db.execute(update(User).where(User.id == user.id).values(last_seen_at=datetime.now(UTC) - timedelta(days=1)))
    await db.execute(
        update(Visit).where(Visit.user_id == user.id).values(visited_at=datetime.now(UTC) - timedelta(days=1))
    )
    await client.get(ME, headers=headers)
    assert await _visits(db, user) == 2


async def test_presence_does_not_touch_updated_at(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    user = await f.app_user(db, w.body_a)
    before = await db.scalar(select(User.updated_at).where(User.id == user.id))
    await client.get(ME, headers=f.auth_headers(user))
    assert await db.scalar(select(User.updated_at).where(User.id == user.id)) == before


async def test_login_counts_as_presence(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    user = await f.app_user(db, w.body_a, username="visitor")
    assert (await login(client, "visitor")).status_code == 200
    assert await _visits(db, user) == 1


def test_presence_does_not_wait_for_another_request_of_the_same_user(database_url: str) -> None:
    """Two connections on committed rows: while one request holds the user's row, another goes on at once."""
    import asyncio

    from sqlalchemy import delete, text
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
    from sqlalchemy.pool import NullPool

    from api.models import Organization
    from api.services.sessions import record_presence

    async def run() -> tuple[float, object, int]:
        eng = create_async_engine(database_url, poolclass=NullPool)
        try:
            async with eng.begin() as conn:
                org_id = await conn.scalar(
                    text("INSERT INTO organizations (kind, name_ru) VALUES ('ministry', 'Presence') RETURNING id")
                )
                user_id = await conn.scalar(
                    text(
                        "INSERT INTO users (organization_id, username, password_hash, app_role, status) "
                        "VALUES (:o, :u, 'x', 'employee', 'active') RETURNING id"
                    ),
                    {"o": org_id, "u": f"presence{f.n()}"},
                )
            maker = async_sessionmaker(eng, expire_on_commit=False)
            try:
                async with maker() as holder, maker() as other:
                    # The first request has written presence and still runs (its transaction holds the row).
                    held = await holder.scalar(select(User).where(User.id == user_id))
                    assert held is not None
                    await record_presence(holder, held)
                    user = await other.scalar(select(User).where(User.id == user_id))
                    assert user is not None
                    await other.execute(text("SET LOCAL lock_timeout = '5s'"))
                    started = time.perf_counter()
                    await record_presence(other, user)
                    waited = time.perf_counter() - started
                    await other.commit()
                    await holder.commit()
                async with maker() as check:
                    seen = await check.scalar(select(User.last_seen_at).where(User.id == user_id))
                    visits = await check.scalar(select(func.count()).select_from(Visit).where(Visit.user_id == user_id))
                return waited, seen, int(visits or 0)
            finally:
                async with eng.begin() as conn:
                    await conn.execute(delete(User).where(User.id == user_id))
                    await conn.execute(delete(Organization).where(Organization.id == org_id))
        finally:
            await eng.dispose()

    waited, seen, visits = asyncio.run(run())
    assert waited < 1.0
    assert seen is not None and visits == 1


async def test_change_own_password_ends_other_sessions(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    await f.app_user(db, w.body_a, username="changer")
    elsewhere = await login(client, "changer")
    here = await login(client, "changer")
    h = bearer(here.json()["access_token"])
    url = "/api/v1/auth/password"
    wrong = await client.post(url, headers=h, json={"current_password": "nope", "new_password": "a-new-password"})
    assert wrong.status_code == 422 and wrong.json()["error"]["details"][0]["field"] == "current_password"
    short = await client.post(url, headers=h, json={"current_password": "secret-pass-1", "new_password": "short"})
    assert short.status_code == 422 and short.json()["error"]["details"][0]["field"] == "new_password"
    same = await client.post(
        url, headers=h, json={"current_password": "secret-pass-1", "new_password": "secret-pass-1"}
    )
    assert same.status_code == 422 and same.json()["error"]["details"][0]["field"] == "new_password"
    ok = await client.post(url, headers=h, json={"current_password": "secret-pass-1", "new_password": "a-new-password"})
    assert ok.status_code == 200, ok.text
    assert COOKIE in ok.cookies
    # Old access tokens and the other login's refresh token are dead; the new tokens work.
    assert (await client.get(ME, headers=h)).status_code == 401
    assert (await client.get(ME, headers=bearer(elsewhere.json()["access_token"]))).status_code == 401
    assert (await refresh_with(client, elsewhere.cookies[COOKIE])).status_code == 401
    assert (await client.get(ME, headers=bearer(ok.json()["access_token"]))).status_code == 200
    assert (await refresh_with(client, ok.cookies[COOKIE])).status_code == 200
    assert (await login(client, "changer")).status_code == 401
    assert (await login(client, "changer", "a-new-password")).status_code == 200


async def test_guessing_the_current_password_is_throttled(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    user = await f.app_user(db, w.body_a, username="stolen.token")
    h = f.auth_headers(user)
    answers = [
        (
            await client.post(
                "/api/v1/auth/password", headers=h, json={"current_password": f"guess{i}", "new_password": "x" * 12}
            )
        ).status_code
        for i in range(6)
    ]
    assert answers == [422] * 5 + [429]


async def test_logout_ends_the_access_tokens_of_that_login_only(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    await f.app_user(db, w.body_a, username="leaving.now")
    leaving = await login(client, "leaving.now")
    staying = await login(client, "leaving.now")  # another device: another login
    access = leaving.json()["access_token"]
    assert (await client.get(ME, headers=bearer(access))).status_code == 200
    assert (await refresh_with(client, leaving.cookies[COOKIE], LOGOUT)).status_code == 204
    assert (await client.get(ME, headers=bearer(access))).status_code == 401
    assert (await client.get(ME, headers=bearer(staying.json()["access_token"]))).status_code == 200


async def test_refresh_token_reuse_ends_the_access_tokens_of_that_login(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    w = await f.world(db)
    user = await f.app_user(db, w.body_a, username="stolen.cookie")
    first = await login(client, "stolen.cookie")
    rotated = await refresh_with(client, first.cookies[COOKIE])
    accesses = [first.json()["access_token"], rotated.json()["access_token"]]
    assert all([(await client.get(ME, headers=bearer(a))).status_code == 200 for a in accesses])
    assert (await refresh_with(client, first.cookies[COOKIE])).status_code == 401  # reuse: the login ends
    assert [(await client.get(ME, headers=bearer(a))).status_code for a in accesses] == [401, 401]
    # Audited with the user's body, so that the body's administrators see it.
    event = await db.scalar(
        select(AuditEvent).where(AuditEvent.action == "auth.refresh.reuse", AuditEvent.target_id == str(user.id))
    )
    assert event is not None and event.organization_id == w.body_a.id


async def test_a_malformed_login_claim_is_401(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    user = await f.app_user(db, w.body_a)
    token = jwt.encode(_claims(user, fam="not-a-uuid"), get_settings().secret_key, algorithm="HS256")
    assert (await client.get(ME, headers=bearer(token))).status_code == 401


async def test_logout_with_only_the_bearer_token_ends_that_login(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    await f.app_user(db, w.body_a, username="no.cookie")
    await f.app_user(db, w.body_a, username="someone.else")
    first = await login(client, "no.cookie")
    theirs = await login(client, "someone.else")
    client.cookies.clear()
    access = first.json()["access_token"]
    assert (await client.post(LOGOUT, headers=bearer(access))).status_code == 204
    assert (await client.get(ME, headers=bearer(access))).status_code == 401
    assert (await refresh_with(client, first.cookies[COOKIE])).status_code == 401
    # Another user's login is untouched.
    assert (await client.get(ME, headers=bearer(theirs.json()["access_token"]))).status_code == 200
