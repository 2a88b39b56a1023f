"""Audit log schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator


class AuditEventRead(BaseModel):
    """One audit event: when (UTC), who, what, on what, from where."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    occurred_at: datetime
    actor_kind: str
    actor_user_id: int | None
    actor_token_id: int | None
    actor_name: str | None
    action: str
    target_kind: str | None
    target_id: str | None
    organization_id: int | None
    ip: str | None
    method: str | None
    path: str | None
    user_agent: str | None
    details: dict[str, Any]

    @field_validator("ip", mode="before")
    @classmethod
    def _ip(cls, value: Any) -> str | None:
        # asyncpg returns INET values as ipaddress objects.
        return str(value) if value is not None else None


class AuditEventList(BaseModel):
    """A page of audit events, newest first."""

    items: list[AuditEventRead]
    total: int
    limit: int
    offset: int
