"""Вкладка «Документы»: nested folders and files, public to everyone, edited by administrators."""

from __future__ import annotations

from fastapi import UploadFile
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.config import Settings
from api.errors import InvalidInput, NotFound
from api.models import DocumentFolder, Organization, StoredFile
from api.schemas.profile.base import FileRead, OrgBrief
from api.schemas.profile.documents import DocumentsRead, FileUpdate, FolderRead, FolderWrite
from api.services.profile.access import can_edit, get_org_for_edit, get_public_org
from api.services.profile.content import news_for_edit
from api.services.profile.files import delete_file, delete_with_bytes, file_read, store_upload
from api.services.scope import Principal

MAX_DEPTH = 10


async def _folder(
    session: AsyncSession, folder_id: int, org_id: int | None = None, field: str = "folder_id"
) -> DocumentFolder:
    f = await session.get(DocumentFolder, folder_id)
    if f is None or (org_id is not None and f.organization_id != org_id):
        if field == "folder_id" and org_id is None:
            raise NotFound(f"folder {folder_id} not found")
        raise InvalidInput(field, f"folder {folder_id} is not a folder of this organization")
    return f


async def _path(session: AsyncSession, folder: DocumentFolder) -> list[DocumentFolder]:
    chain = [folder]
    while chain[-1].parent_id is not None and len(chain) <= MAX_DEPTH + 1:
        parent = await session.get(DocumentFolder, chain[-1].parent_id)
        if parent is None:
            break
        chain.append(parent)
    return list(reversed(chain))


async def list_documents(
    session: AsyncSession, principal: Principal | None, organization_id: int, folder_id: int | None
) -> DocumentsRead:
    """A folder's subfolders and files (the root when folder_id is None)."""
    org = await get_public_org(session, organization_id)
    folder = None
    path: list[DocumentFolder] = []
    if folder_id is not None:
        folder = await session.get(DocumentFolder, folder_id)
        if folder is None or folder.organization_id != org.id:
            raise NotFound(f"folder {folder_id} not found in organization {organization_id}")
        path = await _path(session, folder)
    parent_cond = DocumentFolder.parent_id.is_(None) if folder_id is None else DocumentFolder.parent_id == folder_id
    folders = await session.scalars(
        select(DocumentFolder)
        .where(DocumentFolder.organization_id == org.id, parent_cond)
        .order_by(DocumentFolder.name)
    )
    file_cond = StoredFile.folder_id.is_(None) if folder_id is None else StoredFile.folder_id == folder_id
    files = await session.scalars(
        select(StoredFile)
        .where(StoredFile.organization_id == org.id, StoredFile.kind == "document", file_cond)
        .order_by(StoredFile.name, StoredFile.id)
    )
    return DocumentsRead(
        organization=OrgBrief.model_validate(org),
        folder=FolderRead.model_validate(folder) if folder else None,
        path=[FolderRead.model_validate(f) for f in path],
        folders=[FolderRead.model_validate(f) for f in folders],
        files=[file_read(f) for f in files],
        can_edit=await can_edit(session, principal, org),
    )


async def create_folder(
    session: AsyncSession, principal: Principal, organization_id: int, data: FolderWrite
) -> FolderRead:
    """Create a folder (inside parent_id, or at the root)."""
    org = await get_org_for_edit(session, principal, organization_id)
    if data.parent_id is not None:
        parent = await _folder(session, data.parent_id, org.id, "parent_id")
        if len(await _path(session, parent)) >= MAX_DEPTH:
            raise InvalidInput("parent_id", f"folders nest at most {MAX_DEPTH} levels deep")
    f = DocumentFolder(organization_id=org.id, parent_id=data.parent_id, name=data.name)
    session.add(f)
    await session.flush()
    return FolderRead.model_validate(f)


async def rename_folder(session: AsyncSession, principal: Principal, folder_id: int, data: FolderWrite) -> FolderRead:
    """Rename or move a folder (never into itself or below itself)."""
    f = await _folder(session, folder_id)
    org = await get_org_for_edit(session, principal, f.organization_id)
    if data.parent_id is not None:
        parent = await _folder(session, data.parent_id, org.id, "parent_id")
        if any(p.id == f.id for p in await _path(session, parent)):
            raise InvalidInput("parent_id", "a folder cannot be moved into itself")
    f.name = data.name
    f.parent_id = data.parent_id
    await session.flush()
    return FolderRead.model_validate(f)


async def _subtree_keys(session: AsyncSession, folder: DocumentFolder) -> list[str]:
    ids = [folder.id]
    frontier = [folder.id]
    while frontier:
        frontier = list(await session.scalars(select(DocumentFolder.id).where(DocumentFolder.parent_id.in_(frontier))))
        ids.extend(frontier)
    return list(await session.scalars(select(StoredFile.storage_key).where(StoredFile.folder_id.in_(ids))))


async def delete_folder(session: AsyncSession, settings: Settings, principal: Principal, folder_id: int) -> None:
    """Delete a folder with everything in it."""
    f = await _folder(session, folder_id)
    await get_org_for_edit(session, principal, f.organization_id)
    await delete_with_bytes(session, settings, f, await _subtree_keys(session, f))


async def upload_document(
    session: AsyncSession,
    settings: Settings,
    principal: Principal,
    organization_id: int,
    folder_id: int | None,
    upload: UploadFile,
) -> FileRead:
    """Upload a document into a folder (or the root) after checking name, size and content."""
    org = await get_org_for_edit(session, principal, organization_id)
    if folder_id is not None:
        await _folder(session, folder_id, org.id)
    row = await store_upload(
        session, settings, principal, upload, organization_id=org.id, kind="document", folder_id=folder_id
    )
    return file_read(row)


async def public_file(session: AsyncSession, file_id: int) -> tuple[StoredFile, Organization]:
    """A public file (document or news image) for download; 404 for anything else."""
    f = await session.get(StoredFile, file_id)
    if f is None or f.kind not in ("document", "news_image"):
        raise NotFound(f"file {file_id} not found")
    return f, await get_public_org(session, f.organization_id)


async def delete_document(session: AsyncSession, settings: Settings, principal: Principal, file_id: int) -> None:
    """Delete a document or a news image."""
    f, org = await public_file(session, file_id)
    await get_org_for_edit(session, principal, org.id)
    await delete_file(session, settings, f)


async def update_document(session: AsyncSession, principal: Principal, file_id: int, data: FileUpdate) -> FileRead:
    """Rename a document or move it to another folder of the same organization."""
    f, org = await public_file(session, file_id)
    await get_org_for_edit(session, principal, org.id)
    if f.kind != "document":
        raise InvalidInput("file_id", "only documents can be renamed or moved")
    if data.name is not None:
        f.name = data.name
    if "folder_id" in data.model_fields_set:
        if data.folder_id is not None:
            await _folder(session, data.folder_id, org.id)
        f.folder_id = data.folder_id
    await session.flush()
    return file_read(f)


async def upload_news_image(
    session: AsyncSession, settings: Settings, principal: Principal, news_id: int, upload: UploadFile
) -> FileRead:
    """Attach an image (PNG or JPEG) to a news post."""
    news = await news_for_edit(session, principal, news_id)
    row = await store_upload(
        session,
        settings,
        principal,
        upload,
        organization_id=news.organization_id,
        kind="news_image",
        images_only=True,
        news_id=news.id,
    )
    return file_read(row)
