"""The journal: marks, the journal change history, attendance; student movements and issued documents."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from api.models.base import Base, ExternalIdMixin, class_in_school, enum_check, partitioned_by


class MarkKind(enum.StrEnum):
    """Вид оценки: текущая, СОР, СОЧ, четвертная, годовая, экзаменационная."""

    current = "current"
    sor = "sor"
    soch = "soch"
    quarter = "quarter"
    year = "year"
    exam = "exam"


PERIOD_MARK_KINDS = (MarkKind.quarter, MarkKind.year)


class JournalAction(enum.StrEnum):
    created = "created"
    changed = "changed"
    deleted = "deleted"


class AbsenceReason(enum.StrEnum):
    """Причина пропуска: болезнь, уважительная, неуважительная, опоздание."""

    illness = "illness"
    valid = "valid"
    unexcused = "unexcused"
    late = "late"


class MovementKind(enum.StrEnum):
    """Движение ученика: прибыл or выбыл."""

    arrived = "arrived"
    departed = "departed"


class DocumentType(enum.StrEnum):
    """Документ об образовании."""

    basic_certificate = "basic_certificate"  # свидетельство об основном среднем образовании (9 класс)
    general_certificate = "general_certificate"  # аттестат об общем среднем образовании (11 класс)
    other = "other"


class Mark(ExternalIdMixin, Base):
    """Оценка: a current mark on a lesson, a summative (СОР/СОЧ) or a period mark (четверть, год, экзамен).

    Values are on the 5-point scale (1–5); a period mark may instead be «н/а» (not_attested).
    """

    __tablename__ = "marks"
    __table_args__ = (
        CheckConstraint(enum_check("kind", MarkKind), name="kind"),
        CheckConstraint("value IS NULL OR value BETWEEN 1 AND 5", name="value_scale"),
        CheckConstraint("(value IS NOT NULL) <> not_attested", name="value_or_not_attested"),
        CheckConstraint("NOT not_attested OR kind IN ('quarter', 'year', 'exam')", name="not_attested_period_only"),
        CheckConstraint("kind NOT IN ('quarter', 'year') OR period_id IS NOT NULL", name="period_mark_has_period"),
        CheckConstraint("kind <> 'current' OR lesson_id IS NOT NULL", name="current_mark_has_lesson"),
        class_in_school("marks"),
        Index("ix_marks_class_subject_date", "class_id", "subject_id", "date"),
        Index("ix_marks_student_id", "student_person_id"),
        Index("ix_marks_lesson_id", "lesson_id"),
        Index("ix_marks_organization_date", "organization_id", "date"),
        Index("ix_marks_external_system_external_id", "external_system", "external_id"),
        partitioned_by("date"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    organization_id: Mapped[int] = mapped_column(Integer)
    region_id: Mapped[int] = mapped_column(Integer)
    class_id: Mapped[int] = mapped_column(Integer)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id", ondelete="RESTRICT"))
    student_person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    lesson_id: Mapped[int | None] = mapped_column(Integer)
    period_id: Mapped[int | None] = mapped_column(ForeignKey("periods.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[int | None] = mapped_column(SmallInteger)
    not_attested: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)  # the partition key is in the primary key
    entered_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    entered_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class JournalChange(Base):
    """История изменений журнала: every create / change / delete of a mark, who and when, old → new."""

    __tablename__ = "journal_changes"
    __table_args__ = (
        CheckConstraint(enum_check("action", JournalAction), name="action"),
        Index("ix_journal_changes_organization_changed_at", "organization_id", "changed_at"),
        Index("ix_journal_changes_mark_id", "mark_id"),
        partitioned_by("changed_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    region_id: Mapped[int] = mapped_column(Integer)
    mark_id: Mapped[int] = mapped_column(BigInteger)  # no FK: the history outlives a deleted mark
    class_id: Mapped[int] = mapped_column(Integer)
    subject_id: Mapped[int] = mapped_column(Integer)
    student_person_id: Mapped[int] = mapped_column(Integer)
    lesson_date: Mapped[dt.date | None] = mapped_column(Date)
    mark_kind: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(16))
    old_value: Mapped[str | None] = mapped_column(String(8))
    new_value: Mapped[str | None] = mapped_column(String(8))
    changed_by_person_id: Mapped[int | None] = mapped_column(Integer)
    changed_by: Mapped[str | None] = mapped_column(String(255))  # the source system or user who sent it
    changed_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), primary_key=True
    )


class Absence(ExternalIdMixin, Base):
    """Пропуск урока учеником, with its reason (болезнь, уважительная, неуважительная, опоздание)."""

    __tablename__ = "absences"
    __table_args__ = (
        CheckConstraint(enum_check("reason", AbsenceReason), name="reason"),
        # One absence per student and lesson (a lesson has one date; the date is the partition key).
        UniqueConstraint("student_person_id", "lesson_id", "date", name="uq_absences_student_person_id_lesson_id"),
        Index("ix_absences_class_date", "class_id", "date"),
        Index("ix_absences_organization_date", "organization_id", "date"),
        Index("ix_absences_external_system_external_id", "external_system", "external_id"),
        partitioned_by("date"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    region_id: Mapped[int] = mapped_column(Integer)
    class_id: Mapped[int] = mapped_column(Integer)
    lesson_id: Mapped[int] = mapped_column(Integer)
    student_person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    reason: Mapped[str] = mapped_column(String(16))


class Movement(ExternalIdMixin, Base):
    """Движение учеников: arrival or departure, with date, from / to, reason and order number."""

    __tablename__ = "movements"
    __table_args__ = (
        CheckConstraint(enum_check("kind", MovementKind), name="kind"),
        UniqueConstraint("external_system", "external_id"),
        class_in_school("movements", ondelete="SET NULL (class_id)"),
        Index("ix_movements_organization_date", "organization_id", "date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    region_id: Mapped[int] = mapped_column(Integer)
    class_id: Mapped[int | None] = mapped_column(Integer)
    student_person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    date: Mapped[dt.date] = mapped_column(Date)
    counterpart: Mapped[str | None] = mapped_column(String(500))  # откуда прибыл / куда выбыл
    reason: Mapped[str | None] = mapped_column(String(500))
    order_number: Mapped[str | None] = mapped_column(String(64))


class EducationDocument(ExternalIdMixin, Base):
    """Выданный документ об образовании: type, series, number, date, with honours."""

    __tablename__ = "education_documents"
    __table_args__ = (
        CheckConstraint(enum_check("doc_type", DocumentType), name="doc_type"),
        UniqueConstraint("doc_type", "series", "number"),
        UniqueConstraint("external_system", "external_id"),
        Index("ix_education_documents_organization_id", "organization_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    region_id: Mapped[int] = mapped_column(Integer)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id", ondelete="SET NULL"))
    student_person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    doc_type: Mapped[str] = mapped_column(String(32))
    series: Mapped[str] = mapped_column(String(16), default="")
    number: Mapped[str] = mapped_column(String(32))
    issued_on: Mapped[dt.date] = mapped_column(Date)
    with_honours: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
