"""Key tables: the unique keys of the partitioned tables that don't contain the partition column.

PostgreSQL wants the partition key in every unique constraint of a partitioned table, so a one-row-per-
external-id rule (or one absence per student and lesson) lives here: a row per key, pointing at the row's id,
written by statement-level triggers in the same statement as the row (migration 0900_partitions). Each
primary key carries the name the table's unique constraint had, so that a clash fails exactly as before.
The keys of an archived school year stay: its external ids remain taken until the year is restored.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, PrimaryKeyConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from api.models.base import Base


class _ExternalKey:
    external_system: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(String(128))


class LessonKey(_ExternalKey, Base):
    """Ключ урока: (source system, external id) → lessons.id."""

    __tablename__ = "lessons_keys"
    __table_args__ = (
        PrimaryKeyConstraint("external_system", "external_id", name="uq_lessons_external_system_external_id"),
    )

    id: Mapped[int] = mapped_column(Integer)


class MarkKey(_ExternalKey, Base):
    """Ключ оценки: (source system, external id) → marks.id."""

    __tablename__ = "marks_keys"
    __table_args__ = (
        PrimaryKeyConstraint("external_system", "external_id", name="uq_marks_external_system_external_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger)


class AbsenceKey(_ExternalKey, Base):
    """Ключ пропуска: (source system, external id) → absences.id."""

    __tablename__ = "absences_keys"
    __table_args__ = (
        PrimaryKeyConstraint("external_system", "external_id", name="uq_absences_external_system_external_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger)


class VisitKey(_ExternalKey, Base):
    """Ключ визита: (source system, external id) → visits.id."""

    __tablename__ = "visits_keys"
    __table_args__ = (
        PrimaryKeyConstraint("external_system", "external_id", name="uq_visits_external_system_external_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger)


KEY_TABLES = ("lessons_keys", "marks_keys", "absences_keys", "visits_keys")
