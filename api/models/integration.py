"""Integration: API tokens of the school systems that push their data over REST."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text, func, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from api.models.base import Base


class ApiToken(Base):
    """API-токен of a school system: bound to an organization subtree, a source system, its scopes (read, write)
    and the kinds it may write.

    Only the sha256 of the token is stored; the token itself is shown once, when it is created.
    """

    __tablename__ = "api_tokens"
    __table_args__ = (
        CheckConstraint("length(token_hash) = 64", name="token_hash_length"),
        CheckConstraint("length(btrim(external_system)) > 0", name="external_system_present"),
        CheckConstraint("cardinality(kinds) > 0 OR NOT ('write' = ANY(scopes))", name="kinds_present"),
        CheckConstraint("cardinality(scopes) > 0 AND scopes <@ ARRAY['read', 'write']::text[]", name="scopes_valid"),
        Index("ix_api_tokens_organization_id", "organization_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_prefix: Mapped[str] = mapped_column(String(16))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    external_system: Mapped[str] = mapped_column(String(64))
    kinds: Mapped[list[str]] = mapped_column(ARRAY(String(32)))
    # `write`: the bulk endpoints (of `kinds`); `read`: the reports of the subtree, like a user of the body.
    scopes: Mapped[list[str]] = mapped_column(ARRAY(Text()), server_default=text("'{write}'::text[]"))
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
