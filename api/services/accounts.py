"""Administration of the accounts of management bodies, always within the administrator's subtree."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import Request
from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import Conflict, Forbidden, InvalidInput, NotFound
from api.models import Organization, Person, StaffPost, User
from api.models.people import AccountStatus, AppRole
from api.schemas.auth import AccountCreate, AccountList, AccountOrganization, AccountRead, AccountUpdate
from api.services import audit
from api.services.passwords import hash_password
from api.services.scope import Principal, get_org_in_scope, in_scope, org_in_scope, scope_org_ids
from api.services.sessions import replace_password, revoke_user_sessions

# Higher rank, more rights: an administrator never grants or touches a role ranked above their own.
ROLE_RANK: dict[str, int] = {AppRole.employee: 0, AppRole.admin: 1}


def _rank(role: str | None) -> int:
    return ROLE_RANK.get(role or "", len(ROLE_RANK))


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _select_accounts() -> Select[User, Organization, Person]:
    # Person comes from an outer join: it is None for accounts without a person.
    return (
        select(User, Organization, Person)
        .join(Organization, Organization.id == User.organization_id)
        .outerjoin(Person, Person.id == User.person_id)
        .where(User.app_role.is_not(None))
    )


def _read(user: User, org: Organization, person: Person | None) -> AccountRead:
    return AccountRead(
        id=user.id,
        username=user.username or "",
        role=user.app_role,  # app accounts only: never NULL here
        status=user.status,
        organization=AccountOrganization(id=org.id, kind=org.kind, name_ru=org.name_ru, name_kk=org.name_kk),
        person_id=user.person_id,
        full_name=person.full_name if person is not None else None,
        email=person.email if person is not None else None,
        last_seen_at=user.last_seen_at,
        created_at=user.created_at,
        updated_at=user.updated_at,
    )


async def list_accounts(
    session: AsyncSession,
    principal: Principal,
    *,
    organization_id: int | None = None,
    q: str | None = None,
    role: str | None = None,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> AccountList:
    """Accounts of the management bodies in the administrator's subtree (optionally below one organization)."""
    stmt = _select_accounts().where(in_scope(User.organization_id.expression, principal))
    if organization_id is not None:
        await get_org_in_scope(session, principal, organization_id)
        stmt = stmt.where(User.organization_id.in_(scope_org_ids(organization_id)))
    if q:
        pattern = _like_pattern(q.strip().lower().replace("ё", "е"))
        stmt = stmt.where(or_(User.username.like(pattern, escape="\\"), Person.search_name.like(pattern, escape="\\")))
    if role:
        stmt = stmt.where(User.app_role == role)
    if status:
        stmt = stmt.where(User.status == status)
    total = await session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = (await session.execute(stmt.order_by(User.username, User.id).limit(limit).offset(offset))).all()
    return AccountList(total=int(total or 0), items=[_read(u, o, p) for u, o, p in rows])


async def _get(
    session: AsyncSession, principal: Principal, account_id: int, *, for_update: bool = False
) -> tuple[User, Organization, Person | None]:
    stmt = _select_accounts().where(User.id == account_id, in_scope(User.organization_id.expression, principal))
    if for_update:
        stmt = stmt.with_for_update(of=User)
    row = (await session.execute(stmt)).first()
    if row is None:
        raise NotFound(f"account {account_id} not found")
    return row[0], row[1], row[2]


async def get_account(session: AsyncSession, principal: Principal, account_id: int) -> AccountRead:
    """One account in the administrator's subtree; 404 outside it."""
    return _read(*await _get(session, principal, account_id))


async def _management_body(
    session: AsyncSession, principal: Principal | None, organization_id: int, field: str = "organization_id"
) -> Organization:
    """The organization for an account: a management body, in the actor's subtree (any for the CLI)."""
    stmt = select(Organization).where(Organization.id == organization_id)
    if principal is not None:
        stmt = stmt.where(org_in_scope(principal))
    org = await session.scalar(stmt)
    if org is None:
        raise InvalidInput(field, f"no management body {organization_id} in your scope")
    if not org.is_management_body:
        raise InvalidInput(
            field, "accounts belong to management bodies (ministry, regional or district ОУО), not schools"
        )
    return org


def _check_grantable(principal: Principal, role: str) -> None:
    if _rank(role) > _rank(principal.role):
        raise Forbidden(
            "role: you can't give a role above your own",
            details=[{"field": "role", "message": "above your own role"}],
        )


def _check_manageable(principal: Principal, user: User, org: Organization) -> None:
    if _rank(user.app_role) > _rank(principal.role):
        raise Forbidden("you can't change an account whose role is above your own")
    below = org.id != principal.organization_id and principal.organization_id in (org.path or [])
    if user.app_role == AppRole.admin and user.id != principal.user_id and not below:
        # Administrators of one body don't manage each other: the body above handles its own peers.
        raise Forbidden("you can't change an administrator of your own body: ask the body above")


