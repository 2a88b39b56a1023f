"""Authentication of browser users: login, refresh-token rotation, logout, bearer tokens and presence."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from fastapi import Request
from sqlalchemy import DateTime, Integer, exists, func, insert, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from api.config import Settings
from api.errors import DomainError, InvalidInput, TooManyRequests, Unauthorized
from api.models import Organization, Person, User, Visit
from api.models.auth import RefreshToken
from api.models.organizations import MANAGEMENT_KINDS, OrganizationKind
from api.models.people import AccountStatus
from api.schemas.auth import MeOrganization, MePerson, MeResponse, MeScope
from api.services import audit, passwords, throttle, tokens
from api.services.scope import Principal

log = logging.getLogger("api.auth")

# Presence is written at most once a minute per user; a visit at most once per user per UTC day.
PRESENCE_INTERVAL = timedelta(seconds=60)
WRONG_CREDENTIALS = "wrong username or password"


@dataclass(frozen=True)
class IssuedTokens:
    """A new access token and the refresh token that goes into the httpOnly cookie."""

    access_token: str
    expires_in: int
    refresh_token: str
    refresh_expires_in: int


def _now() -> datetime:
    return datetime.now(UTC)


def normalize_username(username: str) -> str:
    """Usernames are stored and compared lower-case, without surrounding spaces."""
    return username.strip().lower()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@lru_cache
def _dummy_hash() -> str:
    # Unknown users are checked against this, so that they cost the same time as a wrong password.
    return passwords.hash_password(secrets.token_urlsafe(24))


def _check_password(password: str, password_hash: str | None) -> tuple[bool, str | None]:
    """Argon2id verification and, on a match with outdated parameters, the new hash to store.

    Unknown accounts and unreadable hashes verify against a dummy hash (same timing) and fail.
    """
    if password_hash is None:
        passwords.verify_password(password, _dummy_hash())
        return False, None
    try:
        return passwords.verify_and_update(password, password_hash)
    except Exception:  # an unreadable stored hash is a failed login, not a 500
        log.warning("unreadable password hash; treating the login as failed")
        passwords.verify_password(password, _dummy_hash())
        return False, None


# Argon2id is CPU-bound (argon2-cffi releases the GIL): one dedicated thread per worker process, so that a burst
# of logins (or a flood of guesses) queues here, takes at most one core per worker away from the requests being
# served, and never fills the default executor that other blocking work (exports) shares. ~25 ms of CPU per
# check at the parameters in api.services.passwords: ~40 logins/s per worker.
HASHING_THREADS = 1


@lru_cache
def _hashing_pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=HASHING_THREADS, thread_name_prefix="argon2")


async def check_password(password: str, password_hash: str | None) -> tuple[bool, str | None]:
    """`_check_password` on the hashing threads, off the event loop; call it holding no database connection."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_hashing_pool(), _check_password, password, password_hash)


async def hash_password(password: str) -> str:
    """A new Argon2id hash on the hashing threads, off the event loop."""
    return await asyncio.get_running_loop().run_in_executor(_hashing_pool(), passwords.hash_password, password)


def _family(claims: dict[str, object]) -> uuid.UUID | None:
    """The login (refresh-token family) an access token belongs to; None for tokens minted outside a login."""
    value = claims.get("fam")
    if value is None:
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise Unauthorized("token: malformed claims") from exc


async def _active_user(session: AsyncSession, settings: Settings, token: str) -> User:
    claims = tokens.decode(settings, token, "access")
    family = _family(claims)
    # A login ended by logout or by a refresh-token reuse has every refresh token of its family revoked: its
    # access tokens end with it (checked in the same query as the user).
    login_alive = (
        exists().where(RefreshToken.family_id == family, RefreshToken.revoked_at.is_(None))
        if family is not None
        else literal(True)
    )
    row = (await session.execute(select(User, login_alive).where(User.id == int(claims["sub"])))).first()
    if row is None or not row[1]:
        raise Unauthorized("token: no longer valid")
    user: User = row[0]
    if user.status != AccountStatus.active or user.app_role is None:
        raise Unauthorized("token: no longer valid")
    if user.token_version != claims["ver"]:
        raise Unauthorized("token: no longer valid")
    return user


def _principal(user: User) -> Principal:
    return Principal(
        user_id=user.id,
        person_id=user.person_id,
        organization_id=user.organization_id,
        role=user.app_role or "",
        username=user.username or "",
        must_change_password=user.must_change_password,
    )


async def principal_from_token(session: AsyncSession, settings: Settings, token: str) -> Principal:
    """Check the access token against the user row: active, app role, same token_version."""
    return _principal(await _active_user(session, settings, token))


