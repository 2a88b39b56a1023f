"""Профиль организации: the card and contacts, news, interactive pages and the message wall."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, Request, UploadFile, status

from api.deps import CurrentUser, OptionalUser, SessionDep
from api.replicas import PublicReadSession, ReplicaRoute
from api.routers.owned import RowRoutes, settings_of
from api.schemas.profile import page as schemas
from api.schemas.profile.base import FileRead
from api.schemas.profile.forum import Moderation
from api.schemas.profile.structure import DirectoryRead
from api.services.profile import admins, content, documents
from api.services.profile import directory as directory_service

router = APIRouter(tags=["profile"], route_class=ReplicaRoute)

Page = Annotated[int, Query(ge=1, le=100_000, description="1-based page number")]
PageSize = Annotated[int, Query(ge=1, le=100, description="rows per page")]


@router.get("/directory", response_model=DirectoryRead)
async def directory(
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=100, description="words of a name or a district")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> DirectoryRead:
    """The public directory of organizations: every management body and the organizations matching the search."""
    return await directory_service.directory(session, (q or "").strip() or None, limit)


@router.get("/organizations/{organization_id}/profile", response_model=schemas.ProfileRead)
async def get_profile(organization_id: int, session: PublicReadSession, principal: OptionalUser) -> schemas.ProfileRead:
    """Вкладка «Профиль» of any organization: card, contacts, leaders, administrators, news, pages, documents, wall."""
    return await content.get_profile(session, principal, organization_id)


@router.patch("/organizations/{organization_id}/profile", response_model=schemas.OrganizationCard)
async def update_profile(
    organization_id: int, data: schemas.ProfileUpdate, session: SessionDep, principal: CurrentUser
) -> schemas.OrganizationCard:
    """Change the description and contacts (administrators of the organization's body)."""
    return await content.update_profile(session, principal, organization_id, data)


@router.get("/organizations/{organization_id}/profile-administrators", response_model=schemas.ProfileAdminsRead)
async def list_profile_admins(
    organization_id: int, session: SessionDep, principal: CurrentUser
) -> schemas.ProfileAdminsRead:
    """Profile administrators of a body and the employees that may be named (administrators of the body)."""
    return await admins.list_profile_admins(session, principal, organization_id)


@router.put("/organizations/{organization_id}/profile-administrators", response_model=schemas.ProfileAdminsRead)
async def set_profile_admins(
    organization_id: int, data: schemas.ProfileAdminsWrite, session: SessionDep, principal: CurrentUser
) -> schemas.ProfileAdminsRead:
    """Name the body's profile administrators (the whole list): they edit the body's profile, documents, forum,
    questions and announcements like its administrators."""
    return await admins.set_profile_admins(session, principal, organization_id, data.user_ids)


@router.get("/organizations/{organization_id}/news", response_model=schemas.NewsList)
async def list_news(
    organization_id: int, session: PublicReadSession, page: Page = 1, page_size: PageSize = 20
) -> schemas.NewsList:
    """News of an organization, newest first."""
    return await content.list_news(session, organization_id, page, page_size)


news_row = RowRoutes(router, "/news/{news_id}", schemas.NewsRead)
news_row.create(
    "/organizations/{organization_id}/news",
    "create_news",
    content.create_news,
    schemas.NewsWrite,
    "Publish a news post (the text is sanitised).",
)


@router.get("/news/{news_id}", response_model=schemas.NewsRead)
async def get_news(news_id: int, session: PublicReadSession) -> schemas.NewsRead:
    """One news post with its images."""
    return await content.get_news(session, news_id)


news_row.write("patch", "update_news", content.update_news, schemas.NewsUpdate, "Change a news post.")
news_row.delete("delete_news", content.delete_news, "Delete a news post with its images.", with_settings=True)


@router.post("/news/{news_id}/images", response_model=FileRead, status_code=status.HTTP_201_CREATED)
async def add_news_image(
    news_id: int,
    request: Request,
    session: SessionDep,
    principal: CurrentUser,
    file: Annotated[UploadFile, File(description="a PNG or JPEG image")],
) -> FileRead:
    """Attach an image (PNG or JPEG, checked by content) to a news post."""
    return await documents.upload_news_image(session, settings_of(request), principal, news_id, file)


@router.get("/organizations/{organization_id}/pages", response_model=list[schemas.PageBrief])
async def list_pages(organization_id: int, session: PublicReadSession) -> list[schemas.PageBrief]:
    """Interactive pages of an organization in their order."""
    return await content.list_pages(session, organization_id)


page_row = RowRoutes(router, "/pages/{page_id}", schemas.PageRead)
page_row.create(
    "/organizations/{organization_id}/pages",
    "create_page",
    content.create_page,
    schemas.PageWrite,
    "Create an interactive page (added at the end).",
)


@router.put("/organizations/{organization_id}/pages/order", response_model=list[schemas.PageBrief])
async def order_pages(
    organization_id: int, data: schemas.PageOrder, session: SessionDep, principal: CurrentUser
) -> list[schemas.PageBrief]:
    """Reorder the interactive pages: list every page id once, in the new order."""
    return await content.order_pages(session, principal, organization_id, data.ids)


@router.get("/pages/{page_id}", response_model=schemas.PageRead)
async def get_page(page_id: int, session: PublicReadSession) -> schemas.PageRead:
    """One interactive page."""
    return await content.get_page(session, page_id)


page_row.write("patch", "update_page", content.update_page, schemas.PageUpdate, "Change an interactive page.")
page_row.delete("delete_page", content.delete_page, "Delete an interactive page.")


@router.get("/organizations/{organization_id}/wall", response_model=list[schemas.WallRead])
async def list_wall(
    organization_id: int, session: SessionDep, principal: OptionalUser, page: Page = 1, page_size: PageSize = 20
) -> list[schemas.WallRead]:
    """Messages of the wall, newest first."""
    return await content.list_wall(session, principal, organization_id, page, page_size)


@router.post(
    "/organizations/{organization_id}/wall", response_model=schemas.WallRead, status_code=status.HTTP_201_CREATED
)
async def post_wall(
    organization_id: int, data: schemas.WallWrite, session: SessionDep, principal: CurrentUser
) -> schemas.WallRead:
    """Write on the wall (logged-in users; the text is sanitised)."""
    return await content.post_wall(session, principal, organization_id, data.body_html)


@router.patch("/wall/{message_id}", response_model=schemas.WallRead)
async def moderate_wall(
    message_id: int, data: Moderation, session: SessionDep, principal: CurrentUser
) -> schemas.WallRead:
    """Hide or show a wall message (administrators)."""
    return await content.moderate_wall(session, principal, message_id, bool(data.hidden))


RowRoutes(router, "/wall/{message_id}").delete(
    "delete_wall", content.delete_wall, "Delete a wall message (its author or an administrator)."
)
