"""Schemas of the organization profile (public site) and Информирование."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.schemas.common import Address, Email, Phones, Plain, Website
from api.schemas.dates import SaneDate

HTML_MAX = 100_000


class _Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class _Write(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class OrgBrief(_Read):
    """An organization as a link: id, names, kind."""

    id: int
    name_ru: str
    name_kk: str | None = None
    short_name: str | None = None
    kind: str


class Contacts(_Read):
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


class ProfileUpdate(_Write):
    """Editable part of the profile: description (rich text) and contacts; omitted fields stay."""

    description: str | None = Field(default=None, max_length=HTML_MAX)
    # The same checks as the integration API's organizations (api.schemas.common).
    postal_address: Address | None = None
    building_address: Address | None = None
    phones: Phones | None = None
    email: Email | None = None
    website: Website | None = None


class FileRead(_Read):
    """A stored file: its name as uploaded, detected content type, size and download address."""

    id: int
    name: str
    content_type: str
    size_bytes: int
    created_at: datetime
    folder_id: int | None = None
    url: str


class LeaderBrief(_Read):
    """Руководитель: a head or deputy of the organization with position and contacts."""

    person_id: int
    full_name: str
    position: str
    role_kind: str
    phone: str | None = None
    email: str | None = None
    registered: bool


class AdminBrief(_Read):
    """Администратор профиля организации: an administrator of the body or a named profile administrator."""

    user_id: int
    person_id: int | None
    full_name: str
    profile_admin: bool = Field(default=False, description="named profile administrator (not a body administrator)")


class ProfileAdminsRead(BaseModel):
    """The named profile administrators of a body and the employees that may be named."""

    items: list[AdminBrief]
    candidates: list[AdminBrief]


class ProfileAdminsWrite(_Write):
    """The whole list of profile administrators: user ids of active employees of the body."""

    user_ids: list[int] = Field(max_length=100)


class NewsWrite(_Write):
    """A news post: title, rich text, optional publication time (now by default)."""

    title: Plain = Field(min_length=1, max_length=300)
    body_html: str = Field(min_length=1, max_length=HTML_MAX)
    published_at: datetime | None = None


class NewsUpdate(_Write):
    """Changes to a news post; omitted fields stay."""

    title: Plain | None = Field(default=None, min_length=1, max_length=300)
    body_html: str | None = Field(default=None, min_length=1, max_length=HTML_MAX)
    published_at: datetime | None = None


class NewsRead(_Read):
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


class PageWrite(_Write):
    """An interactive page: title and rich text."""

    title: Plain = Field(min_length=1, max_length=300)
    body_html: str = Field(max_length=HTML_MAX)


class PageUpdate(_Write):
    """Changes to an interactive page; omitted fields stay."""

    title: Plain | None = Field(default=None, min_length=1, max_length=300)
    body_html: str | None = Field(default=None, max_length=HTML_MAX)


class PageBrief(_Read):
    """An interactive page in the menu."""

    id: int
    title: str
    sort_order: int


class PageRead(PageBrief):
    """An interactive page with its sanitised text."""

    organization_id: int
    body_html: str
    updated_at: datetime


class PageOrder(_Write):
    """The new order of all the organization's pages (every id exactly once)."""

    ids: list[int] = Field(min_length=1, max_length=500)


class WallWrite(_Write):
    """A message for the wall."""

    body_html: str = Field(min_length=1, max_length=10_000)


class WallRead(_Read):
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


class PersonBrief(_Read):
    """A person as shown next to a unit or a leader."""

    person_id: int
    full_name: str
    phone: str | None = None
    email: str | None = None


class UnitRead(_Read):
    """Структурное подразделение with its head."""

    id: int
    parent_unit_id: int | None
    name_ru: str
    name_kk: str | None
    phone: str | None
    email: str | None
    sort_order: int
    head: PersonBrief | None


