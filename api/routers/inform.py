"""Информирование: announcements from a management body to its subordinate organizations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, Request, Response, UploadFile, status

from api.deps import AdminUser, CurrentUser, SessionDep
from api.routers.owned import RowRoutes, settings_of
from api.routers.profile import Page, PageSize
from api.routers.profile_documents import file_response
from api.schemas.profile.base import FileRead
from api.schemas.profile.inform import (
    AnnouncementList,
    AnnouncementRead,
    AnnouncementReads,
    AnnouncementWrite,
    InformTargets,
    Withdrawal,
)
from api.services.profile import inform

router = APIRouter(prefix="/inform", tags=["inform"])


@router.get("/targets", response_model=InformTargets)
async def targets(session: SessionDep, principal: AdminUser) -> InformTargets:
    """Whom the caller's body can address: districts, organization types and organizations below it, with counts."""
    return await inform.targets(session, principal)


@router.post("/announcements", response_model=AnnouncementRead, status_code=status.HTTP_201_CREATED)
async def send_announcement(data: AnnouncementWrite, session: SessionDep, principal: AdminUser) -> AnnouncementRead:
    """Send an announcement from the caller's body to subordinate organizations (all, district, type or list)."""
    return await inform.send(session, principal, data)


@router.post(
    "/announcements/{announcement_id}/attachments", response_model=FileRead, status_code=status.HTTP_201_CREATED
)
async def add_attachment(
    announcement_id: int,
    request: Request,
    session: SessionDep,
    principal: AdminUser,
    file: Annotated[UploadFile, File(description="an office document or image, checked by content")],
) -> FileRead:
    """Attach a file to an announcement sent from the caller's body."""
    return await inform.add_attachment(session, settings_of(request), principal, announcement_id, file)


@router.get("/inbox", response_model=AnnouncementList)
async def inbox(
    session: SessionDep,
    principal: CurrentUser,
    unread: Annotated[bool, Query(description="only announcements the caller has not read")] = False,
    page: Page = 1,
    page_size: PageSize = 20,
) -> AnnouncementList:
    """Announcements sent to the caller's organization, newest first."""
    return await inform.inbox(session, principal, unread, page, page_size)


@router.get("/sent", response_model=AnnouncementList)
async def sent(
    session: SessionDep, principal: CurrentUser, page: Page = 1, page_size: PageSize = 20
) -> AnnouncementList:
    """Announcements sent by the caller's body, newest first."""
    return await inform.sent(session, principal, page, page_size)


@router.get("/announcements/{announcement_id}", response_model=AnnouncementRead)
async def get_announcement(announcement_id: int, session: SessionDep, principal: CurrentUser) -> AnnouncementRead:
    """One announcement sent to, or sent from within, the caller's organization."""
    return await inform.get(session, principal, announcement_id)


@router.put("/announcements/{announcement_id}/withdrawn", response_model=AnnouncementRead)
async def withdraw_announcement(
    announcement_id: int, data: Withdrawal, session: SessionDep, principal: CurrentUser
) -> AnnouncementRead:
    """Withdraw a sent announcement (recipients no longer see it) or send it again (administrators and profile
    administrators of the sender's body)."""
    return await inform.withdraw(session, principal, announcement_id, data.withdrawn)


RowRoutes(router, "/announcements/{announcement_id}").delete(
    "delete_announcement",
    inform.delete,
    "Delete a sent announcement with its attachments and reads.",
    with_settings=True,
)


@router.post("/announcements/{announcement_id}/read", response_model=AnnouncementRead)
async def mark_read(announcement_id: int, session: SessionDep, principal: CurrentUser) -> AnnouncementRead:
    """Mark an announcement sent to the caller's organization as read."""
    return await inform.mark_read(session, principal, announcement_id)


@router.get("/announcements/{announcement_id}/readers", response_model=AnnouncementReads)
async def readers(announcement_id: int, session: SessionDep, principal: CurrentUser) -> AnnouncementReads:
    """Who has read the announcement, per recipient organization (the sender's side)."""
    return await inform.readers(session, principal, announcement_id)


@router.get(
    "/attachments/{file_id}",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "the file, as an attachment"}},
)
async def download_attachment(file_id: int, request: Request, session: SessionDep, principal: CurrentUser) -> Response:
    """Download an attachment of an announcement the caller may see."""
    f = await inform.attachment(session, principal, file_id)
    return file_response(request, f)
