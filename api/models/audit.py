"""Журнал аудита: the append-only audit log of who did what, when and from where."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, DateTime, Index, Integer, String, text
from sqlalchemy.dialects.postgresql import INET, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from api.models.base import Base, enum_check


class ActorKind(enum.StrEnum):
    """Who acted: a logged-in user, an integration token or an anonymous caller."""

    user = "user"
    token = "token"
    anonymous = "anonymous"


class AuditEvent(Base):
    """Запись журнала аудита: one event; rows are never updated or deleted (a trigger refuses it).

    Actor and organization ids are plain integers, not foreign keys: the log must outlive the
    rows it mentions and a cascading SET NULL would be an UPDATE the log refuses.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        CheckConstraint(enum_check("actor_kind", ActorKind), name="actor_kind"),
        CheckConstraint("actor_kind <> 'user' OR actor_user_id IS NOT NULL", name="user_actor_has_id"),
        CheckConstraint("actor_kind <> 'token' OR actor_token_id IS NOT NULL", name="token_actor_has_id"),
        Index("ix_audit_log_organization_id_id", "organization_id", "id"),
        Index("ix_audit_log_occurred_at", "occurred_at"),
        Index("ix_audit_log_actor_user_id", "actor_user_id"),
        Index("ix_audit_log_action", "action"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    # clock_timestamp(): the moment of the event, not the start of its transaction.
    occurred_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("clock_timestamp()"), nullable=False
    )
    actor_kind: Mapped[str] = mapped_column(String(16), nullable=False)
    actor_user_id: Mapped[int | None] = mapped_column(Integer)
    actor_token_id: Mapped[int | None] = mapped_column(Integer)
    actor_name: Mapped[str | None] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(64), nullable=False)
    target_kind: Mapped[str | None] = mapped_column(String(64))
    target_id: Mapped[str | None] = mapped_column(String(128))
    organization_id: Mapped[int | None] = mapped_column(Integer)
    ip: Mapped[str | None] = mapped_column(INET)
    method: Mapped[str | None] = mapped_column(String(16))
    path: Mapped[str | None] = mapped_column(String(500))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"), nullable=False)