class UnitWrite(_Write):
    """A structural unit: names, head, contacts, order."""

    name_ru: Plain = Field(min_length=1, max_length=500)
    name_kk: Plain | None = Field(default=None, max_length=500)
    parent_unit_id: int | None = None
    head_person_id: int | None = None
    phone: str | None = Field(default=None, max_length=64)
    email: Email | None = None
    sort_order: int = Field(default=0, ge=0, le=100_000)


class SubordinateRead(OrgBrief):
    """A subordinate organization (links to its own profile)."""

    type_name_ru: str | None = None
    district_name_ru: str | None = None
    profile_url: str
    parent_id: int | None = None


class DirectoryRead(BaseModel):
    """The public directory: management bodies of the tree and the organizations matching a search."""

    bodies: list[SubordinateRead]
    items: list[SubordinateRead]
    total: int


class StructureRead(BaseModel):
    """Вкладка «Структура»: units, subordinate organizations, leaders' personal pages."""

    organization: OrgBrief
    units: list[UnitRead]
    subordinates: list[SubordinateRead]
    leaders: list[LeaderBrief]


class ReceptionWrite(_Write):
    """A reception schedule entry: who, days, hours, place."""

    who: Plain = Field(min_length=1, max_length=255)
    position: Plain | None = Field(default=None, max_length=255)
    person_id: int | None = None
    days: Plain = Field(min_length=1, max_length=255)
    hours: Plain = Field(min_length=1, max_length=128)
    place: Plain | None = Field(default=None, max_length=500)
    sort_order: int = Field(default=0, ge=0, le=100_000)


class ReceptionRead(_Read):
    """Приём граждан: who, days, hours, place."""

    id: int
    person_id: int | None
    who: str
    position: str | None
    days: str
    hours: str
    place: str | None
    sort_order: int


class LeaderPage(BaseModel):
    """Личная страница руководителя: positions, contacts, reception hours."""

    person_id: int
    full_name: str
    organization: OrgBrief
    positions: list[str]
    phone: str | None
    email: str | None
    registered: bool
    reception: list[ReceptionRead]


PeopleCategory = Literal["all", "leaders", "administration", "school_staff", "students", "parents"]


class PersonOrg(BaseModel):
    """Where a listed person belongs, within the scope: organization and role there."""

    organization_id: int
    organization_name: str
    role: str  # a staff role_kind (head, deputy, teacher, …), student, parent, app_admin or app_employee
    detail: str | None = None  # the position, or the class of a student, or the child of a parent


class PersonRow(BaseModel):
    """A person in «Люди»: registered persons are flagged (and linked), online ones too."""

    person_id: int
    full_name: str
    registered: bool
    user_id: int | None
    online: bool
    memberships: list[PersonOrg]


class PeopleList(BaseModel):
    """A page of people; the total is counted up to 1000 (total_exact false: "1000+"), has_more says if pages follow."""

    items: list[PersonRow]
    page: int
    page_size: int
    has_more: bool
    total: int  # the number of people found, at most 1000
    total_exact: bool  # False: more than `total` were found (counting a whole region on every page is not free)
    approximate: bool = False  # True: no exact match, these are similar names (a typo tolerated)


class FolderWrite(_Write):
    """A documents folder: name and parent (None for the root)."""

    name: Plain = Field(min_length=1, max_length=255)
    parent_id: int | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if any(ord(c) < 32 for c in v) or "/" in v or "\\" in v:
            raise ValueError("must not contain control characters or slashes")
        return v


class FileUpdate(_Write):
    """Rename a document or move it to another folder (folder_id null: the root); omitted fields stay."""

    name: Plain | None = Field(default=None, min_length=1, max_length=255)
    folder_id: int | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, v: str | None) -> str | None:
        if v is not None and (any(ord(c) < 32 for c in v) or "/" in v or "\\" in v):
            raise ValueError("must not contain control characters or slashes")
        return v


class FolderRead(_Read):
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


class SectionWrite(_Write):
    """A forum section."""

    title: Plain = Field(min_length=1, max_length=300)
    description: Plain | None = Field(default=None, max_length=1000)
    sort_order: int = Field(default=0, ge=0, le=100_000)


