"""The tree kept by administrators: organizations within their subtree, and the geography (regions, districts).

Rules (each refusal is a 422 naming the field): a regional body sits under the ministry, a district body under a
regional body, a school under any management body; nothing sits under a school or a closed organization; a body or
school lies in its parent's region (and a school below a district body in its district); a move stays inside the
administrator's subtree and never under the organization's own subtree. Nothing is ever deleted: an organization
that closed keeps its history (`closed_on`) and leaves the current reports.
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from fastapi import Request
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api import clock
from api.errors import Forbidden, InvalidInput, NotFound
from api.models import District, Organization, OrganizationStructure, OrganizationType, Region
from api.models.organizations import OrganizationKind
from api.schemas.tree import (
    DistrictCreate,
    DistrictRead,
    DistrictUpdate,
    OrganizationClose,
    OrganizationCreate,
    OrganizationFields,
    OrganizationMove,
    ReferenceItem,
    RegionCreate,
    RegionRead,
    RegionUpdate,
    TreeOrganization,
)
from api.services import audit
from api.services.scope import Principal, get_org_in_scope, org_in_scope

ORGANIZATION_CHANGE = "organization.change"
GEOGRAPHY_CHANGE = "geography.change"
# The kind of parent each kind sits under.
PARENT_KINDS: dict[str, tuple[str, ...]] = {
    OrganizationKind.regional_body: (OrganizationKind.ministry,),
    OrganizationKind.district_body: (OrganizationKind.regional_body,),
    OrganizationKind.school: (
        OrganizationKind.ministry,
        OrganizationKind.regional_body,
        OrganizationKind.district_body,
    ),
}
_PARENT_WORDS = {
    OrganizationKind.regional_body: "a regional body sits under the ministry",
    OrganizationKind.district_body: "a district body sits under a regional body",
    OrganizationKind.school: "an educational organization sits under a management body",
}
_EDITABLE = (
    "name_ru",
    "name_kk",
    "short_name",
    "structure_id",
    "postal_address",
    "building_address",
    "phones",
    "email",
    "website",
)


def read(org: Organization) -> TreeOrganization:
    return TreeOrganization.model_validate(org, from_attributes=True)


async def _record(session: AsyncSession, request: Request, org: Organization, change: str, **details: Any) -> None:
    await audit.record_organization_event(
        session, request, ORGANIZATION_CHANGE, org.id, {"change": change, "kind": org.kind, **details}
    )


async def _parent(session: AsyncSession, principal: Principal, parent_id: int, kind: str) -> Organization:
    """The new parent: a management body of the subtree, open, of the kind the child's kind sits under."""
    parent = await session.scalar(
        select(Organization).where(Organization.id == parent_id, org_in_scope(principal)).with_for_update()
    )
    if parent is None:
        raise InvalidInput("parent_id", f"no organization {parent_id} in your subtree")
    if parent.kind == OrganizationKind.school:
        raise InvalidInput("parent_id", "an educational organization cannot have organizations below it")
    if parent.closed_on is not None:
        raise InvalidInput("parent_id", f"organization {parent_id} is closed (since {parent.closed_on})")
    if parent.kind not in PARENT_KINDS[kind]:
        raise InvalidInput("parent_id", _PARENT_WORDS[OrganizationKind(kind)])
    return parent


async def _own_org(session: AsyncSession, principal: Principal, organization_id: int) -> Organization:
    """An organization strictly below the administrator's body (their own body is handled by the body above)."""
    org = await get_org_in_scope(session, principal, organization_id)
    if org.id == principal.organization_id:
        raise InvalidInput("organization_id", "you can't move, close or re-place your own body: ask the body above")
    await session.refresh(org, with_for_update=True)
    return org


async def _check_references(session: AsyncSession, type_id: int | None, structure_id: int | None) -> None:
    if type_id is not None and await session.get(OrganizationType, type_id) is None:
        raise InvalidInput("type_id", f"no organization type {type_id}")
    if structure_id is not None and await session.get(OrganizationStructure, structure_id) is None:
        raise InvalidInput("structure_id", f"no organizational structure {structure_id}")


