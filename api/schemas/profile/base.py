"""Building blocks of the profile schemas: read and write models, an organization as a link, a stored file, a leader."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Self

from pydantic import BaseModel, ConfigDict

HTML_MAX = 100_000


class ReadModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    @classmethod
    def of(cls, row: object, **computed: Any) -> Self:
        """The model from the same-named attributes of `row`; the fields that are not its attributes given by name."""
        return cls(**{name: getattr(row, name) for name in cls.model_fields if name not in computed}, **computed)


class WriteModel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class OrgBrief(ReadModel):
    """An organization as a link: id, names, kind."""

    id: int
    name_ru: str
    name_kk: str | None = None
    short_name: str | None = None
    kind: str


class FileRead(ReadModel):
    """A stored file: its name as uploaded, detected content type, size and download address."""

    id: int
    name: str
    content_type: str
    size_bytes: int
    created_at: datetime
    folder_id: int | None = None
    url: str


class LeaderBrief(ReadModel):
    """Руководитель: a head or deputy of the organization with position and contacts."""

    person_id: int
    full_name: str
    position: str
    role_kind: str
    phone: str | None = None
    email: str | None = None
    registered: bool
