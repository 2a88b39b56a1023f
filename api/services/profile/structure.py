"""Вкладка «Структура»: structural units, subordinate organizations, leaders' personal pages, reception hours."""

from __future__ import annotations

from sqlalchemy import exists, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import InvalidInput, NotFound
from api.models import Organization, Person, ReceptionHour, StaffPost, StructuralUnit
from api.schemas.profile.base import OrgBrief
from api.schemas.profile.structure import (
    LeaderPage,
    PersonBrief,
    ReceptionRead,
    ReceptionWrite,
    StructureRead,
    UnitRead,
    UnitWrite,
)
from api.services.profile.access import (
    delete_for_edit,
    get_for_edit,
    get_org_for_edit,
    get_public_org,
    person_name_sql,
    registered_sql,
)
from api.services.profile.content import current_post, holds_post_in, leaders
from api.services.profile.directory import subordinate_read, with_type_and_district
from api.services.scope import Principal


async def _unit_reads(session: AsyncSession, organization_id: int, unit_id: int | None = None) -> list[UnitRead]:
    q = (
        select(StructuralUnit, Person.id, person_name_sql(), Person.phone, Person.email)
        .outerjoin(Person, Person.id == StructuralUnit.head_person_id)
        .where(StructuralUnit.organization_id == organization_id)
        .order_by(StructuralUnit.sort_order, StructuralUnit.id)
    )
    if unit_id is not None:
        q = q.where(StructuralUnit.id == unit_id)
    out = []
    for unit, pid, name, phone, email in (await session.execute(q)).all():
        head = PersonBrief(person_id=pid, full_name=name, phone=phone, email=email) if pid is not None else None
        out.append(UnitRead.of(unit, head=head))
    return out


async def get_structure(session: AsyncSession, organization_id: int) -> StructureRead:
    """Units with heads, subordinate organizations (each linking to its profile), leaders."""
    org = await get_public_org(session, organization_id)
    subs = (
        await session.execute(
            with_type_and_district()
            .where(Organization.parent_id == org.id)
            .order_by(Organization.name_ru, Organization.id)
        )
    ).all()
    return StructureRead(
        organization=OrgBrief.model_validate(org),
        units=await _unit_reads(session, org.id),
        subordinates=[subordinate_read(o, type_name, district_name) for o, type_name, district_name in subs],
        leaders=await leaders(session, org),
    )


async def _check_person(session: AsyncSession, person_id: int | None, org: Organization, field: str) -> None:
    """A head must hold a current staff post in the organization."""
    if person_id is None:
        return
    found = await session.scalar(
        select(StaffPost.id).where(StaffPost.person_id == person_id, StaffPost.organization_id == org.id).limit(1)
    )
    if found is None:
        raise InvalidInput(field, f"person {person_id} is not on the staff of this organization")


async def _check_parent_unit(
    session: AsyncSession, parent_id: int | None, org: Organization, unit_id: int | None
) -> None:
    if parent_id is None:
        return
    ancestor: int | None = parent_id
    while ancestor is not None:
        if ancestor == unit_id:
            raise InvalidInput("parent_unit_id", "a unit cannot be inside itself")
        row = await session.get(StructuralUnit, ancestor)
        if row is None or row.organization_id != org.id:
            raise InvalidInput("parent_unit_id", f"unit {parent_id} is not a unit of this organization")
        ancestor = row.parent_unit_id


async def create_unit(session: AsyncSession, principal: Principal, organization_id: int, data: UnitWrite) -> UnitRead:
    """Add a structural unit."""
    org = await get_org_for_edit(session, principal, organization_id)
    await _check_person(session, data.head_person_id, org, "head_person_id")
    await _check_parent_unit(session, data.parent_unit_id, org, None)
    unit = StructuralUnit(organization_id=org.id, **data.model_dump())
    session.add(unit)
    await session.flush()
    return (await _unit_reads(session, org.id, unit.id))[0]


async def update_unit(session: AsyncSession, principal: Principal, unit_id: int, data: UnitWrite) -> UnitRead:
    """Replace a structural unit's fields."""
    unit, org = await get_for_edit(session, principal, StructuralUnit, unit_id, "unit")
    await _check_person(session, data.head_person_id, org, "head_person_id")
    await _check_parent_unit(session, data.parent_unit_id, org, unit.id)
    for k, v in data.model_dump().items():
        setattr(unit, k, v)
    await session.flush()
    return (await _unit_reads(session, org.id, unit.id))[0]


