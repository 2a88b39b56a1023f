"""Authentication of browser users: login, change of one's own password, and the caller's account (me).

The tokens of a login, their refresh and logout are in api.services.sessions; Argon2id in api.services.passwords.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import Request
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from api.config import Settings
from api.errors import DomainError, InvalidInput, TooManyRequests, Unauthorized
from api.models import Organization, Person, User
from api.models.organizations import MANAGEMENT_KINDS, OrganizationKind
from api.models.people import AccountStatus
from api.schemas.auth import MeOrganization, MePerson, MeResponse, MeScope
from api.services import audit, passwords, throttle
from api.services.scope import Principal, in_subtree
from api.services.sessions import IssuedTokens, issue_tokens, record_presence, replace_password

WRONG_CREDENTIALS = "wrong username or password"


def _now() -> datetime:
    return datetime.now(UTC)


def normalize_username(username: str) -> str:
    """Usernames are stored and compared lower-case, without surrounding spaces."""
    return username.strip().lower()


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

    ok, new_hash = await passwords.check_password(password, account.password_hash if account is not None else None)
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
    issued = await issue_tokens(session, settings, request, user, uuid.uuid4(), now)
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
    ok, _ = await passwords.check_password(current_password, user.password_hash)
    if not ok:
        return InvalidInput("current_password", "wrong password")
    if current_password == new_password:
        return InvalidInput("new_password", "must differ from the current password")
    new_hash = await passwords.hash_password_off_loop(new_password)
    revoked = await replace_password(session, user, new_hash, must_change=False, reason="password_changed", now=now)
    await throttle.register_success(session, attempt, now)
    await audit.record_account_change(
        session, request, user.id, user.organization_id, {"change": "own_password", "sessions_revoked": revoked}
    )
    return await issue_tokens(session, settings, request, user, uuid.uuid4(), now)


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
            person = MePerson.model_validate(p, from_attributes=True)
    counts = (
        await session.execute(
            select(
                func.count(),
                func.count().filter(Organization.kind == OrganizationKind.school),
                func.count().filter(Organization.kind.in_([str(k) for k in MANAGEMENT_KINDS])),
            ).where(in_subtree(org.id))
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
        organization=MeOrganization.model_validate(org, from_attributes=True),
        scope=MeScope(
            root_organization_id=org.id,
            organizations=int(counts[0]),
            schools=int(counts[1]),
            management_bodies=int(counts[2]),
        ),
    )
