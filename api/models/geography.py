"""Geography: regions (область, город республиканского значения) and districts (район, город обл. значения)."""

from __future__ import annotations

import enum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.models.base import Base, ExternalIdMixin, enum_check


class RegionKind(enum.StrEnum):
    """Вид региона: область or город республиканского значения."""

    oblast = "oblast"
    city = "city"


class DistrictKind(enum.StrEnum):
    """Вид муниципалитета: район or город областного (регионального) значения."""

    district = "district"
    city = "city"


class Region(ExternalIdMixin, Base):
    """Регион: область or город республиканского значения."""

    __tablename__ = "regions"
    __table_args__ = (
        CheckConstraint(enum_check("kind", RegionKind), name="kind"),
        UniqueConstraint("external_system", "external_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name_ru: Mapped[str] = mapped_column(String(255))
    name_kk: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16), default=RegionKind.oblast)


class District(ExternalIdMixin, Base):
    """Муниципалитет: район or город областного значения, inside a region."""

    __tablename__ = "districts"
    __table_args__ = (
        CheckConstraint(enum_check("kind", DistrictKind), name="kind"),
        UniqueConstraint("external_system", "external_id"),
        UniqueConstraint("id", "region_id"),
        Index("ix_districts_region_id", "region_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="RESTRICT"))
    name_ru: Mapped[str] = mapped_column(String(255))
    name_kk: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16), default=DistrictKind.district)