async def authenticate_request(session: AsyncSession, settings: Settings, token: str) -> Principal:
    """The principal of a bearer token, recording the user's presence in the request's transaction."""
    user = await _active_user(session, settings, token)
    await record_presence(session, user)
    return _principal(user)


async def record_presence(session: AsyncSession, user: User, now: datetime | None = None) -> None:
    """Update users.last_seen_at (at most once a minute) and add the day's visit (at most once per UTC day)."""
    now = now or _now()
    previous = user.last_seen_at
    if previous is not None and now - previous < PRESENCE_INTERVAL:
        return
    # Conditional and SKIP LOCKED: of concurrent requests of one user, the one holding the row writes and the
    # others go on without waiting for it (its lock lasts until its transaction ends, maybe a slow report).
    # updated_at stays: presence is not an edit of the account.
    stale = (
        select(User.id)
        .where(User.id == user.id, or_(User.last_seen_at.is_(None), User.last_seen_at < now - PRESENCE_INTERVAL))
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    updated = await session.execute(
        update(User)
        .where(User.id == stale)
        .values(last_seen_at=now, updated_at=User.updated_at)
        .returning(User.id)
        .execution_options(synchronize_session=False)
    )
    if updated.first() is None:
        return
    set_committed_value(user, "last_seen_at", now)
    day_start = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if previous is not None and previous >= day_start:
        return
    already = exists().where(Visit.user_id == user.id, Visit.visited_at >= day_start)
    await session.execute(
        insert(Visit).from_select(
            ["user_id", "organization_id", "region_id", "visited_at"],
            select(
                literal(user.id, Integer),
                literal(user.organization_id, Integer),
                literal(user.region_id, Integer),
                literal(now, DateTime(timezone=True)),
            ).where(~already),
        )
    )


def issue_access_token(settings: Settings, user: User, family_id: uuid.UUID | None = None) -> str:
    """A short-lived access token for the user; `fam` ties it to its login, so that it ends with that login."""
    return tokens.encode(
        settings,
        user_id=user.id,
        token_version=user.token_version,
        kind="access",
        ttl_seconds=settings.access_token_ttl_seconds,
        extra={"fam": str(family_id)} if family_id is not None else None,
    )


async def _issue(
    session: AsyncSession,
    settings: Settings,
    request: Request | None,
    user: User,
    family_id: uuid.UUID,
    now: datetime,
) -> IssuedTokens:
    ttl = settings.refresh_token_ttl_seconds
    refresh = tokens.encode(
        settings,
        user_id=user.id,
        token_version=user.token_version,
        kind="refresh",
        ttl_seconds=ttl,
        extra={"fam": str(family_id)},
    )
    user_agent = request.headers.get("user-agent") if request is not None else None
    session.add(
        RefreshToken(
            user_id=user.id,
            family_id=family_id,
            token_hash=_token_hash(refresh),
            issued_at=now,
            expires_at=now + timedelta(seconds=ttl),
            user_agent=user_agent[:300] if user_agent else None,
            ip=audit.client_ip(request) if request is not None else None,
        )
    )
    await session.flush()
    return IssuedTokens(
        access_token=issue_access_token(settings, user, family_id),
        expires_in=settings.access_token_ttl_seconds,
        refresh_token=refresh,
        refresh_expires_in=ttl,
    )


def _user_actor(user: User) -> audit.Actor:
    return audit.Actor(audit.ActorKind.user, user_id=user.id, name=user.username, organization_id=user.organization_id)


@dataclass(frozen=True)
class _Account:
    """What a login reads about the account before checking the password."""

    id: int
    organization_id: int
    password_hash: str | None
    status: str


async def _login_failure(
    session: AsyncSession,
    request: Request,
    name: str,
    account: _Account | None,
    reason: str,
) -> DomainError:
    # The attempt was counted before the check (throttle.begin_attempt): nothing more to count here.
    await audit.record(
        session,
        request,
        action=audit.LOGIN_FAILURE,
        target_kind="user",
        target_id=account.id if account is not None else None,
        organization_id=account.organization_id if account is not None else None,
        details={"username": name[:128], "reason": reason},
    )
    return Unauthorized(
        f"username or password: {WRONG_CREDENTIALS}",
        details=[{"field": "password", "message": WRONG_CREDENTIALS}],
    )


async def login(
    session: AsyncSession, settings: Settings, request: Request, username: str, password: str
) -> IssuedTokens | DomainError:
    """Check the credentials under throttling; a new token family on success, the error to answer otherwise.

    Three steps, so that no database connection waits for Argon2id: count the attempt on the throttle keys (or
    refuse it, locked) and read the account, commit that transaction; check the password on the hashing threads;
    write the outcome (tokens, presence, a rehash, the audit event, a success taking back its count) in a new
    short transaction that the request commits. The attempt is counted before the check, so concurrent attempts
    cannot all get past the limit. Failures are returned, not raised, so that the audit event commits with them.
    """
    now = _now()
    name = normalize_username(username)
    keys = throttle.keys_for(name, audit.client_ip(request))
    attempt = await throttle.begin_attempt(session, keys, now)
    if isinstance(attempt, throttle.Refused):
        wait = attempt.retry_after
        await audit.record(
            session,
            request,
            action=audit.LOGIN_FAILURE,
            target_kind="user",
            details={"username": name[:128], "reason": "throttled"},
        )
        return TooManyRequests(f"too many failed logins: try again in {wait} s", headers={"Retry-After": str(wait)})

    row = (
        await session.execute(
            select(User.id, User.organization_id, User.password_hash, User.status).where(
                User.username == name, User.app_role.is_not(None)
            )
        )
    ).first()
    account = _Account(row.id, row.organization_id, row.password_hash, row.status) if row is not None else None
    # Commit the count before the check, and give the connection back to the pool during the check.
    await session.commit()

    ok, new_hash = await check_password(password, account.password_hash if account is not None else None)
    now = _now()
    if account is None or not ok or account.status != AccountStatus.active:
        reason = "unknown user" if account is None else ("wrong password" if not ok else "account disabled")
        return await _login_failure(session, request, name, account, reason)

    # The account may have changed while the password was checked (disabled, new password, role taken away).
    user = await session.scalar(select(User).where(User.id == account.id))
    if (
        user is None
        or user.app_role is None
        or user.status != AccountStatus.active
        or user.password_hash != account.password_hash
    ):
        return await _login_failure(session, request, name, account, "account changed during login")
    if new_hash is not None:
        # Conditional: a concurrent login may have rehashed already, or a new password been set; that one stays.
        # updated_at stays too: a rehash is not an edit of the account.
        await session.execute(
            update(User)
            .where(User.id == user.id, User.password_hash == account.password_hash)
            .values(password_hash=new_hash, updated_at=User.updated_at)
            .execution_options(synchronize_session=False)
        )
        set_committed_value(user, "password_hash", new_hash)

    await throttle.register_success(session, attempt, now)
    issued = await _issue(session, settings, request, user, uuid.uuid4(), now)
    await record_presence(session, user, now)
    await audit.record(
        session,
        request,
        action=audit.LOGIN_SUCCESS,
        target_kind="user",
        target_id=user.id,
        organization_id=user.organization_id,
        actor=_user_actor(user),
    )
    return issued


async def change_password(
    session: AsyncSession,
    settings: Settings,
    request: Request,
    principal: Principal,
    current_password: str,
    new_password: str,
) -> IssuedTokens | DomainError:
    """Change one's own password (throttled like a login); every other session ends, this one gets new tokens."""
    now = _now()
    keys = throttle.keys_for(normalize_username(principal.username), audit.client_ip(request))
    attempt = await throttle.begin_attempt(session, keys, now)
    if isinstance(attempt, throttle.Refused):
        wait = attempt.retry_after
        return TooManyRequests(f"too many wrong passwords: try again in {wait} s", headers={"Retry-After": str(wait)})
    await session.commit()  # the attempt counts before the check, whatever happens next
    user = await session.scalar(select(User).where(User.id == principal.user_id).with_for_update())
    if user is None:
        raise Unauthorized("token: no longer valid")
    ok, _ = await check_password(current_password, user.password_hash)
    if not ok:
        return InvalidInput("current_password", "wrong password")
    if current_password == new_password:
        return InvalidInput("new_password", "must differ from the current password")
    user.password_hash = await hash_password(new_password)
    user.must_change_password = False
    user.token_version += 1
    await session.flush()
    revoked = await revoke_user_sessions(session, user.id, "password_changed", now)
    await throttle.register_success(session, attempt, now)
    await audit.record(
        session,
        request,
        action=audit.ACCOUNT_CHANGE,
        target_kind="user",
        target_id=user.id,
        organization_id=user.organization_id,
        details={"change": "own_password", "sessions_revoked": revoked},
    )
    return await _issue(session, settings, request, user, uuid.uuid4(), now)


async def revoke_family(session: AsyncSession, family_id: uuid.UUID, reason: str, now: datetime | None = None) -> int:
    """Revoke every live token of one login's family; returns how many were revoked."""
    result = await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now or _now(), revoke_reason=reason)
        .returning(RefreshToken.id)
        .execution_options(synchronize_session=False)
    )
    return len(result.all())