async def delete_unit(session: AsyncSession, principal: Principal, unit_id: int) -> None:
    """Delete a structural unit (and the units inside it)."""
    await delete_for_edit(session, principal, StructuralUnit, unit_id, "unit")


async def list_reception(session: AsyncSession, organization_id: int) -> list[ReceptionRead]:
    """The reception schedule of the organization's leaders."""
    rows = await session.scalars(
        select(ReceptionHour)
        .where(ReceptionHour.organization_id == organization_id)
        .order_by(ReceptionHour.sort_order, ReceptionHour.id)
    )
    return [ReceptionRead.model_validate(r) for r in rows]


async def public_reception(session: AsyncSession, organization_id: int) -> list[ReceptionRead]:
    """The reception schedule of any organization (404 when it does not exist)."""
    org = await get_public_org(session, organization_id)
    return await list_reception(session, org.id)


async def get_leader_page(session: AsyncSession, organization_id: int, person_id: int) -> LeaderPage:
    """Личная страница руководителя: positions, contacts, reception hours; 404 for anyone not a leader here."""
    org = await get_public_org(session, organization_id)
    positions = list(
        await session.scalars(
            select(StaffPost.position).where(
                StaffPost.organization_id == org.id,
                StaffPost.person_id == person_id,
                StaffPost.role_kind.in_(("head", "deputy")),
                current_post(),
            )
        )
    )
    if not positions and org.head_person_id == person_id:
        # The head named on the card is published only while holding a post here (checked in SQL).
        if await session.scalar(select(holds_post_in(org.id, literal(person_id)))):
            positions = ["Руководитель"]
    if not positions:
        raise NotFound(f"person {person_id} is not a leader of organization {organization_id}")
    row = (
        await session.execute(
            select(person_name_sql(), Person.phone, Person.email, registered_sql()).where(Person.id == person_id)
        )
    ).one()
    reception = [r for r in await list_reception(session, org.id) if r.person_id == person_id]
    return LeaderPage(
        person_id=person_id,
        full_name=row[0],
        organization=OrgBrief.model_validate(org),
        positions=positions,
        phone=row[1],
        email=row[2],
        registered=row[3],
        reception=reception,
    )


async def create_reception(
    session: AsyncSession, principal: Principal, organization_id: int, data: ReceptionWrite
) -> ReceptionRead:
    """Add an entry to the reception schedule."""
    org = await get_org_for_edit(session, principal, organization_id)
    await _check_person(session, data.person_id, org, "person_id")
    r = ReceptionHour(organization_id=org.id, **data.model_dump())
    session.add(r)
    await session.flush()
    return ReceptionRead.model_validate(r)


async def update_reception(
    session: AsyncSession, principal: Principal, reception_id: int, data: ReceptionWrite
) -> ReceptionRead:
    """Replace a reception schedule entry."""
    r, org = await get_for_edit(session, principal, ReceptionHour, reception_id, "reception entry")
    await _check_person(session, data.person_id, org, "person_id")
    for k, v in data.model_dump().items():
        setattr(r, k, v)
    await session.flush()
    return ReceptionRead.model_validate(r)


async def delete_reception(session: AsyncSession, principal: Principal, reception_id: int) -> None:
    """Delete a reception schedule entry."""
    await delete_for_edit(session, principal, ReceptionHour, reception_id, "reception entry")


async def staff_for_edit(session: AsyncSession, principal: Principal, organization_id: int) -> list[PersonBrief]:
    """People with a current staff post in the organization: whom an editor may name a unit's head."""
    org = await get_org_for_edit(session, principal, organization_id)
    rows = (
        await session.execute(
            select(Person.id, person_name_sql(), Person.phone, Person.email)
            .where(
                exists().where(
                    StaffPost.person_id == Person.id,
                    StaffPost.organization_id == org.id,
                    current_post(),
                )
            )
            .order_by(Person.surname, Person.first_name, Person.id)
            .limit(500)
        )
    ).all()
    return [PersonBrief(person_id=r[0], full_name=r[1], phone=r[2], email=r[3]) for r in rows]
