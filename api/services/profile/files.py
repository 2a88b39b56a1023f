"""Stored files of the profile: save an upload (checked first), list, read back, delete."""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi import UploadFile
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.config import Settings
from api.models import StoredFile
from api.schemas.profile.base import FileRead
from api.services.profile import uploads
from api.services.scope import Principal
from api.services.storage import delete_after_commit, get_storage, put_in_transaction


def file_url(f: StoredFile) -> str:
    """Where a file is downloaded from: attachments of announcements need a login, the rest is public."""
    if f.kind == "attachment":
        return f"/api/v1/inform/attachments/{f.id}"
    return f"/api/v1/files/{f.id}"


def file_read(f: StoredFile) -> FileRead:
    """The schema of a stored file."""
    return FileRead.of(f, url=file_url(f))


async def store_upload(
    session: AsyncSession,
    settings: Settings,
    principal: Principal,
    upload: UploadFile,
    *,
    organization_id: int,
    kind: str,
    images_only: bool = False,
    folder_id: int | None = None,
    news_id: int | None = None,
    announcement_id: int | None = None,
) -> StoredFile:
    """Check the upload (name, size, content) and only then store it under a generated key and record it."""
    name = uploads.check_name(upload.filename)
    data = await uploads.read_limited(upload)
    fmt = uploads.detect(data, name)
    if images_only and not fmt.image:
        raise uploads.UnsupportedFile("only PNG and JPEG images are accepted here")
    # Removed again unless the request's transaction commits (a failed flush or commit leaves nothing).
    key = put_in_transaction(session, get_storage(settings), data)
    row = StoredFile(
        organization_id=organization_id,
        kind=kind,
        folder_id=folder_id,
        news_id=news_id,
        announcement_id=announcement_id,
        name=name,
        storage_key=key,
        content_type=fmt.content_type,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by_user_id=principal.user_id,
    )
    session.add(row)
    await session.flush()
    await session.refresh(row, ["created_at"])
    return row


def read_bytes(settings: Settings, f: StoredFile) -> bytes:
    """The stored bytes of a file."""
    return get_storage(settings).get(f.storage_key)


async def delete_with_bytes(session: AsyncSession, settings: Settings, row: object, keys: list[str] | str) -> None:
    """Delete the row (its files go with it); the stored bytes under `keys` go once the deletion has committed (a
    failed commit keeps both)."""
    await session.delete(row)
    await session.flush()
    delete_after_commit(session, get_storage(settings), keys)


async def delete_with_files(session: AsyncSession, settings: Settings, row: object, *files_of_row: Any) -> None:
    """Delete the row and, after the commit, the bytes of the stored files matching `files_of_row`."""
    keys = list(await session.scalars(select(StoredFile.storage_key).where(*files_of_row)))
    await delete_with_bytes(session, settings, row, keys)


async def delete_file(session: AsyncSession, settings: Settings, f: StoredFile) -> None:
    """Delete a stored file: the row, then its bytes once the deletion has committed."""
    await delete_with_bytes(session, settings, f, f.storage_key)
