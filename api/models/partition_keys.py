"""Key tables: the unique keys of the partitioned tables that don't contain the partition column.

PostgreSQL wants the partition key in every unique constraint of a partitioned table, so a one-row-per-
external-id rule (or one absence per student and lesson) lives here: a row per key, pointing at the row's id,
written by statement-level triggers in the same statement as the row (migration 0900_partitions). Each
primary key carries the name the table's unique constraint had, so that a clash fails exactly as before.
The keys of an archived school year stay: its external ids remain taken until the year is restored.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import BigInteger, Integer, PrimaryKeyConstraint, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from api.models.base import Base


class _ExternalKey:
    """(source system, external id) → the row's id in the partitioned table `_of`, under the name of the unique
    constraint that table had."""

    _of: ClassVar[str]
    external_system: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(String(128))

    @declared_attr.directive
    def __tablename__(cls) -> str:
        return f"{cls._of}_keys"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        name = f"uq_{cls._of}_external_system_external_id"
        return (PrimaryKeyConstraint("external_system", "external_id", name=name),)


class LessonKey(_ExternalKey, Base):
    """The key of a lesson."""

    _of = "lessons"
    id: Mapped[int] = mapped_column(Integer)


class MarkKey(_ExternalKey, Base):
    """The key of a mark."""

    _of = "marks"
    id: Mapped[int] = mapped_column(BigInteger)


class AbsenceKey(_ExternalKey, Base):
    """The key of an absence."""

    _of = "absences"
    id: Mapped[int] = mapped_column(BigInteger)


class VisitKey(_ExternalKey, Base):
    """The key of a visit."""

    _of = "visits"
    id: Mapped[int] = mapped_column(BigInteger)


KEY_TABLES = tuple(key.__tablename__ for key in (LessonKey, MarkKey, AbsenceKey, VisitKey))
