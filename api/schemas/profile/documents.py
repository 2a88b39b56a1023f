"""Вкладка «Документы» of the organization profile: folders and files."""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

from api.schemas.common import Plain
from api.schemas.profile.base import FileRead, OrgBrief, ReadModel, WriteModel


class FolderWrite(WriteModel):
    """A documents folder: name and parent (None for the root)."""

    name: Plain = Field(min_length=1, max_length=255)
    parent_id: int | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if any(ord(c) < 32 for c in v) or "/" in v or "\\" in v:
            raise ValueError("must not contain control characters or slashes")
        return v


class FileUpdate(WriteModel):
    """Rename a document or move it to another folder (folder_id null: the root); omitted fields stay."""

    name: Plain | None = Field(default=None, min_length=1, max_length=255)
    folder_id: int | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, v: str | None) -> str | None:
        if v is not None and (any(ord(c) < 32 for c in v) or "/" in v or "\\" in v):
            raise ValueError("must not contain control characters or slashes")
        return v


class FolderRead(ReadModel):
    """A documents folder."""

    id: int
    parent_id: int | None
    name: str


class DocumentsRead(BaseModel):
    """Вкладка «Документы» at one folder: its path, subfolders and files (root when folder is None)."""

    organization: OrgBrief
    folder: FolderRead | None
    path: list[FolderRead]
    folders: list[FolderRead]
    files: list[FileRead]
    can_edit: bool
