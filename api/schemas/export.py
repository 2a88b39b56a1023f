"""The data package of a body over HTTP: /api/v1/export."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ExportStatus = Literal["running", "done", "failed"]


class ExportStart(BaseModel):
    """What to export: a body or school of the administrator's subtree (default: the administrator's own body)."""

    model_config = ConfigDict(extra="forbid")

    organization_id: int | None = Field(default=None, gt=0, le=2**31 - 1)


class ExportJob(BaseModel):
    """An export of the caller's: its progress, then the file to download (GET …/file) until it expires."""

    id: str = Field(description="the job's id (32 hex digits)")
    organization_id: int
    status: ExportStatus
    tables_done: int = Field(description="tables written so far")
    tables_total: int
    rows: int = Field(description="rows written so far")
    bytes: int = Field(description="uncompressed CSV bytes written so far")
    size: int | None = Field(default=None, description="the zip's size once done")
    filename: str
    error: str | None = Field(default=None, description="why it failed (status failed)")
    created_at: datetime
    finished_at: datetime | None = None
    expires_at: datetime | None = Field(default=None, description="when the file is removed if not downloaded")
