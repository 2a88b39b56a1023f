"""Sessions of browser users: access and refresh tokens of a login (a token family), their rotation and
revocation, the principal of a bearer token and the user's presence."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fastapi import Request
from sqlalchemy import DateTime, Integer, exists, insert, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from api.config import Settings
from api.errors import DomainError, Unauthorized
from api.models import User, Visit
from api.models.auth import RefreshToken
from api.models.people import AccountStatus
from api.services import audit, tokens
from api.services.scope import Principal

# Presence is written at most once a minute per user; a visit at most once per user per UTC day.
PRESENCE_INTERVAL = timedelta(seconds=60)


@dataclass(frozen=True)
class IssuedTokens:
    """A new access token and the refresh token that goes into the httpOnly cookie."""

    access_token: str
    expires_in: int
    refresh_token: str
    refresh_expires_in: int


def _now() -> datetime:
    return datetime.now(UTC)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


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


async def issue_tokens(
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


async def replace_password(
    session: AsyncSession,
    user: User,
    password_hash: str,
    *,
    must_change: bool,
    reason: str,
    now: datetime | None = None,
) -> int:
    """Store a new password hash: the account's tokens stop working at once and every login ends.

    Returns how many refresh tokens were revoked."""
    user.password_hash = password_hash
    user.must_change_password = must_change
    user.token_version += 1
    await session.flush()
    return await revoke_user_sessions(session, user.id, reason, now)


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
    issued = await issue_tokens(session, settings, request, user, row.family_id, now)
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
