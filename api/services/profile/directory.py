"""Каталог организаций: the public start page — the bodies of the tree and a search over all organizations."""

from __future__ import annotations

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import District, Organization, OrganizationType
from api.schemas.profile.structure import DirectoryRead, SubordinateRead

BODY_KINDS = ("ministry", "regional_body", "district_body")


def with_type_and_district() -> Select[Organization, str, str]:
    """Organizations with the Russian names of their type and district (either may be missing)."""
    return (
        select(Organization, OrganizationType.name_ru, District.name_ru)
        .outerjoin(OrganizationType, OrganizationType.id == Organization.type_id)
        .outerjoin(District, District.id == Organization.district_id)
    )


def subordinate_read(
    o: Organization, type_name: str | None, district_name: str | None, parent_id: int | None = None
) -> SubordinateRead:
    """An organization as a link to its profile (a row of with_type_and_district)."""
    return SubordinateRead.of(
        o, type_name_ru=type_name, district_name_ru=district_name, profile_url=f"/o/{o.id}", parent_id=parent_id
    )


def _like(q: str) -> str:
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


async def directory(session: AsyncSession, q: str | None, limit: int) -> DirectoryRead:
    """Every management body, and the organizations whose name or district matches the query (public data)."""
    base = with_type_and_district()
    bodies = (
        await session.execute(
            base.where(Organization.kind.in_(BODY_KINDS)).order_by(
                func.cardinality(Organization.path), Organization.name_ru, Organization.id
            )
        )
    ).all()
    found: list[tuple[Organization, str | None, str | None]] = []
    total = 0
    if q:
        pattern = _like(q)
        cond = or_(
            Organization.name_ru.ilike(pattern),
            Organization.name_kk.ilike(pattern),
            Organization.short_name.ilike(pattern),
            District.name_ru.ilike(pattern),
            District.name_kk.ilike(pattern),
        )
        total = (
            await session.scalar(
                select(func.count())
                .select_from(Organization)
                .outerjoin(District, District.id == Organization.district_id)
                .where(cond)
            )
            or 0
        )
        found = [
            (o, t, d)
            for o, t, d in await session.execute(
                base.where(cond).order_by(Organization.name_ru, Organization.id).limit(limit)
            )
        ]

    return DirectoryRead(
        bodies=[subordinate_read(o, t, d, o.parent_id) for o, t, d in bodies],
        items=[subordinate_read(o, t, d, o.parent_id) for o, t, d in found],
        total=total,
    )
