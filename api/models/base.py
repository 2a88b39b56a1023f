"""Declarative base with a constraint naming convention and shared column helpers."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKeyConstraint, MetaData, String, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every model; `lazy="raise"` is the default so that no relationship loads implicitly."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def enum_check(column: str, enum_cls: type[enum.Enum]) -> str:
    """SQL for a CHECK that the column holds one of the enum's values (enums are stored as text)."""
    values = ", ".join(f"'{m.value}'" for m in enum_cls)
    return f"{column} IN ({values})"


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class ExternalIdMixin:
    """Keys of the source school system (a third-party system pushes by these)."""

    external_system: Mapped[str | None] = mapped_column(String(64))
    external_id: Mapped[str | None] = mapped_column(String(128))


class ReferenceItemMixin:
    """An item of a reference list: a code and its names in the three languages."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name_ru: Mapped[str] = mapped_column(String(255))
    name_kk: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str] = mapped_column(String(255))


def class_in_school(table: str, ondelete: str = "CASCADE") -> ForeignKeyConstraint:
    """(class_id, organization_id) → classes: the row's class is a class of the row's school."""
    return ForeignKeyConstraint(
        ["class_id", "organization_id"],
        ["classes.id", "classes.organization_id"],
        name=f"fk_{table}_class_organization",
        ondelete=ondelete,
    )


def partitioned_by(column: str) -> dict[str, Any]:
    """Table options of a table partitioned by school year on `column` (migration 0900_partitions).

    Its primary key is (id, column): PostgreSQL wants the partition key in every unique constraint. The
    unique keys without it live in key tables (api.models.partition_keys); the foreign keys
    fk_<table>_lesson_class of marks, absences and homework are triggers (lessons is partitioned).
    """
    return {"postgresql_partition_by": f"RANGE ({column})"}
