"""The tree of organizations and the geography, kept by administrators within their subtree: /api/v1/tree."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile, status

from api.deps import AdminUser, SessionDep
from api.schemas import tree as schemas
from api.services import registry_import as importer
from api.services import tree
from api.services.profile import uploads

router = APIRouter(prefix="/tree", tags=["tree"])

MAX_ID = 2**31 - 1
OrgId = Annotated[int, Path(gt=0, le=MAX_ID, description="the organization id")]
RegionId = Annotated[int, Path(gt=0, le=MAX_ID)]
DistrictId = Annotated[int, Path(gt=0, le=MAX_ID)]


@router.get("/organizations", response_model=list[schemas.TreeOrganization])
async def list_children(
    principal: AdminUser,
    session: SessionDep,
    parent_id: Annotated[int | None, Query(gt=0, le=MAX_ID, description="default: your body")] = None,
    include_closed: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[schemas.TreeOrganization]:
    """The organizations directly below a body of the subtree."""
    return await tree.list_children(
        session, principal, parent_id, include_closed=include_closed, limit=limit, offset=offset
    )


@router.get("/bodies", response_model=list[schemas.TreeOrganization])
async def list_bodies(principal: AdminUser, session: SessionDep) -> list[schemas.TreeOrganization]:
    """The open management bodies of the subtree, in tree order."""
    return await tree.list_bodies(session, principal)


@router.post("/organizations", response_model=schemas.TreeOrganization, status_code=status.HTTP_201_CREATED)
async def create_organization(
    body: schemas.OrganizationCreate, principal: AdminUser, session: SessionDep, request: Request
) -> schemas.TreeOrganization:
    """A new regional or district body, or an educational organization, under a body of the subtree."""
    return await tree.create_organization(session, principal, request, body)


@router.get("/organizations/{organization_id}", response_model=schemas.TreeOrganization)
async def get_organization(
    organization_id: OrgId, principal: AdminUser, session: SessionDep
) -> schemas.TreeOrganization:
    return await tree.get_organization(session, principal, organization_id)


@router.patch("/organizations/{organization_id}", response_model=schemas.TreeOrganization)
async def update_organization(
    organization_id: OrgId,
    body: schemas.OrganizationFields,
    principal: AdminUser,
    session: SessionDep,
    request: Request,
) -> schemas.TreeOrganization:
    """Edit names, addresses, contacts, type, structure (and a school's district)."""
    return await tree.update_organization(session, principal, request, organization_id, body)


@router.post("/organizations/{organization_id}/move", response_model=schemas.TreeOrganization)
async def move_organization(
    organization_id: OrgId, body: schemas.OrganizationMove, principal: AdminUser, session: SessionDep, request: Request
) -> schemas.TreeOrganization:
    """Move an organization, with everything below it, under another body of the subtree."""
    return await tree.move_organization(session, principal, request, organization_id, body)


@router.post("/organizations/{organization_id}/close", response_model=schemas.TreeOrganization)
async def close_organization(
    organization_id: OrgId, body: schemas.OrganizationClose, principal: AdminUser, session: SessionDep, request: Request
) -> schemas.TreeOrganization:
    """Close: the organization keeps its history and leaves the current reports (nothing is deleted)."""
    return await tree.close_organization(session, principal, request, organization_id, body)


@router.post("/organizations/{organization_id}/reopen", response_model=schemas.TreeOrganization)
async def reopen_organization(
    organization_id: OrgId, principal: AdminUser, session: SessionDep, request: Request
) -> schemas.TreeOrganization:
    return await tree.reopen_organization(session, principal, request, organization_id)


@router.get("/regions", response_model=list[schemas.RegionRead])
async def list_regions(_: AdminUser, session: SessionDep) -> list[schemas.RegionRead]:
    return await tree.list_regions(session)


@router.post("/regions", response_model=schemas.RegionRead, status_code=status.HTTP_201_CREATED)
async def create_region(
    body: schemas.RegionCreate, principal: AdminUser, session: SessionDep, request: Request
) -> schemas.RegionRead:
    """A region (область or город республиканского значения): administrators of the ministry."""
    return await tree.create_region(session, principal, request, body)


@router.patch("/regions/{region_id}", response_model=schemas.RegionRead)
async def update_region(
    region_id: RegionId, body: schemas.RegionUpdate, principal: AdminUser, session: SessionDep, request: Request
) -> schemas.RegionRead:
    return await tree.update_region(session, principal, request, region_id, body)


@router.get("/regions/{region_id}/districts", response_model=list[schemas.DistrictRead])
async def list_districts(region_id: RegionId, _: AdminUser, session: SessionDep) -> list[schemas.DistrictRead]:
    return await tree.list_districts(session, region_id)


@router.post("/districts", response_model=schemas.DistrictRead, status_code=status.HTTP_201_CREATED)
async def create_district(
    body: schemas.DistrictCreate, principal: AdminUser, session: SessionDep, request: Request
) -> schemas.DistrictRead:
    """A district (район or город областного значения): the ministry, or the region's own body."""
    return await tree.create_district(session, principal, request, body)


@router.patch("/districts/{district_id}", response_model=schemas.DistrictRead)
async def update_district(
    district_id: DistrictId, body: schemas.DistrictUpdate, principal: AdminUser, session: SessionDep, request: Request
) -> schemas.DistrictRead:
    return await tree.update_district(session, principal, request, district_id, body)


@router.get("/organization-types", response_model=list[schemas.ReferenceItem])
async def list_types(_: AdminUser, session: SessionDep) -> list[schemas.ReferenceItem]:
    return await tree.list_types(session)


@router.get("/organization-structures", response_model=list[schemas.ReferenceItem])
async def list_structures(_: AdminUser, session: SessionDep) -> list[schemas.ReferenceItem]:
    return await tree.list_structures(session)


@router.post("/registry-import", response_model=schemas.RegistryImportResult)
async def registry_import(
    principal: AdminUser,
    session: SessionDep,
    request: Request,
    file: Annotated[UploadFile, File(description="the registry as .xlsx or .csv (the registry report's columns)")],
    confirm_hash: Annotated[
        str | None, Form(max_length=64, description="the preview's file_hash: apply the file (all or nothing)")
    ] = None,
) -> dict[str, Any]:
    """Preview (no confirm_hash: nothing is written) or apply an import of the registry of schools.

    The preview lists the schools created and changed, the unchanged count, and every problem with its row and
    column; a file with problems is not applied. Applying answers the same with `applied` true."""
    data = await uploads.read_limited(file, importer.MAX_BYTES)
    return await importer.run(
        session, principal, request, data, file.filename or "registry.xlsx", confirm_hash=confirm_hash
    )