async def _place(
    session: AsyncSession, kind: str, parent: Organization, region_id: int | None, district_id: int | None
) -> tuple[int | None, int | None]:
    """The region and district of an organization under parent (defaults from the parent), checked."""
    if parent.region_id is not None:
        if region_id is not None and region_id != parent.region_id:
            raise InvalidInput("region_id", f"must be the region of the parent body ({parent.region_id})")
        region_id = parent.region_id
    if region_id is None:
        if kind in (OrganizationKind.regional_body, OrganizationKind.district_body):
            raise InvalidInput("region_id", "a management body below the ministry needs its region")
        if kind == OrganizationKind.school:
            raise InvalidInput("region_id", "an educational organization needs its region")
    elif await session.get(Region, region_id) is None:
        raise InvalidInput("region_id", f"no region {region_id}")
    if parent.district_id is not None:
        if district_id is not None and district_id != parent.district_id:
            raise InvalidInput("district_id", f"must be the district of the parent body ({parent.district_id})")
        district_id = parent.district_id
    if district_id is None and kind == OrganizationKind.district_body:
        raise InvalidInput("district_id", "a district body needs its district")
    if kind == OrganizationKind.regional_body and district_id is not None:
        raise InvalidInput("district_id", "a regional body has no district")
    if district_id is not None:
        found = await session.scalar(
            select(District.id).where(District.id == district_id, District.region_id == region_id)
        )
        if found is None:
            raise InvalidInput("district_id", f"no district {district_id} in region {region_id}")
    return region_id, district_id


async def list_children(
    session: AsyncSession,
    principal: Principal,
    parent_id: int | None,
    *,
    include_closed: bool,
    limit: int,
    offset: int,
) -> list[TreeOrganization]:
    """The organizations directly below parent (default: the administrator's body), by name."""
    parent = await get_org_in_scope(session, principal, parent_id or principal.organization_id)
    stmt = select(Organization).where(Organization.parent_id == parent.id, org_in_scope(principal))
    if not include_closed:
        stmt = stmt.where(Organization.closed_on.is_(None))
    rows = await session.scalars(stmt.order_by(Organization.name_ru, Organization.id).limit(limit).offset(offset))
    return [read(o) for o in rows]


async def get_organization(session: AsyncSession, principal: Principal, organization_id: int) -> TreeOrganization:
    return read(await get_org_in_scope(session, principal, organization_id))


async def create_organization(
    session: AsyncSession, principal: Principal, request: Request, data: OrganizationCreate
) -> TreeOrganization:
    parent = await _parent(session, principal, data.parent_id, data.kind)
    region_id, district_id = await _place(session, data.kind, parent, data.region_id, data.district_id)
    if data.kind == OrganizationKind.school and data.type_id is None:
        raise InvalidInput("type_id", "an educational organization needs its type")
    await _check_references(session, data.type_id, data.structure_id)
    org = Organization(
        kind=data.kind,
        parent_id=parent.id,
        region_id=region_id,
        district_id=district_id,
        type_id=data.type_id,
        **{name: getattr(data, name) for name in _EDITABLE},
    )
    session.add(org)
    await session.flush()
    await session.refresh(org)
    await _record(session, request, org, "created", parent_id=parent.id)
    return read(org)


async def update_organization(
    session: AsyncSession, principal: Principal, request: Request, organization_id: int, data: OrganizationFields
) -> TreeOrganization:
    """Edit names, addresses, contacts, type and structure, and a school's district within its region."""
    org = await get_org_in_scope(session, principal, organization_id)
    await session.refresh(org, with_for_update=True)
    given = data.model_fields_set
    if not given:
        raise InvalidInput("request", "give at least one field to change")
    if "region_id" in given and data.region_id != org.region_id:
        raise InvalidInput("region_id", "the region of an organization does not change (its data is kept by region)")
    if "name_ru" in given and not data.name_ru:
        raise InvalidInput("name_ru", "must not be empty")
    changes: dict[str, list[Any]] = {}
    if "district_id" in given and data.district_id != org.district_id:
        if org.kind != OrganizationKind.school:
            raise InvalidInput("district_id", "the district of a body does not change: create the district's body")
        parent = await session.get(Organization, org.parent_id) if org.parent_id else None
        if parent is not None and parent.district_id is not None:
            raise InvalidInput("district_id", f"must be the district of the parent body ({parent.district_id})")
        if data.district_id is not None:
            await _place(session, org.kind, parent or org, org.region_id, data.district_id)
        changes["district_id"] = [org.district_id, data.district_id]
        org.district_id = data.district_id
    if "type_id" in given and data.type_id != org.type_id:
        if data.type_id is None and org.kind == OrganizationKind.school:
            raise InvalidInput("type_id", "an educational organization needs its type")
        await _check_references(session, data.type_id, None)
        changes["type_id"] = [org.type_id, data.type_id]
        org.type_id = data.type_id
    if "structure_id" in given:
        await _check_references(session, None, data.structure_id)
    for name in _EDITABLE:
        if name in given and getattr(data, name) != getattr(org, name):
            changes[name] = [getattr(org, name), getattr(data, name)]
            setattr(org, name, getattr(data, name))
    if changes:
        await session.flush()
        await session.refresh(org)
        await _record(session, request, org, "updated", fields=sorted(changes))
    return read(org)


