"""People: persons, staff posts, parent links, user accounts and their visits."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ColumnElement,
    Computed,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    FromClause,
    Index,
    Integer,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from api.models.base import Base, ExternalIdMixin, TimestampMixin, enum_check, partitioned_by


class Sex(enum.StrEnum):
    """Пол."""

    male = "M"
    female = "F"


class RoleKind(enum.StrEnum):
    """Роль сотрудника: руководитель, заместитель, учитель, …"""

    head = "head"
    deputy = "deputy"
    teacher = "teacher"
    additional_teacher = "additional_teacher"  # педагог дополнительного образования
    psychologist = "psychologist"
    social_pedagogue = "social_pedagogue"
    librarian = "librarian"
    administrator = "administrator"
    specialist = "specialist"  # специалист ОУО
    other = "other"


class QualificationCategory(enum.StrEnum):
    """Квалификационная категория педагога."""

    master = "master"  # педагог-мастер
    researcher = "researcher"  # педагог-исследователь
    expert = "expert"  # педагог-эксперт
    moderator = "moderator"  # педагог-модератор
    pedagogue = "pedagogue"  # педагог
    none = "none"  # без категории


class AppRole(enum.StrEnum):
    """Access to this application: employee («Пользователь») or administrator of a management body."""

    employee = "employee"
    admin = "admin"


class AccountStatus(enum.StrEnum):
    active = "active"
    disabled = "disabled"


class Person(ExternalIdMixin, TimestampMixin, Base):
    """Персона: a student, a parent, a member of staff; registered or not."""

    __tablename__ = "persons"
    __table_args__ = (
        CheckConstraint(enum_check("sex", Sex), name="sex"),
        CheckConstraint("iin IS NULL OR iin_is_valid(iin)", name="iin_valid"),
        CheckConstraint(
            "iin IS NULL OR birth_date IS NULL OR iin_matches_birth(iin, birth_date, sex)",
            name="iin_matches_birth",
        ),
        CheckConstraint("birth_date IS NULL OR birth_date > DATE '1900-01-01'", name="birth_date_range"),
        CheckConstraint("length(btrim(surname)) > 0 AND length(btrim(first_name)) > 0", name="names_present"),
        UniqueConstraint("iin"),
        UniqueConstraint("external_system", "external_id"),
        Index("ix_persons_region_id", "region_id"),
        Index("ix_persons_source_organization_id", "source_organization_id"),
        Index(
            "ix_persons_search_name_trgm",
            "search_name",
            postgresql_using="gin",
            postgresql_ops={"search_name": "gin_trgm_ops"},
        ),
        # «Люди» in name order and names by prefix. Migration 0401 builds it on (search_name COLLATE "C", id):
        # code point order, the same on every server. Reflection does not report an index column's
        # collation, so the columns alone are declared here.
        Index("ix_persons_search_name_c", "search_name", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id", ondelete="RESTRICT"))
    surname: Mapped[str] = mapped_column(String(128))
    first_name: Mapped[str] = mapped_column(String(128))
    patronymic: Mapped[str | None] = mapped_column(String(128))
    sex: Mapped[str | None] = mapped_column(String(1))
    birth_date: Mapped[date | None] = mapped_column(Date)
    iin: Mapped[str | None] = mapped_column(String(12))
    phone: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(255))
    # The organization of the API token that created the person (NULL: created otherwise). Tokens whose
    # subtree holds it may change the record, as may those holding one of the person's enrolments, posts,
    # accounts or enrolled children (api.services.integration.kinds.persons.PERSON_GUARD). use_alter:
    # organizations already refer to persons through their head, and this closes the cycle.
    source_organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL", use_alter=True)
    )
    # Lower-case, ё→е full name for trigram search (people directory).
    search_name: Mapped[str] = mapped_column(
        String(400),
        Computed(
            "lower(translate(surname || ' ' || first_name || ' ' || coalesce(patronymic, ''), 'Ёё', 'Ее'))",
            persisted=True,
        ),
    )

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.surname, self.first_name, self.patronymic) if p)


def full_name(p: Any = Person) -> ColumnElement[str]:
    """«Surname First Patronymic» in SQL: of `Person`, an alias of it, or a subquery or table with those columns."""
    cols = p.c if isinstance(p, FromClause) else p
    return func.concat_ws(" ", cols.surname, cols.first_name, cols.patronymic)


class StaffPost(ExternalIdMixin, TimestampMixin, Base):
    """Должность сотрудника в организации: position, role kind and qualification category."""

    __tablename__ = "staff_posts"
    __table_args__ = (
        CheckConstraint(enum_check("role_kind", RoleKind), name="role_kind"),
        CheckConstraint(enum_check("category", QualificationCategory), name="category"),
        CheckConstraint("ended_on IS NULL OR started_on IS NULL OR ended_on >= started_on", name="dates"),
        UniqueConstraint("external_system", "external_id"),
        ForeignKeyConstraint(
            ["organization_id", "region_id"],
            ["organizations.id", "organizations.region_id"],
            name="fk_staff_posts_organization_region",
        ),
        Index("ix_staff_posts_organization_id", "organization_id"),
        Index("ix_staff_posts_person_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(Integer)
    region_id: Mapped[int | None] = mapped_column(Integer)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    position: Mapped[str] = mapped_column(String(255))
    role_kind: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(32), default=QualificationCategory.none)
    started_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)


class ParentLink(ExternalIdMixin, Base):
    """Связь родитель–ребёнок."""

    __tablename__ = "parent_links"
    __table_args__ = (
        CheckConstraint("parent_person_id <> child_person_id", name="not_self"),
        CheckConstraint("relation IN ('mother', 'father', 'guardian', 'other')", name="relation"),
        UniqueConstraint("parent_person_id", "child_person_id"),
        UniqueConstraint("external_system", "external_id"),
        Index("ix_parent_links_child_person_id", "child_person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id", ondelete="RESTRICT"))
    parent_person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    child_person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    relation: Mapped[str] = mapped_column(String(16), default="other")


class User(ExternalIdMixin, TimestampMixin, Base):
    """Учётная запись: a person is «registered» when an account exists.

    School users (teachers, students, parents) arrive from the school systems and have no
    `app_role`; employees of a management body log in here and have `app_role` and a password.
    `token_version` grows when role, organization or status change, so old tokens die at once.
    """

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"app_role IS NULL OR {enum_check('app_role', AppRole)}", name="app_role"),
        CheckConstraint(enum_check("status", AccountStatus), name="status"),
        CheckConstraint(
            "app_role IS NULL OR (username IS NOT NULL AND password_hash IS NOT NULL)",
            name="app_user_has_credentials",
        ),
        UniqueConstraint("username"),
        UniqueConstraint("person_id"),
        UniqueConstraint("external_system", "external_id"),
        Index("ix_users_organization_id", "organization_id"),
        Index("ix_users_last_seen_at", "last_seen_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="RESTRICT"))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id", ondelete="RESTRICT"))
    username: Mapped[str | None] = mapped_column(String(128))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    app_role: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=AccountStatus.active)
    token_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # A one-time password set by an administrator: the owner must set their own before anything else.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Visit(ExternalIdMixin, Base):
    """Визит: a user's visit to the system, with time and the organization it counts for."""

    __tablename__ = "visits"
    __table_args__ = (
        Index("ix_visits_organization_visited_at", "organization_id", "visited_at"),
        Index("ix_visits_user_visited_at", "user_id", "visited_at"),
        Index("ix_visits_region_id", "region_id"),
        Index("ix_visits_external_system_external_id", "external_system", "external_id"),
        partitioned_by("visited_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    region_id: Mapped[int | None] = mapped_column(Integer)
    visited_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), primary_key=True)
