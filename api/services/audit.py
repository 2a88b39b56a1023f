"""Audit log: record events (who, what, when, from where) and read them within an administrator's subtree."""

from __future__ import annotations

import ipaddress
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Required, TypedDict, Unpack

import asyncpg
from fastapi import Request
from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.models import Organization
from api.models.audit import ActorKind, AuditEvent
from api.services.scope import Principal, get_org_in_scope, scope_org_ids

log = logging.getLogger("api.audit")

# Actions recorded by the core; other areas may use their own dotted names.
LOGIN_SUCCESS = "auth.login.success"
LOGIN_FAILURE = "auth.login.failure"
ACCESS_DENIED = "access.denied"
PEOPLE_READ = "people.read"
STUDENTS_READ = "students.read"
EXPORT = "export"
ACCOUNT_CHANGE = "account.change"

_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _networks(trusted: list[str]) -> list[_Network]:
    out: list[_Network] = []
    for item in trusted:
        try:
            out.append(ipaddress.ip_network(item.strip(), strict=False))
        except ValueError:
            log.warning("ignoring invalid trusted proxy %r", item)
    return out


def _parse_ip(value: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if not value:
        return None
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_ip(request: Request) -> str | None:
    """The caller's IP: the peer, or X-Forwarded-For's nearest untrusted hop when the peer is a trusted proxy."""
    peer = _parse_ip(request.client.host if request.client else None)
    settings = getattr(request.app.state, "settings", None)
    trusted = _networks(list(getattr(settings, "trusted_proxies", []) or []))
    if peer is None or not any(peer in net for net in trusted):
        return str(peer) if peer is not None else None
    hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",") if h.strip()]
    # Walk from the nearest hop outwards; the first address we don't trust is the client.
    for hop in reversed(hops):
        addr = _parse_ip(hop)
        if addr is None:
            return str(peer)
        if not any(addr in net for net in trusted):
            return str(addr)
    return str(_parse_ip(hops[0]) or peer) if hops else str(peer)


@dataclass(frozen=True)
class Actor:
    """Who is acting in a request, as the audit log records it."""

    kind: str
    user_id: int | None = None
    token_id: int | None = None
    name: str | None = None
    organization_id: int | None = None


def actor_of(request: Request | None) -> Actor:
    """The request's actor: the principal set by the auth dependencies, an integration token, or anonymous."""
    if request is None:
        return Actor(ActorKind.anonymous)
    state = request.state
    principal = getattr(state, "principal", None)
    if isinstance(principal, Principal):
        return Actor(
            ActorKind.user,
            user_id=principal.user_id,
            name=principal.username,
            organization_id=principal.organization_id,
        )
    token = getattr(state, "integration_token", None) or getattr(state, "api_token", None)
    token_id = getattr(token, "id", None) or getattr(token, "token_id", None) or getattr(state, "token_id", None)
    if token_id is not None:
        return Actor(
            ActorKind.token,
            token_id=int(token_id),
            name=getattr(token, "name", None),
            organization_id=getattr(token, "organization_id", None),
        )
    return Actor(ActorKind.anonymous)


class EventFields(TypedDict, total=False):
    """What an audit event says: action, target, organization, details and (when not the caller) the actor."""

    action: Required[str]
    target_kind: str | None
    target_id: str | int | None
    organization_id: int | None
    details: dict[str, Any] | None
    actor: Actor | None


def _event(request: Request | None, **fields: Unpack[EventFields]) -> AuditEvent:
    who = fields.get("actor") or actor_of(request)
    target_kind, target_id = fields.get("target_kind"), fields.get("target_id")
    organization_id = fields.get("organization_id")
    return AuditEvent(
        actor_kind=str(who.kind),
        actor_user_id=who.user_id,
        actor_token_id=who.token_id,
        actor_name=who.name[:255] if who.name else None,
        action=fields["action"][:64],
        target_kind=target_kind[:64] if target_kind else None,
        target_id=str(target_id)[:128] if target_id is not None else None,
        organization_id=organization_id if organization_id is not None else who.organization_id,
        ip=client_ip(request) if request is not None else None,
        method=request.method[:16] if request is not None else None,
        path=request.url.path[:500] if request is not None else None,
        user_agent=((request.headers.get("user-agent") or "")[:300] or None) if request is not None else None,
        details=fields.get("details") or {},
    )


async def record(session: AsyncSession, request: Request | None, **fields: Unpack[EventFields]) -> AuditEvent:
    """Add an audit event to the request's transaction (it commits or rolls back with the request's work)."""
    event = _event(request, **fields)
    session.add(event)
    await session.flush()
    return event


