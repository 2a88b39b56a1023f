"""Вкладки «Структура», «Подведомственные», «Руководство» and «Люди» of the organization profile."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.common import Email, Plain
from api.schemas.profile.base import LeaderBrief, OrgBrief, ReadModel, WriteModel


class PersonBrief(ReadModel):
    """A person as shown next to a unit or a leader."""

    person_id: int
    full_name: str
    phone: str | None = None
    email: str | None = None


class UnitRead(ReadModel):
    """Структурное подразделение with its head."""

    id: int
    parent_unit_id: int | None
    name_ru: str
    name_kk: str | None
    phone: str | None
    email: str | None
    sort_order: int
    head: PersonBrief | None


class UnitWrite(WriteModel):
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


class ReceptionWrite(WriteModel):
    """A reception schedule entry: who, days, hours, place."""

    who: Plain = Field(min_length=1, max_length=255)
    position: Plain | None = Field(default=None, max_length=255)
    person_id: int | None = None
    days: Plain = Field(min_length=1, max_length=255)
    hours: Plain = Field(min_length=1, max_length=128)
    place: Plain | None = Field(default=None, max_length=500)
    sort_order: int = Field(default=0, ge=0, le=100_000)


class ReceptionRead(ReadModel):
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
