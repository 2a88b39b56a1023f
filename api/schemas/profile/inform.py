"""Информирование: announcements of a body to its subordinate organizations, their targets and reads."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.common import Plain
from api.schemas.dates import SaneDate
from api.schemas.profile.base import HTML_MAX, FileRead, OrgBrief, ReadModel, WriteModel


class Target(WriteModel):
    """Recipients: all subordinates, those of a district, of a type, or a list (all inside the sender's subtree)."""

    kind: Literal["all", "district", "type", "list"]
    district_id: int | None = None
    type_id: int | None = None
    organization_ids: list[int] | None = Field(default=None, max_length=5000)


class TargetChoice(BaseModel):
    """A district or an organization type found among the sender's subordinates, with how many have it."""

    id: int
    name_ru: str
    name_kk: str | None = None
    name_en: str | None = None
    organizations_count: int


class TargetOrganization(ReadModel):
    """A subordinate organization that an announcement can be sent to."""

    id: int
    name_ru: str
    name_kk: str | None = None
    kind: str
    district_id: int | None
    type_id: int | None


class InformTargets(BaseModel):
    """Whom the caller's body can address: its districts, organization types and organizations (its subtree)."""

    organizations_count: int
    districts: list[TargetChoice]
    types: list[TargetChoice]
    organizations: list[TargetOrganization]


class AnnouncementWrite(WriteModel):
    """A new announcement: title, rich text, importance, optional deadline, recipients."""

    title: Plain = Field(min_length=1, max_length=300)
    body_html: str = Field(min_length=1, max_length=HTML_MAX)
    importance: Literal["normal", "high", "urgent"] = "normal"
    deadline: SaneDate | None = None
    target: Target


class AnnouncementRead(ReadModel):
    """Объявление: sender, text, importance, deadline, attachments; read_at for the reader."""

    id: int
    sender: OrgBrief
    author_name: str
    title: str
    body_html: str
    importance: str
    deadline: date | None
    target_kind: str
    created_at: datetime
    attachments: list[FileRead]
    recipients_count: int
    read_at: datetime | None = None
    withdrawn_at: datetime | None = None


class Withdrawal(WriteModel):
    """Withdraw (true) or restore (false) a sent announcement."""

    withdrawn: bool


class AnnouncementList(BaseModel):
    """A page of announcements, newest first."""

    items: list[AnnouncementRead]
    total: int
    page: int
    page_size: int


class Reader(BaseModel):
    """A user of a recipient organization and when they read the announcement (None: not yet)."""

    user_id: int
    full_name: str
    read_at: datetime | None


class RecipientReads(BaseModel):
    """A recipient organization with its users and who has read."""

    organization: OrgBrief
    readers: list[Reader]
    read_count: int
    users_count: int


class AnnouncementReads(BaseModel):
    """Who has read an announcement, per recipient organization."""

    announcement_id: int
    recipients: list[RecipientReads]
    read_count: int
    users_count: int