async def move_organization(
    session: AsyncSession, principal: Principal, request: Request, organization_id: int, data: OrganizationMove
) -> TreeOrganization:
    """Place an organization (with everything below it) under another body of the subtree."""
    org = await _own_org(session, principal, organization_id)
    if data.parent_id == org.parent_id:
        return read(org)
    if data.parent_id == org.id:
        raise InvalidInput("parent_id", "an organization cannot be its own parent")
    parent = await _parent(session, principal, data.parent_id, org.kind)
    if org.id in (parent.path or []):
        raise InvalidInput("parent_id", "an organization cannot move under its own subtree (a cycle)")
    if parent.region_id is not None and org.region_id is not None and parent.region_id != org.region_id:
        raise InvalidInput("parent_id", f"organization {parent.id} is in another region: moves stay in the region")
    if org.closed_on is not None:
        raise InvalidInput("organization_id", f"organization {org.id} is closed (since {org.closed_on})")
    old_parent = org.parent_id
    org.parent_id = parent.id
    if org.kind == OrganizationKind.school and parent.district_id is not None:
        org.district_id = parent.district_id  # a school below a district body lies in its district
    await session.flush()
    await session.refresh(org)
    await _record(session, request, org, "moved", parent_id=[old_parent, parent.id])
    return read(org)


async def close_organization(
    session: AsyncSession, principal: Principal, request: Request, organization_id: int, data: OrganizationClose
) -> TreeOrganization:
    """Mark an organization closed: it keeps its history and data and leaves the current reports."""
    org = await _own_org(session, principal, organization_id)
    if org.closed_on is not None:
        raise InvalidInput("closed_on", f"already closed on {org.closed_on}")
    closed_on: date = data.closed_on or clock.today()
    if not date(2000, 1, 1) <= closed_on <= date(2100, 12, 31):
        raise InvalidInput("closed_on", "must lie in 2000-01-01 … 2100-12-31")
    open_children = await session.scalar(
        select(func.count())
        .select_from(Organization)
        .where(Organization.parent_id == org.id, Organization.closed_on.is_(None))
    )
    if open_children:
        raise InvalidInput("closed_on", f"{open_children} open organization(s) below it: close or move them first")
    org.closed_on = closed_on
    await session.flush()
    await session.refresh(org)
    await _record(session, request, org, "closed", closed_on=closed_on.isoformat())
    return read(org)


async def reopen_organization(
    session: AsyncSession, principal: Principal, request: Request, organization_id: int
) -> TreeOrganization:
    """Undo a closing (the parent must be open)."""
    org = await _own_org(session, principal, organization_id)
    if org.closed_on is None:
        raise InvalidInput("closed_on", "the organization is not closed")
    parent = await session.get(Organization, org.parent_id) if org.parent_id else None
    if parent is not None and parent.closed_on is not None:
        raise InvalidInput("parent_id", f"the parent {parent.id} is closed: reopen it first")
    org.closed_on = None
    await session.flush()
    await session.refresh(org)
    await _record(session, request, org, "reopened")
    return read(org)


# --- Geography ---------------------------------------------------------------------------------------------------


async def _body(session: AsyncSession, principal: Principal) -> Organization:
    org = await session.get(Organization, principal.organization_id)
    if org is None:  # the principal's body always exists
        raise NotFound("organization not found")
    return org


async def _may_keep_region(session: AsyncSession, principal: Principal, region_id: int | None) -> None:
    """Regions are kept by the ministry; a region's districts also by the region's body."""
    body = await _body(session, principal)
    if body.kind == OrganizationKind.ministry:
        return
    if region_id is not None and body.kind == OrganizationKind.regional_body and body.region_id == region_id:
        return
    raise Forbidden("the regions are kept by the ministry, a region's districts by the ministry or the region's body")


async def list_regions(session: AsyncSession) -> list[RegionRead]:
    rows = await session.scalars(select(Region).order_by(Region.name_ru, Region.id))
    return [RegionRead.model_validate(r, from_attributes=True) for r in rows]


async def list_districts(session: AsyncSession, region_id: int) -> list[DistrictRead]:
    rows = await session.scalars(
        select(District).where(District.region_id == region_id).order_by(District.name_ru, District.id)
    )
    return [DistrictRead.model_validate(d, from_attributes=True) for d in rows]


