"""API tokens: random, shown once, stored as sha256, bound to a subtree, a source system and entity kinds."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fastapi import Request
from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import Forbidden, InvalidInput, NotFound, Unauthorized
from api.models import ApiToken, Organization
from api.models.audit import ActorKind
from api.services import audit
from api.services.scope import Principal, org_in_scope

TOKEN_PREFIX = "bilim_"

# Entity kinds a token may be allowed to write (the path segment of the upsert endpoint).
KINDS = (
    "organizations",
    "persons",
    "staff-posts",
    "classes",
    "subjects",
    "assignments",
    "enrolments",
    "parent-links",
    "users",
    "lessons",
    "homework",
    "marks",
    "absences",
    "movements",
    "documents",
    "visits",
)


@dataclass(frozen=True)
class TokenPrincipal:
    """The caller of an integration endpoint: a school system with its subtree and writable kinds."""

    token_id: int
    name: str
    organization_id: int  # root of the subtree the token may write
    external_system: str
    kinds: frozenset[str]
    scopes: frozenset[str] = frozenset({"write"})


TOKEN_CREATE = "integration.token.create"
TOKEN_REVOKE = "integration.token.revoke"
COMMAND_LINE = audit.Actor(ActorKind.anonymous, name="command line (python -m api create-token)")


def hash_token(token: str) -> str:
    """sha256 hex of the token (enough for 256 random bits; no salt needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """A fresh random token: 256 bits, URL-safe."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


SCOPES = ("read", "write")


def _known(field: str, values: list[str], allowed: Sequence[str], what: str, if_none: str) -> list[str]:
    """The distinct values, sorted; 422 naming (by index) each one not `allowed`, or saying `if_none` for none."""
    details = [
        {"field": f"{field}.{i}", "message": f"unknown {what} {v!r}; one of {', '.join(allowed)}"}
        for i, v in enumerate(values)
        if v not in allowed
    ]
    if details:
        raise InvalidInput(field, details[0]["message"], details=details)
    if not values:
        raise InvalidInput(field, if_none)
    return sorted(set(values))


def _check_scopes(scopes: list[str]) -> list[str]:
    return _known("scopes", scopes, SCOPES, "scope", "name at least one scope: read, write")


def _check_kinds(kinds: list[str], scopes: list[str]) -> list[str]:
    if not kinds and "write" not in scopes:
        return []  # a read-only token writes nothing
    return _known("kinds", kinds, KINDS, "entity kind", "name at least one entity kind")


async def create_token(
    session: AsyncSession,
    *,
    name: str,
    organization_id: int,
    external_system: str,
    kinds: list[str],
    created_by: Principal | None,
    scopes: list[str] | None = None,
    request: Request | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for the subtree of organization_id; returns the row and the token (shown only now). Audited."""
    query = select(Organization.id).where(Organization.id == organization_id)
    if created_by is not None:
        query = query.where(org_in_scope(created_by))
    if await session.scalar(query) is None:
        raise NotFound(f"organization {organization_id} not found")
    if not external_system.strip():
        raise InvalidInput("external_system", "must not be empty")
    scopes = _check_scopes(["write"] if scopes is None else scopes)
    kinds = _check_kinds(kinds, scopes)
    token = new_token()
    row = ApiToken(
        name=name,
        token_hash=hash_token(token),
        token_prefix=token[: len(TOKEN_PREFIX) + 4],
        organization_id=organization_id,
        external_system=external_system.strip(),
        kinds=kinds,
        scopes=scopes,
        created_by_user_id=created_by.user_id if created_by else None,
    )
    session.add(row)
    await session.flush()
    await session.refresh(row, ["created_at"])
    await _record_token_event(
        session,
        request,
        TOKEN_CREATE,
        row,
        {"kinds": row.kinds},
        actor=None if created_by is not None else COMMAND_LINE,
    )
    return row, token


async def _record_token_event(
    session: AsyncSession,
    request: Request | None,
    action: str,
    row: ApiToken,
    extra: dict[str, object] | None = None,
    actor: audit.Actor | None = None,
) -> None:
    """Audit an event of a token, described by its name, system, scopes (and `extra`) and prefix, never the secret."""
    details = {
        "name": row.name,
        "external_system": row.external_system,
        "scopes": row.scopes,
        **(extra or {}),
        "token_prefix": row.token_prefix,
    }
    await audit.record_about(session, request, action, ("api_token", row.id), row.organization_id, details, actor)


async def list_tokens(session: AsyncSession, principal: Principal) -> list[ApiToken]:
    """Tokens bound to organizations in the administrator's subtree, newest first."""
    query = (
        select(ApiToken)
        .join(Organization, Organization.id == ApiToken.organization_id)
        .where(org_in_scope(principal))
        .order_by(ApiToken.id.desc())
    )
    return list((await session.scalars(query)).all())


async def organization_names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    """Russian names of organizations the caller already holds in scope (the tokens' own organizations)."""
    if not ids:
        return {}
    rows = await session.execute(select(Organization.id, Organization.name_ru).where(Organization.id.in_(ids)))
    return {row.id: row.name_ru for row in rows}


async def revoke_token(
    session: AsyncSession, principal: Principal, token_id: int, request: Request | None = None
) -> ApiToken:
    """Revoke a token of the administrator's subtree (idempotent; the revocation is audited); 404 outside it."""
    row = await session.scalar(
        select(ApiToken)
        .join(Organization, Organization.id == ApiToken.organization_id)
        .where(ApiToken.id == token_id, org_in_scope(principal))
    )
    if row is None:
        raise NotFound(f"token {token_id} not found")
    if row.revoked_at is None:
        row.revoked_at = datetime.now(UTC)
        await session.flush()
        await _record_token_event(session, request, TOKEN_REVOKE, row)
    return row


async def authenticate(session: AsyncSession, token: str) -> TokenPrincipal:
    """The token's principal; 401 when unknown or revoked."""
    row = (
        await session.execute(
            select(
                ApiToken.id,
                ApiToken.name,
                ApiToken.organization_id,
                ApiToken.external_system,
                ApiToken.kinds,
                ApiToken.scopes,
                ApiToken.last_used_at,
            ).where(ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None))
        )
    ).one_or_none()
    if row is None:
        raise Unauthorized("token: unknown or revoked API token", headers={"WWW-Authenticate": "Bearer"})
    now = datetime.now(UTC)
    # Touch last_used_at at most once a minute: concurrent batches of one token must not queue on its row lock.
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
        await session.execute(
            update(ApiToken)
            .where(
                ApiToken.id == row.id,
                or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - timedelta(minutes=1)),
            )
            .values(last_used_at=now)
        )
    return TokenPrincipal(
        token_id=row.id,
        name=row.name,
        organization_id=row.organization_id,
        external_system=row.external_system,
        kinds=frozenset(row.kinds),
        scopes=frozenset(row.scopes),
    )


def require_scope(token: TokenPrincipal, scope: str) -> None:
    """403 unless the token has the scope (`write` for the bulk endpoints, `read` for the reports)."""
    if scope not in token.scopes:
        raise Forbidden(f"token: this API token has no {scope!r} scope (it has: {', '.join(sorted(token.scopes))})")


def reader(token: TokenPrincipal) -> Principal:
    """What a read token may see: its organization's subtree, as an employee of that organization would."""
    require_scope(token, "read")
    return Principal(
        user_id=0,  # no user: nothing in the reports reads it; the audit log names the token (request.state)
        person_id=None,
        organization_id=token.organization_id,
        role="employee",
        username=f"token:{token.name}",
    )