# The columns an event sets (id and occurred_at come from the server), for record_on's one statement.
_INSERTED = [c.name for c in AuditEvent.__table__.columns if c.name not in ("id", "occurred_at")]
_CASTS = {"ip": "::text::inet", "details": "::text::jsonb"}
_PARAMS = ", ".join(f"${i}{_CASTS.get(c, '')}" for i, c in enumerate(_INSERTED, start=1))
_INSERT = f"INSERT INTO {AuditEvent.__tablename__} ({', '.join(_INSERTED)}) VALUES ({_PARAMS})"  # noqa: S608


async def record_on(conn: asyncpg.Connection, request: Request | None, **fields: Unpack[EventFields]) -> None:
    """record() as one statement on the request transaction's asyncpg connection: no ORM flush for the
    integration API's one event per batch (a one-mark batch must not pay the ORM's overhead)."""
    event = _event(request, **fields)
    values = (getattr(event, c) for c in _INSERTED)
    await conn.execute(_INSERT, *(json.dumps(v) if isinstance(v, dict) else v for v in values))


async def record_about(
    session: AsyncSession,
    request: Request | None,
    action: str,
    target: tuple[str, int],
    organization_id: int,
    details: dict[str, Any],
    actor: Actor | None,
) -> AuditEvent:
    """An event about one target (kind, id) that counts for one organization."""
    target_kind, target_id = target
    return await record(
        session,
        request,
        action=action,
        target_kind=target_kind,
        target_id=target_id,
        organization_id=organization_id,
        details=details,
        actor=actor,
    )


async def record_account_change(
    session: AsyncSession,
    request: Request | None,
    user_id: int,
    organization_id: int,
    details: dict[str, Any],
    actor: Actor | None = None,
) -> AuditEvent:
    """An account.change event about one account; `details["change"]` says what (created, updated, password…)."""
    return await record_about(session, request, ACCOUNT_CHANGE, ("user", user_id), organization_id, details, actor)


async def record_organization_event(
    session: AsyncSession,
    request: Request | None,
    action: str,
    organization_id: int,
    details: dict[str, Any],
    actor: Actor | None = None,
) -> AuditEvent:
    """An event about one organization, counted for that organization."""
    target = ("organization", organization_id)
    return await record_about(session, request, action, target, organization_id, details, actor)


async def record_now(request: Request, **fields: Unpack[EventFields]) -> bool:
    """Write an audit event in its own short transaction (for failures whose request transaction is rolled back).

    Never raises: an unavailable database must not turn the original answer into a 500. Returns whether it was written.
    """
    maker = getattr(request.app.state, "sessionmaker", None)
    if maker is None:
        return False
    event = _event(request, **fields)
    try:
        async with maker() as session:
            session.add(event)
            await session.commit()
        return True
    except Exception as exc:  # the log must not break the answer; the reason goes to the server log
        log.warning("audit event %s not written: %s", fields["action"], exc.__class__.__name__)
        return False


@dataclass(frozen=True)
class AuditFilters:
    """Filters of the audit log list."""

    action: str | None = None
    actor_user_id: int | None = None
    organization_id: int | None = None
    target_kind: str | None = None
    target_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _visible(principal: Principal) -> Any:
    """Events of the admin's subtree; the root body's admins also see events tied to no organization."""
    is_root = exists().where(Organization.id == principal.organization_id, Organization.parent_id.is_(None))
    return or_(
        AuditEvent.organization_id.in_(scope_org_ids(principal.organization_id)),
        and_(AuditEvent.organization_id.is_(None), is_root),
    )


def _filtered(principal: Principal, f: AuditFilters) -> Select[AuditEvent]:
    stmt = select(AuditEvent).where(_visible(principal))
    if f.action:
        # "auth.login" matches auth.login.success and auth.login.failure.
        stmt = stmt.where(or_(AuditEvent.action == f.action, AuditEvent.action.startswith(f.action + ".")))
    if f.actor_user_id is not None:
        stmt = stmt.where(AuditEvent.actor_user_id == f.actor_user_id)
    if f.organization_id is not None:
        stmt = stmt.where(AuditEvent.organization_id == f.organization_id)
    if f.target_kind:
        stmt = stmt.where(AuditEvent.target_kind == f.target_kind)
    if f.target_id:
        stmt = stmt.where(AuditEvent.target_id == f.target_id)
    if f.since is not None:
        stmt = stmt.where(AuditEvent.occurred_at >= f.since)
    if f.until is not None:
        stmt = stmt.where(AuditEvent.occurred_at < f.until)
    return stmt


async def list_events(
    session: AsyncSession, principal: Principal, filters: AuditFilters, *, limit: int, offset: int
) -> tuple[list[AuditEvent], int]:
    """A page of the audit events the administrator may see, newest first, and their total count."""
    if filters.organization_id is not None:
        # An organization outside the subtree is 404, like every other lookup by id.
        await get_org_in_scope(session, principal, filters.organization_id)
    stmt = _filtered(principal, filters)
    total = await session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = await session.scalars(stmt.order_by(AuditEvent.id.desc()).limit(limit).offset(offset))
    return list(rows.all()), int(total or 0)