Geo = TypeVar("Geo", Region, District)


async def _save_geo(session: AsyncSession, request: Request, kind: str, row: Region | District, change: str) -> None:
    """Write a created or changed region or district and audit it."""
    session.add(row)
    await session.flush()
    await audit.record(
        session, request, action=GEOGRAPHY_CHANGE, target_kind=kind, target_id=row.id, details={"change": change}
    )


async def _locked_geo(session: AsyncSession, model: type[Geo], ident: int, kind: str) -> Geo:
    """A region or district locked for an update; 404 when there is none."""
    row = await session.get(model, ident, with_for_update=True)
    if row is None:
        raise NotFound(f"{kind} {ident} not found")
    return row


def _apply_names(row: Region | District, data: RegionUpdate | DistrictUpdate) -> None:
    """Set the fields the request gives; none of them may be emptied."""
    for name in data.model_fields_set:
        value = getattr(data, name)
        if value is None:
            raise InvalidInput(name, "must not be empty")
        setattr(row, name, value)


async def _unique_name(session: AsyncSession, model: Any, name_ru: str, own_id: int | None, **where: Any) -> None:
    stmt = select(model.id).where(
        func.lower(model.name_ru) == name_ru.lower(), *(getattr(model, k) == v for k, v in where.items())
    )
    if own_id is not None:
        stmt = stmt.where(model.id != own_id)
    if await session.scalar(stmt) is not None:
        raise InvalidInput("name_ru", f"{name_ru!r} already exists")


async def create_region(
    session: AsyncSession, principal: Principal, request: Request, data: RegionCreate
) -> RegionRead:
    await _may_keep_region(session, principal, None)
    await _unique_name(session, Region, data.name_ru, None)
    region = Region(name_ru=data.name_ru, name_kk=data.name_kk, kind=data.kind)
    await _save_geo(session, request, "region", region, "created")
    return RegionRead.model_validate(region, from_attributes=True)


async def update_region(
    session: AsyncSession, principal: Principal, request: Request, region_id: int, data: RegionUpdate
) -> RegionRead:
    await _may_keep_region(session, principal, None)
    region = await _locked_geo(session, Region, region_id, "region")
    if data.name_ru is not None:
        await _unique_name(session, Region, data.name_ru, region.id)
    _apply_names(region, data)
    await _save_geo(session, request, "region", region, "updated")
    return RegionRead.model_validate(region, from_attributes=True)


async def create_district(
    session: AsyncSession, principal: Principal, request: Request, data: DistrictCreate
) -> DistrictRead:
    if await session.get(Region, data.region_id) is None:
        raise InvalidInput("region_id", f"no region {data.region_id}")
    await _may_keep_region(session, principal, data.region_id)
    await _unique_name(session, District, data.name_ru, None, region_id=data.region_id)
    district = District(region_id=data.region_id, name_ru=data.name_ru, name_kk=data.name_kk, kind=data.kind)
    await _save_geo(session, request, "district", district, "created")
    return DistrictRead.model_validate(district, from_attributes=True)


async def update_district(
    session: AsyncSession, principal: Principal, request: Request, district_id: int, data: DistrictUpdate
) -> DistrictRead:
    district = await _locked_geo(session, District, district_id, "district")
    await _may_keep_region(session, principal, district.region_id)
    if data.name_ru is not None:
        await _unique_name(session, District, data.name_ru, district.id, region_id=district.region_id)
    _apply_names(district, data)
    await _save_geo(session, request, "district", district, "updated")
    return DistrictRead.model_validate(district, from_attributes=True)


async def list_types(session: AsyncSession) -> list[ReferenceItem]:
    rows = await session.scalars(select(OrganizationType).order_by(OrganizationType.sort_order, OrganizationType.id))
    return [ReferenceItem.model_validate(r, from_attributes=True) for r in rows]


async def list_structures(session: AsyncSession) -> list[ReferenceItem]:
    rows = await session.scalars(select(OrganizationStructure).order_by(OrganizationStructure.id))
    return [ReferenceItem.model_validate(r, from_attributes=True) for r in rows]


MAX_BODIES = 5000


async def list_bodies(session: AsyncSession, principal: Principal) -> list[TreeOrganization]:
    """The open management bodies of the subtree, in tree order (the parents a move or a create may name)."""
    rows = await session.scalars(
        select(Organization)
        .where(
            org_in_scope(principal),
            Organization.kind != OrganizationKind.school,
            Organization.closed_on.is_(None),
        )
        .order_by(Organization.path)
        .limit(MAX_BODIES)
    )
    return [read(o) for o in rows]