async def revoke_user_sessions(session: AsyncSession, user_id: int, reason: str, now: datetime | None = None) -> int:
    """Revoke every live refresh token of the user (all families); returns how many were revoked."""
    now = now or _now()
    result = await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None), RefreshToken.expires_at > now)
        .values(revoked_at=now, revoke_reason=reason)
        .returning(RefreshToken.id)
        .execution_options(synchronize_session=False)
    )
    return len(result.all())


async def refresh(
    session: AsyncSession, settings: Settings, request: Request, token: str | None
) -> IssuedTokens | DomainError:
    """Rotate a refresh token; one presented twice revokes its whole family (returned, so the revocation commits)."""
    if not token:
        raise Unauthorized("refresh token: missing, log in again")
    claims = tokens.decode(settings, token, "refresh")
    now = _now()
    row = await session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == _token_hash(token)).with_for_update()
    )
    if row is None or row.user_id != int(claims["sub"]):
        raise Unauthorized("refresh token: unknown, log in again")
    if row.revoked_at is not None:
        raise Unauthorized("refresh token: revoked, log in again")
    if row.used_at is not None:
        revoked = await revoke_family(session, row.family_id, "reuse", now)
        # With the user's body, so that its administrators (not only the ministry's) see it in their audit log.
        organization_id = await session.scalar(select(User.organization_id).where(User.id == row.user_id))
        await audit.record(
            session,
            request,
            action="auth.refresh.reuse",
            target_kind="user",
            target_id=row.user_id,
            organization_id=organization_id,
            details={"family_id": str(row.family_id), "revoked": revoked},
        )
        return Unauthorized("refresh token: already used; this login was ended everywhere, log in again")
    if row.expires_at <= now:
        raise Unauthorized("refresh token: expired, log in again")
    user = await session.scalar(select(User).where(User.id == row.user_id))
    if (
        user is None
        or user.status != AccountStatus.active
        or user.app_role is None
        or user.token_version != claims["ver"]
    ):
        await revoke_family(session, row.family_id, "account_changed", now)
        return Unauthorized("refresh token: no longer valid, log in again")
    row.used_at = now
    issued = await _issue(session, settings, request, user, row.family_id, now)
    await record_presence(session, user, now)
    return issued