DENIAL_STATUSES = frozenset({401, 403, 404})
_PENDING = "audit_pending"


def record_denial(request: Request, status: int, code: str, message: str) -> None:
    """Queue a refused request (401/403/404) for the log; unknown API paths are not denials.

    The row is written by `AuditWriter` after the request has finished, in its own short
    transaction: the request's own transaction is rolled back and may still hold its connection.
    """
    if status not in DENIAL_STATUSES:
        return
    route = request.scope.get("route")
    if getattr(route, "path", None) == "/{path:path}":
        return
    event = _event(
        request,
        action=ACCESS_DENIED,
        target_kind="path",
        target_id=request.url.path,
        organization_id=None,
        details={
            "status": status,
            "code": code,
            "message": message[:300],
            "credentials_sent": "authorization" in request.headers,
        },
        actor=None,
    )
    pending = request.scope.setdefault("state", {}).setdefault(_PENDING, [])
    pending.append(event)


def record_after(
    request: Request,
    *,
    action: str,
    target_kind: str | None = None,
    target_id: str | int | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Queue an event for `AuditWriter`, written after the request in a transaction of its own (for a refusal
    whose own transaction is rolled back)."""
    event = _event(
        request,
        action=action,
        target_kind=target_kind,
        target_id=target_id,
        organization_id=None,
        details=details,
        actor=None,
    )
    request.scope.setdefault("state", {}).setdefault(_PENDING, []).append(event)


class AuditWriter:
    """ASGI middleware: after a request has finished, write the audit events it queued (one row per event)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request, then flush its queued events."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope.setdefault("state", {})
        status: list[int] = []

        async def send_and_note(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(int(message["status"]))
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            events: list[AuditEvent] = scope["state"].pop(_PENDING, [])
            if status and status[0] < 400:
                read = read_event(Request(scope))
                if read is not None:
                    events.append(read)
            if events:
                await _write(scope, events)


# Reports that show individual students (names with their marks, attendance or movements).
STUDENT_REPORTS = frozenset(
    {
        "school.lists.students",
        "school.performance.students",
        "school.performance.class_teacher",
        "school.attendance.class_teacher",
        "school.movement.summary",
        "school.movement.arrived",
        "school.movement.departed",
        "school.journal.history",
        "school.admin.documents",
    }
)
STAFF_REPORTS = frozenset({"school.lists.staff"})
# Route templates relative to /api/v1 (routers included under a prefix report their own path).
_REPORT_ROUTES = {"/reports/{report_id}", "/reports/{report_id}/print"}
_EXPORT_ROUTE = "/reports/{report_id}/export"
_PEOPLE_ROUTE = "/organizations/{organization_id}/people"


def read_event(request: Request) -> AuditEvent | None:
    """The audit event of a successful read of personal data (people directory, student lists, exports), if any.

    Declared here by route, so that every such route is logged the same way and none is forgotten.
    """
    if request.method != "GET":
        return None
    route = str(getattr(request.scope.get("route"), "path", ""))
    route = route.removeprefix("/api/v1")
    params = request.path_params
    query = {k: v[:200] for k, v in request.query_params.items()}
    if route == _PEOPLE_ROUTE:
        action, kind, target = PEOPLE_READ, "organization", params.get("organization_id")
    elif route == _EXPORT_ROUTE:
        action, kind, target = EXPORT, "report", params.get("report_id")
    elif route in _REPORT_ROUTES and params.get("report_id") in STUDENT_REPORTS:
        action, kind, target = STUDENTS_READ, "report", params.get("report_id")
    elif route in _REPORT_ROUTES and params.get("report_id") in STAFF_REPORTS:
        action, kind, target = PEOPLE_READ, "report", params.get("report_id")
    else:
        return None
    details: dict[str, Any] = {"query": query}
    if action == EXPORT:
        details["students"] = params.get("report_id") in STUDENT_REPORTS
    return _event(
        request,
        action=action,
        target_kind=kind,
        target_id=target,
        organization_id=_report_organization(kind, query),
        details=details,
        actor=None,
    )


def _report_organization(target_kind: str, query: dict[str, str]) -> int | None:
    """The school a report read was about (the report checked it is in the caller's scope), else None: the
    actor's body."""
    value = query.get("organization_id", "")
    if target_kind != "report" or not value.isdigit() or len(value) > 9:
        return None
    return int(value)


async def _write(scope: Scope, events: list[AuditEvent]) -> None:
    app = scope.get("app")
    maker = getattr(getattr(app, "state", None), "sessionmaker", None)
    if maker is None:
        return
    try:
        async with maker() as session:
            session.add_all(events)
            await session.commit()
    except Exception as exc:  # the log must not break the server; the reason goes to the server log
        log.warning("%d audit events not written: %s", len(events), exc.__class__.__name__)
