"""School life: academic years and periods, classes, subjects, assignments, enrolments, lessons, homework."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement

from api.models.base import (
    Base,
    ExternalIdMixin,
    TimestampMixin,
    class_in_school,
    enum_check,
    partitioned_by,
)


class PeriodKind(enum.StrEnum):
    """Учебный период: четверть, полугодие, год."""

    quarter = "quarter"
    half = "half"
    year = "year"


class LessonStatus(enum.StrEnum):
    """Статус урока: проведён, отменён, заменён."""

    held = "held"
    cancelled = "cancelled"
    replaced = "replaced"


def lesson_held(status: ColumnElement[str] | Mapped[str]) -> ColumnElement[bool]:
    """Проведённый урок: it took place, with its own teacher or a substitute (held or replaced).

    The one definition is the SQL function `lesson_held(status)` (migration 0310_reports), which the
    aggregate triggers use too; PostgreSQL inlines it, so it costs nothing in a WHERE clause.
    """
    return func.lesson_held(status, type_=Boolean)


class AcademicYear(Base):
    """Учебный год (1 September – 31 May by default; the dates are data)."""

    __tablename__ = "academic_years"
    __table_args__ = (CheckConstraint("ends_on > starts_on", name="dates"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)


class Period(Base):
    """Учебный период (четверть) of an academic year, with its dates."""

    __tablename__ = "periods"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="dates"),
        CheckConstraint(enum_check("kind", PeriodKind), name="kind"),
        CheckConstraint("number BETWEEN 1 AND 4", name="number"),
        UniqueConstraint("academic_year_id", "kind", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    academic_year_id: Mapped[int] = mapped_column(ForeignKey("academic_years.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16), default=PeriodKind.quarter)
    number: Mapped[int] = mapped_column(SmallInteger)
    name_ru: Mapped[str] = mapped_column(String(64))
    name_kk: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(64))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)


class SchoolClass(ExternalIdMixin, TimestampMixin, Base):
    """Класс: grade and letter in one school for one academic year, with its class teacher."""

    __tablename__ = "classes"
    __table_args__ = (
        CheckConstraint("grade BETWEEN 0 AND 12", name="grade"),
        UniqueConstraint("organization_id", "academic_year_id", "grade", "letter"),
        UniqueConstraint("id", "organization_id"),
        UniqueConstraint("external_system", "external_id"),
        ForeignKeyConstraint(
            ["organization_id", "region_id"],
            ["organizations.id", "organizations.region_id"],
            name="fk_classes_organization_region",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(Integer)
    region_id: Mapped[int] = mapped_column(Integer)
    academic_year_id: Mapped[int] = mapped_column(ForeignKey("academic_years.id", ondelete="RESTRICT"))
    grade: Mapped[int] = mapped_column(SmallInteger)
    letter: Mapped[str] = mapped_column(String(8), default="")
    class_teacher_person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))

    @property
    def name(self) -> str:
        return f"{self.grade}{self.letter}"


class Subject(ExternalIdMixin, Base):
    """Предмет; organization_id NULL for the common list."""

    __tablename__ = "subjects"
    __table_args__ = (UniqueConstraint("external_system", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    name_ru: Mapped[str] = mapped_column(String(255))
    name_kk: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str | None] = mapped_column(String(255))
    short_name: Mapped[str | None] = mapped_column(String(64))


class Assignment(ExternalIdMixin, Base):
    """Назначение: a subject taught in a class by a teacher (класс–предмет–учитель)."""

    __tablename__ = "assignments"
    __table_args__ = (
        CheckConstraint("hours_per_week IS NULL OR hours_per_week BETWEEN 0 AND 40", name="hours"),
        UniqueConstraint("class_id", "subject_id", "teacher_person_id"),
        UniqueConstraint("external_system", "external_id"),
        UniqueConstraint("id", "class_id"),
        class_in_school("assignments"),
        Index("ix_assignments_teacher_person_id", "teacher_person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(Integer)
    region_id: Mapped[int] = mapped_column(Integer)
    class_id: Mapped[int] = mapped_column(Integer)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id", ondelete="RESTRICT"))
    teacher_person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    hours_per_week: Mapped[int | None] = mapped_column(SmallInteger)


class Enrolment(ExternalIdMixin, Base):
    """Зачисление ученика в класс, from a date until a date (open-ended while studying).

    The composite foreign key keeps the class inside the same school; the exclusion
    constraint keeps a student from being in two classes at once.
    """

    __tablename__ = "enrolments"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates"),
        UniqueConstraint("external_system", "external_id"),
        class_in_school("enrolments"),
        ExcludeConstraint(
            ("student_person_id", "="),
            (text("daterange(starts_on, coalesce(ends_on, 'infinity'::date), '[]')"), "&&"),
            name="ex_enrolments_one_class_at_a_time",
            using="gist",
        ),
        Index("ix_enrolments_class_id", "class_id"),
        Index("ix_enrolments_organization_id", "organization_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(Integer)
    region_id: Mapped[int] = mapped_column(Integer)
    class_id: Mapped[int] = mapped_column(Integer)
    student_person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)


class Lesson(ExternalIdMixin, Base):
    """Урок: a lesson of an assignment on a date; held, cancelled or replaced (with substitute and reason)."""

    __tablename__ = "lessons"
    __table_args__ = (
        CheckConstraint(enum_check("status", LessonStatus), name="status"),
        CheckConstraint("number BETWEEN 0 AND 12", name="number"),
        CheckConstraint("status <> 'replaced' OR substitute_person_id IS NOT NULL", name="replaced_has_substitute"),
        class_in_school("lessons"),
        ForeignKeyConstraint(
            ["assignment_id", "class_id"],
            ["assignments.id", "assignments.class_id"],
            name="fk_lessons_assignment_class",
            ondelete="CASCADE",
        ),
        Index("ix_lessons_organization_date", "organization_id", "date"),
        Index("ix_lessons_class_date", "class_id", "date"),
        Index("ix_lessons_teacher_date", "teacher_person_id", "date"),
        Index("ix_lessons_external_system_external_id", "external_system", "external_id"),
        partitioned_by("date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    organization_id: Mapped[int] = mapped_column(Integer)
    region_id: Mapped[int] = mapped_column(Integer)
    class_id: Mapped[int] = mapped_column(Integer)
    assignment_id: Mapped[int] = mapped_column(Integer)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id", ondelete="RESTRICT"))
    teacher_person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    number: Mapped[int] = mapped_column(SmallInteger, default=1)
    topic: Mapped[str | None] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(16), default=LessonStatus.held)
    substitute_person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    change_reason: Mapped[str | None] = mapped_column(String(500))
    from_timetable: Mapped[bool] = mapped_column(default=True, server_default="true")


class Homework(ExternalIdMixin, Base):
    """Домашнее задание for a lesson, with the expected minutes to do it."""

    __tablename__ = "homework"
    __table_args__ = (
        CheckConstraint("minutes IS NULL OR minutes BETWEEN 0 AND 600", name="minutes"),
        UniqueConstraint("external_system", "external_id"),
        # (lesson_id, class_id) → lessons is the trigger-kept rule fk_homework_lesson_class (lessons is partitioned)
        Index("ix_homework_class_due", "class_id", "due_on"),
        Index("ix_homework_lesson_id", "lesson_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    region_id: Mapped[int] = mapped_column(Integer)
    class_id: Mapped[int] = mapped_column(Integer)
    lesson_id: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    minutes: Mapped[int | None] = mapped_column(SmallInteger)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