async def logout(session: AsyncSession, settings: Settings, token: str | None, access_token: str | None = None) -> None:
    """End the login the refresh token (or, without one, the bearer access token) belongs to: its whole family,
    and with it every access token of that login. Unknown, expired or foreign tokens are ignored."""
    family: uuid.UUID | None = None
    if token:
        try:
            tokens.decode(settings, token, "refresh")
        except Unauthorized:
            return
        family = await session.scalar(
            select(RefreshToken.family_id).where(RefreshToken.token_hash == _token_hash(token))
        )
    elif access_token:
        try:
            claims = tokens.decode(settings, access_token, "access")
            family = _family(claims)
        except Unauthorized:
            return
        if family is not None:  # only a family of the token's own user
            owner = await session.scalar(select(RefreshToken.user_id).where(RefreshToken.family_id == family).limit(1))
            family = family if owner == int(claims["sub"]) else None
    if family is not None:
        await revoke_family(session, family, "logout")


async def me(session: AsyncSession, principal: Principal) -> MeResponse:
    """The caller: account, person, management body and the scope it covers."""
    user = await session.scalar(select(User).where(User.id == principal.user_id))
    org = await session.scalar(select(Organization).where(Organization.id == principal.organization_id))
    if user is None or org is None:
        raise Unauthorized("token: no longer valid")
    person = None
    if user.person_id is not None:
        p = await session.scalar(select(Person).where(Person.id == user.person_id))
        if p is not None:
            person = MePerson(
                id=p.id,
                surname=p.surname,
                first_name=p.first_name,
                patronymic=p.patronymic,
                full_name=p.full_name,
                email=p.email,
                phone=p.phone,
            )
    counts = (
        await session.execute(
            select(
                func.count(),
                func.count().filter(Organization.kind == OrganizationKind.school),
                func.count().filter(Organization.kind.in_([str(k) for k in MANAGEMENT_KINDS])),
            ).where(Organization.path.contains([org.id]))
        )
    ).one()
    return MeResponse(
        id=user.id,
        username=user.username or "",
        must_change_password=user.must_change_password,
        role=principal.role,
        status=user.status,
        last_seen_at=user.last_seen_at,
        person=person,
        organization=MeOrganization(
            id=org.id,
            kind=org.kind,
            name_ru=org.name_ru,
            name_kk=org.name_kk,
            short_name=org.short_name,
            region_id=org.region_id,
            district_id=org.district_id,
            path=list(org.path or []),
        ),
        scope=MeScope(
            root_organization_id=org.id,
            organizations=int(counts[0]),
            schools=int(counts[1]),
            management_bodies=int(counts[2]),
        ),
    )