async def _person_for_account(
    session: AsyncSession, principal: Principal | None, data: AccountCreate, org: Organization
) -> int | None:
    if data.person_id is not None and data.person is not None:
        raise InvalidInput("person", "give either person_id or person, not both")
    if data.person_id is not None:
        stmt = select(Person.id).where(Person.id == data.person_id)
        if principal is not None:
            # A person is in scope through a post at an organization of the subtree.
            post = exists().where(
                StaffPost.person_id == Person.id, in_scope(StaffPost.organization_id.expression, principal)
            )
            stmt = stmt.where(post)
        if await session.scalar(stmt) is None:
            raise InvalidInput("person_id", f"no person {data.person_id} with a post in your scope")
        if await session.scalar(select(User.id).where(User.person_id == data.person_id)) is not None:
            raise Conflict(
                "person_id: this person already has an account",
                details=[{"field": "person_id", "message": "already has an account"}],
            )
        return data.person_id
    if data.person is not None:
        p = Person(
            region_id=org.region_id,
            surname=data.person.surname.strip(),
            first_name=data.person.first_name.strip(),
            patronymic=(data.person.patronymic or "").strip() or None,
            email=data.person.email,
            phone=data.person.phone,
        )
        if not p.surname or not p.first_name:
            field = "person.surname" if not p.surname else "person.first_name"
            raise InvalidInput(field, "must not be blank")
        session.add(p)
        await session.flush()
        return p.id
    return None


async def add_account(
    session: AsyncSession,
    org: Organization,
    person_id: int | None,
    username: str,
    password_hash: str,
    role: str,
    *,
    must_change_password: bool,
) -> User:
    """Add an active account of an employee of the management body `org` (flushed: it has its id)."""
    user = User(
        organization_id=org.id,
        region_id=org.region_id,
        person_id=person_id,
        username=username,
        password_hash=password_hash,
        app_role=role,
        status=AccountStatus.active,
        must_change_password=must_change_password,
    )
    session.add(user)
    await session.flush()
    return user


async def record_created(
    session: AsyncSession,
    request: Request | None,
    user: User,
    organization_id: int,
    actor: audit.Actor | None = None,
    **how: str,
) -> None:
    """The audit event of a new account: its name and role, and how it was made (`via`, `by`) when not by hand."""
    details = {"change": "created", "username": user.username, "role": user.app_role, **how}
    await audit.record_account_change(session, request, user.id, organization_id, details, actor)


async def create_account(
    session: AsyncSession, principal: Principal | None, request: Request | None, data: AccountCreate
) -> AccountRead:
    """Create an account in a management body of the subtree (principal None: the CLI, no scope)."""
    org = await _management_body(session, principal, data.organization_id)
    if principal is not None:
        _check_grantable(principal, data.role)
    if await session.scalar(select(User.id).where(User.username == data.username)) is not None:
        raise Conflict(
            f"username: {data.username!r} is already taken",
            details=[{"field": "username", "message": "already taken"}],
        )
    person_id = await _person_for_account(session, principal, data, org)
    password_hash = await asyncio.to_thread(hash_password, data.password)
    # Set by an administrator: a one-time password the owner must replace at the first login.
    user = await add_account(
        session, org, person_id, data.username, password_hash, data.role, must_change_password=principal is not None
    )
    await session.refresh(user, ["created_at", "updated_at", "token_version"])
    by_cli = audit.Actor(audit.ActorKind.anonymous, name="cli")
    await record_created(session, request, user, org.id, None if principal is not None else by_cli)
    person = await session.scalar(select(Person).where(Person.id == person_id)) if person_id else None
    return _read(user, org, person)


async def update_account(
    session: AsyncSession, principal: Principal, request: Request, account_id: int, data: AccountUpdate
) -> AccountRead:
    """Change role, management body or status; any change bumps token_version and revokes the refresh tokens."""
    # Scope first: an account outside the subtree is a 404 whatever the body says.
    user, org, person = await _get(session, principal, account_id, for_update=True)
    if data.role is None and data.organization_id is None and data.status is None:
        raise InvalidInput("request", "give at least one of role, organization_id, status")
    _check_manageable(principal, user, org)
    changes: dict[str, Any] = {}
    if data.role is not None and data.role != user.app_role:
        _check_grantable(principal, data.role)
        changes["role"] = [user.app_role, data.role]
    new_org = org
    if data.organization_id is not None and data.organization_id != user.organization_id:
        new_org = await _management_body(session, principal, data.organization_id)
        changes["organization_id"] = [user.organization_id, new_org.id]
    if data.status is not None and data.status != user.status:
        changes["status"] = [user.status, data.status]
    if changes and user.id == principal.user_id:
        raise Forbidden("you can't change your own role, organization or status: ask another administrator")
    if not changes:
        return _read(user, org, person)
    if data.role is not None:
        user.app_role = data.role
    user.organization_id = new_org.id
    user.region_id = new_org.region_id
    if data.status is not None:
        user.status = data.status
    user.token_version += 1
    await session.flush()
    await session.refresh(user, ["updated_at"])
    revoked = await revoke_user_sessions(session, user.id, "account_changed")
    await audit.record_account_change(
        session, request, user.id, new_org.id, {"change": "updated", "fields": changes, "sessions_revoked": revoked}
    )
    return _read(user, new_org, person)


async def reset_password(
    session: AsyncSession, principal: Principal, request: Request, account_id: int, password: str
) -> None:
    """Set a new password; the account's tokens and refresh tokens stop working at once."""
    if account_id == principal.user_id:
        # Without the current password a stolen access token would become the account: own password only there.
        raise Forbidden("you can't set your own password here: use POST /api/v1/auth/password with the current one")
    user, org, _ = await _get(session, principal, account_id, for_update=True)
    _check_manageable(principal, user, org)
    new_hash = await asyncio.to_thread(hash_password, password)
    revoked = await replace_password(session, user, new_hash, must_change=True, reason="password_reset")
    await audit.record_account_change(
        session, request, user.id, org.id, {"change": "password_reset", "sessions_revoked": revoked}
    )
