"""Документы: nested folders and files of common office formats, public; downloads as attachments."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile, status

from api.deps import CurrentUser, OptionalUser, SessionDep
from api.models import StoredFile
from api.replicas import PublicReadSession, ReplicaRoute
from api.routers.owned import RowRoutes, settings_of
from api.schemas.profile.base import FileRead
from api.schemas.profile.documents import DocumentsRead, FileUpdate, FolderRead, FolderWrite
from api.services.profile import documents, files, uploads

router = APIRouter(tags=["profile: documents"], route_class=ReplicaRoute)


@router.get("/organizations/{organization_id}/documents", response_model=DocumentsRead)
async def list_documents(
    organization_id: int,
    session: PublicReadSession,
    principal: OptionalUser,
    folder_id: Annotated[int | None, Query(description="the folder to open; the root when omitted")] = None,
) -> DocumentsRead:
    """A folder's subfolders and files (public)."""
    return await documents.list_documents(session, principal, organization_id, folder_id)


folder_row = RowRoutes(router, "/folders/{folder_id}", FolderRead)
folder_row.create(
    "/organizations/{organization_id}/folders",
    "create_folder",
    documents.create_folder,
    FolderWrite,
    "Create a folder.",
)
folder_row.write("patch", "update_folder", documents.rename_folder, FolderWrite, "Rename or move a folder.")
folder_row.delete(
    "delete_folder", documents.delete_folder, "Delete a folder with everything in it.", with_settings=True
)


@router.post("/organizations/{organization_id}/documents", response_model=FileRead, status_code=status.HTTP_201_CREATED)
async def upload_document(
    organization_id: int,
    request: Request,
    session: SessionDep,
    principal: CurrentUser,
    file: Annotated[UploadFile, File(description="PDF, DOCX/XLSX/PPTX, DOC/XLS/PPT, ODT/ODS/ODP, PNG, JPEG, TXT/CSV")],
    folder_id: Annotated[int | None, Form(description="the folder; the root when omitted")] = None,
) -> FileRead:
    """Upload a document; the format is checked by content and the size is limited."""
    return await documents.upload_document(session, settings_of(request), principal, organization_id, folder_id, file)


@router.get(
    "/files/{file_id}",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "the file, as an attachment"}},
)
async def download_file(file_id: int, request: Request, session: SessionDep) -> Response:
    """Download a public file (a document or a news image) as an attachment."""
    f, _ = await documents.public_file(session, file_id)
    return file_response(request, f)


def file_response(request: Request, f: StoredFile) -> Response:
    """The stored bytes with attachment disposition, nosniff and a sandbox CSP."""
    data = files.read_bytes(settings_of(request), f)
    return Response(
        content=data,
        media_type=f.content_type,
        headers={"Content-Disposition": uploads.content_disposition(f.name), **uploads.DOWNLOAD_HEADERS},
    )


file_row = RowRoutes(router, "/files/{file_id}", FileRead)
file_row.write(
    "patch", "update_file", documents.update_document, FileUpdate, "Rename a document or move it to another folder."
)
file_row.delete("delete_file", documents.delete_document, "Delete a document or a news image.", with_settings=True)
