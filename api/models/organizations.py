"""Organizations: management bodies (ОУО) and educational organizations (ОО) in one tree."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from api.models.base import Base, ExternalIdMixin, ReferenceItemMixin, TimestampMixin, enum_check


class OrganizationKind(enum.StrEnum):
    """Вид организации: министерство, областное/районное ОУО, or an educational organization (ОО)."""

    ministry = "ministry"
    regional_body = "regional_body"
    district_body = "district_body"
    school = "school"


MANAGEMENT_KINDS = (OrganizationKind.ministry, OrganizationKind.regional_body, OrganizationKind.district_body)


class OrganizationType(ReferenceItemMixin, Base):
    """Тип организации образования: общеобразовательная, дошкольная, колледж, … (reference table)."""

    __tablename__ = "organization_types"

    # sort_order=1: the column stays after the mixin's ones, where the migration has it.
    sort_order: Mapped[int] = mapped_column(Integer, default=0, sort_order=1)


class OrganizationStructure(ReferenceItemMixin, Base):
    """Организационная структура: самостоятельное учреждение, филиал, … (reference table)."""

    __tablename__ = "organization_structures"


class Organization(ExternalIdMixin, TimestampMixin, Base):
    """Организация: a management body (ОУО) or an educational organization (ОО).

    `path` lists the ids from the root of the tree down to this organization (kept by a
    trigger); the scope of a user is the subtree under their body (api/services/scope.py says it in SQL).
    """

    __tablename__ = "organizations"
    __table_args__ = (
        CheckConstraint(enum_check("kind", OrganizationKind), name="kind"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        # The root of an install: the ministry, or a regional body for a regional install (`python -m api init`).
        CheckConstraint("kind IN ('ministry', 'regional_body') OR parent_id IS NOT NULL", name="parent_required"),
        CheckConstraint(
            "kind <> 'school' OR (region_id IS NOT NULL AND type_id IS NOT NULL)",
            name="school_has_region_and_type",
        ),
        CheckConstraint(
            "kind NOT IN ('regional_body', 'district_body') OR region_id IS NOT NULL", name="body_has_region"
        ),
        CheckConstraint("kind <> 'district_body' OR district_id IS NOT NULL", name="district_body_has_district"),
        CheckConstraint(
            "accreditation_valid_until IS NULL OR accreditation_date IS NULL "
            "OR accreditation_valid_until >= accreditation_date",
            name="accreditation_dates",
        ),
        CheckConstraint("email IS NULL OR email LIKE '%_@_%'", name="email_format"),
        UniqueConstraint("external_system", "external_id"),
        UniqueConstraint("id", "region_id"),
        ForeignKeyConstraint(
            ["district_id", "region_id"],
            ["districts.id", "districts.region_id"],
            name="fk_organizations_district_in_region",
        ),
        Index("ix_organizations_path", "path", postgresql_using="gin"),
        Index("ix_organizations_parent_id", "parent_id"),
        Index("ix_organizations_region_district", "region_id", "district_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="RESTRICT"))
    path: Mapped[list[int]] = mapped_column(ARRAY(Integer), server_default="{}")
    kind: Mapped[str] = mapped_column(String(32))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id", ondelete="RESTRICT"))
    district_id: Mapped[int | None] = mapped_column(Integer)
    type_id: Mapped[int | None] = mapped_column(ForeignKey("organization_types.id", ondelete="RESTRICT"))
    structure_id: Mapped[int | None] = mapped_column(ForeignKey("organization_structures.id", ondelete="RESTRICT"))

    name_ru: Mapped[str] = mapped_column(String(500))
    name_kk: Mapped[str | None] = mapped_column(String(500))
    short_name: Mapped[str | None] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)

    postal_address: Mapped[str | None] = mapped_column(String(500))
    building_address: Mapped[str | None] = mapped_column(String(500))
    phones: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(255))
    website: Mapped[str | None] = mapped_column(String(255))
    head_person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))

    license_number: Mapped[str | None] = mapped_column(String(128))
    license_date: Mapped[date | None] = mapped_column(Date)
    license_issuer: Mapped[str | None] = mapped_column(String(500))
    accreditation_number: Mapped[str | None] = mapped_column(String(128))
    accreditation_date: Mapped[date | None] = mapped_column(Date)
    accreditation_valid_until: Mapped[date | None] = mapped_column(Date)
    # Closed (ликвидирована, реорганизована): keeps its history, leaves the current registry and reports.
    closed_on: Mapped[date | None] = mapped_column(Date)

    @property
    def is_management_body(self) -> bool:
        return self.kind in MANAGEMENT_KINDS


class StructuralUnit(TimestampMixin, Base):
    """Структурное подразделение of a management body (отдел, сектор), with its head."""

    __tablename__ = "structural_units"
    __table_args__ = (Index("ix_structural_units_organization_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    parent_unit_id: Mapped[int | None] = mapped_column(ForeignKey("structural_units.id", ondelete="CASCADE"))
    name_ru: Mapped[str] = mapped_column(String(500))
    name_kk: Mapped[str | None] = mapped_column(String(500))
    head_person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    phone: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(255))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