class SectionRead(_Read):
    """Раздел форума with its number of topics."""

    id: int
    title: str
    description: str | None
    sort_order: int
    topic_count: int = 0


class TopicWrite(_Write):
    """A new topic: its title and first post."""

    title: Plain = Field(min_length=1, max_length=300)
    body_html: str = Field(min_length=1, max_length=HTML_MAX)


class TopicRead(_Read):
    """Тема форума."""

    id: int
    section_id: int
    title: str
    author_name: str
    locked: bool
    hidden: bool
    created_at: datetime
    updated_at: datetime
    post_count: int = 0


class PostWrite(_Write):
    """A post or a reply (parent_post_id) in a topic."""

    body_html: str = Field(min_length=1, max_length=HTML_MAX)
    parent_post_id: int | None = None


class PostUpdate(_Write):
    """New text of a post (send the post's ETag in If-Match)."""

    body_html: str = Field(min_length=1, max_length=HTML_MAX)


class PostRead(_Read):
    """Сообщение форума; `etag` is what If-Match must carry to edit it."""

    id: int
    topic_id: int
    parent_post_id: int | None
    author_name: str
    author_user_id: int | None
    body_html: str
    hidden: bool
    version: int
    etag: str
    created_at: datetime
    updated_at: datetime


class TopicDetail(BaseModel):
    """A topic with its posts in order."""

    topic: TopicRead
    section: SectionRead
    posts: list[PostRead]
    can_moderate: bool
    can_post: bool


class ForumRead(BaseModel):
    """Вкладка «Форум»: sections with their latest topics."""

    organization: OrgBrief
    sections: list[SectionRead]
    can_moderate: bool
    can_post: bool


class TopicList(BaseModel):
    """A page of topics of a section, most recently active first."""

    section: SectionRead
    items: list[TopicRead]
    total: int
    page: int
    page_size: int


class Moderation(_Write):
    """Moderation of a topic or a post: hide, lock (topics)."""

    hidden: bool | None = None
    locked: bool | None = None


class QuestionWrite(_Write):
    """A question from anyone: name, optional e-mail, the question (plain text)."""

    author_name: Plain = Field(min_length=1, max_length=255)
    author_email: Email | None = None
    question: Plain = Field(min_length=5, max_length=5000)


class QuestionAnswer(_Write):
    """An administrator's answer (rich text) and whether the Q&A is published."""

    answer_html: str | None = Field(default=None, min_length=1, max_length=HTML_MAX)
    published: bool | None = None


class FaqRead(_Read):
    """A published question with its answer."""

    id: int
    author_name: str
    question: str
    answer_html: str | None
    answered_at: datetime | None
    created_at: datetime


class QuestionRead(FaqRead):
    """A question as administrators see it."""

    author_email: str | None
    published: bool


class QuestionAccepted(BaseModel):
    """The question was received; it appears publicly once answered and published."""

    id: int
    status: Literal["received"] = "received"


class FeedbackRead(BaseModel):
    """Вкладка «Обратная связь»: contacts, reception schedule, published questions and answers."""

    organization: OrgBrief
    contacts: Contacts
    reception: list[ReceptionRead]
    faq: list[FaqRead]
    can_edit: bool


class QuestionList(BaseModel):
    """Questions for administrators, newest first."""

    items: list[QuestionRead]
    total: int
    page: int
    page_size: int


class Target(_Write):
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


class TargetOrganization(BaseModel):
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


class AnnouncementWrite(_Write):
    """A new announcement: title, rich text, importance, optional deadline, recipients."""

    title: Plain = Field(min_length=1, max_length=300)
    body_html: str = Field(min_length=1, max_length=HTML_MAX)
    importance: Literal["normal", "high", "urgent"] = "normal"
    deadline: SaneDate | None = None
    target: Target


class AnnouncementRead(_Read):
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


class Withdrawal(_Write):
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
