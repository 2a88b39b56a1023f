"""Структура: structural units, subordinate organizations, leaders' personal pages and reception hours."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import CurrentUser, SessionDep
from api.replicas import PublicReadSession, ReplicaRoute
from api.routers.owned import RowRoutes
from api.schemas.profile import structure as schemas
from api.services.profile import structure

router = APIRouter(tags=["profile: structure"], route_class=ReplicaRoute)


@router.get("/organizations/{organization_id}/structure", response_model=schemas.StructureRead)
async def get_structure(organization_id: int, session: PublicReadSession) -> schemas.StructureRead:
    """Units with their heads, subordinate organizations (with links to their profiles) and leaders."""
    return await structure.get_structure(session, organization_id)


@router.get("/organizations/{organization_id}/leaders/{person_id}", response_model=schemas.LeaderPage)
async def get_leader(organization_id: int, person_id: int, session: SessionDep) -> schemas.LeaderPage:
    """A leader's personal page: positions, contacts, reception hours."""
    return await structure.get_leader_page(session, organization_id, person_id)


@router.get("/organizations/{organization_id}/staff", response_model=list[schemas.PersonBrief])
async def list_staff(organization_id: int, session: SessionDep, principal: CurrentUser) -> list[schemas.PersonBrief]:
    """The organization's current staff, for editors naming the heads of units (at most 500)."""
    return await structure.staff_for_edit(session, principal, organization_id)


unit_row = RowRoutes(router, "/units/{unit_id}", schemas.UnitRead)
unit_row.create(
    "/organizations/{organization_id}/units",
    "create_unit",
    structure.create_unit,
    schemas.UnitWrite,
    "Add a structural unit.",
)
unit_row.write("put", "update_unit", structure.update_unit, schemas.UnitWrite, "Replace a structural unit.")
unit_row.delete("delete_unit", structure.delete_unit, "Delete a structural unit with the units inside it.")


@router.get("/organizations/{organization_id}/reception", response_model=list[schemas.ReceptionRead])
async def list_reception(organization_id: int, session: SessionDep) -> list[schemas.ReceptionRead]:
    """The reception schedule of the leaders."""
    return await structure.public_reception(session, organization_id)


reception_row = RowRoutes(router, "/reception/{reception_id}", schemas.ReceptionRead)
reception_row.create(
    "/organizations/{organization_id}/reception",
    "create_reception",
    structure.create_reception,
    schemas.ReceptionWrite,
    "Add an entry to the reception schedule.",
)
reception_row.write(
    "put", "update_reception", structure.update_reception, schemas.ReceptionWrite, "Replace a reception schedule entry."
)
reception_row.delete("delete_reception", structure.delete_reception, "Delete a reception schedule entry.")
