"""GET /audit: the audit log of the administrator's subtree."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import AdminUser, SessionDep
from api.errors import InvalidInput
from api.schemas.audit import AuditEventList, AuditEventRead
from api.schemas.dates import SaneDateTime
from api.services import audit

router = APIRouter(tags=["audit"])


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


@router.get("/audit", response_model=AuditEventList)
async def list_audit_events(
    principal: AdminUser,
    session: SessionDep,
    action: Annotated[str | None, Query(max_length=64, description="Action or its dotted prefix (auth.login)")] = None,
    actor_user_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    organization_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    target_kind: Annotated[str | None, Query(max_length=64)] = None,
    target_id: Annotated[str | None, Query(max_length=128)] = None,
    since: Annotated[SaneDateTime | None, Query(description="From this moment (inclusive); naive means UTC")] = None,
    until: Annotated[SaneDateTime | None, Query(description="Before this moment; naive means UTC")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> AuditEventList:
    """The audit events of the administrator's subtree, newest first, with filters."""
    since_utc, until_utc = _utc(since), _utc(until)
    if since_utc is not None and until_utc is not None and until_utc < since_utc:
        raise InvalidInput("until", "must not be earlier than since")
    filters = audit.AuditFilters(
        action=action or None,
        actor_user_id=actor_user_id,
        organization_id=organization_id,
        target_kind=target_kind or None,
        target_id=target_id or None,
        since=since_utc,
        until=until_utc,
    )
    rows, total = await audit.list_events(session, principal, filters, limit=limit, offset=offset)
    return AuditEventList(
        items=[AuditEventRead.model_validate(r) for r in rows], total=total, limit=limit, offset=offset
    )
