"""Вкладка «Профиль» of the organization profile: the card and its contacts, administrators, news, pages, wall."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from api.schemas.common import Address, Email, Phones, Plain, Website
from api.schemas.profile.base import HTML_MAX, FileRead, LeaderBrief, OrgBrief, ReadModel, WriteModel


class Contacts(ReadModel):
    """Контактные данные организации."""

    postal_address: str | None = None
    building_address: str | None = None
    phones: str | None = None
    email: str | None = None
    website: str | None = None


class OrganizationCard(OrgBrief, Contacts):
    """The organization in its profile: names, kind, description (sanitised HTML), contacts, parent."""

    description: str | None = None
    parent_id: int | None = None
    region_id: int | None = None
    district_id: int | None = None


class ProfileUpdate(WriteModel):
    """Editable part of the profile: description (rich text) and contacts; omitted fields stay."""

    description: str | None = Field(default=None, max_length=HTML_MAX)
    # The same checks as the integration API's organizations (api.schemas.common).
    postal_address: Address | None = None
    building_address: Address | None = None
    phones: Phones | None = None
    email: Email | None = None
    website: Website | None = None


class AdminBrief(ReadModel):
    """Администратор профиля организации: an administrator of the body or a named profile administrator."""

    user_id: int
    person_id: int | None
    full_name: str
    profile_admin: bool = Field(default=False, description="named profile administrator (not a body administrator)")


class ProfileAdminsRead(BaseModel):
    """The named profile administrators of a body and the employees that may be named."""

    items: list[AdminBrief]
    candidates: list[AdminBrief]


class ProfileAdminsWrite(WriteModel):
    """The whole list of profile administrators: user ids of active employees of the body."""

    user_ids: list[int] = Field(max_length=100)


class NewsWrite(WriteModel):
    """A news post: title, rich text, optional publication time (now by default)."""

    title: Plain = Field(min_length=1, max_length=300)
    body_html: str = Field(min_length=1, max_length=HTML_MAX)
    published_at: datetime | None = None


class NewsUpdate(WriteModel):
    """Changes to a news post; omitted fields stay."""

    title: Plain | None = Field(default=None, min_length=1, max_length=300)
    body_html: str | None = Field(default=None, min_length=1, max_length=HTML_MAX)
    published_at: datetime | None = None


class NewsRead(ReadModel):
    """Новость: date, author, title, sanitised text and images."""

    id: int
    organization_id: int
    title: str
    body_html: str
    author_name: str
    published_at: datetime
    images: list[FileRead] = []


class NewsList(BaseModel):
    """A page of news, newest first."""

    items: list[NewsRead]
    total: int
    page: int
    page_size: int


class PageWrite(WriteModel):
    """An interactive page: title and rich text."""

    title: Plain = Field(min_length=1, max_length=300)
    body_html: str = Field(max_length=HTML_MAX)


class PageUpdate(WriteModel):
    """Changes to an interactive page; omitted fields stay."""

    title: Plain | None = Field(default=None, min_length=1, max_length=300)
    body_html: str | None = Field(default=None, max_length=HTML_MAX)


class PageBrief(ReadModel):
    """An interactive page in the menu."""

    id: int
    title: str
    sort_order: int


class PageRead(PageBrief):
    """An interactive page with its sanitised text."""

    organization_id: int
    body_html: str
    updated_at: datetime


class PageOrder(WriteModel):
    """The new order of all the organization's pages (every id exactly once)."""

    ids: list[int] = Field(min_length=1, max_length=500)


class WallWrite(WriteModel):
    """A message for the wall."""

    body_html: str = Field(min_length=1, max_length=10_000)


class WallRead(ReadModel):
    """Сообщение на стене."""

    id: int
    author_name: str
    author_user_id: int | None
    body_html: str
    hidden: bool
    created_at: datetime


class ProfileRead(BaseModel):
    """Вкладка «Профиль»: card, leaders, administrators, latest news, pages, newest documents, wall."""

    organization: OrganizationCard
    parent: OrgBrief | None = None
    can_edit: bool
    can_name_admins: bool = Field(default=False, description="the caller may name profile administrators")
    is_employee: bool
    leaders: list[LeaderBrief]
    administrators: list[AdminBrief]
    news: list[NewsRead]
    pages: list[PageBrief]
    latest_documents: list[FileRead]
    wall: list[WallRead]
