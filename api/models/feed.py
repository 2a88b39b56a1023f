"""The change feed: one log entry per changed row of an integration kind, written by statement triggers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Identity, Integer, Text, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import UserDefinedType

from api.models.base import Base


class Xid8(UserDefinedType[int]):
    """PostgreSQL's 64-bit transaction id (`pg_current_xact_id()`), never wrapping around."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "xid8"


class ChangeLogEntry(Base):
    """Журнал изменений: row `row_id` of `kind` was written (or deleted) by transaction `xid`.

    Filled by the triggers of migration 0800_change_feed on every write path (integration batches, the tree,
    the demo loader's COPY, cascades); `path` is the organization path of the row at that moment (scope of
    tombstones). The row's data is read from its table when the feed is read.
    """

    __tablename__ = "change_log"

    kind: Mapped[str] = mapped_column(Text, primary_key=True)
    xid: Mapped[int] = mapped_column(Xid8, primary_key=True, server_default=func.pg_current_xact_id())
    seq: Mapped[int] = mapped_column(BigInteger, Identity(always=True, cache=100), primary_key=True)
    row_id: Mapped[int] = mapped_column(BigInteger)
    path: Mapped[list[int] | None] = mapped_column(ARRAY(Integer))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ChangeLogHorizon(Base):
    """Up to where the change log of a kind was pruned: a cursor before it must start again from the start."""

    __tablename__ = "change_log_horizon"

    kind: Mapped[str] = mapped_column(Text, primary_key=True)
    pruned_before: Mapped[int] = mapped_column(Xid8)
    pruned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
